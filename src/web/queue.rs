//! The queue: its page (machines, running, waiting), cancel-all, and Hydra's queue JSON
//! (`/api/queue`, `/api/latestbuilds`, `/api/nrqueue`).

use super::api;
use super::common::*;
use super::pages::{self, fmt_duration, fmt_time, job_link, PageCtx};
use super::router::{r, Route};
use super::{Ctx, HttpError, Response};
use crate::app::App;
pub use crate::db::views::{BuildFilter, SCAN_LIMIT};
use crate::db::{self, Build};
use crate::queue::{self, machines, MachineStatus};
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/queue", queue_get),
    r("POST", "/queue/cancel-all", queue_cancel_all),
    r("GET", "/api/queue", api_queue),
    r("GET", "/api/latestbuilds", api_latestbuilds),
    r("GET", "/api/nrqueue", api_nrqueue),
];

/// Waiting builds shown per queue page (the rest is paged with `?after=ID`).
pub const QUEUE_PAGE_SIZE: usize = 100;
/// Queued builds in id order after `after`, at most `limit` (see `Db::queued_builds`).
pub fn queued_builds(
    app: &App,
    after: u64,
    limit: usize,
    skip_running: bool,
) -> Result<Vec<Build>, HttpError> {
    Ok(app.db.queued_builds(after, limit, skip_running)?)
}

/// The newest builds matching `f` (see `Db::newest_builds`).
pub fn newest_builds(app: &App, f: &BuildFilter, nr: usize) -> Result<Vec<Build>, HttpError> {
    Ok(app.db.newest_builds(f, nr)?)
}

/// Everything the queue page shows.
pub struct QueueView<'a> {
    pub running: &'a [queue::RunningBuild],
    pub waiting: &'a [queue::WaitingBuild],
    pub nrqueued: u64,
    pub machines: &'a [MachineStatus],
    /// Id the waiting list starts after (0 = from the start) and whether more follow.
    pub after: u64,
    pub more: bool,
    pub now: i64,
    pub is_admin: bool,
}

pub fn queue_page(pc: &PageCtx, v: &QueueView) -> Markup {
    let nwaiting = v.nrqueued.saturating_sub(v.running.len() as u64);
    pages::layout(
        pc,
        "Queue",
        html! {
            h1 { "Queue" }
            p #queue-summary { (v.nrqueued) " queued builds: " (v.running.len()) " running, " (nwaiting) " waiting." }
            @if v.is_admin && v.nrqueued > 0 {
                form.inline #cancel-all method="post" action="/queue/cancel-all" {
                    input type="hidden" name="csrf" value=(pc.csrf);
                    button.danger type="submit" { "Cancel all queued builds" }
                }
            }
            h2 { "Machines" }
            table #machines {
                thead { tr { th { "Machine" } th { "Systems" } th.num { "Slots used" } th { "Per system" } } }
                tbody {
                    @for m in v.machines {
                        tr {
                            td { (m.uri) @if !m.enabled { " " span.muted { "(not used yet)" } } }
                            td { (m.systems.join(", ")) }
                            td.num.slots { (m.slots_used) " / " (m.max_jobs) }
                            td { @for (s, n) in &m.running_per_system { span.per-system { (s) ": " (n) } " " } }
                        }
                    }
                }
            }
            h2 { "Running" }
            @if v.running.is_empty() { p.muted #no-running { "Nothing is running." } } @else {
                table #running {
                    thead { tr { th { "#" } th { "Job" } th { "System" } th { "Machine" } th.num { "Running for" } } }
                    tbody {
                        @for r in v.running {
                            tr {
                                td { a href={ "/build/" (r.build.id) } { (r.build.id) } }
                                td.job { (job_link(&r.build)) }
                                td { (r.build.system) }
                                td { (r.machine) }
                                td.num.elapsed { (fmt_duration(v.now - r.starttime)) }
                            }
                        }
                    }
                }
            }
            h2 { "Waiting" }
            @if v.waiting.is_empty() { p.muted #no-waiting { "No builds are waiting." } } @else {
                table #waiting {
                    thead { tr { th { "#" } th { "Job" } th { "System" } th.num { "Priority" } th { "Queued at" } } }
                    tbody {
                        @for w in v.waiting {
                            tr.unsupported[w.unsupported] {
                                td { a href={ "/build/" (w.build.id) } { (w.build.id) } }
                                td.job { (job_link(&w.build)) }
                                td { (w.build.system)
                                    @if w.unsupported { " " span.status-fail.unsupported-marker title="no machine supports this system type" { "(unsupported)" } } }
                                td.num.priority { (w.build.priority) @if w.build.globalpriority > 0 { " " span.muted { "(bumped)" } } }
                                td { (fmt_time(w.build.timestamp)) }
                            }
                        }
                    }
                }
                div.pager {
                    @if v.after > 0 { a href="/queue" { "« First" } }
                    span { "Showing " (v.waiting.len()) " waiting builds" @if v.after > 0 { " after #" (v.after) } }
                    @if v.more { @if let Some(last) = v.waiting.last() { a #next-page href={ "/queue?after=" (last.build.id) } { "Next »" } } }
                }
            }
        },
    )
}

fn queue_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    if ctx.wants_json() {
        return api_queue(ctx, &[]);
    }
    let after = match ctx.req.query_param("after") {
        None | Some("") => 0,
        Some(s) => s.parse::<u64>().map_err(|_| {
            HttpError::bad_request(format!("`after` must be a build number, not `{s}`"))
        })?,
    };
    let snap = queue::snapshot(ctx.app, 0).map_err(queue_err)?;
    let ms = machines::machines(&ctx.app.config).unwrap_or_default();
    let mut page = queued_builds(ctx.app, after, QUEUE_PAGE_SIZE + 1, true)?;
    let more = page.len() > QUEUE_PAGE_SIZE;
    page.truncate(QUEUE_PAGE_SIZE);
    let waiting: Vec<queue::WaitingBuild> = page
        .into_iter()
        .map(|build| queue::WaitingBuild {
            unsupported: !machines::supported(&ms, &build.system),
            build,
        })
        .collect();
    let is_admin = ctx.auth.user.as_ref().is_some_and(|u| u.has_role("admin"));
    let view = QueueView {
        running: &snap.running,
        waiting: &waiting,
        nrqueued: snap.nrqueued,
        machines: &snap.machines,
        after,
        more,
        now: db::now(),
        is_admin,
    };
    Ok(Response::html(queue_page(&ctx.page(), &view)))
}

fn queue_cancel_all(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    ctx.auth.require_role("admin")?;
    let n = queue::cancel_all_queued(ctx.app).map_err(queue_err)?;
    Ok(acted(ctx, "/queue", json!({ "cancelled": n })))
}

fn api_queue(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let nr = nr_param(ctx, Some(100))?;
    let builds = queued_builds(ctx.app, 0, nr, false)?;
    let v: Vec<Value> = builds.iter().map(api::build_json).collect();
    Ok(Response::json(&Value::Array(v)))
}

fn api_nrqueue(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    Ok(Response::text(ctx.app.db.nr_queued()?.to_string()))
}

fn api_latestbuilds(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let nr = nr_param(ctx, None)?;
    let q = |k: &str| ctx.req.query_param(k).unwrap_or("").to_string();
    let f = BuildFilter {
        project: q("project"),
        jobset: q("jobset"),
        job: q("job"),
        system: q("system"),
        finished_only: true,
    };
    let builds = newest_builds(ctx.app, &f, nr)?;
    let v = builds
        .iter()
        .map(|b| super::builds::build_json_listed(ctx.app, b))
        .collect::<Result<Vec<Value>, HttpError>>()?;
    Ok(Response::json(&Value::Array(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> Build {
        Build {
            id: 7,
            project: "p".into(),
            jobset: "j".into(),
            job: "hello".into(),
            eval: 3,
            drvpath: "/nix/store/aaaa-hello.drv".into(),
            system: "x86_64-linux".into(),
            nixname: "hello".into(),
            ..Default::default()
        }
    }

    #[test]
    fn queue_page_marks_unsupported_and_pages() {
        let mut w = build();
        w.system = "mips-plan9".into();
        let waiting = [queue::WaitingBuild {
            build: w,
            unsupported: true,
        }];
        let v = QueueView {
            running: &[],
            waiting: &waiting,
            nrqueued: 500,
            machines: &[],
            after: 0,
            more: true,
            now: 0,
            is_admin: false,
        };
        let html = queue_page(&PageCtx::default(), &v).into_string();
        assert!(html.contains("(unsupported)"));
        assert!(html.contains("/queue?after=7"));
        assert!(!html.contains("cancel-all"), "not an admin");
        assert!(html.contains("500 queued builds"));
    }

    #[test]
    fn filters() {
        let b = build();
        let f = BuildFilter {
            project: "p".into(),
            job: "hello".into(),
            ..Default::default()
        };
        assert!(f.matches(&b));
        let f = BuildFilter {
            finished_only: true,
            ..f
        };
        assert!(!f.matches(&b));
        let f = BuildFilter {
            system: "aarch64-linux".into(),
            ..Default::default()
        };
        assert!(!f.matches(&b));
    }
}
