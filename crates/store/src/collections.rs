//! Named collections inside a data directory: `<data>/collections/<name>/`.

use crate::{Result, Stores};
use priors_core::Config;
use std::path::PathBuf;

/// The collection of prior reports.
pub const REPORTS: &str = "reports";
/// The collection of guideline passages.
pub const GUIDELINES: &str = "guidelines";

/// Directory of collection `name` in the configured data directory.
pub fn collection_dir(config: &Config, name: &str) -> PathBuf {
    config.data.dir.join("collections").join(name)
}

/// Whether collection `name` has been created (it has a manifest).
pub fn collection_exists(config: &Config, name: &str) -> bool {
    collection_dir(config, name).join("manifest.json").is_file()
}

/// Open (creating if needed) collection `name` with the configured embedding identity, its
/// dense side where `[store.qdrant]` says (see [`Stores::open_with`]).
pub fn open_collection(config: &Config, name: &str) -> Result<Stores> {
    Stores::open_with(
        &collection_dir(config, name),
        &config.embedding.identity(),
        config.embedding.dim,
        &config.store.qdrant,
        name,
    )
}
