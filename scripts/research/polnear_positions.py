#!/usr/bin/env python3
"""How much of PolNeAR is a position by docs/positions.md, and what newsie keeps of each part.

tests/data/polnear-dev-positions.jsonl holds 200 PolNeAR dev attributions (a seeded sample,
`--draw`), each judged against docs/positions.md (`position`, and `why` not). Given records of
`newsie extract` over the sampled articles (each `--records NAME=PATH`), prints for each the share
of the guideline's positions and of the rest whose cue a kept position's cue overlaps.

    scripts/research/polnear_positions.py --draw ../shared/data/polnear/dev > articles.jsonl
    newsie extract articles.jsonl -o broad.jsonl
    newsie extract articles.jsonl --positions strict -o strict.jsonl
    scripts/research/polnear_positions.py --records broad=broad.jsonl --records strict=strict.jsonl

`--draw-train POLNEAR_TRAIN` prints the 50 train articles whose candidates (`newsie extract
--all-candidates`, top level) tests/data/polnear-train-candidates.jsonl judges by the guideline:
seeded, none of the every-sixth articles the broad precision weights are fitted on.
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "labels"))
from stance_train_sample import articles, context  # noqa: E402

LABELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "polnear-dev-positions.jsonl")


def draw(root, n=200, seed=11):
    """The sample: every dev attribution with a cue and a content of three words or more, shuffled."""
    items = [(a, t, c, x) for a, t, pairs in articles(root) for c, x in pairs]
    random.Random(seed).shuffle(items)
    return items[:n]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draw", metavar="POLNEAR_DEV", help="print the sampled articles as extract input (and, with --show, the items)")
    ap.add_argument("--show", action="store_true", help="with --draw: print the items with their context instead, for labelling")
    ap.add_argument("--draw-train", metavar="POLNEAR_TRAIN", help="print the 50 train articles of polnear-train-candidates.jsonl as extract input")
    ap.add_argument("--records", action="append", default=[], metavar="NAME=PATH")
    a = ap.parse_args()
    if a.draw:
        items = draw(a.draw)
        if a.show:
            for i, (art, text, cue, content) in enumerate(items):
                print(json.dumps({"id": f"pdev-{i:03d}", "article": art, "context": context(text, cue, content)}, ensure_ascii=False))
            return
        for art in sorted({i[0] for i in items}):
            with open(os.path.join(a.draw, "text", art + ".txt"), encoding="utf-8") as f:
                print(json.dumps({"id": art, "text": f.read()}))
        return
    if a.draw_train:
        names = sorted(f[:-4] for f in os.listdir(os.path.join(a.draw_train, "text")))
        rest = [n for i, n in enumerate(names) if i % 6]
        random.Random(5).shuffle(rest)
        for art in sorted(rest[:50]):
            with open(os.path.join(a.draw_train, "text", art + ".txt"), encoding="utf-8") as f:
                print(json.dumps({"id": art, "text": f.read()}))
        return
    labels = [json.loads(line) for line in open(LABELS, encoding="utf-8")]
    n_pos = sum(l["position"] for l in labels)
    print(f"{len(labels)} attributions: {n_pos} positions by docs/positions.md ({n_pos / len(labels):.3f})")
    why = {}
    for l in labels:
        if not l["position"]:
            why[l["why"]] = why.get(l["why"], 0) + 1
    print("  not:", ", ".join(f"{k} {v}" for k, v in sorted(why.items(), key=lambda kv: -kv[1])))
    for spec in a.records:
        name, path = spec.split("=", 1)
        cues = {}
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            cues[r["id"]] = [(p["cue"]["start"], p["cue"]["end"]) for p in r.get("positions", []) if not p.get("candidate")]
        kept = {True: 0, False: 0}
        for l in labels:
            s, e = l["cue"][0][0], l["cue"][-1][1]
            kept[l["position"]] += any(a < e and s < b for a, b in cues.get(l["article"], []))
        print(f"{name}: kept {kept[True]}/{n_pos} ({kept[True] / n_pos:.3f}) of the positions, "
              f"{kept[False]}/{len(labels) - n_pos} ({kept[False] / max(1, len(labels) - n_pos):.3f}) of the rest")


if __name__ == "__main__":
    main()
