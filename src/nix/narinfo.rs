//! `.narinfo` files: what a binary cache says about one store path. Rendered in Nix's field
//! order and parsed as leniently as Nix (unknown keys ignored, missing Compression = bzip2).
use super::hash::{Hash, HashAlgo, HashError};
use super::signing::{self, PublicKey, SecretKey};
use super::store_path::{StorePath, StorePathError};
use std::fmt;

/// Why a narinfo could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NarInfoError {
    MissingField(&'static str),
    BadLine {
        line: usize,
        text: String,
    },
    BadPath {
        field: &'static str,
        source: StorePathError,
    },
    BadHash {
        field: &'static str,
        source: HashError,
    },
    BadNumber {
        field: &'static str,
        value: String,
    },
    DuplicateField(&'static str),
}

impl fmt::Display for NarInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NarInfoError::MissingField(k) => write!(f, "narinfo lacks the required field {k}"),
            NarInfoError::BadLine { line, text } => {
                write!(f, "narinfo line {line} is not `Key: value`: {text:?}")
            }
            NarInfoError::BadPath { field, source } => write!(f, "narinfo {field}: {source}"),
            NarInfoError::BadHash { field, source } => write!(f, "narinfo {field}: {source}"),
            NarInfoError::BadNumber { field, value } => {
                write!(f, "narinfo {field}: {value:?} is not a number")
            }
            NarInfoError::DuplicateField(k) => write!(f, "narinfo has {k} twice"),
        }
    }
}

impl std::error::Error for NarInfoError {}

/// The content of a `<hash>.narinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarInfo {
    pub store_path: StorePath,
    /// Where the (compressed) NAR is, relative to the cache root, e.g. `nar/<filehash>.nar.xz`.
    pub url: String,
    /// `none`, `xz`, `bzip2`, `zstd`, ...
    pub compression: String,
    /// sha256 of the file at `url`.
    pub file_hash: Option<Hash>,
    pub file_size: Option<u64>,
    pub nar_hash: Hash,
    pub nar_size: u64,
    /// Paths this path refers to (possibly itself); rendered as sorted basenames.
    pub references: Vec<StorePath>,
    pub deriver: Option<StorePath>,
    pub system: Option<String>,
    /// `keyname:base64(signature)` entries.
    pub sigs: Vec<String>,
    pub ca: Option<String>,
}

impl NarInfo {
    /// A narinfo for an uncompressed NAR stored at `nar/<narhash>.nar`; callers that compress
    /// replace `url`, `compression`, `file_hash` and `file_size`.
    pub fn new(store_path: StorePath, nar_hash: Hash, nar_size: u64) -> NarInfo {
        NarInfo {
            url: format!("nar/{}.nar", nar_hash.nix32_digest()),
            compression: "none".into(),
            file_hash: Some(nar_hash.clone()),
            file_size: Some(nar_size),
            store_path,
            nar_hash,
            nar_size,
            references: Vec::new(),
            deriver: None,
            system: None,
            sigs: Vec::new(),
            ca: None,
        }
    }

    /// Renders in Nix's field order (`NarInfo::to_string` in Nix).
    pub fn render(&self) -> String {
        let mut s = String::new();
        s += &format!("StorePath: {}\n", self.store_path);
        s += &format!("URL: {}\n", self.url);
        s += &format!("Compression: {}\n", self.compression);
        if let Some(h) = &self.file_hash {
            s += &format!("FileHash: {}\n", h.to_nix32());
        }
        if let Some(n) = self.file_size {
            s += &format!("FileSize: {n}\n");
        }
        s += &format!("NarHash: {}\n", self.nar_hash.to_nix32());
        s += &format!("NarSize: {}\n", self.nar_size);
        let mut refs: Vec<String> = self.references.iter().map(|r| r.basename()).collect();
        refs.sort();
        refs.dedup();
        s += &format!("References: {}\n", refs.join(" "));
        if let Some(d) = &self.deriver {
            s += &format!("Deriver: {}\n", d.basename());
        }
        if let Some(sys) = self.system.as_deref().filter(|x| !x.is_empty()) {
            s += &format!("System: {sys}\n");
        }
        for sig in &self.sigs {
            s += &format!("Sig: {sig}\n");
        }
        if let Some(ca) = &self.ca {
            s += &format!("CA: {ca}\n");
        }
        s
    }

    /// Parses a narinfo; the store directory is taken from its StorePath line.
    pub fn parse(text: &str) -> Result<NarInfo, NarInfoError> {
        let mut store_path = None;
        let mut url = None;
        let mut compression = None;
        let mut file_hash = None;
        let mut file_size = None;
        let mut nar_hash = None;
        let mut nar_size = None;
        let mut refs: Option<&str> = None;
        let mut deriver: Option<&str> = None;
        let mut system = None;
        let mut sigs = Vec::new();
        let mut ca = None;
        fn set<T>(slot: &mut Option<T>, v: T, k: &'static str) -> Result<(), NarInfoError> {
            if slot.replace(v).is_some() {
                return Err(NarInfoError::DuplicateField(k));
            }
            Ok(())
        }
        let num = |field: &'static str, v: &str| {
            v.parse::<u64>().map_err(|_| NarInfoError::BadNumber {
                field,
                value: v.into(),
            })
        };
        let hash = |field: &'static str, v: &str| {
            Hash::parse_as(HashAlgo::Sha256, v)
                .map_err(|source| NarInfoError::BadHash { field, source })
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (key, value) = line.split_once(':').ok_or_else(|| NarInfoError::BadLine {
                line: i + 1,
                text: line.into(),
            })?;
            let value = value.strip_prefix(' ').unwrap_or(value).trim_end();
            match key {
                "StorePath" => {
                    let (dir, _) = value.rsplit_once('/').ok_or(NarInfoError::BadPath {
                        field: "StorePath",
                        source: StorePathError::NotInStore {
                            path: value.into(),
                            store_dir: "?".into(),
                        },
                    })?;
                    let p = StorePath::parse_in(if dir.is_empty() { "/" } else { dir }, value)
                        .map_err(|source| NarInfoError::BadPath {
                            field: "StorePath",
                            source,
                        })?;
                    set(&mut store_path, p, "StorePath")?
                }
                "URL" => set(&mut url, value.to_string(), "URL")?,
                "Compression" => set(&mut compression, value.to_string(), "Compression")?,
                "FileHash" => set(&mut file_hash, hash("FileHash", value)?, "FileHash")?,
                "FileSize" => set(&mut file_size, num("FileSize", value)?, "FileSize")?,
                "NarHash" => set(&mut nar_hash, hash("NarHash", value)?, "NarHash")?,
                "NarSize" => set(&mut nar_size, num("NarSize", value)?, "NarSize")?,
                "References" => set(&mut refs, value, "References")?,
                "Deriver" => set(&mut deriver, value, "Deriver")?,
                "System" => set(&mut system, value.to_string(), "System")?,
                "Sig" => sigs.push(value.to_string()),
                "CA" => set(&mut ca, value.to_string(), "CA")?,
                _ => {}
            }
        }
        let store_path: StorePath = store_path.ok_or(NarInfoError::MissingField("StorePath"))?;
        let dir = store_path.store_dir().to_string();
        let references = refs
            .unwrap_or("")
            .split_ascii_whitespace()
            .map(|b| {
                StorePath::from_basename_in(&dir, b).map_err(|source| NarInfoError::BadPath {
                    field: "References",
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let deriver = match deriver {
            None | Some("") | Some("unknown-deriver") => None,
            Some(d) => Some(StorePath::from_basename_in(&dir, d).map_err(|source| {
                NarInfoError::BadPath {
                    field: "Deriver",
                    source,
                }
            })?),
        };
        Ok(NarInfo {
            store_path,
            url: url.ok_or(NarInfoError::MissingField("URL"))?,
            compression: compression
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "bzip2".into()),
            file_hash,
            file_size,
            nar_hash: nar_hash.ok_or(NarInfoError::MissingField("NarHash"))?,
            nar_size: nar_size.ok_or(NarInfoError::MissingField("NarSize"))?,
            references,
            deriver,
            system,
            sigs,
            ca,
        })
    }

    /// The string Nix signs: `1;<path>;<narhash>;<narsize>;<sorted full refs, comma-joined>`.
    pub fn fingerprint(&self) -> String {
        signing::fingerprint(
            &self.store_path,
            &self.nar_hash,
            self.nar_size,
            &self.references,
        )
    }

    /// Adds a signature by `key`, replacing an earlier one by a key of the same name.
    pub fn sign(&mut self, key: &SecretKey) {
        let sig = key.sign(self.fingerprint().as_bytes());
        let prefix = format!("{}:", key.name());
        self.sigs.retain(|s| !s.starts_with(&prefix));
        self.sigs.push(sig);
    }

    /// True if at least one signature verifies with one of `keys` (Nix's `checkSignatures`).
    pub fn verify(&self, keys: &[PublicKey]) -> bool {
        let fp = self.fingerprint();
        self.sigs
            .iter()
            .any(|s| keys.iter().any(|k| k.verify(fp.as_bytes(), s)))
    }
}

impl fmt::Display for NarInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::str::FromStr for NarInfo {
    type Err = NarInfoError;
    fn from_str(s: &str) -> Result<NarInfo, NarInfoError> {
        NarInfo::parse(s)
    }
}
