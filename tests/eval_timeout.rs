//! An evaluation that outlives `eval_timeout` is killed (with what it started) and recorded
//! as an error. Its own test binary, because it sets NIX_CONFIG for an import-from-derivation
//! build as root.
mod common;

use hydrant::db::{Jobset, JobsetInput};
use hydrant::eval::{self, EvalOutcome};
use std::time::{Duration, Instant};

#[test]
fn eval_timeout_kills_nix_and_records_the_error() {
    let t = common::TestApp::new("timeout")
        .config("eval_timeout = 2")
        .build();
    let (dir, app) = (&t.dir, t.app.clone());
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let marker = dir.path().join("still-running");
    // Import from a derivation that sleeps: Nix builds it during evaluation.
    std::fs::write(
        src.join("release.nix"),
        format!(
            r#"import (derivation {{ name = "slow-{}"; builder = "/bin/sh";
                 args = [ "-c" "sleep 6; touch {}; echo '{{ }}' > $out" ];
                 PATH = "/usr/bin:/bin"; system = builtins.currentSystem; }})"#,
            dir.path().file_name().unwrap().to_string_lossy(),
            marker.display()
        ),
    )
    .unwrap();
    common::ensure_project(&app.db, "p");
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    app.db
        .put_jobset(
            &js,
            &[JobsetInput {
                name: "src".into(),
                kind: "path".into(),
                value: src.to_str().unwrap().into(),
                emailresponsible: false,
            }],
        )
        .unwrap();
    let t = Instant::now();
    let o = eval::evaluate_jobset(&app, "p", "j", false).unwrap();
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
    assert!(
        matches!(&o, EvalOutcome::Failed(m) if m.contains("timed out")),
        "{o:?}"
    );
    let js = app.db.jobset("p", "j").unwrap().unwrap();
    assert!(js.errormsg.unwrap().contains("timed out"));
    assert_eq!(app.db.jobset_evals("p", "j", 0, 1).unwrap().1, 0);
    // The builder died with nix-instantiate: it never gets to touch the marker.
    std::thread::sleep(Duration::from_secs(7));
    assert!(!marker.exists(), "the builder outlived the timeout");
}
