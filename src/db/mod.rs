//! All persistent state in one redb file: table definitions, typed records, the schema version,
//! and every read/write transaction. Records are JSON-encoded values; indexes are separate tables
//! kept in the same write transaction as the record they index, so a crash never splits them.

use redb::{Database, ReadableTable, ReadableTableMetadata, TableDefinition};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

pub mod api;
pub mod cache;
pub mod decl;
mod evaljobs;
pub mod index;
mod maint;
mod members;
mod migrate;
pub mod paths;
pub mod queue;
mod queued;
mod reuse;
pub mod steps;
#[cfg(test)]
mod testutil;
pub mod views;

pub use maint::{BackupReport, CheckReport};

/// 1: builds shared across jobsets by drvPath. 2: builds belong to one jobset. 3: eval members
/// are stored as runs of build ids. 4: each eval's job list is stored in chunks. 5: a job's latest
/// build is the last of its build list. 6: the path indexes are keyed by fixed-width path keys
/// (see `migrate`).
pub const SCHEMA_VERSION: u64 = 6;

pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
pub const PROJECTS: TableDefinition<&str, &[u8]> = TableDefinition::new("projects");
pub const JOBSETS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("jobsets");
/// (project, jobset, input name) → JobsetInput
pub const JOBSET_INPUTS: TableDefinition<(&str, &str, &str), &[u8]> =
    TableDefinition::new("jobset_inputs");
pub const EVALS: TableDefinition<u64, &[u8]> = TableDefinition::new("evals");
/// (project, jobset, eval id) → (): evals of a jobset in id order.
pub const JOBSET_EVALS: TableDefinition<(&str, &str, u64), ()> =
    TableDefinition::new("jobset_evals");
pub use members::EVAL_MEMBERS;
pub const BUILDS: TableDefinition<u64, &[u8]> = TableDefinition::new("builds");
/// Every build of a derivation, whatever its jobset (`paths::DRV_INDEX`). The runner uses it
/// to build a derivation once and mark the other builds "cached from build N".
pub use paths::DRV_INDEX;
/// Schema 1's drv path → build id (shared builds); dropped by the migration to 2.
const V1_BUILDS_BY_DRV: &str = "builds_by_drv";
// Queued or running builds: `queued` (runs of build ids); finished builds leave that index.
/// (project, jobset, job, build id) → (): every build of a job, for job pages and latestbuilds.
/// A job's latest build is its last entry (`job_latest`, `jobset_latest`).
pub const JOB_BUILDS: TableDefinition<(&str, &str, &str, u64), ()> =
    TableDefinition::new("job_builds");

/// The newest build of a job (its highest id, as Hydra orders them).
pub(crate) fn job_latest(
    t: &impl ReadableTable<(&'static str, &'static str, &'static str, u64), ()>,
    p: &str,
    j: &str,
    job: &str,
) -> Result<Option<u64>> {
    let last = t
        .range((p, j, job, 0u64)..=(p, j, job, u64::MAX))?
        .next_back();
    Ok(last.transpose()?.map(|(k, _)| k.value().3))
}

/// The newest build of each job of a jobset, in job name order. Two seeks a job, whatever the
/// length of its history.
pub(crate) fn jobset_latest(
    t: &impl ReadableTable<(&'static str, &'static str, &'static str, u64), ()>,
    p: &str,
    j: &str,
) -> Result<Vec<u64>> {
    use std::ops::Bound::{Excluded, Included, Unbounded};
    let mut out = Vec::new();
    let mut job: Option<String> = None;
    loop {
        let lo = match &job {
            None => Included((p, j, "", 0u64)),
            Some(job) => Excluded((p, j, job.as_str(), u64::MAX)),
        };
        let next = t
            .range::<(&str, &str, &str, u64)>((lo, Unbounded))?
            .next()
            .transpose()?;
        let Some((k, _)) = next else { return Ok(out) };
        let (kp, kj, name, _) = k.value();
        if (kp, kj) != (p, j) {
            return Ok(out);
        }
        let name = name.to_string();
        drop(k);
        out.extend(job_latest(t, p, j, &name)?);
        job = Some(name);
    }
}
/// (build id, step nr) → BuildStep
pub const BUILD_STEPS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("build_steps");
/// Builds that finished with output (status 0 or 6) and still await their cache uploads.
/// The runner inserts here in the transaction that finishes the build, so no upload is lost.
pub const CACHE_PENDING: TableDefinition<u64, ()> = TableDefinition::new("cache_pending");
pub const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
/// sha256(session id) hex → Session
pub const SESSIONS: TableDefinition<&str, &[u8]> = TableDefinition::new("sessions");
/// sha256(token) hex → ApiToken
pub const TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("tokens");

#[derive(Debug)]
pub enum DbError {
    /// Another process (usually `hydrant serve`) holds the database.
    Locked(String),
    /// The file was written by a newer hydrant.
    TooNew {
        found: u64,
        supported: u64,
    },
    Storage(String),
    /// The file cannot be read as a database (empty, truncated, garbage): restore a backup.
    Damaged {
        path: String,
        reason: String,
    },
    Corrupt(String),
    NotFound(String),
    Invalid(String),
    Conflict(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Locked(p) => write!(
                f,
                "the database {p} is in use by another hydrant process (is `hydrant serve` running?)"
            ),
            DbError::TooNew { found, supported } => write!(
                f,
                "the database has schema version {found}, but this hydrant supports up to {supported}: upgrade hydrant"
            ),
            DbError::Storage(m) => write!(f, "database error: {m}"),
            DbError::Damaged { path, reason } => {
                // One line: the reason may quote redb or a record.
                let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
                write!(
                    f,
                    "the database {path} is damaged ({reason}); restore it from a backup"
                )
            }
            DbError::Corrupt(m) => write!(f, "corrupt record: {m}"),
            DbError::NotFound(m) => write!(f, "{m} not found"),
            DbError::Invalid(m) => write!(f, "{m}"),
            DbError::Conflict(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for DbError {}

macro_rules! storage_err {
    ($($t:ty),*) => {$(
        impl From<$t> for DbError {
            fn from(e: $t) -> Self { DbError::Storage(e.to_string()) }
        }
    )*};
}
storage_err!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub type Result<T> = std::result::Result<T, DbError>;

pub fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    // Serialising our own plain structs to JSON cannot fail (no maps with non-string keys).
    serde_json::to_vec(v).unwrap_or_default()
}

pub fn decode<T: DeserializeOwned>(what: &str, b: &[u8]) -> Result<T> {
    serde_json::from_slice(b).map_err(|e| DbError::Corrupt(format!("{what}: {e}")))
}

/// Calls `flush` once per eval with its items, for rows sorted by eval id (as the tables keyed
/// by eval first are), so memory holds one eval's items rather than the table's.
fn per_eval<T>(
    rows: impl IntoIterator<Item = Result<(u64, T)>>,
    mut flush: impl FnMut(u64, Vec<T>) -> Result<()>,
) -> Result<()> {
    let (mut cur, mut list) = (None, Vec::new());
    for r in rows {
        let (e, item) = r?;
        if let Some(c) = cur.filter(|&c| c != e) {
            flush(c, std::mem::take(&mut list))?;
        }
        cur = Some(e);
        list.push(item);
    }
    match cur {
        Some(c) => flush(c, list),
        None => Ok(()),
    }
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Hydra's name rule for projects, jobsets and inputs.
pub fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    s.len() <= 255 && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Project {
    pub name: String,
    pub displayname: String,
    pub description: String,
    pub homepage: String,
    pub owner: String,
    pub enabled: bool,
    pub visible: bool,
    #[serde(default)]
    pub created: i64,
    /// URI prefixes its restricted evaluations may fetch (`fetchurl`, `fetchTarball`,
    /// `fetchGit`): Nix's `allowed-uris`. Only admins set it.
    #[serde(default)]
    pub allowed_uris: Vec<String>,
    /// Evaluate without `restrict-eval`, so release expressions may read any file hydrant can.
    /// Only admins set it; setting it and every evaluation that uses it are logged.
    #[serde(default)]
    pub unrestricted: bool,
    /// Declarative project (Hydra's `declfile`, `decltype`, `declvalue`): the spec file, and
    /// the type (`git` or `path`) and value of the input holding it. Empty file: not
    /// declarative. See `eval::declarative`.
    #[serde(default)]
    pub declfile: String,
    #[serde(default)]
    pub decltype: String,
    #[serde(default)]
    pub declvalue: String,
    /// Why the spec was last refused (the jobsets were left as they were); None once it
    /// applies again.
    #[serde(default)]
    pub declerror: Option<String>,
}

impl Project {
    pub fn is_declarative(&self) -> bool {
        !self.declfile.is_empty()
    }
}

/// The jobset of a declarative project that reads (static) or builds (generated) its spec.
pub const DECL_JOBSET: &str = ".jobsets";

/// Jobset enabled states, Hydra's numbers.
pub const JOBSET_DISABLED: u8 = 0;
pub const JOBSET_ENABLED: u8 = 1;
pub const JOBSET_ONE_SHOT: u8 = 2;
pub const JOBSET_ONE_AT_A_TIME: u8 = 3;
/// Jobset types (Hydra's `jobsets.type`).
pub const JOBSET_LEGACY: u8 = 0;
pub const JOBSET_FLAKE: u8 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Jobset {
    pub project: String,
    pub name: String,
    pub description: String,
    pub nixexprinput: String,
    pub nixexprpath: String,
    /// 0 disabled, 1 enabled, 2 one-shot, 3 one-at-a-time
    pub enabled: u8,
    pub visible: bool,
    pub checkinterval: u64,
    pub schedulingshares: u32,
    pub keepnr: u32,
    pub enableemail: bool,
    pub emailoverride: String,
    /// Evaluation bookkeeping, written by the evaluator.
    #[serde(default)]
    pub lastcheckedtime: Option<i64>,
    #[serde(default)]
    pub triggertime: Option<i64>,
    #[serde(default)]
    pub force_eval: bool,
    /// Triggers so far (each `scheduler::trigger` adds one): an evaluation ends the trigger
    /// only if none came while it ran (`end_trigger`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub trigger_seq: u64,
    /// `trigger_seq` of the last forced trigger (a plain trigger during a forced eval does not
    /// make the next eval forced).
    #[serde(default, skip_serializing_if = "is_default")]
    pub force_seq: u64,
    #[serde(default)]
    pub fetcherrormsg: Option<String>,
    #[serde(default)]
    pub errormsg: Option<String>,
    #[serde(default)]
    pub errortime: Option<i64>,
    #[serde(default)]
    pub last_inputs_hash: Option<String>,
    /// Hydra's jobset type: `JOBSET_LEGACY` (a release expression in an input) or
    /// `JOBSET_FLAKE` (`hydraJobs` of the flake `flake`).
    #[serde(default, rename = "type")]
    pub jobset_type: u8,
    /// The flake reference of a flake jobset (checked by `eval::flake::check_flake_ref`).
    #[serde(default)]
    pub flake: String,
}

impl Jobset {
    /// Ends an evaluation that started when the jobset had had `seen` triggers: its trigger
    /// and force flag go, unless another trigger came while it ran (a push during an eval);
    /// that one stays pending, as Hydra keeps a trigger newer than the eval's start.
    pub fn end_trigger(&mut self, seen: u64) {
        if self.trigger_seq == seen {
            self.triggertime = None;
        }
        if self.force_seq <= seen {
            self.force_eval = false;
        }
    }

    /// Keeps the evaluation bookkeeping of `cur` (the stored record) in a configuration write,
    /// so a save does not undo what the evaluator or a trigger wrote since the form was read.
    pub fn keep_bookkeeping(&mut self, cur: &Jobset) {
        self.lastcheckedtime = cur.lastcheckedtime;
        self.triggertime = cur.triggertime;
        self.force_eval = cur.force_eval;
        self.trigger_seq = cur.trigger_seq;
        self.force_seq = cur.force_seq;
        self.fetcherrormsg = cur.fetcherrormsg.clone();
        self.errormsg = cur.errormsg.clone();
        self.errortime = cur.errortime;
        self.last_inputs_hash = cur.last_inputs_hash.clone();
    }

    pub fn new(project: &str, name: &str) -> Jobset {
        Jobset {
            project: project.into(),
            name: name.into(),
            description: String::new(),
            nixexprinput: String::new(),
            nixexprpath: "release.nix".into(),
            enabled: JOBSET_ENABLED,
            visible: true,
            checkinterval: 300,
            schedulingshares: 100,
            keepnr: 3,
            enableemail: false,
            emailoverride: String::new(),
            lastcheckedtime: None,
            triggertime: None,
            force_eval: false,
            trigger_seq: 0,
            force_seq: 0,
            fetcherrormsg: None,
            errormsg: None,
            errortime: None,
            last_inputs_hash: None,
            jobset_type: JOBSET_LEGACY,
            flake: String::new(),
        }
    }
}

pub const INPUT_TYPES: &[&str] = &["string", "boolean", "nix", "path", "git"];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JobsetInput {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    #[serde(default)]
    pub emailresponsible: bool,
}

impl JobsetInput {
    pub fn validate(&self) -> Result<()> {
        if !valid_name(&self.name) {
            return Err(DbError::Invalid(format!(
                "invalid input name `{}`",
                self.name
            )));
        }
        if !INPUT_TYPES.contains(&self.kind.as_str()) {
            return Err(DbError::Invalid(format!(
                "input `{}` has unknown type `{}` (expected one of: {})",
                self.name,
                self.kind,
                INPUT_TYPES.join(", ")
            )));
        }
        if self.kind == "boolean" && !matches!(self.value.as_str(), "true" | "false") {
            return Err(DbError::Invalid(format!(
                "boolean input `{}` must be true or false, not `{}`",
                self.name, self.value
            )));
        }
        Ok(())
    }
}

/// One input as it was used by an eval.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct EvalInput {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub uri: String,
    pub value: String,
    pub revision: String,
    pub sha256hash: String,
    #[serde(default)]
    pub revcount: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Eval {
    pub id: u64,
    pub project: String,
    pub jobset: String,
    pub timestamp: i64,
    pub checkouttime: u64,
    pub evaltime: u64,
    pub hasnewbuilds: bool,
    pub inputs: Vec<EvalInput>,
    pub inputs_hash: String,
    pub nrbuilds: u64,
    /// Per-job evaluation errors: job name → message (capped).
    pub job_errors: BTreeMap<String, String>,
    /// Error of the eval as a whole (stderr of a failed nix-instantiate, capped).
    pub errormsg: Option<String>,
    #[serde(default)]
    pub flake: Option<String>,
}

/// Hydra's build status codes.
pub mod status {
    pub const SUCCEEDED: i32 = 0;
    pub const FAILED: i32 = 1;
    pub const DEP_FAILED: i32 = 2;
    pub const ABORTED: i32 = 3;
    pub const CANCELLED: i32 = 4;
    pub const FAILED_WITH_OUTPUT: i32 = 6;
    pub const TIMED_OUT: i32 = 7;
    pub const UNSUPPORTED: i32 = 9;

    pub fn name(s: i32) -> &'static str {
        match s {
            SUCCEEDED => "Succeeded",
            FAILED => "Failed",
            DEP_FAILED => "Dependency failed",
            ABORTED => "Aborted",
            CANCELLED => "Cancelled",
            FAILED_WITH_OUTPUT => "Failed with output",
            TIMED_OUT => "Timed out",
            UNSUPPORTED => "Unsupported system type",
            _ => "Unknown",
        }
    }
}

/// Stored as JSON without the fields that hold their default (most of a queued build's are),
/// which makes a queued build's record about 40% shorter; absent fields read back as their default.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(default)]
pub struct Build {
    pub id: u64,
    pub project: String,
    pub jobset: String,
    pub job: String,
    /// Eval that created the build.
    pub eval: u64,
    pub drvpath: String,
    pub system: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub nixname: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub license: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub maintainers: String,
    /// output name → store path
    pub outputs: BTreeMap<String, String>,
    /// meta.schedulingPriority (default 100)
    pub priority: i32,
    /// Bumps: higher goes first, whatever the shares.
    #[serde(skip_serializing_if = "is_default")]
    pub globalpriority: i32,
    pub timeout: u64,
    pub maxsilent: u64,
    /// Queued time.
    pub timestamp: i64,
    #[serde(skip_serializing_if = "is_default")]
    pub finished: bool,
    /// Set while running (the runner writes it; on restart such builds are queued again).
    #[serde(skip_serializing_if = "is_default")]
    pub busy: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buildstatus: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starttime: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stoptime: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closuresize: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errormsg: Option<String>,
    /// Cache uploads: bucket → "ok" or an error.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub cached: BTreeMap<String, String>,
    /// Finished without building: its outputs were already valid (Hydra's `iscachedbuild`).
    #[serde(skip_serializing_if = "is_default")]
    pub iscachedbuild: bool,
    /// The build of the same derivation whose result this one took, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached_from: Option<u64>,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// A job as the evaluator found it, before it becomes a build.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewJob {
    pub job: String,
    pub drvpath: String,
    pub system: String,
    pub nixname: String,
    pub description: String,
    pub license: String,
    pub maintainers: String,
    pub outputs: BTreeMap<String, String>,
    pub priority: i32,
    pub timeout: u64,
    pub maxsilent: u64,
    /// For an aggregate job: the names of its constituent jobs in the same eval (recorded in
    /// `api::AGGREGATE_CONSTITUENTS` between their builds).
    pub constituents: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct BuildStep {
    pub build: u64,
    pub nr: u32,
    pub drvpath: String,
    pub system: String,
    pub machine: String,
    pub status: Option<i32>,
    pub starttime: Option<i64>,
    pub stoptime: Option<i64>,
    pub errormsg: Option<String>,
    /// Hydra's step type: 0 build, 1 substitution (`drvpath` then holds the substituted path).
    #[serde(default)]
    pub steptype: i32,
}

pub const ROLES: &[&str] = &[
    "admin",
    "create-projects",
    "restart-jobs",
    "cancel-build",
    "bump-to-front",
    "eval-jobset",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct User {
    pub name: String,
    pub fullname: String,
    pub email: String,
    /// argon2 PHC string
    pub password: String,
    pub roles: Vec<String>,
}

impl User {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role || r == "admin")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Session {
    pub user: String,
    pub csrf: String,
    pub created: i64,
    pub expires: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ApiToken {
    pub user: String,
    pub created: i64,
    /// Unix time after which the token no longer works (None: never expires).
    #[serde(default)]
    pub expires: Option<i64>,
    /// What the token is for, as its owner described it.
    #[serde(default)]
    pub label: String,
}

impl ApiToken {
    pub fn valid_at(&self, now: i64) -> bool {
        self.expires.is_none_or(|e| now < e)
    }
}

/// The database handle. Cheap to share behind an `Arc`.
pub struct Db {
    inner: Database,
}

impl Db {
    /// Opens the database, creates missing tables and checks the schema. Only a missing file
    /// is created; an empty, truncated or garbage one is `Damaged` (redb's panics on such files
    /// are caught), and is left as it was.
    pub fn open(path: &Path) -> Result<Db> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbError::Storage(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
        }
        let existed = maint::precheck(path)?;
        let opened = maint::quietly(|| {
            if existed {
                Database::open(path)
            } else {
                Database::create(path)
            }
        });
        let inner = match opened {
            Ok(r) => r.map_err(|e| maint::open_error(path, e))?,
            Err(panic) => return Err(maint::damaged(path, format!("redb: {panic}"))),
        };
        let db = Db { inner };
        match maint::quietly(|| db.init()) {
            Ok(r) => r?,
            Err(panic) => return Err(maint::damaged(path, format!("redb: {panic}"))),
        }
        Ok(db)
    }

    fn init(&self) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut meta = tx.open_table(META)?;
            let found = meta.get("schema_version")?.map(|v| v.value());
            match found {
                Some(v) if v > SCHEMA_VERSION => {
                    return Err(DbError::TooNew {
                        found: v,
                        supported: SCHEMA_VERSION,
                    });
                }
                Some(SCHEMA_VERSION) => {}
                Some(v) => {
                    drop(meta);
                    // 1 → 2 ends with 2 → … → 6 (its orphan deletes are schema 6's).
                    if v < 2 {
                        migrate::v1_to_v2(&tx)?;
                    } else {
                        if v < 3 {
                            migrate::v2_to_v3(&tx)?;
                        }
                        if v < 4 {
                            migrate::v3_to_v4(&tx)?;
                        }
                        if v < 5 {
                            migrate::v4_to_v5(&tx)?;
                        }
                        migrate::v5_to_v6(&tx)?;
                    }
                    meta = tx.open_table(META)?;
                    meta.insert("schema_version", SCHEMA_VERSION)?;
                }
                None => {
                    meta.insert("schema_version", SCHEMA_VERSION)?;
                }
            }
            drop(meta);
            tx.open_table(PROJECTS)?;
            tx.open_table(JOBSETS)?;
            tx.open_table(JOBSET_INPUTS)?;
            tx.open_table(EVALS)?;
            tx.open_table(JOBSET_EVALS)?;
            tx.open_table(EVAL_MEMBERS)?;
            tx.open_table(BUILDS)?;
            tx.open_table(DRV_INDEX)?;
            tx.open_table(queued::QUEUE_RUNS)?;
            tx.open_table(queued::QUEUE_LEN)?;
            tx.open_table(JOB_BUILDS)?;
            tx.open_table(reuse::REUSE_PRINTS)?;
            tx.open_table(BUILD_STEPS)?;
            tx.open_table(CACHE_PENDING)?;
            tx.open_table(USERS)?;
            tx.open_table(SESSIONS)?;
            tx.open_table(TOKENS)?;
            queue::create_tables(&tx)?;
            cache::create_tables(&tx)?;
            index::create_tables(&tx)?;
            tx.open_table(api::BUILD_PRODUCTS)?;
            tx.open_table(api::AGGREGATE_CONSTITUENTS)?;
            steps::create_tables(&tx)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<u64> {
        let tx = self.inner.begin_read()?;
        let meta = tx.open_table(META)?;
        let v = meta.get("schema_version")?.map(|v| v.value());
        Ok(v.unwrap_or(0))
    }

    // ---- projects ----

    pub fn projects(&self) -> Result<Vec<Project>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(PROJECTS)?;
        let mut out = Vec::new();
        for r in t.iter()? {
            let (k, v) = r?;
            out.push(decode(&format!("project {}", k.value()), v.value())?);
        }
        Ok(out)
    }

    pub fn project(&self, name: &str) -> Result<Option<Project>> {
        self.get_record(PROJECTS, name, "project")
    }

    /// Creates or replaces a project; returns true when it was created.
    pub fn put_project(&self, p: &Project) -> Result<bool> {
        if !valid_name(&p.name) {
            return Err(DbError::Invalid(format!(
                "invalid project name `{}`",
                p.name
            )));
        }
        let tx = self.inner.begin_write()?;
        let created;
        {
            let mut t = tx.open_table(PROJECTS)?;
            created = t.insert(p.name.as_str(), encode(p).as_slice())?.is_none();
        }
        tx.commit()?;
        Ok(created)
    }

    /// Deletes a project and everything of its jobsets (see `delete_jobset`), in one write
    /// transaction. None when there was no such project.
    pub fn delete_project(&self, name: &str) -> Result<Option<Deleted>> {
        let tx = self.inner.begin_write()?;
        let mut out = Deleted::default();
        {
            let mut t = tx.open_table(PROJECTS)?;
            if t.remove(name)?.is_none() {
                return Ok(None);
            }
            drop(t);
            let names: Vec<String> = {
                let js = tx.open_table(JOBSETS)?;
                let mut v = Vec::new();
                for r in js.range((name, "")..=(name, "\u{10FFFF}"))? {
                    v.push(r?.0.value().1.to_string());
                }
                v
            };
            for j in names {
                delete_jobset_in(&tx, name, &j, &mut out)?;
            }
        }
        tx.commit()?;
        Ok(Some(out))
    }

    // ---- jobsets ----

    pub fn jobsets(&self, project: &str) -> Result<Vec<Jobset>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(JOBSETS)?;
        let mut out = Vec::new();
        for r in t.range((project, "")..=(project, "\u{10FFFF}"))? {
            let (_, v) = r?;
            out.push(decode("jobset", v.value())?);
        }
        Ok(out)
    }

    pub fn all_jobsets(&self) -> Result<Vec<Jobset>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(JOBSETS)?;
        let mut out = Vec::new();
        for r in t.iter()? {
            let (_, v) = r?;
            out.push(decode("jobset", v.value())?);
        }
        Ok(out)
    }

    pub fn jobset(&self, project: &str, name: &str) -> Result<Option<Jobset>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(JOBSETS)?;
        let v = t.get((project, name))?;
        v.map(|v| decode(&format!("jobset {project}:{name}"), v.value()))
            .transpose()
    }

    pub fn jobset_inputs(&self, project: &str, name: &str) -> Result<Vec<JobsetInput>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(JOBSET_INPUTS)?;
        let mut out = Vec::new();
        for r in t.range((project, name, "")..=(project, name, "\u{10FFFF}"))? {
            let (_, v) = r?;
            out.push(decode("jobset input", v.value())?);
        }
        Ok(out)
    }

    /// Creates or updates a jobset and replaces all its inputs in one write transaction:
    /// the old inputs are deleted, then each new one is validated and written. Any failure
    /// drops the transaction, so the old jobset and inputs stay untouched. An existing
    /// jobset keeps its evaluation bookkeeping (`Jobset::keep_bookkeeping`).
    pub fn put_jobset(&self, js: &Jobset, inputs: &[JobsetInput]) -> Result<bool> {
        self.put_jobset_over(js, inputs, None)
    }

    /// As [`Db::put_jobset`], but only if the jobset still exists (`Some(true)`) or still does
    /// not (`Some(false)`), as the caller saw it: else nothing is written and the answer is
    /// [`DbError::Conflict`] (two creates of one name must not both succeed).
    pub fn put_jobset_over(
        &self,
        js: &Jobset,
        inputs: &[JobsetInput],
        expect_exists: Option<bool>,
    ) -> Result<bool> {
        if !valid_name(&js.name) {
            return Err(DbError::Invalid(format!(
                "invalid jobset name `{}`",
                js.name
            )));
        }
        check_jobset_fields(js)?;
        let tx = self.inner.begin_write()?;
        let created;
        {
            let projects = tx.open_table(PROJECTS)?;
            if projects.get(js.project.as_str())?.is_none() {
                return Err(DbError::NotFound(format!("project `{}`", js.project)));
            }
            let mut t = tx.open_table(JOBSETS)?;
            let key = (js.project.as_str(), js.name.as_str());
            let cur: Option<Jobset> = t
                .get(key)?
                .map(|v| decode("jobset", v.value()))
                .transpose()?;
            if let Some(want) = expect_exists.filter(|&w| w != cur.is_some()) {
                return Err(DbError::Conflict(format!(
                    "jobset `{}:{}` was {} by another request meanwhile; nothing was saved",
                    js.project,
                    js.name,
                    if want { "deleted" } else { "created" }
                )));
            }
            let mut new = js.clone();
            if let Some(cur) = &cur {
                new.keep_bookkeeping(cur);
            }
            t.insert(key, encode(&new).as_slice())?;
            created = cur.is_none();
            replace_inputs(&tx, &js.project, &js.name, inputs)?;
        }
        tx.commit()?;
        Ok(created)
    }

    /// Updates only the jobset record (evaluator bookkeeping), leaving inputs alone.
    pub fn update_jobset<F: FnOnce(&mut Jobset)>(
        &self,
        project: &str,
        name: &str,
        f: F,
    ) -> Result<Jobset> {
        let tx = self.inner.begin_write()?;
        let js;
        {
            let mut t = tx.open_table(JOBSETS)?;
            let mut cur: Jobset = match t.get((project, name))? {
                Some(v) => decode("jobset", v.value())?,
                None => return Err(DbError::NotFound(format!("jobset `{project}:{name}`"))),
            };
            f(&mut cur);
            t.insert((project, name), encode(&cur).as_slice())?;
            js = cur;
        }
        tx.commit()?;
        Ok(js)
    }

    /// Deletes a jobset with its inputs, evals, eval members, builds (and their steps, queue
    /// and job-index entries, cache bookkeeping) and shares charges, in one write transaction,
    /// and tells the runner about every queued build it removed (it stops the running ones).
    /// The caller removes the files: logs and GC roots. None when there was no such jobset.
    pub fn delete_jobset(&self, project: &str, name: &str) -> Result<Option<Deleted>> {
        let tx = self.inner.begin_write()?;
        let mut out = Deleted::default();
        if tx.open_table(JOBSETS)?.get((project, name))?.is_none() {
            return Ok(None);
        }
        delete_jobset_in(&tx, project, name, &mut out)?;
        tx.commit()?;
        Ok(Some(out))
    }

    // ---- evals and builds (read side; the evaluator and runner add their writers) ----

    pub fn eval(&self, id: u64) -> Result<Option<Eval>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(EVALS)?;
        let v = t.get(id)?;
        v.map(|v| decode(&format!("eval {id}"), v.value()))
            .transpose()
    }

    /// Evals of a jobset, newest first, skipping `offset`, at most `limit`; plus the total count.
    pub fn jobset_evals(
        &self,
        project: &str,
        jobset: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Eval>, usize)> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOBSET_EVALS)?;
        let evals = tx.open_table(EVALS)?;
        let range = idx.range((project, jobset, 0u64)..=(project, jobset, u64::MAX))?;
        let mut ids = Vec::new();
        let mut total = 0usize;
        for r in range.rev() {
            let (k, _) = r?;
            if total >= offset && ids.len() < limit {
                ids.push(k.value().2);
            }
            total += 1;
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = evals.get(id)? {
                out.push(decode(&format!("eval {id}"), v.value())?);
            }
        }
        Ok((out, total))
    }

    pub fn build(&self, id: u64) -> Result<Option<Build>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(BUILDS)?;
        let v = t.get(id)?;
        v.map(|v| decode(&format!("build {id}"), v.value()))
            .transpose()
    }

    /// Members of an eval: (build, is_new).
    pub fn eval_builds(&self, eval: u64) -> Result<Vec<(Build, bool)>> {
        self.eval_builds_page(eval, 0, usize::MAX)
    }

    /// `limit` builds of an eval from its `offset`-th, in build order, with whether the eval
    /// created each: the member index is walked to the page, and only the page's records are
    /// read.
    pub fn eval_builds_page(
        &self,
        eval: u64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(Build, bool)>> {
        let tx = self.inner.begin_read()?;
        let m = tx.open_table(EVAL_MEMBERS)?;
        let b = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        for (id, new) in members::page(&m, eval, offset, limit)? {
            if let Some(rec) = b.get(id)? {
                out.push((decode(&format!("build {id}"), rec.value())?, new));
            }
        }
        Ok(out)
    }

    pub fn next_id(tx: &redb::WriteTransaction, counter: &str) -> Result<u64> {
        let mut meta = tx.open_table(META)?;
        let cur = meta.get(counter)?.map(|v| v.value()).unwrap_or(0);
        let next = cur + 1;
        meta.insert(counter, next)?;
        Ok(next)
    }

    /// Records an evaluation in one write transaction: the eval, one build per job, eval
    /// membership, the per-job indexes, the queue and the jobset's bookkeeping (a one-shot jobset
    /// is disabled here, atomically with its eval). As in Hydra's `checkBuild`, a job reuses a
    /// build only from the previous eval of the same jobset, with the same job name and the same
    /// output paths (a changed drv with the same outputs is repointed); anything else is a new
    /// build of this jobset. Returns the eval with its id, nrbuilds and hasnewbuilds filled in.
    pub fn record_eval(&self, eval: Eval, jobs: Vec<NewJob>) -> Result<Eval> {
        self.record_eval_seen(eval, jobs, None)
    }

    /// `record_eval` for an evaluation that started when its jobset had had `seen` triggers
    /// (`Jobset::end_trigger`); None ends any trigger.
    pub fn record_eval_seen(
        &self,
        mut eval: Eval,
        jobs: Vec<NewJob>,
        seen: Option<u64>,
    ) -> Result<Eval> {
        let tx = self.inner.begin_write()?;
        // An evaluation that ran while its jobset was deleted records nothing.
        if tx
            .open_table(JOBSETS)?
            .get((eval.project.as_str(), eval.jobset.as_str()))?
            .is_none()
        {
            return Err(DbError::NotFound(format!(
                "jobset `{}:{}`",
                eval.project, eval.jobset
            )));
        }
        {
            let id = Db::next_id(&tx, "next_eval_id")?;
            eval.id = id;
            let (p, j) = (eval.project.clone(), eval.jobset.clone());
            // Which jobs reuse a build of the previous eval: same job, same outputs (Hydra's
            // checkBuild). Only the fields compared are decoded (strings borrowed where serde
            // can; the outputs map is owned).
            #[derive(Deserialize)]
            struct Prev<'a> {
                #[serde(borrow)]
                project: std::borrow::Cow<'a, str>,
                #[serde(borrow)]
                jobset: std::borrow::Cow<'a, str>,
                #[serde(borrow)]
                job: std::borrow::Cow<'a, str>,
                #[serde(borrow)]
                drvpath: std::borrow::Cow<'a, str>,
                outputs: BTreeMap<String, String>,
            }
            let by_name: std::collections::HashMap<&str, usize> = jobs
                .iter()
                .enumerate()
                .map(|(i, job)| (job.job.as_str(), i))
                .collect();
            // job index → (previous build id, its drv differs)
            let mut reuse: Vec<Option<(u64, bool)>> = vec![None; jobs.len()];
            // Jobs of the previous eval: their names are in the search index already.
            let mut known = vec![false; jobs.len()];
            let prints: Vec<u64> = jobs
                .iter()
                .map(|job| reuse::fingerprint(&job.job, &job.outputs))
                .collect();
            {
                let idx = tx.open_table(JOBSET_EVALS)?;
                let last = idx
                    .range((p.as_str(), j.as_str(), 0u64)..=(p.as_str(), j.as_str(), u64::MAX))?
                    .next_back()
                    .transpose()?
                    .map(|(k, _)| k.value().2);
                if let Some(prev) = last {
                    let chunks = tx.open_table(evaljobs::EVAL_JOB_CHUNKS)?;
                    let held = evaljobs::chunks(&chunks, prev)?;
                    for (name, _) in evaljobs::decode_chunks(prev, &held)? {
                        if let Some(&i) = by_name.get(name) {
                            known[i] = true;
                        }
                    }
                    // The previous builds that may be reused: those whose fingerprint a job has,
                    // else (an older file) all of them; each is checked in full below.
                    let old = reuse::read(&tx.open_table(reuse::REUSE_PRINTS)?, &p, &j, prev)?;
                    let candidates: Vec<u64> = match old {
                        Some(old) => {
                            let wanted: std::collections::HashSet<u64> =
                                prints.iter().copied().collect();
                            old.into_iter()
                                .filter(|(_, f)| *f == reuse::ALWAYS || wanted.contains(f))
                                .map(|(bid, _)| bid)
                                .collect()
                        }
                        None => members::ids(&tx.open_table(EVAL_MEMBERS)?, prev)?,
                    };
                    let builds = tx.open_table(BUILDS)?;
                    for bid in candidates {
                        let Some(v) = builds.get(bid)? else { continue };
                        let b: Prev = serde_json::from_slice(v.value())
                            .map_err(|e| DbError::Corrupt(format!("build {bid}: {e}")))?;
                        if b.project != p.as_str() || b.jobset != j.as_str() {
                            continue;
                        }
                        let Some(&i) = by_name.get(b.job.as_ref()) else {
                            continue;
                        };
                        let job = &jobs[i];
                        let same_outputs = b.outputs.len() == job.outputs.len()
                            && b.outputs
                                .iter()
                                .zip(&job.outputs)
                                .all(|((k, v), (k2, v2))| k == k2 && v == v2);
                        if same_outputs && (!b.outputs.is_empty() || b.drvpath == job.drvpath) {
                            reuse[i] = Some((bid, b.drvpath != job.drvpath.as_str()));
                        }
                    }
                }
            }
            // Aggregates: job index → its constituents' job indices.
            let aggs: Vec<(usize, Vec<usize>)> = jobs
                .iter()
                .enumerate()
                .filter(|(_, j)| !j.constituents.is_empty())
                .map(|(i, j)| {
                    let cs = j.constituents.iter();
                    (
                        i,
                        cs.filter_map(|c| by_name.get(c.as_str()).copied())
                            .collect(),
                    )
                })
                .collect();
            api::keep_aggregate_reuse(&tx, &aggs, &mut reuse)?;
            let mut bids: Vec<u64> = Vec::with_capacity(jobs.len());
            let mut member_list: Vec<(u64, bool)> = Vec::with_capacity(jobs.len());
            let mut job_list: Vec<(String, u64)> = Vec::with_capacity(jobs.len());
            let mut builds = tx.open_table(BUILDS)?;
            let mut by_drv = tx.open_table(DRV_INDEX)?;
            let mut new_ids: Vec<u64> = Vec::new();
            let mut job_builds = tx.open_table(JOB_BUILDS)?;
            let mut members = tx.open_table(EVAL_MEMBERS)?;
            let mut ix = index::EvalIndex::open(&tx)?;
            let mut new_builds = 0u64;
            // Build ids are taken from the counter once and written back once.
            let mut next_build = {
                let meta = tx.open_table(META)?;
                let v = meta.get("next_build_id")?.map(|v| v.value()).unwrap_or(0);
                v
            };
            // Derivation and output paths are random keys: inserted in key order after the
            // loop, which is much faster for a B-tree than 50,000 scattered inserts.
            let mut new_drvs: Vec<(u128, u64)> = Vec::new();
            let mut new_outs: Vec<(u128, u64)> = Vec::new();
            for ((job, reuse), known) in jobs.into_iter().zip(reuse).zip(known) {
                let (bid, is_new) = match reuse {
                    Some((bid, repoint)) => {
                        if repoint {
                            let cur = builds.get(bid)?.map(|v| v.value().to_vec());
                            if let Some(cur) = cur {
                                let mut full: Build = decode(&format!("build {bid}"), &cur)?;
                                by_drv.remove((paths::key(&full.drvpath), bid))?;
                                by_drv.insert((paths::key(&job.drvpath), bid), ())?;
                                full.drvpath = job.drvpath.clone();
                                builds.insert(bid, encode(&full).as_slice())?;
                            }
                        }
                        (bid, false)
                    }
                    None => {
                        next_build += 1;
                        let bid = next_build;
                        let b = Build {
                            id: bid,
                            project: p.clone(),
                            jobset: j.clone(),
                            job: job.job.clone(),
                            eval: id,
                            drvpath: job.drvpath.clone(),
                            system: job.system,
                            nixname: job.nixname,
                            description: job.description,
                            license: job.license,
                            maintainers: job.maintainers,
                            outputs: job.outputs,
                            priority: job.priority,
                            timeout: job.timeout,
                            maxsilent: job.maxsilent,
                            timestamp: eval.timestamp,
                            ..Default::default()
                        };
                        builds.insert(bid, encode(&b).as_slice())?;
                        // The job's build list (its last entry is its latest build); a job of
                        // the previous eval has its names indexed (an older one's are
                        // written again, which changes nothing).
                        job_builds.insert((p.as_str(), j.as_str(), job.job.as_str(), bid), ())?;
                        if !known {
                            ix.new_job(&b)?;
                        }
                        new_outs.extend(b.outputs.values().map(|o| (paths::key(o), bid)));
                        new_drvs.push((paths::key(&job.drvpath), bid));
                        new_ids.push(bid);
                        new_builds += 1;
                        (bid, true)
                    }
                };
                bids.push(bid);
                member_list.push((bid, is_new));
                job_list.push((job.job, bid));
                eval.nrbuilds += 1;
            }
            reuse::write(
                &mut tx.open_table(reuse::REUSE_PRINTS)?,
                &p,
                &j,
                id,
                bids.iter().copied().zip(prints),
            )?;
            members::insert(&mut members, id, member_list)?;
            evaljobs::insert(
                &mut tx.open_table(evaljobs::EVAL_JOB_CHUNKS)?,
                id,
                &mut job_list,
            )?;
            new_drvs.sort_unstable();
            for &(drv, bid) in &new_drvs {
                by_drv.insert((drv, bid), ())?;
            }
            new_outs.sort_unstable();
            ix.outputs(&new_outs)?;
            queued::Queued::open(&tx)?.insert_new(new_ids)?;
            api::record_constituents(&tx, &aggs, &bids)?;
            tx.open_table(META)?.insert("next_build_id", next_build)?;
            eval.hasnewbuilds = new_builds > 0;
            let mut evals = tx.open_table(EVALS)?;
            evals.insert(id, encode(&eval).as_slice())?;
            tx.open_table(JOBSET_EVALS)?
                .insert((p.as_str(), j.as_str(), id), ())?;
            let mut jobsets = tx.open_table(JOBSETS)?;
            let cur = jobsets
                .get((p.as_str(), j.as_str()))?
                .map(|v| v.value().to_vec());
            if let Some(cur) = cur {
                let mut js: Jobset = decode("jobset", &cur)?;
                if js.enabled == JOBSET_ONE_SHOT {
                    js.enabled = JOBSET_DISABLED;
                }
                js.lastcheckedtime = Some(eval.timestamp);
                js.last_inputs_hash = Some(eval.inputs_hash.clone());
                js.errormsg = eval.errormsg.clone();
                js.errortime = eval.errormsg.as_ref().map(|_| eval.timestamp);
                js.fetcherrormsg = None;
                js.end_trigger(seen.unwrap_or(js.trigger_seq));
                jobsets.insert((p.as_str(), j.as_str()), encode(&js).as_slice())?;
            }
        }
        tx.commit()?;
        Ok(eval)
    }

    /// Whether schema 1's flat GC roots still wait to be moved under their jobsets (set by the
    /// migration; the runner moves them at its next start).
    pub fn flat_roots_pending(&self) -> Result<bool> {
        let tx = self.inner.begin_read()?;
        let meta = tx.open_table(META)?;
        let v = meta.get(migrate::FLAT_ROOTS)?.map(|v| v.value());
        Ok(v == Some(1))
    }

    pub fn set_flat_roots_done(&self) -> Result<()> {
        let tx = self.inner.begin_write()?;
        tx.open_table(META)?.remove(migrate::FLAT_ROOTS)?;
        tx.commit()?;
        Ok(())
    }

    /// The newest other build of a derivation that finished with its outputs, preferring one
    /// that really built it over one that was itself cached.
    pub fn last_built_of_drv(&self, drv: &str, except: u64) -> Result<Option<u64>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(DRV_INDEX)?;
        let builds = tx.open_table(BUILDS)?;
        let mut cached = None;
        for r in t.range(paths::rows(drv))?.rev() {
            let id = r?.0.value().1;
            if id == except {
                continue;
            }
            let Some(v) = builds.get(id)? else { continue };
            let b: Build = decode(&format!("build {id}"), v.value())?;
            if b.drvpath == drv && b.finished && matches!(b.buildstatus, Some(0) | Some(6)) {
                if !b.iscachedbuild {
                    return Ok(Some(id));
                }
                cached = cached.or(b.cached_from).or(Some(id));
            }
        }
        Ok(cached)
    }

    /// Builds of a derivation other than `except`, newest first (ids only).
    pub fn builds_of_drv(&self, drv: &str, except: u64) -> Result<Vec<u64>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(DRV_INDEX)?;
        let builds = tx.open_table(BUILDS)?;
        /// The one field compared, borrowed from the record.
        #[derive(Deserialize)]
        struct Drv<'a> {
            #[serde(borrow)]
            drvpath: std::borrow::Cow<'a, str>,
        }
        let mut out = Vec::new();
        for r in t.range(paths::rows(drv))?.rev() {
            let id = r?.0.value().1;
            if id == except {
                continue;
            }
            let Some(v) = builds.get(id)? else { continue };
            let b: Drv = serde_json::from_slice(v.value())
                .map_err(|e| DbError::Corrupt(format!("build {id}: {e}")))?;
            if b.drvpath == drv {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Ids of queued (unfinished) builds, oldest first.
    pub fn queued_build_ids(&self) -> Result<Vec<u64>> {
        let tx = self.inner.begin_read()?;
        let mut out = Vec::new();
        queued::each_from(&tx.open_table(queued::QUEUE_RUNS)?, 0, |id| {
            out.push(id);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Newest build of each job of a jobset.
    pub fn latest_builds(&self, project: &str, jobset: &str) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let l = tx.open_table(JOB_BUILDS)?;
        let b = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        for id in jobset_latest(&l, project, jobset)? {
            if let Some(rec) = b.get(id)? {
                out.push(decode(&format!("build {id}"), rec.value())?);
            }
        }
        Ok(out)
    }

    // ---- users, sessions, tokens ----

    pub fn user(&self, name: &str) -> Result<Option<User>> {
        self.get_record(USERS, name, "user")
    }

    pub fn users_count(&self) -> Result<u64> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(USERS)?;
        Ok(t.len()?)
    }

    pub fn put_user(&self, u: &User) -> Result<()> {
        self.check_user(u)?;
        self.put_record(USERS, &u.name, u)
    }

    fn check_user(&self, u: &User) -> Result<()> {
        if !valid_name(&u.name) {
            return Err(DbError::Invalid(format!("invalid user name `{}`", u.name)));
        }
        for r in &u.roles {
            if !ROLES.contains(&r.as_str()) {
                return Err(DbError::Invalid(format!(
                    "unknown role `{r}` (expected one of: {})",
                    ROLES.join(", ")
                )));
            }
        }
        Ok(())
    }

    pub fn session(&self, key: &str) -> Result<Option<Session>> {
        self.get_record(SESSIONS, key, "session")
    }

    pub fn put_session(&self, key: &str, s: &Session) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut t = tx.open_table(SESSIONS)?;
            t.insert(key, encode(s).as_slice())?;
            // Expired sessions are swept whenever a new one is made.
            let now = now();
            t.retain(|_, v| {
                serde_json::from_slice::<Session>(v)
                    .map(|s| s.expires > now)
                    .unwrap_or(false)
            })?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn delete_session(&self, key: &str) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut t = tx.open_table(SESSIONS)?;
            t.remove(key)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn token(&self, key: &str) -> Result<Option<ApiToken>> {
        self.get_record(TOKENS, key, "token")
    }

    pub fn put_token(&self, key: &str, tok: &ApiToken) -> Result<()> {
        self.put_record(TOKENS, key, tok)
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(USERS)?;
        let mut out = Vec::new();
        for r in t.iter()? {
            let (k, v) = r?;
            out.push(decode(&format!("user {}", k.value()), v.value())?);
        }
        Ok(out)
    }

    /// A user's API tokens: (stored key, token), oldest first.
    pub fn tokens_of(&self, user: &str) -> Result<Vec<(String, ApiToken)>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(TOKENS)?;
        let mut out = Vec::new();
        for r in t.iter()? {
            let (k, v) = r?;
            let tok: ApiToken = decode("token", v.value())?;
            if tok.user == user {
                out.push((k.value().to_string(), tok));
            }
        }
        out.sort_by_key(|(_, t)| t.created);
        Ok(out)
    }

    /// Removes one token of `user` by its stored key; false if there was none of theirs.
    pub fn delete_token(&self, user: &str, key: &str) -> Result<bool> {
        let tx = self.inner.begin_write()?;
        let found;
        {
            let mut t = tx.open_table(TOKENS)?;
            let owner = match t.get(key)? {
                Some(v) => Some(decode::<ApiToken>("token", v.value())?.user),
                None => None,
            };
            found = owner.as_deref() == Some(user);
            if found {
                t.remove(key)?;
            }
        }
        tx.commit()?;
        Ok(found)
    }

    /// Writes a user and, in the same transaction, ends every session and token of theirs
    /// (a password change or a reset signs the user out everywhere).
    pub fn put_user_revoking(&self, u: &User) -> Result<()> {
        self.change_user(&u.name, Some(u))
    }

    /// Deletes a user with their sessions and tokens; false if there was none.
    pub fn delete_user(&self, name: &str) -> Result<bool> {
        let existed = self.user(name)?.is_some();
        if existed {
            self.change_user(name, None)?;
        }
        Ok(existed)
    }

    fn change_user(&self, name: &str, new: Option<&User>) -> Result<()> {
        if let Some(u) = new {
            self.check_user(u)?;
        }
        let tx = self.inner.begin_write()?;
        {
            let mut users = tx.open_table(USERS)?;
            match new {
                Some(u) => users.insert(name, encode(u).as_slice())?,
                None => users.remove(name)?,
            };
            tx.open_table(SESSIONS)?.retain(|_, v| {
                serde_json::from_slice::<Session>(v)
                    .map(|s| s.user != name)
                    .unwrap_or(false)
            })?;
            tx.open_table(TOKENS)?.retain(|_, v| {
                serde_json::from_slice::<ApiToken>(v)
                    .map(|t| t.user != name)
                    .unwrap_or(false)
            })?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One JSON record of a name-keyed table, in its own read transaction.
    fn get_record<T: DeserializeOwned>(
        &self,
        table: TableDefinition<'static, &'static str, &'static [u8]>,
        key: &str,
        what: &str,
    ) -> Result<Option<T>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(table)?;
        let v = t.get(key)?;
        v.map(|v| decode(&format!("{what} {key}"), v.value()))
            .transpose()
    }

    /// Writes one JSON record of a name-keyed table in its own write transaction.
    fn put_record<T: Serialize>(
        &self,
        table: TableDefinition<'static, &'static str, &'static [u8]>,
        key: &str,
        value: &T,
    ) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut t = tx.open_table(table)?;
            t.insert(key, encode(value).as_slice())?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// What a cascading delete removed, for the files the caller removes after the commit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deleted {
    pub jobsets: Vec<(String, String)>,
    pub evals: Vec<u64>,
    pub builds: Vec<u64>,
    /// Builds that were queued or running: the runner was told through an event.
    pub queued: Vec<u64>,
}

/// The jobset record's own rules (its name is checked by the caller).
pub(crate) fn check_jobset_fields(js: &Jobset) -> Result<()> {
    if js.enabled > JOBSET_ONE_AT_A_TIME {
        return Err(DbError::Invalid(format!(
            "`enabled` must be 0 (disabled), 1 (enabled), 2 (one-shot) or 3 (one-at-a-time), not {}",
            js.enabled
        )));
    }
    if js.schedulingshares == 0 {
        return Err(DbError::Invalid(
            "`schedulingshares` must be a positive number".into(),
        ));
    }
    Ok(())
}

/// Replaces all inputs of a jobset: the old ones are deleted, then each new one is validated
/// and written (an error leaves the caller's transaction to be dropped).
pub(crate) fn replace_inputs(
    tx: &redb::WriteTransaction,
    p: &str,
    n: &str,
    inputs: &[JobsetInput],
) -> Result<()> {
    let mut it = tx.open_table(JOBSET_INPUTS)?;
    it.retain_in((p, n, "")..=(p, n, "\u{10FFFF}"), |_, _| false)?;
    let mut seen = std::collections::BTreeSet::new();
    for input in inputs {
        input.validate()?;
        if !seen.insert(input.name.as_str()) {
            return Err(DbError::Invalid(format!(
                "input `{}` is given twice",
                input.name
            )));
        }
        it.insert((p, n, input.name.as_str()), encode(input).as_slice())?;
    }
    Ok(())
}

pub(super) fn delete_jobset_in(
    tx: &redb::WriteTransaction,
    p: &str,
    j: &str,
    out: &mut Deleted,
) -> Result<()> {
    tx.open_table(JOBSETS)?.remove((p, j))?;
    tx.open_table(reuse::REUSE_PRINTS)?.remove((p, j))?;
    tx.open_table(JOBSET_INPUTS)?
        .retain_in((p, j, "")..=(p, j, "\u{10FFFF}"), |_, _| false)?;
    // Evals and their members.
    let mut eval_ids = Vec::new();
    {
        let mut idx = tx.open_table(JOBSET_EVALS)?;
        for r in idx.range((p, j, 0u64)..=(p, j, u64::MAX))? {
            eval_ids.push(r?.0.value().2);
        }
        idx.retain_in((p, j, 0u64)..=(p, j, u64::MAX), |_, _| false)?;
        let mut evals = tx.open_table(EVALS)?;
        let mut members = tx.open_table(EVAL_MEMBERS)?;
        for &e in &eval_ids {
            evals.remove(e)?;
            members::remove(&mut members, e)?;
        }
    }
    // Builds, found through the per-job index (every build of the jobset is in it).
    let mut build_ids = Vec::new();
    let job_keys: Vec<(String, u64)>;
    {
        let mut jb = tx.open_table(JOB_BUILDS)?;
        let mut keys: Vec<(String, u64)> = Vec::new();
        for r in jb.range((p, j, "", 0u64)..)? {
            let k = r?.0;
            let (kp, kj, job, id) = k.value();
            if (kp, kj) != (p, j) {
                break;
            }
            keys.push((job.to_string(), id));
        }
        for (job, id) in &keys {
            jb.remove((p, j, job.as_str(), *id))?;
        }
        build_ids.extend(keys.iter().map(|(_, id)| *id));
        job_keys = keys;
        {
            let mut t = tx.open_table(queue::JOB_LAST_SUCCESS)?;
            let mut jobs = Vec::new();
            for r in t.range((p, j, "")..)? {
                let k = r?.0;
                let (kp, kj, job) = k.value();
                if (kp, kj) != (p, j) {
                    break;
                }
                jobs.push(job.to_string());
            }
            for job in jobs {
                t.remove((p, j, job.as_str()))?;
            }
        }
    }
    // In key order, each table's pages are visited once (the job index lists them by name).
    build_ids.sort_unstable();
    let gone: std::collections::HashSet<u64> = build_ids.iter().copied().collect();
    let mut queued = Vec::new();
    {
        /// The one field the delete needs, without decoding the whole record.
        #[derive(Deserialize)]
        struct DrvOnly {
            drvpath: String,
            #[serde(default)]
            outputs: BTreeMap<String, String>,
        }
        let mut builds = tx.open_table(BUILDS)?;
        let mut drvs = Vec::with_capacity(build_ids.len());
        let mut outs = Vec::with_capacity(build_ids.len());
        for &id in &build_ids {
            if let Some(v) = builds.remove(id)? {
                let b: DrvOnly = decode(&format!("build {id}"), v.value())?;
                drvs.push((paths::key(&b.drvpath), id));
                outs.push((id, b.outputs.into_values().collect()));
            }
        }
        let mut jobs: Vec<String> = job_keys.iter().map(|(job, _)| job.clone()).collect();
        jobs.dedup();
        index::forget_jobset(tx, p, j, &eval_ids, &outs, &jobs)?;
        api::forget_builds(tx, &build_ids)?;
        drvs.sort_unstable();
        let mut by_drv = tx.open_table(DRV_INDEX)?;
        for &(drv, id) in &drvs {
            by_drv.remove((drv, id))?;
        }
        queued.extend(queued::Queued::open(tx)?.remove_many(build_ids.clone())?);
        // Small tables (steps exist only for built builds; pending and running are short).
        let mut steps = tx.open_table(BUILD_STEPS)?;
        if !steps.is_empty()? {
            for &id in &build_ids {
                steps.retain_in((id, 0u32)..=(id, u32::MAX), |_, _| false)?;
            }
        }
        tx.open_table(CACHE_PENDING)?
            .retain(|id, _| !gone.contains(&id))?;
        tx.open_table(queue::QUEUE_RUNNING)?
            .retain(|id, _| !gone.contains(&id))?;
        cache::forget_builds(tx, &gone)?;
    }
    queue::forget_jobset(tx, p, j)?;
    queue::push_events(tx, &queued)?;
    out.jobsets.push((p.to_string(), j.to_string()));
    out.evals.extend(eval_ids);
    out.builds.extend(build_ids);
    out.queued.extend(queued);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_are_stored_without_their_default_fields_and_read_back_whole() {
        let queued = Build {
            id: 7,
            project: "p".into(),
            jobset: "j".into(),
            job: "hello".into(),
            eval: 3,
            drvpath: "/nix/store/x-hello.drv".into(),
            system: "x86_64-linux".into(),
            nixname: "hello-1".into(),
            outputs: [("out".to_string(), "/nix/store/y-hello".to_string())].into(),
            priority: 100,
            timeout: 36000,
            maxsilent: 7200,
            timestamp: 1700000000,
            ..Default::default()
        };
        let text = String::from_utf8(encode(&queued)).unwrap();
        for absent in [
            "license",
            "busy",
            "finished",
            "buildstatus",
            "errormsg",
            "cached",
        ] {
            assert!(
                !text.contains(&format!("\"{absent}\"")),
                "{absent} in {text}"
            );
        }
        assert_eq!(decode::<Build>("b", text.as_bytes()).unwrap(), queued);
        let done = Build {
            finished: true,
            buildstatus: Some(0),
            starttime: Some(1),
            stoptime: Some(2),
            errormsg: Some(String::new()),
            cached: [("bucket".to_string(), "ok".to_string())].into(),
            iscachedbuild: true,
            cached_from: Some(1),
            globalpriority: 5,
            ..queued.clone()
        };
        assert_eq!(decode::<Build>("b", &encode(&done)).unwrap(), done);
        // A record written with every field, as before, reads the same.
        let mut full = serde_json::to_value(&queued).unwrap();
        let obj = full.as_object_mut().unwrap();
        for (k, v) in [
            ("license", serde_json::json!("")),
            ("finished", serde_json::json!(false)),
            ("buildstatus", serde_json::Value::Null),
            ("cached", serde_json::json!({})),
        ] {
            obj.insert(k.to_string(), v);
        }
        let old = serde_json::to_vec(&full).unwrap();
        assert_eq!(decode::<Build>("b", &old).unwrap(), queued);
    }

    /// An enabled, visible project.
    fn put_project(db: &Db, name: &str) {
        db.put_project(&Project {
            name: name.into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
    }

    fn tmpdb(tag: &str) -> (Db, std::path::PathBuf) {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-db-{tag}-{}", u64::from_le_bytes(b)));
        let db = Db::open(&dir.join("h.redb")).unwrap();
        (db, dir)
    }

    fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
        JobsetInput {
            name: name.into(),
            kind: kind.into(),
            value: value.into(),
            emailresponsible: false,
        }
    }

    #[test]
    fn names() {
        assert!(valid_name("a"));
        assert!(valid_name("_x-1"));
        assert!(!valid_name("1a"));
        assert!(!valid_name("-a"));
        assert!(!valid_name("a b"));
        assert!(!valid_name(""));
        assert!(!valid_name(".new"));
    }

    #[test]
    fn failing_input_replacement_keeps_old_inputs() {
        let (db, dir) = tmpdb("inputs");
        put_project(&db, "p");
        let js = Jobset::new("p", "j");
        db.put_jobset(
            &js,
            &[input("a", "string", "1"), input("b", "boolean", "true")],
        )
        .unwrap();
        let mut js2 = js.clone();
        js2.description = "changed".into();
        // The bad input comes after a good one: the delete and the first insert already happened.
        let err = db
            .put_jobset(&js2, &[input("c", "string", "x"), input("d", "svn", "y")])
            .unwrap_err();
        assert!(err.to_string().contains("svn"), "{err}");
        let names: Vec<_> = db
            .jobset_inputs("p", "j")
            .unwrap()
            .into_iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(names, vec!["a", "b"]);
        assert_eq!(db.jobset("p", "j").unwrap().unwrap().description, "");
        // A good replacement replaces everything.
        db.put_jobset(&js2, &[input("c", "string", "x")]).unwrap();
        let names: Vec<_> = db
            .jobset_inputs("p", "j")
            .unwrap()
            .into_iter()
            .map(|i| i.name)
            .collect();
        assert_eq!(names, vec!["c"]);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn record_eval_reuses_builds_and_disables_one_shot() {
        let (db, dir) = tmpdb("eval");
        put_project(&db, "p");
        let mut js = Jobset::new("p", "j");
        js.enabled = JOBSET_ONE_SHOT;
        db.put_jobset(&js, &[]).unwrap();
        let job = |n: &str, d: &str| NewJob {
            job: n.into(),
            drvpath: d.into(),
            priority: 100,
            ..Default::default()
        };
        let ev = Eval {
            project: "p".into(),
            jobset: "j".into(),
            inputs_hash: "h1".into(),
            ..Default::default()
        };
        let e1 = db
            .record_eval(
                ev.clone(),
                vec![job("a", "/nix/store/a.drv"), job("b", "/nix/store/b.drv")],
            )
            .unwrap();
        assert_eq!((e1.id, e1.nrbuilds, e1.hasnewbuilds), (1, 2, true));
        assert_eq!(
            db.jobset("p", "j").unwrap().unwrap().enabled,
            JOBSET_DISABLED
        );
        let e2 = db
            .record_eval(
                ev,
                vec![job("a", "/nix/store/a.drv"), job("b", "/nix/store/b2.drv")],
            )
            .unwrap();
        let members = db.eval_builds(e2.id).unwrap();
        assert_eq!(
            members
                .iter()
                .map(|(b, new)| (b.id, *new))
                .collect::<Vec<_>>(),
            vec![(1, false), (3, true)]
        );
        assert_eq!(db.queued_build_ids().unwrap(), vec![1, 2, 3]);
        let latest: Vec<_> = db
            .latest_builds("p", "j")
            .unwrap()
            .into_iter()
            .map(|b| (b.job, b.id))
            .collect();
        assert_eq!(latest, vec![("a".to_string(), 1), ("b".to_string(), 3)]);
        let (evals, total) = db.jobset_evals("p", "j", 0, 20).unwrap();
        assert_eq!((evals[0].id, total), (2, 2));
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn builds_belong_to_their_jobset_and_deletes_cascade() {
        let (db, dir) = tmpdb("perjobset");
        for p in ["p", "q"] {
            db.put_project(&Project {
                name: p.into(),
                enabled: true,
                visible: true,
                ..Default::default()
            })
            .unwrap();
            db.put_jobset(&Jobset::new(p, "j"), &[]).unwrap();
        }
        let job = |n: &str, drv: &str, out: &str| NewJob {
            job: n.into(),
            drvpath: drv.into(),
            outputs: [("out".to_string(), out.to_string())].into(),
            priority: 100,
            ..Default::default()
        };
        let ev = |p: &str| Eval {
            project: p.into(),
            jobset: "j".into(),
            ..Default::default()
        };
        let ids = |e: &Eval| -> Vec<(u64, bool)> {
            db.eval_builds(e.id)
                .unwrap()
                .iter()
                .map(|(b, n)| (b.id, *n))
                .collect()
        };
        let p1 = db
            .record_eval(ev("p"), vec![job("a", "/s/a.drv", "/s/a")])
            .unwrap();
        // The same derivation in another project is another build.
        let q1 = db
            .record_eval(ev("q"), vec![job("a", "/s/a.drv", "/s/a")])
            .unwrap();
        assert_eq!((ids(&p1), ids(&q1)), (vec![(1, true)], vec![(2, true)]));
        assert_eq!(db.build(2).unwrap().unwrap().project, "q");
        assert_eq!(db.builds_of_drv("/s/a.drv", 0).unwrap(), vec![2, 1]);
        // Same job, same outputs, other drv: repointed, not new.
        let p2 = db
            .record_eval(ev("p"), vec![job("a", "/s/a2.drv", "/s/a")])
            .unwrap();
        assert_eq!(ids(&p2), vec![(1, false)]);
        assert!(!p2.hasnewbuilds);
        assert_eq!(db.build(1).unwrap().unwrap().drvpath, "/s/a2.drv");
        assert_eq!(db.builds_of_drv("/s/a.drv", 0).unwrap(), vec![2]);
        // Other outputs, or another job name with the same outputs: new builds.
        let p3 = db
            .record_eval(
                ev("p"),
                vec![
                    job("a", "/s/a3.drv", "/s/a3"),
                    job("b", "/s/a2.drv", "/s/a"),
                ],
            )
            .unwrap();
        assert_eq!(ids(&p3), vec![(3, true), (4, true)]);
        // Only the previous eval counts: build 1 is not brought back.
        let p4 = db
            .record_eval(ev("p"), vec![job("a", "/s/a2.drv", "/s/a")])
            .unwrap();
        assert_eq!(ids(&p4), vec![(5, true)]);

        let d = db.delete_jobset("p", "j").unwrap().unwrap();
        assert_eq!(d.builds.len(), 4);
        assert_eq!(d.evals.len(), 4);
        for id in [1, 3, 4, 5] {
            assert!(db.build(id).unwrap().is_none(), "build {id}");
        }
        assert!(db.build(2).unwrap().is_some(), "q's build stays");
        assert!(db.eval(p1.id).unwrap().is_none());
        assert_eq!(db.queued_build_ids().unwrap(), vec![2]);
        assert!(db.latest_builds("p", "j").unwrap().is_empty());
        assert!(db.delete_jobset("p", "j").unwrap().is_none());
        // A re-created jobset starts empty; ids never come back.
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        assert_eq!(db.jobset_evals("p", "j", 0, 10).unwrap().1, 0);
        let p5 = db
            .record_eval(ev("p"), vec![job("a", "/s/a2.drv", "/s/a")])
            .unwrap();
        assert_eq!(ids(&p5), vec![(6, true)]);
        let d = db.delete_project("q").unwrap().unwrap();
        assert_eq!((d.builds.clone(), d.queued.clone()), (vec![2], vec![2]));
        assert!(db.jobset("q", "j").unwrap().is_none());
        assert!(db.delete_project("q").unwrap().is_none());
        // An evaluation that finishes after its jobset was deleted records nothing.
        let late = db.record_eval(ev("q"), vec![job("a", "/s/a.drv", "/s/a")]);
        assert!(matches!(late, Err(DbError::NotFound(_))), "{late:?}");
        assert!(db.queued_build_ids().unwrap().iter().all(|&id| id == 6));
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn schema_2_member_rows_become_runs_and_read_back_the_same() {
        let (db, dir) = tmpdb("v2runs");
        put_project(&db, "p");
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        let job = |n: &str, tag: &str| NewJob {
            job: n.into(),
            drvpath: format!("/nix/store/{n}-{tag}.drv"),
            outputs: [("out".to_string(), format!("/nix/store/{n}-{tag}"))].into(),
            priority: 100,
            ..Default::default()
        };
        let ev = || Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        // Eval 2 reuses a and c (ids 1, 3) and creates b and d anew (4, 5): three runs.
        let e1 = db
            .record_eval(ev(), vec![job("a", "1"), job("b", "1"), job("c", "1")])
            .unwrap();
        let e2 = db
            .record_eval(
                ev(),
                vec![job("a", "1"), job("b", "2"), job("c", "1"), job("d", "2")],
            )
            .unwrap();
        let read = |db: &Db| -> Vec<Vec<(u64, bool)>> {
            [e1.id, e2.id]
                .iter()
                .map(|&e| {
                    let v = db.eval_builds(e).unwrap();
                    v.iter().map(|(b, n)| (b.id, *n)).collect()
                })
                .collect()
        };
        let before = read(&db);
        assert_eq!(
            before,
            vec![
                vec![(1, true), (2, true), (3, true)],
                vec![(1, false), (3, false), (4, true), (5, true)]
            ]
        );
        let runs = |db: &Db| {
            db.inner
                .begin_read()
                .unwrap()
                .open_table(EVAL_MEMBERS)
                .unwrap()
                .len()
                .unwrap()
        };
        assert_eq!(runs(&db), 4);
        // Rewrite the file as schema 2 wrote it: a row per member, plus a row of an eval that
        // is gone (dropped by the migration).
        {
            let tx = db.inner.begin_write().unwrap();
            tx.delete_table(EVAL_MEMBERS).unwrap();
            {
                let mut old = tx.open_table(migrate::V2_EVAL_MEMBERS).unwrap();
                for (e, list) in [e1.id, e2.id].iter().zip(&before) {
                    for &(id, new) in list {
                        old.insert((*e, id), new).unwrap();
                    }
                }
                old.insert((99, 1), true).unwrap();
                tx.open_table(META)
                    .unwrap()
                    .insert("schema_version", 2)
                    .unwrap();
            }
            tx.commit().unwrap();
        }
        drop(db);
        // `db check` reads a schema 2 file without changing it.
        assert_eq!(Db::check(&dir.join("h.redb")).unwrap().schema, 2);
        let db = Db::open(&dir.join("h.redb")).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(read(&db), before);
        assert_eq!(runs(&db), 4);
        assert_eq!(
            db.build_evals(&db.build(3).unwrap().unwrap()).unwrap(),
            vec![e2.id, e1.id]
        );
        let tx = db.inner.begin_read().unwrap();
        assert!(matches!(
            tx.open_table(migrate::V2_EVAL_MEMBERS),
            Err(redb::TableError::TableDoesNotExist(_))
        ));
        drop(tx);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn schema_3_job_and_queue_rows_become_chunks_and_runs_and_read_back_the_same() {
        let (db, dir) = tmpdb("v3chunks");
        put_project(&db, "p");
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        let job = |n: String, tag: &str| NewJob {
            drvpath: format!("/nix/store/{n}-{tag}.drv"),
            outputs: [("out".to_string(), format!("/nix/store/{n}-{tag}"))].into(),
            job: n,
            ..Default::default()
        };
        let ev = || Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        // 150 jobs, then 100 of them again with 40 changed and 30 new ones: three chunks each.
        let e1 = db
            .record_eval(ev(), (0..150).map(|i| job(format!("j{i}"), "1")).collect())
            .unwrap();
        let e2 = db
            .record_eval(
                ev(),
                (50..180)
                    .map(|i| job(format!("j{i}"), if i < 90 { "2" } else { "1" }))
                    .collect(),
            )
            .unwrap();
        let lists = |db: &Db| -> Vec<Vec<(String, u64)>> {
            let tx = db.inner.begin_read().unwrap();
            let t = tx.open_table(evaljobs::EVAL_JOB_CHUNKS).unwrap();
            [e1.id, e2.id]
                .iter()
                .map(|&e| evaljobs::all(&t, e).unwrap())
                .collect()
        };
        let views = |db: &Db| {
            let d = db.eval_diff(e2.id, Some(e1.id)).unwrap();
            let grid = db.jobs_grid(&[e2.id, e1.id], "j120", false, 10).unwrap();
            (d.new.len(), d.removed.len(), d.unfinished.len(), grid)
        };
        // Two builds finish, so the queue has a hole.
        db.cancel_builds(&[3, 200]).unwrap();
        let queue = |db: &Db| (db.queued_build_ids().unwrap(), db.nr_queued().unwrap());
        let before = (lists(&db), views(&db), queue(&db));
        assert_eq!(before.2 .1, 150 + 70 - 2);
        assert_eq!(before.0[1].len(), 130);
        assert_eq!((before.1 .0, before.1 .1, before.1 .2), (29, 50, 100));
        // Rewrite the file as schema 3 wrote it: a row per job, plus a row of an eval that is
        // gone (dropped by the migration).
        {
            let tx = db.inner.begin_write().unwrap();
            tx.delete_table(evaljobs::EVAL_JOB_CHUNKS).unwrap();
            tx.delete_table(queued::QUEUE_RUNS).unwrap();
            tx.delete_table(queued::QUEUE_LEN).unwrap();
            {
                let mut old = tx.open_table(migrate::V3_EVAL_JOBS).unwrap();
                for (e, list) in [e1.id, e2.id].iter().zip(&before.0) {
                    for (job, id) in list {
                        old.insert((*e, job.as_str()), *id).unwrap();
                    }
                }
                old.insert((99, "j1"), 1).unwrap();
                let mut q = tx.open_table(migrate::V3_QUEUE).unwrap();
                for id in &before.2 .0 {
                    q.insert(*id, ()).unwrap();
                }
                tx.open_table(META)
                    .unwrap()
                    .insert("schema_version", 3)
                    .unwrap();
            }
            tx.commit().unwrap();
        }
        drop(db);
        assert_eq!(Db::check(&dir.join("h.redb")).unwrap().schema, 3);
        let db = Db::open(&dir.join("h.redb")).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!((lists(&db), views(&db), queue(&db)), before);
        let tx = db.inner.begin_read().unwrap();
        let chunks = tx.open_table(evaljobs::EVAL_JOB_CHUNKS).unwrap();
        assert_eq!(chunks.len().unwrap(), 6);
        assert_eq!(evaljobs::all(&chunks, 99).unwrap(), vec![]);
        assert!(matches!(
            tx.open_table(migrate::V3_EVAL_JOBS),
            Err(redb::TableError::TableDoesNotExist(_))
        ));
        assert!(matches!(
            tx.open_table(migrate::V3_QUEUE),
            Err(redb::TableError::TableDoesNotExist(_))
        ));
        // 218 queued builds with one hole at 3 and one at 200: three runs.
        assert_eq!(tx.open_table(queued::QUEUE_RUNS).unwrap().len().unwrap(), 3);
        drop(chunks);
        drop(tx);
        drop(db);
        let r = Db::check(&dir.join("h.redb")).unwrap();
        assert_eq!(r.schema, SCHEMA_VERSION);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_eval_ends_only_the_triggers_before_it_and_a_save_keeps_them() {
        let (db, dir) = tmpdb("triggers");
        put_project(&db, "p");
        let form = Jobset::new("p", "j");
        db.put_jobset(&form, &[]).unwrap();
        let trigger = |force: bool| {
            crate::eval::scheduler::trigger(&db, "p", "j", force).unwrap();
            db.jobset("p", "j").unwrap().unwrap()
        };
        let end = |seen: u64| db.update_jobset("p", "j", |j| j.end_trigger(seen)).unwrap();
        // A forced eval, and a plain push while it runs: the push stays, not forced.
        let seen = trigger(true).trigger_seq;
        trigger(false);
        let js = end(seen);
        assert!(js.triggertime.is_some() && !js.force_eval);
        // Its own eval ends it.
        let js = end(js.trigger_seq);
        assert!(js.triggertime.is_none() && !js.force_eval);
        // A plain eval, and a forced trigger while it runs: that one stays forced.
        let seen = trigger(false).trigger_seq;
        trigger(true);
        let js = end(seen);
        assert!(js.triggertime.is_some() && js.force_eval);
        // A save from a form read before the trigger keeps it (and the rest of the
        // evaluator's bookkeeping), but takes the new configuration.
        let mut edited = form.clone();
        edited.description = "edited".into();
        db.put_jobset(&edited, &[]).unwrap();
        let js = db.jobset("p", "j").unwrap().unwrap();
        assert_eq!(js.description, "edited");
        assert!(js.triggertime.is_some() && js.force_eval);
        assert_eq!(js.trigger_seq, 4);
        let js = end(js.trigger_seq);
        assert!(js.triggertime.is_none() && !js.force_eval);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn reuse_through_fingerprints_decides_as_reading_every_previous_build() {
        // Two files get the same evals; the second loses its fingerprint row before each one,
        // so it reads every member of the previous eval (the way before schema 5).
        let (a, dir_a) = tmpdb("reuse-a");
        let (b, dir_b) = tmpdb("reuse-b");
        for db in [&a, &b] {
            put_project(db, "p");
            db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let ev = || Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        for round in 0..40 {
            // Names and outputs from small pools, so jobs come and go, keep or change their
            // outputs, swap outputs with another job, or have none (then the drv decides).
            let n = testutil::rng(&mut seed) % 30;
            let mut jobs: BTreeMap<String, NewJob> = BTreeMap::new();
            for _ in 0..n {
                let k = testutil::rng(&mut seed) % 25;
                let name = format!("j{k}");
                let out = |p: String| BTreeMap::from([("out".to_string(), p)]);
                let (outputs, drv) = match testutil::rng(&mut seed) % 8 {
                    0 => (BTreeMap::new(), testutil::rng(&mut seed) % 2),
                    1 => (out(format!("/nix/store/o{}", (k + 1) % 25)), 0),
                    2 => (out(format!("/nix/store/o{k}-{round}")), 0),
                    3 => {
                        let mut o = out(format!("/nix/store/o{k}"));
                        o.insert("dev".into(), format!("/nix/store/o{k}-dev"));
                        (o, 0)
                    }
                    _ => (
                        out(format!("/nix/store/o{k}")),
                        testutil::rng(&mut seed) % 2,
                    ),
                };
                jobs.insert(
                    name.clone(),
                    NewJob {
                        job: name,
                        drvpath: format!("/nix/store/d{k}-{drv}.drv"),
                        outputs,
                        ..Default::default()
                    },
                );
            }
            let jobs: Vec<NewJob> = jobs.into_values().collect();
            if round > 0 {
                // `a` takes the fingerprint path (its row is for its latest eval).
                let tx = a.inner.begin_read().unwrap();
                let t = tx.open_table(reuse::REUSE_PRINTS).unwrap();
                assert!(reuse::read(&t, "p", "j", round).unwrap().is_some());
            }
            {
                let tx = b.inner.begin_write().unwrap();
                tx.open_table(reuse::REUSE_PRINTS)
                    .unwrap()
                    .remove(("p", "j"))
                    .unwrap();
                tx.commit().unwrap();
            }
            let ea = a.record_eval(ev(), jobs.clone()).unwrap();
            let eb = b.record_eval(ev(), jobs).unwrap();
            let members = |db: &Db, e: u64| -> Vec<(u64, bool, String)> {
                db.eval_builds(e)
                    .unwrap()
                    .into_iter()
                    .map(|(b, new)| (b.id, new, b.drvpath))
                    .collect()
            };
            assert_eq!(members(&a, ea.id), members(&b, eb.id), "round {round}");
            assert_eq!(ea.hasnewbuilds, eb.hasnewbuilds, "round {round}");
        }
        // Reuse happened, and so did new builds.
        let (mut reused, mut new) = (0, 0);
        for e in 1..=40 {
            for (_, is_new) in a.eval_builds(e).unwrap() {
                if is_new {
                    new += 1
                } else {
                    reused += 1
                }
            }
        }
        assert!(reused > 40 && new > 40, "{reused} reused, {new} new");
        drop((a, b));
        for d in [dir_a, dir_b] {
            assert!(Db::check(&d.join("h.redb")).is_ok());
            let _ = std::fs::remove_dir_all(d);
        }
    }

    #[test]
    fn schema_4_latest_rows_go_and_the_latest_build_is_the_last_of_the_job_list() {
        let (db, dir) = tmpdb("v4latest");
        put_project(&db, "p");
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        let job = |n: &str, tag: &str| NewJob {
            job: n.into(),
            drvpath: format!("/nix/store/{n}-{tag}.drv"),
            outputs: [("out".to_string(), format!("/nix/store/{n}-{tag}"))].into(),
            ..Default::default()
        };
        let ev = || Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        db.record_eval(ev(), vec![job("a", "1"), job("b", "1"), job("c", "1")])
            .unwrap();
        let e2 = db
            .record_eval(ev(), vec![job("a", "1"), job("b", "2"), job("d", "1")])
            .unwrap();
        let latest = |db: &Db| -> Vec<(String, u64)> {
            db.latest_builds("p", "j")
                .unwrap()
                .into_iter()
                .map(|b| (b.job, b.id))
                .collect()
        };
        // c is gone from the last eval but keeps its latest build, as before.
        let want: Vec<(String, u64)> = [("a", 1), ("b", 4), ("c", 3), ("d", 5)]
            .iter()
            .map(|(j, i)| (j.to_string(), *i))
            .collect();
        assert_eq!(latest(&db), want);
        // Rewrite the file as schema 4 wrote it: a latest row per job (wrong ones, which the
        // migration must not read), no fingerprints.
        {
            let tx = db.inner.begin_write().unwrap();
            tx.delete_table(reuse::REUSE_PRINTS).unwrap();
            {
                let mut t = tx.open_table(migrate::V4_JOB_LATEST).unwrap();
                for (j, id) in &want {
                    t.insert(("p", "j", j.as_str()), *id + 100).unwrap();
                }
                t.insert(("p", "j", "zz"), 1).unwrap();
                tx.open_table(META)
                    .unwrap()
                    .insert("schema_version", 4)
                    .unwrap();
            }
            tx.commit().unwrap();
        }
        drop(db);
        let r = Db::check(&dir.join("h.redb")).unwrap();
        assert_eq!(r.schema, 4);
        let db = Db::open(&dir.join("h.redb")).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(latest(&db), want);
        {
            let tx = db.inner.begin_read().unwrap();
            assert!(matches!(
                tx.open_table(migrate::V4_JOB_LATEST),
                Err(redb::TableError::TableDoesNotExist(_))
            ));
        }
        // The next eval reuses without fingerprints (none were kept), the one after with them.
        let e3 = db
            .record_eval(ev(), vec![job("a", "1"), job("b", "2"), job("d", "1")])
            .unwrap();
        assert!(!e3.hasnewbuilds);
        let ids = |e: u64| -> Vec<u64> {
            db.eval_builds(e)
                .unwrap()
                .into_iter()
                .map(|(b, _)| b.id)
                .collect()
        };
        assert_eq!(ids(e3.id), ids(e2.id));
        let e4 = db
            .record_eval(ev(), vec![job("a", "1"), job("b", "3"), job("d", "1")])
            .unwrap();
        assert_eq!(ids(e4.id), vec![1, 5, 6]);
        assert_eq!(
            latest(&db),
            [("a", 1), ("b", 6), ("c", 3), ("d", 5)]
                .iter()
                .map(|(j, i)| (j.to_string(), *i))
                .collect::<Vec<_>>()
        );
        // The job filter of the build lists goes by the same index.
        assert!(db.job_has_newer("p", "j", "b", 4).unwrap());
        drop(db);
        assert_eq!(
            Db::check(&dir.join("h.redb")).unwrap().schema,
            SCHEMA_VERSION
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn schema_5_path_rows_are_rekeyed_and_every_path_lookup_answers_as_before() {
        let (db, dir) = tmpdb("v5paths");
        put_project(&db, "p");
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        // Store paths (keyed by hash part) and others (keyed by digest), two outputs sharing a
        // hash part with a path elsewhere, and a drv shared by two builds.
        let h = |c: char| c.to_string().repeat(32);
        let job = |n: &str, drv: String, outs: &[(&str, String)]| NewJob {
            job: n.into(),
            drvpath: drv,
            outputs: outs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            ..Default::default()
        };
        let jobs = vec![
            job(
                "a",
                format!("/nix/store/{}-a.drv", h('a')),
                &[("out", format!("/nix/store/{}-a", h('b')))],
            ),
            job(
                "b",
                format!("/nix/store/{}-a.drv", h('a')),
                &[
                    ("out", format!("/nix/store/{}-b", h('c'))),
                    ("dev", format!("/nix/store/{}-b-dev", h('d'))),
                ],
            ),
            job(
                "c",
                format!("/elsewhere/{}-a.drv", h('a')),
                &[("out", format!("/elsewhere/{}-b", h('c')))],
            ),
            job("d", "/s/d.drv".into(), &[("out", "/s/d".into())]),
        ];
        db.record_eval(
            Eval {
                project: "p".into(),
                jobset: "j".into(),
                ..Default::default()
            },
            jobs,
        )
        .unwrap();
        let answers = |db: &Db| {
            let ids = |v: Vec<Build>| v.into_iter().map(|b| b.id).collect::<Vec<_>>();
            let q = |q: &str| {
                let s = db.search(q, "/nix/store", 10).unwrap();
                (ids(s.by_drv), ids(s.by_out))
            };
            (
                db.builds_of_drv(&format!("/nix/store/{}-a.drv", h('a')), 0)
                    .unwrap(),
                db.builds_of_drv("/s/d.drv", 0).unwrap(),
                db.builds_of_drv(&format!("/elsewhere/{}-a.drv", h('a')), 0)
                    .unwrap(),
                ids(db
                    .builds_with_outputs(&[format!("/nix/store/{}-b", h('c'))], 0, 10)
                    .unwrap()),
                ids(db.builds_with_outputs(&["/s/d".into()], 0, 10).unwrap()),
                [
                    q("aaa"),
                    q(&h('c')),
                    q("/nix/store/d"),
                    q("/nix"),
                    q("/s/d"),
                    q("/s/d.drv"),
                    q("/s/"),
                    q("e"),
                ],
            )
        };
        let want = answers(&db);
        assert_eq!(
            (&want.0, &want.1, &want.2),
            (&vec![2, 1], &vec![4], &vec![3])
        );
        assert_eq!((&want.3, &want.4), (&vec![2], &vec![4]));
        let none = (vec![], vec![]);
        assert_eq!(
            want.5,
            [
                (vec![1, 2], vec![]),
                (vec![], vec![2]),
                (vec![], vec![2]),
                (vec![1, 2], vec![1, 2]),
                (vec![], vec![4]),
                (vec![4], vec![]),
                none.clone(),
                none
            ]
        );
        // Rewrite the path rows as schema 5 kept them, by path string.
        {
            let tx = db.inner.begin_write().unwrap();
            for (drvs, new, old) in [
                (true, paths::DRV_INDEX, migrate::V5_DRV_BUILDS),
                (false, paths::OUT_INDEX, migrate::V5_OUT_BUILDS),
            ] {
                tx.delete_table(new).unwrap();
                let mut t = tx.open_table(old).unwrap();
                for b in tx.open_table(BUILDS).unwrap().iter().unwrap() {
                    let b: Build = decode("b", b.unwrap().1.value()).unwrap();
                    if drvs {
                        t.insert((b.drvpath.as_str(), b.id), ()).unwrap();
                    } else {
                        for o in b.outputs.values() {
                            t.insert((o.as_str(), b.id), ()).unwrap();
                        }
                    }
                }
            }
            tx.open_table(META)
                .unwrap()
                .insert("schema_version", 5)
                .unwrap();
            tx.commit().unwrap();
        }
        drop(db);
        assert_eq!(Db::check(&dir.join("h.redb")).unwrap().schema, 5);
        let db = Db::open(&dir.join("h.redb")).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(answers(&db), want);
        {
            let tx = db.inner.begin_read().unwrap();
            for old in [migrate::V5_DRV_BUILDS, migrate::V5_OUT_BUILDS] {
                assert!(matches!(
                    tx.open_table(old),
                    Err(redb::TableError::TableDoesNotExist(_))
                ));
            }
        }
        // The delete finds its rows under the new keys.
        db.delete_jobset("p", "j").unwrap().unwrap();
        {
            let tx = db.inner.begin_read().unwrap();
            assert!(tx.open_table(paths::DRV_INDEX).unwrap().is_empty().unwrap());
            assert!(tx.open_table(paths::OUT_INDEX).unwrap().is_empty().unwrap());
        }
        drop(db);
        assert_eq!(
            Db::check(&dir.join("h.redb")).unwrap().schema,
            SCHEMA_VERSION
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_capped_comparison_keeps_the_first_entries_of_each_list_and_counts_them_all() {
        let (db, dir) = tmpdb("capped");
        put_project(&db, "p");
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        let job = |i: u64, tag: &str| NewJob {
            job: format!("j{}", (i * 7919) % 1000),
            drvpath: format!("/nix/store/{i}-{tag}.drv"),
            outputs: [("out".to_string(), format!("/nix/store/{i}-{tag}"))].into(),
            ..Default::default()
        };
        let ev = || Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        let e1 = db
            .record_eval(ev(), (0..300).map(|i| job(i, "1")).collect())
            .unwrap();
        let e2 = db
            .record_eval(
                ev(),
                (100..400)
                    .map(|i| job(i, if i % 3 == 0 { "2" } else { "1" }))
                    .collect(),
            )
            .unwrap();
        // Some finished, some cancelled, so several lists fill.
        let ids: Vec<u64> = (1..=e2.nrbuilds + 300).step_by(5).collect();
        db.cancel_builds(&ids).unwrap();
        let full = db.eval_diff(e2.id, Some(e1.id)).unwrap();
        let capped = db.eval_diff_capped(e2.id, Some(e1.id), 7).unwrap();
        use views::DiffKind::{Aborted, New, Removed, Unfinished};
        let mut sum = 0;
        for k in views::DiffKind::ALL {
            let (f, c) = (full.list(k), capped.list(k));
            assert_eq!(c, &f[..f.len().min(7)], "{k:?}");
            assert_eq!(
                (full.total(k), capped.total(k)),
                (f.len(), f.len()),
                "{k:?}"
            );
            sum += f.len();
        }
        // Every job of either eval is in exactly one list.
        assert_eq!(sum, 400);
        assert!(full.total(Removed) == 100 && full.total(New) > 0);
        assert!(full.total(Aborted) > 0 && full.total(Unfinished) > 0);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn newer_schema_is_refused_and_second_open_is_locked() {
        let (db, dir) = tmpdb("schema");
        let path = dir.join("h.redb");
        assert!(matches!(Db::open(&path), Err(DbError::Locked(_))));
        {
            let tx = db.inner.begin_write().unwrap();
            tx.open_table(META)
                .unwrap()
                .insert("schema_version", SCHEMA_VERSION + 1)
                .unwrap();
            tx.commit().unwrap();
        }
        drop(db);
        let e = Db::open(&path).err().unwrap();
        assert!(matches!(e, DbError::TooNew { .. }), "{e}");
        assert!(e.to_string().contains("upgrade hydrant"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
