//! The routes Hydra's scripts and badges use that are not pages: the `latest*` redirects on
//! job, jobset and project level, `latest-eval`, `/build/N/eval`, `/build/N/api/get-info`,
//! `/eval/N/store-paths`, the `errors` views, shields.io JSON and an SVG badge, `/api/nrbuilds`
//! and the signed push webhooks of GitHub and Gitea. Semantics follow Hydra's controllers
//! (`Base/Controller/ListBuilds.pm`, `Controller/API.pm`, `Job.pm`, `Build.pm`).

use super::api;
use super::common::*;
use super::pages;
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::api::LatestIn;
use crate::db::status;
use crate::db::views::BuildFilter;
use crate::db::Build;
use crate::nix::products::BuildProduct;
use hmac::{Hmac, Mac};
use maud::html;
use serde_json::{json, Value};
use sha2::Sha256;

pub const ROUTES: &[Route] = &[
    r("GET", "/job/:p/:j/:job/latest/*", job_latest),
    r(
        "GET",
        "/job/:p/:j/:job/latest-finished/*",
        job_latest_finished,
    ),
    r(
        "GET",
        "/job/:p/:j/:job/latest-for/:system/*",
        job_latest_for,
    ),
    r("GET", "/job/:p/:j/:job/shield", job_shield),
    r("GET", "/job/:p/:j/:job/badge.svg", job_badge),
    r("GET", "/jobset/:p/:j/latest/*", jobset_latest),
    r(
        "GET",
        "/jobset/:p/:j/latest-finished/*",
        jobset_latest_finished,
    ),
    r(
        "GET",
        "/jobset/:p/:j/latest-for/:system/*",
        jobset_latest_for,
    ),
    r("GET", "/jobset/:p/:j/latest-eval", jobset_latest_eval),
    r("GET", "/jobset/:p/:j/errors", jobset_errors),
    r("GET", "/project/:p/latest/*", project_latest),
    r(
        "GET",
        "/project/:p/latest-finished/*",
        project_latest_finished,
    ),
    r(
        "GET",
        "/project/:p/latest-for/:system/*",
        project_latest_for,
    ),
    r("GET", "/eval/:n/store-paths", eval_store_paths),
    r("GET", "/eval/:n/errors", eval_errors),
    r("GET", "/build/:n/eval", build_eval),
    r("GET", "/build/:n/api/get-info", build_get_info),
    r("GET", "/build/:n/constituents", build_constituents),
    r("GET", "/build/:n/download/*", build_download),
    r(
        "GET",
        "/build/:n/download-by-type/:type/:subtype/*",
        build_download_by_type,
    ),
    r("GET", "/api/nrbuilds", api_nrbuilds),
    r("POST", "/api/push-github", push_github),
    r("POST", "/api/push-gitea", push_gitea),
];

/// Hydra answers every redirect with 302 and an absolute `Location` (`uri_for`).
fn found(ctx: &Ctx, path: &str) -> Response {
    let uri = ctx.req.absolute(ctx.app.config.base_uri.as_deref(), path);
    Response::new(302, "text/plain; charset=utf-8", Vec::new()).with_header("Location", &uri)
}

/// The filter for a `latest*` route: its scope from the path (checked to exist: 404 names
/// what is missing) and an optional system.
fn scope(
    ctx: &Ctx,
    args: &[String],
    depth: usize,
    system: Option<&str>,
) -> Result<BuildFilter, HttpError> {
    let p = arg(args, 0);
    if depth == 1 {
        load_project(ctx, p)?;
    } else {
        load_jobset(ctx, p, arg(args, 1))?;
    }
    Ok(BuildFilter {
        project: p.to_string(),
        jobset: if depth >= 2 {
            arg(args, 1).to_string()
        } else {
            String::new()
        },
        job: if depth >= 3 {
            arg(args, 2).to_string()
        } else {
            String::new()
        },
        system: system.unwrap_or("").to_string(),
        finished_only: true,
    })
}

/// Hydra passes what follows `latest…` on to the build (`…/latest/download/1` → the newest
/// build's `download/1`).
fn latest(ctx: &Ctx, f: &BuildFilter, within: LatestIn, rest: &str) -> Result<Response, HttpError> {
    let tail: String = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{}", enc(s)))
        .collect();
    match ctx.app.db.latest_succeeded(f, within)? {
        Some(b) => Ok(found(ctx, &format!("/build/{}{tail}", b.id))),
        None if !f.system.is_empty() => Err(HttpError::not_found(format!(
            "There is no successful build for platform `{}` to redirect to.",
            f.system
        ))),
        None => Err(HttpError::not_found(
            "There is no successful build to redirect to.",
        )),
    }
}

fn job_latest(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 3, None)?,
        LatestIn::Any,
        arg(args, 3),
    )
}
fn job_latest_finished(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 3, None)?,
        LatestIn::FinishedEval,
        arg(args, 3),
    )
}
fn job_latest_for(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 3, Some(arg(args, 3)))?,
        LatestIn::Any,
        arg(args, 4),
    )
}
fn jobset_latest(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 2, None)?,
        LatestIn::Any,
        arg(args, 2),
    )
}
fn jobset_latest_finished(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 2, None)?,
        LatestIn::FinishedEval,
        arg(args, 2),
    )
}
fn jobset_latest_for(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 2, Some(arg(args, 2)))?,
        LatestIn::Any,
        arg(args, 3),
    )
}
fn project_latest(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 1, None)?,
        LatestIn::Any,
        arg(args, 1),
    )
}
fn project_latest_finished(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 1, None)?,
        LatestIn::FinishedEval,
        arg(args, 1),
    )
}
fn project_latest_for(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    latest(
        ctx,
        &scope(ctx, args, 1, Some(arg(args, 1)))?,
        LatestIn::Any,
        arg(args, 2),
    )
}

/// The newest eval of the jobset with new builds and none unfinished (Hydra's
/// `getLatestFinishedEval`); the query string is passed on.
fn jobset_latest_eval(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j) = (arg(args, 0), arg(args, 1));
    load_jobset(ctx, p, j)?;
    let e = ctx
        .app
        .db
        .latest_finished_eval(p, j)?
        .ok_or_else(|| HttpError::not_found("No evaluation found."))?;
    let query: Vec<String> = ctx
        .req
        .query
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    Ok(found(ctx, &format!("/eval/{}{q}", e.id)))
}

/// The jobset's evaluation errors: the jobset (with `errormsg`) as JSON, as Hydra's.
fn jobset_errors(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j) = (arg(args, 0), arg(args, 1));
    let js = load_jobset(ctx, p, j)?;
    if ctx.wants_json() {
        let inputs = ctx.app.db.jobset_inputs(p, j)?;
        return Ok(Response::json(&api::jobset_json(&js, &inputs)));
    }
    let msg = [js.fetcherrormsg.as_deref(), js.errormsg.as_deref()]
        .into_iter()
        .flatten()
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let back = format!("/jobset/{}/{}", enc(p), enc(j));
    Ok(Response::html(pages::layout(
        &ctx.page(),
        &format!("Evaluation errors of {p}:{j}"),
        html! {
            h1 { "Evaluation errors of " a href=(back) { (p) ":" (j) } }
            @if msg.is_empty() { p { "The last evaluation had no errors." } }
            @else { pre .log #errors { (msg) } }
        },
    )))
}

/// The outputs of the eval's successful builds, sorted and unique (Hydra's `store-paths`).
fn eval_store_paths(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let mut paths = ctx.app.db.eval_output_paths(e.id, true)?;
    paths.sort();
    paths.dedup();
    Ok(Response::json(&json!(paths)))
}

/// The eval's errors: the eval record (with `errormsg` and the per-job errors) as JSON.
fn eval_errors(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    if ctx.wants_json() {
        let mut v = api::eval_json(&e, &[]);
        v["joberrors"] = json!(e.job_errors);
        return Ok(Response::json(&v));
    }
    Ok(Response::html(pages::layout(
        &ctx.page(),
        &format!("Errors of evaluation {}", e.id),
        html! {
            h1 { "Errors of " a href=(format!("/eval/{}", e.id)) { "evaluation " (e.id) } }
            @if let Some(m) = &e.errormsg { pre .log { (m) } }
            @if e.job_errors.is_empty() && e.errormsg.is_none() { p { "This evaluation had no errors." } }
            @if !e.job_errors.is_empty() {
                table #job-errors {
                    tr { th { "Job" } th { "Error" } }
                    @for (job, m) in &e.job_errors { tr { td { (job) } td { pre { (m) } } } }
                }
            }
        },
    )))
}

/// The newest finished eval that has this build (Hydra's `/build/N/eval`).
fn build_eval(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let e = ctx.app.db.newest_finished_eval_of(&b)?.ok_or_else(|| {
        HttpError::not_found("There is no finished evaluation containing this build.")
    })?;
    Ok(found(ctx, &format!("/eval/{e}")))
}

/// `{buildId, drvPath, outPath}` (Hydra's `api/get-info`; outPath is the `out` output, or the
/// first one).
fn build_get_info(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let mut v = json!({ "buildId": b.id, "drvPath": b.drvpath });
    if let Some(out) = main_output(&b) {
        v["outPath"] = json!(out);
    }
    Ok(Response::json(&v))
}

fn main_output(b: &Build) -> Option<&str> {
    b.outputs
        .get("out")
        .or_else(|| b.outputs.values().next())
        .map(String::as_str)
}

/// The newest finished build of the job: its color and message (Hydra's `shield`).
fn last_finished(ctx: &Ctx, args: &[String]) -> Result<Build, HttpError> {
    let f = scope(ctx, args, 3, None)?;
    ctx.app
        .db
        .newest_builds(&f, 1)?
        .into_iter()
        .next()
        .ok_or_else(|| HttpError::not_found(format!("No latest build for job `{}`.", f.job)))
}

fn badge_state(b: &Build) -> (&'static str, &'static str) {
    match b.buildstatus {
        Some(status::SUCCEEDED) => ("green", "passing"),
        Some(status::CANCELLED) => ("yellow", "cancelled"),
        _ => ("red", "failing"),
    }
}

fn job_shield(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = last_finished(ctx, args)?;
    let (color, message) = badge_state(&b);
    Ok(Response::json(&json!({
        "schemaVersion": 1,
        "label": "hydra build",
        "color": color,
        "message": message,
    })))
}

/// A flat SVG badge of the job's newest finished build, for READMEs without shields.io.
fn job_badge(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = last_finished(ctx, args)?;
    let (color, message) = badge_state(&b);
    let fill = match color {
        "green" => "#4c1",
        "yellow" => "#dfb317",
        _ => "#e05d44",
    };
    let label = "build";
    // 6.5 px per character of Verdana 11 is what shields.io's flat badges assume.
    let lw = 10 + label.len() * 7;
    let mw = 10 + message.len() * 7;
    let w = lw + mw;
    let svg = html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(w) height="20" role="img" aria-label=(format!("{label}: {message}")) {
            title { (label) ": " (message) }
            rect width=(lw) height="20" fill="#555" {}
            rect x=(lw) width=(mw) height="20" fill=(fill) {}
            g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" {
                text x=(lw / 2) y="14" { (label) }
                text x=(lw + mw / 2) y="14" { (message) }
            }
        }
    };
    Ok(
        Response::new(200, "image/svg+xml", svg.into_string().into_bytes())
            .with_header("Cache-Control", "no-cache"),
    )
}

/// `GET /api/nrbuilds?nr=N&period=hour|day[&project=&jobset=&job=&system=]`: finished builds
/// per period, oldest first, for the newest N periods that have any (Hydra's).
fn api_nrbuilds(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let q = |k: &str| ctx.req.query_param(k).unwrap_or("").to_string();
    let (nr, period) = (q("nr"), q("period"));
    if nr.is_empty() || period.is_empty() {
        return Err(HttpError::bad_request(
            "Parameter not defined! (nr and period are required)",
        ));
    }
    let nr: usize = nr
        .parse()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| HttpError::bad_request("`nr` must be a number from 1 to 10000"))?;
    let secs = match period.as_str() {
        "hour" => 3600,
        "day" => 86_400,
        _ => return Err(HttpError::bad_request("`period` must be `hour` or `day`")),
    };
    let f = BuildFilter {
        project: q("project"),
        jobset: q("jobset"),
        job: q("job"),
        system: q("system"),
        finished_only: true,
    };
    Ok(Response::json(&json!(ctx
        .app
        .db
        .nr_builds(&f, secs, nr)?)))
}

/// Verifies a webhook's HMAC-SHA256 signature against the configured secrets (Hydra's
/// `verifyWebhookSignature`): 401 when none is configured, the header is missing or no secret
/// matches; 400 for an empty body.
fn verify_signature(
    ctx: &Ctx,
    secrets: &[String],
    header: &str,
    prefix: &str,
) -> Result<(), HttpError> {
    let secrets: Vec<&str> = secrets
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if secrets.is_empty() {
        return Err(HttpError::new(
            401,
            "Invalid webhook signature (no webhook secret is configured)",
        ));
    }
    let sig = ctx
        .req
        .header(header)
        .ok_or_else(|| HttpError::new(401, "Missing webhook signature"))?;
    if ctx.req.body.is_empty() {
        return Err(HttpError::bad_request("Empty request body"));
    }
    let ok = secrets.iter().any(|secret| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(&ctx.req.body);
        let expected = format!(
            "{prefix}{}",
            crate::nix::hash::hex(&mac.finalize().into_bytes())
        );
        crate::users::constant_time_eq(sig.trim().as_bytes(), expected.as_bytes())
    });
    if ok {
        Ok(())
    } else {
        Err(HttpError::new(401, "Invalid webhook signature"))
    }
}

fn payload(ctx: &Ctx) -> Result<Value, HttpError> {
    serde_json::from_slice(&ctx.req.body)
        .map_err(|e| HttpError::bad_request(format!("the webhook payload is not JSON: {e}")))
}

/// Triggers every enabled jobset of an enabled project whose inputs satisfy `matches`.
fn trigger_matching(ctx: &Ctx, matches: impl Fn(&str) -> bool) -> Result<Response, HttpError> {
    let mut done = Vec::new();
    for (p, j) in ctx.app.db.jobsets_with_input(|i| matches(&i.value))? {
        if triggerable(ctx, &p, &j)?.is_none() {
            continue;
        }
        trigger(ctx, &p, &j, false)?;
        done.push(format!("{p}:{j}"));
    }
    ctx.app.eval_wake.notify();
    Ok(Response::json(&json!({ "jobsetsTriggered": done })))
}

/// GitHub's push event (`X-Hub-Signature-256: sha256=HEX`): triggers the jobsets with an input
/// on `github.com…OWNER/REPO`.
fn push_github(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    verify_signature(
        ctx,
        &ctx.app.config.webhooks.github,
        "x-hub-signature-256",
        "sha256=",
    )?;
    let v = payload(ctx)?;
    let repo = &v["repository"];
    let owner = repo["owner"]["name"]
        .as_str()
        .or_else(|| repo["owner"]["login"].as_str())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| HttpError::bad_request("the payload has no repository.owner.name"))?;
    let name = repo["name"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| HttpError::bad_request("the payload has no repository.name"))?;
    let needle = format!("{owner}/{name}");
    // Hydra's SQL: value LIKE '%github.com%OWNER/REPO%'.
    trigger_matching(ctx, |value| {
        value
            .find("github.com")
            .is_some_and(|at| value[at..].contains(&needle))
    })
}

/// Gitea's push event (`X-Gitea-Signature: HEX`): triggers the jobsets with an input whose
/// value contains the repository's clone URL (without `.git`).
fn push_gitea(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    verify_signature(ctx, &ctx.app.config.webhooks.gitea, "x-gitea-signature", "")?;
    let v = payload(ctx)?;
    let url = v["repository"]["clone_url"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| HttpError::bad_request("the payload has no repository.clone_url"))?;
    let url = url.strip_suffix(".git").unwrap_or(url).to_string();
    trigger_matching(ctx, |value| value.contains(&url))
}

/// Files served from build products are read whole; bigger ones are refused (fetch them from
/// the binary cache instead).
pub const MAX_DOWNLOAD_BYTES: u64 = 256 << 20;

/// The URL a product is best opened at: its name (informational, as Hydra's) and default path.
fn product_uri(id: u64, p: &BuildProduct, rest: &str) -> String {
    let mut u = format!("/build/{id}/download/{}", p.productnr);
    if !p.name.is_empty() {
        u.push('/');
        u.push_str(&enc(&p.name));
    }
    let tail = if rest.is_empty() {
        p.defaultpath.as_str()
    } else {
        rest
    };
    for seg in tail.split('/').filter(|s| !s.is_empty()) {
        u.push('/');
        u.push_str(&enc(seg));
    }
    u
}

/// `GET /build/N/download[/NR|NAME][/PATH…]` (Hydra's `download`): a product's file, or a file
/// inside a directory product, never outside the build's own outputs.
fn build_download(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let (products, _) = super::builds::products_of(ctx.app, &b)?;
    let rest = arg(args, 1);
    let mut segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let reference = if segs.is_empty() { "1" } else { segs.remove(0) };
    let product = if reference.bytes().all(|c| c.is_ascii_digit()) {
        products
            .iter()
            .find(|p| p.productnr.to_string() == reference)
    } else {
        segs.insert(0, reference);
        products.iter().find(|p| p.name == reference)
    }
    .ok_or_else(|| HttpError::not_found(format!("Build doesn't have a product {reference}.")))?;
    if segs.is_empty() && (!product.name.is_empty() || !product.defaultpath.is_empty()) {
        let target = product_uri(b.id, product, "");
        if target != ctx.req.path {
            return Ok(found(ctx, &target));
        }
    }
    // The first element after the number is the product's name, for information only.
    if !product.name.is_empty() && !segs.is_empty() {
        segs.remove(0);
    }
    for s in &segs {
        if matches!(*s, "." | "..") || s.contains('\0') || s.contains('/') {
            return Err(HttpError::bad_request(format!("Invalid filename `{s}`.")));
        }
    }
    let root = crate::nix::products::owning_output(&product.path, b.outputs.values())
        .ok_or_else(|| HttpError::not_found("the product lies outside the build's outputs"))?;
    let mut path = std::path::PathBuf::from(&product.path);
    for s in &segs {
        path.push(s);
    }
    let real = crate::nix::products::resolve_inside(root, &path).ok_or_else(|| {
        HttpError::not_found(format!(
            "`{}` does not exist in the build's outputs (or was garbage-collected)",
            path.display()
        ))
    })?;
    let meta = std::fs::metadata(&real)
        .map_err(|e| HttpError::not_found(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        if !ctx.req.path.ends_with('/') {
            return Ok(found(ctx, &format!("{}/", ctx.req.path)));
        }
        let index = real.join("index.html");
        if crate::nix::products::resolve_inside(root, &index).is_some_and(|p| p.is_file()) {
            return serve_file(&index);
        }
        return Ok(listing(ctx, &real, &ctx.req.path));
    }
    serve_file(&real)
}

fn serve_file(path: &std::path::Path) -> Result<Response, HttpError> {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len > MAX_DOWNLOAD_BYTES {
        return Err(HttpError::new(
            413,
            format!(
                "{} is {len} bytes, more than the {MAX_DOWNLOAD_BYTES} hydrant serves as a download; fetch the path from the binary cache",
                path.display()
            ),
        ));
    }
    let body = std::fs::read(path)
        .map_err(|e| HttpError::not_found(format!("{}: {e}", path.display())))?;
    // Served content is the build's, not ours: sandboxed, so it runs in no origin.
    Ok(
        Response::new(200, crate::nix::products::content_type(path), body)
            .with_header("Content-Security-Policy", "sandbox")
            .with_header("Cache-Control", "public, max-age=3600"),
    )
}

fn listing(ctx: &Ctx, dir: &std::path::Path, url: &str) -> Response {
    let mut names: Vec<(String, bool)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
                    (e.file_name().to_string_lossy().into_owned(), dir)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    Response::html(pages::layout(
        &ctx.page(),
        "Build product",
        html! {
            h1 { "Index of " (url) }
            ul #listing {
                @for (n, is_dir) in &names {
                    li { a href=(format!("{}{}{}", url, enc(n), if *is_dir { "/" } else { "" })) { (n) @if *is_dir { "/" } } }
                }
            }
        },
    ))
}

/// `GET /build/N/download-by-type/TYPE/SUBTYPE[/PATH…]`: 302 to the first such product.
fn build_download_by_type(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let (kind, subtype, rest) = (arg(args, 1), arg(args, 2), arg(args, 3));
    // Hydra names the `out` output's nix-build product with an empty subtype; `-` asks for it.
    let want_sub = if subtype == "-" { "" } else { subtype };
    let (products, _) = super::builds::products_of(ctx.app, &b)?;
    let p = products
        .iter()
        .find(|p| p.kind == kind && p.subtype == want_sub)
        .ok_or_else(|| {
            HttpError::not_found(format!(
                "Build doesn't have a build product with type {kind}/{subtype}."
            ))
        })?;
    Ok(found(ctx, &product_uri(b.id, p, rest)))
}

/// The builds an aggregate job names (Hydra's `constituents`; empty for other builds).
fn build_constituents(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let v = ctx
        .app
        .db
        .build_constituents(b.id)?
        .iter()
        .map(|c| super::builds::build_json_full(ctx.app, c))
        .collect::<Result<Vec<Value>, HttpError>>()?;
    Ok(Response::json(&Value::Array(v)))
}
