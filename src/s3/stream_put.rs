//! Plain HTTP/1.1 over TCP for `http://` endpoints (https keeps to minreq and multipart).
//! minreq wants a whole body in one Vec and reads responses one byte at a time; this streams a
//! request body from a file or a slice (sendfile for files), asks `Expect: 100-continue` so an
//! early refusal (403 SignatureDoesNotMatch, 404 NoSuchBucket) arrives before the body is sent,
//! and hands GET bodies out as a reader that fills large buffers straight from the socket.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
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

fn connect(t: &Target<'_>) -> io::Result<TcpStream> {
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

/// Waits until `s` has something to read (data or a close), at most `wait`.
fn readable_within(s: &TcpStream, wait: Duration) -> io::Result<bool> {
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
    let s = connect(t).map_err(Failure::Transport)?;
    let mut w = s.try_clone().map_err(Failure::Transport)?;
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
    w.write_all(h.as_bytes()).map_err(Failure::Transport)?;
    if expect {
        match readable_within(r.get_ref(), t.continue_wait) {
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
    match write_body(&mut w, body) {
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

fn write_body(w: &mut TcpStream, body: Body<'_>) -> Result<(), Failure> {
    match body {
        Body::Empty => {}
        Body::Bytes(b) => w.write_all(b).map_err(Failure::Transport)?,
        Body::File(f, len) => {
            // File to TcpStream through io::copy lets std use sendfile: no copies through user
            // space. A read error on the local file is rare enough to be reported (and retried)
            // like a network one; a file that shrank is caught by the count.
            let sent = io::copy(&mut Read::by_ref(f).take(len), w).map_err(Failure::Transport)?;
            if sent < len {
                return Err(Failure::Source(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "source ended {} bytes early (changed while uploading?)",
                        len - sent
                    ),
                )));
            }
        }
    }
    w.flush().map_err(Failure::Transport)
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
    pub body: BodyReader<BufReader<TcpStream>>,
}

/// Sends a bodiless GET and returns once the response head is in. The reader's buffer is small:
/// a caller reading into a big buffer gets the socket's bytes without a copy through it.
pub(crate) fn get(t: &Target<'_>, head: &str) -> Result<Streaming, Failure> {
    let mut s = connect(t).map_err(Failure::Transport)?;
    let h = format!("{head}connection: close\r\n\r\n");
    s.write_all(h.as_bytes()).map_err(Failure::Transport)?;
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
