#!/usr/bin/env bash
# Build the Debian package from the one-folder app that scripts/build_app.sh made, then check it with lintian.
#
# Usage: bash scripts/build_deb.sh
#   PYTHON=...          the project's interpreter, to write the file-manager entries (default: the build's
#                       .venv-X.Y/bin/python, as in build_app.sh)
#   DEB_MAINTAINER=...  the Maintainer field; a release sets the address that answers for the package (the
#                       default names the contributors at a placeholder address)
#   DEB_COMPRESSION=... gzip (default: builds in seconds) or xz (a fifth smaller, ten times slower to build)
#
# Output: dist/desktop-uploader_<version>_<arch>.deb, with
#   /usr/lib/desktop-uploader/            the app (PyInstaller's one folder, using Debian's copies of the
#                                         libraries it bundled: packaging/debian/libraries.py), started by
#   /usr/bin/desktop-uploader             a symlink to it
#   /usr/share/applications/              the desktop entry
#   /usr/share/icons/hicolor/             the icon, as SVG and in the sizes build_app.sh rendered
#   /usr/share/kio/servicemenus/          "Upload to S3" in Dolphin, for every user
#   /usr/share/Thunar/sendto/             "Upload to S3" under Thunar's "Send To", for every user
#   /usr/share/doc/desktop-uploader/      copyright and changelog; and a manual page
# GNOME Files reads scripts only from each user's own folder: `desktop-uploader integrate install` adds the
# script there, and leaves out what this package already installed for everyone.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/common.sh
source scripts/common.sh

PY="${PYTHON:-.venv-$BUILD_VERSION/bin/python}"
MAINTAINER="${DEB_MAINTAINER:-desktop-uploader contributors <maintainers@desktop-uploader.invalid>}"
APP_DIR=dist/desktop-uploader
PACKAGE=desktop-uploader
LIB=/usr/lib/$PACKAGE

[ -x "$APP_DIR/$PACKAGE" ] || { echo "No app in $APP_DIR: run scripts/build_app.sh first" >&2; exit 2; }
for tool in dpkg-deb lintian objdump strip chrpath; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/system-deps.sh" >&2; exit 2; }
done

section "Debian package"
start=$(now)
# The version the app itself reports, which is desktop_uploader.__version__; a pre-release (1.2.0rc1) sorts
# before its release in Debian only with a tilde (1.2.0~rc1).
app_version=$("$APP_DIR/$PACKAGE" --version | awk '{ print $2 }')
version=$(printf '%s' "$app_version" | sed -E 's/^([0-9]+(\.[0-9]+)*)((a|b|rc|\.dev)[0-9]*)$/\1~\3/')
arch=$(dpkg --print-architecture)
deb="dist/${PACKAGE}_${version}_${arch}.deb"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022
root="$work/root"
share="$root/usr/share"
doc="$share/doc/$PACKAGE"
install -d "$root/DEBIAN" "$root/usr/bin" "$root$LIB" "$share/applications" "$doc" \
    "$share/icons/hicolor/scalable/apps" "$share/lintian/overrides" "$share/man/man1"

cp -R "$APP_DIR/." "$root$LIB/"
ln -s "../lib/$PACKAGE/$PACKAGE" "$root/usr/bin/$PACKAGE"
install -m 644 resources/desktop/$PACKAGE.desktop "$share/applications/"
install -m 644 resources/icons/app.svg "$share/icons/hicolor/scalable/apps/$PACKAGE.svg"
for png in "$APP_DIR"/_internal/desktop_uploader/resources/icons/hicolor/*/apps/$PACKAGE.png; do
    size=$(basename "$(dirname "$(dirname "$png")")")
    install -D -m 644 "$png" "$share/icons/hicolor/$size/apps/$PACKAGE.png"
done
PYTHONPATH="$PWD" "$PY" packaging/debian/system_menus.py "$share" "/usr/bin/$PACKAGE"
install -m 644 packaging/debian/copyright "$doc/copyright"
gzip -9n < packaging/debian/$PACKAGE.1 > "$share/man/man1/$PACKAGE.1.gz"
install -m 644 packaging/debian/lintian-overrides "$share/lintian/overrides/$PACKAGE"
# A native package's changelog; the date is the commit's, so the same commit builds the same file.
date=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf '%s (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
    "$PACKAGE" "$version" "$app_version" "$MAINTAINER" "$date" | gzip -9n > "$doc/changelog.gz"

# Debian's libraries instead of bundled copies, unused Qt plugins out, binaries stripped; and the Depends field.
depends=$("$PY" packaging/debian/libraries.py "$root$LIB")

# Files readable by all, programs and folders also executable: nothing of the build machine's modes leaks in.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root$LIB/$PACKAGE"

(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    > "$root/DEBIAN/md5sums"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$MAINTAINER|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@DEPENDS@|$depends|" packaging/debian/control.in \
    > "$root/DEBIAN/control"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p dist
rm -f dist/"${PACKAGE}"_*.deb
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-gzip}" --build "$root" "$deb" >/dev/null
echo "Built $deb in $(elapsed "$start")s: $(du -h "$deb" | cut -f1), $((installed_size / 1024)) MiB installed"
echo "Depends: $depends"

section "lintian"
start=$(now)
# Overridden tags are listed too (O:), each with its reason in packaging/debian/lintian-overrides; lintian's
# own --fail-on counts them as failures once they are shown, so the listing is read instead.
lintian --fail-on none --show-overrides "$deb" | tee "$work/lintian.log"
if grep -qE '^[EW]: ' "$work/lintian.log"; then
    echo "lintian reported errors or warnings" >&2
    exit 1
fi
echo "lintian: no errors or warnings, $(grep -c '^O: ' "$work/lintian.log") overridden ($(elapsed "$start")s)"
