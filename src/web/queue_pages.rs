//! The queue runner's face: the queue page, build pages (summary, outputs, cache, live log,
//! actions, reproduce script), the build/eval/queue actions, and Hydra's queue JSON endpoints
//! (`/build/N`, `/build/N/log/{raw,tail}`, `/api/queue`, `/api/latestbuilds`, `/api/nrqueue`,
//! `/job/P/J/JOB/latest`). Handlers read the db in short read transactions; rendering is pure.

use super::api;
use super::auth;
use super::pages::{self, build_state, fmt_time, PageCtx};
use super::routes::Route;
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::app::App;
use crate::db::{
    self, Build, Eval, BUILDS, EVAL_MEMBERS, JOBSET_EVALS, JOB_BUILDS, JOB_LATEST, QUEUE,
};
use crate::queue::{self, machines, store::QUEUE_RUNNING, MachineStatus, QueueError};
use maud::{html, Markup};
use redb::ReadableTable;
use serde_json::{json, Value};

/// Waiting builds shown per queue page (the rest is paged with `?after=ID`).
pub const QUEUE_PAGE_SIZE: usize = 100;
/// The build page shows this much of the log's end.
pub const LOG_TAIL_BYTES: usize = 64 * 1024;
/// Largest `nr` the list APIs accept (Hydra caps these lists too).
pub const MAX_NR: usize = 1000;
/// Build records a filtered reverse scan looks at before giving up (`/api/latestbuilds`,
/// job page): bounds the cost of a filter that matches nothing on a huge database.
pub const SCAN_LIMIT: usize = 200_000;
/// While a build runs its page reloads itself every this many seconds (live log, no JS).
pub const REFRESH_SECS: u32 = 5;

const fn r(method: &'static str, pattern: &'static str, handler: super::routes::Handler) -> Route {
    Route {
        method,
        pattern,
        handler,
    }
}

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

// ---------- permissions ----------

/// The three build actions and the role each needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Cancel,
    Restart,
    Bump,
}

impl Action {
    pub fn role(self) -> &'static str {
        match self {
            Action::Cancel => "cancel-build",
            Action::Restart => "restart-jobs",
            Action::Bump => "bump-to-front",
        }
    }
}

/// Which actions the caller may take on a project's builds: the action's role (admins have
/// all), or ownership of the project (as in Hydra).
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
    fn get(&self, a: Action) -> bool {
        match a {
            Action::Cancel => self.cancel,
            Action::Restart => self.restart,
            Action::Bump => self.bump,
        }
    }
}

fn allowed(ctx: &Ctx, project: &str) -> Result<Allowed, HttpError> {
    let Some(u) = ctx.auth.user.as_ref() else {
        return Ok(Allowed::default());
    };
    let owner = match ctx.app.db.project(project)? {
        Some(p) => auth::can_edit(u, &p),
        None => false,
    };
    Ok(Allowed {
        cancel: owner || u.has_role(Action::Cancel.role()),
        restart: owner || u.has_role(Action::Restart.role()),
        bump: owner || u.has_role(Action::Bump.role()),
    })
}

fn require(ctx: &Ctx, project: &str, a: Action) -> Result<(), HttpError> {
    let u = ctx.auth.require_user()?;
    if allowed(ctx, project)?.get(a) {
        Ok(())
    } else {
        Err(HttpError::forbidden(format!(
            "user `{}` lacks the `{}` role (or ownership of project `{project}`)",
            u.name,
            a.role()
        )))
    }
}

// ---------- helpers ----------

fn queue_err(e: QueueError) -> HttpError {
    match e {
        QueueError::Db(d) => d.into(),
        QueueError::NotFound(m) => HttpError::not_found(format!("{m} not found")),
        e => HttpError::new(500, e.to_string()),
    }
}

fn dbe(e: impl Into<db::DbError>) -> HttpError {
    e.into().into()
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

/// Evals a build belongs to, newest first: a point lookup per eval of its jobset (at most the
/// newest 1000), so the cost follows the jobset's history, not the database size.
fn build_evals(app: &App, b: &Build) -> Result<Vec<u64>, HttpError> {
    let tx = app.db.inner.begin_read().map_err(dbe)?;
    let idx = tx.open_table(JOBSET_EVALS).map_err(dbe)?;
    let members = tx.open_table(EVAL_MEMBERS).map_err(dbe)?;
    let mut out = Vec::new();
    let range = idx
        .range(
            (b.project.as_str(), b.jobset.as_str(), 0u64)
                ..=(b.project.as_str(), b.jobset.as_str(), u64::MAX),
        )
        .map_err(dbe)?;
    for r in range.rev().take(1000) {
        let e = r.map_err(dbe)?.0.value().2;
        if members.get((e, b.id)).map_err(dbe)?.is_some() {
            out.push(e);
        }
    }
    if !out.contains(&b.eval) {
        out.push(b.eval);
    }
    Ok(out)
}

/// Hydra's build JSON with the full list of evals.
pub fn build_json_full(app: &App, b: &Build) -> Result<Value, HttpError> {
    let mut v = api::build_json(b);
    v["jobsetevals"] = json!(build_evals(app, b)?);
    Ok(v)
}

/// Queued builds (running ones included) in id order, from `after` (exclusive), at most `limit`;
/// with `skip_running`, running builds are left out. O(limit + running).
pub fn queued_builds(
    app: &App,
    after: u64,
    limit: usize,
    skip_running: bool,
) -> Result<Vec<Build>, HttpError> {
    app.db.queue_tables()?;
    let tx = app.db.inner.begin_read().map_err(dbe)?;
    let q = tx.open_table(QUEUE).map_err(dbe)?;
    let running = tx.open_table(QUEUE_RUNNING).map_err(dbe)?;
    let builds = tx.open_table(BUILDS).map_err(dbe)?;
    let mut out = Vec::new();
    for e in q.range(after.saturating_add(1)..).map_err(dbe)? {
        if out.len() >= limit {
            break;
        }
        let id = e.map_err(dbe)?.0.value();
        if skip_running && running.get(id).map_err(dbe)?.is_some() {
            continue;
        }
        if let Some(v) = builds.get(id).map_err(dbe)? {
            out.push(db::decode(&format!("build {id}"), v.value())?);
        }
    }
    Ok(out)
}

/// Filters for `/api/latestbuilds` and the job page (empty = any).
#[derive(Debug, Clone, Default)]
pub struct BuildFilter {
    pub project: String,
    pub jobset: String,
    pub job: String,
    pub system: String,
    pub finished_only: bool,
}

impl BuildFilter {
    fn matches(&self, b: &Build) -> bool {
        (!self.finished_only || b.finished)
            && (self.project.is_empty() || b.project == self.project)
            && (self.jobset.is_empty() || b.jobset == self.jobset)
            && (self.job.is_empty() || b.job == self.job)
            && (self.system.is_empty() || b.system == self.system)
    }
}

/// The newest builds matching `f`, newest first, at most `nr`; looks at no more than
/// `SCAN_LIMIT` records.
pub fn newest_builds(app: &App, f: &BuildFilter, nr: usize) -> Result<Vec<Build>, HttpError> {
    let tx = app.db.inner.begin_read().map_err(dbe)?;
    let builds = tx.open_table(BUILDS).map_err(dbe)?;
    let mut out = Vec::new();
    if nr == 0 || !may_match(&tx, f)? {
        return Ok(out);
    }
    if !(f.project.is_empty() || f.jobset.is_empty() || f.job.is_empty()) {
        // One job: its own index holds exactly its builds.
        let idx = tx.open_table(JOB_BUILDS).map_err(dbe)?;
        let (p, j, job) = (f.project.as_str(), f.jobset.as_str(), f.job.as_str());
        for r in idx
            .range((p, j, job, 0u64)..=(p, j, job, u64::MAX))
            .map_err(dbe)?
            .rev()
        {
            let id = r.map_err(dbe)?.0.value().3;
            if let Some(v) = builds.get(id).map_err(dbe)? {
                let b: Build = db::decode(&format!("build {id}"), v.value())?;
                if f.matches(&b) {
                    out.push(b);
                    if out.len() >= nr {
                        break;
                    }
                }
            }
        }
        return Ok(out);
    }
    for r in builds.iter().map_err(dbe)?.rev().take(SCAN_LIMIT) {
        let (k, v) = r.map_err(dbe)?;
        let b: Build = db::decode(&format!("build {}", k.value()), v.value())?;
        if f.matches(&b) {
            out.push(b);
            if out.len() >= nr {
                break;
            }
        }
    }
    Ok(out)
}

/// Whether any build can match: a filter naming a project (and jobset, job) that has no job in
/// the per-job index is answered at once instead of scanning for nothing.
fn may_match(tx: &redb::ReadTransaction, f: &BuildFilter) -> Result<bool, HttpError> {
    if f.project.is_empty() {
        return Ok(true);
    }
    let l = tx.open_table(JOB_LATEST).map_err(dbe)?;
    let p = f.project.as_str();
    if !f.jobset.is_empty() && !f.job.is_empty() {
        return Ok(l
            .get((p, f.jobset.as_str(), f.job.as_str()))
            .map_err(dbe)?
            .is_some());
    }
    let (lo, hi) = if f.jobset.is_empty() {
        ((p, "", ""), (p, "\u{10FFFF}", ""))
    } else {
        (
            (p, f.jobset.as_str(), ""),
            (p, f.jobset.as_str(), "\u{10FFFF}"),
        )
    };
    for r in l.range(lo..=hi).map_err(dbe)? {
        let (k, _) = r.map_err(dbe)?;
        if f.job.is_empty() || k.value().2 == f.job {
            return Ok(true);
        }
    }
    Ok(false)
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
    let tx = ctx.app.db.inner.begin_read().map_err(dbe)?;
    let n = {
        use redb::ReadableTableMetadata;
        tx.open_table(QUEUE).map_err(dbe)?.len().map_err(dbe)?
    };
    Ok(Response::text(n.to_string()))
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
    Ok(Response::text(queue::reproduce_script(&b)).with_header(
        "Content-Disposition",
        &format!("inline; filename=\"build-{}.sh\"", b.id),
    ))
}

fn build_action(ctx: &Ctx, args: &[String], a: Action) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    require(ctx, &b.project, a)?;
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

fn eval_action(ctx: &Ctx, args: &[String], a: Action) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    require(ctx, &e.project, a)?;
    let (n, key) = match a {
        Action::Cancel => (queue::cancel_eval(ctx.app, e.id), "cancelled"),
        Action::Restart => (queue::restart_failed_eval(ctx.app, e.id), "restarted"),
        Action::Bump => (queue::bump_eval(ctx.app, e.id), "bumped"),
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
