//! The web front: connections read whole under timeouts, then a small worker pool (`server`,
//! strict request framing in `http`, responses through tiny_http), a route table
//! (`routes`), pure maud pages (`pages`), Hydra-shaped JSON (`api`), sessions/roles/CSRF
//! (`auth`) and the one embedded stylesheet (`assets`). Other modules add routes in `routes`.

pub mod account;
pub mod api;
pub mod assets;
pub mod auth;
pub mod cache_pages;
pub mod eval_progress;
pub mod http;
pub mod pages;
pub mod queue_pages;
pub mod routes;
pub mod server;

use crate::app::App;
use crate::db::DbError;
use std::fmt;

pub use server::{start, WebServer};

/// A request after the body was read (bounded by `max_body_bytes`).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The client's address (login throttling keys on it).
    pub remote: Option<std::net::IpAddr>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Hydra clients ask for JSON with `Accept: application/json`.
    pub fn wants_json(&self) -> bool {
        self.header("accept")
            .is_some_and(|a| a.contains("application/json"))
    }

    pub fn is_json_body(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.contains("application/json"))
    }

    pub fn is_form_body(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.contains("application/x-www-form-urlencoded"))
    }

    /// Errors go back as JSON to clients that speak JSON, as HTML to browsers.
    pub fn json_client(&self) -> bool {
        self.wants_json()
            || (self.is_json_body()
                && !self
                    .header("accept")
                    .is_some_and(|a| a.contains("text/html")))
    }

    /// Whether the client reached us over https (directly behind a TLS proxy, or by config).
    pub fn is_https(&self, base_uri: Option<&str>) -> bool {
        self.header("x-forwarded-proto")
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
            || base_uri.is_some_and(|b| b.starts_with("https://"))
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            content_type: content_type.to_string(),
            headers: Vec::new(),
            body,
        }
    }
    pub fn html(markup: maud::Markup) -> Response {
        Response::new(
            200,
            "text/html; charset=utf-8",
            markup.into_string().into_bytes(),
        )
    }
    pub fn json(v: &serde_json::Value) -> Response {
        Response::new(200, "application/json", v.to_string().into_bytes())
    }
    pub fn text(s: String) -> Response {
        Response::new(200, "text/plain; charset=utf-8", s.into_bytes())
    }
    /// 303 See Other: the browser follows with a GET (post/redirect/get).
    pub fn redirect(location: &str) -> Response {
        Response::new(303, "text/plain; charset=utf-8", Vec::new())
            .with_header("Location", location)
    }
    pub fn with_status(mut self, status: u16) -> Response {
        self.status = status;
        self
    }
    pub fn with_header(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
}

/// An error with the HTTP status it maps to; the message is shown to the client as is.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpError {
    pub status: u16,
    pub message: String,
}

impl HttpError {
    pub fn new(status: u16, message: impl Into<String>) -> HttpError {
        HttpError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(m: impl Into<String>) -> HttpError {
        HttpError::new(400, m)
    }
    pub fn not_found(m: impl Into<String>) -> HttpError {
        HttpError::new(404, m)
    }
    pub fn forbidden(m: impl Into<String>) -> HttpError {
        HttpError::new(403, m)
    }
    pub fn unauthorized() -> HttpError {
        HttpError::new(401, "you must log in to do this")
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl std::error::Error for HttpError {}

impl From<DbError> for HttpError {
    fn from(e: DbError) -> Self {
        let status = match &e {
            DbError::NotFound(_) => 404,
            DbError::Invalid(_) => 400,
            DbError::Conflict(_) => 409,
            DbError::Locked(_)
            | DbError::TooNew { .. }
            | DbError::Storage(_)
            | DbError::Damaged { .. }
            | DbError::Corrupt(_) => 500,
        };
        HttpError::new(status, e.to_string())
    }
}

impl From<crate::users::UserError> for HttpError {
    fn from(e: crate::users::UserError) -> Self {
        match e {
            crate::users::UserError::Db(d) => d.into(),
            e => HttpError::new(500, e.to_string()),
        }
    }
}

/// What a handler sees: the app, the request and who is asking.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub req: &'a Request,
    pub auth: auth::Auth,
    /// Decoded fields when the body is an HTML form (urlencoded); None for JSON bodies.
    pub form: Option<Vec<(String, String)>>,
}

impl Ctx<'_> {
    pub fn wants_json(&self) -> bool {
        self.req.wants_json()
    }
    /// The CSRF token to embed in forms (empty when not logged in with a session).
    pub fn csrf(&self) -> &str {
        self.auth
            .session
            .as_ref()
            .map(|(_, s)| s.csrf.as_str())
            .unwrap_or("")
    }
    /// Header data every page needs.
    pub fn page(&self) -> pages::PageCtx<'_> {
        pages::PageCtx {
            user: self.auth.user.as_ref().map(|u| u.name.as_str()),
            csrf: self.csrf(),
        }
    }
}

/// `%XX` and `+` decoding for query strings and form bodies; bad escapes are kept literally.
pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes a path segment: like `url_decode`, but `+` stays a plus.
pub fn url_decode_path(s: &str) -> String {
    url_decode(&s.replace('+', "%2B"))
}

/// Percent-encodes a path segment or query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Whether `s` is an absolute `http://` or `https://` URL with a host and no whitespace or
/// control characters: the only links hydrant renders from user data (a `javascript:` or
/// `data:` homepage would run in our origin when clicked).
pub fn is_web_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    s.len() <= 2048 && !host.is_empty() && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `a=1&b=2` into pairs, decoded, in order.
pub fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (url_decode(k), url_decode(v)),
            None => (url_decode(p), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(url_decode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(url_decode("100%"), "100%");
        assert_eq!(url_decode("%zz"), "%zz");
        assert_eq!(url_decode("%4"), "%4");
        assert_eq!(
            parse_pairs("x=1&y=&z&&w=a%3Db"),
            vec![
                ("x".into(), "1".into()),
                ("y".into(), "".into()),
                ("z".into(), "".into()),
                ("w".into(), "a=b".into())
            ]
        );
        assert_eq!(url_encode("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn web_urls() {
        for ok in [
            "http://x",
            "https://example.org/a?b#c",
            "HTTPS://X.ORG",
            "http://[::1]:80/",
        ] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "",
            "javascript:fetch('/x')",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>",
            "http://",
            "https:///path",
            "//evil.org",
            "http://a b",
            "http://a\n",
            "ftp://x",
            "example.org",
        ] {
            assert!(!is_web_url(bad), "{bad:?}");
        }
    }
}
