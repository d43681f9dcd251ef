#!/usr/bin/env python3
"""How far PolNeAR's annotators agree with each other: for every article with several annotators'
files, each other file scored against the first in name order, with newsie eval attribution's span
scorer (exact: same offsets after trimming white space; overlap: any shared character). A ceiling
for the attribution model's figures.
Usage: scripts/research/polnear_agreement.py [POLNEAR_SPLIT_DIR ...]   (default PolNeAR train and dev)"""
import collections
import os
import sys


def spans(path, text, role):
    out = set()
    for line in open(path, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 2 or not cols[0].startswith("T") or cols[1].split(" ", 1)[0] != role:
            continue
        parts = []
        for piece in cols[1].split(" ", 1)[1].split(";"):
            s, e = map(int, piece.split())
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                parts.append((s, e))
        if parts:
            out.add(tuple(parts))
    return out


def f1(p, r):
    return 2 * p * r / max(p + r, 1e-9)


def meets(a, b):
    return any(s < f and t < e for s, e in a for t, f in b)


def main(dirs):
    for d in dirs:
        by = collections.defaultdict(list)
        for a in sorted(os.listdir(os.path.join(d, "attributions"))):
            if a.endswith(".ann"):
                by[a.rsplit("_", 1)[0]].append(a)
        multi = {k: v for k, v in by.items() if len(v) > 1}
        for role in ("Source", "Cue", "Content"):
            tp = fp = fn = ph = pn = gh = gn = 0
            for art, files in multi.items():
                text = open(os.path.join(d, "text", art + ".txt"), encoding="utf-8").read()
                gold = spans(os.path.join(d, "attributions", files[0]), text, role)
                for other in files[1:]:
                    pred = spans(os.path.join(d, "attributions", other), text, role)
                    tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
                    ph += sum(any(meets(x, y) for y in gold) for x in pred)
                    gh += sum(any(meets(x, y) for y in pred) for x in gold)
                    pn, gn = pn + len(pred), gn + len(gold)
            exact = f1(tp / max(tp + fp, 1), tp / max(tp + fn, 1))
            overlap = f1(ph / max(pn, 1), gh / max(gn, 1))
            print(f"{d}: {len(multi)} articles, {role:<8} exact F1 {exact:.3f}  overlap F1 {overlap:.3f}")


if __name__ == "__main__":
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__)
        sys.exit(0)
    main(sys.argv[1:] or ["../shared/data/polnear/train", "../shared/data/polnear/dev"])
