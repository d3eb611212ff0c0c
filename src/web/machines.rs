//! The build farm's face: `/machines` (page and JSON: each machine's systems, features, slots,
//! speed, current builds, builds done in the last hour and day, last failure, back-off), an
//! admin's disable/enable, and the logs of build steps (`/build/N/nixlog/STEP[/raw]`).

use super::pages::{self, fmt_time, PageCtx};
use super::router::{r, Route};
use super::{Ctx, HttpError, Response};
use crate::db::{self, status, BuildStep};
use crate::queue::{self, machines::FarmState, QueueError};
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/machines", machines_get),
    r("POST", "/machines/disable", machine_disable),
    r("POST", "/machines/enable", machine_enable),
    r("GET", "/build/:n/nixlog/:step", step_log_get),
    r("GET", "/build/:n/nixlog/:step/raw", step_log_raw),
];

fn queue_err(e: QueueError) -> HttpError {
    match e {
        QueueError::Db(d) => d.into(),
        QueueError::NotFound(m) => HttpError::not_found(format!("{m} not found")),
        e => HttpError::new(500, e.to_string()),
    }
}

/// A machine's state as JSON (also what the page shows).
pub fn machine_json(f: &FarmState, i: usize, now: i64) -> Value {
    let m = &f.machines[i];
    json!({
        "uri": m.machine.uri,
        "systems": m.machine.systems,
        "supportedFeatures": m.machine.supported_features,
        "mandatoryFeatures": m.machine.mandatory_features,
        "maxJobs": m.machine.max_jobs,
        "speedFactor": m.machine.speed_factor,
        "currentBuilds": m.current.iter().collect::<Vec<_>>(),
        "buildsLastHour": m.done_since(now - 3600),
        "buildsLastDay": m.done_since(now - 86_400),
        "consecutiveFailures": m.consecutive_failures,
        "lastFailure": m.last_failure.as_ref().map(|(t, msg)| json!({ "time": t, "message": msg })),
        "disabledUntil": if m.disabled_until > now { Some(m.disabled_until) } else { None },
        "adminDisabled": m.admin_disabled,
        "enabled": m.usable(now),
        "removed": m.gone,
    })
}

pub fn machines_json(f: &FarmState, now: i64) -> Value {
    json!({
        "machines": (0..f.machines.len()).map(|i| machine_json(f, i, now)).collect::<Vec<_>>(),
        "errors": f.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
    })
}

fn list_or_dash(v: &[String]) -> String {
    if v.is_empty() {
        "–".into()
    } else {
        v.join(", ")
    }
}

/// The machines page. Pure.
pub fn machines_page(pc: &PageCtx, f: &FarmState, now: i64, is_admin: bool) -> Markup {
    pages::layout(
        pc,
        "Machines",
        html! {
            h1 { "Machines" }
            @if !f.errors.is_empty() {
                div #machine-errors .error {
                    p { "The machines file has errors; these lines are skipped, the other machines keep working:" }
                    ul { @for e in &f.errors { li { (e.to_string()) } } }
                }
            }
            table #machines {
                thead { tr {
                    th { "Machine" } th { "Systems" } th { "Features" } th { "Mandatory" }
                    th.num { "Jobs" } th.num { "Speed" } th { "Current builds" }
                    th.num { "Last hour" } th.num { "Last day" } th { "Last failure" } th { "State" }
                    @if is_admin { th { "" } }
                } }
                tbody {
                    @for m in &f.machines {
                        tr.machine {
                            td.uri { (m.machine.uri) }
                            td { (list_or_dash(&m.machine.systems)) }
                            td { (list_or_dash(&m.machine.supported_features)) }
                            td { (list_or_dash(&m.machine.mandatory_features)) }
                            td.num.slots { (m.current.len()) " / " (m.machine.max_jobs) }
                            td.num { (m.machine.speed_factor) }
                            td.current { @for id in &m.current { a href={ "/build/" (id) } { (id) } " " } }
                            td.num.hour { (m.done_since(now - 3600)) }
                            td.num.day { (m.done_since(now - 86_400)) }
                            td.failure { @if let Some((t, msg)) = &m.last_failure {
                                (fmt_time(*t)) ": " span.muted { (msg) }
                            } }
                            td.state {
                                @if m.gone { "removed from the machines file" }
                                @else if m.admin_disabled { span.status-fail { "disabled by an admin" } }
                                @else if m.disabled_until > now {
                                    span.status-fail { "disabled until " (fmt_time(m.disabled_until)) }
                                    " (" (m.consecutive_failures) " failures)"
                                }
                                @else { span.status-0 { "enabled" } }
                            }
                            @if is_admin { td {
                                @let (action, label) = if m.admin_disabled || m.disabled_until > now {
                                    ("/machines/enable", "Enable")
                                } else {
                                    ("/machines/disable", "Disable")
                                };
                                form.inline method="post" action=(action) {
                                    input type="hidden" name="csrf" value=(pc.csrf);
                                    input type="hidden" name="machine" value=(m.machine.uri);
                                    button type="submit" { (label) }
                                }
                            } }
                        }
                    }
                }
            }
            p.muted { "A failing machine (unreachable, ssh or disk errors) is disabled for a while, longer after each failure; its build goes back to the queue. Enabling it ends the wait." }
        },
    )
}

fn machines_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let f = queue::farm_state(ctx.app);
    let now = db::now();
    if ctx.wants_json() {
        return Ok(Response::json(&machines_json(&f, now)));
    }
    let is_admin = ctx.auth.user.as_ref().is_some_and(|u| u.has_role("admin"));
    Ok(Response::html(machines_page(
        &ctx.page(),
        &f,
        now,
        is_admin,
    )))
}

fn machine_param(ctx: &Ctx) -> Result<String, HttpError> {
    let from_form = ctx.form.as_ref().and_then(|f| {
        f.iter()
            .find(|(k, _)| k == "machine")
            .map(|(_, v)| v.clone())
    });
    let m = from_form
        .or_else(|| ctx.req.query_param("machine").map(String::from))
        .unwrap_or_default();
    if m.is_empty() {
        return Err(HttpError::bad_request(
            "missing `machine` (the machine's URI)",
        ));
    }
    Ok(m)
}

fn set_disabled(ctx: &Ctx, disabled: bool) -> Result<Response, HttpError> {
    ctx.auth.require_role("admin")?;
    let m = machine_param(ctx)?;
    if !queue::set_machine_disabled(ctx.app, &m, disabled).map_err(queue_err)? {
        return Err(HttpError::not_found(format!("no machine `{m}`")));
    }
    if ctx.form.is_some() && !ctx.wants_json() {
        Ok(Response::redirect("/machines"))
    } else {
        Ok(Response::json(
            &json!({ "machine": m, "disabled": disabled }),
        ))
    }
}

fn machine_disable(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    set_disabled(ctx, true)
}

fn machine_enable(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    set_disabled(ctx, false)
}

fn load_step(ctx: &Ctx, args: &[String]) -> Result<BuildStep, HttpError> {
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let id: u64 = a(0)
        .parse()
        .map_err(|_| HttpError::bad_request(format!("`{}` is not a valid build number", a(0))))?;
    let nr: u32 = a(1)
        .parse()
        .map_err(|_| HttpError::bad_request(format!("`{}` is not a valid step number", a(1))))?;
    if ctx.app.db.build(id)?.is_none() {
        return Err(HttpError::not_found(format!("build {id} does not exist")));
    }
    ctx.app
        .db
        .build_step(id, nr)?
        .ok_or_else(|| HttpError::not_found(format!("build {id} has no step {nr}")))
}

fn step_log(ctx: &Ctx, s: &BuildStep) -> Result<Vec<u8>, HttpError> {
    queue::step_log_read(ctx.app, s.build, s.nr)
        .map_err(queue_err)?
        .ok_or_else(|| {
            HttpError::not_found(format!(
                "step {} of build {} has no log (yet)",
                s.nr, s.build
            ))
        })
}

/// A step's log page. Pure.
pub fn step_log_page(pc: &PageCtx, s: &BuildStep, log: &str) -> Markup {
    let what = if s.steptype == db::steps::STEP_SUBSTITUTION {
        "Substitution of"
    } else {
        "Build of"
    };
    let state = match s.status {
        None => "running".to_string(),
        Some(st) => status::name(st).to_string(),
    };
    pages::layout(
        pc,
        &format!("Build {} step {}", s.build, s.nr),
        html! {
            div.crumbs { a href={ "/build/" (s.build) } { "Build " (s.build) } " / step " (s.nr) }
            h1 { "Step " (s.nr) " of build " (s.build) }
            p #step-summary { (what) " " code { (s.drvpath) } " on " strong { (s.machine) } ": " (state) }
            p { a href={ "/build/" (s.build) "/nixlog/" (s.nr) "/raw" } { "raw log" } }
            pre #step-log .log { (log) }
        },
    )
}

fn step_log_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let s = load_step(ctx, args)?;
    let log = step_log(ctx, &s)?;
    Ok(Response::html(step_log_page(
        &ctx.page(),
        &s,
        &String::from_utf8_lossy(&log),
    )))
}

fn step_log_raw(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let s = load_step(ctx, args)?;
    let log = step_log(ctx, &s)?;
    Ok(Response::new(200, "text/plain; charset=utf-8", log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::machines::{parse_machines, MachineState};

    #[test]
    fn page_and_json_show_state_and_escape() {
        let (ms, errors) =
            parse_machines("ssh://a x86_64-linux - 2 1.5 kvm\nssh://b<x> x86_64-linux\n");
        let mut f = FarmState::default();
        f.reload(ms, errors);
        f.machines[0].current.insert(7);
        f.machines[0].record_done(1000);
        f.machines[0].record_failure(1000, "cannot connect <to> 'a'", 60);
        f.machines
            .push(MachineState::new(f.machines[0].machine.clone()));
        f.machines[1].machine.uri = "ssh://c".into();
        f.machines[1].admin_disabled = true;
        let j = machines_json(&f, 1010);
        assert_eq!(j["machines"][0]["maxJobs"], 2);
        assert_eq!(j["machines"][0]["speedFactor"], 1.5);
        assert_eq!(j["machines"][0]["currentBuilds"][0], 7);
        assert_eq!(j["machines"][0]["buildsLastHour"], 1);
        assert_eq!(j["machines"][0]["disabledUntil"], 1060);
        assert_eq!(j["machines"][1]["adminDisabled"], true);
        assert!(j["errors"][0].as_str().unwrap().contains("line 2"));
        let pc = PageCtx {
            user: Some("admin"),
            csrf: "tok",
            here: "/machines",
        };
        let html = machines_page(&pc, &f, 1010, true).into_string();
        assert!(html.contains("disabled until"), "{html}");
        assert!(html.contains("cannot connect &lt;to&gt;"), "{html}");
        assert!(!html.contains("<x>"));
        assert!(html.contains("disabled by an admin"));
        assert!(html.contains("action=\"/machines/enable\""));
        assert!(!machines_page(&pc, &f, 1010, false)
            .into_string()
            .contains("/machines/enable"));
    }
}
