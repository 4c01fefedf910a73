//! A patient's course: which stored study is "the prior" of a current exam, the framework
//! that applies, the comparison with it, and the time point of a study.
//!
//! Shared by drafting (the `P` source), `priors compare --patient` and the case view, so all
//! three choose and compare the same way.

use chrono::NaiveDate;
use priors_core::{CancerType, StoredChunk};

use crate::{choose_prior, compare_in_course, Against, Comparison, Framework, Study};

/// Today's date (UTC) from the system clock.
pub fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|e| e.checked_add_days(chrono::Days::new(days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Which study the request's `comparison` text names.
pub fn against_of(comparison: &str, studies: &[(String, NaiveDate)]) -> Against {
    let c = comparison.trim();
    if c.is_empty() {
        return Against::Latest;
    }
    if let Some((id, _)) = studies.iter().find(|(id, _)| id == c) {
        return Against::Report(id.clone());
    }
    if c.to_ascii_lowercase().contains("baseline") {
        return Against::Baseline;
    }
    // "PET/CT 2024-01-10": the study of that date.
    for w in c.split(|ch: char| !(ch.is_ascii_digit() || ch == '-')) {
        if let Ok(d) = w.parse::<NaiveDate>() {
            if let Some((id, _)) = studies.iter().find(|(_, sd)| *sd == d) {
                return Against::Report(id.clone());
            }
        }
    }
    Against::Latest
}

/// The findings section of a report text, or the whole text when it has no findings header
/// (a findings excerpt).
pub fn findings_of(text: &str) -> String {
    let findings: Vec<String> = priors_parse::split_sections(text)
        .into_iter()
        .filter(|s| s.kind == priors_core::SectionKind::Findings)
        .map(|s| s.text)
        .collect();
    if findings.is_empty() {
        text.trim().to_string()
    } else {
        findings.join("\n")
    }
}

/// Whether the patient's diagnosis is a benign mimic (sarcoidosis, infection, brown fat…):
/// the cancer stated in the indication, else the one stored; then no response framework
/// applies ([`benign_course`]).
pub fn is_benign(indication: &str, stored: Option<&str>) -> bool {
    priors_parse::stated_cancer_type(indication)
        .or_else(|| stored.and_then(CancerType::parse))
        .is_some_and(CancerType::is_benign)
}

/// A comparison of a benign mimic's studies keeps its lesion changes but no response or
/// Deauville score: neither framework applies to a disease that is not a cancer.
pub fn benign_course(mut c: Comparison) -> Comparison {
    c.response = None;
    c.deauville = None;
    c.evidence.retain(|e| e.decision == crate::Decision::Lesion);
    c.missing.push(crate::Missing {
        decision: crate::Decision::Response,
        reason: "the stated diagnosis is a benign mimic: no response framework (Lugano, PERCIST) applies".into(),
    });
    c
}

/// The framework for a patient: the cancer stated in the indication, else the one stored
/// with their latest study; PERCIST-style when neither names a cancer.
pub fn framework_of(indication: &str, stored: Option<&str>) -> Framework {
    priors_parse::stated_cancer_type(indication)
        .or_else(|| stored.and_then(CancerType::parse))
        .map_or(Framework::Percist, Framework::for_cancer_type)
}

/// Compare `findings` with the chosen prior of a patient whose studies are `timeline`
/// (`(report_id, date, cancer_type)`), reading chunks with `fetch`. `None` when the patient
/// has no study before `current_date`.
pub fn compare_with_prior<E>(
    timeline: &[(String, NaiveDate, Option<String>)],
    findings: &str,
    indication: &str,
    comparison: &str,
    current_date: NaiveDate,
    fetch: impl FnOnce(&[String]) -> Result<std::collections::HashMap<String, Vec<StoredChunk>>, E>,
) -> Result<Option<(Comparison, Vec<StoredChunk>)>, E> {
    // `None`: no study before the current exam (or the named one is not a prior).
    let studies: Vec<(String, NaiveDate)> = timeline.iter().map(|t| (t.0.clone(), t.1)).collect();
    let against = against_of(comparison, &studies);
    let Ok(i) = choose_prior(&studies, current_date, None, &against) else {
        return Ok(None);
    };
    let prior_date = studies[i].1;
    // The prior and every study before it: was there disease before?
    let ids: Vec<String> = studies
        .iter()
        .filter(|s| s.1 <= prior_date)
        .map(|s| s.0.clone())
        .collect();
    let mut chunks = fetch(&ids)?;
    let Some(prior_chunks) = chunks.remove(&studies[i].0) else {
        return Ok(None);
    };
    let prior = Study::from_chunks(&prior_chunks);
    let disease_before = prior.lesions.iter().any(|l| l.is_disease())
        || chunks
            .values()
            .flatten()
            .any(|c| c.lesions.iter().any(|l| l.is_disease()));
    let framework = framework_of(indication, timeline[i].2.as_deref());
    let current = Study::from_text(findings.to_string());
    let mut c = compare_in_course(framework, &prior, &current, disease_before);
    if is_benign(indication, timeline[i].2.as_deref()) {
        c = benign_course(c);
    }
    Ok(Some((c, prior_chunks)))
}

/// The time point of a study from its indication: `staging`, `interim`, `end_of_treatment`,
/// `surveillance` or `recurrence`; `None` when the words do not say.
///
/// Cues are whole words or phrases, and a cue right after "no"/"without" does not count ("no
/// new symptoms"). In order: a suspicion of recurrence ("suspected recurrence", "rising CEA",
/// "new symptoms", "recurrence?") → `recurrence`; surveillance wording ("surveillance",
/// "follow-up imaging", "in remission") → `surveillance`; a treatment under way ("interim",
/// "during", "after 4 cycles", "now on osimertinib") → `interim`; a treatment finished
/// ("completed", "end of treatment", "post-operative") → `end_of_treatment`; first staging
/// ("staging" — not "restaging" —, "newly diagnosed", "initial", "baseline"), or a
/// diagnostic question with nothing treated ("exclude lymphoma", "sarcoidosis versus
/// lymphoma") → `staging`. "Relapsed" and
/// "progressive" describe the disease being treated, not the time point.
pub fn timepoint_of(indication: &str) -> Option<&'static str> {
    let t: String = indication
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '?' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = t.split_whitespace().collect();
    // Positions where `phrase` (space-separated words, `#` = a number) starts, not negated.
    let find = |phrase: &str| -> bool {
        let p: Vec<&str> = phrase.split(' ').collect();
        (0..words.len()).any(|i| {
            i + p.len() <= words.len()
                && p.iter().enumerate().all(|(k, w)| match *w {
                    "#" => words[i + k].chars().all(|c| c.is_ascii_digit()),
                    w => words[i + k].trim_end_matches('?') == w,
                })
                && !(i > 0 && matches!(words[i - 1], "no" | "without" | "not"))
                && !(i > 1 && matches!(words[i - 2], "no" | "without") && words[i - 1] == "new")
        })
    };
    let any = |phrases: &[&str]| phrases.iter().any(|p| find(p));
    let question = t.contains('?') && any(&["recurrence", "relapse", "recurrent", "progression"]);
    if question
        || any(&[
            "suspected recurrence",
            "suspected relapse",
            "suspicion of recurrence",
            "suspicious for recurrence",
            "query recurrence",
            "evaluate for recurrence",
            "assess for recurrence",
            "rule out recurrence",
            "rising",
            "new symptoms",
            "new pain",
            "new lump",
            "new mass",
            "recurrence",
            "relapse",
        ])
    {
        return Some("recurrence");
    }
    if any(&[
        "surveillance",
        "follow up",
        "followup",
        "reassessment",
        "in remission",
        "remission",
        "annual",
        "yearly",
    ]) {
        return Some("surveillance");
    }
    if any(&[
        "interim",
        "during",
        "mid treatment",
        "midtreatment",
        "after # cycles",
        "after # cycle",
        "# cycles completed",
        "cycles completed",
        "now on",
        "currently on",
        "while on",
        "still on",
        "ongoing",
    ]) || (find("restaging") && any(&["after # months", "after # weeks"]) && find("on"))
    {
        return Some("interim");
    }
    if any(&[
        "completed",
        "completion",
        "end of treatment",
        "end of therapy",
        "eot",
        "after completing",
        "finished",
        "post treatment assessment",
        "post operative",
        "postoperative",
        "after resection",
        "after surgery",
    ]) {
        return Some("end_of_treatment");
    }
    if any(&[
        "staging",
        "newly diagnosed",
        "new diagnosis",
        "initial",
        "baseline",
        "pre treatment",
        "pretreatment",
        "biopsy proven",
    ]) {
        return Some("staging");
    }
    // A diagnostic question with nothing treated yet is the first presentation.
    if any(&[
        "exclude",
        "versus",
        "vs",
        "work up",
        "workup",
        "suspected",
        "palpable",
        "equivocal",
        "incidental",
        "query",
    ]) {
        return Some("staging");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Against;

    #[test]
    fn the_comparison_text_names_the_study() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let s = vec![
            ("R1".to_string(), d("2022-12-15")),
            ("R2".to_string(), d("2023-03-05")),
        ];
        assert_eq!(against_of("", &s), Against::Latest);
        assert_eq!(against_of("R1", &s), Against::Report("R1".into()));
        assert_eq!(
            against_of("PET/CT 2022-12-15", &s),
            Against::Report("R1".into())
        );
        assert_eq!(against_of("baseline PET", &s), Against::Baseline);
        assert_eq!(against_of("PET/CT 2020-01-01", &s), Against::Latest);
    }

    #[test]
    fn framework_from_the_indication_then_the_store() {
        assert_eq!(
            framework_of("Interim PET for DLBCL", None),
            Framework::Lugano
        );
        assert_eq!(
            framework_of("Restaging", Some("hodgkin_lymphoma")),
            Framework::Lugano
        );
        assert_eq!(framework_of("Restaging", Some("nsclc")), Framework::Percist);
        assert_eq!(framework_of("", None), Framework::Percist);
    }

    #[test]
    fn time_points_from_the_indication() {
        assert_eq!(
            timepoint_of("Interim PET/CT during R-CHOP (2 cycles completed)."),
            Some("interim")
        );
        assert_eq!(
            timepoint_of("End-of-treatment assessment after completion of R-CHOP."),
            Some("end_of_treatment")
        );
        assert_eq!(
            timepoint_of("Surveillance, in remission since 2022."),
            Some("surveillance")
        );
        assert_eq!(
            timepoint_of("Suspected recurrence: rising CEA."),
            Some("recurrence")
        );
        assert_eq!(timepoint_of("Initial staging of NSCLC."), Some("staging"));
        assert_eq!(timepoint_of("PET/CT."), None);
        assert_eq!(
            timepoint_of("Routine surveillance. No new symptoms."),
            Some("surveillance")
        );
        assert_eq!(
            timepoint_of("Restaging after 5 cycles of R-CHOP."),
            Some("interim")
        );
        assert_eq!(
            timepoint_of("Completed pembrolizumab for relapsed melanoma; response assessment."),
            Some("end_of_treatment")
        );
        assert_eq!(
            timepoint_of("Now on osimertinib for progressive disease. Restaging."),
            Some("interim")
        );
        assert_eq!(
            timepoint_of("Enlarging consolidation at the treated site: recurrence or pneumonitis?"),
            Some("recurrence")
        );
    }

    #[test]
    fn a_benign_mimic_has_no_response() {
        assert!(is_benign(
            "Known pulmonary sarcoidosis; assess activity.",
            None
        ));
        assert!(is_benign("Follow-up.", Some("sarcoidosis")));
        assert!(!is_benign("Interim PET for DLBCL.", Some("sarcoidosis")));
        let prior = crate::Study::from_text("Bilateral hilar nodes 1.5 cm, SUVmax 8.0.");
        let current = crate::Study::from_text("Bilateral hilar nodes 1.0 cm, SUVmax 3.0.");
        let c = benign_course(crate::compare(Framework::Percist, &prior, &current));
        assert_eq!((c.response, c.deauville), (None, None));
        assert!(c
            .evidence
            .iter()
            .all(|e| e.decision == crate::Decision::Lesion));
        assert!(c.missing.iter().any(|m| m.reason.contains("benign mimic")));
        assert_eq!(
            c.lesions[0].status,
            crate::Status::Decreased,
            "lesion changes are kept"
        );
    }
}
