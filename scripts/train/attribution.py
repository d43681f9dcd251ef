"""models/attribution: the PyPI base as a Source / Cue / Content tagger on PolNeAR.

Fine-tuned on PolNeAR train over the same windows as NER, the epoch best on PolNeAR dev kept.
PolNeAR is read through `newsie segment` (target/release/newsie, built when missing), so training
and inference split words identically. Every annotator's file of an article is a training document
(a few train articles have six).
Trainer: train.tagger --task attribution. Log: runs/attribution/train.log (LOG=FILE for another).
Extra flags go to the trainer, after the job's own. Data: $NEWSIE_DATA/polnear (../shared/data).
On CPU (2 cores, bf16) an epoch takes 14-17 minutes; on a GPU machine about a minute.
"""
import os

from . import recipe

TRAINERS = ["tagger"]


def main(args):
    recipe.setup()
    py = recipe.python()
    recipe.newsie()
    polnear = recipe.data() + "/polnear"
    os.makedirs("runs/attribution", exist_ok=True)
    recipe.run(
        recipe.trainer(py, "tagger", [
            "--task", "attribution", "--base", recipe.BASE,
            "--train", f"{polnear}/train", "--dev", f"{polnear}/dev", "--out", "models/attribution",
            "--epochs", "6", "--lr", "1.5e-4", "--context", "64", "--bf16", "--seed", "7", "--all-annotators",
            "--name", "newsie-attribution-minilm-l6-polnear-v2",
            *args,
        ]),
        os.environ.get("LOG") or "runs/attribution/train.log",
    )
