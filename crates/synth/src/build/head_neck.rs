//! Head and neck squamous cell carcinoma (p16-positive or negative oropharynx, larynx):
//! cervical nodal levels and the AJCC 8th edition stage.

use super::common::{bone_met, lung_nodule, lung_nodules, side};
use crate::model::{Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, cm, suv_phrase};
use crate::rng::Rng;

/// Deep extension of a T4 oropharyngeal primary.
const T4_EXTENT: &[&str] = &[
    "extending into the larynx with invasion of the pre-epiglottic fat",
    "invading the ipsilateral medial pterygoid muscle",
];

/// Local extent of a primary below T4.
const LOCAL_EXTENT: &[&str] = &[
    "without extension across the midline",
    "abutting but not invading the pre-epiglottic fat",
    "confined to the mucosal surface without deep extension",
];

/// Impression without distant metastases.
const M0_IMPRESSIONS: &[&str] = &[
    "No distant metastases.",
    "No FDG-avid distant disease; no second primary in the lungs.",
];

pub(super) fn head_neck(rng: &mut Rng) -> Patient {
    let kind = rng.weighted(&[(0u8, 60), (1, 20), (2, 20)]); // p16+ OPC, p16- OPC, larynx
    let age = if kind == 0 {
        rng.range(42, 70)
    } else {
        rng.range(50, 82)
    };
    let male = rng.pct(78);
    let mut p = Patient::blank(Cancer::HeadNeckScc, Tracer::Fdg, male, age);
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
    let mut prim = Lesion::new(LesionSpec {
        site: psite,
        region: Region::HeadNeck,
        shape: Shape::Mass,
        loc: ploc.clone(),
        tag: format!("{ploc} primary"),
        long: size,
        short: rng.scale(size, 60, 85),
        suv,
    })
    .primary();
    if kind != 2 && t == 4 {
        prim = prim.qual(rng.one(T4_EXTENT));
    } else if kind == 2 && t == 4 {
        prim = prim.qual("with erosion of the adjacent thyroid cartilage");
    } else if rng.pct(40) {
        prim = prim.qual(rng.one(LOCAL_EXTENT));
    }
    p.lesions.push(prim);

    // Nodes: pattern 0 none, 1 single ipsi <=3 cm, 2 single ipsi 3-6 cm, 3 multiple ipsi, 4 bilateral, 5 > 6 cm
    let pattern = rng.weighted(&[(0u8, 20), (1, 22), (2, 15), (3, 20), (4, 13), (5, 10)]);
    let nsuv = |rng: &mut Rng| rng.range(50, 200);
    let cystic = kind == 0 && rng.pct(45);
    let push_node = |p: &mut Patient, rng: &mut Rng, s: &str, level: &str, long: u32| {
        let ns = nsuv(rng);
        let mut l = cervical_node(rng, s, level, long, ns);
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
        let count = rng.range(2, 5);
        let msuv = rng.range(35, 90);
        p.lesions.push(lung_nodules(rng, msuv, count));
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
        rng.one(M0_IMPRESSIONS).to_string()
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

/// A new lesion when head and neck cancer progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32, right: bool) -> Lesion {
    let sd = side(right);
    match rng.below(4) {
        0 | 1 => {
            let lv = rng.one(&["IIA", "III", "IV", "VB"]);
            let long = rng.range(12, 25);
            cervical_node(rng, sd, lv, long, s)
        }
        2 => lung_nodule(rng, s.min(90)),
        _ => bone_met(rng, s, "lytic"),
    }
}

/// A cervical node at `level` on side `sd`, measured by its greatest dimension `long` (the head
/// and neck N category is by greatest dimension, not short axis).
fn cervical_node(rng: &mut Rng, sd: &str, level: &str, long: u32, suv: u32) -> Lesion {
    let mut l = Lesion::new(LesionSpec {
        site: "cervical_nodes",
        region: Region::HeadNeck,
        shape: Shape::Node,
        loc: format!("{sd} level {level}"),
        tag: format!("{sd} level {level} node"),
        long,
        short: rng.scale(long, 60, 85),
        suv,
    });
    l.nodal = false;
    l
}
