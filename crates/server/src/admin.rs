//! `Admin`: Stats (scope `admin`).

use crate::state::{blocking, AppState};
use crate::status;
use priors_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub(crate) struct AdminService {
    state: Arc<AppState>,
}

impl AdminService {
    pub(crate) fn new(state: Arc<AppState>) -> Self {
        AdminService { state }
    }
}

#[tonic::async_trait]
impl pb::admin_server::Admin for AdminService {
    async fn stats(
        &self,
        request: Request<pb::StatsRequest>,
    ) -> Result<Response<pb::StatsResponse>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let app = self.state.app.clone();
        let s = blocking(deadline, permit, move || app.stats().map_err(status::app)).await?;
        Ok(Response::new(pb::StatsResponse {
            reports: s.reports as u64,
            chunks: s.chunks as u64,
            qdrant_points: s.qdrant_points as u64,
            tantivy_docs: s.tantivy_docs as u64,
            model: s.model,
            dim: s.dim as u32,
            consistent: s.consistent,
        }))
    }
}
