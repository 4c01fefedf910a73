//! The answer: categories, the evidence behind each, and what the text did not say.

use serde::{Deserialize, Serialize};

use crate::lung::{LungStage, MCategory, NCategory, TCategory};
use crate::lymphoma::{LuganoStage, Response};
use crate::span::Span;

/// Which staging system applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cancer {
    /// Non-small cell lung cancer: AJCC 8th edition TNM.
    Lung,
    /// Lymphoma: Lugano 2014 stage, Deauville score and metabolic response.
    Lymphoma,
}

impl Cancer {
    /// `lung` or `lymphoma`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cancer::Lung => "lung",
            Cancer::Lymphoma => "lymphoma",
        }
    }

    /// Parse `lung` / `lymphoma` (as the CLI's `--cancer` takes them).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lung" | "nsclc" => Some(Cancer::Lung),
            "lymphoma" => Some(Cancer::Lymphoma),
            _ => None,
        }
    }

    /// The staging system for a `cancer_type` of [`priors_core::CANCER_TYPES`], if this crate
    /// has one (`nsclc` → lung; `hodgkin_lymphoma`, `dlbcl`, `follicular_lymphoma` → lymphoma).
    /// Anything else (other cancers, benign mimics, `unknown`, unknown strings) gives `None`.
    pub fn from_cancer_type(cancer_type: &str) -> Option<Self> {
        match cancer_type {
            "nsclc" => Some(Cancer::Lung),
            "hodgkin_lymphoma" | "dlbcl" | "follicular_lymphoma" => Some(Cancer::Lymphoma),
            _ => None,
        }
    }
}

/// The stage in either system; serialises as its spelling (`IIIA`, `IIE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Stage {
    /// AJCC 8th lung stage group.
    Lung(LungStage),
    /// Lugano stage.
    Lugano(LuganoStage),
}

impl Stage {
    /// The spelling, e.g. `IIIA` or `IIE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lung(s) => s.as_str(),
            Stage::Lugano(s) => s.as_str(),
        }
    }
}

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

/// The staging answer for one text. Serialises to exactly the keys `cancer`, `t`, `n`, `m`,
/// `stage`, `deauville`, `response`, `evidence`, `missing`, plus `notes`; categories that do
/// not apply to the cancer, or that the text does not decide, are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagingAnswer {
    /// Which system was applied.
    pub cancer: Cancer,
    /// AJCC 8th T (lung only).
    pub t: Option<TCategory>,
    /// AJCC 8th N (lung only).
    pub n: Option<NCategory>,
    /// AJCC 8th M (lung only).
    pub m: Option<MCategory>,
    /// Stage group (lung) or Lugano stage (lymphoma).
    pub stage: Option<Stage>,
    /// Deauville score 1–5 (lymphoma response scans only).
    pub deauville: Option<u8>,
    /// Lugano metabolic response (lymphoma response scans only).
    pub response: Option<Response>,
    /// For every non-null category, at least one entry.
    pub evidence: Vec<Evidence>,
    /// What the text does not say, per category.
    pub missing: Vec<Missing>,
    /// Other remarks: findings deliberately not counted (mimics, equivocal findings), values
    /// the report states that differ from the rules.
    pub notes: Vec<String>,
}

impl StagingAnswer {
    pub(crate) fn empty(cancer: Cancer) -> Self {
        StagingAnswer {
            cancer,
            t: None,
            n: None,
            m: None,
            stage: None,
            deauville: None,
            response: None,
            evidence: Vec::new(),
            missing: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The value of a category as its JSON spelling, if set.
    pub fn value_of(&self, category: Category) -> Option<String> {
        match category {
            Category::T => self.t.map(|v| v.as_str().to_string()),
            Category::N => self.n.map(|v| v.as_str().to_string()),
            Category::M => self.m.map(|v| v.as_str().to_string()),
            Category::Stage => self.stage.map(|v| v.as_str().to_string()),
            Category::Deauville => self.deauville.map(|v| v.to_string()),
            Category::Response => self.response.map(|v| v.as_str().to_string()),
        }
    }

    /// The categories that apply to this answer's cancer.
    pub fn categories(&self) -> &'static [Category] {
        match self.cancer {
            Cancer::Lung => &[Category::T, Category::N, Category::M, Category::Stage],
            Cancer::Lymphoma => &[Category::Stage, Category::Deauville, Category::Response],
        }
    }

    /// Evidence entries for one category.
    pub fn evidence_for(&self, category: Category) -> impl Iterator<Item = &Evidence> {
        self.evidence.iter().filter(move |e| e.category == category)
    }

    /// Check the grounding invariant against the input: every non-null category has at least
    /// one evidence entry whose span is non-empty and is the input at `start..end`, and whose
    /// guideline id is one the rules may cite. Returns one line per violation.
    pub fn grounding_errors(&self, input: &str) -> Vec<String> {
        let mut out = Vec::new();
        for &c in self.categories() {
            if let Some(v) = self.value_of(c) {
                if self.evidence_for(c).next().is_none() {
                    out.push(format!("{} = {v} has no evidence", c.as_str()));
                }
            }
        }
        for e in &self.evidence {
            if self.value_of(e.category).as_deref() != Some(e.value.as_str()) {
                out.push(format!(
                    "{} evidence for {} but the answer is {:?}",
                    e.category.as_str(),
                    e.value,
                    self.value_of(e.category)
                ));
            }
            let at = input.get(e.start..e.end);
            if e.span.is_empty() || at != Some(e.span.as_str()) {
                out.push(format!(
                    "{} evidence span {:?} is not the input at {}..{}",
                    e.category.as_str(),
                    e.span,
                    e.start,
                    e.end
                ));
            }
            if !crate::passage::CITED_GUIDELINE_IDS.contains(&e.guideline.as_str()) {
                out.push(format!("unknown guideline id {:?}", e.guideline));
            }
        }
        out
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancer_types_map_to_systems() {
        let mapped: Vec<(&str, Cancer)> = priors_core::CANCER_TYPES
            .iter()
            .filter_map(|t| Cancer::from_cancer_type(t).map(|c| (*t, c)))
            .collect();
        assert_eq!(
            mapped,
            [
                ("nsclc", Cancer::Lung),
                ("hodgkin_lymphoma", Cancer::Lymphoma),
                ("dlbcl", Cancer::Lymphoma),
                ("follicular_lymphoma", Cancer::Lymphoma),
            ]
        );
        assert_eq!(Cancer::from_cancer_type("nonsense"), None);
        assert_eq!(Cancer::parse(" Lung "), Some(Cancer::Lung));
        assert_eq!(Cancer::parse("breast"), None);
    }

    #[test]
    fn answer_serialises_to_the_cli_keys() {
        let a = crate::stage(Cancer::Lymphoma, "Interim PET, stage IIE DLBCL. Residual uptake moderately above liver, reduced from baseline. No new lesions.");
        let v = serde_json::to_value(&a).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "cancer",
                "deauville",
                "evidence",
                "m",
                "missing",
                "n",
                "notes",
                "response",
                "stage",
                "t"
            ]
        );
        let text = serde_json::to_string(&a).unwrap();
        assert!(
            text.starts_with(r#"{"cancer":"lymphoma","t":null,"n":null,"m":null,"stage":"IIE","deauville":4,"response":"PMR","evidence":["#),
            "{text}"
        );
        assert_eq!(v["cancer"], "lymphoma");
        assert_eq!(v["stage"], "IIE");
        assert_eq!(v["deauville"], 4);
        assert_eq!(v["response"], "PMR");
        assert!(v["t"].is_null() && v["n"].is_null() && v["m"].is_null());
        let e = &v["evidence"][0];
        for k in [
            "category",
            "value",
            "span",
            "start",
            "end",
            "guideline",
            "note",
        ] {
            assert!(e.get(k).is_some(), "evidence lacks {k}");
        }
        // Round trip.
        let back: StagingAnswer = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }
}
