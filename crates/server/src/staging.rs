//! `Staging`: deterministic staging and guideline questions.

use crate::state::AppState;
use crate::status;
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
        let answer = self
            .state
            .app
            .stage(cancer, &req.text)
            .map_err(status::app)?;
        Ok(Response::new(answer_to_pb(answer)))
    }

    async fn ask(
        &self,
        request: Request<pb::AskRequest>,
    ) -> Result<Response<pb::AskResponse>, Status> {
        let (_permit, _) = self.state.admit(&request)?;
        let q = request.into_inner().question;
        let a = self.state.app.ask(&q).map_err(status::app)?;
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
