//! `priors similar-cases`: similar prior cases from a running server (gRPC SimilarCases).

use crate::client::{status_error, ClientArgs};
use crate::Ctx;
use anyhow::{bail, Context, Result};
use priors_proto::v1 as pb;
use std::path::PathBuf;
use std::process::ExitCode;

impl Args {
    /// Ask the server and print the hits.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        similar_cases(self, ctx.out.json)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Arguments of `priors similar-cases` (`--json`: `{"hits":[…]}` as `priors search --json`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// File holding findings text to match.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "report_id",
        required_unless_present = "report_id"
    )]
    pub findings_file: Option<PathBuf>,
    /// An existing report whose findings are the query (its patient is excluded).
    #[arg(long)]
    pub report_id: Option<String>,
    /// Reports wanted.
    #[arg(long, default_value_t = 10)]
    pub k: u32,
    /// hybrid, bm25 or dense.
    #[arg(long, default_value = "hybrid")]
    pub mode: String,
    /// Condition KEY=VALUE (tracer, modality, cancer_type, section, since, until).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Patient to leave out (repeatable).
    #[arg(long = "exclude-patient", value_name = "ID")]
    pub exclude_patients: Vec<String>,
    /// One hit per patient (the default: its best-matching report, the others under `also`)
    /// or one per report.
    #[arg(long, default_value = "patient")]
    pub per: String,
    /// Where and how to reach the server.
    #[command(flatten)]
    pub client: ClientArgs,
}

fn similar_cases(args: Args, json: bool) -> Result<()> {
    let mut filter = pb::Filter {
        exclude_patients: args.exclude_patients.clone(),
        ..Default::default()
    };
    for f in &args.filters {
        let (k, v) = f
            .split_once('=')
            .with_context(|| format!("--filter {f}: expected KEY=VALUE"))?;
        let v = v.to_string();
        match k.trim() {
            "tracer" => filter.tracer = v,
            "modality" => filter.modality = v,
            "cancer_type" => filter.cancer_type = v,
            "section" => filter.section = v,
            "since" => filter.since = v,
            "until" => filter.until = v,
            other => bail!("--filter {other}: unknown key (tracer, modality, cancer_type, section, since, until)"),
        }
    }
    let mode = match args.mode.as_str() {
        "hybrid" => pb::SearchMode::Hybrid,
        "bm25" => pb::SearchMode::Bm25,
        "dense" => pb::SearchMode::Dense,
        other => bail!("--mode {other}: expected hybrid, bm25 or dense"),
    };
    let per = match args.per.as_str() {
        "patient" => pb::ResultUnit::Patient,
        "report" => pb::ResultUnit::Report,
        other => bail!("--per {other}: expected patient or report"),
    };
    let query = match (&args.findings_file, &args.report_id) {
        (Some(f), _) => pb::similar_cases_request::Query::Findings(
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?,
        ),
        (None, Some(id)) => pb::similar_cases_request::Query::ReportId(id.clone()),
        (None, None) => bail!("give --findings-file or --report-id"),
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let mut client = pb::report_search_client::ReportSearchClient::new(args.client.channel().await?);
        let req = args.client.request(pb::SimilarCasesRequest {
            query: Some(query),
            filter: Some(filter),
            k: args.k,
            mode: mode as i32,
            per: per as i32,
        })?;
        let resp = client.similar_cases(req).await.map_err(status_error)?.into_inner();
        if json {
            let hits: Vec<serde_json::Value> = resp.hits.iter().map(|h| {
                let mut v = serde_json::json!({
                    "report_id": h.report_id, "patient_id": h.patient_id, "exam_date": h.exam_date,
                    "cancer_type": if h.cancer_type.is_empty() { serde_json::Value::Null } else { h.cancer_type.clone().into() },
                    "section": h.section, "snippet": h.snippet, "score": h.score,
                    "bm25_rank": h.bm25_rank, "dense_rank": h.dense_rank,
                });
                // As `priors search --json`: `also` only when the patient has other reports.
                if !h.also.is_empty() {
                    v["also"] = h.also.iter().map(|a| serde_json::json!({
                        "report_id": a.report_id, "exam_date": a.exam_date, "score": a.score,
                    })).collect();
                }
                v
            }).collect();
            println!("{}", serde_json::json!({ "hits": hits }));
        } else {
            if resp.hits.is_empty() {
                println!("no matching reports");
            }
            for (i, h) in resp.hits.iter().enumerate() {
                println!(
                    "{:>2}. {} {} {} [{}] score {:.4}",
                    i + 1, h.report_id, h.patient_id, h.exam_date,
                    if h.cancer_type.is_empty() { "-" } else { &h.cancer_type }, h.score
                );
                println!("    {}: {}", h.section, h.snippet);
                if !h.also.is_empty() {
                    let also: Vec<String> = h.also.iter().map(|a| format!("{} ({})", a.report_id, a.exam_date)).collect();
                    println!("    also: {}", also.join(", "));
                }
            }
        }
        Ok(())
    })
}
