//! The HTTP shell. One acceptor thread owns the listening socket and admits a connection only
//! within the caps (`web_max_connections` in all, `web_max_connections_per_client` per client
//! address); each admitted connection gets a small thread of its own that reads one whole
//! request, head and body, under timeouts (`web_timeout` of silence, and `web_min_rate` for
//! the body) and only then hands it to the `threads` handler workers. A slow client (sending
//! or reading) holds its own connection thread only: the workers never touch a socket.
//! Requests are parsed by `http` (strict framing); responses are written with tiny_http's
//! serialiser. Each request is authenticated, CSRF-checked, routed and answered by
//! `respond_to`; errors become JSON `{"error"}` or an HTML page; a panicking handler answers 500.

use super::{auth, http, pages, router, Ctx, HttpError, Request, Response};
use crate::app::App;
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct ServeError(pub String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for ServeError {}

/// How long a connection thread's stack is: it parses and writes, handlers run on workers.
const CONN_STACK: usize = 256 * 1024;

/// What one client may cost us, from the config.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest silence, and the time a request head may take.
    pub timeout: Duration,
    /// Bytes per second a body (in or out) must move at, beyond `timeout`.
    pub min_rate: u64,
    pub max_connections: usize,
    pub per_client: usize,
    pub max_body: usize,
}

impl Limits {
    pub fn from_config(c: &crate::config::Config) -> Limits {
        Limits {
            timeout: Duration::from_secs(c.web_timeout.max(1)),
            min_rate: c.web_min_rate.max(1),
            max_connections: c.web_max_connections.max(1),
            per_client: c.web_max_connections_per_client.max(1),
            max_body: c.max_body_bytes,
        }
    }

    /// The deadline for moving `len` bytes from now.
    fn deadline(&self, len: usize) -> Instant {
        Instant::now() + self.timeout + Duration::from_secs_f64(len as f64 / self.min_rate as f64)
    }
}

/// The open connections: counts per client, and a handle on each socket so `stop` can end
/// the reads of idle ones.
#[derive(Default)]
struct Conns {
    next_id: u64,
    per_client: HashMap<IpAddr, usize>,
    sockets: HashMap<u64, TcpStream>,
}

enum Msg {
    Request(Box<Request>, SyncSender<Response>),
    Stop,
}

struct Shared {
    app: Arc<App>,
    limits: Limits,
    stop: AtomicBool,
    conns: Mutex<Conns>,
    jobs: Sender<Msg>,
}

pub struct WebServer {
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<()>>,
    pub addr: SocketAddr,
}

/// Binds `listen` and starts the acceptor and `threads` handler workers. They stop when
/// `stop` is called.
pub fn start(app: Arc<App>, listen: &str, threads: usize) -> Result<WebServer, ServeError> {
    let listener = TcpListener::bind(listen)
        .map_err(|e| ServeError(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError(format!("cannot listen on {listen}: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| ServeError(format!("cannot listen on {listen}: {e}")))?;
    // std listens with a backlog of 128: a burst of connections (say, a crowd of slow
    // clients) fills it while the acceptor starts their threads, and the next client's SYN is
    // dropped and retried a second later. Calling listen again raises the backlog.
    // SAFETY: listen on the listener's own open descriptor; it only changes the backlog.
    if unsafe { libc::listen(listener.as_raw_fd(), 4096) } != 0 {
        eprintln!(
            "hydrant: web: cannot raise the listen backlog: {}",
            io::Error::last_os_error()
        );
    }
    let (tx, rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        limits: Limits::from_config(&app.config),
        app,
        stop: AtomicBool::new(false),
        conns: Mutex::new(Conns::default()),
        jobs: tx,
    });
    let rx = Arc::new(Mutex::new(rx));
    let mut workers = Vec::new();
    for i in 0..threads.max(1) {
        let (rx, app) = (rx.clone(), shared.app.clone());
        let h = std::thread::Builder::new()
            .name(format!("web-{i}"))
            .spawn(move || work(&app, &rx))
            .map_err(|e| ServeError(format!("cannot start web thread: {e}")))?;
        workers.push(h);
    }
    let sh = shared.clone();
    let acceptor = std::thread::Builder::new()
        .name("web-accept".into())
        .spawn(move || accept_loop(&sh, &listener))
        .map_err(|e| ServeError(format!("cannot start web thread: {e}")))?;
    Ok(WebServer {
        shared,
        acceptor: Some(acceptor),
        workers,
        addr,
    })
}

impl WebServer {
    /// Stops accepting, ends idle connections, lets the workers answer the requests in flight
    /// and waits for them.
    pub fn stop(mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        if let Ok(c) = self.shared.conns.lock() {
            for s in c.sockets.values() {
                // Blocked reads return end-of-file; answers in flight can still be written.
                let _ = s.shutdown(std::net::Shutdown::Read);
            }
        }
        for _ in &self.workers {
            let _ = self.shared.jobs.send(Msg::Stop);
        }
        for w in self.workers {
            let _ = w.join();
        }
    }
}

fn work(app: &App, rx: &Mutex<Receiver<Msg>>) {
    loop {
        let msg = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        match msg {
            Ok(Msg::Request(req, reply)) => {
                // respond_to catches handler panics; this keeps the worker if anything else
                // in it panics.
                let resp = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    respond_to(app, &req)
                }))
                .unwrap_or_else(|_| {
                    Response::text("internal error (the server log has details)\n".into())
                        .with_status(500)
                });
                let _ = reply.send(resp);
            }
            Ok(Msg::Stop) | Err(_) => return,
        }
    }
}

/// The address a per-client cap counts: IPv4 as is, IPv6 by its /64 (one host usually has a
/// whole /64, so counting single addresses would be no cap at all).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(a) => {
            let s = a.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// A place in `Conns`, given back when the connection ends.
struct Slot {
    shared: Arc<Shared>,
    id: u64,
    client: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut c) = self.shared.conns.lock() {
            c.sockets.remove(&self.id);
            if let Some(n) = c.per_client.get_mut(&self.client) {
                *n -= 1;
                if *n == 0 {
                    c.per_client.remove(&self.client);
                }
            }
        }
    }
}

/// A place for a connection from `peer`, or the status and reason it is refused with.
fn admit(shared: &Arc<Shared>, s: &TcpStream, peer: IpAddr) -> Result<Slot, (u16, String)> {
    let client = client_key(peer);
    let mut c = shared
        .conns
        .lock()
        .map_err(|_| (503, "the server is shutting down".to_string()))?;
    let l = &shared.limits;
    if c.sockets.len() >= l.max_connections {
        return Err((
            503,
            format!(
                "the server has its limit of {} connections open; try again later",
                l.max_connections
            ),
        ));
    }
    let mine = c.per_client.get(&client).copied().unwrap_or(0);
    if mine >= l.per_client {
        return Err((
            429,
            format!(
                "your address has {mine} connections open, the limit per client; close one first"
            ),
        ));
    }
    let sock = s
        .try_clone()
        .map_err(|e| (503, format!("cannot take the connection: {e}")))?;
    c.next_id += 1;
    let id = c.next_id;
    c.sockets.insert(id, sock);
    *c.per_client.entry(client).or_insert(0) += 1;
    Ok(Slot {
        shared: shared.clone(),
        id,
        client,
    })
}

fn accept_loop(shared: &Arc<Shared>, listener: &TcpListener) {
    let mut pfd = libc::pollfd {
        fd: listener.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    while !shared.stop.load(Ordering::SeqCst) {
        // SAFETY: `pfd` is one valid pollfd for the listener, which outlives the call.
        let ready = unsafe { libc::poll(&mut pfd, 1, 100) };
        if ready <= 0 {
            continue;
        }
        let (stream, peer) = match listener.accept() {
            Ok(x) => x,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => {
                // Out of descriptors, most likely: wait for some to close instead of spinning.
                eprintln!("hydrant: web: cannot accept a connection: {e}");
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if stream.set_nonblocking(false).is_err() {
            continue;
        }
        let slot = match admit(shared, &stream, peer.ip()) {
            Ok(s) => s,
            Err((status, msg)) => {
                refuse(&stream, status, &msg);
                continue;
            }
        };
        let sh = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("web-conn".into())
            .stack_size(CONN_STACK)
            .spawn(move || {
                let _slot = slot;
                serve_connection(&sh, stream);
            });
        if let Err(e) = spawned {
            eprintln!("hydrant: web: cannot start a connection thread: {e}");
        }
    }
}

/// Answers a connection we do not take, from the acceptor: a few hundred bytes into an empty
/// socket buffer, so it cannot block; then the socket closes.
fn refuse(stream: &TcpStream, status: u16, msg: &str) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
    let resp = Response::text(format!("{msg}\n")).with_status(status);
    let mut w = DeadlineIo {
        stream,
        deadline: Instant::now() + Duration::from_millis(200),
        idle: Duration::from_millis(100),
    };
    let _ = write_response(&mut w, resp, false, false, 1);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// Reads and writes a socket under a deadline: each call waits at most `idle`, and none
/// starts after `deadline`.
struct DeadlineIo<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
    idle: Duration,
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, what.to_string())
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl DeadlineIo<'_> {
    /// The wait for the next call; zero when the deadline passed.
    fn wait(&self) -> Duration {
        self.deadline
            .saturating_duration_since(Instant::now())
            .min(self.idle)
    }
}

impl Read for DeadlineIo<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let w = self.wait();
        if w.is_zero() {
            return Err(timed_out("deadline passed"));
        }
        self.stream.set_read_timeout(Some(w))?;
        let mut s = self.stream;
        s.read(buf)
    }
}

/// Bytes per sendfile(2) call. 2 MiB (nginx's `sendfile_max_chunk`) measured best: Nix
/// substituted a 227 MiB closure 6% faster than with read/write, and 1 GiB per call was
/// no better than read/write.
const SEND_FILE_CHUNK: usize = 2 << 20;

impl crate::nix::nar::FileOut for DeadlineIo<'_> {
    fn sends_files(&self) -> bool {
        true
    }

    /// sendfile(2): the bytes go from the page cache to the socket without a copy here. The
    /// socket is non-blocking meanwhile and each wait for room is a poll of at most `idle`
    /// within the deadline, like a write (a blocking sendfile's send timeout restarts for every
    /// piece, so a trickling client could hold it far past the deadline).
    fn send_file(&mut self, file: &mut std::fs::File, len: u64) -> io::Result<u64> {
        self.stream.set_nonblocking(true)?;
        let sent = self.sendfile_nonblocking(file, len);
        let back = self.stream.set_nonblocking(false);
        let (sent, unsupported) = sent?;
        back?;
        if unsupported {
            // A file system without sendfile support: copy the rest.
            let rest = io::copy(&mut Read::take(&mut *file, len - sent), self)?;
            return Ok(sent + rest);
        }
        Ok(sent)
    }
}

impl DeadlineIo<'_> {
    /// (bytes sent, whether the file system refused sendfile before the end).
    fn sendfile_nonblocking(
        &mut self,
        file: &mut std::fs::File,
        len: u64,
    ) -> io::Result<(u64, bool)> {
        use std::os::fd::AsRawFd;
        let mut sent = 0u64;
        while sent < len {
            let count = usize::try_from(len - sent)
                .unwrap_or(usize::MAX)
                .min(SEND_FILE_CHUNK);
            // SAFETY: both descriptors are open for the call; a null offset makes the kernel
            // read from (and advance) the file's own position. sendfile cannot pass
            // MSG_NOSIGNAL: a closed peer gives EPIPE because Rust's runtime ignores SIGPIPE.
            let n = unsafe {
                libc::sendfile(
                    self.stream.as_raw_fd(),
                    file.as_raw_fd(),
                    std::ptr::null_mut(),
                    count,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                match e.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock => {
                        self.wait_writable()?;
                        continue;
                    }
                    _ if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {
                        return Ok((sent, true));
                    }
                    _ => return Err(e),
                }
            }
            if n == 0 {
                break; // the file ended early
            }
            sent += n as u64;
        }
        Ok((sent, false))
    }

    /// Waits until the socket takes more bytes: at most `idle`, never past the deadline.
    fn wait_writable(&self) -> io::Result<()> {
        use std::os::fd::AsRawFd;
        let w = self.wait();
        if w.is_zero() {
            return Err(timed_out("the client reads too slowly"));
        }
        let mut pfd = libc::pollfd {
            fd: self.stream.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        let ms = i32::try_from(w.as_millis().max(1)).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd for the length we pass.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r == 0 {
            return Err(timed_out("the client reads too slowly"));
        }
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
        Ok(())
    }
}

impl Write for DeadlineIo<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let w = self.wait();
        if w.is_zero() {
            return Err(timed_out("the client reads too slowly"));
        }
        self.stream.set_write_timeout(Some(w))?;
        let mut s = self.stream;
        s.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One client connection: requests one after another (keep-alive), each read whole before a
/// worker sees it. Bytes read past a request stay in `buf` for the next one.
struct Conn<'a> {
    shared: &'a Shared,
    stream: TcpStream,
    buf: Vec<u8>,
}

/// Why a request could not be read.
enum ReadFail {
    /// The client went away or stayed silent between requests: close without an answer.
    Gone,
    /// Answer this, then close.
    Answer(HttpError),
}

impl Conn<'_> {
    /// Reads more bytes into `buf`; 0 at end of file.
    fn fill(&mut self, deadline: Instant) -> io::Result<usize> {
        let mut tmp = [0u8; 8192];
        let mut io = DeadlineIo {
            stream: &self.stream,
            deadline,
            idle: self.shared.limits.timeout,
        };
        let n = io.read(&mut tmp)?;
        self.buf.extend_from_slice(&tmp[..n]);
        Ok(n)
    }

    /// The next request head (without its blank line). Silence before its first byte for
    /// `timeout` closes the connection; a head not complete `timeout` after its first byte
    /// is a 408.
    fn read_head(&mut self) -> Result<Vec<u8>, ReadFail> {
        let timeout = self.shared.limits.timeout;
        let mut deadline = Instant::now() + timeout;
        let mut started = false;
        loop {
            // Empty lines before a request line are ignored (RFC 9112 section 2.2).
            while self.buf.starts_with(b"\r\n") {
                self.buf.drain(..2);
            }
            if !started && !self.buf.is_empty() {
                started = true;
                deadline = Instant::now() + timeout;
            }
            if let Some(end) = http::head_end(&self.buf) {
                let rest = self.buf.split_off(end + 4);
                let mut head = std::mem::replace(&mut self.buf, rest);
                head.truncate(end);
                return Ok(head);
            }
            if self.buf.len() > http::MAX_HEAD_BYTES {
                return Err(ReadFail::Answer(HttpError::new(
                    431,
                    format!(
                        "the request head is larger than {} bytes",
                        http::MAX_HEAD_BYTES
                    ),
                )));
            }
            match self.fill(deadline) {
                Ok(0) => return Err(ReadFail::Gone),
                Ok(_) => {}
                Err(e) if is_timeout(&e) && started => {
                    return Err(ReadFail::Answer(HttpError::new(
                        408,
                        format!(
                            "the request head did not arrive within {} s",
                            timeout.as_secs()
                        ),
                    )))
                }
                Err(_) => return Err(ReadFail::Gone),
            }
        }
    }

    /// The body of `len` bytes, which must arrive within `timeout` plus `len / min_rate`.
    fn read_body(&mut self, len: usize) -> Result<Vec<u8>, ReadFail> {
        let l = &self.shared.limits;
        let deadline = l.deadline(len);
        while self.buf.len() < len {
            match self.fill(deadline) {
                Ok(0) => return Err(ReadFail::Gone),
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {
                    return Err(ReadFail::Answer(HttpError::new(
                        408,
                        format!(
                            "the request body ({len} bytes) did not arrive in time: at most {} s of silence and at least {} bytes/s",
                            l.timeout.as_secs(),
                            l.min_rate
                        ),
                    )))
                }
                Err(_) => return Err(ReadFail::Gone),
            }
        }
        let rest = self.buf.split_off(len);
        Ok(std::mem::replace(&mut self.buf, rest))
    }

    fn send(&self, resp: Response, head_only: bool, keep_alive: bool, minor: u8) -> io::Result<()> {
        let deadline = match &resp.stream {
            None => self.shared.limits.deadline(resp.body.len()),
            Some(s) => match s.len {
                Some(n) => self.shared.limits.deadline(n as usize),
                // Unknown length (compressed on the fly): only the idle timeout applies.
                None => Instant::now() + Duration::from_secs(7 * 24 * 3600),
            },
        };
        let mut io = DeadlineIo {
            stream: &self.stream,
            deadline,
            idle: self.shared.limits.timeout,
        };
        write_response(&mut io, resp, head_only, keep_alive, minor)
    }

    /// Answers an error that ends the connection.
    fn fail(&self, req: &Request, e: &HttpError, minor: u8) {
        let resp = error_response(&self.shared.app, req, &auth::Auth::default(), e);
        let _ = self.send(resp, req.method == "HEAD", false, minor);
    }
}

fn serve_connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        shared,
        stream,
        buf: Vec::new(),
    };
    while !shared.stop.load(Ordering::SeqCst) {
        let raw = match conn.read_head() {
            Ok(h) => h,
            Err(ReadFail::Gone) => return,
            Err(ReadFail::Answer(e)) => return conn.fail(&Request::default(), &e, 1),
        };
        let head = match http::parse_head(&raw, shared.limits.max_body) {
            Ok(h) => h,
            Err(e) => {
                let req = Request {
                    headers: http::rough_headers(&raw),
                    ..Request::default()
                };
                return conn.fail(&req, &e, 1);
            }
        };
        let mut req = request_of(&head);
        req.remote = conn.stream.peer_addr().ok().map(|a| a.ip());
        if head.expect_continue && head.content_length > 0 {
            let mut io = DeadlineIo {
                stream: &conn.stream,
                deadline: Instant::now() + shared.limits.timeout,
                idle: shared.limits.timeout,
            };
            if io.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
                return;
            }
        }
        req.body = match conn.read_body(head.content_length) {
            Ok(b) => b,
            Err(ReadFail::Gone) => return,
            Err(ReadFail::Answer(e)) => return conn.fail(&req, &e, head.minor),
        };
        let head_only = req.method == "HEAD";
        if let Some(resp) = super::binary_cache::answer_inline(&shared.app, &req) {
            let keep_alive = head.keep_alive && !shared.stop.load(Ordering::SeqCst);
            if conn.send(resp, head_only, keep_alive, head.minor).is_err() || !keep_alive {
                return;
            }
            continue;
        }
        let (tx, rx) = mpsc::sync_channel(1);
        if shared.jobs.send(Msg::Request(Box::new(req), tx)).is_err() {
            return;
        }
        let Ok(resp) = rx.recv() else { return };
        let keep_alive = head.keep_alive && !shared.stop.load(Ordering::SeqCst);
        if conn.send(resp, head_only, keep_alive, head.minor).is_err() || !keep_alive {
            return;
        }
    }
}

/// The `Request` handlers see, from a parsed head (the body follows).
fn request_of(head: &http::Head) -> Request {
    let (path, query) = match head.target.split_once('?') {
        Some((p, q)) => (p.to_string(), super::parse_pairs(q)),
        None => (head.target.clone(), Vec::new()),
    };
    Request {
        method: head.method.clone(),
        path,
        query,
        headers: head.headers.clone(),
        body: Vec::new(),
        remote: None,
    }
}

fn error_response(app: &App, req: &Request, auth: &auth::Auth, e: &HttpError) -> Response {
    // An internal failure's text (storage paths, record names) goes to the log, not to the
    // client: sanitised here, once, for every handler.
    let sanitised;
    let e = if e.status == 500 {
        eprintln!("hydrant: {} {}: {}", req.method, req.path, e.message);
        sanitised = HttpError::new(e.status, "internal error; the server's log has the details");
        &sanitised
    } else {
        e
    };
    if req.json_client() {
        return Response::json(&super::api::error_json(&e.message)).with_status(e.status);
    }
    let pc = pages::PageCtx {
        user: auth.user.as_ref().map(|u| u.name.as_str()),
        csrf: auth
            .session
            .as_ref()
            .map(|(_, s)| s.csrf.as_str())
            .unwrap_or(""),
        here: &req.path,
    };
    let _ = app;
    Response::html(pages::error_page(&pc, e.status, &e.message)).with_status(e.status)
}

/// The whole pipeline for one request, without I/O on the socket (tests call it directly).
pub fn respond_to(app: &App, req: &Request) -> Response {
    let auth = match auth::resolve(app, req) {
        Ok(a) => a,
        Err(e) => return error_response(app, req, &auth::Auth::default(), &e),
    };
    let (route, args) = match router::find(&req.method, &req.path) {
        router::Match::Found(r, a) => (r, a),
        router::Match::WrongMethod(allowed) => {
            let e = HttpError::new(
                405,
                format!(
                    "{} is not allowed here (allowed: {})",
                    req.method,
                    allowed.join(", ")
                ),
            );
            return error_response(app, req, &auth, &e).with_header("Allow", &allowed.join(", "));
        }
        router::Match::NotFound => {
            let e = HttpError::not_found(format!("no page at {}", req.path));
            return error_response(app, req, &auth, &e);
        }
    };
    let form = if req.is_form_body() {
        match std::str::from_utf8(&req.body) {
            Ok(s) => Some(super::parse_pairs(s)),
            Err(_) => {
                let e = HttpError::bad_request("the form body is not UTF-8");
                return error_response(app, req, &auth, &e);
            }
        }
    } else {
        None
    };
    if let Err(e) = auth::check_csrf(req, &auth, form.as_deref()) {
        return error_response(app, req, &auth, &e);
    }
    let ctx = Ctx {
        app,
        req,
        auth,
        form,
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        (route.handler)(&ctx, &args)
    }));
    match result {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => error_response(app, req, &ctx.auth, &e),
        Err(_) => error_response(
            app,
            req,
            &ctx.auth,
            &HttpError::new(500, "internal error (the server log has details)"),
        ),
    }
}

/// Writes `resp`: tiny_http serialises the head (status line, `Date`, `Content-Length`, never
/// chunked, the handler's headers and the security headers); we add `Connection: close` when
/// the connection ends after it (tiny_http drops hop-by-hop headers it is given) and send the
/// body unless `head_only` (HEAD answers carry the full answer's headers only).
fn write_response(
    w: &mut DeadlineIo,
    resp: Response,
    head_only: bool,
    keep_alive: bool,
    minor: u8,
) -> io::Result<()> {
    let mut headers = Vec::new();
    let mut add = |k: &str, v: &str| {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            headers.push(h);
        }
    };
    add("Server", "hydrant");
    add("Content-Type", &resp.content_type);
    // The same URL answers HTML or JSON by the request's headers: caches must keep both apart.
    add("Vary", "Accept, Content-Type");
    let csp = "Content-Security-Policy";
    for (k, v) in &resp.headers {
        if !k.eq_ignore_ascii_case(csp) {
            add(k, v);
        }
    }
    for (k, v) in SECURITY_HEADERS {
        // A response's own policy (a build product's `sandbox`) adds to ours, in one header.
        match resp
            .headers
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(csp))
        {
            Some((_, extra)) if *k == csp => add(k, &format!("{v}; {extra}")),
            _ => add(k, v),
        }
    }
    let no_body = head_only || matches!(resp.status, 100..=199 | 204 | 304);
    let stream_len = resp.stream.as_ref().map(|s| s.len);
    let length = match stream_len {
        None => resp.body.len(),
        Some(n) => n.unwrap_or(0) as usize,
    };
    let out = tiny_http::Response::new(
        tiny_http::StatusCode(resp.status),
        headers,
        io::empty(),
        Some(length),
        None,
    )
    .with_chunked_threshold(usize::MAX);
    let mut head = Vec::with_capacity(1024);
    out.raw_print(&mut head, tiny_http::HTTPVersion(1, minor), &[], true, None)?;
    if !keep_alive && head.ends_with(b"\r\n\r\n") {
        head.truncate(head.len() - 2);
        head.extend_from_slice(b"Connection: close\r\n\r\n");
    }
    if let (Some(stream), Some(len)) = (&resp.stream, stream_len) {
        return write_stream(w, head, stream, len, no_body, minor);
    }
    if no_body {
        return w.write_all(&head);
    }
    if resp.body.len() <= 64 * 1024 {
        // One write (one packet for a small page) instead of two.
        head.extend_from_slice(&resp.body);
        return w.write_all(&head);
    }
    w.write_all(&head)?;
    w.write_all(&resp.body)
}

/// Sends a streamed body: exactly `len` bytes after a Content-Length, or chunked (close-
/// delimited for HTTP/1.0) when the length is not known. A body that comes out shorter or
/// longer than announced is an error, which ends the connection.
fn write_stream(
    w: &mut DeadlineIo,
    mut head: Vec<u8>,
    stream: &super::BodyStream,
    len: Option<u64>,
    no_body: bool,
    minor: u8,
) -> io::Result<()> {
    if len.is_none() {
        const ZERO: &[u8] = b"Content-Length: 0\r\n";
        if let Some(i) = head.windows(ZERO.len()).position(|x| x == ZERO) {
            let with: &[u8] = if minor >= 1 {
                b"Transfer-Encoding: chunked\r\n"
            } else {
                b""
            };
            head.splice(i..i + ZERO.len(), with.iter().copied());
        }
    }
    w.write_all(&head)?;
    if no_body {
        return Ok(());
    }
    match len {
        Some(n) => {
            let mut out = Exact { w, left: n };
            stream.write_to(&mut out)?;
            if out.left > 0 {
                return Err(io::Error::other("streamed body ended early"));
            }
            Ok(())
        }
        None if minor >= 1 => {
            stream.write_to(&mut Chunked(w))?;
            w.write_all(b"0\r\n\r\n")
        }
        None => stream.write_to(w),
    }
}

/// Passes exactly `left` bytes on and refuses more.
struct Exact<'a, 'b> {
    w: &'a mut DeadlineIo<'b>,
    left: u64,
}

impl crate::nix::nar::FileOut for Exact<'_, '_> {
    fn sends_files(&self) -> bool {
        true
    }
    fn send_file(&mut self, file: &mut std::fs::File, len: u64) -> io::Result<u64> {
        if len > self.left {
            return Err(io::Error::other("streamed body longer than announced"));
        }
        let n = self.w.send_file(file, len)?;
        self.left -= n;
        Ok(n)
    }
}

impl Write for Exact<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() as u64 > self.left {
            return Err(io::Error::other("streamed body longer than announced"));
        }
        let n = self.w.write(buf)?;
        self.left -= n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Each write as one HTTP/1.1 chunk.
struct Chunked<'a, 'b>(&'a mut DeadlineIo<'b>);

impl crate::nix::nar::FileOut for Chunked<'_, '_> {}

impl Write for Chunked<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.0
            .write_all(format!("{:x}\r\n", buf.len()).as_bytes())?;
        self.0.write_all(buf)?;
        self.0.write_all(b"\r\n")?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Sent with every response. The pages need no script and no inline style, so the policy
/// allows none (an injected `<script>` or `javascript:` link does not run); styles and
/// images come from us only, forms post only to us, nobody may frame us.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_reach_the_log_not_the_client() {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-err-{}", u64::from_le_bytes(b)));
        let config = crate::config::Config {
            state_dir: dir.clone(),
            ..Default::default()
        };
        let db = crate::db::Db::open(&dir.join("h.redb")).unwrap();
        let app = App::new(config, db);
        for accept in ["application/json", "text/html"] {
            let req = Request {
                method: "GET".into(),
                path: "/x".into(),
                headers: vec![("accept".into(), accept.into())],
                ..Default::default()
            };
            let secret = "database error: cannot read /srv/secret/hydrant.redb";
            let r = error_response(
                &app,
                &req,
                &auth::Auth::default(),
                &HttpError::new(500, secret),
            );
            let body = String::from_utf8_lossy(&r.body).to_string();
            assert_eq!(r.status, 500);
            assert!(!body.contains("/srv/secret"), "{body}");
            assert!(body.contains("internal error"), "{body}");
            // A client's own mistake is still explained to it.
            let r = error_response(
                &app,
                &req,
                &auth::Auth::default(),
                &HttpError::bad_request("`nr` must be a number"),
            );
            assert!(String::from_utf8_lossy(&r.body).contains("must be a number"));
        }
        drop(app);
        let _ = std::fs::remove_dir_all(dir);
    }
}
