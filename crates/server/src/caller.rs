//! Who is calling: what the [`crate::auth::Gate`] decided about a request, read by the
//! handlers (audit lines, stream limits).

use priors_core::config::Scope;
use std::collections::BTreeSet;

/// The authenticated caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Certificate subject, token name, or `anonymous`.
    pub name: String,
    /// The token's name, when a token was presented.
    pub token: Option<String>,
    /// What the caller may do.
    pub scopes: BTreeSet<Scope>,
    /// The request id.
    pub request_id: String,
    /// The gRPC path (`/priors.v1.ReportSearch/GetReport`).
    pub rpc: String,
}
