"""Render the app icon from its SVG into the sizes desktops ask for, and into .ico and .icns containers.

Usage: python make_icons.py SOURCE.svg OUTPUT_DIR

Writes ``OUTPUT_DIR/hicolor/NxN/apps/desktop-uploader.png`` for N in 16..512, ``desktop-uploader.ico``
(Windows: 16..256) and ``desktop-uploader.icns`` (macOS: 16..1024). Both containers hold PNG images, which
Windows since Vista and every macOS that runs Qt 6 read. Qt renders the SVG, so no other imaging library
is needed to build.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

# Build machines have no display; this must be set before Qt loads.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

NAME = "desktop-uploader"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (type, pixel size) pairs of the icns format's PNG-holding entries.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The type stubs ask for bytes here, but PySide6 itself accepts only a str format name.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise RuntimeError(f"Could not encode the {size}px icon as PNG.")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    sizes = [s for s in ICO_SIZES if s in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, images = b"", b""
    for size in sizes:
        data = pngs[size]
        # Width and height 0 mean 256.
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset + len(images))
        images += data
    return header + entries + images


def icns(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = Path(argv[1]), Path(argv[2])
    app = QGuiApplication.instance() or QGuiApplication([argv[0]])
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        print(f"{source}: not a valid SVG", file=sys.stderr)
        return 1
    sizes = sorted(set(PNG_SIZES) | set(ICO_SIZES) | {size for _kind, size in ICNS_TYPES})
    pngs = {size: render(renderer, size) for size in sizes}
    for size in PNG_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
    (out / f"{NAME}.ico").write_bytes(ico(pngs))
    (out / f"{NAME}.icns").write_bytes(icns(pngs))
    print(f"{len(PNG_SIZES)} PNG sizes, .ico and .icns written to {out}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
