//! Lesions as data: what one report says about one site of disease, extracted once at ingest.
//!
//! A [`Lesion`] is one statement of the findings about one anatomical site: a lesion or nodal
//! group with its size and SUVmax, a site the report says has no (more) uptake, or a reference
//! measurement of the liver or the mediastinal blood pool. `priors-staging` writes them
//! (`extract_lesions`), the stores keep them with each chunk, and `priors-compare` matches them
//! between two studies of one patient. Byte offsets are relative to the text the lesions were
//! extracted from (for stored lesions: the text of their chunk).

use serde::{Deserialize, Serialize};

/// What a lesion record says about its site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LesionRole {
    /// Disease described at the site (with or without numbers).
    Lesion,
    /// The site is described without (residual) uptake: "complete resolution of uptake in the
    /// spleen", "no FDG-avid axillary nodes". Matches a prior lesion as `resolved`.
    Clear,
    /// Reference SUVmax of the liver.
    LiverReference,
    /// Reference SUVmax of the mediastinal blood pool.
    BloodPoolReference,
}

/// One site statement of a report's findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lesion {
    /// What the record says.
    pub role: LesionRole,
    /// Site in the controlled vocabulary (snake_case): a nodal station or region
    /// (`cervical_nodes`, `subcarinal_nodes`, `para_aortic_nodes`…), an organ or a lobe
    /// (`lung_rml`, `liver`, `adrenal`, `spleen`), a bone (`bone_vertebra`, `bone_rib`,
    /// `bone_iliac`…), or the reference organ.
    pub site: String,
    /// Coarser group used when sites are named differently in two reports (`nodes_mediastinal`,
    /// `lung`, `bone`, `liver`…).
    pub group: String,
    /// `left`, `right` or `bilateral`, when the text says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// Finer location as written (a liver segment, a vertebral level, a station, a quadrant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Greatest stated dimension in millimetres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_mm: Option<f32>,
    /// SUVmax stated for the site on this study (for references: the reference value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suv_max: Option<f32>,
    /// SUVmax the report quotes for an earlier study ("previously SUVmax 13.3"); a hint only,
    /// comparisons read the stored prior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_suv_max: Option<f32>,
    /// The report calls it new.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new: bool,
    /// The report calls it benign, physiological, a treatment effect, or leaves it open
    /// (infection, sarcoid-like, equivocal): listed, never counted as disease.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_disease: bool,
    /// Byte offset of the statement's start.
    pub start: u32,
    /// Byte offset one past its end.
    pub end: u32,
}

impl Lesion {
    /// Disease that counts for response: a lesion record not called benign or uncertain.
    pub fn is_disease(&self) -> bool {
        self.role == LesionRole::Lesion && !self.not_disease
    }

    /// The site in words, e.g. `left cervical nodes (levels II-IV)`, `right middle lobe`.
    pub fn label(&self) -> String {
        let mut s = String::new();
        if let Some(side) = &self.side {
            s.push_str(side);
            s.push(' ');
        }
        s.push_str(&site_name(&self.site));
        if let Some(d) = &self.detail {
            s.push_str(" (");
            s.push_str(d);
            s.push(')');
        }
        s
    }

    /// The same record with its offsets moved by `by` bytes (a chunk's lesions placed in the
    /// text of the whole findings section).
    pub fn shifted(&self, by: u32) -> Lesion {
        Lesion {
            start: self.start + by,
            end: self.end + by,
            ..self.clone()
        }
    }
}

/// A vocabulary site in words (`lung_rml` → `right middle lobe`, `para_aortic_nodes` →
/// `para-aortic nodes`, `bone_spine` → `spine`).
pub fn site_name(site: &str) -> String {
    let fixed = match site {
        "lung_rul" => "right upper lobe",
        "lung_rml" => "right middle lobe",
        "lung_rll" => "right lower lobe",
        "lung_lul" => "left upper lobe",
        "lung_lll" => "left lower lobe",
        "para_aortic_nodes" => "para-aortic nodes",
        "bone_spine" => "spine",
        "bone_iliac" => "iliac bone",
        "bone_pelvis" => "pelvic bones",
        "bone_rib" => "rib",
        "bone_sternum" => "sternum",
        "bone_sacrum" => "sacrum",
        "bone_femur" => "femur",
        "bone_humerus" => "humerus",
        "bone_scapula" => "scapula",
        "bone_clavicle" => "clavicle",
        "bone_skull" => "skull",
        "all_sites" => "previously involved sites",
        "blood_pool" => "mediastinal blood pool",
        other => return other.replace('_', " "),
    };
    fixed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_label() {
        let l = Lesion {
            role: LesionRole::Lesion,
            site: "cervical_nodes".into(),
            group: "nodes_neck".into(),
            side: Some("right".into()),
            detail: Some("levels II-IV".into()),
            size_mm: Some(84.0),
            suv_max: Some(13.3),
            previous_suv_max: None,
            new: false,
            not_disease: false,
            start: 3,
            end: 40,
        };
        let j = serde_json::to_string(&l).unwrap();
        assert!(!j.contains("previous_suv_max"), "{j}");
        assert!(!j.contains("\"new\""), "{j}");
        let back: Lesion = serde_json::from_str(&j).unwrap();
        assert_eq!(back, l);
        assert_eq!(l.label(), "right cervical nodes (levels II-IV)");
        assert_eq!(site_name("lung_rml"), "right middle lobe");
        assert_eq!(site_name("mesenteric_nodes"), "mesenteric nodes");
        assert!(l.is_disease());
        assert_eq!(l.shifted(10).start, 13);
        let clear = Lesion {
            role: LesionRole::Clear,
            ..l
        };
        assert!(!clear.is_disease());
    }
}
