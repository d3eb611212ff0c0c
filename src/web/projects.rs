//! Projects: the overview (`/`), a project's page, its create/edit/delete forms and the JSON
//! API on `/project/P`.

use super::api;
use super::common::*;
use super::router::{r, Route};
use super::{auth, pages, url_encode as enc, Ctx, HttpError, Response};
use crate::db::{Jobset, Project};
use serde_json::Value;

pub const ROUTES: &[Route] = &[
    r("GET", "/", overview),
    r("GET", "/create-project", create_project_form),
    r("GET", "/project/:p", project_get),
    r("PUT", "/project/:p", project_put),
    r("POST", "/project/:p", project_put),
    r("DELETE", "/project/:p", project_delete),
    r("GET", "/project/:p/edit", project_edit_form),
    r("GET", "/project/:p/delete", project_delete_form),
    r("POST", "/project/:p/delete", project_delete),
];

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

fn create_project_form(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let u = ctx.auth.require_role("create-projects")?;
    let admin = crate::perm::can_set_eval_policy(u);
    let p = Project {
        enabled: true,
        visible: true,
        ..Default::default()
    };
    Ok(Response::html(pages::project_form(
        &ctx.page(),
        &p,
        false,
        admin,
        None,
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

/// The project form's fields, as validation messages name them.
const PROJECT_FIELDS: &[&str] = &[
    "name",
    "displayname",
    "description",
    "homepage",
    "owner",
    "enabled",
    "visible",
    "allowed_uris",
    "unrestricted",
    "declfile",
    "decltype",
    "declvalue",
];

/// A browser's form that fails validation comes back with what was typed and the message
/// beside its field (422); scripts get the error as it is.
fn project_put(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    match project_save(ctx, args) {
        Err(e) if refill_form(ctx, &e, PROJECT_FIELDS) => {
            let form = ctx.form.as_deref().unwrap_or(&[]);
            let url_name = arg(args, 0);
            let existing = if url_name == ".new" {
                None
            } else {
                ctx.app.db.project(url_name)?
            };
            let editing = existing.is_some();
            let name = (url_name != ".new").then_some(url_name);
            let p = typed_project(form, existing.as_ref(), name);
            let admin = ctx
                .auth
                .user
                .as_ref()
                .is_some_and(crate::perm::can_set_eval_policy);
            let err = pages::FormError::from_message(&e.message, PROJECT_FIELDS);
            Ok(Response::html(pages::project_form(
                &ctx.page(),
                &p,
                editing,
                admin,
                Some(&err),
            ))
            .with_status(422))
        }
        r => r,
    }
}

/// What the form said, without validation (to show it again).
fn typed_project(
    form: &[(String, String)],
    existing: Option<&Project>,
    name: Option<&str>,
) -> Project {
    let get = |k: &str| {
        form.iter()
            .rev()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
    };
    let on = |k: &str| get(k).is_some_and(|v| !matches!(v.as_str(), "" | "0" | "off" | "false"));
    let mut p = existing.cloned().unwrap_or_default();
    p.name = name
        .map(String::from)
        .or_else(|| get("name"))
        .unwrap_or_default();
    p.displayname = get("displayname").unwrap_or_default();
    p.description = get("description").unwrap_or_default();
    p.homepage = get("homepage").unwrap_or_default();
    p.owner = get("owner").unwrap_or(p.owner);
    p.enabled = on("enabled");
    p.visible = on("visible");
    if let Some(u) = get("allowed_uris") {
        p.allowed_uris = u.split_whitespace().map(String::from).collect();
    }
    if get("unrestricted").is_some() {
        p.unrestricted = on("unrestricted");
    }
    if let Some(f) = get("declfile") {
        p.declfile = f;
        p.decltype = get("decltype").unwrap_or_default();
        p.declvalue = get("declvalue").unwrap_or_default();
    }
    p
}

fn project_save(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
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
    let old_decl = existing
        .as_ref()
        .map(|e| (e.decltype.clone(), e.declvalue.clone()));
    if p.is_declarative()
        && old_decl != Some((p.decltype.clone(), p.declvalue.clone()))
        && !crate::perm::can_use_any_local_path(user)
    {
        use crate::eval::inputs::{check_local_path, LocalPathError};
        check_local_path(
            &crate::db::decl::decl_input(&p),
            &ctx.app.config.allowed_path_inputs,
        )
        .map_err(|e| match e {
            LocalPathError::Outside(m) => HttpError::forbidden(format!("`declvalue`: {m}")),
            LocalPathError::Unresolvable(m) => HttpError::bad_request(format!("`declvalue`: {m}")),
        })?;
    }
    // One transaction: the project with its `.jobsets` (or without it, if no longer declarative).
    // Only over what the checks above saw: a create or edit racing this one is a 409.
    let (created, gone) = ctx
        .app
        .db
        .put_project_decl_over(&p, Some(existing.as_ref()))?;
    declarative_saved(ctx, &p, &gone)?;
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
    Ok(saved(
        ctx,
        created,
        &format!("/project/{}", enc(&name)),
        "project",
        &name,
    ))
}

/// After a save: a declarative project's `.jobsets` is evaluated, which reads the spec; a
/// project no longer declarative had its `.jobsets` deleted (its files go now; its other
/// jobsets stay, edited here again).
fn declarative_saved(ctx: &Ctx, p: &Project, gone: &crate::db::Deleted) -> Result<(), HttpError> {
    if !gone.jobsets.is_empty() {
        crate::queue::removed(ctx.app, gone);
        crate::queue::jobsets_changed(ctx.app).map_err(|e| HttpError::new(500, e.to_string()))?;
    }
    if p.is_declarative() && p.enabled {
        crate::eval::scheduler::trigger(&ctx.app.db, &p.name, crate::db::DECL_JOBSET, true)
            .map_err(|e| HttpError::new(500, e.to_string()))?;
        ctx.app.eval_wake.notify();
    }
    Ok(())
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
            "Its {} go with it: every evaluation, build, queued or running \
             build, build log and GC root of them. This cannot be undone.",
            pages::plural(jobsets as u64, "jobset", "jobsets")
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
        &p,
        true,
        admin,
        None,
    )))
}
