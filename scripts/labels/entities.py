#!/usr/bin/env python3
"""Turns names labelled per article into the offsets-only gold file of docs/entities.md.

A labeller writes one JSON line per article: every name as it stands in the text, its type and
its entity key, and the occurrences that differ (namesakes, a name that is not an entity there):

  {"doc": "polnear:dev/NAME", "names": {"Donald Trump": ["PER", "Donald Trump"],
                                        "Trump": ["PER", "Donald Trump"]},
   "except": [{"anchor": "Johnson told the senators", "name": "Johnson",
               "type": "PER", "entity": "Ron Johnson (American politician)"},
              {"anchor": "Trump Tower", "name": "Trump", "entity": null}]}

Every whole-word, case-sensitive occurrence of a name is a mention, longer names first (so
"Donald Trump" is one mention, not two). An exception's `anchor` occurs once in the text and holds
the name; `entity: null` drops that occurrence. Texts: `polnear:dev/NAME` is
POLNEAR/dev/text/NAME.txt; `page:KEY` is the "text" of KEY in the records of
`newsie extract PAGES --with-text` (--pages).

  scripts/labels/entities.py LABELS.jsonl [...] --polnear DIR --pages RECORDS.jsonl -o OUT.jsonl

Writes offsets only (never the text) and exits 1 naming every label it could not place.
"""
import argparse
import hashlib
import json
import re
import sys

TYPES = {"PER", "ORG"}


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def split_of(doc):
    """A third of the articles kept aside, by a hash of their name (so it never depends on order)."""
    return "heldout" if int(hashlib.sha256(doc.encode()).hexdigest(), 16) % 3 == 0 else "tune"


def occurrences(text, name):
    pat = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    return [m.span() for m in pat.finditer(text)]


def place(text, lab):
    """Mentions (start, end, type, entity) of one article's labels, and the errors."""
    errors, taken = [], {}
    names = lab.get("names") or {}
    for name in sorted(names, key=len, reverse=True):
        kind, entity = names[name]
        if kind not in TYPES:
            errors.append(f"{name!r}: type {kind!r} is not PER or ORG")
            continue
        spans = occurrences(text, name)
        if not spans:
            errors.append(f"{name!r} not found")
        for s, e in spans:
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken[(s, e)] = (kind, entity)
    for ex in lab.get("except") or []:
        anchors = [m.span() for m in re.finditer(re.escape(ex["anchor"]), text)]
        if len(anchors) != 1:
            errors.append(f"anchor {ex['anchor']!r} found {len(anchors)} times")
            continue
        lo, hi = anchors[0]
        inside = [sp for sp in occurrences(text, ex["name"]) if lo <= sp[0] and sp[1] <= hi]
        if len(inside) != 1:
            errors.append(f"{ex['name']!r} found {len(inside)} times in anchor {ex['anchor']!r}")
            continue
        s, e = inside[0]
        for k in [k for k in taken if k[0] < e and s < k[1]]:
            del taken[k]
        if ex.get("entity"):
            kind = ex.get("type") or names.get(ex["name"], ["PER"])[0]
            taken[(s, e)] = (kind, ex["entity"])
    return sorted((s, e, k, ent) for (s, e), (k, ent) in taken.items()), errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", nargs="+")
    ap.add_argument("--polnear", default="../shared/data/polnear")
    ap.add_argument("--pages", help="records of newsie extract PAGES --with-text")
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()
    pages = {}
    if a.pages:
        with open(a.pages, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                pages[r["id"]] = r.get("text", "")
    out, bad = [], 0
    for path in a.labels:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                lab = json.loads(line)
                doc = lab["doc"]
                if doc.startswith("polnear:"):
                    with open(f"{a.polnear}/{doc[8:].replace('/', '/text/', 1)}.txt", encoding="utf-8") as t:
                        text = t.read()
                elif doc.startswith("page:") and doc[5:] in pages:
                    text = pages[doc[5:]]
                else:
                    print(f"{path}:{n}: no text for {doc}", file=sys.stderr)
                    bad += 1
                    continue
                mentions, errors = place(text, lab)
                for e in errors:
                    print(f"{path}:{n} {doc}: {e}", file=sys.stderr)
                bad += len(errors)
                out.append({"doc": doc, "sha": sha(text), "split": split_of(doc)})
                out += [{"doc": doc, "start": s, "end": e, "type": k, "entity": ent} for s, e, k, ent in mentions]
    with open(a.out, "w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    docs = sum(1 for r in out if "sha" in r)
    print(f"{docs} articles, {len(out) - docs} mentions, {bad} problems", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
