#!/usr/bin/env python3
"""Builds tests/data/geo-own.xml (LGL layout, read by `newsie eval places --gazetteer-xml`) from
the marked articles of tests/data/geo-own.txt and the gazetteer TSV that scripts/setup builds.

The gold entry of a toponym [[phrase|COUNTRY[.ADMIN1][:KIND]]]: the gazetteer entries whose main
or alternate name folds to the phrase's fold, in that country (and first-level region), of that
kind (city when none is given); the most populous of them. A toponym with no such entry stops the
build. Prints the count of toponyms and how many of their names have several gazetteer entries.

Usage: scripts/labels/geo.py GAZETTEER_TSV [IN_TXT] [OUT_XML]   (default tests/data/geo-own.txt
and .xml; tests/data/geo-train.txt and .xml, the ranker's training set, are built the same way).
Only the standard library.
"""
import re
import sys
import unicodedata
from xml.sax.saxutils import escape

MARK = re.compile(r"\[\[([^|\]]+)\|([A-Z]{2})(?:\.([A-Z0-9]+))?(?::([a-z]+))?\]\]")


def fold(s):
    """The resolver's fold (src/stages/places/gazetteer.rs `fold`)."""
    out = []
    for c in unicodedata.normalize("NFD", s):
        if unicodedata.combining(c):
            continue
        if c in ".'’‘ʻ`":
            continue
        if c.isspace() or c in "-‐–,()":
            if out and out[-1] != " ":
                out.append(" ")
            continue
        out.append(c.lower())
    f = "".join(out).rstrip(" ")
    return f[4:] if f.startswith("the ") else f


def read_gazetteer(path):
    names = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            row = {
                "id": int(c[0]), "name": c[1], "feature": c[2], "code": c[3], "country": c[4],
                "admin1": c[5], "lat": c[6], "lon": c[7], "population": int(c[8]),
            }
            keys = {fold(c[1])} | {fold(a) for a in c[9].split("|") if a}
            for k in keys:
                if k:
                    names.setdefault(k, []).append(row)
    return names


def read_articles(path):
    articles, current = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("## "):
                current = [line[3:].strip(), []]
                articles.append(current)
            elif current is not None and line and not line.startswith("#"):
                current[1].append(line)
    return [(i, "\n\n".join(p)) for i, p in articles]


def main(gaz, src="tests/data/geo-own.txt", out="tests/data/geo-own.xml"):
    names = read_gazetteer(gaz)
    xml = ["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<articles>"]
    count = ambiguous = 0
    problems = []
    for doc, marked in read_articles(src):
        text, toponyms, at = [], [], 0
        for m in MARK.finditer(marked):
            text.append(marked[at:m.start()])
            start = sum(len(t) for t in text)
            phrase, country, admin1, kind = m.group(1), m.group(2), m.group(3), m.group(4) or "city"
            text.append(phrase)
            at = m.end()
            entries = names.get(fold(phrase), [])
            fits = [e for e in entries if e["country"] == country and (admin1 is None or e["admin1"] == admin1) and e["feature"] == kind]
            if not fits:
                problems.append(f"{doc}: {m.group(0)}: no entry ({len(entries)} by that name)")
                continue
            gold = max(fits, key=lambda e: (e["population"], -e["id"]))
            count += 1
            ambiguous += len(entries) > 1
            toponyms.append((start, start + len(phrase), phrase, gold))
        text.append(marked[at:])
        text = "".join(text)
        xml.append(f"<article docid=\"{escape(doc)}\">")
        xml.append(f"<text>{escape(text)}</text>")
        xml.append("<toponyms>")
        for s, e, phrase, g in toponyms:
            assert text[s:e] == phrase
            gid = g["id"] if g["id"] > 0 else ""
            xml.append(
                f"<toponym><start>{s}</start><end>{e}</end><phrase>{escape(phrase)}</phrase>"
                f"<gaztag geonameid=\"{gid}\"><name>{escape(g['name'])}</name>"
                f"<fcode>{g['code']}</fcode><lat>{g['lat']}</lat><lon>{g['lon']}</lon>"
                f"<country>{g['country']}</country><admin1>{g['admin1']}</admin1></gaztag></toponym>"
            )
        xml.append("</toponyms>")
        xml.append("</article>")
    xml.append("</articles>")
    if problems:
        sys.exit("\n".join(problems))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(xml) + "\n")
    print(f"{count} toponyms; {ambiguous} ({ambiguous / count:.1%}) of names with several gazetteer entries")


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 4 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    main(*sys.argv[1:])
