//! The eval thread picks up triggers and stops on shutdown.
mod common;

use hydrant::db::{self, Jobset};
use hydrant::eval;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn eval_thread_picks_up_a_trigger_and_stops() {
    let t = common::TestApp::new("thread").build();
    let (dir, app) = (&t.dir, t.app.clone());
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("release.nix"),
        r#"{ a = derivation { name = "a"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ];
             system = builtins.currentSystem; }; }"#,
    )
    .unwrap();
    common::ensure_project(&app.db, "p");
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0; // only on trigger
    let inputs = [common::input("src", "path", src.to_str().unwrap())];
    app.db.put_jobset(&js, &inputs).unwrap();

    let handle = eval::spawn(Arc::clone(&app));
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        app.db.jobset_evals("p", "j", 0, 1).unwrap().1,
        0,
        "checkinterval 0: no eval"
    );

    eval::trigger(&app.db, "p", "j", false).unwrap();
    app.eval_wake.notify();
    let start = Instant::now();
    while app.db.jobset_evals("p", "j", 0, 1).unwrap().1 == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the trigger was not picked up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let js = app.db.jobset("p", "j").unwrap().unwrap();
    assert!(js.triggertime.is_none());
    assert_eq!(app.db.queued_build_ids().unwrap().len(), 1);

    // A jobset with a checkinterval is evaluated without a trigger.
    let mut js2 = Jobset::new("p", "k");
    js2.nixexprinput = "src".into();
    js2.checkinterval = 60;
    js2.enabled = db::JOBSET_ENABLED;
    app.db.put_jobset(&js2, &inputs).unwrap();
    app.eval_wake.notify();
    let start = Instant::now();
    while app.db.jobset_evals("p", "k", 0, 1).unwrap().1 == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the due jobset was not evaluated"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    app.shutdown();
    let start = Instant::now();
    handle.join().unwrap();
    assert!(start.elapsed() < Duration::from_secs(10));
}
