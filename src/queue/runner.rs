//! The scheduling thread and its child processes. One thread owns the `Policy` and makes every
//! decision, the choice of machine included; each build is `nix-store --realise DRV` in its own
//! process group (for a remote machine with `--builders 'THAT-MACHINE' --max-jobs 0`, so Nix's
//! build hook copies, builds over SSH and copies back), watched by a thread that turns Nix's
//! structured log into the build's log and its steps, enforces `timeout`/`maxSilent` and reports
//! back through a channel (then wakes the scheduler). The database is the truth: the runner
//! mirrors the QUEUE table, follows the action events of `store`, and records every outcome in
//! one transaction. A machine that fails for infrastructure reasons is backed off and its build
//! queued again, never failed.

use super::log::{self, NixEvent, NixLogParser};
use super::machines::{self, FileStamp, Machine};
use super::policy::{JobsetId, Policy, QueuedBuild, SystemId, WINDOW};
use super::store::{Finish, Recorded};
use crate::app::App;
use crate::db::{status, Build, BuildStep};
use crate::nix::cli::NixCli;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Whether an aggregate build may start, from its constituent builds (none for other builds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AggregateState {
    Ready,
    /// A constituent is still queued or running.
    Waiting,
    /// A constituent finished without its outputs (any status but 0 and 6): the aggregate is
    /// "Dependency failed" at once, as Hydra marks the builds depending on a failed step.
    Failed(String),
}

/// The rule of `AggregateState` (pure, so it is tested without a runner).
pub fn aggregate_state(constituents: &[Build]) -> AggregateState {
    let failed: Vec<String> = constituents
        .iter()
        .filter(|c| c.finished)
        .filter_map(|c| {
            let st = c.buildstatus.unwrap_or(status::ABORTED);
            (st != status::SUCCEEDED && st != status::FAILED_WITH_OUTPUT).then(|| {
                format!(
                    "constituent build {} (job {}) {}",
                    c.id,
                    c.job,
                    status::name(st).to_lowercase()
                )
            })
        })
        .collect();
    if !failed.is_empty() {
        return AggregateState::Failed(failed.join("; "));
    }
    if constituents.iter().any(|c| !c.finished) {
        return AggregateState::Waiting;
    }
    AggregateState::Ready
}

/// The unfinished constituent an aggregate waits for: the newest, which the queue (oldest
/// first within a priority) is likely to finish last, so the set is read again rarely.
fn waited_for(constituents: &[Build]) -> Option<u64> {
    constituents
        .iter()
        .filter(|c| !c.finished)
        .map(|c| c.id)
        .max()
}

/// Why the runner killed a build (set before the kill, read by the watcher after the exit).
const KILL_NONE: u8 = 0;
const KILL_CANCEL: u8 = 1;
/// Stop and queue again (shutdown, or a restart that overtook a cancel).
const KILL_REQUEUE: u8 = 2;
const KILL_TIMEOUT: u8 = 3;
const KILL_SILENT: u8 = 4;

/// Starts the scheduling thread. It returns after `app.shutdown()`, with running builds
/// stopped and queued again.
pub fn spawn(app: Arc<App>) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("queue-runner".into())
        .spawn(move || run(app))
        .unwrap_or_else(|e| {
            eprintln!("hydrant: cannot start the queue runner thread: {e}");
            std::thread::spawn(|| ())
        })
}

/// Wall-clock seconds, the policy's time base (charges in the db use the same clock).
pub fn now_f64() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The runner's own time per build beyond Nix's (pick → child spawned, plus child exit →
/// finish recorded), summed over the process: (builds, nanoseconds). For benches and monitoring.
static OWN_TIME: (AtomicU64, AtomicU64) = (AtomicU64::new(0), AtomicU64::new(0));

/// (builds finished, total runner time spent on them beyond the nix-store process).
pub fn own_time() -> (u64, Duration) {
    (
        OWN_TIME.0.load(Ordering::Relaxed),
        Duration::from_nanos(OWN_TIME.1.load(Ordering::Relaxed)),
    )
}

fn add_own_time(d: Duration, finished: bool) {
    if finished {
        OWN_TIME.0.fetch_add(1, Ordering::Relaxed);
    }
    OWN_TIME.1.fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
}

/// What a watcher reports when its child is gone.
struct Done {
    exited: Instant,
    id: u64,
    status: Option<i32>,
    errormsg: Option<String>,
    outputs: BTreeMap<String, String>,
    stop: f64,
    /// Killed for a cancel the database already holds (a restart may have followed it).
    cancelled: bool,
    /// The machine failed (ssh, connection, disk): the build goes back to the queue.
    infra: Option<String>,
    /// Seconds of its steps (built or substituted), charged to the jobset as Hydra does.
    step_secs: f64,
}

struct Running {
    pgid: i32,
    /// When the child started (`children::start_time`): the shutdown's kill reaches below it
    /// only while that pid is still this child.
    pstart: Option<u64>,
    /// URI of the machine it runs on.
    machine: String,
    start: f64,
    kill: Arc<AtomicU8>,
    drvpath: String,
    /// (project, jobset): where its GC roots go.
    jobset: (String, String),
}

struct Runner {
    app: Arc<App>,
    policy: Policy,
    jobsets: HashMap<(String, String), JobsetId>,
    /// Platform types (system, required features, sorted) → the policy's "system" id: a
    /// machine serves the types it accepts, so one pick per machine respects features.
    types: HashMap<(String, Vec<String>), SystemId>,
    type_info: Vec<(String, Vec<String>)>,
    machines_stamp: FileStamp,
    running: HashMap<u64, Running>,
    /// Derivations being built → the running build: a second build of the same derivation (in
    /// another jobset, or another job) waits for it, then takes its result as a cached build.
    running_drvs: HashMap<String, u64>,
    /// Builds picked while their derivation was running: drv → build ids, queued again when it
    /// finishes.
    waiting_drvs: HashMap<String, Vec<u64>>,
    /// Queued builds no machine supports: id → (system, first seen).
    unsupported: HashMap<u64, f64>,
    /// Aggregates picked while a constituent build was unfinished → the constituent they wait
    /// for (of the unfinished ones, the newest: likely the last to finish). Each round looks at
    /// that one build only; the whole set is read again once it has finished.
    waiting_aggregates: BTreeMap<u64, u64>,
    max_seen: u64,
    tx: Sender<Done>,
    rx: Receiver<Done>,
    last_shares: Instant,
    pruned: Arc<Mutex<HashMap<(String, String), u64>>>,
}

fn run(app: Arc<App>) {
    let mut r = match Runner::start(app.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("hydrant: queue runner cannot start: {e}");
            return;
        }
    };
    loop {
        if app.shutting_down() {
            r.shutdown();
            return;
        }
        if let Err(e) = r.step() {
            eprintln!("hydrant: queue runner: {e}");
            // A storage error is retried after a pause rather than spinning.
            app.queue_wake.wait(Duration::from_secs(1));
        }
        let wait = r.next_wait();
        app.queue_wake.wait(wait);
    }
}

impl Runner {
    fn start(app: Arc<App>) -> Result<Runner, super::QueueError> {
        let (tx, rx) = channel();
        let mut r = Runner {
            policy: Policy::new(),
            jobsets: HashMap::new(),
            types: HashMap::new(),
            type_info: Vec::new(),
            machines_stamp: None,
            running: HashMap::new(),
            running_drvs: HashMap::new(),
            waiting_drvs: HashMap::new(),
            unsupported: HashMap::new(),
            waiting_aggregates: Default::default(),
            max_seen: 0,
            tx,
            rx,
            last_shares: Instant::now(),
            pruned: Arc::new(Mutex::new(HashMap::new())),
            app: app.clone(),
        };
        r.reload_machines(true);
        let _ = std::fs::create_dir_all(app.config.logs_dir());
        let _ = std::fs::create_dir_all(app.config.gcroots_dir());
        tidy_roots(&app);
        app.db.steps_abort_running()?;
        let queued = app.db.queue_recover()?;
        let now = now_f64();
        for ((p, j), shares) in app.db.queue_jobset_shares()? {
            let id = r.policy.add_jobset(shares);
            r.jobsets.insert((p, j), id);
        }
        for (stop, c) in app.db.queue_charges(now as u64, WINDOW as u64)? {
            let js = r.jobset_id(&c.project, &c.jobset);
            r.policy.charge(js, c.seconds, stop as f64, now);
        }
        r.policy.set_catch_up(false);
        for b in queued {
            r.enqueue(&b, now);
        }
        r.policy.set_catch_up(true);
        Ok(r)
    }

    /// The policy's id of a platform type; a new one is added to every machine accepting it.
    fn type_id(&mut self, system: &str, features: &[String]) -> SystemId {
        let key = (system.to_string(), features.to_vec());
        if let Some(&id) = self.types.get(&key) {
            return id;
        }
        let id = self.policy.add_system();
        self.types.insert(key.clone(), id);
        self.type_info.push(key);
        let mut farm = self.app.farm.lock();
        for m in farm.machines.iter_mut() {
            if m.machine.accepts(system, features) {
                m.types.push(id);
            }
        }
        id
    }

    /// (Re)reads the machines file when it changed (always at start): machines keep their
    /// state, bad lines are reported and skipped, builds waiting for a now-supported platform
    /// are queued.
    fn reload_machines(&mut self, force: bool) {
        let stamp = match &self.app.config.machines_file {
            Some(p) => machines::stamp(p),
            None => None,
        };
        if !force && stamp == self.machines_stamp {
            return;
        }
        self.machines_stamp = stamp;
        let (ms, errors) = machines::load(&self.app.config);
        for e in &errors {
            eprintln!("hydrant: {e} (the other machines keep working)");
        }
        let admin_off = self.app.db.machines_disabled().unwrap_or_default();
        {
            let mut farm = self.app.farm.lock();
            farm.reload(ms, errors);
            for m in farm.machines.iter_mut() {
                m.admin_disabled = admin_off.contains(&m.machine.uri);
                m.types = self
                    .type_info
                    .iter()
                    .enumerate()
                    .filter(|(_, (sys, f))| m.machine.accepts(sys, f))
                    .map(|(i, _)| i as SystemId)
                    .collect();
            }
        }
        if !force {
            let now = now_f64();
            let ids: Vec<u64> = self.unsupported.keys().copied().collect();
            for id in ids {
                if let Ok(Some(b)) = self.app.db.build(id) {
                    if !b.finished && self.supported(&b) {
                        self.unsupported.remove(&id);
                        self.enqueue(&b, now);
                    }
                }
            }
        }
    }

    fn supported(&self, b: &Build) -> bool {
        let features = required_features(&b.drvpath);
        self.app.farm.lock().accepts(&b.system, &features)
    }

    fn jobset_id(&mut self, p: &str, j: &str) -> JobsetId {
        if let Some(&id) = self.jobsets.get(&(p.to_string(), j.to_string())) {
            return id;
        }
        let shares = self.app.db.queue_shares_of(p, j).unwrap_or(100);
        let id = self.policy.add_jobset(shares);
        self.jobsets.insert((p.to_string(), j.to_string()), id);
        id
    }

    fn enqueue(&mut self, b: &Build, now: f64) {
        self.max_seen = self.max_seen.max(b.id);
        if self.running.contains_key(&b.id) {
            return;
        }
        let features = required_features(&b.drvpath);
        if !self.app.farm.lock().accepts(&b.system, &features) {
            self.unsupported.entry(b.id).or_insert(now);
            return;
        }
        let js = self.jobset_id(&b.project, &b.jobset);
        let sys = self.type_id(&b.system, &features);
        self.policy.enqueue(
            QueuedBuild {
                id: b.id,
                jobset: js,
                system: sys,
                priority: b.priority,
                globalpriority: b.globalpriority.max(0),
            },
            now,
        );
    }

    /// One round: outcomes, actions, new builds, shares, unsupported builds, free slots.
    fn step(&mut self) -> Result<(), super::QueueError> {
        while let Ok(d) = self.rx.try_recv() {
            self.finished(d)?;
        }
        self.reload_machines(false);
        let now = now_f64();
        for (_, id) in self.app.db.queue_take_events()? {
            if id == 0 {
                self.refresh_shares()?;
                continue;
            }
            self.follow(id, now)?;
        }
        self.load_new(now)?;
        self.recheck_aggregates(now)?;
        if self.last_shares.elapsed() > Duration::from_secs(10) {
            self.refresh_shares()?;
        }
        self.expire_unsupported(now)?;
        self.fill_slots()?;
        Ok(())
    }

    fn next_wait(&self) -> Duration {
        if self.app.config.max_unsupported_time > 0 && !self.unsupported.is_empty() {
            return Duration::from_millis(500);
        }
        // A backed-off machine comes back at its time, not up to 2 s later.
        let now = crate::db::now();
        let soonest = self
            .app
            .farm
            .lock()
            .machines
            .iter()
            .filter(|m| m.disabled_until > now)
            .map(|m| m.disabled_until - now)
            .min();
        match soonest {
            Some(secs) if secs < 2 => Duration::from_millis(secs.max(0) as u64 * 1000 + 50),
            _ => Duration::from_secs(2),
        }
    }

    /// Brings the policy in line with the database record of one build after an action.
    fn follow(&mut self, id: u64, now: f64) -> Result<(), super::QueueError> {
        let Some(b) = self.app.db.build(id)? else {
            // Deleted with its jobset: a running one is stopped.
            self.policy.remove(id, now);
            self.unsupported.remove(&id);
            if let Some(r) = self.running.get(&id) {
                r.kill.store(KILL_CANCEL, Ordering::SeqCst);
                term_group(r.pgid);
            }
            return Ok(());
        };
        if b.finished {
            self.policy.remove(id, now);
            self.unsupported.remove(&id);
            if let Some(r) = self.running.get(&id) {
                r.kill.store(KILL_CANCEL, Ordering::SeqCst);
                term_group(r.pgid);
            }
        } else if let Some(r) = self.running.get(&id).filter(|_| !b.busy) {
            // Cancelled and restarted before we saw the cancel: this run is stale.
            r.kill.store(KILL_REQUEUE, Ordering::SeqCst);
            term_group(r.pgid);
        } else if self.policy.is_queued(id) {
            self.policy.bump(id, b.globalpriority.max(0), now);
        } else if !self.running.contains_key(&id) {
            self.enqueue(&b, now);
        }
        Ok(())
    }

    /// Builds queued by evaluations since the last look (their ids only grow).
    fn load_new(&mut self, now: f64) -> Result<(), super::QueueError> {
        let new = self
            .app
            .db
            .queued_builds(self.max_seen, usize::MAX, false)?;
        for b in new {
            if !b.finished {
                self.enqueue(&b, now);
            }
            self.max_seen = self.max_seen.max(b.id);
        }
        Ok(())
    }

    /// Aggregates that waited for a constituent go back to the queue once none is waited for
    /// any more (finished, cancelled or deleted builds all count); deleted or finished
    /// aggregates are forgotten.
    fn recheck_aggregates(&mut self, now: f64) -> Result<(), super::QueueError> {
        let waiting: Vec<(u64, u64)> = self
            .waiting_aggregates
            .iter()
            .map(|(a, c)| (*a, *c))
            .collect();
        for (id, blocker) in waiting {
            if matches!(self.app.db.build(blocker)?, Some(c) if !c.finished) {
                continue;
            }
            match self.app.db.build(id)? {
                Some(b) if !b.finished => {
                    let cs = self.app.db.build_constituents(id)?;
                    match (aggregate_state(&cs), waited_for(&cs)) {
                        (AggregateState::Waiting, Some(c)) => {
                            self.waiting_aggregates.insert(id, c);
                        }
                        _ => {
                            self.waiting_aggregates.remove(&id);
                            self.enqueue(&b, now);
                        }
                    }
                }
                _ => {
                    self.waiting_aggregates.remove(&id);
                }
            }
        }
        Ok(())
    }

    fn refresh_shares(&mut self) -> Result<(), super::QueueError> {
        self.last_shares = Instant::now();
        let now = now_f64();
        let live = self.app.db.queue_jobset_shares()?;
        // A deleted jobset's policy entry is forgotten: a re-created one starts uncharged.
        let names: std::collections::HashSet<&(String, String)> =
            live.iter().map(|(k, _)| k).collect();
        self.jobsets.retain(|k, _| names.contains(k));
        for ((p, j), shares) in &live {
            if let Some(&id) = self.jobsets.get(&(p.clone(), j.clone())) {
                self.policy.set_shares(id, *shares, now);
            }
        }
        Ok(())
    }

    fn expire_unsupported(&mut self, now: f64) -> Result<(), super::QueueError> {
        let max = self.app.config.max_unsupported_time;
        if max == 0 {
            return Ok(());
        }
        let due: Vec<u64> = self
            .unsupported
            .iter()
            .filter(|(_, &since)| now - since >= max as f64)
            .map(|(&id, _)| id)
            .collect();
        for id in due {
            self.unsupported.remove(&id);
            self.app.db.queue_mark_unsupported(
                id,
                &format!("no machine supports this system type for {max} s"),
            )?;
        }
        Ok(())
    }

    /// Gives free slots builds: each time to the least loaded usable machine (Hydra's order,
    /// `machines::choose`) the best build it can take; a machine with nothing to take is left
    /// out for the rest of the round.
    fn fill_slots(&mut self) -> Result<(), super::QueueError> {
        let mut candidates: Vec<usize> = (0..self.app.farm.lock().machines.len()).collect();
        loop {
            let now = now_f64();
            let (i, machine, types) = {
                let farm = self.app.farm.lock();
                let Some(i) = machines::choose(&farm.machines, &candidates, now as i64) else {
                    break;
                };
                let m = &farm.machines[i];
                (i, m.machine.clone(), m.types.clone())
            };
            match self.policy.pick(&types, now) {
                Some(p) => self.launch(p.id, &machine, now)?,
                None => candidates.retain(|&c| c != i),
            }
        }
        Ok(())
    }

    fn launch(&mut self, id: u64, machine: &Machine, now: f64) -> Result<(), super::QueueError> {
        let picked = Instant::now();
        let Some(queued) = self.app.db.build(id)?.filter(|b| !b.finished) else {
            self.policy.forget_running(id, now);
            return Ok(());
        };
        if self.running_drvs.contains_key(&queued.drvpath) {
            // Built once: this one waits for the running build of the same derivation.
            self.policy.forget_running(id, now);
            self.waiting_drvs
                .entry(queued.drvpath.clone())
                .or_default()
                .push(id);
            return Ok(());
        }
        // An aggregate starts once its constituents are built (before the cached check: its
        // output says nothing of constituents it only names).
        let constituents = self.app.db.build_constituents(id)?;
        match aggregate_state(&constituents) {
            AggregateState::Ready => {}
            AggregateState::Waiting => {
                self.policy.forget_running(id, now);
                if let Some(c) = waited_for(&constituents) {
                    self.waiting_aggregates.insert(id, c);
                }
                return Ok(());
            }
            AggregateState::Failed(msg) => {
                let charge = self.policy.finish(id, now).unwrap_or(0.0);
                self.app.db.queue_record_finish(&Finish {
                    id,
                    status: status::DEP_FAILED,
                    starttime: now as i64,
                    stoptime: now as i64,
                    errormsg: Some(msg),
                    outputs: BTreeMap::new(),
                    charge,
                    cached_from: None,
                })?;
                return Ok(());
            }
        }
        if self.outputs_valid(&queued) {
            return self.finish_cached(queued, now);
        }
        let marked = self.app.db.queue_mark_started(id, now as i64);
        if marked.is_err() {
            // Not started: it stays queued in the database and is loaded again on the next start.
            self.policy.forget_running(id, now);
        }
        let b = match marked? {
            Some(b) => b,
            None => {
                // Cancelled between the event and the pick.
                self.policy.forget_running(id, now);
                return Ok(());
            }
        };
        let logs = self.app.config.logs_dir();
        log::remove(&logs, id);
        let kill = Arc::new(AtomicU8::new(KILL_NONE));
        match start_child(&self.app.nix, &b, &logs, machine) {
            Ok((child, out)) => {
                let pgid = child.id() as i32;
                let pstart = crate::children::start_time(child.id());
                let recorded = crate::children::record(child.id());
                add_own_time(picked.elapsed(), false);
                self.running.insert(
                    id,
                    Running {
                        pgid,
                        pstart,
                        machine: machine.uri.clone(),
                        start: now,
                        kill: kill.clone(),
                        drvpath: b.drvpath.clone(),
                        jobset: (b.project.clone(), b.jobset.clone()),
                    },
                );
                self.running_drvs.insert(b.drvpath.clone(), id);
                {
                    let mut farm = self.app.farm.lock();
                    if let Some(i) = farm.find(&machine.uri) {
                        farm.machines[i].current.insert(id);
                    }
                }
                let ctx = WatchCtx {
                    app: self.app.clone(),
                    machine: machine.uri.clone(),
                    local: machine.is_local(),
                    build: b,
                    kill,
                    tx: self.tx.clone(),
                    pruned: self.pruned.clone(),
                };
                let spawned = std::thread::Builder::new()
                    .name(format!("build-{id}"))
                    .spawn(move || {
                        watch(ctx, child, out);
                        // The child was reaped inside watch.
                        drop(recorded);
                    });
                if let Err(e) = spawned {
                    // The child runs unwatched: stop it; the build goes back to the queue (the
                    // report a watcher would have sent frees the slot and the derivation).
                    term_group(pgid);
                    eprintln!("hydrant: cannot start a watcher for build {id}: {e}");
                    let _ = self.tx.send(Done {
                        exited: Instant::now(),
                        id,
                        status: None,
                        errormsg: None,
                        outputs: BTreeMap::new(),
                        stop: now_f64(),
                        cancelled: false,
                        infra: None,
                        step_secs: 0.0,
                    });
                }
            }
            Err(e) => {
                log::note(&logs, id, &format!("hydrant: cannot start nix-store: {e}"));
                let _ = log::compress(&logs, id);
                let charge = self.policy.finish(id, now).unwrap_or(0.0);
                self.app.db.queue_record_finish(&Finish {
                    id,
                    status: status::ABORTED,
                    starttime: now as i64,
                    stoptime: now as i64,
                    errormsg: Some(format!("cannot start nix-store: {e}")),
                    outputs: BTreeMap::new(),
                    charge,
                    cached_from: None,
                })?;
            }
        }
        Ok(())
    }

    /// Whether every output of the build is already valid in the store (another build of the
    /// same derivation made them). Paths that do not exist are not asked of Nix.
    fn outputs_valid(&self, b: &Build) -> bool {
        !b.outputs.is_empty()
            && b.outputs.values().all(|o| Path::new(o).exists())
            && b.outputs.values().all(|o| {
                self.app
                    .nix
                    .parse_path(o)
                    .ok()
                    .and_then(|p| self.app.nix.is_valid(&p).ok())
                    .unwrap_or(false)
            })
    }

    /// Finishes a build without running it: its outputs are valid already (Hydra's cached
    /// build). It gets its own GC roots and its own uploads, as a built one does.
    fn finish_cached(&mut self, b: Build, now: f64) -> Result<(), super::QueueError> {
        let charge = self.policy.finish(b.id, now).unwrap_or(0.0);
        let from = self.app.db.last_built_of_drv(&b.drvpath, b.id)?;
        let failed = b
            .outputs
            .values()
            .any(|o| Path::new(o).join("nix-support/failed").exists());
        let st = if failed {
            status::FAILED_WITH_OUTPUT
        } else {
            status::SUCCEEDED
        };
        record_products(&self.app, b.id, &b.outputs);
        let rec = self.app.db.queue_record_finish(&Finish {
            id: b.id,
            status: st,
            starttime: now as i64,
            stoptime: now as i64,
            errormsg: None,
            outputs: BTreeMap::new(),
            charge,
            cached_from: Some(from),
        })?;
        if rec == Recorded::Finished {
            // Roots only once the finish is recorded: a deleted build gets none.
            add_gc_roots(
                &self.app.nix,
                &jobset_roots(&self.app.config.gcroots_dir(), &b.project, &b.jobset),
                &b.outputs,
            );
            log::remove(&self.app.config.logs_dir(), b.id);
            prune_roots(&self.app, &b, &self.pruned);
            self.app.cache_wake.notify();
            if st == status::SUCCEEDED {
                crate::eval::declarative::build_finished(&self.app, b.id);
            }
        }
        Ok(())
    }

    fn finished(&mut self, d: Done) -> Result<(), super::QueueError> {
        let Some(r) = self.running.remove(&d.id) else {
            return Ok(());
        };
        {
            let interval = self.app.config.machine_retry_interval;
            let mut farm = self.app.farm.lock();
            if let Some(i) = farm.find(&r.machine) {
                let m = &mut farm.machines[i];
                m.current.remove(&d.id);
                match &d.infra {
                    Some(msg) => {
                        m.record_failure(d.stop as i64, msg, interval);
                        eprintln!(
                            "hydrant: machine {} failed ({msg}); disabled until {}, build {} queued again",
                            m.machine.uri, m.disabled_until, d.id
                        );
                    }
                    None if d.status.is_some() => {
                        m.consecutive_failures = 0;
                        m.record_done(d.stop as i64);
                    }
                    None => {}
                }
            }
            farm.drop_idle_gone();
        }
        if self.running_drvs.get(&r.drvpath) == Some(&d.id) {
            self.running_drvs.remove(&r.drvpath);
        }
        // Builds that waited for this derivation go back to the queue: they will find its
        // outputs valid (cached) or, if it failed, build it themselves.
        if let Some(ids) = self.waiting_drvs.remove(&r.drvpath) {
            let now = now_f64();
            for id in ids {
                match self.app.db.build(id) {
                    Ok(Some(b)) if !b.finished => self.enqueue(&b, now),
                    Ok(_) => {}
                    // Still queued in the database: the next start loads it again.
                    Err(e) => eprintln!("hydrant: queue runner: build {id}: {e}"),
                }
            }
        }
        if self.app.db.build(d.id)?.is_none() {
            // Deleted while it ran: its log and the roots its watcher may have made go too.
            log::remove_all(&self.app.config.logs_dir(), d.id);
            let (p, j) = &r.jobset;
            let dir = jobset_roots(&self.app.config.gcroots_dir(), p, j);
            if self.app.db.jobset(p, j)?.is_none() {
                let _ = std::fs::remove_dir_all(&dir);
            } else {
                for o in d.outputs.values() {
                    if let Some(link) = root_path(&dir, o) {
                        let _ = std::fs::remove_file(link);
                    }
                }
            }
        }
        let Some(st) = d.status else {
            // Shutdown or a stale run: not charged, queued again.
            self.policy.forget_running(d.id, d.stop);
            self.app.db.queue_requeue_running(d.id)?;
            if !self.app.shutting_down() {
                if let Some(b) = self.app.db.build(d.id)? {
                    if !b.finished {
                        self.enqueue(&b, now_f64());
                    }
                }
            }
            return Ok(());
        };
        let charge = if d.step_secs > 0.0 {
            // Hydra charges the steps' durations (parallel steps count each).
            self.policy.forget_running(d.id, d.stop);
            let (p, j) = &r.jobset;
            let js = self.jobset_id(p, j);
            self.policy.charge(js, d.step_secs, d.stop, d.stop);
            d.step_secs
        } else {
            self.policy.finish(d.id, d.stop).unwrap_or(0.0)
        };
        if d.cancelled {
            // The cancel is recorded already; writing it again would undo a restart that came
            // after it. That restart's event queues the build again, unless it was followed
            // while this run was still ours (too late to turn the cancel into a requeue).
            self.app
                .db
                .queue_record_killed(d.id, d.stop as i64, charge)?;
            if !self.app.shutting_down() && !self.policy.is_queued(d.id) {
                if let Some(b) = self.app.db.build(d.id)? {
                    if !b.finished {
                        self.enqueue(&b, now_f64());
                    }
                }
            }
            return Ok(());
        }
        if st == status::SUCCEEDED || st == status::FAILED_WITH_OUTPUT {
            let outs = match d.outputs.is_empty() {
                true => self
                    .app
                    .db
                    .build(d.id)?
                    .map(|b| b.outputs)
                    .unwrap_or_default(),
                false => d.outputs.clone(),
            };
            record_products(&self.app, d.id, &outs);
        }
        let rec = self.app.db.queue_record_finish(&Finish {
            id: d.id,
            status: st,
            starttime: r.start as i64,
            stoptime: d.stop as i64,
            errormsg: d.errormsg,
            outputs: d.outputs,
            charge,
            cached_from: None,
        })?;
        add_own_time(d.exited.elapsed(), true);
        if rec == Recorded::Finished
            && (st == status::SUCCEEDED || st == status::FAILED_WITH_OUTPUT)
        {
            self.app.cache_wake.notify();
        }
        if rec == Recorded::Finished {
            // A declarative project's `jobsets` build: its output may be the spec to apply.
            crate::eval::declarative::build_finished(&self.app, d.id);
        }
        Ok(())
    }

    fn shutdown(&mut self) {
        for r in self.running.values() {
            r.kill.store(KILL_REQUEUE, Ordering::SeqCst);
            term_group(r.pgid);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut killed = false;
        while !self.running.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                if killed {
                    break;
                }
                for r in self.running.values() {
                    kill_group(r.pgid, r.pstart);
                }
                killed = true;
                continue;
            }
            if let Ok(d) = self.rx.recv_timeout(left.min(Duration::from_secs(3))) {
                if let Err(e) = self.finished(d) {
                    eprintln!("hydrant: queue runner shutdown: {e}");
                }
            } else if !killed {
                for r in self.running.values() {
                    kill_group(r.pgid, r.pstart);
                }
                killed = true;
            }
        }
        // Whatever did not report is queued again by the next start (busy builds are recovered).
    }
}

/// Asks nix-store (the leader of its own process group) to stop. Nix runs builders in their own
/// session, out of reach of a group kill, but on SIGTERM nix-store kills them itself; the
/// watcher follows up with SIGKILL if the group does not go away.
fn term_group(pgid: i32) {
    signal_group(pgid, libc::SIGTERM);
}

/// SIGKILL for nix-store's group and, when its start time is known, for whatever runs below
/// it, builders in their own session included (see [`crate::children::kill_tree`]).
fn kill_group(pgid: i32, start: Option<u64>) {
    match (u32::try_from(pgid), start) {
        (Ok(leader), Some(start)) => crate::children::kill_tree(leader, start),
        _ => signal_group(pgid, libc::SIGKILL),
    }
}

fn signal_group(pgid: i32, sig: i32) {
    if pgid > 0 {
        // SAFETY: kill(2) with a negative pid signals that process group; no memory involved.
        unsafe {
            libc::kill(-pgid, sig);
        }
    }
}

/// Grace between SIGTERM and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(5);

/// One pipe for stdout and stderr, so the log keeps their interleaving.
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two fresh descriptors into `fds` on success.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both descriptors are new and owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn start_child(
    nix: &NixCli,
    b: &Build,
    logs: &Path,
    machine: &Machine,
) -> std::io::Result<(std::process::Child, std::fs::File)> {
    // Evaluation checks drvPath; an older record that slipped through is refused, not run.
    let drv = nix.parse_path(&b.drvpath).map_err(|e| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("drvPath: {e}"))
    })?;
    std::fs::create_dir_all(logs)?;
    let (r, w) = pipe()?;
    let w2 = w.try_clone()?;
    // nix::cli is the one place that knows how to run Nix; the runner only adds its own stdio.
    let mut realise = nix.command("nix-store");
    realise
        .arg("--realise")
        .arg("--log-format")
        .arg("internal-json");
    if machine.is_local() {
        // hydrant chooses the machine: nix.conf's builders are not used behind its back.
        realise.arg("--builders").arg("");
    } else {
        // Nix's build hook does the rest: copy the closure over SSH, build, copy back.
        realise
            .arg("--builders")
            .arg(machine.builders_line())
            .arg("--max-jobs")
            .arg("0");
    }
    realise.arg("--").arg(drv.to_string());
    // Supervised, with a death signal tied to the scheduling thread, which lives as long as
    // hydrant serves (if it panicked, its builds would stop with it, as they should).
    let mut cmd = crate::children::prepare(realise);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(w))
        .stderr(Stdio::from(w2))
        .process_group(0);
    let child = cmd.spawn();
    // Our copies of the write end must close, or the reader never sees EOF.
    drop(cmd);
    Ok((child?, std::fs::File::from(r)))
}

struct WatchCtx {
    app: Arc<App>,
    /// URI of the machine the build runs on.
    machine: String,
    local: bool,
    build: Build,
    kill: Arc<AtomicU8>,
    tx: Sender<Done>,
    pruned: Arc<Mutex<HashMap<(String, String), u64>>>,
}

/// Streams the child's output to the log, enforces the limits, classifies the outcome,
/// reports it, then records sizes and GC roots (off the scheduler's path).
fn watch(ctx: WatchCtx, mut child: std::process::Child, mut out: std::fs::File) {
    let b = &ctx.build;
    let logs = ctx.app.config.logs_dir();
    let pgid = child.id() as i32;
    // Read before the child is reaped (below), so it names this child.
    let pstart = crate::children::start_time(child.id());
    let start = Instant::now();
    let mut last_output = Instant::now();
    let mut logf = std::fs::File::create(log::live_path(&logs, b.id)).ok();
    let mut steps = Steps::new(&ctx, &logs);
    let mut parser = NixLogParser::default();
    let mut events = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let fd = out.as_raw_fd();
    let mut exited = None;
    let mut term_sent: Option<Instant> = None;
    loop {
        let mut wait_ms: u64 = if term_sent.is_some() { 200 } else { 1000 };
        if b.timeout > 0 {
            let left = Duration::from_secs(b.timeout).saturating_sub(start.elapsed());
            wait_ms = wait_ms.min(left.as_millis() as u64 + 1);
        }
        if b.maxsilent > 0 {
            let left = Duration::from_secs(b.maxsilent).saturating_sub(last_output.elapsed());
            wait_ms = wait_ms.min(left.as_millis() as u64 + 1);
        }
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut pfd, 1, wait_ms as i32) };
        if n > 0 {
            match out.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => {
                    last_output = Instant::now();
                    parser.feed(&buf[..k], &mut events);
                    steps.apply(&mut events, logf.as_mut());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
            continue;
        }
        let reason = ctx.kill.load(Ordering::SeqCst);
        if reason == KILL_NONE {
            let note = if b.timeout > 0 && start.elapsed() >= Duration::from_secs(b.timeout) {
                ctx.kill.store(KILL_TIMEOUT, Ordering::SeqCst);
                Some(format!("hydrant: build timed out after {} s", b.timeout))
            } else if b.maxsilent > 0 && last_output.elapsed() >= Duration::from_secs(b.maxsilent) {
                ctx.kill.store(KILL_SILENT, Ordering::SeqCst);
                Some(format!(
                    "hydrant: build timed out after {} s of silence",
                    b.maxsilent
                ))
            } else {
                None
            };
            if let Some(note) = note {
                if let Some(f) = logf.as_mut() {
                    let _ = writeln!(f, "\n{note}");
                }
                term_group(pgid);
                term_sent = Some(Instant::now());
            }
        } else if term_sent.is_none() {
            // The runner sent SIGTERM (cancel, shutdown).
            term_sent = Some(Instant::now());
        }
        if term_sent.is_some_and(|t| t.elapsed() >= KILL_GRACE) {
            kill_group(pgid, pstart);
        }
        // A builder may leave a daemon holding the pipe: the child's exit also ends the watch.
        if let Ok(Some(s)) = child.try_wait() {
            exited = Some(s);
            break;
        }
    }
    parser.finish(&mut events);
    steps.apply(&mut events, logf.as_mut());
    drop(logf);
    let exit = match exited {
        Some(s) => Ok(s),
        None => child.wait(),
    };
    let exited_at = Instant::now();
    let reason = ctx.kill.load(Ordering::SeqCst);
    let mut outputs = b.outputs.clone();
    // The machine, not the build, failed: Nix said so and no builder failed.
    let infra = match (&exit, reason) {
        (Ok(s), KILL_NONE) if !s.success() && steps.failed_builder.is_none() => steps.infra.clone(),
        _ => None,
    };
    let (st, errormsg) = match (reason, exit) {
        _ if infra.is_some() => (None, None),
        (KILL_REQUEUE, _) => (None, None),
        (KILL_CANCEL, _) => (Some(status::CANCELLED), Some("cancelled".to_string())),
        (KILL_TIMEOUT, _) => (
            Some(status::TIMED_OUT),
            Some(format!("timed out after {} s", b.timeout)),
        ),
        (KILL_SILENT, _) => (
            Some(status::TIMED_OUT),
            Some(format!("no output for {} s", b.maxsilent)),
        ),
        (_, Err(e)) => (
            Some(status::ABORTED),
            Some(format!("cannot wait for nix-store: {e}")),
        ),
        (_, Ok(s)) if s.success() => {
            if outputs.is_empty() {
                outputs = query_outputs(&b.drvpath);
            }
            let failed = outputs
                .values()
                .any(|o| Path::new(o).join("nix-support/failed").exists());
            if failed {
                (Some(status::FAILED_WITH_OUTPUT), None)
            } else {
                (Some(status::SUCCEEDED), None)
            }
        }
        (_, Ok(s)) if s.signal().is_some() => (
            Some(status::ABORTED),
            Some(format!(
                "nix-store killed by signal {}",
                s.signal().unwrap_or(0)
            )),
        ),
        (_, Ok(_)) => {
            let text = log::tail(&logs, b.id, 64 * 1024)
                .ok()
                .flatten()
                .unwrap_or_default();
            (Some(classify_failure(&text, &b.drvpath)), last_error(&text))
        }
    };
    let with_output = matches!(
        st,
        Some(status::SUCCEEDED) | Some(status::FAILED_WITH_OUTPUT)
    );
    if with_output {
        let dir = jobset_roots(&ctx.app.config.gcroots_dir(), &b.project, &b.jobset);
        add_gc_roots(&ctx.app.nix, &dir, &outputs);
    }
    if let Some(msg) = &infra {
        log::note(
            &logs,
            b.id,
            &format!(
                "hydrant: machine {} failed: {msg}\nhydrant: the build goes back to the queue",
                ctx.machine
            ),
        );
    }
    let step_status = killed_step_status(reason).unwrap_or(status::ABORTED);
    let step_secs = steps.close_all(step_status, infra.as_deref());
    if st.is_some() {
        if let Err(e) = log::compress(&logs, b.id) {
            eprintln!("hydrant: {e}");
        }
    }
    let _ = ctx.tx.send(Done {
        exited: exited_at,
        id: b.id,
        status: st,
        errormsg,
        outputs: outputs.clone(),
        stop: now_f64(),
        cancelled: reason == KILL_CANCEL,
        infra,
        step_secs,
    });
    ctx.app.queue_wake.notify();
    if with_output {
        let paths: Vec<&str> = outputs.values().map(|s| s.as_str()).collect();
        match query_sizes(&ctx.app.nix, &paths) {
            Ok((size, closure)) => {
                if let Err(e) = ctx.app.db.queue_record_sizes(b.id, size, closure) {
                    eprintln!("hydrant: build {}: cannot record sizes: {e}", b.id);
                }
            }
            Err(e) => eprintln!("hydrant: build {}: cannot query sizes: {e}", b.id),
        }
        prune_roots(&ctx.app, b, &ctx.pruned);
    }
}

/// The steps of one run, as Nix's structured log reports them: each derivation built (on which
/// machine) or path substituted, with its own log, written to the database as it starts and
/// stops.
struct Steps<'a> {
    app: &'a App,
    build: u64,
    machine: &'a str,
    logs: &'a Path,
    next_nr: u32,
    /// Nix activity id → (step, its log file, started).
    open: HashMap<u64, (BuildStep, Option<std::fs::File>, Instant)>,
    /// Derivations whose builder failed (error messages come before the activity stops).
    failed: std::collections::HashSet<String>,
    failed_builder: Option<String>,
    infra: Option<String>,
    secs: f64,
    kill: &'a AtomicU8,
    /// The build runs on localhost (no build hook).
    local: bool,
    /// Finished steps by derivation (a failure message may name one after it stopped).
    closed: HashMap<String, BuildStep>,
}

/// The status of a step that a kill ended.
fn killed_step_status(reason: u8) -> Option<i32> {
    match reason {
        KILL_NONE => None,
        KILL_CANCEL => Some(status::CANCELLED),
        KILL_TIMEOUT | KILL_SILENT => Some(status::TIMED_OUT),
        _ => Some(status::ABORTED),
    }
}

impl<'a> Steps<'a> {
    fn new(ctx: &'a WatchCtx, logs: &'a Path) -> Steps<'a> {
        let next_nr = ctx
            .app
            .db
            .steps_begin_run(ctx.build.id)
            .unwrap_or_else(|e| {
                eprintln!("hydrant: build {}: steps: {e}", ctx.build.id);
                1
            });
        Steps {
            app: &ctx.app,
            build: ctx.build.id,
            machine: &ctx.machine,
            logs,
            next_nr,
            open: HashMap::new(),
            failed: Default::default(),
            failed_builder: None,
            infra: None,
            secs: 0.0,
            kill: &ctx.kill,
            local: ctx.local,
            closed: HashMap::new(),
        }
    }

    fn put(&self, s: &BuildStep) {
        if let Err(e) = self.app.db.put_build_step(s) {
            eprintln!("hydrant: build {} step {}: {e}", s.build, s.nr);
        }
    }

    fn apply(&mut self, events: &mut Vec<NixEvent>, mut logf: Option<&mut std::fs::File>) {
        for ev in events.drain(..) {
            match ev {
                NixEvent::Text(t) => {
                    if let Some(f) = logf.as_mut() {
                        let _ = writeln!(f, "{t}");
                    }
                }
                NixEvent::StepStart {
                    act,
                    drv,
                    machine,
                    substitution,
                } => {
                    let machine = if substitution || machine.is_empty() {
                        // Nix names no machine for a local build; ours is the one we chose
                        // (a substitution happens where nix-store runs: here).
                        if substitution {
                            "localhost"
                        } else {
                            self.machine
                        }
                        .to_string()
                    } else {
                        machine
                    };
                    let step = BuildStep {
                        build: self.build,
                        nr: self.next_nr,
                        drvpath: drv.chars().take(4096).collect(),
                        system: String::new(),
                        machine,
                        status: None,
                        starttime: Some(crate::db::now()),
                        stoptime: None,
                        errormsg: None,
                        steptype: if substitution {
                            crate::db::steps::STEP_SUBSTITUTION
                        } else {
                            crate::db::steps::STEP_BUILD
                        },
                    };
                    self.next_nr += 1;
                    self.put(&step);
                    let _ = std::fs::create_dir_all(log::steps_dir(self.logs, self.build));
                    let f =
                        std::fs::File::create(log::step_live_path(self.logs, self.build, step.nr))
                            .ok();
                    self.open.insert(act, (step, f, Instant::now()));
                }
                NixEvent::StepLine { act, line } => {
                    if let Some((_, Some(f), _)) = self.open.get_mut(&act) {
                        let _ = writeln!(f, "{line}");
                    }
                }
                NixEvent::StepFailed { drv, remote } => {
                    // On a remote machine only the remote's own report blames the build; Nix's
                    // generic "builder failed" also follows a lost connection.
                    if remote || self.local {
                        self.failed_builder.get_or_insert(drv.clone());
                        self.failed.insert(drv.clone());
                    }
                    // The message may come after the step's activity stopped.
                    if let Some(mut step) = self.closed.remove(&drv) {
                        if step.status == Some(status::SUCCEEDED) {
                            step.status = Some(if self.infra.is_some() {
                                status::ABORTED
                            } else {
                                status::FAILED
                            });
                            self.put(&step);
                        }
                    }
                }
                NixEvent::Infra(msg) => {
                    self.infra.get_or_insert(msg);
                }
                NixEvent::StepStop { act } => {
                    if let Some((mut step, f, t)) = self.open.remove(&act) {
                        let ok = !self.failed.contains(&step.drvpath);
                        // Nix also stops the activities of builds it was told to kill, and of
                        // builds whose machine was lost.
                        let killed = killed_step_status(self.kill.load(Ordering::SeqCst));
                        step.status = Some(match killed {
                            Some(k) => k,
                            None if self.infra.is_some() => status::ABORTED,
                            None if ok => status::SUCCEEDED,
                            None => status::FAILED,
                        });
                        self.stop(step, f, t);
                    }
                }
            }
        }
    }

    fn stop(&mut self, mut step: BuildStep, f: Option<std::fs::File>, started: Instant) {
        step.stoptime = Some(crate::db::now());
        self.secs += started.elapsed().as_secs_f64();
        self.put(&step);
        self.closed.insert(step.drvpath.clone(), step.clone());
        drop(f);
        let _ = log::compress_step(self.logs, self.build, step.nr);
    }

    /// Steps Nix did not finish (killed, machine lost) get `status`; returns the seconds of all
    /// steps of this run.
    fn close_all(&mut self, status: i32, msg: Option<&str>) -> f64 {
        let open: Vec<(BuildStep, Option<std::fs::File>, Instant)> =
            self.open.drain().map(|(_, v)| v).collect();
        for (mut step, f, t) in open {
            step.status = Some(status);
            step.errormsg = msg.map(|m| m.chars().take(1000).collect());
            self.stop(step, f, t);
        }
        self.secs
    }
}

/// `requiredSystemFeatures` of a derivation, sorted, read from its .drv (ATerm: the env pair
/// `("requiredSystemFeatures","kvm big-parallel")`). A missing or unreadable file has none.
pub fn required_features(drv: &str) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(drv) else {
        return Vec::new();
    };
    drv_required_features(&text)
}

pub fn drv_required_features(text: &str) -> Vec<String> {
    const KEY: &str = "(\"requiredSystemFeatures\",\"";
    let Some(rest) = text.split(KEY).nth(1) else {
        return Vec::new();
    };
    // The value ends at the first unescaped quote; `\n`, `\t` and `\r` are whitespace.
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('n' | 't' | 'r') => value.push(' '),
                Some(o) => value.push(o),
                None => break,
            },
            c => value.push(c),
        }
    }
    let mut f: Vec<String> = value.split_whitespace().map(String::from).collect();
    f.sort();
    f.dedup();
    f
}

/// Nix 2.x reports a failed dependency as "N dependencies of derivation 'X' failed to build" or
/// names another derivation's builder as the one that failed.
pub fn classify_failure(log_text: &str, drv: &str) -> i32 {
    for line in log_text.lines() {
        if line.contains("dependencies of derivation") && line.contains("failed to build") {
            return status::DEP_FAILED;
        }
        if let Some(rest) = line.split("builder for '").nth(1) {
            if let Some(failed) = rest.split('\'').next() {
                if failed != drv {
                    return status::DEP_FAILED;
                }
            }
        }
    }
    status::FAILED
}

fn last_error(text: &str) -> Option<String> {
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| l.trim().chars().take(1000).collect())
}

/// Outputs of a derivation, read from the .drv file itself (no Nix process on the hot path).
fn query_outputs(drv: &str) -> BTreeMap<String, String> {
    std::fs::read_to_string(drv)
        .map(|t| drv_outputs(&t))
        .unwrap_or_default()
}

/// Parses the outputs list of a .drv (ATerm): `Derive([("out","/nix/store/…","",""),…],…`.
pub fn drv_outputs(text: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let Some(rest) = text.strip_prefix("Derive([") else {
        return m;
    };
    let mut s = rest;
    while let Some(r) = s.strip_prefix("(\"") {
        let mut fields = Vec::new();
        let mut cur = r;
        // Each output tuple has four quoted strings; output names and paths hold no quotes.
        for _ in 0..4 {
            let Some(end) = cur.find('"') else { return m };
            fields.push(&cur[..end]);
            cur = &cur[end + 1..];
            cur = cur.strip_prefix(",\"").unwrap_or(cur);
        }
        if !fields[1].is_empty() {
            m.insert(fields[0].to_string(), fields[1].to_string());
        }
        let Some(close) = cur.find(')') else { return m };
        s = &cur[close + 1..];
        s = s.strip_prefix(',').unwrap_or(s);
    }
    m
}

/// (sum of the outputs' NAR sizes, NAR size of their closure), asked of Nix through `nix::cli`.
fn query_sizes(cli: &NixCli, outputs: &[&str]) -> Result<(u64, u64), String> {
    let paths = outputs
        .iter()
        .map(|o| cli.parse_path(o).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    cli.output_sizes(&paths).map_err(|e| e.to_string())
}

/// GC roots of one jobset: `gcroots/PROJECT/JOBSET/` (names are validated, so they are safe
/// path components). Deleting the jobset removes the directory.
pub fn jobset_roots(gcroots: &Path, project: &str, jobset: &str) -> PathBuf {
    gcroots.join(project).join(jobset)
}

fn root_path(dir: &Path, output: &str) -> Option<PathBuf> {
    let base = Path::new(output).file_name()?;
    Some(dir.join(base))
}

/// Links each output from `dir`. Only store paths of `nix`'s store get a root: an output
/// path is evaluation's word, and `/etc` must never become `gcroots/…/etc -> /etc`.
fn add_gc_roots(nix: &NixCli, dir: &Path, outputs: &BTreeMap<String, String>) {
    let _ = std::fs::create_dir_all(dir);
    for o in outputs.values() {
        if let Err(e) = nix.parse_path(o) {
            eprintln!("hydrant: no GC root for {o:?}: {e}");
            continue;
        }
        let Some(link) = root_path(dir, o) else {
            continue;
        };
        let _ = std::fs::remove_file(&link);
        if let Err(e) = std::os::unix::fs::symlink(o, &link) {
            eprintln!("hydrant: cannot create GC root {}: {e}", link.display());
        }
    }
}

/// Start-up: GC-root folders of jobsets that no longer exist go (a crash between a delete's
/// commit and its file removal leaves them). After the migration from schema 1, whose roots lay
/// flat in `gcroots/`, the kept evals' outputs are rooted under their jobsets and the flat
/// links removed.
fn tidy_roots(app: &App) {
    let dir = app.config.gcroots_dir();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for p in rd
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        {
            let project = p.file_name().to_string_lossy().to_string();
            for j in std::fs::read_dir(p.path()).into_iter().flatten().flatten() {
                let jobset = j.file_name().to_string_lossy().to_string();
                if matches!(app.db.jobset(&project, &jobset), Ok(None)) {
                    let _ = std::fs::remove_dir_all(j.path());
                }
            }
            if matches!(app.db.project(&project), Ok(None)) {
                let _ = std::fs::remove_dir(p.path());
            }
        }
    }
    if !matches!(app.db.flat_roots_pending(), Ok(true)) {
        return;
    }
    for js in app.db.all_jobsets().unwrap_or_default() {
        let roots = jobset_roots(&dir, &js.project, &js.name);
        let keep = js.keepnr.max(1) as usize;
        let (evals, _) = app
            .db
            .jobset_evals(&js.project, &js.name, 0, keep)
            .unwrap_or_default();
        for e in evals {
            for (b, _) in app.db.eval_builds(e.id).unwrap_or_default() {
                if b.finished && matches!(b.buildstatus, Some(0) | Some(6)) {
                    add_gc_roots(&app.nix, &roots, &b.outputs);
                }
            }
        }
    }
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            if e.file_type().is_ok_and(|t| t.is_symlink()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    if let Err(e) = app.db.set_flat_roots_done() {
        eprintln!("hydrant: {e}");
    }
}

/// keepnr: outputs of the jobset's builds that only appear in evals older than the newest
/// `keepnr` lose their GC roots. Done once per new eval of the jobset; looks at the few evals
/// that most recently fell out of the kept range (older ones were pruned when they did).
fn prune_roots(app: &App, b: &Build, pruned: &Mutex<HashMap<(String, String), u64>>) {
    let Ok(Some(js)) = app.db.jobset(&b.project, &b.jobset) else {
        return;
    };
    let keep = js.keepnr.max(1) as usize;
    let Ok((newest, _)) = app.db.jobset_evals(&b.project, &b.jobset, 0, keep) else {
        return;
    };
    let Some(top) = newest.first().map(|e| e.id) else {
        return;
    };
    {
        let Ok(mut m) = pruned.lock() else { return };
        let key = (b.project.clone(), b.jobset.clone());
        if m.get(&key) == Some(&top) {
            return;
        }
        m.insert(key, top);
    }
    let Ok(old) = app.db.queue_old_evals(&b.project, &b.jobset, keep) else {
        return;
    };
    // Roots are named by output path, which builds of one jobset may share (an alias job, a
    // job that comes back): what a kept build needs is never unlinked.
    let mut kept_ids = std::collections::HashSet::new();
    let mut kept_outputs = std::collections::HashSet::new();
    for e in &newest {
        for (kb, _) in app.db.eval_builds(e.id).unwrap_or_default() {
            kept_ids.insert(kb.id);
            kept_outputs.extend(kb.outputs.into_values());
        }
    }
    let dir = jobset_roots(&app.config.gcroots_dir(), &b.project, &b.jobset);
    for eval in old.iter().rev().take(5) {
        for (ob, _) in app.db.eval_builds(*eval).unwrap_or_default() {
            if kept_ids.contains(&ob.id) || ob.project != b.project || ob.jobset != b.jobset {
                continue;
            }
            for o in ob.outputs.values() {
                if kept_outputs.contains(o) {
                    continue;
                }
                if let Some(link) = root_path(&dir, o) {
                    let _ = std::fs::remove_file(link);
                }
            }
        }
    }
}

/// Reads the products a build's outputs declare (`nix-support/hydra-build-products`) and
/// records them, before its finish is recorded. A failure to record is logged: the build's
/// result matters more than its product list.
fn record_products(app: &App, id: u64, outputs: &BTreeMap<String, String>) {
    let (products, releasename) = crate::nix::products::read(outputs);
    let p = crate::db::api::Products {
        products,
        releasename,
    };
    if let Err(e) = app.db.set_build_products(id, &p) {
        eprintln!("hydrant: build {id}: cannot record its products: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_follow_their_constituents() {
        let b = |id: u64, finished: bool, st: Option<i32>| Build {
            id,
            job: format!("j{id}"),
            finished,
            buildstatus: st,
            ..Default::default()
        };
        assert_eq!(aggregate_state(&[]), AggregateState::Ready);
        let ok = b(1, true, Some(status::SUCCEEDED));
        let with_output = b(2, true, Some(status::FAILED_WITH_OUTPUT));
        let queued = b(3, false, None);
        let failed = b(4, true, Some(status::FAILED));
        let cancelled = b(5, true, Some(status::CANCELLED));
        assert_eq!(
            aggregate_state(&[ok.clone(), with_output.clone()]),
            AggregateState::Ready
        );
        assert_eq!(
            aggregate_state(&[ok.clone(), queued.clone()]),
            AggregateState::Waiting
        );
        // A failure is final at once, even with a constituent still queued.
        assert_eq!(
            aggregate_state(&[queued, failed, ok]),
            AggregateState::Failed("constituent build 4 (job j4) failed".into())
        );
        assert!(
            matches!(aggregate_state(&[cancelled]), AggregateState::Failed(m) if m.contains("cancelled"))
        );
    }

    #[test]
    fn parses_drv_outputs_and_classifies_failures() {
        let t = r#"Derive([("dev","/nix/store/aaa-x-dev","",""),("out","/nix/store/bbb-x","","")],[],[],"x86_64-linux","/bin/sh",[],[])"#;
        let m = drv_outputs(t);
        assert_eq!(m.len(), 2);
        assert_eq!(m["dev"], "/nix/store/aaa-x-dev");
        assert_eq!(m["out"], "/nix/store/bbb-x");
        assert!(drv_outputs("garbage").is_empty());
        let env = r#"Derive([("out","/nix/store/bbb-x","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("requiredSystemFeatures","kvm big-parallel\nkvm"),("system","x86_64-linux")])"#;
        assert_eq!(drv_required_features(env), vec!["big-parallel", "kvm"]);
        assert!(drv_required_features(t).is_empty());
        let drv = "/nix/store/top.drv";
        assert_eq!(
            classify_failure(
                "error: builder for '/nix/store/top.drv' failed with exit code 1",
                drv
            ),
            status::FAILED
        );
        assert_eq!(
            classify_failure("error: builder for '/nix/store/dep.drv' failed with exit code 1\nerror: 1 dependencies of derivation '/nix/store/top.drv' failed to build", drv),
            status::DEP_FAILED
        );
    }
}
