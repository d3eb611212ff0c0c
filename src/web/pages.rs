//! HTML pages with maud. Pure: every function takes plain data and returns `Markup`, so pages
//! render in tests without a server. Forms post back without JavaScript; the Actions menu is a
//! `<details>` element.

use super::assets::CSS_PATH;
use super::url_encode as enc;
use crate::db::views::{BuildState, GridRow};
use crate::db::{self, status, Build, Eval, EvalInput, Jobset, JobsetInput, Project};
use maud::{html, Markup, DOCTYPE};
use std::collections::BTreeMap;

/// What every page header needs: who is logged in and the CSRF token for their forms.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageCtx<'a> {
    pub user: Option<&'a str>,
    pub csrf: &'a str,
    /// The path of the page (the login link brings the user back to it).
    pub here: &'a str,
}

/// A validation error of a form, shown beside the field it names (or above the form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormError {
    pub field: Option<String>,
    pub message: String,
}

impl FormError {
    /// Finds which of `fields` a validation message is about: a field named in backticks, a
    /// message starting with the field's name, or "invalid X name" for `name`.
    pub fn from_message(message: &str, fields: &[&str]) -> FormError {
        let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
        let field = quoted
            .iter()
            .find(|q| fields.contains(q))
            .copied()
            .or_else(|| {
                fields
                    .iter()
                    .copied()
                    .find(|f| message.starts_with(&format!("{f} ")))
            })
            .or_else(|| {
                (message.starts_with("invalid ")
                    && message.contains(" name `")
                    && !message.starts_with("invalid input"))
                .then_some("name")
            })
            .or_else(|| message.starts_with("input").then_some("inputs"))
            .or_else(|| {
                message
                    .contains("input `")
                    .then_some("inputs")
                    .filter(|f| fields.contains(f))
            });
        FormError {
            field: field.filter(|f| fields.contains(f)).map(String::from),
            message: message.to_string(),
        }
    }

    fn at(&self, field: &str) -> Option<&str> {
        (self.field.as_deref() == Some(field)).then_some(self.message.as_str())
    }
}

/// A form row: label (with the field's name, as error messages call it), the control, and
/// the error beside it when it is about this field.
fn row(label: &str, field: &str, err: Option<&FormError>, control: Markup) -> Markup {
    let msg = err.and_then(|e| e.at(field));
    html! {
        label.row.invalid[msg.is_some()] {
            span { (label) " " code.field { (field) } }
            (control)
        }
        @if let Some(m) = msg { div.field-error id={ "error-" (field) } { (m) } }
    }
}

/// The error above a form when it names no field of it.
fn form_error(err: Option<&FormError>) -> Markup {
    html! {
        @if let Some(e) = err.filter(|e| e.field.is_none()) { div.error #form-error { (e.message) } }
    }
}

/// An eval's members counted by state (Evaluations tab).
pub use crate::db::views::EvalCounts;

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS` UTC.
pub fn fmt_time(t: i64) -> String {
    let (y, m, d, h, mi, s) = crate::s3::sigv4::civil_from_unix(t.max(0) as u64);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

pub fn enabled_name(e: u8) -> &'static str {
    match e {
        db::JOBSET_DISABLED => "Disabled",
        db::JOBSET_ENABLED => "Enabled",
        db::JOBSET_ONE_SHOT => "One-shot",
        db::JOBSET_ONE_AT_A_TIME => "One-at-a-time",
        _ => "Unknown",
    }
}

/// "Succeeded", "Failed", …, or "Queued"/"Running" for unfinished builds.
pub fn build_state(b: &Build) -> (&'static str, &'static str) {
    if !b.finished {
        if b.busy {
            ("Running", "status-queued")
        } else {
            ("Queued", "status-queued")
        }
    } else {
        match b.buildstatus {
            Some(status::SUCCEEDED) => ("Succeeded", "status-0"),
            Some(s) => (status::name(s), "status-fail"),
            None => ("Finished", "muted"),
        }
    }
}

pub fn layout(pc: &PageCtx, title: &str, body: Markup) -> Markup {
    layout_refresh(pc, title, None, body)
}

/// `layout` with an optional `<meta http-equiv=refresh>` (live pages without JavaScript).
pub fn layout_refresh(
    pc: &PageCtx,
    title: &str,
    refresh_secs: Option<u32>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(r) = refresh_secs { meta http-equiv="refresh" content=(r); }
                title { (title) " · hydrant" }
                link rel="stylesheet" href=(CSS_PATH);
            }
            body {
                header.top {
                    a.brand href="/" { "hydrant" }
                    a href="/" { "Projects" }
                    a #nav-queue href="/queue" { "Queue" }
                    a #nav-status href="/status" { "Status" }
                    a #nav-evals href="/evals" { "Evaluations" }
                    a #nav-machines href="/machines" { "Machines" }
                    a #nav-cache href="/cache" { "Cache" }
                    form.nav-search method="get" action="/search" {
                        input type="search" name="query" placeholder="Search" aria-label="Search";
                    }
                    div.user {
                        @if let Some(u) = pc.user {
                            a #current-user href={ "/user/" (super::url_encode(u)) } { (u) }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(pc.csrf);
                                button type="submit" { "Log out" }
                            }
                        } @else {
                            a #login-link href={ "/login" @if pc.here.starts_with('/') && pc.here != "/login" { "?return=" (super::url_encode(pc.here)) } } { "Log in" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub fn error_page(pc: &PageCtx, status: u16, message: &str) -> Markup {
    let title = match status {
        400 => "Bad request",
        401 => "Not logged in",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Request too large",
        _ => "Error",
    };
    layout(
        pc,
        title,
        html! {
            h1 { (status) " " (title) }
            div.error #error-message { (message) }
            p {
                @if status == 401 || (status == 403 && pc.user.is_none()) { a href={ "/login?return=" (super::url_encode(pc.here)) } { "Log in" } " · " }
                a href="/" { "Back to the projects" }
            }
        },
    )
}

pub fn login_page(pc: &PageCtx, error: Option<&str>, back: &str) -> Markup {
    layout(
        pc,
        "Log in",
        html! {
            h1 { "Log in" }
            @if let Some(e) = error { div.error #login-error { (e) } }
            form.edit method="post" action="/login" {
                input type="hidden" name="csrf" value=(pc.csrf);
                @if !back.is_empty() { input type="hidden" name="return" value=(back); }
                label.row { "User name" input type="text" name="username" autofocus; }
                label.row { "Password" input type="password" name="password"; }
                button type="submit" { "Log in" }
            }
        },
    )
}

/// Where a login may send the browser back to: a path on this site, never another origin.
pub fn safe_return(r: &str) -> Option<&str> {
    (r.starts_with('/')
        && !r.starts_with("//")
        && !r.contains('\\')
        && !r.chars().any(|c| c.is_control())
        && r.len() <= 2048)
        .then_some(r)
}

pub fn overview(pc: &PageCtx, projects: &[Project], can_create: bool, first_run: bool) -> Markup {
    layout(
        pc,
        "Projects",
        html! {
            h1 { "Projects" }
            @if first_run {
                div.error #first-run { "No users exist yet. Open the " code { "/setup?token=…" }
                    " address the server printed at start, or run "
                    code { "hydrant user add admin --role admin" } " on the server." }
            }
            @if projects.is_empty() {
                p.muted { "No projects yet." }
            } @else {
                table #projects {
                    thead { tr { th { "Name" } th { "Display name" } th { "Description" } } }
                    tbody {
                        @for p in projects {
                            tr {
                                td { a href={ "/project/" (enc(&p.name)) } { (p.name) } }
                                td { (p.displayname) @if !p.enabled { " " span.muted { "(disabled)" } }
                                    @if !p.visible { " " span.muted.hidden-marker { "(hidden)" } } }
                                td { (p.description) }
                            }
                        }
                    }
                }
            }
            @if can_create { p { a.btn href="/create-project" { "Create project" } } }
        },
    )
}

/// `share_pct` is each jobset's scheduling shares as a % of all enabled jobsets' shares.
pub fn project_page(
    pc: &PageCtx,
    p: &Project,
    jobsets: &[(Jobset, Option<f64>)],
    can_edit: bool,
) -> Markup {
    let pn = enc(&p.name);
    layout(
        pc,
        &p.name,
        html! {
            div.crumbs { a href="/" { "Projects" } " / " (p.name) }
            h1 { (p.displayname) }
            @if !p.description.is_empty() { p { (p.description) } }
            p.muted {
                "Owner: " (p.owner)
                @if super::is_web_url(&p.homepage) { " · " a href=(p.homepage) rel="noreferrer" { "Homepage" } }
                @if !p.enabled { " · disabled" }
                @if !p.visible { " · " span.hidden-marker { "hidden" } }
                @if p.unrestricted { " · " span #unrestricted { "evaluated unrestricted" } }
            }
            @if p.is_declarative() {
                section #declarative {
                    p #declarative-source {
                        "Declarative project: its jobsets are defined by " code { (p.declfile) }
                        " in the " (p.decltype) " input " code { (p.declvalue) }
                        " (read by the jobset " a href={ "/jobset/" (pn) "/.jobsets" } { ".jobsets" } ")."
                    }
                    @if let Some(e) = &p.declerror {
                        h3 { "The declarative spec was refused" }
                        div.error #decl-error { (e) }
                        p.muted { "The jobsets below are left as they were until the spec is fixed." }
                    }
                }
            }
            h2 { "Jobsets" }
            @if jobsets.is_empty() { p.muted { "No jobsets." } } @else {
                table #jobsets {
                    thead { tr { th { "Name" } th { "Description" } th { "State" } th.num { "Shares" } th.num { "Share" } th { "Last checked" } } }
                    tbody {
                        @for (js, pct) in jobsets {
                            tr {
                                td { a href={ "/jobset/" (pn) "/" (enc(&js.name)) } { (js.name) } }
                                td { (js.description) }
                                td { (enabled_name(js.enabled)) }
                                td.num { (js.schedulingshares) }
                                td.num.share { @match pct { Some(x) => (format!("{x:.1}%")), None => "—" } }
                                td { @match js.lastcheckedtime { Some(t) => (fmt_time(t)), None => span.muted { "never" } } }
                            }
                        }
                    }
                }
            }
            @if can_edit {
                p {
                    @if !p.is_declarative() { a.btn href={ "/project/" (pn) "/create-jobset" } { "Create jobset" } " " }
                    a.btn href={ "/project/" (pn) "/edit" } { "Edit project" }
                }
                p { a.btn.danger #delete-project href={ "/project/" (pn) "/delete" } { "Delete project…" } }
            }
        },
    )
}

/// The confirmation step of a delete: what goes, and a red button that posts `confirm=yes`.
pub fn confirm_delete(pc: &PageCtx, what: &str, back: &str, consequences: &str) -> Markup {
    layout(
        pc,
        &format!("Delete {what}?"),
        html! {
            h1 { "Delete " (what) "?" }
            p #delete-consequences { (consequences) }
            form #confirm-delete method="post" action={ (back) "/delete" } {
                input type="hidden" name="csrf" value=(pc.csrf);
                input type="hidden" name="confirm" value="yes";
                button.danger type="submit" { "Delete " (what) }
                " "
                a.btn href=(back) { "Cancel" }
            }
        },
    )
}

/// `editing` is false for the create form (posting to `/project/.new`). Only `admin`s see
/// the evaluation policy fields (others' forms leave them as they are). `p` holds the values
/// shown: the project's, or what was typed when `err` sends the form back.
pub fn project_form(
    pc: &PageCtx,
    p: &Project,
    editing: bool,
    admin: bool,
    err: Option<&FormError>,
) -> Markup {
    let action = if editing {
        format!("/project/{}", enc(&p.name))
    } else {
        "/project/.new".to_string()
    };
    let title = if editing {
        format!("Edit project {}", p.name)
    } else {
        "Create project".to_string()
    };
    layout(
        pc,
        &title,
        html! {
            h1 { (title) }
            (form_error(err))
            form.edit #project-form method="post" action=(action) {
                input type="hidden" name="csrf" value=(pc.csrf);
                (row("Identifier", "name", err, html! { input type="text" name="name" value=(p.name) readonly[editing] required; }))
                (row("Display name", "displayname", err, html! { input type="text" name="displayname" value=(p.displayname) required; }))
                (row("Description", "description", err, html! { input type="text" name="description" value=(p.description); }))
                (row("Homepage", "homepage", err, html! { input type="text" name="homepage" value=(p.homepage); }))
                (row("Owner", "owner", err, html! { input type="text" name="owner" value=(p.owner) readonly[!admin]; }))
                (row("Enabled", "enabled", err, html! { input type="checkbox" name="enabled" checked[p.enabled]; }))
                (row("Visible", "visible", err, html! { input type="checkbox" name="visible" checked[p.visible]; }))
                (row("Declarative spec file (leave empty for jobsets managed here)", "declfile", err,
                    html! { input type="text" name="declfile" value=(p.declfile) placeholder="spec.json"; }))
                (row("Declarative input type", "decltype", err, html! { select name="decltype" {
                    @for t in ["git", "path"] { option value=(t) selected[p.decltype == t] { (t) } }
                } }))
                (row("Declarative input value (git URL [branch], or a path)", "declvalue", err,
                    html! { input type="text" name="declvalue" value=(p.declvalue); }))
                @if admin {
                    (row("Allowed URIs (space-separated prefixes evaluations may fetch)", "allowed_uris", err,
                        html! { input type="text" name="allowed_uris" value=(p.allowed_uris.join(" ")); }))
                    // A hidden 0 first: an unticked box sends nothing, and the last value wins.
                    input type="hidden" name="unrestricted" value="0";
                    (row("Unrestricted evaluation (may read any file on the server; logged)", "unrestricted", err,
                        html! { input type="checkbox" name="unrestricted" checked[p.unrestricted]; }))
                }
                button type="submit" { "Save" }
            }
        },
    )
}

pub struct JobsetView<'a> {
    pub jobset: &'a Jobset,
    pub inputs: &'a [JobsetInput],
    pub share_pct: Option<f64>,
    /// Page of evals, newest first, with counts and deltas.
    pub evals: &'a [EvalRow],
    pub evals_total: usize,
    pub page: usize,
    /// The Jobs tab's grid (None on other tabs).
    pub grid: Option<&'a GridView>,
    /// The newest eval (for its per-job errors).
    pub last_eval: Option<&'a Eval>,
    pub can_edit: bool,
    pub can_eval: bool,
    /// The running evaluation, if any (`eval_progress::running`).
    pub running: Markup,
    /// For a jobset of a declarative project: where it is defined (it cannot be edited here).
    pub declared_by: Option<String>,
}

pub const EVALS_PER_PAGE: usize = 20;

/// One line of the Evaluations tab.
#[derive(Debug, Clone, Default)]
pub struct EvalRow {
    pub eval: Eval,
    pub counts: EvalCounts,
    /// Counts of the eval before it, for the +/- columns (None for the first eval).
    pub prev: Option<EvalCounts>,
    /// Inputs whose revision, hash or value changed since the eval before: (name, now).
    pub changed_inputs: Vec<(String, String)>,
}

/// Jobs × the last evals of a jobset, one page of it.
#[derive(Debug, Clone, Default)]
pub struct GridView {
    /// The grid's evals, newest first.
    pub evals: Vec<u64>,
    pub rows: Vec<GridRow>,
    pub more: bool,
    /// The page starts after this job ("" = at the first).
    pub after: String,
    pub desc: bool,
    /// Jobs of the newest eval.
    pub total_jobs: u64,
}

/// Jobs per page of the grid.
pub const GRID_PAGE: usize = 500;
/// Evals (columns) of the grid.
pub const GRID_EVALS: usize = 10;

pub fn jobset_page(pc: &PageCtx, v: &JobsetView, tab: &str) -> Markup {
    let js = v.jobset;
    let base = format!("/jobset/{}/{}", enc(&js.project), enc(&js.name));
    let tabs = [
        ("evals", "Evaluations"),
        ("jobs", "Jobs"),
        ("config", "Configuration"),
    ];
    let job_errors = v.last_eval.map(|e| &e.job_errors).filter(|m| !m.is_empty());
    let eval_error = v.last_eval.and_then(|e| e.errormsg.as_deref());
    let has_errors = js.errormsg.is_some()
        || js.fetcherrormsg.is_some()
        || job_errors.is_some()
        || eval_error.is_some();
    layout(
        pc,
        &format!("{}:{}", js.project, js.name),
        html! {
            div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (enc(&js.project)) } { (js.project) } " / " (js.name) }
            h1 { "Jobset " (js.project) ":" (js.name) }
            @if !js.description.is_empty() { p { (js.description) } }
            @if let Some(d) = &v.declared_by { p.notice #declared-by { (d) } }
            @if js.triggertime.is_some() { p.muted #triggered { "An evaluation has been requested." } }
            (v.running)
            @if has_errors {
                section #eval-errors {
                    h2 { "Evaluation errors" }
                    @if let Some(e) = &js.fetcherrormsg { h3 { "Fetching inputs" } div.error { (e) } }
                    @if let Some(e) = &js.errormsg { div.error { (e) } }
                    @else if let Some(e) = eval_error { div.error { (e) } }
                    @if let Some(errs) = job_errors { (super::eval_progress::job_errors(errs)) }
                }
            }
            nav.tabbar {
                @for (id, label) in tabs {
                    a.tab.active[tab == id] href={ (base) "?tab=" (id) } { (label) }
                }
                details.actions {
                    summary { "Actions" }
                    ul {
                        @if v.can_eval {
                            li { form method="post" action={ (base) "/evaluate" } {
                                input type="hidden" name="csrf" value=(pc.csrf);
                                button type="submit" { "Evaluate" }
                            } }
                        }
                        @if v.can_edit {
                            li { a href={ (base) "/edit" } { "Edit configuration" } }
                            li { a href={ (base) "/clone" } { "Clone this jobset" } }
                        }
                        li { a href={ (base) "/reproduce" } { "Reproduce locally" } }
                        @if v.can_edit {
                            li { a.danger href={ (base) "/delete" } { "Delete this jobset…" } }
                        }
                    }
                }
            }
            @match tab {
                "jobs" => (jobs_tab(&base, v.grid)),
                "config" => (config_tab(v)),
                _ => (evals_tab(&base, v)),
            }
        },
    )
}

/// `1 build`, `2 builds`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `+3`, `−2` or nothing, as a span classed by whether the change is good.
fn delta(now: u64, before: Option<u64>, more_is_good: bool) -> Markup {
    let Some(b) = before else { return html! {} };
    let d = now as i64 - b as i64;
    let good = (d > 0) == more_is_good;
    html! {
        @if d != 0 {
            " " span class={ "delta " @if good { "status-0" } @else { "status-fail" } } {
                @if d > 0 { "+" (d) } @else { "−" (-d) }
            }
        }
    }
}

fn evals_tab(base: &str, v: &JobsetView) -> Markup {
    let pages = v.evals_total.div_ceil(EVALS_PER_PAGE).max(1);
    let js = v.jobset;
    html! {
        @if let Some(t) = js.triggertime {
            p #eval-pending { span.status-queued { "●" } " An evaluation was requested at " (fmt_time(t))
                " and is waiting or running." }
        }
        @if v.evals.is_empty() { p.muted { "No evaluations yet." } } @else {
            div.scroll {
            table #evals {
                thead { tr { th { "#" } th { "Time" } th { "Input changes" } th.num { "Builds" } th.num { "New" } th.num { "Succeeded" } th.num { "Failed" } th.num { "Queued" } } }
                tbody {
                    @for r in v.evals {
                        @let (e, c) = (&r.eval, &r.counts);
                        tr {
                            td { a href={ "/eval/" (e.id) } { (e.id) } }
                            td { (fmt_time(e.timestamp)) }
                            td.inputs { @for (n, now) in &r.changed_inputs { span.input-change title=(now) { (n) " → " code { (now.get(..12).unwrap_or(now)) } } " " } }
                            td.num { (c.total) }
                            td.num.new { (c.new) }
                            td.num.succeeded { (c.succeeded) (delta(c.succeeded, r.prev.map(|p| p.succeeded), true)) }
                            td.num.failed { (c.failed) (delta(c.failed, r.prev.map(|p| p.failed), false)) }
                            td.num.queued { (c.queued) }
                        }
                    }
                }
            }
            }
            @if pages > 1 {
                div.pager {
                    @if v.page > 1 { a href={ (base) "?tab=evals&page=" (v.page - 1) } { "« Newer" } }
                    span { "Page " (v.page) " of " (pages) " (" (v.evals_total) " evaluations)" }
                    @if v.page < pages { a href={ (base) "?tab=evals&page=" (v.page + 1) } { "Older »" } }
                }
            }
        }
    }
}

/// A grid cell's symbol, class and title.
pub fn state_symbol(s: BuildState) -> (&'static str, &'static str, &'static str) {
    match s {
        BuildState::Queued => ("…", "status-queued", "Queued"),
        BuildState::Running => ("▶", "status-queued", "Running"),
        BuildState::Finished(0) => ("✔", "status-0", "Succeeded"),
        BuildState::Finished(n @ (3 | 4 | 7 | 10)) => ("⊘", "status-aborted", status::name(n)),
        BuildState::Finished(n) => ("✘", "status-fail", status::name(n)),
    }
}

fn jobs_tab(base: &str, grid: Option<&GridView>) -> Markup {
    let Some(g) = grid else { return html! {} };
    let sort = if g.desc { "&sort=desc" } else { "" };
    let job_base = base.replacen("/jobset/", "/job/", 1);
    html! {
        @if g.rows.is_empty() { p.muted { "No jobs yet." } } @else {
            p.muted #grid-summary { (g.total_jobs) " jobs in the newest evaluation; its last " (g.evals.len()) " evaluations." }
            div.scroll {
            table #jobs .grid {
                thead { tr {
                    th { a #sort-jobs href={ (base) "?tab=jobs" @if !g.desc { "&sort=desc" } } { "Job " @if g.desc { "▲" } @else { "▼" } } }
                    @for e in &g.evals { th.eval { a href={ "/eval/" (e) } { (e) } } }
                } }
                tbody {
                    @for r in &g.rows {
                        tr {
                            td.job { a href={ (job_base) "/" (enc(&r.job)) } { (r.job) } }
                            @for (i, c) in r.cells.iter().enumerate() {
                                @match c {
                                    Some((id, st)) => {
                                        @let (sym, class, title) = state_symbol(*st);
                                        td class={ "cell " (class) @if i == 0 { " latest" } } title={ (title) } { a href={ "/build/" (id) } { (sym) } }
                                    }
                                    None => { td.cell.none.latest[i == 0] {} }
                                }
                            }
                        }
                    }
                }
            }
            }
            div.pager {
                @if !g.after.is_empty() { a href={ (base) "?tab=jobs" (sort) } { "« First" } }
                @if g.more { @if let Some(last) = g.rows.last() {
                    a #grid-next href={ (base) "?tab=jobs" (sort) "&after=" (enc(&last.job)) } { "Next »" }
                } }
            }
        }
    }
}

fn config_tab(v: &JobsetView) -> Markup {
    let js = v.jobset;
    html! {
        table #config {
            tbody {
                tr { th { "State" } td { (enabled_name(js.enabled)) } }
                tr { th { "Description" } td { (js.description) } }
                @if js.jobset_type == db::JOBSET_FLAKE {
                    tr #config-type { th { "Type" } td { "Flake" } }
                    tr #config-flake { th { "Flake" } td { code { (js.flake) } } }
                } @else {
                    tr #config-type { th { "Type" } td { "Legacy" } }
                    tr { th { "Nix expression" } td { code { (js.nixexprpath) } " in input " code { (js.nixexprinput) } } }
                }
                tr { th { "Check interval" } td { (js.checkinterval) " s" @if js.checkinterval == 0 { " (only when triggered)" } } }
                tr { th { "Scheduling shares" } td { (js.schedulingshares)
                    @if let Some(p) = v.share_pct { " (" (format!("{p:.1}%")) " of all shares)" } } }
                tr { th { "Keep evaluations" } td { (js.keepnr) } }
                tr { th { "Visible" } td { @if js.visible { "yes" } @else { "no" } } }
                tr { th { "Email notification" } td { @if js.enableemail { "yes" } @else { "no" } } }
            }
        }
        // A flake jobset's inputs are the flake's own (on each eval's Inputs tab).
        @if js.jobset_type != db::JOBSET_FLAKE || !v.inputs.is_empty() {
            h2 { "Inputs" }
            table #inputs {
                thead { tr { th { "Name" } th { "Type" } th { "Value" } } }
                tbody { @for i in v.inputs { tr { td.name { (i.name) } td { (i.kind) } td { code { (i.value) } } } } }
            }
        }
    }
}

/// Edit, create and clone form. `action` is where it posts; `name_editable` is false on edit.
pub fn jobset_form(
    pc: &PageCtx,
    title: &str,
    action: &str,
    js: &Jobset,
    inputs: &[JobsetInput],
    name_editable: bool,
    err: Option<&FormError>,
) -> Markup {
    let states = [
        (db::JOBSET_ENABLED, "Enabled"),
        (db::JOBSET_ONE_SHOT, "One-shot"),
        (db::JOBSET_ONE_AT_A_TIME, "One-at-a-time"),
        (db::JOBSET_DISABLED, "Disabled"),
    ];
    // Existing rows, then three empty ones: adding and removing rows needs no JavaScript.
    let empty = JobsetInput {
        name: String::new(),
        kind: "string".into(),
        value: String::new(),
        emailresponsible: false,
    };
    let rows: Vec<&JobsetInput> = inputs
        .iter()
        .chain(std::iter::repeat_n(&empty, 3))
        .collect();
    layout(
        pc,
        title,
        html! {
            div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (enc(&js.project)) } { (js.project) } }
            h1 { (title) }
            (form_error(err))
            form.edit #jobset-form method="post" action=(action) {
                input type="hidden" name="csrf" value=(pc.csrf);
                (row("Identifier", "name", err, html! { input type="text" name="name" value=(js.name) readonly[!name_editable] required; }))
                (row("Description", "description", err, html! { input type="text" name="description" value=(js.description); }))
                fieldset #enabled {
                    legend { "State " code.field { "enabled" } }
                    @if let Some(m) = err.and_then(|e| e.at("enabled")) { div.field-error #error-enabled { (m) } }
                    @for (n, label) in states {
                        label { input type="radio" name="enabled" value=(n) checked[js.enabled == n]; " " (label) } " "
                    }
                }
                (row("Visible", "visible", err, html! { input type="checkbox" name="visible" checked[js.visible]; }))
                // The type's radios come before both field groups, so the stylesheet shows
                // the chosen type's fields (`:checked ~`) with no JavaScript; the server reads
                // only the chosen type's fields.
                @let flake = js.jobset_type == db::JOBSET_FLAKE;
                div.type-legend { "Type " code.field { "type" } }
                input.type-radio #type-flake type="radio" name="type" value="1" checked[flake];
                label.type-choice for="type-flake" { "Flake" }
                input.type-radio #type-legacy type="radio" name="type" value="0" checked[!flake];
                label.type-choice for="type-legacy" { "Legacy" }
                @if let Some(m) = err.and_then(|e| e.at("type")) { div.field-error #error-type { (m) } }
                div.flake-fields {
                    (row("Flake URI", "flake", err, html! { input type="text" name="flake" value=(js.flake) placeholder="git+https://example.org/repo.git?ref=main"; }))
                    p.muted { "The flake's " code { "hydraJobs" } " output is evaluated; hydrant locks the flake (and its inputs) without writing into the repository." }
                }
                div.legacy-fields {
                (row("Nix expression input", "nixexprinput", err, html! { input type="text" name="nixexprinput" value=(js.nixexprinput); }))
                (row("Nix expression path", "nixexprpath", err, html! { input type="text" name="nixexprpath" value=(js.nixexprpath); }))
                }
                (row("Check interval (s, 0 = only when triggered)", "checkinterval", err, html! { input type="number" min="0" name="checkinterval" value=(js.checkinterval); }))
                (row("Scheduling shares", "schedulingshares", err, html! { input type="number" min="1" name="schedulingshares" value=(js.schedulingshares); }))
                (row("Number of evaluations to keep", "keepnr", err, html! { input type="number" min="0" name="keepnr" value=(js.keepnr); }))
                (row("Email notification", "enableemail", err, html! { input type="checkbox" name="enableemail" checked[js.enableemail]; }))
                (row("Email override", "emailoverride", err, html! { input type="text" name="emailoverride" value=(js.emailoverride); }))
                fieldset.legacy-fields {
                    legend { "Inputs" }
                    table #input-rows {
                        thead { tr { th { "Name" } th { "Type" } th { "Value" } th { "Remove" } } }
                        tbody {
                            @for (n, i) in rows.iter().enumerate() {
                                tr.input-row {
                                    td { input type="text" name={ "input-" (n) "-name" } value=(i.name); }
                                    td { select name={ "input-" (n) "-type" } {
                                        @for t in db::INPUT_TYPES { option value=(t) selected[i.kind == *t] { (t) } }
                                    } }
                                    td { input type="text" name={ "input-" (n) "-value" } value=(i.value); }
                                    td { input type="checkbox" name={ "input-" (n) "-remove" }; }
                                }
                            }
                        }
                    }
                    p.muted { "Fill an empty row to add an input; tick Remove to delete one. Save to get more empty rows." }
                    @if let Some(m) = err.and_then(|e| e.at("inputs")) { div.field-error #error-inputs { (m) } }
                }
                button type="submit" { "Save" }
            }
        },
    )
}

/// How one input differs between the compared evals.
#[derive(Debug, Clone, PartialEq)]
pub struct InputChange {
    pub name: String,
    pub kind: String,
    /// What identifies the input's content: git revision, path hash or value.
    pub now: Option<String>,
    pub before: Option<String>,
}

impl InputChange {
    pub fn changed(&self) -> bool {
        self.now != self.before
    }
}

pub fn input_identity(i: &EvalInput) -> String {
    if !i.revision.is_empty() {
        i.revision.clone()
    } else if i.sha256hash.starts_with("sha256-") {
        // A flake input's narHash (SRI form) says its kind itself.
        i.sha256hash.clone()
    } else if !i.sha256hash.is_empty() {
        format!("sha256:{}", i.sha256hash)
    } else {
        i.value.clone()
    }
}

/// Every input of either eval, by name, with its identity in each.
pub fn input_changes(cur: &Eval, prev: Option<&Eval>) -> Vec<InputChange> {
    let mut m: BTreeMap<&str, InputChange> = BTreeMap::new();
    for i in &cur.inputs {
        m.insert(
            &i.name,
            InputChange {
                name: i.name.clone(),
                kind: i.kind.clone(),
                now: Some(input_identity(i)),
                before: None,
            },
        );
    }
    for i in prev.map(|p| p.inputs.as_slice()).unwrap_or(&[]) {
        m.entry(&i.name)
            .or_insert_with(|| InputChange {
                name: i.name.clone(),
                kind: i.kind.clone(),
                now: None,
                before: None,
            })
            .before = Some(input_identity(i));
    }
    m.into_values().collect()
}

/// Evaluation errors that appeared or went away (job name, or "" for the eval as a whole).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorChanges {
    pub new: Vec<(String, String)>,
    pub fixed: Vec<(String, String)>,
    pub still: Vec<(String, String)>,
}

impl ErrorChanges {
    pub fn count(&self) -> usize {
        self.new.len() + self.fixed.len() + self.still.len()
    }
}

pub fn error_changes(cur: &Eval, prev: Option<&Eval>) -> ErrorChanges {
    let all = |e: &Eval| -> BTreeMap<String, String> {
        let mut m = e.job_errors.clone();
        if let Some(msg) = &e.errormsg {
            m.insert(String::new(), msg.clone());
        }
        m
    };
    let now = all(cur);
    let before = prev.map(all).unwrap_or_default();
    let mut c = ErrorChanges::default();
    for (k, v) in &now {
        if before.contains_key(k) {
            c.still.push((k.clone(), v.clone()));
        } else {
            c.new.push((k.clone(), v.clone()));
        }
    }
    for (k, v) in before {
        if !now.contains_key(&k) {
            c.fixed.push((k, v));
        }
    }
    c
}

/// A shell script that rebuilds the jobset's release expression with its inputs. Every value
/// is single-quoted (`sh::quote`); the directories of path and git inputs reach Nix through
/// the environment (`builtins.getEnv`), so no value is ever spliced into a Nix expression or a
/// variable name. Err names a setting the script cannot carry (an old record, a NUL byte).
pub fn reproduce_script(js: &Jobset, inputs: &[JobsetInput]) -> Result<String, String> {
    use crate::sh::{has_nul, quote as q};
    for n in [&js.project, &js.name, &js.nixexprinput] {
        if !db::valid_name(n) {
            return Err(format!("invalid name {n:?}"));
        }
    }
    if has_nul(&js.nixexprpath) {
        return Err("`nixexprpath` contains a NUL byte".into());
    }
    let mut s = format!(
        "#!/bin/sh\n# Reproduce a hydrant jobset locally. The values below are quoted for sh.\nset -eu\nproject={}\njobset={}\nwork=$(mktemp -d)\n",
        q(&js.project),
        q(&js.name)
    );
    let mut args = Vec::new();
    let mut main = None;
    for (n, i) in inputs.iter().enumerate() {
        if !db::valid_name(&i.name) {
            return Err(format!("invalid input name {:?}", i.name));
        }
        if has_nul(&i.value) {
            return Err(format!("input `{}` contains a NUL byte", i.name));
        }
        // The input's directory, for Nix to read with getEnv: a path value never becomes code.
        let var = format!("hydrant_input_{n}");
        let dir_arg = || {
            format!(
                "--arg {} {}",
                q(&i.name),
                q(&format!("{{ outPath = /. + builtins.getEnv \"{var}\"; }}"))
            )
        };
        match i.kind.as_str() {
            "git" => {
                let mut parts = i.value.split_whitespace();
                let url = parts.next().unwrap_or("");
                let branch = parts
                    .next()
                    .map(|b| format!(" --branch {}", q(b)))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "git clone --quiet{branch} -- {} \"$work/{n}\"\n{var}=\"$work/{n}\"; export {var}\n",
                    q(url),
                ));
                args.push(dir_arg());
            }
            "path" => {
                s.push_str(&format!("{var}={}; export {var}\n", q(&i.value)));
                args.push(dir_arg());
            }
            "string" => args.push(format!("--argstr {} {}", q(&i.name), q(&i.value))),
            "boolean" | "nix" => args.push(format!("--arg {} {}", q(&i.name), q(&i.value))),
            other => return Err(format!("input `{}` has unknown type {other:?}", i.name)),
        }
        if i.name == js.nixexprinput {
            main = Some(var);
        }
    }
    let main = main.ok_or_else(|| {
        format!(
            "`nixexprinput` names `{}`, which is not an input",
            js.nixexprinput
        )
    })?;
    args.push("\"$@\"".into());
    s.push_str(&format!(
        "exec nix-build \"${main}\"/{} \\\n  {}\n",
        q(&js.nixexprpath),
        args.join(" \\\n  ")
    ));
    Ok(s)
}

/// The reproduce script of a flake jobset: `nix build FLAKE#hydraJobs.JOB` at the revision
/// `eval` locked, every input pinned to that lock too (`--override-input`), so a lock file
/// missing entries is completed as it was for the eval. With no eval yet, the jobset's own
/// (unlocked) reference.
pub fn flake_reproduce_script(js: &Jobset, eval: Option<&Eval>) -> Result<String, String> {
    use crate::sh::{has_nul, quote as q};
    for n in [&js.project, &js.name] {
        if !db::valid_name(n) {
            return Err(format!("invalid name {n:?}"));
        }
    }
    let (flake, note, overrides) = match eval.and_then(|e| Some((e, e.flake.clone()?))) {
        Some((e, url)) => (
            url,
            format!("the flake as evaluation {} locked it", e.id),
            crate::eval::flake::Locked::overrides(&e.inputs),
        ),
        None => (
            js.flake.clone(),
            "the flake as the jobset names it (not evaluated yet, so not locked)".to_string(),
            Vec::new(),
        ),
    };
    crate::eval::flake::check_flake_ref(&flake)?;
    if overrides
        .iter()
        .any(|(k, v)| has_nul(k) || has_nul(v) || k.starts_with('-'))
    {
        return Err("the recorded lock has an invalid input".into());
    }
    let mut s = format!(
        "#!/bin/sh\n# Reproduce a hydrant flake jobset locally: builds hydraJobs.JOB of {note}.\n\
         # Usage: sh reproduce.sh JOB [nix build options]. The values below are quoted for sh.\n\
         set -eu\nproject={}\njobset={}\nflake={}\n",
        q(&js.project),
        q(&js.name),
        q(&flake),
    );
    s.push_str(
        "job=${1:-}\n\
         case \"$job\" in\n\
         \x20 ''|-*|*[!A-Za-z0-9_.\\'-]*)\n\
         \x20   printf 'usage: %s JOB [nix build options] (JOB as in hydraJobs, e.g. pkgs.hello)\\n' \"$0\" >&2\n\
         \x20   exit 2 ;;\n\
         esac\nshift\n",
    );
    s.push_str("exec nix --extra-experimental-features 'nix-command flakes' build --no-write-lock-file \\\n");
    for (k, v) in &overrides {
        s.push_str(&format!("  --override-input {} {} \\\n", q(k), q(v)));
    }
    s.push_str("  \"$flake#hydraJobs.$job\" \"$@\"\n");
    Ok(s)
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

pub fn job_link(b: &Build) -> Markup {
    html! {
        a href={ "/job/" (enc(&b.project)) "/" (enc(&b.jobset)) "/" (enc(&b.job)) } {
            (b.project) ":" (b.jobset) ":" (b.job)
        }
    }
}

pub fn job_link_short(b: &Build) -> Markup {
    html! { a href={ "/job/" (enc(&b.project)) "/" (enc(&b.jobset)) "/" (enc(&b.job)) } { (b.job) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homepage_links_only_for_web_urls() {
        let mut p = Project {
            name: "p".into(),
            homepage: "javascript:fetch('/x')".into(),
            ..Default::default()
        };
        let html = project_page(&PageCtx::default(), &p, &[], false).into_string();
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("Homepage"), "{html}");
        p.homepage = "https://example.org/p".into();
        let html = project_page(&PageCtx::default(), &p, &[], false).into_string();
        assert!(html.contains(r#"href="https://example.org/p""#), "{html}");
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
    fn time_format() {
        assert_eq!(fmt_time(0), "1970-01-01 00:00:00");
        assert_eq!(fmt_time(1_700_000_000), "2023-11-14 22:13:20");
    }

    #[test]
    fn jobset_page_has_actions_menu() {
        let js = Jobset::new("p", "j");
        let v = JobsetView {
            jobset: &js,
            inputs: &[],
            share_pct: Some(50.0),
            evals: &[],
            evals_total: 0,
            page: 1,
            grid: None,
            last_eval: None,
            can_edit: true,
            can_eval: true,
            running: html! {},
            declared_by: None,
        };
        let html = jobset_page(&PageCtx::default(), &v, "config").into_string();
        assert!(html.contains("<details class=\"actions\">"), "{html}");
        for a in [
            "Evaluate",
            "Edit configuration",
            "Clone this jobset",
            "Reproduce locally",
            "Delete this jobset…",
        ] {
            assert!(html.contains(a), "{a}");
        }
        assert!(html.contains("50.0%"));
    }
}
