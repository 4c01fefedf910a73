//! End to end: the retrieval commands of the real `priors` binary, their JSON contracts, and
//! `priors eval beir` on a hand-checked BEIR-format fixture.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn priors(data: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_priors"))
        .current_dir(root())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("spawn priors");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

#[test]
fn eval_beir_on_the_hand_checked_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = root().join("tests/fixtures/beir-mini");
    for mode in ["hybrid", "bm25", "dense"] {
        let (code, v, err) = priors(
            &data,
            &[
                "eval",
                "beir",
                dir.to_str().unwrap(),
                "--mode",
                mode,
                "--json",
            ],
        );
        assert_eq!(code, 0, "{err}");
        // Every relevant document of the five judged queries shares its topic and its
        // distinctive words with the query (tests/fixtures/beir-mini/README.md): each engine
        // ranks them first and in grade order, so the metrics are those of the perfect run
        // computed by hand there: nDCG@10 = recall@100 = MRR@10 = 1, recall@1 = 4/5.
        assert_eq!(v["mode"], mode);
        assert_eq!(v["queries"], 5, "q6 has no judgements and is not counted");
        assert_eq!(v["ndcg@10"], 1.0, "{v}");
        assert_eq!(v["recall@100"], 1.0, "{v}");
        assert_eq!(v["mrr@10"], 1.0, "{v}");
        assert_eq!(v["metrics"]["recall@1"], 0.8, "{v}");
        assert_eq!(v["documents"], 12);
        assert_eq!(v["failed_documents"], 0);
        // Issue #13's figures: the first run ingests, the next ones re-use the collection;
        // each judged query timed alone for the top 10 (as perfect as at 100 here); the
        // process's peak RSS.
        assert_eq!(v["ingest_reused"], mode != "hybrid", "{v}");
        assert!(
            v["ingest_seconds"].as_f64().is_some_and(|s| s >= 0.0),
            "{v}"
        );
        assert_eq!(v["query_k"], 10, "{v}");
        let (p50, p99) = (
            v["query_p50_ms"].as_f64().unwrap(),
            v["query_p99_ms"].as_f64().unwrap(),
        );
        assert!(0.0 < p50 && p50 <= p99, "{v}");
        assert_eq!(v["query_ndcg@10"], 1.0, "{v}");
        assert!(v["peak_rss_mib"].as_f64().is_some_and(|m| m > 0.0), "{v}");
    }
    // The collection is re-used: a second run ingests nothing new and scores the same.
    let (code, v, _) = priors(&data, &["eval", "beir", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    assert_eq!(v["ndcg@10"], 1.0);
    assert_eq!(v["ingest_reused"], true);
}

#[test]
fn search_similar_and_timeline_keep_their_json_contracts() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let corpus = tmp.path().join("c.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_priors"))
        .args(["synth", "--seed", "3", "--patients", "10", "--out"])
        .arg(&corpus)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, _, err) = priors(&data, &["ingest", corpus.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");

    let (code, v, err) = priors(
        &data,
        &[
            "search",
            "hypermetabolic mediastinal lymph nodes",
            "--k",
            "3",
            "--filter",
            "tracer=FDG",
            "--since",
            "2019-01-01",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for h in hits {
        for key in [
            "report_id",
            "patient_id",
            "exam_date",
            "cancer_type",
            "section",
            "snippet",
            "score",
            "bm25_rank",
            "dense_rank",
        ] {
            assert!(h.get(key).is_some(), "missing {key} in {h}");
        }
    }
    let first = hits[0]["report_id"].as_str().unwrap().to_string();
    let patient = hits[0]["patient_id"].as_str().unwrap().to_string();

    let (code, v, err) = priors(&data, &["similar", &first, "--k", "4", "--json"]);
    assert_eq!(code, 0, "{err}");
    let sim = v["hits"].as_array().unwrap();
    assert_eq!(sim.len(), 4);
    assert!(sim.iter().all(|h| h["patient_id"] != patient.as_str()));

    let (code, v, err) = priors(&data, &["timeline", &patient, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["patient_id"], patient.as_str());
    let reports = v["reports"].as_array().unwrap();
    assert!(reports.iter().any(|r| r["report_id"] == first.as_str()));

    // Bad input: clear errors, exit status 1.
    for (args, needle) in [
        (vec!["similar", "SYN-NOPE", "--json"], "not found"),
        (vec!["timeline", "SYN-NOPE", "--json"], "not found"),
        (
            vec!["search", "x", "--filter", "cancer_type=lung", "--json"],
            "unknown cancer_type",
        ),
        (vec!["search", "x", "--mode", "fuzzy", "--json"], "fuzzy"),
        (
            vec!["search", "x", "--since", "2024-02-30", "--json"],
            "YYYY-MM-DD",
        ),
    ] {
        let (code, _, err) = priors(&data, &args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn guideline_passages_are_a_searchable_collection() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (code, _, err) = priors(
        &data,
        &[
            "search",
            "Deauville",
            "--collection",
            "guidelines",
            "--json",
        ],
    );
    assert_eq!(code, 1, "no such collection yet");
    assert!(err.contains("ingest-guidelines"), "{err}");

    let (code, v, err) = priors(&data, &["ingest-guidelines", "--json"]);
    assert_eq!(code, 0, "{err}");
    let passages = std::fs::read_to_string(root().join("data-samples/guidelines/passages.jsonl"))
        .unwrap()
        .lines()
        .count() as u64;
    assert_eq!(v["ingested"].as_u64(), Some(passages), "{v}");
    assert_eq!(v["failed"], 0);

    let (code, v, err) = priors(
        &data,
        &[
            "search",
            "five-point scale: uptake compared with mediastinal blood pool and liver",
            "--collection",
            "guidelines",
            "--k",
            "3",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let top = v["hits"][0]["report_id"].as_str().unwrap();
    assert!(top.contains("deauville"), "{v}");
}
