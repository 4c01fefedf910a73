//! The section "Ingest throughput vs bare embedding", from `priors-bench ingest`
//! ([`IngestBench`]): the bare embedding and ingest rates over the same chunks and their ratio.

use super::{need, RunContext};
use crate::ingest::IngestBench;
use anyhow::Result;

/// The section's Markdown.
pub(super) fn render(j: &IngestBench, run: &RunContext) -> Result<String> {
    let corpus = need(&run.corpus, "corpus")?;
    let load_before = need(&run.ingest_load_before, "ingest-load-before")?;
    let load_after = need(&run.ingest_load_after, "ingest-load-after")?;
    let [b1, b2] = j.bare_seconds;
    let bare_mean = (b1 + b2) / 2.0;
    let IngestBench {
        reports,
        chunks,
        tokens,
        workers,
        bare_chunks_per_s,
        bare_tokens_per_s,
        ingest_seconds,
        ingest_reports_per_s,
        ingest_chunks_per_s,
        ingest_tokens_per_s,
        ratio,
        ..
    } = j;
    Ok(format!(
        r#"## Ingest throughput vs bare embedding

Command: `target/release/priors-bench ingest {corpus}` (release build, fp32 all-MiniLM-L6-v2,
ONNX Runtime 1.31.1 on CPU, {workers} model sessions). Load average before: {load_before};
after: {load_after}.

In one process and over the same {chunks} chunk texts ({reports} reports, {tokens} model
tokens): a bare embedding pass with every session busy, a full ingest (parse, section, extract,
chunk, embed, Qdrant upsert + flush, Tantivy index + commit, journal) into a fresh data
directory, then a second bare pass. The bare rate is the mean of the two passes
({b1:.1} s and {b2:.1} s).

| measure | bare embedding | ingest |
|---|---|---|
| chunks/s | {bare_chunks_per_s:.1} | {ingest_chunks_per_s:.1} |
| tokens/s | {bare_tokens_per_s:.0} | {ingest_tokens_per_s:.0} |
| reports/s | | {ingest_reports_per_s:.1} |
| seconds | {bare_mean:.1} | {ingest_seconds:.1} |

**Ingest rate ÷ bare embedding rate: {ratio:.2}** (goal ≥ 0.85).
"#
    ))
}
