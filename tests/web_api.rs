//! The JSON API against the real binary: CRUD, clone, enabled states, inputs, auth, CSRF,
//! bearer tokens and bad input.
mod common;
mod web_support;

use serde_json::json;
use web_support::*;

#[test]
fn project_and_jobset_crud() {
    let (state, tok) = admin_state("crud");
    let srv = Server::start(state.path());
    let c = srv.client().with_bearer(&tok);

    let r = c.put_json("/project/p1", &project_body("Project One"));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.headers["location"], format!("{}/project/p1", c.base));
    let r = c.put_json("/project/p1", &project_body("Renamed display"));
    assert_eq!(r.status, 200, "{}", r.body);
    let p = c.anonymous().get("/project/p1").json();
    assert_eq!(p["displayname"], "Renamed display");
    assert_eq!(p["owner"], "admin");
    assert_eq!(p["enabled"], true);

    // Hydra form values for booleans.
    let mut b = project_body("P");
    b["visible"] = json!("0");
    b["enabled"] = json!("on");
    assert_eq!(c.put_json("/project/p1", &b).status, 200);
    let p = c.get("/project/p1").json();
    assert_eq!(
        (p["visible"].clone(), p["enabled"].clone()),
        (json!(false), json!(true))
    );

    let r = c.put_json("/jobset/p1/j1", &jobset_body("/tmp/src"));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.headers["location"], format!("{}/jobset/p1/j1", c.base));
    let js = c.get("/jobset/p1/j1").json();
    assert_eq!(js["nixexprinput"], "src");
    assert_eq!(js["inputs"]["src"]["value"], "/tmp/src");
    assert_eq!(js["inputs"]["officialRelease"]["value"], "false");
    assert_eq!(js["schedulingshares"], 100);

    // enabled states 0-3 round-trip, as numbers and as strings.
    for (v, want) in [(json!(0), 0), (json!(2), 2), (json!("3"), 3), (json!(1), 1)] {
        let mut b = jobset_body("/tmp/src");
        b["enabled"] = v;
        assert_eq!(c.put_json("/jobset/p1/j1", &b).status, 200);
        assert_eq!(c.get("/jobset/p1/j1").json()["enabled"], want);
    }

    // Inputs are replaced as a whole.
    let mut b = jobset_body("/tmp/other");
    b["inputs"] = json!({"src": {"type": "path", "value": "/tmp/other"}, "n": {"type": "nix", "value": "1 + 1"}});
    assert_eq!(c.put_json("/jobset/p1/j1", &b).status, 200);
    let inputs = c.get("/jobset/p1/j1").json()["inputs"].clone();
    let mut names: Vec<_> = inputs.as_object().unwrap().keys().cloned().collect();
    names.sort();
    assert_eq!(names, vec!["n", "src"]);

    // Listing.
    let list = c.get("/api/jobsets?project=p1").json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "j1");
    let all = c.get("/").json();
    assert_eq!(all[0]["name"], "p1");
    assert_eq!(all[0]["jobsets"], json!(["j1"]));

    // Clone through PUT /jobset/P/.new: the body names the new jobset; the original stays.
    let mut b = c.get("/jobset/p1/j1").json();
    b["name"] = json!("j2");
    b["description"] = json!("the clone");
    let r = c.put_json("/jobset/p1/.new", &b);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.headers["location"], format!("{}/jobset/p1/j2", c.base));
    let j2 = c.get("/jobset/p1/j2").json();
    assert_eq!(j2["inputs"], inputs);
    assert_eq!(j2["description"], "the clone");
    assert_eq!(c.get("/jobset/p1/j1").json()["description"], "js");
    let r = c.put_json("/jobset/p1/.new", &b);
    assert_eq!(r.status, 409, "{}", r.body);
    // .new without a name is a missing field.
    let r = c.put_json("/jobset/p1/.new", &jobset_body("/x"));
    assert_eq!(r.status, 400);
    assert!(r.error().contains("name"), "{}", r.body);

    // Project .new too.
    let mut b = project_body("Two");
    b["name"] = json!("p2");
    assert_eq!(c.put_json("/project/.new", &b).status, 201);

    // Delete.
    assert_eq!(c.delete("/jobset/p1/j2").status, 200);
    assert_eq!(c.get("/jobset/p1/j2").status, 404);
    assert_eq!(c.delete("/project/p1").status, 200);
    assert_eq!(c.get("/project/p1").status, 404);
    assert_eq!(c.get("/jobset/p1/j1").status, 404);
    assert_eq!(c.get("/project/p1").error(), "project `p1` does not exist");
}

#[test]
fn roles_ownership_and_tokens() {
    let (state, admin_tok) = admin_state("roles");
    add_user(state.path(), "creator", &["create-projects"], "pw1");
    add_user(state.path(), "other", &["restart-jobs"], "pw2");
    add_user(state.path(), "evaler", &["eval-jobset"], "pw3");
    let creator_tok = token(state.path(), "creator");
    let other_tok = token(state.path(), "other");
    let evaler_tok = token(state.path(), "evaler");
    let srv = Server::start(state.path());
    let c = srv.client();

    // Anonymous: reads fine, writes 403 (Hydra's answer; 401 is for a wrong credential).
    assert_eq!(c.get("/").status, 200);
    let r = c.put_json("/project/x", &project_body("X"));
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(c.get("/current-user").status, 403);

    // Lacking the role: 403.
    let r = c
        .with_bearer(&other_tok)
        .put_json("/project/x", &project_body("X"));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("create-projects"), "{}", r.body);

    // The creator owns their project and may edit it and add jobsets; others may not.
    let cr = c.with_bearer(&creator_tok);
    assert_eq!(
        cr.put_json("/project/mine", &project_body("Mine")).status,
        201
    );
    assert_eq!(cr.get("/project/mine").json()["owner"], "creator");
    // Path inputs are for admins (no allowed_path_inputs here); a remote repository is not.
    let r = cr.put_json("/jobset/mine/j", &jobset_body("/s"));
    assert_eq!(r.status, 403, "{}", r.body);
    let mut remote = jobset_body("/s");
    remote["inputs"]["src"] = json!({"type": "git", "value": "https://example.invalid/r.git"});
    assert_eq!(cr.put_json("/jobset/mine/j", &remote).status, 201);
    let ot = c.with_bearer(&other_tok);
    assert_eq!(
        ot.put_json("/jobset/mine/j", &jobset_body("/s")).status,
        403
    );
    assert_eq!(ot.delete("/project/mine").status, 403);
    assert_eq!(
        ot.put_json("/project/mine", &project_body("Hijack")).status,
        403
    );
    assert_eq!(c.get("/project/mine").json()["displayname"], "Mine");

    // Push API: eval-jobset role, owner, admin; not others.
    let r = ot.request(minreq::Method::Post, "/api/push?jobsets=mine:j", None, &[]);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(c.get("/jobset/mine/j").json()["triggertime"].is_null());
    let r = c.with_bearer(&evaler_tok).request(
        minreq::Method::Post,
        "/api/push?jobsets=mine:j&force=1",
        None,
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["jobsetsTriggered"], json!(["mine:j"]));
    // The eval thread may already have taken the trigger: then the jobset shows it was checked.
    let js = c.get("/jobset/mine/j").json();
    assert!(
        js["triggertime"].is_i64()
            || js["lastcheckedtime"].is_i64()
            || js["errortime"].is_i64()
            || js["fetcherrormsg"].as_str().is_some_and(|m| !m.is_empty()),
        "push left no trace: {js}"
    );
    let r = cr.request(
        minreq::Method::Post,
        "/api/push?jobsets=mine:nope",
        None,
        &[],
    );
    assert_eq!(r.status, 404);

    // Tokens: bad token 401, good token identifies the user.
    let r = c.with_bearer("deadbeef").get("/current-user");
    assert_eq!(r.status, 401);
    let me = c.with_bearer(&evaler_tok).get("/current-user").json();
    assert_eq!(me["username"], "evaler");
    assert_eq!(me["userroles"], json!(["eval-jobset"]));

    // Admin may do anything, including deleting another's project.
    assert_eq!(
        c.with_bearer(&admin_tok).delete("/project/mine").status,
        200
    );
}

#[test]
fn sessions_and_csrf() {
    let (state, tok) = admin_state("csrf");
    let srv = Server::start(state.path());
    let anon = srv.client();

    // Wrong password, then login, whoami, logout.
    let r = anon.post_json("/login", &json!({"username": "admin", "password": "nope"}));
    assert_eq!(r.status, 403);
    let r = anon.post_json(
        "/login",
        &json!({"username": "admin", "password": "adminpw"}),
    );
    let cookie = r.headers["set-cookie"].clone();
    // The answer carries the session's CSRF token for scripts that keep the cookie.
    let answer_csrf = r.json()["csrf"].as_str().unwrap_or("").to_string();
    assert_eq!(answer_csrf.len(), 64, "{}", r.body);
    assert_eq!(r.headers["x-csrf-token"], answer_csrf);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
    // Over https (as a TLS proxy reports it) the cookie is Secure.
    let r = anon.request(
        minreq::Method::Post,
        "/login",
        Some((
            "application/json",
            br#"{"username":"admin","password":"adminpw"}"#.to_vec(),
        )),
        &[("X-Forwarded-Proto", "https")],
    );
    assert!(r.headers["set-cookie"].contains("Secure"));

    let s = anon.login("admin", "adminpw");
    let me = s.get("/current-user").json();
    assert_eq!(me["username"], "admin");
    let csrf = me["csrf"].as_str().unwrap().to_string();
    let csrf_hdr = [("X-CSRF-Token", csrf.as_str())];

    // A same-origin JSON write with the cookie alone is refused: it needs the token too.
    let r = s.put_json("/project/a", &project_body("A"));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("X-CSRF-Token"), "{}", r.body);
    let r = s.request(
        minreq::Method::Put,
        "/project/a",
        Some((
            "application/json",
            project_body("A").to_string().into_bytes(),
        )),
        &[("X-CSRF-Token", "0000")],
    );
    assert_eq!(r.status, 403, "a stale token: {}", r.body);
    // A body that is not JSON by its type (a text/plain form can send one) is no way around.
    let r = s.request(
        minreq::Method::Put,
        "/project/a",
        Some(("text/plain", project_body("A").to_string().into_bytes())),
        &[],
    );
    assert_eq!(r.status, 403, "{}", r.body);

    // No Origin/Referer: a POST is refused; a PUT (or DELETE) is a script with the cookie,
    // not a page (browsers send Origin on those), and is allowed as Hydra's tests need.
    let no_origin = Client {
        origin: false,
        ..s.clone()
    };
    let r = no_origin.post_json("/project/a", &project_body("A"));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("Origin"), "{}", r.body);
    let r = no_origin.put_json("/project/script", &project_body("S"));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(no_origin.delete("/project/script").status, 200);
    // Mismatched Origin: refused.
    let r = no_origin.request(
        minreq::Method::Put,
        "/project/a",
        Some((
            "application/json",
            project_body("A").to_string().into_bytes(),
        )),
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = no_origin.request(
        minreq::Method::Put,
        "/project/a",
        Some((
            "application/json",
            project_body("A").to_string().into_bytes(),
        )),
        &[
            (
                "Referer",
                &format!("http://{}/project/a/edit", srv.client().host),
            ),
            csrf_hdr[0],
        ],
    );
    assert_eq!(
        r.status, 201,
        "a matching Referer and the token: {}",
        r.body
    );
    assert_eq!(s.get("/project/a").status, 200);

    // Forms of a session need its CSRF token.
    let form = [
        ("displayname", "Form"),
        ("enabled", "on"),
        ("visible", "on"),
    ];
    let r = s.html().post_form("/project/a", &form);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("CSRF"), "{}", r.body);
    let token = s.csrf();
    let mut with_tok = form.to_vec();
    with_tok.push(("csrf", &token));
    let r = s.html().post_form("/project/a", &with_tok);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.headers["location"], "/project/a");
    assert_eq!(s.get("/project/a").json()["displayname"], "Form");

    // Bearer tokens need neither Origin nor a form token.
    let b = Client {
        origin: false,
        ..anon.with_bearer(&tok)
    };
    assert_eq!(b.put_json("/project/b", &project_body("B")).status, 201);
    assert_eq!(b.html().post_form("/project/b", &form).status, 303);

    // Logout ends the session.
    let r = s.request(minreq::Method::Post, "/logout", None, &[]);
    assert_eq!(r.status, 403, "logging out is a write too: {}", r.body);
    let r = s.request(minreq::Method::Post, "/logout", None, &csrf_hdr);
    assert_eq!(r.status, 204);
    assert_eq!(s.get("/current-user").status, 403);
    assert_eq!(s.put_json("/project/c", &project_body("C")).status, 403);
}

#[test]
fn bad_input_is_a_clear_4xx_and_changes_nothing() {
    let state = common::TempDir::new("badinput");
    add_user(state.path(), "admin", &["admin"], "adminpw");
    let tok = token(state.path(), "admin");
    let cfg = state.path().join("hydrant.conf");
    std::fs::write(&cfg, "max_body_bytes = 4096\n").unwrap();
    let srv = Server::start_with(state.path(), &["--config", cfg.to_str().unwrap()], None);
    let c = srv.client().with_bearer(&tok);
    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    assert_eq!(c.put_json("/jobset/p/j", &jobset_body("/orig")).status, 201);
    let before = c.get("/jobset/p/j").json();

    let check = |r: Resp, want: i32, needle: &str| {
        assert_eq!(r.status, want, "{}", r.body);
        let e = r.error();
        assert!(e.contains(needle), "error `{e}` lacks `{needle}`");
    };
    check(
        c.put_json("/project/9bad", &project_body("X")),
        400,
        "invalid project name",
    );
    check(
        c.put_json("/jobset/p/a%20b", &jobset_body("/x")),
        400,
        "invalid jobset name",
    );
    let mut b = jobset_body("/x");
    b["inputs"]["bad name"] = json!({"type": "string", "value": "v"});
    check(c.put_json("/jobset/p/j", &b), 400, "invalid input name");
    for shares in [json!(0), json!(-5), json!("0")] {
        let mut b = jobset_body("/x");
        b["schedulingshares"] = shares;
        check(c.put_json("/jobset/p/j", &b), 400, "schedulingshares");
    }
    let mut b = jobset_body("/x");
    b["inputs"]["src"]["type"] = json!("svn");
    check(c.put_json("/jobset/p/j", &b), 400, "unknown type `svn`");
    let mut b = jobset_body("/x");
    b["enabled"] = json!(7);
    check(c.put_json("/jobset/p/j", &b), 400, "enabled");
    let r = c.request(
        minreq::Method::Put,
        "/jobset/p/j",
        Some(("application/json", b"{\"nixexprinput\": ".to_vec())),
        &[],
    );
    check(r, 400, "malformed JSON");
    let mut b = jobset_body("/x");
    b.as_object_mut().unwrap().remove("nixexprpath");
    check(
        c.put_json("/jobset/p/j", &b),
        400,
        "missing field `nixexprpath`",
    );
    let mut b = project_body("");
    b.as_object_mut().unwrap().remove("displayname");
    check(
        c.put_json("/project/p", &b),
        400,
        "missing field `displayname`",
    );
    let mut b = jobset_body("/x");
    b["description"] = json!("x".repeat(5000));
    check(c.put_json("/jobset/p/j", &b), 413, "larger than the limit");
    check(c.get("/eval/abc"), 400, "not a valid evaluation number");
    check(c.get("/nowhere"), 404, "no page");
    check(
        c.request(minreq::Method::Patch, "/project/p", None, &[]),
        405,
        "not allowed",
    );

    // Nothing was half-written.
    assert_eq!(c.get("/jobset/p/j").json(), before);
    assert_eq!(c.get("/project/p").json()["displayname"], "P");
    assert_eq!(c.get("/project/9bad").status, 404);

    // Browsers get an HTML error page.
    let r = c.html().get("/project/nope");
    assert_eq!(r.status, 404);
    assert!(r.headers["content-type"].starts_with("text/html"));
    assert_eq!(
        texts(&r.body, "#error-message"),
        vec!["project `nope` does not exist"]
    );
}

#[test]
fn restart_keeps_data_and_cli_reports_the_lock() {
    let state = common::TempDir::new("restart");
    // First start without users prints how to make the first admin.
    let mut srv = Server::start(state.path());
    let log = srv.log();
    assert!(log.contains("hydrant user add admin --role admin"), "{log}");
    // While serve holds the db, the user command goes through its control socket...
    let pwf = state.path().join("pw");
    std::fs::write(&pwf, "pw\n").unwrap();
    let s = state.path().display().to_string();
    let add = [
        "user",
        "add",
        "admin",
        "--role",
        "admin",
        "--password-file",
        pwf.to_str().unwrap(),
        "--state-dir",
        &s,
    ];
    let out = hydrant(&add);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user `admin`"));
    // ...and without one (it was removed) it reports the lock in one line.
    std::fs::remove_file(state.path().join("control.sock")).unwrap();
    let out = hydrant(&add);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("hydrant: the database"), "{err}");
    assert!(err.contains("is `hydrant serve` running?"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(srv.stop(), "serve exits cleanly on SIGTERM");

    add_user(state.path(), "admin", &["admin"], "pw");
    let tok = token(state.path(), "admin");
    let mut srv = Server::start(state.path());
    let c = srv.client().with_bearer(&tok);
    assert_eq!(
        c.put_json("/project/keep", &project_body("Keep")).status,
        201
    );
    assert_eq!(
        c.put_json("/jobset/keep/js", &jobset_body("/k")).status,
        201
    );
    let before = c.get("/jobset/keep/js").json();
    let sess = srv.client().login("admin", "pw");
    assert!(srv.stop());

    let srv = Server::start(state.path());
    assert!(!srv.log().contains("hydrant user add"));
    let c = srv.client().with_bearer(&tok);
    assert_eq!(c.get("/jobset/keep/js").json(), before);
    assert_eq!(c.get("/project/keep").json()["displayname"], "Keep");
    // Sessions survive a restart too.
    let sess = Client {
        base: c.base.clone(),
        host: c.host.clone(),
        ..sess
    };
    assert_eq!(sess.get("/current-user").json()["username"], "admin");
}

#[test]
fn cli_errors_are_one_line() {
    let state = common::TempDir::new("cli");
    let s = state.path().display().to_string();
    let out = hydrant(&["user", "token", "ghost", "--state-dir", &s]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "hydrant: no user named `ghost`\n"
    );
    let out = hydrant(&[
        "user",
        "add",
        "bob",
        "--role",
        "wizard",
        "--password-file",
        "/dev/null",
        "--state-dir",
        &s,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role `wizard`"));
    let out = hydrant(&[
        "serve",
        "--config",
        "/nonexistent/hydrant.conf",
        "--state-dir",
        &s,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("hydrant: /nonexistent/hydrant.conf:0: cannot read config"));
    let out = hydrant(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("serve") && help.contains("user"), "{help}");
    let out = hydrant(&["user", "add", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--password-file"));
}
