//! Schema 1 → 2 on a database written by the schema-1 release (fixtures/migration/v1.redb.bz2):
//! projects `alpha` and `beta` each evaluated fixtures/migration/release.nix, so schema 1 shared
//! alpha's two build records (`hello` built, `waiting` queued) with beta's eval.
mod common;

use common::TempDir;
use hydrant::db::{self, Db, SCHEMA_VERSION};
use std::io::Read;

fn v1_db(dir: &TempDir) -> std::path::PathBuf {
    let packed = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/migration/v1.redb.bz2"),
    )
    .unwrap();
    let mut raw = Vec::new();
    bzip2::read::BzDecoder::new(&packed[..])
        .read_to_end(&mut raw)
        .unwrap();
    let path = dir.path().join("hydrant.redb");
    std::fs::write(&path, raw).unwrap();
    path
}

#[test]
fn shared_builds_are_split_per_jobset() {
    let dir = TempDir::new("migrate");
    let db = Db::open(&v1_db(&dir)).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    // Schema 1's flat GC roots are moved by the runner's next start.
    assert!(db.flat_roots_pending().unwrap());
    let (alpha, _) = db.jobset_evals("alpha", "main", 0, 10).unwrap();
    let (beta, _) = db.jobset_evals("beta", "main", 0, 10).unwrap();
    assert_eq!((alpha.len(), beta.len()), (1, 1));
    let members = |e: u64| -> Vec<db::Build> {
        let mut v: Vec<_> = db
            .eval_builds(e)
            .unwrap()
            .into_iter()
            .map(|(b, _)| b)
            .collect();
        v.sort_by(|a, b| a.job.cmp(&b.job));
        v
    };
    let a = members(alpha[0].id);
    let b = members(beta[0].id);
    assert_eq!(a.len(), 2);
    assert_eq!(b.len(), 2);
    for x in &a {
        assert_eq!((x.project.as_str(), x.jobset.as_str()), ("alpha", "main"));
        assert!(!x.iscachedbuild);
    }
    for (x, orig) in b.iter().zip(&a) {
        assert_eq!((x.project.as_str(), x.jobset.as_str()), ("beta", "main"));
        assert_ne!(x.id, orig.id, "beta has its own record");
        assert_eq!(
            (x.job.as_str(), &x.drvpath),
            (orig.job.as_str(), &orig.drvpath)
        );
        assert_eq!(x.eval, beta[0].id);
    }
    // hello: alpha built it; beta's copy is finished, cached from it, and waits for upload.
    let (ah, bh) = (&a[0], &b[0]);
    assert_eq!(ah.job, "hello");
    assert_eq!((ah.finished, ah.buildstatus), (true, Some(0)));
    assert_eq!((bh.finished, bh.buildstatus), (true, Some(0)));
    assert!(bh.iscachedbuild);
    assert_eq!(bh.cached_from, Some(ah.id));
    let pending = hydrant::cache::queue::pending_builds(&db).unwrap();
    assert!(pending.contains(&bh.id), "{pending:?}");
    // waiting: still queued, now once per jobset.
    let (aw, bw) = (&a[1], &b[1]);
    assert!(!aw.finished && !bw.finished);
    let queued = db.queued_build_ids().unwrap();
    assert!(
        queued.contains(&aw.id) && queued.contains(&bw.id),
        "{queued:?}"
    );
    // Indexes follow: the latest builds and job history of beta are beta's own.
    let latest: Vec<u64> = db
        .latest_builds("beta", "main")
        .unwrap()
        .iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(latest.len(), 2);
    assert!(latest.contains(&bh.id) && latest.contains(&bw.id));
    let f = db::views::BuildFilter {
        project: "beta".into(),
        jobset: "main".into(),
        job: "hello".into(),
        ..Default::default()
    };
    assert_eq!(
        db.newest_builds(&f, 10)
            .unwrap()
            .iter()
            .map(|b| b.id)
            .collect::<Vec<_>>(),
        vec![bh.id]
    );
    assert_eq!(
        db.last_successful_build("beta", "main", "hello")
            .unwrap()
            .unwrap()
            .id,
        bh.id
    );
    assert_eq!(
        db.builds_of_drv(&ah.drvpath, 0).unwrap(),
        vec![bh.id, ah.id]
    );
    // Deleting beta now leaves alpha whole.
    db.delete_project("beta").unwrap().unwrap();
    assert!(db.build(bh.id).unwrap().is_none());
    assert!(db.build(ah.id).unwrap().is_some());
    assert_eq!(members(alpha[0].id).len(), 2);
    drop(db);
    // Reopening does not migrate again.
    let db = Db::open(&dir.path().join("hydrant.redb")).unwrap();
    assert_eq!(db.jobset_evals("alpha", "main", 0, 10).unwrap().1, 1);
}
