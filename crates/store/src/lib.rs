//! The two stores, their layouts, and the protocol that keeps them in agreement.
//!
//! - [`schema`]: the one owner of the Tantivy schema, the Qdrant payload keys, the vector
//!   name and the on-disk store manifest (model id, dimension, schema version).
//! - [`lexical`]: [`TantivyIndex`], the BM25 side ([`priors_core::LexicalIndex`]).
//! - [`dense`]: [`EdgeDenseStore`], Qdrant in-process through `qdrant-edge`
//!   ([`priors_core::DenseStore`]).
//! - [`remote`]: [`QdrantServerStore`], the same on a Qdrant server or cluster through
//!   `qdrant-client` (chosen by `[store.qdrant] url`, recorded in the manifest).
//! - [`migrate`]: copy an embedded collection's points to a server, without re-embedding.
//! - [`stores`]: [`Stores`], both engines plus the intent journal: every write goes through it,
//!   and after a crash it reconciles the two engines before anything else happens.
//!
//! Architecture Invariant: only this crate knows Tantivy and Qdrant types. Ingest and retrieval
//! talk to [`Stores`] and the core traits.

pub mod collections;
mod conditions;
pub mod dense;
pub mod lexical;
pub mod migrate;
pub mod remote;
pub mod schema;
pub mod stores;

pub use dense::EdgeDenseStore;
pub use lexical::TantivyIndex;
pub use remote::QdrantServerStore;
pub use schema::DenseBackend;
pub use stores::{Consistency, ReportWrite, Stats, Stores};

use std::path::PathBuf;

/// Result alias for this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What can go wrong in the stores.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory was built with another embedding model or schema (caller's fault:
    /// use another `--data-dir` or re-ingest; retrying does not help).
    #[error("data directory {dir} was built with {found}, this configuration uses {expected}")]
    Incompatible {
        /// The data directory.
        dir: PathBuf,
        /// What the directory holds.
        found: String,
        /// What the configuration asks for.
        expected: String,
    },
    /// Tantivy failed (system fault).
    #[error("tantivy: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Qdrant failed (system fault).
    #[error("qdrant: {0}")]
    Qdrant(String),
    /// The Qdrant server could not be reached or refused a call (system fault: a retry may
    /// succeed once it is back; over gRPC this is `UNAVAILABLE`).
    #[error("qdrant server {url}: {message}")]
    Remote {
        /// The server's address.
        url: String,
        /// What failed.
        message: String,
    },
    /// The data directory's vectors live in another dense backend than the configuration
    /// names (caller's fault: fix the configuration or migrate).
    #[error("data directory {dir}: {detail}")]
    Backend {
        /// The data directory.
        dir: PathBuf,
        /// What the manifest records, what the configuration asks for, and how to get out of
        /// it.
        detail: String,
    },
    /// Filesystem error on the data directory (system fault; may succeed after the cause is
    /// fixed, e.g. disk space).
    #[error("{path}: {source}")]
    Io {
        /// File or directory.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A stored record does not have the layout this version writes (data corruption or a
    /// foreign index).
    #[error("corrupt store record: {0}")]
    Corrupt(String),
    /// An engine behind a trait failed.
    #[error("{engine}: {source}")]
    Engine {
        /// Which engine.
        engine: &'static str,
        /// Underlying error.
        #[source]
        source: priors_core::EngineError,
    },
}

impl From<qdrant_edge::OperationError> for StoreError {
    fn from(e: qdrant_edge::OperationError) -> Self {
        StoreError::Qdrant(e.to_string())
    }
}

/// A stored point without the dense vector every point has (data corruption).
pub(crate) fn missing_vector(id: priors_core::ChunkId) -> StoreError {
    StoreError::Corrupt(format!(
        "qdrant point {} without a dense `{}` vector",
        id.to_uuid_string(),
        schema::VECTOR_NAME
    ))
}

/// The vectors `found`, in the order of `ids` (ids not found are skipped).
pub(crate) fn in_order(
    ids: &[priors_core::ChunkId],
    mut found: std::collections::HashMap<priors_core::ChunkId, Vec<f32>>,
) -> Vec<(priors_core::ChunkId, Vec<f32>)> {
    ids.iter()
        .filter_map(|id| found.remove(id).map(|v| (*id, v)))
        .collect()
}

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.into();
    move |source| StoreError::Io { path, source }
}
