//! `priors-bench compare`: the comparison of a follow-up with the patient's prior, scored
//! three ways (JSON on stdout):
//! - on the labelled follow-ups of the sample corpus (the set the rules were developed on);
//! - on a synthetic corpus of another seed, never looked at while developing (held out);
//! - on the hand-made prior/current pairs of `tests/fixtures/compare_pairs.jsonl`, written by
//!   someone who never read the code.
//!
//! Each follow-up loses its "previously …" quotes and is compared with its patient's previous
//! report (`priors_compare::eval`).

use anyhow::{Context, Result};
use priors_compare::eval::{cases_from_records, evaluate, evaluate_pairs, Pair, Report};
use priors_core::ReportRecord;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One scored set.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Scored {
    /// What the set is.
    pub(crate) name: String,
    /// Where it comes from (a path, or the synthetic seed and size).
    pub(crate) source: String,
    /// The evaluation (every response and Deauville miss, the first 20 lesion misses).
    pub(crate) report: Report,
}

/// The step's output.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CompareBench {
    /// Sample corpus, held-out synthetic corpus, hand-made pairs.
    pub(crate) sets: Vec<Scored>,
}

/// Every response and Deauville miss, and the first 20 lesion misses.
fn cut(mut r: Report) -> Report {
    let mut lesion = 0;
    r.misses.retain(|m| {
        lesion += usize::from(m.what == "lesion");
        m.what != "lesion" || lesion <= 20
    });
    r
}

fn read_records(path: &Path) -> Result<Vec<ReportRecord>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{} line {}", path.display(), i + 1))
        })
        .collect()
}

/// Run the three evaluations.
pub(crate) fn run(corpus: &Path, seed: u64, patients: usize, pairs: &Path) -> Result<CompareBench> {
    let sample = evaluate(&cases_from_records(&read_records(corpus)?));
    let held: Vec<ReportRecord> =
        priors_synth::generate(&priors_synth::SynthConfig { seed, patients }).collect();
    let held_out = evaluate(&cases_from_records(&held));
    let text =
        std::fs::read_to_string(pairs).with_context(|| format!("reading {}", pairs.display()))?;
    let pairs_list: Vec<Pair> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .with_context(|| format!("parsing {}", pairs.display()))?;
    let hand = evaluate_pairs(&pairs_list);
    Ok(CompareBench {
        sets: vec![
            Scored {
                name: "sample corpus (development set)".into(),
                source: corpus.display().to_string(),
                report: cut(sample),
            },
            Scored {
                name: "held-out synthetic corpus".into(),
                source: format!("priors synth --seed {seed} --patients {patients}"),
                report: cut(held_out),
            },
            Scored {
                name: "hand-made pairs (external author)".into(),
                source: pairs.display().to_string(),
                report: cut(hand),
            },
        ],
    })
}
