//! HTTP/1.1 of our own for every S3 request, over plain TCP or over TLS (rustls).
//! minreq wants a whole body in one Vec and reads responses one byte at a time; this streams a
//! request body from a file or a slice (sendfile for files over plain TCP, 256 KiB writes
//! through TLS), asks `Expect: 100-continue` so an
//! early refusal (403 SignatureDoesNotMatch, 404 NoSuchBucket) arrives before the body is sent,
//! and hands GET bodies out as a reader that fills large buffers straight from the socket.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::time::Duration;

/// A response with a small, fully read body.
pub(crate) struct Response {
    pub status: u16,
    /// Lowercase names.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

/// Why a request failed.
pub(crate) enum Failure {
    /// The network or the server misbehaved: worth retrying.
    Transport(io::Error),
    /// Reading the local body failed, or it ended early.
    Source(io::Error),
    /// The TLS handshake failed for a reason repeating cannot fix (an untrusted or wrong
    /// certificate, no common protocol): the message names the host and the reason.
    Tls(String),
}

pub(crate) struct Target<'a> {
    pub host: &'a str,
    pub port: u16,
    pub connect_timeout: Duration,
    /// Applies to every single read and write, so only a real stall times out.
    pub io_timeout: Duration,
    /// How long to wait for `100 Continue` (or an early final answer) before sending the body
    /// anyway, as RFC 9110 lets a client do with servers that ignore `Expect`.
    pub continue_wait: Duration,
    /// Speak TLS with this configuration (the `Host` name is the server name checked).
    pub tls: Option<&'a Arc<rustls::ClientConfig>>,
}

/// One connection, plain or TLS.
pub(crate) enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// A request body.
pub(crate) enum Body<'a> {
    Empty,
    Bytes(&'a [u8]),
    /// Exactly this many bytes from the file's current position.
    File(&'a mut File, u64),
}

impl Body<'_> {
    fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, n) => *n,
        }
    }
}

/// Bodies smaller than this go with the headers: a refusal costs less than the round trip.
const EXPECT_MIN: u64 = 64 * 1024;

fn connect(t: &Target<'_>) -> Result<Conn, Failure> {
    let tcp = connect_tcp(t).map_err(Failure::Transport)?;
    let Some(cfg) = t.tls else {
        return Ok(Conn::Plain(tcp));
    };
    let name = rustls::ServerName::try_from(t.host)
        .map_err(|_| Failure::Tls(format!("{:?} is not a valid TLS server name", t.host)))?;
    let mut conn = rustls::ClientConnection::new(Arc::clone(cfg), name)
        .map_err(|e| Failure::Tls(format!("TLS setup for {}: {e}", t.host)))?;
    let mut tcp = tcp;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            return Err(handshake_failure(t.host, e));
        }
    }
    Ok(Conn::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))))
}

/// A handshake error: rustls's own errors are permanent and named plainly, network ones are
/// transport failures like any other.
fn handshake_failure(host: &str, e: io::Error) -> Failure {
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            return Failure::Transport(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{host} closed the connection during the TLS handshake"),
            ));
        }
        return Failure::Transport(e);
    };
    Failure::Tls(tls_reason(host, tls))
}

pub(crate) fn tls_reason(host: &str, e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => format!(
            "certificate for {host} is signed by an unknown CA; set ca_file or SSL_CERT_FILE"
        ),
        rustls::Error::InvalidCertificate(C::NotValidForName) => {
            format!("certificate presented by {host} is not valid for the name {host}")
        }
        rustls::Error::InvalidCertificate(C::Expired) => {
            format!("certificate for {host} has expired")
        }
        rustls::Error::InvalidCertificate(C::NotValidYet) => {
            format!("certificate for {host} is not valid yet (check the clock)")
        }
        rustls::Error::InvalidCertificate(c) => format!("certificate for {host} rejected: {c:?}"),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateHandshakeMessage { .. } => {
            format!("TLS handshake with {host} failed ({e}); is the endpoint really https?")
        }
        other => format!("TLS handshake with {host} failed: {other}"),
    }
}

fn connect_tcp(t: &Target<'_>) -> io::Result<TcpStream> {
    let addrs: Vec<_> = (t.host, t.port).to_socket_addrs()?.collect();
    let mut last = io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} resolves to no address", t.host),
    );
    for a in addrs {
        match TcpStream::connect_timeout(&a, t.connect_timeout) {
            Ok(s) => {
                s.set_read_timeout(Some(t.io_timeout))?;
                s.set_write_timeout(Some(t.io_timeout))?;
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Waits until `c` has something to read (an answer or a close), at most `wait`. Over TLS the
/// socket may also carry records with no data for us (session tickets), so this reads with a
/// short timeout instead of polling the socket.
fn readable_within(
    r: &mut BufReader<Conn>,
    wait: Duration,
    io_timeout: Duration,
) -> io::Result<bool> {
    if !r.buffer().is_empty() {
        return Ok(true);
    }
    if let Conn::Plain(s) = r.get_ref() {
        return poll_readable(s, wait);
    }
    r.get_ref()
        .tcp()
        .set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
    let got = r.fill_buf().map(|_| true);
    r.get_ref().tcp().set_read_timeout(Some(io_timeout))?;
    match got {
        Ok(b) => Ok(b),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

fn poll_readable(s: &TcpStream, wait: Duration) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: s.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let ms = wait.as_millis().min(i32::MAX as u128) as i32;
    loop {
        // SAFETY: one valid pollfd for a socket we own, for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r >= 0 {
            return Ok(r > 0);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// Sends `head` (request line and headers, without the blank line that ends them) followed by
/// `body`, then reads the response (`head_request`: a HEAD, whose answer has no body).
pub(crate) fn send(
    t: &Target<'_>,
    head: &str,
    body: Body<'_>,
    head_request: bool,
) -> Result<Response, Failure> {
    let s = connect(t)?;
    let mut r = BufReader::with_capacity(64 * 1024, s);
    let len = body.len();
    let expect = len >= EXPECT_MIN;
    let mut h = String::with_capacity(head.len() + 96);
    h.push_str(head);
    if len > 0 || !head_request {
        h.push_str(&format!("content-length: {len}\r\n"));
    }
    if expect {
        h.push_str("expect: 100-continue\r\n");
    }
    h.push_str("connection: close\r\n\r\n");
    let w = r.get_mut();
    w.write_all(h.as_bytes())
        .and_then(|()| w.flush())
        .map_err(Failure::Transport)?;
    if expect {
        match readable_within(&mut r, t.continue_wait, t.io_timeout) {
            Ok(true) => {
                let (status, headers) = read_head(&mut r, false).map_err(Failure::Transport)?;
                if status != 100 {
                    // A final answer before the body: the server refused it. Reading on is
                    // all there is to do; the body never goes out.
                    return read_small_body(&mut r, status, headers, head_request)
                        .map_err(Failure::Transport);
                }
            }
            Ok(false) => {} // A server that ignores Expect: send the body anyway.
            Err(e) => return Err(Failure::Transport(e)),
        }
    }
    match write_body(r.get_mut(), body) {
        Ok(()) => {}
        Err(Failure::Transport(e)) => {
            // The server may have answered early (say 403) and closed; its answer is the
            // better error than our broken pipe.
            return read_response(&mut r, head_request).map_err(|_| Failure::Transport(e));
        }
        Err(f) => return Err(f),
    }
    read_response(&mut r, head_request).map_err(Failure::Transport)
}

fn write_body(w: &mut Conn, body: Body<'_>) -> Result<(), Failure> {
    match (body, &mut *w) {
        (Body::Empty, _) => {}
        (Body::Bytes(b), w) => w.write_all(b).map_err(Failure::Transport)?,
        (Body::File(f, len), Conn::Plain(w)) => {
            // File to TcpStream through io::copy lets std use sendfile: no copies through user
            // space. A read error on the local file is rare enough to be reported (and retried)
            // like a network one; a file that shrank is caught by the count.
            let sent = io::copy(&mut Read::by_ref(f).take(len), w).map_err(Failure::Transport)?;
            if sent < len {
                return Err(short_source(len - sent));
            }
        }
        (Body::File(f, len), w) => {
            // Through TLS every byte passes user space anyway: big reads, one buffer, each
            // encrypted whole before it is written out.
            if let Conn::Tls(s) = w {
                s.conn.set_buffer_limit(None);
            }
            let mut buf = vec![0u8; 1024 * 1024];
            let mut left = len;
            while left > 0 {
                let want = left.min(buf.len() as u64) as usize;
                let n = match f.read(&mut buf[..want]) {
                    Ok(0) => return Err(short_source(left)),
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Failure::Source(e)),
                };
                w.write_all(&buf[..n]).map_err(Failure::Transport)?;
                left -= n as u64;
            }
        }
    }
    w.flush().map_err(Failure::Transport)
}

fn short_source(missing: u64) -> Failure {
    Failure::Source(io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("source ended {missing} bytes early (changed while uploading?)"),
    ))
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

fn eof(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, msg.to_string())
}

/// Reads one status line and its headers (`skip_interim`: past any 1xx answers).
fn read_head<R: BufRead>(
    r: &mut R,
    skip_interim: bool,
) -> io::Result<(u16, HashMap<String, String>)> {
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(eof("connection closed before a response"));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| bad("malformed status line"))?;
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if r.read_line(&mut h)? == 0 {
                return Err(eof("connection closed inside headers"));
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if headers.len() > 200 || h.len() > 16 * 1024 {
                return Err(bad("response headers too large"));
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        if skip_interim && (100..200).contains(&status) {
            continue;
        }
        return Ok((status, headers));
    }
}

/// Reads a status line, headers and a body (Content-Length, chunked, or until close). The
/// body is capped: S3 answers other than GetObject are small.
fn read_response<R: BufRead>(r: &mut R, head_request: bool) -> io::Result<Response> {
    let (status, headers) = read_head(r, true)?;
    read_small_body(r, status, headers, head_request)
}

fn read_small_body<R: BufRead>(
    r: &mut R,
    status: u16,
    headers: HashMap<String, String>,
    head_request: bool,
) -> io::Result<Response> {
    const CAP: u64 = 64 * 1024 * 1024;
    let mut body = Vec::new();
    if !head_request && status != 204 && status != 304 {
        let mut b = BodyReader::new(r, &headers)?;
        Read::by_ref(&mut b).take(CAP + 1).read_to_end(&mut body)?;
        if body.len() as u64 > CAP {
            return Err(bad("response body too large"));
        }
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A response body as a reader: exactly Content-Length bytes, chunked, or until close. Reading
/// past a Content-Length the connection did not deliver is an `UnexpectedEof`.
pub(crate) struct BodyReader<R> {
    inner: R,
    mode: Mode,
}

enum Mode {
    Length(u64),
    /// Bytes left in the current chunk; `None` before the first size line.
    Chunked(Option<u64>),
    Close,
    Done,
}

impl<R: BufRead> BodyReader<R> {
    fn new(inner: R, headers: &HashMap<String, String>) -> io::Result<BodyReader<R>> {
        let mode = if headers
            .get("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
        {
            Mode::Chunked(None)
        } else if let Some(len) = headers.get("content-length") {
            Mode::Length(len.parse().map_err(|_| bad("malformed Content-Length"))?)
        } else {
            Mode::Close
        };
        Ok(BodyReader { inner, mode })
    }
}

impl<R: BufRead> Read for BodyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match &mut self.mode {
                Mode::Done => return Ok(0),
                Mode::Close => return self.inner.read(buf),
                Mode::Length(0) => {
                    self.mode = Mode::Done;
                    return Ok(0);
                }
                Mode::Length(left) => {
                    let want = (*left).min(buf.len() as u64) as usize;
                    let n = self.inner.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(eof("response body cut short"));
                    }
                    *left -= n as u64;
                    return Ok(n);
                }
                Mode::Chunked(Some(0)) | Mode::Chunked(None) => {
                    if matches!(self.mode, Mode::Chunked(Some(0))) {
                        let mut crlf = String::new();
                        self.inner.read_line(&mut crlf)?;
                    }
                    let mut size = String::new();
                    if self.inner.read_line(&mut size)? == 0 {
                        return Err(eof("chunked body cut short"));
                    }
                    let size = size.trim().split(';').next().unwrap_or("");
                    let n =
                        u64::from_str_radix(size, 16).map_err(|_| bad("malformed chunk size"))?;
                    if n == 0 {
                        // Trailers end with a blank line.
                        loop {
                            let mut t = String::new();
                            if self.inner.read_line(&mut t)? == 0 || t.trim().is_empty() {
                                break;
                            }
                        }
                        self.mode = Mode::Done;
                        return Ok(0);
                    }
                    self.mode = Mode::Chunked(Some(n));
                }
                Mode::Chunked(Some(left)) => {
                    let want = (*left).min(buf.len() as u64) as usize;
                    let n = self.inner.read(&mut buf[..want])?;
                    if n == 0 {
                        return Err(eof("chunked body cut short"));
                    }
                    *left -= n as u64;
                    return Ok(n);
                }
            }
        }
    }
}

/// A streamed GET answer: status and headers read, the body left on the socket.
pub(crate) struct Streaming {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: BodyReader<BufReader<Conn>>,
}

/// Sends a bodiless GET and returns once the response head is in. The reader's buffer is small:
/// a caller reading into a big buffer gets the socket's bytes without a copy through it.
pub(crate) fn get(t: &Target<'_>, head: &str) -> Result<Streaming, Failure> {
    let mut s = connect(t)?;
    let h = format!("{head}connection: close\r\n\r\n");
    s.write_all(h.as_bytes())
        .and_then(|()| s.flush())
        .map_err(Failure::Transport)?;
    let mut r = BufReader::with_capacity(16 * 1024, s);
    let (status, headers) = read_head(&mut r, true).map_err(Failure::Transport)?;
    let body = BodyReader::new(r, &headers).map_err(Failure::Transport)?;
    Ok(Streaming {
        status,
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(headers: &[(&str, &str)], raw: &[u8]) -> io::Result<Vec<u8>> {
        let h = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut r = BodyReader::new(io::Cursor::new(raw.to_vec()), &h)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn bodies_by_length_chunks_and_close() {
        assert_eq!(body(&[("content-length", "3")], b"abcdef").unwrap(), b"abc");
        assert!(body(&[("content-length", "9")], b"abc").is_err());
        assert_eq!(
            body(
                &[("transfer-encoding", "chunked")],
                b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nTrailer: 1\r\n\r\n"
            )
            .unwrap(),
            b"abcde"
        );
        assert!(body(&[("transfer-encoding", "chunked")], b"5\r\nab").is_err());
        assert!(body(&[("transfer-encoding", "chunked")], b"zz\r\n").is_err());
        assert_eq!(body(&[], b"until close").unwrap(), b"until close");
    }

    #[test]
    fn interim_answers_are_skipped() {
        let raw =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\ncontent-length: 2\r\n\r\nno";
        let r = read_response(&mut io::Cursor::new(raw.to_vec()), false).unwrap();
        assert_eq!(r.status, 403);
        assert_eq!(r.body, b"no");
        let raw = b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n";
        let r = read_response(&mut io::Cursor::new(raw.to_vec()), true).unwrap();
        assert_eq!((r.status, r.body.len()), (200, 0));
    }
}
