//! The build farm against a real remote over SSH: a real sshd on loopback and "remote machines"
//! that are Nix with their own stores (see `common::RemoteStore`). Builds go through Nix's own
//! build hook (`nix-store --realise --builders … --max-jobs 0`).
mod common;

use common::{RemoteStore, TempDir};
use hydrant::app::App;
use hydrant::db::{status, Build, NewJob};
use hydrant::queue;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn fixture() -> String {
    format!("{}/fixtures/farm/jobs.nix", env!("CARGO_MANIFEST_DIR"))
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn job(attr: &str, nonce: &str, extra: &[&str]) -> NewJob {
    let mut args = vec![
        fixture(),
        "-A".into(),
        attr.into(),
        "--argstr".into(),
        "nonce".into(),
        nonce.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let drv = common::nix_run("nix-instantiate", &a);
    let out = common::nix_run("nix-store", &["-q", "--outputs", &drv]);
    NewJob {
        job: attr.replace('.', "-"),
        drvpath: drv,
        system: "x86_64-linux".into(),
        nixname: attr.into(),
        outputs: [("out".to_string(), out)].into_iter().collect(),
        priority: 100,
        ..Default::default()
    }
}

/// An app whose machines file holds `lines`; `local` is localhost's config (e.g. `systems =
/// none` so that only remotes build).
fn farm_app(dir: &Path, lines: &[String], local: &str) -> Arc<App> {
    let mf = dir.join("machines");
    std::fs::write(&mf, lines.join("\n") + "\n").unwrap();
    common::open_app(
        &dir.join("state"),
        &format!(
            "machines_file = {}\nmachine_retry_interval = 30\n{local}",
            mf.display()
        ),
    )
}

fn queue_jobs(app: &App, jobs: Vec<NewJob>) -> Vec<u64> {
    common::ensure_pj(&app.db);
    let (_, ids) = common::record_eval(&app.db, "p", "j", jobs);
    app.queue_wake.notify();
    ids
}

fn wait_finished(app: &App, id: u64, within: Duration) -> Build {
    let start = Instant::now();
    loop {
        let b = app.db.build(id).unwrap().unwrap();
        if b.finished {
            return b;
        }
        assert!(
            start.elapsed() < within,
            "build {id} not finished after {within:?}: {b:?}\nlog: {}",
            String::from_utf8_lossy(&queue::log_read(app, id).unwrap().unwrap_or_default())
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stop(app: Arc<App>, h: std::thread::JoinHandle<()>) {
    app.shutdown();
    h.join().unwrap();
}

fn log_of(app: &App, id: u64) -> String {
    String::from_utf8_lossy(&queue::log_read(app, id).unwrap().unwrap_or_default()).into_owned()
}

fn out_of(b: &Build) -> String {
    b.outputs["out"].clone()
}

/// The machines of the build steps that built something.
fn step_machines(app: &App, id: u64) -> Vec<String> {
    app.db
        .build_steps(id)
        .unwrap()
        .into_iter()
        .filter(|s| s.steptype == 0 && s.status == Some(0))
        .map(|s| s.machine)
        .collect()
}

#[test]
fn builds_land_on_the_remote_with_steps_and_logs() {
    let dir = TempDir::new("farm-remote");
    let remote = RemoteStore::new(dir.path(), "r1");
    let app = farm_app(
        dir.path(),
        &[remote.line(2, 1.0, "-", "-")],
        "systems = none-local",
    );
    let n = nonce();
    let ids = queue_jobs(&app, vec![job("withdep", &n, &[])]);
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, ids[0], Duration::from_secs(120));
    let log = log_of(&app, ids[0]);
    assert_eq!(b.buildstatus, Some(status::SUCCEEDED), "{b:?}\n{log}");
    let out = out_of(&b);
    assert!(remote.has(&out), "{out} is not in the remote store");
    assert!(Path::new(&out).exists(), "{out} was not copied back");
    assert!(log.contains(&format!("top build {n}")), "{log}");
    // Two steps, dependency first, both on the remote, each with its own log.
    let steps = app.db.build_steps(ids[0]).unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps.iter().map(|s| s.nr).collect::<Vec<_>>(), vec![1, 2]);
    assert!(steps[0].drvpath.ends_with("farm-dep.drv"), "{steps:?}");
    assert_eq!(steps[1].drvpath, b.drvpath);
    for s in &steps {
        assert_eq!(s.machine, remote.uri);
        assert_eq!(s.status, Some(status::SUCCEEDED));
        assert!(s.starttime.is_some() && s.stoptime >= s.starttime);
    }
    let l1 = String::from_utf8(queue::step_log_read(&app, ids[0], 1).unwrap().unwrap()).unwrap();
    let l2 = String::from_utf8(queue::step_log_read(&app, ids[0], 2).unwrap().unwrap()).unwrap();
    assert!(
        l1.contains(&format!("dep {n}")) && !l1.contains("top build"),
        "{l1}"
    );
    assert!(l2.contains(&format!("top build {n}")), "{l2}");
    // The machine's counters.
    let farm = queue::farm_state(&app);
    let m = &farm.machines[farm.find(&remote.uri).unwrap()];
    assert_eq!(m.done_since(0), 1);
    assert!(m.current.is_empty() && m.last_failure.is_none());
    // The jobset was charged the steps' time.
    let charges = app
        .db
        .queue_charges(hydrant::db::now() as u64, 86_400)
        .unwrap();
    assert!(
        charges
            .iter()
            .any(|(_, c)| c.jobset == "j" && c.seconds > 0.0),
        "{charges:?}"
    );
    stop(app, h);
}

#[test]
fn features_route_builds_and_mandatory_machines_take_nothing_else() {
    let dir = TempDir::new("farm-features");
    let feat = RemoteStore::new(dir.path(), "feat");
    let special = RemoteStore::new(dir.path(), "special");
    let app = farm_app(
        dir.path(),
        &[
            feat.line(2, 1.0, "farm-remote", "-"),
            // Fast, with free slots, but only for builds that require farm-special.
            special.line(4, 10.0, "-", "farm-special"),
        ],
        "max_jobs = 2\nsystems = x86_64-linux\nsystem_features = big-parallel",
    );
    let n = nonce();
    let ids = queue_jobs(
        &app,
        vec![
            job("feature", &n, &[]),
            job("mandatory", &n, &[]),
            job("plain", &n, &[]),
            job("second", &n, &[]),
        ],
    );
    let h = queue::spawn(app.clone());
    let bs: Vec<Build> = ids
        .iter()
        .map(|&id| wait_finished(&app, id, Duration::from_secs(120)))
        .collect();
    for b in &bs {
        assert_eq!(
            b.buildstatus,
            Some(status::SUCCEEDED),
            "{b:?}\n{}",
            log_of(&app, b.id)
        );
    }
    assert_eq!(step_machines(&app, ids[0]), vec![feat.uri.clone()]);
    assert!(feat.has(&out_of(&bs[0])) && !special.has(&out_of(&bs[0])));
    assert_eq!(step_machines(&app, ids[1]), vec![special.uri.clone()]);
    assert!(special.has(&out_of(&bs[1])));
    for b in &bs[2..] {
        let ms = step_machines(&app, b.id);
        assert_eq!(ms.len(), 1);
        assert_ne!(
            ms[0], special.uri,
            "a plain build went to the mandatory-feature machine"
        );
        assert!(!special.has(&out_of(b)));
    }
    stop(app, h);
}

#[test]
fn two_machines_share_the_load_by_speed_factor() {
    let dir = TempDir::new("farm-speed");
    let slow = RemoteStore::new(dir.path(), "slow");
    let fast = RemoteStore::new(dir.path(), "fast");
    let app = farm_app(
        dir.path(),
        &[slow.line(4, 1.0, "-", "-"), fast.line(4, 3.0, "-", "-")],
        "systems = none-local",
    );
    let n = nonce();
    let jobs: Vec<NewJob> = (0..4)
        .map(|i| {
            // Long enough that all four are placed before the first one finishes, which
            // the expected order assumes (2 s was not, on a loaded machine).
            let mut j = job("slow", &format!("{n}-{i}"), &["--argstr", "sleep", "6"]);
            j.job = format!("slow{i}");
            j
        })
        .collect();
    let ids = queue_jobs(&app, jobs);
    let h = queue::spawn(app.clone());
    let mut on_fast = 0;
    for &id in &ids {
        let b = wait_finished(&app, id, Duration::from_secs(120));
        assert_eq!(
            b.buildstatus,
            Some(status::SUCCEEDED),
            "{b:?}\n{}",
            log_of(&app, id)
        );
        let ms = step_machines(&app, id);
        assert_eq!(ms.len(), 1);
        if ms[0] == fast.uri {
            on_fast += 1;
        }
    }
    // Hydra's order: load/speed then speed: fast, slow, fast, fast.
    assert_eq!(on_fast, 3, "builds on the fast machine");
    stop(app, h);
}

#[test]
fn unreachable_machine_is_disabled_and_its_build_built_elsewhere() {
    let dir = TempDir::new("farm-dead");
    let good = RemoteStore::new(dir.path(), "good");
    let key = common::sshd().key.display().to_string();
    // sshd listens on 127.0.0.1 only: 127.0.0.2 refuses. The dead machine is the fastest.
    let dead = "ssh://root@127.0.0.2".to_string();
    let app = farm_app(
        dir.path(),
        &[
            format!("{dead} x86_64-linux {key} 2 10"),
            good.line(1, 1.0, "-", "-"),
        ],
        "systems = none-local",
    );
    let n = nonce();
    let ids = queue_jobs(&app, vec![job("plain", &n, &[])]);
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, ids[0], Duration::from_secs(120));
    let log = log_of(&app, ids[0]);
    assert_eq!(b.buildstatus, Some(status::SUCCEEDED), "{b:?}\n{log}");
    assert!(good.has(&out_of(&b)));
    assert_eq!(step_machines(&app, ids[0]), vec![good.uri.clone()]);
    let farm = queue::farm_state(&app);
    let m = &farm.machines[farm.find(&dead).unwrap()];
    assert_eq!(m.consecutive_failures, 1);
    assert!(m.disabled_until > hydrant::db::now() + 20, "{m:?}");
    let (_, why) = m.last_failure.clone().unwrap();
    assert!(
        why.contains("cannot connect") || why.contains("cannot build on"),
        "{why}"
    );
    assert!(m.current.is_empty() && m.done_since(0) == 0);
    // Its build was queued again, not failed, and built once.
    assert!(!b.iscachedbuild);
    stop(app, h);
}

#[test]
fn machines_file_is_reread_and_bad_lines_are_named() {
    let dir = TempDir::new("farm-reload");
    let r = RemoteStore::new(dir.path(), "later");
    let app = farm_app(
        dir.path(),
        &["ssh://root@127.0.0.1 x86_64-linux - lots".to_string()],
        "systems = none-local",
    );
    let n = nonce();
    let ids = queue_jobs(&app, vec![job("plain", &n, &[])]);
    let h = queue::spawn(app.clone());
    std::thread::sleep(Duration::from_millis(500));
    let farm = queue::farm_state(&app);
    assert_eq!(farm.errors.len(), 1);
    assert!(
        farm.errors[0].to_string().contains("line 1"),
        "{}",
        farm.errors[0]
    );
    assert!(!app.db.build(ids[0]).unwrap().unwrap().finished);
    // A good line added later is picked up without a restart; the bad one stays reported.
    std::fs::write(
        dir.path().join("machines"),
        format!(
            "ssh://root@127.0.0.1 x86_64-linux - lots\n{}\n",
            r.line(1, 1.0, "-", "-")
        ),
    )
    .unwrap();
    let b = wait_finished(&app, ids[0], Duration::from_secs(60));
    assert_eq!(b.buildstatus, Some(status::SUCCEEDED), "{b:?}");
    assert!(r.has(&out_of(&b)));
    let farm = queue::farm_state(&app);
    assert_eq!(farm.errors.len(), 1);
    assert!(farm.find(&r.uri).is_some());
    stop(app, h);
}

/// Processes with a pid (the builder's pid file).
fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn cancel_kills_the_remote_build() {
    let dir = TempDir::new("farm-cancel");
    let r = RemoteStore::new(dir.path(), "r");
    let app = farm_app(
        dir.path(),
        &[r.line(1, 1.0, "-", "-")],
        "systems = none-local",
    );
    let pidfile = dir.path().join("builder.pid");
    let n = nonce();
    let ids = queue_jobs(
        &app,
        vec![job(
            "slow",
            &n,
            &[
                "--argstr",
                "sleep",
                "60",
                "--argstr",
                "pidfile",
                &pidfile.display().to_string(),
            ],
        )],
    );
    let h = queue::spawn(app.clone());
    let start = Instant::now();
    let pid: i32 = loop {
        if let Ok(t) = std::fs::read_to_string(&pidfile) {
            if let Ok(p) = t.trim().parse() {
                break p;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the remote build never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(alive(pid));
    assert!(queue::cancel_build(&app, ids[0]).unwrap());
    let b = wait_finished(&app, ids[0], Duration::from_secs(30));
    assert_eq!(b.buildstatus, Some(status::CANCELLED));
    let start = Instant::now();
    while alive(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "remote builder {pid} survived the cancel"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let steps = app.db.build_steps(ids[0]).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].status, Some(status::CANCELLED));
    assert_eq!(steps[0].machine, r.uri);
    stop(app, h);
}

/// Runs a queue runner until killed; only does something as the child of the kill -9 test.
#[test]
fn crash_child_process() {
    let Ok(dir) = std::env::var("HYDRANT_FARM_CRASH_DIR") else {
        return;
    };
    let dir = Path::new(&dir);
    let lines = std::fs::read_to_string(dir.join("machines")).unwrap();
    let lines: Vec<String> = lines.lines().map(String::from).collect();
    let app = farm_app(dir, &lines, "systems = none-local");
    let _h = queue::spawn(app);
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn kill_9_mid_remote_build_then_restart_finishes_once() {
    let dir = TempDir::new("farm-kill9");
    let r = RemoteStore::new(dir.path(), "r");
    let n = nonce();
    let id = {
        let app = farm_app(
            dir.path(),
            &[r.line(1, 1.0, "-", "-")],
            "systems = none-local",
        );
        queue_jobs(&app, vec![job("slow", &n, &["--argstr", "sleep", "3"])])[0]
    };
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("HYDRANT_FARM_CRASH_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let live = dir.path().join(format!("state/logs/{id}.log"));
    let start = Instant::now();
    while !std::fs::read_to_string(&live)
        .unwrap_or_default()
        .contains("slow start")
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the remote build never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let app = farm_app(
        dir.path(),
        &[r.line(1, 1.0, "-", "-")],
        "systems = none-local",
    );
    assert!(!app.db.build(id).unwrap().unwrap().finished);
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, id, Duration::from_secs(120));
    assert_eq!(
        b.buildstatus,
        Some(status::SUCCEEDED),
        "{b:?}\n{}",
        log_of(&app, id)
    );
    assert!(r.has(&out_of(&b)));
    // The dead run's step is aborted; the new run's step succeeded: built once to the end.
    let steps = app.db.build_steps(id).unwrap();
    let done: Vec<_> = steps
        .iter()
        .filter(|s| s.status == Some(status::SUCCEEDED))
        .collect();
    assert_eq!(done.len(), 1, "{steps:?}");
    assert!(
        steps
            .iter()
            .all(|s| s.status.is_some() && s.machine == r.uri),
        "{steps:?}"
    );
    assert!(
        steps.iter().any(|s| s.status == Some(status::ABORTED)),
        "{steps:?}"
    );
    let snap = queue::snapshot(&app, 10).unwrap();
    assert!(snap.running.is_empty() && snap.nrqueued == 0);
    stop(app, h);
}

#[test]
fn timeout_applies_to_remote_builds() {
    let dir = TempDir::new("farm-timeout");
    let r = RemoteStore::new(dir.path(), "r");
    let app = farm_app(
        dir.path(),
        &[r.line(1, 1.0, "-", "-")],
        "systems = none-local",
    );
    let pidfile = dir.path().join("builder.pid");
    let n = nonce();
    let mut j = job(
        "slow",
        &n,
        &[
            "--argstr",
            "sleep",
            "60",
            "--argstr",
            "pidfile",
            &pidfile.display().to_string(),
        ],
    );
    j.timeout = 3;
    let ids = queue_jobs(&app, vec![j]);
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, ids[0], Duration::from_secs(60));
    assert_eq!(
        b.buildstatus,
        Some(status::TIMED_OUT),
        "{b:?}\n{}",
        log_of(&app, ids[0])
    );
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let start = Instant::now();
    while alive(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "remote builder {pid} survived the timeout"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let steps = app.db.build_steps(ids[0]).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].status, Some(status::TIMED_OUT));
    // A timeout is the build's fault, not the machine's.
    let farm = queue::farm_state(&app);
    let m = &farm.machines[farm.find(&r.uri).unwrap()];
    assert!(m.last_failure.is_none() && m.disabled_until == 0);
    stop(app, h);
}

#[test]
fn machine_lost_mid_build_is_backed_off_and_the_build_runs_elsewhere() {
    let dir = TempDir::new("farm-lost");
    let a = RemoteStore::new(dir.path(), "a");
    let b = RemoteStore::new(dir.path(), "b");
    let app = farm_app(
        dir.path(),
        &[a.line(1, 10.0, "-", "-"), b.line(1, 1.0, "-", "-")],
        "systems = none-local",
    );
    let pidfile = dir.path().join("builder.pid");
    let n = nonce();
    let ids = queue_jobs(
        &app,
        vec![job(
            "slow",
            &n,
            &[
                "--argstr",
                "sleep",
                "3",
                "--argstr",
                "pidfile",
                &pidfile.display().to_string(),
            ],
        )],
    );
    let h = queue::spawn(app.clone());
    let start = Instant::now();
    while !pidfile.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the build never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The fast machine takes it first; then its connection dies.
    assert_eq!(app.db.build_steps(ids[0]).unwrap()[0].machine, a.uri);
    assert!(a.kill_serve() >= 1, "no nix-store --serve of machine a");
    let bd = wait_finished(&app, ids[0], Duration::from_secs(120));
    assert_eq!(
        bd.buildstatus,
        Some(status::SUCCEEDED),
        "{bd:?}\n{}",
        log_of(&app, ids[0])
    );
    assert_eq!(step_machines(&app, ids[0]), vec![b.uri.clone()]);
    let steps = app.db.build_steps(ids[0]).unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(
        (steps[0].machine.as_str(), steps[0].status),
        (a.uri.as_str(), Some(status::ABORTED))
    );
    let farm = queue::farm_state(&app);
    let m = &farm.machines[farm.find(&a.uri).unwrap()];
    assert!(m.disabled_until > hydrant::db::now(), "{m:?}");
    assert!(
        m.last_failure.as_ref().unwrap().1.contains("end-of-file"),
        "{m:?}"
    );
    stop(app, h);
}

#[test]
fn a_failing_build_on_a_remote_fails_and_the_machine_stays_enabled() {
    let dir = TempDir::new("farm-fail");
    let r = RemoteStore::new(dir.path(), "r");
    let app = farm_app(
        dir.path(),
        &[r.line(1, 1.0, "-", "-")],
        "systems = none-local",
    );
    let n = nonce();
    let ids = queue_jobs(&app, vec![job("fails", &n, &[])]);
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, ids[0], Duration::from_secs(60));
    let log = log_of(&app, ids[0]);
    assert_eq!(b.buildstatus, Some(status::FAILED), "{b:?}\n{log}");
    assert!(log.contains(&format!("failing {n}")), "{log}");
    let steps = app.db.build_steps(ids[0]).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        (steps[0].status, steps[0].machine.as_str()),
        (Some(status::FAILED), r.uri.as_str())
    );
    let farm = queue::farm_state(&app);
    let m = &farm.machines[farm.find(&r.uri).unwrap()];
    assert!(
        m.last_failure.is_none() && m.disabled_until == 0 && m.done_since(0) == 1,
        "{m:?}"
    );
    stop(app, h);
}

#[test]
fn substituted_paths_are_steps_too() {
    let dir = TempDir::new("farm-subst");
    let cache = dir.path().join("cache");
    let n = nonce();
    let top = job("withdep", &n, &[]);
    let dep_drv = common::nix_run("nix-store", &["-q", "--references", &top.drvpath])
        .lines()
        .find(|l| l.ends_with("farm-dep.drv"))
        .unwrap()
        .to_string();
    let dep_out = common::nix_run("nix-store", &["--realise", &dep_drv]);
    let st = common::nix_cmd("nix")
        .args([
            "--extra-experimental-features",
            "nix-command",
            "copy",
            "--to",
        ])
        .arg(format!("file://{}", cache.display()))
        .arg(&dep_out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    common::nix_run("nix-store", &["--delete", &dep_out]);
    assert!(!Path::new(&dep_out).exists());
    let mut app = common::open_app(&dir.path().join("state"), "systems = x86_64-linux");
    Arc::get_mut(&mut app).unwrap().nix.env.push((
        "NIX_CONFIG".into(),
        format!(
            "{}substituters = file://{}\nrequire-sigs = false\n",
            common::NIX_CONFIG.replace("substituters =\n", ""),
            cache.display()
        ),
    ));
    let ids = queue_jobs(&app, vec![top]);
    let h = queue::spawn(app.clone());
    let b = wait_finished(&app, ids[0], Duration::from_secs(60));
    assert_eq!(
        b.buildstatus,
        Some(status::SUCCEEDED),
        "{b:?}\n{}",
        log_of(&app, ids[0])
    );
    let steps = app.db.build_steps(ids[0]).unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[0].steptype, hydrant::db::steps::STEP_SUBSTITUTION);
    assert_eq!(steps[0].drvpath, dep_out);
    assert_eq!(
        (steps[0].machine.as_str(), steps[0].status),
        ("localhost", Some(0))
    );
    assert_eq!(steps[1].steptype, hydrant::db::steps::STEP_BUILD);
    assert_eq!(
        (steps[1].machine.as_str(), steps[1].status),
        ("localhost", Some(0))
    );
    stop(app, h);
}
