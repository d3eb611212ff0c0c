//! hydra.conf-style configuration: `key = value` lines, `#` comments and nested, repeatable
//! `<section> … </section>` blocks. `parse` is pure; `Config::load` reads a file and types it.
//! Unknown keys are warnings (kept in `Config::warnings`), malformed input is an error at `file:line`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A parsed block: its `key = value` entries and nested sections, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub name: String,
    pub line: usize,
    pub entries: Vec<Entry>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Section {
    /// The last value given for `key` (later lines override earlier ones, as in Hydra).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    pub fn sections_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections.iter().filter(move |s| s.name == name)
    }
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    if v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
    {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Parses hydra.conf syntax. `file` is only used to name errors.
pub fn parse(text: &str, file: &str) -> Result<Section, ConfigError> {
    let err = |line: usize, message: String| ConfigError {
        file: file.to_string(),
        line,
        message,
    };
    let mut stack: Vec<Section> = vec![Section {
        name: String::new(),
        ..Default::default()
    }];
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let mut s = raw.trim();
        if let Some(pos) = comment_start(s) {
            s = s[..pos].trim();
        }
        if s.is_empty() {
            continue;
        }
        if let Some(rest) = s.strip_prefix("</") {
            let name = rest
                .strip_suffix('>')
                .ok_or_else(|| err(line, format!("malformed closing tag `{s}`")))?
                .trim();
            let Some(top) = stack.pop() else {
                return Err(err(line, format!("unexpected `</{name}>`")));
            };
            if stack.is_empty() || top.name != name {
                return Err(err(
                    line,
                    if top.name.is_empty() {
                        format!("`</{name}>` closes no open section")
                    } else {
                        format!(
                            "`</{name}>` closes `<{}>` opened on line {}",
                            top.name, top.line
                        )
                    },
                ));
            }
            if let Some(parent) = stack.last_mut() {
                parent.sections.push(top);
            }
        } else if let Some(rest) = s.strip_prefix('<') {
            let name = rest
                .strip_suffix('>')
                .ok_or_else(|| err(line, format!("malformed section tag `{s}`")))?
                .trim();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(err(line, format!("invalid section name `{name}`")));
            }
            stack.push(Section {
                name: name.to_string(),
                line,
                ..Default::default()
            });
        } else {
            let (key, value) = match s.split_once('=') {
                Some((k, v)) => (k.trim(), unquote(v)),
                None => {
                    // Hydra also accepts `key value`.
                    match s.split_once(char::is_whitespace) {
                        Some((k, v)) => (k.trim(), unquote(v)),
                        None => {
                            return Err(err(line, format!("expected `key = value`, found `{s}`")))
                        }
                    }
                }
            };
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
            {
                return Err(err(line, format!("invalid key `{key}`")));
            }
            if let Some(top) = stack.last_mut() {
                top.entries.push(Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                    line,
                });
            }
        }
    }
    if stack.len() > 1 {
        let open = &stack[stack.len() - 1];
        return Err(err(
            open.line,
            format!("section `<{}>` is never closed", open.name),
        ));
    }
    stack
        .pop()
        .ok_or_else(|| err(0, "empty parse stack".into()))
}

/// A `#` starts a comment unless it is inside quotes.
fn comment_start(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '#') => return Some(i),
            (None, '"') | (None, '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    None
}

/// Compression for NARs uploaded to a binary cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Bzip2,
    Xz,
    Zstd,
    None,
}

impl Compression {
    pub fn parse(s: &str) -> Option<Compression> {
        match s {
            "bzip2" | "" => Some(Compression::Bzip2),
            "xz" => Some(Compression::Xz),
            "zstd" => Some(Compression::Zstd),
            "none" => Some(Compression::None),
            _ => None,
        }
    }
    /// The narinfo `Compression:` value.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
            Compression::None => "none",
        }
    }
    /// The NAR file extension in the bucket.
    pub fn extension(self) -> &'static str {
        match self {
            Compression::Bzip2 => ".nar.bz2",
            Compression::Xz => ".nar.xz",
            Compression::Zstd => ".nar.zst",
            Compression::None => ".nar",
        }
    }
}

/// `hydrant serve` as a binary cache (Hydra's `binary_cache_secret_key_file`).
#[derive(Debug, Clone)]
pub struct BinaryCacheConfig {
    /// `binary_cache = true`: answer `/nix-cache-info`, `/<hash>.narinfo`, `/nar/…`.
    pub enabled: bool,
    /// Keys the narinfos are signed with (one signature each).
    pub secret_key_files: Vec<PathBuf>,
    /// `binary_cache_all_paths = true` serves every valid store path; by default only the
    /// closure of hydrant's GC roots (what its builds produced), so a shared store does not
    /// hand out other users' paths.
    pub all_paths: bool,
    /// How NARs are offered in narinfos (`none`, `zstd`, `xz`); every form is served anyway.
    pub compression: Compression,
    pub priority: u32,
}

impl Default for BinaryCacheConfig {
    fn default() -> Self {
        BinaryCacheConfig {
            enabled: false,
            secret_key_files: Vec::new(),
            all_paths: false,
            compression: Compression::None,
            priority: 30,
        }
    }
}

/// One `<s3config>` (or Hydra's `<s3backup>`) section.
#[derive(Debug, Clone)]
pub struct S3Config {
    pub name: String,
    pub jobs: regex::Regex,
    pub compression: Compression,
    pub prefix: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub path_style: bool,
    pub secret_key_file: Option<PathBuf>,
    pub upload_jobs: usize,
    /// Threads compressing one path (xz, zstd); 0 (the default) is the cores other paths leave free, within
    /// `upload_memory_mb`. `xz_threads` is the older name. See `cache::Target`.
    pub compression_threads: u32,
    /// zstd level, 1..=19 (default 3, as Nix).
    pub zstd_level: i32,
    /// Memory the compressors of this bucket's uploads share, MiB (default 256).
    pub upload_memory_mb: u64,
    /// Extra CA certificates (PEM) trusted for this bucket's https endpoint.
    pub ca_file: Option<PathBuf>,
    pub line: usize,
}

impl S3Config {
    /// Hydra anchors the regex over `project:jobset:job`.
    pub fn matches(&self, project: &str, jobset: &str, job: &str) -> bool {
        self.jobs.is_match(&format!("{project}:{jobset}:{job}"))
    }
}

/// The typed configuration with embedded defaults: `Config::default()` is a working setup.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: String,
    pub state_dir: PathBuf,
    pub store_dir: String,
    pub base_uri: Option<String>,
    /// Evaluator
    pub max_concurrent_evals: usize,
    pub eval_timeout: u64,
    /// How long fetching a flake input may stall before it fails (connect and download
    /// timeouts of Nix and git): an air-gapped machine fails fast, naming the input.
    pub flake_fetch_timeout: u64,
    pub max_eval_error_bytes: usize,
    /// Evaluator processes per evaluation (default: the number of cores).
    pub eval_workers: usize,
    /// An evaluator process past this resident size (MiB) is killed and restarted.
    pub eval_max_memory_mb: u64,
    /// Queue runner
    pub max_jobs: usize,
    pub systems: Vec<String>,
    pub machines_file: Option<PathBuf>,
    /// Features of localhost (Nix's `system-features`), for `requiredSystemFeatures`.
    pub system_features: Vec<String>,
    /// Seconds a failing machine is first disabled for (then ×3 per failure, Hydra's back-off).
    pub machine_retry_interval: u64,
    pub max_unsupported_time: u64,
    pub max_output_size: u64,
    /// Cache
    pub s3: Vec<S3Config>,
    pub extra_gc_roots: Vec<PathBuf>,
    pub s3_gc_interval: u64,
    /// `hydrant serve` as a binary cache of the local store (`binary_cache*` keys).
    pub binary_cache: BinaryCacheConfig,
    pub max_body_bytes: usize,
    /// Directories whose files non-admins may use as `path` inputs (empty: only admins may
    /// create path inputs). Kept as written; compared after resolving symlinks.
    pub allowed_path_inputs: Vec<PathBuf>,
    /// Web server: seconds a client may stay silent (idle keep-alive, or mid-request), and
    /// the time a request head may take.
    pub web_timeout: u64,
    /// Web server: bytes per second a request body (and a response) must at least move at,
    /// beyond `web_timeout`.
    pub web_min_rate: u64,
    /// Web server: open connections at most, and per client address (IPv6: per /64).
    pub web_max_connections: usize,
    pub web_max_connections_per_client: usize,
    /// `<webhooks> <github> secret = … </github> <gitea> … </gitea> </webhooks>` (Hydra's):
    /// the HMAC secrets push webhooks are checked against.
    pub webhooks: Webhooks,
    /// Everything else, for later features; unknown keys also produce warnings.
    pub raw: Section,
    pub warnings: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:3000".into(),
            state_dir: PathBuf::from("hydrant-state"),
            store_dir: "/nix/store".into(),
            base_uri: None,
            max_concurrent_evals: 1,
            eval_timeout: 3600,
            flake_fetch_timeout: 60,
            max_eval_error_bytes: 64 * 1024,
            eval_workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            eval_max_memory_mb: 4096,
            max_jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            systems: vec![local_system().to_string()],
            machines_file: None,
            system_features: default_system_features(),
            machine_retry_interval: 60,
            max_unsupported_time: 0,
            max_output_size: 2 << 30,
            s3: Vec::new(),
            extra_gc_roots: Vec::new(),
            s3_gc_interval: 0,
            binary_cache: BinaryCacheConfig::default(),
            max_body_bytes: 4 << 20,
            allowed_path_inputs: Vec::new(),
            web_timeout: 10,
            web_min_rate: 16 * 1024,
            web_max_connections: 1024,
            web_max_connections_per_client: 32,
            webhooks: Webhooks::default(),
            raw: Section::default(),
            warnings: Vec::new(),
        }
    }
}

/// The Nix system type of this machine.
/// Nix's default `system-features` (kvm only where /dev/kvm exists).
pub fn default_system_features() -> Vec<String> {
    let mut f: Vec<String> = ["nixos-test", "benchmark", "big-parallel"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if std::path::Path::new("/dev/kvm").exists() {
        f.push("kvm".into());
    }
    f
}

pub fn local_system() -> &'static str {
    match (std::env::consts::ARCH, std::env::consts::OS) {
        ("x86_64", "linux") => "x86_64-linux",
        ("aarch64", "linux") => "aarch64-linux",
        ("x86_64", "macos") => "x86_64-darwin",
        ("aarch64", "macos") => "aarch64-darwin",
        ("x86", "linux") => "i686-linux",
        _ => "x86_64-linux",
    }
}

const TOP_KEYS: &[&str] = &[
    "listen",
    "state_dir",
    "store_dir",
    "base_uri",
    "max_concurrent_evals",
    "evaluator_timeout",
    "eval_timeout",
    "flake_fetch_timeout",
    "max_eval_error_bytes",
    "eval_workers",
    "eval_max_memory_mb",
    "max_jobs",
    "systems",
    "machines_file",
    "system_features",
    "machine_retry_interval",
    "max_unsupported_time",
    "max_output_size",
    "extra_gc_roots",
    "s3_gc_interval",
    "binary_cache",
    "binary_cache_secret_key_file",
    "binary_cache_all_paths",
    "binary_cache_priority",
    "binary_cache_compression",
    "max_body_bytes",
    "allowed_path_inputs",
    "web_timeout",
    "web_min_rate",
    "web_max_connections",
    "web_max_connections_per_client",
];
const S3_KEYS: &[&str] = &[
    "name",
    "jobs",
    "compression_type",
    "prefix",
    "endpoint",
    "region",
    "path_style",
    "secret_key_file",
    "upload_jobs",
    "xz_threads",
    "compression_threads",
    "zstd_level",
    "upload_memory_mb",
    "ca_file",
];

fn parse_num<T: std::str::FromStr>(e: &Entry, file: &str) -> Result<T, ConfigError> {
    e.value.trim().parse().map_err(|_| ConfigError {
        file: file.into(),
        line: e.line,
        message: format!(
            "`{}` must be a non-negative number, not `{}`",
            e.key, e.value
        ),
    })
}

/// A number within `lo..=hi`: values past the bounds are refused with the bounds named, so a
/// typo such as `eval_timeout = 18446744073709551615` is an error here rather than an overflow
/// deep in a thread.
fn parse_in<T>(e: &Entry, file: &str, lo: u64, hi: u64, unit: &str) -> Result<T, ConfigError>
where
    T: TryFrom<u64>,
{
    let v: u64 = parse_num(e, file)?;
    let out = (lo..=hi)
        .contains(&v)
        .then(|| T::try_from(v).ok())
        .flatten();
    out.ok_or_else(|| ConfigError {
        file: file.into(),
        line: e.line,
        message: format!("`{}` must be between {lo} and {hi}{unit}, not {v}", e.key),
    })
}

/// Bounds of the numeric keys (see `parse_in`).
const YEAR: u64 = 365 * 24 * 3600;
const GIB: u64 = 1 << 30;

fn parse_bool(e: &Entry, file: &str) -> Result<bool, ConfigError> {
    match e.value.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        v => Err(ConfigError {
            file: file.into(),
            line: e.line,
            message: format!("`{}` must be true or false, not `{v}`", e.key),
        }),
    }
}

impl Config {
    /// Reads and types a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            line: 0,
            message: format!("cannot read config: {e}"),
        })?;
        Config::from_str(&text, &file)
    }

    /// Types a config text; `file` names it in errors.
    pub fn from_str(text: &str, file: &str) -> Result<Config, ConfigError> {
        let root = parse(text, file)?;
        let mut c = Config::default();
        let mut warnings = Vec::new();
        for e in &root.entries {
            match e.key.as_str() {
                "listen" => c.listen = e.value.clone(),
                "state_dir" => c.state_dir = PathBuf::from(&e.value),
                "store_dir" => c.store_dir = e.value.trim_end_matches('/').to_string(),
                "base_uri" => c.base_uri = Some(e.value.clone()),
                "max_concurrent_evals" => {
                    c.max_concurrent_evals = parse_in::<usize>(e, file, 0, 1024, "")?.max(1)
                }
                "evaluator_timeout" | "eval_timeout" => {
                    c.eval_timeout = parse_in(e, file, 1, YEAR, " seconds")?
                }
                "flake_fetch_timeout" => {
                    c.flake_fetch_timeout = parse_in(e, file, 1, YEAR, " seconds")?
                }
                "max_eval_error_bytes" => {
                    c.max_eval_error_bytes = parse_in(e, file, 0, 64 << 20, " bytes")?
                }
                "eval_workers" => c.eval_workers = parse_in::<usize>(e, file, 0, 256, "")?.max(1),
                "eval_max_memory_mb" => {
                    c.eval_max_memory_mb = parse_in(e, file, 16, 1 << 24, " MiB")?
                }
                "max_jobs" => c.max_jobs = parse_in::<usize>(e, file, 0, 4096, "")?.max(1),
                "systems" => c.systems = e.value.split_whitespace().map(String::from).collect(),
                "machines_file" => c.machines_file = Some(PathBuf::from(&e.value)),
                "system_features" => {
                    c.system_features = e.value.split_whitespace().map(String::from).collect()
                }
                "machine_retry_interval" => {
                    c.machine_retry_interval = parse_in(e, file, 1, YEAR, " seconds")?
                }
                "max_unsupported_time" => {
                    c.max_unsupported_time = parse_in(e, file, 0, 10 * YEAR, " seconds")?
                }
                "max_output_size" => {
                    c.max_output_size = parse_in(e, file, 0, 1 << 20 << 30, " bytes")?
                }
                "extra_gc_roots" => c
                    .extra_gc_roots
                    .extend(e.value.split_whitespace().map(PathBuf::from)),
                "s3_gc_interval" => c.s3_gc_interval = parse_in(e, file, 0, 10 * YEAR, " seconds")?,
                "binary_cache" => c.binary_cache.enabled = parse_bool(e, file)?,
                "binary_cache_secret_key_file" => c
                    .binary_cache
                    .secret_key_files
                    .extend(e.value.split_whitespace().map(PathBuf::from)),
                "binary_cache_all_paths" => c.binary_cache.all_paths = parse_bool(e, file)?,
                "binary_cache_priority" => {
                    c.binary_cache.priority = parse_in(e, file, 0, 1000, "")?
                }
                "binary_cache_compression" => {
                    c.binary_cache.compression = match Compression::parse(e.value.trim()) {
                        Some(Compression::Bzip2) | None => {
                            return Err(ConfigError {
                                file: file.into(),
                                line: e.line,
                                message: format!(
                                    "binary_cache_compression must be none, zstd or xz, not `{}`",
                                    e.value
                                ),
                            })
                        }
                        Some(c) => c,
                    }
                }
                "max_body_bytes" => c.max_body_bytes = parse_in(e, file, 0, GIB, " bytes")?,
                "allowed_path_inputs" => c
                    .allowed_path_inputs
                    .extend(e.value.split_whitespace().map(PathBuf::from)),
                "web_timeout" => c.web_timeout = parse_num::<u64>(e, file)?.max(1),
                "web_min_rate" => c.web_min_rate = parse_num::<u64>(e, file)?.max(1),
                "web_max_connections" => {
                    c.web_max_connections = parse_num::<usize>(e, file)?.max(1)
                }
                "web_max_connections_per_client" => {
                    c.web_max_connections_per_client = parse_num::<usize>(e, file)?.max(1)
                }
                k => warnings.push(format!("{file}:{}: unknown key `{k}` ignored", e.line)),
            }
        }
        for s in &root.sections {
            match s.name.as_str() {
                "s3config" | "s3backup" => {
                    c.s3.push(S3Config::from_section(s, file, &mut warnings)?)
                }
                "webhooks" => c.webhooks = Webhooks::from_section(s, file, &mut warnings),
                // Kept raw for features that read them later (Hydra compatibility).
                "git-input" | "hydra_notify" | "runcommand" | "queue_runner" | "evaluator" => {}
                n => warnings.push(format!(
                    "{file}:{}: unknown section `<{n}>` ignored",
                    s.line
                )),
            }
        }
        debug_assert!(TOP_KEYS.contains(&"listen"));
        c.raw = root;
        c.warnings = warnings;
        Ok(c)
    }

    /// The one loader for every subcommand that reads a config (`serve`, `user`, `db`,
    /// `cache push`, `s3-gc`): the file (or the defaults), then `--state-dir`, made absolute.
    /// Unknown keys and sections are printed as `hydrant: warning: …` on stderr, the same for
    /// every command, and taken out of `warnings` so nothing prints them twice.
    pub fn load_cli(path: Option<&Path>, state_dir: Option<&Path>) -> Result<Config, String> {
        let mut c = match path {
            Some(p) => Config::load(p).map_err(|e| e.to_string())?,
            None => Config::default(),
        };
        for w in std::mem::take(&mut c.warnings) {
            eprintln!("hydrant: warning: {w}");
        }
        if let Some(d) = state_dir {
            c.state_dir = d.to_path_buf();
        }
        c.resolve_state_dir()?;
        Ok(c)
    }

    /// Makes `state_dir` absolute against the current directory, resolving symlinks where it
    /// exists. Call once after loading, before anything uses it: git gets paths below it in
    /// its environment (`GIT_INDEX_FILE`) while running in another directory, and restricted
    /// evaluation compares the paths it is given with the ones Nix resolves.
    pub fn resolve_state_dir(&mut self) -> Result<(), String> {
        let abs = std::path::absolute(&self.state_dir).map_err(|e| {
            format!(
                "cannot make the state dir {} absolute: {e}",
                self.state_dir.display()
            )
        })?;
        self.state_dir = std::fs::canonicalize(&abs).unwrap_or(abs);
        Ok(())
    }

    pub fn db_path(&self) -> PathBuf {
        self.state_dir.join("hydrant.redb")
    }
    pub fn logs_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }
    pub fn gcroots_dir(&self) -> PathBuf {
        self.state_dir.join("gcroots")
    }
}

/// Secrets of the push webhooks, per platform; any one of them may sign a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Webhooks {
    pub github: Vec<String>,
    pub gitea: Vec<String>,
}

impl Webhooks {
    fn from_section(s: &Section, file: &str, warnings: &mut Vec<String>) -> Webhooks {
        let mut w = Webhooks::default();
        for e in &s.entries {
            warnings.push(format!(
                "{file}:{}: unknown key `{}` in <webhooks> ignored",
                e.line, e.key
            ));
        }
        for sub in &s.sections {
            let into = match sub.name.as_str() {
                "github" => &mut w.github,
                "gitea" => &mut w.gitea,
                n => {
                    warnings.push(format!(
                        "{file}:{}: unknown section `<{n}>` in <webhooks> ignored",
                        sub.line
                    ));
                    continue;
                }
            };
            for e in &sub.entries {
                match e.key.as_str() {
                    "secret" => into.push(e.value.trim().to_string()),
                    k => warnings.push(format!(
                        "{file}:{}: unknown key `{k}` in <{}> ignored",
                        e.line, sub.name
                    )),
                }
            }
        }
        w
    }
}

impl S3Config {
    fn from_section(
        s: &Section,
        file: &str,
        warnings: &mut Vec<String>,
    ) -> Result<S3Config, ConfigError> {
        let err = |line: usize, message: String| ConfigError {
            file: file.into(),
            line,
            message,
        };
        let what = format!("<{}> section", s.name);
        for e in &s.entries {
            if !S3_KEYS.contains(&e.key.as_str()) {
                warnings.push(format!(
                    "{file}:{}: unknown key `{}` in {what} ignored",
                    e.line, e.key
                ));
            }
        }
        let name = s
            .get("name")
            .map(|e| e.value.trim().to_string())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| err(s.line, format!("{what} has no `name` (the bucket)")))?;
        let jobs_e = s.get("jobs").ok_or_else(|| {
            err(
                s.line,
                format!("{what} for bucket `{name}` has no `jobs` regex"),
            )
        })?;
        let jobs = regex::Regex::new(&format!("^(?:{})$", jobs_e.value)).map_err(|e| {
            err(
                jobs_e.line,
                format!("{what} for bucket `{name}`: bad `jobs` regex: {e}"),
            )
        })?;
        let compression = match s.get("compression_type") {
            None => Compression::Bzip2,
            Some(e) => Compression::parse(e.value.trim()).ok_or_else(|| {
                err(
                    e.line,
                    format!(
                        "{what} for bucket `{name}`: unknown compression_type `{}` (bzip2, xz, zstd or none)",
                        e.value
                    ),
                )
            })?,
        };
        let upload_jobs = match s.get("upload_jobs") {
            Some(e) => parse_in::<usize>(e, file, 0, 256, "")?.max(1),
            None => 4,
        };
        let compression_threads = match s.get("compression_threads").or(s.get("xz_threads")) {
            Some(e) => parse_in::<u32>(e, file, 0, 64, "")?,
            None => 0,
        };
        let zstd_level = match s.get("zstd_level") {
            Some(e) => parse_in::<i32>(e, file, 1, 19, "")?,
            None => 3,
        };
        let upload_memory_mb = match s.get("upload_memory_mb") {
            Some(e) => parse_in::<u64>(e, file, 16, 1 << 20, "")?,
            None => 256,
        };
        Ok(S3Config {
            name,
            jobs,
            compression,
            prefix: s.get("prefix").map(|e| e.value.clone()).unwrap_or_default(),
            endpoint: s.get("endpoint").map(|e| e.value.clone()),
            region: s
                .get("region")
                .map(|e| e.value.clone())
                .unwrap_or_else(|| "us-east-1".into()),
            path_style: match s.get("path_style") {
                Some(e) => parse_bool(e, file)?,
                None => false,
            },
            secret_key_file: s.get("secret_key_file").map(|e| PathBuf::from(&e.value)),
            upload_jobs,
            compression_threads,
            zstd_level,
            upload_memory_mb,
            ca_file: s.get("ca_file").map(|e| PathBuf::from(&e.value)),
            line: s.line,
        })
    }
}

/// Keys that exist, for documentation and tests.
pub fn known_keys() -> BTreeMap<&'static str, &'static [&'static str]> {
    let mut m = BTreeMap::new();
    m.insert("", TOP_KEYS);
    m.insert("s3config", S3_KEYS);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhooks() {
        let c = Config::from_str(
            "<webhooks>\n <github>\n  secret = a\n  secret = b\n </github>\n              <gitea>\n  secret = g\n  colour = red\n </gitea>\n <gitlab>\n </gitlab>\n</webhooks>\n",
            "t.conf",
        )
        .unwrap();
        assert_eq!(c.webhooks.github, vec!["a", "b"]);
        assert_eq!(c.webhooks.gitea, vec!["g"]);
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[0].contains("colour") || c.warnings[1].contains("colour"));
        assert!(Config::default().webhooks.github.is_empty());
    }

    #[test]
    fn parses_sections_and_comments() {
        let c = Config::from_str(
            "# top\nlisten = 0.0.0.0:8080\nmax_jobs = 3 # trailing\n<s3config>\n  name = b1\n  jobs = proj:.*\n</s3config>\n<s3backup>\nname = b2\njobs = x:y:z\ncompression_type = xz\nprefix = cache/\n</s3backup>\n",
            "h.conf",
        )
        .unwrap();
        assert_eq!(c.listen, "0.0.0.0:8080");
        assert_eq!(c.max_jobs, 3);
        assert_eq!(c.s3.len(), 2);
        assert!(c.s3[0].matches("proj", "js", "job"));
        assert!(!c.s3[0].matches("other", "js", "job"));
        assert_eq!(c.s3[0].compression, Compression::Bzip2);
        assert_eq!(c.s3[1].compression, Compression::Xz);
        assert_eq!(c.s3[1].prefix, "cache/");
        assert_eq!(c.s3[1].compression_threads, 0);
        assert_eq!((c.s3[1].zstd_level, c.s3[1].upload_memory_mb), (3, 256));
        // Anchored: a partial match is no match.
        assert!(!c.s3[1].matches("x", "y", "zz"));
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = Config::from_str("a = 1\n<s3config>\nname = b\n", "f.conf").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("f.conf:2:"), "{e}");
        let e = Config::from_str("<s3config>\nname = b\njobs = (\n</s3config>\n", "f.conf")
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = Config::from_str(
            "<s3config>\nname=b\njobs=.*\ncompression_type = lz4\n</s3config>",
            "f",
        )
        .unwrap_err();
        assert!(e.message.contains("lz4"), "{e}");
        let e = Config::from_str("<s3config>\njobs=.*\n</s3config>", "f").unwrap_err();
        assert!(e.message.contains("name"), "{e}");
        let e = Config::from_str("</x>\n", "f").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Config::from_str("max_jobs = lots\n", "f").unwrap_err();
        assert!(e.message.contains("max_jobs"));
    }

    #[test]
    fn absurd_numbers_are_errors_naming_the_bounds() {
        for (text, key) in [
            ("eval_timeout = 18446744073709551615\n", "eval_timeout"),
            ("evaluator_timeout = 0\n", "evaluator_timeout"),
            ("max_jobs = 100000\n", "max_jobs"),
            ("max_body_bytes = 99999999999\n", "max_body_bytes"),
            ("s3_gc_interval = 18446744073709551615\n", "s3_gc_interval"),
            ("machine_retry_interval = 0\n", "machine_retry_interval"),
            (
                "<s3config>\nname=b\njobs=.*\nupload_jobs = 1000000\n</s3config>\n",
                "upload_jobs",
            ),
        ] {
            let e = Config::from_str(text, "h.conf").unwrap_err();
            assert!(
                e.message.contains(key) && e.message.contains("between"),
                "{e}"
            );
        }
        let c = Config::from_str(
            "eval_timeout = 31536000\nmax_jobs = 0\nallowed_path_inputs = /srv/a /srv/b\n",
            "h.conf",
        )
        .unwrap();
        let f = Config::from_str(
            "system_features = kvm big-parallel\nmachine_retry_interval = 5\n",
            "h.conf",
        )
        .unwrap();
        assert_eq!(f.system_features, vec!["kvm", "big-parallel"]);
        assert_eq!(f.machine_retry_interval, 5);
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
        assert_eq!((c.eval_timeout, c.max_jobs), (31536000, 1));
        assert_eq!(
            c.allowed_path_inputs,
            [PathBuf::from("/srv/a"), PathBuf::from("/srv/b")]
        );
    }

    #[test]
    fn state_dir_becomes_absolute() {
        let mut c = Config::default();
        c.resolve_state_dir().unwrap();
        assert!(c.state_dir.is_absolute());
        assert!(c.state_dir.ends_with("hydrant-state"));
        let mut c = Config {
            state_dir: std::env::temp_dir(),
            ..Default::default()
        };
        c.resolve_state_dir().unwrap();
        assert_eq!(
            c.state_dir,
            std::fs::canonicalize(std::env::temp_dir()).unwrap()
        );
    }

    #[test]
    fn unknown_keys_warn() {
        let c = Config::from_str("frobnicate = 1\n", "f").unwrap();
        assert_eq!(c.warnings.len(), 1);
        assert!(c.warnings[0].contains("frobnicate"));
    }

    #[test]
    fn hash_inside_quotes_is_not_a_comment() {
        let s = parse("a = \"x # y\"\n", "f").unwrap();
        assert_eq!(s.get("a").unwrap().value, "x # y");
    }
}
