//! Loads the real SciFact dataset (BEIR layout) from `/work/shared/datasets/scifact`, which is
//! always present on project machines, and checks its counts against its README.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use priors_evaluate::{
    evaluate, judged_queries, judged_queries_without_text, load_qrels, load_queries, read_corpus,
    BeirPaths, BEIR_KS,
};

fn scifact_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets/scifact");
    assert!(
        dir.join("corpus.jsonl").is_file(),
        "SciFact dataset not found at {} (expected /work/shared/datasets/scifact with \
         corpus.jsonl, queries.jsonl and qrels/test.tsv; it is provisioned on every project \
         machine, so its absence is a setup problem, not something to skip)",
        dir.display()
    );
    dir
}

#[test]
fn scifact_counts_match_its_readme() {
    let dir = scifact_dir();
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("SciFact README.md");
    for claim in [
        "5,183 scientific abstracts",
        "300 test claims",
        "339 relevance judgements",
    ] {
        assert!(readme.contains(claim), "README no longer says {claim:?}");
    }
    let paths = BeirPaths::in_dir(&dir, "test");

    // Corpus: streamed, 5,183 documents, unique non-empty ids, every one titled.
    let mut ids = HashSet::new();
    let mut untitled = 0usize;
    for doc in read_corpus(&paths.corpus).unwrap() {
        let doc = doc.unwrap();
        untitled += usize::from(doc.title.is_empty());
        assert!(ids.insert(doc.id.clone()), "duplicate id {}", doc.id);
    }
    assert_eq!(ids.len(), 5183);
    assert_eq!(untitled, 0);

    // Queries: 300, all judged.
    let queries = load_queries(&paths.queries).unwrap();
    assert_eq!(queries.len(), 300);
    let qrels = load_qrels(&paths.qrels).unwrap();
    assert_eq!(qrels.len(), 300);
    let judgements: usize = qrels.values().map(BTreeMap::len).sum();
    assert_eq!(judgements, 339);
    assert!(
        qrels.values().flat_map(|j| j.values()).all(|&g| g == 1),
        "SciFact grades are all 1"
    );
    assert_eq!(judged_queries(&queries, &qrels).len(), 300);
    assert!(judged_queries_without_text(&queries, &qrels).is_empty());
    assert!(
        qrels
            .values()
            .flat_map(|j| j.keys())
            .all(|d| ids.contains(d)),
        "every judged document is in the corpus"
    );
    // BEIR's ignore_identical_ids would be a no-op here: no query id is a corpus id.
    assert!(queries.iter().all(|(q, _)| !ids.contains(q)));

    // Sanity: the judged documents as a run score 1 on every headline metric
    // (at most 5 relevant documents per query, so they all fit in the top 10).
    let perfect: BTreeMap<String, Vec<String>> = qrels
        .iter()
        .map(|(q, j)| (q.clone(), j.keys().cloned().collect()))
        .collect();
    let report = evaluate(&perfect, &qrels, &BEIR_KS);
    assert_eq!(report.queries, 300);
    assert_eq!(report.ndcg_at_10, 1.0);
    assert_eq!(report.recall_at_100, 1.0);
    assert_eq!(report.mrr_at_10, 1.0);
}
