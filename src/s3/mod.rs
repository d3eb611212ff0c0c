//! S3 client: SigV4 signing (pure), requests over our own HTTP/1.1 (plain or rustls TLS) with retries, the credentials chain,
//! response XML parsing and the `hydrant s3 ...` operator commands.
pub mod client;
pub mod cmd;
pub mod credentials;
pub mod sigv4;
mod stream_put;
mod tls;
pub mod xml;

pub use client::{Client, Config, Error, ObjectMeta, Uploaded};
pub use credentials::{Credentials, ProvideCredentials};
pub use xml::{DeleteFailure, ListPage, ObjectInfo};
