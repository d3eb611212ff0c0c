//! Command-line entry: parses flags in one place and dispatches to subcommands.
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "hydrant",
    version,
    about = "A Nix CI server and S3 binary-cache uploader"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Inspect and edit an S3 bucket (put, get, ls, rm, rm-prefix)
    S3(crate::s3::cmd::S3Args),
}

/// Runs the CLI and returns the process exit code; errors are printed as one line.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result: Result<(), Box<dyn std::error::Error>> = match cli.command {
        None => Ok(()),
        Some(Command::S3(args)) => crate::s3::cmd::run(args).map_err(Into::into),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("hydrant: {e}");
            1
        }
    }
}
