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
    db.put_user(&u)?;
    Ok(created)
}

/// Makes a new API token for a user and returns it; only its hash is stored.
pub fn new_token(db: &Db, name: &str) -> Result<String, UserError> {
    if db.user(name)?.is_none() {
        return Err(UserError::NoSuchUser(name.to_string()));
    }
    let token = random_secret()?;
    db.put_token(
        &secret_key(&token),
        &ApiToken {
            user: name.to_string(),
            created: db::now(),
        },
    )?;
    Ok(token)
}

/// The user a bearer token belongs to, if the token is known and the user still exists.
pub fn user_for_token(db: &Db, token: &str) -> Result<Option<User>, DbError> {
    match db.token(&secret_key(token))? {
        Some(t) => db.user(&t.user),
        None => Ok(None),
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
    fn secrets_are_random_and_keyed() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(secret_key("abc").len(), 64);
        assert_ne!(secret_key(&a), a);
    }
}
