#!/usr/bin/env python3
"""Self-check of the waste-sorting dictionary (standard library only).

    python3 seeds/check_sorting.py

Checks seeds/sorting.csv and seeds/sorting_tricky.csv: headers, row count,
unique names, valid categories, pinyin format and alignment, that no search
key (Chinese name or alias, English name or alias, pinyin) points at entries
of different categories, and that every tricky query resolves to exactly one
entry with the stated category. Prints per-category counts. Exits 1 on any
failure.
"""

import collections
import csv
import os
import re
import sys

DIR = os.path.dirname(os.path.abspath(__file__))
HEADER = ["name_zh", "aliases_zh", "name_en", "aliases_en", "category",
          "tip_zh", "tip_en", "pinyin", "aliases_pinyin"]
TRICKY_HEADER = ["query", "category", "why"]
CATEGORIES = ["recyclable", "hazardous", "food", "residual"]
MIN_ROWS = 620
MIN_TRICKY = 70
MAX_TIP_ZH = 60     # characters
MAX_TIP_EN = 120    # characters

PINYIN_RE = re.compile(r"^[a-z]+(?: [a-z]+)*$")
HAN_RE = re.compile(r"[\u3400-\u9fff]")
# Units that must each produce one pinyin word: a Han character, a run of
# Latin letters, or a single digit (digits are read one by one).
UNIT_RE = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+|[0-9]")

errors = []
warnings = []


def err(msg):
    errors.append(msg)


def warn(msg):
    warnings.append(msg)


def read_csv(name, header):
    path = os.path.join(DIR, name)
    try:
        raw = open(path, "rb").read()
    except OSError as e:
        err(f"{name}: cannot read: {e}")
        return []
    if raw.startswith(b"\xef\xbb\xbf"):
        err(f"{name}: has a BOM")
    if b"\r" in raw:
        err(f"{name}: has \\r line endings")
    if raw and not raw.endswith(b"\n"):
        err(f"{name}: does not end with a newline")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        err(f"{name}: not UTF-8: {e}")
        return []
    rows = list(csv.reader(text.splitlines(keepends=True)))
    if not rows or rows[0] != header:
        err(f"{name}: header is {rows[0] if rows else None}, expected {header}")
        return []
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            err(f"{name}:{i}: {len(r)} fields, expected {len(header)}")
            continue
        out.append((i, dict(zip(header, r))))
    return out


def split(field):
    return field.split("|") if field != "" else []


def check_list(where, what, items):
    for a in items:
        if a == "" or a != a.strip():
            err(f"{where}: empty or padded entry in {what}: {items!r}")
    if len(set(items)) != len(items):
        err(f"{where}: duplicate entry in {what}: {items!r}")


def check_pinyin(where, term, py):
    if not PINYIN_RE.match(py):
        err(f"{where}: pinyin {py!r} of {term!r} is not lowercase [a-z] words separated by single spaces")
        return
    units = UNIT_RE.findall(term)
    if len(units) != len(py.split(" ")):
        err(f"{where}: pinyin {py!r} has {len(py.split(' '))} words but {term!r} has {len(units)} units")


def main():
    rows = read_csv("sorting.csv", HEADER)
    if len(rows) < MIN_ROWS:
        err(f"sorting.csv: {len(rows)} rows, expected at least {MIN_ROWS}")

    seen_zh, seen_en = {}, {}
    # normalised search key -> set of row numbers
    index = collections.defaultdict(set)
    kinds = collections.defaultdict(set)
    cat_of = {}

    for line, r in rows:
        where = f"sorting.csv:{line}"
        cat_of[line] = r["category"]
        if r["category"] not in CATEGORIES:
            err(f"{where}: category {r['category']!r} not in {CATEGORIES}")
        for col in HEADER:
            if r[col] != r[col].strip():
                err(f"{where}: {col} has leading or trailing spaces")
        zh, en = r["name_zh"], r["name_en"]
        if not zh or not en:
            err(f"{where}: name_zh and name_en are required")
        if not HAN_RE.search(zh):
            err(f"{where}: name_zh {zh!r} has no Chinese character")
        if en != en.lower():
            warn(f"{where}: name_en {en!r} is not lowercase")
        if zh in seen_zh:
            err(f"{where}: name_zh {zh!r} repeats line {seen_zh[zh]}")
        seen_zh.setdefault(zh, line)
        if en.lower() in seen_en:
            err(f"{where}: name_en {en!r} repeats line {seen_en[en.lower()]}")
        seen_en.setdefault(en.lower(), line)

        azh, aen, apy = split(r["aliases_zh"]), split(r["aliases_en"]), split(r["aliases_pinyin"])
        check_list(where, "aliases_zh", azh)
        check_list(where, "aliases_en", aen)
        if zh in azh:
            err(f"{where}: name_zh repeated among its aliases")
        if en.lower() in (a.lower() for a in aen):
            err(f"{where}: name_en repeated among its aliases")
        if len(apy) != len(azh):
            err(f"{where}: {len(azh)} Chinese aliases but {len(apy)} pinyin entries")
        check_pinyin(where, zh, r["pinyin"])
        for a, p in zip(azh, apy):
            check_pinyin(where, a, p)

        if len(r["tip_zh"]) > MAX_TIP_ZH:
            err(f"{where}: tip_zh is {len(r['tip_zh'])} characters (max {MAX_TIP_ZH})")
        if len(r["tip_en"]) > MAX_TIP_EN:
            err(f"{where}: tip_en is {len(r['tip_en'])} characters (max {MAX_TIP_EN})")
        if bool(r["tip_zh"]) != bool(r["tip_en"]):
            err(f"{where}: tip_zh and tip_en must both be present or both empty")

        for k in [zh] + azh:
            index[k].add(line)
            kinds[k].add("zh")
        for k in [en] + aen:
            index[k.lower()].add(line)
            kinds[k.lower()].add("en")
        for p in [r["pinyin"]] + apy:
            k = p.replace(" ", "")
            index[k].add(line)
            kinds[k].add("pinyin")

    # Chinese and English keys must each belong to one entry; a pinyin key may
    # be shared by homophones of the same category only.
    for key, lines in sorted(index.items()):
        if len(lines) < 2:
            continue
        cats = {cat_of[l] for l in lines}
        desc = ", ".join(f"line {l} ({cat_of[l]})" for l in sorted(lines))
        if len(cats) > 1:
            err(f"ambiguous key {key!r} ({'/'.join(sorted(kinds[key]))}) -> {desc}")
        elif kinds[key] & {"zh", "en"}:
            # same category, but a name or alias should still name one entry
            err(f"key {key!r} ({'/'.join(sorted(kinds[key]))}) is used by several entries -> {desc}")
        else:
            warn(f"homophone pinyin {key!r} shared within one category -> {desc}")

    # Tricky queries.
    tricky = read_csv("sorting_tricky.csv", TRICKY_HEADER)
    if len(tricky) < MIN_TRICKY:
        err(f"sorting_tricky.csv: {len(tricky)} rows, expected at least {MIN_TRICKY}")
    zh_keys = {k for k, ks in kinds.items() if "zh" in ks}
    mix = collections.Counter()
    seen_q = set()
    for line, t in tricky:
        where = f"sorting_tricky.csv:{line}"
        q, cat = t["query"], t["category"]
        if q in seen_q:
            err(f"{where}: query {q!r} repeated")
        seen_q.add(q)
        if cat not in CATEGORIES:
            err(f"{where}: category {cat!r} not in {CATEGORIES}")
        if not t["why"].strip():
            err(f"{where}: why is empty")
        hits = set()
        if q in zh_keys:
            hits |= index[q]
            mix["chinese"] += 1
        else:
            lq = q.lower()
            en_hits = index.get(lq, set()) if "en" in kinds.get(lq, ()) else set()
            pq = lq.replace(" ", "")
            py_hits = index.get(pq, set()) if "pinyin" in kinds.get(pq, ()) else set()
            hits = en_hits | py_hits
            if en_hits:
                mix["english"] += 1
            elif py_hits:
                mix["pinyin"] += 1
        if not hits:
            err(f"{where}: query {q!r} matches no entry")
        elif len(hits) > 1:
            err(f"{where}: query {q!r} is ambiguous -> lines {sorted(hits)}")
        else:
            (hit,) = hits
            if cat_of[hit] != cat:
                err(f"{where}: query {q!r} is {cat_of[hit]!r} in sorting.csv (line {hit}), tricky file says {cat!r}")

    counts = collections.Counter(r["category"] for _, r in rows)
    print(f"sorting.csv: {len(rows)} entries")
    for c in CATEGORIES:
        print(f"  {c:<11} {counts.get(c, 0)}")
    print(f"  search keys: {len(index)}")
    print(f"sorting_tricky.csv: {len(tricky)} queries "
          f"({mix['chinese']} Chinese, {mix['english']} English, {mix['pinyin']} pinyin)")
    for w in warnings:
        print(f"warning: {w}")
    for e in errors:
        print(f"error: {e}")
    if errors:
        print(f"FAILED: {len(errors)} error(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
