//! Build-farm numbers (`make bench`), side by side with Nix itself in the same run, against a
//! real sshd and separate remote stores (see `common::RemoteStore`):
//! - dispatch overhead: one trivial build through hydrant onto a remote vs
//!   `nix-store --realise DRV --builders 'MACHINE' --max-jobs 0` run directly (target ≤ 1.1×);
//! - throughput: 200 trivial builds over two remote slots + one local slot vs one
//!   `nix-store --realise` of the same set with the same `--builders` and `--max-jobs 1`
//!   (target ≥ 0.9×).
//!
//! Prints figures; never asserts on timing.
mod common;

use common::{RemoteStore, TempDir};
use hydrant::app::App;
use hydrant::db::NewJob;
use hydrant::queue;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn fixture() -> String {
    format!("{}/fixtures/farm/jobs.nix", env!("CARGO_MANIFEST_DIR"))
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

/// Instantiates `attr` (one drv per line of output for an attribute set).
fn drvs(attr: &str, nonce: &str) -> Vec<String> {
    common::nix_run(
        "nix-instantiate",
        &[&fixture(), "-A", attr, "--argstr", "nonce", nonce],
    )
    .lines()
    .map(String::from)
    .collect()
}

fn new_job(name: &str, drv: &str) -> NewJob {
    let out = common::nix_run("nix-store", &["-q", "--outputs", drv]);
    NewJob {
        job: name.into(),
        drvpath: drv.into(),
        system: "x86_64-linux".into(),
        nixname: name.into(),
        outputs: [("out".to_string(), out)].into_iter().collect(),
        priority: 100,
        ..Default::default()
    }
}

fn farm_app(dir: &std::path::Path, lines: &[String], local: &str) -> Arc<App> {
    let mf = dir.join("machines");
    std::fs::write(&mf, lines.join("\n") + "\n").unwrap();
    common::open_app(
        &dir.join("state"),
        &format!("machines_file = {}\n{local}", mf.display()),
    )
}

fn wait_all(app: &App, ids: &[u64]) {
    let start = Instant::now();
    for &id in ids {
        loop {
            let b = app.db.build(id).unwrap().unwrap();
            if b.finished {
                assert_eq!(b.buildstatus, Some(0), "{b:?}");
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(600));
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

fn realise_direct(drvs: &[String], builders: &str, max_jobs: &str) -> Duration {
    let t = Instant::now();
    let out = common::nix_cmd("nix-store")
        .arg("--realise")
        .args(drvs)
        .args(["--builders", builders, "--max-jobs", max_jobs])
        .output()
        .unwrap();
    let d = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
#[ignore]
fn bench_remote_dispatch_overhead() {
    let dir = TempDir::new("bench-farm-one");
    let r = RemoteStore::new(dir.path(), "r");
    let line = r.line(1, 1.0, "-", "-");
    let app = farm_app(
        dir.path(),
        std::slice::from_ref(&line),
        "systems = none-local",
    );
    common::ensure_pj(&app.db);
    let h = queue::spawn(app.clone());
    // Warm both paths (ssh connection set-up, remote store creation).
    realise_direct(&drvs("plain", &nonce()), &line, "0");
    let (mut ours, mut nix) = (Vec::new(), Vec::new());
    for i in 0..15 {
        let d = drvs("plain", &nonce());
        let job = new_job(&format!("plain{i}"), &d[0]);
        let t = Instant::now();
        let (_, ids) = common::record_eval(&app.db, "p", "j", vec![job]);
        app.queue_wake.notify();
        wait_all(&app, &ids);
        ours.push(t.elapsed());
        nix.push(realise_direct(&drvs("plain", &nonce()), &line, "0"));
    }
    let (o, n) = (median(ours), median(nix));
    println!(
        "farm_dispatch: one trivial remote build, median of 15: hydrant {o:?}, nix-store --realise --builders {n:?}: {:.2}x (target <= 1.1x)",
        o.as_secs_f64() / n.as_secs_f64()
    );
    app.shutdown();
    h.join().unwrap();
}

#[test]
#[ignore]
fn bench_200_builds_two_remote_slots_and_local() {
    let dir = TempDir::new("bench-farm-200");
    let a = RemoteStore::new(dir.path(), "a");
    let b = RemoteStore::new(dir.path(), "b");
    let lines = vec![a.line(1, 1.0, "-", "-"), b.line(1, 1.0, "-", "-")];
    let app = farm_app(dir.path(), &lines, "max_jobs = 1\nsystems = x86_64-linux");
    common::ensure_pj(&app.db);
    // Warm the remotes.
    realise_direct(&drvs("plain", &nonce()), &lines[0], "0");
    realise_direct(&drvs("plain", &nonce()), &lines[1], "0");
    let peer_drvs = drvs("many", &nonce());
    let ours_drvs = drvs("many", &nonce());
    assert_eq!((peer_drvs.len(), ours_drvs.len()), (200, 200));
    let jobs: Vec<NewJob> = ours_drvs
        .iter()
        .enumerate()
        .map(|(i, d)| new_job(&format!("b{i}"), d))
        .collect();
    let builders = lines.join(" ; ");
    let nix = realise_direct(&peer_drvs, &builders, "1");
    let h = queue::spawn(app.clone());
    let t = Instant::now();
    let (_, ids) = common::record_eval(&app.db, "p", "j", jobs);
    app.queue_wake.notify();
    wait_all(&app, &ids);
    let ours = t.elapsed();
    let mut per: std::collections::BTreeMap<String, usize> = Default::default();
    for &id in &ids {
        for s in app.db.build_steps(id).unwrap() {
            *per.entry(s.machine).or_default() += 1;
        }
    }
    let per: Vec<String> = per
        .into_iter()
        .map(|(m, n)| format!("{}: {n}", m.split("remote-program=").last().unwrap_or(&m)))
        .collect();
    println!(
        "farm_throughput: 200 trivial builds, 2 remote slots + 1 local: hydrant {ours:?} ({:.1} builds/s), one nix-store --realise {nix:?} ({:.1} builds/s): {:.2}x of Nix's throughput (target >= 0.9x); steps per machine: {}",
        200.0 / ours.as_secs_f64(),
        200.0 / nix.as_secs_f64(),
        nix.as_secs_f64() / ours.as_secs_f64(),
        per.join(", ")
    );
    app.shutdown();
    h.join().unwrap();
}
