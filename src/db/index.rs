//! Indexes behind the pages' views, each written in the transaction that changes what it indexes:
//! finished builds by id, by project and by jobset (newest finished without reading unfinished
//! ones), each eval's members by job name (comparisons and the jobs grid merge two sorted
//! ranges), builds by output path and job names (search). `Db::open` fills them once for a
//! database written before they existed.

use super::evaljobs::{self, EVAL_JOB_CHUNKS};
use super::{decode, Build, Result, BUILDS, EVAL_MEMBERS, META};
use redb::{ReadableTable, Table, TableDefinition, WriteTransaction};
use std::collections::BTreeMap;

/// Finished builds: id → build status. A build that is not here is queued or running.
pub const FINISHED: TableDefinition<u64, i32> = TableDefinition::new("finished_builds");
/// (project, build id) → (): a project's finished builds.
pub const PROJECT_FINISHED: TableDefinition<(&str, u64), ()> =
    TableDefinition::new("project_finished");
/// (project, jobset, build id) → (): a jobset's finished builds.
pub const JOBSET_FINISHED: TableDefinition<(&str, &str, u64), ()> =
    TableDefinition::new("jobset_finished");
/// Builds by output path (`paths::OUT_INDEX`).
pub use super::paths::OUT_INDEX;
/// (search key, project, jobset, job) → (): a job by its lower-cased name and by each
/// attribute-path suffix of it (`pkgs.hello` also under `hello`), for search by prefix.
pub const JOB_NAMES: TableDefinition<(&str, &str, &str, &str), ()> =
    TableDefinition::new("job_names");

/// The search keys of a job name: itself and every suffix after a `.`, lower-cased.
pub fn name_keys(job: &str) -> Vec<String> {
    let lower = job.to_lowercase();
    let mut keys = vec![lower.clone()];
    for (i, c) in lower.char_indices() {
        if c == '.' && i + 1 < lower.len() {
            keys.push(lower[i + 1..].to_string());
        }
    }
    keys
}

/// Meta key: which version of these indexes the file holds (absent: fill them).
const VERSION_KEY: &str = "views_index_version";
const VERSION: u64 = 1;

pub(super) fn create_tables(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(FINISHED)?;
    tx.open_table(PROJECT_FINISHED)?;
    tx.open_table(JOBSET_FINISHED)?;
    tx.open_table(EVAL_JOB_CHUNKS)?;
    tx.open_table(OUT_INDEX)?;
    tx.open_table(JOB_NAMES)?;
    let meta = tx.open_table(META)?;
    if meta.get(VERSION_KEY)?.is_none() {
        drop(meta);
        backfill(tx)?;
        tx.open_table(META)?.insert(VERSION_KEY, VERSION)?;
    }
    Ok(())
}

/// A build became finished (or its status changed).
pub(super) fn finished(tx: &WriteTransaction, b: &Build) -> Result<()> {
    let st = b.buildstatus.unwrap_or(super::status::FAILED);
    tx.open_table(FINISHED)?.insert(b.id, st)?;
    tx.open_table(PROJECT_FINISHED)?
        .insert((b.project.as_str(), b.id), ())?;
    tx.open_table(JOBSET_FINISHED)?
        .insert((b.project.as_str(), b.jobset.as_str(), b.id), ())?;
    Ok(())
}

/// A finished build was queued again (restart).
pub(super) fn unfinished(tx: &WriteTransaction, b: &Build) -> Result<()> {
    tx.open_table(FINISHED)?.remove(b.id)?;
    tx.open_table(PROJECT_FINISHED)?
        .remove((b.project.as_str(), b.id))?;
    tx.open_table(JOBSET_FINISHED)?
        .remove((b.project.as_str(), b.jobset.as_str(), b.id))?;
    Ok(())
}

/// The tables `record_eval` writes, opened once per eval.
pub(super) struct EvalIndex<'t> {
    outs: Table<'t, (u128, u64), ()>,
    names: Table<'t, (&'static str, &'static str, &'static str, &'static str), ()>,
}

impl<'t> EvalIndex<'t> {
    pub(super) fn open(tx: &'t WriteTransaction) -> Result<EvalIndex<'t>> {
        Ok(EvalIndex {
            outs: tx.open_table(OUT_INDEX)?,
            names: tx.open_table(JOB_NAMES)?,
        })
    }

    /// New builds' output paths (path key, build id), best sorted.
    pub(super) fn outputs(&mut self, outs: &[(u128, u64)]) -> Result<()> {
        for &row in outs {
            self.outs.insert(row, ())?;
        }
        Ok(())
    }

    /// The search keys of a new build's job (they stay until the jobset is deleted).
    pub(super) fn new_job(&mut self, b: &Build) -> Result<()> {
        for k in name_keys(&b.job) {
            self.names.insert(
                (
                    k.as_str(),
                    b.project.as_str(),
                    b.jobset.as_str(),
                    b.job.as_str(),
                ),
                (),
            )?;
        }
        Ok(())
    }
}

/// A deleted jobset's entries: its evals' job lists, its builds (id, outputs) and job names.
pub(super) fn forget_jobset(
    tx: &WriteTransaction,
    p: &str,
    j: &str,
    evals: &[u64],
    builds: &[(u64, Vec<String>)],
    jobs: &[String],
) -> Result<()> {
    {
        let mut t = tx.open_table(EVAL_JOB_CHUNKS)?;
        for &e in evals {
            evaljobs::remove(&mut t, e)?;
        }
    }
    let mut fin = tx.open_table(FINISHED)?;
    let mut pf = tx.open_table(PROJECT_FINISHED)?;
    let mut jf = tx.open_table(JOBSET_FINISHED)?;
    let mut outs = tx.open_table(OUT_INDEX)?;
    for (id, outputs) in builds {
        if fin.remove(*id)?.is_some() {
            pf.remove((p, *id))?;
            jf.remove((p, j, *id))?;
        }
        for o in outputs {
            outs.remove((super::paths::key(o), *id))?;
        }
    }
    let mut names = tx.open_table(JOB_NAMES)?;
    for job in jobs {
        for k in name_keys(job) {
            names.remove((k.as_str(), p, j, job.as_str()))?;
        }
    }
    Ok(())
}

/// Fills every index from the builds and eval members (once, for an older file).
fn backfill(tx: &WriteTransaction) -> Result<()> {
    let builds = tx.open_table(BUILDS)?;
    let mut fin = tx.open_table(FINISHED)?;
    let mut pf = tx.open_table(PROJECT_FINISHED)?;
    let mut jf = tx.open_table(JOBSET_FINISHED)?;
    let mut outs = tx.open_table(OUT_INDEX)?;
    let mut names = tx.open_table(JOB_NAMES)?;
    let mut jobs: BTreeMap<u64, String> = BTreeMap::new();
    for r in builds.iter()? {
        let (k, v) = r?;
        let id = k.value();
        let b: Build = decode(&format!("build {id}"), v.value())?;
        if b.finished {
            fin.insert(id, b.buildstatus.unwrap_or(super::status::FAILED))?;
            pf.insert((b.project.as_str(), id), ())?;
            jf.insert((b.project.as_str(), b.jobset.as_str(), id), ())?;
        }
        for o in b.outputs.values() {
            outs.insert((super::paths::key(o), id), ())?;
        }
        for k in name_keys(&b.job) {
            names.insert(
                (
                    k.as_str(),
                    b.project.as_str(),
                    b.jobset.as_str(),
                    b.job.as_str(),
                ),
                (),
            )?;
        }
        jobs.insert(id, b.job);
    }
    let members = tx.open_table(EVAL_MEMBERS)?;
    let mut ej = tx.open_table(EVAL_JOB_CHUNKS)?;
    let runs = members.iter()?.map(|r| {
        let (k, v) = r?;
        let ((e, first), (last, _)) = (k.value(), v.value());
        Ok((e, first..=last))
    });
    super::per_eval(runs, |e, runs| {
        let mut list: Vec<(&str, u64)> = runs
            .into_iter()
            .flatten()
            .filter_map(|bid| jobs.get(&bid).map(|job| (job.as_str(), bid)))
            .collect();
        evaljobs::insert(&mut ej, e, &mut list)
    })
}

#[cfg(test)]
mod tests {
    use super::super::views::BuildFilter;
    use super::super::{queue::Finish, Db, Eval, Jobset, NewJob, Project};
    use super::*;
    use redb::ReadableTableMetadata;

    fn finish(db: &Db, id: u64, status: i32) {
        db.queue_mark_started(id, 1).unwrap().unwrap();
        db.queue_record_finish(&Finish {
            id,
            status,
            starttime: 1,
            stoptime: 2,
            errormsg: None,
            outputs: Default::default(),
            charge: 0.0,
            cached_from: None,
        })
        .unwrap();
    }

    fn counts(db: &Db) -> Vec<u64> {
        let tx = db.inner.begin_read().unwrap();
        vec![
            tx.open_table(FINISHED).unwrap().len().unwrap(),
            tx.open_table(PROJECT_FINISHED).unwrap().len().unwrap(),
            tx.open_table(JOBSET_FINISHED).unwrap().len().unwrap(),
            evaljobs::check(&tx.open_table(EVAL_JOB_CHUNKS).unwrap())
                .unwrap()
                .1,
            tx.open_table(OUT_INDEX).unwrap().len().unwrap(),
            tx.open_table(JOB_NAMES).unwrap().len().unwrap(),
        ]
    }

    /// A fresh file with project `p` and its jobset `j`.
    fn db_with_jobset(tag: &str) -> (Db, std::path::PathBuf) {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-{tag}-{}", u64::from_le_bytes(b)));
        let db = Db::open(&dir.join("h.redb")).unwrap();
        db.put_project(&Project {
            name: "p".into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .unwrap();
        db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        (db, dir)
    }

    #[test]
    fn outputs_known_only_at_finish_are_found_by_path_and_go_with_the_jobset() {
        let (db, dir) = db_with_jobset("ixo");
        let eval = Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        let early = "/nix/store/0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x".to_string();
        let late = "/nix/store/1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-x".to_string();
        db.record_eval(
            eval,
            vec![NewJob {
                job: "x".into(),
                drvpath: "/nix/store/2ccccccccccccccccccccccccccccccc-x.drv".into(),
                outputs: [("out".to_string(), early.clone())].into(),
                ..Default::default()
            }],
        )
        .unwrap();
        let found = |p: &str| -> Vec<u64> {
            db.builds_with_outputs(&[p.to_string()], 0, 10)
                .unwrap()
                .iter()
                .map(|b| b.id)
                .collect()
        };
        assert_eq!(found(&early), vec![1]);
        db.queue_mark_started(1, 1).unwrap().unwrap();
        db.queue_record_finish(&Finish {
            id: 1,
            status: 0,
            starttime: 1,
            stoptime: 2,
            errormsg: None,
            outputs: [("out".to_string(), late.clone())].into(),
            charge: 0.0,
            cached_from: None,
        })
        .unwrap();
        assert_eq!((found(&early), found(&late)), (vec![], vec![1]));
        assert_eq!(counts(&db)[4], 1);
        db.delete_jobset("p", "j").unwrap().unwrap();
        assert_eq!(counts(&db)[4], 0);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn finished_indexes_follow_finish_restart_delete_and_are_backfilled() {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-ix-{}", u64::from_le_bytes(b)));
        let path = dir.join("h.redb");
        let db = Db::open(&path).unwrap();
        for p in ["p", "q"] {
            db.put_project(&Project {
                name: p.into(),
                enabled: true,
                visible: true,
                ..Default::default()
            })
            .unwrap();
            db.put_jobset(&Jobset::new(p, "j"), &[]).unwrap();
        }
        let job = |n: &str| NewJob {
            job: n.into(),
            drvpath: format!("/s/{n}.drv"),
            outputs: [("out".to_string(), format!("/s/{n}"))].into(),
            ..Default::default()
        };
        let ev = |p: &str| Eval {
            project: p.into(),
            jobset: "j".into(),
            ..Default::default()
        };
        db.record_eval(ev("p"), vec![job("a"), job("b"), job("c")])
            .unwrap();
        db.record_eval(ev("q"), vec![job("a")]).unwrap();
        finish(&db, 1, 0);
        finish(&db, 3, 1);
        finish(&db, 4, 0);
        let f = |p: &str, j: &str| BuildFilter {
            project: p.into(),
            jobset: j.into(),
            finished_only: true,
            ..Default::default()
        };
        let ids = |f: &BuildFilter| -> Vec<u64> {
            db.newest_builds(f, 10)
                .unwrap()
                .iter()
                .map(|b| b.id)
                .collect()
        };
        assert_eq!(ids(&f("p", "")), vec![3, 1]);
        assert_eq!(ids(&f("p", "j")), vec![3, 1]);
        assert_eq!(ids(&f("", "")), vec![4, 3, 1]);
        assert_eq!(ids(&f("q", "j")), vec![4]);
        assert_eq!(db.restart_builds(&[3]).unwrap(), 1);
        assert_eq!(ids(&f("p", "")), vec![1]);
        db.cancel_builds(&[2]).unwrap();
        assert_eq!(ids(&f("p", "j")), vec![2, 1]);
        assert_eq!(counts(&db), vec![3, 3, 3, 4, 4, 4]);
        // An older file without the indexes gets them at the next open.
        {
            let tx = db.inner.begin_write().unwrap();
            tx.open_table(META).unwrap().remove(VERSION_KEY).unwrap();
            tx.open_table(FINISHED)
                .unwrap()
                .retain(|_, _| false)
                .unwrap();
            tx.open_table(EVAL_JOB_CHUNKS)
                .unwrap()
                .retain(|_, _| false)
                .unwrap();
            tx.commit().unwrap();
        }
        drop(db);
        let db = Db::open(&path).unwrap();
        assert_eq!(counts(&db), vec![3, 3, 3, 4, 4, 4]);
        db.delete_jobset("p", "j").unwrap().unwrap();
        assert_eq!(counts(&db), vec![1, 1, 1, 1, 1, 1]);
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn job_names_are_indexed_once_per_job_and_new_jobs_of_later_evals_are_found() {
        let (db, dir) = db_with_jobset("ixn");
        let job = |n: &str, rev: u32| NewJob {
            job: n.into(),
            drvpath: format!("/s/{n}-{rev}.drv"),
            outputs: [("out".to_string(), format!("/s/{n}-{rev}"))].into(),
            ..Default::default()
        };
        let ev = || Eval {
            project: "p".into(),
            jobset: "j".into(),
            ..Default::default()
        };
        let names = || -> Vec<(String, String)> {
            let tx = db.inner.begin_read().unwrap();
            let t = tx.open_table(JOB_NAMES).unwrap();
            t.iter()
                .unwrap()
                .map(|r| {
                    let k = r.unwrap().0;
                    let (key, _, _, job) = k.value();
                    (key.to_string(), job.to_string())
                })
                .collect()
        };
        let found = |q: &str| -> Vec<(String, u64)> {
            let hits = db.search(q, "/nix/store", 10).unwrap();
            hits.jobs.iter().map(|b| (b.job.clone(), b.id)).collect()
        };
        db.record_eval(ev(), vec![job("pkgs.A", 1), job("b", 1)])
            .unwrap();
        // New builds of both jobs, and a job that is new in this eval.
        db.record_eval(ev(), vec![job("pkgs.A", 2), job("b", 2), job("c.d", 2)])
            .unwrap();
        let pair = |k: &str, j: &str| (k.to_string(), j.to_string());
        assert_eq!(
            names(),
            vec![
                pair("a", "pkgs.A"),
                pair("b", "b"),
                pair("c.d", "c.d"),
                pair("d", "c.d"),
                pair("pkgs.a", "pkgs.A"),
            ]
        );
        // The newest build of each job is the one found.
        assert_eq!(found("a"), vec![("pkgs.A".to_string(), 3)]);
        assert_eq!(found("d"), vec![("c.d".to_string(), 5)]);
        db.delete_jobset("p", "j").unwrap().unwrap();
        assert!(names().is_empty());
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
