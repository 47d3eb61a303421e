#!/usr/bin/env bash
# Refresh the translation catalogue from the window's sources (new texts, moved files), then compile it.
# Translate new entries in resources/translations/*.ts (Qt Linguist or a text editor) and run this again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${VENV:-.venv}/bin"
mapfile -t sources < <(find desktop_uploader/gui -name '*.py' | sort)
for ts in resources/translations/*.ts; do
    "$BIN/pyside6-lupdate" "${sources[@]}" -ts "$ts" -no-obsolete
    "$BIN/pyside6-lrelease" "$ts" -qm "${ts%.ts}.qm"
done
