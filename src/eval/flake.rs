//! Flake jobsets (Hydra's `type = 1`): the flake reference a user gives is checked for shape,
//! locked with `nix flake metadata --no-write-lock-file` (so nothing is ever written into the
//! user's repository, and a lock file missing entries is completed in memory only). Every
//! locked source is then in the store at the path its narHash names (fetched with `nix flake
//! archive` when one is missing), and the evaluation reads `hydraJobs` of exactly that lock
//! (`call-flake.nix`, as Nix's own `getFlake` computes it) in restricted mode with only those
//! store paths readable and no fetcher at all, so the eval is reproducible from what it
//! records and reads nothing else.

use super::inputs::check_local_path;
use super::run::{self, cap_text, RunError};
use crate::db::{EvalInput, JobsetInput};
use crate::nix::cli::NixCli;
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Every `nix` call about flakes needs these (Nix 2.8 ships flakes as experimental).
pub const FEATURES: [&str; 2] = ["--extra-experimental-features", "nix-command flakes"];

/// The expression that evaluates a locked flake from its lock file (see the file's header).
pub const CALL_FLAKE: &str = include_str!("call-flake.nix");

/// The flake reference schemes a jobset may use. Indirect references (`nixpkgs`, `flake:x`)
/// go through a registry, which is mutable and needs the network: not allowed.
const SCHEMES: &[&str] = &[
    "git+file",
    "git+https",
    "git+http",
    "git+ssh",
    "path",
    "github",
    "gitlab",
    "sourcehut",
    "tarball+https",
    "tarball+http",
    "tarball+file",
    "https",
    "http",
];

/// Checks a flake reference for shape: `SCHEME:REST` with a known scheme, printable ASCII with
/// no spaces or quotes, at most 4096 bytes. Err says what is wrong (for a 400).
pub fn check_flake_ref(r: &str) -> Result<(), String> {
    if r.is_empty() {
        return Err("`flake` is required for a flake jobset (e.g. git+https://example.org/repo.git?ref=main or github:owner/repo)".into());
    }
    if r.len() > 4096 {
        return Err("`flake` is longer than 4096 bytes".into());
    }
    if let Some(c) = r
        .chars()
        .find(|c| !c.is_ascii_graphic() || matches!(c, '"' | '\'' | '\\' | '`'))
    {
        return Err(format!(
            "`flake` {:?} contains {c:?}: a flake reference is a URL without spaces, quotes or control characters",
            r.chars().take(200).collect::<String>()
        ));
    }
    let scheme = r.split_once(':').map(|(s, _)| s).unwrap_or("");
    if !SCHEMES.contains(&scheme) {
        return Err(format!(
            "`flake` {r:?} is not a flake reference hydrant can lock: it must start with one of {} \
             (registry names such as `nixpkgs` are not allowed)",
            SCHEMES
                .iter()
                .map(|s| format!("{s}:"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    let rest = &r[scheme.len() + 1..];
    if rest.is_empty() || rest.starts_with('-') {
        return Err(format!(
            "`flake` {r:?} has nothing usable after `{scheme}:`"
        ));
    }
    // A local reference names an absolute path (`git+file:///srv/r`, `git+file:/srv/r`,
    // `path:/srv/r`): no host, nothing relative to wherever hydrant runs.
    if LOCAL_SCHEMES.contains(&scheme) && !local_path_of(rest).starts_with('/') {
        return Err(format!(
            "`flake` {r:?} must name an absolute local path (e.g. {scheme}:///srv/repo), without \
             a host"
        ));
    }
    Ok(())
}

/// The schemes whose reference is a path on this machine.
const LOCAL_SCHEMES: &[&str] = &["path", "git+file", "tarball+file"];

/// The path of a local reference's REST (after `SCHEME:`): an optional `//` (empty
/// authority), up to the query or fragment.
fn local_path_of(rest: &str) -> &str {
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    rest.split(['?', '#']).next().unwrap_or("")
}

/// The local path a flake reference reads (`path:`, `git+file:`, `tarball+file:`), for the
/// `allowed_path_inputs` check of non-admins, as a path input would be checked.
pub fn local_input(r: &str) -> Option<JobsetInput> {
    let (scheme, rest) = r.split_once(':')?;
    if !LOCAL_SCHEMES.contains(&scheme) {
        return None;
    }
    Some(JobsetInput {
        name: "flake".into(),
        kind: "path".into(),
        value: local_path_of(rest).to_string(),
        emailresponsible: false,
    })
}

/// The local path a locked input reads, from its attributes (`type = "path"`, or a `file:`
/// URL of a git, tarball, file or mercurial input); None for a remote one.
fn locked_local_path(locked: &Value) -> Option<String> {
    if locked["type"] == "path" {
        return Some(locked["path"].as_str().unwrap_or("").to_string());
    }
    let url = locked["url"].as_str()?;
    let rest = url.strip_prefix("file:")?;
    Some(local_path_of(rest).to_string())
}

/// Every input the lock names (the flake itself aside) that reads a local path must lie inside
/// `allowed_path_inputs`, whoever set up the jobset: a repository's `flake.nix` and
/// `flake.lock` are its content, and `inputs.x.url = "path:/var/lib/hydrant"` would otherwise
/// put hydrant's own files within the evaluation's reach.
fn check_local_inputs(lock: &Value, allowed: &[PathBuf]) -> Result<(), LockError> {
    let root = lock["root"].as_str().unwrap_or("root");
    let Some(nodes) = lock["nodes"].as_object() else {
        return Ok(());
    };
    for (key, node) in nodes {
        if key == root {
            continue;
        }
        let Some(path) = locked_local_path(&node["locked"]) else {
            continue;
        };
        let input = JobsetInput {
            name: key.clone(),
            kind: "path".into(),
            value: path.clone(),
            emailresponsible: false,
        };
        if path.starts_with('/') && check_local_path(&input, allowed).is_ok() {
            continue;
        }
        let dirs: Vec<String> = allowed.iter().map(|d| d.display().to_string()).collect();
        return Err(LockError::Nix(format!(
            "flake input `{key}` reads the local path {path:?}, which is outside \
             allowed_path_inputs ({}): a flake's inputs may read only the local directories \
             listed there",
            if dirs.is_empty() {
                "none set".to_string()
            } else {
                dirs.join(" ")
            }
        )));
    }
    Ok(())
}

/// A locked flake: what `nix flake metadata` said.
#[derive(Debug, Clone, PartialEq)]
pub struct Locked {
    /// The locked URL of the flake itself (with `rev` for git), shown and recorded on the eval.
    pub url: String,
    /// Its locked attributes (type, url, rev, narHash…), as `fetchTree` takes them.
    pub root: Value,
    /// The whole lock file as Nix computed it (entries a committed flake.lock lacks included).
    pub lock: Value,
    /// Node key → `{ info = SOURCE ATTRIBUTES; dir = SUBDIR; }`: each locked source's store
    /// path (`info.outPath`) and the attributes `fetchTree` would give it.
    pub sources: Value,
}

impl Locked {
    /// One record per locked flake: the flake itself (named `flake`) and each input by its
    /// path in the lock (`nixpkgs`, `dep/nixpkgs`), with revision and NAR hash; `follows`
    /// inputs are another input's node and are not repeated.
    /// A lock nesting deeper than 32 inputs or naming more than 1,000 is refused, not cut
    /// short: an input left out would be left out of the change hash too.
    pub fn records(&self) -> Result<Vec<EvalInput>, String> {
        let mut out = vec![record("flake", &self.url, &self.root)];
        let nodes = &self.lock["nodes"];
        let root = self.lock["root"].as_str().unwrap_or("root");
        let mut stack: Vec<(String, String, usize)> = vec![(String::new(), root.to_string(), 0)];
        let mut seen = std::collections::BTreeSet::new();
        while let Some((prefix, node, depth)) = stack.pop() {
            if depth > 32 || out.len() > 1000 {
                return Err(format!(
                    "the lock of flake {} nests inputs deeper than 32 or names more than 1000 \
                     of them: hydrant does not evaluate such flakes",
                    self.url
                ));
            }
            let Some(inputs) = nodes[&node]["inputs"].as_object() else {
                continue;
            };
            for (name, spec) in inputs {
                let Some(key) = spec.as_str() else { continue };
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}/{name}")
                };
                let locked = &nodes[key]["locked"];
                if locked.is_object() && seen.insert(path.clone()) {
                    out.push(record(
                        &path,
                        &attrs_url(locked).unwrap_or_default(),
                        locked,
                    ));
                    stack.push((path, key.to_string(), depth + 1));
                }
            }
        }
        out[1..].sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The store paths of every locked source: what the evaluation may read.
    pub fn source_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .sources
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|v| v["info"]["outPath"].as_str().map(str::to_string))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The `--override-input PATH URL` pairs that pin every input to this lock (so `nix build`
    /// reproduces it even when the committed flake.lock lacks entries).
    pub fn overrides(records: &[EvalInput]) -> Vec<(String, String)> {
        records
            .iter()
            .filter(|r| r.kind == "flake-input" && !r.uri.is_empty())
            .map(|r| (r.name.clone(), r.uri.clone()))
            .collect()
    }
}

fn record(name: &str, url: &str, locked: &Value) -> EvalInput {
    let s = |k: &str| locked[k].as_str().unwrap_or("").to_string();
    EvalInput {
        name: name.to_string(),
        kind: if name == "flake" {
            "flake".into()
        } else {
            "flake-input".into()
        },
        uri: url.to_string(),
        value: s("type"),
        revision: s("rev"),
        sha256hash: s("narHash"),
        revcount: locked["revCount"].as_u64().unwrap_or(0),
    }
}

/// A locked input's attributes as a flake URL (for `--override-input` and for showing);
/// None for a type this does not know.
pub fn attrs_url(a: &Value) -> Option<String> {
    let s = |k: &str| a[k].as_str().map(str::to_string);
    let mut q: Vec<(String, String)> = Vec::new();
    let base = match s("type")?.as_str() {
        "git" => {
            for k in ["ref", "rev"] {
                if let Some(v) = s(k) {
                    q.push((k.into(), v));
                }
            }
            format!("git+{}", s("url")?)
        }
        "path" => {
            if let Some(v) = s("narHash") {
                q.push(("narHash".into(), v));
            }
            format!("path:{}", s("path")?)
        }
        t @ ("github" | "gitlab" | "sourcehut") => {
            if let Some(h) = s("host") {
                q.push(("host".into(), h));
            }
            format!("{t}:{}/{}/{}", s("owner")?, s("repo")?, s("rev")?)
        }
        "tarball" | "file" => {
            if let Some(v) = s("narHash") {
                q.push(("narHash".into(), v));
            }
            s("url")?
        }
        _ => return None,
    };
    if let Some(d) = s("dir").filter(|d| !d.is_empty()) {
        q.push(("dir".into(), d));
    }
    if q.is_empty() {
        return Some(base);
    }
    let enc = |v: &str| -> String {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let query: Vec<String> = q.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}{}", query.join("&")))
}

/// Why a flake could not be locked.
#[derive(Debug)]
pub enum LockError {
    /// Nix refused: its message, reduced to the error and which input it was about.
    Nix(String),
    Run(RunError),
    BadOutput(String),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Nix(m) => write!(f, "{m}"),
            LockError::Run(RunError::TimedOut { after, .. }) => write!(
                f,
                "locking the flake timed out after {}s (the eval's deadline, eval_timeout)",
                after.as_secs()
            ),
            LockError::Run(e) => write!(f, "{e}"),
            LockError::BadOutput(m) => write!(f, "unexpected output of nix flake metadata: {m}"),
        }
    }
}

/// The options that keep a fetch from hanging: Nix's own download timeouts, one attempt, and
/// git's low-speed limit, so an unreachable input fails within `timeout` (the caller also
/// kills the process at its deadline).
pub fn no_hang(c: &mut std::process::Command, timeout: Duration) {
    let secs = timeout.as_secs().max(1).to_string();
    c.args(["--option", "connect-timeout", &secs])
        .args(["--option", "stalled-download-timeout", &secs])
        .args(["--option", "download-attempts", "1"])
        .env("GIT_HTTP_LOW_SPEED_LIMIT", "1")
        .env("GIT_HTTP_LOW_SPEED_TIME", &secs)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "/bin/true")
        .env(
            "GIT_SSH_COMMAND",
            format!("ssh -o BatchMode=yes -o ConnectTimeout={secs}"),
        )
        .env("GIT_ALLOW_PROTOCOL", "file:git:http:https:ssh")
        // A repository owned by another user is read (as hydrant's own git calls do).
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "safe.directory")
        .env("GIT_CONFIG_VALUE_0", "*");
}

/// Locks `flake_ref` (checked with [`check_flake_ref`] first) without writing a lock file.
pub fn lock(
    nix: &NixCli,
    flake_ref: &str,
    allowed: &[PathBuf],
    timeout: Duration,
    deadline: Instant,
    cap: usize,
    cancelled: &dyn Fn() -> bool,
) -> Result<Locked, LockError> {
    check_flake_ref(flake_ref).map_err(LockError::Nix)?;
    let flake = |sub: &str| -> Result<run::Output, LockError> {
        let mut c = nix.command("nix");
        c.args(FEATURES)
            .args(["flake", sub, "--json", "--no-write-lock-file"])
            .arg("--show-trace");
        no_hang(&mut c, timeout);
        c.arg("--").arg(flake_ref);
        // `timeout` bounds a stall (no connection, no bytes), not a download: a big input on a
        // slow link may take as long as the eval's own deadline allows.
        let out = run::run(c, deadline, cap.max(16 * 1024), cancelled).map_err(LockError::Run)?;
        if !out.success {
            return Err(LockError::Nix(cap_text(
                &lock_message(flake_ref, &out.stderr),
                cap,
            )));
        }
        Ok(out)
    };
    let out = flake("metadata")?;
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| LockError::BadOutput(format!("not JSON: {e}")))?;
    let url = v["url"]
        .as_str()
        .ok_or_else(|| LockError::BadOutput("no `url`".into()))?
        .to_string();
    let root = v["locked"].clone();
    if !root.is_object() || root["type"].as_str().is_none() {
        return Err(LockError::BadOutput("no `locked` attributes".into()));
    }
    if root["type"] == "git" && root["rev"].as_str().is_none() {
        return Err(LockError::Nix(format!(
            "cannot lock flake {flake_ref}: the repository has uncommitted changes, so it has no \
             revision to evaluate; commit them, or name a branch (`?ref=main`) to evaluate its \
             last commit"
        )));
    }
    let lock = v["locks"].clone();
    if !lock["nodes"].is_object() {
        return Err(LockError::BadOutput("no `locks`".into()));
    }
    check_local_inputs(&lock, allowed)?;
    let root_path = v["path"].as_str().unwrap_or("").to_string();
    let mut locked = Locked {
        url,
        root,
        lock,
        sources: Value::Null,
    };
    let (found, missing) = sources(&locked, &nix.store_dir, &root_path)?;
    locked.sources = found;
    if missing.is_empty() {
        return Ok(locked);
    }
    // Inputs the committed flake.lock already pinned are not fetched by `metadata`.
    flake("archive")?;
    let (_, missing) = sources(&locked, &nix.store_dir, &root_path)?;
    if let Some((key, path)) = missing.first() {
        return Err(LockError::Nix(format!(
            "cannot lock flake {flake_ref}: input `{key}` is not at {path} after fetching (did \
             it change while it was locked?)"
        )));
    }
    Ok(locked)
}

/// The store path Nix gives a source with this narHash (SRI): a fixed-output path named
/// `source`, NAR-hashed with SHA-256, without references.
pub fn source_store_path(store_dir: &str, nar_hash: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    let h = crate::nix::hash::Hash::parse(nar_hash).ok()?;
    if h.algo() != crate::nix::hash::HashAlgo::Sha256 {
        return None;
    }
    let fingerprint = format!("source:sha256:{}:{store_dir}:source", h.to_hex());
    let digest = Sha256::digest(fingerprint.as_bytes());
    let mut compressed = [0u8; 20];
    for (i, b) in digest.iter().enumerate() {
        compressed[i % 20] ^= b;
    }
    Some(format!(
        "{store_dir}/{}-source",
        crate::nix::base32::encode(&compressed)
    ))
}

/// `YYYYMMDDHHMMSS` in UTC, as Nix shows `lastModifiedDate`.
fn utc_stamp(secs: i64) -> String {
    let (y, m, d, h, mi, s) = crate::s3::sigv4::civil_from_unix(secs.max(0) as u64);
    format!("{y:04}{m:02}{d:02}{h:02}{mi:02}{s:02}")
}

/// The source attributes `fetchTree` gives a locked input (Nix 2.8's `emitTreeAttrs`).
fn source_info(locked: &Value, out_path: &str) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("outPath".into(), out_path.into());
    if let Some(h) = locked["narHash"].as_str() {
        m.insert("narHash".into(), h.into());
    }
    if locked["type"] == "git" {
        m.insert(
            "submodules".into(),
            locked["submodules"].as_bool().unwrap_or(false).into(),
        );
    }
    if let Some(rev) = locked["rev"].as_str() {
        m.insert("rev".into(), rev.into());
        m.insert("shortRev".into(), rev.get(..7).unwrap_or(rev).into());
    }
    if let Some(n) = locked["revCount"].as_u64() {
        m.insert("revCount".into(), n.into());
    }
    if let Some(t) = locked["lastModified"].as_i64() {
        m.insert("lastModified".into(), t.into());
        m.insert("lastModifiedDate".into(), utc_stamp(t).into());
    }
    Value::Object(m)
}

/// Each node's source (see `Locked::sources`) and the (node, path) pairs not in the store.
type Sources = (Value, Vec<(String, String)>);

fn sources(l: &Locked, store_dir: &str, root_path: &str) -> Result<Sources, LockError> {
    let root_key = l.lock["root"].as_str().unwrap_or("root");
    let mut out = serde_json::Map::new();
    let mut missing = Vec::new();
    let nodes = l.lock["nodes"].as_object().cloned().unwrap_or_default();
    for (key, node) in &nodes {
        let (locked, path) = if key == root_key {
            (&l.root, root_path.to_string())
        } else {
            let locked = &node["locked"];
            let Some(path) = locked["narHash"]
                .as_str()
                .and_then(|h| source_store_path(store_dir, h))
            else {
                return Err(LockError::BadOutput(format!(
                    "input node `{key}` has no sha256 narHash"
                )));
            };
            (locked, path)
        };
        // A path must be a plain store path: it becomes `builtins.storePath` and `-I`.
        let name_ok = path
            .strip_prefix(store_dir)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|b| {
                !b.is_empty()
                    && b.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"+-._?=".contains(&c))
            });
        if !name_ok {
            return Err(LockError::BadOutput(format!(
                "input node `{key}` is at {path:?}, not a store path"
            )));
        }
        if !std::path::Path::new(&path).exists() {
            missing.push((key.clone(), path.clone()));
        }
        let dir = locked["dir"].as_str().unwrap_or("");
        out.insert(
            key.clone(),
            serde_json::json!({"info": source_info(locked, &path), "dir": dir}),
        );
    }
    Ok((Value::Object(out), missing))
}

/// Nix's failure with `--show-trace`, reduced to what a user needs: the `error:` line and
/// which flake input it was fetching (`… while updating the flake input 'x'`), without the
/// retry warnings.
pub fn lock_message(flake_ref: &str, stderr: &str) -> String {
    let clean = super::clean_message(stderr);
    let mut error = Vec::new();
    let mut inputs = Vec::new();
    let mut in_error = false;
    for line in clean.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("… while updating the flake input '") {
            inputs.push(rest.trim_end_matches('\'').to_string());
            in_error = false;
        } else if let Some(rest) = t.strip_prefix("error: ") {
            error.push(rest.to_string());
            in_error = true;
        } else if t.starts_with('…') || t.starts_with("warning:") || t.starts_with("(use") {
            in_error = false;
        } else if in_error && !t.is_empty() {
            error.push(t.to_string());
        } else if !t.is_empty() && error.is_empty() && !t.starts_with("warning") {
            // git's own `fatal: …` line comes before Nix's error.
            error.push(t.to_string());
        }
    }
    let what = if error.is_empty() {
        clean.clone()
    } else {
        error.join("\n")
    };
    let network = [
        "unable to download",
        "resolve host",
        "connect to",
        "Connection refused",
        "timed out",
        "Timeout",
        "unable to access",
    ]
    .iter()
    .any(|w| what.contains(w));
    // The first input named is the innermost: the one being fetched (Nix names it by its
    // path, `dep/nixpkgs`).
    match inputs.first() {
        Some(input) => format!(
            "cannot lock flake {flake_ref}: input `{input}` could not be fetched{}: {what}",
            if network {
                " (it needs the network, which did not answer)"
            } else {
                ""
            }
        ),
        None => format!("cannot lock flake {flake_ref}: {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flake_refs_are_checked_for_shape() {
        for ok in [
            "git+file:///srv/repo?ref=main",
            "git+https://example.org/r.git",
            "path:/srv/x",
            "github:nixos/nix",
            "github:owner/repo/abc?dir=sub",
        ] {
            assert_eq!(check_flake_ref(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "nixpkgs",
            "flake:nixpkgs",
            "-Lfoo",
            "--option:x",
            "github:-x",
            "git+file:///a b",
            "path:/x\n",
            "github:a/b\"",
            "ext::sh -c x",
            "github:",
        ] {
            assert!(check_flake_ref(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn local_refs_name_their_path() {
        assert_eq!(
            local_input("git+file:///srv/r?ref=main").map(|i| i.value),
            Some("/srv/r".into())
        );
        assert_eq!(
            local_input("path:/x/y#a").map(|i| i.value),
            Some("/x/y".into())
        );
        assert_eq!(local_input("github:a/b"), None);
        // One slash is the same path as three (Nix locks both).
        assert_eq!(
            local_input("git+file:/srv/r?ref=main").map(|i| i.value),
            Some("/srv/r".into())
        );
        assert_eq!(
            local_input("tarball+file:///t.tar.gz").map(|i| i.value),
            Some("/t.tar.gz".into())
        );
        for bad in ["git+file://host/srv/r", "path:relative", "git+file:srv"] {
            assert!(check_flake_ref(bad).is_err(), "{bad}");
        }
        assert!(check_flake_ref("git+file:/srv/r").is_ok());
    }

    #[test]
    fn local_inputs_of_a_lock_must_be_allowed() {
        let dir = std::env::temp_dir();
        let inside = dir.join(format!("hydrant-flake-allowed-{}", std::process::id()));
        std::fs::create_dir_all(&inside).unwrap();
        let lock = |locked: Value| {
            json!({"root": "root", "nodes": {
                "root": {"inputs": {"x": "x"}, "locked": {"type": "path", "path": "/etc"}},
                "x": {"locked": locked}
            }})
        };
        let allowed = vec![inside.clone()];
        let ok = |l: Value| check_local_inputs(&lock(l), &allowed).is_ok();
        // The flake itself (root) is the jobset's own reference, checked on save.
        assert!(ok(json!({"type": "github", "owner": "o", "repo": "r"})));
        assert!(ok(
            json!({"type": "path", "path": inside.display().to_string()})
        ));
        assert!(ok(
            json!({"type": "git", "url": format!("file://{}", inside.display())})
        ));
        assert!(!ok(json!({"type": "path", "path": "/var/lib"})));
        assert!(!ok(json!({"type": "git", "url": "file:///etc"})));
        assert!(!ok(json!({"type": "git", "url": "file:/etc"})));
        assert!(!ok(json!({"type": "tarball", "url": "file:///etc/x.tar"})));
        assert!(!ok(json!({"type": "path", "path": "relative"})));
        let e = check_local_inputs(&lock(json!({"type": "path", "path": "/etc"})), &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("flake input `x`") && e.contains("none set"),
            "{e}"
        );
        std::fs::remove_dir_all(&inside).unwrap();
    }

    #[test]
    fn locked_attrs_become_urls() {
        let git =
            json!({"type":"git","url":"file:///r","ref":"main","rev":"abc","narHash":"sha256-x"});
        assert_eq!(attrs_url(&git).unwrap(), "git+file:///r?ref=main&rev=abc");
        let gh = json!({"type":"github","owner":"o","repo":"r","rev":"abc","narHash":"sha256-x"});
        assert_eq!(attrs_url(&gh).unwrap(), "github:o/r/abc");
        let p = json!({"type":"path","path":"/x y","narHash":"sha256-a+b="});
        assert_eq!(attrs_url(&p).unwrap(), "path:/x y?narHash=sha256-a%2Bb%3D");
        assert_eq!(attrs_url(&json!({"type":"mercurial"})), None);
    }

    #[test]
    fn records_walk_the_lock() {
        let l = Locked {
            url: "git+file:///a?rev=1".into(),
            root: json!({"type":"git","url":"file:///a","rev":"1","narHash":"h1"}),
            sources: json!({}),
            lock: json!({"root":"root","version":7,"nodes":{
                "root":{"inputs":{"b":"b","c":"c_2"}},
                "b":{"locked":{"type":"git","url":"file:///b","rev":"2","narHash":"h2"},"inputs":{"c":["c"]}},
                "c_2":{"locked":{"type":"path","path":"/c","narHash":"h3"}}
            }}),
        };
        let r = l.records().unwrap();
        let names: Vec<_> = r.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["flake", "b", "c"]);
        assert_eq!(
            (r[0].revision.as_str(), r[0].sha256hash.as_str()),
            ("1", "h1")
        );
        assert_eq!(r[1].uri, "git+file:///b?rev=2");
        assert_eq!(
            Locked::overrides(&r),
            [
                ("b".to_string(), "git+file:///b?rev=2".to_string()),
                ("c".to_string(), "path:/c?narHash=h3".to_string())
            ]
        );
    }

    #[test]
    fn source_paths_are_computed_as_nix_does() {
        // `nix flake metadata` said: this narHash is at this path.
        assert_eq!(
            source_store_path(
                "/nix/store",
                "sha256-hev7bJYomaYpsMVJ9VJQJgQw/PENbQRVTDWjtuDrtXA="
            )
            .unwrap(),
            "/nix/store/j1pjdgmf56pz0df4bgbfjz21615wcvmn-source"
        );
        assert_eq!(
            source_store_path("/nix/store", "md5-1B2M2Y8AsgTpgAmY7PhCfg=="),
            None
        );
        assert_eq!(utc_stamp(1796133728), "20261201140208");
        assert_eq!(utc_stamp(0), "19700101000000");
    }

    #[test]
    fn lock_errors_name_the_input() {
        let stderr = "warning: error: unable to download 'https://api.github.com/x': Couldn't resolve host name (6); retrying in 619 ms\n\
error: unable to download 'https://api.github.com/x': Couldn't resolve host name (6)\n\n       … while fetching the input 'github:NixOS/nixpkgs'\n\n       … while updating the flake input 'nixpkgs'\n\n       … while updating the lock file of flake 'git+file:///a'\n";
        let m = lock_message("git+file:///a", stderr);
        assert!(m.contains("input `nixpkgs`"), "{m}");
        assert!(m.contains("needs the network"), "{m}");
        assert!(m.contains("Couldn't resolve host name"), "{m}");
        assert!(!m.contains("retrying"), "{m}");
    }
}
