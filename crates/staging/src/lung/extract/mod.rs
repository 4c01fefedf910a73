//! Rule-based reading of lung cancer findings text into [`LungFeatures`].
//!
//! This file runs the readers over the clauses and holds what several of them use (lobes,
//! sides, organs) and the stated categories; `primary` reads the primary tumour, `nodes` the
//! regional nodes, `metastasis` separate nodules, pleural/pericardial findings and distant
//! metastases.

use std::ops::Range;

use crate::common::{timepoint, treatment_given};
use crate::lung::{Lobe, LungFeatures, LungStage, MCategory, NCategory, Organ, Side, TCategory};
use crate::span::Found;
use crate::text::{is_any, Doc, Kind};

mod metastasis;
mod nodes;
mod primary;

use metastasis::{read_distant, read_separate_nodules, read_serosal};
use nodes::read_nodes;
use primary::{clause_about_primary, find_primary, read_histology, read_invasion, read_primary};

const LUNG_LOCATION: &[&str] = &[
    "lobe",
    "lobes",
    "rul",
    "rml",
    "rll",
    "lul",
    "lll",
    "lingula*",
    "lung",
    "lungs",
    "hilar",
    "perihilar",
    "apical",
    "apex",
    "superior sulcus",
    "pancoast",
    "pulmonary",
    "central",
];

const LOBES: &[(&str, Lobe)] = &[
    ("right upper lobe", Lobe::RightUpper),
    ("right upper lobar", Lobe::RightUpper),
    ("rul", Lobe::RightUpper),
    ("right middle lobe", Lobe::RightMiddle),
    ("middle lobe", Lobe::RightMiddle),
    ("rml", Lobe::RightMiddle),
    ("right lower lobe", Lobe::RightLower),
    ("rll", Lobe::RightLower),
    ("left upper lobe", Lobe::LeftUpper),
    ("lul", Lobe::LeftUpper),
    ("lingula*", Lobe::LeftUpper),
    ("left lower lobe", Lobe::LeftLower),
    ("lll", Lobe::LeftLower),
];

const ORGANS: &[(&str, Organ)] = &[
    ("liver", Organ::Liver),
    ("hepatic", Organ::Liver),
    ("adrenal*", Organ::Adrenal),
    ("iliac bone", Organ::Bone),
    ("iliac wing", Organ::Bone),
    ("bone", Organ::Bone),
    ("bones", Organ::Bone),
    ("osseous", Organ::Bone),
    ("skeletal", Organ::Bone),
    ("skeleton", Organ::Bone),
    ("lytic", Organ::Bone),
    ("sclerotic", Organ::Bone),
    ("vertebral body", Organ::Bone),
    ("vertebral", Organ::Bone),
    ("vertebra", Organ::Bone),
    ("vertebrae", Organ::Bone),
    ("sacrum", Organ::Bone),
    ("sacral", Organ::Bone),
    ("femur", Organ::Bone),
    ("femoral", Organ::Bone),
    ("humerus", Organ::Bone),
    ("humeral", Organ::Bone),
    ("rib", Organ::Bone),
    ("ribs", Organ::Bone),
    ("sternum", Organ::Bone),
    ("scapula", Organ::Bone),
    ("skull", Organ::Bone),
    ("calvari*", Organ::Bone),
    ("acetabul*", Organ::Bone),
    ("spine", Organ::Bone),
    ("brain", Organ::Brain),
    ("cerebral", Organ::Brain),
    ("cerebellar", Organ::Brain),
    ("intracranial", Organ::Brain),
    ("frontal lobe", Organ::Brain),
    ("parietal lobe", Organ::Brain),
    ("temporal lobe", Organ::Brain),
    ("occipital lobe", Organ::Brain),
    ("kidney", Organ::Kidney),
    ("renal", Organ::Kidney),
    ("spleen", Organ::Spleen),
    ("splenic", Organ::Spleen),
    ("peritone*", Organ::Peritoneum),
    ("omental", Organ::Peritoneum),
    ("omentum", Organ::Peritoneum),
    ("subcutaneous", Organ::SoftTissue),
    ("soft tissue", Organ::SoftTissue),
    ("muscle", Organ::SoftTissue),
    ("muscles", Organ::SoftTissue),
    ("intramuscular", Organ::SoftTissue),
    ("gluteus", Organ::SoftTissue),
    ("gluteal", Organ::SoftTissue),
    ("psoas", Organ::SoftTissue),
    ("paraspinal", Organ::SoftTissue),
    ("muscular", Organ::SoftTissue),
    ("skin", Organ::SoftTissue),
    ("cutaneous", Organ::SoftTissue),
    ("pancrea*", Organ::Other),
];

/// Read lung cancer findings text into features. Pure; never fails: what it cannot read is
/// simply absent from the features, and the rules list it as missing.
pub fn extract_lung(text: &str) -> LungFeatures {
    extract_lung_with(text, false)
}

/// As [`extract_lung`]; with `question` set, a node or separate nodule that is merely named
/// ("a T2a tumour with a 4R node") counts as involved, as a question means it.
pub(crate) fn extract_lung_with(text: &str, question: bool) -> LungFeatures {
    let doc = Doc::new(text);
    let mut f = LungFeatures::default();
    let primary = find_primary(&doc);
    if let Some(p) = &primary {
        read_primary(&doc, p, &mut f);
    }
    let primary_tok = primary.as_ref().map(|p| p.noun);
    for c in doc.clauses.clone() {
        let about_primary = clause_about_primary(&doc, &c, primary_tok);
        if about_primary {
            read_invasion(&doc, &c, &mut f);
        }
        read_histology(&doc, &c, &mut f);
        read_separate_nodules(&doc, &c, primary_tok, question, &mut f);
        read_nodes(&doc, &c, question, &mut f);
        read_serosal(&doc, &c, &mut f);
        read_distant(&doc, &c, primary_tok, &mut f);
    }
    read_stated(&doc, &mut f);
    if let Some(tp) = timepoint(&doc) {
        // Only the strong cues: "residual" or "previously" alone do not make a lung scan
        // post-treatment.
        let strong = doc
            .find_all(0..doc.toks.len(), crate::lexicon::FOLLOW_UP)
            .iter()
            .any(|m| !doc.neg[m.0])
            || treatment_given(&doc).is_some();
        if tp.value.is_response() && strong {
            f.post_treatment = Some(tp.span);
        }
    }
    f
}

/// Organ words near token `i` (3 before to 6 after, same clause).
fn near_organ(doc: &Doc<'_>, i: usize, c: &Range<usize>) -> Option<(usize, usize, Organ)> {
    let lo = i.saturating_sub(3).max(c.start);
    let hi = (i + 7).min(c.end);
    let pats: Vec<&str> = ORGANS.iter().map(|o| o.0).collect();
    doc.find_all(lo..hi, &pats)
        .into_iter()
        .find(|&(s, _, k)| !(ORGANS[k].1 == Organ::Bone && doc.match_at(s + 1, "marrow").is_some()))
        .map(|(s, e, k)| (s, e, ORGANS[k].1))
}

fn lobes<'d>(doc: &'d Doc<'_>, r: Range<usize>) -> impl Iterator<Item = (usize, usize, Lobe)> + 'd {
    let pats: Vec<&str> = LOBES.iter().map(|l| l.0).collect();
    doc.find_all(r, &pats)
        .into_iter()
        .map(|(s, e, k)| (s, e, LOBES[k].1))
}

fn side_word(doc: &Doc<'_>, i: usize) -> Option<Side> {
    match doc.w(i) {
        "right" => Some(Side::Right),
        "left" => Some(Side::Left),
        _ => None,
    }
}

fn read_stated(doc: &Doc<'_>, f: &mut LungFeatures) {
    for i in 0..doc.toks.len().saturating_sub(1) {
        if doc.w(i) == "stage" && !doc.neg[i] {
            let w = doc.w(i + 1);
            if let Some(st) = LungStage::ALL
                .iter()
                .copied()
                .find(|s| s.as_str().to_ascii_lowercase() == w && *s != LungStage::Zero)
            {
                f.stated_stage = Some(Found::new(st, doc.span(i, i + 1)));
                break;
            }
        }
    }
    let strip = |w: &str| -> String {
        match w.as_bytes().first() {
            Some(b'c' | b'p' | b'y')
                if w.len() > 2 && matches!(w.as_bytes()[1], b't' | b'n' | b'm') =>
            {
                w[1..].to_string()
            }
            _ => w.to_string(),
        }
    };
    let t_of = |w: &str| -> Option<TCategory> {
        TCategory::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().to_ascii_lowercase() == w)
    };
    let n_of = |w: &str| {
        NCategory::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().to_ascii_lowercase() == w)
    };
    let m_of = |w: &str| {
        MCategory::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().to_ascii_lowercase() == w)
    };
    for i in 0..doc.toks.len() {
        if doc.toks[i].kind != Kind::Word || doc.neg[i] {
            continue;
        }
        let w = strip(doc.w(i));
        if f.stated_n.is_none() {
            if let Some(n) = n_of(&w) {
                f.stated_n = Some(Found::new(n, doc.span(i, i)));
            }
        }
        if f.stated_m.is_none() {
            if let Some(m) = m_of(&w) {
                f.stated_m = Some(Found::new(m, doc.span(i, i)));
            }
        }
        if f.stated_t.is_none() {
            if let Some(t) = t_of(&w) {
                let near_nm = (i.saturating_sub(3)..(i + 4).min(doc.toks.len())).any(|k| {
                    k != i && (n_of(&strip(doc.w(k))).is_some() || m_of(&strip(doc.w(k))).is_some())
                });
                let noun_after = i + 1 < doc.toks.len()
                    && is_any(
                        doc,
                        i + 1,
                        &[
                            "tumour", "tumor", "primary", "category", "cancer", "lesion", "mass",
                            "disease",
                        ],
                    );
                let word_before = i > 0 && is_any(doc, i - 1, &["category", "stage", "is", "as"]);
                if near_nm || noun_after || word_before {
                    f.stated_t = Some(Found::new(t, doc.span(i, i)));
                }
            }
        }
    }
}
