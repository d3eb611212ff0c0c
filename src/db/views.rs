//! Read-side queries the web pages and the runner need, each one read transaction over the
//! indexes (never a handler-built range scan): eval member counts, the evals a build belongs to,
//! queued builds in id order, and the newest builds matching a filter.

use super::evaljobs;
use super::queue::{get_build, QUEUE_RUNNING};
use super::{
    decode, index, members, Build, Db, Result, BUILDS, EVAL_MEMBERS, JOBSET_EVALS, JOB_BUILDS,
};
use redb::ReadableTable;

/// Build records a filtered reverse scan looks at before giving up (`/api/latestbuilds`, job
/// page): bounds the cost of a filter that matches nothing on a huge database.
pub const SCAN_LIMIT: usize = 200_000;

/// Member counts of one eval, by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EvalCounts {
    pub total: u64,
    pub new: u64,
    pub succeeded: u64,
    pub failed: u64,
    pub queued: u64,
}

/// Filters for `/api/latestbuilds` and the job page (empty = any).
#[derive(Debug, Clone, Default)]
pub struct BuildFilter {
    pub project: String,
    pub jobset: String,
    pub job: String,
    pub system: String,
    pub finished_only: bool,
}

impl BuildFilter {
    pub fn matches(&self, b: &Build) -> bool {
        (!self.finished_only || b.finished)
            && (self.project.is_empty() || b.project == self.project)
            && (self.jobset.is_empty() || b.jobset == self.jobset)
            && (self.job.is_empty() || b.job == self.job)
            && (self.system.is_empty() || b.system == self.system)
    }
}

impl Db {
    /// Counts for each eval, in the order given, in one read transaction, from the member and
    /// finished indexes (no build record is read). Members come sorted by build id, so the
    /// finished index is walked alongside them (point lookups when its span is crowded).
    pub fn eval_counts(&self, evals: &[u64]) -> Result<Vec<EvalCounts>> {
        let tx = self.inner.begin_read()?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let fin = tx.open_table(index::FINISHED)?;
        let mut out = Vec::with_capacity(evals.len());
        for &eval in evals {
            let mut c = EvalCounts::default();
            let mut ids = Vec::new();
            members::each(&members, eval, |id, new| {
                c.new += u64::from(new);
                ids.push(id);
                Ok(true)
            })?;
            c.total = ids.len() as u64;
            let mut count = |s: i32| match s {
                0 => c.succeeded += 1,
                _ => c.failed += 1,
            };
            if let (Some(&lo), Some(&hi)) = (ids.first(), ids.last()) {
                let budget = ids.len() * 4 + 64;
                let (mut walked, mut next, mut complete) = (0, 0, true);
                let mut found = 0u64;
                for r in fin.range(lo..=hi)? {
                    walked += 1;
                    if walked > budget {
                        complete = false;
                        break;
                    }
                    let (k, v) = r?;
                    let id = k.value();
                    while next < ids.len() && ids[next] < id {
                        next += 1;
                    }
                    if ids.get(next) == Some(&id) {
                        count(v.value());
                        found += 1;
                    }
                }
                if !complete {
                    found = 0;
                    c.succeeded = 0;
                    c.failed = 0;
                    let mut count = |s: i32| match s {
                        0 => c.succeeded += 1,
                        _ => c.failed += 1,
                    };
                    for &id in &ids {
                        if let Some(v) = fin.get(id)? {
                            count(v.value());
                            found += 1;
                        }
                    }
                }
                c.queued = c.total - found;
            }
            out.push(c);
        }
        Ok(out)
    }

    /// Evals a build belongs to, newest first: a point lookup per eval of its jobset (at most
    /// the newest 1000), so the cost follows the jobset's history, not the database size.
    pub fn build_evals(&self, b: &Build) -> Result<Vec<u64>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOBSET_EVALS)?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        let (p, j) = (b.project.as_str(), b.jobset.as_str());
        let mut out = Vec::new();
        for r in idx.range((p, j, 0u64)..=(p, j, u64::MAX))?.rev().take(1000) {
            let e = r?.0.value().2;
            if members::get(&members, e, b.id)?.is_some() {
                out.push(e);
            }
        }
        if !out.contains(&b.eval) {
            out.push(b.eval);
        }
        Ok(out)
    }

    /// Queued builds (running ones included) in id order, from `after` (exclusive), at most
    /// `limit`; with `skip_running`, running builds are left out. O(limit + running).
    pub fn queued_builds(
        &self,
        after: u64,
        limit: usize,
        skip_running: bool,
    ) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let q = tx.open_table(super::queued::QUEUE_RUNS)?;
        let running = tx.open_table(QUEUE_RUNNING)?;
        let builds = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        let Some(from) = after.checked_add(1) else {
            return Ok(out);
        };
        super::queued::each_from(&q, from, |id| {
            if out.len() >= limit {
                return Ok(false);
            }
            if !(skip_running && running.get(id)?.is_some()) {
                if let Some(b) = get_build(&builds, id)? {
                    out.push(b);
                }
            }
            Ok(true)
        })?;
        Ok(out)
    }

    /// How many builds are queued (running included).
    pub fn nr_queued(&self) -> Result<u64> {
        let tx = self.inner.begin_read()?;
        super::queued::len(&tx)
    }

    /// The newest builds matching `f`, newest first, at most `nr`. A fully named job reads its
    /// own index; finished builds come from the finished index of the jobset, the project or
    /// all builds (so a million queued builds cost nothing); anything else looks at no more
    /// than `SCAN_LIMIT` records.
    pub fn newest_builds(&self, f: &BuildFilter, nr: usize) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let builds = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        if nr == 0 || !may_match(&tx, f)? {
            return Ok(out);
        }
        let mut take = |id: u64| -> Result<bool> {
            if let Some(b) = get_build(&builds, id)? {
                if f.matches(&b) {
                    out.push(b);
                }
            }
            Ok(out.len() >= nr)
        };
        let (p, j, job) = (f.project.as_str(), f.jobset.as_str(), f.job.as_str());
        if !(p.is_empty() || j.is_empty() || job.is_empty()) {
            let idx = tx.open_table(JOB_BUILDS)?;
            for r in idx.range((p, j, job, 0u64)..=(p, j, job, u64::MAX))?.rev() {
                if take(r?.0.value().3)? {
                    break;
                }
            }
        } else if f.finished_only && !j.is_empty() && !p.is_empty() {
            let idx = tx.open_table(index::JOBSET_FINISHED)?;
            for r in idx
                .range((p, j, 0u64)..=(p, j, u64::MAX))?
                .rev()
                .take(SCAN_LIMIT)
            {
                if take(r?.0.value().2)? {
                    break;
                }
            }
        } else if f.finished_only && !p.is_empty() {
            let idx = tx.open_table(index::PROJECT_FINISHED)?;
            for r in idx.range((p, 0u64)..=(p, u64::MAX))?.rev().take(SCAN_LIMIT) {
                if take(r?.0.value().1)? {
                    break;
                }
            }
        } else if f.finished_only {
            let idx = tx.open_table(index::FINISHED)?;
            for r in idx.iter()?.rev().take(SCAN_LIMIT) {
                if take(r?.0.value())? {
                    break;
                }
            }
        } else {
            for r in builds.iter()?.rev().take(SCAN_LIMIT) {
                let (k, v) = r?;
                let b: Build = decode(&format!("build {}", k.value()), v.value())?;
                if f.matches(&b) {
                    out.push(b);
                    if out.len() >= nr {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Whether any build can match: a filter naming a project (and jobset, job) that has no job in
/// the per-job index is answered at once instead of scanning for nothing.
fn may_match(tx: &redb::ReadTransaction, f: &BuildFilter) -> Result<bool> {
    if f.project.is_empty() {
        return Ok(true);
    }
    let l = tx.open_table(JOB_BUILDS)?;
    let p = f.project.as_str();
    if !f.jobset.is_empty() {
        let j = f.jobset.as_str();
        if !f.job.is_empty() {
            return Ok(super::job_latest(&l, p, j, &f.job)?.is_some());
        }
        return Ok(l
            .range((p, j, "", 0u64)..)?
            .next()
            .transpose()?
            .is_some_and(|(k, _)| {
                let (kp, kj, _, _) = k.value();
                (kp, kj) == (p, j)
            }));
    }
    if f.job.is_empty() {
        return Ok(l
            .range((p, "", "", 0u64)..)?
            .next()
            .transpose()?
            .is_some_and(|(k, _)| k.value().0 == p));
    }
    // A job in any jobset of the project: one lookup per jobset.
    let jobsets = tx.open_table(super::JOBSETS)?;
    for r in jobsets.range((p, "")..)? {
        let (k, _) = r?;
        let (kp, j) = k.value();
        if kp != p {
            break;
        }
        if super::job_latest(&l, p, j, &f.job)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Where a build stands, from the finished and running indexes only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildState {
    Queued,
    Running,
    Finished(i32),
}

impl BuildState {
    /// Hydra's `buildstatus`: None while unfinished.
    pub fn status(self) -> Option<i32> {
        match self {
            BuildState::Finished(s) => Some(s),
            _ => None,
        }
    }
    pub fn succeeded(self) -> bool {
        self == BuildState::Finished(super::status::SUCCEEDED)
    }
    /// Aborted, cancelled or timed out (Hydra's BuildDiff puts these apart).
    pub fn aborted(self) -> bool {
        matches!(self.status(), Some(3 | 4 | 7 | 10))
    }
}

/// One job in a comparison of two evals; `build` is None for a removed job, `prev_build` for a
/// new one.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffEntry {
    pub job: String,
    pub build: Option<(u64, BuildState)>,
    pub prev: Option<(u64, BuildState)>,
}

/// An eval compared with another (Hydra's BuildDiff): every job of either eval is in exactly
/// one list; each list is sorted by job name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalDiff {
    pub newly_failing: Vec<DiffEntry>,
    pub newly_succeeding: Vec<DiffEntry>,
    pub new: Vec<DiffEntry>,
    pub removed: Vec<DiffEntry>,
    pub still_failing: Vec<DiffEntry>,
    pub still_succeeding: Vec<DiffEntry>,
    pub unfinished: Vec<DiffEntry>,
    pub aborted: Vec<DiffEntry>,
    /// Entries of each list (by `DiffKind`), also those a cap left out.
    pub totals: [usize; 8],
}

/// The lists of an `EvalDiff`, in the order of `totals`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    NewlyFailing,
    NewlySucceeding,
    New,
    Removed,
    StillFailing,
    StillSucceeding,
    Unfinished,
    Aborted,
}

impl DiffKind {
    pub const ALL: [DiffKind; 8] = [
        DiffKind::NewlyFailing,
        DiffKind::NewlySucceeding,
        DiffKind::New,
        DiffKind::Removed,
        DiffKind::StillFailing,
        DiffKind::StillSucceeding,
        DiffKind::Unfinished,
        DiffKind::Aborted,
    ];
}

impl EvalDiff {
    pub fn list(&self, kind: DiffKind) -> &[DiffEntry] {
        match kind {
            DiffKind::NewlyFailing => &self.newly_failing,
            DiffKind::NewlySucceeding => &self.newly_succeeding,
            DiffKind::New => &self.new,
            DiffKind::Removed => &self.removed,
            DiffKind::StillFailing => &self.still_failing,
            DiffKind::StillSucceeding => &self.still_succeeding,
            DiffKind::Unfinished => &self.unfinished,
            DiffKind::Aborted => &self.aborted,
        }
    }

    fn list_mut(&mut self, kind: DiffKind) -> &mut Vec<DiffEntry> {
        match kind {
            DiffKind::NewlyFailing => &mut self.newly_failing,
            DiffKind::NewlySucceeding => &mut self.newly_succeeding,
            DiffKind::New => &mut self.new,
            DiffKind::Removed => &mut self.removed,
            DiffKind::StillFailing => &mut self.still_failing,
            DiffKind::StillSucceeding => &mut self.still_succeeding,
            DiffKind::Unfinished => &mut self.unfinished,
            DiffKind::Aborted => &mut self.aborted,
        }
    }

    /// How many jobs a list holds (also those a cap left out).
    pub fn total(&self, kind: DiffKind) -> usize {
        self.totals[kind as usize]
    }
}

type FinishedTable = redb::ReadOnlyTable<u64, i32>;
type RunningTable = redb::ReadOnlyTable<u64, i64>;

/// The states of many builds at once. Ids are sorted and the finished index is walked over
/// their span (sequential pages, cheap when the span holds few other finished builds); when
/// the walk would cost more than a few steps per id, each id is looked up instead.
struct States {
    finished: std::collections::HashMap<u64, i32>,
    running: std::collections::HashSet<u64>,
}

impl States {
    fn load(fin: &FinishedTable, running: &RunningTable, ids: &mut Vec<u64>) -> Result<States> {
        // Stable: it merges already sorted runs (an eval's members) in one pass.
        ids.sort();
        ids.dedup();
        let mut finished = std::collections::HashMap::new();
        if let (Some(&lo), Some(&hi)) = (ids.first(), ids.last()) {
            let budget = ids.len() * 4 + 64;
            let mut walked = 0;
            let mut next = 0;
            let mut complete = true;
            for r in fin.range(lo..=hi)? {
                walked += 1;
                if walked > budget {
                    complete = false;
                    break;
                }
                let (k, v) = r?;
                let id = k.value();
                while next < ids.len() && ids[next] < id {
                    next += 1;
                }
                if ids.get(next) == Some(&id) {
                    finished.insert(id, v.value());
                }
            }
            if !complete {
                finished.clear();
                for &id in ids.iter() {
                    if let Some(v) = fin.get(id)? {
                        finished.insert(id, v.value());
                    }
                }
            }
        }
        // Running builds are few (one per build slot).
        let mut run = std::collections::HashSet::new();
        for r in running.iter()? {
            run.insert(r?.0.value());
        }
        Ok(States {
            finished,
            running: run,
        })
    }

    fn of(&self, id: u64) -> BuildState {
        match self.finished.get(&id) {
            Some(&s) => BuildState::Finished(s),
            None if self.running.contains(&id) => BuildState::Running,
            None => BuildState::Queued,
        }
    }
}

impl Db {
    /// The eval of the same jobset just before `eval` (what a comparison defaults to).
    pub fn previous_eval(&self, e: &super::Eval) -> Result<Option<u64>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOBSET_EVALS)?;
        let (p, j) = (e.project.as_str(), e.jobset.as_str());
        let prev = idx.range((p, j, 0u64)..(p, j, e.id))?.next_back();
        Ok(match prev {
            Some(r) => Some(r?.0.value().2),
            None => None,
        })
    }

    /// Compares `eval` with `other` (None: everything is new), job by job, in one read
    /// transaction over the eval-job index and the finished index: no build record is read.
    pub fn eval_diff(&self, eval: u64, other: Option<u64>) -> Result<EvalDiff> {
        self.eval_diff_capped(eval, other, usize::MAX)
    }

    /// `eval_diff` keeping at most `cap` entries a list (the first by job name); `totals`
    /// still counts them all. The eval page shows a few rows of one list and the size of each,
    /// so it allocates nothing per job.
    pub fn eval_diff_capped(&self, eval: u64, other: Option<u64>, cap: usize) -> Result<EvalDiff> {
        let tx = self.inner.begin_read()?;
        let fin = tx.open_table(index::FINISHED)?;
        let running = tx.open_table(QUEUE_RUNNING)?;
        let t = tx.open_table(evaljobs::EVAL_JOB_CHUNKS)?;
        let members = tx.open_table(EVAL_MEMBERS)?;
        // The chunks stay borrowed: job names are copied only into the entries kept.
        let cur_chunks = evaljobs::chunks(&t, eval)?;
        let prev_chunks = match other {
            Some(o) => evaljobs::chunks(&t, o)?,
            None => Vec::new(),
        };
        let cur = evaljobs::decode_chunks(eval, &cur_chunks)?;
        let prev = evaljobs::decode_chunks(other.unwrap_or(0), &prev_chunks)?;
        // The members come in id order: two sorted runs, which the stable sort merges. They
        // are the same builds as the job lists' (`record_eval` writes both from one list).
        let mut ids = members::ids(&members, eval)?;
        if let Some(o) = other {
            ids.extend(members::ids(&members, o)?);
        }
        let states = States::load(&fin, &running, &mut ids)?;
        let mut d = EvalDiff::default();
        let add = |d: &mut EvalDiff,
                   kind: DiffKind,
                   job: &str,
                   build: Option<(u64, BuildState)>,
                   prev: Option<(u64, BuildState)>| {
            d.totals[kind as usize] += 1;
            let list = d.list_mut(kind);
            if list.len() < cap {
                list.push(DiffEntry {
                    job: job.to_string(),
                    build,
                    prev,
                });
            }
        };
        let removed = |d: &mut EvalDiff, job: &str, id: u64| {
            add(d, DiffKind::Removed, job, None, Some((id, states.of(id))))
        };
        let mut pi = prev.into_iter().peekable();
        for (job, id) in cur {
            let st = states.of(id);
            let mut found = None;
            while let Some(&(pj, pid)) = pi.peek() {
                match pj.cmp(job) {
                    std::cmp::Ordering::Less => {
                        pi.next();
                        removed(&mut d, pj, pid);
                    }
                    std::cmp::Ordering::Equal => {
                        pi.next();
                        found = Some((pid, states.of(pid)));
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            let kind = match found {
                _ if st.aborted() => DiffKind::Aborted,
                None => DiffKind::New,
                Some((_, ps)) => match (st, ps) {
                    (BuildState::Finished(_), BuildState::Finished(_)) => {
                        match (st.succeeded(), ps.succeeded()) {
                            (true, true) => DiffKind::StillSucceeding,
                            (false, false) => DiffKind::StillFailing,
                            (true, false) => DiffKind::NewlySucceeding,
                            (false, true) => DiffKind::NewlyFailing,
                        }
                    }
                    _ => DiffKind::Unfinished,
                },
            };
            add(&mut d, kind, job, Some((id, st)), found);
        }
        for (pj, pid) in pi {
            removed(&mut d, pj, pid);
        }
        Ok(d)
    }
}

/// One row of the jobs grid: a job and its build in each of the grid's evals.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub job: String,
    pub cells: Vec<Option<(u64, BuildState)>>,
}

impl Db {
    /// The jobs grid: jobs of any of `evals` by name (descending with `desc`) after `after`
    /// (exclusive; "" = from the start), at most `limit`, each with its build per eval; plus
    /// whether more follow. Reads at most `limit + 1` index entries per eval.
    pub fn jobs_grid(
        &self,
        evals: &[u64],
        after: &str,
        desc: bool,
        limit: usize,
    ) -> Result<(Vec<GridRow>, bool)> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(evaljobs::EVAL_JOB_CHUNKS)?;
        let fin = tx.open_table(index::FINISHED)?;
        let running = tx.open_table(QUEUE_RUNNING)?;
        let mut rows: std::collections::BTreeMap<String, Vec<Option<u64>>> = Default::default();
        for (i, &e) in evals.iter().enumerate() {
            for (job, id) in evaljobs::page(&t, e, after, desc, limit + 1)? {
                rows.entry(job).or_insert_with(|| vec![None; evals.len()])[i] = Some(id);
            }
        }
        let mut names: Vec<String> = rows.keys().cloned().collect();
        if desc {
            names.reverse();
        }
        let more = names.len() > limit;
        names.truncate(limit);
        let mut all: Vec<u64> = names
            .iter()
            .filter_map(|n| rows.get(n))
            .flat_map(|r| r.iter().flatten().copied())
            .collect();
        let states = States::load(&fin, &running, &mut all)?;
        let mut out = Vec::with_capacity(names.len());
        for job in names {
            let ids = rows.remove(&job).unwrap_or_default();
            let cells = ids
                .into_iter()
                .map(|id| id.map(|id| (id, states.of(id))))
                .collect();
            out.push(GridRow { job, cells });
        }
        Ok((out, more))
    }

    /// A job's builds, newest first: with `after` = 0 those older than `before` (0 = from the
    /// newest), else the `limit` just newer than `after`; at most `limit`.
    pub fn job_builds(
        &self,
        p: &str,
        j: &str,
        job: &str,
        before: u64,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOB_BUILDS)?;
        let builds = tx.open_table(BUILDS)?;
        let mut out = Vec::new();
        if after > 0 {
            let lo = after.saturating_add(1);
            for r in idx
                .range((p, j, job, lo)..=(p, j, job, u64::MAX))?
                .take(limit)
            {
                if let Some(b) = get_build(&builds, r?.0.value().3)? {
                    out.push(b);
                }
            }
            out.reverse();
            return Ok(out);
        }
        let hi = if before == 0 { u64::MAX } else { before - 1 };
        if before == 1 {
            return Ok(out);
        }
        for r in idx
            .range((p, j, job, 0u64)..=(p, j, job, hi))?
            .rev()
            .take(limit)
        {
            if let Some(b) = get_build(&builds, r?.0.value().3)? {
                out.push(b);
            }
        }
        Ok(out)
    }

    /// Whether a job has builds older than `id`.
    pub fn job_has_older(&self, p: &str, j: &str, job: &str, id: u64) -> Result<bool> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOB_BUILDS)?;
        let found = idx
            .range((p, j, job, 0u64)..(p, j, job, id))?
            .next()
            .is_some();
        Ok(found)
    }

    /// Whether a job has builds newer than `id`.
    pub fn job_has_newer(&self, p: &str, j: &str, job: &str, id: u64) -> Result<bool> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(JOB_BUILDS)?;
        let found = idx
            .range((p, j, job, id.saturating_add(1))..=(p, j, job, u64::MAX))?
            .next()
            .is_some();
        Ok(found)
    }
}

impl Db {
    /// Builds with one of `paths` among their outputs (the output-path index), other than
    /// `except`, newest first, at most `limit`.
    pub fn builds_with_outputs(
        &self,
        paths: &[String],
        except: u64,
        limit: usize,
    ) -> Result<Vec<Build>> {
        let tx = self.inner.begin_read()?;
        let idx = tx.open_table(index::OUT_INDEX)?;
        let builds = tx.open_table(BUILDS)?;
        let mut ids = std::collections::BTreeSet::new();
        for p in paths {
            for r in idx.range(super::paths::rows(p))? {
                let id = r?.0.value().1;
                if id != except {
                    ids.insert(id);
                }
            }
        }
        // A key is shared by the paths with one hash part: the build's own outputs decide.
        let mut out = Vec::new();
        for id in ids.into_iter().rev() {
            if out.len() >= limit {
                break;
            }
            if let Some(b) = get_build(&builds, id)? {
                if b.outputs.values().any(|o| paths.contains(o)) {
                    out.push(b);
                }
            }
        }
        Ok(out)
    }
}

/// What a search found (see `Db::search`).
#[derive(Debug, Clone, Default)]
pub struct SearchHits {
    pub projects: Vec<super::Project>,
    pub jobsets: Vec<super::Jobset>,
    /// The newest build of each job whose name (or an attribute-path suffix of it) starts with
    /// the query.
    pub jobs: Vec<Build>,
    /// Builds whose derivation path starts with the query (or with the store dir and it): a
    /// store path by any prefix of its hash part and name, another path only whole.
    pub by_drv: Vec<Build>,
    /// Builds with an output path starting so.
    pub by_out: Vec<Build>,
}

impl Db {
    /// Searches projects and jobsets (name, display name, description containing the query,
    /// case-insensitive), jobs by name prefix, and builds by derivation or output path prefix
    /// (a bare hash part is looked for under `store_dir`), at most `limit` of each. The job and
    /// path searches are index ranges; projects and jobsets are small tables read whole.
    pub fn search(&self, q: &str, store_dir: &str, limit: usize) -> Result<SearchHits> {
        let tx = self.inner.begin_read()?;
        let mut h = SearchHits::default();
        let lower = q.to_lowercase();
        let has = |s: &str| s.to_lowercase().contains(&lower);
        for r in tx.open_table(super::PROJECTS)?.iter()? {
            let (k, v) = r?;
            let p: super::Project = decode(&format!("project {}", k.value()), v.value())?;
            if h.projects.len() < limit
                && (has(&p.name) || has(&p.displayname) || has(&p.description))
            {
                h.projects.push(p);
            }
        }
        for r in tx.open_table(super::JOBSETS)?.iter()? {
            let (_, v) = r?;
            let js: super::Jobset = decode("jobset", v.value())?;
            if h.jobsets.len() < limit && (has(&js.name) || has(&js.description)) {
                h.jobsets.push(js);
            }
        }
        let builds = tx.open_table(BUILDS)?;
        {
            let names = tx.open_table(index::JOB_NAMES)?;
            let latest = tx.open_table(JOB_BUILDS)?;
            let mut seen = std::collections::BTreeSet::new();
            for r in names.range((lower.as_str(), "", "", "")..)? {
                let k = r?.0;
                let (key, p, j, job) = k.value();
                if !key.starts_with(lower.as_str()) || h.jobs.len() >= limit {
                    break;
                }
                if !seen.insert((p.to_string(), j.to_string(), job.to_string())) {
                    continue;
                }
                if let Some(id) = super::job_latest(&latest, p, j, job)? {
                    if let Some(b) = get_build(&builds, id)? {
                        h.jobs.push(b);
                    }
                }
            }
        }
        let prefix = if q.starts_with('/') {
            q.to_string()
        } else {
            format!("{}/{q}", store_dir.trim_end_matches('/'))
        };
        // A range of path keys (a hash prefix), whose builds' own paths are then compared; at
        // most `PATH_SCAN` rows are read for one table.
        const PATH_SCAN: usize = 10_000;
        let keys = super::paths::prefix_keys(&prefix, store_dir);
        let by_path = |def: redb::TableDefinition<(u128, u64), ()>,
                       has: &dyn Fn(&Build) -> bool|
         -> Result<Vec<Build>> {
            let mut out: Vec<Build> = Vec::new();
            // A query that no store path can start is looked up as one whole path.
            let range = match &keys {
                Some(k) => (*k.start(), 0u64)..=(*k.end(), u64::MAX),
                None => super::paths::rows(&prefix),
            };
            let t = tx.open_table(def)?;
            let mut seen = std::collections::HashSet::new();
            for r in t.range(range)?.take(PATH_SCAN) {
                let id = r?.0.value().1;
                if out.len() >= limit {
                    break;
                }
                if !seen.insert(id) {
                    continue;
                }
                if let Some(b) = get_build(&builds, id)? {
                    if has(&b) {
                        out.push(b);
                    }
                }
            }
            Ok(out)
        };
        let starts = |p: &str| p.starts_with(prefix.as_str());
        h.by_drv = by_path(super::DRV_INDEX, &|b| starts(&b.drvpath))?;
        h.by_out = by_path(index::OUT_INDEX, &|b| b.outputs.values().any(|o| starts(o)))?;
        Ok(h)
    }
}

impl Db {
    /// The newest evals of every jobset, newest first, older than `before` (0 = from the
    /// newest), at most `limit`.
    pub fn latest_evals(&self, before: u64, limit: usize) -> Result<Vec<super::Eval>> {
        let tx = self.inner.begin_read()?;
        let t = tx.open_table(super::EVALS)?;
        let hi = if before == 0 { u64::MAX } else { before - 1 };
        let mut out = Vec::new();
        if before == 1 {
            return Ok(out);
        }
        for r in t.range(..=hi)?.rev().take(limit) {
            let (k, v) = r?;
            out.push(decode(&format!("eval {}", k.value()), v.value())?);
        }
        Ok(out)
    }
}
