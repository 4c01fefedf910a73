//! What a comparison says: per-lesion changes, the Deauville score, the response, and the
//! evidence and gaps behind them. Serialised as the `priors compare --json` contract.

use chrono::NaiveDate;
use priors_core::{CancerFamily, CancerType, Lesion};
use serde::{Deserialize, Serialize};

/// The response framework a comparison applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// Lymphoma: Deauville five-point scale and Lugano 2014 metabolic response.
    Lugano,
    /// Solid tumours: PERCIST-style response on SUVmax as reported.
    Percist,
}

impl Framework {
    /// The framework for a `--cancer` value: `lymphoma` (or a lymphoma type id such as `dlbcl`)
    /// is Lugano; `lung`, `solid` and every other cancer type id are PERCIST. `None` for a
    /// word that names nothing.
    pub fn for_cancer(name: &str) -> Option<Framework> {
        let n = name.trim().to_ascii_lowercase();
        match n.as_str() {
            "lymphoma" => Some(Framework::Lugano),
            "lung" | "solid" => Some(Framework::Percist),
            other => CancerType::parse(other).map(Framework::for_cancer_type),
        }
    }

    /// Lugano for lymphomas, PERCIST for everything else.
    pub fn for_cancer_type(t: CancerType) -> Framework {
        if t.family() == CancerFamily::Lymphoma {
            Framework::Lugano
        } else {
            Framework::Percist
        }
    }

    /// `lugano` / `percist`.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Lugano => "lugano",
            Framework::Percist => "percist",
        }
    }
}

/// Which of the two studies a span is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Which {
    /// The comparison (earlier) study.
    Prior,
    /// The study being read.
    Current,
}

/// A piece of one of the two findings texts: byte offsets and the exact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanRef {
    /// The study the offsets refer to.
    pub study: Which,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The text between them.
    pub text: String,
}

/// What happened to one lesion between the two studies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Present now, not before.
    New,
    /// Present before; the current study describes the site without uptake.
    Resolved,
    /// SUVmax up by 30 % or more (size when neither study gives SUVmax).
    Increased,
    /// SUVmax down by 30 % or more.
    Decreased,
    /// Changed by less than 30 % either way.
    Stable,
    /// Present before; the current study does not mention the site.
    NotDescribed,
    /// Matched, but neither SUVmax nor size is given on both studies.
    Indeterminate,
}

impl Status {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Resolved => "resolved",
            Status::Increased => "increased",
            Status::Decreased => "decreased",
            Status::Stable => "stable",
            Status::NotDescribed => "not_described",
            Status::Indeterminate => "indeterminate",
        }
    }
}

/// How a current lesion was paired with a prior one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// Same site (and compatible side), one candidate on each side.
    Site,
    /// Same site group (a station named differently), one candidate on each side.
    Group,
    /// Several lesions at one site on both studies, paired by the written detail (segment,
    /// level, vertebra) when it agrees, otherwise by SUVmax rank. Reported as ambiguous.
    Rank,
}

/// One lesion across the two studies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LesionChange {
    /// The site in words (`right cervical nodes (levels II-IV)`).
    pub site: String,
    /// The controlled-vocabulary site.
    pub site_key: String,
    /// What happened.
    pub status: Status,
    /// SUVmax on the prior study.
    pub prior_suv_max: Option<f32>,
    /// SUVmax on the current study.
    pub current_suv_max: Option<f32>,
    /// Percent change of SUVmax, one decimal.
    pub change_pct: Option<f32>,
    /// Greatest dimension on the prior study, mm.
    pub prior_size_mm: Option<f32>,
    /// Greatest dimension on the current study, mm.
    pub current_size_mm: Option<f32>,
    /// Where the prior study describes it.
    pub prior_span: Option<SpanRef>,
    /// Where the current study describes it.
    pub current_span: Option<SpanRef>,
    /// How the pair was made (`null` for new and unmatched lesions).
    pub matched_by: Option<MatchRule>,
    /// Whether it counts as disease for the response (benign, physiological and uncertain
    /// findings are listed but not counted).
    pub counted: bool,
}

/// Which decision a piece of evidence or a gap is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The Deauville score.
    Deauville,
    /// The response category.
    Response,
    /// A lesion's status or pairing.
    Lesion,
    /// Which study the comparison is against.
    Comparison,
}

/// Why a decision was made: the spans in either study and the guideline passage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The decision.
    pub decision: Decision,
    /// Its value (`4`, `PMR`, `new`).
    pub value: String,
    /// The guideline passage id that justifies the step.
    pub guideline: String,
    /// The reasoning in one line (numbers included).
    pub note: String,
    /// The spans of either study that decide it.
    pub spans: Vec<SpanRef>,
}

/// What could not be decided, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    /// The decision left open.
    pub decision: Decision,
    /// Why.
    pub reason: String,
}

/// The reference values of the current study.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct References {
    /// Liver SUVmax.
    pub liver: Option<f32>,
    /// Mediastinal blood pool SUVmax.
    pub blood_pool: Option<f32>,
}

/// Which study, by id and date (both absent for texts given directly).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StudyRef {
    /// Report id, when the study is stored.
    pub report_id: Option<String>,
    /// Exam date, when known.
    pub exam_date: Option<NaiveDate>,
}

/// One study as the comparison reads it: the findings text and its lesion records (offsets
/// into `text`).
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// Id and date.
    pub id: StudyRef,
    /// The findings text the offsets refer to.
    pub text: String,
    /// Lesion records of `text`.
    pub lesions: Vec<Lesion>,
}

impl Study {
    /// A study from findings text alone: lesions read with `priors_staging::extract_lesions`.
    pub fn from_text(text: impl Into<String>) -> Study {
        let text = text.into();
        let lesions = priors_staging::extract_lesions(&text);
        Study {
            id: StudyRef::default(),
            text,
            lesions,
        }
    }

    /// A stored study: its findings chunks joined by newlines, and the lesion records stored
    /// with each chunk moved to their place in that text. Chunks of other sections are
    /// ignored; `chunks` are one report's, in any order.
    pub fn from_chunks(chunks: &[priors_core::StoredChunk]) -> Study {
        let mut findings: Vec<&priors_core::StoredChunk> = chunks
            .iter()
            .filter(|c| c.section == priors_core::SectionKind::Findings)
            .collect();
        findings.sort_by_key(|c| c.chunk_index);
        let mut text = String::new();
        let mut lesions = Vec::new();
        for c in findings {
            if !text.is_empty() {
                text.push('\n');
            }
            let at = u32::try_from(text.len()).unwrap_or(u32::MAX);
            text.push_str(&c.text);
            lesions.extend(c.lesions.iter().map(|l| l.shifted(at)));
        }
        let first = chunks.first();
        Study {
            id: StudyRef {
                report_id: first.map(|c| c.report_id.clone()),
                exam_date: first.map(|c| c.exam_date),
            },
            text,
            lesions,
        }
    }

    /// A span of this study.
    pub fn span(&self, which: Which, start: u32, end: u32) -> Option<SpanRef> {
        let (s, e) = (start as usize, end as usize);
        self.text.get(s..e).map(|t| SpanRef {
            study: which,
            start: s,
            end: e,
            text: t.to_string(),
        })
    }
}

/// The result of comparing two studies (the `priors compare --json` object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// `lugano` or `percist`.
    pub framework: Framework,
    /// What the response was measured on.
    pub measure: String,
    /// `CMR`/`PMR`/`NMR`/`PMD` (Lugano) or `CMR`/`PMR`/`SMD`/`PMD` (PERCIST); `null` when
    /// it cannot be decided (see `missing`).
    pub response: Option<String>,
    /// Deauville score of the current study (Lugano only).
    pub deauville: Option<u8>,
    /// The prior study.
    pub prior: StudyRef,
    /// The current study.
    pub current: StudyRef,
    /// Reference values read from the current study.
    pub references: References,
    /// Every prior lesion and every matched current lesion.
    pub lesions: Vec<LesionChange>,
    /// Current lesions without a prior counterpart (including uncounted ones).
    pub new_lesions: Vec<LesionChange>,
    /// Why each decision.
    pub evidence: Vec<Evidence>,
    /// What could not be decided.
    pub missing: Vec<Missing>,
}

impl Comparison {
    /// Every span the comparison cites (lesions, new lesions, evidence).
    pub fn spans(&self) -> Vec<&SpanRef> {
        let mut out: Vec<&SpanRef> = Vec::new();
        for l in self.lesions.iter().chain(&self.new_lesions) {
            out.extend(l.prior_span.iter());
            out.extend(l.current_span.iter());
        }
        for e in &self.evidence {
            out.extend(e.spans.iter());
        }
        out
    }

    /// Lesions whose status changed (new, resolved, increased, decreased), prior lesions in
    /// the prior study's order, then the new ones (uncounted new findings included: see
    /// [`LesionChange::counted`]).
    pub fn changed(&self) -> impl Iterator<Item = &LesionChange> {
        self.lesions.iter().chain(&self.new_lesions).filter(|l| {
            matches!(
                l.status,
                Status::New | Status::Resolved | Status::Increased | Status::Decreased
            )
        })
    }
}
