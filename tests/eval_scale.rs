//! Evaluation at scale against real Nix: a jobset where every job throws, a job that needs far
//! more memory than the limit, two workers against one on the fixtures, and a running eval's
//! progress and cancel through the real server.
mod common;
mod web_support;

use common::{input, write_file, TempDir};
use hydrant::db::{self, Jobset};
use hydrant::eval::{self, workers::Counters, EvalOutcome, NixEvaluator};
use hydrant::nix::cli::NixCli;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use web_support::{admin_state, jobset_body, project_body, wait_for, Server};

const MK: &str = r#"mk = name: script: derivation {
    inherit name; builder = "/bin/sh"; args = [ "-c" script ];
    PATH = "/usr/bin:/bin"; system = builtins.currentSystem; };"#;

fn jobset(app: &hydrant::app::App, src: &Path) {
    common::ensure_project(&app.db, "p");
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    app.db
        .put_jobset(&js, &[input("src", "path", src.to_str().unwrap())])
        .unwrap();
}

fn evaluated(o: EvalOutcome) -> db::Eval {
    match o {
        EvalOutcome::Evaluated(e) => e,
        other => panic!("expected a new eval, got {other:?}"),
    }
}

#[test]
fn thirty_thousand_throwing_jobs_are_recorded_and_shown_capped() {
    let dir = TempDir::new("scale-throw");
    let src = dir.path().join("src");
    write_file(
        &src,
        "release.nix",
        &format!(
            "let {MK} in builtins.listToAttrs (builtins.genList (i: {{
               name = \"job${{toString i}}\";
               value = throw \"lib.broken is gone (wanted by job ${{toString i}})\"; }}) 30000)
             // {{ fine = mk \"fine\" \"echo > $out\"; }}"
        ),
    );
    let state = dir.path().join("state");
    let app = common::open_app(&state, "eval_workers = 2");
    jobset(&app, &src);
    let t = Instant::now();
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    eprintln!(
        "30,000 failing jobs evaluated and recorded in {:?}",
        t.elapsed()
    );
    assert_eq!(ev.nrbuilds, 1);
    assert_eq!(ev.job_errors.len(), 30_000);
    // Nix's own message, per job (not "unexpected EOF", not a generic placeholder).
    for i in [0, 12_345, 29_999] {
        let m = &ev.job_errors[&format!("job{i}")];
        assert!(
            m.contains(&format!("lib.broken is gone (wanted by job {i})"))
                && m.starts_with("error:"),
            "{m}"
        );
    }
    drop(app);
    let srv = Server::start(&state);
    let r = srv.client().html().get("/jobset/p/j");
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("30000 jobs failed to evaluate"),
        "{}",
        &r.body[..2000.min(r.body.len())]
    );
    assert!(r.body.contains("job0") && r.body.contains("more messages"));
    // Capped: 50 messages shown, not 30,000.
    assert!(r.body.matches("wanted by job").count() <= 60);
}

#[test]
fn a_memory_hungry_job_restarts_its_worker_and_gets_the_memory_error() {
    let dir = TempDir::new("scale-mem");
    let src = dir.path().join("src");
    write_file(
        &src,
        "release.nix",
        &format!(
            "let {MK} in builtins.listToAttrs (builtins.genList (i: {{
               name = \"small${{toString i}}\"; value = mk \"small${{toString i}}\" \"echo > $out\"; }}) 40)
             // {{ hungry = mk \"hungry\" (toString (builtins.length (builtins.genList (i: i) 200000000))); }}"
        ),
    );
    let app = common::open_app(
        &dir.path().join("state"),
        "eval_workers = 2\neval_max_memory_mb = 200",
    );
    jobset(&app, &src);
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(ev.nrbuilds, 40, "{:?}", ev.job_errors);
    let keys: Vec<_> = ev.job_errors.keys().collect();
    assert_eq!(keys, ["hungry"]);
    let m = &ev.job_errors["hungry"];
    assert!(m.contains("eval_max_memory_mb = 200 MiB"), "{m}");

    // The same through the evaluator: the worker was killed twice (first try, then alone).
    let never = || false;
    let nix = NixCli::default();
    let c = Counters::default();
    let ev = NixEvaluator::new(
        src.join("release.nix"),
        &[],
        Instant::now() + Duration::from_secs(300),
        4096,
        &never,
        &nix,
    )
    .with_workers(2, 200)
    .with_counters(&c)
    .evaluate()
    .unwrap();
    assert_eq!((ev.jobs.len(), ev.errors.len()), (40, 1));
    assert_eq!(c.restarts.load(std::sync::atomic::Ordering::Relaxed), 2);
}

type Seen = (
    Vec<(
        String,
        String,
        BTreeMap<String, String>,
        String,
        String,
        i32,
    )>,
    BTreeMap<String, String>,
);

fn evaluate(release: &Path, inputs: &[(&str, &str)], workers: usize) -> Seen {
    let never = || false;
    let nix = NixCli::default();
    let inputs: Vec<(String, String)> = inputs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let ev = NixEvaluator::new(
        release.to_path_buf(),
        &inputs,
        Instant::now() + Duration::from_secs(300),
        4096,
        &never,
        &nix,
    )
    .with_workers(workers, 4096)
    .evaluate()
    .unwrap();
    let jobs = ev
        .jobs
        .into_iter()
        .map(|j| {
            (
                j.job,
                j.drvpath,
                j.outputs,
                j.system,
                j.description,
                j.priority,
            )
        })
        .collect();
    (jobs, ev.errors)
}

#[test]
fn two_workers_find_what_one_worker_finds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let dir = TempDir::new("scale-same");
    let mixed = dir.path().join("mixed");
    write_file(
        &mixed,
        "release.nix",
        &format!(
            "{{ n ? 0 }}: let {MK} in {{
  a = mk \"a\" \"echo a > $out\";
  aborts = abort \"aborted on purpose\";
  throws = throw \"thrown on purpose\";
  group = {{ typeerr = mk \"t\" (1 + \"x\"); fine = mk \"fine\" \"echo f > $out\";
             deeper = {{ x = mk \"x\" \"echo x > $out\"; loop = let f = x: f x; in f 1; }}; }};
  z = mk \"z\" \"echo z > $out\";
  notajob = 42;
  nothing = null;
  fn = {{ n }}: mk \"fn${{toString n}}\" \"echo > $out\";
  \"bad name\" = mk \"bad\" \"echo > $out\";
  \"a.dotted\" = mk \"dotted\" \"echo > $out\";
  meta = mk \"meta\" \"echo > $out\" // {{ meta = {{ description = \"d\"; schedulingPriority = 7; }}; }};
  badmeta = mk \"bm\" \"echo > $out\" // {{ meta.description = throw \"no description\"; }};
  many = builtins.listToAttrs (builtins.genList (i: {{ name = \"m${{toString i}}\";
    value = if i == 77 then abort \"m77\" else mk \"m${{toString i}}\" \"echo > $out\"; }}) 300);
}}"
        ),
    );
    let cases: Vec<(std::path::PathBuf, Vec<(&str, &str)>)> = vec![
        (
            root.join("demo/release.nix"),
            vec![("officialRelease", "false")],
        ),
        (
            root.join("jobsets/release.nix"),
            vec![("elsewhere", "\"1\"")],
        ),
        (
            root.join("bench/release.nix"),
            vec![("n", "500"), ("salt", "\"same\"")],
        ),
        (mixed.join("release.nix"), vec![("n", "3")]),
    ];
    for (release, inputs) in cases {
        let one = evaluate(&release, &inputs, 1);
        let two = evaluate(&release, &inputs, 2);
        assert!(!one.0.is_empty(), "{release:?}");
        assert_eq!(one, two, "{release:?}");
    }
    let (jobs, errors) = evaluate(&mixed.join("release.nix"), &[("n", "3")], 2);
    let names: Vec<&str> = jobs.iter().map(|j| j.0.as_str()).collect();
    assert_eq!(
        names[..6],
        [
            "a",
            "fn",
            "group.deeper.x",
            "group.fine",
            "many.m0",
            "many.m1"
        ]
    );
    assert_eq!(names[names.len() - 2..], ["meta", "z"]);
    let meta = &jobs[names.len() - 2];
    assert_eq!((meta.4.as_str(), meta.5), ("d", 7));
    assert_eq!(jobs.len(), 4 + 299 + 2, "{names:?}");
    let keys: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "\"a.dotted\"",
            "\"bad name\"",
            "aborts",
            "badmeta",
            "group.deeper.loop",
            "group.typeerr",
            "many.m77",
            "notajob",
            "throws"
        ]
    );
    assert!(errors["aborts"].contains("aborted on purpose"));
    assert!(errors["throws"].contains("thrown on purpose"));
    assert!(errors["group.typeerr"].contains("cannot add a string to an integer"));
    assert!(
        errors["group.deeper.loop"].contains("infinite recursion")
            || errors["group.deeper.loop"].contains("stack overflow"),
        "{}",
        errors["group.deeper.loop"]
    );
    assert!(errors["badmeta"].contains("no description"));
}

/// A server with jobset `p:j` of `jobs` jobs of about 50 ms of evaluation each, on two
/// workers; not evaluated yet (its check interval is 0). Keep the state dir alive.
fn slow_jobset(tag: &str, jobs: usize) -> (common::TempDir, Server, String) {
    let (state, tok) = admin_state(tag);
    let src = state.path().join("src");
    write_file(
        &src,
        "release.nix",
        &format!(
            "{{ ... }}: let {MK} in builtins.listToAttrs (builtins.genList (i: {{ name = \"slow${{toString i}}\";
               value = mk \"slow${{toString i}}\" (toString (builtins.foldl' builtins.add i (builtins.genList (x: x) 200000))); }}) {jobs})"
        ),
    );
    let srv = Server::builder(state.path())
        .config(&format!(
            "eval_workers = 2\nallowed_path_inputs = {}\n",
            state.path().display()
        ))
        .start();
    let c = srv.client().with_bearer(&tok);
    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    let r = c.put_json("/jobset/p/j", &jobset_body(src.to_str().unwrap()));
    assert_eq!(r.status, 201, "{}", r.body);
    (state, srv, tok)
}

#[test]
fn a_running_eval_shows_progress_and_a_user_can_cancel_it() {
    let (_state, srv, tok) = slow_jobset("scale-cancel", 400);
    let c = srv.client().with_bearer(&tok);
    assert_eq!(
        c.post_json("/jobset/p/j/cancel-eval", &serde_json::json!({}))
            .status,
        409
    );
    assert_eq!(
        c.post_json("/jobset/p/j/evaluate", &serde_json::json!({}))
            .status,
        200
    );
    let progress = wait_for("progress", Duration::from_secs(60), &srv, || {
        let v = c.get("/jobset/p/j/eval-progress").json();
        (v["running"] == true && v["jobs"].as_u64() > Some(5)).then_some(v)
    });
    assert!(progress["elapsed"].is_u64());
    let page = srv.client().html().get("/jobset/p/j").body;
    assert!(page.contains("Evaluation in progress"), "{page}");
    assert!(
        !page.contains("Cancel evaluation"),
        "anonymous users get no button"
    );
    let admin = srv.client().html().login("admin", "adminpw");
    let page = admin.get("/jobset/p/j").body;
    assert!(page.contains("Cancel evaluation"), "{page}");
    assert!(matches!(
        srv.client()
            .post_json("/jobset/p/j/cancel-eval", &serde_json::json!({}))
            .status,
        401 | 403
    ));
    let r = c.post_json("/jobset/p/j/cancel-eval", &serde_json::json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let t = Instant::now();
    wait_for("the eval to stop", Duration::from_secs(20), &srv, || {
        (c.get("/jobset/p/j/eval-progress").json()["running"] == false).then_some(())
    });
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    let js = c.get("/jobset/p/j").json();
    let msg = js["errormsg"].as_str().unwrap_or_default();
    assert!(msg.contains("cancelled by admin"), "{js}");
    let evals = c.get("/jobset/p/j/evals").json();
    assert_eq!(evals["evals"].as_array().map(Vec::len), Some(0), "{evals}");
}

/// A push or an Evaluate click while the jobset is being evaluated is kept for after it (as
/// Hydra keeps a trigger newer than the eval's start): the end of the running eval used to
/// clear it, so the new commit waited for the next check interval, here never.
#[test]
fn a_trigger_during_an_eval_runs_another_eval_after_it() {
    let (_state, srv, tok) = slow_jobset("scale-retrigger", 120);
    let c = srv.client().with_bearer(&tok);
    let evaluate = || {
        let r = c.post_json("/jobset/p/j/evaluate", &serde_json::json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
    };
    evaluate();
    wait_for("the first eval", Duration::from_secs(60), &srv, || {
        let v = c.get("/jobset/p/j/eval-progress").json();
        (v["running"] == true && v["jobs"].as_u64() > Some(2)).then_some(())
    });
    evaluate();
    // The second trigger came while the first eval ran (else this test proves nothing).
    assert_eq!(c.get("/jobset/p/j/eval-progress").json()["running"], true);
    let evals = wait_for("a second eval", Duration::from_secs(90), &srv, || {
        let v = c.get("/jobset/p/j/evals").json();
        let n = v["evals"].as_array().map(Vec::len).unwrap_or(0);
        (n >= 2).then_some(n)
    });
    assert_eq!(evals, 2);
    wait_for("no trigger left", Duration::from_secs(30), &srv, || {
        c.get("/jobset/p/j").json()["triggertime"]
            .is_null()
            .then_some(())
    });
}

/// Issue 17's silent loss: two workers writing ~3,000 new derivations to one store at once
/// (Nix's "SQLite database is busy" territory), with some throwing jobs and some user traces
/// on the same stderr, three times over: every job is a build or an error each time.
#[test]
fn every_job_of_a_concurrent_eval_is_a_build_or_an_error() {
    const JOBS: usize = 3000;
    let dir = TempDir::new("scale-noloss");
    let src = dir.path().join("src");
    write_file(
        &src,
        "release.nix",
        &format!(
            "{{ salt ? \"\" }}: let {MK} in builtins.listToAttrs (builtins.genList (i: {{
               name = \"job${{toString i}}\";
               value = if i - (i / 97) * 97 == 5 then throw \"broken ${{toString i}}\"
                 else if i - (i / 500) * 500 == 3 then builtins.trace \"trace: user ${{toString i}}\"
                   (mk \"t-${{toString i}}\" \"echo ${{salt}} > $out\")
                 else mk \"noloss-${{toString i}}\" \"echo ${{salt}} ${{toString i}} > $out\"; }}) {JOBS})"
        ),
    );
    let state = dir.path().join("state");
    let app = common::open_app(&state, "eval_workers = 2");
    common::ensure_project(&app.db, "p");
    let throwing = (0..JOBS).filter(|i| i % 97 == 5).count();
    for round in 0..3 {
        let mut js = Jobset::new("p", "j");
        js.nixexprinput = "src".into();
        js.checkinterval = 0;
        let salt = format!("{round}-{:?}", Instant::now());
        app.db
            .put_jobset(
                &js,
                &[
                    input("src", "path", src.to_str().unwrap()),
                    input("salt", "string", &salt),
                ],
            )
            .unwrap();
        let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
        assert_eq!(
            ev.nrbuilds as usize + ev.job_errors.len(),
            JOBS,
            "round {round}: {} builds, {} errors",
            ev.nrbuilds,
            ev.job_errors.len()
        );
        assert_eq!(ev.job_errors.len(), throwing, "round {round}");
    }
}
