//! Both engines behind one writer, and the protocol that keeps them in agreement.
//!
//! # Commit protocol
//!
//! A report is the unit of agreement. Every chunk carries its report's `content_hash` and
//! `chunk_count`, and chunk ids are derived from `(report_id, chunk_index)`, so writing the same
//! chunk twice replaces it instead of duplicating it. One batch of reports is written as:
//!
//! 1. **Intent**: the ids of every report the batch touches are written to `journal` and
//!    fsync'ed. Nothing touches an engine before that.
//! 2. **Qdrant**: delete the reports' points, upsert the new points, flush (WAL + segments).
//! 3. **Tantivy**: delete the reports' documents, add the new ones, commit (atomic).
//! 4. **Done**: the journal is truncated.
//!
//! On open, a non-empty journal means the previous process died between 1 and 4. For each
//! report named there, the two engines' chunk sets are compared (ids, hash, count): a report
//! that both hold completely and identically is kept (the crash came after both had it), any
//! other state (half-written, old version on one side and new on the other, partially deleted)
//! is removed from both. Both engines are then flushed/committed and the journal cleared. The
//! removed reports are no longer known, so the next ingest of the same input writes them as new:
//! re-running the interrupted command converges to exactly the intended state, with no
//! duplicates, whatever the point of the crash.
//!
//! A torn journal line (crash while writing the intent) is ignored: no engine write had begun.
//! An exclusive lock on `LOCK` keeps a second process from writing the same directory.

use crate::dense::EdgeDenseStore;
use crate::lexical::TantivyIndex;
use crate::remote::QdrantServerStore;
use crate::schema::{DenseBackend, Manifest, SCHEMA_VERSION};
use crate::{io_err, Result, StoreError};
use priors_core::config::QdrantConfig;
use priors_core::{ChunkKey, DenseStore, LexicalIndex, StoredChunk};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One report to (re)write: all of its chunks and their vectors, in the same order.
#[derive(Debug, Clone)]
pub struct ReportWrite {
    /// Report id.
    pub report_id: String,
    /// Every chunk of the new version.
    pub chunks: Vec<StoredChunk>,
    /// One vector per chunk.
    pub vectors: Vec<Vec<f32>>,
}

/// Counts for `priors stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Distinct reports.
    pub reports: usize,
    /// Chunks the stored reports should have (sum of their chunk counts).
    pub chunks: usize,
    /// Points in Qdrant.
    pub qdrant_points: usize,
    /// Documents in Tantivy.
    pub tantivy_docs: usize,
}

/// Result of comparing the two engines chunk by chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Consistency {
    /// Chunks in Qdrant but not in Tantivy.
    pub only_in_qdrant: usize,
    /// Chunks in Tantivy but not in Qdrant.
    pub only_in_tantivy: usize,
    /// Chunks whose report, hash or count differ between the engines.
    pub mismatched: usize,
    /// Chunk ids stored more than once in one engine.
    pub duplicates: usize,
    /// Reports holding a number of chunks different from their chunk count.
    pub incomplete_reports: usize,
}

impl Consistency {
    /// True when the engines agree exactly and every report is whole.
    pub fn is_consistent(&self) -> bool {
        *self == Consistency::default()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Intent {
    reports: Vec<String>,
}

/// The dense engine of one collection.
enum Dense {
    Embedded(EdgeDenseStore),
    Remote(QdrantServerStore),
}

impl Dense {
    fn get(&self) -> &dyn DenseStore {
        match self {
            Dense::Embedded(d) => d,
            Dense::Remote(d) => d,
        }
    }
}

/// Both engines of one data directory.
pub struct Stores {
    dir: PathBuf,
    dense: Dense,
    backend: DenseBackend,
    lexical: TantivyIndex,
    journal: PathBuf,
    write: Mutex<()>,
    /// A write of this process failed after its intent was recorded: the next write first
    /// reconciles the reports of that intent (as opening does), so that a long-running process
    /// never writes over — and forgets — a half-written group.
    pending: std::sync::atomic::AtomicBool,
    recovered: Vec<String>,
    _lock: File,
}

impl std::fmt::Debug for Stores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stores").field("dir", &self.dir).finish()
    }
}

fn engine(engine: &'static str) -> impl FnOnce(priors_core::EngineError) -> StoreError {
    move |source| StoreError::Engine { engine, source }
}

impl Stores {
    /// Open (or create) the stores in `dir` for vectors of `model_id` with `dim` dimensions,
    /// the dense side embedded, recovering from an interrupted write if the journal says
    /// there was one.
    pub fn open(dir: &Path, model_id: &str, dim: usize) -> Result<Self> {
        Self::open_embedded(dir, model_id, dim, None)
    }

    fn open_embedded(
        dir: &Path,
        model_id: &str,
        dim: usize,
        hnsw_ef: Option<usize>,
    ) -> Result<Self> {
        let lock = lock_dir(dir)?;
        Manifest::ensure(
            dir,
            &Manifest {
                schema_version: SCHEMA_VERSION,
                model_id: model_id.to_string(),
                dim,
                dense: DenseBackend::Embedded,
            },
        )?;
        let dense =
            Dense::Embedded(EdgeDenseStore::open(&dir.join("qdrant"), dim)?.with_hnsw_ef(hnsw_ef));
        Self::assemble(dir, dense, DenseBackend::Embedded, lock)
    }

    /// Open (or create) the stores of collection `name` in `dir`, the dense side where
    /// `qdrant` says: embedded when its `url` is empty, else collection
    /// `<collection_prefix><name>` on that server (created with the configured shards and
    /// replicas when the data directory is new). The manifest records the choice; opening
    /// with the other one is [`StoreError::Backend`].
    pub fn open_with(
        dir: &Path,
        model_id: &str,
        dim: usize,
        qdrant: &QdrantConfig,
        name: &str,
    ) -> Result<Self> {
        if !qdrant.is_remote() {
            return Self::open_embedded(dir, model_id, dim, qdrant.search_ef());
        }
        let lock = lock_dir(dir)?;
        let remote = QdrantServerStore::connect(qdrant, &qdrant.collection_name(name))?;
        let expected = Manifest {
            schema_version: SCHEMA_VERSION,
            model_id: model_id.to_string(),
            dim,
            dense: DenseBackend::Qdrant {
                url: remote.url().to_string(),
                collection: remote.collection().to_string(),
            },
        };
        let known = Manifest::read(dir)?.is_some();
        if known {
            Manifest::ensure(dir, &expected)?;
        }
        let exists = remote.exists()?;
        match (known, exists) {
            (true, true) => {}
            (true, false) => {
                return Err(StoreError::Remote {
                    url: remote.url().to_string(),
                    message: format!(
                        "collection {:?}, which {} records as holding its vectors, does not \
                         exist on this server (deleted, or another cluster): restore it, or \
                         ingest again into a new data directory",
                        remote.collection(),
                        dir.display()
                    ),
                });
            }
            (false, true) => {
                let points = remote.count().map_err(engine("qdrant"))?;
                if points > 0 {
                    return Err(StoreError::Remote {
                        url: remote.url().to_string(),
                        message: format!(
                            "collection {:?} already holds {points} points that the new data \
                             directory {} knows nothing of (another deployment?): choose \
                             another store.qdrant.collection_prefix",
                            remote.collection(),
                            dir.display()
                        ),
                    });
                }
                Manifest::write(dir, &expected)?;
            }
            (false, false) => {
                remote.create(dim, qdrant)?;
                Manifest::write(dir, &expected)?;
            }
        }
        Self::assemble(dir, Dense::Remote(remote), expected.dense, lock)
    }

    fn assemble(dir: &Path, dense: Dense, backend: DenseBackend, lock: File) -> Result<Self> {
        let lexical = TantivyIndex::open(&dir.join("tantivy"))?;
        let mut stores = Self {
            dir: dir.to_path_buf(),
            dense,
            backend,
            lexical,
            journal: dir.join("journal"),
            write: Mutex::new(()),
            pending: std::sync::atomic::AtomicBool::new(false),
            recovered: Vec::new(),
            _lock: lock,
        };
        stores.recover()?;
        Ok(stores)
    }

    /// Where this collection's dense vectors live.
    pub fn dense_backend(&self) -> &DenseBackend {
        &self.backend
    }

    /// The embedded dense store, when this collection's vectors are in the data directory.
    pub fn embedded(&self) -> Option<&EdgeDenseStore> {
        match &self.dense {
            Dense::Embedded(d) => Some(d),
            Dense::Remote(_) => None,
        }
    }

    /// Reports removed from both engines by crash recovery when this handle was opened (they
    /// were mid-write; re-ingest them).
    pub fn recovered(&self) -> &[String] {
        &self.recovered
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The BM25 index.
    pub fn lexical(&self) -> &TantivyIndex {
        &self.lexical
    }

    /// The dense store.
    pub fn dense(&self) -> &dyn DenseStore {
        self.dense.get()
    }

    fn read_intent(&self) -> Result<Vec<String>> {
        let bytes = match std::fs::read(&self.journal) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&self.journal)(e)),
        };
        let mut ids = BTreeSet::new();
        for line in bytes.split(|b| *b == b'\n') {
            // A line that does not parse was torn by a crash before any engine was touched.
            if let Ok(intent) = serde_json::from_slice::<Intent>(line) {
                ids.extend(intent.reports);
            }
        }
        Ok(ids.into_iter().collect())
    }

    fn write_intent(&self, ids: &[String]) -> Result<()> {
        let mut line = serde_json::to_vec(&Intent {
            reports: ids.to_vec(),
        })
        .expect("intent serialises");
        line.push(b'\n');
        let mut f = File::create(&self.journal).map_err(io_err(&self.journal))?;
        f.write_all(&line).map_err(io_err(&self.journal))?;
        f.sync_all().map_err(io_err(&self.journal))
    }

    fn clear_intent(&self) -> Result<()> {
        let f = File::create(&self.journal).map_err(io_err(&self.journal))?;
        f.sync_all().map_err(io_err(&self.journal))
    }

    fn recover(&mut self) -> Result<()> {
        self.recovered = self.reconcile()?;
        Ok(())
    }

    /// The reports named by the journal's intent that the engines do not hold whole and
    /// identically are removed from both; then both are flushed/committed and the journal
    /// cleared. Returns the removed ids.
    fn reconcile(&self) -> Result<Vec<String>> {
        let ids = self.read_intent()?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let dense = group(
            self.dense
                .get()
                .chunk_keys(Some(&ids))
                .map_err(engine("qdrant"))?,
        );
        let lexical = group(
            self.lexical
                .chunk_keys(Some(&ids))
                .map_err(engine("tantivy"))?,
        );
        let mut broken = Vec::new();
        for id in &ids {
            let d = dense.get(id);
            let l = lexical.get(id);
            let keep = match (d, l) {
                (Some(d), Some(l)) => d == l && is_whole(d),
                (None, None) => false, // nothing to remove
                _ => false,
            };
            if !keep && (d.is_some() || l.is_some()) {
                broken.push(id.clone());
            }
        }
        if !broken.is_empty() {
            tracing::warn!(
                reports = broken.len(),
                "removing reports left half-written by an interrupted ingest"
            );
            self.dense
                .get()
                .delete_reports(&broken)
                .map_err(engine("qdrant"))?;
            self.lexical
                .delete_reports(&broken)
                .map_err(engine("tantivy"))?;
        }
        self.dense.get().flush().map_err(engine("qdrant"))?;
        self.lexical.commit().map_err(engine("tantivy"))?;
        self.clear_intent()?;
        Ok(broken)
    }

    /// Content hash of each of the given reports that the stores hold.
    pub fn content_hashes(&self, report_ids: &[String]) -> Result<HashMap<String, String>> {
        Ok(self
            .lexical
            .content_hashes(report_ids)?
            .into_iter()
            .collect())
    }

    /// Write a batch: replace every report in `upserts` (all chunks) and remove every report in
    /// `deletes`, following the commit protocol.
    pub fn apply(&self, upserts: &[ReportWrite], deletes: &[String]) -> Result<()> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut ids: Vec<String> = upserts.iter().map(|w| w.report_id.clone()).collect();
        ids.extend(deletes.iter().cloned());
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Ok(());
        }
        let chunks: Vec<StoredChunk> = upserts.iter().flat_map(|w| w.chunks.clone()).collect();
        let vectors: Vec<Vec<f32>> = upserts.iter().flat_map(|w| w.vectors.clone()).collect();
        if chunks.len() != vectors.len() {
            return Err(StoreError::Corrupt(format!(
                "batch has {} chunks but {} vectors",
                chunks.len(),
                vectors.len()
            )));
        }
        use std::sync::atomic::Ordering;
        if self.pending.load(Ordering::Acquire) {
            let removed = self.reconcile()?;
            if !removed.is_empty() {
                tracing::warn!(
                    reports = removed.len(),
                    "removed reports left half-written by an earlier failed write"
                );
            }
            self.pending.store(false, Ordering::Release);
        }
        self.write_intent(&ids)?;
        let written = (|| {
            self.dense
                .get()
                .delete_reports(&ids)
                .map_err(engine("qdrant"))?;
            self.dense
                .get()
                .upsert(&chunks, &vectors)
                .map_err(engine("qdrant"))?;
            self.dense.get().flush().map_err(engine("qdrant"))?;
            self.lexical
                .delete_reports(&ids)
                .map_err(engine("tantivy"))?;
            self.lexical.add(&chunks).map_err(engine("tantivy"))?;
            self.lexical.commit().map_err(engine("tantivy"))?;
            self.clear_intent()
        })();
        if written.is_err() {
            self.pending.store(true, Ordering::Release);
        }
        written
    }

    /// Bring the dense engine's search index up to date (see [`DenseStore::optimize`]); run
    /// after a batch of writes. Writes wait meanwhile; searches do not. Returns whether
    /// anything was done.
    pub fn optimize(&self) -> Result<bool> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        self.dense.get().optimize().map_err(engine("qdrant"))
    }

    /// Remove reports from both engines; returns the ids that existed.
    pub fn delete(&self, report_ids: &[String]) -> Result<Vec<String>> {
        let present: BTreeSet<String> = self
            .lexical
            .chunk_keys(Some(report_ids))
            .map_err(engine("tantivy"))?
            .into_iter()
            .chain(
                self.dense
                    .get()
                    .chunk_keys(Some(report_ids))
                    .map_err(engine("qdrant"))?,
            )
            .map(|k| k.report_id)
            .collect();
        let present: Vec<String> = present.into_iter().collect();
        self.apply(&[], &present)?;
        Ok(present)
    }

    /// Counts of both engines, between two writes (a write in progress is waited for, so a
    /// server ingesting while it answers never reports a half-applied group).
    pub fn stats(&self) -> Result<Stats> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let keys = self.lexical.chunk_keys(None).map_err(engine("tantivy"))?;
        let reports = group(keys);
        Ok(Stats {
            reports: reports.len(),
            chunks: reports
                .values()
                .map(|ks| ks.first().map_or(0, |k| k.chunk_count as usize))
                .sum(),
            qdrant_points: self.dense.get().count().map_err(engine("qdrant"))?,
            tantivy_docs: self.lexical.num_docs(),
        })
    }

    /// Compare the two engines chunk by chunk, between two writes.
    pub fn consistency(&self) -> Result<Consistency> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let d = self
            .dense
            .get()
            .chunk_keys(None)
            .map_err(engine("qdrant"))?;
        let l = self.lexical.chunk_keys(None).map_err(engine("tantivy"))?;
        Ok(compare(&d, &l))
    }
}

/// Take the data directory's `LOCK` (one writing process per directory).
fn lock_dir(dir: &Path) -> Result<File> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let lock_path = dir.join("LOCK");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    lock.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => StoreError::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::other("data directory is in use by another priors process"),
        },
        std::fs::TryLockError::Error(e) => io_err(&lock_path)(e),
    })?;
    Ok(lock)
}

fn group(keys: Vec<ChunkKey>) -> BTreeMap<String, Vec<ChunkKey>> {
    let mut out: BTreeMap<String, Vec<ChunkKey>> = BTreeMap::new();
    for k in keys {
        out.entry(k.report_id.clone()).or_default().push(k);
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// A report's chunk set is whole when it has exactly `chunk_count` distinct chunks of one
/// version.
fn is_whole(keys: &[ChunkKey]) -> bool {
    let Some(first) = keys.first() else {
        return false;
    };
    let ids: BTreeSet<_> = keys.iter().map(|k| k.id).collect();
    ids.len() == keys.len()
        && keys.len() == first.chunk_count as usize
        && keys
            .iter()
            .all(|k| k.content_hash == first.content_hash && k.chunk_count == first.chunk_count)
}

fn compare(dense: &[ChunkKey], lexical: &[ChunkKey]) -> Consistency {
    let mut c = Consistency::default();
    let index = |keys: &[ChunkKey], dups: &mut usize| {
        let mut m = BTreeMap::new();
        for k in keys {
            if m.insert(k.id, k.clone()).is_some() {
                *dups += 1;
            }
        }
        m
    };
    let d = index(dense, &mut c.duplicates);
    let l = index(lexical, &mut c.duplicates);
    for (id, dk) in &d {
        match l.get(id) {
            None => c.only_in_qdrant += 1,
            Some(lk) if lk != dk => c.mismatched += 1,
            Some(_) => {}
        }
    }
    c.only_in_tantivy = l.keys().filter(|id| !d.contains_key(id)).count();
    for keys in group(l.into_values().collect()).values() {
        if !is_whole(keys) {
            c.incomplete_reports += 1;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use priors_core::{ChunkId, SectionKind};

    const DIM: usize = 8;

    fn report(id: &str, version: &str, n: u32) -> ReportWrite {
        let chunks: Vec<StoredChunk> = (0..n)
            .map(|i| StoredChunk {
                id: ChunkId::new(id, i),
                report_id: id.into(),
                patient_id: format!("P-{id}"),
                exam_date: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
                modality: "PET/CT".into(),
                tracer: Some("FDG".into()),
                cancer_type: Some("nsclc".into()),
                section: SectionKind::Findings,
                chunk_index: i,
                chunk_count: n,
                content_hash: format!("{id}-{version}"),
                suv_max: Some(7.5),
                deauville: None,
                suv_values: vec![7.5, 3.25],
                laterality: vec!["left".into(), "right".into()],
                lesions: vec![],
                text: format!("hypermetabolic node {id} {version} chunk {i}"),
            })
            .collect();
        let vectors = (0..n)
            .map(|i| {
                (0..DIM)
                    .map(|d| ((d as f32 + 1.0) * (i as f32 + 2.0)).sin())
                    .collect()
            })
            .collect();
        ReportWrite {
            report_id: id.into(),
            chunks,
            vectors,
        }
    }

    fn open(dir: &Path) -> Stores {
        Stores::open(dir, "test-model", DIM).unwrap()
    }

    /// Above qdrant's indexing threshold (10 000 KB of vectors, ~6 700 vectors of 384
    /// dimensions) `optimize` builds an HNSW index; a stored vector still finds itself first,
    /// and a second call has nothing left to do.
    #[test]
    fn optimize_indexes_a_large_collection_and_keeps_its_answers() {
        const BIG_DIM: usize = 384;
        const REPORTS: usize = 7_000;
        let tmp = tempfile::tempdir().unwrap();
        let s = Stores::open(tmp.path(), "test-model", BIG_DIM).unwrap();
        // Deterministic pseudo-random unit vectors (xorshift), one chunk per report.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f32 / (1u64 << 53) as f32 - 0.5
        };
        let mut probes = Vec::new();
        for batch in 0..REPORTS / 1_000 {
            let writes: Vec<ReportWrite> = (0..1_000)
                .map(|i| {
                    let id = format!("R{}", batch * 1_000 + i);
                    let mut w = report(&id, "v1", 1);
                    let v: Vec<f32> = (0..BIG_DIM).map(|_| next()).collect();
                    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                    w.vectors = vec![v.iter().map(|x| x / norm).collect()];
                    if i % 100 == 0 {
                        probes.push((id.clone(), w.vectors[0].clone()));
                    }
                    w
                })
                .collect();
            s.apply(&writes, &[]).unwrap();
        }
        let nearest = |v: &[f32]| -> Vec<String> {
            s.dense()
                .search(v, 3, &Default::default())
                .unwrap()
                .into_iter()
                .map(|h| h.report_id)
                .collect()
        };
        for (id, v) in &probes {
            assert_eq!(&nearest(v)[0], id, "exact search finds the vector itself");
        }
        assert!(
            s.optimize().unwrap(),
            "a collection this large gets an index"
        );
        assert!(!s.optimize().unwrap(), "nothing left to optimise");
        // Random vectors in 384 dimensions are all about equally far apart, so only the
        // first neighbour (the vector itself, cosine 1) is stable under approximate search.
        for (id, v) in &probes {
            assert_eq!(&nearest(v)[0], id, "the index finds the vector itself");
        }
        assert_eq!(s.stats().unwrap().qdrant_points, REPORTS);
        assert!(s.consistency().unwrap().is_consistent());
    }

    #[test]
    fn apply_replace_and_delete_keep_both_engines_equal() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path());
        s.apply(&[report("A", "v1", 3), report("B", "v1", 2)], &[])
            .unwrap();
        let st = s.stats().unwrap();
        assert_eq!(
            (st.reports, st.chunks, st.qdrant_points, st.tantivy_docs),
            (2, 5, 5, 5)
        );
        assert!(s.consistency().unwrap().is_consistent());

        // A new version with fewer chunks replaces every old chunk.
        s.apply(&[report("A", "v2", 1)], &[]).unwrap();
        let st = s.stats().unwrap();
        assert_eq!(
            (st.reports, st.chunks, st.qdrant_points, st.tantivy_docs),
            (2, 3, 3, 3)
        );
        let hashes = s.content_hashes(&["A".into(), "Z".into()]).unwrap();
        assert_eq!(hashes.get("A").map(String::as_str), Some("A-v2"));
        assert!(!hashes.contains_key("Z"));

        // Writing the same version again is idempotent.
        s.apply(&[report("A", "v2", 1)], &[]).unwrap();
        assert_eq!(s.stats().unwrap().qdrant_points, 3);

        let deleted = s.delete(&["B".into(), "nope".into()]).unwrap();
        assert_eq!(deleted, vec!["B".to_string()]);
        let st = s.stats().unwrap();
        assert_eq!((st.reports, st.qdrant_points, st.tantivy_docs), (1, 1, 1));
        assert!(s.consistency().unwrap().is_consistent());

        // Both engines answer queries for what they hold.
        let hits = s
            .lexical()
            .search(
                &priors_core::TextQuery::all_terms("hypermetabolic node"),
                10,
                &Default::default(),
            )
            .unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].report_id, "A");
        let v = report("A", "v2", 1).vectors.remove(0);
        let hits = s.dense().search(&v, 10, &Default::default()).unwrap();
        assert_eq!(hits[0].report_id, "A");
        assert!(hits[0].score > 0.99);

        // Stored vectors read back in the order asked, unknown ids skipped (cosine distance
        // stores them normalised, so compare directions).
        let a0 = ChunkId::new("A", 0);
        let back = s.dense().vectors(&[ChunkId::new("B", 0), a0]).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].0, a0);
        let norm = |x: &[f32]| x.iter().map(|a| a * a).sum::<f32>().sqrt();
        let cos = v.iter().zip(&back[0].1).map(|(a, b)| a * b).sum::<f32>()
            / (norm(&v) * norm(&back[0].1));
        assert!(cos > 0.9999, "{cos}");

        // Reopening sees the same state.
        drop(s);
        let s = open(tmp.path());
        assert!(s.recovered().is_empty());
        assert_eq!(s.stats().unwrap().tantivy_docs, 1);
        assert!(s.consistency().unwrap().is_consistent());
    }

    /// The group both interrupted-write tests half-write: A in a new version (2 chunks) and a
    /// new report C, as ids, chunks and vectors.
    fn group_a2_c() -> (Vec<String>, Vec<StoredChunk>, Vec<Vec<f32>>) {
        let new = [report("A", "v2", 2), report("C", "v1", 2)];
        (
            vec!["A".to_string(), "C".to_string()],
            new.iter().flat_map(|w| w.chunks.clone()).collect(),
            new.iter().flat_map(|w| w.vectors.clone()).collect(),
        )
    }

    /// A write that failed in a process that goes on (a Qdrant server that went away mid-group,
    /// under a long-running `priors serve`): the next write of the same process reconciles the
    /// failed group first, instead of overwriting its intent and forgetting it.
    #[test]
    fn the_next_write_reconciles_a_failed_one_in_the_same_process() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path());
        s.apply(&[report("A", "v1", 3), report("B", "v1", 2)], &[])
            .unwrap();
        // The group {A v2, C} got as far as Qdrant, then the write failed (as `apply` leaves
        // it: intent recorded, `pending` set).
        let (ids, chunks, vectors) = group_a2_c();
        s.write_intent(&ids).unwrap();
        s.dense.get().delete_reports(&ids).unwrap();
        s.dense.get().upsert(&chunks, &vectors).unwrap();
        s.pending.store(true, std::sync::atomic::Ordering::Release);
        assert!(!s.consistency().unwrap().is_consistent());
        // An unrelated write of the same process.
        s.apply(&[report("D", "v1", 1)], &[]).unwrap();
        let c = s.consistency().unwrap();
        assert!(c.is_consistent(), "{c:?}");
        let hashes = s
            .content_hashes(&["A".into(), "B".into(), "C".into(), "D".into()])
            .unwrap();
        assert!(
            !hashes.contains_key("A") && !hashes.contains_key("C"),
            "{hashes:?}"
        );
        assert_eq!(hashes.get("B").map(String::as_str), Some("B-v1"));
        assert_eq!(hashes.get("D").map(String::as_str), Some("D-v1"));
        // Nothing is left for the next open either.
        drop(s);
        assert!(open(tmp.path()).recovered().is_empty());
    }

    /// Each interrupted state the protocol can leave behind, reproduced with the real engines
    /// by stopping `apply` after a given step; reopening must leave the engines equal.
    #[test]
    fn recovery_reconciles_every_interrupted_state() {
        // (steps completed before the "crash", whether A's new version survives recovery)
        for steps in 0..=4 {
            let tmp = tempfile::tempdir().unwrap();
            {
                let s = open(tmp.path());
                s.apply(&[report("A", "v1", 3), report("B", "v1", 2)], &[])
                    .unwrap();
                let (ids, chunks, vectors) = group_a2_c();
                s.write_intent(&ids).unwrap();
                if steps >= 1 {
                    s.dense.get().delete_reports(&ids).unwrap();
                }
                if steps >= 2 {
                    s.dense.get().upsert(&chunks, &vectors).unwrap();
                    s.dense.get().flush().unwrap();
                }
                if steps >= 3 {
                    s.lexical.delete_reports(&ids).unwrap();
                    s.lexical.add(&chunks).unwrap();
                    // Staged but not committed: lost with the process.
                }
                if steps >= 4 {
                    s.lexical.commit().unwrap();
                }
                // Crash: the journal is not cleared.
            }
            let s = open(tmp.path());
            let c = s.consistency().unwrap();
            assert!(c.is_consistent(), "after {steps} steps: {c:?}");
            let st = s.stats().unwrap();
            assert_eq!(st.qdrant_points, st.tantivy_docs, "after {steps} steps");
            let hashes = s
                .content_hashes(&["A".into(), "B".into(), "C".into()])
                .unwrap();
            assert_eq!(
                hashes.get("B").map(String::as_str),
                Some("B-v1"),
                "B untouched"
            );
            match steps {
                // Nothing was written: the old A is still whole in both engines.
                0 => {
                    assert_eq!(hashes.get("A").map(String::as_str), Some("A-v1"));
                    assert!(s.recovered().is_empty());
                }
                // Both engines hold the new batch: kept.
                4 => {
                    assert_eq!(hashes.get("A").map(String::as_str), Some("A-v2"));
                    assert_eq!(hashes.get("C").map(String::as_str), Some("C-v1"));
                }
                // Half-written: A and C removed from both, to be re-ingested.
                _ => {
                    assert!(!hashes.contains_key("A"), "after {steps} steps");
                    assert!(!hashes.contains_key("C"), "after {steps} steps");
                    assert!(s.recovered().contains(&"A".to_string()));
                }
            }
            // The journal is cleared: a second open recovers nothing.
            drop(s);
            assert!(open(tmp.path()).recovered().is_empty());
        }
    }

    #[test]
    fn a_torn_intent_line_is_ignored_and_a_second_process_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let s = open(tmp.path());
        s.apply(&[report("A", "v1", 2)], &[]).unwrap();
        std::fs::write(tmp.path().join("journal"), b"{\"reports\":[\"A\"").unwrap();
        let err = Stores::open(tmp.path(), "test-model", DIM).unwrap_err();
        assert!(err.to_string().contains("in use"), "{err}");
        drop(s);
        let s = open(tmp.path());
        assert!(s.recovered().is_empty());
        assert_eq!(s.stats().unwrap().reports, 1);
    }

    #[test]
    fn compare_counts_every_kind_of_disagreement() {
        let k = |r: &str, i: u32, h: &str, n: u32| ChunkKey {
            report_id: r.into(),
            id: ChunkId::new(r, i),
            content_hash: h.into(),
            chunk_count: n,
        };
        let dense = vec![
            k("A", 0, "a", 2),
            k("A", 1, "a", 2),
            k("B", 0, "b", 1),
            k("D", 0, "d", 1),
        ];
        let lexical = vec![
            k("A", 0, "a", 2),
            k("B", 0, "x", 1),
            k("C", 0, "c", 2),
            k("C", 0, "c", 2),
        ];
        let c = compare(&dense, &lexical);
        assert_eq!(c.only_in_qdrant, 2, "A/1 and D/0");
        assert_eq!(c.only_in_tantivy, 1, "C/0");
        assert_eq!(c.mismatched, 1, "B/0 hash");
        assert_eq!(c.duplicates, 1, "C/0 twice");
        assert_eq!(c.incomplete_reports, 2, "A has 1 of 2 in tantivy, C 1 of 2");
        assert!(!c.is_consistent());
        assert!(compare(&dense, &dense).is_consistent());
    }
}
