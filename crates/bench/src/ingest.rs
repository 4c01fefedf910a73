//! `priors-bench ingest`: ingest throughput against bare embedding throughput, measured in
//! one process over the same chunk texts, with the same session pool.
//!
//! Order: bare embedding, ingest into a fresh data directory, bare embedding again; the bare
//! rate is the mean of the two passes, so drift of a noisy machine shows up in the spread.

use anyhow::{Context, Result};
use priors_app::App;
use priors_core::{Config, Embedder};
use priors_embed::FastEmbedder;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Figures of one benchmark run (printed as JSON; read back by `priors-bench report`).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct IngestBench {
    /// Reports parsed.
    pub(crate) reports: usize,
    /// Chunks embedded (the same texts in the bare passes and the ingest).
    pub(crate) chunks: usize,
    /// Model tokens of those chunks.
    pub(crate) tokens: usize,
    /// Model sessions.
    pub(crate) workers: usize,
    /// Seconds of the bare pass before and of the one after the ingest.
    pub(crate) bare_seconds: [f64; 2],
    pub(crate) bare_chunks_per_s: f64,
    pub(crate) bare_tokens_per_s: f64,
    pub(crate) ingest_seconds: f64,
    pub(crate) ingest_reports_per_s: f64,
    pub(crate) ingest_chunks_per_s: f64,
    pub(crate) ingest_tokens_per_s: f64,
    /// Ingest rate ÷ bare embedding rate.
    pub(crate) ratio: f64,
}

/// Parse and chunk every report of `paths` as ingest does, returning the chunk texts and the
/// number of reports.
fn chunk_texts(
    paths: &[PathBuf],
    config: &Config,
    embedder: &FastEmbedder,
) -> Result<(Vec<String>, usize)> {
    let limits = priors_parse::Limits {
        max_report_bytes: config.ingest.max_report_bytes,
    };
    let mut texts = Vec::new();
    let mut reports = 0;
    for file in priors_ingest::input_files(paths)? {
        for rec in priors_parse::read_file(&file, &limits)? {
            let Ok(record) = rec.result else { continue };
            let Ok(sections) = priors_parse::validate(&record, &limits) else {
                continue;
            };
            let count = |t: &str| embedder.token_count(t).unwrap_or(usize::MAX);
            let chunks = priors_parse::chunk_report(
                &record.report_id,
                &sections,
                config.ingest.chunk_max_tokens,
                &count,
            );
            texts.extend(chunks.into_iter().map(|c| c.text));
            reports += 1;
        }
    }
    Ok((texts, reports))
}

/// Embed all texts with every session busy, as ingest does; returns seconds.
fn bare_pass(embedder: &FastEmbedder, texts: &[String], job: usize) -> Result<f64> {
    let jobs: Vec<&[String]> = texts.chunks(job).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        let handles: Vec<_> = (0..embedder.workers())
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(batch) = jobs.get(i) else {
                            return Ok(());
                        };
                        let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
                        embedder.embed_batch(&refs)?;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("bench worker panicked")?;
        }
        Ok(())
    })?;
    Ok(started.elapsed().as_secs_f64())
}

/// Run the benchmark over `paths`, using `scratch` as a fresh data directory.
pub(crate) fn run(config: &Config, paths: &[PathBuf], scratch: &Path) -> Result<IngestBench> {
    let mut config = config.clone();
    config.data.dir = scratch.to_path_buf();
    let config = &config;
    let app = App::open(config.clone());
    let embedder = app.embedder()?;
    let (texts, reports) = chunk_texts(paths, config, &embedder)?;
    let tokens: usize = texts
        .iter()
        .map(|t| embedder.count_tokens(t).unwrap_or(0))
        .sum();
    let job = app.ingest_options(false).embed_job_chunks;
    let first = bare_pass(&embedder, &texts, job)?;

    if scratch.exists() {
        std::fs::remove_dir_all(scratch)
            .with_context(|| format!("removing {}", scratch.display()))?;
    }
    let summary = app.ingest("bench", paths, &app.ingest_options(false))?;
    anyhow::ensure!(
        summary.chunks == texts.len(),
        "ingest wrote {} chunks, the bare pass embedded {}",
        summary.chunks,
        texts.len()
    );
    let second = bare_pass(&embedder, &texts, job)?;

    let bare = (first + second) / 2.0;
    let n = texts.len() as f64;
    Ok(IngestBench {
        reports,
        chunks: texts.len(),
        tokens,
        workers: embedder.workers(),
        bare_seconds: [first, second],
        bare_chunks_per_s: n / bare,
        bare_tokens_per_s: tokens as f64 / bare,
        ingest_seconds: summary.seconds,
        ingest_reports_per_s: reports as f64 / summary.seconds,
        ingest_chunks_per_s: n / summary.seconds,
        ingest_tokens_per_s: tokens as f64 / summary.seconds,
        ratio: bare / summary.seconds,
    })
}
