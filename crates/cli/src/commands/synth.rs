//! `priors synth`: the synthetic PET/CT corpus as JSONL.

use crate::Ctx;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `priors synth`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of synthetic patients.
    #[arg(long, default_value_t = 320)]
    pub patients: usize,
    /// Output file (`-` for stdout).
    #[arg(long, default_value = "-")]
    pub out: PathBuf,
}

impl Args {
    /// Write the corpus.
    pub fn execute(self, _ctx: &Ctx) -> Result<ExitCode> {
        let cfg = priors_synth::SynthConfig {
            seed: self.seed,
            patients: self.patients,
        };
        let n = if self.out == Path::new("-") {
            let stdout = std::io::stdout();
            priors_synth::write_jsonl(&cfg, std::io::BufWriter::new(stdout.lock()))?
        } else {
            let f = std::fs::File::create(&self.out)
                .with_context(|| format!("creating {}", self.out.display()))?;
            priors_synth::write_jsonl(&cfg, std::io::BufWriter::new(f))?
        };
        eprintln!("wrote {n} synthetic reports");
        Ok(ExitCode::SUCCESS)
    }
}
