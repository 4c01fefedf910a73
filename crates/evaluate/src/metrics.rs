//! Per-query metrics at a cut-off `k`, over an already-ranked list of document ids.
//!
//! Shared conventions (trec_eval's, with its default `relevance_level` 1):
//! - a document's grade is its qrels value; unjudged documents have grade 0;
//! - *relevant* means grade ≥ 1; grade-0 judgements are judged non-relevant;
//! - only the first `k` entries of `ranked` are looked at; a list shorter than `k` is
//!   treated as if padded with non-relevant documents;
//! - a document id repeated in `ranked` earns credit only at its first position (the
//!   repeat still occupies its rank); trec_eval refuses such runs, BEIR cannot express them;
//! - `k == 0` gives 0 for every metric (trec_eval requires positive cut-offs);
//! - every value is in `[0, 1]`, and a query without relevant documents scores 0.

use std::collections::{BTreeMap, HashSet};

/// Grades of the first `k` ranked documents (unjudged → 0, repeats → 0).
fn top_k_grades<D: AsRef<str>>(
    ranked: &[D],
    judgments: &BTreeMap<String, u32>,
    k: usize,
) -> Vec<u32> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(k.min(ranked.len()));
    ranked
        .iter()
        .take(k)
        .map(|d| {
            let d = d.as_ref();
            if seen.insert(d) {
                judgments.get(d).copied().unwrap_or(0)
            } else {
                0
            }
        })
        .collect()
}

/// Number of relevant (grade ≥ 1) documents in the judgements.
fn relevant_count(judgments: &BTreeMap<String, u32>) -> usize {
    judgments.values().filter(|&&g| g > 0).count()
}

/// `log2(rank + 1)` for a 0-based position `i` (rank `i + 1`), as trec_eval computes it.
fn discount(i: usize) -> f64 {
    (i as f64 + 2.0).log2()
}

/// Discounted cumulative gain of grades listed in rank order (linear gain = grade).
fn dcg(grades: impl IntoIterator<Item = u32>) -> f64 {
    grades
        .into_iter()
        .enumerate()
        .filter(|&(_, g)| g > 0)
        .map(|(i, g)| f64::from(g) / discount(i))
        .sum()
}

/// nDCG@k exactly as trec_eval's `ndcg_cut.k` (pytrec_eval `ndcg_cut_k`, BEIR `NDCG@k`).
///
/// `DCG@k = Σ_{i=1..k} grade(doc_i) / log2(i + 1)` with linear gains (gain = grade, not
/// `2^grade − 1`); `IDCG@k` is the same sum over all judged grades sorted descending (judged
/// documents the run never retrieved included); `nDCG@k = DCG@k / IDCG@k`, and 0 when the
/// query has no relevant document (IDCG = 0).
pub fn ndcg_at_k<D: AsRef<str>>(ranked: &[D], judgments: &BTreeMap<String, u32>, k: usize) -> f64 {
    let mut ideal: Vec<u32> = judgments.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    ideal.truncate(k);
    let idcg = dcg(ideal);
    if idcg > 0.0 {
        dcg(top_k_grades(ranked, judgments, k)) / idcg
    } else {
        0.0
    }
}

/// Recall@k as trec_eval's `recall.k` (pytrec_eval `recall_k`, BEIR `Recall@k`): relevant
/// documents in the top `k` divided by all relevant documents; 0 if there are none.
pub fn recall_at_k<D: AsRef<str>>(
    ranked: &[D],
    judgments: &BTreeMap<String, u32>,
    k: usize,
) -> f64 {
    let relevant = relevant_count(judgments);
    if relevant == 0 {
        return 0.0;
    }
    let found = top_k_grades(ranked, judgments, k)
        .into_iter()
        .filter(|&g| g > 0)
        .count();
    found as f64 / relevant as f64
}

/// Precision@k as trec_eval's `P.k` (pytrec_eval `P_k`, BEIR `P@k`): relevant documents in
/// the top `k` divided by `k` — always by `k`, even when fewer than `k` were retrieved.
pub fn precision_at_k<D: AsRef<str>>(
    ranked: &[D],
    judgments: &BTreeMap<String, u32>,
    k: usize,
) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let found = top_k_grades(ranked, judgments, k)
        .into_iter()
        .filter(|&g| g > 0)
        .count();
    found as f64 / k as f64
}

/// MRR@k as BEIR's custom `MRR@k` (`beir.retrieval.custom_metrics.mrr`): `1 / rank` of the
/// first relevant document among the top `k`, 0 if none. (trec_eval's `recip_rank` has no
/// cut-off; it equals MRR@k when k ≥ the run length.)
pub fn mrr_at_k<D: AsRef<str>>(ranked: &[D], judgments: &BTreeMap<String, u32>, k: usize) -> f64 {
    top_k_grades(ranked, judgments, k)
        .into_iter()
        .position(|g| g > 0)
        .map_or(0.0, |i| 1.0 / (i as f64 + 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    fn qrels(entries: &[(&str, u32)]) -> BTreeMap<String, u32> {
        entries.iter().map(|(d, g)| (d.to_string(), *g)).collect()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < EPS, "{a} != {b}");
    }

    // log2(3) = ln 3 / ln 2 = 1.584962500721156; log2(4) = 2; log2(5) = 2.321928094887362.
    const LOG2_3: f64 = 1.584_962_500_721_156;
    const LOG2_5: f64 = 2.321_928_094_887_362;

    #[test]
    fn ndcg_graded_hand_checked() {
        // Judgements: a=2, b=1, c=0 (judged non-relevant). Run: [c, b, x(unjudged), a].
        // DCG@10  = 0/log2(2) + 1/log2(3) + 0/log2(4) + 2/log2(5)
        //         = 0.6309297535714575 + 0.8613531161467861 = 1.4922828697182435
        // IDCG@10 = 2/log2(2) + 1/log2(3) = 2 + 0.6309297535714575 = 2.6309297535714575
        // nDCG@10 = 1.4922828697182435 / 2.6309297535714575 = 0.5672074169568709
        let j = qrels(&[("a", 2), ("b", 1), ("c", 0)]);
        let run = ["c", "b", "x", "a"];
        let expected = (1.0 / LOG2_3 + 2.0 / LOG2_5) / (2.0 + 1.0 / LOG2_3);
        close(expected, 0.567_207_416_956_870_9);
        close(ndcg_at_k(&run, &j, 10), expected);
        // Cut at 2: DCG@2 = 1/log2(3); IDCG@2 is unchanged (both relevant fit) → 0.6309/2.6309.
        close(
            ndcg_at_k(&run, &j, 2),
            (1.0 / LOG2_3) / (2.0 + 1.0 / LOG2_3),
        );
        // Cut at 1: DCG@1 = 0 (c has grade 0) → 0.
        close(ndcg_at_k(&run, &j, 1), 0.0);
    }

    #[test]
    fn ndcg_ideal_is_cut_at_k_and_uses_linear_gain() {
        // Judgements: a=2, b=2, c=1. Run [c]. k=1:
        // DCG@1 = 1/log2(2) = 1; IDCG@1 = 2/log2(2) = 2 (only the best grade fits) → 0.5.
        // (With exponential gain 2^g−1 it would be 1/3: linear gain is what trec_eval uses.)
        let j = qrels(&[("a", 2), ("b", 2), ("c", 1)]);
        close(ndcg_at_k(&["c"], &j, 1), 0.5);
        // k=3, run [b, c, a]: DCG = 2/1 + 1/log2(3) + 2/log2(4) = 3.6309297535714575
        // IDCG = 2/1 + 2/log2(3) + 1/log2(4) = 3.761859507142915 → 0.9651954696014428
        let got = ndcg_at_k(&["b", "c", "a"], &j, 3);
        close(got, (2.0 + 1.0 / LOG2_3 + 1.0) / (2.0 + 2.0 / LOG2_3 + 0.5));
        close(got, 0.965_195_469_601_442_8);
        // The swap [a, b, c] is ideal → 1.
        close(ndcg_at_k(&["a", "b", "c"], &j, 3), 1.0);
    }

    #[test]
    fn fewer_than_k_results() {
        // Judgements: a=1, b=1. Run [a] with k=10.
        // nDCG: DCG = 1; IDCG = 1 + 1/log2(3) = 1.6309297535714575 → 0.6131471927654584.
        // Recall: 1 of 2 relevant → 0.5. Precision: 1 relevant / 10 (not / 1) → 0.1. MRR: 1.
        let j = qrels(&[("a", 1), ("b", 1)]);
        close(ndcg_at_k(&["a"], &j, 10), 1.0 / (1.0 + 1.0 / LOG2_3));
        close(ndcg_at_k(&["a"], &j, 10), 0.613_147_192_765_458_4);
        close(recall_at_k(&["a"], &j, 10), 0.5);
        close(precision_at_k(&["a"], &j, 10), 0.1);
        close(mrr_at_k(&["a"], &j, 10), 1.0);
        let empty: [&str; 0] = [];
        for f in [ndcg_at_k::<&str>, recall_at_k, precision_at_k, mrr_at_k] {
            close(f(&empty, &j, 10), 0.0);
        }
    }

    #[test]
    fn no_relevant_documents_scores_zero() {
        // Only grade-0 judgements: IDCG = 0, no relevant docs → every metric is 0.
        let j = qrels(&[("a", 0), ("b", 0)]);
        let run = ["a", "b"];
        for f in [ndcg_at_k::<&str>, recall_at_k, precision_at_k, mrr_at_k] {
            close(f(&run, &j, 10), 0.0);
        }
        let none = qrels(&[]);
        for f in [ndcg_at_k::<&str>, recall_at_k, precision_at_k, mrr_at_k] {
            close(f(&run, &none, 10), 0.0);
        }
    }

    #[test]
    fn recall_precision_mrr_hand_checked() {
        // Judgements: a=2, b=1, c=1, z=0. Run: [x, b, z, a, y, c].
        // Relevant = {a, b, c} (3). Top 3 = [x, b, z]: 1 relevant.
        //   recall@3 = 1/3, P@3 = 1/3, MRR@3 = 1/2 (b at rank 2).
        // Top 5 = [x, b, z, a, y]: 2 relevant → recall@5 = 2/3, P@5 = 2/5.
        // Top 1 = [x] → recall@1 = 0, P@1 = 0, MRR@1 = 0.
        let j = qrels(&[("a", 2), ("b", 1), ("c", 1), ("z", 0)]);
        let run = ["x", "b", "z", "a", "y", "c"];
        close(recall_at_k(&run, &j, 3), 1.0 / 3.0);
        close(precision_at_k(&run, &j, 3), 1.0 / 3.0);
        close(mrr_at_k(&run, &j, 3), 0.5);
        close(recall_at_k(&run, &j, 5), 2.0 / 3.0);
        close(precision_at_k(&run, &j, 5), 0.4);
        close(mrr_at_k(&run, &j, 5), 0.5);
        close(recall_at_k(&run, &j, 1), 0.0);
        close(precision_at_k(&run, &j, 1), 0.0);
        close(mrr_at_k(&run, &j, 1), 0.0);
        close(recall_at_k(&run, &j, 100), 1.0);
        // P@100 = 3/100 (divides by k, not by the 6 retrieved).
        close(precision_at_k(&run, &j, 100), 0.03);
    }

    #[test]
    fn ties_resolved_by_the_caller_change_the_metrics() {
        // Scores: a=0.5 (grade 1), b=0.5 (grade 2). Same scores, two tie rules.
        // trec_eval (id descending): [b, a] → DCG = 2 + 1/log2(3) = IDCG → nDCG@10 = 1.
        // engine (id ascending):     [a, b] → DCG = 1 + 2/log2(3) = 2.261859507142915,
        //                             IDCG = 2.6309297535714575 → 0.8597186998521972.
        // nDCG@1: trec_eval 2/2 = 1; engine 1/2 = 0.5. MRR@10 and recall@10 are 1 either way.
        let j = qrels(&[("a", 1), ("b", 2)]);
        let run = [("a", 0.5), ("b", 0.5)];
        let trec = crate::rank_like_trec_eval(&run);
        let engine = crate::rank_ties_by_id_ascending(&run);
        close(ndcg_at_k(&trec, &j, 10), 1.0);
        close(
            ndcg_at_k(&engine, &j, 10),
            (1.0 + 2.0 / LOG2_3) / (2.0 + 1.0 / LOG2_3),
        );
        close(ndcg_at_k(&engine, &j, 10), 0.859_718_699_852_197_2);
        close(ndcg_at_k(&trec, &j, 1), 1.0);
        close(ndcg_at_k(&engine, &j, 1), 0.5);
        for ranked in [&trec, &engine] {
            close(mrr_at_k(ranked, &j, 10), 1.0);
            close(recall_at_k(ranked, &j, 10), 1.0);
        }
    }

    #[test]
    fn repeats_earn_credit_once() {
        // Judgements: a=1, b=1. Run [a, a, b]: the repeat occupies rank 2 but earns nothing.
        // recall@2 = 1/2 (not 2/2), P@2 = 1/2, nDCG@3 = (1 + 0 + 1/log2(4)) / (1 + 1/log2(3)).
        let j = qrels(&[("a", 1), ("b", 1)]);
        let run = ["a", "a", "b"];
        close(recall_at_k(&run, &j, 2), 0.5);
        close(precision_at_k(&run, &j, 2), 0.5);
        close(ndcg_at_k(&run, &j, 3), 1.5 / (1.0 + 1.0 / LOG2_3));
        assert!(ndcg_at_k(&["a", "a"], &qrels(&[("a", 1)]), 2) <= 1.0);
    }

    #[test]
    fn k_zero_is_zero() {
        let j = qrels(&[("a", 1)]);
        for f in [ndcg_at_k::<&str>, recall_at_k, precision_at_k, mrr_at_k] {
            close(f(&["a"], &j, 0), 0.0);
        }
    }
}
