//! A damaged hydrant.redb on the real binary: truncated, empty or garbage files give one line
//! "the database FILE is damaged (…); restore it from a backup" and exit 1 (no panic, no fresh
//! empty database); `db check` passes a good one; `db backup` copies it, with the server stopped
//! or, while it runs, through `POST /admin/backup`.
mod common;
mod web_support;

use common::TempDir;
use hydrant::db::Db;
use std::path::Path;
use web_support::*;

/// A state dir whose database has an admin, a token and a project.
fn good_state(tag: &str) -> (TempDir, String, Vec<u8>) {
    let (state, tok) = admin_state(tag);
    {
        let mut srv = Server::start(state.path());
        let c = srv.client().with_bearer(&tok);
        assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
        assert!(srv.stop());
    }
    let bytes = std::fs::read(state.path().join("hydrant.redb")).unwrap();
    (state, tok, bytes)
}

fn run_in(state: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let s = state.display().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--state-dir", &s]);
    let out = hydrant(&all);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[track_caller]
fn assert_damaged(state: &Path, args: &[&str], why: &str) {
    let (code, _, err) = run_in(state, args);
    let db = state.join("hydrant.redb");
    assert_eq!(code, Some(1), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line, got: {err}");
    assert!(
        err.starts_with(&format!(
            "hydrant: the database {} is damaged (",
            db.display()
        )),
        "{err}"
    );
    assert!(err.contains(why), "{err}");
    assert!(
        err.trim_end().ends_with("; restore it from a backup"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn truncated_empty_and_garbage_databases_are_one_clear_line_and_exit_1() {
    let (state, _tok, bytes) = good_state("damage");
    let db = state.path().join("hydrant.redb");
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("truncated", bytes[..bytes.len() / 2].to_vec(), "redb"),
        ("empty", Vec::new(), "the file is empty"),
        (
            "garbage",
            (0..300_000u32).map(|i| (i * 31 % 253) as u8).collect(),
            "not a readable redb file",
        ),
    ];
    for (tag, content, why) in cases {
        std::fs::write(&db, &content).unwrap();
        for args in [
            &["db", "check"][..],
            &["user", "token", "admin"][..],
            &["serve", "--listen", "127.0.0.1:0"][..],
        ] {
            assert_damaged(state.path(), args, why);
        }
        assert_eq!(
            std::fs::read(&db).unwrap(),
            content,
            "{tag}: the damaged file must be left as it was"
        );
    }
}

#[test]
fn check_and_backup_a_good_database_stopped_and_while_serving() {
    let (state, tok, _) = good_state("checkbackup");
    let (code, out, err) = run_in(state.path(), &["db", "check"]);
    assert_eq!(code, Some(0), "{err}");
    let schema = format!("schema {}", hydrant::db::SCHEMA_VERSION);
    assert!(out.starts_with("ok: ") && out.contains(&schema), "{out}");

    let copy = state.path().join("copy.redb");
    let c = copy.display().to_string();
    let (code, out, err) = run_in(state.path(), &["db", "backup", &c]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("backed up"), "{out}");
    let (code, _, err) = run_in(state.path(), &["db", "backup", &c]);
    assert_eq!(code, Some(1));
    assert!(err.contains("exists already"), "{err}");
    {
        let db = Db::open(&copy).unwrap();
        assert_eq!(db.project("p").unwrap().unwrap().displayname, "P");
    }
    Db::check(&copy).unwrap();

    // While serving: the CLI cannot open the locked file and says how to get a copy.
    let mut srv = Server::start(state.path());
    let (code, _, err) = run_in(state.path(), &["db", "backup", "/tmp/never.redb"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("POST /admin/backup"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = run_in(state.path(), &["db", "check"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("in use"), "{err}");
    let c = srv.client();
    assert_eq!(
        c.post_json("/admin/backup", &serde_json::json!({})).status,
        403
    );
    let r = c
        .with_bearer(&tok)
        .post_json("/admin/backup", &serde_json::json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let path = r.json()["path"].as_str().unwrap().to_string();
    assert!(path.starts_with(&state.path().join("backups").display().to_string()));
    assert!(srv.stop());
    let db = Db::open(Path::new(&path)).unwrap();
    assert_eq!(db.project("p").unwrap().unwrap().displayname, "P");
    assert!(db.user("admin").unwrap().is_some());
}
