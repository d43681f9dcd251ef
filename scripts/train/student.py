"""runs/student/model: the shared model (job shared) taught by soft labels too.

First the teachers' soft labels over CoNLL-2003 train, PolNeAR train and the LGL and GeoVirus texts,
one file per head in runs/distil/ (each made once; log runs/distil/labels.log), then the job
shared's training with them, into runs/student/ (log runs/student/train.log, appended to).
Teachers: for attribution, the current tagger (models/attribution); for NER, the MPNet teacher of
the job teacher when runs/teacher/model holds it, else the current tagger (models/ner).
Trainers: train.soft_labels, then train.multihead. Resumable as the job shared is: run again with
--resume. Extra flags go to train.multihead, after the job's own.
"""
import os

from . import recipe, shared

TRAINERS = ["multihead", "soft_labels"]


def main(args):
    recipe.setup()
    py = recipe.python()
    recipe.newsie()
    os.makedirs("runs/distil", exist_ok=True)
    os.makedirs("runs/student", exist_ok=True)

    def label(name, base, teacher):
        if not os.path.isfile(f"runs/distil/{name}.pt"):
            recipe.soft_labels(py, base, teacher, f"runs/distil/{name}.pt", "runs/distil/labels.log")

    label("attribution", recipe.BASE, "models/attribution")
    if os.path.isfile("runs/teacher/model/model.safetensors"):
        ner = "ner-mpnet"
        label(ner, recipe.cache() + "/all-mpnet-base-v2", "runs/teacher/model")
    else:
        ner = "ner-minilm"
        label(ner, recipe.BASE, "models/ner")
    shared.train(py, [
        "--soft", f"runs/distil/{ner}.pt", "--soft", "runs/distil/attribution.pt",
        "--name", "newsie-student-minilm-l6", "--out", "runs/student/model", "--state", "runs/student/state",
        *args,
    ], "runs/student/train.log")
