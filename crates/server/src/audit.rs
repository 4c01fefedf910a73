//! The audit trail: one JSON line per call that returns patient data or report text, per
//! write, and per refused caller — who (caller name, token name), when, which RPC, which
//! patient and report ids, the outcome, the request id. **Never report text**: an [`Entry`]
//! has no field that could hold it, only ids, the status code and fixed reasons.
//!
//! Durability: each line is written to the file (`O_APPEND`, one `write` per line) before the
//! call is answered, and an answer whose line cannot be written is withheld (`INTERNAL`), so
//! a killed process loses no line of an answered call. Lines are fsynced by a background
//! thread every `audit.fsync_interval_ms` (0 = after every line), which bounds what a power
//! failure can lose. A line torn by a crash in the middle of its write is ended with a newline
//! when the log is next opened, so it never merges with the next one; readers report it and
//! go on. At `audit.max_bytes` the file is renamed `<stem>.<N>.jsonl` (N = 1, 2, …; nothing
//! is ever deleted) and a new one started.
//!
//! Only the server writes the log; [`read`] may run at any time from another process
//! (`priors audit`).

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// UTC, RFC 3339 with milliseconds.
    pub time: String,
    /// The caller's name (certificate subject, token name, `anonymous`, or `?` when the
    /// caller could not be authenticated).
    pub caller: String,
    /// The token presented, by name, when one was recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The RPC (`priors.v1.ReportSearch/GetReport`).
    pub rpc: String,
    /// Patients whose data the call returned, or that the call asked for.
    pub patient_ids: Vec<String>,
    /// Reports whose text or data the call returned, or that the call asked for.
    pub report_ids: Vec<String>,
    /// The gRPC status code (`OK`, `NOT_FOUND`, `PERMISSION_DENIED`, …).
    pub status: String,
    /// The request id (`x-request-id`).
    pub request_id: String,
    /// A fixed reason for a refusal, or counts of a write (never free text from a request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The canonical name of a gRPC code (`NOT_FOUND`).
pub fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}

fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn rpc_name(path: &str) -> String {
    path.trim_start_matches('/').to_string()
}

impl Entry {
    /// A call by `caller` that ended with `code`.
    pub fn call(
        caller: &crate::caller::Caller,
        code: tonic::Code,
        patient_ids: Vec<String>,
        report_ids: Vec<String>,
    ) -> Self {
        Entry {
            time: now(),
            caller: caller.name.clone(),
            token: caller.token.clone(),
            rpc: rpc_name(&caller.rpc),
            patient_ids,
            report_ids,
            status: code_name(code).to_string(),
            request_id: caller.request_id.clone(),
            detail: None,
        }
    }

    /// An authenticated caller refused by the scope check.
    pub fn refused(caller: &crate::caller::Caller, status: &tonic::Status) -> Self {
        let mut e = Self::call(caller, status.code(), Vec::new(), Vec::new());
        e.detail = Some("scope missing".into());
        e
    }

    /// A caller that could not be authenticated (`suppressed` earlier failures were not
    /// logged, over `audit.failed_auth_per_minute`).
    pub fn failed_auth(
        rpc: &str,
        request_id: &str,
        subject: Option<&str>,
        why: &'static str,
        suppressed: u64,
    ) -> Self {
        Entry {
            time: now(),
            caller: subject.unwrap_or("?").to_string(),
            token: None,
            rpc: rpc_name(rpc),
            patient_ids: Vec::new(),
            report_ids: Vec::new(),
            status: code_name(tonic::Code::Unauthenticated).to_string(),
            request_id: request_id.to_string(),
            detail: Some(if suppressed > 0 {
                format!(
                    "{why}; {suppressed} more failed authentication(s) not logged before this one"
                )
            } else {
                why.to_string()
            }),
        }
    }
}

/// The append-only log a server writes.
pub struct Audit {
    path: PathBuf,
    max_bytes: u64,
    sync_every_line: bool,
    file: Mutex<Open>,
    dirty: AtomicBool,
}

struct Open {
    file: File,
    len: u64,
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audit").field("path", &self.path).finish()
    }
}

fn at(path: &Path) -> impl Fn(std::io::Error) -> std::io::Error + '_ {
    move |e| std::io::Error::new(e.kind(), format!("audit log {}: {e}", path.display()))
}

fn open_append(path: &Path) -> std::io::Result<Open> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(at(path))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)
        .map_err(at(path))?;
    let len = file.metadata().map_err(at(path))?.len();
    let mut o = Open { file, len };
    if len > 0 {
        // A line torn by a crash mid-write gets its newline now, so that it stays one
        // (unreadable) line instead of swallowing the next one.
        let mut last = [0u8; 1];
        o.file.seek(SeekFrom::Start(len - 1)).map_err(at(path))?;
        o.file.read_exact(&mut last).map_err(at(path))?;
        if last[0] != b'\n' {
            o.file.write_all(b"\n").map_err(at(path))?;
            o.len += 1;
        }
    }
    Ok(o)
}

impl Audit {
    /// Open (or create) the log at `path`; with `fsync_interval_ms` > 0 a background thread
    /// fsyncs written lines at that interval for as long as the log is alive.
    pub fn open(path: &Path, max_bytes: u64, fsync_interval_ms: u64) -> std::io::Result<Arc<Self>> {
        let open = open_append(path)?;
        let audit = Arc::new(Audit {
            path: path.to_path_buf(),
            max_bytes,
            sync_every_line: fsync_interval_ms == 0,
            file: Mutex::new(open),
            dirty: AtomicBool::new(false),
        });
        if fsync_interval_ms > 0 {
            let weak: Weak<Audit> = Arc::downgrade(&audit);
            let every = Duration::from_millis(fsync_interval_ms);
            std::thread::Builder::new()
                .name("audit-fsync".into())
                .spawn(move || loop {
                    std::thread::sleep(every);
                    let Some(a) = weak.upgrade() else { return };
                    if let Err(e) = a.sync() {
                        tracing::error!(error = %e, "audit log fsync failed");
                    }
                })?;
        }
        Ok(audit)
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one entry (rotating first when the file would pass `max_bytes`).
    pub fn write(&self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut open = self.file.lock().unwrap_or_else(|p| p.into_inner());
        if open.len > 0 && open.len + line.len() as u64 > self.max_bytes {
            self.rotate(&mut open)?;
        }
        open.file.write_all(&line).map_err(at(&self.path))?;
        open.len += line.len() as u64;
        if self.sync_every_line {
            open.file.sync_data().map_err(at(&self.path))?;
        } else {
            self.dirty.store(true, Ordering::Release);
        }
        Ok(())
    }

    /// Append one entry; a failure is logged (for refusals, which are answered either way).
    pub fn record(&self, entry: Entry) {
        if let Err(e) = self.write(&entry) {
            tracing::error!(error = %e, "audit log write failed");
        }
    }

    /// Flush written lines to disk.
    pub fn sync(&self) -> std::io::Result<()> {
        if self.dirty.swap(false, Ordering::AcqRel) {
            let open = self.file.lock().unwrap_or_else(|p| p.into_inner());
            open.file.sync_data().map_err(at(&self.path))?;
        }
        Ok(())
    }

    fn rotate(&self, open: &mut Open) -> std::io::Result<()> {
        open.file.sync_data().map_err(at(&self.path))?;
        let next = rotated(&self.path)?.last().map_or(1, |(n, _)| n + 1);
        let to = numbered(&self.path, next);
        std::fs::rename(&self.path, &to).map_err(at(&to))?;
        *open = open_append(&self.path)?;
        if let Some(dir) = self.path.parent() {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for Audit {
    fn drop(&mut self) {
        let _ = self.sync();
    }
}

fn stem_ext(path: &Path) -> (String, String) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "audit".into());
    let ext = path
        .extension()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "jsonl".into());
    (stem, ext)
}

fn numbered(path: &Path, n: u64) -> PathBuf {
    let (stem, ext) = stem_ext(path);
    path.with_file_name(format!("{stem}.{n}.{ext}"))
}

/// The rotated files of the log at `path`, oldest first.
fn rotated(path: &Path) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let (stem, ext) = stem_ext(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(at(&dir)(e)),
    };
    for e in entries {
        let e = e.map_err(at(&dir))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let n = name
            .strip_prefix(&format!("{stem}."))
            .and_then(|r| r.strip_suffix(&format!(".{ext}")))
            .and_then(|n| n.parse::<u64>().ok());
        if let Some(n) = n {
            out.push((n, e.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// What [`read`] found.
#[derive(Debug, Default)]
pub struct Log {
    /// Every readable entry, oldest first (rotated files, then the current one).
    pub entries: Vec<Entry>,
    /// Lines that are not entries (torn by a crash mid-write), as `file:line (N bytes)`.
    pub unreadable: Vec<String>,
}

/// Read the whole log at `path` and its rotated files. A missing log is an empty one.
pub fn read(path: &Path) -> std::io::Result<Log> {
    let mut files: Vec<PathBuf> = rotated(path)?.into_iter().map(|(_, p)| p).collect();
    files.push(path.to_path_buf());
    let mut log = Log::default();
    for f in files {
        let file = match File::open(&f) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(at(&f)(e)),
        };
        for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
            let line = line.map_err(at(&f))?;
            if line.is_empty() {
                continue;
            }
            match serde_json::from_slice::<Entry>(&line) {
                Ok(e) => log.entries.push(e),
                Err(_) => {
                    log.unreadable
                        .push(format!("{}:{} ({} bytes)", f.display(), i + 1, line.len()))
                }
            }
        }
    }
    Ok(log)
}

/// What a response gave away, for its audit line: patient ids and report ids.
pub trait Disclosed {
    /// `(patient_ids, report_ids)` present in the response.
    fn disclosed(&self) -> (Vec<String>, Vec<String>);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize) -> Entry {
        Entry {
            time: now(),
            caller: "c".into(),
            token: None,
            rpc: "priors.v1.ReportSearch/GetReport".into(),
            patient_ids: vec![format!("P{i}")],
            report_ids: vec![format!("R{i}")],
            status: "OK".into(),
            request_id: i.to_string(),
            detail: None,
        }
    }

    #[test]
    fn lines_rotate_by_size_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/audit.jsonl");
        let log = Audit::open(&path, 4096, 0).unwrap();
        for i in 0..200 {
            log.write(&entry(i)).unwrap();
        }
        drop(log);
        let r = rotated(&path).unwrap();
        assert!(r.len() >= 3, "{r:?}");
        for (_, f) in &r {
            assert!(std::fs::metadata(f).unwrap().len() <= 4096);
        }
        let back = read(&path).unwrap();
        assert!(back.unreadable.is_empty());
        let ids: Vec<String> = back.entries.iter().map(|e| e.request_id.clone()).collect();
        let want: Vec<String> = (0..200).map(|i| i.to_string()).collect();
        assert_eq!(ids, want);
    }

    #[test]
    fn a_torn_last_line_is_reported_and_never_swallows_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = Audit::open(&path, 1 << 20, 1000).unwrap();
        log.write(&entry(1)).unwrap();
        drop(log);
        // A crash in the middle of a write leaves part of a line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"time":"2026-12-07T00:00:00.000Z","caller":"c","rp"#)
            .unwrap();
        drop(f);
        let torn = read(&path).unwrap();
        assert_eq!(torn.entries.len(), 1);
        assert_eq!(torn.unreadable.len(), 1, "{:?}", torn.unreadable);
        let log = Audit::open(&path, 1 << 20, 1000).unwrap();
        log.write(&entry(2)).unwrap();
        drop(log);
        let back = read(&path).unwrap();
        assert_eq!(back.entries.len(), 2, "the next line is whole");
        assert_eq!(back.entries[1].request_id, "2");
        assert_eq!(back.unreadable.len(), 1);
    }
}
