//! HTTP/1.1 request heads, parsed strictly and without I/O: the request line, the header
//! fields and the framing of the body. Anything a proxy in front of us could read differently
//! (two Content-Lengths, Content-Length with Transfer-Encoding, folded or malformed fields)
//! is refused, so one connection can never carry a request we did not see.

use super::HttpError;

/// Largest request head (request line and header fields) we read.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most header fields in one request.
pub const MAX_HEADERS: usize = 100;

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Upper-cased (`get` is `GET`).
    pub method: String,
    /// The request target in origin form (`/path?query`); an absolute-form target is reduced
    /// to its path.
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    /// Names lower-cased, values without surrounding whitespace, in order.
    pub headers: Vec<(String, String)>,
    /// Bytes of body that follow the head.
    pub content_length: usize,
    /// `Expect: 100-continue`: answer `100 Continue` before reading the body.
    pub expect_continue: bool,
    /// Whether the connection may carry another request after this one.
    pub keep_alive: bool,
}

fn bad(m: impl Into<String>) -> HttpError {
    HttpError::bad_request(m)
}

/// RFC 9110 `tchar`: what a method or a field name may hold.
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

/// Whether `value` (a comma-separated list such as `Connection`) holds `token`.
fn has_token(value: &str, token: &str) -> bool {
    value
        .split(',')
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Parses the head `raw` (without the blank line that ends it). `max_body` is the largest
/// body accepted: a longer Content-Length is a 413 before any of the body is read.
pub fn parse_head(raw: &[u8], max_body: usize) -> Result<Head, HttpError> {
    if raw.len() > MAX_HEAD_BYTES {
        return Err(HttpError::new(
            431,
            format!("the request head is larger than {MAX_HEAD_BYTES} bytes"),
        ));
    }
    let text = std::str::from_utf8(raw)
        .ok()
        .filter(|t| t.is_ascii())
        .ok_or_else(|| bad("the request head is not ASCII"))?;
    let mut lines = text.split("\r\n");
    let line = lines.next().unwrap_or("");
    let mut parts = line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if !m.is_empty() && !t.is_empty() => (m, t, v),
        _ => return Err(bad(format!("malformed request line {line:?}"))),
    };
    if !method.bytes().all(is_tchar) {
        return Err(bad(format!("malformed method {method:?}")));
    }
    let minor = match version {
        "HTTP/1.1" => 1,
        "HTTP/1.0" => 0,
        v if v.starts_with("HTTP/") => {
            return Err(HttpError::new(
                505,
                format!("{v} is not supported (HTTP/1.0 and HTTP/1.1 are)"),
            ))
        }
        v => return Err(bad(format!("malformed HTTP version {v:?}"))),
    };
    if target.bytes().any(|c| c <= b' ' || c == 0x7f) {
        return Err(bad("the request target contains a control character"));
    }
    let target = origin_form(target)?;

    let mut headers = Vec::new();
    for l in lines {
        if headers.len() >= MAX_HEADERS {
            return Err(HttpError::new(
                431,
                format!("more than {MAX_HEADERS} header fields"),
            ));
        }
        if l.starts_with([' ', '\t']) {
            return Err(bad("folded header lines (obs-fold) are not accepted"));
        }
        let (name, value) = l
            .split_once(':')
            .ok_or_else(|| bad(format!("malformed header line {l:?}")))?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(bad(format!("malformed header name {name:?}")));
        }
        let value = value.trim_matches([' ', '\t']);
        if value.bytes().any(|c| (c < b' ' && c != b'\t') || c == 0x7f) {
            return Err(bad(format!("header `{name}` contains a control character")));
        }
        headers.push((name.to_ascii_lowercase(), value.to_string()));
    }
    fn all<'h>(headers: &'h [(String, String)], n: &'static str) -> impl Iterator<Item = &'h str> {
        headers
            .iter()
            .filter(move |(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    }
    let all = |n: &'static str| all(&headers, n);

    let lengths: Vec<&str> = all("content-length").collect();
    if lengths.len() > 1 {
        return Err(bad(format!(
            "{} Content-Length headers: send exactly one",
            lengths.len()
        )));
    }
    if all("transfer-encoding").next().is_some() {
        if !lengths.is_empty() {
            return Err(bad(
                "both Content-Length and Transfer-Encoding: send only Content-Length",
            ));
        }
        return Err(HttpError::new(
            411,
            "Transfer-Encoding is not supported: send the body with a Content-Length",
        ));
    }
    let content_length = match lengths.first() {
        None => 0,
        Some(v) => {
            let n = (!v.is_empty() && v.len() <= 19 && v.bytes().all(|c| c.is_ascii_digit()))
                .then(|| v.parse::<u64>().ok())
                .flatten()
                .ok_or_else(|| bad(format!("invalid Content-Length {v:?}")))?;
            if n > max_body as u64 {
                return Err(HttpError::new(
                    413,
                    format!("the request body is larger than the limit of {max_body} bytes"),
                ));
            }
            n as usize
        }
    };

    let hosts = all("host").count();
    if hosts > 1 {
        return Err(bad(format!("{hosts} Host headers: send exactly one")));
    }
    if hosts == 0 && minor == 1 {
        return Err(bad("missing Host header"));
    }
    let expect_continue = match all("expect").next() {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("100-continue") => true,
        Some(v) => {
            return Err(HttpError::new(
                417,
                format!("unsupported expectation {v:?} (only 100-continue is)"),
            ))
        }
    };
    let close = all("connection").any(|v| has_token(v, "close"));
    Ok(Head {
        method: method.to_ascii_uppercase(),
        target,
        minor,
        keep_alive: minor == 1 && !close,
        headers,
        content_length,
        expect_continue,
    })
}

/// `/path?q` as is; `http://host/path?q` (absolute form, which servers must accept) as
/// `/path?q`; anything else is refused.
fn origin_form(target: &str) -> Result<String, HttpError> {
    if target.starts_with('/') {
        return Ok(target.to_string());
    }
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    let rest = if lower.starts_with("http://") {
        &target[7..]
    } else if lower.starts_with("https://") {
        &target[8..]
    } else {
        return Err(bad(format!(
            "the request target {target:?} is neither a path nor an http URL"
        )));
    };
    Ok(match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => rest[i..].to_string(),
        Some(i) => format!("/{}", &rest[i..]),
        None => "/".to_string(),
    })
}

/// The header fields of a head `parse_head` refused, as far as they can be read: enough to
/// answer the error in the client's language (JSON for `Accept: application/json`).
pub fn rough_headers(raw: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(raw)
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// Where the head ends in `buf`: the index of the blank line's `\r\n\r\n`.
pub fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Head, HttpError> {
        parse_head(s.as_bytes(), 1000)
    }

    fn status(s: &str) -> u16 {
        parse(s).map(|_| 200).unwrap_or_else(|e| e.status)
    }

    #[test]
    fn good_heads() {
        let h = parse("put /project/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\nX-A:  b c \r\nConnection: keep-alive, Close").unwrap();
        assert_eq!(h.method, "PUT");
        assert_eq!(h.target, "/project/x?a=1");
        assert_eq!(h.content_length, 12);
        assert!(!h.keep_alive);
        assert_eq!(h.headers[2], ("x-a".to_string(), "b c".to_string()));
        let h = parse("GET / HTTP/1.1\r\nHost: h").unwrap();
        assert!(h.keep_alive && !h.expect_continue && h.content_length == 0);
        let h = parse("GET / HTTP/1.0").unwrap();
        assert!(!h.keep_alive, "no HTTP/1.0 keep-alive");
        let h = parse("GET http://h:1/a/b?c HTTP/1.1\r\nHost: h").unwrap();
        assert_eq!(h.target, "/a/b?c");
        assert_eq!(
            parse("GET http://h?x HTTP/1.1\r\nHost: h").unwrap().target,
            "/?x"
        );
        let h = parse("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-Continue")
            .unwrap();
        assert!(h.expect_continue);
    }

    #[test]
    fn framing_that_could_be_read_two_ways_is_refused() {
        let h = "POST / HTTP/1.1\r\nHost: h\r\n";
        assert_eq!(
            status(&format!("{h}Content-Length: 5\r\nContent-Length: 5")),
            400
        );
        assert_eq!(
            status(&format!("{h}Content-Length: 5\r\ncontent-length: 6")),
            400
        );
        assert_eq!(
            status(&format!(
                "{h}Content-Length: 5\r\nTransfer-Encoding: chunked"
            )),
            400
        );
        assert_eq!(status(&format!("{h}Transfer-Encoding: chunked")), 411);
        for v in ["-1", "+5", "5 5", "5,5", "0x10", "", "99999999999999999999"] {
            assert_eq!(status(&format!("{h}Content-Length: {v}")), 400, "{v:?}");
        }
        assert_eq!(status(&format!("{h}Content-Length: 1001")), 413);
        assert_eq!(status(&format!("{h}Content-Length: 1000")), 200);
        assert_eq!(status(&format!("{h}X: a\r\n folded")), 400);
        assert_eq!(status(&format!("{h}Bad Name: a")), 400);
        assert_eq!(status(&format!("{h}Name : a")), 400);
        assert_eq!(status(&format!("{h}NoColon")), 400);
        assert_eq!(status(&format!("{h}X: a\u{1}b")), 400);
        assert_eq!(status(&format!("{h}Host: other")), 400, "two Hosts");
        assert_eq!(status("GET / HTTP/1.1\r\nX: y"), 400, "no Host");
        assert_eq!(status(&format!("{h}Expect: something")), 417);
        assert_eq!(status(&format!("{h}X: caf\u{e9}")), 400);
    }

    #[test]
    fn bad_request_lines() {
        for l in [
            "",
            "GET",
            "GET /",
            "GET  / HTTP/1.1",
            "GET / HTTP/1.1 x",
            "G(T / HTTP/1.1",
            "GET x HTTP/1.1",
            "GET / FTP/1.0",
            "GET /a\u{7f} HTTP/1.1",
        ] {
            assert_eq!(status(&format!("{l}\r\nHost: h")), 400, "{l:?}");
        }
        assert_eq!(status("GET / HTTP/2.0\r\nHost: h"), 505);
        let many: String = (0..=MAX_HEADERS).map(|i| format!("\r\nX{i}: v")).collect();
        assert_eq!(status(&format!("GET / HTTP/1.1{many}")), 431);
        assert_eq!(
            parse_head(&vec![b'a'; MAX_HEAD_BYTES + 1], 0)
                .unwrap_err()
                .status,
            431
        );
    }

    #[test]
    fn finds_the_end_of_the_head() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: h\r\n\r\nbody"), Some(23));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: h\r\n"), None);
    }
}
