//! Number formatting and small wording helpers shared by the builders and the renderer.

use crate::model::{Lesion, Shape, Tracer};
use crate::rng::Rng;

/// Millimetres as centimetres with one decimal (`34` → `3.4`).
pub(crate) fn cm(mm: u32) -> String {
    format!("{}.{}", mm / 10, mm % 10)
}

/// A SUV stored in tenths as a decimal (`124` → `12.4`).
pub(crate) fn suv(v: u32) -> String {
    format!("{}.{}", v / 10, v % 10)
}

/// The SUV with one of the usual ways of writing it.
pub(crate) fn suv_phrase(rng: &mut Rng, v: u32) -> String {
    let s = suv(v);
    match rng.below(8) {
        0..=2 => format!("SUVmax {s}"),
        3 => format!("SUV max of {s}"),
        4 => format!("maximum SUV {s}"),
        5 => format!("SUVmax of {s}"),
        6 => format!("SUVmax = {s}"),
        _ => format!("max SUV {s}"),
    }
}

/// Upper-case the first letter.
pub(crate) fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `a, b and c`.
pub(crate) fn join(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// `a` or `an` for the word that follows (spoken form: "an FDG-avid", "an 8 mm", "an 11 mm").
pub(crate) fn article(next: &str) -> &'static str {
    let lower = next.to_ascii_lowercase();
    let b = lower.as_bytes();
    if b.is_empty() {
        return "a";
    }
    let two_digit = |p: &str| lower.starts_with(p) && !b.get(2).is_some_and(|c| c.is_ascii_digit());
    let an = match b[0] {
        b'a' | b'e' | b'i' | b'o' => true,
        b'u' => !(lower.starts_with("uni") || lower.starts_with("use")),
        b'8' => true,
        b'1' => two_digit("11") || two_digit("18"),
        b'f' => lower.starts_with("fdg"),
        b's' => lower.starts_with("sstr") || lower.starts_with("suv"),
        b'm' => lower.starts_with("mbq"),
        _ => false,
    };
    if an {
        "an"
    } else {
        "a"
    }
}

/// `word` preceded by its article.
pub(crate) fn a(word: &str) -> String {
    format!("{} {word}", article(word))
}

/// Number words for small counts.
pub(crate) fn number_word(n: u32) -> String {
    const W: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    W.get(n as usize)
        .map(|s| s.to_string())
        .unwrap_or_else(|| n.to_string())
}

/// Uptake intensity class for a tracer: 0 low, 1 moderate, 2 intense.
pub(crate) fn intensity(t: Tracer, v: u32) -> u8 {
    let (lo, hi) = match t {
        Tracer::Fdg => (40, 80),
        Tracer::Psma11 | Tracer::Dcfpyl => (60, 150),
        Tracer::Dotatate => (100, 250),
    };
    if v < lo {
        0
    } else if v < hi {
        1
    } else {
        2
    }
}

/// An adjective for an avid lesion ("hypermetabolic", "PSMA-avid"…), graded by uptake.
pub(crate) fn avid(rng: &mut Rng, t: Tracer, v: u32) -> &'static str {
    let i = intensity(t, v);
    match t {
        Tracer::Fdg => match i {
            0 => rng.one(&[
                "mildly FDG-avid",
                "mildly hypermetabolic",
                "low-grade FDG-avid",
            ]),
            1 => rng.one(&[
                "hypermetabolic",
                "FDG-avid",
                "moderately FDG-avid",
                "metabolically active",
            ]),
            _ => rng.one(&[
                "intensely FDG-avid",
                "markedly hypermetabolic",
                "hypermetabolic",
                "FDG-avid",
                "intensely hypermetabolic",
            ]),
        },
        Tracer::Psma11 | Tracer::Dcfpyl => match i {
            0 => rng.one(&["mildly PSMA-avid", "faintly PSMA-avid"]),
            1 => rng.one(&["PSMA-avid", "PSMA-expressing", "tracer-avid"]),
            _ => rng.one(&[
                "intensely PSMA-avid",
                "PSMA-avid",
                "markedly PSMA-expressing",
            ]),
        },
        Tracer::Dotatate => match i {
            0 => rng.one(&[
                "mildly DOTATATE-avid",
                "low-grade somatostatin receptor-positive",
            ]),
            1 => rng.one(&[
                "DOTATATE-avid",
                "somatostatin receptor-positive",
                "SSTR-avid",
            ]),
            _ => rng.one(&[
                "intensely DOTATATE-avid",
                "strongly somatostatin receptor-positive",
                "SSTR-avid",
            ]),
        },
    }
}

/// A noun phrase for uptake ("intense FDG uptake", "increased tracer accumulation"…).
pub(crate) fn uptake(rng: &mut Rng, t: Tracer, v: u32) -> &'static str {
    let i = intensity(t, v);
    match t {
        Tracer::Fdg => match i {
            0 => rng.one(&[
                "mild FDG uptake",
                "low-grade uptake",
                "mildly increased uptake",
            ]),
            1 => rng.one(&[
                "moderate FDG uptake",
                "increased tracer accumulation",
                "moderately increased uptake",
                "hypermetabolism",
            ]),
            _ => rng.one(&[
                "intense FDG uptake",
                "intense uptake",
                "marked hypermetabolism",
                "increased tracer accumulation",
                "avid FDG uptake",
            ]),
        },
        Tracer::Psma11 | Tracer::Dcfpyl => match i {
            0 => rng.one(&["faint PSMA uptake", "low-grade tracer uptake"]),
            1 => rng.one(&["moderate PSMA expression", "increased tracer accumulation"]),
            _ => rng.one(&[
                "intense PSMA uptake",
                "intense PSMA expression",
                "marked radiotracer accumulation",
            ]),
        },
        Tracer::Dotatate => match i {
            0 => rng.one(&["low-grade somatostatin receptor expression", "faint uptake"]),
            1 => rng.one(&["moderate DOTATATE uptake", "increased tracer accumulation"]),
            _ => rng.one(&[
                "intense somatostatin receptor expression",
                "marked DOTATATE uptake",
                "intense tracer accumulation",
            ]),
        },
    }
}

/// The dimensions of a lesion as written in a report.
pub(crate) fn dims(rng: &mut Rng, l: &Lesion) -> String {
    dims_of(rng, l.long, l.short, l.nodal)
}

/// Dimensions from raw millimetres (`nodal`: quote the short axis).
pub(crate) fn dims_of(rng: &mut Rng, long: u32, short: u32, nodal: bool) -> String {
    let style = dims_style(rng, long, nodal);
    dims_styled(style, long, short)
}

/// Current and previous dimensions of a lesion, written in the same style.
pub(crate) fn dims_pair(
    rng: &mut Rng,
    l: &Lesion,
    prev_long: u32,
    prev_short: u32,
) -> (String, String) {
    let style = dims_style(rng, l.long.max(prev_long), l.nodal);
    (
        dims_styled(style, l.long, l.short),
        dims_styled(style, prev_long, prev_short),
    )
}

fn dims_style(rng: &mut Rng, long: u32, nodal: bool) -> u8 {
    if nodal {
        match rng.below(5) {
            0 | 1 => 0,
            2 => 1,
            3 => 3,
            _ => 4,
        }
    } else if long < 20 && rng.pct(60) {
        if rng.pct(50) {
            2
        } else {
            3
        }
    } else if rng.pct(75) {
        4
    } else {
        3
    }
}

fn dims_styled(style: u8, long: u32, short: u32) -> String {
    match style {
        0 => format!("{short} mm short axis"),
        1 => format!("{} cm in short axis", cm(short)),
        2 => format!("{long} mm"),
        3 => format!("{long} x {short} mm"),
        _ => format!("{} x {} cm", cm(long), cm(short)),
    }
}

/// Singular or plural noun of a lesion shape.
pub(crate) fn noun(rng: &mut Rng, s: Shape, plural: bool) -> &'static str {
    match (s, plural) {
        (Shape::Node, false) => rng.one(&["node", "lymph node", "node"]),
        (Shape::Node, true) => rng.one(&["nodes", "lymph nodes", "nodes"]),
        (Shape::Mass, false) => "mass",
        (Shape::Mass, true) => "masses",
        (Shape::Nodule, false) => "nodule",
        (Shape::Nodule, true) => "nodules",
        (Shape::Lesion, false) => rng.one(&["lesion", "lesion", "focus"]),
        (Shape::Lesion, true) => rng.one(&["lesions", "lesions", "foci"]),
        (Shape::Consolidation, _) => "consolidation",
        (Shape::Thickening, _) => "wall thickening",
        (Shape::Diffuse, _) => "uptake",
        (Shape::Effusion, _) => "pleural effusion",
    }
}

/// "Multiple", "At least four"… for a grouped lesion of `n`.
pub(crate) fn count_words(rng: &mut Rng, n: u32) -> String {
    match rng.below(4) {
        0 => "Multiple".to_string(),
        1 if n >= 4 => "Numerous".to_string(),
        1 => "Several".to_string(),
        2 => format!("At least {}", number_word(n)),
        _ => cap(&number_word(n)),
    }
}
