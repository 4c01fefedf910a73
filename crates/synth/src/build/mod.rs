//! Baseline patients: one builder per cancer type (histology, lesions, stage, therapy, the
//! staging impression), and `spread`, which invents plausible new lesions on progression.

use crate::model::{Cancer, Lesion, Patient, Region, Tracer};
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
use common::side;
use head_neck::head_neck;
use lymphoma::lymphoma;
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
    (Cancer::HodgkinLymphoma, 8),
    (Cancer::Dlbcl, 9),
    (Cancer::FollicularLymphoma, 6),
    (Cancer::Breast, 8),
    (Cancer::Melanoma, 8),
    (Cancer::Colorectal, 8),
    (Cancer::HeadNeckScc, 6),
    (Cancer::Prostate, 6),
    (Cancer::Neuroendocrine, 5),
    (Cancer::Sarcoidosis, 6),
    (Cancer::InfectionInflammation, 6),
    (Cancer::BrownFat, 4),
    (Cancer::PostRadiation, 4),
    (Cancer::ReactiveNodes, 5),
];

/// A new patient with baseline disease.
pub(crate) fn patient(rng: &mut Rng) -> Patient {
    let cancer = rng.weighted(&CANCER_WEIGHTS);
    let mut p = match cancer {
        Cancer::Nsclc => nsclc(rng),
        Cancer::HodgkinLymphoma | Cancer::Dlbcl | Cancer::FollicularLymphoma => {
            lymphoma(cancer, rng)
        }
        Cancer::Breast => breast(rng),
        Cancer::Melanoma => melanoma(rng),
        Cancer::Colorectal => colorectal(rng),
        Cancer::HeadNeckScc => head_neck(rng),
        Cancer::Prostate => prostate(rng),
        Cancer::Neuroendocrine => net(rng),
        Cancer::Sarcoidosis => sarcoid(rng),
        Cancer::InfectionInflammation => infection(rng),
        Cancer::BrownFat => brown_fat(rng),
        Cancer::PostRadiation => post_radiation(rng),
        Cancer::ReactiveNodes => reactive(rng),
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
    if matches!(p.cancer, Cancer::Nsclc | Cancer::HeadNeckScc) {
        pool.push((
            Region::Chest,
            "Centrilobular emphysema, most marked in the upper lobes.".into(),
        ));
        pool.push((Region::Chest, "Centrilobular emphysema.".into()));
    }
    if p.cancer != Cancer::Colorectal && p.cancer != Cancer::InfectionInflammation {
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
    let l = match p.cancer {
        Cancer::Nsclc => nsclc::spread(rng, s, right),
        Cancer::HodgkinLymphoma | Cancer::Dlbcl | Cancer::FollicularLymphoma => {
            lymphoma::spread(p.cancer, rng, s)
        }
        Cancer::Breast => breast::spread(rng, s),
        Cancer::Melanoma => melanoma::spread(rng, s, right),
        Cancer::Colorectal => colorectal::spread(rng, s),
        Cancer::HeadNeckScc => head_neck::spread(rng, s, right),
        Cancer::Prostate => prostate::spread(rng, s),
        Cancer::Neuroendocrine => net::spread(rng, s),
        _ => return None,
    };
    Some(l)
}
