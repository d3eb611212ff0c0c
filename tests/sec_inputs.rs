//! Hostile values from evaluation: with real Nix, bad job names, drv paths and output paths
//! become per-job errors; the queue runner never runs or roots a path outside the store.
mod common;

use common::{TempDir, NIX_CONFIG};
use hydrant::app::App;
use hydrant::config::Config;
use hydrant::db::{self, Build, Db, Eval, Jobset, JobsetInput, NewJob, Project};
use hydrant::eval::{self, EvalOutcome};
use hydrant::queue;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const HASH: &str = "xcp9cav49dmsjbwdjlmkjxj10gkpx553";

fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
    JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

// ---------- evaluation with real Nix ----------

fn app(dir: &Path) -> Arc<App> {
    // nix-instantiate and nix-store inherit this: root without a daemon, no substituters.
    std::env::set_var("NIX_CONFIG", NIX_CONFIG);
    let text = format!(
        "state_dir = {}\nmax_jobs = 1\n",
        dir.join("state").display()
    );
    let config = Config::from_str(&text, "test.conf").unwrap();
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

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

#[test]
fn hostile_jobs_become_eval_errors() {
    let dir = TempDir::new("sec-eval");
    let app = app(dir.path());
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let n = nonce();
    std::fs::write(
        src.join("release.nix"),
        format!(
            r#"let good = derivation {{ name = "good-{n}"; builder = "/bin/sh";
    args = [ "-c" "echo > $out" ]; system = builtins.currentSystem; }};
in {{
  inherit good;
  "a\ntouch PWNED\n" = good;
  "bad name" = good;
  help = {{ type = "derivation"; name = "x"; system = "x86_64-linux"; drvPath = "--help"; outPath = "/etc"; }};
  etc = {{ type = "derivation"; name = "x"; system = builtins.currentSystem; drvPath = good.drvPath; outPath = "/etc"; }};
  outside = {{ type = "derivation"; name = "x"; system = "x86_64-linux"; drvPath = "/tmp/{HASH}-x.drv"; outPath = good.outPath; }};
  sys = good // {{ system = "x86_64-linux\n; rm -rf /"; }};
}}"#
        ),
    )
    .unwrap();
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    app.db
        .put_jobset(&js, &[input("src", "path", src.to_str().unwrap())])
        .unwrap();
    let ev = match eval::evaluate_jobset(&app, "p", "j", false).unwrap() {
        EvalOutcome::Evaluated(e) => e,
        other => panic!("expected an eval: {other:?}"),
    };
    let builds = app.db.eval_builds(ev.id).unwrap();
    let jobs: Vec<_> = builds.iter().map(|(b, _)| b.job.as_str()).collect();
    assert_eq!(jobs, ["good"], "{:?}", ev.job_errors);
    let e = &ev.job_errors;
    assert_eq!(e.len(), 6, "{e:?}");
    assert!(
        e[r#""a\ntouch PWNED\n""#].contains("invalid job name"),
        "{e:?}"
    );
    assert!(e[r#""bad name""#].contains("invalid job name"), "{e:?}");
    assert!(e["help"].contains("invalid drvPath"), "{e:?}");
    assert!(e["etc"].contains("invalid path of output `out`"), "{e:?}");
    assert!(e["outside"].contains("invalid drvPath"), "{e:?}");
    assert!(e["sys"].contains("invalid system"), "{e:?}");
    assert_eq!(app.db.queued_build_ids().unwrap().len(), 1);
}

/// The runner's second line of defence, for records that never went through evaluation's
/// checks (older databases): a drv path that is not a store path is not run, and an output
/// outside the store gets no GC root.
#[test]
fn runner_roots_and_runs_only_store_paths() {
    let dir = TempDir::new("sec-runner");
    let app = app(dir.path());
    app.db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
    let n = nonce();
    let file = dir.path().join("one.nix");
    std::fs::write(
        &file,
        format!(
            r#"derivation {{ name = "sec-{n}"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ];
  system = builtins.currentSystem; }}"#
        ),
    )
    .unwrap();
    let drv = common::nix_run("nix-instantiate", &[file.to_str().unwrap()]);
    let sys = hydrant::config::local_system().to_string();
    let job = |name: &str, drvpath: &str, out: &str| NewJob {
        job: name.into(),
        drvpath: drvpath.into(),
        system: sys.clone(),
        nixname: name.into(),
        outputs: [("out".to_string(), out.to_string())].into_iter().collect(),
        priority: 100,
        ..Default::default()
    };
    let ev = app
        .db
        .record_eval(
            Eval {
                project: "p".into(),
                jobset: "j".into(),
                timestamp: db::now(),
                inputs_hash: n.clone(),
                ..Default::default()
            },
            vec![job("etc", &drv, "/etc"), job("help", "--help", "/tmp")],
        )
        .unwrap();
    let ids: Vec<(String, u64)> = app
        .db
        .eval_builds(ev.id)
        .unwrap()
        .into_iter()
        .map(|(b, _)| (b.job, b.id))
        .collect();
    let h = queue::spawn(app.clone());
    app.queue_wake.notify();
    let start = Instant::now();
    let done = loop {
        let bs: Vec<Build> = ids
            .iter()
            .map(|(_, id)| app.db.build(*id).unwrap().unwrap())
            .collect();
        if bs.iter().all(|b| b.finished) {
            break bs;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "{bs:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    app.shutdown();
    h.join().unwrap();
    let by_job = |j: &str| done.iter().find(|b| b.job == j).unwrap();
    assert_eq!(by_job("etc").buildstatus, Some(db::status::SUCCEEDED));
    let help = by_job("help");
    assert_eq!(help.buildstatus, Some(db::status::ABORTED), "{help:?}");
    assert!(
        help.errormsg.as_deref().unwrap_or("").contains("drvPath"),
        "{help:?}"
    );
    let roots = app.config.gcroots_dir().join("p").join("j");
    let links: Vec<_> = std::fs::read_dir(&roots)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(links.is_empty(), "no root outside the store: {links:?}");
}
