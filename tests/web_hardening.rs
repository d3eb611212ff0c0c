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
        // (the form comes back with the message beside the field)
        assert_eq!(r.status, 422, "form {bad}: {}", r.body);
        assert!(
            texts(&r.body, "#error-homepage")[0].contains("`homepage`"),
            "{}",
            r.body
        );
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
        "403".into(),
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

// ---------- slow and malformed clients ----------

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

/// Client addresses for simulated attackers: 127.0.1.N (the normal client is 127.0.0.1).
fn attacker(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 1, n)
}

/// The attack: `PUT /project/x` announcing 100,000 bytes and sending one.
fn slow_put(port: u16, from: Ipv4Addr, bearer: Option<&str>) -> TcpStream {
    let mut s = connect_from(from, port).unwrap();
    let auth = bearer
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "PUT /project/x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
    )
    .unwrap();
    s
}

/// A head that never ends.
fn slow_head(port: u16, from: Ipv4Addr) -> TcpStream {
    let mut s = connect_from(from, port).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: a").unwrap();
    s
}

/// Times `n` GETs of each page by a normal client; every one must answer 200 in < 100 ms.
fn normal_client_is_served(c: &Client, n: usize) {
    for i in 0..n {
        for path in ["/", "/project/p"] {
            let t = Instant::now();
            let r = c.get(path);
            let took = t.elapsed();
            assert_eq!(r.status, 200, "{path}: {}", r.body);
            assert!(
                took < Duration::from_millis(100),
                "GET {path} #{i} took {took:?} with slow clients connected"
            );
        }
    }
}

#[test]
fn slow_clients_do_not_starve_the_server() {
    let (state, tok) = admin_state("slow");
    let srv = Server::start(state.path());
    let admin = srv.client().with_bearer(&tok);
    assert_eq!(admin.put_json("/project/p", &project_body("P")).status, 201);
    let anon = srv.client().anonymous().html();

    // 20 slow bodies from logged-in clients (on 5 addresses), and slow heads.
    let mut held: Vec<TcpStream> = (0..20)
        .map(|i| slow_put(srv.port, attacker(1 + i % 5), Some(&tok)))
        .collect();
    held.extend((0..4).map(|i| slow_head(srv.port, attacker(10 + i))));
    // Let the server take them all.
    std::thread::sleep(Duration::from_millis(300));
    normal_client_is_served(&anon, 10);
    normal_client_is_served(&admin, 5);
    drop(held);

    // The exact case: 4 clients with no login, more than the server has workers.
    let held: Vec<TcpStream> = (0..4)
        .map(|i| slow_put(srv.port, attacker(20 + i), None))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    normal_client_is_served(&anon, 10);
    drop(held);
}

#[test]
fn slow_clients_are_cut_off() {
    let (state, _tok) = admin_state("cutoff");
    let cfg = state.path().join("hydrant.conf");
    std::fs::write(&cfg, "web_timeout = 1\nweb_min_rate = 1000000\n").unwrap();
    let srv = Server::start_with(state.path(), &["--config", cfg.to_str().unwrap()], None);
    let t = Instant::now();
    let mut body = slow_put(srv.port, attacker(1), None);
    let mut head = slow_head(srv.port, attacker(2));
    let mut idle = connect_from(attacker(3), srv.port).unwrap();
    let (st, _, b) = read_raw_response(&mut body).unwrap();
    assert_eq!(st, 408, "{}", String::from_utf8_lossy(&b));
    assert!(String::from_utf8_lossy(&b).contains("did not arrive in time"));
    let (st, h, _) = read_raw_response(&mut head).unwrap();
    assert_eq!(st, 408);
    assert_eq!(h["connection"], "close");
    // An idle connection is closed without an answer.
    let mut rest = Vec::new();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(idle.read_to_end(&mut rest).unwrap(), 0);
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    // A body that keeps moving, if slowly, within the rate: fine.
    let c = srv.client();
    assert_eq!(c.get("/").status, 200);
}

/// Sends `raw` on a new connection and reads the answer; then the connection must be closed.
fn raw_exchange(port: u16, raw: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let (st, h, b) = read_raw_response(&mut s).unwrap();
    let body = String::from_utf8_lossy(&b).into_owned();
    assert_eq!(
        h.get("connection").map(String::as_str),
        Some("close"),
        "{raw:?}"
    );
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    assert!(
        rest.is_empty(),
        "nothing follows a refused request: {:?}",
        String::from_utf8_lossy(&rest)
    );
    (st, body)
}

#[test]
fn request_framing_is_strict() {
    let (state, tok) = admin_state("framing");
    let srv = Server::start(state.path());
    let port = srv.port;
    let h = format!("Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {tok}\r\nAccept: application/json\r\nContent-Type: application/json");
    let body = project_body("Smuggled").to_string();
    let n = body.len();
    // A second request hidden in the body, as a front proxy reading the other length would
    // pass it on.
    let smuggle = "GET /project/q HTTP/1.1\r\nHost: x\r\n\r\n";
    for (what, raw, want, says) in [
        (
            "duplicate Content-Length",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nContent-Length: {n}\r\nContent-Length: {n}\r\n\r\n{body}"),
            400,
            "Content-Length",
        ),
        (
            "conflicting Content-Length",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nContent-Length: {n}\r\nContent-Length: {}\r\n\r\n{body}{smuggle}", n + smuggle.len()),
            400,
            "Content-Length",
        ),
        (
            "Content-Length and Transfer-Encoding",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nContent-Length: {n}\r\nTransfer-Encoding: chunked\r\n\r\n{body}"),
            400,
            "Transfer-Encoding",
        ),
        (
            "chunked",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nTransfer-Encoding: chunked\r\n\r\n{n:x}\r\n{body}\r\n0\r\n\r\n"),
            411,
            "Content-Length",
        ),
        (
            "a list as Content-Length",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nContent-Length: {n}, {n}\r\n\r\n{body}"),
            400,
            "Content-Length",
        ),
        (
            "folded header",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nX-A: b\r\n c\r\nContent-Length: {n}\r\n\r\n{body}"),
            400,
            "folded",
        ),
        (
            "too large",
            format!("PUT /project/q HTTP/1.1\r\n{h}\r\nContent-Length: 99999999\r\n\r\n"),
            413,
            "larger than",
        ),
        ("HTTP/2", "GET / HTTP/2.0\r\nHost: x\r\n\r\n".to_string(), 505, "HTTP/2.0"),
    ] {
        let (st, b) = raw_exchange(port, &raw);
        assert_eq!(st, want, "{what}: {b}");
        let v: serde_json::Value = serde_json::from_str(&b).unwrap_or_else(|_| json!({"error": b}));
        assert!(
            v["error"].as_str().unwrap_or("").contains(says),
            "{what}: {b}"
        );
    }
    let c = srv.client().with_bearer(&tok);
    assert_eq!(c.get("/project/q").status, 404, "no request got through");

    // Well-formed: keep-alive serves several requests on one connection, and
    // `Expect: 100-continue` gets its interim answer before the body is sent.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "PUT /project/q HTTP/1.1\r\n{h}\r\nExpect: 100-continue\r\nContent-Length: {n}\r\n\r\n"
    )
    .unwrap();
    let mut interim = [0u8; 25];
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(body.as_bytes()).unwrap();
    let (st, _, b) = read_raw_response(&mut s).unwrap();
    assert_eq!(st, 201, "{}", String::from_utf8_lossy(&b));
    write!(s, "GET /project/q HTTP/1.1\r\n{h}\r\n\r\n").unwrap();
    let (st, _, b) = read_raw_response(&mut s).unwrap();
    assert_eq!(st, 200);
    let full = b.len();
    assert!(String::from_utf8_lossy(&b).contains("Smuggled"));
    write!(s, "HEAD /project/q HTTP/1.1\r\n{h}\r\n\r\n").unwrap();
    let mut head = Vec::new();
    let mut tmp = [0u8; 4096];
    let end = loop {
        let k = s.read(&mut tmp).unwrap();
        assert!(k > 0, "HEAD answered");
        head.extend_from_slice(&tmp[..k]);
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert!(text.contains(&format!("content-length: {full}")), "{text}");
    assert_eq!(head.len(), end + 4, "HEAD has no body");
}

#[test]
fn connections_are_capped_per_client_and_in_all() {
    let (state, _tok) = admin_state("caps");
    let cfg = state.path().join("hydrant.conf");
    std::fs::write(
        &cfg,
        "web_max_connections = 6\nweb_max_connections_per_client = 4\n",
    )
    .unwrap();
    let srv = Server::start_with(state.path(), &["--config", cfg.to_str().unwrap()], None);
    let port = srv.port;
    // A connection that got an answer is admitted and stays open (keep-alive).
    let served = |from: Ipv4Addr| {
        let mut s = connect_from(from, port).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let (st, _, _) = read_raw_response(&mut s).unwrap();
        assert_eq!(st, 200);
        s
    };
    let mut mine: Vec<TcpStream> = (0..4).map(|_| served(attacker(1))).collect();
    let mut fifth = connect_from(attacker(1), port).unwrap();
    let (st, _, b) = read_raw_response(&mut fifth).unwrap();
    assert_eq!(st, 429, "{}", String::from_utf8_lossy(&b));
    assert!(String::from_utf8_lossy(&b).contains("limit per client"));
    // Another client is still served; its two connections fill the server.
    let _two: Vec<TcpStream> = (0..2).map(|_| served(attacker(2))).collect();
    let mut full = connect_from(attacker(3), port).unwrap();
    let (st, _, b) = read_raw_response(&mut full).unwrap();
    assert_eq!(st, 503, "{}", String::from_utf8_lossy(&b));
    // A closed connection frees its place (the server notices within moments).
    drop(mine.pop());
    let start = Instant::now();
    loop {
        let mut s = connect_from(attacker(3), port).unwrap();
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let (st, _, _) = read_raw_response(&mut s).unwrap();
        if st == 200 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "still {st}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Creates of one new name at once: exactly one 201, every other a 409, never a 200 (a
/// second "create" written over the first). With an admin and a user who may only create
/// projects racing, the project ends up as its one creator saved it.
#[test]
fn racing_creates_of_one_name_create_it_once() {
    let (state, tok) = admin_state("race");
    add_user(state.path(), "carol", &["create-projects"], "carolpw");
    let carol = token(state.path(), "carol");
    let srv = Server::start(state.path());
    let src = state.path().display().to_string();
    let race = |bodies: Vec<(&str, &str, serde_json::Value)>| -> Vec<(String, i32)> {
        std::thread::scope(|s| {
            let hs: Vec<_> = bodies
                .into_iter()
                .map(|(who, path, body)| {
                    let c = srv
                        .client()
                        .with_bearer(if who == "admin" { &tok } else { &carol });
                    s.spawn(move || (who.to_string(), c.put_json(path, &body).status))
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let admin = srv.client().with_bearer(&tok);
    for round in 0..3 {
        let name = format!("raced{round}");
        let mut bodies = Vec::new();
        for i in 0..16 {
            let who = if i % 2 == 0 { "admin" } else { "carol" };
            let mut b = project_body(&format!("{who} {i}"));
            b["name"] = json!(name);
            let path = if i % 4 < 2 {
                "/project/.new".to_string()
            } else {
                format!("/project/{name}")
            };
            bodies.push((who, path, b));
        }
        let got = race(
            bodies
                .iter()
                .map(|(w, p, b)| (*w, p.as_str(), b.clone()))
                .collect(),
        );
        let created: Vec<_> = got.iter().filter(|(_, st)| *st == 201).collect();
        assert_eq!(created.len(), 1, "{got:?}");
        let creator = &created[0].0;
        for (who, st) in &got {
            // After the create: the admin may edit (200) or lose a race (409); carol may not
            // edit the admin's project (403), nor lose one into an overwrite.
            assert!(
                matches!(st, 201 | 409)
                    || (*st == 200 && (who == "admin" || who == creator))
                    || (*st == 403 && who == "carol" && creator == "admin"),
                "{who}: {st} in {got:?}"
            );
        }
        let p = admin.get(&format!("/project/{name}")).json();
        assert_eq!(p["owner"], json!(creator), "{p} after {got:?}");
    }
    // Jobsets: only `.new` creates, so every racer but one gets a 409.
    for round in 0..3 {
        let name = format!("js{round}");
        let bodies = (0..16)
            .map(|_| {
                let mut b = jobset_body(&src);
                b["name"] = json!(name);
                ("admin", "/jobset/raced0/.new", b)
            })
            .collect();
        let got = race(bodies);
        let created = got.iter().filter(|(_, st)| *st == 201).count();
        let refused = got.iter().filter(|(_, st)| *st == 409).count();
        assert_eq!((created, refused), (1, 15), "{got:?}");
    }
}

/// Oversized and odd text fields are refused with a 400 naming the field, and nothing is
/// written (a 4 MB display name made the front page 4 MB).
#[test]
fn oversized_or_odd_text_fields_are_refused() {
    let (state, tok) = admin_state("fields");
    let srv = Server::start(state.path());
    let admin = srv.client().with_bearer(&tok);
    let long_label = "x".repeat(256);
    let long_text = "y".repeat(64 * 1024 + 1);
    for (field, value, says) in [
        (
            "displayname",
            long_label.as_str(),
            "`displayname` must be one line",
        ),
        (
            "displayname",
            "two\nlines",
            "`displayname` must be one line",
        ),
        (
            "description",
            long_text.as_str(),
            "`description` is 65537 bytes long",
        ),
        (
            "description",
            "nul\0here",
            "`description` must not contain a NUL",
        ),
        (
            "homepage",
            long_text.as_str(),
            "`homepage` is 65537 bytes long",
        ),
    ] {
        let mut b = project_body("P");
        b[field] = json!(value);
        let r = admin.put_json("/project/odd", &b);
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        assert!(r.body.contains(says), "{field}: {}", r.body);
        assert_eq!(
            admin.get("/project/odd").status,
            404,
            "{field}: written anyway"
        );
    }
    let mut b = project_body(&"z".repeat(255));
    b["description"] = json!("d".repeat(64 * 1024));
    assert_eq!(admin.put_json("/project/odd", &b).status, 201);
    // A jobset input's value too.
    let mut js = jobset_body(&state.path().display().to_string());
    js["inputs"]["extra"] = json!({"type": "string", "value": "a\0b"});
    let r = admin.put_json("/jobset/odd/j", &js);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body
            .contains("input `extra`: `value` must not contain a NUL"),
        "{}",
        r.body
    );
    assert_eq!(admin.get("/jobset/odd/j").status, 404);
}
