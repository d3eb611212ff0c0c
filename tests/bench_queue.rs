//! Queue runner numbers (`make bench`): pick cost against a full sort per decision (Hydra's way),
//! overhead per trivial build against plain `nix-store --realise`, and the queue page's data
//! with a large queue. Prints figures; never asserts on timing.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::db::{Eval, NewJob};
use hydrant::queue::{
    self,
    policy::{Policy, QueuedBuild},
};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
#[ignore]
fn bench_pick_cost_1m_builds_10k_jobsets() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut p = Policy::new();
    let s = p.add_system();
    let jobsets: Vec<u32> = (0..10_000)
        .map(|_| p.add_jobset(1 + (rng.next() % 1000) as u32))
        .collect();
    let now = 1_000_000.0;
    for &js in &jobsets {
        p.charge(
            js,
            (rng.next() % 36_000) as f64,
            now - (rng.next() % 80_000) as f64,
            now,
        );
    }
    let t = Instant::now();
    for id in 1..=1_000_000u64 {
        p.enqueue(
            QueuedBuild {
                id,
                jobset: jobsets[(rng.next() % 10_000) as usize],
                system: s,
                priority: (rng.next() % 4) as i32 * 50,
                globalpriority: 0,
            },
            now,
        );
    }
    println!(
        "queue_pick: loaded 1,000,000 builds over 10,000 jobsets in {:?}",
        t.elapsed()
    );

    // Full sort per decision, as Hydra does (a few decisions: each costs the whole queue).
    let sorts = 5;
    let t = Instant::now();
    let mut agree = 0;
    let mut clock = now;
    let mut full_picks = Vec::new();
    for _ in 0..sorts {
        full_picks.push(p.pick_by_full_sort(&[s], clock));
    }
    let full = t.elapsed() / sorts;
    // Same decisions by the incremental structures (with 64 slots turning over).
    let decisions = 200_000u32;
    let mut running: VecDeque<u64> = VecDeque::new();
    if let Some(b) = p.pick(&[s], clock) {
        agree += (Some(b.id) == full_picks[0]) as u32;
        running.push_back(b.id);
    }
    let t = Instant::now();
    for _ in 0..decisions {
        clock += 0.5;
        if running.len() >= 64 {
            if let Some(id) = running.pop_front() {
                p.finish(id, clock);
            }
        }
        if let Some(b) = p.pick(&[s], clock) {
            running.push_back(b.id);
        }
    }
    let fast = t.elapsed() / decisions;
    println!(
        "queue_pick: per decision (pick + finish, 64 slots): hydrant {:.2} µs | full sort (Hydra) {:.1} ms | {:.0}x faster | first pick agrees: {}",
        fast.as_secs_f64() * 1e6,
        full.as_secs_f64() * 1e3,
        full.as_secs_f64() / fast.as_secs_f64(),
        agree == 1
    );
}

fn instantiate_many(n: usize, nonce: &str) -> Vec<String> {
    let out = common::nix_run(
        "nix-instantiate",
        &[
            &format!("{}/fixtures/queue/many.nix", env!("CARGO_MANIFEST_DIR")),
            "--argstr",
            "nonce",
            nonce,
            "--arg",
            "n",
            &n.to_string(),
        ],
    );
    out.lines()
        .map(|l| l.split('!').next().unwrap_or(l).to_string())
        .collect()
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn app_in(dir: &std::path::Path, extra: &str) -> Arc<App> {
    let app = common::open_app(dir, extra);
    common::ensure_pj(&app.db);
    app
}

#[test]
#[ignore]
fn bench_overhead_per_trivial_build() {
    // Rounds alternate a plain `nix-store --realise` and one build through the runner, so a
    // shared machine's load hits both alike; the median of the differences is the overhead.
    let n = 30;
    let plain = instantiate_many(n, &nonce());
    let drvs = instantiate_many(n, &nonce());
    let dir = TempDir::new("bench-overhead");
    let app = app_in(dir.path(), "max_jobs = 1\n");
    let h = queue::spawn(app.clone());
    std::thread::sleep(Duration::from_millis(200));
    let (mut t_plain, mut t_runner, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let t = Instant::now();
        common::nix_run("nix-store", &["--realise", &plain[i]]);
        let p = t.elapsed().as_secs_f64() * 1e3;
        let ev = app
            .db
            .record_eval(
                Eval {
                    project: "p".into(),
                    jobset: "j".into(),
                    ..Default::default()
                },
                vec![NewJob {
                    job: format!("t{i}"),
                    drvpath: drvs[i].clone(),
                    system: hydrant::config::local_system().into(),
                    priority: 100,
                    ..Default::default()
                }],
            )
            .unwrap();
        let id = app.db.eval_builds(ev.id).unwrap()[0].0.id;
        let t = Instant::now();
        app.queue_wake.notify();
        loop {
            if app.db.build(id).unwrap().unwrap().finished {
                break;
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let r = t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(app.db.build(id).unwrap().unwrap().buildstatus, Some(0));
        t_plain.push(p);
        t_runner.push(r);
        diffs.push(r - p);
        // Let the background size query of this build finish before the next round.
        std::thread::sleep(Duration::from_millis(100));
    }
    let (builds, own) = queue::runner::own_time();
    app.shutdown();
    h.join().unwrap();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "queue_overhead: {n} trivial builds (median): runner queue-to-finished {:.1} ms | plain nix-store --realise {:.1} ms | overhead {:.2} ms/build (median of per-round differences)",
        median(&mut t_runner),
        median(&mut t_plain),
        median(&mut diffs)
    );
    println!(
        "queue_overhead: runner's own time per build, measured inside (pick to spawn + exit to finished record): {:.2} ms over {builds} builds",
        own.as_secs_f64() * 1e3 / builds.max(1) as f64
    );
}

#[test]
#[ignore]
fn bench_queue_snapshot_1m_queued() {
    let dir = TempDir::new("bench-snapshot");
    let app = app_in(dir.path(), "");
    let total = 1_000_000u64;
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
                    system: "x86_64-linux".into(),
                    priority: 100,
                    ..Default::default()
                }
            })
            .collect();
        app.db
            .record_eval(
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
        "queue_snapshot: recorded {total} queued builds in {:?}",
        t.elapsed()
    );
    let runs = 20;
    let t = Instant::now();
    for _ in 0..runs {
        let s = queue::snapshot(&app, 100).unwrap();
        assert_eq!((s.waiting.len(), s.nrqueued), (100, total));
    }
    println!(
        "queue_snapshot: snapshot(nr=100) with {total} queued: {:.2} ms (target < 20 ms)",
        t.elapsed().as_secs_f64() * 1e3 / runs as f64
    );
}

/// What one durable redb commit (the finish transaction's floor) costs on this disk.
#[test]
#[ignore]
fn bench_durable_commit_cost() {
    let dir = TempDir::new("bench-commit");
    let db = redb::Database::create(dir.path().join("c.redb")).unwrap();
    let t_def: redb::TableDefinition<u64, u64> = redb::TableDefinition::new("t");
    let mut durable = Vec::new();
    let mut eventual = Vec::new();
    for i in 0..50u64 {
        for (mode, out) in [
            (redb::Durability::Immediate, &mut durable),
            (redb::Durability::Eventual, &mut eventual),
        ] {
            let t = Instant::now();
            let mut tx = db.begin_write().unwrap();
            tx.set_durability(mode);
            tx.open_table(t_def).unwrap().insert(i, i).unwrap();
            tx.commit().unwrap();
            out.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    durable.sort_by(f64::total_cmp);
    eventual.sort_by(f64::total_cmp);
    println!(
        "queue_commit: redb commit median: durable {:.2} ms | eventual {:.3} ms",
        durable[25], eventual[25]
    );
}
