//! Hydra's own API tests, translated: the same requests as `Controller/Jobset/http.t`,
//! `API/checks.t`, `Build/restart.t`, `Build/cancel.t`, `JobsetEval/restart.t`,
//! `Project/delete.t` and `API/webhooks.t`, with the statuses and fields they expect, run on
//! the real binary after a real evaluation and build with real Nix. Also hydra-cli's content
//! negotiation, the `latest*` redirects, shields and badges, `nrbuilds` and the CSRF rule for
//! scripts (a cookie PUT/DELETE without Origin or Referer is allowed, a POST is not).
mod common;
mod web_support;

use common::{write_file, TempDir};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::time::Duration;
use web_support::*;

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
  fails = mk "fails" "echo failing on purpose; exit 1";
  slow = mk "slow" "sleep 600; mkdir -p $out";
  products = mk "products" ''
    mkdir -p $out/nix-support $out/share
    echo Hello > "$out/some text.txt"
    echo bin > $out/share/tool.bin
    echo '<p>manual</p>' > $out/share/index.html
    ln -s /etc $out/evil
    echo 'doc none "'$out'/some text.txt"' > $out/nix-support/hydra-build-products
    echo "file binary-dist $out/share/tool.bin" >> $out/nix-support/hydra-build-products
    echo "doc manual $out/share" >> $out/nix-support/hydra-build-products
    echo "doc passwd /etc/passwd" >> $out/nix-support/hydra-build-products
    echo "doc escape $out/evil/passwd" >> $out/nix-support/hydra-build-products
    echo "doc up $out/../../etc/passwd" >> $out/nix-support/hydra-build-products
    echo 'bad<line> x /y' >> $out/nix-support/hydra-build-products
    echo my-release-1.0 > $out/nix-support/hydra-release-name
  '';
}
"#;

const CONFIG: &str = "<webhooks>\n  <github>\n    secret = test\n  </github>\n  <gitea>\n    secret = gitea-secret\n  </gitea>\n</webhooks>\n";

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn hmac_hex(secret: &str, body: &[u8]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body);
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Asserts that `actual` has every field of `expected` with the same value (Hydra's tests
/// compare whole objects; hydrant may add fields of its own).
#[track_caller]
fn has_fields(actual: &Value, expected: &Value) {
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&actual[k], v, "field `{k}` of {actual}");
    }
}

/// A cookie client as Hydra's tests make one: `POST /login` as a form with a Referer, then
/// only the cookie (no Origin, no CSRF token) on later requests.
fn cookie_client(srv: &Server, user: &str, password: &str) -> Client {
    let c = srv.client();
    let plain = Client {
        origin: false,
        ..c.anonymous()
    };
    let body = format!("username={user}&password={password}");
    let referer = format!("http://{}/", c.host);
    let r = plain.html().request(
        minreq::Method::Post,
        "/login",
        Some(("application/x-www-form-urlencoded", body.into_bytes())),
        &[("Referer", referer.as_str())],
    );
    assert!(
        matches!(r.status, 302 | 303),
        "login: {} {}",
        r.status,
        r.body
    );
    let cookie = r.headers["set-cookie"]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    Client {
        cookie: Some(cookie),
        ..plain
    }
}

fn location(r: &Resp) -> String {
    r.headers.get("location").cloned().unwrap_or_default()
}

fn wait_build(
    c: &Client,
    srv: &Server,
    id: u64,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    wait_for(what, Duration::from_secs(120), srv, || {
        let b = c.get(&format!("/build/{id}")).json();
        done(&b).then_some(b)
    })
}

#[test]
fn hydra_api_tests_translated() {
    let (state, _admin_token) = admin_state("hydra-api");
    let src = TempDir::new("hydra-api-src");
    write_file(src.path(), "release.nix", RELEASE);
    let srv = Server::builder(state.path()).config(CONFIG).start();
    let base = format!("http://{}", srv.client().host);
    let alice = cookie_client(&srv, "admin", "adminpw");
    let anon = Client {
        origin: false,
        ..srv.client().anonymous()
    };

    // ---- Project: create / update (Hydra's bodies), anonymous writes 403 -------------------
    let r = anon.put_json("/project/tests", &project_body("Tests"));
    assert_eq!(r.status, 403, "anonymous create: {}", r.body);
    let r = alice.put_json("/project/tests", &project_body("Tests"));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(location(&r), format!("{base}/project/tests"));
    assert_eq!(
        r.json(),
        json!({"uri": format!("{base}/project/tests"), "name": "tests",
               "redirect": format!("{base}/project/tests"), "type": "project"})
    );
    let r = alice.put_json("/project/tests", &project_body("Tests again"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"redirect": format!("{base}/project/tests#tabs-configuration")})
    );
    let p = alice.get("/project/tests").json();
    has_fields(
        &p,
        &json!({"name": "tests", "displayname": "Tests again", "enabled": true,
                "hidden": false, "enable_dynamic_run_command": false}),
    );

    // ---- Controller/Jobset/http.t (legacy type; flakes are another issue) ------------------
    let r = alice.put_json(
        "/jobset/tests/job",
        &json!({"enabled": 2, "visible": true, "name": "job", "type": 0,
                "description": "test jobset", "nixexprinput": "ofborg", "nixexprpath": "release.nix",
                "inputs": {"ofborg": {"name": "ofborg", "type": "git",
                                      "value": "file:///nonexistent/ofborg.git released"}},
                "checkinterval": 0, "schedulingshares": 100, "keepnr": 3}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(location(&r), format!("{base}/jobset/tests/job"));
    has_fields(&r.json(), &json!({"name": "job", "type": "jobset"}));
    let js = anon.get("/jobset/tests/job").json();
    has_fields(
        &js,
        &json!({
            "checkinterval": 0, "description": "test jobset", "emailoverride": "", "enabled": 2,
            "enableemail": false, "enable_dynamic_run_command": false, "errortime": null,
            "errormsg": "", "fetcherrormsg": "", "flake": "", "visible": true,
            "inputs": {"ofborg": {"name": "ofborg", "type": "git", "emailresponsible": false,
                                   "value": "file:///nonexistent/ofborg.git released"}},
            "keepnr": 3, "lastcheckedtime": null, "name": "job", "nixexprinput": "ofborg",
            "nixexprpath": "release.nix", "project": "tests", "schedulingshares": 100,
            "starttime": null, "triggertime": null, "type": 0
        }),
    );
    let r = alice.put_json(
        "/jobset/tests/job",
        &json!({"enabled": 0, "visible": true, "name": "job", "type": 0,
                "nixexprinput": "ofborg", "nixexprpath": "release.nix",
                "inputs": {"ofborg": {"name": "ofborg", "type": "123", "value": "x"}},
                "description": "test jobset", "checkinterval": 0, "schedulingshares": 50, "keepnr": 1}),
    );
    assert_eq!(r.status, 400, "invalid input type: {}", r.body);
    assert!(r.error().contains("123"), "{}", r.body);
    let r = alice.put_json(
        "/jobset/tests/job",
        &json!({"enabled": 0, "visible": true, "name": "job", "type": 0,
                "nixexprinput": "ofborg", "nixexprpath": "release.nix",
                "inputs": {"ofborg": {"name": "ofborg", "type": "git",
                                      "value": "file:///nonexistent/ofborg.git released"}},
                "description": "test jobset", "checkinterval": 0, "schedulingshares": 50, "keepnr": 1}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"redirect": format!("{base}/jobset/tests/job#tabs-configuration")})
    );
    has_fields(
        &anon.get("/jobset/tests/job").json(),
        &json!({"enabled": 0, "schedulingshares": 50, "keepnr": 1}),
    );
    let r = alice.delete("/jobset/tests/job");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"redirect": format!("{base}/project/tests")})
    );
    assert_eq!(anon.get("/jobset/tests/job").status, 404);

    // ---- A real evaluation and build ------------------------------------------------------
    let mut jb = jobset_body(src.path().to_str().unwrap());
    jb["inputs"]["nonce"] = json!({"type": "string", "value": nonce()});
    let r = alice.put_json("/jobset/tests/rel", &jb);
    assert_eq!(r.status, 201, "{}", r.body);
    // API/checks.t "with a specific source": a cookie POST needs a Referer (and hydrant's
    // CSRF token for a session); `repos` names the input's value.
    let me = alice.get("/current-user").json();
    let csrf = me["csrf"].as_str().unwrap().to_string();
    let referer = format!("{base}/");
    let push = |c: &Client, q: &str, extra: &[(&str, &str)]| {
        c.request(minreq::Method::Post, &format!("/api/push?{q}"), None, extra)
    };
    let r = push(&alice, "jobsets=tests:rel&force=1", &[]);
    assert_eq!(
        r.status, 403,
        "cookie POST without Origin/Referer: {}",
        r.body
    );
    let r = push(
        &alice,
        &format!("repos={}&force=1", enc(src.path().to_str().unwrap())),
        &[("Referer", &referer), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"jobsetsTriggered": ["tests:rel"]}));
    let eval = wait_for("an evaluation", Duration::from_secs(60), &srv, || {
        anon.get("/jobset/tests/rel/evals").json()["evals"][0]["id"].as_u64()
    });
    let members = anon.get(&format!("/eval/{eval}/builds")).json();
    let id = |job: &str| -> u64 {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["job"] == job)
            .unwrap_or_else(|| panic!("job {job} in {members}"))["id"]
            .as_u64()
            .unwrap()
    };
    let (ok, fails, slow, prod) = (id("ok"), id("fails"), id("slow"), id("products"));
    let okb = wait_build(&anon, &srv, ok, "ok finishing", |b| b["finished"] == 1);
    assert_eq!(okb["buildstatus"], 0, "{okb}");
    let fb = wait_build(&anon, &srv, fails, "fails finishing", |b| {
        b["finished"] == 1
    });
    assert_eq!(fb["buildstatus"], 1, "{fb}");
    let pb = wait_build(&anon, &srv, prod, "products finishing", |b| {
        b["finished"] == 1
    });
    assert_eq!(pb["buildstatus"], 0, "{pb}");
    build_products(&anon, &base, prod, &pb);
    // The channel names a package by its release name when it has one.
    channels(
        &anon,
        &base,
        eval,
        &[(&okb, "ok", "ok"), (&pb, "products", "my-release-1.0")],
    );

    // ---- Build/cancel.t: PUT cancel answers 302 to the build ------------------------------
    let r = alice.request(
        minreq::Method::Put,
        &format!("/build/{slow}/cancel"),
        None,
        &[],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(location(&r), format!("{base}/build/{slow}"));
    let sb = wait_build(&anon, &srv, slow, "slow cancelled", |b| b["finished"] == 1);
    assert_eq!(sb["buildstatus"], 4, "{sb}");

    // ---- hydra-cli's negotiation: Content-Type JSON, no Accept ----------------------------
    let cli = Client {
        json: false,
        ..anon.clone()
    };
    for path in [
        "/",
        &format!("/build/{ok}"),
        &format!("/eval/{eval}"),
        "/jobset/tests/rel",
        "/api/jobsets?project=tests",
    ] {
        let r = cli.request(
            minreq::Method::Get,
            path,
            None,
            &[("Content-Type", "application/json")],
        );
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(
            r.headers["content-type"].starts_with("application/json"),
            "{path}"
        );
        serde_json::from_str::<Value>(&r.body).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let r = cli.request(
        minreq::Method::Get,
        "/",
        None,
        &[("Accept", "text/html,*/*;q=0.8")],
    );
    assert!(r.headers["content-type"].starts_with("text/html"));
    let r = cli.get("/api/nrbuilds");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.headers["content-type"].starts_with("application/json"),
        "/api errors are JSON"
    );
    assert!(
        r.json()["error"].as_str().unwrap().contains("nr"),
        "{}",
        r.body
    );

    // ---- JobsetOverview ------------------------------------------------------------------
    let ov = anon.get("/api/jobsets?project=tests").json();
    has_fields(
        &ov[0],
        &json!({"name": "rel", "project": "tests", "nrscheduled": 0, "nrsucceeded": 2,
                "nrfailed": 2, "nrtotal": 4, "haserrormsg": false, "starttime": null,
                "checkinterval": 0}),
    );

    // ---- latest* redirects on job, jobset and project level -------------------------------
    let build_url = format!("{base}/build/{ok}");
    let sys = okb["system"].as_str().unwrap();
    for path in [
        "/job/tests/rel/ok/latest".to_string(),
        "/job/tests/rel/ok/latest-finished".into(),
        format!("/job/tests/rel/ok/latest-for/{sys}"),
    ] {
        let r = anon.get(&path);
        assert_eq!((r.status, location(&r)), (302, build_url.clone()), "{path}");
    }
    // What follows `latest` is passed on to the build, as Hydra does.
    let r = anon.get("/job/tests/rel/products/latest/download/1");
    let want = format!("{base}/build/{prod}/download/1");
    assert_eq!((r.status, location(&r)), (302, want));
    // On jobset and project level, the newest successful build of any job.
    let newest = format!("{base}/build/{}", ok.max(prod));
    for path in [
        "/jobset/tests/rel/latest".to_string(),
        "/jobset/tests/rel/latest-finished".into(),
        format!("/jobset/tests/rel/latest-for/{sys}"),
        "/project/tests/latest".into(),
        "/project/tests/latest-finished".into(),
        format!("/project/tests/latest-for/{sys}"),
    ] {
        let r = anon.get(&path);
        assert_eq!((r.status, location(&r)), (302, newest.clone()), "{path}");
    }
    for path in [
        "/job/tests/rel/fails/latest",
        "/job/tests/rel/ok/latest-for/mips64-plan9",
        "/job/tests/nope/ok/latest",
        "/project/nope/latest",
    ] {
        assert_eq!(anon.get(path).status, 404, "{path}");
    }
    let r = anon.get("/jobset/tests/rel/latest-eval");
    assert_eq!(
        (r.status, location(&r)),
        (302, format!("{base}/eval/{eval}"))
    );
    let r = anon.get(&format!("/build/{ok}/eval"));
    assert_eq!(
        (r.status, location(&r)),
        (302, format!("{base}/eval/{eval}"))
    );
    let info = anon.get(&format!("/build/{ok}/api/get-info")).json();
    assert_eq!(
        info,
        json!({"buildId": ok, "drvPath": okb["drvpath"], "outPath": okb["buildoutputs"]["out"]["path"]})
    );
    // A path input's revision is its contents' hash: it changes with them.
    let rev =
        anon.get(&format!("/eval/{eval}")).json()["jobsetevalinputs"]["src"]["revision"].clone();
    assert_eq!(rev.as_str().map(str::len), Some(64), "{rev}");
    let paths = anon.get(&format!("/eval/{eval}/store-paths")).json();
    let mut want = vec![
        okb["buildoutputs"]["out"]["path"].as_str().unwrap(),
        pb["buildoutputs"]["out"]["path"].as_str().unwrap(),
    ];
    want.sort();
    assert_eq!(paths, json!(want));
    let errs = anon.get("/jobset/tests/rel/errors").json();
    has_fields(&errs, &json!({"name": "rel", "errormsg": ""}));
    assert_eq!(anon.get(&format!("/eval/{eval}/errors")).json()["id"], eval);

    // ---- shields and badges ----------------------------------------------------------------
    assert_eq!(
        anon.get("/job/tests/rel/ok/shield").json(),
        json!({"schemaVersion": 1, "label": "hydra build", "color": "green", "message": "passing"})
    );
    has_fields(
        &anon.get("/job/tests/rel/fails/shield").json(),
        &json!({"color": "red", "message": "failing"}),
    );
    has_fields(
        &anon.get("/job/tests/rel/slow/shield").json(),
        &json!({"color": "yellow", "message": "cancelled"}),
    );
    let r = anon.get("/job/tests/rel/ok/badge.svg");
    assert_eq!(r.headers["content-type"], "image/svg+xml");
    well_formed_svg(&r.body, "passing");

    // ---- API/checks.t: nrbuilds ---------------------------------------------------------
    assert_eq!(
        anon.get("/api/nrbuilds?nr=1&period=hour").json(),
        json!([4])
    );
    assert_eq!(
        anon.get(&format!(
            "/api/nrbuilds?nr=1&period=hour&project=tests&jobset=rel&job=ok&system={sys}"
        ))
        .json(),
        json!([1])
    );
    assert_eq!(
        anon.get("/api/nrbuilds?nr=5&period=day&project=nope")
            .json(),
        json!([])
    );
    assert_eq!(anon.get("/api/nrbuilds?nr=1&period=week").status, 400);

    // ---- JobsetEval/restart.t and Build/restart.t: PUT, 302 back ------------------------
    let r = alice.request(
        minreq::Method::Put,
        &format!("/eval/{eval}/restart-aborted"),
        None,
        &[("Content-Type", "application/json")],
    );
    assert_eq!(
        (r.status, location(&r)),
        (302, format!("{base}/eval/{eval}")),
        "{}",
        r.body
    );
    let sb = anon.get(&format!("/build/{slow}")).json();
    assert_eq!(
        sb["finished"], 0,
        "the cancelled build is queued again: {sb}"
    );
    assert_eq!(
        anon.get(&format!("/build/{fails}")).json()["finished"],
        1,
        "a failed build is not aborted"
    );
    let r = alice.request(
        minreq::Method::Put,
        &format!("/build/{fails}/restart"),
        None,
        &[],
    );
    assert_eq!(
        (r.status, location(&r)),
        (302, format!("{base}/build/{fails}")),
        "{}",
        r.body
    );
    assert_eq!(anon.get(&format!("/build/{fails}")).json()["finished"], 0);
    let r = alice.request(
        minreq::Method::Put,
        &format!("/eval/{eval}/cancel"),
        None,
        &[],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    wait_build(&anon, &srv, slow, "slow cancelled again", |b| {
        b["finished"] == 1
    });
    // GET never acts.
    assert_eq!(anon.get(&format!("/build/{fails}/restart")).status, 405);

    // ---- CSRF for scripts: a foreign Origin is refused even on PUT ----------------------
    let r = alice.request(
        minreq::Method::Put,
        "/project/tests",
        Some((
            "application/json",
            project_body("X").to_string().into_bytes(),
        )),
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(r.status, 403, "{}", r.body);

    // ---- API/webhooks.t -------------------------------------------------------------------
    let mut gh = jobset_body("/nonexistent");
    gh["nixexprinput"] = json!("src");
    gh["inputs"] = json!({"src": {"type": "git", "value": "file:///nonexistent/github.com/OWNER/LEGACY-REPO.git"}});
    assert_eq!(
        alice
            .put_json("/jobset/tests/legacy-input-type", &gh)
            .status,
        201
    );
    let mut gt = gh.clone();
    gt["inputs"]["src"]["value"] = json!("file:///nonexistent/gitea/OWNER/REPO.git main");
    assert_eq!(alice.put_json("/jobset/tests/gitea-input", &gt).status, 201);
    let payload =
        json!({"repository": {"owner": {"name": "OWNER"}, "name": "LEGACY-REPO"}}).to_string();
    let hook = |path: &str, hdr: &str, sig: &str, body: &str| {
        let mut extra = vec![];
        if !sig.is_empty() {
            extra.push((hdr, sig));
        }
        anon.request(
            minreq::Method::Post,
            path,
            Some(("application/json", body.as_bytes().to_vec())),
            &extra,
        )
    };
    let good = format!("sha256={}", hmac_hex("test", payload.as_bytes()));
    let r = hook("/api/push-github", "X-Hub-Signature-256", &good, &payload);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"jobsetsTriggered": ["tests:legacy-input-type"]})
    );
    let bad = format!("sha256={}", hmac_hex("wrong", payload.as_bytes()));
    let r = hook("/api/push-github", "X-Hub-Signature-256", &bad, &payload);
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.json()["error"], "Invalid webhook signature");
    let r = hook("/api/push-github", "X-Hub-Signature-256", "", &payload);
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("Missing webhook signature"))
    );
    let gitea = json!({"repository": {"clone_url": "file:///nonexistent/gitea/OWNER/REPO.git"}})
        .to_string();
    let r = hook(
        "/api/push-gitea",
        "X-Gitea-Signature",
        &hmac_hex("gitea-secret", gitea.as_bytes()),
        &gitea,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"jobsetsTriggered": ["tests:gitea-input"]}));
    let r = hook(
        "/api/push-gitea",
        "X-Gitea-Signature",
        &hmac_hex("test", gitea.as_bytes()),
        &gitea,
    );
    assert_eq!(
        r.status, 401,
        "the github secret does not sign gitea hooks: {}",
        r.body
    );

    // ---- Project/delete.t ---------------------------------------------------------------
    assert_eq!(anon.delete("/project/tests").status, 403);
    let r = alice.delete("/project/tests");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"redirect": format!("{base}/")}));
    assert_eq!(anon.get("/project/tests").status, 404);
}

/// Parses the badge as XML and checks it is an `<svg>` naming the state.
fn well_formed_svg(svg: &str, state: &str) {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut root = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) if root.is_none() => {
                root = Some(String::from_utf8_lossy(e.name().as_ref()).to_string())
            }
            Ok(quick_xml::events::Event::Text(t)) => text.push_str(&t.unescape().unwrap()),
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("badge is not well-formed XML: {e}\n{svg}"),
        }
    }
    assert_eq!(root.as_deref(), Some("svg"), "{svg}");
    assert!(text.contains(state), "{svg}");
}

#[test]
fn webhooks_without_a_secret_refuse() {
    let (state, _) = admin_state("hydra-api-nosecret");
    let srv = Server::start(state.path());
    let c = Client {
        origin: false,
        ..srv.client().anonymous()
    };
    let body = b"{\"repository\":{\"owner\":{\"name\":\"o\"},\"name\":\"r\"}}".to_vec();
    let sig = format!("sha256={}", hmac_hex("", &body));
    let r = c.request(
        minreq::Method::Post,
        "/api/push-github",
        Some(("application/json", body)),
        &[("X-Hub-Signature-256", &sig)],
    );
    assert_eq!(r.status, 401, "{}", r.body);
}

/// Build products of the `products` job: the declared ones that lie inside the build's
/// output, the `nix-build` product every build with output has, downloads, and every escape
/// refused.
fn build_products(c: &Client, base: &str, id: u64, b: &Value) {
    let out = b["buildoutputs"]["out"]["path"].as_str().unwrap();
    let prods = &b["buildproducts"];
    let n = prods.as_object().unwrap().len();
    assert_eq!(
        n, 4,
        "three declared inside the output, one nix-build: {prods}"
    );
    has_fields(
        &prods["1"],
        &json!({"productnr": 1, "type": "doc", "subtype": "none", "name": "some text.txt",
                "path": format!("{out}/some text.txt"), "defaultpath": "", "filesize": 6}),
    );
    let hello = "66a045b452102c59d840ec097d59d9467e13a3f34f6494e539ffd32c1bb35f18";
    assert_eq!(prods["1"]["sha256hash"], hello, "sha256 of `Hello\\n`");
    has_fields(
        &prods["2"],
        &json!({"type": "file", "subtype": "binary-dist", "name": "tool.bin", "filesize": 4}),
    );
    has_fields(
        &prods["3"],
        &json!({"type": "doc", "subtype": "manual", "name": "share", "filesize": null}),
    );
    has_fields(
        &prods["4"],
        &json!({"type": "nix-build", "subtype": "", "path": out, "name": "products"}),
    );
    assert_eq!(b["releasename"], "my-release-1.0");

    // Build/download.t: the named file, served sandboxed.
    let r = c.get(&format!("/build/{id}/download/1/some%20text.txt"));
    assert_eq!((r.status, r.body.as_str()), (200, "Hello\n"));
    assert!(r.headers["content-security-policy"].contains("sandbox"));
    assert!(r.headers["content-type"].starts_with("text/plain"));
    let r = c.get(&format!("/build/{id}/download/1"));
    let file_url = format!("{base}/build/{id}/download/1/some%20text.txt");
    assert_eq!((r.status, location(&r)), (302, file_url));
    let r = c.get(&format!("/build/{id}/download-by-type/file/binary-dist"));
    let bin_url = format!("{base}/build/{id}/download/2/tool.bin");
    assert_eq!((r.status, location(&r)), (302, bin_url));
    let r = c.get(&format!("/build/{id}/download/2/tool.bin"));
    assert_eq!(
        (
            r.status,
            r.headers["content-type"].as_str(),
            r.body.as_str()
        ),
        (200, "application/octet-stream", "bin\n")
    );
    // A directory product: its index.html, then files inside it by path.
    let r = c.get(&format!("/build/{id}/download/3/share/"));
    assert_eq!((r.status, r.body.trim()), (200, "<p>manual</p>"));
    let r = c.get(&format!("/build/{id}/download/3/share/tool.bin"));
    assert_eq!(r.body, "bin\n");
    // The nix-build product: the output itself, listed.
    let out_url = format!("{base}/build/{id}/download/4/products");
    let r = c.get(&format!("/build/{id}/download/4"));
    assert_eq!((r.status, location(&r)), (302, out_url.clone()));
    let r = c.html().get(&format!("/build/{id}/download/4/products/"));
    assert_eq!(r.status, 200, "{}", r.body);
    let names = texts(&r.body, "#listing a");
    assert!(names.contains(&"share/".to_string()), "{names:?}");
    assert!(names.contains(&"evil".to_string()), "{names:?}");
    let r = c.get(&format!("/build/{id}/download-by-type/nix-build/-"));
    assert_eq!((r.status, location(&r)), (302, out_url));
    // Never outside the output: a symlink out of it, `..`, products that were refused.
    for path in [
        format!("/build/{id}/download/4/products/evil/passwd"),
        format!("/build/{id}/download/4/products/evil/"),
        format!("/build/{id}/download/9"),
        format!("/build/{id}/download/nope"),
        format!("/build/{id}/download-by-type/doc/passwd"),
        format!("/build/{id}/download-by-type/doc/escape"),
    ] {
        let r = c.get(&path);
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(!r.body.contains("root:"), "{path}");
    }
    let r = c.get(&format!(
        "/build/{id}/download/4/products/%2E%2E/%2E%2E/etc/passwd"
    ));
    assert!(matches!(r.status, 400 | 404), "{}", r.body);
    assert!(!r.body.contains("root:"));
}

/// Jobset/Controller channel.t: the channel's `nixexprs.tar.xz` (and the eval's `.tar.bz2`)
/// unpacked by tar and queried by `nix-env`, which must list each job with its output path.
fn channels(c: &Client, base: &str, eval: u64, jobs: &[(&Value, &str, &str)]) {
    let dir = TempDir::new("hydra-api-channel");
    for (url, flag) in [
        (
            "/jobset/tests/rel/channel/latest/nixexprs.tar.xz".to_string(),
            "-xJf",
        ),
        (format!("/eval/{eval}/channel/nixexprs.tar.bz2"), "-xjf"),
    ] {
        let r = minreq::get(format!("{}{url}", c.base)).send().unwrap();
        assert_eq!(r.status_code, 200, "{url}");
        let into = dir.path().join(flag);
        std::fs::create_dir_all(&into).unwrap();
        let tarball = into.join("nixexprs");
        std::fs::write(&tarball, r.as_bytes()).unwrap();
        let out = std::process::Command::new("tar")
            .arg(flag)
            .arg(&tarball)
            .arg("-C")
            .arg(&into)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tar: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let name = std::fs::read_to_string(into.join("channel/channel-name")).unwrap();
        assert!(name.starts_with("tests-rel-"), "{name}");
        let out = std::process::Command::new("nix-env")
            .args([
                "--json",
                "--query",
                "--available",
                "--attr-path",
                "--out-path",
                "--file",
            ])
            .arg(into.join("channel/default.nix"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "nix-env: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let pkgs: Value = serde_json::from_slice(&out.stdout).unwrap();
        let keys: Vec<&String> = pkgs.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["ok", "products"], "{url}: {pkgs}");
        for (b, job, name) in jobs {
            assert_eq!(pkgs[*job]["name"], *name, "{url}: {pkgs}");
            assert_eq!(
                pkgs[*job]["outputs"]["out"], b["buildoutputs"]["out"]["path"],
                "{pkgs}"
            );
        }
    }
    let r = c.get("/jobset/tests/rel/channel/latest/binary-cache-url");
    assert_eq!(r.body, format!("{base}/"));
    let page = c.html().get("/jobset/tests/rel/channel/latest").body;
    assert_eq!(texts(&page, "#channel-packages td a").len(), 2, "{page}");
    assert_eq!(
        c.get("/jobset/tests/rel/channel/latest/MANIFEST").status,
        404
    );
}

/// `api-test.t`: log in with JSON, create a project and a path jobset with the cookie alone,
/// evaluate twice with the source changed in between (the input's revision changes), read a
/// queued build, search for the project and the build's output path, delete the project with
/// its evaluations and builds.
#[test]
fn api_test_t() {
    let (state, admin_token) = admin_state("hydra-api-test-t");
    let src = TempDir::new("hydra-api-test-t-src");
    // A job for a system no machine has: it stays queued, as the Perl test's unbuilt job.
    let expr = format!(
        "{{ job = derivation {{ name = \"job\"; builder = \"/bin/sh\"; args = [\"-c\" \"mkdir $out\"]; system = \"mips64-plan9\"; nonce = \"{}\"; }}; }}\n",
        nonce()
    );
    write_file(src.path(), "default.nix", &expr);
    let srv = Server::start(state.path());
    let plain = Client {
        origin: false,
        ..srv.client().anonymous()
    };
    let referer = format!("{}/", plain.base);
    let login = |password: &str| {
        let body = json!({"username": "admin", "password": password}).to_string();
        plain.request(
            minreq::Method::Post,
            "/login",
            Some(("application/json", body.into_bytes())),
            &[("Origin", referer.as_str())],
        )
    };
    assert_eq!(login("wrong").status, 403, "Incorrect password rejected.");
    let r = login("adminpw");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["username"], "admin");
    assert_eq!(r.json()["userroles"][0], "admin");
    let cookie = r.headers["set-cookie"]
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let c = Client {
        cookie: Some(cookie),
        ..plain.clone()
    };
    assert_eq!(c.get("/current-user").json()["username"], "admin");

    assert_eq!(c.get("/project/sample").status, 404);
    let r = c.put_json(
        "/project/sample",
        &json!({"displayname": "Sample", "enabled": "1", "visible": "1"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(c.get("/project/sample").json()["jobsets"], json!([]));
    let dir = src.path().to_str().unwrap();
    let r = c.put_json(
        "/jobset/sample/default",
        &json!({"nixexprpath": "default.nix", "nixexprinput": "my-src",
                "inputs": {"my-src": {"type": "path", "value": dir}},
                "enabled": "1", "visible": "1", "checkinterval": "3600"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let js = c.get("/jobset/sample/default").json();
    assert_eq!(js["inputs"]["my-src"]["value"], dir);

    let admin = srv.client().with_bearer(&admin_token);
    // Waits for at least `n` evals and then for the jobset to be idle: a new jobset is
    // evaluated at once, and a push during that eval gets its own eval after it.
    let evaluate = |n: usize| {
        let r = admin.post_json("/api/push?jobsets=sample:default&force=1", &json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
        wait_for("an evaluation", Duration::from_secs(60), &srv, || {
            let v = c.get("/jobset/sample/default/evals").json();
            let n_evals = v["evals"].as_array().map(Vec::len).unwrap_or(0);
            let idle = c.get("/jobset/sample/default").json()["triggertime"].is_null()
                && c.get("/jobset/sample/default/eval-progress").json()["running"] == false;
            (n_evals >= n && idle).then_some(())
        });
        let v = c.get("/jobset/sample/default/evals").json();
        v["evals"].as_array().cloned().unwrap_or_default()
    };
    let first = evaluate(1);
    assert_eq!(
        first.last().unwrap()["hasnewbuilds"],
        1,
        "The first eval of a jobset has new builds"
    );
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(src.path().join("default.nix"))
        .unwrap();
    std::io::Write::write_all(&mut f, b"\n").unwrap();
    let evals = evaluate(first.len() + 1);
    assert_eq!(
        evals.len(),
        first.len() + 1,
        "Changing a jobset source creates another evaluation"
    );
    let rev = |e: &Value| e["jobsetevalinputs"]["my-src"]["revision"].clone();
    assert_ne!(
        rev(&evals[0]),
        rev(&first[0]),
        "Changing a jobset source changes its revision"
    );
    let b = c.get(&format!("/build/{}", evals[0]["builds"][0])).json();
    assert_eq!(b["job"], "job");
    assert_eq!(b["finished"], 0, "The build isn't finished yet");
    let out = b["buildoutputs"]["out"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        out.starts_with("/nix/store/") && out.ends_with("-job"),
        "{out}"
    );
    let s = c.get("/search/?query=sample").json();
    assert_eq!(s["projects"][0]["name"], "sample", "{s}");
    let s = c.get(&format!("/search/?query={out}")).json();
    assert_eq!(
        s["builds"][0]["buildoutputs"]["out"]["path"],
        out.as_str(),
        "{s}"
    );

    let r = c.delete("/project/sample");
    assert_eq!(
        r.status, 200,
        "DELETEing a project with evaluations and builds: {}",
        r.body
    );
    let r = c.put_json(
        "/project/sample2",
        &json!({"displayname": "Sample2", "enabled": "1", "visible": "1"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(c.delete("/project/sample2").status, 200);
}
