//! `priors eval beir DIR`: retrieval quality on a BEIR-format dataset with the real engines.
//!
//! The corpus is ingested, through the same pipeline as reports, into its own collection
//! `beir-<name>-<hash of the path>` (re-used when already built: re-ingesting is a no-op).
//! Each document becomes a record whose findings are `title` and `text` (both on and after the
//! `FINDINGS:` line); documents are
//! chunked like reports and the best chunk stands for the document. Each judged query is run
//! for the top 100 documents and scored with `priors-evaluate` (trec_eval definitions).

use crate::search::{open_collection, params};
use anyhow::{Context, Result};
use priors_core::Config;
use priors_embed::FastEmbedder;
use priors_evaluate::{BeirPaths, Report};
use priors_retrieval::{Mode, Query, Retriever};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Documents retrieved per query (recall@100 needs 100).
const DEPTH: usize = 100;
/// Exam date given to every document (documents have none; no date filter is used).
const DOC_DATE: &str = "2000-01-01";

/// Output of one evaluation; `ndcg@10`, `recall@100`, `mrr@10`, `queries`, `mode` are the
/// command's contract.
#[derive(Debug, Serialize)]
pub(crate) struct BeirEval {
    #[serde(flatten)]
    report: Report,
    mode: &'static str,
    dataset: String,
    documents: usize,
    failed_documents: usize,
    seconds: f64,
}

fn collection_name(dir: &Path) -> String {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name: String = canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dataset".into())
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    // FNV-1a of the full path, so two datasets with the same folder name do not collide.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in canonical.to_string_lossy().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    format!("beir-{name}-{:08x}", h as u32)
}

/// Write the corpus as report records (JSONL) for the ingest pipeline.
fn corpus_as_records(corpus: &Path, out: &Path) -> Result<usize> {
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
    );
    let mut n = 0;
    for doc in priors_evaluate::read_corpus(corpus)? {
        let doc = doc?;
        // The title shares the FINDINGS line, so that a title that reads like a section
        // header ("Summary") cannot empty the findings.
        let body = if doc.title.trim().is_empty() {
            doc.text.clone()
        } else {
            format!("{}\n{}", doc.title.trim(), doc.text)
        };
        let rec = serde_json::json!({
            "report_id": doc.id,
            "patient_id": doc.id,
            "exam_date": DOC_DATE,
            "modality": "document",
            "text": format!("FINDINGS: {body}"),
        });
        writeln!(w, "{rec}")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

pub(crate) fn run(
    config: &Config,
    dir: &Path,
    queries: Option<&Path>,
    qrels: Option<&Path>,
    modes: &[Mode],
    progress: bool,
) -> Result<Vec<BeirEval>> {
    let started = std::time::Instant::now();
    let mut paths = BeirPaths::in_dir(dir, "test");
    if let Some(q) = queries {
        paths.queries = q.to_path_buf();
    }
    if let Some(q) = qrels {
        paths.qrels = q.to_path_buf();
    }
    let name = collection_name(dir);
    let stores = Arc::new(open_collection(config, &name)?);
    let records: PathBuf = stores.dir().join("corpus.priors.jsonl");
    let documents = corpus_as_records(&paths.corpus, &records)?;
    let embedder = Arc::new(FastEmbedder::load(&config.embedding)?);
    let mut opts = priors_ingest::IngestOptions::from_config(config, progress);
    // Scientific abstracts can be longer than a report.
    opts.max_report_bytes = opts.max_report_bytes.max(1 << 20);
    let summary = priors_ingest::ingest(
        std::slice::from_ref(&records),
        &stores,
        embedder.as_ref(),
        embedder.workers(),
        &opts,
    )?;
    let qrels = priors_evaluate::load_qrels(&paths.qrels)?;
    let judged =
        priors_evaluate::judged_queries(&priors_evaluate::load_queries(&paths.queries)?, &qrels);
    let retriever = Retriever::new(stores, embedder, params(config));
    // Embed each query once, whatever the number of modes.
    let vectors: Vec<Vec<f32>> = judged
        .iter()
        .map(|(_, text)| retriever.embed_query(text))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for &mode in modes {
        let mut runs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for ((qid, text), v) in judged.iter().zip(&vectors) {
            let q = Query {
                text: text.clone(),
                k: DEPTH,
                mode,
                filter: Default::default(),
            };
            let hits = retriever.search_with_vector(&q, Some(v))?;
            runs.insert(qid.clone(), hits.into_iter().map(|h| h.report_id).collect());
        }
        out.push(BeirEval {
            report: priors_evaluate::evaluate(&runs, &qrels, &[1, 5, 10, 100]),
            mode: mode.as_str(),
            dataset: dir.display().to_string(),
            documents,
            failed_documents: summary.failed,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok(out)
}
