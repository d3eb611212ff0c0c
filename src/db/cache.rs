//! The cache uploaders' tables: per-target path tasks, which builds wait on which paths, what
//! each bucket is known to hold, stats and recent errors. Every function is one transaction; the
//! uploader threads (`cache::queue`) call them and never hold one across a network or Nix call.

use super::{decode, encode, now, Build, Db, Result, BUILDS, CACHE_PENDING};
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

use crate::cache::hash_part;

/// (target id, store path) → PathTask: a path still to upload to that target.
pub const CACHE_TASKS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("cache_tasks");
/// (target id, build id, store path) → (): which builds wait on which path tasks.
pub const CACHE_BUILD_WAIT: TableDefinition<(&str, u64, &str), ()> =
    TableDefinition::new("cache_build_wait");
/// (target id, hash part) → time: paths known to be in the bucket (narinfo written).
pub const CACHE_UPLOADED: TableDefinition<(&str, &str), i64> =
    TableDefinition::new("cache_uploaded");
/// target id → the GC generation the UPLOADED records were made under.
pub const CACHE_GC_GEN: TableDefinition<&str, u64> = TableDefinition::new("cache_gc_gen");
/// sequence → CacheErrorRecord (the most recent `MAX_ERRORS`).
pub const CACHE_ERRORS: TableDefinition<u64, &[u8]> = TableDefinition::new("cache_errors");
/// target id → TargetStats
pub const CACHE_STATS: TableDefinition<&str, &[u8]> = TableDefinition::new("cache_stats");

const MAX_ERRORS: u64 = 200;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct PathTask {
    /// References (full paths, without the path itself) that must be uploaded first.
    pub refs: Vec<String>,
    pub builds: Vec<u64>,
    pub attempts: u32,
    /// Unix time before which the task is not retried.
    pub next_try: i64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct CacheErrorRecord {
    pub time: i64,
    pub target: String,
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct TargetStats {
    pub uploaded: u64,
    pub skipped: u64,
    pub nar_bytes: u64,
    pub file_bytes: u64,
    /// Seconds spent uploading (for throughput).
    pub seconds: f64,
    pub last_upload: Option<i64>,
}

/// What the cache status page shows for one target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetStatus {
    pub target: String,
    pub queued_paths: u64,
    pub failing_paths: u64,
    pub waiting_builds: u64,
    pub stats: TargetStats,
}

/// Creates the uploaders' tables (called by `Db::open`).
pub(super) fn create_tables(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(CACHE_TASKS)?;
    tx.open_table(CACHE_BUILD_WAIT)?;
    tx.open_table(CACHE_UPLOADED)?;
    tx.open_table(CACHE_GC_GEN)?;
    tx.open_table(CACHE_ERRORS)?;
    tx.open_table(CACHE_STATS)?;
    Ok(())
}

fn set_cached(tx: &WriteTransaction, build: u64, target: &str, value: &str) -> Result<()> {
    let mut builds = tx.open_table(BUILDS)?;
    let cur = builds.get(build)?.map(|v| v.value().to_vec());
    if let Some(cur) = cur {
        let mut b: Build = decode(&format!("build {build}"), &cur)?;
        b.cached.insert(target.to_string(), value.to_string());
        builds.insert(build, encode(&b).as_slice())?;
    }
    Ok(())
}

/// Deleted builds stop waiting on uploads: their wait rows go and the path tasks forget them.
/// The tasks themselves stay: another task may reference the path, and dropping it would let
/// that one upload a narinfo whose references the bucket lacks.
pub(super) fn forget_builds(tx: &WriteTransaction, gone: &HashSet<u64>) -> Result<()> {
    if gone.is_empty() {
        return Ok(());
    }
    tx.open_table(CACHE_BUILD_WAIT)?
        .retain(|k, _| !gone.contains(&k.1))?;
    let mut tasks = tx.open_table(CACHE_TASKS)?;
    let mut changed: Vec<((String, String), PathTask)> = Vec::new();
    for r in tasks.iter()? {
        let (k, v) = r?;
        let mut t: PathTask = decode("cache task", v.value())?;
        if t.builds.iter().any(|b| gone.contains(b)) {
            t.builds.retain(|b| !gone.contains(b));
            let key = (k.value().0.to_string(), k.value().1.to_string());
            changed.push((key, t));
        }
    }
    for ((target, path), t) in changed {
        tasks.insert((target.as_str(), path.as_str()), encode(&t).as_slice())?;
    }
    Ok(())
}

/// Queues the closure `infos` of build `build` for each target, then drops the build from
/// `CACHE_PENDING`, all in one transaction. Paths already known in a bucket are not queued.
pub fn enqueue(
    db: &Db,
    build: u64,
    targets: &[String],
    infos: &[(String, Vec<String>)],
) -> Result<()> {
    let tx = db.inner.begin_write()?;
    // Deleted while its closure was being read: nothing to upload for it any more.
    if tx.open_table(CACHE_PENDING)?.get(build)?.is_none() {
        return Ok(());
    }
    {
        let mut tasks = tx.open_table(CACHE_TASKS)?;
        let mut wait = tx.open_table(CACHE_BUILD_WAIT)?;
        let uploaded = tx.open_table(CACHE_UPLOADED)?;
        for t in targets {
            let mut queued = 0;
            for (path, references) in infos {
                let Some(h) = hash_part(path) else {
                    continue;
                };
                if uploaded.get((t.as_str(), h))?.is_some() {
                    continue;
                }
                let cur = tasks
                    .get((t.as_str(), path.as_str()))?
                    .map(|v| v.value().to_vec());
                let mut task: PathTask = match cur {
                    Some(c) => decode("cache task", &c)?,
                    None => PathTask {
                        refs: references.iter().filter(|r| *r != path).cloned().collect(),
                        ..Default::default()
                    },
                };
                if !task.builds.contains(&build) {
                    task.builds.push(build);
                }
                tasks.insert((t.as_str(), path.as_str()), encode(&task).as_slice())?;
                wait.insert((t.as_str(), build, path.as_str()), ())?;
                queued += 1;
            }
            let state = if queued == 0 { "ok" } else { "queued" };
            set_cached(&tx, build, t, state)?;
        }
        tx.open_table(CACHE_PENDING)?.remove(build)?;
    }
    tx.commit()?;
    Ok(())
}

/// Drops a pending build that needs no upload, recording why on the build for each target.
pub fn drop_pending(db: &Db, build: u64, note: Option<(&[String], &str)>) -> Result<()> {
    let tx = db.inner.begin_write()?;
    {
        if let Some((targets, msg)) = note {
            for t in targets {
                set_cached(&tx, build, t, msg)?;
            }
        }
        tx.open_table(CACHE_PENDING)?.remove(build)?;
    }
    tx.commit()?;
    Ok(())
}

/// The first task of `target` whose references are all uploaded, not taken by another worker
/// and not backing off.
pub fn next_ready(
    db: &Db,
    target: &str,
    inflight: &HashSet<String>,
    now: i64,
) -> Result<Option<(String, PathTask)>> {
    let tx = db.inner.begin_read()?;
    let tasks = tx.open_table(CACHE_TASKS)?;
    for r in tasks.range((target, "")..=(target, "\u{10FFFF}"))? {
        let (k, v) = r?;
        let path = k.value().1.to_string();
        if inflight.contains(&path) {
            continue;
        }
        let task: PathTask = decode("cache task", v.value())?;
        if task.next_try > now {
            continue;
        }
        let mut ready = true;
        for r in &task.refs {
            if tasks.get((target, r.as_str()))?.is_some() {
                ready = false;
                break;
            }
        }
        if ready {
            return Ok(Some((path, task)));
        }
    }
    Ok(None)
}

/// A path task finished: `Ok(uploaded?)` marks it in the bucket and settles builds that waited
/// only on it; `Err` backs it off (or drops it when `permanent`).
pub fn finish(
    db: &Db,
    target: &str,
    path: &str,
    result: std::result::Result<bool, (String, bool)>,
    stats: Option<(u64, u64, f64)>,
) -> Result<()> {
    let now = now();
    let tx = db.inner.begin_write()?;
    {
        let mut tasks = tx.open_table(CACHE_TASKS)?;
        let cur = tasks.get((target, path))?.map(|v| v.value().to_vec());
        let Some(cur) = cur else {
            drop(tasks);
            tx.commit()?;
            return Ok(());
        };
        let mut task: PathTask = decode("cache task", &cur)?;
        let mut wait = tx.open_table(CACHE_BUILD_WAIT)?;
        let settle = |wait: &mut redb::Table<(&str, u64, &str), ()>,
                      task: &PathTask,
                      msg: Option<&str>|
         -> Result<Vec<(u64, String)>> {
            let mut out = Vec::new();
            for b in &task.builds {
                wait.remove((target, *b, path))?;
                let more = wait
                    .range((target, *b, "")..=(target, *b, "\u{10FFFF}"))?
                    .next()
                    .is_some();
                match msg {
                    Some(m) => out.push((*b, m.to_string())),
                    None if !more => out.push((*b, "ok".to_string())),
                    None => {}
                }
            }
            Ok(out)
        };
        let updates = match &result {
            Ok(uploaded) => {
                tasks.remove((target, path))?;
                if let Some(h) = hash_part(path) {
                    tx.open_table(CACHE_UPLOADED)?.insert((target, h), now)?;
                }
                let mut st = tx.open_table(CACHE_STATS)?;
                let cur = st.get(target)?.map(|v| v.value().to_vec());
                let mut s: TargetStats = match cur {
                    Some(c) => decode("cache stats", &c)?,
                    None => TargetStats::default(),
                };
                if *uploaded {
                    s.uploaded += 1;
                    s.last_upload = Some(now);
                } else {
                    s.skipped += 1;
                }
                if let Some((nar, file, secs)) = stats {
                    s.nar_bytes += nar;
                    s.file_bytes += file;
                    s.seconds += secs;
                }
                st.insert(target, encode(&s).as_slice())?;
                settle(&mut wait, &task, None)?
            }
            Err((msg, permanent)) => {
                let mut errs = tx.open_table(CACHE_ERRORS)?;
                let seq = errs.last()?.map(|(k, _)| k.value() + 1).unwrap_or(1);
                let rec = CacheErrorRecord {
                    time: now,
                    target: target.into(),
                    path: path.into(),
                    error: msg.clone(),
                };
                errs.insert(seq, encode(&rec).as_slice())?;
                if seq > MAX_ERRORS {
                    errs.retain(|k, _| k > seq - MAX_ERRORS)?;
                }
                if *permanent {
                    tasks.remove((target, path))?;
                    settle(&mut wait, &task, Some(&format!("error: {path}: {msg}")))?
                } else {
                    task.attempts += 1;
                    let backoff = (10i64 << task.attempts.min(6)).min(600);
                    task.next_try = now + backoff;
                    task.error = Some(msg.clone());
                    tasks.insert((target, path), encode(&task).as_slice())?;
                    task.builds
                        .iter()
                        .map(|b| (*b, format!("error (retrying): {path}: {msg}")))
                        .collect()
                }
            }
        };
        drop(tasks);
        drop(wait);
        for (b, msg) in updates {
            set_cached(&tx, b, target, &msg)?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Forgets the "already uploaded" records of `target` if a collection ran since they were made.
pub fn sync_gc_generation(db: &Db, target: &str, generation: u64) -> Result<()> {
    {
        let tx = db.inner.begin_read()?;
        let t = tx.open_table(CACHE_GC_GEN)?;
        if t.get(target)?.map(|v| v.value()).unwrap_or(0) == generation {
            return Ok(());
        }
    }
    let tx = db.inner.begin_write()?;
    {
        let mut up = tx.open_table(CACHE_UPLOADED)?;
        up.retain_in((target, "")..=(target, "\u{10FFFF}"), |_, _| false)?;
        tx.open_table(CACHE_GC_GEN)?.insert(target, generation)?;
    }
    tx.commit()?;
    Ok(())
}

/// Whether `target` has a record of the path in its bucket.
pub fn known_uploaded(db: &Db, target: &str, path: &str) -> Result<bool> {
    let Some(h) = hash_part(path) else {
        return Ok(false);
    };
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_UPLOADED)?;
    let found = t.get((target, h))?.is_some();
    Ok(found)
}

/// Queue length, stats and failures per target, for the cache status page.
pub fn status(db: &Db, targets: &[String]) -> Result<Vec<TargetStatus>> {
    let tx = db.inner.begin_read()?;
    let tasks = tx.open_table(CACHE_TASKS)?;
    let wait = tx.open_table(CACHE_BUILD_WAIT)?;
    let stats = tx.open_table(CACHE_STATS)?;
    let mut out = Vec::new();
    for t in targets {
        let t = t.as_str();
        let mut queued = 0;
        let mut failing = 0;
        for r in tasks.range((t, "")..=(t, "\u{10FFFF}"))? {
            let (_, v) = r?;
            queued += 1;
            let task: PathTask = decode("cache task", v.value())?;
            if task.error.is_some() {
                failing += 1;
            }
        }
        let mut builds = std::collections::BTreeSet::new();
        for r in wait.range((t, 0, "")..=(t, u64::MAX, "\u{10FFFF}"))? {
            builds.insert(r?.0.value().1);
        }
        let s = match stats.get(t)? {
            Some(v) => decode("cache stats", v.value())?,
            None => TargetStats::default(),
        };
        out.push(TargetStatus {
            target: t.to_string(),
            queued_paths: queued,
            failing_paths: failing,
            waiting_builds: builds.len() as u64,
            stats: s,
        });
    }
    Ok(out)
}

/// The most recent upload errors, newest first.
pub fn recent_errors(db: &Db, limit: usize) -> Result<Vec<CacheErrorRecord>> {
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_ERRORS)?;
    let mut out = Vec::new();
    for r in t.iter()?.rev().take(limit) {
        out.push(decode("cache error", r?.1.value())?);
    }
    Ok(out)
}

/// Builds that finished with output and await expansion, for tests and the status page.
pub fn pending_builds(db: &Db) -> Result<Vec<u64>> {
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_PENDING)?;
    let mut v = Vec::new();
    for r in t.iter()? {
        v.push(r?.0.value());
    }
    Ok(v)
}

/// Everything queued for a target: path → task.
pub fn tasks(db: &Db, target: &str) -> Result<BTreeMap<String, PathTask>> {
    let tx = db.inner.begin_read()?;
    let t = tx.open_table(CACHE_TASKS)?;
    let mut out = BTreeMap::new();
    for r in t.range((target, "")..=(target, "\u{10FFFF}"))? {
        let (k, v) = r?;
        out.insert(k.value().1.to_string(), decode("cache task", v.value())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    const P1: &str = "/nix/store/00000000000000000000000000000001-a";
    const P2: &str = "/nix/store/00000000000000000000000000000002-b";
    const P3: &str = "/nix/store/00000000000000000000000000000003-c";

    fn tmpdb() -> (Db, std::path::PathBuf) {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-cacheq-{}", u64::from_le_bytes(b)));
        let db = Db::open(&dir.join("h.redb")).unwrap();
        (db, dir)
    }

    fn info(p: &str, refs: &[&str]) -> (String, Vec<String>) {
        (p.into(), refs.iter().map(|s| s.to_string()).collect())
    }

    fn put_build(db: &Db, id: u64) {
        let tx = db.inner.begin_write().unwrap();
        {
            let b = Build {
                id,
                finished: true,
                buildstatus: Some(0),
                ..Default::default()
            };
            tx.open_table(BUILDS)
                .unwrap()
                .insert(id, encode(&b).as_slice())
                .unwrap();
            tx.open_table(CACHE_PENDING)
                .unwrap()
                .insert(id, ())
                .unwrap();
        }
        tx.commit().unwrap();
    }

    fn cached(db: &Db, id: u64) -> BTreeMap<String, String> {
        let tx = db.inner.begin_read().unwrap();
        let t = tx.open_table(BUILDS).unwrap();
        let b: Build = decode("b", t.get(id).unwrap().unwrap().value()).unwrap();
        b.cached
    }

    #[test]
    fn queue_orders_shares_and_settles() {
        let (db, dir) = tmpdb();
        put_build(&db, 1);
        put_build(&db, 2);
        let closure = vec![info(P1, &[P1]), info(P2, &[P1]), info(P3, &[P2, P3])];
        enqueue(&db, 1, &["t".into()], &closure).unwrap();
        // Build 2 shares P1 and P2.
        enqueue(&db, 2, &["t".into()], &closure[..2]).unwrap();
        assert!(pending_builds(&db).unwrap().is_empty());
        assert_eq!(tasks(&db, "t").unwrap().len(), 3);
        assert_eq!(tasks(&db, "t").unwrap()[P1].builds, vec![1, 2]);
        assert_eq!(cached(&db, 1)["t"], "queued");
        let none = HashSet::new();
        // Only P1 is ready: P2 waits on P1, P3 on P2.
        let (p, _) = next_ready(&db, "t", &none, 0).unwrap().unwrap();
        assert_eq!(p, P1);
        let busy: HashSet<String> = [P1.to_string()].into();
        assert!(next_ready(&db, "t", &busy, 0).unwrap().is_none());
        // A failure backs off and marks the builds, without dropping the task.
        finish(&db, "t", P1, Err(("boom".into(), false)), None).unwrap();
        assert!(cached(&db, 1)["t"].contains("boom"));
        assert!(next_ready(&db, "t", &none, db::now()).unwrap().is_none());
        assert_eq!(recent_errors(&db, 10).unwrap()[0].error, "boom");
        let (p, _) = next_ready(&db, "t", &none, i64::MAX).unwrap().unwrap();
        assert_eq!(p, P1);
        finish(&db, "t", P1, Ok(true), Some((10, 5, 0.1))).unwrap();
        assert!(known_uploaded(&db, "t", P1).unwrap());
        let (p, _) = next_ready(&db, "t", &none, i64::MAX).unwrap().unwrap();
        assert_eq!(p, P2);
        finish(&db, "t", P2, Ok(false), None).unwrap();
        assert_eq!(cached(&db, 2)["t"], "ok", "build 2 needed only P1 and P2");
        assert_ne!(cached(&db, 1)["t"], "ok");
        finish(&db, "t", P3, Ok(true), None).unwrap();
        assert_eq!(cached(&db, 1)["t"], "ok");
        let st = status(&db, &["t".into()]).unwrap();
        assert_eq!(st[0].queued_paths, 0);
        assert_eq!(st[0].stats.uploaded, 2);
        assert_eq!(st[0].stats.skipped, 1);
        // Known paths are not queued again; a GC generation change forgets them.
        put_build(&db, 3);
        enqueue(&db, 3, &["t".into()], &closure).unwrap();
        assert_eq!(cached(&db, 3)["t"], "ok");
        sync_gc_generation(&db, "t", 1).unwrap();
        assert!(!known_uploaded(&db, "t", P1).unwrap());
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
