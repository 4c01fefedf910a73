//! The extractive drafter: deterministic sentences built from the findings, the staging
//! rules and the closest prior cases, each with its citations. No LLM.
//!
//! Sentences, in order (each only when it can be cited):
//! 1. up to three key findings (sentences of the findings with an SUV value or a word of
//!    abnormality), each citing the prior cases (up to two) that share most of its content
//!    words — "similar pattern in prior cases [C1][C3]";
//! 2. the rule-based staging of the findings, citing the passages that define each category;
//! 3. the diagnoses stated in the prior cases, each with the cases that state it;
//! 4. the first sentence of the closest prior case's impression, quoted, with its date;
//! 5. the best-matching guideline passage not cited yet, by title.

use crate::text::split_sentences;
use crate::{DraftContext, Drafter, ProposeFuture, Source, SourceKind};
use std::collections::HashSet;

/// Deterministic drafting (the default).
#[derive(Debug, Clone, Default)]
pub struct ExtractiveDrafter;

const ABNORMAL: &[&str] = &[
    "avid",
    "hypermetabolic",
    "uptake",
    "mass",
    "lesion",
    "nodule",
    "node",
    "nodes",
    "lymphadenopathy",
    "metasta",
    "suspicious",
    "malignan",
    "tumour",
    "tumor",
    "effusion",
    "deposit",
    "thicken",
    "consolidat",
    "enlarg",
    "progress",
    "new ",
    "increase",
    "decrease",
    "resolv",
    "residual",
    "sclerotic",
    "lytic",
    "deauville",
];

const STOP: &[&str] = &[
    "with",
    "that",
    "this",
    "there",
    "from",
    "which",
    "were",
    "have",
    "been",
    "without",
    "within",
    "measuring",
    "measures",
    "noted",
    "seen",
    "also",
    "demonstrates",
    "shows",
    "right",
    "left",
    "suvmax",
    "prior",
    "compared",
    "previously",
    "study",
    "findings",
];

/// Lowercase content words of four letters or more, minus a short stop list.
fn content_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect()
}

/// The findings sentences worth an impression line: abnormal statements, the ones with SUV
/// values and the most abnormality words first, at most `max`, returned in their original
/// order. Region labels (`Thorax:`) are dropped; pertinent negatives and physiologic
/// statements are never key findings unless they carry an SUV value.
fn key_findings(findings: &str, max: usize) -> Vec<String> {
    let mut scored: Vec<(usize, i32, String)> = Vec::new();
    for line in findings.lines() {
        let mut line = line.trim();
        // "Thorax: The right upper lobe…" → "The right upper lobe…"; a label alone is skipped.
        if let Some((label, rest)) = line.split_once(':') {
            if label.split_whitespace().count() <= 4 && !label.chars().any(|c| c.is_ascii_digit()) {
                line = rest.trim();
            }
        }
        for s in split_sentences(line) {
            let l = s.to_lowercase();
            let has_suv = l.contains("suv") && s.chars().any(|c| c.is_ascii_digit());
            let negative = l.starts_with("no ")
                || l.starts_with("there is no")
                || l.contains("without")
                || l.contains("unremarkable")
                || l.contains("normal")
                || l.contains("physiologic");
            if negative && !has_suv {
                continue;
            }
            let words = ABNORMAL.iter().filter(|w| l.contains(*w)).count() as i32;
            let score = words + if has_suv { 2 } else { 0 };
            if score > 0 {
                scored.push((scored.len(), score, s));
            }
        }
    }
    scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(max);
    scored.sort_by_key(|x| x.0);
    scored.into_iter().map(|x| x.2).collect()
}

/// Human name of a cancer type id (the vocabulary's display name; an id outside it is shown
/// with spaces for underscores).
pub(crate) fn diagnosis_name(cancer_type: &str) -> String {
    match priors_core::CancerType::parse(cancer_type) {
        Some(t) => t.display_name().to_string(),
        None => cancer_type.replace('_', " "),
    }
}

fn markers(ids: &[&str]) -> String {
    ids.iter().map(|id| format!("[{id}]")).collect()
}

/// Strip one trailing `.`/`;`/`:` so a template can continue the sentence.
fn open_end(s: &str) -> &str {
    s.trim().trim_end_matches(['.', ';', ':']).trim_end()
}

impl ExtractiveDrafter {
    /// The proposed sentences for `ctx`, in order (before verification).
    pub fn sentences(&self, ctx: &DraftContext) -> Vec<String> {
        let cases: Vec<&Source> = ctx.sources.of_kind(SourceKind::PriorCase).collect();
        let mut out = Vec::new();

        // 1. Key findings, each with the prior cases most like it.
        let case_words: Vec<HashSet<String>> =
            cases.iter().map(|c| content_words(&c.text)).collect();
        for finding in key_findings(&ctx.input.findings, 3) {
            let words = content_words(&finding);
            let mut support: Vec<(usize, usize)> = case_words
                .iter()
                .enumerate()
                .map(|(i, cw)| (i, words.intersection(cw).count()))
                .filter(|(_, n)| *n >= 2)
                .collect();
            // Most shared words first; retrieval order breaks ties.
            support.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let ids: Vec<&str> = support
                .iter()
                .take(2)
                .map(|(i, _)| cases[*i].id.as_str())
                .collect();
            if !ids.is_empty() {
                out.push(format!(
                    "{}; similar pattern in prior cases {}.",
                    open_end(&finding),
                    markers(&ids)
                ));
            }
        }

        // 2. Staging by rule.
        if let Some(st) = &ctx.staging {
            out.push(format!("Rule-based staging of the findings: {st}."));
        }

        // 3. Diagnoses of the prior cases.
        let mut diagnoses: Vec<(String, Vec<&str>)> = Vec::new();
        for c in &cases {
            if c.title.is_empty() {
                continue;
            }
            match diagnoses.iter_mut().find(|(d, _)| *d == c.title) {
                Some((_, ids)) => ids.push(&c.id),
                None => diagnoses.push((c.title.clone(), vec![&c.id])),
            }
        }
        if !diagnoses.is_empty() {
            let parts: Vec<String> = diagnoses
                .iter()
                .take(3)
                .map(|(d, ids)| format!("{} {}", diagnosis_name(d), markers(ids)))
                .collect();
            out.push(format!(
                "Prior cases with similar findings carried the diagnoses {}.",
                parts.join("; ")
            ));
        }

        // 4. The closest prior case's conclusion, quoted.
        if let Some(c) = cases.first() {
            if let Some(imp) = impression_of(&c.text) {
                let date = c.exam_date.as_deref().unwrap_or("undated");
                out.push(format!(
                    "The most similar prior report ({date}) concluded: \"{}\" [{}].",
                    open_end(&imp),
                    c.id
                ));
            }
        }

        // 5. The best guideline passage not cited yet.
        let cited: HashSet<String> = out.iter().flat_map(|s| crate::text::citations(s)).collect();
        if let Some(g) = ctx
            .sources
            .of_kind(SourceKind::Guideline)
            .find(|g| !cited.contains(&g.id) && g.score > 0.0)
        {
            out.push(format!(
                "Relevant guidance: {} [{}].",
                open_end(&g.title),
                g.id
            ));
        }
        out
    }
}

/// First sentence of the `IMPRESSION:` part of a source text built by the generator.
fn impression_of(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("IMPRESSION:")?;
    let mut rest = rest.trim_start();
    while let Some(r) = rest.strip_prefix(crate::WITHHELD) {
        rest = r.trim_start();
    }
    let s = priors_retrieval::snippet::first_sentence(rest.trim());
    (!s.is_empty()).then_some(s)
}

impl Drafter for ExtractiveDrafter {
    fn name(&self) -> &'static str {
        "extractive"
    }

    fn propose<'a>(
        &'a self,
        ctx: &'a DraftContext,
        out: tokio::sync::mpsc::UnboundedSender<String>,
    ) -> ProposeFuture<'a> {
        let sentences = self.sentences(ctx);
        Box::pin(async move {
            for s in sentences {
                if out.send(s).is_err() {
                    break;
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DraftInput, SourceSet};

    #[test]
    fn pertinent_negatives_are_not_key_findings() {
        let f = "No FDG-avid lymphadenopathy. Right upper lobe mass with SUVmax 12.3. Liver unremarkable.";
        assert_eq!(
            key_findings(f, 3),
            ["Right upper lobe mass with SUVmax 12.3."]
        );
    }

    #[test]
    fn drafts_are_deterministic_and_cite_only_their_sources() {
        let mut sources = SourceSet::default();
        let mut c = Source::test_double(
            SourceKind::PriorCase,
            "R9",
            "Report R9; exam date 2023-02-01.\nFINDINGS: Spiculated right upper lobe mass, SUVmax 9.1.\nIMPRESSION: Right upper lobe mass, likely primary lung cancer. Nodes.",
        );
        c.title = "nsclc".into();
        c.exam_date = Some("2023-02-01".into());
        sources.push(c);
        let ctx = DraftContext {
            input: DraftInput {
                findings: "Spiculated right upper lobe mass with SUVmax 12.3.".into(),
                ..Default::default()
            },
            sources,
            staging: None,
        };
        let a = ExtractiveDrafter.sentences(&ctx);
        assert_eq!(a, ExtractiveDrafter.sentences(&ctx));
        assert_eq!(
            a,
            [
                "Spiculated right upper lobe mass with SUVmax 12.3; similar pattern in prior cases [C1].",
                "Prior cases with similar findings carried the diagnoses non-small cell lung cancer [C1].",
                "The most similar prior report (2023-02-01) concluded: \"Right upper lobe mass, likely primary lung cancer\" [C1].",
            ]
        );
        let v = crate::Verifier::new(&ctx.input.input_text(), &ctx.sources);
        for s in &a {
            assert!(v.check(s).is_ok(), "{s}");
        }
    }
}
