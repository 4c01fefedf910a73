//! Cutaneous melanoma (vertex-to-toes studies): regional nodal basin, in-transit and distant
//! metastases, and the AJCC 8th edition stage.

use super::common::{
    adrenal_met, bone_met, liver_group, liver_met, lung_nodule, lung_nodules, node, side, Nodes,
};
use crate::model::{Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, join};
use crate::rng::Rng;

/// Primary sites: (site, nodal basin: 0 lower limb / 1 upper limb / 2 trunk / 3 head, right side).
const PRIMARY_SITES: &[(&str, u8, bool)] = &[
    ("left calf", 0, false),
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
];

/// Sites of a distant subcutaneous metastasis at staging.
const SUBCUTANEOUS_SITES: &[&str] = &[
    "subcutaneous fat of the right gluteal region",
    "subcutaneous tissue of the left anterior abdominal wall",
    "subcutaneous tissue of the right upper back",
];

/// Sites of a brain metastasis.
const BRAIN_SITES: &[&str] = &[
    "right parietal lobe",
    "left frontal lobe",
    "right cerebellar hemisphere",
];

/// Impression without nodal or distant disease.
const N0_M0_IMPRESSIONS: &[&str] = &[
    "No FDG-avid nodal or distant metastatic disease.",
    "No evidence of regional nodal, in-transit or distant metastases.",
];

/// Impression on the excision scar.
const SCAR_IMPRESSIONS: &[&str] = &[
    "Post-excision changes at the primary site without focal uptake.",
    "Expected mild post-surgical uptake at the excision scar.",
];

/// Later-line therapy of metastatic disease.
const METASTATIC_SALVAGE: &[&str] = &[
    "relatlimab and nivolumab",
    "tumour-infiltrating lymphocyte therapy",
    "dabrafenib and trametinib",
    "ipilimumab",
];

/// Sites of a subcutaneous metastasis on progression.
const SPREAD_SUBCUTANEOUS_SITES: &[&str] = &[
    "subcutaneous fat of the left flank",
    "subcutaneous tissue of the right thigh",
    "subcutaneous tissue of the upper back",
    "subcutaneous fat of the left buttock",
];

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

pub(super) fn melanoma(rng: &mut Rng) -> Patient {
    let age = rng.range(25, 86);
    let male = rng.pct(55);
    let mut p = Patient::blank(Cancer::Melanoma, Tracer::Fdg, male, age);
    p.whole_body = true;
    let prim = rng.pick(PRIMARY_SITES);
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
                Nodes {
                    site: basin_site,
                    region: basin_region,
                    loc: basin_loc.clone(),
                    tag: basin_tag.clone(),
                    short: (12, 35),
                    suv: ns,
                    count: nodes,
                    sub: "",
                },
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
                Lesion::new(LesionSpec {
                    site: "skin",
                    region: Region::Msk,
                    shape: Shape::Nodule,
                    loc: format!("subcutaneous tissues of the {limb}"),
                    tag: "in-transit metastases".into(),
                    long: sz,
                    short: rng.scale(sz, 70, 95),
                    suv: rng.range(30, 110),
                })
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
                    let loc = rng.one(SUBCUTANEOUS_SITES);
                    let sz = rng.range(8, 20);
                    (
                        Lesion::new(LesionSpec {
                            site: "skin",
                            region: Region::Msk,
                            shape: Shape::Nodule,
                            loc: loc.into(),
                            tag: "distant subcutaneous metastasis".into(),
                            long: sz,
                            short: rng.scale(sz, 70, 95),
                            suv: msuv,
                        }),
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
                        Lesion::new(LesionSpec {
                            site: "small_bowel",
                            region: Region::AbdPelvis,
                            shape: Shape::Mass,
                            loc: "jejunum in the left upper quadrant".into(),
                            tag: "small bowel metastasis".into(),
                            long: sz,
                            short: rng.scale(sz, 70, 90),
                            suv: msuv,
                        })
                        .qual("without obstruction"),
                        3,
                    )
                }
                5 => (adrenal_met(rng, msuv), 3),
                _ => {
                    let sz = rng.range(8, 20);
                    let lobe = rng.one(BRAIN_SITES);
                    (
                        Lesion::new(LesionSpec { site: "brain", region: Region::HeadNeck, shape: Shape::Lesion, loc: lobe.into(), tag: format!("{lobe} metastasis"), long: sz, short: rng.scale(sz, 70, 95), suv: rng.range(120, 190) })
                            .qual("with surrounding vasogenic oedema on CT, uptake exceeding adjacent grey matter"),
                        4,
                    )
                }
            };
            if p.has_lesion_at(&l.loc) {
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
        p.staging_imp.push(rng.one(N0_M0_IMPRESSIONS).to_string());
        p.staging_imp.push(rng.one(SCAR_IMPRESSIONS).to_string());
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
        th.salvage = rng.one(METASTATIC_SALVAGE).to_string();
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

/// A new lesion when melanoma progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32, right: bool) -> Lesion {
    let sd = side(right);
    match rng.below(7) {
        0 => {
            let loc = rng.one(SPREAD_SUBCUTANEOUS_SITES);
            let sz = rng.range(7, 18);
            Lesion::new(LesionSpec {
                site: "skin",
                region: Region::Msk,
                shape: Shape::Nodule,
                loc: loc.into(),
                tag: "subcutaneous metastasis".into(),
                long: sz,
                short: rng.scale(sz, 70, 95),
                suv: s,
            })
        }
        1 => lung_nodule(rng, s.min(90)),
        2 => liver_met(rng, s),
        3 => bone_met(rng, s, "lytic"),
        4 => adrenal_met(rng, s),
        5 => {
            let sz = rng.range(15, 30);
            Lesion::new(LesionSpec {
                site: "small_bowel",
                region: Region::AbdPelvis,
                shape: Shape::Mass,
                loc: "small bowel loop in the left lower quadrant".into(),
                tag: "small bowel metastasis".into(),
                long: sz,
                short: rng.scale(sz, 70, 90),
                suv: s,
            })
        }
        _ => node(
            rng,
            Nodes {
                site: "axillary_nodes",
                region: Region::Chest,
                loc: format!("{sd} axilla"),
                tag: format!("{sd} axillary node"),
                short: (10, 22),
                suv: s,
                count: 1,
                sub: "",
            },
        ),
    }
}
