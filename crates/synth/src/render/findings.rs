//! The findings section: per-region negatives and physiologic uptake, and one sentence per
//! lesion (described, compared, residual, resolved, recurrent, treated).

use super::exam::{Exam, Extra};
use super::impression::tags;
use crate::model::{Cancer, Lesion, Mode, Patient, Region, Shape, State, Tracer, REGIONS};
use crate::phrase::{
    a, avid, cap, count_words, dims, dims_of, dims_pair, noun, suv, suv_phrase, uptake,
};
use crate::rng::Rng;
pub(super) struct Neg {
    region: Region,
    sites: &'static [&'static str],
    texts: &'static [&'static str],
    /// Bit mask of tracers: 1 FDG, 2 PSMA, 4 DOTATATE.
    tracers: u8,
    whole_body_only: bool,
    female_only: bool,
}

pub(super) const NEGS: &[Neg] = &[
    Neg { region: Region::HeadNeck, sites: &["cervical_nodes", "supraclavicular_nodes"], texts: &["No {avid} cervical or supraclavicular lymphadenopathy.", "No abnormal uptake in cervical or supraclavicular lymph nodes.", "No enlarged or {avid} nodes in the neck.", "Cervical and supraclavicular nodal stations are unremarkable."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::HeadNeck, sites: &["oropharynx", "larynx", "thyroid", "parotid"], texts: &["No focal mucosal uptake in the pharynx or larynx to suggest a primary lesion.", "Symmetric pharyngeal mucosal activity without a focal lesion.", "No focal thyroid uptake."], tracers: 1, whole_body_only: false, female_only: false },
    Neg { region: Region::HeadNeck, sites: &["brain"], texts: &["Physiologic cortical activity limits assessment of the brain; no focal abnormality is evident.", "No focal intracranial abnormality within the limits of PET."], tracers: 1, whole_body_only: true, female_only: false },
    Neg { region: Region::Chest, sites: &["mediastinal_nodes", "hilar_nodes"], texts: &["No {avid} mediastinal or hilar lymphadenopathy.", "No {avid} mediastinal or hilar adenopathy.", "Mediastinal and hilar nodes are not enlarged and show no abnormal uptake.", "No enlarged or {avid} intrathoracic lymph nodes."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::Chest, sites: &["lung"], texts: &["No suspicious pulmonary nodules.", "No {avid} pulmonary nodule or consolidation.", "The lungs are clear of {avid} lesions."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::Chest, sites: &["pleura", "lung"], texts: &["No pleural effusion.", "No pleural effusion or pleural thickening."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::Chest, sites: &["axillary_nodes", "internal_mammary_nodes"], texts: &["No axillary adenopathy.", "The axillae are unremarkable.", "No {avid} axillary or internal mammary nodes."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::Chest, sites: &["breast", "chest_wall"], texts: &["No focal breast uptake.", "Breasts show symmetric background activity."], tracers: 1, whole_body_only: false, female_only: true },
    Neg { region: Region::AbdPelvis, sites: &["liver"], texts: &["No focal hepatic uptake above background.", "The liver shows homogeneous background activity without a focal lesion.", "No {avid} hepatic lesion."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::AbdPelvis, sites: &["spleen"], texts: &["The spleen is normal in size with uptake below liver.", "Spleen unremarkable."], tracers: 1, whole_body_only: false, female_only: false },
    Neg { region: Region::AbdPelvis, sites: &["adrenal"], texts: &["Adrenal glands are unremarkable.", "No adrenal nodule."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::AbdPelvis, sites: &["abdominal_nodes", "pelvic_nodes", "inguinal_nodes"], texts: &["No {avid} abdominal or pelvic lymphadenopathy.", "No retroperitoneal, mesenteric or pelvic adenopathy.", "No enlarged or {avid} nodes below the diaphragm."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::AbdPelvis, sites: &["colon", "rectum", "small_bowel", "peritoneum", "stomach", "pancreas"], texts: &["No focal {avid} bowel lesion.", "No peritoneal nodularity or ascites."], tracers: 1, whole_body_only: false, female_only: false },
    Neg { region: Region::Msk, sites: &["bone", "bone_marrow"], texts: &["No focal osseous uptake to suggest metastatic disease.", "No destructive or {avid} bone lesion.", "Bone marrow uptake is homogeneous without focal lesions.", "No suspicious skeletal lesion."], tracers: 7, whole_body_only: false, female_only: false },
    Neg { region: Region::Msk, sites: &["skin"], texts: &["No {avid} cutaneous or subcutaneous nodules.", "No suspicious subcutaneous nodule in the trunk or limbs."], tracers: 1, whole_body_only: true, female_only: false },
];

pub(super) fn tracer_bit(t: Tracer) -> u8 {
    match t {
        Tracer::Fdg => 1,
        Tracer::Psma11 | Tracer::Dcfpyl => 2,
        Tracer::Dotatate => 4,
    }
}

pub(super) fn avid_word(rng: &mut Rng, t: Tracer) -> String {
    match t {
        Tracer::Fdg => rng
            .one(&["FDG-avid", "hypermetabolic", "FDG-avid"])
            .to_string(),
        _ => format!("{}-avid", t.short()),
    }
}

pub(super) fn physiologic(p: &Patient, region: Region, rng: &mut Rng) -> Option<String> {
    let opts: &[&str] = match (p.tracer, region) {
        (Tracer::Fdg, Region::HeadNeck) => &[
            "Physiologic uptake in the palatine tonsils, salivary glands and vocal cords.",
            "Expected physiologic activity in the brain, Waldeyer's ring and salivary glands.",
            "Symmetric physiologic uptake in the lymphoid tissue of Waldeyer's ring.",
        ],
        (Tracer::Fdg, Region::Chest) => &[
            "Physiologic myocardial uptake.",
            "Variable physiologic myocardial activity.",
            "Normal blood pool activity.",
        ],
        (Tracer::Fdg, Region::AbdPelvis) => &[
            "Physiologic activity in the liver, spleen, bowel and urinary tract.",
            "Expected physiologic bowel activity and urinary excretion.",
            "Normal physiologic distribution in the liver, spleen, kidneys and bladder.",
        ],
        (Tracer::Fdg, Region::Msk) => &[
            "No abnormal muscular uptake.",
            "Mild symmetric physiologic uptake in the paraspinal and shoulder girdle muscles.",
        ],
        (Tracer::Psma11 | Tracer::Dcfpyl, Region::HeadNeck) => &[
            "Physiologic tracer uptake in the lacrimal and salivary glands.",
            "Expected intense uptake in the parotid and submandibular glands.",
        ],
        (Tracer::Psma11 | Tracer::Dcfpyl, Region::Chest) => &["Normal blood pool activity in the thorax."],
        (Tracer::Psma11 | Tracer::Dcfpyl, Region::AbdPelvis) => &[
            "Physiologic activity in the liver, spleen, kidneys, small bowel and bladder.",
            "Low-grade uptake in the left coeliac ganglion, a recognised physiologic pattern.",
            "Expected urinary tracer excretion.",
        ],
        (Tracer::Dotatate, Region::HeadNeck) => &["Physiologic uptake in the pituitary gland, salivary glands and thyroid."],
        (Tracer::Dotatate, Region::AbdPelvis) => &[
            "Focal physiologic uptake in the uncinate process of the pancreas without CT correlate.",
            "Physiologic activity in the adrenal glands, kidneys and bowel.",
        ],
        _ => &[],
    };
    if opts.is_empty() {
        None
    } else {
        Some(rng.one(opts).to_string())
    }
}

pub(super) fn findings(p: &Patient, ex: &Exam<'_>, extras: &[Extra], rng: &mut Rng) -> String {
    let mut out: Vec<String> = Vec::new();
    if let Some((mbp, liver)) = p.lymph_ref {
        out.push(match rng.below(3) {
            0 => format!(
                "Reference regions: mediastinal blood pool SUVmax {}, liver SUVmax {}.",
                suv(mbp),
                suv(liver)
            ),
            1 => format!(
                "Background reference: liver SUVmax {} and mediastinal blood pool SUVmax {}.",
                suv(liver),
                suv(mbp)
            ),
            _ => format!(
                "Mediastinal blood pool SUVmax {}; liver SUVmax {} (Deauville reference).",
                suv(mbp),
                suv(liver)
            ),
        });
    }
    let mut blocked: Vec<&str> = p
        .lesions
        .iter()
        .filter(|l| matches!(l.state, State::Active | State::Residual))
        .map(|l| l.site)
        .collect();
    for (_, _, b) in extras {
        blocked.extend(b.iter().copied());
    }
    let skin = p.lesions.iter().any(|l| l.site == "skin");
    let headers: [&str; 4] = [
        if p.whole_body {
            rng.one(&["Head and neck:", "Brain, head and neck:", "Head/neck:"])
        } else {
            let brain_note = ex.k == 0
                && p.staging_notes
                    .iter()
                    .any(|(r, s)| *r == Region::HeadNeck && s.contains("brain"));
            if brain_note {
                rng.one(&["Head and neck:", "Head/neck:"])
            } else {
                rng.one(&["Head and neck:", "Neck:", "Head/neck:"])
            }
        },
        rng.one(&["Chest:", "Thorax:"]),
        rng.one(&["Abdomen and pelvis:", "Abdomen/pelvis:"]),
        if skin {
            rng.one(&[
                "Musculoskeletal and soft tissues:",
                "Bones and soft tissues:",
            ])
        } else {
            rng.one(&["Musculoskeletal:", "Bones:", "Osseous structures:"])
        },
    ];
    let splenectomy = p
        .therapy
        .surgery
        .as_deref()
        .is_some_and(|s| s.contains("splenectomy"))
        && p.lesions
            .iter()
            .any(|l| l.state == State::Resected || l.prev_state == Some(State::Resected));
    for (i, region) in REGIONS.iter().enumerate() {
        let mut idx: Vec<usize> = (0..p.lesions.len())
            .filter(|&j| p.lesions[j].region == *region)
            .collect();
        idx.sort_by_key(|&j| !p.lesions[j].primary);
        let mut lines: Vec<String> = Vec::new();
        for j in idx {
            if let Some(s) = lesion_sentence(p, &p.lesions[j], ex, rng) {
                lines.push(s);
            }
        }
        if ex.k == 0 {
            for (r, s) in &p.staging_notes {
                if r == region {
                    lines.push(s.clone());
                }
            }
        }
        for (r, s, _) in extras {
            if r == region {
                lines.push(s.clone());
            }
        }
        let quiet: Vec<&Lesion> = p
            .lesions
            .iter()
            .filter(|l| l.region == *region && !l.primary)
            .filter(|l| l.prev_state == Some(State::Resolved) && l.state == State::Resolved)
            .collect();
        let region_active = p.lesions.iter().any(|l| l.region == *region && l.active());
        if !quiet.is_empty() && !region_active && rng.pct(70) {
            let what = if quiet.iter().all(|l| l.shape == Shape::Node) {
                "previously involved nodal sites"
            } else {
                "previously involved sites"
            };
            lines.push(match rng.below(3) {
                0 => format!("No recurrent uptake at {what} ({}).", tags(&quiet)),
                1 => format!("The {} remain without abnormal uptake.", tags(&quiet)),
                _ => format!(
                    "No new or recurrent {} disease at {what}.",
                    avid_word(rng, p.tracer)
                ),
            });
        }
        let mut rest: Vec<String> = Vec::new();
        let cands: Vec<&Neg> = NEGS
            .iter()
            .filter(|n| n.region == *region)
            .filter(|n| n.tracers & tracer_bit(p.tracer) != 0)
            .filter(|n| !n.sites.iter().any(|s| blocked.contains(s)))
            .filter(|n| !n.whole_body_only || p.whole_body)
            .filter(|n| !n.female_only || !p.male)
            .filter(|n| !(splenectomy && n.sites.contains(&"spleen")))
            .collect();
        let k = if lines.is_empty() {
            rng.range(2, 3) as usize
        } else {
            rng.range(0, 1) as usize
        };
        for n in rng.choose_n(&cands, k) {
            let t = rng.one(n.texts);
            let w = avid_word(rng, p.tracer);
            rest.push(t.replace("{avid}", &w));
        }
        if p.tracer == Tracer::Dotatate && *region == Region::AbdPelvis {
            if let Some((liver, spleen)) = p.sstr_ref {
                rest.push(if splenectomy {
                    format!("Status post splenectomy. Hepatic background SUVmax {}.", suv(liver))
                } else {
                    format!(
                        "Physiologic intense splenic uptake (SUVmax {}) with expected hepatic background (SUVmax {}).",
                        suv(spleen),
                        suv(liver)
                    )
                });
            }
        }
        if rng.pct(70) {
            if let Some(s) = physiologic(p, *region, rng) {
                if !(splenectomy && s.contains("spleen")) {
                    rest.push(s);
                }
            }
        }
        for (r, s) in &p.incidentals {
            if r == region && rng.pct(85) {
                if ex.k > 0 && rng.pct(25) {
                    let mut c = s.chars();
                    let first = c
                        .next()
                        .map(|f| f.to_lowercase().collect::<String>())
                        .unwrap_or_default();
                    rest.push(format!("Again noted: {first}{}", c.as_str()));
                } else {
                    rest.push(s.clone());
                }
            }
        }
        rng.shuffle(&mut rest);
        lines.extend(rest);
        if lines.is_empty() {
            lines.push("No abnormal uptake.".to_string());
        }
        out.push(format!("{}\n{}", headers[i], lines.join(" ")));
    }
    out.join("\n")
}

pub(super) fn lesion_sentence(
    p: &Patient,
    l: &Lesion,
    ex: &Exam<'_>,
    rng: &mut Rng,
) -> Option<String> {
    use State::*;
    // The operation is described once: at the primary, or (primary excised before the first
    // scan, as in melanoma) at the first resected lesion.
    let anchor = l.primary
        || (!p.lesions.iter().any(|x| x.primary)
            && p.lesions
                .iter()
                .find(|x| x.state == Resected)
                .is_some_and(|x| std::ptr::eq(x, l)));
    match (l.prev_state, l.state) {
        (None, Active) => Some(describe(p, l, ex.k > 0, rng)),
        (Some(Resolved) | Some(Resected), Active) => Some(recurrent(p, l, rng)),
        (Some(Active), Active) => Some(compare(p, l, rng)),
        (Some(Active) | Some(Residual), Residual) => Some(residual(p, l, rng)),
        (Some(Active) | Some(Residual), Resolved) => Some(resolved(p, l, ex, rng)),
        (Some(Resolved), Resolved) if l.primary && rng.pct(60) => Some(treated(l, rng)),
        (Some(Active) | Some(Residual), Resected) if anchor => Some(resected(p, rng, true)),
        (Some(Resected), Resected) if anchor && rng.pct(70) => Some(resected(p, rng, false)),
        _ => None,
    }
}

pub(super) fn opt_prefix(s: Option<&'static str>) -> String {
    s.map(|d| format!("{d} ")).unwrap_or_default()
}

pub(super) fn describe(p: &Patient, l: &Lesion, new: bool, rng: &mut Rng) -> String {
    let t = p.tracer;
    let adj = avid(rng, t, l.suv);
    let sp = suv_phrase(rng, l.suv);
    let qual = l
        .qual
        .as_ref()
        .map(|q| format!(", {q}"))
        .unwrap_or_default();
    let desc = opt_prefix(l.desc);
    let loc = &l.loc;
    match l.shape {
        Shape::Diffuse => {
            let d = l.desc.unwrap_or("increased");
            let w = if t == Tracer::Fdg {
                rng.one(&["FDG uptake", "uptake", "tracer uptake"])
            } else {
                "tracer uptake"
            };
            let lead = if new {
                format!("New {d} {w}")
            } else {
                cap(&format!("{d} {w}"))
            };
            return format!("{lead} in the {loc}{qual}, {sp}.");
        }
        Shape::Effusion => {
            let d = l.desc.unwrap_or("small");
            let up = uptake(rng, t, l.suv);
            return if new {
                format!("New {d} effusion in the {loc}{qual}, showing {up} ({sp}).")
            } else {
                format!(
                    "{} effusion in the {loc}{qual}, showing {up} ({sp}).",
                    cap(&a(d))
                )
            };
        }
        _ => {}
    }
    let measured = l.long > 0;
    if l.shape == Shape::Thickening && measured {
        let up = uptake(rng, t, l.suv);
        let d = format!(
            "{} cm in length, up to {} mm thick",
            crate::phrase::cm(l.long),
            l.short
        );
        let newp = if new { "new " } else { "" };
        return match rng.below(2) {
            0 => format!(
                "{} of the {loc} ({d}){qual}, {sp}.",
                cap(&format!("{newp}{desc}{adj} wall thickening"))
            ),
            _ => format!(
                "There is {} of the {loc}, {d}, with {up} ({sp}){qual}.",
                a(&format!("{newp}{desc}wall thickening"))
            ),
        };
    }
    if l.count > 1 {
        let n = noun(rng, l.shape, true);
        let cw = count_words(rng, l.count);
        let cw = if new { format!("{cw} new") } else { cw };
        let sub = l.sub.as_ref().map(|s| format!(" {s}")).unwrap_or_default();
        let largest = if measured {
            rng.one(&["largest", "dominant", "largest"])
        } else {
            "most intense"
        };
        if measured {
            let d = dims(rng, l);
            return match rng.below(2) {
                0 => format!("{cw} {adj} {desc}{n} in the {loc}{qual}, the {largest}{sub} measuring {d} ({sp})."),
                _ => {
                    let up = uptake(rng, t, l.suv);
                    format!("{cw} {desc}{n} with {up} in the {loc}{qual}; the {largest}{sub} measures {d}, {sp}.")
                }
            };
        }
        return format!("{cw} {adj} {desc}{n} in the {loc}{qual}, the {largest}{sub} with {sp}.");
    }
    let n = noun(rng, l.shape, false);
    let newp = if new { "new " } else { "" };
    if !measured {
        return match rng.below(2) {
            0 => {
                let up = uptake(rng, t, l.suv);
                format!(
                    "{}ocal {up} in the {loc}{qual}, {sp}.",
                    if new { "New f" } else { "F" }
                )
            }
            _ => format!(
                "{} in the {loc}{qual}, {sp}.",
                cap(&a(&format!("{newp}{adj} {desc}{n}")))
            ),
        };
    }
    let d = dims(rng, l);
    if l.nodal {
        return match rng.below(3) {
            0 => format!(
                "{} in the {loc} measuring {d}{qual}, {sp}.",
                cap(&a(&format!("{newp}{adj} {n}")))
            ),
            1 => {
                let up = uptake(rng, t, l.suv);
                format!(
                    "There is {} in the {loc}, {d}, with {up} ({sp}){qual}.",
                    a(&format!("{newp}{desc}{n}"))
                )
            }
            _ => format!("{}: {newp}{adj} {desc}{n}, {d}, {sp}{qual}.", cap(loc)),
        };
    }
    let organ_ok = !loc.contains('(')
        && !loc.contains(',')
        && matches!(l.shape, Shape::Mass | Shape::Nodule | Shape::Lesion);
    let pick = rng.below(if organ_ok { 4 } else { 3 });
    match pick {
        0 => format!(
            "{} in the {loc}{qual}, {sp}.",
            cap(&a(&format!("{newp}{d} {desc}{adj} {n}")))
        ),
        1 => {
            let up = uptake(rng, t, l.suv);
            format!(
                "There is {} in the {loc} measuring {d} with {up} ({sp}){qual}.",
                a(&format!("{newp}{desc}{n}"))
            )
        }
        2 => {
            let up = uptake(rng, t, l.suv);
            format!("{}: {newp}{d} {desc}{n} with {up}, {sp}{qual}.", cap(loc))
        }
        _ => format!(
            "The {loc} contains {} measuring {d} ({sp}){qual}.",
            a(&format!("{newp}{desc}{adj} {n}"))
        ),
    }
}

pub(super) fn what_of(l: &Lesion, rng: &mut Rng) -> (String, bool) {
    match l.shape {
        Shape::Diffuse => (format!("uptake in the {}", l.loc), false),
        Shape::Effusion => (format!("effusion in the {}", l.loc), false),
        _ => {
            let plural = l.count > 1;
            (
                format!("{} in the {}", noun(rng, l.shape, plural), l.loc),
                plural,
            )
        }
    }
}

pub(super) fn compare(p: &Patient, l: &Lesion, rng: &mut Rng) -> String {
    let prev = l.prev.unwrap_or(l.base);
    let sp = suv_phrase(rng, l.suv);
    let ps = suv(prev.suv);
    let trend: i8 = if l.suv * 10 <= prev.suv * 8 {
        -1
    } else if l.suv * 10 >= prev.suv * 12 {
        1
    } else {
        0
    };
    let _ = p;
    if l.long == 0 {
        return match trend {
            -1 => format!("Decreased uptake in the {}, {sp} (previously SUVmax {ps}).", l.loc),
            1 => format!("Increased uptake in the {}, {sp} (previously SUVmax {ps}).", l.loc),
            _ => format!("Persistent uptake in the {}, {sp} (previously SUVmax {ps}), essentially unchanged.", l.loc),
        };
    }
    let (d, pd) = dims_pair(rng, l, prev.long, prev.short);
    let (what, plural) = what_of(l, rng);
    if plural {
        let verb = match trend {
            -1 => rng.one(&["have decreased in size and uptake", "have regressed"]),
            1 => rng.one(&["have increased in size and uptake", "have progressed"]),
            _ => rng.one(&["are stable", "are essentially unchanged"]),
        };
        let sub = l.sub.as_ref().map(|s| format!(" {s}")).unwrap_or_default();
        let index = if l.shape == Shape::Node {
            "index node"
        } else {
            "index lesion"
        };
        return format!("The {what} {verb}; the {index}{sub} now measures {d} with {sp} (previously {pd}, SUVmax {ps}).");
    }
    match (trend, rng.below(3)) {
        (-1, 0) => format!("The {what} has decreased to {d} with {sp} (previously {pd}, SUVmax {ps})."),
        (-1, 1) => format!("Interval decrease in size and uptake of the {what}: now {d}, {sp} (previously {pd}; SUVmax {ps})."),
        (-1, _) => format!("{}: {d}, {sp}, down from {pd} and SUVmax {ps}.", cap(&what)),
        (1, 0) => format!("The {what} has enlarged to {d} with increased uptake, {sp} (previously {pd}, SUVmax {ps})."),
        (1, 1) => format!("Interval progression of the {what}, now {d} with {sp} (previously {pd}; SUVmax {ps})."),
        (1, _) => format!("{}: larger at {d}, {sp} (was {pd}, SUVmax {ps}).", cap(&what)),
        (_, 0) => format!("Unchanged {what}, {d}, {sp} (previously {pd}, SUVmax {ps})."),
        (_, 1) => format!("The {what} is stable at {d} with {sp} (prior SUVmax {ps})."),
        _ => format!("{} without significant change: {d}, {sp} (previously SUVmax {ps}).", cap(&what)),
    }
}

pub(super) fn residual(p: &Patient, l: &Lesion, rng: &mut Rng) -> String {
    let (mbp, _) = p.lymph_ref.unwrap_or((20, 28));
    let words = if l.suv > mbp {
        rng.one(&[
            "above mediastinal blood pool but below liver",
            "above mediastinal blood pool but not exceeding liver",
            "greater than mediastinum but not above liver",
        ])
    } else {
        rng.one(&[
            "at or below mediastinal blood pool",
            "not exceeding mediastinal blood pool",
        ])
    };
    let sp = suv_phrase(rng, l.suv);
    let d = dims_of(rng, l.long, l.short, false);
    let ps = suv(l.prev.map(|s| s.suv).unwrap_or(l.base.suv));
    if l.prev_state == Some(State::Residual) {
        return format!(
            "Stable residual soft tissue in the {} ({d}) with uptake {words} ({sp}).",
            l.loc
        );
    }
    match rng.below(2) {
        0 => format!("Residual {d} soft tissue in the {} with uptake {words} ({sp}; previously SUVmax {ps}).", l.loc),
        _ => {
            let (what, plural) = what_of(l, rng);
            format!(
                "The {what} {} decreased to {d} of residual soft tissue with uptake {words}, {sp} (previously SUVmax {ps}).",
                if plural { "have" } else { "has" }
            )
        }
    }
}

pub(super) fn resolved(p: &Patient, l: &Lesion, ex: &Exam<'_>, rng: &mut Rng) -> String {
    let ps = suv(l.prev.map(|s| s.suv).unwrap_or(l.base.suv));
    if l.primary && p.therapy.mode == Mode::Radiation && !ex.step.salvage {
        return if p.cancer == Cancer::Nsclc {
            format!(
                "The treated {} tumour has been replaced by {} without significant uptake (previously SUVmax {ps}).",
                l.loc,
                rng.one(&["band-like fibrosis", "post-radiation consolidation", "residual soft-tissue thickening"])
            )
        } else {
            format!(
                "Post-treatment change at the {} primary site without residual focal uptake (previously SUVmax {ps}).",
                l.loc
            )
        };
    }
    let prev_avid = match p.tracer {
        Tracer::Fdg => rng.one(&["FDG-avid", "hypermetabolic"]).to_string(),
        t => format!("{}-avid", t.short()),
    };
    let (what, plural) = what_of(l, rng);
    let has = if plural { "have" } else { "has" };
    let pick = if matches!(l.shape, Shape::Diffuse | Shape::Effusion) {
        1
    } else {
        rng.below(if l.long > 0 { 3 } else { 2 })
    };
    match pick {
        0 => format!("The previously {prev_avid} {what} {has} resolved (previously SUVmax {ps})."),
        1 if l.loc.ends_with(')') => format!(
            "Complete resolution of uptake in the {}, previously SUVmax {ps}.",
            l.loc
        ),
        1 => format!(
            "Complete resolution of uptake in the {} (previously SUVmax {ps}).",
            l.loc
        ),
        _ => {
            let d = dims(rng, l);
            let n = noun(rng, l.shape, plural);
            let verb = if plural { "measure" } else { "measures" };
            format!(
                "No residual uptake in the {}; the {n} now {verb} {d} (previously SUVmax {ps}).",
                l.loc
            )
        }
    }
}

pub(super) fn recurrent(p: &Patient, l: &Lesion, rng: &mut Rng) -> String {
    let adj = avid(rng, p.tracer, l.suv);
    let sp = suv_phrase(rng, l.suv);
    let bed = p.therapy.bed.as_ref().is_some_and(|(b, _)| *b == l.loc);
    if l.long == 0 {
        return format!("New {adj} focus in the {}, {sp}, at a previously treated site, suspicious for recurrence.", l.loc);
    }
    let d = dims(rng, l);
    if bed {
        let up = uptake(rng, p.tracer, l.suv);
        return format!(
            "{} in the {} measuring {d} with {up} ({sp}), suspicious for local recurrence.",
            cap(&a(&format!("new {adj} soft-tissue nodule"))),
            l.loc
        );
    }
    if l.count > 1 {
        let n = noun(rng, l.shape, true);
        let sub = l.sub.as_ref().map(|s| format!(" {s}")).unwrap_or_default();
        return format!("Recurrent {adj} {n} in the {}, the largest{sub} measuring {d} ({sp}); this site had previously resolved.", l.loc);
    }
    let n = noun(rng, l.shape, false);
    format!(
        "New {adj} {n} in the previously treated {}, {d}, {sp}, consistent with recurrent disease.",
        l.loc
    )
}

pub(super) fn treated(l: &Lesion, rng: &mut Rng) -> String {
    match rng.below(2) {
        0 => format!("No recurrent uptake at the site of the treated {}.", l.tag),
        _ => format!(
            "Stable post-treatment appearance at the site of the {} without abnormal uptake.",
            l.tag
        ),
    }
}

pub(super) fn resected(p: &Patient, rng: &mut Rng, first: bool) -> String {
    let op = p
        .therapy
        .surgery
        .clone()
        .unwrap_or_else(|| "surgery".into());
    let bed = p
        .therapy
        .bed
        .as_ref()
        .map(|(b, _)| b.clone())
        .unwrap_or_else(|| "operative bed".into());
    if first {
        match rng.below(2) {
            0 => format!("Postsurgical changes following {op}. No abnormal uptake at the {bed}."),
            _ => format!("Status post {op}; only mild linear postsurgical uptake at the {bed}, without a nodular focus."),
        }
    } else {
        format!("Stable postoperative appearance following {op}, without evidence of local recurrence at the {bed}.")
    }
}

// ---------------------------------------------------------------------------------------------
// Treatment-related findings and mimics on follow-up
