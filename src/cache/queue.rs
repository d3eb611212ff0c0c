//! The persistent upload queue: builds in `db::CACHE_PENDING` are expanded into per-target path
//! tasks kept in redb (`db::cache`), worked by background threads in reference order, so a
//! restart or a `kill -9` resumes where it stopped. Also the periodic S3 GC thread.

use super::gc::GcLock;
use super::upload::{closure_infos, ObjectStore, Progress, S3Store, Uploader};
use super::{CacheError, Target};
use crate::app::App;
use crate::db::{self, Db};
use crate::nix::cli::NixCli;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use crate::db::cache::{
    drop_pending, enqueue, finish, known_uploaded, next_ready, pending_builds, recent_errors,
    status, sync_gc_generation, tasks, CacheErrorRecord, PathTask, TargetStats, TargetStatus,
};

/// Expands every build in `CACHE_PENDING` into path tasks. Nix runs outside any transaction.
pub fn expand_pending(
    db: &Db,
    nix: &NixCli,
    targets: &[(Target, &crate::config::S3Config)],
) -> Result<usize, CacheError> {
    let ids = pending_builds(db)?;
    let mut n = 0;
    for id in ids {
        let Some(build) = db.build(id)? else {
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
        let infos: Vec<(String, Vec<String>)> = closure_infos(nix, &outs)?
            .into_iter()
            .map(|i| (i.path, i.references))
            .collect();
        enqueue(db, id, &matching, &infos)?;
        n += 1;
    }
    Ok(n)
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
    let nix = app.nix.clone();
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
    if known_uploaded(&app.db, &up.target.id(), path).map_err(|e| (e.into(), false))? {
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
