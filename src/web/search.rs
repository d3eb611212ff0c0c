//! Search: projects, jobsets, jobs by name, builds by derivation or output path (prefix or
//! hash part), as a page and as Hydra's JSON (`{projects, jobsets, builds, buildsdrv,
//! buildsoutpaths, jobs}`: Hydra's `builds` are output-path matches). Every lookup is an index range (`Db::search`).

use super::api;
use super::pages::{self, build_state, job_link, PageCtx};
use super::router::{r, Route};
use super::{url_encode as enc, Ctx, HttpError, Response};
use crate::db::views::SearchHits;
use crate::db::Build;
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[r("GET", "/search", search_get)];

/// Hits of each kind at most.
pub const SEARCH_LIMIT: usize = 100;
/// Longest query accepted.
pub const MAX_QUERY: usize = 400;

fn builds_table(id: &str, builds: &[Build], show: impl Fn(&Build) -> String) -> Markup {
    html! {
        div.scroll {
        table id=(id) {
            thead { tr { th { "#" } th { "Job" } th { "Status" } th { "Match" } } }
            tbody {
                @for b in builds {
                    @let (label, class) = build_state(b);
                    tr {
                        td { a href={ "/build/" (b.id) } { (b.id) } }
                        td.job { (job_link(b)) }
                        td class={ "status " (class) } { (label) }
                        td { code { (show(b)) } }
                    }
                }
            }
        }
        }
    }
}

pub fn search_page(pc: &PageCtx, q: &str, h: Option<&SearchHits>) -> Markup {
    let section =
        |title: &str, n: usize| html! { h2 { (title) " (" (n) @if n >= SEARCH_LIMIT { "+" } ")" } };
    pages::layout(
        pc,
        "Search",
        html! {
            h1 { "Search" }
            form #search-form method="get" action="/search" {
                label { "Project, jobset, job name, derivation or output path (or its hash) "
                    input type="search" name="query" value=(q) autofocus; }
                " " button type="submit" { "Search" }
            }
            @if let Some(h) = h {
                @let total = h.projects.len() + h.jobsets.len() + h.jobs.len() + h.by_drv.len() + h.by_out.len();
                @if total == 0 { p.muted #no-hits { "Nothing matches " code { (q) } "." } }
                @if !h.projects.is_empty() {
                    (section("Projects", h.projects.len()))
                    ul #hits-projects { @for p in &h.projects { li { a href={ "/project/" (enc(&p.name)) } { (p.name) } " " span.muted { (p.displayname) } } } }
                }
                @if !h.jobsets.is_empty() {
                    (section("Jobsets", h.jobsets.len()))
                    ul #hits-jobsets { @for j in &h.jobsets { li { a href={ "/jobset/" (enc(&j.project)) "/" (enc(&j.name)) } { (j.project) ":" (j.name) } } } }
                }
                @if !h.jobs.is_empty() {
                    (section("Jobs", h.jobs.len()))
                    (builds_table("hits-jobs", &h.jobs, |b| b.job.clone()))
                }
                @if !h.by_drv.is_empty() {
                    (section("Builds by derivation", h.by_drv.len()))
                    (builds_table("hits-drv", &h.by_drv, |b| b.drvpath.clone()))
                }
                @if !h.by_out.is_empty() {
                    (section("Builds by output path", h.by_out.len()))
                    (builds_table("hits-out", &h.by_out, |b| b.outputs.values().cloned().collect::<Vec<_>>().join(" ")))
                }
            }
        },
    )
}

fn search_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let q = ctx.req.query_param("query").unwrap_or("").trim();
    if q.len() > MAX_QUERY {
        return Err(HttpError::bad_request(format!(
            "the query is longer than {MAX_QUERY} bytes"
        )));
    }
    if q.is_empty() {
        if ctx.wants_json() {
            return Err(HttpError::bad_request("missing query parameter `query`"));
        }
        return Ok(Response::html(search_page(&ctx.page(), "", None)));
    }
    let mut h = ctx
        .app
        .db
        .search(q, &ctx.app.config.store_dir, SEARCH_LIMIT)?;
    // Hidden projects are for logged-in users, as on the overview.
    if ctx.auth.user.is_none() {
        h.projects.retain(|p| p.visible);
        h.jobsets.retain(|j| j.visible);
    }
    if ctx.wants_json() {
        let builds = |l: &[&Build]| Value::Array(l.iter().map(|b| api::build_json(b)).collect());
        // Hydra's `builds` are the builds with a matching output path; job-name matches
        // follow them (and are also under `jobs`), so a name search finds builds too.
        let mut all: Vec<&Build> = h.by_out.iter().collect();
        for b in &h.jobs {
            if !all.iter().any(|x| x.id == b.id) {
                all.push(b);
            }
        }
        let mut projects = Vec::new();
        for p in &h.projects {
            let names: Vec<String> = ctx
                .app
                .db
                .jobsets(&p.name)?
                .into_iter()
                .map(|j| j.name)
                .collect();
            projects.push(api::project_json(p, &names));
        }
        let mut jobsets = Vec::new();
        for j in &h.jobsets {
            let inputs = ctx.app.db.jobset_inputs(&j.project, &j.name)?;
            jobsets.push(api::jobset_json(j, &inputs));
        }
        return Ok(Response::json(&json!({
            "projects": projects,
            "jobsets": jobsets,
            "builds": builds(&all),
            "buildsdrv": builds(&h.by_drv.iter().collect::<Vec<_>>()),
            "buildsoutpaths": builds(&h.by_out.iter().collect::<Vec<_>>()),
            "jobs": builds(&h.jobs.iter().collect::<Vec<_>>()),
        })));
    }
    Ok(Response::html(search_page(&ctx.page(), q, Some(&h))))
}
