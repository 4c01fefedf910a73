//! Regenerate the checked-in sample corpus under `data-samples/`, print reports, or time the
//! generator.
//!
//! ```text
//! cargo run -p priors-synth --example make_samples                      # write data-samples/
//! cargo run -p priors-synth --example make_samples -- --out DIR         # write elsewhere
//! cargo run -p priors-synth --example make_samples -- --out DIR --seed 1 --patients 5000
//! cargo run -p priors-synth --example make_samples -- --print 3         # print 3 reports
//! cargo run --release -p priors-synth --example make_samples -- --bench 30000 [--seed 42]
//! ```
//!
//! Samples: `reports.jsonl` is the default configuration (seed 42, 320 patients) unless `--seed`
//! or `--patients` say otherwise. The plain-text and FHIR samples come from seed 7 and patient
//! indices from 900000 up, so their ids (`SYN-P9xxxxx`) never collide with the JSONL corpus; each
//! file is a report of a different cancer type.

use std::fs;
use std::io;
use std::path::PathBuf;
use std::time::Instant;

use priors_synth::{generate, generate_patient, to_fhir, to_plain_text, write_jsonl, SynthConfig};

/// Seed and first patient index of the text and FHIR samples.
const SAMPLE_SEED: u64 = 7;
const SAMPLE_FIRST_PATIENT: usize = 900_000;

/// (cancer type, preferred time point) of the plain-text samples.
const TEXT_PICKS: [(&str, &str); 5] = [
    ("nsclc", "staging"),
    ("hodgkin_lymphoma", "interim"),
    ("prostate", "staging"),
    ("neuroendocrine", "staging"),
    ("sarcoidosis", "staging"),
];

/// (cancer type, preferred time point) of the FHIR samples.
const FHIR_PICKS: [(&str, &str); 5] = [
    ("dlbcl", "end_of_treatment"),
    ("breast", "staging"),
    ("melanoma", "surveillance"),
    ("colorectal", "recurrence"),
    ("head_neck_scc", "end_of_treatment"),
];

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(n) = value("--bench") {
        let patients: usize = n.parse().expect("--bench takes a patient count");
        let seed = value("--seed").map_or(42, |s| s.parse().expect("--seed takes a number"));
        let cfg = SynthConfig { seed, patients };
        let t = Instant::now();
        let reports = write_jsonl(&cfg, io::sink())?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{reports} reports from {patients} patients in {secs:.2} s ({:.0} reports/s)",
            reports as f64 / secs
        );
        return Ok(());
    }
    if let Some(n) = value("--print") {
        let n: usize = n.parse().expect("--print takes a report count");
        for rec in generate(&SynthConfig::default()).take(n) {
            println!("{}", to_plain_text(&rec));
            println!(
                "LABELS: {}\n",
                serde_json::to_string(&rec.labels).unwrap_or_default()
            );
        }
        return Ok(());
    }
    let out = value("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data-samples"));
    fs::create_dir_all(out.join("text"))?;
    fs::create_dir_all(out.join("fhir"))?;
    let cfg = SynthConfig {
        seed: value("--seed").map_or(42, |s| s.parse().expect("--seed takes a number")),
        patients: value("--patients").map_or(320, |s| s.parse().expect("--patients takes a count")),
    };
    let n = write_jsonl(&cfg, fs::File::create(out.join("reports.jsonl"))?)?;
    println!(
        "reports.jsonl: {n} reports from {} patients (seed {})",
        cfg.patients, cfg.seed
    );

    let picks: Vec<(&str, &str, bool)> = TEXT_PICKS
        .iter()
        .map(|(c, t)| (*c, *t, false))
        .chain(FHIR_PICKS.iter().map(|(c, t)| (*c, *t, true)))
        .collect();
    let mut done = vec![false; picks.len()];
    let mut fallback: Vec<Option<priors_core::ReportRecord>> = vec![None; picks.len()];
    let mut index = SAMPLE_FIRST_PATIENT;
    while done.iter().any(|d| !d) && index < SAMPLE_FIRST_PATIENT + 5_000 {
        for rec in generate_patient(SAMPLE_SEED, index) {
            let Some(labels) = &rec.labels else { continue };
            for (i, (cancer, tp, _)) in picks.iter().enumerate() {
                if done[i] || labels.cancer_type != *cancer {
                    continue;
                }
                if labels.timepoint.as_deref() == Some(*tp) {
                    fallback[i] = Some(rec.clone());
                    done[i] = true;
                } else if fallback[i].is_none() {
                    fallback[i] = Some(rec.clone());
                }
            }
        }
        index += 1;
    }
    for (i, (cancer, _, fhir)) in picks.iter().enumerate() {
        let rec = fallback[i].as_ref().expect("every cancer type occurs");
        let tp = rec
            .labels
            .as_ref()
            .and_then(|l| l.timepoint.clone())
            .unwrap_or_default();
        if *fhir {
            let path = out.join("fhir").join(format!("{}.json", rec.report_id));
            let mut body = serde_json::to_string_pretty(&to_fhir(rec)).map_err(io::Error::other)?;
            body.push('\n');
            fs::write(&path, body)?;
            println!("fhir/{}.json: {cancer} ({tp})", rec.report_id);
        } else {
            let path = out.join("text").join(format!("{}.txt", rec.report_id));
            fs::write(&path, to_plain_text(rec))?;
            println!("text/{}.txt: {cancer} ({tp})", rec.report_id);
        }
    }
    Ok(())
}
