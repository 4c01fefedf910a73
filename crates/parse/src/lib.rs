//! Turning report files into validated records, sections, metadata and chunks.
//!
//! `priors-parse` is the pure front half of ingestion: it reads input files, rejects bad
//! records with a precise reason, splits the good ones into sections, describes them and cuts
//! them into token-bounded chunks. It knows nothing about embedding models, Qdrant or Tantivy;
//! the only engine-specific input is the `count_tokens` function passed to [`chunk_report`].
//!
//! # Pipeline
//!
//! ```no_run
//! use priors_parse::{chunk_report, extract_meta, read_dir_or_file, read_file, split_sections, Limits};
//! # fn main() -> Result<(), priors_parse::ParseError> {
//! let limits = Limits::default(); // ingest.max_report_bytes = 65536
//! let count = |s: &str| s.split_whitespace().count() + 2; // stand-in for the tokenizer
//! for path in read_dir_or_file("reports/".as_ref())? {
//!     for source in read_file(&path, &limits)? {
//!         match source.result {
//!             Ok(record) => {
//!                 let sections = split_sections(&record.text);
//!                 let meta = extract_meta(&record, &sections);
//!                 let chunks = chunk_report(&record.report_id, &sections, 256, &count);
//!                 println!("{}: {} chunks, hash {}", meta.report_id, chunks.len(), meta.content_hash);
//!             }
//!             Err(e) => eprintln!("{}: {e}", source.location),
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Input formats
//!
//! Chosen by extension in [`read_file`]; [`read_dir_or_file`] expands a directory into its
//! supported files (recursive, sorted).
//!
//! - **JSONL / NDJSON** (`.jsonl`, `.ndjson`): one [`priors_core::ReportRecord`] per line.
//!   Read line by line as raw bytes, so a line with invalid UTF-8 or broken JSON is reported
//!   for that line and the rest of the file is still read. Blank lines are skipped (they do
//!   not count as records, but do count as lines). Lines holding a FHIR `DiagnosticReport`
//!   are converted as for `.json` (FHIR bulk-data export).
//! - **Text** (`.txt`): one report per file; a header block (`REPORT ID:`, `PATIENT ID:`,
//!   `EXAM DATE: YYYY-MM-DD`, optional `MODALITY:`, `TRACER:`; case-insensitive, any order)
//!   ending at the first blank line or the first line that is not such a header, then the
//!   report text.
//! - **FHIR R4 JSON** (`.json`): a `DiagnosticReport`, or a `Bundle` of them (one record per
//!   entry). Text comes from a base64 `text/plain` `presentedForm`, else the XHTML narrative;
//!   `conclusion` is appended as an `IMPRESSION:` section when the text has none.
//!
//! # Errors
//!
//! There are two levels. [`ParseError`] means a whole file cannot be read (cannot be opened,
//! unknown extension). Everything wrong *inside* a file is a [`RecordError`] attached to the
//! [`Location`] (file, line, record index) of the one record concerned, and reading goes on.
//! [`RecordErrorKind`] is a closed set, serialised in snake_case: `malformed_json`,
//! `missing_field`, `invalid_value`, `invalid_utf8`, `empty_findings`, `oversized`,
//! `unsupported_resource`, `io`. Messages are lowercase and name the field, e.g.
//! ``missing field `patient_id` ``, `report text is 70123 bytes, limit is 65536`,
//! `exam_date: input contains invalid characters`. `tests/malformed/` at the workspace root
//! holds a corpus with one example of each, and `expected.json` lists the outcome of every
//! record.
//!
//! # Bounded memory
//!
//! JSONL is streamed; a line longer than [`Limits::max_line_bytes`] (4 × `max_report_bytes` +
//! 64 KiB) is skipped to the next newline *without being buffered* and reported as
//! `oversized`. A text file is read up to the same bound. A FHIR `.json` document must be
//! parsed whole and is bounded by [`Limits::max_document_bytes`]. Independently, a record whose
//! text is longer than [`Limits::max_report_bytes`] is `oversized`.
//!
//! # Validation
//!
//! Every reader passes each record through [`validate`]: ids non-empty, free of control
//! characters and surrounding whitespace; text within the size limit; and a **findings
//! section with content is required**. Header-less text is not taken as findings, because
//! section kinds drive metadata extraction and the `section` search filter; real-world header
//! variants (`FINDINGS/RESULTS`, `PET/CT FINDINGS`, `RESULTS`, `REPORT`) are accepted.
//!
//! # Sections, metadata, chunks
//!
//! - [`split_sections`]: headers at line start, case-insensitive, with or without a colon;
//!   region sub-headings (`Chest:`, `Abdomen and pelvis:`) and unknown headers stay inside the
//!   current section.
//! - [`extract_meta`]: modality, tracer, cancer type (mapped to
//!   [`priors_core::CancerType`], ignoring negated and family-history mentions), SUVmax
//!   values, Deauville score, laterality and the [`content_hash`] that decides whether a
//!   re-ingested report changed. The individual extractors [`suv_max_values`],
//!   [`deauville_score`] and [`laterality`] are public too.
//! - [`chunk_report`]: section-aware, whole sentences first, every chunk within the token
//!   bound measured by the caller's tokenizer; chunk text is a verbatim slice of the section
//!   (no heading prefix), so citations can always be found in the original report.

mod cancer;
mod chunk;
mod error;
mod limits;
mod meta;
mod read;
mod sections;
mod validate;

pub use cancer::stated_cancer_type;
pub use chunk::chunk_report;
pub use error::{ParseError, RecordError, RecordErrorKind};
pub use meta::{
    content_hash, deauville_score, extract_meta, laterality, suv_max_values, CONTENT_HASH_VERSION,
};
pub use read::{
    read_dir_or_file, read_file, Limits, Location, RecordIter, SourceRecord,
    DEFAULT_MAX_REPORT_BYTES,
};
pub use sections::split_sections;
pub use validate::validate;
