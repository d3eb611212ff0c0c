//! S3 client.
