//! Where the disease is (staging): nodal regions and their side, spleen, marrow, extranodal
//! sites and whether they are contiguous with nodes.

use std::ops::Range;

use crate::common::Side;
use crate::lexicon::{
    BENIGN, MULTIPLE, NODE_NOUNS, NON_AVID, NOT_NODE_AFTER, PLURAL_LESIONS, POSITIVE, UNCERTAIN,
};
use crate::lymphoma::{Extranodal, ExtranodalSite, LymphomaFeatures, NodalRegion, Region};
use crate::span::Found;
use crate::text::{is_any, Doc, Kind};

const REGIONS: &[(&str, Region)] = &[
    ("waldeyer*", Region::Waldeyer),
    ("tonsil*", Region::Waldeyer),
    ("adenoid*", Region::Waldeyer),
    ("nasopharyn*", Region::Waldeyer),
    ("base of tongue", Region::Waldeyer),
    ("supraclavicular", Region::Cervical),
    ("cervical", Region::Cervical),
    ("neck", Region::Cervical),
    ("occipital", Region::Cervical),
    ("preauricular", Region::Cervical),
    ("jugular", Region::Cervical),
    ("submandibular", Region::Cervical),
    ("submental", Region::Cervical),
    ("infraclavicular", Region::Infraclavicular),
    ("axillary", Region::Axillary),
    ("axilla", Region::Axillary),
    ("pectoral", Region::Axillary),
    ("mediastinal", Region::Mediastinal),
    ("mediastinum", Region::Mediastinal),
    ("paratracheal", Region::Mediastinal),
    ("prevascular", Region::Mediastinal),
    ("subcarinal", Region::Mediastinal),
    ("aortopulmonary", Region::Mediastinal),
    ("thymus", Region::Mediastinal),
    ("thymic", Region::Mediastinal),
    ("internal mammary", Region::Mediastinal),
    ("cardiophrenic", Region::Mediastinal),
    ("paracardiac", Region::Mediastinal),
    ("splenic hilar", Region::Mesenteric),
    ("splenic hilum", Region::Mesenteric),
    ("hilar", Region::Hilar),
    ("hilum", Region::Hilar),
    ("hila", Region::Hilar),
    ("epitrochlear", Region::Epitrochlear),
    ("para aortic", Region::ParaAortic),
    ("paraaortic", Region::ParaAortic),
    ("retroperitoneal", Region::ParaAortic),
    ("retroperitoneum", Region::ParaAortic),
    ("aortocaval", Region::ParaAortic),
    ("interaortocaval", Region::ParaAortic),
    ("paracaval", Region::ParaAortic),
    ("retrocaval", Region::ParaAortic),
    ("retrocrural", Region::ParaAortic),
    ("mesenteric", Region::Mesenteric),
    ("mesentery", Region::Mesenteric),
    ("celiac", Region::Mesenteric),
    ("coeliac", Region::Mesenteric),
    ("porta hepatis", Region::Mesenteric),
    ("portocaval", Region::Mesenteric),
    ("peripancreatic", Region::Mesenteric),
    ("iliac", Region::Iliac),
    ("pelvic", Region::Iliac),
    ("obturator", Region::Iliac),
    ("inguinal", Region::Inguinal),
    ("groin", Region::Inguinal),
    ("femoral", Region::Inguinal),
    ("popliteal", Region::Popliteal),
];

/// Region words that are lymphatic tissue by themselves (no "node" needed).
const INHERENTLY_LYMPHATIC: &[Region] = &[Region::Waldeyer];

const NODAL_CONTEXT: &[&str] = &[
    "node",
    "nodes",
    "lymph",
    "nodal",
    "adenopathy",
    "lymphadenopathy",
    "mass",
    "masses",
    "conglomerate",
    "chain",
    "chains",
    "cluster",
    "group",
    "station",
    "stations",
];

const EXTRANODAL: &[(&str, ExtranodalSite)] = &[
    ("lung parenchyma", ExtranodalSite::Lung),
    ("lung", ExtranodalSite::Lung),
    ("lungs", ExtranodalSite::Lung),
    ("pulmonary", ExtranodalSite::Lung),
    ("upper lobe", ExtranodalSite::Lung),
    ("middle lobe", ExtranodalSite::Lung),
    ("lower lobe", ExtranodalSite::Lung),
    ("lingula*", ExtranodalSite::Lung),
    ("liver", ExtranodalSite::Liver),
    ("hepatic", ExtranodalSite::Liver),
    ("hepatomegaly", ExtranodalSite::Liver),
    ("bone", ExtranodalSite::Bone),
    ("bones", ExtranodalSite::Bone),
    ("osseous", ExtranodalSite::Bone),
    ("skeletal", ExtranodalSite::Bone),
    ("lytic", ExtranodalSite::Bone),
    ("femur", ExtranodalSite::Bone),
    ("femoral diaphysis", ExtranodalSite::Bone),
    ("femoral head", ExtranodalSite::Bone),
    ("femoral shaft", ExtranodalSite::Bone),
    ("vertebra*", ExtranodalSite::Bone),
    ("spine", ExtranodalSite::Bone),
    ("sternum", ExtranodalSite::Bone),
    ("rib", ExtranodalSite::Bone),
    ("ribs", ExtranodalSite::Bone),
    ("sacrum", ExtranodalSite::Bone),
    ("humerus", ExtranodalSite::Bone),
    ("iliac bone", ExtranodalSite::Bone),
    ("stomach", ExtranodalSite::Stomach),
    ("gastric", ExtranodalSite::Stomach),
    ("bowel", ExtranodalSite::Bowel),
    ("intestin*", ExtranodalSite::Bowel),
    ("ileum", ExtranodalSite::Bowel),
    ("ileal", ExtranodalSite::Bowel),
    ("jejun*", ExtranodalSite::Bowel),
    ("colon", ExtranodalSite::Bowel),
    ("colonic", ExtranodalSite::Bowel),
    ("duoden*", ExtranodalSite::Bowel),
    ("caecum", ExtranodalSite::Bowel),
    ("cecum", ExtranodalSite::Bowel),
    ("kidney", ExtranodalSite::Kidney),
    ("kidneys", ExtranodalSite::Kidney),
    ("renal", ExtranodalSite::Kidney),
    ("adrenal*", ExtranodalSite::Adrenal),
    ("thyroid", ExtranodalSite::Thyroid),
    ("breast", ExtranodalSite::Breast),
    ("testis", ExtranodalSite::Testis),
    ("testicular", ExtranodalSite::Testis),
    ("skin", ExtranodalSite::Skin),
    ("cutaneous", ExtranodalSite::Skin),
    ("subcutaneous", ExtranodalSite::Skin),
    ("brain", ExtranodalSite::Cns),
    ("cerebral", ExtranodalSite::Cns),
    ("cns", ExtranodalSite::Cns),
    ("leptomeningeal", ExtranodalSite::Cns),
    ("pleura", ExtranodalSite::Pleura),
    ("pleural", ExtranodalSite::Pleura),
    ("pericardium", ExtranodalSite::Pericardium),
    ("pericardial", ExtranodalSite::Pericardium),
    ("chest wall", ExtranodalSite::SoftTissue),
    ("musculature", ExtranodalSite::SoftTissue),
    ("muscle", ExtranodalSite::SoftTissue),
    ("soft tissues", ExtranodalSite::SoftTissue),
    ("orbit*", ExtranodalSite::Orbit),
    ("sinus*", ExtranodalSite::Sinus),
    ("nasal cavity", ExtranodalSite::Sinus),
    ("pancrea*", ExtranodalSite::Pancreas),
    ("parotid", ExtranodalSite::Salivary),
    ("salivary", ExtranodalSite::Salivary),
];

/// Words that make an extranodal finding disease: uptake, involvement or extension. A lesion
/// or thickening without any of them (mucosal thickening, a cyst) is not counted.
const EXTRANODAL_POSITIVE: &[&str] = &[
    "extension",
    "extends",
    "extending",
    "contiguous",
    "infiltrat*",
    "lymphoma",
    "lymphomatous",
    "dlbcl",
    "proven",
    "diffuse uptake",
    "diffuse fdg uptake",
    "direct invasion",
    "invasion",
    "invading",
    "involvement",
    "involved",
    "fdg avid",
    "avid",
    "hypermetabolic",
    "hypermetabolism",
    "intense",
    "increased uptake",
    "increased fdg uptake",
    "focal uptake",
    "marked uptake",
    "deposit*",
    "increased tracer",
    "tracer accumulation",
    "fdg uptake",
    "metabolically active",
    "marked",
    "markedly",
    "multifocal",
    "growing into",
    "growing through",
    "grows into",
    "grows through",
    "growing directly",
    "directly",
];

/// Words after an organ that make it a place name for nodes ("small bowel mesentery").
const LOCATION_IDIOM_AFTER: &[&str] = &[
    "mesentery",
    "mesenteric",
    "hila",
    "hilum",
    "hilar",
    "ligament",
    "root",
];

const CONTIGUOUS: &[&str] = &[
    "direct extension",
    "directly",
    "extends into",
    "extending into",
    "extension into",
    "extends to",
    "contiguous",
    "direct invasion",
    "invading the adjacent",
    "invasion of the adjacent",
    "infiltrating the adjacent",
    "growing into",
    "growing through",
    "grows through",
    "through the",
    "adjacent",
    "continuity",
    "continuous with",
];

const NOT_CONTIGUOUS: &[&str] = &[
    "separate",
    "separately",
    "discontinuous",
    "distant",
    "remote",
];

/// Words that, right before "liver" or "mediastinum", make it a reference, not a site.
const COMPARATIVE: &[&str] = &[
    "above",
    "below",
    "than",
    "to",
    "vs",
    "versus",
    "exceeding",
    "exceeds",
    "under",
    "over",
];

/// A structure named as a level landmark, not a site: "nodes at the level of the renal hila",
/// "at the level of the aortic bifurcation"; also another organ's hilum ("renal hila").
fn landmark(doc: &Doc<'_>, s: usize, c: &Range<usize>) -> bool {
    // From "level of" to the end of its noun phrase ("at the level of the renal veins and
    // the kidneys"): no comma or clause word in between.
    let lo = c.start.max(s.saturating_sub(10));
    let level = (lo..s).any(|k| {
        doc.match_at(k, "level of").is_some()
            && !(k..s).any(|j| doc.is_punct(j, ",") || is_any(doc, j, &["with", "plus", "also"]))
    });
    let organ_hilum = s > c.start
        && is_any(doc, s, &["hila", "hilum", "hilar"])
        && is_any(
            doc,
            s - 1,
            &["renal", "splenic", "hepatic", "liver", "kidney"],
        );
    level || organ_hilum
}

/// Side words written before token `i` in the same noun phrase: right, left or both.
fn sides_before(doc: &Doc<'_>, i: usize, c: &Range<usize>) -> Vec<Side> {
    let lo = c.start.max(i.saturating_sub(5));
    let mut out = Vec::new();
    let mut k = i;
    while k > lo {
        k -= 1;
        if is_any(doc, k, &["with", "in", "of", "no", "without", "at", "from"])
            || is_any(doc, k, NODE_NOUNS)
            || doc.toks[k].kind == Kind::Num
        {
            break;
        }
        match doc.w(k) {
            "right" => out.push(Side::Right),
            "left" => out.push(Side::Left),
            "bilateral" | "both" | "bilaterally" => {
                out.push(Side::Right);
                out.push(Side::Left);
            }
            _ => {}
        }
    }
    out.sort_by_key(|s| *s == Side::Left);
    out.dedup();
    out
}

pub(super) fn read_regions(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    let pats: Vec<&str> = REGIONS.iter().map(|r| r.0).collect();
    let matches = doc.find_all(c.clone(), &pats);
    if matches.is_empty() {
        return;
    }
    let nodal_ctx = doc.has(c.clone(), NODAL_CONTEXT);
    let positive = doc.has_pos(c.clone(), POSITIVE)
        || doc.has_pos(
            c.clone(),
            &["mass", "bulky", "disease", "conglomerate", "lymphoma"],
        );
    let benign = doc.has_pos(c.clone(), BENIGN);
    for (s, e, k) in matches {
        let region = REGIONS[k].1;
        if doc.neg[s] || landmark(doc, s, c) {
            continue;
        }
        if e < doc.toks.len() && is_any(doc, e, NOT_NODE_AFTER) && REGIONS[k].0 != "splenic hilar" {
            continue;
        }
        if !(nodal_ctx || INHERENTLY_LYMPHATIC.contains(&region)) {
            continue;
        }
        // "uptake above mediastinal blood pool" names a reference, not a site.
        if region == Region::Mediastinal
            && (doc.match_at(e, "blood pool").is_some()
                || (s > c.start && is_any(doc, s - 1, COMPARATIVE)))
        {
            continue;
        }
        if benign {
            if !physiological(doc, c) {
                f.disregarded.push(Found::new("nodes called reactive or benign by the report (pitfall-sarcoid-like, pitfall-infection-inflammation)".into(), doc.clause_span(c)));
            }
            return;
        }
        if !positive {
            continue;
        }
        let sides = sides_before(doc, s, c);
        let first = c.start.max(s.saturating_sub(4));
        let start = (first..s)
            .find(|&k| {
                matches!(doc.w(k), "right" | "left" | "bilateral" | "both")
                    && !(k..s).any(|j| is_any(doc, j, NODE_NOUNS) || doc.is_punct(j, ","))
            })
            .unwrap_or(s);
        let span = doc.span(start, e - 1);
        if region.paired() && !sides.is_empty() {
            for side in sides {
                f.nodal.push(Found::new(
                    NodalRegion {
                        region,
                        side: Some(side),
                    },
                    span.clone(),
                ));
            }
        } else {
            f.nodal
                .push(Found::new(NodalRegion { region, side: None }, span));
        }
    }
}

pub(super) fn read_spleen(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    if f.spleen.is_some() {
        return;
    }
    let Some(&(s, _, _)) = doc
        .find_all(c.clone(), &["spleen", "splenic", "splenomegaly"])
        .iter()
        .find(|m| doc.match_at(m.1, "hilar").is_none() && doc.match_at(m.1, "hilum").is_none())
    else {
        return;
    };
    if doc.neg[s] || doc.has(c.clone(), NON_AVID) {
        return;
    }
    if doc.has_pos(c.clone(), BENIGN) {
        if !physiological(doc, c) {
            f.disregarded.push(Found::new(
                "splenic uptake called reactive by the report (pitfall-gcsf-marrow)".into(),
                doc.clause_span(c),
            ));
        }
        return;
    }
    if doc.has_pos(
        c.clone(),
        &[
            "avid",
            "lesion*",
            "involvement",
            "involved",
            "infiltrat*",
            "splenomegaly",
            "focal",
            "nodul*",
            "diffuse uptake",
            "diffuse fdg uptake",
            "uptake above",
            "above liver",
            "hypermetabolic",
            "deposit*",
            "mass",
            "lymphoma",
        ],
    ) {
        f.spleen = Some(doc.clause_span(c));
    }
}

pub(super) fn read_marrow(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    if f.marrow.is_some() {
        return;
    }
    // The marrow, or its biopsy named without the word ("iliac crest trephine positive").
    let Some(&(s, _, _)) = doc
        .find_all(
            c.clone(),
            &[
                "marrow",
                "trephine",
                "bmb",
                "iliac crest biopsy",
                "iliac crest aspirate",
            ],
        )
        .first()
    else {
        return;
    };
    if doc.neg[s] {
        return;
    }
    if doc.has_pos(c.clone(), BENIGN) || doc.has_pos(c.clone(), &["homogeneous", "homogeneously"]) {
        f.disregarded.push(Found::new("diffuse or reactive marrow uptake, not involvement (lugano2014-marrow, pitfall-gcsf-marrow)".into(), doc.clause_span(c)));
        return;
    }
    if doc.has_pos(
        c.clone(),
        &[
            "focal",
            "multifocal",
            "lesion*",
            "involvement",
            "involved",
            "infiltrat*",
            "biopsy positive",
            "positive",
            "avid",
            "patchy",
            "deposit*",
            "lymphoma",
        ],
    ) {
        f.marrow = Some(doc.clause_span(c));
    }
}

pub(super) fn read_extranodal(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    let pats: Vec<&str> = EXTRANODAL.iter().map(|x| x.0).collect();
    let found: Vec<(usize, usize, ExtranodalSite)> = doc
        .find_all(c.clone(), &pats)
        .into_iter()
        .filter(|&(s, e, _)| {
            !doc.neg[s]
                && doc.match_at(e, "marrow").is_none()
                && !(s > c.start && is_any(doc, s - 1, COMPARATIVE))
                && doc.match_at(e, "suv*").is_none()
                && !(e < doc.toks.len() && is_any(doc, e, LOCATION_IDIOM_AFTER))
                && !(e < doc.toks.len() && doc.toks[e].kind == Kind::Num)
        })
        // A level landmark ("at the level of the renal hila") is not a site.
        .filter(|&(s, _, _)| !landmark(doc, s, c))
        .map(|(s, e, k)| (s, e, EXTRANODAL[k].1))
        .collect();
    if found.is_empty() || doc.has(c.clone(), NON_AVID) {
        return;
    }
    if doc.has_pos(c.clone(), BENIGN)
        || doc.has(c.clone(), &["effusion*"])
            && !doc.has_pos(
                c.clone(),
                &["avid", "hypermetabolic", "nodul*", "thickening"],
            )
    {
        if !physiological(doc, c) {
            f.disregarded.push(Found::new(
                "extranodal finding called benign or a mimic by the report".into(),
                doc.clause_span(c),
            ));
        }
        return;
    }
    if doc.has_pos(c.clone(), UNCERTAIN) {
        f.disregarded.push(Found::new(
            "equivocal extranodal finding, not counted".into(),
            doc.clause_span(c),
        ));
        return;
    }
    if !doc.has_pos(c.clone(), EXTRANODAL_POSITIVE) && !focal_lesions(doc, c) {
        return;
    }
    let contiguous = doc.has_pos(c.clone(), CONTIGUOUS) && !doc.has(c.clone(), NOT_CONTIGUOUS);
    let multiple = doc.has_pos(c.clone(), MULTIPLE)
        || doc
            .find_all(c.clone(), PLURAL_LESIONS)
            .iter()
            .any(|m| doc.w(m.0) != "nodes");
    let span = doc.clause_span(c);
    let mut seen = Vec::new();
    for (_, _, site) in found {
        if seen.contains(&site) {
            continue;
        }
        seen.push(site);
        match f.extranodal.iter_mut().find(|x| x.value.site == site) {
            Some(x) => {
                x.value.multiple |= multiple;
                x.value.contiguous &= contiguous;
            }
            None => f.extranodal.push(Found::new(
                Extranodal {
                    site,
                    contiguous,
                    multiple,
                },
                span.clone(),
            )),
        }
    }
}

/// "Focal hepatic lesions", "focal splenic and hepatic lesions": on PET a focal lesion in an
/// organ is a finding, not a mere shape ("focal" and a lesion noun within a few words).
fn focal_lesions(doc: &Doc<'_>, c: &Range<usize>) -> bool {
    c.clone().any(|k| {
        is_any(doc, k, &["focal"])
            && !doc.neg[k]
            && (k + 1..(k + 6).min(c.end))
                .take_while(|&j| doc.toks[j].kind != Kind::Punct)
                .any(|j| is_any(doc, j, &["lesion*", "deposit*", "nodul*", "foci", "masses"]))
    })
}

/// A statement of normal or physiological activity: not worth a note when not counted.
fn physiological(doc: &Doc<'_>, c: &Range<usize>) -> bool {
    doc.has(c.clone(), &["physiologic*", "normal", "expected"])
}
