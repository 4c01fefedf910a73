//! The section "Retrieval quality: SciFact", from `priors eval beir --json` (one line per
//! mode, fp32 and int8 runs): nDCG@10, recall@100 and MRR@10 per mode beside the published
//! figures, and the int8 model against fp32. When `priors-bench peer` ran too (`peer.json`),
//! a last subsection sets priors beside the Python stack of issue #13 ([`render_peer`]);
//! without it the section is what it always was.

use super::{need, RunContext};
use crate::peer::PeerBench;
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
    /// Seconds the ingest took (absent in output of older binaries).
    #[serde(default)]
    ingest_seconds: Option<f64>,
    /// The collection was re-used: `ingest_seconds` is no ingest time.
    #[serde(default)]
    ingest_reused: bool,
    /// Reports asked for per timed query.
    #[serde(default)]
    query_k: Option<usize>,
    /// Median latency of one user query (embedding included), ms.
    #[serde(default)]
    query_p50_ms: Option<f64>,
    /// 99th percentile of the same, ms.
    #[serde(default)]
    query_p99_ms: Option<f64>,
    /// nDCG@10 of the timed queries.
    #[serde(default, rename = "query_ndcg@10")]
    query_ndcg_at_10: Option<f64>,
    /// The process's peak RSS (VmHWM), MiB.
    #[serde(default)]
    peak_rss_mib: Option<f64>,
}

/// Published nDCG@10 on SciFact (BEIR paper), as the table prints it.
fn published(mode: &str) -> &'static str {
    match mode {
        "bm25" => "0.665",
        "dense" => "0.645",
        _ => "—",
    }
}

/// The section's Markdown from the fp32 and the int8 evaluations, and the peer's run when
/// there is one.
pub(super) fn render(
    sf: &[BeirEval],
    sf8: &[BeirEval],
    peer: Option<&PeerBench>,
    run: &RunContext,
) -> Result<String> {
    let text = render_quality(sf, sf8, run)?;
    Ok(match peer {
        Some(peer) => format!("{text}\n{}", render_peer(sf, peer)?),
        None => text,
    })
}

/// `yes` / `no` for a goal.
fn met(ok: bool) -> &'static str {
    if ok {
        "**yes**"
    } else {
        "**no**"
    }
}

/// priors (the fp32 hybrid evaluation) beside the peer: ingest seconds, hybrid p50/p99 with
/// the query embedding, peak RSS and nDCG@10, the ratios priors ÷ peer, and issue #13's goals
/// (ingest ≤ ½ of the peer's, p50 ≤ ½, nDCG@10 ≥ the peer's).
pub(super) fn render_peer(sf: &[BeirEval], peer: &PeerBench) -> Result<String> {
    let h =
        sf.iter().rev().find(|e| e.mode == "hybrid").context(
            "the peer is compared with the hybrid evaluation, and scifact.jsonl has none",
        )?;
    let missing = || {
        "scifact.jsonl has no per-query latency (query_p50_ms): made by an older `priors eval \
         beir`"
    };
    let p50 = h.query_p50_ms.with_context(missing)?;
    let p99 = h.query_p99_ms.with_context(missing)?;
    let ndcg = h.query_ndcg_at_10.with_context(missing)?;
    let k = h.query_k.with_context(missing)?;
    let ingest = h.ingest_seconds.with_context(missing)?;
    let ratio = |a: f64, b: f64| format!("{:.2}", a / b);
    let (ingest_row, ingest_goal) = if h.ingest_reused {
        (
            format!(
                "| ingest (s) | re-used | {:.1} | — | ≤ 0.5 | not measured |",
                peer.result.ingest_s
            ),
            "not measured (the collection was re-used; delete it to time the ingest)".to_string(),
        )
    } else {
        let ok = ingest <= 0.5 * peer.result.ingest_s;
        (
            format!(
                "| ingest (s) | {ingest:.1} | {:.1} | {} | ≤ 0.5 | {} |",
                peer.result.ingest_s,
                ratio(ingest, peer.result.ingest_s),
                met(ok)
            ),
            met(ok).to_string(),
        )
    };
    let p50_ok = p50 <= 0.5 * peer.result.p50_ms;
    let ndcg_ok = ndcg >= peer.result.ndcg_at_10;
    let rss = match (h.peak_rss_mib, peer.peak_rss_mib) {
        (Some(a), Some(b)) => format!(
            "| peak RSS (MiB) | {a:.0} | {b:.0} | {} | — | — |",
            ratio(a, b)
        ),
        (a, b) => {
            let cell = |x: Option<f64>| x.map_or("—".to_string(), |x| format!("{x:.0}"));
            format!("| peak RSS (MiB) | {} | {} | — | — | — |", cell(a), cell(b))
        }
    };
    Ok(format!(
        r#"### Against the Python stack a user would assemble instead (issue #13)

Peer: `{script}` ({desc}), run by `priors-bench peer` after the priors evaluations, alone:
the same ONNX model file through Python fastembed, qdrant-client in local (on-disk) mode,
bm25s (k1 0.9, b 0.4), RRF k = 60 over the top 100 of each engine; {docs} documents, {queries}
queries. priors: the fp32 hybrid evaluation above, its corpus ingested into a new
collection, then each of the same queries run alone as a user query for the top {k} reports
(each engine returns its top 100 chunks, RRF k = 60, the best chunk stands for its
document). Both sides time one query at a time, the query embedding inside the clock (the
peer's percentiles are numpy's, interpolated; priors' nearest rank); priors' nDCG@10 here is
that of these timed queries ({ndcg100:.3} at 100 reports, above). Peak RSS is each process's
VmHWM: priors' covers its ingest and three evaluations (bm25, dense, hybrid), the peer's its
ingest and one.

| | priors | peer | priors ÷ peer | goal (ratio) | met |
|---|---|---|---|---|---|
{ingest_row}
| hybrid query p50 (ms, embedding included) | {p50:.1} | {peer_p50:.1} | {r50} | ≤ 0.5 | {m50} |
| hybrid query p99 (ms, embedding included) | {p99:.1} | {peer_p99:.1} | {r99} | — | — |
{rss}
| nDCG@10 | {ndcg:.3} | {peer_ndcg:.3} | {rndcg:.3} | ≥ 1 | {mndcg} |

Goals of issue #13: ingest in at most half the peer's time: {ingest_goal}; hybrid query p50 at
most half the peer's: {m50}; nDCG@10 equal or better: {mndcg}.

Not like-for-like: the peer embeds each document whole (title and text), cut by fastembed at
512 tokens (`model_max_length` in tokenizer_config.json), and ranks documents; priors cuts
title and text into chunks of whole sentences of at most 256 tokens (no overlap), embeds and
indexes each chunk, and ranks a document by its best chunk, so its 100 candidates per engine
are chunks, not documents.
"#,
        script = peer.script,
        desc = peer.result.peer,
        docs = peer.result.docs,
        queries = peer.result.queries,
        ndcg100 = h.ndcg_at_10,
        peer_p50 = peer.result.p50_ms,
        peer_p99 = peer.result.p99_ms,
        r50 = ratio(p50, peer.result.p50_ms),
        m50 = met(p50_ok),
        r99 = ratio(p99, peer.result.p99_ms),
        peer_ndcg = peer.result.ndcg_at_10,
        rndcg = ndcg / peer.result.ndcg_at_10,
        mndcg = met(ndcg_ok),
    ))
}

/// The section without the peer: quality per mode and the int8 model.
fn render_quality(sf: &[BeirEval], sf8: &[BeirEval], run: &RunContext) -> Result<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hybrid(extra: serde_json::Value) -> BeirEval {
        let mut v = serde_json::json!({"mode": "hybrid", "documents": 3, "failed_documents": 0,
            "queries": 2, "ndcg@10": 0.7, "recall@100": 0.9, "mrr@10": 0.6});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        serde_json::from_value(v).unwrap()
    }

    fn peer() -> PeerBench {
        PeerBench {
            result: crate::peer::PeerOutput {
                peer: "p".into(),
                docs: 3,
                queries: 2,
                ingest_s: 100.0,
                p50_ms: 10.0,
                p99_ms: 20.0,
                ndcg_at_10: 0.71,
            },
            script: "peer.py".into(),
            peak_rss_mib: None,
            seconds: 120.0,
        }
    }

    #[test]
    fn a_reused_collection_is_not_an_ingest_time_and_ratios_are_priors_over_peer() {
        let h = hybrid(
            serde_json::json!({"ingest_seconds": 0.4, "ingest_reused": true,
            "query_k": 10, "query_p50_ms": 5.0, "query_p99_ms": 9.0, "query_ndcg@10": 0.7,
            "peak_rss_mib": 1000.0}),
        );
        let md = render_peer(&[h], &peer()).unwrap();
        assert!(
            md.contains("| ingest (s) | re-used | 100.0 | — | ≤ 0.5 | not measured |"),
            "{md}"
        );
        assert!(
            md.contains("ingest in at most half the peer's time: not measured"),
            "{md}"
        );
        // p50 5 / 10 = 0.5: the goal is "at most half", met.
        assert!(
            md.contains("| 5.0 | 10.0 | 0.50 | ≤ 0.5 | **yes** |"),
            "{md}"
        );
        // nDCG@10 0.7 < 0.71: not met.
        assert!(
            md.contains("| nDCG@10 | 0.700 | 0.710 | 0.986 | ≥ 1 | **no** |"),
            "{md}"
        );
        // The peer's RSS unknown: no ratio.
        assert!(
            md.contains("| peak RSS (MiB) | 1000 | — | — | — | — |"),
            "{md}"
        );
    }

    #[test]
    fn output_without_latency_or_hybrid_is_a_clear_error() {
        let err = render_peer(&[hybrid(serde_json::json!({}))], &peer()).unwrap_err();
        assert!(
            err.to_string().contains("older `priors eval beir`"),
            "{err}"
        );
        let mut dense = hybrid(serde_json::json!({}));
        dense.mode = "dense".into();
        let err = render_peer(&[dense], &peer()).unwrap_err();
        assert!(err.to_string().contains("has none"), "{err}");
    }
}
