//! End to end: the real `priors` binary, the real model, real Qdrant (in-process) and Tantivy.
//!
//! Covers the acceptance points of ingestion: idempotent re-runs, updates and deletes, the
//! malformed-input corpus with its expected per-record errors, and kill -9 mid-ingest followed by
//! a re-run that leaves both stores identical and free of duplicates.

use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn priors(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_priors"));
    // The default configuration resolves its asset paths against the repository root.
    c.current_dir(root()).arg("--data-dir").arg(data);
    c
}

fn run(cmd: &mut Command) -> (i32, Value, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("spawn priors");
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    let json = serde_json::from_slice(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&stdout)
        )
    });
    (status.code().unwrap_or(-1), json, stderr)
}

fn ingest(data: &Path, inputs: &[&Path]) -> (i32, Value) {
    let (code, json, stderr) = run(priors(data).arg("ingest").args(inputs).arg("--json"));
    assert!(code == 0 || code == 3, "ingest exited {code}: {stderr}");
    (code, json)
}

fn stats(data: &Path) -> Value {
    let (code, json, stderr) = run(priors(data).args(["stats", "--json"]));
    assert_eq!(code, 0, "stats failed: {stderr}");
    json
}

fn n(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no number `{key}` in {v}"))
}

/// Asserts the stores agree exactly and returns (reports, chunks).
fn assert_consistent(data: &Path) -> (u64, u64) {
    let s = stats(data);
    assert_eq!(s["consistent"], Value::Bool(true), "{s}");
    assert_eq!(n(&s, "qdrant_points"), n(&s, "tantivy_docs"), "{s}");
    assert_eq!(n(&s, "chunks"), n(&s, "tantivy_docs"), "{s}");
    assert_eq!(s["dim"], 384);
    (n(&s, "reports"), n(&s, "chunks"))
}

/// A synthetic corpus made by `priors synth`.
fn synth(dir: &Path, seed: u64, patients: usize) -> PathBuf {
    let out = dir.join(format!("synth-{seed}-{patients}.jsonl"));
    let status = Command::new(env!("CARGO_BIN_EXE_priors"))
        .args(["synth", "--seed", &seed.to_string()])
        .args(["--patients", &patients.to_string(), "--out"])
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    out
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn ingest_is_idempotent_and_updates_and_deletes_reach_both_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let corpus = synth(tmp.path(), 11, 12);
    let total = lines(&corpus) as u64;
    let text = root().join("data-samples/text");
    let fhir = root().join("data-samples/fhir");
    let extra = (std::fs::read_dir(&text).unwrap().count()
        + std::fs::read_dir(&fhir).unwrap().count()) as u64;

    let (code, first) = ingest(&data, &[&corpus, &text, &fhir]);
    assert_eq!(code, 0, "{first}");
    assert_eq!(n(&first, "ingested"), total + extra, "{first}");
    assert_eq!(n(&first, "failed"), 0);
    assert!(n(&first, "chunks") >= total + extra);
    let (reports, chunks) = assert_consistent(&data);
    assert_eq!(reports, total + extra);
    assert_eq!(chunks, n(&first, "chunks"));

    // Second run: every report unchanged, nothing written, counts identical.
    let (_, second) = ingest(&data, &[&corpus, &text, &fhir]);
    assert_eq!(n(&second, "unchanged"), total + extra, "{second}");
    assert_eq!(
        n(&second, "ingested") + n(&second, "updated") + n(&second, "chunks"),
        0
    );
    assert_eq!(assert_consistent(&data), (reports, chunks));

    // Change one report: it is replaced, not duplicated.
    let original = std::fs::read_to_string(&corpus).unwrap();
    let mut records: Vec<Value> = original
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let changed_id = records[0]["report_id"].as_str().unwrap().to_string();
    let t = records[0]["text"].as_str().unwrap().to_string();
    records[0]["text"] = Value::String(t.replace(
        "FINDINGS",
        "FINDINGS:\nAddendum: no change in management.\n\nFINDINGS",
    ));
    let edited = tmp.path().join("edited.jsonl");
    std::fs::write(
        &edited,
        records
            .iter()
            .map(|r| r.to_string() + "\n")
            .collect::<String>(),
    )
    .unwrap();
    let (_, third) = ingest(&data, &[&edited]);
    assert_eq!(n(&third, "updated"), 1, "{third}");
    assert_eq!(n(&third, "unchanged"), total - 1, "{third}");
    let (reports_after, _) = assert_consistent(&data);
    assert_eq!(reports_after, reports);

    // Delete: gone from both; an unknown id is reported, with exit status 3.
    let (code, del, _) =
        run(priors(&data).args(["delete", &changed_id, "SYN-NO-SUCH-REPORT", "--json"]));
    assert_eq!(code, 3);
    assert_eq!(del["deleted"], serde_json::json!([changed_id]));
    assert_eq!(del["not_found"], serde_json::json!(["SYN-NO-SUCH-REPORT"]));
    let (reports_after, _) = assert_consistent(&data);
    assert_eq!(reports_after, reports - 1);
}

#[derive(Deserialize)]
struct Expected {
    file: String,
    line: Option<usize>,
    record: usize,
    #[serde(default)]
    ok: bool,
    kind: Option<String>,
}

#[test]
fn malformed_input_is_reported_record_by_record_and_the_rest_is_ingested() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let dir = root().join("tests/malformed");
    let expected: Vec<Expected> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let (code, out) = ingest(&data, &[&dir]);
    assert_eq!(code, 3, "some records failed: exit status 3");
    let errors = out["errors"].as_array().unwrap();
    let mut got: Vec<(String, Option<usize>, usize, String)> = errors
        .iter()
        .map(|e| {
            let file = Path::new(e["file"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert!(!e["message"].as_str().unwrap().is_empty());
            (
                file,
                e["line"].as_u64().map(|l| l as usize),
                e["record"].as_u64().unwrap() as usize,
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, Option<usize>, usize, String)> = expected
        .iter()
        .filter(|e| !e.ok)
        .map(|e| (e.file.clone(), e.line, e.record, e.kind.clone().unwrap()))
        .collect();
    want.sort();
    assert_eq!(got, want);
    let good = expected.iter().filter(|e| e.ok).count() as u64;
    assert_eq!(n(&out, "failed"), want.len() as u64);
    assert_eq!(n(&out, "ingested"), good, "{out}");
    assert_eq!(assert_consistent(&data).0, good);
}

#[test]
fn kill_9_mid_ingest_then_rerun_leaves_both_stores_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = synth(tmp.path(), 23, 45);
    let total = lines(&corpus) as u64;

    // Reference: one uninterrupted run.
    let clean = tmp.path().join("clean");
    let (_, reference) = ingest(&clean, &[&corpus]);
    assert_eq!(n(&reference, "ingested"), total);
    let (ref_reports, ref_chunks) = assert_consistent(&clean);

    // Interrupted runs: small commit batches so a kill lands between and inside commits.
    let data = tmp.path().join("crashy");
    let mut killed_mid_run = 0;
    for attempt in 0..6u64 {
        let mut child = priors(&data)
            .env("PRIORS__INGEST__COMMIT_REPORTS", "7")
            .args(["ingest", "--json"])
            .arg(&corpus)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_millis(1800 + 900 * attempt);
        while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(20));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            killed_mid_run += 1;
        }
        // After every kill the stores agree exactly (recovery runs on open).
        let (reports, _) = assert_consistent(&data);
        assert!(reports <= total);
    }
    assert!(
        killed_mid_run >= 2,
        "only {killed_mid_run} kills landed mid-run"
    );

    let (_, last) = ingest(&data, &[&corpus]);
    assert_eq!(n(&last, "failed"), 0);
    assert_eq!(
        n(&last, "ingested") + n(&last, "updated") + n(&last, "unchanged"),
        total,
        "{last}"
    );
    assert_eq!(assert_consistent(&data), (ref_reports, ref_chunks));
    // And a further run changes nothing.
    let (_, again) = ingest(&data, &[&corpus]);
    assert_eq!(n(&again, "unchanged"), total, "{again}");
}

#[test]
fn bad_configuration_and_missing_inputs_fail_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = priors(&data)
        .env("PRIORS__INGEST__CHUNK_MAX_TOKENS", "100000")
        .args(["stats", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("chunk_max_tokens"));

    let out = priors(&data)
        .args(["ingest", "--json", "/no/such/file.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.jsonl"));

    let missing_runtime = priors(&data)
        .env("PRIORS__EMBEDDING__ORT_DYLIB", tmp.path().join("nope.so"))
        .args(["ingest", "--json"])
        .arg(root().join("data-samples/text"))
        .output()
        .unwrap();
    assert_eq!(missing_runtime.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing_runtime.stderr).contains("make setup"));
}
