//! `Drafting`: DraftImpression (server-streaming) and Differentials.

use crate::state::{blocking, AppState};
use crate::status;
use priors_generation::{Draft, DraftEvent, DraftInput, DraftMode, Source, SourceKind};
use priors_proto::v1 as pb;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

pub(crate) struct DraftingService {
    state: Arc<AppState>,
}

impl DraftingService {
    pub(crate) fn new(state: Arc<AppState>) -> Self {
        DraftingService { state }
    }
}

fn source_to_pb(s: Source) -> pb::Source {
    pb::Source {
        id: s.id,
        kind: match s.kind {
            SourceKind::PriorCase => pb::SourceKind::PriorCase,
            SourceKind::Guideline => pb::SourceKind::Guideline,
            SourceKind::PatientStudy => pb::SourceKind::PatientStudy,
        } as i32,
        ref_id: s.ref_id,
        patient_id: s.patient_id.unwrap_or_default(),
        exam_date: s.exam_date.unwrap_or_default(),
        title: s.title,
        citation: s.citation.unwrap_or_default(),
        snippet: s.snippet,
        text: s.text,
        score: s.score,
    }
}

fn sentence_to_pb(s: priors_generation::Sentence) -> pb::DraftSentence {
    pb::DraftSentence {
        index: s.index as u32,
        text: s.text,
        citations: s.citations,
    }
}

fn draft_to_pb(d: Draft) -> pb::Draft {
    let text = d.text();
    pb::Draft {
        text,
        verification: Some(pb::Verification {
            verified: true,
            sentences_proposed: d.verification.proposed as u32,
            sentences_kept: d.verification.kept as u32,
            sentences_withdrawn: d.verification.withdrawn as u32,
            removed: d
                .verification
                .removed
                .iter()
                .map(|r| pb::RemovedSentence {
                    reason: r.reason().to_string(),
                    detail: r.detail().to_string(),
                })
                .collect(),
        }),
        sentences: d.sentences.into_iter().map(sentence_to_pb).collect(),
        sources: d.sources.into_iter().map(source_to_pb).collect(),
        mode: d.mode.to_string(),
        fallback_reason: d.fallback_reason.unwrap_or_default(),
        staging_summary: d.staging_summary.unwrap_or_default(),
    }
}

fn optional(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

type EventStream = Pin<Box<dyn tokio_stream::Stream<Item = Result<pb::DraftEvent, Status>> + Send>>;

#[tonic::async_trait]
impl pb::drafting_server::Drafting for DraftingService {
    type DraftImpressionStream = EventStream;

    async fn draft_impression(
        &self,
        request: Request<pb::DraftRequest>,
    ) -> Result<Response<Self::DraftImpressionStream>, Status> {
        let audit = self.state.audit(
            &request,
            vec![request.get_ref().patient_id.trim().to_string()],
            Vec::new(),
        );
        match self.start_draft(request, &audit) {
            Ok(started) => Ok(Response::new(spawn_draft(started, audit))),
            Err(e) => {
                audit.write(e.code(), Vec::new(), Vec::new(), None)?;
                Err(e)
            }
        }
    }

    async fn differentials(
        &self,
        request: Request<pb::DifferentialsRequest>,
    ) -> Result<Response<pb::DifferentialsResponse>, Status> {
        let asked = vec![request.get_ref().patient_id.trim().to_string()];
        let audit = self.state.audit(&request, asked, Vec::new());
        audit.finish(self.differentials_(request).await)
    }
}

/// The ids a draft's sources disclose: patients and reports of prior cases and of the
/// patient's own studies (guideline passages are not patient data).
fn disclosed_by(sources: &[pb::Source]) -> (Vec<String>, Vec<String>) {
    let mut patients = Vec::new();
    let mut reports = Vec::new();
    for s in sources {
        if s.kind == pb::SourceKind::Guideline as i32 {
            continue;
        }
        patients.push(s.patient_id.clone());
        reports.push(s.ref_id.clone());
    }
    (patients, reports)
}

impl crate::audit::Disclosed for pb::DifferentialsResponse {
    fn disclosed(&self) -> (Vec<String>, Vec<String>) {
        disclosed_by(&self.sources)
    }
}

/// The calls proper. A draft's audit line is written when the draft is done (with the
/// sources it cites), before its final event is sent; a stream the client abandons is logged
/// `CANCELLED`.
impl DraftingService {
    /// Everything a draft needs before it runs: its stream slot, a concurrency slot, its
    /// deadline, its validated input and the generator.
    fn start_draft(
        &self,
        request: Request<pb::DraftRequest>,
        audit: &crate::state::Audited,
    ) -> Result<Started, Status> {
        let slot = self.state.stream_slot(&audit.caller)?;
        let (permit, deadline) = self.state.admit(&request)?;
        let input = self.draft_input(request.into_inner())?;
        let generator = self.state.app.generator().map_err(status::app)?;
        generator.validate(&input).map_err(status::generation)?;
        Ok(Started {
            slot,
            permit,
            deadline,
            input,
            generator,
        })
    }

    fn draft_input(&self, req: pb::DraftRequest) -> Result<DraftInput, Status> {
        let mode = match pb::DraftMode::try_from(req.mode) {
            Ok(pb::DraftMode::Unspecified) => DraftMode::Default,
            Ok(pb::DraftMode::Extractive) => DraftMode::Extractive,
            Ok(pb::DraftMode::Llm) => DraftMode::Llm,
            Err(_) => {
                return Err(status::invalid(
                    "mode",
                    format!("unknown draft mode {}", req.mode),
                ))
            }
        };
        let exam_date =
            match optional(req.exam_date) {
                None => None,
                Some(d) => Some(chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(
                    |e| status::invalid("exam_date", format!("{d:?} is not YYYY-MM-DD: {e}")),
                )?),
            };
        let input = DraftInput {
            findings: req.findings,
            indication: req.indication,
            comparison: req.comparison,
            patient_id: optional(req.patient_id),
            exam_date,
            k: req.k as usize,
            mode,
        };
        Ok(input)
    }

    async fn differentials_(
        &self,
        request: Request<pb::DifferentialsRequest>,
    ) -> Result<Response<pb::DifferentialsResponse>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let req = request.into_inner();
        let app = self.state.app.clone();
        let result = blocking(deadline, permit, move || {
            app.differentials(
                &req.findings,
                &req.indication,
                optional(req.patient_id).as_deref(),
                req.k as usize,
                req.max_differentials as usize,
            )
            .map_err(status::app)
        })
        .await?;
        tracing::info!(differentials = result.differentials.len(), "Differentials");
        Ok(Response::new(pb::DifferentialsResponse {
            differentials: result
                .differentials
                .into_iter()
                .map(|d| pb::Differential {
                    diagnosis: d.diagnosis,
                    score: d.score,
                    prior_cases: d.prior_cases,
                    guideline_passages: d.guideline_passages,
                    rationale: d.rationale,
                })
                .collect(),
            sources: result.sources.into_iter().map(source_to_pb).collect(),
        }))
    }
}

/// A draft ready to run (see [`DraftingService::start_draft`]).
struct Started {
    slot: crate::state::StreamSlot,
    permit: tokio::sync::OwnedSemaphorePermit,
    deadline: std::time::Instant,
    input: DraftInput,
    generator: Arc<priors_generation::Generator>,
}

/// Run a draft on its own task, streaming its events; the permit and the stream slot are held
/// until it ends.
fn spawn_draft(started: Started, audit: crate::state::Audited) -> EventStream {
    let Started {
        slot,
        permit,
        deadline,
        input,
        generator,
    } = started;
    let (out_tx, out_rx) = mpsc::channel::<Result<pb::DraftEvent, Status>>(16);
    tokio::spawn(async move {
        let _permit = permit;
        let _slot = slot;
        let (ev_tx, mut ev_rx) = mpsc::channel::<DraftEvent>(16);
        let forward_tx = out_tx.clone();
        let forward = tokio::spawn(async move {
            while let Some(ev) = ev_rx.recv().await {
                let event = match ev {
                    DraftEvent::Sentence(s) => pb::draft_event::Event::Sentence(sentence_to_pb(s)),
                    DraftEvent::Restart(reason) => {
                        pb::draft_event::Event::Restart(pb::Restart { reason })
                    }
                };
                if forward_tx
                    .send(Ok(pb::DraftEvent { event: Some(event) }))
                    .await
                    .is_err()
                {
                    break; // client gone; the generator notices on its next send
                }
            }
        });
        // A client that goes away ends the work at once (the LLM call included).
        let result = tokio::select! {
            r = tokio::time::timeout_at(deadline.into(), generator.draft(input, Some(deadline), ev_tx)) => r,
            _ = out_tx.closed() => {
                tracing::debug!("DraftImpression client went away");
                forward.abort();
                let _ = audit.write(tonic::Code::Cancelled, Vec::new(), Vec::new(), None);
                return;
            }
        };
        let _ = forward.await;
        let last = match result {
            Ok(Ok(draft)) => {
                tracing::info!(
                    mode = draft.mode,
                    sentences = draft.sentences.len(),
                    removed = draft.verification.removed.len(),
                    sources = draft.sources.len(),
                    "DraftImpression"
                );
                let draft = draft_to_pb(draft);
                let (patients, reports) = disclosed_by(&draft.sources);
                audit
                    .write(tonic::Code::Ok, patients, reports, None)
                    .map(|()| pb::DraftEvent {
                        event: Some(pb::draft_event::Event::Final(draft)),
                    })
            }
            Ok(Err(e)) => failed(&audit, status::generation(e)),
            Err(_) => failed(&audit, status::deadline()),
        };
        let _ = out_tx.send(last).await;
    });
    Box::pin(ReceiverStream::new(out_rx))
}

/// The audit line of a draft that failed, and its status.
fn failed(audit: &crate::state::Audited, s: Status) -> Result<pb::DraftEvent, Status> {
    let _ = audit.write(s.code(), Vec::new(), Vec::new(), None);
    Err(s)
}
