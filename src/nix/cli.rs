//! The one place that runs Nix commands (`nix-store`, `nix-instantiate`, ...). Everything that
//! asks the local store about paths, or realises them, goes through a [`NixCli`]; failures carry
//! the command line and its stderr.
use super::hash::{Hash, HashAlgo};
use super::narinfo::NarInfo;
use super::store_path::{StorePath, StorePathError, DEFAULT_STORE_DIR};
use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// How much of a failing command's stderr is kept (its end, where Nix puts the error).
const STDERR_TAIL: usize = 4096;

/// A Nix command that could not run, failed, or printed something unexpected.
#[derive(Debug)]
pub enum CliError {
    Spawn {
        command: String,
        source: io::Error,
    },
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
    BadOutput {
        command: String,
        reason: String,
    },
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Spawn { command, source } => write!(f, "cannot run `{command}`: {source}"),
            CliError::Failed {
                command,
                status,
                stderr,
            } => {
                write!(f, "`{command}` failed ({status}): {}", stderr.trim())
            }
            CliError::BadOutput { command, reason } => {
                write!(f, "unexpected output from `{command}`: {reason}")
            }
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Spawn { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What the local store knows about a valid path: enough for its narinfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    pub path: StorePath,
    pub nar_hash: Hash,
    pub nar_size: u64,
    pub references: Vec<StorePath>,
    pub deriver: Option<StorePath>,
}

impl PathInfo {
    /// An unsigned narinfo for the uncompressed NAR; callers set URL/compression/file fields.
    pub fn to_narinfo(&self) -> NarInfo {
        let mut ni = NarInfo::new(self.path.clone(), self.nar_hash.clone(), self.nar_size);
        ni.references = self.references.clone();
        ni.deriver = self.deriver.clone();
        ni
    }
}

/// How to reach the local Nix: its store dir, where its binaries are, extra environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NixCli {
    /// The store directory paths are parsed against (default `/nix/store`).
    pub store_dir: String,
    /// Directory holding `nix-store` etc.; `None` searches `PATH`.
    pub bin_dir: Option<PathBuf>,
    /// Extra environment for every command (e.g. `NIX_CONFIG`).
    pub env: Vec<(String, String)>,
}

impl Default for NixCli {
    fn default() -> NixCli {
        NixCli {
            store_dir: DEFAULT_STORE_DIR.into(),
            bin_dir: None,
            env: Vec::new(),
        }
    }
}

fn render(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

impl NixCli {
    /// A `Command` for a Nix tool with this configuration's binary dir and environment; for
    /// callers that need their own stdio (build logs), timeouts or child handling.
    pub fn command(&self, tool: &str) -> Command {
        let prog = match &self.bin_dir {
            Some(d) => d.join(tool),
            None => PathBuf::from(tool),
        };
        let mut c = Command::new(prog);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs a Nix tool to completion and returns its stdout as UTF-8.
    pub fn run<I, S>(&self, tool: &str, args: I) -> Result<String, CliError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command(tool);
        cmd.args(args).stdin(Stdio::null());
        let command = render(&cmd);
        let out = cmd.output().map_err(|source| CliError::Spawn {
            command: command.clone(),
            source,
        })?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let mut start = err.len().saturating_sub(STDERR_TAIL);
            while !err.is_char_boundary(start) {
                start += 1;
            }
            return Err(CliError::Failed {
                command,
                status: out.status.to_string(),
                stderr: err[start..].to_string(),
            });
        }
        String::from_utf8(out.stdout).map_err(|_| CliError::BadOutput {
            command,
            reason: "stdout is not UTF-8".into(),
        })
    }

    fn paths(&self, tool: &str, args: &[&str]) -> Result<Vec<StorePath>, CliError> {
        let out = self.run(tool, args)?;
        out.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                self.parse_path(l.trim())
                    .map_err(|e| self.bad(tool, args, e.to_string()))
            })
            .collect()
    }

    fn bad(&self, tool: &str, args: &[&str], reason: String) -> CliError {
        CliError::BadOutput {
            command: format!("{tool} {}", args.join(" ")),
            reason,
        }
    }

    /// Parses a full path in this store.
    pub fn parse_path(&self, s: &str) -> Result<StorePath, StorePathError> {
        StorePath::parse_in(&self.store_dir, s)
    }

    /// The closure of `paths` (`nix-store -qR`): every path they reference, transitively,
    /// including themselves.
    pub fn closure(&self, paths: &[StorePath]) -> Result<Vec<StorePath>, CliError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let strs: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let mut args = vec!["-qR"];
        args.extend(strs.iter().map(String::as_str));
        self.paths("nix-store", &args)
    }

    /// Direct references of a path (`nix-store -q --references`).
    pub fn references(&self, path: &StorePath) -> Result<Vec<StorePath>, CliError> {
        let p = path.to_string();
        self.paths("nix-store", &["-q", "--references", &p])
    }

    /// The derivation that built a path, if the store knows it (`nix-store -q --deriver`).
    pub fn deriver(&self, path: &StorePath) -> Result<Option<StorePath>, CliError> {
        let p = path.to_string();
        let args = ["-q", "--deriver", p.as_str()];
        let out = self.run("nix-store", args)?;
        match out.trim() {
            "" | "unknown-deriver" => Ok(None),
            d => self
                .parse_path(d)
                .map(Some)
                .map_err(|e| self.bad("nix-store", &args, e.to_string())),
        }
    }

    /// The outputs of a derivation (`nix-store -q --outputs`).
    pub fn outputs(&self, drv: &StorePath) -> Result<Vec<StorePath>, CliError> {
        let p = drv.to_string();
        self.paths("nix-store", &["-q", "--outputs", &p])
    }

    /// Whether the store holds a valid copy of `path`.
    pub fn is_valid(&self, path: &StorePath) -> Result<bool, CliError> {
        let p = path.to_string();
        // --print-invalid turns "invalid" from a failure into output, so real failures stay errors.
        let out = self.run(
            "nix-store",
            ["--check-validity", "--print-invalid", p.as_str()],
        )?;
        Ok(out.trim().is_empty())
    }

    /// NAR hash and size, references and deriver of a valid path.
    pub fn path_info(&self, path: &StorePath) -> Result<PathInfo, CliError> {
        let p = path.to_string();
        let args = ["-q", "--hash", p.as_str()];
        let out = self.run("nix-store", args)?;
        let nar_hash = Hash::parse_as(HashAlgo::Sha256, out.trim())
            .map_err(|e| self.bad("nix-store", &args, e.to_string()))?;
        let args = ["-q", "--size", p.as_str()];
        let out = self.run("nix-store", args)?;
        let nar_size = out.trim().parse::<u64>().map_err(|_| {
            self.bad(
                "nix-store",
                &args,
                format!("{:?} is not a size", out.trim()),
            )
        })?;
        Ok(PathInfo {
            path: path.clone(),
            nar_hash,
            nar_size,
            references: self.references(path)?,
            deriver: self.deriver(path)?,
        })
    }

    /// Builds or substitutes `paths` (derivations or outputs) and returns the resulting outputs
    /// (`nix-store --realise`).
    pub fn realise(&self, paths: &[StorePath]) -> Result<Vec<StorePath>, CliError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let strs: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let mut args = vec!["--realise"];
        args.extend(strs.iter().map(String::as_str));
        self.paths("nix-store", &args)
    }
}
