//! Actions on builds and evals, the queue snapshot and shares accounting, on a real database
//! (no Nix needed: the builds are never run here).
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::db::{status, NewJob};
use hydrant::queue::{self, store::Finish};
use std::sync::Arc;
use std::time::Duration;

fn app(dir: &std::path::Path) -> Arc<App> {
    let app = common::open_app(dir, "max_jobs = 2");
    common::ensure_pj(&app.db);
    app
}

fn eval(app: &App, tag: &str, n: usize) -> (u64, Vec<u64>) {
    let jobs = (0..n)
        .map(|i| NewJob {
            job: format!("job{i}"),
            drvpath: format!("/nix/store/{tag}{i:031}-job{i}.drv"),
            system: "x86_64-linux".into(),
            priority: 100,
            ..Default::default()
        })
        .collect();
    let (ev, ids) = common::record_eval(&app.db, "p", "j", jobs);
    (ev.id, ids)
}

fn queued(app: &App) -> Vec<u64> {
    app.db.queued_build_ids().unwrap()
}

#[test]
fn build_and_eval_actions() {
    let dir = TempDir::new("q-actions");
    let app = app(dir.path());
    let (ev, ids) = eval(&app, "a", 4);
    app.queue_wake.wait(Duration::from_millis(1));
    // Bump one build.
    assert!(queue::bump_build(&app, ids[2]).unwrap());
    assert!(
        app.queue_wake.wait(Duration::from_millis(1)),
        "an action wakes the runner"
    );
    assert!(app.db.build(ids[2]).unwrap().unwrap().globalpriority > 0);
    // Cancel one: status 4, out of the queue; cancelling again does nothing.
    assert!(queue::cancel_build(&app, ids[0]).unwrap());
    assert!(!queue::cancel_build(&app, ids[0]).unwrap());
    let b = app.db.build(ids[0]).unwrap().unwrap();
    assert_eq!((b.finished, b.buildstatus), (true, Some(status::CANCELLED)));
    assert_eq!(queued(&app), ids[1..].to_vec());
    // Restart brings it back; a queued build cannot be restarted or bumped after finishing.
    assert!(queue::restart_build(&app, ids[0]).unwrap());
    assert!(!queue::restart_build(&app, ids[1]).unwrap());
    let b = app.db.build(ids[0]).unwrap().unwrap();
    assert!(!b.finished && b.buildstatus.is_none());
    assert_eq!(queued(&app), ids);
    // Eval level: cancel all, restart failed (cancelled counts as failed), bump all.
    assert_eq!(
        queue::cancel_builds(&app, &app.db.queue_eval_member_ids(ev).unwrap()).unwrap(),
        4
    );
    assert!(queued(&app).is_empty());
    // One build succeeded meanwhile (as the runner records it): restart-failed leaves it alone.
    assert!(queue::restart_build(&app, ids[3]).unwrap());
    app.db.queue_mark_started(ids[3], 100).unwrap().unwrap();
    app.db
        .queue_record_finish(&Finish {
            id: ids[3],
            status: status::SUCCEEDED,
            starttime: 100,
            stoptime: 160,
            errormsg: None,
            outputs: Default::default(),
            charge: 60.0,
            cached_from: None,
        })
        .unwrap();
    assert_eq!(
        queue::restart_failed_builds(&app, &app.db.queue_eval_member_ids(ev).unwrap()).unwrap(),
        3
    );
    assert_eq!(queued(&app), ids[..3].to_vec());
    assert_eq!(
        queue::bump_builds(&app, &app.db.queue_eval_member_ids(ev).unwrap()).unwrap(),
        3
    );
    assert!(ids[..3]
        .iter()
        .all(|&i| app.db.build(i).unwrap().unwrap().globalpriority > 0));
    // The successful build is the job's latest success, and its time was charged to the jobset.
    assert_eq!(
        queue::latest_successful(&app, "p", "j", "job3")
            .unwrap()
            .unwrap()
            .id,
        ids[3]
    );
    let charges = app.db.queue_charges(200, 86_400).unwrap();
    assert_eq!(charges.len(), 1);
    assert_eq!(
        (
            charges[0].0,
            charges[0].1.seconds,
            charges[0].1.jobset.as_str()
        ),
        (160, 60.0, "j")
    );
    // Charges older than the window are dropped.
    assert!(app
        .db
        .queue_charges(160 + 86_400, 86_400)
        .unwrap()
        .is_empty());
    // Global cancel of the queue.
    let (_, more) = eval(&app, "b", 3);
    assert_eq!(queue::cancel_all_queued(&app).unwrap(), 6);
    assert!(queued(&app).is_empty());
    assert!(more
        .iter()
        .all(|&i| app.db.build(i).unwrap().unwrap().buildstatus == Some(status::CANCELLED)));
}

#[test]
fn finishing_a_cancelled_build_keeps_it_cancelled() {
    let dir = TempDir::new("q-race");
    let app = app(dir.path());
    let (_, ids) = eval(&app, "c", 1);
    app.db.queue_mark_started(ids[0], 10).unwrap().unwrap();
    assert_eq!(queue::snapshot(&app, 10).unwrap().running.len(), 1);
    assert!(queue::cancel_build(&app, ids[0]).unwrap());
    // The runner's report of the killed child arrives after the cancel.
    let rec = app
        .db
        .queue_record_finish(&Finish {
            id: ids[0],
            status: status::FAILED,
            starttime: 10,
            stoptime: 20,
            errormsg: None,
            outputs: Default::default(),
            charge: 10.0,
            cached_from: None,
        })
        .unwrap();
    assert_eq!(rec, hydrant::queue::store::Recorded::AlreadyFinished);
    assert_eq!(
        app.db.build(ids[0]).unwrap().unwrap().buildstatus,
        Some(status::CANCELLED)
    );
    let snap = queue::snapshot(&app, 10).unwrap();
    assert!(snap.running.is_empty() && snap.nrqueued == 0);
}

#[test]
fn snapshot_lists_waiting_builds_in_id_order_with_a_limit() {
    let dir = TempDir::new("q-snap");
    let app = app(dir.path());
    let (_, ids) = eval(&app, "d", 5);
    app.db.queue_mark_started(ids[1], 10).unwrap().unwrap();
    let s = queue::snapshot(&app, 2).unwrap();
    assert_eq!(s.nrqueued, 5);
    assert_eq!(
        s.running.iter().map(|r| r.build.id).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    assert_eq!(
        s.waiting.iter().map(|w| w.build.id).collect::<Vec<_>>(),
        vec![ids[0], ids[2]]
    );
    assert_eq!(s.machines[0].uri, "localhost");
    assert_eq!((s.machines[0].max_jobs, s.machines[0].slots_used), (2, 1));
    assert_eq!(
        s.machines[0].running_per_system.get("x86_64-linux"),
        Some(&1)
    );
    let script =
        queue::reproduce_script(&app.db.build(ids[0]).unwrap().unwrap(), &app.nix).unwrap();
    assert!(script.starts_with("#!/bin/sh") && script.contains("nix-store --realise"));
}
