//! Database numbers (prints, never asserts on timing): a cascading delete of a jobset with
//! 100,000 builds in one transaction, and how long reads wait meanwhile.
//! Run: cargo test --release --test bench_db -- --ignored --nocapture
mod common;

use common::TempDir;
use hydrant::db::{Db, NewJob};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
#[ignore]
fn bench_delete_jobset_100k_builds() {
    let dir = TempDir::new("bench-delete");
    let db = Arc::new(Db::open(&dir.path().join("h.redb")).unwrap());
    common::ensure_pj(&db);
    common::ensure_project(&db, "other");
    db.put_jobset(&hydrant::db::Jobset::new("other", "j"), &[])
        .unwrap();
    let (evals, per_eval) = (10u64, 10_000u64);
    let t = Instant::now();
    for e in 0..evals {
        let jobs: Vec<NewJob> = (0..per_eval)
            .map(|i| NewJob {
                job: format!("job{i}"),
                drvpath: format!(
                    "/nix/store/{}-bench.drv",
                    common::fake_hash(&format!("{e}-{i}"))
                ),
                outputs: [(
                    "out".into(),
                    format!(
                        "/nix/store/{}-bench",
                        common::fake_hash(&format!("{e}-{i}-out"))
                    ),
                )]
                .into(),
                system: "x86_64-linux".into(),
                nixname: format!("bench-{i}"),
                priority: 100,
                ..Default::default()
            })
            .collect();
        common::record_eval(&db, "p", "j", jobs);
    }
    // A small neighbour whose pages are read during the delete.
    let (ev, ids) = common::record_eval(
        &db,
        "other",
        "j",
        vec![NewJob {
            job: "x".into(),
            drvpath: "/nix/store/00000000000000000000000000000000-x.drv".into(),
            ..Default::default()
        }],
    );
    println!("\nseeded {} builds in {:?}", evals * per_eval, t.elapsed());
    for round in 0..2 {
        if round == 1 {
            // Second round: the same data again.
            for e in 0..evals {
                let jobs: Vec<NewJob> = (0..per_eval)
                    .map(|i| NewJob {
                        job: format!("job{i}"),
                        drvpath: format!(
                            "/nix/store/{}-again.drv",
                            common::fake_hash(&format!("{e}-{i}-again"))
                        ),
                        outputs: [(
                            "out".into(),
                            format!(
                                "/nix/store/{}-again",
                                common::fake_hash(&format!("{e}-{i}-again-out"))
                            ),
                        )]
                        .into(),
                        system: "x86_64-linux".into(),
                        priority: 100,
                        ..Default::default()
                    })
                    .collect();
                common::record_eval(&db, "p", "j", jobs);
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (db, stop) = (db.clone(), stop.clone());
            let id = ids[0];
            let ev = ev.id;
            std::thread::spawn(move || {
                let mut worst = Duration::ZERO;
                let mut n = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    let t = Instant::now();
                    let b = db.build(id).unwrap().unwrap();
                    let _ = db.build_evals(&b).unwrap();
                    let _ = db.eval_counts(&[ev]).unwrap();
                    let _ = db.jobset_evals("other", "j", 0, 10).unwrap();
                    let _ = db.latest_builds("other", "j").unwrap();
                    worst = worst.max(t.elapsed());
                    n += 1;
                    std::thread::sleep(Duration::from_millis(2));
                }
                (worst, n)
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        let t = Instant::now();
        let d = db.delete_jobset("p", "j").unwrap().unwrap();
        let took = t.elapsed();
        stop.store(true, Ordering::SeqCst);
        let (worst, n) = reader.join().unwrap();
        println!(
            "delete_jobset, {} builds, {} evals, one transaction: {:.2} s (target < 5 s) | \
             page reads meanwhile: worst {:.2} ms over {n} (target < 50 ms)",
            d.builds.len(),
            d.evals.len(),
            took.as_secs_f64(),
            worst.as_secs_f64() * 1e3
        );
        db.put_jobset(&hydrant::db::Jobset::new("p", "j"), &[])
            .unwrap();
    }
}
