//! Response scans: new lesions, the Deauville score (stated, from words, from SUVmax), change
//! against baseline, and the absence of a baseline.

use std::ops::Range;

use crate::lexicon::{BENIGN, UNCERTAIN};
use crate::lymphoma::{Change, LymphomaFeatures, NewLesion, ScoreRange};
use crate::span::Found;
use crate::text::{is_any, Doc, Kind};

pub(super) fn read_new(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    for i in c.clone() {
        if doc.w(i) != "new" {
            continue;
        }
        let lesion = (i + 1..(i + 7).min(c.end)).find(|&k| {
            is_any(
                doc,
                k,
                &[
                    "lesion*",
                    "node*",
                    "focus",
                    "foci",
                    "uptake",
                    "mass*",
                    "nodul*",
                    "sites",
                    "disease",
                    "deposit*",
                    "lymphadenopathy",
                    "adenopathy",
                    "areas",
                ],
            )
        });
        let Some(end) = lesion else { continue };
        let span = doc.span(i, end);
        if doc.neg[i] {
            f.no_new_lesions.get_or_insert(doc.clause_span(c));
            return;
        }
        if doc.has_pos(c.clone(), UNCERTAIN) {
            f.disregarded.push(Found::new(
                "new finding of uncertain cause; biopsy or interval scan (Lugano)".into(),
                doc.clause_span(c),
            ));
            return;
        }
        let lymphoma = !doc.has_pos(c.clone(), BENIGN);
        f.new_lesions.push(Found::new(
            NewLesion { lymphoma },
            if lymphoma { span } else { doc.clause_span(c) },
        ));
        return;
    }
}

pub(super) fn read_deauville(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
    for i in 0..doc.toks.len() {
        if !is_any(doc, i, &["deauville", "ds", "5ps"]) {
            continue;
        }
        let mut k = i + 1;
        while k < doc.toks.len()
            && k < i + 5
            && (is_any(
                doc,
                k,
                &["score", "of", "is", "was", "point", "scale", "5", "ps"],
            ) && doc.toks[k].kind == Kind::Word
                || matches!(doc.w(k), "=" | ":"))
        {
            k += 1;
        }
        if k < doc.toks.len() && doc.toks[k].kind == Kind::Num {
            if let Ok(v) = doc.w(k).parse::<u8>() {
                if (1..=5).contains(&v) {
                    f.deauville_stated = Some(Found::new(v, doc.span(i, k)));
                    return;
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Cmp {
    Le,
    Eq,
    Lt,
    Gt,
}

#[derive(Clone, Copy, PartialEq)]
enum Degree {
    None,
    Moderate,
    Marked,
}

const COMPARATORS: &[(&str, Cmp)] = &[
    ("less than or equal to", Cmp::Le),
    ("lower than or equal to", Cmp::Le),
    ("equal to or less than", Cmp::Le),
    ("equal to or below", Cmp::Le),
    ("at or below", Cmp::Le),
    ("no higher than", Cmp::Le),
    ("not higher than", Cmp::Le),
    ("not above", Cmp::Le),
    ("not exceeding", Cmp::Le),
    ("does not exceed", Cmp::Le),
    ("\u{2264}", Cmp::Le),
    ("equal to", Cmp::Eq),
    ("similar to", Cmp::Eq),
    ("same as", Cmp::Eq),
    ("comparable to", Cmp::Eq),
    ("equivalent to", Cmp::Eq),
    ("at the level of", Cmp::Eq),
    ("at the level of the", Cmp::Eq),
    ("comparable with", Cmp::Eq),
    ("similar to that of", Cmp::Eq),
    ("below", Cmp::Lt),
    ("less than", Cmp::Lt),
    ("lower than", Cmp::Lt),
    ("under", Cmp::Lt),
    ("above", Cmp::Gt),
    ("greater than", Cmp::Gt),
    ("higher than", Cmp::Gt),
    ("more than", Cmp::Gt),
    ("exceeding", Cmp::Gt),
    ("exceeds", Cmp::Gt),
    (">", Cmp::Gt),
];

const FILLERS: &[&str] = &[
    "the",
    "normal",
    "that",
    "of",
    "background",
    "physiologic",
    "physiological",
    "reference",
    "uptake",
    "activity",
    "in",
];

/// A comparator that ends right before token `r` (fillers allowed between): (start, cmp, degree).
fn comparator_before(doc: &Doc<'_>, r: usize, lo: usize) -> Option<(usize, Cmp, Degree)> {
    // Try every end point while skipping fillers back from the reference, nearest first, so
    // that both "above the liver" and "at the level of the liver" are found.
    let mut ends = vec![r];
    let mut end = r;
    while end > lo && is_any(doc, end - 1, FILLERS) {
        end -= 1;
        ends.push(end);
    }
    let mut best: Option<(usize, Cmp)> = None;
    for end in ends {
        for &(p, cmp) in COMPARATORS {
            let n = p.split_whitespace().count();
            if end < lo + n {
                continue;
            }
            let s = end - n;
            let ok = if p == "\u{2264}" || p == ">" {
                doc.w(s) == p
            } else {
                doc.match_at(s, p) == Some(end)
            };
            if ok && best.is_none_or(|(b, _)| s < b) {
                best = Some((s, cmp));
            }
        }
        if best.is_some() {
            break;
        }
    }
    let (s, cmp) = best?;
    // Degree words just before the comparator ("moderately above", "well above").
    let mut degree = Degree::None;
    let mut start = s;
    for k in (lo.max(s.saturating_sub(3))..s).rev() {
        if is_any(
            doc,
            k,
            &[
                "moderate*",
                "mild*",
                "slight*",
                "minimal*",
                "just",
                "somewhat",
                "little",
            ],
        ) {
            degree = Degree::Moderate;
            start = k;
            break;
        }
        if is_any(
            doc,
            k,
            &[
                "mark*",
                "much",
                "well",
                "substantial*",
                "significant*",
                "considerab*",
                "intens*",
                "far",
                "strong*",
                "times",
                "twice",
            ],
        ) {
            degree = Degree::Marked;
            start = k;
            break;
        }
    }
    Some((start, cmp, degree))
}

pub(super) fn read_uptake(doc: &Doc<'_>, s: &Range<usize>, f: &mut LymphomaFeatures) {
    if doc.has_pos(s.clone(), &["g csf", "reactive", "physiologic*"])
        && !doc.has(s.clone(), &["previously involved"])
    {
        return;
    }
    // Score 1: no uptake at all (above background) at involved sites.
    let one = doc.find_all(
        s.clone(),
        &[
            "no residual uptake",
            "no residual fdg uptake",
            "no recurrent uptake",
            "no uptake at previously involved",
            "no uptake above background",
            "no fdg uptake above background",
            "complete resolution",
            "completely resolved",
            "have resolved",
            "has resolved",
        ],
    );
    if let Some(&(a, b, _)) = one.first() {
        f.uptake.push(Found::new(
            ScoreRange { min: 1, max: 1 },
            doc.span(a, b - 1),
        ));
    }
    // "No residual FDG-avid disease": no abnormal uptake, but whether faint uptake remains
    // (2 or 3) is not said.
    let low = doc.find_all(
        s.clone(),
        &[
            "no residual fdg avid",
            "no residual hypermetabolic",
            "no residual metabolic",
            "no residual abnormal",
            "no new or recurrent hypermetabolic",
            "no new or recurrent fdg avid",
            "no recurrent hypermetabolic",
            "no recurrent fdg avid",
        ],
    );
    if let Some(&(a, b, _)) = low.first() {
        if one.is_empty() {
            let end = (b..s.end)
                .find(|&k| {
                    is_any(
                        doc,
                        k,
                        &["disease", "uptake", "activity", "sites", "lesions"],
                    )
                })
                .unwrap_or(b - 1);
            f.uptake
                .push(Found::new(ScoreRange { min: 1, max: 3 }, doc.span(a, end)));
        }
    }
    // Normal organs and marrow are not residual disease when compared with the references.
    if doc.has(s.clone(), &["marrow", "normal", "reference"]) {
        return;
    }
    let mut med: Option<(Cmp, usize, usize)> = None;
    let mut liv: Option<(Cmp, Degree, usize, usize)> = None;
    for (a, b, k) in doc.find_all(
        s.clone(),
        &[
            "mediastinal blood pool",
            "blood pool",
            "mediastinum",
            "mediastinal",
            "liver",
            "hepatic",
        ],
    ) {
        let Some((start, cmp, degree)) = comparator_before(doc, a, s.start) else {
            continue;
        };
        if k < 4 {
            med.get_or_insert((cmp, start, b - 1));
        } else {
            liv.get_or_insert((cmp, degree, start, b - 1));
        }
    }
    let low = |c: Cmp| matches!(c, Cmp::Le | Cmp::Eq | Cmp::Lt);
    let range = match (med, liv) {
        (_, Some((Cmp::Gt, Degree::Marked, ..))) => Some((5, 5)),
        (_, Some((Cmp::Gt, Degree::Moderate, ..))) => Some((4, 4)),
        (_, Some((Cmp::Gt, Degree::None, ..))) => Some((4, 5)),
        // Liver at or below: the blood pool decides between 2 and 3.
        (Some((m, ..)), Some(_)) => Some(if low(m) { (2, 2) } else { (3, 3) }),
        (None, Some((Cmp::Eq, ..))) => Some((3, 3)),
        (None, Some(_)) => Some((2, 3)),
        (Some((m, ..)), None) => Some(if low(m) { (2, 2) } else { (3, 5) }),
        (None, None) => None,
    };
    if let Some((min, max)) = range {
        let a = med
            .map(|m| m.1)
            .into_iter()
            .chain(liv.map(|l| l.2))
            .min()
            .unwrap_or(s.start);
        let b = med
            .map(|m| m.2)
            .into_iter()
            .chain(liv.map(|l| l.3))
            .max()
            .unwrap_or(s.start);
        f.uptake
            .push(Found::new(ScoreRange { min, max }, doc.span(a, b)));
    }
}

pub(super) fn read_change(doc: &Doc<'_>, s: &Range<usize>, f: &mut LymphomaFeatures) {
    if doc.has(s.clone(), &["marrow", "g csf"]) {
        return;
    }
    let context = doc.has(
        s.clone(),
        &[
            "baseline",
            "prior",
            "previous*",
            "compared",
            "since",
            "interval",
            "than at",
            "pretreatment",
            "pre treatment",
            "initial",
            "from",
        ],
    );
    if !context {
        return;
    }
    const UNCHANGED: &[&str] = &[
        "no significant change",
        "no change",
        "no interval change",
        "unchanged",
        "stable",
        "not significantly changed",
        "similar to baseline",
        "similar intensity",
    ];
    const INCREASED: &[&str] = &[
        "increased",
        "increase",
        "increasing",
        "more intense",
        "more avid",
        "progress*",
        "interval growth",
        "higher than at baseline",
    ];
    const DECREASED: &[&str] = &[
        "decreased",
        "decrease",
        "decreasing",
        "reduced",
        "reduction",
        "less intense",
        "less avid",
        "lower than at baseline",
        "improved",
        "improvement",
        "declin*",
        "diminish*",
        "smaller",
        "regress*",
    ];
    let found = |pats: &[&str], need_pos: bool| {
        doc.find_all(s.clone(), pats)
            .into_iter()
            .find(|m| !need_pos || !doc.neg[m.0])
    };
    let hit = if let Some(m) = found(UNCHANGED, false) {
        Some((Change::Unchanged, m))
    } else if let Some(m) = found(INCREASED, true) {
        Some((Change::Increased, m))
    } else {
        found(DECREASED, true).map(|m| (Change::Decreased, m))
    };
    if let Some((change, (a, b, _))) = hit {
        // "reduced from baseline", "no significant change compared to baseline".
        let end = doc
            .find_all(
                b..(b + 6).min(s.end),
                &["baseline", "prior", "previous", "interim"],
            )
            .first()
            .map_or(b - 1, |m| m.1 - 1);
        let start = doc
            .find_all(
                s.start..a,
                &[
                    "compared with baseline",
                    "compared to baseline",
                    "compared with the baseline",
                ],
            )
            .last()
            .filter(|m| a - m.1 <= 6)
            .map_or(a, |m| m.0);
        f.change.push(Found::new(change, doc.span(start, end)));
    }
}

pub(super) fn read_suv(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
    let n = doc.toks.len();
    let is_ref = |k: usize| -> Option<bool> {
        // Some(true) = blood pool, Some(false) = liver, when the word labels a value.
        let refword = if is_any(doc, k, &["liver", "hepatic"]) {
            Some(false)
        } else if is_any(doc, k, &["pool", "mediastinum", "mediastinal", "mbp"]) {
            Some(true)
        } else {
            None
        }?;
        let start = if doc.w(k) == "pool" && k >= 2 && doc.w(k - 1) == "blood" {
            k - 1
        } else {
            k
        };
        let compared = (start.saturating_sub(2)..start).any(|j| {
            comparator_before(doc, start, j).is_some()
                || is_any(doc, j, &["above", "below", "than"])
        });
        (!compared).then_some(refword)
    };
    for i in 0..n {
        let suv = is_any(doc, i, &["suv", "suvmax", "suvpeak"]);
        let (label, value_at) = if suv {
            let mut k = i + 1;
            while k < n
                && k < i + 4
                && (is_any(doc, k, &["max", "of", "was", "is", "peak"])
                    || matches!(doc.w(k), "=" | ":"))
            {
                k += 1;
            }
            let prev = (i > 0)
                .then(|| i - 1)
                .filter(|&p| is_any(doc, p, &["maximum", "max"]))
                .map_or(i, |p| p);
            (prev.checked_sub(1).and_then(is_ref), k)
        } else if let Some(r) = is_ref(i) {
            if i + 1 < n && doc.toks[i + 1].kind == Kind::Num {
                (Some(r), i + 1)
            } else {
                continue;
            }
        } else {
            continue;
        };
        if value_at >= n || doc.toks[value_at].kind != Kind::Num {
            continue;
        }
        let Ok(v) = doc.w(value_at).parse::<f64>() else {
            continue;
        };
        let span = doc.span(i, value_at);
        match label {
            Some(true) => {
                f.suv_mediastinum.get_or_insert(Found::new(v, span));
            }
            Some(false) => {
                f.suv_liver.get_or_insert(Found::new(v, span));
            }
            None => {
                if !suv {
                    continue;
                }
                // "SUVmax 16 at baseline" (not "SUVmax 3.6 (previously …)", which is the
                // current value followed by the old one).
                let stop = (value_at + 1..(value_at + 4).min(n))
                    .find(|&k| doc.toks[k].kind == Kind::Punct)
                    .unwrap_or((value_at + 4).min(n));
                let old = is_previous_value(doc, i)
                    || doc.has(
                        value_at + 1..stop,
                        &["at baseline", "previously", "before", "prior"],
                    );
                if old {
                    continue;
                }
                if f.suv_lesion.as_ref().is_none_or(|x| v > x.value) {
                    f.suv_lesion = Some(Found::new(v, span));
                }
            }
        }
    }
}

/// Whether the SUV at token `i` describes an earlier scan: a marker such as "previously" or
/// "down from" before it, inside the same parenthesis ("(previously 39 x 30 mm, SUVmax
/// 30.0)") or, outside one, since the last "now" or clause break.
fn is_previous_value(doc: &Doc<'_>, i: usize) -> bool {
    const OLD: &[&str] = &[
        "baseline",
        "previously",
        "previous",
        "prior",
        "from",
        "was",
        "initial",
        "pretreatment",
    ];
    let d = doc.depth(i);
    if d > 0 {
        // Inside a parenthesis: the parenthesis up to the value is the scope.
        let open = (0..i)
            .rev()
            .find(|&k| doc.is_punct(k, "(") && doc.depth(k) == d);
        // "(previously 39 x 30 mm, SUVmax 30.0)", or "compared with baseline (SUVmax 14.2)".
        return open.is_some_and(|o| {
            (o + 1..i).any(|k| is_any(doc, k, OLD))
                || (o.saturating_sub(2)..o).any(|k| {
                    is_any(
                        doc,
                        k,
                        &["baseline", "previously", "prior", "initial", "pretreatment"],
                    )
                })
        });
    }
    let lo = i.saturating_sub(12);
    let mut k = i;
    while k > lo {
        k -= 1;
        if doc.toks[k].kind == Kind::Punct && matches!(doc.w(k), "(" | ")" | ";" | "." | ":") {
            return false;
        }
        if is_any(doc, k, &["now", "currently", "today", "current"]) {
            return false;
        }
        if is_any(doc, k, OLD) {
            return true;
        }
    }
    false
}

pub(super) fn read_no_baseline(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
    let pats = [
        "no baseline",
        "no prior",
        "no previous",
        "without a baseline",
        "without baseline",
        "no comparison",
        "not available for comparison",
        "baseline not available",
        "baseline unavailable",
        "baseline is not available",
    ];
    if let Some(&(s, e, _)) = doc.find_all(0..doc.toks.len(), &pats).first() {
        f.no_baseline = Some(doc.span(s, e - 1));
        return;
    }
    for i in 0..doc.toks.len().saturating_sub(2) {
        if doc.w(i) == "comparison"
            && doc.is_punct(i + 1, ":")
            && matches!(doc.w(i + 2), "none" | "nil")
        {
            f.no_baseline = Some(doc.span(i, i + 2));
            return;
        }
    }
}
