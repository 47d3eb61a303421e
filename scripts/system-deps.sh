#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the app and its tests need and that pip cannot provide:
# Qt's system libraries (offscreen and under Xvfb), a real Secret Service (D-Bus + GNOME Keyring) and the tools
# that build and check the Debian package.
# Only missing packages are installed; with everything present it does nothing and needs no root.
set -euo pipefail

section() {
    printf '\n==== %s ====\n' "$*"
}

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    section "System packages"
    echo "Not a Debian/Ubuntu system: install Qt's runtime libraries, Xvfb, dbus-daemon and gnome-keyring yourself."
    exit 0
fi

packages=(
    # Qt (PySide6) in offscreen mode
    libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libbrotli1
    # Qt's xcb platform under Xvfb, for tests and screenshots of real windows
    xvfb xauth libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    # A real Secret Service (gnome-keyring on a private D-Bus) for the keychain tests
    gnome-keyring dbus-daemon dbus
    # gio, to launch the installed desktop entries as a file manager would
    libglib2.0-bin
    # The Debian package: the Wayland libraries its Qt links against, the tools that fit the app's binaries
    # for Debian (strip, chrpath) and lintian to check the package
    libwayland-client0 libwayland-cursor0 libwayland-egl1 binutils chrpath lintian
)

python_bin="${PYTHON:-python3}"
if ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    # Debian's own python3 ships venv's pip bootstrap separately.
    packages+=(python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing+=("$package")
    fi
done

section "System packages"
if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -q
    "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
    echo "All ${#packages[@]} present."
fi
