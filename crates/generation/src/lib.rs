//! Cited drafting of impressions and differentials.
//!
//! The flow of one request ([`Generator::draft`]):
//!
//! 1. **Sources.** Prior cases are retrieved from the `reports` collection (hybrid search on
//!    the indication and findings, the current patient excluded) and become `C1`, `C2`, …;
//!    when the request names a patient with a stored study before the current exam, that
//!    study becomes `P1` and is compared lesion by lesion with the findings
//!    (`priors-compare`, see [`PatientComparison`]); the passages its decisions cite join the
//!    sources;
//!    guideline passages become `G1`, `G2`, …: first those the deterministic staging rules
//!    cite for the findings, then the best hybrid matches in the `guidelines` collection.
//!    Ids are stable within the response (retrieval order).
//! 2. **Drafting** by one of two [`Drafter`]s: [`ExtractiveDrafter`] (deterministic, no LLM)
//!    or [`LlmDrafter`] (any OpenAI-compatible endpoint, streaming). Report text reaches the
//!    LLM only as quoted, escaped data inside the user message, never as instructions.
//! 3. **Verification** ([`Verifier`]) of every proposed sentence before it is sent: at least
//!    one citation, every citation a source of this request and no source id outside a
//!    citation marker, every number present in the input or a cited source, every content
//!    word too (or a drafting connective). Failing sentences are removed and reported
//!    (reason and detail, never their text).
//! 4. **Fallback.** An LLM error, timeout (its own or the caller's deadline) or a draft with
//!    no verifiable sentence falls back to the extractive drafter; the draft says
//!    `llm_fallback` and why. Sentences already streamed are withdrawn by a
//!    [`DraftEvent::Restart`].

mod differentials;
mod extractive;
mod generator;
mod llm;
mod patient;
mod prompt;
pub mod text;
pub mod verify;

pub use differentials::{Differential, Differentials};
pub use extractive::ExtractiveDrafter;
pub use generator::{DraftLimits, Generator};
pub use llm::LlmDrafter;
pub use patient::PatientComparison;
pub use prompt::{build_messages, withhold_instructions, PromptMessages, WITHHELD};
pub use verify::Verifier;

use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A prior report (`C` ids).
    PriorCase,
    /// A guideline passage (`G` ids).
    Guideline,
    /// One of the current patient's own earlier studies (`P` ids); never a prior case.
    PatientStudy,
}

/// One retrieved source a draft may cite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// `C1`, `G1`, …
    pub id: String,
    /// Prior case or guideline passage.
    pub kind: SourceKind,
    /// Report id or passage id.
    pub ref_id: String,
    /// Prior case: patient id.
    pub patient_id: Option<String>,
    /// Prior case: exam date (YYYY-MM-DD).
    pub exam_date: Option<String>,
    /// Prior case: stated cancer type; guideline: passage title.
    pub title: String,
    /// Guideline: the guideline and edition it follows.
    pub citation: Option<String>,
    /// Short excerpt for display.
    pub snippet: String,
    /// The full text drafts are verified against.
    pub text: String,
    /// Retrieval score (0 for passages cited by the staging rules).
    pub score: f64,
}

impl Source {
    #[cfg(test)]
    pub(crate) fn test_double(kind: SourceKind, ref_id: &str, text: &str) -> Self {
        Source {
            id: String::new(),
            kind,
            ref_id: ref_id.into(),
            patient_id: None,
            exam_date: None,
            title: String::new(),
            citation: None,
            snippet: text.into(),
            text: text.into(),
            score: 0.0,
        }
    }
}

/// The sources of one request, with their ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceSet {
    sources: Vec<Source>,
}

impl SourceSet {
    /// Add a source, giving it the next id of its kind; returns the id. A source whose
    /// `ref_id` is already present is not added twice (its existing id is returned).
    pub fn push(&mut self, mut source: Source) -> String {
        if let Some(s) = self
            .sources
            .iter()
            .find(|s| s.kind == source.kind && s.ref_id == source.ref_id)
        {
            return s.id.clone();
        }
        let n = self
            .sources
            .iter()
            .filter(|s| s.kind == source.kind)
            .count()
            + 1;
        source.id = match source.kind {
            SourceKind::PriorCase => format!("C{n}"),
            SourceKind::Guideline => format!("G{n}"),
            SourceKind::PatientStudy => format!("P{n}"),
        };
        let id = source.id.clone();
        self.sources.push(source);
        id
    }

    /// The source with this id.
    pub fn get(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Id of the source with this kind and ref id.
    pub fn id_of(&self, kind: SourceKind, ref_id: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|s| s.kind == kind && s.ref_id == ref_id)
            .map(|s| s.id.as_str())
    }

    /// All sources, prior cases and passages in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter()
    }

    /// Sources of one kind.
    pub fn of_kind(&self, kind: SourceKind) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(move |s| s.kind == kind)
    }

    /// Number of sources.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// No sources at all.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Consume into the list.
    pub fn into_vec(self) -> Vec<Source> {
        self.sources
    }
}

/// Which drafter the caller asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DraftMode {
    /// The server's default: the LLM when one is configured, else extractive.
    #[default]
    Default,
    /// Deterministic extractive drafting.
    Extractive,
    /// The configured LLM (falls back to extractive on failure).
    Llm,
}

/// A drafting request.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    /// Findings of the current exam (required).
    pub findings: String,
    /// Clinical indication.
    pub indication: String,
    /// Comparison statement.
    pub comparison: String,
    /// Current patient; their own reports are excluded from prior cases, and their latest
    /// stored study before `exam_date` is compared with the findings (a `P` source).
    pub patient_id: Option<String>,
    /// Date of the current exam (today when absent): which stored studies are priors.
    pub exam_date: Option<chrono::NaiveDate>,
    /// Prior cases to retrieve (0 = default).
    pub k: usize,
    /// Drafter wanted.
    pub mode: DraftMode,
}

impl DraftInput {
    /// All the text the caller supplied (what numbers may come from).
    pub fn input_text(&self) -> String {
        format!(
            "{}\n{}\n{}",
            self.findings, self.indication, self.comparison
        )
    }
}

/// Why a proposed sentence was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Removal {
    /// No citation marker.
    Uncited,
    /// Cites an id that is not a source of this request.
    UnknownCitation(String),
    /// A number that neither the input nor a cited source contains.
    UnsupportedNumber(String),
    /// A content word that neither the input nor a cited source contains (nor the
    /// connectives of [`verify::CONNECTIVES`]).
    UnsupportedTerm(String),
    /// Only markers or punctuation.
    Empty,
}

impl Removal {
    /// `uncited`, `unknown_citation`, `unsupported_number`, `unsupported_term`, `empty`.
    pub fn reason(&self) -> &'static str {
        match self {
            Removal::Uncited => "uncited",
            Removal::UnknownCitation(_) => "unknown_citation",
            Removal::UnsupportedNumber(_) => "unsupported_number",
            Removal::UnsupportedTerm(_) => "unsupported_term",
            Removal::Empty => "empty",
        }
    }

    /// The offending id or number ("" otherwise).
    pub fn detail(&self) -> &str {
        match self {
            Removal::UnknownCitation(d)
            | Removal::UnsupportedNumber(d)
            | Removal::UnsupportedTerm(d) => d,
            Removal::Uncited | Removal::Empty => "",
        }
    }
}

/// A verified sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// 0-based position in the draft.
    pub index: usize,
    /// Text with its citation markers.
    pub text: String,
    /// Ids cited, each a source of the draft.
    pub citations: Vec<String>,
}

/// What verification did to a draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Sentences the drafter proposed (all attempts, the LLM's included).
    pub proposed: usize,
    /// Sentences returned.
    pub kept: usize,
    /// Removed sentences, in order.
    pub removed: Vec<Removal>,
    /// Verified sentences streamed by the LLM and then withdrawn because it failed
    /// afterwards (`proposed = kept + removed + withdrawn`).
    pub withdrawn: usize,
}

/// A complete verified draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// Verified sentences.
    pub sentences: Vec<Sentence>,
    /// Sources retrieved for the request.
    pub sources: Vec<Source>,
    /// Verification result.
    pub verification: Verification,
    /// `extractive`, `llm` or `llm_fallback`.
    pub mode: &'static str,
    /// Why the LLM was not used, for `llm_fallback`.
    pub fallback_reason: Option<String>,
    /// Deterministic staging of the findings, when a staging system applied.
    pub staging_summary: Option<String>,
}

impl Draft {
    /// The sentences joined by spaces.
    pub fn text(&self) -> String {
        self.sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Streamed while a draft is produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftEvent {
    /// One more verified sentence.
    Sentence(Sentence),
    /// Withdraw the sentences streamed so far (the reason says why); others follow.
    Restart(String),
}

/// Everything a drafter may use: the request and its sources.
#[derive(Debug, Clone)]
pub struct DraftContext {
    /// The request.
    pub input: DraftInput,
    /// Retrieved sources with ids.
    pub sources: SourceSet,
    /// Staging of the findings, as a sentence body with its citations (`T2a N2 M0, stage
    /// IIIA [G1][G2]`), when the rules decided something.
    pub staging: Option<String>,
    /// The comparison with the patient's prior study, when the request names a patient with
    /// a stored study before the current exam.
    pub patient: Option<PatientComparison>,
}

/// Errors of a drafter.
#[derive(Debug, thiserror::Error)]
pub enum DrafterError {
    /// The endpoint failed or answered something unusable.
    #[error("{0}")]
    Failed(String),
}

/// Boxed future returned by [`Drafter::propose`].
pub type ProposeFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DrafterError>> + Send + 'a>>;

/// Writes candidate sentences for a draft. Implementations send each complete sentence
/// (with its citation markers) to `out` as soon as it is known; the caller verifies them.
pub trait Drafter: Send + Sync {
    /// `extractive` or `llm`.
    fn name(&self) -> &'static str;
    /// Propose sentences for `ctx`, in order, into `out`.
    fn propose<'a>(
        &'a self,
        ctx: &'a DraftContext,
        out: tokio::sync::mpsc::UnboundedSender<String>,
    ) -> ProposeFuture<'a>;
}

/// Errors of a request.
#[derive(Debug, thiserror::Error)]
pub enum GenerationError {
    /// The caller's request is not acceptable.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// Retrieval failed.
    #[error(transparent)]
    Retrieval(#[from] priors_retrieval::RetrievalError),
    /// The caller went away or the deadline passed before anything could be returned.
    #[error("deadline exceeded")]
    DeadlineExceeded,
    /// Something else failed inside the server.
    #[error("internal: {0}")]
    Internal(String),
}
