//! Evaluations: the eval page, its builds as JSON, and the actions on an eval's builds.

use super::api;
use super::common::*;
use super::pages::{self, build_state, fmt_time, plural, PageCtx};
use super::pages::{error_changes, input_changes, ErrorChanges, InputChange};
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::views::{BuildState, DiffEntry, DiffKind, EvalDiff};
use crate::db::{self, Build, Eval};
use crate::perm;
use crate::queue;
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/eval/:n", eval_get),
    r("GET", "/eval/:n/builds", eval_builds),
    r("GET", "/eval/:n/compare", eval_compare),
    r("POST", "/eval/:n/cancel", eval_cancel),
    r("POST", "/eval/:n/restart-failed", eval_restart_failed),
    r("POST", "/eval/:n/bump", eval_bump),
    r("POST", "/eval/:n/restart-aborted", eval_restart_aborted),
    // Hydra's tests send actions as PUT; GET never changes state.
    r("PUT", "/eval/:n/cancel", eval_cancel),
    r("PUT", "/eval/:n/restart-failed", eval_restart_failed),
    r("PUT", "/eval/:n/restart-aborted", eval_restart_aborted),
    r("PUT", "/eval/:n/bump", eval_bump),
];

/// Job errors listed above the tabs (the Errors tab has them all).
pub const ERRORS_SHOWN: usize = 20;

/// Rows a comparison tab shows unless `full=1` is asked for.
pub const TAB_ROWS: usize = 500;

/// The comparison tabs: query value, title, list.
pub const DIFF_TABS: [(&str, &str); 8] = [
    ("newlyfailing", "Newly failing"),
    ("newlysucceeding", "Newly succeeding"),
    ("new", "New jobs"),
    ("removed", "Removed jobs"),
    ("stillfailing", "Still failing"),
    ("stillsucceeding", "Still succeeding"),
    ("unfinished", "Unfinished"),
    ("aborted", "Aborted/cancelled"),
];

fn diff_kind(key: &str) -> DiffKind {
    match key {
        "newlyfailing" => DiffKind::NewlyFailing,
        "newlysucceeding" => DiffKind::NewlySucceeding,
        "new" => DiffKind::New,
        "removed" => DiffKind::Removed,
        "stillfailing" => DiffKind::StillFailing,
        "stillsucceeding" => DiffKind::StillSucceeding,
        "unfinished" => DiffKind::Unfinished,
        _ => DiffKind::Aborted,
    }
}

/// The entries of a list the diff kept (all of them unless it was capped).
fn diff_list<'a>(d: &'a EvalDiff, key: &str) -> &'a [DiffEntry] {
    d.list(diff_kind(key))
}

/// How many jobs a list holds.
fn diff_total(d: &EvalDiff, key: &str) -> usize {
    d.total(diff_kind(key))
}

/// Everything the eval page shows.
pub struct EvalView<'a> {
    pub eval: &'a Eval,
    pub other: Option<&'a Eval>,
    pub diff: &'a EvalDiff,
    pub tab: &'a str,
    pub full: bool,
    /// The flat member list, for the "All builds" tab only.
    pub builds: &'a [(Build, bool)],
    /// Which page of the "All builds" tab (from 1).
    pub page: usize,
    pub actions: Markup,
}

pub fn state_label(s: BuildState) -> (&'static str, &'static str) {
    match s {
        BuildState::Queued => ("Queued", "status-queued"),
        BuildState::Running => ("Running", "status-queued"),
        BuildState::Finished(0) => ("Succeeded", "status-0"),
        BuildState::Finished(n) => (db::status::name(n), "status-fail"),
    }
}

fn state_cell(b: Option<(u64, BuildState)>, class: &str) -> Markup {
    html! {
        @match b {
            Some((id, st)) => {
                @let (label, c) = state_label(st);
                td class=(class) { a href={ "/build/" (id) } { "#" (id) } }
                td class={ (class) "status " (c) } { (label) }
            }
            None => { td class=(class) { "—" } td class={ (class) "status" } {} }
        }
    }
}

/// The default tab: the first comparison list with something in it.
fn default_tab(d: &EvalDiff) -> &'static str {
    DIFF_TABS
        .iter()
        .find(|(k, _)| diff_total(d, k) > 0)
        .map(|(k, _)| *k)
        .unwrap_or("inputs")
}

pub fn eval_page(pc: &PageCtx, v: &EvalView) -> Markup {
    let e = v.eval;
    let (p, j) = (enc(&e.project), enc(&e.jobset));
    let cmp = v
        .other
        .map(|o| format!("&compare={}", o.id))
        .unwrap_or_default();
    let tab_href = |t: &str| format!("/eval/{}?tab={t}{cmp}", e.id);
    let inputs = input_changes(e, v.other);
    let changed_inputs = match v.other {
        Some(_) => inputs.iter().filter(|i| i.changed()).count(),
        None => 0,
    };
    let errors = error_changes(e, v.other);
    pages::layout(
        pc,
        &format!("Evaluation {}", e.id),
        html! {
            div.crumbs { a href="/" { "Projects" } " / " a href={ "/project/" (p) } { (e.project) }
                " / " a href={ "/jobset/" (p) "/" (j) } { (e.jobset) } " / evaluation " (e.id) }
            h1 { "Evaluation " (e.id) " of " (e.project) ":" (e.jobset) }
            (v.actions)
            p.muted #eval-summary { (fmt_time(e.timestamp)) " · checkout " (e.checkouttime) " s · eval " (e.evaltime) " s · "
                (plural(e.nrbuilds, "build", "builds")) }
            div #compared-with {
                @match v.other {
                    Some(o) => { "Compared with " a href={ "/eval/" (o.id) } { "evaluation " (o.id) }
                        " (" (fmt_time(o.timestamp)) ")." }
                    None => { span.muted { "No earlier evaluation to compare with: every job is new." } }
                }
                form.inline #compare-form method="get" action={ "/eval/" (e.id) } {
                    " "
                    label { "Compare with " input type="text" name="compare" size="8" placeholder="eval number or jobset"
                        value=(v.other.map(|o| o.id.to_string()).unwrap_or_default()); }
                    " " button type="submit" { "Compare" }
                }
            }
            @if let Some(m) = &e.errormsg { div.error #eval-error { (m) } }
            @if !e.job_errors.is_empty() {
                section #eval-errors {
                    h2 { (plural(e.job_errors.len() as u64, "job", "jobs")) " failed to evaluate" }
                    @for (job, msg) in e.job_errors.iter().take(ERRORS_SHOWN) {
                        details {
                            summary { code { (job) } @if errors.new.iter().any(|(k, _)| k == job) { " " span.status-fail { "(new)" } } }
                            div.error { (msg) }
                        }
                    }
                    @if e.job_errors.len() > ERRORS_SHOWN { p { a href=(tab_href("errors")) { "All evaluation errors" } } }
                }
            }
            nav.tabbar.wrap #eval-tabs {
                @for (k, title) in DIFF_TABS {
                    a.tab.active[v.tab == k].empty[diff_total(v.diff, k) == 0] id={ "tab-" (k) } href=(tab_href(k)) { (title) " (" (diff_total(v.diff, k)) ")" }
                }
                a.tab.active[v.tab == "inputs"] #tab-inputs href=(tab_href("inputs")) { "Inputs (" (changed_inputs) " changed)" }
                a.tab.active[v.tab == "errors"] #tab-errors href=(tab_href("errors")) { "Errors (" (errors.new.len()) " new, " (errors.fixed.len()) " fixed)" }
                a.tab.active[v.tab == "all"] #tab-all href=(tab_href("all")) { "All builds (" (e.nrbuilds) ")" }
            }
            @match v.tab {
                "inputs" => {
                    @if let Some(f) = &e.flake {
                        p #eval-flake { "Flake, as locked for this evaluation: " code { (f) } }
                    }
                    (inputs_tab(&inputs, v.other.is_some()))
                }
                "errors" => (errors_tab(&errors)),
                "all" => (all_tab(v, &tab_href("all"))),
                k => (diff_tab(v, k, &tab_href(k))),
            }
        },
    )
}

fn diff_tab(v: &EvalView, key: &str, href: &str) -> Markup {
    let list = diff_list(v.diff, key);
    let total = diff_total(v.diff, key);
    let e = v.eval;
    let (p, j) = (enc(&e.project), enc(&e.jobset));
    let shown = if v.full {
        list.len()
    } else {
        list.len().min(TAB_ROWS)
    };
    html! {
        @if list.is_empty() { p.muted #compare-empty { "No jobs here." } } @else {
            table.compare id={ "compare-" (key) } {
                thead { tr { th { "Job" } th { "Build" } th { "Status" } th { "Previous" } th { "Previous status" } } }
                tbody {
                    @for d in &list[..shown] {
                        tr {
                            td.job { a href={ "/job/" (p) "/" (j) "/" (enc(&d.job)) } { (d.job) } }
                            (state_cell(d.build, ""))
                            (state_cell(d.prev, "prev "))
                        }
                    }
                }
            }
            @if shown < total {
                p #compare-more { "Showing " (shown) " of " (total) ". " a href={ (href) "&full=1" } { "Show all" } }
            }
        }
    }
}

fn short(s: &str) -> &str {
    s.get(..16).unwrap_or(s)
}

fn inputs_tab(inputs: &[InputChange], compared: bool) -> Markup {
    html! {
        table #eval-inputs {
            thead { tr { th { "Name" } th { "Type" } th { "Now" } @if compared { th { "Before" } th { "Changed" } } } }
            tbody {
                @for i in inputs {
                    tr.changed[compared && i.changed()] {
                        td.name { (i.name) }
                        td { (i.kind) }
                        td.now { @if let Some(n) = &i.now { code title=(n) { (short(n)) } } @else { span.muted { "(removed)" } } }
                        @if compared {
                            td.before { @if let Some(b) = &i.before { code title=(b) { (short(b)) } } @else { span.muted { "(new)" } } }
                            td.change { @if i.changed() { "changed" } }
                        }
                    }
                }
            }
        }
    }
}

fn error_list(id: &str, title: &str, list: &[(String, String)]) -> Markup {
    html! {
        @if !list.is_empty() {
            section id=(id) {
                h2 { (title) " (" (list.len()) ")" }
                @for (job, msg) in list {
                    h3 { @if job.is_empty() { "The evaluation as a whole" } @else { (job) } }
                    div.error { (msg) }
                }
            }
        }
    }
}

fn errors_tab(c: &ErrorChanges) -> Markup {
    html! {
        @if c.count() == 0 { p.muted #no-eval-errors { "No evaluation errors." } }
        (error_list("errors-new", "New evaluation errors", &c.new))
        (error_list("errors-fixed", "Fixed evaluation errors", &c.fixed))
        (error_list("errors-still", "Still failing to evaluate", &c.still))
    }
}

/// Rows of the "All builds" tab per page.
const ALL_PER_PAGE: usize = 200;

/// Pages of the "All builds" tab (at least one).
fn all_pages(e: &Eval) -> usize {
    let total = usize::try_from(e.nrbuilds).unwrap_or(usize::MAX);
    total.div_ceil(ALL_PER_PAGE).max(1)
}

fn all_tab(v: &EvalView, href: &str) -> Markup {
    let builds = v.builds;
    let total = usize::try_from(v.eval.nrbuilds).unwrap_or(usize::MAX);
    let pages = all_pages(v.eval);
    html! {
        @if pages > 1 {
            div.pager #eval-builds-pager {
                @if v.page > 1 { a href={ (href) "&page=" (v.page - 1) } { "« Previous" } }
                span { "Page " (v.page) " of " (pages) " (" (total) " builds)" }
                @if v.page < pages { a #eval-builds-next href={ (href) "&page=" (v.page + 1) } { "Next »" } }
            }
        }
        table #eval-builds {
            thead { tr { th { "#" } th { "Job" } th { "Status" } th { "System" } th { "Name" } th { "New" } } }
            tbody {
                @for (b, new) in builds {
                    @let (label, class) = build_state(b);
                    tr {
                        td { a href={ "/build/" (b.id) } { (b.id) } }
                        td.job { (b.job) }
                        td class={ "status " (class) } { (label) }
                        td { (b.system) }
                        td { (b.nixname) }
                        td { @if *new { "yes" } }
                    }
                }
            }
        }
    }
}

/// The eval a comparison is against: `compare` names an eval number or a jobset of the same
/// project (its newest eval); without it, the previous eval of the same jobset.
fn compare_target(ctx: &Ctx, e: &Eval, param: Option<&str>) -> Result<Option<Eval>, HttpError> {
    let id = match param {
        None | Some("") => ctx.app.db.previous_eval(e)?,
        Some(s) if s.bytes().all(|c| c.is_ascii_digit()) => {
            let id: u64 = s.parse().map_err(|_| {
                HttpError::bad_request(format!("`{s}` is not a valid evaluation number"))
            })?;
            Some(id)
        }
        Some(s) if db::valid_name(s) => {
            load_jobset(ctx, &e.project, s)?;
            let (latest, _) = ctx.app.db.jobset_evals(&e.project, s, 0, 1)?;
            match latest.into_iter().next() {
                Some(o) => return Ok(Some(o)),
                None => {
                    return Err(HttpError::not_found(format!(
                        "jobset `{}:{s}` has no evaluation",
                        e.project
                    )))
                }
            }
        }
        Some(s) => {
            return Err(HttpError::bad_request(format!(
                "`compare` must be an evaluation number or a jobset name, not `{s}`"
            )))
        }
    };
    match id {
        None => Ok(None),
        Some(id) => ctx
            .app
            .db
            .eval(id)?
            .map(Some)
            .ok_or_else(|| HttpError::not_found(format!("evaluation {id} does not exist"))),
    }
}

fn eval_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    if ctx.wants_json() {
        let ids = ctx.app.db.queue_eval_member_ids(e.id)?;
        return Ok(Response::json(&api::eval_json(&e, &ids)));
    }
    let other = compare_target(ctx, &e, ctx.req.query_param("compare"))?;
    let full = ctx.req.query_param("full") == Some("1");
    // The page shows `TAB_ROWS` rows of one list and the size of each.
    let cap = if full { usize::MAX } else { TAB_ROWS };
    let diff = ctx
        .app
        .db
        .eval_diff_capped(e.id, other.as_ref().map(|o| o.id), cap)?;
    let tab = match ctx.req.query_param("tab") {
        Some(t)
            if DIFF_TABS.iter().any(|(k, _)| *k == t)
                || matches!(t, "inputs" | "errors" | "all") =>
        {
            t
        }
        _ => default_tab(&diff),
    };
    // A page past the last shows the last (a list that shrank, an edited link).
    let page = page_number(ctx)?.min(all_pages(&e));
    let builds = if tab == "all" {
        let offset = (page - 1).saturating_mul(ALL_PER_PAGE);
        ctx.app.db.eval_builds_page(e.id, offset, ALL_PER_PAGE)?
    } else {
        Vec::new()
    };
    let view = EvalView {
        eval: &e,
        other: other.as_ref(),
        diff: &diff,
        tab,
        full,
        builds: &builds,
        page,
        actions: eval_actions(ctx, &e)?,
    };
    Ok(Response::html(eval_page(&ctx.page(), &view)))
}

/// Appends one entry as `{job, build, buildstatus, previousbuild, previousstatus}`. Written
/// directly (a comparison of 10,000 jobs would otherwise build 50,000 JSON values).
fn write_entry(out: &mut Vec<u8>, d: &DiffEntry) {
    use std::io::Write;
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "null".into());
    let st = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_else(|| "null".into());
    out.extend_from_slice(b"{\"job\":");
    let _ = serde_json::to_writer(&mut *out, &d.job);
    let _ = write!(
        out,
        ",\"build\":{},\"buildstatus\":{},\"previousbuild\":{},\"previousstatus\":{}}}",
        opt(d.build.map(|b| b.0)),
        st(d.build.and_then(|b| b.1.status())),
        opt(d.prev.map(|b| b.0)),
        st(d.prev.and_then(|b| b.1.status())),
    );
}

/// `GET /eval/N/compare[?to=M]`: the comparison as JSON (Hydra's lists, by job name).
fn eval_compare(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let other = compare_target(ctx, &e, ctx.req.query_param("to"))?;
    let d = ctx.app.db.eval_diff(e.id, other.as_ref().map(|o| o.id))?;
    let inputs: Vec<Value> = input_changes(&e, other.as_ref())
        .iter()
        .map(|i| json!({"name": i.name, "type": i.kind, "now": i.now, "before": i.before, "changed": i.changed()}))
        .collect();
    let errs = error_changes(&e, other.as_ref());
    let names = |l: &[(String, String)]| l.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    let head = json!({
        "eval": e.id,
        "compareto": other.as_ref().map(|o| o.id),
        "inputs": inputs,
        "errors": {"new": names(&errs.new), "fixed": names(&errs.fixed), "still": names(&errs.still)},
    });
    // The small fields through serde, the long lists written directly.
    let mut out = head.to_string().into_bytes();
    out.pop();
    for (k, _) in DIFF_TABS {
        out.extend_from_slice(format!(",\"{k}\":[").as_bytes());
        for (i, entry) in diff_list(&d, k).iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_entry(&mut out, entry);
        }
        out.push(b']');
    }
    out.push(b'}');
    Ok(Response::new(200, "application/json", out))
}

fn eval_builds(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let builds = ctx.app.db.eval_builds(e.id)?;
    let v = builds
        .iter()
        .map(|(b, _)| super::builds::build_json_listed(ctx.app, b))
        .collect::<Result<Vec<Value>, HttpError>>()?;
    Ok(Response::json(&Value::Array(v)))
}

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
    eval_action_on(ctx, args, a, |_| true)
}

/// `eval_action` on the members that `only` selects.
fn eval_action_on(
    ctx: &Ctx,
    args: &[String],
    a: Action,
    only: impl Fn(&crate::db::Build) -> bool,
) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let u = ctx.auth.require_user()?;
    let own = ctx.app.db.project(&e.project)?;
    if !perm::may_act(Some(u), a, own.as_ref()) {
        return Err(refused(ctx, &format!("evaluation {}", e.id), &e.project, a));
    }
    let mut ids = Vec::new();
    for (b, _) in ctx.app.db.eval_builds(e.id)? {
        // Members are the eval's own jobset's builds; anything else is never touched.
        if b.project == e.project
            && b.jobset == e.jobset
            && only(&b)
            && perm::may_act(Some(u), a, own.as_ref())
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
/// Restarts the eval's aborted, cancelled and unsupported builds (Hydra's statuses 3, 4, 9).
fn eval_restart_aborted(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    use crate::db::status::{ABORTED, CANCELLED, UNSUPPORTED};
    eval_action_on(ctx, args, Action::Restart, |b| {
        b.finished && matches!(b.buildstatus, Some(ABORTED | CANCELLED | UNSUPPORTED))
    })
}
fn eval_bump(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    eval_action(ctx, args, Action::Bump)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_entries_are_json() {
        let mut out = Vec::new();
        write_entry(
            &mut out,
            &DiffEntry {
                job: "a\"b\\c\u{e9}\n".into(),
                build: Some((7, BuildState::Finished(1))),
                prev: None,
            },
        );
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v,
            json!({"job": "a\"b\\c\u{e9}\n", "build": 7, "buildstatus": 1, "previousbuild": null, "previousstatus": null})
        );
    }
}
