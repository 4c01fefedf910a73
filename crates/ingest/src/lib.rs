//! The ingestion pipeline: files → records → sections → metadata → chunks → vectors → both
//! stores, in bounded memory, with every core on the model.
//!
//! ```text
//!  reader thread                    embed workers (one per model session)      writer (caller's thread)
//!  read + validate + meta ─ groups ─▶ jobs of ≤ N chunks ─▶ vectors ───────────▶ assemble group
//!  hash lookup, chunking            fastembed / ONNX Runtime                   Stores::apply (commit protocol)
//! ```
//!
//! The reader groups up to `commit_reports` reports, looks their content hashes up in one query
//! and drops the unchanged ones; the changed ones are chunked and their chunks cut into
//! embedding jobs. Workers embed jobs in parallel. The writer applies a group to both stores
//! once all of its vectors have arrived, so parsing, embedding and writing overlap. Channels
//! are bounded: a slow stage holds the others back instead of buffering the input.
//!
//! Bad records never stop the run: each is reported with file, line/record and reason, and
//! counted in `failed`. A failure of an engine (not of a record) stops the run with an error;
//! the commit protocol of [`priors_store::Stores`] keeps both stores in agreement either way.

use crossbeam_channel::{bounded, Receiver, Sender};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use priors_core::{Chunk, Embedder, ReportMeta, SectionKind, StoredChunk};
use priors_parse::{Limits, RecordError, SourceRecord};
use priors_store::{ReportWrite, Stores};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Result alias for this crate.
pub type Result<T, E = IngestError> = std::result::Result<T, E>;

/// A failure that stops the whole run (bad records do not: they are in the summary).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// An input path cannot be read at all (caller's fault).
    #[error(transparent)]
    Input(#[from] priors_parse::ParseError),
    /// The stores failed (system fault; the stores remain consistent).
    #[error(transparent)]
    Store(#[from] priors_store::StoreError),
    /// The embedding model failed (system fault; the stores remain consistent).
    #[error("embedding: {0}")]
    Embed(String),
    /// The input stream broke off (a network client went away, or a limit was reached):
    /// given by a record stream of [`ingest_stream`], it ends the run after the groups already
    /// handed to the writer are committed; the records of the unfinished group are dropped.
    /// The run's summary says so in [`IngestSummary::interrupted`].
    #[error("input stream interrupted: {0}")]
    Interrupted(String),
}

/// Tunables of one run.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Largest accepted report text, in bytes.
    pub max_report_bytes: usize,
    /// Upper bound of model tokens per chunk.
    pub chunk_max_tokens: usize,
    /// Reports written to both stores per commit.
    pub commit_reports: usize,
    /// Chunks per embedding job.
    pub embed_job_chunks: usize,
    /// Draw a progress bar on stderr (only when it is a terminal).
    pub progress: bool,
}

impl IngestOptions {
    /// The options the configuration gives (`[ingest]`; embedding jobs of two model batches).
    pub fn from_config(config: &priors_core::Config, progress: bool) -> Self {
        Self {
            max_report_bytes: config.ingest.max_report_bytes,
            chunk_max_tokens: config.ingest.chunk_max_tokens,
            commit_reports: config.ingest.commit_reports,
            embed_job_chunks: config.embedding.batch_size * 2,
            progress,
        }
    }
}

/// One record that was not ingested, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordFailure {
    /// Input file.
    pub file: String,
    /// 1-based line (JSONL).
    pub line: Option<usize>,
    /// 1-based record index within the file.
    pub record: usize,
    /// Report id, when it could be read.
    pub report_id: Option<String>,
    /// Machine-readable reason (`malformed_json`, `missing_field`, …, `duplicate_id`).
    pub kind: String,
    /// Human-readable reason.
    pub message: String,
}

/// What a run did; printed as JSON by `priors ingest --json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestSummary {
    /// Reports that were new.
    pub ingested: usize,
    /// Reports already stored with the same content (nothing written).
    pub unchanged: usize,
    /// Reports stored with other content, replaced.
    pub updated: usize,
    /// Records rejected (see `errors`).
    pub failed: usize,
    /// Chunks written in this run.
    pub chunks: usize,
    /// Wall-clock seconds (the index build below included).
    pub seconds: f64,
    /// Seconds spent bringing the dense engine's vector index up to date after the writes
    /// (near zero when no segment was large enough to need a new index).
    pub index_seconds: f64,
    /// Model tokens embedded in this run.
    pub tokens: usize,
    /// Reports removed by crash recovery when the stores were opened (re-written by this run if
    /// they are in the input).
    pub recovered: usize,
    /// One entry per failed record.
    pub errors: Vec<RecordFailure>,
    /// Records read from the input (failed ones included).
    pub received: usize,
    /// Why a record stream broke off before its end ([`IngestError::Interrupted`]); what was
    /// committed before stays, nothing after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<String>,
}

/// A changed report, chunked, waiting for its vectors.
struct Prepared {
    report_id: String,
    chunks: Vec<StoredChunk>,
    is_update: bool,
}

/// Messages to the writer.
enum ToWriter {
    /// A group of reports; `chunks` in total, embedded by jobs starting at offsets.
    Group { id: u64, reports: Vec<Prepared> },
    /// Vectors of one job of a group, starting at chunk offset `start`.
    Vectors {
        group: u64,
        start: usize,
        vectors: Vec<Vec<f32>>,
    },
    /// A worker failed.
    Failed(String),
}

struct Job {
    group: u64,
    start: usize,
    texts: Vec<String>,
}

/// Expand paths (files or directories) into input files, in a stable order.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        files.extend(priors_parse::read_dir_or_file(p)?);
    }
    Ok(files)
}

/// Ingest `paths` into `stores`, embedding with `embedder` on `workers` parallel jobs.
pub fn ingest(
    paths: &[PathBuf],
    stores: &Stores,
    embedder: &dyn Embedder,
    workers: usize,
    opts: &IngestOptions,
) -> Result<IngestSummary> {
    let files = input_files(paths)?;
    let progress = progress_bar(opts.progress, &files);
    let limits = Limits {
        max_report_bytes: opts.max_report_bytes,
    };
    // Files are opened one after the other as the reader reaches them; a file that cannot
    // be opened ends the run with an error (records already committed stay committed).
    let records = files.into_iter().flat_map(move |file| {
        let (first, rest): (
            Option<Result<SourceRecord>>,
            Option<priors_parse::RecordIter>,
        ) = match priors_parse::read_file(&file, &limits) {
            Ok(iter) => (None, Some(iter)),
            Err(e) => (Some(Err(e.into())), None),
        };
        first.into_iter().chain(rest.into_iter().flatten().map(Ok))
    });
    run(records, stores, embedder, workers, opts, progress)
}

/// Ingest records as a stream delivers them (e.g. over the network), in order, in bounded
/// memory: records are grouped and committed as they arrive. An
/// [`IngestError::Interrupted`] item ends the run cleanly (committed groups stay, the
/// unfinished group is dropped, [`IngestSummary::interrupted`] says why); any other error
/// item ends it with that error.
pub fn ingest_stream(
    records: impl Iterator<Item = Result<SourceRecord>> + Send,
    stores: &Stores,
    embedder: &dyn Embedder,
    workers: usize,
    opts: &IngestOptions,
) -> Result<IngestSummary> {
    run(
        records,
        stores,
        embedder,
        workers,
        opts,
        ProgressBar::hidden(),
    )
}

fn run(
    records: impl Iterator<Item = Result<SourceRecord>> + Send,
    stores: &Stores,
    embedder: &dyn Embedder,
    workers: usize,
    opts: &IngestOptions,
    progress: ProgressBar,
) -> Result<IngestSummary> {
    let started = Instant::now();
    let (group_tx, writer_rx) = bounded::<ToWriter>(4 * workers.max(1) + 4);
    let (job_tx, job_rx) = bounded::<Job>(2 * workers.max(1));
    let mut summary = IngestSummary {
        recovered: stores.recovered().len(),
        ..Default::default()
    };

    let outcome = std::thread::scope(|scope| -> Result<()> {
        let reader = {
            let writer_tx = group_tx.clone();
            let progress = progress.clone();
            scope.spawn(move || {
                read_stage(
                    records, stores, embedder, opts, writer_tx, job_tx, &progress,
                )
            })
        };
        for _ in 0..workers.max(1) {
            let job_rx = job_rx.clone();
            let writer_tx = group_tx.clone();
            scope.spawn(move || embed_stage(embedder, job_rx, writer_tx));
        }
        drop(job_rx);
        drop(group_tx);
        let written = write_stage(stores, writer_rx, &progress);
        // The reader ends when its input ends, or early once the writer has hung up.
        let read = reader.join().expect("reader thread panicked");
        let (failures, unchanged, tokens, received, interrupted) = read?;
        let written = written?;
        summary.received = received;
        summary.interrupted = interrupted;
        summary.ingested = written.ingested;
        summary.updated = written.updated;
        summary.chunks = written.chunks;
        summary.unchanged = unchanged;
        summary.tokens = tokens;
        summary.failed = failures.len();
        summary.errors = failures;
        Ok(())
    });
    progress.finish_and_clear();
    outcome?;
    // Also when nothing was written: a collection built before its segments were indexed gets
    // its index on the next ingest; with nothing to do this is a quick check.
    let t = Instant::now();
    stores.optimize()?;
    summary.index_seconds = t.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn progress_bar(enabled: bool, files: &[PathBuf]) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let total: u64 = files.iter().map(|f| estimate_records(f)).sum();
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} reports ({per_sec}, eta {eta})",
        )
        .expect("valid template"),
    );
    pb
}

/// Records in a file, for the progress bar: lines of JSONL, one per other file.
fn estimate_records(path: &Path) -> u64 {
    let jsonl = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    if !jsonl {
        return 1;
    }
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return 0;
    };
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0u64;
    while let Ok(n) = f.read(&mut buf) {
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
    lines
}

fn failure(
    loc: &priors_parse::Location,
    report_id: Option<String>,
    e: &RecordError,
) -> RecordFailure {
    RecordFailure {
        file: loc.file.clone(),
        line: loc.line,
        record: loc.record,
        report_id,
        kind: e.kind.as_str().to_string(),
        message: e.message.clone(),
    }
}

/// A validated record waiting for its group's hash lookup.
struct Pending {
    meta: ReportMeta,
    sections: Vec<priors_core::Section>,
}

/// Failures, unchanged reports, tokens, records read, why the input broke off.
type ReadOutcome = Result<(Vec<RecordFailure>, usize, usize, usize, Option<String>)>;

fn read_stage(
    records: impl Iterator<Item = Result<SourceRecord>>,
    stores: &Stores,
    embedder: &dyn Embedder,
    opts: &IngestOptions,
    writer_tx: Sender<ToWriter>,
    job_tx: Sender<Job>,
    progress: &ProgressBar,
) -> ReadOutcome {
    let limits = Limits {
        max_report_bytes: opts.max_report_bytes,
    };
    let mut failures = Vec::new();
    let mut unchanged = 0usize;
    let mut tokens = 0usize;
    let mut seen: HashSet<String> = HashSet::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut next_group = 0u64;
    let mut flush =
        |pending: &mut Vec<Pending>, unchanged: &mut usize, tokens: &mut usize| -> Result<bool> {
            if pending.is_empty() {
                return Ok(true);
            }
            let ids: Vec<String> = pending.iter().map(|p| p.meta.report_id.clone()).collect();
            let stored = stores.content_hashes(&ids)?;
            let mut reports = Vec::new();
            for p in pending.drain(..) {
                let is_update = match stored.get(&p.meta.report_id) {
                    Some(h) if *h == p.meta.content_hash => {
                        *unchanged += 1;
                        progress.inc(1);
                        continue;
                    }
                    Some(_) => true,
                    None => false,
                };
                let chunks = chunk(&p, embedder, opts.chunk_max_tokens)?;
                *tokens += chunks.iter().map(|c| c.tokens).sum::<usize>();
                reports.push(Prepared {
                    report_id: p.meta.report_id.clone(),
                    chunks: stored_chunks(&p.meta, chunks),
                    is_update,
                });
            }
            let group = next_group;
            next_group += 1;
            let texts: Vec<String> = reports
                .iter()
                .flat_map(|r| r.chunks.iter().map(|c| c.text.clone()))
                .collect();
            if writer_tx
                .send(ToWriter::Group { id: group, reports })
                .is_err()
            {
                return Ok(false);
            }
            for (i, batch) in texts.chunks(opts.embed_job_chunks.max(1)).enumerate() {
                let job = Job {
                    group,
                    start: i * opts.embed_job_chunks.max(1),
                    texts: batch.to_vec(),
                };
                if job_tx.send(job).is_err() {
                    return Ok(false);
                }
            }
            Ok(true)
        };

    let mut received = 0usize;
    'records: {
        for rec in records {
            let rec = match rec {
                Ok(rec) => rec,
                Err(IngestError::Interrupted(why)) => {
                    // The unfinished group is dropped; groups already sent get committed.
                    return Ok((failures, unchanged, tokens, received, Some(why)));
                }
                Err(e) => return Err(e),
            };
            received += 1;
            let record = match rec.result {
                Ok(r) => r,
                Err(e) => {
                    failures.push(failure(&rec.location, None, &e));
                    progress.inc(1);
                    continue;
                }
            };
            let sections = match priors_parse::validate(&record, &limits) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(failure(&rec.location, Some(record.report_id.clone()), &e));
                    progress.inc(1);
                    continue;
                }
            };
            if !seen.insert(record.report_id.clone()) {
                failures.push(RecordFailure {
                    file: rec.location.file.clone(),
                    line: rec.location.line,
                    record: rec.location.record,
                    report_id: Some(record.report_id.clone()),
                    kind: "duplicate_id".into(),
                    message: format!(
                        "report id {} appears more than once in this run; the first one was kept",
                        record.report_id
                    ),
                });
                progress.inc(1);
                continue;
            }
            let meta = priors_parse::extract_meta(&record, &sections);
            pending.push(Pending { meta, sections });
            if pending.len() >= opts.commit_reports
                && !flush(&mut pending, &mut unchanged, &mut tokens)?
            {
                break 'records;
            }
        }
    }
    flush(&mut pending, &mut unchanged, &mut tokens)?;
    Ok((failures, unchanged, tokens, received, None))
}

fn chunk(p: &Pending, embedder: &dyn Embedder, max_tokens: usize) -> Result<Vec<Chunk>> {
    // Token counting failures are model failures, not record failures: surface the first one.
    let err: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    let count = |t: &str| match embedder.count_tokens(t) {
        Ok(n) => n,
        Err(e) => {
            err.borrow_mut().get_or_insert_with(|| e.to_string());
            0
        }
    };
    let chunks = priors_parse::chunk_report(&p.meta.report_id, &p.sections, max_tokens, &count);
    match err.into_inner() {
        Some(e) => Err(IngestError::Embed(format!("tokenizer: {e}"))),
        None => Ok(chunks),
    }
}

fn stored_chunks(meta: &ReportMeta, chunks: Vec<Chunk>) -> Vec<StoredChunk> {
    let count = chunks.len() as u32;
    let suv_max = meta.suv_max.iter().copied().reduce(f32::max);
    chunks
        .into_iter()
        .map(|c| StoredChunk {
            id: c.id(),
            report_id: meta.report_id.clone(),
            patient_id: meta.patient_id.clone(),
            exam_date: meta.exam_date,
            modality: meta.modality.clone(),
            tracer: meta.tracer.clone(),
            cancer_type: meta.cancer_type.clone(),
            section: c.section,
            chunk_index: c.index,
            chunk_count: count,
            content_hash: meta.content_hash.clone(),
            suv_max,
            deauville: meta.deauville,
            suv_values: meta.suv_max.clone(),
            laterality: meta.laterality.clone(),
            lesions: if c.section == SectionKind::Findings {
                priors_staging::extract_lesions(&c.text)
            } else {
                Vec::new()
            },
            text: c.text,
        })
        .collect()
}

fn embed_stage(embedder: &dyn Embedder, jobs: Receiver<Job>, writer_tx: Sender<ToWriter>) {
    for job in jobs {
        let texts: Vec<&str> = job.texts.iter().map(String::as_str).collect();
        let msg = match embedder.embed(&texts) {
            Ok(vectors) => ToWriter::Vectors {
                group: job.group,
                start: job.start,
                vectors,
            },
            Err(e) => ToWriter::Failed(e.to_string()),
        };
        let failed = matches!(msg, ToWriter::Failed(_));
        if writer_tx.send(msg).is_err() || failed {
            return;
        }
    }
}

#[derive(Default)]
struct Written {
    ingested: usize,
    updated: usize,
    chunks: usize,
}

struct Assembling {
    reports: Vec<Prepared>,
    vectors: Vec<Option<Vec<f32>>>,
    missing: usize,
}

fn write_stage(stores: &Stores, rx: Receiver<ToWriter>, progress: &ProgressBar) -> Result<Written> {
    let mut done = Written::default();
    let mut groups: HashMap<u64, Assembling> = HashMap::new();
    let complete = |g: Assembling, done: &mut Written| -> Result<()> {
        let mut vectors = g.vectors.into_iter();
        let writes: Vec<ReportWrite> = g
            .reports
            .iter()
            .map(|r| ReportWrite {
                report_id: r.report_id.clone(),
                chunks: r.chunks.clone(),
                vectors: (&mut vectors)
                    .take(r.chunks.len())
                    .map(|v| v.expect("every vector arrived"))
                    .collect(),
            })
            .collect();
        stores.apply(&writes, &[])?;
        for r in &g.reports {
            if r.is_update {
                done.updated += 1;
            } else {
                done.ingested += 1;
            }
            done.chunks += r.chunks.len();
        }
        progress.inc(g.reports.len() as u64);
        Ok(())
    };
    for msg in rx {
        match msg {
            ToWriter::Group { id, reports } => {
                let n: usize = reports.iter().map(|r| r.chunks.len()).sum();
                let g = Assembling {
                    reports,
                    vectors: vec![None; n],
                    missing: n,
                };
                if n == 0 {
                    complete(g, &mut done)?;
                } else {
                    groups.insert(id, g);
                }
            }
            ToWriter::Vectors {
                group,
                start,
                vectors,
            } => {
                let g = groups
                    .get_mut(&group)
                    .expect("group header precedes its vectors");
                for (i, v) in vectors.into_iter().enumerate() {
                    if g.vectors[start + i].replace(v).is_none() {
                        g.missing -= 1;
                    }
                }
                if g.missing == 0 {
                    let g = groups.remove(&group).expect("present");
                    complete(g, &mut done)?;
                }
            }
            ToWriter::Failed(e) => return Err(IngestError::Embed(e)),
        }
    }
    Ok(done)
}
