#!/usr/bin/env bash
# Installs the Python peer's packages for `make bench` under .assets/ (git-ignored); called by
# scripts/bench.sh before it runs the peer (../shared/peers/python_rag_peer.py: qdrant-client in
# local mode + Python fastembed with the same ONNX model + bm25s + RRF, issue #13). Idempotent:
# the venv's stamp holds a key of the pins and is skipped while that key matches.
#
#   .assets/peer-venv/                 venv: the peer's packages (its README's list), pinned
#   .assets/peer-venv/pip-freeze.txt   what was installed
#   .assets/stamps/peer-venv           step stamp (delete it to rebuild the venv)
#
# Everything comes from PyPI (wheels only), through the wheel cache shared with
# setup_assets.sh, so a rebuild after `rm -rf .assets` needs no download. The pins are what
# the peer was first measured with (2026-12-04).
# Needs python3 >= 3.11 with venv and PyPI access the first time.
# Environment: PYTHON (default python3), PRIORS_WHEELHOUSE to move the wheel cache.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ASSETS=$ROOT/.assets
VENV=$ASSETS/peer-venv
VPY=$VENV/bin/python
STAMPS=$ASSETS/stamps
PYTHON=${PYTHON:-python3}

# The peer README's list: bm25s PyStemmer numpy qdrant-client fastembed onnxruntime tokenizers.
PINS=(
  "bm25s==0.3.16"
  "PyStemmer==3.1.0"
  "numpy==2.4.6"
  "qdrant-client==1.20.0"
  "fastembed==0.9.1"
  "onnxruntime==1.32.0"
  "tokenizers==0.23.3"
)
# Transitive dependencies, pinned to what the direct pins resolved to when this was written.
CONSTRAINTS="
annotated-types==0.8.0
anyio==4.16.0
certifi==2026.10.19.post1
charset-normalizer==3.5.3
click==8.5.1
filelock==4.3.2
flatbuffers==25.12.19
fsspec==2026.9.0
grpcio==1.85.4
h11==0.16.0
h2==4.4.1
hf-xet==1.8.0
hpack==4.2.0
httpcore==1.0.9
httpx==0.29.0
huggingface_hub==1.33.0
hyperframe==6.1.0
idna==3.21
loguru==0.7.3
mmh3==5.3.1
packaging==26.4
pillow==13.0.0
portalocker==4.4.2
protobuf==7.36.2
py_rust_stemmers==0.1.8
pydantic==2.14.4
pydantic_core==2.50.5
PyYAML==6.0.4
requests==2.34.2
tqdm==4.70.1
typing-inspection==0.4.5
typing_extensions==4.16.0
urllib3==2.8.0
"

# WHEELS, say/die, key_of, stamp_ok/stamp_set; the .assets lock; PYVER.
SETUP_NAME=setup_peer
# shellcheck source=scripts/setup_common.sh
source "$ROOT/scripts/setup_common.sh"

VENV_KEY=$(key_of "$PYVER" "${PINS[@]}" "$CONSTRAINTS")
if stamp_ok peer-venv "$VENV_KEY" && [[ -x $VPY ]]; then
  say "venv up to date ($VENV)"
else
  say "creating venv $VENV (python $PYVER)"
  rm -rf "$VENV" "$STAMPS/peer-venv"
  "$PYTHON" -m venv "$VENV"
  printf '%s\n' "$CONSTRAINTS" >"$VENV/constraints.txt"
  pip=("$VPY" -m pip --disable-pip-version-check)
  opts=(--quiet --only-binary=:all: --no-index --find-links "$WHEELS" -c "$VENV/constraints.txt")
  say "pip install ${PINS[*]}"
  if ! "${pip[@]}" install "${opts[@]}" "${PINS[@]}" >/dev/null 2>&1; then
    mkdir -p "$WHEELS"
    "${pip[@]}" download --quiet --only-binary=:all: -d "$WHEELS" -c "$VENV/constraints.txt" "${PINS[@]}"
    "${pip[@]}" install "${opts[@]}" "${PINS[@]}"
  fi
  "${pip[@]}" check >/dev/null || die "pip check failed in $VENV (delete it and retry)"
  "$VPY" -c 'import bm25s, Stemmer, numpy, qdrant_client, fastembed, onnxruntime, tokenizers' ||
    die "the peer's packages do not import (delete $VENV and retry)"
  "${pip[@]}" freeze --all >"$VENV/pip-freeze.txt"
  stamp_set peer-venv "$VENV_KEY"
fi

say "python: $VPY"
say "OK"
