//! Eval membership as runs of consecutive build ids. An eval's members are written once, by
//! `record_eval`, and removed only with their jobset; the builds an eval creates get consecutive
//! ids and the ones it reuses mostly came the same way, so a 50,000-job eval is a handful of runs
//! instead of 50,000 rows. Readers get the members back in build id order.

use super::Result;
use redb::{ReadableTable, Table, TableDefinition};

/// (eval id, first build id) → (last build id, is_new): builds first..=last belong to the eval,
/// created by it when is_new. Runs of one eval never overlap.
pub const EVAL_MEMBERS: TableDefinition<(u64, u64), (u64, bool)> =
    TableDefinition::new("eval_member_runs");

/// Writes an eval's members (build id, is_new), in any order, as runs. An id given twice is
/// kept once (`record_eval` never gives one twice).
pub(super) fn insert(
    t: &mut Table<(u64, u64), (u64, bool)>,
    eval: u64,
    mut members: Vec<(u64, bool)>,
) -> Result<()> {
    members.sort_unstable();
    members.dedup_by_key(|m| m.0);
    for (first, last, new) in runs(&members) {
        t.insert((eval, first), (last, new))?;
    }
    Ok(())
}

/// Sorted, distinct members as (first, last, is_new) runs.
fn runs(members: &[(u64, bool)]) -> Vec<(u64, u64, bool)> {
    let mut out: Vec<(u64, u64, bool)> = Vec::new();
    for &(id, new) in members {
        match out.last_mut() {
            Some((_, last, n)) if *n == new && last.checked_add(1) == Some(id) => *last = id,
            _ => out.push((id, id, new)),
        }
    }
    out
}

/// Calls `f` with each member of `eval` (build id, is_new) in id order until it returns false.
pub(super) fn each(
    t: &impl ReadableTable<(u64, u64), (u64, bool)>,
    eval: u64,
    mut f: impl FnMut(u64, bool) -> Result<bool>,
) -> Result<()> {
    for r in t.range((eval, 0u64)..=(eval, u64::MAX))? {
        let (k, v) = r?;
        let ((_, first), (last, new)) = (k.value(), v.value());
        for id in first..=last {
            if !f(id, new)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The members of `eval` (build id, is_new) in id order (what the tests compare).
#[cfg(test)]
fn list(t: &impl ReadableTable<(u64, u64), (u64, bool)>, eval: u64) -> Result<Vec<(u64, bool)>> {
    let mut out = Vec::new();
    each(t, eval, |id, new| {
        out.push((id, new));
        Ok(true)
    })?;
    Ok(out)
}

/// The build ids of `eval`, in order.
pub(super) fn ids(t: &impl ReadableTable<(u64, u64), (u64, bool)>, eval: u64) -> Result<Vec<u64>> {
    let mut out = Vec::new();
    each(t, eval, |id, _| {
        out.push(id);
        Ok(true)
    })?;
    Ok(out)
}

/// At most `limit` members of `eval` from its `offset`-th: whole runs are skipped unread.
pub(super) fn page(
    t: &impl ReadableTable<(u64, u64), (u64, bool)>,
    eval: u64,
    offset: usize,
    limit: usize,
) -> Result<Vec<(u64, bool)>> {
    let mut out = Vec::new();
    let mut skip = offset as u64;
    for r in t.range((eval, 0u64)..=(eval, u64::MAX))? {
        if out.len() >= limit {
            break;
        }
        let (k, v) = r?;
        let ((_, first), (last, new)) = (k.value(), v.value());
        let len = last.saturating_sub(first).saturating_add(1);
        if skip >= len {
            skip -= len;
            continue;
        }
        let from = first + skip;
        skip = 0;
        let room = limit - out.len();
        out.extend((from..=last).take(room).map(|id| (id, new)));
    }
    Ok(out)
}

/// Whether build `id` belongs to `eval`: Some(is_new), or None.
pub(super) fn get(
    t: &impl ReadableTable<(u64, u64), (u64, bool)>,
    eval: u64,
    id: u64,
) -> Result<Option<bool>> {
    let run = t
        .range((eval, 0u64)..=(eval, id))?
        .next_back()
        .transpose()?;
    Ok(run.and_then(|(_, v)| {
        let (last, new) = v.value();
        (id <= last).then_some(new)
    }))
}

/// Removes every member of `eval`. Keys are collected, then removed one by one: redb's
/// `retain_in` copies pages while it iterates, which made big deletes several times slower.
pub(super) fn remove(t: &mut Table<(u64, u64), (u64, bool)>, eval: u64) -> Result<()> {
    let mut keys = Vec::new();
    for r in t.range((eval, 0u64)..=(eval, u64::MAX))? {
        keys.push(r?.0.value());
    }
    for k in keys {
        t.remove(k)?;
    }
    Ok(())
}

/// `db check`: every run has first <= last, and the runs of an eval do not overlap. Returns
/// the run count.
pub(super) fn check(t: &impl ReadableTable<(u64, u64), (u64, bool)>) -> Result<u64> {
    let mut n = 0;
    let mut prev: Option<(u64, u64)> = None;
    for r in t.iter()? {
        let (k, v) = r?;
        let ((eval, first), (last, _)) = (k.value(), v.value());
        let bad = |what: &str| {
            super::DbError::Corrupt(format!("eval {eval}: member run {first}..={last} {what}"))
        };
        if last < first {
            return Err(bad("ends before it starts"));
        }
        if matches!(prev, Some((e, l)) if e == eval && l >= first) {
            return Err(bad("overlaps the run before it"));
        }
        prev = Some((eval, last));
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{rng, scratch_db};
    use super::*;
    use redb::ReadableTableMetadata;

    #[test]
    fn runs_round_trip_any_member_set_and_answer_pages_and_lookups() {
        let db = scratch_db("runs-prop");
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for case in 0..200u64 {
            // Ids clustered in a small range, so runs of both kinds form and break.
            let n = (rng(&mut seed) % 60) as usize;
            let span = 1 + rng(&mut seed) % 120;
            let mut want: std::collections::BTreeMap<u64, bool> = Default::default();
            let mut given = Vec::new();
            for _ in 0..n {
                let id = 1 + rng(&mut seed) % span;
                let new = rng(&mut seed) % 4 != 0;
                // A member given twice keeps its first is_new, as the sorted dedup does for
                // equal pairs; give duplicates the same flag.
                let new = *want.entry(id).or_insert(new);
                given.push((id, new));
            }
            given.reverse();
            let tx = db.begin_write().unwrap();
            {
                let mut t = tx.open_table(EVAL_MEMBERS).unwrap();
                // Neighbouring evals share the table and must not leak into this one.
                insert(&mut t, case, given).unwrap();
                insert(&mut t, case + 1, vec![(1, true), (u64::MAX, false)]).unwrap();
                insert(
                    &mut t,
                    case + 2,
                    vec![(u64::MAX - 1, true), (u64::MAX, true)],
                )
                .unwrap();
            }
            tx.commit().unwrap();
            let want: Vec<(u64, bool)> = want.into_iter().collect();
            let tx = db.begin_read().unwrap();
            let t = tx.open_table(EVAL_MEMBERS).unwrap();
            assert_eq!(list(&t, case).unwrap(), want, "case {case}");
            let runs_n = t.range((case, 0)..=(case, u64::MAX)).unwrap().count();
            assert_eq!(runs_n, runs(&want).len());
            for id in 0..=span + 1 {
                let w = want.iter().find(|m| m.0 == id).map(|m| m.1);
                assert_eq!(get(&t, case, id).unwrap(), w, "case {case} id {id}");
            }
            for (off, lim) in [(0, 7), (3, 5), (want.len(), 3), (want.len() / 2, 1000)] {
                let w: Vec<_> = want.iter().copied().skip(off).take(lim).collect();
                assert_eq!(
                    page(&t, case, off, lim).unwrap(),
                    w,
                    "case {case} {off}+{lim}"
                );
            }
            // A run ending at the largest id pages without overflowing.
            let top = vec![(u64::MAX - 1, true), (u64::MAX, true)];
            assert_eq!(page(&t, case + 2, 0, 10).unwrap(), top);
            assert_eq!(page(&t, case + 2, 1, 10).unwrap(), top[1..]);
            assert_eq!(
                list(&t, case + 1).unwrap(),
                vec![(1, true), (u64::MAX, false)]
            );
            drop(t);
            drop(tx);
            let tx = db.begin_write().unwrap();
            {
                let mut t = tx.open_table(EVAL_MEMBERS).unwrap();
                remove(&mut t, case).unwrap();
                remove(&mut t, case + 1).unwrap();
                remove(&mut t, case + 2).unwrap();
                assert_eq!(t.len().unwrap(), 0);
            }
            tx.commit().unwrap();
        }
    }

    #[test]
    fn check_finds_a_backwards_run_and_an_overlap() {
        let db = scratch_db("runs-check");
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(EVAL_MEMBERS).unwrap();
            insert(&mut t, 1, vec![(1, true), (2, true), (5, false)]).unwrap();
            insert(&mut t, 2, vec![(1, true)]).unwrap();
            assert_eq!(check(&t).unwrap(), 3);
            t.insert((1, 4), (4, true)).unwrap();
            t.insert((1, 3), (4, true)).unwrap();
            let e = check(&t).unwrap_err().to_string();
            assert!(e.contains("eval 1") && e.contains("overlaps"), "{e}");
            t.remove((1, 4)).unwrap();
            t.insert((2, 9), (8, true)).unwrap();
            let e = check(&t).unwrap_err().to_string();
            assert!(e.contains("9..=8") && e.contains("ends before"), "{e}");
        }
        drop(tx);
    }

    #[test]
    fn consecutive_ids_of_one_kind_are_one_run() {
        let m = [
            (1, true),
            (2, true),
            (3, false),
            (4, false),
            (6, false),
            (7, true),
        ];
        assert_eq!(
            runs(&m),
            vec![(1, 2, true), (3, 4, false), (6, 6, false), (7, 7, true)]
        );
        assert_eq!(runs(&[(u64::MAX - 1, true), (u64::MAX, true)]).len(), 1);
    }
}
