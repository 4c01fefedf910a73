//! Extra findings (incidentals), the impression and the follow-up statements.

use super::exam::{Exam, Extra};
use crate::model::{Cancer, Evo, Lesion, Mode, Patient, Region, State, Timepoint, Tracer};
use crate::phrase::{join, suv};
use crate::rng::Rng;
pub(super) fn extras(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> (Vec<Extra>, Vec<String>) {
    let mut f: Vec<Extra> = Vec::new();
    let mut imp: Vec<String> = Vec::new();
    if ex.k == 0 || p.cancer.is_benign() {
        return (f, imp);
    }
    let tp = ex.step.tp;
    let active_at = |sites: &[&str]| {
        p.lesions
            .iter()
            .any(|l| l.active() && sites.contains(&l.site))
    };
    let systemic = p.therapy.mode == Mode::Systemic || ex.step.salvage;
    if (p.cancer.family() == priors_core::CancerFamily::Lymphoma || p.cancer == Cancer::Breast)
        && matches!(tp, Timepoint::Interim | Timepoint::EndOfTreatment)
        && systemic
        && !active_at(&["bone_marrow", "bone"])
        && rng.pct(30)
    {
        f.push((
            Region::Msk,
            "Diffusely increased bone marrow uptake, greater than liver, likely reactive to recent chemotherapy or growth factor support.".into(),
            vec!["bone_marrow", "bone"],
        ));
        if rng.pct(50) {
            imp.push("Diffuse marrow uptake is treatment-related and not indicative of marrow involvement.".into());
        }
    }
    if ex.age < 40 && systemic && !active_at(&["mediastinal_nodes"]) && rng.pct(30) {
        f.push((
            Region::Chest,
            "Mild homogeneous uptake in a triangular anterior mediastinal soft tissue with smooth margins, consistent with thymic rebound.".into(),
            vec![],
        ));
        if p.cancer.family() == priors_core::CancerFamily::Lymphoma {
            imp.push("Anterior mediastinal uptake has the appearance of thymic rebound rather than residual lymphoma.".into());
        }
    }
    if p.cancer == Cancer::Nsclc && p.therapy.mode == Mode::Radiation && rng.pct(45) {
        f.push((
            Region::Chest,
            "Post-radiation fibrosis in the paramediastinal lung with low-grade uptake, in keeping with treatment change.".into(),
            vec![],
        ));
    }
    if p.cancer == Cancer::HeadNeckScc
        && p.therapy.mode == Mode::Radiation
        && tp == Timepoint::EndOfTreatment
        && rng.pct(45)
    {
        f.push((
            Region::HeadNeck,
            "Diffuse low-grade mucosal uptake in the oropharynx, consistent with post-radiation mucositis.".into(),
            vec!["oropharynx", "larynx"],
        ));
    }
    if p.immunotherapy && rng.pct(30) {
        match rng.below(3) {
            0 => {
                f.push((
                    Region::HeadNeck,
                    "Diffusely increased thyroid uptake, likely immune-related thyroiditis.".into(),
                    vec!["thyroid"],
                ));
                imp.push("Diffuse thyroid uptake suggests immune-related thyroiditis; correlate with thyroid function tests.".into());
            }
            1 if !active_at(&["mediastinal_nodes", "hilar_nodes"]) => {
                f.push((
                    Region::Chest,
                    "New symmetric, mildly FDG-avid mediastinal and bilateral hilar nodes, suspicious for a sarcoid-like reaction to immunotherapy rather than progression.".into(),
                    vec!["mediastinal_nodes", "hilar_nodes"],
                ));
                imp.push("Symmetric mediastinal and hilar nodal uptake favours a sarcoid-like immune-related reaction over progression; follow-up advised.".into());
            }
            _ if !active_at(&["colon"]) => {
                f.push((
                    Region::AbdPelvis,
                    "Diffuse increased uptake throughout the colon, compatible with immune-related colitis in the appropriate clinical setting.".into(),
                    vec!["colon"],
                ));
                imp.push("Diffuse colonic uptake: consider immune-related colitis.".into());
            }
            _ => {}
        }
    }
    (f, imp)
}

// ---------------------------------------------------------------------------------------------
// Impression

pub(super) fn impression(
    p: &Patient,
    ex: &Exam<'_>,
    extra_imp: Vec<String>,
    rng: &mut Rng,
) -> String {
    let mut items: Vec<String> = if ex.k == 0 {
        p.staging_imp.clone()
    } else if p.cancer.is_benign() {
        benign_followup(p, ex, rng)
    } else {
        followup(p, ex, rng)
    };
    items.extend(extra_imp);
    let style = rng.below(3);
    items
        .iter()
        .enumerate()
        .map(|(i, s)| match style {
            0 => format!("{}. {s}", i + 1),
            1 => format!("- {s}"),
            _ => format!("{}) {s}", i + 1),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn tags(ls: &[&Lesion]) -> String {
    let mut v: Vec<String> = Vec::new();
    for l in ls {
        if !v.contains(&l.tag) {
            v.push(l.tag.clone());
        }
    }
    join(&v)
}

pub(super) fn followup(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> Vec<String> {
    let o = ex.outcome;
    let tp = ex.step.tp;
    let t = p.tracer.short();
    let avid_t = format!("{t}-avid");
    let active: Vec<&Lesion> = p.lesions.iter().filter(|l| l.active()).collect();
    let new: Vec<&Lesion> = active.iter().copied().filter(|l| l.is_new()).collect();
    let old: Vec<&Lesion> = active.iter().copied().filter(|l| !l.is_new()).collect();
    let residual: Vec<&Lesion> = p
        .lesions
        .iter()
        .filter(|l| l.state == State::Residual)
        .collect();
    let gone: Vec<&Lesion> = p
        .lesions
        .iter()
        .filter(|l| l.was_present() && matches!(l.state, State::Resolved | State::Resected))
        .collect();
    let was_any = p.lesions.iter().any(Lesion::was_present);
    let cur = suv(o.cur_max);
    let prev = suv(o.prev_max);
    let mut items: Vec<String> = Vec::new();
    let resect = ex.step.evo == Evo::Resect && new.is_empty();
    let op = p
        .therapy
        .surgery
        .clone()
        .unwrap_or_else(|| "surgery".into());
    if let Some(ds) = o.deauville {
        match o.response {
            Some("CMR") => {
                let dsw = match ds {
                    1 => "no residual uptake at previously involved sites",
                    2 => "residual uptake not exceeding mediastinal blood pool",
                    _ => "residual uptake above mediastinal blood pool but not above liver",
                };
                let loc = if ds >= 2 && !residual.is_empty() {
                    format!(" in the {}", tags(&residual))
                } else {
                    String::new()
                };
                let cont = !p
                    .lesions
                    .iter()
                    .any(|l| l.prev_state == Some(State::Active));
                items.push(match rng.below(3) {
                    0 => format!("{} metabolic response (Deauville score {ds}): {dsw}{loc}.", if cont { "Continued complete" } else { "Complete" }),
                    1 => format!("Deauville {ds}, {dsw}{loc}, consistent with {}complete metabolic response (Lugano).", if cont { "ongoing " } else { "" }),
                    _ => format!("{}omplete metabolic response; Deauville score {ds} ({dsw}{loc}).", if cont { "Sustained c" } else { "C" }),
                });
                if ds == 3 && tp == Timepoint::Interim && rng.pct(50) {
                    items.push("A Deauville score of 3 is usually regarded as complete metabolic response at interim assessment, although interpretation depends on the treatment protocol.".into());
                }
            }
            Some("PMR") => {
                let dsw = if ds == 5 {
                    "markedly higher than liver"
                } else {
                    "moderately above liver"
                };
                items.push(format!(
                    "Partial metabolic response: residual uptake in the {} {dsw} (Deauville {ds}), reduced compared with the prior study (SUVmax {cur} from {prev}).",
                    tags(&old)
                ));
                if !gone.is_empty() {
                    items.push(format!("Resolution of uptake in the {}.", tags(&gone)));
                }
                if tp == Timepoint::EndOfTreatment && rng.pct(60) {
                    items.push("Residual metabolically active disease at end of treatment; biopsy or short-interval follow-up is suggested.".into());
                }
            }
            Some("NMR") => {
                items.push(format!(
                    "No metabolic response: persistent uptake in the {} {} (Deauville {ds}), without significant change from the prior study (SUVmax {cur}, previously {prev}).",
                    tags(&active),
                    if ds == 5 { "markedly above liver" } else { "above liver" }
                ));
            }
            _ => {
                if new.is_empty() {
                    items.push(format!(
                        "Progressive metabolic disease (Deauville {ds}): increasing uptake in the {} (SUVmax {cur} from {prev}).",
                        tags(&old)
                    ));
                } else {
                    items.push(format!(
                        "Progressive metabolic disease (Deauville 5) with new {avid_t} {}.",
                        tags(&new)
                    ));
                    if !old.is_empty() {
                        items.push(format!("Persistent disease in the {}.", tags(&old)));
                    }
                    if rng.pct(50) {
                        items.push("Findings are consistent with relapse or progression; biopsy of the most accessible avid site is recommended.".into());
                    }
                }
            }
        }
        return items;
    }
    let percist = if p.tracer == Tracer::Fdg {
        rng.one(&["", " (PERCIST)", " by PERCIST 1.0"])
    } else {
        ""
    };
    match o.response {
        Some("CMR") => {
            if resect {
                items.push(format!("Expected postsurgical changes following {op}; no residual or recurrent {avid_t} disease."));
            } else if !was_any {
                items.push(rng.one(&[
                    "No evidence of recurrent or metastatic disease; continued complete metabolic response.",
                    "No scan evidence of active disease. Ongoing complete metabolic response.",
                    "Sustained complete metabolic response without evidence of recurrence.",
                ]).to_string());
            } else {
                items.push(match rng.below(2) {
                    0 => format!("Complete metabolic response{percist}: no residual {avid_t} disease at previously involved sites."),
                    _ => format!("Complete metabolic response{percist} of the {}.", tags(&gone)),
                });
            }
        }
        Some("PMR") => {
            items.push(format!(
                "Partial metabolic response{percist}: decrease in size and uptake of the {} (hottest lesion SUVmax {cur}, previously {prev}).",
                tags(&active)
            ));
            if !gone.is_empty() {
                items.push(format!("Resolution of uptake in the {}.", tags(&gone)));
            }
        }
        Some("SMD") => {
            items.push(format!(
                "Stable metabolic disease{percist}: {} essentially unchanged (SUVmax {cur} versus {prev}).",
                tags(&active)
            ));
        }
        Some(_) => {
            if new.is_empty() {
                items.push(format!(
                    "Progressive metabolic disease{percist}: increasing size and uptake of the {} (SUVmax {cur} from {prev}).",
                    tags(&old)
                ));
            } else {
                items.push(format!(
                    "Progressive metabolic disease with new {avid_t} {}.",
                    tags(&new)
                ));
                if !old.is_empty() && rng.pct(60) {
                    items.push(format!(
                        "Known disease in the {} for comparison (SUVmax now {cur}).",
                        tags(&old)
                    ));
                }
                if new.len() == 1 && rng.pct(50) {
                    items.push(format!(
                        "Tissue sampling of the {} is suggested if it would alter management.",
                        new[0].tag
                    ));
                }
            }
        }
        None => {
            items.push(
                rng.one(&[
                    "No evidence of disease.",
                    "No scan evidence of locoregional recurrence or distant metastases.",
                    "No abnormal tracer uptake to suggest active malignancy.",
                ])
                .to_string(),
            );
        }
    }
    if tp == Timepoint::Surveillance && matches!(o.response, Some("CMR") | None) && rng.pct(40) {
        items.push("Continued surveillance as clinically indicated.".into());
    }
    items
}

pub(super) fn benign_followup(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> Vec<String> {
    let o = ex.outcome;
    let was: Vec<&Lesion> = p.lesions.iter().filter(|l| l.was_present()).collect();
    let active: Vec<&Lesion> = p.lesions.iter().filter(|l| l.active()).collect();
    let process = &p.process;
    let mut items = Vec::new();
    if active.is_empty() && was.is_empty() {
        items.push(format!(
            "No recurrence of {process}; no abnormal FDG uptake."
        ));
    } else if active.is_empty() {
        if p.cancer == Cancer::BrownFat {
            items.push("Brown adipose tissue activity is no longer seen after warming and beta-blocker premedication.".to_string());
        } else {
            items.push(format!(
                "Interval resolution of uptake in the previously seen {}, consistent with resolution of {process}.",
                tags(&was)
            ));
        }
    } else if o.cur_max * 100 <= o.prev_max * 80 {
        items.push(format!(
            "Decreased uptake in the {} (SUVmax {} from {}), in keeping with resolving {process}.",
            tags(&active),
            suv(o.cur_max),
            suv(o.prev_max)
        ));
    } else {
        items.push(format!(
            "Persistent uptake in the {}, not significantly changed; {process} remains the favoured explanation.",
            tags(&active)
        ));
    }
    items.push(
        rng.one(&[
            "No new FDG-avid lesion to suggest malignancy.",
            "No FDG-avid lesion elsewhere.",
            "No new abnormality.",
        ])
        .to_string(),
    );
    items
}
