//! What the services share: the application (configuration, model, collections, generator,
//! passages — built once by `priors-app`), the concurrency permits, each caller's stream
//! slots, the write lock, the request deadline rule, and the audit line of a call
//! ([`Audited`]).

use crate::audit::{Audit, Disclosed, Entry};
use crate::auth::{Caller, REQUEST_ID};
use crate::status;
use priors_app::App;
use priors_core::Config;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Shared state of all services.
pub struct AppState {
    /// The application: every operation the services call.
    pub app: Arc<App>,
    /// The configuration the server started with.
    pub config: Config,
    /// Serialises writes (ingest, delete) to the collection.
    pub write_lock: Arc<tokio::sync::Mutex<()>>,
    /// The audit trail.
    pub audit: Arc<Audit>,
    permits: Arc<Semaphore>,
    streams: Arc<Mutex<HashMap<String, usize>>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("app", &self.app)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `app`, with everything a call needs loaded now (model, `reports`
    /// collection, passages, generator; see [`App::warm_up`]) so that a bad asset fails at
    /// start-up. Blocking.
    ///
    /// The audit log (`audit.path`, or `<data dir>/audit/audit.jsonl`) is opened here too: a
    /// server that cannot keep its audit trail does not start.
    pub fn new(app: App) -> Result<Self, priors_app::AppError> {
        app.warm_up()?;
        let config = app.config().clone();
        let a = &config.audit;
        let audit = Audit::open(&a.file(&config.data.dir), a.max_bytes, a.fsync_interval_ms)
            .map_err(|e| priors_app::AppError::Invalid {
                field: "audit.path",
                reason: e.to_string(),
            })?;
        let permits = Arc::new(Semaphore::new(config.server.concurrency_limit));
        Ok(AppState {
            app: Arc::new(app),
            config,
            write_lock: Arc::new(tokio::sync::Mutex::new(())),
            audit,
            permits,
            streams: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// One of the caller's `server.max_streams_per_caller` stream slots, held until the
    /// returned guard drops; `RESOURCE_EXHAUSTED` with a retry hint when all are taken.
    pub fn stream_slot(&self, caller: &Caller) -> Result<StreamSlot, tonic::Status> {
        let max = self.config.server.max_streams_per_caller;
        let mut open = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(caller.name.clone()).or_insert(0);
        if max > 0 && *n >= max {
            let mut s = status::exhausted(format!(
                "caller {:?} already has {max} streams open \
                 (server.max_streams_per_caller); retry when one ends",
                caller.name
            ));
            if let Ok(v) = "1000".parse() {
                s.metadata_mut().insert(crate::auth::RETRY_AFTER_MS, v);
            }
            return Err(s);
        }
        *n += 1;
        Ok(StreamSlot {
            streams: self.streams.clone(),
            name: caller.name.clone(),
        })
    }

    /// Start the audit line of a call: its caller, and the patient and report ids the
    /// request names.
    pub fn audit<T>(
        &self,
        request: &tonic::Request<T>,
        patient_ids: Vec<String>,
        report_ids: Vec<String>,
    ) -> Audited {
        let named = |ids: Vec<String>| ids.into_iter().filter(|i| !i.trim().is_empty()).collect();
        Audited {
            audit: self.audit.clone(),
            caller: crate::auth::caller_of(request),
            patient_ids: named(patient_ids),
            report_ids: named(report_ids),
        }
    }

    /// A slot of the concurrency limit, or `RESOURCE_EXHAUSTED`.
    pub fn permit(&self) -> Result<OwnedSemaphorePermit, tonic::Status> {
        self.permits.clone().try_acquire_owned().map_err(|_| {
            status::exhausted(format!(
                "server busy: {} requests in flight (server.concurrency_limit)",
                self.config.server.concurrency_limit
            ))
        })
    }

    /// Admit a unary call: a concurrency slot, the message size check, and the call's
    /// deadline.
    pub fn admit<M: prost::Message>(
        &self,
        request: &tonic::Request<M>,
    ) -> Result<(OwnedSemaphorePermit, Instant), tonic::Status> {
        let permit = self.permit()?;
        self.check_size(request.get_ref())?;
        Ok((permit, self.deadline(request)))
    }

    /// `RESOURCE_EXHAUSTED` when a decoded message is larger than `server.max_message_bytes`.
    /// (The transport itself refuses messages above [`TRANSPORT_CAP_FACTOR`] times the limit,
    /// with tonic's `OUT_OF_RANGE`, before buffering them.)
    pub fn check_size<M: prost::Message>(&self, m: &M) -> Result<(), tonic::Status> {
        let len = m.encoded_len();
        let max = self.config.server.max_message_bytes;
        if len > max {
            return Err(status::exhausted(format!(
                "message of {len} bytes is larger than the limit of {max} bytes \
                 (server.max_message_bytes)"
            )));
        }
        Ok(())
    }

    /// The request's deadline: its `grpc-timeout` header, capped by
    /// `server.request_timeout_ms` (which also applies when the header is absent).
    pub fn deadline<T>(&self, request: &tonic::Request<T>) -> Instant {
        let cap = Duration::from_millis(self.config.server.request_timeout_ms);
        let asked = request
            .metadata()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        Instant::now() + asked.map_or(cap, |a| a.min(cap))
    }
}

/// A held stream slot (see [`AppState::stream_slot`]).
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<Mutex<HashMap<String, usize>>>,
    name: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.name) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.name);
            }
        }
    }
}

/// A call whose audit line is still to be written (see [`AppState::audit`]).
#[derive(Debug)]
pub struct Audited {
    audit: Arc<Audit>,
    /// Who called.
    pub caller: Caller,
    patient_ids: Vec<String>,
    report_ids: Vec<String>,
}

fn add_ids(to: &mut Vec<String>, more: Vec<String>) {
    for id in more {
        if !id.is_empty() && !to.contains(&id) {
            to.push(id);
        }
    }
}

impl Audited {
    /// The line of a call that ended with `code` having disclosed `patients` and `reports`
    /// (besides those the request named), with `detail`. `INTERNAL` when it cannot be
    /// written: the answer is then withheld.
    pub fn write(
        &self,
        code: tonic::Code,
        patients: Vec<String>,
        reports: Vec<String>,
        detail: Option<String>,
    ) -> Result<(), tonic::Status> {
        let mut p = self.patient_ids.clone();
        add_ids(&mut p, patients);
        let mut r = self.report_ids.clone();
        add_ids(&mut r, reports);
        let mut e = Entry::call(&self.caller, code, p, r);
        e.detail = detail;
        self.audit.write(&e).map_err(|err| {
            tracing::error!(error = %err, "audit log write failed; answer withheld");
            tonic::Status::internal("the audit log could not be written; the answer is withheld")
        })
    }

    /// Write the line of a unary call's `result` and answer it, with the request id in the
    /// metadata.
    pub fn finish<R: Disclosed>(
        self,
        result: Result<tonic::Response<R>, tonic::Status>,
    ) -> Result<tonic::Response<R>, tonic::Status> {
        let id: Option<tonic::metadata::MetadataValue<_>> = self.caller.request_id.parse().ok();
        let written = match &result {
            Ok(r) => {
                let (p, rep) = r.get_ref().disclosed();
                self.write(tonic::Code::Ok, p, rep, None)
            }
            Err(s) => self.write(s.code(), Vec::new(), Vec::new(), None),
        };
        let mut result = written.and(result);
        match (&mut result, id) {
            (Ok(r), Some(id)) => {
                r.metadata_mut().insert(REQUEST_ID, id);
            }
            (Err(s), Some(id)) => {
                s.metadata_mut().insert(REQUEST_ID, id);
            }
            _ => {}
        }
        result
    }
}

/// The transport's own message cap, as a multiple of `server.max_message_bytes`.
pub const TRANSPORT_CAP_FACTOR: usize = 4;

/// `grpc-timeout` values: up to 8 digits and a unit (`H`, `M`, `S`, `m`, `u`, `n`).
pub fn parse_grpc_timeout(v: &str) -> Option<Duration> {
    if v.len() < 2 || v.len() > 9 {
        return None;
    }
    let (digits, unit) = v.split_at(v.len() - 1);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// Run blocking work before `deadline`: `DEADLINE_EXCEEDED` when it has already passed or
/// passes first. The work holds `permit` until it really ends (a call that gives up waiting
/// does not free its slot of the concurrency limit while its work still runs).
pub async fn blocking<T: Send + 'static>(
    deadline: Instant,
    permit: OwnedSemaphorePermit,
    f: impl FnOnce() -> Result<T, tonic::Status> + Send + 'static,
) -> Result<T, tonic::Status> {
    if Instant::now() >= deadline {
        return Err(status::deadline());
    }
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f()
    });
    let left = deadline.saturating_duration_since(Instant::now());
    match tokio::time::timeout(left, task).await {
        Ok(joined) => joined.map_err(status::task)?,
        Err(_) => Err(status::deadline()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blocking_work_past_its_deadline_is_deadline_exceeded_and_keeps_its_permit() {
        let permits = Arc::new(Semaphore::new(1));
        let p = permits.clone().try_acquire_owned().unwrap();
        let deadline = Instant::now() + Duration::from_millis(50);
        let e = blocking(deadline, p, || {
            std::thread::sleep(Duration::from_millis(400));
            Ok(())
        })
        .await
        .unwrap_err();
        assert_eq!(e.code(), tonic::Code::DeadlineExceeded);
        assert!(
            permits.clone().try_acquire_owned().is_err(),
            "slot held while the work runs"
        );
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert!(
            permits.clone().try_acquire_owned().is_ok(),
            "slot freed when the work ends"
        );
        let p = permits.clone().try_acquire_owned().unwrap();
        let past = Instant::now() - Duration::from_millis(1);
        let e = blocking(past, p, || Ok(())).await.unwrap_err();
        assert_eq!(e.code(), tonic::Code::DeadlineExceeded);
    }

    #[test]
    fn grpc_timeout_units() {
        assert_eq!(parse_grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("10x"), None);
        assert_eq!(parse_grpc_timeout("m"), None);
        assert_eq!(parse_grpc_timeout("123456789m"), None);
    }
}
