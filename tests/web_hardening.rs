//! The web server against hostile clients, on the real binary: stored XSS through a project
//! homepage, the security headers every response carries, and CSRF for session writes.
mod common;
mod web_support;

use hydrant::db::{Db, Project};
use serde_json::json;
use web_support::*;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

fn assert_security_headers(r: &Resp, what: &str) {
    let h = |k: &str| r.headers.get(k).map(String::as_str).unwrap_or("");
    assert_eq!(h("content-security-policy"), CSP, "{what}: {:?}", r.headers);
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
}

#[test]
fn homepages_must_be_web_urls() {
    let (state, tok) = admin_state("homepage");
    // An old record written before the check: its page shows no link.
    {
        let db = Db::open(&state.path().join("hydrant.redb")).unwrap();
        db.put_project(&Project {
            name: "old".into(),
            displayname: "Old".into(),
            homepage: "javascript:fetch('/api/push?jobsets=old:j',{method:'POST'})".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
    }
    add_user(state.path(), "maker", &["create-projects"], "makerpw");
    let maker_tok = token(state.path(), "maker");
    let srv = Server::start(state.path());
    let admin = srv.client().with_bearer(&tok);
    let page = admin.html().get("/project/old").body;
    assert!(!page.contains("javascript:"), "{page}");
    assert!(attrs(&page, "a", "href").iter().all(|h| !h.contains(':')));

    let maker = srv.client().with_bearer(&maker_tok);
    for bad in [
        "javascript:fetch('/x')",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/",
        "http://",
        "http:// spaces.example/",
    ] {
        let mut body = project_body("X");
        body["homepage"] = json!(bad);
        let r = maker.put_json("/project/x", &body);
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert!(r.error().contains("`homepage`"), "{bad}: {}", r.body);
        // The HTML form path applies the same rule.
        let r = maker.html().post_form(
            "/project/x",
            &[("displayname", "X"), ("homepage", bad), ("enabled", "on")],
        );
        assert_eq!(r.status, 400, "form {bad}: {}", r.body);
        assert!(r.body.contains("homepage"), "{}", r.body);
    }
    assert_eq!(maker.get("/project/x").status, 404, "nothing was created");
    let mut body = project_body("X");
    body["homepage"] = json!("https://example.org/x");
    assert_eq!(maker.put_json("/project/x", &body).status, 201);
    let page = maker.html().get("/project/x").body;
    assert!(attrs(&page, "a", "href").contains(&"https://example.org/x".to_string()));
}

#[test]
fn every_response_has_the_security_headers() {
    let (state, tok) = admin_state("headers");
    let cfg = state.path().join("hydrant.conf");
    std::fs::write(&cfg, "max_body_bytes = 4096\n").unwrap();
    let srv = Server::start_with(state.path(), &["--config", cfg.to_str().unwrap()], None);
    let c = srv.client().with_bearer(&tok);
    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    let anon = srv.client().anonymous();
    let mut seen = Vec::new();
    for path in [
        "/",
        "/project/p",
        "/login",
        "/queue",
        "/cache",
        "/create-project",
    ] {
        let r = anon.html().get(path);
        // The policy allows no inline script or style: the pages must not need any.
        assert!(!r.body.contains("<script"), "{path}");
        assert!(!r.body.contains("style="), "{path}");
        assert!(!r.body.contains("javascript:"), "{path}");
        seen.push((path.to_string(), r));
    }
    seen.push(("json".into(), anon.get("/project/p")));
    seen.push(("css".into(), anon.get("/static/hydrant.css")));
    seen.push(("404".into(), anon.get("/nope")));
    seen.push((
        "405".into(),
        anon.request(minreq::Method::Patch, "/project/p", None, &[]),
    ));
    seen.push((
        "401".into(),
        anon.put_json("/project/q", &project_body("Q")),
    ));
    let big = vec![b'x'; 10_000];
    seen.push((
        "413".into(),
        c.request(
            minreq::Method::Put,
            "/project/p",
            Some(("application/json", big)),
            &[],
        ),
    ));
    seen.push(("text".into(), anon.get("/api/nrqueue")));
    for (what, r) in &seen {
        assert_security_headers(r, what);
    }
    assert_eq!(seen.iter().find(|(w, _)| w == "413").unwrap().1.status, 413);
}
