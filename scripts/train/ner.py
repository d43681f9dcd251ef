"""models/ner: the PyPI base fine-tuned for NER on CoNLL-2003 (best epoch on eng.testa).

Trainer: train.tagger --task ner. Log: runs/ner/train.log (LOG=FILE for another). Extra flags go to
the trainer, after the job's own (so they win), e.g. the casing ablation:
    LOG=runs/ner/nocase.log scripts/train/run ner --no-casing --out runs/ner-nocase
Data: $NEWSIE_DATA/conll2003 ($NEWSIE_DATA defaults to ../shared/data).
On CPU (2 cores) an epoch takes about 5-10 minutes; on a GPU machine well under one.
"""
import os

from . import recipe

TRAINERS = ["tagger"]


def main(args):
    recipe.setup()
    py = recipe.python()
    conll = recipe.data() + "/conll2003"
    os.makedirs("runs/ner", exist_ok=True)
    recipe.run(
        recipe.trainer(py, "tagger", [
            "--task", "ner", "--base", recipe.BASE,
            "--train", f"{conll}/eng.train", "--dev", f"{conll}/eng.testa", "--out", "models/ner",
            "--epochs", "10", "--lr", "1.5e-4", "--context", "64", "--bf16", "--average-last", "4",
            *args,
        ]),
        os.environ.get("LOG") or "runs/ner/train.log",
    )
