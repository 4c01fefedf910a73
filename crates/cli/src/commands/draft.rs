//! `priors draft`: a cited impression drafted by a running server (gRPC DraftImpression).

use crate::client::{status_error, ClientArgs};
use crate::Ctx;
use anyhow::{bail, Context, Result};
use priors_proto::v1 as pb;
use std::path::PathBuf;
use std::process::ExitCode;

impl Args {
    /// Stream the draft (or print it as JSON).
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        draft(self, ctx.out.json)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Arguments of `priors draft` (`--json`: the final draft as one object instead of
/// streaming text).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File holding the findings (UTF-8 text).
    #[arg(long, value_name = "FILE")]
    pub findings_file: PathBuf,
    /// Clinical indication.
    #[arg(long, default_value = "")]
    pub indication: String,
    /// Comparison statement.
    #[arg(long, default_value = "")]
    pub comparison: String,
    /// Current patient (excluded from prior cases).
    #[arg(long, default_value = "")]
    pub patient_id: String,
    /// Date of the current exam, YYYY-MM-DD (default: today): with --patient-id, the
    /// patient's latest stored study before it is compared with the findings ([P1]).
    #[arg(long, default_value = "")]
    pub exam_date: String,
    /// Prior cases to retrieve (0 = server default).
    #[arg(long, default_value_t = 0)]
    pub k: u32,
    /// `extractive`, `llm`, or the server's default when absent.
    #[arg(long)]
    pub mode: Option<String>,
    /// Where and how to reach the server.
    #[command(flatten)]
    pub client: ClientArgs,
}

fn draft(args: Args, json: bool) -> Result<()> {
    let findings = std::fs::read_to_string(&args.findings_file)
        .with_context(|| format!("reading {}", args.findings_file.display()))?;
    let mode = match args.mode.as_deref() {
        None => pb::DraftMode::Unspecified,
        Some("extractive") => pb::DraftMode::Extractive,
        Some("llm") => pb::DraftMode::Llm,
        Some(other) => bail!("--mode {other}: expected extractive or llm"),
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let mut client = pb::drafting_client::DraftingClient::new(args.client.channel().await?);
        let req = args.client.request(pb::DraftRequest {
            findings,
            indication: args.indication.clone(),
            comparison: args.comparison.clone(),
            patient_id: args.patient_id.clone(),
            k: args.k,
            mode: mode as i32,
            exam_date: args.exam_date.clone(),
        })?;
        let mut stream = client
            .draft_impression(req)
            .await
            .map_err(status_error)?
            .into_inner();
        let mut last = None;
        while let Some(ev) = stream.message().await.map_err(status_error)? {
            match ev.event {
                Some(pb::draft_event::Event::Sentence(s)) if !json => println!("{}", s.text),
                Some(pb::draft_event::Event::Restart(r)) if !json => {
                    println!("-- withdrawn: {} --", r.reason)
                }
                Some(pb::draft_event::Event::Final(d)) => last = Some(d),
                _ => {}
            }
        }
        let d = last.context("the stream ended without a final draft")?;
        if json {
            println!("{}", serde_json::to_string(&draft_json(&d))?);
            return Ok(());
        }
        println!();
        println!(
            "mode: {}{}",
            d.mode,
            if d.fallback_reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", d.fallback_reason)
            }
        );
        if let Some(v) = &d.verification {
            println!(
                "verification: {} of {} proposed sentences kept{}",
                v.sentences_kept,
                v.sentences_proposed,
                if v.removed.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; removed: {}",
                        v.removed
                            .iter()
                            .map(|r| if r.detail.is_empty() {
                                r.reason.clone()
                            } else {
                                format!("{} ({})", r.reason, r.detail)
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
        }
        println!("sources:");
        for s in &d.sources {
            match pb::SourceKind::try_from(s.kind) {
                Ok(pb::SourceKind::PriorCase) => println!(
                    "  [{}] prior report {} ({}, {}, {})",
                    s.id,
                    s.ref_id,
                    s.patient_id,
                    s.exam_date,
                    if s.title.is_empty() { "-" } else { &s.title }
                ),
                Ok(pb::SourceKind::PatientStudy) => println!(
                    "  [{}] this patient's study {} ({}, {})",
                    s.id, s.ref_id, s.patient_id, s.exam_date
                ),
                _ => println!("  [{}] {} — {} ({})", s.id, s.ref_id, s.title, s.citation),
            }
        }
        Ok(())
    })
}

/// A draft as JSON (the `--json` contract, documented in the README).
fn draft_json(d: &pb::Draft) -> serde_json::Value {
    let v = d.verification.clone().unwrap_or_default();
    serde_json::json!({
        "text": d.text,
        "mode": d.mode,
        "fallback_reason": d.fallback_reason,
        "staging_summary": d.staging_summary,
        "sentences": d.sentences.iter().map(|s| serde_json::json!({
            "index": s.index, "text": s.text, "citations": s.citations,
        })).collect::<Vec<_>>(),
        "sources": d.sources.iter().map(|s| serde_json::json!({
            "id": s.id,
            "kind": match pb::SourceKind::try_from(s.kind) {
                Ok(pb::SourceKind::PriorCase) => "prior_case",
                Ok(pb::SourceKind::Guideline) => "guideline",
                Ok(pb::SourceKind::PatientStudy) => "patient_study",
                _ => "unspecified",
            },
            "ref_id": s.ref_id, "patient_id": s.patient_id, "exam_date": s.exam_date,
            "title": s.title, "citation": s.citation, "snippet": s.snippet, "text": s.text, "score": s.score,
        })).collect::<Vec<_>>(),
        "verification": {
            "verified": v.verified,
            "sentences_proposed": v.sentences_proposed,
            "sentences_kept": v.sentences_kept,
            "sentences_withdrawn": v.sentences_withdrawn,
            "removed": v.removed.iter().map(|r| serde_json::json!({"reason": r.reason, "detail": r.detail})).collect::<Vec<_>>(),
        },
    })
}
