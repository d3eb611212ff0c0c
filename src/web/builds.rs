//! Builds: the build page (summary, outputs, cache, live log, actions), its JSON, the log and
//! reproduce endpoints, and the cancel/restart/bump actions.

use super::api;
use super::common::*;
use super::pages::{
    self, build_state, fmt_duration, fmt_size, fmt_time, job_link, job_link_short, PageCtx,
};
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::app::App;
use crate::db::{self, Build, BuildStep, EvalInput};
use crate::nix::store_path::StorePath;
use crate::perm;
use crate::queue;
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/build/:n", build_get),
    r("GET", "/build/:n/log/raw", build_log_raw),
    r("GET", "/build/:n/log/tail", build_log_tail),
    r("GET", "/build/:n/reproduce", build_reproduce),
    r("POST", "/build/:n/cancel", build_cancel),
    r("POST", "/build/:n/restart", build_restart),
    r("POST", "/build/:n/bump", build_bump),
    // Hydra's tests send actions as PUT; GET never changes state.
    r("PUT", "/build/:n/cancel", build_cancel),
    r("PUT", "/build/:n/restart", build_restart),
    r("PUT", "/build/:n/bump", build_bump),
];

/// The build page shows this much of the log's end.
pub const LOG_TAIL_BYTES: usize = 64 * 1024;
/// While a build runs its page reloads itself every this many seconds (live log, no JS).
pub const REFRESH_SECS: u32 = 5;

fn build_evals(app: &App, b: &Build) -> Result<Vec<u64>, HttpError> {
    Ok(app.db.build_evals(b)?)
}

/// Hydra's build JSON with the full list of evals and the build's products.
pub fn build_json_full(app: &App, b: &Build) -> Result<Value, HttpError> {
    let mut v = build_json_listed(app, b)?;
    v["jobsetevals"] = json!(build_evals(app, b)?);
    Ok(v)
}

/// Hydra's build JSON with the build's products and release name (one point lookup).
pub fn build_json_listed(app: &App, b: &Build) -> Result<Value, HttpError> {
    let mut v = api::build_json(b);
    let (products, release) = products_of(app, b)?;
    v["buildproducts"] = api::products_json(&products);
    v["releasename"] = json!(release);
    Ok(v)
}

/// A build's products: what its outputs declared, then a `nix-build` product per output,
/// for a build that finished with output (Hydra's products exist only for those).
pub fn products_of(
    app: &App,
    b: &Build,
) -> Result<(Vec<crate::nix::products::BuildProduct>, Option<String>), HttpError> {
    use crate::db::status::{FAILED_WITH_OUTPUT, SUCCEEDED};
    if !b.finished || !matches!(b.buildstatus, Some(SUCCEEDED | FAILED_WITH_OUTPUT)) {
        return Ok((Vec::new(), None));
    }
    let declared = app.db.build_products(b.id)?;
    let mut products = declared.products;
    let next = products.len() as u32 + 1;
    products.extend(crate::nix::products::nix_build_products(&b.outputs, next));
    Ok((products, declared.releasename))
}

/// Everything the build page shows.
pub struct BuildView<'a> {
    pub build: &'a Build,
    pub evals: &'a [u64],
    /// The end of the log, if there is one.
    pub log_tail: Option<&'a str>,
    /// Where that log is from when it is not the build's own (see `log_elsewhere`).
    pub log_from: Option<String>,
    pub allowed: Allowed,
    pub now: i64,
    pub tab: &'a str,
    pub extra: &'a BuildExtras,
}

/// What the other tabs show; each is filled only for its own tab (they cost a Nix query).
#[derive(Debug, Clone, Default)]
pub struct BuildExtras {
    pub attempts: Vec<queue::log::Attempt>,
    pub steps: Vec<BuildStep>,
    /// The inputs of the eval that made the build.
    pub eval_inputs: Vec<EvalInput>,
    /// Output name, path, NAR size when valid.
    pub output_sizes: Vec<(String, String, Option<u64>)>,
    /// Runtime closure of the outputs and build-time closure of the derivation: (path, NAR
    /// size), or why Nix could not tell.
    pub runtime: Option<Result<Vec<(String, u64)>, String>>,
    pub buildtime: Option<Result<Vec<(String, u64)>, String>>,
    pub used_by: Option<Result<Vec<Build>, String>>,
    /// An aggregate's constituent builds, by job name (empty for other builds).
    pub constituents: Vec<Build>,
}

/// The build page's tabs: query value and title.
pub const BUILD_TABS: [(&str, &str); 7] = [
    ("summary", "Summary"),
    ("constituents", "Constituents"),
    ("details", "Details"),
    ("inputs", "Inputs"),
    ("steps", "Build steps"),
    ("deps", "Runtime and build dependencies"),
    ("usedby", "Used by"),
];

/// Rows a dependency list shows at most.
pub const DEPS_SHOWN: usize = 2000;

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
        nav.tabbar.wrap #build-tabs {
            @for (k, title) in BUILD_TABS {
                @if k == "constituents" && v.extra.constituents.is_empty() { }
                @else { a.tab.active[v.tab == k] id={ "tab-" (k) } href={ (base) "?tab=" (k) } { (title)
                    @if k == "steps" && !v.extra.steps.is_empty() { " (" (v.extra.steps.len()) ")" } } }
            }
        }
        @match v.tab {
            "details" => (details_tab(v)),
            "inputs" => (inputs_tab(v)),
            "steps" => (steps_tab(v)),
            "deps" => (deps_tab(v)),
            "usedby" => (used_by_tab(v)),
            "constituents" => (constituents_tab(v)),
            _ => (summary_tab(v, &base, running, (label, class), duration.as_deref())),
        }
    };
    pages::layout_refresh(
        pc,
        &format!("Build {}", b.id),
        (!b.finished && v.tab == "summary").then_some(REFRESH_SECS),
        body,
    )
}

fn summary_tab(
    v: &BuildView,
    base: &str,
    running: bool,
    (label, class): (&str, &str),
    duration: Option<&str>,
) -> Markup {
    let b = v.build;
    html! {
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
                @if !v.extra.constituents.is_empty() {
                    tr { th { "Constituents" } td #build-constituents-summary {
                        a href={ (base) "?tab=constituents" } { (constituents_summary(&v.extra.constituents)) } } }
                }
                tr { th { "Evaluations" } td #build-evals { @for (i, e) in v.evals.iter().enumerate() {
                    @if i > 0 { ", " } a href={ "/eval/" (e) } { (e) } } } }
                tr { th { "System" } td { (b.system) } }
                tr { th { "Nix name" } td { (b.nixname) } }
                tr { th { "Derivation" } td { code #drvpath { (b.drvpath) } } }
                tr { th { "Priority" } td { (b.priority) @if b.globalpriority > 0 { " (bumped to the front)" } } }
                tr { th { "Queued at" } td { (fmt_time(b.timestamp)) } }
                @if let Some(t) = b.starttime { tr { th { "Started" } td { (fmt_time(t)) } } }
                @if let Some(t) = b.stoptime.filter(|_| b.finished) { tr { th { "Stopped" } td { (fmt_time(t)) } } }
                @if let Some(d) = duration { tr { th { "Duration" } td #duration { (d) } } }
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
            Some(t) if !t.is_empty() => {
                @if let Some(from) = &v.log_from { p.muted #log-from { (from) } }
                pre.log #log { (t) }
            },
            _ => p.muted #no-log { @if b.finished { "No log was kept for this build." } @else if running { "No output yet." } @else { "The build has not started yet." } },
        }
        @if !v.extra.attempts.is_empty() {
            h2 #attempts-heading { "Earlier attempts" }
            table #attempts {
                thead { tr { th { "Attempt" } th { "Status" } th { "Started" } th { "Stopped" } th { "Log" } } }
                tbody {
                    @for a in &v.extra.attempts {
                        tr {
                            td { (a.nr) }
                            td class={ "status " (attempt_class(a.status)) } { (a.status.map(db::status::name).unwrap_or("Unknown")) }
                            td { @if let Some(t) = a.starttime { (fmt_time(t)) } }
                            td { @if let Some(t) = a.stoptime { (fmt_time(t)) } }
                            td { @if a.has_log { a.attempt-log href={ (base) "/log/raw?attempt=" (a.nr) } { "log" } } @else { span.muted { "none" } } }
                        }
                    }
                }
            }
            @if v.log_from.is_none() {
                p.muted { "This is attempt " (v.extra.attempts.len() + 1) "; the log above is its own." }
            }
        }
    }
}

fn attempt_class(s: Option<i32>) -> &'static str {
    match s {
        Some(0) => "status-0",
        _ => "status-fail",
    }
}

fn details_tab(v: &BuildView) -> Markup {
    let b = v.build;
    let machine = v
        .extra
        .steps
        .iter()
        .rev()
        .map(|s| s.machine.as_str())
        .find(|m| !m.is_empty());
    html! {
        table #build-details {
            tbody {
                tr { th { "Derivation" } td { code #drvpath { (b.drvpath) } } }
                tr { th { "System" } td { (b.system) } }
                tr { th { "Machine" } td #machine { @match machine { Some(m) => (m), None => span.muted { @if b.iscachedbuild { "none (cached)" } @else { "localhost" } } } } }
                tr { th { "Nix name" } td { (b.nixname) } }
                tr { th { "Timeout" } td { @if b.timeout > 0 { (fmt_duration(b.timeout as i64)) } @else { "none" } } }
                tr { th { "Max silent time" } td { @if b.maxsilent > 0 { (fmt_duration(b.maxsilent as i64)) } @else { "none" } } }
                tr { th { "Priority" } td { (b.priority) @if b.globalpriority > 0 { " (bumped to the front)" } } }
                tr { th { "Created by evaluation" } td { a href={ "/eval/" (b.eval) } { (b.eval) } } }
                tr { th { "In evaluations" } td #build-evals-details { @for (i, e) in v.evals.iter().enumerate() {
                    @if i > 0 { ", " } a href={ "/eval/" (e) } { (e) } } } }
                @if !b.license.is_empty() { tr { th { "License" } td { (b.license) } } }
                @if !b.maintainers.is_empty() { tr { th { "Maintainers" } td { (b.maintainers) } } }
                @if let Some(from) = b.cached_from { tr { th { "Cached from" } td { "build " a href={ "/build/" (from) } { (from) } } } }
            }
        }
        h2 { "Outputs" }
        table #output-sizes {
            thead { tr { th { "Output" } th { "Path" } th.num { "Size" } } }
            tbody {
                @for (n, p, size) in &v.extra.output_sizes {
                    tr { td { (n) } td { code { (p) } } td.num { @match size { Some(s) => (fmt_size(*s)), None => span.muted { "not in the store" } } } }
                }
            }
        }
    }
}

fn inputs_tab(v: &BuildView) -> Markup {
    html! {
        p.muted { "The inputs of evaluation " a href={ "/eval/" (v.build.eval) } { (v.build.eval) } ", which made this build." }
        table #build-inputs {
            thead { tr { th { "Name" } th { "Type" } th { "Value" } th { "Revision or hash" } } }
            tbody {
                @for i in &v.extra.eval_inputs {
                    tr { td.name { (i.name) } td { (i.kind) } td { code { (i.value) } }
                        td { code { @if !i.revision.is_empty() { (i.revision) } @else { (i.sha256hash) } } } }
                }
            }
        }
    }
}

fn steps_tab(v: &BuildView) -> Markup {
    html! {
        @if v.extra.steps.is_empty() { p.muted #no-steps { "No steps recorded for this build." } } @else {
            div.scroll {
            table #build-steps {
                thead { tr { th { "#" } th { "Derivation" } th { "Machine" } th { "Status" } th.num { "Duration" } th { "Log" } } }
                tbody {
                    @for s in &v.extra.steps {
                        tr {
                            td { (s.nr) }
                            td { code { (s.drvpath) } @if s.steptype == 1 { " " span.muted { "(substituted)" } } }
                            td { @if s.machine.is_empty() { "localhost" } @else { (s.machine) } }
                            td class={ "status " (attempt_class(s.status)) } { @match s.status { Some(st) => (db::status::name(st)), None => "Running" } }
                            td.num { @if let (Some(a), Some(e)) = (s.starttime, s.stoptime) { (fmt_duration(e - a)) } }
                            td { a.step-log href=(format!("/build/{}/nixlog/{}", s.build, s.nr)) { "log" } }
                        }
                        @if let Some(e) = &s.errormsg { tr { td {} td colspan="5" { div.error { (e) } } } }
                    }
                }
            }
            }
        }
    }
}

fn path_list(id: &str, title: &str, list: &Option<Result<Vec<(String, u64)>, String>>) -> Markup {
    html! {
        h2 { (title) }
        @match list {
            None => {},
            Some(Err(e)) => { p.muted id={ (id) "-error" } { (e) } },
            Some(Ok(l)) => {
                p.muted { (l.len()) " paths, " (fmt_size(l.iter().map(|(_, s)| s).sum())) " in all" }
                div.scroll {
                table id=(id) {
                    thead { tr { th { "Path" } th.num { "Size" } } }
                    tbody { @for (p, s) in l.iter().take(DEPS_SHOWN) { tr { td { code { (p) } } td.num { (fmt_size(*s)) } } } }
                }
                }
            }
        }
    }
}

fn deps_tab(v: &BuildView) -> Markup {
    html! {
        (path_list("runtime-deps", "Runtime dependencies (closure of the outputs)", &v.extra.runtime))
        (path_list("build-deps", "Build dependencies (closure of the derivation)", &v.extra.buildtime))
    }
}

/// Hydra's line for an aggregate: all succeeded, or how many failed (and are still pending).
pub fn constituents_summary(cs: &[Build]) -> String {
    let n = cs.len();
    let finished = cs.iter().filter(|c| c.finished).count();
    let failed = cs
        .iter()
        .filter(|c| c.finished && c.buildstatus != Some(db::status::SUCCEEDED))
        .count();
    let mut s = if finished == n && failed == 0 {
        format!("all {n} constituent builds succeeded")
    } else {
        format!("{failed} out of {n} constituent builds failed")
    };
    if finished < n {
        s.push_str(&format!(" ({} still pending)", n - finished));
    }
    s
}

fn constituents_tab(v: &BuildView) -> Markup {
    html! {
        @if v.extra.constituents.is_empty() {
            p.muted #constituents-none { "This build is not an aggregate." }
        } @else {
            p { "This build is an aggregate of the following builds:" }
            table #constituents {
                thead { tr { th { "#" } th { "Job" } th { "Nix name" } th { "System" } th { "Status" } } }
                tbody { @for c in &v.extra.constituents {
                    @let (label, class) = build_state(c);
                    // Same project and jobset as the aggregate: the job name alone, as Hydra.
                    tr { td { a href={ "/build/" (c.id) } { (c.id) } }
                         td.job { a href={ "/job/" (enc(&c.project)) "/" (enc(&c.jobset)) "/" (enc(&c.job)) } { (c.job) } }
                         td { (c.nixname) } td { (c.system) } td class={ "status " (class) } { (label) } }
                } }
            }
        }
    }
}

fn used_by_tab(v: &BuildView) -> Markup {
    html! {
        p.muted { "Other builds whose outputs' closure holds an output of this build." }
        @match &v.extra.used_by {
            None => {},
            Some(Err(e)) => { p.muted #used-by-error { (e) } },
            Some(Ok(l)) if l.is_empty() => { p.muted #used-by-none { "No other build uses it." } },
            Some(Ok(l)) => {
                table #used-by {
                    thead { tr { th { "#" } th { "Job" } th { "Status" } } }
                    tbody { @for u in l {
                        @let (label, class) = build_state(u);
                        tr { td { a href={ "/build/" (u.id) } { (u.id) } } td.job { (job_link(u)) } td class={ "status " (class) } { (label) } }
                    } }
                }
            }
        }
    }
}

/// (path, NAR size) of each path, sorted by size, largest first.
fn sized(app: &App, paths: &[StorePath]) -> Result<Vec<(String, u64)>, String> {
    let infos = app.nix.path_infos(paths).map_err(|e| e.to_string())?;
    let mut v: Vec<(String, u64)> = infos
        .into_iter()
        .map(|i| (i.path.to_string(), i.nar_size))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(v)
}

/// The outputs of a build that are valid in the store.
fn valid_outputs(app: &App, b: &Build) -> Vec<StorePath> {
    b.outputs
        .values()
        .filter_map(|p| app.nix.parse_path(p).ok())
        .filter(|p| app.nix.is_valid(p).unwrap_or(false))
        .collect()
}

fn extras(ctx: &Ctx, b: &Build, tab: &str) -> Result<BuildExtras, HttpError> {
    let app = ctx.app;
    let constituents = app.db.build_constituents(b.id)?;
    let mut x = BuildExtras {
        steps: app.db.build_steps(b.id)?,
        constituents,
        ..Default::default()
    };
    match tab {
        "summary" => x.attempts = queue::log_attempts(app, b.id),
        "details" => {
            for (n, p) in &b.outputs {
                let size = app
                    .nix
                    .parse_path(p)
                    .ok()
                    .filter(|sp| app.nix.is_valid(sp).unwrap_or(false))
                    .and_then(|sp| app.nix.path_info(&sp).ok())
                    .map(|i| i.nar_size);
                x.output_sizes.push((n.clone(), p.clone(), size));
            }
        }
        "inputs" => {
            x.eval_inputs = app.db.eval(b.eval)?.map(|e| e.inputs).unwrap_or_default();
        }
        "deps" => {
            let outs = valid_outputs(app, b);
            x.runtime = Some(if outs.is_empty() {
                Err("The outputs are not in the store (not built yet, or collected).".into())
            } else {
                app.nix
                    .closure(&outs)
                    .map_err(|e| e.to_string())
                    .and_then(|c| sized(app, &c))
            });
            x.buildtime = Some(match app.nix.parse_path(&b.drvpath) {
                Ok(drv) if app.nix.is_valid(&drv).unwrap_or(false) => app
                    .nix
                    .closure(std::slice::from_ref(&drv))
                    .map_err(|e| e.to_string())
                    .and_then(|c| sized(app, &c)),
                _ => Err("The derivation is not in the store.".into()),
            });
        }
        "usedby" => {
            let outs = valid_outputs(app, b);
            x.used_by = Some(if outs.is_empty() {
                Err("The outputs are not in the store (not built yet, or collected).".into())
            } else {
                match app.nix.referrers_closure(&outs) {
                    Ok(paths) => {
                        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
                        Ok(app.db.builds_with_outputs(&paths, b.id, 200)?)
                    }
                    Err(e) => Err(e.to_string()),
                }
            });
        }
        _ => {}
    }
    Ok(x)
}

fn build_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    if ctx.wants_json() {
        return Ok(Response::json(&build_json_full(ctx.app, &b)?));
    }
    let tab = match ctx.req.query_param("tab") {
        None | Some("") => "summary",
        Some(t) => BUILD_TABS
            .iter()
            .map(|(k, _)| *k)
            .find(|k| *k == t)
            .ok_or_else(|| HttpError::bad_request(format!("no tab `{t}` on a build page")))?,
    };
    let evals = build_evals(ctx.app, &b)?;
    let (tail, log_from) = if tab == "summary" {
        let (tail, from) = log_tail_any(ctx, &b)?;
        (tail, from.map(|f| f.describe()))
    } else {
        (None, None)
    };
    let extra = extras(ctx, &b, tab)?;
    let view = BuildView {
        build: &b,
        evals: &evals,
        log_tail: tail.as_deref(),
        log_from,
        allowed: allowed(ctx, &b.project)?,
        now: db::now(),
        tab,
        extra: &extra,
    };
    Ok(Response::html(build_page(&ctx.page(), &view)))
}

fn no_log(id: u64) -> HttpError {
    HttpError::not_found(format!("build {id} has no log (yet)"))
}

fn build_log_raw(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    if let Some(a) = ctx.req.query_param("attempt").filter(|a| !a.is_empty()) {
        let n: u32 = a.parse().map_err(|_| {
            HttpError::bad_request(format!("`attempt` must be a number, not `{a}`"))
        })?;
        let log = queue::log_read_attempt(ctx.app, b.id, n)
            .map_err(queue_err)?
            .ok_or_else(|| {
                HttpError::not_found(format!("build {} has no log of attempt {n}", b.id))
            })?;
        return Ok(Response::new(200, "text/plain; charset=utf-8", log));
    }
    let log = match queue::log_read(ctx.app, b.id).map_err(queue_err)? {
        Some(log) => log,
        None => {
            let log = match log_elsewhere(ctx, &b) {
                Some(LogFrom::Attempt(n)) => queue::log_read_attempt(ctx.app, b.id, n),
                Some(LogFrom::Build(f)) => queue::log_read(ctx.app, f),
                None => Ok(None),
            };
            log.map_err(queue_err)?.ok_or_else(|| no_log(b.id))?
        }
    };
    Ok(Response::new(200, "text/plain; charset=utf-8", log))
}

/// Where a build's log is when it has none of its own.
enum LogFrom {
    /// Its own earlier attempt N.
    Attempt(u32),
    /// The build whose outputs it found valid.
    Build(u64),
}

impl LogFrom {
    fn describe(&self) -> String {
        let what = match self {
            LogFrom::Attempt(n) => format!("attempt {n}'s"),
            LogFrom::Build(f) => format!("that of build {f}, which built them"),
        };
        format!(
            "This attempt built nothing: its outputs were already valid. The log below is {what}."
        )
    }
}

/// For a build that finished without building (its outputs were already valid: Hydra's
/// cached build) and has no log of its own: the log that made those outputs, which is its
/// newest earlier attempt that ended with outputs and kept a log, else that of the build it
/// was cached from. A build that ran, failed or was cancelled shows no other build's log.
fn log_elsewhere(ctx: &Ctx, b: &db::Build) -> Option<LogFrom> {
    if !b.finished || !b.iscachedbuild {
        return None;
    }
    let made = |s: Option<i32>| {
        matches!(
            s,
            Some(db::status::SUCCEEDED | db::status::FAILED_WITH_OUTPUT)
        )
    };
    if let Some(a) = queue::log_attempts(ctx.app, b.id)
        .iter()
        .rev()
        .find(|a| a.has_log && made(a.status))
    {
        return Some(LogFrom::Attempt(a.nr));
    }
    b.cached_from
        .filter(|&f| f != 0 && f != b.id)
        .map(LogFrom::Build)
}

/// The end of the build's own log, or else of the log `log_elsewhere` names (and which).
fn log_tail_any(ctx: &Ctx, b: &db::Build) -> Result<(Option<String>, Option<LogFrom>), HttpError> {
    if let Some(t) = queue::log_tail(ctx.app, b.id, LOG_TAIL_BYTES).map_err(queue_err)? {
        return Ok((Some(t), None));
    }
    let Some(from) = log_elsewhere(ctx, b) else {
        return Ok((None, None));
    };
    let tail = match from {
        LogFrom::Attempt(n) => queue::log_tail_attempt(ctx.app, b.id, n, LOG_TAIL_BYTES),
        LogFrom::Build(f) => queue::log_tail(ctx.app, f, LOG_TAIL_BYTES),
    }
    .map_err(queue_err)?;
    Ok((tail, Some(from)))
}

fn build_log_tail(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let b = load_build(ctx, args)?;
    let t = log_tail_any(ctx, &b)?.0.ok_or_else(|| no_log(b.id))?;
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
    fn build_page_shows_actions_by_permission_and_refreshes_while_unfinished() {
        let mut b = build();
        b.busy = true;
        b.starttime = Some(100);
        let v = BuildView {
            build: &b,
            evals: &[3],
            log_tail: Some("building hello\n"),
            log_from: None,
            allowed: Allowed {
                cancel: true,
                restart: true,
                bump: false,
            },
            now: 130,
            tab: "summary",
            extra: &BuildExtras::default(),
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
            log_from: None,
            allowed: Allowed::default(),
            now: 130,
            tab: "summary",
            extra: &BuildExtras::default(),
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
}
