//! Command-line entry: parses flags in one place and dispatches to subcommands.
//! Errors print as one line `hydrant: ...` and exit 1. Add a subcommand as a `Command` variant
//! plus one arm in `run`.

use crate::config::Config;
use clap::{Args, Parser, Subcommand};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "hydrant",
    version,
    about = "A Nix continuous-integration server and S3 binary-cache uploader in one binary"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where config and state live; shared by every subcommand that reads them.
#[derive(Args, Debug, Clone, Default)]
pub struct StateArgs {
    /// Config file in hydra.conf syntax (default: built-in defaults)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// State directory holding hydrant.redb, logs/ and gcroots/ (default: ./hydrant-state)
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl StateArgs {
    /// The config file (or the defaults) with `--state-dir` applied on top, unknown keys
    /// warned about (see [`Config::load_cli`]).
    pub fn load(&self) -> Result<Config, String> {
        Config::load_cli(self.config.as_deref(), self.state_dir.as_deref())
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web UI, API, evaluator, queue runner and cache uploaders
    Serve {
        #[command(flatten)]
        state: StateArgs,
        /// Address to listen on (default 127.0.0.1:3000)
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        /// Create a demo project from ./fixtures/demo when there are no projects
        #[arg(long)]
        demo: bool,
    },
    /// Manage users and API tokens (while `hydrant serve` runs, through its control socket)
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check or back up the database
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
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

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user, or set the password and roles of an existing one
    Add {
        name: String,
        /// Role(s): admin, create-projects, restart-jobs, cancel-build, bump-to-front, eval-jobset
        #[arg(long = "role", value_name = "ROLE", num_args = 1.., required = true)]
        roles: Vec<String>,
        /// Read the password from this file's first line instead of prompting
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Print a new API token for `Authorization: Bearer TOKEN`
    Token {
        name: String,
        /// The token stops working after this many days (default: never)
        #[arg(long, value_name = "DAYS")]
        expires_days: Option<u64>,
        /// What the token is for (shown in `user tokens`)
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// List users and their roles
    List {
        #[command(flatten)]
        state: StateArgs,
    },
    /// Delete a user with their sessions and tokens
    Delete {
        name: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// List a user's API tokens (id, created, expiry, label)
    Tokens {
        name: String,
        #[command(flatten)]
        state: StateArgs,
    },
    /// Revoke one of a user's API tokens by the id `user tokens` shows
    Revoke {
        name: String,
        id: String,
        #[command(flatten)]
        state: StateArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Verify hydrant.redb: redb's integrity check, then every record of every table decoded
    /// (stop `hydrant serve` first)
    Check {
        #[command(flatten)]
        state: StateArgs,
    },
    /// Write a consistent copy of hydrant.redb to FILE (a new file). While `hydrant serve`
    /// runs, ask it instead: `POST /admin/backup` as an admin
    Backup {
        file: PathBuf,
        #[command(flatten)]
        state: StateArgs,
    },
}

pub fn main() -> i32 {
    // The child supervisor (see `children`) is this binary re-executed, not a command.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if crate::children::is_supervise(args.get(1).map(|a| a.as_os_str())) {
        return crate::children::supervise(&args[2..]);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(msg) => {
            eprintln!("hydrant: {msg}");
            1
        }
    }
}

pub fn run(cli: Cli) -> Result<(), String> {
    let Some(command) = cli.command else {
        use clap::CommandFactory;
        let _ = Cli::command().print_help();
        return Ok(());
    };
    match command {
        Command::Serve {
            state,
            listen,
            demo,
        } => crate::serve::run(crate::serve::ServeOptions {
            config: state.load()?,
            listen,
            demo,
        }),
        Command::User { command } => user(command),
        Command::Db { command } => db(command),
        Command::Nar(c) => crate::nix::cmd::run_nar(c).map_err(|e| e.to_string()),
        Command::Key(c) => crate::nix::cmd::run_key(c).map_err(|e| e.to_string()),
        Command::S3(args) => crate::s3::cmd::run(args).map_err(|e| e.to_string()),
        Command::Cache(args) => crate::cache::cmd::run_cache(args).map_err(|e| e.to_string()),
        Command::S3Gc(args) => crate::cache::cmd::run_gc(args).map_err(|e| e.to_string()),
    }
}

/// Where a user command runs: on the database when no server holds it, else through the
/// server's control socket (the same operation either way).
enum Target {
    Db(crate::db::Db),
    Server(PathBuf),
}

fn user_target(state: &StateArgs) -> Result<Target, String> {
    let c = state.load()?;
    match crate::db::Db::open(&c.db_path()) {
        Ok(db) => Ok(Target::Db(db)),
        Err(crate::db::DbError::Locked(p)) => {
            let dir = c.state_dir.clone();
            if crate::control::socket_path(&dir).exists() {
                Ok(Target::Server(dir))
            } else {
                Err(crate::db::DbError::Locked(p).to_string())
            }
        }
        Err(e) => Err(e.to_string()),
    }
}

fn run_op(target: &Target, op: &crate::control::UserOp) -> Result<(), String> {
    let out = match target {
        Target::Db(db) => crate::control::apply(db, op)?,
        Target::Server(dir) => crate::control::request(dir, op)??,
    };
    if !out.is_empty() {
        println!("{out}");
    }
    Ok(())
}

fn db(cmd: DbCommand) -> Result<(), String> {
    use crate::db::{Db, DbError};
    match cmd {
        DbCommand::Check { state } => {
            let path = state.load()?.db_path();
            let r = Db::check(&path).map_err(|e| match e {
                DbError::Locked(_) => format!("{e}: stop it to check the database"),
                e => e.to_string(),
            })?;
            println!(
                "ok: {}: schema {}, {} tables, {} records{}",
                path.display(),
                r.schema,
                r.tables,
                r.records,
                if r.repaired {
                    " (redb repaired it during the integrity check)"
                } else {
                    ""
                }
            );
            Ok(())
        }
        DbCommand::Backup { file, state } => {
            let config = state.load()?;
            let db = match Db::open(&config.db_path()) {
                Ok(db) => db,
                Err(e @ DbError::Locked(_)) => {
                    return Err(format!(
                        "{e}: stop it, or have it write a copy: POST /admin/backup as an admin \
                         (it goes to {})",
                        config.state_dir.join("backups").display()
                    ))
                }
                Err(e) => return Err(e.to_string()),
            };
            let r = db.backup(&file).map_err(|e| e.to_string())?;
            println!(
                "backed up {} tables, {} records ({} bytes) to {}",
                r.tables,
                r.records,
                r.bytes,
                r.path.display()
            );
            Ok(())
        }
    }
}

fn user(cmd: UserCommand) -> Result<(), String> {
    use crate::control::UserOp;
    match cmd {
        UserCommand::Add {
            name,
            roles,
            password_file,
            state,
        } => {
            let roles: Vec<String> = roles
                .iter()
                .flat_map(|r| r.split(','))
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect();
            for r in &roles {
                if !crate::db::ROLES.contains(&r.as_str()) {
                    return Err(format!(
                        "unknown role `{r}` (expected one of: {})",
                        crate::db::ROLES.join(", ")
                    ));
                }
            }
            if !crate::db::valid_name(&name) {
                return Err(format!("invalid user name `{name}`"));
            }
            // Find the database (or the server) first: an unreachable one is reported before
            // asking for a password.
            let target = user_target(&state)?;
            let password = match password_file {
                Some(f) => read_password_file(&f)?,
                None => prompt_password(&name)?,
            };
            run_op(
                &target,
                &UserOp::Add {
                    name,
                    roles,
                    password,
                },
            )
        }
        UserCommand::Token {
            name,
            expires_days,
            label,
            state,
        } => run_op(
            &user_target(&state)?,
            &UserOp::Token {
                name,
                expires_days,
                label,
            },
        ),
        UserCommand::List { state } => run_op(&user_target(&state)?, &UserOp::List),
        UserCommand::Delete { name, state } => {
            run_op(&user_target(&state)?, &UserOp::Delete { name })
        }
        UserCommand::Tokens { name, state } => {
            run_op(&user_target(&state)?, &UserOp::Tokens { name })
        }
        UserCommand::Revoke { name, id, state } => {
            run_op(&user_target(&state)?, &UserOp::Revoke { name, id })
        }
    }
}

fn read_password_file(f: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(f)
        .map_err(|e| format!("cannot read password file {}: {e}", f.display()))?;
    let pw = text.lines().next().unwrap_or("").to_string();
    if pw.is_empty() {
        return Err(format!("the password file {} is empty", f.display()));
    }
    Ok(pw)
}

/// Reads a line from the terminal with echo off (restored even on error).
fn read_hidden(tty: &std::fs::File, prompt: &str) -> Result<String, String> {
    use std::os::unix::io::AsRawFd;
    let fd = tty.as_raw_fd();
    let mut w = tty;
    let _ = write!(w, "{prompt}");
    let _ = w.flush();
    // SAFETY: termios is a plain struct filled by tcgetattr on a valid fd.
    let mut old: libc::termios = unsafe { std::mem::zeroed() };
    let have_term = unsafe { libc::tcgetattr(fd, &mut old) } == 0;
    if have_term {
        let mut new = old;
        new.c_lflag &= !libc::ECHO;
        new.c_lflag |= libc::ECHONL;
        // SAFETY: as above, with a termios derived from the current one.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &new) };
    }
    let mut line = String::new();
    let res = std::io::BufReader::new(tty).read_line(&mut line);
    if have_term {
        // SAFETY: restores the settings read above.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &old) };
    }
    res.map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn prompt_password(name: &str) -> Result<String, String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| "no terminal to prompt for a password on: use --password-file".to_string())?;
    let a = read_hidden(&tty, &format!("Password for {name}: "))?;
    if a.is_empty() {
        return Err("the password is empty".into());
    }
    let b = read_hidden(&tty, "Repeat the password: ")?;
    if a != b {
        return Err("the passwords do not match".into());
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
        let c = Cli::try_parse_from([
            "hydrant",
            "user",
            "add",
            "bob",
            "--role",
            "admin",
            "eval-jobset",
            "--state-dir",
            "/x",
        ])
        .unwrap();
        match c.command {
            Some(Command::User {
                command: UserCommand::Add { roles, state, .. },
            }) => {
                assert_eq!(roles, vec!["admin", "eval-jobset"]);
                assert_eq!(state.state_dir, Some(PathBuf::from("/x")));
            }
            other => panic!("{other:?}"),
        }
    }
}
