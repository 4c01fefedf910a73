//! Domain types, configuration, errors and the traits at the engine seams.
//!
//! This crate is the bottom of the dependency graph: every other `priors` crate depends on it
//! and it depends on none of them. It knows nothing about Qdrant, Tantivy, ONNX Runtime or gRPC.
//!
//! - [`report`]: what a PET/CT report is once it enters the system (input record, sections,
//!   extracted metadata, chunks) and the ground-truth labels carried by synthetic reports.
//! - [`config`]: the one typed configuration struct, with embedded defaults, file and
//!   environment overrides.
//! - [`traits`]: [`Embedder`], [`DenseStore`] and [`LexicalIndex`], the seams behind which the
//!   engines sit.
//! - [`lesion`]: one report's statement about one site of disease ([`Lesion`]), extracted at
//!   ingest and stored with the report.
//! - [`filter`]: [`SearchFilter`], the engine-neutral search filter each store compiles into
//!   its native query.
//! - [`error`]: the crate's error type.

pub mod cancer;
pub mod config;
pub mod error;
pub mod filter;
pub mod lesion;
pub mod report;
pub mod traits;

pub use cancer::{CancerFamily, CancerType, StagingFramework};
pub use config::Config;
pub use error::{Error, Result};
pub use filter::SearchFilter;
pub use lesion::{site_name, Lesion, LesionRole};
pub use report::{Chunk, ChunkId, Labels, ReportMeta, ReportRecord, Section, SectionKind};
pub use traits::{
    ChunkHit, ChunkKey, DenseStore, Embedder, EngineError, EngineResult, LexicalIndex, StoredChunk,
    TextQuery,
};
