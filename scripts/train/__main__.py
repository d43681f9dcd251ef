"""scripts/train/run JOB [ARGS...] (or, from scripts/, python3 -m train JOB [ARGS...]): runs a job
from the repository's root. JOB --help: the job's steps and defaults and its trainers' flags."""
import importlib
import os
import sys

from . import recipe

JOBS = ["ner", "attribution", "stance", "shared", "teacher", "student", "places"]


def usage(out):
    print("usage: scripts/train/run JOB [ARGS...]   (from scripts/: python3 -m train JOB [ARGS...])", file=out)
    print("       scripts/train/run JOB --help      the job's steps and defaults, its trainers' flags", file=out)
    print("jobs:", file=out)
    for job in JOBS:
        summary = importlib.import_module(f".{job}", __package__).__doc__.splitlines()[0]
        print(f"  {job:<12} {summary}", file=out)


def show_help(module):
    print(module.__doc__.strip())
    if not module.TRAINERS:
        return
    py = recipe.ready_python()
    if py is None:
        print(f"\nThe flags of train.{module.TRAINERS[0]}, where extra flags go, print here once the trainers'"
              " Python is set up (the first run of a job sets it up; so does `. scripts/train/env`).")
        return
    for i, trainer in enumerate(module.TRAINERS):
        print(f"\n---- train.{trainer}" + (": extra flags go here" if i == 0 else ""), flush=True)
        recipe.sh(*recipe.trainer(py, trainer, ["--help"]), env=recipe.trainer_env())


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        usage(sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    job, args = argv[0], argv[1:]
    if job not in JOBS:
        print(f"train: no job {job!r}", file=sys.stderr)
        usage(sys.stderr)
        return 2
    module = importlib.import_module(f".{job}", __package__)
    os.chdir(recipe.ROOT)
    if "-h" in args or "--help" in args:
        return show_help(module)
    try:
        return module.main(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
