"""Draw the home-screen icons: a bank card on the site's indigo, as SVG and PNG.

`python -m tools.draw_icons` rewrites docs/assets/icons/ (committed; run it
again only when the design below changes). One list of shapes feeds both the
SVG and a small rasteriser (4x4 supersampling) with a PNG encoder on zlib, so
no image library is needed.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "docs" / "assets" / "icons"
INDIGO = (0x40, 0x51, 0xB5)
WHITE = (0xFF, 0xFF, 0xFF)
GOLD = (0xF5, 0xB7, 0x2E)
DARK = (0x1A, 0x23, 0x7E)

# Shapes on a 100x100 canvas: (x, y, width, height, corner radius, colour).
CARD = [
    (18, 28, 64, 44, 6, WHITE),  # the card
    (18, 36, 64, 8, 0, DARK),  # magnetic stripe
    (26, 52, 12, 9, 2, GOLD),  # chip
    (44, 55, 28, 4, 2, INDIGO),  # card number
]


def shapes(maskable: bool) -> list[tuple[float, float, float, float, float, tuple[int, int, int]]]:
    """Background then card; a maskable icon is full-bleed with the card
    shrunk into the central safe zone."""
    if maskable:
        scale, shift = 0.85, 7.5
        card = [
            (x * scale + shift, y * scale + shift, w * scale, h * scale, r * scale, c)
            for x, y, w, h, r, c in CARD
        ]
        return [(0, 0, 100, 100, 0, INDIGO), *card]
    return [(0, 0, 100, 100, 22, INDIGO), *CARD]


def _inside(px: float, py: float, shape: tuple) -> bool:
    x, y, w, h, r, _ = shape
    if not (x <= px <= x + w and y <= py <= y + h):
        return False
    cx = min(max(px, x + r), x + w - r)
    cy = min(max(py, y + r), y + h - r)
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r


def raster(size: int, maskable: bool) -> bytes:
    """RGBA rows, each prefixed with PNG filter byte 0."""
    drawn = shapes(maskable)
    n = 4
    rows = bytearray()
    for j in range(size):
        rows.append(0)
        for i in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sj in range(n):
                for si in range(n):
                    px = (i + (si + 0.5) / n) * 100 / size
                    py = (j + (sj + 0.5) / n) * 100 / size
                    for shape in reversed(drawn):
                        if _inside(px, py, shape):
                            colour = shape[5]
                            acc[0] += colour[0]
                            acc[1] += colour[1]
                            acc[2] += colour[2]
                            acc[3] += 255
                            break
            samples = n * n
            alpha = acc[3] / samples
            if alpha:
                rows += bytes(round(acc[k] / (acc[3] / 255)) for k in range(3))
            else:
                rows += b"\0\0\0"
            rows.append(round(alpha))
    return bytes(rows)


def png(size: int, maskable: bool) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raster(size, maskable), 9))
        + chunk(b"IEND", b"")
    )


def svg() -> str:
    parts = [
        f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="{r:g}" '
        f'fill="#{c[0]:02x}{c[1]:02x}{c[2]:02x}"/>'
        for x, y, w, h, r, c in shapes(False)
    ]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        + "".join(parts)
        + "</svg>\n"
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")
    (OUT / "icon-192.png").write_bytes(png(192, False))
    (OUT / "icon-512.png").write_bytes(png(512, False))
    (OUT / "icon-maskable-512.png").write_bytes(png(512, True))


if __name__ == "__main__":
    main()
