//! The answer: categories, the evidence behind each, and what the text did not say.
//!
//! This is where the two rule sets meet: [`stage_lung_features`] and
//! [`stage_lymphoma_features`] run the rules of `lung` and `lymphoma` and assemble what they
//! decided into one [`StagingAnswer`]. Neither rule set knows this type.

use priors_core::{CancerType, StagingFramework};
use serde::{Deserialize, Serialize};

use crate::common::{Category, Evidence, Grounds, Missing};
use crate::lung::{
    decide_lung, LungDecision, LungFeatures, LungStage, MCategory, NCategory, TCategory,
};
use crate::lymphoma::{
    decide_lymphoma, response_only, LuganoStage, LymphomaDecision, LymphomaFeatures, Response,
};

/// Which staging system applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cancer {
    /// Non-small cell lung cancer: AJCC 8th edition TNM.
    Lung,
    /// Lymphoma: Lugano 2014 stage, Deauville score and metabolic response.
    Lymphoma,
}

impl Cancer {
    /// `lung` or `lymphoma`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cancer::Lung => "lung",
            Cancer::Lymphoma => "lymphoma",
        }
    }

    /// Parse `lung` / `lymphoma` (as the CLI's `--cancer` takes them).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lung" | "nsclc" => Some(Cancer::Lung),
            "lymphoma" => Some(Cancer::Lymphoma),
            _ => None,
        }
    }

    /// The staging system of a cancer type, from its framework in the shared vocabulary
    /// ([`priors_core::CancerType::staging`]: AJCC lung for `nsclc`, Lugano for the
    /// lymphomas); `None` for the others and the benign mimics.
    pub fn for_cancer_type(cancer_type: CancerType) -> Option<Self> {
        match cancer_type.staging()? {
            StagingFramework::AjccLung => Some(Cancer::Lung),
            StagingFramework::Lugano => Some(Cancer::Lymphoma),
        }
    }
}

/// The stage in either system; serialises as its spelling (`IIIA`, `IIE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Stage {
    /// AJCC 8th lung stage group.
    Lung(LungStage),
    /// Lugano stage.
    Lugano(LuganoStage),
}

impl Stage {
    /// The spelling, e.g. `IIIA` or `IIE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lung(s) => s.as_str(),
            Stage::Lugano(s) => s.as_str(),
        }
    }
}

/// The staging answer for one text. Serialises to exactly the keys `cancer`, `t`, `n`, `m`,
/// `stage`, `deauville`, `response`, `evidence`, `missing`, plus `notes`; categories that do
/// not apply to the cancer, or that the text does not decide, are `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagingAnswer {
    /// Which system was applied.
    pub cancer: Cancer,
    /// AJCC 8th T (lung only).
    pub t: Option<TCategory>,
    /// AJCC 8th N (lung only).
    pub n: Option<NCategory>,
    /// AJCC 8th M (lung only).
    pub m: Option<MCategory>,
    /// Stage group (lung) or Lugano stage (lymphoma).
    pub stage: Option<Stage>,
    /// Deauville score 1–5 (lymphoma response scans only).
    pub deauville: Option<u8>,
    /// Lugano metabolic response (lymphoma response scans only).
    pub response: Option<Response>,
    /// For every non-null category, at least one entry.
    pub evidence: Vec<Evidence>,
    /// What the text does not say, per category.
    pub missing: Vec<Missing>,
    /// Other remarks: findings deliberately not counted (mimics, equivocal findings), values
    /// the report states that differ from the rules.
    pub notes: Vec<String>,
}

/// Apply the AJCC 8th rules to the features.
pub fn stage_lung_features(f: &LungFeatures) -> StagingAnswer {
    StagingAnswer::from_lung(decide_lung(f))
}

/// Apply the Lugano 2014 rules to the features.
pub fn stage_lymphoma_features(f: &LymphomaFeatures) -> StagingAnswer {
    StagingAnswer::from_lymphoma(decide_lymphoma(f))
}

/// Apply the Lugano response rules only (Deauville and response), whatever the timepoint.
pub(crate) fn stage_lymphoma_response(f: &LymphomaFeatures) -> StagingAnswer {
    StagingAnswer::from_lymphoma(response_only(f))
}

impl StagingAnswer {
    fn from_lung(d: LungDecision) -> Self {
        let Grounds {
            evidence,
            missing,
            notes,
        } = d.grounds;
        StagingAnswer {
            cancer: Cancer::Lung,
            t: d.t,
            n: d.n,
            m: d.m,
            stage: d.stage.map(Stage::Lung),
            deauville: None,
            response: None,
            evidence,
            missing,
            notes,
        }
    }

    fn from_lymphoma(d: LymphomaDecision) -> Self {
        let Grounds {
            evidence,
            missing,
            notes,
        } = d.grounds;
        StagingAnswer {
            cancer: Cancer::Lymphoma,
            t: None,
            n: None,
            m: None,
            stage: d.stage.map(Stage::Lugano),
            deauville: d.deauville,
            response: d.response,
            evidence,
            missing,
            notes,
        }
    }

    /// The value of a category as its JSON spelling, if set.
    pub fn value_of(&self, category: Category) -> Option<String> {
        match category {
            Category::T => self.t.map(|v| v.as_str().to_string()),
            Category::N => self.n.map(|v| v.as_str().to_string()),
            Category::M => self.m.map(|v| v.as_str().to_string()),
            Category::Stage => self.stage.map(|v| v.as_str().to_string()),
            Category::Deauville => self.deauville.map(|v| v.to_string()),
            Category::Response => self.response.map(|v| v.as_str().to_string()),
        }
    }

    /// The categories that apply to this answer's cancer.
    pub fn categories(&self) -> &'static [Category] {
        match self.cancer {
            Cancer::Lung => &[Category::T, Category::N, Category::M, Category::Stage],
            Cancer::Lymphoma => &[Category::Stage, Category::Deauville, Category::Response],
        }
    }

    /// Evidence entries for one category.
    pub fn evidence_for(&self, category: Category) -> impl Iterator<Item = &Evidence> {
        self.evidence.iter().filter(move |e| e.category == category)
    }

    /// Check the grounding invariant against the input: every non-null category has at least
    /// one evidence entry whose span is non-empty and is the input at `start..end`, and whose
    /// guideline id is one the rules may cite. Returns one line per violation.
    pub fn grounding_errors(&self, input: &str) -> Vec<String> {
        let mut out = Vec::new();
        for &c in self.categories() {
            if let Some(v) = self.value_of(c) {
                if self.evidence_for(c).next().is_none() {
                    out.push(format!("{} = {v} has no evidence", c.as_str()));
                }
            }
        }
        for e in &self.evidence {
            if self.value_of(e.category).as_deref() != Some(e.value.as_str()) {
                out.push(format!(
                    "{} evidence for {} but the answer is {:?}",
                    e.category.as_str(),
                    e.value,
                    self.value_of(e.category)
                ));
            }
            let at = input.get(e.start..e.end);
            if e.span.is_empty() || at != Some(e.span.as_str()) {
                out.push(format!(
                    "{} evidence span {:?} is not the input at {}..{}",
                    e.category.as_str(),
                    e.span,
                    e.start,
                    e.end
                ));
            }
            if !crate::passage::CITED_GUIDELINE_IDS.contains(&e.guideline.as_str()) {
                out.push(format!("unknown guideline id {:?}", e.guideline));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancer_types_map_to_systems() {
        let mapped: Vec<(&str, Cancer)> = CancerType::ALL
            .into_iter()
            .filter_map(|t| Cancer::for_cancer_type(t).map(|c| (t.id(), c)))
            .collect();
        assert_eq!(
            mapped,
            [
                ("nsclc", Cancer::Lung),
                ("hodgkin_lymphoma", Cancer::Lymphoma),
                ("dlbcl", Cancer::Lymphoma),
                ("follicular_lymphoma", Cancer::Lymphoma),
            ]
        );
        assert_eq!(Cancer::parse(" Lung "), Some(Cancer::Lung));
        assert_eq!(Cancer::parse("breast"), None);
    }

    #[test]
    fn answer_serialises_to_the_cli_keys() {
        let a = crate::stage(Cancer::Lymphoma, "Interim PET, stage IIE DLBCL. Residual uptake moderately above liver, reduced from baseline. No new lesions.");
        let v = serde_json::to_value(&a).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "cancer",
                "deauville",
                "evidence",
                "m",
                "missing",
                "n",
                "notes",
                "response",
                "stage",
                "t"
            ]
        );
        let text = serde_json::to_string(&a).unwrap();
        assert!(
            text.starts_with(r#"{"cancer":"lymphoma","t":null,"n":null,"m":null,"stage":"IIE","deauville":4,"response":"PMR","evidence":["#),
            "{text}"
        );
        assert_eq!(v["cancer"], "lymphoma");
        assert_eq!(v["stage"], "IIE");
        assert_eq!(v["deauville"], 4);
        assert_eq!(v["response"], "PMR");
        assert!(v["t"].is_null() && v["n"].is_null() && v["m"].is_null());
        let e = &v["evidence"][0];
        for k in [
            "category",
            "value",
            "span",
            "start",
            "end",
            "guideline",
            "note",
        ] {
            assert!(e.get(k).is_some(), "evidence lacks {k}");
        }
        // Round trip.
        let back: StagingAnswer = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }
}

/// The lung rules through [`stage_lung_features`] (moved from `lung`, which no longer knows
/// [`StagingAnswer`]).
#[cfg(test)]
mod lung_rules {
    use super::*;
    use crate::common::Side;
    use crate::lung::{NodeSide, NodeSite, Station, Structure};
    use crate::span::{Found, Span};
    use NCategory::*;
    use TCategory::*;

    fn sp(text: &str) -> Span {
        Span {
            start: 0,
            end: text.len(),
            text: text.into(),
        }
    }

    #[test]
    fn node_laterality_table() {
        use NodeSide as S;
        use Station as St;
        let r = Some(Side::Right);
        let l = Some(Side::Left);
        type Case = (St, Option<S>, Option<Side>, Option<NCategory>);
        let cases: &[Case] = &[
            (St::Hilar, Some(S::Right), r, Some(N1)),
            (St::Hilar, Some(S::Left), r, Some(N3)),
            (St::Hilar, Some(S::Bilateral), l, Some(N3)),
            (St::Hilar, None, r, None),
            (St::Interlobar, Some(S::Ipsilateral), None, Some(N1)),
            (St::LowerParatracheal, Some(S::Right), l, Some(N3)),
            (St::LowerParatracheal, Some(S::Left), l, Some(N2)),
            (St::Subcarinal, None, l, Some(N2)),
            (St::Subaortic, None, r, Some(N3)),
            (St::ParaAortic, None, l, Some(N2)),
            (St::Subaortic, None, None, None),
            (St::Supraclavicular, Some(S::Left), r, Some(N3)),
            (St::Mediastinal, Some(S::Contralateral), None, Some(N3)),
            (St::Mediastinal, None, r, None),
        ];
        for &(station, side, primary, want) in cases {
            let f = LungFeatures {
                primary_side: primary.map(|p| Found::new(p, sp("p"))),
                nodes: vec![Found::new(NodeSite { station, side }, sp("node"))],
                ..Default::default()
            };
            let a = stage_lung_features(&f);
            assert_eq!(a.n, want, "{station:?} {side:?} primary {primary:?}");
            if want.is_none() {
                assert!(
                    a.missing.iter().any(|m| m.category == Category::N),
                    "{:?}",
                    a.missing
                );
            }
        }
    }

    #[test]
    fn t_features_and_size_combine() {
        use Structure as S;
        let cases: &[(Option<f64>, &[S], Option<TCategory>)] = &[
            (Some(45.0), &[S::VisceralPleura], Some(T2b)),
            (Some(25.0), &[S::VisceralPleura], Some(T2a)),
            (None, &[S::MainBronchus], Some(T2a)),
            (Some(25.0), &[S::ChestWall], Some(T3)),
            (Some(75.0), &[S::ChestWall], Some(T4)),
            (Some(15.0), &[S::Carina, S::VisceralPleura], Some(T4)),
            (None, &[S::PhrenicNerve], Some(T3)),
            (None, &[], None),
        ];
        for &(size, structures, want) in cases {
            let f = LungFeatures {
                size_mm: size.map(|v| Found::new(v, sp("size"))),
                invasion: structures
                    .iter()
                    .map(|&s| Found::new(s, sp("inv")))
                    .collect(),
                ..Default::default()
            };
            assert_eq!(stage_lung_features(&f).t, want, "{size:?} {structures:?}");
        }
    }
}

/// The Lugano response rules through [`stage_lymphoma_features`] (moved from `lymphoma`, which
/// no longer knows [`StagingAnswer`]).
#[cfg(test)]
mod lymphoma_rules {
    use super::*;
    use crate::lymphoma::{Change, NewLesion, ScoreRange, Timepoint};
    use crate::span::{Found, Span};

    fn sp(t: &str) -> Span {
        Span {
            start: 0,
            end: t.len(),
            text: t.into(),
        }
    }

    #[test]
    fn response_table() {
        use Change::*;
        let range = |v: u8| Found::new(ScoreRange { min: v, max: v }, sp("uptake"));
        // (score, change, new lymphoma lesion, no baseline, response)
        type Case = (u8, Option<Change>, bool, bool, Option<Response>);
        let cases: &[Case] = &[
            (1, None, false, false, Some(Response::CMR)),
            (3, Some(Unchanged), false, false, Some(Response::CMR)),
            (4, Some(Decreased), false, false, Some(Response::PMR)),
            (5, Some(Decreased), false, false, Some(Response::PMR)),
            (4, Some(Unchanged), false, false, Some(Response::NMR)),
            (4, Some(Increased), false, false, Some(Response::PMD)),
            (4, Some(Decreased), true, false, Some(Response::PMD)),
            (4, None, false, false, None),
            (4, Some(Decreased), false, true, None),
            (4, Some(Increased), true, true, Some(Response::PMD)),
            (4, None, false, true, None),
        ];
        for &(ds, change, new, no_baseline, want) in cases {
            let f = LymphomaFeatures {
                timepoint: Some(Found::new(Timepoint::Interim, sp("interim"))),
                uptake: vec![range(ds)],
                change: change
                    .map(|c| Found::new(c, sp("change")))
                    .into_iter()
                    .collect(),
                new_lesions: if new {
                    vec![Found::new(NewLesion { lymphoma: true }, sp("new"))]
                } else {
                    vec![]
                },
                no_baseline: no_baseline.then(|| sp("no baseline")),
                ..Default::default()
            };
            let a = stage_lymphoma_features(&f);
            assert_eq!(
                a.response, want,
                "DS {ds} {change:?} new {new} no-baseline {no_baseline}"
            );
            assert_eq!(a.deauville, Some(if new { 5 } else { ds }));
        }
    }
}
