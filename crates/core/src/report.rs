//! What a PET/CT report is inside `priors`.
//!
//! A report enters as a [`ReportRecord`] (whatever the input format: JSONL, plain text with
//! section headers, or FHIR `DiagnosticReport`), is split into [`Section`]s, described by a
//! [`ReportMeta`] extracted from its text, and cut into [`Chunk`]s that are embedded and written
//! to both stores.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One report as it arrives, before parsing. This is also the JSONL record format.
///
/// Required: `report_id`, `patient_id`, `exam_date` (`YYYY-MM-DD`) and `text` (the full report
/// with section headers, of which the findings must be non-empty). Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRecord {
    /// Accession number / report id; the identity of the report in both stores.
    pub report_id: String,
    /// Patient identifier (synthetic in this repository).
    pub patient_id: String,
    /// Date of the examination.
    pub exam_date: NaiveDate,
    /// Modality, e.g. `PET/CT`; extracted from the text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    /// Tracer (`FDG`, `PSMA`, `DOTATATE`); extracted from the technique section when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracer: Option<String>,
    /// The full report text, with section headers (`INDICATION:`, `FINDINGS:`…).
    pub text: String,
    /// Ground truth, present on synthetic reports; used by evaluations, never by retrieval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
}

/// Ground-truth labels of a synthetic report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// One of the [`crate::CancerType`] ids, or `unknown`.
    pub cancer_type: String,
    /// Histology or diagnosis in words, e.g. `adenocarcinoma`, `nodular sclerosis`.
    #[serde(default)]
    pub histology: Option<String>,
    /// Stage at this time point: AJCC 8th (`IIIA`) for solid tumours, Lugano (`IIE`) for
    /// lymphoma; `null` for benign mimics.
    #[serde(default)]
    pub stage: Option<String>,
    /// Deauville score 1–5 on lymphoma response scans.
    #[serde(default)]
    pub deauville: Option<u8>,
    /// Response category against the previous scan: Lugano `CMR`/`PMR`/`NMR`/`PMD` for
    /// lymphoma, PERCIST `CMR`/`PMR`/`SMD`/`PMD` for solid tumours.
    #[serde(default)]
    pub response: Option<String>,
    /// Sites of disease (snake_case anatomical regions), e.g. `mediastinal_nodes`, `liver`.
    #[serde(default)]
    pub sites: Vec<String>,
    /// Time point in the patient's course: `staging`, `interim`, `end_of_treatment`,
    /// `surveillance`, `recurrence`.
    #[serde(default)]
    pub timepoint: Option<String>,
}

/// The kind of a report section; chunks never cross a section boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Clinical history / indication.
    Indication,
    /// Technique: tracer, dose, uptake time, glucose.
    Technique,
    /// Comparison with prior studies.
    Comparison,
    /// Findings (all regions).
    Findings,
    /// Impression / conclusion.
    Impression,
    /// Anything before the first recognised header or under an unknown header.
    Other,
}

impl SectionKind {
    /// The stable snake_case name stored in both engines and accepted by filters.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Indication => "indication",
            SectionKind::Technique => "technique",
            SectionKind::Comparison => "comparison",
            SectionKind::Findings => "findings",
            SectionKind::Impression => "impression",
            SectionKind::Other => "other",
        }
    }

    /// Parse the name produced by [`SectionKind::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "indication" => SectionKind::Indication,
            "technique" => SectionKind::Technique,
            "comparison" => SectionKind::Comparison,
            "findings" => SectionKind::Findings,
            "impression" => SectionKind::Impression,
            "other" => SectionKind::Other,
            _ => return None,
        })
    }
}

/// A section of a report: its kind, the header as written, and its body text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// What kind of section this is.
    pub kind: SectionKind,
    /// The header as it appeared (e.g. `CLINICAL HISTORY`), empty for leading text.
    pub heading: String,
    /// The body, trimmed.
    pub text: String,
}

/// Metadata extracted from a report (record fields first, then the text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportMeta {
    /// Report id.
    pub report_id: String,
    /// Patient id.
    pub patient_id: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// Modality (`PET/CT` when nothing else is stated).
    pub modality: String,
    /// Tracer, upper case (`FDG`, `PSMA`, `DOTATATE`), if known.
    pub tracer: Option<String>,
    /// Cancer type stated in the indication, a [`crate::CancerType`] id, if recognised.
    pub cancer_type: Option<String>,
    /// Every SUVmax value mentioned in the findings, in order of appearance.
    pub suv_max: Vec<f32>,
    /// Deauville score stated in the report, if any.
    pub deauville: Option<u8>,
    /// Sides mentioned in the findings: any of `left`, `right`, `bilateral`.
    pub laterality: Vec<String>,
    /// Hex SHA-256 of the normalised record: decides unchanged / updated on re-ingest.
    pub content_hash: String,
}

/// Identity of a chunk in both stores: a UUID derived from the report id and chunk index, so the
/// same chunk always gets the same id and re-ingesting can never duplicate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ChunkId(pub u128);

impl ChunkId {
    /// Derive the id of chunk `index` of `report_id` (a version-8 UUID from a 128-bit FNV-1a
    /// hash; stable across releases and platforms).
    pub fn new(report_id: &str, index: u32) -> Self {
        const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
        const PRIME: u128 = 0x0000000001000000000000000000013B;
        let mut h = OFFSET;
        for b in report_id
            .as_bytes()
            .iter()
            .chain(&[0u8])
            .chain(&index.to_le_bytes())
        {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
        // Set the UUID version (8, custom) and RFC 4122 variant bits.
        h = (h & !(0xF << 76)) | (0x8 << 76);
        h = (h & !(0x3 << 62)) | (0x2 << 62);
        ChunkId(h)
    }

    /// Canonical hyphenated UUID string.
    pub fn to_uuid_string(self) -> String {
        let h = format!("{:032x}", self.0);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// Parse a hyphenated (or plain 32-hex-digit) UUID string.
    pub fn parse(s: &str) -> Option<Self> {
        let hex: String = s.chars().filter(|c| *c != '-').collect();
        if hex.len() != 32 {
            return None;
        }
        u128::from_str_radix(&hex, 16).ok().map(ChunkId)
    }
}

impl std::fmt::Display for ChunkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_uuid_string())
    }
}

/// A token-bounded piece of one section of one report: the unit that is embedded and indexed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    /// Which report.
    pub report_id: String,
    /// Position of the chunk in the report, from 0.
    pub index: u32,
    /// The section the chunk comes from.
    pub section: SectionKind,
    /// The chunk text.
    pub text: String,
    /// Model tokens in `text` (including the special tokens the model adds).
    pub tokens: usize,
}

impl Chunk {
    /// The chunk's id in both stores.
    pub fn id(&self) -> ChunkId {
        ChunkId::new(&self.report_id, self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_ids_are_stable_distinct_and_round_trip() {
        let a = ChunkId::new("ACC-1", 0);
        assert_eq!(a, ChunkId::new("ACC-1", 0));
        assert_ne!(a, ChunkId::new("ACC-1", 1));
        assert_ne!(a, ChunkId::new("ACC-10", 0));
        // "ACC-1" + index 0 must not collide with "ACC-" + something: the separator sees to it.
        assert_ne!(ChunkId::new("A", 0x31), ChunkId::new("A1", 0));
        let s = a.to_uuid_string();
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "8", "version nibble");
        assert_eq!(ChunkId::parse(&s), Some(a));
    }

    #[test]
    fn section_names_round_trip() {
        for k in [
            SectionKind::Indication,
            SectionKind::Technique,
            SectionKind::Comparison,
            SectionKind::Findings,
            SectionKind::Impression,
            SectionKind::Other,
        ] {
            assert_eq!(SectionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(SectionKind::parse("findings "), None);
    }

    #[test]
    fn record_requires_its_fields() {
        let ok =
            r#"{"report_id":"A","patient_id":"P","exam_date":"2024-01-02","text":"FINDINGS: x"}"#;
        let rec: ReportRecord = serde_json::from_str(ok).unwrap();
        assert_eq!(rec.exam_date, NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        let missing = r#"{"report_id":"A","exam_date":"2024-01-02","text":"x"}"#;
        let err = serde_json::from_str::<ReportRecord>(missing).unwrap_err();
        assert!(err.to_string().contains("patient_id"), "{err}");
        let bad_date = r#"{"report_id":"A","patient_id":"P","exam_date":"2024-13-02","text":"x"}"#;
        assert!(serde_json::from_str::<ReportRecord>(bad_date).is_err());
    }
}
