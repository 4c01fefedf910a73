//! The vignette benchmark and the grounding property, over `tests/vignettes.jsonl`, with the
//! passages of `data-samples/guidelines/passages.jsonl`.

use std::collections::HashSet;
use std::path::PathBuf;

use priors_staging::{
    check_cited_ids, evaluate_vignettes, load_passages, load_vignettes, stage, Cancer, Category,
    CITED_GUIDELINE_IDS,
};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn passages_path() -> PathBuf {
    manifest().join("../../data-samples/guidelines/passages.jsonl")
}

fn vignettes_path() -> PathBuf {
    manifest().join("tests/vignettes.jsonl")
}

#[test]
fn vignette_accuracy_is_at_least_95_percent_per_field() {
    let report = evaluate_vignettes(vignettes_path()).expect("vignettes load");
    println!("{}", report.to_markdown());
    assert!(report.cases >= 60, "only {} vignettes", report.cases);
    assert!(report.lung_cases > 0 && report.lymphoma_cases > 0);
    for f in &report.fields {
        assert!(
            f.accuracy >= 0.95,
            "{} accuracy {:.3} < 0.95 (misses listed above)",
            f.field,
            f.accuracy
        );
    }
    assert!(
        report.grounding_errors.is_empty(),
        "{:?}",
        report.grounding_errors
    );
}

/// Property over every vignette (ours and the external set): each non-null category has at least one evidence entry whose
/// span is non-empty, is the input at its offsets, and cites a passage that exists.
#[test]
fn every_category_is_grounded_in_the_text_and_a_passage() {
    let passages = load_passages(passages_path()).expect("passages load");
    let ids: HashSet<&str> = passages.iter().map(|p| p.id.as_str()).collect();
    let mut all = load_vignettes(vignettes_path()).unwrap();
    all.extend(load_vignettes(external_vignettes_path()).unwrap());
    for v in all {
        let a = stage(v.cancer, &v.text);
        for &c in a.categories() {
            let Some(value) = a.value_of(c) else { continue };
            let ev: Vec<_> = a.evidence_for(c).collect();
            assert!(
                !ev.is_empty(),
                "{}: {} = {value} without evidence",
                v.id,
                c.as_str()
            );
        }
        for e in &a.evidence {
            assert!(!e.span.is_empty(), "{}: empty span", v.id);
            assert!(
                v.text.contains(&e.span),
                "{}: {:?} not in the text",
                v.id,
                e.span
            );
            assert_eq!(&v.text[e.start..e.end], e.span, "{}: offsets", v.id);
            assert!(
                ids.contains(e.guideline.as_str()),
                "{}: unknown guideline {}",
                v.id,
                e.guideline
            );
        }
        // Fields that do not apply are null.
        let json = serde_json::to_value(&a).unwrap();
        let null_keys: &[&str] = match v.cancer {
            Cancer::Lung => &["deauville", "response"],
            Cancer::Lymphoma => &["t", "n", "m"],
        };
        for k in null_keys {
            assert!(json[k].is_null(), "{}: {k} should be null", v.id);
        }
        // A category that applies but is null is explained in `missing` (Deauville and
        // response do not apply to lymphoma staging scans).
        let explained: &[Category] = match v.cancer {
            Cancer::Lung => &[Category::T, Category::N, Category::M, Category::Stage],
            Cancer::Lymphoma => &[Category::Stage],
        };
        for &c in explained {
            if a.value_of(c).is_none() {
                assert!(
                    a.missing.iter().any(|m| m.category == c),
                    "{}: {} is null without a missing entry",
                    v.id,
                    c.as_str()
                );
            }
        }
    }
}

#[test]
fn passages_validate_and_cover_every_cited_id() {
    let passages = load_passages(passages_path()).expect("passages load and validate");
    check_cited_ids(&passages).expect("every cited id exists");
    assert!(passages.len() >= 60, "{} passages", passages.len());
    for id in CITED_GUIDELINE_IDS {
        assert!(passages.iter().any(|p| p.id == *id), "{id}");
    }
    for p in &passages {
        assert!(p.text.len() >= 30, "{}: text too short", p.id);
    }
}

fn external_vignettes_path() -> PathBuf {
    manifest().join("tests/vignettes_external.jsonl")
}

/// The independent external set (`tests/VIGNETTES_EXTERNAL.md`), as a ratchet: each field's
/// accuracy must stay at least the figure reached after the general fixes of issue #12,
/// rounded down to a whole percent. Raise a floor when the figure improves; never lower it.
/// `cargo test -p priors-staging --test vignettes external -- --nocapture` lists the misses.
#[test]
fn external_vignettes_do_not_fall_below_the_ratchet() {
    const FLOORS: &[(&str, f64)] = &[
        ("lung.t", 1.00),
        ("lung.n", 1.00),
        ("lung.m", 1.00),
        ("lung.stage", 1.00),
        ("lymphoma.stage", 1.00),
        ("lymphoma.deauville", 1.00),
        ("lymphoma.response", 1.00),
    ];
    let report = evaluate_vignettes(external_vignettes_path()).expect("external vignettes load");
    println!("{}", report.to_markdown());
    assert_eq!(report.cases, 135);
    assert_eq!(report.fields.len(), FLOORS.len());
    for (field, floor) in FLOORS {
        let f = report
            .fields
            .iter()
            .find(|f| f.field == *field)
            .unwrap_or_else(|| panic!("no field {field}"));
        // A whole-percent floor: compare in whole percent, rounded down.
        let percent = (100.0 * f.accuracy + 1e-9).floor();
        assert!(
            percent >= 100.0 * floor,
            "{field}: {}/{} ({percent}%) is below the ratchet {}% (misses listed above)",
            f.correct,
            f.total,
            100.0 * floor
        );
    }
    assert!(
        report.grounding_errors.is_empty(),
        "{:?}",
        report.grounding_errors
    );
}
