//! `hydrant s3 ...` end to end through the binary, against s3s-fs, credentials from env vars.
mod cache_util;
mod common;

use common::{hydrant_bin, S3Server, TempDir};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

fn hydrant(s: &S3Server, home: &TempDir, args: &[&str]) -> Output {
    Command::new(hydrant_bin())
        .arg("s3")
        .args(["--endpoint", &s.endpoint(), "--path-style"])
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", &s.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &s.secret_key)
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
fn put_get_ls_rm_rm_prefix() {
    let s = S3Server::start();
    s.create_bucket("cli");
    let home = TempDir::new("s3cli");
    let file = home.path().join("in.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let f = file.to_str().unwrap();
    ok(&hydrant(&s, &home, &["put", "s3://cli/nar/a b.nar", f]));
    ok(&hydrant(&s, &home, &["put", "s3://cli/nar/c.nar", f]));
    ok(&hydrant(&s, &home, &["put", "s3://cli/keep.narinfo", f]));
    // get to stdout and to a file.
    let out = hydrant(&s, &home, &["get", "s3://cli/nar/a b.nar"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, data);
    let dest = home.path().join("out.bin");
    ok(&hydrant(
        &s,
        &home,
        &["get", "s3://cli/nar/c.nar", "-o", dest.to_str().unwrap()],
    ));
    assert_eq!(std::fs::read(&dest).unwrap(), data);
    // ls: size, tab, key.
    let listing = ok(&hydrant(&s, &home, &["ls", "s3://cli/nar/"]));
    assert_eq!(listing, "300000\tnar/a b.nar\n300000\tnar/c.nar\n");
    // rm-prefix without --yes only lists.
    let dry = ok(&hydrant(&s, &home, &["rm-prefix", "s3://cli/nar/"]));
    assert!(
        dry.contains("would delete s3://cli/nar/a b.nar") && dry.contains("--yes"),
        "{dry}"
    );
    assert_eq!(
        ok(&hydrant(&s, &home, &["ls", "s3://cli/"]))
            .lines()
            .count(),
        3
    );
    let done = ok(&hydrant(
        &s,
        &home,
        &["rm-prefix", "s3://cli/nar/", "--yes"],
    ));
    assert!(done.contains("deleted 2 objects"), "{done}");
    assert_eq!(
        ok(&hydrant(&s, &home, &["ls", "s3://cli/"])),
        "300000\tkeep.narinfo\n"
    );
    ok(&hydrant(&s, &home, &["rm", "s3://cli/keep.narinfo"]));
    assert_eq!(ok(&hydrant(&s, &home, &["ls", "s3://cli"])), "");
}

#[test]
fn errors_are_one_line_and_name_the_object() {
    let s = S3Server::start();
    s.create_bucket("cli");
    let home = TempDir::new("s3cli-err");
    let out = hydrant(
        &s,
        &home,
        &[
            "get",
            "s3://cli/missing",
            "-o",
            home.path().join("x").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("hydrant: GetObject s3://cli/missing: HTTP 404"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        !home.path().join("x").exists(),
        "left a partial output file"
    );
    // Wrong secret: clear 403, no secret in the message.
    let out = Command::new(hydrant_bin())
        .args([
            "s3",
            "--endpoint",
            &s.endpoint(),
            "--path-style",
            "ls",
            "s3://cli/",
        ])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", &s.access_key)
        .env("AWS_SECRET_ACCESS_KEY", "definitely-wrong")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ListObjectsV2 s3://cli: HTTP 403") && !err.contains("definitely-wrong"),
        "{err}"
    );
    // Bad address.
    let out = hydrant(&s, &home, &["rm", "http://cli/x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an s3://BUCKET/KEY"));
    // Missing local file.
    let out = hydrant(&s, &home, &["put", "s3://cli/x", "/nonexistent/file"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file"));
}

/// A sparse file of `len` bytes (s3s-fs reads what we send; the bytes do not matter).
fn big_file(dir: &TempDir, name: &str, len: u64) -> std::path::PathBuf {
    let p = dir.path().join(name);
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(len).unwrap();
    p
}

/// A loopback relay in front of s3s-fs that counts what clients send through it: the
/// connections they open and the bytes that go upstream. Once upstream stops taking bytes the
/// relay still reads (and counts) whatever the client keeps sending.
struct Relay {
    port: u16,
    conns: Arc<AtomicUsize>,
    sent: Arc<AtomicU64>,
}

impl Relay {
    fn start(upstream: u16) -> Relay {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let (conns, sent) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicU64::new(0)));
        let (c2, s2) = (conns.clone(), sent.clone());
        std::thread::spawn(move || {
            for client in l.incoming().flatten() {
                c2.fetch_add(1, Ordering::SeqCst);
                let Ok(up) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let (mut c_in, mut c_out) = (client.try_clone().unwrap(), client);
                let (mut up_in, mut up_out) = (up.try_clone().unwrap(), up);
                let sent = s2.clone();
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; 1 << 16];
                    let mut up_open = true;
                    while let Ok(n @ 1..) = c_in.read(&mut buf) {
                        sent.fetch_add(n as u64, Ordering::SeqCst);
                        up_open = up_open && up_out.write_all(&buf[..n]).is_ok();
                    }
                    let _ = up_out.shutdown(Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut up_in, &mut c_out);
                    let _ = c_out.shutdown(Shutdown::Write);
                });
            }
        });
        Relay { port, conns, sent }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Connections opened and bytes sent since the last call.
    fn take(&self) -> (usize, u64) {
        (
            self.conns.swap(0, Ordering::SeqCst),
            self.sent.swap(0, Ordering::SeqCst),
        )
    }
}

/// An early refusal (403, 400, 404) is answered before the body goes: the client asks
/// `Expect: 100-continue`, sends only its headers, and does not retry. Checked by what reaches
/// the server, not by the clock (hashing 200 MB for the signature alone can take a second on a
/// loaded machine).
#[test]
fn early_refusals_arrive_at_once_with_one_attempt() {
    let s = S3Server::start();
    s.create_bucket("fast");
    let relay = Relay::start(s.port);
    let home = TempDir::new("s3cli-fast");
    let run = |secret: &str, args: &[&str]| {
        Command::new(hydrant_bin())
            .args(["s3", "--endpoint", &relay.endpoint(), "--path-style"])
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("AWS_ACCESS_KEY_ID", &s.access_key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .output()
            .unwrap()
    };
    // Headers only: well under one 64 KiB relay read.
    let headers_only = |what: &str| {
        let (conns, sent) = relay.take();
        assert_eq!(conns, 1, "{what}: one connection, one attempt");
        assert!(sent < 16 << 10, "{what}: {sent} bytes reached the server");
    };
    // 5 MB goes as one in-memory PutObject, 200 MB as one streamed PutObject from the file.
    for (name, len) in [("five", 5_000_000u64), ("two-hundred", 200_000_000)] {
        let file = big_file(&home, name, len);
        let f = file.to_str().unwrap();
        let out = run(
            "definitely-wrong",
            &["put", &format!("s3://fast/{name}"), f],
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(&format!(
                "PutObject s3://fast/{name}: HTTP 403 SignatureDoesNotMatch"
            )) && !err.contains("attempts"),
            "{name}: {err}"
        );
        headers_only(&format!("403 {name}"));
        // Any other early refusal too (s3s-fs creates a missing bucket on PutObject, so a
        // bucket name it rejects stands in for it here): its own answer at once.
        let out = run(&s.secret_key, &["put", &format!("s3://zz/{name}"), f]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "PutObject s3://zz/{name}: HTTP 400 InvalidBucketName"
            )) && !err.contains("attempts"),
            "{name}: {err}"
        );
        headers_only(&format!("400 {name}"));
    }
    // A missing bucket: NoSuchBucket at once.
    for args in [
        &["ls", "s3://no-such-bucket/"][..],
        &["rm", "s3://no-such-bucket/k"],
    ] {
        let out = run(&s.secret_key, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("s3://no-such-bucket") && err.contains("HTTP 404 NoSuchBucket"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("attempts"), "{err}");
        headers_only(&format!("{args:?}"));
    }
    // With the right key both still go up, through the same relay, which counts the body: the
    // relay sees what a client sends.
    let file = big_file(&home, "ok", 20_000_000);
    ok(&run(
        &s.secret_key,
        &["put", "s3://fast/ok", file.to_str().unwrap()],
    ));
    let (_, sent) = relay.take();
    assert!(sent >= 20_000_000, "{sent}");
    assert_eq!(
        std::fs::metadata(s.root.path().join("fast/ok"))
            .unwrap()
            .len(),
        20_000_000
    );
}

/// A key XML 1.0 cannot carry (`\x01`) goes by DeleteObject: rm-prefix still deletes all.
#[test]
fn rm_prefix_deletes_keys_xml_cannot_carry() {
    let s = S3Server::start();
    s.create_bucket("odd");
    let home = TempDir::new("s3cli-odd");
    let file = home.path().join("in.bin");
    std::fs::write(&file, b"x").unwrap();
    let f = file.to_str().unwrap();
    for k in ["p/a\u{1}b", "p/plain", "p/tab\there"] {
        ok(&hydrant(&s, &home, &["put", &format!("s3://odd/{k}"), f]));
    }
    assert_eq!(
        ok(&hydrant(&s, &home, &["ls", "s3://odd/p/"]))
            .lines()
            .count(),
        3
    );
    let done = ok(&hydrant(&s, &home, &["rm-prefix", "s3://odd/p/", "--yes"]));
    assert!(done.contains("deleted 3 objects"), "{done}");
    assert_eq!(ok(&hydrant(&s, &home, &["ls", "s3://odd/p/"])), "");
}

/// `cache push` with a wrong secret or key id says why the server refused (the first request
/// is a HEAD of nix-cache-info, whose answer has no body), once, without the secret.
#[test]
fn cache_push_with_wrong_keys_names_the_cause() {
    let s = S3Server::start();
    s.create_bucket("wrong");
    let dir = TempDir::new("s3cli-wrongkeys");
    let top = cache_util::build_fixture(dir.path(), "wrongkeys", 1);
    let to = format!(
        "s3://wrong/c?endpoint={}&path-style=true&compression=none",
        s.endpoint()
    );
    let push = |ak: &str, sk: &str| {
        let out = cache_util::hydrant(&s)
            .args(["cache", "push", "--to", &to, "--state-dir"])
            .arg(dir.path().join("state"))
            .arg(&top)
            .env("AWS_ACCESS_KEY_ID", ak)
            .env("AWS_SECRET_ACCESS_KEY", sk)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let err = push(&s.access_key, "definitely-wrong");
    assert!(
        err.contains("s3://wrong/c/nix-cache-info: HTTP 403 SignatureDoesNotMatch")
            && !err.contains("definitely-wrong")
            && !err.contains("attempts"),
        "{err}"
    );
    let err = push("AKIDNOSUCHKEY", &s.secret_key);
    assert!(
        err.contains("s3://wrong/c/nix-cache-info: HTTP 403 NotSignedUp"),
        "{err}"
    );
    assert!(cache_util::keys(&s.root.path().join("wrong")).is_empty());
}

/// `cache push --config` and `s3-gc --config` load the config the way `serve` does: a
/// misspelt key is named on stderr (`hydrant: warning: FILE:LINE: unknown key …`), not
/// silently ignored, and the push still works.
#[test]
fn cache_commands_warn_about_unknown_config_keys() {
    let s = S3Server::start();
    let bucket = s.create_bucket("warned");
    let dir = TempDir::new("s3cli-warn");
    let top = cache_util::build_fixture(dir.path(), "warnkeys", 1);
    let conf = dir.path().join("hydrant.conf");
    std::fs::write(
        &conf,
        format!(
            "state_dir = {}\nupload_job = 2\n<s3config>\n  name = warned\n  jobs = .*\n  endpoint = {}\n  path_style = true\n  compression_type = none\n  prefx = c\n</s3config>\n",
            dir.path().join("state").display(),
            s.endpoint()
        ),
    )
    .unwrap();
    let c = conf.display().to_string();
    let top_key = format!("hydrant: warning: {c}:2: unknown key `upload_job` ignored");
    let s3_key =
        format!("hydrant: warning: {c}:9: unknown key `prefx` in <s3config> section ignored");
    let out = cache_util::hydrant(&s)
        .args(["cache", "push", "--to", "warned", "--config", &c])
        .arg(&top)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(&top_key) && err.contains(&s3_key), "{err}");
    assert_eq!(err.matches("unknown key").count(), 2, "{err}");
    // The misspelt prefix was ignored: the cache is at the bucket's root.
    assert!(bucket.join("nix-cache-info").exists());
    let out = cache_util::hydrant(&s)
        .args(["s3-gc", "--dry-run", "--config", &c])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&top_key) && err.contains(&s3_key), "{err}");
    // And the commands that go through the shared state flags.
    let out = cache_util::hydrant(&s)
        .args(["user", "list", "--config", &c])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&top_key) && err.contains(&s3_key), "{err}");
}
