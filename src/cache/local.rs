//! The local store as a binary cache (`hydrant serve` with `binary_cache = true`), the way
//! Hydra, nix-serve and harmonia offer it: narinfos built from the store's own records and
//! signed with the configured keys, NARs written by our NAR writer (and compressed) while they
//! are sent, `.ls` listings. By default only the closure of hydrant's GC roots is served (what
//! its builds produced and keeps), so a store shared with other users does not hand their
//! paths to anyone who can reach the port; `binary_cache_all_paths = true` serves every valid
//! path. Path records are immutable once valid, so they are kept in memory after the first ask.

use super::compress::{Encoder, Plan, Settings};
use super::CacheError;
use crate::config::{Compression, Config};
use crate::nix::cli::{NixCli, PathInfo};
use crate::nix::signing::SecretKey;
use crate::nix::store_path::StorePath;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How often the allowed set is recomputed while every ask finds its path.
const ALLOWED_MAX_AGE: Duration = Duration::from_secs(30);
/// A miss recomputes it if it is older than this (a build just finished, say).
const ALLOWED_MISS_AGE: Duration = Duration::from_secs(1);
/// Entries kept in memory before the map starts over.
const MAX_ENTRIES: usize = 200_000;

/// One servable path: its record and its signed narinfo.
#[derive(Debug)]
pub struct Served {
    pub info: PathInfo,
    /// Full path on disk (the store dir joined with the base name).
    pub fs_path: PathBuf,
    pub narinfo: String,
}

#[derive(Default)]
struct Known {
    /// Hash part → full store path, for the allowed set (or the store listing).
    paths: HashMap<String, String>,
    at: Option<Instant>,
    /// The store directory's mtime when it was listed (all-paths mode).
    stamp: Option<SystemTime>,
}

pub struct LocalCache {
    pub enabled: bool,
    all_paths: bool,
    compression: Compression,
    priority: u32,
    store_dir: String,
    nix: NixCli,
    root_dirs: Vec<PathBuf>,
    keys: Result<Vec<SecretKey>, String>,
    known: Mutex<Known>,
    served: Mutex<HashMap<String, Arc<Served>>>,
    /// NAR hash (nix32) → hash part, for `/nar/<narhash>.nar` without `?hash=`.
    by_nar: Mutex<HashMap<String, String>>,
}

/// A NAR request: which path, and how the bytes are encoded.
pub struct NarRequest {
    pub served: Arc<Served>,
    pub compression: Compression,
}

/// Whether `s` is a store-path hash part (32 nix32 characters).
pub fn is_hash_part(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|c| b"0123456789abcdfghijklmnpqrsvwxyz".contains(&c))
}

fn load_keys(files: &[PathBuf]) -> Result<Vec<SecretKey>, String> {
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f)
                .map_err(|e| format!("binary_cache_secret_key_file {}: {e}", f.display()))?;
            SecretKey::parse(text.trim())
                .map_err(|e| format!("binary_cache_secret_key_file {}: {e}", f.display()))
        })
        .collect()
}

impl LocalCache {
    pub fn new(config: &Config, nix: &NixCli) -> LocalCache {
        let bc = &config.binary_cache;
        let mut root_dirs = vec![config.gcroots_dir()];
        root_dirs.extend(config.extra_gc_roots.iter().cloned());
        LocalCache {
            enabled: bc.enabled,
            all_paths: bc.all_paths,
            compression: bc.compression,
            priority: bc.priority,
            store_dir: config.store_dir.clone(),
            nix: nix.clone(),
            root_dirs,
            keys: if bc.enabled {
                load_keys(&bc.secret_key_files)
            } else {
                Ok(Vec::new())
            },
            known: Mutex::new(Known::default()),
            served: Mutex::new(HashMap::new()),
            by_nar: Mutex::new(HashMap::new()),
        }
    }

    /// For `hydrant serve` at start-up: a key that cannot be read stops it with this message.
    pub fn check(&self) -> Result<(), String> {
        self.keys.as_ref().map(|_| ()).map_err(Clone::clone)
    }

    pub fn cache_info(&self) -> String {
        format!(
            "StoreDir: {}\nWantMassQuery: 1\nPriority: {}\n",
            self.store_dir, self.priority
        )
    }

    /// The full store path for a hash part, if it may be served and exists on disk.
    fn resolve(&self, hash: &str) -> Result<Option<String>, CacheError> {
        let mut k = self.known.lock().unwrap_or_else(|p| p.into_inner());
        let age = k.at.map(|t| t.elapsed());
        let stale = |max: Duration| age.is_none_or(|a| a > max);
        if self.all_paths {
            let stamp = std::fs::metadata(&self.store_dir)
                .and_then(|m| m.modified())
                .ok();
            if !k.paths.contains_key(hash) && (k.stamp != stamp || k.stamp.is_none()) {
                k.paths = list_store(&self.store_dir)?;
                k.stamp = stamp;
                k.at = Some(Instant::now());
            }
        } else if stale(ALLOWED_MAX_AGE) || (!k.paths.contains_key(hash) && stale(ALLOWED_MISS_AGE))
        {
            k.paths = self.allowed_closure()?;
            k.at = Some(Instant::now());
        }
        Ok(k.paths.get(hash).cloned())
    }

    /// The closure of every GC root hydrant knows, by hash part.
    fn allowed_closure(&self) -> Result<HashMap<String, String>, CacheError> {
        let roots: Vec<String> = super::gc::gc_roots(&self.root_dirs, &self.store_dir)?
            .into_iter()
            .collect();
        let closure = super::upload::closure_paths_with(&self.nix, &roots)?;
        Ok(closure
            .into_iter()
            .filter_map(|p| super::hash_part(&p).map(|h| (h.to_string(), p.clone())))
            .collect())
    }

    /// The path behind `<hash>.narinfo`, or None (404) when it is not servable.
    pub fn lookup(&self, hash: &str) -> Result<Option<Arc<Served>>, CacheError> {
        if !is_hash_part(hash) {
            return Ok(None);
        }
        let Some(full) = self.resolve(hash)? else {
            return Ok(None);
        };
        if let Some(s) = self.cached(hash) {
            // Deleted by a garbage collection since: gone from the cache too.
            if std::fs::symlink_metadata(&s.fs_path).is_ok() {
                return Ok(Some(s));
            }
            self.forget(hash);
            return Ok(None);
        }
        let sp = self
            .nix
            .parse_path(&full)
            .map_err(|e| CacheError::Nix(format!("{full}: {e}")))?;
        let fs_path = Path::new(&self.store_dir).join(sp.basename());
        if std::fs::symlink_metadata(&fs_path).is_err() {
            return Ok(None);
        }
        let info = match self.nix.path_info(&sp) {
            Ok(i) => i,
            Err(e) => {
                // An output being built exists on disk before it is valid.
                return match self.nix.is_valid(&sp) {
                    Ok(false) => Ok(None),
                    _ => Err(CacheError::Nix(e.to_string())),
                };
            }
        };
        let narinfo = self.render(&sp, &info)?;
        let served = Arc::new(Served {
            info,
            fs_path,
            narinfo,
        });
        self.remember(hash, served.clone());
        Ok(Some(served))
    }

    fn render(&self, sp: &StorePath, info: &PathInfo) -> Result<String, CacheError> {
        let keys = self
            .keys
            .as_ref()
            .map_err(|e| CacheError::Usage(e.clone()))?;
        let mut ni = info.to_narinfo();
        ni.url = format!(
            "nar/{}{}?hash={}",
            info.nar_hash.nix32_digest(),
            self.compression.extension(),
            sp.hash_part()
        );
        ni.compression = self.compression.name().to_string();
        for k in keys {
            ni.sign(k);
        }
        Ok(ni.render())
    }

    fn cached(&self, hash: &str) -> Option<Arc<Served>> {
        self.served
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(hash)
            .cloned()
    }

    fn remember(&self, hash: &str, s: Arc<Served>) {
        let mut by_nar = self.by_nar.lock().unwrap_or_else(|p| p.into_inner());
        if by_nar.len() >= MAX_ENTRIES {
            by_nar.clear();
        }
        by_nar.insert(s.info.nar_hash.nix32_digest(), hash.to_string());
        drop(by_nar);
        let mut m = self.served.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(hash.to_string(), s);
    }

    fn forget(&self, hash: &str) {
        self.served
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(hash);
    }

    /// `/nar/<narhash>.nar[.zst|.xz]` (`hash`: the `?hash=` our narinfos add). None (404)
    /// unless the NAR hash is that of a servable path.
    pub fn nar(&self, file: &str, hash: Option<&str>) -> Result<Option<NarRequest>, CacheError> {
        let (nar_hash, compression) = if let Some(h) = file.strip_suffix(".nar") {
            (h, Compression::None)
        } else if let Some(h) = file.strip_suffix(".nar.zst") {
            (h, Compression::Zstd)
        } else if let Some(h) = file.strip_suffix(".nar.xz") {
            (h, Compression::Xz)
        } else {
            return Ok(None);
        };
        if nar_hash.len() != 52 || !nar_hash.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(None);
        }
        let hash = match hash {
            Some(h) => h.to_string(),
            None => match self
                .by_nar
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(nar_hash)
            {
                Some(h) => h.clone(),
                None => return Ok(None),
            },
        };
        let Some(served) = self.lookup(&hash)? else {
            return Ok(None);
        };
        if served.info.nar_hash.nix32_digest() != nar_hash {
            return Ok(None);
        }
        Ok(Some(NarRequest {
            served,
            compression,
        }))
    }

    /// `<hash>.ls`: the path's file listing in Nix's JSON format.
    pub fn listing(&self, hash: &str) -> Result<Option<String>, CacheError> {
        let Some(served) = self.lookup(hash)? else {
            return Ok(None);
        };
        let root = list_node(&served.fs_path).map_err(super::io_err(&served.fs_path))?;
        Ok(Some(
            serde_json::json!({ "version": 1, "root": root }).to_string(),
        ))
    }
}

impl NarRequest {
    /// `Content-Length` when known up front (uncompressed: the recorded NAR size).
    pub fn length(&self) -> Option<u64> {
        (self.compression == Compression::None).then_some(self.served.info.nar_size)
    }

    pub fn content_type(&self) -> &'static str {
        "application/x-nix-nar"
    }

    /// Writes the NAR, compressed as asked, into `out`.
    pub fn write(&self, out: &mut dyn crate::nix::nar::FileOut) -> io::Result<()> {
        let to_io = |e: crate::nix::nar::NarError| io::Error::other(e.to_string());
        if self.compression == Compression::None {
            return crate::nix::nar::write_nar_sending_files(&self.served.fs_path, out)
                .map_err(to_io);
        }
        // One thread per request: concurrent downloads already share the cores.
        let settings = Settings {
            compression: self.compression,
            zstd_level: 3,
            threads: 1,
        };
        let plan = Plan::single();
        let mut enc = Encoder::new(&settings, &plan, io::BufWriter::with_capacity(1 << 18, out))?;
        crate::nix::nar::write_nar(&self.served.fs_path, &mut enc).map_err(to_io)?;
        enc.finish()?.flush()
    }
}

/// Every entry of the store directory, by hash part.
fn list_store(store_dir: &str) -> Result<HashMap<String, String>, CacheError> {
    let dir = Path::new(store_dir);
    let mut out = HashMap::new();
    for e in std::fs::read_dir(dir).map_err(super::io_err(dir))? {
        let e = e.map_err(super::io_err(dir))?;
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(h) = name.get(..32).filter(|h| is_hash_part(h)) {
            if name.as_bytes().get(32) == Some(&b'-') && !name.ends_with(".lock") {
                out.insert(h.to_string(), format!("{store_dir}/{name}"));
            }
        }
    }
    Ok(out)
}

/// One node of a `.ls` listing (Nix's `listNar` format, without NAR offsets).
fn list_node(p: &Path) -> io::Result<serde_json::Value> {
    use std::os::unix::fs::PermissionsExt;
    let m = std::fs::symlink_metadata(p)?;
    let ft = m.file_type();
    Ok(if ft.is_symlink() {
        serde_json::json!({
            "type": "symlink",
            "target": std::fs::read_link(p)?.to_string_lossy(),
        })
    } else if ft.is_dir() {
        let mut entries = serde_json::Map::new();
        let mut names: Vec<_> = std::fs::read_dir(p)?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<io::Result<_>>()?;
        names.sort();
        for n in names {
            entries.insert(n.to_string_lossy().to_string(), list_node(&p.join(&n))?);
        }
        serde_json::json!({ "type": "directory", "entries": entries })
    } else {
        let mut v = serde_json::json!({ "type": "regular", "size": m.len() });
        if m.permissions().mode() & 0o100 != 0 {
            v["executable"] = serde_json::Value::Bool(true);
        }
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_parts() {
        assert!(is_hash_part("xcp9cav49dmsjbwdjlmkjxj10gkpx553"));
        assert!(!is_hash_part("xcp9cav49dmsjbwdjlmkjxj10gkpx55"));
        assert!(
            !is_hash_part("ecp9cav49dmsjbwdjlmkjxj10gkpx553"),
            "no e in nix32"
        );
        assert!(!is_hash_part("../../../../../../../etc/passwd.x"));
    }
}
