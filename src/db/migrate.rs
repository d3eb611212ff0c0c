//! Schema migrations, each run inside `Db::open`'s write transaction (all or nothing).
//!
//! 1 → 2: schema 1 shared one build record across every jobset whose eval produced the same
//! drvPath, so the build kept the first jobset's project, jobset and job. Each jobset now gets
//! its own copy of every build its evals list: queued when the original is queued, else finished
//! with the original's result and marked cached from it. Finished-with-output copies are put in
//! the upload queue, so the buckets that route by the jobset's own name get their closures.
//!
//! 2 → 3: eval members, one row per (eval, build), become runs of consecutive build ids
//! (`members`); the old table is dropped.
//!
//! 3 → 4: the eval-job index, one row per (eval, job), becomes chunks of up to 64 jobs
//! (`evaljobs`), and the queue, one row per build, runs of build ids (`queued`); the old tables
//! are dropped.
//!
//! 4 → 5: the per-job latest-build table goes: a job's latest build is the last entry of its
//! build list (`JOB_BUILDS`), which `record_eval` writes anyway. The two agree on every file
//! whose builds were created by evals (ids only grow); on a file migrated from schema 1, a
//! jobset's copy of an older shared build has a higher id than the jobset's own later builds,
//! and is now its latest, as Hydra orders builds by id.
//!
//! 5 → 6: the derivation and output path indexes, keyed by the path string, are keyed by a
//! fixed-width key of the path (`paths`); the old tables are dropped.

use super::queue::JOB_LAST_SUCCESS;
use super::{
    decode, encode, evaljobs, members, paths, queued, status, Build, Db, Result, BUILDS,
    CACHE_PENDING, EVALS, EVAL_MEMBERS, JOBSETS, JOBSET_EVALS, JOB_BUILDS, V1_BUILDS_BY_DRV,
};
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use std::collections::{BTreeMap, HashMap};

/// Schemas 1 and 2: (eval id, build id) → is_new, a row per member.
pub(super) const V2_EVAL_MEMBERS: TableDefinition<(u64, u64), bool> =
    TableDefinition::new("eval_members");

/// Schemas up to 3: (eval id, job name) → build id, a row per job.
pub(super) const V3_EVAL_JOBS: TableDefinition<(u64, &str), u64> =
    TableDefinition::new("eval_jobs");

/// Schemas up to 3: queued build id → (), a row per build.
pub(super) const V3_QUEUE: TableDefinition<u64, ()> = TableDefinition::new("queue");

/// Schemas up to 5: (drv path, build id) → ().
pub(super) const V5_DRV_BUILDS: TableDefinition<(&str, u64), ()> =
    TableDefinition::new("drv_builds");

/// Schemas up to 5: (output path, build id) → ().
pub(super) const V5_OUT_BUILDS: TableDefinition<(&str, u64), ()> =
    TableDefinition::new("out_builds");

/// Schemas up to 4: (project, jobset, job) → newest build id of that job.
pub(super) const V4_JOB_LATEST: TableDefinition<(&str, &str, &str), u64> =
    TableDefinition::new("job_latest");

/// META key: schema 1's flat GC roots are still to be moved (see `queue::runner`).
pub(super) const FLAT_ROOTS: &str = "flat_roots_pending";

pub(super) fn v1_to_v2(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(super::META)?.insert(FLAT_ROOTS, 1)?;
    let old: TableDefinition<&str, u64> = TableDefinition::new(V1_BUILDS_BY_DRV);
    tx.delete_table(old)?;
    let evals: Vec<(String, String, u64)> = {
        let t = tx.open_table(JOBSET_EVALS)?;
        let mut v = Vec::new();
        for r in t.iter()? {
            let (k, _) = r?;
            let (p, j, e) = k.value();
            v.push((p.to_string(), j.to_string(), e));
        }
        v
    };
    // (project, jobset, original build) → the jobset's own copy.
    let mut copies: HashMap<(String, String, u64), u64> = HashMap::new();
    // (project, jobset) → build id → job name, from the per-job latest index.
    let mut job_names: HashMap<(String, String), BTreeMap<u64, String>> = HashMap::new();
    for (p, j, e) in evals {
        let members: Vec<(u64, bool)> = {
            let t = tx.open_table(V2_EVAL_MEMBERS)?;
            let mut v = Vec::new();
            for r in t.range((e, 0u64)..=(e, u64::MAX))? {
                let (k, n) = r?;
                v.push((k.value().1, n.value()));
            }
            v
        };
        for (bid, _) in members {
            let Some(b) = get(tx, bid)? else { continue };
            if b.project == p && b.jobset == j {
                continue;
            }
            let key = (p.clone(), j.clone(), bid);
            let (new_id, first) = match copies.get(&key) {
                Some(&id) => (id, false),
                None => {
                    let names = match job_names.get(&(p.clone(), j.clone())) {
                        Some(n) => n,
                        None => {
                            let n = latest_names(tx, &p, &j)?;
                            job_names.entry((p.clone(), j.clone())).or_insert(n)
                        }
                    };
                    let job = names.get(&bid).cloned().unwrap_or_else(|| b.job.clone());
                    let id = copy_build(tx, &b, &p, &j, &job, e)?;
                    copies.insert(key, id);
                    (id, true)
                }
            };
            let mut m = tx.open_table(V2_EVAL_MEMBERS)?;
            m.remove((e, bid))?;
            m.insert((e, new_id), first)?;
        }
    }
    // The per-job latest index pointed the other jobsets' jobs at the shared record.
    let latest: Vec<((String, String, String), u64)> = {
        let t = tx.open_table(V4_JOB_LATEST)?;
        let mut v = Vec::new();
        for r in t.iter()? {
            let (k, id) = r?;
            let (p, j, job) = k.value();
            v.push(((p.to_string(), j.to_string(), job.to_string()), id.value()));
        }
        v
    };
    {
        let mut t = tx.open_table(V4_JOB_LATEST)?;
        for ((p, j, job), id) in latest {
            if let Some(&new) = copies.get(&(p.clone(), j.clone(), id)) {
                t.insert((p.as_str(), j.as_str(), job.as_str()), new)?;
            }
        }
    }
    // Every build's derivation, in the new multi-valued index.
    let all: Vec<(u64, String)> = {
        let t = tx.open_table(BUILDS)?;
        let mut v = Vec::new();
        for r in t.iter()? {
            let (k, rec) = r?;
            let b: Build = decode(&format!("build {}", k.value()), rec.value())?;
            v.push((b.id, b.drvpath));
        }
        v
    };
    let mut by_drv = tx.open_table(V5_DRV_BUILDS)?;
    for (id, drv) in all {
        by_drv.insert((drv.as_str(), id), ())?;
    }
    drop(by_drv);
    // Last, once every live jobset has its own copies: schema 1's deletes left a deleted jobset's evals and builds behind (some still queued):
    // they go now, as schema 2's delete would have removed them.
    let mut orphans = std::collections::BTreeSet::new();
    {
        let jobsets = tx.open_table(JOBSETS)?;
        for r in tx.open_table(JOBSET_EVALS)?.iter()? {
            let (k, _) = r?;
            let (p, j, _) = k.value();
            if jobsets.get((p, j))?.is_none() {
                orphans.insert((p.to_string(), j.to_string()));
            }
        }
        for r in tx.open_table(JOB_BUILDS)?.iter()? {
            let (k, _) = r?;
            let (p, j, _, _) = k.value();
            if jobsets.get((p, j))?.is_none() {
                orphans.insert((p.to_string(), j.to_string()));
            }
        }
    }
    // The delete below is the current schema's, which removes members as runs and job lists as
    // chunks.
    v2_to_v3(tx)?;
    v3_to_v4(tx)?;
    v4_to_v5(tx)?;
    v5_to_v6(tx)?;
    let mut gone = super::Deleted::default();
    for (p, j) in &orphans {
        super::delete_jobset_in(tx, p, j, &mut gone)?;
    }
    Ok(())
}

/// Rewrites the member rows as runs, one eval at a time (the old keys come sorted by eval and
/// build, so memory holds one eval's members, not the table), then drops the old table. Rows of
/// an eval that no longer exists are dropped.
pub(super) fn v2_to_v3(tx: &WriteTransaction) -> Result<()> {
    {
        let old = tx.open_table(V2_EVAL_MEMBERS)?;
        let evals = tx.open_table(EVALS)?;
        let mut runs = tx.open_table(EVAL_MEMBERS)?;
        let rows = old.iter()?.map(|r| {
            let (k, new) = r?;
            let (e, bid) = k.value();
            Ok((e, (bid, new.value())))
        });
        super::per_eval(rows, |e, list| {
            if evals.get(e)?.is_some() {
                members::insert(&mut runs, e, list)?;
            }
            Ok(())
        })?;
    }
    tx.delete_table(V2_EVAL_MEMBERS)?;
    Ok(())
}

/// Rewrites the eval-job rows as chunks, one eval at a time (the old keys come sorted by eval
/// and job), and the queue rows as runs, then drops the old tables. Job rows of an eval that
/// no longer exists are dropped.
pub(super) fn v3_to_v4(tx: &WriteTransaction) -> Result<()> {
    {
        let old = tx.open_table(V3_EVAL_JOBS)?;
        let evals = tx.open_table(EVALS)?;
        let mut chunks = tx.open_table(evaljobs::EVAL_JOB_CHUNKS)?;
        let rows = old.iter()?.map(|r| {
            let (k, bid) = r?;
            let (e, job) = k.value();
            Ok((e, (job.to_string(), bid.value())))
        });
        super::per_eval(rows, |e, mut list| {
            if evals.get(e)?.is_some() {
                evaljobs::insert(&mut chunks, e, &mut list)?;
            }
            Ok(())
        })?;
    }
    tx.delete_table(V3_EVAL_JOBS)?;
    let ids: Vec<u64> = {
        let mut v = Vec::new();
        for r in tx.open_table(V3_QUEUE)?.iter()? {
            v.push(r?.0.value());
        }
        v
    };
    queued::Queued::open(tx)?.insert_new(ids)?;
    tx.delete_table(V3_QUEUE)?;
    Ok(())
}

/// Drops the per-job latest-build table (see the module's 4 → 5).
pub(super) fn v4_to_v5(tx: &WriteTransaction) -> Result<()> {
    tx.delete_table(V4_JOB_LATEST)?;
    Ok(())
}

/// Re-keys the path indexes (see the module's 5 → 6), in key order.
pub(super) fn v5_to_v6(tx: &WriteTransaction) -> Result<()> {
    for (old, new) in [
        (V5_DRV_BUILDS, paths::DRV_INDEX),
        (V5_OUT_BUILDS, paths::OUT_INDEX),
    ] {
        let mut rows: Vec<(u128, u64)> = Vec::new();
        for r in tx.open_table(old)?.iter()? {
            let k = r?.0;
            let (path, id) = k.value();
            rows.push((paths::key(path), id));
        }
        rows.sort_unstable();
        let mut t = tx.open_table(new)?;
        for row in rows {
            t.insert(row, ())?;
        }
        drop(t);
        tx.delete_table(old)?;
    }
    Ok(())
}

fn get(tx: &WriteTransaction, id: u64) -> Result<Option<Build>> {
    let t = tx.open_table(BUILDS)?;
    let v = t.get(id)?;
    v.map(|v| decode(&format!("build {id}"), v.value()))
        .transpose()
}

fn latest_names(tx: &WriteTransaction, p: &str, j: &str) -> Result<BTreeMap<u64, String>> {
    let t = tx.open_table(V4_JOB_LATEST)?;
    let mut out = BTreeMap::new();
    for r in t.range((p, j, "")..=(p, j, "\u{10FFFF}"))? {
        let (k, v) = r?;
        out.insert(v.value(), k.value().2.to_string());
    }
    Ok(out)
}

/// The jobset's own copy of a shared build, with its indexes; returns the new id.
fn copy_build(
    tx: &WriteTransaction,
    b: &Build,
    p: &str,
    j: &str,
    job: &str,
    eval: u64,
) -> Result<u64> {
    let id = Db::next_id(tx, "next_build_id")?;
    let mut c = b.clone();
    c.id = id;
    c.project = p.to_string();
    c.jobset = j.to_string();
    c.job = job.to_string();
    c.eval = eval;
    c.busy = false;
    c.cached.clear();
    let with_output = matches!(
        b.buildstatus,
        Some(status::SUCCEEDED) | Some(status::FAILED_WITH_OUTPUT)
    );
    if b.finished {
        c.iscachedbuild = with_output;
        c.cached_from = Some(b.id);
    } else {
        c.starttime = None;
        tx.open_table(V3_QUEUE)?.insert(id, ())?;
    }
    tx.open_table(BUILDS)?.insert(id, encode(&c).as_slice())?;
    tx.open_table(JOB_BUILDS)?.insert((p, j, job, id), ())?;
    if b.finished && with_output {
        tx.open_table(CACHE_PENDING)?.insert(id, ())?;
    }
    if b.finished && b.buildstatus == Some(status::SUCCEEDED) {
        let mut l = tx.open_table(JOB_LAST_SUCCESS)?;
        let cur = l.get((p, j, job))?.map(|v| v.value()).unwrap_or(0);
        if id > cur {
            l.insert((p, j, job), id)?;
        }
    }
    Ok(id)
}
