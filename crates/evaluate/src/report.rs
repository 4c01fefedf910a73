//! Averaging per-query metrics over a qrels set into a [`Report`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::beir::Qrels;
use crate::metrics::{mrr_at_k, ndcg_at_k, precision_at_k, recall_at_k};

/// BEIR's default cut-offs (`EvaluateRetrieval.k_values`).
pub const BEIR_KS: [usize; 6] = [1, 3, 5, 10, 100, 1000];

/// Mean metrics over every judged query.
///
/// Serialized field names are a CLI contract: `"ndcg@10"`, `"recall@100"`, `"mrr@10"` and
/// `"queries"` never change. The headline fields are always computed, whatever cut-offs
/// were asked for; `metrics` holds one entry per requested cut-off and metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Mean nDCG@10 (trec_eval `ndcg_cut.10`).
    #[serde(rename = "ndcg@10")]
    pub ndcg_at_10: f64,
    /// Mean recall@100 (trec_eval `recall.100`).
    #[serde(rename = "recall@100")]
    pub recall_at_100: f64,
    /// Mean MRR@10 (BEIR's `MRR@10`).
    #[serde(rename = "mrr@10")]
    pub mrr_at_10: f64,
    /// Number of queries averaged over: every query with at least one judgement.
    pub queries: usize,
    /// Judged queries with no entry (or an empty list) in the runs; each scored 0 everywhere.
    pub queries_without_run: usize,
    /// Runs for queries absent from the qrels; ignored (as pytrec_eval ignores them).
    pub runs_without_judgments: usize,
    /// `"ndcg@k"`, `"recall@k"`, `"precision@k"` and `"mrr@k"` for every requested `k`
    /// (`k = 0` is skipped), e.g. `"ndcg@5"`.
    pub metrics: BTreeMap<String, f64>,
}

impl Report {
    /// A metric from [`Report::metrics`] by name and cut-off, e.g. `metric("ndcg", 5)`.
    pub fn metric(&self, name: &str, k: usize) -> Option<f64> {
        self.metrics.get(&format!("{name}@{k}")).copied()
    }
}

/// Scores `runs` (query id → ranked document ids, best first) against `qrels`.
///
/// - The average is over **every query of `qrels` that has at least one judgement**, in the
///   spirit of BEIR, which runs exactly those queries. A judged query missing from `runs`
///   (or with an empty list) scores 0 on every metric; a query whose judgements are all
///   grade 0 is averaged in with 0 (pytrec_eval scores it 0 and BEIR averages it in).
/// - Runs for queries not in `qrels` are ignored.
/// - With no judged query at all, every mean is 0 (not NaN) and `queries` is 0.
/// - Ranking is the caller's business: pass lists produced by [`crate::rank_like_trec_eval`]
///   to reproduce pytrec_eval/BEIR exactly when scores tie.
///
/// (BEIR itself averages nDCG/recall/P over the queries pytrec_eval returned, i.e. those in
/// both the run and qrels, but MRR over `len(qrels)`; the two coincide when, as here and
/// in BEIR's own pipeline, every judged query is run.)
pub fn evaluate<D: AsRef<str>>(
    runs: &BTreeMap<String, Vec<D>>,
    qrels: &Qrels,
    ks: &[usize],
) -> Report {
    let mut ks: Vec<usize> = ks.iter().copied().filter(|&k| k > 0).collect();
    ks.sort_unstable();
    ks.dedup();

    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for &k in &ks {
        for name in ["ndcg", "recall", "precision", "mrr"] {
            sums.insert(format!("{name}@{k}"), 0.0);
        }
    }
    let (mut ndcg10, mut recall100, mut mrr10) = (0.0, 0.0, 0.0);
    let mut queries = 0usize;
    let mut queries_without_run = 0usize;
    let empty: Vec<D> = Vec::new();

    for (query, judgments) in qrels {
        if judgments.is_empty() {
            continue;
        }
        queries += 1;
        let ranked: &[D] = match runs.get(query) {
            Some(ranked) if !ranked.is_empty() => ranked,
            _ => {
                queries_without_run += 1;
                &empty
            }
        };
        ndcg10 += ndcg_at_k(ranked, judgments, 10);
        recall100 += recall_at_k(ranked, judgments, 100);
        mrr10 += mrr_at_k(ranked, judgments, 10);
        for &k in &ks {
            for (name, value) in [
                ("ndcg", ndcg_at_k(ranked, judgments, k)),
                ("recall", recall_at_k(ranked, judgments, k)),
                ("precision", precision_at_k(ranked, judgments, k)),
                ("mrr", mrr_at_k(ranked, judgments, k)),
            ] {
                if let Some(sum) = sums.get_mut(&format!("{name}@{k}")) {
                    *sum += value;
                }
            }
        }
    }

    let runs_without_judgments = runs
        .keys()
        .filter(|q| qrels.get(*q).is_none_or(|j| j.is_empty()))
        .count();
    let mean = |sum: f64| {
        if queries == 0 {
            0.0
        } else {
            sum / queries as f64
        }
    };
    Report {
        ndcg_at_10: mean(ndcg10),
        recall_at_100: mean(recall100),
        mrr_at_10: mean(mrr10),
        queries,
        queries_without_run,
        runs_without_judgments,
        metrics: sums
            .into_iter()
            .map(|(name, sum)| (name, mean(sum)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qrels(entries: &[(&str, &str, u32)]) -> Qrels {
        let mut q = Qrels::new();
        for (query, doc, grade) in entries {
            q.entry(query.to_string())
                .or_default()
                .insert(doc.to_string(), *grade);
        }
        q
    }

    fn runs(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(q, docs)| (q.to_string(), docs.iter().map(|d| d.to_string()).collect()))
            .collect()
    }

    #[test]
    fn averages_over_all_judged_queries_missing_runs_count_zero() {
        // qa: a=1; run [a] → nDCG@10 1, recall@100 1, MRR@10 1, P@1 1.
        // qb: b=1; run [x, b] → nDCG@10 = (1/log2(3))/1 = 0.6309297535714575, recall 1, MRR 1/2, P@1 0.
        // qc: c=0 only (judged, nothing relevant); run [c] → 0 everywhere.
        // qd: d=2; no run → 0 everywhere.
        // qz: no judgements; its run is ignored.
        // Means over 4 queries: nDCG@10 = (1 + 0.6309297535714575)/4 = 0.40773243839286436,
        // recall@100 = 2/4 = 0.5, MRR@10 = 1.5/4 = 0.375, P@1 = 1/4.
        let q = qrels(&[
            ("qa", "a", 1),
            ("qb", "b", 1),
            ("qc", "c", 0),
            ("qd", "d", 2),
        ]);
        let r = runs(&[
            ("qa", &["a"]),
            ("qb", &["x", "b"]),
            ("qc", &["c"]),
            ("qz", &["z"]),
        ]);
        let report = evaluate(&r, &q, &[1, 0, 1]);
        assert_eq!(report.queries, 4);
        assert_eq!(report.queries_without_run, 1);
        assert_eq!(report.runs_without_judgments, 1);
        assert!((report.ndcg_at_10 - (1.0 + 1.0 / 3f64.log2()) / 4.0).abs() < 1e-12);
        assert!((report.ndcg_at_10 - 0.407_732_438_392_864_4).abs() < 1e-12);
        assert_eq!(report.recall_at_100, 0.5);
        assert_eq!(report.mrr_at_10, 0.375);
        assert_eq!(report.metric("precision", 1), Some(0.25));
        assert_eq!(
            report.metrics.len(),
            4,
            "k deduplicated, k = 0 skipped: {:?}",
            report.metrics
        );
        assert_eq!(report.metric("ndcg", 0), None);
    }

    #[test]
    fn empty_qrels_give_zeros_not_nan() {
        let report = evaluate(&runs(&[("q", &["a"])]), &Qrels::new(), &BEIR_KS);
        assert_eq!(report.queries, 0);
        assert_eq!(report.ndcg_at_10, 0.0);
        assert!(report.metrics.values().all(|v| *v == 0.0));
        assert_eq!(report.metrics.len(), 4 * BEIR_KS.len());
    }

    #[test]
    fn serializes_with_contract_keys() {
        let q = qrels(&[("q", "a", 1)]);
        let report = evaluate(&runs(&[("q", &["a"])]), &q, &[5]);
        let json = serde_json::to_value(&report).unwrap();
        for key in ["ndcg@10", "recall@100", "mrr@10", "queries"] {
            assert!(json.get(key).is_some(), "missing {key} in {json}");
        }
        assert_eq!(json["queries"], 1);
        assert_eq!(json["ndcg@10"], 1.0);
        assert_eq!(json["metrics"]["ndcg@5"], 1.0);
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
}
