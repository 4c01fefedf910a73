//! The header sections: indication, technique, comparison.

use chrono::NaiveDate;

use super::exam::Exam;
use crate::model::{Cancer, Evo, Mode, Patient, Timepoint, Tracer};
use crate::phrase::{a, cap};
use crate::rng::Rng;

// ---------------------------------------------------------------------------------------------
// Indication, technique, comparison

pub(super) fn indication(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> String {
    let mut s = if ex.k == 0 {
        rng.pick(&p.dx).clone()
    } else if p.cancer.is_benign() {
        rng.pick(&p.followup_ind).clone()
    } else {
        followup_indication(p, ex, rng)
    };
    if s.contains("{vaccine}") {
        let covid = NaiveDate::from_ymd_opt(2021, 1, 15).expect("valid date");
        let v = if ex.date >= covid {
            "COVID-19 mRNA"
        } else {
            "influenza"
        };
        s = s.replace("{vaccine}", v);
    }
    if rng.pct(35) {
        let who = if p.male { "man" } else { "woman" };
        s = format!("{}-year-old {who}. {s}", ex.age);
    }
    s
}

pub(super) fn followup_indication(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> String {
    let dx = &p.dx_short;
    let stage = match &p.stage {
        Some(s) if rng.pct(45) => format!("stage {s} "),
        _ => String::new(),
    };
    let th = &p.therapy;
    let regimen = if ex.step.salvage {
        &th.salvage
    } else {
        &th.first
    };
    // Cycles every three weeks, or months, since the start of the course.
    let days = (ex.date - ex.first_date).num_days().max(0) as u32;
    let unit = th.unit;
    let n = if unit == "months" {
        (days / 30).max(2)
    } else if ex.k <= 1 {
        th.interim_cycles
    } else {
        (days / 21).clamp(th.interim_cycles + 1, 8)
    };
    let op = th.surgery.clone().unwrap_or_else(|| "surgery".to_string());
    let s = match ex.step.tp {
        Timepoint::Staging | Timepoint::Interim if ex.step.salvage => match rng.below(2) {
            0 => format!(
                "{}{dx}, now on {regimen} for progressive or relapsed disease. Restaging.",
                cap(&stage)
            ),
            _ => format!("Response assessment during {regimen} for relapsed {stage}{dx}."),
        },
        Timepoint::EndOfTreatment if ex.step.salvage && ex.step.evo != Evo::Resect => {
            format!("Completed {regimen} for relapsed {stage}{dx}; response assessment.")
        }
        Timepoint::Staging | Timepoint::Interim => match rng.below(3) {
            0 => format!(
                "{}{dx}. Interim assessment after {n} {unit} of {regimen}.",
                cap(&stage)
            ),
            1 => format!("Interim PET/CT during {regimen} for {stage}{dx} ({n} {unit} completed)."),
            _ => format!(
                "{}{dx} on {regimen}. Restaging after {n} {unit}.",
                cap(&stage)
            ),
        },
        Timepoint::EndOfTreatment => {
            if ex.step.evo == Evo::Resect {
                format!(
                    "{}{dx}. Status post {op}; post-operative assessment.",
                    cap(&stage)
                )
            } else if th.mode == Mode::Radiation && !ex.step.salvage {
                format!(
                    "{}{dx}. Completed {regimen} {} weeks ago; response assessment.",
                    cap(&stage),
                    rng.range(8, 14)
                )
            } else {
                match rng.below(2) {
                    0 => format!(
                        "End-of-treatment assessment after completion of {regimen} for {stage}{dx}."
                    ),
                    _ => format!(
                        "{}{dx}. Completed {regimen}; end-of-treatment restaging.",
                        cap(&stage)
                    ),
                }
            }
        }
        Timepoint::Surveillance => {
            if ex.step.evo == Evo::Resect {
                format!(
                    "{}{dx}, status post {op}. Post-operative surveillance.",
                    cap(&stage)
                )
            } else if th.mode == Mode::Watch && !ex.step.salvage && p.any_active() {
                format!(
                    "{}{dx} managed with {}; no treatment given. Restaging.",
                    cap(&stage),
                    th.first
                )
            } else {
                let how = if th.mode == Mode::Watch && !ex.step.salvage {
                    th.first.clone()
                } else {
                    regimen.clone()
                };
                let sym = rng.one(&[
                    "Asymptomatic",
                    "No new symptoms",
                    "Clinically well",
                    "Mild fatigue only",
                    "Clinically well; tumour markers within normal limits",
                    "No new symptoms; last treatment completed several months ago",
                ]);
                match rng.below(2) {
                    0 => format!(
                        "History of {stage}{dx}, treated with {how}. Routine surveillance. {sym}."
                    ),
                    _ => format!(
                        "{}{dx} after {how}. Follow-up imaging; {}.",
                        cap(&stage),
                        sym.to_lowercase()
                    ),
                }
            }
        }
        Timepoint::Recurrence => {
            let trig = rng.pick(&p.triggers).clone();
            match rng.below(2) {
                0 => format!(
                    "History of {dx}, treated with {}. {trig}; query recurrence.",
                    th.first
                ),
                _ => format!(
                    "{trig}. Known {dx}, previously treated with {}. Suspected relapse.",
                    th.first
                ),
            }
        }
    };
    cap(&s)
}

pub(super) fn technique(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> String {
    let range = if p.whole_body {
        "vertex to toes"
    } else {
        rng.one(&[
            "skull base to mid-thigh",
            "skull base to mid-thigh",
            "skull base to mid-thigh",
            "vertex to mid-thigh",
        ])
    };
    let ct = rng.one(&[
        "A low-dose non-contrast CT was obtained for attenuation correction and anatomic localisation.",
        "Low-dose CT without intravenous contrast was acquired for attenuation correction and localisation.",
        "CT was low-dose and non-diagnostic, performed for attenuation correction and anatomic correlation only.",
        "Attenuation correction was performed with a low-dose CT.",
    ]);
    let mut s = match p.tracer {
        Tracer::Fdg => {
            let act = rng.range(190, 460);
            let glu = if rng.pct(80) {
                rng.range(72, 126)
            } else {
                rng.range(127, 182)
            };
            let up = rng.range(55, 78);
            let fast = rng.range(4, 8);
            match rng.below(4) {
                0 => format!("{act} MBq of 18F-FDG was administered intravenously after {} (blood glucose {glu} mg/dL). Imaging began {up} minutes later, from the {range}. {ct}", a(&format!("{fast}-hour fast"))),
                1 => format!("Fasting blood glucose {glu} mg/dL. Injected activity: {act} MBq 18F-FDG IV. Uptake time {up} min. PET/CT from the {range}. {ct}"),
                2 => format!("Following intravenous injection of {act} MBq of F-18 fluorodeoxyglucose (FDG) and an uptake period of {up} minutes, PET images were acquired from the {range}. Blood glucose at injection was {glu} mg/dL. {ct}"),
                _ => format!("Whole-body FDG PET/CT ({range}). Activity {act} MBq; uptake {up} minutes; serum glucose {glu} mg/dL. {ct}"),
            }
        }
        Tracer::Psma11 => {
            let act = rng.range(110, 210);
            let up = rng.range(55, 75);
            match rng.below(2) {
                0 => format!("{act} MBq of 68Ga-PSMA-11 was injected intravenously. After {up} minutes, PET/CT was acquired from the {range}. {ct}"),
                _ => format!("PSMA PET/CT with 68Ga-PSMA-11 ({act} MBq IV, uptake {up} min), {range}. {ct}"),
            }
        }
        Tracer::Dcfpyl => {
            let act = rng.range(280, 380);
            let up = rng.range(85, 120);
            match rng.below(2) {
                0 => format!("{act} MBq of 18F-PSMA (DCFPyL, piflufolastat) was administered intravenously. Images were acquired {up} minutes later from the {range}. {ct}"),
                _ => format!("18F-DCFPyL PSMA PET/CT: {act} MBq IV, uptake {up} minutes, {range}. {ct}"),
            }
        }
        Tracer::Dotatate => {
            let act = rng.range(100, 200);
            let up = rng.range(45, 65);
            let mut t = match rng.below(2) {
                0 => format!("{act} MBq of 68Ga-DOTATATE was injected intravenously; imaging began {up} minutes later from the {range}. {ct}"),
                _ => format!("Somatostatin receptor PET/CT: 68Ga-DOTATATE {act} MBq IV, uptake {up} min, {range}. {ct}"),
            };
            if ex.k > 0 && p.therapy.first.contains("lanreotide") {
                t.push_str(&format!(
                    " The last lanreotide injection was given {} weeks before the study.",
                    rng.range(2, 4)
                ));
            }
            t
        }
    };
    if matches!(p.tracer, Tracer::Psma11 | Tracer::Dcfpyl) && rng.pct(30) {
        s.push_str(" Furosemide 20 mg IV was given to reduce urinary activity.");
    }
    if rng.pct(40) {
        s.push(' ');
        s.push_str(rng.one(&[
            "Image quality is good.",
            "Mild patient motion slightly degrades the head and neck images.",
            "Arms were positioned above the head.",
            "Diagnostic-quality study.",
            "No extravasation at the injection site.",
            "Images were reviewed in axial, coronal and sagittal planes with fused PET/CT and MIP displays.",
        ]));
    }
    if p.cancer == Cancer::BrownFat && ex.k > 0 {
        s.push_str(" The patient was kept in a warmed room for 60 minutes and received oral propranolol 40 mg before injection to suppress brown fat activity.");
    }
    s
}

pub(super) fn comparison(p: &Patient, ex: &Exam<'_>, rng: &mut Rng) -> String {
    let Some(prev) = ex.prev_date else {
        return "None.".to_string();
    };
    let prev = prev.format("%Y-%m-%d");
    let first = ex.first_date.format("%Y-%m-%d");
    let t = p.tracer.short();
    match rng.below(5) {
        0 => format!("PET/CT of {prev}."),
        1 => format!("Prior {t} PET/CT dated {prev}."),
        2 if ex.k >= 2 => format!("PET/CT of {prev} and baseline PET/CT of {first}."),
        3 => format!("{t} PET/CT {prev}."),
        _ => format!("Previous PET/CT of {prev}."),
    }
}

// ---------------------------------------------------------------------------------------------
// Findings
