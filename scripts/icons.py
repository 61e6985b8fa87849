#!/usr/bin/env python3
"""Regenerates the Linli app icons in public/icons/ (PNG).

Dev-only: the PNGs it writes are committed and served as they are; neither
the build nor the server runs this. Run it again after changing the design:

    python3 scripts/icons.py          (needs Python 3 and Pillow)

The design matches public/favicon.svg: white on the brand green #0f5c45.
The pictogram is a house whose body holds two figures cut out of it (a grown-up
and a child: neighbours). Everything is drawn at 4x the final size from
simple geometry (no fonts) and shrunk with LANCZOS for smooth edges.

Files:
  icon-192.png, icon-512.png  rounded square, transparent corners ("any")
  maskable-512.png            full-bleed square, art inside the central 80%
                              circle that launchers may crop to
  apple-touch-icon.png        180 px, full square, opaque (iOS rounds it)
  shortcut-*-96.png           96 px pictograms for the manifest shortcuts:
                              nearby (location pin), sorting (bin),
                              suggest (speech bubble)
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (0x0F, 0x5C, 0x45, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)
SCALE = 4  # supersampling factor
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"

Point = tuple[float, float]


class Pen:
    """Draws in unit coordinates (0..1) of a square box placed on the canvas."""

    def __init__(self, draw: ImageDraw.ImageDraw, left: float, top: float, size: float):
        self.draw, self.left, self.top, self.size = draw, left, top, size

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (self.left + x * self.size, self.top + y * self.size)

    def d(self, length: float) -> float:
        return length * self.size

    def circle(self, centre: Point, r: float, fill) -> None:
        x, y = self.p(*centre)
        r = self.d(r)
        self.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def rect(self, x0: float, y0: float, x1: float, y1: float, radius: float, fill) -> None:
        self.draw.rounded_rectangle((*self.p(x0, y0), *self.p(x1, y1)), radius=self.d(radius), fill=fill)

    def upper_half_disc(self, centre: Point, rx: float, ry: float, fill) -> None:
        x, y = self.p(*centre)
        rx, ry = self.d(rx), self.d(ry)
        self.draw.pieslice((x - rx, y - ry, x + rx, y + ry), 180, 360, fill=fill)

    def polygon(self, pts: list[Point], fill, radius: float = 0.0) -> None:
        """A convex polygon; with radius > 0 its corners are rounded."""
        if radius <= 0:
            self.draw.polygon([self.p(*q) for q in pts], fill=fill)
            return
        # Rounded = the polygon moved in by `radius`, grown back by a disc:
        # around each inner corner, an arc from one edge's normal to the next.
        inner = offset_convex(pts, -radius)
        n = len(inner)
        outline = []
        for i in range(n):
            before, here, after = inner[i - 1], inner[i], inner[(i + 1) % n]
            a0 = outward_angle(before, here, pts)
            a1 = outward_angle(here, after, pts)
            sweep = (a1 - a0) % (2 * math.pi)
            if sweep > math.pi:  # clockwise polygon: go the short way round
                sweep -= 2 * math.pi
            steps = max(2, int(abs(sweep) / (math.pi / 48)))
            for k in range(steps + 1):
                a = a0 + sweep * k / steps
                outline.append(self.p(here[0] + radius * math.cos(a), here[1] + radius * math.sin(a)))
        self.draw.polygon(outline, fill=fill)


def outward_angle(a: Point, b: Point, pts: list[Point]) -> float:
    """Angle of the outward normal of the edge a->b of a convex polygon."""
    nx, ny = b[1] - a[1], a[0] - b[0]
    cx = sum(x for x, _ in pts) / len(pts)
    cy = sum(y for _, y in pts) / len(pts)
    if nx * (a[0] - cx) + ny * (a[1] - cy) < 0:
        nx, ny = -nx, -ny
    return math.atan2(ny, nx)


def offset_convex(pts: list[Point], dist: float) -> list[Point]:
    """Moves each edge of a convex polygon outwards by dist (inwards if < 0)."""
    n = len(pts)
    # Orientation decides which side of an edge is "outside".
    area2 = sum(pts[i][0] * pts[(i + 1) % n][1] - pts[(i + 1) % n][0] * pts[i][1] for i in range(n))
    sign = 1.0 if area2 > 0 else -1.0
    lines = []
    for i in range(n):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % n]
        ex, ey = x1 - x0, y1 - y0
        length = math.hypot(ex, ey)
        nx, ny = sign * ey / length, -sign * ex / length  # outward normal
        lines.append(((x0 + nx * dist, y0 + ny * dist), (ex, ey)))
    out = []
    for i in range(n):
        (p, r), (q, s) = lines[i - 1], lines[i]
        cross = r[0] * s[1] - r[1] * s[0]
        t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
        out.append((p[0] + t * r[0], p[1] + t * r[1]))
    return out


# --- pictograms, each in a unit box ------------------------------------------


def house(pen: Pen) -> None:
    roof = [(0.5, 0.10), (0.94, 0.50), (0.06, 0.50)]
    pen.rect(0.22, 0.40, 0.78, 0.88, 0.07, WHITE)
    # A thin green gap under the eaves separates the roof from the walls.
    pen.polygon(offset_convex(roof, 0.04), GREEN, radius=0.075)
    pen.polygon(roof, WHITE, radius=0.035)
    # Two neighbours, cut out of the wall: a grown-up and a child.
    pen.circle((0.40, 0.605), 0.058, GREEN)
    pen.upper_half_disc((0.40, 0.83), 0.11, 0.135, GREEN)
    pen.circle((0.615, 0.665), 0.046, GREEN)
    pen.upper_half_disc((0.615, 0.83), 0.085, 0.085, GREEN)


def location_pin(pen: Pen) -> None:
    centre, r, tip = (0.5, 0.38), 0.30, (0.5, 0.95)
    # The tangents from the tip to the circle make the teardrop.
    dist = tip[1] - centre[1]
    spread = math.acos(r / dist)
    down = math.pi / 2  # direction from the centre to the tip (y grows down)
    touch = [(centre[0] + r * math.cos(down + s), centre[1] + r * math.sin(down + s)) for s in (spread, -spread)]
    pen.polygon([tip, touch[0], touch[1]], WHITE)
    pen.circle(centre, r, WHITE)
    pen.circle(centre, 0.12, GREEN)


def bin_(pen: Pen) -> None:
    pen.rect(0.39, 0.06, 0.61, 0.20, 0.04, WHITE)  # handle
    pen.rect(0.45, 0.115, 0.55, 0.20, 0.0, GREEN)
    pen.rect(0.16, 0.16, 0.84, 0.27, 0.035, WHITE)  # lid
    pen.polygon([(0.24, 0.32), (0.76, 0.32), (0.70, 0.94), (0.30, 0.94)], WHITE, radius=0.04)
    for x in (0.385, 0.5, 0.615):  # ribs
        pen.rect(x - 0.03, 0.42, x + 0.03, 0.84, 0.03, GREEN)


def speech_bubble(pen: Pen) -> None:
    pen.rect(0.06, 0.14, 0.94, 0.72, 0.17, WHITE)
    pen.polygon([(0.22, 0.60), (0.52, 0.60), (0.19, 0.91)], WHITE, radius=0.025)
    for x in (0.31, 0.5, 0.69):
        pen.circle((x, 0.43), 0.065, GREEN)


# --- icon layouts --------------------------------------------------------------


def render(size: int, art, art_fraction: float, shape: str, art_dy: float = 0.0) -> Image.Image:
    """shape: "rounded" (transparent corners) or "square" (full bleed)."""
    big = size * SCALE
    img = Image.new("RGBA", (big, big), CLEAR)
    draw = ImageDraw.Draw(img)
    if shape == "rounded":
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.22), fill=GREEN)
    else:
        draw.rectangle((0, 0, big, big), fill=GREEN)
    box = big * art_fraction
    left = (big - box) / 2
    top = (big - box) / 2 + art_dy * big
    art(Pen(draw, left, top, box))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def save(img: Image.Image, name: str, opaque: bool = False) -> None:
    if opaque:
        img = img.convert("RGB")
    path = OUT / name
    # Two colours and their anti-aliased edges fit a 32-colour palette:
    # about a third of the bytes of full RGBA (Chromium fetches the 192 px
    # icon on every first visit to check installability).
    img = img.quantize(colors=32, method=Image.Quantize.FASTOCTREE if not opaque else Image.Quantize.MEDIANCUT)
    img.save(path, optimize=True)
    print(f"{path.relative_to(OUT.parent.parent)}  {img.width}x{img.height}  {path.stat().st_size} bytes")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # The house's unit box is a little top-heavy (0.10..0.88): nudge it down.
    nudge = 0.01
    save(render(192, house, 0.74, "rounded", nudge), "icon-192.png")
    save(render(512, house, 0.74, "rounded", nudge), "icon-512.png")
    # Maskable: the farthest corner of the house is ~0.47 units from the
    # centre, so 0.62 keeps it within ~0.29 of the size (< 0.40 safe radius).
    save(render(512, house, 0.62, "square", nudge), "maskable-512.png", opaque=True)
    save(render(180, house, 0.68, "square", nudge), "apple-touch-icon.png", opaque=True)
    save(render(96, location_pin, 0.64, "rounded"), "shortcut-nearby-96.png")
    save(render(96, bin_, 0.62, "rounded"), "shortcut-sorting-96.png")
    save(render(96, speech_bubble, 0.66, "rounded"), "shortcut-suggest-96.png")


if __name__ == "__main__":
    main()
