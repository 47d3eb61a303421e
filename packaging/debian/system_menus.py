"""Write the file-manager entries the Debian package installs for every user.

Usage: python system_menus.py DATA_DIR PROGRAM
  e.g. python system_menus.py build/deb/root/usr/share /usr/bin/desktop-uploader

Run by scripts/build_deb.sh with the project's Python. The entries come from the same code that writes the
per-user ones (and that `desktop-uploader integrate` uses to tell they are there), so both quote file names
alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_uploader.integration.linux import system_menu_files


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    data_dir, program = Path(argv[1]), argv[2]
    for relative, text in system_menu_files(program).items():
        target = data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote /usr/share/{relative.as_posix()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
