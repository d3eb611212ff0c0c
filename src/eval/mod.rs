//! The evaluator: fetches a jobset's inputs, evaluates its release expression with the Nix on
//! the machine (through an embedded wrapper expression) and records an eval with one build per
//! job. `scheduler` decides when; this module decides what an evaluation does.

mod aggregate;
pub mod declarative;
pub mod flake;
pub mod inputs;
pub mod progress;
pub mod run;
pub mod scheduler;
pub mod workers;

pub use inputs::FetchError;
pub use run::RunError;
pub use scheduler::{spawn, trigger};

use crate::app::App;
use crate::db::{self, Db, DbError, Eval, Jobset, NewJob};
use crate::nix::cli::NixCli;
use inputs::{nix_string, FetchCtx, Fetched};
use run::cap_text;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

/// The wrapper that walks a release expression like hydra-eval-jobs (see the file's header).
pub const WRAPPER: &str = include_str!("wrapper.nix");

/// The demo release expression's directory (`fixtures/demo` of the source tree `make run` builds
/// from): give it to the demo jobset as the path input `src`, with nixexprpath `release.nix`
/// and a boolean input `officialRelease`.
pub fn demo_fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

/// What `evaluate_jobset` did.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalOutcome {
    /// A new eval was recorded (it may hold per-job errors).
    Evaluated(Eval),
    /// The inputs did not change since the last eval and it was not forced.
    Unchanged,
    /// Nothing was done: disabled, or one-at-a-time with unfinished builds.
    Skipped(String),
    /// An input could not be fetched; the message is on the jobset (`fetcherrormsg`).
    FetchFailed(String),
    /// The release expression could not be evaluated as a whole; the message is on the jobset
    /// (`errormsg`, `errortime`). No eval is recorded, so it is retried at the next check.
    Failed(String),
    /// A user cancelled it (the message, also on the jobset, says who and how far it got).
    Cancelled(String),
}

#[derive(Debug)]
pub enum EvalError {
    Db(DbError),
    /// No such project or jobset.
    NotFound(String),
    /// The jobset or its project is disabled, so it cannot be triggered.
    Disabled(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Db(e) => write!(f, "{e}"),
            EvalError::NotFound(w) => write!(f, "{w} not found"),
            EvalError::Disabled(w) => write!(f, "{w} is disabled"),
        }
    }
}

impl std::error::Error for EvalError {}

impl From<DbError> for EvalError {
    fn from(e: DbError) -> Self {
        EvalError::Db(e)
    }
}

/// A job record of the wrapper.
#[derive(Debug, Deserialize)]
pub struct RawJob {
    /// Set from the job's attribute path (the wrapper's record does not repeat it).
    #[serde(default)]
    name: String,
    #[serde(default, rename = "drvPath")]
    drv_path: String,
    #[serde(default)]
    system: String,
    #[serde(default)]
    nixname: String,
    #[serde(default)]
    outputs: BTreeMap<String, String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    license: String,
    #[serde(default)]
    maintainers: String,
    #[serde(default = "default_priority", rename = "schedulingPriority")]
    priority: i64,
    #[serde(default = "default_timeout")]
    timeout: i64,
    #[serde(default = "default_max_silent", rename = "maxSilent")]
    max_silent: i64,
    /// An aggregate job (`_hydraAggregate = true`): its constituents, see `aggregate`.
    #[serde(default)]
    aggregate: bool,
    /// The derivations among its constituents.
    #[serde(default)]
    constituents: Vec<String>,
    /// The job names (or, with `glob_constituents`, patterns) among its constituents.
    #[serde(default, rename = "namedConstituents")]
    named_constituents: Vec<String>,
    #[serde(default, rename = "globConstituents")]
    glob_constituents: bool,
}

fn default_priority() -> i64 {
    100
}
fn default_timeout() -> i64 {
    36000
}
fn default_max_silent() -> i64 {
    7200
}

/// Hydra's job name rule (`$jobNameRE`): attribute names `[A-Za-z_][A-Za-z0-9_'-]*` joined by
/// `.` (Nix identifiers, so `'` too), at most 1024 bytes. Job names reach URLs, pages, the
/// database and scripts, so a job with any other name is an eval error, not a build.
pub fn valid_job_name(s: &str) -> bool {
    s.len() <= 1024
        && s.split('.').all(|part| {
            let mut c = part.chars();
            matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
                && c.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
        })
}

/// A system type (`x86_64-linux`, `aarch64-darwin`): 1–64 of `[A-Za-z0-9_.+-]`.
pub fn valid_system(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"_.+-".contains(&c))
}

/// The key an eval error is recorded under: the job name, or for a name that is not one, a
/// quoted and escaped form of it (so a newline or markup in it is shown, never acted on).
fn error_key(name: &str) -> String {
    if name.is_empty() || valid_job_name(name) {
        return name.to_string();
    }
    quoted(name)
}

/// `s`, cut to 200 characters, quoted and escaped (a newline or markup is shown, never acted on).
fn quoted(s: &str) -> String {
    let short: String = s.chars().take(200).collect();
    format!("{short:?}")
}

/// The key an error of the job at `path` is recorded under: its job name, or where an
/// attribute name on the way is not a plain one (a dot in it, a space, a newline), the path with
/// each such name quoted and escaped, as Nix writes it (`a."dot.ted"`, `"bad name"`).
fn path_key(path: &[String]) -> String {
    let plain = |c: &String| !c.contains('.') && valid_job_name(c);
    if path.iter().all(plain) {
        let name = path.join(".");
        // Plain names, but too long a job name together: quoted and cut like any other.
        return if valid_job_name(&name) {
            name
        } else {
            error_key(&name)
        };
    }
    let parts: Vec<String> = path
        .iter()
        .map(|c| if plain(c) { c.clone() } else { quoted(c) })
        .collect();
    parts.join(".")
}

impl RawJob {
    /// What evaluation hands us goes to commands (`nix-store --realise DRV`), GC roots and
    /// pages: the name must be a job name, `drvPath` a derivation in `nix`'s store, every
    /// output a store path there with a valid output name. Err is the job's eval error.
    fn check(&self, nix: &NixCli) -> Result<(), String> {
        if !valid_job_name(&self.name) {
            return Err(format!(
                "invalid job name {:?}: a job name is attribute names [A-Za-z_][A-Za-z0-9_'-]* joined by `.`",
                self.name
            ));
        }
        let drv = nix
            .parse_path(&self.drv_path)
            .map_err(|e| format!("invalid drvPath: {e}"))?;
        if !drv.is_derivation() {
            return Err(format!(
                "invalid drvPath {:?}: not a derivation (.drv)",
                self.drv_path
            ));
        }
        if self.outputs.is_empty() {
            return Err("the job has no outputs".into());
        }
        for (name, path) in &self.outputs {
            crate::nix::store_path::check_name(name)
                .map_err(|why| format!("invalid output name {name:?}: {why}"))?;
            nix.parse_path(path)
                .map_err(|e| format!("invalid path of output `{name}`: {e}"))?;
        }
        for c in &self.constituents {
            nix.parse_path(c)
                .ok()
                .filter(|p| p.is_derivation())
                .ok_or_else(|| {
                    format!("invalid constituent {c:?}: not a derivation in the store")
                })?;
        }
        if !valid_system(&self.system) {
            return Err(format!(
                "invalid system {:?}: expected 1-64 characters of [A-Za-z0-9_.+-]",
                self.system
            ));
        }
        Ok(())
    }

    /// `constituents`: the job names `aggregate::resolve` found for an aggregate job.
    fn into_new_job(self, constituents: Vec<String>) -> NewJob {
        NewJob {
            job: self.name,
            drvpath: self.drv_path,
            system: self.system,
            nixname: self.nixname,
            description: self.description,
            license: self.license,
            maintainers: self.maintainers,
            outputs: self.outputs,
            priority: self.priority.clamp(i32::MIN as i64, i32::MAX as i64) as i32,
            timeout: self.timeout.max(0) as u64,
            maxsilent: self.max_silent.max(0) as u64,
            constituents,
        }
    }
}

/// The result of evaluating a release expression.
#[derive(Debug, Default)]
pub struct Evaluation {
    pub jobs: Vec<NewJob>,
    /// job name → error message (capped)
    pub errors: BTreeMap<String, String>,
}

/// Why a release expression yielded no jobs at all.
#[derive(Debug)]
pub enum NixEvalError {
    /// The release expression itself fails (syntax error, missing input…): Nix's stderr.
    Release(String),
    /// The evaluation timed out or was cancelled.
    Run(RunError),
    /// Nix answered something that is not the wrapper's JSON.
    BadOutput(String),
}

impl std::fmt::Display for NixEvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NixEvalError::Release(m) => write!(f, "{m}"),
            NixEvalError::Run(e) => write!(f, "{e}"),
            NixEvalError::BadOutput(m) => write!(f, "unexpected output from nix-instantiate: {m}"),
        }
    }
}

impl std::error::Error for NixEvalError {}

/// What an evaluation may read and fetch. By default it is Hydra's restricted mode: Nix's
/// `restrict-eval`, where only the search path (`-I name=path`, here the jobset's inputs and
/// the release file's directory) and the store paths the evaluation itself builds may be read,
/// and `fetchurl`/`fetchTarball`/`fetchGit` only reach `allowed_uris`. `NIX_PATH`, the
/// machine's `nix-path` and `allow-unsafe-native-code-during-evaluation` are switched off, so
/// nothing outside those comes in by the environment. `unrestricted` (an admin's per-project
/// choice) evaluates as plain `nix-instantiate` does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalPolicy {
    pub unrestricted: bool,
    /// `-I` entries: (name, path). Names are input names (so `<nixpkgs>` finds an input called
    /// `nixpkgs`, as in Hydra) or `hydrant.release`, which no input can be called.
    pub search_path: Vec<(String, PathBuf)>,
    /// URI prefixes (Nix's `allowed-uris`).
    pub allowed_uris: Vec<String>,
}

/// The search path name of the release file's directory.
pub const RELEASE_DIR_NAME: &str = "hydrant.release";

impl EvalPolicy {
    /// The policy of one jobset evaluation: its project's settings, and as allowed paths every
    /// input's files (for a path input that is a file, the file) and the release directory.
    pub fn for_jobset(project: &db::Project, fetched: &[Fetched]) -> EvalPolicy {
        EvalPolicy {
            unrestricted: project.unrestricted,
            search_path: fetched
                .iter()
                .filter_map(|f| Some((f.record.name.clone(), f.path.clone()?)))
                .collect(),
            allowed_uris: project.allowed_uris.clone(),
        }
    }

    fn apply(&self, c: &mut std::process::Command) {
        for (name, path) in &self.search_path {
            let mut entry = std::ffi::OsString::from(format!("{name}="));
            entry.push(path);
            c.arg("-I").arg(entry);
        }
        if self.unrestricted {
            return;
        }
        c.args(["--option", "restrict-eval", "true"])
            .args(["--option", "allowed-uris", &self.allowed_uris.join(" ")])
            .args([
                "--option",
                "allow-unsafe-native-code-during-evaluation",
                "false",
            ])
            .args(["--option", "nix-path", ""])
            .env_remove("NIX_PATH");
    }
}

/// Runs the wrapper over one release file with the given inputs (name → Nix expression).
pub struct NixEvaluator<'a> {
    pub release_file: PathBuf,
    /// The inputs as one Nix attribute set expression (written to a file, never on argv).
    pub inputs_expr: String,
    pub deadline: Instant,
    pub error_cap: usize,
    pub cancelled: &'a dyn Fn() -> bool,
    pub nix: &'a NixCli,
    /// Restricted by default, with only the release file's directory readable.
    pub policy: EvalPolicy,
    /// Worker processes (`eval_workers`).
    pub workers: usize,
    /// A worker past this resident size is restarted (`eval_max_memory_mb`).
    pub max_memory_mb: u64,
    pub counters: Option<&'a workers::Counters>,
    /// For a flake jobset: the locked flake whose `hydraJobs` is evaluated (`release_file` and
    /// the inputs are then unused), always in restricted evaluation.
    pub flake: Option<flake::Locked>,
    /// How long a fetch of a flake input may stall (`flake_fetch_timeout`).
    pub fetch_timeout: Duration,
}

/// Nix prints `error: …` plus context; trailing whitespace and colour codes are noise.
fn clean_message(stderr: &str) -> String {
    let re_ansi = regex::Regex::new("\x1b\\[[0-9;]*[A-Za-z]").ok();
    let s = match re_ansi {
        Some(re) => re.replace_all(stderr, "").into_owned(),
        None => stderr.to_string(),
    };
    s.trim().to_string()
}

/// A private directory for one evaluation's wrapper files, removed afterwards.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> std::io::Result<WorkDir> {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).map_err(|e| std::io::Error::other(e.to_string()))?;
        let dir = std::env::temp_dir().join(format!(
            "hydrant-eval-{}-{n}-{:016x}",
            std::process::id(),
            u64::from_le_bytes(b)
        ));
        std::fs::create_dir(&dir)?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The search path name of the evaluation's own files (the wrapper and the inputs).
const WORK_DIR_NAME: &str = "hydrant.eval";

impl<'a> NixEvaluator<'a> {
    pub fn new(
        release_file: PathBuf,
        inputs: &[(String, String)],
        deadline: Instant,
        error_cap: usize,
        cancelled: &'a dyn Fn() -> bool,
        nix: &'a NixCli,
    ) -> NixEvaluator<'a> {
        let mut e = String::from("{");
        for (name, value) in inputs {
            e.push_str(&format!(" {} = {};", nix_string(name), value));
        }
        e.push_str(" }");
        let policy = EvalPolicy {
            search_path: release_file
                .parent()
                .map(|d| (RELEASE_DIR_NAME.to_string(), d.to_path_buf()))
                .into_iter()
                .collect(),
            ..Default::default()
        };
        NixEvaluator {
            release_file,
            inputs_expr: e,
            deadline,
            error_cap,
            cancelled,
            nix,
            policy,
            workers: 1,
            max_memory_mb: 4096,
            counters: None,
            flake: None,
            fetch_timeout: Duration::from_secs(60),
        }
    }

    /// Evaluates under `policy`; the release file's directory stays readable.
    pub fn with_policy(mut self, policy: EvalPolicy) -> Self {
        let release = std::mem::take(&mut self.policy.search_path);
        self.policy = policy;
        self.policy.search_path.extend(release);
        self
    }

    /// `workers` processes, each restarted past `max_memory_mb` of resident memory.
    pub fn with_workers(mut self, workers: usize, max_memory_mb: u64) -> Self {
        self.workers = workers.max(1);
        self.max_memory_mb = max_memory_mb.max(1);
        self
    }

    /// Evaluates the `hydraJobs` of a locked flake instead of a release file.
    pub fn with_flake(mut self, locked: flake::Locked, fetch_timeout: Duration) -> Self {
        self.flake = Some(locked);
        self.fetch_timeout = fetch_timeout;
        self
    }

    /// Counts progress into `c` while evaluating.
    pub fn with_counters(mut self, c: &'a workers::Counters) -> Self {
        self.counters = Some(c);
        self
    }

    /// Evaluates every job (see `workers`): each failing job gets Nix's own message, and the
    /// evaluation fails as a whole only when the release itself does.
    pub fn evaluate(self) -> Result<Evaluation, NixEvalError> {
        let io = |what: &str, e: std::io::Error| {
            NixEvalError::Run(RunError::Spawn {
                program: "nix repl".into(),
                error: format!("{what}: {e}"),
            })
        };
        let work = WorkDir::new().map_err(|e| io("cannot create the evaluation directory", e))?;
        // `expr` is readable by the evaluation (search path `hydrant.eval`); `data` (the repl's
        // history) is not.
        let expr = work.0.join("expr");
        let load = expr.join("load.nix");
        std::fs::create_dir(&expr)
            .and_then(|_| std::fs::write(expr.join("wrapper.nix"), WRAPPER))
            .and_then(|_| match &self.flake {
                // The lock is data read with fromJSON: nothing from the flake becomes code.
                Some(locked) => std::fs::write(expr.join("call-flake.nix"), flake::CALL_FLAKE)
                    .and_then(|_| std::fs::write(expr.join("lock.json"), locked.lock.to_string()))
                    .and_then(|_| {
                        std::fs::write(expr.join("sources.json"), locked.sources.to_string())
                    })
                    .and_then(|_| {
                        std::fs::write(
                            &load,
                            "import ./wrapper.nix { flake = import ./call-flake.nix { \
                             lockFile = builtins.fromJSON (builtins.readFile ./lock.json); \
                             sources = builtins.fromJSON (builtins.readFile ./sources.json); }; }\n",
                        )
                    }),
                None => std::fs::write(expr.join("inputs.nix"), &self.inputs_expr).and_then(|_| {
                    std::fs::write(
                        &load,
                        format!(
                            "import ./wrapper.nix {{ releaseFile = {}; inputs = import ./inputs.nix; }}\n",
                            nix_string(&self.release_file.to_string_lossy())
                        ),
                    )
                }),
            })
            .map_err(|e| io("cannot write the wrapper", e))?;
        let mut policy = self.policy.clone();
        if self.flake.is_some() {
            // A flake is evaluated restricted whatever the project says (Hydra evaluates flakes
            // pure): it reads its own locked sources and nothing else.
            policy.unrestricted = false;
        }
        policy.search_path.push((WORK_DIR_NAME.to_string(), expr));
        let history = work.0.join("data");
        let command = || {
            let mut c = self.nix.command("nix");
            c.args(["repl", "--extra-experimental-features", "nix-command"]);
            policy.apply(&mut c);
            if self.flake.is_some() {
                // No `flakes` feature here: every source is fetched already, and its
                // `fetchTree`/`getFlake` would reach outside restricted mode. Should anything
                // still fetch, it fails fast.
                flake::no_hang(&mut c, self.fetch_timeout);
            }
            // The repl keeps a history file; not in the user's home.
            c.env("XDG_DATA_HOME", &history);
            // Nix starts Boehm's heap at up to 384 MiB, so a process fills that much before it
            // collects once. A worker is one of several and memory-capped: collect from 32 MiB
            // on, which keeps it near its live data (measured: 147 vs 219 MiB for 25,000 jobs,
            // same time). An operator's own setting wins.
            if std::env::var_os("GC_INITIAL_HEAP_SIZE").is_none() {
                c.env("GC_INITIAL_HEAP_SIZE", "32M");
            }
            if let Some(dir) = self.release_file.parent() {
                c.current_dir(dir);
            }
            c
        };
        let spec = workers::Spec {
            command: &command,
            load_file: &load,
            workers: self.workers,
            max_rss_kib: self.max_memory_mb.saturating_mul(1024),
            max_memory_mb: self.max_memory_mb,
            error_cap: self.error_cap,
            deadline: self.deadline,
            counters: self.counters,
        };
        let at = Instant::now();
        let found = workers::evaluate(&spec, self.cancelled)?;
        let merge_at = Instant::now();
        let total = found.len();
        let mut ev = Evaluation::default();
        // Two invalid names can shorten to one key: never let one error replace another.
        let add_error = |ev: &mut Evaluation, first: String, msg: String| {
            let mut key = first.clone();
            let mut k = 1;
            while ev.errors.contains_key(&key) {
                k += 1;
                key = format!("{first} ({k})");
            }
            ev.errors.insert(key, cap_text(&msg, self.error_cap));
        };
        let mut checked = Vec::new();
        for (path, f) in found {
            match f {
                workers::Found::Error(msg) => add_error(&mut ev, path_key(&path), msg),
                workers::Found::Job(j) => match j.check(self.nix) {
                    Ok(()) => checked.push(*j),
                    Err(msg) => add_error(&mut ev, path_key(&path), msg),
                },
            }
        }
        // Aggregates name other jobs: resolved once every job is known.
        let (jobs, failed) = aggregate::resolve(checked, &ev.errors);
        ev.jobs = jobs;
        for (name, msg) in failed {
            add_error(&mut ev, error_key(&name), msg);
        }
        let merged = ev.jobs.len() + ev.errors.len();
        debug_assert_eq!(merged, total, "every outcome is merged");
        if merged != total {
            return Err(NixEvalError::BadOutput(format!(
                "internal error: {total} job outcomes merged into {merged} jobs and errors"
            )));
        }
        if workers::timing() {
            eprintln!(
                "hydrant timing: workers {:.2?}, checking and merging {total} outcomes {:.2?}",
                merge_at - at,
                merge_at.elapsed()
            );
        }
        Ok(ev)
    }
}

/// `start + eval_timeout`, clamped: a timeout too large for an `Instant` means "a year".
pub fn deadline_after(start: Instant, timeout_secs: u64) -> Instant {
    const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
    let timeout = Duration::from_secs(timeout_secs.max(1)).min(YEAR);
    start
        .checked_add(timeout)
        .or_else(|| start.checked_add(Duration::from_secs(3600)))
        .unwrap_or(start)
}

/// A relative path inside an input, refusing to climb out of it.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel.trim());
    if rel
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    Some(dir.join(rel))
}

fn last_eval(db: &Db, project: &str, jobset: &str) -> Result<Option<Eval>, DbError> {
    Ok(db.jobset_evals(project, jobset, 0, 1)?.0.into_iter().next())
}

/// Whether the jobset may be evaluated now; `Some(reason)` when not.
fn blocked(app: &App, js: &Jobset, project_enabled: bool) -> Result<Option<String>, EvalError> {
    if !project_enabled {
        return Ok(Some(format!("project `{}` is disabled", js.project)));
    }
    if js.enabled == db::JOBSET_DISABLED {
        return Ok(Some(format!(
            "jobset `{}:{}` is disabled",
            js.project, js.name
        )));
    }
    if js.enabled == db::JOBSET_ONE_AT_A_TIME {
        if let Some(last) = last_eval(&app.db, &js.project, &js.name)? {
            if app
                .db
                .eval_builds(last.id)?
                .iter()
                .any(|(b, _)| !b.finished)
            {
                return Ok(Some(format!(
                    "one-at-a-time: eval {} still has unfinished builds",
                    last.id
                )));
            }
        }
    }
    Ok(None)
}

/// A user stopped the evaluation: said on the jobset (as its error, so it shows) and the
/// trigger is dropped, so it does not start again at once.
fn cancelled_by_user(
    app: &App,
    project: &str,
    jobset: &str,
    timestamp: i64,
    seen: u64,
    msg: String,
) -> Result<EvalOutcome, EvalError> {
    let m = msg.clone();
    app.db.update_jobset(project, jobset, move |j| {
        j.errormsg = Some(m);
        j.errortime = Some(timestamp);
        j.lastcheckedtime = Some(timestamp);
        j.end_trigger(seen);
    })?;
    Ok(EvalOutcome::Cancelled(msg))
}

/// Evaluates one jobset now (synchronously) and records the result. `force` makes a new eval
/// even when the inputs did not change. Fetch and evaluation failures are recorded on the
/// jobset and returned as outcomes; `Err` means the database failed or the jobset is gone.
pub fn evaluate_jobset(
    app: &App,
    project: &str,
    jobset: &str,
    force: bool,
) -> Result<EvalOutcome, EvalError> {
    let proj = app
        .db
        .project(project)?
        .ok_or_else(|| EvalError::NotFound(format!("project `{project}`")))?;
    let js = app
        .db
        .jobset(project, jobset)?
        .ok_or_else(|| EvalError::NotFound(format!("jobset `{project}:{jobset}`")))?;
    let force = force || js.force_eval;
    let cap = app.config.max_eval_error_bytes.max(256);
    if let Some(reason) = blocked(app, &js, proj.enabled)? {
        if js.enabled == db::JOBSET_ONE_AT_A_TIME && proj.enabled {
            // Checked again at the next interval; a pending trigger stays pending.
            app.db
                .update_jobset(project, jobset, |j| j.lastcheckedtime = Some(db::now()))?;
        }
        return Ok(EvalOutcome::Skipped(reason));
    }

    let timestamp = db::now();
    // Triggers after this one stay pending (`Jobset::end_trigger`).
    let seen = js.trigger_seq;
    let running = app.evals.start(project, jobset, timestamp);
    let progress = running.progress();
    let cancelled = || app.shutting_down() || progress.cancel_requested();
    let user_cancel = || -> Option<String> {
        progress.cancel_requested().then(|| {
            let by = progress.cancelled_by().unwrap_or_default();
            let c = &progress.counters;
            format!(
                "the evaluation was cancelled by {by} after {}s ({} jobs and {} errors evaluated)",
                progress.started.elapsed().as_secs(),
                c.jobs.load(std::sync::atomic::Ordering::Relaxed),
                c.errors.load(std::sync::atomic::Ordering::Relaxed)
            )
        })
    };
    let started = Instant::now();
    let deadline = deadline_after(started, app.config.eval_timeout);
    let ctx = FetchCtx {
        state_dir: &app.config.state_dir,
        deadline,
        error_cap: cap,
        cancelled: &cancelled,
    };
    // A declarative project's `.jobsets`: its spec is read first (see `declarative`).
    let js = if jobset == db::DECL_JOBSET && proj.is_declarative() {
        match declarative::refresh(app, &proj, &ctx, timestamp, seen)? {
            Some(outcome) => return Ok(outcome),
            None => app
                .db
                .jobset(project, jobset)?
                .ok_or_else(|| EvalError::NotFound(format!("jobset `{project}:{jobset}`")))?,
        }
    } else {
        js
    };
    let fetch_failed = |msg: String| -> Result<EvalOutcome, EvalError> {
        let msg = cap_text(&msg, cap);
        let m = msg.clone();
        app.db.update_jobset(project, jobset, move |j| {
            j.fetcherrormsg = Some(m);
            j.lastcheckedtime = Some(timestamp);
            j.end_trigger(seen);
        })?;
        Ok(EvalOutcome::FetchFailed(msg))
    };
    let mut fetched: Vec<Fetched> = Vec::new();
    let mut locked = None;
    let flake_timeout = Duration::from_secs(app.config.flake_fetch_timeout.max(1));
    if js.jobset_type == db::JOBSET_FLAKE {
        match flake::lock(
            &app.nix,
            &js.flake,
            &app.config.allowed_path_inputs,
            flake_timeout,
            deadline,
            cap,
            &cancelled,
        ) {
            Ok(l) => locked = Some(l),
            Err(flake::LockError::Run(RunError::Cancelled { .. })) => {
                if let Some(msg) = user_cancel() {
                    return cancelled_by_user(app, project, jobset, timestamp, seen, msg);
                }
                return Ok(EvalOutcome::Skipped("hydrant is shutting down".into()));
            }
            Err(e) => return fetch_failed(e.to_string()),
        }
    }
    let legacy_inputs = match locked {
        Some(_) => Vec::new(),
        None => app.db.jobset_inputs(project, jobset)?,
    };
    for input in legacy_inputs {
        match inputs::fetch(&input, &ctx) {
            Ok(f) => fetched.push(f),
            Err(e) if e.is_cancelled() => {
                if let Some(msg) = user_cancel() {
                    return cancelled_by_user(app, project, jobset, timestamp, seen, msg);
                }
                return Ok(EvalOutcome::Skipped("hydrant is shutting down".into()));
            }
            Err(e) => return fetch_failed(e.to_string()),
        }
    }
    let checkouttime = started.elapsed().as_secs();
    if workers::timing() {
        eprintln!(
            "hydrant timing: inputs fetched in {:.2?}",
            started.elapsed()
        );
    }
    let (records, hash) = match &locked {
        // The locked flake and every locked input: a new commit anywhere in the lock (or a
        // new flake reference) is a new eval.
        Some(l) => {
            let r = match l.records() {
                Ok(r) => r,
                Err(e) => return fetch_failed(e),
            };
            let h = inputs::inputs_hash("", &format!("flake {}", js.flake), &r);
            (r, h)
        }
        None => {
            let r: Vec<db::EvalInput> = fetched.iter().map(|f| f.record.clone()).collect();
            let h = inputs::inputs_hash(&js.nixexprinput, &js.nixexprpath, &r);
            (r, h)
        }
    };
    if !force && js.last_inputs_hash.as_deref() == Some(hash.as_str()) {
        app.db.update_jobset(project, jobset, |j| {
            j.lastcheckedtime = Some(timestamp);
            j.fetcherrormsg = None;
            j.end_trigger(seen);
        })?;
        return Ok(EvalOutcome::Unchanged);
    }

    let fail = |msg: String| -> Result<EvalOutcome, EvalError> {
        let msg = cap_text(&msg, cap);
        let m = msg.clone();
        app.db.update_jobset(project, jobset, move |j| {
            j.errormsg = Some(m);
            j.errortime = Some(timestamp);
            j.lastcheckedtime = Some(timestamp);
            j.fetcherrormsg = None;
            j.end_trigger(seen);
        })?;
        Ok(EvalOutcome::Failed(msg))
    };
    // Runs the evaluator; Ok(Err) is what the eval ends as instead (cancelled by a user, skipped
    // for shutdown, or failed with Nix's message).
    let run = |ev: NixEvaluator| -> Result<Result<Evaluation, EvalOutcome>, EvalError> {
        Ok(match ev.evaluate() {
            Ok(e) => Ok(e),
            Err(NixEvalError::Run(RunError::Cancelled { .. })) => Err(match user_cancel() {
                Some(msg) => cancelled_by_user(app, project, jobset, timestamp, seen, msg)?,
                None => EvalOutcome::Skipped("hydrant is shutting down".into()),
            }),
            Err(e) => Err(fail(e.to_string())?),
        })
    };
    if let Some(l) = locked {
        let flake_url = l.url.clone();
        let eval_start = Instant::now();
        // Restricted whatever the project says, as Hydra's pure flake evaluation: the locked
        // sources (store paths) are all it may read, and it fetches only the project's
        // `allowed_uris` (with fetchurl and the like; no flake fetcher).
        let policy = EvalPolicy {
            search_path: l
                .source_paths()
                .into_iter()
                .enumerate()
                .map(|(i, p)| (format!("hydrant.flake.{i}"), PathBuf::from(p)))
                .collect(),
            allowed_uris: proj.allowed_uris.clone(),
            unrestricted: false,
        };
        let evaluator = NixEvaluator::new(PathBuf::new(), &[], deadline, cap, &cancelled, &app.nix)
            .with_policy(policy)
            .with_flake(l, flake_timeout)
            .with_workers(app.config.eval_workers, app.config.eval_max_memory_mb)
            .with_counters(&progress.counters);
        let evaluation = match run(evaluator)? {
            Ok(e) => e,
            Err(outcome) => return Ok(outcome),
        };
        return record(
            app,
            Eval {
                project: project.to_string(),
                jobset: jobset.to_string(),
                timestamp,
                checkouttime,
                evaltime: eval_start.elapsed().as_secs(),
                inputs: records,
                inputs_hash: hash,
                job_errors: evaluation.errors,
                flake: Some(flake_url),
                ..Default::default()
            },
            evaluation.jobs,
            seen,
        );
    }
    let Some(expr_input) = fetched.iter().find(|f| f.record.name == js.nixexprinput) else {
        return fail(format!(
            "the release expression's input `{}` is not an input of this jobset",
            js.nixexprinput
        ));
    };
    let Some(dir) = &expr_input.dir else {
        return fail(format!(
            "the release expression's input `{}` is a {} input; it must be a path or git input",
            js.nixexprinput, expr_input.record.kind
        ));
    };
    let Some(release_file) = inside(dir, &js.nixexprpath) else {
        return fail(format!(
            "the release expression path `{}` must be relative and stay inside input `{}`",
            js.nixexprpath, js.nixexprinput
        ));
    };
    if !release_file.exists() {
        return fail(format!(
            "the release expression {} does not exist in input `{}`",
            js.nixexprpath, js.nixexprinput
        ));
    }

    let args: Vec<(String, String)> = fetched
        .iter()
        .map(|f| (f.record.name.clone(), f.nix_value.clone()))
        .collect();
    let eval_start = Instant::now();
    let policy = EvalPolicy::for_jobset(&proj, &fetched);
    if policy.unrestricted {
        eprintln!(
            "hydrant: evaluating {project}:{jobset} unrestricted (project `{project}` is marked \
             unrestricted by an admin)"
        );
    }
    let evaluator = NixEvaluator::new(release_file, &args, deadline, cap, &cancelled, &app.nix)
        .with_policy(policy)
        .with_workers(app.config.eval_workers, app.config.eval_max_memory_mb)
        .with_counters(&progress.counters);
    let evaluation = match run(evaluator)? {
        Ok(e) => e,
        Err(outcome) => return Ok(outcome),
    };
    let evaltime = eval_start.elapsed().as_secs();
    let eval = Eval {
        project: project.to_string(),
        jobset: jobset.to_string(),
        timestamp,
        checkouttime,
        evaltime,
        inputs: records,
        inputs_hash: hash,
        job_errors: evaluation.errors,
        ..Default::default()
    };
    record(app, eval, evaluation.jobs, seen)
}

/// Records the eval (`seen`: the jobset's triggers when it started, see `Jobset::end_trigger`).
fn record(app: &App, eval: Eval, jobs: Vec<NewJob>, seen: u64) -> Result<EvalOutcome, EvalError> {
    let at = Instant::now();
    let n = jobs.len();
    let recorded = app.db.record_eval_seen(eval, jobs, Some(seen))?;
    if workers::timing() {
        eprintln!(
            "hydrant timing: record_eval of {n} jobs {:.2?}",
            at.elapsed()
        );
    }
    if recorded.hasnewbuilds {
        app.queue_wake.notify();
    }
    Ok(EvalOutcome::Evaluated(recorded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_path_stays_inside_input() {
        let d = Path::new("/x");
        assert_eq!(
            inside(d, "release.nix"),
            Some(PathBuf::from("/x/release.nix"))
        );
        assert_eq!(
            inside(d, "ci/./a.nix"),
            Some(PathBuf::from("/x/ci/./a.nix"))
        );
        assert_eq!(inside(d, "../etc/passwd"), None);
        assert_eq!(inside(d, "/etc/passwd"), None);
    }

    #[test]
    fn deadlines_never_overflow() {
        let now = Instant::now();
        assert_eq!(deadline_after(now, 10), now + Duration::from_secs(10));
        assert_eq!(deadline_after(now, 0), now + Duration::from_secs(1));
        assert!(deadline_after(now, u64::MAX) > now);
    }

    /// Meta fields in every shape nixpkgs uses, plus wrong types and a throwing meta, through
    /// the real wrapper and Nix.
    #[test]
    fn wrapper_reads_meta_in_all_shapes() {
        let dir = std::env::temp_dir().join(format!("hydrant-meta-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let release = dir.join("release.nix");
        std::fs::write(
            &release,
            r#"let mk = n: meta: derivation { name = n; builder = "/bin/sh"; args = [ "-c" "echo > $out" ];
  system = builtins.currentSystem; } // (if meta == null then { } else { inherit meta; });
in {
  plain = mk "plain" null;
  full = mk "full" {
    description = "d"; schedulingPriority = 250; timeout = 60; maxSilent = 5;
    license = [ { shortName = "mit"; } { spdxId = "GPL-3.0"; } "custom" ];
    maintainers = [ { email = "a@x"; } { github = "b"; } { name = "c"; } "d" { } ];
  };
  single = mk "single" { license = { fullName = "Full"; }; maintainers = { name = "solo"; }; };
  wrongtypes = mk "wrongtypes" { description = 5; schedulingPriority = "high"; timeout = null; license = 3; };
  badmeta = mk "badmeta" { description = throw "no description"; };
  badtype = { type = throw "no type"; };
  nested = { recurseForDerivations = true; "a.b" = mk "dotted" null; inner = mk "inner" null; };
  multi = derivation { name = "multi"; builder = "/bin/sh"; args = [ "-c" "echo > $out; echo > $dev" ];
    outputs = [ "out" "dev" ]; system = builtins.currentSystem; };
}"#,
        )
        .unwrap();
        let never = || false;
        let ev = NixEvaluator::new(
            release,
            &[],
            Instant::now() + Duration::from_secs(120),
            4096,
            &never,
            &NixCli::default(),
        )
        .evaluate()
        .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let job = |n: &str| ev.jobs.iter().find(|j| j.job == n).unwrap().clone();
        let names: Vec<_> = ev.jobs.iter().map(|j| j.job.as_str()).collect();
        assert_eq!(
            names,
            [
                "full",
                "multi",
                "nested.inner",
                "plain",
                "single",
                "wrongtypes"
            ]
        );
        let errs: Vec<_> = ev.errors.keys().map(String::as_str).collect();
        assert_eq!(
            errs,
            ["badmeta", "badtype", "nested.\"a.b\""],
            "{:?}",
            ev.errors
        );
        assert!(ev.errors["nested.\"a.b\""].contains("has a dot in its name"));
        assert!(ev.errors["badmeta"].contains("no description"));
        // An attribute set whose `type` throws is a broken job, not a set to walk into.
        assert!(ev.errors["badtype"].contains("no type"));
        let p = job("plain");
        assert_eq!(
            (p.priority, p.timeout, p.maxsilent, p.description.as_str()),
            (100, 36000, 7200, "")
        );
        assert!(p.drvpath.starts_with("/nix/store/") && p.drvpath.ends_with("-plain.drv"));
        assert_eq!(p.nixname, "plain");
        assert!(!p.system.is_empty());
        assert_eq!(p.outputs.keys().collect::<Vec<_>>(), ["out"]);
        let f = job("full");
        assert_eq!(
            (f.priority, f.timeout, f.maxsilent, f.description.as_str()),
            (250, 60, 5, "d")
        );
        assert_eq!(f.license, "mit, GPL-3.0, custom");
        assert_eq!(f.maintainers, "a@x, b, c, d");
        let s = job("single");
        assert_eq!(
            (s.license.as_str(), s.maintainers.as_str()),
            ("Full", "solo")
        );
        let w = job("wrongtypes");
        assert_eq!(
            (
                w.priority,
                w.timeout,
                w.description.as_str(),
                w.license.as_str()
            ),
            (100, 36000, "", "")
        );
        let m = job("multi");
        assert_eq!(m.outputs.keys().collect::<Vec<_>>(), ["dev", "out"]);
        assert!(m.outputs["dev"].ends_with("-multi-dev"));
    }

    #[test]
    fn job_names_follow_hydra() {
        for ok in ["a", "_x", "a.b_c", "foo'", "x-1.y'-_", "A9"] {
            assert!(valid_job_name(ok), "{ok}");
        }
        for bad in [
            "",
            "1a",
            "a..b",
            ".a",
            "a.",
            "a b",
            "a\ntouch PWNED\n",
            "-x",
            "a/b",
            "a$(x)",
            "'a",
        ] {
            assert!(!valid_job_name(bad), "{bad:?}");
        }
        assert!(!valid_job_name(&"a".repeat(1025)));
        assert_eq!(error_key("ok.name"), "ok.name");
        assert_eq!(error_key("a\nb"), "\"a\\nb\"");
        let p = |v: &[&str]| path_key(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["a", "b"]), "a.b");
        assert_eq!(p(&["dot.ted"]), "\"dot.ted\"");
        assert_eq!(p(&["a", "dot.ted"]), "a.\"dot.ted\"");
        assert_eq!(p(&["bad name"]), "\"bad name\"");
        assert_eq!(p(&["x", "a\nb<i>"]), "x.\"a\\nb<i>\"");
        let long = vec!["a".repeat(600), "b".repeat(600)];
        let k = path_key(&long);
        assert!(k.starts_with("\"aaa") && k.chars().count() <= 202, "{k}");
    }

    #[test]
    fn raw_jobs_are_checked() {
        let nix = NixCli::default();
        let h = "/nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553";
        let good = format!(
            r#"{{"name":"a.b","drvPath":"{h}-a.drv","system":"x86_64-linux","outputs":{{"out":"{h}-a"}}}}"#
        );
        let j: RawJob = serde_json::from_str(&good).unwrap();
        assert_eq!(j.check(&nix), Ok(()));
        let bad = |k: &str, v: serde_json::Value| {
            let mut j: serde_json::Value = serde_json::from_str(&good).unwrap();
            j[k] = v;
            let j: RawJob = serde_json::from_value(j).unwrap();
            j.check(&nix).unwrap_err()
        };
        use serde_json::json;
        assert!(bad("name", json!("a\ntouch PWNED\n")).contains("invalid job name"));
        assert!(bad("drvPath", json!("--help")).contains("invalid drvPath"));
        assert!(bad("drvPath", json!(format!("{h}-a"))).contains("not a derivation"));
        assert!(bad("outputs", json!({"out": "/etc"})).contains("output `out`"));
        assert!(bad("outputs", json!({"a b": format!("{h}-a")})).contains("output name"));
        assert!(bad("outputs", json!({})).contains("no outputs"));
        assert!(bad("system", json!("x; rm")).contains("invalid system"));
        // Another store dir: /nix/store paths are not in it.
        let other = NixCli::for_store("/tmp/store");
        let j: RawJob = serde_json::from_str(&good).unwrap();
        assert!(j.check(&other).is_err());
    }

    #[test]
    fn raw_jobs_default_meta() {
        let j: RawJob =
            serde_json::from_str(r#"{"name":"a","drvPath":"/nix/store/x.drv"}"#).unwrap();
        let n = j.into_new_job(Vec::new());
        assert_eq!((n.priority, n.timeout, n.maxsilent), (100, 36000, 7200));
    }
}
