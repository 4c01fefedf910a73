//! The grounds of an answer, shared by both rule sets: which category a statement is about
//! ([`Category`]), the evidence for a value ([`Evidence`]), what the text does not say
//! ([`Missing`]), and [`Grounds`], the three lists the rules fill while they decide.

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// Which answer field a piece of evidence or missing information is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// Primary tumour (lung).
    T,
    /// Regional nodes (lung).
    N,
    /// Distant metastasis (lung).
    M,
    /// Stage group (lung) or Lugano stage (lymphoma).
    #[serde(rename = "stage")]
    Stage,
    /// Deauville five-point score (lymphoma).
    #[serde(rename = "deauville")]
    Deauville,
    /// Lugano metabolic response (lymphoma).
    #[serde(rename = "response")]
    Response,
}

impl Category {
    /// The name used in JSON (`T`, `N`, `M`, `stage`, `deauville`, `response`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::T => "T",
            Category::N => "N",
            Category::M => "M",
            Category::Stage => "stage",
            Category::Deauville => "deauville",
            Category::Response => "response",
        }
    }
}

/// Why a category has its value: the words of the input that decided it and the guideline
/// passage that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The category this supports.
    pub category: Category,
    /// The value it supports, e.g. `T2a`, `N3`, `4`.
    pub value: String,
    /// The deciding words, an exact substring of the input.
    pub span: String,
    /// Byte offset of `span` in the input.
    pub start: usize,
    /// Byte offset one past the end of `span`.
    pub end: usize,
    /// Id of the guideline passage that justifies the step (see `passages.jsonl`).
    pub guideline: String,
    /// One line saying how the span leads to the value.
    pub note: String,
}

impl Evidence {
    pub(crate) fn new(
        category: Category,
        value: impl Into<String>,
        span: &Span,
        guideline: &str,
        note: impl Into<String>,
    ) -> Self {
        Evidence {
            category,
            value: value.into(),
            span: span.text.clone(),
            start: span.start,
            end: span.end,
            guideline: guideline.to_string(),
            note: note.into(),
        }
    }
}

/// Something the text does not say that a category needs (or that could change it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Missing {
    /// The category concerned.
    pub category: Category,
    /// What is missing, in one line.
    pub detail: String,
}

/// Evidence, missing information and notes, in the order the rules find them, without
/// duplicates. The rules of each cancer fill one; `answer` moves it into the `StagingAnswer`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Grounds {
    /// Evidence entries, each for one category value.
    pub(crate) evidence: Vec<Evidence>,
    /// What the text does not say, per category.
    pub(crate) missing: Vec<Missing>,
    /// Other remarks (findings not counted, stated values that differ from the rules).
    pub(crate) notes: Vec<String>,
}

impl Grounds {
    pub(crate) fn miss(&mut self, category: Category, detail: impl Into<String>) {
        let detail = detail.into();
        if !self
            .missing
            .iter()
            .any(|m| m.category == category && m.detail == detail)
        {
            self.missing.push(Missing { category, detail });
        }
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub(crate) fn cite(&mut self, e: Evidence) {
        if !self.evidence.contains(&e) {
            self.evidence.push(e);
        }
    }
}
