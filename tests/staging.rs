//! End to end: `priors stage` and `priors ask` through the binary (the vignette benchmark,
//! `priors-bench staging`, is tested in `crates/bench/tests/staging.rs`).

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn priors(args: &[&str], stdin: &str) -> (i32, Value, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_priors"))
        .current_dir(root())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn priors");
    // A command that rejects its arguments exits without reading stdin: a broken pipe here
    // is that, and its exit status and stderr tell the rest.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    let out = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn passage_ids() -> Vec<String> {
    std::fs::read_to_string(root().join("data-samples/guidelines/passages.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn assert_grounded(v: &Value, input: &str) {
    let ids = passage_ids();
    let evidence = v["evidence"].as_array().unwrap();
    for cat in ["t", "n", "m", "stage", "deauville", "response"] {
        if v[cat].is_null() {
            continue;
        }
        let want = match cat {
            "t" => "T",
            "n" => "N",
            "m" => "M",
            other => other,
        };
        assert!(
            evidence
                .iter()
                .any(|e| e["category"].as_str().unwrap().eq_ignore_ascii_case(want)),
            "{cat} stated without evidence: {v}"
        );
    }
    for e in evidence {
        let (s, a, b) = (
            e["span"].as_str().unwrap(),
            e["start"].as_u64().unwrap() as usize,
            e["end"].as_u64().unwrap() as usize,
        );
        assert!(!s.is_empty());
        assert_eq!(&input[a..b], s, "span offsets");
        assert!(
            ids.iter().any(|id| id == e["guideline"].as_str().unwrap()),
            "{e}"
        );
    }
}

#[test]
fn lung_findings_are_staged_with_spans_and_passages() {
    let text = "3.6 cm spiculated mass in the right upper lobe abutting but not invading the \
                chest wall, SUVmax 11.2. FDG-avid right hilar node at station 10R, SUVmax 5.4. \
                No mediastinal or supraclavicular adenopathy. No pleural effusion. \
                No distant metastatic disease.";
    let (code, v, err) = priors(&["stage", "--cancer", "lung", "--json"], text);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["cancer"], "lung");
    assert_eq!(v["t"], "T2a", "{v}");
    assert_eq!(v["n"], "N1", "{v}");
    assert_eq!(v["m"], "M0", "{v}");
    assert_eq!(v["stage"], "IIB", "{v}");
    assert!(v["deauville"].is_null() && v["response"].is_null());
    assert!(v["missing"].is_array());
    assert_grounded(&v, text);
}

#[test]
fn lymphoma_findings_are_staged_with_deauville_and_response() {
    let text = "Interim PET/CT after 2 cycles. Compared with baseline, the left cervical and \
                left supraclavicular nodes have decreased in size and uptake; residual uptake \
                is moderately above liver, Deauville 4. No new FDG-avid lesions. \
                No disease below the diaphragm; spleen and marrow normal.";
    let (code, v, err) = priors(&["stage", "--cancer", "lymphoma", "--json"], text);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["cancer"], "lymphoma");
    assert!(v["t"].is_null() && v["n"].is_null() && v["m"].is_null());
    assert_eq!(v["deauville"], 4, "{v}");
    assert_eq!(v["response"], "PMR", "{v}");
    assert_grounded(&v, text);
}

#[test]
fn questions_cite_passages_and_bad_input_fails_clearly() {
    let (code, v, err) = priors(
        &[
            "ask",
            "What T category is a 4.5 cm tumour with visceral pleural invasion?",
            "--json",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(v["answer"].as_str().unwrap().contains("T2b"), "{v}");
    let ids = passage_ids();
    let cites = v["citations"].as_array().unwrap();
    assert!(!cites.is_empty());
    assert!(cites
        .iter()
        .all(|c| ids.iter().any(|id| id == c["id"].as_str().unwrap())));

    let (code, _, err) = priors(&["stage", "--cancer", "liver", "--json"], "mass");
    assert_eq!(code, 1);
    assert!(err.contains("lung or lymphoma"), "{err}");
    let (code, _, err) = priors(&["stage", "--cancer", "lung", "--json"], "   ");
    assert_eq!(code, 1);
    assert!(err.contains("no findings"), "{err}");
}
