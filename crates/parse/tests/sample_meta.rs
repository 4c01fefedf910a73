//! Metadata extraction on the checked-in synthetic sample, against its ground-truth labels.

use priors_parse::{extract_meta, read_file, validate, Limits};
use std::path::Path;

#[test]
fn stated_cancer_type_matches_the_labels_on_the_sample() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data-samples/reports.jsonl");
    let limits = Limits::default();
    let (mut total, mut right, mut none) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    let mut unstated = Vec::new();
    for rec in read_file(&path, &limits).unwrap() {
        let record = rec.result.expect("sample records are valid");
        let sections = validate(&record, &limits).unwrap();
        let meta = extract_meta(&record, &sections);
        let label = record.labels.as_ref().unwrap().cancer_type.clone();
        total += 1;
        match meta.cancer_type {
            Some(ref c) if *c == label => right += 1,
            None => {
                none += 1;
                let ind = sections
                    .iter()
                    .find(|s| s.kind == priors_core::SectionKind::Indication)
                    .map(|s| s.text.clone())
                    .unwrap_or_default();
                unstated.push(format!("{label}: {ind}"));
            }
            Some(ref c) => misses.push(format!("{}: {c} != {label}", record.report_id)),
        }
        let suv_in_text = record.text.to_lowercase().contains("suv");
        assert!(
            !suv_in_text || !meta.suv_max.is_empty() || !record.text.contains("SUVmax "),
            "{}: SUVmax mentioned but none extracted",
            record.report_id
        );
    }
    let accuracy = right as f64 / total as f64;
    eprintln!(
        "cancer_type: {right}/{total} right, {none} not stated, {} wrong",
        misses.len()
    );
    for m in misses.iter().chain(unstated.iter()).take(60) {
        eprintln!("  {m}");
    }
    assert!(
        misses.len() * 100 <= total,
        "more than 1% wrong: {misses:?}"
    );
    assert!(accuracy >= 0.93, "accuracy {accuracy}");
}
