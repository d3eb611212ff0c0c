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

fn plain_nix_instantiate(release: &Path, salt: &str) -> Duration {
    let t = Instant::now();
    let st = Command::new("nix-instantiate")
        .arg(release)
        .args(["--arg", "n", &N.to_string(), "--argstr", "salt", salt])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    t.elapsed()
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
        let t = Instant::now();
        match eval::evaluate_jobset(&app, "p", "bench", force).unwrap() {
            EvalOutcome::Evaluated(e) => assert_eq!(e.nrbuilds as usize, N),
            other => panic!("{other:?}"),
        }
        t.elapsed()
    };

    let nix_only = |s: &str| {
        let never = || false;
        let args = vec![
            ("n".to_string(), N.to_string()),
            ("salt".to_string(), format!("\"{s}\"")),
        ];
        let t = Instant::now();
        let ev = eval::NixEvaluator::new(
            release.clone(),
            &args,
            Instant::now() + Duration::from_secs(600),
            65536,
            &never,
        )
        .evaluate()
        .unwrap();
        assert_eq!(ev.jobs.len(), N);
        t.elapsed()
    };
    let (mut cold_plain, mut cold_ours, mut warm_plain, mut warm_ours) =
        (vec![], vec![], vec![], vec![]);
    let (mut cold_wrapper, mut warm_wrapper) = (vec![], vec![]);
    for round in 0..5 {
        // Cold: every derivation is new, so both write 2,000 .drv files.
        let s1 = salt(&format!("plain{round}"));
        cold_plain.push(plain_nix_instantiate(&release, &s1));
        let s2 = salt(&format!("ours{round}"));
        set_salt(&s2);
        cold_ours.push(ours(false));
        // Warm: the same derivations again (store lookups only; our builds are reused).
        warm_plain.push(plain_nix_instantiate(&release, &s2));
        warm_ours.push(ours(true));
        // The wrapper alone (no fetching, no database).
        let s3 = salt(&format!("wrapper{round}"));
        cold_wrapper.push(nix_only(&s3));
        warm_wrapper.push(nix_only(&s3));
    }
    let (cw, ww) = (median(cold_wrapper), median(warm_wrapper));
    let (cp, co, wp, wo) = (
        median(cold_plain),
        median(cold_ours),
        median(warm_plain),
        median(warm_ours),
    );
    println!("\n{N}-job jobset, median of 5   nix-instantiate   hydrant eval+record   ratio (target <= 1.3)   wrapper alone");
    println!(
        "  new derivations        {}       {}          {:.2}x                  {}",
        ms(cp),
        ms(co),
        co.as_secs_f64() / cp.as_secs_f64(),
        ms(cw)
    );
    println!(
        "  existing derivations   {}       {}          {:.2}x                  {}",
        ms(wp),
        ms(wo),
        wo.as_secs_f64() / wp.as_secs_f64(),
        ms(ww)
    );
}

#[test]
#[ignore]
fn bench_record_eval_2000_jobs() {
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
        "  all builds new                     {}   < 200 ms",
        ms(median(new_t))
    );
    println!(
        "  all builds reused                  {}   < 200 ms",
        ms(median(reuse_t))
    );
}
