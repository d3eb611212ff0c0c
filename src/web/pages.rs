//! HTML pages with maud. Pure: every function takes plain data and returns `Markup`, so pages
//! render in tests without a server. Forms post back without JavaScript; the Actions menu is a
//! `<details>` element.

use super::assets::CSS_PATH;
use super::url_encode as enc;
use crate::db::{self, status, Build, Eval, Jobset, JobsetInput, Project};
use maud::{html, Markup, DOCTYPE};

/// What every page header needs: who is logged in and the CSRF token for their forms.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageCtx<'a> {
    pub user: Option<&'a str>,
    pub csrf: &'a str,
}

/// An eval's members counted by state (Evaluations tab).
pub use crate::db::views::EvalCounts;

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS` UTC.
pub fn fmt_time(t: i64) -> String {
    let days = t.div_euclid(86400);
    let secs = t.rem_euclid(86400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
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
                    a #nav-cache href="/cache" { "Cache" }
                    div.user {
                        @if let Some(u) = pc.user {
                            a #current-user href={ "/user/" (super::url_encode(u)) } { (u) }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(pc.csrf);
                                button type="submit" { "Log out" }
                            }
                        } @else {
                            a href="/login" { "Log in" }
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
                @if status == 401 { a href="/login" { "Log in" } " · " }
                a href="/" { "Back to the projects" }
            }
        },
    )
}

pub fn login_page(pc: &PageCtx, error: Option<&str>) -> Markup {
    layout(
        pc,
        "Log in",
        html! {
            h1 { "Log in" }
            @if let Some(e) = error { div.error { (e) } }
            form.edit method="post" action="/login" {
                input type="hidden" name="csrf" value=(pc.csrf);
                label.row { "User name" input type="text" name="username" autofocus; }
                label.row { "Password" input type="password" name="password"; }
                button type="submit" { "Log in" }
            }
        },
    )
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
                                td { (p.displayname) @if !p.enabled { " " span.muted { "(disabled)" } } }
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
                @if p.unrestricted { " · " span #unrestricted { "evaluated unrestricted" } }
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
                    a.btn href={ "/project/" (pn) "/create-jobset" } { "Create jobset" } " "
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

/// `existing` is None for the create form (posting to `/project/.new`). Only `admin`s see the
/// evaluation policy fields (others' forms leave them as they are).
pub fn project_form(pc: &PageCtx, existing: Option<&Project>, admin: bool) -> Markup {
    let p = existing.cloned().unwrap_or(Project {
        enabled: true,
        visible: true,
        ..Default::default()
    });
    let action = match existing {
        Some(p) => format!("/project/{}", enc(&p.name)),
        None => "/project/.new".to_string(),
    };
    let title = if existing.is_some() {
        format!("Edit project {}", p.name)
    } else {
        "Create project".to_string()
    };
    layout(
        pc,
        &title,
        html! {
            h1 { (title) }
            form.edit method="post" action=(action) {
                input type="hidden" name="csrf" value=(pc.csrf);
                label.row { "Identifier" input type="text" name="name" value=(p.name) readonly[existing.is_some()] required; }
                label.row { "Display name" input type="text" name="displayname" value=(p.displayname) required; }
                label.row { "Description" input type="text" name="description" value=(p.description); }
                label.row { "Homepage" input type="text" name="homepage" value=(p.homepage); }
                label.row { "Owner" input type="text" name="owner" value=(p.owner); }
                label.row { "Enabled" input type="checkbox" name="enabled" checked[p.enabled]; }
                label.row { "Visible" input type="checkbox" name="visible" checked[p.visible]; }
                @if admin {
                    label.row { "Allowed URIs (space-separated prefixes evaluations may fetch)"
                        input type="text" name="allowed_uris" value=(p.allowed_uris.join(" ")); }
                    // A hidden 0 first: an unticked box sends nothing, and the last value wins.
                    input type="hidden" name="unrestricted" value="0";
                    label.row { "Unrestricted evaluation (may read any file on the server; logged)"
                        input type="checkbox" name="unrestricted" checked[p.unrestricted]; }
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
    /// Page of evals, newest first, with counts.
    pub evals: &'a [(Eval, EvalCounts)],
    pub evals_total: usize,
    pub page: usize,
    pub latest_builds: &'a [Build],
    /// The newest eval (for its per-job errors).
    pub last_eval: Option<&'a Eval>,
    pub can_edit: bool,
    pub can_eval: bool,
    /// The running evaluation, if any (`eval_progress::running`).
    pub running: Markup,
}

pub const EVALS_PER_PAGE: usize = 20;

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
                "jobs" => (jobs_tab(v.latest_builds)),
                "config" => (config_tab(v)),
                _ => (evals_tab(&base, v)),
            }
        },
    )
}

fn evals_tab(base: &str, v: &JobsetView) -> Markup {
    let pages = v.evals_total.div_ceil(EVALS_PER_PAGE).max(1);
    html! {
        @if v.evals.is_empty() { p.muted { "No evaluations yet." } } @else {
            table #evals {
                thead { tr { th { "#" } th { "Time" } th.num { "Builds" } th.num { "New" } th.num { "Succeeded" } th.num { "Failed" } th.num { "Queued" } } }
                tbody {
                    @for (e, c) in v.evals {
                        tr {
                            td { a href={ "/eval/" (e.id) } { (e.id) } }
                            td { (fmt_time(e.timestamp)) }
                            td.num { (c.total) }
                            td.num.new { (c.new) }
                            td.num.succeeded { (c.succeeded) }
                            td.num.failed { (c.failed) }
                            td.num.queued { (c.queued) }
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

fn builds_table(id: &str, builds: &[Build], new_flags: Option<&[bool]>) -> Markup {
    html! {
        table id=(id) {
            thead { tr { th { "#" } th { "Job" } th { "Status" } th { "System" } th { "Name" } @if new_flags.is_some() { th { "New" } } } }
            tbody {
                @for (i, b) in builds.iter().enumerate() {
                    @let (label, class) = build_state(b);
                    tr {
                        td { a href={ "/build/" (b.id) } { (b.id) } }
                        td.job { (b.job) }
                        td class={ "status " (class) } { (label) }
                        td { (b.system) }
                        td { (b.nixname) }
                        @if let Some(f) = new_flags { td { @if f.get(i).copied().unwrap_or(false) { "yes" } } }
                    }
                }
            }
        }
    }
}

fn jobs_tab(builds: &[Build]) -> Markup {
    html! {
        @if builds.is_empty() { p.muted { "No jobs yet." } } @else { (builds_table("jobs", builds, None)) }
    }
}

fn config_tab(v: &JobsetView) -> Markup {
    let js = v.jobset;
    html! {
        table #config {
            tbody {
                tr { th { "State" } td { (enabled_name(js.enabled)) } }
                tr { th { "Description" } td { (js.description) } }
                tr { th { "Nix expression" } td { code { (js.nixexprpath) } " in input " code { (js.nixexprinput) } } }
                tr { th { "Check interval" } td { (js.checkinterval) " s" @if js.checkinterval == 0 { " (only when triggered)" } } }
                tr { th { "Scheduling shares" } td { (js.schedulingshares)
                    @if let Some(p) = v.share_pct { " (" (format!("{p:.1}%")) " of all shares)" } } }
                tr { th { "Keep evaluations" } td { (js.keepnr) } }
                tr { th { "Visible" } td { @if js.visible { "yes" } @else { "no" } } }
                tr { th { "Email notification" } td { @if js.enableemail { "yes" } @else { "no" } } }
            }
        }
        h2 { "Inputs" }
        table #inputs {
            thead { tr { th { "Name" } th { "Type" } th { "Value" } } }
            tbody { @for i in v.inputs { tr { td.name { (i.name) } td { (i.kind) } td { code { (i.value) } } } } }
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
            form.edit #jobset-form method="post" action=(action) {
                input type="hidden" name="csrf" value=(pc.csrf);
                label.row { "Identifier" input type="text" name="name" value=(js.name) readonly[!name_editable] required; }
                label.row { "Description" input type="text" name="description" value=(js.description); }
                fieldset #enabled {
                    legend { "State" }
                    @for (n, label) in states {
                        label { input type="radio" name="enabled" value=(n) checked[js.enabled == n]; " " (label) } " "
                    }
                }
                label.row { "Visible" input type="checkbox" name="visible" checked[js.visible]; }
                label.row { "Nix expression input" input type="text" name="nixexprinput" value=(js.nixexprinput) required; }
                label.row { "Nix expression path" input type="text" name="nixexprpath" value=(js.nixexprpath) required; }
                label.row { "Check interval (s, 0 = only when triggered)" input type="number" min="0" name="checkinterval" value=(js.checkinterval); }
                label.row { "Scheduling shares" input type="number" min="1" name="schedulingshares" value=(js.schedulingshares); }
                label.row { "Number of evaluations to keep" input type="number" min="0" name="keepnr" value=(js.keepnr); }
                label.row { "Email notification" input type="checkbox" name="enableemail" checked[js.enableemail]; }
                label.row { "Email override" input type="text" name="emailoverride" value=(js.emailoverride); }
                fieldset {
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
                }
                button type="submit" { "Save" }
            }
        },
    )
}

pub fn eval_page(pc: &PageCtx, e: &Eval, builds: &[(Build, bool)]) -> Markup {
    eval_page_with_actions(pc, e, builds, html! {})
}

/// The eval page with action buttons (cancel/restart/bump forms) under the title.
pub fn eval_page_with_actions(
    pc: &PageCtx,
    e: &Eval,
    builds: &[(Build, bool)],
    actions: Markup,
) -> Markup {
    let (bs, news): (Vec<Build>, Vec<bool>) = builds.iter().cloned().unzip();
    layout(
        pc,
        &format!("Evaluation {}", e.id),
        html! {
            div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (enc(&e.project)) } { (e.project) }
                " / " a href={ "/jobset/" (enc(&e.project)) "/" (enc(&e.jobset)) } { (e.jobset) } }
            h1 { "Evaluation " (e.id) }
            (actions)
            p.muted { (fmt_time(e.timestamp)) " · checkout " (e.checkouttime) " s · eval " (e.evaltime) " s · "
                (e.nrbuilds) " builds" @if e.hasnewbuilds { ", some new" } }
            @if let Some(m) = &e.errormsg { div.error { (m) } }
            @if !e.job_errors.is_empty() {
                h2 { "Evaluation errors" }
                @for (job, msg) in &e.job_errors { h3 { (job) } div.error { (msg) } }
            }
            h2 { "Inputs" }
            table #eval-inputs {
                thead { tr { th { "Name" } th { "Type" } th { "Value" } th { "Revision" } } }
                tbody { @for i in &e.inputs { tr { td { (i.name) } td { (i.kind) } td { code { (i.value) } } td { code { (i.revision) } } } } }
            }
            h2 { "Builds" }
            (builds_table("eval-builds", &bs, Some(&news)))
        },
    )
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
            latest_builds: &[],
            last_eval: None,
            can_edit: true,
            can_eval: true,
            running: html! {},
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
