//! Each eval's members by job name, stored as chunks of up to 64 jobs. An eval's job list is
//! written once, by `record_eval`, and removed only with its jobset; one row a job made a
//! 50,000-job eval 50,000 inserts (redb shifts a leaf's entries on each one) and a comparison
//! 100,000 row reads. Readers get the jobs back in name order, as the comparison, the jobs grid
//! and the API's job lookup want them.

use super::{DbError, Result};
use redb::{ReadableTable, Table, TableDefinition};
use std::ops::Bound::{self, Excluded, Included, Unbounded};

/// (eval id, first job of the chunk) → the chunk: its jobs in name order, each as a u32 LE name
/// length, the name and the u64 LE build id. Chunks of one eval do not overlap.
pub const EVAL_JOB_CHUNKS: TableDefinition<(u64, &str), &[u8]> =
    TableDefinition::new("eval_job_chunks");

/// A chunk ends after this many jobs, or once its bytes reach `CHUNK_BYTES`.
const CHUNK_JOBS: usize = 64;
const CHUNK_BYTES: usize = 2048;

type Key = (u64, &'static str);
type Chunks<'t> = Table<'t, Key, &'static [u8]>;

/// Writes the job list of `eval` (job, build id), in any order. A job given twice keeps its
/// last build (`record_eval` never gives one twice).
pub(super) fn insert<S: AsRef<str>>(
    t: &mut Chunks,
    eval: u64,
    jobs: &mut Vec<(S, u64)>,
) -> Result<()> {
    jobs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    jobs.dedup_by(|next, kept| {
        let same = next.0.as_ref() == kept.0.as_ref();
        if same {
            kept.1 = next.1;
        }
        same
    });
    let mut buf = Vec::with_capacity(CHUNK_BYTES + 256);
    let mut first = 0;
    for (i, (job, bid)) in jobs.iter().enumerate() {
        let job = job.as_ref();
        buf.extend_from_slice(&(job.len() as u32).to_le_bytes());
        buf.extend_from_slice(job.as_bytes());
        buf.extend_from_slice(&bid.to_le_bytes());
        if i + 1 - first >= CHUNK_JOBS || buf.len() >= CHUNK_BYTES || i + 1 == jobs.len() {
            t.insert((eval, jobs[first].0.as_ref()), buf.as_slice())?;
            buf.clear();
            first = i + 1;
        }
    }
    Ok(())
}

/// The jobs of one chunk, in order.
fn decode(eval: u64, mut b: &[u8]) -> Result<Vec<(&str, u64)>> {
    let bad = |what: &str| DbError::Corrupt(format!("eval {eval}: job chunk {what}"));
    let mut out = Vec::with_capacity(CHUNK_JOBS);
    while !b.is_empty() {
        let (len, rest) = b
            .split_first_chunk::<4>()
            .ok_or_else(|| bad("is cut short"))?;
        let len = u32::from_le_bytes(*len) as usize;
        if rest.len() < 8 || rest.len() - 8 < len {
            return Err(bad("is cut short"));
        }
        let (name, rest) = rest.split_at(len);
        let (bid, rest) = rest.split_at(8);
        let name = std::str::from_utf8(name).map_err(|_| bad("holds a name that is not UTF-8"))?;
        let bid = u64::from_le_bytes(bid.try_into().map_err(|_| bad("is cut short"))?);
        out.push((name, bid));
        b = rest;
    }
    Ok(out)
}

/// The keys of `eval`'s chunks.
fn span(eval: u64) -> (Bound<Key>, Bound<Key>) {
    let hi = match eval.checked_add(1) {
        Some(n) => Excluded((n, "")),
        None => Unbounded,
    };
    (Included((eval, "")), hi)
}

/// The chunks of `eval`, in order, to decode with `decode_chunks` while they are held.
pub(super) fn chunks<'t>(
    t: &'t impl ReadableTable<(u64, &'static str), &'static [u8]>,
    eval: u64,
) -> Result<Vec<redb::AccessGuard<'t, &'static [u8]>>> {
    let mut out = Vec::new();
    for r in t.range::<(u64, &str)>(span(eval))? {
        out.push(r?.1);
    }
    Ok(out)
}

/// The jobs of `eval`'s chunks (from `chunks`), borrowed from them, in name order.
pub(super) fn decode_chunks<'a>(
    eval: u64,
    chunks: &'a [redb::AccessGuard<'_, &'static [u8]>],
) -> Result<Vec<(&'a str, u64)>> {
    let mut out = Vec::with_capacity(chunks.len() * CHUNK_JOBS);
    for c in chunks {
        out.extend(decode(eval, c.value())?);
    }
    Ok(out)
}

/// Every job of `eval` (name, build id), in name order (what the tests compare).
#[cfg(test)]
pub(super) fn all(
    t: &impl ReadableTable<(u64, &'static str), &'static [u8]>,
    eval: u64,
) -> Result<Vec<(String, u64)>> {
    let chunks = chunks(t, eval)?;
    let jobs = decode_chunks(eval, &chunks)?;
    Ok(jobs.into_iter().map(|(j, b)| (j.to_string(), b)).collect())
}

/// The build of job `job` in `eval`.
pub(super) fn get(
    t: &impl ReadableTable<(u64, &'static str), &'static [u8]>,
    eval: u64,
    job: &str,
) -> Result<Option<u64>> {
    let Some(r) = t.range((eval, "")..=(eval, job))?.next_back() else {
        return Ok(None);
    };
    let (_, v) = r?;
    let jobs = decode(eval, v.value())?;
    Ok(jobs
        .binary_search_by(|(j, _)| (*j).cmp(job))
        .ok()
        .map(|i| jobs[i].1))
}

/// At most `limit` jobs of `eval` just after `after` in name order (before it with `desc`,
/// newest name first); "" starts from the first (last) job.
pub(super) fn page(
    t: &impl ReadableTable<(u64, &'static str), &'static [u8]>,
    eval: u64,
    after: &str,
    desc: bool,
    limit: usize,
) -> Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    let (lo, hi) = span(eval);
    let mut take = |v: &[u8]| -> Result<bool> {
        let mut jobs = decode(eval, v)?;
        if desc {
            jobs.reverse();
        }
        for (job, bid) in jobs {
            let past = match (after.is_empty(), desc) {
                (true, _) => true,
                (false, false) => job > after,
                (false, true) => job < after,
            };
            if past {
                if out.len() >= limit {
                    return Ok(false);
                }
                out.push((job.to_string(), bid));
            }
        }
        Ok(out.len() < limit)
    };
    if desc {
        let hi = if after.is_empty() {
            hi
        } else {
            Excluded((eval, after))
        };
        for r in t.range::<(u64, &str)>((lo, hi))?.rev() {
            if !take(r?.1.value())? {
                break;
            }
        }
    } else {
        // The chunk holding `after` (the last one starting at or before it) comes first.
        let start = match t.range((eval, "")..=(eval, after))?.next_back() {
            Some(r) if !after.is_empty() => r?.0.value().1.to_string(),
            _ => String::new(),
        };
        for r in t.range::<(u64, &str)>((Included((eval, start.as_str())), hi))? {
            if !take(r?.1.value())? {
                break;
            }
        }
    }
    Ok(out)
}

/// Removes the job list of `eval` (the keys are collected, then removed one by one, as redb's
/// `retain_in` copies pages while it iterates).
pub(super) fn remove(t: &mut Chunks, eval: u64) -> Result<()> {
    let mut keys = Vec::new();
    for r in t.range::<(u64, &str)>(span(eval))? {
        keys.push(r?.0.value().1.to_string());
    }
    for k in keys {
        t.remove((eval, k.as_str()))?;
    }
    Ok(())
}

/// `db check`: every chunk decodes, is not empty, starts with its key's job, and the jobs of
/// an eval are in strictly increasing name order across its chunks. Returns the chunk and job
/// counts.
pub(super) fn check(
    t: &impl ReadableTable<(u64, &'static str), &'static [u8]>,
) -> Result<(u64, u64)> {
    let (mut n, mut jobs_n) = (0, 0);
    let mut prev: Option<(u64, String)> = None;
    for r in t.iter()? {
        let (k, v) = r?;
        let (eval, first) = k.value();
        let jobs = decode(eval, v.value())?;
        let bad = |what: &str| DbError::Corrupt(format!("eval {eval}: job chunk {first:?} {what}"));
        match jobs.first() {
            None => return Err(bad("is empty")),
            Some((j, _)) if *j != first => return Err(bad("does not start with its key")),
            _ => {}
        }
        if let Some((pe, pj)) = &prev {
            if *pe == eval && pj.as_str() >= first {
                return Err(bad("overlaps the chunk before it"));
            }
        }
        if jobs.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad("is out of order"));
        }
        prev = jobs.last().map(|(j, _)| (eval, j.to_string()));
        n += 1;
        jobs_n += jobs.len() as u64;
    }
    Ok((n, jobs_n))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{rng, scratch_db};
    use super::*;
    use redb::ReadableTableMetadata;
    use std::collections::BTreeMap;

    #[test]
    fn chunks_round_trip_any_job_list_and_answer_pages_and_lookups() {
        let db = scratch_db("evaljobs");
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        // Names from a small alphabet, so prefixes, neighbours and duplicates all occur; some
        // long enough to end a chunk by size before 64 jobs.
        let name = |seed: &mut u64| -> String {
            let len = 1 + rng(seed) % 6;
            let mut s: String = (0..len)
                .map(|_| ["a", "b", ".", "é", "z"][(rng(seed) % 5) as usize])
                .collect();
            if rng(seed) % 10 == 0 {
                s.push_str(&"x".repeat(300));
            }
            s
        };
        for case in 0..150u64 {
            let n = (rng(&mut seed) % 400) as usize;
            let mut want: BTreeMap<String, u64> = BTreeMap::new();
            let mut given = Vec::new();
            for _ in 0..n {
                let (job, bid) = (name(&mut seed), rng(&mut seed) % 1000);
                want.insert(job.clone(), bid);
                given.push((job, bid));
            }
            let tx = db.begin_write().unwrap();
            {
                let mut t = tx.open_table(EVAL_JOB_CHUNKS).unwrap();
                insert(&mut t, case, &mut given).unwrap();
                // Neighbouring evals share the table and must not leak into this one.
                insert(&mut t, case + 1, &mut vec![("", 1), ("a", 2)]).unwrap();
                insert(&mut t, u64::MAX, &mut vec![("zz", 3)]).unwrap();
            }
            tx.commit().unwrap();
            let want: Vec<(String, u64)> = want.into_iter().collect();
            let tx = db.begin_read().unwrap();
            let t = tx.open_table(EVAL_JOB_CHUNKS).unwrap();
            assert_eq!(all(&t, case).unwrap(), want, "case {case}");
            assert_eq!(check(&t).unwrap().1, want.len() as u64 + 3);
            let probes: Vec<String> = (0..20)
                .map(|_| name(&mut seed))
                .chain(want.iter().map(|w| w.0.clone()).take(20))
                .chain([String::new(), "\u{10FFFF}".to_string()])
                .collect();
            for p in &probes {
                let w = want.iter().find(|w| &w.0 == p).map(|w| w.1);
                assert_eq!(get(&t, case, p).unwrap(), w, "case {case} get {p:?}");
                for limit in [1, 5, 70, 1000] {
                    let asc: Vec<_> = want
                        .iter()
                        .filter(|w| p.is_empty() || w.0 > *p)
                        .take(limit)
                        .cloned()
                        .collect();
                    assert_eq!(page(&t, case, p, false, limit).unwrap(), asc);
                    let desc: Vec<_> = want
                        .iter()
                        .rev()
                        .filter(|w| p.is_empty() || w.0 < *p)
                        .take(limit)
                        .cloned()
                        .collect();
                    assert_eq!(page(&t, case, p, true, limit).unwrap(), desc);
                }
            }
            assert_eq!(page(&t, u64::MAX, "", true, 5).unwrap(), [("zz".into(), 3)]);
            assert_eq!(
                all(&t, case + 1).unwrap(),
                [("".into(), 1), ("a".into(), 2)]
            );
            drop(t);
            drop(tx);
            let tx = db.begin_write().unwrap();
            {
                let mut t = tx.open_table(EVAL_JOB_CHUNKS).unwrap();
                for e in [case, case + 1, u64::MAX] {
                    remove(&mut t, e).unwrap();
                }
                assert_eq!(t.len().unwrap(), 0);
            }
            tx.commit().unwrap();
        }
    }

    #[test]
    fn a_job_given_twice_keeps_its_last_build_and_chunks_hold_at_most_64_jobs() {
        let db = scratch_db("evaljobs2");
        let mut jobs: Vec<(String, u64)> = (0..200).map(|i| (format!("j{i:03}"), i)).collect();
        jobs.push(("j007".into(), 999));
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(EVAL_JOB_CHUNKS).unwrap();
            insert(&mut t, 1, &mut jobs).unwrap();
            assert_eq!(t.len().unwrap(), 4);
            assert_eq!(get(&t, 1, "j007").unwrap(), Some(999));
            assert_eq!(get(&t, 1, "j199").unwrap(), Some(199));
            assert_eq!(get(&t, 1, "j200").unwrap(), None);
            assert_eq!(check(&t).unwrap(), (4, 200));
        }
        tx.commit().unwrap();
    }

    #[test]
    fn check_names_a_damaged_chunk() {
        let db = scratch_db("evaljobs3");
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(EVAL_JOB_CHUNKS).unwrap();
            insert(&mut t, 5, &mut vec![("b", 1), ("c", 2)]).unwrap();
            t.insert((5, "a"), [1u8, 0, 0].as_slice()).unwrap();
            let e = check(&t).unwrap_err().to_string();
            assert!(e.contains("eval 5") && e.contains("cut short"), "{e}");
            t.remove((5, "a")).unwrap();
            let mut c = Vec::new();
            c.extend_from_slice(&1u32.to_le_bytes());
            c.extend_from_slice(b"c");
            c.extend_from_slice(&7u64.to_le_bytes());
            t.insert((5, "c"), c.as_slice()).unwrap();
            let e = check(&t).unwrap_err().to_string();
            assert!(e.contains("overlaps"), "{e}");
        }
        drop(tx);
    }
}
