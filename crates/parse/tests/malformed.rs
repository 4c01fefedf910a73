//! The malformed-input corpus in `tests/malformed/` (workspace root) against its
//! `expected.json`: every record of every file, outcome by outcome.

use priors_parse::{read_dir_or_file, read_file, Limits, RecordErrorKind, SourceRecord};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One line of `expected.json`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    file: String,
    #[serde(default)]
    line: Option<usize>,
    record: usize,
    #[serde(default)]
    kind: Option<RecordErrorKind>,
    #[serde(default)]
    ok: Option<bool>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/malformed")
}

fn read_all() -> Vec<SourceRecord> {
    let limits = Limits::new(65536);
    let files = read_dir_or_file(&corpus_dir()).expect("corpus directory");
    assert!(files.len() >= 5, "{files:?}");
    files
        .iter()
        .flat_map(|f| read_file(f, &limits).expect("every corpus file opens"))
        .collect()
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn outcomes_match_expected_json() {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap();
    let mut expected: Vec<Expected> = serde_json::from_str(&text).unwrap();
    for e in &expected {
        assert!(
            e.kind.is_some() != (e.ok == Some(true)),
            "each entry has exactly one of kind / ok: {e:?}"
        );
    }
    let mut actual: Vec<Expected> = read_all()
        .into_iter()
        .map(|r| Expected {
            file: file_name(&r.location.file),
            line: r.location.line,
            record: r.location.record,
            kind: r.result.as_ref().err().map(|e| e.kind),
            ok: r.result.is_ok().then_some(true),
        })
        .collect();
    expected.sort();
    actual.sort();
    assert_eq!(actual, expected);
}

#[test]
fn corpus_covers_every_kind_but_io() {
    let seen: BTreeSet<RecordErrorKind> = read_all()
        .into_iter()
        .filter_map(|r| r.result.err().map(|e| e.kind))
        .collect();
    let want: BTreeSet<RecordErrorKind> = RecordErrorKind::ALL
        .into_iter()
        .filter(|k| *k != RecordErrorKind::Io)
        .collect();
    assert_eq!(
        seen, want,
        "io is covered by a unit test with a failing reader"
    );
}

#[test]
fn messages_are_specific() {
    let messages: Vec<(String, usize, String)> = read_all()
        .into_iter()
        .filter_map(|r| {
            let e = r.result.err()?;
            Some((file_name(&r.location.file), r.location.record, e.message))
        })
        .collect();
    let get = |file: &str, record: usize| -> &str {
        &messages
            .iter()
            .find(|(f, r, _)| f == file && *r == record)
            .unwrap_or_else(|| panic!("no error for {file} record {record}"))
            .2
    };
    assert!(get("bad.jsonl", 2).starts_with("end of input while parsing a string at column "));
    assert_eq!(get("bad.jsonl", 3), "missing field `patient_id`");
    assert_eq!(get("bad.jsonl", 4), "exam_date: input is out of range");
    assert_eq!(get("bad.jsonl", 5), "findings section is empty");
    assert!(get("bad.jsonl", 6).starts_with("line is not valid utf-8 (first bad byte at offset "));
    assert!(get("bad.jsonl", 7).starts_with("report text is "));
    assert!(get("bad.jsonl", 7).ends_with(" bytes, limit is 65536"));
    assert!(get("bad_fhir.json", 2).starts_with("unsupported resource type `Observation`"));
    assert_eq!(get("bad_fhir.json", 3), "missing field `subject.reference`");
    assert!(
        get("bad_fhir.json", 4).starts_with("presentedForm[0].data (decoded) is not valid utf-8")
    );
    assert_eq!(
        get("no_findings.txt", 1),
        "no findings section (expected a header such as `FINDINGS:`)"
    );
    assert_eq!(get("missing_header.txt", 1), "missing header `REPORT ID`");
    for (file, record, m) in &messages {
        assert!(!m.ends_with('.'), "{file} {record}: {m}");
        assert!(
            !m.starts_with(|c: char| c.is_uppercase()),
            "{file} {record}: {m}"
        );
    }
}

#[test]
fn good_records_survive_intact() {
    let good: Vec<_> = read_all()
        .into_iter()
        .filter_map(|r| r.result.ok())
        .collect();
    let ids: Vec<&str> = good.iter().map(|r| r.report_id.as_str()).collect();
    assert_eq!(ids, ["SYN-R-1001", "SYN-R-1008", "SYN-R-2001"]);
    for r in &good {
        assert!(r.report_id.starts_with("SYN-") && r.patient_id.starts_with("SYN-"));
    }
    let fhir = &good[2];
    assert_eq!(fhir.patient_id, "SYN-P-2001");
    assert_eq!(fhir.exam_date.to_string(), "2024-03-11");
    assert!(fhir.text.ends_with(
        "\n\nIMPRESSION:\nHypermetabolic left axillary nodes, suspicious for nodal recurrence."
    ));
    assert_eq!(good[1].labels.as_ref().unwrap().deauville, Some(3));
}
