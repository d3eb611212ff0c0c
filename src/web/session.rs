//! Sessions and the server's own odds and ends: the stylesheet, log in/out, the current user,
//! and the admins' live database backup.

use super::common::{params, user_json};
use super::router::{r, Route};
use super::{assets, auth, pages, Ctx, HttpError, Response};
use crate::db;
use serde_json::json;

pub const ROUTES: &[Route] = &[
    r("GET", "/static/hydrant.css", stylesheet),
    r("GET", "/login", login_form),
    r("POST", "/login", login),
    r("POST", "/logout", logout),
    r("GET", "/current-user", current_user),
    r("POST", "/admin/backup", admin_backup),
];

fn stylesheet(_: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    Ok(Response::new(
        200,
        "text/css; charset=utf-8",
        assets::CSS.as_bytes().to_vec(),
    )
    .with_header("Cache-Control", "public, max-age=3600"))
}

fn login_form(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let back = ctx
        .req
        .query_param("return")
        .and_then(pages::safe_return)
        .unwrap_or("");
    Ok(Response::html(pages::login_page(&ctx.page(), None, back)))
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
                let back = p
                    .str("return")?
                    .filter(|r| pages::safe_return(r).is_some())
                    .unwrap_or_else(|| "/".into());
                Ok(Response::redirect(&back).with_header("Set-Cookie", &cookie))
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
        Err(e) if ctx.form.is_some() && !ctx.wants_json() && matches!(e.status, 403 | 429) => {
            Ok(Response::html(pages::login_page(
                &ctx.page(),
                Some(&e.message),
                p.str("return")?
                    .as_deref()
                    .and_then(pages::safe_return)
                    .unwrap_or(""),
            ))
            .with_status(e.status))
        }
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
