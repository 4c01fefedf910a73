//! The patient's own course: a comparison of current findings with a stored study, and the
//! tumor-board view of a patient ([`CaseSummary`]).

use chrono::NaiveDate;
use priors_compare::case::{
    trajectories, BaselineStaging, CaseStudy, CaseSummary, CitedSentence, NextStudy, SimilarPatient,
};
use priors_compare::course::{benign_course, findings_of, framework_of, is_benign, timepoint_of};
use priors_compare::{choose_prior, compare_in_course, Against, Comparison, Framework, Study};
use priors_core::{SearchFilter, SectionKind, StoredChunk};
use priors_retrieval::{Mode, Per};
use priors_staging::Cancer;

use crate::{App, AppError, Result, REPORTS};

/// One stored study of a patient, read for the course.
struct Stored {
    report_id: String,
    exam_date: NaiveDate,
    cancer_type: Option<String>,
    indication: String,
    study: Study,
}

fn section_text(chunks: &[StoredChunk], kind: SectionKind) -> String {
    let mut v: Vec<&StoredChunk> = chunks.iter().filter(|c| c.section == kind).collect();
    v.sort_by_key(|c| c.chunk_index);
    v.iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn stored(chunks: &[StoredChunk]) -> Option<Stored> {
    let first = chunks.first()?;
    Some(Stored {
        report_id: first.report_id.clone(),
        exam_date: first.exam_date,
        cancer_type: first.cancer_type.clone(),
        indication: section_text(chunks, SectionKind::Indication),
        study: Study::from_chunks(chunks),
    })
}

impl App {
    /// Compare two findings texts (or whole reports: their findings sections) under
    /// `framework`; no store is read.
    pub fn compare_texts(
        &self,
        prior: &str,
        current: &str,
        framework: Framework,
    ) -> Result<Comparison> {
        let max = self.config.ingest.max_report_bytes;
        for (field, t) in [("prior", prior), ("current", current)] {
            if t.trim().is_empty() {
                return Err(AppError::invalid(field, "must not be empty"));
            }
            if t.len() > max {
                return Err(AppError::invalid(
                    field,
                    format!("{} bytes; the limit is {max}", t.len()),
                ));
            }
        }
        Ok(priors_compare::compare(
            framework,
            &Study::from_text(findings_of(prior)),
            &Study::from_text(findings_of(current)),
        ))
    }

    /// Every stored study of a patient in date order (then report id), read in one scan.
    fn course(&self, patient_id: &str) -> Result<Vec<Stored>> {
        let timeline = self.timeline(patient_id)?;
        let ids: Vec<String> = timeline.iter().map(|e| e.report_id.clone()).collect();
        let mut chunks = self.retriever(REPORTS)?.reports_chunks(&ids)?;
        let mut out: Vec<Stored> = ids
            .iter()
            .filter_map(|id| chunks.remove(id).and_then(|c| stored(&c)))
            .collect();
        out.sort_by(|a, b| {
            a.exam_date
                .cmp(&b.exam_date)
                .then(a.report_id.cmp(&b.report_id))
        });
        Ok(out)
    }

    /// Compare current `findings` with a stored study of the patient: the latest one before
    /// `exam_date` (today when absent), a named report, or the baseline. Unknown patient or
    /// report → `NotFound`; no study before the current exam → `Invalid` saying so.
    pub fn compare_patient(
        &self,
        patient_id: &str,
        findings: &str,
        indication: &str,
        against: &Against,
        exam_date: Option<NaiveDate>,
    ) -> Result<Comparison> {
        if findings.trim().is_empty() {
            return Err(AppError::invalid("findings", "must not be empty"));
        }
        let max = self.config.ingest.max_report_bytes;
        if findings.len() > max {
            return Err(AppError::invalid(
                "findings",
                format!("{} bytes; the limit is {max}", findings.len()),
            ));
        }
        let course = self.course(patient_id)?;
        let studies: Vec<(String, NaiveDate)> = course
            .iter()
            .map(|s| (s.report_id.clone(), s.exam_date))
            .collect();
        let current_date = exam_date.unwrap_or_else(priors_compare::course::today);
        let i = match choose_prior(&studies, current_date, None, against) {
            Ok(i) => i,
            Err(priors_compare::NoPrior::UnknownReport(id)) => {
                return Err(priors_retrieval::RetrievalError::NotFound {
                    what: "report of this patient",
                    id,
                }
                .into())
            }
            Err(e) => return Err(AppError::invalid("comparison", e.to_string())),
        };
        let disease_before = course[..=i]
            .iter()
            .any(|s| s.study.lesions.iter().any(|l| l.is_disease()));
        let framework = framework_of(indication, course[i].cancer_type.as_deref());
        let current = Study::from_text(findings_of(findings));
        let c = compare_in_course(framework, &course[i].study, &current, disease_before);
        Ok(if is_benign(indication, course[i].cancer_type.as_deref()) {
            benign_course(c)
        } else {
            c
        })
    }

    /// The tumor-board view of a patient: diagnosis, baseline stage, every study compared
    /// with the one before, lesion trajectories, the current status, and up to `similar_k`
    /// patients whose study at the same time point is most alike, with their next study.
    pub fn case_summary(&self, patient_id: &str, similar_k: usize) -> Result<CaseSummary> {
        let course = self.course(patient_id)?;
        let Some(first) = course.first() else {
            return Err(priors_retrieval::RetrievalError::NotFound {
                what: "patient",
                id: patient_id.to_string(),
            }
            .into());
        };
        let cancer_type = most_common(course.iter().filter_map(|s| s.cancer_type.clone()));
        let framework = framework_of(&first.indication, cancer_type.as_deref());
        let benign = is_benign(&first.indication, cancer_type.as_deref());
        let label = |k: usize| format!("P{}", k + 1);

        // Every study against the one before it.
        let mut studies: Vec<CaseStudy> = Vec::new();
        let mut comparisons: Vec<Comparison> = Vec::new();
        let mut disease_before = false;
        for (k, s) in course.iter().enumerate() {
            let hottest = s
                .study
                .lesions
                .iter()
                .filter(|l| l.is_disease())
                .filter_map(|l| l.suv_max)
                .reduce(f32::max);
            let comparison = (k > 0).then(|| {
                let prior = &course[k - 1].study;
                disease_before |= prior.lesions.iter().any(|l| l.is_disease());
                let c = compare_in_course(framework, prior, &s.study, disease_before);
                if benign {
                    benign_course(c)
                } else {
                    c
                }
            });
            let timepoint = timepoint_of(&s.indication)
                .or((k == 0).then_some("staging"))
                .map(str::to_string);
            studies.push(CaseStudy {
                label: label(k),
                report_id: s.report_id.clone(),
                exam_date: s.exam_date,
                timepoint,
                deauville: comparison.as_ref().and_then(|c| c.deauville),
                response: comparison.as_ref().and_then(|c| c.response.clone()),
                hottest_suv_max: hottest,
                changed: comparison
                    .as_ref()
                    .map(|c| c.changed().cloned().collect())
                    .unwrap_or_default(),
                comparison: comparison.clone(),
            });
            comparisons.extend(comparison);
        }
        let dated: Vec<(String, NaiveDate)> = studies
            .iter()
            .map(|s| (s.label.clone(), s.exam_date))
            .collect();
        let mut trajectories = trajectories(&dated, &comparisons);
        if comparisons.is_empty() {
            // One study: one point per measured lesion.
            trajectories = first
                .study
                .lesions
                .iter()
                .filter(|l| l.is_disease() && l.suv_max.is_some())
                .map(|l| priors_compare::case::Trajectory {
                    lesion: l.label(),
                    site_key: l.site.clone(),
                    points: vec![priors_compare::case::TrajectoryPoint {
                        study: label(0),
                        exam_date: first.exam_date,
                        suv_max: l.suv_max,
                        status: None,
                    }],
                })
                .collect();
        }

        let baseline = self.baseline_staging(first, cancer_type.as_deref());
        let current_status = current_status(&studies, baseline.as_ref(), framework);
        let similar_patients =
            self.similar_patients(patient_id, &course, &studies, similar_k, framework)?;
        Ok(CaseSummary {
            patient_id: patient_id.to_string(),
            diagnosis: cancer_type
                .as_deref()
                .and_then(priors_core::CancerType::parse)
                .map(|t| t.display_name().to_string()),
            cancer_type,
            histology: histology(&first.indication),
            framework,
            baseline,
            studies,
            trajectories,
            current_status,
            similar_patients,
        })
    }

    /// The staging crate on the first study's findings, when rules exist for the cancer.
    fn baseline_staging(
        &self,
        first: &Stored,
        cancer_type: Option<&str>,
    ) -> Option<BaselineStaging> {
        let t = cancer_type.and_then(priors_core::CancerType::parse)?;
        let cancer = Cancer::for_cancer_type(t)?;
        let a = priors_staging::stage(cancer, &first.study.text);
        let tnm: Vec<String> = [
            a.t.map(|x| x.as_str().to_string()),
            a.n.map(|x| x.as_str().to_string()),
            a.m.map(|x| x.as_str().to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut guidelines: Vec<String> =
            a.evidence.iter().map(|e| e.guideline.to_string()).collect();
        guidelines.dedup();
        Some(BaselineStaging {
            report_id: first.report_id.clone(),
            exam_date: first.exam_date,
            system: Some(match cancer {
                Cancer::Lung => "AJCC 8th (lung)".to_string(),
                Cancer::Lymphoma => "Lugano 2014".to_string(),
            }),
            stage: a.stage.map(|s| s.as_str().to_string()),
            tnm: (!tnm.is_empty()).then(|| tnm.join(" ")),
            guidelines,
            missing: a.missing.iter().map(|m| m.detail.clone()).collect(),
        })
    }

    /// Other patients whose study at the current time point is most like this patient's
    /// latest one (one hit per patient), each with what their next study showed.
    fn similar_patients(
        &self,
        patient_id: &str,
        course: &[Stored],
        studies: &[CaseStudy],
        k: usize,
        framework: Framework,
    ) -> Result<Vec<SimilarPatient>> {
        let (Some(last), Some(last_case)) = (course.last(), studies.last()) else {
            return Ok(Vec::new());
        };
        if k == 0 {
            return Ok(Vec::new());
        }
        let retriever = self.retriever(REPORTS)?;
        let filter = SearchFilter {
            exclude_patients: vec![patient_id.to_string()],
            ..Default::default()
        };
        let hits = retriever.similar_filtered(
            &last.report_id,
            (k * 8).max(20),
            Mode::Hybrid,
            filter,
            Per::Patient,
        )?;
        // One hit per patient, best first; the same time point first.
        let mut seen: Vec<String> = Vec::new();
        let mut best: Vec<&priors_retrieval::Hit> = Vec::new();
        for h in &hits {
            if !seen.contains(&h.patient_id) {
                seen.push(h.patient_id.clone());
                best.push(h);
            }
        }
        let ids: Vec<String> = best.iter().map(|h| h.report_id.clone()).collect();
        let chunks = retriever.reports_chunks(&ids)?;
        let tp_of = |id: &str| -> Option<String> {
            chunks
                .get(id)
                .and_then(|c| timepoint_of(&section_text(c, SectionKind::Indication)))
                .map(str::to_string)
        };
        let want = last_case.timepoint.clone();
        let mut ordered: Vec<(&priors_retrieval::Hit, Option<String>)> =
            best.into_iter().map(|h| (h, tp_of(&h.report_id))).collect();
        ordered.sort_by_key(|(_, tp)| usize::from(*tp != want));
        let mut out = Vec::new();
        for (h, tp) in ordered.into_iter().take(k) {
            out.push(SimilarPatient {
                patient_id: h.patient_id.clone(),
                report_id: h.report_id.clone(),
                exam_date: h.exam_date,
                timepoint: tp,
                cancer_type: h.cancer_type.clone(),
                score: h.score as f32,
                next: self.next_study(&h.patient_id, &h.report_id, framework)?,
            });
        }
        Ok(out)
    }

    /// The study after `report_id` in the patient's course, compared with it.
    fn next_study(
        &self,
        patient_id: &str,
        report_id: &str,
        framework: Framework,
    ) -> Result<Option<NextStudy>> {
        let course = self.course(patient_id)?;
        let Some(i) = course.iter().position(|s| s.report_id == report_id) else {
            return Ok(None);
        };
        let Some(next) = course.get(i + 1) else {
            return Ok(None);
        };
        let disease_before = course[..=i]
            .iter()
            .any(|s| s.study.lesions.iter().any(|l| l.is_disease()));
        // That patient's own cancer decides the framework; the case's when theirs is unknown.
        let named = priors_parse::stated_cancer_type(&next.indication).or_else(|| {
            next.cancer_type
                .as_deref()
                .and_then(priors_core::CancerType::parse)
        });
        let framework = named.map_or(framework, Framework::for_cancer_type);
        let mut c = compare_in_course(framework, &course[i].study, &next.study, disease_before);
        if named.is_some_and(priors_core::CancerType::is_benign) {
            c = benign_course(c);
        }
        Ok(Some(NextStudy {
            report_id: next.report_id.clone(),
            exam_date: next.exam_date,
            timepoint: timepoint_of(&next.indication).map(str::to_string),
            response: c.response.clone(),
            deauville: c.deauville,
            new_lesions: c.new_lesions.iter().filter(|l| l.counted).count(),
        }))
    }
}

/// The most frequent value (the first of equals).
fn most_common(values: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .fold(None, |best: Option<(String, usize)>, (v, n)| match best {
            Some((b, m)) if m >= n => Some((b, m)),
            _ => Some((v, n)),
        })
        .map(|(v, _)| v)
}

/// The diagnosis as the first indication states it: its first sentence.
fn histology(indication: &str) -> Option<String> {
    let s = priors_retrieval::snippet::first_sentence(indication.trim());
    let s: String = s.chars().take(200).collect();
    (!s.is_empty()).then_some(s)
}

/// The current status in one cited sentence: the latest study's response and Deauville
/// against the one before, or the baseline stage when there is only one study.
fn current_status(
    studies: &[CaseStudy],
    baseline: Option<&BaselineStaging>,
    framework: Framework,
) -> CitedSentence {
    let Some(last) = studies.last() else {
        return CitedSentence {
            text: "No stored study.".into(),
            citations: Vec::new(),
        };
    };
    let when = format!(
        "{} ({}{})",
        last.label,
        last.exam_date,
        last.timepoint
            .as_deref()
            .map_or(String::new(), |t| format!(", {}", t.replace('_', " ")))
    );
    let mut citations = vec![last.label.clone()];
    let Some(c) = &last.comparison else {
        let stage = baseline.and_then(|b| {
            let mut parts: Vec<String> = Vec::new();
            if let Some(t) = &b.tnm {
                parts.push(t.clone());
            }
            if let Some(s) = &b.stage {
                parts.push(format!("stage {s}"));
            }
            (!parts.is_empty()).then(|| {
                citations.extend(b.guidelines.iter().take(2).map(|g| format!("G:{g}")));
                format!(
                    "{}, {}",
                    b.system.clone().unwrap_or_default(),
                    parts.join(", ")
                )
            })
        });
        return CitedSentence {
            text: match stage {
                Some(s) => format!("{when}: {s} at baseline."),
                None => format!("{when}: baseline study; no comparison yet."),
            },
            citations,
        };
    };
    if let Some(prev) = studies.len().checked_sub(2).and_then(|i| studies.get(i)) {
        citations.push(prev.label.clone());
    }
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = c.deauville {
        parts.push(format!("Deauville {d}"));
    }
    match c.response.as_deref() {
        Some(r) => parts.push(format!(
            "{r} ({}) against {}",
            match framework {
                Framework::Lugano => "Lugano 2014",
                Framework::Percist => "PERCIST-style, SUVmax",
            },
            citations.last().cloned().unwrap_or_default()
        )),
        None => parts.push("response not assessable from the stored findings".into()),
    }
    let new = c.new_lesions.iter().filter(|l| l.counted).count();
    if new > 0 {
        parts.push(format!("{new} new lesion(s)"));
    }
    for e in c.evidence.iter().filter(|e| {
        matches!(
            e.decision,
            priors_compare::Decision::Response | priors_compare::Decision::Deauville
        )
    }) {
        let g = format!("G:{}", e.guideline);
        if !citations.contains(&g) {
            citations.push(g);
        }
    }
    CitedSentence {
        text: format!("{when}: {}.", parts.join(", ")),
        citations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_common_and_histology() {
        let v = ["a", "b", "b", "a", "b"].iter().map(|s| s.to_string());
        assert_eq!(most_common(v), Some("b".into()));
        assert_eq!(most_common(std::iter::empty()), None);
        assert_eq!(
            histology("Large B-cell lymphoma (DLBCL, NOS; GCB), raised LDH. Staging."),
            Some("Large B-cell lymphoma (DLBCL, NOS; GCB), raised LDH.".into())
        );
    }

    #[test]
    fn no_study_gives_no_status() {
        assert!(current_status(&[], None, Framework::Lugano)
            .citations
            .is_empty());
    }
}
