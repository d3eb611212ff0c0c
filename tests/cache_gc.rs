//! `hydrant s3-gc` against s3s-fs: live closures stay, dead ones and stale objects go, keys
//! outside the prefix are never touched, and `--dry-run` deletes nothing.
mod cache_util;
mod common;

use cache_util::*;
use common::{S3Server, TempDir};
use std::collections::BTreeSet;

#[test]
fn gc_deletes_dead_paths_and_keeps_live_ones_and_decoys() {
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("gcb");
    let dir = TempDir::new("cache-gc");
    let state = dir.path().join("state");
    let (sk, pk) = keypair(dir.path(), "gc-cache-1");
    let (_, wrong) = keypair(dir.path(), "wrong-cache-1");
    let live = build_fixture(dir.path(), "glive", 16);
    let dead = build_fixture(dir.path(), "gdead", 16);
    let conf = dir.path().join("hydrant.conf");
    std::fs::write(
        &conf,
        format!(
            "state_dir = {}\n<s3config>\nname = gcb\njobs = .*\nprefix = c/\ncompression_type = xz\n\
             endpoint = {}\npath_style = true\nsecret_key_file = {}\n</s3config>\n",
            state.display(),
            s3.endpoint(),
            sk.display()
        ),
    )
    .unwrap();
    let out = hydrant(&s3)
        .args(["cache", "push", "--to", "gcb", "--config"])
        .arg(&conf)
        .args([&live, &dead])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Roots: both at first; then the dead one's root is removed.
    let roots = state.join("gcroots");
    std::fs::create_dir_all(roots.join("sub")).unwrap();
    std::os::unix::fs::symlink(&live, roots.join("sub/live")).unwrap();
    std::os::unix::fs::symlink(&dead, roots.join("dead")).unwrap();

    // Decoys outside the prefix, stale objects inside it.
    let decoys = [
        "decoy.narinfo",
        "cx/nar/abc.nar.xz",
        "d/nix-cache-info",
        "00000000000000000000000000000000.narinfo",
    ];
    let stale = [
        "c/nar/0000000000000000000000000000000000000000000000000000.nar.xz",
        "c/11111111111111111111111111111111.narinfo",
        "c/22222222222222222222222222222222.nar",
        "c/junk.txt",
    ];
    for k in decoys.iter().chain(stale.iter()) {
        let p = bucket.join(k);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, format!("URL: nar/x.nar\n{k}")).unwrap();
    }
    let before = keys(&bucket);
    let gc = |extra: &[&str]| {
        let out = hydrant(&s3)
            .args(["s3-gc", "--config"])
            .arg(&conf)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "s3-gc failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    // With both roots, only the stale objects are garbage.
    let report = gc(&["--dry-run"]);
    assert!(report.contains("would delete 4"), "{report}");
    assert_eq!(keys(&bucket), before, "--dry-run deleted something");

    std::fs::remove_file(roots.join("dead")).unwrap();
    let dead_hashes: BTreeSet<String> = closure(&dead).iter().map(|p| hash_part(p)).collect();
    let report = gc(&["--dry-run", "--bucket", "gcb"]);
    // 4 stale + 3 narinfos + 3 NARs of the dead closure.
    assert!(report.contains("would delete 10"), "{report}");
    assert_eq!(keys(&bucket), before, "--dry-run deleted something");

    let report = gc(&[]);
    assert!(report.contains("deleted 10"), "{report}");
    let after = keys(&bucket);
    for d in decoys {
        assert!(after.contains(d), "decoy {d} was deleted");
    }
    for s in stale {
        assert!(!after.contains(s), "stale {s} survived");
    }
    let left = narinfo_hashes(&bucket, "c/");
    let live_hashes: BTreeSet<String> = closure(&live).iter().map(|p| hash_part(p)).collect();
    assert_eq!(left, live_hashes);
    assert!(left.is_disjoint(&dead_hashes));
    assert!(after.contains("c/nix-cache-info"));
    assert_no_dangling(&bucket, "c/");
    // Exactly the live NARs are left under nar/.
    let nars = after.iter().filter(|k| k.starts_with("c/nar/")).count();
    assert_eq!(nars, live_hashes.len());
    // A second run finds nothing to do.
    let report = gc(&[]);
    assert!(report.contains("deleted 0"), "{report}");
    assert_substitutes(&live, &bucket.join("c"), &pk, &wrong);
}

#[test]
fn gc_refuses_to_run_without_roots() {
    let s3 = S3Server::start();
    s3.create_bucket("empty");
    let dir = TempDir::new("cache-gc-empty");
    let conf = dir.path().join("h.conf");
    std::fs::write(
        &conf,
        format!(
            "state_dir = {}\n<s3config>\nname = empty\njobs = .*\nendpoint = {}\npath_style = true\n</s3config>\n",
            dir.path().join("state").display(),
            s3.endpoint()
        ),
    )
    .unwrap();
    let out = hydrant(&s3)
        .args(["s3-gc", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no GC roots"));
}

#[test]
fn periodic_gc_from_serve_collects_stale_objects() {
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("periodic");
    let dir = TempDir::new("cache-gc-periodic");
    let state = dir.path().join("state");
    let live = build_fixture(dir.path(), "plive", 4);
    std::fs::create_dir_all(state.join("gcroots")).unwrap();
    std::os::unix::fs::symlink(&live, state.join("gcroots/live")).unwrap();
    std::env::set_var("AWS_ACCESS_KEY_ID", &s3.access_key);
    std::env::set_var("AWS_SECRET_ACCESS_KEY", &s3.secret_key);
    let config = hydrant::config::Config::from_str(
        &format!(
            "state_dir = {}\ns3_gc_interval = 1\n<s3config>\nname = periodic\njobs = .*\n\
             endpoint = {}\npath_style = true\n</s3config>\n",
            state.display(),
            s3.endpoint()
        ),
        "t.conf",
    )
    .unwrap();
    std::fs::write(bucket.join("stale.txt"), "x").unwrap();
    std::fs::write(bucket.join("nix-cache-info"), "StoreDir: /nix/store\n").unwrap();
    let db = hydrant::db::Db::open(&config.db_path()).unwrap();
    let app = std::sync::Arc::new(hydrant::app::App::new(config, db));
    let h = hydrant::cache::spawn_gc(app.clone());
    let start = std::time::Instant::now();
    while bucket.join("stale.txt").exists() {
        assert!(
            start.elapsed().as_secs() < 20,
            "the periodic collector never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(bucket.join("nix-cache-info").exists());
    app.shutdown();
    h.join().unwrap();
}
