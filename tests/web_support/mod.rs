//! Helpers for the web integration tests: run the real `hydrant` binary on an ephemeral port
//! with a temp state dir, and talk to it over HTTP with minreq.
#![allow(dead_code)]
use crate::common::{hydrant_bin, port_from_log, TempDir, NIX_CONFIG};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub fn hydrant(args: &[&str]) -> Output {
    Command::new(hydrant_bin())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `hydrant user add NAME --role R... --password-file F --state-dir D`
pub fn add_user(state: &Path, name: &str, roles: &[&str], password: &str) {
    let pwf = state.join(format!("pw-{name}"));
    std::fs::create_dir_all(state).unwrap();
    std::fs::write(&pwf, format!("{password}\n")).unwrap();
    let mut args = vec!["user", "add", name];
    for r in roles {
        args.extend(["--role", r]);
    }
    let (p, s) = (pwf.display().to_string(), state.display().to_string());
    args.extend(["--password-file", &p, "--state-dir", &s]);
    let out = hydrant(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn token(state: &Path, name: &str) -> String {
    let s = state.display().to_string();
    let out = hydrant(&["user", "token", name, "--state-dir", &s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

pub struct Server {
    pub port: u16,
    pub child: Option<Child>,
    pub stderr: PathBuf,
}

/// How to start `hydrant serve`: `Server::builder(state).config(text).env(k, v).start()`. It
/// listens on `127.0.0.1:0` and the port is read from its "listening on" line, so tests never
/// race for a port.
pub struct ServerBuilder {
    state: PathBuf,
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: Option<PathBuf>,
    /// Pass `--state-dir` (false: the server's default `./hydrant-state` in `cwd`).
    state_flag: bool,
}

impl ServerBuilder {
    /// Writes `text` to `STATE/hydrant.conf` and passes `--config` for it.
    pub fn config(mut self, text: &str) -> ServerBuilder {
        std::fs::create_dir_all(&self.state).unwrap();
        let f = self.state.join("hydrant.conf");
        std::fs::write(&f, text).unwrap();
        self.args.push("--config".into());
        self.args.push(f.display().to_string());
        self
    }
    pub fn arg(mut self, a: &str) -> ServerBuilder {
        self.args.push(a.to_string());
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> ServerBuilder {
        self.env.push((k.to_string(), v.to_string()));
        self
    }
    pub fn cwd(mut self, d: &Path) -> ServerBuilder {
        self.cwd = Some(d.to_path_buf());
        self
    }
    /// No `--state-dir`: the server uses its default, relative to `cwd`.
    pub fn without_state_flag(mut self) -> ServerBuilder {
        self.state_flag = false;
        self
    }

    pub fn start(self) -> Server {
        std::fs::create_dir_all(&self.state).unwrap();
        let mut buf = [0u8; 8];
        getrandom::getrandom(&mut buf).unwrap();
        let stderr = self
            .state
            .join(format!("serve-{:x}.log", u64::from_le_bytes(buf)));
        let mut cmd = Command::new(hydrant_bin());
        cmd.arg("serve");
        if self.state_flag {
            cmd.arg("--state-dir").arg(&self.state);
        }
        cmd.arg("--listen")
            .arg("127.0.0.1:0")
            .args(&self.args)
            .env("NIX_CONFIG", NIX_CONFIG)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(d) = &self.cwd {
            cmd.current_dir(d);
        }
        let child = cmd.spawn().unwrap();
        let mut srv = Server {
            port: 0,
            child: Some(child),
            stderr,
        };
        srv.port = port_from_log(&srv.stderr, "listening on http://", Duration::from_secs(30));
        srv
    }
}

impl Server {
    pub fn builder(state: &Path) -> ServerBuilder {
        ServerBuilder {
            state: state.to_path_buf(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            state_flag: true,
        }
    }

    pub fn start(state: &Path) -> Server {
        Server::builder(state).start()
    }

    pub fn start_with(state: &Path, extra: &[&str], cwd: Option<&Path>) -> Server {
        let mut b = Server::builder(state);
        for a in extra {
            b = b.arg(a);
        }
        if let Some(d) = cwd {
            b = b.cwd(d);
        }
        b.start()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// SIGTERM and wait; returns whether it exited successfully.
    pub fn stop(&mut self) -> bool {
        let mut c = self.child.take().unwrap();
        unsafe {
            libc::kill(c.id() as i32, libc::SIGTERM);
        }
        c.wait().unwrap().success()
    }

    pub fn client(&self) -> Client {
        Client {
            base: format!("http://127.0.0.1:{}", self.port),
            host: format!("127.0.0.1:{}", self.port),
            cookie: None,
            bearer: None,
            origin: true,
            json: true,
            csrf_token: None,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: i32,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }
    pub fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or("").to_string()
    }
}

#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub host: String,
    pub cookie: Option<String>,
    pub bearer: Option<String>,
    /// Send a matching Origin header on writes.
    pub origin: bool,
    /// Accept: application/json
    pub json: bool,
    /// Sent as X-CSRF-Token on writes (a session's JSON writes need it).
    pub csrf_token: Option<String>,
}

impl Client {
    pub fn anonymous(&self) -> Client {
        Client {
            cookie: None,
            bearer: None,
            ..self.clone()
        }
    }
    pub fn with_bearer(&self, t: &str) -> Client {
        Client {
            bearer: Some(t.to_string()),
            ..self.clone()
        }
    }
    pub fn html(&self) -> Client {
        Client {
            json: false,
            ..self.clone()
        }
    }

    pub fn request(
        &self,
        method: minreq::Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let write = !matches!(method, minreq::Method::Get | minreq::Method::Head);
        let mut r = minreq::Request::new(method, format!("{}{path}", self.base))
            .with_follow_redirects(false)
            .with_timeout(30);
        if self.json {
            r = r.with_header("Accept", "application/json");
        }
        if let Some(c) = &self.cookie {
            r = r.with_header("Cookie", c.as_str());
        }
        if let Some(t) = &self.bearer {
            r = r.with_header("Authorization", format!("Bearer {t}"));
        }
        if self.origin {
            r = r.with_header("Origin", format!("http://{}", self.host));
        }
        if let Some(t) = &self.csrf_token {
            if write {
                r = r.with_header("X-CSRF-Token", t.as_str());
            }
        }
        for (k, v) in extra {
            r = r.with_header(*k, *v);
        }
        if let Some((ct, b)) = body {
            r = r.with_header("Content-Type", ct).with_body(b);
        }
        let resp = r.send().unwrap();
        Resp {
            status: resp.status_code,
            headers: resp.headers.clone(),
            body: resp.as_str().unwrap_or("").to_string(),
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.request(minreq::Method::Get, path, None, &[])
    }
    pub fn put_json(&self, path: &str, v: &serde_json::Value) -> Resp {
        self.request(
            minreq::Method::Put,
            path,
            Some(("application/json", v.to_string().into_bytes())),
            &[],
        )
    }
    pub fn post_json(&self, path: &str, v: &serde_json::Value) -> Resp {
        self.request(
            minreq::Method::Post,
            path,
            Some(("application/json", v.to_string().into_bytes())),
            &[],
        )
    }
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.request(
            minreq::Method::Post,
            path,
            Some(("application/x-www-form-urlencoded", body.into_bytes())),
            &[],
        )
    }
    pub fn delete(&self, path: &str) -> Resp {
        self.request(minreq::Method::Delete, path, None, &[])
    }

    /// Logs in with JSON and keeps the session cookie.
    pub fn login(&self, user: &str, password: &str) -> Client {
        let r = self.post_json(
            "/login",
            &serde_json::json!({"username": user, "password": password}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let set = r.headers.get("set-cookie").expect("set-cookie").clone();
        let pair = set.split(';').next().unwrap().to_string();
        Client {
            cookie: Some(pair),
            ..self.clone()
        }
    }

    /// Logs in like `login` and sends the session's CSRF token on every write, as a script
    /// that keeps the cookie does.
    pub fn login_with_csrf(&self, user: &str, password: &str) -> Client {
        let c = self.login(user, password);
        let tok = c.get("/current-user").json()["csrf"]
            .as_str()
            .map(String::from);
        assert!(
            tok.is_some(),
            "/current-user names the session's CSRF token"
        );
        Client {
            csrf_token: tok,
            ..c
        }
    }

    /// The CSRF token embedded in a page's forms.
    pub fn csrf(&self) -> String {
        let page = self.html().get("/").body;
        let dom = tl::parse(&page, tl::ParserOptions::default()).unwrap();
        let p = dom.parser();
        dom.query_selector("input[name=csrf]")
            .unwrap()
            .filter_map(|h| h.get(p))
            .filter_map(|n| n.as_tag())
            .filter_map(|t| t.attributes().get("value").flatten())
            .map(|v| v.as_utf8_str().to_string())
            .find(|v| !v.is_empty())
            .expect("csrf token on the page")
    }
}

pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// A state dir with an admin (password "adminpw") and their API token.
pub fn admin_state(tag: &str) -> (TempDir, String) {
    let dir = TempDir::new(tag);
    add_user(dir.path(), "admin", &["admin"], "adminpw");
    let tok = token(dir.path(), "admin");
    (dir, tok)
}

pub fn project_body(display: &str) -> serde_json::Value {
    serde_json::json!({"displayname": display, "description": "d", "homepage": "", "enabled": true, "visible": true})
}

pub fn jobset_body(src: &str) -> serde_json::Value {
    serde_json::json!({
        "description": "js", "nixexprinput": "src", "nixexprpath": "release.nix",
        "enabled": 1, "visible": true, "checkinterval": 0, "schedulingshares": 100, "keepnr": 3,
        "enableemail": false, "emailoverride": "",
        "inputs": {"src": {"type": "path", "value": src}, "officialRelease": {"type": "boolean", "value": false}}
    })
}

/// Applies `f` to the elements matching `selector`, where a space is a descendant step
/// (tl matches compound selectors only, so each step queries inside the previous matches).
fn select_map<T>(html: &str, selector: &str, f: impl Fn(&tl::HTMLTag, &tl::Parser) -> T) -> Vec<T> {
    let dom = tl::parse(html, tl::ParserOptions::default()).unwrap();
    let p = dom.parser();
    let mut steps = selector.split_whitespace();
    let first = steps.next().unwrap();
    let mut current: Vec<tl::NodeHandle> = dom.query_selector(first).unwrap().collect();
    for step in steps {
        let mut next = Vec::new();
        for h in &current {
            if let Some(tag) = h.get(p).and_then(|n| n.as_tag()) {
                next.extend(tag.query_selector(p, step).unwrap());
            }
        }
        current = next;
    }
    current
        .iter()
        .filter_map(|h| h.get(p).and_then(|n| n.as_tag()))
        .map(|t| f(t, p))
        .collect()
}

/// Outer HTML of the matching elements.
pub fn select(html: &str, selector: &str) -> Vec<String> {
    select_map(html, selector, |t, p| t.outer_html(p))
}

/// Text of the matching elements.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    select_map(html, selector, |t, p| t.inner_text(p).trim().to_string())
}

/// An attribute of the matching elements ("" when absent).
pub fn attrs(html: &str, selector: &str, attr: &str) -> Vec<String> {
    select_map(html, selector, |t, _| {
        t.attributes()
            .get(attr)
            .flatten()
            .map(|v| v.as_utf8_str().to_string())
            .unwrap_or_default()
    })
}

/// A TCP connection to 127.0.0.1:`port` from the loopback source address `src` (any address
/// of 127.0.0.0/8 works on Linux), so one test can be many clients to per-address limits.
pub fn connect_from(src: std::net::Ipv4Addr, port: u16) -> std::io::Result<std::net::TcpStream> {
    use std::os::fd::FromRawFd;
    let sin = |ip: std::net::Ipv4Addr, port: u16| libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(ip).to_be(),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: plain socket calls on a descriptor this function owns; the sockaddr_in values
    // live across the calls that read them, and the descriptor goes into a TcpStream (which
    // closes it) or is closed here on error.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let from = sin(src, 0);
        let to = sin(std::net::Ipv4Addr::LOCALHOST, port);
        if libc::bind(fd, &from as *const _ as *const libc::sockaddr, len) != 0
            || libc::connect(fd, &to as *const _ as *const libc::sockaddr, len) != 0
        {
            let e = std::io::Error::last_os_error();
            libc::close(fd);
            return Err(e);
        }
        Ok(std::net::TcpStream::from_raw_fd(fd))
    }
}

/// Reads one HTTP response from a raw socket (at most 10 s): (status, lower-cased headers,
/// body). The body is `Content-Length` bytes, or everything up to end of file.
pub fn read_raw_response(
    s: &mut std::net::TcpStream,
) -> std::io::Result<(u16, HashMap<String, String>, Vec<u8>)> {
    use std::io::Read;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut tmp)?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("closed after {:?}", String::from_utf8_lossy(&buf)),
            ));
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = buf[end + 4..].to_vec();
    match headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        Some(len) => {
            while body.len() < len {
                let n = s.read(&mut tmp)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&tmp[..n]);
            }
            body.truncate(len);
        }
        None => {
            s.read_to_end(&mut body)?;
        }
    }
    Ok((status, headers, body))
}

/// Polls `f` every 100 ms until it gives a value; fails after `within`, showing the server's log.
#[track_caller]
pub fn wait_for<T>(
    what: &str,
    within: Duration,
    srv: &Server,
    mut f: impl FnMut() -> Option<T>,
) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < within,
            "{what} not reached in {within:?}; serve log:\n{}",
            srv.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
