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
    let labels = match m.labels_json.trim() {
        "" => None,
        json => match serde_json::from_str(json) {
            Ok(l) => Some(l),
            Err(e) => {
                return SourceRecord {
                    location,
                    result: Err(RecordError::new(
                        RecordErrorKind::InvalidValue,
                        format!("record {index} ({}): labels_json: {e}", m.report_id),
                    )),
                }
            }
        },
    };
    let result = match NaiveDate::parse_from_str(m.exam_date.trim(), "%Y-%m-%d") {
        Ok(exam_date) => Ok(ReportRecord {
            report_id: m.report_id,
            patient_id: m.patient_id,
            exam_date,
            modality: optional(m.modality),
            tracer: optional(m.tracer),
            text: m.text,
            labels,
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
        let audit = self.state.audit(&request, Vec::new(), Vec::new());
        // On a task of its own: a client that goes away drops this call's future, but the
        // stream must still be ended cleanly (the unfinished group dropped) and audited.
        let state = self.state.clone();
        tokio::spawn(async move {
            let result = ingest_reports(state, request, &audit).await;
            audited(result, &audit)
        })
        .await
        .map_err(status::task)?
    }

    async fn delete_report(
        &self,
        request: Request<pb::DeleteReportRequest>,
    ) -> Result<Response<pb::DeleteReportResponse>, Status> {
        let asked = vec![request.get_ref().report_id.clone()];
        let audit = self.state.audit(&request, Vec::new(), asked);
        audit.finish(self.delete_report_(request).await)
    }
}

/// The audit line of an IngestReports call (with its counts), then its answer.
fn audited(
    result: Result<Response<pb::IngestSummary>, Status>,
    audit: &crate::state::Audited,
) -> Result<Response<pb::IngestSummary>, Status> {
    let detail = match &result {
        Ok(r) => {
            let s = r.get_ref();
            Some(format!(
                "received {}, ingested {}, updated {}, unchanged {}, failed {}",
                s.received, s.ingested, s.updated, s.unchanged, s.failed
            ))
        }
        Err(_) => None,
    };
    let code = result.as_ref().err().map_or(tonic::Code::Ok, Status::code);
    audit.write(code, Vec::new(), Vec::new(), detail)?;
    result
}

impl crate::audit::Disclosed for pb::DeleteReportResponse {
    fn disclosed(&self) -> (Vec<String>, Vec<String>) {
        (Vec::new(), vec![self.report_id.clone()])
    }
}

/// Records between the network reader and the pipeline: enough to keep the pipeline fed,
/// few enough that memory does not depend on the stream's length.
const STREAM_BUFFER: usize = 64;

/// Why a stream was cut short: what the pipeline is told, and the call's answer.
struct Cut {
    why: String,
    status: Status,
}

impl Cut {
    fn new(why: &str, status: Status) -> Self {
        Self {
            why: why.to_string(),
            status,
        }
    }
}

/// The next message of the stream, `None` at its end; a broken stream or the call's deadline
/// passing is a [`Cut`]. `received` is for the log.
async fn next_message(
    stream: &mut Streaming<pb::IngestReportsRequest>,
    deadline: Option<tokio::time::Instant>,
    received: usize,
) -> Result<Option<pb::IngestReportsRequest>, Cut> {
    let next = match deadline {
        Some(d) => tokio::time::timeout_at(d, stream.message())
            .await
            .map_err(|_| Cut::new("the call's deadline passed", status::deadline()))?,
        None => stream.message().await,
    };
    next.map_err(|e| {
        tracing::warn!(code = ?e.code(), records = received, "IngestReports stream broke off");
        Cut {
            why: format!("client stream ended with {:?}", e.code()),
            status: e,
        }
    })
}

/// Stream the records into the pipeline as they arrive (see the proto's IngestReports).
async fn ingest_reports(
    state: Arc<AppState>,
    request: Request<Streaming<pb::IngestReportsRequest>>,
    audit: &crate::state::Audited,
) -> Result<Response<pb::IngestSummary>, Status> {
    let _slot = state.stream_slot(&audit.caller)?;
    let permit = state.permit()?;
    // A stream may run for hours: only the caller's own deadline applies to it.
    let deadline = request
        .metadata()
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(crate::state::parse_grpc_timeout)
        .map(|d| tokio::time::Instant::now() + d);
    let mut stream = request.into_inner();
    let max = state.config.server.max_ingest_records;
    let max_report = state.config.ingest.max_report_bytes;
    let max_total = state.config.server.max_ingest_bytes;
    // One writer at a time, for the whole stream.
    let guard = state.write_lock.clone().lock_owned().await;
    let (tx, mut rx) =
        tokio::sync::mpsc::channel::<priors_ingest::Result<SourceRecord>>(STREAM_BUFFER);
    let pipeline_state = state.clone();
    let finished = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen_end = finished.clone();
    let work = tokio::task::spawn_blocking(move || {
        let _guard = guard;
        let _permit = permit;
        let app = &pipeline_state.app;
        // The channel closing without the stream's end having been seen is a break-off too.
        let mut ended = false;
        let records = std::iter::from_fn(move || {
            if ended {
                return None;
            }
            match rx.blocking_recv() {
                Some(r) => Some(r),
                None => {
                    ended = true;
                    (!seen_end.load(std::sync::atomic::Ordering::Acquire)).then(|| {
                        Err(priors_ingest::IngestError::Interrupted(
                            "the call ended before its stream did".into(),
                        ))
                    })
                }
            }
        });
        app.ingest_stream(REPORTS, records, &app.ingest_options(false))
    });
    let mut index = 0usize;
    let mut total = 0usize;
    // Read until the stream ends (`None`) or is cut short (`Some`: why, and the answer).
    let cut: Option<Cut> = loop {
        let m = match next_message(&mut stream, deadline, index).await {
            Ok(Some(m)) => m,
            Ok(None) => {
                finished.store(true, std::sync::atomic::Ordering::Release);
                break None;
            }
            Err(cut) => break Some(cut),
        };
        if let Err(e) = state.check_size(&m) {
            break Some(Cut::new("a message over the size limit", e));
        }
        if index == max {
            break Some(Cut::new(
                "server.max_ingest_records",
                status::exhausted(format!(
                    "more than {max} records in one call (server.max_ingest_records)"
                )),
            ));
        }
        index += 1;
        let record = if m.text.len() > max_report {
            // Rejected now, its text not kept.
            SourceRecord {
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
            }
        } else {
            total += m.text.len();
            if total > max_total {
                break Some(Cut::new(
                    "server.max_ingest_bytes",
                    status::exhausted(format!(
                        "more than {max_total} bytes of report text in one call \
                         (server.max_ingest_bytes)"
                    )),
                ));
            }
            to_record(index, m)
        };
        if tx.send(Ok(record)).await.is_err() {
            break None; // the pipeline stopped (its error is below)
        }
    };
    // The pipeline drops the unfinished group and commits nothing after it.
    let refused = match cut {
        Some(cut) => {
            let _ = tx
                .send(Err(priors_ingest::IngestError::Interrupted(cut.why)))
                .await;
            Some(cut.status)
        }
        None => None,
    };
    drop(tx);
    let summary = work.await.map_err(status::task)?.map_err(status::app)?;
    tracing::info!(
        received = summary.received,
        ingested = summary.ingested,
        updated = summary.updated,
        unchanged = summary.unchanged,
        failed = summary.failed,
        interrupted = summary.interrupted.is_some(),
        "IngestReports"
    );
    if let Some(refused) = refused {
        let committed = summary.ingested + summary.updated;
        return Err(Status::new(
            refused.code(),
            format!(
                "{}; the stream was cut after {} record(s): {committed} report(s) in \
                     completed groups were committed (the rest were not; re-send them)",
                refused.message(),
                summary.received
            ),
        ));
    }
    if summary.received == 0 {
        return Err(status::invalid("reports", "the stream held no report"));
    }
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
        received: summary.received as u32,
        recovered: summary.recovered as u32,
    }))
}

impl IngestionService {
    async fn delete_report_(
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
