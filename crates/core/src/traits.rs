//! The seams: one trait per engine role, so that the embedded and remote engines (and, later,
//! the extractive and LLM drafters) sit behind the same interface.
//!
//! Every method is blocking and CPU- or I/O-bound: async callers run them in
//! `spawn_blocking` or on a dedicated pool, never on the executor.

use crate::filter::SearchFilter;
use crate::report::{ChunkId, SectionKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Boxed error used at the seams: each engine crate has its own error enum and converts into
/// this at the trait boundary.
pub type EngineError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result at the seams.
pub type EngineResult<T> = std::result::Result<T, EngineError>;

/// Turns passages into dense vectors.
pub trait Embedder: Send + Sync {
    /// Identifier of the model (recorded in the stores; a store refuses another model).
    fn model_id(&self) -> &str;
    /// Dimension of the vectors.
    fn dim(&self) -> usize;
    /// Maximum tokens per passage (longer passages are truncated by the model).
    fn max_tokens(&self) -> usize;
    /// Number of model tokens in `text`, special tokens included.
    fn count_tokens(&self, text: &str) -> EngineResult<usize>;
    /// Embed passages; one L2-normalised vector per input, in order.
    fn embed(&self, texts: &[&str]) -> EngineResult<Vec<Vec<f32>>>;
}

/// A chunk as written to both stores: text plus every field that filters or reconciliation need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredChunk {
    /// Chunk id (same in both stores).
    pub id: ChunkId,
    /// Report id.
    pub report_id: String,
    /// Patient id.
    pub patient_id: String,
    /// Exam date.
    pub exam_date: NaiveDate,
    /// Modality.
    pub modality: String,
    /// Tracer, if known.
    pub tracer: Option<String>,
    /// Stated cancer type, if recognised.
    pub cancer_type: Option<String>,
    /// Section of the chunk.
    pub section: SectionKind,
    /// Index of the chunk within its report.
    pub chunk_index: u32,
    /// Number of chunks of the report (lets a store tell whether it holds the whole report).
    pub chunk_count: u32,
    /// Content hash of the report version this chunk belongs to.
    pub content_hash: String,
    /// Highest SUVmax stated in the report, if any (indexed: range filters).
    pub suv_max: Option<f32>,
    /// Every SUVmax value of the report's findings, in order of appearance (what ingest
    /// extracted; readers use it instead of re-parsing the text).
    pub suv_values: Vec<f32>,
    /// Sides named in the report's findings (`bilateral`, `left`, `right`), sorted.
    pub laterality: Vec<String>,
    /// Deauville score stated in the report, if any.
    pub deauville: Option<u8>,
    /// Lesion records of this chunk's text (findings chunks only; offsets into `text`),
    /// extracted once at ingest.
    #[serde(default)]
    pub lesions: Vec<crate::Lesion>,
    /// The chunk text.
    pub text: String,
}

/// What a store knows about one chunk, enough to compare two stores exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChunkKey {
    /// Report id.
    pub report_id: String,
    /// Chunk id.
    pub id: ChunkId,
    /// Content hash of the report version.
    pub content_hash: String,
    /// Chunk count of that report version.
    pub chunk_count: u32,
}

/// A scored chunk returned by a store.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkHit {
    /// Chunk id.
    pub id: ChunkId,
    /// Report id.
    pub report_id: String,
    /// Engine score (cosine for dense, BM25 for lexical).
    pub score: f32,
}

/// The dense vector store: Qdrant, in-process (`qdrant-edge`) or remote (`qdrant-client`).
pub trait DenseStore: Send + Sync {
    /// Insert or replace chunks with their vectors (same order, same length).
    fn upsert(&self, chunks: &[StoredChunk], vectors: &[Vec<f32>]) -> EngineResult<()>;
    /// Remove every chunk of these reports.
    fn delete_reports(&self, report_ids: &[String]) -> EngineResult<()>;
    /// Make every write so far durable.
    fn flush(&self) -> EngineResult<()>;
    /// Bring the engine's search structures up to date with what it holds (build the vector
    /// index of segments large enough to need one, merge small segments); returns whether
    /// anything was done. Blocking; searches keep working meanwhile. A remote engine that
    /// optimises on its own is waited for (returns whether there was anything to wait for).
    fn optimize(&self) -> EngineResult<bool>;
    /// Keys of all chunks, or of the chunks of the given reports.
    fn chunk_keys(&self, report_ids: Option<&[String]>) -> EngineResult<Vec<ChunkKey>>;
    /// Number of points.
    fn count(&self) -> EngineResult<usize>;
    /// The stored vectors of these chunks, as `(chunk id, vector)` in the order given (missing
    /// ids are skipped). For tools that rebuild or check a collection (benchmarks, exports).
    fn vectors(&self, ids: &[ChunkId]) -> EngineResult<Vec<(ChunkId, Vec<f32>)>>;
    /// The `k` nearest chunks to `vector` among those passing `filter` (applied inside the
    /// engine, so `k` results come back whenever `k` chunks pass).
    fn search(
        &self,
        vector: &[f32],
        k: usize,
        filter: &SearchFilter,
    ) -> EngineResult<Vec<ChunkHit>>;
}

/// A free-text BM25 query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextQuery<'a> {
    /// The text, analysed like indexed text; every word is a term (no query syntax).
    pub text: &'a str,
    /// At most this many distinct terms are searched: those with the highest
    /// `query frequency × idf` (the "more like this" selection), ties by term; `0` keeps all.
    /// Long queries (a whole findings section) are dominated by common words otherwise.
    pub max_terms: usize,
}

impl<'a> TextQuery<'a> {
    /// Every term of `text`.
    pub fn all_terms(text: &'a str) -> Self {
        Self { text, max_terms: 0 }
    }
}

/// The lexical (BM25) index: Tantivy.
pub trait LexicalIndex: Send + Sync {
    /// Stage chunks for the next commit (replacing none: callers delete first).
    fn add(&self, chunks: &[StoredChunk]) -> EngineResult<()>;
    /// Stage the removal of every chunk of these reports.
    fn delete_reports(&self, report_ids: &[String]) -> EngineResult<()>;
    /// Atomically publish everything staged since the last commit.
    fn commit(&self) -> EngineResult<()>;
    /// Keys of all committed chunks, or of the chunks of the given reports.
    fn chunk_keys(&self, report_ids: Option<&[String]>) -> EngineResult<Vec<ChunkKey>>;
    /// Number of committed documents.
    fn count(&self) -> EngineResult<usize>;
    /// The `k` best BM25 matches for a free-text query among chunks passing `filter` (applied
    /// inside the engine).
    fn search(
        &self,
        query: &TextQuery<'_>,
        k: usize,
        filter: &SearchFilter,
    ) -> EngineResult<Vec<ChunkHit>>;
    /// The stored chunks with these ids (missing ids are skipped), in the order given.
    fn fetch(&self, ids: &[ChunkId]) -> EngineResult<Vec<StoredChunk>>;
    /// Every stored chunk passing `filter`, ordered by exam date, report id and chunk index
    /// (for timelines and report lookups; callers narrow it with patient or report filters).
    fn scan(&self, filter: &SearchFilter) -> EngineResult<Vec<StoredChunk>>;
}
