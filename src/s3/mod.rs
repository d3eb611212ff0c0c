//! S3 client: SigV4 signing (pure), requests over plain HTTP/1.1 or minreq (https) with retries, the credentials chain,
//! response XML parsing and the `hydrant s3 ...` operator commands.
pub mod client;
pub mod cmd;
pub mod credentials;
pub mod sigv4;
mod stream_put;
pub mod xml;

pub use client::{Client, Config, Error, ObjectMeta, Uploaded};
pub use credentials::{Credentials, ProvideCredentials};
pub use xml::{DeleteFailure, ListPage, ObjectInfo};
