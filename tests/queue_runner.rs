//! The queue runner with real Nix: builds from fixtures/queue/jobs.nix, recorded statuses,
//! logs, GC roots, actions, unsupported systems, crash recovery and shutdown.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::db::{status, Build, Jobset, NewJob};
use hydrant::queue;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn fixture() -> String {
    format!("{}/fixtures/queue/jobs.nix", env!("CARGO_MANIFEST_DIR"))
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

/// Instantiates a fixture job: (drv path, system, outputs).
fn instantiate(attr: &str, nonce: &str) -> NewJob {
    let drv = common::nix_run(
        "nix-instantiate",
        &[&fixture(), "-A", attr, "--argstr", "nonce", nonce],
    );
    let out = common::nix_run("nix-store", &["-q", "--outputs", &drv]);
    let system = if attr == "unsupported" {
        "mips64-plan9".to_string()
    } else {
        hydrant::config::local_system().to_string()
    };
    NewJob {
        job: attr.into(),
        drvpath: drv,
        system,
        nixname: attr.into(),
        outputs: [("out".to_string(), out)].into_iter().collect(),
        priority: 100,
        ..Default::default()
    }
}

fn app_in(dir: &Path, extra: &str) -> Arc<App> {
    common::open_app(dir, &format!("max_jobs = 2\n{extra}"))
}

/// Records an eval of the given jobs in p:j; returns the build ids in job order.
fn queue_jobs(app: &App, jobs: Vec<NewJob>) -> Vec<u64> {
    common::ensure_pj(&app.db);
    let (_, ids) = common::record_eval(&app.db, "p", "j", jobs);
    app.queue_wake.notify();
    ids
}

fn wait_for(app: &App, id: u64, within: Duration, what: &str, f: impl Fn(&Build) -> bool) -> Build {
    let start = Instant::now();
    loop {
        let b = app.db.build(id).unwrap().unwrap();
        if f(&b) {
            return b;
        }
        assert!(
            start.elapsed() < within,
            "build {id}: waited {within:?} for {what}: {b:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_finished(app: &App, id: u64) -> Build {
    wait_for(app, id, Duration::from_secs(90), "finish", |b| b.finished)
}

fn stop(app: Arc<App>, h: std::thread::JoinHandle<()>) {
    app.shutdown();
    h.join().unwrap();
}

fn cache_pending(app: &App) -> Vec<u64> {
    hydrant::cache::queue::pending_builds(&app.db).unwrap()
}

/// Processes whose environment holds `nonce=N` (the fixture builders of one test).
fn builders_alive(nonce: &str) -> usize {
    let needle = format!("nonce={nonce}");
    let start = Instant::now();
    loop {
        let mut n = 0;
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            if let Ok(env) = std::fs::read(e.path().join("environ")) {
                if env.split(|&c| c == 0).any(|v| v == needle.as_bytes()) {
                    n += 1;
                }
            }
        }
        // A killed process may need a moment to be reaped.
        if n == 0 || start.elapsed() > Duration::from_secs(3) {
            return n;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn in_queue(app: &App, id: u64) -> bool {
    app.db.queued_build_ids().unwrap().contains(&id)
}

#[test]
fn statuses_logs_roots_and_cache_event() {
    let dir = TempDir::new("q-status");
    let app = app_in(dir.path(), "");
    let n = nonce();
    let ids = queue_jobs(
        &app,
        ["ok", "fail", "failedWithOutput", "depFailed"]
            .iter()
            .map(|a| instantiate(a, &n))
            .collect(),
    );
    let h = queue::spawn(app.clone());
    let ok = wait_finished(&app, ids[0]);
    let fail = wait_finished(&app, ids[1]);
    let fwo = wait_finished(&app, ids[2]);
    let dep = wait_finished(&app, ids[3]);
    assert_eq!(ok.buildstatus, Some(status::SUCCEEDED), "{ok:?}");
    assert_eq!(fail.buildstatus, Some(status::FAILED), "{fail:?}");
    assert_eq!(fwo.buildstatus, Some(status::FAILED_WITH_OUTPUT), "{fwo:?}");
    assert_eq!(dep.buildstatus, Some(status::DEP_FAILED), "{dep:?}");
    for b in [&ok, &fail, &fwo, &dep] {
        assert!(!b.busy && !in_queue(&app, b.id));
        let (s, e) = (b.starttime.unwrap(), b.stoptime.unwrap());
        assert!(s <= e && s > 0);
    }
    // Logs: compressed when done, readable whole and as a tail.
    let logs = app.config.logs_dir();
    assert!(logs.join(format!("{}.log.bz2", ok.id)).exists());
    assert!(!logs.join(format!("{}.log", ok.id)).exists());
    let tail = queue::log_tail(&app, ok.id, 4096).unwrap().unwrap();
    assert!(tail.contains("hello from the builder"), "{tail}");
    let full = String::from_utf8(queue::log_read(&app, fail.id).unwrap().unwrap()).unwrap();
    assert!(full.contains("this build fails"), "{full}");
    // The cache uploader's pending set has exactly the builds with output.
    let mut pending = cache_pending(&app);
    pending.sort();
    assert_eq!(pending, vec![ok.id, fwo.id]);
    // GC roots for the outputs.
    let out = &ok.outputs["out"];
    // Roots live under the build's own jobset: gcroots/PROJECT/JOBSET/.
    let root = app
        .config
        .gcroots_dir()
        .join(&ok.project)
        .join(&ok.jobset)
        .join(Path::new(out).file_name().unwrap());
    assert_eq!(std::fs::read_link(&root).unwrap(), Path::new(out));
    assert_eq!(
        std::fs::read_to_string(Path::new(out).join("file")).unwrap(),
        "hi\n"
    );
    // Sizes come shortly after the finish.
    let ok = wait_for(&app, ok.id, Duration::from_secs(30), "sizes", |b| {
        b.closuresize.is_some()
    });
    assert!(ok.size.unwrap() > 0 && ok.closuresize.unwrap() >= ok.size.unwrap());
    let latest = queue::latest_successful(&app, "p", "j", "ok")
        .unwrap()
        .unwrap();
    assert_eq!(latest.id, ok.id);
    assert!(queue::latest_successful(&app, "p", "j", "fail")
        .unwrap()
        .is_none());
    // Restart: a finished build runs again.
    assert!(queue::restart_build(&app, fail.id).unwrap());
    let again = wait_for(&app, fail.id, Duration::from_secs(60), "rerun", |b| {
        b.finished && b.stoptime.unwrap_or(0) >= fail.stoptime.unwrap()
    });
    assert_eq!(again.buildstatus, Some(status::FAILED));
    assert!(!queue::restart_build(&app, ids[0] + 1000).unwrap_or(false));
    let script = queue::reproduce_script(&ok, &app.nix).unwrap();
    assert!(script.contains(&ok.drvpath) && script.contains("nix-store --realise"));
    stop(app, h);
}

#[test]
fn timeout_and_max_silent_kill_the_build() {
    let dir = TempDir::new("q-timeout");
    let app = app_in(dir.path(), "");
    let n = nonce();
    let mut sleepy = instantiate("sleepy", &n);
    sleepy.timeout = 2;
    let mut silent = instantiate("silent", &n);
    silent.maxsilent = 2;
    let ids = queue_jobs(&app, vec![sleepy, silent]);
    let start = Instant::now();
    let h = queue::spawn(app.clone());
    let a = wait_finished(&app, ids[0]);
    let b = wait_finished(&app, ids[1]);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(a.buildstatus, Some(status::TIMED_OUT), "{a:?}");
    assert_eq!(b.buildstatus, Some(status::TIMED_OUT), "{b:?}");
    let log = queue::log_tail(&app, a.id, 4096).unwrap().unwrap();
    assert!(
        log.contains("going to sleep") && log.contains("timed out"),
        "{log}"
    );
    assert_eq!(builders_alive(&n), 0);
    assert!(cache_pending(&app).is_empty());
    stop(app, h);
}

#[test]
fn cancel_while_running_and_bump() {
    let dir = TempDir::new("q-cancel");
    let app = app_in(dir.path(), "max_jobs = 1\n");
    let n = nonce();
    let ids = queue_jobs(
        &app,
        vec![
            instantiate("sleepy", &n),
            instantiate("ok", &n),
            instantiate("slow", &n),
        ],
    );
    let h = queue::spawn(app.clone());
    wait_for(&app, ids[0], Duration::from_secs(30), "running", |b| b.busy);
    // Live log while running.
    let start = Instant::now();
    loop {
        let t = queue::log_tail(&app, ids[0], 1024)
            .unwrap()
            .unwrap_or_default();
        if t.contains("going to sleep") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no live log: {t:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let snap = queue::snapshot(&app, 10).unwrap();
    assert_eq!(snap.running.len(), 1);
    assert_eq!(snap.running[0].build.id, ids[0]);
    assert_eq!(snap.nrqueued, 3);
    assert_eq!(snap.waiting.len(), 2);
    assert_eq!(snap.machines[0].slots_used, 1);
    // With one slot: bump the later build so it goes before the older one.
    assert!(queue::bump_build(&app, ids[2]).unwrap());
    assert!(queue::cancel_build(&app, ids[0]).unwrap());
    let c = wait_finished(&app, ids[0]);
    assert_eq!(c.buildstatus, Some(status::CANCELLED));
    let slow = wait_finished(&app, ids[2]);
    let ok = wait_finished(&app, ids[1]);
    assert_eq!(slow.buildstatus, Some(status::SUCCEEDED));
    assert_eq!(ok.buildstatus, Some(status::SUCCEEDED));
    assert!(
        slow.starttime.unwrap() <= ok.starttime.unwrap(),
        "bumped build ran later"
    );
    // The cancelled build stays cancelled (the runner did not overwrite it) and nothing runs.
    assert_eq!(
        app.db.build(ids[0]).unwrap().unwrap().buildstatus,
        Some(status::CANCELLED)
    );
    let snap = queue::snapshot(&app, 10).unwrap();
    assert!(snap.running.is_empty() && snap.nrqueued == 0, "{snap:?}");
    // The builder's process group is gone: no process carries this test's nonce any more.
    assert_eq!(builders_alive(&n), 0);
    stop(app, h);
}

#[test]
fn unsupported_system_stays_queued_then_status_9() {
    let dir = TempDir::new("q-unsup");
    let app = app_in(dir.path(), "max_unsupported_time = 3\n");
    let n = nonce();
    let ids = queue_jobs(
        &app,
        vec![instantiate("unsupported", &n), instantiate("ok", &n)],
    );
    let h = queue::spawn(app.clone());
    wait_finished(&app, ids[1]);
    let b = app.db.build(ids[0]).unwrap().unwrap();
    assert!(!b.finished && !b.busy, "{b:?}");
    let snap = queue::snapshot(&app, 10).unwrap();
    assert_eq!(snap.waiting.len(), 1);
    assert!(snap.waiting[0].unsupported);
    let b = wait_finished(&app, ids[0]);
    assert_eq!(b.buildstatus, Some(status::UNSUPPORTED));
    stop(app, h);

    // Without max_unsupported_time it stays queued.
    let dir = TempDir::new("q-unsup2");
    let app = app_in(dir.path(), "");
    let ids = queue_jobs(&app, vec![instantiate("unsupported", &nonce())]);
    let h = queue::spawn(app.clone());
    std::thread::sleep(Duration::from_secs(2));
    let b = app.db.build(ids[0]).unwrap().unwrap();
    assert!(!b.finished && in_queue(&app, ids[0]), "{b:?}");
    stop(app, h);
}

#[test]
fn crash_mid_build_is_requeued_and_completes() {
    let dir = TempDir::new("q-crash");
    let n = nonce();
    let id;
    {
        let app = app_in(dir.path(), "");
        id = queue_jobs(&app, vec![instantiate("slow", &n)])[0];
        // What a kill -9 mid-build leaves behind: the build marked running.
        app.db
            .queue_mark_started(id, hydrant::db::now())
            .unwrap()
            .unwrap();
        let b = app.db.build(id).unwrap().unwrap();
        assert!(b.busy);
        assert_eq!(queue::snapshot(&app, 10).unwrap().running.len(), 1);
    }
    let app = app_in(dir.path(), "");
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, id);
    assert_eq!(b.buildstatus, Some(status::SUCCEEDED));
    assert!(!b.busy);
    assert!(queue::snapshot(&app, 10).unwrap().running.is_empty());
    stop(app, h);
}

#[test]
fn shutdown_stops_running_builds_and_requeues_them() {
    let dir = TempDir::new("q-shutdown");
    let n = nonce();
    let app = app_in(dir.path(), "");
    let id = queue_jobs(&app, vec![instantiate("sleepy", &n)])[0];
    let h = queue::spawn(app.clone());
    wait_for(&app, id, Duration::from_secs(30), "running", |b| b.busy);
    let t = Instant::now();
    stop(app.clone(), h);
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    let b = app.db.build(id).unwrap().unwrap();
    assert!(!b.finished && !b.busy && b.buildstatus.is_none(), "{b:?}");
    assert!(in_queue(&app, id));
    assert!(queue::snapshot(&app, 10).unwrap().running.is_empty());
    assert_eq!(builders_alive(&n), 0);
}

#[test]
fn keepnr_prunes_roots_of_older_evals() {
    let dir = TempDir::new("q-keepnr");
    let app = app_in(dir.path(), "");
    common::ensure_pj(&app.db);
    let mut js = Jobset::new("p", "j");
    js.keepnr = 1;
    app.db.put_jobset(&js, &[]).unwrap();
    let h = queue::spawn(app.clone());
    let root_of = |b: &Build| {
        app.config
            .gcroots_dir()
            .join(&b.project)
            .join(&b.jobset)
            .join(Path::new(&b.outputs["out"]).file_name().unwrap())
    };
    let first = queue_jobs(&app, vec![instantiate("ok", &nonce())])[0];
    let first = wait_finished(&app, first);
    assert!(root_of(&first).exists());
    let second = queue_jobs(&app, vec![instantiate("ok", &nonce())])[0];
    let second = wait_finished(&app, second);
    assert_eq!(second.buildstatus, Some(status::SUCCEEDED));
    let start = Instant::now();
    while std::fs::symlink_metadata(root_of(&first)).is_ok() {
        assert!(start.elapsed() < Duration::from_secs(20), "old root kept");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(root_of(&second).exists());
    // Both runs were charged to the jobset's share.
    let charges = app
        .db
        .queue_charges(hydrant::db::now() as u64, 86_400)
        .unwrap();
    assert_eq!(charges.len(), 2, "{charges:?}");
    assert!(charges
        .iter()
        .all(|(_, c)| c.jobset == "j" && c.seconds > 0.0));
    stop(app, h);
}

/// Runs a queue runner until killed; only does something as the child of `kill_9_mid_build`.
#[test]
fn crash_child_process() {
    let Ok(dir) = std::env::var("HYDRANT_QUEUE_CRASH_DIR") else {
        return;
    };
    let app = app_in(Path::new(&dir), "");
    let _h = queue::spawn(app);
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn kill_9_mid_build_then_restart_completes() {
    let dir = TempDir::new("q-kill9");
    let n = nonce();
    let id = {
        let app = app_in(dir.path(), "");
        queue_jobs(&app, vec![instantiate("slow", &n)])[0]
    };
    // A separate process runs the runner (the database allows one process), killed with -9
    // while the build runs.
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HYDRANT_QUEUE_CRASH_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let live = dir.path().join(format!("logs/{id}.log"));
    let start = Instant::now();
    while !std::fs::read_to_string(&live)
        .unwrap_or_default()
        .contains("slow start")
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the build never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let app = app_in(dir.path(), "");
    let b = app.db.build(id).unwrap().unwrap();
    assert!(!b.finished, "{b:?}");
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, id);
    assert_eq!(b.buildstatus, Some(status::SUCCEEDED), "{b:?}");
    assert!(!b.busy);
    let snap = queue::snapshot(&app, 10).unwrap();
    assert!(snap.running.is_empty() && snap.nrqueued == 0);
    stop(app, h);
}

#[test]
fn cancel_then_restart_of_a_running_build_runs_it_again() {
    let dir = TempDir::new("q-cancel-restart");
    let app = app_in(dir.path(), "");
    let n = nonce();
    let mut job = instantiate("slow", &n);
    job.timeout = 0;
    let id = queue_jobs(&app, vec![job])[0];
    let h = queue::spawn(app.clone());
    wait_for(&app, id, Duration::from_secs(30), "running", |b| b.busy);
    std::thread::sleep(Duration::from_millis(1100));
    // Both actions land before the runner looks at either.
    let restarted_at = hydrant::db::now();
    assert!(queue::cancel_build(&app, id).unwrap());
    assert!(queue::restart_build(&app, id).unwrap());
    let b = wait_finished(&app, id);
    assert_eq!(b.buildstatus, Some(status::SUCCEEDED), "{b:?}");
    // The result is that of a new run, not of the one started before the cancel.
    assert!(
        b.starttime.unwrap() >= restarted_at,
        "{b:?} restarted at {restarted_at}"
    );
    stop(app, h);
}
