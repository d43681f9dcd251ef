"""runs/shared/model: one encoder with an NER and an attribution head (models/fast's shape).

The epoch is chosen on CoNLL testa, UNER-EWT dev and PolNeAR dev. Writes runs/shared/model (the
model folder) and runs/shared/state (resumable: run again with --resume after a stop).
Trainer: train.multihead. Log: runs/shared/train.log, appended to (LOG=FILE for another). Extra
flags go to the trainer, after the job's own. Data: $NEWSIE_DATA (../shared/data): conll2003,
uner_ewt, polnear.
bf16 only where the CPU computes it natively (AVX-512 BF16): emulated, a step is 100 times slower.
32 wordpieces of context a side: with one encoder, that is what makes extract twice as fast.
"""
import os

from . import recipe

TRAINERS = ["multihead"]


def main(args):
    recipe.setup()
    py = recipe.python()
    recipe.newsie()
    train(py, args, os.environ.get("LOG") or "runs/shared/train.log")


def train(py, args, log):
    """The shared model's training with these extra flags (the job student's too)."""
    d = recipe.data()
    try:
        with open("/proc/cpuinfo") as f:
            bf16 = ["--bf16"] if "avx512_bf16" in f.read() else []
    except OSError:
        bf16 = []
    os.makedirs("runs/shared", exist_ok=True)
    recipe.run(
        recipe.trainer(py, "multihead", [
            "--base", recipe.BASE,
            "--ner-train", f"{d}/conll2003/eng.train", "--ner-dev", f"{d}/conll2003/eng.testa",
            "--uner-dev", f"{d}/uner_ewt/en_ewt-ud-dev.iob2",
            "--attribution-train", f"{d}/polnear/train", "--attribution-dev", f"{d}/polnear/dev",
            "--out", "runs/shared/model", "--state", "runs/shared/state", "--epochs", "6", "--ner-repeat", "2",
            "--lr", "1.5e-4", "--context", "32", "--seed", "7", *bf16,
            *args,
        ]),
        log,
        append=True,
    )
