//! Reading when a scan was done: staging (before treatment) or a response scan (interim, end
//! of treatment, follow-up), from the words of the whole text.

use crate::lexicon::{FOLLOW_UP, FOLLOW_UP_WEAK, STAGING};
use crate::span::Found;
use crate::text::{is_any, Doc};

use serde::{Deserialize, Serialize};

/// "after carboplatin", "completed R-CHOP": a treatment word after a word saying it was given.
pub(crate) fn treatment_given(doc: &Doc<'_>) -> Option<(usize, usize)> {
    for (s, e, _) in doc.find_all(0..doc.toks.len(), crate::lexicon::TREATMENTS) {
        if doc.neg[s] {
            continue;
        }
        let lo = s.saturating_sub(3);
        if let Some(k) = (lo..s).find(|&k| is_any(doc, k, crate::lexicon::TREATED_BY)) {
            // "before treatment", "prior to treatment" are staging.
            if !(lo..s).any(|j| is_any(doc, j, &["before", "prior", "pre", "planning"])) {
                return Some((k, e - 1));
            }
        }
    }
    None
}

/// Staging or response scan, from the words of the whole text.
pub(crate) fn timepoint(doc: &Doc<'_>) -> Option<Found<Timepoint>> {
    let all = 0..doc.toks.len();
    let first = |pats: &[&str]| {
        doc.find_all(all.clone(), pats)
            .into_iter()
            .find(|m| !doc.neg[m.0] || doc.w(m.0) == "interim")
    };
    let kind = || {
        if doc.has(all.clone(), &["interim"]) {
            Timepoint::Interim
        } else if doc.has(all.clone(), &["end of treatment", "end of therapy", "eot"]) {
            Timepoint::EndOfTreatment
        } else {
            Timepoint::FollowUp
        }
    };
    if let Some((s, e, _)) = first(FOLLOW_UP) {
        return Some(Found::new(kind(), doc.span(s, e - 1)));
    }
    if let Some((s, e)) = treatment_given(doc) {
        return Some(Found::new(kind(), doc.span(s, e)));
    }
    if let Some((s, e, _)) = first(STAGING) {
        return Some(Found::new(Timepoint::Staging, doc.span(s, e - 1)));
    }
    if let Some((s, e, _)) = first(FOLLOW_UP_WEAK) {
        return Some(Found::new(kind(), doc.span(s, e - 1)));
    }
    first(&["baseline"]).map(|(s, e, _)| Found::new(Timepoint::Staging, doc.span(s, e - 1)))
}

/// When the scan was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timepoint {
    /// Before treatment: staging.
    Staging,
    /// During treatment.
    Interim,
    /// At the end of treatment.
    EndOfTreatment,
    /// Some other scan after treatment began (restaging, follow-up).
    FollowUp,
}

impl Timepoint {
    /// A response scan (everything but staging).
    pub fn is_response(self) -> bool {
        self != Timepoint::Staging
    }
}
