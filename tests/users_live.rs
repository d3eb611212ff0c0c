//! Users while the server runs, on the real binary: the first admin through the one-time setup
//! URL the server prints, `hydrant user …` through the control socket while `serve` holds the
//! database, tokens that list, expire and revoke, a password reset or a delete that ends the
//! user's sessions and tokens, throttled logins, logout's Origin check, and owners set only by
//! admins.
mod common;
mod web_support;

use serde_json::json;
use std::path::Path;
use web_support::*;

fn cli(state: &Path, args: &[&str]) -> (bool, String, String) {
    let s = state.display().to_string();
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--state-dir", &s]);
    let out = hydrant(&a);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

fn setup_token(log: &str) -> String {
    log.split("/setup?token=")
        .nth(1)
        .expect("setup URL in the log")
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

#[test]
fn first_admin_through_setup_and_users_while_serving() {
    let state = common::TempDir::new("users-live");
    let srv = Server::start(state.path());
    let log = srv.log();
    // The hints name this binary by its full path, and the state dir.
    let me = common::hydrant_bin().display().to_string();
    assert!(
        log.contains(&format!("{me} user add admin --role admin --state-dir")),
        "{log}"
    );
    let token = setup_token(&log);
    assert_eq!(token.len(), 64);
    let anon = srv.client().anonymous();
    assert_eq!(anon.get("/setup?token=nope").status, 404);
    assert_eq!(
        anon.html().get(&format!("/setup?token={token}")).status,
        200
    );
    let r = anon.post_json(
        "/setup",
        &json!({"token": "0".repeat(64), "username": "root", "password": "rootpw"}),
    );
    assert_eq!(r.status, 404, "a wrong token opens nothing");
    let r = anon.post_json(
        "/setup",
        &json!({"token": token, "username": "root", "password": "rootpw"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(r.headers["set-cookie"].contains("hydrant_session="));
    // Once: the page is gone now that an admin exists.
    let r = anon.post_json(
        "/setup",
        &json!({"token": token, "username": "evil", "password": "x"}),
    );
    assert_eq!(r.status, 404);
    let root = srv.client().login_with_csrf("root", "rootpw");
    assert_eq!(
        root.get("/current-user").json()["userroles"],
        json!(["admin"])
    );

    // The CLI works while the server holds the database.
    let pw = state.path().join("alice.pw");
    std::fs::write(&pw, "alicepw\n").unwrap();
    let (ok, out, err) = cli(
        state.path(),
        &[
            "user",
            "add",
            "alice",
            "--role",
            "create-projects",
            "--password-file",
            pw.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out} {err}");
    assert!(out.contains("created user `alice`"), "{out}");
    let (ok, list, _) = cli(state.path(), &["user", "list"]);
    assert!(
        ok && list.contains("alice\tcreate-projects") && list.contains("root\tadmin"),
        "{list}"
    );
    let (ok, tok, err) = cli(
        state.path(),
        &[
            "user",
            "token",
            "alice",
            "--expires-days",
            "2",
            "--label",
            "ci",
        ],
    );
    assert!(ok, "{err}");
    let alice_tok = srv.client().with_bearer(&tok);
    assert_eq!(alice_tok.get("/current-user").json()["username"], "alice");
    let (ok, tokens, _) = cli(state.path(), &["user", "tokens", "alice"]);
    assert!(ok && tokens.contains("\tci"), "{tokens}");
    let id = tokens.split('\t').next().unwrap().to_string();
    let (ok, out, _) = cli(state.path(), &["user", "revoke", "alice", &id]);
    assert!(ok, "{out}");
    assert_eq!(alice_tok.get("/current-user").status, 401, "revoked");
    let (ok, _, err) = cli(state.path(), &["user", "revoke", "alice", &id]);
    assert!(!ok && err.contains("has no token"), "{err}");

    // Tokens from the account page; an admin's reset ends alice's session and tokens.
    let alice = srv.client().login_with_csrf("alice", "alicepw");
    let r = alice.post_json(
        "/user/alice/tokens",
        &json!({"label": "web", "expires_days": "30"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let web_tok = r.json()["token"].as_str().unwrap().to_string();
    let acct = alice.get("/user/alice").json();
    assert_eq!(acct["tokens"][0]["label"], "web");
    assert!(acct["tokens"][0]["expires"].as_i64().unwrap() > hydrant::db::now());
    assert_eq!(alice.get("/user/root").status, 403, "not her account");
    assert_eq!(alice.get("/admin/users").status, 403);
    let r = root.post_json("/admin/users/alice/password", &json!({"password": "newpw"}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(alice.get("/current-user").status, 403, "session ended");
    assert_eq!(
        srv.client()
            .with_bearer(&web_tok)
            .get("/current-user")
            .status,
        401
    );
    let alice = srv.client().login_with_csrf("alice", "newpw");
    // Only admins set a project's owner.
    let mut p = project_body("A");
    p["owner"] = json!("root");
    assert_eq!(alice.put_json("/project/mine", &p).status, 403);
    assert_eq!(
        alice.put_json("/project/mine", &project_body("A")).status,
        201
    );
    assert_eq!(alice.get("/project/mine").json()["owner"], "alice");
    assert_eq!(root.put_json("/project/mine", &p).status, 200);
    assert_eq!(root.get("/project/mine").json()["owner"], "root");
    // Admins edit roles and delete users; a deleted user's session ends.
    let r = root.post_json(
        "/admin/users/alice/roles",
        &json!({"roles": ["eval-jobset"]}),
    );
    assert_eq!(r.json()["userroles"], json!(["eval-jobset"]), "{}", r.body);
    let users = root.get("/admin/users").json();
    assert_eq!(users.as_array().unwrap().len(), 2);
    let (ok, out, _) = cli(state.path(), &["user", "delete", "alice"]);
    assert!(ok, "{out}");
    assert_eq!(alice.get("/current-user").status, 403);
    // The socket is the server user's only.
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(state.path().join("control.sock"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn logins_are_throttled_and_logout_checks_origin() {
    let (state, _) = admin_state("throttle");
    add_user(state.path(), "bob", &["create-projects"], "bobpw");
    let srv = Server::start(state.path());
    let c = srv.client().anonymous();
    let login = |u: &str, p: &str| {
        c.post_json("/login", &json!({"username": u, "password": p}))
            .status
    };
    for _ in 0..3 {
        assert_eq!(login("bob", "wrong"), 403);
    }
    // The fourth try waits, even with the right password (1 s, then doubling).
    assert_eq!(login("bob", "bobpw"), 429);
    assert_eq!(login("nosuchuser", "x"), 429, "same address");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        login("bob", "bobpw"),
        200,
        "the real user gets in after the delay"
    );
    // A success clears the count.
    assert_eq!(login("bob", "wrong"), 403);
    assert_eq!(login("bob", "bobpw"), 200);

    // Guesses from elsewhere hold bob back everywhere but where he logged in before.
    let port = srv.port;
    let login_from = |from: [u8; 4], p: &str| {
        use std::io::Write;
        let mut s = connect_from(std::net::Ipv4Addr::from(from), port).unwrap();
        let body = json!({"username": "bob", "password": p}).to_string();
        write!(
            s,
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        read_raw_response(&mut s).unwrap().0
    };
    // Free tries, then 1 s, 2 s, 4 s … apart: after 5 more failures the user's count holds for 4 s
    // or more, far longer than the four checks below take.
    let (mut fails, t) = (0, std::time::Instant::now());
    while fails < 5 {
        match login_from([127, 0, 0, 9], "guess") {
            403 => fails += 1,
            429 => std::thread::sleep(std::time::Duration::from_millis(200)),
            other => panic!("{other}"),
        }
        assert!(t.elapsed() < std::time::Duration::from_secs(60));
    }
    assert_eq!(
        login_from([127, 0, 0, 9], "bobpw"),
        429,
        "the guesser waits"
    );
    assert_eq!(
        login_from([127, 0, 0, 10], "bobpw"),
        429,
        "a new address waits"
    );
    assert_eq!(login("bob", "bobpw"), 200, "where bob logged in before");
    assert_eq!(
        login_from([127, 0, 0, 10], "bobpw"),
        429,
        "bob's login did not clear the user's count"
    );

    // Logout needs the page's Origin like every other write.
    let bob = srv.client().login_with_csrf("bob", "bobpw");
    let no_origin = Client {
        origin: false,
        ..bob.clone()
    };
    let r = no_origin.post_json("/logout", &json!({}));
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(bob.get("/current-user").status, 200, "still logged in");
    assert_eq!(bob.post_json("/logout", &json!({})).status, 204);
    assert_eq!(bob.get("/current-user").status, 403);
}
