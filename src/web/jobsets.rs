//! Jobsets: the jobset page (evaluations, jobs, configuration tabs), its forms, evaluate,
//! reproduce, the evals JSON list, `/api/jobsets` and Hydra's push API.

use super::api;
use super::common::*;
use super::pages::{self, EvalRow, GridView, JobsetView, EVALS_PER_PAGE, GRID_EVALS, GRID_PAGE};
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
    refuse_declarative(&p)?;
    let mut js = Jobset::new(&p.name, "");
    js.nixexprinput = "src".into();
    Ok(Response::html(pages::jobset_form(
        &ctx.page(),
        &format!("Create jobset in {}", p.name),
        &format!("/jobset/{}/.new", enc(&p.name)),
        &js,
        &[],
        true,
        None,
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
    let (evals, total) = ctx.app.db.jobset_evals(
        pn,
        jn,
        (page - 1).saturating_mul(EVALS_PER_PAGE),
        EVALS_PER_PAGE,
    )?;
    let last_eval = if page == 1 {
        evals.first().cloned()
    } else {
        ctx.app.db.jobset_evals(pn, jn, 0, 1)?.0.into_iter().next()
    };
    let rows = if tab == "evals" {
        eval_rows(ctx, pn, jn, page, evals)?
    } else {
        Vec::new()
    };
    let grid = if tab == "jobs" {
        Some(grid(ctx, pn, jn)?)
    } else {
        None
    };
    let share_pct = if tab == "config" {
        share_pcts(&ctx.app.db.all_jobsets()?)(&js)
    } else {
        None
    };
    let can_edit = !project.is_declarative()
        && ctx
            .auth
            .user
            .as_ref()
            .is_some_and(|u| auth::can_edit(u, &project));
    let view = JobsetView {
        jobset: &js,
        inputs: &inputs,
        share_pct,
        evals: &rows,
        evals_total: total,
        page,
        grid: grid.as_ref(),
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
        declared_by: project.is_declarative().then(|| declared_by(&project)),
    };
    Ok(Response::html(pages::jobset_page(&ctx.page(), &view, tab)))
}

/// The Evaluations tab's rows: counts, and the deltas against each eval's predecessor (one
/// more eval is read past the page for the last row's).
fn eval_rows(
    ctx: &Ctx,
    p: &str,
    j: &str,
    page: usize,
    evals: Vec<db::Eval>,
) -> Result<Vec<EvalRow>, HttpError> {
    let next = ctx
        .app
        .db
        .jobset_evals(p, j, page * EVALS_PER_PAGE, 1)?
        .0
        .into_iter()
        .next();
    let mut ids: Vec<u64> = evals.iter().map(|e| e.id).collect();
    ids.extend(next.as_ref().map(|e| e.id));
    let counts = ctx.app.db.eval_counts(&ids)?;
    let mut rows = Vec::with_capacity(evals.len());
    for (i, e) in evals.iter().enumerate() {
        let before = evals.get(i + 1).or(next.as_ref());
        let changed_inputs = match before {
            Some(b) => pages::input_changes(e, Some(b))
                .into_iter()
                .filter(|c| c.changed())
                .map(|c| (c.name, c.now.unwrap_or_else(|| "(removed)".into())))
                .collect(),
            None => Vec::new(),
        };
        rows.push(EvalRow {
            eval: e.clone(),
            counts: counts[i],
            prev: before.and(counts.get(i + 1).copied()),
            changed_inputs,
        });
    }
    Ok(rows)
}

/// The Jobs tab's grid: `?sort=desc` and `?after=JOB` page through the jobs by name.
fn grid(ctx: &Ctx, p: &str, j: &str) -> Result<GridView, HttpError> {
    let desc = match ctx.req.query_param("sort") {
        None | Some("") | Some("asc") => false,
        Some("desc") => true,
        Some(s) => {
            return Err(HttpError::bad_request(format!(
                "`sort` must be asc or desc, not `{s}`"
            )))
        }
    };
    let after = ctx.req.query_param("after").unwrap_or("").to_string();
    let (evals, _) = ctx.app.db.jobset_evals(p, j, 0, GRID_EVALS)?;
    let ids: Vec<u64> = evals.iter().map(|e| e.id).collect();
    let (rows, more) = ctx.app.db.jobs_grid(&ids, &after, desc, GRID_PAGE)?;
    Ok(GridView {
        total_jobs: evals.first().map(|e| e.nrbuilds).unwrap_or(0),
        evals: ids,
        rows,
        more,
        after,
        desc,
    })
}

/// Where the jobsets of a declarative project are defined.
fn declared_by(p: &db::Project) -> String {
    format!(
        "This jobset is declarative: it is defined by {} in the {} input {} of project {} \
         (see the project page), and is changed by editing that file, not here.",
        p.declfile, p.decltype, p.declvalue, p.name
    )
}

/// Jobsets of a declarative project are written only by its spec: every form and write of
/// one answers 409, naming where the spec lives.
fn refuse_declarative(p: &db::Project) -> Result<(), HttpError> {
    if !p.is_declarative() {
        return Ok(());
    }
    Err(HttpError::new(
        409,
        format!(
            "project `{}` is declarative: its jobsets are defined by the spec file `{}` in its \
             {} input `{}` and cannot be created, edited or deleted here; change that file instead",
            p.name, p.declfile, p.decltype, p.declvalue
        ),
    ))
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

/// The jobset form's fields, as validation messages name them.
const JOBSET_FIELDS: &[&str] = &[
    "name",
    "description",
    "enabled",
    "visible",
    "type",
    "flake",
    "nixexprinput",
    "nixexprpath",
    "checkinterval",
    "schedulingshares",
    "keepnr",
    "enableemail",
    "emailoverride",
    "inputs",
];

/// A browser's form that fails validation comes back with what was typed (input rows too) and
/// the message beside its field (422); scripts get the error as it is.
fn jobset_put(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    refuse_declarative(&project)?;
    match jobset_save(ctx, args) {
        Err(e) if refill_form(ctx, &e, JOBSET_FIELDS) => {
            let (p, j) = (arg(args, 0), arg(args, 1));
            load_project(ctx, p)?;
            let form = ctx.form.as_deref().unwrap_or(&[]);
            let creating = j == ".new";
            let existing = if creating {
                None
            } else {
                ctx.app.db.jobset(p, j)?
            };
            let (js, inputs) = typed_jobset(p, form, existing.as_ref(), (!creating).then_some(j));
            let (title, action) = if creating {
                (
                    format!("Create jobset in {p}"),
                    format!("/jobset/{}/.new", enc(p)),
                )
            } else {
                (
                    format!("Edit jobset {p}:{j}"),
                    format!("/jobset/{}/{}", enc(p), enc(j)),
                )
            };
            let err = pages::FormError::from_message(&e.message, JOBSET_FIELDS);
            Ok(Response::html(pages::jobset_form(
                &ctx.page(),
                &title,
                &action,
                &js,
                &inputs,
                creating,
                Some(&err),
            ))
            .with_status(422))
        }
        r => r,
    }
}

/// What the form said, without validation (to show it again); numbers that do not parse keep
/// the jobset's value (the message names them).
fn typed_jobset(
    project: &str,
    form: &[(String, String)],
    existing: Option<&Jobset>,
    name: Option<&str>,
) -> (Jobset, Vec<db::JobsetInput>) {
    let get = |k: &str| {
        form.iter()
            .rev()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
    };
    let on = |k: &str| get(k).is_some_and(|v| !matches!(v.as_str(), "" | "0" | "off" | "false"));
    let mut js = existing
        .cloned()
        .unwrap_or_else(|| Jobset::new(project, ""));
    js.name = name
        .map(String::from)
        .or_else(|| get("name"))
        .unwrap_or_default();
    js.description = get("description").unwrap_or_default();
    js.jobset_type = match get("type").as_deref() {
        Some("1") | Some("flake") => db::JOBSET_FLAKE,
        Some(_) => db::JOBSET_LEGACY,
        None => js.jobset_type,
    };
    js.flake = get("flake").unwrap_or_default();
    js.nixexprinput = get("nixexprinput").unwrap_or_default();
    js.nixexprpath = get("nixexprpath").unwrap_or_default();
    js.enabled = get("enabled")
        .and_then(|v| v.parse().ok())
        .unwrap_or(js.enabled);
    js.visible = on("visible");
    js.enableemail = on("enableemail");
    js.emailoverride = get("emailoverride").unwrap_or_default();
    js.checkinterval = get("checkinterval")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(js.checkinterval);
    js.schedulingshares = get("schedulingshares")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(js.schedulingshares);
    js.keepnr = get("keepnr")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(js.keepnr);
    let mut rows: std::collections::BTreeMap<u32, db::JobsetInput> = Default::default();
    for (k, v) in form {
        let Some((n, field)) = k.strip_prefix("input-").and_then(|r| r.split_once('-')) else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        let row = rows.entry(n).or_insert_with(|| db::JobsetInput {
            name: String::new(),
            kind: "string".into(),
            value: String::new(),
            emailresponsible: false,
        });
        match field {
            "name" => row.name = v.clone(),
            "type" => row.kind = v.clone(),
            "value" => row.value = v.clone(),
            _ => {}
        }
    }
    let inputs = rows
        .into_values()
        .filter(|i| !i.name.trim().is_empty())
        .collect();
    (js, inputs)
}

fn jobset_save(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
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
    // A flake in a local repository or directory is a local path like a path input's.
    let flake_unchanged = existing.as_ref().is_some_and(|e| e.flake == js.flake);
    if let Some(local) = crate::eval::flake::local_input(&js.flake).filter(|_| !flake_unchanged) {
        check_local_paths(ctx, user, &[], &[local])?;
    }
    // A create or delete of this name racing this request is a 409, not a silent overwrite.
    let created = ctx
        .app
        .db
        .put_jobset_over(&js, &inputs, Some(existing.is_some()))?;
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
    refuse_declarative(&project)?;
    let js = load_jobset(ctx, &project.name, arg(args, 1))?;
    let (_, evals) = ctx.app.db.jobset_evals(&js.project, &js.name, 0, 0)?;
    Ok(Response::html(pages::confirm_delete(
        &ctx.page(),
        &format!("jobset {}:{}", js.project, js.name),
        &format!("/jobset/{}/{}", enc(&js.project), enc(&js.name)),
        &format!(
            "Its {} go with it, with every build, queued or running build, \
             build log and GC root of the jobset. This cannot be undone.",
            pages::plural(evals as u64, "evaluation", "evaluations")
        ),
    )))
}

fn jobset_delete(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    refuse_declarative(&project)?;
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
    refuse_declarative(&project)?;
    let js = load_jobset(ctx, &project.name, arg(args, 1))?;
    let inputs = ctx.app.db.jobset_inputs(&project.name, &js.name)?;
    Ok(Response::html(pages::jobset_form(
        &ctx.page(),
        &format!("Edit jobset {}:{}", js.project, js.name),
        &format!("/jobset/{}/{}", enc(&js.project), enc(&js.name)),
        &js,
        &inputs,
        false,
        None,
    )))
}

fn jobset_clone_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let project = load_project(ctx, arg(args, 0))?;
    ctx.auth.require_project_editor(&project)?;
    refuse_declarative(&project)?;
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
        None,
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
    if js.jobset_type == db::JOBSET_FLAKE {
        // The latest eval's lock: what its builds were evaluated from.
        let (evals, _) = ctx.app.db.jobset_evals(&js.project, &js.name, 0, 1)?;
        let script = pages::flake_reproduce_script(&js, evals.first())
            .map_err(|e| HttpError::new(409, format!("no reproduce script: {e}")))?;
        return Ok(Response::text(script));
    }
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
        (page - 1).saturating_mul(EVALS_PER_PAGE),
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
            let Some(project) = triggerable(ctx, &p, &j)? else {
                continue;
            };
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
