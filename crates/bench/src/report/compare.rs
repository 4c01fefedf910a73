//! The section "Patient priors: comparison and response", from `priors-bench compare`
//! ([`CompareBench`]): response and Deauville accuracy per framework and time point, and
//! lesion pairing, on the development corpus, a held-out synthetic corpus and the hand-made
//! pairs.

use super::{need, RunContext};
use crate::compare::CompareBench;
use anyhow::Result;
use priors_compare::eval::Tally;

fn cell(t: Option<&Tally>) -> String {
    match t {
        Some(t) if t.total > 0 => format!("{}/{} ({:.1}%)", t.right, t.total, 100.0 * t.accuracy()),
        _ => "–".into(),
    }
}

/// The section's Markdown.
pub(super) fn render(c: &CompareBench, run: &RunContext) -> Result<String> {
    let commit = need(&run.commit, "commit")?;
    let mut rows = Vec::new();
    for s in &c.sets {
        let r = &s.report;
        rows.push(format!(
            "| {} | {} | {} | {} | {} | {} |",
            s.name,
            r.cases,
            cell(r.response.get("lugano")),
            cell(r.response.get("percist")),
            cell(Some(&r.deauville)),
            cell(Some(&r.lesion_pairing)),
        ));
    }
    let mut by_tp = Vec::new();
    for s in c
        .sets
        .iter()
        .filter(|s| !s.report.response_by_timepoint.is_empty())
    {
        for (k, t) in &s.report.response_by_timepoint {
            let ds = k
                .strip_prefix("lugano/")
                .and_then(|tp| s.report.deauville_by_timepoint.get(tp));
            by_tp.push(format!(
                "| {} | {k} | {} | {} |",
                s.name,
                cell(Some(t)),
                cell(ds)
            ));
        }
    }
    let mut misses = Vec::new();
    for s in &c.sets {
        for m in s.report.misses.iter().filter(|m| m.what != "lesion") {
            misses.push(format!(
                "- {} ({}): {} expected {}, got {}",
                m.report_id, s.name, m.what, m.expected, m.got
            ));
        }
    }
    let misses = if misses.is_empty() {
        "No response or Deauville miss in any set.".to_string()
    } else {
        misses.join("\n")
    };
    let sources = c
        .sets
        .iter()
        .map(|s| format!("{}: `{}`", s.name, s.source))
        .collect::<Vec<_>>()
        .join("; ");
    let rows = rows.join("\n");
    let by_tp = by_tp.join("\n");
    Ok(format!(
        r#"## Patient priors: comparison and response

Command: `target/release/priors-bench compare` (commit `{commit}`). Every labelled follow-up
loses its "previously …" quotes and is compared with the findings of the patient's previous
report (`priors_compare`): lesions matched by site, Deauville against the current study's own
liver and blood pool, Lugano 2014 response for lymphoma, PERCIST-style response on SUVmax as
reported for solid tumours (PERCIST is defined on SULpeak, which reports rarely give). Lesion
pairing: a current lesion the report quoted as "previously SUVmax X" must be paired with the
prior lesion of SUVmax X (the quotes are the generator's own truth). Sets: {sources}.

| set | follow-ups | response, Lugano | response, PERCIST | Deauville | lesion pairing |
|---|---|---|---|---|---|
{rows}

The rules were developed on the sample corpus. The first, untuned run there gave response
205/212 (Lugano) and 446/459 (PERCIST), Deauville 201/212, and on the hand-made pairs 33/38
(response) and 35/38 (Deauville). The misses were fixed as classes — a reference value needs
an uptake label ("Anterior mediastinum: 10.0 x 6.8 cm" is no blood pool), a level word refines
the site before it, post-surgical findings are not disease, PERCIST reads every tracer without
a liver threshold (PSMA and DOTATATE lesions sit below the liver), a further lesion at an
already involved site is new only when the report says so, a response needs disease before —
never one report at a time. A first held-out corpus (seed 7) had one miss (a nodule "in the
pancreatic resection bed" read as post-surgical change), which narrowed the post-surgical
words to the ones that describe change, not place. The held-out corpus above (seed 8) was
scored once while a first, too greedy version of that fix was in place (its misses came from
that rule, which the development set also exposed and which was reverted); no rule was
changed on its account. The synthetic corpora share the generator's phrasing; the
hand-made pairs, written by someone who never read the code, are the test of other phrasings.

By time point (response; Deauville for lymphoma):

| set | framework/time point | response | Deauville |
|---|---|---|---|
{by_tp}

Misses:
{misses}
"#
    ))
}
