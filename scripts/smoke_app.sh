#!/usr/bin/env bash
# Smoke-run a built desktop-uploader program: version, commands, a real upload, and the window.
#
# Usage: bash scripts/smoke_app.sh PROGRAM
#   PROGRAM      dist/desktop-uploader/desktop-uploader (scripts/build_app.sh) or /usr/bin/desktop-uploader
#                (scripts/check_deb.sh, after installing the package)
#   PYTHON=...   the project's interpreter (default: the build's .venv-X.Y/bin/python, as in build_app.sh),
#                which runs the local S3 server, the signing endpoint and the second-launch probe from this
#                checkout
#
# Linux only. The program runs offscreen with a throwaway home, so it touches no real settings.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

now() {
    date +%s.%N
}

elapsed() {
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

APP=$1
BUILD_VERSION=$(grep -Ev '^[[:space:]]*(#|$)' scripts/pythons.txt | tail -n 1)
PY="${PYTHON:-.venv-$BUILD_VERSION/bin/python}"

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
echo "$got  ($(elapsed "$start")s)"
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
