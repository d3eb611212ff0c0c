//! A fake IMDSv2 server on loopback feeds credentials and their expiry; the provider must use
//! the token flow, cache until shortly before expiry, and refresh.
mod common;

use common::S3Server;
use hydrant::s3::credentials::{self, ImdsProvider, ProvideCredentials};
use hydrant::s3::{Client, Config};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Clone)]
struct Served {
    key: String,
    secret: String,
    token: String,
    expires_in: i64,
}

#[derive(Default)]
struct Log {
    token_puts: usize,
    credential_gets: usize,
    unauthorized: usize,
}

struct FakeImds {
    endpoint: String,
    served: Arc<Mutex<Served>>,
    log: Arc<Mutex<Log>>,
}

fn rfc3339(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = hydrant::s3::sigv4::civil_from_unix(unix as u64);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl FakeImds {
    fn start(served: Served) -> FakeImds {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let served = Arc::new(Mutex::new(served));
        let log = Arc::new(Mutex::new(Log::default()));
        let (sv, lg) = (served.clone(), log.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut buf = Vec::new();
                let mut tmp = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut tmp) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&tmp[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let mut lines = head.lines();
                let mut first = lines.next().unwrap_or("").split(' ');
                let (method, path) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
                let header = |name: &str| {
                    head.lines().find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.trim()
                            .eq_ignore_ascii_case(name)
                            .then(|| v.trim().to_string())
                    })
                };
                let has_token =
                    header("x-aws-ec2-metadata-token").as_deref() == Some("imds-token-1");
                let (status, body) = match (method, path) {
                    ("PUT", "/latest/api/token")
                        if header("x-aws-ec2-metadata-token-ttl-seconds").is_some() =>
                    {
                        lg.lock().unwrap().token_puts += 1;
                        (200, "imds-token-1".to_string())
                    }
                    (_, p) if p.starts_with("/latest/meta-data/") && !has_token => {
                        lg.lock().unwrap().unauthorized += 1;
                        (401, String::new())
                    }
                    ("GET", "/latest/meta-data/iam/security-credentials/") => {
                        (200, "ci-role\n".to_string())
                    }
                    ("GET", "/latest/meta-data/iam/security-credentials/ci-role") => {
                        lg.lock().unwrap().credential_gets += 1;
                        let s = sv.lock().unwrap().clone();
                        let body = format!(
                            r#"{{"Code":"Success","LastUpdated":"{}","Type":"AWS-HMAC","AccessKeyId":"{}","SecretAccessKey":"{}","Token":"{}","Expiration":"{}"}}"#,
                            rfc3339(now()),
                            s.key,
                            s.secret,
                            s.token,
                            rfc3339(now() + s.expires_in)
                        );
                        (200, body)
                    }
                    _ => (404, String::new()),
                };
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FakeImds {
            endpoint,
            served,
            log,
        }
    }
}

fn served(key: &str, expires_in: i64) -> Served {
    Served {
        key: key.into(),
        secret: format!("{key}-secret"),
        token: format!("{key}-token"),
        expires_in,
    }
}

#[test]
fn token_flow_and_cache_until_expiry() {
    let imds = FakeImds::start(served("ASIAFIRST", 3600));
    let p = ImdsProvider::new(&imds.endpoint);
    let c = p.credentials().unwrap();
    assert_eq!(c.access_key_id, "ASIAFIRST");
    assert_eq!(c.secret_access_key(), "ASIAFIRST-secret");
    assert_eq!(c.session_token(), Some("ASIAFIRST-token"));
    assert!((c.expires_at.unwrap() - (now() + 3600)).abs() <= 2);
    // Valid for an hour: served from the cache even though the server now has new keys.
    *imds.served.lock().unwrap() = served("ASIASECOND", 3600);
    assert_eq!(p.credentials().unwrap().access_key_id, "ASIAFIRST");
    let log = imds.log.lock().unwrap();
    assert_eq!(
        (log.token_puts, log.credential_gets, log.unauthorized),
        (1, 1, 0)
    );
    // Debug output never shows the secret or token.
    let d = format!("{c:?}");
    assert!(
        !d.contains("ASIAFIRST-secret") && !d.contains("ASIAFIRST-token"),
        "{d}"
    );
}

#[test]
fn refreshes_before_expiry() {
    // Expires in 2 minutes, inside the default five-minute refresh window.
    let imds = FakeImds::start(served("ASIAOLD", 120));
    let p = ImdsProvider::new(&imds.endpoint);
    assert_eq!(p.credentials().unwrap().access_key_id, "ASIAOLD");
    *imds.served.lock().unwrap() = served("ASIANEW", 3600);
    assert_eq!(p.credentials().unwrap().access_key_id, "ASIANEW");
    assert_eq!(p.credentials().unwrap().access_key_id, "ASIANEW");
    assert_eq!(imds.log.lock().unwrap().credential_gets, 2);
    // A smaller window keeps short-lived credentials longer.
    let imds = FakeImds::start(served("ASIASHORT", 120));
    let p = ImdsProvider::new(&imds.endpoint).with_refresh_before(Duration::from_secs(30));
    p.credentials().unwrap();
    p.credentials().unwrap();
    assert_eq!(imds.log.lock().unwrap().credential_gets, 1);
}

#[test]
fn chain_falls_back_to_imds_and_reports_failures() {
    let imds = FakeImds::start(served("ASIACHAIN", 3600));
    let home = common::TempDir::new("imds-home");
    let endpoint = imds.endpoint.clone();
    let h = home.path().to_str().unwrap().to_string();
    let var = move |k: &str| match k {
        "HOME" => Some(h.clone()),
        "AWS_EC2_METADATA_SERVICE_ENDPOINT" => Some(endpoint.clone()),
        _ => None,
    };
    let p = credentials::chain(&var).unwrap();
    assert_eq!(p.credentials().unwrap().access_key_id, "ASIACHAIN");
    assert!(p.describe().contains(&imds.endpoint));
    // Nothing anywhere: one message listing what was tried.
    let dead = format!("http://127.0.0.1:{}", common::free_port());
    let h = home.path().to_str().unwrap().to_string();
    let var = move |k: &str| match k {
        "HOME" => Some(h.clone()),
        "AWS_EC2_METADATA_SERVICE_ENDPOINT" => Some(dead.clone()),
        _ => None,
    };
    let err = credentials::chain(&var).err().unwrap().to_string();
    assert!(
        err.contains("no AWS credentials") && err.contains("instance metadata"),
        "{err}"
    );
}

#[test]
fn s3_requests_signed_with_imds_session_credentials() {
    let s = S3Server::start();
    s.create_bucket("imds");
    let mut sv = served("x", 3600);
    sv.key = s.access_key.clone();
    sv.secret = s.secret_key.clone();
    let imds = FakeImds::start(sv);
    let cfg = Config {
        endpoint: Some(s.endpoint()),
        path_style: true,
        ..Config::default()
    };
    let c = Client::new(cfg, Arc::new(ImdsProvider::new(&imds.endpoint))).unwrap();
    c.put_object("imds", "k", b"via imds", None).unwrap();
    assert_eq!(c.get_object_bytes("imds", "k").unwrap(), b"via imds");
    assert_eq!(imds.log.lock().unwrap().credential_gets, 1);
}
