#!/usr/bin/env bash
# The whole test run, from a fresh checkout: system packages, a virtualenv with the project and its test
# extras, then lint, types, import contracts and the test suite. CI (.ci/run) runs exactly this.
# Usage: bash scripts/test.sh [extra pytest arguments]
# All checks run even when an earlier one fails, so one run shows every problem; the script then
# exits non-zero if any failed (pytest's exit code 5, "no tests ran", counts as a failure).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

section() {
    printf '\n==== %s ====\n' "$*"
}

failed=()
check() {
    local name=$1
    shift
    section "$name"
    local status=0
    "$@" || status=$?
    if [ "$status" -ne 0 ]; then
        printf '\n!!!! %s failed (exit code %d)\n' "$name" "$status"
        failed+=("$name")
    fi
}

bash scripts/system-deps.sh

PYTHON="${PYTHON:-python3}"
VENV=.venv

if [ ! -x "$VENV/bin/python" ]; then
    section "Creating $VENV with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

section "Installing desktop-uploader[test] (editable)"
"$PY" -m pip install --disable-pip-version-check --quiet --editable '.[test]'

check "ruff check" "$VENV/bin/ruff" check .
check "mypy" "$VENV/bin/mypy"
check "lint-imports" "$VENV/bin/lint-imports"
check "pytest" "$PY" -m pytest -p no:cacheprovider "$@"
# The installable app: a one-folder PyInstaller build, smoke-run (version, commands, window, handoff).
check "build and smoke-run the app" env PYTHON="$PY" bash scripts/build_app.sh

if [ "${#failed[@]}" -gt 0 ]; then
    section "FAILED: ${failed[*]}"
    exit 1
fi
