//! Neuroendocrine tumours on DOTATATE PET (pancreatic or ileal): nodes, liver and bone
//! metastases, the Krenning score and the stage.

use super::common::{bone_group, bone_met, liver_group, liver_met, node, Nodes};
use crate::model::{
    Bias, Cancer, Lesion, LesionSpec, Mode, Patient, Region, Shape, Therapy, Tracer,
};
use crate::phrase::{cap, cm, join, suv_phrase};
use crate::rng::Rng;

/// Part of the pancreas holding the primary.
const PANCREAS_PARTS: &[&str] = &["tail", "body", "head", "neck"];

/// Local extent of a pancreatic primary below T4.
const LOCAL_EXTENT: &[&str] = &[
    "well circumscribed, without vascular encasement",
    "without pancreatic duct dilatation",
    "abutting but not encasing the splenic vein",
];

pub(super) fn net(rng: &mut Rng) -> Patient {
    let age = rng.range(35, 80);
    let male = rng.pct(50);
    let mut p = Patient::blank(Cancer::Neuroendocrine, Tracer::Dotatate, male, age);
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
        let part = rng.one(PANCREAS_PARTS);
        let t = rng.weighted(&[(1u32, 20), (2, 35), (3, 25), (4, 20)]);
        let size = match t {
            1 => rng.range(10, 19),
            2 => rng.range(20, 40),
            3 => rng.range(41, 60),
            _ => rng.range(25, 60),
        };
        let mut prim = Lesion::new(LesionSpec {
            site: "pancreas",
            region: Region::AbdPelvis,
            shape: Shape::Mass,
            loc: format!("pancreatic {part}"),
            tag: format!("pancreatic {part} primary"),
            long: size,
            short: rng.scale(size, 70, 92),
            suv,
        })
        .primary();
        prim = if t == 4 {
            prim.qual(if part == "tail" {
                "invading the splenic hilum"
            } else {
                "encasing the superior mesenteric artery"
            })
        } else {
            prim.qual(rng.one(LOCAL_EXTENT))
        };
        p.lesions.push(prim);
        let n1 = rng.pct(25);
        if n1 {
            let ns = rng.range(100, suv);
            p.lesions.push({
                let count = rng.range(1, 3);
                node(
                    rng,
                    Nodes {
                        site: "abdominal_nodes",
                        region: Region::AbdPelvis,
                        loc: "peripancreatic region".into(),
                        tag: "peripancreatic nodes".into(),
                        short: (8, 16),
                        suv: ns,
                        count,
                        sub: "",
                    },
                )
            });
        }
        let m1 = rng.pct(30);
        if m1 {
            let count = rng.range(3, 12);
            let msuv = rng.range(150, 600);
            p.lesions.push(liver_group(rng, msuv, count));
            m_words.push("liver".into());
            if rng.pct(30) {
                let count = rng.range(2, 5);
                let msuv = rng.range(100, 400);
                p.lesions.push(bone_group(rng, msuv, "sclerotic", count));
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
            Lesion::new(LesionSpec {
                site: "small_bowel",
                region: Region::AbdPelvis,
                shape: Shape::Lesion,
                loc: "distal ileum in the right iliac fossa".into(),
                tag: "ileal primary".into(),
                long: sz,
                short: rng.scale(sz, 70, 95),
                suv,
            })
            .primary()
            .qual("without bowel obstruction"),
        );
        let mes = rng.pct(75);
        if mes {
            let long = rng.range(20, 45);
            p.lesions.push(
                Lesion::new(LesionSpec {
                    site: "abdominal_nodes",
                    region: Region::AbdPelvis,
                    shape: Shape::Mass,
                    loc: "small bowel mesentery".into(),
                    tag: "mesenteric nodal mass".into(),
                    long,
                    short: rng.scale(long, 65, 90),
                    suv: rng.range(150, suv.max(200)),
                })
                .desc("spiculated")
                .qual("with radiating desmoplastic strands and partial calcification"),
            );
        }
        let m1 = rng.pct(60);
        if m1 {
            let count = rng.range(3, 15);
            let msuv = rng.range(150, 650);
            p.lesions.push(liver_group(rng, msuv, count));
            m_words.push("liver".into());
            if rng.pct(25) {
                let count = rng.range(2, 6);
                let msuv = rng.range(100, 400);
                p.lesions.push(bone_group(rng, msuv, "sclerotic", count));
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

/// A new lesion when a neuroendocrine tumour progresses or recurs (SUV `s`, tenths).
pub(super) fn spread(rng: &mut Rng, s: u32) -> Lesion {
    match rng.below(3) {
        0 | 1 => liver_met(rng, s),
        _ => bone_met(rng, s, "sclerotic"),
    }
}
