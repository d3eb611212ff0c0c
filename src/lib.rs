//! hydrant: a Nix CI server and S3 binary-cache uploader in one binary.
pub mod app;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod nix;
pub mod s3;
