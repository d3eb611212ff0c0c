//! The binary-cache endpoints of `hydrant serve` (`binary_cache = true`): `/nix-cache-info`,
//! `/<hash>.narinfo`, `/<hash>.ls`, `/nar/<narhash>.nar[.zst|.xz]` and `/log/<drv>`, for
//! `--option substituters http://host:port`. The store side lives in `cache::local`; with the
//! feature off every one of these is the ordinary 404.

use super::router::{r, Route};
use super::{BodyStream, Ctx, HttpError, Response};
use crate::nix::store_path::StorePath;

pub const ROUTES: &[Route] = &[
    r("GET", "/nix-cache-info", cache_info),
    r("GET", "/:hash.narinfo", narinfo),
    r("GET", "/:hash.ls", listing),
    r("GET", "/nar/:file", nar),
    r("GET", "/log/:drv", log),
];

/// `/nix-cache-info` and `/<hash>.narinfo` answered on the connection's own thread, without
/// the trip to a handler worker: they need no session, and a known path is a map lookup. None
/// for anything else (and for failures, which the ordinary route then reports).
pub fn answer_inline(app: &crate::app::App, req: &super::Request) -> Option<Response> {
    let c = &app.binary_cache;
    if !c.enabled || !matches!(req.method.as_str(), "GET" | "HEAD") {
        return None;
    }
    if req.path == "/nix-cache-info" {
        return Some(text("text/x-nix-cache-info", c.cache_info()));
    }
    let hash = req.path.strip_prefix('/')?.strip_suffix(".narinfo")?;
    match c.lookup(hash) {
        Ok(Some(s)) => Some(text("text/x-nix-narinfo", s.narinfo.clone())),
        Ok(None) => Some(missing("narinfo")),
        Err(_) => None,
    }
}

fn not_found(ctx: &Ctx) -> HttpError {
    HttpError::not_found(format!("no page at {}", ctx.req.path))
}

fn enabled<'a>(ctx: &Ctx<'a>) -> Result<&'a crate::cache::local::LocalCache, HttpError> {
    let c = &ctx.app.binary_cache;
    if c.enabled {
        Ok(c)
    } else {
        Err(not_found(ctx))
    }
}

fn cache_err(e: crate::cache::CacheError) -> HttpError {
    HttpError::new(500, e.to_string())
}

/// Text answers in Nix's own content types; plain 404s (Nix reads the status only).
fn text(content_type: &str, body: String) -> Response {
    Response::new(200, content_type, body.into_bytes())
}

fn missing(what: &str) -> Response {
    Response::new(
        404,
        "text/plain",
        format!("{what} not found\n").into_bytes(),
    )
}

fn cache_info(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let c = enabled(ctx)?;
    Ok(text("text/x-nix-cache-info", c.cache_info()))
}

fn narinfo(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let c = enabled(ctx)?;
    Ok(match c.lookup(&args[0]).map_err(cache_err)? {
        Some(s) => text("text/x-nix-narinfo", s.narinfo.clone()),
        None => missing("narinfo"),
    })
}

fn listing(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let c = enabled(ctx)?;
    Ok(match c.listing(&args[0]).map_err(cache_err)? {
        Some(json) => text("application/json", json),
        None => missing("listing"),
    })
}

fn nar(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let c = enabled(ctx)?;
    let hash = ctx.req.query_param("hash");
    let Some(req) = c.nar(&args[0], hash).map_err(cache_err)? else {
        return Ok(missing("NAR"));
    };
    let len = req.length();
    let content_type = req.content_type();
    let stream = BodyStream::new(len, move |w| req.write(w));
    Ok(Response {
        stream: Some(stream),
        ..Response::new(200, content_type, Vec::new())
    })
}

/// `nix log` asks `log/<drv base name>`: the newest log hydrant has for that derivation.
fn log(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    enabled(ctx)?;
    let store_dir = &ctx.app.config.store_dir;
    let Ok(drv) = StorePath::from_basename_in(store_dir, &args[0]) else {
        return Ok(missing("log"));
    };
    if !drv.is_derivation() {
        return Ok(missing("log"));
    }
    let mut ids = ctx.app.db.builds_of_drv(&drv.to_string(), u64::MAX)?;
    ids.sort_unstable();
    let logs = ctx.app.config.logs_dir();
    for id in ids.into_iter().rev() {
        match crate::queue::log::read(&logs, id) {
            Ok(Some(bytes)) => return Ok(Response::new(200, "text/plain; charset=utf-8", bytes)),
            Ok(None) => continue,
            Err(e) => return Err(HttpError::new(500, e.to_string())),
        }
    }
    Ok(missing("log"))
}
