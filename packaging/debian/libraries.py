"""Fit the app folder for a Debian package: Debian's libraries instead of bundled copies, and the Depends field.

Usage: python libraries.py APP_DIR
Prints the value of the Depends field; what it changed goes to standard error.

PyInstaller copies every shared library the app loads from the build machine into the app folder. In the
package, each exact copy of a library that a Debian package ships is removed, so the app uses Debian's (and gets
its security updates). Every library a remaining binary needs and the folder does not carry then has to come from
an installed package, which becomes a dependency; one that no package provides fails the build, unless only an
optional Qt plugin needs it (Qt skips a plugin it cannot load). Before that, Qt plugins the app never uses are
left out, the binaries lose their debug symbols, and library search paths that point into the build machine
(a Python built in a home folder sets one) are removed. Run by scripts/build_deb.sh on a copy of the app folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

QT_PLUGINS = Path("_internal/PySide6/Qt/plugins")
# The app draws SVG icons only; GTK's theme plugin would pull in GTK and its libraries, and the desktop portal's
# theme plugin (kept) gives GNOME users native file dialogs as well.
UNUSED_PLUGINS = ("imageformats/libqgif.so", "imageformats/libqicns.so", "imageformats/libqico.so",
                  "imageformats/libqjpeg.so", "imageformats/libqtga.so", "imageformats/libqtiff.so",
                  "imageformats/libqwbmp.so", "imageformats/libqwebp.so", "platformthemes/libqgtk3.so")
# Provided by libc6 itself, which the Depends field names with the version the binaries need.
LIBC = "libc6"


def log(message: str) -> None:
    print(message, file=sys.stderr)


def run(*argv: str | Path) -> str:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=True).stdout


def elf_files(app: Path) -> list[Path]:
    found = []
    for path in app.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return sorted(found)


def system_libraries() -> dict[str, list[Path]]:
    """The dynamic linker's cache: soname -> where it is, for every architecture it lists."""
    cache: dict[str, list[Path]] = defaultdict(list)
    for line in run("ldconfig", "-p").splitlines()[1:]:
        name, _, path = line.strip().partition(" => ")
        cache[name.split(" (")[0]].append(Path(path))
    return cache


def owners(cache: dict[str, list[Path]]) -> dict[Path, str]:
    """The Debian package that installed each library in the cache, asked of dpkg at once (it is slow to start).

    dpkg may have recorded a path before or after /usr was merged, so both spellings are asked for.
    """
    asked: dict[str, Path] = {}
    for path in (p for paths in cache.values() for p in paths):
        for spelling in (path, path.resolve(), Path(str(path.resolve()).removeprefix("/usr"))):
            asked.setdefault(str(spelling), path)
    done = subprocess.run(["dpkg-query", "-S", *asked], capture_output=True, text=True, check=False)
    found: dict[Path, str] = {}
    for line in done.stdout.splitlines():
        packages, separator, where = line.partition(": ")
        if separator and where in asked:
            found.setdefault(asked[where], packages.split(",")[0].split(":")[0])
    return found


def drop_unused_plugins(app: Path) -> None:
    for relative in UNUSED_PLUGINS:
        plugin = app / QT_PLUGINS / relative
        if plugin.exists():
            plugin.unlink()
            log(f"left out the unused Qt plugin {relative}")


def unbundle(app: Path, cache: dict[str, list[Path]], owner: dict[Path, str]) -> None:
    """Remove the exact copies of libraries that Debian packages ship."""
    removed = []
    for path in sorted((app / "_internal").glob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if any(c in owner and c.is_file() and c.read_bytes() == data for c in cache.get(path.name, [])):
            path.unlink()
            removed.append(path.name)
    log(f"left out {len(removed)} copies of Debian's libraries: {' '.join(removed)}")


def clean(binaries: list[Path]) -> None:
    """Strip debug symbols, and search paths that are not relative to the binary's own folder."""
    for binary in binaries:
        runpath = re.search(r"^\s+(?:RUNPATH|RPATH)\s+(\S+)$", run("objdump", "-p", binary), re.MULTILINE)
        if runpath and not all(p.startswith("$ORIGIN") for p in runpath.group(1).split(":")):
            run("chrpath", "-d", binary)
        if ".so" in binary.name:  # not the program: its bootloader carries the app's archive after its end
            run("strip", "--strip-unneeded", "--remove-section=.comment", "--remove-section=.note", binary)


def depends(app: Path, binaries: list[Path], cache: dict[str, list[Path]], owner: dict[Path, str]) -> str:
    carried = {p.name for p in app.rglob("*.so*")}
    needed_by: dict[str, list[Path]] = defaultdict(list)
    glibc = "0"
    for binary in binaries:
        for soname in re.findall(r"^\s+NEEDED\s+(\S+)$", run("objdump", "-p", binary), re.MULTILINE):
            if soname not in carried:
                needed_by[soname].append(binary)
        for version in re.findall(r"GLIBC_([0-9.]+)", run("objdump", "-T", binary)):
            glibc = max(glibc, version, key=lambda v: tuple(int(n) for n in v.split(".")))
    packages: set[str] = set()
    unmet = []
    for soname, users in sorted(needed_by.items()):
        package = next((owner[p] for p in cache.get(soname, []) if p in owner), None)
        if package is not None:
            packages.add(package)
        elif all((app / QT_PLUGINS) in user.parents for user in users):
            log(f"{soname} is not installed here: Qt loads {', '.join(u.name for u in users)} only where it is")
        else:
            unmet.append(f"{soname} (needed by {', '.join(str(u.relative_to(app)) for u in users)})")
    if unmet:
        raise SystemExit("No installed package provides: " + "; ".join(unmet))
    packages.discard(LIBC)
    return ", ".join([f"{LIBC} (>= {glibc})", *sorted(packages)])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    app = Path(argv[1])
    cache = system_libraries()
    owner = owners(cache)
    drop_unused_plugins(app)
    unbundle(app, cache, owner)
    binaries = elf_files(app)
    clean(binaries)
    print(depends(app, binaries, cache, owner))
    return 0


if __name__ == "__main__":
    os.environ["LC_ALL"] = "C"
    raise SystemExit(main(sys.argv))
