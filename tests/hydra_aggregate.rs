//! Hydra's aggregate jobs against real Nix, through the running server: `jobs/aggregate.nix`
//! with `Controller/Build/api.t`'s constituents route, aggregates with two constituents one of
//! which fails (given as derivations and by name), `meta.constituents`, glob constituents
//! (`_hydraGlobConstituents`), a bad constituent name (a per-job eval error, as in
//! `queue-runner/constituents.t`), the build page's Constituents tab, a second eval where a
//! changed constituent makes the aggregates naming it new builds, and the route after the
//! jobset's delete (the rows' cascade is tested in `db::api`). Also `Controller/Root/narinfo.t` against hydrant's binary cache.
mod common;
mod web_support;

use common::{write_file, TempDir};
use serde_json::{json, Value};
use std::time::Duration;
use web_support::*;

const RELEASE: &str = r#"{ nonce ? "0", ... }:
let
  mk = name: script: extra: derivation ({
    inherit name nonce;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/usr/bin:/bin";
    system = builtins.currentSystem;
  } // extra);
  empty = name: extra: mk name "sleep 1; mkdir $out" extra;
in
rec {
  # Hydra's jobs/aggregate.nix.
  a = empty "empty-dir-a" { };
  b = empty "empty-dir-b" { };
  aggregate = empty "aggregate" { _hydraAggregate = true; constituents = [ "a" "b" ]; };

  fails = mk "fails" "echo failing on purpose; exit 1" { };
  # Two constituents, one failing: as derivations, and by name.
  by_drv = empty "by-drv" { _hydraAggregate = true; constituents = [ a fails ]; };
  by_name = empty "by-name" { _hydraAggregate = true; constituents = [ "b" "fails" ]; };
  # nixpkgs' style: the list in meta.
  by_meta = empty "by-meta" { _hydraAggregate = true; } // { meta.constituents = [ "a" ]; };
  # An aggregate of an aggregate, and globs.
  of_aggregate = empty "of-aggregate" { _hydraAggregate = true; constituents = [ "aggregate" ]; };
  pkgs.x = empty "pkgs-x" { };
  pkgs.y = empty "pkgs-y" { };
  globbed = empty "globbed" {
    _hydraAggregate = true; _hydraGlobConstituents = true; constituents = [ "pkgs.*" ];
  };
  # Hydra's broken-constituent.nix: one name no job has, one job that does not evaluate.
  broken = empty "broken" {
    _hydraAggregate = true; constituents = [ "does-not-exist" "does-not-evaluate" "a" ];
  };
  does-not-evaluate = assert false; { };
  no_list = empty "no-list" { _hydraAggregate = true; };
  no_match = empty "no-match" {
    _hydraAggregate = true; _hydraGlobConstituents = true; constituents = [ "tests.*" ];
  };
}
"#;

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn location(r: &Resp) -> String {
    r.headers.get("location").cloned().unwrap_or_default()
}

/// Pushes an evaluation of `project:jobset` and returns its id once it is recorded.
fn evaluate(admin: &Client, srv: &Server, project: &str, jobset: &str, n: usize) -> u64 {
    let r = admin.post_json(
        &format!("/api/push?jobsets={project}:{jobset}&force=1"),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    wait_for("an evaluation", Duration::from_secs(120), srv, || {
        let v = admin
            .get(&format!("/jobset/{project}/{jobset}/evals"))
            .json();
        let evals = v["evals"].as_array().cloned().unwrap_or_default();
        (evals.len() >= n)
            .then(|| evals[0]["id"].as_u64())
            .flatten()
    })
}

fn ids_by_job(c: &Client, eval: u64) -> std::collections::BTreeMap<String, u64> {
    let members = c.get(&format!("/eval/{eval}/builds")).json();
    members
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["job"].as_str().unwrap().to_string(),
                b["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn wait_finished(c: &Client, srv: &Server, id: u64) -> Value {
    wait_for(
        &format!("build {id} to finish"),
        Duration::from_secs(180),
        srv,
        || {
            let b = c.get(&format!("/build/{id}")).json();
            (b["finished"] == 1).then_some(b)
        },
    )
}

#[test]
fn aggregate_jobs_follow_their_constituents() {
    let (state, admin_token) = admin_state("hydra-aggregate");
    let src = TempDir::new("hydra-aggregate-src");
    write_file(src.path(), "release.nix", RELEASE);
    let srv = Server::start(state.path());
    let admin = srv.client().with_bearer(&admin_token);
    let anon = srv.client().anonymous();
    assert_eq!(
        admin
            .put_json("/project/tests", &project_body("Tests"))
            .status,
        201
    );
    let mut jb = jobset_body(src.path().to_str().unwrap());
    jb["inputs"]["nonce"] = json!({"type": "string", "value": nonce()});
    let r = admin.put_json("/jobset/tests/aggregate", &jb);
    assert_eq!(r.status, 201, "{}", r.body);
    let eval = evaluate(&admin, &srv, "tests", "aggregate", 1);
    let ids = ids_by_job(&anon, eval);

    // A bad constituent is an error of the aggregate alone, which gets no build.
    let errors = anon.get(&format!("/eval/{eval}/errors")).json()["joberrors"].clone();
    for job in ["broken", "no_match", "no_list", "does-not-evaluate"] {
        assert!(!ids.contains_key(job), "{job} has no build: {ids:?}");
    }
    let broken = errors["broken"].as_str().unwrap_or_default();
    assert!(
        broken.contains("does-not-exist: does not exist"),
        "{errors}"
    );
    assert!(
        broken.contains("does-not-evaluate: ") && broken.contains("assertion"),
        "{errors}"
    );
    assert_eq!(
        errors["no_match"],
        "tests.*: constituent glob pattern had no matches"
    );
    assert!(
        errors["no_list"]
            .as_str()
            .is_some_and(|e| e.contains("must have a `constituents` attribute")),
        "{errors}"
    );
    let mut jobs: Vec<&str> = ids.keys().map(|s| s.as_str()).collect();
    jobs.sort_unstable();
    assert_eq!(
        jobs,
        [
            "a",
            "aggregate",
            "b",
            "by_drv",
            "by_meta",
            "by_name",
            "fails",
            "globbed",
            "of_aggregate",
            "pkgs.x",
            "pkgs.y"
        ]
    );

    // Build/api.t: every build runs; the aggregate succeeds and `/build/N/constituents` lists
    // a and b as builds.
    for id in ids.values() {
        wait_finished(&anon, &srv, *id);
    }
    let agg = wait_finished(&anon, &srv, ids["aggregate"]);
    assert_eq!(agg["buildstatus"], 0, "{agg}");
    let r = anon.get("/job/tests/aggregate/aggregate/latest-finished");
    assert_eq!(r.status, 302);
    let build_url = location(&r);
    assert!(build_url.ends_with(&format!("/build/{}", ids["aggregate"])));
    let r = anon.get(&format!("/build/{}/constituents", ids["aggregate"]));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.headers["content-type"].starts_with("application/json"));
    let cs = r.json();
    let cs = cs.as_array().unwrap();
    assert_eq!(cs.len(), 2, "{cs:?}");
    let find = |nixname: &str| cs.iter().find(|c| c["nixname"] == nixname).unwrap();
    assert_eq!(find("empty-dir-a")["job"], "a");
    assert_eq!(find("empty-dir-b")["job"], "b");
    // Each is the build's own JSON (Hydra serializes the Builds rows the same way).
    for c in cs {
        let own = anon.get(&format!("/build/{}", c["id"])).json();
        assert_eq!(c, &own);
        assert_eq!(c["buildstatus"], 0);
        // Named constituents are waited for: the aggregate started after they stopped.
        assert!(
            agg["starttime"].as_i64() >= c["stoptime"].as_i64(),
            "{agg} started before {c} stopped"
        );
    }
    // A build that is no aggregate has no constituents.
    assert_eq!(
        anon.get(&format!("/build/{}/constituents", ids["a"]))
            .json(),
        json!([])
    );
    assert_eq!(anon.get("/build/999999/constituents").status, 404);

    // Two constituents, one failing: the aggregate's status follows (Hydra: dependency failed).
    for job in ["by_drv", "by_name"] {
        let b = wait_finished(&anon, &srv, ids[job]);
        assert_eq!(b["buildstatus"], 2, "{job}: {b}");
        let cs = anon
            .get(&format!("/build/{}/constituents", ids[job]))
            .json();
        let statuses: Vec<(String, i64)> = cs
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["job"].as_str().unwrap().to_string(),
                    c["buildstatus"].as_i64().unwrap(),
                )
            })
            .collect();
        let ok = if job == "by_drv" { "a" } else { "b" };
        assert_eq!(statuses, [(ok.to_string(), 0), ("fails".to_string(), 1)]);
    }
    assert_eq!(wait_finished(&anon, &srv, ids["fails"])["buildstatus"], 1);

    // meta.constituents, an aggregate of an aggregate, globs.
    let expect = [
        ("by_meta", vec!["a"]),
        ("of_aggregate", vec!["aggregate"]),
        ("globbed", vec!["pkgs.x", "pkgs.y"]),
    ];
    for (job, want) in expect {
        let b = wait_finished(&anon, &srv, ids[job]);
        assert_eq!(b["buildstatus"], 0, "{job}: {b}");
        let cs = anon
            .get(&format!("/build/{}/constituents", ids[job]))
            .json();
        let got: Vec<&str> = cs
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["job"].as_str().unwrap())
            .collect();
        assert_eq!(got, want, "{job}");
    }

    // The build page: a Constituents tab and Hydra's summary line, for aggregates only.
    let html = anon.html();
    let page = html.get(&format!("/build/{}", ids["aggregate"])).body;
    assert_eq!(texts(&page, "#tab-constituents"), ["Constituents"]);
    assert_eq!(
        texts(&page, "#build-constituents-summary"),
        ["all 2 constituent builds succeeded"]
    );
    let page = html.get(&format!("/build/{}?tab=constituents", ids["aggregate"]));
    assert_eq!(page.status, 200);
    let links = attrs(
        &page.body,
        "#constituents tbody a[href^=\"/build/\"]",
        "href",
    );
    assert_eq!(
        links,
        [
            format!("/build/{}", ids["a"]),
            format!("/build/{}", ids["b"])
        ]
    );
    assert_eq!(
        texts(&page.body, "#constituents td.status"),
        ["Succeeded", "Succeeded"]
    );
    let page = html.get(&format!("/build/{}", ids["by_name"])).body;
    assert_eq!(
        texts(&page, "#build-constituents-summary"),
        ["1 out of 2 constituent builds failed"]
    );
    let page = html
        .get(&format!("/build/{}?tab=constituents", ids["by_name"]))
        .body;
    assert_eq!(
        texts(&page, "#constituents td.status"),
        ["Succeeded", "Failed"]
    );
    let page = html.get(&format!("/build/{}", ids["a"])).body;
    assert!(select(&page, "#tab-constituents").is_empty(), "{page}");

    // A second eval with `b` changed: the aggregate naming it is a new build (Hydra's rewritten
    // aggregate derivation changes with its constituents), the others are reused.
    let rel2 = RELEASE.replace(
        "b = empty \"empty-dir-b\" { };",
        "b = empty \"empty-dir-b\" { changed = \"1\"; };",
    );
    assert_ne!(rel2, RELEASE);
    write_file(src.path(), "release.nix", &rel2);
    let eval2 = evaluate(&admin, &srv, "tests", "aggregate", 2);
    assert_ne!(eval2, eval);
    let ids2 = ids_by_job(&anon, eval2);
    assert_eq!(ids2["a"], ids["a"]);
    assert_eq!(ids2["by_meta"], ids["by_meta"], "a did not change");
    assert_ne!(ids2["b"], ids["b"]);
    for job in ["aggregate", "of_aggregate", "by_name"] {
        assert_ne!(ids2[job], ids[job], "{job} names b");
    }
    let cs = anon
        .get(&format!("/build/{}/constituents", ids2["aggregate"]))
        .json();
    let got: Vec<u64> = cs
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(got, [ids2["a"], ids2["b"]]);
    let agg2 = wait_finished(&anon, &srv, ids2["of_aggregate"]);
    assert_eq!(agg2["buildstatus"], 0, "{agg2}");

    // The jobset's delete takes the rows with it.
    let r = admin.delete("/jobset/tests/aggregate");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        anon.get(&format!("/build/{}/constituents", ids["aggregate"]))
            .status,
        404
    );
}

/// `Controller/Root/narinfo.t`: after a real evaluation and build of Hydra's `jobs/basic.nix`
/// `empty_dir`, `GET /HASH.narinfo` of its output succeeds and names that output.
#[test]
fn root_narinfo_t() {
    let (state, admin_token) = admin_state("hydra-narinfo");
    let src = TempDir::new("hydra-narinfo-src");
    let rel = format!(
        r#"{{ ... }}:
let mk = name: script: derivation {{
  inherit name; builder = "/bin/sh"; args = [ "-c" script ]; PATH = "/usr/bin:/bin";
  system = builtins.currentSystem; nonce = "{}";
}};
in {{
  empty_dir = mk "empty-dir" "mkdir $out" // {{ meta.maintainers = [ "alice@invalid.org" ]; }};
  fails = mk "fails" "exit 1";
  succeed_with_failed = mk "succeed-with-failed" "mkdir -p $out/nix-support; touch $out/nix-support/failed";
}}
"#,
        nonce()
    );
    write_file(src.path(), "release.nix", &rel);
    let srv = Server::builder(state.path())
        .config("binary_cache = true\n")
        .start();
    let admin = srv.client().with_bearer(&admin_token);
    let anon = srv.client().anonymous();
    assert_eq!(
        admin
            .put_json("/project/tests", &project_body("Tests"))
            .status,
        201
    );
    let r = admin.put_json(
        "/jobset/tests/basic",
        &jobset_body(src.path().to_str().unwrap()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let eval = evaluate(&admin, &srv, "tests", "basic", 1);
    for id in ids_by_job(&anon, eval).values() {
        wait_finished(&anon, &srv, *id);
    }

    let r = anon.get("/job/tests/basic/empty_dir/latest-finished");
    assert_eq!(r.status, 302, "{}", r.body);
    let url = location(&r);
    let path = url.find("/build/").map(|i| &url[i..]).unwrap();
    let data = anon.get(path).json();
    let outpath = data["buildoutputs"]["out"]["path"].as_str().unwrap();
    let hash = outpath
        .strip_prefix("/nix/store/")
        .and_then(|s| s.get(..32))
        .unwrap();
    let r = anon.get(&format!("/{hash}.narinfo"));
    assert_eq!(r.status, 200, "Getting the narinfo of a build: {}", r.body);
    assert_eq!(r.headers["content-type"], "text/x-nix-narinfo");
    let storepath = r
        .body
        .lines()
        .find_map(|l| l.strip_prefix("StorePath: "))
        .unwrap_or_default();
    assert_eq!(
        storepath, outpath,
        "The returned store path is the same as the out path"
    );
    // The failed job has no output to serve.
    let r = anon.get(&format!("/{}.narinfo", "0".repeat(32)));
    assert_eq!(r.status, 404);
}
