//! Errors of the core crate (configuration and validation of domain values).

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, and whose fault it is.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration could not be read or does not validate (caller's fault; fix the file).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A value supplied by the caller is not acceptable (caller's fault; retrying will not help).
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which field or argument.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// An I/O error on a file the caller named.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
