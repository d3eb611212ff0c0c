//! User accounts as the CLI and the web see them: argon2 password hashes, random secrets for
//! sessions and API tokens (only their sha256 is stored, so a copied database grants nothing).

use crate::db::{self, ApiToken, Db, DbError, User};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug)]
pub enum UserError {
    Db(DbError),
    NoSuchUser(String),
    EmptyPassword,
    Random(String),
    Hash(String),
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserError::Db(e) => write!(f, "{e}"),
            UserError::NoSuchUser(n) => write!(f, "no user named `{n}`"),
            UserError::EmptyPassword => write!(f, "the password is empty"),
            UserError::Random(m) => write!(f, "cannot get random bytes: {m}"),
            UserError::Hash(m) => write!(f, "password hashing failed: {m}"),
        }
    }
}

impl std::error::Error for UserError {}

impl From<DbError> for UserError {
    fn from(e: DbError) -> Self {
        UserError::Db(e)
    }
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], UserError> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(|e| UserError::Random(e.to_string()))?;
    Ok(b)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh 256-bit secret, hex-encoded (sessions, CSRF tokens, API tokens).
pub fn random_secret() -> Result<String, UserError> {
    Ok(hex(&random_bytes::<32>()?))
}

/// Compares two secrets in time that depends on their lengths only, not on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key under which a secret is stored: its sha256, hex.
pub fn secret_key(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, UserError> {
    if password.is_empty() {
        return Err(UserError::EmptyPassword);
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| UserError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hash(e.to_string()))
}

/// False for a wrong password and for a hash that does not parse (never an error to the caller).
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Creates a user or replaces the password and roles of an existing one; true when created.
pub fn add_user(db: &Db, name: &str, roles: &[String], password: &str) -> Result<bool, UserError> {
    let existing = db.user(name)?;
    let created = existing.is_none();
    let mut u = existing.unwrap_or_else(|| User {
        name: name.to_string(),
        ..Default::default()
    });
    u.password = hash_password(password)?;
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    u.roles = roles;
    if created {
        db.put_user(&u)?;
    } else {
        // A changed password ends the sessions and tokens made under the old one.
        db.put_user_revoking(&u)?;
    }
    Ok(created)
}

/// Makes a new API token for a user and returns it; only its hash is stored. `expires` is a
/// Unix time (None: never).
pub fn new_token(
    db: &Db,
    name: &str,
    expires: Option<i64>,
    label: &str,
) -> Result<String, UserError> {
    if db.user(name)?.is_none() {
        return Err(UserError::NoSuchUser(name.to_string()));
    }
    let token = random_secret()?;
    db.put_token(
        &secret_key(&token),
        &ApiToken {
            user: name.to_string(),
            created: db::now(),
            expires,
            label: label.chars().take(200).collect(),
        },
    )?;
    Ok(token)
}

/// How a token is named in lists and revoke commands: the start of its stored hash (the token
/// itself is never kept).
pub fn token_id(key: &str) -> &str {
    &key[..key.len().min(16)]
}

/// Revokes the token of `user` whose id (or stored key) is `id`; false if none matches.
pub fn revoke_token(db: &Db, user: &str, id: &str) -> Result<bool, UserError> {
    if id.len() < 8 {
        return Ok(false);
    }
    for (key, _) in db.tokens_of(user)? {
        if key.starts_with(id) {
            return Ok(db.delete_token(user, &key)?);
        }
    }
    Ok(false)
}

/// The user a bearer token belongs to, if the token is known, not expired, and the user still
/// exists.
pub fn user_for_token(db: &Db, token: &str) -> Result<Option<User>, DbError> {
    match db.token(&secret_key(token))? {
        Some(t) if t.valid_at(db::now()) => db.user(&t.user),
        _ => Ok(None),
    }
}

/// Sets a user's password and signs them out everywhere (sessions and tokens end).
pub fn set_password(db: &Db, name: &str, password: &str) -> Result<(), UserError> {
    let mut u = db
        .user(name)?
        .ok_or_else(|| UserError::NoSuchUser(name.to_string()))?;
    u.password = hash_password(password)?;
    db.put_user_revoking(&u)?;
    Ok(())
}

/// Checks a login. An unknown user costs the same hash as a known one, so timing does not tell
/// which names exist.
pub fn check_login(db: &Db, name: &str, password: &str) -> Result<Option<User>, DbError> {
    match db.user(name)? {
        Some(u) if verify_password(&u.password, password) => Ok(Some(u)),
        Some(_) => Ok(None),
        None => {
            let _ = verify_password(dummy_hash(), password);
            Ok(None)
        }
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        // A fixed salt is fine: this hash guards nothing, it only costs what a real one costs.
        SaltString::encode_b64(b"hydrant-no-user!")
            .ok()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(b"no such user", &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    })
}

/// Failed-login throttling, per user name and per client address: after `FREE_TRIES` failures
/// each further try must wait twice as long as the last (1 s, 2 s, 4 s … up to `MAX_DELAY`). A
/// success clears the user's and the address's count, so the real user is never locked out for
/// longer than the current delay. Pure: the caller passes the time.
///
/// An address a user has logged in from before (`remember`) is not held back by that user's
/// count, only by its own: failures from elsewhere cannot lock the user out where they work.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    /// key → (failures, time of the last failure in seconds)
    failures: std::collections::HashMap<String, (u32, f64)>,
    /// `user@address` → time of its last successful login.
    known: std::collections::HashMap<String, f64>,
}

impl LoginThrottle {
    pub const FREE_TRIES: u32 = 3;
    pub const MAX_DELAY: f64 = 300.0;
    /// Entries kept at most; the oldest go first beyond it (an attacker cycling names).
    const MAX_KEYS: usize = 10_000;
    /// How long a user's successful address stays exempt from the user's own count (30 days).
    pub const KNOWN_FOR: f64 = 30.0 * 86_400.0;

    fn delay(failures: u32) -> f64 {
        if failures < Self::FREE_TRIES {
            return 0.0;
        }
        let exp = (failures - Self::FREE_TRIES).min(16);
        (f64::from(1u32 << exp)).min(Self::MAX_DELAY)
    }

    /// Seconds the caller must still wait before trying `keys` again (0: may try now).
    pub fn wait(&self, keys: &[String], now: f64) -> f64 {
        keys.iter()
            .filter_map(|k| self.failures.get(k))
            .map(|&(n, last)| (last + Self::delay(n) - now).max(0.0))
            .fold(0.0, f64::max)
    }

    pub fn failed(&mut self, keys: &[String], now: f64) {
        if self.failures.len() >= Self::MAX_KEYS {
            let cutoff = now - Self::MAX_DELAY * 2.0;
            self.failures.retain(|_, (_, last)| *last > cutoff);
            if self.failures.len() >= Self::MAX_KEYS {
                self.failures.clear();
            }
        }
        for k in keys {
            let e = self.failures.entry(k.clone()).or_insert((0, now));
            e.0 = e.0.saturating_add(1);
            e.1 = now;
        }
    }

    pub fn succeeded(&mut self, keys: &[String]) {
        for k in keys {
            self.failures.remove(k);
        }
    }

    /// Whether `pair` (`user@address`) logged in within `KNOWN_FOR`.
    pub fn is_known(&self, pair: &str, now: f64) -> bool {
        self.known
            .get(pair)
            .is_some_and(|&t| now - t < Self::KNOWN_FOR)
    }

    /// Notes a successful login of `pair` (`user@address`).
    pub fn remember(&mut self, pair: &str, now: f64) {
        if self.known.len() >= Self::MAX_KEYS && !self.known.contains_key(pair) {
            self.known.retain(|_, t| now - *t < Self::KNOWN_FOR);
            if self.known.len() >= Self::MAX_KEYS {
                // The oldest half goes.
                let mut ts: Vec<f64> = self.known.values().copied().collect();
                ts.sort_by(f64::total_cmp);
                let cut = ts[ts.len() / 2];
                self.known.retain(|_, t| *t > cut);
            }
        }
        self.known.insert(pair.to_string(), now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_roundtrip() {
        let h = hash_password("s3cret").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify_password(&h, "s3cret"));
        assert!(!verify_password(&h, "s3creT"));
        assert!(!verify_password("garbage", "s3cret"));
        assert!(hash_password("").is_err());
    }

    #[test]
    fn throttle_doubles_and_success_resets() {
        let mut t = LoginThrottle::default();
        let keys = vec!["user:a".to_string(), "addr:1.2.3.4".to_string()];
        for i in 0..3 {
            assert_eq!(t.wait(&keys, 100.0), 0.0, "try {i} is free");
            t.failed(&keys, 100.0);
        }
        assert_eq!(t.wait(&keys, 100.0), 1.0);
        assert_eq!(t.wait(&keys, 101.0), 0.0);
        t.failed(&keys, 101.0);
        assert_eq!(t.wait(&keys, 101.0), 2.0);
        // Another user from the same address waits too; the same user elsewhere as well.
        assert_eq!(t.wait(&["addr:1.2.3.4".to_string()], 101.0), 2.0);
        assert_eq!(t.wait(&["user:a".to_string()], 101.0), 2.0);
        assert_eq!(
            t.wait(&["user:b".to_string(), "addr:9.9.9.9".to_string()], 101.0),
            0.0
        );
        for _ in 0..40 {
            t.failed(&keys, 200.0);
        }
        assert_eq!(t.wait(&keys, 200.0), LoginThrottle::MAX_DELAY);
        t.succeeded(&keys);
        assert_eq!(t.wait(&keys, 200.0), 0.0);
    }

    #[test]
    fn a_known_address_is_not_held_back_by_failures_elsewhere() {
        let mut t = LoginThrottle::default();
        t.remember("a@1.1.1.1", 0.0);
        assert!(t.is_known("a@1.1.1.1", 10.0));
        assert!(!t.is_known("a@2.2.2.2", 10.0));
        assert!(!t.is_known("a@1.1.1.1", LoginThrottle::KNOWN_FOR + 1.0));
        for _ in 0..10 {
            t.failed(&["user:a".to_string(), "addr:6.6.6.6".to_string()], 10.0);
        }
        // What `login` asks: a known address leaves out the user's count.
        assert!(t.wait(&["user:a".to_string()], 10.0) > 0.0);
        assert_eq!(t.wait(&["addr:1.1.1.1".to_string()], 10.0), 0.0);
        for i in 0..(LoginThrottle::MAX_KEYS + 5) {
            t.remember(&format!("u{i}@x"), i as f64);
        }
        assert!(t.known.len() <= LoginThrottle::MAX_KEYS);
        assert!(t.is_known(&format!("u{}@x", LoginThrottle::MAX_KEYS + 4), 1e4));
    }

    #[test]
    fn unknown_users_cost_a_hash_and_tokens_expire() {
        let dir = std::env::temp_dir().join(format!("hydrant-users-{}", random_secret().unwrap()));
        let db = Db::open(&dir.join("h.redb")).unwrap();
        add_user(&db, "alice", &["admin".to_string()], "pw").unwrap();
        assert!(check_login(&db, "alice", "pw").unwrap().is_some());
        assert!(check_login(&db, "alice", "nope").unwrap().is_none());
        let t = std::time::Instant::now();
        assert!(check_login(&db, "mallory", "pw").unwrap().is_none());
        assert!(
            t.elapsed() > std::time::Duration::from_millis(2),
            "a hash was computed"
        );
        let tok = new_token(&db, "alice", Some(db::now() - 1), "old").unwrap();
        assert!(user_for_token(&db, &tok).unwrap().is_none(), "expired");
        let tok = new_token(&db, "alice", None, "ci").unwrap();
        assert_eq!(user_for_token(&db, &tok).unwrap().unwrap().name, "alice");
        let id = token_id(&secret_key(&tok)).to_string();
        assert!(revoke_token(&db, "alice", &id).unwrap());
        assert!(user_for_token(&db, &tok).unwrap().is_none(), "revoked");
        // A password change ends the other tokens.
        let tok = new_token(&db, "alice", None, "ci").unwrap();
        set_password(&db, "alice", "new").unwrap();
        assert!(user_for_token(&db, &tok).unwrap().is_none());
        assert!(check_login(&db, "alice", "new").unwrap().is_some());
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn secrets_are_random_and_keyed() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(secret_key("abc").len(), 64);
        assert_ne!(secret_key(&a), a);
    }
}
