//! Prostate cancer on PSMA PET: intraprostatic lesion, pelvic nodes, miM categories and the
//! AJCC 8th edition prognostic stage group.

use super::common::{bone_group, bone_met, lung_nodules, node, side, Nodes};
use crate::model::{Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, join, suv_phrase};
use crate::rng::Rng;

/// Pelvic nodal stations of nodal metastases at staging.
const PELVIC_STATIONS: &[&str] = &[
    "left obturator",
    "right obturator",
    "left external iliac",
    "right external iliac",
    "left internal iliac",
    "right internal iliac",
    "presacral",
    "right perirectal",
];

/// Zone of the dominant intraprostatic lesion.
const ZONES: &[&str] = &[
    "peripheral zone, mid gland to base",
    "peripheral zone at the apex",
    "peripheral zone, mid gland",
];

/// Local extent of a T2 primary.
const LOCAL_EXTENT: &[&str] = &[
    "confined to the gland",
    "without extraprostatic extension",
    "with a smaller contralateral focus",
];

/// Impression without pelvic nodes.
const N0_IMPRESSIONS: &[&str] = &[
    "No PSMA-avid pelvic nodes (miN0).",
    "No pelvic nodal disease.",
];

/// First-line therapy of metastatic disease.
const METASTATIC_FIRST_LINE: &[&str] = &[
    "androgen deprivation with darolutamide and docetaxel",
    "androgen deprivation with enzalutamide",
    "androgen deprivation with apalutamide",
];

/// Later-line therapy of metastatic disease.
const METASTATIC_SALVAGE: &[&str] = &[
    "177Lu-PSMA-617 radioligand therapy",
    "cabazitaxel",
    "docetaxel",
];

/// Pelvic nodal stations of new nodes on progression.
const SPREAD_STATIONS: &[&str] = &[
    "left obturator",
    "right external iliac",
    "right internal iliac",
    "left common iliac",
    "presacral",
];

/// AJCC 8th edition prostate stage group (`t` "T2"/"T3a"/"T3b", PSA in tenths, grade group).
pub(crate) fn prostate_stage(t: &str, psa10: u32, gg: u32, n1: bool, m1: bool) -> &'static str {
    if m1 {
        "IVB"
    } else if n1 {
        "IVA"
    } else if gg == 5 {
        "IIIC"
    } else if t.starts_with("T3") || t.starts_with("T4") {
        "IIIB"
    } else if psa10 >= 200 {
        "IIIA"
    } else if gg >= 3 {
        "IIC"
    } else if gg == 2 {
        "IIB"
    } else {
        "IIA"
    }
}

pub(super) fn prostate(rng: &mut Rng) -> Patient {
    let age = rng.range(50, 82);
    let tracer = if rng.pct(55) {
        Tracer::Psma11
    } else {
        Tracer::Dcfpyl
    };
    let mut p = Patient::blank(Cancer::Prostate, tracer, true, age);
    let psa10 = rng.range(50, 800);
    let psa = format!("{}.{}", psa10 / 10, psa10 % 10);
    let gg = rng.weighted(&[(2u32, 10), (3, 25), (4, 30), (5, 35)]);
    let gleason = match gg {
        2 => "3+4=7",
        3 => "4+3=7",
        4 => "4+4=8",
        _ => rng.one(&["4+5=9", "5+4=9"]),
    };
    let t = rng.weighted(&[("T2", 55), ("T3a", 25), ("T3b", 20)]);
    let right = rng.pct(50);
    let sd = side(right);
    let suv = rng.range(80, 450);
    let zone = rng.one(ZONES);
    let mut prim = Lesion::new(LesionSpec {
        site: "prostate",
        region: Region::AbdPelvis,
        shape: Shape::Lesion,
        loc: format!("{sd} {zone}"),
        tag: "dominant intraprostatic lesion".into(),
        long: 0,
        short: 0,
        suv,
    })
    .primary();
    prim = match t {
        "T3a" => prim.qual(format!(
            "with focal extension beyond the {sd} posterolateral capsule"
        )),
        "T3b" => prim.qual(format!("extending into the {sd} seminal vesicle")),
        _ => prim.qual(rng.one(LOCAL_EXTENT)),
    };
    p.lesions.push(prim);
    let n1 = rng.pct(38);
    let mut n_stations: Vec<String> = Vec::new();
    if n1 {
        let k = rng.range(1, 4) as usize;
        for st in rng.choose_n(PELVIC_STATIONS, k) {
            let s = rng.range(4, 12);
            let ns = rng.range(50, 350);
            p.lesions.push(pelvic_node(rng, st, s, ns));
            n_stations.push(st.to_string());
        }
    }
    let m1 = rng.pct(25);
    let mut m_sub = 0u8; // 1 a, 2 b, 3 c
    let mut m_words: Vec<String> = Vec::new();
    if m1 {
        let nk = if rng.pct(35) { 2 } else { 1 };
        let kinds = rng.choose_n(&[0u8, 1, 1, 2], nk);
        for k in kinds {
            let msuv = rng.range(60, 400);
            let (l, r) = match k {
                0 => (
                    {
                        let count = rng.range(2, 4);
                        node(
                            rng,
                            Nodes {
                                site: "abdominal_nodes",
                                region: Region::AbdPelvis,
                                loc: "retroperitoneum (para-aortic and left common iliac)".into(),
                                tag: "retroperitoneal nodes".into(),
                                short: (5, 14),
                                suv: msuv,
                                count,
                                sub: "at the aortic bifurcation",
                            },
                        )
                    },
                    1,
                ),
                1 => {
                    let n = rng.range(1, 8);
                    let l = if n == 1 {
                        bone_met(rng, msuv, "sclerotic")
                    } else {
                        bone_group(rng, msuv, "sclerotic", n)
                    };
                    (l, 2)
                }
                _ => (
                    {
                        let n_ = rng.range(2, 4);
                        lung_nodules(rng, msuv.min(150), n_)
                    },
                    3,
                ),
            };
            if p.has_lesion_at(&l.loc) {
                continue;
            }
            m_sub = m_sub.max(r);
            m_words.push(l.tag.clone());
            p.lesions.push(l);
        }
        if m_words.is_empty() {
            p.lesions.push(bone_group(rng, 150, "sclerotic", 3));
            m_words.push("osseous metastases".into());
            m_sub = 2;
        }
    }
    let stage = prostate_stage(t, psa10, gg, n1, m1);
    p.stage = Some(stage.to_string());
    p.histology = format!("prostate adenocarcinoma, Gleason {gleason} (ISUP grade group {gg})");
    let mri = match t {
        "T3a" => "MRI: extraprostatic extension (cT3a)",
        "T3b" => "MRI: seminal vesicle invasion (cT3b)",
        _ => "MRI: organ-confined tumour (cT2c)",
    };
    p.dx = vec![
        format!("Newly diagnosed prostate adenocarcinoma, ISUP grade group {gg} (Gleason {gleason}), PSA {psa} ng/mL. {mri}. Primary staging."),
        format!("High-risk prostate cancer (Gleason {gleason}, PSA {psa} ng/mL); {mri}. Staging prior to definitive therapy."),
        format!("Prostate adenocarcinoma on MRI-targeted biopsy: grade group {gg}, PSA {psa} ng/mL. {mri}. PSMA PET for staging."),
    ];
    p.dx_short = format!("prostate cancer (Gleason {gleason})");
    let sp = suv_phrase(rng, suv);
    p.staging_imp.push(format!(
        "{} tumour in the {sd} {zone} ({sp}){}, PSMA-RADS-5.",
        cap(crate::phrase::avid(rng, tracer, suv)),
        match t {
            "T3a" => " with extraprostatic extension",
            "T3b" => " with seminal vesicle involvement",
            _ => "",
        }
    ));
    p.staging_imp.push(if n1 {
        format!(
            "PSMA-avid pelvic nodal metastases ({}), miN1.",
            join(&n_stations)
        )
    } else {
        rng.one(N0_IMPRESSIONS).to_string()
    });
    let mm = ["miM0", "miM1a", "miM1b", "miM1c"][m_sub as usize];
    p.staging_imp.push(if m1 {
        format!("Distant metastases: {} ({mm}).", join(&m_words))
    } else {
        "No distant metastatic disease (miM0).".to_string()
    });
    p.staging_imp.push(match rng.below(2) {
        0 => format!("miTNM: mi{t} mi{} {mm}. With PSA {psa} ng/mL and grade group {gg}, AJCC 8th edition stage group {stage}.", if n1 { "N1" } else { "N0" }),
        _ => format!("Prognostic stage group {stage} (AJCC 8th edition; c{t}, PSA {psa}, grade group {gg}{}).", if n1 { ", N1" } else { "" }),
    });
    p.therapy = if m1 {
        let first = rng.one(METASTATIC_FIRST_LINE);
        let mut th = Therapy::new(Mode::Systemic, first);
        th.unit = "months";
        th.interim_cycles = rng.range(4, 8);
        th.salvage = rng.one(METASTATIC_SALVAGE).to_string();
        th
    } else if !n1 && rng.pct(50) {
        let mut th = Therapy::new(
            Mode::Surgery,
            "robot-assisted radical prostatectomy with pelvic lymph node dissection",
        );
        th.surgery = Some("radical prostatectomy".to_string());
        th.bed = Some((
            "prostatectomy bed at the vesicourethral anastomosis".to_string(),
            "prostate_bed",
        ));
        th.salvage =
            "salvage radiotherapy to the prostate bed with androgen deprivation".to_string();
        th
    } else {
        let first = if n1 {
            "prostate and pelvic nodal radiotherapy with long-term androgen deprivation"
        } else {
            "external beam radiotherapy with 18 months of androgen deprivation"
        };
        let mut th = Therapy::new(Mode::Radiation, first);
        th.salvage = "androgen deprivation with enzalutamide".to_string();
        th
    };
    let psa_r = rng.range(2, 40);
    p.triggers = vec![
        format!(
            "Biochemical recurrence: PSA {}.{} ng/mL, previously undetectable",
            psa_r / 10,
            psa_r % 10
        ),
        format!(
            "Rising PSA ({}.{} ng/mL, doubling time {} months)",
            psa_r / 10 + 1,
            psa_r % 10,
            rng.range(3, 12)
        ),
        "New bone pain and rising PSA".into(),
    ];
    p
}

/// A new lesion when prostate cancer progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32) -> Lesion {
    match rng.below(5) {
        0 | 1 => {
            let st = rng.one(SPREAD_STATIONS);
            let sz = rng.range(4, 11);
            pelvic_node(rng, st, sz, s)
        }
        2 => node(
            rng,
            Nodes {
                site: "abdominal_nodes",
                region: Region::AbdPelvis,
                loc: "left para-aortic region".into(),
                tag: "para-aortic node".into(),
                short: (5, 12),
                suv: s,
                count: 1,
                sub: "",
            },
        ),
        _ => bone_met(rng, s, "sclerotic"),
    }
}

/// A pelvic node at `station` with short axis `short` (mm); the long axis is drawn from it.
fn pelvic_node(rng: &mut Rng, station: &str, short: u32, suv: u32) -> Lesion {
    Lesion::new(LesionSpec {
        site: "pelvic_nodes",
        region: Region::AbdPelvis,
        shape: Shape::Node,
        loc: format!("{station} region"),
        tag: format!("{station} node"),
        long: rng.scale(short, 110, 150),
        short,
        suv,
    })
}
