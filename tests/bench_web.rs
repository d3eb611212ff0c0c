//! Web numbers (prints, never asserts on timing): overview with 1,000 projects, jobset page with
//! 10,000 evals, idle RSS, cold start to first response, release binary size.
//! Run: cargo test --release --test bench_web -- --ignored --nocapture
mod common;
mod web_support;

use hydrant::db::{Db, Eval, Jobset, JobsetInput, NewJob, Project};
use std::time::{Duration, Instant};
use web_support::*;

fn median_ms(c: &Client, path: &str, n: usize) -> (f64, f64) {
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            let r = c.get(path);
            assert_eq!(r.status, 200, "{path}");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[n / 2], v[n * 95 / 100])
}

fn rss_kb(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn populate(state: &std::path::Path) {
    let db = Db::open(&state.join("hydrant.redb")).unwrap();
    let t = Instant::now();
    for i in 0..1000 {
        db.put_project(&Project {
            name: format!("project-{i:04}"),
            displayname: format!("Project {i}"),
            description: "A project for the benchmark".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
    }
    let mut js = Jobset::new("project-0000", "big");
    js.nixexprinput = "src".into();
    let src = JobsetInput {
        name: "src".into(),
        kind: "path".into(),
        value: "/srv".into(),
        emailresponsible: false,
    };
    db.put_jobset(&js, &[src]).unwrap();
    eprintln!("1,000 projects written in {:?}", t.elapsed());
    let t = Instant::now();
    for n in 0..10_000u64 {
        let jobs = (0..5)
            .map(|k| NewJob {
                job: format!("job{k}"),
                // One job changes every eval, the others are reused.
                drvpath: if k == 0 {
                    format!("/nix/store/{n}-job0.drv")
                } else {
                    format!("/nix/store/job{k}.drv")
                },
                // No machine builds this system, so the running queue runner leaves them queued.
                system: "bench-nomachine".into(),
                priority: 100,
                ..Default::default()
            })
            .collect();
        db.record_eval(
            Eval {
                project: "project-0000".into(),
                jobset: "big".into(),
                timestamp: 1_700_000_000 + n as i64,
                inputs_hash: format!("{n}"),
                ..Default::default()
            },
            jobs,
        )
        .unwrap();
    }
    eprintln!("10,000 evals recorded in {:?}", t.elapsed());
}

#[test]
#[ignore]
fn bench_web() {
    let (state, _) = admin_state("benchweb");

    // Cold start to first response, and idle RSS, on an empty database.
    let t = Instant::now();
    let port = common::free_port();
    let child = std::process::Command::new(common::hydrant_bin())
        .args([
            "serve",
            "--state-dir",
            state.path().to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut guard = common::Guard(child);
    let url = format!("http://127.0.0.1:{port}/");
    let cold = loop {
        if let Ok(r) = minreq::get(&url).with_timeout(1).send() {
            if r.status_code == 200 {
                break t.elapsed();
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "server did not answer"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    std::thread::sleep(Duration::from_millis(300));
    let idle_empty = rss_kb(guard.0.id());
    let _ = guard.0.kill();
    let _ = guard.0.wait();
    drop(guard);

    populate(state.path());
    let srv = Server::start(state.path());
    let c = srv.client().html();
    let pid = srv.child.as_ref().unwrap().id();
    for _ in 0..5 {
        c.get("/");
        c.get("/jobset/project-0000/big");
    }
    let (ov, ov95) = median_ms(&c, "/", 200);
    let (jp, jp95) = median_ms(&c, "/jobset/project-0000/big", 200);
    let (jl, jl95) = median_ms(&c, "/jobset/project-0000/big?tab=evals&page=500", 200);
    let cj = srv.client();
    let (ej, ej95) = median_ms(&cj, "/jobset/project-0000/big/evals?page=1", 200);
    std::thread::sleep(Duration::from_millis(500));
    let idle_loaded = rss_kb(pid);

    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/hydrant");
    let size = std::fs::metadata(&bin).map(|m| m.len()).ok();

    println!();
    println!(
        "{:<52} {:>12} {:>10} {:>10}",
        "hydrant web", "measured", "p95", "target"
    );
    println!(
        "{:<52} {:>9.2} ms {:>7.2} ms {:>10}",
        "overview, 1,000 projects (median over 200)", ov, ov95, "< 10 ms"
    );
    println!(
        "{:<52} {:>9.2} ms {:>7.2} ms {:>10}",
        "jobset page, 10,000 evals (median over 200)", jp, jp95, "< 10 ms"
    );
    println!(
        "{:<52} {:>9.2} ms {:>7.2} ms {:>10}",
        "jobset page, last eval page (page 500)", jl, jl95, "< 10 ms"
    );
    println!(
        "{:<52} {:>9.2} ms {:>7.2} ms {:>10}",
        "GET /jobset/P/J/evals JSON (page 1)", ej, ej95, "-"
    );
    println!(
        "{:<52} {:>9.1} ms {:>10} {:>10}",
        "cold start to first response",
        cold.as_secs_f64() * 1000.0,
        "",
        "< 200 ms"
    );
    println!(
        "{:<52} {:>9.1} MB {:>10} {:>10}",
        "idle RSS, empty db",
        idle_empty as f64 / 1024.0,
        "",
        "< 30 MB"
    );
    println!(
        "{:<52} {:>9.1} MB {:>10} {:>10}",
        "idle RSS after the page runs",
        idle_loaded as f64 / 1024.0,
        "",
        "< 30 MB"
    );
    match size {
        Some(s) => println!(
            "{:<52} {:>9.1} MB {:>10} {:>10}",
            "release binary size",
            s as f64 / 1048576.0,
            "",
            "< 15 MB"
        ),
        None => println!("{:<52} {:>12}", "release binary size", "not built"),
    }
    println!("(Hydra peer: not installed here; its overview and jobset pages are Perl/Catalyst + PostgreSQL.)");
}
