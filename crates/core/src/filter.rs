//! Search filters, engine-neutral. Each store compiles a [`SearchFilter`] into its native
//! query (Qdrant `Filter`, Tantivy `Query`) so that filtering happens inside the engine, before
//! top-k, never after.

use crate::cancer::CancerType;
use crate::error::{Error, Result};
use crate::report::SectionKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Conditions a chunk must meet; every set field must hold (AND), lists are any-of.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchFilter {
    /// Tracer (`FDG`, `PSMA`, `DOTATATE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracer: Option<String>,
    /// Modality (`PET/CT`, `PET/MR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    /// Stated cancer type, one of [`CancerType`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancer_type: Option<String>,
    /// Section the chunk comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<SectionKind>,
    /// Exam date on or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
    /// Exam date on or before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// Only these patients (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patients: Vec<String>,
    /// Never these patients (typically the patient being read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_patients: Vec<String>,
    /// Only these reports (empty: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<String>,
    /// Never these reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_reports: Vec<String>,
}

impl SearchFilter {
    /// True when no condition is set.
    pub fn is_empty(&self) -> bool {
        *self == SearchFilter::default()
    }

    /// Set one condition from a `KEY=VALUE` pair (the CLI's `--filter`). Keys: `tracer`,
    /// `modality`, `cancer_type`, `section`, `patient`, `since`, `until`.
    pub fn set(&mut self, pair: &str) -> Result<()> {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| Error::invalid("filter", format!("`{pair}` is not KEY=VALUE")))?;
        let value = value.trim();
        if value.is_empty() {
            return Err(Error::invalid(
                "filter",
                format!("`{key}` has an empty value"),
            ));
        }
        match key.trim() {
            "tracer" => self.tracer = Some(value.to_ascii_uppercase()),
            "modality" => self.modality = Some(value.to_ascii_uppercase()),
            "cancer_type" => {
                if CancerType::parse(value).is_none() {
                    let ids: Vec<&str> = CancerType::ALL.iter().map(|t| t.id()).collect();
                    return Err(Error::invalid(
                        "filter",
                        format!(
                            "unknown cancer_type `{value}` (one of: {})",
                            ids.join(", ")
                        ),
                    ));
                }
                self.cancer_type = Some(value.to_string());
            }
            "section" => {
                self.section = Some(SectionKind::parse(value).ok_or_else(|| {
                    Error::invalid(
                        "filter",
                        format!("unknown section `{value}` (indication, technique, comparison, findings, impression, other)"),
                    )
                })?)
            }
            "patient" => self.patients.push(value.to_string()),
            "since" => self.since = Some(parse_date("since", value)?),
            "until" => self.until = Some(parse_date("until", value)?),
            other => {
                return Err(Error::invalid(
                    "filter",
                    format!("unknown key `{other}` (tracer, modality, cancer_type, section, patient, since, until)"),
                ))
            }
        }
        self.validate()
    }

    /// Reject contradictory conditions.
    pub fn validate(&self) -> Result<()> {
        if let (Some(a), Some(b)) = (self.since, self.until) {
            if a > b {
                return Err(Error::invalid(
                    "filter",
                    format!("since {a} is after until {b}"),
                ));
            }
        }
        Ok(())
    }

    /// Whether a chunk with these fields passes (the reference semantics the engines' native
    /// queries must reproduce; used by tests, never to filter results after top-k).
    #[allow(clippy::too_many_arguments)]
    pub fn matches(
        &self,
        tracer: Option<&str>,
        modality: &str,
        cancer_type: Option<&str>,
        section: SectionKind,
        exam_date: NaiveDate,
        patient_id: &str,
        report_id: &str,
    ) -> bool {
        self.tracer.as_deref().is_none_or(|t| Some(t) == tracer)
            && self.modality.as_deref().is_none_or(|m| m == modality)
            && self
                .cancer_type
                .as_deref()
                .is_none_or(|c| Some(c) == cancer_type)
            && self.section.is_none_or(|s| s == section)
            && self.since.is_none_or(|d| exam_date >= d)
            && self.until.is_none_or(|d| exam_date <= d)
            && (self.patients.is_empty() || self.patients.iter().any(|p| p == patient_id))
            && !self.exclude_patients.iter().any(|p| p == patient_id)
            && (self.reports.is_empty() || self.reports.iter().any(|r| r == report_id))
            && !self.exclude_reports.iter().any(|r| r == report_id)
    }
}

fn parse_date(field: &str, value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|e| Error::invalid(field, format!("`{value}` is not YYYY-MM-DD: {e}")))
}

/// Days since 1970-01-01 of a date (the integer form both engines index for date ranges).
pub fn epoch_day(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid")).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse_and_bad_ones_say_why() {
        let mut f = SearchFilter::default();
        f.set("tracer=fdg").unwrap();
        f.set("cancer_type=nsclc").unwrap();
        f.set("section=findings").unwrap();
        f.set("since=2020-01-01").unwrap();
        assert_eq!(f.tracer.as_deref(), Some("FDG"));
        assert_eq!(f.section, Some(SectionKind::Findings));
        for (bad, needle) in [
            ("tracer", "KEY=VALUE"),
            ("cancer_type=lung", "unknown cancer_type"),
            ("colour=red", "unknown key"),
            ("until=2019-12-31", "after until"),
            ("since=yesterday", "YYYY-MM-DD"),
            ("section=", "empty value"),
        ] {
            let err = f.clone().set(bad).unwrap_err().to_string();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn epoch_days() {
        assert_eq!(epoch_day(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        assert_eq!(
            epoch_day(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
            10957
        );
    }
}
