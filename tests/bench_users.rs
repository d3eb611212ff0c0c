//! Login numbers (prints, never asserts on timing): what one password check costs over HTTP on
//! the real binary, for a known user with the right and a wrong password and for an unknown user
//! (the dummy hash makes it cost the same). Each try comes from its own 127.x address so the
//! throttle does not step in. Target: a login check ≤ 50 ms.
//! Run: cargo test --release --test bench_users -- --ignored --nocapture
mod common;
mod web_support;

use std::io::{Read, Write};
use std::net::Ipv4Addr;
use std::time::Instant;
use web_support::*;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// One `POST /login` from 127.0.3.N; returns (status line, ms).
fn login(port: u16, n: u8, user: &str, password: &str) -> (String, f64) {
    let body = format!(r#"{{"username":"{user}","password":"{password}"}}"#);
    let t = Instant::now();
    let mut s = connect_from(Ipv4Addr::new(127, 0, 3, n), port).unwrap();
    write!(
        s,
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nAccept: application/json\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    (out.lines().next().unwrap_or("").to_string(), ms)
}

#[test]
#[ignore]
fn bench_login_check_cost() {
    let (state, _) = admin_state("bench-login");
    let srv = Server::start(state.path());
    let rounds = 30u8;
    let (mut ok, mut wrong, mut unknown) = (vec![], vec![], vec![]);
    for i in 0..rounds {
        // Interleaved, each from a fresh address: no try is throttled.
        let (st, ms) = login(srv.port, 1 + i * 3, "admin", "adminpw");
        assert!(st.contains(" 200 "), "{st}");
        ok.push(ms);
        let (st, ms) = login(srv.port, 2 + i * 3, "admin", "nope");
        assert!(st.contains(" 403 "), "{st}");
        wrong.push(ms);
        let (st, ms) = login(srv.port, 3 + i * 3, &format!("ghost{i}"), "nope");
        assert!(st.contains(" 403 "), "{st}");
        unknown.push(ms);
    }
    println!("\nPOST /login over loopback, median of {rounds} (target: a check <= 50 ms)");
    println!("  known user, right password   {:6.1} ms", median(ok));
    println!("  known user, wrong password   {:6.1} ms", median(wrong));
    println!("  unknown user (dummy hash)    {:6.1} ms", median(unknown));
}
