//! The build farm through `hydrant serve`: a jobset built on a real remote over SSH, then
//! `/machines` (page and JSON), an admin's disable/enable, and the step logs
//! (`/build/N/nixlog/STEP[/raw]`).
mod common;
mod web_support;

use common::{RemoteStore, TempDir};
use serde_json::json;
use std::time::{Duration, Instant};
use web_support::*;

#[test]
fn machines_page_json_admin_actions_and_step_logs() {
    let (dir, tok) = admin_state("farm-web");
    let remote = RemoteStore::new(dir.path(), "r");
    let mf = dir.path().join("machines");
    std::fs::write(
        &mf,
        format!(
            "{}\nssh://x x86_64-linux - lots\n",
            remote.line(2, 2.0, "farm-remote", "-")
        ),
    )
    .unwrap();
    let src = TempDir::new("farm-web-src");
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    let nonce = format!("{:x}", u64::from_le_bytes(b));
    std::fs::write(
        src.path().join("release.nix"),
        format!("{{ ... }}: {{ hello = derivation {{ name = \"farm-web\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo hello from the farm {nonce}; echo hi > $out\" ]; }}; }}\n"),
    )
    .unwrap();
    let srv = Server::builder(dir.path())
        .config(&format!(
            "machines_file = {}\nsystems = none-local\n",
            mf.display()
        ))
        .env("NIX_SSHOPTS", &common::sshd().ssh_opts)
        .start();
    let c = srv.client().with_bearer(&tok);
    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    let r = c.put_json("/jobset/p/j", &jobset_body(src.path().to_str().unwrap()));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(c.post_json("/api/push?jobsets=p:j", &json!({})).status, 200);
    let start = Instant::now();
    let id = loop {
        let evals = c.get("/jobset/p/j/evals").json();
        if let Some(e) = evals["evals"].as_array().and_then(|a| a.first()) {
            let builds = c.get(&format!("/eval/{}/builds", e["id"])).json();
            let b = &builds[0];
            if b["finished"] == 1 {
                assert_eq!(b["buildstatus"], 0, "{b}\n{}", srv.log());
                break b["id"].as_u64().unwrap();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "not built:\n{}",
            srv.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    };

    // /machines JSON: localhost and the remote, the bad line named.
    let j = c.get("/machines").json();
    let ms = j["machines"].as_array().unwrap();
    assert_eq!(ms.len(), 2, "{j}");
    let m = ms.iter().find(|m| m["uri"] == remote.uri.as_str()).unwrap();
    assert_eq!(m["maxJobs"], 2);
    assert_eq!(m["speedFactor"], 2.0);
    assert_eq!(m["supportedFeatures"], json!(["farm-remote"]));
    assert_eq!(m["buildsLastHour"], 1);
    assert_eq!(m["buildsLastDay"], 1);
    assert_eq!(m["enabled"], true);
    assert!(m["lastFailure"].is_null() && m["disabledUntil"].is_null());
    assert!(j["errors"][0].as_str().unwrap().contains("line 2"), "{j}");

    // The page, for anyone; action buttons only for admins.
    let page = srv.client().html().get("/machines");
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&remote.uri) && page.body.contains("line 2"));
    assert!(!page.body.contains("/machines/disable"));

    // Step logs.
    let l = srv.client().get(&format!("/build/{id}/nixlog/1/raw"));
    assert_eq!(l.status, 200);
    assert!(
        l.body.contains(&format!("hello from the farm {nonce}")),
        "{}",
        l.body
    );
    let l = srv.client().html().get(&format!("/build/{id}/nixlog/1"));
    assert_eq!(l.status, 200);
    assert!(l.body.contains(&remote.uri) && l.body.contains("hello from the farm"));
    assert_eq!(
        srv.client().get(&format!("/build/{id}/nixlog/9")).status,
        404
    );
    assert_eq!(
        srv.client()
            .get(&format!("/build/{id}/nixlog/x/raw"))
            .status,
        400
    );
    assert_eq!(srv.client().get("/build/999/nixlog/1").status, 404);

    // Disable/enable: admins only, unknown machines are 404, the state shows and persists.
    let anon = srv.client().post_json("/machines/disable", &json!({}));
    assert!(anon.status == 401 || anon.status == 403, "{}", anon.status);
    let path = format!("/machines/disable?machine={}", enc(&remote.uri));
    assert_eq!(c.post_json(&path, &json!({})).status, 200);
    assert_eq!(
        c.post_json("/machines/disable?machine=ssh%3A%2F%2Fnope", &json!({}))
            .status,
        404
    );
    assert_eq!(c.post_json("/machines/disable", &json!({})).status, 400);
    let j = c.get("/machines").json();
    let m = j["machines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["uri"] == remote.uri.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (m["adminDisabled"].clone(), m["enabled"].clone()),
        (json!(true), json!(false))
    );
    let admin = srv.client().html().login("admin", "adminpw");
    let page = admin.get("/machines").body;
    assert!(page.contains("disabled by an admin") && page.contains("/machines/enable"));
    let path = format!("/machines/enable?machine={}", enc(&remote.uri));
    assert_eq!(c.post_json(&path, &json!({})).status, 200);
    let j = c.get("/machines").json();
    assert!(j["machines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["adminDisabled"] == false));
}
