//! Jobsets: the jobset page (evaluations, jobs, configuration tabs), its forms, evaluate,
//! reproduce, the evals JSON list, `/api/jobsets` and Hydra's push API.

use super::api;
use super::common::*;
use super::pages::{self, JobsetView, EVALS_PER_PAGE};
use super::router::{r, Route};
use super::{auth, url_encode as enc, Ctx, HttpError, Response};
use crate::db::{self, Jobset};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
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
];

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
        "jobset",
        &name,
    ))
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
        .ok_or_else(|| HttpError::bad_request("Parameter 'project' not defined!"))?;
    let project = load_project(ctx, p)?;
    // Hydra's JobsetOverview: hidden jobsets only for the project's owners.
    let owner = ctx
        .auth
        .user
        .as_ref()
        .is_some_and(|u| crate::perm::can_edit_project(u, &project));
    let mut out = Vec::new();
    for js in ctx.app.db.jobsets(p)? {
        if !js.visible && !owner {
            continue;
        }
        let c = ctx.app.db.current_counts(p, &js.name)?;
        let inputs = ctx.app.db.jobset_inputs(p, &js.name)?;
        let mut v = api::jobset_json(&js, &inputs);
        v["nrscheduled"] = json!(c.scheduled);
        v["nrsucceeded"] = json!(c.succeeded);
        v["nrfailed"] = json!(c.failed);
        v["nrtotal"] = json!(c.total);
        v["haserrormsg"] = json!(js.errormsg.as_deref().is_some_and(|m| !m.is_empty()));
        out.push(v);
    }
    Ok(Response::json(&Value::Array(out)))
}

/// `POST /api/push?jobsets=P:J[,P:J...][&force=1]`: triggers evaluations (Hydra's push API).
fn api_push(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    ctx.auth.require_user()?;
    let list = ctx.req.query_param("jobsets").unwrap_or("");
    let repos = ctx.req.query_param("repos").unwrap_or("");
    if list.trim().is_empty() && repos.trim().is_empty() {
        return Err(HttpError::bad_request(
            "give `jobsets=P:J,...` or `repos=URL,...` (the jobsets with an input on that URL)",
        ));
    }
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
    // `repos`: every enabled jobset of an enabled project with an input of that value
    // (Hydra's JobsetInputAlts match), each checked for the caller's eval rights.
    for url in repos.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        for (p, j) in ctx.app.db.jobsets_with_input(|i| {
            i.value == url || i.value.split_whitespace().next() == Some(url)
        })? {
            let (Some(project), Some(js)) = (ctx.app.db.project(&p)?, ctx.app.db.jobset(&p, &j)?)
            else {
                continue;
            };
            if !project.enabled || js.enabled == db::JOBSET_DISABLED {
                continue;
            }
            if !can_eval(ctx, &project) {
                return Err(HttpError::forbidden(format!(
                    "triggering `{p}:{j}` needs the `eval-jobset` role or ownership of project `{p}`"
                )));
            }
            if !targets.contains(&(p.clone(), j.clone())) {
                targets.push((p, j));
            }
        }
    }
    let mut done = Vec::new();
    for (p, j) in targets {
        trigger(ctx, &p, &j, force)?;
        done.push(format!("{p}:{j}"));
    }
    ctx.app.eval_wake.notify();
    Ok(Response::json(&json!({ "jobsetsTriggered": done })))
}
