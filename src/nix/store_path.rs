//! Store paths `<storedir>/<32 nix32 chars>-<name>`, validated with Nix 2.8's rules. The hash
//! part names the path's `<hash>.narinfo` in a binary cache.
use super::base32;
use std::fmt;

/// The store directory Nix uses unless configured otherwise.
pub const DEFAULT_STORE_DIR: &str = "/nix/store";

/// Length of the nix32 hash part (20 bytes).
pub const HASH_PART_LEN: usize = 32;

/// Longest name Nix accepts (255 minus the hash part, the dash and room for `.drv`-style suffixes).
pub const MAX_NAME_LEN: usize = 211;

/// Why a string is not a store path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorePathError {
    NotInStore { path: String, store_dir: String },
    BadHashPart(String),
    BadName { path: String, reason: &'static str },
    BadStoreDir(String),
}

impl fmt::Display for StorePathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorePathError::NotInStore { path, store_dir } => {
                write!(
                    f,
                    "path {path:?} is not directly in the Nix store {store_dir}"
                )
            }
            StorePathError::BadHashPart(p) => {
                write!(f, "store path {p:?} has an invalid hash part")
            }
            StorePathError::BadName { path, reason } => {
                write!(f, "store path {path:?} has an invalid name: {reason}")
            }
            StorePathError::BadStoreDir(d) => {
                write!(
                    f,
                    "store directory {d:?} must be absolute and not end in '/'"
                )
            }
        }
    }
}

impl std::error::Error for StorePathError {}

/// A path directly inside a store directory, e.g. `/nix/store/<hash>-hello-2.10`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StorePath {
    store_dir: String,
    hash_part: String,
    name: String,
}

impl StorePath {
    /// Parses a full path in the default store `/nix/store`.
    pub fn parse(path: &str) -> Result<StorePath, StorePathError> {
        StorePath::parse_in(DEFAULT_STORE_DIR, path)
    }

    /// Parses a full path in the given store directory.
    pub fn parse_in(store_dir: &str, path: &str) -> Result<StorePath, StorePathError> {
        check_store_dir(store_dir)?;
        let base = path
            .strip_prefix(store_dir)
            .and_then(|r| r.strip_prefix('/'))
            .filter(|b| !b.contains('/'))
            .ok_or_else(|| StorePathError::NotInStore {
                path: path.into(),
                store_dir: store_dir.into(),
            })?;
        StorePath::from_basename_in(store_dir, base)
    }

    /// A path from its basename `<hash>-<name>` in the given store directory.
    pub fn from_basename_in(store_dir: &str, base: &str) -> Result<StorePath, StorePathError> {
        check_store_dir(store_dir)?;
        if base.len() < HASH_PART_LEN + 2 || base.as_bytes()[HASH_PART_LEN] != b'-' {
            return Err(StorePathError::BadHashPart(base.into()));
        }
        let (hash_part, name) = (&base[..HASH_PART_LEN], &base[HASH_PART_LEN + 1..]);
        if !base32::is_nix32(hash_part) {
            return Err(StorePathError::BadHashPart(base.into()));
        }
        check_name(name).map_err(|reason| StorePathError::BadName {
            path: base.into(),
            reason,
        })?;
        Ok(StorePath {
            store_dir: store_dir.into(),
            hash_part: hash_part.into(),
            name: name.into(),
        })
    }

    /// A path from its basename in `/nix/store`.
    pub fn from_basename(base: &str) -> Result<StorePath, StorePathError> {
        StorePath::from_basename_in(DEFAULT_STORE_DIR, base)
    }

    /// The 32-character nix32 hash part; a cache stores the path's info at `<hash_part>.narinfo`.
    pub fn hash_part(&self) -> &str {
        &self.hash_part
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn store_dir(&self) -> &str {
        &self.store_dir
    }

    /// `<hash>-<name>`, as narinfo References and Deriver list paths.
    pub fn basename(&self) -> String {
        format!("{}-{}", self.hash_part, self.name)
    }

    /// `<hash>.narinfo`.
    pub fn narinfo_name(&self) -> String {
        format!("{}.narinfo", self.hash_part)
    }

    /// True for derivation paths (`.drv`).
    pub fn is_derivation(&self) -> bool {
        self.name.ends_with(".drv")
    }

    /// The same basename in another store directory.
    pub fn with_store_dir(&self, store_dir: &str) -> Result<StorePath, StorePathError> {
        check_store_dir(store_dir)?;
        Ok(StorePath {
            store_dir: store_dir.into(),
            ..self.clone()
        })
    }
}

impl fmt::Display for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}-{}", self.store_dir, self.hash_part, self.name)
    }
}

impl fmt::Debug for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StorePath({self})")
    }
}

impl std::str::FromStr for StorePath {
    type Err = StorePathError;
    fn from_str(s: &str) -> Result<StorePath, StorePathError> {
        StorePath::parse(s)
    }
}

fn check_store_dir(d: &str) -> Result<(), StorePathError> {
    if !d.starts_with('/') || (d.len() > 1 && d.ends_with('/')) {
        return Err(StorePathError::BadStoreDir(d.into()));
    }
    Ok(())
}

/// Nix 2.8's `checkName`: non-empty, at most 211 bytes, no leading period, `[A-Za-z0-9+-._?=]`.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("empty name");
    }
    if name.len() > MAX_NAME_LEN {
        return Err("longer than 211 characters");
    }
    if name.starts_with('.') {
        return Err("starts with a period");
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || b"+-._?=".contains(&c))
    {
        return Err("contains a character outside [A-Za-z0-9+-._?=]");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_parts() {
        let p = StorePath::parse("/nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10").unwrap();
        assert_eq!(p.hash_part(), "xcp9cav49dmsjbwdjlmkjxj10gkpx553");
        assert_eq!(p.name(), "hello-2.10");
        assert_eq!(p.narinfo_name(), "xcp9cav49dmsjbwdjlmkjxj10gkpx553.narinfo");
        assert_eq!(
            p.to_string(),
            "/nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10"
        );
        let q = StorePath::parse_in("/tmp/s", "/tmp/s/xcp9cav49dmsjbwdjlmkjxj10gkpx553-a").unwrap();
        assert_eq!(q.store_dir(), "/tmp/s");
    }

    #[test]
    fn rejects() {
        let h = "xcp9cav49dmsjbwdjlmkjxj10gkpx553";
        for bad in [
            format!("/nix/store/{h}"),
            format!("/nix/store/{h}-"),
            format!("/nix/store/{h}-a/b"),
            format!("/nix/store/{h}-.a"),
            format!("/nix/store/{h}-a b"),
            format!("/nix/stor/{h}-a"),
            format!("/nix/store/{}-a", &h[..31]),
            "/nix/store/ecp9cav49dmsjbwdjlmkjxj10gkpx553-a".to_string(),
            format!("/nix/store/{h}-{}", "a".repeat(212)),
        ] {
            assert!(StorePath::parse(&bad).is_err(), "{bad}");
        }
        assert!(StorePath::parse(&format!("/nix/store/{h}-{}", "a".repeat(211))).is_ok());
    }
}
