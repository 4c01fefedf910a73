#!/usr/bin/env bash
# `make bench`: runs the benchmarks with the release binary and writes BENCHMARKS.md.
# Figures are ratios measured within one run where possible: these machines are noisy.
# Each step's JSON goes to a temporary directory; `priors-bench report` writes the Markdown from
# it, with the run's context (machine, commit, time, load averages around each step) as flags.
#   BENCH_CORPUS   labelled JSONL corpus (default data-samples/reports.jsonl)
#   BENCH_SCIFACT  BEIR SciFact directory (default ../shared/datasets/scifact)
#   BENCH_DATA     data directory for evaluation collections (default target/bench-eval)
#   BENCH_ONLY     `search`, `grpc`, `cases`, `compare`, `stream` or `scifact`: run only that step and replace its
#                  section of BENCHMARKS.md in place (the other sections are kept as they are);
#                  `scifact` is the fp32 and int8 `priors eval beir` runs and the Python peer
#   BENCH_PEER     the Python peer script of issue #13 (default ../shared/peers/python_rag_peer.py),
#                  run on SciFact after the priors evaluations in the venv of scripts/setup_peer.sh
#   BENCH_STREAM_RECORDS  records of the streaming-ingest step (default 100000)
#   BENCH_NOTE     free text added to the search latency section (e.g. that the CPU was shared)
#   BENCH_SEARCH_CHUNKS  collection sizes of the search step (default "10000 100000"; the
#                  ten-year-archive figure of issue #13 is "10000 100000 1000000", ~1 h more)
#   BENCH_QDRANT_URL  a Qdrant server's gRPC address: the search step measures the same sets
#                  again with the dense vectors there (collection priors_bench_sets, dropped
#                  first); BENCH_QDRANT_PID and BENCH_QDRANT_STORAGE (optional) name its process
#                  and storage directory on this machine, for its memory and disk
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PRIORS=target/release/priors
BENCH=target/release/priors-bench
CORPUS=${BENCH_CORPUS:-data-samples/reports.jsonl}
SCIFACT=${BENCH_SCIFACT:-../shared/datasets/scifact}
DATA=${BENCH_DATA:-target/bench-eval}
OUT=${BENCH_OUT:-BENCHMARKS.md}
ONLY=${BENCH_ONLY:-}
NOTE=${BENCH_NOTE:-}
PEER=${BENCH_PEER:-../shared/peers/python_rag_peer.py}
MODEL_DIR=.assets/models/all-MiniLM-L6-v2
case "$ONLY" in "" | search | grpc | cases | compare | stream | scifact) ;; *) echo "bench: BENCH_ONLY must be empty, search, grpc, cases, compare, stream or scifact" >&2; exit 1 ;; esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
cores=$(nproc)
mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')
when=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
load() { cut -d' ' -f1-3 /proc/loadavg; }
# Context flags of `priors-bench report`; each step adds the load averages it took.
ctx=(--machine "$cpu" --cores "$cores" --memory "$mem" --commit "$rev" --time "$when"
  --corpus "$CORPUS" --scifact "$SCIFACT" --note "$NOTE")
report() { "$BENCH" report --input "$TMP" --out "$OUT" "${ctx[@]}" "$@"; }

if [ -z "$ONLY" ]; then
echo "bench: ingest vs bare embedding over $CORPUS" >&2
load0=$(load)
"$BENCH" ingest "$CORPUS" --scratch target/bench-data > "$TMP/ingest.json"
load1=$(load)
ctx+=(--ingest-load-before "$load0" --ingest-load-after "$load1")
fi

if [ -z "$ONLY" ] || [ "$ONLY" = scifact ]; then
[ -d "$SCIFACT" ] || { echo "bench: $SCIFACT not found" >&2; exit 1; }
[ -f "$PEER" ] || { echo "bench: the peer script $PEER not found (set BENCH_PEER)" >&2; exit 1; }
# A new collection each run, so that the ingest is timed (a re-used one reports ingest_reused).
rm -rf "$DATA"/collections/beir-* "$DATA-int8"/collections/beir-*
echo "bench: SciFact (BEIR) in three modes" >&2
"$PRIORS" --data-dir "$DATA" eval beir "$SCIFACT" --mode bm25 --mode dense --mode hybrid --json > "$TMP/scifact.jsonl"

echo "bench: SciFact with the int8 model (dense and hybrid)" >&2
PRIORS__EMBEDDING__ONNX_FILE=model_int8.onnx "$PRIORS" --data-dir "$DATA-int8" eval beir "$SCIFACT" \
  --mode dense --mode hybrid --json > "$TMP/scifact-int8.jsonl"

# The peer of issue #13 (the Python stack a user would assemble instead), alone: nothing else
# of the benchmark runs while it does.
echo "bench: SciFact with the Python peer ($PEER)" >&2
bash scripts/setup_peer.sh >&2
"$BENCH" peer --python .assets/peer-venv/bin/python --script "$PEER" --dataset "$SCIFACT" \
  --model "$MODEL_DIR" > "$TMP/peer.json"
fi
if [ "$ONLY" = scifact ]; then report --only scifact; exit 0; fi

if [ -z "$ONLY" ]; then
echo "bench: staging vignettes" >&2
"$BENCH" staging --json > "$TMP/staging.json" || { echo "bench: staging below the bar" >&2; exit 1; }
echo "bench: staging vignettes written by an external author" >&2
"$BENCH" staging --vignettes crates/staging/tests/vignettes_external.jsonl --json > "$TMP/staging-external.json" ||
  { echo "bench: external staging vignettes below the bar" >&2; exit 1; }
fi

if [ -z "$ONLY" ] || [ "$ONLY" = compare ]; then
echo "bench: comparison with the patient's prior (sample, held-out synthetic, hand-made pairs)" >&2
"$BENCH" compare --corpus "$CORPUS" > "$TMP/compare.json" || { echo "bench: comparison below the bar" >&2; exit 1; }
fi
if [ "$ONLY" = compare ]; then report --only compare; exit 0; fi

if [ -z "$ONLY" ] || [ "$ONLY" = cases ]; then
echo "bench: synthetic similar cases in three modes" >&2
"$PRIORS" --data-dir "$DATA" eval cases --corpus "$CORPUS" --json > "$TMP/cases.json"
fi
if [ "$ONLY" = cases ]; then report --only cases; exit 0; fi

if [ -z "$ONLY" ] || [ "$ONLY" = grpc ]; then
echo "bench: gRPC latency (SimilarCases at 1/4/16 clients, extractive DraftImpression)" >&2
GDATA=target/bench-grpc
"$PRIORS" --data-dir "$GDATA" ingest "$CORPUS" --json > /dev/null
"$PRIORS" --data-dir "$GDATA" ingest-guidelines --json > /dev/null
gload0=$(load)
"$PRIORS" --data-dir "$GDATA" serve --addr 127.0.0.1:0 --port-file "$TMP/addr" 2> "$TMP/serve.log" &
SPID=$!
for _ in $(seq 1 600); do [ -s "$TMP/addr" ] && break; sleep 0.1; done
[ -s "$TMP/addr" ] || { cat "$TMP/serve.log" >&2; kill "$SPID" 2>/dev/null; exit 1; }
"$BENCH" grpc --addr "$(cat "$TMP/addr")" --corpus "$CORPUS" --requests 400 > "$TMP/grpc.json" || {
  kill "$SPID"; exit 1; }
kill -TERM "$SPID"; wait "$SPID" || true
gload1=$(load)
ctx+=(--grpc-load-before "$gload0" --grpc-load-after "$gload1")
fi
if [ "$ONLY" = grpc ]; then report --only grpc; exit 0; fi

if [ -z "$ONLY" ] || [ "$ONLY" = search ]; then
SIZES=${BENCH_SEARCH_CHUNKS:-10000 100000}
sizes=()
for n in $SIZES; do sizes+=(--chunks "$n"); done
if [ -n "${BENCH_QDRANT_URL:-}" ]; then
  sizes+=(--qdrant-url "$BENCH_QDRANT_URL")
  [ -z "${BENCH_QDRANT_PID:-}" ] || sizes+=(--qdrant-pid "$BENCH_QDRANT_PID")
  [ -z "${BENCH_QDRANT_STORAGE:-}" ] || sizes+=(--qdrant-storage "$BENCH_QDRANT_STORAGE")
fi
echo "bench: search latency at $SIZES chunks" >&2
sload0=$(load)
t0=$(date +%s)
"$BENCH" search --corpus "$CORPUS" --scratch target/bench-search "${sizes[@]}" --json > "$TMP/search.json"
t1=$(date +%s)
sload1=$(load)
cp "$TMP/search.json" target/bench-search/last.json
ctx+=(--search-load-before "$sload0" --search-load-after "$sload1" --search-seconds "$((t1 - t0))")
fi
if [ "$ONLY" = search ]; then report --only search; exit 0; fi

if [ -z "$ONLY" ] || [ "$ONLY" = stream ]; then
echo "bench: server memory over one IngestReports stream of small reports" >&2
SDATA=target/bench-stream
rm -rf "$SDATA"
rm -f "$TMP/saddr"
PRIORS__INGEST__COMMIT_REPORTS=256 PRIORS__SERVER__REQUEST_TIMEOUT_MS=600000 "$PRIORS" --data-dir "$SDATA" serve --addr 127.0.0.1:0 --port-file "$TMP/saddr" 2> "$TMP/sserve.log" &
SPID=$!
for _ in $(seq 1 600); do [ -s "$TMP/saddr" ] && break; sleep 0.1; done
[ -s "$TMP/saddr" ] || { cat "$TMP/sserve.log" >&2; kill "$SPID" 2>/dev/null; exit 1; }
"$BENCH" stream --addr "$(cat "$TMP/saddr")" --pid "$SPID" --records "${BENCH_STREAM_RECORDS:-100000}" \
  --commit-reports 256 > "$TMP/stream.json" || { kill "$SPID"; exit 1; }
kill -TERM "$SPID"; wait "$SPID" || true
cp "$TMP/stream.json" target/bench-stream.json
fi
if [ "$ONLY" = stream ]; then report --only stream; exit 0; fi

report
