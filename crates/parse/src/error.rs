//! The file-level error ([`ParseError`]) and the per-record error ([`RecordError`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The file extensions [`crate::read_file`] understands, as listed in error messages.
pub(crate) const SUPPORTED_EXTENSIONS: &str = ".jsonl, .ndjson, .txt, .json";

/// A whole input file cannot be read at all: it cannot be opened, or its format is unknown.
///
/// Problems *inside* a readable file are never a `ParseError`: they are reported per record as
/// a [`RecordError`] and reading continues with the next record.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The file or directory cannot be opened or listed.
    #[error("cannot open {path}: {source}")]
    Open {
        /// The path as given.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file extension is not one of the supported formats.
    #[error("{path}: unsupported file type (supported extensions: {SUPPORTED_EXTENSIONS})")]
    UnsupportedFormat {
        /// The path as given.
        path: String,
    },
}

/// What kind of problem a single record has; serialised in `snake_case`
/// (`"malformed_json"`, `"missing_field"`, …), as used by `tests/malformed/expected.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordErrorKind {
    /// The line or document is not valid JSON, or not a JSON object.
    MalformedJson,
    /// A required field or header is absent (or `null`).
    MissingField,
    /// A field is present but unusable: wrong type, bad date, bad id, bad base64…
    InvalidValue,
    /// The bytes of the record (or its decoded text) are not valid UTF-8.
    InvalidUtf8,
    /// The report has no findings section, or the findings are empty.
    EmptyFindings,
    /// The record exceeds [`crate::Limits`].
    Oversized,
    /// A FHIR resource that is not a `DiagnosticReport` (or a `Bundle` of them).
    UnsupportedResource,
    /// Reading the file failed part-way; the rest of the file is skipped.
    Io,
}

impl RecordErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [RecordErrorKind; 8] = [
        RecordErrorKind::MalformedJson,
        RecordErrorKind::MissingField,
        RecordErrorKind::InvalidValue,
        RecordErrorKind::InvalidUtf8,
        RecordErrorKind::EmptyFindings,
        RecordErrorKind::Oversized,
        RecordErrorKind::UnsupportedResource,
        RecordErrorKind::Io,
    ];

    /// The stable snake_case name (the same string serde produces).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordErrorKind::MalformedJson => "malformed_json",
            RecordErrorKind::MissingField => "missing_field",
            RecordErrorKind::InvalidValue => "invalid_value",
            RecordErrorKind::InvalidUtf8 => "invalid_utf8",
            RecordErrorKind::EmptyFindings => "empty_findings",
            RecordErrorKind::Oversized => "oversized",
            RecordErrorKind::UnsupportedResource => "unsupported_resource",
            RecordErrorKind::Io => "io",
        }
    }
}

impl fmt::Display for RecordErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one record was rejected. The file it came from is in [`crate::Location`].
///
/// `message` is lowercase, has no trailing period and names the field and the problem, e.g.
/// ``missing field `patient_id` `` or `report text is 70123 bytes, limit is 65536`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct RecordError {
    /// The category, for counting and for tests.
    pub kind: RecordErrorKind,
    /// Human-readable detail.
    pub message: String,
}

impl RecordError {
    /// Build an error of `kind` with `message`.
    pub fn new(kind: RecordErrorKind, message: impl Into<String>) -> Self {
        RecordError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn malformed_json(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::MalformedJson, message)
    }

    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::MissingField, message)
    }

    /// ``missing field `a` `` or ``missing fields `a`, `b` ``.
    pub(crate) fn missing_fields(names: &[&str]) -> Self {
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let plural = if names.len() == 1 { "" } else { "s" };
        Self::missing(format!("missing field{plural} {list}"))
    }

    pub(crate) fn invalid(field: &str, reason: impl fmt::Display) -> Self {
        Self::new(RecordErrorKind::InvalidValue, format!("{field}: {reason}"))
    }

    pub(crate) fn invalid_utf8(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::InvalidUtf8, message)
    }

    pub(crate) fn empty_findings(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::EmptyFindings, message)
    }

    pub(crate) fn oversized(what: &str, size: usize, limit: usize) -> Self {
        Self::new(
            RecordErrorKind::Oversized,
            format!("{what} is {size} bytes, limit is {limit}"),
        )
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(RecordErrorKind::UnsupportedResource, message)
    }

    pub(crate) fn io(err: &std::io::Error) -> Self {
        Self::new(
            RecordErrorKind::Io,
            format!(
                "read failed, rest of file skipped: {}",
                lowercase_first(&err.to_string())
            ),
        )
    }
}

/// Lowercase the first character of `s` unless it starts an acronym (two capitals).
pub(crate) fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            let mut out: String = a.to_lowercase().collect();
            out.push_str(&s[a.len_utf8()..]);
            out
        }
        _ => s.to_string(),
    }
}

/// A message for a `serde_json` syntax error, without serde's "at line L column C" suffix
/// (the caller adds the position that makes sense for the format).
pub(crate) fn json_error_core(err: &serde_json::Error) -> String {
    let s = err.to_string();
    let core = match s.rfind(" at line ") {
        Some(i) => &s[..i],
        None => &s,
    };
    let core = core.replace("EOF while parsing", "end of input while parsing");
    lowercase_first(&core)
}

/// `utf-8` validity error message with the byte offset of the first bad byte.
pub(crate) fn utf8_message(what: &str, err: &std::str::Utf8Error) -> String {
    format!(
        "{what} is not valid utf-8 (first bad byte at offset {})",
        err.valid_up_to()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_snake_case_and_match_as_str() {
        for k in RecordErrorKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            let back: RecordErrorKind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, k);
        }
    }

    #[test]
    fn messages_are_lowercase() {
        assert_eq!(
            RecordError::missing_fields(&["patient_id"]).message,
            "missing field `patient_id`"
        );
        assert_eq!(
            RecordError::missing_fields(&["patient_id", "text"]).message,
            "missing fields `patient_id`, `text`"
        );
        assert_eq!(
            RecordError::oversized("report text", 70123, 65536).message,
            "report text is 70123 bytes, limit is 65536"
        );
        let e = serde_json::from_str::<serde_json::Value>("{\"a\":").unwrap_err();
        assert_eq!(json_error_core(&e), "end of input while parsing a value");
        assert_eq!(lowercase_first("Is a directory"), "is a directory");
        assert_eq!(lowercase_first("EOF"), "EOF");
        let e = RecordError::new(RecordErrorKind::Oversized, "x");
        assert_eq!(e.to_string(), "oversized: x");
    }
}
