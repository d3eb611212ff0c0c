//! Evaluator numbers: a 2,000-job jobset evaluated and recorded by hydrant vs plain
//! `nix-instantiate` over the same expression, and the database part alone.
//! Run with `cargo test --release --test bench_eval -- --ignored --nocapture`.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::config::Config;
use hydrant::db::{self, Db, Eval, Jobset, JobsetInput, NewJob, Project};
use hydrant::eval::{self, EvalOutcome};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const N: usize = 2000;
const ROUNDS: usize = 7;

/// The benches of this file run one at a time: the test harness would run them in parallel,
/// and each would then time the other's load.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
    JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

fn salt(tag: &str) -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{tag}-{}", u64::from_le_bytes(b))
}

/// CPU time (user + system) of this process and its reaped children so far.
fn cpu_used() -> Duration {
    let of = |who| {
        // SAFETY: getrusage fills the zeroed struct we own; no other memory is involved.
        let mut u: libc::rusage = unsafe { std::mem::zeroed() };
        unsafe { libc::getrusage(who, &mut u) };
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        tv(u.ru_utime) + tv(u.ru_stime)
    };
    of(libc::RUSAGE_SELF) + of(libc::RUSAGE_CHILDREN)
}

/// Wall time and CPU time of `f`. The CPU time (ours and Nix's, all threads) shows the work
/// done even when other jobs on a shared machine stretch the wall time.
fn measure(f: impl FnOnce()) -> Took {
    let (t, c) = (Instant::now(), cpu_used());
    f();
    Took {
        wall: t.elapsed(),
        cpu: cpu_used().saturating_sub(c),
    }
}

#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

fn plain_nix_instantiate(release: &Path, salt: &str) -> Took {
    measure(|| {
        let st = Command::new("nix-instantiate")
            .arg(release)
            .args(["--arg", "n", &N.to_string(), "--argstr", "salt", salt])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1000.0)
}

#[test]
#[ignore]
fn bench_eval_2000_jobs_vs_nix_instantiate() {
    let _serial = serial();
    let dir = TempDir::new("bench-eval");
    let config = Config {
        state_dir: dir.path().join("state"),
        ..Default::default()
    };
    let app = App::new(config, Db::open(&dir.path().join("state/h.redb")).unwrap());
    app.db
        .put_project(&Project {
            name: "p".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
    let bench_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bench");
    let release = bench_dir.join("release.nix");
    let mut js = Jobset::new("p", "bench");
    js.nixexprinput = "src".into();
    let set_salt = |s: &str| {
        app.db
            .put_jobset(
                &js,
                &[
                    input("src", "path", bench_dir.to_str().unwrap()),
                    input("n", "nix", &N.to_string()),
                    input("salt", "string", s),
                ],
            )
            .unwrap();
    };
    let ours = |force: bool| {
        measure(
            || match eval::evaluate_jobset(&app, "p", "bench", force).unwrap() {
                EvalOutcome::Evaluated(e) => assert_eq!(e.nrbuilds as usize, N),
                other => panic!("{other:?}"),
            },
        )
    };

    let nix_only = |s: &str| {
        let never = || false;
        let args = vec![
            ("n".to_string(), N.to_string()),
            ("salt".to_string(), format!("\"{s}\"")),
        ];
        measure(|| {
            let ev = eval::NixEvaluator::new(
                release.clone(),
                &args,
                Instant::now() + Duration::from_secs(600),
                65536,
                &never,
                &hydrant::nix::cli::NixCli::default(),
            )
            .evaluate()
            .unwrap();
            assert_eq!(ev.jobs.len(), N);
        })
    };
    let (mut cold_plain, mut cold_ours, mut warm_plain, mut warm_ours) =
        (vec![], vec![], vec![], vec![]);
    let (mut cold_wrapper, mut warm_wrapper) = (vec![], vec![]);
    // Warm-up: the first Nix run of a process pays for loading the fixture and the store db.
    plain_nix_instantiate(&release, &salt("warmup"));
    for round in 0..ROUNDS {
        // Each pair runs in alternating order, so neither side always gets the warmer cache.
        let plain_first = round % 2 == 0;
        // Cold: every derivation is new, so both write 2,000 .drv files.
        let s1 = salt(&format!("plain{round}"));
        let s2 = salt(&format!("ours{round}"));
        set_salt(&s2);
        if plain_first {
            cold_plain.push(plain_nix_instantiate(&release, &s1));
            cold_ours.push(ours(false));
        } else {
            cold_ours.push(ours(false));
            cold_plain.push(plain_nix_instantiate(&release, &s1));
        }
        // Warm: the derivations of s2 again, which both sides now find in the store (and
        // hydrant reuses its builds). The eval is forced, as the inputs did not change.
        if plain_first {
            warm_plain.push(plain_nix_instantiate(&release, &s2));
            warm_ours.push(ours(true));
        } else {
            warm_ours.push(ours(true));
            warm_plain.push(plain_nix_instantiate(&release, &s2));
        }
        // The wrapper alone (no fetching, no database).
        let s3 = salt(&format!("wrapper{round}"));
        cold_wrapper.push(nix_only(&s3));
        warm_wrapper.push(nix_only(&s3));
    }
    // The ratio of medians, and the median of each round's ratio (under a shared machine's
    // changing load, a pair run back to back is the fairer comparison), for wall and CPU time.
    let wall = |v: &[Took]| v.iter().map(|t| t.wall).collect::<Vec<_>>();
    let cpu = |v: &[Took]| v.iter().map(|t| t.cpu).collect::<Vec<_>>();
    let paired = |ours: &[Duration], plain: &[Duration]| -> f64 {
        let mut r: Vec<f64> = ours
            .iter()
            .zip(plain)
            .map(|(o, p)| o.as_secs_f64() / p.as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    println!(
        "\n{N}-job jobset, median of {ROUNDS}        nix-instantiate   hydrant eval+record   \
         ratio (target <= 1.3)   per-round ratio   wrapper alone"
    );
    for (what, plain, ours, wrapper) in [
        (
            "new derivations     ",
            &cold_plain,
            &cold_ours,
            &cold_wrapper,
        ),
        (
            "existing derivations",
            &warm_plain,
            &warm_ours,
            &warm_wrapper,
        ),
    ] {
        for (kind, f) in [
            ("wall", &wall as &dyn Fn(&[Took]) -> Vec<Duration>),
            ("cpu ", &cpu),
        ] {
            let (p, o, w) = (f(plain), f(ours), f(wrapper));
            let r = paired(&o, &p);
            let (p, o, w) = (median(p), median(o), median(w));
            println!(
                "  {what} {kind}   {}       {}          {:.2}x                  {r:.2}x             {}",
                ms(p),
                ms(o),
                o.as_secs_f64() / p.as_secs_f64(),
                ms(w)
            );
        }
    }
}

#[test]
#[ignore]
fn bench_record_eval_2000_jobs() {
    let _serial = serial();
    let dir = TempDir::new("bench-record");
    let db = Db::open(&dir.path().join("h.redb")).unwrap();
    db.put_project(&Project {
        name: "p".into(),
        enabled: true,
        visible: true,
        ..Default::default()
    })
    .unwrap();
    db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
    let jobs = |tag: &str| -> Vec<NewJob> {
        (0..N)
            .map(|i| NewJob {
                job: format!("job{i}"),
                drvpath: format!("/nix/store/{:032}-bench-{tag}-{i}.drv", i),
                system: "x86_64-linux".into(),
                nixname: format!("bench-{i}"),
                description: format!("bench job {i}"),
                outputs: [(
                    "out".to_string(),
                    format!("/nix/store/{:032}-bench-{tag}-{i}", i),
                )]
                .into(),
                priority: 100,
                timeout: 36000,
                maxsilent: 7200,
                ..Default::default()
            })
            .collect()
    };
    let ev = || Eval {
        project: "p".into(),
        jobset: "j".into(),
        timestamp: db::now(),
        inputs_hash: "h".into(),
        ..Default::default()
    };
    let mut new_t = vec![];
    let mut reuse_t = vec![];
    for round in 0..3 {
        let js = jobs(&format!("r{round}"));
        let t = Instant::now();
        let e = db.record_eval(ev(), js.clone()).unwrap();
        new_t.push(t.elapsed());
        assert!(e.hasnewbuilds);
        let t = Instant::now();
        let e = db.record_eval(ev(), js).unwrap();
        reuse_t.push(t.elapsed());
        assert!(!e.hasnewbuilds);
    }
    println!("\nrecord_eval, {N} jobs, median of 3      hydrant       target");
    println!(
        "  all builds new                     {}   <= 24 ms (schema 1)",
        ms(median(new_t))
    );
    println!(
        "  all builds reused                  {}   <= 5 ms (schema 1)",
        ms(median(reuse_t))
    );
}
