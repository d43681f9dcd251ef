"""models/stance: the PyPI base as a stance classifier over a position's words (docs/stance.md).

Fine-tuned on every position of tests/data/stance.jsonl and of the labelled web pages' tune split
(tests/data/positions-pages.jsonl), every word of a position's span labelled with its stance; the
kept-aside pages are never read. (`--stance-splits train,extra --stance-check test,fresh` leaves
two of the stance set's splits out and scores them after training.) The pages' texts come from `newsie extract PAGES --with-text`
(runs/pages.jsonl, made here when missing). `--folds` writes no model: it trains once per fifth of
the tune pages left out and prints each fifth's share right (the cross-validated figure of
docs/stance.md).
Trainer: train.stance_tagger. Log: runs/stance/train.log. Data: $NEWSIE_DATA (../shared/data):
polnear/dev for the stance set's PolNeAR positions, article-extraction/html for the pages.
On CPU (2 cores) about 3 minutes a model.
"""
import os

from . import recipe

TRAINERS = ["stance_tagger"]


def main(args):
    folds = "--folds" in args
    args = [a for a in args if a != "--folds"]
    recipe.setup()
    py = recipe.python()
    recipe.newsie()
    d = recipe.data()
    os.makedirs("runs/stance", exist_ok=True)
    records = "runs/pages.jsonl"
    if not os.path.isfile(records):
        recipe.sh("target/release/newsie", "extract", f"{d}/article-extraction/html", "--with-text", "-o", records)
    common = [
        "--base", recipe.BASE, "--polnear", f"{d}/polnear/dev", "--page-records", records,
        "--stance-splits", "all",
    ]
    log = "runs/stance/train.log"
    if folds:
        for k in range(5):
            recipe.run(recipe.trainer(py, "stance_tagger", [*common, "--page-fold", f"{k}/5", *args]), log, append=k > 0)
    else:
        recipe.run(recipe.trainer(py, "stance_tagger", [*common, "--out", "models/stance", *args]), log)
