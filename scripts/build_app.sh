#!/usr/bin/env bash
# Build the one-folder app with PyInstaller, then smoke-run the result.
#
# Usage: bash scripts/build_app.sh
#   PYTHON=...   the interpreter to build with; it needs the app's dependencies and PyInstaller
#                (`$PYTHON -m pip install pyinstaller`). The app is built with the newest Python in
#                scripts/pythons.txt (3.13), so the default is that one's .venv-X.Y/bin/python, as made
#                by scripts/test.sh.
#
# Output: dist/desktop-uploader/ (and build/pyinstaller/ for intermediate files). The smoke run
# (scripts/smoke_app.sh, Linux only) starts the built program offscreen, with a throwaway home, so it touches no
# real settings.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/common.sh
source scripts/common.sh

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
PYTHON="$PY" bash scripts/smoke_app.sh "$APP"

section "Done"
echo "dist: $APP_DIR ($(du -sh "$APP_DIR" | cut -f1)), build ${build_seconds}s"
