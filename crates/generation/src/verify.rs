//! Verification: what may leave the server.
//!
//! A sentence is kept only when (1) it cites at least one source, (2) every cited id is a
//! source retrieved for this request, (3) every number in it (citation markers aside)
//! appears in the request's own input or in one of the sources the sentence cites, and (4)
//! every content word of five letters or more is either in that input or cited source (its
//! first six letters match a word there: `metastatic` ~ `metastases`) or one of the
//! connective words drafts are built with ([`CONNECTIVES`]). Rule (4) is lexical, not
//! semantic: it stops invented terms (a diagnosis no source names), not a wrong pairing of
//! words that all occur in the sources. Tokens that mix letters and digits (`C7`, `T2a`,
//! `10R`) and number words (`two`, `nine`) must occur as such in the input or a cited source,
//! so a source id written outside a citation marker (`(C7)`, `[C1-C9]`) never passes; digits
//! other than ASCII are refused.

use crate::text::{citations, is_source_id, numbers, strip_citations};
use crate::{Removal, SourceSet};
use std::collections::{HashMap, HashSet};

/// Words a sentence may use without a source: the drafters' own connectives and the names
/// of the diagnoses the corpus knows.
pub const CONNECTIVES: &[&str] = &[
    // extractive templates
    "similar",
    "pattern",
    "prior",
    "cases",
    "rule-based",
    "staging",
    "findings",
    "carried",
    "diagnoses",
    "diagnosis",
    "concluded",
    "report",
    "relevant",
    "guidance",
    "stated",
    // diagnosis names
    "non-small",
    "cancer",
    "lymphoma",
    "hodgkin",
    "diffuse",
    "large",
    "b-cell",
    "follicular",
    "breast",
    "melanoma",
    "colorectal",
    "squamous",
    "carcinoma",
    "prostate",
    "neuroendocrine",
    "tumour",
    "sarcoidosis",
    "infection",
    "inflammation",
    "brown",
    "uptake",
    "post-radiation",
    "change",
    "reactive",
    "lymph",
    "nodes",
    // common impression connectives
    "consistent",
    "compatible",
    "suggestive",
    "suggests",
    "likely",
    "probably",
    "possible",
    "possibly",
    "representing",
    "favour",
    "favor",
    "which",
    "these",
    "there",
    "their",
    "other",
    "about",
    "above",
    "below",
    "compared",
    "comparison",
    "current",
    "previous",
    "previously",
    "study",
    "examination",
    "impression",
    "overall",
    "further",
    "known",
    "would",
    "could",
    "correspond",
    "corresponds",
    "meets",
    "definition",
    "according",
    "criteria",
    "disease",
    "involvement",
    "activity",
    // comparison with the patient's prior study
    "deauville",
    "metabolic",
    "response",
    "complete",
    "partial",
    "progressive",
    "stable",
    "percist-style",
    "criteria",
    "applied",
    "suvmax",
    "increased",
    "decreased",
    "resolved",
    "since",
    "lesion",
    "cannot",
    "assigned",
    "given",
    "distant",
    "metastatic",
];

fn stem(word: &str) -> String {
    word.chars().take(6).collect::<String>().to_lowercase()
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
}

fn stems(text: &str) -> HashSet<String> {
    words(text)
        .flat_map(|w| {
            // "rule-based" is also "rule" and "based".
            std::iter::once(stem(w)).chain(w.split('-').map(stem))
        })
        .collect()
}

/// Number words that must come from the input or a cited source.
const NUMBER_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "hundred", "single", "twice", "double", "dozen",
];

/// Tokens split on every non-alphanumeric character, lowercased.
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Checks sentences against one request's input and sources.
#[derive(Debug)]
pub struct Verifier {
    input_numbers: HashSet<String>,
    source_numbers: HashMap<String, HashSet<String>>,
    input_stems: HashSet<String>,
    source_stems: HashMap<String, HashSet<String>>,
    input_tokens: HashSet<String>,
    source_tokens: HashMap<String, HashSet<String>>,
    connectives: HashSet<String>,
}

impl Verifier {
    /// A verifier for a request whose input text (findings, indication, comparison) is
    /// `input`, with the retrieved `sources`.
    pub fn new(input: &str, sources: &SourceSet) -> Self {
        Verifier {
            input_numbers: numbers(input).into_iter().collect(),
            source_numbers: sources
                .iter()
                .map(|s| (s.id.clone(), numbers(&s.text).into_iter().collect()))
                .collect(),
            input_stems: stems(input),
            source_stems: sources
                .iter()
                .map(|s| (s.id.clone(), stems(&s.text)))
                .collect(),
            input_tokens: tokens(input).collect(),
            source_tokens: sources
                .iter()
                .map(|s| (s.id.clone(), tokens(&s.text).collect()))
                .collect(),
            connectives: CONNECTIVES.iter().map(|w| w.to_lowercase()).collect(),
        }
    }

    /// The sentence's citations when it passes, or why it does not.
    pub fn check(&self, sentence: &str) -> Result<Vec<String>, Removal> {
        let cited = citations(sentence);
        let plain = strip_citations(sentence);
        if !plain.chars().any(char::is_alphabetic) {
            return Err(Removal::Empty);
        }
        if cited.is_empty() {
            return Err(Removal::Uncited);
        }
        if let Some(bad) = cited
            .iter()
            .find(|id| !self.source_numbers.contains_key(*id))
        {
            return Err(Removal::UnknownCitation(bad.clone()));
        }
        if let Some(c) = plain
            .chars()
            .find(|c| c.is_numeric() && !c.is_ascii_digit())
        {
            return Err(Removal::UnsupportedNumber(c.to_string()));
        }
        for t in tokens(&plain) {
            let mixed = t.chars().any(|c| c.is_ascii_digit()) && t.chars().any(char::is_alphabetic);
            if !(mixed || NUMBER_WORDS.contains(&t.as_str())) {
                continue;
            }
            let supported = self.input_tokens.contains(&t)
                || cited
                    .iter()
                    .any(|id| self.source_tokens.get(id).is_some_and(|s| s.contains(&t)));
            if !supported {
                return Err(if mixed && is_source_id(&t.to_uppercase()) {
                    Removal::UnknownCitation(t.to_uppercase())
                } else if mixed {
                    Removal::UnsupportedTerm(t)
                } else {
                    Removal::UnsupportedNumber(t)
                });
            }
        }
        for n in numbers(&plain) {
            let supported = self.input_numbers.contains(&n)
                || cited
                    .iter()
                    .any(|id| self.source_numbers.get(id).is_some_and(|s| s.contains(&n)));
            if !supported {
                return Err(Removal::UnsupportedNumber(n));
            }
        }
        for w in words(&plain) {
            let alphabetic = w.chars().filter(|c| c.is_alphabetic()).count();
            if alphabetic < 5 || w.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let lower = w.to_lowercase();
            if self.connectives.contains(&lower) {
                continue;
            }
            let st = stem(w);
            let supported = self.input_stems.contains(&st)
                || cited
                    .iter()
                    .any(|id| self.source_stems.get(id).is_some_and(|s| s.contains(&st)));
            if !supported {
                return Err(Removal::UnsupportedTerm(w.to_string()));
            }
        }
        Ok(cited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Source, SourceKind};

    fn sources() -> SourceSet {
        let mut s = SourceSet::default();
        s.push(Source::test_double(
            SourceKind::PriorCase,
            "R1",
            "Node SUVmax 8.4 at 4R.",
        ));
        s.push(Source::test_double(
            SourceKind::Guideline,
            "ajcc8-lung-n2",
            "N2: ipsilateral mediastinal nodes.",
        ));
        s
    }

    #[test]
    fn keeps_cited_sentences_with_supported_numbers() {
        let v = Verifier::new("Mass SUVmax 12.3, 3.1 cm.", &sources());
        assert_eq!(
            v.check("Mass SUVmax 12.3 [C1]."),
            Ok(vec!["C1".to_string()])
        );
        assert_eq!(
            v.check("Node SUVmax 8.40 at 4R [C1][G1]."),
            Ok(vec!["C1".into(), "G1".into()])
        );
        assert_eq!(v.check("N2 disease [G1]."), Ok(vec!["G1".to_string()]));
    }

    #[test]
    fn removes_uncited_unknown_and_unsupported() {
        let v = Verifier::new("Mass SUVmax 12.3.", &sources());
        assert_eq!(v.check("Mass is malignant."), Err(Removal::Uncited));
        assert_eq!(
            v.check("Mass [C7]."),
            Err(Removal::UnknownCitation("C7".into()))
        );
        // 8.4 is in C1 but the sentence cites only G1.
        assert_eq!(
            v.check("SUVmax 8.4 [G1]."),
            Err(Removal::UnsupportedNumber("8.4".into()))
        );
        assert_eq!(
            v.check("Mass of 5 cm [C1]."),
            Err(Removal::UnsupportedNumber("5".into()))
        );
        assert_eq!(v.check("[C1]."), Err(Removal::Empty));
    }

    #[test]
    fn removes_invented_terms_but_accepts_inflections_and_connectives() {
        let v = Verifier::new("Mediastinal nodes, likely metastases.", &sources());
        assert_eq!(
            v.check("Prothrombal carcinoma of the lung [G1]."),
            Err(Removal::UnsupportedTerm("Prothrombal".into()))
        );
        // "metastatic" ~ "metastases" (input); "ipsilateral" is in G1; "consistent" is a
        // connective.
        assert_eq!(
            v.check("Ipsilateral mediastinal nodes, consistent with metastatic spread [G1]."),
            Err(Removal::UnsupportedTerm("spread".into())),
        );
        assert!(v
            .check("Ipsilateral mediastinal nodes, likely metastatic disease [G1].")
            .is_ok());
    }

    #[test]
    fn source_ids_outside_markers_number_words_and_foreign_digits_are_refused() {
        let v = Verifier::new("Node at 4R, SUVmax 8,4. Lesion at C7.", &sources());
        assert_eq!(
            v.check("Node (C7) at 4R [C1]."),
            Ok(vec!["C1".to_string()]),
            "C7 is in the input"
        );
        assert_eq!(
            v.check("Node (C5) at 4R [C1]."),
            Err(Removal::UnknownCitation("C5".into()))
        );
        assert_eq!(
            v.check("Nodes [C2-C9] at 4R [C1]."),
            Err(Removal::UnknownCitation("C2".into()))
        );
        assert_eq!(
            v.check("Two nodes at 4R [C1]."),
            Err(Removal::UnsupportedNumber("two".into()))
        );
        assert_eq!(
            v.check("SUVmax ８ [C1]."),
            Err(Removal::UnsupportedNumber("８".into()))
        );
        assert_eq!(v.check("SUVmax 8,4 [C1]."), Ok(vec!["C1".to_string()]));
        assert_eq!(
            v.check("SUVmax 4,8 [C1]."),
            Err(Removal::UnsupportedNumber("4,8".into()))
        );
        assert_eq!(
            v.check("Node at 11R [C1]."),
            Err(Removal::UnsupportedTerm("11r".into()))
        );
    }
}
