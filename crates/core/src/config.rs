//! The one typed configuration, loaded once at start-up.
//!
//! Layers, later ones win: the embedded `config/default.toml` → a file given with `--config` →
//! environment variables `PRIORS__SECTION__KEY`. Unknown keys are errors at every layer, so a
//! typo never silently falls back to a default.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The defaults, compiled in.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// Prefix of environment overrides.
pub const ENV_PREFIX: &str = "PRIORS__";

/// Whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Data directory.
    pub data: DataConfig,
    /// Embedding model and runtime.
    pub embedding: EmbeddingConfig,
    /// Ingestion limits and batching.
    pub ingest: IngestConfig,
    /// Where the stores live (the dense side may be a Qdrant server).
    pub store: StoreConfig,
    /// Hybrid retrieval.
    pub retrieval: RetrievalConfig,
    /// The gRPC server.
    pub server: ServerConfig,
    /// The optional OpenAI-compatible LLM endpoint.
    pub llm: LlmConfig,
    /// The guideline passages.
    pub guidelines: GuidelinesConfig,
    /// Limits and defaults of drafts and differentials.
    pub drafting: DraftingConfig,
    /// The audit trail of patient-level reads.
    pub audit: AuditConfig,
}

/// `[audit]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// The audit log (JSON lines); empty = `<data dir>/audit/audit.jsonl`.
    pub path: PathBuf,
    /// Size at which the log is rotated (renamed `audit.N.jsonl`, never deleted), in bytes.
    pub max_bytes: u64,
    /// Longest a written line may wait for fsync, in milliseconds; 0 = fsync after every
    /// line. (Each line is written to the file before the call is answered, so a crash of the
    /// process loses nothing; the interval bounds what a power failure can lose.)
    pub fsync_interval_ms: u64,
    /// Failed authentications logged per minute at most; the rest are counted in the next
    /// logged one.
    pub failed_auth_per_minute: u32,
}

impl AuditConfig {
    /// The log file: `path`, or `<data dir>/audit/audit.jsonl` when it is empty.
    pub fn file(&self, data_dir: &Path) -> PathBuf {
        if self.path.as_os_str().is_empty() {
            data_dir.join("audit").join("audit.jsonl")
        } else {
            self.path.clone()
        }
    }
}

/// Scopes a token can grant (`[[server.tokens]] scopes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Search, similar cases, timeline, case view, get report.
    Read,
    /// Drafting, differentials, staging.
    Draft,
    /// Ingest and delete.
    Write,
    /// Stats and maintenance.
    Admin,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [Scope::Read, Scope::Draft, Scope::Write, Scope::Admin];

    /// The scope's name in config and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Draft => "draft",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }
}

/// One `[[server.tokens]]` entry: a named caller, the salted hash of its secret, its scopes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// The caller's name (in the audit log and in rate limits).
    pub name: String,
    /// `sha256$<salt hex>$<digest hex>`, as printed by `priors token hash SECRET`.
    pub hash: String,
    /// What the token may do.
    pub scopes: Vec<Scope>,
}

/// `[guidelines]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuidelinesConfig {
    /// Guideline passages (JSONL) cited by the staging rules, `ask` and drafts, and indexed by
    /// `ingest-guidelines`.
    pub passages: PathBuf,
}

/// `[drafting]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftingConfig {
    /// Largest findings + indication + comparison of one request, in bytes.
    pub max_input_bytes: usize,
    /// Prior cases of a draft when the request says 0.
    pub default_k: usize,
    /// Largest k of a draft request (capped by `retrieval.max_k`).
    pub max_k: usize,
    /// Guideline passages from search per draft (besides those the staging rules cite).
    pub guideline_k: usize,
    /// Time kept back from the caller's deadline for the extractive fallback, in milliseconds.
    pub fallback_reserve_ms: u64,
    /// Prior cases voting in differentials when the request says 0.
    pub differentials_k: usize,
    /// Differentials returned when the request says 0.
    pub differentials_max: usize,
}

/// `[server]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Listen address (`host:port`); loopback by default.
    pub addr: String,
    /// Largest gRPC message accepted or sent, in bytes.
    pub max_message_bytes: usize,
    /// Requests served at once; more get `RESOURCE_EXHAUSTED`.
    pub concurrency_limit: usize,
    /// Deadline of a request that brings none, in milliseconds.
    pub request_timeout_ms: u64,
    /// PEM certificate chain and key for TLS; both empty = plaintext.
    pub tls_cert: PathBuf,
    /// See `tls_cert`.
    pub tls_key: PathBuf,
    /// When not empty, every call must carry `authorization: Bearer <token>`: the one
    /// all-scope token of earlier versions (caller name `auth_token`). Kept for compatibility;
    /// prefer `tokens`.
    pub auth_token: String,
    /// Named, hashed, scoped tokens; when any is set (or `auth_token` is), every call needs one.
    #[serde(default)]
    pub tokens: Vec<TokenConfig>,
    /// PEM CA certificate: when set, every client must present a certificate it signed
    /// (mutual TLS; needs `tls_cert`); the certificate's subject becomes the caller's name.
    pub client_ca: PathBuf,
    /// Calls per second per caller (token bucket, refilled continuously); 0 = no limit.
    pub rate_per_second: f64,
    /// Calls a caller may make at once above the rate (the bucket's size).
    pub rate_burst: u32,
    /// Streams (IngestReports, DraftImpression) one caller may have open at once; 0 = no limit.
    pub max_streams_per_caller: usize,
    /// Records accepted by one `IngestReports` call.
    pub max_ingest_records: usize,
    /// Bytes of report text one `IngestReports` call may bring in all (records are streamed
    /// into the pipeline as they arrive; this is not held in memory).
    pub max_ingest_bytes: usize,
}

/// `[llm]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmConfig {
    /// Base URL of an OpenAI-compatible API (`http://host:port/v1`); empty = no LLM.
    pub base_url: String,
    /// Model name sent with each request.
    pub model: String,
    /// Bearer key for the endpoint (empty for none).
    pub api_key: String,
    /// Longest an LLM draft may take before the extractive fallback, in milliseconds.
    pub timeout_ms: u64,
    /// Tokens per draft.
    pub max_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
    /// Sampling seed (negative = none).
    pub seed: i64,
}

/// `[retrieval]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrievalConfig {
    /// RRF constant.
    pub rrf_k: f64,
    /// Weight of BM25 in fusion.
    pub bm25_weight: f64,
    /// Weight of dense in fusion.
    pub dense_weight: f64,
    /// Chunks fetched per engine per query, at least.
    pub candidates: usize,
    /// Distinct query terms BM25 searches at most (highest query frequency × idf kept); 0 = all.
    pub bm25_max_terms: usize,
    /// Snippet length in characters.
    pub snippet_chars: usize,
    /// Largest k a caller may ask for.
    pub max_k: usize,
}

/// `[data]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Directory of both stores and the ingest journal.
    pub dir: PathBuf,
}

/// `[embedding]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingConfig {
    /// Model identifier recorded in the stores.
    pub model_id: String,
    /// Directory with the ONNX file and tokenizer files.
    pub model_dir: PathBuf,
    /// ONNX file name inside `model_dir`.
    pub onnx_file: String,
    /// Path of the ONNX Runtime shared library.
    pub ort_dylib: PathBuf,
    /// Vector dimension.
    pub dim: usize,
    /// Tokens per passage, special tokens included.
    pub max_length: usize,
    /// Passages per model call.
    pub batch_size: usize,
    /// Parallel model sessions; 0 means one per core.
    pub workers: usize,
}

/// `[ingest]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestConfig {
    /// Largest accepted report text, in bytes.
    pub max_report_bytes: usize,
    /// Upper bound of tokens per chunk.
    pub chunk_max_tokens: usize,
    /// Reports per commit of both stores.
    pub commit_reports: usize,
}

/// `[store]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `[store.qdrant]`: the dense engine.
    pub qdrant: QdrantConfig,
}

/// `[store.qdrant]`: embedded (`url` empty) or a Qdrant server / cluster over gRPC.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QdrantConfig {
    /// gRPC address of a Qdrant server (`http://host:6334`); empty = embedded qdrant-edge.
    pub url: String,
    /// API key sent with every request; empty = none.
    pub api_key: String,
    /// Per-request timeout, in milliseconds.
    pub timeout_ms: u64,
    /// Connection timeout, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Prefix of the remote collection names (`<prefix><collection>`).
    pub collection_prefix: String,
    /// Shards of a newly created remote collection.
    pub shard_number: u32,
    /// Replicas of each shard.
    pub replication_factor: u32,
    /// Replicas that must acknowledge a write.
    pub write_consistency_factor: u32,
    /// `weak`, `medium` or `strong`.
    pub write_ordering: String,
    /// Original vectors on disk (memory-mapped) instead of in RAM.
    pub on_disk: bool,
    /// `""` or `int8` (scalar quantization).
    pub quantization: String,
    /// Search-time HNSW beam width, both backends; 0 = the engine's default (its
    /// `ef_construct`, 100).
    pub hnsw_ef: u32,
}

impl std::fmt::Debug for QdrantConfig {
    /// Everything but the API key's value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QdrantConfig")
            .field("url", &self.url)
            .field("api_key", &(!self.api_key.is_empty()).then_some("<set>"))
            .field("timeout_ms", &self.timeout_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("collection_prefix", &self.collection_prefix)
            .field("shard_number", &self.shard_number)
            .field("replication_factor", &self.replication_factor)
            .field("write_consistency_factor", &self.write_consistency_factor)
            .field("write_ordering", &self.write_ordering)
            .field("on_disk", &self.on_disk)
            .field("quantization", &self.quantization)
            .field("hnsw_ef", &self.hnsw_ef)
            .finish()
    }
}

impl QdrantConfig {
    /// True when the dense vectors live in a Qdrant server rather than in the data directory.
    pub fn is_remote(&self) -> bool {
        !self.url.trim().is_empty()
    }

    /// The search-time HNSW beam width, `None` for the engine's default.
    pub fn search_ef(&self) -> Option<usize> {
        (self.hnsw_ef > 0).then_some(self.hnsw_ef as usize)
    }

    /// The remote collection that holds priors collection `name`.
    pub fn collection_name(&self, name: &str) -> String {
        format!("{}{name}", self.collection_prefix)
    }
}

impl Default for RetrievalConfig {
    /// The embedded defaults of `[retrieval]`.
    fn default() -> Self {
        Config::default().retrieval
    }
}

impl EmbeddingConfig {
    /// The identity recorded in a data directory: the model id, plus the ONNX file when it is
    /// not the default fp32 export (an int8 model gives different vectors, so its stores must
    /// not be mixed with fp32 ones).
    pub fn identity(&self) -> String {
        if self.onnx_file == "model.onnx" {
            self.model_id.clone()
        } else {
            format!("{} ({})", self.model_id, self.onnx_file)
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::from_layers(None, std::iter::empty()).expect("embedded default config is valid")
    }
}

impl Config {
    /// Load the configuration: defaults, then `file` if given, then `PRIORS__*` variables from
    /// the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        let file_text = match file {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?),
            None => None,
        };
        Self::from_layers(file_text.as_deref(), std::env::vars())
    }

    /// Build from explicit layers (used by [`Config::load`] and tests).
    pub fn from_layers(
        file_text: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self> {
        let mut merged: toml::Value = toml::from_str(DEFAULT_TOML)
            .map_err(|e| Error::Config(format!("embedded defaults: {e}")))?;
        if let Some(text) = file_text {
            let layer: toml::Value =
                toml::from_str(text).map_err(|e| Error::Config(format!("config file: {e}")))?;
            merge(&mut merged, layer);
        }
        for (key, value) in env {
            let Some(path) = key.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let parts: Vec<String> = path.split("__").map(|p| p.to_ascii_lowercase()).collect();
            if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
                return Err(Error::Config(format!(
                    "environment variable {key}: expected {ENV_PREFIX}SECTION__KEY \
                     (or SECTION__SUBSECTION__KEY)"
                )));
            }
            // Typed like the value it replaces (every key has a default), so that an
            // all-digit token stays a string and `1` is a float where a float is expected.
            let mut layer = env_value(&value, lookup(&merged, &parts));
            for part in parts.iter().rev() {
                let mut table = toml::map::Map::new();
                table.insert(part.clone(), layer);
                layer = toml::Value::Table(table);
            }
            merge(&mut merged, layer);
        }
        if merged.get("dense").is_some() {
            return Err(Error::Config(
                "[dense] was replaced by [store.qdrant]: `url = \"\"` is the embedded \
                 qdrant-edge (the old `backend = \"embedded\"`), a URL is a Qdrant server"
                    .into(),
            ));
        }
        let config: Config = merged
            .try_into()
            .map_err(|e: toml::de::Error| Error::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Make relative paths (data directory, model directory, runtime library) relative to
    /// `base` instead of the working directory.
    pub fn resolve_paths(&mut self, base: &Path) {
        for p in [
            &mut self.data.dir,
            &mut self.embedding.model_dir,
            &mut self.embedding.ort_dylib,
            &mut self.guidelines.passages,
            &mut self.server.tls_cert,
            &mut self.server.tls_key,
            &mut self.server.client_ca,
            &mut self.audit.path,
        ] {
            if p.is_relative() && !p.as_os_str().is_empty() {
                *p = base.join(&*p);
            }
        }
    }

    /// Check cross-field constraints once, at start-up.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: &str, reason: String| Err(Error::Config(format!("{field}: {reason}")));
        if self.embedding.dim == 0 {
            return bad("embedding.dim", "must be positive".into());
        }
        if self.embedding.max_length < 16 {
            return bad("embedding.max_length", "must be at least 16".into());
        }
        if self.embedding.batch_size == 0 {
            return bad("embedding.batch_size", "must be positive".into());
        }
        if self.ingest.chunk_max_tokens < 16
            || self.ingest.chunk_max_tokens > self.embedding.max_length
        {
            return bad(
                "ingest.chunk_max_tokens",
                format!(
                    "must be between 16 and embedding.max_length ({})",
                    self.embedding.max_length
                ),
            );
        }
        if self.ingest.max_report_bytes == 0 || self.ingest.commit_reports == 0 {
            return bad(
                "ingest",
                "max_report_bytes and commit_reports must be positive".into(),
            );
        }
        let r = &self.retrieval;
        let positive = |x: f64| x.is_finite() && x > 0.0;
        let non_negative = |x: f64| x.is_finite() && x >= 0.0;
        if !positive(r.rrf_k) || !non_negative(r.bm25_weight) || !non_negative(r.dense_weight) {
            return bad(
                "retrieval",
                "rrf_k must be positive and weights non-negative".into(),
            );
        }
        if r.candidates == 0 || r.max_k == 0 || r.snippet_chars < 20 {
            return bad(
                "retrieval",
                "candidates and max_k must be positive, snippet_chars at least 20".into(),
            );
        }
        let sv = &self.server;
        if sv.max_message_bytes < 1024
            || sv.concurrency_limit == 0
            || sv.max_ingest_records == 0
            || sv.max_ingest_bytes == 0
        {
            return bad(
                "server",
                "max_message_bytes must be at least 1024, concurrency_limit and \
                 max_ingest_records positive"
                    .into(),
            );
        }
        let d = &self.drafting;
        if d.max_input_bytes == 0 || d.default_k == 0 || d.max_k < d.default_k {
            return bad(
                "drafting",
                "max_input_bytes and default_k must be positive, max_k at least default_k".into(),
            );
        }
        if d.differentials_k == 0 || d.differentials_max == 0 {
            return bad(
                "drafting",
                "differentials_k and differentials_max must be positive".into(),
            );
        }
        if sv.tls_cert.as_os_str().is_empty() != sv.tls_key.as_os_str().is_empty() {
            return bad(
                "server.tls_cert",
                "tls_cert and tls_key go together (both set or both empty)".into(),
            );
        }
        if !sv.client_ca.as_os_str().is_empty() && sv.tls_cert.as_os_str().is_empty() {
            return bad(
                "server.client_ca",
                "mutual TLS needs the server's own certificate (tls_cert, tls_key)".into(),
            );
        }
        if !(sv.rate_per_second.is_finite() && sv.rate_per_second >= 0.0) {
            return bad("server.rate_per_second", "must be 0 or positive".into());
        }
        if sv.rate_per_second > 0.0 && sv.rate_burst == 0 {
            return bad(
                "server.rate_burst",
                "must be at least 1 when rate_per_second is set".into(),
            );
        }
        let mut names = std::collections::HashSet::new();
        for t in &sv.tokens {
            if t.name.trim().is_empty() || !names.insert(t.name.as_str()) {
                return bad(
                    "server.tokens",
                    format!("token names must be unique and not empty ({:?})", t.name),
                );
            }
            if t.scopes.is_empty() {
                return bad(
                    "server.tokens",
                    format!(
                        "token {:?} has no scope (read, draft, write, admin)",
                        t.name
                    ),
                );
            }
            if !t.hash.starts_with("sha256$") || t.hash.split('$').count() != 3 {
                return bad(
                    "server.tokens",
                    format!(
                        "token {:?}: hash must be `sha256$<salt>$<digest>` as printed by \
                         `priors token hash SECRET` (never the secret itself)",
                        t.name
                    ),
                );
            }
        }
        if self.audit.max_bytes < 4096 {
            return bad("audit.max_bytes", "must be at least 4096".into());
        }
        let url = &self.llm.base_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return bad(
                "llm.base_url",
                format!("{:?} is not an http(s) URL", self.llm.base_url),
            );
        }
        let q = &self.store.qdrant;
        let u = q.url.trim();
        if !(u.is_empty() || u.starts_with("http://") || u.starts_with("https://")) {
            return bad(
                "store.qdrant.url",
                format!(
                    "{:?} is not an http(s) URL (Qdrant's gRPC port, e.g. http://host:6334)",
                    q.url
                ),
            );
        }
        if q.timeout_ms == 0 || q.connect_timeout_ms == 0 {
            return bad(
                "store.qdrant.timeout_ms",
                "timeout_ms and connect_timeout_ms must be positive".into(),
            );
        }
        if q.shard_number == 0 || q.replication_factor == 0 || q.write_consistency_factor == 0 {
            return bad(
                "store.qdrant.shard_number",
                "shard_number, replication_factor and write_consistency_factor must be positive"
                    .into(),
            );
        }
        if q.write_consistency_factor > q.replication_factor {
            return bad(
                "store.qdrant.write_consistency_factor",
                format!(
                    "{} is more than replication_factor {}: no write could ever be acknowledged",
                    q.write_consistency_factor, q.replication_factor
                ),
            );
        }
        if !matches!(q.write_ordering.as_str(), "weak" | "medium" | "strong") {
            return bad(
                "store.qdrant.write_ordering",
                format!(
                    "{:?}: expected \"weak\", \"medium\" or \"strong\"",
                    q.write_ordering
                ),
            );
        }
        if !matches!(q.quantization.as_str(), "" | "int8") {
            return bad(
                "store.qdrant.quantization",
                format!("{:?}: expected \"\" (none) or \"int8\"", q.quantization),
            );
        }
        let prefix_ok = q
            .collection_prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !prefix_ok {
            return bad(
                "store.qdrant.collection_prefix",
                format!(
                    "{:?}: letters, digits, `_` and `-` only",
                    q.collection_prefix
                ),
            );
        }
        Ok(())
    }
}

fn merge(base: &mut toml::Value, layer: toml::Value) {
    match (base, layer) {
        (toml::Value::Table(b), toml::Value::Table(l)) => {
            for (k, v) in l {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, l) => *b = l,
    }
}

/// The value at `path` of a TOML table, if any.
fn lookup<'a>(value: &'a toml::Value, path: &[String]) -> Option<&'a toml::Value> {
    path.iter().try_fold(value, |v, key| v.get(key.as_str()))
}

/// An environment value as the TOML type of the value it overrides: a string stays the raw
/// text (`PRIORS__SERVER__AUTH_TOKEN=12345` is the string "12345"), an integer, float or
/// boolean is parsed as one (a float key takes `1` as 1.0; what does not parse stays a string,
/// which the typed config then refuses with the key's name). A key with no default value is
/// read as a TOML scalar when it parses as one (`42`, `true`, `1.5`), else as a string.
fn env_value(raw: &str, current: Option<&toml::Value>) -> toml::Value {
    let text = || toml::Value::String(raw.to_string());
    let trimmed = raw.trim();
    match current {
        Some(toml::Value::String(_)) => text(),
        Some(toml::Value::Integer(_)) => trimmed
            .parse()
            .map_or_else(|_| text(), toml::Value::Integer),
        Some(toml::Value::Float(_)) => trimmed.parse().map_or_else(|_| text(), toml::Value::Float),
        Some(toml::Value::Boolean(_)) => trimmed
            .parse()
            .map_or_else(|_| text(), toml::Value::Boolean),
        _ => parse_env_value(raw),
    }
}

/// An environment value is read as a TOML scalar when it parses as one (`42`, `true`, `1.5`),
/// else as a plain string.
fn parse_env_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => match t.remove("v") {
            Some(
                v @ (toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_)),
            ) => v,
            _ => toml::Value::String(raw.to_string()),
        },
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_and_validate() {
        let c = Config::default();
        assert_eq!(c.embedding.dim, 384);
        assert!(!c.store.qdrant.is_remote());
        assert_eq!(c.store.qdrant.collection_name("reports"), "priors_reports");
    }

    #[test]
    fn file_then_env_override_defaults() {
        let c = Config::from_layers(
            Some("[ingest]\nmax_report_bytes = 100\n[data]\ndir = \"/x\""),
            env(&[
                ("PRIORS__INGEST__MAX_REPORT_BYTES", "200"),
                ("PRIORS__EMBEDDING__ONNX_FILE", "model_int8.onnx"),
                ("UNRELATED", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(c.ingest.max_report_bytes, 200);
        assert_eq!(c.data.dir, PathBuf::from("/x"));
        assert_eq!(c.embedding.onnx_file, "model_int8.onnx");
    }

    #[test]
    fn int8_and_fp32_models_have_different_identities() {
        let fp32 = Config::default().embedding;
        assert_eq!(fp32.identity(), fp32.model_id);
        let int8 = Config::from_layers(
            None,
            env(&[("PRIORS__EMBEDDING__ONNX_FILE", "model_int8.onnx")]),
        )
        .unwrap()
        .embedding;
        assert_ne!(int8.identity(), fp32.identity());
        assert!(int8.identity().contains("model_int8.onnx"));
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        let e = Config::from_layers(Some("[ingest]\nmax_report_byte = 1"), env(&[])).unwrap_err();
        assert!(e.to_string().contains("max_report_byte"), "{e}");
        let e = Config::from_layers(None, env(&[("PRIORS__NOPE", "1")])).unwrap_err();
        assert!(e.to_string().contains("PRIORS__NOPE"), "{e}");
        let e = Config::from_layers(None, env(&[("PRIORS__INGEST__CHUNK_MAX_TOKENS", "999")]))
            .unwrap_err();
        assert!(e.to_string().contains("chunk_max_tokens"), "{e}");
        let e =
            Config::from_layers(None, env(&[("PRIORS__DENSE__BACKEND", "embedded")])).unwrap_err();
        assert!(e.to_string().contains("[store.qdrant]"), "{e}");
    }

    #[test]
    fn env_values_take_the_type_of_the_key_they_override() {
        let c = Config::from_layers(
            None,
            env(&[
                ("PRIORS__SERVER__AUTH_TOKEN", "12345"),
                ("PRIORS__LLM__TEMPERATURE", "1"),
                ("PRIORS__LLM__API_KEY", "true"),
                ("PRIORS__RETRIEVAL__SNIPPET_CHARS", " 300 "),
            ]),
        )
        .unwrap();
        assert_eq!(
            c.server.auth_token, "12345",
            "an all-digit token is a string"
        );
        assert_eq!(
            c.llm.temperature, 1.0,
            "an integer where a float is expected"
        );
        assert_eq!(c.llm.api_key, "true");
        assert_eq!(c.retrieval.snippet_chars, 300);
        let e = Config::from_layers(None, env(&[("PRIORS__INGEST__MAX_REPORT_BYTES", "lots")]))
            .unwrap_err();
        assert!(e.to_string().contains("max_report_bytes"), "{e}");
    }

    #[test]
    fn env_names_may_reach_a_nested_section() {
        let c = Config::from_layers(
            None,
            env(&[
                ("PRIORS__STORE__QDRANT__URL", "http://qdrant-1:6334"),
                ("PRIORS__STORE__QDRANT__API_KEY", "12345"),
                ("PRIORS__STORE__QDRANT__REPLICATION_FACTOR", "2"),
            ]),
        )
        .unwrap();
        assert!(c.store.qdrant.is_remote());
        assert_eq!(c.store.qdrant.url, "http://qdrant-1:6334");
        // Typed like the key it overrides: an all-digit key stays a string.
        assert_eq!(c.store.qdrant.api_key, "12345");
        assert_eq!(c.store.qdrant.replication_factor, 2);
        // The key's value never reaches a debug print.
        assert!(!format!("{:?}", c.store.qdrant).contains("12345"));
        let e =
            Config::from_layers(None, env(&[("PRIORS__STORE__QDRANT__NOPE", "1")])).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = Config::from_layers(None, env(&[("PRIORS__INGEST____X", "1")])).unwrap_err();
        assert!(e.to_string().contains("expected PRIORS__"), "{e}");
    }

    #[test]
    fn remote_store_settings_are_checked() {
        for (key, value, field) in [
            (
                "PRIORS__STORE__QDRANT__URL",
                "qdrant:6334",
                "store.qdrant.url",
            ),
            (
                "PRIORS__STORE__QDRANT__WRITE_ORDERING",
                "eventual",
                "write_ordering",
            ),
            ("PRIORS__STORE__QDRANT__QUANTIZATION", "pq", "quantization"),
            (
                "PRIORS__STORE__QDRANT__WRITE_CONSISTENCY_FACTOR",
                "2",
                "write_consistency_factor",
            ),
            ("PRIORS__STORE__QDRANT__SHARD_NUMBER", "0", "shard_number"),
            (
                "PRIORS__STORE__QDRANT__COLLECTION_PREFIX",
                "a/b",
                "collection_prefix",
            ),
        ] {
            let e = Config::from_layers(None, env(&[(key, value)])).unwrap_err();
            assert!(e.to_string().contains(field), "{key}={value}: {e}");
        }
    }
}
