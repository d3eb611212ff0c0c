//! The queue runner: one scheduling thread decides which queued build runs next (`policy`, pure),
//! on which machine slot (`machines`), runs it as `nix-store --realise` (`runner`), keeps its log
//! (`log`) and records the outcome (`store`). The web layer calls the plain functions below;
//! each action changes the database in one transaction and wakes the runner.

pub mod log;
pub mod machines;
pub mod policy;
pub mod runner;
pub use crate::db::queue as store;

pub use runner::spawn;

use crate::app::App;
use crate::db::{Build, DbError};
use crate::nix::cli::NixCli;
use crate::sh;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug)]
pub enum QueueError {
    Db(DbError),
    Log(log::LogError),
    Machines(machines::MachinesError),
    NotFound(String),
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueError::Db(e) => write!(f, "{e}"),
            QueueError::Log(e) => write!(f, "{e}"),
            QueueError::Machines(e) => write!(f, "{e}"),
            QueueError::NotFound(m) => write!(f, "{m} not found"),
        }
    }
}

impl std::error::Error for QueueError {}

impl From<DbError> for QueueError {
    fn from(e: DbError) -> Self {
        QueueError::Db(e)
    }
}
impl From<log::LogError> for QueueError {
    fn from(e: log::LogError) -> Self {
        QueueError::Log(e)
    }
}
impl From<machines::MachinesError> for QueueError {
    fn from(e: machines::MachinesError) -> Self {
        QueueError::Machines(e)
    }
}

pub type Result<T> = std::result::Result<T, QueueError>;

fn acted(app: &App, n: usize) -> Result<usize> {
    if n > 0 {
        app.queue_wake.notify();
    }
    Ok(n)
}

/// Cancels a queued or running build (status 4; a running one is killed). False if finished.
pub fn cancel_build(app: &App, id: u64) -> Result<bool> {
    Ok(acted(app, app.db.cancel_builds(&[id])?)? > 0)
}

/// Queues a finished build again. False if it was not finished. The finished attempt's log
/// is kept as an earlier attempt; the new run starts a new log.
pub fn restart_build(app: &App, id: u64) -> Result<bool> {
    keep_attempts(app, &[id], false)?;
    Ok(acted(app, app.db.restart_builds(&[id])?)? > 0)
}

/// Moves the logs of the builds a restart will queue again aside (`log::archive_attempt`).
fn keep_attempts(app: &App, ids: &[u64], failed_only: bool) -> Result<()> {
    let logs = app.config.logs_dir();
    for &id in ids {
        let Some(b) = app.db.build(id)? else { continue };
        if !b.finished || (failed_only && b.buildstatus == Some(crate::db::status::SUCCEEDED)) {
            continue;
        }
        let outcome = log::Attempt {
            status: b.buildstatus,
            starttime: b.starttime,
            stoptime: b.stoptime,
            ..Default::default()
        };
        log::archive_attempt(&logs, id, &outcome)?;
    }
    Ok(())
}

/// Moves a queued build to the front (globalpriority = now). False if it is finished.
pub fn bump_build(app: &App, id: u64) -> Result<bool> {
    Ok(acted(app, app.db.bump_builds(&[id])?)? > 0)
}

/// Cancels the unfinished builds among `ids` (an eval's, already permission-checked).
pub fn cancel_builds(app: &App, ids: &[u64]) -> Result<usize> {
    acted(app, app.db.cancel_builds(ids)?)
}

/// Restarts the finished, unsuccessful builds among `ids`.
pub fn restart_failed_builds(app: &App, ids: &[u64]) -> Result<usize> {
    keep_attempts(app, ids, true)?;
    acted(app, app.db.restart_failed_builds(ids)?)
}

/// Bumps the unfinished builds among `ids`.
pub fn bump_builds(app: &App, ids: &[u64]) -> Result<usize> {
    acted(app, app.db.bump_builds(ids)?)
}

/// Cancels every queued build, running ones included; returns how many.
pub fn cancel_all_queued(app: &App) -> Result<usize> {
    let ids = app.db.queued_build_ids()?;
    acted(app, app.db.cancel_builds(&ids)?)
}

/// Deletes a jobset and everything of it (`Db::delete_jobset`, one transaction), then its files:
/// build logs and GC roots. The runner stops its running builds. False if there was none.
pub fn delete_jobset(app: &App, project: &str, jobset: &str) -> Result<bool> {
    let Some(d) = app.db.delete_jobset(project, jobset)? else {
        return Ok(false);
    };
    removed(app, &d);
    Ok(true)
}

/// Deletes a project with all its jobsets, as `delete_jobset` does. False if there was none.
pub fn delete_project(app: &App, project: &str) -> Result<bool> {
    let Some(d) = app.db.delete_project(project)? else {
        return Ok(false);
    };
    removed(app, &d);
    let _ = std::fs::remove_dir_all(app.config.gcroots_dir().join(project));
    Ok(true)
}

/// Removes what deleted jobsets and builds left on disk (logs, GC roots), after their commit.
pub(crate) fn removed(app: &App, d: &crate::db::Deleted) {
    let logs = app.config.logs_dir();
    for &id in &d.builds {
        log::remove_all(&logs, id);
    }
    for (p, j) in &d.jobsets {
        let _ = std::fs::remove_dir_all(runner::jobset_roots(&app.config.gcroots_dir(), p, j));
    }
    app.queue_wake.notify();
}

/// Tells the runner that jobset settings changed (scheduling shares apply at the next pick).
pub fn jobsets_changed(app: &App) -> Result<()> {
    app.db.queue_jobsets_changed()?;
    app.queue_wake.notify();
    Ok(())
}

/// A running build for the queue page.
#[derive(Debug, Clone)]
pub struct RunningBuild {
    pub build: Build,
    pub starttime: i64,
    pub machine: String,
}

/// A queued build for the queue page; `unsupported` when no machine supports its system.
#[derive(Debug, Clone)]
pub struct WaitingBuild {
    pub build: Build,
    pub unsupported: bool,
}

#[derive(Debug, Clone)]
pub struct MachineStatus {
    pub uri: String,
    pub systems: Vec<String>,
    pub max_jobs: usize,
    /// Takes builds now (not disabled by an admin or backed off after failures).
    pub enabled: bool,
    pub slots_used: usize,
    /// system → running builds on this machine
    pub running_per_system: BTreeMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct QueueSnapshot {
    pub running: Vec<RunningBuild>,
    /// Waiting (not running) builds in id order, at most the limit asked for.
    pub waiting: Vec<WaitingBuild>,
    /// All queued builds, running ones included (Hydra's /api/nrqueue).
    pub nrqueued: u64,
    pub machines: Vec<MachineStatus>,
}

/// The queue page's data: two short read transactions, O(limit + running), whatever the queue size.
pub fn snapshot(app: &App, limit: usize) -> Result<QueueSnapshot> {
    let farm = farm_state(app);
    let ms: Vec<machines::Machine> = farm.machines.iter().map(|m| m.machine.clone()).collect();
    let machine_of = |id: u64| {
        farm.machines
            .iter()
            .find(|m| m.current.contains(&id))
            .map(|m| m.machine.uri.clone())
            .unwrap_or_else(|| "localhost".into())
    };
    let running: Vec<RunningBuild> = app
        .db
        .queue_running()?
        .into_iter()
        .map(|(build, starttime)| RunningBuild {
            machine: machine_of(build.id),
            build,
            starttime,
        })
        .collect();
    let (waiting, nrqueued) = app.db.queue_waiting(limit)?;
    let waiting = waiting
        .into_iter()
        .map(|build| WaitingBuild {
            unsupported: !machines::supported(&ms, &build.system),
            build,
        })
        .collect();
    let now = crate::db::now();
    let machines = farm
        .machines
        .iter()
        .map(|m| {
            // The database's running builds, each on the machine the runner put it on
            // (localhost when no runner says otherwise).
            let mut per = BTreeMap::new();
            let mut used = 0;
            for r in running.iter().filter(|r| r.machine == m.machine.uri) {
                *per.entry(r.build.system.clone()).or_insert(0) += 1;
                used += 1;
            }
            MachineStatus {
                uri: m.machine.uri.clone(),
                systems: m.machine.systems.clone(),
                max_jobs: m.machine.max_jobs,
                enabled: m.usable(now),
                slots_used: used,
                running_per_system: per,
            }
        })
        .collect();
    Ok(QueueSnapshot {
        running,
        waiting,
        nrqueued,
        machines,
    })
}

/// The machines' live state; before the runner loaded them (or without a runner), as the
/// config and machines file say.
pub fn farm_state(app: &App) -> machines::FarmState {
    let s = app.farm.snapshot();
    if s.loaded {
        return s;
    }
    let (ms, errors) = machines::load(&app.config);
    let mut f = machines::FarmState::default();
    f.reload(ms, errors);
    let off = app.db.machines_disabled().unwrap_or_default();
    for m in f.machines.iter_mut() {
        m.admin_disabled = off.contains(&m.machine.uri);
    }
    f
}

/// An admin disables or enables a machine (kept in the database; running builds go on).
pub fn set_machine_disabled(app: &App, uri: &str, disabled: bool) -> Result<bool> {
    let known = farm_state(app).find(uri).is_some();
    if !known {
        return Ok(false);
    }
    app.db.set_machine_disabled(uri, disabled)?;
    {
        let mut farm = app.farm.lock();
        if let Some(i) = farm.find(uri) {
            farm.machines[i].admin_disabled = disabled;
            if !disabled {
                // Enabling also ends a back-off: the admin says it works again.
                farm.machines[i].disabled_until = 0;
            }
        }
    }
    app.queue_wake.notify();
    Ok(true)
}

/// The log of one build step, or None.
pub fn step_log_read(app: &App, build: u64, nr: u32) -> Result<Option<Vec<u8>>> {
    Ok(log::read_step(&app.config.logs_dir(), build, nr)?)
}

/// The newest successful build of a job (for `/job/P/J/JOB/latest`).
pub fn latest_successful(
    app: &App,
    project: &str,
    jobset: &str,
    job: &str,
) -> Result<Option<Build>> {
    Ok(app.db.last_successful_build(project, jobset, job)?)
}

/// A build's earlier attempts (restarted runs), oldest first.
pub fn log_attempts(app: &App, id: u64) -> Vec<log::Attempt> {
    log::attempts(&app.config.logs_dir(), id)
}

/// The log of earlier attempt `n` of a build, or None.
pub fn log_read_attempt(app: &App, id: u64, n: u32) -> Result<Option<Vec<u8>>> {
    Ok(log::read_attempt(&app.config.logs_dir(), id, n)?)
}

/// The last `max_bytes` of earlier attempt `n`'s log, or None.
pub fn log_tail_attempt(app: &App, id: u64, n: u32, max_bytes: usize) -> Result<Option<String>> {
    Ok(log::tail_attempt(&app.config.logs_dir(), id, n, max_bytes)?)
}

/// The whole log of a build (live or compressed), or None.
pub fn log_read(app: &App, id: u64) -> Result<Option<Vec<u8>>> {
    Ok(log::read(&app.config.logs_dir(), id)?)
}

/// The last `max_bytes` of a build's log (the live tail while it runs), or None.
pub fn log_tail(app: &App, id: u64, max_bytes: usize) -> Result<Option<String>> {
    Ok(log::tail(&app.config.logs_dir(), id, max_bytes)?)
}

/// A shell script that rebuilds the build locally (`/build/N/reproduce`). Every value is
/// checked (the derivation must be a store path of `nix`'s store, the job name a job name)
/// and single-quoted, so a hostile job name or path from evaluation cannot run a command.
pub fn reproduce_script(b: &Build, nix: &NixCli) -> std::result::Result<String, String> {
    let drv = nix
        .parse_path(&b.drvpath)
        .map_err(|e| format!("build {}: {e}", b.id))?;
    if !drv.is_derivation() {
        return Err(format!(
            "build {}: {} is not a derivation (.drv)",
            b.id, b.drvpath
        ));
    }
    if !crate::eval::valid_job_name(&b.job) {
        return Err(format!("build {}: invalid job name {:?}", b.id, b.job));
    }
    for (what, v) in [
        ("project", &b.project),
        ("jobset", &b.jobset),
        ("system", &b.system),
    ] {
        if sh::has_nul(v) {
            return Err(format!("build {}: the {what} contains a NUL byte", b.id));
        }
    }
    let q = sh::quote;
    let mut s = String::new();
    s.push_str("#!/bin/sh\n");
    s.push_str("# Reproduce a hydrant build locally. The values below are quoted for sh.\n");
    s.push_str("set -eu\n\n");
    s.push_str(&format!("build={}\n", b.id));
    s.push_str(&format!("project={}\n", q(&b.project)));
    s.push_str(&format!("jobset={}\n", q(&b.jobset)));
    s.push_str(&format!("job={}\n", q(&b.job)));
    s.push_str(&format!("system={}\n", q(&b.system)));
    s.push_str(&format!("drv={}\n\n", q(&drv.to_string())));
    s.push_str(
        "# The derivation and its closure (build inputs) must be in the local store. If it is\n",
    );
    s.push_str("# missing, copy the closure from the CI machine first, e.g.:\n");
    s.push_str("#   nix-copy-closure --from CI_HOST \"$drv\"\n");
    s.push_str("#   (on the CI machine, `nix-store -qR \"$drv\"` lists that closure)\n");
    s.push_str("if ! nix-store -q --hash -- \"$drv\" >/dev/null 2>&1; then\n");
    s.push_str(
        "  printf '%s is not in the local Nix store: copy its closure first (see above)\\n' \"$drv\" >&2\n",
    );
    s.push_str("  exit 1\n");
    s.push_str("fi\n\n");
    if b.timeout > 0 || b.maxsilent > 0 {
        s.push_str(&format!(
            "# The CI used timeout={} s and max-silent-time={} s.\n",
            b.timeout, b.maxsilent
        ));
    }
    s.push_str(
        "printf 'Building %s (%s:%s:%s, %s)\\n' \"$build\" \"$project\" \"$jobset\" \"$job\" \"$system\" >&2\n",
    );
    s.push_str("exec nix-store --realise \"$@\" -- \"$drv\"\n");
    Ok(s)
}
