#!/usr/bin/env python3
"""Draw the items of tests/data/stance-polnear-train.jsonl: PolNeAR train attributions with a cue
and a content of three words or more, one per article (two in about a fifth of them, seeded),
shuffled, the first 1,000 (there are 990); each written with its article id and offsets, never PolNeAR's text.
`--show` prints each with its context instead, the cue marked ⟦…⟧ and the content «…», for
labelling by docs/stance.md.

    scripts/labels/stance_train_sample.py ../shared/data/polnear/train > items.jsonl
    scripts/labels/stance_train_sample.py ../shared/data/polnear/train --show | less
"""
import argparse
import json
import os
import random

from stance_sample import article_attributions


def articles(root):
    """(article, text, [(cue, content)]) of every article, the contents of three words or more."""
    for article, pairs in article_attributions(root):
        with open(os.path.join(root, "text", article + ".txt"), encoding="utf-8") as f:
            text = f.read()
        yield article, text, [(c, x) for c, x in pairs if sum(len(text[a:b].split()) for a, b in x) >= 3]


def draw(root, n, seed):
    rng = random.Random(seed)
    items = []
    for article, text, pairs in articles(root):
        rng.shuffle(pairs)
        for cue, content in pairs[: 1 if rng.random() < 0.8 else 2]:
            items.append((article, text, cue, content))
    rng.shuffle(items)
    return items[:n]


def context(text, cue, content):
    marks = [(a, "⟦") for a, _ in cue] + [(b, "⟧") for _, b in cue]
    marks += [(a, "«") for a, _ in content] + [(b, "»") for _, b in content]
    lo = max(0, min(x for x, _ in marks) - 400)
    hi = min(len(text), max(x for x, _ in marks) + 150)
    out, pos = "", lo
    for x, m in sorted(marks, key=lambda t: (t[0], t[1] not in "⟧»")):
        out += text[pos:x] + m
        pos = x
    return out + text[pos:hi]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("polnear_train", help="PolNeAR train (text/, attributions/)")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", action="store_true", help="print each item with its context, for labelling")
    a = ap.parse_args()
    for i, (article, text, cue, content) in enumerate(draw(a.polnear_train, a.n, a.seed)):
        item = {"id": f"ptrain-{i:04d}", "set": "polnear", "article": article, "cue": cue, "content": content}
        if a.show:
            item["context"] = context(text, cue, content)
        print(json.dumps(item, ensure_ascii=False))


if __name__ == "__main__":
    main()
