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

/// Property over every vignette: each non-null category has at least one evidence entry whose
/// span is non-empty, is the input at its offsets, and cites a passage that exists.
#[test]
fn every_category_is_grounded_in_the_text_and_a_passage() {
    let passages = load_passages(passages_path()).expect("passages load");
    let ids: HashSet<&str> = passages.iter().map(|p| p.id.as_str()).collect();
    for v in load_vignettes(vignettes_path()).unwrap() {
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
