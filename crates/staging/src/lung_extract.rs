//! Rule-based reading of lung cancer findings text into [`LungFeatures`].

use std::ops::Range;

use crate::lexicon::{
    BENIGN, MULTIPLE, NODE_NOUNS, NON_AVID, PLURAL_LESIONS, POSITIVE, SINGLE, UNCERTAIN,
};
use crate::lung::{
    DistantMetastasis, Histology, Lobe, LungFeatures, LungStage, MCategory, NCategory, Nature,
    NodeSide, NodeSite, NoduleRelation, Organ, SeparateNodule, SerosalFinding, SerosalSite, Side,
    Station, Structure, TCategory,
};
use crate::span::{Found, Span};
use crate::text::{sizes, word_matches, Doc, Kind, Size};

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
    ("muscular", Organ::SoftTissue),
    ("skin", Organ::SoftTissue),
    ("cutaneous", Organ::SoftTissue),
    ("pancrea*", Organ::Other),
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
    if let Some(tp) = crate::lymphoma_extract::timepoint(&doc) {
        // Only the strong cues: "residual" or "previously" alone do not make a lung scan
        // post-treatment.
        let strong = doc
            .find_all(0..doc.toks.len(), crate::lexicon::FOLLOW_UP)
            .iter()
            .any(|m| !doc.neg[m.0])
            || crate::lymphoma_extract::treatment_given(&doc).is_some();
        if tp.value.is_response() && strong {
            f.post_treatment = Some(tp.span);
        }
    }
    f
}

struct Primary {
    noun: usize,
    clause: Range<usize>,
}

fn clause_of(doc: &Doc<'_>, i: usize) -> Range<usize> {
    doc.clauses
        .iter()
        .find(|c| c.contains(&i))
        .cloned()
        .unwrap_or(i..i + 1)
}

fn is_any(doc: &Doc<'_>, i: usize, pats: &[&str]) -> bool {
    doc.toks[i].kind == Kind::Word && pats.iter().any(|p| word_matches(doc.w(i), p))
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

fn find_primary(doc: &Doc<'_>) -> Option<Primary> {
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
    })
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

fn lobes<'d>(doc: &'d Doc<'_>, r: Range<usize>) -> impl Iterator<Item = (usize, usize, Lobe)> + 'd {
    let pats: Vec<&str> = LOBES.iter().map(|l| l.0).collect();
    doc.find_all(r, &pats)
        .into_iter()
        .map(|(s, e, k)| (s, e, LOBES[k].1))
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

fn side_word(doc: &Doc<'_>, i: usize) -> Option<Side> {
    match doc.w(i) {
        "right" => Some(Side::Right),
        "left" => Some(Side::Left),
        _ => None,
    }
}

fn read_primary(doc: &Doc<'_>, p: &Primary, f: &mut LungFeatures) {
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
    let chosen = chosen
        .cloned()
        .or_else(|| later_size(doc, p))
        .or_else(|| other_mention_size(doc, p));
    if let Some(s) = chosen {
        f.size_mm = Some(Found::new(s.mm, doc.span(s.first, s.last)));
    }
}

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
                let refers = h > c.start
                    && matches!(doc.w(h - 1), "the" | "this" | "primary")
                    && is_any(doc, h, STRONG_PRIMARY);
                if refers {
                    return Some(s);
                }
            }
        }
    }
    None
}

fn clause_about_primary(doc: &Doc<'_>, c: &Range<usize>, primary: Option<usize>) -> bool {
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

fn read_invasion(doc: &Doc<'_>, c: &Range<usize>, f: &mut LungFeatures) {
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

fn read_histology(doc: &Doc<'_>, c: &Range<usize>, f: &mut LungFeatures) {
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

fn read_separate_nodules(
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

fn read_nodes(doc: &Doc<'_>, c: &Range<usize>, question: bool, f: &mut LungFeatures) {
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
            if !candidate {
                return None;
            }
            station_code(w).map(|(s, side)| (i, s, side))
        })
        .collect();
    if node_nouns.is_empty() && codes.is_empty() {
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
    if !doc.has_pos(c.clone(), POSITIVE) && !question && !enlarged {
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

fn read_serosal(doc: &Doc<'_>, c: &Range<usize>, f: &mut LungFeatures) {
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
    let nature = if doc.has_pos(
        c.clone(),
        &[
            "malignant",
            "cytology positive",
            "positive cytology",
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
        c.clone(),
        &[
            "cytology negative",
            "negative cytology",
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
        doc.clause_span(c),
    ));
}

fn read_distant(doc: &Doc<'_>, c: &Range<usize>, primary: Option<usize>, f: &mut LungFeatures) {
    if doc.has(c.clone(), NODE_NOUNS) {
        // Distant nodes are read with the nodes; a negative statement still counts ("with a
        // subcarinal node and no distant metastases").
        let negated = doc
            .find_all(
                c.clone(),
                &["distant", "extrathoracic", "extra thoracic", "elsewhere"],
            )
            .into_iter()
            .find(|m| doc.neg[m.0]);
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
