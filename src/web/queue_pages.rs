//! The queue runner's face: the queue page, build pages (summary, outputs, cache, live log,
//! actions, reproduce script), the build/eval/queue actions, and Hydra's queue JSON endpoints
//! (`/build/N`, `/build/N/log/{raw,tail}`, `/api/queue`, `/api/latestbuilds`, `/api/nrqueue`,
//! `/job/P/J/JOB/latest`). Handlers read the db in short read transactions; rendering is pure.

use super::api;
use super::pages::{self, build_state, fmt_time, PageCtx};
use super::routes::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::app::App;
pub use crate::db::views::{BuildFilter, SCAN_LIMIT};
use crate::db::{self, Build, Eval};
use crate::perm;
use crate::queue::{self, machines, MachineStatus, QueueError};
use maud::{html, Markup};
use serde_json::{json, Value};

/// Waiting builds shown per queue page (the rest is paged with `?after=ID`).
pub const QUEUE_PAGE_SIZE: usize = 100;
/// The build page shows this much of the log's end.
pub const LOG_TAIL_BYTES: usize = 64 * 1024;
/// Largest `nr` the list APIs accept (Hydra caps these lists too).
pub const MAX_NR: usize = 1000;
/// While a build runs its page reloads itself every this many seconds (live log, no JS).
pub const REFRESH_SECS: u32 = 5;

pub const ROUTES: &[Route] = &[
    r("GET", "/queue", queue_get),
    r("POST", "/queue/cancel-all", queue_cancel_all),
    r("GET", "/build/:n", build_get),
    r("GET", "/build/:n/log/raw", build_log_raw),
    r("GET", "/build/:n/log/tail", build_log_tail),
    r("GET", "/build/:n/reproduce", build_reproduce),
    r("POST", "/build/:n/cancel", build_cancel),
    r("POST", "/build/:n/restart", build_restart),
    r("POST", "/build/:n/bump", build_bump),
    r("POST", "/eval/:n/cancel", eval_cancel),
    r("POST", "/eval/:n/restart-failed", eval_restart_failed),
    r("POST", "/eval/:n/bump", eval_bump),
    r("GET", "/api/queue", api_queue),
    r("GET", "/api/latestbuilds", api_latestbuilds),
    r("GET", "/api/nrqueue", api_nrqueue),
    r("GET", "/job/:p/:j/:job", job_get),
    r("GET", "/job/:p/:j/:job/latest", job_latest),
];

// ---------- permissions (the rules are `perm`'s) ----------

pub use crate::perm::BuildAction as Action;

/// Which actions the caller may take on one project's builds (`perm::may_act` for each).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowed {
    pub cancel: bool,
    pub restart: bool,
    pub bump: bool,
}

impl Allowed {
    pub fn any(&self) -> bool {
        self.cancel || self.restart || self.bump
    }
}

fn allowed(ctx: &Ctx, project: &str) -> Result<Allowed, HttpError> {
    let u = ctx.auth.user.as_ref();
    let p = ctx.app.db.project(project)?;
    let may = |a| perm::may_act(u, a, p.as_ref());
    Ok(Allowed {
        cancel: may(Action::Cancel),
        restart: may(Action::Restart),
        bump: may(Action::Bump),
    })
}

fn refused(ctx: &Ctx, what: &str, project: &str, a: Action) -> HttpError {
    let name = ctx
        .auth
        .user
        .as_ref()
        .map(|u| u.name.as_str())
        .unwrap_or("");
    HttpError::forbidden(format!(
        "user `{name}` lacks the `{}` role (or ownership of project `{project}`) for {what}",
        a.role()
    ))
}

// ---------- helpers ----------

fn queue_err(e: QueueError) -> HttpError {
    match e {
        QueueError::Db(d) => d.into(),
        QueueError::NotFound(m) => HttpError::not_found(format!("{m} not found")),
        e => HttpError::new(500, e.to_string()),
    }
}

fn id_arg(args: &[String], what: &str) -> Result<u64, HttpError> {
    let s = args.first().map(String::as_str).unwrap_or("");
    s.parse()
        .map_err(|_| HttpError::bad_request(format!("`{s}` is not a valid {what} number")))
}

fn load_build(ctx: &Ctx, args: &[String]) -> Result<Build, HttpError> {
    let id = id_arg(args, "build")?;
    ctx.app
        .db
        .build(id)?
        .ok_or_else(|| HttpError::not_found(format!("build {id} does not exist")))
}

fn load_eval(ctx: &Ctx, args: &[String]) -> Result<Eval, HttpError> {
    let id = id_arg(args, "evaluation")?;
    ctx.app
        .db
        .eval(id)?
        .ok_or_else(|| HttpError::not_found(format!("evaluation {id} does not exist")))
}

/// A browser form gets a redirect back; a script gets JSON.
fn acted(ctx: &Ctx, back: &str, body: Value) -> Response {
    if ctx.form.is_some() && !ctx.wants_json() {
        Response::redirect(back)
    } else {
        Response::json(&body)
    }
}

fn nr_param(ctx: &Ctx, default: Option<usize>) -> Result<usize, HttpError> {
    match ctx.req.query_param("nr") {
        None | Some("") => default.ok_or_else(|| {
            HttpError::bad_request("missing query parameter `nr` (how many builds)")
        }),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n <= MAX_NR => Ok(n),
            Ok(_) => Err(HttpError::bad_request(format!(
                "`nr` must be at most {MAX_NR}"
            ))),
            Err(_) => Err(HttpError::bad_request(format!(
                "`nr` must be a number, not `{s}`"
            ))),
        },
    }
}

/// `1h 02m 03s`, `4m 05s`, `7s`.
pub fn fmt_duration(secs: i64) -> String {
    let s = secs.max(0);
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m {sec:02}s"),
        (h, m, sec) => format!("{h}h {m:02}m {sec:02}s"),
    }
}

/// Bytes in binary units: `512 B`, `1.5 KiB`, `3.2 MiB`.
pub fn fmt_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

fn build_evals(app: &App, b: &Build) -> Result<Vec<u64>, HttpError> {
    Ok(app.db.build_evals(b)?)
}

/// Hydra's build JSON with the full list of evals.
pub fn build_json_full(app: &App, b: &Build) -> Result<Value, HttpError> {
    let mut v = api::build_json(b);
    v["jobsetevals"] = json!(build_evals(app, b)?);
    Ok(v)
}

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

// ---------- queue ----------

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

fn job_link(b: &Build) -> Markup {
    html! {
        a href={ "/job/" (enc(&b.project)) "/" (enc(&b.jobset)) "/" (enc(&b.job)) } {
            (b.project) ":" (b.jobset) ":" (b.job)
        }
    }
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
    let v: Vec<Value> = builds.iter().map(api::build_json).collect();
    Ok(Response::json(&Value::Array(v)))
}

// ---------- builds ----------

/// Everything the build page shows.
pub struct BuildView<'a> {
    pub build: &'a Build,
    pub evals: &'a [u64],
    /// The end of the log, if there is one.
    pub log_tail: Option<&'a str>,
    pub allowed: Allowed,
    pub now: i64,
}

pub fn build_page(pc: &PageCtx, v: &BuildView) -> Markup {
    let b = v.build;
    let (label, class) = build_state(b);
    let running = !b.finished && b.busy;
    let base = format!("/build/{}", b.id);
    let duration = match (b.starttime, b.stoptime) {
        (Some(s), Some(e)) if b.finished => Some(fmt_duration(e - s)),
        (Some(s), _) if running => Some(format!("{} (running)", fmt_duration(v.now - s))),
        _ => None,
    };
    let body = html! {
        div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (enc(&b.project)) } { (b.project) }
            " / " a href={ "/jobset/" (enc(&b.project)) "/" (enc(&b.jobset)) } { (b.jobset) }
            " / " (job_link_short(b)) }
        h1 { "Build " (b.id) " of job " (b.project) ":" (b.jobset) ":" (b.job) }
        @if v.allowed.any() {
            div #build-actions .actions-row {
                @if v.allowed.cancel && !b.finished { (post_button(pc, &format!("{base}/cancel"), "Cancel", "cancel")) }
                @if v.allowed.restart && b.finished { (post_button(pc, &format!("{base}/restart"), "Restart", "restart")) }
                @if v.allowed.bump && !b.finished { (post_button(pc, &format!("{base}/bump"), "Bump to front", "bump")) }
            }
        }
        table #build-summary {
            tbody {
                tr { th { "Status" } td #build-status class={ "status " (class) } { (label) } }
                @if b.iscachedbuild {
                    tr { th { "Cached" } td #build-cached-from {
                        "Not built: its outputs were already valid"
                        @if let Some(from) = b.cached_from { " (cached from build " a href={ "/build/" (from) } { (from) } ")" }
                        "."
                    } }
                }
                tr { th { "Job" } td { (job_link(b)) } }
                tr { th { "Evaluations" } td #build-evals { @for (i, e) in v.evals.iter().enumerate() {
                    @if i > 0 { ", " } a href={ "/eval/" (e) } { (e) } } } }
                tr { th { "System" } td { (b.system) } }
                tr { th { "Nix name" } td { (b.nixname) } }
                tr { th { "Derivation" } td { code #drvpath { (b.drvpath) } } }
                tr { th { "Priority" } td { (b.priority) @if b.globalpriority > 0 { " (bumped to the front)" } } }
                tr { th { "Queued at" } td { (fmt_time(b.timestamp)) } }
                @if let Some(t) = b.starttime { tr { th { "Started" } td { (fmt_time(t)) } } }
                @if let Some(t) = b.stoptime.filter(|_| b.finished) { tr { th { "Stopped" } td { (fmt_time(t)) } } }
                @if let Some(d) = &duration { tr { th { "Duration" } td #duration { (d) } } }
                @if b.timeout > 0 { tr { th { "Timeout" } td { (b.timeout) " s" } } }
                @if b.maxsilent > 0 { tr { th { "Max silent time" } td { (b.maxsilent) " s" } } }
                @if !b.description.is_empty() { tr { th { "Description" } td { (b.description) } } }
                @if let Some(e) = &b.errormsg { tr { th { "Error" } td { div.error #build-error { (e) } } } }
            }
        }
        h2 { "Outputs" }
        table #build-outputs {
            tbody { @for (n, p) in &b.outputs { tr { th { (n) } td { code { (p) } } } } }
        }
        @if b.size.is_some() || b.closuresize.is_some() {
            table #build-sizes {
                tbody {
                    @if let Some(s) = b.size { tr { th { "Output size" } td { (fmt_size(s)) } } }
                    @if let Some(s) = b.closuresize { tr { th { "Closure size" } td { (fmt_size(s)) } } }
                }
            }
        }
        @if !b.cached.is_empty() {
            h2 { "Binary cache" }
            ul #build-cache {
                @for (bucket, state) in &b.cached {
                    @if state == "ok" {
                        li.status-0 { "Cached in bucket " code { (bucket) } }
                    } @else if state == "queued" {
                        li.status-queued { "Upload to bucket " code { (bucket) } " queued" }
                    } @else {
                        li.status-fail { "Upload to bucket " code { (bucket) } " failed: " (state) }
                    }
                }
            }
        }
        h2 #log-heading { "Log" }
        p.muted {
            a #log-raw href={ (base) "/log/raw" } { "Raw log" } " · "
            a href={ (base) "/log/tail" } { "Tail (text)" } " · "
            a #reproduce href={ (base) "/reproduce" } { "Reproduce locally" }
            @if running { " · this page reloads every " (REFRESH_SECS) " s while the build runs" }
        }
        @match v.log_tail {
            Some(t) if !t.is_empty() => pre.log #log { (t) },
            _ => p.muted #no-log { @if b.finished { "No log was kept for this build." } @else if running { "No output yet." } @else { "The build has not started yet." } },
        }
    };
    pages::layout_refresh(
        pc,
        &format!("Build {}", b.id),
        (!b.finished).then_some(REFRESH_SECS),
        body,
    )
}

fn job_link_short(b: &Build) -> Markup {
    html! { a href={ "/job/" (enc(&b.project)) "/" (enc(&b.jobset)) "/" (enc(&b.job)) } { (b.job) } }
}

fn post_button(pc: &PageCtx, action: &str, label: &str, id: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) id={ "action-" (id) } {
            input type="hidden" name="csrf" value=(pc.csrf);
            button type="submit" { (label) }
        }
    }
}

fn build_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    if ctx.wants_json() {
        return Ok(Response::json(&build_json_full(ctx.app, &b)?));
    }
    let evals = build_evals(ctx.app, &b)?;
    let tail = queue::log_tail(ctx.app, b.id, LOG_TAIL_BYTES).map_err(queue_err)?;
    let view = BuildView {
        build: &b,
        evals: &evals,
        log_tail: tail.as_deref(),
        allowed: allowed(ctx, &b.project)?,
        now: db::now(),
    };
    Ok(Response::html(build_page(&ctx.page(), &view)))
}

fn no_log(id: u64) -> HttpError {
    HttpError::not_found(format!("build {id} has no log (yet)"))
}

fn build_log_raw(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let log = queue::log_read(ctx.app, b.id)
        .map_err(queue_err)?
        .ok_or_else(|| no_log(b.id))?;
    Ok(Response::new(200, "text/plain; charset=utf-8", log))
}

fn build_log_tail(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let t = queue::log_tail(ctx.app, b.id, LOG_TAIL_BYTES)
        .map_err(queue_err)?
        .ok_or_else(|| no_log(b.id))?;
    Ok(Response::text(t))
}

fn build_reproduce(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let script = queue::reproduce_script(&b, &ctx.app.nix)
        .map_err(|e| HttpError::new(409, format!("no reproduce script: {e}")))?;
    Ok(Response::text(script).with_header(
        "Content-Disposition",
        &format!("inline; filename=\"build-{}.sh\"", b.id),
    ))
}

fn build_action(ctx: &Ctx, args: &[String], a: Action) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    ctx.auth.require_user()?;
    let project = ctx.app.db.project(&b.project)?;
    if !perm::may_act(ctx.auth.user.as_ref(), a, project.as_ref()) {
        return Err(refused(ctx, &format!("build {}", b.id), &b.project, a));
    }
    let (done, key, refusal) = match a {
        Action::Cancel => (
            queue::cancel_build(ctx.app, b.id),
            "cancelled",
            "is already finished",
        ),
        Action::Restart => (
            queue::restart_build(ctx.app, b.id),
            "restarted",
            "is not finished",
        ),
        Action::Bump => (
            queue::bump_build(ctx.app, b.id),
            "bumped",
            "is already finished",
        ),
    };
    if !done.map_err(queue_err)? {
        return Err(HttpError::new(409, format!("build {} {refusal}", b.id)));
    }
    Ok(acted(
        ctx,
        &format!("/build/{}", b.id),
        json!({ "id": b.id, key: true }),
    ))
}

fn build_cancel(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    build_action(ctx, args, Action::Cancel)
}
fn build_restart(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    build_action(ctx, args, Action::Restart)
}
fn build_bump(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    build_action(ctx, args, Action::Bump)
}

// ---------- evals ----------

/// The action buttons of an eval page, for the routes' eval handler.
pub fn eval_actions(ctx: &Ctx, e: &Eval) -> Result<Markup, HttpError> {
    let a = allowed(ctx, &e.project)?;
    let pc = ctx.page();
    let base = format!("/eval/{}", e.id);
    Ok(html! {
        @if a.any() {
            div #eval-actions .actions-row {
                @if a.cancel { (post_button(&pc, &format!("{base}/cancel"), "Cancel all queued builds", "cancel")) }
                @if a.restart { (post_button(&pc, &format!("{base}/restart-failed"), "Restart failed builds", "restart-failed")) }
                @if a.bump { (post_button(&pc, &format!("{base}/bump"), "Bump all to the front", "bump")) }
            }
        }
    })
}

/// An eval action acts on the eval's own builds, each one checked with the rule of the single
/// build action; none is touched when the caller may touch none of them (403).
fn eval_action(ctx: &Ctx, args: &[String], a: Action) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let u = ctx.auth.require_user()?;
    let own = ctx.app.db.project(&e.project)?;
    if !perm::may_act(Some(u), a, own.as_ref()) {
        return Err(refused(ctx, &format!("evaluation {}", e.id), &e.project, a));
    }
    let mut ids = Vec::new();
    for (b, _) in ctx.app.db.eval_builds(e.id)? {
        // Members are the eval's own jobset's builds; anything else is never touched.
        if b.project == e.project && b.jobset == e.jobset && perm::may_act(Some(u), a, own.as_ref())
        {
            ids.push(b.id);
        }
    }
    let (n, key) = match a {
        Action::Cancel => (queue::cancel_builds(ctx.app, &ids), "cancelled"),
        Action::Restart => (queue::restart_failed_builds(ctx.app, &ids), "restarted"),
        Action::Bump => (queue::bump_builds(ctx.app, &ids), "bumped"),
    };
    let n = n.map_err(queue_err)?;
    Ok(acted(
        ctx,
        &format!("/eval/{}", e.id),
        json!({ "id": e.id, key: n }),
    ))
}

fn eval_cancel(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    eval_action(ctx, args, Action::Cancel)
}
fn eval_restart_failed(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    eval_action(ctx, args, Action::Restart)
}
fn eval_bump(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    eval_action(ctx, args, Action::Bump)
}

// ---------- jobs ----------

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
        let v: Vec<Value> = builds.iter().map(api::build_json).collect();
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

fn job_latest(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j, job) = job_args(args);
    let b = queue::latest_successful(ctx.app, p, j, job)
        .map_err(queue_err)?
        .ok_or_else(|| {
            HttpError::not_found(format!("job `{p}:{j}:{job}` has no successful build"))
        })?;
    Ok(Response::new(302, "text/plain; charset=utf-8", Vec::new())
        .with_header("Location", &format!("/build/{}", b.id)))
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
    fn formats() {
        assert_eq!(fmt_duration(7), "7s");
        assert_eq!(fmt_duration(65), "1m 05s");
        assert_eq!(fmt_duration(3723), "1h 02m 03s");
        assert_eq!(fmt_size(512), "512 B");
        assert_eq!(fmt_size(1536), "1.5 KiB");
        assert_eq!(fmt_size(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn build_page_shows_actions_by_permission_and_refreshes_while_unfinished() {
        let mut b = build();
        b.busy = true;
        b.starttime = Some(100);
        let v = BuildView {
            build: &b,
            evals: &[3],
            log_tail: Some("building hello\n"),
            allowed: Allowed {
                cancel: true,
                restart: true,
                bump: false,
            },
            now: 130,
        };
        let html = build_page(&PageCtx::default(), &v).into_string();
        assert!(html.contains("action=\"/build/7/cancel\""), "{html}");
        assert!(
            !html.contains("/build/7/restart\""),
            "restart on a running build"
        );
        assert!(!html.contains("/build/7/bump"), "no bump role");
        assert!(html.contains("http-equiv=\"refresh\""));
        assert!(html.contains("30s (running)"));
        assert!(html.contains("building hello"));

        b.finished = true;
        b.busy = false;
        b.buildstatus = Some(db::status::SUCCEEDED);
        b.stoptime = Some(160);
        b.cached.insert("bkt".into(), "ok".into());
        b.cached.insert("other".into(), "403 Forbidden".into());
        b.cached.insert("later".into(), "queued".into());
        let v = BuildView {
            build: &b,
            evals: &[3],
            log_tail: Some("building hello\n"),
            allowed: Allowed::default(),
            now: 130,
        };
        let html = build_page(&PageCtx::default(), &v).into_string();
        assert!(!html.contains("http-equiv=\"refresh\""));
        assert!(!html.contains("build-actions"));
        assert!(html.contains("Succeeded"));
        assert!(html.contains("1m 00s"));
        assert!(html.contains("Cached in bucket <code>bkt</code>"), "{html}");
        assert!(html.contains("failed: 403 Forbidden"));
        assert!(
            html.contains("Upload to bucket <code>later</code> queued"),
            "a queued upload is not a failure: {html}"
        );
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
