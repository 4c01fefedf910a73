//! The section "Retrieval quality: SciFact", from `priors eval beir --json` (one line per
//! mode, fp32 and int8 runs): nDCG@10, recall@100 and MRR@10 per mode beside the published
//! figures, and the int8 model against fp32.

use super::{need, RunContext};
use anyhow::{Context, Result};
use serde::Deserialize;

/// The fields of `priors_app::eval::BeirEval` (with its flattened `priors_evaluate::Report`)
/// that the section reads.
#[derive(Debug, Deserialize)]
pub(super) struct BeirEval {
    /// Engines: `bm25`, `dense` or `hybrid`.
    mode: String,
    /// Documents in the corpus.
    documents: usize,
    /// Documents the ingest rejected.
    failed_documents: usize,
    /// Judged queries averaged over.
    queries: usize,
    #[serde(rename = "ndcg@10")]
    ndcg_at_10: f64,
    #[serde(rename = "recall@100")]
    recall_at_100: f64,
    #[serde(rename = "mrr@10")]
    mrr_at_10: f64,
}

/// Published nDCG@10 on SciFact (BEIR paper), as the table prints it.
fn published(mode: &str) -> &'static str {
    match mode {
        "bm25" => "0.665",
        "dense" => "0.645",
        _ => "—",
    }
}

/// The section's Markdown from the fp32 and the int8 evaluations.
pub(super) fn render(sf: &[BeirEval], sf8: &[BeirEval], run: &RunContext) -> Result<String> {
    let scifact = need(&run.scifact, "scifact")?;
    let first = sf.first().context("no SciFact evaluation")?;
    let (documents, failed_documents, queries) =
        (first.documents, first.failed_documents, first.queries);
    let rows = sf
        .iter()
        .map(|e| {
            format!(
                "| {} | {:.3} | {:.3} | {:.3} | {} |",
                e.mode,
                e.ndcg_at_10,
                e.recall_at_100,
                e.mrr_at_10,
                published(&e.mode)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let int8_rows = sf8
        .iter()
        .map(|e| {
            // The last fp32 evaluation of the mode (as a dict by mode would keep).
            let fp32 = sf
                .iter()
                .rev()
                .find(|f| f.mode == e.mode)
                .with_context(|| format!("no fp32 evaluation in mode {}", e.mode))?;
            Ok(format!(
                "| {} | {:.3} | {:.3} | {:.3} | {:.3} |",
                e.mode, fp32.ndcg_at_10, e.ndcg_at_10, fp32.recall_at_100, e.recall_at_100
            ))
        })
        .collect::<Result<Vec<_>>>()?
        .join("\n");
    Ok(format!(
        r#"## Retrieval quality: SciFact (BEIR, real public data)

Command: `target/release/priors eval beir {scifact} --mode bm25 --mode dense --mode hybrid`.
{documents} documents ({failed_documents} rejected), {queries} judged test
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
"#
    ))
}
