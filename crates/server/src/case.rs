//! `CaseSummary` as protobuf.

use priors_compare::case::{CaseSummary, Trajectory};
use priors_compare::LesionChange;
use priors_proto::v1 as pb;

fn change_to_pb(l: LesionChange) -> pb::LesionChange {
    pb::LesionChange {
        site: l.site,
        site_key: l.site_key,
        status: l.status.as_str().to_string(),
        prior_suv_max: l.prior_suv_max,
        current_suv_max: l.current_suv_max,
        change_pct: l.change_pct,
        prior_size_mm: l.prior_size_mm,
        current_size_mm: l.current_size_mm,
        counted: l.counted,
    }
}

fn trajectory_to_pb(t: Trajectory) -> pb::Trajectory {
    pb::Trajectory {
        lesion: t.lesion,
        site_key: t.site_key,
        points: t
            .points
            .into_iter()
            .map(|p| pb::TrajectoryPoint {
                study: p.study,
                exam_date: p.exam_date.to_string(),
                suv_max: p.suv_max,
                status: p.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            })
            .collect(),
    }
}

/// The tumor-board view as the `CaseSummary` response.
pub(crate) fn to_pb(c: CaseSummary) -> pb::CaseSummaryResponse {
    pb::CaseSummaryResponse {
        patient_id: c.patient_id,
        cancer_type: c.cancer_type.unwrap_or_default(),
        diagnosis: c.diagnosis.unwrap_or_default(),
        histology: c.histology.unwrap_or_default(),
        framework: c.framework.as_str().to_string(),
        baseline: c.baseline.map(|b| pb::BaselineStaging {
            report_id: b.report_id,
            exam_date: b.exam_date.to_string(),
            system: b.system.unwrap_or_default(),
            stage: b.stage.unwrap_or_default(),
            tnm: b.tnm.unwrap_or_default(),
            guidelines: b.guidelines,
            missing: b.missing,
        }),
        studies: c
            .studies
            .into_iter()
            .map(|s| pb::CaseStudy {
                label: s.label,
                report_id: s.report_id,
                exam_date: s.exam_date.to_string(),
                timepoint: s.timepoint.unwrap_or_default(),
                deauville: s.deauville.map(u32::from),
                response: s.response.unwrap_or_default(),
                hottest_suv_max: s.hottest_suv_max,
                changed: s.changed.into_iter().map(change_to_pb).collect(),
                missing: s
                    .comparison
                    .map(|c| c.missing.into_iter().map(|m| m.reason).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        trajectories: c.trajectories.into_iter().map(trajectory_to_pb).collect(),
        current_status: Some(pb::CitedSentence {
            text: c.current_status.text,
            citations: c.current_status.citations,
        }),
        similar_patients: c
            .similar_patients
            .into_iter()
            .map(|p| pb::SimilarPatient {
                patient_id: p.patient_id,
                report_id: p.report_id,
                exam_date: p.exam_date.to_string(),
                timepoint: p.timepoint.unwrap_or_default(),
                cancer_type: p.cancer_type.unwrap_or_default(),
                score: f64::from(p.score),
                next: p.next.map(|n| pb::NextStudy {
                    report_id: n.report_id,
                    exam_date: n.exam_date.to_string(),
                    timepoint: n.timepoint.unwrap_or_default(),
                    response: n.response.unwrap_or_default(),
                    deauville: n.deauville.map(u32::from),
                    new_lesions: n.new_lesions as u32,
                }),
            })
            .collect(),
    }
}
