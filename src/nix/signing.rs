//! Nix binary-cache signing keys (`name:base64(...)` files, libsodium layout) and ed25519
//! signatures over narinfo fingerprints.
use super::hash::Hash;
use super::store_path::StorePath;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use std::fmt;

/// Why a key could not be read or made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningError {
    /// No `name:` prefix, or an empty name.
    NoName,
    BadBase64(String),
    BadLength {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// The public half in a secret key does not match its seed.
    Inconsistent,
    Random(String),
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::NoName => {
                write!(f, "key must look like NAME:BASE64 with a non-empty name")
            }
            SigningError::BadBase64(e) => write!(f, "key is not valid base64: {e}"),
            SigningError::BadLength {
                what,
                expected,
                got,
            } => {
                write!(f, "{what} must be {expected} bytes, got {got}")
            }
            SigningError::Inconsistent => {
                write!(f, "secret key's public half does not match its seed")
            }
            SigningError::Random(e) => write!(f, "no randomness for key generation: {e}"),
        }
    }
}

impl std::error::Error for SigningError {}

fn split(s: &str, what: &'static str, len: usize) -> Result<(String, Vec<u8>), SigningError> {
    let (name, b64) = s.trim().split_once(':').ok_or(SigningError::NoName)?;
    if name.is_empty() {
        return Err(SigningError::NoName);
    }
    let bytes = B64
        .decode(b64)
        .map_err(|e| SigningError::BadBase64(e.to_string()))?;
    if bytes.len() != len {
        return Err(SigningError::BadLength {
            what,
            expected: len,
            got: bytes.len(),
        });
    }
    Ok((name.to_string(), bytes))
}

/// A secret signing key, as written by `nix-store --generate-binary-cache-key`.
#[derive(Clone)]
pub struct SecretKey {
    name: String,
    key: SigningKey,
}

impl SecretKey {
    /// Parses `name:base64(seed ++ public)` (64 bytes); surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<SecretKey, SigningError> {
        let (name, bytes) = split(s, "secret key", 64)?;
        let mut kp = [0u8; 64];
        kp.copy_from_slice(&bytes);
        let key = SigningKey::from_keypair_bytes(&kp).map_err(|_| SigningError::Inconsistent)?;
        Ok(SecretKey { name, key })
    }

    /// A fresh key from the OS's random source.
    pub fn generate(name: &str) -> Result<SecretKey, SigningError> {
        if name.is_empty() || name.contains(':') {
            return Err(SigningError::NoName);
        }
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| SigningError::Random(e.to_string()))?;
        Ok(SecretKey {
            name: name.into(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
        }
    }

    /// The key file content `name:base64(64 bytes)`, without a newline (like Nix).
    pub fn to_file_string(&self) -> String {
        format!("{}:{}", self.name, B64.encode(self.key.to_keypair_bytes()))
    }

    /// Signs `msg`, returning `name:base64(signature)` as a narinfo `Sig` value.
    pub fn sign(&self, msg: &[u8]) -> String {
        format!(
            "{}:{}",
            self.name,
            B64.encode(self.key.sign(msg).to_bytes())
        )
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}:<redacted>)", self.name)
    }
}

/// A public key as listed in `trusted-public-keys`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    name: String,
    key: VerifyingKey,
}

impl PublicKey {
    /// Parses `name:base64(32 bytes)`.
    pub fn parse(s: &str) -> Result<PublicKey, SigningError> {
        let (name, bytes) = split(s, "public key", 32)?;
        let mut b = [0u8; 32];
        b.copy_from_slice(&bytes);
        let key = VerifyingKey::from_bytes(&b).map_err(|_| SigningError::Inconsistent)?;
        Ok(PublicKey { name, key })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True if `sig` (`name:base64`) is by this key's name and valid for `msg`.
    pub fn verify(&self, msg: &[u8], sig: &str) -> bool {
        let Some((name, b64)) = sig.split_once(':') else {
            return false;
        };
        if name != self.name {
            return false;
        }
        let Ok(bytes) = B64.decode(b64) else {
            return false;
        };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(&bytes) else {
            return false;
        };
        self.key.verify(msg, &sig).is_ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.name, B64.encode(self.key.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// Nix's signing fingerprint for a path: `1;<path>;<narhash nix32>;<narsize>;<refs>`, with the
/// references as full paths, sorted, comma-joined.
pub fn fingerprint(path: &StorePath, nar_hash: &Hash, nar_size: u64, refs: &[StorePath]) -> String {
    let mut r: Vec<String> = refs.iter().map(|p| p.to_string()).collect();
    r.sort();
    r.dedup();
    format!(
        "1;{path};{};{nar_size};{}",
        nar_hash.to_nix32(),
        r.join(",")
    )
}
