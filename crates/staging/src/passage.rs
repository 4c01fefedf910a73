//! Guideline passages: the records of `data-samples/guidelines/passages.jsonl`, loading,
//! validation, and the ids the rules cite.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Result, StagingError};

/// One guideline passage: a short statement of one rule, in our own words, with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Passage {
    /// Stable id, lowercase letters, digits and `-` (e.g. `ajcc8-lung-t2a`). Answers cite it.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Where the rule comes from, e.g. `AJCC Cancer Staging Manual, 8th edition (lung)`.
    pub source: String,
    /// Edition or version of the source, e.g. `8th (2017)`.
    pub edition: String,
    /// Section within the source, e.g. `T category`.
    pub section: String,
    /// The passage text.
    pub text: String,
}

impl Passage {
    /// The first `max_chars` characters of the text, cut at a word boundary (never inside a
    /// UTF-8 character), with `…` appended when something was cut.
    pub fn snippet(&self, max_chars: usize) -> String {
        let text = self.text.trim();
        if text.chars().count() <= max_chars {
            return text.to_string();
        }
        let cut = text
            .char_indices()
            .nth(max_chars)
            .map_or(text.len(), |(i, _)| i);
        let head = &text[..cut];
        let head = match head.rfind(' ') {
            Some(i) if i > cut / 2 => &head[..i],
            _ => head,
        };
        format!("{}…", head.trim_end_matches([',', ';', ':', '.']))
    }
}

/// Read passages from a JSONL file (one [`Passage`] per line, blank lines skipped) and
/// validate them with [`validate_passages`].
pub fn load_passages(path: impl AsRef<Path>) -> Result<Vec<Passage>> {
    let out = read_jsonl(path.as_ref(), |_: &Passage| Ok(()))?;
    validate_passages(&out)?;
    Ok(out)
}

/// Read a JSONL file of `T` (blank lines skipped), running `check` on each record; a parse
/// or check failure is a [`StagingError::Record`] naming the file and line.
pub(crate) fn read_jsonl<T: serde::de::DeserializeOwned>(
    path: &Path,
    mut check: impl FnMut(&T) -> std::result::Result<(), String>,
) -> Result<Vec<T>> {
    let name = path.display().to_string();
    let raw = std::fs::read_to_string(path).map_err(|source| StagingError::Io {
        path: name.clone(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = |reason: String| StagingError::Record {
            path: name.clone(),
            line: i + 1,
            reason,
        };
        let value: T = serde_json::from_str(line).map_err(|e| record(e.to_string()))?;
        check(&value).map_err(record)?;
        out.push(value);
    }
    Ok(out)
}

/// Check passages: at least one, ids unique and well-formed, no empty field.
pub fn validate_passages(passages: &[Passage]) -> Result<()> {
    if passages.is_empty() {
        return Err(StagingError::Passages("no passages".into()));
    }
    let mut seen = HashSet::new();
    for p in passages {
        let fields = [
            ("id", &p.id),
            ("title", &p.title),
            ("source", &p.source),
            ("edition", &p.edition),
            ("section", &p.section),
            ("text", &p.text),
        ];
        for (field, value) in fields {
            if value.trim().is_empty() {
                return Err(StagingError::Passages(format!(
                    "passage {:?}: empty {field}",
                    p.id
                )));
            }
        }
        if !p
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(StagingError::Passages(format!(
                "passage id {:?}: only a-z, 0-9 and - are allowed",
                p.id
            )));
        }
        if !seen.insert(p.id.as_str()) {
            return Err(StagingError::Passages(format!(
                "duplicate passage id {:?}",
                p.id
            )));
        }
    }
    Ok(())
}

/// Check that every guideline id the rules can cite ([`CITED_GUIDELINE_IDS`]) is among the
/// passages.
pub fn check_cited_ids(passages: &[Passage]) -> Result<()> {
    let have: HashSet<&str> = passages.iter().map(|p| p.id.as_str()).collect();
    let absent: Vec<&str> = CITED_GUIDELINE_IDS
        .iter()
        .copied()
        .filter(|id| !have.contains(id))
        .collect();
    if absent.is_empty() {
        Ok(())
    } else {
        Err(StagingError::Passages(format!(
            "cited ids absent from the passages: {}",
            absent.join(", ")
        )))
    }
}

/// The guideline ids the rules cite; every one must exist in the passages file.
pub(crate) mod ids {
    macro_rules! ids {
        ($($name:ident = $id:literal,)*) => {
            $(pub(crate) const $name: &str = $id;)*
            /// All of them.
            pub(crate) const ALL: &[&str] = &[$($id),*];
        };
    }
    ids! {
        T1MI = "ajcc8-lung-t1mi",
        TIS = "ajcc8-lung-tis",
        T1A = "ajcc8-lung-t1a",
        T1B = "ajcc8-lung-t1b",
        T1C = "ajcc8-lung-t1c",
        T2 = "ajcc8-lung-t2",
        T2A = "ajcc8-lung-t2a",
        T2B = "ajcc8-lung-t2b",
        T3 = "ajcc8-lung-t3",
        T4 = "ajcc8-lung-t4",
        T_SIZE = "ajcc8-lung-t-size",
        SEPARATE_NODULES = "ajcc8-lung-separate-nodules",
        N0 = "ajcc8-lung-n0",
        N1 = "ajcc8-lung-n1",
        N2 = "ajcc8-lung-n2",
        N3 = "ajcc8-lung-n3",
        M0 = "ajcc8-lung-m0",
        M1A = "ajcc8-lung-m1a",
        M1B = "ajcc8-lung-m1b",
        M1C = "ajcc8-lung-m1c",
        EFFUSION = "ajcc8-lung-effusion",
        STAGE_0 = "ajcc8-lung-stage-0-occult",
        STAGE_IA = "ajcc8-lung-stage-ia",
        STAGE_IB = "ajcc8-lung-stage-ib",
        STAGE_IIA = "ajcc8-lung-stage-iia",
        STAGE_IIB = "ajcc8-lung-stage-iib",
        STAGE_IIIA = "ajcc8-lung-stage-iiia",
        STAGE_IIIB = "ajcc8-lung-stage-iiib",
        STAGE_IIIC = "ajcc8-lung-stage-iiic",
        STAGE_IVA = "ajcc8-lung-stage-iva",
        STAGE_IVB = "ajcc8-lung-stage-ivb",
        IASLC_LATERALITY = "iaslc-laterality",
        IASLC_1 = "iaslc-station-1",
        IASLC_2_4 = "iaslc-station-2-4",
        IASLC_3 = "iaslc-station-3",
        IASLC_5_6 = "iaslc-station-5-6",
        IASLC_7 = "iaslc-station-7",
        IASLC_8_9 = "iaslc-station-8-9",
        IASLC_10_14 = "iaslc-station-10-14",
        LUGANO_I = "lugano2014-stage-i",
        LUGANO_IE = "lugano2014-stage-ie",
        LUGANO_II = "lugano2014-stage-ii",
        LUGANO_IIE = "lugano2014-stage-iie",
        LUGANO_III = "lugano2014-stage-iii",
        LUGANO_IV = "lugano2014-stage-iv",
        LUGANO_REGIONS = "lugano2014-nodal-regions",
        LUGANO_EXTRANODAL = "lugano2014-extranodal",
        LUGANO_SPLEEN = "lugano2014-spleen",
        LUGANO_MARROW = "lugano2014-marrow",
        LUGANO_TIMING = "lugano2014-response-timing",
        CMR = "lugano2014-response-cmr",
        PMR = "lugano2014-response-pmr",
        NMR = "lugano2014-response-nmr",
        PMD = "lugano2014-response-pmd",
        DS1 = "deauville-1",
        DS2 = "deauville-2",
        DS3 = "deauville-3",
        DS4 = "deauville-4",
        DS5 = "deauville-5",
        DSX = "deauville-x",
    }
}

/// Every guideline id the rules can cite in [`crate::Evidence::guideline`].
pub const CITED_GUIDELINE_IDS: &[&str] = ids::ALL;

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: &str) -> Passage {
        Passage {
            id: id.into(),
            title: "t".into(),
            source: "s".into(),
            edition: "e".into(),
            section: "x".into(),
            text: "Some text here that is long enough to be cut somewhere.".into(),
        }
    }

    #[test]
    fn validation_rejects_bad_sets() {
        validate_passages(&[p("a-1"), p("b")]).unwrap();
        let mut empty_text = p("c");
        empty_text.text = "  ".into();
        let cases: Vec<(Vec<Passage>, &str)> = vec![
            (vec![], "no passages"),
            (vec![p("a"), p("a")], "duplicate"),
            (vec![p("A b")], "only a-z"),
            (vec![empty_text], "empty text"),
        ];
        for (set, want) in cases {
            let err = validate_passages(&set).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn snippets_cut_on_words_and_characters() {
        let mut x = p("a");
        assert_eq!(x.snippet(1000), x.text);
        let s = x.snippet(20);
        assert!(s.ends_with('…') && s.chars().count() <= 21, "{s}");
        x.text = "éééééééééé".into();
        assert_eq!(x.snippet(3), "ééé…");
    }

    #[test]
    fn cited_ids_are_unique() {
        let set: HashSet<_> = CITED_GUIDELINE_IDS.iter().collect();
        assert_eq!(set.len(), CITED_GUIDELINE_IDS.len());
    }
}
