//! `hydrant s3 ...` end to end through the binary, against s3s-fs, credentials from env vars.
mod common;

use common::{hydrant_bin, S3Server, TempDir};
use std::process::{Command, Output};

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
