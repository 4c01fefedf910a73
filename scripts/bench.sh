#!/usr/bin/env bash
# `make bench`: runs the benchmarks with the release binary and writes BENCHMARKS.md.
# Figures are ratios measured within one run where possible: these machines are noisy.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PRIORS=target/release/priors
CORPUS=${BENCH_CORPUS:-data-samples/reports.jsonl}
OUT=${BENCH_OUT:-BENCHMARKS.md}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
cores=$(nproc)
mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')
when=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

echo "bench: ingest vs bare embedding over $CORPUS" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ingest_json=$("$PRIORS" bench ingest "$CORPUS" --scratch target/bench-data)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$ingest_json" >&2

python3 - "$ingest_json" "$OUT" "$cpu" "$cores" "$mem" "$when" "$rev" "$CORPUS" "$load_before" "$load_after" <<'PY'
import json, sys
j = json.loads(sys.argv[1]); out, cpu, cores, mem, when, rev, corpus, load0, load1 = sys.argv[2:11]
b1, b2 = j["bare_seconds"]
md = f"""# Benchmarks

Made by `make bench` (`scripts/bench.sh`); every figure below comes from that command.
Machine: {cpu}, {cores} cores, {mem}; commit `{rev}`; {when}.
Load average (1/5/15 min) before: {load0}; after: {load1}. The machines are shared and noisy:
compare figures measured in the same run (the ratios), not across runs.

## Ingest throughput vs bare embedding

Command: `target/release/priors bench ingest {corpus}` (release build, fp32 all-MiniLM-L6-v2,
ONNX Runtime 1.31.1 on CPU, {j['workers']} model sessions).

In one process and over the same {j['chunks']} chunk texts ({j['reports']} reports, {j['tokens']} model
tokens): a bare embedding pass with every session busy, a full ingest (parse, section, extract,
chunk, embed, Qdrant upsert + flush, Tantivy index + commit, journal) into a fresh data
directory, then a second bare pass. The bare rate is the mean of the two passes
({b1:.1f} s and {b2:.1f} s).

| measure | bare embedding | ingest |
|---|---|---|
| chunks/s | {j['bare_chunks_per_s']:.1f} | {j['ingest_chunks_per_s']:.1f} |
| tokens/s | {j['bare_tokens_per_s']:.0f} | {j['ingest_tokens_per_s']:.0f} |
| reports/s | | {j['ingest_reports_per_s']:.1f} |
| seconds | {(b1+b2)/2:.1f} | {j['ingest_seconds']:.1f} |

**Ingest rate ÷ bare embedding rate: {j['ratio']:.2f}** (goal ≥ 0.85).
"""
open(out, "w").write(md)
print(f"wrote {out}", file=sys.stderr)
PY
