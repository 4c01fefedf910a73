//! `priors search`, `similar`, `timeline` and `eval cases`: the retrieval commands.

use anyhow::{Context, Result};
use priors_core::{Config, ReportRecord, SearchFilter};
use priors_embed::FastEmbedder;
use priors_retrieval::{Hit, Mode, Query, RetrievalParams, Retriever};
use priors_store::Stores;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub(crate) use priors_store::collections::{collection_dir, GUIDELINES, REPORTS};

/// Open the stores of a collection.
pub(crate) fn open_collection(config: &Config, name: &str) -> Result<Stores> {
    priors_store::collections::open_collection(config, name).with_context(|| {
        format!(
            "opening collection {name} in {}",
            collection_dir(config, name).display()
        )
    })
}

pub(crate) fn params(config: &Config) -> RetrievalParams {
    config.retrieval.clone()
}

/// A retriever over one collection.
pub(crate) fn retriever(config: &Config, collection: &str) -> Result<Retriever> {
    let embedder = Arc::new(FastEmbedder::load(&config.embedding)?);
    let stores = Arc::new(open_collection(config, collection)?);
    Ok(Retriever::new(stores, embedder, params(config)))
}

#[derive(Serialize)]
struct Hits<'a> {
    hits: &'a [Hit],
}

pub(crate) fn print_hits(hits: &[Hit], json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string(&Hits { hits })?);
        return Ok(());
    }
    if hits.is_empty() {
        println!("no matching reports");
    }
    for (i, h) in hits.iter().enumerate() {
        println!(
            "{:>2}. {} {} {} [{}] score {:.4} (bm25 #{}, dense #{})",
            i + 1,
            h.report_id,
            h.patient_id,
            h.exam_date,
            h.cancer_type.as_deref().unwrap_or("-"),
            h.score,
            h.bm25_rank.map_or("-".into(), |r| r.to_string()),
            h.dense_rank.map_or("-".into(), |r| r.to_string()),
        );
        println!("    {}: {}", h.section.as_str(), h.snippet);
    }
    Ok(())
}

/// Build a filter from the search command's options.
pub(crate) fn filter_from(
    pairs: &[String],
    exclude_patients: &[String],
    since: Option<&str>,
    until: Option<&str>,
) -> Result<SearchFilter> {
    let mut f = SearchFilter::default();
    for p in pairs {
        f.set(p)?;
    }
    if let Some(s) = since {
        f.set(&format!("since={s}"))?;
    }
    if let Some(u) = until {
        f.set(&format!("until={u}"))?;
    }
    f.exclude_patients.extend(exclude_patients.iter().cloned());
    Ok(f)
}

pub(crate) fn search(
    config: &Config,
    collection: &str,
    text: &str,
    k: usize,
    mode: Mode,
    filter: SearchFilter,
) -> Result<Vec<Hit>> {
    anyhow::ensure!(
        collection_dir(config, collection)
            .join("manifest.json")
            .is_file(),
        "collection `{collection}` does not exist yet (ingest into it first: `priors ingest` \
         for {REPORTS}, `priors ingest-guidelines` for {GUIDELINES})"
    );
    let r = retriever(config, collection)?;
    Ok(r.search(&Query {
        text: text.to_string(),
        k,
        mode,
        filter,
    })?)
}

/// Ingest guideline passages into the `guidelines` collection, through the same pipeline as
/// reports: each passage becomes a record (id = passage id) whose findings are its title and
/// text, with its source and edition.
pub(crate) fn ingest_guidelines(
    config: &Config,
    passages: &Path,
    progress: bool,
) -> Result<priors_ingest::IngestSummary> {
    let passages = priors_staging::load_passages(passages)
        .with_context(|| format!("loading {}", passages.display()))?;
    let stores = open_collection(config, GUIDELINES)?;
    let records = stores.dir().join("passages.priors.jsonl");
    let mut out = String::new();
    for p in &passages {
        let rec = serde_json::json!({
            "report_id": p.id,
            "patient_id": "guideline",
            "exam_date": "2000-01-01",
            "modality": "guideline",
            "text": format!(
                "FINDINGS: {}\n{}\n\nSource: {}, {}; {}.",
                p.title, p.text, p.source, p.edition, p.section
            ),
        });
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    std::fs::write(&records, out).with_context(|| format!("writing {}", records.display()))?;
    let embedder = FastEmbedder::load(&config.embedding)?;
    let opts = priors_ingest::IngestOptions::from_config(config, progress);
    Ok(priors_ingest::ingest(
        &[records],
        &stores,
        &embedder,
        embedder.workers(),
        &opts,
    )?)
}

/// Figures of `priors eval cases` for one mode.
#[derive(Debug, Serialize)]
pub(crate) struct CaseEval {
    mode: &'static str,
    queries: usize,
    #[serde(rename = "cancer_type_p@5")]
    cancer_type_p5: f64,
    stage_queries: usize,
    #[serde(rename = "stage_group_p@5")]
    stage_group_p5: f64,
    /// Same diagnostic family (the three lymphomas are one family, the five benign mimics
    /// another, each solid tumour its own): separates "wrong lymphoma subtype" from "wrong
    /// disease".
    #[serde(rename = "cancer_family_p@5")]
    cancer_family_p5: f64,
    /// `cancer_type_p@5` per time point of the query (staging, interim, …).
    #[serde(rename = "cancer_type_p@5_by_timepoint")]
    by_timepoint: std::collections::BTreeMap<String, f64>,
    /// `cancer_type_p@5` per cancer type of the query.
    #[serde(rename = "cancer_type_p@5_by_type")]
    by_type: std::collections::BTreeMap<String, f64>,
}

/// Diagnostic family of a cancer type (see [`CaseEval::cancer_family_p5`]).
fn family(cancer_type: &str) -> &str {
    match cancer_type {
        "dlbcl" | "hodgkin_lymphoma" | "follicular_lymphoma" => "lymphoma",
        "sarcoidosis"
        | "infection_inflammation"
        | "brown_fat"
        | "post_radiation"
        | "reactive_nodes" => "benign",
        other => other,
    }
}

/// Mean of the values per key.
fn means(sums: HashMap<String, (f64, usize)>) -> std::collections::BTreeMap<String, f64> {
    sums.into_iter()
        .map(|(k, (s, n))| (k, s / n.max(1) as f64))
        .collect()
}

/// Stage group of a label: `IIIA` → `III`, `IVB` → `IV`, Lugano `IIE` → `II`.
fn stage_group(stage: &str) -> Option<&'static str> {
    let s = stage.trim().to_ascii_uppercase();
    ["IV", "III", "II", "I"]
        .into_iter()
        .find(|g| s.starts_with(g))
}

/// Each labelled report's findings as a query (its own patient excluded): precision@5 of
/// same cancer type and same stage group among the hits, per mode.
pub(crate) fn eval_cases(
    config: &Config,
    corpus: &Path,
    modes: &[Mode],
    progress: bool,
) -> Result<Vec<CaseEval>> {
    let stores = Arc::new(open_collection(config, "eval-cases")?);
    let embedder = Arc::new(FastEmbedder::load(&config.embedding)?);
    let opts = priors_ingest::IngestOptions::from_config(config, progress);
    let summary = priors_ingest::ingest(
        &[corpus.to_path_buf()],
        &stores,
        embedder.as_ref(),
        embedder.workers(),
        &opts,
    )?;
    anyhow::ensure!(
        summary.failed == 0,
        "corpus has {} bad records",
        summary.failed
    );
    let labels: HashMap<String, priors_core::Labels> = std::fs::read_to_string(corpus)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str::<ReportRecord>)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter_map(|r| r.labels.map(|l| (r.report_id, l)))
        .collect();
    let retriever = Retriever::new(stores, embedder, params(config));
    let mut ids: Vec<&String> = labels.keys().collect();
    ids.sort();
    let mut out = Vec::new();
    for &mode in modes {
        let (mut ct, mut ct_n, mut sg, mut sg_n) = (0f64, 0usize, 0f64, 0usize);
        let mut fam = 0f64;
        let mut by_tp: HashMap<String, (f64, usize)> = HashMap::new();
        let mut by_ty: HashMap<String, (f64, usize)> = HashMap::new();
        for id in &ids {
            let label = &labels[*id];
            let hits = retriever.similar(id, 5, mode)?;
            let same = |f: &dyn Fn(&priors_core::Labels) -> bool| {
                hits.iter()
                    .filter(|h| labels.get(&h.report_id).is_some_and(f))
                    .count() as f64
                    / 5.0
            };
            let p = same(&|l| l.cancer_type == label.cancer_type);
            ct += p;
            ct_n += 1;
            fam += same(&|l| family(&l.cancer_type) == family(&label.cancer_type));
            let tp = label.timepoint.clone().unwrap_or_else(|| "unknown".into());
            let e = by_tp.entry(tp).or_default();
            e.0 += p;
            e.1 += 1;
            let e = by_ty.entry(label.cancer_type.clone()).or_default();
            e.0 += p;
            e.1 += 1;
            if let Some(g) = label.stage.as_deref().and_then(stage_group) {
                sg += same(&|l| l.stage.as_deref().and_then(stage_group) == Some(g));
                sg_n += 1;
            }
        }
        out.push(CaseEval {
            mode: mode.as_str(),
            queries: ct_n,
            cancer_type_p5: ct / ct_n.max(1) as f64,
            stage_queries: sg_n,
            stage_group_p5: sg / sg_n.max(1) as f64,
            cancer_family_p5: fam / ct_n.max(1) as f64,
            by_timepoint: means(by_tp),
            by_type: means(by_ty),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::stage_group;

    #[test]
    fn stage_groups() {
        assert_eq!(stage_group("IIIA"), Some("III"));
        assert_eq!(stage_group("IVB"), Some("IV"));
        assert_eq!(stage_group("IIE"), Some("II"));
        assert_eq!(stage_group("IA1"), Some("I"));
        assert_eq!(stage_group(""), None);
    }
}
