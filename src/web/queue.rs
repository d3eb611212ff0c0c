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
    /// The waiting list is in the order the runner would pick (else in id order).
    pub in_pick_order: bool,
}

/// Up to this many queued builds the queue page shows them in pick order (simulated on the
/// scheduler's own policy); a longer queue is shown in id order.
pub const PICK_ORDER_MAX: usize = 5000;

/// `builds` in the order `queue::policy` would hand them to free slots now: bumped first, then
/// the jobset furthest below its share of the last 24 h, then priority, then age. Builds no
/// machine supports come last. Loads the jobsets' shares and charges as the runner does.
pub fn pick_order(
    app: &App,
    builds: Vec<Build>,
    ms: &[machines::Machine],
) -> Result<Vec<Build>, HttpError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let shares = app.db.queue_jobset_shares()?;
    let window = crate::queue::policy::WINDOW as u64;
    let charges: Vec<(u64, String, String, f64)> = app
        .db
        .queue_charges(now as u64, window)?
        .into_iter()
        .map(|(stop, c)| (stop, c.project, c.jobset, c.seconds))
        .collect();
    Ok(pick_sequence(
        builds,
        &shares,
        &charges,
        |s| machines::supported(ms, s),
        now,
    ))
}

/// The pure part of `pick_order`: shares per jobset, charges (stop time, project, jobset,
/// seconds), which systems some machine builds, and the time.
pub fn pick_sequence(
    builds: Vec<Build>,
    shares: &[((String, String), u32)],
    charges: &[(u64, String, String, f64)],
    supported: impl Fn(&str) -> bool,
    now: f64,
) -> Vec<Build> {
    use crate::queue::policy::{Policy, QueuedBuild};
    use std::collections::HashMap;
    let mut policy = Policy::new();
    let mut jobsets: HashMap<(String, String), u32> = HashMap::new();
    for ((p, j), n) in shares {
        jobsets.insert((p.clone(), j.clone()), policy.add_jobset(*n));
    }
    let mut js_id = |policy: &mut Policy, p: &str, j: &str| -> u32 {
        *jobsets
            .entry((p.to_string(), j.to_string()))
            .or_insert_with(|| policy.add_jobset(100))
    };
    for (stop, p, j, secs) in charges {
        let js = js_id(&mut policy, p, j);
        policy.charge(js, *secs, *stop as f64, now);
    }
    policy.set_catch_up(false);
    let mut systems: HashMap<String, u32> = HashMap::new();
    let mut by_id: HashMap<u64, Build> = HashMap::new();
    let mut unsupported = Vec::new();
    for b in builds {
        if !supported(&b.system) {
            unsupported.push(b);
            continue;
        }
        let js = js_id(&mut policy, &b.project, &b.jobset);
        let sys = *systems
            .entry(b.system.clone())
            .or_insert_with(|| policy.add_system());
        policy.enqueue(
            QueuedBuild {
                id: b.id,
                jobset: js,
                system: sys,
                priority: b.priority,
                globalpriority: b.globalpriority.max(0),
            },
            now,
        );
        by_id.insert(b.id, b);
    }
    let all: Vec<u32> = systems.values().copied().collect();
    let mut out = Vec::with_capacity(by_id.len() + unsupported.len());
    while let Some(p) = policy.pick(&all, now) {
        if let Some(b) = by_id.remove(&p.id) {
            out.push(b);
        }
    }
    out.extend(unsupported);
    out
}

pub fn queue_page(pc: &PageCtx, v: &QueueView) -> Markup {
    let nwaiting = v.nrqueued.saturating_sub(v.running.len() as u64);
    pages::layout(
        pc,
        "Queue",
        html! {
            h1 { "Queue" }
            p #queue-summary { (pages::plural(v.nrqueued, "queued build", "queued builds")) ": " (v.running.len()) " running, " (nwaiting) " waiting." }
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
                            td { (m.uri) @if !m.enabled { " " span.muted { "(disabled)" } } }
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
            @if v.in_pick_order && !v.waiting.is_empty() { p.muted #pick-order { "In the order the scheduler would start them now (bumped, then fair share, then priority, then age). "
                a href="/queue?order=id" { "All of them by number" } } }
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
    let by_id = after > 0 || ctx.req.query_param("order") == Some("id");
    let picked = if !by_id && snap.nrqueued <= PICK_ORDER_MAX as u64 {
        let all = queued_builds(ctx.app, 0, PICK_ORDER_MAX, true)?;
        Some(pick_order(ctx.app, all, &ms)?)
    } else {
        None
    };
    let in_pick_order = picked.is_some();
    let (page, more) = match picked {
        Some(mut p) => {
            // The rest is paged in id order (a pick-order page has no stable cursor).
            p.truncate(QUEUE_PAGE_SIZE);
            (p, false)
        }
        None => {
            let mut page = queued_builds(ctx.app, after, QUEUE_PAGE_SIZE + 1, true)?;
            let more = page.len() > QUEUE_PAGE_SIZE;
            page.truncate(QUEUE_PAGE_SIZE);
            (page, more)
        }
    };
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
        in_pick_order,
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
            in_pick_order: false,
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

    #[test]
    fn pick_order_is_bumped_then_fair_share_then_priority_then_age() {
        let mk = |id: u64, j: &str, prio: i32, bumped: i32, system: &str| Build {
            id,
            project: "p".into(),
            jobset: j.into(),
            job: format!("job{id}"),
            system: system.into(),
            priority: prio,
            globalpriority: bumped,
            ..Default::default()
        };
        let builds = vec![
            mk(1, "a", 100, 0, "x86_64-linux"),
            mk(2, "a", 100, 0, "x86_64-linux"),
            mk(3, "b", 100, 0, "x86_64-linux"),
            mk(4, "b", 200, 0, "x86_64-linux"),
            mk(5, "a", 100, 7, "x86_64-linux"),
            mk(6, "b", 100, 0, "mips-plan9"),
        ];
        let shares = [
            (("p".to_string(), "a".to_string()), 100),
            (("p".to_string(), "b".to_string()), 100),
        ];
        // Jobset a used an hour of its share already.
        let charges = [(1_000u64, "p".to_string(), "a".to_string(), 3600.0)];
        let order: Vec<u64> =
            pick_sequence(builds, &shares, &charges, |s| s != "mips-plan9", 1_100.0)
                .iter()
                .map(|b| b.id)
                .collect();
        assert_eq!(order, [5, 4, 3, 1, 2, 6]);
    }
}
