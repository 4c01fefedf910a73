//! Baseline patients: one builder per cancer type (histology, lesions, stage, therapy, the
//! staging impression), and `spread`, which invents plausible new lesions on progression.

use crate::model::{Bias, Cancer, Lesion, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, cm, join, suv_phrase};
use crate::rng::Rng;

/// Share of each cancer type among patients (sums to 100: 75 malignant, 25 benign).
const CANCER_WEIGHTS: [(Cancer, u32); 15] = [
    (Cancer::Nsclc, 11),
    (Cancer::Hodgkin, 8),
    (Cancer::Dlbcl, 9),
    (Cancer::Follicular, 6),
    (Cancer::Breast, 8),
    (Cancer::Melanoma, 8),
    (Cancer::Colorectal, 8),
    (Cancer::HeadNeck, 6),
    (Cancer::Prostate, 6),
    (Cancer::Net, 5),
    (Cancer::Sarcoid, 6),
    (Cancer::Infection, 6),
    (Cancer::BrownFat, 4),
    (Cancer::PostRadiation, 4),
    (Cancer::Reactive, 5),
];

/// A new patient with baseline disease.
pub(crate) fn patient(rng: &mut Rng) -> Patient {
    let cancer = rng.weighted(&CANCER_WEIGHTS);
    let mut p = match cancer {
        Cancer::Nsclc => nsclc(rng),
        Cancer::Hodgkin | Cancer::Dlbcl | Cancer::Follicular => lymphoma(cancer, rng),
        Cancer::Breast => breast(rng),
        Cancer::Melanoma => melanoma(rng),
        Cancer::Colorectal => colorectal(rng),
        Cancer::HeadNeck => head_neck(rng),
        Cancer::Prostate => prostate(rng),
        Cancer::Net => net(rng),
        Cancer::Sarcoid => sarcoid(rng),
        Cancer::Infection => infection(rng),
        Cancer::BrownFat => brown_fat(rng),
        Cancer::PostRadiation => post_radiation(rng),
        Cancer::Reactive => reactive(rng),
    };
    p.incidentals = incidentals(&p, rng);
    p
}

/// Number of examinations for a patient (1–6; benign mimics have fewer).
pub(crate) fn exam_count(p: &Patient, rng: &mut Rng) -> usize {
    if p.cancer.is_benign() {
        rng.weighted(&[(1usize, 35), (2, 45), (3, 20)])
    } else {
        rng.weighted(&[(1usize, 5), (2, 14), (3, 22), (4, 25), (5, 20), (6, 14)])
    }
}

fn ord(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn side(right: bool) -> &'static str {
    if right {
        "right"
    } else {
        "left"
    }
}

const BONES: [&str; 22] = [
    "T4 vertebral body",
    "T6 vertebral body",
    "T8 vertebral body",
    "T11 vertebral body",
    "L1 vertebral body",
    "L2 vertebral body",
    "L3 vertebral body",
    "L4 vertebral body",
    "C6 vertebral body",
    "sacrum",
    "right iliac bone",
    "left iliac bone",
    "left acetabulum",
    "right acetabulum",
    "sternal body",
    "right posterior 7th rib",
    "left lateral 5th rib",
    "right proximal femur",
    "left proximal femur",
    "right scapula",
    "left superior pubic ramus",
    "left posterior 9th rib",
];

const SEGMENTS: [&str; 8] = ["II", "III", "IVa", "IVb", "V", "VI", "VII", "VIII"];

fn bone_met(rng: &mut Rng, suv: u32, desc: &'static str) -> Lesion {
    let loc = *rng.pick(&BONES);
    let size = rng.range(10, 32);
    Lesion::new(
        "bone",
        Region::Msk,
        Shape::Lesion,
        loc,
        format!("{loc} lesion"),
        size,
        rng.scale(size, 60, 90),
        suv,
    )
    .desc(desc)
}

fn bone_group(rng: &mut Rng, suv: u32, desc: &'static str, n: u32) -> Lesion {
    let sub = *rng.pick(&BONES);
    let size = rng.range(10, 30);
    Lesion::new(
        "bone",
        Region::Msk,
        Shape::Lesion,
        "axial and proximal appendicular skeleton",
        "osseous metastases",
        size,
        rng.scale(size, 60, 90),
        suv,
    )
    .desc(desc)
    .group(n, format!("in the {sub}"))
}

fn liver_met(rng: &mut Rng, suv: u32) -> Lesion {
    let seg = *rng.pick(&SEGMENTS);
    let size = rng.range(12, 38);
    Lesion::new(
        "liver",
        Region::AbdPelvis,
        Shape::Lesion,
        format!("hepatic segment {seg}"),
        format!("segment {seg} liver lesion"),
        size,
        rng.scale(size, 70, 92),
        suv,
    )
}

fn liver_group(rng: &mut Rng, suv: u32, n: u32) -> Lesion {
    let seg = *rng.pick(&SEGMENTS);
    let size = rng.range(14, 52);
    Lesion::new(
        "liver",
        Region::AbdPelvis,
        Shape::Lesion,
        "liver",
        "hepatic metastases",
        size,
        rng.scale(size, 70, 92),
        suv,
    )
    .group(n, format!("in segment {seg}"))
}

fn adrenal_met(rng: &mut Rng, suv: u32) -> Lesion {
    let s = side(rng.pct(50));
    let size = rng.range(14, 42);
    Lesion::new(
        "adrenal",
        Region::AbdPelvis,
        Shape::Nodule,
        format!("{s} adrenal gland"),
        format!("{s} adrenal metastasis"),
        size,
        rng.scale(size, 65, 90),
        suv,
    )
}

fn lung_nodules(rng: &mut Rng, suv: u32, n: u32) -> Lesion {
    let lobe = rng.one(&[
        "right lower lobe",
        "left lower lobe",
        "right upper lobe",
        "left upper lobe",
        "right middle lobe",
    ]);
    let size = rng.range(6, 18);
    Lesion::new(
        "lung",
        Region::Chest,
        Shape::Nodule,
        "lungs bilaterally",
        "pulmonary nodules",
        size,
        rng.scale(size, 75, 95),
        suv,
    )
    .group(n, format!("in the {lobe}"))
}

fn lung_nodule(rng: &mut Rng, suv: u32) -> Lesion {
    let lobe = rng.one(&[
        "right lower lobe",
        "left lower lobe",
        "right upper lobe",
        "left upper lobe",
        "lingula",
        "right middle lobe",
    ]);
    let size = rng.range(6, 17);
    Lesion::new(
        "lung",
        Region::Chest,
        Shape::Nodule,
        lobe,
        format!("{lobe} nodule"),
        size,
        rng.scale(size, 75, 95),
        suv,
    )
}

#[allow(clippy::too_many_arguments)]
fn node(
    rng: &mut Rng,
    site: &'static str,
    region: Region,
    loc: impl Into<String>,
    tag: impl Into<String>,
    short: (u32, u32),
    suv: u32,
    count: u32,
    sub: &str,
) -> Lesion {
    let s = rng.range(short.0, short.1);
    let l = rng.scale(s, 115, 165);
    let mut n = Lesion::new(site, region, Shape::Node, loc, tag, l, s, suv);
    if count > 1 {
        n = n.group(count, sub);
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Non-small cell lung cancer

/// AJCC 8th edition stage group for NSCLC (`t`: 0 = T1a … 6 = T4; `n`: 0–3; `m`: 0 = M0,
/// 1 = M1a, 2 = M1b, 3 = M1c).
pub(crate) fn nsclc_stage(t: usize, n: u32, m: u32) -> &'static str {
    match m {
        1 | 2 => return "IVA",
        3 => return "IVB",
        _ => {}
    }
    match n {
        0 => ["IA1", "IA2", "IA3", "IB", "IIA", "IIB", "IIIA"][t],
        1 => {
            if t <= 4 {
                "IIB"
            } else {
                "IIIA"
            }
        }
        2 => {
            if t <= 4 {
                "IIIA"
            } else {
                "IIIB"
            }
        }
        _ => {
            if t <= 4 {
                "IIIB"
            } else {
                "IIIC"
            }
        }
    }
}

fn nsclc(rng: &mut Rng) -> Patient {
    let male = rng.pct(55);
    let age = rng.range(48, 84);
    let mut p = Patient::blank(Cancer::Nsclc, Tracer::Fdg, male, age);
    let right = rng.pct(56);
    let (sd, other, s) = if right {
        ("right", "left", "R")
    } else {
        ("left", "right", "L")
    };
    let lobe_word = if right {
        rng.weighted(&[("upper", 5), ("middle", 1), ("lower", 3)])
    } else {
        rng.weighted(&[("upper", 5), ("lower", 3)])
    };
    let lobe = format!("{sd} {lobe_word} lobe");
    let hist = rng.weighted(&[(0u8, 55), (1, 35), (2, 10)]);
    let (histology, hist_words): (&str, &[&str]) = match hist {
        0 => (
            "adenocarcinoma",
            &[
                "adenocarcinoma",
                "adenocarcinoma (TTF-1 positive)",
                "lung adenocarcinoma",
            ],
        ),
        1 => (
            "squamous cell carcinoma",
            &[
                "squamous cell carcinoma",
                "squamous cell carcinoma (p40 positive)",
                "squamous cell lung cancer",
            ],
        ),
        _ => (
            "non-small cell carcinoma, NOS",
            &[
                "poorly differentiated non-small cell carcinoma",
                "non-small cell carcinoma, not otherwise specified",
            ],
        ),
    };
    p.histology = histology.to_string();

    // T: size, or a feature that overrides size.
    let t_idx: usize = rng.weighted(&[
        (0usize, 4),
        (1, 8),
        (2, 10),
        (3, 12),
        (4, 8),
        (5, 14),
        (6, 10),
    ]);
    let t_mode = if t_idx >= 5 { rng.below(3) } else { 0 };
    let size = match (t_idx, t_mode) {
        (0, _) => rng.range(7, 10),
        (1, _) => rng.range(11, 20),
        (2, _) => rng.range(21, 30),
        (3, _) => rng.range(31, 40),
        (4, _) => rng.range(41, 50),
        (5, 0) => rng.range(51, 70),
        (5, _) => rng.range(16, 50),
        (6, 0) => rng.range(71, 98),
        _ => rng.range(22, 62),
    };
    let t = ["T1a", "T1b", "T1c", "T2a", "T2b", "T3", "T4"][t_idx];
    let short = rng.scale(size, 55, 85).max(5);
    let suv = match hist {
        1 => rng.range(90, 240),
        _ if t_idx == 0 => rng.range(25, 70),
        _ => rng.range(45, 170),
    };
    let shape = if size <= 30 {
        Shape::Nodule
    } else {
        Shape::Mass
    };
    let desc = if hist == 1 && size > 40 && rng.pct(40) {
        "centrally necrotic"
    } else {
        rng.one(&[
            "spiculated",
            "lobulated",
            "irregular",
            "solid",
            "spiculated",
        ])
    };
    let noun = if shape == Shape::Nodule {
        "nodule"
    } else {
        "mass"
    };
    let mut primary = Lesion::new(
        "lung",
        Region::Chest,
        shape,
        lobe.clone(),
        format!("{lobe} primary"),
        size,
        short,
        suv,
    )
    .primary()
    .desc(desc);
    let mut t_reason = String::new();
    match (t_idx, t_mode) {
        (5, 2) => {
            let rib = ord(rng.range(3, 9));
            primary = primary.qual(format!(
                "with destruction of the adjacent {rib} rib and invasion of the chest wall"
            ));
            t_reason = "chest wall invasion (T3)".to_string();
        }
        (6, 2) => {
            let q = match rng.below(3) {
                0 => format!("invading the mediastinal fat and encasing the {sd} main pulmonary artery"),
                1 => "with direct invasion of the mediastinum and loss of the fat plane around the aortic arch".to_string(),
                _ => format!("extending into the mediastinum with encasement of the {sd} main bronchus and pulmonary artery"),
            };
            primary = primary.qual(q);
            t_reason = "mediastinal invasion (T4)".to_string();
        }
        (5, 1) | (6, 1) => {}
        _ => {
            if rng.pct(45) {
                primary = primary.qual(rng.one(&[
                    "abutting but not invading the chest wall",
                    "abutting the costal pleura without evidence of chest wall invasion",
                    "separated from the mediastinum by a preserved fat plane",
                    "abutting but not invading the mediastinal pleura",
                ]));
            }
        }
    }
    p.lesions.push(primary);
    if (t_idx, t_mode) == (5, 1) {
        let n = rng.range(6, 14);
        p.lesions.push(
            Lesion::new(
                "lung",
                Region::Chest,
                Shape::Nodule,
                format!("{lobe}, separate from the dominant lesion"),
                "separate nodule in the same lobe",
                n,
                rng.scale(n, 75, 95),
                rng.range(22, 60),
            )
            .qual("in keeping with a separate tumour nodule in the same lobe"),
        );
        t_reason = "separate tumour nodule in the same lobe (T3)".to_string();
    }
    if (t_idx, t_mode) == (6, 1) {
        let others: Vec<&str> = if right {
            ["upper", "middle", "lower"]
                .into_iter()
                .filter(|w| *w != lobe_word)
                .collect()
        } else {
            ["upper", "lower"]
                .into_iter()
                .filter(|w| *w != lobe_word)
                .collect()
        };
        let ol = format!("{sd} {} lobe", rng.pick(&others));
        let n = rng.range(7, 16);
        p.lesions.push(
            Lesion::new(
                "lung",
                Region::Chest,
                Shape::Nodule,
                ol.clone(),
                format!("{ol} nodule"),
                n,
                rng.scale(n, 75, 95),
                rng.range(25, 70),
            )
            .qual("in a different ipsilateral lobe, suspicious for an additional tumour nodule"),
        );
        t_reason = format!("additional nodule in the ipsilateral {ol} (T4)");
    }

    // N: IASLC stations.
    let n_cat: u32 = if t_idx == 0 {
        rng.weighted(&[(0, 70), (1, 10), (2, 15), (3, 5)])
    } else {
        rng.weighted(&[(0, 38), (1, 16), (2, 28), (3, 18)])
    };
    let hilar: Vec<(String, String)> = vec![
        (format!("10{s}"), format!("{sd} hilar")),
        (format!("11{s}"), format!("{sd} interlobar")),
    ];
    let med: Vec<(String, String)> = if right {
        vec![
            ("2R".into(), "right upper paratracheal".into()),
            ("4R".into(), "right lower paratracheal".into()),
            ("7".into(), "subcarinal".into()),
        ]
    } else {
        vec![
            ("2L".into(), "left upper paratracheal".into()),
            ("4L".into(), "left lower paratracheal".into()),
            ("5".into(), "subaortic/aortopulmonary window".into()),
            ("6".into(), "para-aortic".into()),
            ("7".into(), "subcarinal".into()),
        ]
    };
    let contra: Vec<(String, String)> = if right {
        vec![
            ("4L".into(), "left lower paratracheal".into()),
            ("10L".into(), "left hilar".into()),
            ("2L".into(), "left upper paratracheal".into()),
        ]
    } else {
        vec![
            ("4R".into(), "right lower paratracheal".into()),
            ("10R".into(), "right hilar".into()),
            ("2R".into(), "right upper paratracheal".into()),
        ]
    };
    let supra = (format!("1{s}"), format!("{sd} supraclavicular"));
    let mut stations: Vec<(String, String)> = Vec::new();
    let mut n3_kind = "";
    match n_cat {
        1 => {
            let k = rng.range(1, 2) as usize;
            stations.extend(rng.choose_n(&hilar, k));
        }
        2 => {
            let k = rng.range(1, 3) as usize;
            stations.extend(rng.choose_n(&med, k));
            if rng.pct(50) {
                stations.push(rng.pick(&hilar).clone());
            }
        }
        3 => {
            match rng.below(3) {
                0 => {
                    stations.push(rng.pick(&contra).clone());
                    n3_kind = "contralateral";
                }
                1 => {
                    stations.push(supra.clone());
                    n3_kind = "supraclavicular";
                }
                _ => {
                    stations.push(rng.pick(&contra).clone());
                    stations.push(supra.clone());
                    n3_kind = "contralateral and supraclavicular";
                }
            }
            let k = rng.range(1, 2) as usize;
            stations.extend(rng.choose_n(&med, k));
            if rng.pct(40) {
                stations.push(rng.pick(&hilar).clone());
            }
        }
        _ => {}
    }
    let loc_style = rng.below(2);
    for (st, name) in &stations {
        let is_hilar = st.starts_with("10") || st.starts_with("11");
        let is_supra = st.starts_with('1') && !is_hilar;
        let site = if is_hilar {
            "hilar_nodes"
        } else if is_supra {
            "supraclavicular_nodes"
        } else {
            "mediastinal_nodes"
        };
        let region = if is_supra {
            Region::HeadNeck
        } else {
            Region::Chest
        };
        let loc = if is_supra {
            format!("{name} fossa (station {st})")
        } else {
            match loc_style {
                0 => format!("{name} region (station {st})"),
                _ => format!("{name} station {st}"),
            }
        };
        let short = if n_cat == 1 { (8, 16) } else { (9, 24) };
        let nsuv = rng.range(35, 140).min(suv + 20);
        p.lesions.push(node(
            rng,
            site,
            region,
            loc,
            format!("station {st} node"),
            short,
            nsuv,
            1,
            "",
        ));
    }

    // M
    let m_cat: u32 = rng.weighted(&[(0, 58), (1, 12), (2, 13), (3, 17)]);
    let m_text: String;
    match m_cat {
        1 => {
            if rng.pct(50) {
                let desc = rng.one(&["small", "moderate", "small to moderate"]);
                p.lesions.push(
                    Lesion::new(
                        "pleura",
                        Region::Chest,
                        Shape::Effusion,
                        format!("{sd} pleural space"),
                        format!("{sd} malignant pleural effusion"),
                        0,
                        0,
                        rng.range(30, 80),
                    )
                    .desc(desc)
                    .qual("with nodular pleural thickening"),
                );
                m_text = format!("{} pleural effusion with nodular FDG-avid pleural thickening, consistent with malignant pleural disease (M1a).", cap(sd));
            } else {
                let n = rng.range(7, 16);
                p.lesions.push(
                    Lesion::new(
                        "lung",
                        Region::Chest,
                        Shape::Nodule,
                        format!("{other} lower lobe"),
                        format!("contralateral {other} lower lobe nodule"),
                        n,
                        rng.scale(n, 75, 95),
                        rng.range(25, 70),
                    )
                    .qual("in the contralateral lung"),
                );
                m_text = format!("FDG-avid nodule in the contralateral {other} lower lobe, suspicious for intrapulmonary metastasis (M1a).");
            }
        }
        2 => {
            let msuv = rng.range(50, 150);
            let l = match rng.below(3) {
                0 => adrenal_met(rng, msuv),
                1 => bone_met(rng, msuv, "lytic"),
                _ => liver_met(rng, msuv),
            };
            m_text = format!(
                "Solitary extrathoracic metastasis: {} (M1b). Tissue confirmation is advised if it would change management.",
                l.tag
            );
            p.lesions.push(l);
        }
        3 => {
            let mut organs = Vec::new();
            let combo = rng.below(4);
            if combo != 1 {
                let n = rng.range(3, 7);
                p.lesions.push({
                    let s_ = rng.range(50, 140);
                    bone_group(rng, s_, "lytic", n)
                });
                organs.push("skeleton".to_string());
            }
            if combo != 0 {
                let n = rng.range(2, 5);
                p.lesions.push({
                    let s_ = rng.range(50, 150);
                    liver_group(rng, s_, n)
                });
                organs.push("liver".to_string());
            }
            if combo == 3 || combo == 1 {
                let l = {
                    let s_ = rng.range(50, 140);
                    adrenal_met(rng, s_)
                };
                organs.push(l.loc.clone());
                p.lesions.push(l);
            }
            m_text = format!(
                "Multiple extrathoracic metastases involving the {} (M1c).",
                join(&organs)
            );
        }
        _ => {
            m_text = rng
                .one(&[
                    "No evidence of distant metastatic disease.",
                    "No extrathoracic metastases.",
                    "No distant metastases (M0).",
                ])
                .to_string();
        }
    }
    let stage = nsclc_stage(t_idx, n_cat, m_cat);
    p.stage = Some(stage.to_string());

    // Staging-only findings.
    if n_cat == 1 || n_cat == 2 {
        p.staging_notes.push((
            Region::Chest,
            rng.one(&[
                "No FDG-avid contralateral mediastinal, contralateral hilar or supraclavicular nodes.",
                "No hypermetabolic contralateral or supraclavicular lymph nodes.",
            ])
            .to_string(),
        ));
    }
    if m_cat == 0 && rng.pct(35) {
        p.staging_notes.push((
            Region::AbdPelvis,
            "Adrenal glands are normal in thickness without focal uptake.".to_string(),
        ));
    }
    if stage.starts_with("III") && rng.pct(40) {
        p.staging_notes.push((
            Region::HeadNeck,
            "The brain is not adequately assessed on FDG PET; contrast-enhanced MRI is recommended for intracranial staging.".to_string(),
        ));
    }

    // Impression.
    let sp = suv_phrase(rng, suv);
    let tq = if t_reason.is_empty() {
        if rng.pct(35) {
            format!(" ({t})")
        } else {
            String::new()
        }
    } else {
        format!(", with {t_reason}")
    };
    let hw = *rng.pick(hist_words);
    p.staging_imp.push(match rng.below(3) {
        0 => format!(
            "{} cm {desc} {lobe} {noun} with {} ({sp}), consistent with the known primary {hw}{tq}.",
            cm(size),
            crate::phrase::uptake(rng, Tracer::Fdg, suv)
        ),
        1 => format!(
            "{} {lobe} {noun} ({} cm, {sp}) in keeping with the biopsy-proven {hw}{tq}.",
            cap(crate::phrase::avid(rng, Tracer::Fdg, suv)),
            cm(size)
        ),
        _ => format!("Known {lobe} primary tumour: {} cm, {sp}{tq}.", cm(size)),
    });
    let is_hilar = |st: &str| st.starts_with("10") || st.starts_with("11");
    let is_n3 = |st: &str| {
        st.starts_with("1R")
            || st.starts_with("1L")
            || (!st.ends_with(s) && st.ends_with(['R', 'L']))
    };
    let hil: Vec<String> = stations
        .iter()
        .map(|(st, _)| st.clone())
        .filter(|st| is_hilar(st) && !is_n3(st))
        .collect();
    let med: Vec<String> = stations
        .iter()
        .map(|(st, _)| st.clone())
        .filter(|st| !is_hilar(st) && !is_n3(st))
        .collect();
    let n3s: Vec<String> = stations
        .iter()
        .map(|(st, _)| st.clone())
        .filter(|st| is_n3(st))
        .collect();
    let pl = |v: &[String]| if v.len() == 1 { "" } else { "s" };
    let hil_tail = if hil.is_empty() {
        String::new()
    } else {
        format!(
            ", with ipsilateral hilar involvement at station{} {}",
            pl(&hil),
            join(&hil)
        )
    };
    p.staging_imp.push(match n_cat {
        0 => rng
            .one(&[
                "No FDG-avid hilar or mediastinal nodal disease (N0).",
                "No hypermetabolic regional lymph nodes; N0.",
                "No nodal metastases identified.",
            ])
            .to_string(),
        1 => format!(
            "FDG-avid ipsilateral hilar/interlobar node{} at station{} {} (N1).",
            pl(&hil),
            pl(&hil),
            join(&hil)
        ),
        2 => format!(
            "{} ipsilateral mediastinal {} at station{} {}{hil_tail} (N2). {}",
            rng.one(&["Hypermetabolic", "FDG-avid", "Metabolically active"]),
            rng.one(&["adenopathy", "lymphadenopathy", "nodal disease"]),
            pl(&med),
            join(&med),
            rng.one(&[
                "EBUS-TBNA confirmation is suggested.",
                "Pathological confirmation by EBUS is recommended before treatment.",
                "",
            ])
        )
        .trim_end()
        .to_string(),
        _ => format!(
            "{} nodal involvement at station{} {} (N3), with ipsilateral mediastinal nodes at station{} {}{hil_tail}.",
            cap(n3_kind),
            pl(&n3s),
            join(&n3s),
            pl(&med),
            join(&med)
        ),
    });
    p.staging_imp.push(m_text);
    let mtxt = ["0", "1a", "1b", "1c"][m_cat as usize];
    let stage_line = match rng.below(5) {
        0 => format!("Clinical stage c{t} N{n_cat} M{mtxt}: AJCC 8th edition stage {stage}."),
        1 => {
            format!("Findings correspond to AJCC 8th edition stage {stage} (c{t}N{n_cat}M{mtxt}).")
        }
        2 => format!("Overall TNM c{t} N{n_cat} M{mtxt}, stage group {stage}."),
        3 => format!("Suggested stage {stage} (AJCC 8): c{t} N{n_cat} M{mtxt}."),
        _ => format!("TNM (AJCC 8th edition): c{t} N{n_cat} M{mtxt}."),
    };
    p.staging_imp.push(stage_line);

    // Indications.
    let hw2 = *rng.pick(hist_words);
    p.dx = vec![
        format!("Newly diagnosed {lobe} {hw}; initial staging."),
        format!(
            "{} with biopsy-proven {hw2} of the {lobe}. Staging prior to treatment planning.",
            rng.one(&["Former smoker (40 pack-years)", "Current smoker", "Never smoker", "Ex-smoker"])
        ),
        format!("{} {noun} on CT; CT-guided biopsy shows non-small cell lung cancer ({histology}). Staging.", cap(&lobe)),
        format!("Non-small cell lung cancer, {lobe}, {histology}. Pre-treatment staging."),
        format!("Staging of {hw2} of the {lobe} diagnosed at bronchoscopy."),
    ];
    p.dx_short = match rng.below(3) {
        0 => format!("{lobe} {histology}"),
        1 => format!("NSCLC ({histology}) of the {lobe}"),
        _ => format!("{lobe} non-small cell lung cancer"),
    };

    // Therapy.
    let early = stage.starts_with("I") && !stage.starts_with("III") && !stage.starts_with("IV");
    p.therapy = if early {
        if n_cat == 0 && t_idx <= 3 && rng.pct(35) {
            let mut th = Therapy::new(
                Mode::Radiation,
                "stereotactic body radiotherapy (54 Gy in 3 fractions)",
            );
            th.salvage = "carboplatin, pemetrexed and pembrolizumab".to_string();
            th
        } else {
            let mut th = Therapy::new(Mode::Surgery, "surgical resection");
            let op = if rng.pct(20) && t_idx <= 2 {
                format!("{sd} {lobe_word} lobe segmentectomy")
            } else {
                format!("{sd} {lobe_word} lobectomy with systematic nodal dissection")
            };
            th.surgery = Some(op);
            th.bed = Some((format!("{sd} bronchial stump"), "lung"));
            th.salvage = "stereotactic radiotherapy and systemic therapy".to_string();
            th
        }
    } else if stage.starts_with("III") {
        let mut th = Therapy::new(
            Mode::Radiation,
            "concurrent chemoradiotherapy (carboplatin/paclitaxel, 60 Gy in 30 fractions) followed by durvalumab",
        );
        th.salvage = rng
            .one(&["carboplatin, pemetrexed and pembrolizumab", "docetaxel"])
            .to_string();
        th
    } else {
        let first = if hist == 0 && rng.pct(25) {
            "osimertinib (EGFR exon 19 deletion)"
        } else if hist == 1 {
            "carboplatin, paclitaxel and pembrolizumab"
        } else {
            "carboplatin, pemetrexed and pembrolizumab"
        };
        let mut th = Therapy::new(Mode::Systemic, first);
        if first.starts_with("osimertinib") {
            th.unit = "months";
            th.interim_cycles = rng.range(3, 6);
        } else {
            th.interim_cycles = rng.range(2, 4);
            p.immunotherapy = true;
        }
        th.salvage = rng
            .one(&[
                "docetaxel",
                "docetaxel and ramucirumab",
                "stereotactic radiotherapy to the progressing site with continued systemic therapy",
            ])
            .to_string();
        th
    };
    p.triggers = vec![
        "New right-sided chest wall pain".into(),
        "New lower back pain".into(),
        "Weight loss and new hoarseness".into(),
        "Persistent cough and weight loss".into(),
    ];
    p
}

// ---------------------------------------------------------------------------------------------
// Lymphoma

struct Grp {
    site: &'static str,
    region: Region,
    above: bool,
    loc: &'static str,
    tag: &'static str,
    sub: &'static str,
}

const GROUPS: [Grp; 14] = [
    Grp {
        site: "cervical_nodes",
        region: Region::HeadNeck,
        above: true,
        loc: "right cervical chain (levels II-IV)",
        tag: "right cervical nodes",
        sub: "at level III",
    },
    Grp {
        site: "cervical_nodes",
        region: Region::HeadNeck,
        above: true,
        loc: "left cervical chain (levels II-IV)",
        tag: "left cervical nodes",
        sub: "at level IIA",
    },
    Grp {
        site: "supraclavicular_nodes",
        region: Region::HeadNeck,
        above: true,
        loc: "right supraclavicular fossa",
        tag: "right supraclavicular nodes",
        sub: "",
    },
    Grp {
        site: "supraclavicular_nodes",
        region: Region::HeadNeck,
        above: true,
        loc: "left supraclavicular fossa",
        tag: "left supraclavicular nodes",
        sub: "",
    },
    Grp {
        site: "axillary_nodes",
        region: Region::Chest,
        above: true,
        loc: "right axilla",
        tag: "right axillary nodes",
        sub: "at level I",
    },
    Grp {
        site: "axillary_nodes",
        region: Region::Chest,
        above: true,
        loc: "left axilla",
        tag: "left axillary nodes",
        sub: "at level II",
    },
    Grp {
        site: "mediastinal_nodes",
        region: Region::Chest,
        above: true,
        loc: "prevascular and paratracheal mediastinum",
        tag: "mediastinal nodes",
        sub: "in the prevascular space",
    },
    Grp {
        site: "hilar_nodes",
        region: Region::Chest,
        above: true,
        loc: "bilateral hila",
        tag: "bilateral hilar nodes",
        sub: "on the right",
    },
    Grp {
        site: "abdominal_nodes",
        region: Region::AbdPelvis,
        above: false,
        loc: "retroperitoneum (para-aortic and aortocaval)",
        tag: "retroperitoneal nodes",
        sub: "in the left para-aortic region",
    },
    Grp {
        site: "abdominal_nodes",
        region: Region::AbdPelvis,
        above: false,
        loc: "small bowel mesentery",
        tag: "mesenteric nodes",
        sub: "at the mesenteric root",
    },
    Grp {
        site: "pelvic_nodes",
        region: Region::AbdPelvis,
        above: false,
        loc: "right external iliac chain",
        tag: "right iliac nodes",
        sub: "",
    },
    Grp {
        site: "pelvic_nodes",
        region: Region::AbdPelvis,
        above: false,
        loc: "left common and external iliac chains",
        tag: "left iliac nodes",
        sub: "in the common iliac chain",
    },
    Grp {
        site: "inguinal_nodes",
        region: Region::AbdPelvis,
        above: false,
        loc: "right inguinal region",
        tag: "right inguinal nodes",
        sub: "",
    },
    Grp {
        site: "inguinal_nodes",
        region: Region::AbdPelvis,
        above: false,
        loc: "left inguinal region",
        tag: "left inguinal nodes",
        sub: "",
    },
];

fn group_lesion(rng: &mut Rng, g: &Grp, short: (u32, u32), suv: u32) -> Lesion {
    let count = rng.weighted(&[(1u32, 25), (2, 25), (3, 25), (4, 15), (5, 10)]);
    let tag = if count == 1 {
        g.tag.replace(" nodes", " node")
    } else {
        g.tag.to_string()
    };
    node(rng, g.site, g.region, g.loc, tag, short, suv, count, g.sub)
}

/// Lugano stage from the generated distribution.
pub(crate) fn lugano(
    above: bool,
    below: bool,
    spleen: bool,
    groups: usize,
    contiguous_e: bool,
    single_e: bool,
    distant: bool,
) -> &'static str {
    if distant {
        "IV"
    } else if above && (below || spleen) {
        "III"
    } else if contiguous_e {
        if groups == 0 {
            "IE"
        } else {
            "IIE"
        }
    } else if groups == 0 && single_e {
        "IE"
    } else if groups >= 2 {
        "II"
    } else {
        "I"
    }
}

fn lymphoma(cancer: Cancer, rng: &mut Rng) -> Patient {
    let age = match cancer {
        Cancer::Hodgkin => {
            if rng.pct(72) {
                rng.range(18, 42)
            } else {
                rng.range(55, 78)
            }
        }
        Cancer::Dlbcl => rng.range(40, 86),
        _ => rng.range(42, 80),
    };
    let male = rng.pct(52);
    let mut p = Patient::blank(cancer, Tracer::Fdg, male, age);
    let mbp = rng.range(15, 22);
    let liver = rng.range(mbp + 5, 32);
    p.lymph_ref = Some((mbp, liver));

    let grade3a = cancer == Cancer::Follicular && rng.pct(25);
    let (short, suv_lo, suv_hi) = match cancer {
        Cancer::Hodgkin => ((12, 32), 60, 200),
        Cancer::Dlbcl => ((15, 32), 110, 330),
        _ if grade3a => ((14, 30), 60, 140),
        _ => ((14, 30), 35, 110),
    };
    let target: &str = match cancer {
        Cancer::Hodgkin => {
            rng.weighted(&[("I", 8), ("II", 30), ("IIE", 8), ("III", 22), ("IV", 32)])
        }
        Cancer::Dlbcl => rng.weighted(&[
            ("I", 8),
            ("IE", 10),
            ("II", 18),
            ("IIE", 8),
            ("III", 16),
            ("IV", 40),
        ]),
        _ => rng.weighted(&[("I", 8), ("II", 12), ("III", 35), ("IV", 45)]),
    };
    let above_idx: Vec<usize> = (0..8).collect();
    let below_idx: Vec<usize> = (8..14).collect();
    let mut chosen: Vec<usize> = Vec::new();
    match target {
        "I" => {
            let opts: Vec<usize> = if cancer == Cancer::Hodgkin {
                vec![0, 1, 3, 6]
            } else {
                (0..14).collect()
            };
            chosen.push(*rng.pick(&opts));
        }
        "IE" => {}
        "II" | "IIE" => {
            let above = cancer == Cancer::Hodgkin || target == "IIE" || rng.pct(60);
            if above {
                if cancer == Cancer::Hodgkin && rng.pct(80) || target == "IIE" {
                    chosen.push(6);
                }
                let k = rng.range(1, 3) as usize;
                let pool: Vec<usize> = above_idx.iter().copied().filter(|i| *i != 6).collect();
                chosen.extend(rng.choose_n(&pool, k));
                if target == "IIE" && rng.pct(40) {
                    chosen.truncate(1);
                }
            } else {
                let k = rng.range(2, 3) as usize;
                chosen.extend(rng.choose_n(&below_idx, k));
            }
        }
        _ => {
            let k_above = rng.range(1, 3) as usize;
            if cancer == Cancer::Hodgkin && rng.pct(65) {
                chosen.push(6);
            }
            let pool: Vec<usize> = above_idx
                .iter()
                .copied()
                .filter(|i| !chosen.contains(i))
                .collect();
            chosen.extend(rng.choose_n(&pool, k_above));
            let k_below = if target == "IV" && rng.pct(25) {
                0
            } else {
                rng.range(1, 3) as usize
            };
            chosen.extend(rng.choose_n(&below_idx, k_below));
        }
    }
    chosen.sort_unstable();
    chosen.dedup();

    let mut bulky: Option<(String, u32)> = None;
    for &i in &chosen {
        let g = &GROUPS[i];
        let suv = rng.range(suv_lo, suv_hi);
        if i == 6 && cancer == Cancer::Hodgkin && rng.pct(40) {
            let long = rng.range(100, 145);
            let q = rng.one(&[
                "exceeding one third of the intrathoracic diameter",
                "displacing but not occluding the superior vena cava",
                "encasing the great vessels without occlusion",
            ]);
            p.lesions.push(
                Lesion::new(
                    g.site,
                    g.region,
                    Shape::Mass,
                    "anterior mediastinum",
                    "bulky anterior mediastinal mass",
                    long,
                    rng.range(65, 95),
                    suv,
                )
                .desc("bulky")
                .qual(q),
            );
            bulky = Some(("anterior mediastinal mass".to_string(), long));
            continue;
        }
        if cancer == Cancer::Dlbcl && bulky.is_none() && rng.pct(20) {
            let long = rng.range(75, 120);
            p.lesions.push(
                Lesion::new(
                    g.site,
                    g.region,
                    Shape::Mass,
                    g.loc,
                    format!("bulky {}", g.tag.replace("nodes", "nodal mass")),
                    long,
                    rng.scale(long, 55, 80),
                    suv,
                )
                .desc("conglomerate")
                .qual("with central photopenia suggesting necrosis"),
            );
            bulky = Some((
                format!("{} conglomerate", g.tag.trim_end_matches(" nodes")),
                long,
            ));
            continue;
        }
        p.lesions.push(group_lesion(rng, g, short, suv));
    }

    let above = chosen.iter().any(|i| GROUPS[*i].above);
    let below = chosen.iter().any(|i| !GROUPS[*i].above);
    let mut spleen = false;
    let mut contiguous_e = false;
    let mut single_e = false;
    let mut distant = false;
    let mut extra_imp: Vec<String> = Vec::new();

    // Spleen: stage III or IV, only with disease above the diaphragm.
    if (target == "III" || target == "IV")
        && above
        && rng.pct(if target == "III" && !below { 100 } else { 40 })
    {
        spleen = true;
        let suv = rng.range(suv_lo.max(2 * liver + 5), suv_hi.max(2 * liver + 20));
        let len = rng.range(135, 185);
        let l = if rng.pct(60) {
            let sz = rng.range(10, 28);
            Lesion::new(
                "spleen",
                Region::AbdPelvis,
                Shape::Lesion,
                "spleen",
                "splenic lesions",
                sz,
                rng.scale(sz, 70, 95),
                suv,
            )
            .group(rng.range(2, 8), "in the lower pole")
            .qual(format!(
                "with splenomegaly (craniocaudal length {} cm)",
                cm(len)
            ))
        } else {
            Lesion::new(
                "spleen",
                Region::AbdPelvis,
                Shape::Diffuse,
                "spleen",
                "diffuse splenic uptake",
                0,
                0,
                suv,
            )
            .desc("diffusely increased")
            .qual(format!(
                "well above liver, with splenomegaly ({} cm)",
                cm(len)
            ))
        };
        p.lesions.push(l);
        extra_imp.push(
            rng.one(&[
                "Splenic involvement.",
                "Lymphomatous involvement of the spleen.",
                "Splenic involvement with splenomegaly.",
            ])
            .to_string(),
        );
    }
    if target == "IE" {
        single_e = true;
        let suv = rng.range(suv_lo, suv_hi);
        let (l, organ) = match rng.below(3) {
            0 => {
                let len = rng.range(40, 80);
                (
                    Lesion::new(
                        "stomach",
                        Region::AbdPelvis,
                        Shape::Thickening,
                        "gastric body and antrum",
                        "gastric wall thickening",
                        len,
                        rng.range(12, 25),
                        suv,
                    )
                    .desc("circumferential"),
                    "gastric",
                )
            }
            1 => {
                let loc = rng.one(&[
                    "left proximal femur",
                    "T11 vertebral body",
                    "right iliac bone",
                    "right proximal tibia",
                ]);
                let sz = rng.range(25, 60);
                (
                    Lesion::new(
                        "bone",
                        Region::Msk,
                        Shape::Lesion,
                        loc,
                        format!("{loc} lesion"),
                        sz,
                        rng.scale(sz, 60, 85),
                        suv,
                    )
                    .desc("permeative lytic")
                    .qual("with an associated soft-tissue component"),
                    "bone",
                )
            }
            _ => {
                let sz = rng.range(28, 55);
                let s = side(rng.pct(50));
                (
                    Lesion::new(
                        "thyroid",
                        Region::HeadNeck,
                        Shape::Mass,
                        format!("{s} thyroid lobe"),
                        format!("{s} thyroid mass"),
                        sz,
                        rng.scale(sz, 65, 90),
                        suv,
                    ),
                    "thyroid",
                )
            }
        };
        extra_imp.push(format!(
            "Solitary FDG-avid {} without nodal disease, in keeping with primary extranodal ({organ}) lymphoma.",
            l.tag
        ));
        p.lesions.push(l);
    }
    if target == "IIE" && chosen.contains(&6) {
        contiguous_e = true;
        let suv = rng.range(suv_lo, suv_hi);
        let s = side(rng.pct(50));
        let l = if rng.pct(60) {
            let sz = rng.range(20, 45);
            Lesion::new(
                "lung",
                Region::Chest,
                Shape::Consolidation,
                format!("anterior segment of the {s} upper lobe"),
                format!("contiguous extension into the {s} upper lobe"),
                sz,
                rng.scale(sz, 55, 80),
                suv,
            )
            .qual("in direct continuity with the mediastinal disease")
        } else {
            let sz = rng.range(20, 40);
            Lesion::new("chest_wall", Region::Chest, Shape::Mass, format!("{s} anterior chest wall"), format!("contiguous {s} anterior chest wall extension"), sz, rng.scale(sz, 50, 75), suv)
                .qual("extending directly from the anterior mediastinal disease through the intercostal space")
        };
        extra_imp.push(format!("{} (E lesion).", cap(&l.tag)));
        p.lesions.push(l);
    }
    if target == "IV" {
        distant = true;
        let opts: &[u8] = match cancer {
            Cancer::Hodgkin => &[0, 1, 2, 3],
            Cancer::Dlbcl => &[0, 1, 3, 4, 5],
            _ => &[0, 6, 1],
        };
        let k = if rng.pct(30) { 2 } else { 1 };
        let picks = rng.choose_n(opts, k);
        for what in picks {
            let suv = rng.range(suv_lo.max(2 * liver + 5), suv_hi.max(2 * liver + 20));
            let (l, words) = match what {
                0 => {
                    let sub = rng.one(&[
                        "in the L2 vertebral body",
                        "in the left iliac bone",
                        "in the T9 vertebral body",
                        "in the right sacral ala",
                    ]);
                    (
                        Lesion::new(
                            "bone_marrow",
                            Region::Msk,
                            Shape::Lesion,
                            "bone marrow",
                            "focal marrow lesions",
                            0,
                            0,
                            suv,
                        )
                        .group(rng.range(3, 8), sub)
                        .desc("focal")
                        .qual("without corresponding abnormality on CT"),
                        "Multifocal marrow lesions, consistent with bone marrow involvement.",
                    )
                }
                1 => (
                    {
                        let n_ = rng.range(1, 4);
                        liver_group(rng, suv, n_)
                    },
                    "Hepatic involvement.",
                ),
                2 => (
                    {
                        let n_ = rng.range(2, 5);
                        lung_nodules(rng, suv, n_)
                    },
                    "Pulmonary nodules consistent with extranodal lung involvement.",
                ),
                3 => (bone_met(rng, suv, "lytic"), "Osseous involvement."),
                4 => {
                    let s = side(rng.pct(50));
                    let sz = rng.range(25, 60);
                    (
                        Lesion::new(
                            "kidney",
                            Region::AbdPelvis,
                            Shape::Mass,
                            format!("{s} kidney"),
                            format!("{s} renal mass"),
                            sz,
                            rng.scale(sz, 60, 85),
                            suv,
                        ),
                        "Renal involvement.",
                    )
                }
                5 => (adrenal_met(rng, suv), "Adrenal involvement."),
                _ => (
                    Lesion::new(
                        "bone_marrow",
                        Region::Msk,
                        Shape::Diffuse,
                        "axial and proximal appendicular marrow",
                        "diffuse marrow uptake",
                        0,
                        0,
                        suv.min(liver * 3),
                    )
                    .desc("heterogeneously increased")
                    .qual("above liver, in keeping with marrow infiltration"),
                    "Heterogeneous marrow uptake above liver, suggesting bone marrow involvement.",
                ),
            };
            if p.lesions.iter().any(|o| o.loc == l.loc) {
                continue;
            }
            extra_imp.push(words.to_string());
            p.lesions.push(l);
        }
    }
    let groups = chosen.len();
    let stage = lugano(
        above,
        below,
        spleen,
        groups,
        contiguous_e,
        single_e,
        distant,
    );
    p.stage = Some(stage.to_string());

    // FL: a discordant hot node raises the question of transformation.
    if cancer == Cancer::Follicular && rng.pct(12) {
        if let Some(l) = p.lesions.iter_mut().find(|l| l.shape == Shape::Node) {
            l.suv = rng.range(130, 190);
            extra_imp.push(format!(
                "Discordantly intense uptake in the {} (SUVmax {}) raises concern for transformation to an aggressive lymphoma; targeted biopsy of this site is suggested.",
                l.tag,
                crate::phrase::suv(l.suv)
            ));
        }
    }

    // Impression.
    let node_tags: Vec<String> = p
        .lesions
        .iter()
        .filter(|l| {
            l.shape == Shape::Node || (l.desc == Some("bulky") || l.desc == Some("conglomerate"))
        })
        .map(|l| l.tag.clone())
        .collect();
    let side_words = if above && below {
        "on both sides of the diaphragm"
    } else if above {
        "above the diaphragm"
    } else {
        "below the diaphragm"
    };
    if !node_tags.is_empty() {
        p.staging_imp.push(match rng.below(3) {
            0 => format!(
                "FDG-avid lymphadenopathy {side_words} involving the {}.",
                join(&node_tags)
            ),
            1 => format!(
                "Hypermetabolic nodal disease {side_words}: {}.",
                join(&node_tags)
            ),
            _ => format!(
                "Lymphoma involving the {} ({side_words}).",
                join(&node_tags)
            ),
        });
    }
    if let Some((what, long)) = &bulky {
        p.staging_imp.push(format!(
            "Bulky disease: {what} measuring {} cm in greatest dimension.",
            cm(*long)
        ));
    }
    p.staging_imp.extend(extra_imp);
    let bulk = if bulky.is_some() { ", bulky" } else { "" };
    p.staging_imp.push(match rng.below(4) {
        0 => format!("Lugano stage {stage}{bulk}."),
        1 => format!("Findings in keeping with Lugano stage {stage} disease{bulk}."),
        2 => format!("Stage {stage} (Lugano classification){bulk}."),
        _ => format!("Overall Lugano (modified Ann Arbor) stage {stage}{bulk}."),
    });
    if rng.pct(40) {
        p.staging_imp.push(format!(
            "Baseline reference activity: mediastinal blood pool SUVmax {}, liver SUVmax {}.",
            crate::phrase::suv(mbp),
            crate::phrase::suv(liver)
        ));
    }

    // Histology, indications, therapy.
    let biopsy_site = match chosen.first() {
        Some(&i) => {
            GROUPS[i]
                .tag
                .trim_end_matches(" nodes")
                .trim_end_matches(" node")
                .to_string()
                + " node"
        }
        None => p
            .lesions
            .first()
            .map(|l| l.loc.clone())
            .unwrap_or_else(|| "lesion".into()),
    };
    let b_symptoms = rng.one(&[
        "B symptoms (night sweats, fevers and weight loss). ",
        "No B symptoms. ",
        "Drenching night sweats. ",
        "",
    ]);
    match cancer {
        Cancer::Hodgkin => {
            let sub = rng.weighted(&[(0u8, 70), (1, 20), (2, 10)]);
            let (hist, words) = match sub {
                0 => (
                    "nodular sclerosis classical Hodgkin lymphoma",
                    "classical Hodgkin lymphoma, nodular sclerosis subtype",
                ),
                1 => (
                    "mixed cellularity classical Hodgkin lymphoma",
                    "classical Hodgkin lymphoma, mixed cellularity type",
                ),
                _ => (
                    "nodular lymphocyte-predominant Hodgkin lymphoma",
                    "nodular lymphocyte-predominant Hodgkin lymphoma",
                ),
            };
            p.histology = hist.to_string();
            p.dx = vec![
                format!("Newly diagnosed {words} on excisional biopsy of a {biopsy_site}. Baseline staging."),
                format!("{b_symptoms}{} on core biopsy. Pre-treatment staging.", cap(words)),
                format!("Hodgkin lymphoma ({}); staging before chemotherapy.", if sub == 0 { "nodular sclerosis" } else if sub == 1 { "mixed cellularity" } else { "NLPHL" }),
                format!("cHL, {} type. {b_symptoms}Initial staging PET/CT.", if sub == 1 { "MC" } else { "NS" }),
            ];
            p.dx_short = rng
                .one(&["classical Hodgkin lymphoma", "Hodgkin lymphoma", "cHL"])
                .to_string();
            if sub == 2 {
                p.dx_short = "NLPHL".to_string();
                p.dx[3] = format!("NLPHL on excision of a {biopsy_site}. {b_symptoms}Staging.");
            }
            let advanced = stage == "III" || stage == "IV";
            let first = if !advanced {
                "ABVD"
            } else if rng.pct(40) {
                "escalated BEACOPP"
            } else {
                "brentuximab vedotin with AVD (A+AVD)"
            };
            let mut th = Therapy::new(Mode::Systemic, first);
            th.interim_cycles = 2;
            th.salvage = rng
                .one(&[
                    "ICE salvage chemotherapy followed by autologous stem cell transplant",
                    "pembrolizumab",
                    "brentuximab vedotin and bendamustine",
                ])
                .to_string();
            p.therapy = th;
        }
        Cancer::Dlbcl => {
            let gcb = rng.pct(55);
            p.histology = if gcb {
                "DLBCL (GCB type)"
            } else {
                "DLBCL (non-GCB type)"
            }
            .to_string();
            let sub = if gcb {
                "germinal centre B-cell (GCB) subtype"
            } else {
                "non-germinal centre (activated B-cell) subtype"
            };
            p.dx = vec![
                format!("Newly diagnosed diffuse large B-cell lymphoma, {sub}. Staging."),
                format!("DLBCL ({}) on core biopsy of the {biopsy_site}. Baseline PET/CT before immunochemotherapy.", if gcb { "GCB" } else { "non-GCB" }),
                format!("Large B-cell lymphoma (DLBCL, NOS; {}), raised LDH. {b_symptoms}Staging.", if gcb { "GCB" } else { "ABC" }),
                format!("Diffuse large B-cell lymphoma diagnosed on biopsy of the {biopsy_site}. Initial staging."),
            ];
            p.dx_short = rng
                .one(&["DLBCL", "diffuse large B-cell lymphoma"])
                .to_string();
            let first = if rng.pct(75) { "R-CHOP" } else { "Pola-R-CHP" };
            let mut th = Therapy::new(Mode::Systemic, first);
            th.interim_cycles = rng.range(2, 4);
            th.salvage = rng
                .one(&[
                    "R-ICE",
                    "axicabtagene ciloleucel (CAR T-cell therapy)",
                    "glofitamab",
                    "R-GDP followed by autologous transplant",
                ])
                .to_string();
            p.therapy = th;
        }
        _ => {
            let grade = if grade3a { "grade 3A" } else { "grade 1-2" };
            p.histology = format!("follicular lymphoma {grade}");
            p.dx = vec![
                format!("Follicular lymphoma, {grade}, on excision of a {biopsy_site}. Staging."),
                format!("Newly diagnosed follicular lymphoma ({grade}). Baseline staging."),
                format!("Low-grade B-cell lymphoma: follicular lymphoma {grade}. Staging before deciding between observation and treatment."),
                format!("FL {grade} on core biopsy. {b_symptoms}Initial staging."),
            ];
            p.dx_short = format!("follicular lymphoma ({grade})");
            let limited = stage == "I" || stage == "II";
            p.therapy = if limited {
                let mut th = Therapy::new(Mode::Radiation, "involved-site radiotherapy (24 Gy)");
                th.salvage = "rituximab".to_string();
                th
            } else if rng.pct(40) && !grade3a {
                p.bias = Bias::Indolent;
                let mut th = Therapy::new(Mode::Watch, "active surveillance (watch and wait)");
                th.salvage = "bendamustine-rituximab".to_string();
                th
            } else {
                let first = if rng.pct(65) {
                    "bendamustine-rituximab"
                } else {
                    "obinutuzumab with CHOP"
                };
                let mut th = Therapy::new(Mode::Systemic, first);
                th.interim_cycles = 3;
                th.salvage = "lenalidomide-rituximab (R2)".to_string();
                th
            };
        }
    }
    p.triggers = vec![
        "Recurrent night sweats and fevers".into(),
        "Rising LDH".into(),
        "New fatigue, pruritus and weight loss".into(),
    ];
    p
}

// ---------------------------------------------------------------------------------------------
// Breast

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

fn breast(rng: &mut Rng) -> Patient {
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
    let mut prim = Lesion::new(
        "breast",
        Region::Chest,
        Shape::Mass,
        loc.clone(),
        format!("{sd} breast primary"),
        size,
        rng.scale(size, 60, 85),
        suv,
    )
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
        prim = prim.qual(rng.one(&[
            "abutting but not invading the pectoralis major",
            "without skin thickening",
            "separated from the chest wall by a preserved fat plane",
        ]));
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
                "axillary_nodes",
                Region::Chest,
                ax_loc.clone(),
                format!("{sd} axillary node{}", if c > 1 { "s" } else { "" }),
                (8, 20),
                ns,
                c,
                "at level I",
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
                        "axillary_nodes",
                        Region::Chest,
                        format!("{sd} axilla (levels I-II)"),
                        format!("matted {sd} axillary nodes"),
                        (14, 30),
                        ns,
                        c,
                        "at level II",
                    )
                    .desc("matted"),
                );
                n_words = format!("Matted FDG-avid {sd} level I-II axillary nodes (cN2a).");
            } else {
                let ns = nsuv(rng);
                p.lesions.push(node(
                    rng,
                    "internal_mammary_nodes",
                    Region::Chest,
                    format!("{sd} internal mammary chain (2nd intercostal space)"),
                    format!("{sd} internal mammary node"),
                    (6, 12),
                    ns,
                    1,
                    "",
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
                "axillary_nodes",
                Region::Chest,
                format!("{sd} axilla (levels I-II)"),
                format!("{sd} axillary nodes"),
                (10, 24),
                ns,
                c,
                "at level I",
            ));
            let ns2 = nsuv(rng);
            match rng.below(3) {
                0 => {
                    p.lesions.push(node(
                        rng,
                        "axillary_nodes",
                        Region::Chest,
                        format!("{sd} infraclavicular region (level III)"),
                        format!("{sd} level III axillary node"),
                        (8, 18),
                        ns2,
                        1,
                        "",
                    ));
                    n_words =
                        "Axillary nodal disease extending to level III (infraclavicular), cN3a."
                            .to_string();
                }
                1 => {
                    p.lesions.push(node(
                        rng,
                        "internal_mammary_nodes",
                        Region::Chest,
                        format!("{sd} internal mammary chain (3rd intercostal space)"),
                        format!("{sd} internal mammary node"),
                        (6, 12),
                        ns2,
                        1,
                        "",
                    ));
                    n_words = format!("FDG-avid {sd} axillary and internal mammary nodes (cN3b).");
                }
                _ => {
                    p.lesions.push(node(
                        rng,
                        "supraclavicular_nodes",
                        Region::HeadNeck,
                        format!("{sd} supraclavicular fossa"),
                        format!("{sd} supraclavicular node"),
                        (8, 18),
                        ns2,
                        1,
                        "",
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
                    "mediastinal_nodes",
                    Region::Chest,
                    "mediastinum (stations 4R and 7)",
                    "mediastinal nodes",
                    (10, 20),
                    msuv,
                    2,
                    "at station 4R",
                ),
            };
            if p.lesions.iter().any(|o| o.loc == l.loc) {
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
        rng.one(&[
            "No FDG-avid regional nodes (cN0).",
            "No axillary, internal mammary or supraclavicular nodal disease.",
        ])
        .to_string()
    } else {
        n_words
    });
    p.staging_imp.push(if m {
        format!("Distant metastatic disease: {}.", join(&m_words))
    } else {
        rng.one(&[
            "No distant metastases.",
            "No evidence of distant metastatic disease.",
        ])
        .to_string()
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
        th.salvage = rng
            .one(&[
                "trastuzumab deruxtecan",
                "capecitabine",
                "sacituzumab govitecan",
                "fulvestrant and alpelisib",
            ])
            .to_string();
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

// ---------------------------------------------------------------------------------------------
// Melanoma

/// AJCC 8th edition melanoma stage: `t` like "T3b", `n` like "N2b" (or "N0"), `m`.
pub(crate) fn melanoma_stage(t: &str, n: &str, m: bool) -> &'static str {
    if m {
        return "IV";
    }
    if n == "N0" {
        return match t {
            "T1a" | "T1b" => "IA",
            "T2a" => "IB",
            "T2b" | "T3a" => "IIA",
            "T3b" | "T4a" => "IIB",
            _ => "IIC",
        };
    }
    let n_low = matches!(n, "N1a" | "N2a");
    let n_mid = matches!(n, "N1b" | "N1c" | "N2b");
    match t {
        "T1a" | "T1b" | "T2a" => {
            if n_low {
                "IIIA"
            } else if n_mid {
                "IIIB"
            } else {
                "IIIC"
            }
        }
        "T2b" | "T3a" => {
            if n_low || n_mid {
                "IIIB"
            } else {
                "IIIC"
            }
        }
        "T3b" | "T4a" => "IIIC",
        _ => {
            if n.starts_with("N3") {
                "IIID"
            } else {
                "IIIC"
            }
        }
    }
}

fn melanoma(rng: &mut Rng) -> Patient {
    let age = rng.range(25, 86);
    let male = rng.pct(55);
    let mut p = Patient::blank(Cancer::Melanoma, Tracer::Fdg, male, age);
    p.whole_body = true;
    // (primary site, basin kind 0 lower limb / 1 upper limb / 2 trunk / 3 head, side right?)
    let prim = rng.pick(&[
        ("left calf", 0u8, false),
        ("right thigh", 0, true),
        ("dorsum of the left foot", 0, false),
        ("right lower leg", 0, true),
        ("right forearm", 1, true),
        ("left upper arm", 1, false),
        ("upper back", 2, true),
        ("left flank", 2, false),
        ("right anterior chest wall", 2, true),
        ("scalp (vertex)", 3, true),
        ("left cheek", 3, false),
        ("right shoulder", 1, true),
    ]);
    let (psite, kind, right) = *prim;
    let sd = side(right);
    let (basin_loc, basin_site, basin_region, basin_tag, limb, basin_adj) = match kind {
        0 => (
            format!("{sd} inguinal region"),
            "inguinal_nodes",
            Region::AbdPelvis,
            format!("{sd} inguinal nodes"),
            format!("{sd} thigh"),
            format!("{sd} inguinal"),
        ),
        1 => (
            format!("{sd} axilla"),
            "axillary_nodes",
            Region::Chest,
            format!("{sd} axillary nodes"),
            format!("{sd} arm"),
            format!("{sd} axillary"),
        ),
        2 => (
            format!("{sd} axilla"),
            "axillary_nodes",
            Region::Chest,
            format!("{sd} axillary nodes"),
            format!("{sd} posterior chest wall"),
            format!("{sd} axillary"),
        ),
        _ => (
            format!("{sd} parotid and level II cervical region"),
            "cervical_nodes",
            Region::HeadNeck,
            format!("{sd} parotid/cervical nodes"),
            format!("{sd} scalp and face"),
            format!("{sd} neck"),
        ),
    };
    let t = rng.weighted(&[
        ("T1b", 5),
        ("T2a", 10),
        ("T2b", 10),
        ("T3a", 15),
        ("T3b", 20),
        ("T4a", 15),
        ("T4b", 25),
    ]);
    let breslow = match &t[..2] {
        "T1" => rng.range(8, 10),
        "T2" => rng.range(11, 20),
        "T3" => rng.range(21, 40),
        _ => rng.range(41, 95),
    };
    let ulcer = t.ends_with('b') && t != "T1b";
    let bres = format!("{}.{} mm", breslow / 10, breslow % 10);
    let scenario = rng.weighted(&[(0u8, 25), (1, 40), (2, 35)]);
    let mut n = "N0".to_string();
    let mut m_cat = "";
    let mut imp_nodes = String::new();
    let mut has_nodes = false;
    if scenario >= 1 && (scenario == 1 || rng.pct(50)) {
        let pattern = rng.weighted(&[(0u8, 35), (1, 30), (2, 15), (3, 10), (4, 10)]);
        let it = pattern >= 3;
        let nodes = match pattern {
            0 => 1,
            1 => rng.range(2, 3),
            2 => rng.range(4, 6),
            3 => 0,
            _ => rng.range(1, 3),
        };
        if nodes > 0 {
            has_nodes = true;
            let ns = rng.range(50, 200);
            let mut l = node(
                rng,
                basin_site,
                basin_region,
                basin_loc.clone(),
                basin_tag.clone(),
                (12, 35),
                ns,
                nodes,
                "",
            );
            if nodes == 1 {
                l.tag = basin_tag.replace("nodes", "node");
            }
            if pattern == 2 {
                l = l.desc("matted");
            }
            p.lesions.push(l);
        }
        if it {
            let c = rng.range(1, 4);
            let sz = rng.range(6, 18);
            p.lesions.push(
                Lesion::new(
                    "skin",
                    Region::Msk,
                    Shape::Nodule,
                    format!("subcutaneous tissues of the {limb}"),
                    "in-transit metastases",
                    sz,
                    rng.scale(sz, 70, 95),
                    rng.range(30, 110),
                )
                .group(c, "")
                .qual("between the primary site and the regional nodal basin"),
            );
        }
        n = match (pattern, nodes) {
            (0, _) => "N1b",
            (1, _) => "N2b",
            (2, _) => "N3b",
            (3, _) => "N1c",
            (_, 1) => "N2c",
            _ => "N3c",
        }
        .to_string();
        imp_nodes = match pattern {
            0 => format!(
                "Single FDG-avid {} node, consistent with regional nodal metastasis ({n}).",
                basin_tag.trim_end_matches(" nodes")
            ),
            1 => format!(
                "{} FDG-avid {} ({n}).",
                cap(&crate::phrase::number_word(nodes)),
                basin_tag
            ),
            2 => format!("Matted FDG-avid {} ({n}).", basin_tag),
            3 => format!("In-transit metastases in the {limb} without nodal disease ({n})."),
            _ => format!(
                "In-transit metastases with {} involved {} ({n}).",
                crate::phrase::number_word(nodes),
                if nodes == 1 {
                    "regional node"
                } else {
                    "regional nodes"
                }
            ),
        };
    }
    let mut m_words: Vec<String> = Vec::new();
    if scenario == 2 {
        let nk = if rng.pct(50) { 2 } else { 1 };
        let kinds = rng.choose_n(&[0u8, 1, 2, 3, 4, 5, 6], nk);
        let mut rank = 0;
        for k in kinds {
            let msuv = rng.range(45, 180);
            let (l, r) = match k {
                0 => {
                    let loc = rng.one(&[
                        "subcutaneous fat of the right gluteal region",
                        "subcutaneous tissue of the left anterior abdominal wall",
                        "subcutaneous tissue of the right upper back",
                    ]);
                    let sz = rng.range(8, 20);
                    (
                        Lesion::new(
                            "skin",
                            Region::Msk,
                            Shape::Nodule,
                            loc,
                            "distant subcutaneous metastasis",
                            sz,
                            rng.scale(sz, 70, 95),
                            msuv,
                        ),
                        1,
                    )
                }
                1 => (
                    {
                        let n_ = rng.range(2, 6);
                        lung_nodules(rng, msuv.min(90), n_)
                    },
                    2,
                ),
                2 => (
                    {
                        let n_ = rng.range(1, 4);
                        liver_group(rng, msuv, n_)
                    },
                    3,
                ),
                3 => (bone_met(rng, msuv, "lytic"), 3),
                4 => {
                    let sz = rng.range(15, 35);
                    (
                        Lesion::new(
                            "small_bowel",
                            Region::AbdPelvis,
                            Shape::Mass,
                            "jejunum in the left upper quadrant",
                            "small bowel metastasis",
                            sz,
                            rng.scale(sz, 70, 90),
                            msuv,
                        )
                        .qual("without obstruction"),
                        3,
                    )
                }
                5 => (adrenal_met(rng, msuv), 3),
                _ => {
                    let sz = rng.range(8, 20);
                    let lobe = rng.one(&[
                        "right parietal lobe",
                        "left frontal lobe",
                        "right cerebellar hemisphere",
                    ]);
                    (
                        Lesion::new("brain", Region::HeadNeck, Shape::Lesion, lobe, format!("{lobe} metastasis"), sz, rng.scale(sz, 70, 95), rng.range(120, 190))
                            .qual("with surrounding vasogenic oedema on CT, uptake exceeding adjacent grey matter"),
                        4,
                    )
                }
            };
            if p.lesions.iter().any(|o| o.loc == l.loc) {
                continue;
            }
            rank = rank.max(r);
            m_words.push(l.tag.clone());
            p.lesions.push(l);
        }
        if m_words.is_empty() {
            let l = lung_nodules(rng, 60, 3);
            m_words.push(l.tag.clone());
            p.lesions.push(l);
            rank = 2;
        }
        m_cat = ["M1a", "M1a", "M1b", "M1c", "M1d"][rank];
    }
    let m = !m_cat.is_empty();
    let stage = melanoma_stage(t, &n, m);
    p.stage = Some(stage.to_string());
    let sub = rng.weighted(&[(0u8, 60), (1, 25), (2, 15)]);
    let braf = rng.pct(45);
    p.histology = match sub {
        0 => "cutaneous melanoma (superficial spreading)",
        1 => "nodular melanoma",
        _ => "cutaneous melanoma, BRAF V600E-mutant",
    }
    .to_string();
    let ul = if ulcer { "ulcerated" } else { "non-ulcerated" };
    p.dx = vec![
        format!("Cutaneous melanoma of the {psite}, Breslow {bres}, {ul} (p{t}). Staging."),
        format!("Recently excised melanoma of the {psite} (Breslow thickness {bres}, {ul}); BRAF {}. Staging PET/CT.", if braf || sub == 2 { "V600E mutant" } else { "wild-type" }),
        format!("Melanoma, {psite}, p{t}.{} Baseline staging.", if has_nodes { format!(" Palpable {basin_adj} lump.") } else { String::new() }),
        format!("{} melanoma of the {psite} (p{t}, Breslow {bres}). Pre-treatment staging.", if sub == 1 { "Nodular" } else { "Cutaneous" }),
    ];
    p.dx_short = format!("melanoma of the {psite}");
    if !imp_nodes.is_empty() {
        p.staging_imp.push(imp_nodes);
    }
    if m {
        p.staging_imp.push(format!(
            "Distant metastatic disease ({m_cat}): {}.",
            join(&m_words)
        ));
    }
    if !m && n == "N0" {
        p.staging_imp.push(
            rng.one(&[
                "No FDG-avid nodal or distant metastatic disease.",
                "No evidence of regional nodal, in-transit or distant metastases.",
            ])
            .to_string(),
        );
        p.staging_imp.push(
            rng.one(&[
                "Post-excision changes at the primary site without focal uptake.",
                "Expected mild post-surgical uptake at the excision scar.",
            ])
            .to_string(),
        );
    }
    if stage == "IV" {
        p.staging_imp
            .push(format!("AJCC 8th edition stage IV ({m_cat})."));
    } else {
        p.staging_imp.push(match rng.below(3) {
            0 => format!(
                "AJCC 8th edition stage {stage} (p{t} {} M0).",
                if n == "N0" {
                    "cN0".to_string()
                } else {
                    format!("c{n}")
                }
            ),
            1 => format!("Consistent with stage {stage} disease (p{t}, {n}, M0)."),
            _ => format!("p{t} {n} M0: stage {stage}."),
        });
    }
    if m_cat == "M1d" {
        p.staging_imp
            .push("Dedicated brain MRI is recommended.".into());
    }
    p.therapy = if m {
        let (first, imm) = if braf && rng.pct(40) {
            ("dabrafenib and trametinib", false)
        } else if rng.pct(65) {
            ("nivolumab plus ipilimumab", true)
        } else {
            ("pembrolizumab", true)
        };
        p.immunotherapy = imm;
        let mut th = Therapy::new(Mode::Systemic, first);
        th.interim_cycles = rng.range(3, 4);
        th.salvage = rng
            .one(&[
                "relatlimab and nivolumab",
                "tumour-infiltrating lymphocyte therapy",
                "dabrafenib and trametinib",
                "ipilimumab",
            ])
            .to_string();
        th
    } else if n != "N0" && has_nodes {
        let mut th = Therapy::new(
            Mode::Surgery,
            "therapeutic lymph node dissection and adjuvant nivolumab",
        );
        th.surgery = Some(format!("{basin_adj} lymph node dissection"));
        th.bed = Some((format!("{basin_adj} dissection bed"), basin_site));
        th.salvage = "nivolumab plus ipilimumab".to_string();
        p.immunotherapy = true;
        th
    } else if n != "N0" {
        let mut th = Therapy::new(
            Mode::Surgery,
            "excision of in-transit metastases and adjuvant nivolumab",
        );
        th.surgery = Some(format!(
            "excision of the in-transit metastases of the {limb}"
        ));
        th.bed = Some((format!("excision sites in the {limb}"), "skin"));
        th.salvage = "nivolumab plus ipilimumab".to_string();
        p.immunotherapy = true;
        th
    } else {
        let mut th = Therapy::new(Mode::Watch, "wide local excision");
        th.salvage = "pembrolizumab".to_string();
        th
    };
    p.triggers = vec![
        "Rising LDH".into(),
        "New fatigue and weight loss".into(),
        "Routine surveillance; rising S100".into(),
    ];
    p
}

// ---------------------------------------------------------------------------------------------
// Colorectal

/// AJCC 8th edition colorectal stage for the combinations used with MRI-staged rectal cancer.
pub(crate) fn rectal_stage(t: &str, n: &str) -> &'static str {
    match (t, n) {
        ("T2", "N0") => "I",
        ("T3", "N0") => "IIA",
        ("T4a", "N0") => "IIB",
        ("T4b", "N0") => "IIC",
        ("T2", "N1") => "IIIA",
        ("T3", "N1") | ("T4a", "N1") | ("T3", "N2a") => "IIIB",
        _ => "IIIC",
    }
}

fn colorectal(rng: &mut Rng) -> Patient {
    let age = rng.range(40, 86);
    let male = rng.pct(55);
    let mut p = Patient::blank(Cancer::Colorectal, Tracer::Fdg, male, age);
    let rectal = rng.pct(35);
    let (loc, site, words) = if rectal {
        let l = *rng.pick(&[
            ("mid rectum (8 cm from the anal verge)", "mid rectum"),
            ("low rectum (5 cm from the anal verge)", "low rectum"),
            ("upper rectum (12 cm from the anal verge)", "upper rectum"),
        ]);
        (l.0.to_string(), "rectum", l.1.to_string())
    } else {
        let l = rng.one(&[
            "sigmoid colon",
            "rectosigmoid junction",
            "ascending colon",
            "caecum",
            "hepatic flexure",
            "descending colon",
        ]);
        (l.to_string(), "colon", l.to_string())
    };
    let mucinous = !rectal && rng.pct(12);
    let suv = if mucinous {
        rng.range(30, 70)
    } else {
        rng.range(90, 280)
    };
    let len = rng.range(30, 70);
    p.lesions.push(
        Lesion::new(
            site,
            Region::AbdPelvis,
            Shape::Thickening,
            loc.clone(),
            format!("{words} primary"),
            len,
            rng.range(12, 25),
            suv,
        )
        .primary()
        .desc(rng.one(&["circumferential", "eccentric", "irregular", "annular"])),
    );
    p.histology = if mucinous {
        format!("mucinous adenocarcinoma of the {words}")
    } else if rectal {
        "rectal adenocarcinoma".to_string()
    } else {
        format!("adenocarcinoma of the {words}")
    };
    let m = rng.pct(if rectal { 30 } else { 60 });
    let mut mri = (String::new(), String::new());
    if rectal && !m {
        let combos = [
            ("T2", "N1"),
            ("T3", "N0"),
            ("T3", "N1"),
            ("T3", "N2a"),
            ("T4a", "N0"),
            ("T4a", "N1"),
            ("T4b", "N0"),
            ("T4b", "N1"),
            ("T3", "N2b"),
        ];
        let c = *rng.pick(&combos);
        mri = (c.0.to_string(), c.1.to_string());
    }
    // Regional nodes.
    let show_nodes = if rectal && !m {
        mri.1 != "N0" && rng.pct(75)
    } else {
        rng.pct(55)
    };
    if show_nodes {
        let c = rng.range(1, 3);
        let ns = rng.range(30, 80);
        let (nloc, nsite, ntag) = if rectal {
            ("mesorectum", "pelvic_nodes", "mesorectal nodes")
        } else {
            (
                "pericolic fat adjacent to the tumour",
                "abdominal_nodes",
                "pericolic nodes",
            )
        };
        let mut l = node(
            rng,
            nsite,
            Region::AbdPelvis,
            nloc,
            ntag,
            (6, 14),
            ns,
            c,
            "",
        );
        if c == 1 {
            l.tag = ntag.replace("nodes", "node");
        }
        p.lesions.push(l);
    }
    let mut organs: Vec<String> = Vec::new();
    let mut peritoneal = false;
    if m {
        if rng.pct(20) {
            peritoneal = true;
            let sz = rng.range(10, 35);
            p.lesions.push(
                Lesion::new(
                    "peritoneum",
                    Region::AbdPelvis,
                    Shape::Nodule,
                    "peritoneum and greater omentum",
                    "peritoneal metastases",
                    sz,
                    rng.scale(sz, 50, 80),
                    rng.range(40, 100),
                )
                .group(rng.range(3, 7), "in the right paracolic gutter")
                .qual("with omental caking and a small volume of ascites"),
            );
            organs.push("peritoneum".into());
        }
        let k = if peritoneal {
            rng.range(0, 1)
        } else if rng.pct(35) {
            2
        } else {
            1
        };
        let opts = rng.choose_n(&[0u8, 0, 0, 1, 2, 3], 3);
        for what in opts {
            if organs.len() >= k as usize + usize::from(peritoneal) {
                break;
            }
            let msuv = rng.range(60, 200);
            let (l, organ) = match what {
                0 => (
                    {
                        let n_ = rng.range(1, 6);
                        liver_group(rng, msuv, n_)
                    },
                    "liver",
                ),
                1 => (
                    {
                        let n_ = rng.range(2, 5);
                        lung_nodules(rng, msuv.min(70), n_)
                    },
                    "lungs",
                ),
                2 => (
                    node(
                        rng,
                        "abdominal_nodes",
                        Region::AbdPelvis,
                        "retroperitoneum (left para-aortic)",
                        "retroperitoneal nodes",
                        (10, 22),
                        msuv,
                        2,
                        "at the level of the left renal vein",
                    ),
                    "non-regional (retroperitoneal) nodes",
                ),
                _ => (bone_met(rng, msuv, "lytic"), "skeleton"),
            };
            if organs.iter().any(|o| o == organ) || p.lesions.iter().any(|o| o.loc == l.loc) {
                continue;
            }
            organs.push(organ.to_string());
            p.lesions.push(l);
        }
        if organs.is_empty() {
            p.lesions.push(liver_group(rng, 120, 3));
            organs.push("liver".into());
        }
    }
    let stage: Option<&str> = if peritoneal {
        Some("IVC")
    } else if m {
        Some(if organs.len() >= 2 { "IVB" } else { "IVA" })
    } else if rectal {
        Some(rectal_stage(&mri.0, &mri.1))
    } else {
        None
    };
    p.stage = stage.map(str::to_string);
    let sp = suv_phrase(rng, suv);
    p.staging_imp.push(format!(
        "{} {} of the {words} ({sp}), consistent with the known primary{}.",
        cap(crate::phrase::avid(rng, Tracer::Fdg, suv)),
        rng.one(&["mural thickening", "mass", "wall thickening"]),
        if mucinous {
            "; mucinous tumours may show only modest uptake"
        } else {
            ""
        }
    ));
    if show_nodes {
        p.staging_imp.push(format!(
            "FDG-avid {} regional nodes.",
            if rectal { "mesorectal" } else { "pericolic" }
        ));
    }
    if m {
        p.staging_imp.push(format!(
            "Metastatic disease involving the {}.",
            join(&organs)
        ));
        let s = stage.unwrap_or("IV");
        let mc = match s {
            "IVC" => "M1c",
            "IVB" => "M1b",
            _ => "M1a",
        };
        p.staging_imp.push(match rng.below(3) {
            0 => format!("AJCC 8th edition stage {s} ({mc})."),
            1 => format!(
                "Stage {s} disease ({mc}: {}).",
                if mc == "M1c" {
                    "peritoneal metastases"
                } else if mc == "M1b" {
                    "more than one distant site"
                } else {
                    "single distant site"
                }
            ),
            _ => format!("Findings indicate {mc} disease, stage {s}."),
        });
    } else if rectal {
        p.staging_imp.push(
            rng.one(&["No distant metastases.", "No extrapelvic disease."])
                .to_string(),
        );
        p.staging_imp.push(format!(
            "Combined with MRI staging (c{} c{}), overall clinical stage {} (AJCC 8th edition).",
            mri.0,
            mri.1,
            stage.unwrap_or("")
        ));
    } else {
        p.staging_imp.push(rng.one(&["No distant metastatic disease. Locoregional stage will be established at surgical pathology.", "No FDG-avid distant metastases; T and N categories are deferred to pathology."]).to_string());
    }

    let cea = rng.range(3, 180);
    p.dx = vec![
        format!("Newly diagnosed adenocarcinoma of the {words} on colonoscopic biopsy. Staging."),
        format!(
            "{} adenocarcinoma; CEA {cea} ng/mL. Staging PET/CT.",
            cap(&words)
        ),
        format!(
            "Colorectal cancer ({words}){}. Staging.",
            if m {
                "; indeterminate lesions on staging CT"
            } else {
                ""
            }
        ),
        format!(
            "Biopsy-proven {} of the {words}. Pre-treatment staging.",
            if mucinous {
                "mucinous adenocarcinoma"
            } else {
                "adenocarcinoma"
            }
        ),
    ];
    if rectal && !m {
        for d in &mut p.dx {
            d.push_str(&format!(" MRI pelvis: c{} c{}.", mri.0, mri.1));
        }
    }
    p.dx_short = if rectal {
        format!("{words} adenocarcinoma")
    } else {
        format!("adenocarcinoma of the {words}")
    };
    p.therapy = if m {
        let first = rng.one(&[
            "FOLFOX with bevacizumab",
            "FOLFIRI with cetuximab (RAS wild-type)",
            "CAPOX",
        ]);
        let mut th = Therapy::new(Mode::Systemic, first);
        th.interim_cycles = rng.range(4, 6);
        th.salvage = rng
            .one(&[
                "FOLFIRI with bevacizumab",
                "trifluridine-tipiracil and bevacizumab",
                "regorafenib",
            ])
            .to_string();
        th
    } else if rectal {
        let mut th = Therapy::new(
            Mode::Radiation,
            "total neoadjuvant therapy (short-course radiotherapy followed by CAPOX)",
        );
        th.surgery_after = true;
        th.surgery = Some("total mesorectal excision".to_string());
        th.bed = Some(("presacral space".to_string(), "rectum"));
        th.salvage = "FOLFIRI with bevacizumab".to_string();
        th
    } else {
        let op = match words.as_str() {
            "ascending colon" | "caecum" | "hepatic flexure" => "right hemicolectomy",
            "descending colon" => "left hemicolectomy",
            _ => "sigmoid colectomy",
        };
        let mut th = Therapy::new(Mode::Surgery, op);
        th.surgery = Some(op.to_string());
        th.bed = Some(("colonic anastomosis".to_string(), "colon"));
        th.salvage = "FOLFOX with bevacizumab".to_string();
        th
    };
    p.triggers = vec![
        format!("Rising CEA (now {} ng/mL)", rng.range(8, 60)),
        "CEA increasing on two consecutive measurements".into(),
        "New pelvic pain".into(),
    ];
    p
}

// ---------------------------------------------------------------------------------------------
// Head and neck squamous cell carcinoma

fn head_neck(rng: &mut Rng) -> Patient {
    let kind = rng.weighted(&[(0u8, 60), (1, 20), (2, 20)]); // p16+ OPC, p16- OPC, larynx
    let age = if kind == 0 {
        rng.range(42, 70)
    } else {
        rng.range(50, 82)
    };
    let male = rng.pct(78);
    let mut p = Patient::blank(Cancer::HeadNeck, Tracer::Fdg, male, age);
    let right = rng.pct(50);
    let sd = side(right);
    let other = side(!right);
    let suv = rng.range(90, 260);
    let t: u32;
    let mut t_text = String::new();
    let (ploc, psite) = if kind == 2 {
        let sub = rng.below(2);
        let loc = if sub == 0 {
            format!("{sd} true vocal cord")
        } else {
            format!("supraglottic larynx ({sd} aryepiglottic fold)")
        };
        t = rng.weighted(&[(1u32, 10), (2, 30), (3, 40), (4, 20)]);
        t_text = match t {
            1 => "cT1 (tumour confined to one subsite, normal mobility)".into(),
            2 => "cT2 (extension to an adjacent subsite, impaired cord mobility)".into(),
            3 => "cT3 (vocal cord fixation)".into(),
            _ => "cT4a (invasion through the thyroid cartilage)".into(),
        };
        (loc, "larynx")
    } else {
        t = rng.weighted(&[(1u32, 15), (2, 40), (3, 25), (4, 20)]);
        let loc = if rng.pct(60) {
            format!("{sd} palatine tonsil")
        } else {
            format!("{sd} base of tongue")
        };
        (loc, "oropharynx")
    };
    let size = match (kind, t) {
        (2, _) => rng.range(12, 38),
        (_, 1) => rng.range(10, 20),
        (_, 2) => rng.range(21, 40),
        (_, 3) => rng.range(41, 55),
        _ => rng.range(30, 60),
    };
    let mut prim = Lesion::new(
        psite,
        Region::HeadNeck,
        Shape::Mass,
        ploc.clone(),
        format!("{ploc} primary"),
        size,
        rng.scale(size, 60, 85),
        suv,
    )
    .primary();
    if kind != 2 && t == 4 {
        prim = prim.qual(rng.one(&[
            "extending into the larynx with invasion of the pre-epiglottic fat",
            "invading the ipsilateral medial pterygoid muscle",
        ]));
    } else if kind == 2 && t == 4 {
        prim = prim.qual("with erosion of the adjacent thyroid cartilage");
    } else if rng.pct(40) {
        prim = prim.qual(rng.one(&[
            "without extension across the midline",
            "abutting but not invading the pre-epiglottic fat",
            "confined to the mucosal surface without deep extension",
        ]));
    }
    p.lesions.push(prim);

    // Nodes: pattern 0 none, 1 single ipsi <=3 cm, 2 single ipsi 3-6 cm, 3 multiple ipsi, 4 bilateral, 5 > 6 cm
    let pattern = rng.weighted(&[(0u8, 20), (1, 22), (2, 15), (3, 20), (4, 13), (5, 10)]);
    let nsuv = |rng: &mut Rng| rng.range(50, 200);
    let cystic = kind == 0 && rng.pct(45);
    let push_node = |p: &mut Patient, rng: &mut Rng, s: &str, level: &str, long: u32| {
        let ns = nsuv(rng);
        let mut l = Lesion::new(
            "cervical_nodes",
            Region::HeadNeck,
            Shape::Node,
            format!("{s} level {level}"),
            format!("{s} level {level} node"),
            long,
            rng.scale(long, 60, 85),
            ns,
        );
        l.nodal = false; // size by greatest dimension (head and neck N category)
        if cystic {
            l = l.desc("cystic");
        }
        p.lesions.push(l);
    };
    let mut max_long = 0;
    let mut ipsi = 0;
    let mut contra = 0;
    match pattern {
        1 | 2 => {
            let long = if pattern == 1 {
                rng.range(15, 30)
            } else {
                rng.range(31, 58)
            };
            let lv = rng_level(rng);
            push_node(&mut p, rng, sd, lv, long);
            max_long = long;
            ipsi = 1;
        }
        3 => {
            let nl = rng.range(2, 3) as usize;
            let levels = rng.choose_n(&["IIA", "IIB", "III", "IV"], nl);
            for lv in levels {
                let long = rng.range(14, 40);
                push_node(&mut p, rng, sd, lv, long);
                max_long = max_long.max(long);
                ipsi += 1;
            }
        }
        4 => {
            let long = rng.range(15, 40);
            push_node(&mut p, rng, sd, "IIA", long);
            let long2 = rng.range(12, 28);
            let lv = rng_level(rng);
            push_node(&mut p, rng, other, lv, long2);
            max_long = long.max(long2);
            ipsi = 1;
            contra = 1;
        }
        5 => {
            let long = rng.range(62, 78);
            push_node(&mut p, rng, sd, "II-III", long);
            max_long = long;
            ipsi = 1;
        }
        _ => {}
    }
    let n: &str = match kind {
        0 => {
            if max_long > 60 {
                "N3"
            } else if contra > 0 {
                "N2"
            } else if ipsi > 0 {
                "N1"
            } else {
                "N0"
            }
        }
        _ => {
            if max_long > 60 {
                "N3a"
            } else if contra > 0 {
                "N2c"
            } else if ipsi > 1 {
                "N2b"
            } else if ipsi == 1 && max_long > 30 {
                "N2a"
            } else if ipsi == 1 {
                "N1"
            } else {
                "N0"
            }
        }
    };
    let m = rng.pct(8);
    if m {
        p.lesions.push({
            let n_ = rng.range(2, 5);
            {
                let s_ = rng.range(35, 90);
                lung_nodules(rng, s_, n_)
            }
        });
    }
    let stage = if kind == 0 {
        if m {
            "IV"
        } else if n == "N3" || t == 4 {
            "III"
        } else if t == 3 || n == "N2" {
            "II"
        } else {
            "I"
        }
    } else if m {
        "IVC"
    } else if n.starts_with("N3") {
        "IVB"
    } else if t == 4 || n.starts_with("N2") {
        "IVA"
    } else if t == 3 || n == "N1" {
        "III"
    } else if t == 2 {
        "II"
    } else {
        "I"
    };
    p.stage = Some(stage.to_string());
    p.histology = match kind {
        0 => "HPV-positive (p16+) oropharyngeal squamous cell carcinoma",
        1 => "p16-negative oropharyngeal squamous cell carcinoma",
        _ => "laryngeal squamous cell carcinoma",
    }
    .to_string();
    let sp = suv_phrase(rng, suv);
    p.staging_imp.push(format!(
        "{} {} primary tumour ({} cm, {sp}){}.",
        cap(crate::phrase::avid(rng, Tracer::Fdg, suv)),
        ploc,
        cm(size),
        if kind != 2 && t == 4 {
            ", with deep extension (T4)".to_string()
        } else if kind != 2 {
            format!(", T{t} by size")
        } else {
            String::new()
        }
    ));
    p.staging_imp.push(match pattern {
        0 => "No FDG-avid cervical lymphadenopathy (N0).".to_string(),
        4 => format!("FDG-avid bilateral cervical nodes ({n})."),
        5 => format!("Large FDG-avid {sd} level II-III nodal mass exceeding 6 cm ({n})."),
        _ => format!(
            "FDG-avid ipsilateral {sd} cervical nodal metastases, largest {} cm ({n}).",
            cm(max_long)
        ),
    });
    p.staging_imp.push(if m {
        "Multiple FDG-avid pulmonary nodules consistent with distant metastases (M1).".to_string()
    } else {
        rng.one(&[
            "No distant metastases.",
            "No FDG-avid distant disease; no second primary in the lungs.",
        ])
        .to_string()
    });
    let tt = if kind == 2 {
        t_text
            .split(' ')
            .next()
            .unwrap_or("cT3")
            .trim_start_matches('c')
            .to_string()
    } else {
        format!("T{t}")
    };
    p.staging_imp.push(match (kind, rng.below(2)) {
        (0, 0) => format!("AJCC 8th edition clinical stage {stage} for p16-positive oropharyngeal cancer (c{tt} c{n} M{})." , if m { 1 } else { 0 }),
        (0, _) => format!("HPV-associated staging (AJCC 8): c{tt} {n} M{}, stage {stage}.", if m { 1 } else { 0 }),
        (_, 0) => format!("AJCC 8th edition stage {stage} (c{tt} c{n} M{}).", if m { 1 } else { 0 }),
        _ => format!("Overall stage {stage}: {tt} {n} M{}.", if m { 1 } else { 0 }),
    });
    p.dx = match kind {
        0 => vec![
            format!("Newly diagnosed p16-positive squamous cell carcinoma of the {ploc}. Staging."),
            format!("HPV-associated oropharyngeal SCC ({ploc}). Pre-treatment staging."),
            format!("{} neck lump; FNA shows p16-positive squamous cell carcinoma, primary in the {ploc} on panendoscopy. Staging.", cap(sd)),
        ],
        1 => vec![
            format!("Squamous cell carcinoma of the {ploc}, p16 negative; heavy smoker. Staging."),
            format!("p16-negative oropharyngeal squamous cell carcinoma ({ploc}). Staging PET/CT."),
        ],
        _ => vec![
            format!("Laryngeal squamous cell carcinoma ({ploc}), {t_text} at laryngoscopy. Staging."),
            format!("Hoarseness; biopsy-proven squamous cell carcinoma of the {ploc}. Laryngoscopy: {t_text}. Staging."),
        ],
    };
    p.dx_short = match kind {
        0 => format!("p16-positive SCC of the {ploc}"),
        1 => format!("p16-negative SCC of the {ploc}"),
        _ => format!("laryngeal SCC ({ploc})"),
    };
    p.therapy = if m {
        let mut th = Therapy::new(Mode::Systemic, "pembrolizumab with platinum/5-FU");
        th.interim_cycles = 3;
        th.salvage = "cetuximab and paclitaxel".into();
        p.immunotherapy = true;
        th
    } else if kind == 0 && t <= 2 && (n == "N0" || n == "N1") && rng.pct(30) {
        let mut th = Therapy::new(
            Mode::Surgery,
            "transoral robotic surgery with neck dissection",
        );
        th.surgery = Some(format!(
            "transoral robotic resection and {sd} neck dissection"
        ));
        th.bed = Some((format!("{sd} tonsillar fossa resection bed"), "oropharynx"));
        th.salvage = "salvage chemoradiotherapy".into();
        th
    } else {
        let mut th = Therapy::new(
            Mode::Radiation,
            "concurrent cisplatin chemoradiotherapy (70 Gy in 35 fractions)",
        );
        th.salvage = "pembrolizumab".into();
        th
    };
    p.triggers = vec![
        "Persistent odynophagia and otalgia".into(),
        "New dysphagia and weight loss".into(),
    ];
    p
}

fn rng_level(rng: &mut Rng) -> &'static str {
    rng.one(&["IIA", "III", "IIA", "IV"])
}

// ---------------------------------------------------------------------------------------------
// Prostate (PSMA)

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

fn prostate(rng: &mut Rng) -> Patient {
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
    let zone = rng.one(&[
        "peripheral zone, mid gland to base",
        "peripheral zone at the apex",
        "peripheral zone, mid gland",
    ]);
    let mut prim = Lesion::new(
        "prostate",
        Region::AbdPelvis,
        Shape::Lesion,
        format!("{sd} {zone}"),
        "dominant intraprostatic lesion",
        0,
        0,
        suv,
    )
    .primary();
    prim = match t {
        "T3a" => prim.qual(format!(
            "with focal extension beyond the {sd} posterolateral capsule"
        )),
        "T3b" => prim.qual(format!("extending into the {sd} seminal vesicle")),
        _ => prim.qual(rng.one(&[
            "confined to the gland",
            "without extraprostatic extension",
            "with a smaller contralateral focus",
        ])),
    };
    p.lesions.push(prim);
    let n1 = rng.pct(38);
    let mut n_stations: Vec<String> = Vec::new();
    if n1 {
        let stations = [
            "left obturator",
            "right obturator",
            "left external iliac",
            "right external iliac",
            "left internal iliac",
            "right internal iliac",
            "presacral",
            "right perirectal",
        ];
        let k = rng.range(1, 4) as usize;
        for st in rng.choose_n(&stations, k) {
            let s = rng.range(4, 12);
            let ns = rng.range(50, 350);
            p.lesions.push(Lesion::new(
                "pelvic_nodes",
                Region::AbdPelvis,
                Shape::Node,
                format!("{st} region"),
                format!("{st} node"),
                rng.scale(s, 110, 150),
                s,
                ns,
            ));
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
                        let v7_ = rng.range(2, 4);
                        node(
                            rng,
                            "abdominal_nodes",
                            Region::AbdPelvis,
                            "retroperitoneum (para-aortic and left common iliac)",
                            "retroperitoneal nodes",
                            (5, 14),
                            msuv,
                            v7_,
                            "at the aortic bifurcation",
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
            if p.lesions.iter().any(|o| o.loc == l.loc) {
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
        rng.one(&[
            "No PSMA-avid pelvic nodes (miN0).",
            "No pelvic nodal disease.",
        ])
        .to_string()
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
        let first = rng.one(&[
            "androgen deprivation with darolutamide and docetaxel",
            "androgen deprivation with enzalutamide",
            "androgen deprivation with apalutamide",
        ]);
        let mut th = Therapy::new(Mode::Systemic, first);
        th.unit = "months";
        th.interim_cycles = rng.range(4, 8);
        th.salvage = rng
            .one(&[
                "177Lu-PSMA-617 radioligand therapy",
                "cabazitaxel",
                "docetaxel",
            ])
            .to_string();
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

// ---------------------------------------------------------------------------------------------
// Neuroendocrine tumours (DOTATATE)

fn net(rng: &mut Rng) -> Patient {
    let age = rng.range(35, 80);
    let male = rng.pct(50);
    let mut p = Patient::blank(Cancer::Net, Tracer::Dotatate, male, age);
    let liver = rng.range(60, 110);
    let spleen = rng.range(180, 320);
    p.sstr_ref = Some((liver, spleen));
    p.bias = Bias::Indolent;
    let pancreatic = rng.pct(55);
    let ki = if rng.pct(45) {
        rng.range(1, 2)
    } else {
        rng.range(3, 15)
    };
    let grade = if ki < 3 { "G1" } else { "G2" };
    let suv = rng.range(150, 700);
    let stage: Option<&str>;
    let mut m_words: Vec<String> = Vec::new();
    if pancreatic {
        let part = rng.one(&["tail", "body", "head", "neck"]);
        let t = rng.weighted(&[(1u32, 20), (2, 35), (3, 25), (4, 20)]);
        let size = match t {
            1 => rng.range(10, 19),
            2 => rng.range(20, 40),
            3 => rng.range(41, 60),
            _ => rng.range(25, 60),
        };
        let mut prim = Lesion::new(
            "pancreas",
            Region::AbdPelvis,
            Shape::Mass,
            format!("pancreatic {part}"),
            format!("pancreatic {part} primary"),
            size,
            rng.scale(size, 70, 92),
            suv,
        )
        .primary();
        prim = if t == 4 {
            prim.qual(if part == "tail" {
                "invading the splenic hilum"
            } else {
                "encasing the superior mesenteric artery"
            })
        } else {
            prim.qual(rng.one(&[
                "well circumscribed, without vascular encasement",
                "without pancreatic duct dilatation",
                "abutting but not encasing the splenic vein",
            ]))
        };
        p.lesions.push(prim);
        let n1 = rng.pct(25);
        if n1 {
            let ns = rng.range(100, suv);
            p.lesions.push({
                let v7_ = rng.range(1, 3);
                node(
                    rng,
                    "abdominal_nodes",
                    Region::AbdPelvis,
                    "peripancreatic region",
                    "peripancreatic nodes",
                    (8, 16),
                    ns,
                    v7_,
                    "",
                )
            });
        }
        let m1 = rng.pct(30);
        if m1 {
            p.lesions.push({
                let n_ = rng.range(3, 12);
                {
                    let s_ = rng.range(150, 600);
                    liver_group(rng, s_, n_)
                }
            });
            m_words.push("liver".into());
            if rng.pct(30) {
                p.lesions.push({
                    let n_ = rng.range(2, 5);
                    {
                        let s_ = rng.range(100, 400);
                        bone_group(rng, s_, "sclerotic", n_)
                    }
                });
                m_words.push("skeleton".into());
            }
        }
        stage = Some(if m1 {
            "IV"
        } else if n1 || t == 4 {
            "III"
        } else if t >= 2 {
            "II"
        } else {
            "I"
        });
        p.histology = format!("well-differentiated pancreatic NET {grade} (Ki-67 {ki}%)");
        p.dx = vec![
            format!("Well-differentiated pancreatic neuroendocrine tumour, {grade} (Ki-67 {ki}%), on EUS-guided biopsy of a {} cm {part} lesion. Staging.", cm(size)),
            format!("Pancreatic NET ({part}), {grade}. Somatostatin receptor imaging for staging and assessment of receptor status."),
            format!("Incidental pancreatic {part} mass on CT; biopsy: neuroendocrine tumour {grade}. Staging."),
        ];
        p.dx_short = format!("pancreatic NET {grade}");
        let sp = suv_phrase(rng, suv);
        p.staging_imp.push(format!(
            "Somatostatin receptor-positive {} cm pancreatic {part} tumour ({sp}){}.",
            cm(size),
            if t == 4 {
                ", with local invasion (T4)"
            } else {
                ""
            }
        ));
        p.staging_imp.push(if n1 {
            "SSTR-positive peripancreatic nodes (N1).".to_string()
        } else {
            "No nodal disease.".to_string()
        });
        if !m_words.is_empty() {
            p.staging_imp
                .push(format!("Metastases in the {} (M1).", join(&m_words)));
        }
        p.therapy = if stage == Some("I") || stage == Some("II") {
            let op = if part == "head" {
                "pancreaticoduodenectomy (Whipple)"
            } else {
                "distal pancreatectomy and splenectomy"
            };
            let mut th = Therapy::new(Mode::Surgery, op);
            th.surgery = Some(op.to_string());
            th.bed = Some(("pancreatic resection bed".to_string(), "pancreas"));
            th.salvage = "lanreotide".into();
            th
        } else {
            let mut th = Therapy::new(Mode::Systemic, "lanreotide 120 mg every 28 days");
            th.unit = "months";
            th.interim_cycles = rng.range(6, 12);
            th.salvage =
                "177Lu-DOTATATE peptide receptor radionuclide therapy (four cycles)".into();
            th
        };
    } else {
        let sz = rng.range(10, 22);
        p.lesions.push(
            Lesion::new(
                "small_bowel",
                Region::AbdPelvis,
                Shape::Lesion,
                "distal ileum in the right iliac fossa",
                "ileal primary",
                sz,
                rng.scale(sz, 70, 95),
                suv,
            )
            .primary()
            .qual("without bowel obstruction"),
        );
        let mes = rng.pct(75);
        if mes {
            let long = rng.range(20, 45);
            p.lesions.push(
                Lesion::new(
                    "abdominal_nodes",
                    Region::AbdPelvis,
                    Shape::Mass,
                    "small bowel mesentery",
                    "mesenteric nodal mass",
                    long,
                    rng.scale(long, 65, 90),
                    rng.range(150, suv.max(200)),
                )
                .desc("spiculated")
                .qual("with radiating desmoplastic strands and partial calcification"),
            );
        }
        let m1 = rng.pct(60);
        if m1 {
            p.lesions.push({
                let n_ = rng.range(3, 15);
                {
                    let s_ = rng.range(150, 650);
                    liver_group(rng, s_, n_)
                }
            });
            m_words.push("liver".into());
            if rng.pct(25) {
                p.lesions.push({
                    let n_ = rng.range(2, 6);
                    {
                        let s_ = rng.range(100, 400);
                        bone_group(rng, s_, "sclerotic", n_)
                    }
                });
                m_words.push("skeleton".into());
            }
        }
        stage = if m1 {
            Some("IV")
        } else if mes {
            Some("III")
        } else {
            None
        };
        p.histology = format!("well-differentiated ileal NET {grade} (Ki-67 {ki}%)");
        p.dx = vec![
            format!("Small bowel neuroendocrine tumour ({grade}, Ki-67 {ki}%) with flushing and diarrhoea; elevated chromogranin A. Staging."),
            format!("Well-differentiated ileal NET {grade} diagnosed at ileocolonoscopy. Somatostatin receptor PET for staging."),
            format!("Carcinoid syndrome; raised urinary 5-HIAA. CT: mesenteric mass. Neuroendocrine tumour {grade} on biopsy. Staging."),
        ];
        p.dx_short = format!("ileal NET {grade}");
        let sp = suv_phrase(rng, suv);
        p.staging_imp.push(format!(
            "{} focus in the distal ileum ({sp}), consistent with the primary tumour.",
            cap(crate::phrase::avid(rng, Tracer::Dotatate, suv))
        ));
        if mes {
            p.staging_imp.push(
                "SSTR-positive spiculated mesenteric nodal mass with desmoplastic reaction (N1)."
                    .into(),
            );
        }
        if !m_words.is_empty() {
            p.staging_imp.push(format!(
                "Somatostatin receptor-positive metastases in the {} (M1).",
                join(&m_words)
            ));
        }
        let mut th = Therapy::new(Mode::Systemic, "lanreotide 120 mg every 28 days");
        th.unit = "months";
        th.interim_cycles = rng.range(6, 12);
        th.salvage = "177Lu-DOTATATE peptide receptor radionuclide therapy (four cycles)".into();
        p.therapy = th;
    }
    let max_suv = p.lesions.iter().map(|l| l.suv).max().unwrap_or(suv);
    let krenning = if max_suv > spleen {
        "4 (uptake greater than spleen)"
    } else if max_suv > liver {
        "3 (uptake greater than liver)"
    } else {
        "2 (uptake similar to liver)"
    };
    p.staging_imp.push(format!("Krenning score {krenning}; suitable for peptide receptor radionuclide therapy should it be required."));
    if let Some(s) = stage {
        p.staging_imp.push(match rng.below(2) {
            0 => format!("AJCC 8th edition stage {s}."),
            _ => format!("Findings support stage {s} disease (AJCC 8th edition)."),
        });
    } else {
        p.staging_imp
            .push("No nodal or distant disease identified.".into());
    }
    p.stage = stage.map(str::to_string);
    p.triggers = vec![
        "Rising chromogranin A".into(),
        "Worsening flushing and diarrhoea despite somatostatin analogue".into(),
    ];
    p
}

// ---------------------------------------------------------------------------------------------
// Benign mimics

fn sarcoid(rng: &mut Rng) -> Patient {
    let age = rng.range(25, 62);
    let male = rng.pct(45);
    let mut p = Patient::blank(Cancer::Sarcoid, Tracer::Fdg, male, age);
    p.scenario = rng.below(2);
    p.histology = if p.scenario == 1 {
        "sarcoidosis (non-caseating granulomas)"
    } else {
        "sarcoidosis"
    }
    .to_string();
    p.process = "sarcoidosis activity".into();
    let suv = rng.range(45, 120);
    p.lesions.push(
        node(
            rng,
            "hilar_nodes",
            Region::Chest,
            "bilateral hila",
            "bilateral hilar nodes",
            (12, 22),
            suv,
            2,
            "on the right",
        )
        .desc("symmetric"),
    );
    p.lesions.push({
        let v6_ = rng.scale(suv, 80, 100);
        let v7_ = rng.range(2, 5);
        node(
            rng,
            "mediastinal_nodes",
            Region::Chest,
            "right paratracheal and subcarinal stations (4R and 7)",
            "mediastinal nodes",
            (10, 20),
            v6_,
            v7_,
            "at station 7",
        )
    });
    let lung = rng.pct(40);
    if lung {
        let sz = rng.range(4, 8);
        p.lesions.push(
            Lesion::new(
                "lung",
                Region::Chest,
                Shape::Nodule,
                "upper and mid zones of both lungs",
                "perilymphatic pulmonary nodules",
                sz,
                sz,
                rng.range(25, 50),
            )
            .group(rng.range(5, 10), "")
            .qual("in a perilymphatic distribution along the bronchovascular bundles and fissures"),
        );
    }
    let spleen = rng.pct(20);
    if spleen {
        p.lesions.push(
            Lesion::new(
                "spleen",
                Region::AbdPelvis,
                Shape::Diffuse,
                "spleen",
                "splenic uptake",
                0,
                0,
                rng.range(30, 50),
            )
            .desc("heterogeneously increased"),
        );
    }
    if rng.pct(15) {
        p.lesions.push(
            Lesion::new(
                "parotid",
                Region::HeadNeck,
                Shape::Diffuse,
                "bilateral parotid glands",
                "parotid uptake",
                0,
                0,
                rng.range(35, 60),
            )
            .desc("symmetrically increased"),
        );
    }
    p.staging_notes.push((Region::Chest, rng.one(&[
        "The nodal distribution is symmetric, with bilateral hilar and right paratracheal involvement typical of granulomatous disease.",
        "Nodes show a symmetric hilar and mediastinal ('lambda') pattern; several contain fine calcifications on CT.",
    ]).to_string()));
    p.dx = if p.scenario == 0 {
        vec![
            "Bilateral hilar and mediastinal lymphadenopathy on CT; sarcoidosis versus lymphoma.".into(),
            "Incidental mediastinal and hilar adenopathy on CT chest; dry cough and fatigue. Query sarcoidosis.".into(),
            "Enlarged hilar nodes and raised serum ACE. Assess pattern and metabolic activity.".into(),
        ]
    } else {
        vec![
            "Biopsy-proven sarcoidosis (non-caseating granulomas on EBUS-TBNA of station 7). Assessment of disease activity and extent before treatment.".into(),
            "Known pulmonary sarcoidosis; evaluation of active inflammation prior to immunosuppression.".into(),
        ]
    };
    p.dx_short = "sarcoidosis".into();
    p.followup_ind = vec![
        format!(
            "Sarcoidosis, on oral prednisolone for {} months. Assessment of treatment response.",
            rng.range(2, 6)
        ),
        "Follow-up of sarcoidosis after corticosteroid therapy.".into(),
        "Sarcoidosis on methotrexate; reassessment of disease activity.".into(),
    ];
    p.staging_imp.push(format!(
        "Symmetric FDG-avid bilateral hilar and mediastinal lymphadenopathy{}{}, a pattern most consistent with active sarcoidosis.",
        if lung { " with perilymphatic pulmonary nodules" } else { "" },
        if spleen { " and heterogeneous splenic uptake" } else { "" }
    ));
    if p.scenario == 0 {
        p.staging_imp.push("Lymphoma is considered less likely given the symmetric distribution and absence of disease below the diaphragm; tissue sampling (EBUS) if clinically required.".into());
    } else {
        p.staging_imp
            .push("No FDG-avid lesion outside the expected distribution of sarcoidosis.".into());
    }
    p
}

fn infection(rng: &mut Rng) -> Patient {
    let age = rng.range(20, 85);
    let male = rng.pct(50);
    let mut p = Patient::blank(Cancer::Infection, Tracer::Fdg, male, age);
    p.scenario = rng.below(4);
    let right = rng.pct(50);
    let sd = side(right);
    match p.scenario {
        0 => {
            let long = rng.range(40, 80);
            p.lesions.push(
                Lesion::new(
                    "lung",
                    Region::Chest,
                    Shape::Consolidation,
                    format!("{sd} lower lobe"),
                    format!("{sd} lower lobe consolidation"),
                    long,
                    rng.scale(long, 50, 75),
                    rng.range(50, 110),
                )
                .qual("with air bronchograms and no discrete mass"),
            );
            p.lesions.push({
                let v6_ = rng.range(30, 55);
                node(
                    rng,
                    "hilar_nodes",
                    Region::Chest,
                    format!("{sd} hilum"),
                    format!("{sd} hilar node"),
                    (8, 12),
                    v6_,
                    1,
                    "",
                )
            });
            p.histology = "community-acquired pneumonia".into();
            p.process = "infection".into();
            p.dx = vec![
                format!("Fever, productive cough and raised CRP. CT: {sd} lower lobe consolidation, probably pneumonia; exclude an underlying malignancy."),
                format!("Non-resolving {sd} lower lobe opacity on chest radiograph in a smoker. Query neoplasm."),
            ];
            p.dx_short = format!("{sd} lower lobe consolidation");
            p.staging_imp = vec![
                format!("Intensely FDG-avid {sd} lower lobe consolidation with air bronchograms, most in keeping with infective pneumonia. An underlying neoplasm cannot be entirely excluded; follow-up CT after treatment is recommended to document resolution."),
                "Mildly avid ipsilateral hilar node, likely reactive.".into(),
            ];
            p.followup_ind = vec![
                format!("Follow-up after antibiotic treatment for {sd} lower lobe pneumonia."),
                format!("Reassessment of the {sd} lower lobe consolidation after a course of antibiotics."),
            ];
        }
        1 => {
            let level = rng.one(&["L2-L3", "L3-L4", "L4-L5", "T11-T12"]);
            p.lesions.push(
                Lesion::new(
                    "bone",
                    Region::Msk,
                    Shape::Lesion,
                    format!("{level} disc space and adjacent vertebral endplates"),
                    format!("{level} spondylodiscitis"),
                    0,
                    0,
                    rng.range(60, 120),
                )
                .desc("intense")
                .qual("with endplate erosion and a small paravertebral soft-tissue component"),
            );
            p.histology = "spondylodiscitis".into();
            p.process = "spinal infection".into();
            p.dx = vec![
                "Fever of unknown origin and lower back pain; Staphylococcus aureus bacteraemia. Source localisation.".into(),
                "Persistent fever and raised inflammatory markers despite antibiotics; source of infection?".into(),
            ];
            p.dx_short = format!("{level} spondylodiscitis");
            p.staging_imp = vec![
                format!("Intense uptake centred on the {level} disc space with endplate erosion and paravertebral soft tissue, consistent with infectious spondylodiscitis."),
                "No other focus of infection; no FDG-avid lesion to suggest malignancy.".into(),
            ];
            p.followup_ind = vec![
                format!("Spondylodiscitis at {level}, after {} weeks of intravenous antibiotics. Response assessment.", rng.range(6, 10)),
                "Follow-up of vertebral osteomyelitis; inflammatory markers normalising.".into(),
            ];
        }
        2 => {
            p.age = rng.range(55, 82);
            p.lesions.push(
                Lesion::new(
                    "large_vessels",
                    Region::Chest,
                    Shape::Diffuse,
                    "thoracic aorta, aortic arch and both subclavian arteries",
                    "large-vessel wall uptake",
                    0,
                    0,
                    rng.range(35, 60),
                )
                .desc("smooth circumferential")
                .qual("greater than liver (grade 3 vascular uptake)"),
            );
            p.histology = "large-vessel vasculitis (giant cell arteritis)".into();
            p.process = "vasculitis activity".into();
            p.dx = vec![
                "Fever of unknown origin, weight loss and raised inflammatory markers for three months. Query occult malignancy or vasculitis.".into(),
                "Polymyalgic symptoms and elevated CRP; exclude large-vessel vasculitis or occult neoplasm.".into(),
            ];
            p.dx_short = "large-vessel vasculitis".into();
            p.staging_imp = vec![
                "Smooth, circumferential FDG uptake along the thoracic aorta and subclavian arteries, greater than liver, consistent with active large-vessel vasculitis.".into(),
                "No FDG-avid lesion to suggest malignancy or a focal infective source.".into(),
            ];
            p.followup_ind = vec![
                "Giant cell arteritis on tocilizumab and tapering prednisolone; assessment of vascular inflammation.".into(),
                "Large-vessel vasculitis, follow-up after six months of treatment.".into(),
            ];
        }
        _ => {
            let long = rng.range(50, 90);
            p.lesions.push(
                Lesion::new(
                    "colon",
                    Region::AbdPelvis,
                    Shape::Thickening,
                    "sigmoid colon",
                    "sigmoid wall thickening",
                    long,
                    rng.range(10, 16),
                    rng.range(60, 130),
                )
                .desc("segmental")
                .qual("with adjacent diverticula and pericolic fat stranding"),
            );
            p.histology = "acute sigmoid diverticulitis".into();
            p.process = "diverticulitis".into();
            p.dx = vec![
                "Left iliac fossa pain and raised inflammatory markers; CT showed sigmoid wall thickening. Neoplasm versus inflammation?".into(),
                "Weight loss and altered bowel habit; sigmoid thickening on CT. Exclude malignancy.".into(),
            ];
            p.dx_short = "sigmoid diverticulitis".into();
            p.staging_imp = vec![
                "Segmental FDG-avid sigmoid wall thickening with diverticula and pericolic stranding, favouring acute diverticulitis.".into(),
                "Colonoscopy after resolution of the acute episode is advised to exclude an underlying neoplasm.".into(),
            ];
            p.followup_ind = vec![
                "Follow-up of sigmoid diverticulitis after antibiotics; colonoscopy pending."
                    .into(),
                "Reassessment of sigmoid inflammation after conservative treatment.".into(),
            ];
        }
    }
    p
}

fn brown_fat(rng: &mut Rng) -> Patient {
    let age = rng.range(16, 40);
    let male = rng.pct(35);
    let mut p = Patient::blank(Cancer::BrownFat, Tracer::Fdg, male, age);
    p.histology = "activated brown adipose tissue".into();
    p.process = "brown fat activation".into();
    p.lesions.push(
        Lesion::new(
            "supraclavicular_fat",
            Region::HeadNeck,
            Shape::Diffuse,
            "bilateral supraclavicular and lower cervical fat",
            "supraclavicular brown fat",
            0,
            0,
            rng.range(60, 160),
        )
        .desc("symmetric intense"),
    );
    p.lesions.push(
        Lesion::new(
            "paravertebral_fat",
            Region::Chest,
            Shape::Diffuse,
            "paravertebral fat along the thoracic spine",
            "paravertebral brown fat",
            0,
            0,
            rng.range(40, 120),
        )
        .desc("symmetric"),
    );
    let perirenal = rng.pct(50);
    if perirenal {
        p.lesions.push(
            Lesion::new(
                "perirenal_fat",
                Region::AbdPelvis,
                Shape::Diffuse,
                "bilateral perirenal fat",
                "perirenal brown fat",
                0,
                0,
                rng.range(30, 90),
            )
            .desc("patchy"),
        );
    }
    if rng.pct(30) {
        p.lesions.push(
            Lesion::new(
                "mediastinal_fat",
                Region::Chest,
                Shape::Diffuse,
                "mediastinal fat around the great vessels",
                "mediastinal brown fat",
                0,
                0,
                rng.range(30, 80),
            )
            .desc("patchy"),
        );
    }
    p.staging_notes.push((
        Region::HeadNeck,
        format!("The uptake corresponds to fat attenuation on CT (-{} to -{} HU) with no underlying nodal or soft-tissue abnormality.", rng.range(60, 80), rng.range(95, 120)),
    ));
    p.dx = vec![
        "Unexplained weight loss and night sweats; query occult malignancy or lymphoma.".into(),
        "Palpable fullness in the left supraclavicular fossa; ultrasound equivocal.".into(),
        "Fatigue and raised inflammatory markers; exclude occult neoplasm.".into(),
        "Fever of unknown origin for three weeks.".into(),
    ];
    p.dx_short = "constitutional symptoms".into();
    p.staging_imp = vec![
        format!("Symmetric intense FDG uptake in supraclavicular, paravertebral{} fat with fat attenuation on CT, typical of activated brown adipose tissue.", if perirenal { " and perirenal" } else { "" }),
        "No FDG-avid lymphadenopathy or other finding to suggest malignancy.".into(),
        "If further imaging is needed, warming and beta-blocker premedication will suppress brown fat activity.".into(),
    ];
    p.followup_ind = vec![
        "Repeat study with warming and propranolol premedication because of extensive brown fat activity on the prior scan.".into(),
        "Persistent constitutional symptoms; repeat PET/CT under a brown-fat suppression protocol.".into(),
    ];
    p
}

fn post_radiation(rng: &mut Rng) -> Patient {
    let age = rng.range(45, 82);
    let male = rng.pct(55);
    let mut p = Patient::blank(Cancer::PostRadiation, Tracer::Fdg, male, age);
    p.scenario = rng.below(3);
    let sd = side(rng.pct(50));
    let months = rng.range(3, 9);
    match p.scenario {
        0 => {
            let long = rng.range(30, 60);
            p.lesions.push(
                Lesion::new(
                    "lung",
                    Region::Chest,
                    Shape::Consolidation,
                    format!("{sd} upper lobe, within the radiotherapy field"),
                    format!("{sd} upper lobe post-radiation consolidation"),
                    long,
                    rng.scale(long, 45, 70),
                    rng.range(30, 60),
                )
                .qual("with straight margins conforming to the treatment portal"),
            );
            p.histology = "radiation pneumonitis".into();
            p.process = "post-radiation inflammation".into();
            p.dx = vec![
                format!("Completed stereotactic body radiotherapy (54 Gy in 3 fractions) to a {sd} upper lobe lesion {months} months ago. CT shows enlarging consolidation at the treated site: recurrence or radiation pneumonitis?"),
                format!("Post-SBRT follow-up of the {sd} upper lobe; increasing opacity around the treated lesion."),
            ];
            p.dx_short = format!("post-SBRT change in the {sd} upper lobe");
            p.staging_imp = vec![
                format!("Moderate uptake in consolidation with straight margins confined to the {sd} upper lobe treatment field, in keeping with post-radiation pneumonitis; no nodular focus to suggest local recurrence."),
                "No FDG-avid nodal or distant disease.".into(),
                "Follow-up imaging is suggested to confirm continued regression.".into(),
            ];
        }
        1 => {
            p.lesions.push(
                Lesion::new(
                    "esophagus",
                    Region::Chest,
                    Shape::Diffuse,
                    "mid and distal oesophagus",
                    "oesophageal uptake",
                    0,
                    0,
                    rng.range(35, 70),
                )
                .desc("diffuse linear")
                .qual("along the length of the irradiated segment without a focal mass"),
            );
            p.histology = "radiation oesophagitis".into();
            p.process = "radiation oesophagitis".into();
            p.dx = vec![
                "Completed mediastinal radiotherapy six weeks ago; odynophagia and dysphagia, query radiation oesophagitis."
                    .into(),
                "Dysphagia after recent thoracic radiotherapy; exclude oesophageal involvement."
                    .into(),
            ];
            p.dx_short = "post-radiation oesophageal change".into();
            p.staging_imp = vec![
                "Diffuse linear uptake of the mid and distal oesophagus, confined to the radiotherapy field and without a focal mass, consistent with radiation oesophagitis.".into(),
                "No FDG-avid lesion to suggest malignancy.".into(),
            ];
        }
        _ => {
            p.lesions.push(
                Lesion::new(
                    "bone",
                    Region::Msk,
                    Shape::Lesion,
                    "sacral alae with a horizontal component across S2",
                    "sacral insufficiency fractures",
                    0,
                    0,
                    rng.range(40, 75),
                )
                .desc("linear")
                .qual("with sclerotic fracture lines on CT in an H-shaped pattern"),
            );
            p.histology = "sacral insufficiency fractures after pelvic radiotherapy".into();
            p.process = "insufficiency fracture activity".into();
            p.dx = vec![
                format!("Completed pelvic radiotherapy {months} months ago. New low back and buttock pain; bone metastases or post-radiation insufficiency fractures?"),
                "Sacral pain after pelvic chemoradiotherapy; MRI equivocal.".into(),
            ];
            p.dx_short = "post-radiation sacral change".into();
            p.staging_imp = vec![
                "Linear H-shaped uptake across the sacrum corresponding to sclerotic fracture lines, consistent with insufficiency fractures within the previous radiotherapy field; this is not the pattern of metastatic disease.".into(),
                "No other FDG-avid osseous or soft-tissue lesion.".into(),
            ];
        }
    }
    p.followup_ind = vec![
        "Follow-up of presumed post-radiation change.".into(),
        format!(
            "Reassessment {} months after the previous PET/CT; symptoms improving.",
            rng.range(3, 6)
        ),
    ];
    p
}

fn reactive(rng: &mut Rng) -> Patient {
    let age = rng.range(20, 72);
    let male = rng.pct(45);
    let mut p = Patient::blank(Cancer::Reactive, Tracer::Fdg, male, age);
    p.scenario = rng.below(3);
    p.process = "reactive lymphadenopathy".into();
    let sd = side(rng.pct(50));
    match p.scenario {
        0 => {
            p.lesions.push(
                {
                    let v6_ = rng.range(30, 65);
                    let v7_ = rng.range(2, 5);
                    node(
                        rng,
                        "axillary_nodes",
                        Region::Chest,
                        format!("{sd} axilla (levels I-II)"),
                        format!("{sd} axillary nodes"),
                        (8, 14),
                        v6_,
                        v7_,
                        "at level I",
                    )
                }
                .qual("with cortical thickening and preserved fatty hila"),
            );
            p.staging_notes.push((
                Region::Msk,
                format!("Mild uptake in the {sd} deltoid muscle at the injection site."),
            ));
            p.histology = "reactive lymphadenopathy after vaccination".into();
            p.dx = vec![
                format!("Palpable {sd} axillary lymph nodes after {{vaccine}} vaccination in the {sd} deltoid {} days ago. Query lymphoma.", rng.range(5, 20)),
                format!("Ultrasound showed enlarged {sd} axillary nodes with cortical thickening; recent {{vaccine}} vaccine in the ipsilateral arm. Reactive nodes versus lymphoma."),
            ];
            p.dx_short = format!("{sd} axillary lymphadenopathy");
            p.staging_imp = vec![
                format!("Moderately FDG-avid {sd} axillary nodes with preserved fatty hila, ipsilateral to the recent vaccination, in keeping with reactive lymphadenopathy."),
                "No other FDG-avid nodal or extranodal disease; follow-up can confirm resolution.".into(),
            ];
        }
        1 => {
            p.lesions.push(
                {
                    let v7_ = rng.range(35, 70);
                    let v8_ = rng.range(3, 6);
                    node(
                        rng,
                        "cervical_nodes",
                        Region::HeadNeck,
                        "bilateral level II cervical chains",
                        "bilateral level II cervical nodes",
                        (9, 15),
                        v7_,
                        v8_,
                        "on the left",
                    )
                }
                .qual("with preserved fatty hila and a symmetric distribution"),
            );
            p.staging_notes.push((Region::HeadNeck, "Symmetric, moderately increased uptake in both palatine tonsils without a focal mass.".into()));
            p.histology = "reactive cervical lymphadenitis".into();
            p.dx = vec![
                "Two weeks of sore throat and bilateral neck swelling; query lymphoma.".into(),
                "Persistent bilateral cervical lymphadenopathy after a recent sore throat; likely reactive nodes, exclude lymphoma.".into(),
            ];
            p.dx_short = "bilateral cervical lymphadenopathy".into();
            p.staging_imp = vec![
                "Symmetric, moderately FDG-avid bilateral level II cervical nodes with preserved fatty hila and symmetric tonsillar uptake, favouring reactive lymphadenitis.".into(),
                "No FDG-avid disease elsewhere. Clinical follow-up; biopsy only if the nodes persist.".into(),
            ];
        }
        _ => {
            p.lesions.push(
                {
                    let v6_ = rng.range(30, 55);
                    let v7_ = rng.range(2, 5);
                    node(
                        rng,
                        "inguinal_nodes",
                        Region::AbdPelvis,
                        "bilateral inguinal regions",
                        "bilateral inguinal nodes",
                        (10, 16),
                        v6_,
                        v7_,
                        "on the right",
                    )
                }
                .qual("with preserved fatty hila"),
            );
            p.staging_notes.push((Region::Msk, format!("Subcutaneous stranding of the {sd} lower leg with mild uptake, compatible with cellulitis.")));
            p.histology = "reactive inguinal lymphadenopathy".into();
            p.dx = vec![
                format!("Probable reactive lymphadenopathy in both groins after recent {sd} leg cellulitis; exclude lymphoma."),
                "Palpable inguinal nodes for six weeks; no weight loss.".into(),
            ];
            p.dx_short = "inguinal lymphadenopathy".into();
            p.staging_imp = vec![
                "Mildly FDG-avid bilateral inguinal nodes with preserved fatty hila, in keeping with reactive nodes in the setting of lower-limb cellulitis.".into(),
                "No FDG-avid lymphadenopathy elsewhere to suggest lymphoma.".into(),
            ];
        }
    }
    p.followup_ind = vec![
        "Follow-up of presumed reactive lymphadenopathy.".into(),
        format!(
            "Re-evaluation after {} weeks; nodes clinically smaller.",
            rng.range(6, 12)
        ),
    ];
    p
}

// ---------------------------------------------------------------------------------------------
// Incidental findings and progression

fn incidentals(p: &Patient, rng: &mut Rng) -> Vec<(Region, String)> {
    let mut pool: Vec<(Region, String)> = vec![
        (
            Region::HeadNeck,
            "Mucosal thickening in the maxillary sinuses.".into(),
        ),
        (
            Region::HeadNeck,
            format!(
                "Small hypodense nodule in the {} thyroid lobe without focal uptake.",
                side(rng.pct(50))
            ),
        ),
        (
            Region::HeadNeck,
            "Dental streak artefact limits assessment of the oral cavity.".into(),
        ),
        (Region::Chest, "Coronary artery calcification.".into()),
        (Region::Chest, "Bibasal dependent atelectasis.".into()),
        (Region::Chest, "Small hiatus hernia.".into()),
        (
            Region::Chest,
            format!(
                "Calcified granuloma in the {} lower lobe without uptake.",
                side(rng.pct(50))
            ),
        ),
        (
            Region::AbdPelvis,
            format!("Simple cyst in the {} kidney.", side(rng.pct(50))),
        ),
        (
            Region::AbdPelvis,
            "Cholelithiasis without gallbladder wall uptake.".into(),
        ),
        (Region::AbdPelvis, "Diffuse hepatic steatosis.".into()),
        (
            Region::AbdPelvis,
            "Atherosclerotic calcification of the abdominal aorta.".into(),
        ),
        (
            Region::AbdPelvis,
            "Small fat-containing umbilical hernia.".into(),
        ),
        (
            Region::Msk,
            "Degenerative changes of the lower lumbar spine with mild facet joint uptake.".into(),
        ),
        (
            Region::Msk,
            "Mild degenerative uptake at the acromioclavicular joints.".into(),
        ),
        (
            Region::Msk,
            format!(
                "Old healed fractures of the {} 6th and 7th ribs without uptake.",
                side(rng.pct(50))
            ),
        ),
    ];
    if matches!(p.cancer, Cancer::Nsclc | Cancer::HeadNeck) {
        pool.push((
            Region::Chest,
            "Centrilobular emphysema, most marked in the upper lobes.".into(),
        ));
        pool.push((Region::Chest, "Centrilobular emphysema.".into()));
    }
    if p.cancer != Cancer::Colorectal && p.cancer != Cancer::Infection {
        pool.push((
            Region::AbdPelvis,
            "Sigmoid diverticulosis without inflammatory change.".into(),
        ));
    }
    if !p.male && p.age > 35 {
        pool.push((Region::AbdPelvis, "Calcified uterine fibroid.".into()));
    }
    if p.male && p.age > 55 && p.cancer != Cancer::Prostate {
        pool.push((
            Region::AbdPelvis,
            "Mildly enlarged prostate without focal uptake.".into(),
        ));
    }
    let k = rng.weighted(&[(0usize, 15), (1, 40), (2, 35), (3, 10)]);
    let mut out = rng.choose_n(&pool, k);
    // Keep anatomical order stable for the renderer.
    out.sort_by_key(|(r, _)| *r as u8);
    out
}

/// A plausible new lesion for progression or recurrence (`None` for benign mimics).
pub(crate) fn spread(p: &Patient, rng: &mut Rng) -> Option<Lesion> {
    let suv = |rng: &mut Rng| -> u32 {
        match (p.tracer, p.lymph_ref) {
            (_, Some((_, liver))) => rng.range(2 * liver + 10, (2 * liver + 10).max(160)),
            (Tracer::Fdg, None) => rng.range(40, 150),
            (Tracer::Dotatate, None) => rng.range(150, 500),
            _ => rng.range(60, 350),
        }
    };
    let s = suv(rng);
    let right = rng.pct(50);
    let sd = side(right);
    let l = match p.cancer {
        Cancer::Nsclc => match rng.below(6) {
            0 => adrenal_met(rng, s),
            1 => bone_met(rng, s, "lytic"),
            2 => liver_met(rng, s),
            3 => lung_nodule(rng, s.min(90)),
            4 => node(
                rng,
                "mediastinal_nodes",
                Region::Chest,
                "subcarinal region (station 7)",
                "subcarinal node",
                (10, 20),
                s,
                1,
                "",
            ),
            _ => node(
                rng,
                "mediastinal_nodes",
                Region::Chest,
                format!(
                    "{sd} lower paratracheal region (station 4{})",
                    if right { "R" } else { "L" }
                ),
                format!("station 4{} node", if right { "R" } else { "L" }),
                (9, 18),
                s,
                1,
                "",
            ),
        },
        Cancer::Hodgkin | Cancer::Dlbcl | Cancer::Follicular => match rng.below(5) {
            0..=2 => {
                let g = rng.pick(&GROUPS);
                let short = if p.cancer == Cancer::Follicular {
                    (12, 24)
                } else {
                    (12, 28)
                };
                group_lesion(rng, g, short, s)
            }
            3 => {
                let n_ = rng.range(1, 3);
                liver_group(rng, s, n_)
            }
            _ => Lesion::new(
                "bone_marrow",
                Region::Msk,
                Shape::Lesion,
                "bone marrow",
                "focal marrow lesions",
                0,
                0,
                s,
            )
            .group(rng.range(2, 5), "in the left iliac bone")
            .desc("focal"),
        },
        Cancer::Breast => match rng.below(5) {
            0 | 1 => bone_met(rng, s, "sclerotic"),
            2 => liver_met(rng, s),
            3 => lung_nodule(rng, s.min(90)),
            _ => node(
                rng,
                "mediastinal_nodes",
                Region::Chest,
                "right lower paratracheal region",
                "right paratracheal node",
                (9, 18),
                s,
                1,
                "",
            ),
        },
        Cancer::Melanoma => match rng.below(7) {
            0 => {
                let loc = rng.one(&[
                    "subcutaneous fat of the left flank",
                    "subcutaneous tissue of the right thigh",
                    "subcutaneous tissue of the upper back",
                    "subcutaneous fat of the left buttock",
                ]);
                let sz = rng.range(7, 18);
                Lesion::new(
                    "skin",
                    Region::Msk,
                    Shape::Nodule,
                    loc,
                    "subcutaneous metastasis",
                    sz,
                    rng.scale(sz, 70, 95),
                    s,
                )
            }
            1 => lung_nodule(rng, s.min(90)),
            2 => liver_met(rng, s),
            3 => bone_met(rng, s, "lytic"),
            4 => adrenal_met(rng, s),
            5 => {
                let sz = rng.range(15, 30);
                Lesion::new(
                    "small_bowel",
                    Region::AbdPelvis,
                    Shape::Mass,
                    "small bowel loop in the left lower quadrant",
                    "small bowel metastasis",
                    sz,
                    rng.scale(sz, 70, 90),
                    s,
                )
            }
            _ => node(
                rng,
                "axillary_nodes",
                Region::Chest,
                format!("{sd} axilla"),
                format!("{sd} axillary node"),
                (10, 22),
                s,
                1,
                "",
            ),
        },
        Cancer::Colorectal => match rng.below(5) {
            0 | 1 => liver_met(rng, s),
            2 => lung_nodule(rng, s.min(80)),
            3 => {
                let sz = rng.range(10, 25);
                Lesion::new(
                    "peritoneum",
                    Region::AbdPelvis,
                    Shape::Nodule,
                    "peritoneum of the pelvis (pouch of Douglas)",
                    "peritoneal nodule",
                    sz,
                    rng.scale(sz, 60, 85),
                    s,
                )
            }
            _ => node(
                rng,
                "abdominal_nodes",
                Region::AbdPelvis,
                "left para-aortic region",
                "para-aortic node",
                (9, 18),
                s,
                1,
                "",
            ),
        },
        Cancer::HeadNeck => match rng.below(4) {
            0 | 1 => {
                let lv = rng.one(&["IIA", "III", "IV", "VB"]);
                let long = rng.range(12, 25);
                let mut l = Lesion::new(
                    "cervical_nodes",
                    Region::HeadNeck,
                    Shape::Node,
                    format!("{sd} level {lv}"),
                    format!("{sd} level {lv} node"),
                    long,
                    rng.scale(long, 60, 85),
                    s,
                );
                l.nodal = false;
                l
            }
            2 => lung_nodule(rng, s.min(90)),
            _ => bone_met(rng, s, "lytic"),
        },
        Cancer::Prostate => match rng.below(5) {
            0 | 1 => {
                let st = rng.one(&[
                    "left obturator",
                    "right external iliac",
                    "right internal iliac",
                    "left common iliac",
                    "presacral",
                ]);
                let sz = rng.range(4, 11);
                Lesion::new(
                    "pelvic_nodes",
                    Region::AbdPelvis,
                    Shape::Node,
                    format!("{st} region"),
                    format!("{st} node"),
                    rng.scale(sz, 110, 150),
                    sz,
                    s,
                )
            }
            2 => node(
                rng,
                "abdominal_nodes",
                Region::AbdPelvis,
                "left para-aortic region",
                "para-aortic node",
                (5, 12),
                s,
                1,
                "",
            ),
            _ => bone_met(rng, s, "sclerotic"),
        },
        Cancer::Net => match rng.below(3) {
            0 | 1 => liver_met(rng, s),
            _ => bone_met(rng, s, "sclerotic"),
        },
        _ => return None,
    };
    Some(l)
}
