//! Who is calling, and may they: bearer tokens with scopes, mutual-TLS names, per-caller rate
//! limits. One interceptor ([`Gate`]) on every service, health and reflection included.
//!
//! - **Tokens** (`[[server.tokens]]`) are stored as `sha256$<salt>$<digest>`: the SHA-256 of a
//!   random 16-byte salt followed by the secret. A presented token is hashed with every
//!   configured salt and compared in constant time ([`same`]), all of them, so neither the
//!   position of the first differing byte nor which token matched shows in the timing.
//!   Secrets made by `priors token new` carry 256 random bits, so a fast hash is enough (a
//!   password KDF would cost every call milliseconds and protect nothing more);
//!   [`hash_token`] refuses secrets shorter than [`MIN_SECRET_CHARS`].
//! - The single `server.auth_token` of earlier versions is one more token, named
//!   `auth_token`, with every scope.
//! - **Scopes** follow the RPC's service ([`scope_of`]): `ReportSearch` needs `read`,
//!   `Drafting` and `Staging` need `draft`, `Ingestion` needs `write`, `Admin` needs `admin`;
//!   health and reflection need any valid token. No token → `UNAUTHENTICATED`; a valid token
//!   without the scope → `PERMISSION_DENIED`.
//! - **Names**: with mutual TLS (`server.client_ca`), the client certificate's subject (its
//!   common name when it has one) is the caller's name, the token still giving the scopes
//!   (with no token configured, a certificate signed by the CA grants every scope). Without
//!   mTLS the token's name is the caller's name; with no authentication at all it is
//!   `anonymous`.
//! - **Rate limit**: a token bucket per caller name (`server.rate_per_second`,
//!   `server.rate_burst`); over it → `RESOURCE_EXHAUSTED` with `retry-after-ms` metadata and a
//!   `google.rpc.RetryInfo` detail. Health checks are not counted.
//!
//! The interceptor leaves a [`Caller`] in the request's extensions for the handlers (audit
//! log, stream limits).

use crate::audit::{Audit, Entry};
use priors_core::config::{Scope, TokenConfig};
use priors_core::Config;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tonic::{Request, Status};

/// Shortest secret [`hash_token`] accepts.
pub const MIN_SECRET_CHARS: usize = 16;

/// Metadata key of the retry hint on `RESOURCE_EXHAUSTED` (milliseconds).
pub const RETRY_AFTER_MS: &str = "retry-after-ms";

/// Metadata key of the request id (taken from the caller when it sends a sane one, else made
/// here; answered back and written to the audit log).
pub const REQUEST_ID: &str = "x-request-id";

pub use crate::caller::Caller;

/// The gRPC path of a request, put in its extensions by [`path_layer`].
#[derive(Debug, Clone)]
pub struct RpcPath(pub String);

/// The tower layer that records each request's gRPC path for the [`Gate`] (tonic's
/// interceptors do not see the URI).
pub fn path_layer() -> tower::util::MapRequestLayer<
    fn(http::Request<tonic::body::Body>) -> http::Request<tonic::body::Body>,
> {
    tower::util::MapRequestLayer::new(record_path as fn(_) -> _)
}

fn record_path(mut req: http::Request<tonic::body::Body>) -> http::Request<tonic::body::Body> {
    let path = req.uri().path().to_string();
    req.extensions_mut().insert(RpcPath(path));
    req
}

/// The scope an RPC needs: `Some(scope)`, or `None` for health and reflection (any valid
/// caller) and for paths no service serves (the router answers `UNIMPLEMENTED`).
pub fn scope_of(path: &str) -> Option<Scope> {
    let service = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match service {
        "priors.v1.ReportSearch" => Some(Scope::Read),
        "priors.v1.Drafting" | "priors.v1.Staging" => Some(Scope::Draft),
        "priors.v1.Ingestion" => Some(Scope::Write),
        "priors.v1.Admin" => Some(Scope::Admin),
        _ => None,
    }
}

/// `sha256$<salt hex>$<digest hex>` of `secret` with a fresh random salt.
pub fn hash_token(secret: &str) -> Result<String, String> {
    if secret.chars().count() < MIN_SECRET_CHARS {
        return Err(format!(
            "a token secret needs at least {MIN_SECRET_CHARS} characters \
             (`priors token new` makes one with 256 random bits)"
        ));
    }
    let salt: [u8; 16] = rand::random();
    Ok(format!(
        "sha256${}${}",
        hex(&salt),
        hex(&digest(&salt, secret.as_bytes()))
    ))
}

/// A new random secret: 32 random bytes, hex (64 characters).
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

fn digest(salt: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(secret);
    h.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Equality of two byte strings in time that depends only on their lengths (every byte is
/// looked at; no early exit at the first difference).
pub fn same(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// One configured token, parsed.
#[derive(Clone)]
struct Hashed {
    name: String,
    salt: Vec<u8>,
    digest: Vec<u8>,
    scopes: BTreeSet<Scope>,
}

impl Hashed {
    fn parse(t: &TokenConfig) -> Result<Self, String> {
        let mut parts = t.hash.split('$');
        let (Some("sha256"), Some(salt), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "token {:?}: hash is not sha256$<salt>$<digest>",
                t.name
            ));
        };
        let (Some(salt), Some(digest)) = (unhex(salt), unhex(d)) else {
            return Err(format!("token {:?}: hash is not hexadecimal", t.name));
        };
        if digest.len() != 32 || salt.is_empty() {
            return Err(format!("token {:?}: hash has the wrong length", t.name));
        }
        Ok(Hashed {
            name: t.name.clone(),
            salt,
            digest,
            scopes: t.scopes.iter().copied().collect(),
        })
    }
}

/// Why a caller was turned away, before the scope check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Missing,
    Invalid,
}

/// Token buckets, one per caller name.
struct Limiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    /// Take one call from `name`'s bucket, or say how long until one is there.
    fn take(&self, name: &str, now: Instant) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, at) = buckets.entry(name.to_string()).or_insert((self.burst, now));
        let elapsed = now.saturating_duration_since(*at).as_secs_f64();
        *tokens = (*tokens + elapsed * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.rate))
        }
    }
}

/// Failed authentications written to the audit log, at most `per_minute`.
struct FailedAuthLog {
    per_minute: u32,
    state: Mutex<(Instant, u32, u64)>, // window start, logged in window, suppressed since
}

/// The interceptor: authentication, scope, rate limit; see the module documentation.
#[derive(Clone)]
pub struct Gate {
    inner: Arc<GateInner>,
}

struct GateInner {
    tokens: Vec<Hashed>,
    mtls: bool,
    limiter: Limiter,
    audit: Arc<Audit>,
    failed: FailedAuthLog,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("tokens", &self.inner.tokens.len())
            .field("mtls", &self.inner.mtls)
            .finish_non_exhaustive()
    }
}

impl Gate {
    /// The gate of `config` (its tokens, mTLS setting and rate limit), logging refusals to
    /// `audit`.
    pub fn new(config: &Config, audit: Arc<Audit>) -> Result<Self, String> {
        let sv = &config.server;
        let mut tokens = sv
            .tokens
            .iter()
            .map(Hashed::parse)
            .collect::<Result<Vec<_>, _>>()?;
        if !sv.auth_token.is_empty() {
            let salt: [u8; 16] = rand::random();
            tokens.push(Hashed {
                name: "auth_token".into(),
                salt: salt.to_vec(),
                digest: digest(&salt, sv.auth_token.as_bytes()).to_vec(),
                scopes: Scope::ALL.into_iter().collect(),
            });
        }
        Ok(Gate {
            inner: Arc::new(GateInner {
                tokens,
                mtls: !sv.client_ca.as_os_str().is_empty(),
                limiter: Limiter {
                    rate: sv.rate_per_second,
                    burst: f64::from(sv.rate_burst.max(1)),
                    buckets: Mutex::new(HashMap::new()),
                },
                audit,
                failed: FailedAuthLog {
                    per_minute: config.audit.failed_auth_per_minute,
                    state: Mutex::new((Instant::now(), 0, 0)),
                },
            }),
        })
    }

    /// The token `presented` matches, if any: every configured token is checked, each in
    /// constant time.
    fn find(&self, presented: &[u8]) -> Option<&Hashed> {
        let mut found = None;
        for t in &self.inner.tokens {
            if same(&digest(&t.salt, presented), &t.digest) && found.is_none() {
                found = Some(t);
            }
        }
        found
    }

    /// Decide one request: the caller, or the status that refuses it.
    fn admit(&self, request: &Request<()>) -> Result<Caller, Status> {
        let rpc = request
            .extensions()
            .get::<RpcPath>()
            .map(|p| p.0.clone())
            .unwrap_or_default();
        let request_id = request
            .metadata()
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            })
            .map_or_else(new_request_id, str::to_string);
        let subject = request
            .peer_certs()
            .and_then(|certs| certs.first().and_then(|c| subject_name(c.as_ref())));
        let needed = scope_of(&rpc);

        let presented = request
            .metadata()
            .get("authorization")
            .map(|v| v.as_bytes())
            .map(|v| v.strip_prefix(b"Bearer ").unwrap_or(b""));
        let (token, scopes) = if self.inner.tokens.is_empty() {
            (None, Scope::ALL.into_iter().collect())
        } else {
            let found = match presented {
                None => Err(Refusal::Missing),
                Some(p) => self.find(p).ok_or(Refusal::Invalid),
            };
            match found {
                Ok(t) => (Some(t.name.clone()), t.scopes.clone()),
                Err(why) => {
                    self.log_failed(&rpc, &request_id, subject.as_deref(), why);
                    return Err(match why {
                        Refusal::Missing => Status::unauthenticated(
                            "missing `authorization: Bearer <token>` metadata",
                        ),
                        Refusal::Invalid => Status::unauthenticated("invalid bearer token"),
                    });
                }
            }
        };
        let name = subject
            .or_else(|| token.clone())
            .unwrap_or_else(|| "anonymous".to_string());
        let caller = Caller {
            name,
            token,
            scopes,
            request_id,
            rpc,
        };
        if let Some(scope) = needed {
            if !caller.scopes.contains(&scope) {
                let status = Status::permission_denied(format!(
                    "caller {:?} lacks the `{}` scope that {} needs",
                    caller.name,
                    scope.as_str(),
                    caller.rpc
                ));
                self.inner.audit.record(Entry::refused(&caller, &status));
                return Err(status);
            }
        }
        if !caller.rpc.starts_with("/grpc.health.") {
            if let Err(wait) = self.inner.limiter.take(&caller.name, Instant::now()) {
                return Err(rate_limited(&caller.name, wait));
            }
        }
        Ok(caller)
    }

    fn log_failed(&self, rpc: &str, request_id: &str, subject: Option<&str>, why: Refusal) {
        let f = &self.inner.failed;
        let mut st = f.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if now.duration_since(st.0) >= Duration::from_secs(60) {
            *st = (now, 0, st.2);
        }
        if st.1 >= f.per_minute {
            st.2 += 1;
            return;
        }
        st.1 += 1;
        let suppressed = std::mem::take(&mut st.2);
        drop(st);
        self.inner.audit.record(Entry::failed_auth(
            rpc,
            request_id,
            subject,
            match why {
                Refusal::Missing => "missing token",
                Refusal::Invalid => "invalid token",
            },
            suppressed,
        ));
    }
}

impl tonic::service::Interceptor for Gate {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        let caller = self.admit(&request)?;
        request.extensions_mut().insert(caller);
        Ok(request)
    }
}

/// `RESOURCE_EXHAUSTED` with a retry hint: `retry-after-ms` metadata and a
/// `google.rpc.RetryInfo` detail.
pub fn rate_limited(name: &str, wait: Duration) -> Status {
    use tonic_types::{ErrorDetails, StatusExt};
    let ms = wait.as_millis().max(1) as u64;
    let mut status = Status::with_error_details(
        tonic::Code::ResourceExhausted,
        format!("rate limit of caller {name:?} reached (server.rate_per_second); retry in {ms} ms"),
        ErrorDetails::with_retry_info(Some(Duration::from_millis(ms))),
    );
    if let Ok(v) = ms.to_string().parse() {
        status.metadata_mut().insert(RETRY_AFTER_MS, v);
    }
    status
}

/// A fresh request id: 16 random bytes, hex.
pub fn new_request_id() -> String {
    let b: [u8; 16] = rand::random();
    hex(&b)
}

/// The caller name a DER certificate gives: its subject's common name, else the whole
/// subject.
pub fn subject_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let subject = cert.subject();
    if let Some(cn) = subject.iter_common_name().next() {
        if let Ok(s) = cn.as_str() {
            return Some(s.to_string());
        }
    }
    let whole = subject.to_string();
    (!whole.is_empty()).then_some(whole)
}

/// The caller of a request that passed the [`Gate`] (an `anonymous` caller with every scope
/// for a request that did not go through it, as in unit tests of a handler).
pub fn caller_of<T>(request: &Request<T>) -> Caller {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or_else(|| Caller {
            name: "anonymous".into(),
            token: None,
            scopes: Scope::ALL.into_iter().collect(),
            request_id: new_request_id(),
            rpc: String::new(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_equality_is_equality() {
        assert!(same(b"", b""));
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"xbc"));
        assert!(!same(b"abc", b"abcd"));
        assert!(!same(b"abcd", b"abc"));
        // Every byte position can make the difference (no early exit that skips a byte).
        let a = [7u8; 64];
        for i in 0..64 {
            let mut b = a;
            b[i] ^= 1;
            assert!(!same(&a, &b), "difference at byte {i}");
        }
    }

    #[test]
    fn a_hash_verifies_its_secret_and_nothing_else() {
        let secret = "correct horse battery staple";
        let h = hash_token(secret).unwrap();
        let h2 = hash_token(secret).unwrap();
        assert_ne!(
            h, h2,
            "salted: the same secret hashes differently each time"
        );
        assert!(!h.contains(secret));
        let t = Hashed::parse(&TokenConfig {
            name: "w".into(),
            hash: h,
            scopes: vec![Scope::Read],
        })
        .unwrap();
        assert!(same(&digest(&t.salt, secret.as_bytes()), &t.digest));
        assert!(!same(
            &digest(&t.salt, b"correct horse battery stapler"),
            &t.digest
        ));
        assert!(hash_token("short").is_err());
        assert_eq!(new_secret().len(), 64);
        assert_ne!(new_secret(), new_secret());
    }

    #[test]
    fn malformed_hashes_are_refused() {
        for bad in ["sha256$zz$00", "sha256$00", "md5$00$00", "sha256$0011$0011"] {
            let t = TokenConfig {
                name: "w".into(),
                hash: bad.into(),
                scopes: vec![Scope::Read],
            };
            assert!(Hashed::parse(&t).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_service_has_its_scope() {
        assert_eq!(
            scope_of("/priors.v1.ReportSearch/GetReport"),
            Some(Scope::Read)
        );
        assert_eq!(
            scope_of("/priors.v1.Drafting/DraftImpression"),
            Some(Scope::Draft)
        );
        assert_eq!(scope_of("/priors.v1.Staging/Stage"), Some(Scope::Draft));
        assert_eq!(
            scope_of("/priors.v1.Ingestion/DeleteReport"),
            Some(Scope::Write)
        );
        assert_eq!(scope_of("/priors.v1.Admin/Stats"), Some(Scope::Admin));
        assert_eq!(scope_of("/grpc.health.v1.Health/Check"), None);
    }

    #[test]
    fn failed_authentications_are_logged_at_most_so_often() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let audit = Audit::open(&path, 1 << 20, 0).unwrap();
        let mut config = Config::default();
        config.audit.failed_auth_per_minute = 2;
        let gate = Gate::new(&config, audit).unwrap();
        for i in 0..5 {
            gate.log_failed(
                "/priors.v1.Staging/Ask",
                &i.to_string(),
                None,
                Refusal::Invalid,
            );
        }
        let log = crate::audit::read(&path).unwrap();
        assert_eq!(log.entries.len(), 2, "{:?}", log.entries);
        assert!(log
            .entries
            .iter()
            .all(|e| e.status == "UNAUTHENTICATED" && e.caller == "?"));
        // A new minute: the next one is logged and counts the three left out.
        let mut st = gate.inner.failed.state.lock().unwrap();
        st.0 = st.0.checked_sub(Duration::from_secs(61)).unwrap();
        drop(st);
        gate.log_failed("/priors.v1.Staging/Ask", "6", None, Refusal::Missing);
        let log = crate::audit::read(&path).unwrap();
        assert_eq!(log.entries.len(), 3);
        let d = log.entries[2].detail.as_deref().unwrap();
        assert!(d.starts_with("missing token; 3 more"), "{d}");
    }

    #[test]
    fn the_bucket_allows_the_burst_then_the_rate() {
        let l = Limiter {
            rate: 10.0,
            burst: 3.0,
            buckets: Mutex::new(HashMap::new()),
        };
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.take("a", t0).is_ok());
        }
        let wait = l.take("a", t0).unwrap_err();
        assert!(
            wait > Duration::from_millis(90) && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        assert!(l.take("b", t0).is_ok(), "buckets are per caller");
        assert!(l.take("a", t0 + Duration::from_millis(100)).is_ok());
        assert!(l.take("a", t0 + Duration::from_millis(100)).is_err());
    }
}
