//! The web front: connections read whole under timeouts, then a small worker pool (`server`,
//! strict request framing in `http`, responses through tiny_http), the route machinery
//! (`router`) and the table below, one leaf module per endpoint family (each with its
//! handlers), shared handler helpers (`common`), pure maud pages (`pages`), Hydra-shaped JSON
//! (`api`), sessions/roles/CSRF (`auth`) and the one embedded stylesheet (`assets`).

pub mod account;
pub mod api;
pub mod assets;
pub mod auth;
pub mod binary_cache;
pub mod builds;
pub mod cache_pages;
pub mod channels;
pub mod common;
pub mod compat;
pub mod eval_progress;
pub mod evals;
pub mod http;
pub mod jobs;
pub mod jobsets;
pub mod machines;
pub mod pages;
pub mod projects;
pub mod queue;
pub mod router;
pub mod search;
pub mod server;
pub mod session;
pub mod status;

/// Every family's routes; the first match wins, so list specific patterns first. A new family
/// adds one line here.
pub const ROUTES: &[&[router::Route]] = &[
    binary_cache::ROUTES,
    session::ROUTES,
    compat::ROUTES,
    channels::ROUTES,
    projects::ROUTES,
    jobsets::ROUTES,
    evals::ROUTES,
    builds::ROUTES,
    jobs::ROUTES,
    queue::ROUTES,
    search::ROUTES,
    status::ROUTES,
    machines::ROUTES,
    eval_progress::ROUTES,
    cache_pages::ROUTES,
    account::ROUTES,
];

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

    /// Whether to answer JSON, as Hydra (Catalyst::Action::REST) negotiates: when `Accept`
    /// prefers `application/json` over `text/html`, or when it names neither (absent or `*/*`)
    /// and the request's own `Content-Type` is JSON (how hydra-cli asks). `/api/*` is always JSON.
    pub fn wants_json(&self) -> bool {
        if self.path.starts_with("/api/") {
            return true;
        }
        match self.header("accept").map(accept_prefers_json) {
            Some(Some(json)) => json,
            _ => self.is_json_body(),
        }
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
    }

    /// The absolute URL of `path` on this server (Hydra's `uri_for`): `base_uri` when set,
    /// otherwise the scheme and the `Host` the client used.
    pub fn absolute(&self, base_uri: Option<&str>, path: &str) -> String {
        if let Some(b) = base_uri.filter(|b| is_web_url(b)) {
            return format!("{}{path}", b.trim_end_matches('/'));
        }
        let host = self
            .header("host")
            .filter(|h| {
                !h.is_empty() && !h.contains(['/', ' ', '@']) && !h.chars().any(char::is_control)
            })
            .unwrap_or("localhost");
        let scheme = if self.is_https(None) { "https" } else { "http" };
        format!("{scheme}://{host}{path}")
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
    /// A body written while it is sent (a NAR), instead of `body`.
    pub stream: Option<BodyStream>,
}

/// The connection a streamed body is written to; it can send a file's bytes itself.
pub use crate::nix::nar::FileOut as BodyOut;

type WriteBody = Box<dyn FnOnce(&mut dyn BodyOut) -> std::io::Result<()> + Send>;

/// A body produced on the connection's thread as it is sent: `len` bytes (Content-Length),
/// or chunked when the length is not known up front.
#[derive(Clone)]
pub struct BodyStream {
    pub len: Option<u64>,
    write: std::sync::Arc<std::sync::Mutex<Option<WriteBody>>>,
}

impl BodyStream {
    pub fn new(
        len: Option<u64>,
        f: impl FnOnce(&mut dyn BodyOut) -> std::io::Result<()> + Send + 'static,
    ) -> BodyStream {
        BodyStream {
            len,
            write: std::sync::Arc::new(std::sync::Mutex::new(Some(Box::new(f)))),
        }
    }

    /// Writes the body (once; later calls write nothing).
    pub fn write_to(&self, w: &mut dyn BodyOut) -> std::io::Result<()> {
        let f = self.write.lock().unwrap_or_else(|p| p.into_inner()).take();
        match f {
            Some(f) => f(w),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyStream({:?} bytes)", self.len)
    }
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            content_type: content_type.to_string(),
            headers: Vec::new(),
            body,
            stream: None,
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
    /// Not logged in: 403, as Hydra's `requireUser` answers (401 is kept for a credential
    /// that was sent and is wrong: an unknown or expired API token).
    pub fn unauthorized() -> HttpError {
        HttpError::new(403, "this requires you to log in")
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
            here: &self.req.path,
        }
    }
}

/// Whether an `Accept` header prefers JSON to HTML: `Some(true)`/`Some(false)` when it ranks
/// them (by q-value, then by order), `None` when it names neither (`*/*` alone, or only other
/// types), so the caller falls back to the request's content type.
pub fn accept_prefers_json(accept: &str) -> Option<bool> {
    // (q, position) of the most specific range matching each type; specific beats wildcard.
    let mut json: Option<(u8, f32, usize)> = None;
    let mut html: Option<(u8, f32, usize)> = None;
    for (pos, item) in accept.split(',').enumerate() {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
            .find_map(|v| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let rank = |full: &str, major: &str| -> u8 {
            if range == full {
                3
            } else if range == major {
                2
            } else if range == "*/*" {
                1
            } else {
                0
            }
        };
        for (slot, r) in [
            (&mut json, rank("application/json", "application/*")),
            (&mut html, rank("text/html", "text/*")),
        ] {
            if r > 0 && slot.is_none_or(|(best, _, _)| r > best) {
                *slot = Some((r, q, pos));
            }
        }
    }
    let specific = |s: &Option<(u8, f32, usize)>| s.is_some_and(|(r, _, _)| r > 1);
    if !specific(&json) && !specific(&html) {
        return None;
    }
    let (jq, jpos) = json.map(|(_, q, p)| (q, p)).unwrap_or((0.0, usize::MAX));
    let (hq, hpos) = html.map(|(_, q, p)| (q, p)).unwrap_or((0.0, usize::MAX));
    Some(jq > hq || (jq == hq && jq > 0.0 && jpos < hpos))
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
    fn negotiation() {
        let req = |accept: Option<&str>, ctype: Option<&str>, path: &str| {
            let mut headers = Vec::new();
            if let Some(a) = accept {
                headers.push(("accept".to_string(), a.to_string()));
            }
            if let Some(c) = ctype {
                headers.push(("content-type".to_string(), c.to_string()));
            }
            Request {
                method: "GET".into(),
                path: path.into(),
                headers,
                ..Request::default()
            }
            .wants_json()
        };
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(!req(Some(browser), None, "/"));
        assert!(!req(Some(browser), Some("application/json"), "/"));
        assert!(req(Some("application/json"), None, "/"));
        assert!(req(Some("application/json, text/plain, */*"), None, "/"));
        assert!(req(Some("text/html;q=0.5, application/json"), None, "/"));
        assert!(!req(Some("text/html, application/json"), None, "/"));
        // hydra-cli: a JSON content type and no Accept (or */*).
        assert!(req(None, Some("application/json"), "/build/1"));
        assert!(req(Some("*/*"), Some("application/json"), "/build/1"));
        assert!(!req(None, None, "/build/1"));
        assert!(!req(Some("*/*"), None, "/"));
        assert!(!req(Some("text/plain"), None, "/"));
        assert!(req(Some("text/plain"), Some("application/json"), "/"));
        assert!(req(None, None, "/api/queue"));
        assert!(req(Some(browser), None, "/api/latestbuilds"));
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
