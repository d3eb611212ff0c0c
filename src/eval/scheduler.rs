//! When evaluations run: the eval thread checks every jobset whose `checkinterval` elapsed or
//! that was triggered, and runs at most `max_concurrent_evals` evaluations at once, each on
//! its own worker thread, so the web and the queue runner never wait for Nix.

use super::{evaluate_jobset, EvalError, EvalOutcome};
use crate::app::App;
use crate::db::{self, Db, Jobset};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Jobsets being evaluated, and those skipped recently (one-at-a-time with unfinished builds,
/// shutting down) that must not be retried before the given instant: without it a pending
/// trigger on a busy jobset would spin the loop.
#[derive(Default)]
struct State {
    running: BTreeSet<(String, String)>,
    retry_after: BTreeMap<(String, String), Instant>,
}

/// Longest sleep between checks: triggers wake the thread at once, but a one-at-a-time jobset
/// waiting for its builds is only noticed by polling.
const MAX_IDLE: Duration = Duration::from_secs(5);

/// Asks for an evaluation of a jobset: the eval thread picks it up (callers then notify
/// `app.eval_wake`). `force` evaluates even when the inputs did not change. A disabled jobset or
/// project cannot be triggered.
pub fn trigger(db: &Db, project: &str, jobset: &str, force: bool) -> Result<(), EvalError> {
    let p = db
        .project(project)?
        .ok_or_else(|| EvalError::NotFound(format!("project `{project}`")))?;
    let js = db
        .jobset(project, jobset)?
        .ok_or_else(|| EvalError::NotFound(format!("jobset `{project}:{jobset}`")))?;
    if !p.enabled {
        return Err(EvalError::Disabled(format!("project `{project}`")));
    }
    if js.enabled == db::JOBSET_DISABLED {
        return Err(EvalError::Disabled(format!("jobset `{project}:{jobset}`")));
    }
    db.update_jobset(project, jobset, |j| {
        j.triggertime = Some(db::now());
        j.trigger_seq = j.trigger_seq.wrapping_add(1);
        if force {
            j.force_eval = true;
            j.force_seq = j.trigger_seq;
        }
    })?;
    Ok(())
}

/// Whether a jobset should be evaluated at `now`, and when it next will be otherwise.
/// Pure, so the rules are testable without a clock or a database.
pub fn due(js: &Jobset, project_enabled: bool, now: i64) -> (bool, Option<i64>) {
    if !project_enabled || js.enabled == db::JOBSET_DISABLED {
        return (false, None);
    }
    if js.triggertime.is_some() || js.force_eval {
        return (true, None);
    }
    if js.checkinterval == 0 {
        return (false, None);
    }
    match js.lastcheckedtime {
        None => (true, None),
        Some(t) => {
            let next = t.saturating_add(js.checkinterval as i64);
            (now >= next, Some(next))
        }
    }
}

/// Starts the eval thread. It exits (after its running evaluations stop) when
/// `app.shutting_down()`.
pub fn spawn(app: Arc<App>) -> JoinHandle<()> {
    std::thread::Builder::new()
        .name("hydrant-eval".into())
        .spawn(move || eval_loop(app))
        .unwrap_or_else(|e| {
            // Without a thread there is no evaluator; say so rather than crash the server.
            eprintln!("hydrant: cannot start the eval thread: {e}");
            std::thread::spawn(|| {})
        })
}

/// How long shutdown waits for running evaluations. Their children are killed within 100 ms
/// of the request (see `run::run`) and fetches check the flag between files, so this only
/// matters for a worker stuck in a system call; it is abandoned, and dies with the process.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

fn eval_loop(app: Arc<App>) {
    let running: Arc<Mutex<State>> = Arc::default();
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    while !app.shutting_down() {
        workers.retain(|w| !w.is_finished());
        let sleep = match start_due(&app, &running, &mut workers) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("hydrant: eval scheduler: {e}");
                MAX_IDLE
            }
        };
        app.eval_wake.wait(sleep);
    }
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while workers.iter().any(|w| !w.is_finished()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let (done, stuck): (Vec<_>, Vec<_>) = workers.into_iter().partition(|w| w.is_finished());
    for w in done {
        let _ = w.join();
    }
    if !stuck.is_empty() {
        eprintln!(
            "hydrant: {} evaluation(s) did not stop within {}s of shutdown; leaving them",
            stuck.len(),
            SHUTDOWN_GRACE.as_secs()
        );
    }
}

/// Frees a jobset's eval slot when dropped, so a worker that panics (or returns early) never
/// keeps its slot, and wakes the loop to fill it.
struct Slot {
    key: (String, String),
    running: Arc<Mutex<State>>,
    app: Arc<App>,
    retry: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut st = self.running.lock().unwrap_or_else(|p| p.into_inner());
        st.running.remove(&self.key);
        if self.retry {
            st.retry_after
                .insert(self.key.clone(), Instant::now() + MAX_IDLE);
        }
        drop(st);
        self.app.eval_wake.notify();
    }
}

/// One jobset's evaluation on its worker thread; returns whether to retry it soon.
fn run_one(app: &App, key: &(String, String)) -> bool {
    run_guarded(app, key, || evaluate_jobset(app, &key.0, &key.1, false))
}

/// Runs `eval` for a jobset. A panic is caught and recorded on the jobset as its evaluation
/// error (checked again at the next interval), like any failed evaluation.
fn run_guarded(
    app: &App,
    key: &(String, String),
    eval: impl FnOnce() -> Result<EvalOutcome, EvalError>,
) -> bool {
    let (p, j) = (key.0.as_str(), key.1.as_str());
    // The triggers before the eval: a crash ends those only (`Jobset::end_trigger`).
    let seen = app.db.jobset(p, j).ok().flatten().map(|js| js.trigger_seq);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(eval));
    match outcome {
        Ok(Ok(EvalOutcome::Failed(m)))
        | Ok(Ok(EvalOutcome::FetchFailed(m)))
        | Ok(Ok(EvalOutcome::Cancelled(m))) => {
            eprintln!("hydrant: evaluating {p}:{j} failed: {m}");
            false
        }
        Ok(Ok(EvalOutcome::Skipped(_))) => true,
        Ok(Ok(_)) => false,
        Ok(Err(e)) => {
            eprintln!("hydrant: evaluating {p}:{j}: {e}");
            true
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let msg = format!("internal error: hydrant's evaluator crashed: {what}");
            eprintln!("hydrant: evaluating {p}:{j}: {msg}");
            let now = db::now();
            let recorded = app.db.update_jobset(p, j, |js| {
                js.errormsg = Some(msg);
                js.errortime = Some(now);
                js.lastcheckedtime = Some(now);
                js.end_trigger(seen.unwrap_or(js.trigger_seq));
            });
            if let Err(e) = recorded {
                eprintln!("hydrant: evaluating {p}:{j}: cannot record the crash: {e}");
            }
            false
        }
    }
}

/// Starts workers for due jobsets (triggered first, then the longest unchecked) while slots
/// are free; returns how long to sleep before looking again.
fn start_due(
    app: &Arc<App>,
    running: &Arc<Mutex<State>>,
    workers: &mut Vec<JoinHandle<()>>,
) -> Result<Duration, EvalError> {
    let now = db::now();
    let projects: BTreeMap<String, bool> = app
        .db
        .projects()?
        .into_iter()
        .map(|p| (p.name, p.enabled))
        .collect();
    let mut candidates = Vec::new();
    let mut next_due: Option<i64> = None;
    for js in app.db.all_jobsets()? {
        let enabled = projects.get(&js.project).copied().unwrap_or(false);
        let (is_due, next) = due(&js, enabled, now);
        if is_due {
            candidates.push(js);
        } else if let Some(n) = next {
            next_due = Some(next_due.map_or(n, |d: i64| d.min(n)));
        }
    }
    candidates.sort_by_key(|j| (j.triggertime.is_none() && !j.force_eval, j.lastcheckedtime));
    let max = app.config.max_concurrent_evals.max(1);
    let mut state = running.lock().unwrap_or_else(|p| p.into_inner());
    let now_i = Instant::now();
    state.retry_after.retain(|_, t| *t > now_i);
    for js in candidates {
        if state.running.len() >= max {
            break;
        }
        let key = (js.project.clone(), js.name.clone());
        if state.retry_after.contains_key(&key) || !state.running.insert(key.clone()) {
            continue;
        }
        let (app2, running2, key2) = (Arc::clone(app), Arc::clone(running), key.clone());
        let w = std::thread::Builder::new()
            .name(format!("hydrant-eval-{}:{}", key.0, key.1))
            .spawn(move || {
                // Made first thing on the thread: its drop takes the lock this loop holds.
                let mut slot = Slot {
                    key: key2,
                    running: running2,
                    app: app2,
                    retry: false,
                };
                slot.retry = run_one(&slot.app, &slot.key);
            });
        match w {
            Ok(w) => workers.push(w),
            Err(e) => {
                eprintln!("hydrant: cannot start an eval worker: {e}");
                state.running.remove(&key);
            }
        }
    }
    let sleep = next_due
        .map(|n| Duration::from_secs(n.saturating_sub(now).max(1) as u64))
        .unwrap_or(MAX_IDLE)
        .min(MAX_IDLE);
    Ok(sleep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_evaluation_is_recorded_and_frees_its_slot() {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-panic-{}", u64::from_le_bytes(b)));
        let config = crate::config::Config {
            state_dir: dir.clone(),
            ..Default::default()
        };
        let app = Arc::new(App::new(
            config.clone(),
            Db::open(&config.db_path()).unwrap(),
        ));
        app.db
            .put_project(&db::Project {
                name: "p".into(),
                enabled: true,
                ..Default::default()
            })
            .unwrap();
        app.db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
        trigger(&app.db, "p", "j", true).unwrap();
        let running: Arc<Mutex<State>> = Arc::default();
        let key = ("p".to_string(), "j".to_string());
        running.lock().unwrap().running.insert(key.clone());
        let (app2, running2, key2) = (app.clone(), running.clone(), key.clone());
        std::thread::spawn(move || {
            let mut slot = Slot {
                key: key2,
                running: running2,
                app: app2,
                retry: false,
            };
            slot.retry = run_guarded(&slot.app, &slot.key, || panic!("boom on purpose"));
        })
        .join()
        .unwrap();
        assert!(
            running.lock().unwrap().running.is_empty(),
            "the slot is free"
        );
        let js = app.db.jobset("p", "j").unwrap().unwrap();
        assert!(js.errormsg.unwrap().contains("boom on purpose"));
        assert!(js.triggertime.is_none() && js.lastcheckedtime.is_some());
        // A panic that escapes everything still frees the slot (the Slot's drop).
        running.lock().unwrap().running.insert(key.clone());
        let (app2, running2, key2) = (app.clone(), running.clone(), key.clone());
        let h = std::thread::spawn(move || {
            let _slot = Slot {
                key: key2,
                running: running2,
                app: app2,
                retry: false,
            };
            panic!("outside the guard");
        });
        assert!(h.join().is_err());
        assert!(running.lock().unwrap().running.is_empty());
        drop(app);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn due_rules() {
        let mut js = Jobset::new("p", "j");
        js.checkinterval = 60;
        assert_eq!(due(&js, true, 1000), (true, None), "never checked");
        js.lastcheckedtime = Some(1000);
        assert_eq!(due(&js, true, 1030), (false, Some(1060)));
        assert_eq!(due(&js, true, 1060), (true, Some(1060)));
        assert_eq!(due(&js, false, 2000), (false, None), "project disabled");
        js.checkinterval = 0;
        assert_eq!(due(&js, true, 9999), (false, None), "0 = only on trigger");
        js.triggertime = Some(5);
        assert_eq!(due(&js, true, 1001), (true, None));
        js.enabled = db::JOBSET_DISABLED;
        assert_eq!(
            due(&js, true, 1001),
            (false, None),
            "disabled ignores triggers"
        );
    }
}
