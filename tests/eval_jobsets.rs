//! The evaluator against real Nix and git: jobs and job errors, inputs, enabled states, and
//! errors that must be recorded instead of crashing.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::db::{self, Db, Jobset, JobsetInput};
use hydrant::eval::{self, EvalError, EvalOutcome};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

fn app(tag: &str) -> (TempDir, Arc<App>) {
    let t = common::TestApp::new(tag).build();
    (t.dir, t.app)
}

fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
    JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

fn jobset(app: &App, name: &str, enabled: u8, inputs: &[JobsetInput]) -> Jobset {
    common::ensure_project(&app.db, "p");
    let mut js = Jobset::new("p", name);
    js.enabled = enabled;
    js.nixexprinput = "src".into();
    js.nixexprpath = "release.nix".into();
    js.checkinterval = 0;
    app.db.put_jobset(&js, inputs).unwrap();
    js
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
}

const DRV: &str = r#"let mk = name: script: derivation {
    inherit name; builder = "/bin/sh"; args = [ "-c" script ];
    PATH = "/usr/bin:/bin"; system = builtins.currentSystem; };
"#;

fn evaluated(o: EvalOutcome) -> db::Eval {
    match o {
        EvalOutcome::Evaluated(e) => e,
        other => panic!("expected a new eval, got {other:?}"),
    }
}

#[test]
fn four_jobs_one_broken_gives_three_builds_and_one_error() {
    let (dir, app) = app("four");
    let src = dir.path().join("src");
    write(
        &src,
        "release.nix",
        &format!(
            "{DRV}in rec {{
  a = mk \"a\" \"echo a > $out\";
  b = (mk \"b\" \"echo ${{a}} > $out\") // {{ meta = {{ schedulingPriority = 250; description = \"uses a\"; timeout = 60; }}; }};
  nested = {{ c = mk \"c\" \"echo c > $out\"; recurseForDerivations = true; }};
  broken = throw \"job broken on purpose\";
}}"
        ),
    );
    jobset(
        &app,
        "j",
        db::JOBSET_ENABLED,
        &[input("src", "path", src.to_str().unwrap())],
    );
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(ev.nrbuilds, 3, "{ev:?}");
    assert!(ev.hasnewbuilds);
    assert_eq!(ev.job_errors.len(), 1, "{:?}", ev.job_errors);
    assert!(
        ev.job_errors["broken"].contains("job broken on purpose"),
        "{:?}",
        ev.job_errors
    );
    let builds = app.db.eval_builds(ev.id).unwrap();
    let mut jobs: Vec<_> = builds.iter().map(|(b, _)| b.job.clone()).collect();
    jobs.sort();
    assert_eq!(jobs, vec!["a", "b", "nested.c"]);
    let b = &builds.iter().find(|(b, _)| b.job == "b").unwrap().0;
    assert_eq!((b.priority, b.timeout, b.maxsilent), (250, 60, 7200));
    assert_eq!(b.description, "uses a");
    assert_eq!(b.nixname, "b");
    assert!(b.outputs["out"].starts_with("/nix/store/"));
    // --read-write-mode wrote the derivations, so the queue runner can build them.
    assert!(Path::new(&b.drvpath).exists(), "{} missing", b.drvpath);
    assert_eq!(app.db.queued_build_ids().unwrap().len(), 3);
    let js = app.db.jobset("p", "j").unwrap().unwrap();
    assert_eq!(js.errormsg, None);
    assert_eq!(
        js.last_inputs_hash.as_deref(),
        Some(ev.inputs_hash.as_str())
    );
    assert_eq!(ev.inputs[0].sha256hash.len(), 64);

    // Same inputs: no new eval; the path's content changes: a new one.
    assert_eq!(
        eval::evaluate_jobset(&app, "p", "j", false).unwrap(),
        EvalOutcome::Unchanged
    );
    write(&src, "extra.txt", "changed");
    let ev2 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert!(!ev2.hasnewbuilds, "same derivations reuse their builds");
    assert_eq!(ev2.nrbuilds, 3);
}

#[test]
fn errors_try_eval_cannot_catch_are_isolated() {
    let (dir, app) = app("abort");
    let src = dir.path().join("src");
    write(
        &src,
        "release.nix",
        &format!(
            "{DRV}in {{
  a = mk \"a\" \"echo a > $out\";
  aborts = abort \"aborted on purpose\";
  group = {{ typeerr = mk \"t\" (1 + \"x\"); fine = mk \"fine\" \"echo f > $out\"; }};
  z = mk \"z\" \"echo z > $out\";
  notajob = 42;
  nothing = null;
}}"
        ),
    );
    jobset(
        &app,
        "j",
        db::JOBSET_ENABLED,
        &[input("src", "path", src.to_str().unwrap())],
    );
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    let mut jobs: Vec<_> = app
        .db
        .eval_builds(ev.id)
        .unwrap()
        .into_iter()
        .map(|(b, _)| b.job)
        .collect();
    jobs.sort();
    assert_eq!(jobs, vec!["a", "group.fine", "z"]);
    let errs: Vec<_> = ev.job_errors.keys().cloned().collect();
    assert_eq!(
        errs,
        vec!["aborts", "group.typeerr", "notajob"],
        "{:?}",
        ev.job_errors
    );
    assert!(ev.job_errors["aborts"].contains("aborted on purpose"));
    assert!(ev.job_errors["notajob"].contains("unsupported value"));
}

#[test]
fn job_error_text_is_capped() {
    let (dir, app) = app("cap");
    let mut config = app.config.clone();
    config.max_eval_error_bytes = 300;
    let app = App::new(config, Db::open(&dir.path().join("db2.redb")).unwrap());
    let src = dir.path().join("src");
    write(
        &src,
        "release.nix",
        "{ huge = throw (builtins.concatStringsSep \"\" (builtins.genList (i: \"spam \") 20000)); }",
    );
    jobset(
        &app,
        "j",
        db::JOBSET_ENABLED,
        &[input("src", "path", src.to_str().unwrap())],
    );
    let ev = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    let msg = &ev.job_errors["huge"];
    assert!(msg.contains("spam"), "{msg}");
    assert!(msg.len() < 400, "{} bytes kept", msg.len());
    assert!(msg.contains("more bytes cut"));
}

#[test]
fn demo_fixture_official_release_changes_a_derivation() {
    let (_dir, app) = app("official");
    let demo = eval::demo_fixture_dir();
    let demo = demo.to_str().unwrap();
    jobset(
        &app,
        "j",
        db::JOBSET_ENABLED,
        &[
            input("src", "path", demo),
            input("officialRelease", "boolean", "false"),
        ],
    );
    let e1 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert!(e1.job_errors.contains_key("broken"), "{:?}", e1.job_errors);
    let drv = |e: &db::Eval, job: &str| {
        app.db
            .eval_builds(e.id)
            .unwrap()
            .into_iter()
            .find(|(b, _)| b.job == job)
            .map(|(b, _)| b)
            .unwrap()
    };
    assert_eq!(drv(&e1, "urgent").priority, 200);
    let js = app.db.jobset("p", "j").unwrap().unwrap();
    app.db
        .put_jobset(
            &js,
            &[
                input("src", "path", demo),
                input("officialRelease", "boolean", "true"),
            ],
        )
        .unwrap();
    let e2 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_ne!(drv(&e1, "release").drvpath, drv(&e2, "release").drvpath);
    assert_eq!(
        drv(&e1, "hello").id,
        drv(&e2, "hello").id,
        "unchanged job reuses its build"
    );
    let members = app.db.eval_builds(e2.id).unwrap();
    assert_eq!(members.iter().filter(|(_, new)| *new).count(), 1);
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn git_input_new_commit_no_commit_and_force() {
    let (dir, app) = app("git");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    write(
        &repo,
        "release.nix",
        &format!("{{ src }}: {DRV}in {{ v = mk \"v-${{src.shortRev}}-${{toString src.revCount}}\" \"cat ${{src}}/data > $out\"; }}"),
    );
    write(&repo, "data", "1");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "one"]);
    let rev1 = git(&repo, &["rev-parse", "HEAD"]);
    let url = format!("file://{} main", repo.display());
    jobset(&app, "j", db::JOBSET_ENABLED, &[input("src", "git", &url)]);
    let e1 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(e1.inputs[0].revision, rev1);
    assert_eq!(e1.inputs[0].revcount, 1);
    let b1 = &app.db.eval_builds(e1.id).unwrap()[0].0;
    assert_eq!(b1.nixname, format!("v-{}-1", &rev1[..7]));

    assert_eq!(
        eval::evaluate_jobset(&app, "p", "j", false).unwrap(),
        EvalOutcome::Unchanged,
        "no commit, no eval"
    );

    write(&repo, "data", "2");
    git(&repo, &["commit", "-qam", "two"]);
    let rev2 = git(&repo, &["rev-parse", "HEAD"]);
    let e2 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(
        (e2.inputs[0].revision.as_str(), e2.inputs[0].revcount),
        (rev2.as_str(), 2)
    );
    assert!(e2.hasnewbuilds);

    // force=1 through the trigger: a new eval with the same revision.
    eval::trigger(&app.db, "p", "j", true).unwrap();
    let e3 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(e3.inputs[0].revision, rev2);
    assert!(!e3.hasnewbuilds);
    let js = app.db.jobset("p", "j").unwrap().unwrap();
    assert!(!js.force_eval && js.triggertime.is_none());

    // A plain local path works as a URL too.
    let js2 = jobset(
        &app,
        "local",
        db::JOBSET_ENABLED,
        &[input("src", "git", repo.to_str().unwrap())],
    );
    let e4 = evaluated(eval::evaluate_jobset(&app, "p", &js2.name, false).unwrap());
    assert_eq!(e4.inputs[0].revision, rev2);
}

#[test]
fn one_shot_disables_itself_and_ignores_triggers() {
    let (dir, app) = app("oneshot");
    let src = dir.path().join("src");
    write(
        &src,
        "release.nix",
        &format!("{DRV}in {{ a = mk \"a\" \"echo a > $out\"; }}"),
    );
    let inputs = [input("src", "path", src.to_str().unwrap())];
    let js = jobset(&app, "j", db::JOBSET_ONE_SHOT, &inputs);
    evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(
        app.db.jobset("p", "j").unwrap().unwrap().enabled,
        db::JOBSET_DISABLED
    );
    assert!(matches!(
        eval::trigger(&app.db, "p", "j", true),
        Err(EvalError::Disabled(_))
    ));
    assert!(matches!(
        eval::evaluate_jobset(&app, "p", "j", true).unwrap(),
        EvalOutcome::Skipped(_)
    ));
    assert_eq!(app.db.jobset_evals("p", "j", 0, 10).unwrap().1, 1);
    // Re-enabled: triggers work again.
    let mut js = js;
    js.enabled = db::JOBSET_ENABLED;
    let cur = app.db.jobset("p", "j").unwrap().unwrap();
    js.last_inputs_hash = cur.last_inputs_hash;
    app.db.put_jobset(&js, &inputs).unwrap();
    eval::trigger(&app.db, "p", "j", true).unwrap();
    evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(app.db.jobset_evals("p", "j", 0, 10).unwrap().1, 2);
}

fn finish_all_builds(db: &Db) {
    for id in db.queued_build_ids().unwrap() {
        common::finish_build(db, id, db::status::SUCCEEDED);
    }
}

#[test]
fn one_at_a_time_waits_for_the_last_evals_builds() {
    let (dir, app) = app("oneatatime");
    let src = dir.path().join("src");
    write(
        &src,
        "release.nix",
        &format!("{{ tag }}: {DRV}in {{ a = mk \"a-${{tag}}\" \"echo a > $out\"; }}"),
    );
    let path = src.to_str().unwrap();
    let js = jobset(
        &app,
        "j",
        db::JOBSET_ONE_AT_A_TIME,
        &[input("src", "path", path), input("tag", "string", "1")],
    );
    evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    app.db
        .put_jobset(
            &js,
            &[input("src", "path", path), input("tag", "string", "2")],
        )
        .unwrap();
    let o = eval::evaluate_jobset(&app, "p", "j", true).unwrap();
    assert!(
        matches!(&o, EvalOutcome::Skipped(r) if r.contains("unfinished")),
        "{o:?}"
    );
    assert_eq!(app.db.jobset_evals("p", "j", 0, 10).unwrap().1, 1);
    finish_all_builds(&app.db);
    let e2 = evaluated(eval::evaluate_jobset(&app, "p", "j", false).unwrap());
    assert_eq!(
        e2.inputs.iter().find(|i| i.name == "tag").unwrap().value,
        "2"
    );
}

#[test]
fn broken_release_missing_input_and_bad_git_url_are_recorded() {
    let (dir, app) = app("errors");
    let src = dir.path().join("src");
    write(&src, "release.nix", "{ a = ; }");
    write(&src, "needs.nix", "{ wanted }: { }");
    let path = src.to_str().unwrap();

    jobset(
        &app,
        "syntax",
        db::JOBSET_ENABLED,
        &[input("src", "path", path)],
    );
    let o = eval::evaluate_jobset(&app, "p", "syntax", false).unwrap();
    assert!(
        matches!(&o, EvalOutcome::Failed(m) if m.contains("syntax error")),
        "{o:?}"
    );
    let js = app.db.jobset("p", "syntax").unwrap().unwrap();
    assert!(js.errormsg.unwrap().contains("syntax error"));
    assert!(js.errortime.is_some() && js.lastcheckedtime.is_some());
    assert_eq!(app.db.jobset_evals("p", "syntax", 0, 10).unwrap().1, 0);

    let mut js = jobset(
        &app,
        "missing",
        db::JOBSET_ENABLED,
        &[input("src", "path", path)],
    );
    js.nixexprpath = "needs.nix".into();
    app.db
        .put_jobset(&js, &[input("src", "path", path)])
        .unwrap();
    let o = eval::evaluate_jobset(&app, "p", "missing", false).unwrap();
    assert!(
        matches!(&o, EvalOutcome::Failed(m) if m.contains("wanted")),
        "{o:?}"
    );

    let mut js = jobset(
        &app,
        "noexpr",
        db::JOBSET_ENABLED,
        &[input("other", "path", path)],
    );
    js.nixexprinput = "src".into();
    let o = eval::evaluate_jobset(&app, "p", &js.name, false).unwrap();
    assert!(
        matches!(&o, EvalOutcome::Failed(m) if m.contains("`src`")),
        "{o:?}"
    );

    let gone = format!("file://{}/no-such-repo", dir.path().display());
    jobset(
        &app,
        "badgit",
        db::JOBSET_ENABLED,
        &[input("src", "git", &gone)],
    );
    let o = eval::evaluate_jobset(&app, "p", "badgit", false).unwrap();
    assert!(
        matches!(&o, EvalOutcome::FetchFailed(m) if m.contains("no-such-repo")),
        "{o:?}"
    );
    let js = app.db.jobset("p", "badgit").unwrap().unwrap();
    assert!(js
        .fetcherrormsg
        .unwrap()
        .contains("cannot fetch git repository"));

    jobset(
        &app,
        "badpath",
        db::JOBSET_ENABLED,
        &[input("src", "path", "/no/such/dir")],
    );
    let o = eval::evaluate_jobset(&app, "p", "badpath", false).unwrap();
    assert!(
        matches!(&o, EvalOutcome::FetchFailed(m) if m.contains("/no/such/dir")),
        "{o:?}"
    );
}

#[test]
fn disabled_project_is_never_evaluated() {
    let (dir, app) = app("disabledproj");
    let src = dir.path().join("src");
    write(&src, "release.nix", "{ }");
    jobset(
        &app,
        "j",
        db::JOBSET_ENABLED,
        &[input("src", "path", src.to_str().unwrap())],
    );
    let mut p = app.db.project("p").unwrap().unwrap();
    p.enabled = false;
    app.db.put_project(&p).unwrap();
    assert!(matches!(
        eval::evaluate_jobset(&app, "p", "j", true).unwrap(),
        EvalOutcome::Skipped(_)
    ));
    assert!(matches!(
        eval::trigger(&app.db, "p", "j", false),
        Err(EvalError::Disabled(_))
    ));
    assert!(matches!(
        eval::trigger(&app.db, "p", "nope", false),
        Err(EvalError::NotFound(_))
    ));
}
