//! Helpers every handler family shares, each in one place: path arguments, loading records
//! (404 when missing), request parameters, the answers of writes (JSON or a redirect), paging
//! and `nr` parameters, and the permission checks of build actions (the rules are `perm`'s).

use super::api::Params;
use super::pages::PageCtx;
use super::{Ctx, HttpError, Response};
use crate::db::{self, Build, Eval, Jobset, Project};
use crate::perm;
use crate::queue::QueueError;
use maud::{html, Markup};
use serde_json::{json, Value};

pub fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or("")
}

pub fn load_project(ctx: &Ctx, name: &str) -> Result<Project, HttpError> {
    ctx.app
        .db
        .project(name)?
        .ok_or_else(|| HttpError::not_found(format!("project `{name}` does not exist")))
}

pub fn load_jobset(ctx: &Ctx, p: &str, j: &str) -> Result<Jobset, HttpError> {
    ctx.app
        .db
        .jobset(p, j)?
        .ok_or_else(|| HttpError::not_found(format!("jobset `{p}:{j}` does not exist")))
}

pub fn params(ctx: &Ctx) -> Result<Params, HttpError> {
    Params::from_request(ctx.req, ctx.form.as_deref())
}

/// The answer of a create or an update, as Hydra's: a create is 201 with an absolute
/// `Location` and `{uri, name, redirect, type}`; an update is 200 with `{redirect}` pointing at
/// the configuration tab. Browsers (forms) are redirected instead.
pub fn saved(ctx: &Ctx, created: bool, location: &str, kind: &str, name: &str) -> Response {
    if ctx.form.is_some() && !ctx.wants_json() {
        return Response::redirect(location);
    }
    let uri = ctx
        .req
        .absolute(ctx.app.config.base_uri.as_deref(), location);
    if created {
        Response::json(&json!({ "uri": uri, "name": name, "redirect": uri, "type": kind }))
            .with_status(201)
            .with_header("Location", &uri)
    } else {
        Response::json(&json!({ "redirect": format!("{uri}#tabs-configuration") }))
    }
}

pub fn deleted(ctx: &Ctx, redirect: &str) -> Response {
    if ctx.form.is_some() && !ctx.wants_json() {
        Response::redirect(redirect)
    } else {
        let uri = ctx
            .req
            .absolute(ctx.app.config.base_uri.as_deref(), redirect);
        Response::json(&json!({ "redirect": uri }))
    }
}

/// The name a `.new` PUT creates comes from the body (Hydra's semantics).
pub fn target_name(url_name: &str, p: &Params) -> Result<(String, bool), HttpError> {
    if url_name == ".new" {
        Ok((p.required_str("name")?, true))
    } else {
        Ok((url_name.to_string(), false))
    }
}

/// Scheduling shares of each enabled jobset as a % of the sum over all enabled jobsets.
pub fn share_pcts(all: &[Jobset]) -> impl Fn(&Jobset) -> Option<f64> {
    let total: u64 = all
        .iter()
        .filter(|j| j.enabled != db::JOBSET_DISABLED)
        .map(|j| u64::from(j.schedulingshares))
        .sum();
    move |j: &Jobset| {
        (j.enabled != db::JOBSET_DISABLED && total > 0)
            .then(|| f64::from(j.schedulingshares) * 100.0 / total as f64)
    }
}

pub fn can_eval(ctx: &Ctx, p: &Project) -> bool {
    crate::perm::can_eval(ctx.auth.user.as_ref(), p)
}

/// A browser's delete form must come from the confirmation page (`confirm=yes`); anything
/// else is sent there. `DELETE` and JSON clients delete at once, as in Hydra's API.
pub fn unconfirmed(ctx: &Ctx, confirm_page: &str) -> Option<Response> {
    let form = ctx.form.as_ref()?;
    let confirmed = form.iter().any(|(k, v)| k == "confirm" && v == "yes");
    (!confirmed).then(|| Response::redirect(confirm_page))
}

/// Counts an eval's members by state, inside the caller's read transaction.
pub fn page_number(ctx: &Ctx) -> Result<usize, HttpError> {
    match ctx.req.query_param("page") {
        None | Some("") => Ok(1),
        Some(s) => match s.parse::<usize>() {
            // Past the last page is an empty page (or the last, where a view says so); a
            // number past any page a list can have is taken as that, so no row offset
            // overflows.
            Ok(n) if n >= 1 => Ok(n.min(MAX_PAGE)),
            _ => Err(HttpError::bad_request(format!(
                "`page` must be a positive number, not `{s}`"
            ))),
        },
    }
}

/// The highest page number taken: times any page size, still a row offset.
pub const MAX_PAGE: usize = 1 << 32;

/// Records a trigger through the evaluator's own rule (a disabled project or jobset is refused
/// with 409); the evaluator picks it up (force: evaluate even if inputs are unchanged).
pub fn trigger(ctx: &Ctx, p: &str, j: &str, force: bool) -> Result<(), HttpError> {
    use crate::eval::EvalError;
    crate::eval::scheduler::trigger(&ctx.app.db, p, j, force).map_err(|e| match e {
        EvalError::Db(d) => HttpError::from(d),
        EvalError::NotFound(m) => HttpError::not_found(format!("{m} does not exist")),
        EvalError::Disabled(m) => HttpError::new(409, format!("{m} is disabled")),
    })
}

pub fn id_arg(args: &[String], what: &str) -> Result<u64, HttpError> {
    let s = arg(args, 0);
    s.parse()
        .map_err(|_| HttpError::bad_request(format!("`{s}` is not a valid {what} number")))
}

pub fn load_eval(ctx: &Ctx, args: &[String]) -> Result<Eval, HttpError> {
    let id = id_arg(args, "evaluation")?;
    ctx.app
        .db
        .eval(id)?
        .ok_or_else(|| HttpError::not_found(format!("evaluation {id} does not exist")))
}

pub fn user_json(u: &db::User) -> Value {
    json!({"username": u.name, "fullname": u.fullname, "emailaddress": u.email, "userroles": u.roles})
}

/// Largest `nr` the list APIs accept (Hydra caps these lists too).
pub const MAX_NR: usize = 1000;
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

pub fn allowed(ctx: &Ctx, project: &str) -> Result<Allowed, HttpError> {
    let u = ctx.auth.user.as_ref();
    let p = ctx.app.db.project(project)?;
    let may = |a| perm::may_act(u, a, p.as_ref());
    Ok(Allowed {
        cancel: may(Action::Cancel),
        restart: may(Action::Restart),
        bump: may(Action::Bump),
    })
}

pub fn refused(ctx: &Ctx, what: &str, project: &str, a: Action) -> HttpError {
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

pub fn queue_err(e: QueueError) -> HttpError {
    match e {
        QueueError::Db(d) => d.into(),
        QueueError::NotFound(m) => HttpError::not_found(format!("{m} not found")),
        e => HttpError::new(500, e.to_string()),
    }
}

pub fn load_build(ctx: &Ctx, args: &[String]) -> Result<Build, HttpError> {
    let id = id_arg(args, "build")?;
    ctx.app
        .db
        .build(id)?
        .ok_or_else(|| HttpError::not_found(format!("build {id} does not exist")))
}

/// A browser form gets a redirect back; a script gets JSON. A PUT (how Hydra's own tests send
/// actions) gets Hydra's answer: 302 to the build or eval, with an absolute `Location`.
pub fn acted(ctx: &Ctx, back: &str, body: Value) -> Response {
    if ctx.req.method == "PUT" {
        let uri = ctx.req.absolute(ctx.app.config.base_uri.as_deref(), back);
        return Response::json(&body)
            .with_status(302)
            .with_header("Location", &uri);
    }
    if ctx.form.is_some() && !ctx.wants_json() {
        Response::redirect(back)
    } else {
        Response::json(&body)
    }
}

pub fn nr_param(ctx: &Ctx, default: Option<usize>) -> Result<usize, HttpError> {
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

pub fn post_button(pc: &PageCtx, action: &str, label: &str, id: &str) -> Markup {
    html! {
        form.inline method="post" action=(action) id={ "action-" (id) } {
            input type="hidden" name="csrf" value=(pc.csrf);
            button type="submit" { (label) }
        }
    }
}

/// A form posted by a browser (not a script asking for JSON).
pub fn is_browser_form(ctx: &Ctx) -> bool {
    ctx.form.is_some() && !ctx.wants_json()
}

/// Whether a failed save should come back as the form with what was typed: a browser's form
/// and a validation error (400, 409, or a 403 that names one of the form's `fields`).
pub fn refill_form(ctx: &Ctx, e: &HttpError, fields: &[&str]) -> bool {
    is_browser_form(ctx)
        && (matches!(e.status, 400 | 409)
            || (e.status == 403
                && super::pages::FormError::from_message(&e.message, fields)
                    .field
                    .is_some()))
}

/// The project of `p:j` when both it and the jobset are enabled (what a push may trigger).
pub fn triggerable(ctx: &Ctx, p: &str, j: &str) -> Result<Option<Project>, HttpError> {
    let (Some(project), Some(js)) = (ctx.app.db.project(p)?, ctx.app.db.jobset(p, j)?) else {
        return Ok(None);
    };
    Ok((project.enabled && js.enabled != db::JOBSET_DISABLED).then_some(project))
}
