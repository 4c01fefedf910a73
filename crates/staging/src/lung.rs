//! AJCC 8th edition lung cancer: the categories, the features the rules read, and the rules.
//!
//! The rules take a [`LungFeatures`] (from [`crate::extract_lung`] or from any other proposer
//! that fills the same struct) and never look at the text again; every decision cites the
//! feature's span and a guideline passage.

use serde::{Deserialize, Serialize};

use crate::answer::{Cancer, Category, Evidence, Stage, StagingAnswer};
use crate::passage::ids;
use crate::span::{Found, Span};

macro_rules! spelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v,)*
        }
        impl $name {
            /// The spelling used in answers.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use spelled_enum;

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

/// Right or left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Right.
    Right,
    /// Left.
    Left,
}

impl Side {
    /// `right` / `left`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Right => "right",
            Side::Left => "left",
        }
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

/// The T category for a greatest dimension in millimetres (boundaries inclusive at the top:
/// 10, 20, 30, 40, 50 and 70 mm belong to the smaller category). Compared in hundredths of a
/// millimetre so that `3.0 cm` read as 30.000000000000004 mm stays T1c.
pub fn t_for_size_mm(mm: f64) -> TCategory {
    // Upper bounds in hundredths of a millimetre, inclusive.
    const UPPER: [(i64, TCategory); 6] = [
        (1000, TCategory::T1a),
        (2000, TCategory::T1b),
        (3000, TCategory::T1c),
        (4000, TCategory::T2a),
        (5000, TCategory::T2b),
        (7000, TCategory::T3),
    ];
    let h = (mm * 100.0).round() as i64;
    UPPER
        .iter()
        .find(|(limit, _)| h <= *limit)
        .map_or(TCategory::T4, |&(_, t)| t)
}

/// The AJCC 8th stage group of a T, N, M combination; `None` where the table has no entry
/// (Tis or T1mi with nodal disease and M0).
pub fn lung_stage_group(t: TCategory, n: NCategory, m: MCategory) -> Option<LungStage> {
    use LungStage::*;
    use NCategory::*;
    use TCategory::*;
    match m {
        MCategory::M1c => return Some(IVB),
        MCategory::M1a | MCategory::M1b => return Some(IVA),
        MCategory::M0 => {}
    }
    Some(match (t, n) {
        (Tis, N0) => Zero,
        (Tis | T1mi, _) if n != N0 => return None,
        (T1mi | T1a, N0) => IA1,
        (T1b, N0) => IA2,
        (T1c, N0) => IA3,
        (T2a, N0) => IB,
        (T2b, N0) => IIA,
        (T1a | T1b | T1c | T2a | T2b, N1) | (T3, N0) => IIB,
        (T1a | T1b | T1c | T2a | T2b, N2) | (T3, N1) | (T4, N0 | N1) => IIIA,
        (T1a | T1b | T1c | T2a | T2b, N3) | (T3 | T4, N2) => IIIB,
        (T3 | T4, N3) => IIIC,
        (Tis | T1mi, _) => return None,
    })
}

fn t_guideline(t: TCategory) -> &'static str {
    match t {
        TCategory::Tis => ids::TIS,
        TCategory::T1mi => ids::T1MI,
        TCategory::T1a => ids::T1A,
        TCategory::T1b => ids::T1B,
        TCategory::T1c => ids::T1C,
        TCategory::T2a => ids::T2A,
        TCategory::T2b => ids::T2B,
        TCategory::T3 => ids::T3,
        TCategory::T4 => ids::T4,
    }
}

fn n_guideline(n: NCategory) -> &'static str {
    match n {
        NCategory::N0 => ids::N0,
        NCategory::N1 => ids::N1,
        NCategory::N2 => ids::N2,
        NCategory::N3 => ids::N3,
    }
}

fn m_guideline(m: MCategory) -> &'static str {
    match m {
        MCategory::M0 => ids::M0,
        MCategory::M1a => ids::M1A,
        MCategory::M1b => ids::M1B,
        MCategory::M1c => ids::M1C,
    }
}

fn stage_guideline(s: LungStage) -> &'static str {
    use LungStage::*;
    match s {
        Zero => ids::STAGE_0,
        IA1 | IA2 | IA3 => ids::STAGE_IA,
        IB => ids::STAGE_IB,
        IIA => ids::STAGE_IIA,
        IIB => ids::STAGE_IIB,
        IIIA => ids::STAGE_IIIA,
        IIIB => ids::STAGE_IIIB,
        IIIC => ids::STAGE_IIIC,
        IVA => ids::STAGE_IVA,
        IVB => ids::STAGE_IVB,
    }
}

fn size_note(mm: f64, t: TCategory) -> String {
    let range = match t {
        TCategory::T1a => "≤ 10 mm",
        TCategory::T1b => "> 10 and ≤ 20 mm",
        TCategory::T1c => "> 20 and ≤ 30 mm",
        TCategory::T2a => "> 30 and ≤ 40 mm",
        TCategory::T2b => "> 40 and ≤ 50 mm",
        TCategory::T3 => "> 50 and ≤ 70 mm",
        _ => "> 70 mm",
    };
    format!("greatest dimension {} mm is {range}", fmt_mm(mm))
}

fn fmt_mm(mm: f64) -> String {
    let r = (mm * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Apply the AJCC 8th rules to the features.
pub fn stage_lung_features(f: &LungFeatures) -> StagingAnswer {
    let mut a = StagingAnswer::empty(Cancer::Lung);
    if let Some(p) = &f.post_treatment {
        // Clinical TNM describes the tumour before treatment; staging the residual disease of
        // a treated tumour (yTNM, rTNM) is not what these rules do.
        let why = format!(
            "post-treatment scan (\"{}\"): clinical TNM is assigned on the pre-treatment scan",
            p.text
        );
        for c in [Category::T, Category::N, Category::M] {
            a.miss(c, why.clone());
        }
        match &f.stated_stage {
            Some(s) => {
                a.stage = Some(Stage::Lung(s.value));
                a.cite(Evidence::new(Category::Stage, s.value.as_str(), &s.span, stage_guideline(s.value), "pre-treatment stage as stated in the report; not re-derived on a post-treatment scan"));
            }
            None => a.miss(
                Category::Stage,
                format!("{why}; the report does not state it"),
            ),
        }
        return a;
    }
    for d in &f.disregarded {
        a.note(format!("not counted: \"{}\" ({})", d.span.text, d.value));
    }
    let t = decide_t(f, &mut a);
    let n = decide_n(f, &mut a);
    let m = decide_m(f, &mut a);
    a.t = t.as_ref().map(|x| x.0);
    a.n = n.as_ref().map(|x| x.0);
    a.m = m.as_ref().map(|x| x.0);
    decide_stage(t, n, m, &mut a);
    a
}

type Decided<T> = Option<(T, Span)>;

fn decide_t(f: &LungFeatures, a: &mut StagingAnswer) -> Decided<TCategory> {
    let size = f.size_mm.as_ref();
    let mut cands: Vec<(TCategory, Span, &'static str, String)> = Vec::new();
    if let Some(s) = size {
        let t = t_for_size_mm(s.value);
        let mut note = size_note(s.value, t);
        if f.solid_component {
            note = format!("{note} (solid component of a part-solid tumour)");
        }
        cands.push((t, s.span.clone(), t_guideline(t), note));
    }
    for inv in &f.invasion {
        let s = inv.value;
        let mut t = s.t();
        let (guideline, note) = if t == TCategory::T2a {
            match size {
                Some(sz) if sz.value > 40.0 => (
                    ids::T2,
                    format!("{} is a T2 feature; size decides T2b or more", s.describe()),
                ),
                Some(_) => (
                    ids::T2A,
                    format!(
                        "{} is a T2 feature; with size ≤ 4 cm it is T2a",
                        s.describe()
                    ),
                ),
                None => (
                    ids::T2A,
                    format!(
                        "{} is a T2 feature; with size not determined it is T2a",
                        s.describe()
                    ),
                ),
            }
        } else {
            (
                t_guideline(t),
                format!("{} gives {t} regardless of size", s.describe()),
            )
        };
        if s == Structure::PleuraUnspecified {
            a.miss(
                Category::T,
                "layer of pleural invasion not stated (parietal pleura would be T3)",
            );
        }
        if matches!(
            s,
            Structure::MainBronchus
                | Structure::Atelectasis
                | Structure::VisceralPleura
                | Structure::PleuraUnspecified
        ) {
            t = TCategory::T2a;
        }
        cands.push((t, inv.span.clone(), guideline, note));
    }
    let primary_lobe = f.primary_lobe.as_ref().map(|l| l.value);
    let primary_side = f
        .primary_side
        .as_ref()
        .map(|s| s.value)
        .or(primary_lobe.map(Lobe::side));
    for nod in &f.separate_nodules {
        match nodule_relation(&nod.value, primary_lobe, primary_side) {
            Some(NoduleRelation::SameLobe) => cands.push((
                TCategory::T3,
                nod.span.clone(),
                ids::T3,
                "separate tumour nodule in the same lobe as the primary".into(),
            )),
            Some(NoduleRelation::OtherIpsilateralLobe) => cands.push((
                TCategory::T4,
                nod.span.clone(),
                ids::T4,
                "separate tumour nodule in another lobe of the same lung".into(),
            )),
            Some(NoduleRelation::Contralateral) => {}
            None => a.miss(
                Category::T,
                format!(
                    "lobe of the separate nodule \"{}\" relative to the primary not stated (same lobe T3, other ipsilateral lobe T4, contralateral M1a)",
                    nod.span.text
                ),
            ),
        }
    }
    if let Some(h) = &f.histology {
        // Tis and T1mi are at most 3 cm and have no invasive features; with a small size any
        // candidate above T1c comes from invasion or a separate nodule.
        let small = size.is_none_or(|s| s.value <= 30.0);
        let other_features = cands.iter().any(|c| c.0 >= TCategory::T2a);
        if small && !other_features {
            let (t, g, note) = match h.value {
                Histology::InSitu => (TCategory::Tis, ids::TIS, "carcinoma in situ on histology"),
                Histology::MinimallyInvasive => (
                    TCategory::T1mi,
                    ids::T1MI,
                    "minimally invasive adenocarcinoma on histology (≤ 3 cm, invasion ≤ 5 mm)",
                ),
            };
            a.cite(Evidence::new(Category::T, t.as_str(), &h.span, g, note));
            return Some((t, h.span.clone()));
        }
    }
    let Some(best) = cands.iter().map(|c| c.0).max() else {
        if let Some(st) = &f.stated_t {
            a.cite(Evidence::new(
                Category::T,
                st.value.as_str(),
                &st.span,
                t_guideline(st.value),
                "stated in the text; the findings do not describe the primary",
            ));
            a.miss(
                Category::T,
                "primary tumour size and extent not described in the findings",
            );
            return Some((st.value, st.span.clone()));
        }
        a.miss(
            Category::T,
            "primary tumour size (greatest dimension) not stated",
        );
        return None;
    };
    let mut first = None;
    for (t, span, g, note) in cands.iter().filter(|c| c.0 == best) {
        a.cite(Evidence::new(
            Category::T,
            t.as_str(),
            span,
            g,
            note.clone(),
        ));
        if f.solid_component && size.is_some_and(|s| &s.span == span) {
            a.cite(Evidence::new(
                Category::T,
                t.as_str(),
                span,
                ids::T_SIZE,
                "clinical T of a part-solid tumour uses the solid component",
            ));
        }
        if note.starts_with("separate tumour nodule") {
            a.cite(Evidence::new(
                Category::T,
                t.as_str(),
                span,
                ids::SEPARATE_NODULES,
                note.clone(),
            ));
        }
        first.get_or_insert_with(|| span.clone());
    }
    for (t, span, _, note) in cands.iter().filter(|c| c.0 < best) {
        a.note(format!(
            "also \"{}\": {note} ({t} alone); {best} stands",
            span.text
        ));
    }
    if size.is_none() {
        match best {
            TCategory::T2a => a.miss(Category::T, "primary tumour size not stated (T2a applies when it cannot be determined; > 4 cm would be T2b or more)"),
            TCategory::T3 => a.miss(Category::T, "primary tumour size not stated (> 7 cm would make it T4)"),
            _ => {}
        }
    }
    if let Some(st) = &f.stated_t {
        if st.value != best {
            a.note(format!(
                "the text states {} (\"{}\"); the findings give {best}",
                st.value, st.span.text
            ));
        }
    }
    first.map(|s| (best, s))
}

fn nodule_relation(
    n: &SeparateNodule,
    primary_lobe: Option<Lobe>,
    primary_side: Option<Side>,
) -> Option<NoduleRelation> {
    if let Some(r) = n.relation {
        return Some(r);
    }
    let side = n.side.or(n.lobe.map(Lobe::side))?;
    let pside = primary_side?;
    if side != pside {
        return Some(NoduleRelation::Contralateral);
    }
    match (n.lobe, primary_lobe) {
        (Some(l), Some(p)) if l == p => Some(NoduleRelation::SameLobe),
        (Some(_), Some(_)) => Some(NoduleRelation::OtherIpsilateralLobe),
        _ => None,
    }
}

/// The N a node gives: `Ok(n)` when decided, `Err((low, high, what))` when the side is needed.
fn node_n(
    site: NodeSite,
    primary: Option<Side>,
) -> Result<(NCategory, String), (NCategory, NCategory, String)> {
    use NCategory::*;
    use Station::*;
    let label = site.station.label();
    let relative = |side: Option<NodeSide>| -> Option<bool> {
        // Some(true) = contralateral (or includes the contralateral side).
        match side? {
            NodeSide::Ipsilateral => Some(false),
            NodeSide::Contralateral | NodeSide::Bilateral => Some(true),
            NodeSide::Right => primary.map(|p| p != Side::Right),
            NodeSide::Left => primary.map(|p| p != Side::Left),
        }
    };
    let side_words = |contra: bool| {
        let written = match site.side {
            Some(NodeSide::Bilateral) => "bilateral",
            Some(NodeSide::Right) => "right",
            Some(NodeSide::Left) => "left",
            Some(NodeSide::Ipsilateral) => "ipsilateral",
            Some(NodeSide::Contralateral) => "contralateral",
            None => "",
        };
        let p = primary.map_or(String::new(), |p| {
            format!(" to a {}-sided primary", p.as_str())
        });
        if contra {
            format!("{written} {label}: contralateral{p}")
        } else {
            format!("{written} {label}: ipsilateral{p}")
        }
    };
    match site.station {
        Supraclavicular => Ok((N3, format!("{label}: N3 on either side"))),
        Subcarinal | Retrotracheal => Ok((N2, format!("{label}: midline, N2 for either lung"))),
        Prevascular => match relative(site.side) {
            Some(true) => Ok((N3, side_words(true))),
            _ => Ok((N2, format!("{label}: mediastinal, N2 unless contralateral"))),
        },
        Subaortic | ParaAortic => {
            let contra = match site.side {
                Some(NodeSide::Contralateral) | Some(NodeSide::Bilateral) => Some(true),
                Some(NodeSide::Ipsilateral) => Some(false),
                _ => primary.map(|p| p == Side::Right),
            };
            match contra {
                Some(true) => Ok((N3, format!("{label} is left-sided: contralateral to a right-sided primary"))),
                Some(false) => Ok((N2, format!("{label} is left-sided: ipsilateral to a left-sided primary"))),
                None => Err((N2, N3, format!("side of the primary not stated ({label}: N2 for a left, N3 for a right primary)"))),
            }
        }
        UpperParatracheal | Paratracheal | LowerParatracheal | Paraoesophageal | PulmonaryLigament | Mediastinal => {
            match relative(site.side) {
                Some(true) => Ok((N3, side_words(true))),
                Some(false) => Ok((N2, side_words(false))),
                None => Err((N2, N3, format!("side of the {label} node relative to the primary not stated (ipsilateral N2, contralateral N3)"))),
            }
        }
        Hilar | Interlobar | Intrapulmonary => match relative(site.side) {
            Some(true) => Ok((N3, side_words(true))),
            Some(false) => Ok((N1, side_words(false))),
            None => Err((N1, N3, format!("side of the {label} node relative to the primary not stated (ipsilateral N1, contralateral N3)"))),
        },
    }
}

fn decide_n(f: &LungFeatures, a: &mut StagingAnswer) -> Decided<NCategory> {
    let primary = f
        .primary_side
        .as_ref()
        .map(|s| s.value)
        .or(f.primary_lobe.as_ref().map(|l| l.value.side()));
    let mut decided: Vec<(NCategory, &Found<NodeSite>, String)> = Vec::new();
    let mut open: Vec<(NCategory, NCategory, String)> = Vec::new();
    for node in &f.nodes {
        match node_n(node.value, primary) {
            Ok((n, note)) => decided.push((n, node, note)),
            Err(x) => open.push(x),
        }
    }
    let best = decided.iter().map(|d| d.0).max();
    // A node whose side is unknown leaves N open if it could raise N above what is decided.
    let raising: Vec<&(NCategory, NCategory, String)> = open
        .iter()
        .filter(|o| best.is_none_or(|b| o.1 > b))
        .collect();
    if !raising.is_empty() {
        for (_, _, what) in raising {
            a.miss(Category::N, what.clone());
        }
        return None;
    }
    if let Some(best) = best {
        let mut first = None;
        for (n, node, note) in decided.iter().filter(|d| d.0 == best) {
            a.cite(Evidence::new(
                Category::N,
                n.as_str(),
                &node.span,
                n_guideline(*n),
                note.clone(),
            ));
            if *n == NCategory::N3 && note.contains("contralateral") {
                a.cite(Evidence::new(
                    Category::N,
                    n.as_str(),
                    &node.span,
                    ids::IASLC_LATERALITY,
                    note.clone(),
                ));
            } else {
                a.cite(Evidence::new(
                    Category::N,
                    n.as_str(),
                    &node.span,
                    node.value.station.guideline(),
                    node.value.station.label(),
                ));
            }
            first.get_or_insert_with(|| node.span.clone());
        }
        check_stated_n(f, best, a);
        return first.map(|s| (best, s));
    }
    if !f.nodes_equivocal.is_empty() {
        for e in &f.nodes_equivocal {
            a.miss(Category::N, format!("{} node \"{}\" is described without uptake or size that settles involvement; sampling or a clearer description decides N", e.value.station.label(), e.span.text));
        }
        return None;
    }
    if let Some(first) = f.nodes_negative.first() {
        for s in &f.nodes_negative {
            a.cite(Evidence::new(
                Category::N,
                "N0",
                s,
                ids::N0,
                "regional nodes stated not involved",
            ));
        }
        check_stated_n(f, NCategory::N0, a);
        return Some((NCategory::N0, first.clone()));
    }
    if let Some(st) = &f.stated_n {
        a.cite(Evidence::new(
            Category::N,
            st.value.as_str(),
            &st.span,
            n_guideline(st.value),
            "stated in the text; the findings do not describe the nodes",
        ));
        return Some((st.value, st.span.clone()));
    }
    a.miss(
        Category::N,
        "regional lymph nodes (hilar, mediastinal, supraclavicular) not described",
    );
    None
}

fn check_stated_n(f: &LungFeatures, n: NCategory, a: &mut StagingAnswer) {
    if let Some(st) = &f.stated_n {
        if st.value != n {
            a.note(format!(
                "the text states {} (\"{}\"); the findings give {n}",
                st.value, st.span.text
            ));
        }
    }
}

fn decide_m(f: &LungFeatures, a: &mut StagingAnswer) -> Decided<MCategory> {
    let primary_lobe = f.primary_lobe.as_ref().map(|l| l.value);
    let primary_side = f
        .primary_side
        .as_ref()
        .map(|s| s.value)
        .or(primary_lobe.map(Lobe::side));
    let mut found: Vec<(MCategory, Span, String)> = Vec::new();
    for nod in &f.separate_nodules {
        if nodule_relation(&nod.value, primary_lobe, primary_side)
            == Some(NoduleRelation::Contralateral)
        {
            found.push((
                MCategory::M1a,
                nod.span.clone(),
                "separate tumour nodule(s) in the contralateral lung".into(),
            ));
        }
    }
    let mut undetermined = Vec::new();
    for s in &f.serosal {
        match s.value.nature {
            Nature::Malignant => {
                let what = match s.value.site {
                    SerosalSite::PleuralEffusion => "malignant pleural effusion",
                    SerosalSite::PericardialEffusion => "malignant pericardial effusion",
                    SerosalSite::PleuralNodules => "pleural nodules / nodular pleural disease",
                    SerosalSite::PericardialNodules => "pericardial nodules",
                };
                found.push((MCategory::M1a, s.span.clone(), what.into()));
            }
            Nature::Undetermined => undetermined.push(s),
            Nature::Benign => a.note(format!(
                "effusion not counted: \"{}\" (shown benign)",
                s.span.text
            )),
        }
    }
    // Extrathoracic: one lesion in one organ is M1b, anything more is M1c.
    let mut organs: Vec<(Organ, bool, &Found<DistantMetastasis>)> = Vec::new();
    for d in &f.distant {
        match organs.iter_mut().find(|o| o.0 == d.value.organ) {
            Some(o) => o.1 |= d.value.multiple,
            None => organs.push((d.value.organ, d.value.multiple, d)),
        }
    }
    if !organs.is_empty() {
        let multiple = organs.len() > 1 || organs[0].1;
        if multiple {
            for d in &f.distant {
                found.push((
                    MCategory::M1c,
                    d.span.clone(),
                    format!(
                        "{} extrathoracic metastases in total ({} organ(s))",
                        if organs.len() > 1 {
                            "multiple"
                        } else {
                            "several"
                        },
                        organs.len()
                    ),
                ));
            }
        } else {
            found.push((
                MCategory::M1b,
                organs[0].2.span.clone(),
                "a single extrathoracic metastasis in a single organ".into(),
            ));
        }
    }
    let best = found.iter().map(|x| x.0).max();
    if let Some(best) = best {
        let mut first = None;
        for (m, span, note) in found.iter().filter(|x| x.0 == best) {
            a.cite(Evidence::new(
                Category::M,
                m.as_str(),
                span,
                m_guideline(*m),
                note.clone(),
            ));
            if note.starts_with("separate tumour nodule") {
                a.cite(Evidence::new(
                    Category::M,
                    m.as_str(),
                    span,
                    ids::SEPARATE_NODULES,
                    note.clone(),
                ));
            }
            first.get_or_insert_with(|| span.clone());
        }
        for u in &undetermined {
            a.note(format!(
                "effusion of undetermined nature (\"{}\") does not change {best}",
                u.span.text
            ));
        }
        if let Some(st) = &f.stated_m {
            if st.value != best {
                a.note(format!(
                    "the text states {} (\"{}\"); the findings give {best}",
                    st.value, st.span.text
                ));
            }
        }
        return first.map(|s| (best, s));
    }
    if !undetermined.is_empty() {
        for u in &undetermined {
            a.miss(Category::M, format!("nature of the effusion \"{}\" not established: it is M1a unless cytology is negative and it is judged unrelated to the tumour ({})", u.span.text, ids::EFFUSION));
        }
        return None;
    }
    if let Some(first) = f.distant_negative.first() {
        for s in &f.distant_negative {
            a.cite(Evidence::new(
                Category::M,
                "M0",
                s,
                ids::M0,
                "distant metastasis stated absent",
            ));
        }
        return Some((MCategory::M0, first.clone()));
    }
    if let Some(st) = &f.stated_m {
        a.cite(Evidence::new(
            Category::M,
            st.value.as_str(),
            &st.span,
            m_guideline(st.value),
            "stated in the text; the findings do not describe distant sites",
        ));
        return Some((st.value, st.span.clone()));
    }
    a.miss(Category::M, "distant metastatic status not described");
    None
}

fn decide_stage(
    t: Decided<TCategory>,
    n: Decided<NCategory>,
    m: Decided<MCategory>,
    a: &mut StagingAnswer,
) {
    let Some((m, mspan)) = m else {
        a.miss(Category::Stage, "stage group needs M");
        return;
    };
    if m != MCategory::M0 {
        let stage = if m == MCategory::M1c {
            LungStage::IVB
        } else {
            LungStage::IVA
        };
        a.stage = Some(Stage::Lung(stage));
        a.cite(Evidence::new(
            Category::Stage,
            stage.as_str(),
            &mspan,
            stage_guideline(stage),
            format!("{m}: stage {stage} whatever T and N"),
        ));
        return;
    }
    let (Some((t, tspan)), Some((n, nspan))) = (t, n) else {
        a.miss(Category::Stage, "stage group needs T and N when M0");
        return;
    };
    match lung_stage_group(t, n, m) {
        Some(stage) => {
            a.stage = Some(Stage::Lung(stage));
            let g = stage_guideline(stage);
            let note = format!("{t} {n} {m} is stage {stage}");
            a.cite(Evidence::new(
                Category::Stage,
                stage.as_str(),
                &tspan,
                g,
                note.clone(),
            ));
            a.cite(Evidence::new(
                Category::Stage,
                stage.as_str(),
                &nspan,
                g,
                note.clone(),
            ));
            a.cite(Evidence::new(
                Category::Stage,
                stage.as_str(),
                &mspan,
                g,
                note,
            ));
        }
        None => a.miss(
            Category::Stage,
            format!("{t} {n} {m} has no stage group in the AJCC 8th table"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LungStage::*;
    use MCategory::*;
    use NCategory::*;
    use TCategory::*;

    #[test]
    fn size_boundaries() {
        let cases: &[(f64, TCategory)] = &[
            (0.5, T1a),
            (10.0, T1a),
            (10.1, T1b),
            (20.0, T1b),
            (20.1, T1c),
            (30.0, T1c),
            (3.0 * 10.0, T1c),
            (30.1, T2a),
            (40.0, T2a),
            (40.1, T2b),
            (50.0, T2b),
            (50.1, T3),
            (70.0, T3),
            (70.1, T4),
            (120.0, T4),
            // Floating-point products of cm inputs.
            (0.1 * 100.0, T1a),
            (0.3 * 100.0, T1c),
            (0.7 * 100.0, T3),
        ];
        for &(mm, want) in cases {
            assert_eq!(t_for_size_mm(mm), want, "{mm} mm");
        }
    }

    /// The whole AJCC 8th table, written out row by row (T down, N0..N3 across), checked for
    /// every T × N × M.
    #[test]
    fn every_tnm_combination() {
        let table: &[(TCategory, [Option<LungStage>; 4])] = &[
            (Tis, [Some(Zero), None, None, None]),
            (T1mi, [Some(IA1), None, None, None]),
            (T1a, [Some(IA1), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T1b, [Some(IA2), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T1c, [Some(IA3), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T2a, [Some(IB), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T2b, [Some(IIA), Some(IIB), Some(IIIA), Some(IIIB)]),
            (T3, [Some(IIB), Some(IIIA), Some(IIIB), Some(IIIC)]),
            (T4, [Some(IIIA), Some(IIIA), Some(IIIB), Some(IIIC)]),
        ];
        assert_eq!(table.len(), TCategory::ALL.len());
        let mut checked = 0;
        for &(t, row) in table {
            for (k, &n) in NCategory::ALL.iter().enumerate() {
                for &m in MCategory::ALL {
                    let want = match m {
                        M0 => row[k],
                        M1a | M1b => Some(IVA),
                        M1c => Some(IVB),
                    };
                    assert_eq!(lung_stage_group(t, n, m), want, "{t} {n} {m}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 9 * 4 * 4);
    }

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
