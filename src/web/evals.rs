//! Evaluations: the eval page, its builds as JSON, and the actions on an eval's builds.

use super::api;
use super::common::*;
use super::pages;
use super::router::{r, Route};
use super::{Ctx, HttpError, Response};
use crate::db::Eval;
use crate::perm;
use crate::queue;
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/eval/:n", eval_get),
    r("GET", "/eval/:n/builds", eval_builds),
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

fn eval_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let builds = ctx.app.db.eval_builds(e.id)?;
    if ctx.wants_json() {
        let ids: Vec<u64> = builds.iter().map(|(b, _)| b.id).collect();
        return Ok(Response::json(&api::eval_json(&e, &ids)));
    }
    let actions = eval_actions(ctx, &e)?;
    Ok(Response::html(pages::eval_page_with_actions(
        &ctx.page(),
        &e,
        &builds,
        actions,
    )))
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
