//! `hydrant serve` on the real binary with its defaults and under duress: the default (relative)
//! state dir works for git inputs, SIGTERM stops it promptly whatever an evaluation is doing,
//! and a `kill -9` leaves no builder behind.
mod common;
mod web_support;

use common::{free_port, hydrant_bin, wait_for_port, TempDir, NIX_CONFIG};
use hydrant::db::{self, Db, Jobset, JobsetInput, Project};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use web_support::Server;

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Project `p` with a triggered jobset `j` over `inputs` (`src` holds release.nix).
fn seed(db_path: &Path, inputs: &[(&str, &str, &str)]) {
    let db = Db::open(db_path).unwrap();
    db.put_project(&Project {
        name: "p".into(),
        enabled: true,
        visible: true,
        ..Default::default()
    })
    .unwrap();
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    js.triggertime = Some(db::now());
    let inputs: Vec<JobsetInput> = inputs
        .iter()
        .map(|(n, k, v)| JobsetInput {
            name: n.to_string(),
            kind: k.to_string(),
            value: v.to_string(),
            emailresponsible: false,
        })
        .collect();
    db.put_jobset(&js, &inputs).unwrap();
}

/// `hydrant serve` with only `--listen` (and `extra`), in `cwd`.
fn serve_in(cwd: &Path, extra: &[&str]) -> Server {
    let port = free_port();
    let stderr = cwd.join(format!("serve-{port}.log"));
    let child = Command::new(hydrant_bin())
        .arg("serve")
        .arg("--listen")
        .arg(format!("127.0.0.1:{port}"))
        .args(extra)
        .current_dir(cwd)
        .env("NIX_CONFIG", NIX_CONFIG)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    wait_for_port(port, Duration::from_secs(20));
    Server {
        port,
        child: Some(child),
        stderr,
    }
}

#[test]
fn git_inputs_work_with_the_default_relative_state_dir() {
    let cwd = TempDir::new("defaultstate");
    let repo = cwd.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(
        &repo,
        "release.nix",
        "{ src }: { a = derivation { name = \"a-${src.shortRev}\"; builder = \"/bin/sh\"; \
         args = [ \"-c\" \"echo > $out\" ]; system = builtins.currentSystem; }; }",
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "one"]);
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
