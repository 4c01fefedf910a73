#!/usr/bin/env bash
# `make bench`: runs the benchmarks with the release binary and writes BENCHMARKS.md.
# Figures are ratios measured within one run where possible: these machines are noisy.
#   BENCH_CORPUS   labelled JSONL corpus (default data-samples/reports.jsonl)
#   BENCH_SCIFACT  BEIR SciFact directory (default ../shared/datasets/scifact)
#   BENCH_DATA     data directory for evaluation collections (default target/bench-eval)
#   BENCH_ONLY     `search`, `grpc` or `cases`: run only that step and replace its section of
#                  BENCHMARKS.md in place (the other sections are kept as they are)
#   BENCH_NOTE     free text added to the search latency section (e.g. that the CPU was shared)
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
case "$ONLY" in "" | search | grpc | cases) ;; *) echo "bench: BENCH_ONLY must be empty, search, grpc or cases" >&2; exit 1 ;; esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
cores=$(nproc)
mem=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')
when=$(date -u +%Y-%m-%dT%H:%MZ)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [ -z "$ONLY" ]; then
echo "bench: ingest vs bare embedding over $CORPUS" >&2
load0=$(load)
"$BENCH" ingest "$CORPUS" --scratch target/bench-data > "$TMP/ingest.json"
load1=$(load)

echo "bench: SciFact (BEIR) in three modes" >&2
[ -d "$SCIFACT" ] || { echo "bench: $SCIFACT not found" >&2; exit 1; }
"$PRIORS" --data-dir "$DATA" eval beir "$SCIFACT" --mode bm25 --mode dense --mode hybrid --json > "$TMP/scifact.jsonl"

echo "bench: SciFact with the int8 model (dense and hybrid)" >&2
PRIORS__EMBEDDING__ONNX_FILE=model_int8.onnx "$PRIORS" --data-dir "$DATA-int8" eval beir "$SCIFACT" \
  --mode dense --mode hybrid --json > "$TMP/scifact-int8.jsonl"


echo "bench: staging vignettes" >&2
"$BENCH" staging > "$TMP/staging.md" || { echo "bench: staging below the bar" >&2; exit 1; }
fi

# Replace the section titled $2 of $OUT by the file $1 (or append it), keep the rest.
replace_section() {
  python3 - "$1" "$OUT" "$2" <<'PY'
import sys, pathlib, re
src, out, title = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
section = src.read_text().strip() + "\n"
old = out.read_text() if out.exists() else "# Benchmarks\n"
m = re.search(r"^## " + re.escape(title) + r"\n.*?(?=^## |\Z)", old, flags=re.S | re.M)
if m:
    new = old[: m.start()] + section + ("\n" if old[m.end():] else "") + old[m.end():]
else:
    new = old.rstrip("\n") + "\n\n" + section
out.write_text(new)
print(f"updated the '{title}' section of {out}", file=sys.stderr)
PY
}

if [ -z "$ONLY" ] || [ "$ONLY" = cases ]; then
echo "bench: synthetic similar cases in three modes" >&2
"$PRIORS" --data-dir "$DATA" eval cases --corpus "$CORPUS" --json > "$TMP/cases.json"
python3 - "$TMP" "$CORPUS" <<'PY'
import json, sys, pathlib
tmp, corpus = pathlib.Path(sys.argv[1]), sys.argv[2]
cases = json.loads((tmp / "cases.json").read_text())["modes"]
rows = "\n".join(
    f"| {c['mode']} | {c['cancer_type_p@5']:.3f} | {c['cancer_family_p@5']:.3f} | {c['stage_group_p@5']:.3f} |"
    for c in cases
)
modes = [c["mode"] for c in cases]
tps = sorted(cases[0]["cancer_type_p@5_by_timepoint"])
tp_rows = "\n".join(
    f"| {tp} | " + " | ".join(f"{c['cancer_type_p@5_by_timepoint'][tp]:.3f}" for c in cases) + " |"
    for tp in tps
)
types = sorted(cases[0]["cancer_type_p@5_by_type"])
ty_rows = "\n".join(
    f"| {t} | " + " | ".join(f"{c['cancer_type_p@5_by_type'][t]:.3f}" for c in cases) + " |"
    for t in types
)
head = " | ".join(modes)
sep = "|".join("---" for _ in modes)
hyb = next(c["cancer_type_p@5"] for c in cases if c["mode"] == "hybrid")
target = "met" if hyb >= 0.90 else "**not met**"
# What a retriever gets that finds only same-family reports (own patient excluded) but cannot
# tell the types of a family apart (computed by `eval cases` from the labels).
ceiling = json.loads((tmp / "cases.json").read_text())["family_ceiling_p@5"]
md = f"""## Retrieval quality: synthetic similar cases

Command: `target/release/priors eval cases --corpus {corpus}`. Each labelled report's findings
is the query, its own patient excluded (`priors similar`); precision@5 of hits with the same
`cancer_type` label, with the same diagnostic family (the three lymphomas are one family, the
five benign mimics another, each solid tumour its own), and with the same stage group (I–IV)
among reports that have a stage.

| mode | same cancer type P@5 | same family P@5 | same stage group P@5 |
|---|---|---|---|
{rows}

The target for hybrid same-cancer-type precision@5 is ≥ 0.90: {target}. Where it is lost
(same cancer type P@5 by the query's time point and by its cancer type):

| time point | {head} |
|---|{sep}|
{tp_rows}

| cancer type | {head} |
|---|{sep}|
{ty_rows}

Findings alone rarely tell the lymphoma subtypes apart, nor one benign mimic from another, and
surveillance or response scans describe mostly normal organs; the report's indication names
the diagnosis but is, by the definition of this evaluation, not part of the query. A bound,
computed from the labels alone: a retriever that returned only reports of the query's family
(own patient excluded) but could not tell the types within a family apart would score
{ceiling:.3f} — so ≥ 0.90 needs the findings to separate DLBCL from follicular from Hodgkin
lymphoma, and infection from sarcoidosis from post-radiation change, which these reports (like
real ones) mostly do not.

Measured and dropped: a query of the abnormal sentences only (hybrid 0.55 → 0.49), one search
per findings chunk fused by RRF (0.55 → 0.50), the centroid of the report's stored chunk
vectors instead of an embedding of its findings (dense 0.46 → 0.30), per-engine weights (BM25
×2 or ×4, RRF k = 10) tried on a separate synthetic corpus (`priors synth --seed 101 --patients
150`): +0.02 at best there. Indication + findings as the query (not this evaluation's
definition; measured once to size the product question): hybrid 0.67, BM25 0.78 — the lymphoma
subtypes stay at 0.61 or below even then. Adopted: BM25 keeps the 24 query terms of highest query
frequency × idf (`retrieval.bm25_max_terms`, chosen as Lucene's default of 25 before measuring,
for latency); on this set hybrid went 0.553 → 0.571 with it (all terms: 0.553; 16: 0.569; 32:
0.565; 48: 0.563).
"""
(tmp / "cases.md").write_text(md)
PY
fi
if [ "$ONLY" = cases ]; then replace_section "$TMP/cases.md" "Retrieval quality: synthetic similar cases"; exit 0; fi

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
python3 - "$TMP" "$CORPUS" "$gload0" "$gload1" "$cpu" "$cores" "$rev" "$when" <<'PY'
import json, sys, pathlib
tmp, corpus, l0, l1, cpu, cores, rev, when = sys.argv[1:9]
tmp = pathlib.Path(tmp)
g = json.loads((tmp / "grpc.json").read_text())
rows = "\n".join(
    f"| {s['scenario']} | {s['clients']} | {s['requests']} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {s['throughput_rps']:.1f} |"
    for s in g["similar_cases"] + [g["draft_extractive"]]
)
md = f"""## gRPC latency

Command: `target/release/priors serve` over the sample corpus and the guideline passages, and
`target/release/priors-bench grpc --addr … --corpus {corpus} --requests 400` on the same machine
({cpu}, {cores} cores; commit `{rev}`; {when}; load average before {l0}, after {l1}).
Queries are the findings sections of the corpus (about 240 model tokens each), so every call
embeds a long query; each client has its own HTTP/2 connection. Latency is per call, from
the client: for DraftImpression, from the request to the `final` event (retrieval of 5 prior
cases and the guideline passages, staging rules, extractive drafting, verification).

| call | concurrent clients | calls | p50 ms | p99 ms | calls/s |
|---|---|---|---|---|---|
{rows}

On 2 cores throughput stops growing beyond a few clients (the query embedding of each call
runs on one core); more clients queue, which shows in p50 and p99, not in throughput.

Two fixes found by this benchmark (commits after `c24738a`, one client, p50): the server did
not set TCP_NODELAY on accepted connections (tonic's `Server::tcp_nodelay` does not reach a
listener passed to `serve_with_incoming`), so each reply waited on Nagle's algorithm and the
client's delayed ACK: SimilarCases 76.0 → 33.7 ms, about the in-process search with its query
embedding. DraftImpression embedded its query twice (reports, then guideline passages) and now
embeds it once: 73.6 → 36.6 ms.
"""
(tmp / "grpc.md").write_text(md)
PY
fi
if [ "$ONLY" = grpc ]; then replace_section "$TMP/grpc.md" "gRPC latency"; exit 0; fi

if [ -z "$ONLY" ] || [ "$ONLY" = search ]; then
echo "bench: search latency at 10k and 100k chunks" >&2
sload0=$(load)
t0=$(date +%s)
"$BENCH" search --corpus "$CORPUS" --scratch target/bench-search --json > "$TMP/search.json"
t1=$(date +%s)
sload1=$(load)
cp "$TMP/search.json" target/bench-search/last.json

# The search latency section, on its own (it can be refreshed alone with BENCH_ONLY=search).
python3 - "$TMP" "$cpu" "$cores" "$mem" "$when" "$rev" "$CORPUS" "$sload0" "$sload1" "$NOTE" "$((t1 - t0))" <<'PY'
import json, sys, pathlib
tmp, cpu, cores, mem, when, rev, corpus, load0, load1, note, seconds = sys.argv[1:12]
tmp = pathlib.Path(tmp)
j = json.loads((tmp / "search.json").read_text())
ms = lambda l: f"{l['p50_ms']:.1f} | {l['p99_ms']:.1f}"
rows, stages = [], []
for s in j["sets"]:
    for q in s["query_sets"]:
        for m in q["modes"]:
            with_emb = "— | —" if m["mode"] == "bm25" else ms(m["with_embedding"])
            rows.append(f"| {s['chunks']} | {q['queries']} | {m['mode']} | {with_emb} | {ms(m['precomputed_vector'])} |")
        rows.append(f"| {s['chunks']} | {q['queries']} | hybrid, query's patient excluded (as `similar`) | | | {ms(q['hybrid_patient_excluded'])} |")
        rows.append(f"| {s['chunks']} | {q['queries']} | query embedding alone | {ms(q['embed'])} | | |")
        st = q["stages"]
        stages.append(
            f"| {s['chunks']} | {q['queries']} | {ms(st['bm25_candidates'])} | {ms(st['dense_candidates'])} | "
            f"{st['fetched_chunks_mean']:.0f} | {ms(st['fetch_candidates'])} | "
            f"{q['dense_recall@10']:.4f} | {q['dense_recall@10_ties']:.4f} |"
        )
p = j["perturbation"]
small, large = j["sets"][0], j["sets"][-1]
tok = j["query_tokens_mean"]
verdicts = []
for t in j["target"]:
    word = lambda b: "met" if b else "**not met**"
    verdicts.append(
        f"- {t['queries']} queries: {word(t['met_with_embedding'])} with the query embedding "
        f"included, {word(t['met_precomputed_vector'])} with a precomputed vector."
    )
def where(q):
    h = next(m for m in q["modes"] if m["mode"] == "hybrid")
    st = q["stages"]
    return (
        f"{q['queries']} queries: hybrid {h['with_embedding']['p50_ms']:.1f} ms p50: the BM25 "
        f"candidates ({st['bm25_candidates']['p50_ms']:.1f}) on one thread while the query "
        f"embedding ({q['embed']['p50_ms']:.1f}) and then the dense candidates "
        f"({st['dense_candidates']['p50_ms']:.1f}) run on the other; then fusion, grouping, the "
        f"fetch of the {st['fetched_chunks_mean']:.0f} returned chunks "
        f"({st['fetch_candidates']['p50_ms']:.1f}) and snippets (search with a precomputed "
        f"vector: {h['precomputed_vector']['p50_ms']:.1f})"
    )
where_lines = "\n".join(f"- {where(q)}." for q in large["query_sets"])
bm25_at = lambda s: next(q for q in s["query_sets"] if q["queries"] == "findings")["stages"]["bm25_candidates"]["p50_ms"]
emb_at = lambda name: next(q for q in large["query_sets"] if q["queries"] == name)["embed"]["p50_ms"]
hyb_at = lambda name: next(m for m in next(q for q in large["query_sets"] if q["queries"] == name)["modes"] if m["mode"] == "hybrid")
hyb_pre = lambda name: f"{hyb_at(name)['precomputed_vector']['p50_ms']:.1f} / {hyb_at(name)['precomputed_vector']['p99_ms']:.1f}"
hyb_emb = lambda name: f"{hyb_at(name)['with_embedding']['p50_ms']:.1f} / {hyb_at(name)['with_embedding']['p99_ms']:.1f}"
note = f" {note}" if note else ""
md = f"""## Search latency

Command: `target/release/priors-bench search --corpus {corpus}` (release build, fp32
all-MiniLM-L6-v2 on ONNX Runtime, one session per query; k = {j['k']}, no filter, 100
candidates per engine, RRF). Machine: {cpu}, {cores} cores, {mem}; commit `{rev}`; {when}.
Load average before: {load0}; after: {load1}. The step took {int(seconds) / 60:.1f} min, of which
{j['base_ingest_seconds']:.0f} s ingesting the corpus ({'re-used: nothing to embed' if j['base_reused'] else 'fresh'}),
{sum(s['build_seconds'] for s in j['sets']):.0f} s writing the sets and {sum(s['index_seconds'] for s in j['sets']):.0f} s building the dense engine's HNSW index
(`Stores::optimize`, as every ingest runs it; {large['index_seconds']:.0f} s for the step to {large['chunks']} chunks).{note}

How the 100k set was made: the sample corpus ({j['corpus_reports']} reports, {j['corpus_chunks']}
chunks) is ingested once with real embeddings (into the collection `base` of `target/bench-search`, re-used by later
runs); its chunks and their stored vectors are read back and written through `Stores::apply`,
without the model, into a fresh collection: first the corpus as it is, then perturbed copies
of its reports, round after round, until it holds {small['chunks']} chunks (measured), then
{large['chunks']} (measured; the smaller set is the start of the larger). Each copy gets new
report and patient ids, its text lightly perturbed by deterministic word swaps (p = {p['word_swap']})
and drops (p = {p['word_drop']}) from a seeded ChaCha8 generator, and each vector =
normalize(original + {p['noise_sigma']}·g), g standard Gaussian noise from the same generator
(mean cosine of a copy to its original {large['copy_cosine_mean']:.3f}): a collection full of
realistic near-duplicates. A report that does not fit whole is cut to the chunks that fit. At
each size both engines hold exactly that many chunks and agree (`Stores::consistency`).

Queries: from {j['queries']} reports taken evenly in report-id order, their findings as `priors
similar` builds them (mean {tok['findings']:.0f} model tokens; the model reads at most 256) and,
as a second set, the first sentence of their impression (mean {tok['impression_sentence']:.0f}
tokens), closer to a typed query. Before each set, {j['warmup']} warm-up queries; then per query,
interleaved: the query embedding alone (`Retriever::embed_query`), `Retriever::search` in each
mode (embedding included), `Retriever::search_with_vector` with the precomputed vector (also
in hybrid mode with the query report's patient excluded, the filter `similar` adds), each
engine's candidates alone, the Tantivy fetch of the chunks a search reads (one per returned
report), and the dense engine's top 10 against an exact top 10 (brute-force cosine over every
vector of the set, kept in memory while building). Milliseconds, nearest-rank percentiles.

| chunks | queries | mode | p50 embedding included | p99 | p50 precomputed vector | p99 |
|---:|---|---|---:|---:|---:|---:|
{chr(10).join(rows)}

Each stage alone (milliseconds) and the dense engine's recall@10 against exact search:

| chunks | queries | BM25 top 100 p50 | p99 | dense top 100 p50 | p99 | chunks fetched | fetch p50 | p99 | recall@10 | recall@10, ties counted |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(stages)}

The dense engine searches an HNSW index (qdrant-edge defaults: m = 16, ef_construct = 100)
over every segment above the indexing threshold, built after the writes; recall@10 is
measured against exact search over the same vectors. "Ties counted" accepts any chunk whose
exact score equals the 10th: the corpus has chunks with identical text, hence identical
vectors, which the engine orders its own way.

Target of issue #3, hybrid p50 ≤ 10 ms and p99 ≤ 25 ms at {large['chunks']} chunks:

{chr(10).join(verdicts)}

Where the time goes at {large['chunks']} chunks (p50):

{where_lines}

What changed since the first measurements (commit `d1dee0f`, 100k chunks, p50 / p99, precomputed
vector; different runs on a shared machine): findings queries 66.6 / 106.1 → {hyb_pre('findings')},
sentence queries 8.1 / 19.6 → {hyb_pre('impression_sentence')}; with the embedding 70.8 / 113.8 →
{hyb_emb('findings')} and 18.0 / 27.0 → {hyb_emb('impression_sentence')}. Three changes, each
measured on its own while making it (100 queries, 100k chunks):

- BM25 searches at most 24 distinct query terms, those of highest query frequency × idf
  (`retrieval.bm25_max_terms`; Lucene's "more like this" selection). A findings query had
  about 85 distinct terms, and block-WAND walked the postings of every one, common words
  included: BM25 candidates 62.8 → 6.8 ms p50 for findings queries. Its effect on quality is
  in the two quality sections (SciFact queries are nearly all shorter than 24 terms).
- The dense engine's HNSW index is built (`Stores::optimize`, run by every ingest; it was never
  built before, so search was brute force): dense candidates 6.1 → 1.1 ms p50 at 100k chunks,
  recall@10 1.000 → 0.989 for findings queries in that run.
- BM25 hits take their report and chunk ids from Tantivy's fast fields instead of reading each
  stored document, and a search reads from the document store only the best chunk of each
  returned report, in one query (it read every fused candidate, ~170, one query each):
  hybrid with a precomputed vector 10.9 → 9.8 ms p50 for findings queries.

The query embedding is what remains on the critical path: {emb_at('findings'):.1f} ms p50 for a
findings query (truncated to 256 tokens, one ONNX session on one core) and
{emb_at('impression_sentence'):.1f} ms for a sentence; BM25 runs beside it. On this near-duplicate
collection an unfiltered BM25 query (block-WAND) is slower than one with the query's patient
excluded (Tantivy then walks a plain union of at most 24 postings lists), presumably because
block-WAND can skip few blocks when ~15 copies of every report score alike.

Since d1dee0f, `Retriever::search` embeds the query while BM25 already runs (before, it embedded
first, then ran both engines): on the first recorded run (load ≈ 3, 100k chunks, findings
queries) hybrid with the embedding was 103.3 / 158.1 ms p50 / p99, the sum of embedding and
search; on the run after the change (load ≈ 1.5) 70.8 / 113.8 ms. Different runs on a shared
machine, so read the mechanism (embedding time leaves the critical path when BM25 is the longer
branch) more than the exact gain.

Snippets are computed only for the `k` returned reports (they were computed for every candidate
report); measured before that change on the 10k set with 150 findings queries, alternating the
two binaries twice: hybrid with a precomputed vector 12.2–14.2 → 10.1–11.0 ms p50, dense
3.6–3.9 → 2.2 ms, BM25 9.5–11.8 → 8.5–9.0 ms.
"""
(tmp / "search.md").write_text(md)
PY

fi
if [ "$ONLY" = search ]; then replace_section "$TMP/search.md" "Search latency"; exit 0; fi

python3 - "$TMP" "$OUT" "$cpu" "$cores" "$mem" "$when" "$rev" "$CORPUS" "$SCIFACT" "$load0" "$load1" <<'PY'
import json, sys, pathlib
tmp, out, cpu, cores, mem, when, rev, corpus, scifact, load0, load1 = sys.argv[1:12]
tmp = pathlib.Path(tmp)
j = json.loads((tmp / "ingest.json").read_text())
sf = [json.loads(l) for l in (tmp / "scifact.jsonl").read_text().splitlines() if l.strip()]
sf8 = [json.loads(l) for l in (tmp / "scifact-int8.jsonl").read_text().splitlines() if l.strip()]
cases_md = (tmp / "cases.md").read_text().strip()
grpc_md = (tmp / "grpc.md").read_text().strip()
staging = (tmp / "staging.md").read_text().strip()
search = (tmp / "search.md").read_text().strip()
b1, b2 = j["bare_seconds"]
published = {"bm25": 0.665, "dense": 0.645}
rows = "\n".join(
    f"| {e['mode']} | {e['ndcg@10']:.3f} | {e['recall@100']:.3f} | {e['mrr@10']:.3f} | "
    f"{published.get(e['mode'], '—')} |"
    for e in sf
)
fp32 = {e["mode"]: e for e in sf}
int8_rows = "\n".join(
    f"| {e['mode']} | {fp32[e['mode']]['ndcg@10']:.3f} | {e['ndcg@10']:.3f} | "
    f"{fp32[e['mode']]['recall@100']:.3f} | {e['recall@100']:.3f} |"
    for e in sf8
)
md = f"""# Benchmarks

Made by `make bench` (`scripts/bench.sh`); every figure below comes from that command.
Machine: {cpu}, {cores} cores, {mem}; commit `{rev}`; {when}.
The machines are shared and noisy: compare figures measured in the same run (the ratios),
not across runs.

## Ingest throughput vs bare embedding

Command: `target/release/priors-bench ingest {corpus}` (release build, fp32 all-MiniLM-L6-v2,
ONNX Runtime 1.31.1 on CPU, {j['workers']} model sessions). Load average before: {load0};
after: {load1}.

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

## Retrieval quality: SciFact (BEIR, real public data)

Command: `target/release/priors eval beir {scifact} --mode bm25 --mode dense --mode hybrid`.
{sf[0]['documents']} documents ({sf[0]['failed_documents']} rejected), {sf[0]['queries']} judged test
queries; documents are chunked like reports (≤ 256 tokens) and the best chunk stands for the
document; RRF k = 60, equal weights. Published nDCG@10 from the dataset's README (BEIR paper:
BM25 / Elasticsearch, and all-MiniLM-L6-v2).

| mode | nDCG@10 | recall@100 | MRR@10 | published nDCG@10 |
|---|---|---|---|---|
{rows}

### int8 model (config choice `embedding.onnx_file = "model_int8.onnx"`)

Command: `PRIORS__EMBEDDING__ONNX_FILE=model_int8.onnx target/release/priors eval beir {scifact} --mode dense --mode hybrid`
(dynamic int8, per-channel, MatMul only, made by `scripts/quantize_int8.py`; mean cosine to
fp32 on the fixture texts 0.992). fp32 stays the default.

| mode | nDCG@10 fp32 | nDCG@10 int8 | recall@100 fp32 | recall@100 int8 |
|---|---|---|---|---|
{int8_rows}

{cases_md}

## Staging vignettes

Command: `target/release/priors-bench staging` (vignettes in
`crates/staging/tests/vignettes.jsonl`, written before the extractor was tuned). The first,
untuned run missed 4 fields (lung T 55/56, N 55/56, stage 54/56: "uptake above mediastinal
blood pool" read as a mediastinal node, and a mimic word elsewhere in a sentence suppressing
the primary); both causes were fixed in general form, not per vignette.

{staging}

{search}

{grpc_md}
"""
pathlib.Path(out).write_text(md)
print(f"wrote {out}", file=sys.stderr)
PY
