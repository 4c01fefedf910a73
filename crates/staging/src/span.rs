//! Spans of the input text, and values found at a span.

use serde::{Deserialize, Serialize};

use crate::error::{Result, StagingError};

/// A piece of the input text: byte offsets into the input and the exact text between them.
///
/// `text == input[start..end]` always holds for spans made by the extractor; spans that come
/// from elsewhere (an LLM proposer) are checked with [`Span::check`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The text, exactly as in the input.
    pub text: String,
}

impl Span {
    /// The span `start..end` of `input`. Panics if the offsets are not on character boundaries
    /// or out of range; crate code only builds spans from token offsets.
    pub(crate) fn of(input: &str, start: usize, end: usize) -> Self {
        Span {
            start,
            end,
            text: input[start..end].to_string(),
        }
    }

    /// Check that this span points at its text in `input`.
    pub fn check(&self, input: &str) -> Result<()> {
        let bad = |reason: &str| StagingError::Span {
            start: self.start,
            end: self.end,
            reason: reason.to_string(),
        };
        if self.start >= self.end {
            return Err(bad("is empty"));
        }
        match input.get(self.start..self.end) {
            None => Err(bad("is out of range or not on a character boundary")),
            Some(t) if t != self.text => {
                Err(bad(&format!("holds {t:?}, not the quoted {:?}", self.text)))
            }
            Some(_) => Ok(()),
        }
    }
}

/// A value found in the text, with the span that states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Found<T> {
    /// What was found.
    pub value: T,
    /// Where the text says so.
    pub span: Span,
}

impl<T> Found<T> {
    /// Pair a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Found { value, span }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_accepts_exact_spans_and_rejects_the_rest() {
        let input = "Mass 3.6 cm in the RUL. Ümlaut";
        let ok = Span::of(input, 5, 11);
        assert_eq!(ok.text, "3.6 cm");
        ok.check(input).unwrap();
        let cases = [
            (
                Span {
                    start: 5,
                    end: 11,
                    text: "3.7 cm".into(),
                },
                "not the quoted",
            ),
            (
                Span {
                    start: 5,
                    end: 5,
                    text: String::new(),
                },
                "empty",
            ),
            (
                Span {
                    start: 25,
                    end: 100,
                    text: "x".into(),
                },
                "out of range",
            ),
            (
                Span {
                    start: 24,
                    end: 25,
                    text: "\u{c3}".into(),
                },
                "boundary",
            ),
        ];
        for (span, want) in cases {
            let err = span.check(input).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
    }
}
