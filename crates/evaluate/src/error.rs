//! The one error type of this crate: every failure names the file, the 1-based line (when
//! there is one) and the reason.

use std::fmt;
use std::path::{Path, PathBuf};

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong while loading a BEIR file. The metric functions cannot fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read (the caller's environment; check the path).
    #[error("{}: {source}", Location(path, *line))]
    Io {
        /// The file.
        path: PathBuf,
        /// The 1-based line being read, or `None` if the file could not be opened.
        line: Option<usize>,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line is not a valid record (the data's fault; fix the file).
    #[error("{}: {reason}", Location(path, Some(*line)))]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// Why the line was rejected.
        reason: String,
    },
}

impl Error {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Error::Io { path, .. } | Error::Parse { path, .. } => path,
        }
    }

    /// The 1-based line the error is about, if any.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Io { line, .. } => *line,
            Error::Parse { line, .. } => Some(*line),
        }
    }

    pub(crate) fn parse(path: &Path, line: usize, reason: impl Into<String>) -> Self {
        Error::Parse {
            path: path.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }

    pub(crate) fn io(path: &Path, line: Option<usize>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            line,
            source,
        }
    }
}

/// `path` or `path:line`, as compilers print locations.
struct Location<'a>(&'a Path, Option<usize>);

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(line) => write!(f, "{}:{line}", self.0.display()),
            None => write!(f, "{}", self.0.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_reason() {
        let e = Error::parse(Path::new("q/test.tsv"), 7, "bad score");
        assert_eq!(e.to_string(), "q/test.tsv:7: bad score");
        assert_eq!(e.line(), Some(7));
        assert_eq!(e.path(), Path::new("q/test.tsv"));

        let e = Error::io(
            Path::new("corpus.jsonl"),
            None,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        );
        assert_eq!(e.to_string(), "corpus.jsonl: no such file");
        assert_eq!(e.line(), None);
    }
}
