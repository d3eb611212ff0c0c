//! Backup after builds (through the redb queue and worker threads) and `hydrant cache push`,
//! against real s3s-fs and real Nix: substitution from the bucket, key checks, bucket routing,
//! and `kill -9` in the middle of a push.
mod cache_util;
mod common;

use cache_util::*;
use common::{nix_cmd, S3Server, TempDir};
use hydrant::app::App;
use hydrant::config::Config;
use hydrant::db::{self, Db};
use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn set_creds(s3: &S3Server) {
    // Every test in this binary uses the same server credentials scheme, so this is race-free in
    // effect: the values are the same for each S3Server.
    std::env::set_var("AWS_ACCESS_KEY_ID", &s3.access_key);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", &s3.secret_key);
}

/// A build of `proj:js:JOB` with output `out`, recorded by an eval and finished successfully
/// (so it waits in the uploaders' pending set); its id must come out as `id`.
fn finished_build(db: &Db, id: u64, job: &str, out: &str) {
    if db.project("proj").unwrap().is_none() {
        db.put_project(&db::Project {
            name: "proj".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
        db.put_jobset(&db::Jobset::new("proj", "js"), &[]).unwrap();
    }
    let ev = db::Eval {
        project: "proj".into(),
        jobset: "js".into(),
        ..Default::default()
    };
    let j = db::NewJob {
        job: job.into(),
        drvpath: format!("/nix/store/{:032}-{job}.drv", id),
        outputs: [("out".to_string(), out.to_string())].into(),
        ..Default::default()
    };
    let ev = db.record_eval(ev, vec![j]).unwrap();
    let (b, _) = db.eval_builds(ev.id).unwrap().remove(0);
    assert_eq!(b.id, id, "seeded build ids follow the order of the calls");
    common::finish_build(db, id, db::status::SUCCEEDED);
}

fn cached(db: &Db, id: u64) -> std::collections::BTreeMap<String, String> {
    db.build(id).unwrap().unwrap().cached
}

#[test]
fn builds_are_backed_up_to_exactly_the_matching_buckets() {
    let s3 = S3Server::start();
    set_creds(&s3);
    let alpha = s3.create_bucket("alpha");
    let beta = s3.create_bucket("beta");
    let dir = TempDir::new("cache-q");
    let (sk, pk) = keypair(dir.path(), "test-cache-1");
    let (_, wrong) = keypair(dir.path(), "other-cache-1");
    let top = build_fixture(dir.path(), "qtop", 64);
    let other = build_fixture(dir.path(), "qother", 16);
    let conf = format!(
        "state_dir = {state}\n\
         <s3config>\n name = alpha\n jobs = proj:js:top.*\n prefix = cache/\n compression_type = xz\n \
         endpoint = {ep}\n path_style = true\n secret_key_file = {sk}\n upload_jobs = 2\n</s3config>\n\
         <s3backup>\n name = beta\n jobs = proj:.*:other\n compression_type = bzip2\n \
         endpoint = {ep}\n path_style = true\n secret_key_file = {sk}\n</s3backup>\n",
        state = dir.path().join("state").display(),
        ep = s3.endpoint(),
        sk = sk.display()
    );
    let config = Config::from_str(&conf, "test.conf").unwrap();
    let db = Db::open(&config.db_path()).unwrap();
    let app = Arc::new(App::new(config, db));
    finished_build(&app.db, 1, "top", &top);
    finished_build(&app.db, 2, "other", &other);
    let handle = hydrant::cache::spawn(app.clone());
    app.cache_wake.notify();
    let start = Instant::now();
    loop {
        let (c1, c2) = (cached(&app.db, 1), cached(&app.db, 2));
        assert_no_dangling(&alpha, "cache/");
        assert_no_dangling(&beta, "");
        if c1.get("alpha/cache/").map(String::as_str) == Some("ok")
            && c2.get("beta").map(String::as_str) == Some("ok")
        {
            assert_eq!(c1.len(), 1, "{c1:?}");
            assert_eq!(c2.len(), 1, "{c2:?}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "uploads did not finish: {c1:?} {c2:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    app.shutdown();
    handle.join().unwrap();

    let want = |p: &str| -> BTreeSet<String> { closure(p).iter().map(|p| hash_part(p)).collect() };
    assert_eq!(narinfo_hashes(&alpha, "cache/"), want(&top));
    assert_eq!(narinfo_hashes(&beta, ""), want(&other));
    let ak = keys(&alpha);
    assert!(ak.contains("cache/nix-cache-info"));
    assert!(ak.iter().any(|k| k.ends_with(".nar.xz")));
    assert!(ak.iter().all(|k| k.starts_with("cache/")), "{ak:?}");
    assert!(keys(&beta).iter().any(|k| k.ends_with(".nar.bz2")));
    assert_eq!(
        std::fs::read_to_string(alpha.join("cache/nix-cache-info")).unwrap(),
        "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n"
    );
    let st = hydrant::cache::queue::status(&app.db, &["alpha/cache/".into()]).unwrap();
    assert_eq!(st[0].queued_paths, 0);
    assert_eq!(st[0].stats.uploaded, 3);

    assert_substitutes(&top, &alpha.join("cache"), &pk, &wrong);
    assert_substitutes(&other, &beta, &pk, &wrong);
}

#[test]
fn cache_push_uploads_a_closure_like_nix_copy() {
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("pushed");
    let dir = TempDir::new("cache-push");
    let (sk, pk) = keypair(dir.path(), "push-cache-1");
    let (_, wrong) = keypair(dir.path(), "wrong-cache-1");
    let top = build_fixture(dir.path(), "ptop", 32);
    // A GC-root-style symlink works as well as the store path.
    let link = dir.path().join("result");
    std::os::unix::fs::symlink(&top, &link).unwrap();
    let to = format!(
        "s3://pushed/none?endpoint={}&compression=none&secret-key={}",
        s3.endpoint(),
        sk.display()
    );
    let out = hydrant(&s3)
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(dir.path().join("state"))
        .arg(&link)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "push failed: {stderr}");
    assert!(stderr.contains("[3/3 paths"), "no progress line: {stderr}");
    assert_no_dangling(&bucket, "none/");
    let want: BTreeSet<String> = closure(&top).iter().map(|p| hash_part(p)).collect();
    assert_eq!(narinfo_hashes(&bucket, "none/"), want);
    assert!(keys(&bucket)
        .iter()
        .any(|k| k.ends_with(".nar") && k.starts_with("none/nar/")));
    // A second push finds everything there and uploads nothing.
    let out = hydrant(&s3)
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(dir.path().join("state"))
        .arg(&top)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("0 uploaded, 3 already there"), "{stderr}");
    assert_substitutes(&top, &bucket.join("none"), &pk, &wrong);
}

/// `cache push --to file:///DIR`: a local binary cache Nix substitutes from, written in the
/// same order as a bucket (no narinfo before its NAR, no temp file left), and checked against
/// what `nix copy --to file://` writes for the same closure.
#[test]
fn cache_push_to_a_local_directory_like_nix_copy() {
    let dir = TempDir::new("cache-push-file");
    let (sk, pk) = keypair(dir.path(), "file-cache-1");
    let (_, wrong) = keypair(dir.path(), "wrong-cache-1");
    let top = build_fixture(dir.path(), "ftop", 64);
    let cache = dir.path().join("cache");
    let to = format!(
        "file://{}?compression=zstd&secret-key={}",
        cache.display(),
        sk.display()
    );
    let push = |path: &str| {
        let out = nix_cmd(common::hydrant_bin().to_str().unwrap())
            .args(["cache", "push", "--to", &to, "--state-dir"])
            .arg(dir.path().join("state"))
            .arg(path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "push failed: {stderr}");
        stderr
    };
    let stderr = push(&top);
    assert!(stderr.contains("[3/3 paths"), "{stderr}");
    assert!(
        stderr.contains(&format!("to file://{}", cache.display())),
        "{stderr}"
    );
    assert_no_dangling(&cache, "");
    let want: BTreeSet<String> = closure(&top).iter().map(|p| hash_part(p)).collect();
    assert_eq!(narinfo_hashes(&cache, ""), want);
    let all: Vec<String> = walk(&cache);
    assert!(
        all.iter()
            .all(|k| !k.contains("/.") && !k.ends_with(".tmp")),
        "temp files left: {all:?}"
    );
    assert!(all.iter().any(|k| k.ends_with(".nar.zst")), "{all:?}");
    assert!(all.contains(&"nix-cache-info".to_string()));
    // nix copy writes the same narinfos (paths, NAR hashes and sizes, references).
    let nixcopy = dir.path().join("nixcopy");
    let out = nix_cmd("nix")
        .args([
            "--extra-experimental-features",
            "nix-command",
            "copy",
            "--to",
        ])
        .arg(format!("file://{}?compression=zstd", nixcopy.display()))
        .arg(&top)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for h in &want {
        let fields = |d: &std::path::Path| -> Vec<String> {
            std::fs::read_to_string(d.join(format!("{h}.narinfo")))
                .unwrap()
                .lines()
                .filter(|l| {
                    [
                        "StorePath:",
                        "NarHash:",
                        "NarSize:",
                        "References:",
                        "Compression:",
                    ]
                    .iter()
                    .any(|f| l.starts_with(f))
                })
                .map(String::from)
                .collect()
        };
        assert_eq!(fields(&cache), fields(&nixcopy), "narinfo of {h}");
    }
    let stderr = push(&top);
    assert!(stderr.contains("0 uploaded, 3 already there"), "{stderr}");
    // A bad URL is one clear line, before anything is written.
    let out = nix_cmd(common::hydrant_bin().to_str().unwrap())
        .args([
            "cache",
            "push",
            "--to",
            "file://relative/dir",
            "--state-dir",
        ])
        .arg(dir.path().join("state"))
        .arg(&top)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("absolute"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_substitutes(&top, &cache, &pk, &wrong);
}

/// Every file under `d`, relative, dot files included.
fn walk(d: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![d.to_path_buf()];
    while let Some(x) = stack.pop() {
        for e in std::fs::read_dir(&x).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(
                    e.path()
                        .strip_prefix(d)
                        .unwrap()
                        .to_string_lossy()
                        .to_string(),
                );
            }
        }
    }
    out
}

#[test]
fn kill_dash_nine_during_push_then_resume() {
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("crash");
    let dir = TempDir::new("cache-kill");
    let (sk, pk) = keypair(dir.path(), "crash-cache-1");
    let (_, wrong) = keypair(dir.path(), "wrong-cache-1");
    // 48 MiB of random data in the leaf: several multipart parts, slow enough to interrupt.
    let top = build_fixture(dir.path(), "ktop", 48 * 1024);
    let to = format!(
        "s3://crash/c?endpoint={}&compression=xz&secret-key={}",
        s3.endpoint(),
        sk.display()
    );
    let state = dir.path().join("state");
    let mut child = hydrant(&s3)
        .args(["cache", "push", "--to", &to, "-j", "1", "--state-dir"])
        .arg(&state)
        .arg(&top)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some upload traffic reached the bucket, checking the invariant all along.
    let start = Instant::now();
    loop {
        assert_no_dangling(&bucket, "c/");
        let any = std::fs::read_dir(&bucket)
            .map(|d| d.count() > 0)
            .unwrap_or(false);
        if any && start.elapsed() > Duration::from_millis(1500) {
            break;
        }
        if let Some(st) = child.try_wait().unwrap() {
            panic!("push finished before it could be killed: {st}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_no_dangling(&bucket, "c/");
    let all: BTreeSet<String> = closure(&top).iter().map(|p| hash_part(p)).collect();
    assert_ne!(
        narinfo_hashes(&bucket, "c/"),
        all,
        "the push had finished before the kill"
    );
    // Resume: a second run finishes, the invariant holding at every step.
    let mut child = hydrant(&s3)
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(&state)
        .arg(&top)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = loop {
        assert_no_dangling(&bucket, "c/");
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success());
    assert_no_dangling(&bucket, "c/");
    assert_eq!(narinfo_hashes(&bucket, "c/"), all);
    // No temp files left, not even the killed run's.
    let tmp: Vec<_> = std::fs::read_dir(state.join("tmp"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(tmp.is_empty(), "temp files left: {tmp:?}");
    assert_substitutes(&top, &bucket.join("c"), &pk, &wrong);
}

/// The child side of `kill_dash_nine_during_queue_upload_then_restart`: runs the upload threads
/// on the given config until build 1 is cached everywhere (or forever, until killed).
#[test]
#[ignore]
fn queue_child_process() {
    let Ok(conf) = std::env::var("HYDRANT_QCHILD_CONF") else {
        return;
    };
    let config = Config::load(std::path::Path::new(&conf)).unwrap();
    let db = Db::open(&config.db_path()).unwrap();
    let app = Arc::new(App::new(config, db));
    let handle = hydrant::cache::spawn(app.clone());
    app.cache_wake.notify();
    loop {
        let c = cached(&app.db, 1);
        if !c.is_empty() && c.values().all(|v| v == "ok") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    app.shutdown();
    handle.join().unwrap();
}

#[test]
fn kill_dash_nine_during_queue_upload_then_restart() {
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("qcrash");
    let dir = TempDir::new("cache-qkill");
    let (sk, pk) = keypair(dir.path(), "qcrash-cache-1");
    let (_, wrong) = keypair(dir.path(), "wrong-cache-1");
    let top = build_fixture(dir.path(), "qktop", 48 * 1024);
    let conf = dir.path().join("h.conf");
    std::fs::write(
        &conf,
        format!(
            "state_dir = {}\n<s3config>\nname = qcrash\njobs = .*\nprefix = q/\ncompression_type = xz\n\
             endpoint = {}\npath_style = true\nsecret_key_file = {}\nupload_jobs = 1\n</s3config>\n",
            dir.path().join("state").display(),
            s3.endpoint(),
            sk.display()
        ),
    )
    .unwrap();
    {
        let config = Config::load(&conf).unwrap();
        let db = Db::open(&config.db_path()).unwrap();
        finished_build(&db, 1, "top", &top);
    }
    let child = || {
        common::nix_cmd(std::env::current_exe().unwrap().to_str().unwrap())
            .args(["--exact", "queue_child_process", "--ignored", "--nocapture"])
            .env("HYDRANT_QCHILD_CONF", &conf)
            .env("AWS_ACCESS_KEY_ID", &s3.access_key)
            .env("AWS_SECRET_ACCESS_KEY", &s3.secret_key)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut c = child();
    let start = Instant::now();
    loop {
        assert_no_dangling(&bucket, "q/");
        let any = std::fs::read_dir(&bucket)
            .map(|d| d.count() > 0)
            .unwrap_or(false);
        if any && start.elapsed() > Duration::from_millis(1500) {
            break;
        }
        if let Some(st) = c.try_wait().unwrap() {
            panic!("the uploader finished before it could be killed: {st}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    c.kill().unwrap();
    c.wait().unwrap();
    assert_no_dangling(&bucket, "q/");
    let all: BTreeSet<String> = closure(&top).iter().map(|p| hash_part(p)).collect();
    assert_ne!(
        narinfo_hashes(&bucket, "q/"),
        all,
        "finished before the kill"
    );
    {
        // The queue survived the kill: the build is no longer pending but its tasks are there.
        let config = Config::load(&conf).unwrap();
        let db = Db::open(&config.db_path()).unwrap();
        assert!(hydrant::cache::queue::pending_builds(&db)
            .unwrap()
            .is_empty());
        assert!(!hydrant::cache::queue::tasks(&db, "qcrash/q/")
            .unwrap()
            .is_empty());
        assert_ne!(cached(&db, 1)["qcrash/q/"], "ok");
    }
    let mut c = child();
    let status = loop {
        assert_no_dangling(&bucket, "q/");
        if let Some(st) = c.try_wait().unwrap() {
            break st;
        }
        // A hang guard, not a timing: xz of 48 MiB takes long on a loaded 2-core machine.
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "restart never finished"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success());
    assert_no_dangling(&bucket, "q/");
    assert_eq!(narinfo_hashes(&bucket, "q/"), all);
    assert_substitutes(&top, &bucket.join("q"), &pk, &wrong);
}

/// zstd, as Nix writes it (`nar/<filehash>.nar.zst`, `Compression: zstd`): once through
/// `hydrant cache push`, once through the `<s3config>` backup, each substituted by stock Nix.
#[test]
fn zstd_push_and_backup_substitute_with_stock_nix() {
    let s3 = S3Server::start();
    set_creds(&s3);
    let bucket = s3.create_bucket("zst");
    let dir = TempDir::new("cache-zstd");
    let (sk, pk) = keypair(dir.path(), "zstd-cache-1");
    let (_, wrong) = keypair(dir.path(), "zstd-wrong-1");
    let check_layout = |prefix: &str, top: &str| {
        assert_no_dangling(&bucket, prefix);
        let want: BTreeSet<String> = closure(top).iter().map(|p| hash_part(p)).collect();
        assert_eq!(narinfo_hashes(&bucket, prefix), want);
        for h in &want {
            let ni = std::fs::read_to_string(bucket.join(format!("{prefix}{h}.narinfo"))).unwrap();
            assert!(ni.contains("\nCompression: zstd\n"), "{ni}");
            let url = ni.lines().find_map(|l| l.strip_prefix("URL: ")).unwrap();
            let file_hash = ni
                .lines()
                .find_map(|l| l.strip_prefix("FileHash: sha256:"))
                .unwrap();
            assert_eq!(url, format!("nar/{file_hash}.nar.zst"));
            let nar = std::fs::read(bucket.join(format!("{prefix}{url}"))).unwrap();
            assert_eq!(&nar[..4], &[0x28, 0xb5, 0x2f, 0xfd], "not a zstd frame");
        }
    };

    // 1. cache push, two compression threads asked for.
    let top = build_fixture(dir.path(), "ztop", 3 * 1024);
    let to = format!(
        "s3://zst/push?endpoint={}&compression=zstd&compression-threads=2&secret-key={}",
        s3.endpoint(),
        sk.display()
    );
    let out = hydrant(&s3)
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(dir.path().join("state"))
        .arg(&top)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "push failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_layout("push/", &top);
    assert_substitutes(&top, &bucket.join("push"), &pk, &wrong);

    // 2. The backup after a build, `compression_type = zstd` with a level.
    let top = build_fixture(dir.path(), "zbackup", 64);
    let conf = format!(
        "state_dir = {state}\n<s3config>\n name = zst\n jobs = proj:js:.*\n prefix = backup/\n \
         compression_type = zstd\n zstd_level = 9\n endpoint = {ep}\n path_style = true\n \
         secret_key_file = {sk}\n</s3config>\n",
        state = dir.path().join("state2").display(),
        ep = s3.endpoint(),
        sk = sk.display()
    );
    let config = Config::from_str(&conf, "test.conf").unwrap();
    let db = Db::open(&config.db_path()).unwrap();
    let app = Arc::new(App::new(config, db));
    finished_build(&app.db, 1, "top", &top);
    let handle = hydrant::cache::spawn(app.clone());
    app.cache_wake.notify();
    let start = Instant::now();
    while cached(&app.db, 1).get("zst/backup/").map(String::as_str) != Some("ok") {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "backup did not finish: {:?}",
            cached(&app.db, 1)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    app.shutdown();
    handle.join().unwrap();
    check_layout("backup/", &top);
    assert_substitutes(&top, &bucket.join("backup"), &pk, &wrong);
}
