//! `Ingestion`: IngestReports (client-streaming) and DeleteReport.

use crate::state::{blocking, AppState};
use crate::status;
use chrono::NaiveDate;
use priors_app::REPORTS;
use priors_core::ReportRecord;
use priors_parse::{Location, RecordError, RecordErrorKind, SourceRecord};
use priors_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

pub(crate) struct IngestionService {
    state: Arc<AppState>,
}

impl IngestionService {
    pub(crate) fn new(state: Arc<AppState>) -> Self {
        IngestionService { state }
    }
}

/// Name used as the "file" of records that arrive over gRPC.
const STREAM: &str = "IngestReports";

fn optional(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// One streamed message as a record (validation proper happens in the pipeline).
fn to_record(index: usize, m: pb::IngestReportsRequest) -> SourceRecord {
    let location = Location {
        file: STREAM.to_string(),
        line: None,
        record: index,
    };
    let result = match NaiveDate::parse_from_str(m.exam_date.trim(), "%Y-%m-%d") {
        Ok(exam_date) => Ok(ReportRecord {
            report_id: m.report_id,
            patient_id: m.patient_id,
            exam_date,
            modality: optional(m.modality),
            tracer: optional(m.tracer),
            text: m.text,
            labels: None,
        }),
        Err(_) if m.exam_date.trim().is_empty() => Err(RecordError::new(
            RecordErrorKind::MissingField,
            format!("record {index} ({}): exam_date is missing", m.report_id),
        )),
        Err(e) => Err(RecordError::new(
            RecordErrorKind::InvalidValue,
            format!(
                "record {index} ({}): exam_date {:?} is not YYYY-MM-DD: {e}",
                m.report_id, m.exam_date
            ),
        )),
    };
    SourceRecord { location, result }
}

#[tonic::async_trait]
impl pb::ingestion_server::Ingestion for IngestionService {
    async fn ingest_reports(
        &self,
        request: Request<Streaming<pb::IngestReportsRequest>>,
    ) -> Result<Response<pb::IngestSummary>, Status> {
        let permit = self.state.permit()?;
        let deadline = self.state.deadline(&request);
        let mut stream = request.into_inner();
        let max = self.state.config.server.max_ingest_records;
        let max_report = self.state.config.ingest.max_report_bytes;
        // Held in memory until the stream ends: bounded by count and by total text.
        let max_total = self.state.config.server.max_ingest_bytes;
        let mut total = 0usize;
        let mut records = Vec::new();
        while let Some(m) = stream.message().await? {
            self.state.check_size(&m)?;
            if records.len() == max {
                return Err(status::exhausted(format!(
                    "more than {max} records in one call (server.max_ingest_records); \
                     nothing was ingested — split the stream"
                )));
            }
            let index = records.len() + 1;
            if m.text.len() > max_report {
                // Rejected now, its text not kept.
                records.push(SourceRecord {
                    location: Location {
                        file: STREAM.to_string(),
                        line: None,
                        record: index,
                    },
                    result: Err(RecordError::new(
                        RecordErrorKind::Oversized,
                        format!(
                            "record {index} ({}): text of {} bytes exceeds ingest.max_report_bytes ({max_report})",
                            m.report_id,
                            m.text.len()
                        ),
                    )),
                });
                continue;
            }
            total += m.text.len();
            if total > max_total {
                return Err(status::exhausted(format!(
                    "more than {max_total} bytes of report text in one call \
                     (server.max_ingest_bytes); nothing was ingested — split the stream"
                )));
            }
            records.push(to_record(index, m));
        }
        if records.is_empty() {
            return Err(status::invalid("reports", "the stream held no report"));
        }
        let received = records.len();
        let guard = self.state.write_lock.clone().lock_owned().await;
        let state = self.state.clone();
        let summary = blocking(deadline, permit, move || {
            let _guard = guard;
            let app = &state.app;
            app.ingest_records(REPORTS, records, &app.ingest_options(false))
                .map_err(status::app)
        })
        .await?;
        tracing::info!(
            received,
            ingested = summary.ingested,
            updated = summary.updated,
            unchanged = summary.unchanged,
            failed = summary.failed,
            "IngestReports"
        );
        Ok(Response::new(pb::IngestSummary {
            ingested: summary.ingested as u32,
            unchanged: summary.unchanged as u32,
            updated: summary.updated as u32,
            failed: summary.failed as u32,
            chunks: summary.chunks as u32,
            seconds: summary.seconds,
            errors: summary
                .errors
                .into_iter()
                .map(|e| pb::RecordError {
                    record: e.record as u32,
                    report_id: e.report_id.unwrap_or_default(),
                    kind: e.kind,
                    message: e.message,
                })
                .collect(),
        }))
    }

    async fn delete_report(
        &self,
        request: Request<pb::DeleteReportRequest>,
    ) -> Result<Response<pb::DeleteReportResponse>, Status> {
        let (permit, deadline) = self.state.admit(&request)?;
        let id = request.into_inner().report_id;
        status::required("report_id", &id)?;
        let guard = self.state.write_lock.clone().lock_owned().await;
        let state = self.state.clone();
        let target = id.clone();
        let deleted = blocking(deadline, permit, move || {
            let _guard = guard;
            state.app.delete(&[target]).map_err(status::app)
        })
        .await?;
        if deleted.deleted.is_empty() {
            return Err(status::not_found("report", &id));
        }
        tracing::info!(report_id = %id, "DeleteReport");
        Ok(Response::new(pb::DeleteReportResponse { report_id: id }))
    }
}
