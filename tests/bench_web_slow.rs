//! A normal client's page latency while 400 slow clients hold connections open (prints,
//! never asserts on timing): p50/p99 of `GET /` and `GET /project/p` with no slow clients and
//! with 400 (half sending a body one byte at a time, half a head that never ends), side by
//! side in one run. Target: p99 < 20 ms with 400 slow clients.
//! Run: cargo test --release --test bench_web_slow -- --ignored --nocapture
mod common;
mod web_support;

use std::io::Write;
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};
use web_support::*;

const SLOW_CLIENTS: usize = 400;
/// Slow clients per source address (the default per-client cap is 32).
const PER_ADDRESS: usize = 8;
const REQUESTS: usize = 1000;
/// Each measurement ends after this long even if REQUESTS were not all sent.
const MAX_MEASURE: Duration = Duration::from_secs(8);

fn percentiles(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    (at(0.5), at(0.99), v[v.len() - 1])
}

/// Latencies (ms) of GETs alternating between two pages, REQUESTS or MAX_MEASURE.
fn measure(c: &Client) -> Vec<f64> {
    let start = Instant::now();
    let mut v = Vec::with_capacity(REQUESTS);
    for i in 0..REQUESTS {
        if start.elapsed() > MAX_MEASURE {
            break;
        }
        let path = if i % 2 == 0 { "/" } else { "/project/p" };
        let t = Instant::now();
        let r = c.get(path);
        v.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.status, 200, "{path}");
    }
    v
}

fn slow_client(port: u16, n: usize) -> TcpStream {
    let from = Ipv4Addr::new(127, 0, 2, 1 + (n / PER_ADDRESS) as u8);
    let mut s = connect_from(from, port).unwrap();
    if n % 2 == 0 {
        write!(
            s,
            "PUT /project/x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{"
        )
        .unwrap();
    } else {
        write!(s, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: a").unwrap();
    }
    s
}

#[test]
#[ignore]
fn bench_web_slow_clients() {
    let (state, tok) = admin_state("bench-slow");
    let srv = Server::start(state.path());
    let admin = srv.client().with_bearer(&tok);
    assert_eq!(admin.put_json("/project/p", &project_body("P")).status, 201);
    let c = srv.client().anonymous().html();
    // Warm up (first page renders, page cache).
    for _ in 0..50 {
        c.get("/");
    }

    let base = measure(&c);
    let t = Instant::now();
    let held: Vec<TcpStream> = (0..SLOW_CLIENTS)
        .map(|n| slow_client(srv.port, n))
        .collect();
    let connect_time = t.elapsed();
    std::thread::sleep(Duration::from_millis(500));
    let slow = measure(&c);
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", srv.child.as_ref().unwrap().id()))
            .unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let (threads, rss) = (field("Threads:"), field("VmRSS:"));
    // Still held open by the server (not cut off during the measurement)?
    let mut open = 0;
    for s in &held {
        s.set_nonblocking(true).unwrap();
        let mut b = [0u8; 1];
        match std::io::Read::read(&mut &*s, &mut b) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => open += 1,
            _ => {}
        }
    }
    drop(held);

    let (p50, p99, max) = percentiles(base.clone());
    println!(
        "web, no slow clients: {} GETs, p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
        base.len()
    );
    let (p50, p99, max) = percentiles(slow.clone());
    println!(
        "web, {SLOW_CLIENTS} slow clients ({} slow bodies, {} slow heads, {PER_ADDRESS} per address, connected in {connect_time:?}, {open} still open after): {} GETs, p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms (target p99 < 20 ms); server threads {threads}, RSS {rss}",
        SLOW_CLIENTS.div_ceil(2),
        SLOW_CLIENTS / 2,
        slow.len()
    );
}
