//! Dense embeddings with fastembed and ONNX Runtime, fully offline.
//!
//! The model is sentence-transformers/all-MiniLM-L6-v2 exported to ONNX by `make setup`
//! (`scripts/export_minilm_onnx.py`) and loaded from disk with fastembed's
//! `UserDefinedEmbeddingModel`: mean pooling, L2 normalisation, 256 tokens. ONNX Runtime is the
//! shared library from the PyPI wheel, loaded with `ort::init_from` so that a missing library is
//! an error that says to run `make setup`, never a panic. Nothing is fetched from a hub.
//!
//! `fastembed::TextEmbedding::embed` takes `&mut self`, so [`FastEmbedder`] keeps a pool of
//! sessions (one per worker, each with one intra-op thread by default) behind a channel:
//! concurrent callers embed in parallel, one session each, and the trait method takes `&self`.
//!
//! Architecture Invariant: this is the only crate that knows about fastembed, `ort` and the
//! tokenizer; everything else sees [`priors_core::Embedder`].

use crossbeam_channel::{bounded, Receiver, Sender};
use fastembed::{
    InitOptionsUserDefined, Pooling, TextEmbedding, TokenizerFiles, UserDefinedEmbeddingModel,
};
use priors_core::config::EmbeddingConfig;
use priors_core::{Embedder, EngineResult};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Result alias for this crate.
pub type Result<T, E = EmbedError> = std::result::Result<T, E>;

/// What can go wrong when loading or running the model.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The ONNX Runtime library or a model file is missing: an installation problem, fixed by
    /// `make setup`; retrying does not help.
    #[error("{what} not found at {path}: run `make setup` to install the offline assets")]
    MissingAsset {
        /// What is missing.
        what: &'static str,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// ONNX Runtime could not be loaded or initialised (system fault).
    #[error("onnx runtime: {0}")]
    Runtime(String),
    /// The model or tokenizer could not be loaded (system fault).
    #[error("loading model: {0}")]
    Load(String),
    /// Inference or tokenisation failed (system fault; the input was valid text).
    #[error("inference: {0}")]
    Inference(String),
}

/// The process-wide ONNX Runtime environment: the library can be loaded only once per process.
static ORT_ENV: OnceLock<std::result::Result<ort::environment::Environment, String>> =
    OnceLock::new();
static ORT_PATH: Mutex<Option<PathBuf>> = Mutex::new(None);

fn ort_environment(dylib: &Path) -> Result<ort::environment::Environment> {
    if !dylib.is_file() {
        return Err(EmbedError::MissingAsset {
            what: "ONNX Runtime library",
            path: dylib.to_path_buf(),
        });
    }
    {
        let mut loaded = ORT_PATH.lock().unwrap_or_else(|p| p.into_inner());
        match loaded.as_ref() {
            Some(prev) if prev != dylib => {
                return Err(EmbedError::Runtime(format!(
                    "already loaded from {} in this process, cannot load {}",
                    prev.display(),
                    dylib.display()
                )))
            }
            Some(_) => {}
            None => *loaded = Some(dylib.to_path_buf()),
        }
    }
    ORT_ENV
        .get_or_init(|| {
            ort::init_from(dylib)
                .map_err(|e| format!("loading {}: {e}", dylib.display()))?
                .with_name("priors")
                .build()
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(EmbedError::Runtime)
}

/// A pool of fastembed sessions over one local ONNX model.
pub struct FastEmbedder {
    model_id: String,
    dim: usize,
    max_tokens: usize,
    batch_size: usize,
    workers: usize,
    idle_tx: Sender<TextEmbedding>,
    idle_rx: Receiver<TextEmbedding>,
    /// The model's tokenizer without truncation or padding, for counting tokens.
    counter: tokenizers::Tokenizer,
}

impl std::fmt::Debug for FastEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastEmbedder")
            .field("model_id", &self.model_id)
            .field("dim", &self.dim)
            .field("max_tokens", &self.max_tokens)
            .field("workers", &self.workers)
            .finish()
    }
}

fn read_asset(dir: &Path, name: &str, what: &'static str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => EmbedError::MissingAsset { what, path },
        _ => EmbedError::Load(format!("{}: {e}", path.display())),
    })
}

impl FastEmbedder {
    /// Load the runtime, the model and the tokenizer as configured, with `workers` sessions
    /// (`0` = one per core).
    pub fn load(cfg: &EmbeddingConfig) -> Result<Self> {
        let env = ort_environment(&cfg.ort_dylib)?;
        let dir = &cfg.model_dir;
        let onnx = read_asset(dir, &cfg.onnx_file, "ONNX model")?;
        let files = TokenizerFiles {
            tokenizer_file: read_asset(dir, "tokenizer.json", "tokenizer.json")?,
            config_file: read_asset(dir, "config.json", "model config.json")?,
            special_tokens_map_file: read_asset(
                dir,
                "special_tokens_map.json",
                "special_tokens_map.json",
            )?,
            tokenizer_config_file: read_asset(
                dir,
                "tokenizer_config.json",
                "tokenizer_config.json",
            )?,
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = if cfg.workers == 0 { cores } else { cfg.workers };
        let intra = (cores / workers).max(1);
        let (idle_tx, idle_rx) = bounded(workers);
        let mut counter = None;
        for _ in 0..workers {
            let model = UserDefinedEmbeddingModel::new(onnx.clone(), files.clone())
                .with_pooling(Pooling::Mean);
            let options = InitOptionsUserDefined::new()
                .with_environment(env.clone())
                .with_max_length(cfg.max_length)
                .with_intra_threads(intra);
            let session = TextEmbedding::try_new_from_user_defined(model, options)
                .map_err(|e| EmbedError::Load(e.to_string()))?;
            if counter.is_none() {
                let mut tok = session.tokenizer.clone();
                tok.with_padding(None);
                tok.with_truncation(None)
                    .map_err(|e| EmbedError::Load(format!("tokenizer: {e}")))?;
                counter = Some(tok);
            }
            idle_tx
                .send(session)
                .expect("pool channel has room for every worker");
        }
        let embedder = Self {
            model_id: cfg.identity(),
            dim: cfg.dim,
            max_tokens: cfg.max_length,
            batch_size: cfg.batch_size,
            workers,
            idle_tx,
            idle_rx,
            counter: counter.expect("at least one worker"),
        };
        // Check the dimension once, so that a wrong model fails at start-up, not mid-ingest.
        let probe = embedder.embed_batch(&["dimension probe"])?;
        if probe[0].len() != cfg.dim {
            return Err(EmbedError::Load(format!(
                "model produces {}-dimensional vectors, config says {}",
                probe[0].len(),
                cfg.dim
            )));
        }
        Ok(embedder)
    }

    /// Number of sessions in the pool (how many callers can embed at once).
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Embed passages on one pooled session (blocks while all sessions are busy).
    pub fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let mut session = self
            .idle_rx
            .recv()
            .map_err(|_| EmbedError::Inference("session pool closed".into()))?;
        let out = session.embed(texts, Some(self.batch_size));
        // Return the session even when inference failed: it holds no per-call state.
        let _ = self.idle_tx.send(session);
        out.map_err(|e| EmbedError::Inference(e.to_string()))
    }

    /// Model tokens in `text`, special tokens included, without truncation.
    pub fn token_count(&self, text: &str) -> Result<usize> {
        self.counter
            .encode(text, true)
            .map(|enc| enc.len())
            .map_err(|e| EmbedError::Inference(format!("tokenizer: {e}")))
    }
}

impl Embedder for FastEmbedder {
    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    fn count_tokens(&self, text: &str) -> EngineResult<usize> {
        Ok(self.token_count(text)?)
    }

    fn embed(&self, texts: &[&str]) -> EngineResult<Vec<Vec<f32>>> {
        Ok(self.embed_batch(texts)?)
    }
}

/// Cosine similarity of two vectors (0 when either is zero).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        dot += f64::from(*x) * f64::from(*y);
        na += f64::from(*x) * f64::from(*x);
        nb += f64::from(*y) * f64::from(*y);
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        (dot / (na.sqrt() * nb.sqrt())) as f32
    }
}
