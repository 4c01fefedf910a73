//! The vignette benchmark: free-text cases with expected answers, scored per field.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::answer::{Cancer, StagingAnswer};
use crate::error::Result;

/// One vignette: a text and the answer a radiologist expects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vignette {
    /// Stable id, e.g. `lung-07`.
    pub id: String,
    /// Which system applies.
    pub cancer: Cancer,
    /// The findings text.
    pub text: String,
    /// Expected values: `t`, `n`, `m`, `stage` for lung; `stage`, `deauville`, `response` for
    /// lymphoma (JSON `null` where nothing should be stated).
    pub expected: serde_json::Map<String, Value>,
    /// What the case tests.
    #[serde(default)]
    pub note: String,
}

impl Vignette {
    /// The fields scored for this cancer.
    pub fn fields(&self) -> &'static [&'static str] {
        match self.cancer {
            Cancer::Lung => &["t", "n", "m", "stage"],
            Cancer::Lymphoma => &["stage", "deauville", "response"],
        }
    }
}

/// Accuracy on one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldAccuracy {
    /// `lung.t`, `lung.n`, `lung.m`, `lung.stage`, `lymphoma.stage`, `lymphoma.deauville`,
    /// `lymphoma.response`.
    pub field: String,
    /// Cases where the answer equals the expected value (including both `null`).
    pub correct: usize,
    /// Cases scored.
    pub total: usize,
    /// `correct / total`.
    pub accuracy: f64,
}

/// One wrong field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    /// Vignette id.
    pub id: String,
    /// Field, as in [`FieldAccuracy::field`].
    pub field: String,
    /// Expected value.
    pub expected: Value,
    /// Value answered.
    pub got: Value,
    /// The vignette's note.
    pub note: String,
}

/// Result of [`evaluate_vignettes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VignetteReport {
    /// Number of vignettes.
    pub cases: usize,
    /// Lung vignettes.
    pub lung_cases: usize,
    /// Lymphoma vignettes.
    pub lymphoma_cases: usize,
    /// Per-field accuracy, lung fields first.
    pub fields: Vec<FieldAccuracy>,
    /// Every wrong field.
    pub misses: Vec<Miss>,
    /// Violations of the grounding invariant (should be empty): `id: problem`.
    pub grounding_errors: Vec<String>,
}

impl VignetteReport {
    /// The lowest per-field accuracy.
    pub fn min_accuracy(&self) -> f64 {
        self.fields.iter().map(|f| f.accuracy).fold(1.0, f64::min)
    }

    /// A Markdown table of the figures and a list of the misses, for `BENCHMARKS.md`.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "{} vignettes ({} lung, {} lymphoma)\n\n| field | correct | total | accuracy |\n|---|---:|---:|---:|\n",
            self.cases, self.lung_cases, self.lymphoma_cases
        );
        for f in &self.fields {
            s.push_str(&format!(
                "| {} | {} | {} | {:.1}% |\n",
                f.field,
                f.correct,
                f.total,
                100.0 * f.accuracy
            ));
        }
        s.push('\n');
        s.push_str(&self.misses_markdown());
        s
    }

    /// "No misses." or the list of misses, then any grounding errors (Markdown).
    pub fn misses_markdown(&self) -> String {
        let mut s = String::new();
        if self.misses.is_empty() {
            s.push_str("No misses.\n");
        } else {
            s.push_str("Misses:\n\n");
            for m in &self.misses {
                s.push_str(&format!(
                    "- `{}` {}: expected {}, got {} ({})\n",
                    m.id, m.field, m.expected, m.got, m.note
                ));
            }
        }
        if !self.grounding_errors.is_empty() {
            s.push_str(&format!(
                "\nGrounding errors: {}\n",
                self.grounding_errors.join("; ")
            ));
        }
        s
    }
}

/// Read vignettes from a JSONL file (one [`Vignette`] per line).
pub fn load_vignettes(path: impl AsRef<Path>) -> Result<Vec<Vignette>> {
    crate::passage::read_jsonl(path.as_ref(), |v: &Vignette| {
        for field in v.fields() {
            if !v.expected.contains_key(*field) {
                return Err(format!("{}: expected.{field} is missing", v.id));
            }
        }
        if let Some(extra) = v
            .expected
            .keys()
            .find(|k| !v.fields().contains(&k.as_str()))
        {
            return Err(format!("{}: unknown expected field {extra}", v.id));
        }
        Ok(())
    })
}

/// Score answers against vignettes (the answers in the same order).
pub fn score(vignettes: &[Vignette], answers: &[StagingAnswer]) -> VignetteReport {
    let order = [
        (Cancer::Lung, "t"),
        (Cancer::Lung, "n"),
        (Cancer::Lung, "m"),
        (Cancer::Lung, "stage"),
        (Cancer::Lymphoma, "stage"),
        (Cancer::Lymphoma, "deauville"),
        (Cancer::Lymphoma, "response"),
    ];
    let mut fields = Vec::new();
    let mut misses = Vec::new();
    for (cancer, field) in order {
        let name = format!("{}.{field}", cancer.as_str());
        let (mut correct, mut total) = (0, 0);
        for (v, a) in vignettes.iter().zip(answers) {
            if v.cancer != cancer {
                continue;
            }
            total += 1;
            let got = serde_json::to_value(a)
                .ok()
                .and_then(|x| x.get(field).cloned())
                .unwrap_or(Value::Null);
            let expected = v.expected.get(field).cloned().unwrap_or(Value::Null);
            if got == expected {
                correct += 1;
            } else {
                misses.push(Miss {
                    id: v.id.clone(),
                    field: name.clone(),
                    expected,
                    got,
                    note: v.note.clone(),
                });
            }
        }
        if total > 0 {
            fields.push(FieldAccuracy {
                field: name,
                correct,
                total,
                accuracy: correct as f64 / total as f64,
            });
        }
    }
    let grounding_errors = vignettes
        .iter()
        .zip(answers)
        .flat_map(|(v, a)| {
            a.grounding_errors(&v.text)
                .into_iter()
                .map(move |e| format!("{}: {e}", v.id))
        })
        .collect();
    VignetteReport {
        cases: vignettes.len(),
        lung_cases: vignettes
            .iter()
            .filter(|v| v.cancer == Cancer::Lung)
            .count(),
        lymphoma_cases: vignettes
            .iter()
            .filter(|v| v.cancer == Cancer::Lymphoma)
            .count(),
        fields,
        misses,
        grounding_errors,
    }
}

/// Load the vignettes at `path`, stage each text with [`crate::stage`], and score every field.
pub fn evaluate_vignettes(path: impl AsRef<Path>) -> Result<VignetteReport> {
    let vignettes = load_vignettes(path)?;
    let answers: Vec<StagingAnswer> = vignettes
        .iter()
        .map(|v| crate::stage(v.cancer, &v.text))
        .collect();
    Ok(score(&vignettes, &answers))
}
