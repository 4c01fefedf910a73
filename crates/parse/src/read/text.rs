//! Plain-text reports: a header block, then the report text.

use super::common::parse_date;
use super::{read_capped, Limits};
use crate::error::{utf8_message, RecordError};
use crate::validate::validate;
use priors_core::ReportRecord;
use std::io::Read;

/// Header keys, normalised (upper case, `_` as space, single spaces).
const KEYS: [&str; 5] = ["REPORT ID", "PATIENT ID", "EXAM DATE", "MODALITY", "TRACER"];

/// Read one `.txt` report.
///
/// The header block is the leading run of `KEY: value` lines with a known key (`REPORT ID`,
/// `PATIENT ID`, `EXAM DATE`, `MODALITY`, `TRACER`; case-insensitive, `_` accepted for the
/// space, any order). It ends at the first blank line or at the first line that is not a
/// known header; everything after it is the report text. Repeated keys are an error.
pub(super) fn read_text(reader: impl Read, limits: &Limits) -> Result<ReportRecord, RecordError> {
    let cap = limits.max_line_bytes();
    let bytes = match read_capped(reader, cap) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(total)) => return Err(RecordError::oversized("file", total, cap)),
        Err(e) => return Err(RecordError::io(&e)),
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| RecordError::invalid_utf8(utf8_message("file", &e)))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let record = parse_text(text)?;
    validate(&record, limits)?;
    Ok(record)
}

fn parse_text(text: &str) -> Result<ReportRecord, RecordError> {
    let mut values: [Option<String>; 5] = Default::default();
    let mut body_start = text.len();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            body_start = offset + raw.len();
            break;
        }
        let Some((key, value)) = header(line) else {
            body_start = offset;
            break;
        };
        if values[key].is_some() {
            return Err(RecordError::invalid(
                "header",
                format!("`{}` appears more than once", KEYS[key]),
            ));
        }
        values[key] = Some(value.to_string());
        offset += raw.len();
    }
    let [report_id, patient_id, exam_date, modality, tracer] = values;
    let missing: Vec<String> = [(&report_id, 0), (&patient_id, 1), (&exam_date, 2)]
        .iter()
        .filter(|(v, _)| v.is_none())
        .map(|(_, i)| format!("`{}`", KEYS[*i]))
        .collect();
    if !missing.is_empty() {
        let plural = if missing.len() == 1 { "" } else { "s" };
        return Err(RecordError::missing(format!(
            "missing header{plural} {}",
            missing.join(", ")
        )));
    }
    let exam_date = parse_date("exam_date", exam_date.as_deref().unwrap_or_default())?;
    let blank_to_none = |v: Option<String>| v.filter(|s| !s.is_empty());
    Ok(ReportRecord {
        report_id: report_id.unwrap_or_default(),
        patient_id: patient_id.unwrap_or_default(),
        exam_date,
        modality: blank_to_none(modality),
        tracer: blank_to_none(tracer),
        text: text[body_start..]
            .trim_start_matches(['\n', '\r'])
            .trim_end()
            .to_string(),
        labels: None,
    })
}

/// `(key index, trimmed value)` if `line` is a known header.
fn header(line: &str) -> Option<(usize, &str)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().replace('_', " ").to_ascii_uppercase();
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    let index = KEYS.iter().position(|k| *k == key)?;
    Some((index, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordErrorKind::*;

    const REPORT: &str = "\u{feff}REPORT ID: SYN-R-0100\r\n\
patient_id: SYN-P-0100\r\n\
Exam Date: 2023-11-20\r\n\
TRACER: 68Ga-DOTATATE\r\n\
\r\n\
INDICATION: Small bowel neuroendocrine tumour, restaging.\r\n\
FINDINGS: Two avid hepatic lesions, SUVmax 24.1 and 18.3.\r\n\
IMPRESSION: Hepatic metastases.\r\n";

    #[test]
    fn reads_headers_and_body() {
        let r = read_text(REPORT.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(r.report_id, "SYN-R-0100");
        assert_eq!(r.patient_id, "SYN-P-0100");
        assert_eq!(r.exam_date.to_string(), "2023-11-20");
        assert_eq!(r.tracer.as_deref(), Some("68Ga-DOTATATE"));
        assert_eq!(r.modality, None);
        assert!(r.text.starts_with("INDICATION: Small bowel"));
        assert!(r.text.ends_with("Hepatic metastases."));
    }

    #[test]
    fn header_block_ends_at_first_non_header_line() {
        let t = "REPORT ID: SYN-R-1\nPATIENT ID: SYN-P-1\nEXAM DATE: 2024-01-01\nFINDINGS: Normal.";
        let r = parse_text(t).unwrap();
        assert_eq!(r.text, "FINDINGS: Normal.");
        // A header after the block is report text.
        let t = "REPORT ID: SYN-R-1\nPATIENT ID: SYN-P-1\n\nEXAM DATE: 2024-01-01\nFINDINGS: x";
        let e = parse_text(t).unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (MissingField, "missing header `EXAM DATE`")
        );
    }

    #[test]
    fn header_errors() {
        let e = parse_text("FINDINGS: x").unwrap_err();
        assert_eq!(
            e.message,
            "missing headers `REPORT ID`, `PATIENT ID`, `EXAM DATE`"
        );
        let e = parse_text("REPORT ID: a\nREPORT_ID: b\n").unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (InvalidValue, "header: `REPORT ID` appears more than once")
        );
        let e = parse_text("REPORT ID: a\nPATIENT ID: b\nEXAM DATE: 20/01/2024\n\nFINDINGS: x")
            .unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (InvalidValue, "exam_date: input contains invalid characters")
        );
        let e = read_text(
            "REPORT ID: a\nPATIENT ID: \nEXAM DATE: 2024-01-01\n\nFINDINGS: x".as_bytes(),
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (InvalidValue, "patient_id: is empty")
        );
    }

    #[test]
    fn size_and_encoding() {
        let limits = Limits::new(8);
        let big = format!("{REPORT}{}", "x".repeat(limits.max_line_bytes()));
        let e = read_text(big.as_bytes(), &limits).unwrap_err();
        assert_eq!(e.kind, Oversized);
        assert_eq!(
            e.message,
            format!(
                "file is {} bytes, limit is {}",
                big.len(),
                limits.max_line_bytes()
            )
        );
        let e = read_text(REPORT.as_bytes(), &limits).unwrap_err();
        assert_eq!(e.kind, Oversized);
        assert!(e.message.starts_with("report text is "), "{}", e.message);
        let mut bad = REPORT.as_bytes().to_vec();
        bad.extend_from_slice(b"\xc3(");
        let e = read_text(&bad[..], &Limits::default()).unwrap_err();
        assert_eq!(e.kind, InvalidUtf8);
    }
}
