//! AJCC 8th edition lung cancer: the categories, the features the rules read, and the rules.
//!
//! The rules take a [`LungFeatures`] (from [`crate::extract_lung`] or from any other proposer
//! that fills the same struct) and never look at the text again; every decision cites the
//! feature's span and a guideline passage.
//!
//! This file holds the categories and the features; `rules` decides T, N, M and the stage group
//! (a `LungDecision`, which `answer` turns into a `StagingAnswer`); `extract` reads text into
//! features (`primary`, `nodes`, `metastasis`). Like `lymphoma`, it imports `common` and the
//! text utilities, never `lymphoma` or `answer`.

use serde::{Deserialize, Serialize};

use crate::common::spelled_enum;
use crate::passage::ids;
use crate::span::{Found, Span};

pub(crate) mod extract;
mod rules;

pub use crate::common::Side;
pub(crate) use rules::{decide_lung, LungDecision};
pub use rules::{lung_stage_group, t_for_size_mm};

spelled_enum! {
    /// AJCC 8th T category, ordered from least to most advanced. `TX` and `T0` are not
    /// produced: a text that does not describe the primary gives no T at all.
    TCategory {
        /// Carcinoma in situ (histology).
        Tis = "Tis",
        /// Minimally invasive adenocarcinoma (histology).
        T1mi = "T1mi",
        /// ≤ 1 cm.
        T1a = "T1a",
        /// > 1 cm, ≤ 2 cm.
        T1b = "T1b",
        /// > 2 cm, ≤ 3 cm.
        T1c = "T1c",
        /// > 3 cm, ≤ 4 cm, or a T2 feature at ≤ 4 cm or unknown size.
        T2a = "T2a",
        /// > 4 cm, ≤ 5 cm.
        T2b = "T2b",
        /// > 5 cm, ≤ 7 cm, T3 invasion, or a separate nodule in the same lobe.
        T3 = "T3",
        /// > 7 cm, T4 invasion, or a separate nodule in another ipsilateral lobe.
        T4 = "T4",
    }
}

spelled_enum! {
    /// AJCC 8th N category.
    NCategory {
        /// No regional node metastasis.
        N0 = "N0",
        /// Ipsilateral hilar, peribronchial or intrapulmonary.
        N1 = "N1",
        /// Ipsilateral mediastinal or subcarinal.
        N2 = "N2",
        /// Contralateral mediastinal or hilar, scalene or supraclavicular.
        N3 = "N3",
    }
}

spelled_enum! {
    /// AJCC 8th M category.
    MCategory {
        /// No distant metastasis.
        M0 = "M0",
        /// Contralateral lung nodule, pleural or pericardial nodules or malignant effusion.
        M1a = "M1a",
        /// Single extrathoracic metastasis in a single organ.
        M1b = "M1b",
        /// Multiple extrathoracic metastases.
        M1c = "M1c",
    }
}

spelled_enum! {
    /// AJCC 8th lung stage group. Occult carcinoma (TX N0 M0) is not produced (see [`TCategory`]).
    LungStage {
        /// Tis N0 M0.
        Zero = "0",
        /// T1mi/T1a N0 M0.
        IA1 = "IA1",
        /// T1b N0 M0.
        IA2 = "IA2",
        /// T1c N0 M0.
        IA3 = "IA3",
        /// T2a N0 M0.
        IB = "IB",
        /// T2b N0 M0.
        IIA = "IIA",
        /// T1–T2 N1, T3 N0.
        IIB = "IIB",
        /// T1–T2 N2, T3 N1, T4 N0–N1.
        IIIA = "IIIA",
        /// T1–T2 N3, T3–T4 N2.
        IIIB = "IIIB",
        /// T3–T4 N3.
        IIIC = "IIIC",
        /// M1a or M1b.
        IVA = "IVA",
        /// M1c.
        IVB = "IVB",
    }
}

/// A lobe of the lung (the lingula belongs to the left upper lobe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lobe {
    /// Right upper lobe.
    RightUpper,
    /// Right middle lobe.
    RightMiddle,
    /// Right lower lobe.
    RightLower,
    /// Left upper lobe (with the lingula).
    LeftUpper,
    /// Left lower lobe.
    LeftLower,
}

impl Lobe {
    /// The lung the lobe is in.
    pub fn side(self) -> Side {
        match self {
            Lobe::RightUpper | Lobe::RightMiddle | Lobe::RightLower => Side::Right,
            Lobe::LeftUpper | Lobe::LeftLower => Side::Left,
        }
    }
}

/// Histology that decides T by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Histology {
    /// Adenocarcinoma in situ or squamous carcinoma in situ (Tis).
    InSitu,
    /// Minimally invasive adenocarcinoma (T1mi).
    MinimallyInvasive,
}

/// A structure the primary tumour involves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// Visceral pleura (T2).
    VisceralPleura,
    /// Pleura without the layer stated: at least visceral (T2).
    PleuraUnspecified,
    /// Main bronchus without the carina (T2).
    MainBronchus,
    /// Atelectasis or obstructive pneumonitis extending to the hilum (T2).
    Atelectasis,
    /// Parietal pleura (T3).
    ParietalPleura,
    /// Chest wall, including ribs (T3).
    ChestWall,
    /// Superior sulcus (Pancoast) tumour (T3).
    SuperiorSulcus,
    /// Phrenic nerve (T3).
    PhrenicNerve,
    /// Parietal pericardium (T3).
    ParietalPericardium,
    /// Diaphragm (T4).
    Diaphragm,
    /// Mediastinum, mediastinal fat (T4).
    Mediastinum,
    /// Heart, including atria (T4).
    Heart,
    /// Great vessels: aorta, venae cavae, main pulmonary artery, intrapericardial pulmonary
    /// veins (T4).
    GreatVessels,
    /// Trachea (T4).
    Trachea,
    /// Recurrent laryngeal nerve (T4).
    RecurrentLaryngealNerve,
    /// Oesophagus (T4).
    Oesophagus,
    /// Vertebral body (T4).
    VertebralBody,
    /// Carina (T4).
    Carina,
}

impl Structure {
    /// The T category the structure gives on its own (T2 features give T2a; size may raise it).
    pub fn t(self) -> TCategory {
        use Structure::*;
        match self {
            VisceralPleura | PleuraUnspecified | MainBronchus | Atelectasis => TCategory::T2a,
            ParietalPleura | ChestWall | SuperiorSulcus | PhrenicNerve | ParietalPericardium => {
                TCategory::T3
            }
            _ => TCategory::T4,
        }
    }

    /// Words for notes.
    pub fn describe(self) -> &'static str {
        use Structure::*;
        match self {
            VisceralPleura => "visceral pleural invasion",
            PleuraUnspecified => "pleural invasion (layer not stated, so at least visceral)",
            MainBronchus => "main bronchus involvement without the carina",
            Atelectasis => "atelectasis or obstructive pneumonitis extending to the hilum",
            ParietalPleura => "parietal pleural invasion",
            ChestWall => "chest wall invasion",
            SuperiorSulcus => "superior sulcus (Pancoast) tumour",
            PhrenicNerve => "phrenic nerve invasion",
            ParietalPericardium => "parietal pericardial invasion",
            Diaphragm => "diaphragm invasion",
            Mediastinum => "mediastinal invasion",
            Heart => "invasion of the heart",
            GreatVessels => "great vessel invasion",
            Trachea => "tracheal invasion",
            RecurrentLaryngealNerve => "recurrent laryngeal nerve invasion",
            Oesophagus => "oesophageal invasion",
            VertebralBody => "vertebral body invasion",
            Carina => "carinal involvement",
        }
    }
}

/// An IASLC nodal station (or a named group when the report gives no number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Station {
    /// 1: low cervical, supraclavicular, sternal notch; also scalene.
    Supraclavicular,
    /// 2: upper paratracheal.
    UpperParatracheal,
    /// 2 or 4: paratracheal, level not stated.
    Paratracheal,
    /// 3a: prevascular.
    Prevascular,
    /// 3p: retrotracheal.
    Retrotracheal,
    /// 4: lower paratracheal.
    LowerParatracheal,
    /// 5: subaortic (aortopulmonary window), left-sided.
    Subaortic,
    /// 6: para-aortic (ascending aorta, arch), left-sided.
    ParaAortic,
    /// 7: subcarinal.
    Subcarinal,
    /// 8: paraoesophageal.
    Paraoesophageal,
    /// 9: pulmonary ligament.
    PulmonaryLigament,
    /// Mediastinal, station not stated.
    Mediastinal,
    /// 10: hilar.
    Hilar,
    /// 11: interlobar.
    Interlobar,
    /// 12–14: lobar, segmental, subsegmental, peribronchial, intrapulmonary.
    Intrapulmonary,
}

impl Station {
    /// IASLC station label for notes.
    pub fn label(self) -> &'static str {
        use Station::*;
        match self {
            Supraclavicular => "station 1 (supraclavicular/scalene)",
            UpperParatracheal => "station 2 (upper paratracheal)",
            Paratracheal => "station 2/4 (paratracheal)",
            Prevascular => "station 3a (prevascular)",
            Retrotracheal => "station 3p (retrotracheal)",
            LowerParatracheal => "station 4 (lower paratracheal)",
            Subaortic => "station 5 (subaortic/AP window)",
            ParaAortic => "station 6 (para-aortic)",
            Subcarinal => "station 7 (subcarinal)",
            Paraoesophageal => "station 8 (paraoesophageal)",
            PulmonaryLigament => "station 9 (pulmonary ligament)",
            Mediastinal => "mediastinal (station not stated)",
            Hilar => "station 10 (hilar)",
            Interlobar => "station 11 (interlobar)",
            Intrapulmonary => "stations 12-14 (intrapulmonary/peribronchial)",
        }
    }

    fn guideline(self) -> &'static str {
        use Station::*;
        match self {
            Supraclavicular => ids::IASLC_1,
            UpperParatracheal | Paratracheal | LowerParatracheal | Mediastinal => ids::IASLC_2_4,
            Prevascular | Retrotracheal => ids::IASLC_3,
            Subaortic | ParaAortic => ids::IASLC_5_6,
            Subcarinal => ids::IASLC_7,
            Paraoesophageal | PulmonaryLigament => ids::IASLC_8_9,
            Hilar | Interlobar | Intrapulmonary => ids::IASLC_10_14,
        }
    }
}

/// Side of a node as written: anatomical or relative to the primary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeSide {
    /// Right.
    Right,
    /// Left.
    Left,
    /// Same side as the primary.
    Ipsilateral,
    /// Opposite side to the primary.
    Contralateral,
    /// Both sides.
    Bilateral,
}

/// An involved regional node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSite {
    /// Station or named group.
    pub station: Station,
    /// Side, if the text gives one.
    pub side: Option<NodeSide>,
}

/// Where a separate tumour nodule lies relative to the primary, when the text says so
/// directly ("in the same lobe", "contralateral lung").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoduleRelation {
    /// Same lobe as the primary (T3).
    SameLobe,
    /// Another lobe of the same lung (T4).
    OtherIpsilateralLobe,
    /// The other lung (M1a).
    Contralateral,
}

/// A separate tumour nodule (suspicious for malignancy, not the primary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeparateNodule {
    /// Lobe, if stated.
    pub lobe: Option<Lobe>,
    /// Lung, if stated without a lobe.
    pub side: Option<Side>,
    /// Relation to the primary, if stated in so many words.
    pub relation: Option<NoduleRelation>,
}

/// Pleural or pericardial finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SerosalSite {
    /// Pleural effusion.
    PleuralEffusion,
    /// Pericardial effusion.
    PericardialEffusion,
    /// Pleural nodules, nodular thickening or deposits.
    PleuralNodules,
    /// Pericardial nodules or deposits.
    PericardialNodules,
}

/// Whether a finding is malignant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// Malignant (avid, nodular, cytology positive, called metastatic).
    Malignant,
    /// Shown benign (cytology negative, transudate, called benign or reactive).
    Benign,
    /// Not established.
    Undetermined,
}

/// A pleural or pericardial finding and its nature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerosalFinding {
    /// What and where.
    pub site: SerosalSite,
    /// Malignant, benign or undetermined.
    pub nature: Nature,
}

/// Organ of an extrathoracic metastasis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Organ {
    /// Liver.
    Liver,
    /// Adrenal gland.
    Adrenal,
    /// Bone.
    Bone,
    /// Brain.
    Brain,
    /// Non-regional lymph nodes (axillary, abdominal, cervical above station 1…).
    DistantNodes,
    /// Kidney.
    Kidney,
    /// Spleen.
    Spleen,
    /// Peritoneum.
    Peritoneum,
    /// Soft tissue, muscle, skin.
    SoftTissue,
    /// Anything else.
    Other,
}

/// An extrathoracic metastasis: organ and whether there is more than one lesion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistantMetastasis {
    /// The organ.
    pub organ: Organ,
    /// More than one lesion in this organ (or in both of a paired organ).
    pub multiple: bool,
}

/// Everything the lung rules read. Deserialisable from schema-validated JSON (unknown fields
/// rejected), so that a proposer other than the rule-based extractor can fill it; every
/// span must then be checked against the input with [`LungFeatures::check_spans`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LungFeatures {
    /// Side of the primary tumour.
    #[serde(default)]
    pub primary_side: Option<Found<Side>>,
    /// Lobe of the primary tumour.
    #[serde(default)]
    pub primary_lobe: Option<Found<Lobe>>,
    /// Greatest dimension of the primary in mm (the solid component for part-solid tumours).
    #[serde(default)]
    pub size_mm: Option<Found<f64>>,
    /// `size_mm` is the solid component of a part-solid (subsolid) tumour.
    #[serde(default)]
    pub solid_component: bool,
    /// Histology that decides T by itself.
    #[serde(default)]
    pub histology: Option<Found<Histology>>,
    /// Structures the primary involves.
    #[serde(default)]
    pub invasion: Vec<Found<Structure>>,
    /// Separate tumour nodules.
    #[serde(default)]
    pub separate_nodules: Vec<Found<SeparateNodule>>,
    /// Involved regional nodes.
    #[serde(default)]
    pub nodes: Vec<Found<NodeSite>>,
    /// Statements that regional nodes are not involved.
    #[serde(default)]
    pub nodes_negative: Vec<Span>,
    /// Regional nodes described without a call either way (not avid, not enlarged, not called
    /// benign): they keep N0 from being asserted.
    #[serde(default)]
    pub nodes_equivocal: Vec<Found<NodeSite>>,
    /// Pleural and pericardial findings.
    #[serde(default)]
    pub serosal: Vec<Found<SerosalFinding>>,
    /// Extrathoracic metastases.
    #[serde(default)]
    pub distant: Vec<Found<DistantMetastasis>>,
    /// Statements that there is no distant metastasis.
    #[serde(default)]
    pub distant_negative: Vec<Span>,
    /// Categories the text states outright (e.g. in the impression: `cT2b N2 M0`).
    #[serde(default)]
    pub stated_t: Option<Found<TCategory>>,
    /// See `stated_t`.
    #[serde(default)]
    pub stated_n: Option<Found<NCategory>>,
    /// See `stated_t`.
    #[serde(default)]
    pub stated_m: Option<Found<MCategory>>,
    /// The scan is after treatment began (interim, end of treatment, surveillance,
    /// recurrence): clinical TNM belongs to the pre-treatment scan.
    #[serde(default)]
    pub post_treatment: Option<Span>,
    /// A stage group the text states (on a post-treatment scan, the pre-treatment stage).
    #[serde(default)]
    pub stated_stage: Option<Found<LungStage>>,
    /// Findings deliberately not counted (mimics, equivocal findings), with the reason.
    #[serde(default)]
    pub disregarded: Vec<Found<String>>,
}

impl LungFeatures {
    /// Every span in the features.
    pub fn spans(&self) -> Vec<&Span> {
        let mut out: Vec<&Span> = Vec::new();
        out.extend(self.primary_side.iter().map(|f| &f.span));
        out.extend(self.primary_lobe.iter().map(|f| &f.span));
        out.extend(self.size_mm.iter().map(|f| &f.span));
        out.extend(self.histology.iter().map(|f| &f.span));
        out.extend(self.invasion.iter().map(|f| &f.span));
        out.extend(self.separate_nodules.iter().map(|f| &f.span));
        out.extend(self.nodes.iter().map(|f| &f.span));
        out.extend(self.nodes_negative.iter());
        out.extend(self.nodes_equivocal.iter().map(|f| &f.span));
        out.extend(self.serosal.iter().map(|f| &f.span));
        out.extend(self.distant.iter().map(|f| &f.span));
        out.extend(self.distant_negative.iter());
        out.extend(self.stated_t.iter().map(|f| &f.span));
        out.extend(self.stated_n.iter().map(|f| &f.span));
        out.extend(self.stated_m.iter().map(|f| &f.span));
        out.extend(self.disregarded.iter().map(|f| &f.span));
        out.extend(self.post_treatment.iter());
        out.extend(self.stated_stage.iter().map(|f| &f.span));
        out
    }

    /// Check every span against the input text.
    pub fn check_spans(&self, input: &str) -> crate::Result<()> {
        self.spans().into_iter().try_for_each(|s| s.check(input))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_round_trip_and_reject_unknown_fields() {
        let f = LungFeatures {
            size_mm: Some(Found::new(
                36.0,
                Span {
                    start: 0,
                    end: 6,
                    text: "3.6 cm".into(),
                },
            )),
            nodes: vec![Found::new(
                NodeSite {
                    station: Station::Hilar,
                    side: Some(NodeSide::Right),
                },
                Span {
                    start: 8,
                    end: 19,
                    text: "right hilar".into(),
                },
            )],
            ..Default::default()
        };
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<LungFeatures>(&json).unwrap(), f);
        let bad =
            r#"{"size_mm":{"value":36.0,"span":{"start":0,"end":6,"text":"3.6 cm"}},"tumour":1}"#;
        assert!(serde_json::from_str::<LungFeatures>(bad).is_err());
        let bad_station = r#"{"nodes":[{"value":{"station":"hilum","side":null},"span":{"start":0,"end":1,"text":"x"}}]}"#;
        assert!(serde_json::from_str::<LungFeatures>(bad_station).is_err());
        assert!(serde_json::from_str::<LungFeatures>("{}")
            .unwrap()
            .nodes
            .is_empty());
    }
}
