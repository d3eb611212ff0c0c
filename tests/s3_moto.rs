//! The second S3 peer: moto, which re-signs every request with botocore and compares, against
//! the key of an IAM user each test creates (see `common::MotoServer`). The same client
//! operations as against s3s-fs (put/get/head/ls/rm, multipart, awkward keys, the CLI), one
//! `cache push` backup that stock Nix substitutes from, and the proof that moto refuses a bad
//! signature, so that passing here means the signatures were checked.
mod cache_util;
mod common;

use common::{hydrant_bin, nix_cmd, MotoServer, TempDir};
use hydrant::s3::credentials::{Credentials, StaticProvider};
use hydrant::s3::{Client, Config};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::io::Read;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

fn client_with(m: &MotoServer, ak: &str, sk: &str, tweak: impl FnOnce(&mut Config)) -> Client {
    let mut cfg = Config {
        endpoint: Some(m.endpoint()),
        path_style: true,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(30),
        retry_base: Duration::from_millis(20),
        retry_max: Duration::from_millis(200),
        ..Config::default()
    };
    tweak(&mut cfg);
    Client::new(
        cfg,
        Arc::new(StaticProvider::new(Credentials::new(ak, sk, None), "test")),
    )
    .unwrap()
}

fn client(m: &MotoServer) -> Client {
    client_with(m, &m.access_key, &m.secret_key, |_| {})
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(len: usize, mut x: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn moto_rejects_bad_signatures() {
    let m = MotoServer::start();
    let c = client(&m);
    c.create_bucket("proof").unwrap();
    c.put_object("proof", "k", b"data", None).unwrap();
    // The right key id with a wrong secret: botocore's signature differs from ours.
    let bad = client_with(&m, &m.access_key, "not-the-secret", |_| {});
    for msg in [
        bad.put_object("proof", "k2", b"x", None)
            .unwrap_err()
            .to_string(),
        bad.get_object_bytes("proof", "k").unwrap_err().to_string(),
        // A HEAD answer has no body: the code comes from the client's GET probe.
        bad.head_object("proof", "k").unwrap_err().to_string(),
        bad.list_all("proof", "").unwrap_err().to_string(),
    ] {
        assert!(
            msg.contains("HTTP 403 SignatureDoesNotMatch") && !msg.contains("attempts"),
            "{msg}"
        );
        assert!(!msg.contains("not-the-secret"), "{msg}");
    }
    // A key id IAM does not know.
    let stranger = client_with(&m, "AKIDNOSUCHKEY0000000", &m.secret_key, |_| {});
    let msg = stranger.head_object("proof", "k").unwrap_err().to_string();
    assert!(
        msg.starts_with("HeadObject s3://proof/k: HTTP 403 InvalidAccessKeyId"),
        "{msg}"
    );
    // IAM itself is past its unauthenticated window too.
    let (status, body) = m.iam(
        (&m.access_key, "not-the-secret"),
        &[("Action", "ListUsers")],
    );
    assert!(
        status == 403 && body.contains("SignatureDoesNotMatch"),
        "{status} {body}"
    );
    // Nothing the refused requests sent was stored; the right key still works.
    let keys: Vec<String> = c
        .list_all("proof", "")
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(keys, ["k"]);
    assert_eq!(c.get_object_bytes("proof", "k").unwrap(), b"data");
}

#[test]
fn client_operations_on_moto() {
    let m = MotoServer::start();
    let dir = TempDir::new("moto-client");
    let c = client_with(&m, &m.access_key, &m.secret_key, |cfg| {
        cfg.part_size = 5 * 1024 * 1024;
        cfg.download_chunk = 4 * 1024 * 1024;
        // Files over 6 MiB go multipart, smaller ones as one streamed PUT.
        cfg.stream_put_max = 6 * 1024 * 1024;
    });
    c.create_bucket("cache").unwrap();
    // put / get / head / delete, an empty object, a missing one.
    c.put_object(
        "cache",
        "nix-cache-info",
        b"StoreDir: /nix/store\n",
        Some("text/x-nix-cache-info"),
    )
    .unwrap();
    assert_eq!(
        c.get_object_bytes("cache", "nix-cache-info").unwrap(),
        b"StoreDir: /nix/store\n"
    );
    let meta = c.head_object("cache", "nix-cache-info").unwrap().unwrap();
    assert_eq!(meta.size, 21);
    assert_eq!(meta.content_type.as_deref(), Some("text/x-nix-cache-info"));
    assert!(c.head_object("cache", "missing").unwrap().is_none());
    assert!(c
        .get_object_bytes("cache", "missing")
        .unwrap_err()
        .is_not_found());
    c.put_object("cache", "empty", b"", None).unwrap();
    assert_eq!(c.get_object_bytes("cache", "empty").unwrap(), b"");
    c.delete_object("cache", "nix-cache-info").unwrap();
    c.delete_object("cache", "empty").unwrap();
    assert!(c.head_object("cache", "nix-cache-info").unwrap().is_none());
    // Awkward keys, including one XML 1.0 cannot carry in DeleteObjects.
    let odd = [
        "with space/a b.txt",
        "plus+sign",
        "eq=ual",
        "til~de",
        "per%25cent%",
        "utf8/ሴ/é",
        "double//slash",
        "amp&lt;&amp;",
        "paren(1)!*'$@,;:",
        "ctl/\u{1}x",
        "q?uery#hash",
        "back\\slash",
    ];
    for k in odd {
        c.put_object("cache", k, k.as_bytes(), None)
            .unwrap_or_else(|e| panic!("put {k:?}: {e}"));
    }
    for k in odd {
        assert_eq!(
            c.get_object_bytes("cache", k)
                .unwrap_or_else(|e| panic!("get {k:?}: {e}")),
            k.as_bytes()
        );
        assert_eq!(
            c.head_object("cache", k).unwrap().unwrap().size,
            k.len() as u64
        );
    }
    let listed: BTreeSet<String> = c
        .list_all("cache", "")
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    // moto keeps keys as given (`//` included).
    assert_eq!(listed, odd.iter().map(|k| k.to_string()).collect());
    // Pagination: 25 keys in pages of 10.
    let many: Vec<String> = (0..25).map(|i| format!("nar/{i:03}.nar")).collect();
    for k in &many {
        c.put_object("cache", k, k.as_bytes(), None).unwrap();
    }
    let first = c.list_page("cache", "nar/", None, Some(10)).unwrap();
    assert_eq!(first.objects.len(), 10);
    assert!(first.next_continuation_token.is_some());
    let got: Vec<String> = c
        .list_all("cache", "nar/")
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect();
    assert_eq!(got, many);
    // Batch delete: the odd keys and the pages.
    let all: Vec<String> = odd.iter().map(|k| k.to_string()).chain(many).collect();
    let failed = c.delete_objects("cache", &all).unwrap();
    assert!(failed.is_empty(), "{failed:?}");
    assert!(c.list_all("cache", "").unwrap().is_empty());
    // Multipart from a reader (3 parts), ranged download in 4 MiB chunks.
    let data = noise(12 * 1024 * 1024 + 7, 0x9E37_79B9_7F4A_7C15);
    let up = c
        .upload("cache", "nar/big.nar", &mut &data[..], None)
        .unwrap();
    assert_eq!((up.parts, up.size), (3, data.len() as u64));
    let got = c.get_object_bytes("cache", "nar/big.nar").unwrap();
    assert_eq!(Sha256::digest(&got), Sha256::digest(&data));
    // A file: one streamed PUT below stream_put_max, multipart above it.
    let small = dir.path().join("small");
    std::fs::write(&small, &data[..3 * 1024 * 1024]).unwrap();
    let up = c.upload_file("cache", "small", &small, None).unwrap();
    assert_eq!(up.parts, 0);
    let big = dir.path().join("big");
    std::fs::write(&big, &data).unwrap();
    let up = c.upload_file("cache", "big", &big, None).unwrap();
    assert_eq!(up.parts, 3);
    let mut f = Vec::new();
    std::fs::File::open(&big)
        .unwrap()
        .read_to_end(&mut f)
        .unwrap();
    assert_eq!(c.get_object_bytes("cache", "big").unwrap(), f);
    assert_eq!(
        c.get_object_bytes("cache", "small").unwrap(),
        &data[..3 * 1024 * 1024]
    );
}

fn hydrant_s3(m: &MotoServer, home: &TempDir, args: &[&str]) -> Output {
    std::process::Command::new(hydrant_bin())
        .arg("s3")
        .args(["--endpoint", &m.endpoint(), "--path-style"])
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", &m.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &m.secret_key)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// `hydrant s3` put/get/ls/rm/rm-prefix, then `cache push` of a closure; the bucket's objects,
/// copied into a directory, are a cache stock Nix substitutes the closure from.
#[test]
fn cli_and_cache_push_on_moto() {
    use cache_util::*;
    let m = MotoServer::start();
    client(&m).create_bucket("backup").unwrap();
    let home = TempDir::new("moto-cli");
    let file = home.path().join("in.bin");
    let data = noise(300_000, 7);
    std::fs::write(&file, &data).unwrap();
    let f = file.to_str().unwrap();
    ok(&hydrant_s3(&m, &home, &["put", "s3://backup/tmp/a b", f]));
    ok(&hydrant_s3(&m, &home, &["put", "s3://backup/tmp/c", f]));
    assert_eq!(
        ok(&hydrant_s3(&m, &home, &["ls", "s3://backup/tmp/"])),
        "300000\ttmp/a b\n300000\ttmp/c\n"
    );
    let out = hydrant_s3(&m, &home, &["get", "s3://backup/tmp/a b"]);
    assert!(out.status.success() && out.stdout == data);
    ok(&hydrant_s3(&m, &home, &["rm", "s3://backup/tmp/c"]));
    let done = ok(&hydrant_s3(
        &m,
        &home,
        &["rm-prefix", "s3://backup/tmp/", "--yes"],
    ));
    assert!(done.contains("deleted 1 objects"), "{done}");
    assert_eq!(ok(&hydrant_s3(&m, &home, &["ls", "s3://backup"])), "");

    // The backup: a closure pushed to moto.
    let (sk, pk) = keypair(home.path(), "moto-cache-1");
    let (_, wrong) = keypair(home.path(), "moto-wrong-1");
    let top = build_fixture(home.path(), "mototop", 64);
    let to = format!(
        "s3://backup/c?endpoint={}&path-style=true&compression=zstd&secret-key={}",
        m.endpoint(),
        sk.display()
    );
    let out = nix_cmd(hydrant_bin().to_str().unwrap())
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(home.path().join("state"))
        .arg(&top)
        .env("AWS_ACCESS_KEY_ID", &m.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &m.secret_key)
        .env_remove("AWS_PROFILE")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = client(&m);
    let objects = c.list_all("backup", "c/").unwrap();
    let narinfos: BTreeSet<String> = objects
        .iter()
        .filter_map(|o| o.key.strip_prefix("c/")?.strip_suffix(".narinfo"))
        .map(String::from)
        .collect();
    let want: BTreeSet<String> = closure(&top).iter().map(|p| hash_part(p)).collect();
    assert_eq!(narinfos, want);
    let cache = home.path().join("cache");
    for o in &objects {
        let rel = o.key.strip_prefix("c/").unwrap();
        let dest = cache.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, c.get_object_bytes("backup", &o.key).unwrap()).unwrap();
    }
    assert_substitutes(&top, &cache, &pk, &wrong);
}
