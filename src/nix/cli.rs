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
    /// The Nix of a configured hydrant: its `store_dir`, tools from `PATH`, the caller's
    /// environment (`NIX_CONFIG` included).
    pub fn for_store(store_dir: &str) -> NixCli {
        NixCli {
            store_dir: store_dir.to_string(),
            ..NixCli::default()
        }
    }

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

    /// Every valid path whose closure holds one of `paths` (`nix-store -q --referrers-closure`),
    /// `paths` included.
    pub fn referrers_closure(&self, paths: &[StorePath]) -> Result<Vec<StorePath>, CliError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let strs: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let mut args = vec!["-q", "--referrers-closure"];
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
        let mut infos = self.path_infos(std::slice::from_ref(path))?;
        match infos.pop() {
            Some(i) if infos.is_empty() && &i.path == path => Ok(i),
            _ => Err(CliError::BadOutput {
                command: format!("nix-store --dump-db {path}"),
                reason: "no registration for the path".into(),
            }),
        }
    }

    /// Path info for many valid paths with one `nix-store --dump-db` (Nix's validity
    /// registration format), in the order Nix prints them.
    pub fn path_infos(&self, paths: &[StorePath]) -> Result<Vec<PathInfo>, CliError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let strs: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let mut args = vec!["--dump-db"];
        args.extend(strs.iter().map(String::as_str));
        let out = self.run("nix-store", &args)?;
        parse_registration(&self.store_dir, &out)
            .map_err(|reason| self.bad("nix-store", &args, reason))
    }

    /// (sum of the NAR sizes of `outputs`, NAR size of their whole closure): a build's size and
    /// closure size. Two Nix processes (`-qR`, `--dump-db`), whatever the closure's size.
    pub fn output_sizes(&self, outputs: &[StorePath]) -> Result<(u64, u64), CliError> {
        let closure = self.closure(outputs)?;
        let infos = self.path_infos(&closure)?;
        let mut own = 0;
        let mut total = 0;
        for i in &infos {
            total += i.nar_size;
            if outputs.contains(&i.path) {
                own += i.nar_size;
            }
        }
        Ok((own, total))
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

/// Parses Nix's validity registration (`nix-store --dump-db PATHS`): per path, its path, NAR
/// hash (base16), NAR size, deriver (or empty), reference count, then the references.
pub fn parse_registration(store_dir: &str, text: &str) -> Result<Vec<PathInfo>, String> {
    let mut lines = text.lines();
    let mut infos = Vec::new();
    let path_of = |s: &str| StorePath::parse_in(store_dir, s).map_err(|e| e.to_string());
    while let Some(first) = lines.next() {
        if first.is_empty() {
            continue;
        }
        let path = path_of(first)?;
        let mut next = |what: &str| {
            lines
                .next()
                .ok_or_else(|| format!("{first}: missing {what}"))
        };
        let nar_hash =
            Hash::parse_as(HashAlgo::Sha256, next("NAR hash")?).map_err(|e| e.to_string())?;
        let size = next("NAR size")?;
        let nar_size = size
            .parse::<u64>()
            .map_err(|_| format!("{first}: bad NAR size {size:?}"))?;
        let deriver = match next("deriver")? {
            "" => None,
            d => Some(path_of(d)?),
        };
        let count = next("reference count")?;
        let count = count
            .parse::<usize>()
            .map_err(|_| format!("{first}: bad reference count {count:?}"))?;
        let mut references = Vec::with_capacity(count.min(4096));
        for _ in 0..count {
            references.push(path_of(next("reference")?)?);
        }
        infos.push(PathInfo {
            path,
            nar_hash,
            nar_size,
            references,
            deriver,
        });
    }
    Ok(infos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_format() {
        let text = "/nix/store/qnxl5zvf8fm37bxzqz8nh679k0fs3x6w-withref
fb12372125941cd4f38c249e3b20223b8077017a32ae3be886afbff7bf429dcc
608
/nix/store/fs0ap8kfk6ndb218isvfdy39s9xi8dsk-withref.drv
1
/nix/store/7s4pagn2k21b2bs0gyabi7x8z4kljldp-tree
/nix/store/qln7w0mnnsrwn2y7hcrbq6i5rhclri7n-file
7e732b439c4f626992921e56f67b038d0b190eb52b9ce2f2546ca04ee1f6fa81
160

0
";
        let infos = parse_registration("/nix/store", text).unwrap();
        assert_eq!(infos.len(), 2);
        assert_eq!(infos[0].nar_size, 608);
        assert_eq!(infos[0].references[0].name(), "tree");
        assert_eq!(
            infos[0].deriver.as_ref().map(|d| d.name()),
            Some("withref.drv")
        );
        assert_eq!(infos[1].deriver, None);
        assert!(infos[1].references.is_empty());
        assert_eq!(
            infos[1].nar_hash.to_string(),
            "sha256:10gsyvhlx83cakrf571bnl71j2wd0dxzcmhyja96jqjgki1jnwvy"
        );
        assert!(parse_registration("/nix/store", &text[..200]).is_err());
    }
}
