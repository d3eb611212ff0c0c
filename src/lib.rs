//! hydrant: a Nix CI server and S3 binary-cache uploader in one binary.
pub mod app;
pub mod cache;
pub mod children;
pub mod cli;
pub mod config;
pub mod control;
pub mod db;
pub mod eval;
pub mod nix;
pub mod perm;
pub mod queue;
pub mod s3;
pub mod serve;
pub mod sh;
pub mod users;
pub mod web;
