//! What the gRPC client commands (`priors draft`, `priors similar-cases`) share: where and how
//! to reach a server, and how its errors are shown.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Duration;
use tonic::metadata::MetadataValue;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

/// Where and how to reach a server.
#[derive(Debug, Clone, clap::Args)]
pub struct ClientArgs {
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
    /// Arguments for `addr` (`http(s)://host:port`), made by a command rather than parsed.
    pub fn new(
        addr: String,
        token: Option<String>,
        ca_cert: Option<PathBuf>,
        timeout: Duration,
    ) -> Self {
        ClientArgs {
            addr,
            token,
            ca_cert,
            timeout_ms: timeout.as_millis() as u64,
        }
    }

    pub(crate) async fn channel(&self) -> Result<Channel> {
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

    pub(crate) fn request<T>(&self, message: T) -> Result<tonic::Request<T>> {
        let mut r = tonic::Request::new(message);
        r.set_timeout(Duration::from_millis(self.timeout_ms));
        if let Some(t) = &self.token {
            let v: MetadataValue<_> = format!("Bearer {t}").parse().context("token")?;
            r.metadata_mut().insert("authorization", v);
        }
        Ok(r)
    }
}

pub(crate) fn status_error(s: tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("server answered {:?}: {}", s.code(), s.message())
}
