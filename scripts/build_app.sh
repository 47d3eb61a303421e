#!/usr/bin/env bash
# Build the one-folder app with PyInstaller, then smoke-run the result.
#
# Usage: bash scripts/build_app.sh
#   PYTHON=...   the interpreter to build with; it needs the app's dependencies and PyInstaller
#                (`$PYTHON -m pip install pyinstaller`). The app is built with the newest Python in
#                scripts/pythons.txt (3.13), so the default is that one's .venv-X.Y/bin/python, as made
#                by scripts/test.sh.
#
# Output: dist/desktop-uploader/ (and build/pyinstaller/ for intermediate files). Linux only for the
# smoke run: it starts the built program offscreen, with a throwaway home, so it touches no real settings.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() {
    printf '\n==== %s ====\n' "$*"
}

now() {
    date +%s.%N
}

elapsed() {
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

BUILD_VERSION=$(grep -Ev '^[[:space:]]*(#|$)' scripts/pythons.txt | tail -n 1)
PY="${PYTHON:-.venv-$BUILD_VERSION/bin/python}"
if ! "$PY" -m PyInstaller --version >/dev/null 2>&1; then
    echo "PyInstaller is not installed for $PY; install it with: $PY -m pip install pyinstaller" >&2
    exit 2
fi

section "PyInstaller $("$PY" -m PyInstaller --version) with $("$PY" --version 2>&1)"
start=$(now)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/pyinstaller/desktop-uploader.spec
build_seconds=$(elapsed "$start")

APP_DIR=dist/desktop-uploader
APP="$APP_DIR/desktop-uploader"
[ -x "$APP" ] || { echo "No program at $APP" >&2; exit 1; }
echo "Built $APP_DIR in ${build_seconds}s: $(du -sh "$APP_DIR" | cut -f1), $(find "$APP_DIR" -type f | wc -l) files"

section "Smoke run"
work=$(mktemp -d)
app_pid=""
cleanup() {
    if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
        kill "$app_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/app" "$work/runtime"
chmod 700 "$work/runtime"
# A throwaway user: no real settings, keychain or menus are touched.
export HOME="$work/home" DESKTOP_UPLOADER_HOME="$work/app" XDG_RUNTIME_DIR="$work/runtime"
export XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config"
export QT_QPA_PLATFORM=offscreen PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring
unset PYTHONPATH

expected=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop_uploader/__init__.py)
start=$(now)
got=$("$APP" --version)
echo "$got  (${start:+$(elapsed "$start")s})"
[ "$got" = "desktop-uploader $expected" ] || { echo "expected version $expected" >&2; exit 1; }

"$APP" upload --help >/dev/null
echo "upload --help: ok"

"$APP" integrate install --dry-run >/dev/null
echo "integrate install --dry-run: ok"
"$APP" kiosk --help >/dev/null
echo "kiosk --help: ok"
# A real upload through the built program (servers started from the source tree).
PYTHONPATH="$PWD" "$PY" scripts/smoke_upload.py "$APP"

# The window: start it offscreen with a destination set up (so no first-run dialog waits for input), wait
# until it answers a second launch over the single-instance socket, then close it.
"$APP" profile add smoke --endpoint https://example.invalid/sign --default >/dev/null
echo "hello" > "$work/file one.txt"
start=$(now)
"$APP" gui >"$work/gui.log" 2>&1 &
app_pid=$!
handed_off=""
for _ in $(seq 1 300); do
    if ! kill -0 "$app_pid" 2>/dev/null; then
        cat "$work/gui.log" >&2
        echo "The window process ended by itself" >&2
        exit 1
    fi
    # The handoff alone, from the source tree: a second `$APP gui` would open a window if none answered.
    # It answers from its event loop, which runs once the window is shown; no paths, so nothing is queued.
    if PYTHONPATH="$PWD" "$PY" -m desktop_uploader.gui.handoff --require-reply --timeout-ms 1000 \
            >>"$work/handoff.log" 2>&1; then
        handed_off=yes
        break
    fi
    sleep 0.1
done
if [ -n "$handed_off" ]; then
    echo "window up and answering a second launch after $(elapsed "$start")s"
    # Now the built program's own second launch: it must hand over and end, not open another window.
    start=$(now)
    timeout 60 "$APP" gui -- "$work/file one.txt"
    echo "second launch of the built program handed over and ended in $(elapsed "$start")s"
else
    echo "window process running, but it did not answer a second launch" >&2
    exit 1
fi
rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$app_pid/status")
kill -TERM "$app_pid"
status=0
wait "$app_pid" || status=$?
app_pid=""
if [ "$status" -ne 0 ]; then
    cat "$work/gui.log" >&2
    echo "The window did not close cleanly on SIGTERM (exit status $status)" >&2
    exit 1
fi
echo "window closed cleanly on SIGTERM"
if grep -q "Traceback" "$work/gui.log"; then
    cat "$work/gui.log" >&2
    echo "The window logged errors" >&2
    exit 1
fi
echo "the window process used $((rss_kb / 1024)) MiB"

section "Done"
echo "dist: $APP_DIR ($(du -sh "$APP_DIR" | cut -f1)), build ${build_seconds}s"
