//! What `record_eval` needs to find the builds it reuses without reading them all: for each
//! jobset, its latest eval's builds with a fingerprint of each one's job name and outputs. A job
//! whose fingerprint is not among them cannot reuse a build (same job, same outputs, Hydra's
//! checkBuild), so only the builds whose fingerprint matches are read, and checked in full. An
//! eval of 50,000 new builds read and decoded 50,000 build records for nothing before. A build
//! whose job had no outputs at evaluation is always read (`ALWAYS`).
//!
//! A jobset without a row (a file from before schema 5), or whose row is for another eval, is
//! read the old way: every member of the previous eval.

use super::{DbError, Result};
use redb::{ReadableTable, Table, TableDefinition};
use std::collections::BTreeMap;

/// (project, jobset) → the u64 LE id of the jobset's latest eval, then for each of its builds
/// the u64 LE build id and the u64 LE fingerprint (`fingerprint`).
pub const REUSE_PRINTS: TableDefinition<(&str, &str), &[u8]> =
    TableDefinition::new("jobset_reuse_prints");

/// The fingerprint of a job without outputs at evaluation: its build is always read (the
/// runner may fill in its outputs later, and the drv decides).
pub const ALWAYS: u64 = 0;

/// A job's fingerprint: `ALWAYS` without outputs, else FNV-1a (64 bits) of the job name and
/// each output's name and path, each ended by a NUL (which no name or path holds), never 0.
/// Stored, so it never changes; a collision only costs a read.
pub fn fingerprint(job: &str, outputs: &BTreeMap<String, String>) -> u64 {
    if outputs.is_empty() {
        return ALWAYS;
    }
    fnv(job, outputs).max(1)
}

fn fnv(job: &str, outputs: &BTreeMap<String, String>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: &[u8]| {
        for &c in b.iter().chain(&[0u8]) {
            h ^= u64::from(c);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(job.as_bytes());
    for (name, path) in outputs {
        eat(name.as_bytes());
        eat(path.as_bytes());
    }
    h
}

/// Replaces the jobset's row with `eval`'s (build id, fingerprint) pairs.
pub(super) fn write(
    t: &mut Table<(&'static str, &'static str), &'static [u8]>,
    p: &str,
    j: &str,
    eval: u64,
    prints: impl ExactSizeIterator<Item = (u64, u64)>,
) -> Result<()> {
    let mut buf = Vec::with_capacity(8 + 16 * prints.len());
    buf.extend_from_slice(&eval.to_le_bytes());
    for (bid, fp) in prints {
        buf.extend_from_slice(&bid.to_le_bytes());
        buf.extend_from_slice(&fp.to_le_bytes());
    }
    t.insert((p, j), buf.as_slice())?;
    Ok(())
}

/// The (build id, fingerprint) pairs of `eval`, when the jobset's row is for that eval.
pub(super) fn read(
    t: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    p: &str,
    j: &str,
    eval: u64,
) -> Result<Option<Vec<(u64, u64)>>> {
    let Some(v) = t.get((p, j))? else {
        return Ok(None);
    };
    let (row_eval, pairs) = decode(p, j, v.value())?;
    Ok((row_eval == eval).then_some(pairs))
}

fn decode(p: &str, j: &str, b: &[u8]) -> Result<(u64, Vec<(u64, u64)>)> {
    let word = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    if b.len() < 8 || (b.len() - 8) % 16 != 0 {
        return Err(DbError::Corrupt(format!(
            "jobset `{p}:{j}`: reuse fingerprints of {} bytes",
            b.len()
        )));
    }
    let pairs = b[8..]
        .chunks_exact(16)
        .map(|c| (word(&c[..8]), word(&c[8..])))
        .collect();
    Ok((word(&b[..8]), pairs))
}

/// `db check`: every row decodes and names an eval of its own jobset. Returns the row count.
pub(super) fn check(
    t: &impl ReadableTable<(&'static str, &'static str), &'static [u8]>,
    jobset_evals: &impl ReadableTable<(&'static str, &'static str, u64), ()>,
) -> Result<u64> {
    let mut n = 0;
    for r in t.iter()? {
        let (k, v) = r?;
        let (p, j) = k.value();
        let (eval, _) = decode(p, j, v.value())?;
        if jobset_evals.get((p, j, eval))?.is_none() {
            return Err(DbError::Corrupt(format!(
                "jobset `{p}:{j}`: reuse fingerprints of eval {eval}, which is not one of its evals"
            )));
        }
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_fnv1a_and_tell_names_and_outputs_apart() {
        // FNV-1a 64 of "" is its offset basis; of "a\0": the published vector for "a" then NUL.
        let none = BTreeMap::new();
        let fnv = |s: &[u8]| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for &c in s {
                h = (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3);
            }
            h
        };
        // Published FNV-1a 64 vectors: "" and "a".
        assert_eq!(fnv(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fingerprint("a", &none), ALWAYS);
        assert_eq!(super::fnv("a", &none), fnv(b"a\0"));
        let out = |n: &str, p: &str| BTreeMap::from([(n.to_string(), p.to_string())]);
        assert_eq!(
            fingerprint("j", &out("out", "/s/x")),
            fnv(b"j\0out\0/s/x\0")
        );
        // The NULs keep the parts apart: "ab" + "c" is not "a" + "bc".
        assert_ne!(
            fingerprint("j", &out("ab", "c")),
            fingerprint("j", &out("a", "bc"))
        );
        let one = |n: &str| out("out", n);
        assert_ne!(
            fingerprint("j", &one("/s/x")),
            fingerprint("k", &one("/s/x"))
        );
        assert_ne!(fingerprint("j", &one("/s/x")), ALWAYS);
    }

    #[test]
    fn rows_round_trip_and_answer_only_for_their_eval() {
        let db = super::super::testutil::scratch_db("reuse");
        let tx = db.begin_write().unwrap();
        {
            let mut t = tx.open_table(REUSE_PRINTS).unwrap();
            write(&mut t, "p", "j", 7, [(1, 10), (2, 20)].into_iter()).unwrap();
            assert_eq!(read(&t, "p", "j", 7).unwrap(), Some(vec![(1, 10), (2, 20)]));
            assert_eq!(read(&t, "p", "j", 6).unwrap(), None);
            assert_eq!(read(&t, "p", "k", 7).unwrap(), None);
            write(&mut t, "p", "j", 8, std::iter::empty()).unwrap();
            assert_eq!(read(&t, "p", "j", 8).unwrap(), Some(vec![]));
            t.insert(("p", "k"), [0u8; 12].as_slice()).unwrap();
            let e = read(&t, "p", "k", 0).unwrap_err().to_string();
            assert!(e.contains("p:k") && e.contains("12 bytes"), "{e}");
        }
        drop(tx);
    }
}
