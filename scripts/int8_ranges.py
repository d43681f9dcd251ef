#!/usr/bin/env python3
"""Writes a model folder's int8_ranges.safetensors: the largest |value| of each channel at the
input of each matrix product of its fp32 graph, over the text files given.

    int8_ranges.py MODEL_DIR BASE_DIR TEXT_FILE...

scripts/export_onnx.py reads the file, when the folder has one, to quantise with less loss: the
channels with the largest values (a few of LayerNorm's and GELU's outputs reach ten times the
others, and one scale per tensor would spend the 8 bits on them) are multiplied in fp32, the
others brought to one range before their int8 product. Calibrate on text like the model's own
(the shipped models: 60 PolNeAR train articles); the ranges are maxima, not the text.
Needs numpy, onnx and onnxruntime (scripts/setup's onnx tools).
"""
import json
import os
import re
import struct
import sys
import unicodedata

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_onnx  # noqa: E402
from train.windows import casing  # noqa: E402  (newsie's casing classes, checked against the Rust)

WORD = re.compile(r"\w+|[^\w\s]")
WINDOW = 254


class WordPiece:
    """BERT's uncased wordpieces of one word (lower case, no accents, longest match first)."""

    def __init__(self, vocab_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.vocab = {t.rstrip("\n"): i for i, t in enumerate(f)}

    def __call__(self, word):
        w = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")
        out, at = [], 0
        while at < len(w):
            end = len(w)
            while end > at and (("##" if at else "") + w[at:end]) not in self.vocab:
                end -= 1
            if end == at:
                return [self.vocab["[UNK]"]]
            out.append(self.vocab[("##" if at else "") + w[at:end]])
            at = end
        return out[:16] or [self.vocab["[UNK]"]]


def windows(text, pieces):
    """Consecutive windows of at most WINDOW pieces, with [CLS], [SEP] and casing types."""
    cls, sep = pieces.vocab["[CLS]"], pieces.vocab["[SEP]"]
    ids, types = [], []
    for word in WORD.findall(text):
        p = pieces(word)
        if len(ids) + len(p) > WINDOW:
            yield [cls] + ids + [sep], [0] + types + [0]
            ids, types = [], []
        ids += p
        types += [casing(word)] * len(p)
    if ids:
        yield [cls] + ids + [sep], [0] + types + [0]


def product_inputs(layers):
    """The inputs of the MatMuls export_onnx.smooth rewrites, by the names build gives them."""
    return [f"l{i}_{t}" for i in range(layers) for t in ("att", "x1", "gelu")]


def write_safetensors(path, arrays):
    header, blobs, at = {}, [], 0
    for name, arr in arrays.items():
        raw = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [at, at + len(raw)]}
        blobs.append(raw)
        at += len(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    model_dir, base_dir, texts = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    manifest, w = export_onnx.weights(model_dir, base_dir)
    model = export_onnx.build(config, manifest, w)
    names = product_inputs(config["num_hidden_layers"])
    for n in names:
        model.graph.output.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, None))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = os.cpu_count() or 1
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    vocab = os.path.join(model_dir, "vocab.txt")
    pieces = WordPiece(vocab if os.path.isfile(vocab) else os.path.join(base_dir, "vocab.txt"))
    ranges = {n: None for n in names}
    for path in texts:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for ids, types in windows(text, pieces):
            ids, types = np.array([ids], dtype=np.int64), np.array([types], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": types}
            for n, v in zip(names, session.run(names, feed)):
                m = np.abs(v).reshape(-1, v.shape[-1]).max(0)
                ranges[n] = m if ranges[n] is None else np.maximum(ranges[n], m)
    out = os.path.join(model_dir, export_onnx.RANGES)
    write_safetensors(out, ranges)
    print(f"{out}: {len(names)} tensors from {len(texts)} texts", file=sys.stderr)


if __name__ == "__main__":
    main()
