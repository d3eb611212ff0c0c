//! Jobs: a job's page (its builds with status, duration, closure size and eval, paged both
//! ways, and a server-rendered SVG chart of build time and output size over the last 100
//! builds; the `latest*` redirects are in `compat`).

use super::common::*;
use super::pages::{self, build_state, fmt_duration, fmt_size, fmt_time, PageCtx};
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::Build;
use crate::queue;
use maud::{html, Markup};
use serde_json::Value;

pub const ROUTES: &[Route] = &[r("GET", "/job/:p/:j/:job", job_get)];

/// Builds of a job listed per page.
pub const JOB_PAGE_BUILDS: usize = 20;
/// Builds the chart covers.
pub const CHART_BUILDS: usize = 100;

/// Everything the job page shows.
pub struct JobView<'a> {
    pub names: (&'a str, &'a str, &'a str),
    pub latest_ok: Option<&'a Build>,
    /// This page of builds, newest first.
    pub builds: &'a [Build],
    pub newer: bool,
    pub older: bool,
    /// The last builds, newest first, for the chart.
    pub chart: &'a [Build],
}

/// One bar chart as inline SVG: `values` oldest first (None: no bar), labelled with `fmt`.
pub fn bar_chart(
    id: &str,
    title: &str,
    values: &[(u64, Option<u64>)],
    fmt: impl Fn(u64) -> String,
) -> Markup {
    const W: usize = 600;
    const H: usize = 110;
    const TOP: usize = 16;
    let Some(max) = values.iter().filter_map(|v| v.1).max() else {
        return html! { p.muted.chart-empty id=(id) { (title) ": no build has a value yet (cached builds have none)." } };
    };
    let n = values.len().max(1);
    // Bars at most 24 units wide, so a few builds do not look like a wall.
    let bar_w = (W as f64 / n as f64).clamp(1.0, 24.0);
    html! {
        svg id=(id) class="chart" xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox={ "0 0 " (W) " " (H + TOP) } preserveAspectRatio="none" {
            title { (title) }
            text x="2" y="12" class="chart-label" { (title) ", max " (fmt(max)) }
            line x1="0" y1=(H + TOP) x2=(W) y2=(H + TOP) class="chart-axis" {}
            @for (i, (build, v)) in values.iter().enumerate() {
                @if let Some(v) = v {
                    @let h = if max == 0 { 0.0 } else { (*v as f64 / max as f64) * H as f64 };
                    rect x=(format!("{:.1}", i as f64 * bar_w)) y=(format!("{:.1}", (H + TOP) as f64 - h))
                        width=(format!("{:.1}", (bar_w - 1.0).max(0.5))) height=(format!("{h:.1}")) {
                        title { "build " (build) ": " (fmt(*v)) }
                    }
                }
            }
        }
    }
}

fn duration(b: &Build) -> Option<u64> {
    match (b.finished, b.starttime, b.stoptime) {
        (true, Some(s), Some(e)) if !b.iscachedbuild => Some(e.saturating_sub(s).max(0) as u64),
        _ => None,
    }
}

pub fn job_page(pc: &PageCtx, v: &JobView) -> Markup {
    let (p, j, job) = v.names;
    let base = format!("/job/{}/{}/{}", enc(p), enc(j), enc(job));
    let mut systems: Vec<&str> = v.chart.iter().map(|b| b.system.as_str()).collect();
    systems.sort_unstable();
    systems.dedup();
    let oldest_first: Vec<&Build> = v.chart.iter().rev().collect();
    let times: Vec<(u64, Option<u64>)> = oldest_first.iter().map(|b| (b.id, duration(b))).collect();
    let sizes: Vec<(u64, Option<u64>)> = oldest_first.iter().map(|b| (b.id, b.size)).collect();
    pages::layout(
        pc,
        &format!("Job {p}:{j}:{job}"),
        html! {
            div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (enc(p)) } { (p) }
                " / " a href={ "/jobset/" (enc(p)) "/" (enc(j)) } { (j) } " / " (job) }
            h1 { "Job " (p) ":" (j) ":" (job) }
            p #job-latest {
                @if let Some(b) = v.latest_ok {
                    "Latest successful build: " a #latest href={ (base) "/latest" } { "#" (b.id) }
                    " (" (fmt_time(b.stoptime.unwrap_or(b.timestamp))) ")"
                } @else { span.muted { "No successful build yet." } }
            }
            p.muted #latest-links {
                "Links that always lead to the newest: "
                a href={ (base) "/latest" } { "latest successful" } " · "
                a href={ (base) "/latest-finished" } { "latest from a finished evaluation" }
                @for s in &systems { " · " a href={ (base) "/latest-for/" (enc(s)) } { "latest for " (s) } }
            }
            @if !v.chart.is_empty() {
                h2 { "Last " (v.chart.len()) " builds" }
                div.charts {
                    (bar_chart("chart-time", "Build time", &times, |s| fmt_duration(s as i64)))
                    (bar_chart("chart-size", "Output size", &sizes, fmt_size))
                }
            }
            h2 { "Builds" }
            @if v.builds.is_empty() { p.muted { "No builds found." } } @else {
                div.scroll {
                table #job-builds {
                    thead { tr { th { "#" } th { "Status" } th { "Finished" } th.num { "Duration" } th.num { "Closure size" } th { "Eval" } th { "System" } th { "Name" } } }
                    tbody {
                        @for b in v.builds {
                            @let (label, class) = build_state(b);
                            tr {
                                td { a href={ "/build/" (b.id) } { (b.id) } }
                                td class={ "status " (class) } { (label) @if b.iscachedbuild { " " span.muted { "(cached)" } } }
                                td { @if let (true, Some(t)) = (b.finished, b.stoptime) { (fmt_time(t)) } }
                                td.num.duration { @if let Some(d) = duration(b) { (fmt_duration(d as i64)) } }
                                td.num.closure { @if let Some(s) = b.closuresize { (fmt_size(s)) } }
                                td { a href={ "/eval/" (b.eval) } { (b.eval) } }
                                td { (b.system) }
                                td { (b.nixname) }
                            }
                        }
                    }
                }
                }
                div.pager {
                    @if v.newer { @if let Some(first) = v.builds.first() {
                        a #newer href={ (base) } { "« Newest" }
                        a #newer-page href={ (base) "?after=" (first.id) } { "‹ Newer" }
                    } }
                    @if v.older { @if let Some(last) = v.builds.last() {
                        a #older href={ (base) "?before=" (last.id) } { "Older ›" }
                    } }
                }
            }
        },
    )
}

fn job_args(args: &[String]) -> (&str, &str, &str) {
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    (a(0), a(1), a(2))
}

fn id_param(ctx: &Ctx, name: &str) -> Result<u64, HttpError> {
    match ctx.req.query_param(name) {
        None | Some("") => Ok(0),
        Some(s) => s.parse().map_err(|_| {
            HttpError::bad_request(format!("`{name}` must be a build number, not `{s}`"))
        }),
    }
}

fn job_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j, job) = job_args(args);
    load_jobset(ctx, p, j)?;
    let (before, after) = (id_param(ctx, "before")?, id_param(ctx, "after")?);
    let db = &ctx.app.db;
    let builds = db.job_builds(p, j, job, before, after, JOB_PAGE_BUILDS)?;
    if ctx.wants_json() {
        let v = builds
            .iter()
            .map(|b| super::builds::build_json_listed(ctx.app, b))
            .collect::<Result<Vec<Value>, HttpError>>()?;
        return Ok(Response::json(&Value::Array(v)));
    }
    let chart = db.job_builds(p, j, job, 0, 0, CHART_BUILDS)?;
    let newer = match builds.first() {
        Some(b) => chart.first().is_some_and(|n| n.id > b.id),
        None => false,
    };
    let older = match builds.last() {
        Some(b) => db.job_has_older(p, j, job, b.id)?,
        None => false,
    };
    let latest = queue::latest_successful(ctx.app, p, j, job).map_err(queue_err)?;
    let view = JobView {
        names: (p, j, job),
        latest_ok: latest.as_ref(),
        builds: &builds,
        newer,
        older,
        chart: &chart,
    };
    Ok(Response::html(job_page(&ctx.page(), &view)))
}
