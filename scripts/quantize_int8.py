#!/usr/bin/env python3
"""Dynamic int8 quantisation of the exported all-MiniLM-L6-v2 ONNX model (optional).

onnxruntime.quantization.quantize_dynamic, per-channel, MatMul only: weights become
int8 with one scale per output channel, activations are quantised on the fly. Writes
model_int8.onnx next to model.onnx and reports its cosine vs the fp32 model (both at
ORT_ENABLE_ALL) on the fixture texts. The fp32 model.onnx stays the default.

Usage: .assets/venv/bin/python scripts/quantize_int8.py [--model-dir DIR] [--min-cos 0.98]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = REPO_ROOT / ".assets/models/all-MiniLM-L6-v2"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, default=DEFAULT_DIR, help="directory holding model.onnx")
    ap.add_argument("--min-cos", type=float, default=0.98, help="fail if any text falls below this cosine (default %(default)s)")
    args = ap.parse_args()

    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    # quantize_dynamic logs a "consider pre-processing" hint through the root logger
    logging.getLogger().setLevel(logging.ERROR)

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import reference_vectors as refmod

    src = args.model_dir / "model.onnx"
    dst = args.model_dir / "model_int8.onnx"
    tmp = args.model_dir / "model_int8.onnx.tmp"
    t0 = time.perf_counter()
    quantize_dynamic(
        src,
        tmp,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
        weight_type=QuantType.QInt8,
    )
    tmp.replace(dst)
    print(f"  wrote {dst} ({dst.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")

    tok = refmod.load_tokenizer(args.model_dir)
    texts = refmod.TEXTS
    fp32 = refmod.ort_embed(refmod.ort_session(src), tok, texts, batched=False)
    int8_sess = refmod.ort_session(dst)
    cos_min = 1.0
    for batched in (False, True):
        int8 = refmod.ort_embed(int8_sess, tok, texts, batched=batched)
        _, mn = refmod.cosine_report(f"int8 vs fp32 ({'padded batch' if batched else 'one at a time'})", int8, fp32)
        cos_min = min(cos_min, mn)
    if cos_min < args.min_cos:
        print(f"FAILED: int8 min cosine {cos_min:.6f} < {args.min_cos}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
