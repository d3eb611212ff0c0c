//! S3 garbage collection: the live set is the closure of every GC root; everything under the
//! prefix that no live path needs is deleted. `classify`/`plan` decide (pure); `run` does the I/O.
//! `GcLock` keeps uploads to a bucket paused while its collector runs.

use super::upload::ObjectStore;
use super::{io_err, CacheError, Target};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What a key under the prefix is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind<'a> {
    CacheInfo,
    /// `<prefix><hash>.narinfo`
    Narinfo(&'a str),
    /// `<prefix>nar/...`: kept only when a live narinfo points at it.
    Nar,
    /// Hydra's old flat layout `<prefix><hash>.nar` (and `.ls` listings): kept when the hash is live.
    Flat(&'a str),
    Other,
}

fn is_hash(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b"0123456789abcdfghijklmnpqrsvwxyz".contains(&b))
}

/// Classifies a key; `None` when it lies outside the prefix (never to be touched).
pub fn classify<'a>(prefix: &str, key: &'a str) -> Option<KeyKind<'a>> {
    let rest = key.strip_prefix(prefix)?;
    if rest == "nix-cache-info" {
        return Some(KeyKind::CacheInfo);
    }
    if rest.starts_with("nar/") {
        return Some(KeyKind::Nar);
    }
    if let Some(h) = rest.strip_suffix(".narinfo") {
        if is_hash(h) {
            return Some(KeyKind::Narinfo(h));
        }
    }
    for ext in [".nar", ".nar.bz2", ".nar.xz", ".ls"] {
        if let Some(h) = rest.strip_suffix(ext) {
            if is_hash(h) {
                return Some(KeyKind::Flat(h));
            }
        }
    }
    Some(KeyKind::Other)
}

/// The narinfo keys of live paths in a listing: the shell reads these to learn their NAR URLs.
pub fn live_narinfos<'a>(
    prefix: &str,
    live: &HashSet<String>,
    listing: &'a [(String, u64)],
) -> Vec<&'a str> {
    listing
        .iter()
        .filter_map(|(k, _)| match classify(prefix, k) {
            Some(KeyKind::Narinfo(h)) if live.contains(h) => Some(k.as_str()),
            _ => None,
        })
        .collect()
}

/// The key a narinfo `URL:` (relative to the cache root) names.
pub fn url_key(prefix: &str, url: &str) -> String {
    format!("{prefix}{}", url.trim_start_matches('/'))
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Plan {
    pub keep: Vec<(String, u64)>,
    pub delete: Vec<(String, u64)>,
    /// Keys outside the prefix seen in the listing (never deleted).
    pub outside: usize,
}

impl Plan {
    pub fn freed(&self) -> u64 {
        self.delete.iter().map(|(_, s)| s).sum()
    }
    pub fn kept_bytes(&self) -> u64 {
        self.keep.iter().map(|(_, s)| s).sum()
    }
}

/// Decides what stays: `nix-cache-info`, narinfos of live paths, the NAR keys in `live_nars`
/// (from those narinfos' URLs) and flat-layout NARs of live hashes. Everything else under the
/// prefix goes; keys outside the prefix are only counted.
pub fn plan(
    prefix: &str,
    live: &HashSet<String>,
    live_nars: &HashSet<String>,
    listing: Vec<(String, u64)>,
) -> Plan {
    let mut p = Plan::default();
    for (key, size) in listing {
        let keep = match classify(prefix, &key) {
            None => {
                p.outside += 1;
                continue;
            }
            Some(KeyKind::CacheInfo) => true,
            Some(KeyKind::Narinfo(h)) | Some(KeyKind::Flat(h)) => live.contains(h),
            Some(KeyKind::Nar) => live_nars.contains(&key),
            Some(KeyKind::Other) => false,
        };
        if keep {
            p.keep.push((key, size));
        } else {
            p.delete.push((key, size));
        }
    }
    p
}

/// Reads the `URL:` line of a narinfo.
pub fn narinfo_url(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.strip_prefix("URL:"))
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
}

// ---------------------------------------------------------------------------------------------
// The lock between uploaders and the collector.

/// A per-target lock file under `state_dir/locks`: uploaders hold it shared around each path
/// (NAR and narinfo together), the collector holds it exclusively for its whole run. The file
/// also holds a GC generation, bumped by each collection, so uploaders know their record of
/// "already in the bucket" may be stale.
pub struct GcLock {
    file: std::fs::File,
    path: PathBuf,
}

pub fn lock_path(state_dir: &Path, target: &Target) -> PathBuf {
    let id = target.id();
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let digest = crate::s3::sigv4::hex_sha256(id.as_bytes());
    state_dir
        .join("locks")
        .join(format!("s3-{safe}-{}.lock", &digest[..8]))
}

impl GcLock {
    fn open(state_dir: &Path, target: &Target) -> Result<GcLock, CacheError> {
        let path = lock_path(state_dir, target);
        if let Some(d) = path.parent() {
            std::fs::create_dir_all(d).map_err(io_err(d))?;
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err(&path))?;
        Ok(GcLock { file, path })
    }

    fn flock(&self, op: libc::c_int) -> std::io::Result<bool> {
        use std::os::unix::io::AsRawFd;
        loop {
            // SAFETY: flock on a file descriptor we own.
            let r = unsafe { libc::flock(self.file.as_raw_fd(), op) };
            if r == 0 {
                return Ok(true);
            }
            let e = std::io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EWOULDBLOCK) => return Ok(false),
                _ => return Err(e),
            }
        }
    }

    /// For an uploader: `None` while a collection holds the bucket.
    pub fn try_shared(state_dir: &Path, target: &Target) -> Result<Option<GcLock>, CacheError> {
        let l = GcLock::open(state_dir, target)?;
        match l.flock(libc::LOCK_SH | libc::LOCK_NB) {
            Ok(true) => Ok(Some(l)),
            Ok(false) => Ok(None),
            Err(e) => Err(CacheError::Io {
                path: l.path,
                err: e,
            }),
        }
    }

    /// For the collector: waits for in-flight path uploads to finish.
    pub fn exclusive(state_dir: &Path, target: &Target) -> Result<GcLock, CacheError> {
        let l = GcLock::open(state_dir, target)?;
        match l.flock(libc::LOCK_EX) {
            Ok(_) => Ok(l),
            Err(e) => Err(CacheError::Io {
                path: l.path,
                err: e,
            }),
        }
    }

    pub fn generation(&self) -> u64 {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Only meaningful under the exclusive lock.
    pub fn bump_generation(&self) -> Result<u64, CacheError> {
        let g = self.generation() + 1;
        std::fs::write(&self.path, format!("{g}\n")).map_err(io_err(&self.path))?;
        Ok(g)
    }
}

// Dropping the file closes the descriptor, which releases the flock.

// ---------------------------------------------------------------------------------------------
// The I/O shell.

/// What one collection did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub target: String,
    pub listed: usize,
    pub kept: usize,
    pub kept_bytes: u64,
    pub deleted: usize,
    pub freed: u64,
    pub outside: usize,
    pub dry_run: bool,
    pub list_secs: f64,
    pub decide_secs: f64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: listed {} objects, kept {} ({} bytes), {} {} ({} bytes freed){}",
            self.target,
            self.listed,
            self.kept,
            self.kept_bytes,
            if self.dry_run {
                "would delete"
            } else {
                "deleted"
            },
            self.deleted,
            self.freed,
            if self.outside > 0 {
                format!(", {} outside the prefix untouched", self.outside)
            } else {
                String::new()
            }
        )
    }
}

/// Store paths named by the GC roots: symlinks (followed to their end) found under each
/// directory, recursing into real subdirectories. Dangling links and non-store targets are skipped.
pub fn gc_roots(dirs: &[PathBuf], store_dir: &str) -> Result<BTreeSet<String>, CacheError> {
    let mut out = BTreeSet::new();
    let store_prefix = format!("{}/", store_dir.trim_end_matches('/'));
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(CacheError::Io { path: d, err: e }),
        };
        for ent in rd {
            let ent = ent.map_err(io_err(&d))?;
            let p = ent.path();
            let ft = ent.file_type().map_err(io_err(&p))?;
            if ft.is_dir() {
                stack.push(p);
                continue;
            }
            if !ft.is_symlink() {
                continue;
            }
            // Follow link chains by hand, stopping at the first store path (the store path itself
            // may be a symlink, which canonicalize would follow out of it).
            let mut cur = p.clone();
            for _ in 0..40 {
                let s = cur.to_string_lossy().to_string();
                if let Some(rest) = s.strip_prefix(&store_prefix) {
                    let base = rest.split('/').next().unwrap_or("");
                    if !base.is_empty() {
                        out.insert(format!("{store_prefix}{base}"));
                    }
                    break;
                }
                match std::fs::read_link(&cur) {
                    Ok(t) => {
                        cur = if t.is_absolute() {
                            t
                        } else {
                            cur.parent().map(|d| d.join(&t)).unwrap_or(t)
                        };
                    }
                    Err(_) => break,
                }
            }
        }
    }
    Ok(out)
}

/// Runs one collection of `target`: lock, list, read live narinfos, decide, delete.
pub fn run(
    store: &dyn ObjectStore,
    target: &Target,
    state_dir: &Path,
    live: &HashSet<String>,
    nested: &[String],
    dry_run: bool,
) -> Result<Report, CacheError> {
    let lock = GcLock::exclusive(state_dir, target)?;
    let t0 = std::time::Instant::now();
    let mut listing = store.list(&target.prefix)?;
    let before = listing.len();
    listing.retain(|(k, _)| !nested.iter().any(|n| k.starts_with(n.as_str())));
    let nested_count = before - listing.len();
    let list_secs = t0.elapsed().as_secs_f64();
    let t1 = std::time::Instant::now();
    let wanted: Vec<String> = live_narinfos(&target.prefix, live, &listing)
        .into_iter()
        .map(String::from)
        .collect();
    let urls = fetch_nar_urls(store, &wanted)?;
    let live_nars: HashSet<String> = urls.values().map(|u| url_key(&target.prefix, u)).collect();
    let listed = before;
    let mut p = plan(&target.prefix, live, &live_nars, listing);
    p.outside += nested_count;
    let decide_secs = t1.elapsed().as_secs_f64();
    // Belt and braces: the plan never holds a key outside the prefix, but a delete is forever.
    let doomed: Vec<String> = p
        .delete
        .iter()
        .map(|(k, _)| k.clone())
        .filter(|k| k.starts_with(&target.prefix))
        .collect();
    if doomed.len() != p.delete.len() {
        return Err(CacheError::Bucket(format!(
            "refusing to collect {}: the plan named keys outside prefix `{}`",
            target.id(),
            target.prefix
        )));
    }
    if !dry_run && !doomed.is_empty() {
        // Narinfos first: a NAR must never vanish under a narinfo still pointing at it.
        let (infos, rest): (Vec<String>, Vec<String>) =
            doomed.into_iter().partition(|k| k.ends_with(".narinfo"));
        store.delete(&infos)?;
        store.delete(&rest)?;
        lock.bump_generation()?;
    }
    Ok(Report {
        target: target.id(),
        listed,
        kept: p.keep.len(),
        kept_bytes: p.kept_bytes(),
        deleted: p.delete.len(),
        freed: p.freed(),
        outside: p.outside,
        dry_run,
        list_secs,
        decide_secs,
    })
}

/// GETs narinfos in parallel and returns hash-part → URL. A narinfo that vanished is skipped; any
/// other failure aborts the collection, since deciding without it could delete a live NAR.
fn fetch_nar_urls(
    store: &dyn ObjectStore,
    keys: &[String],
) -> Result<HashMap<String, String>, CacheError> {
    let threads = 8.min(keys.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Result<HashMap<String, String>, CacheError>> =
        std::sync::Mutex::new(Ok(HashMap::new()));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(key) = keys.get(i) else { break };
                let r = match store.get(key) {
                    Ok(None) => continue,
                    Ok(Some(body)) => {
                        let text = String::from_utf8_lossy(&body);
                        match narinfo_url(&text) {
                            Some(u) => Ok(u.to_string()),
                            None => Err(CacheError::Bucket(format!("{key} has no URL field"))),
                        }
                    }
                    Err(e) => Err(e),
                };
                let Ok(mut guard) = results.lock() else { break };
                match (&mut *guard, r) {
                    (Ok(m), Ok(u)) => {
                        m.insert(key.clone(), u);
                    }
                    (Ok(_), Err(e)) => {
                        *guard = Err(e);
                        break;
                    }
                    (Err(_), _) => break,
                }
            });
        }
    });
    results
        .into_inner()
        .map_err(|_| CacheError::Bucket("narinfo reader panicked".into()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "xcp9cav49dmsjbwdjlmkjxj10gkpx553";
    const H2: &str = "563528481rvhc5kxwipjmg6rqrl95mdx";

    fn l(keys: &[&str]) -> Vec<(String, u64)> {
        keys.iter().map(|k| (k.to_string(), 10)).collect()
    }

    #[test]
    fn classify_respects_prefix() {
        assert_eq!(classify("c/", "x/nix-cache-info"), None);
        assert_eq!(classify("c/", "c/nix-cache-info"), Some(KeyKind::CacheInfo));
        assert_eq!(
            classify("c/", &format!("c/{H1}.narinfo")),
            Some(KeyKind::Narinfo(H1))
        );
        assert_eq!(
            classify("c/", &format!("c/{H1}.nar")),
            Some(KeyKind::Flat(H1))
        );
        assert_eq!(classify("c/", "c/nar/abc.nar.xz"), Some(KeyKind::Nar));
        assert_eq!(classify("c/", "c/random"), Some(KeyKind::Other));
        assert_eq!(classify("c/", "c/short.narinfo"), Some(KeyKind::Other));
        assert_eq!(classify("", "anything"), Some(KeyKind::Other));
    }

    #[test]
    fn plan_keeps_live_and_deletes_rest_inside_prefix() {
        let live: HashSet<String> = [H1.to_string()].into();
        let listing = l(&[
            "c/nix-cache-info",
            &format!("c/{H1}.narinfo"),
            &format!("c/{H2}.narinfo"),
            "c/nar/live.nar.xz",
            "c/nar/dead.nar.xz",
            &format!("c/{H1}.nar"),
            &format!("c/{H2}.nar"),
            "c/stray",
            "other/nar/dead.nar.xz",
            &format!("{H2}.narinfo"),
        ]);
        let wanted = live_narinfos("c/", &live, &listing);
        assert_eq!(wanted, vec![format!("c/{H1}.narinfo")]);
        let nars: HashSet<String> = [url_key("c/", "nar/live.nar.xz")].into();
        let p = plan("c/", &live, &nars, listing);
        let keep: Vec<_> = p.keep.iter().map(|(k, _)| k.as_str()).collect();
        let del: Vec<_> = p.delete.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keep,
            vec![
                "c/nix-cache-info".to_string(),
                format!("c/{H1}.narinfo"),
                "c/nar/live.nar.xz".into(),
                format!("c/{H1}.nar")
            ]
        );
        assert_eq!(
            del,
            vec![
                format!("c/{H2}.narinfo"),
                "c/nar/dead.nar.xz".into(),
                format!("c/{H2}.nar"),
                "c/stray".into()
            ]
        );
        assert_eq!(p.outside, 2);
        assert_eq!(p.freed(), 40);
        assert!(p.delete.iter().all(|(k, _)| k.starts_with("c/")));
    }

    #[test]
    fn narinfo_url_field() {
        assert_eq!(
            narinfo_url("StorePath: /nix/store/x\nURL: nar/abc.nar.xz\nCompression: xz\n"),
            Some("nar/abc.nar.xz")
        );
        assert_eq!(narinfo_url("StorePath: x\n"), None);
    }

    #[test]
    fn gc_lock_excludes_uploaders() {
        let dir = std::env::temp_dir().join(format!("hydrant-gclock-{}", std::process::id()));
        let t = Target {
            bucket: "b".into(),
            prefix: "p/".into(),
            compression: crate::config::Compression::None,
            endpoint: None,
            region: "r".into(),
            path_style: true,
            secret_key_file: None,
            upload_jobs: 1,
            compression_threads: 1,
            zstd_level: 3,
            upload_memory_mb: 256,
            ca_file: None,
        };
        let s1 = GcLock::try_shared(&dir, &t).unwrap().unwrap();
        let s2 = GcLock::try_shared(&dir, &t).unwrap();
        assert!(s2.is_some(), "shared locks coexist");
        drop((s1, s2));
        let ex = GcLock::exclusive(&dir, &t).unwrap();
        assert!(GcLock::try_shared(&dir, &t).unwrap().is_none());
        assert_eq!(ex.bump_generation().unwrap(), 1);
        drop(ex);
        let s = GcLock::try_shared(&dir, &t).unwrap().unwrap();
        assert_eq!(s.generation(), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
