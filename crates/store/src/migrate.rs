//! Move a collection's dense side from the embedded engine to a Qdrant server, without
//! re-embedding: the stored vectors and payloads are copied as they are.
//!
//! The copy holds the data directory's `LOCK` throughout (no ingest can run meanwhile), goes in
//! pages in point-id order, and records after each page where it got to in
//! `<collection dir>/migrate.json`; an interrupted run, re-run, goes on from there (writes are
//! upserts of the same ids, so a page copied twice is harmless). At the end the two sides are
//! compared — point counts, every chunk key (report, content hash, chunk count), and the
//! vectors and payloads of a sample of points — and only then does the manifest switch to the
//! server. Until that moment the embedded store is the one in use; after it, the embedded
//! files in `qdrant/` are no longer read (they are left for the operator to delete).

use crate::remote::{QdrantServerStore, RawPoint};
use crate::schema::{DenseBackend, Manifest};
use crate::stores::Stores;
use crate::{io_err, Result, StoreError};
use priors_core::config::QdrantConfig;
use priors_core::{ChunkId, DenseStore};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Points copied per request.
const PAGE: usize = 512;

/// Points whose vectors and payloads are compared after the copy.
const SAMPLE: usize = 64;

/// Largest difference tolerated between a copied vector's components (both sides store the
/// same normalised floats; the tolerance only absorbs a server that re-normalises).
const VECTOR_TOLERANCE: f32 = 1e-6;

/// What a migration did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrateSummary {
    /// The priors collection (`reports`, `guidelines`).
    pub collection: String,
    /// The server.
    pub url: String,
    /// The remote collection.
    pub remote_collection: String,
    /// Points the collection holds (all on the server now).
    pub points: usize,
    /// Points copied by this run.
    pub copied: usize,
    /// This run went on from an interrupted one.
    pub resumed: bool,
    /// The collection was already on this server: nothing was done.
    pub already: bool,
    /// Points whose vectors and payloads were compared one by one.
    pub sampled: usize,
}

/// Progress of the copy (points copied so far, in all).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct State {
    url: String,
    collection: String,
    /// First point id of the next page; `None` = from the start.
    next: Option<String>,
    copied: usize,
}

const STATE_FILE: &str = "migrate.json";

fn read_state(dir: &Path) -> Result<Option<State>> {
    let path = dir.join(STATE_FILE);
    match std::fs::read(&path) {
        // A state file that does not parse (torn by a crash) means: start the copy over.
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(&path)(e)),
    }
}

fn write_state(dir: &Path, state: &State) -> Result<()> {
    let path = dir.join(STATE_FILE);
    let tmp = dir.join("migrate.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec(state).expect("state serialises"))
        .map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io_err(&path))
}

fn engine(e: priors_core::EngineError) -> StoreError {
    StoreError::Engine {
        engine: "qdrant",
        source: e,
    }
}

fn parse_id(s: &str) -> Result<ChunkId> {
    uuid::Uuid::parse_str(s)
        .map(|u| ChunkId(u.as_u128()))
        .map_err(|e| StoreError::Corrupt(format!("{STATE_FILE}: point id {s:?}: {e}")))
}

/// Copy collection `name` (its data directory `dir`, built with `model_id` / `dim`) to the
/// server `qdrant.url`, as `<collection_prefix><name>`, verify, and switch the manifest.
pub fn to_qdrant(
    dir: &Path,
    model_id: &str,
    dim: usize,
    qdrant: &QdrantConfig,
    name: &str,
    progress: Progress<'_>,
) -> Result<MigrateSummary> {
    let remote_name = qdrant.collection_name(name);
    let url = qdrant.url.trim().to_string();
    let summary = |points, copied, resumed, already, sampled| MigrateSummary {
        collection: name.to_string(),
        url: url.clone(),
        remote_collection: remote_name.clone(),
        points,
        copied,
        resumed,
        already,
        sampled,
    };
    let Some(manifest) = Manifest::read(dir)? else {
        return Err(StoreError::Corrupt(format!(
            "{}: no collection here (nothing to migrate)",
            dir.display()
        )));
    };
    if let DenseBackend::Qdrant { collection, .. } = &manifest.dense {
        if *collection == remote_name {
            let remote = QdrantServerStore::connect(qdrant, &remote_name)?;
            let points = remote.count().map_err(engine)?;
            return Ok(summary(points, 0, false, true, 0));
        }
    }
    // The embedded stores, locked and recovered (an error here names the backend mismatch).
    let stores = Stores::open(dir, model_id, dim)?;
    let consistency = stores.consistency()?;
    if !consistency.is_consistent() {
        return Err(StoreError::Corrupt(format!(
            "{}: the two engines disagree ({consistency:?}); `priors check` shows it — \
             re-ingest or delete the affected reports before migrating",
            dir.display()
        )));
    }
    let local = stores
        .embedded()
        .expect("Stores::open is the embedded backend");
    let total = local.count().map_err(engine)?;
    let remote = QdrantServerStore::connect(qdrant, &remote_name)?;

    let state = read_state(dir)?.filter(|s| s.collection == remote_name);
    let mut resumed = false;
    let mut state = if !remote.exists()? {
        remote.create(dim, qdrant)?;
        State {
            url: url.clone(),
            collection: remote_name.clone(),
            next: None,
            copied: 0,
        }
    } else if let Some(s) = state {
        resumed = true;
        s
    } else if remote.count().map_err(engine)? == 0 {
        State {
            url: url.clone(),
            collection: remote_name.clone(),
            next: None,
            copied: 0,
        }
    } else {
        return Err(StoreError::Remote {
            url: url.clone(),
            message: format!(
                "collection {remote_name:?} already exists and holds points this migration did \
                 not write: choose another store.qdrant.collection_prefix, or delete it"
            ),
        });
    };
    write_state(dir, &state)?;

    // Copy, page by page.
    let mut copied_now = 0usize;
    let mut next = state.next.as_deref().map(parse_id).transpose()?;
    let mut first = true;
    progress(state.copied.min(total), total);
    while first || next.is_some() {
        first = false;
        let (page, after) = local.raw_page(next, PAGE)?;
        let n = page.len();
        remote.upsert_raw(page)?;
        copied_now += n;
        state.copied += n;
        state.next = after.map(ChunkId::to_uuid_string);
        write_state(dir, &state)?;
        progress(state.copied.min(total), total);
        next = after;
    }

    // Verify before switching.
    let fail = |what: String, state: &mut State| -> Result<MigrateSummary> {
        // The next run copies everything again.
        state.next = None;
        state.copied = 0;
        write_state(dir, state)?;
        Err(StoreError::Remote {
            url: url.clone(),
            message: format!(
                "the copy of {name} does not match the embedded collection ({what}); the \
                 manifest still points at the embedded store — re-run to copy again"
            ),
        })
    };
    let remote_points = remote.count().map_err(engine)?;
    if remote_points != total {
        return fail(
            format!("{remote_points} points on the server, {total} here"),
            &mut state,
        );
    }
    let local_keys = local.chunk_keys(None).map_err(engine)?;
    let remote_keys = remote.chunk_keys(None).map_err(engine)?;
    if local_keys != remote_keys {
        let differing = local_keys
            .iter()
            .zip(&remote_keys)
            .filter(|(a, b)| a != b)
            .count();
        return fail(format!("{differing} chunk keys differ"), &mut state);
    }
    let step = (local_keys.len() / SAMPLE).max(1);
    let sample: Vec<ChunkId> = local_keys.iter().step_by(step).map(|k| k.id).collect();
    let mut theirs: std::collections::HashMap<ChunkId, RawPoint> = remote
        .raw_points(&sample)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    for id in &sample {
        let (mine, _) = local.raw_page(Some(*id), 1)?;
        let Some(mine) = mine.into_iter().next().filter(|p| p.id == *id) else {
            return fail(
                format!("point {} vanished here", id.to_uuid_string()),
                &mut state,
            );
        };
        let Some(other) = theirs.remove(id) else {
            return fail(format!("point {} missing", id.to_uuid_string()), &mut state);
        };
        let close = mine.vector.len() == other.vector.len()
            && mine
                .vector
                .iter()
                .zip(&other.vector)
                .all(|(a, b)| (a - b).abs() <= VECTOR_TOLERANCE);
        if !close || mine.payload != other.payload {
            return fail(format!("point {} differs", id.to_uuid_string()), &mut state);
        }
    }

    // Switch.
    Manifest::write(
        dir,
        &Manifest {
            dense: DenseBackend::Qdrant {
                url: url.clone(),
                collection: remote_name.clone(),
            },
            ..manifest
        },
    )?;
    let state_path = dir.join(STATE_FILE);
    std::fs::remove_file(&state_path).map_err(io_err(&state_path))?;
    Ok(summary(total, copied_now, resumed, false, sample.len()))
}
