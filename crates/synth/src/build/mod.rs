//! Baseline patients: one builder per cancer type (histology, lesions, stage, therapy, the
//! staging impression), and `spread`, which invents plausible new lesions on progression.

use crate::model::{Cancer, Lesion, Patient, Region, Shape, Tracer};
use crate::rng::Rng;

mod benign;
mod breast;
mod colorectal;
mod common;
mod head_neck;
mod lymphoma;
mod melanoma;
mod net;
mod nsclc;
mod prostate;

use benign::{brown_fat, infection, post_radiation, reactive, sarcoid};
use breast::breast;
use colorectal::colorectal;
use common::{adrenal_met, bone_met, liver_group, liver_met, lung_nodule, node, side};
use head_neck::head_neck;
use lymphoma::{group_lesion, lymphoma, GROUPS};
use melanoma::melanoma;
use net::net;
use nsclc::nsclc;
use prostate::prostate;

#[cfg(test)]
pub(crate) use {
    breast::breast_stage, colorectal::rectal_stage, lymphoma::lugano, melanoma::melanoma_stage,
    nsclc::nsclc_stage, prostate::prostate_stage,
};

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

// ---------------------------------------------------------------------------------------------
// Incidental findings and progression

pub(super) fn incidentals(p: &Patient, rng: &mut Rng) -> Vec<(Region, String)> {
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
