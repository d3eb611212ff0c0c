//! Jobs: a job's page (its recent builds) and the `latest` redirect.

use super::common::*;
use super::pages::{self, build_state, fmt_time, PageCtx};
use super::queue::{newest_builds, BuildFilter};
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::Build;
use crate::queue;
use maud::{html, Markup};
use serde_json::Value;

pub const ROUTES: &[Route] = &[r("GET", "/job/:p/:j/:job", job_get)];

/// Builds of a job listed on its page.
pub const JOB_PAGE_BUILDS: usize = 20;

pub fn job_page(
    pc: &PageCtx,
    (p, j, job): (&str, &str, &str),
    latest_ok: Option<&Build>,
    builds: &[Build],
) -> Markup {
    let base = format!("/job/{}/{}/{}", enc(p), enc(j), enc(job));
    pages::layout(
        pc,
        &format!("Job {p}:{j}:{job}"),
        html! {
            div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (enc(p)) } { (p) }
                " / " a href={ "/jobset/" (enc(p)) "/" (enc(j)) } { (j) } " / " (job) }
            h1 { "Job " (p) ":" (j) ":" (job) }
            p {
                @if let Some(b) = latest_ok {
                    "Latest successful build: " a #latest href={ (base) "/latest" } { "#" (b.id) }
                    " (" (fmt_time(b.stoptime.unwrap_or(b.timestamp))) ")"
                } @else { span.muted { "No successful build yet." } }
            }
            h2 { "Recent builds" }
            @if builds.is_empty() { p.muted { "No builds found." } } @else {
                table #job-builds {
                    thead { tr { th { "#" } th { "Status" } th { "Finished" } th { "System" } th { "Name" } } }
                    tbody {
                        @for b in builds {
                            @let (label, class) = build_state(b);
                            tr {
                                td { a href={ "/build/" (b.id) } { (b.id) } }
                                td class={ "status " (class) } { (label) }
                                td { @if let (true, Some(t)) = (b.finished, b.stoptime) { (fmt_time(t)) } }
                                td { (b.system) }
                                td { (b.nixname) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn job_args(args: &[String]) -> (&str, &str, &str) {
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    (a(0), a(1), a(2))
}

fn job_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j, job) = job_args(args);
    if ctx.app.db.jobset(p, j)?.is_none() {
        return Err(HttpError::not_found(format!(
            "jobset `{p}:{j}` does not exist"
        )));
    }
    let f = BuildFilter {
        project: p.into(),
        jobset: j.into(),
        job: job.into(),
        ..Default::default()
    };
    let builds = newest_builds(ctx.app, &f, JOB_PAGE_BUILDS)?;
    if ctx.wants_json() {
        let v = builds
            .iter()
            .map(|b| super::builds::build_json_listed(ctx.app, b))
            .collect::<Result<Vec<Value>, HttpError>>()?;
        return Ok(Response::json(&Value::Array(v)));
    }
    let latest = queue::latest_successful(ctx.app, p, j, job).map_err(queue_err)?;
    Ok(Response::html(job_page(
        &ctx.page(),
        (p, j, job),
        latest.as_ref(),
        &builds,
    )))
}
