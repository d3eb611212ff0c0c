//! Queue web numbers (prints, never asserts on timing): the queue page and `/api/queue?nr=100`
//! served by the real binary with 1,000,000 queued builds, next to the other queue endpoints.
//! Run: cargo test --release --test bench_queueweb -- --ignored --nocapture
mod common;
mod web_support;

use common::TempDir;
use hydrant::db::{Db, Eval, Jobset, NewJob, Project};

use std::time::{Duration, Instant};
use web_support::*;

/// (median, p95) in ms over `n` requests, measured at the client over loopback.
fn median_ms(c: &Client, path: &str, n: usize) -> (f64, f64) {
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let r = c.get(path);
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(f64::total_cmp);
    (v[n / 2], v[n * 95 / 100])
}

/// 1,000,000 queued builds in batches of 100,000 per eval, for a system no machine has (so the
/// runner keeps them queued instead of building them while we measure).
fn populate(state: &std::path::Path, total: u64) {
    let db = Db::open(&state.join("hydrant.redb")).unwrap();
    db.put_project(&Project {
        name: "p".into(),
        displayname: "P".into(),
        enabled: true,
        visible: true,
        ..Default::default()
    })
    .unwrap();
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    db.put_jobset(&js, &[]).unwrap();
    let batch = 100_000u64;
    let t = Instant::now();
    for k in 0..total / batch {
        let jobs: Vec<NewJob> = (0..batch)
            .map(|i| {
                let n = k * batch + i;
                NewJob {
                    job: format!("job{n}"),
                    drvpath: format!(
                        "/nix/store/{}-job{n}.drv",
                        common::fake_hash(&n.to_string())
                    ),
                    system: "bench-unsupported".into(),
                    nixname: format!("job{n}"),
                    priority: 100,
                    ..Default::default()
                }
            })
            .collect();
        db.record_eval(
            Eval {
                project: "p".into(),
                jobset: "j".into(),
                ..Default::default()
            },
            jobs,
        )
        .unwrap();
    }
    println!(
        "queueweb: recorded {total} queued builds in {:?}",
        t.elapsed()
    );
}

#[test]
#[ignore]
fn bench_queue_page_and_api_1m_queued() {
    let dir = TempDir::new("bench-queueweb");
    let total = 1_000_000u64;
    populate(dir.path(), total);
    let srv = Server::start(dir.path());
    let c = srv.client();
    // Let the runner finish loading the queue (it reads every queued build once at start).
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(10));
    assert_eq!(c.get("/api/nrqueue").body.trim(), total.to_string());
    println!("queueweb: waited {:?} for the runner's start", t.elapsed());

    let n = 50;
    let html = c.html();
    let rows: Vec<(&str, (f64, f64), &str)> = vec![
        (
            "queue page (first 100 waiting)",
            median_ms(&html, "/queue", n),
            "< 20 ms",
        ),
        (
            "/api/queue?nr=100",
            median_ms(&c, "/api/queue?nr=100", n),
            "< 20 ms",
        ),
        (
            "queue page ?after=500000",
            median_ms(&html, "/queue?after=500000", n),
            "",
        ),
        ("/api/nrqueue", median_ms(&c, "/api/nrqueue", n), ""),
        (
            "build page /build/500000",
            median_ms(&html, "/build/500000", n),
            "",
        ),
        ("/build/500000 JSON", median_ms(&c, "/build/500000", n), ""),
        (
            "/api/latestbuilds?nr=10&project=p&job=job999999",
            median_ms(&c, "/api/latestbuilds?nr=10&project=p&job=job999999", 5),
            "",
        ),
        (
            "/api/latestbuilds?nr=10&project=nope",
            median_ms(&c, "/api/latestbuilds?nr=10&project=nope", n),
            "",
        ),
        (
            "/api/latestbuilds?nr=10 (no match: scan cap)",
            median_ms(&c, "/api/latestbuilds?nr=10", 5),
            "",
        ),
    ];
    println!(
        "queueweb: {:<46} {:>10} {:>10}  target",
        "with 1,000,000 queued builds", "median ms", "p95 ms"
    );
    for (name, (m, p), target) in rows {
        println!("queueweb: {name:<46} {m:>10.2} {p:>10.2}  {target}");
    }
    let body = html.get("/queue").body;
    assert!(
        body.contains("1000000 queued builds"),
        "paged listing with a count"
    );
}
