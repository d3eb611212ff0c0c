//! What the db unit tests share: a seeded generator and a scratch redb file.

use redb::Database;
use std::path::PathBuf;

/// A small deterministic generator (xorshift), so property tests need no crate.
pub(super) fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// A fresh redb file in a folder of its own, removed when this is dropped.
pub(super) struct ScratchDb {
    pub db: Database,
    dir: PathBuf,
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl std::ops::Deref for ScratchDb {
    type Target = Database;
    fn deref(&self) -> &Database {
        &self.db
    }
}

pub(super) fn scratch_db(tag: &str) -> ScratchDb {
    let dir = std::env::temp_dir().join(format!("hydrant-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = Database::create(dir.join("t.redb")).unwrap();
    ScratchDb { db, dir }
}
