//! The `priors` gRPC server (`priors serve`).
//!
//! Services of `proto/priors/v1/priors.proto`: `ReportSearch`, `Drafting`, `Ingestion`,
//! `Staging`, `Admin`, plus the standard `grpc.health.v1.Health` and server reflection (v1 and
//! v1alpha), so `grpcurl` and any gRPC client work without our code.
//!
//! Cross-cutting rules, each in one place:
//! - errors become gRPC statuses only in [`status`] (`InvalidArgument` with field
//!   violations, `NotFound`, `ResourceExhausted`, `DeadlineExceeded`, `Unavailable`,
//!   `Internal`);
//! - who calls and whether they may is decided by one interceptor ([`auth::Gate`]: hashed,
//!   scoped tokens, mutual-TLS names, per-caller rate limits) on every service, health and
//!   reflection included;
//! - every call that returns patient data or report text, every write and every refused
//!   caller leaves one line in the audit log ([`audit`]), written before the answer;
//! - the concurrency limit is a semaphore taken by every RPC (over the limit:
//!   `ResourceExhausted`), message sizes are capped by tonic, calls without a deadline get
//!   `server.request_timeout_ms`;
//! - CPU-bound work (embedding, search, ingest) runs on blocking threads;
//! - report text is never logged at info level (only ids and counts).

mod admin;
pub mod audit;
pub mod auth;
pub mod caller;
mod case;
mod drafting;
mod ingestion;
mod search;
mod staging;
pub mod state;
pub mod status;

pub use state::AppState;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The listen address could not be bound (in use, not local, malformed).
    #[error("binding {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// A TLS file could not be read.
    #[error("reading {path}: {source}")]
    TlsFile {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TLS configuration was refused.
    #[error("TLS configuration: {0}")]
    Tls(tonic::transport::Error),
    /// The credentials in the configuration were refused.
    #[error("server.tokens: {0}")]
    Credentials(String),
    /// The reflection service could not be built.
    #[error("building the reflection service: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The caller's `ready` step failed.
    #[error("{0}")]
    Ready(std::io::Error),
    /// The transport failed while serving.
    #[error("gRPC server: {0}")]
    Transport(tonic::transport::Error),
}

/// Result alias for this crate.
pub type Result<T, E = ServerError> = std::result::Result<T, E>;

use priors_proto::v1::{
    admin_server::AdminServer, drafting_server::DraftingServer, ingestion_server::IngestionServer,
    report_search_server::ReportSearchServer, staging_server::StagingServer,
};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};

/// Serve on `listener` until `shutdown` resolves, then drain in-flight calls and return.
///
/// The caller binds the listener (so `127.0.0.1:0` works and the bound port is known
/// before the first call).
///
/// `ready` runs once everything is set up (TLS files read, services built), just before the
/// first call is accepted.
pub async fn serve(
    state: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    ready: impl FnOnce() -> std::io::Result<()>,
) -> Result<()> {
    let config = state.config.clone();
    let max = config.server.max_message_bytes;
    let cap = max.saturating_mul(state::TRANSPORT_CAP_FACTOR);
    let interceptor =
        auth::Gate::new(&config, state.audit.clone()).map_err(ServerError::Credentials)?;

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_serving::<ReportSearchServer<search::ReportSearchService>>()
        .await;
    health_reporter
        .set_serving::<DraftingServer<drafting::DraftingService>>()
        .await;
    health_reporter
        .set_serving::<IngestionServer<ingestion::IngestionService>>()
        .await;
    health_reporter
        .set_serving::<StagingServer<staging::StagingService>>()
        .await;
    health_reporter
        .set_serving::<AdminServer<admin::AdminService>>()
        .await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(priors_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(priors_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let search = ReportSearchServer::new(search::ReportSearchService::new(state.clone()))
        .max_decoding_message_size(cap)
        .max_encoding_message_size(max);
    let drafting = DraftingServer::new(drafting::DraftingService::new(state.clone()))
        .max_decoding_message_size(cap)
        .max_encoding_message_size(max);
    let ingestion = IngestionServer::new(ingestion::IngestionService::new(state.clone()))
        .max_decoding_message_size(cap)
        .max_encoding_message_size(max);
    let staging = StagingServer::new(staging::StagingService::new(state.clone()))
        .max_decoding_message_size(cap)
        .max_encoding_message_size(max);
    let admin = AdminServer::new(admin::AdminService::new(state.clone()))
        .max_decoding_message_size(cap)
        .max_encoding_message_size(max);

    // No `Server::timeout`: its expiry answers CANCELLED. Handlers enforce the deadline
    // themselves (`AppState::deadline`), answering DEADLINE_EXCEEDED.
    let mut builder = Server::builder();
    if !config.server.tls_cert.as_os_str().is_empty() {
        let read = |path: &std::path::PathBuf| {
            std::fs::read(path).map_err(|source| ServerError::TlsFile {
                path: path.clone(),
                source,
            })
        };
        let cert = read(&config.server.tls_cert)?;
        let key = read(&config.server.tls_key)?;
        let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(cert, key));
        if !config.server.client_ca.as_os_str().is_empty() {
            // Mutual TLS: a client without a certificate signed by this CA cannot connect.
            let ca = read(&config.server.client_ca)?;
            tls = tls
                .client_ca_root(Certificate::from_pem(ca))
                .client_auth_optional(false);
        }
        builder = builder.tls_config(tls).map_err(ServerError::Tls)?;
    }
    let router = builder
        .layer(auth::path_layer())
        .add_service(with_auth(health_service, &interceptor))
        .add_service(with_auth(reflection_v1, &interceptor))
        .add_service(with_auth(reflection_v1alpha, &interceptor))
        .add_service(with_auth(search, &interceptor))
        .add_service(with_auth(drafting, &interceptor))
        .add_service(with_auth(ingestion, &interceptor))
        .add_service(with_auth(staging, &interceptor))
        .add_service(with_auth(admin, &interceptor));
    // TCP_NODELAY on every accepted connection (`Server::tcp_nodelay` only reaches sockets the
    // server binds itself). Without it a reply waits on Nagle's algorithm and the client's
    // delayed ACK: SimilarCases p50 was ~40 ms above the search it runs.
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    ready().map_err(ServerError::Ready)?;
    router
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
        .map_err(ServerError::Transport)?;
    Ok(())
}

/// Bind `addr` (e.g. `127.0.0.1:50051`, or port 0 for any free port).
pub async fn bind(addr: &str) -> Result<(tokio::net::TcpListener, SocketAddr)> {
    let bind_error = |source| ServerError::Bind {
        addr: addr.to_string(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((listener, local))
}

/// Install the process-wide rustls crypto provider (ring), once. Needed before any TLS
/// (server or LLM client) is set up; harmless to call again.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn with_auth<S>(
    svc: S,
    auth: &auth::Gate,
) -> tonic::service::interceptor::InterceptedService<S, auth::Gate> {
    tonic::service::interceptor::InterceptedService::new(svc, auth.clone())
}
