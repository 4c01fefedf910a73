//! Guideline passages as records of the `guidelines` collection.

use chrono::NaiveDate;
use priors_core::ReportRecord;
use priors_parse::{Location, SourceRecord};
use priors_staging::Passage;

/// Where passage records say they came from (only used in an ingest summary's errors).
const ORIGIN: &str = "guidelines";

/// One record per passage (report id = passage id), whose findings are the passage's title
/// and text followed by its source, edition and section, so that search, snippets and
/// drafts read them like reports. Built in memory: nothing is written to disk.
pub(crate) fn records(passages: &[Passage]) -> Vec<SourceRecord> {
    let date = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date");
    passages
        .iter()
        .enumerate()
        .map(|(i, p)| SourceRecord {
            location: Location {
                file: ORIGIN.to_string(),
                line: None,
                record: i + 1,
            },
            result: Ok(ReportRecord {
                report_id: p.id.clone(),
                patient_id: "guideline".to_string(),
                exam_date: date,
                modality: Some("guideline".to_string()),
                tracer: None,
                text: format!(
                    "FINDINGS: {}\n{}\n\nSource: {}, {}; {}.",
                    p.title, p.text, p.source, p.edition, p.section
                ),
                labels: None,
            }),
        })
        .collect()
}
