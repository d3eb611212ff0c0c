//! A loopback fault proxy in front of s3s-fs injects 503s, connection resets, stalls and
//! truncated responses; uploads and downloads must still complete intact.
mod common;

use common::S3Server;
use hydrant::s3::credentials::{Credentials, StaticProvider};
use hydrant::s3::{Client, Config};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::io::AsRawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    Pass,
    /// Answer 503 SlowDown without forwarding.
    SlowDown,
    /// Read the request, then reset the connection.
    Reset,
    /// Read the request and never answer.
    Stall,
    /// Forward, but cut the response after this many bytes with a reset.
    Truncate(usize),
    /// Answer 500 with this S3 error code without forwarding.
    Error500(&'static str),
}

struct Proxy {
    port: u16,
    connections: Arc<AtomicUsize>,
    faults_hit: Arc<Mutex<Vec<Fault>>>,
}

/// Sends RST instead of FIN on close.
fn reset(s: TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const _ as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(s);
}

/// Reads one HTTP request (head and Content-Length body).
fn read_request(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 65536];
    let head_end = loop {
        let n = s.read(&mut tmp)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut tmp)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    Ok(buf)
}

impl Proxy {
    /// `plan(i)` picks the fault for the i-th connection.
    fn start(upstream: u16, plan: impl Fn(usize) -> Fault + Send + Sync + 'static) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let faults_hit = Arc::new(Mutex::new(Vec::new()));
        let plan = Arc::new(plan);
        let (conns, hits) = (connections.clone(), faults_hit.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { continue };
                let i = conns.fetch_add(1, Ordering::SeqCst);
                let fault = plan(i);
                if fault != Fault::Pass {
                    hits.lock().unwrap().push(fault);
                }
                std::thread::spawn(move || {
                    let Ok(req) = read_request(&mut client) else {
                        return;
                    };
                    match fault {
                        Fault::SlowDown => {
                            let body = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
                            let _ = write!(
                                client,
                                "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                        }
                        Fault::Error500(code) => {
                            let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>injected by the test proxy</Message></Error>");
                            let _ = write!(
                                client,
                                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                        }
                        Fault::Reset => reset(client),
                        Fault::Stall => std::thread::sleep(Duration::from_secs(8)),
                        Fault::Pass | Fault::Truncate(_) => {
                            let mut up = TcpStream::connect(("127.0.0.1", upstream)).unwrap();
                            up.write_all(&req).unwrap();
                            let mut sent = 0usize;
                            let mut tmp = vec![0u8; 65536];
                            loop {
                                let n = match up.read(&mut tmp) {
                                    Ok(0) | Err(_) => break,
                                    Ok(n) => n,
                                };
                                if let Fault::Truncate(limit) = fault {
                                    if sent + n >= limit {
                                        let _ = client.write_all(&tmp[..limit - sent]);
                                        reset(client);
                                        return;
                                    }
                                }
                                if client.write_all(&tmp[..n]).is_err() {
                                    break;
                                }
                                sent += n;
                            }
                        }
                    }
                });
            }
        });
        Proxy {
            port,
            connections,
            faults_hit,
        }
    }
    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn client(endpoint: &str, s: &S3Server) -> Client {
    let cfg = Config {
        endpoint: Some(endpoint.to_string()),
        path_style: true,
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_secs(1),
        // High so that a stalled request times out within about two seconds.
        min_throughput: 100 * 1024 * 1024,
        retry_base: Duration::from_millis(10),
        retry_max: Duration::from_millis(100),
        max_attempts: 6,
        part_size: 5 * 1024 * 1024,
        download_chunk: 4 * 1024 * 1024,
        ..Config::default()
    };
    let creds = StaticProvider::new(Credentials::new(&s.access_key, &s.secret_key, None), "test");
    Client::new(cfg, Arc::new(creds)).unwrap()
}

fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn multipart_upload_and_download_survive_faults() {
    let s = S3Server::start();
    s.create_bucket("faulty");
    let plan = |i: usize| match i {
        // CreateMultipartUpload fails once, parts meet every kind of fault.
        0 => Fault::SlowDown,
        2 => Fault::Reset,
        4 => Fault::Stall,
        5 => Fault::SlowDown,
        6 => Fault::Reset,
        8 => Fault::Truncate(20),
        _ if i >= 12 && i % 3 == 0 => {
            [Fault::SlowDown, Fault::Reset, Fault::Truncate(3000)][(i / 3) % 3]
        }
        _ => Fault::Pass,
    };
    let proxy = Proxy::start(s.port, plan);
    let c = client(&proxy.endpoint(), &s);
    let data = noise(23 * 1024 * 1024 + 7);
    let t = Instant::now();
    let up = c
        .upload(
            "faulty",
            "nar/x.nar",
            &mut &data[..],
            Some("application/x-nix-nar"),
        )
        .unwrap();
    assert_eq!(up.parts, 5);
    assert_eq!(up.size, data.len() as u64);
    let on_disk = std::fs::read(s.root.path().join("faulty/nar/x.nar")).unwrap();
    assert_eq!(
        Sha256::digest(&on_disk),
        Sha256::digest(&data),
        "object differs after faults"
    );
    // Ranged download through the same faults, including truncated bodies mid-chunk.
    let mut got = Vec::new();
    c.get_object("faulty", "nar/x.nar", &mut got).unwrap();
    assert_eq!(got.len(), data.len());
    assert_eq!(
        Sha256::digest(&got),
        Sha256::digest(&data),
        "download differs after faults"
    );
    let hits = proxy.faults_hit.lock().unwrap().clone();
    for f in [Fault::SlowDown, Fault::Reset, Fault::Stall] {
        assert!(hits.contains(&f), "{f:?} never injected: {hits:?}");
    }
    assert!(
        hits.iter()
            .filter(|f| matches!(f, Fault::Truncate(_)))
            .count()
            >= 2,
        "{hits:?}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(30),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn persistent_503_gives_up_with_a_clear_error() {
    let s = S3Server::start();
    s.create_bucket("busy");
    let proxy = Proxy::start(s.port, |_| Fault::SlowDown);
    let c = client(&proxy.endpoint(), &s);
    let err = c.put_object("busy", "k", b"x", None).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("s3://busy/k") && msg.contains("SlowDown") && msg.contains("after 6 attempts"),
        "{msg}"
    );
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 6);
}

/// Some servers (moto) answer a payload hash mismatch with 500: the same bytes sent again get
/// the same answer, so the client stops after one attempt. A real 500 InternalError is still
/// retried.
#[test]
fn a_500_that_cannot_succeed_is_not_retried() {
    let s = S3Server::start();
    s.create_bucket("hash");
    let dir = common::TempDir::new("faults-hash");
    let file = dir.path().join("f");
    std::fs::write(&file, noise(200 * 1024)).unwrap();
    for code in [
        "XAmzContentSHA256Mismatch",
        "BadDigest",
        "SignatureDoesNotMatch",
    ] {
        let proxy = Proxy::start(s.port, move |_| Fault::Error500(code));
        let c = client(&proxy.endpoint(), &s);
        let msg = c
            .put_object("hash", "k", b"x", None)
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with(&format!("PutObject s3://hash/k: HTTP 500 {code}: injected")),
            "{msg}"
        );
        assert!(!msg.contains("attempts"), "{msg}");
        assert_eq!(proxy.connections.load(Ordering::SeqCst), 1, "{code}");
        // The streamed file PUT and GET go through the same rule.
        let msg = c
            .upload_file("hash", "f", &file, None)
            .unwrap_err()
            .to_string();
        assert!(msg.contains(code) && !msg.contains("attempts"), "{msg}");
        let msg = c.get_object_bytes("hash", "k").unwrap_err().to_string();
        assert!(msg.contains(code) && !msg.contains("attempts"), "{msg}");
        assert_eq!(proxy.connections.load(Ordering::SeqCst), 3, "{code}");
    }
    // 500 InternalError twice, then through: retried and stored.
    let proxy = Proxy::start(s.port, |i| {
        if i < 2 {
            Fault::Error500("InternalError")
        } else {
            Fault::Pass
        }
    });
    let c = client(&proxy.endpoint(), &s);
    c.put_object("hash", "k", b"stored", None).unwrap();
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 3);
    assert_eq!(
        std::fs::read(s.root.path().join("hash/k")).unwrap(),
        b"stored"
    );
}

#[test]
fn failed_multipart_is_aborted() {
    let s = S3Server::start();
    s.create_bucket("abort");
    // Create passes, then the first part fails every time; the abort must still be sent.
    let proxy = Proxy::start(s.port, |i| {
        if (1..=3).contains(&i) {
            Fault::SlowDown
        } else {
            Fault::Pass
        }
    });
    let mut c = client(&proxy.endpoint(), &s);
    let cfg = Config {
        max_attempts: 3,
        ..c.config().clone()
    };
    c = Client::new(
        cfg,
        Arc::new(StaticProvider::new(
            Credentials::new(&s.access_key, &s.secret_key, None),
            "t",
        )),
    )
    .unwrap();
    let data = noise(6 * 1024 * 1024);
    let err = c.upload("abort", "big", &mut &data[..], None).unwrap_err();
    assert!(
        err.to_string().contains("UploadPart s3://abort/big"),
        "{err}"
    );
    // Connection 4 is the AbortMultipartUpload.
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 5);
    assert!(!s.root.path().join("abort/big").exists());
}

#[test]
fn streamed_file_put_survives_faults() {
    let s = S3Server::start();
    s.create_bucket("faulty");
    let plan = |i: usize| {
        [
            Fault::SlowDown,
            Fault::Reset,
            Fault::Stall,
            Fault::Truncate(10),
        ]
        .get(i)
        .copied()
        .unwrap_or(Fault::Pass)
    };
    let proxy = Proxy::start(s.port, plan);
    let c = client(&proxy.endpoint(), &s);
    let dir = common::TempDir::new("faults-file");
    let path = dir.path().join("f");
    let data = noise(12 * 1024 * 1024 + 1);
    std::fs::write(&path, &data).unwrap();
    let up = c.upload_file("faulty", "stream.nar", &path, None).unwrap();
    assert_eq!(up.parts, 0, "expected the streamed single PUT");
    assert_eq!(proxy.connections.load(Ordering::SeqCst), 5);
    let on_disk = std::fs::read(s.root.path().join("faulty/stream.nar")).unwrap();
    assert_eq!(Sha256::digest(&on_disk), Sha256::digest(&data));
}
