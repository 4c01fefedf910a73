//! The one mapping from errors to gRPC statuses.

use priors_app::AppError;
use priors_generation::GenerationError;
use priors_retrieval::RetrievalError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// `INVALID_ARGUMENT` with a `google.rpc.BadRequest` field violation.
pub fn invalid(field: &str, description: impl Into<String>) -> Status {
    let description = description.into();
    let details = ErrorDetails::with_bad_request_violation(field, description.clone());
    Status::with_error_details(
        Code::InvalidArgument,
        format!("invalid {field}: {description}"),
        details,
    )
}

/// `INVALID_ARGUMENT` (field violation "must not be empty") for a blank required field.
pub fn required(field: &str, value: &str) -> Result<(), Status> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    Ok(())
}

/// `NOT_FOUND` for an id.
pub fn not_found(what: &str, id: &str) -> Status {
    Status::not_found(format!("{what} not found: {id}"))
}

/// `RESOURCE_EXHAUSTED`.
pub fn exhausted(message: impl Into<String>) -> Status {
    Status::resource_exhausted(message.into())
}

/// `DEADLINE_EXCEEDED`.
pub fn deadline() -> Status {
    Status::deadline_exceeded("the request's deadline passed before it could be answered")
}

/// `UNAVAILABLE`: a storage engine or the server itself failed in a way a retry may fix.
pub fn unavailable(message: impl Into<String>) -> Status {
    Status::unavailable(message.into())
}

/// A failed blocking task (panic or shutdown).
pub fn task(e: tokio::task::JoinError) -> Status {
    tracing::error!(error = %e, "worker task failed");
    Status::internal("internal error (worker task failed)")
}

/// Retrieval errors.
pub fn retrieval(e: RetrievalError) -> Status {
    match e {
        RetrievalError::Invalid { field, reason } => invalid(field, reason),
        RetrievalError::NotFound { what, id } => not_found(what, &id),
        RetrievalError::Engine { engine, message } => {
            tracing::error!(engine, error = %message, "storage engine failed");
            unavailable(format!("{engine} failed: {message}"))
        }
    }
}

/// Drafting errors.
pub fn generation(e: GenerationError) -> Status {
    match e {
        GenerationError::Invalid { field, reason } => invalid(field, reason),
        GenerationError::Retrieval(e) => retrieval(e),
        GenerationError::DeadlineExceeded => deadline(),
        GenerationError::Internal(m) => {
            tracing::error!(error = %m, "drafting failed");
            Status::internal(m)
        }
    }
}

/// Ingest pipeline errors (per-record problems are not errors: they are in the summary).
pub fn ingest(e: priors_ingest::IngestError) -> Status {
    tracing::error!(error = %e, "ingest failed");
    unavailable(format!("ingest failed: {e}"))
}

/// Store errors.
pub fn store(e: priors_store::StoreError) -> Status {
    tracing::error!(error = %e, "store failed");
    unavailable(format!("store failed: {e}"))
}

/// Application errors: the caller's faults as `INVALID_ARGUMENT` / `NOT_FOUND`, the layers'
/// own errors through their mappings above.
pub fn app(e: AppError) -> Status {
    match e {
        AppError::Invalid { field, reason } => invalid(field, reason),
        AppError::NoCollection(name) => {
            Status::failed_precondition(AppError::NoCollection(name).to_string())
        }
        AppError::Retrieval(e) => retrieval(e),
        AppError::Generation(e) => generation(e),
        AppError::Ingest(e) => ingest(e),
        AppError::Store(e) => store(e),
        other => {
            tracing::error!(error = %other, "operation failed");
            unavailable(other.to_string())
        }
    }
}
