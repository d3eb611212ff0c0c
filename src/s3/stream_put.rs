//! A streamed HTTP/1.1 request body over plain TCP. minreq wants the whole body in one Vec, so
//! it cannot send a large file in one PutObject within bounded memory; this can, for `http://`
//! endpoints (https keeps to minreq and multipart). Everything else still goes through minreq.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A response with a small, fully read body.
pub(crate) struct Response {
    pub status: u16,
    /// Lowercase names.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

/// Why a streamed request failed.
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
}

/// Sends `head` (request line and headers, ending in the blank line) followed by exactly `len`
/// bytes from `body`, then reads the response.
pub(crate) fn send(
    t: &Target<'_>,
    head: &str,
    body: &mut File,
    len: u64,
) -> Result<Response, Failure> {
    let addrs: Vec<_> = (t.host, t.port)
        .to_socket_addrs()
        .map_err(Failure::Transport)?
        .collect();
    let mut last = io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} resolves to no address", t.host),
    );
    let mut stream = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, t.connect_timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = e,
        }
    }
    let mut s = stream.ok_or(Failure::Transport(last))?;
    s.set_read_timeout(Some(t.io_timeout))
        .map_err(Failure::Transport)?;
    s.set_write_timeout(Some(t.io_timeout))
        .map_err(Failure::Transport)?;
    let _ = s.set_nodelay(true);
    match write_request(&mut s, head, body, len) {
        Ok(()) => {}
        Err(Failure::Transport(e)) => {
            // The server may have answered early (say 403) and closed; its answer is the
            // better error than our broken pipe.
            return read_response(&mut s).map_err(|_| Failure::Transport(e));
        }
        Err(f) => return Err(f),
    }
    read_response(&mut s).map_err(Failure::Transport)
}

fn write_request(s: &mut TcpStream, head: &str, body: &mut File, len: u64) -> Result<(), Failure> {
    s.write_all(head.as_bytes()).map_err(Failure::Transport)?;
    // File to TcpStream through io::copy lets std use sendfile: no copies through user space.
    // A read error on the local file is rare enough to be reported (and retried) like a
    // network one; a file that shrank is caught by the count.
    let sent = io::copy(&mut Read::by_ref(body).take(len), s).map_err(Failure::Transport)?;
    if sent < len {
        return Err(Failure::Source(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!(
                "source ended {} bytes early (changed while uploading?)",
                len - sent
            ),
        )));
    }
    s.flush().map_err(Failure::Transport)
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

/// Reads a status line, headers and a body (Content-Length, chunked, or until close). The
/// body is capped: S3 answers to PUT are small.
fn read_response(s: &mut TcpStream) -> io::Result<Response> {
    const CAP: u64 = 1024 * 1024;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before a response",
            ));
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
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "connection closed inside headers",
                ));
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        // An interim 100 Continue precedes the real answer.
        if (100..200).contains(&status) {
            continue;
        }
        let mut body = Vec::new();
        if headers
            .get("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
        {
            loop {
                let mut size = String::new();
                r.read_line(&mut size)?;
                let size = size.trim().split(';').next().unwrap_or("");
                let n = u64::from_str_radix(size, 16).map_err(|_| bad("malformed chunk size"))?;
                if n == 0 {
                    break;
                }
                if body.len() as u64 + n > CAP {
                    return Err(bad("response body too large"));
                }
                (&mut r).take(n).read_to_end(&mut body)?;
                let mut crlf = String::new();
                r.read_line(&mut crlf)?;
            }
        } else if let Some(len) = headers.get("content-length") {
            let n: u64 = len.parse().map_err(|_| bad("malformed Content-Length"))?;
            if n > CAP {
                return Err(bad("response body too large"));
            }
            (&mut r).take(n).read_to_end(&mut body)?;
            if (body.len() as u64) < n {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "response body cut short",
                ));
            }
        } else {
            (&mut r).take(CAP).read_to_end(&mut body)?;
        }
        return Ok(Response {
            status,
            headers,
            body,
        });
    }
}
