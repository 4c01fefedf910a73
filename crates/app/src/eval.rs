//! The retrieval evaluations behind `priors eval beir` and `priors eval cases`, run with the
//! real engines through the [`App`]; the metrics themselves are `priors-evaluate`'s.
//!
//! - [`beir`]: a BEIR-format dataset is ingested, through the same pipeline as reports, into
//!   its own collection `beir-<name>-<hash of the path>` (re-used when already built:
//!   re-ingesting is a no-op). Each document becomes a record whose findings are `title` and
//!   `text` (both on and after the `FINDINGS:` line); documents are chunked like reports and
//!   the best chunk stands for the document. Each judged query is run for the top 100
//!   documents and scored with trec_eval definitions. Then each query is run again as a user
//!   query and timed one at a time ([`TIMED_K`]): embedding included (not in BM25 mode),
//!   each engine at its default candidate depth (`retrieval.candidates`, 100 chunks), RRF,
//!   the top 10 reports; the time to ingest and the process's peak RSS are reported too.
//! - [`cases`]: each labelled report's findings are the query (its own patient excluded);
//!   precision@5 of the same cancer type, family and stage group among the hits.

use crate::{App, AppError, Result};
use chrono::NaiveDate;
use priors_core::{CancerType, Labels, ReportRecord};
use priors_evaluate::{BeirPaths, Report};
use priors_parse::{Location, SourceRecord};
use priors_retrieval::{Mode, Query};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Documents retrieved per query (recall@100 needs 100).
const DEPTH: usize = 100;

/// Reports asked for by the timed pass of [`beir`]: a user's query for the top 10. At this
/// `k` each engine returns `retrieval.candidates` chunks (100 by default; the metric pass's
/// `k` of 100 makes it 400), the depth of the Python peer of `make bench` (top 100 from
/// each side, RRF, top 10).
pub const TIMED_K: usize = 10;

/// Output of one BEIR evaluation; `ndcg@10`, `recall@100`, `mrr@10`, `queries`, `mode` are
/// the command's contract.
#[derive(Debug, Serialize)]
pub struct BeirEval {
    /// The trec_eval figures.
    #[serde(flatten)]
    pub report: Report,
    /// Engines.
    pub mode: &'static str,
    /// The dataset directory as given.
    pub dataset: String,
    /// Documents in the corpus.
    pub documents: usize,
    /// Documents the ingest rejected.
    pub failed_documents: usize,
    /// Seconds since the evaluation started (ingest included).
    pub seconds: f64,
    /// Seconds the ingest of the corpus took (embedding and both engines' writes; the model
    /// was loaded before), near 0 when the collection was re-used (see `ingest_reused`).
    pub ingest_seconds: f64,
    /// The collection already held every document: nothing was embedded or written, and
    /// `ingest_seconds` is not an ingest time.
    pub ingest_reused: bool,
    /// Reports asked for per timed query ([`TIMED_K`]).
    pub query_k: usize,
    /// Median latency of one query, milliseconds (nearest rank): each judged query run alone
    /// as a user query, embedding included (none in BM25 mode), at [`TIMED_K`]. `None` with
    /// no judged query.
    pub query_p50_ms: Option<f64>,
    /// 99th percentile of the same latencies (nearest rank).
    pub query_p99_ms: Option<f64>,
    /// nDCG@10 of the timed queries (engines at their default depth; `ndcg@10` above is the
    /// metric pass's, at 100 reports).
    #[serde(rename = "query_ndcg@10")]
    pub query_ndcg_at_10: f64,
    /// Peak resident set of this process at the end of the evaluation (VmHWM, MiB; ingest and
    /// every mode included). `None` where `/proc/self/status` has no VmHWM (not Linux).
    pub peak_rss_mib: Option<f64>,
}

/// `VmHWM` (peak resident set) of a `/proc/<pid>/status` text, in MiB.
pub fn vm_hwm_mib(status: &str) -> Option<f64> {
    status_mib(status, "VmHWM")
}

/// A memory field of a `/proc/<pid>/status` text (`VmRSS`, `VmHWM`, `RssAnon`, …), in MiB;
/// `None` when absent or not in kB.
pub fn status_mib(status: &str, key: &str) -> Option<f64> {
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))?;
    let mut fields = line.split_whitespace();
    let value: f64 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") => Some(value / 1024.0),
        _ => None,
    }
}

/// This process's peak resident set so far, MiB (`None` off Linux).
pub fn peak_rss_mib() -> Option<f64> {
    vm_hwm_mib(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// Where a BEIR dataset lives and which of its files to use.
#[derive(Debug, Clone)]
pub struct BeirRun<'a> {
    /// The dataset directory (corpus.jsonl, queries.jsonl, qrels/test.tsv).
    pub dir: &'a Path,
    /// Queries file instead of `dir/queries.jsonl`.
    pub queries: Option<&'a Path>,
    /// Judgements instead of `dir/qrels/test.tsv`.
    pub qrels: Option<&'a Path>,
    /// Engines to evaluate, one result each.
    pub modes: &'a [Mode],
    /// Draw an ingest progress bar.
    pub progress: bool,
}

/// Name of the collection a dataset is ingested into: its folder name and a hash of the
/// full path, so two datasets with the same folder name do not collide.
pub fn beir_collection(dir: &Path) -> String {
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
    // FNV-1a of the full path.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in canonical.to_string_lossy().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    format!("beir-{name}-{:08x}", h as u32)
}

/// The corpus as report records for the ingest pipeline (documents have no date; no date
/// filter is used).
fn corpus_records(corpus: &Path) -> Result<Vec<SourceRecord>> {
    let date = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
    let file = corpus.display().to_string();
    let mut out = Vec::new();
    for (i, doc) in priors_evaluate::read_corpus(corpus)?.enumerate() {
        let doc = doc?;
        // The title shares the FINDINGS line, so that a title that reads like a section
        // header ("Summary") cannot empty the findings.
        let body = if doc.title.trim().is_empty() {
            doc.text
        } else {
            format!("{}\n{}", doc.title.trim(), doc.text)
        };
        out.push(SourceRecord {
            location: Location {
                file: file.clone(),
                line: Some(i + 1),
                record: i + 1,
            },
            result: Ok(ReportRecord {
                report_id: doc.id.clone(),
                patient_id: doc.id,
                exam_date: date,
                modality: Some("document".to_string()),
                tracer: None,
                text: format!("FINDINGS: {body}"),
                labels: None,
            }),
        });
    }
    Ok(out)
}

/// nDCG@10, recall@100 and MRR@10 of a BEIR dataset, one result per mode.
pub fn beir(app: &App, run: &BeirRun<'_>) -> Result<Vec<BeirEval>> {
    let started = std::time::Instant::now();
    let mut paths = BeirPaths::in_dir(run.dir, "test");
    if let Some(q) = run.queries {
        paths.queries = q.to_path_buf();
    }
    if let Some(q) = run.qrels {
        paths.qrels = q.to_path_buf();
    }
    let name = beir_collection(run.dir);
    let records = corpus_records(&paths.corpus)?;
    let documents = records.len();
    let mut opts = app.ingest_options(run.progress);
    // Scientific abstracts can be longer than a report.
    opts.max_report_bytes = opts.max_report_bytes.max(1 << 20);
    // The model is loaded before the clock starts (as the peer loads its own first).
    app.embedder()?;
    let ingest_started = std::time::Instant::now();
    let summary = app.ingest_records(&name, records, &opts)?;
    let ingest_seconds = ingest_started.elapsed().as_secs_f64();
    let ingest_reused = summary.ingested == 0 && summary.updated == 0 && summary.unchanged > 0;
    let qrels = priors_evaluate::load_qrels(&paths.qrels)?;
    let judged =
        priors_evaluate::judged_queries(&priors_evaluate::load_queries(&paths.queries)?, &qrels);
    let retriever = app.retriever(&name)?;
    // Embed each query once, whatever the number of modes.
    let vectors: Vec<Vec<f32>> = judged
        .iter()
        .map(|(_, text)| retriever.embed_query(text))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for &mode in run.modes {
        let mut runs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for ((qid, text), v) in judged.iter().zip(&vectors) {
            let q = Query {
                text: text.clone(),
                k: DEPTH,
                mode,
                filter: Default::default(),
                per: priors_retrieval::Per::Report,
            };
            let hits = retriever.search_with_vector(&q, Some(v))?;
            runs.insert(qid.clone(), hits.into_iter().map(|h| h.report_id).collect());
        }
        let report = priors_evaluate::evaluate(&runs, &qrels, &[1, 5, 10, 100]);
        // The timed pass: one user query at a time, the query embedded inside the clock.
        let mut timed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ms = Vec::with_capacity(judged.len());
        for (qid, text) in &judged {
            let q = Query {
                text: text.clone(),
                k: TIMED_K,
                mode,
                filter: Default::default(),
                per: priors_retrieval::Per::Report,
            };
            let t = std::time::Instant::now();
            let hits = retriever.search(&q)?;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
            timed.insert(qid.clone(), hits.into_iter().map(|h| h.report_id).collect());
        }
        ms.sort_by(f64::total_cmp);
        out.push(BeirEval {
            report,
            mode: mode.as_str(),
            dataset: run.dir.display().to_string(),
            documents,
            failed_documents: summary.failed,
            seconds: started.elapsed().as_secs_f64(),
            ingest_seconds,
            ingest_reused,
            query_k: TIMED_K,
            query_p50_ms: priors_evaluate::nearest_rank(&ms, 50.0),
            query_p99_ms: priors_evaluate::nearest_rank(&ms, 99.0),
            query_ndcg_at_10: priors_evaluate::evaluate(&timed, &qrels, &[]).ndcg_at_10,
            peak_rss_mib: None,
        });
    }
    let peak = peak_rss_mib();
    for e in &mut out {
        e.peak_rss_mib = peak;
    }
    Ok(out)
}

/// The collection `priors eval cases` ingests its corpus into.
pub const CASES_COLLECTION: &str = "eval-cases";

/// Figures of `priors eval cases` for one mode.
#[derive(Debug, Serialize)]
pub struct CaseEval {
    /// Engines.
    pub mode: &'static str,
    /// Labelled reports used as queries.
    pub queries: usize,
    /// Mean share of the top 5 with the query's cancer type.
    #[serde(rename = "cancer_type_p@5")]
    pub cancer_type_p5: f64,
    /// Queries whose label has a stage.
    pub stage_queries: usize,
    /// Mean share of the top 5 with the query's stage group.
    #[serde(rename = "stage_group_p@5")]
    pub stage_group_p5: f64,
    /// Same diagnostic family (the three lymphomas are one family, the five benign mimics
    /// another, each solid tumour its own): separates "wrong lymphoma subtype" from "wrong
    /// disease".
    #[serde(rename = "cancer_family_p@5")]
    pub cancer_family_p5: f64,
    /// `cancer_type_p@5` per time point of the query (staging, interim, …).
    #[serde(rename = "cancer_type_p@5_by_timepoint")]
    pub by_timepoint: BTreeMap<String, f64>,
    /// `cancer_type_p@5` per cancer type of the query.
    #[serde(rename = "cancer_type_p@5_by_type")]
    pub by_type: BTreeMap<String, f64>,
    /// Mean number of distinct patients among the top 5 reports (5 = no patient repeated).
    #[serde(rename = "distinct_patients@5")]
    pub distinct_patients5: f64,
    /// The same queries with one hit per patient (the patient's best report): what a
    /// clinician means by five similar cases.
    pub per_patient: PatientLevel,
}

/// Figures of one mode with one hit per patient.
#[derive(Debug, Serialize)]
pub struct PatientLevel {
    /// Same cancer type among the top 5 patients.
    #[serde(rename = "cancer_type_p@5")]
    pub cancer_type_p5: f64,
    /// Same diagnostic family among the top 5 patients.
    #[serde(rename = "cancer_family_p@5")]
    pub cancer_family_p5: f64,
    /// Same time point (staging, interim…) among the top 5 patients.
    #[serde(rename = "timepoint_p@5")]
    pub timepoint_p5: f64,
    /// Mean number of distinct patients among the top 5 (5 by construction when 5 exist).
    #[serde(rename = "distinct_patients@5")]
    pub distinct_patients5: f64,
}

/// Diagnostic family of a cancer type id (see [`CaseEval::cancer_family_p5`]); an id outside
/// the vocabulary is its own family.
fn family(cancer_type: &str) -> &str {
    CancerType::parse(cancer_type).map_or(cancer_type, |t| t.family().id())
}

/// Mean of the values per key.
fn means(sums: HashMap<String, (f64, usize)>) -> BTreeMap<String, f64> {
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

/// The labels of a JSONL corpus, by report id, with the report's patient id.
fn corpus_labels(corpus: &Path) -> Result<HashMap<String, (String, Labels)>> {
    let mut labels = HashMap::new();
    for (i, line) in crate::read_to_string(corpus)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: ReportRecord = serde_json::from_str(line).map_err(|e| AppError::Invalid {
            field: "corpus",
            reason: format!("{} line {}: {e}", corpus.display(), i + 1),
        })?;
        if let Some(l) = r.labels {
            labels.insert(r.report_id, (r.patient_id, l));
        }
    }
    Ok(labels)
}

/// What `priors eval cases` measures: the figures per mode, and the bound on same-type
/// precision that the labels alone set.
#[derive(Debug, Serialize)]
pub struct CasesReport {
    /// One entry per mode.
    pub modes: Vec<CaseEval>,
    /// Same-cancer-type P@5 of a retriever that returns only reports of the query's family
    /// (own patient excluded) but cannot tell the types of a family apart: the expected share
    /// of the query's type among those reports, averaged over the queries.
    #[serde(rename = "family_ceiling_p@5")]
    pub family_ceiling_p5: f64,
}

/// The [`CasesReport::family_ceiling_p5`] of labelled reports `(patient id, cancer type)`.
fn family_ceiling(labelled: &[(&str, &str)]) -> f64 {
    let mut sum = 0.0;
    for &(pid, t) in labelled {
        let pool: Vec<&str> = labelled
            .iter()
            .filter(|(p, u)| *p != pid && family(u) == family(t))
            .map(|(_, u)| *u)
            .collect();
        if !pool.is_empty() {
            sum += pool.iter().filter(|u| **u == t).count() as f64 / pool.len() as f64;
        }
    }
    sum / labelled.len().max(1) as f64
}

/// Each labelled report's findings as a query (its own patient excluded): precision@5 of
/// same cancer type and same stage group among the hits, and how many distinct patients the
/// top 5 reports hold, per mode; then the same queries with one hit per patient (same type,
/// family and time point among the top 5 patients).
pub fn cases(app: &App, corpus: &Path, modes: &[Mode], progress: bool) -> Result<CasesReport> {
    let summary = app.ingest(
        CASES_COLLECTION,
        &[corpus.to_path_buf()],
        &app.ingest_options(progress),
    )?;
    if summary.failed > 0 {
        return Err(AppError::Invalid {
            field: "corpus",
            reason: format!("corpus has {} bad records", summary.failed),
        });
    }
    let with_patients = corpus_labels(corpus)?;
    let mut labelled: Vec<(&str, &str)> = with_patients
        .values()
        .map(|(p, l)| (p.as_str(), l.cancer_type.as_str()))
        .collect();
    labelled.sort_unstable();
    let family_ceiling_p5 = family_ceiling(&labelled);
    let labels: HashMap<&String, &Labels> =
        with_patients.iter().map(|(id, (_, l))| (id, l)).collect();
    let retriever = app.retriever(CASES_COLLECTION)?;
    let mut ids: Vec<&String> = labels.keys().copied().collect();
    ids.sort();
    let mut out = Vec::new();
    for &mode in modes {
        let (mut ct, mut ct_n, mut sg, mut sg_n) = (0f64, 0usize, 0f64, 0usize);
        let mut fam = 0f64;
        let mut by_tp: HashMap<String, (f64, usize)> = HashMap::new();
        let mut by_ty: HashMap<String, (f64, usize)> = HashMap::new();
        let (mut distinct, mut pp_ct, mut pp_fam, mut pp_tp, mut pp_distinct) =
            (0f64, 0f64, 0f64, 0f64, 0f64);
        for id in &ids {
            let label = labels[*id];
            let hits = retriever.similar(id, 5, mode)?;
            distinct += hits
                .iter()
                .map(|h| h.patient_id.as_str())
                .collect::<std::collections::HashSet<_>>()
                .len() as f64;
            // One hit per patient.
            let cases = retriever.similar_filtered(
                id,
                5,
                mode,
                priors_core::SearchFilter::default(),
                priors_retrieval::Per::Patient,
            )?;
            let share = |f: &dyn Fn(&Labels) -> bool| {
                cases
                    .iter()
                    .filter(|h| labels.get(&h.report_id).is_some_and(|l| f(l)))
                    .count() as f64
                    / 5.0
            };
            pp_ct += share(&|l| l.cancer_type == label.cancer_type);
            pp_fam += share(&|l| family(&l.cancer_type) == family(&label.cancer_type));
            pp_tp += share(&|l| l.timepoint.is_some() && l.timepoint == label.timepoint);
            pp_distinct += cases
                .iter()
                .map(|h| h.patient_id.as_str())
                .collect::<std::collections::HashSet<_>>()
                .len() as f64;
            let same = |f: &dyn Fn(&Labels) -> bool| {
                hits.iter()
                    .filter(|h| labels.get(&h.report_id).is_some_and(|l| f(l)))
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
            distinct_patients5: distinct / ct_n.max(1) as f64,
            per_patient: PatientLevel {
                cancer_type_p5: pp_ct / ct_n.max(1) as f64,
                cancer_family_p5: pp_fam / ct_n.max(1) as f64,
                timepoint_p5: pp_tp / ct_n.max(1) as f64,
                distinct_patients5: pp_distinct / ct_n.max(1) as f64,
            },
        });
    }
    Ok(CasesReport {
        modes: out,
        family_ceiling_p5,
    })
}

#[cfg(test)]
mod tests {
    use super::{family_ceiling, stage_group, vm_hwm_mib};

    #[test]
    fn vm_hwm_is_read_from_a_proc_status_text() {
        let status =
            "Name:\tpriors\nVmPeak:\t 2097152 kB\nVmHWM:\t 1153434 kB\nVmRSS:\t  1024 kB\n";
        assert_eq!(vm_hwm_mib(status), Some(1153434.0 / 1024.0));
        assert_eq!(vm_hwm_mib("VmHWM:\t2048 kB"), Some(2.0));
        // Absent, without a value, in another unit, or not a number: none.
        assert_eq!(vm_hwm_mib("Name:\tx\nVmRSS:\t1024 kB\n"), None);
        assert_eq!(vm_hwm_mib("VmHWM:\n"), None);
        assert_eq!(vm_hwm_mib("VmHWM:\t2048 MB\n"), None);
        assert_eq!(vm_hwm_mib("VmHWM:\tmany kB\n"), None);
        // Only a line that starts with the key.
        assert_eq!(vm_hwm_mib("XVmHWM:\t2048 kB\n"), None);
        // Any field by name, not one that only starts like it.
        assert_eq!(super::status_mib(status, "VmRSS"), Some(1.0));
        assert_eq!(super::status_mib("VmRSSx:\t1024 kB\n", "VmRSS"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_peak_rss() {
        assert!(super::peak_rss_mib().is_some_and(|m| m > 0.0));
    }

    #[test]
    fn family_ceiling_is_the_share_of_the_type_within_its_family() {
        // P1's DLBCL sees one DLBCL and one follicular lymphoma of other patients (1/2); P2's
        // DLBCL sees one DLBCL and one follicular (1/2); P3's follicular sees two DLBCL (0/2);
        // the breast query has no other breast report (counts 0).
        let labelled = [
            ("P1", "dlbcl"),
            ("P2", "dlbcl"),
            ("P3", "follicular_lymphoma"),
            ("P4", "breast"),
        ];
        assert!((family_ceiling(&labelled) - (0.5 + 0.5 + 0.0 + 0.0) / 4.0).abs() < 1e-12);
        assert_eq!(family_ceiling(&[]), 0.0);
    }

    #[test]
    fn stage_groups() {
        assert_eq!(stage_group("IIIA"), Some("III"));
        assert_eq!(stage_group("IVB"), Some("IV"));
        assert_eq!(stage_group("IIE"), Some("II"));
        assert_eq!(stage_group("IA1"), Some("I"));
        assert_eq!(stage_group(""), None);
    }
}
