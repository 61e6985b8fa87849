#!/usr/bin/env python3
"""Self-check of the seed files: `python3 seeds/check.py` (standard library only)."""

import collections
import csv
import json
import math
import os
import re
import sys

DIR = os.path.dirname(os.path.abspath(__file__))
COMM_HEADER = ["code", "name_zh", "name_en", "district_zh", "district_en", "lat", "lng"]
FAC_HEADER = ["ref", "kind", "name_zh", "name_en", "address_zh", "address_en", "lat", "lng",
              "phone", "community", "hours", "lunch", "dinner", "price_60", "price_80",
              "delivery", "children_corner", "seats", "accepts"]
KIND_FIELDS = {
    "meal": {"lunch", "dinner", "price_60", "price_80", "delivery"},
    "reading": {"children_corner", "seats"},
    "sorting": {"accepts"},
}
MINIMUM = {"meal": 160, "reading": 160, "sorting": 420}
CATEGORIES = ["recyclable", "hazardous", "food", "residual"]

DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
DAYS = rf"{DAY}(?:-{DAY})?(?:,{DAY}(?:-{DAY})?)*"
TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
SPANS = rf"{TIME}-{TIME}(?:,{TIME}-{TIME})*"
RULE = rf"{DAYS} (?:{SPANS}|off)"
HOURS_RE = re.compile(rf"^{RULE}(?:; {RULE})*$")

errors = []


def err(msg):
    errors.append(msg)


def minutes(hhmm):
    h, m = map(int, hhmm.split(":"))
    return h * 60 + m


def check_hours(where, text):
    if not HOURS_RE.match(text):
        err(f"{where}: hours {text!r} do not match the grammar")
        return False
    for a, b in re.findall(rf"({TIME})-({TIME})", text):
        oa, cb = minutes(a), minutes(b)
        if oa >= 1440 or cb > 1440 or oa == cb:
            err(f"{where}: bad span {a}-{b}")
    return True


def read(name, header):
    path = os.path.join(DIR, name)
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        err(f"{name}: has a BOM")
    if b"\r" in raw:
        err(f"{name}: has CR line endings")
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    if rows[0] != header:
        err(f"{name}: header is {rows[0]}")
    return [dict(zip(header, r)) for r in rows[1:]]


def in_core(lat, lng):
    return 30.55 <= lat <= 30.75 and 103.95 <= lng <= 104.18


def main():
    comms = read("communities.csv", COMM_HEADER)
    codes = {}
    for c in comms:
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", c["code"]):
            err(f"community {c['code']}: code is not a lowercase slug")
        if c["code"] in codes:
            err(f"community {c['code']}: duplicate code")
        lat, lng = float(c["lat"]), float(c["lng"])
        if not in_core(lat, lng):
            err(f"community {c['code']}: centre outside the urban core")
        codes[c["code"]] = (lat, lng)
    per_district = collections.Counter(c["district_en"] for c in comms)

    facs = read("facilities.csv", FAC_HEADER)
    kinds = collections.Counter()
    subtypes = collections.Counter()
    refs, names = set(), set()
    late, max_off = 0, 0.0
    for f in facs:
        w = f["ref"] or "?"
        kinds[f["kind"]] += 1
        if f["kind"] not in KIND_FIELDS:
            err(f"{w}: bad kind {f['kind']!r}")
            continue
        if not re.fullmatch(rf"{f['kind']}-\d{{4}}", f["ref"]):
            err(f"{w}: ref does not look like {f['kind']}-NNNN")
        if f["ref"] in refs:
            err(f"{w}: duplicate ref")
        refs.add(f["ref"])
        if f["name_zh"] in names:
            err(f"{w}: duplicate name {f['name_zh']}")
        names.add(f["name_zh"])
        for k in ("name_zh", "name_en", "address_zh", "address_en", "hours"):
            if not f[k]:
                err(f"{w}: empty {k}")
        if f["community"] not in codes:
            err(f"{w}: unknown community {f['community']!r}")
        else:
            lat, lng = float(f["lat"]), float(f["lng"])
            clat, clng = codes[f["community"]]
            off = math.hypot((lat - clat) * 111320, (lng - clng) * 111320 * math.cos(math.radians(clat)))
            max_off = max(max_off, off)
            if off > 1200.5:
                err(f"{w}: {off:.0f} m from its community centre")
            if not in_core(lat, lng):
                err(f"{w}: outside the urban core")
        if not re.fullmatch(r"(028-8\d{7})?", f["phone"]):
            err(f"{w}: bad phone {f['phone']!r}")
        if check_hours(w, f["hours"]):
            if any(minutes(b) < minutes(a) and b != "00:00"
                   for a, b in re.findall(rf"({TIME})-({TIME})", f["hours"])):
                late += 1
        for k in set().union(*KIND_FIELDS.values()) - KIND_FIELDS[f["kind"]]:
            if f[k]:
                err(f"{w}: {k} should be empty for {f['kind']}")
        if f["kind"] == "meal":
            for k in ("lunch", "dinner", "delivery"):
                if f[k] not in ("0", "1"):
                    err(f"{w}: {k} is not 0/1")
            if f["lunch"] == "0" and f["dinner"] == "0":
                err(f"{w}: serves neither lunch nor dinner")
            p60, p80 = float(f["price_60"]), float(f["price_80"])
            if not (0 < p80 <= p60):
                err(f"{w}: prices {p60}/{p80}")
        elif f["kind"] == "reading":
            if f["children_corner"] not in ("0", "1"):
                err(f"{w}: children_corner is not 0/1")
            if not (10 <= int(f["seats"]) <= 80):
                err(f"{w}: seats {f['seats']}")
        else:
            acc = f["accepts"].split("|")
            if not acc or any(a not in CATEGORIES for a in acc) or len(set(acc)) != len(acc):
                err(f"{w}: bad accepts {f['accepts']!r}")
            subtypes[f["accepts"]] += 1

    geo = json.load(open(os.path.join(DIR, "sample.geojson"), encoding="utf-8"))
    if geo.get("type") != "FeatureCollection":
        err("sample.geojson: not a FeatureCollection")
    for feat in geo["features"]:
        p = feat["properties"]
        lng, lat = feat["geometry"]["coordinates"]
        if feat["geometry"]["type"] != "Point" or not in_core(lat, lng):
            err(f"sample.geojson {p.get('ref')}: bad geometry")
        if p.get("community") not in codes:
            err(f"sample.geojson {p.get('ref')}: unknown community")
        check_hours(f"sample.geojson {p.get('ref')}", p["hours"])
        unknown = set(p) - set(FAC_HEADER)
        if unknown:
            err(f"sample.geojson {p.get('ref')}: unknown properties {sorted(unknown)}")

    for k, n in MINIMUM.items():
        if kinds[k] < n:
            err(f"only {kinds[k]} {k} facilities (want >= {n})")
    if len(comms) < 64:
        err(f"only {len(comms)} communities")

    print(f"communities: {len(comms)} ({', '.join(f'{d} {n}' for d, n in per_district.items())})")
    print(f"facilities: {len(facs)} ({', '.join(f'{k} {n}' for k, n in kinds.items())})")
    print(f"sorting accepts: {dict(subtypes)}")
    print(f"hours past midnight: {late}; farthest from a centre: {max_off:.0f} m")
    print(f"geojson features: {len(geo['features'])}")
    if errors:
        print(f"{len(errors)} problem(s):")
        for e in errors[:50]:
            print("  " + e)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
