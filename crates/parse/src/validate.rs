//! Record validation shared by every reader.

use crate::error::RecordError;
use crate::limits::Limits;
use crate::sections::split_sections;
use priors_core::{CancerType, ReportRecord, Section, SectionKind};

/// Check a record and split its sections; every reader runs this on every record.
///
/// Checks, in order (the first failure is returned):
///
/// 1. `report_id` and `patient_id` are non-empty, contain no control characters and have no
///    leading or trailing whitespace (`invalid_value`);
/// 2. `modality` and `tracer`, when given, contain no control characters (`invalid_value`);
/// 3. `labels`, when given: `cancer_type` is one of [`CancerType`] or `unknown`, and
///    `deauville` is 1–5 (`invalid_value`);
/// 4. the text is at most [`Limits::max_report_bytes`] bytes (`oversized`);
/// 5. the text has a findings section with content (`empty_findings`).
///
/// **Findings rule.** A report must contain at least one findings section (`FINDINGS`,
/// `RESULTS`, `REPORT`, or a variant such as `PET/CT FINDINGS` or `FINDINGS/RESULTS`, see
/// [`crate::split_sections`]) and the findings sections together must contain at least one
/// letter or digit. Header-less text is *not* taken as findings: section kinds drive metadata
/// extraction (SUVmax and laterality come from the findings, the cancer type from the
/// indication) and the `section` filter at search time, so guessing would silently mislabel
/// clinical history as findings. Such reports are rejected with a message saying which header
/// is expected.
///
/// On success returns the sections (as [`split_sections`] would).
pub fn validate(record: &ReportRecord, limits: &Limits) -> Result<Vec<Section>, RecordError> {
    check_id("report_id", &record.report_id)?;
    check_id("patient_id", &record.patient_id)?;
    for (field, value) in [("modality", &record.modality), ("tracer", &record.tracer)] {
        if let Some(c) = value.as_deref().and_then(first_control) {
            return Err(RecordError::invalid(
                field,
                format!("contains control character U+{:04X}", c as u32),
            ));
        }
    }
    if let Some(labels) = &record.labels {
        let ct = labels.cancer_type.as_str();
        if ct != "unknown" && CancerType::parse(ct).is_none() {
            return Err(RecordError::invalid(
                "labels.cancer_type",
                format!("`{ct}` is not a known cancer type"),
            ));
        }
        if let Some(d) = labels.deauville {
            if !(1..=5).contains(&d) {
                return Err(RecordError::invalid(
                    "labels.deauville",
                    format!("{d} is not a deauville score (1-5)"),
                ));
            }
        }
    }
    if record.text.len() > limits.max_report_bytes {
        return Err(RecordError::oversized(
            "report text",
            record.text.len(),
            limits.max_report_bytes,
        ));
    }
    if record.text.trim().is_empty() {
        return Err(RecordError::empty_findings("report text is empty"));
    }
    let sections = split_sections(&record.text);
    let mut findings = sections
        .iter()
        .filter(|s| s.kind == SectionKind::Findings)
        .peekable();
    if findings.peek().is_none() {
        return Err(RecordError::empty_findings(
            "no findings section (expected a header such as `FINDINGS:`)",
        ));
    }
    if !findings.any(|s| s.text.chars().any(char::is_alphanumeric)) {
        return Err(RecordError::empty_findings("findings section is empty"));
    }
    Ok(sections)
}

fn first_control(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control())
}

fn check_id(field: &str, value: &str) -> Result<(), RecordError> {
    if value.is_empty() {
        return Err(RecordError::invalid(field, "is empty"));
    }
    if let Some(c) = first_control(value) {
        return Err(RecordError::invalid(
            field,
            format!("contains control character U+{:04X}", c as u32),
        ));
    }
    if value.trim() != value {
        return Err(RecordError::invalid(
            field,
            "has leading or trailing whitespace",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordErrorKind::{self, *};
    use chrono::NaiveDate;
    use priors_core::Labels;

    fn record(text: &str) -> ReportRecord {
        ReportRecord {
            report_id: "SYN-R-0001".into(),
            patient_id: "SYN-P-0001".into(),
            exam_date: NaiveDate::from_ymd_opt(2024, 3, 5).unwrap(),
            modality: None,
            tracer: None,
            text: text.into(),
            labels: None,
        }
    }

    fn kind_of(r: &ReportRecord, limits: &Limits) -> Option<RecordErrorKind> {
        validate(r, limits).err().map(|e| e.kind)
    }

    #[test]
    fn accepts_a_report_with_findings() {
        let r = record("INDICATION: Lymphoma.\nFINDINGS: No abnormal uptake.\nIMPRESSION: Normal.");
        let s = validate(&r, &Limits::default()).unwrap();
        assert_eq!(s.len(), 3);
        let r = record("FINDINGS/RESULTS:\nChest: clear.");
        assert!(validate(&r, &Limits::default()).is_ok());
        let r = record("REPORT:\nNo hypermetabolic disease.");
        assert!(validate(&r, &Limits::default()).is_ok());
    }

    #[test]
    fn rejects_bad_ids() {
        let l = Limits::default();
        let ok = "FINDINGS: x";
        for (id, msg) in [
            ("", "report_id: is empty"),
            (" SYN-1", "report_id: has leading or trailing whitespace"),
            ("SYN-1\t", "report_id: contains control character U+0009"),
            ("SYN\u{0}1", "report_id: contains control character U+0000"),
        ] {
            let mut r = record(ok);
            r.report_id = id.into();
            let e = validate(&r, &l).unwrap_err();
            assert_eq!((e.kind, e.message.as_str()), (InvalidValue, msg));
        }
        let mut r = record(ok);
        r.patient_id = "".into();
        assert_eq!(
            validate(&r, &l).unwrap_err().message,
            "patient_id: is empty"
        );
        let mut r = record(ok);
        r.tracer = Some("FDG\n".into());
        assert_eq!(kind_of(&r, &l), Some(InvalidValue));
    }

    #[test]
    fn checks_labels() {
        let l = Limits::default();
        let mut labels = Labels {
            cancer_type: "dlbcl".into(),
            histology: None,
            stage: None,
            deauville: Some(4),
            response: None,
            sites: vec![],
            timepoint: None,
        };
        let mut r = record("FINDINGS: x");
        r.labels = Some(labels.clone());
        assert_eq!(kind_of(&r, &l), None);
        labels.cancer_type = "unknown".into();
        r.labels = Some(labels.clone());
        assert_eq!(kind_of(&r, &l), None);
        labels.deauville = Some(6);
        r.labels = Some(labels.clone());
        assert_eq!(kind_of(&r, &l), Some(InvalidValue));
        labels.deauville = None;
        labels.cancer_type = "lymphoma".into();
        r.labels = Some(labels);
        let e = validate(&r, &l).unwrap_err();
        assert_eq!(
            e.message,
            "labels.cancer_type: `lymphoma` is not a known cancer type"
        );
    }

    #[test]
    fn size_limit_is_in_bytes() {
        let text = format!("FINDINGS: {}", "é".repeat(50));
        let r = record(&text);
        assert_eq!(kind_of(&r, &Limits::new(text.len())), None);
        let e = validate(&r, &Limits::new(text.len() - 1)).unwrap_err();
        assert_eq!(e.kind, Oversized);
        assert_eq!(
            e.message,
            format!(
                "report text is {} bytes, limit is {}",
                text.len(),
                text.len() - 1
            )
        );
    }

    #[test]
    fn findings_must_exist_and_have_content() {
        let l = Limits::default();
        for (text, msg) in [
            ("", "report text is empty"),
            (" \n ", "report text is empty"),
            (
                "The lungs are clear. No hypermetabolic disease.",
                "no findings section (expected a header such as `FINDINGS:`)",
            ),
            (
                "INDICATION: NSCLC.\nIMPRESSION: No disease.",
                "no findings section (expected a header such as `FINDINGS:`)",
            ),
            (
                "FINDINGS:\n\nIMPRESSION: Normal.",
                "findings section is empty",
            ),
            (
                "FINDINGS: -\nIMPRESSION: Normal.",
                "findings section is empty",
            ),
        ] {
            let e = validate(&record(text), &l).unwrap_err();
            assert_eq!(
                (e.kind, e.message.as_str()),
                (EmptyFindings, msg),
                "{text:?}"
            );
        }
        // One empty findings section is fine when another has content.
        assert_eq!(
            kind_of(&record("FINDINGS:\nHISTORY: x\nRESULTS: Uptake."), &l),
            None
        );
    }
}
