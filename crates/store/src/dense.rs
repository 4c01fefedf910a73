//! The dense side, embedded: a Qdrant shard in-process through `qdrant-edge`.
//!
//! Writes go to Qdrant's write-ahead log first, so a process killed after `update` returned
//! replays them on the next open; [`priors_core::DenseStore::flush`] makes them durable in the
//! segments.

use crate::conditions::{compile, Conditions};
use crate::remote::RawPoint;
use crate::schema::{self, keys, KEYWORD_INDEXED, VECTOR_NAME};
use crate::{in_order, io_err, missing_vector, Result, StoreError};
use priors_core::{
    ChunkHit, ChunkId, ChunkKey, DenseStore, EngineResult, SearchFilter, StoredChunk,
};
use qdrant_edge::external::ordered_float::OrderedFloat;
use qdrant_edge::external::uuid::Uuid;
use qdrant_edge::{
    Condition, CountRequestBuilder, CreateIndex, Distance, EdgeConfigBuilder, EdgeShard,
    EdgeVectorParamsBuilder, FieldCondition, FieldIndexOperations, Filter, Match, NamedQuery,
    Payload, PayloadFieldSchema, PayloadSchemaType, PointId, PointInsertOperations,
    PointOperations, PointStructPersisted, QueryEnum, QueryRequestBuilder, Range,
    RetrieveRequestBuilder, ScoringQuery, ScrollRequestBuilder, SearchParams, UpdateOperation,
    VectorInternal, VectorStructInternal, VectorStructPersisted, WithPayloadInterface, WithVector,
};
use std::collections::HashMap;
use std::path::Path;

/// Points fetched per scroll page when listing keys.
const SCROLL_PAGE: usize = 1024;

/// Qdrant in-process (`qdrant-edge`) holding one point per chunk.
pub struct EdgeDenseStore {
    shard: EdgeShard,
    /// Search-time HNSW beam width; `None` = the engine's default (its `ef_construct`).
    hnsw_ef: Option<usize>,
}

impl std::fmt::Debug for EdgeDenseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeDenseStore")
            .field("path", &self.shard.path())
            .finish()
    }
}

fn point_id(id: ChunkId) -> PointId {
    PointId::Uuid(Uuid::from_u128(id.0))
}

fn chunk_id(id: &PointId) -> Result<ChunkId> {
    match id {
        PointId::Uuid(u) => Ok(ChunkId(u.as_u128())),
        PointId::NumId(n) => Err(StoreError::Corrupt(format!(
            "qdrant point with numeric id {n}"
        ))),
    }
}

/// The embedded engine's filter types.
struct Edge;

impl Conditions for Edge {
    type Condition = Condition;
    type Filter = Filter;

    fn any_of(key: &str, values: &[String]) -> Condition {
        Condition::Field(FieldCondition::new_match(
            key.try_into().expect("valid json path"),
            Match::from(values.to_vec()),
        ))
    }

    fn range(key: &str, gte: Option<f64>, lte: Option<f64>) -> Condition {
        Condition::Field(FieldCondition::new_range(
            key.try_into().expect("valid json path"),
            Range {
                gte: gte.map(OrderedFloat),
                lte: lte.map(OrderedFloat),
                lt: None,
                gt: None,
            },
        ))
    }

    fn filter(must: Vec<Condition>, must_not: Vec<Condition>) -> Filter {
        Filter {
            should: None,
            min_should: None,
            must: (!must.is_empty()).then_some(must),
            must_not: (!must_not.is_empty()).then_some(must_not),
        }
    }
}

/// The dense vector of a stored point, or [`missing_vector`].
fn dense_vector(id: ChunkId, vector: Option<VectorStructInternal>) -> Result<Vec<f32>> {
    match vector {
        Some(VectorStructInternal::Named(mut named)) => match named.remove(VECTOR_NAME) {
            Some(VectorInternal::Dense(v)) => Ok(v),
            _ => Err(missing_vector(id)),
        },
        _ => Err(missing_vector(id)),
    }
}

fn report_filter(report_ids: &[String]) -> Filter {
    Filter::new_must(Edge::any_of(keys::REPORT_ID, report_ids))
}

/// Compile a filter into the embedded engine's `Filter` ([`crate::conditions::compile`]).
pub fn compile_filter(filter: &SearchFilter) -> Option<Filter> {
    compile::<Edge>(filter)
}

impl EdgeDenseStore {
    /// Search with an HNSW beam of `ef` candidates (`None`: the engine's default). Wider is
    /// closer to exact and slower; see `[store.qdrant] hnsw_ef`.
    pub fn with_hnsw_ef(mut self, ef: Option<usize>) -> Self {
        self.hnsw_ef = ef;
        self
    }

    /// Open the shard in `dir`, creating it (cosine distance, `dim` dimensions, keyword indexes
    /// on the filterable payload fields) if the directory holds none.
    pub fn open(dir: &Path, dim: usize) -> Result<Self> {
        let config = EdgeConfigBuilder::new()
            .vector(
                VECTOR_NAME,
                EdgeVectorParamsBuilder::new(dim, Distance::Cosine).build(),
            )
            .build();
        let exists = dir.join("edge_config.json").is_file();
        let shard = if exists {
            EdgeShard::load(dir, Some(config))?
        } else {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
            let shard = EdgeShard::new(dir, config)?;
            let indexes = KEYWORD_INDEXED
                .iter()
                .map(|f| (*f, PayloadSchemaType::Keyword))
                .chain([(keys::EXAM_DAY, PayloadSchemaType::Integer)]);
            for (field, kind) in indexes {
                shard.update(UpdateOperation::FieldIndexOperation(
                    FieldIndexOperations::CreateIndex(CreateIndex {
                        field_name: field.try_into().expect("valid json path"),
                        field_schema: Some(PayloadFieldSchema::FieldType(kind)),
                    }),
                ))?;
            }
            shard.flush()?;
            shard
        };
        Ok(Self {
            shard,
            hnsw_ef: None,
        })
    }

    fn keys(&self, report_ids: Option<&[String]>) -> Result<Vec<ChunkKey>> {
        let mut out = Vec::new();
        let mut offset: Option<PointId> = None;
        let fields = vec![
            keys::REPORT_ID.try_into().expect("valid json path"),
            keys::CONTENT_HASH.try_into().expect("valid json path"),
            keys::CHUNK_COUNT.try_into().expect("valid json path"),
        ];
        loop {
            let mut req = ScrollRequestBuilder::new()
                .limit(SCROLL_PAGE)
                .with_payload(WithPayloadInterface::Fields(fields.clone()))
                .with_vector(WithVector::Bool(false));
            if let Some(ids) = report_ids {
                req = req.filter(report_filter(ids));
            }
            if let Some(o) = offset {
                req = req.offset(o);
            }
            let (records, next) = self.shard.scroll(req.build())?;
            for r in records {
                let payload = r.payload.unwrap_or_default();
                out.push(schema::key_from_payload(chunk_id(&r.id)?, &payload.0)?);
            }
            match next {
                Some(n) => offset = Some(n),
                None => break,
            }
        }
        out.sort();
        Ok(out)
    }

    /// One page of points in id order, from `offset` (inclusive) on, with their vectors and
    /// payloads, and where the next page starts (`None` after the last). For copying a
    /// collection elsewhere ([`crate::migrate`]).
    pub fn raw_page(
        &self,
        offset: Option<ChunkId>,
        limit: usize,
    ) -> Result<(Vec<RawPoint>, Option<ChunkId>)> {
        let mut req = ScrollRequestBuilder::new()
            .limit(limit)
            .with_payload(WithPayloadInterface::Bool(true))
            .with_vector(WithVector::Selector(vec![VECTOR_NAME.to_string()]));
        if let Some(o) = offset {
            req = req.offset(point_id(o));
        }
        let (records, next) = self.shard.scroll(req.build())?;
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            let id = chunk_id(&r.id)?;
            let vector = dense_vector(id, r.vector)?;
            out.push(RawPoint {
                id,
                vector,
                payload: r.payload.unwrap_or_default().0,
            });
        }
        let next = next.as_ref().map(chunk_id).transpose()?;
        Ok((out, next))
    }

    fn points(chunks: &[StoredChunk], vectors: &[Vec<f32>]) -> Vec<PointStructPersisted> {
        chunks
            .iter()
            .zip(vectors)
            .map(|(c, v)| PointStructPersisted {
                id: point_id(c.id),
                vector: VectorStructPersisted::from(VectorStructInternal::Named(HashMap::from([
                    (VECTOR_NAME.to_string(), VectorInternal::Dense(v.clone())),
                ]))),
                payload: Some(Payload(schema::payload(c))),
            })
            .collect()
    }
}

impl DenseStore for EdgeDenseStore {
    fn upsert(&self, chunks: &[StoredChunk], vectors: &[Vec<f32>]) -> EngineResult<()> {
        if chunks.len() != vectors.len() {
            return Err(format!("{} chunks but {} vectors", chunks.len(), vectors.len()).into());
        }
        if chunks.is_empty() {
            return Ok(());
        }
        self.shard
            .update(UpdateOperation::PointOperation(
                PointOperations::UpsertPoints(PointInsertOperations::PointsList(Self::points(
                    chunks, vectors,
                ))),
            ))
            .map_err(StoreError::from)?;
        Ok(())
    }

    fn delete_reports(&self, report_ids: &[String]) -> EngineResult<()> {
        if report_ids.is_empty() {
            return Ok(());
        }
        self.shard
            .update(UpdateOperation::PointOperation(
                PointOperations::DeletePointsByFilter(report_filter(report_ids)),
            ))
            .map_err(StoreError::from)?;
        Ok(())
    }

    fn flush(&self) -> EngineResult<()> {
        self.shard.flush().map_err(StoreError::from)?;
        Ok(())
    }

    fn optimize(&self) -> EngineResult<bool> {
        // qdrant-edge runs no background optimizer: without this call every segment stays a
        // plain (brute-force) one. Segments above the indexing threshold get an HNSW index.
        Ok(self.shard.optimize().map_err(StoreError::from)?)
    }

    fn chunk_keys(&self, report_ids: Option<&[String]>) -> EngineResult<Vec<ChunkKey>> {
        Ok(self.keys(report_ids)?)
    }

    fn count(&self) -> EngineResult<usize> {
        let n = self
            .shard
            .count(CountRequestBuilder::new().exact(true).build())
            .map_err(StoreError::from)?;
        Ok(n)
    }

    fn vectors(&self, ids: &[ChunkId]) -> EngineResult<Vec<(ChunkId, Vec<f32>)>> {
        let mut found: HashMap<ChunkId, Vec<f32>> = HashMap::with_capacity(ids.len());
        for page in ids.chunks(SCROLL_PAGE) {
            let req = RetrieveRequestBuilder::new(page.iter().map(|id| point_id(*id)).collect())
                .with_payload(WithPayloadInterface::Bool(false))
                .with_vector(WithVector::Selector(vec![VECTOR_NAME.to_string()]))
                .build();
            for r in self.shard.retrieve(req).map_err(StoreError::from)? {
                let id = chunk_id(&r.id)?;
                found.insert(id, dense_vector(id, r.vector)?);
            }
        }
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
        let mut req = QueryRequestBuilder::new(k);
        if let Some(f) = compile_filter(filter) {
            req = req.filter(f);
        }
        if let Some(ef) = self.hnsw_ef {
            req = req.params(SearchParams {
                hnsw_ef: Some(ef),
                ..SearchParams::default()
            });
        }
        let req = req
            .query(ScoringQuery::Vector(QueryEnum::Nearest(NamedQuery {
                query: VectorInternal::Dense(vector.to_vec()),
                using: Some(VECTOR_NAME.to_string()),
            })))
            .with_payload(WithPayloadInterface::Fields(vec![keys::REPORT_ID
                .try_into()
                .expect("valid json path")]))
            .with_vector(WithVector::Bool(false))
            .build();
        let points = self.shard.query(req).map_err(StoreError::from)?;
        let mut out = Vec::with_capacity(points.len());
        for p in points {
            let payload = p.payload.unwrap_or_default();
            let report_id = payload
                .0
                .get(keys::REPORT_ID)
                .and_then(|v| v.as_str())
                .ok_or_else(|| StoreError::Corrupt("qdrant payload without report_id".into()))?
                .to_string();
            out.push(ChunkHit {
                id: chunk_id(&p.id)?,
                report_id,
                score: p.score,
            });
        }
        Ok(out)
    }
}
