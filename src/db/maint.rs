//! Keeping the one file healthy: recognising a damaged database when it is opened (redb
//! answers some damage with a panic, which is caught here and never reaches the user as a
//! backtrace), `hydrant db check` (redb's integrity check, then every record of every table
//! decoded through its type) and `hydrant db backup` (a consistent copy made table by table in
//! one read transaction, so it works while the server writes).

use super::cache::{CacheErrorRecord, PathTask, TargetStats};
use super::queue::Charge;
use super::*;
use redb::{ReadTransaction, TableError, WriteTransaction};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Once;

thread_local! {
    /// Set while `quietly` runs: the panic hook stays silent on this thread.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(message)` without the panic hook printing a backtrace
/// (the caller reports the damage in one line). Other threads' panics print as usual.
pub(super) fn quietly<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into())
    })
}

pub(super) fn damaged(path: &Path, reason: impl Into<String>) -> DbError {
    DbError::Damaged {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

/// What opening a file found before redb is asked: only a missing file may become a new
/// database. An empty file (a crash before the first write, a bad copy) is damage, not a
/// fresh start with every project gone.
pub(super) fn precheck(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(damaged(path, "it is not a regular file")),
        Ok(m) if m.len() == 0 => Err(damaged(path, "the file is empty")),
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(DbError::Storage(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Maps redb's open errors: a lock is `Locked`, unreadable content is `Damaged`.
pub(super) fn open_error(path: &Path, e: redb::DatabaseError) -> DbError {
    use redb::{DatabaseError as D, StorageError as S};
    match e {
        D::DatabaseAlreadyOpen => DbError::Locked(path.display().to_string()),
        D::Storage(S::Io(io)) if io.kind() == std::io::ErrorKind::WouldBlock => {
            DbError::Locked(path.display().to_string())
        }
        D::Storage(S::Corrupted(m)) => damaged(path, m),
        D::Storage(S::Io(io))
            if matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            damaged(path, format!("not a readable redb file: {io}"))
        }
        D::UpgradeRequired(v) => damaged(
            path,
            format!("redb file format {v}, which this hydrant cannot read"),
        ),
        e => DbError::Storage(format!("cannot open {}: {e}", path.display())),
    }
}

/// Every table of the schema, for backups: `$m!(TABLE)` for each.
macro_rules! each_table {
    ($m:ident) => {
        $m!(META);
        $m!(PROJECTS);
        $m!(JOBSETS);
        $m!(JOBSET_INPUTS);
        $m!(EVALS);
        $m!(JOBSET_EVALS);
        $m!(EVAL_MEMBERS);
        $m!(BUILDS);
        $m!(DRV_INDEX);
        $m!(super::queued::QUEUE_RUNS);
        $m!(super::queued::QUEUE_LEN);
        $m!(JOB_BUILDS);
        $m!(super::reuse::REUSE_PRINTS);
        $m!(BUILD_STEPS);
        $m!(CACHE_PENDING);
        $m!(USERS);
        $m!(SESSIONS);
        $m!(TOKENS);
        $m!(queue::QUEUE_RUNNING);
        $m!(queue::QUEUE_EVENTS);
        $m!(queue::QUEUE_CHARGES);
        $m!(queue::JOB_LAST_SUCCESS);
        $m!(cache::CACHE_TASKS);
        $m!(cache::CACHE_BUILD_WAIT);
        $m!(cache::CACHE_UPLOADED);
        $m!(cache::CACHE_GC_GEN);
        $m!(cache::CACHE_ERRORS);
        $m!(cache::CACHE_STATS);
        $m!(index::FINISHED);
        $m!(index::PROJECT_FINISHED);
        $m!(index::JOBSET_FINISHED);
        $m!(super::evaljobs::EVAL_JOB_CHUNKS);
        $m!(index::OUT_INDEX);
        $m!(index::JOB_NAMES);
        $m!(api::BUILD_PRODUCTS);
        $m!(api::AGGREGATE_CONSTITUENTS);
        $m!(super::steps::MACHINES_DISABLED);
    };
}

/// What `db check` found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    pub schema: u64,
    pub tables: usize,
    pub records: u64,
    /// redb's integrity check had to repair the file (it passed afterwards).
    pub repaired: bool,
}

/// What `db backup` wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackupReport {
    pub path: PathBuf,
    pub tables: usize,
    pub records: u64,
    pub bytes: u64,
}

/// Visits every row of a table (absent tables count as empty), reporting each through `f`;
/// the first `Err` stops the walk.
fn each_row<K: redb::Key + 'static, V: redb::Value + 'static>(
    tx: &ReadTransaction,
    def: TableDefinition<K, V>,
    mut f: impl FnMut(redb::AccessGuard<K>, redb::AccessGuard<V>) -> Result<()>,
) -> Result<Option<u64>> {
    let t = match tx.open_table(def) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut n = 0;
    for r in t.iter()? {
        let (k, v) = r?;
        f(k, v)?;
        n += 1;
    }
    Ok(Some(n))
}

fn copy_table<K: redb::Key + 'static, V: redb::Value + 'static>(
    src: &ReadTransaction,
    dst: &WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<Option<u64>> {
    let mut out = dst.open_table(def)?;
    each_row(src, def, |k, v| {
        out.insert(k.value(), v.value())?;
        Ok(())
    })
}

/// Decodes every JSON record of a table as `T`.
fn check_json<K: redb::Key + 'static, T: DeserializeOwned>(
    tx: &ReadTransaction,
    def: TableDefinition<K, &'static [u8]>,
    what: &str,
) -> Result<Option<u64>> {
    each_row(tx, def, |k, v| {
        decode::<T>(&format!("{what} {:?}", k.value()), v.value()).map(|_| ())
    })
}

/// Runs a table's own check (None: the table does not exist).
fn checked<K: redb::Key + 'static, V: redb::Value + 'static>(
    tx: &ReadTransaction,
    def: TableDefinition<K, V>,
    check: impl FnOnce(&redb::ReadOnlyTable<K, V>) -> Result<u64>,
) -> Result<Option<u64>> {
    match tx.open_table(def) {
        Ok(t) => check(&t).map(Some),
        Err(TableError::TableDoesNotExist(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Iterates a table of plain keys and values (redb decodes them on the way).
fn check_plain<K: redb::Key + 'static, V: redb::Value + 'static>(
    tx: &ReadTransaction,
    def: TableDefinition<K, V>,
) -> Result<Option<u64>> {
    each_row(tx, def, |_, _| Ok(()))
}

impl Db {
    /// `hydrant db check`: opens the file without changing its schema, runs redb's integrity
    /// check and decodes every record of every table through its type. The first problem is
    /// the error (`Damaged`, naming the table and key); the file must not be in use.
    pub fn check(path: &Path) -> Result<CheckReport> {
        if !precheck(path)? {
            return Err(DbError::NotFound(format!(
                "the database {}",
                path.display()
            )));
        }
        let mut db = match quietly(|| Database::open(path)) {
            Ok(r) => r.map_err(|e| open_error(path, e))?,
            Err(panic) => return Err(damaged(path, format!("redb: {panic}"))),
        };
        let repaired = match quietly(|| db.check_integrity()) {
            Ok(Ok(ok)) => !ok,
            Ok(Err(e)) => return Err(open_error(path, e)),
            Err(panic) => return Err(damaged(path, format!("redb: {panic}"))),
        };
        let db = Db { inner: db };
        let report =
            quietly(|| db.check_records()).map_err(|p| damaged(path, format!("redb: {p}")))?;
        report
            .map_err(|e| match e {
                DbError::Corrupt(m) | DbError::Storage(m) => damaged(path, m),
                e => e,
            })
            .map(|mut r| {
                r.repaired = repaired;
                r
            })
    }

    fn check_records(&self) -> Result<CheckReport> {
        let tx = self.inner.begin_read()?;
        let schema = {
            let meta = tx.open_table(META)?;
            let v = meta.get("schema_version")?.map(|v| v.value());
            v.unwrap_or(0)
        };
        if schema > SCHEMA_VERSION {
            return Err(DbError::TooNew {
                found: schema,
                supported: SCHEMA_VERSION,
            });
        }
        let mut report = CheckReport {
            schema,
            ..Default::default()
        };
        let mut add = |n: Option<u64>| {
            if let Some(n) = n {
                report.tables += 1;
                report.records += n;
            }
        };
        add(check_plain(&tx, META)?);
        add(check_json::<_, Project>(&tx, PROJECTS, "project")?);
        add(check_json::<_, Jobset>(&tx, JOBSETS, "jobset")?);
        add(check_json::<_, JobsetInput>(
            &tx,
            JOBSET_INPUTS,
            "jobset input",
        )?);
        add(check_json::<_, Eval>(&tx, EVALS, "eval")?);
        add(check_plain(&tx, JOBSET_EVALS)?);
        add(checked(&tx, EVAL_MEMBERS, super::members::check)?);
        // An older file's member rows (runs from schema 3 on).
        add(check_plain(&tx, super::migrate::V2_EVAL_MEMBERS)?);
        // Schema 1 builds are rewritten by the migration at the next start; their shape differs.
        if schema >= 2 {
            add(check_json::<_, Build>(&tx, BUILDS, "build")?);
        } else {
            add(check_plain(&tx, BUILDS)?);
        }
        add(check_plain(&tx, DRV_INDEX)?);
        // An older file's path rows (fixed-width keys from schema 6 on).
        add(check_plain(&tx, super::migrate::V5_DRV_BUILDS)?);
        add(check_plain(&tx, super::migrate::V5_OUT_BUILDS)?);
        add(super::queued::check(&tx)?);
        // An older file's queue rows (runs from schema 4 on).
        add(check_plain(&tx, super::migrate::V3_QUEUE)?);
        // An older file's latest-build rows (derived from the job lists from schema 5 on).
        add(check_plain(&tx, super::migrate::V4_JOB_LATEST)?);
        add(check_plain(&tx, JOB_BUILDS)?);
        add(checked(&tx, super::reuse::REUSE_PRINTS, |t| {
            super::reuse::check(t, &tx.open_table(JOBSET_EVALS)?)
        })?);
        add(check_json::<_, BuildStep>(&tx, BUILD_STEPS, "build step")?);
        add(check_plain(&tx, CACHE_PENDING)?);
        add(check_json::<_, User>(&tx, USERS, "user")?);
        add(check_json::<_, Session>(&tx, SESSIONS, "session")?);
        add(check_json::<_, ApiToken>(&tx, TOKENS, "token")?);
        add(check_plain(&tx, queue::QUEUE_RUNNING)?);
        add(check_plain(&tx, queue::QUEUE_EVENTS)?);
        add(check_json::<_, Charge>(
            &tx,
            queue::QUEUE_CHARGES,
            "charge",
        )?);
        add(check_plain(&tx, queue::JOB_LAST_SUCCESS)?);
        add(check_json::<_, api::Products>(
            &tx,
            api::BUILD_PRODUCTS,
            "build products",
        )?);
        add(check_plain(&tx, api::AGGREGATE_CONSTITUENTS)?);
        for n in [
            check_plain(&tx, index::FINISHED)?,
            check_plain(&tx, index::PROJECT_FINISHED)?,
            check_plain(&tx, index::JOBSET_FINISHED)?,
            checked(&tx, super::evaljobs::EVAL_JOB_CHUNKS, |t| {
                Ok(super::evaljobs::check(t)?.0)
            })?,
            // An older file's job rows (chunks from schema 4 on).
            check_plain(&tx, super::migrate::V3_EVAL_JOBS)?,
            check_plain(&tx, index::OUT_INDEX)?,
            check_plain(&tx, index::JOB_NAMES)?,
        ] {
            add(n);
        }
        add(check_json::<_, PathTask>(
            &tx,
            cache::CACHE_TASKS,
            "cache task",
        )?);
        add(check_plain(&tx, cache::CACHE_BUILD_WAIT)?);
        add(check_plain(&tx, cache::CACHE_UPLOADED)?);
        add(check_plain(&tx, cache::CACHE_GC_GEN)?);
        add(check_json::<_, CacheErrorRecord>(
            &tx,
            cache::CACHE_ERRORS,
            "cache error",
        )?);
        add(check_json::<_, TargetStats>(
            &tx,
            cache::CACHE_STATS,
            "cache stats",
        )?);
        Ok(report)
    }

    /// Writes a consistent copy of the whole database to `dest` (which must not exist): one
    /// read transaction of this database, table by table into a new file, renamed into place
    /// when complete. Writers go on meanwhile; the copy is the state when it began.
    pub fn backup(&self, dest: &Path) -> Result<BackupReport> {
        if dest.exists() {
            return Err(DbError::Conflict(format!(
                "{} exists already; back up to a new file",
                dest.display()
            )));
        }
        let partial = {
            let mut name = dest.file_name().unwrap_or_default().to_os_string();
            name.push(".partial");
            dest.with_file_name(name)
        };
        let _ = std::fs::remove_file(&partial);
        let out = Database::create(&partial)
            .map_err(|e| DbError::Storage(format!("cannot create {}: {e}", partial.display())))?;
        let src = self.inner.begin_read()?;
        let dst = out.begin_write()?;
        let mut report = BackupReport {
            path: dest.to_path_buf(),
            ..Default::default()
        };
        let copied: Result<()> = (|| {
            macro_rules! copy {
                ($t:expr) => {
                    if let Some(n) = copy_table(&src, &dst, $t)? {
                        report.tables += 1;
                        report.records += n;
                    }
                };
            }
            each_table!(copy);
            Ok(())
        })();
        if let Err(e) = copied {
            drop(dst);
            drop(out);
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        dst.commit()?;
        drop(out);
        std::fs::rename(&partial, dest).map_err(|e| {
            DbError::Storage(format!(
                "cannot rename {} into place: {e}",
                partial.display()
            ))
        })?;
        report.bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(tag: &str) -> PathBuf {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let d = std::env::temp_dir().join(format!("hydrant-maint-{tag}-{}", u64::from_le_bytes(b)));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn empty_truncated_and_garbage_files_are_damaged_and_left_alone() {
        let dir = tmp("damage");
        let good = dir.join("good.redb");
        {
            let db = Db::open(&good).unwrap();
            db.put_project(&Project {
                name: "p".into(),
                ..Default::default()
            })
            .unwrap();
        }
        let full = std::fs::read(&good).unwrap();
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("short", full[..100].to_vec()),
            ("truncated", full[..full.len() / 3].to_vec()),
            (
                "garbage",
                (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect(),
            ),
        ];
        for (tag, bytes) in cases {
            let p = dir.join(format!("{tag}.redb"));
            std::fs::write(&p, &bytes).unwrap();
            for e in [Db::open(&p).err().unwrap(), Db::check(&p).err().unwrap()] {
                let m = e.to_string();
                assert!(matches!(e, DbError::Damaged { .. }), "{tag}: {m}");
                assert!(
                    m.contains("is damaged") && m.contains("restore it from a backup"),
                    "{m}"
                );
                assert!(!m.contains('\n'), "one line: {m}");
            }
            assert_eq!(
                std::fs::read(&p).unwrap(),
                bytes,
                "{tag}: the file was changed"
            );
        }
        let r = Db::check(&good).unwrap();
        assert_eq!((r.schema, r.repaired), (SCHEMA_VERSION, false));
        assert!(r.tables >= 20 && r.records >= 2, "{r:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn check_names_the_first_bad_record() {
        let dir = tmp("badrecord");
        let p = dir.join("h.redb");
        {
            let db = Db::open(&p).unwrap();
            let tx = db.inner.begin_write().unwrap();
            tx.open_table(BUILDS)
                .unwrap()
                .insert(7u64, b"{not json".as_slice())
                .unwrap();
            tx.commit().unwrap();
        }
        let e = Db::check(&p).unwrap_err().to_string();
        assert!(e.contains("build 7") && e.contains("is damaged"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn backup_is_a_complete_copy_that_opens() {
        let dir = tmp("backup");
        let db = Db::open(&dir.join("h.redb")).unwrap();
        db.put_project(&Project {
            name: "p".into(),
            displayname: "P".into(),
            ..Default::default()
        })
        .unwrap();
        let mut js = Jobset::new("p", "j");
        js.description = "d".into();
        db.put_jobset(&js, &[]).unwrap();
        let dest = dir.join("copy.redb");
        let r = db.backup(&dest).unwrap();
        assert!(r.records >= 3 && r.bytes > 0, "{r:?}");
        assert!(matches!(db.backup(&dest), Err(DbError::Conflict(_))));
        drop(db);
        let copy = Db::open(&dest).unwrap();
        assert_eq!(copy.project("p").unwrap().unwrap().displayname, "P");
        assert_eq!(copy.jobset("p", "j").unwrap().unwrap().description, "d");
        drop(copy);
        Db::check(&dest).unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }
}
