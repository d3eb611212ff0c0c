//! The queue runner's web side against the real binary: a jobset of trivial jobs is evaluated
//! and built by `hydrant serve`; build page, log, JSON shapes, job/latest redirects, queue API,
//! role-checked actions, and crash safety (kill -9 and SIGTERM mid-build, then a restart).
mod common;
mod web_support;

use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};
use web_support::*;

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

/// `hydrant serve` with Nix set up for root without a daemon.
fn serve(state: &Path) -> Server {
    Server::start(state)
}

/// A release.nix with the given jobs (name → shell script), each made unique by `nonce`.
fn write_release(dir: &Path, nonce: &str, jobs: &[(&str, &str)]) {
    let mut s = String::from(
        "{ src ? ./., officialRelease ? false }:\nlet mk = name: script: derivation {\n  \
         inherit name; builder = \"/bin/sh\"; args = [ \"-c\" script ];\n  \
         PATH = \"/usr/bin:/bin\"; system = builtins.currentSystem;\n",
    );
    s.push_str(&format!("  nonce = \"{nonce}\";\n}};\nin {{\n"));
    for (name, script) in jobs {
        s.push_str(&format!("  {name} = mk \"{name}\" ''{script}'';\n"));
    }
    s.push_str("}\n");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("release.nix"), s).unwrap();
}

/// Creates project p / jobset j over `src`, triggers it and returns job name → build id.
fn evaluate(c: &Client, src: &Path) -> (u64, std::collections::BTreeMap<String, u64>) {
    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    let mut js = jobset_body(src.to_str().unwrap());
    js["checkinterval"] = json!(0);
    let r = c.put_json("/jobset/p/j", &js);
    assert_eq!(r.status, 201, "{}", r.body);
    let r = c.post_json("/api/push?jobsets=p:j", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let start = Instant::now();
    let eval = loop {
        let evals = c.get("/jobset/p/j/evals").json();
        if let Some(e) = evals["evals"].as_array().and_then(|a| a.first()) {
            break e["id"].as_u64().unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no evaluation");
        std::thread::sleep(Duration::from_millis(100));
    };
    let builds = c.get(&format!("/eval/{eval}/builds")).json();
    let ids = builds
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["job"].as_str().unwrap().to_string(),
                b["id"].as_u64().unwrap(),
            )
        })
        .collect();
    (eval, ids)
}

fn build(c: &Client, id: u64) -> Value {
    let r = c.get(&format!("/build/{id}"));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[track_caller]
fn wait_build(
    c: &Client,
    id: u64,
    within: Duration,
    what: &str,
    f: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let b = build(c, id);
        if f(&b) {
            return b;
        }
        assert!(
            start.elapsed() < within,
            "build {id}: {what} not reached: {b}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[track_caller]
fn finished(c: &Client, id: u64) -> Value {
    wait_build(c, id, Duration::from_secs(60), "finished", |b| {
        b["finished"] == 1
    })
}

#[track_caller]
fn running(c: &Client, id: u64) -> Value {
    wait_build(c, id, Duration::from_secs(60), "running", |b| {
        b["finished"] == 0 && b["starttime"].is_number()
    })
}

#[test]
fn builds_pages_json_logs_and_actions() {
    let (state, tok) = admin_state("qweb");
    add_user(state.path(), "nobody", &["eval-jobset"], "pw1");
    add_user(
        state.path(),
        "operator",
        &["cancel-build", "restart-jobs"],
        "pw2",
    );
    let nobody_tok = token(state.path(), "nobody");
    let n = nonce();
    let src = state.path().join("src");
    write_release(
        &src,
        &n,
        &[
            ("hello", &format!("echo marker-{n}; echo hi > $out")),
            ("other", "mkdir $out; echo x > $out/f"),
            ("fail", "echo failing; exit 1"),
            ("slow", "sleep 60; echo > $out"),
        ],
    );
    let srv = serve(state.path());
    let admin = srv.client().with_bearer(&tok);
    let anon = srv.client().anonymous();
    let (eval, ids) = evaluate(&admin, &src);
    let (hello, other, fail, slow) = (ids["hello"], ids["other"], ids["fail"], ids["slow"]);

    let h = finished(&admin, hello);
    finished(&admin, other);
    let f = finished(&admin, fail);
    running(&admin, slow);

    // JSON in Hydra's shape.
    for k in [
        "id",
        "job",
        "jobset",
        "project",
        "nixname",
        "system",
        "drvpath",
        "buildstatus",
        "finished",
        "starttime",
        "stoptime",
        "timestamp",
        "priority",
        "buildoutputs",
        "jobsetevals",
        "size",
        "closuresize",
        "buildproducts",
        "buildmetrics",
    ] {
        assert!(h.get(k).is_some(), "missing `{k}` in {h}");
    }
    assert_eq!(h["buildstatus"], 0);
    assert_eq!(h["job"], "hello");
    assert_eq!(
        (h["project"].clone(), h["jobset"].clone()),
        (json!("p"), json!("j"))
    );
    assert_eq!(h["jobsetevals"], json!([eval]));
    let out = h["buildoutputs"]["out"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        out.starts_with("/nix/store/") && out.ends_with("-hello"),
        "{out}"
    );
    assert!(h["drvpath"].as_str().unwrap().ends_with("-hello.drv"));
    assert!(h["stoptime"].as_i64() >= h["starttime"].as_i64());
    assert_eq!(f["buildstatus"], 1);
    // Sizes are recorded just after the finish.
    let h = wait_build(&admin, hello, Duration::from_secs(20), "sizes", |b| {
        b["size"].is_number()
    });
    assert!(h["closuresize"].as_u64().unwrap() >= h["size"].as_u64().unwrap());
    let nix_size: u64 = common::nix_run("nix-store", &["-q", "--size", &out])
        .trim()
        .parse()
        .unwrap();
    assert_eq!(
        h["size"].as_u64(),
        Some(nix_size),
        "size is the NAR size Nix reports"
    );

    // The build page: status, output, log.
    let page = anon.html().get(&format!("/build/{hello}"));
    assert_eq!(page.status, 200);
    assert_eq!(texts(&page.body, "#build-status"), vec!["Succeeded"]);
    assert!(texts(&page.body, "#build-outputs").concat().contains(&out));
    assert!(texts(&page.body, "#log")
        .concat()
        .contains(&format!("marker-{n}")));
    assert!(
        select(&page.body, "#build-actions").is_empty(),
        "anonymous sees no actions"
    );
    assert!(
        !page.body.contains("http-equiv=\"refresh\""),
        "finished: no reload"
    );
    let slow_page = anon.html().get(&format!("/build/{slow}")).body;
    assert!(
        slow_page.contains("http-equiv=\"refresh\""),
        "running: live reload"
    );
    assert_eq!(texts(&slow_page, "#build-status"), vec!["Running"]);

    // Logs, raw and tail, as text.
    let raw = anon.get(&format!("/build/{hello}/log/raw"));
    assert_eq!(raw.status, 200);
    assert!(raw.headers["content-type"].starts_with("text/plain"));
    assert!(raw.body.contains(&format!("marker-{n}")), "{}", raw.body);
    let tail = anon.get(&format!("/build/{hello}/log/tail"));
    assert!(tail.body.contains(&format!("marker-{n}")));
    assert!(anon
        .get(&format!("/build/{fail}/log/raw"))
        .body
        .contains("failing"));
    assert_eq!(anon.get("/build/999999/log/raw").status, 404);

    // Reproduce script.
    let rep = anon.get(&format!("/build/{hello}/reproduce"));
    assert!(rep.headers["content-type"].starts_with("text/plain"));
    assert!(rep.body.contains(h["drvpath"].as_str().unwrap()));
    assert!(rep.body.contains("nix-store --realise"));

    // Job pages and the latest redirect.
    let r = anon.get("/job/p/j/hello/latest");
    assert_eq!(r.status, 302);
    assert_eq!(
        r.headers["location"],
        format!("{}/build/{hello}", anon.base)
    );
    assert_eq!(anon.get("/job/p/j/fail/latest").status, 404);
    assert_eq!(anon.get("/job/p/j/nope/latest").status, 404);
    let jp = anon.html().get("/job/p/j/hello").body;
    assert!(attrs(&jp, "#job-builds a", "href").contains(&format!("/build/{hello}")));

    // latestbuilds filters: finished builds only, newest first.
    let all = anon
        .get("/api/latestbuilds?nr=10&project=p&jobset=j")
        .json();
    let got: Vec<u64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_u64().unwrap())
        .collect();
    let mut want = vec![hello, other, fail];
    want.sort_by(|a, b| b.cmp(a));
    assert_eq!(got, want);
    let one = anon
        .get("/api/latestbuilds?nr=10&project=p&job=hello")
        .json();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["id"], hello);
    // A fully named job is answered from the per-job index.
    let exact = anon
        .get("/api/latestbuilds?nr=10&project=p&jobset=j&job=hello")
        .json();
    assert_eq!(exact.as_array().unwrap().len(), 1);
    assert_eq!(exact[0]["id"], hello);
    let unfinished = anon
        .get("/api/latestbuilds?nr=10&project=p&jobset=j&job=slow")
        .json();
    assert!(unfinished.as_array().unwrap().is_empty(), "{unfinished}");
    let sys = h["system"].as_str().unwrap();
    assert_eq!(
        anon.get(&format!("/api/latestbuilds?nr=1&system={sys}"))
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        anon.get("/api/latestbuilds?nr=5&system=mips-plan9").json(),
        json!([])
    );
    assert_eq!(
        anon.get("/api/latestbuilds?nr=10&project=other").json(),
        json!([])
    );
    assert_eq!(anon.get("/api/latestbuilds").status, 400);
    assert_eq!(anon.get("/api/latestbuilds?nr=x").status, 400);

    // Queue API and page: the slow build is running.
    assert_eq!(anon.get("/api/nrqueue").body.trim(), "1");
    let q = anon.get("/api/queue?nr=10").json();
    assert_eq!(q.as_array().unwrap().len(), 1);
    assert_eq!(q[0]["id"], slow);
    assert_eq!(q[0]["job"], "slow");
    let qp = anon.html().get("/queue").body;
    assert!(attrs(&qp, "#running a", "href").contains(&format!("/build/{slow}")));
    assert!(
        texts(&qp, "#machines td.slots").concat().contains("1 / "),
        "{qp}"
    );
    assert!(attrs(&qp, "#nav-queue", "href").contains(&"/queue".to_string()));
    assert!(
        select(&qp, "#cancel-all").is_empty(),
        "only admins see Cancel all"
    );

    // Actions: anonymous 403 (not logged in), no role 403, the operator may cancel (form + CSRF) and restart.
    assert_eq!(
        anon.post_json(&format!("/build/{slow}/cancel"), &json!({}))
            .status,
        403
    );
    let nobody = srv.client().with_bearer(&nobody_tok);
    for a in ["cancel", "restart", "bump"] {
        let r = nobody.post_json(&format!("/build/{slow}/{a}"), &json!({}));
        assert_eq!(r.status, 403, "{a}: {}", r.body);
    }
    for a in ["cancel", "restart-failed", "bump"] {
        assert_eq!(
            nobody
                .post_json(&format!("/eval/{eval}/{a}"), &json!({}))
                .status,
            403
        );
    }
    assert_eq!(
        nobody.post_json("/queue/cancel-all", &json!({})).status,
        403
    );
    let op = srv.client().login("operator", "pw2");
    // A session's JSON writes carry its CSRF token in X-CSRF-Token.
    let op_csrf = op.get("/current-user").json()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let op_post = |path: &str| {
        op.request(
            minreq::Method::Post,
            path,
            Some(("application/json", b"{}".to_vec())),
            &[("X-CSRF-Token", &op_csrf)],
        )
    };
    let op_page = op.html().get(&format!("/build/{slow}")).body;
    assert_eq!(
        attrs(&op_page, "#build-actions form", "action"),
        vec![format!("/build/{slow}/cancel")]
    );
    assert_eq!(
        op_post(&format!("/build/{slow}/bump")).status,
        403,
        "no bump role"
    );
    let csrf = op.csrf();
    let r = op
        .html()
        .post_form(&format!("/build/{slow}/cancel"), &[("csrf", "stale")]);
    assert_eq!(r.status, 403, "a stale CSRF token is refused");
    let r = op
        .html()
        .post_form(&format!("/build/{slow}/cancel"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.headers["location"], format!("/build/{slow}"));
    let s = finished(&admin, slow);
    assert_eq!(s["buildstatus"], 4, "cancelled: {s}");
    assert!(s["stoptime"].as_i64().unwrap() - s["starttime"].as_i64().unwrap() < 30);
    assert_eq!(anon.get("/api/nrqueue").body.trim(), "0");
    assert_eq!(op_post(&format!("/build/{slow}/cancel")).status, 409);

    // Restart queues it again; it runs; an eval-wide cancel stops it.
    let r = op_post(&format!("/build/{slow}/restart"));
    assert_eq!(
        (r.status, r.json()["restarted"].clone()),
        (200, json!(true)),
        "{}",
        r.body
    );
    assert_eq!(build(&admin, slow)["finished"], 0);
    running(&admin, slow);
    assert_eq!(anon.get("/api/nrqueue").body.trim(), "1");
    let ep = anon.html().get(&format!("/eval/{eval}")).body;
    assert!(
        select(&ep, "#eval-actions").is_empty(),
        "anonymous sees no eval actions"
    );
    let admin_web = srv.client().login("admin", "adminpw");
    let ep = admin_web.html().get(&format!("/eval/{eval}")).body;
    assert_eq!(select(&ep, "#eval-actions form").len(), 3);
    let r = admin.post_json(&format!("/eval/{eval}/bump"), &json!({}));
    assert_eq!(r.json()["bumped"], 1);
    let r = admin.post_json(&format!("/eval/{eval}/cancel"), &json!({}));
    assert_eq!(r.json()["cancelled"], 1, "{}", r.body);
    assert_eq!(finished(&admin, slow)["buildstatus"], 4);
    // Restart failed: the failed and the cancelled build, not the successful ones.
    let r = op_post(&format!("/eval/{eval}/restart-failed"));
    assert_eq!(r.json()["restarted"], 2, "{}", r.body);
    assert_eq!(build(&admin, hello)["finished"], 1);
    // Admin-only Cancel all on the queue page.
    let qp = admin_web.html().get("/queue").body;
    assert_eq!(select(&qp, "#cancel-all").len(), 1);
    let r = admin.post_json("/queue/cancel-all", &json!({}));
    assert!(r.json()["cancelled"].as_u64().unwrap() <= 2, "{}", r.body);
    assert_eq!(finished(&admin, slow)["buildstatus"], 4);
    finished(&admin, fail);
    assert_eq!(anon.get("/api/nrqueue").body.trim(), "0");
    assert_eq!(anon.get("/api/queue?nr=10").json(), json!([]));
}

/// A jobset source whose one job sleeps 3 s.
fn write_sleepy(state: &Path) {
    let n = nonce();
    write_release(
        &state.join("src"),
        &n,
        &[(
            "sleepy",
            &format!("echo start-{n}; sleep 3; echo done > $out"),
        )],
    );
}

fn crash_case(tag: &str, kill9: bool) {
    let (state, tok) = admin_state(tag);
    write_sleepy(state.path());
    let mut srv = serve(state.path());
    let c = srv.client().with_bearer(&tok);
    let (_, ids) = evaluate(&c, &state.path().join("src"));
    let id = ids["sleepy"];
    running(&c, id);
    if kill9 {
        let mut child = srv.child.take().unwrap();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    } else {
        let t = Instant::now();
        assert!(srv.stop(), "serve exits cleanly on SIGTERM: {}", srv.log());
        assert!(t.elapsed() < Duration::from_secs(15));
        // Stopped and queued again: not finished, not marked running.
        let db = hydrant::db::Db::open(&state.path().join("hydrant.redb")).unwrap();
        let b = db.build(id).unwrap().unwrap();
        assert!(!b.finished && !b.busy && b.starttime.is_none(), "{b:?}");
        assert_eq!(db.queued_build_ids().unwrap(), vec![id]);
        drop(db);
    }
    let srv2 = serve(state.path());
    let c = srv2.client().with_bearer(&tok);
    let b = finished(&c, id);
    assert_eq!(b["buildstatus"], 0, "{b}\n{}", srv2.log());
    assert_eq!(c.get("/api/queue?nr=10").json(), json!([]));
    assert_eq!(c.get("/api/nrqueue").body.trim(), "0");
    let qp = c.html().get("/queue").body;
    assert!(select(&qp, "#running").is_empty(), "nothing stuck running");
    // Run again from the start: after kill -9 too, the first run died with hydrant (its
    // supervisor stops the builder), so it cannot have finished the output on its own.
    let log = c.get(&format!("/build/{id}/log/raw")).body;
    assert!(log.contains("start-"), "{log}");
}

#[test]
fn kill_9_mid_build_then_restart_completes() {
    crash_case("qweb-kill9", true);
}

#[test]
fn sigterm_mid_build_exits_cleanly_then_restart_completes() {
    crash_case("qweb-term", false);
}
