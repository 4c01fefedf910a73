//! `Staging`: deterministic staging and guideline questions.

use crate::status;
use crate::AppState;
use priors_proto::v1 as pb;
use priors_staging::{Cancer, StagingAnswer};
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub(crate) struct StagingService {
    state: Arc<AppState>,
}

impl StagingService {
    pub(crate) fn new(state: Arc<AppState>) -> Self {
        StagingService { state }
    }
}

fn answer_to_pb(a: StagingAnswer) -> pb::StageResponse {
    let s = |o: Option<String>| o.unwrap_or_default();
    pb::StageResponse {
        cancer: a.cancer.as_str().to_string(),
        t: s(a.t.map(|x| x.as_str().to_string())),
        n: s(a.n.map(|x| x.as_str().to_string())),
        m: s(a.m.map(|x| x.as_str().to_string())),
        stage: s(a.stage.map(|x| x.as_str().to_string())),
        deauville: a.deauville.map(u32::from),
        response: s(a.response.map(|x| x.as_str().to_string())),
        evidence: a
            .evidence
            .into_iter()
            .map(|e| pb::StagingEvidence {
                category: e.category.as_str().to_string(),
                value: e.value,
                span: e.span,
                start: e.start as u32,
                end: e.end as u32,
                guideline: e.guideline,
                note: e.note,
            })
            .collect(),
        missing: a
            .missing
            .into_iter()
            .map(|m| pb::StagingMissing {
                category: m.category.as_str().to_string(),
                detail: m.detail,
            })
            .collect(),
        notes: a.notes,
    }
}

fn check_text(field: &str, text: &str, max: usize) -> Result<(), Status> {
    status::required(field, text)?;
    if text.len() > max {
        return Err(status::invalid(
            field,
            format!("{} bytes; the limit is {max}", text.len()),
        ));
    }
    Ok(())
}

#[tonic::async_trait]
impl pb::staging_server::Staging for StagingService {
    async fn stage(
        &self,
        request: Request<pb::StageRequest>,
    ) -> Result<Response<pb::StageResponse>, Status> {
        let (_permit, _) = self.state.admit(&request)?;
        let req = request.into_inner();
        let cancer = Cancer::parse(&req.cancer).ok_or_else(|| {
            status::invalid(
                "cancer",
                format!("{:?} (expected \"lung\" or \"lymphoma\")", req.cancer),
            )
        })?;
        check_text("text", &req.text, self.state.config.ingest.max_report_bytes)?;
        Ok(Response::new(answer_to_pb(priors_staging::stage(
            cancer, &req.text,
        ))))
    }

    async fn ask(
        &self,
        request: Request<pb::AskRequest>,
    ) -> Result<Response<pb::AskResponse>, Status> {
        let (_permit, _) = self.state.admit(&request)?;
        let q = request.into_inner().question;
        check_text("question", &q, 4096)?;
        let a = priors_staging::ask(&q, &self.state.passages);
        Ok(Response::new(pb::AskResponse {
            answer: a.answer,
            decided: a.decided,
            citations: a
                .citations
                .into_iter()
                .map(|c| pb::GuidelineCitation {
                    id: c.id,
                    title: c.title,
                    source: c.source,
                    snippet: c.snippet,
                })
                .collect(),
            staging: a.staging.map(answer_to_pb),
        }))
    }
}
