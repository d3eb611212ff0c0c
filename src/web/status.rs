//! Status pages: `/status` (what runs now, for how long, where) and `/evals` (the newest
//! evaluations of every jobset), each also as JSON.

use super::api;
use super::common::*;
use super::pages::{self, fmt_duration, fmt_time, job_link, PageCtx};
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::{self, Eval};
use crate::queue::{self, RunningBuild};
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/status", status_get),
    r("GET", "/evals", evals_get),
];

/// Evaluations per page of `/evals`.
pub const EVALS_SHOWN: usize = 50;

pub fn status_page(pc: &PageCtx, running: &[RunningBuild], nrqueued: u64, now: i64) -> Markup {
    pages::layout_refresh(
        pc,
        "Status",
        Some(10),
        html! {
            h1 { "Status" }
            p #status-summary {
                (pages::plural(running.len() as u64, "build", "builds")) " running, "
                a href="/queue" { (pages::plural(nrqueued.saturating_sub(running.len() as u64), "build", "builds")) " waiting" } "."
            }
            @if running.is_empty() { p.muted #nothing-running { "Nothing is running." } } @else {
                div.scroll {
                table #status-running {
                    thead { tr { th { "#" } th { "Job" } th { "System" } th { "Machine" } th { "Started" } th.num { "Running for" } } }
                    tbody {
                        @for r in running {
                            tr {
                                td { a href={ "/build/" (r.build.id) } { (r.build.id) } }
                                td.job { (job_link(&r.build)) }
                                td { (r.build.system) }
                                td.machine { (r.machine) }
                                td { (fmt_time(r.starttime)) }
                                td.num.elapsed { (fmt_duration(now - r.starttime)) }
                            }
                        }
                    }
                }
                }
            }
            p.muted { "This page reloads every 10 s." }
        },
    )
}

fn status_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let snap = queue::snapshot(ctx.app, 0).map_err(queue_err)?;
    let now = db::now();
    if ctx.wants_json() {
        let v: Vec<Value> = snap
            .running
            .iter()
            .map(|r| {
                let mut b = api::build_json(&r.build);
                b["machine"] = json!(r.machine);
                b["elapsed"] = json!(now - r.starttime);
                b
            })
            .collect();
        return Ok(Response::json(
            &json!({ "running": v, "nrqueued": snap.nrqueued }),
        ));
    }
    Ok(Response::html(status_page(
        &ctx.page(),
        &snap.running,
        snap.nrqueued,
        now,
    )))
}

pub fn evals_page(pc: &PageCtx, evals: &[Eval], more: bool) -> Markup {
    pages::layout(
        pc,
        "Evaluations",
        html! {
            h1 { "Latest evaluations" }
            @if evals.is_empty() { p.muted { "No evaluations yet." } } @else {
                div.scroll {
                table #latest-evals {
                    thead { tr { th { "#" } th { "Jobset" } th { "Time" } th.num { "Builds" } th { "New builds" } th { "Errors" } } }
                    tbody {
                        @for e in evals {
                            tr {
                                td { a href={ "/eval/" (e.id) } { (e.id) } }
                                td.jobset { a href={ "/jobset/" (enc(&e.project)) "/" (enc(&e.jobset)) } { (e.project) ":" (e.jobset) } }
                                td { (fmt_time(e.timestamp)) }
                                td.num { (e.nrbuilds) }
                                td { @if e.hasnewbuilds { "yes" } @else { span.muted { "no" } } }
                                td.errors { @if e.errormsg.is_some() { span.status-fail { "evaluation failed" } }
                                    @else if !e.job_errors.is_empty() { span.status-fail { (pages::plural(e.job_errors.len() as u64, "job", "jobs")) } } }
                            }
                        }
                    }
                }
                }
                @if more { @if let Some(last) = evals.last() {
                    div.pager { a href="/evals" { "« Newest" } a #evals-next href={ "/evals?before=" (last.id) } { "Older »" } }
                } }
            }
        },
    )
}

fn evals_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let before = match ctx.req.query_param("before") {
        None | Some("") => 0,
        Some(s) => s.parse().map_err(|_| {
            HttpError::bad_request(format!("`before` must be an evaluation number, not `{s}`"))
        })?,
    };
    let mut evals = ctx.app.db.latest_evals(before, EVALS_SHOWN + 1)?;
    let more = evals.len() > EVALS_SHOWN;
    evals.truncate(EVALS_SHOWN);
    // Evals of hidden projects are for logged-in users, as on the overview.
    if ctx.auth.user.is_none() {
        let projects = ctx.app.db.projects()?;
        evals.retain(|e| projects.iter().any(|p| p.name == e.project && p.visible));
    }
    if ctx.wants_json() {
        let v: Vec<Value> = evals
            .iter()
            .map(|e| {
                let mut j = api::eval_json(e, &[]);
                j["project"] = json!(e.project);
                j["jobset"] = json!(e.jobset);
                j
            })
            .collect();
        return Ok(Response::json(&json!({ "evals": v })));
    }
    Ok(Response::html(evals_page(&ctx.page(), &evals, more)))
}
