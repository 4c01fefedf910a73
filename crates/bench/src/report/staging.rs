//! The section "Staging vignettes", from `priors-bench staging --json`: the prose about the
//! vignette set, then the report's own Markdown ([`VignetteReport::to_markdown`]).

use priors_staging::VignetteReport;

/// The section's Markdown.
pub(super) fn render(report: &VignetteReport) -> String {
    let staging = report.to_markdown();
    let staging = staging.trim();
    format!(
        r#"## Staging vignettes

Command: `target/release/priors-bench staging` (vignettes in
`crates/staging/tests/vignettes.jsonl`, written before the extractor was tuned). The first,
untuned run missed 4 fields (lung T 55/56, N 55/56, stage 54/56: "uptake above mediastinal
blood pool" read as a mediastinal node, and a mimic word elsewhere in a sentence suppressing
the primary); both causes were fixed in general form, not per vignette.

{staging}
"#
    )
}
