//! Evaluation of comparisons on labelled follow-up reports: the current findings lose their
//! "previously …" quotes, the comparison runs against the prior study's findings, and the
//! result is scored against the labels (Deauville, response) and, lesion by lesion, against
//! the quotes that were removed (a current lesion the report quoted as "previously SUVmax X"
//! must be paired with the prior lesion of SUVmax X).

use std::collections::{BTreeMap, HashMap};

use priors_core::{CancerType, LesionRole, ReportRecord};
use serde::{Deserialize, Serialize};

use crate::course::findings_of;
use crate::hints::strip_comparison_hints;
use crate::{compare_in_course, Framework, Study};

/// One labelled follow-up: its findings, its prior's findings and the expected answers.
#[derive(Debug, Clone)]
pub struct Case {
    /// Report id of the follow-up.
    pub report_id: String,
    /// Framework to apply.
    pub framework: Framework,
    /// Time point label (`interim`, `end_of_treatment`…), for the breakdown.
    pub timepoint: String,
    /// Findings of the prior study.
    pub prior_findings: String,
    /// Findings of the follow-up as written (hints are removed by the evaluation).
    pub current_findings: String,
    /// Expected response, if labelled.
    pub response: Option<String>,
    /// Expected Deauville score, if labelled.
    pub deauville: Option<u8>,
    /// Findings of the patient's studies before the prior (oldest first), to know whether
    /// there was disease before.
    pub earlier_findings: Vec<String>,
}

/// Right / total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Correct answers.
    pub right: usize,
    /// Cases scored.
    pub total: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.right += usize::from(ok);
    }

    /// right / total (1.0 when nothing was scored).
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

/// A miss, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// Report id.
    pub report_id: String,
    /// `response`, `deauville` or `lesion`.
    pub what: String,
    /// Expected value.
    pub expected: String,
    /// What the comparison said.
    pub got: String,
}

/// The evaluation's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Cases evaluated.
    pub cases: usize,
    /// Response accuracy per framework.
    pub response: BTreeMap<String, Tally>,
    /// Deauville accuracy (Lugano cases with a label).
    pub deauville: Tally,
    /// Response accuracy per framework and time point (`lugano/interim`…).
    pub response_by_timepoint: BTreeMap<String, Tally>,
    /// Deauville accuracy per time point.
    pub deauville_by_timepoint: BTreeMap<String, Tally>,
    /// Lesions the report quoted with a previous SUVmax, paired with the prior lesion of
    /// that SUVmax.
    pub lesion_pairing: Tally,
    /// Every miss.
    pub misses: Vec<Miss>,
}

impl Report {
    /// Response accuracy over all frameworks.
    pub fn response_total(&self) -> Tally {
        self.response.values().fold(Tally::default(), |a, t| Tally {
            right: a.right + t.right,
            total: a.total + t.total,
        })
    }
}

/// Every labelled follow-up of a corpus (a report whose labels carry a response or a
/// Deauville score) with the patient's report before it, patients and reports in order.
pub fn cases_from_records(records: &[ReportRecord]) -> Vec<Case> {
    let mut by_patient: HashMap<&str, Vec<&ReportRecord>> = HashMap::new();
    for r in records {
        by_patient.entry(r.patient_id.as_str()).or_default().push(r);
    }
    let mut patients: Vec<(&str, Vec<&ReportRecord>)> = by_patient.into_iter().collect();
    patients.sort_by(|a, b| a.0.cmp(b.0));
    let mut cases = Vec::new();
    for (_, mut rs) in patients {
        rs.sort_by(|a, b| {
            a.exam_date
                .cmp(&b.exam_date)
                .then(a.report_id.cmp(&b.report_id))
        });
        for k in 1..rs.len() {
            let (p, c) = (rs[k - 1], rs[k]);
            let Some(l) = &c.labels else { continue };
            if l.response.is_none() && l.deauville.is_none() {
                continue;
            }
            let Some(t) = CancerType::parse(&l.cancer_type) else {
                continue;
            };
            cases.push(Case {
                report_id: c.report_id.clone(),
                framework: Framework::for_cancer_type(t),
                timepoint: l.timepoint.clone().unwrap_or_default(),
                prior_findings: findings_of(&p.text),
                current_findings: findings_of(&c.text),
                response: l.response.clone(),
                deauville: l.deauville,
                earlier_findings: rs[..k - 1].iter().map(|r| findings_of(&r.text)).collect(),
            });
        }
    }
    cases
}

/// Run the evaluation.
pub fn evaluate(cases: &[Case]) -> Report {
    let mut r = Report::default();
    for c in cases {
        r.cases += 1;
        let prior = Study::from_text(c.prior_findings.clone());
        let stripped = strip_comparison_hints(&c.current_findings);
        let current = Study::from_text(stripped);
        let disease_before = prior.lesions.iter().any(|l| l.is_disease())
            || c.earlier_findings.iter().any(|f| {
                priors_staging::extract_lesions(f)
                    .iter()
                    .any(|l| l.is_disease())
            });
        let cmp = compare_in_course(c.framework, &prior, &current, disease_before);
        let fw = c.framework.as_str();
        if let Some(want) = &c.response {
            let ok = cmp.response.as_deref() == Some(want.as_str());
            r.response.entry(fw.into()).or_default().add(ok);
            r.response_by_timepoint
                .entry(format!("{fw}/{}", c.timepoint))
                .or_default()
                .add(ok);
            if !ok {
                r.misses.push(Miss {
                    report_id: c.report_id.clone(),
                    what: "response".into(),
                    expected: want.clone(),
                    got: cmp.response.clone().unwrap_or_else(|| "null".into()),
                });
            }
        }
        if let Some(want) = c.deauville {
            let ok = cmp.deauville == Some(want);
            r.deauville.add(ok);
            r.deauville_by_timepoint
                .entry(c.timepoint.clone())
                .or_default()
                .add(ok);
            if !ok {
                r.misses.push(Miss {
                    report_id: c.report_id.clone(),
                    what: "deauville".into(),
                    expected: want.to_string(),
                    got: cmp.deauville.map_or("null".into(), |d| d.to_string()),
                });
            }
        }
        // Lesion pairing against the removed quotes: the hinted and the stripped text give the
        // same records in the same order (only offsets and the quotes differ).
        let hinted = priors_staging::extract_lesions(&c.current_findings);
        let sites = |ls: &[priors_core::Lesion]| -> Vec<(String, LesionRole)> {
            ls.iter().map(|l| (l.site.clone(), l.role)).collect()
        };
        if sites(&hinted) != sites(&current.lesions) {
            continue;
        }
        for (h, s) in hinted.iter().zip(&current.lesions) {
            let Some(prev) = h.previous_suv_max else {
                continue;
            };
            if h.role != LesionRole::Lesion && h.role != LesionRole::Clear {
                continue;
            }
            let span = current.span(crate::Which::Current, s.start, s.end);
            let ok = cmp
                .lesions
                .iter()
                .any(|l| l.current_span == span && l.prior_suv_max.is_some_and(|p| p == prev));
            r.lesion_pairing.add(ok);
            if !ok {
                let got = cmp
                    .lesions
                    .iter()
                    .find(|l| l.current_span == span)
                    .map_or("unpaired".to_string(), |l| {
                        format!("{} {:?}", l.site, l.prior_suv_max)
                    });
                r.misses.push(Miss {
                    report_id: c.report_id.clone(),
                    what: "lesion".into(),
                    expected: format!("{} previously SUVmax {prev}", s.label()),
                    got,
                });
            }
        }
    }
    r
}

/// A hand-made prior/current pair (`tests/fixtures/compare_pairs.jsonl`).
#[derive(Debug, Clone, Deserialize)]
pub struct Pair {
    /// Pair id.
    pub id: String,
    /// `lymphoma`, `lung` or `solid`.
    pub cancer: String,
    /// Prior findings.
    pub prior_findings: String,
    /// Current findings.
    pub current_findings: String,
    /// What the author expects.
    pub expected: Expected,
}

/// The expected answers of a [`Pair`] (lesion expectations are read by the tests).
#[derive(Debug, Clone, Deserialize)]
pub struct Expected {
    /// `lugano` or `percist`.
    pub framework: String,
    /// Deauville score, if any.
    pub deauville: Option<u8>,
    /// Response, if any.
    pub response: Option<String>,
}

/// Response and Deauville accuracy on hand-made pairs (two studies only: no course).
pub fn evaluate_pairs(pairs: &[Pair]) -> Report {
    let mut r = Report::default();
    for p in pairs {
        let Some(fw) = Framework::for_cancer(&p.cancer) else {
            continue;
        };
        r.cases += 1;
        let c = crate::compare(
            fw,
            &Study::from_text(p.prior_findings.clone()),
            &Study::from_text(p.current_findings.clone()),
        );
        let ok = c.response == p.expected.response;
        r.response.entry(fw.as_str().into()).or_default().add(ok);
        if !ok {
            r.misses.push(Miss {
                report_id: p.id.clone(),
                what: "response".into(),
                expected: p.expected.response.clone().unwrap_or_else(|| "null".into()),
                got: c.response.clone().unwrap_or_else(|| "null".into()),
            });
        }
        if fw == Framework::Lugano {
            let ok = c.deauville == p.expected.deauville;
            r.deauville.add(ok);
            if !ok {
                r.misses.push(Miss {
                    report_id: p.id.clone(),
                    what: "deauville".into(),
                    expected: p
                        .expected
                        .deauville
                        .map_or("null".into(), |d| d.to_string()),
                    got: c.deauville.map_or("null".into(), |d| d.to_string()),
                });
            }
        }
    }
    r
}
