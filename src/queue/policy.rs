//! The scheduling policy: which queued build gets a free slot. Pure (no I/O, time is a parameter),
//! so it is simulated in tests over whole days in milliseconds. The runner owns one `Policy` and
//! mirrors the database queue into it.
//!
//! Order for a free slot of system S (Hydra's rules):
//! 1. bumped builds (`globalpriority > 0`), highest first, then oldest id;
//! 2. otherwise the jobset with the lowest `share_used = charged seconds in the last 24 h (plus the
//!    elapsed time of its running builds) / schedulingshares`;
//! 3. inside it the highest `meta.schedulingPriority`, then the oldest build id.
//!
//! Structures and costs (J jobsets with queued builds of S, R jobsets with running builds):
//! - per (system, jobset) an ordered set of `(Reverse(priority), id)`: the head is the jobset's best;
//! - per system an ordered set of jobset keys `(share_used, head)` for jobsets *without* running
//!   builds: their key only changes on a charge, a shares change, a window expiry or a new head,
//!   and each such event re-inserts the key in O(log J);
//! - jobsets *with* running builds have a time-dependent key (elapsed time counts), so they are
//!   kept in a small side set and their key is computed at pick time: O(R), and R is bounded by
//!   the number of build slots;
//! - charges leave the 24 h window through one min-heap of expiry times, processed at each pick
//!   (amortised O(log n) per charge).
//!
//! A pick is therefore O(log J + R + log B) with B builds in the jobset, with no sort.
//! A charge is dated by the build's stop time and leaves the window whole 24 h later (Hydra
//! also charges whole build steps), rather than being prorated across the window edge.
//!
//! Idle jobsets: a jobset that has had no queued or running build and comes back would otherwise
//! keep the head start of its whole idle day and starve everybody until it caught up. Like the
//! Linux CFS scheduler, a returning jobset is lifted to at most `CATCH_UP_CREDIT` seconds of build
//! time below the least-served active jobset (a virtual charge that leaves the window like a real one).

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};

pub type JobsetId = u32;
pub type SystemId = u32;

/// The accounting window in seconds.
pub const WINDOW: f64 = 86_400.0;
/// How much build time (seconds) a returning idle jobset may get before it is level with the
/// least-served active jobset.
pub const CATCH_UP_CREDIT: f64 = 900.0;

/// An f64 with a total order (share values are never NaN; `total_cmp` keeps it sound anyway).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ordf(pub f64);
impl Eq for Ordf {}
impl PartialOrd for Ordf {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ordf {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}

/// A build as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedBuild {
    pub id: u64,
    pub jobset: JobsetId,
    pub system: SystemId,
    /// meta.schedulingPriority: higher first.
    pub priority: i32,
    /// Bump: > 0 goes before every unbumped build, higher first.
    pub globalpriority: i32,
}

/// What `pick` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Picked {
    pub id: u64,
    pub jobset: JobsetId,
    pub system: SystemId,
}

/// Jobset key in a system's ordered set: (share_used, best priority, oldest id, jobset).
type Key = (Ordf, Reverse<i32>, u64, JobsetId);

#[derive(Debug, Default, Clone)]
struct JobsetState {
    shares: u32,
    /// Seconds charged inside the window (finished builds plus virtual catch-up charges).
    charged: f64,
    /// Running builds: id → start time.
    running: HashMap<u64, f64>,
    /// Systems in which this jobset has queued (unbumped) builds.
    systems: Vec<SystemId>,
    /// Queued builds, bumped or not, over all systems.
    queued: u64,
}

impl JobsetState {
    fn share_used(&self, now: f64) -> f64 {
        let running: f64 = self.running.values().map(|s| (now - s).max(0.0)).sum();
        (self.charged + running) / f64::from(self.shares.max(1))
    }
}

#[derive(Debug, Default, Clone)]
struct SysJobset {
    builds: BTreeSet<(Reverse<i32>, u64)>,
    /// The key under which the jobset sits in `SystemQueue::idle`, if it does.
    key: Option<Key>,
}

#[derive(Debug, Default, Clone)]
struct SystemQueue {
    bumped: BTreeSet<(Reverse<i32>, u64)>,
    jobsets: HashMap<JobsetId, SysJobset>,
    idle: BTreeSet<Key>,
    busy: HashSet<JobsetId>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    jobset: JobsetId,
    system: SystemId,
    priority: i32,
    globalpriority: i32,
}

/// The scheduler state. All methods take `now` in seconds (any epoch, monotone).
#[derive(Debug, Clone)]
pub struct Policy {
    jobsets: Vec<JobsetState>,
    systems: Vec<SystemQueue>,
    queued: HashMap<u64, Entry>,
    running: HashMap<u64, (JobsetId, SystemId)>,
    expiry: BinaryHeap<Reverse<(Ordf, JobsetId, Ordf)>>,
    catch_up: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::new()
    }
}

impl Policy {
    pub fn new() -> Policy {
        Policy {
            jobsets: Vec::new(),
            systems: Vec::new(),
            queued: HashMap::new(),
            running: HashMap::new(),
            expiry: BinaryHeap::new(),
            catch_up: true,
        }
    }

    /// Turns the idle-jobset catch-up limit on or off (the runner turns it off while it loads
    /// the queue at start, where every jobset "returns" at once).
    pub fn set_catch_up(&mut self, on: bool) {
        self.catch_up = on;
    }

    pub fn add_jobset(&mut self, shares: u32) -> JobsetId {
        self.jobsets.push(JobsetState {
            shares: shares.max(1),
            ..Default::default()
        });
        (self.jobsets.len() - 1) as JobsetId
    }

    pub fn add_system(&mut self) -> SystemId {
        self.systems.push(SystemQueue::default());
        (self.systems.len() - 1) as SystemId
    }

    pub fn jobsets_len(&self) -> usize {
        self.jobsets.len()
    }

    /// Applies at the next pick: the jobset's keys are recomputed now.
    pub fn set_shares(&mut self, js: JobsetId, shares: u32, now: f64) {
        let Some(j) = self.jobsets.get_mut(js as usize) else {
            return;
        };
        if j.shares == shares.max(1) {
            return;
        }
        j.shares = shares.max(1);
        self.refresh_jobset(js, now);
    }

    pub fn shares(&self, js: JobsetId) -> u32 {
        self.jobsets.get(js as usize).map(|j| j.shares).unwrap_or(1)
    }

    /// Current share_used of a jobset (charged + running seconds per share).
    pub fn share_used(&self, js: JobsetId, now: f64) -> f64 {
        self.jobsets
            .get(js as usize)
            .map(|j| j.share_used(now))
            .unwrap_or(0.0)
    }

    /// Seconds charged to the jobset inside the window (without running builds).
    pub fn charged(&self, js: JobsetId) -> f64 {
        self.jobsets
            .get(js as usize)
            .map(|j| j.charged)
            .unwrap_or(0.0)
    }

    pub fn queued_len(&self) -> usize {
        self.queued.len()
    }
    pub fn running_len(&self) -> usize {
        self.running.len()
    }
    pub fn is_queued(&self, id: u64) -> bool {
        self.queued.contains_key(&id)
    }
    pub fn is_running(&self, id: u64) -> bool {
        self.running.contains_key(&id)
    }
    /// Queued builds of a system (bumped included).
    pub fn queued_of_system(&self, s: SystemId) -> usize {
        self.systems
            .get(s as usize)
            .map(|q| q.bumped.len() + q.jobsets.values().map(|j| j.builds.len()).sum::<usize>())
            .unwrap_or(0)
    }

    /// Records build time that finished at `stop` (history loaded at start). Older than the
    /// window: ignored.
    pub fn charge(&mut self, js: JobsetId, secs: f64, stop: f64, now: f64) {
        if stop + WINDOW <= now || secs <= 0.0 || js as usize >= self.jobsets.len() {
            return;
        }
        self.jobsets[js as usize].charged += secs;
        self.expiry
            .push(Reverse((Ordf(stop + WINDOW), js, Ordf(secs))));
        self.refresh_jobset(js, now);
    }

    /// Adds a queued build. Unknown jobset/system ids are ignored (returns false).
    pub fn enqueue(&mut self, b: QueuedBuild, now: f64) -> bool {
        if b.jobset as usize >= self.jobsets.len()
            || b.system as usize >= self.systems.len()
            || self.queued.contains_key(&b.id)
            || self.running.contains_key(&b.id)
        {
            return false;
        }
        self.expire(now);
        let inactive = {
            let j = &self.jobsets[b.jobset as usize];
            j.queued == 0 && j.running.is_empty()
        };
        if inactive && self.catch_up {
            self.lift_returning(b.jobset, now);
        }
        self.queued.insert(
            b.id,
            Entry {
                jobset: b.jobset,
                system: b.system,
                priority: b.priority,
                globalpriority: b.globalpriority,
            },
        );
        self.jobsets[b.jobset as usize].queued += 1;
        if b.globalpriority > 0 {
            self.systems[b.system as usize]
                .bumped
                .insert((Reverse(b.globalpriority), b.id));
        } else {
            self.insert_unbumped(b.id, b.jobset, b.system, b.priority, now);
        }
        true
    }

    /// Removes a queued build (cancelled). Returns whether it was queued.
    pub fn remove(&mut self, id: u64, now: f64) -> bool {
        let Some(e) = self.queued.remove(&id) else {
            return false;
        };
        self.jobsets[e.jobset as usize].queued -= 1;
        if e.globalpriority > 0 {
            self.systems[e.system as usize]
                .bumped
                .remove(&(Reverse(e.globalpriority), id));
        } else {
            self.remove_unbumped(id, e.jobset, e.system, e.priority, now);
        }
        true
    }

    /// Changes the global priority of a queued build (a bump).
    pub fn bump(&mut self, id: u64, globalpriority: i32, now: f64) -> bool {
        let Some(e) = self.queued.get(&id).copied() else {
            return false;
        };
        if e.globalpriority == globalpriority {
            return true;
        }
        self.remove(id, now);
        self.enqueue(
            QueuedBuild {
                id,
                jobset: e.jobset,
                system: e.system,
                priority: e.priority,
                globalpriority,
            },
            now,
        )
    }

    /// Picks the next build for a free slot that can run any of `systems`, marks it running
    /// from `now` and returns it.
    pub fn pick(&mut self, systems: &[SystemId], now: f64) -> Option<Picked> {
        self.expire(now);
        // 1. bumped builds
        let mut best_bump: Option<((Reverse<i32>, u64), SystemId)> = None;
        for &s in systems {
            if let Some(&k) = self.systems.get(s as usize).and_then(|q| q.bumped.first()) {
                if best_bump.is_none_or(|(b, _)| k < b) {
                    best_bump = Some((k, s));
                }
            }
        }
        if let Some(((_, id), s)) = best_bump {
            let e = self.queued.remove(&id)?;
            self.systems[s as usize]
                .bumped
                .remove(&(Reverse(e.globalpriority), id));
            self.jobsets[e.jobset as usize].queued -= 1;
            self.start(id, e.jobset, s, now);
            return Some(Picked {
                id,
                jobset: e.jobset,
                system: s,
            });
        }
        // 2. lowest share_used jobset, 3. its best build
        let mut best: Option<(Key, SystemId)> = None;
        for &s in systems {
            let Some(q) = self.systems.get(s as usize) else {
                continue;
            };
            if let Some(&k) = q.idle.first() {
                if best.is_none_or(|(b, _)| k < b) {
                    best = Some((k, s));
                }
            }
            for &js in &q.busy {
                let Some(head) = q.jobsets.get(&js).and_then(|sj| sj.builds.first()) else {
                    continue;
                };
                let k = (
                    Ordf(self.jobsets[js as usize].share_used(now)),
                    head.0,
                    head.1,
                    js,
                );
                if best.is_none_or(|(b, _)| k < b) {
                    best = Some((k, s));
                }
            }
        }
        let ((_, Reverse(prio), id, js), s) = best?;
        self.queued.remove(&id);
        self.jobsets[js as usize].queued -= 1;
        self.remove_unbumped(id, js, s, prio, now);
        self.start(id, js, s, now);
        Some(Picked {
            id,
            jobset: js,
            system: s,
        })
    }

    /// Marks a known build as running without picking it (used when the runner adopts a build).
    fn start(&mut self, id: u64, js: JobsetId, s: SystemId, now: f64) {
        let was_idle = self.jobsets[js as usize].running.is_empty();
        self.jobsets[js as usize].running.insert(id, now);
        self.running.insert(id, (js, s));
        if was_idle {
            self.refresh_jobset(js, now);
        }
    }

    /// A running build stopped (any outcome): its elapsed time is charged to its jobset.
    /// Returns the seconds charged.
    pub fn finish(&mut self, id: u64, now: f64) -> Option<f64> {
        let (js, _) = self.running.remove(&id)?;
        let start = self.jobsets[js as usize].running.remove(&id)?;
        let secs = (now - start).max(0.0);
        if secs > 0.0 {
            self.jobsets[js as usize].charged += secs;
            self.expiry
                .push(Reverse((Ordf(now + WINDOW), js, Ordf(secs))));
        }
        self.refresh_jobset(js, now);
        Some(secs)
    }

    /// A running build stopped without being charged (shutdown: it is queued again later).
    pub fn forget_running(&mut self, id: u64, now: f64) -> bool {
        let Some((js, _)) = self.running.remove(&id) else {
            return false;
        };
        self.jobsets[js as usize].running.remove(&id);
        self.refresh_jobset(js, now);
        true
    }

    /// Drops charges that left the window.
    pub fn expire(&mut self, now: f64) {
        while let Some(Reverse((t, js, secs))) = self.expiry.peek().copied() {
            if t.0 > now {
                break;
            }
            self.expiry.pop();
            let j = &mut self.jobsets[js as usize];
            j.charged = (j.charged - secs.0).max(0.0);
            if j.charged < 1e-9 {
                j.charged = 0.0;
            }
            self.refresh_jobset(js, now);
        }
    }

    /// The same decision by a full sort of every runnable build, as Hydra's queue runner does.
    /// O(n log n) per decision: the reference for tests and the baseline for the bench.
    /// Does not change state.
    pub fn pick_by_full_sort(&self, systems: &[SystemId], now: f64) -> Option<u64> {
        let mut live: HashMap<JobsetId, f64> = HashMap::new();
        let mut cands: Vec<(Reverse<i32>, Ordf, Reverse<i32>, u64)> = Vec::new();
        for (&id, e) in &self.queued {
            if !systems.contains(&e.system) {
                continue;
            }
            let gp = e.globalpriority.max(0);
            if gp > 0 {
                cands.push((Reverse(gp), Ordf(0.0), Reverse(0), id));
                continue;
            }
            let share = *live
                .entry(e.jobset)
                .or_insert_with(|| self.jobsets[e.jobset as usize].share_used(now));
            cands.push((Reverse(0), Ordf(share), Reverse(e.priority), id));
        }
        cands.sort_unstable();
        cands.first().map(|c| c.3)
    }

    // ---- internals ----

    fn lift_returning(&mut self, js: JobsetId, now: f64) {
        let mut min_active: Option<f64> = None;
        for q in &self.systems {
            if let Some(k) = q.idle.first() {
                min_active = Some(min_active.map_or(k.0 .0, |m: f64| m.min(k.0 .0)));
            }
        }
        // Jobsets with running builds: found through the running builds (bounded by slots).
        for &(j, _) in self.running.values() {
            if j != js {
                let u = self.jobsets[j as usize].share_used(now);
                min_active = Some(min_active.map_or(u, |m| m.min(u)));
            }
        }
        let Some(min_active) = min_active else {
            return;
        };
        let j = &self.jobsets[js as usize];
        let shares = f64::from(j.shares.max(1));
        let target = min_active - CATCH_UP_CREDIT / shares;
        let own = j.share_used(now);
        if own < target {
            let secs = (target - own) * shares;
            self.jobsets[js as usize].charged += secs;
            self.expiry
                .push(Reverse((Ordf(now + WINDOW), js, Ordf(secs))));
        }
    }

    fn insert_unbumped(&mut self, id: u64, js: JobsetId, s: SystemId, prio: i32, now: f64) {
        let q = &mut self.systems[s as usize];
        let sj = q.jobsets.entry(js).or_default();
        let was_empty = sj.builds.is_empty();
        let old_head = sj.builds.first().copied();
        sj.builds.insert((Reverse(prio), id));
        if was_empty {
            self.jobsets[js as usize].systems.push(s);
        }
        if old_head
            != self.systems[s as usize].jobsets[&js]
                .builds
                .first()
                .copied()
        {
            self.refresh(js, s, now);
        }
    }

    fn remove_unbumped(&mut self, id: u64, js: JobsetId, s: SystemId, prio: i32, now: f64) {
        let q = &mut self.systems[s as usize];
        let Some(sj) = q.jobsets.get_mut(&js) else {
            return;
        };
        let old_head = sj.builds.first().copied();
        sj.builds.remove(&(Reverse(prio), id));
        if sj.builds.is_empty() {
            if let Some(k) = sj.key {
                q.idle.remove(&k);
            }
            q.busy.remove(&js);
            q.jobsets.remove(&js);
            self.jobsets[js as usize].systems.retain(|&x| x != s);
        } else if old_head != sj.builds.first().copied() {
            self.refresh(js, s, now);
        }
    }

    fn refresh_jobset(&mut self, js: JobsetId, now: f64) {
        let systems = std::mem::take(&mut self.jobsets[js as usize].systems);
        for &s in &systems {
            self.refresh(js, s, now);
        }
        self.jobsets[js as usize].systems = systems;
    }

    /// Re-files a jobset in one system's sets after its usage, running state or head changed.
    fn refresh(&mut self, js: JobsetId, s: SystemId, now: f64) {
        let j = &self.jobsets[js as usize];
        let has_running = !j.running.is_empty();
        let share = j.share_used(now);
        let q = &mut self.systems[s as usize];
        let Some(sj) = q.jobsets.get_mut(&js) else {
            return;
        };
        if let Some(k) = sj.key.take() {
            q.idle.remove(&k);
        }
        let Some(&(p, id)) = sj.builds.first() else {
            q.busy.remove(&js);
            return;
        };
        if has_running {
            q.busy.insert(js);
        } else {
            q.busy.remove(&js);
            let k = (Ordf(share), p, id, js);
            sj.key = Some(k);
            q.idle.insert(k);
        }
    }
}

impl Policy {
    #[doc(hidden)]
    pub fn debug_build(&self, id: u64, now: f64) -> String {
        match self.queued.get(&id) {
            Some(e) => {
                let q = &self.systems[e.system as usize];
                format!(
                    "{id}: js {} sys {} prio {} gp {} share {} in_idle {:?} busy {} head {:?}",
                    e.jobset,
                    e.system,
                    e.priority,
                    e.globalpriority,
                    self.jobsets[e.jobset as usize].share_used(now),
                    q.jobsets.get(&e.jobset).and_then(|s| s.key),
                    q.busy.contains(&e.jobset),
                    q.jobsets.get(&e.jobset).and_then(|s| s.builds.first()),
                )
            }
            None => format!("{id} not queued"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qb(id: u64, js: JobsetId, prio: i32) -> QueuedBuild {
        QueuedBuild {
            id,
            jobset: js,
            system: 0,
            priority: prio,
            globalpriority: 0,
        }
    }

    #[test]
    fn empty_and_unknown() {
        let mut p = Policy::new();
        let s = p.add_system();
        assert_eq!(p.pick(&[s], 0.0), None);
        assert!(!p.enqueue(qb(1, 7, 0), 0.0));
        assert!(!p.remove(1, 0.0));
        assert_eq!(p.finish(1, 0.0), None);
    }

    #[test]
    fn remove_and_bump_keep_sets_consistent() {
        let mut p = Policy::new();
        let s = p.add_system();
        let a = p.add_jobset(100);
        for i in 1..=5 {
            p.enqueue(qb(i, a, 0), 0.0);
        }
        assert!(p.remove(1, 0.0));
        assert!(p.bump(4, 10, 0.0));
        assert_eq!(p.pick(&[s], 0.0).map(|x| x.id), Some(4));
        assert_eq!(p.pick(&[s], 0.0).map(|x| x.id), Some(2));
        assert_eq!(p.pick(&[s], 0.0).map(|x| x.id), Some(3));
        assert_eq!(p.pick(&[s], 0.0).map(|x| x.id), Some(5));
        assert_eq!(p.pick(&[s], 0.0), None);
        assert_eq!(p.running_len(), 4);
        assert_eq!(p.finish(2, 10.0), Some(10.0));
        assert_eq!(p.charged(a), 10.0);
        // The window forgets.
        p.expire(10.0 + WINDOW);
        assert_eq!(p.charged(a), 0.0);
    }
}
