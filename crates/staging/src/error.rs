//! The crate's one error type.

/// Result alias for this crate.
pub type Result<T, E = StagingError> = std::result::Result<T, E>;

/// What went wrong, and whose fault it is.
///
/// Staging itself never fails: text the rules cannot decide gives `null` categories and
/// `missing` entries, not an error. Errors come only from files and from structured input
/// (features proposed by another component) that does not fit the text it claims to describe.
#[derive(Debug, thiserror::Error)]
pub enum StagingError {
    /// A file named by the caller could not be read (caller's fault if the path is wrong; a
    /// retry helps only for transient I/O failures).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line of a JSONL file is not a valid record (caller's fault; fix the file).
    #[error("{path}:{line}: {reason}")]
    Record {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// Why the line was rejected.
        reason: String,
    },
    /// The guideline passages do not validate: duplicate or empty ids, empty fields, or a
    /// guideline id the rules cite that is absent (data fault; fix the passages file).
    #[error("invalid passages: {0}")]
    Passages(String),
    /// A span in structured features does not match the text it points into (caller's fault:
    /// the proposer quoted text that is not there; retrying the same proposal will not help).
    #[error("span {start}..{end} {reason}")]
    Span {
        /// Byte offset where the span starts.
        start: usize,
        /// Byte offset where the span ends.
        end: usize,
        /// What is wrong with it.
        reason: String,
    },
}
