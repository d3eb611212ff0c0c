//! Reads behind Hydra's API routes that are not pages: the `latest*` redirects, `nrbuilds`,
//! the jobset overview counts, an eval's output paths and the jobsets a push names. Each walks
//! an index newest first and stops as soon as it has its answer (bounded by `SCAN_LIMIT`).

use super::queue::get_build;
use super::views::{BuildFilter, SCAN_LIMIT};
use super::{
    decode, index, members, Build, Db, JobsetInput, Result, BUILDS, EVAL_MEMBERS, JOBSET_EVALS,
    JOBSET_INPUTS, JOB_BUILDS,
};
use crate::nix::products::BuildProduct;
use redb::{
    ReadTransaction, ReadableTable, ReadableTableMetadata, TableDefinition, WriteTransaction,
};
use serde::{Deserialize, Serialize};

/// build id → `Products` (JSON): what a build's outputs declared in `nix-support/`.
pub const BUILD_PRODUCTS: TableDefinition<u64, &[u8]> = TableDefinition::new("build_products");

/// (aggregate build id, constituent build id) → (): the builds an aggregate job names.
pub const AGGREGATE_CONSTITUENTS: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("aggregate_constituents");

/// A build's declared products and release name, read from its outputs when it finished.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Products {
    pub products: Vec<BuildProduct>,
    pub releasename: Option<String>,
}

/// Which evals a `latest` build must come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatestIn {
    /// Any build (Hydra's `latest`, `latest-for`).
    Any,
    /// A build in an eval with no unfinished builds (Hydra's `latest-finished`).
    FinishedEval,
}

/// Counts over the builds of a jobset's newest eval (Hydra's "current" builds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CurrentCounts {
    pub scheduled: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub total: u64,
}

impl Db {
    /// Records what a build's outputs declare (before its finish is recorded: a crash in
    /// between leaves products of an unfinished build, which its next run overwrites).
    pub fn set_build_products(&self, build: u64, p: &Products) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut t = tx.open_table(BUILD_PRODUCTS)?;
            if p.products.is_empty() && p.releasename.is_none() {
                t.remove(build)?;
            } else {
                t.insert(build, super::encode(p).as_slice())?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A build's declared products and release name (empty when it declared none).
    pub fn build_products(&self, build: u64) -> Result<Products> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(BUILD_PRODUCTS)?;
        let v = t.get(build)?;
        Ok(
            v.map(|v| decode(&format!("products of build {build}"), v.value()))
                .transpose()?
                .unwrap_or_default(),
        )
    }

    /// The constituents of an aggregate build (none for other builds), by job name as Hydra
    /// lists them.
    pub fn build_constituents(&self, build: u64) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(AGGREGATE_CONSTITUENTS)?;
        let builds = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        for r in t.range((build, 0u64)..=(build, u64::MAX))? {
            if let Some(b) = get_build(&builds, r?.0.value().1)? {
                out.push(b);
            }
        }
        out.sort_by(|a, b| a.job.cmp(&b.job).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// The newest successful build matching `f` (project, jobset, job, system; empty = any).
    pub fn latest_succeeded(&self, f: &BuildFilter, within: LatestIn) -> Result<Option<Build>> {
        let tx = self.inner.begin_read()?;
        let builds = tx.open_table(BUILDS)?;
        let finished = tx.open_table(index::FINISHED)?;
        if within == LatestIn::FinishedEval {
            return self.latest_in_finished_eval(&tx, f);
        }
        let mut found = None;
        let mut consider = |id: u64| -> Result<bool> {
            if finished.get(id)?.map(|s| s.value()) != Some(super::status::SUCCEEDED) {
                return Ok(false);
            }
            let Some(b) = get_build(&builds, id)? else {
                return Ok(false);
            };
            if !f.matches(&b) {
                return Ok(false);
            }
            found = Some(b);
            Ok(true)
        };
        for_newest(&tx, f, &mut consider)?;
        Ok(found)
    }

    /// `latest-finished`: walks each jobset's evals newest first (at most 1000), skips those
    /// with an unfinished member, and takes the newest successful member that matches (by the
    /// eval's job index when a job is named); the newest such build over the jobsets.
    fn latest_in_finished_eval(
        &self,
        tx: &ReadTransaction,
        f: &BuildFilter,
    ) -> Result<Option<Build>> {
        let builds = tx.open_table(BUILDS)?;
        let finished = tx.open_table(index::FINISHED)?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let evals_idx = tx.open_table(JOBSET_EVALS)?;
        let eval_jobs = tx.open_table(super::evaljobs::EVAL_JOB_CHUNKS)?;
        let jobsets: Vec<String> = if f.jobset.is_empty() {
            let t = tx.open_table(super::JOBSETS)?;
            let p = f.project.as_str();
            let mut v = Vec::new();
            for r in t.range((p, "")..=(p, "\u{10FFFF}"))? {
                v.push(r?.0.value().1.to_string());
            }
            v
        } else {
            vec![f.jobset.clone()]
        };
        let ok = |id: u64| -> Result<Option<Build>> {
            if finished.get(id)?.map(|s| s.value()) != Some(super::status::SUCCEEDED) {
                return Ok(None);
            }
            Ok(get_build(&builds, id)?.filter(|b| f.matches(b)))
        };
        let mut best: Option<Build> = None;
        for j in &jobsets {
            let p = f.project.as_str();
            for r in evals_idx
                .range((p, j.as_str(), 0u64)..=(p, j.as_str(), u64::MAX))?
                .rev()
                .take(1000)
            {
                let e = r?.0.value().2;
                if !all_finished(&members, &finished, e)? {
                    continue;
                }
                let hit = if f.job.is_empty() {
                    let mut hit = None;
                    for id in members::ids(&members, e)?.into_iter().rev() {
                        if let Some(b) = ok(id)? {
                            hit = Some(b);
                            break;
                        }
                    }
                    hit
                } else {
                    match super::evaljobs::get(&eval_jobs, e, &f.job)? {
                        Some(id) => ok(id)?,
                        None => None,
                    }
                };
                if let Some(b) = hit {
                    if best.as_ref().is_none_or(|x| b.id > x.id) {
                        best = Some(b);
                    }
                    break;
                }
            }
        }
        Ok(best)
    }

    /// Finished builds matching `f` counted per `period` seconds of their queue time, for the
    /// newest `nr` periods that have any, oldest first (Hydra's `/api/nrbuilds`).
    pub fn nr_builds(&self, f: &BuildFilter, period: i64, nr: usize) -> Result<Vec<u64>> {
        let tx = self.inner.begin_read()?;
        let builds = tx.open_table(BUILDS)?;
        let finished = tx.open_table(index::FINISHED)?;
        let mut periods: std::collections::BTreeMap<i64, u64> = Default::default();
        let period = period.max(1);
        let mut count = |id: u64| -> Result<bool> {
            if finished.get(id)?.is_none() {
                return Ok(false);
            }
            let Some(b) = get_build(&builds, id)? else {
                return Ok(false);
            };
            if !f.matches(&b) {
                return Ok(false);
            }
            let start = b.timestamp - b.timestamp.rem_euclid(period);
            // Ids grow with queue time: once nr periods are full and an older one starts, stop.
            if periods.len() >= nr && !periods.contains_key(&start) {
                let oldest = *periods.keys().next().unwrap_or(&start);
                if start < oldest {
                    return Ok(true);
                }
            }
            *periods.entry(start).or_default() += 1;
            Ok(false)
        };
        for_newest(&tx, f, &mut count)?;
        Ok(periods
            .into_values()
            .rev()
            .take(nr)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect())
    }

    /// Counts over each named jobset's newest eval.
    pub fn current_counts(&self, project: &str, jobset: &str) -> Result<CurrentCounts> {
        let tx = self.inner.begin_read()?;
        let evals_idx = tx.open_table(JOBSET_EVALS)?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let finished = tx.open_table(index::FINISHED)?;
        let mut c = CurrentCounts::default();
        let newest = evals_idx
            .range((project, jobset, 0u64)..=(project, jobset, u64::MAX))?
            .next_back()
            .transpose()?
            .map(|(k, _)| k.value().2);
        if let Some(e) = newest {
            members::each(&members, e, |id, _| {
                c.total += 1;
                match finished.get(id)?.map(|s| s.value()) {
                    None => c.scheduled += 1,
                    Some(super::status::SUCCEEDED) => c.succeeded += 1,
                    Some(_) => c.failed += 1,
                }
                Ok(true)
            })?;
        }
        Ok(c)
    }

    /// The output paths of an eval's builds (only the successful ones with `succeeded_only`),
    /// in build order, without duplicates.
    pub fn eval_output_paths(&self, eval: u64, succeeded_only: bool) -> Result<Vec<String>> {
        let tx = self.inner.begin_read()?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let builds = tx.open_table(BUILDS)?;
        let finished = tx.open_table(index::FINISHED)?;
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for id in members::ids(&members, eval)? {
            // The finished index answers "succeeded?" without decoding the record.
            if succeeded_only
                && finished.get(id)?.map(|s| s.value()) != Some(super::status::SUCCEEDED)
            {
                continue;
            }
            let Some(b) = get_build(&builds, id)? else {
                continue;
            };
            if succeeded_only && !(b.finished && b.buildstatus == Some(super::status::SUCCEEDED)) {
                continue;
            }
            for p in b.outputs.into_values() {
                if seen.insert(p.clone()) {
                    out.push(p);
                }
            }
        }
        Ok(out)
    }

    /// The newest eval of a jobset that has new builds and no unfinished one (Hydra's
    /// `getLatestFinishedEval`).
    pub fn latest_finished_eval(&self, project: &str, jobset: &str) -> Result<Option<super::Eval>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOBSET_EVALS)?;
        let evals = tx.open_table(super::EVALS)?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let finished = tx.open_table(index::FINISHED)?;
        for r in idx
            .range((project, jobset, 0u64)..=(project, jobset, u64::MAX))?
            .rev()
            .take(1000)
        {
            let id = r?.0.value().2;
            let Some(v) = evals.get(id)? else { continue };
            let e: super::Eval = decode(&format!("eval {id}"), v.value())?;
            if e.hasnewbuilds && all_finished(&members, &finished, id)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// The newest eval with new builds and none unfinished that has build `b` (Hydra's
    /// `/build/N/eval`).
    pub fn newest_finished_eval_of(&self, b: &Build) -> Result<Option<u64>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOBSET_EVALS)?;
        let evals = tx.open_table(super::EVALS)?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let finished = tx.open_table(index::FINISHED)?;
        let (p, j) = (b.project.as_str(), b.jobset.as_str());
        for r in idx.range((p, j, 0u64)..=(p, j, u64::MAX))?.rev().take(1000) {
            let id = r?.0.value().2;
            if members::get(&members, id, b.id)?.is_none() {
                continue;
            }
            let Some(v) = evals.get(id)? else { continue };
            let e: super::Eval = decode(&format!("eval {id}"), v.value())?;
            if e.hasnewbuilds && all_finished(&members, &finished, id)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// The newest successful build of each job of a jobset (of all jobsets of the project when
    /// `jobset` is None; of one job when `job` is given): what a channel holds.
    pub fn channel_builds(
        &self,
        project: &str,
        jobset: Option<&str>,
        job: Option<&str>,
    ) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let last = tx.open_table(super::queue::JOB_LAST_SUCCESS)?;
        let builds = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        let range = match jobset {
            Some(j) => last.range((project, j, "")..=(project, j, "\u{10FFFF}"))?,
            None => last.range((project, "", "")..=(project, "\u{10FFFF}", "\u{10FFFF}"))?,
        };
        for r in range {
            let (k, v) = r?;
            if job.is_some_and(|want| k.value().2 != want) {
                continue;
            }
            if let Some(b) = get_build(&builds, v.value())? {
                if b.finished && b.buildstatus == Some(super::status::SUCCEEDED) {
                    out.push(b);
                }
            }
        }
        Ok(out)
    }

    /// Every jobset with an input whose value satisfies `matches`: (project, jobset).
    pub fn jobsets_with_input(
        &self,
        mut matches: impl FnMut(&JobsetInput) -> bool,
    ) -> Result<Vec<(String, String)>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(JOBSET_INPUTS)?;
        let mut out: Vec<(String, String)> = Vec::new();
        for r in t.iter()? {
            let (k, v) = r?;
            let (p, j, name) = k.value();
            let input: JobsetInput = decode(&format!("input {p}:{j}:{name}"), v.value())?;
            if matches(&input)
                && out
                    .last()
                    .is_none_or(|(lp, lj)| (lp.as_str(), lj.as_str()) != (p, j))
            {
                out.push((p.to_string(), j.to_string()));
            }
        }
        Ok(out)
    }
}

/// Calls `f` with the ids of the builds `filter` can match, newest first, through the
/// narrowest index (job, jobset, project, all finished builds), until it returns true.
fn for_newest(
    tx: &ReadTransaction,
    filter: &BuildFilter,
    f: &mut dyn FnMut(u64) -> Result<bool>,
) -> Result<()> {
    let (p, j, job) = (
        filter.project.as_str(),
        filter.jobset.as_str(),
        filter.job.as_str(),
    );
    if !p.is_empty() && !j.is_empty() && !job.is_empty() {
        let idx = tx.open_table(JOB_BUILDS)?;
        for r in idx
            .range((p, j, job, 0u64)..=(p, j, job, u64::MAX))?
            .rev()
            .take(SCAN_LIMIT)
        {
            if f(r?.0.value().3)? {
                break;
            }
        }
    } else if !p.is_empty() && !j.is_empty() {
        let idx = tx.open_table(index::JOBSET_FINISHED)?;
        for r in idx
            .range((p, j, 0u64)..=(p, j, u64::MAX))?
            .rev()
            .take(SCAN_LIMIT)
        {
            if f(r?.0.value().2)? {
                break;
            }
        }
    } else if !p.is_empty() {
        let idx = tx.open_table(index::PROJECT_FINISHED)?;
        for r in idx.range((p, 0u64)..=(p, u64::MAX))?.rev().take(SCAN_LIMIT) {
            if f(r?.0.value().1)? {
                break;
            }
        }
    } else {
        let idx = tx.open_table(index::FINISHED)?;
        for r in idx.iter()?.rev().take(SCAN_LIMIT) {
            if f(r?.0.value())? {
                break;
            }
        }
    }
    Ok(())
}

/// Whether every member of eval `e` is finished.
fn all_finished(
    members: &impl ReadableTable<(u64, u64), (u64, bool)>,
    finished: &impl ReadableTable<u64, i32>,
    e: u64,
) -> Result<bool> {
    let mut all = true;
    members::each(members, e, |id, _| {
        all = finished.get(id)?.is_some();
        Ok(all)
    })?;
    Ok(all)
}

/// `record_eval`: an aggregate reuses its previous build only when its constituents reuse the
/// very builds recorded for it (Hydra's aggregate derivation, rewritten to depend on its named
/// constituents, changes with them). `aggs`: job index → constituent job indices; `reuse`: job
/// index → (previous build, repoint), set to None for an aggregate whose constituents changed.
pub(super) fn keep_aggregate_reuse(
    tx: &WriteTransaction,
    aggs: &[(usize, Vec<usize>)],
    reuse: &mut [Option<(u64, bool)>],
) -> Result<()> {
    if aggs.is_empty() {
        return Ok(());
    }
    let t = tx.open_table(AGGREGATE_CONSTITUENTS)?;
    // An aggregate of aggregates follows the one it names: repeat until nothing changes.
    loop {
        let mut changed = false;
        for (i, cs) in aggs {
            let Some((bid, _)) = reuse[*i] else { continue };
            let old: std::collections::BTreeSet<u64> = t
                .range((bid, 0u64)..=(bid, u64::MAX))?
                .map(|r| r.map(|(k, _)| k.value().1))
                .collect::<std::result::Result<_, _>>()?;
            let new: Option<std::collections::BTreeSet<u64>> =
                cs.iter().map(|&c| reuse[c].map(|(b, _)| b)).collect();
            if new.as_ref() != Some(&old) {
                reuse[*i] = None;
                changed = true;
            }
        }
        if !changed {
            return Ok(());
        }
    }
}

/// `record_eval`: the (aggregate build, constituent build) rows of an eval's aggregates;
/// `bids`: job index → its build.
pub(super) fn record_constituents(
    tx: &WriteTransaction,
    aggs: &[(usize, Vec<usize>)],
    bids: &[u64],
) -> Result<()> {
    if aggs.is_empty() {
        return Ok(());
    }
    let mut t = tx.open_table(AGGREGATE_CONSTITUENTS)?;
    for (i, cs) in aggs {
        let (Some(&a), true) = (bids.get(*i), cs.iter().all(|&c| c < bids.len())) else {
            continue;
        };
        for &c in cs {
            t.insert((a, bids[c]), ())?;
        }
    }
    Ok(())
}

/// Removes the products and aggregate rows of deleted builds (in the delete's transaction).
pub(super) fn forget_builds(tx: &WriteTransaction, ids: &[u64]) -> Result<()> {
    let mut agg = tx.open_table(AGGREGATE_CONSTITUENTS)?;
    if !agg.is_empty()? {
        for &id in ids {
            agg.retain_in((id, 0u64)..=(id, u64::MAX), |_, _| false)?;
        }
        // A constituent is in its aggregate's eval, so it goes with it; a row naming a
        // deleted constituent from elsewhere goes too.
        let gone: std::collections::HashSet<u64> = ids.iter().copied().collect();
        agg.retain(|(_, c), _| !gone.contains(&c))?;
    }
    let mut t = tx.open_table(BUILD_PRODUCTS)?;
    if t.is_empty()? {
        return Ok(());
    }
    for &id in ids {
        t.remove(id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Eval, Jobset, NewJob, Project};
    use super::*;

    fn rows(db: &Db) -> Vec<(u64, u64)> {
        let tx = db.inner.begin_read().unwrap();
        let t = tx.open_table(AGGREGATE_CONSTITUENTS).unwrap();
        t.iter().unwrap().map(|r| r.unwrap().0.value()).collect()
    }

    #[test]
    fn aggregates_are_recorded_reused_with_their_constituents_and_deleted() {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-db-agg-{}", u64::from_le_bytes(b)));
        let db = Db::open(&dir.join("h.redb")).unwrap();
        db.put_project(&Project {
            name: "p".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        let job = |n: &str, drv: &str, cs: &[&str]| NewJob {
            job: n.into(),
            drvpath: format!("/nix/store/{drv}.drv"),
            outputs: [("out".to_string(), format!("/nix/store/{drv}"))].into(),
            constituents: cs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        let ev = Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        let e1 = db
            .record_eval(
                ev.clone(),
                vec![
                    job("agg", "agg", &["a", "b"]),
                    job("a", "a", &[]),
                    job("b", "b", &[]),
                    job("top", "top", &["agg"]),
                    job("other", "other", &["a"]),
                ],
            )
            .unwrap();
        let ids1: std::collections::BTreeMap<String, u64> = db
            .eval_builds(e1.id)
            .unwrap()
            .into_iter()
            .map(|(b, _)| (b.job, b.id))
            .collect();
        let (agg, a, b, top, other) = (
            ids1["agg"],
            ids1["a"],
            ids1["b"],
            ids1["top"],
            ids1["other"],
        );
        assert_eq!(rows(&db), vec![(agg, a), (agg, b), (top, agg), (other, a)]);
        let jobs: Vec<String> = db
            .build_constituents(agg)
            .unwrap()
            .into_iter()
            .map(|b| b.job)
            .collect();
        assert_eq!(jobs, ["a", "b"]);
        assert!(db.build_constituents(a).unwrap().is_empty());
        // Same jobs again, but b changed: `agg` (and `top` naming it) are new builds with the
        // new constituents; `other` keeps its build.
        let e2 = db
            .record_eval(
                ev,
                vec![
                    job("agg", "agg", &["a", "b"]),
                    job("a", "a", &[]),
                    job("b", "b2", &[]),
                    job("top", "top", &["agg"]),
                    job("other", "other", &["a"]),
                ],
            )
            .unwrap();
        let ids2: std::collections::BTreeMap<String, u64> = db
            .eval_builds(e2.id)
            .unwrap()
            .into_iter()
            .map(|(b, _)| (b.job, b.id))
            .collect();
        assert_eq!((ids2["a"], ids2["other"]), (a, other));
        for j in ["agg", "b", "top"] {
            assert_ne!(ids2[j], ids1[j], "{j}");
        }
        let ids: Vec<u64> = db
            .build_constituents(ids2["agg"])
            .unwrap()
            .iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(ids, [a, ids2["b"]]);
        assert_eq!(rows(&db).len(), 7);
        db.delete_jobset("p", "j").unwrap();
        assert!(rows(&db).is_empty());
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
