//! The patient's own priors in a draft: which stored study the current findings are compared
//! with, the comparison itself (`priors-compare`), and the `P` source it is cited as.
//!
//! The study is the patient's latest one dated before the current exam (the request's
//! `exam_date`, today when absent), unless the request's `comparison` names another: a
//! report id of the patient, a `YYYY-MM-DD` date of one of their studies, or the word
//! `baseline`. A patient with no stored study before the current exam gets no `P` source.

use chrono::NaiveDate;
use priors_compare::Comparison;
use priors_core::{SectionKind, StoredChunk};

use crate::{Source, SourceKind};

/// The comparison of a draft with the patient's prior study.
#[derive(Debug, Clone)]
pub struct PatientComparison {
    /// The source id of the prior study (`P1`).
    pub source_id: String,
    /// Its report id.
    pub report_id: String,
    /// Its exam date.
    pub exam_date: NaiveDate,
    /// The comparison of the request's findings with it.
    pub comparison: Comparison,
}

/// The prior study as a `P` source: a header with its date, then its indication, findings
/// and impression as stored.
pub(crate) fn patient_source(chunks: &[StoredChunk]) -> Option<Source> {
    let first = chunks.first()?;
    let mut text = format!(
        "Prior study of this patient: report {}; PET/CT of {}.\n",
        first.report_id, first.exam_date
    );
    let mut sorted: Vec<&StoredChunk> = chunks.iter().collect();
    sorted.sort_by_key(|c| c.chunk_index);
    for kind in [
        SectionKind::Indication,
        SectionKind::Findings,
        SectionKind::Impression,
    ] {
        let body: Vec<&str> = sorted
            .iter()
            .filter(|c| c.section == kind)
            .map(|c| c.text.as_str())
            .collect();
        if !body.is_empty() {
            let t = crate::withhold_instructions(body.join(" ").trim());
            text.push_str(&format!("{}: {}\n", kind.as_str().to_uppercase(), t));
        }
    }
    let impression = sorted
        .iter()
        .find(|c| c.section == SectionKind::Impression)
        .map(|c| priors_retrieval::snippet::first_sentence(&c.text))
        .unwrap_or_default();
    Some(Source {
        id: String::new(),
        kind: SourceKind::PatientStudy,
        ref_id: first.report_id.clone(),
        patient_id: Some(first.patient_id.clone()),
        exam_date: Some(first.exam_date.to_string()),
        title: format!("PET/CT of {}", first.exam_date),
        citation: None,
        snippet: crate::withhold_instructions(&impression),
        text,
        score: 0.0,
    })
}
