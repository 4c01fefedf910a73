//! Generated code for the `priors.v1` gRPC API (`proto/priors/v1/priors.proto`).
//!
//! Messages are prost structs; `*_client` modules hold tonic clients and `*_server` modules
//! the service traits. [`FILE_DESCRIPTOR_SET`] feeds the server reflection service.

/// The `priors.v1` package.
#[allow(missing_docs, unreachable_pub, clippy::all)]
pub mod v1 {
    tonic::include_proto!("priors.v1");
}

/// Encoded `FileDescriptorSet` of `priors.v1`, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/priors_descriptor.bin"));
