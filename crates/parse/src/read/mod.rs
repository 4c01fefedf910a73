//! Reading input files into records, one at a time, with bounded memory.
//!
//! One module per format: `jsonl` (`.jsonl`/`.ndjson`, one record per line), `fhir` (`.json`,
//! a `DiagnosticReport` alone or in a `Bundle`) and `text` (`.txt`). `jsonl` hands a line that
//! is a FHIR resource to `fhir`, and nothing points back: the helpers the readers share
//! (`parse_date`, `type_name`) live in `common`.

mod common;
mod fhir;
mod jsonl;
mod text;

use crate::error::{ParseError, RecordError};
use priors_core::ReportRecord;
use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

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

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The file, as the path was given to [`read_file`].
    pub file: String,
    /// 1-based line number, for JSONL input; `None` for whole-file formats.
    pub line: Option<usize>,
    /// 1-based index of the record in the file (blank JSONL lines are not records).
    pub record: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line} (record {})", self.file, self.record),
            None => write!(f, "{} (record {})", self.file, self.record),
        }
    }
}

/// One record read from a file: where it came from and either the validated record or why it
/// was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    /// Where the record came from.
    pub location: Location,
    /// The record (already passed through [`crate::validate`]) or the reason it was rejected.
    pub result: Result<ReportRecord, RecordError>,
}

/// The input formats, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Text,
    Fhir,
}

fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        "txt" => Some(Format::Text),
        "json" => Some(Format::Fhir),
        _ => None,
    }
}

/// Open one input file and iterate over its records.
///
/// The format is chosen by extension (case-insensitive):
///
/// - `.jsonl`, `.ndjson`: one [`ReportRecord`] JSON object per line, read line by line as raw
///   bytes (invalid UTF-8 or broken JSON on one line is reported for that line and reading
///   continues); blank lines are skipped. A line holding a FHIR `DiagnosticReport` (it has a
///   `resourceType`) is converted as for `.json`, so FHIR bulk-data NDJSON exports work.
/// - `.txt`: one plain-text report: header lines `REPORT ID:`, `PATIENT ID:`, `EXAM DATE:`
///   (`YYYY-MM-DD`), optional `MODALITY:` and `TRACER:`, then the report text.
/// - `.json`: a FHIR R4 `DiagnosticReport`, or a `Bundle` whose entries are
///   `DiagnosticReport`s (one record per entry).
///
/// Every record that parses is checked with [`crate::validate`]. Memory is bounded by
/// [`Limits::max_line_bytes`] per JSONL line or text file and by
/// [`Limits::max_document_bytes`] per FHIR document.
///
/// Errors: [`ParseError::Open`] if the file cannot be opened (or is a directory),
/// [`ParseError::UnsupportedFormat`] for any other extension. Everything else is reported per
/// record by the iterator; an I/O error part-way yields one `io` record error and ends the
/// iteration.
pub fn read_file(path: &Path, limits: &Limits) -> Result<RecordIter, ParseError> {
    let name = path.display().to_string();
    let format =
        format_of(path).ok_or_else(|| ParseError::UnsupportedFormat { path: name.clone() })?;
    let open_err = |source| ParseError::Open {
        path: name.clone(),
        source,
    };
    let file = File::open(path).map_err(open_err)?;
    let meta = file.metadata().map_err(open_err)?;
    if meta.is_dir() {
        return Err(open_err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    let state = match format {
        Format::Jsonl => State::Jsonl(jsonl::JsonlState::new(Box::new(BufReader::new(file)))),
        Format::Text => State::Text(Some(Box::new(file))),
        Format::Fhir => State::FhirPending(Some(Box::new(file))),
    };
    Ok(RecordIter {
        file: name,
        limits: *limits,
        state,
    })
}

/// The input files under `path`: `path` itself if it is a file with a supported extension,
/// or, for a directory, every file below it (recursively) with a supported extension, sorted
/// by path.
///
/// Hidden entries (names starting with `.`) are skipped, and symbolic links to directories are
/// not followed (links to files are). An empty directory gives an empty list.
///
/// Errors: [`ParseError::Open`] if `path` (or a directory below it) cannot be read,
/// [`ParseError::UnsupportedFormat`] if `path` is a file with another extension.
pub fn read_dir_or_file(path: &Path) -> Result<Vec<PathBuf>, ParseError> {
    let meta = std::fs::metadata(path).map_err(|source| ParseError::Open {
        path: path.display().to_string(),
        source,
    })?;
    if !meta.is_dir() {
        return match format_of(path) {
            Some(_) => Ok(vec![path.to_path_buf()]),
            None => Err(ParseError::UnsupportedFormat {
                path: path.display().to_string(),
            }),
        };
    }
    let mut files = Vec::new();
    walk(path, &mut files)?;
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ParseError> {
    let open_err = |source| ParseError::Open {
        path: dir.display().to_string(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(open_err)? {
        let entry = entry.map_err(open_err)?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(open_err)?;
        if file_type.is_dir() {
            walk(&path, out)?;
        } else if format_of(&path).is_some()
            && (file_type.is_file() || (file_type.is_symlink() && path.is_file()))
        {
            out.push(path);
        }
    }
    Ok(())
}

type DynRead = Box<dyn Read + Send>;

enum State {
    Jsonl(jsonl::JsonlState),
    /// The text file, until its one record has been produced.
    Text(Option<DynRead>),
    /// The FHIR file, not read yet.
    FhirPending(Option<DynRead>),
    /// FHIR entries (or a document-level error) still to be produced.
    Fhir(VecDeque<Result<serde_json::Value, RecordError>>, usize),
}

/// Iterator over the records of one file, from [`read_file`].
pub struct RecordIter {
    file: String,
    limits: Limits,
    state: State,
}

impl fmt::Debug for RecordIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordIter")
            .field("file", &self.file)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl RecordIter {
    /// The file being read, as given to [`read_file`].
    pub fn file(&self) -> &str {
        &self.file
    }

    /// A JSONL iterator over any reader (for tests).
    #[cfg(test)]
    pub(crate) fn jsonl_from(
        file: &str,
        reader: impl std::io::BufRead + Send + 'static,
        limits: Limits,
    ) -> Self {
        RecordIter {
            file: file.to_string(),
            limits,
            state: State::Jsonl(jsonl::JsonlState::new(Box::new(reader))),
        }
    }

    fn location(&self, line: Option<usize>, record: usize) -> Location {
        Location {
            file: self.file.clone(),
            line,
            record,
        }
    }
}

impl Iterator for RecordIter {
    type Item = SourceRecord;

    fn next(&mut self) -> Option<SourceRecord> {
        let limits = self.limits;
        match &mut self.state {
            State::Jsonl(st) => {
                let (line, record, result) = st.next(&limits)?;
                Some(SourceRecord {
                    location: self.location(Some(line), record),
                    result,
                })
            }
            State::Text(reader) => {
                let reader = reader.take()?;
                let result = text::read_text(reader, &limits);
                Some(SourceRecord {
                    location: self.location(None, 1),
                    result,
                })
            }
            State::FhirPending(reader) => {
                let reader = reader.take()?;
                self.state = State::Fhir(fhir::read_document(reader, &limits), 0);
                self.next()
            }
            State::Fhir(items, index) => {
                let item = items.pop_front()?;
                *index += 1;
                let record = *index;
                let result = item.and_then(|v| fhir::diagnostic_report(&v, &limits));
                Some(SourceRecord {
                    location: self.location(None, record),
                    result,
                })
            }
        }
    }
}

/// Read at most `cap` bytes: `Ok(bytes)`, or `Err(total size)` if the source is larger (the
/// excess is read and counted, not kept).
pub(crate) fn read_capped(
    reader: impl Read,
    cap: usize,
) -> std::io::Result<Result<Vec<u8>, usize>> {
    let mut buf = Vec::new();
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut taken = reader.take(limit);
    taken.read_to_end(&mut buf)?;
    if buf.len() > cap {
        // Count the rest without keeping it.
        let mut rest = taken.into_inner();
        let skipped = std::io::copy(&mut rest, &mut std::io::sink())?;
        let total = buf.len() + usize::try_from(skipped).unwrap_or(usize::MAX);
        return Ok(Err(total));
    }
    Ok(Ok(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_derived_from_the_report_limit() {
        let l = Limits::default();
        assert_eq!(l.max_report_bytes, 65536);
        assert_eq!(l.max_line_bytes(), 4 * 65536 + 65536);
        assert_eq!(l.max_document_bytes(), 64 * 5 * 65536);
        assert_eq!(Limits::new(usize::MAX).max_line_bytes(), usize::MAX);
    }

    #[test]
    fn record_iter_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<RecordIter>();
        assert_send::<SourceRecord>();
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/b.jsonl")), Some(Format::Jsonl));
        assert_eq!(format_of(Path::new("b.NDJSON")), Some(Format::Jsonl));
        assert_eq!(format_of(Path::new("b.txt")), Some(Format::Text));
        assert_eq!(format_of(Path::new("b.json")), Some(Format::Fhir));
        assert_eq!(format_of(Path::new("b.csv")), None);
        assert_eq!(format_of(Path::new("jsonl")), None);
    }

    #[test]
    fn location_display() {
        let l = Location {
            file: "a.jsonl".into(),
            line: Some(3),
            record: 2,
        };
        assert_eq!(l.to_string(), "a.jsonl:3 (record 2)");
    }

    #[test]
    fn read_capped_counts_without_keeping() {
        let data = vec![b'x'; 1000];
        assert_eq!(read_capped(&data[..], 1000).unwrap(), Ok(data.clone()));
        assert_eq!(read_capped(&data[..], 999).unwrap(), Err(1000));
        assert_eq!(read_capped(&data[..], 0).unwrap(), Err(1000));
    }
}
