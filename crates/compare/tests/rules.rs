//! Every response rule at its threshold, lesion matching, and the property that a comparison
//! only ever cites spans of its two inputs.

use priors_compare::{compare, compare_in_course, Framework, MatchRule, Status, Study, Which};
use proptest::prelude::*;

const REFS: &str = "Mediastinal blood pool SUVmax 2.0; liver SUVmax 3.0.";

fn lymphoma(prior: &str, current: &str) -> priors_compare::Comparison {
    compare(
        Framework::Lugano,
        &Study::from_text(format!("{REFS} {prior}")),
        &Study::from_text(format!("{REFS} {current}")),
    )
}

fn solid(prior: &str, current: &str) -> priors_compare::Comparison {
    compare(
        Framework::Percist,
        &Study::from_text(prior.to_string()),
        &Study::from_text(current.to_string()),
    )
}

#[test]
fn percist_thirty_percent_both_ways() {
    let prior = "Right upper lobe mass 3.1 cm, SUVmax 10.0.";
    let r = |cur: &str| {
        solid(
            prior,
            &format!("Right upper lobe mass 2.9 cm, SUVmax {cur}."),
        )
        .response
    };
    assert_eq!(r("7.0").as_deref(), Some("PMR")); // -30.0 %
    assert_eq!(r("7.1").as_deref(), Some("SMD")); // -29.0 %
    assert_eq!(r("13.0").as_deref(), Some("PMD")); // +30.0 %
    assert_eq!(r("12.9").as_deref(), Some("SMD")); // +29.0 %
    let prior = "Right upper lobe mass 3.1 cm, SUVmax 100.0.";
    let r = |cur: &str| {
        solid(
            prior,
            &format!("Right upper lobe mass 2.9 cm, SUVmax {cur}."),
        )
        .response
    };
    assert_eq!(r("70.1").as_deref(), Some("SMD")); // -29.9 %
    assert_eq!(r("129.9").as_deref(), Some("SMD")); // +29.9 %
}

#[test]
fn percist_new_lesion_is_progression_even_when_the_primary_shrinks() {
    let c = solid(
        "Right upper lobe mass 3.1 cm, SUVmax 10.0. No adrenal nodule.",
        "Right upper lobe mass 2.0 cm, SUVmax 4.0. Left adrenal nodule 1.8 cm, SUVmax 6.2.",
    );
    assert_eq!(c.response.as_deref(), Some("PMD"));
    assert_eq!(c.new_lesions.len(), 1);
    assert_eq!(c.new_lesions[0].site_key, "adrenal");
    assert!(c.new_lesions[0].counted);
    let primary = &c.lesions[0];
    assert_eq!(primary.status, Status::Decreased);
    assert_eq!(primary.change_pct, Some(-60.0));
    assert_eq!(primary.matched_by, Some(MatchRule::Site));
    // The evidence cites the new lesion's words in the current study.
    let e = c.evidence.iter().find(|e| e.value == "PMD").unwrap();
    assert_eq!(e.guideline, "percist10-pmd");
    assert!(e
        .spans
        .iter()
        .any(|s| s.study == Which::Current && s.text.contains("adrenal")));
}

#[test]
fn percist_complete_response_and_no_disease_on_either_study() {
    let c = solid(
        "Right upper lobe mass 3.1 cm, SUVmax 10.0.",
        "No residual uptake in the right upper lobe.",
    );
    assert_eq!(c.response.as_deref(), Some("CMR"));
    assert_eq!(c.lesions[0].status, Status::Resolved);
    // Nothing before, nothing now: a response needs disease before.
    let c = solid("No FDG-avid lesion.", "No FDG-avid lesion in the lungs.");
    assert_eq!(c.response, None);
    assert!(!c.missing.is_empty());
    let c = compare_in_course(
        Framework::Percist,
        &Study::from_text("No FDG-avid lesion."),
        &Study::from_text("No FDG-avid lesion in the lungs."),
        true,
    );
    assert_eq!(c.response.as_deref(), Some("CMR"));
}

#[test]
fn deauville_three_versus_four_with_and_without_reduced_uptake() {
    let prior = "Right cervical chain: nodal mass 4.0 cm, SUVmax 12.0.";
    // 3.0 = liver: score 3 → CMR whatever the change.
    let c = lymphoma(
        prior,
        "Right cervical chain: residual node 1.5 cm, SUVmax 3.0.",
    );
    assert_eq!((c.deauville, c.response.as_deref()), (Some(3), Some("CMR")));
    // 3.1 > liver: score 4, reduced ≥ 30 % → PMR.
    let c = lymphoma(
        prior,
        "Right cervical chain: residual node 1.5 cm, SUVmax 3.1.",
    );
    assert_eq!((c.deauville, c.response.as_deref()), (Some(4), Some("PMR")));
    // Score 4 without reduced uptake → NMR; with increased uptake → PMD.
    let prior = "Right cervical chain: nodal mass 4.0 cm, SUVmax 5.0.";
    let c = lymphoma(prior, "Right cervical chain: node 3.9 cm, SUVmax 4.5.");
    assert_eq!((c.deauville, c.response.as_deref()), (Some(4), Some("NMR")));
    let c = lymphoma(prior, "Right cervical chain: node 4.4 cm, SUVmax 6.5.");
    assert_eq!((c.deauville, c.response.as_deref()), (Some(5), Some("PMD")));
    // At or below blood pool: 2; nothing left: 1.
    let c = lymphoma(
        prior,
        "Right cervical chain: residual node 1.0 cm, SUVmax 2.0.",
    );
    assert_eq!(c.deauville, Some(2));
    let c = lymphoma(
        prior,
        "Complete resolution of uptake in the right cervical chain.",
    );
    assert_eq!((c.deauville, c.response.as_deref()), (Some(1), Some("CMR")));
}

#[test]
fn deauville_needs_the_current_liver_and_a_new_lesion_scores_five() {
    let c = compare(
        Framework::Lugano,
        &Study::from_text(format!("{REFS} Left axillary node 2.0 cm, SUVmax 9.0.")),
        &Study::from_text("Left axillary node 1.2 cm, SUVmax 4.0."),
    );
    assert_eq!((c.deauville, c.response.as_deref()), (None, None));
    assert!(c
        .missing
        .iter()
        .any(|m| m.reason.contains("no liver reference")));
    let c = lymphoma(
        "Left axillary node 2.0 cm, SUVmax 9.0. Spleen normal.",
        "Left axillary node 1.0 cm, SUVmax 2.5. Spleen with focal lesion 2.1 cm, SUVmax 8.8.",
    );
    assert_eq!((c.deauville, c.response.as_deref()), (Some(5), Some("PMD")));
}

#[test]
fn matching_by_side_group_and_rank() {
    let c = solid(
        "Right hilar node 1.5 cm, SUVmax 6.0. Left hilar node 1.2 cm, SUVmax 4.0.",
        "Left hilar node 1.1 cm, SUVmax 3.9. Right hilar node 1.0 cm, SUVmax 3.0.",
    );
    let by_site: Vec<(String, Option<f32>, Option<f32>)> = c
        .lesions
        .iter()
        .map(|l| (l.site.clone(), l.prior_suv_max, l.current_suv_max))
        .collect();
    assert_eq!(
        by_site,
        vec![
            ("right hilar nodes".into(), Some(6.0), Some(3.0)),
            ("left hilar nodes".into(), Some(4.0), Some(3.9)),
        ]
    );
    // Station 7 and "subcarinal" are one site; two liver lesions pair by segment.
    let c = solid(
        "Subcarinal node 2.0 cm, SUVmax 8.0. Liver: lesion in segment VII, SUVmax 9.0. Lesion in hepatic segment IVa, SUVmax 5.0.",
        "Station 7 node 1.0 cm, SUVmax 3.0. Lesion in hepatic segment IVa, SUVmax 6.0. Liver segment VII lesion, SUVmax 4.0.",
    );
    let sub = c
        .lesions
        .iter()
        .find(|l| l.site_key == "subcarinal_nodes")
        .unwrap();
    assert_eq!(sub.current_suv_max, Some(3.0));
    let seg7 = c
        .lesions
        .iter()
        .find(|l| l.prior_suv_max == Some(9.0))
        .unwrap();
    assert_eq!(seg7.current_suv_max, Some(4.0));
    assert_eq!(seg7.matched_by, Some(MatchRule::Rank));
    assert!(c
        .missing
        .iter()
        .any(|m| m.reason.contains("several lesions at one site")));
}

fn phrase() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Mediastinal blood pool SUVmax 2.1; liver SUVmax 2.8.".to_string()),
        Just("Right cervical chain: 3.0 x 2.0 cm node, SUVmax 8.4.".to_string()),
        Just("Complete resolution of uptake in the spleen (previously SUVmax 9.9).".to_string()),
        Just("New 12 mm focus in hepatic segment VI, SUVmax 7.7.".to_string()),
        Just("No FDG-avid mediastinal or hilar lymphadenopathy.".to_string()),
        Just("Left adrenal nodule 2.1 cm, SUVmax 5.5, likely adenoma.".to_string()),
        Just("Résidu ganglionnaire axillaire gauche, SUVmax 3,2 — naïve text.".to_string()),
        Just("T4 vertebral body: sclerotic lesion, SUVmax 12.0.".to_string()),
        "[a-zA-Z0-9 .,;:()×\u{e9}-]{0,60}",
    ]
}

proptest! {
    #[test]
    fn comparisons_cite_only_their_inputs(
        p in prop::collection::vec(phrase(), 0..6),
        c in prop::collection::vec(phrase(), 0..6),
        lugano in any::<bool>(),
    ) {
        let prior = Study::from_text(p.join(" "));
        let current = Study::from_text(c.join("\n"));
        let fw = if lugano { Framework::Lugano } else { Framework::Percist };
        let cmp = compare(fw, &prior, &current);
        for s in cmp.spans() {
            let text = match s.study { Which::Prior => &prior.text, Which::Current => &current.text };
            prop_assert_eq!(text.get(s.start..s.end), Some(s.text.as_str()));
            prop_assert!(s.start < s.end);
        }
        for e in &cmp.evidence {
            prop_assert!(priors_compare::rules::ids::ALL.contains(&e.guideline.as_str()));
        }
        if cmp.response.is_none() {
            prop_assert!(cmp.missing.iter().any(|m| m.decision == priors_compare::Decision::Response) || cmp.missing.iter().any(|m| m.decision == priors_compare::Decision::Deauville));
        }
    }
}

#[test]
fn guideline_ids_exist() {
    let passages = priors_staging::load_passages(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data-samples/guidelines/passages.jsonl")
            .as_path(),
    )
    .unwrap();
    for id in priors_compare::rules::ids::ALL {
        assert!(
            passages.iter().any(|p| p.id == *id),
            "{id} missing from passages.jsonl"
        );
    }
}
