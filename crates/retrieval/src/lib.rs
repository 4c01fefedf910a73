//! Hybrid retrieval over the stores of one collection: BM25 (Tantivy) and dense (Qdrant) in
//! parallel, fused by reciprocal rank fusion, grouped into reports.
//!
//! - **Candidates**: each engine returns its top `candidates` chunks for the query, with the
//!   filter compiled into its native query (never applied after top-k). BM25 searches at most
//!   `bm25_max_terms` distinct query terms, those with the highest query frequency × idf.
//! - **Fusion** ([`fusion::rrf`]): `Σ w / (rrf_k + rank)`, ties broken by chunk id.
//! - **Grouping**: chunks are grouped into reports and the **best chunk wins**: a report's
//!   score, matched section and snippet are those of its highest-fused chunk; its
//!   `bm25_rank`/`dense_rank` are the best (lowest) ranks any of its chunks had in each engine.
//!   If grouping leaves fewer than `k` reports while an engine's list was full, the candidate
//!   depth doubles and the search runs again, so `k` reports come back whenever `k` match.
//!   Only the best chunks of the returned reports are read from the document store; one that
//!   Tantivy does not hold (a write between the two engines' commits) drops its report.
//! - **More like this** ([`Retriever::similar`]): the findings of an existing report are the
//!   query; that report's patient is excluded. Two variants were measured on the synthetic
//!   cases and dropped: the abnormal sentences only (same-cancer-type precision@5 0.55 →
//!   0.49: the normal statements carry signal too) and one search per findings chunk fused
//!   by RRF over reports (0.55 → 0.50); so was using the centroid of the report's stored
//!   chunk vectors instead of embedding the findings text (dense 0.46 → 0.30).
//! - **Timeline** ([`Retriever::timeline`]): every report of a patient by exam date, with the
//!   metadata ingest extracted and stored (SUVmax values, Deauville, cancer type) and the
//!   first sentence of the impression.
//!
//! Everything here is blocking (embedding, Tantivy, Qdrant): async callers use
//! `spawn_blocking`. Each stage runs in a tracing span (`embed`, `bm25`, `dense`, `fuse`).

pub mod fusion;
pub mod snippet;

use chrono::NaiveDate;
use priors_core::{ChunkHit, ChunkId, Embedder, SearchFilter, SectionKind, StoredChunk};
use priors_store::Stores;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Result alias for this crate.
pub type Result<T, E = RetrievalError> = std::result::Result<T, E>;

/// What can go wrong in a search.
#[derive(Debug, thiserror::Error)]
pub enum RetrievalError {
    /// The request is not acceptable (caller's fault).
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// A report or patient id that the collection does not hold (caller's fault).
    #[error("{what} not found: {id}")]
    NotFound {
        /// `report` or `patient`.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// An engine failed (system fault).
    #[error("{engine}: {message}")]
    Engine {
        /// Which engine.
        engine: &'static str,
        /// Message.
        message: String,
    },
}

fn engine(engine: &'static str) -> impl FnOnce(priors_core::EngineError) -> RetrievalError {
    move |e| RetrievalError::Engine {
        engine,
        message: e.to_string(),
    }
}

/// Which engines answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// BM25 and dense, fused.
    #[default]
    Hybrid,
    /// Tantivy only.
    Bm25,
    /// Qdrant only.
    Dense,
}

impl std::str::FromStr for Mode {
    type Err = RetrievalError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "hybrid" => Ok(Mode::Hybrid),
            "bm25" => Ok(Mode::Bm25),
            "dense" => Ok(Mode::Dense),
            other => Err(RetrievalError::Invalid {
                field: "mode",
                reason: format!("`{other}` (expected hybrid, bm25 or dense)"),
            }),
        }
    }
}

impl Mode {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hybrid => "hybrid",
            Mode::Bm25 => "bm25",
            Mode::Dense => "dense",
        }
    }
}

/// Tunables: the `[retrieval]` section of the configuration.
pub use priors_core::config::RetrievalConfig as RetrievalParams;

/// A search request.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Free text.
    pub text: String,
    /// Hits wanted (reports, or patients with [`Per::Patient`]).
    pub k: usize,
    /// Engines.
    pub mode: Mode,
    /// Conditions.
    pub filter: SearchFilter,
    /// One hit per report, or one per patient (its best-matching report, the others in
    /// [`Hit::also`]).
    pub per: Per,
}

/// What one hit stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// Every matching report is a hit (a patient's staging, interim and end-of-treatment
    /// scans may fill the list).
    #[default]
    Report,
    /// One hit per patient: the patient's best-matching report; the patient's other reports
    /// met among the candidates are listed in [`Hit::also`]. What a clinician means by
    /// "similar cases".
    Patient,
}

impl std::str::FromStr for Per {
    type Err = RetrievalError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "report" => Ok(Per::Report),
            "patient" => Ok(Per::Patient),
            other => Err(RetrievalError::Invalid {
                field: "per",
                reason: format!("`{other}` (expected patient or report)"),
            }),
        }
    }
}

impl Per {
    /// `report` / `patient`.
    pub fn as_str(self) -> &'static str {
        match self {
            Per::Report => "report",
            Per::Patient => "patient",
        }
    }
}

/// Another report of a hit's patient, met among the candidates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlsoHit {
    /// Report id.
    pub report_id: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// Its fused score.
    pub score: f64,
}

/// One report in the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Report id.
    pub report_id: String,
    /// Patient id.
    pub patient_id: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// Stated cancer type, if recognised.
    pub cancer_type: Option<String>,
    /// Section of the best chunk.
    pub section: SectionKind,
    /// Excerpt of the best chunk around the query terms (UTF-8 safe).
    pub snippet: String,
    /// Fused score (RRF in hybrid mode, the engine's own score otherwise).
    pub score: f64,
    /// Best rank of the report's chunks in the BM25 list (1-based).
    pub bm25_rank: Option<usize>,
    /// Best rank of the report's chunks in the dense list (1-based).
    pub dense_rank: Option<usize>,
    /// Id of the best chunk.
    pub chunk_id: String,
    /// With [`Per::Patient`]: the patient's other matching reports, best first (empty
    /// otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<AlsoHit>,
}

/// One report of a patient's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// Report id.
    pub report_id: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// Modality.
    pub modality: String,
    /// Tracer.
    pub tracer: Option<String>,
    /// Stated cancer type.
    pub cancer_type: Option<String>,
    /// Deauville score stated in the report.
    pub deauville: Option<u8>,
    /// SUVmax values in the findings, in order.
    pub suv_max: Vec<f32>,
    /// First sentence of the impression.
    pub impression: Option<String>,
}

/// Searches one collection.
pub struct Retriever {
    stores: Arc<Stores>,
    embedder: Arc<dyn Embedder>,
    params: RetrievalParams,
}

impl std::fmt::Debug for Retriever {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retriever")
            .field("stores", &self.stores)
            .field("params", &self.params)
            .finish()
    }
}

impl Retriever {
    /// A retriever over `stores`, embedding queries with `embedder` (the model the stores
    /// were built with).
    pub fn new(stores: Arc<Stores>, embedder: Arc<dyn Embedder>, params: RetrievalParams) -> Self {
        Self {
            stores,
            embedder,
            params,
        }
    }

    /// The stores searched.
    pub fn stores(&self) -> &Stores {
        &self.stores
    }

    /// The tunables this retriever runs with.
    pub fn params(&self) -> &RetrievalParams {
        &self.params
    }

    /// Embed a query (exposed so benchmarks can time it separately).
    pub fn embed_query(&self, text: &str) -> Result<Vec<f32>> {
        let _span = tracing::debug_span!("embed").entered();
        let mut v = self.embedder.embed(&[text]).map_err(engine("embedder"))?;
        v.pop().ok_or_else(|| RetrievalError::Engine {
            engine: "embedder",
            message: "no vector returned".into(),
        })
    }

    fn validate(&self, q: &Query) -> Result<()> {
        if q.text.trim().is_empty() {
            return Err(RetrievalError::Invalid {
                field: "text",
                reason: "the query is empty".into(),
            });
        }
        if q.k == 0 || q.k > self.params.max_k {
            return Err(RetrievalError::Invalid {
                field: "k",
                reason: format!("must be between 1 and {}", self.params.max_k),
            });
        }
        q.filter.validate().map_err(|e| RetrievalError::Invalid {
            field: "filter",
            reason: e.to_string(),
        })
    }

    /// Search: the `k` best reports for the query. The query is embedded on the calling
    /// thread while BM25 already runs on another, so hybrid latency is
    /// `max(BM25, embedding + dense)` rather than their sum.
    pub fn search(&self, q: &Query) -> Result<Vec<Hit>> {
        self.validate(q)?;
        Ok(self.run(q, None)?.0)
    }

    /// [`Retriever::search`], also returning the query vector it embedded (`None` in BM25
    /// mode), for a caller that searches another collection built with the same model
    /// ([`Retriever::model_id`]) with the same text.
    pub fn search_and_vector(&self, q: &Query) -> Result<(Vec<Hit>, Option<Vec<f32>>)> {
        self.validate(q)?;
        self.run(q, None)
    }

    /// The embedding model of this retriever's queries (and of its stores).
    pub fn model_id(&self) -> &str {
        self.embedder.model_id()
    }

    /// Search with a query vector computed by the caller (`None` in BM25 mode).
    pub fn search_with_vector(&self, q: &Query, vector: Option<&[f32]>) -> Result<Vec<Hit>> {
        self.validate(q)?;
        if vector.is_none() && q.mode != Mode::Bm25 {
            return Err(RetrievalError::Invalid {
                field: "vector",
                reason: "dense search needs a query vector".into(),
            });
        }
        Ok(self.run(q, vector)?.0)
    }

    /// The search loop; `vector` `None` means "embed the query when the dense engine needs it".
    /// Returns the hits and the vector embedded here, if any.
    fn run(&self, q: &Query, vector: Option<&[f32]>) -> Result<(Vec<Hit>, Option<Vec<f32>>)> {
        let mut embedded: Option<Vec<f32>> = None;
        let mut depth = self.params.candidates.max(q.k * 4);
        loop {
            let given = vector.or(embedded.as_deref());
            let (bm25, dense, computed) = self.candidates(q, given, depth)?;
            if computed.is_some() {
                embedded = computed;
            }
            let hits = self.group(q, &bm25, &dense)?;
            let full = bm25.len() >= depth || dense.len() >= depth;
            if hits.len() >= q.k || !full {
                return Ok((hits, embedded));
            }
            depth *= 2;
        }
    }

    /// BM25 and dense candidates at `depth`, the two engines in parallel. Without a `vector`
    /// the query is embedded here (concurrently with BM25) and returned for re-use.
    fn candidates(
        &self,
        q: &Query,
        vector: Option<&[f32]>,
        depth: usize,
    ) -> Result<(Ranked, Ranked, Option<Vec<f32>>)> {
        let lexical = self.stores.lexical();
        let dense = self.stores.dense();
        let run_bm25 = q.mode != Mode::Dense;
        let run_dense = q.mode != Mode::Bm25;
        let (b, d, computed) = std::thread::scope(|s| {
            let b = s.spawn(|| -> Result<Ranked> {
                if !run_bm25 {
                    return Ok(Vec::new());
                }
                let _span = tracing::debug_span!("bm25").entered();
                use priors_core::LexicalIndex;
                let text = priors_core::TextQuery {
                    text: &q.text,
                    max_terms: self.params.bm25_max_terms,
                };
                lexical
                    .search(&text, depth, &q.filter)
                    .map_err(engine("tantivy"))
            });
            let (d, computed) = if run_dense {
                let computed = match vector {
                    Some(_) => None,
                    None => Some(self.embed_query(&q.text)?),
                };
                let v = vector
                    .or(computed.as_deref())
                    .expect("given or computed above");
                let _span = tracing::debug_span!("dense").entered();
                let d = dense
                    .search(v, depth, &q.filter)
                    .map_err(engine("qdrant"))?;
                (d, computed)
            } else {
                (Vec::new(), None)
            };
            let b = b.join().expect("bm25 thread panicked")?;
            Ok::<_, RetrievalError>((b, d, computed))
        })?;
        Ok((b, d, computed))
    }

    fn group(&self, q: &Query, bm25: &[ChunkHit], dense: &[ChunkHit]) -> Result<Vec<Hit>> {
        let _span = tracing::debug_span!("fuse").entered();
        let b_ids: Vec<ChunkId> = bm25.iter().map(|h| h.id).collect();
        let d_ids: Vec<ChunkId> = dense.iter().map(|h| h.id).collect();
        let fused: Vec<fusion::Fused<ChunkId>> = match q.mode {
            Mode::Hybrid => fusion::rrf(
                &[&b_ids, &d_ids],
                &[self.params.bm25_weight, self.params.dense_weight],
                self.params.rrf_k,
            ),
            // Single engine: keep the engine's own order and score.
            Mode::Bm25 => single(bm25, 0),
            Mode::Dense => single(dense, 1),
        };
        // Both engines name each chunk's report, so grouping needs no stored document.
        let report_of: HashMap<ChunkId, &str> = bm25
            .iter()
            .chain(dense)
            .map(|h| (h.id, h.report_id.as_str()))
            .collect();
        // Best chunk wins; ranks are the best of the report's chunks.
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for f in &fused {
            let Some(&report) = report_of.get(&f.id) else {
                continue;
            };
            let (br, dr) = (f.ranks[0], f.ranks[1]);
            match index.get(report) {
                Some(&i) => {
                    let g = &mut groups[i];
                    g.bm25_rank = min_opt(g.bm25_rank, br);
                    g.dense_rank = min_opt(g.dense_rank, dr);
                }
                None => {
                    index.insert(report, groups.len());
                    groups.push(Group {
                        best: f.id,
                        score: f.score,
                        bm25_rank: br,
                        dense_rank: dr,
                    });
                }
            }
        }
        // Only the first `k` reports are read from the document store (metadata, text for the
        // snippet). A best chunk that Tantivy does not hold (a write between the two engines'
        // commits) drops its report, and the next one takes its place.
        use priors_core::LexicalIndex;
        let mut hits: Vec<Hit> = Vec::with_capacity(q.k.min(groups.len()));
        let mut by_patient: HashMap<String, usize> = HashMap::new();
        let mut next = 0;
        while hits.len() < q.k && next < groups.len() {
            let batch = &groups[next..(next + q.k - hits.len()).min(groups.len())];
            next += batch.len();
            let ids: Vec<ChunkId> = batch.iter().map(|g| g.best).collect();
            let mut chunks: HashMap<ChunkId, StoredChunk> = self
                .stores
                .lexical()
                .fetch(&ids)
                .map_err(engine("tantivy"))?
                .into_iter()
                .map(|c| (c.id, c))
                .collect();
            for g in batch {
                let Some(c) = chunks.remove(&g.best) else {
                    continue;
                };
                if q.per == Per::Patient {
                    // The patient's best report is already a hit: this one joins its `also`.
                    if let Some(&i) = by_patient.get(&c.patient_id) {
                        let h: &mut Hit = &mut hits[i];
                        h.also.push(AlsoHit {
                            report_id: c.report_id,
                            exam_date: c.exam_date,
                            score: g.score,
                        });
                        continue;
                    }
                    by_patient.insert(c.patient_id.clone(), hits.len());
                }
                hits.push(Hit {
                    snippet: snippet::snippet(&c.text, &q.text, self.params.snippet_chars),
                    report_id: c.report_id,
                    patient_id: c.patient_id,
                    exam_date: c.exam_date,
                    cancer_type: c.cancer_type,
                    section: c.section,
                    score: g.score,
                    bm25_rank: g.bm25_rank,
                    dense_rank: g.dense_rank,
                    chunk_id: c.id.to_uuid_string(),
                    also: Vec::new(),
                });
            }
        }
        Ok(hits)
    }

    /// Reports most like an existing one: its findings are the query, its patient is excluded.
    pub fn similar(&self, report_id: &str, k: usize, mode: Mode) -> Result<Vec<Hit>> {
        self.similar_filtered(report_id, k, mode, SearchFilter::default(), Per::Report)
    }

    /// [`Retriever::similar`] with extra conditions (the report's patient is always excluded).
    pub fn similar_filtered(
        &self,
        report_id: &str,
        k: usize,
        mode: Mode,
        mut filter: SearchFilter,
        per: Per,
    ) -> Result<Vec<Hit>> {
        let chunks = self.report_chunks(report_id)?;
        let text = findings_query(&chunks);
        filter.exclude_patients.push(chunks[0].patient_id.clone());
        let q = Query {
            text,
            k,
            mode,
            filter,
            per,
        };
        self.search(&q)
    }

    /// Every stored chunk of a report, in order.
    pub fn report_chunks(&self, report_id: &str) -> Result<Vec<StoredChunk>> {
        use priors_core::LexicalIndex;
        let chunks = self
            .stores
            .lexical()
            .scan(&SearchFilter {
                reports: vec![report_id.to_string()],
                ..Default::default()
            })
            .map_err(engine("tantivy"))?;
        if chunks.is_empty() {
            return Err(RetrievalError::NotFound {
                what: "report",
                id: report_id.to_string(),
            });
        }
        Ok(chunks)
    }

    /// The stored chunks of several reports, read in one scan, by report id (each report's
    /// chunks in order). Ids the collection does not hold (deleted since a search, say) are
    /// absent from the map.
    pub fn reports_chunks(
        &self,
        report_ids: &[String],
    ) -> Result<HashMap<String, Vec<StoredChunk>>> {
        use priors_core::LexicalIndex;
        let mut out: HashMap<String, Vec<StoredChunk>> = HashMap::new();
        if report_ids.is_empty() {
            return Ok(out);
        }
        let chunks = self
            .stores
            .lexical()
            .scan(&SearchFilter {
                reports: report_ids.to_vec(),
                ..Default::default()
            })
            .map_err(engine("tantivy"))?;
        for c in chunks {
            out.entry(c.report_id.clone()).or_default().push(c);
        }
        Ok(out)
    }

    /// A patient's reports by exam date (then report id), with key metadata.
    pub fn timeline(&self, patient_id: &str) -> Result<Vec<TimelineEntry>> {
        use priors_core::LexicalIndex;
        let chunks = self
            .stores
            .lexical()
            .scan(&SearchFilter {
                patients: vec![patient_id.to_string()],
                ..Default::default()
            })
            .map_err(engine("tantivy"))?;
        if chunks.is_empty() {
            return Err(RetrievalError::NotFound {
                what: "patient",
                id: patient_id.to_string(),
            });
        }
        let mut out: Vec<TimelineEntry> = Vec::new();
        let mut current: Option<String> = None;
        for c in &chunks {
            if current.as_deref() != Some(c.report_id.as_str()) {
                current = Some(c.report_id.clone());
                out.push(TimelineEntry {
                    report_id: c.report_id.clone(),
                    exam_date: c.exam_date,
                    modality: c.modality.clone(),
                    tracer: c.tracer.clone(),
                    cancer_type: c.cancer_type.clone(),
                    deauville: c.deauville,
                    suv_max: c.suv_values.clone(),
                    impression: None,
                });
            }
            let e = out.last_mut().expect("pushed above");
            if c.section == SectionKind::Impression && e.impression.is_none() {
                e.impression = Some(snippet::first_sentence(&c.text));
            }
        }
        Ok(out)
    }
}

/// The "more like this" query of a stored report: its findings chunks joined by newlines, or
/// all of its text when it has no findings section.
pub fn findings_query(chunks: &[StoredChunk]) -> String {
    let findings: Vec<&str> = chunks
        .iter()
        .filter(|c| c.section == SectionKind::Findings)
        .map(|c| c.text.as_str())
        .collect();
    if findings.is_empty() {
        chunks
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        findings.join("\n")
    }
}

/// One engine's candidates, best first.
type Ranked = Vec<ChunkHit>;

/// A report among the fused candidates: its best chunk and the best rank in each engine.
struct Group {
    best: ChunkId,
    score: f64,
    bm25_rank: Option<usize>,
    dense_rank: Option<usize>,
}

fn min_opt(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn single(hits: &[ChunkHit], slot: usize) -> Vec<fusion::Fused<ChunkId>> {
    // The engine's order, with ties broken by id like the fused lists.
    let mut list: Vec<(ChunkId, f32)> = hits.iter().map(|h| (h.id, h.score)).collect();
    list.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.iter()
        .enumerate()
        .map(|(i, (id, score))| {
            let mut ranks = vec![None, None];
            ranks[slot] = Some(i + 1);
            fusion::Fused {
                id: *id,
                score: f64::from(*score),
                ranks,
            }
        })
        .collect()
}
