"""Render resources/icons/app.svg to a multi-size Windows icon (resources/icons/app.ico).

    .venv/bin/python installer/make_icon.py

Needs PySide6 (QtSvg renders the SVG) and Pillow (writes the .ico; it comes with matplotlib).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "app.svg"
ICO = ROOT / "resources" / "icons" / "app.ico"
PNG = ROOT / "resources" / "icons" / "app-256.png"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - needed for QImage/fonts
    big = Image.open(io.BytesIO(render_png(256))).convert("RGBA")
    images = {s: Image.open(io.BytesIO(render_png(s))).convert("RGBA") for s in SIZES}
    big.save(ICO, format="ICO", sizes=[(s, s) for s in SIZES], append_images=[images[s] for s in SIZES if s != 256])
    big.save(PNG, format="PNG")
    print(f"wrote {ICO} ({ICO.stat().st_size} bytes) and {PNG}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
