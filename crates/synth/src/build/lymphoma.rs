//! Lymphoma (Hodgkin, DLBCL, follicular): nodal groups, spleen and extranodal disease, the
//! Lugano stage, indications and therapy.

use super::common::{adrenal_met, bone_met, liver_group, lung_nodules, node, side, Nodes};
use crate::model::{
    Bias, Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer,
};
use crate::phrase::{cap, cm, join};
use crate::rng::Rng;

/// Qualifier of a bulky anterior mediastinal mass.
const BULKY_MEDIASTINUM: &[&str] = &[
    "exceeding one third of the intrathoracic diameter",
    "displacing but not occluding the superior vena cava",
    "encasing the great vessels without occlusion",
];

/// Impression of splenic involvement.
const SPLEEN_IMPRESSIONS: &[&str] = &[
    "Splenic involvement.",
    "Lymphomatous involvement of the spleen.",
    "Splenic involvement with splenomegaly.",
];

/// Sites of a primary bone lymphoma (stage IE).
const PRIMARY_BONE_SITES: &[&str] = &[
    "left proximal femur",
    "T11 vertebral body",
    "right iliac bone",
    "right proximal tibia",
];

/// Where the index focal marrow lesion is.
const MARROW_INDEX_SITES: &[&str] = &[
    "in the L2 vertebral body",
    "in the left iliac bone",
    "in the T9 vertebral body",
    "in the right sacral ala",
];

/// B symptoms in the indication (each ends with a space, or is empty).
const B_SYMPTOMS: &[&str] = &[
    "B symptoms (night sweats, fevers and weight loss). ",
    "No B symptoms. ",
    "Drenching night sweats. ",
    "",
];

/// Therapy of relapsed Hodgkin lymphoma.
const HODGKIN_SALVAGE: &[&str] = &[
    "ICE salvage chemotherapy followed by autologous stem cell transplant",
    "pembrolizumab",
    "brentuximab vedotin and bendamustine",
];

/// Therapy of relapsed DLBCL.
const DLBCL_SALVAGE: &[&str] = &[
    "R-ICE",
    "axicabtagene ciloleucel (CAR T-cell therapy)",
    "glofitamab",
    "R-GDP followed by autologous transplant",
];

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
    node(
        rng,
        Nodes {
            site: g.site,
            region: g.region,
            loc: g.loc.into(),
            tag,
            short,
            suv,
            count,
            sub: g.sub,
        },
    )
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

pub(super) fn lymphoma(cancer: Cancer, rng: &mut Rng) -> Patient {
    let age = match cancer {
        Cancer::HodgkinLymphoma => {
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

    let grade3a = cancer == Cancer::FollicularLymphoma && rng.pct(25);
    let (short, suv_lo, suv_hi) = match cancer {
        Cancer::HodgkinLymphoma => ((12, 32), 60, 200),
        Cancer::Dlbcl => ((15, 32), 110, 330),
        _ if grade3a => ((14, 30), 60, 140),
        _ => ((14, 30), 35, 110),
    };
    let target: &str = match cancer {
        Cancer::HodgkinLymphoma => {
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
            let opts: Vec<usize> = if cancer == Cancer::HodgkinLymphoma {
                vec![0, 1, 3, 6]
            } else {
                (0..14).collect()
            };
            chosen.push(*rng.pick(&opts));
        }
        "IE" => {}
        "II" | "IIE" => {
            let above = cancer == Cancer::HodgkinLymphoma || target == "IIE" || rng.pct(60);
            if above {
                if cancer == Cancer::HodgkinLymphoma && rng.pct(80) || target == "IIE" {
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
            if cancer == Cancer::HodgkinLymphoma && rng.pct(65) {
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
        if i == 6 && cancer == Cancer::HodgkinLymphoma && rng.pct(40) {
            let long = rng.range(100, 145);
            let q = rng.one(BULKY_MEDIASTINUM);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: g.site,
                    region: g.region,
                    shape: Shape::Mass,
                    loc: "anterior mediastinum".into(),
                    tag: "bulky anterior mediastinal mass".into(),
                    long,
                    short: rng.range(65, 95),
                    suv,
                })
                .desc("bulky")
                .qual(q),
            );
            bulky = Some(("anterior mediastinal mass".to_string(), long));
            continue;
        }
        if cancer == Cancer::Dlbcl && bulky.is_none() && rng.pct(20) {
            let long = rng.range(75, 120);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: g.site,
                    region: g.region,
                    shape: Shape::Mass,
                    loc: g.loc.into(),
                    tag: format!("bulky {}", g.tag.replace("nodes", "nodal mass")),
                    long,
                    short: rng.scale(long, 55, 80),
                    suv,
                })
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
            Lesion::new(LesionSpec {
                site: "spleen",
                region: Region::AbdPelvis,
                shape: Shape::Lesion,
                loc: "spleen".into(),
                tag: "splenic lesions".into(),
                long: sz,
                short: rng.scale(sz, 70, 95),
                suv,
            })
            .group(rng.range(2, 8), "in the lower pole")
            .qual(format!(
                "with splenomegaly (craniocaudal length {} cm)",
                cm(len)
            ))
        } else {
            Lesion::new(LesionSpec {
                site: "spleen",
                region: Region::AbdPelvis,
                shape: Shape::Diffuse,
                loc: "spleen".into(),
                tag: "diffuse splenic uptake".into(),
                long: 0,
                short: 0,
                suv,
            })
            .desc("diffusely increased")
            .qual(format!(
                "well above liver, with splenomegaly ({} cm)",
                cm(len)
            ))
        };
        p.lesions.push(l);
        extra_imp.push(rng.one(SPLEEN_IMPRESSIONS).to_string());
    }
    if target == "IE" {
        single_e = true;
        let suv = rng.range(suv_lo, suv_hi);
        let (l, organ) = match rng.below(3) {
            0 => {
                let len = rng.range(40, 80);
                (
                    Lesion::new(LesionSpec {
                        site: "stomach",
                        region: Region::AbdPelvis,
                        shape: Shape::Thickening,
                        loc: "gastric body and antrum".into(),
                        tag: "gastric wall thickening".into(),
                        long: len,
                        short: rng.range(12, 25),
                        suv,
                    })
                    .desc("circumferential"),
                    "gastric",
                )
            }
            1 => {
                let loc = rng.one(PRIMARY_BONE_SITES);
                let sz = rng.range(25, 60);
                (
                    Lesion::new(LesionSpec {
                        site: "bone",
                        region: Region::Msk,
                        shape: Shape::Lesion,
                        loc: loc.into(),
                        tag: format!("{loc} lesion"),
                        long: sz,
                        short: rng.scale(sz, 60, 85),
                        suv,
                    })
                    .desc("permeative lytic")
                    .qual("with an associated soft-tissue component"),
                    "bone",
                )
            }
            _ => {
                let sz = rng.range(28, 55);
                let s = side(rng.pct(50));
                (
                    Lesion::new(LesionSpec {
                        site: "thyroid",
                        region: Region::HeadNeck,
                        shape: Shape::Mass,
                        loc: format!("{s} thyroid lobe"),
                        tag: format!("{s} thyroid mass"),
                        long: sz,
                        short: rng.scale(sz, 65, 90),
                        suv,
                    }),
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
            Lesion::new(LesionSpec {
                site: "lung",
                region: Region::Chest,
                shape: Shape::Consolidation,
                loc: format!("anterior segment of the {s} upper lobe"),
                tag: format!("contiguous extension into the {s} upper lobe"),
                long: sz,
                short: rng.scale(sz, 55, 80),
                suv,
            })
            .qual("in direct continuity with the mediastinal disease")
        } else {
            let sz = rng.range(20, 40);
            Lesion::new(LesionSpec { site: "chest_wall", region: Region::Chest, shape: Shape::Mass, loc: format!("{s} anterior chest wall"), tag: format!("contiguous {s} anterior chest wall extension"), long: sz, short: rng.scale(sz, 50, 75), suv })
                .qual("extending directly from the anterior mediastinal disease through the intercostal space")
        };
        extra_imp.push(format!("{} (E lesion).", cap(&l.tag)));
        p.lesions.push(l);
    }
    if target == "IV" {
        distant = true;
        let opts: &[u8] = match cancer {
            Cancer::HodgkinLymphoma => &[0, 1, 2, 3],
            Cancer::Dlbcl => &[0, 1, 3, 4, 5],
            _ => &[0, 6, 1],
        };
        let k = if rng.pct(30) { 2 } else { 1 };
        let picks = rng.choose_n(opts, k);
        for what in picks {
            let suv = rng.range(suv_lo.max(2 * liver + 5), suv_hi.max(2 * liver + 20));
            let (l, words) = match what {
                0 => {
                    let sub = rng.one(MARROW_INDEX_SITES);
                    (
                        Lesion::new(LesionSpec {
                            site: "bone_marrow",
                            region: Region::Msk,
                            shape: Shape::Lesion,
                            loc: "bone marrow".into(),
                            tag: "focal marrow lesions".into(),
                            long: 0,
                            short: 0,
                            suv,
                        })
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
                        Lesion::new(LesionSpec {
                            site: "kidney",
                            region: Region::AbdPelvis,
                            shape: Shape::Mass,
                            loc: format!("{s} kidney"),
                            tag: format!("{s} renal mass"),
                            long: sz,
                            short: rng.scale(sz, 60, 85),
                            suv,
                        }),
                        "Renal involvement.",
                    )
                }
                5 => (adrenal_met(rng, suv), "Adrenal involvement."),
                _ => (
                    Lesion::new(LesionSpec {
                        site: "bone_marrow",
                        region: Region::Msk,
                        shape: Shape::Diffuse,
                        loc: "axial and proximal appendicular marrow".into(),
                        tag: "diffuse marrow uptake".into(),
                        long: 0,
                        short: 0,
                        suv: suv.min(liver * 3),
                    })
                    .desc("heterogeneously increased")
                    .qual("above liver, in keeping with marrow infiltration"),
                    "Heterogeneous marrow uptake above liver, suggesting bone marrow involvement.",
                ),
            };
            if p.has_lesion_at(&l.loc) {
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
    if cancer == Cancer::FollicularLymphoma && rng.pct(12) {
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
    let b_symptoms = rng.one(B_SYMPTOMS);
    match cancer {
        Cancer::HodgkinLymphoma => {
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
            th.salvage = rng.one(HODGKIN_SALVAGE).to_string();
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
            th.salvage = rng.one(DLBCL_SALVAGE).to_string();
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

/// A new lesion when lymphoma progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(cancer: Cancer, rng: &mut Rng, s: u32) -> Lesion {
    match rng.below(5) {
        0..=2 => {
            let g = rng.pick(&GROUPS);
            let short = if cancer == Cancer::FollicularLymphoma {
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
        _ => Lesion::new(LesionSpec {
            site: "bone_marrow",
            region: Region::Msk,
            shape: Shape::Lesion,
            loc: "bone marrow".into(),
            tag: "focal marrow lesions".into(),
            long: 0,
            short: 0,
            suv: s,
        })
        .group(rng.range(2, 5), "in the left iliac bone")
        .desc("focal"),
    }
}
