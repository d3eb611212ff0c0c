//! The persistent upload queue: builds in `db::CACHE_PENDING` are expanded into per-target path
//! tasks kept in redb, worked by background threads in reference order, so a restart or a
//! `kill -9` resumes where it stopped. Also the periodic S3 GC thread.

use super::gc::GcLock;
use super::upload::{closure_infos, ObjectStore, Progress, S3Store, Uploader};
use super::{CacheError, PathInfo, Target};
use crate::app::App;
use crate::db::{self, decode, encode, Build, Db, BUILDS, CACHE_PENDING};
use crate::nix::cli::NixCli;
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// (target id, store path) → PathTask: a path still to upload to that target.
pub const CACHE_TASKS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("cache_tasks");
/// (target id, build id, store path) → (): which builds wait on which path tasks.
pub const CACHE_BUILD_WAIT: TableDefinition<(&str, u64, &str), ()> =
    TableDefinition::new("cache_build_wait");
/// (target id, hash part) → time: paths known to be in the bucket (narinfo written).
pub const CACHE_UPLOADED: TableDefinition<(&str, &str), i64> =
    TableDefinition::new("cache_uploaded");
/// target id → the GC generation the UPLOADED records were made under.
pub const CACHE_GC_GEN: TableDefinition<&str, u64> = TableDefinition::new("cache_gc_gen");
/// sequence → CacheErrorRecord (the most recent `MAX_ERRORS`).
pub const CACHE_ERRORS: TableDefinition<u64, &[u8]> = TableDefinition::new("cache_errors");
/// target id → TargetStats
pub const CACHE_STATS: TableDefinition<&str, &[u8]> = TableDefinition::new("cache_stats");

const MAX_ERRORS: u64 = 200;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct PathTask {
    /// References (full paths, without the path itself) that must be uploaded first.
    pub refs: Vec<String>,
    pub builds: Vec<u64>,
    pub attempts: u32,
    /// Unix time before which the task is not retried.
    pub next_try: i64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct CacheErrorRecord {
    pub time: i64,
    pub target: String,
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct TargetStats {
    pub uploaded: u64,
    pub skipped: u64,
    pub nar_bytes: u64,
    pub file_bytes: u64,
    /// Seconds spent uploading (for throughput).
    pub seconds: f64,
    pub last_upload: Option<i64>,
}

/// What the cache status page shows for one target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetStatus {
    pub target: String,
    pub queued_paths: u64,
    pub failing_paths: u64,
    pub waiting_builds: u64,
    pub stats: TargetStats,
}

/// Creates the queue tables (redb creates a table on first write).
pub fn init(db: &Db) -> Result<(), CacheError> {
    let tx = db.inner.begin_write()?;
    tx.open_table(CACHE_TASKS)?;
    tx.open_table(CACHE_BUILD_WAIT)?;
    tx.open_table(CACHE_UPLOADED)?;
    tx.open_table(CACHE_GC_GEN)?;
    tx.open_table(CACHE_ERRORS)?;
    tx.open_table(CACHE_STATS)?;
    tx.open_table(CACHE_PENDING)?;
    tx.commit()?;
    Ok(())
}

fn set_cached(
    tx: &WriteTransaction,
    build: u64,
    target: &str,
    value: &str,
) -> Result<(), CacheError> {
    let mut builds = tx.open_table(BUILDS)?;
    let cur = builds.get(build)?.map(|v| v.value().to_vec());
    if let Some(cur) = cur {
        let mut b: Build = decode(&format!("build {build}"), &cur)?;
        b.cached.insert(target.to_string(), value.to_string());
        builds.insert(build, encode(&b).as_slice())?;
    }
    Ok(())
}

/// Queues the closure `infos` of build `build` for each target, then drops the build from
/// `CACHE_PENDING`, all in one transaction. Paths already known in a bucket are not queued.
pub fn enqueue(
    db: &Db,
    build: u64,
    targets: &[String],
    infos: &[PathInfo],
) -> Result<(), CacheError> {
    let tx = db.inner.begin_write()?;
    {
        let mut tasks = tx.open_table(CACHE_TASKS)?;
        let mut wait = tx.open_table(CACHE_BUILD_WAIT)?;
        let uploaded = tx.open_table(CACHE_UPLOADED)?;
        for t in targets {
            let mut queued = 0;
            for i in infos {
                let Some(h) = super::hash_part(&i.path) else {
                    continue;
                };
                if uploaded.get((t.as_str(), h))?.is_some() {
                    continue;
                }
                let cur = tasks
                    .get((t.as_str(), i.path.as_str()))?
                    .map(|v| v.value().to_vec());
                let mut task: PathTask = match cur {
                    Some(c) => decode("cache task", &c)?,
                    None => PathTask {
                        refs: i
                            .references
                            .iter()
                            .filter(|r| **r != i.path)
                            .cloned()
                            .collect(),
                        ..Default::default()
                    },
                };
                if !task.builds.contains(&build) {
                    task.builds.push(build);
                }
                tasks.insert((t.as_str(), i.path.as_str()), encode(&task).as_slice())?;
                wait.insert((t.as_str(), build, i.path.as_str()), ())?;
                queued += 1;
            }
            let state = if queued == 0 { "ok" } else { "queued" };
            set_cached(&tx, build, t, state)?;
        }
        tx.open_table(CACHE_PENDING)?.remove(build)?;
    }
    tx.commit()?;
    Ok(())
}

/// Drops a pending build that needs no upload, recording why on the build for each target.
fn drop_pending(db: &Db, build: u64, note: Option<(&[String], &str)>) -> Result<(), CacheError> {
    let tx = db.inner.begin_write()?;
    {
        if let Some((targets, msg)) = note {
            for t in targets {
                set_cached(&tx, build, t, msg)?;
            }
        }
        tx.open_table(CACHE_PENDING)?.remove(build)?;
    }
    tx.commit()?;
    Ok(())
}

/// Expands every build in `CACHE_PENDING` into path tasks. Nix runs outside any transaction.
pub fn expand_pending(
    db: &Db,
    nix: &NixCli,
    targets: &[(Target, &crate::config::S3Config)],
) -> Result<usize, CacheError> {
    let ids: Vec<u64> = {
        let tx = db.inner.begin_read()?;
        let t = tx.open_table(CACHE_PENDING)?;
        let mut v = Vec::new();
        for r in t.iter()? {
            v.push(r?.0.value());
        }
        v
    };
    let mut n = 0;
    for id in ids {
        let build: Option<Build> = {
            let tx = db.inner.begin_read()?;
            let t = tx.open_table(BUILDS)?;
            let v = t.get(id)?;
            v.map(|v| decode(&format!("build {id}"), v.value()))
                .transpose()?
        };
        let Some(build) = build else {
            drop_pending(db, id, None)?;
            continue;
        };
        let matching: Vec<String> = targets
            .iter()
            .filter(|(_, s)| s.matches(&build.project, &build.jobset, &build.job))
            .map(|(t, _)| t.id())
            .collect();
        if matching.is_empty() {
            drop_pending(db, id, None)?;
            continue;
        }
        let mut outs = Vec::new();
        let mut bad = None;
        for o in build.outputs.values() {
            match nix.parse_path(o) {
                Ok(p) => match nix.is_valid(&p) {
                    Ok(true) => outs.push(p),
                    Ok(false) => bad = Some(format!("error: output {o} is not in the store")),
                    Err(e) => return Err(CacheError::Nix(e.to_string())),
                },
                Err(e) => bad = Some(format!("error: output {o}: {e}")),
            }
        }
        if let Some(msg) = bad {
            drop_pending(db, id, Some((&matching, &msg)))?;
            continue;
        }
        let infos = closure_infos(nix, &outs)?;
        enqueue(db, id, &matching, &infos)?;
        n += 1;
    }
    Ok(n)
}

/// The first task of `target` whose references are all uploaded, not taken by another worker
/// and not backing off.
pub fn next_ready(
    db: &Db,
    target: &str,
    inflight: &HashSet<String>,
    now: i64,
) -> Result<Option<(String, PathTask)>, CacheError> {
    let tx = db.inner.begin_read()?;
    let tasks = tx.open_table(CACHE_TASKS)?;
    for r in tasks.range((target, "")..=(target, "\u{10FFFF}"))? {
        let (k, v) = r?;
        let path = k.value().1.to_string();
        if inflight.contains(&path) {
            continue;
        }
        let task: PathTask = decode("cache task", v.value())?;
        if task.next_try > now {
            continue;
        }
        let mut ready = true;
        for r in &task.refs {
            if tasks.get((target, r.as_str()))?.is_some() {
                ready = false;
                break;
            }
        }
        if ready {
            return Ok(Some((path, task)));
        }
    }
    Ok(None)
}

/// A path task finished: `Ok(uploaded?)` marks it in the bucket and settles builds that waited
/// only on it; `Err` backs it off (or drops it when `permanent`).
pub fn finish(
    db: &Db,
    target: &str,
    path: &str,
    result: Result<bool, (String, bool)>,
    stats: Option<(u64, u64, f64)>,
) -> Result<(), CacheError> {
    let now = db::now();
    let tx = db.inner.begin_write()?;
    {
        let mut tasks = tx.open_table(CACHE_TASKS)?;
        let cur = tasks.get((target, path))?.map(|v| v.value().to_vec());
        let Some(cur) = cur else {
            drop(tasks);
            tx.commit()?;
            return Ok(());
        };
        let mut task: PathTask = decode("cache task", &cur)?;
        let mut wait = tx.open_table(CACHE_BUILD_WAIT)?;
        let settle = |wait: &mut redb::Table<(&str, u64, &str), ()>,
                      task: &PathTask,
                      msg: Option<&str>|
         -> Result<Vec<(u64, String)>, CacheError> {
            let mut out = Vec::new();
            for b in &task.builds {
                wait.remove((target, *b, path))?;
                let more = wait
                    .range((target, *b, "")..=(target, *b, "\u{10FFFF}"))?
                    .next()
                    .is_some();
                match msg {
                    Some(m) => out.push((*b, m.to_string())),
                    None if !more => out.push((*b, "ok".to_string())),
                    None => {}
                }
            }
            Ok(out)
        };
        let updates = match &result {
            Ok(uploaded) => {
                tasks.remove((target, path))?;
                if let Some(h) = super::hash_part(path) {
                    tx.open_table(CACHE_UPLOADED)?.insert((target, h), now)?;
                }
                let mut st = tx.open_table(CACHE_STATS)?;
                let cur = st.get(target)?.map(|v| v.value().to_vec());
                let mut s: TargetStats = match cur {
                    Some(c) => decode("cache stats", &c)?,
                    None => TargetStats::default(),
                };
                if *uploaded {
                    s.uploaded += 1;
                    s.last_upload = Some(now);
                } else {
                    s.skipped += 1;
                }
                if let Some((nar, file, secs)) = stats {
                    s.nar_bytes += nar;
                    s.file_bytes += file;
                    s.seconds += secs;
                }
                st.insert(target, encode(&s).as_slice())?;
                settle(&mut wait, &task, None)?
            }
            Err((msg, permanent)) => {
                let mut errs = tx.open_table(CACHE_ERRORS)?;
                let seq = errs.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
                let rec = CacheErrorRecord {
                    time: now,
                    target: target.into(),
                    path: path.into(),
                    error: msg.clone(),
                };
                errs.insert(seq, encode(&rec).as_slice())?;
                if seq > MAX_ERRORS {
                    errs.retain(|k, _| k > seq - MAX_ERRORS)?;
                }
                if *permanent {
                    tasks.remove((target, path))?;
                    settle(&mut wait, &task, Some(&format!("error: {path}: {msg}")))?
                } else {
                    task.attempts += 1;
                    let backoff = (10i64 << task.attempts.min(6)).min(600);
                    task.next_try = now + backoff;
                    task.error = Some(msg.clone());
                    tasks.insert((target, path), encode(&task).as_slice())?;
                    task.builds
                        .iter()
                        .map(|b| (*b, format!("error (retrying): {path}: {msg}")))
                        .collect()
                }
            }
        };
        drop(tasks);
        drop(wait);
        for (b, msg) in updates {
            set_cached(&tx, b, target, &msg)?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Forgets the "already uploaded" records of `target` if a collection ran since they were made.
pub fn sync_gc_generation(db: &Db, target: &str, generation: u64) -> Result<(), CacheError> {
    {
        let tx = db.inner.begin_read()?;
        let t = tx.open_table(CACHE_GC_GEN)?;
        if t.get(target)?.map(|v| v.value()).unwrap_or(0) == generation {
            return Ok(());
        }
    }
    let tx = db.inner.begin_write()?;
    {
        let mut up = tx.open_table(CACHE_UPLOADED)?;
        up.retain_in((target, "")..=(target, "\u{10FFFF}"), |_, _| false)?;
        tx.open_table(CACHE_GC_GEN)?.insert(target, generation)?;
    }
    tx.commit()?;
    Ok(())
}

/// Whether `target` has a record of the path in its bucket.
pub fn known_uploaded(db: &Db, target: &str, path: &str) -> Result<bool, CacheError> {
    let Some(h) = super::hash_part(path) else {
        return Ok(false);
    };
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_UPLOADED)?;
    let found = t.get((target, h))?.is_some();
    Ok(found)
}

/// Queue length, stats and failures per target, for the cache status page.
pub fn status(db: &Db, targets: &[String]) -> Result<Vec<TargetStatus>, CacheError> {
    let tx = db.inner.begin_read()?;
    let tasks = tx.open_table(CACHE_TASKS)?;
    let wait = tx.open_table(CACHE_BUILD_WAIT)?;
    let stats = tx.open_table(CACHE_STATS)?;
    let mut out = Vec::new();
    for t in targets {
        let t = t.as_str();
        let mut queued = 0;
        let mut failing = 0;
        for r in tasks.range((t, "")..=(t, "\u{10FFFF}"))? {
            let (_, v) = r?;
            queued += 1;
            let task: PathTask = decode("cache task", v.value())?;
            if task.error.is_some() {
                failing += 1;
            }
        }
        let mut builds = std::collections::BTreeSet::new();
        for r in wait.range((t, 0, "")..=(t, u64::MAX, "\u{10FFFF}"))? {
            builds.insert(r?.0.value().1);
        }
        let s = match stats.get(t)? {
            Some(v) => decode("cache stats", v.value())?,
            None => TargetStats::default(),
        };
        out.push(TargetStatus {
            target: t.to_string(),
            queued_paths: queued,
            failing_paths: failing,
            waiting_builds: builds.len() as u64,
            stats: s,
        });
    }
    Ok(out)
}

/// The most recent upload errors, newest first.
pub fn recent_errors(db: &Db, limit: usize) -> Result<Vec<CacheErrorRecord>, CacheError> {
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_ERRORS)?;
    let mut out = Vec::new();
    for r in t.iter()?.rev().take(limit) {
        out.push(decode("cache error", r?.1.value())?);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Threads.

/// Wakes every worker (the app's `cache_wake` wakes only one waiter).
#[derive(Default)]
struct Signal {
    generation: Mutex<u64>,
    cv: Condvar,
}

impl Signal {
    fn notify(&self) {
        if let Ok(mut g) = self.generation.lock() {
            *g += 1;
            self.cv.notify_all();
        }
    }
    fn wait(&self, seen: &mut u64, timeout: Duration) {
        let Ok(g) = self.generation.lock() else {
            return;
        };
        if *g == *seen {
            let g = match self.cv.wait_timeout_while(g, timeout, |g| *g == *seen) {
                Ok((g, _)) => g,
                Err(_) => return,
            };
            *seen = *g;
        } else {
            *seen = *g;
        }
    }
}

fn nix_for(app: &App) -> NixCli {
    NixCli {
        store_dir: app.config.store_dir.clone(),
        ..NixCli::default()
    }
}

fn log(msg: &str) {
    eprintln!("hydrant cache: {msg}");
}

/// Starts the upload threads: one dispatcher that expands finished builds (woken by
/// `app.cache_wake`) and `upload_jobs` workers per configured target. The handle joins them all
/// after `app.shutdown()`.
pub fn spawn(app: Arc<App>) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("cache-dispatch".into())
        .spawn(move || dispatcher(app))
        .unwrap_or_else(|e| {
            log(&format!("cannot start the cache dispatcher thread: {e}"));
            std::thread::spawn(|| {})
        })
}

fn dispatcher(app: Arc<App>) {
    if let Err(e) = init(&app.db) {
        log(&format!("cannot prepare the upload queue: {e}"));
        return;
    }
    let nix = nix_for(&app);
    let signal = Arc::new(Signal::default());
    let mut workers = Vec::new();
    let mut targets: Vec<(Target, crate::config::S3Config)> = Vec::new();
    for s in &app.config.s3 {
        targets.push((Target::from_config(s), s.clone()));
    }
    // Two sections for the same bucket and prefix share one set of workers (the first
    // section's settings); each still routes its own jobs there.
    let mut started: HashSet<String> = HashSet::new();
    for (target, _) in &targets {
        if !started.insert(target.id()) {
            continue;
        }
        let store: Arc<dyn ObjectStore> = match S3Store::new(target) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                log(&format!(
                    "bucket {}: {e}; uploads to it are off",
                    target.id()
                ));
                continue;
            }
        };
        let uploader = match Uploader::new(
            target.clone(),
            store,
            nix.clone(),
            app.config.state_dir.join("tmp"),
        ) {
            Ok(u) => Arc::new(u),
            Err(e) => {
                log(&format!(
                    "bucket {}: {e}; uploads to it are off",
                    target.id()
                ));
                continue;
            }
        };
        let inflight = Arc::new(Mutex::new(HashSet::new()));
        for n in 0..target.upload_jobs {
            let (app, uploader, inflight, signal) = (
                app.clone(),
                uploader.clone(),
                inflight.clone(),
                signal.clone(),
            );
            let name = format!("cache-upload-{}-{n}", target.bucket);
            match std::thread::Builder::new()
                .name(name)
                .spawn(move || worker(app, uploader, inflight, signal))
            {
                Ok(h) => workers.push(h),
                Err(e) => log(&format!("cannot start an upload thread: {e}")),
            }
        }
    }
    let refs: Vec<(Target, &crate::config::S3Config)> =
        targets.iter().map(|(t, s)| (t.clone(), s)).collect();
    while !app.shutting_down() {
        match expand_pending(&app.db, &nix, &refs) {
            Ok(n) if n > 0 => signal.notify(),
            Ok(_) => {}
            Err(e) => log(&format!("expanding finished builds: {e}")),
        }
        app.cache_wake.wait(Duration::from_secs(10));
    }
    signal.notify();
    for w in workers {
        let _ = w.join();
    }
}

fn worker(
    app: Arc<App>,
    up: Arc<Uploader>,
    inflight: Arc<Mutex<HashSet<String>>>,
    signal: Arc<Signal>,
) {
    let target = up.target.id();
    let state_dir = app.config.state_dir.clone();
    let progress = Progress::default();
    let mut info_done = false;
    let mut seen = 0u64;
    while !app.shutting_down() {
        let lock = match GcLock::try_shared(&state_dir, &up.target) {
            Ok(Some(l)) => l,
            Ok(None) => {
                // A collection runs on this bucket: uploads wait for it.
                signal.wait(&mut seen, Duration::from_secs(1));
                continue;
            }
            Err(e) => {
                log(&format!("{target}: {e}"));
                signal.wait(&mut seen, Duration::from_secs(10));
                continue;
            }
        };
        if let Err(e) = sync_gc_generation(&app.db, &target, lock.generation()) {
            log(&format!("{target}: {e}"));
        }
        let picked = {
            let Ok(mut fl) = inflight.lock() else { return };
            match next_ready(&app.db, &target, &fl, db::now()) {
                Ok(Some((p, t))) => {
                    fl.insert(p.clone());
                    Some((p, t))
                }
                Ok(None) => None,
                Err(e) => {
                    log(&format!("{target}: reading the queue: {e}"));
                    None
                }
            }
        };
        let Some((path, _task)) = picked else {
            drop(lock);
            signal.wait(&mut seen, Duration::from_secs(5));
            continue;
        };
        let result = work_one(&app, &up, &path, &progress, &mut info_done);
        drop(lock);
        let finished = match result {
            Ok((uploaded, stats)) => finish(&app.db, &target, &path, Ok(uploaded), stats),
            Err((e, permanent)) => {
                log(&format!("{target}: {path}: {e}"));
                finish(
                    &app.db,
                    &target,
                    &path,
                    Err((e.to_string(), permanent)),
                    None,
                )
            }
        };
        if let Err(e) = finished {
            log(&format!("{target}: recording {path}: {e}"));
        }
        if let Ok(mut fl) = inflight.lock() {
            fl.remove(&path);
        }
        // Referrers of this path may have become ready.
        signal.notify();
    }
}

type WorkResult = Result<(bool, Option<(u64, u64, f64)>), (CacheError, bool)>;

fn work_one(
    app: &App,
    up: &Uploader,
    path: &str,
    progress: &Progress,
    info_done: &mut bool,
) -> WorkResult {
    let sp = up
        .nix
        .parse_path(path)
        .map_err(|e| (CacheError::Nix(e.to_string()), true))?;
    if known_uploaded(&app.db, &up.target.id(), path).map_err(|e| (e, false))? {
        return Ok((false, None));
    }
    if !*info_done {
        up.ensure_cache_info().map_err(|e| (e, false))?;
        *info_done = true;
    }
    if up.is_present(&sp).map_err(|e| (e, false))? {
        progress.paths_skipped.fetch_add(1, Ordering::Relaxed);
        return Ok((false, None));
    }
    let t = Instant::now();
    match up.upload(&sp, progress) {
        Ok(u) => Ok((
            true,
            Some((u.nar_size, u.file_size, t.elapsed().as_secs_f64())),
        )),
        Err(e) => {
            // A path that left the store will never upload; anything else is worth a retry.
            let permanent = matches!(up.nix.is_valid(&sp), Ok(false));
            Err((e, permanent))
        }
    }
}

/// Starts the periodic collector when `s3_gc_interval` is set; the thread ends at shutdown.
pub fn spawn_gc(app: Arc<App>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let interval = app.config.s3_gc_interval;
        if interval == 0 || app.config.s3.is_empty() {
            return;
        }
        let mut last = Instant::now();
        while !app.shutting_down() {
            std::thread::sleep(Duration::from_millis(500));
            if last.elapsed() < Duration::from_secs(interval) {
                continue;
            }
            last = Instant::now();
            match super::cmd::collect(&app.config, None, false) {
                Ok(reports) => {
                    for r in reports {
                        log(&format!("s3-gc {r}"));
                    }
                }
                Err(e) => log(&format!("s3-gc: {e}")),
            }
        }
    })
}

/// Builds that finished with output and await expansion, for tests and the status page.
pub fn pending_builds(db: &Db) -> Result<Vec<u64>, CacheError> {
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_PENDING)?;
    let mut v = Vec::new();
    for r in t.iter()? {
        v.push(r?.0.value());
    }
    Ok(v)
}

/// Everything queued for a target: path → task.
pub fn tasks(db: &Db, target: &str) -> Result<BTreeMap<String, PathTask>, CacheError> {
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_TASKS)?;
    let mut out = BTreeMap::new();
    for r in t.range((target, "")..=(target, "\u{10FFFF}"))? {
        let (k, v) = r?;
        out.insert(k.value().1.to_string(), decode("cache task", v.value())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const P1: &str = "/nix/store/00000000000000000000000000000001-a";
    const P2: &str = "/nix/store/00000000000000000000000000000002-b";
    const P3: &str = "/nix/store/00000000000000000000000000000003-c";

    fn tmpdb() -> (Db, std::path::PathBuf) {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-cacheq-{}", u64::from_le_bytes(b)));
        let db = Db::open(&dir.join("h.redb")).unwrap();
        init(&db).unwrap();
        (db, dir)
    }

    fn info(p: &str, refs: &[&str]) -> PathInfo {
        PathInfo {
            path: p.into(),
            references: refs.iter().map(|s| s.to_string()).collect(),
            deriver: None,
        }
    }

    fn put_build(db: &Db, id: u64) {
        let tx = db.inner.begin_write().unwrap();
        {
            let b = Build {
                id,
                finished: true,
                buildstatus: Some(0),
                ..Default::default()
            };
            tx.open_table(BUILDS)
                .unwrap()
                .insert(id, encode(&b).as_slice())
                .unwrap();
            tx.open_table(CACHE_PENDING)
                .unwrap()
                .insert(id, ())
                .unwrap();
        }
        tx.commit().unwrap();
    }

    fn cached(db: &Db, id: u64) -> BTreeMap<String, String> {
        let tx = db.inner.begin_read().unwrap();
        let t = tx.open_table(BUILDS).unwrap();
        let b: Build = decode("b", t.get(id).unwrap().unwrap().value()).unwrap();
        b.cached
    }

    #[test]
    fn queue_orders_shares_and_settles() {
        let (db, dir) = tmpdb();
        put_build(&db, 1);
        put_build(&db, 2);
        let closure = vec![info(P1, &[P1]), info(P2, &[P1]), info(P3, &[P2, P3])];
        enqueue(&db, 1, &["t".into()], &closure).unwrap();
        // Build 2 shares P1 and P2.
        enqueue(&db, 2, &["t".into()], &closure[..2]).unwrap();
        assert!(pending_builds(&db).unwrap().is_empty());
        assert_eq!(tasks(&db, "t").unwrap().len(), 3);
        assert_eq!(tasks(&db, "t").unwrap()[P1].builds, vec![1, 2]);
        assert_eq!(cached(&db, 1)["t"], "queued");
        let none = HashSet::new();
        // Only P1 is ready: P2 waits on P1, P3 on P2.
        let (p, _) = next_ready(&db, "t", &none, 0).unwrap().unwrap();
        assert_eq!(p, P1);
        let busy: HashSet<String> = [P1.to_string()].into();
        assert!(next_ready(&db, "t", &busy, 0).unwrap().is_none());
        // A failure backs off and marks the builds, without dropping the task.
        finish(&db, "t", P1, Err(("boom".into(), false)), None).unwrap();
        assert!(cached(&db, 1)["t"].contains("boom"));
        assert!(next_ready(&db, "t", &none, db::now()).unwrap().is_none());
        assert_eq!(recent_errors(&db, 10).unwrap()[0].error, "boom");
        let (p, _) = next_ready(&db, "t", &none, i64::MAX).unwrap().unwrap();
        assert_eq!(p, P1);
        finish(&db, "t", P1, Ok(true), Some((10, 5, 0.1))).unwrap();
        assert!(known_uploaded(&db, "t", P1).unwrap());
        let (p, _) = next_ready(&db, "t", &none, i64::MAX).unwrap().unwrap();
        assert_eq!(p, P2);
        finish(&db, "t", P2, Ok(false), None).unwrap();
        assert_eq!(cached(&db, 2)["t"], "ok", "build 2 needed only P1 and P2");
        assert_ne!(cached(&db, 1)["t"], "ok");
        finish(&db, "t", P3, Ok(true), None).unwrap();
        assert_eq!(cached(&db, 1)["t"], "ok");
        let st = status(&db, &["t".into()]).unwrap();
        assert_eq!(st[0].queued_paths, 0);
        assert_eq!(st[0].stats.uploaded, 2);
        assert_eq!(st[0].stats.skipped, 1);
        // Known paths are not queued again; a GC generation change forgets them.
        put_build(&db, 3);
        enqueue(&db, 3, &["t".into()], &closure).unwrap();
        assert_eq!(cached(&db, 3)["t"], "ok");
        sync_gc_generation(&db, "t", 1).unwrap();
        assert!(!known_uploaded(&db, "t", P1).unwrap());
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
