//! S3 binary-cache backup: every build with an output has its closure pushed to each matching
//! `<s3config>` bucket as NARs and narinfos (`upload`), through a crash-safe redb queue worked by
//! background threads (`queue`), and a collector deletes what no GC root keeps alive (`gc`).

pub mod cmd;
pub mod compress;
pub mod file_store;
pub mod gc;
pub mod local;
pub mod queue;
pub mod upload;

use crate::config::{Compression, S3Config};
use std::fmt;
use std::path::{Path, PathBuf};

pub use queue::{spawn, spawn_gc};

/// Errors of the cache module; each names the bucket, key or path involved.
#[derive(Debug)]
pub enum CacheError {
    /// Asking the local Nix store failed.
    Nix(String),
    /// An S3 request failed (after the client's retries).
    S3(String),
    /// A local file could not be read or written.
    Io {
        path: PathBuf,
        err: std::io::Error,
    },
    /// NAR serialisation or signing failed.
    Format(String),
    Db(crate::db::DbError),
    /// Bad command-line or config input.
    Usage(String),
    /// The bucket answered something we cannot trust (e.g. a narinfo without a URL).
    Bucket(String),
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::Nix(m) => write!(f, "nix: {m}"),
            CacheError::S3(m) => write!(f, "s3: {m}"),
            CacheError::Io { path, err } => write!(f, "{}: {err}", path.display()),
            CacheError::Format(m) => write!(f, "{m}"),
            CacheError::Db(e) => write!(f, "{e}"),
            CacheError::Usage(m) => write!(f, "{m}"),
            CacheError::Bucket(m) => write!(f, "bucket: {m}"),
        }
    }
}

impl std::error::Error for CacheError {}

impl From<crate::db::DbError> for CacheError {
    fn from(e: crate::db::DbError) -> Self {
        CacheError::Db(e)
    }
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for CacheError {
            fn from(e: $t) -> Self { CacheError::Db(crate::db::DbError::Storage(e.to_string())) }
        }
    )*};
}
db_err!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |err| CacheError::Io {
        path: path.to_path_buf(),
        err,
    }
}

/// Where a binary cache lives: one bucket and a key prefix, plus how to write into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub bucket: String,
    pub prefix: String,
    pub compression: Compression,
    pub endpoint: Option<String>,
    pub region: String,
    pub path_style: bool,
    pub secret_key_file: Option<PathBuf>,
    pub upload_jobs: usize,
    /// Threads compressing ONE path with xz or zstd (`compression_threads`, older name
    /// `xz_threads`; `?compression-threads=N`); 0, the default, is the cores no other path's
    /// compressor is using at the time (at least one). A path gets no
    /// more threads than it has blocks (24 MiB for xz, 4 windows for zstd), and no more than
    /// fit in `upload_memory_mb` next to the other paths compressing at the same time: at xz
    /// preset 6 a thread costs ~100 MiB (liblzma's own estimate decides), at zstd level 3 ~20.
    pub compression_threads: u32,
    /// zstd level (`zstd_level`, `?compression-level=N`), default 3.
    pub zstd_level: i32,
    /// Memory the compressors of this target's uploads share (`upload_memory_mb`), MiB.
    pub upload_memory_mb: u64,
    /// Extra CA certificates (PEM) for an https endpoint (`ca_file`, `?ca-file=`).
    pub ca_file: Option<PathBuf>,
}

impl Target {
    pub fn from_config(s: &S3Config) -> Target {
        Target {
            bucket: s.name.clone(),
            prefix: s.prefix.clone(),
            compression: s.compression,
            endpoint: s.endpoint.clone(),
            region: s.region.clone(),
            path_style: s.path_style,
            secret_key_file: s.secret_key_file.clone(),
            upload_jobs: s.upload_jobs.max(1),
            compression_threads: s.compression_threads,
            zstd_level: s.zstd_level,
            upload_memory_mb: s.upload_memory_mb,
            ca_file: s.ca_file.clone(),
        }
    }

    /// The compressor settings of this target.
    pub fn compress_settings(&self) -> compress::Settings {
        compress::Settings {
            compression: self.compression,
            zstd_level: self.zstd_level,
            threads: self.compression_threads,
        }
    }

    /// The name used in `Build.cached`, the queue tables and the lock file: the bucket, plus the
    /// prefix when there is one (two sections may share a bucket under different prefixes).
    pub fn id(&self) -> String {
        if self.prefix.is_empty() {
            self.bucket.clone()
        } else {
            format!("{}/{}", self.bucket, self.prefix)
        }
    }

    pub fn narinfo_key(&self, hash_part: &str) -> String {
        format!("{}{hash_part}.narinfo", self.prefix)
    }

    /// The narinfo `URL:` value (relative to the cache root) of a NAR with this file hash.
    pub fn nar_url(&self, file_hash_nix32: &str) -> String {
        format!("nar/{file_hash_nix32}{}", self.compression.extension())
    }

    pub fn cache_info_key(&self) -> String {
        format!("{}nix-cache-info", self.prefix)
    }
}

/// The `nix-cache-info` body hydrant writes.
pub const CACHE_INFO: &str = "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n";

/// The part of a store path before the first `-` of its base name (`<hash>.narinfo`).
pub fn hash_part(store_path: &str) -> Option<&str> {
    let base = store_path.rsplit('/').next()?;
    let h = base.split('-').next()?;
    (h.len() == 32).then_some(h)
}

/// What the local store knows about one path, as the uploader needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    pub path: String,
    /// Full store paths, possibly including `path` itself.
    pub references: Vec<String>,
    pub deriver: Option<String>,
}

/// Orders a closure so every path comes after the paths it refers to (self-references ignored).
/// Unknown references (outside the given set) are ignored. Pure; stable for equal inputs.
pub fn topo_order(infos: Vec<PathInfo>) -> Vec<PathInfo> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut by_path: BTreeMap<String, PathInfo> =
        infos.into_iter().map(|i| (i.path.clone(), i)).collect();
    let mut out = Vec::with_capacity(by_path.len());
    let mut done: BTreeSet<String> = BTreeSet::new();
    let keys: Vec<String> = by_path.keys().cloned().collect();
    // Iterative DFS post-order, so deep closures cannot overflow the stack.
    for root in keys {
        if done.contains(&root) {
            continue;
        }
        let mut stack: Vec<(String, bool)> = vec![(root, false)];
        let mut on_stack: BTreeSet<String> = BTreeSet::new();
        while let Some((p, expanded)) = stack.pop() {
            if done.contains(&p) {
                continue;
            }
            if expanded {
                done.insert(p.clone());
                on_stack.remove(&p);
                if let Some(i) = by_path.remove(&p) {
                    out.push(i);
                }
                continue;
            }
            on_stack.insert(p.clone());
            stack.push((p.clone(), true));
            if let Some(i) = by_path.get(&p) {
                for r in i.references.iter().rev() {
                    if r != &p && !done.contains(r) && !on_stack.contains(r) {
                        stack.push((r.clone(), false));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pi(p: &str, refs: &[&str]) -> PathInfo {
        PathInfo {
            path: p.into(),
            references: refs.iter().map(|s| s.to_string()).collect(),
            deriver: None,
        }
    }

    #[test]
    fn topo_puts_references_first() {
        let v = topo_order(vec![
            pi("/a", &["/a", "/b", "/c"]),
            pi("/b", &["/c"]),
            pi("/c", &["/c"]),
            pi("/d", &["/a", "/x"]),
        ]);
        let pos = |p: &str| v.iter().position(|i| i.path == p).unwrap();
        assert_eq!(v.len(), 4);
        assert!(pos("/c") < pos("/b"));
        assert!(pos("/b") < pos("/a"));
        assert!(pos("/a") < pos("/d"));
    }

    #[test]
    fn keys_and_ids() {
        let t = Target {
            bucket: "b".into(),
            prefix: "cache/".into(),
            compression: Compression::Xz,
            endpoint: None,
            region: "us-east-1".into(),
            path_style: true,
            secret_key_file: None,
            upload_jobs: 1,
            compression_threads: 1,
            zstd_level: 3,
            upload_memory_mb: 256,
            ca_file: None,
        };
        assert_eq!(t.id(), "b/cache/");
        assert_eq!(t.narinfo_key("abc"), "cache/abc.narinfo");
        assert_eq!(t.nar_url("xyz"), "nar/xyz.nar.xz");
        assert_eq!(
            hash_part("/nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10"),
            Some("xcp9cav49dmsjbwdjlmkjxj10gkpx553")
        );
        assert_eq!(hash_part("/nix/store/short-x"), None);
    }
}
