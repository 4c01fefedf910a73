//! The `tests/fixtures/beir-mini` fixture: loading, and the two example runs of its README.
//!
//! The runs are hard-coded here exactly as the README writes them, and every expected number
//! is the README's hand arithmetic (decimal literals), not something computed by this crate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use priors_evaluate::{
    evaluate, judged_queries, judged_queries_without_text, load_corpus, load_qrels, load_queries,
    rank_like_trec_eval, rank_ties_by_id_ascending, read_corpus, BeirPaths, Qrels, Report,
};

const TOL: f64 = 1e-9;

fn fixture() -> BeirPaths {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/beir-mini");
    assert!(dir.is_dir(), "fixture missing: {}", dir.display());
    BeirPaths::in_dir(dir, "test")
}

fn qrels() -> Qrels {
    load_qrels(fixture().qrels).expect("fixture qrels load")
}

fn assert_close(report: &Report, name: &str, k: usize, expected: f64) {
    let got = report
        .metric(name, k)
        .unwrap_or_else(|| panic!("{name}@{k} missing from {:?}", report.metrics));
    assert!(
        (got - expected).abs() < TOL,
        "{name}@{k}: got {got}, README says {expected}"
    );
}

fn close(name: &str, got: f64, expected: f64) {
    assert!(
        (got - expected).abs() < TOL,
        "{name}: got {got}, README says {expected}"
    );
}

#[test]
fn fixture_loads_with_expected_shape() {
    let paths = fixture();
    let docs = load_corpus(&paths.corpus).unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let expected: Vec<String> = (1..=12).map(|i| format!("d{i:02}")).collect();
    assert_eq!(ids, expected);
    assert!(docs.iter().all(|d| !d.text.is_empty()));
    // d09 has no title field, d10 an empty one; the others have titles.
    let untitled: Vec<&str> = docs
        .iter()
        .filter(|d| d.title.is_empty())
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(untitled, ["d09", "d10"]);
    // The streaming reader yields the same documents.
    let streamed: Vec<_> = read_corpus(&paths.corpus)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(streamed, docs);

    let queries = load_queries(&paths.queries).unwrap();
    assert_eq!(queries.len(), 6);
    let qrels = qrels();
    assert_eq!(qrels.len(), 5);
    assert_eq!(qrels.values().map(BTreeMap::len).sum::<usize>(), 8);
    assert_eq!(
        qrels
            .values()
            .flat_map(|j| j.values())
            .filter(|&&g| g > 0)
            .count(),
        7
    );
    assert_eq!(qrels["q2"]["d08"], 0);
    assert_eq!(
        qrels["q1"],
        BTreeMap::from([("d01".into(), 1), ("d02".into(), 2)])
    );

    let judged: Vec<String> = judged_queries(&queries, &qrels)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(judged, ["q1", "q2", "q3", "q4", "q5"]);
    assert!(judged_queries_without_text(&queries, &qrels).is_empty());
    // Every judged document exists.
    assert!(qrels
        .values()
        .flat_map(|j| j.keys())
        .all(|d| ids.contains(&d.as_str())));
}

#[test]
fn queries_share_distinctive_words_with_their_relevant_documents() {
    // Guards future edits of the fixture: each relevant document contains at least one
    // query word of five or more letters (case-insensitive).
    let paths = fixture();
    let docs: BTreeMap<String, String> = load_corpus(&paths.corpus)
        .unwrap()
        .into_iter()
        .map(|d| (d.id, format!("{} {}", d.title, d.text).to_lowercase()))
        .collect();
    let queries: BTreeMap<String, String> =
        load_queries(&paths.queries).unwrap().into_iter().collect();
    for (query, judgments) in qrels() {
        let words: Vec<String> = queries[&query]
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 5)
            .map(str::to_string)
            .collect();
        for (doc, grade) in judgments {
            if grade > 0 {
                assert!(
                    words.iter().any(|w| docs[&doc].contains(w.as_str())),
                    "{query} shares no distinctive word with {doc}"
                );
            }
        }
    }
}

fn ranked(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    entries
        .iter()
        .map(|(q, docs)| (q.to_string(), docs.iter().map(|d| d.to_string()).collect()))
        .collect()
}

#[test]
fn run_p_perfect_matches_readme() {
    let run = ranked(&[
        ("q1", &["d02", "d01"]),
        ("q2", &["d03"]),
        ("q3", &["d04"]),
        ("q4", &["d06", "d07"]),
        ("q5", &["d05"]),
    ]);
    let report = evaluate(&run, &qrels(), &[1, 10]);
    assert_eq!(report.queries, 5);
    assert_eq!(report.queries_without_run, 0);
    close("ndcg@10", report.ndcg_at_10, 1.0);
    close("recall@100", report.recall_at_100, 1.0);
    close("mrr@10", report.mrr_at_10, 1.0);
    assert_close(&report, "precision", 10, 0.14);
    assert_close(&report, "recall", 1, 0.8);
}

/// Run I of the README, as scored pairs (q4 has an exact tie at 0.6).
fn run_i() -> Vec<(&'static str, Vec<(&'static str, f64)>)> {
    vec![
        ("q1", vec![("d01", 0.9), ("d02", 0.8), ("d06", 0.1)]),
        ("q2", vec![("d08", 0.7), ("d09", 0.5), ("d03", 0.4)]),
        // q3: no run at all.
        ("q4", vec![("d06", 0.6), ("d07", 0.6), ("d10", 0.2)]),
        (
            "q5",
            vec![
                ("d01", 0.95),
                ("d02", 0.90),
                ("d03", 0.85),
                ("d04", 0.80),
                ("d06", 0.75),
                ("d07", 0.70),
                ("d08", 0.65),
                ("d09", 0.60),
                ("d10", 0.55),
                ("d11", 0.50),
                ("d05", 0.45),
            ],
        ),
        ("q6", vec![("d11", 1.0)]),
    ]
}

fn rank_run_i(rank: fn(&[(&'static str, f64)]) -> Vec<String>) -> BTreeMap<String, Vec<String>> {
    run_i()
        .into_iter()
        .map(|(q, scored)| (q.to_string(), rank(&scored)))
        .collect()
}

#[test]
fn run_i_trec_eval_order_matches_readme() {
    let runs = rank_run_i(rank_like_trec_eval);
    assert_eq!(
        runs["q4"],
        ["d07", "d06", "d10"],
        "trec_eval breaks the tie by id descending"
    );
    let report = evaluate(&runs, &qrels(), &[1, 10, 100]);

    assert_eq!(report.queries, 5);
    assert_eq!(report.queries_without_run, 1, "q3");
    assert_eq!(report.runs_without_judgments, 1, "q6");
    close("ndcg@10", report.ndcg_at_10, 0.443_887_479_940_878_85);
    close("recall@100", report.recall_at_100, 0.8);
    close("mrr@10", report.mrr_at_10, 0.466_666_666_666_666_7);
    assert_close(&report, "ndcg", 10, 0.443_887_479_940_878_85);
    assert_close(&report, "ndcg", 1, 0.2);
    assert_close(&report, "ndcg", 100, 0.499_676_069_071_104_73);
    assert_close(&report, "recall", 1, 0.2);
    assert_close(&report, "recall", 10, 0.6);
    assert_close(&report, "recall", 100, 0.8);
    assert_close(&report, "precision", 1, 0.4);
    assert_close(&report, "precision", 10, 0.1);
    assert_close(&report, "mrr", 10, 0.466_666_666_666_666_7);
    assert_close(&report, "mrr", 100, 0.484_848_484_848_484_86);

    // The JSON contract keys carry the same numbers.
    let json = serde_json::to_value(&report).unwrap();
    assert!((json["ndcg@10"].as_f64().unwrap() - 0.443_887_479_940_878_85).abs() < TOL);
    assert!((json["recall@100"].as_f64().unwrap() - 0.8).abs() < TOL);
    assert!((json["mrr@10"].as_f64().unwrap() - 0.466_666_666_666_666_7).abs() < TOL);
    assert_eq!(json["queries"], 5);
}

#[test]
fn run_i_engine_order_matches_readme() {
    let runs = rank_run_i(rank_ties_by_id_ascending);
    assert_eq!(
        runs["q4"],
        ["d06", "d07", "d10"],
        "engine breaks the tie by id ascending"
    );
    let report = evaluate(&runs, &qrels(), &[1, 10, 100]);

    assert_eq!(report.queries, 5);
    close("ndcg@10", report.ndcg_at_10, 0.471_943_739_970_439_4);
    close("recall@100", report.recall_at_100, 0.8);
    close("mrr@10", report.mrr_at_10, 0.466_666_666_666_666_7);
    assert_close(&report, "ndcg", 1, 0.3);
    assert_close(&report, "ndcg", 100, 0.527_732_329_100_665_5);
    assert_close(&report, "recall", 1, 0.2);
    assert_close(&report, "recall", 10, 0.6);
    assert_close(&report, "precision", 1, 0.4);
    assert_close(&report, "precision", 10, 0.1);
    assert_close(&report, "mrr", 100, 0.484_848_484_848_484_86);

    // The README's difference between the tie rules: (1 − a)/5.
    let trec = evaluate(&rank_run_i(rank_like_trec_eval), &qrels(), &[]);
    close(
        "tie delta",
        report.ndcg_at_10 - trec.ndcg_at_10,
        0.028_056_260_029_560_565,
    );
}
