//! Evaluation safety against real Nix and git: a release expression, a `nix` input or a pushed
//! repository cannot read files outside the jobset's inputs (the errors are Nix's "forbidden in
//! restricted mode", never the file), an admin can relax it per project, and inputs that would
//! block (FIFOs, devices, endless files) fail fast or at the deadline without holding up other
//! jobsets.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::config::Config;
use hydrant::db::{self, Db, Jobset, JobsetInput};
use hydrant::eval::{self, EvalOutcome};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn app_with(dir: &Path, f: impl FnOnce(&mut Config)) -> Arc<App> {
    let mut config = Config {
        state_dir: dir.join("state"),
        ..Default::default()
    };
    f(&mut config);
    let db = Db::open(&config.db_path()).unwrap();
    let app = Arc::new(App::new(config, db));
    common::ensure_project(&app.db, "p");
    app
}

use common::input;

fn jobset(app: &App, name: &str, inputs: &[JobsetInput]) {
    let mut js = Jobset::new("p", name);
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    app.db.put_jobset(&js, inputs).unwrap();
}

use common::write_file as write;

fn evaluated(o: EvalOutcome) -> db::Eval {
    match o {
        EvalOutcome::Evaluated(e) => e,
        other => panic!("expected a new eval, got {other:?}"),
    }
}

const DRV: &str = r#"let mk = name: derivation {
    inherit name; builder = "/bin/sh"; args = [ "-c" "echo > $out" ];
    system = builtins.currentSystem; };
"#;

/// A secret outside every input, as /etc/shadow or the cache signing key would be.
fn secret(dir: &Path) -> (String, String) {
    let text = format!("SECRET-{}", nonce());
    let path = dir.join("private").join("secret");
    write(path.parent().unwrap(), "secret", &text);
    (path.display().to_string(), text)
}

#[test]
fn release_expressions_and_nix_inputs_cannot_read_outside_their_inputs() {
    let dir = TempDir::new("restrict");
    let app = app_with(dir.path(), |_| {});
    let (secret_path, secret_text) = secret(dir.path());
    let src = dir.path().join("src");
    write(&src, "data", "input-data");
    std::os::unix::fs::symlink(&secret_path, src.join("link")).unwrap();
    write(
        &src,
        "release.nix",
        &format!(
            r#"{{ src, extra ? null }}: {DRV}in {{
  ok = mk "ok-${{builtins.readFile ./data}}";
  bysearchpath = mk (builtins.readFile <src/data>);
  leak = throw (builtins.readFile {secret_path});
  climb = throw (builtins.readFile (./. + "/../private/secret"));
  symlink = throw (builtins.readFile ./link);
  copy = mk "${{{secret_path}}}";
  env = mk "home-${{builtins.getEnv "HOME"}}";
  nixpath = throw (builtins.readFile <leak/secret>);
}}"#
        ),
    );
    // NIX_PATH in hydrant's environment must not widen what an evaluation may read.
    std::env::set_var(
        "NIX_PATH",
        format!("leak={}", dir.path().join("private").display()),
    );
    jobset(&app, "j", &[input("src", "path", src.to_str().unwrap())]);
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    let jobs: Vec<String> = app
        .db
        .eval_builds(ev.id)
        .unwrap()
        .into_iter()
        .map(|(b, _)| b.nixname)
        .collect();
    assert!(jobs.contains(&"ok-input-data".to_string()), "{jobs:?}");
    assert!(jobs.contains(&"input-data".to_string()), "{jobs:?}");
    assert!(
        jobs.contains(&"home-".to_string()),
        "getEnv is empty: {jobs:?}"
    );
    for job in ["leak", "climb", "symlink", "copy"] {
        let e = ev
            .job_errors
            .get(job)
            .unwrap_or_else(|| panic!("{job}: {ev:?}"));
        assert!(e.contains("forbidden in restricted mode"), "{job}: {e}");
        assert!(!e.contains(&secret_text), "{job} leaked the secret: {e}");
    }
    assert!(
        ev.job_errors["nixpath"].contains("not found in the Nix search path"),
        "{}",
        ev.job_errors["nixpath"]
    );
    std::env::remove_var("NIX_PATH");

    // A `nix` input is evaluated under the same rules, and so is the release file as a whole.
    jobset(
        &app,
        "nixinput",
        &[
            input("src", "path", src.to_str().unwrap()),
            input(
                "extra",
                "nix",
                &format!("throw (builtins.readFile {secret_path})"),
            ),
        ],
    );
    let mut js = app.db.jobset("p", "nixinput").unwrap().unwrap();
    js.nixexprpath = "whole.nix".into();
    write(&src, "whole.nix", "{ extra }: builtins.seq extra { }");
    app.db
        .put_jobset(&js, &app.db.jobset_inputs("p", "nixinput").unwrap())
        .unwrap();
    let o = eval::evaluate_jobset(&app, "p", "nixinput", false).unwrap();
    match &o {
        EvalOutcome::Failed(m) => {
            assert!(m.contains("forbidden in restricted mode"), "{m}");
            assert!(!m.contains(&secret_text), "{m}");
        }
        other => panic!("{other:?}"),
    }
    let js = app.db.jobset("p", "nixinput").unwrap().unwrap();
    assert!(!js.errormsg.unwrap().contains(&secret_text));
}

use common::git;

#[test]
fn a_pushed_repository_cannot_read_the_state_dir_or_follow_symlinks_out() {
    let dir = TempDir::new("restrict-git");
    let app = app_with(dir.path(), |_| {});
    let (secret_path, secret_text) = secret(dir.path());
    // The database and its neighbours (signing keys, credentials) live above the checkout.
    write(&app.config.state_dir, "key.sec", &secret_text);
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::os::unix::fs::symlink(&secret_path, repo.join("link")).unwrap();
    write(
        &repo,
        "release.nix",
        &format!(
            r#"{{ src }}: {DRV}in {{
  ok = mk "rev-${{src.shortRev}}";
  statedir = throw (builtins.readFile (./. + "/../../../../key.sec"));
  link = throw (builtins.readFile ./link);
  store = throw (toString (builtins.readDir /nix/store));
}}"#
        ),
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "one"]);
    jobset(
        &app,
        "j",
        &[input(
            "src",
            "git",
            &format!("file://{} main", repo.display()),
        )],
    );
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(ev.nrbuilds, 1, "{ev:?}");
    for job in ["statedir", "link", "store"] {
        let e = &ev.job_errors[job];
        assert!(e.contains("forbidden in restricted mode"), "{job}: {e}");
        assert!(!e.contains(&secret_text), "{job}: {e}");
    }
}

#[test]
fn an_admin_can_relax_a_project_unrestricted_or_by_allowed_uris() {
    let dir = TempDir::new("relax");
    let app = app_with(dir.path(), |_| {});
    let (secret_path, secret_text) = secret(dir.path());
    let files = dir.path().join("files");
    write(&files, "fetched", "fetched-by-url");
    let src = dir.path().join("src");
    write(
        &src,
        "release.nix",
        &format!(
            r#"{DRV}in {{
  fetched = mk (builtins.readFile (builtins.fetchurl "file://{}/fetched"));
  secret = mk (builtins.readFile {secret_path});
}}"#,
            files.display()
        ),
    );
    jobset(&app, "j", &[input("src", "path", src.to_str().unwrap())]);
    let names = |e: &db::Eval| -> Vec<String> {
        let mut v: Vec<String> = app
            .db
            .eval_builds(e.id)
            .unwrap()
            .into_iter()
            .map(|(b, _)| b.nixname)
            .collect();
        v.sort();
        v
    };
    let e = evaluated(eval::evaluate_jobset(&app, "p", "j", true).unwrap());
    assert!(names(&e).is_empty(), "{:?}", names(&e));
    assert!(
        e.job_errors["fetched"].contains("forbidden in restricted mode"),
        "{}",
        e.job_errors["fetched"]
    );

    let mut p = app.db.project("p").unwrap().unwrap();
    p.allowed_uris = vec![format!("file://{}/", files.display())];
    app.db.put_project(&p).unwrap();
    let e = evaluated(eval::evaluate_jobset(&app, "p", "j", true).unwrap());
    assert_eq!(names(&e), ["fetched-by-url"]);
    assert!(e.job_errors["secret"].contains("forbidden"));

    p.unrestricted = true;
    app.db.put_project(&p).unwrap();
    let e = evaluated(eval::evaluate_jobset(&app, "p", "j", true).unwrap());
    let mut want = vec!["fetched-by-url".to_string(), secret_text];
    want.sort();
    assert_eq!(names(&e), want);
}

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
