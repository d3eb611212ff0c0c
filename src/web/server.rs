//! The HTTP shell: a tiny_http listener with a few worker threads sharing its `recv()`. Each
//! request is read (body bounded by `max_body_bytes`), authenticated, CSRF-checked, routed, and
//! answered; errors become JSON `{"error"}` or an HTML page. A panicking handler answers 500.

use super::{auth, pages, routes, Ctx, HttpError, Request, Response};
use crate::app::App;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

#[derive(Debug)]
pub struct ServeError(pub String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for ServeError {}

pub struct WebServer {
    server: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    pub addr: SocketAddr,
}

/// Binds `listen` and starts `threads` workers. They stop when `stop` is called.
pub fn start(app: Arc<App>, listen: &str, threads: usize) -> Result<WebServer, ServeError> {
    let server = tiny_http::Server::http(listen)
        .map_err(|e| ServeError(format!("cannot listen on {listen}: {e}")))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| ServeError(format!("{listen} is not an IP address")))?;
    let server = Arc::new(server);
    let mut workers = Vec::new();
    for i in 0..threads.max(1) {
        let (server, app) = (server.clone(), app.clone());
        let h = std::thread::Builder::new()
            .name(format!("web-{i}"))
            .spawn(move || {
                // recv() fails only when unblocked for shutdown.
                while let Ok(rq) = server.recv() {
                    handle(&app, rq);
                    if app.shutting_down() {
                        break;
                    }
                }
            })
            .map_err(|e| ServeError(format!("cannot start web thread: {e}")))?;
        workers.push(h);
    }
    Ok(WebServer {
        server,
        workers,
        addr,
    })
}

impl WebServer {
    /// Stops accepting requests and waits for the workers to finish the ones in flight.
    pub fn stop(self) {
        for _ in &self.workers {
            self.server.unblock();
        }
        for w in self.workers {
            let _ = w.join();
        }
    }
}

fn error_response(app: &App, req: &Request, auth: &auth::Auth, e: &HttpError) -> Response {
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
    };
    let _ = app;
    Response::html(pages::error_page(&pc, e.status, &e.message)).with_status(e.status)
}

/// Reads the body up to `limit` bytes; more is a 413.
fn read_body(rq: &mut tiny_http::Request, limit: usize) -> Result<Vec<u8>, HttpError> {
    let too_big = || {
        HttpError::new(
            413,
            format!("the request body is larger than the limit of {limit} bytes"),
        )
    };
    if rq.body_length().is_some_and(|n| n > limit) {
        return Err(too_big());
    }
    let mut body = Vec::new();
    rq.as_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| HttpError::bad_request(format!("cannot read the request body: {e}")))?;
    if body.len() > limit {
        return Err(too_big());
    }
    Ok(body)
}

fn handle(app: &App, mut rq: tiny_http::Request) {
    let url = rq.url().to_string();
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p.to_string(), super::parse_pairs(q)),
        None => (url.clone(), Vec::new()),
    };
    let mut req = Request {
        method: rq.method().as_str().to_ascii_uppercase(),
        path,
        query,
        headers: rq
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_ascii_lowercase(),
                    h.value.as_str().to_string(),
                )
            })
            .collect(),
        body: Vec::new(),
    };
    let resp = match read_body(&mut rq, app.config.max_body_bytes) {
        Ok(body) => {
            req.body = body;
            respond_to(app, &req)
        }
        Err(e) => error_response(app, &req, &auth::Auth::default(), &e),
    };
    let _ = rq.respond(to_tiny(resp, req.method == "HEAD"));
}

/// The whole pipeline for one request, without I/O on the socket (tests call it directly).
pub fn respond_to(app: &App, req: &Request) -> Response {
    let auth = match auth::resolve(app, req) {
        Ok(a) => a,
        Err(e) => return error_response(app, req, &auth::Auth::default(), &e),
    };
    let (route, args) = match routes::find(&req.method, &req.path) {
        routes::Match::Found(r, a) => (r, a),
        routes::Match::WrongMethod(allowed) => {
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
        routes::Match::NotFound => {
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

fn to_tiny(resp: Response, head: bool) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let body = if head { Vec::new() } else { resp.body };
    let mut out = tiny_http::Response::from_data(body).with_status_code(resp.status);
    let mut add = |k: &str, v: &str| {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            out.add_header(h);
        }
    };
    add("Content-Type", &resp.content_type);
    for (k, v) in &resp.headers {
        add(k, v);
    }
    for (k, v) in SECURITY_HEADERS {
        add(k, v);
    }
    out
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
