//! The store-path indexes: which builds have a derivation (`DRV_INDEX`) or an output
//! (`OUT_INDEX`) at a path. A row is (key of the path, build id); the path itself is in the
//! build's record, which every lookup reads and compares, so two paths sharing a key cost a read,
//! never a wrong answer.
//!
//! Keys are fixed-width `u128`s: redb inserts them about twice as fast as `(&str, u64)` rows (no
//! length headers, no utf-8 check per comparison), which is most of what `record_eval` spends on
//! these two indexes. A store path's key is the first 25 characters of its hash part (125 of
//! its 160 bits), 5 bits each in the order they are written, under a tag bit: keys sort as
//! those 25 characters do (paths that share them keep the order of their build ids), and a
//! hash prefix is a key range (search). Any other string gets the tag bit clear and 127 bits of
//! its SHA-256, so it is found whole, but not by prefix. Real hash parts are uniform, so a key
//! holds one path; made-up ones (a counter padded with zeros) would all share one.

use redb::TableDefinition;
use sha2::{Digest, Sha256};
use std::ops::RangeInclusive;

/// Derivation path key → builds of that derivation.
pub const DRV_INDEX: TableDefinition<(u128, u64), ()> = TableDefinition::new("drv_path_builds");
/// Output path key → builds with that output.
pub const OUT_INDEX: TableDefinition<(u128, u64), ()> = TableDefinition::new("out_path_builds");

/// Nix's base32 alphabet, in ascii order.
const BASE32: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";
/// Characters of a hash part.
const HASH_LEN: usize = 32;
/// Characters of a hash part a key holds.
const PACKED: usize = 25;
const STORE_TAG: u128 = 1 << 127;

/// Each byte's value as a base32 digit, or 0xff (a table: `key` runs twice per new build).
const DIGITS: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 32 {
        t[BASE32[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn digit(c: u8) -> Option<u128> {
    match DIGITS[c as usize] {
        0xff => None,
        d => Some(d as u128),
    }
}

/// The hash part of a store path: its last component's first 32 characters, when they are
/// Nix base32 and a `-` follows.
fn hash_part(path: &str) -> Option<&[u8]> {
    let base = path.rsplit('/').next()?.as_bytes();
    if base.len() > HASH_LEN
        && base[HASH_LEN] == b'-'
        && base[..HASH_LEN].iter().all(|&c| digit(c).is_some())
    {
        Some(&base[..HASH_LEN])
    } else {
        None
    }
}

fn pack(chars: &[u8]) -> Option<u128> {
    chars
        .iter()
        .try_fold(0u128, |v, &c| Some(v << 5 | digit(c)?))
}

/// The index key of a path (see the module).
pub fn key(path: &str) -> u128 {
    if let Some(hash) = hash_part(path) {
        if let Some(v) = pack(&hash[..PACKED]) {
            return STORE_TAG | v;
        }
    }
    let d = Sha256::digest(path.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    u128::from_be_bytes(b) & !STORE_TAG
}

/// The rows of one path.
pub fn rows(path: &str) -> RangeInclusive<(u128, u64)> {
    let k = key(path);
    (k, 0)..=(k, u64::MAX)
}

/// The keys of the store paths in `store_dir` that may start with `prefix` (a query); None when
/// none can. The rows found must still be compared with the paths in their builds.
pub fn prefix_keys(prefix: &str, store_dir: &str) -> Option<RangeInclusive<u128>> {
    let dir = format!("{}/", store_dir.trim_end_matches('/'));
    let hash: &[u8] = match prefix.strip_prefix(dir.as_str()) {
        Some(rest) => match rest.split_once('-') {
            Some((h, _)) if h.len() == HASH_LEN => h.as_bytes(),
            Some(_) => return None,
            None if rest.len() <= HASH_LEN => rest.as_bytes(),
            None => return None,
        },
        // A prefix of the store directory itself: every store path may match.
        None if dir.starts_with(prefix) => b"",
        None => return None,
    };
    let head = pack(&hash[..hash.len().min(PACKED)])?;
    // The characters past the key's are checked for the alphabet only.
    pack(&hash[hash.len().min(PACKED)..])?;
    let free = 5 * (PACKED - hash.len().min(PACKED)) as u32;
    let lo = STORE_TAG | head << free;
    let hi = lo | ((1u128 << free) - 1);
    Some(lo..=hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_path(seed: &mut u64, name: &str) -> String {
        let hash: String = (0..HASH_LEN)
            .map(|_| BASE32[(super::super::testutil::rng(seed) % 32) as usize] as char)
            .collect();
        format!("/nix/store/{hash}-{name}")
    }

    #[test]
    fn store_path_keys_sort_as_their_paths_and_others_are_apart() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut paths: Vec<String> = (0..2000)
            .map(|i| store_path(&mut seed, &format!("p{i}")))
            .collect();
        paths.sort();
        for w in paths.windows(2) {
            assert!(key(&w[0]) <= key(&w[1]), "{} {}", w[0], w[1]);
            assert!(key(&w[0]) & STORE_TAG != 0);
        }
        // Same hash part, other name or directory: same key; the build's path tells them apart.
        let p = &paths[0];
        let hash = &p["/nix/store/".len()..][..HASH_LEN];
        assert_eq!(key(p), key(&format!("/other/{hash}-x.drv")));
        // Not a store path: exact keys without the tag, distinct.
        for odd in [
            "/s/a.drv",
            "",
            "/nix/store/abc-short",
            "/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-e",
        ] {
            assert_eq!(key(odd) & STORE_TAG, 0, "{odd}");
        }
        assert_ne!(key("/s/a.drv"), key("/s/b.drv"));
    }

    #[test]
    fn a_hash_prefix_is_the_key_range_of_the_paths_it_starts() {
        let mut seed = 42;
        let paths: Vec<String> = (0..3000)
            .map(|i| store_path(&mut seed, &format!("q{i}")))
            .collect();
        let queries = [
            "/nix/store/".to_string(),
            "/nix".to_string(),
            "/nix/store/0".to_string(),
            paths[7][..13].to_string(),
            paths[8][..14].to_string(),
            paths[9][..11 + 25].to_string(),
            paths[10][..11 + 30].to_string(),
            paths[11].clone(),
            paths[12][..paths[12].len() - 1].to_string(),
        ];
        for q in &queries {
            let r = prefix_keys(q, "/nix/store").unwrap();
            for p in &paths {
                if p.starts_with(q.as_str()) {
                    assert!(r.contains(&key(p)), "{q} {p}");
                }
            }
            // The range is not much wider than the query: a 2-char prefix holds ~1/1024.
            if q.len() == 13 {
                let inside = paths.iter().filter(|p| r.contains(&key(p))).count();
                assert!(inside < 30, "{q}: {inside}");
            }
        }
        for none in [
            "/nix/store/e",
            "/nix/store/abc-x",
            "/elsewhere/0",
            "/nix/store/0000000000000000000000000000000000",
        ] {
            assert!(prefix_keys(none, "/nix/store").is_none(), "{none}");
        }
        assert!(prefix_keys("/nix/store/", "/nix/store/").is_some());
    }
}
