#!/usr/bin/env python3
"""Writes a newsie model folder as ONNX graphs for `--backend onnx`, int8 and fp32.

    export_onnx.py MODEL_DIR BASE_DIR OUT_DIR

writes OUT_DIR/KEY-int8.onnx and OUT_DIR/KEY-fp32.onnx (kept where they exist), KEY the first
16 hex digits of the SHA-256 of this script, the folder's config.json, newsie.json (if any) and
weight files, in that order: what `newsie --backend onnx` looks for (src/model/onnx.rs).

MODEL_DIR is a folder as `newsie` loads it (config.json, newsie.json, weight files laid over the
base encoder in BASE_DIR, or a plain model.safetensors), and int8_ranges.safetensors where it has
one (scripts/int8_ranges.py), which the key covers too. The graph is BERT as rust-bert computes
it (embeddings, post-norm layers, erf GELU, a mask of -10000) written with ONNX Runtime's fused
CPU operators (Attention, SkipLayerNormalization, BiasGelu), one softmax output per head
(`probs_0`, `probs_1`, ...), inputs `input_ids`, `attention_mask`, `token_type_ids` (int64,
batch x length). int8: ONNX Runtime's dynamic quantisation of the matrix products, 7-bit weights per
output channel; the operator types of newsie.json's "int8_ops" (default MatMul and Attention).
With the folder's activation ranges, the int8 graph is first rewritten to the same products with
less quantisation loss (`smooth`); the fp32 graph is never rewritten.
Needs numpy, onnx and onnxruntime (scripts/setup makes a venv with them).
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "BF16": None}
RANGES = "int8_ranges.safetensors"
# Chosen by agreement with the fp32 graph on PolNeAR train articles the ranges were not taken
# from and on UNER-EWT dev: how much of each range moves from activations to weights (0.8), how
# many of an input's largest channels are multiplied in fp32 (4), and which feed-forward products
# are rewritten at all: those whose input's largest channel range is at least 6 times its median
# channel's (the others gained nothing and each rewrite costs about 1% of the time).
ALPHA, OUTLIERS, SKEW = 0.8, 4, 6.0


def read_safetensors(path):
    """{name: array} of a safetensors file, without the safetensors package."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        lo, hi = meta["data_offsets"]
        raw = data[lo:hi]
        if meta["dtype"] == "BF16":
            u = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
            arr = u.view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[meta["dtype"]])
        out[name] = arr.reshape(meta["shape"])
    return out


def weights(model_dir, base_dir):
    """The model's variables by rust-bert's names, as newsie's loader lays the files over each
    other: the base's names gain `bert.`, later files override, NAME.rows + NAME.values replace
    rows of NAME."""
    manifest = {}
    if os.path.isfile(os.path.join(model_dir, "newsie.json")):
        with open(os.path.join(model_dir, "newsie.json")) as f:
            manifest = json.load(f)
    files = []
    if manifest.get("base"):
        files.append(os.path.join(base_dir, "model.safetensors"))
    files += [os.path.join(model_dir, w) for w in manifest.get("weights", [])] or [
        os.path.join(model_dir, "model.safetensors")
    ]
    found = {}
    for path in files:
        found.update(read_safetensors(path))
    w = {}
    for name, arr in found.items():
        if name.endswith(".rows") or name.endswith(".values"):
            continue
        key = name if name.startswith(("bert.", "classifier.", "heads.")) else "bert." + name
        w[key] = arr.astype(np.float32) if arr.dtype != np.int64 else arr
    for name in list(w):
        rows, values = found.get(name + ".rows"), found.get(name + ".values")
        if rows is None:
            rows, values = found.get(name[5:] + ".rows"), found.get(name[5:] + ".values")
        if rows is not None:
            w[name] = w[name].copy()
            w[name][rows.astype(np.int64)] = values.astype(np.float32)
    return manifest, w


def heads(manifest, config, w):
    """[(weight name prefix, labels)] in the order newsie reads the heads."""
    tasks = manifest.get("task")
    if isinstance(tasks, list) or manifest.get("heads"):
        tasks = tasks if isinstance(tasks, list) else [tasks]
        return [(f"heads.{t}", len(manifest["heads"][t])) for t in tasks]
    return [("classifier", len(config["id2label"]))]


def build(config, manifest, w):
    hidden = config["hidden_size"]
    n_heads = config["num_attention_heads"]
    eps = float(config.get("layer_norm_eps", 1e-12))
    if config.get("hidden_act", "gelu") != "gelu":
        sys.exit(f"hidden_act {config.get('hidden_act')}: only gelu is written")
    inits, nodes = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def node(op, ins, outs, domain=None, **attrs):
        nodes.append(helper.make_node(op, ins, outs, domain=domain, **attrs))
        return outs[0]

    def matmul(name, value, weight):
        """value times the transposed Linear weight of that name."""
        return node("MatMul", [value, const(name + "_w", w[weight].T)], [name])

    def add_norm(name, value, residual, prefix):
        """LayerNorm(value + dense bias + residual), the norm and bias those under prefix."""
        return node(
            "SkipLayerNormalization",
            [
                value,
                residual,
                const(name + "_g", w[prefix + "LayerNorm.weight"]),
                const(name + "_b", w[prefix + "LayerNorm.bias"]),
                const(name + "_bias", w[prefix + "dense.bias"]),
            ],
            [name],
            domain="com.microsoft",
            epsilon=eps,
        )

    e = "bert.embeddings."
    const("word", w[e + "word_embeddings.weight"])
    const("pos", w[e + "position_embeddings.weight"])
    const("type", w[e + "token_type_embeddings.weight"])
    node("Gather", ["word", "input_ids"], ["we"])
    node("Gather", ["type", "token_type_ids"], ["te"])
    # the rows 0..length-1 of the position table
    node("Shape", ["input_ids"], ["shape"])
    const("zero_i", np.array([0], dtype=np.int64))
    const("one_i", np.array([1], dtype=np.int64))
    const("two_i", np.array([2], dtype=np.int64))
    node("Slice", ["shape", "one_i", "two_i"], ["length"])
    node("Slice", ["pos", "zero_i", "length", "zero_i"], ["pe"])
    node("Add", ["we", "te"], ["wte"])
    node("Add", ["wte", "pe"], ["emb"])
    x = node(
        "LayerNormalization",
        ["emb", const("emb_g", w[e + "LayerNorm.weight"]), const("emb_b", w[e + "LayerNorm.bias"])],
        ["x0"],
        axis=-1,
        epsilon=eps,
    )
    node("Cast", ["attention_mask"], ["mask32"], to=TensorProto.INT32)
    for i in range(config["num_hidden_layers"]):
        p = f"bert.encoder.layer.{i}."
        a = p + "attention.self."
        qkv_w = np.concatenate([w[a + k + ".weight"].T for k in ("query", "key", "value")], axis=1)
        qkv_b = np.concatenate([w[a + k + ".bias"] for k in ("query", "key", "value")])
        att = node(
            "Attention",
            [x, const(f"l{i}_qkv_w", qkv_w), const(f"l{i}_qkv_b", qkv_b), "mask32"],
            [f"l{i}_att"],
            domain="com.microsoft",
            num_heads=n_heads,
            mask_filter_value=-10000.0,
        )
        o = p + "attention.output."
        x1 = add_norm(f"l{i}_x1", matmul(f"l{i}_ao", att, o + "dense.weight"), x, o)
        inter = matmul(f"l{i}_in", x1, p + "intermediate.dense.weight")
        act = node(
            "BiasGelu",
            [inter, const(f"l{i}_in_b", w[p + "intermediate.dense.bias"])],
            [f"l{i}_gelu"],
            domain="com.microsoft",
        )
        x = add_norm(f"l{i}_x", matmul(f"l{i}_out", act, p + "output.dense.weight"), x1, p + "output.")
    outputs = []
    for k, (prefix, n_labels) in enumerate(heads(manifest, config, w)):
        logits = matmul(f"h{k}_mm", x, prefix + ".weight")
        logits = node("Add", [logits, const(f"h{k}_b", w[prefix + ".bias"])], [f"h{k}_logits"])
        node("Softmax", [logits], [f"probs_{k}"], axis=-1)
        outputs.append(helper.make_tensor_value_info(f"probs_{k}", TensorProto.FLOAT, ["batch", "length", n_labels]))
    inputs = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "length"])
        for n in ("input_ids", "attention_mask", "token_type_ids")
    ]
    graph = helper.make_graph(nodes, "newsie-bert", inputs, outputs, inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
        producer_name="newsie scripts/export_onnx.py",
    )
    model.ir_version = 8
    return model


def smooth(model, ranges, ops):
    """Rewrites the MatMuls X W of each layer as (X / s)(s W), s per input channel from the
    activation ranges and the weights (SmoothQuant), so that one scale per activation tensor
    fits all its channels; the OUTLIERS largest channels of a skewed feed-forward product's
    input are taken out of the int8 product and multiplied in fp32. X / s is folded into the value
    projection for the attention output, a Mul for the feed-forward products (their X is also a
    residual or a GELU output). The Attention operator's input is left as it is: smoothing it
    changed nothing measurable. Returns the names of the fp32 products, to be left out of
    quantisation."""
    init = {t.name: t for t in model.graph.initializer}
    for n in model.graph.node:
        n.name = n.name or n.output[0]
    nodes = {n.name: n for n in model.graph.node}
    ahead, after, fp32 = {}, {}, []

    def get(name):
        return numpy_helper.to_array(init[name]).astype(np.float32)

    def put(name, arr):
        if name in init:
            init[name].CopyFrom(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        else:
            arr = arr if arr.dtype == np.int64 else arr.astype(np.float32)
            init[name] = numpy_helper.from_array(np.ascontiguousarray(arr), name)
            model.graph.initializer.append(init[name])
        return name

    def scales(x_max, weight):
        w_max = np.abs(weight).max(1)
        return np.maximum(x_max, 1e-5) ** ALPHA / np.maximum(w_max, 1e-5) ** (1 - ALPHA)

    def before(consumer, op, ins, out, **attrs):
        ahead.setdefault(consumer, []).append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    layers = sum(1 for n in nodes if n.endswith("_att"))
    for i in range(layers if "MatMul" in ops else 0):
        # the attention output is linear in the values, channel by channel
        qkv, qkv_b = get(f"l{i}_qkv_w"), get(f"l{i}_qkv_b")
        hidden = qkv.shape[0]
        s = scales(ranges[f"l{i}_att"], get(f"l{i}_ao_w"))
        qkv[:, 2 * hidden :] /= s
        qkv_b[2 * hidden :] /= s
        put(f"l{i}_qkv_w", qkv)
        put(f"l{i}_qkv_b", qkv_b)
        put(f"l{i}_ao_w", get(f"l{i}_ao_w") * s[:, None])
        for k in ("in", "out"):
            mm = nodes[f"l{i}_{k}"]
            if ranges[mm.input[0]].max() < SKEW * np.median(ranges[mm.input[0]]):
                continue
            # the int8 product gets a name of its own; the sum of both takes its output
            out, mm.name = mm.output[0], f"l{i}_{k}_int8"
            x, weight = mm.input[0], get(f"l{i}_{k}_w")
            s, big = scales(ranges[x], weight), np.argsort(-ranges[x])[:OUTLIERS]
            inv = 1 / s
            gathered = before(mm.name, "Gather", [x, put(f"l{i}_{k}_big", big.astype(np.int64))], f"l{i}_{k}_bx", axis=-1)
            fp32.append(before(mm.name, "MatMul", [gathered, put(f"l{i}_{k}_bw", weight[big])], f"l{i}_{k}_by"))
            weight[big], inv[big] = 0, 0
            put(f"l{i}_{k}_w", weight * s[:, None])
            mm.input[0] = before(mm.name, "Mul", [x, put(f"l{i}_{k}_inv", inv)], f"l{i}_{k}_xs")
            mm.output[0] = mm.name
            after.setdefault(mm.name, []).append(
                helper.make_node("Add", [mm.output[0], f"l{i}_{k}_by"], [out], name=out)
            )
    order = list(model.graph.node)
    del model.graph.node[:]
    for n in order:
        model.graph.node.extend(ahead.get(n.name, []))
        model.graph.node.append(n)
        model.graph.node.extend(after.get(n.name, []))
    return fp32


def key(model_dir, manifest):
    h = hashlib.sha256()
    with open(os.path.abspath(__file__), "rb") as f:
        h.update(f.read())
    files = [os.path.join(model_dir, "config.json")]
    if os.path.isfile(os.path.join(model_dir, "newsie.json")):
        files.append(os.path.join(model_dir, "newsie.json"))
    files += [os.path.join(model_dir, w) for w in manifest.get("weights", [])] or [
        os.path.join(model_dir, "model.safetensors")
    ]
    if os.path.isfile(os.path.join(model_dir, RANGES)):
        files.append(os.path.join(model_dir, RANGES))
    for path in files:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, base_dir, out_dir = sys.argv[1:]
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    manifest, w = weights(model_dir, base_dir)
    k = key(model_dir, manifest)
    fp32, int8 = (os.path.join(out_dir, f"{k}-{kind}.onnx") for kind in ("fp32", "int8"))
    if os.path.isfile(fp32) and os.path.isfile(int8):
        return
    model = build(config, manifest, w)
    onnx.checker.check_model(model)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, fp32 + ".tmp")
    ops = manifest.get("int8_ops", ["MatMul", "Attention"])
    keep_fp32 = []
    if os.path.isfile(os.path.join(model_dir, RANGES)):
        keep_fp32 = smooth(model, read_safetensors(os.path.join(model_dir, RANGES)), ops)
        onnx.checker.check_model(model)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # the fused operators' outputs have no inferred type: they are float
    quantize_dynamic(
        model,
        int8 + ".tmp",
        weight_type=QuantType.QInt8,
        per_channel=True,
        # 7-bit weights: an AVX2 CPU without VNNI multiplies unsigned by signed bytes in pairs
        # summed to 16 bits, which 8-bit weights can overflow; 7 never do, so every x86 CPU
        # computes the same integers
        reduce_range=True,
        # the embedding tables stay fp32: one scale for 30k rows loses rare words; a model's
        # newsie.json may keep its attention fp32 too ("int8_ops": ["MatMul"])
        op_types_to_quantize=ops,
        nodes_to_exclude=keep_fp32,
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )
    os.replace(int8 + ".tmp", int8)
    os.replace(fp32 + ".tmp", fp32)
    print(f"{model_dir}: {int8}, {fp32}", file=sys.stderr)


if __name__ == "__main__":
    main()
