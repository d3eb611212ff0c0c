//! The route table and the handlers for projects, jobsets, evals, login and the push API.
//!
//! Extension point: another module writes handlers `fn(&Ctx, &[String]) -> Result<Response,
//! HttpError>` and adds a `pub const ROUTES: &[Route]` of its own to `TABLES` below (one line).
//! Patterns are `/`-separated; `:name` segments match anything and arrive, decoded, in order.
//! CSRF, body limits and auth resolution happen before a handler runs; handlers check roles.

use super::api::{self, Params};
use super::pages::{self, JobsetView, EVALS_PER_PAGE};
use super::{assets, auth, url_encode as enc, Ctx, HttpError, Response};
use crate::db::{self, Eval, Jobset, Project};
use serde_json::{json, Value};

pub type Handler = fn(&Ctx, &[String]) -> Result<Response, HttpError>;

pub struct Route {
    pub method: &'static str,
    pub pattern: &'static str,
    pub handler: Handler,
}

/// A route table entry (every handler module builds its table with it).
pub const fn r(method: &'static str, pattern: &'static str, handler: Handler) -> Route {
    Route {
        method,
        pattern,
        handler,
    }
}

/// Every module's routes; the first match wins, so list specific patterns first.
pub const TABLES: &[&[Route]] = &[
    CORE,
    super::queue_pages::ROUTES,
    super::cache_pages::ROUTES,
    super::account::ROUTES,
    super::eval_progress::ROUTES,
];

pub const CORE: &[Route] = &[
    r("GET", "/", overview),
    r("GET", "/static/hydrant.css", stylesheet),
    r("GET", "/login", login_form),
    r("POST", "/login", login),
    r("POST", "/logout", logout),
    r("GET", "/current-user", current_user),
    r("GET", "/create-project", create_project_form),
    r("GET", "/project/:p", project_get),
    r("PUT", "/project/:p", project_put),
    r("POST", "/project/:p", project_put),
    r("DELETE", "/project/:p", project_delete),
    r("GET", "/project/:p/edit", project_edit_form),
    r("GET", "/project/:p/delete", project_delete_form),
    r("POST", "/project/:p/delete", project_delete),
    r("GET", "/project/:p/create-jobset", create_jobset_form),
    r("GET", "/jobset/:p/:j", jobset_get),
    r("PUT", "/jobset/:p/:j", jobset_put),
    r("POST", "/jobset/:p/:j", jobset_put),
    r("DELETE", "/jobset/:p/:j", jobset_delete),
    r("GET", "/jobset/:p/:j/edit", jobset_edit_form),
    r("GET", "/jobset/:p/:j/clone", jobset_clone_form),
    r("GET", "/jobset/:p/:j/delete", jobset_delete_form),
    r("POST", "/jobset/:p/:j/delete", jobset_delete),
    r("POST", "/jobset/:p/:j/evaluate", jobset_evaluate),
    r("GET", "/jobset/:p/:j/reproduce", jobset_reproduce),
    r("GET", "/jobset/:p/:j/evals", jobset_evals),
    r("GET", "/api/jobsets", api_jobsets),
    r("POST", "/api/push", api_push),
    r("GET", "/eval/:n", eval_get),
    r("GET", "/eval/:n/builds", eval_builds),
    r("POST", "/admin/backup", admin_backup),
];

pub enum Match<'a> {
    Found(&'a Route, Vec<String>),
    /// The path exists, the method does not: 405 with these methods.
    WrongMethod(Vec<&'static str>),
    NotFound,
}

fn match_pattern(pattern: &str, segs: &[String]) -> Option<Vec<String>> {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    if pat.len() != segs.len() {
        return None;
    }
    let mut args = Vec::new();
    for (p, s) in pat.iter().zip(segs) {
        if p.starts_with(':') {
            args.push(s.clone());
        } else if p != s {
            return None;
        }
    }
    Some(args)
}

pub fn find(method: &str, path: &str) -> Match<'static> {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(super::url_decode_path)
        .collect();
    let method = if method == "HEAD" { "GET" } else { method };
    let mut allowed = Vec::new();
    for table in TABLES {
        for route in table.iter() {
            if let Some(args) = match_pattern(route.pattern, &segs) {
                if route.method == method {
                    return Match::Found(route, args);
                }
                allowed.push(route.method);
            }
        }
    }
    if allowed.is_empty() {
        Match::NotFound
    } else {
        Match::WrongMethod(allowed)
    }
}

// ---------- shared helpers ----------

fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or("")
}

fn load_project(ctx: &Ctx, name: &str) -> Result<Project, HttpError> {
    ctx.app
        .db
        .project(name)?
        .ok_or_else(|| HttpError::not_found(format!("project `{name}` does not exist")))
}

fn load_jobset(ctx: &Ctx, p: &str, j: &str) -> Result<Jobset, HttpError> {
    ctx.app
        .db
        .jobset(p, j)?
        .ok_or_else(|| HttpError::not_found(format!("jobset `{p}:{j}` does not exist")))
}

fn params(ctx: &Ctx) -> Result<Params, HttpError> {
    Params::from_request(ctx.req, ctx.form.as_deref())
}

/// The JSON answer of a create (201 + Location) or an update (200); browsers are redirected.
fn saved(ctx: &Ctx, created: bool, location: &str, body: Value) -> Response {
    if ctx.form.is_some() && !ctx.wants_json() {
        return Response::redirect(location);
    }
    let resp = Response::json(&body).with_header("Location", location);
    if created {
        resp.with_status(201)
    } else {
        resp
    }
}

fn deleted(ctx: &Ctx, redirect: &str) -> Response {
    if ctx.form.is_some() && !ctx.wants_json() {
        Response::redirect(redirect)
    } else {
        Response::json(&json!({ "redirect": redirect }))
    }
}

/// The name a `.new` PUT creates comes from the body (Hydra's semantics).
fn target_name(url_name: &str, p: &Params) -> Result<(String, bool), HttpError> {
    if url_name == ".new" {
        Ok((p.required_str("name")?, true))
    } else {
        Ok((url_name.to_string(), false))
    }
}

/// Scheduling shares of each enabled jobset as a % of the sum over all enabled jobsets.
fn share_pcts(all: &[Jobset]) -> impl Fn(&Jobset) -> Option<f64> {
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

fn can_eval(ctx: &Ctx, p: &Project) -> bool {
    crate::perm::can_eval(ctx.auth.user.as_ref(), p)
}

// ---------- pages and API ----------

fn stylesheet(_: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    Ok(Response::new(
        200,
        "text/css; charset=utf-8",
        assets::CSS.as_bytes().to_vec(),
    )
    .with_header("Cache-Control", "public, max-age=3600"))
}

fn overview(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let projects = ctx.app.db.projects()?;
    if ctx.wants_json() {
        let mut names: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for js in ctx.app.db.all_jobsets()? {
            names.entry(js.project).or_default().push(js.name);
        }
        let empty = Vec::new();
        let v: Vec<Value> = projects
            .iter()
            .map(|p| api::project_json(p, names.get(&p.name).unwrap_or(&empty)))
            .collect();
        return Ok(Response::json(&Value::Array(v)));
    }
    let shown: Vec<Project> = projects
        .into_iter()
        .filter(|p| p.visible || ctx.auth.user.is_some())
        .collect();
    let can_create = ctx
        .auth
        .user
        .as_ref()
        .is_some_and(|u| u.has_role("create-projects"));
    let first_run = ctx.auth.user.is_none() && ctx.app.db.users_count()? == 0;
    Ok(Response::html(pages::overview(
        &ctx.page(),
        &shown,
        can_create,
        first_run,
    )))
}

fn login_form(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    Ok(Response::html(pages::login_page(&ctx.page(), None)))
}

fn user_json(u: &db::User) -> Value {
    json!({"username": u.name, "fullname": u.fullname, "emailaddress": u.email, "userroles": u.roles})
}

fn login(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let p = params(ctx)?;
    let username = p.required_str("username")?;
    let password = p.str("password")?.unwrap_or_default();
    let https = ctx.req.is_https(ctx.app.config.base_uri.as_deref());
    match auth::login(ctx.app, &username, &password, ctx.req.remote) {
        Ok((sid, session)) => {
            let cookie = auth::session_cookie(&sid, https);
            if ctx.form.is_some() && !ctx.wants_json() {
                Ok(Response::redirect("/").with_header("Set-Cookie", &cookie))
            } else {
                let u = ctx
                    .app
                    .db
                    .user(&username)?
                    .ok_or_else(HttpError::unauthorized)?;
                // A script that keeps the cookie sends this token back in X-CSRF-Token.
                let mut v = user_json(&u);
                v["csrf"] = json!(session.csrf);
                Ok(Response::json(&v)
                    .with_header("Set-Cookie", &cookie)
                    .with_header("X-CSRF-Token", &session.csrf))
            }
        }
        Err(e) if ctx.form.is_some() && !ctx.wants_json() && matches!(e.status, 403 | 429) => Ok(
            Response::html(pages::login_page(&ctx.page(), Some(&e.message))).with_status(e.status),
        ),
        Err(e) => Err(e),
    }
}

fn logout(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    if let Some((key, _)) = &ctx.auth.session {
        ctx.app.db.delete_session(key)?;
    }
    let https = ctx.req.is_https(ctx.app.config.base_uri.as_deref());
    let resp = if ctx.form.is_some() && !ctx.wants_json() {
        Response::redirect("/")
    } else {
        Response::new(204, "text/plain", Vec::new())
    };
    Ok(resp.with_header("Set-Cookie", &auth::clear_cookie(https)))
}

fn current_user(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let u = ctx.auth.require_user()?;
    if ctx.wants_json() {
        let mut v = user_json(u);
        if let Some((_, s)) = &ctx.auth.session {
            v["csrf"] = json!(s.csrf);
        }
        Ok(Response::json(&v))
    } else {
        Ok(Response::text(format!(
            "{} ({})\n",
            u.name,
            u.roles.join(", ")
        )))
    }
}

fn create_project_form(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let u = ctx.auth.require_role("create-projects")?;
    let admin = crate::perm::can_set_eval_policy(u);
    Ok(Response::html(pages::project_form(
        &ctx.page(),
        None,
        admin,
    )))
}

fn project_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let p = load_project(ctx, arg(args, 0))?;
    let all = ctx.app.db.all_jobsets()?;
    if ctx.wants_json() {
        let names: Vec<String> = all
            .iter()
            .filter(|j| j.project == p.name)
            .map(|j| j.name.clone())
            .collect();
        return Ok(Response::json(&api::project_json(&p, &names)));
    }
    let pct = share_pcts(&all);
    let mine: Vec<(Jobset, Option<f64>)> = all
        .iter()
        .filter(|j| j.project == p.name)
        .map(|j| (j.clone(), pct(j)))
        .collect();
    let can_edit = ctx
        .auth
        .user
        .as_ref()
        .is_some_and(|u| auth::can_edit(u, &p));
    Ok(Response::html(pages::project_page(
        &ctx.page(),
        &p,
        &mine,
        can_edit,
    )))
}

fn project_put(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let user = ctx.auth.require_user()?;
    let params = params(ctx)?;
    let (name, is_new) = target_name(arg(args, 0), &params)?;
    let existing = ctx.app.db.project(&name)?;
    match &existing {
        Some(_) if is_new => {
            return Err(HttpError::new(
                409,
                format!("project `{name}` already exists"),
            ))
        }
        Some(e) => ctx.auth.require_project_editor(e).map(|_| ())?,
        None => ctx.auth.require_role("create-projects").map(|_| ())?,
    }
    let p = api::project_from_params(&name, &params, existing.as_ref(), &user.name)?;
    let default_owner = existing
        .as_ref()
        .map(|e| e.owner.as_str())
        .unwrap_or(user.name.as_str());
    if p.owner != default_owner && !user.has_role("admin") {
        return Err(HttpError::forbidden(
            "only admins may set a project's owner",
        ));
    }
    if !p.owner.is_empty() && ctx.app.db.user(&p.owner)?.is_none() {
        return Err(HttpError::bad_request(format!(
            "owner `{}` is not a user",
            p.owner
        )));
    }
    let (was_unrestricted, old_uris) = existing
        .as_ref()
        .map(|e| (e.unrestricted, e.allowed_uris.clone()))
        .unwrap_or_default();
    if (p.unrestricted, &p.allowed_uris) != (was_unrestricted, &old_uris)
        && !crate::perm::can_set_eval_policy(user)
    {
        return Err(HttpError::forbidden(
            "only admins may set `unrestricted` or `allowed_uris` (they relax restricted evaluation)",
        ));
    }
    let created = ctx.app.db.put_project(&p)?;
    if p.unrestricted != was_unrestricted {
        eprintln!(
            "hydrant: admin `{}` {} unrestricted evaluation for project `{name}`",
            user.name,
            if p.unrestricted {
                "enabled"
            } else {
                "disabled"
            }
        );
    }
    if p.allowed_uris != old_uris {
        eprintln!(
            "hydrant: admin `{}` set allowed_uris of project `{name}` to [{}]",
            user.name,
            p.allowed_uris.join(" ")
        );
    }
    let names: Vec<String> = ctx
        .app
        .db
        .jobsets(&name)?
        .into_iter()
        .map(|j| j.name)
        .collect();
    Ok(saved(
        ctx,
        created,
        &format!("/project/{}", enc(&name)),
        api::project_json(&p, &names),
    ))
}

/// A browser's delete form must come from the confirmation page (`confirm=yes`); anything
/// else is sent there. `DELETE` and JSON clients delete at once, as in Hydra's API.
fn unconfirmed(ctx: &Ctx, confirm_page: &str) -> Option<Response> {
    let form = ctx.form.as_ref()?;
    let confirmed = form.iter().any(|(k, v)| k == "confirm" && v == "yes");
    (!confirmed).then(|| Response::redirect(confirm_page))
}

fn project_delete_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let p = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&p)?;
    let jobsets = ctx.app.db.jobsets(&p.name)?.len();
    Ok(Response::html(pages::confirm_delete(
        &ctx.page(),
        &format!("project {}", p.name),
        &format!("/project/{}", enc(&p.name)),
        &format!(
            "Its {jobsets} jobset(s) go with it: every evaluation, build, queued or running \
             build, build log and GC root of them. This cannot be undone."
        ),
    )))
}

fn jobset_delete_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    let js = load_jobset(ctx, &project.name, arg(args, 1))?;
    let (_, evals) = ctx.app.db.jobset_evals(&js.project, &js.name, 0, 0)?;
    Ok(Response::html(pages::confirm_delete(
        &ctx.page(),
        &format!("jobset {}:{}", js.project, js.name),
        &format!("/jobset/{}/{}", enc(&js.project), enc(&js.name)),
        &format!(
            "Its {evals} evaluation(s) go with it, with every build, queued or running build, \
             build log and GC root of the jobset. This cannot be undone."
        ),
    )))
}

fn project_delete(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let p = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&p)?;
    if let Some(r) = unconfirmed(ctx, &format!("/project/{}/delete", enc(&p.name))) {
        return Ok(r);
    }
    crate::queue::delete_project(ctx.app, &p.name)
        .map_err(|e| HttpError::new(500, e.to_string()))?;
    crate::queue::jobsets_changed(ctx.app).map_err(|e| HttpError::new(500, e.to_string()))?;
    Ok(deleted(ctx, "/"))
}

fn project_edit_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let p = load_project(ctx, arg(args, 0))?;
    let u = ctx.auth.require_project_editor(&p)?;
    let admin = crate::perm::can_set_eval_policy(u);
    Ok(Response::html(pages::project_form(
        &ctx.page(),
        Some(&p),
        admin,
    )))
}

fn create_jobset_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let p = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&p)?;
    let mut js = Jobset::new(&p.name, "");
    js.nixexprinput = "src".into();
    Ok(Response::html(pages::jobset_form(
        &ctx.page(),
        &format!("Create jobset in {}", p.name),
        &format!("/jobset/{}/.new", enc(&p.name)),
        &js,
        &[],
        true,
    )))
}

/// Counts an eval's members by state, inside the caller's read transaction.
fn page_number(ctx: &Ctx) -> Result<usize, HttpError> {
    match ctx.req.query_param("page") {
        None | Some("") => Ok(1),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(HttpError::bad_request(format!(
                "`page` must be a positive number, not `{s}`"
            ))),
        },
    }
}

fn jobset_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (pn, jn) = (arg(args, 0), arg(args, 1));
    let js = load_jobset(ctx, pn, jn)?;
    let inputs = ctx.app.db.jobset_inputs(pn, jn)?;
    if ctx.wants_json() {
        return Ok(Response::json(&api::jobset_json(&js, &inputs)));
    }
    let project = load_project(ctx, pn)?;
    let tab = ctx
        .req
        .query_param("tab")
        .filter(|t| matches!(*t, "jobs" | "config"))
        .unwrap_or("evals");
    let page = page_number(ctx)?;
    let (evals, total) =
        ctx.app
            .db
            .jobset_evals(pn, jn, (page - 1) * EVALS_PER_PAGE, EVALS_PER_PAGE)?;
    let last_eval = if page == 1 {
        evals.first().cloned()
    } else {
        ctx.app.db.jobset_evals(pn, jn, 0, 1)?.0.into_iter().next()
    };
    let mut with_counts = Vec::new();
    if tab == "evals" {
        let ids: Vec<u64> = evals.iter().map(|e| e.id).collect();
        let counts = ctx.app.db.eval_counts(&ids)?;
        with_counts.extend(evals.into_iter().zip(counts));
    }
    let latest = if tab == "jobs" {
        ctx.app.db.latest_builds(pn, jn)?
    } else {
        Vec::new()
    };
    let share_pct = if tab == "config" {
        share_pcts(&ctx.app.db.all_jobsets()?)(&js)
    } else {
        None
    };
    let can_edit = ctx
        .auth
        .user
        .as_ref()
        .is_some_and(|u| auth::can_edit(u, &project));
    let view = JobsetView {
        jobset: &js,
        inputs: &inputs,
        share_pct,
        evals: &with_counts,
        evals_total: total,
        page,
        latest_builds: &latest,
        last_eval: last_eval.as_ref(),
        can_edit,
        can_eval: can_eval(ctx, &project),
        running: super::eval_progress::running(
            ctx.app,
            &ctx.page(),
            pn,
            jn,
            can_eval(ctx, &project),
        ),
    };
    Ok(Response::html(pages::jobset_page(&ctx.page(), &view, tab)))
}

/// Non-admins may only name local paths (path inputs, local git repositories) inside the
/// config's `allowed_path_inputs`. An input left exactly as it was (an admin set it) passes.
fn check_local_paths(
    ctx: &Ctx,
    user: &db::User,
    old: &[db::JobsetInput],
    inputs: &[db::JobsetInput],
) -> Result<(), HttpError> {
    use crate::eval::inputs::{check_local_path, LocalPathError};
    if crate::perm::can_use_any_local_path(user) {
        return Ok(());
    }
    for i in inputs {
        let unchanged = old
            .iter()
            .any(|o| (&o.name, &o.kind, &o.value) == (&i.name, &i.kind, &i.value));
        if unchanged {
            continue;
        }
        check_local_path(i, &ctx.app.config.allowed_path_inputs).map_err(|e| match e {
            LocalPathError::Outside(m) => HttpError::forbidden(m),
            LocalPathError::Unresolvable(m) => HttpError::bad_request(m),
        })?;
    }
    Ok(())
}

fn jobset_put(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    let user = ctx.auth.require_project_editor(&project)?;
    let params = params(ctx)?;
    let (name, is_new) = target_name(arg(args, 1), &params)?;
    let existing = ctx.app.db.jobset(&project.name, &name)?;
    if is_new && existing.is_some() {
        return Err(HttpError::new(
            409,
            format!("jobset `{}:{name}` already exists", project.name),
        ));
    }
    let (js, inputs) = api::jobset_from_params(&project.name, &name, &params, existing.as_ref())?;
    let old = match &existing {
        Some(_) => ctx.app.db.jobset_inputs(&project.name, &name)?,
        None => Vec::new(),
    };
    check_local_paths(ctx, user, &old, &inputs)?;
    let created = ctx.app.db.put_jobset(&js, &inputs)?;
    // A new or changed jobset may be due for evaluation, and new shares apply at the next pick.
    ctx.app.eval_wake.notify();
    crate::queue::jobsets_changed(ctx.app).map_err(|e| HttpError::new(500, e.to_string()))?;
    Ok(saved(
        ctx,
        created,
        &format!("/jobset/{}/{}", enc(&project.name), enc(&name)),
        api::jobset_json(&js, &inputs),
    ))
}

fn jobset_delete(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    let js = load_jobset(ctx, &project.name, arg(args, 1))?;
    let page = format!("/jobset/{}/{}/delete", enc(&js.project), enc(&js.name));
    if let Some(r) = unconfirmed(ctx, &page) {
        return Ok(r);
    }
    crate::queue::delete_jobset(ctx.app, &project.name, &js.name)
        .map_err(|e| HttpError::new(500, e.to_string()))?;
    crate::queue::jobsets_changed(ctx.app).map_err(|e| HttpError::new(500, e.to_string()))?;
    Ok(deleted(ctx, &format!("/project/{}", enc(&project.name))))
}

fn jobset_edit_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    let js = load_jobset(ctx, &project.name, arg(args, 1))?;
    let inputs = ctx.app.db.jobset_inputs(&project.name, &js.name)?;
    Ok(Response::html(pages::jobset_form(
        &ctx.page(),
        &format!("Edit jobset {}:{}", js.project, js.name),
        &format!("/jobset/{}/{}", enc(&js.project), enc(&js.name)),
        &js,
        &inputs,
        false,
    )))
}

fn jobset_clone_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    let mut js = load_jobset(ctx, &project.name, arg(args, 1))?;
    let inputs = ctx.app.db.jobset_inputs(&project.name, &js.name)?;
    let title = format!("Clone jobset {}:{}", js.project, js.name);
    js.name = String::new();
    Ok(Response::html(pages::jobset_form(
        &ctx.page(),
        &title,
        &format!("/jobset/{}/.new", enc(&js.project)),
        &js,
        &inputs,
        true,
    )))
}

/// Records a trigger through the evaluator's own rule (a disabled project or jobset is refused
/// with 409); the evaluator picks it up (force: evaluate even if inputs are unchanged).
fn trigger(ctx: &Ctx, p: &str, j: &str, force: bool) -> Result<(), HttpError> {
    use crate::eval::EvalError;
    crate::eval::scheduler::trigger(&ctx.app.db, p, j, force).map_err(|e| match e {
        EvalError::Db(d) => HttpError::from(d),
        EvalError::NotFound(m) => HttpError::not_found(format!("{m} does not exist")),
        EvalError::Disabled(m) => HttpError::new(409, format!("{m} is disabled")),
    })
}

fn jobset_evaluate(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    let js = load_jobset(ctx, &project.name, arg(args, 1))?;
    ctx.auth.require_user()?;
    if !can_eval(ctx, &project) {
        return Err(HttpError::forbidden(
            "evaluating needs the `eval-jobset` role or ownership of the project",
        ));
    }
    trigger(ctx, &project.name, &js.name, true)?;
    ctx.app.eval_wake.notify();
    let loc = format!("/jobset/{}/{}", enc(&project.name), enc(&js.name));
    if ctx.form.is_some() && !ctx.wants_json() {
        Ok(Response::redirect(&loc))
    } else {
        Ok(Response::json(
            &json!({ "jobsetsTriggered": [format!("{}:{}", project.name, js.name)] }),
        ))
    }
}

fn jobset_reproduce(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let js = load_jobset(ctx, arg(args, 0), arg(args, 1))?;
    let inputs = ctx.app.db.jobset_inputs(&js.project, &js.name)?;
    let script = pages::reproduce_script(&js, &inputs)
        .map_err(|e| HttpError::new(409, format!("no reproduce script: {e}")))?;
    Ok(Response::text(script))
}

fn member_ids(ctx: &Ctx, eval: u64) -> Result<Vec<u64>, HttpError> {
    Ok(ctx.app.db.queue_eval_member_ids(eval)?)
}

fn jobset_evals(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let js = load_jobset(ctx, arg(args, 0), arg(args, 1))?;
    let page = page_number(ctx)?;
    let (evals, total) = ctx.app.db.jobset_evals(
        &js.project,
        &js.name,
        (page - 1) * EVALS_PER_PAGE,
        EVALS_PER_PAGE,
    )?;
    let last = total.div_ceil(EVALS_PER_PAGE).max(1);
    let mut list = Vec::new();
    for e in &evals {
        list.push(api::eval_json(e, &member_ids(ctx, e.id)?));
    }
    let mut v = json!({
        "evals": list,
        "first": "?page=1",
        "last": format!("?page={last}"),
    });
    if page < last {
        v["next"] = json!(format!("?page={}", page + 1));
    }
    if page > 1 {
        v["previous"] = json!(format!("?page={}", page - 1));
    }
    if !ctx.wants_json() {
        // No separate HTML page: the jobset page shows the evaluations.
        return Ok(Response::redirect(&format!(
            "/jobset/{}/{}?tab=evals&page={page}",
            enc(&js.project),
            enc(&js.name)
        )));
    }
    Ok(Response::json(&v))
}

fn api_jobsets(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let p = ctx
        .req
        .query_param("project")
        .ok_or_else(|| HttpError::bad_request("missing query parameter `project`"))?;
    load_project(ctx, p)?;
    let mut out = Vec::new();
    for js in ctx.app.db.jobsets(p)? {
        let inputs = ctx.app.db.jobset_inputs(p, &js.name)?;
        out.push(api::jobset_json(&js, &inputs));
    }
    Ok(Response::json(&Value::Array(out)))
}

/// `POST /api/push?jobsets=P:J[,P:J...][&force=1]`: triggers evaluations (Hydra's push API).
fn api_push(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    ctx.auth.require_user()?;
    let list = ctx
        .req
        .query_param("jobsets")
        .ok_or_else(|| HttpError::bad_request("missing query parameter `jobsets` (P:J,...)"))?;
    let force = match ctx.req.query_param("force") {
        None => false,
        Some(f) => api::parse_bool(&Value::String(f.to_string()))
            .ok_or_else(|| HttpError::bad_request("`force` must be 0 or 1"))?,
    };
    let mut targets = Vec::new();
    for item in list.split([',', ' ']).filter(|s| !s.is_empty()) {
        let (p, j) = item.split_once(':').ok_or_else(|| {
            HttpError::bad_request(format!("`{item}` is not of the form PROJECT:JOBSET"))
        })?;
        let project = load_project(ctx, p)?;
        let js = load_jobset(ctx, p, j)?;
        // Refused before any is triggered: a push is all or nothing.
        if !project.enabled || js.enabled == db::JOBSET_DISABLED {
            return Err(HttpError::new(
                409,
                format!("`{item}` cannot be evaluated: it or its project is disabled"),
            ));
        }
        if !can_eval(ctx, &project) {
            return Err(HttpError::forbidden(format!(
                "triggering `{item}` needs the `eval-jobset` role or ownership of project `{p}`"
            )));
        }
        targets.push((p.to_string(), j.to_string()));
    }
    let mut done = Vec::new();
    for (p, j) in targets {
        trigger(ctx, &p, &j, force)?;
        done.push(format!("{p}:{j}"));
    }
    ctx.app.eval_wake.notify();
    Ok(Response::json(&json!({ "jobsetsTriggered": done })))
}

fn id_arg(args: &[String], what: &str) -> Result<u64, HttpError> {
    let s = arg(args, 0);
    s.parse()
        .map_err(|_| HttpError::bad_request(format!("`{s}` is not a valid {what} number")))
}

fn load_eval(ctx: &Ctx, args: &[String]) -> Result<Eval, HttpError> {
    let id = id_arg(args, "evaluation")?;
    ctx.app
        .db
        .eval(id)?
        .ok_or_else(|| HttpError::not_found(format!("evaluation {id} does not exist")))
}

fn eval_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let e = load_eval(ctx, args)?;
    let builds = ctx.app.db.eval_builds(e.id)?;
    if ctx.wants_json() {
        let ids: Vec<u64> = builds.iter().map(|(b, _)| b.id).collect();
        return Ok(Response::json(&api::eval_json(&e, &ids)));
    }
    let actions = super::queue_pages::eval_actions(ctx, &e)?;
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
    let v: Vec<Value> = builds.iter().map(|(b, _)| api::build_json(b)).collect();
    Ok(Response::json(&Value::Array(v)))
}

/// `POST /admin/backup` (admins): a consistent copy of the database, written while the
/// server runs to `state_dir/backups/hydrant-YYYYMMDD-HHMMSS.redb`.
fn admin_backup(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    ctx.auth.require_role("admin")?;
    let dir = ctx.app.config.state_dir.join("backups");
    std::fs::create_dir_all(&dir)
        .map_err(|e| HttpError::new(500, format!("cannot create {}: {e}", dir.display())))?;
    let stamp: String = pages::fmt_time(db::now())
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect();
    let mut path = dir.join(format!("hydrant-{stamp}.redb"));
    for n in 1.. {
        if !path.exists() {
            break;
        }
        path = dir.join(format!("hydrant-{stamp}-{n}.redb"));
    }
    let r = ctx.app.db.backup(&path)?;
    eprintln!(
        "hydrant: admin `{}` backed up the database to {}",
        ctx.auth
            .user
            .as_ref()
            .map(|u| u.name.as_str())
            .unwrap_or(""),
        r.path.display()
    );
    Ok(Response::json(&json!({
        "path": r.path.display().to_string(),
        "tables": r.tables,
        "records": r.records,
        "bytes": r.bytes,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing() {
        match find("GET", "/jobset/p/j%20x/clone") {
            Match::Found(r, args) => {
                assert_eq!(r.pattern, "/jobset/:p/:j/clone");
                assert_eq!(args, vec!["p", "j x"]);
            }
            _ => panic!("no match"),
        }
        assert!(matches!(find("PATCH", "/project/x"), Match::WrongMethod(_)));
        assert!(matches!(find("GET", "/nope/x"), Match::NotFound));
        assert!(matches!(find("GET", "/"), Match::Found(..)));
    }
}
