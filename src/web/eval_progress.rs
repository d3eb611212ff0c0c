//! Evaluations at scale on the jobset page: a running evaluation (paths evaluated so far, jobs,
//! errors, elapsed time, a Cancel button for users with eval rights), the last eval's per-job
//! errors capped and grouped by message, and `POST /jobset/:p/:j/cancel-eval`.

use super::pages::PageCtx;
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::app::App;
use maud::{html, Markup};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

pub const ROUTES: &[Route] = &[
    r("POST", "/jobset/:p/:j/cancel-eval", cancel_eval),
    r("GET", "/jobset/:p/:j/eval-progress", eval_progress),
];

/// Distinct error messages shown, and job names listed under each.
const MAX_GROUPS: usize = 50;
const MAX_NAMES: usize = 20;

/// The running evaluation of a jobset, if one runs (nothing otherwise).
pub fn running(app: &App, pc: &PageCtx, project: &str, jobset: &str, can_eval: bool) -> Markup {
    let Some(p) = app.evals.get(project, jobset) else {
        return html! {};
    };
    let c = &p.counters;
    let base = format!("/jobset/{}/{}", enc(project), enc(jobset));
    html! {
        section #eval-running {
            h2 { "Evaluation in progress" }
            p {
                "Running for " span.elapsed { (p.started.elapsed().as_secs()) "s" } ": "
                span.done { (c.done.load(Ordering::Relaxed)) } " attributes evaluated, "
                span.jobs { (c.jobs.load(Ordering::Relaxed)) } " jobs, "
                span.errors { (c.errors.load(Ordering::Relaxed)) } " errors, "
                (c.queued.load(Ordering::Relaxed)) " queued"
                @let restarts = c.restarts.load(Ordering::Relaxed);
                @if restarts > 0 { ", " (restarts) " worker restarts" }
                "."
            }
            @if p.cancel_requested() {
                p.muted { "Cancelling (asked by " (p.cancelled_by().unwrap_or_default()) ")…" }
            } @else if can_eval {
                form method="post" action={ (base) "/cancel-eval" } {
                    input type="hidden" name="csrf" value=(pc.csrf);
                    button type="submit" { "Cancel evaluation" }
                }
            }
        }
    }
}

/// Per-job errors grouped by identical message, at most [`MAX_GROUPS`] messages with
/// [`MAX_NAMES`] job names each, and the counts of the rest.
pub fn job_errors(errs: &BTreeMap<String, String>) -> Markup {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = Default::default();
    for (job, msg) in errs {
        let i = *index.entry(msg.as_str()).or_insert_with(|| {
            groups.push((msg.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(job.as_str());
    }
    let shown = groups.len().min(MAX_GROUPS);
    html! {
        p.error-count { (errs.len()) " jobs failed to evaluate"
            @if groups.len() > 1 { ", with " (groups.len()) " distinct messages" } "." }
        @for (msg, jobs) in &groups[..shown] {
            @if jobs.len() == 1 {
                h3 { (jobs[0]) }
            } @else {
                h3 { (jobs.len()) " jobs: "
                    @for (i, j) in jobs.iter().take(MAX_NAMES).enumerate() {
                        @if i > 0 { ", " } (j)
                    }
                    @if jobs.len() > MAX_NAMES { " and " (jobs.len() - MAX_NAMES) " more" }
                }
            }
            div.error { (msg) }
        }
        @if groups.len() > shown {
            p.muted { "… and " (groups.len() - shown) " more messages ("
                (groups[shown..].iter().map(|g| g.1.len()).sum::<usize>()) " jobs)." }
        }
    }
}

fn cancel_eval(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j) = (arg(args, 0), arg(args, 1));
    let project = ctx
        .app
        .db
        .project(p)?
        .ok_or_else(|| HttpError::not_found(format!("project `{p}` does not exist")))?;
    if ctx.app.db.jobset(p, j)?.is_none() {
        return Err(HttpError::not_found(format!(
            "jobset `{p}:{j}` does not exist"
        )));
    }
    let user = ctx.auth.require_user()?;
    if !crate::perm::can_eval(Some(user), &project) {
        return Err(HttpError::forbidden(
            "cancelling an evaluation needs the `eval-jobset` role or ownership of the project",
        ));
    }
    if !ctx.app.evals.cancel(p, j, &user.name) {
        return Err(HttpError::new(
            409,
            format!("no evaluation of `{p}:{j}` is running"),
        ));
    }
    if ctx.form.is_some() && !ctx.wants_json() {
        Ok(Response::redirect(&format!(
            "/jobset/{}/{}",
            enc(p),
            enc(j)
        )))
    } else {
        Ok(Response::json(&json!({ "cancelled": format!("{p}:{j}") })))
    }
}

/// `GET /jobset/:p/:j/eval-progress`: the running evaluation's counters as JSON
/// (`{"running": false}` when none runs).
fn eval_progress(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (p, j) = (arg(args, 0), arg(args, 1));
    if ctx.app.db.jobset(p, j)?.is_none() {
        return Err(HttpError::not_found(format!(
            "jobset `{p}:{j}` does not exist"
        )));
    }
    let v = match ctx.app.evals.get(p, j) {
        None => json!({ "running": false }),
        Some(pr) => {
            let c = &pr.counters;
            json!({
                "running": true,
                "started": pr.started_at,
                "elapsed": pr.started.elapsed().as_secs(),
                "done": c.done.load(Ordering::Relaxed),
                "jobs": c.jobs.load(Ordering::Relaxed),
                "errors": c.errors.load(Ordering::Relaxed),
                "queued": c.queued.load(Ordering::Relaxed),
                "restarts": c.restarts.load(Ordering::Relaxed),
                "cancelling": pr.cancel_requested(),
            })
        }
    };
    Ok(Response::json(&v))
}

fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_grouped_and_capped() {
        let mut e = BTreeMap::new();
        for i in 0..30_000 {
            e.insert(format!("job{i:05}"), "error: shared".to_string());
        }
        for i in 0..100 {
            e.insert(format!("own{i:03}"), format!("error: own {i}"));
        }
        let html = job_errors(&e).into_string();
        assert!(html.contains("30100 jobs failed to evaluate, with 101 distinct messages"));
        assert!(html.contains("30000 jobs: job00000, job00001"));
        assert!(html.contains("and 29980 more"));
        assert!(html.contains("… and 51 more messages (51 jobs)"), "{html}");
        assert!(html.len() < 20_000, "{}", html.len());
    }
}
