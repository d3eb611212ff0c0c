//! S3 client: SigV4 signing (pure), requests over minreq with retries, the credentials chain,
//! response XML parsing and the `hydrant s3 ...` operator commands.
pub mod sigv4;
pub mod credentials;
pub mod xml;
