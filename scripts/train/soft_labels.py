"""A teacher's soft labels for one head over text that no evaluation reads, for the shared student:
run by the jobs teacher and student (scripts/train/run teacher | student).

Reads CoNLL-2003 train (its words), PolNeAR train (every article once) and the texts of LGL and
GeoVirus (XML, `<text>` of each article), segments what is raw text with `newsie segment` as
extract does, runs the teacher over the same windows as training, and saves, per document, its
sentences' words and the teacher's probabilities of each of the head's labels per word (first
wordpiece), fp16. Never give it CoNLL testa/testb, PolNeAR dev or the UNER files: the student is
scored on those.

The teacher is either a run of the job teacher (an MPNet folder with whole weights,
`model.safetensors`, the NER head) or a one-head newsie model folder over the MiniLM base
(`delta.safetensors`, e.g. models/attribution: the current tagger teaching the student's head).
By hand, from the repository's root, with the trainers' Python of scripts/train/env:

    . scripts/train/env && PYTHONPATH=scripts "$PY" -m train.soft_labels \\
      --base ~/.cache/newsie/all-mpnet-base-v2 \\
      --teacher runs/teacher/model --conll ../shared/data/conll2003/eng.train \\
      --polnear ../shared/data/polnear/train --xml ../shared/data/geo/lgl.xml \\
      --xml ../shared/data/geo/GeoVirus.xml --out runs/distil/ner-mpnet.pt
"""
import argparse
import json
import os
import sys
import time

import torch
from safetensors.torch import load_file
from transformers import AutoConfig

from .common import Pieces, log, make_examples, pad
from .data import HEADS, labels_of, read_conll, read_polnear, xml_docs
from .multihead import Shared


@torch.no_grad()
def label(model, head, docs, pieces, core, context, batch, device):
    """Per document, the teacher's label probabilities per word ([words, labels], fp16)."""
    model.eval()
    out = []
    for d, doc in enumerate(docs):
        tagged = [[(w, "O") for w in s] for s in doc]
        ex = make_examples([tagged], pieces, {"O": 0}, core, context, True)
        rows = []
        # windows in order, each core word's first piece in order: the document's words in order
        for k in range(0, len(ex), batch):
            ids, types, mask, sel = pad(ex[k : k + batch])
            probs = model(head, ids.to(device), types.to(device), mask.to(device)).float().softmax(-1).cpu()
            for r in range(ids.shape[0]):
                rows.append(probs[r][sel[r] != -100])
        probs = torch.cat(rows) if rows else torch.zeros(0, len(labels_of(HEADS[head])))
        assert probs.shape[0] == sum(len(s) for s in doc), "a word without a label"
        out.append(probs.to(torch.float16))
        if (d + 1) % 200 == 0:
            log(f"{d + 1} of {len(docs)} documents")
    return out


def load_teacher(base, folder):
    """The teacher model and the head it teaches (the one `task` of its newsie.json): an MPNet
    run's whole weights, or a one-head newsie folder's delta over the MiniLM base."""
    with open(os.path.join(folder, "newsie.json")) as f:
        task = json.load(f)["task"]
    tasks = [task] if isinstance(task, str) else task
    assert len(tasks) == 1, f"{folder}: a teacher teaches one head, this one has {tasks}"
    head = tasks[0]
    model = Shared(base, AutoConfig.from_pretrained(base), {head: HEADS[head]})
    whole = os.path.join(folder, "model.safetensors")
    if os.path.exists(whole):
        model.load_state_dict({k: v.float() for k, v in load_file(whole).items()})
        return model, head
    # a BertForTokenClassification delta: its classifier is this head; the word embeddings stay
    # the base's
    delta = {
        (f"heads.{head}." + k[len("classifier.") :] if k.startswith("classifier.") else k): v.float()
        for k, v in load_file(os.path.join(folder, "delta.safetensors")).items()
    }
    missing, unexpected = model.load_state_dict(delta, strict=False)
    assert not unexpected and all("word_embeddings" in k or "position_ids" in k for k in missing), (
        f"{folder}: not a delta over {base} (missing {missing}, unexpected {unexpected})"
    )
    return model, head


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsie", default="target/release/newsie")
    ap.add_argument("--base", required=True, help="the teacher's PyPI base (all-mpnet-base-v2, all-minilm-l6-v2)")
    ap.add_argument("--teacher", required=True, help="runs/teacher/model, or a one-head newsie model folder")
    ap.add_argument("--conll", action="append", default=[])
    ap.add_argument("--polnear", action="append", default=[])
    ap.add_argument("--xml", action="append", default=[])
    ap.add_argument("--out", required=True)
    ap.add_argument("--core", type=int, default=128)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--limit", type=int, default=0, help="the first N documents of each source")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"

    sources = []
    for p in args.conll:
        sources.append((p, [[[w for w, _ in s] for s in doc] for doc in read_conll(p)]))
    for p in args.polnear:
        sources.append((p, [[[w for w, _ in s] for s in doc] for doc in read_polnear(p, args.newsie, False)]))
    for p in args.xml:
        sources.append((p, xml_docs(p, args.newsie)))
    if args.limit:
        sources = [(p, docs[: args.limit]) for p, docs in sources]

    model, head = load_teacher(args.base, args.teacher)
    model.to(device)
    pieces = Pieces(os.path.join(args.base, "tokenizer.json"))

    out = {"head": head, "labels": labels_of(HEADS[head]), "teacher": args.teacher, "docs": [], "probs": [], "source": []}
    for path, docs in sources:
        t0 = time.time()
        probs = label(model, head, docs, pieces, args.core, args.context, args.batch, device)
        out["docs"] += docs
        out["probs"] += probs
        out["source"] += [os.path.basename(os.path.normpath(path))] * len(docs)
        words = sum(p.shape[0] for p in probs)
        log(f"{path}: {len(docs)} documents, {words} words in {time.time() - t0:.0f}s")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(out, args.out)
    log("saved", args.out)


if __name__ == "__main__":
    sys.exit(main())
