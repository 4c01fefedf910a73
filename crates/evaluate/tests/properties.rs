//! Property tests of the metric functions, the tie-aware ranking and the aggregation.

use std::collections::BTreeMap;

use priors_evaluate::{
    evaluate, mrr_at_k, ndcg_at_k, precision_at_k, rank_like_trec_eval, rank_ties_by_id_ascending,
    recall_at_k, Qrels,
};
use proptest::prelude::*;

type Judgments = BTreeMap<String, u32>;
type Metric = fn(&[String], &Judgments, usize) -> f64;

const METRICS: [(&str, Metric); 4] = [
    ("ndcg", ndcg_at_k::<String>),
    ("recall", recall_at_k::<String>),
    ("precision", precision_at_k::<String>),
    ("mrr", mrr_at_k::<String>),
];

const POOL: usize = 20;

fn doc(i: usize) -> String {
    format!("d{i:02}")
}

/// Judgements over a pool of 20 ids, grades 0..=3 (0 = judged non-relevant).
fn judgments() -> impl Strategy<Value = Judgments> {
    prop::collection::btree_map((0..POOL).prop_map(doc), 0u32..=3, 0..12)
}

/// A ranked list over the same pool plus unjudged ids, repeats allowed.
fn ranked() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((0..POOL + 5).prop_map(doc), 0..30)
}

fn relevant(j: &Judgments) -> Vec<(String, u32)> {
    j.iter()
        .filter(|(_, &g)| g > 0)
        .map(|(d, &g)| (d.clone(), g))
        .collect()
}

proptest! {
    #[test]
    fn metrics_are_in_unit_interval(j in judgments(), r in ranked(), k in 0usize..40) {
        for (name, f) in METRICS {
            let v = f(&r, &j, k);
            prop_assert!((0.0..=1.0).contains(&v), "{name}@{k} = {v}");
            prop_assert!(v.is_finite());
        }
    }

    #[test]
    fn perfect_ranking_scores_one(j in judgments(), tail in ranked(), extra in 0usize..10) {
        let mut rel = relevant(&j);
        prop_assume!(!rel.is_empty());
        // Best grade first; then anything non-relevant.
        rel.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut run: Vec<String> = rel.iter().map(|(d, _)| d.clone()).collect();
        run.extend(tail.into_iter().filter(|d| j.get(d).copied().unwrap_or(0) == 0));
        let k = rel.len() + extra;
        for (name, f) in [METRICS[0], METRICS[1], METRICS[3]] {
            let v = f(&run, &j, k);
            prop_assert!((v - 1.0).abs() < 1e-12, "{name}@{k} = {v} for {run:?} / {j:?}");
        }
        let p = precision_at_k(&run, &j, k);
        prop_assert!((p - rel.len() as f64 / k as f64).abs() < 1e-12);
    }

    #[test]
    fn appending_non_relevant_documents_changes_nothing(
        j in judgments(), r in ranked(), k in 1usize..40, n in 1usize..10
    ) {
        // Non-relevant: unjudged fresh ids, or ids judged 0.
        let mut longer = r.clone();
        let zeros: Vec<String> = j.iter().filter(|(_, &g)| g == 0).map(|(d, _)| d.clone()).collect();
        for i in 0..n {
            longer.push(if i % 2 == 0 || zeros.is_empty() {
                format!("x{i}")
            } else {
                zeros[i % zeros.len()].clone()
            });
        }
        for (name, f) in METRICS {
            prop_assert_eq!(f(&r, &j, k), f(&longer, &j, k), "{}@{}", name, k);
        }
    }

    #[test]
    fn anything_after_rank_k_is_ignored(j in judgments(), r in ranked(), tail in ranked(), k in 1usize..30) {
        prop_assume!(r.len() >= k);
        let mut longer = r.clone();
        longer.extend(tail);
        for (name, f) in METRICS {
            prop_assert_eq!(f(&r, &j, k), f(&longer, &j, k), "{}@{}", name, k);
        }
    }

    #[test]
    fn ndcg_ignores_qrels_insertion_order_and_doc_names(
        j in judgments(), r in ranked(), k in 1usize..30, seed in any::<u64>()
    ) {
        // Insertion order: rebuild the map from a permuted entry list.
        let mut entries: Vec<(String, u32)> = j.iter().map(|(d, &g)| (d.clone(), g)).collect();
        let n = entries.len().max(1);
        entries.rotate_left((seed as usize) % n);
        entries.reverse();
        let permuted: Judgments = entries.into_iter().collect();
        prop_assert_eq!(ndcg_at_k(&r, &j, k), ndcg_at_k(&r, &permuted, k));

        // Names: an order-reversing bijection of ids, applied to run and qrels alike, must not
        // change any metric (no hidden dependence on id order, e.g. in the ideal ranking).
        let rename = |d: &String| -> String {
            match d.strip_prefix('d').and_then(|n| n.parse::<usize>().ok()) {
                Some(n) => format!("e{:02}", 99 - n),
                None => d.clone(),
            }
        };
        let renamed_j: Judgments = j.iter().map(|(d, &g)| (rename(d), g)).collect();
        let renamed_r: Vec<String> = r.iter().map(rename).collect();
        for (name, f) in METRICS {
            let a = f(&r, &j, k);
            let b = f(&renamed_r, &renamed_j, k);
            prop_assert!((a - b).abs() < 1e-12, "{name}@{k}: {a} vs {b}");
        }
    }

    #[test]
    fn promoting_a_better_document_never_lowers_ndcg(
        j in judgments(),
        r in prop::sample::subsequence((0..POOL + 5).map(doc).collect::<Vec<_>>(), 0..25).prop_shuffle(),
        k in 1usize..30,
    ) {
        // Unique ids; swap every adjacent pair whose lower entry has a strictly higher grade.
        let g = |d: &String| j.get(d).copied().unwrap_or(0);
        let before = ndcg_at_k(&r, &j, k);
        for i in 0..r.len().saturating_sub(1) {
            if g(&r[i + 1]) > g(&r[i]) {
                let mut better = r.clone();
                better.swap(i, i + 1);
                let after = ndcg_at_k(&better, &j, k);
                prop_assert!(after >= before - 1e-12, "swap at {i}: {before} -> {after}");
            }
        }
    }

    #[test]
    fn tie_rules_rank_correctly(scores in prop::collection::vec((0..POOL, 0u8..4), 0..25)) {
        // Few distinct scores → many ties. Unique ids, as a real run has.
        let mut seen = std::collections::HashSet::new();
        let run: Vec<(String, f64)> = scores
            .into_iter()
            .filter(|(d, _)| seen.insert(*d))
            .map(|(d, s)| (doc(d), f64::from(s) / 4.0))
            .collect();
        let score: BTreeMap<&str, f64> = run.iter().map(|(d, s)| (d.as_str(), *s)).collect();
        let trec = rank_like_trec_eval(&run);
        let engine = rank_ties_by_id_ascending(&run);
        for ranked in [&trec, &engine] {
            let mut a = ranked.clone();
            a.sort();
            let mut b: Vec<String> = run.iter().map(|(d, _)| d.clone()).collect();
            b.sort();
            prop_assert_eq!(a, b, "a permutation of the run");
        }
        for w in trec.windows(2) {
            let (s0, s1) = (score[w[0].as_str()], score[w[1].as_str()]);
            prop_assert!(s0 > s1 || (s0 == s1 && w[0] > w[1]), "trec_eval order at {:?}", w);
        }
        for w in engine.windows(2) {
            let (s0, s1) = (score[w[0].as_str()], score[w[1].as_str()]);
            prop_assert!(s0 > s1 || (s0 == s1 && w[0] < w[1]), "engine order at {:?}", w);
        }
    }

    #[test]
    fn distinct_scores_make_the_tie_rules_agree(n in 0usize..20, seed in any::<u64>()) {
        let run: Vec<(String, f64)> = (0..n)
            .map(|i| (doc(i), ((i as u64).wrapping_mul(2_654_435_761) ^ seed) as f64))
            .collect();
        let distinct: std::collections::HashSet<u64> = run.iter().map(|(_, s)| s.to_bits()).collect();
        prop_assume!(distinct.len() == run.len());
        prop_assert_eq!(rank_like_trec_eval(&run), rank_ties_by_id_ascending(&run));
    }

    #[test]
    fn evaluate_is_the_mean_of_per_query_metrics(
        per_query in prop::collection::vec((judgments(), ranked(), any::<bool>()), 0..8)
    ) {
        let mut qrels = Qrels::new();
        let mut runs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (i, (j, r, has_run)) in per_query.iter().enumerate() {
            let q = format!("q{i}");
            qrels.insert(q.clone(), j.clone());
            if *has_run {
                runs.insert(q, r.clone());
            }
        }
        let report = evaluate(&runs, &qrels, &[3]);
        let judged: Vec<(&String, &Judgments)> = qrels.iter().filter(|(_, j)| !j.is_empty()).collect();
        prop_assert_eq!(report.queries, judged.len());
        let empty = Vec::new();
        let mean = |f: Metric, k: usize| -> f64 {
            if judged.is_empty() {
                return 0.0;
            }
            let sum: f64 = judged.iter().map(|(q, j)| f(runs.get(*q).unwrap_or(&empty), j, k)).sum();
            sum / judged.len() as f64
        };
        prop_assert!((report.ndcg_at_10 - mean(ndcg_at_k::<String>, 10)).abs() < 1e-12);
        prop_assert!((report.recall_at_100 - mean(recall_at_k::<String>, 100)).abs() < 1e-12);
        prop_assert!((report.mrr_at_10 - mean(mrr_at_k::<String>, 10)).abs() < 1e-12);
        for (name, f) in METRICS {
            let got = report.metric(name, 3).unwrap();
            prop_assert!((got - mean(f, 3)).abs() < 1e-12, "{name}@3");
        }
    }
}
