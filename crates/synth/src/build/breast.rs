//! Breast cancer: primary by quadrant and clock face, axillary / internal mammary /
//! supraclavicular nodes, distant metastases and the AJCC 8th edition anatomic stage.

use super::common::{
    bone_group, bone_met, liver_group, liver_met, lung_nodule, lung_nodules, node, side, Nodes,
};
use crate::model::{Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, cm, join, suv_phrase};
use crate::rng::Rng;

/// Local extent of a T1–T3 primary.
const LOCAL_EXTENT: &[&str] = &[
    "abutting but not invading the pectoralis major",
    "without skin thickening",
    "separated from the chest wall by a preserved fat plane",
];

/// Impression without regional nodes.
const N0_IMPRESSIONS: &[&str] = &[
    "No FDG-avid regional nodes (cN0).",
    "No axillary, internal mammary or supraclavicular nodal disease.",
];

/// Impression without distant metastases.
const M0_IMPRESSIONS: &[&str] = &[
    "No distant metastases.",
    "No evidence of distant metastatic disease.",
];

/// Later-line therapy of metastatic disease.
const METASTATIC_SALVAGE: &[&str] = &[
    "trastuzumab deruxtecan",
    "capecitabine",
    "sacituzumab govitecan",
    "fulvestrant and alpelisib",
];

/// AJCC 8th edition anatomic stage group (`t` 1–4, `n` 0–3, `m`).
pub(crate) fn breast_stage(t: u32, n: u32, m: bool) -> &'static str {
    if m {
        return "IV";
    }
    match (t, n) {
        (_, 3) => "IIIC",
        (4, _) => "IIIB",
        (1, 0) => "IA",
        (1, 1) | (2, 0) => "IIA",
        (2, 1) | (3, 0) => "IIB",
        _ => "IIIA",
    }
}

pub(super) fn breast(rng: &mut Rng) -> Patient {
    let age = rng.range(30, 82);
    let mut p = Patient::blank(Cancer::Breast, Tracer::Fdg, false, age);
    let right = rng.pct(50);
    let sd = side(right);
    let quad = rng.below(4);
    let (quad_word, clocks): (&str, &[u32]) = match (quad, right) {
        (0, true) => ("upper outer quadrant", &[9, 10, 11]),
        (0, false) => ("upper outer quadrant", &[1, 2, 3]),
        (1, true) => ("upper inner quadrant", &[12, 1, 2]),
        (1, false) => ("upper inner quadrant", &[10, 11, 12]),
        (2, true) => ("lower outer quadrant", &[7, 8]),
        (2, false) => ("lower outer quadrant", &[4, 5]),
        (_, true) => ("lower inner quadrant", &[4, 5]),
        (_, false) => ("lower inner quadrant", &[7, 8]),
    };
    let clock = *rng.pick(clocks);
    let sub = rng.weighted(&[(0u8, 45), (1, 20), (2, 20), (3, 15)]);
    let (hist, words, suv_lo, suv_hi) = match sub {
        0 => (
            "invasive ductal carcinoma, ER-positive, HER2-negative",
            "invasive ductal carcinoma (ER-positive, HER2-negative)",
            40,
            120,
        ),
        1 => (
            "triple-negative invasive ductal carcinoma",
            "triple-negative invasive ductal carcinoma",
            90,
            250,
        ),
        2 => (
            "HER2-positive invasive ductal carcinoma",
            "HER2-positive invasive ductal carcinoma",
            70,
            180,
        ),
        _ => (
            "invasive lobular carcinoma",
            "invasive lobular carcinoma (ER-positive)",
            25,
            60,
        ),
    };
    p.histology = hist.to_string();
    let t: u32 = rng.weighted(&[(1, 8), (2, 40), (3, 27), (4, 25)]);
    let size = match t {
        1 => rng.range(12, 20),
        2 => rng.range(21, 50),
        3 => rng.range(51, 85),
        _ => rng.range(30, 90),
    };
    let suv = rng.range(suv_lo, suv_hi);
    let loc = format!("{sd} breast, {quad_word} ({clock} o'clock)");
    let mut prim = Lesion::new(LesionSpec {
        site: "breast",
        region: Region::Chest,
        shape: Shape::Mass,
        loc: loc.clone(),
        tag: format!("{sd} breast primary"),
        long: size,
        short: rng.scale(size, 60, 85),
        suv,
    })
    .primary()
    .desc(rng.one(&["irregular", "spiculated", "lobulated"]));
    let mut t_word = String::new();
    if t == 4 {
        let (q, w) = match rng.below(4) {
            0 | 1 => ("with diffuse skin thickening and dermal uptake over the breast, an inflammatory pattern", "inflammatory skin involvement (T4d)"),
            2 => ("invading the chest wall with involvement of the underlying intercostal muscles", "chest wall invasion (T4a)"),
            _ => ("with overlying skin ulceration and satellite skin nodules", "skin involvement (T4b)"),
        };
        prim = prim.qual(q);
        t_word = w.to_string();
    } else if rng.pct(35) {
        prim = prim.qual(rng.one(LOCAL_EXTENT));
    }
    p.lesions.push(prim);

    let n: u32 = rng.weighted(&[(0, 20), (1, 35), (2, 20), (3, 25)]);
    let ax_loc = format!("{sd} axilla (level I)");
    let nsuv = |rng: &mut Rng| rng.range(30, suv.max(60));
    let mut n_words = String::new();
    match n {
        1 => {
            let c = rng.range(1, 2);
            let ns = nsuv(rng);
            p.lesions.push(node(
                rng,
                Nodes {
                    site: "axillary_nodes",
                    region: Region::Chest,
                    loc: ax_loc.clone(),
                    tag: format!("{sd} axillary node{}", if c > 1 { "s" } else { "" }),
                    short: (8, 20),
                    suv: ns,
                    count: c,
                    sub: "at level I",
                },
            ));
            n_words = format!(
                "FDG-avid {sd} level I axillary node{} (cN1).",
                if c > 1 { "s" } else { "" }
            );
        }
        2 => {
            if rng.pct(75) {
                let c = rng.range(3, 6);
                let ns = nsuv(rng);
                p.lesions.push(
                    node(
                        rng,
                        Nodes {
                            site: "axillary_nodes",
                            region: Region::Chest,
                            loc: format!("{sd} axilla (levels I-II)"),
                            tag: format!("matted {sd} axillary nodes"),
                            short: (14, 30),
                            suv: ns,
                            count: c,
                            sub: "at level II",
                        },
                    )
                    .desc("matted"),
                );
                n_words = format!("Matted FDG-avid {sd} level I-II axillary nodes (cN2a).");
            } else {
                let ns = nsuv(rng);
                p.lesions.push(node(
                    rng,
                    Nodes {
                        site: "internal_mammary_nodes",
                        region: Region::Chest,
                        loc: format!("{sd} internal mammary chain (2nd intercostal space)"),
                        tag: format!("{sd} internal mammary node"),
                        short: (6, 12),
                        suv: ns,
                        count: 1,
                        sub: "",
                    },
                ));
                n_words = format!(
                    "Isolated FDG-avid {sd} internal mammary node without axillary disease (cN2b)."
                );
            }
        }
        3 => {
            let c = rng.range(2, 4);
            let ns = nsuv(rng);
            p.lesions.push(node(
                rng,
                Nodes {
                    site: "axillary_nodes",
                    region: Region::Chest,
                    loc: format!("{sd} axilla (levels I-II)"),
                    tag: format!("{sd} axillary nodes"),
                    short: (10, 24),
                    suv: ns,
                    count: c,
                    sub: "at level I",
                },
            ));
            let ns2 = nsuv(rng);
            match rng.below(3) {
                0 => {
                    p.lesions.push(node(
                        rng,
                        Nodes {
                            site: "axillary_nodes",
                            region: Region::Chest,
                            loc: format!("{sd} infraclavicular region (level III)"),
                            tag: format!("{sd} level III axillary node"),
                            short: (8, 18),
                            suv: ns2,
                            count: 1,
                            sub: "",
                        },
                    ));
                    n_words =
                        "Axillary nodal disease extending to level III (infraclavicular), cN3a."
                            .to_string();
                }
                1 => {
                    p.lesions.push(node(
                        rng,
                        Nodes {
                            site: "internal_mammary_nodes",
                            region: Region::Chest,
                            loc: format!("{sd} internal mammary chain (3rd intercostal space)"),
                            tag: format!("{sd} internal mammary node"),
                            short: (6, 12),
                            suv: ns2,
                            count: 1,
                            sub: "",
                        },
                    ));
                    n_words = format!("FDG-avid {sd} axillary and internal mammary nodes (cN3b).");
                }
                _ => {
                    p.lesions.push(node(
                        rng,
                        Nodes {
                            site: "supraclavicular_nodes",
                            region: Region::HeadNeck,
                            loc: format!("{sd} supraclavicular fossa"),
                            tag: format!("{sd} supraclavicular node"),
                            short: (8, 18),
                            suv: ns2,
                            count: 1,
                            sub: "",
                        },
                    ));
                    n_words = format!("Ipsilateral supraclavicular nodal metastasis (cN3c) with {sd} axillary nodes.");
                }
            }
        }
        _ => {}
    }
    let m = rng.pct(30);
    let mut m_words: Vec<String> = Vec::new();
    if m {
        let opts = rng.choose_n(&[0u8, 0, 1, 2, 3], 2);
        let k = if rng.pct(45) { 2 } else { 1 };
        for what in opts.into_iter().take(k) {
            let msuv = rng.range(35, suv.max(80));
            let l = match what {
                0 => {
                    let d = rng.one(&["sclerotic", "mixed lytic-sclerotic", "lytic"]);
                    let c = rng.range(2, 9);
                    bone_group(rng, msuv, d, c)
                }
                1 => {
                    let n_ = rng.range(2, 5);
                    liver_group(rng, msuv, n_)
                }
                2 => {
                    let n_ = rng.range(2, 6);
                    lung_nodules(rng, msuv, n_)
                }
                _ => node(
                    rng,
                    Nodes {
                        site: "mediastinal_nodes",
                        region: Region::Chest,
                        loc: "mediastinum (stations 4R and 7)".into(),
                        tag: "mediastinal nodes".into(),
                        short: (10, 20),
                        suv: msuv,
                        count: 2,
                        sub: "at station 4R",
                    },
                ),
            };
            if p.has_lesion_at(&l.loc) {
                continue;
            }
            m_words.push(l.tag.clone());
            p.lesions.push(l);
        }
        if m_words.is_empty() {
            let l = {
                let s_ = rng.range(40, 90);
                bone_group(rng, s_, "sclerotic", 3)
            };
            m_words.push(l.tag.clone());
            p.lesions.push(l);
        }
    }
    let stage = breast_stage(t, n, m);
    p.stage = Some(stage.to_string());

    let sp = suv_phrase(rng, suv);
    p.staging_imp.push(format!(
        "{} {} cm {sd} breast mass at {clock} o'clock ({sp}), consistent with the known {}{}.",
        cap(crate::phrase::avid(rng, Tracer::Fdg, suv)),
        cm(size),
        if sub == 3 {
            "lobular carcinoma"
        } else {
            "primary carcinoma"
        },
        if t_word.is_empty() {
            String::new()
        } else {
            format!(", with {t_word}")
        }
    ));
    p.staging_imp.push(if n == 0 {
        rng.one(N0_IMPRESSIONS).to_string()
    } else {
        n_words
    });
    p.staging_imp.push(if m {
        format!("Distant metastatic disease: {}.", join(&m_words))
    } else {
        rng.one(M0_IMPRESSIONS).to_string()
    });
    let tt = if t == 4 {
        t_word
            .split('(')
            .nth(1)
            .unwrap_or("T4)")
            .trim_end_matches(')')
            .to_string()
    } else {
        format!("T{t}")
    };
    p.staging_imp.push(match rng.below(3) {
        0 => format!(
            "AJCC 8th edition anatomic stage {stage} (c{tt} cN{n} M{}).",
            if m { 1 } else { 0 }
        ),
        1 => format!("Clinical anatomic stage {stage}."),
        _ => format!(
            "Overall c{tt} N{n} M{}: anatomic stage group {stage}.",
            if m { 1 } else { 0 }
        ),
    });
    if sub == 3 && rng.pct(60) {
        p.staging_imp.push("Lobular histology is often only mildly FDG-avid; correlation with MRI is advised for local extent.".into());
    }

    p.dx = vec![
        format!("Newly diagnosed {sd} breast {words}, {clock} o'clock. Staging prior to neoadjuvant chemotherapy."),
        format!("{} breast cancer: {words}{}. Staging.", cap(sd), if n > 0 { format!("; palpable {sd} axillary lymphadenopathy") } else { String::new() }),
        format!("Locally advanced {sd} breast carcinoma ({hist}). Baseline PET/CT."),
        format!("Biopsy-proven {words} of the {sd} breast. Systemic staging."),
    ];
    p.dx_short = match rng.below(2) {
        0 => format!("{sd} breast cancer"),
        _ => format!(
            "{sd} breast {}",
            if sub == 3 {
                "invasive lobular carcinoma"
            } else {
                "invasive ductal carcinoma"
            }
        ),
    };
    p.therapy = if m {
        let first = match sub {
            0 | 3 => "letrozole and ribociclib",
            2 => "trastuzumab, pertuzumab and docetaxel",
            _ => "carboplatin and gemcitabine with pembrolizumab",
        };
        let mut th = Therapy::new(Mode::Systemic, first);
        th.unit = if sub == 0 || sub == 3 {
            "months"
        } else {
            "cycles"
        };
        th.interim_cycles = rng.range(3, 4);
        th.salvage = rng.one(METASTATIC_SALVAGE).to_string();
        th
    } else {
        let first = match sub {
            1 => "neoadjuvant pembrolizumab with carboplatin-paclitaxel followed by AC",
            2 => "neoadjuvant TCHP (docetaxel, carboplatin, trastuzumab, pertuzumab)",
            _ => "neoadjuvant dose-dense AC followed by weekly paclitaxel",
        };
        let mut th = Therapy::new(Mode::Systemic, first);
        th.interim_cycles = rng.range(3, 4);
        th.surgery_after = true;
        th.surgery = Some(if rng.pct(55) {
            format!("{sd} mastectomy and axillary dissection")
        } else {
            format!("{sd} wide local excision and axillary dissection")
        });
        th.bed = Some((format!("{sd} mastectomy bed / chest wall"), "chest_wall"));
        th.salvage = rng
            .one(&["capecitabine", "trastuzumab deruxtecan", "eribulin"])
            .to_string();
        th
    };
    p.triggers = vec![
        "New bone pain".into(),
        "Rising CA 15-3".into(),
        "Abnormal liver function tests".into(),
    ];
    p
}

/// A new lesion when breast cancer progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32) -> Lesion {
    match rng.below(5) {
        0 | 1 => bone_met(rng, s, "sclerotic"),
        2 => liver_met(rng, s),
        3 => lung_nodule(rng, s.min(90)),
        _ => node(
            rng,
            Nodes {
                site: "mediastinal_nodes",
                region: Region::Chest,
                loc: "right lower paratracheal region".into(),
                tag: "right paratracheal node".into(),
                short: (9, 18),
                suv: s,
                count: 1,
                sub: "",
            },
        ),
    }
}
