//! Response scans: new lesions, the Deauville score (stated, from words, from SUVmax), change
//! against baseline, and the absence of a baseline.

use std::ops::Range;

use crate::lexicon::{BENIGN, UNCERTAIN};
use crate::lymphoma::{Change, LymphomaFeatures, NewLesion, ScoreRange};
use crate::span::Found;
use crate::text::{is_any, Doc, Kind};

/// A finding said to be absent on the earlier scan is new ("absent at baseline", "not seen
/// on the prior study").
const NEW_SINCE_BASELINE: &[&str] = &[
    "absent at baseline",
    "absent on the baseline",
    "absent on baseline",
    "absent previously",
    "not present at baseline",
    "not present on the baseline",
    "not present previously",
    "not seen at baseline",
    "not seen on the baseline",
    "not seen on the prior *",
    "not seen on prior *",
    "not seen previously",
    "not previously seen",
    "not previously present",
];

const NEW_LESION_NOUNS: &[&str] = &[
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
];

pub(super) fn read_new(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    if !doc.has(c.clone(), &["new"]) {
        if let Some(&(a, b, _)) = doc.find_all(c.clone(), NEW_SINCE_BASELINE).first() {
            if doc.has(c.start..a, NEW_LESION_NOUNS) && !doc.has_pos(c.clone(), UNCERTAIN) {
                let lymphoma = !doc.has_pos(c.clone(), BENIGN);
                let span = if lymphoma {
                    doc.span(a, b - 1)
                } else {
                    doc.clause_span(c)
                };
                f.new_lesions.push(Found::new(NewLesion { lymphoma }, span));
            }
            return;
        }
    }
    for i in c.clone() {
        if doc.w(i) != "new" {
            continue;
        }
        // "a new 2.1 cm FDG-avid para-aortic node": sizes and qualifiers may come between.
        let lesion = (i + 1..(i + 10).min(c.end)).find(|&k| is_any(doc, k, NEW_LESION_NOUNS));
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
    ("matching", Cmp::Eq),
    ("matches", Cmp::Eq),
    ("less intense than", Cmp::Lt),
    ("less avid than", Cmp::Lt),
    ("lower uptake than", Cmp::Lt),
    ("less uptake than", Cmp::Lt),
    ("more intense than", Cmp::Gt),
    ("more avid than", Cmp::Gt),
    ("higher uptake than", Cmp::Gt),
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

/// Uptake between the two references.
const BETWEEN_REFERENCES: &[&str] = &[
    "between blood pool and liver",
    "between the blood pool and the liver",
    "between the blood pool and liver",
    "between mediastinal blood pool and liver",
    "between the mediastinal blood pool and the liver",
    "between the mediastinal blood pool and liver",
    "between mediastinum and liver",
    "between the mediastinum and the liver",
    "between the mediastinum and liver",
    "between mbp and liver",
];

/// The score for a lesion-to-reference ratio: against the liver, at most 1 is 2-3, up to 2
/// times is 4 (moderately higher), 3 times or more is 5 (markedly higher), between 2 and 3 the
/// words must decide (deauville-4, deauville-5); against the blood pool, at most 1 is 2.
pub(crate) fn ratio_score(ratio: f64, liver: bool) -> ScoreRange {
    let (min, max) = match (liver, ratio) {
        (true, r) if r <= 1.0 => (2, 3),
        (true, r) if r <= 2.0 => (4, 4),
        (true, r) if r >= 3.0 => (5, 5),
        (true, _) => (4, 5),
        (false, r) if r <= 1.0 => (2, 2),
        (false, _) => (3, 5),
    };
    ScoreRange { min, max }
}

/// A ratio to a reference written in words: "SUVmax 5.3 times the liver", "2.5x liver",
/// "three times higher than the liver", "twice the blood pool". Returns the score range and
/// the token range of the phrase.
fn ratio_in_words(doc: &Doc<'_>, s: &Range<usize>) -> Option<(ScoreRange, usize, usize)> {
    const BETWEEN: &[&str] = &[
        "the",
        "that",
        "of",
        "higher",
        "greater",
        "more",
        "than",
        "above",
        "uptake",
        "activity",
        "normal",
        "background",
        "as",
        "intense",
        "avid",
    ];
    const WORD_NUMBERS: &[(&str, f64)] = &[
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("ten", 10.0),
    ];
    for (r, e, k) in doc.find_all(
        s.clone(),
        &[
            "mediastinal blood pool",
            "blood pool",
            "mediastinum",
            "mbp",
            "liver",
            "hepatic",
        ],
    ) {
        if doc.neg[r] {
            continue;
        }
        let liver = k >= 4;
        let mut j = r;
        while j > s.start && r - j < 6 && is_any(doc, j - 1, BETWEEN) {
            j -= 1;
        }
        if j == s.start {
            continue;
        }
        let t = j - 1;
        let w = doc.w(t);
        // "5.3x" is one token; "5.3 x", "5.3 times", "5.3-fold" are two; "twice" is one.
        let value = if let Some(n) = w.strip_suffix('x').and_then(|n| n.parse::<f64>().ok()) {
            Some((n, t))
        } else if w == "twice" {
            Some((2.0, t))
        } else if is_any(doc, t, &["times", "x", "fold", "\u{d7}"]) && t > s.start {
            let v = doc.w(t - 1);
            v.parse::<f64>()
                .ok()
                .or_else(|| WORD_NUMBERS.iter().find(|x| x.0 == v).map(|x| x.1))
                .map(|n| (n, t - 1))
        } else {
            None
        };
        if let Some((ratio, a)) = value {
            return Some((ratio_score(ratio, liver), a, e - 1));
        }
    }
    None
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
    // "between the blood pool and the liver": above the one, at most the other (score 3).
    if let Some(&(a, b, _)) = doc
        .find_all(s.clone(), BETWEEN_REFERENCES)
        .iter()
        .find(|m| !doc.neg[m.0])
    {
        f.uptake.push(Found::new(
            ScoreRange { min: 3, max: 3 },
            doc.span(a, b - 1),
        ));
        return;
    }
    // "5.3 times the liver", "2.5x liver", "twice the blood pool": a ratio in words.
    if let Some((range, a, b)) = ratio_in_words(doc, s) {
        f.uptake.push(Found::new(range, doc.span(a, b)));
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
    // Values of the lesion on the baseline scan (token, value), and where the current one is.
    let mut baseline: Vec<(usize, f64)> = Vec::new();
    let mut lesion_at: Option<usize> = None;
    // "(baseline 24.0)", "baseline: 24.0".
    for i in 0..n.saturating_sub(1) {
        if is_any(
            doc,
            i,
            &["baseline", "pretreatment", "previously", "initially"],
        ) {
            let mut k = i + 1;
            while k < n && (doc.is_punct(k, ":") || is_any(doc, k, &["was", "of"])) {
                k += 1;
            }
            if k < n
                && doc.toks[k].kind == Kind::Num
                && !(k + 1 < n && is_any(doc, k + 1, &["cm", "mm"]))
            {
                if let Ok(v) = doc.w(k).parse::<f64>() {
                    baseline.push((k, v));
                }
            }
        }
    }
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
            // "hepatic reference SUVmax 2.1", "liver background SUVmax 2.0".
            let label = prev.checked_sub(1).and_then(|p| {
                is_ref(p).or_else(|| {
                    (p > 0 && is_any(doc, p, &["reference", "background"]))
                        .then(|| is_ref(p - 1))
                        .flatten()
                })
            });
            (label, k)
        } else if let Some(r) = is_ref(i) {
            if i + 1 < n && doc.toks[i + 1].kind == Kind::Num {
                (Some(r), i + 1)
            } else {
                continue;
            }
        } else if let Some(r) = ref_word(doc, i) {
            // "matching the blood pool (1.8)": a bare number in brackets right after the
            // reference is its value, whatever the comparison before it.
            if i + 3 < n
                && doc.is_punct(i + 1, "(")
                && doc.toks[i + 2].kind == Kind::Num
                && doc.is_punct(i + 3, ")")
            {
                (Some(r), i + 2)
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
                // "SUVmax 19.6 vs 14.1": the first value is now, the second before.
                let versus = versus_value(doc, value_at);
                let old = versus.is_none()
                    && (is_previous_value(doc, i)
                        || doc.has(
                            value_at + 1..stop,
                            &["at baseline", "previously", "before", "prior"],
                        ));
                if old {
                    baseline.push((value_at, v));
                    continue;
                }
                if let Some((k, old_v)) = versus {
                    baseline.push((k, old_v));
                }
                if f.suv_lesion.as_ref().is_none_or(|x| v > x.value) {
                    f.suv_lesion = Some(Found::new(v, span));
                    lesion_at = Some(i);
                }
            }
        }
    }
    // The change against baseline from the numbers, when the words do not say it: the lesion's
    // SUVmax now against its baseline value nearest in the text.
    if let (Some(l), Some(at)) = (&f.suv_lesion, lesion_at) {
        let near = baseline
            .iter()
            .filter(|b| b.0.abs_diff(at) <= 30)
            .min_by_key(|b| b.0.abs_diff(at));
        if let (true, Some(&(k, old))) = (f.change.is_empty(), near) {
            let change = if l.value < old {
                Change::Decreased
            } else if l.value > old {
                Change::Increased
            } else {
                Change::Unchanged
            };
            let (a, b) = (at.min(k), at.max(k));
            f.change.push(Found::new(change, doc.span(a, b)));
        }
    }
}

/// Is token `k` a reference word (Some(true) blood pool, Some(false) liver)?
fn ref_word(doc: &Doc<'_>, k: usize) -> Option<bool> {
    if is_any(doc, k, &["liver", "hepatic"]) {
        Some(false)
    } else if is_any(doc, k, &["pool", "mediastinum", "mbp"]) {
        Some(true)
    } else {
        None
    }
}

/// "19.6 vs 14.1", "19.6 versus 14.1": the value after "vs" (token, value).
fn versus_value(doc: &Doc<'_>, value_at: usize) -> Option<(usize, f64)> {
    let n = doc.toks.len();
    let mut k = value_at + 1;
    if k < n && is_any(doc, k, &["vs", "versus"]) {
        k += 1;
        if k < n && doc.is_punct(k, ".") {
            k += 1;
        }
        if k < n && doc.toks[k].kind == Kind::Num {
            return doc.w(k).parse().ok().map(|v| (k, v));
        }
    }
    None
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
