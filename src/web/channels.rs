//! Nix channels (Hydra's `NixChannel` controller): the newest successful build of each job of
//! a project, jobset or job (`…/channel/latest`), or the successful builds of one eval
//! (`/eval/N/channel`), as a contents page, `nixexprs.tar.xz` / `.tar.bz2` and
//! `binary-cache-url`.

use super::common::*;
use super::pages;
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::{status, Build};
use crate::nix::channel::{self, ChannelPkg};
use maud::html;
use serde_json::json;
use std::io::Write;

pub const ROUTES: &[Route] = &[
    r("GET", "/project/:p/channel/latest", project_channel),
    r("GET", "/project/:p/channel/latest/:file", project_channel),
    r("GET", "/jobset/:p/:j/channel/latest", jobset_channel),
    r("GET", "/jobset/:p/:j/channel/latest/:file", jobset_channel),
    r("GET", "/job/:p/:j/:job/channel/latest", job_channel),
    r("GET", "/job/:p/:j/:job/channel/latest/:file", job_channel),
    r("GET", "/eval/:n/channel", eval_channel),
    r("GET", "/eval/:n/channel/:file", eval_channel),
];

fn project_channel(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let p = load_project(ctx, arg(args, 0))?;
    let builds = ctx.app.db.channel_builds(&p.name, None, None)?;
    answer(ctx, &format!("{}-latest", p.name), builds, arg(args, 1))
}

fn jobset_channel(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j) = (arg(args, 0), arg(args, 1));
    load_jobset(ctx, p, j)?;
    let builds = ctx.app.db.channel_builds(p, Some(j), None)?;
    answer(ctx, &format!("{p}-{j}-latest"), builds, arg(args, 2))
}

fn job_channel(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j, job) = (arg(args, 0), arg(args, 1), arg(args, 2));
    load_jobset(ctx, p, j)?;
    let builds = ctx.app.db.channel_builds(p, Some(j), Some(job))?;
    answer(ctx, &format!("{p}-{j}-{job}-latest"), builds, arg(args, 3))
}

fn eval_channel(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let builds = ctx
        .app
        .db
        .eval_builds(e.id)?
        .into_iter()
        .map(|(b, _)| b)
        .filter(|b| b.finished && b.buildstatus == Some(status::SUCCEEDED))
        .collect();
    answer(
        ctx,
        &format!("{}-{}-eval-{}", e.project, e.jobset, e.id),
        builds,
        arg(args, 1),
    )
}

fn answer(ctx: &Ctx, name: &str, builds: Vec<Build>, file: &str) -> Result<Response, HttpError> {
    let mut pkgs: Vec<ChannelPkg> = Vec::new();
    for b in builds {
        let release = ctx.app.db.build_products(b.id)?.releasename;
        pkgs.push(ChannelPkg {
            build: b.id,
            name: release.unwrap_or_else(|| b.nixname.clone()),
            job: b.job,
            system: b.system,
            description: b.description,
            license: b.license,
            maintainers: b.maintainers,
            outputs: b.outputs,
        });
    }
    // Hydra sorts by name, then build id.
    pkgs.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.build.cmp(&b.build))
    });
    match file {
        "" => contents(ctx, name, &pkgs),
        "nixexprs.tar.xz" | "nixexprs.tar.bz2" => {
            let expr = channel::default_nix(&pkgs);
            let tar = channel::tar(&[
                ("channel/channel-name", name.as_bytes()),
                ("channel/default.nix", expr.as_bytes()),
            ]);
            let (ctype, body) = if file.ends_with(".xz") {
                ("application/x-xz", compress_xz(&tar)?)
            } else {
                ("application/x-bzip2", compress_bz2(&tar)?)
            };
            Ok(Response::new(200, ctype, body))
        }
        "binary-cache-url" => Ok(Response::text(
            ctx.req.absolute(ctx.app.config.base_uri.as_deref(), "/"),
        )),
        f => Err(HttpError::not_found(format!(
            "a channel has `nixexprs.tar.xz`, `nixexprs.tar.bz2` and `binary-cache-url`, not `{f}`"
        ))),
    }
}

fn compress_xz(data: &[u8]) -> Result<Vec<u8>, HttpError> {
    // A channel's expression is small: a low preset compresses it as well, without xz -6's
    // 8 MiB dictionary set-up on every request.
    let mut e = xz2::write::XzEncoder::new(Vec::new(), 1);
    e.write_all(data)
        .and_then(|_| e.finish())
        .map_err(|e| HttpError::new(500, format!("xz: {e}")))
}

fn compress_bz2(data: &[u8]) -> Result<Vec<u8>, HttpError> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    e.write_all(data)
        .and_then(|_| e.finish())
        .map_err(|e| HttpError::new(500, format!("bzip2: {e}")))
}

fn contents(ctx: &Ctx, name: &str, pkgs: &[ChannelPkg]) -> Result<Response, HttpError> {
    if ctx.wants_json() {
        let v: Vec<_> = pkgs
            .iter()
            .map(|p| json!({"build": p.build, "job": p.job, "name": p.name, "system": p.system, "outputs": p.outputs}))
            .collect();
        return Ok(Response::json(&json!({"name": name, "packages": v})));
    }
    let here = ctx.req.path.trim_end_matches('/').to_string();
    let cache = ctx.req.absolute(ctx.app.config.base_uri.as_deref(), "/");
    let chan = ctx.req.absolute(ctx.app.config.base_uri.as_deref(), &here);
    Ok(Response::html(pages::layout(
        &ctx.page(),
        &format!("Channel {name}"),
        html! {
            h1 { "Channel " (name) }
            p { "Subscribe with " code { "nix-channel --add " (chan) " " (enc(name)) } " and "
                code { "nix-channel --update" } "; it substitutes from " code { (cache) } "." }
            p { a href=(format!("{here}/nixexprs.tar.xz")) { "nixexprs.tar.xz" } " · "
                a href=(format!("{here}/binary-cache-url")) { "binary-cache-url" } }
            @if pkgs.is_empty() { p { "No successful builds yet." } }
            @else {
                table #channel-packages {
                    tr { th { "Package" } th { "Job" } th { "System" } th { "Build" } }
                    @for p in pkgs {
                        tr {
                            td { (p.name) }
                            td { (p.job) }
                            td { (p.system) }
                            td { a href=(format!("/build/{}", p.build)) { (p.build) } }
                        }
                    }
                }
            }
        },
    )))
}
