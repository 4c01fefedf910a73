//! Comparison of two PET/CT studies of one patient, lesion by lesion, with the response.
//!
//! `priors-compare` is pure: it takes two [`Study`]s (findings text plus the lesion records
//! `priors-staging` extracted from it, at ingest for stored reports) and returns a
//! [`Comparison`]. Nothing here reads the current report's own comparison hints ("previously
//! SUVmax 13.3"): every prior value comes from the prior study.
//!
//! 1. **Matching** ([`matching`]): by vocabulary site and side, then by site group when one
//!    candidate is left on each side; several lesions at one site pair by written detail, then
//!    SUVmax rank, and are reported as ambiguous. A prior lesion without a partner is
//!    `resolved` when the current study clears its site ("no residual uptake in …", "no
//!    FDG-avid mediastinal nodes"), otherwise `not_described` (listed as missing). A current
//!    lesion without a partner is `new`.
//! 2. **Lesion status**: SUVmax change by ±30 % (inclusive) → `decreased` / `increased`,
//!    otherwise `stable`; size when neither study gives SUVmax.
//! 3. **Lugano 2014** ([`Framework::Lugano`]): the Deauville score of the current study's
//!    hottest lesion against the current study's own liver and blood-pool references (2 ≤
//!    blood pool, 3 ≤ liver, 4 > liver, 5 > 2× liver or new lesions; 1 when no lesion keeps
//!    uptake), then `PMD` for a new lesion counted as lymphoma or Deauville 4–5 with the
//!    hottest lesion up ≥ 30 % against the prior's hottest; `CMR` for Deauville 1–3; `PMR` for
//!    4–5 down ≥ 30 %; `NMR` otherwise.
//! 4. **PERCIST-style** ([`Framework::Percist`]), on SUVmax as the reports give it (PERCIST
//!    1.0 is defined on SULpeak; the output says so in `measure` and cites the passage):
//!    `PMD` for an unequivocal new lesion or the hottest lesion up ≥ 30 %; `CMR` when no
//!    counted lesion keeps measurable uptake (sites back to background are read as cleared;
//!    no liver threshold, which would misread PSMA and DOTATATE studies); `PMR` for the hottest lesion down ≥ 30 % (the hottest lesion of each study,
//!    which may be a different lesion); `SMD` otherwise.
//!
//! Every decision carries [`Evidence`]: the spans in either study and the guideline passage
//! id. What cannot be decided is a [`Missing`] entry, never a guess.
//!
//! ```
//! use priors_compare::{compare, Framework, Study};
//! let prior = Study::from_text("Mediastinal blood pool SUVmax 2.1; liver SUVmax 2.8. \
//!     Right cervical chain: 8.4 x 5.5 cm conglomerate mass, SUVmax 13.3.");
//! let current = Study::from_text("Liver SUVmax 2.8 and mediastinal blood pool SUVmax 2.1. \
//!     Right cervical chain: residual soft tissue 4.5 x 2.9 cm, SUVmax 2.0.");
//! let c = compare(Framework::Lugano, &prior, &current);
//! assert_eq!(c.deauville, Some(2));
//! assert_eq!(c.response.as_deref(), Some("CMR"));
//! assert_eq!(c.lesions[0].change_pct, Some(-85.0));
//! ```

pub mod case;
pub mod course;
pub mod eval;
pub mod hints;
pub mod html;
pub mod matching;
mod model;
mod prior;
pub mod rules;

pub use model::{
    Comparison, Decision, Evidence, Framework, LesionChange, MatchRule, Missing, References,
    SpanRef, Status, Study, StudyRef, Which,
};
pub use prior::{choose_prior, Against, NoPrior};

use priors_core::{Lesion, LesionRole};
use rules::{ids, Change};

/// What SUVmax stands in for, per framework (the `measure` field).
fn measure(f: Framework) -> &'static str {
    match f {
        Framework::Lugano => "SUVmax as reported, against the current study's liver and mediastinal blood-pool SUVmax (Deauville five-point scale)",
        Framework::Percist => "SUVmax as reported; PERCIST 1.0 is defined on SULpeak (lean-body-mass SUV peak), which reports rarely give, so the 30 % rule is applied to SUVmax",
    }
}

struct Ctx<'a> {
    prior: &'a Study,
    current: &'a Study,
    evidence: Vec<Evidence>,
    missing: Vec<Missing>,
}

impl Ctx<'_> {
    fn span(&self, which: Which, l: &Lesion) -> Option<SpanRef> {
        match which {
            Which::Prior => self.prior.span(which, l.start, l.end),
            Which::Current => self.current.span(which, l.start, l.end),
        }
    }

    fn cite(
        &mut self,
        decision: Decision,
        value: impl Into<String>,
        guideline: &str,
        note: impl Into<String>,
        spans: Vec<SpanRef>,
    ) {
        self.evidence.push(Evidence {
            decision,
            value: value.into(),
            guideline: guideline.to_string(),
            note: note.into(),
            spans,
        });
    }

    fn miss(&mut self, decision: Decision, reason: impl Into<String>) {
        self.missing.push(Missing {
            decision,
            reason: reason.into(),
        });
    }
}

/// The hottest lesion among `ls` with a SUVmax (first of equals).
fn hottest<'a>(ls: &[&'a Lesion]) -> Option<&'a Lesion> {
    ls.iter()
        .copied()
        .filter(|l| l.suv_max.is_some())
        .fold(None, |best: Option<&Lesion>, l| match best {
            Some(b) if b.suv_max >= l.suv_max => Some(b),
            _ => Some(l),
        })
}

fn fmt(v: f32) -> String {
    format!("{v}")
}

/// Compare `current` with `prior` under `framework`, knowing only the two studies.
pub fn compare(framework: Framework, prior: &Study, current: &Study) -> Comparison {
    compare_in_course(framework, prior, current, false)
}

/// Compare `current` with `prior` under `framework`, where `disease_before` says whether any
/// study of the patient up to and including the prior showed disease. A current study without
/// disease after a prior without disease is `CMR` only when there was disease before (a
/// continuing complete response); otherwise there is nothing to respond and the response is
/// left open.
pub fn compare_in_course(
    framework: Framework,
    prior: &Study,
    current: &Study,
    disease_before: bool,
) -> Comparison {
    let mut cx = Ctx {
        prior,
        current,
        evidence: Vec::new(),
        missing: Vec::new(),
    };
    let prior_dis: Vec<&Lesion> = prior.lesions.iter().filter(|l| l.is_disease()).collect();
    let cur_les: Vec<&Lesion> = current
        .lesions
        .iter()
        .filter(|l| l.role == LesionRole::Lesion)
        .collect();
    let cur_dis: Vec<&Lesion> = cur_les.iter().copied().filter(|l| !l.not_disease).collect();
    let cur_other: Vec<&Lesion> = cur_les.iter().copied().filter(|l| l.not_disease).collect();
    let clears: Vec<&Lesion> = current
        .lesions
        .iter()
        .filter(|l| l.role == LesionRole::Clear)
        .collect();
    let refs_of = |role: LesionRole| current.lesions.iter().find(|l| l.role == role);
    let liver = refs_of(LesionRole::LiverReference);
    let pool = refs_of(LesionRole::BloodPoolReference);
    let references = References {
        liver: liver.and_then(|l| l.suv_max),
        blood_pool: pool.and_then(|l| l.suv_max),
    };

    // 1. Pair lesions, give each a status.
    let pairs = matching::pair(&prior_dis, &cur_dis);
    let mut lesions: Vec<LesionChange> = Vec::new();
    let mut ambiguous: Vec<String> = Vec::new();
    for (pi, p) in prior_dis.iter().enumerate() {
        let mine: Vec<(usize, MatchRule)> = pairs
            .iter()
            .filter(|x| x.0 == pi)
            .map(|x| (x.1, x.2))
            .collect();
        for &(ci, rule) in &mine {
            let c = cur_dis[ci];
            let status = rules::status(p.suv_max, c.suv_max, p.size_mm, c.size_mm);
            if rule == MatchRule::Rank {
                ambiguous.push(p.label());
            }
            lesions.push(LesionChange {
                site: p.label(),
                site_key: p.site.clone(),
                status,
                prior_suv_max: p.suv_max,
                current_suv_max: c.suv_max,
                change_pct: match (p.suv_max, c.suv_max) {
                    (Some(a), Some(b)) => rules::pct(a, b),
                    _ => None,
                },
                prior_size_mm: p.size_mm,
                current_size_mm: c.size_mm,
                prior_span: cx.span(Which::Prior, p),
                current_span: cx.span(Which::Current, c),
                matched_by: Some(rule),
                counted: true,
            });
            if status == Status::Indeterminate {
                cx.miss(
                    Decision::Lesion,
                    format!(
                        "{}: neither SUVmax nor size is given on both studies",
                        p.label()
                    ),
                );
            }
        }
        if !mine.is_empty() {
            continue;
        }
        // The statement about this very site first, then one about its whole group.
        let clear = clears
            .iter()
            .find(|c| c.site == p.site && matching::covers(c, p))
            .or_else(|| clears.iter().find(|c| matching::covers(c, p)));
        let status = if clear.is_some() {
            Status::Resolved
        } else {
            cx.miss(
                Decision::Lesion,
                format!(
                    "{} (prior SUVmax {}) is not described on the current study",
                    p.label(),
                    p.suv_max.map_or("not stated".into(), fmt)
                ),
            );
            Status::NotDescribed
        };
        lesions.push(LesionChange {
            site: p.label(),
            site_key: p.site.clone(),
            status,
            prior_suv_max: p.suv_max,
            current_suv_max: None,
            change_pct: None,
            prior_size_mm: p.size_mm,
            current_size_mm: clear.and_then(|c| c.size_mm),
            prior_span: cx.span(Which::Prior, p),
            current_span: clear.and_then(|c| cx.span(Which::Current, c)),
            matched_by: None,
            counted: true,
        });
    }
    if !ambiguous.is_empty() {
        cx.miss(
            Decision::Lesion,
            format!("several lesions at one site on both studies, paired by written detail or SUVmax rank: {}", ambiguous.join("; ")),
        );
    }
    let mut new_lesions: Vec<LesionChange> = Vec::new();
    for (ci, c) in cur_dis.iter().enumerate() {
        if pairs.iter().any(|x| x.1 == ci) {
            continue;
        }
        new_lesions.push(new_change(&cx, c, true));
    }
    for c in &cur_other {
        if !prior
            .lesions
            .iter()
            .any(|p| p.role == LesionRole::Lesion && p.site == c.site)
        {
            new_lesions.push(new_change(&cx, c, false));
        }
    }

    // A new lesion counts for progression when it is disease and FDG-avid: above the current
    // liver reference when both are known.
    let counted_new: Vec<&Lesion> = cur_dis
        .iter()
        .enumerate()
        .filter(|(ci, _)| !pairs.iter().any(|x| x.1 == *ci))
        .map(|(_, c)| *c)
        .filter(|c| {
            // A further lesion at a site the prior already showed involved is new only when
            // the report says so ("liver metastases" on the prior, two liver lesions now).
            c.new
                || !prior_dis
                    .iter()
                    .any(|p| p.site == c.site || p.group == c.group && p.site == p.group)
        })
        .filter(|c| match (c.suv_max, references.liver) {
            // Lymphoma: avid means above the liver (Deauville 4-5). PERCIST-style reads
            // every tracer (PSMA and DOTATATE lesions may sit below the liver).
            (Some(s), Some(l)) if framework == Framework::Lugano => {
                rules::tenths(s) > rules::tenths(l)
            }
            (Some(_), _) => true,
            // Without a SUVmax only the report's own "new" makes it unequivocal.
            (None, _) => c.new,
        })
        .collect();
    for n in &mut new_lesions {
        if n.counted {
            n.counted = counted_new
                .iter()
                .any(|c| cx.span(Which::Current, c) == n.current_span);
        }
    }

    // 2. Deauville and response.
    let (deauville, response) = match framework {
        Framework::Lugano => lugano(
            &mut cx,
            &prior_dis,
            &cur_dis,
            &counted_new,
            &clears,
            liver,
            pool,
            disease_before,
        ),
        Framework::Percist => (
            None,
            percist(&mut cx, &prior_dis, &cur_dis, &counted_new, disease_before),
        ),
    };
    Comparison {
        framework,
        measure: measure(framework).to_string(),
        response,
        deauville,
        prior: prior.id.clone(),
        current: current.id.clone(),
        references,
        lesions,
        new_lesions,
        evidence: cx.evidence,
        missing: cx.missing,
    }
}

/// The hottest lesion now against the hottest lesion before: values, percent change, the two
/// spans, and the ±30 % class.
fn hottest_change(
    cx: &Ctx<'_>,
    prior: &Lesion,
    current: &Lesion,
) -> (f32, f32, f32, Vec<SpanRef>, Option<Change>) {
    let (hv, pv) = (current.suv_max.unwrap_or(0.0), prior.suv_max.unwrap_or(0.0));
    let pct = rules::pct(pv, hv).unwrap_or(0.0);
    let spans: Vec<SpanRef> = [
        cx.span(Which::Prior, prior),
        cx.span(Which::Current, current),
    ]
    .into_iter()
    .flatten()
    .collect();
    (hv, pv, pct, spans, rules::change(pv, hv))
}

fn new_change(cx: &Ctx<'_>, c: &Lesion, counted: bool) -> LesionChange {
    LesionChange {
        site: c.label(),
        site_key: c.site.clone(),
        status: Status::New,
        prior_suv_max: None,
        current_suv_max: c.suv_max,
        change_pct: None,
        prior_size_mm: None,
        current_size_mm: c.size_mm,
        prior_span: None,
        current_span: cx.span(Which::Current, c),
        matched_by: None,
        counted,
    }
}

#[allow(clippy::too_many_arguments)]
fn lugano(
    cx: &mut Ctx<'_>,
    prior_dis: &[&Lesion],
    cur_dis: &[&Lesion],
    counted_new: &[&Lesion],
    clears: &[&Lesion],
    liver: Option<&Lesion>,
    pool: Option<&Lesion>,
    disease_before: bool,
) -> (Option<u8>, Option<String>) {
    let ref_spans = |cx: &Ctx<'_>| -> Vec<SpanRef> {
        liver
            .iter()
            .chain(pool.iter())
            .filter_map(|l| cx.span(Which::Current, l))
            .collect()
    };
    let hot = hottest(cur_dis);
    // Deauville as a range (lo, hi): decided when lo == hi.
    let ds: Option<(u8, u8)> = if let Some(n) = counted_new.first() {
        let mut spans: Vec<SpanRef> = counted_new
            .iter()
            .filter_map(|c| cx.span(Which::Current, c))
            .collect();
        spans.extend(ref_spans(cx));
        cx.cite(
            Decision::Deauville,
            "5",
            ids::DS[4],
            format!(
                "new lesion(s) on the current study ({}): score 5",
                n.label()
            ),
            spans,
        );
        Some((5, 5))
    } else if let Some(h) = hot {
        let v = h.suv_max.unwrap_or(0.0);
        let lv = liver.and_then(|l| l.suv_max);
        let pv = pool.and_then(|l| l.suv_max);
        match rules::deauville(v, lv, pv) {
            Some((lo, hi)) => {
                let mut spans: Vec<SpanRef> = cx.span(Which::Current, h).into_iter().collect();
                spans.extend(ref_spans(cx));
                let note = format!(
                    "hottest lesion SUVmax {} ({}) against liver {} and blood pool {}",
                    fmt(v),
                    h.label(),
                    lv.map_or("not given".into(), fmt),
                    pv.map_or("not given".into(), fmt),
                );
                if lo == hi {
                    cx.cite(
                        Decision::Deauville,
                        lo.to_string(),
                        ids::DS[usize::from(lo) - 1],
                        note,
                        spans,
                    );
                } else {
                    cx.miss(
                        Decision::Deauville,
                        format!("{note}: no blood-pool reference, so {lo} or {hi}"),
                    );
                }
                Some((lo, hi))
            }
            None => {
                cx.miss(
                    Decision::Deauville,
                    format!("the current study gives no liver reference SUVmax; the hottest lesion (SUVmax {}) cannot be scored against the prior study's liver", fmt(v)),
                );
                None
            }
        }
    } else if let Some(l) = cur_dis.first() {
        cx.miss(
            Decision::Deauville,
            format!("{} is described without SUVmax", l.label()),
        );
        None
    } else {
        let spans: Vec<SpanRef> = clears
            .iter()
            .filter_map(|c| cx.span(Which::Current, c))
            .collect();
        if prior_dis.is_empty() && !disease_before {
            cx.miss(
                Decision::Deauville,
                "neither study shows lymphoma: Deauville scores residual disease after treatment",
            );
            None
        } else {
            cx.cite(
                Decision::Deauville,
                "1",
                ids::DS[0],
                "no lesion with uptake on the current study",
                spans,
            );
            Some((1, 1))
        }
    };
    let deauville = ds.filter(|(lo, hi)| lo == hi).map(|(lo, _)| lo);
    let Some((lo, hi)) = ds else {
        cx.miss(Decision::Response, "the response needs the Deauville score");
        return (deauville, None);
    };
    if let Some(n) = counted_new.first() {
        let spans = cx.span(Which::Current, n).into_iter().collect();
        cx.cite(
            Decision::Response,
            "PMD",
            ids::LUGANO_PMD,
            format!(
                "new FDG-avid lesion ({}) consistent with lymphoma",
                n.label()
            ),
            spans,
        );
        return (deauville, Some("PMD".into()));
    }
    if hi <= 3 {
        let spans = hot
            .and_then(|h| cx.span(Which::Current, h))
            .into_iter()
            .collect();
        cx.cite(
            Decision::Response,
            "CMR",
            ids::LUGANO_CMR,
            format!(
                "Deauville {} with no new lesions",
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            ),
            spans,
        );
        return (deauville, Some("CMR".into()));
    }
    let (Some(h), Some(p)) = (hot, hottest(prior_dis)) else {
        cx.miss(Decision::Response, format!("Deauville {lo} but the prior study has no lesion with SUVmax: PMR, NMR and PMD cannot be told apart"));
        return (deauville, None);
    };
    let (hv, pv, pct, spans, change) = hottest_change(cx, p, h);
    let (r, g, what) = match change {
        Some(Change::Up) => ("PMD", ids::LUGANO_PMD, "increased"),
        Some(Change::Down) => ("PMR", ids::LUGANO_PMR, "reduced"),
        _ => ("NMR", ids::LUGANO_NMR, "without significant change"),
    };
    cx.cite(Decision::Response, r, g, format!("Deauville {lo} with uptake {what}: hottest lesion SUVmax {} vs {} on the prior ({pct:+.1}%)", fmt(hv), fmt(pv)), spans);
    (deauville, Some(r.into()))
}

fn percist(
    cx: &mut Ctx<'_>,
    prior_dis: &[&Lesion],
    cur_dis: &[&Lesion],
    counted_new: &[&Lesion],
    disease_before: bool,
) -> Option<String> {
    if let Some(n) = counted_new.first() {
        let spans = counted_new
            .iter()
            .filter_map(|c| cx.span(Which::Current, c))
            .collect();
        cx.cite(
            Decision::Response,
            "PMD",
            ids::PERCIST_PMD,
            format!("new FDG-avid lesion ({}) on the current study", n.label()),
            spans,
        );
        return Some("PMD".into());
    }
    // Lesions that keep measurable uptake (the report describes a lesion with a SUVmax; a
    // site back to background is written as such and read as cleared).
    let active: Vec<&Lesion> = cur_dis
        .iter()
        .copied()
        .filter(|l| l.suv_max.is_some())
        .collect();
    let unmeasured: Vec<&Lesion> = cur_dis
        .iter()
        .copied()
        .filter(|l| l.suv_max.is_none())
        .collect();
    let Some(h) = hottest(&active) else {
        if let Some(u) = unmeasured.first() {
            cx.miss(
                Decision::Response,
                format!("{} is described without SUVmax", u.label()),
            );
            return None;
        }
        let spans: Vec<SpanRef> = cur_dis
            .iter()
            .filter_map(|c| cx.span(Which::Current, c))
            .collect();
        if prior_dis.is_empty() && !disease_before {
            cx.miss(Decision::Response, "neither study shows measurable disease: a complete metabolic response presupposes disease before");
            return None;
        }
        let note = if prior_dis.is_empty() {
            "no lesion with measurable uptake on the current study, as on the prior: continuing complete response"
        } else {
            "every lesion of the prior study back to background uptake, no new lesion"
        };
        cx.cite(Decision::Response, "CMR", ids::PERCIST_CMR, note, spans);
        return Some("CMR".into());
    };
    let Some(p) = hottest(prior_dis) else {
        cx.miss(
            Decision::Response,
            "the prior study has no lesion with SUVmax to compare the hottest lesion with",
        );
        return None;
    };
    let (hv, pv, pct, spans, change) = hottest_change(cx, p, h);
    let (r, g) = match change {
        Some(Change::Up) => ("PMD", ids::PERCIST_PMD),
        Some(Change::Down) => ("PMR", ids::PERCIST_PMR),
        _ => ("SMD", ids::PERCIST_SMD),
    };
    cx.cite(
        Decision::Response,
        r,
        g,
        format!(
            "hottest lesion SUVmax {} ({}) vs {} ({}) on the prior: {pct:+.1}%",
            fmt(hv),
            h.label(),
            fmt(pv),
            p.label()
        ),
        spans.clone(),
    );
    cx.cite(
        Decision::Response,
        r,
        ids::PERCIST_MEASURE,
        measure(Framework::Percist),
        spans,
    );
    Some(r.into())
}
