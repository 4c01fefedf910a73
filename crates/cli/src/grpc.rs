//! `priors serve` and the gRPC client commands `priors draft` and `priors similar-cases`.

use anyhow::{bail, Context, Result};
use priors_core::Config;
use priors_proto::v1 as pb;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tonic::metadata::MetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

/// Run the server until SIGINT/SIGTERM. With `port_file`, the bound address is written there
/// once the server accepts connections (so callers may bind port 0).
pub(crate) fn serve(config: Config, addr: Option<String>, port_file: Option<&Path>) -> Result<()> {
    priors_server::install_crypto_provider();
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    rt.block_on(async move {
        let addr = addr.unwrap_or_else(|| config.server.addr.clone());
        let state = {
            let config = config.clone();
            tokio::task::spawn_blocking(move || priors_server::AppState::open(config)).await??
        };
        let (listener, local) = priors_server::bind(&addr).await?;
        let ready = || -> Result<()> {
            if let Some(p) = port_file {
                let tmp = p.with_extension("tmp");
                std::fs::write(&tmp, local.to_string())
                    .with_context(|| format!("writing {}", tmp.display()))?;
                std::fs::rename(&tmp, p).with_context(|| format!("writing {}", p.display()))?;
            }
            eprintln!(
                "priors: serving gRPC on {local} ({}; LLM: {})",
                if config.server.tls_cert.as_os_str().is_empty() {
                    "plaintext"
                } else {
                    "TLS"
                },
                if config.llm.base_url.is_empty() {
                    "none, extractive drafting"
                } else {
                    config.llm.base_url.as_str()
                }
            );
            Ok(())
        };
        priors_server::serve(Arc::new(state), listener, shutdown_signal(), ready).await?;
        eprintln!("priors: server stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("priors: shutting down (draining in-flight calls)");
}

/// Where and how to reach a server.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ClientArgs {
    /// Server address: `host:port` or `http(s)://host:port`.
    #[arg(long, default_value = "127.0.0.1:50051", env = "PRIORS_ADDR")]
    addr: String,
    /// Bearer token, when the server requires one.
    #[arg(long, env = "PRIORS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// CA certificate (PEM) to trust for a TLS server; implies https.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Deadline of the call, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    timeout_ms: u64,
}

impl ClientArgs {
    async fn channel(&self) -> Result<Channel> {
        let tls = self.ca_cert.is_some() || self.addr.starts_with("https://");
        let uri = if self.addr.contains("://") {
            self.addr.clone()
        } else if tls {
            format!("https://{}", self.addr)
        } else {
            format!("http://{}", self.addr)
        };
        let mut ep = Endpoint::from_shared(uri.clone())
            .with_context(|| format!("bad server address {uri}"))?
            .connect_timeout(Duration::from_secs(5));
        if tls {
            priors_server::install_crypto_provider();
            let mut cfg = ClientTlsConfig::new();
            if let Some(ca) = &self.ca_cert {
                let pem = std::fs::read(ca).with_context(|| format!("reading {}", ca.display()))?;
                cfg = cfg.ca_certificate(Certificate::from_pem(pem));
            }
            ep = ep.tls_config(cfg)?;
        }
        ep.connect()
            .await
            .with_context(|| format!("connecting to {uri} (is `priors serve` running?)"))
    }

    fn request<T>(&self, message: T) -> Result<tonic::Request<T>> {
        let mut r = tonic::Request::new(message);
        r.set_timeout(Duration::from_millis(self.timeout_ms));
        if let Some(t) = &self.token {
            let v: MetadataValue<_> = format!("Bearer {t}").parse().context("token")?;
            r.metadata_mut().insert("authorization", v);
        }
        Ok(r)
    }
}

fn status_error(s: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("server answered {:?}: {}", s.code(), s.message())
}

/// Options of `priors draft`.
#[derive(Debug, clap::Args)]
pub(crate) struct DraftArgs {
    /// File holding the findings (UTF-8 text).
    #[arg(long, value_name = "FILE")]
    findings_file: PathBuf,
    /// Clinical indication.
    #[arg(long, default_value = "")]
    indication: String,
    /// Comparison statement.
    #[arg(long, default_value = "")]
    comparison: String,
    /// Current patient (excluded from prior cases).
    #[arg(long, default_value = "")]
    patient_id: String,
    /// Prior cases to retrieve (0 = server default).
    #[arg(long, default_value_t = 0)]
    k: u32,
    /// `extractive`, `llm`, or the server's default when absent.
    #[arg(long)]
    mode: Option<String>,
    /// Print the final draft as JSON (one object) instead of streaming text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    client: ClientArgs,
}

pub(crate) fn draft(args: DraftArgs) -> Result<()> {
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
        })?;
        let mut stream = client
            .draft_impression(req)
            .await
            .map_err(status_error)?
            .into_inner();
        let mut last = None;
        while let Some(ev) = stream.message().await.map_err(status_error)? {
            match ev.event {
                Some(pb::draft_event::Event::Sentence(s)) if !args.json => println!("{}", s.text),
                Some(pb::draft_event::Event::Restart(r)) if !args.json => {
                    println!("-- withdrawn: {} --", r.reason)
                }
                Some(pb::draft_event::Event::Final(d)) => last = Some(d),
                _ => {}
            }
        }
        let d = last.context("the stream ended without a final draft")?;
        if args.json {
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

/// Options of `priors similar-cases`.
#[derive(Debug, clap::Args)]
pub(crate) struct SimilarCasesArgs {
    /// File holding findings text to match.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "report_id",
        required_unless_present = "report_id"
    )]
    findings_file: Option<PathBuf>,
    /// An existing report whose findings are the query (its patient is excluded).
    #[arg(long)]
    report_id: Option<String>,
    /// Reports wanted.
    #[arg(long, default_value_t = 10)]
    k: u32,
    /// hybrid, bm25 or dense.
    #[arg(long, default_value = "hybrid")]
    mode: String,
    /// Condition KEY=VALUE (tracer, modality, cancer_type, section, since, until).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    filters: Vec<String>,
    /// Patient to leave out (repeatable).
    #[arg(long = "exclude-patient", value_name = "ID")]
    exclude_patients: Vec<String>,
    /// Print `{"hits":[…]}` as `priors search --json` does.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    client: ClientArgs,
}

pub(crate) fn similar_cases(args: SimilarCasesArgs) -> Result<()> {
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
        })?;
        let resp = client.similar_cases(req).await.map_err(status_error)?.into_inner();
        if args.json {
            let hits: Vec<serde_json::Value> = resp.hits.iter().map(|h| serde_json::json!({
                "report_id": h.report_id, "patient_id": h.patient_id, "exam_date": h.exam_date,
                "cancer_type": if h.cancer_type.is_empty() { serde_json::Value::Null } else { h.cancer_type.clone().into() },
                "section": h.section, "snippet": h.snippet, "score": h.score,
                "bm25_rank": h.bm25_rank, "dense_rank": h.dense_rank,
            })).collect();
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
            }
        }
        Ok(())
    })
}
