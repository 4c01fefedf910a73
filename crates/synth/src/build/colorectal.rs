//! Colorectal cancer: colonic or rectal primary, regional nodes, distant and peritoneal
//! metastases, and the stage (MRI-based for rectal cancer without metastases).

use super::common::{bone_met, liver_group, liver_met, lung_nodule, lung_nodules, node, Nodes};
use crate::model::{Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer};
use crate::phrase::{cap, join, suv_phrase};
use crate::rng::Rng;

/// Rectal primaries: (location, short name).
const RECTAL_SITES: &[(&str, &str)] = &[
    ("mid rectum (8 cm from the anal verge)", "mid rectum"),
    ("low rectum (5 cm from the anal verge)", "low rectum"),
    ("upper rectum (12 cm from the anal verge)", "upper rectum"),
];

/// MRI T and N categories of rectal cancer without metastases.
const RECTAL_MRI_TN: &[(&str, &str)] = &[
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

/// Sites of a colonic primary.
const COLON_SITES: &[&str] = &[
    "sigmoid colon",
    "rectosigmoid junction",
    "ascending colon",
    "caecum",
    "hepatic flexure",
    "descending colon",
];

/// Morphology of the primary.
const PRIMARY_DESCS: &[&str] = &["circumferential", "eccentric", "irregular", "annular"];

/// First-line therapy of metastatic disease.
const METASTATIC_FIRST_LINE: &[&str] = &[
    "FOLFOX with bevacizumab",
    "FOLFIRI with cetuximab (RAS wild-type)",
    "CAPOX",
];

/// Later-line therapy of metastatic disease.
const METASTATIC_SALVAGE: &[&str] = &[
    "FOLFIRI with bevacizumab",
    "trifluridine-tipiracil and bevacizumab",
    "regorafenib",
];

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

pub(super) fn colorectal(rng: &mut Rng) -> Patient {
    let age = rng.range(40, 86);
    let male = rng.pct(55);
    let mut p = Patient::blank(Cancer::Colorectal, Tracer::Fdg, male, age);
    let rectal = rng.pct(35);
    let (loc, site, words) = if rectal {
        let l = *rng.pick(RECTAL_SITES);
        (l.0.to_string(), "rectum", l.1.to_string())
    } else {
        let l = rng.one(COLON_SITES);
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
        Lesion::new(LesionSpec {
            site,
            region: Region::AbdPelvis,
            shape: Shape::Thickening,
            loc: loc.clone(),
            tag: format!("{words} primary"),
            long: len,
            short: rng.range(12, 25),
            suv,
        })
        .primary()
        .desc(rng.one(PRIMARY_DESCS)),
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
        let c = *rng.pick(RECTAL_MRI_TN);
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
            Nodes {
                site: nsite,
                region: Region::AbdPelvis,
                loc: nloc.into(),
                tag: ntag.into(),
                short: (6, 14),
                suv: ns,
                count: c,
                sub: "",
            },
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
                Lesion::new(LesionSpec {
                    site: "peritoneum",
                    region: Region::AbdPelvis,
                    shape: Shape::Nodule,
                    loc: "peritoneum and greater omentum".into(),
                    tag: "peritoneal metastases".into(),
                    long: sz,
                    short: rng.scale(sz, 50, 80),
                    suv: rng.range(40, 100),
                })
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
                        Nodes {
                            site: "abdominal_nodes",
                            region: Region::AbdPelvis,
                            loc: "retroperitoneum (left para-aortic)".into(),
                            tag: "retroperitoneal nodes".into(),
                            short: (10, 22),
                            suv: msuv,
                            count: 2,
                            sub: "at the level of the left renal vein",
                        },
                    ),
                    "non-regional (retroperitoneal) nodes",
                ),
                _ => (bone_met(rng, msuv, "lytic"), "skeleton"),
            };
            if organs.iter().any(|o| o == organ) || p.has_lesion_at(&l.loc) {
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
        let first = rng.one(METASTATIC_FIRST_LINE);
        let mut th = Therapy::new(Mode::Systemic, first);
        th.interim_cycles = rng.range(4, 6);
        th.salvage = rng.one(METASTATIC_SALVAGE).to_string();
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

/// A new lesion when colorectal cancer progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32) -> Lesion {
    match rng.below(5) {
        0 | 1 => liver_met(rng, s),
        2 => lung_nodule(rng, s.min(80)),
        3 => {
            let sz = rng.range(10, 25);
            Lesion::new(LesionSpec {
                site: "peritoneum",
                region: Region::AbdPelvis,
                shape: Shape::Nodule,
                loc: "peritoneum of the pelvis (pouch of Douglas)".into(),
                tag: "peritoneal nodule".into(),
                long: sz,
                short: rng.scale(sz, 60, 85),
                suv: s,
            })
        }
        _ => node(
            rng,
            Nodes {
                site: "abdominal_nodes",
                region: Region::AbdPelvis,
                loc: "left para-aortic region".into(),
                tag: "para-aortic node".into(),
                short: (9, 18),
                suv: s,
                count: 1,
                sub: "",
            },
        ),
    }
}
