//! Stage findings text from stdin and print the answer as JSON.
//!
//! ```text
//! echo "3.6 cm RUL mass. FDG-avid right hilar node. No distant metastases." \
//!     | cargo run -p priors-staging --example stage -- lung
//! cargo run -p priors-staging --example stage -- ask "What T category is a 4.5 cm tumour with visceral pleural invasion?"
//! cargo run -p priors-staging --example stage -- vignettes
//! ```

use std::io::Read;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match args.first().map(String::as_str) {
        Some("ask") => {
            let passages = priors_staging::load_passages(root.join("../../data-samples/guidelines/passages.jsonl"))?;
            let a = priors_staging::ask(&args[1..].join(" "), &passages);
            println!("{}", serde_json::to_string_pretty(&a)?);
        }
        Some("vignettes") => {
            let path = args.get(1).map_or(root.join("tests/vignettes.jsonl"), PathBuf::from);
            let r = priors_staging::evaluate_vignettes(path)?;
            println!("{}", r.to_markdown());
        }
        Some("corpus") => {
            // Agreement with the labels of a synthetic JSONL corpus (priors-synth output).
            let path = args.get(1).map_or(root.join("../../data-samples/reports.jsonl"), PathBuf::from);
            let show = args.get(2).map(String::as_str);
            let mut tally: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
            for line in std::fs::read_to_string(path)?.lines() {
                let rec: priors_core::ReportRecord = serde_json::from_str(line)?;
                let Some(labels) = rec.labels else { continue };
                let Some(cancer) = priors_core::CancerType::parse(&labels.cancer_type)
                    .and_then(priors_staging::Cancer::for_cancer_type)
                else {
                    continue;
                };
                // FINDINGS_ONLY=1: drop the impression, so that nothing the radiologist
                // concluded (stage, Deauville score) is in the text.
                let text = if std::env::var_os("FINDINGS_ONLY").is_some() {
                    let upper = rec.text.to_ascii_uppercase();
                    let cut = ["\nIMPRESSION", "\nCONCLUSION"].iter().filter_map(|h| upper.find(h)).min();
                    rec.text[..cut.unwrap_or(rec.text.len())].to_string()
                } else {
                    rec.text.clone()
                };
                let a = priors_staging::stage(cancer, &text);
                let json = serde_json::to_value(&a)?;
                let mut fields = vec![("stage", labels.stage.clone().map(serde_json::Value::from))];
                if cancer == priors_staging::Cancer::Lymphoma {
                    fields.push(("deauville", labels.deauville.map(serde_json::Value::from)));
                    fields.push(("response", labels.response.clone().map(serde_json::Value::from)));
                }
                let tp = labels.timepoint.clone().unwrap_or_default();
                for (field, want) in fields {
                    let want = want.unwrap_or(serde_json::Value::Null);
                    let got = json[field].clone();
                    let key = format!("{}.{field}.{tp}", cancer.as_str());
                    let e = tally.entry(key.clone()).or_default();
                    e.1 += 1;
                    if got == want {
                        e.0 += 1;
                    } else if show.is_some_and(|s| key.starts_with(s)) {
                        println!("--- {} {key}: want {want} got {got}\n{}\n{}\n{}\n", rec.report_id, text, serde_json::to_string(&json["evidence"])?, serde_json::to_string(&json["missing"])?);
                    }
                }
            }
            for (k, (ok, n)) in tally {
                println!("{k:40} {ok:4}/{n:4} {:5.1}%", 100.0 * ok as f64 / n as f64);
            }
        }
        Some("dump") => {
            for v in priors_staging::load_vignettes(root.join("tests/vignettes.jsonl"))? {
                let a = priors_staging::stage(v.cancer, &v.text);
                println!("## {} ({})\n{}\n{}\n", v.id, v.note, v.text, serde_json::to_string(&a)?);
            }
        }
        Some("features") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            let json = match args.get(1).map(String::as_str) {
                Some("lymphoma") => serde_json::to_string_pretty(&priors_staging::extract_lymphoma(&text))?,
                _ => serde_json::to_string_pretty(&priors_staging::extract_lung(&text))?,
            };
            println!("{json}");
        }
        Some(c) => {
            let cancer = priors_staging::Cancer::parse(c).ok_or("cancer must be lung or lymphoma")?;
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            let a = priors_staging::stage(cancer, &text);
            println!("{}", serde_json::to_string_pretty(&a)?);
        }
        None => return Err("usage: stage lung|lymphoma < text | features lung|lymphoma < text | ask QUESTION | vignettes [PATH] | corpus [PATH [FIELD-PREFIX]] | dump".into()),
    }
    Ok(())
}
