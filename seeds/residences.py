#!/usr/bin/env python3
"""Writes seeds/residences.csv: SAMPLE residential compounds (小区/院落) with
head counts, for coverage planning (how many residents, and how many aged
60+, live within a walk of an elderly meal point).

Everything here is invented: the compound names, their places and their
head counts. They are not census data. Each community in communities.csv
gets 14-26 compounds, placed at random inside its (sample) boundary from
community_boundaries.geojson. A street office imports its own figures
instead: `server import --residences FILE [--crs wgs84|gcj02|bd09]`.

The file holds aggregate figures only (residents, and residents aged 60 or
more, per compound); it never lists people.

Standard library only; the random seed is fixed, so each run writes the
same bytes. Run from the repository root:
    python3 seeds/residences.py
"""

import csv
import json
import math
import os
import random

SEED = 20240916
HERE = os.path.dirname(os.path.abspath(__file__))

MIN_PER_COMMUNITY, MAX_PER_COMMUNITY = 14, 26
SPREAD_M = 700.0      # σ per axis around the community centre
FALLBACK_M = 250.0    # σ when the wide spread keeps missing the boundary
MIN_GAP_M = 40.0      # between compounds of the same community
EDGE_M = 15.0         # keep this far inside the boundary
RESIDENTS_MIN, RESIDENTS_MAX = 300, 9000
ELDERLY_MIN, ELDERLY_MAX = 0.12, 0.38

# Metres per degree near Chengdu (30.6 N), as in boundaries.py.
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LNG = 111_320.0 * math.cos(math.radians(30.6))

# Kinds of compound: (suffix, English suffix, weight, median residents,
# mean 60+ share). Older 院落 and work-unit 宿舍 are small and older;
# 花园 and 家园 are the larger, newer estates.
KINDS = [
    ("小区", "Estate", 26, 2100, 0.23),
    ("苑", "Court", 14, 1900, 0.21),
    ("花园", "Garden", 16, 3200, 0.18),
    ("家园", "Homes", 10, 3300, 0.18),
    ("公寓", "Apartments", 8, 1200, 0.16),
    ("院落", "Compound", 14, 720, 0.29),
    ("宿舍", "Quarters", 12, 820, 0.31),
]
SIGMA_LOG = 0.5       # spread of log(residents) around a kind's median
SIGMA_SHARE = 0.035   # spread of the 60+ share around a kind's mean

# Two-character words with a toneless pinyin form. Newer estates take
# the "modern" words, older compounds the "older" ones; a 小区 takes either.
MODERN_WORDS = [
    ("锦绣", "Jinxiu"), ("金桂", "Jingui"), ("翠竹", "Cuizhu"), ("芙蓉", "Furong"),
    ("银杏", "Yinxing"), ("蜀韵", "Shuyun"), ("东篱", "Dongli"), ("清水", "Qingshui"),
    ("海棠", "Haitang"), ("兰亭", "Lanting"), ("紫荆", "Zijing"), ("碧水", "Bishui"),
    ("明月", "Mingyue"), ("晨曦", "Chenxi"), ("荷塘", "Hetang"), ("梧桐", "Wutong"),
    ("玉泉", "Yuquan"), ("蓉城", "Rongcheng"), ("温馨", "Wenxin"), ("嘉禾", "Jiahe"),
    ("康宁", "Kangning"), ("恒信", "Hengxin"), ("瑞丰", "Ruifeng"), ("星辰", "Xingchen"),
    ("景秀", "Jingxiu"), ("怡心", "Yixin"), ("清风", "Qingfeng"), ("雅居", "Yaju"),
    ("书香", "Shuxiang"), ("润泽", "Runze"), ("锦城", "Jincheng"), ("蓝天", "Lantian"),
    ("百合", "Baihe"), ("阳光", "Yangguang"), ("金河", "Jinhe"), ("丰泽", "Fengze"),
    ("泰和", "Taihe"), ("祥和", "Xianghe"), ("花溪", "Huaxi"), ("天合", "Tianhe"),
    ("龙湖", "Longhu"), ("凤栖", "Fengqi"), ("御景", "Yujing"), ("翡翠", "Feicui"),
]
OLDER_WORDS = [
    ("红星", "Hongxing"), ("和平", "Heping"), ("幸福", "Xingfu"), ("永丰", "Yongfeng"),
    ("福兴", "Fuxing"), ("惠民", "Huimin"), ("朝阳", "Chaoyang"), ("新华", "Xinhua"),
    ("光华", "Guanghua"), ("东升", "Dongsheng"), ("西林", "Xilin"), ("北湖", "Beihu"),
    ("南湖", "Nanhu"), ("白云", "Baiyun"), ("竹林", "Zhulin"), ("松柏", "Songbai"),
    ("双桂", "Shuanggui"), ("三友", "Sanyou"), ("顺心", "Shunxin"), ("安康", "Ankang"),
    ("长乐", "Changle"), ("青松", "Qingsong"), ("桂花", "Guihua"), ("柳林", "Liulin"),
    ("团结", "Tuanjie"), ("友谊", "Youyi"), ("红旗", "Hongqi"), ("东风", "Dongfeng"),
    ("建设", "Jianshe"), ("胜利", "Shengli"), ("前进", "Qianjin"), ("曙光", "Shuguang"),
]
# Work units whose staff housing (宿舍) survives as a compound; an optional
# brand word from FACTORY_BRANDS goes before a factory ("红光机床厂宿舍").
FACTORIES = [
    ("机床厂", "Machine Tool Works"), ("纺织厂", "Textile Mill"), ("印刷厂", "Printing Works"),
    ("仪表厂", "Instrument Works"), ("制药厂", "Pharmaceutical Works"), ("食品厂", "Food Factory"),
    ("棉纺厂", "Cotton Mill"), ("量具厂", "Gauge Works"), ("钢管厂", "Steel Pipe Works"),
    ("无线电厂", "Radio Works"), ("皮革厂", "Leather Works"), ("汽修厂", "Motor Repair Works"),
]
FACTORY_BRANDS = [
    ("红光", "Hongguang"), ("东方", "Dongfang"), ("前锋", "Qianfeng"), ("星火", "Xinghuo"),
    ("红旗", "Hongqi"), ("东风", "Dongfeng"), ("建设", "Jianshe"), ("新兴", "Xinxing"),
]
OFFICES = [
    ("邮电局", "Post Office"), ("供电局", "Power Supply Bureau"), ("粮食局", "Grain Bureau"),
    ("建工公司", "Construction Company"), ("设计院", "Design Institute"), ("地质队", "Geological Team"),
    ("运输公司", "Transport Company"), ("自来水公司", "Waterworks"), ("商业局", "Commerce Bureau"),
    ("卫生局", "Health Bureau"), ("市政公司", "Municipal Works Company"), ("百货公司", "Department Store"),
]


def to_xy(lng, lat):
    return lng * M_PER_DEG_LNG, lat * M_PER_DEG_LAT


def in_ring(x, y, ring):
    """Even-odd test of (x, y) against one closed ring of (x, y) points."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < xi + (y - yi) * (xj - xi) / (yj - yi):
            inside = not inside
        j = i
    return inside


def inside(x, y, polygons):
    """Inside one polygon's outer ring and none of its holes."""
    return any(in_ring(x, y, p[0]) and not any(in_ring(x, y, h) for h in p[1:]) for p in polygons)


def edge_distance(x, y, polygons):
    best = math.inf
    for polygon in polygons:
        for ring in polygon:
            for (ax, ay), (bx, by) in zip(ring, ring[1:]):
                dx, dy = bx - ax, by - ay
                length2 = dx * dx + dy * dy
                t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
                best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return best


def load_boundaries():
    """Community code -> list of polygons, each a list of rings in metres."""
    with open(os.path.join(HERE, "community_boundaries.geojson"), encoding="utf-8") as f:
        collection = json.load(f)
    out = {}
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            raise SystemExit(f"unexpected geometry {geometry['type']}")
        rings = [[[to_xy(lng, lat) for lng, lat in ring] for ring in polygon] for polygon in polygons]
        out.setdefault(feature["properties"]["code"], []).extend(rings)
    return out


def place(rng, centre, polygons, taken):
    """A point inside the boundary, away from its edge and from `taken`."""
    cx, cy = centre
    for attempt in range(2000):
        sigma = SPREAD_M if attempt < 400 else FALLBACK_M
        x, y = rng.gauss(cx, sigma), rng.gauss(cy, sigma)
        if not inside(x, y, polygons) or edge_distance(x, y, polygons) < EDGE_M:
            continue
        if any(math.hypot(x - tx, y - ty) < MIN_GAP_M for tx, ty in taken):
            continue
        return x, y
    raise SystemExit("could not place a compound; is the boundary very small?")


def name(rng, kind):
    suffix, suffix_en = kind[0], kind[1]
    if suffix == "宿舍":
        if rng.random() < 0.5:
            unit, unit_en = rng.choice(OFFICES)
            return unit + suffix, f"{unit_en} {suffix_en}"
        unit, unit_en = rng.choice(FACTORIES)
        if rng.random() < 0.6:
            brand, brand_en = rng.choice(FACTORY_BRANDS)
            return brand + unit + suffix, f"{brand_en} {unit_en} {suffix_en}"
        return unit + suffix, f"{unit_en} {suffix_en}"
    if suffix == "院落":
        words = OLDER_WORDS
    elif suffix == "小区":
        words = OLDER_WORDS + MODERN_WORDS
    else:
        words = MODERN_WORDS
    word, word_en = rng.choice(words)
    return word + suffix, f"{word_en} {suffix_en}"


def head_counts(rng, kind):
    median, share = kind[3], kind[4]
    residents = 0
    while not RESIDENTS_MIN <= residents <= RESIDENTS_MAX:
        residents = round(median * rng.lognormvariate(0.0, SIGMA_LOG))
    drawn = 0.0
    while not ELDERLY_MIN <= drawn <= ELDERLY_MAX:
        drawn = rng.gauss(share, SIGMA_SHARE)
    low, high = math.ceil(residents * ELDERLY_MIN), math.floor(residents * ELDERLY_MAX)
    return residents, max(low, min(high, round(residents * drawn)))


def generate():
    with open(os.path.join(HERE, "communities.csv"), encoding="utf-8") as f:
        communities = list(csv.DictReader(f))
    boundaries = load_boundaries()
    rng = random.Random(SEED)
    weights = [k[2] for k in KINDS]
    rows = []
    for c in communities:
        polygons = boundaries[c["code"]]
        centre = to_xy(float(c["lng"]), float(c["lat"]))
        taken, names_zh, names_en = [], set(), set()
        for n in range(1, rng.randint(MIN_PER_COMMUNITY, MAX_PER_COMMUNITY) + 1):
            while True:
                kind = rng.choices(KINDS, weights)[0]
                name_zh, name_en = name(rng, kind)
                if name_zh not in names_zh and name_en not in names_en:
                    break
            names_zh.add(name_zh)
            names_en.add(name_en)
            x, y = place(rng, centre, polygons, taken)
            taken.append((x, y))
            residents, elderly = head_counts(rng, kind)
            rows.append(
                [
                    f"res-{c['code']}-{n:02d}",
                    name_zh,
                    name_en,
                    c["code"],
                    f"{y / M_PER_DEG_LAT:.6f}",
                    f"{x / M_PER_DEG_LNG:.6f}",
                    residents,
                    elderly,
                ]
            )
    with open(os.path.join(HERE, "residences.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["ref", "name_zh", "name_en", "community", "lat", "lng", "residents", "elderly"])
        w.writerows(rows)


def check():
    """Reads the written file back and checks it; exits 1 on any error."""
    with open(os.path.join(HERE, "communities.csv"), encoding="utf-8") as f:
        codes = {r["code"] for r in csv.DictReader(f)}
    boundaries = load_boundaries()
    with open(os.path.join(HERE, "residences.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    errors = []
    refs, per_community, names = set(), {}, set()
    for r in rows:
        ref = r["ref"]
        if ref in refs:
            errors.append(f"{ref}: duplicate ref")
        refs.add(ref)
        if r["community"] not in codes:
            errors.append(f"{ref}: unknown community {r['community']}")
            continue
        if (r["community"], r["name_zh"]) in names or (r["community"], r["name_en"]) in names:
            errors.append(f"{ref}: name repeated in its community")
        names.update({(r["community"], r["name_zh"]), (r["community"], r["name_en"])})
        residents, elderly = int(r["residents"]), int(r["elderly"])
        if not RESIDENTS_MIN <= residents <= RESIDENTS_MAX:
            errors.append(f"{ref}: residents {residents} out of range")
        if elderly > residents or not ELDERLY_MIN <= elderly / residents <= ELDERLY_MAX:
            errors.append(f"{ref}: elderly {elderly} of {residents}")
        x, y = to_xy(float(r["lng"]), float(r["lat"]))
        if not inside(x, y, boundaries[r["community"]]):
            errors.append(f"{ref}: outside its community's boundary")
        points = per_community.setdefault(r["community"], [])
        if any(math.hypot(x - px, y - py) < MIN_GAP_M - 0.5 for px, py in points):
            errors.append(f"{ref}: nearer than {MIN_GAP_M:.0f} m to another compound")
        points.append((x, y))
    for code in sorted(codes):
        n = len(per_community.get(code, []))
        if not MIN_PER_COMMUNITY <= n <= MAX_PER_COMMUNITY:
            errors.append(f"{code}: {n} compounds")
    for e in errors:
        print("error:", e)
    if errors:
        raise SystemExit(1)
    residents = sum(int(r["residents"]) for r in rows)
    elderly = sum(int(r["elderly"]) for r in rows)
    print(
        f"wrote {len(rows)} sample compounds in {len(per_community)} communities: "
        f"{residents} residents, {elderly} aged 60+ ({100 * elderly / residents:.1f}%)"
    )


if __name__ == "__main__":
    generate()
    check()
