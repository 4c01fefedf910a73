//! Verification: what may leave the server.
//!
//! A sentence is kept only when (1) it cites at least one source, (2) every cited id is a
//! source retrieved for this request, and (3) every number in it (citation markers aside)
//! appears in the request's own input or in one of the sources the sentence cites.

use crate::text::{citations, numbers, strip_citations};
use crate::{Removal, SourceSet};
use std::collections::{HashMap, HashSet};

/// Checks sentences against one request's input and sources.
#[derive(Debug)]
pub struct Verifier {
    input_numbers: HashSet<String>,
    source_numbers: HashMap<String, HashSet<String>>,
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
        }
    }

    /// The sentence's citations when it passes, or why it does not.
    pub fn check(&self, sentence: &str) -> Result<Vec<String>, Removal> {
        let cited = citations(sentence);
        let words = strip_citations(sentence);
        if !words.chars().any(char::is_alphabetic) {
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
        for n in numbers(&words) {
            let supported = self.input_numbers.contains(&n)
                || cited
                    .iter()
                    .any(|id| self.source_numbers.get(id).is_some_and(|s| s.contains(&n)));
            if !supported {
                return Err(Removal::UnsupportedNumber(n));
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
}
