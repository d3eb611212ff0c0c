//! Evaluations in progress: what each has done so far (for the jobset page) and a cancel flag
//! a user with eval rights can raise. In memory only: a restart ends every evaluation anyway.

use super::workers::Counters;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One running evaluation.
#[derive(Debug)]
pub struct Progress {
    pub started: Instant,
    /// Unix time of the start.
    pub started_at: i64,
    pub counters: Counters,
    cancel: AtomicBool,
    cancelled_by: Mutex<Option<String>>,
}

impl Progress {
    pub fn cancel_requested(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Who cancelled it, once cancelled.
    pub fn cancelled_by(&self) -> Option<String> {
        self.cancelled_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The running evaluations, by (project, jobset).
#[derive(Debug, Default)]
pub struct Running {
    map: Mutex<BTreeMap<(String, String), Arc<Progress>>>,
}

/// Removes its evaluation from [`Running`] when dropped.
pub struct Guard<'a> {
    running: &'a Running,
    key: (String, String),
    progress: Arc<Progress>,
}

impl Guard<'_> {
    pub fn progress(&self) -> &Progress {
        &self.progress
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        let mut m = self.running.map.lock().unwrap_or_else(|p| p.into_inner());
        if m.get(&self.key)
            .is_some_and(|p| Arc::ptr_eq(p, &self.progress))
        {
            m.remove(&self.key);
        }
    }
}

impl Running {
    /// Registers an evaluation of `project:jobset` starting now.
    pub fn start(&self, project: &str, jobset: &str, now: i64) -> Guard<'_> {
        let key = (project.to_string(), jobset.to_string());
        let progress = Arc::new(Progress {
            started: Instant::now(),
            started_at: now,
            counters: Counters::default(),
            cancel: AtomicBool::new(false),
            cancelled_by: Mutex::new(None),
        });
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone(), progress.clone());
        Guard {
            running: self,
            key,
            progress,
        }
    }

    /// The evaluation of `project:jobset` running now, if any.
    pub fn get(&self, project: &str, jobset: &str) -> Option<Arc<Progress>> {
        self.map
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(project.to_string(), jobset.to_string()))
            .cloned()
    }

    /// Asks the running evaluation of `project:jobset` to stop; false when none runs.
    pub fn cancel(&self, project: &str, jobset: &str, by: &str) -> bool {
        let Some(p) = self.get(project, jobset) else {
            return false;
        };
        p.cancelled_by
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert_with(|| by.to_string());
        p.cancel.store(true, Ordering::SeqCst);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_tracks_and_cancels() {
        let r = Running::default();
        assert!(!r.cancel("p", "j", "alice"));
        {
            let g = r.start("p", "j", 5);
            assert_eq!(r.get("p", "j").unwrap().started_at, 5);
            assert!(!g.progress().cancel_requested());
            assert!(r.cancel("p", "j", "alice"));
            assert!(r.cancel("p", "j", "bob"));
            assert!(g.progress().cancel_requested());
            assert_eq!(g.progress().cancelled_by().as_deref(), Some("alice"));
        }
        assert!(r.get("p", "j").is_none());
    }
}
