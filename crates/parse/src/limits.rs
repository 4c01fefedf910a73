//! Size limits of reading and validating a report.

/// The default [`Limits::max_report_bytes`] (the `ingest.max_report_bytes` default).
pub const DEFAULT_MAX_REPORT_BYTES: usize = 65536;

/// Size limits applied while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted report text, in bytes (UTF-8). Larger reports are `oversized`.
    pub max_report_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(DEFAULT_MAX_REPORT_BYTES)
    }
}

impl Limits {
    /// Limits with the given report size.
    pub fn new(max_report_bytes: usize) -> Self {
        Limits { max_report_bytes }
    }

    /// Longest JSONL line (and largest `.txt` file) that is loaded into memory:
    /// `4 × max_report_bytes + 64 KiB`, room for a maximal report with JSON escaping plus its
    /// other fields. Longer lines are skipped up to the next newline without being buffered
    /// and reported as `oversized`.
    pub fn max_line_bytes(&self) -> usize {
        self.max_report_bytes
            .saturating_mul(4)
            .saturating_add(64 * 1024)
    }

    /// Largest `.json` (FHIR) document that is loaded into memory: 64 × [`Self::max_line_bytes`]
    /// (20 MiB by default). A FHIR JSON document must be parsed whole; larger exports should be
    /// split or written as NDJSON (one resource per line, the FHIR bulk-data format), which
    /// streams.
    pub fn max_document_bytes(&self) -> usize {
        self.max_line_bytes().saturating_mul(64)
    }
}
