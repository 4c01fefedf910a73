//! Regional lymph nodes: IASLC stations or named groups, their side, and statements that nodes
//! are not involved.

use std::ops::Range;

use crate::lexicon::{BENIGN, MULTIPLE, NODE_NOUNS, POSITIVE, SINGLE, UNCERTAIN};
use crate::lung::{DistantMetastasis, LungFeatures, NodeSide, NodeSite, Organ, Station};
use crate::span::Found;
use crate::text::{is_any, sizes, Doc, Kind};

const NODE_LOCATIONS: &[(&str, Option<Station>)] = &[
    ("supraclavicular", Some(Station::Supraclavicular)),
    ("scalene", Some(Station::Supraclavicular)),
    ("low cervical", Some(Station::Supraclavicular)),
    ("sternal notch", Some(Station::Supraclavicular)),
    ("upper paratracheal", Some(Station::UpperParatracheal)),
    ("lower paratracheal", Some(Station::LowerParatracheal)),
    ("paratracheal", Some(Station::Paratracheal)),
    ("pretracheal", Some(Station::Paratracheal)),
    ("prevascular", Some(Station::Prevascular)),
    ("retrotracheal", Some(Station::Retrotracheal)),
    ("aortopulmonary", Some(Station::Subaortic)),
    ("aorto pulmonary", Some(Station::Subaortic)),
    ("ap window", Some(Station::Subaortic)),
    ("a p window", Some(Station::Subaortic)),
    ("subaortic", Some(Station::Subaortic)),
    ("para aortic", Some(Station::ParaAortic)),
    ("paraaortic", Some(Station::ParaAortic)),
    ("subcarinal", Some(Station::Subcarinal)),
    ("paraoesophageal", Some(Station::Paraoesophageal)),
    ("paraesophageal", Some(Station::Paraoesophageal)),
    ("para oesophageal", Some(Station::Paraoesophageal)),
    ("para esophageal", Some(Station::Paraoesophageal)),
    ("pulmonary ligament", Some(Station::PulmonaryLigament)),
    ("mediastinal", Some(Station::Mediastinal)),
    ("mediastinum", Some(Station::Mediastinal)),
    ("hilar", Some(Station::Hilar)),
    ("hilum", Some(Station::Hilar)),
    ("hila", Some(Station::Hilar)),
    ("interlobar", Some(Station::Interlobar)),
    ("peribronchial", Some(Station::Intrapulmonary)),
    ("intrapulmonary", Some(Station::Intrapulmonary)),
    ("lobar", Some(Station::Intrapulmonary)),
    ("segmental", Some(Station::Intrapulmonary)),
    ("subsegmental", Some(Station::Intrapulmonary)),
    // Non-regional (distant) nodes.
    ("axillary", None),
    ("axilla", None),
    ("cervical", None),
    ("neck", None),
    ("retroperitoneal", None),
    ("abdominal", None),
    ("mesenteric", None),
    ("inguinal", None),
    ("iliac", None),
    ("retrocrural", None),
    ("portocaval", None),
    ("porta hepatis", None),
    ("celiac", None),
    ("coeliac", None),
    ("pelvic", None),
    ("paracaval", None),
    ("aortocaval", None),
];

const ABDOMINAL_CONTEXT: &[&str] = &[
    "retroperitoneal",
    "abdominal",
    "abdomen",
    "renal",
    "aortocaval",
    "infradiaphragmatic",
];

/// Words by which the primary reaches a node by direct extension (ajcc8-lung-n1).
const DIRECT_EXTENSION: &[&str] = &[
    "direct extension",
    "directly",
    "direct invasion",
    "invading",
    "invades",
    "invaded",
    "growing into",
    "grows into",
    "extending into",
    "extends into",
    "infiltrating",
    "infiltrates",
];

/// A clause that names only regional nodal regions (hila, mediastinum, supraclavicular
/// fossae), every one negated, and denies uptake in them; nothing about a mass, invasion or
/// another organ.
fn regions_stated_clear(doc: &Doc<'_>, c: &Range<usize>) -> bool {
    const REGIONS: &[&str] = &[
        "hilar",
        "hila",
        "hilum",
        "hilums",
        "mediastinal",
        "mediastinum",
        "supraclavicular",
    ];
    const UPTAKE: &[&str] = &[
        "avid",
        "uptake",
        "hypermetabolic",
        "hypermetabolism",
        "activity",
        "disease",
    ];
    const OTHER: &[&str] = &[
        "mass",
        "masses",
        "tumour*",
        "tumor*",
        "invad*",
        "invasion",
        "infiltrat*",
        "pleura*",
        "fat",
        "shift",
        "blood",
        "pool",
        "lung*",
        "nodul*",
        "lesion*",
    ];
    let regions = doc.find_all(c.clone(), REGIONS);
    !regions.is_empty()
        && regions.iter().all(|m| doc.neg[m.0])
        && doc.find_all(c.clone(), UPTAKE).iter().any(|m| doc.neg[m.0])
        && !doc.has(c.clone(), OTHER)
}

/// A named mediastinal station (2 to 9), as opposed to the generic "mediastinal".
fn is_mediastinal_station(s: Station) -> bool {
    matches!(
        s,
        Station::UpperParatracheal
            | Station::LowerParatracheal
            | Station::Paratracheal
            | Station::Prevascular
            | Station::Retrotracheal
            | Station::Subaortic
            | Station::ParaAortic
            | Station::Subcarinal
            | Station::Paraoesophageal
            | Station::PulmonaryLigament
    )
}

fn station_code(w: &str) -> Option<(Station, Option<NodeSide>)> {
    let digits: String = w.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &w[digits.len()..];
    let n: u32 = digits.parse().ok()?;
    let side = match rest {
        "" => None,
        "r" => Some(NodeSide::Right),
        "l" => Some(NodeSide::Left),
        "a" if n == 3 => None,
        "p" if n == 3 => None,
        _ => return None,
    };
    let station = match (n, rest) {
        (1, _) => Station::Supraclavicular,
        (2, _) => Station::UpperParatracheal,
        (3, "p") => Station::Retrotracheal,
        (3, _) => Station::Prevascular,
        (4, _) => Station::LowerParatracheal,
        (5, _) => Station::Subaortic,
        (6, _) => Station::ParaAortic,
        (7, _) => Station::Subcarinal,
        (8, _) => Station::Paraoesophageal,
        (9, _) => Station::PulmonaryLigament,
        (10, _) => Station::Hilar,
        (11, _) => Station::Interlobar,
        (12..=14, _) => Station::Intrapulmonary,
        _ => return None,
    };
    Some((station, side))
}

/// Side words written before token `i` in the same noun phrase.
fn node_side_before(doc: &Doc<'_>, i: usize, c: &Range<usize>) -> Option<NodeSide> {
    let lo = c.start.max(i.saturating_sub(5));
    let mut found: Vec<NodeSide> = Vec::new();
    let mut k = i;
    while k > lo {
        k -= 1;
        if is_any(doc, k, &["with", "in", "of", "no", "without", "at"])
            || is_any(doc, k, NODE_NOUNS)
            || doc.toks[k].kind == Kind::Num
        {
            break;
        }
        let s = match doc.w(k) {
            "right" => Some(NodeSide::Right),
            "left" => Some(NodeSide::Left),
            "ipsilateral" => Some(NodeSide::Ipsilateral),
            "contralateral" => Some(NodeSide::Contralateral),
            "bilateral" | "both" => Some(NodeSide::Bilateral),
            _ => None,
        };
        if let Some(s) = s {
            found.push(s);
        }
    }
    match found.as_slice() {
        [] => None,
        [one] => Some(*one),
        many if many.contains(&NodeSide::Right) && many.contains(&NodeSide::Left) => {
            Some(NodeSide::Bilateral)
        }
        many => Some(many[0]),
    }
}

pub(super) fn read_nodes(doc: &Doc<'_>, c: &Range<usize>, question: bool, f: &mut LungFeatures) {
    let node_nouns = doc.find_all(c.clone(), NODE_NOUNS);
    let codes: Vec<(usize, Station, Option<NodeSide>)> = c
        .clone()
        .filter_map(|i| {
            let w = doc.w(i);
            let after_station = (c.start..i)
                .rev()
                .take(4)
                .any(|k| is_any(doc, k, &["station", "stations", "level", "levels"]));
            let sided =
                matches!(doc.toks[i].kind, Kind::Word) && (w.ends_with('r') || w.ends_with('l'));
            let candidate = (doc.toks[i].kind == Kind::Num && after_station && !w.contains('.'))
                || (doc.toks[i].kind == Kind::Word
                    && (sided || after_station)
                    && w.starts_with(|ch: char| ch.is_ascii_digit()));
            // "11L, 11 mm": a number with a unit is a size, not a station.
            let unit_after = i + 1 < c.end && is_any(doc, i + 1, &["mm", "cm"]);
            if !candidate || unit_after {
                return None;
            }
            station_code(w).map(|(s, side)| (i, s, side))
        })
        .collect();
    if node_nouns.is_empty() && codes.is_empty() {
        // "Hila and mediastinum: nil avid", "No hilar or mediastinal uptake": the nodal
        // regions named without the word "node", stated free of uptake.
        if regions_stated_clear(doc, c) {
            f.nodes_negative.push(doc.clause_span(c));
        }
        return;
    }
    let span = doc.clause_span(c);
    let pats: Vec<&str> = NODE_LOCATIONS.iter().map(|l| l.0).collect();
    let mut regional: Vec<(usize, usize, NodeSite)> = Vec::new();
    let mut distant: Vec<(usize, usize)> = Vec::new();
    let abdominal = doc.has(c.clone(), ABDOMINAL_CONTEXT);
    for (s, e, k) in doc.find_all(c.clone(), &pats) {
        // "iliac bone", "femoral head" and the like are not nodes.
        if doc.match_at(e, "bone").is_some() || doc.match_at(e, "wing").is_some() {
            continue;
        }
        // "uptake above mediastinal blood pool" names a reference, not a node.
        if NODE_LOCATIONS[k].1 == Some(Station::Mediastinal)
            && (doc.match_at(e, "blood pool").is_some()
                || (s > c.start
                    && is_any(doc, s - 1, &["above", "below", "than", "to", "the"])
                    && doc.match_at(e, "blood").is_some()))
        {
            continue;
        }
        match NODE_LOCATIONS[k].1 {
            Some(Station::ParaAortic) if abdominal => distant.push((s, e)),
            Some(station) => {
                let side = node_side_before(doc, s, c);
                regional.push((s, e, NodeSite { station, side }));
            }
            None => distant.push((s, e)),
        }
    }
    for &(i, station, side) in &codes {
        let side = side.or_else(|| node_side_before(doc, i, c));
        regional.push((i, i + 1, NodeSite { station, side }));
    }
    // One node, named twice ("interlobar node at station 11L", "12R lobar node"): a mention
    // without a side takes the side of a sided mention of the same station in the clause. A
    // generic "mediastinal" next to a named mediastinal station is the container, not another
    // node ("in the mediastinum, the 4L and AP window nodes").
    let sided: Vec<(Station, NodeSide)> = regional
        .iter()
        .filter_map(|r| r.2.side.map(|sd| (r.2.station, sd)))
        .collect();
    for r in regional.iter_mut() {
        if r.2.side.is_none() {
            let same: Vec<NodeSide> = sided
                .iter()
                .filter(|x| x.0 == r.2.station)
                .map(|x| x.1)
                .collect();
            if !same.is_empty() && same.iter().all(|&x| x == same[0]) {
                r.2.side = Some(same[0]);
            }
        }
    }
    let named_mediastinal = regional.iter().any(|r| is_mediastinal_station(r.2.station));
    if named_mediastinal {
        regional.retain(|r| r.2.station != Station::Mediastinal);
    }
    let any_negated =
        node_nouns.iter().any(|m| doc.neg[m.0]) || regional.iter().any(|r| doc.neg[r.0]);
    let all_negated = node_nouns.iter().all(|m| doc.neg[m.0])
        && regional.iter().all(|r| doc.neg[r.0])
        && distant.iter().all(|r| doc.neg[r.0]);
    if all_negated || (any_negated && !doc.has_pos(c.clone(), POSITIVE)) {
        // "No hilar or mediastinal adenopathy", "No FDG-avid lymph nodes".
        let distant_only = !distant.is_empty() && regional.is_empty();
        if !distant_only {
            f.nodes_negative.push(span);
        }
        return;
    }
    if doc.has_pos(c.clone(), BENIGN) {
        f.nodes_negative.push(span.clone());
        f.disregarded.push(Found::new(
            "nodes called reactive, benign or negative by the report".into(),
            span,
        ));
        return;
    }
    if doc.has_pos(c.clone(), UNCERTAIN) {
        f.disregarded.push(Found::new(
            "equivocal nodes, not counted; sampling decides".into(),
            span,
        ));
        return;
    }
    let enlarged = short_axis_mm(doc, c).is_some_and(|mm| mm >= 10.0);
    // N1 includes involvement by direct extension of the primary ("tumour growing directly
    // into a 10R node", "invading the hilar nodes").
    let direct = doc.has_pos(c.clone(), DIRECT_EXTENSION);
    if !doc.has_pos(c.clone(), POSITIVE) && !question && !enlarged && !direct {
        for (s, e, site) in regional {
            if !doc.neg[s] {
                f.nodes_equivocal.push(Found::new(site, doc.span(s, e - 1)));
            }
        }
        return;
    }
    for (s, e, site) in regional {
        if doc.neg[s] {
            continue;
        }
        let span = doc.span(s, e - 1);
        let span = match (s > c.start).then(|| s - 1) {
            Some(b)
                if is_any(
                    doc,
                    b,
                    &["right", "left", "ipsilateral", "contralateral", "bilateral"],
                ) =>
            {
                doc.span(b, e - 1)
            }
            _ => span,
        };
        if !f.nodes.iter().any(|n| n.value == site && n.span == span) {
            f.nodes.push(Found::new(site, span));
        }
    }
    if !distant.is_empty() && distant.iter().any(|d| !doc.neg[d.0]) {
        let multiple = doc.has_pos(c.clone(), MULTIPLE)
            || (!doc.has(c.clone(), SINGLE) && doc.has(c.clone(), &["nodes", "metastases"]));
        let span = doc.clause_span(c);
        f.distant.push(Found::new(
            DistantMetastasis {
                organ: Organ::DistantNodes,
                multiple,
            },
            span,
        ));
    }
}

/// The short axis of a node described in the clause: the stated short axis, else the smaller
/// of two or more dimensions. A single dimension without "short axis" gives nothing.
fn short_axis_mm(doc: &Doc<'_>, c: &Range<usize>) -> Option<f64> {
    for s in sizes(doc, c.clone()) {
        let after = s.last + 1..(s.last + 4).min(c.end);
        if doc.has(
            after,
            &["short axis", "in short axis", "short axis diameter"],
        ) {
            return Some(s.mm);
        }
        let dims: Vec<f64> = (s.first..=s.last)
            .filter(|&k| doc.toks[k].kind == Kind::Num)
            .filter_map(|k| doc.w(k).parse::<f64>().ok())
            .collect();
        if dims.len() >= 2 {
            let scale = s.mm / dims.iter().copied().fold(0.0, f64::max);
            return dims
                .iter()
                .copied()
                .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
                .map(|d| d * scale);
        }
    }
    None
}
