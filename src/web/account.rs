//! Users while the server runs: the one-time first-admin page (`/setup?token=…`, printed at the
//! first start), the admins' user list (roles, password reset, delete), and each user's own
//! account page (API tokens with expiry and revoke, password change). A password change, reset
//! or delete ends that user's sessions and tokens in the same transaction.

use super::api::Params;
use super::common::user_json;
use super::pages::{self, fmt_time, PageCtx};
use super::router::{r, Route};
use super::{auth, url_encode as enc, Ctx, HttpError, Response};
use crate::db::{self, ApiToken, User};
use crate::users;
use maud::{html, Markup};
use serde_json::{json, Value};

pub const ROUTES: &[Route] = &[
    r("GET", "/setup", setup_form),
    r("POST", "/setup", setup),
    r("GET", "/admin/users", users_get),
    r("POST", "/admin/users/:u/roles", user_roles),
    r("POST", "/admin/users/:u/password", user_reset_password),
    r("GET", "/admin/users/:u/delete", user_delete_form),
    r("POST", "/admin/users/:u/delete", user_delete),
    r("GET", "/user/:u", account_get),
    r("POST", "/user/:u/password", account_password),
    r("POST", "/user/:u/tokens", token_create),
    r("POST", "/user/:u/tokens/:id/revoke", token_revoke),
];

fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or("")
}

fn params(ctx: &Ctx) -> Result<Params, HttpError> {
    Params::from_request(ctx.req, ctx.form.as_deref())
}

fn is_admin(ctx: &Ctx) -> bool {
    ctx.auth.user.as_ref().is_some_and(|u| u.has_role("admin"))
}

fn browser(ctx: &Ctx) -> bool {
    ctx.form.is_some() && !ctx.wants_json()
}

fn load_user(ctx: &Ctx, name: &str) -> Result<User, HttpError> {
    ctx.app
        .db
        .user(name)?
        .ok_or_else(|| HttpError::not_found(format!("no user named `{name}`")))
}

/// The user themselves, or an admin.
fn require_self_or_admin<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a User, HttpError> {
    let u = ctx.auth.require_user()?;
    if u.name == name || u.has_role("admin") {
        Ok(u)
    } else {
        Err(HttpError::forbidden(format!(
            "only `{name}` and admins may see or change this account"
        )))
    }
}

// ---------- first admin ----------

/// Whether a setup is still open: no admin exists and this token is the printed one.
fn setup_open(ctx: &Ctx, token: &str) -> Result<bool, HttpError> {
    if ctx.app.db.users()?.iter().any(|u| u.has_role("admin")) {
        return Ok(false);
    }
    let cur = ctx.app.setup_token.lock().ok().and_then(|t| t.clone());
    Ok(cur.is_some_and(|t| !token.is_empty() && users::secret_key(&t) == users::secret_key(token)))
}

fn setup_closed() -> HttpError {
    HttpError::not_found(
        "no setup is open: an admin exists already, or the token is not the one the server printed",
    )
}

pub fn setup_page(pc: &PageCtx, token: &str, error: Option<&str>) -> Markup {
    pages::layout(
        pc,
        "Create the first admin",
        html! {
            h1 { "Create the first admin" }
            p { "This page works once, until an admin exists." }
            @if let Some(e) = error { div.error { (e) } }
            form.edit #setup method="post" action="/setup" {
                input type="hidden" name="token" value=(token);
                label.row { "User name" input type="text" name="username" value="admin"; }
                label.row { "Password" input type="password" name="password"; }
                button type="submit" { "Create admin and log in" }
            }
        },
    )
}

fn setup_form(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let token = ctx.req.query_param("token").unwrap_or("");
    if !setup_open(ctx, token)? {
        return Err(setup_closed());
    }
    Ok(Response::html(setup_page(&ctx.page(), token, None)))
}

fn setup(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let p = params(ctx)?;
    let token = p.str("token")?.unwrap_or_default();
    if !setup_open(ctx, &token)? {
        return Err(setup_closed());
    }
    let name = p.required_str("username")?;
    let password = p.str("password")?.unwrap_or_default();
    if !db::valid_name(&name) {
        return Err(HttpError::bad_request(format!(
            "invalid user name `{name}`"
        )));
    }
    if password.is_empty() {
        return Err(HttpError::bad_request("the password is empty"));
    }
    users::add_user(&ctx.app.db, &name, &["admin".to_string()], &password)?;
    if let Ok(mut t) = ctx.app.setup_token.lock() {
        *t = None;
    }
    eprintln!("hydrant: the first admin `{name}` was created through /setup");
    let (sid, _) = auth::login(ctx.app, &name, &password, ctx.req.remote)?;
    let https = ctx.req.is_https(ctx.app.config.base_uri.as_deref());
    let cookie = auth::session_cookie(&sid, https);
    let resp = if browser(ctx) {
        Response::redirect("/")
    } else {
        Response::json(&json!({"username": name, "userroles": ["admin"]})).with_status(201)
    };
    Ok(resp.with_header("Set-Cookie", &cookie))
}

// ---------- admins: the user list ----------

pub fn users_page(pc: &PageCtx, list: &[User], me: &str) -> Markup {
    pages::layout(
        pc,
        "Users",
        html! {
            h1 { "Users" }
            p.muted { "Add users with " code { "hydrant user add NAME --role ROLE" } " (works while the server runs)." }
            table #users {
                thead { tr { th { "User" } th { "Roles" } th { "Reset password" } th {} } }
                tbody {
                    @for u in list {
                        @let base = format!("/admin/users/{}", enc(&u.name));
                        tr {
                            td.user { a href={ "/user/" (enc(&u.name)) } { (u.name) } }
                            td {
                                form.inline.roles method="post" action={ (base) "/roles" } {
                                    input type="hidden" name="csrf" value=(pc.csrf);
                                    @for r in db::ROLES {
                                        label.role { input type="checkbox" name={ "role-" (r) } checked[u.roles.iter().any(|x| x == r)]; " " (r) } " "
                                    }
                                    button type="submit" { "Save roles" }
                                }
                            }
                            td {
                                form.inline method="post" action={ (base) "/password" } {
                                    input type="hidden" name="csrf" value=(pc.csrf);
                                    input type="password" name="password" placeholder="new password";
                                    " " button type="submit" { "Reset" }
                                }
                            }
                            td { @if u.name != me { a.btn.danger href={ (base) "/delete" } { "Delete…" } } }
                        }
                    }
                }
            }
        },
    )
}

fn users_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let me = ctx.auth.require_role("admin")?;
    let list = ctx.app.db.users()?;
    if ctx.wants_json() {
        return Ok(Response::json(&Value::Array(
            list.iter().map(user_json).collect(),
        )));
    }
    Ok(Response::html(users_page(&ctx.page(), &list, &me.name)))
}

fn user_roles(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let me = ctx.auth.require_role("admin")?;
    let mut u = load_user(ctx, arg(args, 0))?;
    let roles: Vec<String> = match &ctx.form {
        Some(fields) => db::ROLES
            .iter()
            .filter(|r| fields.iter().any(|(k, _)| *k == format!("role-{r}")))
            .map(|r| r.to_string())
            .collect(),
        None => {
            let p = params(ctx)?;
            match p.map.get("roles") {
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|v| {
                        v.as_str().map(String::from).ok_or_else(|| {
                            HttpError::bad_request("`roles` must be a list of role names")
                        })
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(HttpError::bad_request("missing field `roles` (a list)")),
            }
        }
    };
    if u.name == me.name && !roles.iter().any(|r| r == "admin") {
        return Err(HttpError::bad_request(
            "you cannot take the admin role from yourself",
        ));
    }
    u.roles = roles;
    ctx.app.db.put_user(&u)?;
    if browser(ctx) {
        return Ok(Response::redirect("/admin/users"));
    }
    Ok(Response::json(&user_json(&u)))
}

fn user_reset_password(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    ctx.auth.require_role("admin")?;
    let u = load_user(ctx, arg(args, 0))?;
    let password = params(ctx)?.str("password")?.unwrap_or_default();
    if password.is_empty() {
        return Err(HttpError::bad_request("the new password is empty"));
    }
    users::set_password(&ctx.app.db, &u.name, &password)?;
    if browser(ctx) {
        return Ok(Response::redirect("/admin/users"));
    }
    Ok(Response::json(
        &json!({"username": u.name, "passwordreset": true}),
    ))
}

fn user_delete_form(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    ctx.auth.require_role("admin")?;
    let u = load_user(ctx, arg(args, 0))?;
    Ok(Response::html(pages::confirm_delete(
        &ctx.page(),
        &format!("user {}", u.name),
        &format!("/admin/users/{}", enc(&u.name)),
        "Their sessions and API tokens end at once. Projects they own keep them as owner's name.",
    )))
}

fn user_delete(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let me = ctx.auth.require_role("admin")?;
    let u = load_user(ctx, arg(args, 0))?;
    if u.name == me.name {
        return Err(HttpError::bad_request("you cannot delete yourself"));
    }
    if let Some(form) = &ctx.form {
        if !form.iter().any(|(k, v)| k == "confirm" && v == "yes") {
            return Ok(Response::redirect(&format!(
                "/admin/users/{}/delete",
                enc(&u.name)
            )));
        }
    }
    ctx.app.db.delete_user(&u.name)?;
    if browser(ctx) {
        return Ok(Response::redirect("/admin/users"));
    }
    Ok(Response::json(&json!({"deleted": u.name})))
}

// ---------- a user's own account ----------

pub struct AccountView<'a> {
    pub user: &'a User,
    pub tokens: &'a [(String, ApiToken)],
    /// A token just made, shown once.
    pub new_token: Option<&'a str>,
    pub is_admin: bool,
    pub now: i64,
}

pub fn account_page(pc: &PageCtx, v: &AccountView) -> Markup {
    let base = format!("/user/{}", enc(&v.user.name));
    pages::layout(
        pc,
        &format!("Account {}", v.user.name),
        html! {
            h1 { "Account " (v.user.name) }
            p { "Roles: " @if v.user.roles.is_empty() { span.muted { "none" } } @else { (v.user.roles.join(", ")) } }
            @if v.is_admin { p { a #admin-users href="/admin/users" { "Manage users" } } }
            @if let Some(t) = v.new_token {
                div.notice #new-token {
                    "Your new API token (it is shown only now): " code { (t) }
                }
            }
            h2 { "API tokens" }
            @if v.tokens.is_empty() { p.muted #no-tokens { "No tokens." } } @else {
                table #tokens {
                    thead { tr { th { "Id" } th { "Label" } th { "Created" } th { "Expires" } th {} } }
                    tbody {
                        @for (key, t) in v.tokens {
                            @let id = users::token_id(key);
                            tr {
                                td { code { (id) } }
                                td { (t.label) }
                                td { (fmt_time(t.created)) }
                                td { @match t.expires { None => "never", Some(x) if x <= v.now => span.status-fail { "expired " (fmt_time(x)) }, Some(x) => (fmt_time(x)) } }
                                td {
                                    form.inline method="post" action={ (base) "/tokens/" (id) "/revoke" } {
                                        input type="hidden" name="csrf" value=(pc.csrf);
                                        button.danger type="submit" { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.edit #new-token-form method="post" action={ (base) "/tokens" } {
                input type="hidden" name="csrf" value=(pc.csrf);
                label.row { "Label" input type="text" name="label" placeholder="what it is for"; }
                label.row { "Expires after (days, empty: never)" input type="number" name="expires_days" min="1"; }
                button type="submit" { "Create token" }
            }
            h2 { "Password" }
            p.muted { "Changing it signs you out everywhere and revokes your tokens." }
            form.edit #password-form method="post" action={ (base) "/password" } {
                input type="hidden" name="csrf" value=(pc.csrf);
                label.row { "Current password" input type="password" name="current"; }
                label.row { "New password" input type="password" name="password"; }
                button type="submit" { "Change password" }
            }
        },
    )
}

fn account_view(ctx: &Ctx, name: &str, new_token: Option<&str>) -> Result<Response, HttpError> {
    let u = load_user(ctx, name)?;
    let tokens = ctx.app.db.tokens_of(&u.name)?;
    if ctx.wants_json() {
        let list: Vec<Value> = tokens
            .iter()
            .map(|(k, t)| {
                json!({"id": users::token_id(k), "label": t.label, "created": t.created, "expires": t.expires})
            })
            .collect();
        let mut v = user_json(&u);
        v["tokens"] = Value::Array(list);
        if let Some(t) = new_token {
            v["token"] = json!(t);
        }
        return Ok(Response::json(&v));
    }
    let view = AccountView {
        user: &u,
        tokens: &tokens,
        new_token,
        is_admin: is_admin(ctx),
        now: db::now(),
    };
    Ok(Response::html(account_page(&ctx.page(), &view)))
}

fn account_get(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    require_self_or_admin(ctx, arg(args, 0))?;
    account_view(ctx, arg(args, 0), None)
}

fn token_create(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let name = arg(args, 0);
    require_self_or_admin(ctx, name)?;
    load_user(ctx, name)?;
    let p = params(ctx)?;
    let label = p.str("label")?.unwrap_or_default();
    let expires = match p.str("expires_days")?.filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => {
            let days: u64 = s.trim().parse().map_err(|_| {
                HttpError::bad_request(format!(
                    "`expires_days` must be a whole number from 1 to 100000, not `{s}`"
                ))
            })?;
            let secs = days
                .checked_mul(86_400)
                .and_then(|s| i64::try_from(s).ok())
                .and_then(|s| db::now().checked_add(s))
                .filter(|_| days > 0)
                .ok_or_else(|| {
                    HttpError::bad_request("`expires_days` must be between 1 and 100000")
                })?;
            if days > 100_000 {
                return Err(HttpError::bad_request(
                    "`expires_days` must be between 1 and 100000",
                ));
            }
            Some(secs)
        }
    };
    let tok = users::new_token(&ctx.app.db, name, expires, &label)?;
    // Shown once, on this answer only (never in a redirect URL or a log).
    account_view(ctx, name, Some(&tok)).map(|r| r.with_status(201))
}

fn token_revoke(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let (name, id) = (arg(args, 0), arg(args, 1));
    require_self_or_admin(ctx, name)?;
    if !users::revoke_token(&ctx.app.db, name, id)? {
        return Err(HttpError::not_found(format!(
            "user `{name}` has no token `{id}`"
        )));
    }
    if browser(ctx) {
        return Ok(Response::redirect(&format!("/user/{}", enc(name))));
    }
    Ok(Response::json(&json!({"revoked": id})))
}

fn account_password(ctx: &Ctx, args: &[String]) -> Result<Response, HttpError> {
    let name = arg(args, 0);
    let me = ctx.auth.require_user()?;
    if me.name != name {
        return Err(HttpError::forbidden(
            "only the user may change their password (admins reset it on the Users page)",
        ));
    }
    let p = params(ctx)?;
    let current = p.str("current")?.unwrap_or_default();
    let password = p.str("password")?.unwrap_or_default();
    if users::check_login(&ctx.app.db, name, &current)?.is_none() {
        return Err(HttpError::forbidden("the current password is wrong"));
    }
    if password.is_empty() {
        return Err(HttpError::bad_request("the new password is empty"));
    }
    users::set_password(&ctx.app.db, name, &password)?;
    let https = ctx.req.is_https(ctx.app.config.base_uri.as_deref());
    let resp = if browser(ctx) {
        Response::redirect("/login")
    } else {
        Response::json(&json!({"username": name, "passwordchanged": true}))
    };
    Ok(resp.with_header("Set-Cookie", &auth::clear_cookie(https)))
}
