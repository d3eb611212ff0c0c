//! HTML pages and the eval read side against the real binary, parsed with `tl`.
mod common;
mod web_support;

use hydrant::db::{self, Db, Eval, EvalInput, Jobset, JobsetInput, NewJob, Project};
use serde_json::json;
use std::collections::BTreeMap;
use web_support::*;

fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
    JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

fn job(name: &str, drv: &str) -> NewJob {
    NewJob {
        job: name.into(),
        drvpath: drv.into(),
        // No machine builds this system: the running queue runner leaves these fake builds queued.
        system: "test-nomachine".into(),
        nixname: format!("{name}-1.0"),
        // One output path per derivation: a changed derivation is a new build (same job, new
        // output), an unchanged one is reused by the next eval of the jobset.
        outputs: [(
            "out".to_string(),
            format!("{}-out", drv.trim_end_matches(".drv")),
        )]
        .into(),
        priority: 100,
        ..Default::default()
    }
}

/// Marks a build finished with `status` (what the queue runner will do).
fn finish(db: &Db, id: u64, status: i32) {
    common::finish_build(db, id, status);
}

/// Two projects, three jobsets (shares 100/300 enabled + one disabled), and evals with builds.
fn populate(state: &std::path::Path) {
    let db = Db::open(&state.join("hydrant.redb")).unwrap();
    for p in ["alpha", "beta"] {
        db.put_project(&Project {
            name: p.into(),
            displayname: format!("The {p}"),
            description: format!("{p} description"),
            owner: "admin".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
    }
    let mut a = Jobset::new("alpha", "main");
    a.nixexprinput = "src".into();
    a.schedulingshares = 100;
    // Only evaluated when triggered: the running eval thread must not replace the seeded errors.
    a.checkinterval = 0;
    db.put_jobset(
        &a,
        &[
            input("src", "path", "/srv/alpha"),
            input("officialRelease", "boolean", "false"),
        ],
    )
    .unwrap();
    let mut b = Jobset::new("beta", "main");
    b.nixexprinput = "src".into();
    b.schedulingshares = 300;
    b.checkinterval = 0;
    db.put_jobset(
        &b,
        &[input("src", "git", "https://example.org/beta.git main")],
    )
    .unwrap();
    let mut off = Jobset::new("alpha", "off");
    off.nixexprinput = "src".into();
    off.enabled = db::JOBSET_DISABLED;
    off.schedulingshares = 1000;
    db.put_jobset(&off, &[input("src", "path", "/x")]).unwrap();

    let ev = |n: i64| Eval {
        project: "alpha".into(),
        jobset: "main".into(),
        timestamp: 1_700_000_000 + n,
        checkouttime: 1,
        evaltime: 2,
        inputs: vec![EvalInput {
            name: "src".into(),
            kind: "path".into(),
            value: "/srv/alpha".into(),
            sha256hash: "h".into(),
            ..Default::default()
        }],
        inputs_hash: format!("h{n}"),
        ..Default::default()
    };
    // 25 evals of one job each (builds 1..=25), then one with three jobs and a broken one.
    for n in 1..=25 {
        db.record_eval(
            ev(n),
            vec![job("hello", &format!("/nix/store/hello{n}.drv"))],
        )
        .unwrap();
    }
    let mut last = ev(26);
    last.job_errors = BTreeMap::from([(
        "broken".to_string(),
        "error: attribute 'nope' missing".to_string(),
    )]);
    let e = db
        .record_eval(
            last,
            vec![
                job("hello", "/nix/store/hello25.drv"),
                job("good", "/nix/store/good.drv"),
                job("bad", "/nix/store/bad.drv"),
            ],
        )
        .unwrap();
    assert_eq!(e.id, 26);
    // builds: hello25 = 25 (reused), good = 26, bad = 27
    finish(&db, 26, 0);
    finish(&db, 27, 1);
    db.update_jobset("alpha", "main", |j| {
        j.fetcherrormsg = Some("cannot fetch input `x`".into())
    })
    .unwrap();
}

#[test]
fn pages_render_with_expected_content() {
    let (state, _tok) = admin_state("pages");
    populate(state.path());
    let srv = Server::start(state.path());
    let anon = srv.client().html();

    // Overview.
    let r = anon.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(texts(&r.body, "#projects a"), vec!["alpha", "beta"]);
    assert!(r.body.contains("/static/hydrant.css"));
    let css = anon.get("/static/hydrant.css");
    assert!(css.headers["content-type"].starts_with("text/css"));
    assert!(css.body.contains("details.actions"));

    // Project page: shares as % of all enabled shares (100 + 300).
    let r = anon.get("/project/alpha");
    assert_eq!(texts(&r.body, "#jobsets a"), vec!["main", "off"]);
    assert_eq!(texts(&r.body, "#jobsets td.share"), vec!["25.0%", "—"]);
    let r = anon.get("/project/beta");
    assert_eq!(texts(&r.body, "#jobsets td.share"), vec!["75.0%"]);

    // Jobset page, anonymous: Actions has only what anyone may do.
    let r = anon.get("/jobset/alpha/main");
    assert_eq!(r.status, 200);
    assert_eq!(
        texts(&r.body, "nav.tabbar a.tab"),
        vec!["Evaluations", "Jobs", "Configuration"]
    );
    assert_eq!(
        texts(&r.body, "nav.tabbar a.tab.active"),
        vec!["Evaluations"]
    );
    assert_eq!(
        texts(&r.body, "nav.tabbar details.actions summary"),
        vec!["Actions"]
    );
    assert_eq!(
        texts(&r.body, "details.actions li"),
        vec!["Reproduce locally"]
    );
    // Evaluation errors: fetch error and the latest eval's job errors.
    let errs = texts(&r.body, "#eval-errors .error");
    assert!(
        errs.contains(&"cannot fetch input `x`".to_string()),
        "{errs:?}"
    );
    assert!(
        errs.contains(&"error: attribute 'nope' missing".to_string()),
        "{errs:?}"
    );
    // Evaluations tab: 20 newest, with counts.
    let ids = texts(&r.body, "#evals a");
    assert_eq!(ids.len(), 20);
    assert_eq!(ids[0], "26");
    assert_eq!(ids[19], "7");
    assert_eq!(texts(&r.body, "#evals td.new")[0], "2");
    // With the change against the eval before (25 had none finished).
    assert_eq!(texts(&r.body, "#evals td.succeeded")[0], "1 +1");
    assert_eq!(texts(&r.body, "#evals td.failed")[0], "1 +1");
    assert_eq!(texts(&r.body, "#evals td.queued")[0], "1");
    assert!(r.body.contains("Page 1 of 2"));
    let r2 = anon.get("/jobset/alpha/main?tab=evals&page=2");
    assert_eq!(
        texts(&r2.body, "#evals a"),
        vec!["6", "5", "4", "3", "2", "1"]
    );

    // Jobs tab: a grid of jobs by name × the last evals, the newest first.
    let r = anon.get("/jobset/alpha/main?tab=jobs");
    assert_eq!(texts(&r.body, "#jobs td.job"), vec!["bad", "good", "hello"]);
    assert_eq!(
        attrs(&r.body, "#jobs td.latest", "title"),
        vec!["Failed", "Succeeded", "Queued"]
    );
    assert_eq!(
        attrs(&r.body, "#jobs td.job a", "href"),
        vec![
            "/job/alpha/main/bad",
            "/job/alpha/main/good",
            "/job/alpha/main/hello"
        ]
    );
    let r = anon.get("/jobset/alpha/main?tab=jobs&sort=desc");
    assert_eq!(texts(&r.body, "#jobs td.job"), vec!["hello", "good", "bad"]);

    // Configuration tab.
    let r = anon.get("/jobset/alpha/main?tab=config");
    let cfg = texts(&r.body, "#config td");
    assert!(
        cfg.iter().any(|t| t.contains("100") && t.contains("25.0%")),
        "{cfg:?}"
    );
    assert_eq!(
        texts(&r.body, "#inputs td.name"),
        vec!["officialRelease", "src"]
    );

    // Eval page and build page.
    let r = anon.get("/eval/26?tab=all");
    assert_eq!(
        texts(&r.body, "#eval-builds td.job"),
        vec!["hello", "good", "bad"]
    );
    let r = anon.get("/eval/26?tab=errors");
    assert_eq!(texts(&r.body, "h3"), vec!["broken"]);
    let r = anon.get("/build/26");
    assert!(texts(&r.body, "#build-summary td.status")[0].contains("Succeeded"));
    assert_eq!(
        texts(&r.body, "#build-outputs code"),
        vec!["/nix/store/good-out"]
    );

    // Reproduce script.
    let r = anon.get("/jobset/alpha/main/reproduce");
    assert!(r.headers["content-type"].starts_with("text/plain"));
    assert!(r.body.starts_with("#!/bin/sh"));
    assert!(
        r.body.contains("--arg 'officialRelease' 'false'"),
        "{}",
        r.body
    );
    assert!(r.body.contains("nix-build"), "{}", r.body);
    let r = anon.get("/jobset/beta/main/reproduce");
    assert!(
        r.body
            .contains("git clone --quiet --branch 'main' -- 'https://example.org/beta.git'"),
        "{}",
        r.body
    );

    // Logged in as admin: the full Actions menu and forms carry the CSRF token.
    let admin = srv.client().login("admin", "adminpw").html();
    let r = admin.get("/jobset/alpha/main");
    assert_eq!(
        texts(&r.body, "details.actions li"),
        vec![
            "Evaluate",
            "Edit configuration",
            "Clone this jobset",
            "Reproduce locally",
            "Delete this jobset…"
        ]
    );
    // Evaluate posts at once; Delete leads to its confirmation page.
    let csrf = admin.csrf();
    assert_eq!(
        attrs(&r.body, "details.actions form input[name=csrf]", "value"),
        vec![csrf]
    );
    assert_eq!(
        attrs(&r.body, "details.actions li a.danger", "href"),
        vec!["/jobset/alpha/main/delete"]
    );
    assert_eq!(texts(&r.body, "#current-user"), vec!["admin"]);

    // Login page and a 404 page.
    let r = anon.get("/login");
    assert_eq!(
        attrs(&r.body, "form.edit input", "name"),
        vec!["csrf", "username", "password"]
    );
    let r = anon.get("/eval/999");
    assert_eq!(r.status, 404);
    assert_eq!(texts(&r.body, "h1"), vec!["404 Not found"]);
}

#[test]
fn eval_json_in_hydra_shapes() {
    let (state, _tok) = admin_state("evaljson");
    populate(state.path());
    let srv = Server::start(state.path());
    let c = srv.client();
    let v = c.get("/jobset/alpha/main/evals").json();
    assert_eq!(v["evals"].as_array().unwrap().len(), 20);
    assert_eq!(v["first"], "?page=1");
    assert_eq!(v["last"], "?page=2");
    assert_eq!(v["next"], "?page=2");
    assert!(v.get("previous").is_none());
    let e = &v["evals"][0];
    assert_eq!(e["id"], 26);
    assert_eq!(e["builds"], json!([25, 26, 27]));
    assert_eq!(e["hasnewbuilds"], 1);
    assert_eq!(e["jobsetevalinputs"]["src"]["type"], "path");
    let v = c.get("/jobset/alpha/main/evals?page=2").json();
    assert_eq!(v["evals"].as_array().unwrap().len(), 6);
    assert_eq!(v["previous"], "?page=1");
    assert!(v.get("next").is_none());
    assert_eq!(c.get("/jobset/alpha/main/evals?page=0").status, 400);
    // A page far past the last: an empty list, however far (the row offset overflowed and
    // answered 500).
    for page in ["1000000", "1000000000000000000", "18446744073709551615"] {
        let v = c
            .get(&format!("/jobset/alpha/main/evals?page={page}"))
            .json();
        assert_eq!(v["evals"].as_array().unwrap().len(), 0, "{v}");
        let r = c.html().get(&format!("/jobset/alpha/main?page={page}"));
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = c.get("/jobset/alpha/main/evals?page=99999999999999999999999");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("`page` must be a positive number"),
        "{}",
        r.body
    );

    let e = c.get("/eval/26").json();
    for k in [
        "id",
        "timestamp",
        "checkouttime",
        "evaltime",
        "hasnewbuilds",
        "builds",
        "jobsetevalinputs",
    ] {
        assert!(e.get(k).is_some(), "missing {k}: {e}");
    }
    assert_eq!(e["timestamp"], 1_700_000_026i64);
    let builds = c.get("/eval/26/builds").json();
    let jobs: Vec<_> = builds
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["job"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(jobs, vec!["hello", "good", "bad"]);
    let b = c.get("/build/27").json();
    assert_eq!(
        (b["finished"].clone(), b["buildstatus"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(b["buildoutputs"]["out"]["path"], "/nix/store/bad-out");
    assert_eq!(c.get("/build/999").status, 404);
}

#[test]
fn html_forms_without_javascript() {
    let (state, _tok) = admin_state("forms");
    let srv = Server::start(state.path());
    let s = srv.client().login("admin", "adminpw").html();
    let csrf = s.csrf();

    // Create a project through the form.
    let r = s.get("/create-project");
    assert_eq!(attrs(&r.body, "form.edit", "action"), vec!["/project/.new"]);
    let r = s.post_form(
        "/project/.new",
        &[
            ("csrf", &csrf),
            ("name", "web"),
            ("displayname", "Web"),
            ("enabled", "on"),
            ("visible", "on"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.headers["location"], "/project/web");

    // Empty jobset form: radios and three empty input rows.
    let r = s.get("/project/web/create-jobset");
    assert_eq!(
        attrs(&r.body, "#jobset-form", "action"),
        vec!["/jobset/web/.new"]
    );
    let radios: Vec<String> = texts(&r.body, "#enabled label");
    assert_eq!(
        radios,
        vec!["Enabled", "One-shot", "One-at-a-time", "Disabled"]
    );
    assert_eq!(
        attrs(&r.body, "#enabled input", "value"),
        vec!["1", "2", "3", "0"]
    );
    assert_eq!(texts(&r.body, "#input-rows tr.input-row").len(), 3);
    assert_eq!(
        texts(&select(&r.body, "#input-rows select")[0], "option"),
        vec!["string", "boolean", "nix", "path", "git"]
    );

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("name", "rel"),
        ("description", "release"),
        ("enabled", "3"),
        ("visible", "on"),
        ("nixexprinput", "src"),
        ("nixexprpath", "release.nix"),
        ("checkinterval", "60"),
        ("schedulingshares", "42"),
        ("keepnr", "5"),
        ("input-0-name", "src"),
        ("input-0-type", "path"),
        ("input-0-value", "/srv/web"),
        ("input-1-name", "flag"),
        ("input-1-type", "boolean"),
        ("input-1-value", "true"),
        ("input-2-name", ""),
        ("input-2-type", "string"),
        ("input-2-value", ""),
    ];
    let r = s.post_form("/jobset/web/.new", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.headers["location"], "/jobset/web/rel");
    let js = s.get("/jobset/web/rel");
    let json = srv.client().get("/jobset/web/rel").json();
    assert_eq!(json["enabled"], 3);
    assert_eq!(json["schedulingshares"], 42);
    assert_eq!(json["enableemail"], false);
    assert_eq!(json["inputs"]["flag"]["value"], "true");
    assert!(js.body.contains("Jobset web:rel"));

    // Edit form shows existing rows + 3 empty; removing a row by its checkbox.
    let r = s.get("/jobset/web/rel/edit");
    assert_eq!(texts(&r.body, "#input-rows tr.input-row").len(), 5);
    assert_eq!(
        attrs(&r.body, "#enabled input[checked]", "value"),
        vec!["3"]
    );
    fields.retain(|(k, _)| *k != "name");
    fields.push(("input-1-remove", "on"));
    let r = s.post_form("/jobset/web/rel", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    let json = srv.client().get("/jobset/web/rel").json();
    assert_eq!(
        json["inputs"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        vec!["src"]
    );

    // Clone form: J's values with an empty name, posting to .new.
    let r = s.get("/jobset/web/rel/clone");
    assert_eq!(
        attrs(&r.body, "#jobset-form", "action"),
        vec!["/jobset/web/.new"]
    );
    assert_eq!(attrs(&r.body, "input[name=name]", "value"), vec![""]);
    assert_eq!(
        attrs(&r.body, "input[name=description]", "value"),
        vec!["release"]
    );
    assert_eq!(
        attrs(&r.body, "input[name=input-0-value]", "value"),
        vec!["/srv/web"]
    );
    let mut clone = fields.clone();
    clone.push(("name", "rel2"));
    clone.retain(|(k, _)| *k != "input-1-remove");
    assert_eq!(s.post_form("/jobset/web/.new", &clone).status, 303);
    assert_eq!(
        srv.client().get("/jobset/web/rel2").json()["schedulingshares"],
        42
    );
    // A bad form value comes back in the form, with the message beside its field, the other
    // typed values kept, and changes nothing.
    let mut bad = fields.clone();
    bad.retain(|(k, _)| !matches!(*k, "schedulingshares" | "description"));
    bad.push(("schedulingshares", "0"));
    bad.push(("description", "typed but not saved"));
    let r = s.post_form("/jobset/web/rel", &bad);
    assert_eq!(r.status, 422);
    assert!(texts(&r.body, "#error-schedulingshares")[0].contains("schedulingshares"));
    assert_eq!(
        attrs(&r.body, "input[name=schedulingshares]", "value"),
        ["0"]
    );
    assert_eq!(
        attrs(&r.body, "input[name=description]", "value"),
        ["typed but not saved"]
    );
    assert_eq!(
        attrs(&r.body, "input[name=input-0-value]", "value"),
        vec!["/srv/web"]
    );
    assert!(
        texts(&r.body, "label.invalid code.field")
            .iter()
            .any(|t| t == "schedulingshares"),
        "the label names the field as the message does"
    );
    let r = s.post_form(
        "/project/.new",
        &[
            ("csrf", &csrf),
            ("name", "np"),
            ("displayname", "New P"),
            ("homepage", "javascript:x"),
            ("owner", "nobody"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(texts(&r.body, "#error-homepage")[0].contains("homepage"));
    assert_eq!(
        attrs(&r.body, "input[name=displayname]", "value"),
        ["New P"]
    );
    let r = s.post_form(
        "/project/.new",
        &[
            ("csrf", &csrf),
            ("name", "np"),
            ("displayname", "New P"),
            ("owner", "nobody"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        texts(&r.body, "#error-owner")[0].contains("is not a user"),
        "{}",
        r.body
    );
    assert_eq!(srv.client().get("/project/np").status, 404);
    assert_eq!(
        srv.client().get("/jobset/web/rel").json()["schedulingshares"],
        42
    );

    // Evaluate (Actions) records a trigger.
    let r = s.post_form("/jobset/web/rel/evaluate", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(was_triggered(&srv.client().get("/jobset/web/rel").json()));
    // The page shows the pending request, unless the eval thread has already taken it.
    let page = s.get("/jobset/web/rel").body;
    assert!(
        page.contains("An evaluation has been requested")
            || srv.client().get("/jobset/web/rel").json()["triggertime"].is_null()
    );

    // Delete jobset and project through forms: the menu leads to a confirmation page, whose
    // red button posts `confirm=yes`; a form without it is sent to that page.
    let r = s.post_form("/jobset/web/rel2/delete", &[("csrf", &csrf)]);
    assert_eq!(
        (r.status, r.headers["location"].as_str()),
        (303, "/jobset/web/rel2/delete")
    );
    assert_eq!(srv.client().get("/jobset/web/rel2").status, 200);
    let confirm = s.get("/jobset/web/rel2/delete").body;
    assert_eq!(
        attrs(&confirm, "form#confirm-delete", "action"),
        ["/jobset/web/rel2/delete"]
    );
    assert_eq!(
        texts(&confirm, "form#confirm-delete button.danger"),
        ["Delete jobset web:rel2"]
    );
    assert_eq!(
        s.post_form(
            "/jobset/web/rel2/delete",
            &[("csrf", &csrf), ("confirm", "yes")]
        )
        .status,
        303
    );
    assert_eq!(srv.client().get("/jobset/web/rel2").status, 404);
    let r = s.post_form(
        "/project/web/delete",
        &[("csrf", &csrf), ("confirm", "yes")],
    );
    assert_eq!((r.status, r.headers["location"].as_str()), (303, "/"));
    assert_eq!(srv.client().get("/project/web").status, 404);

    // Form logout.
    let r = s.post_form("/logout", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(r.headers["set-cookie"].contains("Max-Age=0"));
    assert_eq!(s.get("/current-user").status, 403);
}

#[test]
fn demo_creates_the_fixture_project_and_triggers_it() {
    let state = common::TempDir::new("demo");
    let cwd = common::TempDir::new("democwd");
    std::fs::create_dir_all(cwd.path().join("fixtures/demo")).unwrap();
    let srv = Server::start_with(state.path(), &["--demo"], Some(cwd.path()));
    let c = srv.client();
    let js = c.get("/jobset/demo/release").json();
    let want = cwd.path().join("fixtures/demo").canonicalize().unwrap();
    assert_eq!(js["inputs"]["src"]["type"], "path");
    assert_eq!(js["inputs"]["src"]["value"], want.display().to_string());
    assert_eq!(js["inputs"]["officialRelease"]["value"], "false");
    assert_eq!(js["nixexprpath"], "release.nix");
    assert_eq!(js["checkinterval"], 0);
    assert!(was_triggered(&js), "{js}");
    drop(srv);
    // Not re-created when projects exist.
    let srv = Server::start_with(state.path(), &["--demo"], Some(cwd.path()));
    assert!(!srv.log().contains("created the demo project"));
    assert_eq!(srv.client().get("/").json().as_array().unwrap().len(), 1);
}

/// A trigger is still pending, or the eval thread already took it and checked the jobset.
fn was_triggered(js: &serde_json::Value) -> bool {
    js["triggertime"].is_i64()
        || js["lastcheckedtime"].is_i64()
        || js["errortime"].is_i64()
        || js["fetcherrormsg"].as_str().is_some_and(|m| !m.is_empty())
}
