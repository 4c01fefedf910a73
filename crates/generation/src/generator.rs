//! Request orchestration: sources → drafter → verification → events, with the fallback.

use crate::{
    extractive::diagnosis_name, Draft, DraftContext, DraftEvent, DraftInput, DraftMode, Drafter,
    ExtractiveDrafter, GenerationError, LlmDrafter, PatientComparison, Sentence, Source,
    SourceKind, SourceSet, Verification, Verifier,
};
use priors_core::{SearchFilter, SectionKind};
use priors_retrieval::{snippet, Mode, Per, Query, Retriever};
use priors_staging::{Cancer, Passage, StagingAnswer};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Bounds and defaults of requests (`[drafting]` in the configuration).
#[derive(Debug, Clone)]
pub struct DraftLimits {
    /// Largest findings + indication + comparison, in bytes.
    pub max_input_bytes: usize,
    /// Prior cases when the request says 0.
    pub default_k: usize,
    /// Largest k accepted.
    pub max_k: usize,
    /// Guideline passages from search (besides those the staging rules cite).
    pub guideline_k: usize,
    /// Time kept back from the caller's deadline for the extractive fallback.
    pub fallback_reserve: Duration,
    /// Prior cases voting in differentials when the request says 0.
    pub differentials_k: usize,
    /// Differentials returned when the request says 0.
    pub differentials_max: usize,
}

impl DraftLimits {
    /// The limits `[drafting]` gives; a draft's `max_k` is also capped by `retrieval.max_k`.
    pub fn from_config(config: &priors_core::Config) -> Self {
        let d = &config.drafting;
        DraftLimits {
            max_input_bytes: d.max_input_bytes,
            default_k: d.default_k,
            max_k: d.max_k.min(config.retrieval.max_k),
            guideline_k: d.guideline_k,
            fallback_reserve: Duration::from_millis(d.fallback_reserve_ms),
            differentials_k: d.differentials_k,
            differentials_max: d.differentials_max,
        }
    }
}

/// Drafts impressions and differentials for one deployment (the collections, passages and
/// optional LLM are fixed at construction).
pub struct Generator {
    reports: Arc<Retriever>,
    guidelines: Option<Arc<Retriever>>,
    passages: Arc<Vec<Passage>>,
    /// Position of each passage in `passages`, by id.
    passage_ids: HashMap<String, usize>,
    llm: Option<LlmDrafter>,
    limits: DraftLimits,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generator")
            .field("guidelines", &self.guidelines.is_some())
            .field("passages", &self.passages.len())
            .field("llm", &self.llm)
            .field("limits", &self.limits)
            .finish()
    }
}

/// The outcome of running one drafter.
enum Attempt {
    /// Finished; the verified sentences were streamed.
    Done,
    /// Failed (or timed out) after streaming `streamed` sentences.
    Failed { reason: String, streamed: usize },
    /// The receiver of events is gone.
    Cancelled,
}

impl Generator {
    /// A generator over the `reports` retriever, the optional `guidelines` retriever, the
    /// staging passages, and an optional LLM.
    pub fn new(
        reports: Arc<Retriever>,
        guidelines: Option<Arc<Retriever>>,
        passages: Arc<Vec<Passage>>,
        llm: Option<LlmDrafter>,
        limits: DraftLimits,
    ) -> Self {
        let passage_ids = passages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        Generator {
            reports,
            guidelines,
            passages,
            passage_ids,
            llm,
            limits,
        }
    }

    /// Whether an LLM endpoint is configured.
    pub fn has_llm(&self) -> bool {
        self.llm.is_some()
    }

    /// The retriever over prior reports.
    pub fn reports(&self) -> &Arc<Retriever> {
        &self.reports
    }

    /// Check a request before any work.
    pub fn validate(&self, input: &DraftInput) -> Result<(), GenerationError> {
        if input.findings.trim().is_empty() {
            return Err(GenerationError::Invalid {
                field: "findings",
                reason: "must not be empty".into(),
            });
        }
        let size = input.findings.len() + input.indication.len() + input.comparison.len();
        if size > self.limits.max_input_bytes {
            return Err(GenerationError::Invalid {
                field: "findings",
                reason: format!(
                    "findings, indication and comparison total {size} bytes; the limit is {}",
                    self.limits.max_input_bytes
                ),
            });
        }
        if input.k > self.limits.max_k {
            return Err(GenerationError::Invalid {
                field: "k",
                reason: format!("{} is above the limit of {}", input.k, self.limits.max_k),
            });
        }
        Ok(())
    }

    /// Retrieve the sources of a request (blocking: call from a blocking thread).
    pub fn context(&self, input: &DraftInput) -> Result<DraftContext, GenerationError> {
        let k = if input.k == 0 {
            self.limits.default_k
        } else {
            input.k
        };
        let mut sources = SourceSet::default();
        let exclude: Vec<String> = input.patient_id.iter().cloned().collect();
        let query = format!("{}\n{}", input.indication, input.findings);
        let (hits, vector) = self.reports.search_and_vector(&Query {
            text: query.clone(),
            k,
            mode: Mode::Hybrid,
            filter: SearchFilter {
                exclude_patients: exclude,
                ..Default::default()
            },
            // Prior cases are cases: one per patient (its best-matching report).
            per: Per::Patient,
        })?;
        // Every hit's chunks in one read; a report deleted or replaced since the search is
        // skipped, not an error.
        let ids: Vec<String> = hits.iter().map(|h| h.report_id.clone()).collect();
        let mut chunks = self.reports.reports_chunks(&ids)?;
        for h in hits {
            if let Some(chunks) = chunks.remove(&h.report_id) {
                sources.push(case_source(&h, &chunks));
            }
        }

        // The patient's own prior study, compared lesion by lesion.
        let patient = self.patient_comparison(input, &mut sources)?;

        // Staging by rule, when the indication (or findings) names a staged cancer. Not when
        // the comparison with the patient's prior answers the follow-up already (it decided a
        // response), and not TNM on a lung follow-up (the indication says interim, end of
        // treatment, surveillance or recurrence): clinical TNM belongs to the pre-treatment
        // scan.
        let follow_up =
            priors_compare::course::timepoint_of(&input.indication).is_some_and(|t| t != "staging");
        let answered = patient
            .as_ref()
            .is_some_and(|p| p.comparison.response.is_some());
        let staging = self
            .stage(input)
            .filter(|a| !(answered || follow_up && a.cancer == Cancer::Lung))
            .map(|answer| {
                let mut ids: Vec<String> = Vec::new();
                for e in &answer.evidence {
                    if let Some(p) = self.passage(&e.guideline) {
                        let id = sources.push(passage_source(p, 0.0));
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
                (summary(&answer), ids)
            });
        let staging = match staging {
            Some((Some(text), ids)) if !ids.is_empty() => Some(format!(
                "{text} {}",
                ids.iter().map(|i| format!("[{i}]")).collect::<String>()
            )),
            _ => None,
        };

        if let Some(g) = &self.guidelines {
            let q = Query {
                text: query,
                k: self.limits.guideline_k,
                mode: Mode::Hybrid,
                filter: SearchFilter::default(),
                per: Per::Report,
            };
            // Same text, same model: the vector embedded for the reports search is re-used.
            let hits = match vector.as_deref() {
                Some(v) if g.model_id() == self.reports.model_id() => {
                    g.search_with_vector(&q, Some(v))?
                }
                _ => g.search(&q)?,
            };
            for h in hits {
                if let Some(p) = self.passage(&h.report_id) {
                    sources.push(passage_source(p, h.score));
                }
            }
        }
        Ok(DraftContext {
            input: input.clone(),
            sources,
            staging,
            patient,
        })
    }

    /// Compare the findings with the patient's prior study (see [`crate::patient`]); its
    /// source becomes `P1` and the passages its decisions cite join the sources.
    fn patient_comparison(
        &self,
        input: &DraftInput,
        sources: &mut SourceSet,
    ) -> Result<Option<PatientComparison>, GenerationError> {
        let Some(pid) = input.patient_id.as_deref().filter(|p| !p.trim().is_empty()) else {
            return Ok(None);
        };
        let timeline = match self.reports.timeline(pid) {
            Ok(t) => t,
            Err(priors_retrieval::RetrievalError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let studies: Vec<(String, chrono::NaiveDate, Option<String>)> = timeline
            .iter()
            .map(|e| (e.report_id.clone(), e.exam_date, e.cancer_type.clone()))
            .collect();
        let today = priors_compare::course::today();
        let found = priors_compare::course::compare_with_prior(
            &studies,
            &input.findings,
            &input.indication,
            &input.comparison,
            input.exam_date.unwrap_or(today),
            |ids| self.reports.reports_chunks(ids),
        )?;
        let Some((comparison, chunks)) = found else {
            return Ok(None);
        };
        let Some(source) = crate::patient::patient_source(&chunks) else {
            return Ok(None);
        };
        let report_id = source.ref_id.clone();
        let exam_date = chunks[0].exam_date;
        let source_id = sources.push(source);
        for e in &comparison.evidence {
            if let Some(p) = self.passage(&e.guideline) {
                sources.push(passage_source(p, 0.0));
            }
        }
        Ok(Some(PatientComparison {
            source_id,
            report_id,
            exam_date,
            comparison,
        }))
    }

    /// Staging by rule when the indication states a cancer that has a staging framework.
    fn stage(&self, input: &DraftInput) -> Option<StagingAnswer> {
        let stated = priors_parse::stated_cancer_type(&input.indication)?;
        let cancer = Cancer::for_cancer_type(stated)?;
        Some(priors_staging::stage(cancer, &input.findings))
    }

    /// Draft an impression: stream verified sentences into `events`, return the final draft.
    /// `deadline` is the caller's (the LLM gets what is left minus a reserve for the
    /// extractive fallback).
    pub async fn draft(
        self: &Arc<Self>,
        input: DraftInput,
        deadline: Option<Instant>,
        events: mpsc::Sender<DraftEvent>,
    ) -> Result<Draft, GenerationError> {
        self.validate(&input)?;
        let ctx = {
            let this = Arc::clone(self);
            let input = input.clone();
            tokio::task::spawn_blocking(move || this.context(&input))
                .await
                .map_err(|e| GenerationError::Internal(format!("retrieval task: {e}")))??
        };
        let verifier = Verifier::new(&input.input_text(), &ctx.sources);
        let mut verification = Verification::default();
        let mut sentences: Vec<Sentence> = Vec::new();

        let want_llm = match input.mode {
            DraftMode::Extractive => false,
            DraftMode::Llm => true,
            DraftMode::Default => self.llm.is_some(),
        };
        let mut mode = "extractive";
        let mut fallback_reason = None;
        if want_llm {
            match &self.llm {
                None => {
                    mode = "llm_fallback";
                    fallback_reason = Some("no LLM endpoint is configured".to_string());
                }
                Some(llm) => {
                    let mut budget = llm.timeout();
                    if let Some(d) = deadline {
                        let left = d.saturating_duration_since(Instant::now());
                        budget = budget.min(left.saturating_sub(self.limits.fallback_reserve));
                    }
                    let attempt = run_drafter(
                        llm,
                        &ctx,
                        &verifier,
                        budget,
                        &mut sentences,
                        &mut verification,
                        &events,
                    )
                    .await;
                    match attempt {
                        Attempt::Done if !sentences.is_empty() => mode = "llm",
                        Attempt::Done => {
                            mode = "llm_fallback";
                            fallback_reason =
                                Some("the LLM draft had no verifiable sentence".to_string());
                        }
                        Attempt::Failed { reason, streamed } => {
                            tracing::warn!(reason = %reason, "LLM drafting failed; falling back to extractive");
                            mode = "llm_fallback";
                            if streamed > 0
                                && events
                                    .send(DraftEvent::Restart(reason.clone()))
                                    .await
                                    .is_err()
                            {
                                return Err(GenerationError::DeadlineExceeded);
                            }
                            verification.withdrawn += sentences.len();
                            sentences.clear();
                            fallback_reason = Some(reason);
                        }
                        Attempt::Cancelled => return Err(GenerationError::DeadlineExceeded),
                    }
                }
            }
        }
        if mode != "llm" {
            let attempt = run_drafter(
                &ExtractiveDrafter,
                &ctx,
                &verifier,
                Duration::from_secs(3600),
                &mut sentences,
                &mut verification,
                &events,
            )
            .await;
            match attempt {
                Attempt::Done => {}
                Attempt::Failed { reason, .. } => return Err(GenerationError::Internal(reason)),
                Attempt::Cancelled => return Err(GenerationError::DeadlineExceeded),
            }
        }
        verification.kept = sentences.len();
        // The staging summary leaves the server only if it verifies like a sentence.
        let staging_summary = ctx.staging.filter(|st| {
            verifier
                .check(&format!("Rule-based staging: {st}."))
                .is_ok()
        });
        Ok(Draft {
            sentences,
            sources: ctx.sources.into_vec(),
            verification,
            mode,
            fallback_reason,
            staging_summary,
        })
    }

    /// The guideline passage with this id.
    pub fn passage(&self, id: &str) -> Option<&Passage> {
        self.passage_ids.get(id).map(|&i| &self.passages[i])
    }

    /// The optional guideline retriever.
    pub fn guidelines(&self) -> Option<&Arc<Retriever>> {
        self.guidelines.as_ref()
    }

    pub(crate) fn limits(&self) -> &DraftLimits {
        &self.limits
    }
}

/// Run one drafter within `budget`, verifying and streaming each sentence.
async fn run_drafter(
    drafter: &dyn Drafter,
    ctx: &DraftContext,
    verifier: &Verifier,
    budget: Duration,
    sentences: &mut Vec<Sentence>,
    verification: &mut Verification,
    events: &mpsc::Sender<DraftEvent>,
) -> Attempt {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let start = sentences.len();
    let work = async {
        let mut propose = drafter.propose(ctx, tx);
        let mut proposer_done = false;
        let mut result = Ok(());
        loop {
            tokio::select! {
                r = &mut propose, if !proposer_done => { proposer_done = true; result = r; }
                s = rx.recv() => match s {
                    Some(raw) => {
                        verification.proposed += 1;
                        match verifier.check(&raw) {
                            Ok(citations) => {
                                let s = Sentence { index: sentences.len(), text: raw, citations };
                                sentences.push(s.clone());
                                if events.send(DraftEvent::Sentence(s)).await.is_err() {
                                    return Err(None);
                                }
                            }
                            Err(removal) => {
                                tracing::debug!(drafter = drafter.name(), reason = removal.reason(), detail = removal.detail(), "sentence removed by verification");
                                verification.removed.push(removal);
                            }
                        }
                    }
                    None => break,
                }
            }
        }
        result.map_err(|e| Some(e.to_string()))
    };
    match tokio::time::timeout(budget, work).await {
        Ok(Ok(())) => Attempt::Done,
        Ok(Err(None)) => Attempt::Cancelled,
        Ok(Err(Some(reason))) => Attempt::Failed {
            reason: format!("{} error: {reason}", drafter.name()),
            streamed: sentences.len() - start,
        },
        Err(_) => Attempt::Failed {
            reason: format!(
                "{} timed out after {} ms",
                drafter.name(),
                budget.as_millis()
            ),
            streamed: sentences.len() - start,
        },
    }
}

/// A prior case as a source: a header with its identity and date, then its indication,
/// findings and impression as stored.
fn case_source(h: &priors_retrieval::Hit, chunks: &[priors_core::StoredChunk]) -> Source {
    let mut text = format!(
        "Prior report {}; patient {}; exam date {}.\n",
        h.report_id, h.patient_id, h.exam_date
    );
    let mut by_section: Vec<(SectionKind, String)> = Vec::new();
    for c in chunks {
        match by_section.last_mut() {
            Some((k, t)) if *k == c.section => {
                t.push(' ');
                t.push_str(&c.text);
            }
            _ => by_section.push((c.section, c.text.clone())),
        }
    }
    for (k, t) in &by_section {
        if matches!(
            k,
            SectionKind::Indication | SectionKind::Findings | SectionKind::Impression
        ) {
            let t = crate::withhold_instructions(t.trim());
            text.push_str(&format!("{}: {}\n", k.as_str().to_uppercase(), t));
        }
    }
    Source {
        id: String::new(),
        kind: SourceKind::PriorCase,
        ref_id: h.report_id.clone(),
        patient_id: Some(h.patient_id.clone()),
        exam_date: Some(h.exam_date.to_string()),
        title: h.cancer_type.clone().unwrap_or_default(),
        citation: None,
        snippet: crate::withhold_instructions(&h.snippet),
        text,
        score: h.score,
    }
}

/// A guideline passage as a source: title, text, and the guideline and edition it follows.
pub(crate) fn passage_source(p: &Passage, score: f64) -> Source {
    Source {
        id: String::new(),
        kind: SourceKind::Guideline,
        ref_id: p.id.clone(),
        patient_id: None,
        exam_date: None,
        title: p.title.clone(),
        citation: Some(format!("{}, {}", p.source, p.edition)),
        snippet: p.snippet(200),
        text: format!(
            "{}\n{}\nSource: {}, {}; {}.",
            p.title, p.text, p.source, p.edition, p.section
        ),
        score,
    }
}

/// `T2a N2 M0, stage IIIA` / `Lugano stage IIE, Deauville 4, CMR`; `None` when nothing was
/// decided.
fn summary(a: &StagingAnswer) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let tnm: Vec<String> = [
        a.t.map(|t| t.as_str().to_string()),
        a.n.map(|n| n.as_str().to_string()),
        a.m.map(|m| m.as_str().to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !tnm.is_empty() {
        parts.push(tnm.join(" "));
    }
    if let Some(s) = a.stage {
        parts.push(match a.cancer {
            Cancer::Lung => format!("stage {}", s.as_str()),
            Cancer::Lymphoma => format!("Lugano stage {}", s.as_str()),
        });
    }
    if let Some(d) = a.deauville {
        parts.push(format!("Deauville {d}"));
    }
    if let Some(r) = a.response {
        parts.push(format!("{} metabolic response", r.as_str()));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Helpers shared with differentials.
pub(crate) fn name_of(cancer_type: &str) -> String {
    diagnosis_name(cancer_type)
}

pub(crate) fn first_sentence(text: &str) -> String {
    snippet::first_sentence(text)
}
