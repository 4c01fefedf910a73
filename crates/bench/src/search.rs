//! `priors-bench search`: search latency per mode at given collection sizes (10k and 100k
//! chunks by default), with the query embedding included and apart, and the dense engine's
//! recall@10 against exact (brute-force cosine) search.
//!
//! How the sets are made: the corpus is ingested once, with real embeddings, into
//! the collection `base` of `<scratch>` (kept and re-used: a re-run finds every report unchanged). Its chunks and
//! their stored vectors are read back, and the collection `sets` is rebuilt from them through
//! [`Stores::apply`], without the model: first the corpus as it is, then perturbed copies of
//! its reports, round after round, until the collection holds the asked number of chunks
//! (a report that does not fit whole is cut to the chunks that fit). A copy gets new report
//! and patient ids (`-Cnn` suffix, `nn` the round), its text lightly perturbed by seeded word
//! swaps and drops, and each vector `normalize(original + σ·g)` with `g` standard Gaussian
//! noise from the same seeded generator; so the collection is full of realistic
//! near-duplicates. The sizes grow one collection in order (the 10k set is the start of the
//! 100k one).
//!
//! Queries, from `queries` reports taken evenly in report id order: their findings (as
//! `priors similar` builds them; long) and, apart, the first sentence of their impression
//! (short, like a typed query). k = 10, no filter. Each query set is measured on each size
//! after a warm-up, interleaving per query: the query embedding alone, `search` in each mode
//! (embedding included),
//! `search_with_vector` with the precomputed vector, each engine's candidates alone and the
//! Tantivy fetch of the chunks a search reads (one per returned report), and the dense engine's top 10
//! against the exact top 10 over every vector of the set (kept in memory while building).

use anyhow::{Context, Result};
use priors_app::App;
use priors_core::{
    ChunkId, Config, EngineError, LexicalIndex, SearchFilter, SectionKind, StoredChunk,
};
use priors_retrieval::{Mode, Query, Retriever};
use priors_store::collections::collection_dir;
use priors_store::{QdrantServerStore, ReportWrite, Stores};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The collection the corpus is ingested into (re-used across runs).
const BASE: &str = "base";
/// The collection the sets are built in (rebuilt every run).
const SETS: &str = "sets";

/// Reports wanted per query.
const K: usize = 10;

/// The hybrid latency target of issue #3 at the largest set (milliseconds).
const TARGET_P50_MS: f64 = 10.0;
const TARGET_P99_MS: f64 = 25.0;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct SearchBenchOptions {
    /// The corpus ingested as the seed of the sets.
    pub(crate) corpus: PathBuf,
    /// Scratch directory: `base/` (kept) and `sets/` (rebuilt).
    pub(crate) scratch: PathBuf,
    /// Collection sizes in chunks, measured in increasing order.
    pub(crate) sizes: Vec<usize>,
    /// Number of queries.
    pub(crate) queries: usize,
    /// Warm-up queries before each set is measured (every operation once each).
    pub(crate) warmup: usize,
    /// A Qdrant server: the same sets are then built and measured a second time with the
    /// dense vectors there (collection `priors_bench_sets`, dropped first).
    pub(crate) qdrant_url: Option<String>,
    /// That server's process on this machine, for its memory after each set.
    pub(crate) qdrant_pid: Option<u32>,
    /// That server's storage directory on this machine, for its size after each set.
    pub(crate) qdrant_storage: Option<PathBuf>,
}

/// The remote collection prefix of the benchmark (apart from a deployment's `priors_`).
const REMOTE_PREFIX: &str = "priors_bench_";

/// How copies differ from their originals.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Perturbation {
    /// Seed of the generator (ChaCha8).
    pub(crate) seed: u64,
    /// Probability that a word is dropped.
    pub(crate) word_drop: f64,
    /// Probability that a word swaps places with the next one.
    pub(crate) word_swap: f64,
    /// Standard deviation of the Gaussian noise added to each vector component before
    /// re-normalising.
    pub(crate) noise_sigma: f32,
}

impl Default for Perturbation {
    fn default() -> Self {
        Self {
            seed: 20_261_125,
            word_drop: 0.05,
            word_swap: 0.05,
            noise_sigma: 0.01,
        }
    }
}

/// Latency distribution of one operation, in milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Latency {
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) mean_ms: f64,
    pub(crate) max_ms: f64,
}

impl Latency {
    /// Nearest-rank percentiles of `samples` (seconds).
    fn of(samples: &[f64]) -> Self {
        let mut s: Vec<f64> = samples.iter().map(|x| x * 1e3).collect();
        s.sort_by(f64::total_cmp);
        let rank = |p: f64| priors_evaluate::nearest_rank(&s, p).unwrap_or(f64::NAN);
        Self {
            p50_ms: rank(50.0),
            p99_ms: rank(99.0),
            mean_ms: s.iter().sum::<f64>() / s.len().max(1) as f64,
            max_ms: s.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// One mode's latencies at one size.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ModeLatency {
    pub(crate) mode: String,
    /// `Retriever::search`: query embedding included (none in BM25 mode).
    pub(crate) with_embedding: Latency,
    /// `Retriever::search_with_vector` with the precomputed query vector.
    pub(crate) precomputed_vector: Latency,
}

/// Where the time of a hybrid search goes, each stage timed alone.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Stages {
    /// Candidate depth asked of each engine.
    pub(crate) depth: usize,
    /// Tantivy BM25 top `depth`.
    pub(crate) bm25_candidates: Latency,
    /// Qdrant cosine top `depth`.
    pub(crate) dense_candidates: Latency,
    /// Tantivy stored-document fetch of the chunks a search reads (one per returned report).
    pub(crate) fetch_candidates: Latency,
    /// Mean number of chunks read.
    pub(crate) fetched_chunks_mean: f64,
}

/// Figures of one collection size.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SetFigures {
    pub(crate) chunks: usize,
    pub(crate) reports: usize,
    /// Seconds to write the set (from the previous size), through `Stores::apply`.
    pub(crate) build_seconds: f64,
    /// Seconds of `Stores::optimize` after writing (the dense engine's HNSW build), as ingest
    /// runs it.
    pub(crate) index_seconds: f64,
    /// Mean cosine between a copy's vector and its original's, over the copies written.
    pub(crate) copy_cosine_mean: f64,
    pub(crate) consistent: bool,
    /// Size on disk after the set was measured: the collection's directory (embedded: both
    /// engines; remote: Tantivy and the journal), MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) disk_mib: Option<f64>,
    /// Remote: the Qdrant server's storage directory, MiB (when it was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) server_disk_mib: Option<f64>,
    /// Remote: the Qdrant server's resident memory after the set was measured, and its peak
    /// so far (VmRSS / VmHWM), MiB (when its pid was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) server_rss_mib: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) server_peak_rss_mib: Option<f64>,
    /// One entry per query set.
    pub(crate) query_sets: Vec<QuerySetFigures>,
}

/// Figures of one query set on one collection size.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct QuerySetFigures {
    /// `findings` or `impression_sentence`.
    pub(crate) queries: String,
    /// `Retriever::embed_query` alone.
    pub(crate) embed: Latency,
    pub(crate) modes: Vec<ModeLatency>,
    /// Hybrid with a precomputed vector and the query report's patient excluded, as
    /// `similar` asks.
    pub(crate) hybrid_patient_excluded: Latency,
    pub(crate) stages: Stages,
    /// Dense engine top 10 chunks vs exact cosine top 10 over every vector of the set, by
    /// chunk id.
    #[serde(rename = "dense_recall@10")]
    pub(crate) dense_recall_at_10: f64,
    /// The same, counting an engine chunk whose exact score ties the exact 10th score
    /// (within 1e-6) as found: the corpus has chunks with identical text, hence identical
    /// vectors, and the engine breaks those ties in its own order.
    #[serde(rename = "dense_recall@10_ties")]
    pub(crate) dense_recall_at_10_ties: f64,
}

/// Figures of one benchmark run.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SearchBench {
    pub(crate) corpus_reports: usize,
    pub(crate) corpus_chunks: usize,
    /// Seconds of the corpus ingest (real embeddings); near 0 when `base/` was re-used.
    pub(crate) base_ingest_seconds: f64,
    pub(crate) base_reused: bool,
    pub(crate) queries: usize,
    /// Mean model tokens of a query per query set (special tokens included; the model reads
    /// at most its `max_length`).
    pub(crate) query_tokens_mean: BTreeMap<String, f64>,
    pub(crate) warmup: usize,
    pub(crate) k: usize,
    pub(crate) perturbation: Perturbation,
    pub(crate) sets: Vec<SetFigures>,
    /// The target per query set.
    pub(crate) target: Vec<Target>,
    /// The same sets with the dense vectors in a Qdrant server, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) remote: Option<RemoteFigures>,
}

/// The sets measured a second time with the dense side in a Qdrant server.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RemoteFigures {
    pub(crate) url: String,
    /// The server's version, from its health check.
    pub(crate) version: String,
    pub(crate) collection: String,
    pub(crate) sets: Vec<SetFigures>,
}

/// The target, checked at the largest set.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Target {
    pub(crate) queries: String,
    pub(crate) chunks: usize,
    pub(crate) hybrid_p50_ms: f64,
    pub(crate) hybrid_p99_ms: f64,
    /// Met with the query embedding included.
    pub(crate) met_with_embedding: bool,
    /// Met with a precomputed query vector.
    pub(crate) met_precomputed_vector: bool,
}

/// Writes a base set of reports, then perturbed copies of them, into stores until they hold a
/// given number of chunks; keeps every written vector for exact search.
pub(crate) struct CopyBuilder<'a> {
    base: &'a [ReportWrite],
    perturbation: Perturbation,
    rng: ChaCha8Rng,
    /// Reports per `Stores::apply`.
    batch: usize,
    /// Next report to write: round `next / base.len()` (0 = the originals), report
    /// `next % base.len()`.
    next: usize,
    reports: usize,
    /// Every `(chunk id, vector)` written, in order.
    pub(crate) vectors: Vec<(ChunkId, Vec<f32>)>,
    cosine_sum: f64,
    cosine_n: usize,
}

impl<'a> CopyBuilder<'a> {
    /// A builder over `base` (every report whole, one vector per chunk), writing `batch`
    /// reports per commit.
    pub(crate) fn new(base: &'a [ReportWrite], perturbation: Perturbation, batch: usize) -> Self {
        Self {
            base,
            perturbation,
            rng: ChaCha8Rng::seed_from_u64(perturbation.seed),
            batch: batch.max(1),
            next: 0,
            reports: 0,
            vectors: Vec::new(),
            cosine_sum: 0.0,
            cosine_n: 0,
        }
    }

    /// Chunks written so far.
    pub(crate) fn chunks(&self) -> usize {
        self.vectors.len()
    }

    /// Write until the stores hold `target` chunks written by this builder.
    pub(crate) fn grow(&mut self, stores: &Stores, target: usize) -> Result<()> {
        anyhow::ensure!(
            self.base.iter().any(|r| !r.chunks.is_empty()),
            "no base chunks to copy"
        );
        let mut pending: Vec<ReportWrite> = Vec::new();
        while self.chunks() + pending_chunks(&pending) < target {
            let room = target - self.chunks() - pending_chunks(&pending);
            let round = self.next / self.base.len();
            let original = &self.base[self.next % self.base.len()];
            self.next += 1;
            if original.chunks.is_empty() {
                continue;
            }
            let mut w = if round == 0 {
                original.clone()
            } else {
                self.copy(original, round)
            };
            if w.chunks.len() > room {
                truncate(&mut w, room);
            }
            pending.push(w);
            if pending.len() >= self.batch {
                self.write(stores, &mut pending)?;
            }
        }
        self.write(stores, &mut pending)
    }

    fn write(&mut self, stores: &Stores, pending: &mut Vec<ReportWrite>) -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        stores.apply(pending, &[])?;
        for w in pending.drain(..) {
            self.reports += 1;
            self.vectors
                .extend(w.chunks.iter().map(|c| c.id).zip(w.vectors));
        }
        Ok(())
    }

    /// Copy `round` of a report: new ids, perturbed text, noisy vectors.
    fn copy(&mut self, original: &ReportWrite, round: usize) -> ReportWrite {
        let suffix = format!("-C{round:02}");
        let report_id = format!("{}{suffix}", original.report_id);
        let p = self.perturbation;
        let chunks = original
            .chunks
            .iter()
            .map(|c| StoredChunk {
                id: ChunkId::new(&report_id, c.chunk_index),
                report_id: report_id.clone(),
                patient_id: format!("{}{suffix}", c.patient_id),
                content_hash: format!("{}{suffix}", c.content_hash),
                text: perturb_text(&c.text, &p, &mut self.rng),
                // Offsets would not fit the perturbed text.
                lesions: Vec::new(),
                ..c.clone()
            })
            .collect();
        let vectors = original
            .vectors
            .iter()
            .map(|v| {
                let noisy = normalize(
                    v.iter()
                        .map(|x| x + p.noise_sigma * gaussian(&mut self.rng))
                        .collect(),
                );
                self.cosine_sum += f64::from(dot(&noisy, v) / norm(v).max(f32::MIN_POSITIVE));
                self.cosine_n += 1;
                noisy
            })
            .collect();
        ReportWrite {
            report_id,
            chunks,
            vectors,
        }
    }

    /// Mean cosine of a copy's vector to its original's (1 when no copy was written).
    pub(crate) fn copy_cosine_mean(&self) -> f64 {
        if self.cosine_n == 0 {
            1.0
        } else {
            self.cosine_sum / self.cosine_n as f64
        }
    }
}

fn pending_chunks(pending: &[ReportWrite]) -> usize {
    pending.iter().map(|w| w.chunks.len()).sum()
}

/// Keep the first `n` chunks of a report, as a version of its own.
fn truncate(w: &mut ReportWrite, n: usize) {
    w.chunks.truncate(n);
    w.vectors.truncate(n);
    for c in &mut w.chunks {
        c.chunk_count = n as u32;
        c.content_hash = format!("{}-first{n}", c.content_hash);
    }
}

/// Light, deterministic damage: each word swaps with the next with probability `word_swap`,
/// then each word is dropped with probability `word_drop` (never all of them).
fn perturb_text(text: &str, p: &Perturbation, rng: &mut ChaCha8Rng) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i + 1 < words.len() {
        if rng.gen_bool(p.word_swap) {
            words.swap(i, i + 1);
            i += 2;
        } else {
            i += 1;
        }
    }
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|_| !rng.gen_bool(p.word_drop))
        .collect();
    if kept.is_empty() {
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

/// A standard Gaussian sample (Box–Muller).
fn gaussian(rng: &mut ChaCha8Rng) -> f32 {
    let u1: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.gen();
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f32]) -> f32 {
    dot(a, a).sqrt()
}

fn normalize(mut v: Vec<f32>) -> Vec<f32> {
    let n = norm(&v);
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// Exact top `k` chunk ids by cosine (all vectors unit length: dot product), ties by id.
fn exact_top(vectors: &[(ChunkId, Vec<f32>)], query: &[f32], k: usize) -> Vec<ChunkId> {
    let mut scored: Vec<(f32, ChunkId)> =
        vectors.iter().map(|(id, v)| (dot(v, query), *id)).collect();
    let by = |a: &(f32, ChunkId), b: &(f32, ChunkId)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if scored.len() > k {
        scored.select_nth_unstable_by(k, by);
        scored.truncate(k);
    }
    scored.sort_by(by);
    scored.into_iter().map(|(_, id)| id).collect()
}

/// The stored reports of a collection, whole, with their vectors, in the Tantivy scan order
/// (exam date, report id, chunk index).
fn read_reports(stores: &Stores) -> Result<Vec<ReportWrite>> {
    let chunks = stores
        .lexical()
        .scan(&SearchFilter::default())
        .map_err(engine("tantivy"))?;
    let ids: Vec<ChunkId> = chunks.iter().map(|c| c.id).collect();
    let vectors = stores.dense().vectors(&ids).map_err(engine("qdrant"))?;
    anyhow::ensure!(
        vectors.len() == chunks.len() && vectors.iter().zip(&ids).all(|(v, id)| v.0 == *id),
        "the stores disagree: {} chunks in Tantivy, {} of their vectors in Qdrant",
        chunks.len(),
        vectors.len()
    );
    let mut out: Vec<ReportWrite> = Vec::new();
    for (c, (_, v)) in chunks.into_iter().zip(vectors) {
        match out.last_mut() {
            Some(w) if w.report_id == c.report_id => {
                w.chunks.push(c);
                w.vectors.push(v);
            }
            _ => out.push(ReportWrite {
                report_id: c.report_id.clone(),
                chunks: vec![c],
                vectors: vec![v],
            }),
        }
    }
    Ok(out)
}

/// Names of the query sets, in the order of [`pick_queries`].
const QUERY_SETS: [&str; 2] = ["findings", "impression_sentence"];

/// From `n` reports taken evenly in report id order: their findings, joined as `similar`
/// does, and the first sentence of their impression (of their findings when they have none).
/// One query: its text and the patient of the report it came from.
struct BenchQuery {
    text: String,
    patient_id: String,
}

fn pick_queries(base: &[ReportWrite], n: usize) -> [Vec<BenchQuery>; 2] {
    let mut reports: Vec<&ReportWrite> = base.iter().collect();
    reports.sort_by(|a, b| a.report_id.cmp(&b.report_id));
    let n = n.min(reports.len());
    let mut out: [Vec<BenchQuery>; 2] = Default::default();
    for i in 0..n {
        let r = reports[i * reports.len() / n];
        let section = |kind: SectionKind| -> Vec<&str> {
            r.chunks
                .iter()
                .filter(|c| c.section == kind)
                .map(|c| c.text.as_str())
                .collect()
        };
        let findings = priors_retrieval::findings_query(&r.chunks);
        let short = match section(SectionKind::Impression).first() {
            Some(text) => priors_retrieval::snippet::first_sentence(text),
            None => priors_retrieval::snippet::first_sentence(&findings),
        };
        let patient_id = r
            .chunks
            .first()
            .map(|c| c.patient_id.clone())
            .unwrap_or_default();
        out[0].push(BenchQuery {
            text: findings,
            patient_id: patient_id.clone(),
        });
        out[1].push(BenchQuery {
            text: short,
            patient_id,
        });
    }
    out
}

fn engine(name: &'static str) -> impl FnOnce(EngineError) -> anyhow::Error {
    move |e| anyhow::anyhow!("{name}: {e}")
}

fn timed<T>(f: impl FnOnce() -> Result<T>) -> Result<(T, f64)> {
    let t = Instant::now();
    let out = f()?;
    Ok((out, t.elapsed().as_secs_f64()))
}

/// Per-query timings of one set, in seconds.
#[derive(Default)]
struct Samples {
    embed: Vec<f64>,
    with_embedding: [Vec<f64>; 3],
    precomputed: [Vec<f64>; 3],
    patient_excluded: Vec<f64>,
    bm25: Vec<f64>,
    dense: Vec<f64>,
    fetch: Vec<f64>,
    fetched: usize,
    recall: f64,
    recall_ties: f64,
}

/// Exact search over the vectors written so far.
struct Exact<'a> {
    vectors: &'a [(ChunkId, Vec<f32>)],
    by_id: std::collections::HashMap<ChunkId, usize>,
}

impl<'a> Exact<'a> {
    fn new(vectors: &'a [(ChunkId, Vec<f32>)]) -> Self {
        let by_id = vectors
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        Self { vectors, by_id }
    }

    fn score(&self, id: &ChunkId, query: &[f32]) -> f32 {
        self.by_id
            .get(id)
            .map_or(f32::NEG_INFINITY, |&i| dot(&self.vectors[i].1, query))
    }
}

const MODES: [Mode; 3] = [Mode::Hybrid, Mode::Bm25, Mode::Dense];

/// Run every measured operation once for `text`, adding the timings to `s`.
fn measure_query(
    retriever: &Retriever,
    exact: &Exact<'_>,
    depth: usize,
    query: &BenchQuery,
    s: &mut Samples,
) -> Result<()> {
    let text = query.text.as_str();
    let stores = retriever.stores();
    let filter = SearchFilter::default();
    let (vector, t) = timed(|| Ok(retriever.embed_query(text)?))?;
    s.embed.push(t);
    // As `similar` asks: the query report's own patient excluded (a must-not clause, which
    // costs Tantivy its block-WAND pruning).
    let excluding = Query {
        text: text.to_string(),
        k: K,
        mode: Mode::Hybrid,
        filter: SearchFilter {
            exclude_patients: vec![query.patient_id.clone()],
            ..Default::default()
        },
        per: priors_retrieval::Per::Report,
    };
    let (_, t) = timed(|| Ok(retriever.search_with_vector(&excluding, Some(&vector))?))?;
    s.patient_excluded.push(t);
    for (i, mode) in MODES.into_iter().enumerate() {
        let q = Query {
            text: text.to_string(),
            k: K,
            mode,
            filter: filter.clone(),
            per: priors_retrieval::Per::Report,
        };
        let (_, t) = timed(|| Ok(retriever.search(&q)?))?;
        s.with_embedding[i].push(t);
        let v = (mode != Mode::Bm25).then_some(vector.as_slice());
        let (_, t) = timed(|| Ok(retriever.search_with_vector(&q, v)?))?;
        s.precomputed[i].push(t);
    }
    let (b, t) = timed(|| {
        stores
            .lexical()
            .search(
                &priors_core::TextQuery {
                    text,
                    max_terms: retriever.params().bm25_max_terms,
                },
                depth,
                &filter,
            )
            .map_err(engine("tantivy"))
    })?;
    s.bm25.push(t);
    let (d, t) = timed(|| {
        stores
            .dense()
            .search(&vector, depth, &filter)
            .map_err(engine("qdrant"))
    })?;
    s.dense.push(t);
    // A search reads one stored chunk per returned report: the best chunk of the first k
    // distinct reports (here in BM25-then-dense order).
    let mut reports = HashSet::new();
    let read: Vec<ChunkId> = b
        .iter()
        .chain(&d)
        .filter(|h| reports.insert(h.report_id.as_str()))
        .map(|h| h.id)
        .take(K)
        .collect();
    let (_, t) = timed(|| stores.lexical().fetch(&read).map_err(engine("tantivy")))?;
    s.fetch.push(t);
    s.fetched += read.len();
    let engine_top: HashSet<ChunkId> = stores
        .dense()
        .search(&vector, K, &filter)
        .map_err(engine("qdrant"))?
        .into_iter()
        .map(|h| h.id)
        .collect();
    let top = exact_top(exact.vectors, &vector, K);
    let n = top.len().max(1) as f64;
    s.recall += top.iter().filter(|id| engine_top.contains(id)).count() as f64 / n;
    let kth = top
        .last()
        .map_or(f32::NEG_INFINITY, |id| exact.score(id, &vector));
    s.recall_ties += engine_top
        .iter()
        .filter(|id| exact.score(id, &vector) >= kth - 1e-6)
        .count()
        .min(top.len()) as f64
        / n;
    Ok(())
}

/// Warm up, then measure every query against the current set.
fn measure_set(
    retriever: &Retriever,
    builder: &CopyBuilder<'_>,
    queries: &[BenchQuery],
    warmup: usize,
    depth: usize,
) -> Result<Samples> {
    let exact = Exact::new(&builder.vectors);
    let mut scratch = Samples::default();
    for q in queries.iter().cycle().take(warmup) {
        measure_query(retriever, &exact, depth, q, &mut scratch)?;
    }
    let mut s = Samples::default();
    for q in queries {
        measure_query(retriever, &exact, depth, q, &mut s)?;
    }
    Ok(s)
}

/// Run the benchmark.
pub(crate) fn run(config: &Config, opts: &SearchBenchOptions) -> Result<SearchBench> {
    anyhow::ensure!(opts.queries > 0, "--queries must be at least 1");
    let mut sizes = opts.sizes.clone();
    sizes.sort_unstable();
    sizes.dedup();
    anyhow::ensure!(!sizes.is_empty(), "no collection size given");

    // The scratch directory is the data directory of an application of its own: `base` and
    // `sets` are collections in it.
    let mut config = config.clone();
    config.data.dir = opts.scratch.clone();
    // `base` and the first run of the sets are embedded whatever the environment says.
    config.store.qdrant.url.clear();
    let app = App::open(config.clone());
    let embedder = app.embedder()?;
    let (base, base_ingest_seconds, base_reused) = {
        let summary = app.ingest(
            BASE,
            std::slice::from_ref(&opts.corpus),
            &app.ingest_options(false),
        )?;
        anyhow::ensure!(
            summary.failed == 0,
            "{} has {} bad records",
            opts.corpus.display(),
            summary.failed
        );
        let reused = summary.ingested == 0 && summary.updated == 0;
        (read_reports(&*app.stores(BASE)?)?, summary.seconds, reused)
    };
    let corpus_chunks: usize = base.iter().map(|w| w.chunks.len()).sum();
    let query_sets = pick_queries(&base, opts.queries);
    let mut query_tokens_mean = BTreeMap::new();
    for (name, queries) in QUERY_SETS.into_iter().zip(&query_sets) {
        let tokens = queries
            .iter()
            .map(|q| embedder.token_count(&q.text))
            .sum::<Result<usize, _>>()?;
        query_tokens_mean.insert(
            name.to_string(),
            tokens as f64 / queries.len().max(1) as f64,
        );
    }

    let perturbation = Perturbation::default();
    // The embedded backend, always.
    let sets = {
        remove_dir(&collection_dir(&config, SETS))?;
        measure_sizes(
            &app,
            &config,
            &base,
            &sizes,
            &query_sets,
            opts,
            perturbation,
            &Server::default(),
        )?
    };
    let remote = match &opts.qdrant_url {
        None => None,
        Some(url) => {
            let mut config = config.clone();
            config.data.dir = opts.scratch.join("remote");
            config.store.qdrant.url = url.clone();
            config.store.qdrant.collection_prefix = REMOTE_PREFIX.to_string();
            let collection = config.store.qdrant.collection_name(SETS);
            let server = QdrantServerStore::connect(&config.store.qdrant, &collection)?;
            let version = server.server_version()?;
            if server.exists()? {
                server.drop_collection()?;
            }
            drop(server);
            remove_dir(&collection_dir(&config, SETS))?;
            let app = App::open(config.clone());
            let sets = measure_sizes(
                &app,
                &config,
                &base,
                &sizes,
                &query_sets,
                opts,
                perturbation,
                &Server {
                    pid: opts.qdrant_pid,
                    storage: opts.qdrant_storage.clone(),
                },
            )?;
            Some(RemoteFigures {
                url: url.clone(),
                version,
                collection,
                sets,
            })
        }
    };

    let largest = sets.last().context("no set measured")?;
    let met = |l: &Latency| l.p50_ms <= TARGET_P50_MS && l.p99_ms <= TARGET_P99_MS;
    let target = largest
        .query_sets
        .iter()
        .map(|q| Target {
            queries: q.queries.clone(),
            chunks: largest.chunks,
            hybrid_p50_ms: TARGET_P50_MS,
            hybrid_p99_ms: TARGET_P99_MS,
            met_with_embedding: met(&q.modes[0].with_embedding),
            met_precomputed_vector: met(&q.modes[0].precomputed_vector),
        })
        .collect();
    Ok(SearchBench {
        corpus_reports: base.len(),
        corpus_chunks,
        base_ingest_seconds,
        base_reused,
        queries: query_sets[0].len(),
        query_tokens_mean,
        warmup: opts.warmup,
        k: K,
        perturbation,
        sets,
        target,
        remote,
    })
}

/// The Qdrant server process measured beside a remote run (both optional).
#[derive(Default)]
struct Server {
    pid: Option<u32>,
    storage: Option<PathBuf>,
}

/// `VmRSS` and `VmHWM` of process `pid`, MiB (Linux).
fn process_memory_mib(pid: u32) -> Option<(f64, f64)> {
    use crate::stream::status_mib;
    Some((
        status_mib(pid, "VmRSS").ok()?,
        status_mib(pid, "VmHWM").ok()?,
    ))
}

/// Bytes a file takes on disk: its allocated blocks on Unix (as `du`; engines preallocate
/// sparse files), its length elsewhere.
fn allocated(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::blocks(meta) * 512
    }
    #[cfg(not(unix))]
    {
        meta.len()
    }
}

/// Bytes on disk of every file under `dir` (0 when it does not exist).
fn disk_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => disk_bytes(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| allocated(&m)),
            Err(_) => 0,
        })
        .sum()
}

const MIB: f64 = 1024.0 * 1024.0;

/// Build the sets in `app`'s collection `sets`, size after size, measuring each.
#[allow(clippy::too_many_arguments)]
fn measure_sizes(
    app: &App,
    config: &Config,
    base: &[ReportWrite],
    sizes: &[usize],
    query_sets: &[Vec<BenchQuery>; 2],
    opts: &SearchBenchOptions,
    perturbation: Perturbation,
    server: &Server,
) -> Result<Vec<SetFigures>> {
    let retriever = app.retriever(SETS)?;
    let stores = app.stores(SETS)?;
    let depth = config.retrieval.candidates.max(K * 4);
    let mut builder = CopyBuilder::new(base, perturbation, config.ingest.commit_reports);
    let mut sets = Vec::new();
    for &size in sizes {
        let (_, build_seconds) = timed(|| builder.grow(&stores, size))?;
        let (_, index_seconds) = timed(|| Ok(stores.optimize()?))?;
        let stats = stores.stats()?;
        let consistency = stores.consistency()?;
        anyhow::ensure!(
            stats.chunks == size && stats.qdrant_points == size && stats.tantivy_docs == size,
            "set of {size} chunks holds {stats:?}"
        );
        anyhow::ensure!(
            consistency.is_consistent(),
            "the stores disagree: {consistency:?}"
        );
        eprintln!(
            "bench search: {size} chunks ({} reports) written in {build_seconds:.1}s, indexed in \
             {index_seconds:.1}s; measuring",
            stats.reports
        );
        let mut figures = Vec::new();
        for (name, queries) in QUERY_SETS.into_iter().zip(query_sets) {
            let s = measure_set(&retriever, &builder, queries, opts.warmup, depth)?;
            figures.push(s.figures(name, queries.len(), depth));
        }
        let memory = server.pid.and_then(process_memory_mib);
        sets.push(SetFigures {
            chunks: size,
            reports: stats.reports,
            build_seconds,
            index_seconds,
            copy_cosine_mean: builder.copy_cosine_mean(),
            consistent: consistency.is_consistent(),
            disk_mib: Some(disk_bytes(&collection_dir(config, SETS)) as f64 / MIB),
            server_disk_mib: server
                .storage
                .as_deref()
                .map(|d| disk_bytes(d) as f64 / MIB),
            server_rss_mib: memory.map(|m| m.0),
            server_peak_rss_mib: memory.map(|m| m.1),
            query_sets: figures,
        });
    }
    Ok(sets)
}

impl Samples {
    fn figures(&self, name: &'static str, queries: usize, depth: usize) -> QuerySetFigures {
        let n = queries.max(1) as f64;
        QuerySetFigures {
            queries: name.to_string(),
            embed: Latency::of(&self.embed),
            hybrid_patient_excluded: Latency::of(&self.patient_excluded),
            modes: MODES
                .iter()
                .enumerate()
                .map(|(i, m)| ModeLatency {
                    mode: m.as_str().to_string(),
                    with_embedding: Latency::of(&self.with_embedding[i]),
                    precomputed_vector: Latency::of(&self.precomputed[i]),
                })
                .collect(),
            stages: Stages {
                depth,
                bm25_candidates: Latency::of(&self.bm25),
                dense_candidates: Latency::of(&self.dense),
                fetch_candidates: Latency::of(&self.fetch),
                fetched_chunks_mean: self.fetched as f64 / n,
            },
            dense_recall_at_10: self.recall / n,
            dense_recall_at_10_ties: self.recall_ties / n,
        }
    }
}

fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", dir.display())),
    }
}

impl SearchBench {
    /// A plain-text table of the figures.
    pub(crate) fn to_table(&self) -> String {
        let tokens: Vec<String> = self
            .query_tokens_mean
            .iter()
            .map(|(name, t)| format!("{name} {t:.0}"))
            .collect();
        let mut out = format!(
            "search latency, k = {}, {} queries per query set (mean tokens: {}), {} warm-up \
             queries per set and query set; milliseconds p50 / p99\n\n",
            self.k,
            self.queries,
            tokens.join(", "),
            self.warmup
        );
        out.push_str(&format!(
            "{:>8}  {:<19}  {:<7}  {:>19}  {:>19}\n",
            "chunks", "queries", "mode", "embedding included", "precomputed vector"
        ));
        let pair = |l: &Latency| format!("{:.1} / {:.1}", l.p50_ms, l.p99_ms);
        for s in &self.sets {
            for q in &s.query_sets {
                for m in &q.modes {
                    let with = if m.mode == Mode::Bm25.as_str() {
                        "(no embedding)".to_string()
                    } else {
                        pair(&m.with_embedding)
                    };
                    out.push_str(&format!(
                        "{:>8}  {:<19}  {:<7}  {:>19}  {:>19}\n",
                        s.chunks,
                        q.queries,
                        m.mode,
                        with,
                        pair(&m.precomputed_vector)
                    ));
                }
                out.push_str(&format!(
                    "{:>8}  {:<19}  {:<7}  {:>19}  {:>19}\n",
                    s.chunks,
                    q.queries,
                    "hybrid, patient excluded",
                    "",
                    pair(&q.hybrid_patient_excluded)
                ));
                out.push_str(&format!(
                    "{:>8}  {:<19}  {:<7}  {:>19}\n",
                    s.chunks,
                    q.queries,
                    "embed",
                    pair(&q.embed)
                ));
            }
        }
        out.push('\n');
        for s in &self.sets {
            out.push_str(&format!(
                "{} chunks ({} reports, built in {:.1}s, indexed in {:.1}s, copy-to-original \
                 cosine {:.3}):\n",
                s.chunks, s.reports, s.build_seconds, s.index_seconds, s.copy_cosine_mean
            ));
            for q in &s.query_sets {
                out.push_str(&format!(
                    "  {}: bm25 candidates {}, dense candidates {}, fetch of {:.0} chunks {} \
                     (depth {}); dense recall@10 vs exact {:.4} (ties counted: {:.4})\n",
                    q.queries,
                    pair(&q.stages.bm25_candidates),
                    pair(&q.stages.dense_candidates),
                    q.stages.fetched_chunks_mean,
                    pair(&q.stages.fetch_candidates),
                    q.stages.depth,
                    q.dense_recall_at_10,
                    q.dense_recall_at_10_ties,
                ));
            }
        }
        let word = |b: bool| if b { "met" } else { "not met" };
        for t in &self.target {
            out.push_str(&format!(
                "\ntarget at {} chunks, hybrid p50 <= {} ms and p99 <= {} ms, {} queries: {} \
                 with the query embedding, {} with a precomputed vector",
                t.chunks,
                t.hybrid_p50_ms,
                t.hybrid_p99_ms,
                t.queries,
                word(t.met_with_embedding),
                word(t.met_precomputed_vector),
            ));
        }
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIM: usize = 8;

    fn base() -> Vec<ReportWrite> {
        (0..3u32)
            .map(|r| {
                let id = format!("R{r}");
                let n = r + 1;
                let chunks: Vec<StoredChunk> = (0..n)
                    .map(|i| StoredChunk {
                        id: ChunkId::new(&id, i),
                        report_id: id.clone(),
                        patient_id: format!("P{r}"),
                        exam_date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1 + r).unwrap(),
                        modality: "PET/CT".into(),
                        tracer: Some("FDG".into()),
                        cancer_type: Some("nsclc".into()),
                        section: SectionKind::Findings,
                        chunk_index: i,
                        chunk_count: n,
                        content_hash: format!("h{r}"),
                        suv_max: None,
                        deauville: None,
                        suv_values: vec![],
                        laterality: vec![],
                        lesions: vec![],
                        text: format!(
                            "hypermetabolic right upper lobe mass {r} {i} with mediastinal \
                             nodes at stations 4R and 7 and no distant disease"
                        ),
                    })
                    .collect();
                let vectors = (0..n)
                    .map(|i| {
                        normalize(
                            (0..DIM)
                                .map(|d| ((d as f32 + 1.0) * (r * 3 + i + 1) as f32).sin())
                                .collect(),
                        )
                    })
                    .collect();
                ReportWrite {
                    report_id: id,
                    chunks,
                    vectors,
                }
            })
            .collect()
    }

    /// Build to `sizes` in a fresh directory; returns every written chunk and vector.
    fn build(sizes: &[usize]) -> Vec<(StoredChunk, Vec<f32>)> {
        let tmp = tempfile::tempdir().unwrap();
        let stores = Stores::open(tmp.path(), "test-model", DIM).unwrap();
        let base = base();
        let mut b = CopyBuilder::new(&base, Perturbation::default(), 2);
        for &size in sizes {
            b.grow(&stores, size).unwrap();
            let st = stores.stats().unwrap();
            assert_eq!(
                (st.chunks, st.qdrant_points, st.tantivy_docs),
                (size, size, size)
            );
            assert!(stores.consistency().unwrap().is_consistent());
            assert_eq!(b.vectors.len(), size);
        }
        let mut chunks = stores.lexical().scan(&SearchFilter::default()).unwrap();
        chunks.sort_by_key(|c| c.id);
        let by_id: std::collections::HashMap<ChunkId, Vec<f32>> =
            b.vectors.iter().cloned().collect();
        chunks
            .into_iter()
            .map(|c| {
                let v = by_id[&c.id].clone();
                (c, v)
            })
            .collect()
    }

    #[test]
    fn copies_fill_the_stores_to_the_asked_size_and_both_engines_agree() {
        // 5 cuts R2 (3 chunks) to 2; 23 adds rounds of copies, the last one cut too.
        let written = build(&[5, 23]);
        let originals: std::collections::HashMap<ChunkId, (StoredChunk, Vec<f32>)> = base()
            .into_iter()
            .flat_map(|w| w.chunks.into_iter().zip(w.vectors))
            .map(|(c, v)| (c.id, (c, v)))
            .collect();
        let mut copies = 0;
        let mut changed_text = 0;
        for (c, v) in &written {
            assert!((norm(v) - 1.0).abs() < 1e-4, "unit vector");
            if let Some((_, ov)) = originals.get(&c.id) {
                assert_eq!(v, ov, "the corpus is written as it is");
                continue;
            }
            copies += 1;
            let (orig_id, round) = c.report_id.rsplit_once("-C").expect("copy id");
            assert!(round.parse::<usize>().unwrap() >= 1);
            assert_eq!(c.patient_id, format!("P{}-C{round}", &orig_id[1..]));
            let (o, ov) = &originals[&ChunkId::new(orig_id, c.chunk_index)];
            let cos = dot(v, ov);
            assert!(cos > 0.99 && cos < 1.0, "near-duplicate vector: {cos}");
            if c.text != o.text {
                changed_text += 1;
            }
        }
        assert_eq!(copies, 23 - 5);
        assert!(changed_text > 0, "some copies are perturbed");
        // Deterministic: the same seed and steps build the same set.
        assert_eq!(written, build(&[5, 23]));
    }

    #[test]
    fn exact_top_orders_by_cosine_then_id() {
        let a = ChunkId::new("a", 0);
        let b = ChunkId::new("b", 0);
        let c = ChunkId::new("c", 0);
        let vectors = vec![
            (a, vec![0.0, 1.0]),
            (b, vec![1.0, 0.0]),
            (c, vec![0.6, 0.8]),
        ];
        assert_eq!(exact_top(&vectors, &[1.0, 0.0], 2), vec![b, c]);
        assert_eq!(exact_top(&vectors, &[0.0, 1.0], 5), vec![a, c, b]);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<f64> = (1..=200).map(|i| f64::from(i) / 1e3).collect();
        let l = Latency::of(&samples);
        assert_eq!((l.p50_ms, l.p99_ms, l.max_ms), (100.0, 198.0, 200.0));
    }
}
