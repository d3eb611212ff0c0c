//! The views a Hydra user lives in, on the real binary with real Nix: a jobset whose release
//! expression changes between evaluations (a job fixed, one broken, two added, one removed, an
//! evaluation error added) gives exactly the right comparison lists in `/eval/N/compare` and
//! the right counts in the eval page's tabs, also against an older eval with `?compare=`.
mod common;
mod web_support;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use web_support::*;

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

const OK: &str = "echo built; mkdir -p $out; echo hi > $out/file";
const FAIL: &str = "echo this build fails >&2; exit 1";

/// A release.nix with `jobs` (name → shell script, unique per `nonce`) and, when `error` is
/// set, a job whose evaluation throws.
fn write_release(dir: &Path, nonce: &str, jobs: &[(&str, &str)], error: Option<&str>) {
    let mut s = format!(
        "{{ src ? ./., officialRelease ? false }}:\nlet mk = name: script: derivation {{\n  \
         inherit name; builder = \"/bin/sh\"; args = [ \"-c\" script ];\n  \
         PATH = \"/usr/bin:/bin\"; system = builtins.currentSystem; nonce = \"{nonce}\";\n}};\nin {{\n"
    );
    for (name, script) in jobs {
        s.push_str(&format!("  {name} = mk \"{name}\" ''{script}'';\n"));
    }
    if let Some(e) = error {
        s.push_str(&format!("  {e} = throw \"{e} does not evaluate\";\n"));
    }
    s.push_str("}\n");
    common::write_file(dir, "release.nix", &s);
}

/// Triggers p:j, waits for an eval newer than `after` and for all its builds to finish;
/// returns (eval id, job → build id).
fn evaluate(c: &Client, srv: &Server, after: u64) -> (u64, BTreeMap<String, u64>) {
    let r = c.post_json("/api/push?jobsets=p:j&force=1", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let eval = wait_for("an evaluation", Duration::from_secs(60), srv, || {
        let evals = c.get("/jobset/p/j/evals").json();
        evals["evals"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|e| e["id"].as_u64())
            .filter(|&id| id > after)
    });
    let ids = wait_for("the builds", Duration::from_secs(120), srv, || {
        let builds = c.get(&format!("/eval/{eval}/builds")).json();
        let all = builds.as_array().unwrap();
        all.iter().all(|b| b["finished"] == 1).then(|| {
            all.iter()
                .map(|b| {
                    (
                        b["job"].as_str().unwrap().to_string(),
                        b["id"].as_u64().unwrap(),
                    )
                })
                .collect::<BTreeMap<_, _>>()
        })
    });
    (eval, ids)
}

fn jobs_of(v: &Value, list: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no list {list} in {v}"))
        .iter()
        .map(|e| e["job"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn eval_comparison_lists_what_changed() {
    let (state, admin) = admin_state("web-views");
    let src = state.path().join("src");
    let n = nonce();
    write_release(
        &src,
        &n,
        &[
            ("fixme", FAIL),
            ("breakme", OK),
            ("stable", OK),
            ("removeme", OK),
        ],
        None,
    );
    let srv = Server::start(state.path());
    let c = srv.client().with_bearer(&admin);
    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    let r = c.put_json("/jobset/p/j", &jobset_body(src.to_str().unwrap()));
    assert_eq!(r.status, 201, "{}", r.body);
    let (e1, b1) = evaluate(&c, &srv, 0);

    write_release(
        &src,
        &n,
        &[
            ("fixme", OK),
            ("breakme", FAIL),
            ("stable", OK),
            ("added1", OK),
            ("added2", OK),
        ],
        Some("broken"),
    );
    let (e2, b2) = evaluate(&c, &srv, e1);
    assert_eq!(
        b1["stable"], b2["stable"],
        "an unchanged job keeps its build"
    );

    let d = c.get(&format!("/eval/{e2}/compare")).json();
    assert_eq!(
        (d["eval"].as_u64(), d["compareto"].as_u64()),
        (Some(e2), Some(e1))
    );
    assert_eq!(jobs_of(&d, "newlyfailing"), ["breakme"]);
    assert_eq!(jobs_of(&d, "newlysucceeding"), ["fixme"]);
    assert_eq!(jobs_of(&d, "new"), ["added1", "added2"]);
    assert_eq!(jobs_of(&d, "removed"), ["removeme"]);
    assert_eq!(jobs_of(&d, "stillsucceeding"), ["stable"]);
    for empty in ["stillfailing", "unfinished", "aborted"] {
        assert_eq!(jobs_of(&d, empty), Vec::<String>::new(), "{empty}");
    }
    let nf = &d["newlyfailing"][0];
    assert_eq!(nf["build"].as_u64(), Some(b2["breakme"]));
    assert_eq!(nf["buildstatus"], 1);
    assert_eq!(nf["previousbuild"].as_u64(), Some(b1["breakme"]));
    assert_eq!(nf["previousstatus"], 0);
    let rm = &d["removed"][0];
    assert_eq!(rm["build"], Value::Null);
    assert_eq!(rm["previousbuild"].as_u64(), Some(b1["removeme"]));
    assert_eq!(d["new"][0]["previousbuild"], Value::Null);
    assert_eq!(d["errors"]["new"], json!(["broken"]));
    let src_input = d["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "src")
        .unwrap();
    assert_eq!(src_input["changed"], true, "{src_input}");
    assert!(src_input["now"].as_str().unwrap().starts_with("sha256:"));

    // The HTML tabs carry the same counts.
    let page = c.html().get(&format!("/eval/{e2}")).body;
    let tab = |id: &str| texts(&page, &format!("#tab-{id}")).join("");
    assert_eq!(tab("newlyfailing"), "Newly failing (1)");
    assert_eq!(tab("newlysucceeding"), "Newly succeeding (1)");
    assert_eq!(tab("new"), "New jobs (2)");
    assert_eq!(tab("removed"), "Removed jobs (1)");
    assert_eq!(tab("stillfailing"), "Still failing (0)");
    assert_eq!(tab("stillsucceeding"), "Still succeeding (1)");
    assert_eq!(tab("unfinished"), "Unfinished (0)");
    assert_eq!(tab("aborted"), "Aborted/cancelled (0)");
    assert_eq!(tab("inputs"), "Inputs (1 changed)");
    assert_eq!(tab("errors"), "Errors (1 new, 0 fixed)");
    // The first non-empty list is open, its jobs linking to their job pages.
    assert_eq!(texts(&page, "#compare-newlyfailing td.job"), ["breakme"]);
    assert_eq!(
        attrs(&page, "#compare-newlyfailing td.job a", "href"),
        ["/job/p/j/breakme"]
    );
    let page = c.html().get(&format!("/eval/{e2}?tab=new")).body;
    assert_eq!(texts(&page, "#compare-new td.job"), ["added1", "added2"]);
    let page = c.html().get(&format!("/eval/{e2}?tab=errors")).body;
    assert_eq!(texts(&page, "#errors-new h3"), ["broken"]);

    // A third eval, compared with the first one by `?compare=` and `?to=`.
    write_release(
        &src,
        &n,
        &[
            ("fixme", OK),
            ("stable", OK),
            ("added1", OK),
            ("added2", OK),
        ],
        None,
    );
    let (e3, _) = evaluate(&c, &srv, e2);
    let d = c.get(&format!("/eval/{e3}/compare?to={e1}")).json();
    assert_eq!(d["compareto"].as_u64(), Some(e1));
    assert_eq!(jobs_of(&d, "newlysucceeding"), ["fixme"]);
    assert_eq!(jobs_of(&d, "removed"), ["breakme", "removeme"]);
    assert_eq!(jobs_of(&d, "new"), ["added1", "added2"]);
    assert_eq!(jobs_of(&d, "stillsucceeding"), ["stable"]);
    let d3 = c.get(&format!("/eval/{e3}/compare")).json();
    assert_eq!(d3["compareto"].as_u64(), Some(e2));
    assert_eq!(d3["errors"]["fixed"], json!(["broken"]));
    let page = c.html().get(&format!("/eval/{e3}?compare={e1}")).body;
    assert_eq!(texts(&page, "#tab-removed").join(""), "Removed jobs (2)");
    assert!(texts(&page, "#compared-with a")[0].contains(&format!("evaluation {e1}")));
    // The jobs grid: every job of the last evals by name, linking to job pages and builds.
    let page = c.html().get("/jobset/p/j?tab=jobs").body;
    assert_eq!(
        texts(&page, "#jobs td.job"),
        ["added1", "added2", "breakme", "fixme", "removeme", "stable"]
    );
    assert_eq!(attrs(&page, "#jobs td.job a", "href")[3], "/job/p/j/fixme");
    assert_eq!(
        attrs(&page, "#jobs td.latest", "title"),
        ["Succeeded", "Succeeded", "", "Succeeded", "", "Succeeded"]
    );
    assert_eq!(
        texts(&page, "#jobs th.eval"),
        [e3, e2, e1].map(|e| e.to_string())
    );

    // The job page: both builds of `fixme`, the latest links and a well-formed SVG chart.
    let page = c.html().get("/job/p/j/fixme").body;
    let rows = texts(&page, "#job-builds td.status");
    assert_eq!(rows, ["Succeeded", "Failed"], "{page}");
    assert_eq!(attrs(&page, "#latest", "href"), ["/job/p/j/fixme/latest"]);
    let links = attrs(&page, "#latest-links a", "href");
    assert!(
        links.contains(&"/job/p/j/fixme/latest-finished".to_string()),
        "{links:?}"
    );
    for l in &links {
        let r = c.get(l);
        assert_eq!(r.status, 302, "{l}: {}", r.body);
        assert_eq!(
            r.headers["location"],
            format!("{}/build/{}", c.base, b2["fixme"]),
            "{l}"
        );
    }
    for id in ["chart-time", "chart-size"] {
        // Sizes are recorded just after the finish: the size chart may still be empty.
        if id == "chart-size" && page.contains("class=\"muted chart-empty\" id=\"chart-size\"") {
            continue;
        }
        let start = page.find(&format!("<svg id=\"{id}\"")).expect(id);
        let end = start + page[start..].find("</svg>").unwrap() + 6;
        let rects = well_formed_svg(&page[start..end]);
        if id == "chart-time" {
            assert_eq!(rects, 2, "one bar per finished build");
        }
    }

    // The build page's tabs.
    let stable = b2["stable"];
    let page = c.html().get(&format!("/build/{stable}?tab=details")).body;
    assert!(texts(&page, "#build-details td #drvpath")[0].ends_with("-stable.drv"));
    assert!(!texts(&page, "#output-sizes td.num")[0].contains("not in the store"));
    let page = c.html().get(&format!("/build/{stable}?tab=inputs")).body;
    assert_eq!(
        texts(&page, "#build-inputs td.name"),
        ["officialRelease", "src"]
    );
    // The runner records each derivation it realised as a step, with its own log.
    let page = c.html().get(&format!("/build/{stable}?tab=steps")).body;
    assert!(
        texts(&page, "#build-steps td code")[0].ends_with("-stable.drv"),
        "{page}"
    );
    let log = attrs(&page, "#build-steps a.step-log", "href");
    assert_eq!(log, [format!("/build/{stable}/nixlog/1")]);
    assert_eq!(c.get(&log[0]).status, 200);
    let page = c.html().get(&format!("/build/{stable}?tab=deps")).body;
    let out = c.get(&format!("/build/{stable}")).json()["buildoutputs"]["out"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        texts(&page, "#runtime-deps td code"),
        std::slice::from_ref(&out)
    );
    assert!(texts(&page, "#build-deps td code")
        .iter()
        .any(|p| p.ends_with("-stable.drv")));
    let page = c.html().get(&format!("/build/{stable}?tab=usedby")).body;
    assert_eq!(texts(&page, "#used-by-none").len(), 1, "{page}");
    assert_eq!(
        c.html().get(&format!("/build/{stable}?tab=nope")).status,
        400
    );

    // Search: by job name (also an attribute suffix), drv path, out path and its hash part.
    let drv = c.get(&format!("/build/{stable}")).json()["drvpath"]
        .as_str()
        .unwrap()
        .to_string();
    let hash = &out["/nix/store/".len().."/nix/store/".len() + 12];
    let s = c.get("/search?query=FIX").json();
    for k in [
        "projects",
        "jobsets",
        "builds",
        "buildsdrv",
        "buildsoutpaths",
    ] {
        assert!(s[k].is_array(), "{k}: {s}");
    }
    assert_eq!(s["builds"][0]["job"], "fixme", "{s}");
    assert_eq!(s["builds"][0]["id"].as_u64(), Some(b2["fixme"]));
    let s = c.get(&format!("/search?query={drv}")).json();
    assert_eq!(s["buildsdrv"][0]["id"].as_u64(), Some(stable), "{s}");
    let s = c.get(&format!("/search?query={hash}")).json();
    assert_eq!(s["buildsoutpaths"][0]["id"].as_u64(), Some(stable), "{s}");
    assert_eq!(s["buildsdrv"].as_array().unwrap().len(), 0);
    let s = c.get(&format!("/search?query={out}")).json();
    assert_eq!(s["buildsoutpaths"][0]["id"].as_u64(), Some(stable), "{s}");
    let s = c.get("/search?query=p").json();
    assert_eq!(s["projects"][0]["name"], "p", "{s}");
    let page = c.html().get("/search?query=add").body;
    assert_eq!(
        texts(&page, "#hits-jobs td.job a"),
        ["p:j:added1", "p:j:added2"]
    );
    let page = c.html().get("/search?query=zzz-nothing").body;
    assert_eq!(texts(&page, "#no-hits").len(), 1);
    assert_eq!(
        c.get(&format!("/search?query={}", "x".repeat(500))).status,
        400
    );

    // A restart keeps the failed attempt's log and starts a new one.
    let broken = b2["breakme"];
    let first_log = c.get(&format!("/build/{broken}/log/raw")).body;
    assert!(first_log.contains("this build fails"), "{first_log}");
    let r = c.post_json(&format!("/build/{broken}/restart"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    wait_for("the restarted build", Duration::from_secs(60), &srv, || {
        (c.get(&format!("/build/{broken}")).json()["finished"] == 1).then_some(())
    });
    let page = c.html().get(&format!("/build/{broken}")).body;
    assert_eq!(texts(&page, "#attempts tbody tr").len(), 1, "{page}");
    let href = &attrs(&page, "#attempts a.attempt-log", "href")[0];
    assert_eq!(href, &format!("/build/{broken}/log/raw?attempt=1"));
    assert_eq!(
        c.get(href).body,
        first_log,
        "the first attempt's log is kept as it was"
    );
    let second = c.get(&format!("/build/{broken}/log/raw"));
    assert_eq!(second.status, 200);
    assert!(second.body.contains("this build fails"));
    assert_eq!(
        c.get(&format!("/build/{broken}/log/raw?attempt=2")).status,
        404
    );
    // A succeeded build restarted finds its outputs valid and builds nothing: its log is still
    // the one that built it (its newest earlier attempt's), not a 404.
    let stable_log = c.get(&format!("/build/{stable}/log/raw")).body;
    assert!(!stable_log.is_empty());
    let r = c.post_json(&format!("/build/{stable}/restart"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    wait_for("the restarted build", Duration::from_secs(60), &srv, || {
        (c.get(&format!("/build/{stable}")).json()["finished"] == 1).then_some(())
    });
    assert_eq!(
        c.get(&format!("/build/{stable}/log/raw?attempt=1")).body,
        stable_log
    );
    let now = c.get(&format!("/build/{stable}/log/raw"));
    assert_eq!((now.status, &now.body), (200, &stable_log));
    let page = c.html().get(&format!("/build/{stable}")).body;
    let from = texts(&page, "#log-from");
    assert!(
        from.len() == 1 && from[0].contains("attempt 1's"),
        "{from:?}"
    );
    let tail = c.get(&format!("/build/{stable}/log/tail"));
    assert_eq!(tail.status, 200, "{}", tail.body);
    assert!(
        !tail.body.is_empty() && stable_log.ends_with(&tail.body),
        "{}",
        tail.body
    );

    // Status pages: what runs now, the newest evaluations everywhere, the queue.
    let st = c.get("/status").json();
    assert!(st["running"].is_array() && st["nrqueued"].is_u64(), "{st}");
    let page = c.html().get("/status").body;
    assert!(
        texts(&page, "#status-summary")[0].contains("0 builds running"),
        "{page}"
    );
    let ev = c.get("/evals").json();
    let ids: Vec<u64> = ev["evals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [e3, e2, e1]);
    assert_eq!(ev["evals"][0]["jobset"], "j");
    let page = c.html().get("/evals").body;
    assert_eq!(
        texts(&page, "#latest-evals td.jobset"),
        ["p:j", "p:j", "p:j"]
    );
    assert_eq!(texts(&page, "#latest-evals td.errors")[1], "1 job");
    let page = c.html().get("/queue").body;
    assert!(
        texts(&page, "#queue-summary")[0].starts_with("0 queued builds"),
        "{page}"
    );

    // Login returns to the page it came from, never to another site.
    let anon = srv.client().html();
    let page = anon.get(&format!("/eval/{e3}")).body;
    assert_eq!(
        attrs(&page, "#login-link", "href"),
        [format!("/login?return=%2Feval%2F{e3}")]
    );
    let page = anon.get(&format!("/login?return=/eval/{e3}")).body;
    assert_eq!(
        attrs(&page, "input[name=return]", "value"),
        [format!("/eval/{e3}")]
    );
    let back = format!("/eval/{e3}");
    let login = |ret: &str| {
        anon.post_form(
            "/login",
            &[
                ("username", "admin"),
                ("password", "adminpw"),
                ("return", ret),
            ],
        )
    };
    let r = login(&back);
    assert_eq!(
        (r.status, r.headers["location"].as_str()),
        (303, back.as_str())
    );
    for evil in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let r = login(evil);
        assert_eq!(
            (r.status, r.headers["location"].as_str()),
            (303, "/"),
            "{evil}"
        );
    }
    let r = anon.post_form(
        "/login",
        &[
            ("username", "admin"),
            ("password", "nope"),
            ("return", &back),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        attrs(&r.body, "input[name=return]", "value"),
        std::slice::from_ref(&back)
    );

    // Bad comparison targets are clear errors.
    assert_eq!(c.get(&format!("/eval/{e3}/compare?to=999999")).status, 404);
    let r = c.html().get(&format!("/eval/{e3}?compare=a%20b"));
    assert_eq!(r.status, 400, "{}", r.body);
}

/// Parses an SVG document with quick-xml (every tag closed, attributes quoted, entities
/// valid); returns how many `rect` elements it has.
fn well_formed_svg(svg: &str) -> usize {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(svg);
    r.config_mut().check_end_names = true;
    let (mut depth, mut rects, mut root) = (0i32, 0, None);
    loop {
        match r.read_event().unwrap_or_else(|e| panic!("{e}: {svg}")) {
            Event::Start(t) => {
                root.get_or_insert_with(|| String::from_utf8_lossy(t.name().as_ref()).to_string());
                for a in t.attributes() {
                    a.unwrap_or_else(|e| panic!("{e}: {svg}"));
                }
                if t.name().as_ref() == b"rect" {
                    rects += 1;
                }
                depth += 1;
            }
            Event::Empty(t) if t.name().as_ref() == b"rect" => rects += 1,
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced: {svg}");
    assert_eq!(root.as_deref(), Some("svg"));
    rects
}

/// The eval page's "All builds" tab shows 200 builds a page, in build order, with links to the
/// pages around it; a bad page number is a 400.
#[test]
fn eval_all_builds_tab_is_paginated() {
    use hydrant::db::{Db, Jobset, NewJob};
    let (state, _) = admin_state("allpages");
    let eval = {
        let db = Db::open(&state.path().join("hydrant.redb")).unwrap();
        common::ensure_project(&db, "p");
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        let jobs = (0..650)
            .map(|k| NewJob {
                job: format!("job{k:03}"),
                drvpath: format!("/nix/store/{k:032}-job{k}.drv"),
                outputs: [("out".to_string(), format!("/nix/store/{k:032}-job{k}"))].into(),
                // No machine builds this system: the builds stay queued.
                system: "none-nomachine".into(),
                ..Default::default()
            })
            .collect();
        common::record_eval(&db, "p", "j", jobs).0.id
    };
    let srv = Server::start(state.path());
    let c = srv.client().anonymous().html();
    let page = |q: &str| c.get(&format!("/eval/{eval}?tab=all{q}"));
    let first = page("");
    assert_eq!(first.status, 200);
    let jobs = texts(&first.body, "#eval-builds td.job");
    assert_eq!(jobs.len(), 200);
    assert_eq!((jobs[0].as_str(), jobs[199].as_str()), ("job000", "job199"));
    assert_eq!(
        texts(&first.body, "#eval-builds-pager span"),
        vec!["Page 1 of 4 (650 builds)"]
    );
    assert!(first
        .body
        .contains(&format!("href=\"/eval/{eval}?tab=all&amp;page=2\"")));
    let last = page("&page=4");
    let jobs = texts(&last.body, "#eval-builds td.job");
    assert_eq!(jobs.len(), 50);
    assert_eq!(jobs[0], "job600");
    assert!(texts(&last.body, "#eval-builds-next").is_empty());
    // A page past the last shows the last one.
    for past in ["5", "18446744073709551615"] {
        let r = page(&format!("&page={past}"));
        assert_eq!(r.status, 200, "page={past}");
        assert_eq!(
            texts(&r.body, "#eval-builds td.job")[0],
            "job600",
            "page={past}"
        );
        assert_eq!(
            texts(&r.body, "#eval-builds-pager span"),
            vec!["Page 4 of 4 (650 builds)"]
        );
    }
    // The comparison tab shows its first 500 jobs and counts them all.
    let cmp = c.get(&format!("/eval/{eval}")).body;
    assert_eq!(texts(&cmp, "#tab-new").join(""), "New jobs (650)");
    let jobs = texts(&cmp, "#compare-new td.job");
    assert_eq!((jobs.len(), jobs[499].as_str()), (500, "job499"));
    assert!(texts(&cmp, "#compare-more")
        .join("")
        .contains("Showing 500 of 650"));
    let full = c.get(&format!("/eval/{eval}?tab=new&full=1")).body;
    assert_eq!(texts(&full, "#compare-new td.job").len(), 650);
    assert!(texts(&full, "#compare-more").is_empty());
    for bad in ["0", "x", "-1"] {
        let r = page(&format!("&page={bad}"));
        assert_eq!(r.status, 400, "page={bad}");
        assert!(r.body.contains("page"), "{}", r.body);
    }
}
