//! The queue index (queued builds, running ones included) as runs of consecutive build ids.
//! An eval's new builds get consecutive ids and are all queued, so a 50,000-job eval adds one
//! run instead of 50,000 rows; a build that finishes splits its run. The number of queued
//! builds is kept beside the runs, so counting does not walk them.

use super::{DbError, Result};
use redb::{ReadTransaction, ReadableTable, Table, TableDefinition, TableError, WriteTransaction};

/// first build id → last build id: builds first..=last are queued. Runs never overlap.
pub const QUEUE_RUNS: TableDefinition<u64, u64> = TableDefinition::new("queue_runs");
/// 0 → how many builds the runs hold.
pub const QUEUE_LEN: TableDefinition<u8, u64> = TableDefinition::new("queue_len");

/// The run holding `id`, as (first, last).
fn run_of(t: &impl ReadableTable<u64, u64>, id: u64) -> Result<Option<(u64, u64)>> {
    Ok(match t.range(..=id)?.next_back() {
        Some(r) => {
            let (k, v) = r?;
            let (first, last) = (k.value(), v.value());
            (last >= id).then_some((first, last))
        }
        None => None,
    })
}

/// Whether build `id` is queued.
pub(super) fn contains(t: &impl ReadableTable<u64, u64>, id: u64) -> Result<bool> {
    Ok(run_of(t, id)?.is_some())
}

/// Calls `f` with each queued build id from `from` (inclusive) in id order until it returns
/// false.
pub(super) fn each_from(
    t: &impl ReadableTable<u64, u64>,
    from: u64,
    mut f: impl FnMut(u64) -> Result<bool>,
) -> Result<()> {
    let mut next = from;
    if let Some((_, last)) = run_of(t, from)? {
        for id in from..=last {
            if !f(id)? {
                return Ok(());
            }
        }
        match last.checked_add(1) {
            Some(n) => next = n,
            None => return Ok(()),
        }
    }
    for r in t.range(next..)? {
        let (k, v) = r?;
        for id in k.value()..=v.value() {
            if !f(id)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// How many builds are queued.
pub(super) fn len(tx: &ReadTransaction) -> Result<u64> {
    match tx.open_table(QUEUE_LEN) {
        Ok(t) => Ok(t.get(0)?.map(|v| v.value()).unwrap_or(0)),
        Err(TableError::TableDoesNotExist(_)) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// The queue index, open for writing in one transaction.
pub(super) struct Queued<'t> {
    runs: Table<'t, u64, u64>,
    len: Table<'t, u8, u64>,
}

impl<'t> Queued<'t> {
    pub(super) fn open(tx: &'t WriteTransaction) -> Result<Queued<'t>> {
        Ok(Queued {
            runs: tx.open_table(QUEUE_RUNS)?,
            len: tx.open_table(QUEUE_LEN)?,
        })
    }

    pub(super) fn contains(&self, id: u64) -> Result<bool> {
        contains(&self.runs, id)
    }

    /// Calls `f` with each queued build id in order until it returns false.
    pub(super) fn each(&self, f: impl FnMut(u64) -> Result<bool>) -> Result<()> {
        each_from(&self.runs, 0, f)
    }

    fn add_len(&mut self, by: u64, up: bool) -> Result<()> {
        let cur = self.len.get(0)?.map(|v| v.value()).unwrap_or(0);
        let new = if up {
            cur.saturating_add(by)
        } else {
            cur.saturating_sub(by)
        };
        self.len.insert(0, new)?;
        Ok(())
    }

    /// Queues builds first..=last, none of which is queued yet; the run joins its neighbours.
    fn insert_run(&mut self, first: u64, last: u64) -> Result<()> {
        let left = match first.checked_sub(1) {
            Some(before) => run_of(&self.runs, before)?,
            None => None,
        };
        let right = match last.checked_add(1) {
            Some(after) => self.runs.get(after)?.map(|v| (after, v.value())),
            None => None,
        };
        let start = left.map_or(first, |(f, _)| f);
        let end = right.map_or(last, |(_, l)| l);
        if let Some((f, _)) = right {
            self.runs.remove(f)?;
        }
        self.runs.insert(start, end)?;
        self.add_len(last.saturating_sub(first).saturating_add(1), true)
    }

    /// Queues build `id`; false when it was queued already.
    pub(super) fn insert(&mut self, id: u64) -> Result<bool> {
        if self.contains(id)? {
            return Ok(false);
        }
        self.insert_run(id, id)?;
        Ok(true)
    }

    /// Queues new builds: ids that were never queued, in any order (an eval's new builds,
    /// which are consecutive and so one run).
    pub(super) fn insert_new(&mut self, mut ids: Vec<u64>) -> Result<()> {
        ids.sort_unstable();
        ids.dedup();
        let mut i = 0;
        while i < ids.len() {
            let first = ids[i];
            let mut last = first;
            while i + 1 < ids.len() && last.checked_add(1) == Some(ids[i + 1]) {
                i += 1;
                last = ids[i];
            }
            // The last run starting at or before `last` is the only one that can overlap.
            let overlaps = match self.runs.range(..=last)?.next_back() {
                Some(r) => r?.1.value() >= first,
                None => false,
            };
            if overlaps {
                // Not new after all: one at a time keeps the runs exact.
                for id in first..=last {
                    self.insert(id)?;
                }
            } else {
                self.insert_run(first, last)?;
            }
            i += 1;
        }
        Ok(())
    }

    /// Takes builds off the queue (a jobset's, when it is deleted): each run is rewritten once
    /// and the count once. Returns the ids that were queued, in order.
    pub(super) fn remove_many(&mut self, mut ids: Vec<u64>) -> Result<Vec<u64>> {
        ids.sort_unstable();
        ids.dedup();
        let mut removed = Vec::new();
        let mut i = 0;
        while i < ids.len() {
            let Some((first, last)) = run_of(&self.runs, ids[i])? else {
                i += 1;
                continue;
            };
            let mut j = i;
            while j < ids.len() && ids[j] <= last {
                j += 1;
            }
            self.runs.remove(first)?;
            // What is left of the run: the gaps between the removed ids.
            let mut start = Some(first);
            for &x in &ids[i..j] {
                if let Some(s) = start.filter(|&s| s < x) {
                    self.runs.insert(s, x - 1)?;
                }
                start = x.checked_add(1);
            }
            if let Some(s) = start.filter(|&s| s <= last) {
                self.runs.insert(s, last)?;
            }
            removed.extend_from_slice(&ids[i..j]);
            i = j;
        }
        self.add_len(removed.len() as u64, false)?;
        Ok(removed)
    }

    /// Takes build `id` off the queue; false when it was not queued.
    pub(super) fn remove(&mut self, id: u64) -> Result<bool> {
        let Some((first, last)) = run_of(&self.runs, id)? else {
            return Ok(false);
        };
        self.runs.remove(first)?;
        if first < id {
            self.runs.insert(first, id - 1)?;
        }
        if id < last {
            self.runs.insert(id + 1, last)?;
        }
        self.add_len(1, false)?;
        Ok(true)
    }
}

/// `db check`: every run has first <= last, runs do not overlap, and they hold as many builds
/// as the count says. Returns the run count (None: a file from before the runs).
pub(super) fn check(tx: &ReadTransaction) -> Result<Option<u64>> {
    let t = match tx.open_table(QUEUE_RUNS) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let (mut n, mut held) = (0u64, 0u64);
    let mut prev: Option<u64> = None;
    for r in t.iter()? {
        let (k, v) = r?;
        let (first, last) = (k.value(), v.value());
        let bad = |what: &str| DbError::Corrupt(format!("queue run {first}..={last} {what}"));
        if last < first {
            return Err(bad("ends before it starts"));
        }
        if prev.is_some_and(|p| p >= first) {
            return Err(bad("overlaps the run before it"));
        }
        prev = Some(last);
        held = held.saturating_add(last.saturating_sub(first).saturating_add(1));
        n += 1;
    }
    let counted = len(tx)?;
    if counted != held {
        return Err(DbError::Corrupt(format!(
            "queue: the count says {counted} builds, the runs hold {held}"
        )));
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{rng, scratch_db};
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn runs_follow_any_sequence_of_inserts_and_removes() {
        let db = scratch_db("queued");
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let mut want: BTreeSet<u64> = BTreeSet::new();
        let mut next_new = 1000u64;
        for step in 0..400 {
            let tx = db.begin_write().unwrap();
            {
                let mut q = Queued::open(&tx).unwrap();
                for _ in 0..(1 + rng(&mut seed) % 8) {
                    match rng(&mut seed) % 6 {
                        0 => {
                            let id = rng(&mut seed) % 1100;
                            assert_eq!(q.insert(id).unwrap(), want.insert(id), "step {step}");
                        }
                        1 => {
                            // An eval's new builds, given out of order.
                            let n = rng(&mut seed) % 30;
                            let mut ids: Vec<u64> = (next_new..next_new + n).collect();
                            ids.reverse();
                            next_new += n + rng(&mut seed) % 2;
                            want.extend(&ids);
                            q.insert_new(ids).unwrap();
                        }
                        2 => {
                            // A batch over ids that may be queued already (kept once).
                            let lo = rng(&mut seed) % 1100;
                            let ids: Vec<u64> = (lo..lo + rng(&mut seed) % 20).collect();
                            want.extend(&ids);
                            q.insert_new(ids).unwrap();
                        }
                        3 => {
                            // A jobset delete: many ids, queued or not, in any order.
                            let ids: Vec<u64> = (0..rng(&mut seed) % 40)
                                .map(|_| rng(&mut seed) % 1200)
                                .collect();
                            let mut w: Vec<u64> =
                                ids.iter().copied().filter(|id| want.contains(id)).collect();
                            w.sort_unstable();
                            w.dedup();
                            for id in &w {
                                want.remove(id);
                            }
                            assert_eq!(q.remove_many(ids).unwrap(), w, "step {step}");
                        }
                        _ => {
                            let id = match want.iter().nth(rng(&mut seed) as usize % 50) {
                                Some(&id) if rng(&mut seed) % 3 > 0 => id,
                                _ => rng(&mut seed) % 1100,
                            };
                            assert_eq!(q.remove(id).unwrap(), want.remove(&id), "step {step}");
                        }
                    }
                }
            }
            tx.commit().unwrap();
            let tx = db.begin_read().unwrap();
            assert_eq!(len(&tx).unwrap(), want.len() as u64);
            check(&tx).unwrap();
            let t = tx.open_table(QUEUE_RUNS).unwrap();
            let from = rng(&mut seed) % 1200;
            let mut got = Vec::new();
            each_from(&t, from, |id| {
                got.push(id);
                Ok(got.len() < 40)
            })
            .unwrap();
            let w: Vec<u64> = want.range(from..).take(40).copied().collect();
            assert_eq!(got, w, "step {step} from {from}");
            for id in [from, from + 1, 999, 1000] {
                assert_eq!(contains(&t, id).unwrap(), want.contains(&id));
            }
        }
        // Neighbouring runs joined: no two runs touch.
        let tx = db.begin_read().unwrap();
        let t = tx.open_table(QUEUE_RUNS).unwrap();
        let runs: Vec<(u64, u64)> = t
            .iter()
            .unwrap()
            .map(|r| {
                let (k, v) = r.unwrap();
                (k.value(), v.value())
            })
            .collect();
        assert!(runs.windows(2).all(|w| w[0].1 + 1 < w[1].0), "{runs:?}");
        drop(t);
        drop(tx);
    }

    #[test]
    fn check_finds_a_wrong_count_and_an_overlap() {
        let db = scratch_db("queued2");
        let tx = db.begin_write().unwrap();
        {
            let mut q = Queued::open(&tx).unwrap();
            q.insert_new(vec![1, 2, 3, 7]).unwrap();
        }
        tx.open_table(QUEUE_LEN).unwrap().insert(0, 5).unwrap();
        tx.commit().unwrap();
        let e = check(&db.begin_read().unwrap()).unwrap_err().to_string();
        assert!(e.contains("says 5") && e.contains("hold 4"), "{e}");
        let tx = db.begin_write().unwrap();
        tx.open_table(QUEUE_RUNS).unwrap().insert(2, 2).unwrap();
        tx.open_table(QUEUE_LEN).unwrap().insert(0, 5).unwrap();
        tx.commit().unwrap();
        let e = check(&db.begin_read().unwrap()).unwrap_err().to_string();
        assert!(e.contains("overlaps"), "{e}");
    }
}
