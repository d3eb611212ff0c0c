//! Every operation of Hydra's OpenAPI spec (`hydra-api.yaml` in NixOS/hydra) against the real
//! binary after a real evaluation and build: each answer's status and its body checked against
//! the spec's schema, written here from the spec's facts (every listed property present with
//! the listed type, `nullable` where the spec says so). Where the spec disagrees with what
//! Hydra's code returns, the schema follows the code and says so next to the field.
mod common;
mod web_support;

use common::{write_file, TempDir};
use serde_json::{json, Value};
use std::time::Duration;
use web_support::*;

/// A schema, as much of OpenAPI as the spec uses.
#[derive(Clone)]
enum S {
    Str,
    Int,
    Bool,
    Any,
    /// Hydra's code sends 0/1 where the spec says boolean (integer columns).
    IntBool,
    Null(Box<S>),
    /// A property Hydra's code sends only sometimes (checked when present).
    Opt(Box<S>),
    Arr(Box<S>),
    /// `additionalProperties`: an object whose every value has this schema.
    Map(Box<S>),
    /// An object with these properties, each present.
    Obj(Vec<(&'static str, S)>),
}

use S::*;

fn null(s: S) -> S {
    Null(Box::new(s))
}
fn arr(s: S) -> S {
    Arr(Box::new(s))
}
fn map(s: S) -> S {
    Map(Box::new(s))
}

fn check(v: &Value, s: &S, at: &str) -> Result<(), String> {
    let bad = |what: &str| Err(format!("{at}: expected {what}, got {v}"));
    match s {
        Any => Ok(()),
        Str if v.is_string() => Ok(()),
        Str => bad("a string"),
        Int if v.is_i64() || v.is_u64() => Ok(()),
        Int => bad("an integer"),
        Bool if v.is_boolean() => Ok(()),
        Bool => bad("a boolean"),
        IntBool if matches!(v.as_u64(), Some(0 | 1)) => Ok(()),
        IntBool => bad("0 or 1"),
        Null(_) if v.is_null() => Ok(()),
        Null(inner) | Opt(inner) => check(v, inner, at),
        Arr(inner) => match v.as_array() {
            Some(a) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, x)| check(x, inner, &format!("{at}[{i}]"))),
            None => bad("an array"),
        },
        Map(inner) => match v.as_object() {
            Some(o) => o
                .iter()
                .try_for_each(|(k, x)| check(x, inner, &format!("{at}.{k}"))),
            None => bad("an object"),
        },
        Obj(fields) => {
            let Some(o) = v.as_object() else {
                return bad("an object");
            };
            for (name, fs) in fields {
                match (o.get(*name), fs) {
                    (Some(x), _) => check(x, fs, &format!("{at}.{name}"))?,
                    (None, Opt(_)) => {}
                    (None, _) => return Err(format!("{at}: missing `{name}` in {v}")),
                }
            }
            Ok(())
        }
    }
}

#[track_caller]
fn conforms(r: &Resp, status: i32, s: &S, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
    let v: Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.body));
    if let Err(e) = check(&v, s, what) {
        panic!("{what} does not conform to the spec: {e}");
    }
}

// ---- the spec's components -------------------------------------------------------------

fn error() -> S {
    Obj(vec![("error", Str)])
}

fn project() -> S {
    // `declarative` appears only for declarative projects (Hydra's `as_json`).
    Obj(vec![
        ("owner", Str),
        ("name", Str),
        ("displayname", Str),
        ("description", Str),
        ("homepage", Str),
        ("hidden", Bool),
        ("enabled", Bool),
        ("enable_dynamic_run_command", Bool),
        ("jobsets", arr(Str)),
    ])
}

fn jobset_input() -> S {
    Obj(vec![
        ("name", Str),
        ("value", Str),
        ("type", Str),
        ("emailresponsible", Bool),
    ])
}

fn jobset() -> S {
    Obj(vec![
        ("name", Str),
        ("project", Str),
        ("description", null(Str)),
        ("nixexprinput", null(Str)),
        ("nixexprpath", null(Str)),
        ("errormsg", null(Str)),
        ("errortime", null(Int)),
        ("lastcheckedtime", null(Int)),
        ("triggertime", null(Int)),
        ("enabled", Int),
        ("enableemail", Bool),
        ("enable_dynamic_run_command", Bool),
        ("visible", Bool),
        ("emailoverride", Str),
        ("keepnr", Int),
        ("checkinterval", Int),
        ("schedulingshares", Int),
        ("fetcherrormsg", null(Str)),
        // The spec spells it `startime`; Hydra's `as_json` sends `starttime`.
        ("starttime", null(Int)),
        ("type", Int),
        ("flake", null(Str)),
        ("inputs", map(jobset_input())),
    ])
}

fn eval_input() -> S {
    Obj(vec![
        ("uri", null(Str)),
        ("type", Str),
        ("revision", null(Str)),
        ("value", Any),
        ("dependency", Any),
    ])
}

fn jobset_eval() -> S {
    Obj(vec![
        ("id", Int),
        ("timestamp", Int),
        ("checkouttime", Int),
        ("evaltime", Int),
        // Spec: boolean; Hydra's JobsetEvals `json_hint` sends the integer column.
        ("hasnewbuilds", IntBool),
        ("flake", null(Str)),
        ("builds", arr(Int)),
        ("jobsetevalinputs", map(eval_input())),
    ])
}

fn build_product() -> S {
    Obj(vec![
        ("filesize", null(Int)),
        ("defaultpath", Str),
        ("type", Str),
        ("name", Str),
        ("path", Str),
        ("subtype", Str),
        ("sha256hash", null(Str)),
    ])
}

fn build() -> S {
    Obj(vec![
        ("id", Int),
        ("starttime", null(Int)),
        ("stoptime", null(Int)),
        ("timestamp", Int),
        ("jobsetevals", arr(Int)),
        // Spec: boolean; Hydra's Builds `as_json` sends the integer column.
        ("finished", IntBool),
        ("nixname", Str),
        ("buildstatus", null(Int)),
        ("jobset", Str),
        ("priority", Int),
        ("job", Str),
        ("drvpath", Str),
        ("system", Str),
        ("project", Str),
        ("releasename", null(Str)),
        ("buildproducts", map(build_product())),
        ("buildoutputs", map(Obj(vec![("path", Str)]))),
        ("buildmetrics", Any),
    ])
}

fn jobset_overview() -> S {
    arr(Obj(vec![
        ("name", Str),
        ("project", Str),
        ("nrtotal", Int),
        ("checkinterval", Int),
        ("haserrormsg", Bool),
        ("nrscheduled", Int),
        ("nrfailed", Int),
        ("errortime", null(Int)),
        ("fetcherrormsg", null(Str)),
        ("starttime", null(Int)),
        ("lastcheckedtime", null(Int)),
        ("triggertime", null(Int)),
    ]))
}

fn evaluations() -> S {
    // Spec: `evals` items are maps of JobsetEval; Hydra's Jobset `evals` sends a list of evals.
    // `next` (and `previous`) only where there is such a page, as Hydra's `evals_GET`.
    Obj(vec![
        ("first", Str),
        ("next", Opt(Box::new(Str))),
        ("previous", Opt(Box::new(Str))),
        ("last", Str),
        ("evals", arr(jobset_eval())),
    ])
}

fn search_result() -> S {
    Obj(vec![
        ("jobsets", arr(jobset())),
        ("projects", arr(project())),
        ("builds", arr(build())),
        ("buildsdrv", arr(build())),
    ])
}

const RELEASE: &str = r#"{ nonce ? "0", ... }:
let
  mk = name: script: derivation {
    inherit name nonce;
    builder = "/bin/sh";
    args = [ "-c" script ];
    PATH = "/usr/bin:/bin";
    system = builtins.currentSystem;
  };
in
{
  ok = mk "ok" "mkdir -p $out; echo ok > $out/file";
  fails = mk "fails" "exit 1";
  # An aggregate, so `/build/N/constituents` answers a non-empty array.
  agg = mk "agg" "mkdir $out" // { _hydraAggregate = true; constituents = [ "ok" "fails" ]; };
}
"#;

#[test]
fn every_operation_of_hydra_api_yaml() {
    let (state, tok) = admin_state("hydra-spec");
    let src = TempDir::new("hydra-spec-src");
    write_file(src.path(), "release.nix", RELEASE);
    let srv = Server::start(state.path());
    let c = srv.client().with_bearer(&tok);
    let anon = srv.client().anonymous();

    // /login
    let r = anon.post_json(
        "/login",
        &json!({"username": "admin", "password": "adminpw"}),
    );
    let login = Obj(vec![
        ("username", Str),
        ("fullname", Str),
        ("emailaddress", Str),
        ("userroles", arr(Str)),
    ]);
    conforms(&r, 200, &login, "POST /login");
    let r = anon.post_json("/login", &json!({"username": "admin", "password": "nope"}));
    conforms(&r, 403, &error(), "POST /login (bad password)");

    // /project/{id}
    let created = Obj(vec![
        ("uri", Str),
        ("name", Str),
        ("redirect", Str),
        ("type", Str),
    ]);
    let redirect = Obj(vec![("redirect", Str)]);
    conforms(
        &c.put_json("/project/spec", &project_body("Spec")),
        201,
        &created,
        "PUT /project (create)",
    );
    conforms(
        &c.put_json("/project/spec", &project_body("Spec 2")),
        200,
        &redirect,
        "PUT /project (update)",
    );
    let mut bad = project_body("X");
    bad["homepage"] = json!("javascript:alert(1)");
    conforms(
        &c.put_json("/project/spec", &bad),
        400,
        &error(),
        "PUT /project (bad)",
    );
    conforms(
        &anon.put_json("/project/other", &project_body("O")),
        403,
        &error(),
        "PUT /project (anonymous)",
    );
    conforms(&anon.get("/project/spec"), 200, &project(), "GET /project");
    conforms(
        &anon.get("/project/nope"),
        404,
        &error(),
        "GET /project (missing)",
    );

    // /jobset/{project-id}/{jobset-id}
    let mut jb = jobset_body(src.path().to_str().unwrap());
    jb["inputs"]["nonce"] =
        json!({"type": "string", "value": format!("{:?}", std::time::SystemTime::now())});
    conforms(
        &c.put_json("/jobset/spec/main", &jb),
        201,
        &created,
        "PUT /jobset (create)",
    );
    conforms(
        &c.put_json("/jobset/spec/main", &jb),
        200,
        &redirect,
        "PUT /jobset (update)",
    );
    conforms(
        &anon.get("/jobset/spec/main"),
        200,
        &jobset(),
        "GET /jobset",
    );
    conforms(
        &anon.get("/jobset/spec/nope"),
        404,
        &error(),
        "GET /jobset (missing)",
    );

    // /api/push, then a real evaluation and build.
    let pushed = Obj(vec![("jobsetsTriggered", arr(Str))]);
    conforms(
        &c.post_json("/api/push?jobsets=spec:main&force=1", &json!({})),
        200,
        &pushed,
        "POST /api/push",
    );
    let eval = wait_for("an evaluation", Duration::from_secs(60), &srv, || {
        anon.get("/jobset/spec/main/evals").json()["evals"][0]["id"].as_u64()
    });
    let members = anon.get(&format!("/eval/{eval}/builds")).json();
    let ids: Vec<u64> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_u64().unwrap())
        .collect();
    for &id in &ids {
        wait_for("builds finishing", Duration::from_secs(90), &srv, || {
            (anon.get(&format!("/build/{id}")).json()["finished"] == 1).then_some(())
        });
    }
    let ok = members
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["job"] == "ok")
        .unwrap()["id"]
        .as_u64()
        .unwrap();

    // / and /api/jobsets
    conforms(&anon.get("/"), 200, &arr(project()), "GET /");
    conforms(
        &anon.get("/api/jobsets?project=spec"),
        200,
        &jobset_overview(),
        "GET /api/jobsets",
    );
    conforms(
        &anon.get("/api/jobsets?project=nope"),
        404,
        &error(),
        "GET /api/jobsets (missing)",
    );

    // /jobset/…/evals, /eval/{id}, /eval/{id}/builds
    conforms(
        &anon.get("/jobset/spec/main/evals"),
        200,
        &evaluations(),
        "GET /jobset/…/evals",
    );
    conforms(
        &anon.get("/jobset/spec/nope/evals"),
        404,
        &error(),
        "GET /jobset/…/evals (missing)",
    );
    conforms(
        &anon.get(&format!("/eval/{eval}")),
        200,
        &jobset_eval(),
        "GET /eval",
    );
    // Spec: an array of maps of Build; Hydra's JobsetEval `builds` sends an array of builds.
    conforms(
        &anon.get(&format!("/eval/{eval}/builds")),
        200,
        &arr(build()),
        "GET /eval/…/builds",
    );

    // /build/{id}, /build/{id}/constituents
    conforms(
        &anon.get(&format!("/build/{ok}")),
        200,
        &build(),
        "GET /build",
    );
    conforms(
        &anon.get("/build/999999"),
        404,
        &error(),
        "GET /build (missing)",
    );
    let agg = members
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["job"] == "agg")
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    for id in [ok, agg] {
        conforms(
            &anon.get(&format!("/build/{id}/constituents")),
            200,
            &arr(build()),
            "GET /build/…/constituents",
        );
    }
    assert_eq!(
        anon.get(&format!("/build/{agg}/constituents"))
            .json()
            .as_array()
            .map(|a| a.len()),
        Some(2)
    );
    conforms(
        &anon.get("/build/999999/constituents"),
        404,
        &error(),
        "GET /build/…/constituents (missing)",
    );

    // /job/…/shield
    let shield = Obj(vec![
        ("schemaVersion", Int),
        ("label", Str),
        ("color", Str),
        ("message", Str),
    ]);
    conforms(
        &anon.get("/job/spec/main/ok/shield"),
        200,
        &shield,
        "GET /job/…/shield",
    );

    // /search
    let r = anon.get("/search?query=ok");
    conforms(&r, 200, &search_result(), "GET /search");
    assert!(
        r.json()["builds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == ok),
        "{}",
        r.body
    );
    let r = anon.get("/search?query=spec");
    conforms(&r, 200, &search_result(), "GET /search (a project)");
    assert_eq!(r.json()["projects"][0]["name"], "spec", "{}", r.body);
    let r = anon.get("/search?query=mai");
    conforms(&r, 200, &search_result(), "GET /search (a jobset)");
    assert_eq!(r.json()["jobsets"][0]["name"], "main", "{}", r.body);
    // Spec: 500 for an empty term; hydrant answers a client error, never a 500.
    let r = anon.get("/search?query=");
    assert!(
        (400..500).contains(&r.status),
        "empty search: {} {}",
        r.status,
        r.body
    );

    // The redirects: 302 with a Location.
    let sys = anon.get(&format!("/build/{ok}")).json()["system"]
        .as_str()
        .unwrap()
        .to_string();
    for (path, to) in [
        (
            "/jobset/spec/main/latest-eval".to_string(),
            format!("/eval/{eval}"),
        ),
        ("/job/spec/main/ok/latest".into(), format!("/build/{ok}")),
        (
            format!("/job/spec/main/ok/latest-for/{sys}"),
            format!("/build/{ok}"),
        ),
        (
            "/job/spec/main/ok/latest-finished".into(),
            format!("/build/{ok}"),
        ),
    ] {
        let r = anon.get(&path);
        assert_eq!(r.status, 302, "{path}: {}", r.body);
        assert!(
            r.headers["location"].ends_with(&to),
            "{path}: {:?}",
            r.headers
        );
    }

    // DELETE /jobset and /project (and 404 for missing ones).
    conforms(
        &c.delete("/jobset/spec/nope"),
        404,
        &error(),
        "DELETE /jobset (missing)",
    );
    conforms(
        &c.delete("/jobset/spec/main"),
        200,
        &redirect,
        "DELETE /jobset",
    );
    conforms(
        &c.delete("/project/nope"),
        404,
        &error(),
        "DELETE /project (missing)",
    );
    conforms(
        &c.delete("/project/spec"),
        200,
        &redirect,
        "DELETE /project",
    );
}
