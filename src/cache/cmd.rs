//! `hydrant cache push` (paths and their closures into a bucket, like `nix copy --to s3://`) and
//! `hydrant s3-gc` (delete what no GC root keeps alive): flags, target lookup and progress output.

use super::file_store::FileStore;
use super::gc::{self, GcLock};
use super::upload::{closure_path_infos, ObjectStore, Progress, S3Store, Uploader};
use super::{CacheError, PathInfo, Target};
use crate::config::{Compression, Config};
use crate::nix::cli::NixCli;
use crate::nix::cli::PathInfo as NixPathInfo;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum CacheCommand {
    /// Upload store paths and their closures to a binary cache in S3 or a local directory
    Push(PushArgs),
}

#[derive(clap::Args, Debug)]
pub struct PushArgs {
    /// A bucket `name` from an <s3config> section, or
    /// s3://BUCKET/PREFIX[?endpoint=URL&region=R&compression=xz|zstd|bzip2|none&secret-key=FILE&path-style=true&compression-threads=N&compression-level=N&upload-memory-mb=N], or
    /// file:///DIR[?compression=…&secret-key=FILE&…] (a local binary cache, like Nix's file://)
    #[arg(long)]
    pub to: String,
    /// Config file (for a bucket given by name, and the state directory)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// State directory (temp files and the GC lock live here)
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Paths uploaded at once (default: the target's upload_jobs, 4)
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Store paths (or symlinks to them, like ./result)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct GcArgs {
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Show what would be deleted, delete nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Only this bucket (a `name`, or `name/prefix`)
    #[arg(long)]
    pub bucket: Option<String>,
    /// Collect even when no GC root exists (which deletes every path in the bucket)
    #[arg(long)]
    pub allow_empty: bool,
}

/// The same loader (and unknown-key warnings) as every other subcommand.
fn load_config(path: Option<&Path>, state_dir: Option<&Path>) -> Result<Config, CacheError> {
    Config::load_cli(path, state_dir).map_err(CacheError::Usage)
}

/// Parses `s3://bucket/prefix?query` (Nix's S3 store URL, plus a prefix).
pub fn parse_s3_url(url: &str) -> Result<Target, CacheError> {
    let bad = |m: &str| CacheError::Usage(format!("{url:?}: {m}"));
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| bad("expected s3://BUCKET[/PREFIX][?PARAMS]"))?;
    let (loc, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (bucket, prefix) = loc.split_once('/').unwrap_or((loc, ""));
    if bucket.is_empty() {
        return Err(bad("no bucket"));
    }
    let mut prefix = prefix.to_string();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let mut t = default_target(bucket, prefix);
    let mut scheme = "https".to_string();
    let mut path_style = None;
    for (k, v) in url_params(url, query)? {
        match k.as_str() {
            "endpoint" => t.endpoint = Some(v),
            "scheme" => scheme = v,
            "region" => t.region = v,
            "ca-file" => t.ca_file = Some(PathBuf::from(v)),
            "path-style" => path_style = Some(matches!(v.as_str(), "true" | "1" | "yes")),
            _ => apply_write_param(url, &mut t, &k, v)?,
        }
    }
    if let Some(ep) = &t.endpoint {
        if !ep.contains("://") {
            t.endpoint = Some(format!("{scheme}://{ep}"));
        }
    }
    // Custom endpoints (MinIO, Garage, s3s) want path-style addressing, as in Nix.
    t.path_style = path_style.unwrap_or(t.endpoint.is_some());
    Ok(t)
}

/// Parses `file:///DIR?query` (Nix's local binary cache URL): the directory, and a target whose
/// keys are relative to it (no bucket, no prefix). Only the parameters that change what is
/// written apply; the S3 ones are refused, since they would silently do nothing.
pub fn parse_file_url(url: &str) -> Result<(Target, PathBuf), CacheError> {
    let bad = |m: &str| CacheError::Usage(format!("{url:?}: {m}"));
    let rest = url
        .strip_prefix("file://")
        .ok_or_else(|| bad("expected file:///DIR[?PARAMS]"))?;
    let (loc, query) = rest.split_once('?').unwrap_or((rest, ""));
    let dir = crate::s3::xml::url_decode(loc).map_err(|e| bad(&e))?;
    if !dir.starts_with('/') {
        return Err(bad("the directory must be absolute (file:///DIR)"));
    }
    let mut t = default_target("", String::new());
    for (k, v) in url_params(url, query)? {
        if matches!(
            k.as_str(),
            "endpoint" | "scheme" | "region" | "ca-file" | "path-style"
        ) {
            return Err(bad(&format!("`{k}` is for s3:// caches only")));
        }
        apply_write_param(url, &mut t, &k, v)?;
    }
    Ok((t, PathBuf::from(dir)))
}

fn default_target(bucket: &str, prefix: String) -> Target {
    Target {
        bucket: bucket.to_string(),
        prefix,
        compression: Compression::Xz,
        endpoint: None,
        region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
        path_style: false,
        secret_key_file: None,
        upload_jobs: 4,
        compression_threads: 0,
        zstd_level: 3,
        upload_memory_mb: 256,
        ca_file: None,
    }
}

/// The `k=v` pairs of a URL's query, values percent-decoded.
fn url_params(url: &str, query: &str) -> Result<Vec<(String, String)>, CacheError> {
    query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let v = crate::s3::xml::url_decode(v)
                .map_err(|e| CacheError::Usage(format!("{url:?}: {e}")))?;
            Ok((k.to_string(), v))
        })
        .collect()
}

/// The parameters shared by `s3://` and `file://` URLs: how NARs are compressed and signed.
fn apply_write_param(url: &str, t: &mut Target, k: &str, v: String) -> Result<(), CacheError> {
    let bad = |m: &str| CacheError::Usage(format!("{url:?}: {m}"));
    match k {
        "compression" => {
            t.compression =
                Compression::parse(&v).ok_or_else(|| bad(&format!("unknown compression {v:?}")))?
        }
        "secret-key" => t.secret_key_file = Some(PathBuf::from(v)),
        "xz-threads" | "compression-threads" => {
            t.compression_threads = v
                .parse::<u32>()
                .map_err(|_| bad("compression-threads must be a number"))?
                .min(64)
        }
        // Nix's switch: false keeps one thread per path.
        "parallel-compression" if !matches!(v.as_str(), "true" | "1" | "yes") => {
            t.compression_threads = 1
        }
        "compression-level" => {
            t.zstd_level = v
                .parse::<i32>()
                .ok()
                .filter(|l| (1..=19).contains(l))
                .ok_or_else(|| bad("compression-level must be 1 to 19"))?
        }
        "upload-memory-mb" => {
            t.upload_memory_mb = v
                .parse::<u64>()
                .ok()
                .filter(|m| *m >= 16)
                .ok_or_else(|| bad("upload-memory-mb must be a number of at least 16"))?
        }
        "upload-jobs" | "jobs" => {
            t.upload_jobs = v
                .parse::<usize>()
                .map_err(|_| bad("upload-jobs must be a number"))?
                .max(1)
        }
        // Nix's other store settings do not change what lands in the cache.
        _ => {}
    }
    Ok(())
}

fn find_target(config: &Config, to: &str) -> Result<Target, CacheError> {
    if to.starts_with("s3://") {
        return parse_s3_url(to);
    }
    let found: Vec<Target> = config
        .s3
        .iter()
        .map(Target::from_config)
        .filter(|t| t.bucket == to || t.id() == to)
        .collect();
    match found.len() {
        1 => Ok(found
            .into_iter()
            .next()
            .ok_or_else(|| CacheError::Usage(to.into()))?),
        0 => Err(CacheError::Usage(format!(
            "no <s3config> section named {to:?} in the config (give --config, or an s3:// URL)"
        ))),
        _ => Err(CacheError::Usage(format!(
            "several <s3config> sections use bucket {to:?}: name one as BUCKET/PREFIX"
        ))),
    }
}

/// Resolves `p` (a store path, a path inside one, or a symlink chain to one) to its store path.
pub fn resolve_store_path(p: &Path, store_dir: &str) -> Option<String> {
    let store_prefix = format!("{}/", store_dir.trim_end_matches('/'));
    let mut cur = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(p)
    };
    for _ in 0..40 {
        let s = cur.to_string_lossy().to_string();
        if let Some(rest) = s.strip_prefix(&store_prefix) {
            let base = rest.split('/').next().unwrap_or("");
            return (!base.is_empty()).then(|| format!("{store_prefix}{base}"));
        }
        let t = std::fs::read_link(&cur).ok()?;
        cur = if t.is_absolute() {
            t
        } else {
            cur.parent().map(|d| d.join(&t)).unwrap_or(t)
        };
    }
    None
}

/// Scheduling state of a push: a path may start once its references are done.
struct Sched {
    todo: Vec<PathInfo>,
    done: HashSet<String>,
    failed: HashSet<String>,
    running: usize,
    errors: Vec<String>,
}

/// What a push did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PushSummary {
    pub paths: usize,
    pub uploaded: u64,
    pub skipped: u64,
    pub nar_bytes: u64,
    pub file_bytes: u64,
    pub errors: Vec<String>,
}

/// Called about 4 times a second with the counters, the closure size and whether all is done.
pub type ProgressFn<'a> = dyn FnMut(&Progress, usize, bool) + 'a;

/// Pushes the closure of `paths` into the uploader's target with `jobs` paths at once,
/// references before referrers. A failed path stops its referrers (they would dangle).
pub fn push(
    up: &Uploader,
    state_dir: &Path,
    paths: &[String],
    jobs: usize,
    mut on_progress: Option<&mut ProgressFn<'_>>,
) -> Result<PushSummary, CacheError> {
    let sps = paths
        .iter()
        .map(|p| {
            up.nix
                .parse_path(p)
                .map_err(|e| CacheError::Usage(format!("{p}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let registered = closure_path_infos(&up.nix, &sps)?;
    let infos = super::topo_order(
        registered
            .iter()
            .map(|i| PathInfo {
                path: i.path.to_string(),
                references: i.references.iter().map(|r| r.to_string()).collect(),
                deriver: None,
            })
            .collect(),
    );
    let registered: HashMap<String, NixPathInfo> = registered
        .into_iter()
        .map(|i| (i.path.to_string(), i))
        .collect();
    let total = infos.len();
    up.ensure_cache_info()?;
    let progress = Progress::default();
    let sched = Mutex::new(Sched {
        todo: infos,
        done: HashSet::new(),
        failed: HashSet::new(),
        running: 0,
        errors: Vec::new(),
    });
    let cv = Condvar::new();
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            s.spawn(|| push_worker(up, state_dir, &registered, &sched, &cv, &progress));
        }
        // The caller's progress callback runs on this thread.
        loop {
            let all_done = {
                let Ok(g) = sched.lock() else { break };
                g.todo.is_empty() && g.running == 0
            };
            if let Some(cb) = on_progress.as_mut() {
                cb(&progress, total, all_done);
            }
            if all_done {
                break;
            }
            // Woken by each finished path, so the last one is seen at once.
            let Ok(g) = sched.lock() else { break };
            if !(g.todo.is_empty() && g.running == 0) {
                let _ = cv.wait_timeout(g, Duration::from_millis(250));
            }
        }
        cv.notify_all();
    });
    let g = sched
        .into_inner()
        .map_err(|_| CacheError::Usage("an upload thread panicked".into()))?;
    Ok(PushSummary {
        paths: total,
        uploaded: progress.paths_done.load(Ordering::SeqCst),
        skipped: progress.paths_skipped.load(Ordering::SeqCst),
        nar_bytes: progress.nar_bytes.load(Ordering::SeqCst),
        file_bytes: progress.file_bytes.load(Ordering::SeqCst),
        errors: g.errors,
    })
}

fn push_worker(
    up: &Uploader,
    state_dir: &Path,
    registered: &HashMap<String, NixPathInfo>,
    sched: &Mutex<Sched>,
    cv: &Condvar,
    progress: &Progress,
) {
    loop {
        let info = {
            let Ok(mut g) = sched.lock() else { return };
            loop {
                if g.todo.is_empty() {
                    cv.notify_all();
                    return;
                }
                // Drop paths whose references failed: uploading them would make a narinfo
                // that names a path the cache does not have.
                let failed_now: Vec<usize> = g
                    .todo
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.references.iter().any(|r| g.failed.contains(r)))
                    .map(|(n, _)| n)
                    .collect();
                for n in failed_now.into_iter().rev() {
                    let i = g.todo.remove(n);
                    g.errors
                        .push(format!("{}: skipped, a reference failed to upload", i.path));
                    g.failed.insert(i.path);
                }
                let ready = g.todo.iter().position(|i| {
                    i.references
                        .iter()
                        .all(|r| r == &i.path || g.done.contains(r))
                });
                if let Some(n) = ready {
                    g.running += 1;
                    break g.todo.remove(n);
                }
                if g.todo.is_empty() {
                    cv.notify_all();
                    return;
                }
                g = match cv.wait_timeout(g, Duration::from_secs(1)) {
                    Ok((g, _)) => g,
                    Err(_) => return,
                };
            }
        };
        let r = match registered.get(&info.path) {
            Some(reg) => push_one(up, state_dir, reg, progress),
            None => Err(CacheError::Nix(format!("{}: not registered", info.path))),
        };
        let Ok(mut g) = sched.lock() else { return };
        g.running -= 1;
        match r {
            Ok(()) => {
                g.done.insert(info.path);
            }
            Err(e) => {
                g.errors.push(format!("{}: {e}", info.path));
                g.failed.insert(info.path);
            }
        }
        cv.notify_all();
    }
}

fn push_one(
    up: &Uploader,
    state_dir: &Path,
    info: &NixPathInfo,
    progress: &Progress,
) -> Result<(), CacheError> {
    let sp = &info.path;
    // Held across NAR and narinfo, so a collection never sees one without the other.
    let _lock = loop {
        match GcLock::try_shared(state_dir, &up.target)? {
            Some(l) => break l,
            None => std::thread::sleep(Duration::from_millis(500)),
        }
    };
    if up.is_present(sp)? {
        progress.paths_skipped.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    up.upload_with(info, progress).map(|_| ())
}

fn human(n: u64) -> String {
    let n = n as f64;
    if n >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", n / 1024.0 / 1024.0 / 1024.0)
    } else if n >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", n / 1024.0 / 1024.0)
    } else if n >= 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// `hydrant cache push`.
pub fn run_cache(args: CacheArgs) -> Result<(), CacheError> {
    let CacheCommand::Push(a) = args.command;
    let config = load_config(a.config.as_deref(), a.state_dir.as_deref())?;
    let (target, store, dest): (Target, Arc<dyn ObjectStore>, String) =
        if a.to.starts_with("file://") {
            let (t, dir) = parse_file_url(&a.to)?;
            let store = Arc::new(FileStore::new(&dir)?);
            (t, store, format!("file://{}", dir.display()))
        } else {
            let t = find_target(&config, &a.to)?;
            let store = Arc::new(S3Store::new(&t)?);
            let dest = format!("s3://{}/{}", t.bucket, t.prefix);
            (t, store, dest)
        };
    let jobs = a.jobs.unwrap_or(target.upload_jobs).max(1);
    let nix = NixCli::for_store(&config.store_dir);
    let mut paths = Vec::new();
    for p in &a.paths {
        paths.push(resolve_store_path(p, &config.store_dir).ok_or_else(|| {
            CacheError::Usage(format!("{} is not in the Nix store", p.display()))
        })?);
    }
    let up = Uploader::new(target.clone(), store, nix, config.state_dir.join("tmp"))?;
    let start = Instant::now();
    let mut last_len = 0usize;
    let mut cb = |p: &Progress, total: usize, done: bool| {
        let n = p.paths_done.load(Ordering::Relaxed) + p.paths_skipped.load(Ordering::Relaxed);
        let nar = p.nar_bytes.load(Ordering::Relaxed);
        let secs = start.elapsed().as_secs_f64().max(0.001);
        let line = format!(
            "[{n}/{total} paths, {} NAR read, {} uploaded, {}/s] to {dest}",
            human(nar),
            human(p.file_bytes.load(Ordering::Relaxed)),
            human((nar as f64 / secs) as u64),
        );
        let pad = last_len.saturating_sub(line.len());
        last_len = line.len();
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r{line}{}", " ".repeat(pad));
        if done {
            let _ = writeln!(e);
        }
        let _ = e.flush();
    };
    let s = push(&up, &config.state_dir, &paths, jobs, Some(&mut cb))?;
    eprintln!(
        "pushed {} paths ({} uploaded, {} already there), {} NAR as {} in {:.1}s",
        s.paths,
        s.uploaded,
        s.skipped,
        human(s.nar_bytes),
        human(s.file_bytes),
        start.elapsed().as_secs_f64()
    );
    if let Some(first) = s.errors.first() {
        for e in &s.errors {
            eprintln!("hydrant: {e}");
        }
        return Err(CacheError::S3(format!(
            "{} of {} paths failed, first: {first}",
            s.errors.len(),
            s.paths
        )));
    }
    Ok(())
}

/// Runs one collection over the configured buckets (or the one named), returning a report each.
pub fn collect(
    config: &Config,
    bucket: Option<&str>,
    dry_run: bool,
) -> Result<Vec<gc::Report>, CacheError> {
    collect_with(config, bucket, dry_run, false)
}

fn collect_with(
    config: &Config,
    bucket: Option<&str>,
    dry_run: bool,
    allow_empty: bool,
) -> Result<Vec<gc::Report>, CacheError> {
    let mut targets: Vec<Target> = Vec::new();
    for s in &config.s3 {
        let t = Target::from_config(s);
        if !targets.iter().any(|x| x.id() == t.id()) {
            targets.push(t);
        }
    }
    let all = targets.clone();
    if let Some(b) = bucket {
        targets.retain(|t| t.bucket == b || t.id() == b);
        if targets.is_empty() {
            return Err(CacheError::Usage(format!(
                "no <s3config> section for bucket {b:?}"
            )));
        }
    }
    if targets.is_empty() {
        return Err(CacheError::Usage(
            "no <s3config> sections in the config: nothing to collect".into(),
        ));
    }
    let mut dirs = vec![config.gcroots_dir()];
    dirs.extend(config.extra_gc_roots.iter().cloned());
    let roots = gc::gc_roots(&dirs, &config.store_dir)?;
    if roots.is_empty() && !dry_run && !allow_empty {
        return Err(CacheError::Usage(format!(
            "no GC roots under {}: refusing to delete every path (use --allow-empty)",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let nix = NixCli::for_store(&config.store_dir);
    let roots: Vec<String> = roots.into_iter().collect();
    let live: HashSet<String> = super::upload::closure_paths_with(&nix, &roots)?
        .iter()
        .filter_map(|p| super::hash_part(p).map(String::from))
        .collect();
    let mut reports = Vec::new();
    for t in &targets {
        // Another cache nested under this prefix in the same bucket is not ours to collect.
        let nested: Vec<String> = all
            .iter()
            .filter(|o| {
                o.bucket == t.bucket
                    && o.prefix.len() > t.prefix.len()
                    && o.prefix.starts_with(&t.prefix)
            })
            .map(|o| o.prefix.clone())
            .collect();
        let store = S3Store::new(t)?;
        reports.push(gc::run(
            &store,
            t,
            &config.state_dir,
            &live,
            &nested,
            dry_run,
        )?);
    }
    Ok(reports)
}

/// `hydrant s3-gc`.
pub fn run_gc(a: GcArgs) -> Result<(), CacheError> {
    let config = load_config(a.config.as_deref(), a.state_dir.as_deref())?;
    let reports = collect_with(&config, a.bucket.as_deref(), a.dry_run, a.allow_empty)?;
    for r in reports {
        println!("{r}");
        eprintln!(
            "  listed in {:.2}s, decided in {:.2}s",
            r.list_secs, r.decide_secs
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls() {
        let (t, dir) = parse_file_url(
            "file:///srv/cache%20x?compression=zstd&compression-level=5&secret-key=/k",
        )
        .unwrap();
        assert_eq!(dir, PathBuf::from("/srv/cache x"));
        assert_eq!((t.bucket.as_str(), t.prefix.as_str()), ("", ""));
        assert_eq!((t.compression, t.zstd_level), (Compression::Zstd, 5));
        assert_eq!(t.secret_key_file, Some(PathBuf::from("/k")));
        assert_eq!(t.narinfo_key("abc"), "abc.narinfo");
        assert_eq!(
            parse_file_url("file:///c").unwrap().0.compression,
            Compression::Xz
        );
        for bad in [
            "file://relative",
            "file:///c?compression=lz4",
            "file:///c?endpoint=http://h",
            "s3://b",
        ] {
            assert!(parse_file_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn s3_urls() {
        let t = parse_s3_url(
            "s3://b/cache?endpoint=127.0.0.1:9000&scheme=http&compression=bzip2&secret-key=/k",
        )
        .unwrap();
        assert_eq!(t.bucket, "b");
        assert_eq!(t.prefix, "cache/");
        assert_eq!(t.endpoint.as_deref(), Some("http://127.0.0.1:9000"));
        assert!(t.path_style);
        assert_eq!(t.compression, Compression::Bzip2);
        assert_eq!(t.secret_key_file, Some(PathBuf::from("/k")));
        assert_eq!(t.compression_threads, 0, "one thread per core unless asked");
        assert_eq!(
            parse_s3_url("s3://b?xz-threads=3")
                .unwrap()
                .compression_threads,
            3
        );
        let z = parse_s3_url("s3://b?compression=zstd&compression-level=9").unwrap();
        assert_eq!((z.compression, z.zstd_level), (Compression::Zstd, 9));
        assert!(parse_s3_url("s3://b?compression-level=99").is_err());
        assert!(parse_s3_url("s3://b?xz-threads=many").is_err());
        let t = parse_s3_url("s3://b").unwrap();
        assert_eq!((t.prefix.as_str(), t.path_style), ("", false));
        assert_eq!(t.compression, Compression::Xz);
        let t = parse_s3_url("s3://b/p/?endpoint=http%3A%2F%2Fh%3A1&path-style=false").unwrap();
        assert_eq!(t.endpoint.as_deref(), Some("http://h:1"));
        assert!(!t.path_style);
        assert!(parse_s3_url("s3://b?compression=lz4").is_err());
        assert!(parse_s3_url("http://b").is_err());
    }
}
