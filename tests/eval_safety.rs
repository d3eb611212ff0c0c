//! Evaluation safety against real Nix and git: inputs that would block (FIFOs, devices,
//! endless files) fail fast or at the deadline without holding up other jobsets.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::config::Config;
use hydrant::db::{Db, Jobset, JobsetInput, Project};
use hydrant::eval::{self, EvalOutcome};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn app_with(dir: &Path, f: impl FnOnce(&mut Config)) -> Arc<App> {
    let mut config = Config {
        state_dir: dir.join("state"),
        ..Default::default()
    };
    f(&mut config);
    let db = Db::open(&config.db_path()).unwrap();
    let app = Arc::new(App::new(config, db));
    app.db
        .put_project(&Project {
            name: "p".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
    app
}

fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
    JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

fn jobset(app: &App, name: &str, inputs: &[JobsetInput]) {
    let mut js = Jobset::new("p", name);
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    app.db.put_jobset(&js, inputs).unwrap();
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
}

const DRV: &str = r#"let mk = name: derivation {
    inherit name; builder = "/bin/sh"; args = [ "-c" "echo > $out" ];
    system = builtins.currentSystem; };
"#;

#[test]
fn fifos_and_devices_fail_at_once_and_an_endless_file_at_the_deadline() {
    let dir = TempDir::new("special-inputs");
    let app = app_with(dir.path(), |c| c.eval_timeout = 2);
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a NUL-terminated path in our temp dir.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let tree = dir.path().join("tree");
    write(&tree, "release.nix", "{ }");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    let c2 = std::ffi::CString::new(tree.join("sub/pipe").to_str().unwrap()).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { libc::mkfifo(c2.as_ptr(), 0o600) }, 0);
    for (name, path, what) in [
        ("fifo", fifo.display().to_string(), "FIFO"),
        ("zero", "/dev/zero".to_string(), "character device"),
        ("tree", tree.display().to_string(), "FIFO"),
    ] {
        jobset(&app, name, &[input("src", "path", &path)]);
        let t = Instant::now();
        let o = eval::evaluate_jobset(&app, "p", name, false).unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "{name}: {:?}",
            t.elapsed()
        );
        match &o {
            EvalOutcome::FetchFailed(m) => assert!(m.contains(what), "{name}: {m}"),
            other => panic!("{name}: {other:?}"),
        }
    }

    // A sparse terabyte: hashing it would take an hour; eval_timeout stops it.
    let big = dir.path().join("big");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    jobset(&app, "big", &[input("src", "path", big.to_str().unwrap())]);
    let t = Instant::now();
    let o = eval::evaluate_jobset(&app, "p", "big", false).unwrap();
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    match &o {
        EvalOutcome::FetchFailed(m) => assert!(m.contains("timed out"), "{m}"),
        other => panic!("{other:?}"),
    }
    let js = app.db.jobset("p", "big").unwrap().unwrap();
    assert!(js.fetcherrormsg.unwrap().contains("timed out"));
}

#[test]
fn a_stuck_input_does_not_block_other_jobsets() {
    let dir = TempDir::new("stuck");
    let app = app_with(dir.path(), |c| {
        c.eval_timeout = 3;
        c.max_concurrent_evals = 1;
    });
    let big = dir.path().join("big");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let src = dir.path().join("src");
    write(&src, "release.nix", &format!("{DRV}in {{ a = mk \"a\"; }}"));
    // `a-stuck` sorts first, so with one slot it is taken first.
    jobset(
        &app,
        "a-stuck",
        &[
            input("src", "path", src.to_str().unwrap()),
            input("big", "path", big.to_str().unwrap()),
        ],
    );
    jobset(
        &app,
        "b-fine",
        &[input("src", "path", src.to_str().unwrap())],
    );
    eval::trigger(&app.db, "p", "a-stuck", false).unwrap();
    eval::trigger(&app.db, "p", "b-fine", false).unwrap();
    let handle = eval::spawn(Arc::clone(&app));
    app.eval_wake.notify();
    let t = Instant::now();
    while app.db.jobset_evals("p", "b-fine", 0, 1).unwrap().1 == 0 {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "b-fine never evaluated"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let a = app.db.jobset("p", "a-stuck").unwrap().unwrap();
    assert!(
        a.fetcherrormsg
            .as_deref()
            .unwrap_or("")
            .contains("timed out"),
        "{a:?}"
    );
    app.shutdown();
    let t = Instant::now();
    handle.join().unwrap();
    assert!(t.elapsed() < Duration::from_secs(10));
}
