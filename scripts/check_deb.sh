#!/usr/bin/env bash
# Install the Debian package that scripts/build_deb.sh made, as a user would; smoke-run it; purge it; and check
# that nothing it brought is left behind.
#
# Usage: bash scripts/check_deb.sh      (as root, or through sudo: it installs and removes a system package)
#   PYTHON=...   the project's interpreter, for the smoke run's servers (default: the build's
#                .venv-X.Y/bin/python, as in build_app.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/common.sh
source scripts/common.sh

PACKAGE=desktop-uploader
PY="${PYTHON:-.venv-$BUILD_VERSION/bin/python}"
debs=(dist/"${PACKAGE}"_*.deb)
[ -f "${debs[0]}" ] || { echo "No package in dist/: run scripts/build_deb.sh first" >&2; exit 2; }
deb="${debs[0]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

section "Install $deb"
if dpkg-query -W "$PACKAGE" >/dev/null 2>&1; then
    echo "$PACKAGE is installed already; this check needs a machine without it" >&2
    exit 2
fi
# What the package brings, and which of those paths were there before (shared folders such as /usr/share/man).
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^$' | sort > "$work/contents"
while read -r path; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        echo "$path"
    fi
done < "$work/contents" > "$work/existing"
start=$(now)
install_deb() {
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "./$deb" >"$work/apt.log" 2>&1
}
if ! install_deb; then
    # A machine whose package lists are missing or old: fetch them once and try again.
    "${sudo_cmd[@]}" apt-get update -q >/dev/null
    install_deb || { cat "$work/apt.log" >&2; exit 1; }
fi
echo "installed in $(elapsed "$start")s"
dpkg -L "$PACKAGE" | grep -vx '/\.' | sort > "$work/listed"
comm -13 "$work/listed" "$work/contents" > "$work/unlisted"
if [ -s "$work/unlisted" ]; then
    echo "dpkg does not list these files of the package:" >&2
    cat "$work/unlisted" >&2
    exit 1
fi
while read -r path; do
    [ -e "$path" ] || [ -L "$path" ] || { echo "$path is listed but not installed" >&2; exit 1; }
done < "$work/listed"
echo "$(wc -l < "$work/listed") paths installed, as dpkg lists them"
[ "$(command -v "$PACKAGE")" = "/usr/bin/$PACKAGE" ] || { echo "$PACKAGE is not /usr/bin/$PACKAGE" >&2; exit 1; }
# One version everywhere: the package's is the app's (desktop_uploader.__version__), a pre-release with a tilde.
package_version=$(dpkg-query -W -f '${Version}' "$PACKAGE")
app_version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' desktop_uploader/__init__.py)
[ "${package_version//\~/}" = "$app_version" ] || { echo "package $package_version, app $app_version" >&2; exit 1; }
echo "package version $package_version, app version $app_version"

section "Smoke run of the installed app"
PYTHON="$PY" bash scripts/smoke_app.sh "/usr/bin/$PACKAGE"

# A user's `integrate install` beside the package: only the GNOME Files script, which has no system-wide place.
home="$work/home"
mkdir -p "$home"
HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" DESKTOP_UPLOADER_HOME="$home/app" \
    "/usr/bin/$PACKAGE" integrate install --json > "$work/integrate.json"
"$PY" - "$work/integrate.json" <<'CHECK'
import json, sys
states = {c["component"]: c["state"] for c in json.load(open(sys.argv[1], encoding="utf-8"))["components"]}
expected = {"app icon": "system-wide", "desktop entry": "system-wide", "Dolphin service menu": "system-wide",
            "Thunar custom action": "system-wide", "GNOME Files script": "installed"}
if states != expected:
    sys.exit(f"integrate install beside the package: {states}, expected {expected}")
CHECK
written=$(cd "$home" && find . -path ./app -prune -o -type f -print)  # app/: its record of what it wrote
[ "$written" = "./.local/share/nautilus/scripts/Upload to S3" ] || { echo "integrate wrote: $written" >&2; exit 1; }
echo "integrate install beside the package: only the GNOME Files script was added for the user"

section "Purge"
start=$(now)
"${sudo_cmd[@]}" apt-get purge -y -q "$PACKAGE" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; exit 1; }
echo "purged in $(elapsed "$start")s"
if dpkg-query -W -f '${Status}' "$PACKAGE" 2>/dev/null | grep -q .; then
    echo "dpkg still knows $PACKAGE: $(dpkg-query -W -f '${Status}' "$PACKAGE")" >&2
    exit 1
fi
left=()
while read -r path; do
    if [ -e "$path" ] || [ -L "$path" ]; then
        left+=("$path")
    fi
done < <(comm -23 "$work/listed" "$work/existing")
if [ "${#left[@]}" -gt 0 ]; then
    echo "Left behind after purge: ${left[*]}" >&2
    exit 1
fi
echo "nothing left behind: the $(comm -23 "$work/listed" "$work/existing" | wc -l) paths the package added are gone"
