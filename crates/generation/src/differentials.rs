//! Differential diagnoses ranked by the retrieval evidence of similar prior cases.
//!
//! The prior cases most like the findings (the current patient excluded) vote for the
//! diagnosis their indication states, each with its fused retrieval score; the shares of
//! the score mass rank the differentials. Each differential carries the cases that support
//! it and the guideline passages that best match the diagnosis and the findings, and one
//! verified sentence of rationale. Cases with no stated diagnosis do not vote.

use crate::generator::{first_sentence, name_of, passage_source};
use crate::{GenerationError, Generator, Source, SourceKind, SourceSet, Verifier};
use priors_core::SearchFilter;
use priors_retrieval::{Mode, Per, Query};
use serde::Serialize;

/// One differential diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Differential {
    /// Cancer type id or benign diagnosis (`nsclc`, `sarcoidosis`, …).
    pub diagnosis: String,
    /// Share of the supporting evidence, 0..1 (sums to 1 over the list).
    pub score: f64,
    /// Source ids of the supporting prior cases.
    pub prior_cases: Vec<String>,
    /// Source ids of the supporting guideline passages.
    pub guideline_passages: Vec<String>,
    /// One cited sentence (verified; empty when it did not verify).
    pub rationale: String,
}

/// The differentials of one request, with their sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Differentials {
    /// Ranked, best first.
    pub differentials: Vec<Differential>,
    /// Every source cited.
    pub sources: Vec<Source>,
}

impl Generator {
    /// Differentials for `findings` (blocking: call from a blocking thread).
    pub fn differentials(
        &self,
        findings: &str,
        indication: &str,
        patient_id: Option<&str>,
        k: usize,
        max: usize,
    ) -> Result<Differentials, GenerationError> {
        if findings.trim().is_empty() {
            return Err(GenerationError::Invalid {
                field: "findings",
                reason: "must not be empty".into(),
            });
        }
        let limits = self.limits();
        if findings.len() + indication.len() > limits.max_input_bytes {
            return Err(GenerationError::Invalid {
                field: "findings",
                reason: format!("longer than {} bytes", limits.max_input_bytes),
            });
        }
        let max_k = limits.max_k.max(limits.differentials_k);
        if k > max_k {
            return Err(GenerationError::Invalid {
                field: "k",
                reason: format!("{k} is above the limit of {max_k}"),
            });
        }
        let k = if k == 0 { limits.differentials_k } else { k };
        let max = if max == 0 {
            limits.differentials_max
        } else {
            max
        };
        let hits = self.reports().search(&Query {
            text: findings.to_string(),
            k,
            mode: Mode::Hybrid,
            filter: SearchFilter {
                exclude_patients: patient_id.map(|p| vec![p.to_string()]).unwrap_or_default(),
                ..Default::default()
            },
            // Cases, not reports: one patient's staging and interim scans vote once.
            per: Per::Patient,
        })?;
        // Votes per diagnosis, in order of first appearance.
        let mut votes: Vec<(String, f64, Vec<usize>)> = Vec::new();
        for (i, h) in hits.iter().enumerate() {
            let Some(ct) = &h.cancer_type else { continue };
            match votes.iter_mut().find(|(d, _, _)| d == ct) {
                Some(v) => {
                    v.1 += h.score;
                    v.2.push(i);
                }
                None => votes.push((ct.clone(), h.score, vec![i])),
            }
        }
        votes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        votes.truncate(max);
        let total: f64 = votes.iter().map(|v| v.1).sum();
        // The supporting cases' chunks, read in one scan.
        let supporting: Vec<String> = votes
            .iter()
            .flat_map(|(_, _, members)| members.iter().take(3))
            .map(|&i| hits[i].report_id.clone())
            .collect();
        let stored = self.reports().reports_chunks(&supporting)?;
        let mut sources = SourceSet::default();
        let mut out = Vec::new();
        for (diagnosis, mass, members) in votes {
            let mut cases = Vec::new();
            for &i in members.iter().take(3) {
                let h = &hits[i];
                // Deleted since the search: not a supporting case any more.
                let Some(chunks) = stored.get(&h.report_id) else {
                    continue;
                };
                let impression = chunks
                    .iter()
                    .find(|c| c.section == priors_core::SectionKind::Impression)
                    .map(|c| first_sentence(&crate::withhold_instructions(&c.text)))
                    .unwrap_or_default();
                let text = format!(
                    "Prior report {}; patient {}; exam date {}; stated diagnosis {}.\nIMPRESSION: {}",
                    h.report_id, h.patient_id, h.exam_date, diagnosis, impression
                );
                cases.push(sources.push(Source {
                    id: String::new(),
                    kind: SourceKind::PriorCase,
                    ref_id: h.report_id.clone(),
                    patient_id: Some(h.patient_id.clone()),
                    exam_date: Some(h.exam_date.to_string()),
                    title: diagnosis.clone(),
                    citation: None,
                    snippet: crate::withhold_instructions(&h.snippet),
                    text,
                    score: h.score,
                }));
            }
            let mut passages = Vec::new();
            if let Some(g) = self.guidelines() {
                let q = format!("{} {}", name_of(&diagnosis), findings);
                for gh in g.search(&Query {
                    text: q,
                    k: 2,
                    mode: Mode::Hybrid,
                    filter: SearchFilter::default(),
                    per: Per::Report,
                })? {
                    if let Some(p) = self.passage(&gh.report_id) {
                        passages.push(sources.push(passage_source(p, gh.score)));
                    }
                }
            }
            let markers: String = cases.iter().map(|c| format!("[{c}]")).collect();
            let rationale = format!(
                "{} was the stated diagnosis of prior cases with similar findings {markers}.",
                capitalise(&name_of(&diagnosis))
            );
            out.push(Differential {
                diagnosis,
                score: if total > 0.0 { mass / total } else { 0.0 },
                prior_cases: cases,
                guideline_passages: passages,
                rationale,
            });
        }
        // Verify every rationale like a draft sentence.
        let verifier = Verifier::new(&format!("{findings}\n{indication}"), &sources);
        for d in &mut out {
            if verifier.check(&d.rationale).is_err() {
                d.rationale.clear();
            }
        }
        Ok(Differentials {
            differentials: out,
            sources: sources.into_vec(),
        })
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
