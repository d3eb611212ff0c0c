//! S3 over TLS with a private CA: a CA and a certificate for 127.0.0.1 made here with openssl,
//! a rustls front on loopback before real s3s-fs. Every way to trust the CA (`--ca-file` /
//! `ca_file` / `ca-file=`, `SSL_CERT_FILE`, `SSL_CERT_DIR`, `AWS_CA_BUNDLE`) works, none of
//! them gives one clear error after one attempt, and 200 MB goes up streamed and multipart.
mod cache_util;
mod common;

use common::{hydrant_bin, S3Server, TempDir, TestCa, TlsFront};
use hydrant::s3::credentials::{Credentials, StaticProvider};
use hydrant::s3::{Client, Config};
use std::collections::BTreeSet;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn hydrant(
    s: &S3Server,
    front: &TlsFront,
    home: &TempDir,
    env: &[(&str, &str)],
    args: &[&str],
) -> Output {
    Command::new(hydrant_bin())
        .arg("s3")
        .args(["--endpoint", &front.endpoint(), "--path-style"])
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", &s.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &s.secret_key)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
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

#[test]
fn cli_trusts_the_ca_every_way_and_refuses_once_without_it() {
    let s = S3Server::start();
    s.create_bucket("tls");
    let ca = TestCa::new();
    let front = TlsFront::start(&ca, s.port);
    let home = TempDir::new("s3tls");
    let file = home.path().join("in.bin");
    // Over 64 KiB: the PUT waits for 100 Continue through TLS.
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 251) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let f = file.to_str().unwrap();
    let ca_pem = ca.ca_pem.to_str().unwrap();
    let ca_dir = ca.dir.path().join("certs");
    std::fs::create_dir_all(&ca_dir).unwrap();
    std::fs::copy(&ca.ca_pem, ca_dir.join("ca.pem")).unwrap();
    type Way<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);
    let ways: Vec<Way> = vec![
        ("ca-file", vec!["--ca-file", ca_pem], vec![]),
        ("SSL_CERT_FILE", vec![], vec![("SSL_CERT_FILE", ca_pem)]),
        (
            "SSL_CERT_DIR",
            vec![],
            vec![("SSL_CERT_DIR", ca_dir.to_str().unwrap())],
        ),
        ("AWS_CA_BUNDLE", vec![], vec![("AWS_CA_BUNDLE", ca_pem)]),
    ];
    for (name, flags, env) in &ways {
        let run = |args: &[&str]| {
            let all: Vec<&str> = flags.iter().copied().chain(args.iter().copied()).collect();
            hydrant(&s, &front, &home, env, &all)
        };
        let key = format!("s3://tls/{name}/a.bin");
        ok(&run(&["put", &key, f]));
        let out = run(&["get", &key]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, data, "{name}");
        assert_eq!(
            ok(&run(&["ls", &format!("s3://tls/{name}/")])),
            format!("300000\t{name}/a.bin\n")
        );
        ok(&run(&["rm", &key]));
        assert_eq!(
            ok(&run(&["ls", &format!("s3://tls/{name}/")])),
            "",
            "{name}"
        );
    }
    // Without the CA: one attempt, the host and the reason, fast.
    let t = Instant::now();
    let out = hydrant(&s, &front, &home, &[], &["put", "s3://tls/x.bin", f]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(
            "certificate for 127.0.0.1 is signed by an unknown CA; set ca_file or SSL_CERT_FILE"
        ),
        "{err}"
    );
    assert!(!err.contains("attempts"), "retried: {err}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let out = hydrant(&s, &front, &home, &[], &["ls", "s3://tls/"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown CA"));
    // A plain-http endpoint named https: a handshake error, also once.
    let out = Command::new(hydrant_bin())
        .args([
            "s3",
            "--endpoint",
            &format!("https://127.0.0.1:{}", s.port),
            "--path-style",
            "ls",
            "s3://tls/",
        ])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", &s.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &s.secret_key)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && err.contains("TLS handshake with 127.0.0.1")
            && !err.contains("attempts"),
        "{err}"
    );
    // A missing ca_file is a configuration error naming it.
    let out = hydrant(
        &s,
        &front,
        &home,
        &[],
        &["--ca-file", "/nonexistent/ca.pem", "ls", "s3://tls/"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("/nonexistent/ca.pem"),
        "{err}"
    );
}

/// 200 MB over TLS, once as a streamed single PUT (upload_file) and once multipart (a reader of
/// unknown length), read back with ranged GETs; the bytes on s3s-fs's disk are the file's.
#[test]
fn large_uploads_over_tls_streamed_and_multipart() {
    let s = S3Server::start();
    let bucket = s.create_bucket("big");
    let ca = TestCa::new();
    let front = TlsFront::start(&ca, s.port);
    let dir = TempDir::new("s3tls-big");
    let path = dir.path().join("big.bin");
    let len = 200 * 1000 * 1000u64;
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut block = vec![0u8; 1 << 20];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut left = len;
        while left > 0 {
            for b in block.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            let n = left.min(block.len() as u64) as usize;
            w.write_all(&block[..n]).unwrap();
            left -= n as u64;
        }
    }
    let creds = Arc::new(StaticProvider::new(
        Credentials::new(&s.access_key, &s.secret_key, None),
        "test",
    ));
    let c = Client::new(
        Config {
            endpoint: Some(front.endpoint()),
            path_style: true,
            ca_file: Some(ca.ca_pem.clone()),
            ..Config::default()
        },
        creds,
    )
    .unwrap();
    let up = c.upload_file("big", "streamed.bin", &path, None).unwrap();
    assert_eq!((up.size, up.parts), (len, 0));
    let up = c
        .upload(
            "big",
            "multi.bin",
            &mut std::fs::File::open(&path).unwrap(),
            None,
        )
        .unwrap();
    assert_eq!(up.size, len);
    assert!(up.parts > 1, "{}", up.parts);
    let want = sha256_file(&path);
    for k in ["streamed.bin", "multi.bin"] {
        assert_eq!(sha256_file(&bucket.join(k)), want, "{k} on disk");
    }
    std::fs::remove_file(bucket.join("multi.bin")).unwrap();
    let mut h = HashOut(sha2_new());
    let n = c.get_object("big", "streamed.bin", &mut h).unwrap();
    assert_eq!(n, len);
    assert_eq!(hex(h.0), want);
}

fn sha2_new() -> sha2::Sha256 {
    <sha2::Sha256 as sha2::Digest>::new()
}

struct HashOut(sha2::Sha256);
impl std::io::Write for HashOut {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hex(h: sha2::Sha256) -> String {
    sha2::Digest::finalize(h)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sha256_file(p: &std::path::Path) -> String {
    let mut h = HashOut(sha2_new());
    std::io::copy(&mut std::fs::File::open(p).unwrap(), &mut h).unwrap();
    hex(h.0)
}

/// `cache push` over TLS with `ca-file=` in the URL and with SSL_CERT_FILE, then stock Nix
/// substitutes the pushed closure from the bucket; without the CA the push fails at once
/// naming it.
#[test]
fn cache_push_over_tls_substitutes() {
    use cache_util::*;
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("tlscache");
    let ca = TestCa::new();
    let front = TlsFront::start(&ca, s3.port);
    let dir = TempDir::new("tls-push");
    let (sk, pk) = keypair(dir.path(), "tls-cache-1");
    let (_, wrong) = keypair(dir.path(), "tls-wrong-1");
    let top = build_fixture(dir.path(), "tlstop", 6 * 1024);
    let base = format!(
        "s3://tlscache/c?endpoint={}&compression=zstd&secret-key={}",
        front.endpoint(),
        sk.display()
    );
    let push = |to: &str, env: &[(&str, &str)]| {
        hydrant(&s3)
            .args(["cache", "push", "--to", to, "--state-dir"])
            .arg(dir.path().join("state"))
            .arg(&top)
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .env_remove("AWS_CA_BUNDLE")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    };
    let out = push(&base, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && err.contains("signed by an unknown CA")
            && !err.contains("attempts"),
        "{err}"
    );
    let out = push(&format!("{base}&ca-file={}", ca.ca_pem.display()), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let want: BTreeSet<String> = closure(&top).iter().map(|p| hash_part(p)).collect();
    assert_eq!(narinfo_hashes(&bucket, "c/"), want);
    // SSL_CERT_FILE: everything is there already.
    let out = push(&base, &[("SSL_CERT_FILE", ca.ca_pem.to_str().unwrap())]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.contains("already there"),
        "{err}"
    );
    assert_substitutes(&top, &bucket.join("c"), &pk, &wrong);
}
