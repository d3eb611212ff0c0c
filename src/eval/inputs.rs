//! Jobset inputs: turns each configured input into the value the release expression receives
//! (a Nix expression text) and the record the eval keeps (revision, content hash). Git inputs
//! are fetched with the `git` CLI into a bare cache under `state_dir/git-cache`.

use super::run::{run, RunError};
use crate::db::{EvalInput, JobsetInput};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Git checkouts kept per repository; older ones are removed after a fetch.
const KEEP_CHECKOUTS: usize = 5;

/// Directories deeper than this below a path input are refused (the hash recurses).
const MAX_TREE_DEPTH: usize = 256;

/// Git cache directories in use: concurrent evals of one repository would race on FETCH_HEAD
/// and the checkout directory, so each repository has one fetch at a time. Other repositories
/// are not held up, and a waiter gives up at its own deadline.
static GIT_BUSY: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
static GIT_FREED: Condvar = Condvar::new();

/// Holds one git cache directory (see `GIT_BUSY`) until dropped.
struct RepoLock(PathBuf);

impl RepoLock {
    fn acquire(dir: &Path, ctx: &FetchCtx, input: &str) -> Result<RepoLock, FetchError> {
        let started = Instant::now();
        let mut busy = GIT_BUSY.lock().unwrap_or_else(|p| p.into_inner());
        while busy.contains(dir) {
            if (ctx.cancelled)() {
                return Err(FetchError::Cancelled {
                    input: input.to_string(),
                });
            }
            let left = ctx.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(FetchError::TimedOut {
                    input: input.to_string(),
                    what: "waiting for another fetch of the same repository".into(),
                    after: started.elapsed(),
                });
            }
            busy = GIT_FREED
                .wait_timeout(busy, left.min(Duration::from_millis(200)))
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
        busy.insert(dir.to_path_buf());
        Ok(RepoLock(dir.to_path_buf()))
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        let mut busy = GIT_BUSY.lock().unwrap_or_else(|p| p.into_inner());
        busy.remove(&self.0);
        GIT_FREED.notify_all();
    }
}

#[derive(Debug)]
pub enum FetchError {
    /// A path input names nothing readable.
    Path {
        input: String,
        path: String,
        error: String,
    },
    /// A git command failed (unreachable URL, unknown branch…): its stderr, capped.
    Git {
        input: String,
        url: String,
        message: String,
    },
    /// A child process timed out, was cancelled or could not start.
    Run { input: String, error: RunError },
    /// A value that cannot be used (empty git URL, unknown type).
    Invalid { input: String, message: String },
    /// The cache directory could not be written.
    Io {
        input: String,
        path: PathBuf,
        error: String,
    },
    /// Fetching took longer than `eval_timeout` (what was being done, and for how long).
    TimedOut {
        input: String,
        what: String,
        after: Duration,
    },
    /// Shutdown was requested while fetching.
    Cancelled { input: String },
}

impl FetchError {
    /// Stopped because hydrant is shutting down (not the input's fault).
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            FetchError::Cancelled { .. }
                | FetchError::Run {
                    error: RunError::Cancelled { .. },
                    ..
                }
        )
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Path { input, path, error } => {
                write!(f, "input `{input}`: cannot read path {path}: {error}")
            }
            FetchError::Git {
                input,
                url,
                message,
            } => {
                write!(
                    f,
                    "input `{input}`: cannot fetch git repository {url}: {message}"
                )
            }
            FetchError::Run { input, error } => write!(f, "input `{input}`: {error}"),
            FetchError::Invalid { input, message } => write!(f, "input `{input}`: {message}"),
            FetchError::Io { input, path, error } => {
                write!(
                    f,
                    "input `{input}`: cannot write {}: {error}",
                    path.display()
                )
            }
            FetchError::TimedOut { input, what, after } => write!(
                f,
                "input `{input}`: {what} timed out after {}s (eval_timeout) and was stopped",
                after.as_secs()
            ),
            FetchError::Cancelled { input } => write!(
                f,
                "input `{input}`: fetching was stopped because hydrant is shutting down"
            ),
        }
    }
}

impl std::error::Error for FetchError {}

/// An input ready for evaluation.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// What the eval records about it.
    pub record: EvalInput,
    /// The Nix expression handed to the release function.
    pub nix_value: String,
    /// For path and git inputs: the directory holding its files (the release file lives here
    /// when this is the jobset's `nixexprinput`).
    pub dir: Option<PathBuf>,
    /// For path and git inputs: the file or directory the input is (its `outPath`), which
    /// restricted evaluation lets the expression read.
    pub path: Option<PathBuf>,
}

/// Where and how long fetching may run, and the cap on error text.
pub struct FetchCtx<'a> {
    pub state_dir: &'a Path,
    pub deadline: Instant,
    pub error_cap: usize,
    pub cancelled: &'a dyn Fn() -> bool,
}

/// A Nix string literal holding `s` exactly.
pub fn nix_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Nix path value for an absolute directory (a path literal cannot hold every byte).
fn nix_path(p: &Path) -> String {
    format!("(/. + {})", nix_string(&p.to_string_lossy()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fetches one input. String, boolean and nix inputs need no I/O.
pub fn fetch(input: &JobsetInput, ctx: &FetchCtx) -> Result<Fetched, FetchError> {
    let mut record = EvalInput {
        name: input.name.clone(),
        kind: input.kind.clone(),
        ..Default::default()
    };
    match input.kind.as_str() {
        "string" => {
            record.value = input.value.clone();
            Ok(Fetched {
                record,
                nix_value: nix_string(&input.value),
                dir: None,
                path: None,
            })
        }
        "boolean" => {
            let v = match input.value.trim() {
                "true" | "1" => "true",
                "false" | "0" | "" => "false",
                other => {
                    return Err(FetchError::Invalid {
                        input: input.name.clone(),
                        message: format!("a boolean must be true or false, not `{other}`"),
                    })
                }
            };
            record.value = v.to_string();
            Ok(Fetched {
                record,
                nix_value: v.to_string(),
                dir: None,
                path: None,
            })
        }
        "nix" => {
            record.value = input.value.clone();
            Ok(Fetched {
                record,
                nix_value: format!("({}\n)", input.value),
                dir: None,
                path: None,
            })
        }
        "path" => fetch_path(input, record, ctx),
        "git" => fetch_git(input, record, ctx),
        other => Err(FetchError::Invalid {
            input: input.name.clone(),
            message: format!("unknown input type `{other}`"),
        }),
    }
}

fn fetch_path(
    input: &JobsetInput,
    mut record: EvalInput,
    ctx: &FetchCtx,
) -> Result<Fetched, FetchError> {
    let perr = |path: &Path, error: String| FetchError::Path {
        input: input.name.clone(),
        path: path.display().to_string(),
        error,
    };
    let given = Path::new(input.value.trim());
    let path = std::fs::canonicalize(given).map_err(|e| perr(given, e.to_string()))?;
    let mut h = Sha256::new();
    let started = Instant::now();
    hash_tree(&path, &mut h, ctx.deadline, ctx.cancelled).map_err(|e| match e {
        TreeError::Io(p, e) => perr(&p, e.to_string()),
        TreeError::Special(p, kind) => perr(
            &p,
            format!(
                "it is a {kind}; a path input holds only regular files, directories and symlinks"
            ),
        ),
        TreeError::TooDeep(p) => perr(
            &p,
            format!("directories nest deeper than {MAX_TREE_DEPTH} levels"),
        ),
        TreeError::TimedOut => FetchError::TimedOut {
            input: input.name.clone(),
            what: format!("hashing {}", path.display()),
            after: started.elapsed(),
        },
        TreeError::Cancelled => FetchError::Cancelled {
            input: input.name.clone(),
        },
    })?;
    record.uri = path.to_string_lossy().into_owned();
    record.value = record.uri.clone();
    record.sha256hash = hex(&h.finalize());
    let dir = if path.is_dir() {
        Some(path.clone())
    } else {
        path.parent().map(Path::to_path_buf)
    };
    Ok(Fetched {
        nix_value: format!("{{ outPath = {}; }}", nix_path(&path)),
        record,
        dir,
        path: Some(path),
    })
}

/// Why a tree could not be hashed.
#[derive(Debug)]
pub enum TreeError {
    Io(PathBuf, std::io::Error),
    /// A FIFO, device or socket: reading it could block forever or never end.
    Special(PathBuf, &'static str),
    TooDeep(PathBuf),
    TimedOut,
    Cancelled,
}

fn special_kind(ft: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        Some("FIFO")
    } else if ft.is_char_device() {
        Some("character device")
    } else if ft.is_block_device() {
        Some("block device")
    } else if ft.is_socket() {
        Some("socket")
    } else if !ft.is_file() && !ft.is_dir() && !ft.is_symlink() {
        Some("special file")
    } else {
        None
    }
}

/// Hashes a file tree: names, kinds, executable bits, symlink targets and contents, in a
/// fixed order, so any change to what the release expression could read changes the hash.
/// Symlinks are hashed as their target text and never followed; FIFOs, devices and sockets
/// are refused (a FIFO would block the open, `/dev/zero` would never end); the walk stops at
/// `deadline` or when `cancelled()` turns true.
pub fn hash_tree(
    path: &Path,
    h: &mut Sha256,
    deadline: Instant,
    cancelled: &dyn Fn() -> bool,
) -> Result<(), TreeError> {
    hash_node(path, h, 0, deadline, cancelled)
}

fn hash_node(
    path: &Path,
    h: &mut Sha256,
    depth: usize,
    deadline: Instant,
    cancelled: &dyn Fn() -> bool,
) -> Result<(), TreeError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let io = |e: std::io::Error| TreeError::Io(path.to_path_buf(), e);
    let stop = || {
        if cancelled() {
            Err(TreeError::Cancelled)
        } else if Instant::now() >= deadline {
            Err(TreeError::TimedOut)
        } else {
            Ok(())
        }
    };
    stop()?;
    if depth > MAX_TREE_DEPTH {
        return Err(TreeError::TooDeep(path.to_path_buf()));
    }
    let md = std::fs::symlink_metadata(path).map_err(io)?;
    let ft = md.file_type();
    if let Some(kind) = special_kind(&ft) {
        return Err(TreeError::Special(path.to_path_buf(), kind));
    }
    if ft.is_symlink() {
        h.update(b"L");
        let t = std::fs::read_link(path).map_err(io)?;
        let t = t.to_string_lossy();
        h.update((t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    } else if ft.is_dir() {
        let mut names = Vec::new();
        for e in std::fs::read_dir(path).map_err(io)? {
            names.push(e.map_err(io)?.file_name());
            if names.len() % 1024 == 0 {
                stop()?;
            }
        }
        names.sort();
        h.update(b"D");
        h.update((names.len() as u64).to_le_bytes());
        for n in names {
            let s = n.to_string_lossy();
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
            hash_node(&path.join(&n), h, depth + 1, deadline, cancelled)?;
        }
    } else {
        // O_NOFOLLOW and O_NONBLOCK: if the file was swapped for a symlink or a FIFO since the
        // stat above, the open fails or returns at once, and the fstat below refuses it.
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)
            .map_err(io)?;
        let md = f.metadata().map_err(io)?;
        if let Some(kind) = special_kind(&md.file_type()) {
            return Err(TreeError::Special(path.to_path_buf(), kind));
        }
        h.update(if md.permissions().mode() & 0o111 != 0 {
            b"X"
        } else {
            b"F"
        });
        h.update(md.len().to_le_bytes());
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io(e)),
            };
            h.update(&buf[..n]);
            stop()?;
        }
    }
    Ok(())
}

/// The file on this machine an input reads, if it names one: a `path` input, or a git input
/// whose URL is local (`file://…`, an absolute or a relative path).
pub fn local_path(input: &JobsetInput) -> Option<&str> {
    let v = input.value.trim();
    match input.kind.as_str() {
        "path" => Some(v),
        "git" => {
            let url = v.split_whitespace().next()?;
            if let Some(rest) = url.strip_prefix("file://") {
                Some(rest)
            } else if url.starts_with('/') || url.starts_with('.') || !url.contains(':') {
                Some(url)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Why an input may not read the local path it names (see [`check_local_path`]).
#[derive(Debug, Clone, PartialEq)]
pub enum LocalPathError {
    /// Outside every allowed directory (or none is configured): a permission matter.
    Outside(String),
    /// The path cannot be resolved (it must exist to be checked).
    Unresolvable(String),
}

impl std::fmt::Display for LocalPathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocalPathError::Outside(m) | LocalPathError::Unresolvable(m) => write!(f, "{m}"),
        }
    }
}

/// Checks that a local path an input names lies inside one of `allowed` (the config's
/// `allowed_path_inputs`), both compared with symlinks resolved, so `/srv/ci/../../etc` or a
/// symlink out of an allowed directory does not pass. Inputs naming no local path pass.
pub fn check_local_path(input: &JobsetInput, allowed: &[PathBuf]) -> Result<(), LocalPathError> {
    let Some(given) = local_path(input) else {
        return Ok(());
    };
    let what = if input.kind == "path" {
        "a path input".to_string()
    } else {
        "a git input with a local repository".to_string()
    };
    if allowed.is_empty() {
        return Err(LocalPathError::Outside(format!(
            "input `{}` is {what} ({given}): only admins may create those, as this server sets              no `allowed_path_inputs`",
            input.name
        )));
    }
    let real = std::fs::canonicalize(given).map_err(|e| {
        LocalPathError::Unresolvable(format!(
            "input `{}`: cannot resolve the path {given}: {e}",
            input.name
        ))
    })?;
    let inside = allowed.iter().any(|d| {
        std::fs::canonicalize(d)
            .map(|d| real.starts_with(d))
            .unwrap_or(false)
    });
    if inside {
        return Ok(());
    }
    let dirs: Vec<String> = allowed.iter().map(|d| d.display().to_string()).collect();
    Err(LocalPathError::Outside(format!(
        "input `{}` is {what} ({}) outside the directories non-admins may use          (allowed_path_inputs: {}); ask an admin",
        input.name,
        real.display(),
        dirs.join(" ")
    )))
}

fn git(args: &[&str]) -> Command {
    let mut c = Command::new("git");
    // No `ext::` or `fd::` transports: a URL must not run a command on this machine.
    c.env("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/true")
        .env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        .args(["-c", "safe.directory=*", "-c", "credential.helper="])
        .args(args);
    c
}

fn fetch_git(
    input: &JobsetInput,
    mut record: EvalInput,
    ctx: &FetchCtx,
) -> Result<Fetched, FetchError> {
    let mut words = input.value.split_whitespace();
    let Some(url) = words.next() else {
        return Err(FetchError::Invalid {
            input: input.name.clone(),
            message: "a git input needs a URL (`URL [branch]`)".into(),
        });
    };
    let branch = words.next().unwrap_or("");
    let run_git = |args: &[&str]| -> Result<String, FetchError> {
        let out = run(git(args), ctx.deadline, ctx.error_cap, ctx.cancelled).map_err(|e| {
            FetchError::Run {
                input: input.name.clone(),
                error: e,
            }
        })?;
        if !out.success {
            return Err(FetchError::Git {
                input: input.name.clone(),
                url: url.to_string(),
                message: out.stderr.trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let io = |path: &Path, e: std::io::Error| FetchError::Io {
        input: input.name.clone(),
        path: path.to_path_buf(),
        error: e.to_string(),
    };

    // Absolute: git runs with these in its environment from other directories.
    let state_dir = std::path::absolute(ctx.state_dir).map_err(|e| io(ctx.state_dir, e))?;
    let base = state_dir
        .join("git-cache")
        .join(&hex(&Sha256::digest(url.as_bytes()))[..20]);
    let repo = base.join("repo.git");
    let checkouts = base.join("checkouts");
    let _lock = RepoLock::acquire(&base, ctx, &input.name)?;
    if !repo.join("HEAD").exists() {
        std::fs::create_dir_all(&repo).map_err(|e| io(&repo, e))?;
        run_git(&["init", "--quiet", "--bare", &repo.to_string_lossy()])?;
    }
    let repo_s = repo.to_string_lossy().into_owned();
    let refspec = if branch.is_empty() { "HEAD" } else { branch };
    run_git(&[
        "--git-dir",
        &repo_s,
        "fetch",
        "--quiet",
        "--force",
        "--no-tags",
        "--",
        url,
        refspec,
    ])?;
    let rev = run_git(&[
        "--git-dir",
        &repo_s,
        "rev-parse",
        "--verify",
        "FETCH_HEAD^{commit}",
    ])?;
    let count = run_git(&["--git-dir", &repo_s, "rev-list", "--count", &rev])?;
    let revcount: u64 = count.parse().map_err(|_| FetchError::Git {
        input: input.name.clone(),
        url: url.to_string(),
        message: format!("git rev-list printed `{count}`, not a count"),
    })?;

    let dir = checkouts.join(&rev);
    if !dir.exists() {
        std::fs::create_dir_all(&checkouts).map_err(|e| io(&checkouts, e))?;
        let tmp = checkouts.join(format!(".tmp-{rev}"));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
        let index = checkouts.join(format!(".index-{rev}"));
        let mut co = git(&[
            "--git-dir",
            &repo_s,
            "--work-tree",
            &tmp.to_string_lossy(),
            "checkout",
            "--quiet",
            "-f",
            &rev,
            "--",
            ".",
        ]);
        co.env("GIT_INDEX_FILE", &index);
        let out =
            run(co, ctx.deadline, ctx.error_cap, ctx.cancelled).map_err(|e| FetchError::Run {
                input: input.name.clone(),
                error: e,
            })?;
        let _ = std::fs::remove_file(&index);
        if !out.success {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(FetchError::Git {
                input: input.name.clone(),
                url: url.to_string(),
                message: format!("checkout of {rev} failed: {}", out.stderr.trim()),
            });
        }
        std::fs::rename(&tmp, &dir).map_err(|e| io(&dir, e))?;
    }
    prune_checkouts(&checkouts, &rev);

    let short: String = rev.chars().take(7).collect();
    record.uri = url.to_string();
    record.value = branch.to_string();
    record.revision = rev.clone();
    record.revcount = revcount;
    Ok(Fetched {
        nix_value: format!(
            "{{ outPath = {}; rev = {}; revCount = {revcount}; shortRev = {}; }}",
            nix_path(&dir),
            nix_string(&rev),
            nix_string(&short)
        ),
        record,
        path: Some(dir.clone()),
        dir: Some(dir),
    })
}

/// Keeps the newest checkouts (by modification time) besides the one in use.
fn prune_checkouts(dir: &Path, keep: &str) {
    let now = std::time::SystemTime::now();
    // Mark the one in use as fresh so it is never the oldest.
    if let Ok(f) = std::fs::File::open(dir.join(keep)) {
        let _ = f.set_modified(now);
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = rd
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, p) in entries.into_iter().skip(KEEP_CHECKOUTS) {
        let _ = std::fs::remove_dir_all(p);
    }
}

/// The hash that decides whether anything changed: every input's type, value, revision and
/// content hash, plus where the release expression lives.
pub fn inputs_hash(nixexprinput: &str, nixexprpath: &str, inputs: &[EvalInput]) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    field(nixexprinput);
    field(nixexprpath);
    let mut sorted: Vec<&EvalInput> = inputs.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for i in sorted {
        field(&i.name);
        field(&i.kind);
        field(&i.uri);
        field(&i.value);
        field(&i.revision);
        field(&i.sha256hash);
    }
    hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    fn tmp(tag: &str) -> PathBuf {
        let mut r = [0u8; 8];
        let _ = getrandom::getrandom(&mut r);
        let d = std::env::temp_dir().join(format!("hydrant-{tag}-{}", u64::from_le_bytes(r)));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn tree_hash_refuses_fifos_devices_and_sockets_at_once() {
        let d = tmp("special");
        let fifo = d.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a NUL-terminated path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let _sock = std::os::unix::net::UnixListener::bind(d.join("sock")).unwrap();
        let t = Instant::now();
        for (p, kind) in [
            (fifo.clone(), "FIFO"),
            (d.join("sock"), "socket"),
            (PathBuf::from("/dev/zero"), "character device"),
        ] {
            match hash_tree(&p, &mut Sha256::new(), far(), &|| false) {
                Err(TreeError::Special(q, k)) => assert_eq!((q, k), (p, kind)),
                other => panic!("{}: {other:?}", p.display()),
            }
        }
        // Inside a tree too: the walk reports the FIFO, it does not block on it.
        match hash_tree(&d, &mut Sha256::new(), far(), &|| false) {
            Err(TreeError::Special(q, _)) => assert!(q.starts_with(&d)),
            other => panic!("{other:?}"),
        }
        assert!(t.elapsed() < Duration::from_secs(5));
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn local_paths_must_lie_inside_allowed_dirs() {
        let d = tmp("allowed");
        std::fs::create_dir_all(d.join("ok/sub")).unwrap();
        std::os::unix::fs::symlink("/etc", d.join("ok/escape")).unwrap();
        let inp = |kind: &str, value: String| JobsetInput {
            name: "src".into(),
            kind: kind.into(),
            value,
            emailresponsible: false,
        };
        let allowed = [d.join("ok")];
        let ok = |kind: &str, v: String| check_local_path(&inp(kind, v), &allowed);
        assert_eq!(ok("path", format!("{}/ok/sub", d.display())), Ok(()));
        assert_eq!(ok("git", format!("file://{}/ok main", d.display())), Ok(()));
        assert_eq!(ok("git", "https://example.org/r.git main".into()), Ok(()));
        assert_eq!(ok("git", "git@example.org:r.git".into()), Ok(()));
        assert_eq!(ok("string", "/etc/shadow".into()), Ok(()));
        for bad in [
            format!("{}/ok/escape", d.display()),
            format!("{}/ok/../ok/escape/ssh", d.display()),
            format!("{}/ok/sub/../..", d.display()),
            "/etc/shadow".into(),
        ] {
            let e = ok("path", bad.clone()).unwrap_err();
            assert!(
                matches!(&e, LocalPathError::Outside(m) if m.contains("allowed_path_inputs")),
                "{bad}: {e}"
            );
        }
        assert!(matches!(
            ok("git", "/etc".into()),
            Err(LocalPathError::Outside(_))
        ));
        assert!(matches!(
            ok("path", format!("{}/ok/missing", d.display())),
            Err(LocalPathError::Unresolvable(_))
        ));
        let none = check_local_path(&inp("path", d.display().to_string()), &[]).unwrap_err();
        assert!(none.to_string().contains("only admins"), "{none}");
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn tree_hash_does_not_follow_symlinks_and_stops_at_the_deadline() {
        let d = tmp("links");
        std::os::unix::fs::symlink("/etc/hostname", d.join("out")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.join("zero")).unwrap();
        let hash = || {
            let mut h = Sha256::new();
            hash_tree(&d, &mut h, far(), &|| false).unwrap();
            hex(&h.finalize())
        };
        let h1 = hash();
        std::fs::remove_file(d.join("out")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", d.join("out")).unwrap();
        assert_ne!(h1, hash(), "the link target is hashed, not followed");
        let past = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert!(matches!(
            hash_tree(&d, &mut Sha256::new(), past, &|| false),
            Err(TreeError::TimedOut)
        ));
        assert!(matches!(
            hash_tree(&d, &mut Sha256::new(), far(), &|| true),
            Err(TreeError::Cancelled)
        ));
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn nix_strings_escape_interpolation() {
        assert_eq!(nix_string(r#"a"b\c${d}$e"#), r#""a\"b\\c\${d}$e""#);
    }

    #[test]
    fn inputs_hash_ignores_order_but_not_values() {
        let a = EvalInput {
            name: "a".into(),
            kind: "string".into(),
            value: "1".into(),
            ..Default::default()
        };
        let mut b = a.clone();
        b.name = "b".into();
        let h1 = inputs_hash("src", "release.nix", &[a.clone(), b.clone()]);
        assert_eq!(
            h1,
            inputs_hash("src", "release.nix", &[b.clone(), a.clone()])
        );
        let mut b2 = b.clone();
        b2.value = "2".into();
        assert_ne!(h1, inputs_hash("src", "release.nix", &[a.clone(), b2]));
        assert_ne!(h1, inputs_hash("src", "other.nix", &[a, b]));
    }

    #[test]
    fn tree_hash_sees_content_and_mode() {
        use std::os::unix::fs::PermissionsExt;
        let mut r = [0u8; 8];
        let _ = getrandom::getrandom(&mut r);
        let d = std::env::temp_dir().join(format!("hydrant-tree-{}", u64::from_le_bytes(r)));
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/f"), "one").unwrap();
        let hash = |d: &Path| {
            let mut h = Sha256::new();
            hash_tree(d, &mut h, far(), &|| false).unwrap();
            hex(&h.finalize())
        };
        let h1 = hash(&d);
        assert_eq!(h1, hash(&d));
        std::fs::write(d.join("sub/f"), "two").unwrap();
        let h2 = hash(&d);
        assert_ne!(h1, h2);
        std::fs::set_permissions(d.join("sub/f"), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_ne!(h2, hash(&d));
        let _ = std::fs::remove_dir_all(d);
    }
}
