//! The tumor-board view of one patient: diagnosis, baseline stage, every study with its
//! response, lesion trajectories, the current status in one cited sentence, and the patients
//! most like this one with what their next study showed.
//!
//! [`CaseSummary`] is plain data (built by `priors-app`, served by the `CaseSummary` RPC and
//! printed by `priors case --json`); [`trajectories`] links the lesions of consecutive
//! comparisons into one track per lesion; [`crate::html::render`] draws the page.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Comparison, Framework, LesionChange, Status};

/// A sentence with the sources it rests on (`P1`… for the patient's studies in order, `G:id`
/// for guideline passages), as drafts cite them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitedSentence {
    /// The sentence.
    pub text: String,
    /// Source labels, e.g. `P3`, `G:lugano2014-response-cmr`.
    pub citations: Vec<String>,
}

/// Stage at baseline, from the staging crate on the first study's findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineStaging {
    /// The study staged.
    pub report_id: String,
    /// Its date.
    pub exam_date: NaiveDate,
    /// `AJCC 8th (lung)` or `Lugano 2014`; absent when no staging rules exist for the cancer.
    pub system: Option<String>,
    /// Stage group, when decided.
    pub stage: Option<String>,
    /// T, N, M (lung only).
    pub tnm: Option<String>,
    /// Guideline passage ids cited by the staging.
    pub guidelines: Vec<String>,
    /// What staging could not decide.
    pub missing: Vec<String>,
}

/// One study of the patient, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStudy {
    /// `P1`, `P2`… in date order.
    pub label: String,
    /// Report id.
    pub report_id: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// Time point read from the indication (`staging`, `interim`, `end_of_treatment`,
    /// `surveillance`, `recurrence`), when stated.
    pub timepoint: Option<String>,
    /// Deauville score against the previous study (lymphoma).
    pub deauville: Option<u8>,
    /// Response against the previous study.
    pub response: Option<String>,
    /// Hottest lesion SUVmax on this study.
    pub hottest_suv_max: Option<f32>,
    /// Lesions that changed against the previous study (new, resolved, increased, decreased).
    pub changed: Vec<LesionChange>,
    /// The comparison with the previous study (absent on the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

/// One point of a lesion's trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    /// Study label (`P1`…).
    pub study: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// SUVmax on that study (`null` when resolved or not described).
    pub suv_max: Option<f32>,
    /// Status against the previous study: absent on the study where the track starts, `new`
    /// when the track starts with a lesion that was not there before.
    pub status: Option<Status>,
}

/// A lesion followed across studies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// The lesion in words, as first described.
    pub lesion: String,
    /// Vocabulary site.
    pub site_key: String,
    /// One point per study from the one where it was first seen.
    pub points: Vec<TrajectoryPoint>,
}

/// What happened next to a similar patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextStudy {
    /// Report id of the similar patient's next study.
    pub report_id: String,
    /// Its date.
    pub exam_date: NaiveDate,
    /// Its time point.
    pub timepoint: Option<String>,
    /// Response against the matched study.
    pub response: Option<String>,
    /// Deauville score (lymphoma).
    pub deauville: Option<u8>,
    /// New counted lesions.
    pub new_lesions: usize,
}

/// A patient whose study at the same time point is most alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarPatient {
    /// The other patient.
    pub patient_id: String,
    /// Their best-matching study.
    pub report_id: String,
    /// Its date.
    pub exam_date: NaiveDate,
    /// Its time point.
    pub timepoint: Option<String>,
    /// Stated cancer type.
    pub cancer_type: Option<String>,
    /// Fused retrieval score.
    pub score: f32,
    /// Their next study, compared with the matched one.
    pub next: Option<NextStudy>,
}

/// The tumor-board view of one patient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    /// Patient id.
    pub patient_id: String,
    /// Cancer type id as stated in the indications.
    pub cancer_type: Option<String>,
    /// Diagnosis in words.
    pub diagnosis: Option<String>,
    /// Histology or subtype as stated (the words of the indication).
    pub histology: Option<String>,
    /// Response framework used.
    pub framework: Framework,
    /// Stage at baseline.
    pub baseline: Option<BaselineStaging>,
    /// Every study in date order.
    pub studies: Vec<CaseStudy>,
    /// SUVmax per lesion across studies.
    pub trajectories: Vec<Trajectory>,
    /// The current status in one cited sentence.
    pub current_status: CitedSentence,
    /// Patients with the most similar study at the same time point, one per patient.
    pub similar_patients: Vec<SimilarPatient>,
}

/// Link consecutive comparisons into one track per lesion. `comparisons[k]` compares study
/// `k + 1` with study `k` (labels and dates in `studies`, one more than comparisons). A
/// lesion's track continues while each comparison pairs it (by its current span); a new
/// lesion starts a track; a resolved one ends with a `null` point.
pub fn trajectories(
    studies: &[(String, NaiveDate)],
    comparisons: &[Comparison],
) -> Vec<Trajectory> {
    let mut tracks: Vec<Trajectory> = Vec::new();
    // Open tracks: index into `tracks` keyed by the current span text/offset of the last point.
    let mut open: Vec<(usize, Option<(usize, usize)>)> = Vec::new();
    for (k, cmp) in comparisons.iter().enumerate() {
        let (Some(prev), Some(cur)) = (studies.get(k), studies.get(k + 1)) else {
            break;
        };
        let mut next_open: Vec<(usize, Option<(usize, usize)>)> = Vec::new();
        for l in &cmp.lesions {
            let prior_key = l.prior_span.as_ref().map(|s| (s.start, s.end));
            // Continue the open track whose last current span is this lesion's prior span.
            let t = open
                .iter()
                .find(|(_, key)| key.is_some() && *key == prior_key)
                .map(|(t, _)| *t);
            let t = match t {
                Some(t) => t,
                None => {
                    tracks.push(Trajectory {
                        lesion: l.site.clone(),
                        site_key: l.site_key.clone(),
                        points: vec![TrajectoryPoint {
                            study: prev.0.clone(),
                            exam_date: prev.1,
                            suv_max: l.prior_suv_max,
                            status: None,
                        }],
                    });
                    tracks.len() - 1
                }
            };
            tracks[t].points.push(TrajectoryPoint {
                study: cur.0.clone(),
                exam_date: cur.1,
                suv_max: l.current_suv_max,
                status: Some(l.status),
            });
            if !matches!(l.status, Status::Resolved | Status::NotDescribed) {
                next_open.push((t, l.current_span.as_ref().map(|s| (s.start, s.end))));
            }
        }
        for l in cmp.new_lesions.iter().filter(|l| l.counted) {
            tracks.push(Trajectory {
                lesion: l.site.clone(),
                site_key: l.site_key.clone(),
                points: vec![TrajectoryPoint {
                    study: cur.0.clone(),
                    exam_date: cur.1,
                    suv_max: l.current_suv_max,
                    status: Some(Status::New),
                }],
            });
            next_open.push((
                tracks.len() - 1,
                l.current_span.as_ref().map(|s| (s.start, s.end)),
            ));
        }
        open = next_open;
    }
    tracks
}
