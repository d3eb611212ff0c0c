//! hydrant: a Nix CI server and S3 binary-cache uploader in one binary.
pub mod cli;
pub mod nix;
pub mod s3;
