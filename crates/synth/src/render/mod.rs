//! Turning a patient at one examination into report text: the header sections in [`header`],
//! the findings in [`findings`], the impression and the follow-up statements in
//! [`impression`]; [`exam`] describes the examination. Imports run one way: this module →
//! `header`, `findings`, `impression` → `exam` (and `findings` → `impression` for `tags`).

mod exam;
mod findings;
mod header;
mod impression;

pub(crate) use exam::Exam;

use crate::model::Patient;
use crate::rng::Rng;
use findings::findings;
use header::{comparison, indication, technique};
use impression::{extras, impression};

/// The full report text.
pub(crate) fn report(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> String {
    let h_ind = rng.one(&[
        "CLINICAL HISTORY:",
        "INDICATION:",
        "HISTORY:",
        "CLINICAL INDICATION:",
    ]);
    let h_tech = rng.one(&["TECHNIQUE:", "PROCEDURE:"]);
    let h_imp = rng.one(&["IMPRESSION:", "CONCLUSION:"]);
    let inline = rng.pct(55);
    let ind = indication(p, ex, rng);
    let tech = technique(p, ex, rng);
    let cmp = comparison(p, ex, rng);
    let (extras, extra_imp) = extras(p, ex, rng);
    let find = findings(p, ex, &extras, rng);
    let imp = impression(p, ex, extra_imp, rng);
    let sec = |h: &str, body: &str| {
        if inline {
            format!("{h} {body}")
        } else {
            format!("{h}\n{body}")
        }
    };
    format!(
        "{}\n\n{}\n\n{}\n\nFINDINGS:\n{}\n\n{}\n{}",
        sec(h_ind, &ind),
        sec(h_tech, &tech),
        sec("COMPARISON:", &cmp),
        find,
        h_imp,
        imp
    )
}
