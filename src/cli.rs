//! Command-line entry: parses flags in one place and dispatches to subcommands.
use clap::{CommandFactory, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hydrant",
    version,
    about = "Nix CI server and S3 binary-cache uploader"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Nix archives: dump, hash, unpack, check
    #[command(subcommand)]
    Nar(crate::nix::cmd::NarCommand),
    /// Binary-cache signing keys
    #[command(subcommand)]
    Key(crate::nix::cmd::KeyCommand),
    /// Inspect and edit an S3 bucket (put, get, ls, rm, rm-prefix)
    S3(crate::s3::cmd::S3Args),
    /// Binary caches in S3: push store paths with their closures
    Cache(crate::cache::cmd::CacheArgs),
    /// Delete from S3 caches what no GC root keeps alive
    #[command(name = "s3-gc")]
    S3Gc(crate::cache::cmd::GcArgs),
}

/// Runs the CLI and returns the process exit code; errors are printed as one line.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let Some(command) = cli.command else {
        let _ = Cli::command().print_help();
        return 0;
    };
    let result: Result<(), Box<dyn std::error::Error>> = match command {
        Command::Nar(c) => crate::nix::cmd::run_nar(c).map_err(Into::into),
        Command::Key(c) => crate::nix::cmd::run_key(c).map_err(Into::into),
        Command::S3(args) => crate::s3::cmd::run(args).map_err(Into::into),
        Command::Cache(args) => crate::cache::cmd::run_cache(args).map_err(Into::into),
        Command::S3Gc(args) => crate::cache::cmd::run_gc(args).map_err(Into::into),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("hydrant: {e}");
            1
        }
    }
}
