//! Rule-based reading of lymphoma findings text into [`LymphomaFeatures`].

use std::ops::Range;

use crate::lexicon::{
    BENIGN, FOLLOW_UP, FOLLOW_UP_WEAK, MULTIPLE, NODE_NOUNS, NON_AVID, PLURAL_LESIONS, POSITIVE,
    STAGING, UNCERTAIN,
};
use crate::lung::Side;
use crate::lymphoma::{
    Change, Extranodal, ExtranodalSite, LuganoStage, LymphomaFeatures, NewLesion, NodalRegion,
    Region, ScoreRange, Timepoint,
};
use crate::span::Found;
use crate::text::{word_matches, Doc, Kind};

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
const NOT_NODE_AFTER: &[&str] = &[
    "bone",
    "crest",
    "wing",
    "diaphysis",
    "head",
    "neck",
    "shaft",
    "metaphysis",
    "epiphysis",
    "lobe",
    "vessels",
    "artery",
    "vein",
    "muscle",
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
];
/// Words after an organ that make it a place name for nodes ("small bowel mesentery").
const LOCATION_IDIOM_AFTER: &[&str] = &[
    "mesentery",
    "mesenteric",
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

/// Read lymphoma findings text into features. Pure; never fails.
pub fn extract_lymphoma(text: &str) -> LymphomaFeatures {
    let doc = Doc::new(text);
    let mut f = LymphomaFeatures {
        timepoint: timepoint(&doc),
        ..Default::default()
    };
    for c in doc.clauses.clone() {
        read_regions(&doc, &c, &mut f);
        read_spleen(&doc, &c, &mut f);
        read_marrow(&doc, &c, &mut f);
        read_extranodal(&doc, &c, &mut f);
        read_new(&doc, &c, &mut f);
    }
    read_stated_stage(&doc, &mut f);
    read_deauville(&doc, &mut f);
    for s in doc.sents.clone() {
        read_uptake(&doc, &s, &mut f);
        read_change(&doc, &s, &mut f);
    }
    read_suv(&doc, &mut f);
    read_no_baseline(&doc, &mut f);
    f
}

fn is_any(doc: &Doc<'_>, i: usize, pats: &[&str]) -> bool {
    doc.toks[i].kind == Kind::Word && pats.iter().any(|p| word_matches(doc.w(i), p))
}

/// A statement of normal or physiological activity: not worth a note when not counted.
fn physiological(doc: &Doc<'_>, c: &Range<usize>) -> bool {
    doc.has(c.clone(), &["physiologic*", "normal", "expected"])
}

/// "after carboplatin", "completed R-CHOP": a treatment word after a word saying it was given.
pub(crate) fn treatment_given(doc: &Doc<'_>) -> Option<(usize, usize)> {
    for (s, e, _) in doc.find_all(0..doc.toks.len(), crate::lexicon::TREATMENTS) {
        if doc.neg[s] {
            continue;
        }
        let lo = s.saturating_sub(3);
        if let Some(k) = (lo..s).find(|&k| is_any(doc, k, crate::lexicon::TREATED_BY)) {
            // "before treatment", "prior to treatment" are staging.
            if !(lo..s).any(|j| is_any(doc, j, &["before", "prior", "pre", "planning"])) {
                return Some((k, e - 1));
            }
        }
    }
    None
}

/// Staging or response scan, from the words of the whole text.
pub(crate) fn timepoint(doc: &Doc<'_>) -> Option<Found<Timepoint>> {
    let all = 0..doc.toks.len();
    let first = |pats: &[&str]| {
        doc.find_all(all.clone(), pats)
            .into_iter()
            .find(|m| !doc.neg[m.0] || doc.w(m.0) == "interim")
    };
    let kind = || {
        if doc.has(all.clone(), &["interim"]) {
            Timepoint::Interim
        } else if doc.has(all.clone(), &["end of treatment", "end of therapy", "eot"]) {
            Timepoint::EndOfTreatment
        } else {
            Timepoint::FollowUp
        }
    };
    if let Some((s, e, _)) = first(FOLLOW_UP) {
        return Some(Found::new(kind(), doc.span(s, e - 1)));
    }
    if let Some((s, e)) = treatment_given(doc) {
        return Some(Found::new(kind(), doc.span(s, e)));
    }
    if let Some((s, e, _)) = first(STAGING) {
        return Some(Found::new(Timepoint::Staging, doc.span(s, e - 1)));
    }
    if let Some((s, e, _)) = first(FOLLOW_UP_WEAK) {
        return Some(Found::new(kind(), doc.span(s, e - 1)));
    }
    first(&["baseline"]).map(|(s, e, _)| Found::new(Timepoint::Staging, doc.span(s, e - 1)))
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

fn read_regions(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
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
        if doc.neg[s] {
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

fn read_spleen(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
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

fn read_marrow(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
    if f.marrow.is_some() {
        return;
    }
    let Some(&(s, _, _)) = doc.find_all(c.clone(), &["marrow"]).first() else {
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

fn read_extranodal(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
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
    if !doc.has_pos(c.clone(), EXTRANODAL_POSITIVE) {
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

fn read_new(doc: &Doc<'_>, c: &Range<usize>, f: &mut LymphomaFeatures) {
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

fn read_stated_stage(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
    for i in 0..doc.toks.len().saturating_sub(1) {
        if doc.w(i) != "stage" || doc.neg[i] {
            continue;
        }
        let w = doc.w(i + 1);
        let roman = ["iv", "iii", "ii", "i"]
            .into_iter()
            .find(|r| w.starts_with(r));
        let Some(roman) = roman else { continue };
        let rest = &w[roman.len()..];
        if !rest
            .chars()
            .all(|ch| matches!(ch, 'a' | 'b' | 'e' | 's' | 'x'))
        {
            continue;
        }
        let e = rest.contains('e') || doc.match_at(i + 2, "e").is_some();
        let stage = match (roman, e) {
            ("i", false) => LuganoStage::I,
            ("i", true) => LuganoStage::IE,
            ("ii", false) => LuganoStage::II,
            ("ii", true) => LuganoStage::IIE,
            ("iii", _) => LuganoStage::III,
            _ => LuganoStage::IV,
        };
        f.stated_stage = Some(Found::new(stage, doc.span(i, i + 1)));
        return;
    }
}

fn read_deauville(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
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

fn read_uptake(doc: &Doc<'_>, s: &Range<usize>, f: &mut LymphomaFeatures) {
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

fn read_change(doc: &Doc<'_>, s: &Range<usize>, f: &mut LymphomaFeatures) {
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

fn read_suv(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
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

fn read_no_baseline(doc: &Doc<'_>, f: &mut LymphomaFeatures) {
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
