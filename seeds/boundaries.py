#!/usr/bin/env python3
"""Writes seeds/community_boundaries.geojson: SAMPLE boundaries for the demo
communities in communities.csv, so the demo shows boundary-based assignment.

They are not real boundaries. Each community gets the part of the plane
nearer its centre than any other centre (a Voronoi cell), cut to at most
RADIUS_M from its centre, so neighbours share edges and places far from
every centre lie in none (those go to the nearest centre, marked as a
guess). A street office imports its real boundaries instead:
`server import --communities --crs gcj02 boundaries.geojson`.

Standard library only; run from the repository root:
    python3 seeds/boundaries.py
"""

import csv
import json
import math

RADIUS_M = 2500.0
SIDES = 24
# Metres per degree near Chengdu (30.6 N).
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LNG = 111_320.0 * math.cos(math.radians(30.6))


def clip(polygon, a, b, c):
    """Keeps the part of a convex polygon where a*x + b*y <= c."""
    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0) != (fq < 0) and fp != fq:
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def main():
    with open("seeds/communities.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sites = [(float(r["lng"]) * M_PER_DEG_LNG, float(r["lat"]) * M_PER_DEG_LAT) for r in rows]
    features = []
    for r, (x, y) in zip(rows, sites):
        cell = [
            (x + RADIUS_M * math.cos(2 * math.pi * k / SIDES), y + RADIUS_M * math.sin(2 * math.pi * k / SIDES))
            for k in range(SIDES)
        ]
        for ox, oy in sites:
            if (ox, oy) == (x, y) or math.hypot(ox - x, oy - y) > 2 * RADIUS_M:
                continue
            # Nearer (x, y) than (ox, oy): the perpendicular bisector's side.
            a, b = ox - x, oy - y
            c = (ox * ox + oy * oy - x * x - y * y) / 2
            cell = clip(cell, a, b, c)
        ring = [[round(px / M_PER_DEG_LNG, 6), round(py / M_PER_DEG_LAT, 6)] for px, py in cell]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {k: r[k] for k in ("code", "name_zh", "name_en", "district_zh", "district_en", "lat", "lng")},
            }
        )
    with open("seeds/community_boundaries.geojson", "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(features)} sample boundaries")


if __name__ == "__main__":
    main()
