//! `priors-bench report` through the binary, on the fixtures of `tests/fixtures/`: the
//! Markdown must be byte for byte what the Python that `scripts/bench.sh` ran before
//! (5a8244b) wrote from the same JSON.
//!
//! Each `run-*` directory holds the steps' JSON, `args` (the run's context flags, one
//! `--flag=value` a line) and golden files made by that Python (its heredocs extracted from
//! the old `scripts/bench.sh` and run unchanged): `BENCHMARKS.md` (a full run) and
//! `only-{cases,grpc,search}.md` (a `BENCH_ONLY` run: the section replaced in
//! `existing-BENCHMARKS.md` for `run-a`, appended to no file at all for `run-b`).
//! `staging.json` is the real output of `priors-bench staging --json` (`run-b`: on vignettes
//! with a few expected values changed, for misses), and the old pipeline's `staging.md` was
//! the same binary's Markdown output.
//!
//! Once the prose or a figure's format changes on purpose, the golden files are regenerated
//! with the binary itself (`priors-bench report --input tests/fixtures/run-a --out
//! tests/fixtures/run-a/BENCHMARKS.md` followed by the lines of `run-a/args` as arguments,
//! likewise for `run-b` and with `--only`) and the diff is reviewed.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The context flags of a run.
fn args(run: &str) -> Vec<String> {
    std::fs::read_to_string(fixtures().join(run).join("args"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn report(run: &str, out: &Path, only: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_priors-bench"));
    cmd.arg("report")
        .arg("--input")
        .arg(fixtures().join(run))
        .arg("--out")
        .arg(out)
        .args(args(run));
    if let Some(section) = only {
        cmd.args(["--only", section]);
    }
    let res = cmd.output().expect("run priors-bench");
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// Compare with a golden file; on a difference, name the first differing line.
fn assert_same(got: &str, golden: &Path) {
    let want = std::fs::read_to_string(golden).unwrap();
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "{} differs at line {}:\n got: {:?}\nwant: {:?}",
            golden.display(),
            line + 1,
            got.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

#[test]
fn a_full_report_is_what_the_python_wrote() {
    for run in ["run-a", "run-b"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("BENCHMARKS.md");
        report(run, &out, None);
        let got = std::fs::read_to_string(&out).unwrap();
        assert_same(&got, &fixtures().join(run).join("BENCHMARKS.md"));
    }
}

#[test]
fn one_section_replaces_its_namesake_or_is_appended_as_the_python_did() {
    for (run, existing) in [("run-a", true), ("run-b", false)] {
        for section in ["cases", "grpc", "search"] {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("BENCHMARKS.md");
            if existing {
                std::fs::copy(fixtures().join("existing-BENCHMARKS.md"), &out).unwrap();
            }
            report(run, &out, Some(section));
            let got = std::fs::read_to_string(&out).unwrap();
            assert_same(
                &got,
                &fixtures().join(run).join(format!("only-{section}.md")),
            );
        }
    }
}

/// `run-peer` is `run-a`'s SciFact output with the fields `priors eval beir` gained for issue
/// #13 (ingest seconds, per-query latency, peak RSS) and a `peer.json` from `priors-bench
/// peer`: the SciFact section (`--only scifact`, as `BENCH_ONLY=scifact` runs it) ends with
/// the side-by-side table, the ratios priors ÷ peer and which goal is met; the rest of the
/// section and of the file is what it was.
#[test]
fn the_scifact_section_sets_priors_beside_the_peer() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("BENCHMARKS.md");
    std::fs::copy(fixtures().join("existing-BENCHMARKS.md"), &out).unwrap();
    report("run-peer", &out, Some("scifact"));
    let got = std::fs::read_to_string(&out).unwrap();
    // Ingest 151.27 / 480.12 = 0.315 ≤ 0.5; p50 9.8 / 13.7 = 0.715 > 0.5; p99 21.3 / 34.4;
    // RSS 1126.4 / 4301.2; nDCG@10 of the timed hybrid queries 0.7102 ≥ 0.709.
    for row in [
        "| | priors | peer | priors ÷ peer | goal (ratio) | met |",
        "| ingest (s) | 151.3 | 480.1 | 0.32 | ≤ 0.5 | **yes** |",
        "| hybrid query p50 (ms, embedding included) | 9.8 | 13.7 | 0.72 | ≤ 0.5 | **no** |",
        "| hybrid query p99 (ms, embedding included) | 21.3 | 34.4 | 0.62 | — | — |",
        "| peak RSS (MiB) | 1126 | 4301 | 0.26 | — | — |",
        "| nDCG@10 | 0.710 | 0.709 | 1.002 | ≥ 1 | **yes** |",
    ] {
        assert!(
            got.contains(&format!("\n{row}\n")),
            "missing {row:?} in:\n{got}"
        );
    }
    assert!(
        got.contains(
            "ingest in at most half the peer's time: **yes**; hybrid query p50 at\nmost half the \
         peer's: **no**; nDCG@10 equal or better: **yes**."
        ),
        "{got}"
    );
    assert!(got.contains("Not like-for-like: the peer embeds each document whole"));
    assert!(got.contains("`../shared/peers/python_rag_peer.py`"));
    // The subsection comes after the int8 table, inside the SciFact section.
    let sci = got.find("## Retrieval quality: SciFact").unwrap();
    let int8 = got.find("### int8 model").unwrap();
    let peer = got.find("### Against the Python stack").unwrap();
    let next = got[sci + 3..].find("\n## ").map(|i| i + sci + 3).unwrap();
    assert!(sci < int8 && int8 < peer && peer < next, "{got}");

    // Without peer.json, the same JSON renders the section of old: run-a's, byte for byte.
    let plain = tmp.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    for name in ["scifact.jsonl", "scifact-int8.jsonl"] {
        std::fs::copy(fixtures().join("run-peer").join(name), plain.join(name)).unwrap();
    }
    let (a, b) = (tmp.path().join("a.md"), tmp.path().join("b.md"));
    for (input, out) in [(fixtures().join("run-a"), &a), (plain, &b)] {
        let res = Command::new(env!("CARGO_BIN_EXE_priors-bench"))
            .args(["report", "--only", "scifact", "--input"])
            .arg(input)
            .arg("--out")
            .arg(out)
            .args(args("run-a"))
            .output()
            .unwrap();
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
    }
    let (a, b) = (
        std::fs::read_to_string(a).unwrap(),
        std::fs::read_to_string(b).unwrap(),
    );
    assert_eq!(a, b);
    assert!(!a.contains("Python stack"));
}

#[test]
fn a_missing_context_flag_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let res = Command::new(env!("CARGO_BIN_EXE_priors-bench"))
        .args(["report", "--only", "grpc", "--input"])
        .arg(fixtures().join("run-a"))
        .arg("--out")
        .arg(tmp.path().join("B.md"))
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("--corpus"), "{err}");
    assert!(!tmp.path().join("B.md").exists());
}

/// Every key path of a JSON value (array elements share their index-free path).
fn key_paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = format!("{prefix}.{k}");
                out.insert(p.clone());
                key_paths(v, &p, out);
            }
        }
        Value::Array(a) => {
            for v in a {
                key_paths(v, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn paths(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    key_paths(v, "", &mut out);
    out
}

fn fixture_json(run: &str, name: &str) -> Vec<Value> {
    std::fs::read_to_string(fixtures().join(run).join(name))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The `priors eval cases` fixtures have the shape `priors_app::eval::CasesReport` serialises
/// (the report reads them through mirror structs, so nothing else would notice a drift).
/// `BeirEval` is not checked so: building one needs `priors_evaluate::Report`, a dependency
/// this crate does not have.
#[test]
fn cases_fixtures_have_the_shape_of_priors_app_eval() {
    use priors_app::eval::{CaseEval, CasesReport};
    let by = |key: &str| [(key.to_string(), 0.5)].into_iter().collect();
    let real = CasesReport {
        modes: vec![CaseEval {
            mode: "hybrid",
            queries: 1,
            cancer_type_p5: 0.5,
            stage_queries: 1,
            stage_group_p5: 0.5,
            cancer_family_p5: 0.5,
            by_timepoint: by("staging"),
            by_type: by("nsclc"),
            distinct_patients5: 4.0,
            per_patient: priors_app::eval::PatientLevel {
                cancer_type_p5: 0.5,
                cancer_family_p5: 0.5,
                timepoint_p5: 0.5,
                distinct_patients5: 5.0,
            },
        }],
        family_ceiling_p5: 0.5,
    };
    // The keys of the maps by time point and by cancer type are data, not shape.
    let shape = |v: &Value| -> BTreeSet<String> {
        paths(v)
            .into_iter()
            .filter(|p| !p.contains("_by_") || p.matches('.').count() < 3)
            .collect()
    };
    let want = shape(&serde_json::to_value(&real).unwrap());
    for run in ["run-a", "run-b"] {
        for v in fixture_json(run, "cases.json") {
            assert_eq!(shape(&v), want, "{run}/cases.json");
        }
    }
}
