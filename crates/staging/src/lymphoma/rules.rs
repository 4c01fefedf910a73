//! The Lugano 2014 rules: stage from the distribution of disease, Deauville score, metabolic
//! response.

use super::{
    Change, Extranodal, ExtranodalSite, LuganoStage, LymphomaFeatures, NewLesion, NodalRegion,
    Response, ScoreRange,
};
use crate::common::{Category, Evidence, Grounds};
use crate::passage::ids;
use crate::span::{Found, Span};

fn stage_guideline(s: LuganoStage) -> &'static str {
    match s {
        LuganoStage::I => ids::LUGANO_I,
        LuganoStage::IE => ids::LUGANO_IE,
        LuganoStage::II => ids::LUGANO_II,
        LuganoStage::IIE => ids::LUGANO_IIE,
        LuganoStage::III => ids::LUGANO_III,
        LuganoStage::IV => ids::LUGANO_IV,
    }
}

fn ds_guideline(score: u8) -> &'static str {
    match score {
        1 => ids::DS1,
        2 => ids::DS2,
        3 => ids::DS3,
        4 => ids::DS4,
        _ => ids::DS5,
    }
}

/// Why a stage: the deciding span, a note, and a further passage that explains the step.
pub type StageReason = (Span, String, Option<&'static str>);

/// The Lugano stage from the anatomical distribution of disease, with the spans that decide it.
pub fn lugano_stage(f: &LymphomaFeatures) -> Option<(LuganoStage, Vec<StageReason>)> {
    use LuganoStage::*;
    // Distinct regions; a paired region without a side merges with a sided one.
    let mut regions: Vec<(NodalRegion, &Span)> = Vec::new();
    for n in &f.nodal {
        let r = n.value;
        let dup = regions.iter_mut().find(|(x, _)| {
            x.region == r.region
                && (!r.region.paired() || x.side == r.side || x.side.is_none() || r.side.is_none())
        });
        match dup {
            Some((x, _)) => {
                if x.side.is_none() {
                    x.side = r.side;
                }
            }
            None => regions.push((r, &n.span)),
        }
    }
    let above: Vec<&(NodalRegion, &Span)> = regions
        .iter()
        .filter(|r| r.0.region.above_diaphragm())
        .collect();
    let below: Vec<&(NodalRegion, &Span)> = regions
        .iter()
        .filter(|r| !r.0.region.above_diaphragm())
        .collect();
    let region_note = |r: &NodalRegion| {
        let side = r.side.map_or(String::new(), |s| format!("{} ", s.as_str()));
        let where_ = if r.region.above_diaphragm() {
            "above"
        } else {
            "below"
        };
        format!("{side}{} region, {where_} the diaphragm", r.region.label())
    };
    // Stage IV: marrow, liver, any extranodal lesion not contiguous with nodes.
    let mut iv: Vec<StageReason> = Vec::new();
    if let Some(m) = &f.marrow {
        iv.push((
            m.clone(),
            "bone marrow involvement".into(),
            Some(ids::LUGANO_MARROW),
        ));
    }
    let no_nodes = regions.is_empty() && f.spleen.is_none();
    let single_extranodal = no_nodes
        && f.extranodal.len() == 1
        && !f.extranodal[0].value.multiple
        && f.extranodal[0].value.site != ExtranodalSite::Liver;
    for e in &f.extranodal {
        let x = e.value;
        if x.site == ExtranodalSite::Liver {
            iv.push((
                e.span.clone(),
                "liver involvement".into(),
                Some(ids::LUGANO_EXTRANODAL),
            ));
        } else if (!x.contiguous || x.multiple) && !single_extranodal {
            let what = format!("{:?} involvement not contiguous with nodal disease", x.site)
                .to_lowercase();
            iv.push((e.span.clone(), what, Some(ids::LUGANO_EXTRANODAL)));
        }
    }
    if !iv.is_empty() {
        return Some((IV, iv));
    }
    if !above.is_empty() && (!below.is_empty() || f.spleen.is_some()) {
        let mut why: Vec<StageReason> = vec![(above[0].1.clone(), region_note(&above[0].0), None)];
        match (below.first(), &f.spleen) {
            (Some(b), _) => why.push((b.1.clone(), region_note(&b.0), None)),
            (None, Some(s)) => why.push((
                s.clone(),
                "spleen involved with nodes above the diaphragm".into(),
                Some(ids::LUGANO_SPLEEN),
            )),
            _ => {}
        }
        return Some((III, why));
    }
    let contiguous: Vec<&Found<Extranodal>> =
        f.extranodal.iter().filter(|e| e.value.contiguous).collect();
    let count = regions.len() + usize::from(f.spleen.is_some());
    if count >= 1 {
        let merged = f.nodal.len() > regions.len();
        let mut why: Vec<StageReason> = regions
            .iter()
            .take(2)
            .map(|r| {
                (
                    r.1.clone(),
                    region_note(&r.0),
                    merged.then_some(ids::LUGANO_REGIONS),
                )
            })
            .collect();
        if let Some(s) = &f.spleen {
            if why.len() < 2 {
                why.push((
                    s.clone(),
                    "spleen (a lymphatic region below the diaphragm)".into(),
                    Some(ids::LUGANO_SPLEEN),
                ));
            }
        }
        if let Some(e) = contiguous.first() {
            why.push((
                e.span.clone(),
                "limited extranodal extension contiguous with nodal disease".into(),
                Some(ids::LUGANO_EXTRANODAL),
            ));
            return Some((IIE, why));
        }
        return Some((if count >= 2 { II } else { I }, why));
    }
    if single_extranodal {
        let e = &f.extranodal[0];
        return Some((
            IE,
            vec![(
                e.span.clone(),
                "a single extranodal lesion without nodal involvement".into(),
                None,
            )],
        ));
    }
    None
}

/// What the Lugano rules decided for one [`LymphomaFeatures`]: the stage, Deauville score and
/// response, and their grounds (`answer` turns it into a `StagingAnswer`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LymphomaDecision {
    /// The Lugano stage, if decided (on a response scan: the baseline stage, if stated).
    pub(crate) stage: Option<LuganoStage>,
    /// The Deauville score, if decided (response scans only).
    pub(crate) deauville: Option<u8>,
    /// The metabolic response, if decided (response scans only).
    pub(crate) response: Option<Response>,
    /// Evidence, missing information and notes.
    pub(crate) grounds: Grounds,
}

/// Apply the Lugano 2014 rules to the features.
pub(crate) fn decide_lymphoma(f: &LymphomaFeatures) -> LymphomaDecision {
    let mut dec = LymphomaDecision::default();
    let a = &mut dec.grounds;
    for d in &f.disregarded {
        a.note(format!("not counted: \"{}\" ({})", d.span.text, d.value));
    }
    let response_scan = f.timepoint.as_ref().is_some_and(|t| t.value.is_response());
    if response_scan {
        match &f.stated_stage {
            Some(s) => {
                dec.stage = Some(s.value);
                let note = "baseline stage as stated in the report (the stage is set at baseline and not changed by response)";
                a.cite(Evidence::new(Category::Stage, s.value.as_str(), &s.span, stage_guideline(s.value), note));
                a.cite(Evidence::new(Category::Stage, s.value.as_str(), &s.span, ids::LUGANO_TIMING, note));
            }
            None => a.miss(Category::Stage, "baseline Lugano stage not stated (this is a response scan; stage is assigned at baseline)"),
        }
        decide_response(f, &mut dec);
        return dec;
    }
    match lugano_stage(f) {
        Some((stage, why)) => {
            dec.stage = Some(stage);
            for (span, note, also) in why {
                a.cite(Evidence::new(
                    Category::Stage,
                    stage.as_str(),
                    &span,
                    stage_guideline(stage),
                    note.clone(),
                ));
                if let Some(g) = also {
                    a.cite(Evidence::new(
                        Category::Stage,
                        stage.as_str(),
                        &span,
                        g,
                        note,
                    ));
                }
            }
            if stage != LuganoStage::IV && f.marrow.is_none() {
                a.miss(Category::Stage, "bone marrow status not described (focal marrow involvement would make it stage IV)");
            }
            if let Some(s) = &f.stated_stage {
                if s.value != stage {
                    a.note(format!(
                        "the text states stage {} (\"{}\"); the findings give {stage}",
                        s.value, s.span.text
                    ));
                }
            }
        }
        None => match &f.stated_stage {
            Some(s) => {
                dec.stage = Some(s.value);
                a.cite(Evidence::new(
                    Category::Stage,
                    s.value.as_str(),
                    &s.span,
                    stage_guideline(s.value),
                    "stated in the text; the findings do not describe the sites of disease",
                ));
            }
            None => a.miss(
                Category::Stage,
                "no involved nodal region or extranodal site described",
            ),
        },
    }
    dec
}

/// The Deauville score, or the range the text leaves open.
enum Score {
    /// Decided: score and the deciding span.
    Decided(u8, Span),
    /// Open between `min` and `max` (both 1-3 or both 4-5 still decide the response).
    Open(ScoreRange, Span),
    /// Nothing usable.
    Unknown,
}

/// Deauville from the features: stated score, then verbal descriptions, then SUV ratios; new
/// lymphoma lesions make it 5.
fn decide_deauville(f: &LymphomaFeatures, a: &mut Grounds) -> Score {
    let new: Vec<&Found<NewLesion>> = f.new_lesions.iter().filter(|n| n.value.lymphoma).collect();
    for x in f.new_lesions.iter().filter(|n| !n.value.lymphoma) {
        a.note(format!("Deauville X: \"{}\" is new uptake unlikely to be lymphoma and is not counted as progression ({})", x.span.text, ids::DSX));
    }
    if let Some(s) = &f.deauville_stated {
        let v = s.value;
        a.cite(Evidence::new(
            Category::Deauville,
            v.to_string(),
            &s.span,
            ds_guideline(v),
            "Deauville score stated in the report",
        ));
        return Score::Decided(v, s.span.clone());
    }
    if let Some(n) = new.first() {
        a.cite(Evidence::new(
            Category::Deauville,
            "5",
            &n.span,
            ids::DS5,
            "new lesion(s) consistent with lymphoma score 5",
        ));
        return Score::Decided(5, n.span.clone());
    }
    // Each description is one site; the score is that of the hottest site. The floor is the
    // highest minimum, the ceiling the highest maximum; decided when they meet.
    let mut sites: Vec<(ScoreRange, Span, String)> = f
        .uptake
        .iter()
        .map(|u| {
            (
                u.value,
                u.span.clone(),
                "uptake described against the mediastinal blood pool and liver".to_string(),
            )
        })
        .collect();
    sites.extend(numeric_score(f));
    let (Some(lo), Some(hi)) = (
        sites.iter().map(|x| x.0.min).max(),
        sites.iter().map(|x| x.0.max).max(),
    ) else {
        a.miss(
            Category::Deauville,
            "residual uptake not described against the mediastinal blood pool and liver",
        );
        return Score::Unknown;
    };
    if lo == hi {
        let mut first = None;
        for (r, span, note) in sites.iter().filter(|x| x.0.min == lo && x.0.max == lo) {
            a.cite(Evidence::new(
                Category::Deauville,
                r.min.to_string(),
                span,
                ds_guideline(r.min),
                note.clone(),
            ));
            first.get_or_insert_with(|| span.clone());
        }
        if let Some(span) = first {
            return Score::Decided(lo, span);
        }
    }
    let open = sites
        .iter()
        .filter(|x| x.0.max == hi)
        .max_by_key(|x| x.0.min);
    let span = open
        .map(|x| x.1.clone())
        .unwrap_or_else(|| sites[0].1.clone());
    let what = open.map_or(String::new(), |x| x.1.text.clone());
    let detail = if lo >= 4 {
        "the degree of uptake above liver is not stated (moderately = 4, markedly = 5, often put at 2-3 times liver)"
    } else {
        "the uptake relative to the mediastinal blood pool and liver is not stated"
    };
    a.miss(
        Category::Deauville,
        format!("\"{what}\" leaves Deauville between {lo} and {hi}: {detail}"),
    );
    Score::Open(ScoreRange { min: lo, max: hi }, span)
}

fn numeric_score(f: &LymphomaFeatures) -> Option<(ScoreRange, Span, String)> {
    let l = f.suv_lesion.as_ref()?;
    let liver = f.suv_liver.as_ref()?;
    let med = f.suv_mediastinum.as_ref().map(|m| m.value);
    let ratio = l.value / liver.value;
    let (min, max) = if med.is_some_and(|m| l.value <= m) {
        (2, 2)
    } else if l.value <= liver.value {
        if med.is_some() {
            (3, 3)
        } else {
            (2, 3)
        }
    } else if ratio <= 2.0 {
        (4, 4)
    } else if ratio >= 3.0 {
        (5, 5)
    } else {
        // "Markedly higher" is often put at 2-3 times the liver: inside that band the words
        // of the report, not the number, have to decide between 4 and 5.
        (4, 5)
    };
    let note = format!(
        "lesion SUVmax {} vs liver {}{} ({ratio:.1}x liver)",
        l.value,
        liver.value,
        med.map_or(String::new(), |m| format!(" and blood pool {m}"))
    );
    Some((ScoreRange { min, max }, l.span.clone(), note))
}

fn decide_response(f: &LymphomaFeatures, dec: &mut LymphomaDecision) {
    let a = &mut dec.grounds;
    // The response needs only to know whether the score is 1-3 or 4-5.
    let (ds, ds_span, ds_text) = match decide_deauville(f, a) {
        Score::Decided(v, span) => {
            dec.deauville = Some(v);
            (v, span, v.to_string())
        }
        Score::Open(r, span) if r.max <= 3 || r.min >= 4 => {
            (r.max, span, format!("{}-{}", r.min, r.max))
        }
        _ => {
            a.miss(Category::Response, "response needs the Deauville score");
            return;
        }
    };
    if ds <= 3 {
        dec.response = Some(Response::CMR);
        a.cite(Evidence::new(
            Category::Response,
            "CMR",
            &ds_span,
            ids::CMR,
            format!("Deauville {ds_text} (1-3) with no new lymphoma lesions"),
        ));
        if let Some(s) = &f.no_new_lesions {
            a.cite(Evidence::new(
                Category::Response,
                "CMR",
                s,
                ids::CMR,
                "no new lesions",
            ));
        }
        return;
    }
    if let Some(n) = f.new_lesions.iter().find(|n| n.value.lymphoma) {
        dec.response = Some(Response::PMD);
        a.cite(Evidence::new(
            Category::Response,
            "PMD",
            &n.span,
            ids::PMD,
            format!("new FDG-avid lesion(s) consistent with lymphoma, Deauville {ds_text}"),
        ));
        return;
    }
    let strongest = f.change.iter().max_by_key(|c| match c.value {
        Change::Increased => 2,
        Change::Decreased => 1,
        Change::Unchanged => 0,
    });
    match strongest {
        _ if f.no_baseline.is_some() => {
            let s = f.no_baseline.as_ref().map(|s| s.text.clone()).unwrap_or_default();
            a.miss(Category::Response, format!("no baseline for comparison (\"{s}\"): with Deauville {ds_text}, PMR, NMR and PMD cannot be told apart"));
        }
        Some(c) if c.value == Change::Increased => {
            dec.response = Some(Response::PMD);
            a.cite(Evidence::new(Category::Response, "PMD", &c.span, ids::PMD, format!("Deauville {ds_text} with uptake increased from baseline")));
        }
        Some(c) => {
            let (r, g, what) = match c.value {
                Change::Decreased => (Response::PMR, ids::PMR, "reduced from baseline"),
                _ => (Response::NMR, ids::NMR, "without significant change from baseline"),
            };
            dec.response = Some(r);
            a.cite(Evidence::new(Category::Response, r.as_str(), &c.span, g, format!("Deauville {ds_text} with uptake {what}")));
        }
        None => a.miss(Category::Response, format!("change in uptake against baseline not described (Deauville {ds_text}: reduced = PMR, unchanged = NMR, increased = PMD)")),
    }
}

/// Apply the Lugano response rules only (Deauville and response), whatever the timepoint.
pub(crate) fn response_only(f: &LymphomaFeatures) -> LymphomaDecision {
    let mut dec = LymphomaDecision::default();
    decide_response(f, &mut dec);
    dec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::Side;
    use crate::lymphoma::Region;

    fn sp(t: &str) -> Span {
        Span {
            start: 0,
            end: t.len(),
            text: t.into(),
        }
    }

    fn node(region: Region, side: Option<Side>) -> Found<NodalRegion> {
        Found::new(NodalRegion { region, side }, sp("node"))
    }

    fn ext(site: ExtranodalSite, contiguous: bool, multiple: bool) -> Found<Extranodal> {
        Found::new(
            Extranodal {
                site,
                contiguous,
                multiple,
            },
            sp("ext"),
        )
    }

    #[test]
    fn stage_table() {
        use ExtranodalSite as X;
        use LuganoStage::*;
        use Region::*;
        let l = Some(Side::Left);
        let r = Some(Side::Right);
        struct Case {
            nodal: Vec<Found<NodalRegion>>,
            spleen: bool,
            ext: Vec<Found<Extranodal>>,
            marrow: bool,
            want: Option<LuganoStage>,
        }
        let c = |nodal, spleen, ext, marrow, want| Case {
            nodal,
            spleen,
            ext,
            marrow,
            want,
        };
        let cases = vec![
            c(vec![node(Cervical, l)], false, vec![], false, Some(I)),
            c(
                vec![node(Cervical, l), node(Cervical, None)],
                false,
                vec![],
                false,
                Some(I),
            ),
            c(
                vec![node(Cervical, l), node(Cervical, r)],
                false,
                vec![],
                false,
                Some(II),
            ),
            c(
                vec![node(Mediastinal, None), node(Hilar, r)],
                false,
                vec![],
                false,
                Some(II),
            ),
            c(
                vec![node(Mediastinal, None)],
                false,
                vec![ext(X::Lung, true, false)],
                false,
                Some(IIE),
            ),
            c(
                vec![node(Mediastinal, None), node(Cervical, r)],
                false,
                vec![ext(X::Lung, true, false)],
                false,
                Some(IIE),
            ),
            c(
                vec![node(Axillary, l), node(ParaAortic, None)],
                false,
                vec![],
                false,
                Some(III),
            ),
            c(vec![node(Cervical, l)], true, vec![], false, Some(III)),
            c(vec![node(ParaAortic, None)], true, vec![], false, Some(II)),
            c(
                vec![node(Cervical, l), node(ParaAortic, None)],
                false,
                vec![ext(X::Pericardium, true, false)],
                false,
                Some(III),
            ),
            c(
                vec![node(Mediastinal, None)],
                false,
                vec![ext(X::Lung, false, false)],
                false,
                Some(IV),
            ),
            c(vec![node(Mediastinal, None)], false, vec![], true, Some(IV)),
            c(
                vec![node(ParaAortic, None)],
                false,
                vec![ext(X::Liver, false, false)],
                false,
                Some(IV),
            ),
            c(
                vec![],
                false,
                vec![ext(X::Stomach, false, false)],
                false,
                Some(IE),
            ),
            c(
                vec![],
                false,
                vec![ext(X::Bone, false, true)],
                false,
                Some(IV),
            ),
            c(
                vec![],
                false,
                vec![ext(X::Bone, false, false), ext(X::Lung, false, false)],
                false,
                Some(IV),
            ),
            c(
                vec![],
                false,
                vec![ext(X::Liver, false, false)],
                false,
                Some(IV),
            ),
            c(vec![], false, vec![], false, None),
        ];
        for (k, case) in cases.into_iter().enumerate() {
            let f = LymphomaFeatures {
                nodal: case.nodal,
                spleen: case.spleen.then(|| sp("spleen")),
                extranodal: case.ext,
                marrow: case.marrow.then(|| sp("marrow")),
                ..Default::default()
            };
            assert_eq!(lugano_stage(&f).map(|s| s.0), case.want, "case {k}");
        }
    }

    #[test]
    fn numeric_deauville() {
        let num = |v: f64| Some(Found::new(v, sp("n")));
        // (lesion, blood pool, liver, range)
        type Case = (f64, Option<f64>, f64, (u8, u8));
        let cases: &[Case] = &[
            (1.5, Some(1.9), 2.7, (2, 2)),
            (2.5, Some(1.9), 2.7, (3, 3)),
            (3.4, Some(1.9), 2.7, (4, 4)),
            (5.4, Some(1.9), 2.7, (4, 4)),
            (6.5, Some(1.9), 2.7, (4, 5)),
            (9.8, None, 2.2, (5, 5)),
            (2.5, None, 2.7, (2, 3)),
        ];
        for &(lesion, med, liver, want) in cases {
            let f = LymphomaFeatures {
                suv_lesion: num(lesion),
                suv_mediastinum: med.and_then(num),
                suv_liver: num(liver),
                ..Default::default()
            };
            let r = numeric_score(&f).unwrap().0;
            assert_eq!((r.min, r.max), want, "{lesion} {med:?} {liver}");
        }
    }
}
