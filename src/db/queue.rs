//! The queue runner's database access: starting and finishing builds, the actions on builds and
//! evals, shares accounting and the change events the runner follows. Every change to a build and
//! its indexes happens in one write transaction; none is held across a process or network wait.

use super::queued::{self, Queued, QUEUE_RUNS};
use super::{
    decode, encode, members, now, status, Build, Db, DbError, Result, BUILDS, CACHE_PENDING,
    EVAL_MEMBERS, JOBSETS, JOBSET_EVALS,
};
use redb::{Durability, ReadableTable, ReadableTableMetadata, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

/// Running builds: id → start time. Small (bounded by slots); the queue page reads it.
pub const QUEUE_RUNNING: TableDefinition<u64, i64> = TableDefinition::new("queue_running");
/// Changes the runner must follow: seq → build id (0: jobset settings changed).
pub const QUEUE_EVENTS: TableDefinition<u64, u64> = TableDefinition::new("queue_events");
/// Shares accounting: (stop time, build id) → Charge. Rows older than the window are pruned.
pub const QUEUE_CHARGES: TableDefinition<(u64, u64), &[u8]> = TableDefinition::new("queue_charges");
/// (project, jobset, job) → newest successful build id.
pub const JOB_LAST_SUCCESS: TableDefinition<(&str, &str, &str), u64> =
    TableDefinition::new("job_last_success");

/// Build seconds charged to a jobset.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Charge {
    pub project: String,
    pub jobset: String,
    pub seconds: f64,
}

/// The outcome of a run, as the runner records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    pub id: u64,
    pub status: i32,
    pub starttime: i64,
    pub stoptime: i64,
    pub errormsg: Option<String>,
    /// output name → store path, when known.
    pub outputs: std::collections::BTreeMap<String, String>,
    /// Seconds charged to the jobset (elapsed time of the run).
    pub charge: f64,
    /// Some when the build was not run: its outputs were valid already (Hydra's cached build),
    /// with the build of the same derivation that made them, when known.
    pub cached_from: Option<Option<u64>>,
}

/// What `record_finish` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The build is finished with this status.
    Finished,
    /// The build had been finished meanwhile (cancelled): only the charge was recorded.
    AlreadyFinished,
    /// No such build.
    Missing,
}

pub(super) fn get_build(
    t: &impl ReadableTable<u64, &'static [u8]>,
    id: u64,
) -> Result<Option<Build>> {
    match t.get(id)? {
        Some(v) => Ok(Some(decode(&format!("build {id}"), v.value())?)),
        None => Ok(None),
    }
}

/// One event per build, with one open of each table (a cascading delete queues many).
pub(super) fn push_events(tx: &WriteTransaction, ids: &[u64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut meta = tx.open_table(super::META)?;
    let mut seq = meta
        .get("next_queue_event")?
        .map(|v| v.value())
        .unwrap_or(0);
    let mut ev = tx.open_table(QUEUE_EVENTS)?;
    for &id in ids {
        seq += 1;
        ev.insert(seq, id)?;
    }
    meta.insert("next_queue_event", seq)?;
    Ok(())
}

pub(super) fn push_event(tx: &WriteTransaction, id: u64) -> Result<()> {
    push_events(tx, &[id])
}

/// Creates the runner's tables (called by `Db::open`).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(QUEUE_RUNNING)?;
    tx.open_table(QUEUE_EVENTS)?;
    tx.open_table(QUEUE_CHARGES)?;
    tx.open_table(JOB_LAST_SUCCESS)?;
    Ok(())
}

/// A deleted jobset's shares charges go with it (a re-created one starts uncharged). The
/// charges table holds only the last 24 h, so the scan is small.
pub(super) fn forget_jobset(tx: &WriteTransaction, p: &str, j: &str) -> Result<()> {
    tx.open_table(QUEUE_CHARGES)?.retain(|_, v| {
        serde_json::from_slice::<Charge>(v)
            .map(|c| !(c.project == p && c.jobset == j))
            .unwrap_or(true)
    })?;
    Ok(())
}

impl Db {
    /// Start of the runner: builds left running by a crash (or kill -9) are queued again, the
    /// event backlog is dropped (the caller loads the whole queue) and every queued build is
    /// returned, oldest first.
    pub fn queue_recover(&self) -> Result<Vec<Build>> {
        let tx = self.inner.begin_write()?;
        let mut out = Vec::new();
        {
            let mut q = Queued::open(&tx)?;
            let mut builds = tx.open_table(BUILDS)?;
            let mut stale = Vec::new();
            q.each(|id| {
                let Some(mut b) = get_build(&builds, id)? else {
                    return Ok(true);
                };
                if b.busy || b.finished {
                    stale.push(id);
                    b.busy = false;
                    b.starttime = None;
                }
                if !b.finished {
                    out.push(b);
                }
                Ok(true)
            })?;
            for id in stale {
                if let Some(mut b) = get_build(&builds, id)? {
                    if b.finished {
                        // A finished build never belongs in the queue index.
                        q.remove(id)?;
                    } else {
                        b.busy = false;
                        b.starttime = None;
                    }
                    builds.insert(id, encode(&b).as_slice())?;
                }
            }
            tx.open_table(QUEUE_RUNNING)?.retain(|_, _| false)?;
            tx.open_table(QUEUE_EVENTS)?.retain(|_, _| false)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Events after `after`: (seq, build id); they are deleted as they are taken.
    pub fn queue_take_events(&self) -> Result<Vec<(u64, u64)>> {
        {
            let rtx = self.inner.begin_read()?;
            if rtx.open_table(QUEUE_EVENTS)?.is_empty()? {
                return Ok(Vec::new());
            }
        }
        let mut tx = self.inner.begin_write()?;
        // Losing these on a crash is harmless: the next start reloads the whole queue.
        tx.set_durability(Durability::Eventual);
        let mut out = Vec::new();
        {
            let mut t = tx.open_table(QUEUE_EVENTS)?;
            for r in t.iter()? {
                let (k, v) = r?;
                out.push((k.value(), v.value()));
            }
            t.retain(|_, _| false)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Marks a queued build running. Returns the build, or None when it is no longer queued.
    pub fn queue_mark_started(&self, id: u64, start: i64) -> Result<Option<Build>> {
        let mut tx = self.inner.begin_write()?;
        // A lost "started" mark equals a crash before the start: the build is still queued.
        tx.set_durability(Durability::Eventual);
        let out;
        {
            let queued = queued::contains(&tx.open_table(QUEUE_RUNS)?, id)?;
            let mut builds = tx.open_table(BUILDS)?;
            match get_build(&builds, id)? {
                Some(mut b) if queued && !b.finished => {
                    b.busy = true;
                    b.starttime = Some(start);
                    builds.insert(id, encode(&b).as_slice())?;
                    tx.open_table(QUEUE_RUNNING)?.insert(id, start)?;
                    out = Some(b);
                }
                _ => out = None,
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Records the end of a run in one transaction: the build record, the queue and running
    /// indexes, the shares charge, the newest-success index and, for status 0 or 6, the cache
    /// uploaders' pending set.
    pub fn queue_record_finish(&self, f: &Finish) -> Result<Recorded> {
        let tx = self.inner.begin_write()?;
        let rec;
        {
            let mut builds = tx.open_table(BUILDS)?;
            tx.open_table(QUEUE_RUNNING)?.remove(f.id)?;
            match get_build(&builds, f.id)? {
                None => rec = Recorded::Missing,
                Some(b) if b.finished => {
                    rec = Recorded::AlreadyFinished;
                    charge(&tx, &b, f)?;
                }
                Some(mut b) => {
                    b.finished = true;
                    b.busy = false;
                    b.buildstatus = Some(f.status);
                    b.starttime = Some(f.starttime);
                    b.stoptime = Some(f.stoptime);
                    b.errormsg = f.errormsg.clone();
                    if !f.outputs.is_empty() && f.outputs != b.outputs {
                        // Outputs known only once built: the output index follows them.
                        let mut idx = tx.open_table(super::index::OUT_INDEX)?;
                        for o in b.outputs.values() {
                            idx.remove((super::paths::key(o), f.id))?;
                        }
                        for o in f.outputs.values() {
                            idx.insert((super::paths::key(o), f.id), ())?;
                        }
                        b.outputs = f.outputs.clone();
                    }
                    if let Some(from) = f.cached_from {
                        b.iscachedbuild = true;
                        b.cached_from = from;
                    }
                    builds.insert(f.id, encode(&b).as_slice())?;
                    super::index::finished(&tx, &b)?;
                    Queued::open(&tx)?.remove(f.id)?;
                    if f.status == status::SUCCEEDED || f.status == status::FAILED_WITH_OUTPUT {
                        tx.open_table(CACHE_PENDING)?.insert(f.id, ())?;
                    }
                    if f.status == status::SUCCEEDED {
                        let mut l = tx.open_table(JOB_LAST_SUCCESS)?;
                        let key = (b.project.as_str(), b.jobset.as_str(), b.job.as_str());
                        let cur = l.get(key)?.map(|v| v.value()).unwrap_or(0);
                        if f.id > cur {
                            l.insert(key, f.id)?;
                        }
                    }
                    charge(&tx, &b, f)?;
                    rec = Recorded::Finished;
                }
            }
        }
        tx.commit()?;
        Ok(rec)
    }

    /// The end of a run killed for a cancel: the cancel itself is recorded already (and a restart
    /// may have queued the build again since), so only the running index and the charge change.
    pub fn queue_record_killed(&self, id: u64, stoptime: i64, seconds: f64) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            tx.open_table(QUEUE_RUNNING)?.remove(id)?;
            let builds = tx.open_table(BUILDS)?;
            if let Some(b) = get_build(&builds, id)? {
                let f = Finish {
                    id,
                    status: status::CANCELLED,
                    starttime: stoptime,
                    stoptime,
                    errormsg: None,
                    outputs: Default::default(),
                    charge: seconds,
                    cached_from: None,
                };
                charge(&tx, &b, &f)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Shutdown: a running build is stopped and queued again (not charged, not finished).
    pub fn queue_requeue_running(&self, id: u64) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut builds = tx.open_table(BUILDS)?;
            tx.open_table(QUEUE_RUNNING)?.remove(id)?;
            if let Some(mut b) = get_build(&builds, id)? {
                if !b.finished {
                    b.busy = false;
                    b.starttime = None;
                    builds.insert(id, encode(&b).as_slice())?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Output and closure sizes, recorded after the finish (they need a Nix query).
    pub fn queue_record_sizes(&self, id: u64, size: u64, closuresize: u64) -> Result<()> {
        self.update_build(id, |b| {
            b.size = Some(size);
            b.closuresize = Some(closuresize);
            true
        })
        .map(|_| ())
    }

    /// Marks a queued build unsupported (status 9).
    pub fn queue_mark_unsupported(&self, id: u64, msg: &str) -> Result<bool> {
        let t = now();
        let tx = self.inner.begin_write()?;
        let done;
        {
            let mut builds = tx.open_table(BUILDS)?;
            match get_build(&builds, id)? {
                Some(mut b) if !b.finished && !b.busy => {
                    b.finished = true;
                    b.buildstatus = Some(status::UNSUPPORTED);
                    b.starttime = Some(t);
                    b.stoptime = Some(t);
                    b.errormsg = Some(msg.to_string());
                    builds.insert(id, encode(&b).as_slice())?;
                    super::index::finished(&tx, &b)?;
                    Queued::open(&tx)?.remove(id)?;
                    done = true;
                }
                _ => done = false,
            }
        }
        tx.commit()?;
        Ok(done)
    }

    /// Charges of the last `window` seconds: (stop time, charge). Older rows are deleted.
    pub fn queue_charges(&self, now: u64, window: u64) -> Result<Vec<(u64, Charge)>> {
        // A charge stopped exactly `window` seconds ago has left (as in `Policy::charge`).
        let since = now.saturating_sub(window) + 1;
        let tx = self.inner.begin_write()?;
        let mut out = Vec::new();
        {
            let mut t = tx.open_table(QUEUE_CHARGES)?;
            t.retain_in((0u64, 0u64)..(since, 0u64), |_, _| false)?;
            for r in t.range((since, 0u64)..)? {
                let (k, v) = r?;
                out.push((k.value().0, decode("charge", v.value())?));
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Scheduling shares of every jobset: ((project, jobset), shares).
    pub fn queue_jobset_shares(&self) -> Result<Vec<((String, String), u32)>> {
        Ok(self
            .all_jobsets()?
            .into_iter()
            .map(|j| ((j.project, j.name), j.schedulingshares))
            .collect())
    }

    /// Running builds with their start times.
    pub fn queue_running(&self) -> Result<Vec<(Build, i64)>> {
        let tx = self.inner.begin_read()?;
        let r = tx.open_table(QUEUE_RUNNING)?;
        let b = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        for e in r.iter()? {
            let (k, v) = e?;
            if let Some(build) = get_build(&b, k.value())? {
                out.push((build, v.value()));
            }
        }
        Ok(out)
    }

    /// Queued builds that are not running, in id order, at most `limit`, plus the total queued
    /// (running included).
    pub fn queue_waiting(&self, limit: usize) -> Result<(Vec<Build>, u64)> {
        let tx = self.inner.begin_read()?;
        let q = tx.open_table(QUEUE_RUNS)?;
        let r = tx.open_table(QUEUE_RUNNING)?;
        let b = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        queued::each_from(&q, 0, |id| {
            if out.len() >= limit {
                return Ok(false);
            }
            if r.get(id)?.is_none() {
                if let Some(build) = get_build(&b, id)? {
                    out.push(build);
                }
            }
            Ok(true)
        })?;
        Ok((out, queued::len(&tx)?))
    }

    /// Newest successful build of a job.
    pub fn last_successful_build(
        &self,
        project: &str,
        jobset: &str,
        job: &str,
    ) -> Result<Option<Build>> {
        let tx = self.inner.begin_read()?;
        let l = tx.open_table(JOB_LAST_SUCCESS)?;
        let Some(id) = l.get((project, jobset, job))?.map(|v| v.value()) else {
            return Ok(None);
        };
        get_build(&tx.open_table(BUILDS)?, id)
    }

    /// Evals of a jobset older than the newest `keep`: their ids, oldest first.
    pub fn queue_old_evals(&self, project: &str, jobset: &str, keep: usize) -> Result<Vec<u64>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOBSET_EVALS)?;
        let mut ids = Vec::new();
        for r in idx.range((project, jobset, 0u64)..=(project, jobset, u64::MAX))? {
            ids.push(r?.0.value().2);
        }
        let n = ids.len().saturating_sub(keep);
        ids.truncate(n);
        Ok(ids)
    }

    /// Build ids of an eval.
    pub fn queue_eval_member_ids(&self, eval: u64) -> Result<Vec<u64>> {
        let tx = self.inner.begin_read()?;
        members::ids(&tx.open_table(EVAL_MEMBERS)?, eval)
    }

    /// Shares of one jobset (Hydra's default 100 if it is gone).
    pub fn queue_shares_of(&self, project: &str, jobset: &str) -> Result<u32> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(JOBSETS)?;
        let v = t.get((project, jobset))?;
        Ok(match v {
            Some(v) => decode::<crate::db::Jobset>("jobset", v.value())?.schedulingshares,
            None => 100,
        })
    }

    fn update_build(&self, id: u64, f: impl FnOnce(&mut Build) -> bool) -> Result<bool> {
        let tx = self.inner.begin_write()?;
        let changed;
        {
            let mut builds = tx.open_table(BUILDS)?;
            let Some(mut b) = get_build(&builds, id)? else {
                return Err(DbError::NotFound(format!("build {id}")));
            };
            changed = f(&mut b);
            if changed {
                builds.insert(id, encode(&b).as_slice())?;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    // ---- actions (the web layer calls these through `queue::*`, which wakes the runner) ----

    /// Applies `act` to each build in one transaction; returns how many changed.
    fn queue_act(&self, ids: &[u64], act: Action) -> Result<usize> {
        let t = now();
        let tx = self.inner.begin_write()?;
        let mut n = 0;
        {
            let mut builds = tx.open_table(BUILDS)?;
            let mut q = Queued::open(&tx)?;
            let mut running = tx.open_table(QUEUE_RUNNING)?;
            for &id in ids {
                let Some(mut b) = get_build(&builds, id)? else {
                    continue;
                };
                let changed = match act {
                    Action::Cancel if !b.finished => {
                        b.finished = true;
                        b.busy = false;
                        b.buildstatus = Some(status::CANCELLED);
                        b.stoptime = Some(t);
                        if b.starttime.is_none() {
                            b.starttime = Some(t);
                        }
                        q.remove(id)?;
                        running.remove(id)?;
                        true
                    }
                    Action::Restart | Action::RestartFailed
                        if b.finished
                            && !(act == Action::RestartFailed
                                && b.buildstatus == Some(status::SUCCEEDED)) =>
                    {
                        b.finished = false;
                        b.busy = false;
                        b.buildstatus = None;
                        b.starttime = None;
                        b.stoptime = None;
                        b.errormsg = None;
                        b.size = None;
                        b.closuresize = None;
                        b.iscachedbuild = false;
                        b.cached_from = None;
                        q.insert(id)?;
                        true
                    }
                    Action::Bump if !b.finished => {
                        b.globalpriority = i32::try_from(t).unwrap_or(i32::MAX);
                        true
                    }
                    _ => false,
                };
                if changed {
                    builds.insert(id, encode(&b).as_slice())?;
                    match act {
                        Action::Cancel => super::index::finished(&tx, &b)?,
                        Action::Restart | Action::RestartFailed => {
                            super::index::unfinished(&tx, &b)?
                        }
                        Action::Bump => {}
                    }
                    push_event(&tx, id)?;
                    n += 1;
                }
            }
        }
        tx.commit()?;
        Ok(n)
    }

    pub fn cancel_builds(&self, ids: &[u64]) -> Result<usize> {
        self.queue_act(ids, Action::Cancel)
    }
    pub fn restart_builds(&self, ids: &[u64]) -> Result<usize> {
        self.queue_act(ids, Action::Restart)
    }
    pub fn restart_failed_builds(&self, ids: &[u64]) -> Result<usize> {
        self.queue_act(ids, Action::RestartFailed)
    }
    pub fn bump_builds(&self, ids: &[u64]) -> Result<usize> {
        self.queue_act(ids, Action::Bump)
    }

    /// Tells the runner that jobset settings (shares) changed.
    pub fn queue_jobsets_changed(&self) -> Result<()> {
        let tx = self.inner.begin_write()?;
        push_event(&tx, 0)?;
        tx.commit()?;
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Cancel,
    Restart,
    RestartFailed,
    Bump,
}

fn charge(tx: &WriteTransaction, b: &Build, f: &Finish) -> Result<()> {
    if f.charge <= 0.0 {
        return Ok(());
    }
    let c = Charge {
        project: b.project.clone(),
        jobset: b.jobset.clone(),
        seconds: f.charge,
    };
    tx.open_table(QUEUE_CHARGES)?
        .insert((f.stoptime.max(0) as u64, f.id), encode(&c).as_slice())?;
    Ok(())
}
