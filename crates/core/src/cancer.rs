//! The one cancer-type vocabulary: [`CancerType`] (its id, display name, diagnostic family and
//! staging framework). Every crate that speaks of cancer types imports it from here; how a type
//! is *recognised* in text stays in `priors-parse`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A diagnosis of the corpus: ten malignancies and five benign mimics that look like disease
/// on FDG PET/CT. Serialises as its id (`"nsclc"`, `"hodgkin_lymphoma"`, …), the `cancer_type`
/// of labels, metadata and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancerType {
    /// Non-small cell lung cancer.
    Nsclc,
    /// Hodgkin lymphoma.
    HodgkinLymphoma,
    /// Diffuse large B-cell lymphoma.
    Dlbcl,
    /// Follicular lymphoma.
    FollicularLymphoma,
    /// Breast cancer.
    Breast,
    /// Melanoma.
    Melanoma,
    /// Colorectal cancer.
    Colorectal,
    /// Head and neck squamous cell carcinoma.
    HeadNeckScc,
    /// Prostate cancer.
    Prostate,
    /// Neuroendocrine tumour.
    Neuroendocrine,
    /// Sarcoidosis (benign mimic).
    Sarcoidosis,
    /// Infection or inflammation (benign mimic).
    InfectionInflammation,
    /// Brown fat uptake (benign mimic).
    BrownFat,
    /// Post-radiation change (benign mimic).
    PostRadiation,
    /// Reactive lymph nodes (benign mimic).
    ReactiveNodes,
}

/// A diagnostic family: the three lymphomas are one, the five benign mimics another, each
/// solid tumour its own. "Wrong subtype" stays inside a family; "wrong disease" does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancerFamily {
    /// Lung cancer.
    Lung,
    /// The lymphomas.
    Lymphoma,
    /// Breast cancer.
    Breast,
    /// Melanoma.
    Melanoma,
    /// Colorectal cancer.
    Colorectal,
    /// Head and neck cancer.
    HeadNeck,
    /// Prostate cancer.
    Prostate,
    /// Neuroendocrine tumours.
    Neuroendocrine,
    /// The benign mimics.
    Benign,
}

/// A deterministic staging framework that `priors-staging` implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StagingFramework {
    /// AJCC 8th edition lung TNM.
    AjccLung,
    /// Lugano 2014 staging, Deauville score and metabolic response.
    Lugano,
}

impl CancerType {
    /// Every type, in the order of the vocabulary (malignancies first).
    pub const ALL: [CancerType; 15] = [
        CancerType::Nsclc,
        CancerType::HodgkinLymphoma,
        CancerType::Dlbcl,
        CancerType::FollicularLymphoma,
        CancerType::Breast,
        CancerType::Melanoma,
        CancerType::Colorectal,
        CancerType::HeadNeckScc,
        CancerType::Prostate,
        CancerType::Neuroendocrine,
        CancerType::Sarcoidosis,
        CancerType::InfectionInflammation,
        CancerType::BrownFat,
        CancerType::PostRadiation,
        CancerType::ReactiveNodes,
    ];

    /// The id (snake_case), as stored and filtered on.
    pub const fn id(self) -> &'static str {
        match self {
            CancerType::Nsclc => "nsclc",
            CancerType::HodgkinLymphoma => "hodgkin_lymphoma",
            CancerType::Dlbcl => "dlbcl",
            CancerType::FollicularLymphoma => "follicular_lymphoma",
            CancerType::Breast => "breast",
            CancerType::Melanoma => "melanoma",
            CancerType::Colorectal => "colorectal",
            CancerType::HeadNeckScc => "head_neck_scc",
            CancerType::Prostate => "prostate",
            CancerType::Neuroendocrine => "neuroendocrine",
            CancerType::Sarcoidosis => "sarcoidosis",
            CancerType::InfectionInflammation => "infection_inflammation",
            CancerType::BrownFat => "brown_fat",
            CancerType::PostRadiation => "post_radiation",
            CancerType::ReactiveNodes => "reactive_nodes",
        }
    }

    /// The type with this id (exact, as stored); `None` for anything else, `unknown` included.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The name a report would use ("diffuse large B-cell lymphoma").
    pub const fn display_name(self) -> &'static str {
        match self {
            CancerType::Nsclc => "non-small cell lung cancer",
            CancerType::HodgkinLymphoma => "Hodgkin lymphoma",
            CancerType::Dlbcl => "diffuse large B-cell lymphoma",
            CancerType::FollicularLymphoma => "follicular lymphoma",
            CancerType::Breast => "breast cancer",
            CancerType::Melanoma => "melanoma",
            CancerType::Colorectal => "colorectal cancer",
            CancerType::HeadNeckScc => "head and neck squamous cell carcinoma",
            CancerType::Prostate => "prostate cancer",
            CancerType::Neuroendocrine => "neuroendocrine tumour",
            CancerType::Sarcoidosis => "sarcoidosis",
            CancerType::InfectionInflammation => "infection or inflammation",
            CancerType::BrownFat => "brown fat uptake",
            CancerType::PostRadiation => "post-radiation change",
            CancerType::ReactiveNodes => "reactive lymph nodes",
        }
    }

    /// The diagnostic family.
    pub const fn family(self) -> CancerFamily {
        match self {
            CancerType::Nsclc => CancerFamily::Lung,
            CancerType::HodgkinLymphoma | CancerType::Dlbcl | CancerType::FollicularLymphoma => {
                CancerFamily::Lymphoma
            }
            CancerType::Breast => CancerFamily::Breast,
            CancerType::Melanoma => CancerFamily::Melanoma,
            CancerType::Colorectal => CancerFamily::Colorectal,
            CancerType::HeadNeckScc => CancerFamily::HeadNeck,
            CancerType::Prostate => CancerFamily::Prostate,
            CancerType::Neuroendocrine => CancerFamily::Neuroendocrine,
            CancerType::Sarcoidosis
            | CancerType::InfectionInflammation
            | CancerType::BrownFat
            | CancerType::PostRadiation
            | CancerType::ReactiveNodes => CancerFamily::Benign,
        }
    }

    /// Whether this is a benign mimic (no stage, no response).
    pub const fn is_benign(self) -> bool {
        matches!(self.family(), CancerFamily::Benign)
    }

    /// The staging framework `priors-staging` applies to this type, if it has one.
    pub const fn staging(self) -> Option<StagingFramework> {
        match self.family() {
            CancerFamily::Lung => Some(StagingFramework::AjccLung),
            CancerFamily::Lymphoma => Some(StagingFramework::Lugano),
            _ => None,
        }
    }
}

impl CancerFamily {
    /// The id (snake_case).
    pub const fn id(self) -> &'static str {
        match self {
            CancerFamily::Lung => "lung",
            CancerFamily::Lymphoma => "lymphoma",
            CancerFamily::Breast => "breast",
            CancerFamily::Melanoma => "melanoma",
            CancerFamily::Colorectal => "colorectal",
            CancerFamily::HeadNeck => "head_neck",
            CancerFamily::Prostate => "prostate",
            CancerFamily::Neuroendocrine => "neuroendocrine",
            CancerFamily::Benign => "benign",
        }
    }
}

impl fmt::Display for CancerType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for CancerType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| {
            let ids: Vec<&str> = Self::ALL.iter().map(|t| t.id()).collect();
            format!(
                "unknown cancer type `{s}` (expected one of {})",
                ids.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_parse_and_serde() {
        for t in CancerType::ALL {
            assert_eq!(CancerType::parse(t.id()), Some(t));
            assert_eq!(t.id().parse::<CancerType>(), Ok(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.id()));
            assert_eq!(serde_json::from_str::<CancerType>(&json).unwrap(), t);
        }
        assert_eq!(CancerType::parse("unknown"), None);
        assert_eq!(CancerType::parse("NSCLC"), None, "ids are exact");
        assert!("lung".parse::<CancerType>().unwrap_err().contains("nsclc"));
    }

    #[test]
    fn families_and_frameworks() {
        let lymphomas: Vec<CancerType> = CancerType::ALL
            .into_iter()
            .filter(|t| t.family() == CancerFamily::Lymphoma)
            .collect();
        assert_eq!(
            lymphomas,
            [
                CancerType::HodgkinLymphoma,
                CancerType::Dlbcl,
                CancerType::FollicularLymphoma
            ]
        );
        assert_eq!(CancerType::ALL.iter().filter(|t| t.is_benign()).count(), 5);
        assert!(CancerType::ALL[..10].iter().all(|t| !t.is_benign()));
        let staged: Vec<(CancerType, StagingFramework)> = CancerType::ALL
            .into_iter()
            .filter_map(|t| t.staging().map(|s| (t, s)))
            .collect();
        assert_eq!(staged.len(), 4);
        assert_eq!(staged[0], (CancerType::Nsclc, StagingFramework::AjccLung));
        assert!(staged[1..]
            .iter()
            .all(|(_, s)| *s == StagingFramework::Lugano));
    }
}
