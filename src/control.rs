//! The local control socket: while `hydrant serve` holds the database, `hydrant user …` talks to
//! it over `STATE_DIR/control.sock` instead of opening the file. The socket is created mode 0600
//! in the state dir and every peer's uid is checked (SO_PEERCRED): only the server's own user (or
//! root) may speak. One JSON request per connection, one JSON answer; the operations are the
//! same `apply` the CLI runs against the database when no server holds it.

use crate::app::App;
use crate::db::{self, Db};
use crate::users;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A user or token operation, as the CLI asks it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum UserOp {
    /// Create a user, or set the password and roles of an existing one (which signs them out).
    Add {
        name: String,
        roles: Vec<String>,
        password: String,
    },
    /// A new API token; `expires_days` 0 or None: never expires.
    Token {
        name: String,
        expires_days: Option<u64>,
        label: String,
    },
    List,
    Delete {
        name: String,
    },
    Tokens {
        name: String,
    },
    Revoke {
        name: String,
        id: String,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    ok: bool,
    text: String,
}

pub fn socket_path(state_dir: &Path) -> PathBuf {
    state_dir.join("control.sock")
}

/// Runs an operation against the database; returns what the CLI prints.
pub fn apply(db: &Db, op: &UserOp) -> Result<String, String> {
    let e = |e: users::UserError| e.to_string();
    match op {
        UserOp::Add {
            name,
            roles,
            password,
        } => {
            let created = users::add_user(db, name, roles, password).map_err(e)?;
            Ok(format!(
                "{} user `{name}` with roles: {}",
                if created {
                    "created"
                } else {
                    "updated (signed out everywhere)"
                },
                roles.join(", ")
            ))
        }
        UserOp::Token {
            name,
            expires_days,
            label,
        } => {
            let expires = match expires_days {
                None | Some(0) => None,
                Some(d) => Some(
                    d.checked_mul(86_400)
                        .and_then(|s| i64::try_from(s).ok())
                        .and_then(|s| db::now().checked_add(s))
                        .ok_or_else(|| format!("--expires-days {d} is too large"))?,
                ),
            };
            users::new_token(db, name, expires, label).map_err(e)
        }
        UserOp::List => {
            let mut out = String::new();
            for u in db.users().map_err(|e| e.to_string())? {
                out.push_str(&format!("{}\t{}\n", u.name, u.roles.join(",")));
            }
            Ok(out.trim_end().to_string())
        }
        UserOp::Delete { name } => match db.delete_user(name).map_err(|e| e.to_string())? {
            true => Ok(format!(
                "deleted user `{name}` with their sessions and tokens"
            )),
            false => Err(format!("no user named `{name}`")),
        },
        UserOp::Tokens { name } => {
            if db.user(name).map_err(|e| e.to_string())?.is_none() {
                return Err(format!("no user named `{name}`"));
            }
            let mut out = String::new();
            for (key, t) in db.tokens_of(name).map_err(|e| e.to_string())? {
                let expires = t
                    .expires
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "never".into());
                out.push_str(&format!(
                    "{}\tcreated {}\texpires {expires}\t{}\n",
                    users::token_id(&key),
                    t.created,
                    t.label
                ));
            }
            Ok(out.trim_end().to_string())
        }
        UserOp::Revoke { name, id } => match users::revoke_token(db, name, id).map_err(e)? {
            true => Ok(format!("revoked token {id} of `{name}`")),
            false => Err(format!("user `{name}` has no token {id}")),
        },
    }
}

/// Asks the running server. Err when nothing answers on the socket.
pub fn request(state_dir: &Path, op: &UserOp) -> Result<Result<String, String>, String> {
    let path = socket_path(state_dir);
    let mut s = UnixStream::connect(&path).map_err(|e| {
        format!(
            "cannot reach the server's control socket {}: {e}",
            path.display()
        )
    })?;
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let line = serde_json::to_string(op).map_err(|e| e.to_string())?;
    s.write_all(line.as_bytes())
        .and_then(|_| s.write_all(b"\n"))
        .map_err(|e| format!("control socket: {e}"))?;
    let mut answer = String::new();
    BufReader::new(&s)
        .read_line(&mut answer)
        .map_err(|e| format!("control socket: {e}"))?;
    let a: Answer = serde_json::from_str(&answer)
        .map_err(|e| format!("control socket: unexpected answer ({e})"))?;
    Ok(if a.ok { Ok(a.text) } else { Err(a.text) })
}

/// The peer's uid, from the kernel.
fn peer_uid(s: &UnixStream) -> Option<u32> {
    use std::os::fd::AsRawFd;
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `cred`, a properly sized ucred.
    let rc = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            &mut cred as *mut libc::ucred as *mut libc::c_void,
            &mut len,
        )
    };
    (rc == 0).then_some(cred.uid)
}

fn serve_one(app: &App, s: UnixStream) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let answer = match peer_uid(&s) {
        Some(uid) if uid == me || uid == 0 => {
            let mut line = String::new();
            // One line of at most 64 KiB.
            match BufReader::new(std::io::Read::take(&s, 64 * 1024)).read_line(&mut line) {
                Ok(_) => match serde_json::from_str::<UserOp>(&line) {
                    Ok(op) => {
                        let r = apply(&app.db, &op);
                        eprintln!(
                            "hydrant: control socket: {} {}",
                            op_name(&op),
                            if r.is_ok() { "done" } else { "refused" }
                        );
                        match r {
                            Ok(text) => Answer { ok: true, text },
                            Err(text) => Answer { ok: false, text },
                        }
                    }
                    Err(e) => Answer {
                        ok: false,
                        text: format!("bad request: {e}"),
                    },
                },
                Err(e) => Answer {
                    ok: false,
                    text: format!("bad request: {e}"),
                },
            }
        }
        _ => Answer {
            ok: false,
            text: "only the user the server runs as may use its control socket".into(),
        },
    };
    let mut s = s;
    if let Ok(text) = serde_json::to_string(&answer) {
        let _ = s.write_all(text.as_bytes());
        let _ = s.write_all(b"\n");
    }
}

fn op_name(op: &UserOp) -> &'static str {
    match op {
        UserOp::Add { .. } => "user add",
        UserOp::Token { .. } => "user token",
        UserOp::List => "user list",
        UserOp::Delete { .. } => "user delete",
        UserOp::Tokens { .. } => "user tokens",
        UserOp::Revoke { .. } => "user revoke",
    }
}

/// Binds the socket (replacing a stale one: the server holds the database lock, so no other
/// server owns it) and answers until shutdown.
pub fn spawn(app: Arc<App>) -> std::io::Result<JoinHandle<()>> {
    let path = socket_path(&app.config.state_dir);
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    listener.set_nonblocking(true)?;
    std::thread::Builder::new()
        .name("control".into())
        .spawn(move || {
            while !app.shutting_down() {
                match listener.accept() {
                    Ok((s, _)) => {
                        let _ = s.set_nonblocking(false);
                        serve_one(&app, s);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    Err(e) => {
                        eprintln!("hydrant: control socket: {e}");
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
            }
            let _ = std::fs::remove_file(&path);
        })
}
