//! The primary tumour: where it is, its size, what it invades, histology that decides T.

use std::ops::Range;

use crate::lexicon::{BENIGN, NODE_NOUNS, UNCERTAIN};
use crate::lung::{Histology, LungFeatures, Structure};
use crate::span::{Found, Span};
use crate::text::{is_any, sizes, Doc, Kind, Size};

use super::{lobes, near_organ, side_word, LUNG_LOCATION};

const STRONG_PRIMARY: &[&str] = &[
    "mass",
    "tumour",
    "tumor",
    "carcinoma",
    "adenocarcinoma",
    "neoplasm",
    "cancer",
    "malignancy",
    "primary",
];

const WEAK_PRIMARY: &[&str] = &["nodule", "lesion", "opacity"];

const SEPARATE_MARKERS: &[&str] = &[
    "separate",
    "second",
    "satellite",
    "additional",
    "another",
    "other",
    "further",
    "new",
    "contralateral",
    "multiple",
    "several",
    "nodal",
    "lymph",
];

const INVASION_WORDS: &[&str] = &[
    "invad*",
    "invasion",
    "invasive",
    "infiltrat*",
    "involv*",
    "encas*",
    "extend*",
    "extension",
    "destr*",
    "erosion",
    "erod*",
    "penetrat*",
    "breach*",
    "growing into",
    "grows into",
];

/// Participles that, after the structure, say it is invaded ("SVC wall invaded by …").
const INVADED: &[&str] = &[
    "invaded",
    "infiltrated",
    "involved",
    "encased",
    "eroded",
    "breached",
    "destroyed",
    "penetrated",
];

/// Words allowed between a structure and [`INVADED`].
const PASSIVE_FILLERS: &[&str] = &[
    "wall", "walls", "is", "are", "was", "were", "directly", "also", "clearly", "frankly",
];

/// A tumour located in an airway ("arising in the main bronchus", "endobronchial … within the
/// left main bronchus") involves it.
const AIRWAY_LOCATED: &[&str] = &[
    "arising in",
    "arising within",
    "arises in",
    "arises within",
    "located in",
    "located within",
    "lying in",
    "lying within",
    "endobronchial",
    "occluding",
    "obstructing",
];

const INVASION_NOUNS: &[&str] = &[
    "invasion",
    "involvement",
    "infiltration",
    "destruction",
    "erosion",
    "extension",
    "encasement",
];

const INVASION_BLOCKERS: &[&str] = &[
    "abut*",
    "contact*",
    "touch*",
    "adjacent to",
    "distal",
    "proximal",
    "from",
    "displac*",
    "compress*",
    "near",
    "close",
    "tether*",
    "elevat*",
    "with",
    "without",
    "via",
    "abutment",
    "short of",
];

const STRUCTURES: &[(&str, Option<Structure>)] = &[
    ("visceral pleura", Some(Structure::VisceralPleura)),
    ("visceral pleural", Some(Structure::VisceralPleura)),
    ("parietal pleura", Some(Structure::ParietalPleura)),
    ("parietal pleural", Some(Structure::ParietalPleura)),
    ("costal pleura", Some(Structure::ParietalPleura)),
    ("costal pleural", Some(Structure::ParietalPleura)),
    ("mediastinal pleura", None),
    ("mediastinal pleural", None),
    ("pleura", Some(Structure::PleuraUnspecified)),
    ("pleural", Some(Structure::PleuraUnspecified)),
    ("main bronchus", Some(Structure::MainBronchus)),
    ("main bronchi", Some(Structure::MainBronchus)),
    ("mainstem bronchus", Some(Structure::MainBronchus)),
    ("mainstem", Some(Structure::MainBronchus)),
    ("main stem bronchus", Some(Structure::MainBronchus)),
    ("main stem", Some(Structure::MainBronchus)),
    ("chest wall", Some(Structure::ChestWall)),
    ("thoracic wall", Some(Structure::ChestWall)),
    ("rib", Some(Structure::ChestWall)),
    ("ribs", Some(Structure::ChestWall)),
    ("intercostal*", Some(Structure::ChestWall)),
    ("phrenic nerve", Some(Structure::PhrenicNerve)),
    ("phrenic", Some(Structure::PhrenicNerve)),
    ("parietal pericardium", Some(Structure::ParietalPericardium)),
    ("pericardium", Some(Structure::ParietalPericardium)),
    ("pericardial", Some(Structure::ParietalPericardium)),
    ("hemidiaphragm", Some(Structure::Diaphragm)),
    ("diaphragm", Some(Structure::Diaphragm)),
    ("diaphragmatic", Some(Structure::Diaphragm)),
    ("mediastinal fat", Some(Structure::Mediastinum)),
    ("mediastinum", Some(Structure::Mediastinum)),
    ("mediastinal", Some(Structure::Mediastinum)),
    ("heart", Some(Structure::Heart)),
    ("left atrium", Some(Structure::Heart)),
    ("right atrium", Some(Structure::Heart)),
    ("atrium", Some(Structure::Heart)),
    ("atrial", Some(Structure::Heart)),
    ("ventricle", Some(Structure::Heart)),
    ("myocardium", Some(Structure::Heart)),
    ("cardiac", Some(Structure::Heart)),
    ("aortic arch", Some(Structure::GreatVessels)),
    ("aorta", Some(Structure::GreatVessels)),
    ("aortic", Some(Structure::GreatVessels)),
    ("superior vena cava", Some(Structure::GreatVessels)),
    ("inferior vena cava", Some(Structure::GreatVessels)),
    ("vena cava", Some(Structure::GreatVessels)),
    ("svc", Some(Structure::GreatVessels)),
    ("pulmonary trunk", Some(Structure::GreatVessels)),
    ("main pulmonary artery", Some(Structure::GreatVessels)),
    ("pulmonary artery", Some(Structure::GreatVessels)),
    ("pulmonary arteries", Some(Structure::GreatVessels)),
    ("pulmonary vein", Some(Structure::GreatVessels)),
    ("pulmonary veins", Some(Structure::GreatVessels)),
    ("great vessel*", Some(Structure::GreatVessels)),
    ("brachiocephalic", Some(Structure::GreatVessels)),
    ("subclavian", Some(Structure::GreatVessels)),
    ("trachea", Some(Structure::Trachea)),
    ("tracheal", Some(Structure::Trachea)),
    (
        "recurrent laryngeal nerve",
        Some(Structure::RecurrentLaryngealNerve),
    ),
    (
        "recurrent laryngeal",
        Some(Structure::RecurrentLaryngealNerve),
    ),
    ("oesophagus", Some(Structure::Oesophagus)),
    ("esophagus", Some(Structure::Oesophagus)),
    ("oesophageal", Some(Structure::Oesophagus)),
    ("esophageal", Some(Structure::Oesophagus)),
    ("vertebral body", Some(Structure::VertebralBody)),
    ("vertebral bodies", Some(Structure::VertebralBody)),
    ("vertebra", Some(Structure::VertebralBody)),
    ("vertebrae", Some(Structure::VertebralBody)),
    ("vertebral", Some(Structure::VertebralBody)),
    ("carina", Some(Structure::Carina)),
    ("carinal", Some(Structure::Carina)),
];

const ATELECTASIS: &[&str] = &[
    "post obstructive",
    "postobstructive",
    "obstructive atelectasis",
    "obstructive pneumonitis",
    "obstructive collapse",
    "obstructive consolidation",
    "lobar collapse",
    "collapse of the",
    "collapsed lung",
    "collapsed lobe",
    "atelectasis extending to the hilum",
];

pub(super) struct Primary {
    pub(super) noun: usize,
    clause: Range<usize>,
    /// Telegraphic reports name the primary by its lobe and size alone ("LUL 2.4 cm, SUV 8"):
    /// the size written right after the lobe.
    bare_size: Option<Size>,
}

fn clause_of(doc: &Doc<'_>, i: usize) -> Range<usize> {
    doc.clauses
        .iter()
        .find(|c| c.contains(&i))
        .cloned()
        .unwrap_or(i..i + 1)
}

pub(super) fn find_primary(doc: &Doc<'_>) -> Option<Primary> {
    let mut best: Option<(i32, usize)> = None;
    let all_sizes = sizes(doc, 0..doc.toks.len());
    for c in &doc.clauses {
        let has_loc = doc.has(c.clone(), LUNG_LOCATION) || lobes(doc, c.clone()).next().is_some();
        let node_clause = doc.has(c.clone(), NODE_NOUNS);
        for i in c.clone() {
            let strong = is_any(doc, i, STRONG_PRIMARY);
            let weak = is_any(doc, i, WEAK_PRIMARY);
            if !(strong || weak) || doc.neg[i] {
                continue;
            }
            // "primary" followed by a noun: the noun is the head.
            if doc.w(i) == "primary" && i + 1 < c.end && is_any(doc, i + 1, STRONG_PRIMARY) {
                continue;
            }
            let before = c.start.max(i.saturating_sub(4))..i;
            if before.clone().any(|k| is_any(doc, k, SEPARATE_MARKERS)) {
                continue;
            }
            if near_organ(doc, i, c).is_some() {
                continue;
            }
            if node_clause
                && doc.w(i) == "mass"
                && before.clone().any(|k| is_any(doc, k, NODE_NOUNS))
            {
                continue;
            }
            let own = own_phrase(doc, i, c);
            if doc.has_pos(own.clone(), BENIGN) || doc.has_pos(own, UNCERTAIN) {
                continue;
            }
            let mut score = if strong { 2 } else { 1 };
            if (c.start.max(i.saturating_sub(4))..i).any(|k| doc.w(k) == "primary")
                || doc.w(i) == "primary"
            {
                score += 2;
            }
            if has_loc {
                score += 2;
            }
            if all_sizes.iter().any(|s| attach(doc, s, c) == Some(i)) {
                score += 3;
            }
            if score < 2 || (!strong && !has_loc) {
                continue;
            }
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, i));
            }
        }
    }
    best.map(|(_, i)| Primary {
        noun: i,
        clause: clause_of(doc, i),
        bare_size: None,
    })
    .or_else(|| bare_lobe_primary(doc))
}

/// A primary written as a lobe followed directly by a size, with no noun ("RUL 3.8 cm",
/// "LLL: 22 mm"), in a clause that is not about nodes: the first such, not negated.
fn bare_lobe_primary(doc: &Doc<'_>) -> Option<Primary> {
    for c in &doc.clauses {
        if doc.has(c.clone(), NODE_NOUNS) {
            continue;
        }
        let sz = sizes(doc, c.clone());
        for (s, e, _) in lobes(doc, c.clone()) {
            if doc.neg[s] {
                continue;
            }
            let mut k = e;
            while k < c.end && (doc.is_punct(k, ":") || doc.is_punct(k, ",")) {
                k += 1;
            }
            if let Some(size) = sz.iter().find(|z| z.first == k) {
                return Some(Primary {
                    noun: e - 1,
                    clause: c.clone(),
                    bare_size: Some(size.clone()),
                });
            }
        }
    }
    None
}

/// The part of clause `c` that describes the finding headed by token `i`: from the clause
/// start to just before the next finding ("… mass 3.5 cm | with a 6 mm non-avid nodule …").
fn own_phrase(doc: &Doc<'_>, i: usize, c: &Range<usize>) -> Range<usize> {
    const NEXT: &[&str] = &[
        "nodule*",
        "node*",
        "lesion*",
        "mass",
        "masses",
        "opacit*",
        "effusion*",
        "metasta*",
        "adenoma",
        "lymph*",
        "adenopathy",
        "uptake",
        "fat",
    ];
    let Some(next) = (i + 1..c.end).find(|&k| is_any(doc, k, NEXT)) else {
        return c.clone();
    };
    let cut = (i + 1..next)
        .rev()
        .find(|&k| is_any(doc, k, &["with", "and", "plus", "also"]) || doc.is_punct(k, ","))
        .unwrap_or(next);
    c.start..cut
}

/// The head noun a size belongs to: the noun right after it (`3.6 cm spiculated mass`) or,
/// failing that, the nearest noun before it in the clause (`mass measuring 3.6 cm`).
fn attach(doc: &Doc<'_>, s: &Size, c: &Range<usize>) -> Option<usize> {
    const FORWARD_BARRIERS: &[&str] = &[
        "with",
        "in",
        "of",
        "and",
        "at",
        "from",
        "to",
        "on",
        "within",
        "measuring",
        "overall",
        "total",
        "distal",
        "proximal",
        "below",
        "above",
        "away",
        "short",
        "long",
    ];
    const HEADS: &[&str] = &[
        "mass",
        "tumour",
        "tumor",
        "carcinoma",
        "adenocarcinoma",
        "neoplasm",
        "cancer",
        "primary",
        "nodule",
        "nodules",
        "lesion",
        "lesions",
        "opacity",
        "node",
        "nodes",
        "lymph",
        "metastasis",
        "metastases",
        "component",
        "effusion",
        "focus",
        "deposit",
        "adenopathy",
        "malignancy",
    ];
    if !c.contains(&s.first) {
        return None;
    }
    let next = s.last + 1;
    if next < c.end && is_any(doc, next, &["from", "distal", "proximal", "away"]) {
        return None;
    }
    let mut k = next;
    while k < c.end && k < next + 6 {
        if doc.toks[k].kind == Kind::Punct || is_any(doc, k, FORWARD_BARRIERS) {
            break;
        }
        if is_any(doc, k, HEADS) {
            return Some(k);
        }
        k += 1;
    }
    (c.start..s.first).rev().find(|&k| is_any(doc, k, HEADS))
}

pub(super) fn read_primary(doc: &Doc<'_>, p: &Primary, f: &mut LungFeatures) {
    let c = &p.clause;
    // Lobe: the lobe phrase nearest the noun.
    let lobe = lobes(doc, c.clone()).min_by_key(|&(s, e, _)| {
        if e <= p.noun {
            p.noun - e
        } else {
            s - p.noun + 1
        }
    });
    if let Some((s, e, l)) = lobe {
        f.primary_lobe = Some(Found::new(l, doc.span(s, e - 1)));
        f.primary_side = Some(Found::new(l.side(), doc.span(s, e - 1)));
    } else if let Some(k) = (c.start..p.noun).find(|&k| side_word(doc, k).is_some()) {
        if let Some(side) = side_word(doc, k) {
            f.primary_side = Some(Found::new(side, doc.span(k, k)));
        }
    }
    // Size: the first size in the clause that belongs to the noun; for part-solid tumours the
    // solid component.
    let sz = sizes(doc, c.clone());
    let own = sz.iter().find(|s| attach(doc, s, c) == Some(p.noun));
    let subsolid = doc.has(
        c.clone(),
        &[
            "part solid",
            "subsolid",
            "semisolid",
            "ground glass",
            "mixed solid",
        ],
    );
    let solid_part = sz.iter().find(|s| {
        attach(doc, s, c).is_some_and(|h| doc.w(h) == "component")
            && (s.first..(s.last + 4).min(c.end)).any(|k| is_any(doc, k, &["solid", "invasive"]))
    });
    let chosen = match solid_part {
        Some(s) if own.is_none() || subsolid => {
            f.solid_component = true;
            Some(s)
        }
        _ => own,
    };
    let solid_elsewhere = if solid_part.is_none() && subsolid_near(doc, p) {
        solid_component_nearby(doc, p)
    } else {
        None
    };
    let chosen = match solid_elsewhere {
        Some(s) => {
            f.solid_component = true;
            Some(s)
        }
        None => chosen.cloned().or_else(|| p.bare_size.clone()),
    };
    let chosen = chosen
        .or_else(|| later_size(doc, p))
        .or_else(|| other_mention_size(doc, p));
    if let Some(s) = chosen {
        f.size_mm = Some(Found::new(s.mm, doc.span(s.first, s.last)));
    }
}

/// The primary is called part-solid (subsolid, ground glass) in its sentence.
fn subsolid_near(doc: &Doc<'_>, p: &Primary) -> bool {
    doc.sents
        .iter()
        .find(|s| s.contains(&p.noun))
        .is_some_and(|s| doc.has(s.clone(), SUBSOLID))
}

/// The solid component of a part-solid primary measured in a later clause of its sentence or
/// the next sentence ("overall 2.8 cm including the ground glass; the solid component measures
/// 8 mm"): clinical T uses the solid component (ajcc8-lung-t-size).
fn solid_component_nearby(doc: &Doc<'_>, p: &Primary) -> Option<Size> {
    let si = doc.sents.iter().position(|s| s.contains(&p.noun))?;
    let lo = doc.sents[si].start;
    let hi = doc.sents.get(si + 1).map_or(doc.sents[si].end, |s| s.end);
    for c in doc.clauses.iter().filter(|c| c.start >= lo && c.end <= hi) {
        for s in sizes(doc, c.clone()) {
            if is_solid_component(doc, &s, c) {
                return Some(s);
            }
        }
    }
    None
}

/// A size that belongs to a "solid component" / "solid part" ("solid component 8 mm", "the
/// solid component measures 8 mm", "8 mm solid part").
fn is_solid_component(doc: &Doc<'_>, s: &Size, c: &Range<usize>) -> bool {
    let Some(h) = attach(doc, s, c) else {
        return false;
    };
    if !is_any(doc, h, &["component", "part", "portion"]) {
        return false;
    }
    let lo = h.saturating_sub(2).max(c.start).min(s.first);
    (lo..(s.last + 4).min(c.end)).any(|k| is_any(doc, k, &["solid", "invasive"]))
        && !(lo..(s.last + 4).min(c.end)).any(|k| is_any(doc, k, &["ground", "glass", "nonsolid"]))
}

const SUBSOLID: &[&str] = &[
    "part solid",
    "subsolid",
    "semisolid",
    "ground glass",
    "mixed solid",
];

/// The size attached to another mention of the primary (findings and impression both describe
/// it): a strong primary noun in a clause naming the same lobe, not a separate nodule.
fn other_mention_size(doc: &Doc<'_>, p: &Primary) -> Option<Size> {
    let lobe = lobes(doc, p.clause.clone()).next().map(|l| l.2);
    for c in &doc.clauses {
        if *c == p.clause || lobe.is_some() && lobes(doc, c.clone()).next().map(|l| l.2) != lobe {
            continue;
        }
        for s in sizes(doc, c.clone()) {
            let Some(h) = attach(doc, &s, c) else {
                continue;
            };
            let separate =
                (c.start.max(h.saturating_sub(4))..h).any(|k| is_any(doc, k, SEPARATE_MARKERS));
            if is_any(doc, h, STRONG_PRIMARY)
                && !doc.neg[h]
                && !separate
                && near_organ(doc, h, c).is_none()
            {
                return Some(s);
            }
        }
    }
    None
}

/// A size given for the primary in a later clause ("The mass measures 3.2 cm").
fn later_size(doc: &Doc<'_>, p: &Primary) -> Option<Size> {
    let idx = doc.clauses.iter().position(|c| *c == p.clause)?;
    for c in doc.clauses.iter().skip(idx + 1).take(3) {
        for s in sizes(doc, c.clone()) {
            if let Some(h) = attach(doc, &s, c) {
                // "The mass measures …", "The primary lesion measures …".
                let refers = h > c.start
                    && ((matches!(doc.w(h - 1), "the" | "this" | "primary")
                        && is_any(doc, h, STRONG_PRIMARY))
                        || (doc.w(h - 1) == "primary" && is_any(doc, h, WEAK_PRIMARY)));
                if refers {
                    return Some(s);
                }
            }
        }
    }
    None
}

pub(super) fn clause_about_primary(
    doc: &Doc<'_>,
    c: &Range<usize>,
    primary: Option<usize>,
) -> bool {
    if primary.is_some_and(|p| c.contains(&p)) {
        return true;
    }
    if doc.has(c.clone(), NODE_NOUNS)
        || doc.has(c.clone(), &["metasta*", "lesion*", "nodule*", "effusion"])
    {
        return false;
    }
    true
}

pub(super) fn read_invasion(doc: &Doc<'_>, c: &Range<usize>, f: &mut LungFeatures) {
    let pats: Vec<&str> = STRUCTURES.iter().map(|s| s.0).collect();
    for (s, e, k) in doc.find_all(c.clone(), &pats) {
        let Some(structure) = STRUCTURES[k].1 else {
            continue;
        };
        if doc.neg[s] {
            continue;
        }
        // A lobar branch of the pulmonary artery is not a great vessel.
        if structure == Structure::GreatVessels
            && s > c.start
            && is_any(
                doc,
                s - 1,
                &["lobe", "lobar", "segmental", "branch", "branches"],
            )
        {
            continue;
        }
        let mention_only = structure == Structure::SuperiorSulcus;
        let mut hit: Option<(usize, usize)> = if mention_only { Some((s, e - 1)) } else { None };
        if hit.is_none() {
            // Invasion word before the structure, nothing blocking in between.
            let lo = c.start.max(s.saturating_sub(10));
            let mut k2 = s;
            while k2 > lo {
                k2 -= 1;
                if doc
                    .find_all(k2..s, INVASION_BLOCKERS)
                    .first()
                    .is_some_and(|m| m.0 == k2)
                {
                    break;
                }
                if is_any(doc, k2, INVASION_WORDS) {
                    if !doc.neg[k2] {
                        hit = Some((k2, e - 1));
                    }
                    break;
                }
            }
        }
        if hit.is_none() {
            // Passive, the structure first: "SVC wall invaded by the tumour", "the
            // pericardium is infiltrated".
            let mut k2 = e;
            while k2 < (e + 4).min(c.end) && is_any(doc, k2, PASSIVE_FILLERS) {
                k2 += 1;
            }
            if k2 < c.end && is_any(doc, k2, INVADED) && !doc.neg[k2] {
                hit = Some((s, k2));
            }
        }
        if hit.is_none()
            && matches!(
                structure,
                Structure::MainBronchus | Structure::Trachea | Structure::Carina
            )
        {
            // A tumour that lies in the airway involves it: "endobronchial tumour arising in
            // the right main bronchus".
            let lo = c.start.max(s.saturating_sub(6));
            if let Some(&(a, _, _)) = doc
                .find_all(lo..s, AIRWAY_LOCATED)
                .iter()
                .find(|m| !doc.neg[m.0])
            {
                hit = Some((a, e - 1));
            }
        }
        if hit.is_none() {
            // Noun compound after it: "visceral pleural invasion", "chest wall invasion".
            for k2 in e..(e + 3).min(c.end) {
                if doc.toks[k2].kind == Kind::Punct {
                    break;
                }
                if is_any(doc, k2, INVASION_NOUNS) {
                    if !doc.neg[k2] {
                        hit = Some((s, k2));
                    }
                    break;
                }
            }
        }
        if let Some((a, b)) = hit {
            push_unique(&mut f.invasion, structure, doc.span(a, b));
        }
    }
    for (s, e, _) in doc.find_all(c.clone(), &["superior sulcus", "pancoast"]) {
        if !doc.neg[s] {
            push_unique(
                &mut f.invasion,
                Structure::SuperiorSulcus,
                doc.span(s, e - 1),
            );
        }
    }
    for (s, e, _) in doc.find_all(c.clone(), ATELECTASIS) {
        if !doc.neg[s] {
            let end = (e..c.end.min(e + 6))
                .find(|&k| {
                    is_any(
                        doc,
                        k,
                        &[
                            "atelectasis",
                            "collapse",
                            "pneumonitis",
                            "consolidation",
                            "lobe",
                            "lung",
                        ],
                    )
                })
                .unwrap_or(e - 1);
            push_unique(&mut f.invasion, Structure::Atelectasis, doc.span(s, end));
        }
    }
}

fn push_unique<T: PartialEq>(v: &mut Vec<Found<T>>, value: T, span: Span) {
    if !v.iter().any(|x| x.value == value) {
        v.push(Found::new(value, span));
    }
}

pub(super) fn read_histology(doc: &Doc<'_>, c: &Range<usize>, f: &mut LungFeatures) {
    if f.histology.is_some() {
        return;
    }
    let pats = [
        "minimally invasive adenocarcinoma",
        "minimally invasive",
        "adenocarcinoma in situ",
        "carcinoma in situ",
        "in situ",
    ];
    if let Some(&(s, e, k)) = doc
        .find_all(c.clone(), &pats)
        .iter()
        .find(|m| !doc.neg[m.0])
    {
        let h = if k < 2 {
            Histology::MinimallyInvasive
        } else {
            Histology::InSitu
        };
        f.histology = Some(Found::new(h, doc.span(s, e - 1)));
    }
}
