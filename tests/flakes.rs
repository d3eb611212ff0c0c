//! Flake jobsets (Hydra's `type = 1`) against real Nix 2.8 and real git repositories made
//! here: a flake with `hydraJobs` (a nested set, a failing job, a broken attribute, a job that
//! tries to read outside its sources, an input flake in a second repository and a `path:`
//! input) is locked without writing into the repository, evaluated and built; the eval records
//! the locked revisions; a new commit anywhere in the lock gives a new eval, an unchanged
//! repository none; an input that needs an unanswering network fails fast naming the input;
//! the reproduce script builds a job at the locked revision; and Hydra's
//! `Controller/Jobset/http.t` flake part through the API.
mod common;
mod web_support;

use common::{git, write_file, TempDir};
use hydrant::db::{self, Jobset};
use hydrant::eval::{self, EvalOutcome};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use web_support::*;

fn system() -> String {
    format!("{}-linux", std::env::consts::ARCH)
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn head(repo: &Path) -> String {
    let out = Command::new("git")
        .current_dir(repo)
        .args(["rev-parse", "HEAD"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn porcelain(repo: &Path) -> String {
    let out = Command::new("git")
        .current_dir(repo)
        .args(["status", "--porcelain", "--ignored"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn commit(repo: &Path, msg: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", msg]);
}

/// The dependency flake (second repository) and a `path:` data directory.
fn dep_repo(root: &Path, greeting: &str) -> std::path::PathBuf {
    let dep = root.join("dep");
    write_file(
        &dep,
        "flake.nix",
        &format!("{{ outputs = {{ self }}: {{ lib.greeting = \"{greeting}\"; }}; }}\n"),
    );
    if !dep.join(".git").exists() {
        git(&dep, &["init", "-q", "-b", "main"]);
    }
    commit(&dep, greeting);
    dep
}

/// The main flake: its jobs and which of them fail to build or evaluate.
fn main_flake(root: &Path, n: &str, extra: &str) -> String {
    let dep = root.join("dep");
    let data = root.join("data");
    write_file(&data, "message", "from a path input\n");
    format!(
        r#"{{
  inputs.dep.url = "git+file://{dep}?ref=main";
  inputs.data = {{ url = "path:{data}"; flake = false; }};
  outputs = {{ self, dep, data }}:
    let mk = name: script: derivation {{
      inherit name; builder = "/bin/sh"; args = [ "-c" script ];
      PATH = "/usr/bin:/bin"; system = "{sys}"; nonce = "{n}";
    }};
    in {{
      hydraJobs = {{
        hello = mk "hello" "echo ${{dep.lib.greeting}} > $out";
        nested = {{
          a = mk "a" "cat ${{data}}/message > $out";
          deeper.b = mk "b" "echo ${{self.rev or "dirty"}} > $out";
        }};
        failing = mk "failing" "echo this build fails >&2; exit 1";
        broken = throw "broken on purpose";
        sneaky = mk "sneaky" (builtins.readFile /etc/hostname);
        sneaky2 = mk "sneaky2" (builtins.readFile "${{builtins.fetchTree {{ type = "path"; path = "/etc/hostname"; }}}}");
        sneaky3 = (builtins.getFlake "path:/etc").outputs;
        {extra}
      }};
    }};
}}
"#,
        dep = dep.display(),
        data = data.display(),
        sys = system(),
    )
}

/// The test's repositories (`DIR/repos`) are where a flake's local inputs may lie.
const LOCAL_INPUTS: &str = "allowed_path_inputs = {dir}/repos";

fn main_repo(root: &Path, n: &str) -> std::path::PathBuf {
    let a = root.join("a");
    write_file(&a, "flake.nix", &main_flake(root, n, ""));
    git(&a, &["init", "-q", "-b", "main"]);
    commit(&a, "first");
    a
}

fn flake_jobset(app: &hydrant::app::App, flake: &str) {
    common::ensure_project(&app.db, "p");
    let mut js = Jobset::new("p", "f");
    js.jobset_type = db::JOBSET_FLAKE;
    js.flake = flake.to_string();
    js.nixexprinput = String::new();
    js.nixexprpath = String::new();
    js.checkinterval = 0;
    app.db.put_jobset(&js, &[]).unwrap();
}

fn evaluated(o: EvalOutcome) -> db::Eval {
    match o {
        EvalOutcome::Evaluated(e) => e,
        other => panic!("expected a new eval, got {other:?}"),
    }
}

#[test]
fn flake_is_locked_in_hydrants_state_evaluated_and_reevaluated_on_change() {
    let t = common::TestApp::new("flake-eval")
        .config(LOCAL_INPUTS)
        .build();
    let root = t.path().join("repos");
    let n = nonce();
    let dep = dep_repo(&root, "hello");
    let a = main_repo(&root, &n);
    let uri = format!("git+file://{}?ref=main", a.display());
    flake_jobset(&t.app, &uri);

    let ev = evaluated(eval::evaluate_jobset(&t.app, "p", "f", false).unwrap());
    let jobs: Vec<String> = t
        .app
        .db
        .eval_builds(ev.id)
        .unwrap()
        .into_iter()
        .map(|(b, _)| b.job)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(jobs, ["failing", "hello", "nested.a", "nested.deeper.b"]);
    let errs: Vec<&str> = ev.job_errors.keys().map(String::as_str).collect();
    assert_eq!(
        errs,
        ["broken", "sneaky", "sneaky2", "sneaky3"],
        "{:?}",
        ev.job_errors
    );
    assert!(ev.job_errors["broken"].contains("broken on purpose"));
    // Pure, restricted evaluation: the flake reads its own locked sources and nothing else.
    assert!(
        ev.job_errors["sneaky"].contains("forbidden in restricted mode"),
        "{}",
        ev.job_errors["sneaky"]
    );
    // Nor can it fetch something else (the evaluation has no fetcher).
    for job in ["sneaky2", "sneaky3"] {
        assert!(
            ev.job_errors[job].contains("'flakes' is disabled")
                || ev.job_errors[job].contains("attribute 'getFlake' missing"),
            "{job}: {}",
            ev.job_errors[job]
        );
    }
    // The locked reference: the flake at its commit, and the input at its own.
    let rev = head(&a);
    let locked = ev.flake.clone().expect("locked flake recorded");
    assert!(locked.contains(&format!("rev={rev}")), "{locked}");
    let input = |name: &str| {
        ev.inputs
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("no input {name} in {:?}", ev.inputs))
            .clone()
    };
    assert_eq!(input("flake").revision, rev);
    assert!(input("flake").sha256hash.starts_with("sha256-"));
    assert_eq!(input("dep").revision, head(&dep));
    assert!(input("data").sha256hash.starts_with("sha256-"));
    // hydrant wrote nothing into the user's repository (no flake.lock, clean tree).
    assert!(!a.join("flake.lock").exists());
    assert_eq!(porcelain(&a), "");

    // Nothing changed: no new eval.
    assert_eq!(
        eval::evaluate_jobset(&t.app, "p", "f", false).unwrap(),
        EvalOutcome::Unchanged
    );
    // A commit in the input's repository changes the lock: a new eval.
    dep_repo(&root, "hello again");
    let ev2 = evaluated(eval::evaluate_jobset(&t.app, "p", "f", false).unwrap());
    assert_eq!(
        ev2.inputs
            .iter()
            .find(|i| i.name == "dep")
            .unwrap()
            .revision,
        head(&dep)
    );
    assert_eq!(ev2.flake, ev.flake, "the flake itself did not change");
    // A commit in the flake's repository: a new eval at the new revision, with the new job.
    write_file(
        &a,
        "flake.nix",
        &main_flake(&root, &n, "added = mk \"added\" \"echo > $out\";"),
    );
    commit(&a, "second");
    let ev3 = evaluated(eval::evaluate_jobset(&t.app, "p", "f", false).unwrap());
    assert!(ev3
        .flake
        .as_deref()
        .unwrap()
        .contains(&format!("rev={}", head(&a))));
    assert!(t
        .app
        .db
        .eval_builds(ev3.id)
        .unwrap()
        .iter()
        .any(|(b, _)| b.job == "added"));
    assert_eq!(porcelain(&a), "");
    assert_eq!(
        eval::evaluate_jobset(&t.app, "p", "f", false).unwrap(),
        EvalOutcome::Unchanged
    );
}

/// A `path:` flake (no git) with a local git input: evaluated with no network, re-evaluated
/// when its contents change; a dirty git tree named without a branch is a clear error.
#[test]
fn path_flakes_and_dirty_trees() {
    let t = common::TestApp::new("flake-path")
        .config(LOCAL_INPUTS)
        .build();
    let root = t.path().join("repos");
    let n = nonce();
    dep_repo(&root, "hello");
    let dir = root.join("plain");
    write_file(&dir, "flake.nix", &main_flake(&root, &n, ""));
    flake_jobset(&t.app, &format!("path:{}", dir.display()));
    let ev = evaluated(eval::evaluate_jobset(&t.app, "p", "f", false).unwrap());
    assert_eq!(ev.nrbuilds, 4, "{:?}", ev.job_errors);
    assert!(ev.flake.as_deref().unwrap().starts_with("path:"));
    assert_eq!(
        eval::evaluate_jobset(&t.app, "p", "f", false).unwrap(),
        EvalOutcome::Unchanged
    );
    assert!(!dir.join("flake.lock").exists());
    write_file(
        &dir,
        "flake.nix",
        &main_flake(&root, &n, "more = mk \"more\" \"echo > $out\";"),
    );
    let ev2 = evaluated(eval::evaluate_jobset(&t.app, "p", "f", false).unwrap());
    assert_eq!(ev2.nrbuilds, 5);

    // A git work tree with uncommitted changes, named without `ref`.
    let a = main_repo(&root, &n);
    write_file(&a, "flake.nix", &main_flake(&root, "uncommitted", ""));
    flake_jobset(&t.app, &format!("git+file://{}", a.display()));
    let out = eval::evaluate_jobset(&t.app, "p", "f", false).unwrap();
    let EvalOutcome::FetchFailed(msg) = out else {
        panic!("expected a fetch failure, got {out:?}");
    };
    assert!(msg.contains("uncommitted changes"), "{msg}");
}

/// A committed, complete flake.lock is used as it is: its pinned input is fetched (here after
/// its source was deleted from the store) at the locked revision, not the branch's newest.
#[test]
fn a_committed_lock_is_honoured_and_fetched() {
    let t = common::TestApp::new("flake-committed")
        .config(LOCAL_INPUTS)
        .build();
    let root = t.path().join("repos");
    let n = nonce();
    let dep = dep_repo(&root, &format!("pinned {n}"));
    let pinned = head(&dep);
    let a = main_repo(&root, &n);
    let out = Command::new("nix")
        .args(["--extra-experimental-features", "nix-command flakes"])
        .args(["flake", "lock"])
        .current_dir(&a)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    commit(&a, "lock");
    // The input moves on after the lock was committed; its locked source leaves the store.
    dep_repo(&root, "newer");
    let lock: Value =
        serde_json::from_slice(&std::fs::read(a.join("flake.lock")).unwrap()).unwrap();
    let nar = lock["nodes"]["dep"]["locked"]["narHash"].as_str().unwrap();
    let path = hydrant::eval::flake::source_store_path("/nix/store", nar).unwrap();
    let del = Command::new("nix-store")
        .args(["--delete", &path])
        .output()
        .unwrap();
    assert!(
        del.status.success(),
        "{}",
        String::from_utf8_lossy(&del.stderr)
    );
    assert!(!Path::new(&path).exists());
    flake_jobset(&t.app, &format!("git+file://{}?ref=main", a.display()));
    let ev = evaluated(eval::evaluate_jobset(&t.app, "p", "f", false).unwrap());
    assert_eq!(ev.nrbuilds, 4, "{:?}", ev.job_errors);
    let dep_rec = ev.inputs.iter().find(|i| i.name == "dep").unwrap();
    assert_eq!(dep_rec.revision, pinned);
    assert!(Path::new(&path).exists(), "fetched again");
    assert_eq!(porcelain(&a), "");
}

/// A flake's own inputs are repository content: one naming a local path outside
/// `allowed_path_inputs` (`path:`, `git+file:` with one slash or three) is refused before
/// anything is evaluated, whoever set up the jobset, and nothing of it reaches the eval.
#[test]
fn local_inputs_outside_allowed_path_inputs_are_refused() {
    let t = common::TestApp::new("flake-outside")
        .config(LOCAL_INPUTS)
        .build();
    let secret = t.path().join("private");
    write_file(&secret, "secret", "do not show me\n");
    let outside_repo = t.path().join("private-repo");
    write_file(&outside_repo, "secret", "do not show me either\n");
    git(&outside_repo, &["init", "-q", "-b", "main"]);
    commit(&outside_repo, "private");
    let a = t.path().join("repos/a");
    for url in [
        format!("path:{}", secret.display()),
        format!("git+file://{}?ref=main", outside_repo.display()),
        format!("git+file:{}?ref=main", outside_repo.display()),
    ] {
        write_file(
            &a,
            "flake.nix",
            &format!(
                "{{ inputs.x = {{ url = \"{url}\"; flake = false; }};\n  \
                 outputs = {{ self, x }}: {{ hydraJobs.leak = throw (builtins.readFile \"${{x}}/secret\"); }}; }}\n"
            ),
        );
        if !a.join(".git").exists() {
            git(&a, &["init", "-q", "-b", "main"]);
        }
        commit(&a, &url);
        flake_jobset(&t.app, &format!("git+file://{}?ref=main", a.display()));
        let out = eval::evaluate_jobset(&t.app, "p", "f", true).unwrap();
        let EvalOutcome::FetchFailed(msg) = out else {
            panic!("{url}: expected a fetch failure, got {out:?}");
        };
        assert!(
            msg.contains("flake input `x`") && msg.contains("allowed_path_inputs"),
            "{url}: {msg}"
        );
        assert!(!msg.contains("do not show"), "{msg}");
    }
    assert_eq!(t.app.db.jobset_evals("p", "f", 0, 10).unwrap().1, 0);
}

/// An input behind a network that accepts connections and never answers fails within the
/// fetch timeout, naming the input; the jobset shows it as its fetch error.
#[test]
fn an_input_that_needs_the_network_fails_fast_naming_it() {
    let t = common::TestApp::new("flake-airgap")
        .config(&format!("{LOCAL_INPUTS}\nflake_fetch_timeout = 3"))
        .build();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and holds every connection without a byte in reply.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let root = t.path().join("repos");
    let a = root.join("a");
    write_file(
        &a,
        "flake.nix",
        &format!(
            "{{ inputs.faraway.url = \"git+http://127.0.0.1:{port}/x.git\";\n  \
             outputs = {{ self, faraway }}: {{ hydraJobs = {{ }}; }}; }}\n"
        ),
    );
    git(&a, &["init", "-q", "-b", "main"]);
    commit(&a, "first");
    flake_jobset(&t.app, &format!("git+file://{}", a.display()));
    let started = Instant::now();
    let out = eval::evaluate_jobset(&t.app, "p", "f", false).unwrap();
    let took = started.elapsed();
    let EvalOutcome::FetchFailed(msg) = out else {
        panic!("expected a fetch failure, got {out:?}");
    };
    assert!(took < Duration::from_secs(30), "took {took:?}: {msg}");
    assert!(msg.contains("input `faraway`"), "{msg}");
    let js = t.app.db.jobset("p", "f").unwrap().unwrap();
    assert_eq!(js.fetcherrormsg.as_deref(), Some(msg.as_str()));
    assert_eq!(porcelain(&a), "");
}

fn wait_eval(c: &Client, srv: &Server, after: u64) -> u64 {
    wait_for("an evaluation", Duration::from_secs(120), srv, || {
        let evals = c.get("/jobset/p/f/evals").json();
        evals["evals"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|e| e["id"].as_u64())
            .filter(|&id| id > after)
    })
}

/// Through the real server: a flake jobset made with the JSON API is evaluated and built, the
/// eval page's Inputs tab shows the locked reference, and the reproduce script builds a job at
/// the locked revision to the same output.
#[test]
fn flake_jobset_builds_and_reproduces_through_the_server() {
    let (state, admin) = admin_state("flake-server");
    let srv = Server::builder(state.path())
        .config(&LOCAL_INPUTS.replace("{dir}", &state.path().display().to_string()))
        .start();
    let c = srv.client().with_bearer(&admin);
    let root = state.path().join("repos");
    let n = nonce();
    dep_repo(&root, "hello");
    let a = main_repo(&root, &n);
    let uri = format!("git+file://{}?ref=main", a.display());
    assert_eq!(c.put_json("/project/p", &project_body("p")).status, 201);
    let r = c.put_json(
        "/jobset/p/f",
        &json!({"type": 1, "flake": uri, "enabled": 1, "visible": true, "checkinterval": 0,
                "schedulingshares": 100, "keepnr": 3, "description": "flake"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let js = c.get("/jobset/p/f").json();
    assert_eq!(
        (js["type"].clone(), js["flake"].clone()),
        (json!(1), json!(uri))
    );
    let r = c.post_json("/api/push?jobsets=p:f", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let eval = wait_eval(&c, &srv, 0);
    let ej = c.get(&format!("/eval/{eval}")).json();
    let rev = head(&a);
    assert!(
        ej["flake"]
            .as_str()
            .unwrap()
            .contains(&format!("rev={rev}")),
        "{ej}"
    );
    let builds = c.get(&format!("/eval/{eval}/builds")).json();
    let builds = builds.as_array().unwrap().clone();
    assert_eq!(builds.len(), 4, "{builds:?}");
    let mut status = std::collections::BTreeMap::new();
    let mut hello_out = String::new();
    for b in &builds {
        let id = b["id"].as_u64().unwrap();
        let done = wait_for(
            &format!("build {id}"),
            Duration::from_secs(120),
            &srv,
            || {
                let b = c.get(&format!("/build/{id}")).json();
                (b["finished"] == 1).then_some(b)
            },
        );
        let job = done["job"].as_str().unwrap().to_string();
        if job == "hello" {
            hello_out = done["buildoutputs"]["out"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_string();
        }
        status.insert(job, done["buildstatus"].as_i64().unwrap());
    }
    assert_eq!(
        status,
        [
            ("failing".to_string(), 1),
            ("hello".to_string(), 0),
            ("nested.a".to_string(), 0),
            ("nested.deeper.b".to_string(), 0)
        ]
        .into_iter()
        .collect()
    );
    // The Inputs tab names the locked flake and its inputs' revisions.
    let page = c.html().get(&format!("/eval/{eval}?tab=inputs"));
    assert_eq!(page.status, 200);
    let shown: Vec<String> = texts(&page.body, "#eval-flake code")
        .iter()
        .map(|t| t.replace("&amp;", "&"))
        .collect();
    assert_eq!(shown, [ej["flake"].as_str().unwrap()]);
    let names = texts(&page.body, "#eval-inputs td.name");
    assert_eq!(names, ["data", "dep", "flake"], "{}", page.body);
    assert!(
        page.body.contains(&format!("title=\"{rev}\"")),
        "{}",
        page.body
    );

    // The reproduce script pins the latest eval's lock.
    let script = c.get("/jobset/p/f/reproduce");
    assert_eq!(script.status, 200, "{}", script.body);
    assert!(
        script.body.contains(&format!("rev={rev}")),
        "{}",
        script.body
    );
    let work = TempDir::new("flake-repro");
    let file = work.path().join("reproduce.sh");
    std::fs::write(&file, &script.body).unwrap();
    // Build elsewhere than in the repository, after it moved on: the locked rev is built.
    write_file(&a, "flake.nix", &main_flake(&root, "moved on", ""));
    commit(&a, "moved on");
    let out = Command::new("sh")
        .arg(&file)
        .args(["hello", "--no-link", "--json"])
        .current_dir(work.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        built[0]["outputs"]["out"].as_str(),
        Some(hello_out.as_str())
    );
    // A job name that is not one is refused by the script, not handed to nix.
    let bad = Command::new("sh")
        .arg(&file)
        .arg("--impure")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(porcelain(&a), "");
}

/// Flake references are checked on save with a clear error, and non-admins may not name a
/// local flake outside `allowed_path_inputs`.
#[test]
fn flake_references_are_checked_on_save() {
    let (state, admin) = admin_state("flake-save");
    add_user(state.path(), "alice", &["create-projects"], "alicepw");
    let alice_tok = token(state.path(), "alice");
    let srv = Server::builder(state.path()).start();
    let c = srv.client().with_bearer(&admin);
    assert_eq!(c.put_json("/project/p", &project_body("p")).status, 201);
    let body = |flake: &str| json!({"type": 1, "flake": flake, "checkinterval": 0});
    for (bad, why) in [
        ("", "`flake` is required"),
        ("-Lfoo", "not a flake reference"),
        ("nixpkgs", "registry"),
        ("github:a/b c", "contains ' '"),
        ("github:-x", "nothing usable"),
    ] {
        let r = c.put_json("/jobset/p/bad", &body(bad));
        assert_eq!(r.status, 400, "{bad:?}: {}", r.body);
        assert!(r.error().contains(why), "{bad:?}: {}", r.error());
    }
    let r = c.put_json("/jobset/p/bad", &json!({"type": 7, "flake": "github:a/b"}));
    assert_eq!(r.status, 400);
    assert!(r.error().contains("`type` must be 0"), "{}", r.error());
    let alice = srv.client().with_bearer(&alice_tok);
    assert_eq!(alice.put_json("/project/q", &project_body("q")).status, 201);
    let r = alice.put_json("/jobset/q/f", &body("git+file:///etc?ref=main"));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("allowed_path_inputs"), "{}", r.error());
    let r = alice.put_json("/jobset/q/f", &body("github:nixos/nix"));
    assert_eq!(r.status, 201, "{}", r.body);
}

/// Hydra's `Controller/Jobset/http.t`, flake part: create a flake jobset, read it, switch it to
/// legacy, read it, an invalid input type, back to flake and read (added: legacy → flake →
/// legacy round-trips), delete. Same requests, statuses and fields.
#[test]
fn hydra_jobset_http_t_flake_round_trip() {
    let (state, admin) = admin_state("flake-http-t");
    let srv = Server::builder(state.path()).start();
    let c = srv.client().with_bearer(&admin);
    assert_eq!(
        c.put_json("/project/tests", &project_body("Tests")).status,
        201
    );
    let created = c.put_json(
        "/jobset/tests/job",
        &json!({"enabled": 2, "visible": true, "name": "job", "type": 1,
                "description": "test jobset", "flake": "github:nixos/nix",
                "checkinterval": 0, "schedulingshares": 100, "keepnr": 3}),
    );
    assert!((200..300).contains(&created.status), "{}", created.body);
    assert!(
        created
            .headers
            .get("location")
            .is_some_and(|l| l.ends_with("/jobset/tests/job")),
        "{:?}",
        created.headers
    );
    let expect_flake = json!({
        "checkinterval": 0, "description": "test jobset", "emailoverride": "", "enabled": 2,
        "enableemail": false, "enable_dynamic_run_command": false, "errortime": null,
        "errormsg": "", "fetcherrormsg": "", "flake": "github:nixos/nix", "visible": true,
        "inputs": {}, "keepnr": 3, "lastcheckedtime": null, "name": "job", "nixexprinput": "",
        "nixexprpath": "", "project": "tests", "schedulingshares": 100, "starttime": null,
        "triggertime": null, "type": 1
    });
    let same = |got: &Value, want: &Value| {
        for (k, v) in want.as_object().unwrap() {
            assert_eq!(&got[k], v, "field {k} of {got}");
        }
        // hydrant adds only `hidden` (Hydra's older name for !visible).
        let extra: Vec<&String> = got
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !want.as_object().unwrap().contains_key(*k) && *k != "hidden")
            .collect();
        assert!(extra.is_empty(), "extra fields {extra:?}");
    };
    let r = c.get("/jobset/tests/job");
    assert_eq!(r.status, 200);
    same(&r.json(), &expect_flake);

    let legacy = json!({"enabled": 3, "visible": true, "name": "job", "type": 0,
        "nixexprinput": "ofborg", "nixexprpath": "release.nix",
        "inputs": {"ofborg": {"name": "ofborg", "type": "git",
                              "value": "https://github.com/NixOS/ofborg.git released"}},
        "description": "test jobset", "checkinterval": 0, "schedulingshares": 50, "keepnr": 1});
    let r = c.put_json("/jobset/tests/job", &legacy);
    assert!((200..300).contains(&r.status), "{}", r.body);
    let expect_legacy = json!({
        "checkinterval": 0, "description": "test jobset", "emailoverride": "", "enabled": 3,
        "enableemail": false, "enable_dynamic_run_command": false, "errortime": null,
        "errormsg": "", "fetcherrormsg": "", "flake": "", "visible": true,
        "inputs": {"ofborg": {"name": "ofborg", "type": "git", "emailresponsible": false,
                              "value": "https://github.com/NixOS/ofborg.git released"}},
        "keepnr": 1, "lastcheckedtime": null, "name": "job", "nixexprinput": "ofborg",
        "nixexprpath": "release.nix", "project": "tests", "schedulingshares": 50,
        "starttime": null, "triggertime": null, "type": 0
    });
    let r = c.get("/jobset/tests/job");
    assert_eq!(r.status, 200);
    same(&r.json(), &expect_legacy);

    let mut invalid = legacy.clone();
    invalid["inputs"]["ofborg"]["type"] = json!("123");
    let r = c.put_json("/jobset/tests/job", &invalid);
    assert!(!(200..300).contains(&r.status), "{}", r.body);
    assert!(
        r.body.contains("type") && r.body.contains("expected one of"),
        "{}",
        r.body
    );
    same(&c.get("/jobset/tests/job").json(), &expect_legacy);

    // legacy → flake → legacy.
    let r = c.put_json(
        "/jobset/tests/job",
        &json!({"enabled": 2, "visible": true, "name": "job", "type": 1,
                "description": "test jobset", "flake": "github:nixos/nix",
                "checkinterval": 0, "schedulingshares": 100, "keepnr": 3}),
    );
    assert!((200..300).contains(&r.status), "{}", r.body);
    same(&c.get("/jobset/tests/job").json(), &expect_flake);
    assert!((200..300).contains(&c.put_json("/jobset/tests/job", &legacy).status));
    same(&c.get("/jobset/tests/job").json(), &expect_legacy);

    let r = c.delete("/jobset/tests/job");
    assert!((200..300).contains(&r.status), "{}", r.body);
    assert!(!(200..300).contains(&c.get("/jobset/tests/job").status));
}

/// The edit form offers Flake and Legacy; a form post of each type saves it (no JavaScript:
/// the radios and the stylesheet choose the fields shown).
#[test]
fn edit_form_offers_flake_and_legacy() {
    let (state, admin) = admin_state("flake-form");
    let srv = Server::builder(state.path()).start();
    let c = srv.client().with_bearer(&admin);
    assert_eq!(c.put_json("/project/p", &project_body("p")).status, 201);
    let r = c.put_json(
        "/jobset/p/f",
        &json!({"type": 1, "flake": "github:o/r", "checkinterval": 0}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let page = c.html().get("/jobset/p/f/edit");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains(r#"id="type-flake" type="radio" name="type" value="1" checked"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"name="flake" value="github:o/r""#));
    let css = c.html().get(&hydrant_css_path(&page.body));
    assert!(css
        .body
        .contains("#type-flake:checked~.legacy-fields{display:none}"));
    // The browser form posts both types' fields; the chosen type decides which count.
    let form = |ty: &'static str| {
        vec![
            ("name", "f"),
            ("type", ty),
            ("flake", "github:o/r2"),
            ("nixexprinput", "src"),
            ("nixexprpath", "release.nix"),
            ("input-0-name", "src"),
            ("input-0-type", "string"),
            ("input-0-value", "x"),
            ("checkinterval", "0"),
            ("enabled", "1"),
        ]
    };
    let r = c.html().post_form("/jobset/p/f", &form("0"));
    assert!(r.status < 400, "{} {}", r.status, r.body);
    let js = c.get("/jobset/p/f").json();
    assert_eq!(
        (&js["type"], &js["flake"], &js["nixexprinput"]),
        (&json!(0), &json!(""), &json!("src"))
    );
    let r = c.html().post_form("/jobset/p/f", &form("1"));
    assert!(r.status < 400, "{} {}", r.status, r.body);
    let js = c.get("/jobset/p/f").json();
    assert_eq!(
        (&js["type"], &js["flake"], &js["nixexprinput"]),
        (&json!(1), &json!("github:o/r2"), &json!(""))
    );
    // A bad flake reference comes back in the form, beside its field.
    let mut bad = form("1");
    bad[2] = ("flake", "nixpkgs");
    let r = c.html().post_form("/jobset/p/f", &bad);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("id=\"error-flake\""), "{}", r.body);
    assert!(r.body.contains(r#"name="flake" value="nixpkgs""#));
    // The jobset page says it is a flake jobset.
    let jp = c.html().get("/jobset/p/f?tab=config");
    assert_eq!(texts(&jp.body, "#config-flake code"), ["github:o/r2"]);
}

fn hydrant_css_path(html: &str) -> String {
    let i = html
        .find("rel=\"stylesheet\" href=\"")
        .expect("stylesheet link")
        + 23;
    html[i..].split('"').next().unwrap().to_string()
}
