#!/usr/bin/env bash
# The whole test run, from a fresh checkout: system packages, then for each supported Python the machine
# has (scripts/pythons.txt) a virtualenv .venv-X.Y with the project and its test extras and a pytest run;
# lint, types and import contracts once. CI (.ci/run) runs exactly this.
#   The newest Python (3.13) runs the whole suite, ruff, mypy, lint-imports and the app build (PyInstaller,
#   smoke-run); the older ones run the engine, command-line and window tests (OLDER_TESTS below). A listed
#   version the machine lacks is skipped with a notice; the newest one present always runs.
# Usage: bash scripts/test.sh [extra pytest arguments, given to every pytest run]
#   PYTHONS="3.13"   test only these versions (space-separated) instead of the whole list
# All checks run even when an earlier one fails, so one run shows every problem; the script then
# exits non-zero if any failed (pytest's exit code 5, "no tests ran", counts as a failure).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# What the older Pythons run: the engine, the command line and the main window; the whole suite on each
# would about triple the time of a run.
OLDER_TESTS=(tests/core tests/cli tests/gui)

section() {
    printf '\n==== %s ====\n' "$*"
}

failed=()
timings=()
check() {
    local name=$1
    shift
    section "$name"
    local status=0 start=$SECONDS
    "$@" || status=$?
    timings+=("$(printf '%5ds  %s' $((SECONDS - start)) "$name")")
    if [ "$status" -ne 0 ]; then
        printf '\n!!!! %s failed (exit code %d)\n' "$name" "$status"
        failed+=("$name")
    fi
}

# The interpreter for version X.Y: pyenv's newest X.Y.*, else a pythonX.Y on PATH; it must say it is X.Y
# (a pyenv shim for a version pyenv does not have only prints an error).
find_python() {
    local version=$1 candidate
    local candidates=()
    mapfile -t candidates < <(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}/versions/$version".*/bin/python | sort -rV)
    mapfile -t -O "${#candidates[@]}" candidates < <(type -ap "python$version")
    for candidate in "${candidates[@]}"; do
        if [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]
        then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# A virtualenv per Python, made once and brought up to date with the project on every run.
prepare_venv() {
    local interpreter=$1 venv=$2
    if [ ! -x "$venv/bin/python" ]; then
        echo "Creating $venv with $("$interpreter" --version 2>&1) ($interpreter)"
        "$interpreter" -m venv "$venv" || return
    fi
    echo "Installing desktop-uploader[test] (editable) into $venv"
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --editable '.[test]'
}

bash scripts/system-deps.sh

if [ -n "${PYTHONS:-}" ]; then
    read -r -a listed <<<"$PYTHONS"
else
    mapfile -t listed < <(grep -Ev '^[[:space:]]*(#|$)' scripts/pythons.txt)
fi

section "Pythons"
versions=()
declare -A interpreter
for version in "${listed[@]}"; do
    if found=$(find_python "$version"); then
        versions+=("$version")
        interpreter[$version]=$found
        echo "Python $version: $found"
    else
        echo "Python $version: not on this machine, skipped"
    fi
done
if [ "${#versions[@]}" -eq 0 ]; then
    echo "None of the Pythons ${listed[*]} is on this machine." >&2
    exit 1
fi
newest=${versions[-1]}
if [ "$newest" != "${listed[-1]}" ]; then
    echo "NOTE: Python ${listed[-1]} is missing, so Python $newest runs the whole suite and builds the app."
fi

# The newest first: the tools, the whole suite and the build all use its environment.
for version in "$newest" "${versions[@]:0:${#versions[@]}-1}"; do
    venv=".venv-$version"
    check "install (Python $version)" prepare_venv "${interpreter[$version]}" "$venv"
    if [[ " ${failed[*]} " == *" install (Python $version) "* ]]; then
        continue
    fi
    if [ "$version" = "$newest" ]; then
        check "ruff check" "$venv/bin/ruff" check .
        check "mypy" "$venv/bin/mypy"
        check "lint-imports" "$venv/bin/lint-imports"
        check "pytest, whole suite (Python $version)" "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
    else
        check "pytest, ${OLDER_TESTS[*]} (Python $version)" \
            "$venv/bin/python" -m pytest -p no:cacheprovider "${OLDER_TESTS[@]}" "$@"
    fi
done

# The installable app, built once: a one-folder PyInstaller build with the newest Python, smoke-run
# (version, commands, window, handoff).
if [[ " ${failed[*]} " != *" install (Python $newest) "* ]]; then
    check "build and smoke-run the app (Python $newest)" env PYTHON=".venv-$newest/bin/python" bash scripts/build_app.sh
fi

section "Times"
printf '%s\n' "${timings[@]}"

if [ "${#failed[@]}" -gt 0 ]; then
    section "FAILED: ${failed[*]}"
    exit 1
fi
