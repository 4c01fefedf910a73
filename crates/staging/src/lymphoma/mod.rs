//! Lugano 2014: stage, Deauville score and metabolic response, from [`LymphomaFeatures`].
//!
//! This file holds the categories and the features; `rules` decides the stage, the Deauville
//! score and the response (a `LymphomaDecision`, which `answer` turns into a `StagingAnswer`);
//! `extract` reads text into features (`sites` for staging, `response` for response scans).
//! Like `lung`, it imports `common` and the text utilities, never `lung` or `answer`.

use serde::{Deserialize, Serialize};

use crate::common::{spelled_enum, Side};
use crate::span::{Found, Span};

pub(crate) mod extract;
mod rules;

pub use crate::common::Timepoint;
pub(crate) use rules::{decide_lymphoma, response_only, LymphomaDecision};
pub use rules::{lugano_stage, StageReason};

spelled_enum! {
    /// Lugano (modified Ann Arbor) stage, without A/B symptoms or bulk.
    LuganoStage {
        /// One node or a group of adjacent nodes (one region).
        I = "I",
        /// A single extranodal lesion without nodal involvement.
        IE = "IE",
        /// Two or more regions on one side of the diaphragm.
        II = "II",
        /// Stage I or II by nodes with limited contiguous extranodal involvement.
        IIE = "IIE",
        /// Nodes on both sides of the diaphragm, or nodes above it with the spleen.
        III = "III",
        /// Non-contiguous extralymphatic involvement (including marrow and liver).
        IV = "IV",
    }
}

spelled_enum! {
    /// Lugano 2014 metabolic response.
    Response {
        /// Complete metabolic response: Deauville 1–3, no new lesions.
        CMR = "CMR",
        /// Partial metabolic response: Deauville 4–5, reduced uptake.
        PMR = "PMR",
        /// No metabolic response: Deauville 4–5, no significant change.
        NMR = "NMR",
        /// Progressive metabolic disease: Deauville 4–5 with increased uptake and/or new lesions.
        PMD = "PMD",
    }
}

/// Lymph node region (Ann Arbor / Lugano).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// Waldeyer's ring (tonsils, adenoids, base of tongue).
    Waldeyer,
    /// Cervical, supraclavicular, occipital and preauricular (one per side).
    Cervical,
    /// Infraclavicular.
    Infraclavicular,
    /// Axillary and pectoral.
    Axillary,
    /// Mediastinal (including paratracheal, prevascular, subcarinal, thymic).
    Mediastinal,
    /// Hilar.
    Hilar,
    /// Epitrochlear and brachial.
    Epitrochlear,
    /// Para-aortic / retroperitoneal.
    ParaAortic,
    /// Mesenteric (and coeliac, porta hepatis).
    Mesenteric,
    /// Iliac and pelvic.
    Iliac,
    /// Inguinal and femoral.
    Inguinal,
    /// Popliteal.
    Popliteal,
}

impl Region {
    /// Above the diaphragm.
    pub fn above_diaphragm(self) -> bool {
        use Region::*;
        matches!(
            self,
            Waldeyer | Cervical | Infraclavicular | Axillary | Mediastinal | Hilar | Epitrochlear
        )
    }

    /// Counted once per side.
    pub fn paired(self) -> bool {
        use Region::*;
        matches!(
            self,
            Cervical
                | Infraclavicular
                | Axillary
                | Hilar
                | Epitrochlear
                | Iliac
                | Inguinal
                | Popliteal
        )
    }

    fn label(self) -> &'static str {
        use Region::*;
        match self {
            Waldeyer => "Waldeyer's ring",
            Cervical => "cervical/supraclavicular",
            Infraclavicular => "infraclavicular",
            Axillary => "axillary",
            Mediastinal => "mediastinal",
            Hilar => "hilar",
            Epitrochlear => "epitrochlear",
            ParaAortic => "para-aortic",
            Mesenteric => "mesenteric",
            Iliac => "iliac",
            Inguinal => "inguinal/femoral",
            Popliteal => "popliteal",
        }
    }
}

/// An involved nodal region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodalRegion {
    /// The region.
    pub region: Region,
    /// Side, for paired regions, when stated.
    pub side: Option<Side>,
}

/// Extranodal (extralymphatic) site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtranodalSite {
    /// Lung.
    Lung,
    /// Liver (always non-contiguous: stage IV).
    Liver,
    /// Bone.
    Bone,
    /// Stomach.
    Stomach,
    /// Small or large bowel.
    Bowel,
    /// Kidney.
    Kidney,
    /// Adrenal.
    Adrenal,
    /// Thyroid.
    Thyroid,
    /// Breast.
    Breast,
    /// Testis.
    Testis,
    /// Skin and subcutis.
    Skin,
    /// Brain, CNS.
    Cns,
    /// Pleura.
    Pleura,
    /// Pericardium.
    Pericardium,
    /// Chest wall, muscle, soft tissue.
    SoftTissue,
    /// Orbit.
    Orbit,
    /// Nasal cavity, sinuses.
    Sinus,
    /// Pancreas.
    Pancreas,
    /// Salivary glands.
    Salivary,
}

/// An extranodal lesion or site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extranodal {
    /// Where.
    pub site: ExtranodalSite,
    /// Grows directly out of involved nodes (E) rather than lying apart from them.
    pub contiguous: bool,
    /// More than one lesion at this site.
    pub multiple: bool,
}

/// Deauville scores a description of uptake is compatible with (`min == max` when decided).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRange {
    /// Lowest compatible score.
    pub min: u8,
    /// Highest compatible score.
    pub max: u8,
}

/// Change in uptake against the baseline scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Lower than at baseline.
    Decreased,
    /// No significant change.
    Unchanged,
    /// Higher than at baseline.
    Increased,
}

/// A new area of uptake since baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLesion {
    /// Consistent with lymphoma (`false`: another cause such as infection, Deauville X).
    pub lymphoma: bool,
}

/// Everything the Lugano rules read. Deserialisable from schema-validated JSON (unknown
/// fields rejected); check spans with [`LymphomaFeatures::check_spans`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LymphomaFeatures {
    /// Staging or response scan.
    #[serde(default)]
    pub timepoint: Option<Found<Timepoint>>,
    /// Involved nodal regions (staging).
    #[serde(default)]
    pub nodal: Vec<Found<NodalRegion>>,
    /// Spleen involved (staging).
    #[serde(default)]
    pub spleen: Option<Span>,
    /// Extranodal involvement (staging).
    #[serde(default)]
    pub extranodal: Vec<Found<Extranodal>>,
    /// Bone marrow involved (staging).
    #[serde(default)]
    pub marrow: Option<Span>,
    /// A stage the text states (used for response scans, where the stage is the baseline one).
    #[serde(default)]
    pub stated_stage: Option<Found<LuganoStage>>,
    /// A Deauville score the text states.
    #[serde(default)]
    pub deauville_stated: Option<Found<u8>>,
    /// Scores implied by verbal descriptions of residual uptake against blood pool and liver.
    #[serde(default)]
    pub uptake: Vec<Found<ScoreRange>>,
    /// Highest current lesion SUVmax.
    #[serde(default)]
    pub suv_lesion: Option<Found<f64>>,
    /// Mediastinal blood pool SUVmax.
    #[serde(default)]
    pub suv_mediastinum: Option<Found<f64>>,
    /// Liver SUVmax.
    #[serde(default)]
    pub suv_liver: Option<Found<f64>>,
    /// New areas of uptake.
    #[serde(default)]
    pub new_lesions: Vec<Found<NewLesion>>,
    /// "No new lesions".
    #[serde(default)]
    pub no_new_lesions: Option<Span>,
    /// Changes against baseline.
    #[serde(default)]
    pub change: Vec<Found<Change>>,
    /// The text says there is no baseline to compare with.
    #[serde(default)]
    pub no_baseline: Option<Span>,
    /// Findings deliberately not counted, with the reason.
    #[serde(default)]
    pub disregarded: Vec<Found<String>>,
}

impl LymphomaFeatures {
    /// Every span in the features.
    pub fn spans(&self) -> Vec<&Span> {
        let mut out: Vec<&Span> = Vec::new();
        out.extend(self.timepoint.iter().map(|f| &f.span));
        out.extend(self.nodal.iter().map(|f| &f.span));
        out.extend(self.spleen.iter());
        out.extend(self.extranodal.iter().map(|f| &f.span));
        out.extend(self.marrow.iter());
        out.extend(self.stated_stage.iter().map(|f| &f.span));
        out.extend(self.deauville_stated.iter().map(|f| &f.span));
        out.extend(self.uptake.iter().map(|f| &f.span));
        out.extend(self.suv_lesion.iter().map(|f| &f.span));
        out.extend(self.suv_mediastinum.iter().map(|f| &f.span));
        out.extend(self.suv_liver.iter().map(|f| &f.span));
        out.extend(self.new_lesions.iter().map(|f| &f.span));
        out.extend(self.no_new_lesions.iter());
        out.extend(self.change.iter().map(|f| &f.span));
        out.extend(self.no_baseline.iter());
        out.extend(self.disregarded.iter().map(|f| &f.span));
        out
    }

    /// Check every span against the input text.
    pub fn check_spans(&self, input: &str) -> crate::Result<()> {
        self.spans().into_iter().try_for_each(|s| s.check(input))
    }
}
