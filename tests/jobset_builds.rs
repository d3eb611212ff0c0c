//! Builds belong to their jobset, on the real binary with real Nix and s3s-fs: two projects
//! with the same release expression get their own builds (the derivation is built once, the
//! other build is cached from it), one owner's eval actions leave the other project alone, each
//! project's `<s3config>` bucket gets its closure, a clone has its own job history, deleting a
//! project stops and removes everything of it, and a kill -9 during a cascading delete leaves
//! all or nothing.
mod common;
mod web_support;

use common::{S3Server, TempDir};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use web_support::*;

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jobsets")
}

/// A jobset over fixtures/jobsets/release.nix with the given inputs.
fn jobset(nonce: &str, sleep: &str, elsewhere: bool) -> Value {
    let mut b = jobset_body(fixture().to_str().unwrap());
    b["inputs"]["nonce"] = json!({"type": "string", "value": nonce});
    b["inputs"]["sleep"] = json!({"type": "string", "value": sleep});
    let e = if elsewhere { "1" } else { "0" };
    b["inputs"]["elsewhere"] = json!({"type": "string", "value": e});
    b
}

/// Triggers `p:j` and returns (eval id, job name → build id) of its newest eval once it exists.
fn evaluate(c: &Client, srv: &Server, p: &str, j: &str, after: u64) -> (u64, Vec<(String, u64)>) {
    let r = c.post_json(&format!("/api/push?jobsets={p}:{j}&force=1"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let eval = wait_for("an evaluation", Duration::from_secs(60), srv, || {
        let evals = c.get(&format!("/jobset/{p}/{j}/evals")).json();
        evals["evals"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|e| e["id"].as_u64())
            .filter(|&id| id > after)
    });
    let builds = c.get(&format!("/eval/{eval}/builds")).json();
    let mut out: Vec<(String, u64)> = builds
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert_eq!(
                (b["project"].as_str(), b["jobset"].as_str()),
                (Some(p), Some(j))
            );
            (
                b["job"].as_str().unwrap().to_string(),
                b["id"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    (eval, out)
}

fn id_of(builds: &[(String, u64)], job: &str) -> u64 {
    builds.iter().find(|(n, _)| n == job).unwrap().1
}

fn build(c: &Client, id: u64) -> Value {
    c.get(&format!("/build/{id}")).json()
}

fn wait_finished(c: &Client, srv: &Server, id: u64) -> Value {
    wait_for(
        &format!("build {id} finishing"),
        Duration::from_secs(90),
        srv,
        || {
            let b = build(c, id);
            (b["finished"] == 1).then_some(b)
        },
    )
}

/// Every `.narinfo` in a bucket directory of s3s-fs.
fn narinfos(bucket: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(bucket)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".narinfo"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn hash_of(store_path: &str) -> String {
    Path::new(store_path).file_name().unwrap().to_string_lossy()[..32].to_string()
}

#[test]
fn two_projects_with_one_release_keep_their_own_builds() {
    let s3 = S3Server::start();
    let alpha_bucket = s3.create_bucket("alpha-cache");
    let beta_bucket = s3.create_bucket("beta-cache");
    let (state, admin) = admin_state("jobset-builds");
    add_user(state.path(), "alice", &["create-projects"], "alicepw");
    add_user(state.path(), "bob", &["create-projects"], "bobpw");
    let (alice_tok, bob_tok) = (token(state.path(), "alice"), token(state.path(), "bob"));
    // The owners are not admins: their path input must lie in allowed_path_inputs.
    let mut conf = format!("allowed_path_inputs = {}\n", fixture().display());
    for p in ["alpha", "beta"] {
        conf.push_str(&format!(
            "<s3config>\n  name = {p}-cache\n  jobs = {p}:.*:.*\n  endpoint = {}\n  \
             path_style = true\n  compression_type = none\n</s3config>\n",
            s3.endpoint()
        ));
    }
    let srv = Server::builder(state.path())
        .config(&conf)
        .env("AWS_ACCESS_KEY_ID", &s3.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &s3.secret_key)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .start();
    let alice = srv.client().with_bearer(&alice_tok);
    let bob = srv.client().with_bearer(&bob_tok);
    let anon = srv.client().anonymous();
    let n = nonce();
    for (c, p) in [(&alice, "alpha"), (&bob, "beta")] {
        assert_eq!(
            c.put_json(&format!("/project/{p}"), &project_body(p))
                .status,
            201
        );
        let r = c.put_json(&format!("/jobset/{p}/main"), &jobset(&n, "4", false));
        assert_eq!(r.status, 201, "{}", r.body);
    }

    // alpha builds first; its slow build runs while beta is evaluated.
    let (a_eval, a) = evaluate(&alice, &srv, "alpha", "main", 0);
    let (a_quick, a_slow) = (id_of(&a, "quick"), id_of(&a, "slow"));
    wait_for(
        "alpha's slow build starting",
        Duration::from_secs(60),
        &srv,
        || build(&anon, a_slow)["starttime"].as_i64(),
    );
    wait_finished(&anon, &srv, a_quick);
    let (b_eval, b) = evaluate(&bob, &srv, "beta", "main", a_eval);
    let (b_quick, b_slow) = (id_of(&b, "quick"), id_of(&b, "slow"));
    assert!(b_quick != a_quick && b_slow != a_slow, "{a:?} {b:?}");
    // The same derivation is built once: beta's quick build takes alpha's result.
    let bq = wait_finished(&anon, &srv, b_quick);
    assert_eq!(
        (bq["buildstatus"].as_i64(), bq["iscachedbuild"].as_i64()),
        (Some(0), Some(1))
    );
    assert_eq!(bq["cachedfrom"].as_u64(), Some(a_quick));
    assert_eq!(bq["drvpath"], build(&anon, a_quick)["drvpath"]);
    let page = anon.html().get(&format!("/build/{b_quick}")).body;
    assert_eq!(
        attrs(&page, "#build-cached-from a", "href"),
        [format!("/build/{a_quick}")]
    );

    // bob cancels his eval: only beta's builds; alpha's slow build runs on.
    assert_eq!(
        bob.post_json(&format!("/build/{a_slow}/cancel"), &json!({}))
            .status,
        403
    );
    assert_eq!(
        bob.post_json(&format!("/eval/{a_eval}/cancel"), &json!({}))
            .status,
        403
    );
    let r = bob.post_json(&format!("/eval/{b_eval}/cancel"), &json!({}));
    assert_eq!(
        (r.status, r.json()["cancelled"].as_u64()),
        (200, Some(1)),
        "{}",
        r.body
    );
    assert_eq!(build(&anon, b_slow)["buildstatus"], 4);
    let aslow = wait_finished(&anon, &srv, a_slow);
    assert_eq!(aslow["buildstatus"], 0, "{aslow}");
    assert_eq!(aslow["iscachedbuild"], 0);
    // Restarting beta's failed builds takes alpha's result, without building again.
    let r = bob.post_json(&format!("/eval/{b_eval}/restart-failed"), &json!({}));
    assert_eq!(r.json()["restarted"].as_u64(), Some(1), "{}", r.body);
    let bslow = wait_finished(&anon, &srv, b_slow);
    assert_eq!(
        (bslow["buildstatus"].as_i64(), bslow["cachedfrom"].as_u64()),
        (Some(0), Some(a_slow))
    );

    // Each bucket gets the closure of its own project's builds.
    let outs: Vec<String> = [a_quick, a_slow]
        .iter()
        .map(|&id| {
            hash_of(
                build(&anon, id)["buildoutputs"]["out"]["path"]
                    .as_str()
                    .unwrap(),
            )
        })
        .map(|h| format!("{h}.narinfo"))
        .collect();
    for bucket in [&alpha_bucket, &beta_bucket] {
        wait_for(
            "both closures in the bucket",
            Duration::from_secs(60),
            &srv,
            || {
                let have = narinfos(bucket);
                outs.iter().all(|o| have.contains(o)).then_some(())
            },
        );
    }
    let bs = wait_for("beta's cache state", Duration::from_secs(30), &srv, || {
        let page = anon.html().get(&format!("/build/{b_slow}")).body;
        texts(&page, "#build-cache li")
            .first()
            .filter(|t| t.starts_with("Cached"))
            .cloned()
    });
    assert_eq!(bs, "Cached in bucket beta-cache");

    // Job history and latest builds follow the build's own project.
    let hist = anon.get("/job/beta/main/slow").json();
    let ids: Vec<u64> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![b_slow]);
    let latest = anon.get("/api/latestbuilds?nr=10&project=beta").json();
    let mut ids: Vec<u64> = latest
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_u64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec![b_quick, b_slow]);
    let r = anon.get("/job/beta/main/slow/latest");
    assert_eq!(
        (r.status, r.headers["location"].clone()),
        (302, format!("{}/build/{b_slow}", anon.base))
    );

    // A clone has its own history and /latest.
    let mut clone = jobset(&n, "4", false);
    clone["name"] = json!("staging");
    let r = alice.put_json("/jobset/alpha/.new", &clone);
    assert_eq!(r.status, 201, "{}", r.body);
    let (_, s) = evaluate(&alice, &srv, "alpha", "staging", b_eval);
    let s_quick = id_of(&s, "quick");
    assert!(s_quick != a_quick);
    let sq = wait_finished(&anon, &srv, s_quick);
    assert_eq!(sq["jobset"], "staging");
    let r = anon.get("/job/alpha/staging/quick/latest");
    assert_eq!(
        (r.status, r.headers["location"].clone()),
        (302, format!("{}/build/{s_quick}", anon.base))
    );
    let hist = anon.get("/job/alpha/staging/quick").json();
    assert_eq!(hist.as_array().unwrap().len(), 1);
    let page = anon.html().get(&format!("/build/{s_quick}")).body;
    assert!(attrs(&page, ".crumbs a", "href").contains(&"/jobset/alpha/staging".to_string()));
    wait_finished(&anon, &srv, id_of(&s, "slow"));
    let r = anon
        .get("/api/latestbuilds?nr=10&project=alpha&jobset=staging")
        .json();
    assert_eq!(r.as_array().unwrap().len(), 2);
    // The admin may act on anything.
    let adm = srv.client().with_bearer(&admin);
    assert_eq!(
        adm.post_json(&format!("/eval/{a_eval}/bump"), &json!({}))
            .status,
        200
    );
}

/// Builder processes whose environment holds `nonce=N`.
fn builders_alive(nonce: &str) -> usize {
    let needle = format!("nonce={nonce}");
    let mut n = 0;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(env) = std::fs::read(e.path().join("environ")) {
            if env.split(|&c| c == 0).any(|v| v == needle.as_bytes()) {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn deleting_a_project_stops_and_removes_everything_of_it() {
    let (state, tok) = admin_state("delete-cascade");
    let srv = Server::start(state.path());
    let c = srv.client().with_bearer(&tok);
    let anon = srv.client().anonymous();
    let n = nonce();
    assert_eq!(
        c.put_json("/project/doomed", &project_body("D")).status,
        201
    );
    assert_eq!(
        c.put_json("/jobset/doomed/main", &jobset(&n, "120", true))
            .status,
        201
    );
    let (eval, b) = evaluate(&c, &srv, "doomed", "main", 0);
    let (quick, slow, elsewhere) = (
        id_of(&b, "quick"),
        id_of(&b, "slow"),
        id_of(&b, "elsewhere"),
    );
    wait_finished(&anon, &srv, quick);
    wait_for(
        "the slow builder running",
        Duration::from_secs(60),
        &srv,
        || (builders_alive(&n) > 0).then_some(()),
    );
    let logs = state.path().join("logs");
    let roots = state.path().join("gcroots/doomed/main");
    assert!(logs.join(format!("{quick}.log.bz2")).exists());
    assert!(std::fs::read_dir(&roots).unwrap().count() > 0);
    assert_eq!(build(&anon, elsewhere)["finished"], 0);

    let r = c.delete("/project/doomed");
    assert_eq!(r.status, 200, "{}", r.body);
    for id in [quick, slow, elsewhere] {
        assert_eq!(anon.get(&format!("/build/{id}")).status, 404, "build {id}");
    }
    assert_eq!(anon.get(&format!("/eval/{eval}")).status, 404);
    wait_for(
        "the running build stopped",
        Duration::from_secs(20),
        &srv,
        || (builders_alive(&n) == 0).then_some(()),
    );
    let queue = anon.get("/api/queue?nr=100").json();
    assert!(queue.as_array().unwrap().is_empty(), "{queue}");
    wait_for("logs removed", Duration::from_secs(20), &srv, || {
        let left: Vec<_> = std::fs::read_dir(&logs)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|f| {
                [quick, slow, elsewhere]
                    .iter()
                    .any(|id| f.starts_with(&format!("{id}.")))
            })
            .collect();
        left.is_empty().then_some(())
    });
    assert!(!state.path().join("gcroots/doomed").exists());

    // The name starts empty again.
    assert_eq!(
        c.put_json("/project/doomed", &project_body("D")).status,
        201
    );
    let mut js = jobset(&n, "1", false);
    js["enabled"] = json!(0);
    assert_eq!(c.put_json("/jobset/doomed/main", &js).status, 201);
    let evals = anon.get("/jobset/doomed/main/evals").json();
    assert_eq!(evals["evals"], json!([]));
    assert_eq!(
        anon.get("/api/latestbuilds?nr=10&project=doomed").json(),
        json!([])
    );
    assert_eq!(anon.get("/job/doomed/main/quick/latest").status, 404);
    assert_eq!(anon.get("/job/doomed/main/quick").json(), json!([]));
}

/// A state dir with an admin and jobset p:j holding `evals` evals of `per_eval` queued builds
/// (for a system no machine has, so the runner leaves them queued); returns the admin's token.
fn seeded_state(state: &Path, evals: u64, per_eval: u64) -> String {
    {
        let app = common::open_app(state, "");
        common::ensure_pj(&app.db);
        for e in 0..evals {
            let jobs = (0..per_eval)
                .map(|i| hydrant::db::NewJob {
                    job: format!("job{i}"),
                    drvpath: format!("/nix/store/{e:08}{i:024}-j.drv"),
                    outputs: [("out".into(), format!("/nix/store/{e:08}{i:024}-j"))].into(),
                    system: "test-nomachine".into(),
                    priority: 100,
                    ..Default::default()
                })
                .collect();
            common::record_eval(&app.db, "p", "j", jobs);
        }
    }
    add_user(state, "admin", &["admin"], "adminpw");
    token(state, "admin")
}

/// Sends `DELETE /jobset/p/j`, kills the server with SIGKILL after `kill_after` (None: waits
/// for the answer) and returns (the HTTP status if one came, how long the request took).
fn delete_and_kill(
    srv: &mut Server,
    tok: &str,
    kill_after: Option<Duration>,
) -> (Option<i32>, Duration) {
    let url = format!("http://127.0.0.1:{}/jobset/p/j", srv.port);
    let tok = tok.to_string();
    let t = Instant::now();
    let req = std::thread::spawn(move || {
        let r = minreq::delete(url)
            .with_header("Authorization", format!("Bearer {tok}"))
            .with_header("Accept", "application/json")
            .with_timeout(60)
            .send()
            .ok()?;
        // minreq reports a connection closed before any status line as a made-up 503.
        (r.reason_phrase != "Server did not provide a status line").then_some(r.status_code)
    });
    if let Some(d) = kill_after {
        std::thread::sleep(d);
        let mut child = srv.child.take().unwrap();
        // SAFETY: signals the child we spawned.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGKILL);
        }
        child.wait().unwrap();
    }
    let status = req.join().unwrap();
    (status, t.elapsed())
}

#[test]
fn kill_9_during_a_cascading_delete_leaves_all_or_nothing() {
    let (evals, per_eval) = (6u64, 2_500u64);
    let total = evals * per_eval;
    // How long the delete takes here, then kills spread over that time.
    let dir = TempDir::new("delete-timing");
    let state = dir.path().join("state");
    let tok = seeded_state(&state, evals, per_eval);
    let mut srv = Server::start(&state);
    let (status, took) = delete_and_kill(&mut srv, &tok, None);
    assert_eq!(status, Some(200));
    println!("delete of {total} builds answered in {took:?}");
    drop(srv);
    let mut outcomes = Vec::new();
    for frac in [0.0, 0.3, 0.6, 0.9, 1.5] {
        let dir = TempDir::new("delete-kill9");
        let state = dir.path().join("state");
        let tok = seeded_state(&state, evals, per_eval);
        let mut srv = Server::start(&state);
        let (answered, _) = delete_and_kill(&mut srv, &tok, Some(took.mul_f64(frac)));
        let db = hydrant::db::Db::open(&state.join("hydrant.redb")).unwrap();
        let present = db.jobset("p", "j").unwrap().is_some();
        let nevals = db.jobset_evals("p", "j", 0, 1).unwrap().1 as u64;
        let queued = db.queued_build_ids().unwrap().len() as u64;
        let builds = (1..=total)
            .filter(|&id| db.build(id).unwrap().is_some())
            .count() as u64;
        let latest = db.latest_builds("p", "j").unwrap().len() as u64;
        println!("kill at {frac} x: answered {answered:?}, jobset present = {present}");
        if answered == Some(200) {
            assert!(!present, "a delete that answered 200 was lost");
        }
        if present {
            assert_eq!(
                (nevals, queued, builds, latest),
                (evals, total, total, per_eval)
            );
        } else {
            assert_eq!((nevals, queued, builds, latest), (0, 0, 0, 0));
        }
        outcomes.push(present);
    }
}
