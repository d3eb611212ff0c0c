//! Operator subcommands for Nix formats: `hydrant nar dump|hash|unpack|check` and
//! `hydrant key generate`. Thin shells over `nar` and `signing`.
use super::nar::{self, NarError};
use super::signing::{SecretKey, SigningError};
use std::fmt;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// `hydrant nar ...`
#[derive(Debug, clap::Subcommand)]
pub enum NarCommand {
    /// Write the NAR serialisation of PATH to stdout (same bytes as `nix-store --dump`)
    Dump { path: PathBuf },
    /// Print the NAR hash of PATH as sha256:<nix32> (same as `nix-store -q --hash`)
    Hash {
        path: PathBuf,
        /// Also print the NAR size in bytes on a second line
        #[arg(long)]
        size: bool,
    },
    /// Read a NAR from stdin and unpack it to TARGET, which must not exist
    Unpack { target: PathBuf },
    /// Read a NAR from stdin, check it is well-formed, print its hash and size
    Check,
}

/// `hydrant key ...`
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Generate a binary-cache signing key pair in Nix's format
    Generate {
        /// Key name, e.g. cache.example.org-1
        name: String,
        /// Where to write the secret key (must not exist; created mode 0600)
        #[arg(long)]
        secret_key_file: PathBuf,
        /// Where to write the public key
        #[arg(long)]
        public_key_file: PathBuf,
    },
}

/// A failed operator command.
#[derive(Debug)]
pub enum CmdError {
    Nar(NarError),
    Key(SigningError),
    Io {
        path: PathBuf,
        op: &'static str,
        source: io::Error,
    },
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmdError::Nar(e) => e.fmt(f),
            CmdError::Key(e) => e.fmt(f),
            CmdError::Io { path, op, source } => write!(f, "{op} {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for CmdError {}

impl From<NarError> for CmdError {
    fn from(e: NarError) -> CmdError {
        CmdError::Nar(e)
    }
}

impl From<SigningError> for CmdError {
    fn from(e: SigningError) -> CmdError {
        CmdError::Key(e)
    }
}

fn stdout_err(source: io::Error) -> CmdError {
    CmdError::Io {
        path: PathBuf::from("<stdout>"),
        op: "write",
        source,
    }
}

pub fn run_nar(cmd: NarCommand) -> Result<(), CmdError> {
    match cmd {
        NarCommand::Dump { path } => {
            let out = io::stdout().lock();
            nar::dump_path(&path, out)?;
        }
        NarCommand::Hash { path, size } => {
            let s = nar::hash_path(&path)?;
            let mut out = io::stdout().lock();
            writeln!(out, "{}", s.nar_hash).map_err(stdout_err)?;
            if size {
                writeln!(out, "{}", s.nar_size).map_err(stdout_err)?;
            }
        }
        NarCommand::Unpack { target } => {
            nar::unpack(io::stdin().lock(), &target)?;
        }
        NarCommand::Check => {
            let s = nar::validate(io::stdin().lock())?;
            println!("{}\n{}", s.nar_hash, s.nar_size);
        }
    }
    Ok(())
}

fn write_key(path: &Path, content: &str, secret: bool) -> Result<(), CmdError> {
    let err = |op| {
        move |source| CmdError::Io {
            path: path.to_path_buf(),
            op,
            source,
        }
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if secret {
        // Never clobber an existing secret key: signatures made with it would become unverifiable.
        opts.create_new(true).mode(0o600);
    } else {
        opts.create(true).truncate(true).mode(0o644);
    }
    let mut f = opts.open(path).map_err(err("create"))?;
    f.write_all(content.as_bytes()).map_err(err("write"))?;
    f.sync_all().map_err(err("sync"))
}

pub fn run_key(cmd: KeyCommand) -> Result<(), CmdError> {
    match cmd {
        KeyCommand::Generate {
            name,
            secret_key_file,
            public_key_file,
        } => {
            let key = SecretKey::generate(&name)?;
            write_key(&secret_key_file, &key.to_file_string(), true)?;
            write_key(&public_key_file, &key.public_key().to_string(), false)?;
        }
    }
    Ok(())
}
