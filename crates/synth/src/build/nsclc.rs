//! Non-small cell lung cancer: primary, IASLC nodal stations and M category, the AJCC 8th
//! edition stage, indications and therapy.

use super::common::{
    adrenal_met, bone_group, bone_met, liver_group, liver_met, lung_nodule, node, ord, side, Nodes,
};
use crate::model::{Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, cm, join, suv_phrase};
use crate::rng::Rng;

/// Morphology of the primary (spiculated twice as likely).
const PRIMARY_DESCS: &[&str] = &[
    "spiculated",
    "lobulated",
    "irregular",
    "solid",
    "spiculated",
];

/// Relation to the chest wall or mediastinum of a primary that invades neither.
const LOCAL_EXTENT: &[&str] = &[
    "abutting but not invading the chest wall",
    "abutting the costal pleura without evidence of chest wall invasion",
    "separated from the mediastinum by a preserved fat plane",
    "abutting but not invading the mediastinal pleura",
];

/// Impression without distant metastases.
const M0_TEXTS: &[&str] = &[
    "No evidence of distant metastatic disease.",
    "No extrathoracic metastases.",
    "No distant metastases (M0).",
];

/// Staging note for N1/N2 disease: no N3 nodes.
const N3_NEGATIONS: &[&str] = &[
    "No FDG-avid contralateral mediastinal, contralateral hilar or supraclavicular nodes.",
    "No hypermetabolic contralateral or supraclavicular lymph nodes.",
];

/// Impression without regional nodes.
const N0_IMPRESSIONS: &[&str] = &[
    "No FDG-avid hilar or mediastinal nodal disease (N0).",
    "No hypermetabolic regional lymph nodes; N0.",
    "No nodal metastases identified.",
];

/// Advice after N2 disease (may be empty).
const EBUS_ADVICE: &[&str] = &[
    "EBUS-TBNA confirmation is suggested.",
    "Pathological confirmation by EBUS is recommended before treatment.",
    "",
];

/// Smoking history in the indication.
const SMOKING: &[&str] = &[
    "Former smoker (40 pack-years)",
    "Current smoker",
    "Never smoker",
    "Ex-smoker",
];

/// Later-line therapy of stage IV disease.
const STAGE_IV_SALVAGE: &[&str] = &[
    "docetaxel",
    "docetaxel and ramucirumab",
    "stereotactic radiotherapy to the progressing site with continued systemic therapy",
];

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

pub(super) fn nsclc(rng: &mut Rng) -> Patient {
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
        rng.one(PRIMARY_DESCS)
    };
    let noun = if shape == Shape::Nodule {
        "nodule"
    } else {
        "mass"
    };
    let mut primary = Lesion::new(LesionSpec {
        site: "lung",
        region: Region::Chest,
        shape,
        loc: lobe.clone(),
        tag: format!("{lobe} primary"),
        long: size,
        short,
        suv,
    })
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
                primary = primary.qual(rng.one(LOCAL_EXTENT));
            }
        }
    }
    p.lesions.push(primary);
    if (t_idx, t_mode) == (5, 1) {
        let n = rng.range(6, 14);
        p.lesions.push(
            Lesion::new(LesionSpec {
                site: "lung",
                region: Region::Chest,
                shape: Shape::Nodule,
                loc: format!("{lobe}, separate from the dominant lesion"),
                tag: "separate nodule in the same lobe".into(),
                long: n,
                short: rng.scale(n, 75, 95),
                suv: rng.range(22, 60),
            })
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
            Lesion::new(LesionSpec {
                site: "lung",
                region: Region::Chest,
                shape: Shape::Nodule,
                loc: ol.clone(),
                tag: format!("{ol} nodule"),
                long: n,
                short: rng.scale(n, 75, 95),
                suv: rng.range(25, 70),
            })
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
            Nodes {
                site,
                region,
                loc,
                tag: format!("station {st} node"),
                short,
                suv: nsuv,
                count: 1,
                sub: "",
            },
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
                    Lesion::new(LesionSpec {
                        site: "pleura",
                        region: Region::Chest,
                        shape: Shape::Effusion,
                        loc: format!("{sd} pleural space"),
                        tag: format!("{sd} malignant pleural effusion"),
                        long: 0,
                        short: 0,
                        suv: rng.range(30, 80),
                    })
                    .desc(desc)
                    .qual("with nodular pleural thickening"),
                );
                m_text = format!("{} pleural effusion with nodular FDG-avid pleural thickening, consistent with malignant pleural disease (M1a).", cap(sd));
            } else {
                let n = rng.range(7, 16);
                p.lesions.push(
                    Lesion::new(LesionSpec {
                        site: "lung",
                        region: Region::Chest,
                        shape: Shape::Nodule,
                        loc: format!("{other} lower lobe"),
                        tag: format!("contralateral {other} lower lobe nodule"),
                        long: n,
                        short: rng.scale(n, 75, 95),
                        suv: rng.range(25, 70),
                    })
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
            m_text = rng.one(M0_TEXTS).to_string();
        }
    }
    let stage = nsclc_stage(t_idx, n_cat, m_cat);
    p.stage = Some(stage.to_string());

    // Staging-only findings.
    if n_cat == 1 || n_cat == 2 {
        p.staging_notes
            .push((Region::Chest, rng.one(N3_NEGATIONS).to_string()));
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
            .one(N0_IMPRESSIONS)
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
            rng.one(EBUS_ADVICE)
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
            rng.one(SMOKING)
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
        th.salvage = rng.one(STAGE_IV_SALVAGE).to_string();
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

/// A new lesion when NSCLC progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32, right: bool) -> Lesion {
    let sd = side(right);
    match rng.below(6) {
        0 => adrenal_met(rng, s),
        1 => bone_met(rng, s, "lytic"),
        2 => liver_met(rng, s),
        3 => lung_nodule(rng, s.min(90)),
        4 => node(
            rng,
            Nodes {
                site: "mediastinal_nodes",
                region: Region::Chest,
                loc: "subcarinal region (station 7)".into(),
                tag: "subcarinal node".into(),
                short: (10, 20),
                suv: s,
                count: 1,
                sub: "",
            },
        ),
        _ => node(
            rng,
            Nodes {
                site: "mediastinal_nodes",
                region: Region::Chest,
                loc: format!(
                    "{sd} lower paratracheal region (station 4{})",
                    if right { "R" } else { "L" }
                ),
                tag: format!("station 4{} node", if right { "R" } else { "L" }),
                short: (9, 18),
                suv: s,
                count: 1,
                sub: "",
            },
        ),
    }
}
