#!/usr/bin/env python3
"""Stance from a sentence vector instead of newsie's features: five-fold cross-validated macro-F1
of a logistic regression on the mean-pooled vector of "cue : content", over splits of
tests/data/stance.jsonl (docs/stance.md). A check of whether a bigger encoder reads stance better,
not a model newsie ships.

    scripts/research/stance_vectors.py --base .deps/all-minilm-l6-v2 --polnear ../shared/data/polnear/dev
    scripts/research/stance_vectors.py --base ~/.cache/newsie/all-mpnet-base-v2 --polnear ../shared/data/polnear/dev

Needs torch, transformers and scikit-learn (the train venv of scripts/train/env, plus
scikit-learn).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from transformers import AutoModel, AutoTokenizer

CLASSES = ["support", "oppose", "neutral"]


def load(path, polnear, splits):
    """(cue, content, class) of the set's labelled items in the given splits."""
    out, texts = [], {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        if r["split"] not in splits:
            continue
        if r["set"] == "written":
            text = r["text"]
        else:
            if r["article"] not in texts:
                with open(os.path.join(polnear, "text", r["article"] + ".txt"), encoding="utf-8") as f:
                    texts[r["article"]] = f.read()
            text = texts[r["article"]]
        cue = " ".join(text[s:e] for s, e in r["cue"])
        content = " ".join(text[s:e] for s, e in r["content"])
        out.append((cue, content, CLASSES.index(r["label"])))
    return out


@torch.no_grad()
def vectors(base, items):
    tok, model = AutoTokenizer.from_pretrained(base), AutoModel.from_pretrained(base).eval()
    out = []
    for k in range(0, len(items), 32):
        chunk = items[k : k + 32]
        enc = tok([f"{c} : {t}" for c, t, _ in chunk], truncation=True, max_length=128, padding=True, return_tensors="pt")
        h = model(**enc).last_hidden_state
        m = enc["attention_mask"].unsqueeze(-1).float()
        out.append(torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1).numpy())
    return np.concatenate(out)


def macro_f1(gold, pred):
    f = []
    for c in range(len(CLASSES)):
        tp = np.sum((gold == c) & (pred == c))
        f.append(2 * tp / max(1, 2 * tp + np.sum((gold != c) & (pred == c)) + np.sum((gold == c) & (pred != c))))
    return float(np.mean(f))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="a sentence-transformer folder (config, tokenizer, weights)")
    ap.add_argument("--polnear", required=True, help="PolNeAR dev (text/ inside)")
    ap.add_argument("--set", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "stance.jsonl"))
    ap.add_argument("--splits", default="train,test,extra", help="the splits cross-validated over")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    items = load(args.set, args.polnear, args.splits.split(","))
    x, y = vectors(args.base, items), np.array([c for _, _, c in items])
    order = np.random.RandomState(1).permutation(len(items))
    folds = [order[i :: args.folds] for i in range(args.folds)]
    for c in (0.3, 1, 3, 10):
        pred = np.zeros(len(items), int)
        for held in folds:
            rest = np.setdiff1d(order, held)
            lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x[rest], y[rest])
            pred[held] = lr.predict(x[held])
        print(f"{os.path.basename(os.path.normpath(args.base))}  n {len(items)}  C {c}  macro-F1 {macro_f1(y, pred):.4f}")


if __name__ == "__main__":
    sys.exit(main())
