//! Spread beyond the primary: separate tumour nodules (T3, T4 or M1a), pleural and pericardial
//! findings, and extrathoracic metastases.

use std::ops::Range;

use crate::lexicon::{BENIGN, MULTIPLE, NODE_NOUNS, NON_AVID, PLURAL_LESIONS, SINGLE, UNCERTAIN};
use crate::lung::{
    DistantMetastasis, LungFeatures, Nature, NoduleRelation, Organ, SeparateNodule, SerosalFinding,
    SerosalSite,
};
use crate::span::Found;
use crate::text::{is_any, Doc};

use super::{lobes, near_organ, side_word, LUNG_LOCATION, ORGANS};

const RELATION_PHRASES: &[&str] = &[
    "same lobe",
    "satellite",
    "separate tumour nodule",
    "separate tumor nodule",
    "additional tumour nodule",
    "additional tumor nodule",
    "additional nodule",
    "contralateral",
    "different ipsilateral lobe",
    "different lobe",
    "another lobe",
    "both lungs",
];

const MET_POSITIVE: &[&str] = &[
    "metasta*",
    "fdg avid",
    "avid",
    "hypermetabolic",
    "hypermetabolism",
    "metabolically active",
    "intense",
    "intensely",
    "marked",
    "markedly",
    "increased uptake",
    "increased fdg uptake",
    "increased tracer",
    "lytic",
    "sclerotic",
    "deposit*",
    "suspicious",
    "malignan*",
];

const DISTANT_NEGATIVE: &[&str] = &[
    "distant",
    "metasta*",
    "extrathoracic",
    "extra thoracic",
    "elsewhere",
    "liver",
    "hepatic",
    "adrenal*",
    "osseous",
    "skeletal",
    "skeleton",
    "bone",
    "bones",
    "brain",
    "abdomen",
    "abdominal",
    "pelvis",
];

pub(super) fn read_separate_nodules(
    doc: &Doc<'_>,
    c: &Range<usize>,
    primary: Option<usize>,
    question: bool,
    f: &mut LungFeatures,
) {
    const NOUNS: &[&str] = &[
        "nodule",
        "nodules",
        "lesion",
        "lesions",
        "opacity",
        "opacities",
        "metastases",
        "metastasis",
        "deposits",
        "mass",
        "masses",
        "tumour",
        "tumor",
    ];
    let Some(i) = c
        .clone()
        .find(|&i| Some(i) != primary && is_any(doc, i, NOUNS) && !doc.neg[i])
    else {
        return;
    };
    if doc.has(c.clone(), NODE_NOUNS) && !doc.has(c.clone(), &["nodule*"]) {
        return;
    }
    if near_organ(doc, i, c).is_some() || doc.has(c.clone(), &["brain", "mri"]) {
        return;
    }
    let before = c.start.max(i.saturating_sub(5))..i;
    let marked = before.clone().any(|k| {
        is_any(
            doc,
            k,
            &[
                "separate",
                "second",
                "satellite",
                "additional",
                "another",
                "other",
                "further",
                "contralateral",
                "multiple",
                "several",
                "bilateral",
            ],
        )
    }) || doc.has(c.clone(), RELATION_PHRASES);
    let plural = is_any(
        doc,
        i,
        &[
            "nodules",
            "lesions",
            "opacities",
            "metastases",
            "deposits",
            "masses",
        ],
    );
    let lung_ctx = doc.has(c.clone(), LUNG_LOCATION)
        || lobes(doc, c.clone()).next().is_some()
        || doc.has(c.clone(), &["same lobe"]);
    if !lung_ctx {
        return;
    }
    // A singular noun with no marker of separateness is the primary again, unless it sits in a
    // lobe other than the primary's.
    let lobe_after = lobes(doc, i..c.end).next();
    let lobe_any = lobe_after.or_else(|| lobes(doc, c.clone()).filter(|l| l.1 <= i).last());
    let primary_lobe = f.primary_lobe.as_ref().map(|l| l.value);
    if !marked && !plural {
        let in_primary_clause = primary.is_some_and(|p| c.contains(&p));
        let lobe = if in_primary_clause {
            lobe_after
        } else {
            lobe_any
        };
        let other_lobe = lobe.is_some_and(|l| Some(l.2) != primary_lobe) && primary_lobe.is_some();
        if !other_lobe {
            return;
        }
    }
    let span = doc.clause_span(c);
    if doc.has_pos(c.clone(), BENIGN) {
        f.disregarded.push(Found::new(
            "nodule called benign or a mimic by the report".into(),
            span,
        ));
        return;
    }
    if doc.has_pos(c.clone(), UNCERTAIN) {
        f.disregarded.push(Found::new(
            "indeterminate nodule, not counted as a separate tumour nodule".into(),
            span,
        ));
        return;
    }
    let positive = doc.has_pos(
        c.clone(),
        &[
            "fdg avid",
            "avid",
            "hypermetabolic",
            "hypermetabolism",
            "metabolically active",
            "uptake",
            "metasta*",
            "suspicious",
            "satellite",
            "separate tumour",
            "separate tumor",
            "malignan*",
            "tumour nodule",
            "tumor nodule",
            "deposit*",
        ],
    );
    if !(positive || question && marked) {
        f.disregarded.push(Found::new(
            "nodule without features of malignancy".into(),
            span,
        ));
        return;
    }
    let mut nod = SeparateNodule {
        lobe: None,
        side: None,
        relation: None,
    };
    if doc.has(c.clone(), &["same lobe", "satellite"]) {
        nod.relation = Some(NoduleRelation::SameLobe);
    } else if doc.has(c.clone(), &["contralateral", "both lungs", "bilateral"]) {
        nod.relation = Some(NoduleRelation::Contralateral);
    } else if doc.has(
        c.clone(),
        &[
            "different ipsilateral lobe",
            "different lobe",
            "another lobe",
            "other lobe",
            "another ipsilateral lobe",
        ],
    ) {
        nod.relation = Some(NoduleRelation::OtherIpsilateralLobe);
    }
    let lobe = lobe_after.or_else(|| {
        // In the primary's clause, lobes before the noun belong to the primary.
        if primary.is_some_and(|p| c.contains(&p)) {
            None
        } else {
            lobes(doc, c.clone()).min_by_key(|l| i.abs_diff(l.0))
        }
    });
    if let Some((_, _, l)) = lobe {
        nod.lobe = Some(l);
    } else if let Some(k) = (c.start..c.end)
        .find(|&k| side_word(doc, k).is_some() && doc.match_at(k + 1, "lung").is_some())
    {
        nod.side = side_word(doc, k);
    }
    f.separate_nodules.push(Found::new(nod, span));
}

pub(super) fn read_serosal(doc: &Doc<'_>, c: &Range<usize>, f: &mut LungFeatures) {
    let eff = doc.find_all(c.clone(), &["effusion", "effusions"]);
    let nodular = doc.find_all(
        c.clone(),
        &[
            "pleural nodul*",
            "pleural thickening",
            "pleural deposit*",
            "pleural implant*",
            "pleural metasta*",
            "pericardial nodul*",
            "pericardial deposit*",
            "pericardial metasta*",
        ],
    );
    let Some(&(s, _, _)) = eff.first().or(nodular.first()) else {
        return;
    };
    if doc.neg[s] {
        return;
    }
    let pericardial = doc.has(c.clone(), &["pericardial", "pericardium"]);
    let site = match (eff.is_empty(), pericardial) {
        (false, false) => SerosalSite::PleuralEffusion,
        (false, true) => SerosalSite::PericardialEffusion,
        (true, false) => SerosalSite::PleuralNodules,
        (true, true) => SerosalSite::PericardialNodules,
    };
    // The nature of an effusion is often given in the clauses that follow in the same sentence
    // ("Large left effusion; thoracentesis cytology positive for adenocarcinoma").
    let ext = effusion_context(doc, c);
    let nature = if doc.has_pos(
        ext.clone(),
        &[
            "malignant",
            "cytology positive",
            "positive cytology",
            "cytologically positive",
            "positive for adenocarcinoma",
            "positive for carcinoma",
            "positive for malignan*",
            "malignant cells",
            "tumour cells",
            "tumor cells",
            "fdg avid",
            "avid",
            "hypermetabolic",
            "nodular",
            "nodularity",
            "metasta*",
            "deposit*",
            "implant*",
        ],
    ) {
        Nature::Malignant
    } else if doc.has_pos(
        ext.clone(),
        &[
            "cytology negative",
            "negative cytology",
            "cytologically negative",
            "negative on cytology",
            "unrelated to the tumour",
            "unrelated to the tumor",
            "not related to the tumour",
            "not related to the tumor",
            "transudat*",
            "benign",
            "reactive",
            "heart failure",
            "cardiac failure",
            "post operative",
            "postoperative",
            "parapneumonic",
        ],
    ) {
        Nature::Benign
    } else {
        Nature::Undetermined
    };
    f.serosal.push(Found::new(
        SerosalFinding { site, nature },
        doc.clause_span(&ext),
    ));
}

/// Clause `c` and the clauses after it in the same sentence that say what the fluid is
/// (cytology, thoracentesis, transudate, judged unrelated), up to the first that is not.
fn effusion_context(doc: &Doc<'_>, c: &Range<usize>) -> Range<usize> {
    const FLUID: &[&str] = &[
        "cytolog*",
        "thoracent*",
        "thoracocent*",
        "pleurocent*",
        "pericardiocent*",
        "aspirat*",
        "fluid",
        "transudat*",
        "exudat*",
        "bloody",
        "unrelated",
        "not related",
        "it",
    ];
    let Some(sent) = doc.sents.iter().find(|s| s.contains(&c.start)) else {
        return c.clone();
    };
    let mut end = c.end;
    for next in doc
        .clauses
        .iter()
        .filter(|k| k.start >= c.end && k.end <= sent.end)
    {
        if next.start != end || !doc.has(next.clone(), FLUID) {
            break;
        }
        end = next.end;
    }
    c.start..end
}

/// An organ named as the uptake reference, not as a site: "uptake well above liver", "more
/// intense than the liver", "liver SUVmax 2.1", "(liver 2.4)", "hepatic reference".
fn is_reference_organ(doc: &Doc<'_>, s: usize, c: &Range<usize>) -> bool {
    const COMPARE: &[&str] = &[
        "above",
        "below",
        "than",
        "exceeding",
        "exceeds",
        "versus",
        "vs",
        "to",
        "over",
    ];
    let mut b = s;
    while b > c.start && is_any(doc, b - 1, &["the", "normal", "background"]) {
        b -= 1;
    }
    let compared = b > c.start && is_any(doc, b - 1, COMPARE);
    let valued = s + 1 < c.end
        && (doc.toks[s + 1].kind == crate::text::Kind::Num
            || is_any(doc, s + 1, &["suv*", "reference", "background", "blood"]));
    compared || valued
}

/// "No FDG-avid lymph nodes and no metastases": a negated "metastases" that is its own item
/// in a list after the nodes (a conjunction or comma between the last node word and it, and no
/// node word after it), so not "no nodal metastases".
fn listed_metastases_negated(doc: &Doc<'_>, c: &Range<usize>) -> Option<(usize, usize, usize)> {
    doc.find_all(c.clone(), &["metasta*"])
        .into_iter()
        .find(|&(m, e, _)| {
            let Some(last_node) = (c.start..m).rev().find(|&k| is_any(doc, k, NODE_NOUNS)) else {
                return false;
            };
            doc.neg[m]
                && (last_node + 1..m)
                    .any(|k| is_any(doc, k, &["and", "or", "nor"]) || doc.is_punct(k, ","))
                && !doc.has(e..c.end, NODE_NOUNS)
        })
}

pub(super) fn read_distant(
    doc: &Doc<'_>,
    c: &Range<usize>,
    primary: Option<usize>,
    f: &mut LungFeatures,
) {
    if doc.has(c.clone(), NODE_NOUNS) {
        // Distant nodes are read with the nodes; a negative statement still counts ("with a
        // subcarinal node and no distant metastases").
        let negated = doc
            .find_all(
                c.clone(),
                &["distant", "extrathoracic", "extra thoracic", "elsewhere"],
            )
            .into_iter()
            .find(|m| doc.neg[m.0])
            .or_else(|| listed_metastases_negated(doc, c));
        if let Some((d, _, _)) = negated {
            // From the negation trigger to the end of the clause.
            let trigger = (c.start..d).rev().find(|&k| !doc.neg[k]).unwrap_or(c.start);
            f.distant_negative.push(doc.clause_span(&(trigger..c.end)));
        }
        return;
    }
    let pats: Vec<&str> = ORGANS.iter().map(|o| o.0).collect();
    let mut organs: Vec<(usize, Organ)> = Vec::new();
    for (s, _, k) in doc.find_all(c.clone(), &pats) {
        if doc.match_at(s + 1, "marrow").is_some() {
            continue;
        }
        if is_reference_organ(doc, s, c) {
            continue;
        }
        // "destruction of the adjacent 8th rib", "invasion of the T9 vertebral body" (but not
        // "metastases involving the liver").
        const DIRECT: &[&str] = &[
            "invad*",
            "invasion",
            "destr*",
            "erosion",
            "erod*",
            "infiltrat*",
            "extend*",
            "extension",
            "encas*",
        ];
        let invaded = !doc.has(c.clone(), &["metasta*"])
            && (c.start.max(s.saturating_sub(6))..s).any(|k| is_any(doc, k, DIRECT));
        if invaded {
            continue;
        }
        organs.push((s, ORGANS[k].1));
    }
    // Vertebral levels written as T10, L2.
    for i in c.clone() {
        let w = doc.w(i);
        let level = w.len() >= 2
            && w.len() <= 3
            && matches!(w.as_bytes()[0], b't' | b'l' | b'c' | b's')
            && w[1..].chars().all(|ch| ch.is_ascii_digit());
        let context = (i > c.start && is_any(doc, i - 1, &["in", "at", "of"]))
            || (i + 1 < c.end && is_any(doc, i + 1, &["vertebra*", "vertebral"]));
        if level && context {
            organs.push((i, Organ::Bone));
        }
    }
    let negative = doc
        .find_all(c.clone(), DISTANT_NEGATIVE)
        .iter()
        .any(|m| doc.neg[m.0]);
    if negative && organs.iter().all(|o| doc.neg[o.0]) {
        f.distant_negative.push(doc.clause_span(c));
        return;
    }
    let organs: Vec<(usize, Organ)> = organs.into_iter().filter(|o| !doc.neg[o.0]).collect();
    if organs.is_empty() {
        return;
    }
    if primary.is_some_and(|p| c.contains(&p)) && !doc.has(c.clone(), &["metasta*"]) {
        return;
    }
    let span = doc.clause_span(c);
    const LESION: &[&str] = &[
        "lesion*", "nodule*", "mass", "masses", "focus", "foci", "deposit*", "metasta*",
    ];
    let lesion = doc.has(c.clone(), LESION);
    if doc.has_pos(c.clone(), BENIGN) || doc.has(c.clone(), NON_AVID) {
        // "Physiologic activity in the liver", "adrenal glands … without focal uptake": the
        // organ is stated clear; a lesion called benign is also worth a note.
        if lesion
            && !doc.has(c.clone(), NON_AVID)
            && !doc.has(c.clone(), &["physiologic*", "normal"])
        {
            f.disregarded.push(Found::new(
                "lesion called benign or a mimic by the report".into(),
                span.clone(),
            ));
        }
        if !doc.has_pos(c.clone(), MET_POSITIVE) || doc.has(c.clone(), NON_AVID) {
            f.distant_negative.push(span);
        }
        return;
    }
    if doc.has_pos(c.clone(), UNCERTAIN) {
        f.disregarded.push(Found::new(
            "indeterminate lesion, not counted as a metastasis".into(),
            span,
        ));
        return;
    }
    // A lesion with FDG uptake ("nodule with moderate FDG uptake"), unless the uptake is said
    // to be low against a reference.
    let uptake = lesion
        && doc.find_all(c.clone(), &["uptake"]).iter().any(|m| {
            !doc.neg[m.0]
                && !doc.has(
                    m.1..(m.1 + 3).min(c.end),
                    &["below", "less", "lower", "similar", "equal"],
                )
        });
    if !doc.has_pos(c.clone(), MET_POSITIVE) && !uptake {
        return;
    }
    let multiple = if doc.has_pos(c.clone(), MULTIPLE) {
        true
    } else if doc.has(c.clone(), SINGLE) {
        false
    } else {
        doc.has(c.clone(), PLURAL_LESIONS)
    };
    let mut seen = Vec::new();
    for (_, organ) in organs {
        if !seen.contains(&organ) {
            seen.push(organ);
            f.distant.push(Found::new(
                DistantMetastasis { organ, multiple },
                span.clone(),
            ));
        }
    }
}
