//! Shared helpers of the workspace end-to-end tests.
pub(crate) mod grpc;
pub(crate) mod qdrant;
