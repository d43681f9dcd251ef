"""The steps the jobs share: the repository's folders, scripts/setup, the trainers' Python (the $PY of
scripts/train/env), the newsie binary, and running a trainer with its output copied to a log.

Standard library only: the jobs run under the system python3 (scripts/train/run), the trainers
(train.tagger, train.multihead, train.soft_labels) under the Python that scripts/train/env picks.
Every path here is relative to the repository's root, where scripts/train/run starts the jobs.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(ROOT, "scripts")
BASE = ".deps/all-minilm-l6-v2"  # the PyPI base encoder, linked by scripts/setup


def data():
    """The training data: $NEWSIE_DATA, else ../shared/data."""
    return os.environ.get("NEWSIE_DATA") or "../shared/data"


def cache():
    """The newsie cache: $NEWSIE_CACHE, else $XDG_CACHE_HOME/newsie, else ~/.cache/newsie."""
    return os.environ.get("NEWSIE_CACHE") or (
        (os.environ.get("XDG_CACHE_HOME") or os.environ["HOME"] + "/.cache") + "/newsie"
    )


def sh(*cmd, **kw):
    """Runs a command; a failure ends the job with its exit status (as `set -e` does)."""
    end_on_failure(subprocess.run(cmd, **kw).returncode)


def end_on_failure(rc):
    """Ends the job with a command's exit status unless it is 0 (killed by signal N: 128 + N)."""
    if rc:
        sys.exit(rc if rc > 0 else 128 - rc)


def setup():
    """scripts/setup: libtorch, the base encoder, the gazetteer (a no-op once done)."""
    sh("scripts/setup")


def python():
    """The trainers' Python: scripts/train/env's $PY (the venv made and filled on first use)."""
    env = subprocess.run(
        ["bash", "-c", 'set -euo pipefail; . scripts/train/env >&2; printf %s "$PY"'],
        stdout=subprocess.PIPE,
        text=True,
    )
    end_on_failure(env.returncode)
    return env.stdout


def ready_python():
    """scripts/train/env's $PY where it needs nothing made or installed, else None (for --help)."""
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if subprocess.run(["python3", "-c", "import torch, transformers, tokenizers, safetensors"], **quiet).returncode == 0:
        return "python3"
    venv = cache() + "/train-venv/bin/python"
    if os.access(venv, os.X_OK) and subprocess.run([venv, "-c", "import torch, transformers"], **quiet).returncode == 0:
        return venv
    return None


def newsie():
    """target/release/newsie, built when it is not there (the trainers read PolNeAR and the XML
    texts through `newsie segment`)."""
    if not os.access("target/release/newsie", os.X_OK):
        sh("cargo", "build", "--release", "--bin", "newsie")


def trainer(py, module, args):
    """The command that runs a trainer of this package (tagger, multihead, soft_labels) under py."""
    return [py, "-m", f"train.{module}", *args]


def trainer_env():
    """The environment for a trainer: PYTHONPATH with scripts/ first, so that `-m train.…` finds
    this package from any folder."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (SCRIPTS, os.environ.get("PYTHONPATH")) if p))


def run(cmd, log, append=False):
    """Runs cmd (with trainer_env()) with its stdout and stderr going to the terminal and to the
    file log too, as `cmd 2>&1 | tee [-a] log`; a failure ends the job with its exit status."""
    with open(log, "ab" if append else "wb") as f:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=trainer_env())
        try:
            while chunk := p.stdout.read1(1 << 16):
                for out in (sys.stdout.buffer, f):
                    out.write(chunk)
                    out.flush()
        except KeyboardInterrupt:
            pass  # the trainer has the same interrupt: its exit status follows
        rc = p.wait()
    end_on_failure(rc)


def soft_labels(py, base, teacher, out, log):
    """A teacher's soft labels over CoNLL-2003 train, PolNeAR train and the LGL and GeoVirus texts
    (train.soft_labels), for the student: jobs teacher and student."""
    d = data()
    run(
        trainer(py, "soft_labels", [
            "--base", base, "--teacher", teacher,
            "--conll", f"{d}/conll2003/eng.train", "--polnear", f"{d}/polnear/train",
            "--xml", f"{d}/geo/lgl.xml", "--xml", f"{d}/geo/GeoVirus.xml", "--out", out,
        ]),
        log,
        append=True,
    )
