//! Build steps (every derivation built or path substituted while a build is realised) and the
//! machines an admin disabled. Steps are written by the runner's watchers as Nix reports them;
//! a run that dies leaves unfinished steps, which the next start or run marks aborted.

use super::{
    decode, encode, now, queue::QUEUE_RUNNING, status, BuildStep, Db, Result, BUILD_STEPS,
};
use redb::{Durability, ReadableTable, TableDefinition, WriteTransaction};

/// Machines disabled by an admin: URI → time disabled.
pub const MACHINES_DISABLED: TableDefinition<&str, i64> = TableDefinition::new("machines_disabled");

/// Hydra's step types.
pub const STEP_BUILD: i32 = 0;
pub const STEP_SUBSTITUTION: i32 = 1;

pub(super) fn create_tables(tx: &WriteTransaction) -> Result<()> {
    tx.open_table(MACHINES_DISABLED)?;
    Ok(())
}

/// Marks the unfinished steps of one build aborted; returns the next free step number.
fn abort_open_steps(tx: &WriteTransaction, build: u64, stop: i64) -> Result<u32> {
    let mut t = tx.open_table(BUILD_STEPS)?;
    let mut open = Vec::new();
    let mut next = 1;
    for r in t.range((build, 0u32)..=(build, u32::MAX))? {
        let (k, v) = r?;
        let nr = k.value().1;
        next = next.max(nr + 1);
        let s: BuildStep = decode(&format!("build {build} step {nr}"), v.value())?;
        if s.status.is_none() {
            open.push(s);
        }
    }
    for mut s in open {
        s.status = Some(status::ABORTED);
        s.stoptime = Some(stop);
        s.errormsg.get_or_insert_with(|| "hydrant stopped".into());
        t.insert((build, s.nr), encode(&s).as_slice())?;
    }
    Ok(next)
}

impl Db {
    /// The steps of a build, by step number.
    pub fn build_steps(&self, build: u64) -> Result<Vec<BuildStep>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(BUILD_STEPS)?;
        let mut out = Vec::new();
        for r in t.range((build, 0u32)..=(build, u32::MAX))? {
            let (k, v) = r?;
            out.push(decode(
                &format!("build {build} step {}", k.value().1),
                v.value(),
            )?);
        }
        Ok(out)
    }

    /// One step of a build.
    pub fn build_step(&self, build: u64, nr: u32) -> Result<Option<BuildStep>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(BUILD_STEPS)?;
        match t.get((build, nr))? {
            Some(v) => Ok(Some(decode(
                &format!("build {build} step {nr}"),
                v.value(),
            )?)),
            None => Ok(None),
        }
    }

    /// A run of the build begins: steps a dead run left open are aborted, and the number the
    /// new run's first step gets is returned (steps of earlier runs are kept, as in Hydra).
    pub fn steps_begin_run(&self, build: u64) -> Result<u32> {
        let tx = self.inner.begin_write()?;
        let next = abort_open_steps(&tx, build, now())?;
        tx.commit()?;
        Ok(next)
    }

    /// Start of the runner: the steps of builds that were running when hydrant died are
    /// aborted (their builds are queued again by `queue_recover`).
    pub fn steps_abort_running(&self) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let ids: Vec<u64> = tx
                .open_table(QUEUE_RUNNING)?
                .iter()?
                .map(|r| r.map(|(k, _)| k.value()))
                .collect::<std::result::Result<_, _>>()?;
            let t = now();
            for id in ids {
                abort_open_steps(&tx, id, t)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes (inserts or updates) a step. Eventual durability: the build's finish, which
    /// follows its steps, is a durable commit and makes them durable with it; a crash before
    /// it loses at most a step the next run supersedes. A step of a deleted build is dropped.
    pub fn put_build_step(&self, s: &BuildStep) -> Result<()> {
        let mut tx = self.inner.begin_write()?;
        tx.set_durability(Durability::Eventual);
        {
            if tx.open_table(super::BUILDS)?.get(s.build)?.is_none() {
                return Ok(());
            }
            tx.open_table(BUILD_STEPS)?
                .insert((s.build, s.nr), encode(s).as_slice())?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Machines an admin disabled.
    pub fn machines_disabled(&self) -> Result<Vec<String>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(MACHINES_DISABLED)?;
        let mut out = Vec::new();
        for r in t.iter()? {
            out.push(r?.0.value().to_string());
        }
        Ok(out)
    }

    pub fn set_machine_disabled(&self, uri: &str, disabled: bool) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut t = tx.open_table(MACHINES_DISABLED)?;
            if disabled {
                t.insert(uri, now())?;
            } else {
                t.remove(uri)?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
