//! Rule-based reading of lymphoma findings text into [`LymphomaFeatures`].

use std::ops::Range;

use crate::lexicon::{FOLLOW_UP, FOLLOW_UP_WEAK, STAGING};
use crate::lymphoma::{LuganoStage, LymphomaFeatures, Timepoint};
use crate::span::Found;
use crate::text::{word_matches, Doc, Kind};

mod response;
mod sites;

use response::{read_change, read_deauville, read_new, read_no_baseline, read_suv, read_uptake};
use sites::{read_extranodal, read_marrow, read_regions, read_spleen};

/// Read lymphoma findings text into features. Pure; never fails.
pub fn extract_lymphoma(text: &str) -> LymphomaFeatures {
    let doc = Doc::new(text);
    let mut f = LymphomaFeatures {
        timepoint: timepoint(&doc),
        ..Default::default()
    };
    for c in doc.clauses.clone() {
        read_regions(&doc, &c, &mut f);
        read_spleen(&doc, &c, &mut f);
        read_marrow(&doc, &c, &mut f);
        read_extranodal(&doc, &c, &mut f);
        read_new(&doc, &c, &mut f);
    }
    read_stated_stage(&doc, &mut f);
    read_deauville(&doc, &mut f);
    for s in doc.sents.clone() {
        read_uptake(&doc, &s, &mut f);
        read_change(&doc, &s, &mut f);
    }
    read_suv(&doc, &mut f);
    read_no_baseline(&doc, &mut f);
    f
}

fn is_any(doc: &Doc<'_>, i: usize, pats: &[&str]) -> bool {
    doc.toks[i].kind == Kind::Word && pats.iter().any(|p| word_matches(doc.w(i), p))
}

/// A statement of normal or physiological activity: not worth a note when not counted.
fn physiological(doc: &Doc<'_>, c: &Range<usize>) -> bool {
    doc.has(c.clone(), &["physiologic*", "normal", "expected"])
}

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

fn read_stated_stage(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
    for i in 0..doc.toks.len().saturating_sub(1) {
        if doc.w(i) != "stage" || doc.neg[i] {
            continue;
        }
        let w = doc.w(i + 1);
        let roman = ["iv", "iii", "ii", "i"]
            .into_iter()
            .find(|r| w.starts_with(r));
        let Some(roman) = roman else { continue };
        let rest = &w[roman.len()..];
        if !rest
            .chars()
            .all(|ch| matches!(ch, 'a' | 'b' | 'e' | 's' | 'x'))
        {
            continue;
        }
        let e = rest.contains('e') || doc.match_at(i + 2, "e").is_some();
        let stage = match (roman, e) {
            ("i", false) => LuganoStage::I,
            ("i", true) => LuganoStage::IE,
            ("ii", false) => LuganoStage::II,
            ("ii", true) => LuganoStage::IIE,
            ("iii", _) => LuganoStage::III,
            _ => LuganoStage::IV,
        };
        f.stated_stage = Some(Found::new(stage, doc.span(i, i + 1)));
        return;
    }
}
