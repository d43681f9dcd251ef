#!/usr/bin/env python3
"""Draw the PolNeAR part of the stance set: a seeded random sample of dev attributions.

Writes one JSON object a line with the article id, the cue's and the content's character offsets
and an empty label, never PolNeAR's text; `--show` prints each with its sentence for labelling.

    scripts/labels/stance_sample.py ../shared/data/polnear/dev -n 210 --seed 15 > sample.jsonl
    scripts/labels/stance_sample.py ../shared/data/polnear/dev --show sample.jsonl

`--skip K` draws the next positions of the same shuffle (K = the items drawn before), so a later
sample never repeats an earlier one.
"""
import argparse
import json
import os
import random
import sys


def spans(field):
    return [[int(a), int(b)] for a, b in (p.split() for p in field.split(";"))]


def article_attributions(root):
    """(article, [(cue, content)]) of every article, first annotator's file, in name order: each
    attribution with a cue and a content. Lines that are not standoff lines (a span's text running
    over lines, in some train files) are passed over."""
    first = {}
    for name in sorted(os.listdir(os.path.join(root, "attributions"))):
        first.setdefault(name.rsplit("_", 1)[0], name)
    for article, name in sorted(first.items()):
        tspans, events = {}, []
        for line in open(os.path.join(root, "attributions", name), encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            if parts[0].startswith("T"):
                try:
                    tspans[parts[0]] = spans(parts[1].partition(" ")[2])
                except ValueError:
                    continue
            elif parts[0].startswith("E"):
                events.append(dict(a.split(":") for a in parts[1].split()[1:]))
        pairs = [(tspans[e["Cue"]], tspans[e["Content"]]) for e in events if e.get("Cue") in tspans and e.get("Content") in tspans]
        yield article, pairs


def attributions(root):
    """Every attribution with a cue and a content, first annotator's file per article."""
    for article, pairs in article_attributions(root):
        for cue, content in pairs:
            yield {"article": article, "cue": cue, "content": content}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("-n", type=int, default=210)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--skip", type=int, default=0, help="leave out the first K of the shuffle")
    ap.add_argument("--show")
    a = ap.parse_args()
    if a.show:
        for i, line in enumerate(open(a.show)):
            r = json.loads(line)
            text = open(os.path.join(a.root, "text", r["article"] + ".txt"), encoding="utf-8").read()
            cue = " … ".join(text[s:e] for s, e in r["cue"])
            content = " … ".join(text[s:e] for s, e in r["content"])
            print(f"[{i}] CUE: {cue}\n    CONTENT: {content[:400]}\n")
        return
    pool = list(attributions(a.root))
    random.Random(a.seed).shuffle(pool)
    for r in pool[a.skip : a.skip + a.n]:
        r["label"] = None
        print(json.dumps(r))


if __name__ == "__main__":
    sys.exit(main())
