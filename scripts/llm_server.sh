#!/usr/bin/env bash
# scripts/llm_server.sh PORT [EXTRA_FLAGS...]: runs the local OpenAI-compatible LLM server
# (llama-cpp-python, SmolLM2-135M-Instruct Q4_1, model id "smollm2") on 127.0.0.1:PORT in
# the foreground until killed. Installed by scripts/setup_llm.sh (`make llm`). Extra flags
# are appended, so they override the defaults (e.g. --n_ctx 8192, --verbose true).
# One thread by default: on 2 busy cores (tests next to cargo) ggml's spinning thread pool
# gets much slower with 2; LLM_THREADS=2 on an idle machine. --logits_all false skips the
# full-vocabulary logits of every prompt token (~20% faster prompts; no `logprobs`).
# LLM_SERVER_PRINT=1 prints the command instead of running it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${1:?usage: scripts/llm_server.sh PORT [EXTRA_FLAGS...]}
shift
cmd=("$ROOT/.assets/llm-venv/bin/python" -m llama_cpp.server
  --model "$ROOT/.assets/llm/smollm2-135m-instruct.gguf" --model_alias smollm2
  --chat_format chatml --n_ctx 4096 --logits_all false
  --n_threads "${LLM_THREADS:-1}" --n_threads_batch "${LLM_THREADS:-1}"
  --verbose false --host 127.0.0.1 --port "$PORT" "$@")
if [[ -n ${LLM_SERVER_PRINT:-} ]]; then line=$(printf '%q ' "${cmd[@]}"); echo "${line% }"; exit 0; fi
[[ -x ${cmd[0]} && -e $ROOT/.assets/llm/smollm2-135m-instruct.gguf ]] ||
  { echo "llm_server: not installed; run: make llm" >&2; exit 1; }
exec "${cmd[@]}"
