//! The application layer: the one place that builds the object graph of `priors`.
//!
//! [`App::open`] takes the configuration; from then on the [`App`] hands out the parts, each
//! built once and shared:
//! - the embedding model ([`App::embedder`]), loaded on first use (commands that never embed,
//!   like `stats` or `delete`, never pay for it);
//! - a registry of collections ([`App::stores`], [`App::retriever`]): the prior reports
//!   ([`REPORTS`]), the guideline passages ([`GUIDELINES`]) and the evaluation collections,
//!   each opened once per process with its stores and its retriever;
//! - the guideline passages ([`App::passages`]) and the drafting [`Generator`]
//!   ([`App::generator`]), with the optional LLM from `[llm]` and the limits of `[drafting]`.
//!
//! Around them sit typed operations — [`App::ingest`], [`App::ingest_records`],
//! [`App::ingest_guidelines`], [`App::delete`], [`App::stats`], [`App::search`],
//! [`App::similar`], [`App::timeline`], [`App::report`], [`App::differentials`],
//! [`App::stage`], [`App::ask`], [`App::compare_patient`], [`App::case_summary`], and the
//! evaluations in [`eval`] — that the CLI commands and
//! the gRPC services call. The adapters only translate arguments (or protobuf messages) into
//! these calls and their results into output; none of them loads a model or opens a store.
//!
//! Everything here is blocking (embedding, Tantivy, Qdrant): async callers use
//! `spawn_blocking`.
//!
//! Architecture invariant: this crate is the only one that constructs a `FastEmbedder`,
//! `Stores`, `Retriever` or `Generator` for the product (the benchmark harness builds its own
//! scratch stores).

pub mod eval;
mod guidelines;
mod patient;

pub use priors_compare::course::findings_of;

use priors_core::{Config, SearchFilter, StoredChunk};
use priors_embed::FastEmbedder;
use priors_generation::{Differentials, DraftLimits, Generator, LlmDrafter};
use priors_ingest::{IngestOptions, IngestSummary};
use priors_parse::SourceRecord;
use priors_retrieval::{Hit, Mode, Per, Query, Retriever, TimelineEntry};
use priors_staging::{Cancer, GuidelineAnswer, Passage, StagingAnswer};
use priors_store::collections::{collection_exists, open_collection};
use priors_store::Stores;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use priors_store::collections::{collection_dir, GUIDELINES, REPORTS};

/// Result alias for this crate.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Longest guideline question accepted, in bytes.
pub const MAX_QUESTION_BYTES: usize = 4096;

/// What can go wrong in an operation. `Invalid` and `NoCollection` are the caller's fault;
/// the rest wrap the failing layer's own error (which says whether a retry can help).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is not acceptable (caller's fault).
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which input.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// A collection that has not been created yet was searched (caller's fault).
    #[error(
        "collection `{0}` does not exist yet (ingest into it first: `priors ingest` for \
         {REPORTS}, `priors ingest-guidelines` for {GUIDELINES})"
    )]
    NoCollection(String),
    /// The embedding model could not be loaded or run.
    #[error(transparent)]
    Embed(#[from] priors_embed::EmbedError),
    /// A collection could not be opened (missing, locked, built with another model, corrupt).
    #[error("opening collection {name} in {dir}: {source}")]
    Open {
        /// Collection name.
        name: String,
        /// Its directory.
        dir: PathBuf,
        /// The store's error.
        source: priors_store::StoreError,
    },
    /// A store operation failed.
    #[error(transparent)]
    Store(#[from] priors_store::StoreError),
    /// The ingest pipeline failed as a whole.
    #[error(transparent)]
    Ingest(#[from] priors_ingest::IngestError),
    /// A search failed, or named an unknown report or patient.
    #[error(transparent)]
    Retrieval(#[from] priors_retrieval::RetrievalError),
    /// Drafting failed.
    #[error(transparent)]
    Generation(#[from] priors_generation::GenerationError),
    /// The guideline passages could not be loaded.
    #[error("loading {path}: {source}")]
    Passages {
        /// The passages file.
        path: PathBuf,
        /// Why.
        source: priors_staging::StagingError,
    },
    /// An evaluation input could not be read.
    #[error(transparent)]
    Evaluate(#[from] priors_evaluate::Error),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl AppError {
    fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        AppError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}

/// One open collection: its stores and, once something searched it, its retriever.
struct Collection {
    stores: Arc<Stores>,
    retriever: Option<Arc<Retriever>>,
}

/// The parts of a deployment, each built once (see the crate documentation).
pub struct App {
    config: Config,
    embedder: Mutex<Option<Arc<FastEmbedder>>>,
    collections: Mutex<BTreeMap<String, Collection>>,
    passages: Mutex<Option<Arc<Vec<Passage>>>>,
    generator: Mutex<Option<Arc<Generator>>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open: Vec<String> = lock(&self.collections).keys().cloned().collect();
        f.debug_struct("App")
            .field("data", &self.config.data.dir)
            .field("collections", &open)
            .finish_non_exhaustive()
    }
}

/// Lock a registry mutex; a panic while it was held leaves the registry usable (its values
/// are only ever replaced whole).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The value in `slot`, built by `init` the first time.
fn once<T: Clone>(slot: &Mutex<Option<T>>, init: impl FnOnce() -> Result<T>) -> Result<T> {
    let mut guard = lock(slot);
    if let Some(v) = guard.as_ref() {
        return Ok(v.clone());
    }
    let v = init()?;
    *guard = Some(v.clone());
    Ok(v)
}

/// Counts of a collection's two stores and whether they agree (`priors stats`).
#[derive(Debug, Clone, Serialize)]
pub struct StoreStats {
    /// Reports stored.
    pub reports: usize,
    /// Chunks stored.
    pub chunks: usize,
    /// Points in the dense engine.
    pub qdrant_points: usize,
    /// Documents in the lexical engine.
    pub tantivy_docs: usize,
    /// The embedding identity the collection was built with.
    pub model: String,
    /// Vector dimension.
    pub dim: usize,
    /// Where the dense vectors live (`{"kind": "embedded"}` or
    /// `{"kind": "qdrant", "url": …, "collection": …}`).
    pub dense: priors_store::DenseBackend,
    /// Whether both engines hold the same reports and chunks.
    pub consistent: bool,
    /// The per-engine detail of that check.
    pub consistency: priors_store::Consistency,
}

/// The outcome of a delete: which ids were removed, which were unknown.
#[derive(Debug, Clone, Serialize)]
pub struct Deletion {
    /// Report ids removed from both stores.
    pub deleted: Vec<String>,
    /// Report ids that no store held.
    pub not_found: Vec<String>,
}

impl App {
    /// An application over `config`. Cheap: the model, the collections and the passages are
    /// loaded when first needed ([`App::warm_up`] loads what a server needs at once).
    pub fn open(config: Config) -> Self {
        App {
            config,
            embedder: Mutex::new(None),
            collections: Mutex::new(BTreeMap::new()),
            passages: Mutex::new(None),
            generator: Mutex::new(None),
        }
    }

    /// Load everything a server uses (model, `reports` collection, passages, generator), so
    /// that a bad asset fails at start-up rather than at the first call.
    pub fn warm_up(&self) -> Result<()> {
        self.generator().map(drop)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The embedding model, loaded once.
    pub fn embedder(&self) -> Result<Arc<FastEmbedder>> {
        once(&self.embedder, || {
            Ok(Arc::new(FastEmbedder::load(&self.config.embedding)?))
        })
    }

    /// The stores of collection `name`, opened (and created if needed) once.
    pub fn stores(&self, name: &str) -> Result<Arc<Stores>> {
        let mut open = lock(&self.collections);
        if let Some(c) = open.get(name) {
            return Ok(c.stores.clone());
        }
        let stores =
            Arc::new(
                open_collection(&self.config, name).map_err(|source| AppError::Open {
                    name: name.to_string(),
                    dir: collection_dir(&self.config, name),
                    source,
                })?,
            );
        open.insert(
            name.to_string(),
            Collection {
                stores: stores.clone(),
                retriever: None,
            },
        );
        Ok(stores)
    }

    /// Whether collection `name` has been created in the data directory (one that is open
    /// exists: no file system look-up then).
    pub fn has_collection(&self, name: &str) -> bool {
        lock(&self.collections).contains_key(name) || collection_exists(&self.config, name)
    }

    /// The retriever over collection `name` (opened, or created, once).
    pub fn retriever(&self, name: &str) -> Result<Arc<Retriever>> {
        let stores = self.stores(name)?;
        if let Some(r) = lock(&self.collections)
            .get(name)
            .and_then(|c| c.retriever.clone())
        {
            return Ok(r);
        }
        let embedder = self.embedder()?;
        let retriever = Arc::new(Retriever::new(
            stores,
            embedder,
            self.config.retrieval.clone(),
        ));
        let mut open = lock(&self.collections);
        let entry = open.get_mut(name).expect("opened above");
        Ok(entry.retriever.get_or_insert(retriever).clone())
    }

    /// The guideline passages of `[guidelines] passages`, loaded and validated once.
    pub fn passages(&self) -> Result<Arc<Vec<Passage>>> {
        once(&self.passages, || {
            let path = &self.config.guidelines.passages;
            priors_staging::load_passages(path)
                .map(Arc::new)
                .map_err(|source| AppError::Passages {
                    path: path.clone(),
                    source,
                })
        })
    }

    /// The drafting generator: the `reports` retriever, the `guidelines` retriever when that
    /// collection exists, the passages, the LLM when `llm.base_url` is set, the `[drafting]`
    /// limits.
    pub fn generator(&self) -> Result<Arc<Generator>> {
        once(&self.generator, || {
            let reports = self.retriever(REPORTS)?;
            let guidelines = if self.has_collection(GUIDELINES) {
                Some(self.retriever(GUIDELINES)?)
            } else {
                tracing::warn!(
                    "no `{GUIDELINES}` collection (run `priors ingest-guidelines`): drafts cite only the passages the staging rules name"
                );
                None
            };
            let llm = (!self.config.llm.base_url.is_empty())
                .then(|| LlmDrafter::new(self.config.llm.clone()));
            Ok(Arc::new(Generator::new(
                reports,
                guidelines,
                self.passages()?,
                llm,
                DraftLimits::from_config(&self.config),
            )))
        })
    }

    /// Ingest options from the configuration; `progress` draws a bar on a terminal.
    pub fn ingest_options(&self, progress: bool) -> IngestOptions {
        IngestOptions::from_config(&self.config, progress)
    }

    /// Ingest report files or directories into `collection`.
    pub fn ingest(
        &self,
        collection: &str,
        paths: &[PathBuf],
        opts: &IngestOptions,
    ) -> Result<IngestSummary> {
        let stores = self.stores(collection)?;
        let embedder = self.embedder()?;
        Ok(priors_ingest::ingest(
            paths,
            &stores,
            embedder.as_ref(),
            embedder.workers(),
            opts,
        )?)
    }

    /// Ingest records already in memory (received over the network, or built from typed
    /// data) into `collection`, in order, validated like file records.
    pub fn ingest_records(
        &self,
        collection: &str,
        records: Vec<SourceRecord>,
        opts: &IngestOptions,
    ) -> Result<IngestSummary> {
        self.ingest_stream(collection, records.into_iter().map(Ok), opts)
    }

    /// Ingest records as they arrive from a stream (see [`priors_ingest::ingest_stream`]):
    /// committed in groups of `ingest.commit_reports`, in bounded memory; an
    /// [`priors_ingest::IngestError::Interrupted`] item ends the run with what was committed.
    pub fn ingest_stream(
        &self,
        collection: &str,
        records: impl Iterator<Item = priors_ingest::Result<SourceRecord>> + Send,
        opts: &IngestOptions,
    ) -> Result<IngestSummary> {
        let stores = self.stores(collection)?;
        let embedder = self.embedder()?;
        Ok(priors_ingest::ingest_stream(
            records,
            &stores,
            embedder.as_ref(),
            embedder.workers(),
            opts,
        )?)
    }

    /// Ingest the guideline passages into the [`GUIDELINES`] collection, through the same
    /// pipeline as reports (see [`guidelines::records`] for the record each passage becomes).
    pub fn ingest_guidelines(&self, progress: bool) -> Result<IngestSummary> {
        let records = guidelines::records(&self.passages()?);
        self.ingest_records(GUIDELINES, records, &self.ingest_options(progress))
    }

    /// Delete reports from both stores of the `reports` collection.
    pub fn delete(&self, ids: &[String]) -> Result<Deletion> {
        let deleted = self.stores(REPORTS)?.delete(ids)?;
        let not_found = ids
            .iter()
            .filter(|id| !deleted.contains(id))
            .cloned()
            .collect();
        Ok(Deletion { deleted, not_found })
    }

    /// Counts of the `reports` collection and whether its stores agree.
    pub fn stats(&self) -> Result<StoreStats> {
        let stores = self.stores(REPORTS)?;
        let stats = stores.stats()?;
        let consistency = stores.consistency()?;
        Ok(StoreStats {
            reports: stats.reports,
            chunks: stats.chunks,
            qdrant_points: stats.qdrant_points,
            tantivy_docs: stats.tantivy_docs,
            model: self.config.embedding.identity(),
            dim: self.config.embedding.dim,
            dense: stores.dense_backend().clone(),
            consistent: consistency.is_consistent(),
            consistency,
        })
    }

    /// Move the dense side of collection `only` (or of every collection in the data
    /// directory) to the Qdrant server `url`, without re-embedding (see
    /// [`priors_store::migrate`]); the rest of `[store.qdrant]` (prefix, shards, replicas,
    /// quantization) comes from the configuration. `progress` gets the collection, the points
    /// copied so far and the total. Nothing of the collections may be open in this process.
    pub fn migrate_to_qdrant(
        &self,
        url: &str,
        only: Option<&str>,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<Vec<priors_store::migrate::MigrateSummary>> {
        let mut qdrant = self.config.store.qdrant.clone();
        qdrant.url = url.trim().to_string();
        let mut probe = self.config.clone();
        probe.store.qdrant = qdrant.clone();
        probe.validate().map_err(|e| AppError::Invalid {
            field: "to_qdrant",
            reason: e.to_string(),
        })?;
        if !qdrant.is_remote() {
            return Err(AppError::Invalid {
                field: "to_qdrant",
                reason: "the server's URL is empty".into(),
            });
        }
        let names: Vec<String> = match only {
            Some(name) => {
                if !self.has_collection(name) {
                    return Err(AppError::NoCollection(name.to_string()));
                }
                vec![name.to_string()]
            }
            None => self.collection_names()?,
        };
        let mut out = Vec::new();
        for name in names {
            let dir = collection_dir(&self.config, &name);
            let mut report = |done: usize, total: usize| progress(&name, done, total);
            out.push(priors_store::migrate::to_qdrant(
                &dir,
                &self.config.embedding.identity(),
                self.config.embedding.dim,
                &qdrant,
                &name,
                &mut report,
            )?);
        }
        Ok(out)
    }

    /// The collections that exist in the data directory, by name.
    fn collection_names(&self) -> Result<Vec<String>> {
        let root = self.config.data.dir.join("collections");
        let entries = match std::fs::read_dir(&root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(AppError::Io { path: root, source }),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| AppError::Io {
                path: root.clone(),
                source,
            })?;
            if let Some(name) = entry.file_name().to_str() {
                if self.has_collection(name) {
                    names.push(name.to_string());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// Hybrid (or single-engine) search over an existing collection.
    pub fn search(&self, collection: &str, query: &Query) -> Result<Vec<Hit>> {
        if !self.has_collection(collection) {
            return Err(AppError::NoCollection(collection.to_string()));
        }
        Ok(self.retriever(collection)?.search(query)?)
    }

    /// Reports (or patients, with [`Per::Patient`]) most like `report_id` (its findings as
    /// the query, its patient excluded).
    pub fn similar(
        &self,
        report_id: &str,
        k: usize,
        mode: Mode,
        filter: SearchFilter,
        per: Per,
    ) -> Result<Vec<Hit>> {
        Ok(self
            .retriever(REPORTS)?
            .similar_filtered(report_id, k, mode, filter, per)?)
    }

    /// Every report of a patient, by exam date.
    pub fn timeline(&self, patient_id: &str) -> Result<Vec<TimelineEntry>> {
        Ok(self.retriever(REPORTS)?.timeline(patient_id)?)
    }

    /// The stored chunks of one report, in order.
    pub fn report(&self, report_id: &str) -> Result<Vec<StoredChunk>> {
        Ok(self.retriever(REPORTS)?.report_chunks(report_id)?)
    }

    /// Differential diagnoses for findings, from the prior cases and guideline passages.
    pub fn differentials(
        &self,
        findings: &str,
        indication: &str,
        patient_id: Option<&str>,
        k: usize,
        max: usize,
    ) -> Result<Differentials> {
        Ok(self
            .generator()?
            .differentials(findings, indication, patient_id, k, max)?)
    }

    /// Deterministic staging of findings text (AJCC 8th lung TNM, or Lugano, Deauville and
    /// response), every category with its evidence span and guideline passage.
    pub fn stage(&self, cancer: Cancer, text: &str) -> Result<StagingAnswer> {
        if text.trim().is_empty() {
            return Err(AppError::invalid("text", "must not be empty"));
        }
        let max = self.config.ingest.max_report_bytes;
        if text.len() > max {
            return Err(AppError::invalid(
                "text",
                format!("{} bytes; the limit is {max}", text.len()),
            ));
        }
        Ok(priors_staging::stage(cancer, text))
    }

    /// Answer a staging question from the guideline passages, with citations.
    pub fn ask(&self, question: &str) -> Result<GuidelineAnswer> {
        if question.trim().is_empty() {
            return Err(AppError::invalid("question", "must not be empty"));
        }
        if question.len() > MAX_QUESTION_BYTES {
            return Err(AppError::invalid(
                "question",
                format!(
                    "{} bytes; the limit is {MAX_QUESTION_BYTES}",
                    question.len()
                ),
            ));
        }
        Ok(priors_staging::ask(question, &self.passages()?))
    }
}

/// Log warnings (and errors) to stderr for a binary built on the app; `RUST_LOG` overrides
/// the filter. qdrant-edge logs at warn that its server-side feature flags were never
/// initialised; the embedded engine runs on their defaults, so those two modules log errors
/// only. Call once, at the start of `main`.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(
            "warn,qdrant_edge::common::flags=error,qdrant_edge::common::mmap::ops=error",
        )
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Read a whole file, with its path in the error.
pub(crate) fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| AppError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(dir: &Path) -> App {
        let mut config = Config::default();
        config.data.dir = dir.to_path_buf();
        App::open(config)
    }

    #[test]
    fn collections_are_opened_once_and_shared() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let a = app.stores(REPORTS).unwrap();
        let b = app.stores(REPORTS).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "the same stores twice");
        assert!(app.has_collection(REPORTS));
        assert!(!app.has_collection(GUIDELINES));
    }

    #[test]
    fn searching_a_collection_that_does_not_exist_names_the_command_that_builds_it() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let q = Query {
            text: "mass".into(),
            k: 3,
            mode: Mode::Bm25,
            filter: SearchFilter::default(),
            per: priors_retrieval::Per::Report,
        };
        let e = app.search(GUIDELINES, &q).unwrap_err();
        assert!(matches!(e, AppError::NoCollection(_)), "{e}");
        assert!(e.to_string().contains("ingest-guidelines"), "{e}");
        assert!(!app.has_collection(GUIDELINES), "search created nothing");
    }

    #[test]
    fn empty_and_oversized_inputs_are_the_callers_fault() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let e = app.stage(Cancer::Lung, "  \n").unwrap_err();
        assert!(matches!(e, AppError::Invalid { field: "text", .. }), "{e}");
        assert_eq!(e.to_string(), "invalid text: must not be empty");
        let big = "x".repeat(app.config().ingest.max_report_bytes + 1);
        assert!(matches!(
            app.stage(Cancer::Lymphoma, &big),
            Err(AppError::Invalid { field: "text", .. })
        ));
        assert!(matches!(
            app.ask(" "),
            Err(AppError::Invalid {
                field: "question",
                ..
            })
        ));
        let long = "x".repeat(MAX_QUESTION_BYTES + 1);
        assert!(matches!(
            app.ask(&long),
            Err(AppError::Invalid {
                field: "question",
                ..
            })
        ));
    }

    #[test]
    fn stats_of_a_new_collection_are_zero_and_consistent() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let s = app.stats().unwrap();
        assert_eq!((s.reports, s.chunks, s.qdrant_points), (0, 0, 0));
        assert!(s.consistent);
        let d = app.delete(&["nope".to_string()]).unwrap();
        assert!(d.deleted.is_empty());
        assert_eq!(d.not_found, vec!["nope".to_string()]);
    }
}
