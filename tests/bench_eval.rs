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
                drvpath: format!(
                    "/nix/store/{}-bench-{tag}-{i}.drv",
                    common::fake_hash(&format!("{tag}-{i}"))
                ),
                system: "x86_64-linux".into(),
                nixname: format!("bench-{i}"),
                description: format!("bench job {i}"),
                outputs: [(
                    "out".to_string(),
                    format!(
                        "/nix/store/{}-bench-{tag}-{i}",
                        common::fake_hash(&format!("{tag}-{i}-out"))
                    ),
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
        // The copy for the second call is made before the clock starts.
        let again = js.clone();
        let t = Instant::now();
        let e = db.record_eval(ev(), js).unwrap();
        new_t.push(t.elapsed());
        assert!(e.hasnewbuilds);
        let t = Instant::now();
        let e = db.record_eval(ev(), again).unwrap();
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

/// Issue 17's numbers: a 50,000-job release of fresh derivations.
const BIG: usize = 50_000;
const FAILING: usize = 30_000;
const BIG_ROUNDS: usize = 3;

/// Runs `cmd` to completion: wall time and the child's own peak RSS in KiB (`wait4`).
#[allow(clippy::zombie_processes)] // reaped by wait4 below
fn run_with_peak(cmd: &mut Command) -> (Duration, u64) {
    let t = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: wait4 on our own child with out pointers to locals; the Child is not waited on
    // again (dropping it does not wait).
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut ru) };
    assert_eq!(r, child.id() as i32);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    (t.elapsed(), ru.ru_maxrss as u64)
}

fn secs(d: Duration) -> String {
    format!("{:7.2} s", d.as_secs_f64())
}

#[test]
#[ignore]
fn bench_eval_50000_jobs_two_workers_vs_nix_instantiate() {
    let _serial = serial();
    let dir = TempDir::new("bench-eval-big");
    let bench_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bench");
    let release = bench_dir.join("release.nix");
    let app_with = |workers: usize| {
        let config = Config {
            state_dir: dir.path().join(format!("state{workers}")),
            eval_workers: workers,
            ..Default::default()
        };
        let app = App::new(
            config,
            Db::open(&dir.path().join(format!("state{workers}/h.redb"))).unwrap(),
        );
        app.db
            .put_project(&Project {
                name: "p".into(),
                enabled: true,
                visible: true,
                ..Default::default()
            })
            .unwrap();
        app
    };
    let (app1, app2) = (app_with(1), app_with(2));
    let ours = |app: &App, s: &str| -> Duration {
        let mut js = Jobset::new("p", "bench");
        js.nixexprinput = "src".into();
        app.db
            .put_jobset(
                &js,
                &[
                    input("src", "path", bench_dir.to_str().unwrap()),
                    input("n", "nix", &BIG.to_string()),
                    input("salt", "string", s),
                ],
            )
            .unwrap();
        let t = Instant::now();
        match eval::evaluate_jobset(app, "p", "bench", false).unwrap() {
            EvalOutcome::Evaluated(e) => assert_eq!(
                e.nrbuilds as usize,
                BIG,
                "{} errors, the first: {:?}",
                e.job_errors.len(),
                e.job_errors.iter().take(3).collect::<Vec<_>>()
            ),
            other => panic!("{other:?}"),
        }
        t.elapsed()
    };
    // The evaluator alone, for the largest worker's peak RSS.
    let peak = |workers: usize, s: &str| -> u64 {
        let never = || false;
        let c = eval::workers::Counters::default();
        let args = vec![
            ("n".to_string(), BIG.to_string()),
            ("salt".to_string(), format!("\"{s}\"")),
        ];
        let ev = eval::NixEvaluator::new(
            release.clone(),
            &args,
            Instant::now() + Duration::from_secs(1200),
            65536,
            &never,
            &hydrant::nix::cli::NixCli::default(),
        )
        .with_workers(workers, 4096)
        .with_counters(&c)
        .evaluate()
        .unwrap();
        assert_eq!(ev.jobs.len(), BIG);
        c.peak_rss_kib.load(std::sync::atomic::Ordering::Relaxed)
    };
    let plain = |s: &str| {
        run_with_peak(Command::new("nix-instantiate").arg(&release).args([
            "--arg",
            "n",
            &BIG.to_string(),
            "--argstr",
            "salt",
            s,
        ]))
    };
    // Nix's own ceiling: two nix-instantiates of half the fresh jobs each, at once.
    let halves = |round: usize| -> Duration {
        let half = |s: String| {
            Command::new("nix-instantiate")
                .arg(&release)
                .args(["--arg", "n", &(BIG / 2).to_string(), "--argstr", "salt", &s])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        };
        let t = Instant::now();
        let mut a = half(salt(&format!("halfa{round}")));
        let mut b = half(salt(&format!("halfb{round}")));
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        t.elapsed()
    };
    let mut t_halves = vec![];
    let (mut t_plain, mut t_one, mut t_two) = (vec![], vec![], vec![]);
    let (mut rss_plain, mut rss_one, mut rss_two) = (vec![], vec![], vec![]);
    // Warm: derivations already in the store (no .drv written), so evaluation work alone.
    // Each hydrant side evaluates the other's salt: its inputs changed, so the eval is new.
    let (mut w_plain, mut w_one, mut w_two) = (vec![], vec![], vec![]);
    for round in 0..BIG_ROUNDS {
        let sp = salt(&format!("plain{round}"));
        let (t, r) = plain(&sp);
        t_plain.push(t);
        rss_plain.push(r);
        t_halves.push(halves(round));
        let s2 = salt(&format!("two{round}"));
        t_two.push(ours(&app2, &s2));
        let s1 = salt(&format!("one{round}"));
        t_one.push(ours(&app1, &s1));
        rss_two.push(peak(2, &salt(&format!("rss2-{round}"))));
        rss_one.push(peak(1, &salt(&format!("rss1-{round}"))));
        w_plain.push(plain(&sp).0);
        w_two.push(ours(&app2, &s1));
        w_one.push(ours(&app1, &s2));
    }
    let med = |v: &mut Vec<u64>| {
        v.sort();
        v[v.len() / 2]
    };
    let (p, one, two) = (median(t_plain), median(t_one), median(t_two));
    let halves = median(t_halves);
    let (wp, w1, w2) = (median(w_plain), median(w_one), median(w_two));
    let (rp, r1, r2) = (med(&mut rss_plain), med(&mut rss_one), med(&mut rss_two));
    // 30,000 jobs that all throw, 2 workers.
    let fdir = dir.path().join("failing");
    std::fs::create_dir_all(&fdir).unwrap();
    std::fs::write(
        fdir.join("release.nix"),
        format!(
            "builtins.listToAttrs (builtins.genList (i: {{ name = \"job${{toString i}}\"; \
             value = throw \"lib.broken (job ${{toString i}})\"; }}) {FAILING})"
        ),
    )
    .unwrap();
    let mut js = Jobset::new("p", "failing");
    js.nixexprinput = "src".into();
    app2.db
        .put_jobset(&js, &[input("src", "path", fdir.to_str().unwrap())])
        .unwrap();
    let t = Instant::now();
    match eval::evaluate_jobset(&app2, "p", "failing", false).unwrap() {
        EvalOutcome::Evaluated(e) => assert_eq!(e.job_errors.len(), FAILING),
        other => panic!("{other:?}"),
    }
    let failing = t.elapsed();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "\n{BIG} fresh jobs, median of {BIG_ROUNDS} ({cores} cores)   nix-instantiate   \
         hydrant 2 workers   hydrant 1 worker   target"
    );
    println!(
        "  eval + record, wall                 {}          {}          {}     2 workers >= 1.5x faster: {:.2}x",
        secs(p),
        secs(two),
        secs(one),
        p.as_secs_f64() / two.as_secs_f64()
    );
    println!(
        "  two nix-instantiates of {} fresh jobs each, at once: {} ({:.2}x of one: what two Nix \
         processes gain writing .drv files here)",
        BIG / 2,
        secs(halves),
        p.as_secs_f64() / halves.as_secs_f64()
    );
    println!(
        "  same, derivations exist (warm)      {}          {}          {}     {:.2}x",
        secs(wp),
        secs(w2),
        secs(w1),
        wp.as_secs_f64() / w2.as_secs_f64()
    );
    println!(
        "  peak RSS (largest worker)          {:5} MiB          {:5} MiB          {:5} MiB     <= 0.6x: {:.2}x",
        rp / 1024,
        r2 / 1024,
        r1 / 1024,
        r2 as f64 / rp as f64
    );
    println!(
        "{FAILING} failing jobs, eval + record, 2 workers: {}   (target < 60 s, eval succeeds)",
        secs(failing)
    );
}

#[test]
#[ignore]
fn bench_record_eval_50000_jobs() {
    let _serial = serial();
    let dir = TempDir::new("bench-record-big");
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
        (0..BIG)
            .map(|i| NewJob {
                job: format!("job{i}"),
                drvpath: format!(
                    "/nix/store/{}-bench-{tag}-{i}.drv",
                    common::fake_hash(&format!("{tag}-{i}"))
                ),
                system: "x86_64-linux".into(),
                nixname: format!("bench-{i}"),
                description: format!("bench job {i}"),
                outputs: [(
                    "out".to_string(),
                    format!(
                        "/nix/store/{}-bench-{tag}-{i}",
                        common::fake_hash(&format!("{tag}-{i}-out"))
                    ),
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
    let (mut new_t, mut reuse_t) = (vec![], vec![]);
    for round in 0..3 {
        let js = jobs(&format!("r{round}"));
        // The copy for the second call is made before the clock starts.
        let again = js.clone();
        let t = Instant::now();
        assert!(db.record_eval(ev(), js).unwrap().hasnewbuilds);
        new_t.push(t.elapsed());
        let t = Instant::now();
        assert!(!db.record_eval(ev(), again).unwrap().hasnewbuilds);
        reuse_t.push(t.elapsed());
    }
    println!("\nrecord_eval, {BIG} jobs in one transaction, median of 3   hydrant     target");
    println!(
        "  all builds new                                     {}   well under 1 s",
        ms(median(new_t))
    );
    println!(
        "  all builds reused                                  {}   well under 1 s",
        ms(median(reuse_t))
    );
}

/// A flake in a git repository whose `hydraJobs` are `N` derivations with `salt` in them.
fn write_bench_flake(repo: &Path, salt: &str) {
    let system = format!("{}-linux", std::env::consts::ARCH);
    common::write_file(
        repo,
        "flake.nix",
        &format!(
            r#"{{
  outputs = {{ self }}: {{
    hydraJobs = builtins.listToAttrs (builtins.genList (i: {{
      name = "job${{toString i}}";
      value = derivation {{
        name = "bench-${{toString i}}";
        builder = "/bin/sh";
        args = [ "-c" "echo {salt} ${{toString i}} > $out" ];
        PATH = "/usr/bin:/bin";
        system = "{system}";
      }} // {{ meta.description = "bench job ${{toString i}}"; }};
    }}) {N});
  }};
}}
"#
        ),
    );
    common::git(repo, &["add", "-A"]);
    common::git(repo, &["commit", "-q", "-m", salt]);
}

/// `nix eval --json FLAKE#hydraJobs --apply` to every job's drvPath: the peer (it locks the
/// flake too, and instantiates every derivation).
fn plain_nix_eval_flake(flake: &str) -> Took {
    measure(|| {
        let st = Command::new("nix")
            .args(["--extra-experimental-features", "nix-command flakes"])
            .args(["eval", "--json", "--no-write-lock-file"])
            .arg(format!("{flake}#hydraJobs"))
            .args(["--apply", "jobs: builtins.mapAttrs (n: j: j.drvPath) jobs"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
    })
}

#[test]
#[ignore]
fn bench_flake_eval_2000_jobs_vs_nix_eval() {
    let _serial = serial();
    let dir = TempDir::new("bench-flake");
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
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    common::git(&repo, &["init", "-q", "-b", "main"]);
    let flake = format!("git+file://{}?ref=main", repo.display());
    let mut js = Jobset::new("p", "bench");
    js.jobset_type = db::JOBSET_FLAKE;
    js.flake = flake.clone();
    app.db.put_jobset(&js, &[]).unwrap();
    let ours = |force: bool| {
        measure(
            || match eval::evaluate_jobset(&app, "p", "bench", force).unwrap() {
                EvalOutcome::Evaluated(e) => assert_eq!(e.nrbuilds as usize, N),
                other => panic!("{other:?}"),
            },
        )
    };
    write_bench_flake(&repo, &salt("warmup"));
    plain_nix_eval_flake(&flake);
    let (mut cold_plain, mut cold_ours, mut warm_plain, mut warm_ours) =
        (vec![], vec![], vec![], vec![]);
    for round in 0..ROUNDS {
        let plain_first = round % 2 == 0;
        // Cold: a new commit with new derivations for each side.
        let mut cold = |plain: bool| {
            write_bench_flake(&repo, &salt(&format!("r{round}{plain}")));
            if plain {
                cold_plain.push(plain_nix_eval_flake(&flake));
            } else {
                cold_ours.push(ours(false));
            }
        };
        cold(plain_first);
        cold(!plain_first);
        // Warm: the last commit again (hydrant's eval forced, as the lock did not change).
        if plain_first {
            warm_plain.push(plain_nix_eval_flake(&flake));
            warm_ours.push(ours(true));
        } else {
            warm_ours.push(ours(true));
            warm_plain.push(plain_nix_eval_flake(&flake));
        }
    }
    println!(
        "\n{N}-job flake, median of {ROUNDS}            nix eval --json   hydrant lock+eval+record   ratio (target <= 1.3)"
    );
    for (what, plain, ours) in [
        ("new derivations     ", &cold_plain, &cold_ours),
        ("existing derivations", &warm_plain, &warm_ours),
    ] {
        for (kind, f) in [
            ("wall", &(|t: &Took| t.wall) as &dyn Fn(&Took) -> Duration),
            ("cpu ", &|t: &Took| t.cpu),
        ] {
            let p = median(plain.iter().map(f).collect());
            let o = median(ours.iter().map(f).collect());
            println!(
                "  {what} {kind}   {}       {}               {:.2}x",
                ms(p),
                ms(o),
                o.as_secs_f64() / p.as_secs_f64()
            );
        }
    }
}
