//! Rule-based reading of lymphoma findings text into [`LymphomaFeatures`].
//!
//! This file runs the readers and reads a stated stage; `sites` reads where the disease is
//! (staging), `response` what a response scan says (Deauville, change, new lesions). The
//! timepoint comes from `common`, which the lung extractor shares.

use crate::common::timepoint;
use crate::lymphoma::{LuganoStage, LymphomaFeatures};
use crate::span::Found;
use crate::text::Doc;

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
