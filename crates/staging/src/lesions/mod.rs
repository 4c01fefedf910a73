//! Lesions as data: one record per site statement of a report's findings, with its size,
//! SUVmax, qualifiers and byte span, and the liver and blood-pool reference values.
//!
//! The reading is sentence by sentence, on the same text layer as the staging extractors
//! (tokens with byte offsets, clauses, NegEx flags, size parsing) and with the same word lists
//! for benign and uncertain findings:
//!
//! 1. **References** first: "liver SUVmax 2.8", "mediastinal blood pool SUVmax 2.1", "blood
//!    pool 1.8" become [`LesionRole::LiverReference`] / [`LesionRole::BloodPoolReference`]
//!    records, and their words are taken out of the sentence ("mediastinal" there is not a
//!    mediastinal node). A reference word after a comparator ("not exceeding mediastinal blood
//!    pool") is a comparison, not a measurement.
//! 2. **SUVmax values** ("SUVmax 13.3", "max SUV 15.1", "SUV max of 26.0", "maximum SUV
//!    6.5"), each marked current or previous: a value after "previously", "was", "prior",
//!    "baseline" or "from" (until "now"/"to"), or followed by "at baseline", is the report's
//!    quote of an earlier study and is kept only as `previous_suv_max`.
//! 3. **Sites** from the vocabulary in `sites.rs`. A nodal-region word counts only when the
//!    sentence speaks of nodes or of disease (node words, uptake, mass…) and is not followed by
//!    a word that makes it something else ("iliac bone", "femoral head"). A site inside
//!    parentheses right after another site refines it ("retroperitoneum (para-aortic and
//!    aortocaval)") and becomes its `detail`. Header lines ("Head and neck:") never make a
//!    record: they carry neither numbers nor finding words.
//! 4. **Segments**: each site opens a segment running to the next site; values before the
//!    first site belong to it ("a new 13 x 9 mm focus in hepatic segment VI"). In a sentence
//!    that describes disease, a site with no value and no finding word of its own is a
//!    relation of the previous one ("mass in the left upper lobe abutting the pleura") and is
//!    merged into it; in a sentence that clears sites ("complete resolution of uptake in the
//!    spleen and left inguinal region"), every site is its own record.
//! 5. **Role**: a segment with a current SUVmax is a lesion; without one, a negated site or a
//!    resolution phrase ("no residual uptake", "complete resolution", "without uptake",
//!    "returned to background") makes it [`LesionRole::Clear`]; otherwise a size or a finding
//!    word makes it a lesion, and anything else is not recorded. `new` is a non-negated "new";
//!    `not_disease` is a benign, physiological, treatment-effect or uncertain qualifier (the
//!    staging lexicon's lists), kept so comparisons can list such findings without counting
//!    them.

mod sites;

use std::collections::HashSet;
use std::ops::Range;

use priors_core::{Lesion, LesionRole};

use crate::lexicon::{BENIGN, NODE_NOUNS, NON_AVID, NOT_NODE_AFTER, UNCERTAIN};
use crate::text::{is_any, sizes, Doc, Kind};
use sites::{NODE_PLACES, SITES};

/// Words that make a sentence about disease (a site with one of them is a finding).
const FINDING_WORDS: &[&str] = &[
    "mass",
    "masses",
    "lesion*",
    "nodul*",
    "node",
    "nodes",
    "focus",
    "foci",
    "uptake",
    "avid",
    "fdg avid",
    "psma avid",
    "hypermetabolic",
    "hypermetabolism",
    "metabolically",
    "metasta*",
    "deposit*",
    "tumour*",
    "tumor*",
    "thickening",
    "soft tissue",
    "disease",
    "involvement",
    "involved",
    "infiltrat*",
    "adenopathy",
    "lymphadenopathy",
    "conglomerate",
    "activity",
    "accumulation",
    "expressing",
    "consolidation",
    "opacity",
    "implant*",
    "carcinomatosis",
    "recurrence",
    "recurrent",
];

/// Phrases by which a site is described without (residual) uptake.
const CLEAR_WORDS: &[&str] = &[
    "resolution",
    "resolved",
    "no residual",
    "without residual",
    "no longer",
    "no recurrent",
    "no abnormal uptake",
    "no significant uptake",
    "no measurable",
    "without abnormal uptake",
    "not fdg avid",
    "not psma avid",
    "not avid",
    "non avid",
    "nonavid",
    "at background",
    "to background",
    "background level",
    "background levels",
    "similar to background",
    "indistinguishable from background",
    "without a nodular focus",
    "without nodular",
    "normalised",
    "normalized",
    "regressed completely",
];

/// Words that label a SUV value as the report's quote of an earlier study.
const PREVIOUS: &[&str] = &[
    "previously",
    "prior",
    "baseline",
    "before",
    "from",
    "compared",
    "formerly",
];

/// Extra qualifiers that make a finding not disease (besides the staging lexicon's benign and
/// uncertain lists): treatment effects and physiological patterns.
const NOT_DISEASE: &[&str] = &[
    "rebound",
    "thymic hyperplasia",
    "mucositis",
    "thyroiditis",
    "colitis",
    "oesophagitis",
    "esophagitis",
    "gastritis",
    "pneumonitis",
    "fibrosis",
    "atelectasis",
    "diverticul*",
    "arthritis",
    "arthropath*",
    "steatosis",
    "symmetric",
    "symmetrical",
    "homogeneous",
    "homogeneously",
    "expected",
    "likely",
    "probably",
    "favour*",
    "favor*",
    "post treatment",
    "treatment related",
    "treatment effect",
    "osteoarthritis",
    "healing",
    "vasculitis",
    "postsurgical",
    "scar",
    "post treatment change*",
];

/// References by which a value is the liver's or the blood pool's.
const LIVER_REF: &[&str] = &["liver", "hepatic", "normal liver", "background liver"];
const POOL_REF: &[&str] = &[
    "blood pool",
    "mediastinal blood pool",
    "aortic blood pool",
    "mbp",
    "mediastinum",
];
/// Words between a reference word and its value.
const REF_GLUE: &[&str] = &[
    "suvmax",
    "suv",
    "max",
    "maximum",
    "of",
    "reference",
    "background",
    "activity",
    "uptake",
    "is",
    "was",
    "measures",
    "measured",
    "at",
];
/// Words before a reference word that make it a comparison, not a measurement.
const COMPARATOR: &[&str] = &[
    "above",
    "below",
    "than",
    "exceeding",
    "exceed",
    "exceeds",
    "to",
    "like",
    "similar",
    "equal",
    "equals",
    "versus",
    "vs",
    "over",
    "under",
    "relative",
];

/// Every site statement of `text` (a findings section or a piece of one), in order, with
/// byte offsets into `text`.
pub fn extract_lesions(text: &str) -> Vec<Lesion> {
    let doc = Doc::new(text);
    let mut out = Vec::new();
    for s in doc.sents.clone() {
        read_sentence(&doc, s, &mut out);
    }
    out
}

/// The vocabulary sites a text names, as `(site, group)`, in order (a title, a question):
/// no finding words needed, the same rules for nodal-region words as [`extract_lesions`].
pub fn sites_named(text: &str) -> Vec<(&'static str, &'static str)> {
    let doc = Doc::new(text);
    let mut out = Vec::new();
    for s in doc.sents.clone() {
        for m in read_mentions(&doc, s, &HashSet::new()) {
            if !out.contains(&(m.site, m.group)) {
                out.push((m.site, m.group));
            }
        }
    }
    out
}

/// A SUV value in the text.
struct Suv {
    /// Token of the value.
    at: usize,
    value: f32,
    previous: bool,
}

/// A site word (or phrase) in the text.
struct Mention {
    start: usize,
    end: usize,
    /// A level word ("level II"): a site of its own only when nothing precedes it.
    weak: bool,
    site: &'static str,
    group: &'static str,
}

/// One site and everything the sentence says about it.
struct Segment {
    mention: Mention,
    first: usize,
    last: usize,
    side: Option<&'static str>,
    detail: Option<String>,
    suv: Option<f32>,
    previous_suv: Option<f32>,
    size_mm: Option<f64>,
}

fn read_sentence(doc: &Doc<'_>, s: Range<usize>, out: &mut Vec<Lesion>) {
    let mut used: HashSet<usize> = HashSet::new();
    read_references(doc, s.clone(), &mut used, out);
    let suvs = read_suvs(doc, s.clone(), &used);
    for v in &suvs {
        used.insert(v.at);
    }
    let mentions = read_mentions(doc, s.clone(), &used);
    let clearing = !suvs.iter().any(|v| !v.previous) && is_clearing(doc, s.clone());
    if mentions.is_empty() {
        // "No uptake above background at any previously involved site", "no residual
        // FDG-avid disease": every site of the prior is cleared.
        let whole = doc.has(
            s.clone(),
            &[
                "previously involved",
                "involved site*",
                "residual",
                "any site*",
                "all site*",
            ],
        );
        if clearing && whole {
            let (a, b) = span_of(doc, &s);
            out.push(Lesion {
                role: LesionRole::Clear,
                site: "all_sites".into(),
                group: "all_sites".into(),
                side: None,
                detail: None,
                size_mm: None,
                suv_max: None,
                previous_suv_max: None,
                new: false,
                not_disease: false,
                start: a,
                end: b,
            });
        }
        return;
    }
    let mut segs = segments(doc, s.clone(), mentions);
    // Values go to the segment they fall in (values before the first site to the first).
    let seg_of = |segs: &[Segment], tok: usize| -> usize {
        segs.iter().rposition(|g| g.first <= tok).unwrap_or(0)
    };
    for v in &suvs {
        let k = seg_of(&segs, v.at);
        let g = &mut segs[k];
        if v.previous {
            g.previous_suv.get_or_insert(v.value);
        } else if g.suv.is_none_or(|x| v.value > x) {
            g.suv = Some(v.value);
        }
    }
    for z in sizes(doc, s.clone()) {
        if is_previous_at(doc, s.clone(), z.first) {
            continue;
        }
        let k = seg_of(&segs, z.first);
        let g = &mut segs[k];
        if g.size_mm.is_none_or(|x| z.mm > x) {
            g.size_mm = Some(z.mm);
        }
    }
    if !clearing {
        segs = merge_relations(doc, segs);
    }
    let n = segs.len();
    for (k, g) in segs.iter().enumerate() {
        let end = if k + 1 < n { segs[k + 1].first } else { s.end };
        let range = if k == 0 { s.start..end } else { g.first..end };
        let role = if g.suv.is_some() {
            LesionRole::Lesion
        } else if doc.neg[g.mention.start]
            || clearing
            || doc.has(range.clone(), CLEAR_WORDS)
            || doc.has(range.clone(), NON_AVID)
        {
            LesionRole::Clear
        } else if g.size_mm.is_some() || doc.has_pos(range.clone(), FINDING_WORDS) {
            LesionRole::Lesion
        } else {
            continue;
        };
        let not_disease = role == LesionRole::Lesion
            && (doc.has_pos(range.clone(), NOT_DISEASE)
                || doc.has_pos(range.clone(), UNCERTAIN)
                || benign(doc, range.clone()));
        if role == LesionRole::Lesion && not_disease && g.suv.is_none() && g.size_mm.is_none() {
            // "Physiologic uptake in the palatine tonsils": nothing to compare or to list.
            continue;
        }
        let new = role == LesionRole::Lesion
            && range
                .clone()
                .any(|i| doc.toks[i].kind == Kind::Word && doc.w(i) == "new" && !doc.neg[i]);
        let (a, b) = span_of(doc, &range);
        out.push(Lesion {
            role,
            site: g.mention.site.to_string(),
            group: g.mention.group.to_string(),
            side: g.side.map(str::to_string),
            detail: g.detail.clone(),
            size_mm: g.size_mm.map(|x| x as f32),
            suv_max: g.suv,
            previous_suv_max: g.previous_suv,
            new,
            not_disease,
            start: a,
            end: b,
        });
    }
}

/// Byte span of a token range with surrounding punctuation trimmed.
fn span_of(doc: &Doc<'_>, r: &Range<usize>) -> (u32, u32) {
    let mut a = r.start;
    let mut b = r.end.saturating_sub(1).max(a);
    while a < b && doc.toks[a].kind == Kind::Punct && doc.w(a) != "(" {
        a += 1;
    }
    while b > a && doc.toks[b].kind == Kind::Punct && doc.w(b) != ")" {
        b -= 1;
    }
    // Keep parentheses balanced inside the span.
    let opens = (a..=b).filter(|&i| doc.is_punct(i, "(")).count();
    let closes = (a..=b).filter(|&i| doc.is_punct(i, ")")).count();
    if closes > opens && doc.is_punct(b, ")") {
        b = b.saturating_sub(1).max(a);
    }
    let to_u32 = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    (to_u32(doc.toks[a].start), to_u32(doc.toks[b].end))
}

fn benign(doc: &Doc<'_>, r: Range<usize>) -> bool {
    doc.find_all(r, BENIGN).iter().any(|&(s, e, _)| {
        !doc.neg[s]
            && !NON_AVID
                .iter()
                .any(|p| doc.match_at(s, p).is_some_and(|x| x >= e))
    })
}

/// A sentence that clears sites: a resolution phrase or a leading negation, and no current
/// SUV value.
fn is_clearing(doc: &Doc<'_>, s: Range<usize>) -> bool {
    if doc.has(s.clone(), CLEAR_WORDS) {
        return true;
    }
    // "No FDG-avid axillary, mediastinal or hilar nodes": negated from its first word.
    let first_word = s.clone().find(|&i| doc.toks[i].kind == Kind::Word);
    first_word.is_some_and(|i| {
        doc.match_any(
            i,
            &["no", "without", "negative for", "absence of", "free of"],
        )
        .is_some()
    })
}

fn read_references(
    doc: &Doc<'_>,
    s: Range<usize>,
    used: &mut HashSet<usize>,
    out: &mut Vec<Lesion>,
) {
    let mut i = s.start;
    while i < s.end {
        let (end, role) = if let Some((e, _)) = doc.match_any(i, POOL_REF) {
            (e, LesionRole::BloodPoolReference)
        } else if let Some((e, _)) = doc.match_any(i, LIVER_REF) {
            (e, LesionRole::LiverReference)
        } else {
            i += 1;
            continue;
        };
        // "mediastinal blood pool": the match starts at "mediastinal" (longest pattern).
        let compared = (i.saturating_sub(3).max(s.start)..i)
            .any(|k| doc.toks[k].kind == Kind::Word && COMPARATOR.contains(&doc.w(k)));
        let mut k = end;
        while k < s.end
            && k < end + 4
            && (is_any(doc, k, REF_GLUE) || matches!(doc.w(k), "=" | ":" | "("))
        {
            k += 1;
        }
        let mean = (end..k).any(|j| matches!(doc.w(j), "suvmean" | "mean"));
        // The value is labelled as an uptake measure ("liver SUVmax 2.8", "blood pool
        // reference 1.9") or follows the word directly and is no size ("liver 2.8", not
        // "Anterior mediastinum: 10.0 x 6.8 cm", not "Liver: 13 x 9 mm").
        let labelled =
            (end..k).any(|j| is_any(doc, j, &["suvmax", "suv", "reference", "background"]));
        let size_after =
            k + 1 < s.end && matches!(doc.w(k + 1), "x" | "\u{d7}" | "cm" | "mm" | "by");
        let bare = k == end && !size_after;
        if !compared && !mean && (labelled || bare) && k < s.end && doc.toks[k].kind == Kind::Num {
            if let Ok(v) = doc.w(k).parse::<f32>() {
                let mut b = k;
                if b + 1 < s.end
                    && doc.is_punct(b + 1, ")")
                    && (end..k).any(|j| doc.is_punct(j, "("))
                {
                    b += 1;
                }
                for t in i..=b {
                    used.insert(t);
                }
                let (a, z) = span_of(doc, &(i..b + 1));
                out.push(Lesion {
                    role,
                    site: match role {
                        LesionRole::LiverReference => "liver".into(),
                        _ => "blood_pool".into(),
                    },
                    group: "reference".into(),
                    side: None,
                    detail: None,
                    size_mm: None,
                    suv_max: Some(v),
                    previous_suv_max: None,
                    new: false,
                    not_disease: false,
                    start: a,
                    end: z,
                });
                i = b + 1;
                continue;
            }
        }
        // A reference word that labels no value still names no site when it is a comparison
        // ("above liver") or the blood pool ("normal blood pool activity"); "liver" alone is
        // the organ.
        if compared || (role == LesionRole::BloodPoolReference && doc.w(end - 1) != "mediastinum") {
            for t in i..end {
                used.insert(t);
            }
        }
        i = end;
    }
}

fn read_suvs(doc: &Doc<'_>, s: Range<usize>, used: &HashSet<usize>) -> Vec<Suv> {
    let mut out = Vec::new();
    let mut i = s.start;
    while i < s.end {
        if used.contains(&i) || !is_any(doc, i, &["suv", "suvmax"]) {
            i += 1;
            continue;
        }
        let mut k = i + 1;
        while k < s.end
            && k < i + 5
            && (is_any(
                doc,
                k,
                &[
                    "max",
                    "maximum",
                    "of",
                    "is",
                    "was",
                    "up",
                    "approximately",
                    "approx",
                    "about",
                    "around",
                    "measuring",
                    "value",
                ],
            ) || matches!(doc.w(k), "=" | ":" | "(" | "~"))
        {
            if doc.w(k) == "to" {
                break;
            }
            k += 1;
        }
        // "SUVmax decreased from 15.2 to 4.1" / "SUVmax from 15.2 to 4.1".
        let from_to = (i + 1..(i + 4).min(s.end)).find(|&j| doc.w(j) == "from");
        if let Some(f) = from_to {
            if f + 3 < s.end
                && doc.toks[f + 1].kind == Kind::Num
                && doc.w(f + 2) == "to"
                && doc.toks[f + 3].kind == Kind::Num
            {
                if let (Ok(a), Ok(b)) = (doc.w(f + 1).parse::<f32>(), doc.w(f + 3).parse::<f32>()) {
                    out.push(Suv {
                        at: f + 1,
                        value: a,
                        previous: true,
                    });
                    out.push(Suv {
                        at: f + 3,
                        value: b,
                        previous: false,
                    });
                    i = f + 4;
                    continue;
                }
            }
        }
        if k >= s.end || doc.toks[k].kind != Kind::Num {
            i += 1;
            continue;
        }
        let Ok(value) = doc.w(k).parse::<f32>() else {
            i += 1;
            continue;
        };
        if !(0.0..=200.0).contains(&value) {
            i = k + 1;
            continue;
        }
        let label = if i > s.start && is_any(doc, i - 1, &["max", "maximum"]) {
            i - 1
        } else {
            i
        };
        let after_prev = (k + 1..(k + 4).min(s.end))
            .take_while(|&j| doc.toks[j].kind != Kind::Punct)
            .any(|j| {
                doc.match_any(j, &["at baseline", "previously", "prior", "before"])
                    .is_some()
            });
        let previous = after_prev || is_previous_at(doc, s.clone(), label);
        out.push(Suv {
            at: k,
            value,
            previous,
        });
        i = k + 1;
    }
    out
}

/// Whether token `at` lies in a stretch that quotes an earlier study: after "previously",
/// "was", "baseline", "from"… in the same parenthesis or clause, with no "now" between.
fn is_previous_at(doc: &Doc<'_>, s: Range<usize>, at: usize) -> bool {
    let depth = doc.depth(at);
    if depth > 0 {
        // Inside parentheses the group says what it is: "(previously 12 x 7 mm; SUVmax
        // 7.9)", "(was 10 x 6 mm, SUVmax 4.3)", "(SUVmax 2.4; previously SUVmax 9.9)".
        let open = (s.start..at)
            .rev()
            .find(|&k| doc.is_punct(k, "(") && doc.depth(k) == depth);
        if let Some(open) = open {
            let mut quoted = false;
            for k in open + 1..at {
                let w = doc.w(k);
                if matches!(w, "now" | "currently" | "today") {
                    quoted = false;
                } else if PREVIOUS.contains(&w) || matches!(w, "was" | "were") {
                    quoted = true;
                }
            }
            return quoted;
        }
    }
    let mut k = at;
    let mut steps = 0;
    while k > s.start && steps < 8 {
        k -= 1;
        steps += 1;
        let w = doc.w(k);
        if doc.toks[k].kind == Kind::Punct {
            if w == "(" && doc.depth(k) == depth {
                // The parenthesis opens with what it is: "(previously …", "(was …".
                return false;
            }
            if matches!(w, ";" | ".") || (w == "," && depth == 0 && steps > 3) {
                return false;
            }
            continue;
        }
        if matches!(
            w,
            "now" | "currently" | "today" | "to" | "measures" | "measuring"
        ) {
            return false;
        }
        if PREVIOUS.contains(&w) || (matches!(w, "was" | "were") && (depth > 0 || steps <= 2)) {
            return true;
        }
    }
    false
}

fn read_mentions(doc: &Doc<'_>, s: Range<usize>, used: &HashSet<usize>) -> Vec<Mention> {
    let patterns: Vec<&str> = SITES.iter().map(|e| e.pattern).collect();
    let nodal_context = doc.has(s.clone(), NODE_NOUNS)
        || doc.has(s.clone(), NODE_PLACES)
        || doc.has(s.clone(), FINDING_WORDS);
    let mut out = Vec::new();
    for (a, b, k) in doc.find_all(s.clone(), &patterns) {
        if (a..b).any(|t| used.contains(&t)) {
            continue;
        }
        let e = &SITES[k];
        if e.kind != sites::Kind::Organ {
            let next = (b < s.end).then(|| doc.w(b));
            let blocked = next.is_some_and(|w| NOT_NODE_AFTER.contains(&w))
                || (doc.w(a) == "iliac" && next == Some("fossa"));
            if blocked || !nodal_context {
                continue;
            }
        }
        // A header line ("Neck:") names a region, not a finding.
        let header = b < s.end
            && doc.is_punct(b, ":")
            && (b + 1 >= s.end || doc.toks[b + 1].newline_before)
            && (s.start..a).all(|t| doc.toks[t].kind == Kind::Word);
        if header {
            continue;
        }
        out.push(Mention {
            start: a,
            end: b,
            weak: e.kind == sites::Kind::Level,
            site: e.site,
            group: e.group,
        });
    }
    out
}

fn side_near(doc: &Doc<'_>, s: &Range<usize>, m: &Mention) -> Option<&'static str> {
    // Lobes carry their side in the site.
    if m.site.starts_with("lung_") {
        return None;
    }
    let from = m.start.saturating_sub(3).max(s.start);
    for k in (from..m.start).rev() {
        if doc.toks[k].kind == Kind::Punct && doc.w(k) != "(" {
            break;
        }
        match doc.w(k) {
            "left" => return Some("left"),
            "right" => return Some("right"),
            "bilateral" | "both" => return Some("bilateral"),
            _ => {}
        }
    }
    for k in m.start..m.end {
        match doc.w(k) {
            "left" => return Some("left"),
            "right" => return Some("right"),
            _ => {}
        }
    }
    if m.end < s.end && matches!(doc.w(m.end), "bilaterally") {
        return Some("bilateral");
    }
    None
}

/// Station, level, segment or vertebra words next to a site ("segment VI", "T4", "(levels
/// II-IV)", "station 7").
fn detail_near(doc: &Doc<'_>, s: &Range<usize>, m: &Mention) -> Option<String> {
    let tok_text = |a: usize, b: usize| doc.text[doc.toks[a].start..doc.toks[b].end].to_string();
    let open = (m.end..(m.end + 3).min(s.end))
        .take_while(|&k| doc.toks[k].kind == Kind::Word || doc.is_punct(k, "("))
        .find(|&k| doc.is_punct(k, "("));
    if let Some(open) = open {
        if let Some(close) = (open + 1..s.end.min(open + 12)).find(|&k| doc.is_punct(k, ")")) {
            let values = (open + 1..close).any(|k| {
                doc.toks[k].kind == Kind::Num
                    || is_any(doc, k, &["suv*", "previously", "was", "mm", "cm"])
            });
            if close > open + 1 && !values {
                return Some(tok_text(open + 1, close - 1));
            }
        }
    }
    let window = m.start.saturating_sub(2).max(s.start)..(m.end + 3).min(s.end);
    for k in window {
        let w = doc.w(k);
        if w == "segment" && k + 1 < s.end {
            return Some(tok_text(k, k + 1));
        }
        let b = w.as_bytes();
        let vertebra = b.len() >= 2
            && b.len() <= 3
            && matches!(b[0], b't' | b'l' | b'c' | b's')
            && b[1..].iter().all(u8::is_ascii_digit);
        if vertebra && m.site == "bone_spine" {
            return Some(tok_text(k, k).to_uppercase());
        }
    }
    None
}

fn segments(doc: &Doc<'_>, s: Range<usize>, mentions: Vec<Mention>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for m in mentions {
        let side = side_near(doc, &s, &m);
        if let Some(prev) = out.last_mut() {
            let inside_parens = doc.depth(m.start) > doc.depth(prev.mention.start)
                && prev.last < m.start
                && (prev.mention.end..m.start).all(|k| !doc.is_punct(k, ")"));
            // "Several nodes in the retroperitoneum; the largest at the level of the left
            // renal vein measures …", "lesions in the bone marrow, the most intense in the left
            // iliac bone": the index lesion of a group, or a landmark, refines the site before.
            let back = m.start.saturating_sub(5).max(s.start)..m.start;
            let refines = back.clone().any(|k| {
                is_any(
                    doc,
                    k,
                    &[
                        "largest", "dominant", "hottest", "index", "intense", "biggest",
                    ],
                )
            }) || doc.has(
                back,
                &[
                    "level of",
                    "adjacent to",
                    "near",
                    "abutting",
                    "posterior to",
                    "anterior to",
                    "inferior to",
                    "superior to",
                ],
            ) || (m.end < s.end
                && is_any(
                    doc,
                    m.end,
                    &["vein", "veins", "artery", "arteries", "vessels"],
                ));
            let same = (prev.mention.site == m.site
                || refines
                // "the index node at level II": a level refines the site before it.
                || m.weak
                // A generic word of the same group restates the site ("iliac bone: lytic
                // lesion").
                || (m.site == m.group && prev.mention.group == m.group))
                && (side.is_none() || prev.side.is_none() || prev.side == side);
            if inside_parens || same {
                prev.last = m.end.saturating_sub(1);
                if prev.side.is_none() && !inside_parens {
                    prev.side = side;
                }
                continue;
            }
        }
        let detail = detail_near(doc, &s, &m);
        out.push(Segment {
            first: m.start,
            last: m.end.saturating_sub(1),
            side,
            detail,
            suv: None,
            previous_suv: None,
            size_mm: None,
            mention: m,
        });
    }
    out
}

/// In a sentence that describes disease, a site with no value and no finding word of its own
/// is a relation of the one before it ("mass in the left upper lobe abutting the pleura").
fn merge_relations(doc: &Doc<'_>, segs: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let n = segs.len();
    let starts: Vec<usize> = segs.iter().map(|g| g.first).collect();
    for (k, g) in segs.into_iter().enumerate() {
        let end = if k + 1 < n { starts[k + 1] } else { g.last + 1 };
        let own_words = doc.has_pos(g.mention.end..end.max(g.mention.end), FINDING_WORDS)
            || (g.mention.start..g.mention.end).any(|i| doc.w(i) == "new")
            || (g.first.saturating_sub(2)..g.first).any(|i| doc.w(i) == "new");
        let empty = g.suv.is_none() && g.size_mm.is_none() && g.previous_suv.is_none();
        match out.last_mut() {
            Some(prev) if empty && !own_words => {
                prev.last = prev.last.max(g.last);
            }
            _ => out.push(g),
        }
    }
    out
}

#[cfg(test)]
mod tests;
