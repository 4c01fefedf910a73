//! The section "Search latency", from `priors-bench search --json` ([`SearchBench`]): how the
//! sets were made, latency per size, query set and mode, each stage alone, the dense engine's
//! recall, the target of issue #3 and where the time goes at the largest size, with the prose
//! on what changed since the first measurements.

use super::{need, py_float, RunContext};
use crate::search::{Latency, ModeLatency, QuerySetFigures, SearchBench, SetFigures};
use anyhow::{Context, Result};

/// The query sets the prose names.
const FINDINGS: &str = "findings";
const SENTENCE: &str = "impression_sentence";

/// `p50 | p99` of a latency, one decimal.
fn ms(l: &Latency) -> String {
    format!("{:.1} | {:.1}", l.p50_ms, l.p99_ms)
}

/// `p50 / p99` of a latency, one decimal.
fn pair(l: &Latency) -> String {
    format!("{:.1} / {:.1}", l.p50_ms, l.p99_ms)
}

fn word(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**not met**"
    }
}

fn hybrid(q: &QuerySetFigures) -> Result<&ModeLatency> {
    q.modes
        .iter()
        .find(|m| m.mode == "hybrid")
        .with_context(|| format!("no hybrid figures for {} queries", q.queries))
}

fn query_set<'a>(set: &'a SetFigures, name: &str) -> Result<&'a QuerySetFigures> {
    set.query_sets
        .iter()
        .find(|q| q.queries == name)
        .with_context(|| format!("no {name} queries at {} chunks", set.chunks))
}

/// Latency rows (per mode, patient excluded, embedding alone) and stage rows of one query
/// set at one size.
fn rows(s: &SetFigures, q: &QuerySetFigures, rows: &mut Vec<String>, stages: &mut Vec<String>) {
    let (chunks, queries) = (s.chunks, &q.queries);
    for m in &q.modes {
        let with_emb = if m.mode == "bm25" {
            "— | —".to_string()
        } else {
            ms(&m.with_embedding)
        };
        rows.push(format!(
            "| {chunks} | {queries} | {} | {with_emb} | {} |",
            m.mode,
            ms(&m.precomputed_vector)
        ));
    }
    rows.push(format!(
        "| {chunks} | {queries} | hybrid, query's patient excluded (as `similar`) | | | {} |",
        ms(&q.hybrid_patient_excluded)
    ));
    rows.push(format!(
        "| {chunks} | {queries} | query embedding alone | {} | | |",
        ms(&q.embed)
    ));
    let st = &q.stages;
    stages.push(format!(
        "| {chunks} | {queries} | {} | {} | {:.0} | {} | {:.4} | {:.4} |",
        ms(&st.bm25_candidates),
        ms(&st.dense_candidates),
        st.fetched_chunks_mean,
        ms(&st.fetch_candidates),
        q.dense_recall_at_10,
        q.dense_recall_at_10_ties
    ));
}

/// Where the time of a hybrid search goes, for one query set.
fn where_time_goes(q: &QuerySetFigures) -> Result<String> {
    let h = hybrid(q)?;
    let st = &q.stages;
    Ok(format!(
        "{} queries: hybrid {:.1} ms p50: the BM25 candidates ({:.1}) on one thread while the \
         query embedding ({:.1}) and then the dense candidates ({:.1}) run on the other; then \
         fusion, grouping, the fetch of the {:.0} returned chunks ({:.1}) and snippets (search \
         with a precomputed vector: {:.1})",
        q.queries,
        h.with_embedding.p50_ms,
        st.bm25_candidates.p50_ms,
        q.embed.p50_ms,
        st.dense_candidates.p50_ms,
        st.fetched_chunks_mean,
        st.fetch_candidates.p50_ms,
        h.precomputed_vector.p50_ms
    ))
}

/// Targets of issue #13 at one million chunks (embedded backend, precomputed vector).
const ARCHIVE_CHUNKS: usize = 1_000_000;
const ARCHIVE_P50_MS: f64 = 20.0;
const ARCHIVE_P99_MS: f64 = 50.0;
const ARCHIVE_RECALL: f64 = 0.95;

/// The ten-year-archive paragraph (issue #13), when the largest set has a million chunks:
/// the targets met or not, and the cost curve over every size.
fn archive(j: &SearchBench) -> Result<String> {
    let Some(large) = j.sets.last().filter(|s| s.chunks >= ARCHIVE_CHUNKS) else {
        return Ok(String::new());
    };
    let mut verdicts = Vec::new();
    for q in &large.query_sets {
        let h = &hybrid(q)?.precomputed_vector;
        verdicts.push(format!(
            "- {} queries: hybrid {} ms p50 / p99 — {}; dense recall@10 {:.3} — {}.",
            q.queries,
            pair(h),
            word(h.p50_ms <= ARCHIVE_P50_MS && h.p99_ms <= ARCHIVE_P99_MS),
            q.dense_recall_at_10,
            word(q.dense_recall_at_10 >= ARCHIVE_RECALL)
        ));
    }
    if let Some(disk) = large.disk_mib {
        verdicts.push(format!(
            "- the collection's directory (both engines, the journal) held {:.2} GiB on disk at \
             {} chunks, measured while open right after the set was measured (files the \
             engine's optimizer had replaced may not have been removed yet).",
            disk / 1024.0,
            large.chunks
        ));
    }
    let mut curve = Vec::new();
    let mut previous: Option<f64> = None;
    for s in &j.sets {
        let f = query_set(s, FINDINGS)?;
        let t = query_set(s, SENTENCE)?;
        let hf = hybrid(f)?.precomputed_vector.p50_ms;
        let growth = previous.map_or("".to_string(), |p| format!("×{:.1}", hf / p));
        previous = Some(hf);
        curve.push(format!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {growth} | {:.1} | {:.1} | {:.1} | {:.3} |",
            s.chunks,
            s.reports,
            s.build_seconds,
            s.index_seconds,
            hf,
            f.stages.bm25_candidates.p50_ms,
            f.stages.dense_candidates.p50_ms,
            hybrid(t)?.precomputed_vector.p50_ms,
            f.dense_recall_at_10
        ));
    }
    // Which branch of a hybrid search with the embedding is the longer one, per query set.
    let mut branches = Vec::new();
    for q in &large.query_sets {
        let (bm25, embed) = (q.stages.bm25_candidates.p50_ms, q.embed.p50_ms);
        let longer = if bm25 > embed {
            "BM25"
        } else {
            "the query embedding"
        };
        branches.push(format!(
            "{} queries {longer} (BM25 top 100 {bm25:.1} ms p50, embedding {embed:.1}; with the \
             query's patient excluded, as `similar` searches, hybrid takes {:.1} ms p50)",
            q.queries, q.hybrid_patient_excluded.p50_ms
        ));
    }
    let branches = format!(
        "\n\nAt {} chunks the longer branch of a search is, for {}. The dense candidates stay \
         near {:.1} ms p50: BM25 is what grows with the collection.",
        large.chunks,
        branches.join("; for "),
        query_set(large, FINDINGS)?.stages.dense_candidates.p50_ms
    );
    Ok(format!(
        "\n\nTargets of issue #13 at {} chunks (the embedded backend, precomputed vector: hybrid \
         p50 ≤ {ARCHIVE_P50_MS} ms and p99 ≤ {ARCHIVE_P99_MS} ms, dense recall@10 ≥ {ARCHIVE_RECALL}):\n\n{}\n\n\
         The cost curve (findings queries unless named; write and index seconds are those of the \
         step from the previous size):\n\n\
         | chunks | reports | write s | index s | hybrid p50 | growth | BM25 top 100 p50 | dense top 100 p50 | hybrid p50, sentence queries | recall@10 |\n\
         |---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n{}",
        large.chunks,
        verdicts.join("\n"),
        curve.join("\n")
    ) + &branches)
}

/// An optional figure, no decimals, or "—".
fn opt(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.0}"))
}

/// The same sets with the dense side in a Qdrant server (issue #13), when the run had one:
/// per size, the remote figures beside the embedded ones of the same run.
fn remote(j: &SearchBench) -> Result<String> {
    let Some(r) = &j.remote else {
        return Ok(String::new());
    };
    let mut lines = Vec::new();
    for s in &r.sets {
        let local = j
            .sets
            .iter()
            .find(|l| l.chunks == s.chunks)
            .with_context(|| format!("no embedded set of {} chunks", s.chunks))?;
        let (f, t) = (query_set(s, FINDINGS)?, query_set(s, SENTENCE)?);
        let lf = query_set(local, FINDINGS)?;
        let hf = &hybrid(f)?.precomputed_vector;
        let ratio = hf.p50_ms / hybrid(lf)?.precomputed_vector.p50_ms;
        lines.push(format!(
            "| {} | {:.1} ({:.1}) | {:.1} ({:.1}) | {} | ×{ratio:.2} | {} | {} | {:.1} ({:.1}) | {:.3} / {:.3} | {} / {} | {} | {} |",
            s.chunks,
            s.build_seconds,
            local.build_seconds,
            s.index_seconds,
            local.index_seconds,
            pair(hf),
            pair(&hybrid(t)?.precomputed_vector),
            pair(&hybrid(f)?.with_embedding),
            f.stages.dense_candidates.p50_ms,
            lf.stages.dense_candidates.p50_ms,
            f.dense_recall_at_10,
            t.dense_recall_at_10,
            opt(s.server_rss_mib),
            opt(s.server_peak_rss_mib),
            opt(s.server_disk_mib),
            opt(s.disk_mib),
        ));
    }
    Ok(format!(
        "\n\nThe same sets, built again the same way in the same run with the dense vectors in a \
         Qdrant server (version {}, `{}`, collection `{}`, on this machine; its defaults: one \
         shard, no replica, HNSW m = 16, ef_construct = 100; writes `wait = true`, ordering \
         medium; the server's optimizer must report green before a set is measured). Embedded \
         figures of the same size in parentheses; hybrid with a precomputed vector unless \
         named; the ratio is remote ÷ embedded hybrid p50 for findings queries:\n\n\
         | chunks | write s | index s | hybrid findings p50 / p99 | ratio | hybrid sentence p50 / p99 | findings with the embedding | dense top 100 p50 | recall@10 findings / sentence | server RSS / peak MiB | server disk MiB | data dir MiB |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n{}",
        r.version,
        r.url,
        r.collection,
        lines.join("\n")
    ))
}

/// The section's Markdown.
pub(super) fn render(j: &SearchBench, run: &RunContext) -> Result<String> {
    let machine = need(&run.machine, "machine")?;
    let cores = need(&run.cores, "cores")?;
    let memory = need(&run.memory, "memory")?;
    let commit = need(&run.commit, "commit")?;
    let time = need(&run.time, "time")?;
    let corpus = need(&run.corpus, "corpus")?;
    let load_before = need(&run.search_load_before, "search-load-before")?;
    let load_after = need(&run.search_load_after, "search-load-after")?;
    let seconds = run
        .search_seconds
        .context("the report needs --search-seconds")?;
    let note = if run.note.is_empty() {
        String::new()
    } else {
        format!(" {}", run.note)
    };

    let (mut rows_, mut stages_) = (Vec::new(), Vec::new());
    for s in &j.sets {
        for q in &s.query_sets {
            rows(s, q, &mut rows_, &mut stages_);
        }
    }
    let rows = rows_.join("\n");
    let stages = stages_.join("\n");
    let small = j.sets.first().context("no set measured")?;
    let large = j.sets.last().context("no set measured")?;
    let verdicts = j
        .target
        .iter()
        .map(|t| {
            format!(
                "- {} queries: {} with the query embedding included, {} with a precomputed \
                 vector.",
                t.queries,
                word(t.met_with_embedding),
                word(t.met_precomputed_vector)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let where_lines = large
        .query_sets
        .iter()
        .map(|q| Ok(format!("- {}.", where_time_goes(q)?)))
        .collect::<Result<Vec<_>>>()?
        .join("\n");
    let tokens = |name: &str| {
        j.query_tokens_mean
            .get(name)
            .copied()
            .with_context(|| format!("no mean token count of {name} queries"))
    };
    let (tokens_findings, tokens_sentence) = (tokens(FINDINGS)?, tokens(SENTENCE)?);
    let large_findings = query_set(large, FINDINGS)?;
    let large_sentence = query_set(large, SENTENCE)?;
    let emb_findings = large_findings.embed.p50_ms;
    let emb_sentence = large_sentence.embed.p50_ms;
    // The history below is about the 100k set: compare with that one when it was measured.
    let reference = j.sets.iter().find(|s| s.chunks == 100_000).unwrap_or(large);
    let (ref_findings, ref_sentence) = (
        query_set(reference, FINDINGS)?,
        query_set(reference, SENTENCE)?,
    );
    let hyb_pre_findings = pair(&hybrid(ref_findings)?.precomputed_vector);
    let hyb_pre_sentence = pair(&hybrid(ref_sentence)?.precomputed_vector);
    let hyb_emb_findings = pair(&hybrid(ref_findings)?.with_embedding);
    let hyb_emb_sentence = pair(&hybrid(ref_sentence)?.with_embedding);

    let minutes = seconds as f64 / 60.0;
    let base = if j.base_reused {
        "re-used: nothing to embed"
    } else {
        "fresh"
    };
    let build_seconds: f64 = j.sets.iter().map(|s| s.build_seconds).sum();
    let index_seconds: f64 = j.sets.iter().map(|s| s.index_seconds).sum();
    let p = &j.perturbation;
    let (word_swap, word_drop, noise_sigma) = (
        py_float(p.word_swap),
        py_float(p.word_drop),
        py_float(p.noise_sigma),
    );
    let SearchBench {
        corpus_reports,
        corpus_chunks,
        base_ingest_seconds,
        queries,
        warmup,
        k,
        ..
    } = j;
    // Every size but the last, in the order they were built.
    let small_chunks = std::iter::once(format!("{} chunks (measured)", small.chunks))
        .chain(
            j.sets[1..j.sets.len().saturating_sub(1).max(1)]
                .iter()
                .map(|s| format!("{} (measured)", s.chunks)),
        )
        .collect::<Vec<_>>()
        .join(", then ");
    let large_chunks = large.chunks;
    let archive = archive(j)? + &remote(j)?;
    let (copy_cosine, large_index_seconds) = (large.copy_cosine_mean, large.index_seconds);
    Ok(format!(
        r#"## Search latency

Command: `target/release/priors-bench search --corpus {corpus}` (release build, fp32
all-MiniLM-L6-v2 on ONNX Runtime, one session per query; k = {k}, no filter, 100
candidates per engine, RRF). Machine: {machine}, {cores} cores, {memory}; commit `{commit}`; {time}.
Load average before: {load_before}; after: {load_after}. The step took {minutes:.1} min, of which
{base_ingest_seconds:.0} s ingesting the corpus ({base}),
{build_seconds:.0} s writing the sets and {index_seconds:.0} s building the dense engine's HNSW index
(`Stores::optimize`, as every ingest runs it; {large_index_seconds:.0} s for the step to {large_chunks} chunks).{note}

How the 100k set was made: the sample corpus ({corpus_reports} reports, {corpus_chunks}
chunks) is ingested once with real embeddings (into the collection `base` of `target/bench-search`, re-used by later
runs); its chunks and their stored vectors are read back and written through `Stores::apply`,
without the model, into a fresh collection: first the corpus as it is, then perturbed copies
of its reports, round after round, until it holds {small_chunks}, then
{large_chunks} (measured; the smaller set is the start of the larger). Each copy gets new
report and patient ids, its text lightly perturbed by deterministic word swaps (p = {word_swap})
and drops (p = {word_drop}) from a seeded ChaCha8 generator, and each vector =
normalize(original + {noise_sigma}·g), g standard Gaussian noise from the same generator
(mean cosine of a copy to its original {copy_cosine:.3}): a collection full of
realistic near-duplicates. A report that does not fit whole is cut to the chunks that fit. At
each size both engines hold exactly that many chunks and agree (`Stores::consistency`).

Queries: from {queries} reports taken evenly in report-id order, their findings as `priors
similar` builds them (mean {tokens_findings:.0} model tokens; the model reads at most 256) and,
as a second set, the first sentence of their impression (mean {tokens_sentence:.0}
tokens), closer to a typed query. Before each set, {warmup} warm-up queries; then per query,
interleaved: the query embedding alone (`Retriever::embed_query`), `Retriever::search` in each
mode (embedding included), `Retriever::search_with_vector` with the precomputed vector (also
in hybrid mode with the query report's patient excluded, the filter `similar` adds), each
engine's candidates alone, the Tantivy fetch of the chunks a search reads (one per returned
report), and the dense engine's top 10 against an exact top 10 (brute-force cosine over every
vector of the set, kept in memory while building). Milliseconds, nearest-rank percentiles.

| chunks | queries | mode | p50 embedding included | p99 | p50 precomputed vector | p99 |
|---:|---|---|---:|---:|---:|---:|
{rows}

Each stage alone (milliseconds) and the dense engine's recall@10 against exact search:

| chunks | queries | BM25 top 100 p50 | p99 | dense top 100 p50 | p99 | chunks fetched | fetch p50 | p99 | recall@10 | recall@10, ties counted |
|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{stages}

The dense engine searches an HNSW index (qdrant-edge defaults: m = 16, ef_construct = 100)
over every segment above the indexing threshold, built after the writes; recall@10 is
measured against exact search over the same vectors. "Ties counted" accepts any chunk whose
exact score equals the 10th: the corpus has chunks with identical text, hence identical
vectors, which the engine orders its own way.

Target of issue #3, hybrid p50 ≤ 10 ms and p99 ≤ 25 ms at {large_chunks} chunks:

{verdicts}{archive}

Where the time goes at {large_chunks} chunks (p50):

{where_lines}

What changed since the first measurements (commit `d1dee0f`, 100k chunks, p50 / p99, precomputed
vector; different runs on a shared machine): findings queries 66.6 / 106.1 → {hyb_pre_findings},
sentence queries 8.1 / 19.6 → {hyb_pre_sentence}; with the embedding 70.8 / 113.8 →
{hyb_emb_findings} and 18.0 / 27.0 → {hyb_emb_sentence}. Three changes, each
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

The query embedding is what remains on the critical path: {emb_findings:.1} ms p50 for a
findings query (truncated to 256 tokens, one ONNX session on one core) and
{emb_sentence:.1} ms for a sentence; BM25 runs beside it. On this near-duplicate
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
"#
    ))
}
