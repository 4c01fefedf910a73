//! The clinical model behind the text: patients, lesions, time points and how disease evolves.
//!
//! A patient is built once (cancer type, histology, baseline lesions, stage, therapy), then each
//! examination evolves the lesions (treatment response, progression, recurrence) before the
//! report is rendered. Labels are derived from the lesion numbers after evolution, so they
//! always agree with what the text says.

use crate::rng::Rng;

/// The cancer types are the shared vocabulary ([`priors_core::CancerType`]).
pub(crate) use priors_core::CancerType as Cancer;

/// Radiotracer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tracer {
    Fdg,
    Psma11,
    Dcfpyl,
    Dotatate,
}

impl Tracer {
    /// The `tracer` field of the record.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Tracer::Fdg => "FDG",
            Tracer::Psma11 | Tracer::Dcfpyl => "PSMA",
            Tracer::Dotatate => "DOTATATE",
        }
    }

    /// Word used before "-avid" and in negations.
    pub(crate) fn short(self) -> &'static str {
        match self {
            Tracer::Fdg => "FDG",
            Tracer::Psma11 | Tracer::Dcfpyl => "PSMA",
            Tracer::Dotatate => "DOTATATE",
        }
    }

    /// Below this SUV (tenths) a lesion is no longer called active.
    pub(crate) fn floor(self) -> u32 {
        match self {
            Tracer::Fdg => 25,
            Tracer::Psma11 | Tracer::Dcfpyl => 30,
            Tracer::Dotatate => 40,
        }
    }
}

/// Findings sub-sections, in report order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Region {
    HeadNeck,
    Chest,
    AbdPelvis,
    Msk,
}

/// All regions in the order they are written.
pub(crate) const REGIONS: [Region; 4] = [
    Region::HeadNeck,
    Region::Chest,
    Region::AbdPelvis,
    Region::Msk,
];

/// Time point of an examination in the patient's course.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Timepoint {
    Staging,
    Interim,
    EndOfTreatment,
    Surveillance,
    Recurrence,
}

impl Timepoint {
    /// The `timepoint` label.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Timepoint::Staging => "staging",
            Timepoint::Interim => "interim",
            Timepoint::EndOfTreatment => "end_of_treatment",
            Timepoint::Surveillance => "surveillance",
            Timepoint::Recurrence => "recurrence",
        }
    }
}

/// First-line treatment modality.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// Resection first; the first follow-up shows post-surgical changes.
    Surgery,
    /// (Chemo)radiotherapy; treated sites become fibrosis.
    Radiation,
    /// Systemic therapy with interim and end-of-treatment scans.
    Systemic,
    /// Observation (no treatment, or indolent disease on surveillance).
    Watch,
}

/// How response scans tend to go.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Bias {
    Lymphoma,
    Solid,
    Indolent,
}

/// What happens to the lesions between two examinations.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Evo {
    Baseline,
    Resect,
    Complete,
    Partial,
    Stable,
    Progress,
    Recur,
}

/// State of a lesion at an examination.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum State {
    /// Visible, avid disease.
    Active,
    /// Lymphoma residual mass with uptake at or below liver (Deauville 2–3).
    Residual,
    /// No longer avid.
    Resolved,
    /// Surgically removed.
    Resected,
}

/// Morphology of a lesion, which decides its noun.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shape {
    Node,
    Mass,
    Nodule,
    Lesion,
    Consolidation,
    Thickening,
    Diffuse,
    Effusion,
}

/// Size and uptake of a lesion at one examination.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Snap {
    pub(crate) long: u32,
    pub(crate) short: u32,
    pub(crate) suv: u32,
}

/// One lesion (or a group of similar lesions in one organ).
#[derive(Clone, Debug)]
pub(crate) struct Lesion {
    /// Label site (snake_case).
    pub(crate) site: &'static str,
    /// Findings sub-section.
    pub(crate) region: Region,
    pub(crate) shape: Shape,
    /// More than one: a group written as "multiple … the largest …".
    pub(crate) count: u32,
    /// Location phrase, used after "in the".
    pub(crate) loc: String,
    /// Where the index lesion of a group is ("in segment VII").
    pub(crate) sub: Option<String>,
    /// Short noun phrase for the impression ("station 4R node").
    pub(crate) tag: String,
    /// Morphology adjective ("spiculated", "lytic").
    pub(crate) desc: Option<&'static str>,
    /// Trailing clause written at baseline ("abutting but not invading the chest wall").
    pub(crate) qual: Option<String>,
    /// Greatest and perpendicular dimension in mm; `long == 0` means not measured.
    pub(crate) long: u32,
    pub(crate) short: u32,
    /// SUVmax in tenths.
    pub(crate) suv: u32,
    /// Node: quote the short axis.
    pub(crate) nodal: bool,
    pub(crate) primary: bool,
    pub(crate) state: State,
    /// Values and state at the previous examination (`None`: new at this one).
    pub(crate) prev: Option<Snap>,
    pub(crate) prev_state: Option<State>,
    /// Values at baseline (first appearance).
    pub(crate) base: Snap,
}

/// What a new lesion is, by name: the arguments of [`Lesion::new`].
#[derive(Clone, Debug)]
pub(crate) struct LesionSpec {
    /// Label site (snake_case).
    pub(crate) site: &'static str,
    /// Findings sub-section.
    pub(crate) region: Region,
    pub(crate) shape: Shape,
    /// Location phrase, used after "in the".
    pub(crate) loc: String,
    /// Short noun phrase for the impression.
    pub(crate) tag: String,
    /// Dimensions in mm (either order; `0` means not measured).
    pub(crate) long: u32,
    pub(crate) short: u32,
    /// SUVmax in tenths.
    pub(crate) suv: u32,
}

impl Lesion {
    /// A single active lesion, measured at baseline; chain the builder methods for the rest.
    pub(crate) fn new(spec: LesionSpec) -> Self {
        let LesionSpec {
            site,
            region,
            shape,
            loc,
            tag,
            long,
            short,
            suv,
        } = spec;
        let (long, short) = if short > long {
            (short, long)
        } else {
            (long, short)
        };
        Lesion {
            site,
            region,
            shape,
            count: 1,
            loc,
            sub: None,
            tag,
            desc: None,
            qual: None,
            long,
            short,
            suv,
            nodal: shape == Shape::Node,
            primary: false,
            state: State::Active,
            prev: None,
            prev_state: None,
            base: Snap { long, short, suv },
        }
    }

    pub(crate) fn primary(mut self) -> Self {
        self.primary = true;
        self
    }

    pub(crate) fn desc(mut self, d: &'static str) -> Self {
        self.desc = Some(d);
        self
    }

    pub(crate) fn qual(mut self, q: impl Into<String>) -> Self {
        self.qual = Some(q.into());
        self
    }

    pub(crate) fn group(mut self, n: u32, sub: impl Into<String>) -> Self {
        self.count = n;
        let s: String = sub.into();
        self.sub = if s.is_empty() { None } else { Some(s) };
        self
    }

    pub(crate) fn snap(&self) -> Snap {
        Snap {
            long: self.long,
            short: self.short,
            suv: self.suv,
        }
    }

    /// Avid disease at this examination.
    pub(crate) fn active(&self) -> bool {
        self.state == State::Active
    }

    /// Was avid (or residual) at the previous examination.
    pub(crate) fn was_present(&self) -> bool {
        matches!(self.prev_state, Some(State::Active) | Some(State::Residual))
    }

    /// Appeared (or came back) at this examination.
    pub(crate) fn is_new(&self) -> bool {
        self.active()
            && matches!(
                self.prev_state,
                None | Some(State::Resolved) | Some(State::Resected)
            )
    }

    fn scale_size(&mut self, rng: &mut Rng, lo: u32, hi: u32) {
        if self.long == 0 {
            return;
        }
        let p = rng.range(lo, hi);
        self.long = ((self.long * p + 50) / 100).max(4);
        self.short = ((self.short * p + 50) / 100).clamp(3, self.long);
    }
}

/// Treatment course.
#[derive(Clone, Debug)]
pub(crate) struct Therapy {
    pub(crate) mode: Mode,
    /// First-line regimen in words.
    pub(crate) first: String,
    /// Cycles (or months, see `unit`) before an interim scan.
    pub(crate) interim_cycles: u32,
    /// `cycles` or `months`.
    pub(crate) unit: &'static str,
    /// Treatment after recurrence or progression.
    pub(crate) salvage: String,
    /// Operation, when surgery is part of the plan.
    pub(crate) surgery: Option<String>,
    /// Neoadjuvant therapy then surgery after the end-of-treatment scan.
    pub(crate) surgery_after: bool,
    /// Surgical bed where local recurrence appears, and its site label.
    pub(crate) bed: Option<(String, &'static str)>,
}

impl Therapy {
    pub(crate) fn new(mode: Mode, first: impl Into<String>) -> Self {
        Therapy {
            mode,
            first: first.into(),
            interim_cycles: 3,
            unit: "cycles",
            salvage: "second-line therapy".to_string(),
            surgery: None,
            surgery_after: false,
            bed: None,
        }
    }
}

/// Everything fixed about a synthetic patient, plus the lesions as they evolve.
#[derive(Clone, Debug)]
pub(crate) struct Patient {
    pub(crate) cancer: Cancer,
    pub(crate) male: bool,
    pub(crate) age: u32,
    pub(crate) tracer: Tracer,
    pub(crate) histology: String,
    pub(crate) stage: Option<String>,
    /// Staging indications (one is chosen per report).
    pub(crate) dx: Vec<String>,
    /// Diagnosis as a noun phrase for follow-up indications.
    pub(crate) dx_short: String,
    pub(crate) therapy: Therapy,
    pub(crate) bias: Bias,
    pub(crate) lesions: Vec<Lesion>,
    /// Findings written only at staging (specific negations, extra descriptions).
    pub(crate) staging_notes: Vec<(Region, String)>,
    /// Impression at staging.
    pub(crate) staging_imp: Vec<String>,
    /// Stable incidental findings, written on every report.
    pub(crate) incidentals: Vec<(Region, String)>,
    /// Vertex-to-toes acquisition (melanoma).
    pub(crate) whole_body: bool,
    /// Lymphoma reference SUVs (tenths): mediastinal blood pool, liver.
    pub(crate) lymph_ref: Option<(u32, u32)>,
    /// DOTATATE reference SUVs (tenths): liver, spleen.
    pub(crate) sstr_ref: Option<(u32, u32)>,
    /// Reasons for a recurrence scan.
    pub(crate) triggers: Vec<String>,
    /// Follow-up indications (benign mimics).
    pub(crate) followup_ind: Vec<String>,
    /// What the benign process is called in follow-up impressions.
    pub(crate) process: String,
    /// Benign scenario number (selects wording).
    pub(crate) scenario: u32,
    /// Immunotherapy (immune-related mimics on follow-up).
    pub(crate) immunotherapy: bool,
    /// Some disease has been seen on an earlier examination.
    pub(crate) ever_disease: bool,
}

impl Patient {
    /// A patient with empty clinical content, to be filled by a builder.
    pub(crate) fn blank(cancer: Cancer, tracer: Tracer, male: bool, age: u32) -> Self {
        Patient {
            cancer,
            male,
            age,
            tracer,
            histology: String::new(),
            stage: None,
            dx: Vec::new(),
            dx_short: String::new(),
            therapy: Therapy::new(Mode::Watch, "observation"),
            bias: if cancer.family() == priors_core::CancerFamily::Lymphoma {
                Bias::Lymphoma
            } else {
                Bias::Solid
            },
            lesions: Vec::new(),
            staging_notes: Vec::new(),
            staging_imp: Vec::new(),
            incidentals: Vec::new(),
            whole_body: false,
            lymph_ref: None,
            sstr_ref: None,
            triggers: Vec::new(),
            followup_ind: Vec::new(),
            process: String::new(),
            scenario: 0,
            immunotherapy: false,
            ever_disease: false,
        }
    }

    pub(crate) fn any_active(&self) -> bool {
        self.lesions.iter().any(Lesion::active)
    }

    /// Sites with avid disease now, de-duplicated in order of first appearance.
    pub(crate) fn active_sites(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in self.lesions.iter().filter(|l| l.active()) {
            if !out.iter().any(|s| s == l.site) {
                out.push(l.site.to_string());
            }
        }
        out
    }

    /// The patient already has a lesion (in any state) at `loc`.
    pub(crate) fn has_lesion_at(&self, loc: &str) -> bool {
        self.lesions.iter().any(|o| o.loc == loc)
    }

    /// Add a new lesion. A lesion at the location of a resolved one brings it back (recurrence
    /// at a previously involved site); one at an active location is refused.
    pub(crate) fn add_new(&mut self, l: Lesion) -> bool {
        if let Some(old) = self.lesions.iter_mut().find(|o| o.loc == l.loc) {
            if matches!(old.state, State::Resolved | State::Resected) && !old.primary {
                old.state = State::Active;
                old.long = l.long;
                old.short = l.short;
                old.suv = l.suv;
                return true;
            }
            return false;
        }
        self.lesions.push(l);
        true
    }
}

/// One planned examination.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    pub(crate) tp: Timepoint,
    pub(crate) evo: Evo,
    /// Days since the previous examination.
    pub(crate) gap: u32,
    /// Deauville score aimed at (lymphoma); the final score is derived from the lesions.
    pub(crate) ds_hint: u8,
    /// Follows treatment given for recurrence or progression.
    pub(crate) salvage: bool,
}

/// Plan the examinations of a patient: time points, intended evolution, intervals.
pub(crate) fn plan(p: &Patient, n: usize, rng: &mut Rng) -> Vec<Step> {
    let mut steps = vec![Step {
        tp: Timepoint::Staging,
        evo: Evo::Baseline,
        gap: 0,
        ds_hint: 0,
        salvage: false,
    }];
    let mut free = !p.any_active();
    let mut last = Timepoint::Staging;
    let mut salvage = false;
    let mut operated = false;
    let lymph = p.bias == Bias::Lymphoma;
    while steps.len() < n {
        let (tp, evo, gap): (Timepoint, Evo, u32) = if p.cancer.is_benign() {
            let e = rng.weighted(&[(Evo::Complete, 45), (Evo::Partial, 45), (Evo::Stable, 10)]);
            (Timepoint::Surveillance, e, rng.range(42, 240))
        } else if free {
            let recur = match last {
                Timepoint::Surveillance => 45,
                Timepoint::Staging => 25,
                _ => 25,
            };
            if rng.pct(recur) {
                (Timepoint::Recurrence, Evo::Recur, rng.range(100, 420))
            } else if last == Timepoint::Interim {
                (Timepoint::EndOfTreatment, Evo::Complete, rng.range(56, 120))
            } else {
                (Timepoint::Surveillance, Evo::Complete, rng.range(150, 400))
            }
        } else {
            let responses = |rng: &mut Rng, tp: Timepoint| -> Evo {
                match (p.bias, tp) {
                    (Bias::Lymphoma, Timepoint::Interim) => rng.weighted(&[
                        (Evo::Complete, 55),
                        (Evo::Partial, 30),
                        (Evo::Stable, 8),
                        (Evo::Progress, 7),
                    ]),
                    (Bias::Lymphoma, _) => rng.weighted(&[
                        (Evo::Complete, 72),
                        (Evo::Partial, 16),
                        (Evo::Progress, 12),
                    ]),
                    (Bias::Indolent, _) => rng.weighted(&[
                        (Evo::Complete, 8),
                        (Evo::Partial, 22),
                        (Evo::Stable, 52),
                        (Evo::Progress, 18),
                    ]),
                    (Bias::Solid, Timepoint::Interim) => rng.weighted(&[
                        (Evo::Complete, 12),
                        (Evo::Partial, 48),
                        (Evo::Stable, 22),
                        (Evo::Progress, 18),
                    ]),
                    (Bias::Solid, _) => rng.weighted(&[
                        (Evo::Complete, 40),
                        (Evo::Partial, 32),
                        (Evo::Stable, 12),
                        (Evo::Progress, 16),
                    ]),
                }
            };
            match last {
                Timepoint::Staging => match p.therapy.mode {
                    Mode::Surgery => {
                        let tp = if rng.pct(25) {
                            Timepoint::EndOfTreatment
                        } else {
                            Timepoint::Surveillance
                        };
                        operated = true;
                        (tp, Evo::Resect, rng.range(70, 160))
                    }
                    Mode::Watch => {
                        let e = rng.weighted(&[(Evo::Stable, 70), (Evo::Progress, 30)]);
                        (Timepoint::Surveillance, e, rng.range(150, 300))
                    }
                    Mode::Radiation => {
                        let tp = Timepoint::EndOfTreatment;
                        (tp, responses(rng, tp), rng.range(120, 200))
                    }
                    Mode::Systemic => {
                        let interim = if lymph { 80 } else { 60 };
                        if rng.pct(interim) {
                            let tp = Timepoint::Interim;
                            (tp, responses(rng, tp), rng.range(42, 90))
                        } else {
                            let tp = Timepoint::EndOfTreatment;
                            (tp, responses(rng, tp), rng.range(120, 210))
                        }
                    }
                },
                Timepoint::Interim => {
                    if rng.pct(65) {
                        let tp = Timepoint::EndOfTreatment;
                        (tp, responses(rng, tp), rng.range(56, 130))
                    } else {
                        let tp = Timepoint::Interim;
                        (tp, responses(rng, tp), rng.range(56, 100))
                    }
                }
                Timepoint::EndOfTreatment if p.therapy.surgery_after && !operated => {
                    operated = true;
                    (Timepoint::Surveillance, Evo::Resect, rng.range(90, 200))
                }
                Timepoint::EndOfTreatment | Timepoint::Surveillance => {
                    if rng.pct(50) {
                        salvage = true;
                        let tp = Timepoint::Interim;
                        (tp, responses(rng, tp), rng.range(60, 120))
                    } else {
                        let e = rng.weighted(&[
                            (Evo::Stable, 45),
                            (Evo::Partial, 20),
                            (Evo::Progress, 35),
                        ]);
                        (Timepoint::Surveillance, e, rng.range(120, 300))
                    }
                }
                Timepoint::Recurrence => {
                    let tp = if rng.pct(60) {
                        Timepoint::Interim
                    } else {
                        Timepoint::EndOfTreatment
                    };
                    (tp, responses(rng, tp), rng.range(56, 130))
                }
            }
        };
        // Continuous treatments (endocrine therapy, targeted agents, somatostatin analogues)
        // have no end: their restaging scans are interim scans.
        let tp = if tp == Timepoint::EndOfTreatment
            && p.therapy.unit == "months"
            && evo != Evo::Resect
            && !salvage
        {
            Timepoint::Interim
        } else {
            tp
        };
        if tp == Timepoint::Recurrence {
            salvage = true;
        }
        let ds_hint = match (lymph, evo) {
            (false, _) => 0,
            (true, Evo::Complete) if tp == Timepoint::Surveillance => {
                rng.weighted(&[(1u8, 50), (2, 40), (3, 10)])
            }
            (true, Evo::Complete) => rng.weighted(&[(1u8, 25), (2, 35), (3, 40)]),
            (true, Evo::Partial) => rng.weighted(&[(4u8, 80), (5, 20)]),
            (true, Evo::Stable) => rng.weighted(&[(4u8, 50), (5, 50)]),
            (true, _) => 5,
        };
        free = match evo {
            Evo::Resect | Evo::Complete => true,
            Evo::Baseline => free,
            _ => false,
        };
        steps.push(Step {
            tp,
            evo,
            gap,
            ds_hint,
            salvage: salvage && tp != Timepoint::Recurrence,
        });
        last = tp;
    }
    steps
}

/// Labels derived from the lesions at one examination.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) response: Option<&'static str>,
    pub(crate) deauville: Option<u8>,
    /// Largest SUV (tenths) of avid disease at the previous and at this examination.
    pub(crate) prev_max: u32,
    pub(crate) cur_max: u32,
}

/// Apply the evolution of one step to the patient's lesions.
pub(crate) fn evolve(
    p: &mut Patient,
    step: &Step,
    rng: &mut Rng,
    spread: fn(&Patient, &mut Rng) -> Option<Lesion>,
) {
    p.ever_disease |= p.any_active();
    for l in &mut p.lesions {
        l.prev = Some(l.snap());
        l.prev_state = Some(l.state);
    }
    let floor = p.tracer.floor();
    let lref = p.lymph_ref;
    let mut evo = step.evo;
    if matches!(evo, Evo::Partial | Evo::Stable | Evo::Progress) && !p.any_active() {
        // Nothing left to respond or progress: either remission continues or disease returns.
        evo = if evo == Evo::Progress {
            Evo::Recur
        } else {
            Evo::Complete
        };
    }
    match evo {
        Evo::Baseline => {}
        Evo::Resect => {
            for l in &mut p.lesions {
                if matches!(l.state, State::Active | State::Residual) {
                    l.state = State::Resected;
                }
            }
        }
        Evo::Complete => complete(p, step.ds_hint, rng),
        Evo::Partial => {
            let hottest = hottest(p);
            let benign = p.cancer.is_benign();
            for (i, l) in p.lesions.iter_mut().enumerate() {
                if !l.active() {
                    continue;
                }
                l.suv = rng.scale(l.suv, 35, 62);
                l.scale_size(rng, 55, 88);
                if Some(i) != hottest && l.suv < floor + 5 && (benign || rng.pct(60)) {
                    l.state = State::Resolved;
                }
            }
            if let (Some((mbp, liver)), Some(h)) = (lref, hottest) {
                // Lymphoma: residual uptake above liver (Deauville 4–5), at least 30 % lower.
                let prev = p.lesions[h].prev.map(|s| s.suv).unwrap_or(0);
                let cap = prev * 65 / 100;
                let (lo, hi) = if step.ds_hint == 5 {
                    (2 * liver + 3, 3 * liver)
                } else {
                    (liver + 3, 2 * liver - 1)
                };
                if cap >= lo {
                    p.lesions[h].suv = rng.range(lo, hi.min(cap).max(lo));
                    let top = p.lesions[h].suv;
                    for l in p.lesions.iter_mut() {
                        if l.active() && l.suv > top {
                            l.suv = top;
                        }
                    }
                } else {
                    complete(p, 3, rng);
                }
                let _ = mbp;
            }
        }
        Evo::Stable => {
            for l in p.lesions.iter_mut().filter(|l| l.active()) {
                l.suv = rng.scale(l.suv, 90, 110);
                l.scale_size(rng, 95, 106);
            }
        }
        Evo::Progress => {
            let hottest = hottest(p);
            for (i, l) in p.lesions.iter_mut().enumerate() {
                if !l.active() {
                    continue;
                }
                l.suv = if Some(i) == hottest {
                    rng.scale(l.suv, 132, 175)
                } else {
                    rng.scale(l.suv, 100, 140)
                };
                l.scale_size(rng, 110, 140);
            }
            if rng.pct(70) {
                let n = rng.range(1, 2);
                add_spread(p, rng, spread, n);
            }
        }
        Evo::Recur => {
            let mut added = 0;
            if rng.pct(35) {
                added += local_recurrence(p, rng);
            }
            let want = rng.range(1, 3).saturating_sub(added).max(1);
            if added == 0 || rng.pct(50) {
                add_spread(p, rng, spread, want);
            }
            if !p.any_active() {
                // Every candidate site was taken: fall back to a local recurrence.
                if local_recurrence(p, rng) == 0 {
                    if let Some(l) = p.lesions.iter_mut().find(|l| l.state != State::Active) {
                        l.state = State::Active;
                        l.suv = l.base.suv.max(floor + 10);
                    }
                }
            }
        }
    }
    normalise(p);
}

fn add_spread(
    p: &mut Patient,
    rng: &mut Rng,
    spread: fn(&Patient, &mut Rng) -> Option<Lesion>,
    n: u32,
) {
    let mut added = 0;
    let mut tries = 0;
    while added < n && tries < 12 {
        tries += 1;
        if let Some(l) = spread(p, rng) {
            if p.add_new(l) {
                added += 1;
            }
        }
    }
}

/// The primary comes back at its site (or its surgical bed). Returns 1 if it did.
fn local_recurrence(p: &mut Patient, rng: &mut Rng) -> u32 {
    let bed = p.therapy.bed.clone();
    let floor = p.tracer.floor();
    let Some(l) = p
        .lesions
        .iter_mut()
        .find(|l| l.primary && matches!(l.state, State::Resolved | State::Resected))
    else {
        return 0;
    };
    if l.state == State::Resected {
        if let Some((loc, site)) = bed {
            l.loc = loc;
            l.site = site;
            l.tag = "local recurrence".to_string();
            l.sub = None;
            l.count = 1;
        }
    }
    l.state = State::Active;
    l.suv = rng.scale(l.base.suv, 45, 85).max(floor + 15);
    l.long = rng
        .scale(l.base.long, 35, 70)
        .max(if l.base.long > 0 { 8 } else { 0 });
    l.short = rng
        .scale(l.long, 60, 85)
        .max(if l.long > 0 { 5 } else { 0 });
    1
}

/// Everything avid or residual resolves; a lymphoma may keep one residual mass (Deauville 2–3).
fn complete(p: &mut Patient, ds_hint: u8, rng: &mut Rng) {
    let residual = match p.lymph_ref {
        Some(_) if ds_hint >= 2 => p
            .lesions
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l.state, State::Active | State::Residual) && l.long > 0)
            .max_by_key(|(i, l)| (l.long, usize::MAX - i))
            .map(|(i, _)| i),
        _ => None,
    };
    let lref = p.lymph_ref;
    for (i, l) in p.lesions.iter_mut().enumerate() {
        if !matches!(l.state, State::Active | State::Residual) {
            continue;
        }
        if Some(i) == residual {
            let (mbp, liver) = lref.unwrap_or((20, 28));
            if l.state == State::Active {
                l.scale_size(rng, 35, 65);
            }
            l.state = State::Residual;
            l.suv = if ds_hint == 2 {
                rng.range(mbp.saturating_sub(4).max(10), mbp)
            } else {
                rng.range(mbp + 1, liver)
            };
        } else {
            if l.state == State::Active {
                l.scale_size(rng, 30, 60);
            }
            l.state = State::Resolved;
            l.suv = 0;
        }
    }
}

fn hottest(p: &Patient) -> Option<usize> {
    p.lesions
        .iter()
        .enumerate()
        .filter(|(_, l)| l.active())
        .max_by_key(|(i, l)| (l.suv, usize::MAX - i))
        .map(|(i, _)| i)
}

/// Keep states coherent with the numbers: faint lesions are not "active".
fn normalise(p: &mut Patient) {
    let floor = p.tracer.floor();
    let lref = p.lymph_ref;
    for l in &mut p.lesions {
        if l.state != State::Active {
            continue;
        }
        match lref {
            Some((mbp, liver)) => {
                if l.suv <= liver {
                    if l.suv > mbp && l.long > 0 {
                        l.state = State::Residual;
                    } else {
                        l.state = State::Resolved;
                        l.suv = 0;
                    }
                }
            }
            None => {
                if l.suv < floor {
                    l.state = State::Resolved;
                    l.suv = 0;
                }
            }
        }
    }
}

/// Response and Deauville labels for the current examination (index `k` in the course).
pub(crate) fn outcome(p: &Patient, k: usize) -> Outcome {
    let prev_max = p
        .lesions
        .iter()
        .filter(|l| l.was_present())
        .filter_map(|l| l.prev.map(|s| s.suv))
        .max()
        .unwrap_or(0);
    let cur_max = p
        .lesions
        .iter()
        .filter(|l| l.active())
        .map(|l| l.suv)
        .max()
        .unwrap_or(0);
    let mut out = Outcome {
        response: None,
        deauville: None,
        prev_max,
        cur_max,
    };
    if k == 0 || p.cancer.is_benign() {
        return out;
    }
    let new = p.lesions.iter().any(Lesion::is_new);
    let ratio = (cur_max * 100).checked_div(prev_max).unwrap_or(100);
    if let Some((mbp, liver)) = p.lymph_ref {
        let residual_max = p
            .lesions
            .iter()
            .filter(|l| l.state == State::Residual)
            .map(|l| l.suv)
            .max();
        let ds = if new || cur_max > 2 * liver {
            5
        } else if cur_max > 0 {
            4
        } else {
            match residual_max {
                Some(v) if v > mbp => 3,
                Some(_) => 2,
                None => 1,
            }
        };
        out.deauville = Some(ds);
        out.response = Some(if new || (cur_max > 0 && ratio >= 130) {
            "PMD"
        } else if ds <= 3 {
            "CMR"
        } else if ratio <= 70 {
            "PMR"
        } else {
            "NMR"
        });
    } else {
        out.response = if new {
            Some("PMD")
        } else if cur_max == 0 {
            if p.ever_disease {
                Some("CMR")
            } else {
                None
            }
        } else if ratio <= 70 {
            Some("PMR")
        } else if ratio >= 130 {
            Some("PMD")
        } else {
            Some("SMD")
        };
    }
    out
}
