"""src/stages/places/ranker.json: the place ranker, fitted on LGL, GeoVirus and geo-train.xml.

Usage: scripts/train/run places [GEO_DIR]   (GEO_DIR holds lgl.xml and GeoVirus.xml; default
../shared/data/geo). tests/data/geo-train.xml is international news written for newsie.
Prints its checks: 5-fold cross-validation by article, each collection with weights fitted on the
other only, tests/data/geo-own.xml (never fitted on), calibration and misses by cause, beside the
hand-set weights. Deterministic: the same data and gazetteer give the same weights.
No Python trainer: `newsie eval ranker` (target/release/newsie, built here) fits it.
"""
import os
import sys

from . import recipe

TRAINERS = []


def main(args):
    geo = (args[0] if args else "") or "../shared/data/geo"
    for f in ("lgl.xml", "GeoVirus.xml"):
        if not os.path.isfile(f"{geo}/{f}"):
            print(f"train places: {geo}/{f} is missing", file=sys.stderr)
            return 2
    recipe.setup()
    recipe.sh("cargo", "build", "--release", "--bin", "newsie")
    recipe.sh(
        "target/release/newsie", "eval", "ranker", "--train", f"{geo}/lgl.xml", "--train", f"{geo}/GeoVirus.xml",
        "--train", "tests/data/geo-train.xml", "--check", "tests/data/geo-own.xml", "--folds", "5", "--l2", "0.0001",
        "--fit", "src/stages/places/ranker.json",
    )
