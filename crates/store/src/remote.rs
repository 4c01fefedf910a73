//! The dense side on a Qdrant server or cluster, through `qdrant-client` (gRPC).
//!
//! Same payload layout, payload indexes and vector name as the embedded store ([`crate::schema`]
//! owns them); filters are compiled by the same function as the embedded store's
//! ([`crate::conditions`]), and the store suite runs the same filter cases against both. Every write waits for the server (`wait = true`) with the configured
//! write ordering, so a write that returned is applied and in the server's WAL, and
//! [`DenseStore::flush`] has nothing left to do.
//!
//! The client is async; [`DenseStore`] is not. The store owns a small runtime, and each call
//! is spawned there and waited for from the calling thread, which works from plain threads and
//! from blocking sections of an async server alike.

use crate::conditions::{compile, Conditions};
use crate::schema::{self, keys, KEYWORD_INDEXED, VECTOR_NAME};
use crate::{in_order, missing_vector, Result, StoreError};
use priors_core::config::QdrantConfig;
use priors_core::{
    ChunkHit, ChunkId, ChunkKey, DenseStore, EngineResult, SearchFilter, StoredChunk,
};
use qdrant_client::qdrant::{
    point_id::PointIdOptions, vector_output::Vector as OutVector, Condition, CountPointsBuilder,
    CreateCollectionBuilder, CreateFieldIndexCollectionBuilder, DeletePointsBuilder, Distance,
    FieldType, Filter, GetPointsBuilder, PayloadIncludeSelector, PointId, PointStruct, Query,
    QueryPointsBuilder, Range, ScalarQuantizationBuilder, ScrollPointsBuilder, SearchParamsBuilder,
    UpsertPointsBuilder, VectorParamsBuilder, VectorsConfigBuilder, VectorsSelector, WriteOrdering,
    WriteOrderingType,
};
use qdrant_client::Qdrant;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

/// Points per scroll page, retrieve call and upsert request.
const PAGE: u32 = 1024;

/// Longest wait for the server's optimizer in [`DenseStore::optimize`].
const OPTIMIZE_WAIT: Duration = Duration::from_secs(3600);

/// One point as copied between stores: id, vector, payload.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPoint {
    /// Chunk id.
    pub id: ChunkId,
    /// The stored (normalised) vector.
    pub vector: Vec<f32>,
    /// The payload, as [`schema::payload`] wrote it.
    pub payload: Map<String, Value>,
}

/// A collection on a Qdrant server holding one point per chunk.
pub struct QdrantServerStore {
    client: Qdrant,
    url: String,
    collection: String,
    ordering: WriteOrderingType,
    /// Search-time HNSW beam width; `None` = the server's default.
    hnsw_ef: Option<u64>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for QdrantServerStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QdrantServerStore")
            .field("url", &self.url)
            .field("collection", &self.collection)
            .finish()
    }
}

impl Drop for QdrantServerStore {
    fn drop(&mut self) {
        // Dropping a runtime blocks; from inside an async context that would panic.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn point_id(id: ChunkId) -> PointId {
    PointId::from(id.to_uuid_string())
}

fn chunk_id(id: &PointId) -> Result<ChunkId> {
    match &id.point_id_options {
        Some(PointIdOptions::Uuid(s)) => uuid::Uuid::parse_str(s)
            .map(|u| ChunkId(u.as_u128()))
            .map_err(|e| StoreError::Corrupt(format!("qdrant point id {s:?}: {e}"))),
        other => Err(StoreError::Corrupt(format!(
            "qdrant point with a non-uuid id {other:?}"
        ))),
    }
}

/// The chunk id of a returned point (every point has one).
fn id_of(id: Option<&PointId>) -> Result<ChunkId> {
    chunk_id(id.ok_or_else(|| StoreError::Corrupt("qdrant point without an id".into()))?)
}

/// The client's filter types.
struct Client;

impl Conditions for Client {
    type Condition = Condition;
    type Filter = Filter;

    fn any_of(key: &str, values: &[String]) -> Condition {
        Condition::matches(key, values.to_vec())
    }

    fn range(key: &str, gte: Option<f64>, lte: Option<f64>) -> Condition {
        Condition::range(
            key,
            Range {
                gte,
                lte,
                lt: None,
                gt: None,
            },
        )
    }

    fn filter(must: Vec<Condition>, must_not: Vec<Condition>) -> Filter {
        Filter {
            must,
            must_not,
            ..Default::default()
        }
    }
}

fn report_filter(report_ids: &[String]) -> Filter {
    Filter::must([Client::any_of(keys::REPORT_ID, report_ids)])
}

/// Compile a filter into the client's `Filter` ([`crate::conditions::compile`], as for the
/// embedded engine).
pub fn compile_filter(filter: &SearchFilter) -> Option<Filter> {
    compile::<Client>(filter)
}

fn payload_map(payload: HashMap<String, qdrant_client::qdrant::Value>) -> Map<String, Value> {
    payload
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect()
}

impl QdrantServerStore {
    /// A client for collection `collection` on the server `config.url`. Nothing is sent yet:
    /// a server that is down shows up at the first call, as [`StoreError::Remote`].
    pub fn connect(config: &QdrantConfig, collection: &str) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("priors-qdrant-client")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Remote {
                url: config.url.clone(),
                message: format!("cannot start the client runtime: {e}"),
            })?;
        let mut qc = qdrant_client::config::QdrantConfig::from_url(config.url.trim())
            .timeout(Duration::from_millis(config.timeout_ms))
            .connect_timeout(Duration::from_millis(config.connect_timeout_ms));
        if !config.api_key.is_empty() {
            qc = qc.api_key(config.api_key.clone());
        }
        // The version check prints to stdout; the calls themselves say what is wrong.
        qc.check_compatibility = false;
        let client = {
            let _entered = runtime.enter();
            Qdrant::new(qc).map_err(|e| StoreError::Remote {
                url: config.url.clone(),
                message: e.to_string(),
            })?
        };
        let ordering = match config.write_ordering.as_str() {
            "weak" => WriteOrderingType::Weak,
            "strong" => WriteOrderingType::Strong,
            _ => WriteOrderingType::Medium,
        };
        Ok(Self {
            client,
            url: config.url.trim().to_string(),
            collection: collection.to_string(),
            ordering,
            hnsw_ef: config.search_ef().map(|ef| ef as u64),
            runtime: Some(runtime),
        })
    }

    /// The server's address.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The remote collection's name.
    pub fn collection(&self) -> &str {
        &self.collection
    }

    /// Run one client call on the store's runtime and wait for it from this thread.
    fn call<T, F>(&self, what: &str, make: impl FnOnce(Qdrant, String) -> F) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = std::result::Result<T, qdrant_client::QdrantError>> + Send + 'static,
    {
        let rt = self
            .runtime
            .as_ref()
            .expect("runtime lives as long as the store");
        let fut = make(self.client.clone(), self.collection.clone());
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        let result = rx.recv().map_err(|_| StoreError::Remote {
            url: self.url.clone(),
            message: format!("{what}: the client runtime stopped"),
        })?;
        result.map_err(|e| StoreError::Remote {
            url: self.url.clone(),
            message: format!("{what} on collection {}: {}", self.collection, brief(&e)),
        })
    }

    fn ordering(&self) -> WriteOrdering {
        WriteOrdering {
            r#type: self.ordering as i32,
        }
    }

    /// Whether the collection exists on the server.
    pub fn exists(&self) -> Result<bool> {
        self.call("collection_exists", |c, name| async move {
            c.collection_exists(name).await
        })
    }

    /// Create the collection (cosine distance, `dim` dimensions, the configured shards,
    /// replicas, on-disk vectors and quantization) and its payload indexes.
    pub fn create(&self, dim: usize, config: &QdrantConfig) -> Result<()> {
        let mut vectors = VectorsConfigBuilder::default();
        vectors.add_named_vector_params(
            VECTOR_NAME,
            VectorParamsBuilder::new(dim as u64, Distance::Cosine).on_disk(config.on_disk),
        );
        let mut create = CreateCollectionBuilder::new(self.collection.clone())
            .vectors_config(vectors)
            .shard_number(config.shard_number)
            .replication_factor(config.replication_factor)
            .write_consistency_factor(config.write_consistency_factor);
        if config.quantization == "int8" {
            create = create.quantization_config(
                ScalarQuantizationBuilder::default()
                    .r#type(qdrant_client::qdrant::QuantizationType::Int8 as i32)
                    .always_ram(true),
            );
        }
        self.call("create_collection", |c, _| async move {
            c.create_collection(create).await
        })?;
        let indexes = KEYWORD_INDEXED
            .iter()
            .map(|f| (*f, FieldType::Keyword))
            .chain([(keys::EXAM_DAY, FieldType::Integer)]);
        for (field, kind) in indexes {
            self.call("create_field_index", |c, name| async move {
                c.create_field_index(
                    CreateFieldIndexCollectionBuilder::new(name, field, kind).wait(true),
                )
                .await
            })?;
        }
        Ok(())
    }

    /// The server's version (its health check).
    pub fn server_version(&self) -> Result<String> {
        let reply = self.call("health_check", |c, _| async move { c.health_check().await })?;
        Ok(reply.version)
    }

    /// Remove the collection from the server (tests and failed migrations).
    pub fn drop_collection(&self) -> Result<()> {
        self.call("delete_collection", |c, name| async move {
            c.delete_collection(name).await
        })?;
        Ok(())
    }

    /// Write points as they are (migration: vectors and payloads copied, not recomputed), in
    /// requests of at most [`PAGE`] points, each waited for.
    pub fn upsert_raw(&self, points: Vec<RawPoint>) -> Result<()> {
        let mut points: Vec<PointStruct> = points
            .into_iter()
            .map(|p| {
                PointStruct::new(
                    point_id(p.id),
                    HashMap::from([(VECTOR_NAME.to_string(), p.vector)]),
                    qdrant_client::Payload::from(p.payload),
                )
            })
            .collect();
        while !points.is_empty() {
            let rest = points.split_off(points.len().min(PAGE as usize));
            let batch = std::mem::replace(&mut points, rest);
            let ordering = self.ordering();
            self.call("upsert", |c, name| async move {
                c.upsert_points(
                    UpsertPointsBuilder::new(name, batch)
                        .wait(true)
                        .ordering(ordering),
                )
                .await
            })?;
        }
        Ok(())
    }

    fn keys(&self, report_ids: Option<&[String]>) -> Result<Vec<ChunkKey>> {
        let mut out = Vec::new();
        let mut offset: Option<PointId> = None;
        let filter = report_ids.map(report_filter);
        loop {
            let mut req = ScrollPointsBuilder::new(self.collection.clone())
                .limit(PAGE)
                .with_payload(PayloadIncludeSelector {
                    fields: vec![
                        keys::REPORT_ID.to_string(),
                        keys::CONTENT_HASH.to_string(),
                        keys::CHUNK_COUNT.to_string(),
                    ],
                })
                .with_vectors(false);
            if let Some(f) = &filter {
                req = req.filter(f.clone());
            }
            if let Some(o) = offset.take() {
                req = req.offset(o);
            }
            let page = self.call("scroll", |c, _| async move { c.scroll(req).await })?;
            for p in page.result {
                let id = id_of(p.id.as_ref())?;
                out.push(schema::key_from_payload(id, &payload_map(p.payload))?);
            }
            match page.next_page_offset {
                Some(n) => offset = Some(n),
                None => break,
            }
        }
        out.sort();
        Ok(out)
    }

    /// The points with these ids (vectors and payloads), in no particular order.
    pub fn raw_points(&self, ids: &[ChunkId]) -> Result<Vec<RawPoint>> {
        let mut out = Vec::with_capacity(ids.len());
        for page in ids.chunks(PAGE as usize) {
            let req = GetPointsBuilder::new(
                self.collection.clone(),
                page.iter().map(|id| point_id(*id)).collect::<Vec<_>>(),
            )
            .with_payload(true)
            .with_vectors(VectorsSelector {
                names: vec![VECTOR_NAME.to_string()],
            });
            let got = self.call("get_points", |c, _| async move { c.get_points(req).await })?;
            for p in got.result {
                let id = id_of(p.id.as_ref())?;
                let vector = match p.vectors.and_then(|v| v.get_vector_by_name(VECTOR_NAME)) {
                    Some(OutVector::Dense(d)) => d.data,
                    _ => return Err(missing_vector(id)),
                };
                out.push(RawPoint {
                    id,
                    vector,
                    payload: payload_map(p.payload),
                });
            }
        }
        Ok(out)
    }
}

/// The useful part of a client error: for a gRPC status, its code and message.
fn brief(e: &qdrant_client::QdrantError) -> String {
    match e {
        qdrant_client::QdrantError::ResponseError { status } => {
            format!("{:?}: {}", status.code(), status.message())
        }
        other => other.to_string(),
    }
}

impl DenseStore for QdrantServerStore {
    fn upsert(&self, chunks: &[StoredChunk], vectors: &[Vec<f32>]) -> EngineResult<()> {
        if chunks.len() != vectors.len() {
            return Err(format!("{} chunks but {} vectors", chunks.len(), vectors.len()).into());
        }
        let points = chunks
            .iter()
            .zip(vectors)
            .map(|(c, v)| RawPoint {
                id: c.id,
                vector: v.clone(),
                payload: schema::payload(c),
            })
            .collect();
        Ok(self.upsert_raw(points)?)
    }

    fn delete_reports(&self, report_ids: &[String]) -> EngineResult<()> {
        if report_ids.is_empty() {
            return Ok(());
        }
        let filter = report_filter(report_ids);
        let ordering = self.ordering();
        self.call("delete", |c, name| async move {
            c.delete_points(
                DeletePointsBuilder::new(name)
                    .points(filter)
                    .wait(true)
                    .ordering(ordering),
            )
            .await
        })?;
        Ok(())
    }

    fn flush(&self) -> EngineResult<()> {
        // Every write waited for the server: nothing is pending on this side.
        Ok(())
    }

    fn optimize(&self) -> EngineResult<bool> {
        // The server's optimizer builds its indexes on its own, in the background: wait until
        // it is done (status green), so that what follows meets indexed segments, as after the
        // embedded build. Grey (optimisation pending until the next write) is done enough.
        use qdrant_client::qdrant::CollectionStatus;
        let started = std::time::Instant::now();
        let mut waited = false;
        loop {
            let info = self.call("collection_info", |c, name| async move {
                c.collection_info(name).await
            })?;
            let status = info
                .result
                .map_or(CollectionStatus::UnknownCollectionStatus as i32, |r| {
                    r.status
                });
            match CollectionStatus::try_from(status) {
                Ok(CollectionStatus::Yellow) if started.elapsed() < OPTIMIZE_WAIT => {
                    waited = true;
                    std::thread::sleep(Duration::from_millis(250));
                }
                Ok(CollectionStatus::Red) => {
                    return Err(StoreError::Remote {
                        url: self.url.clone(),
                        message: format!(
                            "collection {} is red (an optimisation failed on the server: see \
                             its log)",
                            self.collection
                        ),
                    }
                    .into())
                }
                Ok(CollectionStatus::Yellow) => {
                    tracing::warn!(
                        collection = %self.collection,
                        "the server is still optimising after {OPTIMIZE_WAIT:?}; going on"
                    );
                    return Ok(waited);
                }
                _ => return Ok(waited),
            }
        }
    }

    fn chunk_keys(&self, report_ids: Option<&[String]>) -> EngineResult<Vec<ChunkKey>> {
        Ok(self.keys(report_ids)?)
    }

    fn count(&self) -> EngineResult<usize> {
        let n = self.call("count", |c, name| async move {
            c.count(CountPointsBuilder::new(name).exact(true)).await
        })?;
        Ok(n.result.map_or(0, |r| r.count as usize))
    }

    fn vectors(&self, ids: &[ChunkId]) -> EngineResult<Vec<(ChunkId, Vec<f32>)>> {
        let found = self
            .raw_points(ids)?
            .into_iter()
            .map(|p| (p.id, p.vector))
            .collect();
        Ok(in_order(ids, found))
    }

    fn search(
        &self,
        vector: &[f32],
        k: usize,
        filter: &SearchFilter,
    ) -> EngineResult<Vec<ChunkHit>> {
        if k == 0 {
            return Ok(Vec::new());
        }
        let mut req = QueryPointsBuilder::new(self.collection.clone())
            .query(Query::new_nearest(vector.to_vec()))
            .using(VECTOR_NAME)
            .limit(k as u64)
            .with_payload(PayloadIncludeSelector {
                fields: vec![keys::REPORT_ID.to_string()],
            })
            .with_vectors(false);
        if let Some(f) = compile_filter(filter) {
            req = req.filter(f);
        }
        if let Some(ef) = self.hnsw_ef {
            req = req.params(SearchParamsBuilder::default().hnsw_ef(ef));
        }
        let found = self.call("query", |c, _| async move { c.query(req).await })?;
        let mut out = Vec::with_capacity(found.result.len());
        for p in found.result {
            let id = id_of(p.id.as_ref())?;
            let report_id = p
                .payload
                .get(keys::REPORT_ID)
                .and_then(|v| v.as_str())
                .ok_or_else(|| StoreError::Corrupt("qdrant payload without report_id".into()))?
                .to_string();
            out.push(ChunkHit {
                id,
                report_id,
                score: p.score,
            });
        }
        Ok(out)
    }
}
