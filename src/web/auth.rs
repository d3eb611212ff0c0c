//! Who is asking and may they: session cookies, bearer tokens, roles and project ownership,
//! and the CSRF rules for state-changing requests (Origin/Referer must match Host; every
//! request of a session carries its token, forms in a field, others in `X-CSRF-Token`;
//! bearer-token requests carry no ambient authority, so they skip both).

use super::{HttpError, Request};
use crate::app::App;
use crate::db::{self, Project, Session, User};
use crate::users;

pub const COOKIE: &str = "hydrant_session";
const SESSION_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, Default, Clone)]
pub struct Auth {
    pub user: Option<User>,
    /// (stored key, session) when authenticated by cookie.
    pub session: Option<(String, Session)>,
    /// Authenticated by `Authorization: Bearer`.
    pub bearer: bool,
}

impl Auth {
    pub fn require_user(&self) -> Result<&User, HttpError> {
        self.user.as_ref().ok_or_else(HttpError::unauthorized)
    }

    /// The user, if they have `role` (admins have every role).
    pub fn require_role(&self, role: &str) -> Result<&User, HttpError> {
        let u = self.require_user()?;
        if u.has_role(role) {
            Ok(u)
        } else {
            Err(HttpError::forbidden(format!(
                "user `{}` lacks the `{role}` role",
                u.name
            )))
        }
    }

    /// Admins and the project's owner may change a project and its jobsets.
    pub fn require_project_editor(&self, p: &Project) -> Result<&User, HttpError> {
        let u = self.require_user()?;
        if can_edit(u, p) {
            Ok(u)
        } else {
            Err(HttpError::forbidden(format!(
                "only admins and the owner of project `{}` may change it",
                p.name
            )))
        }
    }
}

pub use crate::perm::can_edit_project as can_edit;

fn cookie_value<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.header("cookie")?.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Resolves the caller. A bearer header wins over a cookie; unknown credentials are anonymous
/// (a stale cookie must not lock a browser out of read-only pages), except a bad bearer
/// token, which is an error so scripts notice.
pub fn resolve(app: &App, req: &Request) -> Result<Auth, HttpError> {
    if let Some(h) = req.header("authorization") {
        if let Some(tok) = h
            .strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
        {
            return match users::user_for_token(&app.db, tok.trim())? {
                Some(u) => Ok(Auth {
                    user: Some(u),
                    session: None,
                    bearer: true,
                }),
                None => Err(HttpError::new(401, "unknown API token")),
            };
        }
    }
    if let Some(sid) = cookie_value(req, COOKIE) {
        let key = users::secret_key(sid);
        if let Some(s) = app.db.session(&key)? {
            if s.expires > db::now() {
                if let Some(u) = app.db.user(&s.user)? {
                    return Ok(Auth {
                        user: Some(u),
                        session: Some((key, s)),
                        bearer: false,
                    });
                }
            }
        }
    }
    Ok(Auth::default())
}

/// host[:port] of an absolute URL.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

pub fn is_state_changing(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "DELETE" | "PATCH")
}

/// The CSRF rules. `form` holds the decoded form fields of a urlencoded body.
pub fn check_csrf(
    req: &Request,
    auth: &Auth,
    form: Option<&[(String, String)]>,
) -> Result<(), HttpError> {
    if !is_state_changing(&req.method) || auth.bearer {
        return Ok(());
    }
    let host = req
        .header("host")
        .ok_or_else(|| HttpError::bad_request("missing Host header"))?;
    // Webhooks authenticate by their signature, not by a cookie (Hydra exempts them too).
    if WEBHOOK_PATHS.contains(&req.path.as_str()) {
        return Ok(());
    }
    let from = match (req.header("origin"), req.header("referer")) {
        (Some(o), _) => ("Origin", o),
        (None, Some(r)) => ("Referer", r),
        // A browser sends Origin on every PUT and DELETE (and a cross-origin one needs a CORS
        // preflight, which is never granted), so one without either header comes from a
        // script with the cookie, not from a page: allowed, as Hydra's own API tests do.
        (None, None) if req.method != "POST" => return Ok(()),
        (None, None) => return Err(HttpError::forbidden(
            "cross-site request refused: the request has neither an Origin nor a Referer header",
        )),
    };
    if authority(from.1).map(|a| a.eq_ignore_ascii_case(host)) != Some(true) {
        return Err(HttpError::forbidden(format!(
            "cross-site request refused: {} `{}` does not match host `{host}`",
            from.0, from.1
        )));
    }
    // A session cookie is ambient authority: whatever the body, the request must also carry
    // the session's token, a form in its `csrf` field, anything else (a JSON POST from a
    // script, or from a page of this origin) in the `X-CSRF-Token` header.
    if let Some((_, s)) = &auth.session {
        let field = form.and_then(|f| f.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()));
        let tok = field.or_else(|| req.header(CSRF_HEADER));
        if !tok.is_some_and(|t| users::constant_time_eq(t.as_bytes(), s.csrf.as_bytes())) {
            return Err(HttpError::forbidden(if form.is_some() {
                "the form's CSRF token is missing or stale: reload the page and try again"
            } else {
                "the CSRF token is missing or stale: a request with a session cookie must send the session's token (from the login answer) in the X-CSRF-Token header"
            }));
        }
    }
    Ok(())
}

/// POST routes that take no cookie authority (their HMAC signature is the credential).
pub const WEBHOOK_PATHS: &[&str] = &["/api/push-github", "/api/push-gitea"];

/// The header that carries a session's CSRF token on requests that are not forms.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Checks a password and opens a session; returns the cookie secret and the session. Failed
/// tries are throttled per user name and per client address (429 while a delay runs), except
/// that an address the user logged in from before answers only for its own failures (so
/// guesses from elsewhere cannot lock a user out); an unknown user costs the same hash as a
/// known one.
pub fn login(
    app: &App,
    username: &str,
    password: &str,
    remote: Option<std::net::IpAddr>,
) -> Result<(String, Session), HttpError> {
    let user_key = format!("user:{username}");
    let pair = remote.map(|ip| format!("{username}@{ip}"));
    let mut keys = vec![user_key];
    if let (Some(ip), Some(pair)) = (remote, &pair) {
        keys.push(format!("addr:{ip}"));
        keys.push(format!("pair:{pair}"));
    }
    let now = crate::queue::runner::now_f64();
    let (wait, known) = app
        .login_throttle
        .lock()
        .map(|t| {
            // A known address skips `keys[0]`, the user's own count.
            let known = pair.as_deref().is_some_and(|p| t.is_known(p, now));
            (t.wait(&keys[usize::from(known)..], now), known)
        })
        .unwrap_or((0.0, false));
    if wait > 0.0 {
        return Err(HttpError::new(
            429,
            format!(
                "too many failed logins: try again in {} s",
                wait.ceil() as u64
            ),
        ));
    }
    // Hashing is slow on purpose; no transaction is open here.
    let Some(u) = users::check_login(&app.db, username, password)? else {
        if let Ok(mut t) = app.login_throttle.lock() {
            t.failed(&keys, now);
        }
        return Err(HttpError::forbidden("bad username or password"));
    };
    if let Ok(mut t) = app.login_throttle.lock() {
        // From a known address the user's own count stays: guesses from elsewhere go on
        // waiting however often the user logs in.
        t.succeeded(&keys[usize::from(known)..]);
        if let Some(p) = &pair {
            t.remember(p, now);
        }
    }
    let sid = users::random_secret()?;
    let now = db::now();
    let s = Session {
        user: u.name,
        csrf: users::random_secret()?,
        created: now,
        expires: now + SESSION_SECS,
    };
    app.db.put_session(&users::secret_key(&sid), &s)?;
    Ok((sid, s))
}

pub fn session_cookie(sid: &str, https: bool) -> String {
    format!(
        "{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECS}{}",
        if https { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(https: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if https { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: method.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    fn session_auth() -> Auth {
        Auth {
            user: Some(User {
                name: "u".into(),
                ..Default::default()
            }),
            session: Some((
                "k".into(),
                Session {
                    user: "u".into(),
                    csrf: "tok".into(),
                    created: 0,
                    expires: i64::MAX,
                },
            )),
            bearer: false,
        }
    }

    #[test]
    fn csrf_rules() {
        let a = session_auth();
        let host = ("host", "example.org:3000");
        assert!(check_csrf(&req("GET", &[host]), &a, None).is_ok());
        let e = check_csrf(&req("POST", &[host]), &a, None).unwrap_err();
        assert_eq!(e.status, 403);
        let ok = req("POST", &[host, ("origin", "http://example.org:3000")]);
        let evil = req("PUT", &[host, ("origin", "http://evil.org")]);
        assert_eq!(check_csrf(&evil, &a, None).unwrap_err().status, 403);
        let refr = req(
            "DELETE",
            &[
                host,
                ("referer", "https://example.org:3000/x?y"),
                ("x-csrf-token", "tok"),
            ],
        );
        assert!(check_csrf(&refr, &a, None).is_ok());
        let no_tok: Vec<(String, String)> = vec![("name".into(), "x".into())];
        assert_eq!(check_csrf(&ok, &a, Some(&no_tok)).unwrap_err().status, 403);
        let tok: Vec<(String, String)> = vec![("csrf".into(), "tok".into())];
        assert!(check_csrf(&ok, &a, Some(&tok)).is_ok());
        // Not a form (JSON, or a body of any other type): the session's token in the header.
        let e = check_csrf(&ok, &a, None).unwrap_err();
        assert!(e.message.contains("X-CSRF-Token"), "{e}");
        let origin = ("origin", "http://example.org:3000");
        let with_hdr = req("POST", &[host, origin, ("x-csrf-token", "tok")]);
        assert!(check_csrf(&with_hdr, &a, None).is_ok());
        let stale = req("DELETE", &[host, origin, ("x-csrf-token", "tik")]);
        assert_eq!(check_csrf(&stale, &a, None).unwrap_err().status, 403);
        // Anonymous requests have no session to protect (the handlers refuse them anyway).
        let anon = Auth::default();
        assert!(check_csrf(&ok, &anon, None).is_ok());
        let bearer = Auth {
            bearer: true,
            ..Default::default()
        };
        assert!(check_csrf(&req("POST", &[host]), &bearer, None).is_ok());
    }

    #[test]
    fn ownership() {
        let p = Project {
            name: "p".into(),
            owner: "alice".into(),
            ..Default::default()
        };
        let alice = User {
            name: "alice".into(),
            ..Default::default()
        };
        let bob = User {
            name: "bob".into(),
            ..Default::default()
        };
        let admin = User {
            name: "root".into(),
            roles: vec!["admin".into()],
            ..Default::default()
        };
        assert!(can_edit(&alice, &p));
        assert!(!can_edit(&bob, &p));
        assert!(can_edit(&admin, &p));
    }
}
