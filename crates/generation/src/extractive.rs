//! The extractive drafter: deterministic sentences built from the findings, the patient's
//! prior study, the staging rules and the closest prior cases, each with its citations. No
//! LLM.
//!
//! It writes an impression the way radiologists do, answer first:
//! 1. **The answer.** On a follow-up of a patient with a stored prior: the comparison with
//!    that study and the response — "Compared with PET/CT of 2023-03-05 [P1], Deauville 2
//!    [G3], complete metabolic response [G4]." — then the lesions that changed, most
//!    significant first (new, increased, decreased, resolved), each with its SUVmax then and
//!    now [P1], and "No new lesion since …" when there is none. On a staging scan: the
//!    rule-based stage.
//! 2. **The positive findings** that support it (when there is no prior study to compare
//!    with): the findings sentences with SUV values or abnormality words, grouped by the
//!    report's region (neck, chest…) and ranked by their highest SUVmax, each citing the prior
//!    cases that share most of its content words.
//! 3. **One summarising negative** when the staging rules found no distant metastasis: "No
//!    distant metastatic disease [G…]".
//! 4. The diagnoses stated in the prior cases, each with the cases that state it.
//! 5. The best-matching guideline passage not cited yet, by title.
//!
//! Every sentence passes the same verifier as an LLM's; phrasings whose words the sources do
//! not carry are not proposed (a lesion is then named with the words of its own report).

use crate::text::split_sentences;
use crate::{
    DraftContext, Drafter, PatientComparison, ProposeFuture, Source, SourceKind, Verifier,
};
use priors_compare::{Framework, LesionChange, Status};
use std::collections::HashSet;

/// Deterministic drafting (the default).
#[derive(Debug, Clone, Default)]
pub struct ExtractiveDrafter;

const ABNORMAL: &[&str] = &[
    "avid",
    "hypermetabolic",
    "uptake",
    "mass",
    "lesion",
    "nodule",
    "node",
    "nodes",
    "lymphadenopathy",
    "metasta",
    "suspicious",
    "malignan",
    "tumour",
    "tumor",
    "effusion",
    "deposit",
    "thicken",
    "consolidat",
    "enlarg",
    "progress",
    "new ",
    "increase",
    "decrease",
    "resolv",
    "residual",
    "sclerotic",
    "lytic",
    "deauville",
];

const STOP: &[&str] = &[
    "with",
    "that",
    "this",
    "there",
    "from",
    "which",
    "were",
    "have",
    "been",
    "without",
    "within",
    "measuring",
    "measures",
    "noted",
    "seen",
    "also",
    "demonstrates",
    "shows",
    "right",
    "left",
    "suvmax",
    "prior",
    "compared",
    "previously",
    "study",
    "findings",
];

/// Lowercase content words of four letters or more, minus a short stop list.
fn content_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// The findings sentences worth an impression line: abnormal statements (an SUV value or a
/// word of abnormality), at most `max`, grouped by the report's region (a `Thorax:` label
/// starts a region) and ranked by significance: regions by their highest SUVmax, sentences
/// within a region by theirs, then by abnormality words. Region labels are dropped; pertinent
/// negatives and physiologic statements are never key findings unless they carry an SUV
/// value.
fn key_findings(findings: &str, max: usize) -> Vec<String> {
    // (region, order, suv, words, sentence)
    let mut found: Vec<(usize, usize, f32, i32, String)> = Vec::new();
    let mut region = 0usize;
    for line in findings.lines() {
        let mut line = line.trim();
        // "Thorax: The right upper lobe…" → "The right upper lobe…"; a label alone is skipped.
        if let Some((label, rest)) = line.split_once(':') {
            if label.split_whitespace().count() <= 4 && !label.chars().any(|c| c.is_ascii_digit()) {
                region += 1;
                line = rest.trim();
            }
        }
        for s in split_sentences(line) {
            let l = s.to_lowercase();
            let suv = priors_parse::suv_max_values(&s)
                .into_iter()
                .reduce(f32::max);
            let negative = l.starts_with("no ")
                || l.starts_with("there is no")
                || l.contains("without")
                || l.contains("unremarkable")
                || l.contains("normal")
                || l.contains("physiologic");
            if negative && suv.is_none() {
                continue;
            }
            let words = ABNORMAL.iter().filter(|w| l.contains(*w)).count() as i32;
            if words > 0 || suv.is_some() {
                found.push((region, found.len(), suv.unwrap_or(0.0), words, s));
            }
        }
    }
    let best = |r: usize| {
        found
            .iter()
            .filter(|f| f.0 == r)
            .map(|f| (f.2, f.3))
            .fold((0.0f32, 0i32), |a, b| {
                if b.0 > a.0 || (b.0 == a.0 && b.1 > a.1) {
                    b
                } else {
                    a
                }
            })
    };
    let mut ranked: Vec<&(usize, usize, f32, i32, String)> = found.iter().collect();
    ranked.sort_by(|a, b| {
        let (ra, rb) = (best(a.0), best(b.0));
        rb.0.total_cmp(&ra.0)
            .then(rb.1.cmp(&ra.1))
            .then(a.0.cmp(&b.0))
            .then(b.2.total_cmp(&a.2))
            .then(b.3.cmp(&a.3))
            .then(a.1.cmp(&b.1))
    });
    ranked.truncate(max);
    ranked.into_iter().map(|f| f.4.clone()).collect()
}

/// Human name of a cancer type id (the vocabulary's display name; an id outside it is shown
/// with spaces for underscores).
pub(crate) fn diagnosis_name(cancer_type: &str) -> String {
    match priors_core::CancerType::parse(cancer_type) {
        Some(t) => t.display_name().to_string(),
        None => cancer_type.replace('_', " "),
    }
}

fn markers(ids: &[&str]) -> String {
    ids.iter().map(|id| format!("[{id}]")).collect()
}

/// Strip one trailing `.`/`;`/`:` so a template can continue the sentence.
fn open_end(s: &str) -> &str {
    s.trim().trim_end_matches(['.', ';', ':']).trim_end()
}

impl ExtractiveDrafter {
    /// The proposed sentences for `ctx`, in order (before verification).
    pub fn sentences(&self, ctx: &DraftContext) -> Vec<String> {
        let cases: Vec<&Source> = ctx.sources.of_kind(SourceKind::PriorCase).collect();
        let verifier = Verifier::new(&ctx.input.input_text(), &ctx.sources);
        let mut out = Vec::new();

        // 1. The answer: the comparison with the patient's prior study, or the stage.
        if let Some(pc) = &ctx.patient {
            out.extend(comparison_sentences(pc, ctx, &verifier));
        }
        if let Some(st) = &ctx.staging {
            out.push(format!("Rule-based staging of the findings: {st}."));
        }

        // 2. Positive findings, grouped by region and ranked, each with the prior cases most
        //    like it (the comparison already covers them on a follow-up).
        if ctx.patient.is_none() {
            let case_words: Vec<HashSet<String>> =
                cases.iter().map(|c| content_words(&c.text)).collect();
            for finding in key_findings(&ctx.input.findings, 3) {
                let words = content_words(&finding);
                let mut support: Vec<(usize, usize)> = case_words
                    .iter()
                    .enumerate()
                    .map(|(i, cw)| (i, words.intersection(cw).count()))
                    .filter(|(_, n)| *n >= 2)
                    .collect();
                // Most shared words first; retrieval order breaks ties.
                support.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let ids: Vec<&str> = support
                    .iter()
                    .take(2)
                    .map(|(i, _)| cases[*i].id.as_str())
                    .collect();
                if !ids.is_empty() {
                    out.push(format!("{} {}.", open_end(&finding), markers(&ids)));
                }
            }
        }

        // 3. One summarising negative, when the rules found no distant metastasis.
        if let (Some(st), Some(g)) = (
            &ctx.staging,
            ctx.sources.id_of(SourceKind::Guideline, "ajcc8-lung-m0"),
        ) {
            let s = format!("No distant metastatic disease [{g}].");
            if st.contains("M0") && verifier.check(&s).is_ok() {
                out.push(s);
            }
        }

        // 4. Diagnoses of the prior cases.
        let mut diagnoses: Vec<(String, Vec<&str>)> = Vec::new();
        for c in &cases {
            if c.title.is_empty() {
                continue;
            }
            match diagnoses.iter_mut().find(|(d, _)| *d == c.title) {
                Some((_, ids)) => ids.push(&c.id),
                None => diagnoses.push((c.title.clone(), vec![&c.id])),
            }
        }
        if !diagnoses.is_empty() {
            let parts: Vec<String> = diagnoses
                .iter()
                .take(3)
                .map(|(d, ids)| format!("{} {}", diagnosis_name(d), markers(ids)))
                .collect();
            out.push(format!(
                "Prior cases with similar findings carried the diagnoses {}.",
                parts.join("; ")
            ));
        }

        // 5. The best guideline passage not cited yet, unless it is about a finding the
        //    report denies ("No pleural effusion" does not call for the effusion passage).
        let cited: HashSet<String> = out.iter().flat_map(|s| crate::text::citations(s)).collect();
        let denied = denied_sites(&ctx.input.findings);
        if let Some(g) = ctx
            .sources
            .of_kind(SourceKind::Guideline)
            .filter(|g| !cited.contains(&g.id) && g.score > 0.0)
            .find(|g| !about_denied(&g.title, &denied))
        {
            out.push(format!(
                "Relevant guidance: {} [{}].",
                open_end(&g.title),
                g.id
            ));
        }
        out
    }
}

/// What the findings say of each site: `denied` holds the sites only cleared by a negation or
/// a resolution ("No pleural effusion", "no FDG-avid adrenal lesion"), `present` the sites and
/// groups described with a finding.
struct SiteStatements {
    denied: HashSet<String>,
    present: HashSet<String>,
}

fn denied_sites(findings: &str) -> SiteStatements {
    let lesions = priors_staging::extract_lesions(findings);
    let present: HashSet<String> = lesions
        .iter()
        .filter(|l| l.role == priors_core::LesionRole::Lesion)
        .flat_map(|l| [l.site.clone(), l.group.clone()])
        .collect();
    let denied = lesions
        .iter()
        .filter(|l| l.role == priors_core::LesionRole::Clear)
        .filter(|l| !present.contains(&l.site) && !present.contains(&l.group))
        .map(|l| l.site.clone())
        .collect();
    SiteStatements { denied, present }
}

/// A passage title about a finding the report denies: it names a denied site and no site the
/// report describes with a finding ("Pleural and pericardial effusion" after "No pleural
/// effusion" and nothing pericardial).
fn about_denied(title: &str, s: &SiteStatements) -> bool {
    let sites = priors_staging::sites_named(title);
    sites.iter().any(|(site, _)| s.denied.contains(*site))
        && !sites
            .iter()
            .any(|(site, group)| s.present.contains(*site) || s.present.contains(*group))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn response_words(r: &str) -> &'static str {
    match r {
        "CMR" => "complete metabolic response",
        "PMR" => "partial metabolic response",
        "NMR" => "no metabolic response",
        "SMD" => "stable metabolic disease",
        _ => "progressive metabolic disease",
    }
}

/// A lesion named with the words of its own report: the start of its span, up to the first
/// comma, colon or semicolon (at most eight words).
fn own_words(l: &LesionChange) -> Option<String> {
    let span = l.prior_span.as_ref().or(l.current_span.as_ref())?;
    let head = span.text.split([',', ':', ';']).next()?.trim();
    let words: Vec<&str> = head.split_whitespace().take(8).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The sentence for one changed lesion, in the vocabulary's words or, when the sources do not
/// carry those, in its report's own.
fn lesion_sentence(l: &LesionChange, p: &str, date: &str, verifier: &Verifier) -> Option<String> {
    let fmt = |v: f32| format!("{v}");
    let make = |name: &str| -> Option<String> {
        let name = capitalised(name);
        Some(match l.status {
            Status::New => match l.current_suv_max {
                Some(c) => format!(
                    "New: {name}, SUVmax {}, not seen on PET/CT of {date} [{p}].",
                    fmt(c)
                ),
                None => format!("New: {name}, not seen on PET/CT of {date} [{p}]."),
            },
            Status::Increased | Status::Decreased | Status::Stable => {
                let (a, b) = (l.prior_suv_max?, l.current_suv_max?);
                let verb = match l.status {
                    Status::Increased => "increased",
                    Status::Decreased => "decreased",
                    _ => "stable",
                };
                format!("{name}: SUVmax {verb} from {} to {} [{p}].", fmt(a), fmt(b))
            }
            Status::Resolved => match l.prior_suv_max {
                Some(a) => format!(
                    "{name}: resolved, SUVmax {} on PET/CT of {date} [{p}].",
                    fmt(a)
                ),
                None => format!("{name}: resolved since PET/CT of {date} [{p}]."),
            },
            Status::NotDescribed | Status::Indeterminate => return None,
        })
    };
    let ok = |s: &String| verifier.check(s).is_ok();
    make(&l.site)
        .filter(ok)
        .or_else(|| own_words(l).and_then(|w| make(&w)).filter(ok))
}

/// The comparison sentences: the answer (response, Deauville), the changed lesions most
/// significant first, and "no new lesion" when there is none.
fn comparison_sentences(
    pc: &PatientComparison,
    ctx: &DraftContext,
    verifier: &Verifier,
) -> Vec<String> {
    let c = &pc.comparison;
    let p = pc.source_id.as_str();
    let date = pc.exam_date.to_string();
    let g = |passage: &str| {
        ctx.sources
            .id_of(SourceKind::Guideline, passage)
            .map(|id| format!("[{id}]"))
    };
    let cited = |decision: priors_compare::Decision, value: &str| -> String {
        c.evidence
            .iter()
            .filter(|e| e.decision == decision && e.value == value)
            .filter_map(|e| g(&e.guideline))
            .fold(String::new(), |mut a, m| {
                if !a.contains(&m) {
                    a.push_str(&m);
                }
                a
            })
    };
    let mut out = Vec::new();
    let opening = match (c.framework, c.response.as_deref()) {
        (Framework::Lugano, Some(r)) => match c.deauville {
            Some(ds) => format!(
                "Compared with PET/CT of {date} [{p}], Deauville {ds} {}, {} {}.",
                cited(priors_compare::Decision::Deauville, &ds.to_string()),
                response_words(r),
                cited(priors_compare::Decision::Response, r)
            ),
            None => format!(
                "Compared with PET/CT of {date} [{p}], {} {}.",
                response_words(r),
                cited(priors_compare::Decision::Response, r)
            ),
        },
        (Framework::Percist, Some(r)) => format!(
            "Compared with PET/CT of {date} [{p}], {} by PERCIST-style criteria applied to SUVmax {}.",
            response_words(r),
            cited(priors_compare::Decision::Response, r)
        ),
        // A benign mimic has no response to assign: the comparison is its lesions.
        (_, None) if c.missing.iter().any(|m| m.reason.contains("benign mimic")) => {
            format!("Compared with PET/CT of {date} [{p}].")
        }
        (_, None) => format!(
            "Compared with PET/CT of {date} [{p}], the response cannot be assigned from the findings as given."
        ),
    };
    let opening = opening
        .replace("  ", " ")
        .replace(" ,", ",")
        .replace(" .", ".");
    if verifier.check(&opening).is_ok() {
        out.push(opening);
    } else {
        out.push(format!("Compared with PET/CT of {date} [{p}]."));
    }
    // Most significant first: new (counted), increased, decreased, resolved; hotter first.
    let rank = |l: &LesionChange| match l.status {
        Status::New => 0,
        Status::Increased => 1,
        Status::Decreased => 2,
        Status::Resolved => 3,
        _ => 4,
    };
    let mut changed: Vec<&LesionChange> = c
        .lesions
        .iter()
        .chain(c.new_lesions.iter().filter(|l| l.counted))
        .filter(|l| rank(l) < 4)
        .collect();
    changed.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then(
            b.current_suv_max
                .or(b.prior_suv_max)
                .unwrap_or(0.0)
                .total_cmp(&a.current_suv_max.or(a.prior_suv_max).unwrap_or(0.0)),
        )
    });
    for l in changed.into_iter().take(4) {
        if let Some(s) = lesion_sentence(l, p, &date, verifier) {
            out.push(s);
        }
    }
    if !c.new_lesions.iter().any(|l| l.counted) && c.response.is_some() {
        let s = format!("No new lesion since PET/CT of {date} [{p}].");
        if verifier.check(&s).is_ok() {
            out.push(s);
        }
    }
    out
}

impl Drafter for ExtractiveDrafter {
    fn name(&self) -> &'static str {
        "extractive"
    }

    fn propose<'a>(
        &'a self,
        ctx: &'a DraftContext,
        out: tokio::sync::mpsc::UnboundedSender<String>,
    ) -> ProposeFuture<'a> {
        let sentences = self.sentences(ctx);
        Box::pin(async move {
            for s in sentences {
                if out.send(s).is_err() {
                    break;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DraftInput, SourceSet};

    #[test]
    fn pertinent_negatives_are_not_key_findings() {
        let f = "No FDG-avid lymphadenopathy. Right upper lobe mass with SUVmax 12.3. Liver unremarkable.";
        assert_eq!(
            key_findings(f, 3),
            ["Right upper lobe mass with SUVmax 12.3."]
        );
    }

    #[test]
    fn drafts_are_deterministic_and_cite_only_their_sources() {
        let mut sources = SourceSet::default();
        let mut c = Source::test_double(
            SourceKind::PriorCase,
            "R9",
            "Report R9; exam date 2023-02-01.\nFINDINGS: Spiculated right upper lobe mass, SUVmax 9.1.\nIMPRESSION: Right upper lobe mass, likely primary lung cancer. Nodes.",
        );
        c.title = "nsclc".into();
        c.exam_date = Some("2023-02-01".into());
        sources.push(c);
        let ctx = DraftContext {
            input: DraftInput {
                findings: "Spiculated right upper lobe mass with SUVmax 12.3.".into(),
                ..Default::default()
            },
            sources,
            staging: None,
            patient: None,
        };
        let a = ExtractiveDrafter.sentences(&ctx);
        assert_eq!(a, ExtractiveDrafter.sentences(&ctx));
        assert_eq!(
            a,
            [
                "Spiculated right upper lobe mass with SUVmax 12.3 [C1].",
                "Prior cases with similar findings carried the diagnoses non-small cell lung cancer [C1].",
            ]
        );
        let v = crate::Verifier::new(&ctx.input.input_text(), &ctx.sources);
        for s in &a {
            assert!(v.check(s).is_ok(), "{s}");
        }
    }
}

#[cfg(test)]
mod comparison_tests {
    use super::*;
    use crate::{DraftInput, SourceSet};
    use priors_compare::Study;

    #[test]
    fn a_follow_up_opens_with_the_comparison_and_every_sentence_verifies() {
        let prior_text = "Mediastinal blood pool SUVmax 2.1; liver SUVmax 2.8. Right cervical chain: 8.4 x 5.5 cm mass, SUVmax 13.3. Left axillary node 2.0 cm, SUVmax 9.1.";
        let findings = "Liver SUVmax 2.8 and mediastinal blood pool SUVmax 2.1. Right cervical chain: residual soft tissue 4.5 x 2.9 cm, SUVmax 2.0. No residual uptake in the left axilla.";
        let cmp = priors_compare::compare(
            Framework::Lugano,
            &Study::from_text(prior_text),
            &Study::from_text(findings),
        );
        let mut sources = SourceSet::default();
        let pid = sources.push(Source::test_double(
            SourceKind::PatientStudy,
            "R1",
            &format!("Prior study of this patient: report R1; PET/CT of 2023-03-05.\nFINDINGS: {prior_text}\n"),
        ));
        assert_eq!(pid, "P1");
        sources.push(Source::test_double(
            SourceKind::Guideline,
            "deauville-2",
            "Score 2\nUptake at or below the mediastinal blood pool.",
        ));
        sources.push(Source::test_double(
            SourceKind::Guideline,
            "lugano2014-response-cmr",
            "Complete metabolic response (CMR)\nDeauville 1, 2 or 3 with or without a residual mass.",
        ));
        let ctx = DraftContext {
            input: DraftInput {
                findings: findings.into(),
                patient_id: Some("SYN-P1".into()),
                ..Default::default()
            },
            sources,
            staging: None,
            patient: Some(PatientComparison {
                source_id: pid,
                report_id: "R1".into(),
                exam_date: "2023-03-05".parse().unwrap(),
                comparison: cmp,
            }),
        };
        let a = ExtractiveDrafter.sentences(&ctx);
        assert_eq!(
            a[..4],
            [
                "Compared with PET/CT of 2023-03-05 [P1], Deauville 2 [G1], complete metabolic response [G2].",
                "Right cervical nodes: SUVmax decreased from 13.3 to 2 [P1].",
                "Left axillary nodes: resolved, SUVmax 9.1 on PET/CT of 2023-03-05 [P1].",
                "No new lesion since PET/CT of 2023-03-05 [P1].",
            ]
        );
        let v = crate::Verifier::new(&ctx.input.input_text(), &ctx.sources);
        for s in &a {
            assert!(v.check(s).is_ok(), "{s}: {:?}", v.check(s));
        }
        // No prior cases were given: nothing cites a C source.
        assert!(a.iter().all(|s| !s.contains("[C")));
    }
}

#[cfg(test)]
mod guidance_tests {
    use super::*;

    #[test]
    fn guidance_about_a_denied_finding_is_not_proposed() {
        let findings = "Spiculated right upper lobe mass, SUVmax 12.3. No pleural effusion. No FDG-avid adrenal lesion.";
        let s = denied_sites(findings);
        assert!(s.denied.contains("pleura"), "{:?}", s.denied);
        assert!(about_denied("Pleural and pericardial effusion", &s));
        assert!(about_denied("Adrenal adenoma", &s));
        assert!(
            !about_denied("Separate tumour nodules", &s),
            "no site named"
        );
        assert!(
            !about_denied("Right upper lobe mass and the T category", &s),
            "a site with disease"
        );
        // A site the report describes with disease is not denied, even if cleared elsewhere.
        let s =
            denied_sites("Left pleural nodularity with uptake, SUVmax 5.1. No pleural effusion.");
        assert!(!s.denied.contains("pleura"), "{:?}", s.denied);
        assert!(!about_denied("Pleural and pericardial effusion", &s));
    }
}
