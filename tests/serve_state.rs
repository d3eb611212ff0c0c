//! `hydrant serve` on the real binary with its defaults and under duress: the default (relative)
//! state dir works for git inputs, SIGTERM stops it promptly whatever an evaluation is doing,
//! and a `kill -9` leaves no builder behind.
mod common;
mod web_support;

use common::{hydrant_bin, processes_with_env, TempDir};
use hydrant::db::{self, Db, Jobset, JobsetInput};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use web_support::Server;

/// Project `p` with a triggered jobset `j` over `inputs` (`src` holds release.nix).
fn seed(db_path: &Path, inputs: &[(&str, &str, &str)]) {
    let db = Db::open(db_path).unwrap();
    common::ensure_project(&db, "p");
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    js.triggertime = Some(db::now());
    let inputs: Vec<_> = inputs
        .iter()
        .map(|(n, k, v)| common::input(n, k, v))
        .collect();
    db.put_jobset(&js, &inputs).unwrap();
}

/// `hydrant serve` with only `--listen` (and `extra`), in `cwd`.
fn serve_in(cwd: &Path, extra: &[&str]) -> Server {
    let mut b = Server::builder(cwd).cwd(cwd).without_state_flag();
    for a in extra {
        b = b.arg(a);
    }
    b.start()
}

#[test]
fn git_inputs_work_with_the_default_relative_state_dir() {
    let cwd = TempDir::new("defaultstate");
    let repo = cwd.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    common::git(&repo, &["init", "-q", "-b", "main"]);
    common::write_file(
        &repo,
        "release.nix",
        "{ src }: { a = derivation { name = \"a-${src.shortRev}\"; builder = \"/bin/sh\"; \
         args = [ \"-c\" \"echo > $out\" ]; system = builtins.currentSystem; }; }",
    );
    common::git(&repo, &["add", "-A"]);
    common::git(&repo, &["commit", "-qm", "one"]);
    let url = format!("file://{} main", repo.display());
    seed(
        &cwd.path().join("hydrant-state/hydrant.redb"),
        &[("src", "git", &url)],
    );
    let mut srv = serve_in(cwd.path(), &[]);
    let c = srv.client();
    let t = Instant::now();
    loop {
        let evals = c.get("/jobset/p/j/evals").json();
        if evals["evals"][0]["id"].is_u64() {
            break;
        }
        let js = c.get("/jobset/p/j").json();
        let err = js["fetcherrormsg"].as_str().unwrap_or("").to_string();
        assert!(err.is_empty(), "the git input failed: {err}");
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "no eval: {}",
            srv.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let js = c.get("/jobset/p/j").json();
    assert_eq!(js["errormsg"], "", "{js}");
    assert!(cwd.path().join("hydrant-state/git-cache").is_dir());
    assert!(srv.stop(), "{}", srv.log());
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

/// Processes whose command line contains `needle`.
fn processes_with_arg(needle: &str) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            if cmd.split(|&c| c == 0).any(|a| a == needle.as_bytes()) {
                n += 1;
            }
        }
    }
    n
}

#[track_caller]
fn wait_until(what: &str, within: Duration, f: impl Fn() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < within, "{what} not reached within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn kill_9_mid_build_leaves_no_nix_store_or_builder_and_the_next_start_cleans_up() {
    let state = TempDir::new("orphans");
    let n = nonce();
    common::write_file(
        &state.path().join("src"),
        "release.nix",
        &format!(
            "{{ sleepy = derivation {{ name = \"sleepy\"; builder = \"/bin/sh\"; \
             args = [ \"-c\" \"sleep 120; echo > $out\" ]; PATH = \"/usr/bin:/bin\"; \
             nonce = \"{n}\"; system = builtins.currentSystem; }}; }}"
        ),
    );
    let src = state.path().join("src").display().to_string();
    seed(&state.path().join("hydrant.redb"), &[("src", "path", &src)]);
    let sd = state.path().display().to_string();
    let mut srv = serve_in(state.path(), &["--state-dir", &sd]);
    let c = srv.client();
    let needle = format!("nonce={n}");
    wait_until("the builder runs", Duration::from_secs(60), || {
        processes_with_env(&needle) > 0
    });
    let drv = c.get("/build/1").json()["drvpath"]
        .as_str()
        .unwrap()
        .to_string();
    // nix-store --realise and its supervisor.
    assert!(processes_with_arg(&drv) >= 1, "nix-store --realise runs");
    let records = state.path().join("children");
    assert_eq!(std::fs::read_dir(&records).unwrap().count(), 1, "recorded");

    let mut child = srv.child.take().unwrap();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        processes_with_env(&needle),
        0,
        "the builder outlived hydrant"
    );
    wait_until("nix-store exits", Duration::from_secs(5), || {
        processes_with_arg(&drv) == 0
    });

    // Something the death signal missed (here: a group we start ourselves, recorded as a
    // child) is killed by the next start, which then runs the build again.
    let mut stray = Command::new("sleep")
        .arg("300")
        .process_group(0)
        .spawn()
        .unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", stray.id())).unwrap();
    let start: u64 = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .nth(19)
        .unwrap()
        .parse()
        .unwrap();
    std::fs::write(records.join(stray.id().to_string()), format!("{start}\n")).unwrap();
    let srv = serve_in(state.path(), &["--state-dir", &sd]);
    let t = Instant::now();
    let status = loop {
        if let Some(s) = stray.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "{}", srv.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert!(
        srv.log().contains("left by an earlier run"),
        "{}",
        srv.log()
    );
    wait_until("the build runs again", Duration::from_secs(60), || {
        processes_with_env(&needle) > 0
    });
    drop(srv);
    assert_eq!(processes_with_env(&needle), 0);
}

#[test]
fn sigterm_stops_serve_within_10s_whatever_the_evaluations_do() {
    let state = TempDir::new("sigterm-eval");
    let n = nonce();
    // One jobset hashes an endless input; another is inside Nix, building for its evaluation.
    let big = state.path().join("big");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    let src = state.path().join("src");
    common::write_file(
        &src,
        "release.nix",
        &format!(
            "import (derivation {{ name = \"ifd\"; builder = \"/bin/sh\"; \
             args = [ \"-c\" \"sleep 120; echo '{{ }}' > $out\" ]; PATH = \"/usr/bin:/bin\"; \
             nonce = \"{n}\"; system = builtins.currentSystem; }})"
        ),
    );
    let db_path = state.path().join("hydrant.redb");
    let s = src.display().to_string();
    seed(&db_path, &[("src", "path", &s)]);
    {
        let db = Db::open(&db_path).unwrap();
        let mut js = Jobset::new("p", "big");
        js.nixexprinput = "src".into();
        js.checkinterval = 0;
        js.triggertime = Some(db::now());
        let inputs =
            [("src", s.as_str()), ("big", big.to_str().unwrap())].map(|(n, v)| JobsetInput {
                name: n.into(),
                kind: "path".into(),
                value: v.into(),
                emailresponsible: false,
            });
        db.put_jobset(&js, &inputs).unwrap();
    }
    common::write_file(state.path(), "hydrant.conf", "max_concurrent_evals = 2\n");
    let sd = state.path().display().to_string();
    let cfg = state.path().join("hydrant.conf").display().to_string();
    let mut srv = serve_in(state.path(), &["--state-dir", &sd, "--config", &cfg]);
    let needle = format!("nonce={n}");
    wait_until("the evaluation builds", Duration::from_secs(60), || {
        processes_with_env(&needle) > 0
    });
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    assert!(srv.stop(), "{}", srv.log());
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert_eq!(
        processes_with_env(&needle),
        0,
        "the evaluation's builder outlived hydrant"
    );
}

#[test]
fn the_supervisor_passes_exit_codes_on_and_leaves_no_process_behind() {
    let n = nonce();
    let needle = format!("nonce={n}");
    let sup = |script: &str| {
        let mut c = Command::new(hydrant_bin());
        c.args(["__supervise", "--", "/bin/sh", "-c", script])
            .env("nonce", &n)
            .stdin(Stdio::null());
        c
    };
    let out = sup("exit 3").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    // A process that left for its own session (as Nix's builders do) dies with the child.
    let t = Instant::now();
    let out = sup("setsid sleep 300 & exit 0").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(
        processes_with_env(&needle),
        0,
        "the setsid'd sleep survived"
    );
    // SIGTERM (what a dying hydrant's death signal sends): the whole tree stops.
    let mut child = sup("setsid sleep 300 & sleep 300").spawn().unwrap();
    wait_until("both sleeps run", Duration::from_secs(10), || {
        processes_with_env(&needle) >= 3
    });
    // SAFETY: SIGTERM to the supervisor we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    use std::os::unix::process::ExitStatusExt;
    let st = child.wait().unwrap();
    assert_eq!(st.signal(), Some(libc::SIGTERM), "{st:?}");
    assert_eq!(processes_with_env(&needle), 0);
}
