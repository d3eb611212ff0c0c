//! Parallel evaluation, nix-eval-jobs' way on Nix 2.8's CLI: `eval_workers` long-lived
//! `nix repl` processes load the wrapper once and are fed batches of attribute paths on stdin;
//! each path answers one record on stderr as soon as it is evaluated (a job, the children of an
//! attribute set, which go back to the shared queue, or Nix's own error message, after which
//! the repl simply reads the next line). Nothing that grows with the jobset is on a command
//! line. A worker whose resident size passes the limit is killed and restarted, and the path it
//! was on is retried alone in a fresh process; a path that takes a worker down twice is
//! recorded as an error. Results are keyed by path, so the merge does not depend on timing.
//!
//! # No path is ever dropped
//!
//! Invariant: every path handed to a worker ends as exactly one of a record (a job, or an
//! error of its own), children (an attribute set walked into, or null), or an error saying
//! why it has no answer; until then it is in flight or queued. This is checked per batch
//! (`resolve` accounts for each path of the batch once) and for the whole evaluation (the
//! outcomes must number the paths discovered, else the evaluation fails; see `evaluate`).
//!
//! The ways a sent path could end without an outcome, and what happens to each:
//! - Its record line is garbled, split by another line (a warning such as Nix's "SQLite
//!   database is busy" from a process writing .drv files concurrently), cut, or otherwise
//!   unparseable: a stderr line that carries the nonce but is not a well-formed record counts
//!   as a problem for the path in flight (the one after the last record read), which is sent
//!   again alone, never skipped.
//! - A record is lost outright: records carry their index in the batch, so a lost one cannot
//!   shift the others onto the wrong paths, and a path before the last record that has none
//!   is sent again alone.
//! - The failing path is inferred as the one after the last record: trusted only when Nix
//!   printed an error and nothing garbled came; otherwise that path is sent again alone too.
//! - Duplicate records: an identical one is ignored; conflicting ones make the path a
//!   problem (sent again alone). An index outside the batch counts as garbled.
//! - The batch is cut short (memory kill, crash, EOF on stderr, a failed write): the path in
//!   flight gets a strike (alone next time, an error the second time); the rest are queued.
//! - A deadline or cancel: the evaluation as a whole fails, nothing is recorded partially.
//!
//! A path sent again alone that still gets no answer is recorded as an error naming the path
//! and quoting the worker's last stderr lines.
//!
//! # Scaling
//!
//! With fresh derivations nearly all of a worker's time is Nix writing `.drv` files (a 50,000
//! job release: ~20 s fresh, ~2 s when they exist). Nix 2.8 registers each in its own deferred
//! SQLite transaction and, when another process committed meanwhile (`SQLITE_BUSY`), sleeps a
//! random 0-100 ms before retrying (`handleSQLiteBusy`): two concurrent writers, be they
//! workers or plain `nix-instantiate`s, spend a third of their time in that sleep, so two
//! workers gain little over one on fresh derivations. `HYDRANT_EVAL_TIMING=1` prints where
//! an evaluation's time went (per worker, merge, `record_eval`) on stderr.

use super::run::{cap_text, RunError};
use super::{clean_message, valid_job_name, NixEvalError, RawJob};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// Paths sent to a worker in one line, at most (the queue is still shared fairly at the end of
/// an eval: a batch takes at most a share of what is left). Each line is a round trip to the
/// repl; 1,000 rather than 100 took a 50,000-job eval with existing derivations from 2.2 s to
/// 1.7 s on two workers.
const MAX_BATCH: usize = 1000;

/// A batch is sized to take about this long at its worker's last pace, so a worker that Nix
/// slows down holds little of what is left and the others take the rest. Two processes writing
/// .drv files contend for the store's SQLite write lock, and SQLite's back-off can leave one of
/// them waiting for most of a second; a 500-path batch stuck there was the end of a 2,000-job
/// eval on two workers.
const BATCH_TIME: Duration = Duration::from_millis(40);

/// A worker's first batch, before its pace is known (sizes then at most double per batch).
const FIRST_BATCH: usize = 64;

/// How often a waiting worker checks its process's memory and the stop flag.
const POLL: Duration = Duration::from_millis(20);

/// A stderr line longer than this is cut (a record that long is refused as a job).
const MAX_LINE: usize = 8 << 20;

/// What the evaluation found at one attribute path.
#[derive(Debug)]
pub enum Found {
    Job(Box<RawJob>),
    Error(String),
}

/// Live counters of a running evaluation (shown on the jobset page).
#[derive(Debug, Default)]
pub struct Counters {
    /// Paths evaluated (jobs, attribute sets and errors).
    pub done: AtomicUsize,
    pub jobs: AtomicUsize,
    pub errors: AtomicUsize,
    /// Paths waiting for a worker.
    pub queued: AtomicUsize,
    /// Worker processes restarted (memory limit or crash).
    pub restarts: AtomicUsize,
    /// The largest peak resident size (KiB) of one worker so far.
    pub peak_rss_kib: AtomicU64,
}

/// How to start one worker, and the limits of the evaluation.
pub struct Spec<'a> {
    /// `nix repl …` up to (not including) the file to load; cwd and environment set.
    pub command: &'a (dyn Fn() -> Command + Sync),
    /// The wrapper applied to the release and its inputs. Every batch line imports it rather
    /// than naming a variable of the repl's scope: Nix's import cache keeps the value alive,
    /// whatever the garbage collector thinks of the repl's own environment.
    pub load_file: &'a Path,
    pub workers: usize,
    pub max_rss_kib: u64,
    pub max_memory_mb: u64,
    pub error_cap: usize,
    pub deadline: Instant,
    pub counters: Option<&'a Counters>,
}

#[derive(Default)]
struct State {
    pending: VecDeque<Vec<String>>,
    /// Paths handed to workers and not yet resolved.
    busy: usize,
    /// How often a path took its worker down (memory limit or crash).
    strikes: HashMap<Vec<String>, u8>,
    found: BTreeMap<Vec<String>, Found>,
    /// Paths whose outcome was children (an attribute set) or nothing (null).
    walked: std::collections::BTreeSet<Vec<String>>,
    /// Paths that came back without an answer once (sent again alone).
    lost: HashMap<Vec<String>, u8>,
    /// Paths ever queued: the root, children and invalid child names.
    discovered: usize,
    /// A queued child's index in its parent's child names (as the wrapper lists them), so a
    /// batch names a run of siblings by its first index and length.
    index: HashMap<Vec<String>, usize>,
    fatal: Option<NixEvalError>,
}

struct Shared<'a> {
    state: Mutex<State>,
    cv: Condvar,
    stop: AtomicBool,
    spec: &'a Spec<'a>,
    nonce: String,
}

/// Evaluates the whole release: every path below the root, keyed by path.
/// `cancelled` is asked on this thread only (it need not be `Sync`).
pub fn evaluate(
    spec: &Spec,
    cancelled: &dyn Fn() -> bool,
) -> Result<BTreeMap<Vec<String>, Found>, NixEvalError> {
    let mut b = [0u8; 12];
    getrandom::getrandom(&mut b).map_err(|e| {
        NixEvalError::Run(RunError::Spawn {
            program: "nix repl".into(),
            error: format!("no randomness for the worker protocol: {e}"),
        })
    })?;
    let nonce: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let started = Instant::now();
    let shared = Shared {
        state: Mutex::new(State {
            pending: VecDeque::from([Vec::new()]),
            discovered: 1,
            ..Default::default()
        }),
        cv: Condvar::new(),
        stop: AtomicBool::new(false),
        spec,
        nonce: format!("hydrant-{nonce}"),
    };
    std::thread::scope(|s| {
        for _ in 0..spec.workers.max(1) {
            s.spawn(|| worker(&shared));
        }
        // This thread watches the deadline and the cancel flag (neither needs to be Sync).
        let mut st = lock(&shared.state);
        loop {
            let finished = st.pending.is_empty() && st.busy == 0;
            if finished || st.fatal.is_some() {
                break;
            }
            let stop = if Instant::now() >= spec.deadline {
                Some(RunError::TimedOut {
                    program: "nix repl".into(),
                    after: Duration::ZERO,
                })
            } else if cancelled() {
                Some(RunError::Cancelled {
                    program: "nix repl".into(),
                })
            } else {
                None
            };
            if let Some(e) = stop {
                st.fatal = Some(NixEvalError::Run(e));
                break;
            }
            st = match shared.cv.wait_timeout(st, Duration::from_millis(50)) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
        drop(st);
        shared.stop.store(true, Ordering::SeqCst);
        shared.cv.notify_all();
    });
    let st = shared.state.into_inner().unwrap_or_else(|p| p.into_inner());
    match st.fatal {
        Some(NixEvalError::Run(RunError::TimedOut { program, .. })) => {
            Err(NixEvalError::Run(RunError::TimedOut {
                program,
                after: started.elapsed(),
            }))
        }
        Some(e) => Err(e),
        None => {
            let outcomes = st.found.len() + st.walked.len();
            let overlap = st.walked.iter().any(|p| st.found.contains_key(p));
            debug_assert!(
                outcomes == st.discovered && !overlap,
                "{outcomes} outcomes for {} paths",
                st.discovered
            );
            if outcomes != st.discovered || overlap || !st.pending.is_empty() || st.busy != 0 {
                return Err(NixEvalError::BadOutput(format!(
                    "internal error: the evaluator accounted for {outcomes} of the {} attribute \
                     paths it discovered ({} queued, {} in flight); the evaluation is not \
                     recorded rather than recorded with jobs missing",
                    st.discovered,
                    st.pending.len(),
                    st.busy
                )));
            }
            Ok(st.found)
        }
    }
}

fn lock<'a>(m: &'a Mutex<State>) -> std::sync::MutexGuard<'a, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A batch's paths and, for each, its index in its parent's child names (see `batch_items`).
type Batch = (Vec<Vec<String>>, Vec<Option<usize>>);

/// The next batch for a worker, or None when the evaluation is over. A path that already took
/// a worker down goes alone, so a second time is its own fault.
fn take(sh: &Shared, limit: usize) -> Option<Batch> {
    let mut st = lock(&sh.state);
    loop {
        if sh.stop.load(Ordering::SeqCst) || st.fatal.is_some() {
            return None;
        }
        if !st.pending.is_empty() {
            break;
        }
        if st.busy == 0 {
            return None;
        }
        st = match sh.cv.wait(st) {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
    }
    let fair = st.pending.len() / (2 * sh.spec.workers.max(1));
    let want = fair.clamp(1, limit.clamp(1, MAX_BATCH));
    let mut batch = Vec::with_capacity(want);
    while batch.len() < want {
        let suspect = st
            .pending
            .front()
            .is_some_and(|p| st.strikes.contains_key(p) || st.lost.contains_key(p));
        if suspect && !batch.is_empty() {
            break;
        }
        let Some(p) = st.pending.pop_front() else {
            break;
        };
        batch.push(p);
        if suspect {
            break;
        }
    }
    st.busy += batch.len();
    if let Some(c) = sh.spec.counters {
        c.queued.store(st.pending.len(), Ordering::Relaxed);
    }
    let index = batch.iter().map(|p| st.index.get(p).copied()).collect();
    Some((batch, index))
}

/// How a batch ended.
enum End {
    /// The repl finished the line: `error` is Nix's message if a path failed.
    Synced {
        error: Option<String>,
    },
    /// Killed past the memory limit (resident KiB at the kill).
    Memory(u64),
    /// The process died by itself.
    Died(String),
    Stopped,
}

/// Whether `HYDRANT_EVAL_TIMING` is set: the evaluation's phases are timed on stderr.
pub fn timing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("HYDRANT_EVAL_TIMING").is_some())
}

fn worker(sh: &Shared) {
    let t0 = Instant::now();
    let mut t = [Duration::ZERO; 3];
    let (mut batches, mut paths) = (0usize, 0usize);
    worker_loop(sh, &mut t, &mut batches, &mut paths);
    if timing() {
        eprintln!(
            "hydrant timing: worker done after {:.2?}: {batches} batches, {paths} paths; \
             waiting for work {:.2?}, in the repl {:.2?}, resolving {:.2?}",
            t0.elapsed(),
            t[0],
            t[1],
            t[2]
        );
    }
}

fn worker_loop(sh: &Shared, t: &mut [Duration; 3], batches: &mut usize, paths: &mut usize) {
    let mut repl: Option<Repl> = None;
    // A failure costs the rest of its batch a resend, so batches shrink while paths fail (a
    // jobset where every job throws runs one path per line) and grow back while they do not,
    // up to what the worker does in `BATCH_TIME`.
    let mut limit = FIRST_BATCH;
    loop {
        let at = Instant::now();
        let next = take(sh, limit);
        t[0] += at.elapsed();
        let Some((batch, index)) = next else {
            break;
        };
        *batches += 1;
        *paths += batch.len();
        if repl.is_none() {
            match Repl::start(sh) {
                Ok(r) => repl = Some(r),
                Err(e) => {
                    let mut st = lock(&sh.state);
                    st.fatal.get_or_insert(NixEvalError::Run(e));
                    st.busy -= batch.len();
                    sh.cv.notify_all();
                    return;
                }
            }
        }
        let Some(r) = repl.as_mut() else { return };
        if tree_kib(r.pid, "VmRSS:") > sh.spec.max_rss_kib {
            // Grown past the limit over many jobs: a fresh process, and no job to blame.
            repl = None;
            if let Some(c) = sh.spec.counters {
                c.restarts.fetch_add(1, Ordering::Relaxed);
            }
            let mut st = lock(&sh.state);
            st.busy -= batch.len();
            for p in batch.into_iter().rev() {
                st.pending.push_front(p);
            }
            drop(st);
            sh.cv.notify_all();
            continue;
        }
        let at = Instant::now();
        let (lines, end) = r.run_batch(sh, &batch, &index);
        let took = at.elapsed();
        t[1] += took;
        let at = Instant::now();
        let verdicts = classify(batch.len(), &lines, &end);
        let answered = verdicts
            .iter()
            .filter(|v| matches!(v, Verdict::Record(_)))
            .count();
        limit = if answered < batch.len() {
            (limit / 4).max(1)
        } else {
            let per_path = took / batch.len().max(1) as u32;
            let paced = BATCH_TIME.as_nanos() / per_path.as_nanos().max(1);
            (paced.min(MAX_BATCH as u128) as usize).clamp(1, limit * 2)
        };
        let lost = !matches!(end, End::Synced { .. });
        let tail = r.tail();
        if lost {
            repl = None;
        }
        resolve(sh, batch, verdicts, end, &tail);
        t[2] += at.elapsed();
    }
}

/// One stderr line of a worker that concerns the protocol.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    /// `trace: NONCE INDEX {json}`: the record of the batch's path INDEX.
    Record(usize, String),
    /// A line carrying the nonce that is not a well-formed record (split, cut, interleaved).
    Garbled(String),
}

/// What a stderr line is, given the record prefix (`trace: NONCE `) and the sync text.
enum Kind {
    Line(Line),
    Sync,
    Other,
}

fn parse_line(line: &str, nonce: &str, rec_prefix: &str, sync: &str) -> Kind {
    if let Some(rest) = line.strip_prefix(rec_prefix) {
        if rest == sync {
            return Kind::Sync;
        }
        if let Some((i, json)) = rest.split_once(' ') {
            if let Ok(i) = i.parse::<usize>() {
                if json.starts_with('{') && json.ends_with('}') {
                    return Kind::Line(Line::Record(i, json.to_string()));
                }
            }
        }
        return Kind::Line(Line::Garbled(line.to_string()));
    }
    if line.contains(nonce) {
        return Kind::Line(Line::Garbled(line.to_string()));
    }
    Kind::Other
}

/// What one path of a batch came to.
#[derive(Debug, PartialEq)]
enum Verdict {
    Record(String),
    /// Nix's error message for this path.
    Error(String),
    /// No trustworthy answer: sent again alone (an error the second time).
    Lost,
    /// The path being evaluated when the worker was killed or died.
    InFlight,
    /// Not reached (after the failing path): queued again as usual.
    Unreached,
}

/// Gives each of a batch's `n` paths exactly one verdict from the lines read and how the
/// batch ended (see the invariant at the top of this file).
fn classify(n: usize, lines: &[Line], end: &End) -> Vec<Verdict> {
    let mut recs: Vec<Option<String>> = vec![None; n];
    let mut suspect = vec![false; n];
    let mut next = 0usize;
    let mut garbled = false;
    for l in lines {
        match l {
            Line::Record(i, json) if *i < n => {
                match &recs[*i] {
                    None => recs[*i] = Some(json.clone()),
                    Some(old) if old == json => {}
                    Some(_) => suspect[*i] = true,
                }
                next = next.max(i + 1);
            }
            Line::Record(..) | Line::Garbled(_) => {
                garbled = true;
                if next < n {
                    suspect[next] = true;
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if suspect[i] {
                return Verdict::Lost;
            }
            if let Some(r) = recs[i].take() {
                return Verdict::Record(r);
            }
            if i < next {
                return Verdict::Lost;
            }
            if i > next {
                return Verdict::Unreached;
            }
            match end {
                End::Synced { error: Some(e) } if !garbled => Verdict::Error(e.clone()),
                End::Synced { .. } => Verdict::Lost,
                End::Memory(_) | End::Died(_) => Verdict::InFlight,
                End::Stopped => Verdict::Unreached,
            }
        })
        .collect()
}

/// Records what a batch produced and puts back what it did not reach: each path of the
/// batch is accounted for exactly once.
fn resolve(sh: &Shared, batch: Vec<Vec<String>>, verdicts: Vec<Verdict>, end: End, tail: &str) {
    let spec = sh.spec;
    let n = batch.len();
    debug_assert_eq!(verdicts.len(), n);
    let alone = n == 1;
    let mut st = lock(&sh.state);
    let c = spec.counters;
    if !matches!(end, End::Synced { .. } | End::Stopped) {
        if let Some(c) = c {
            c.restarts.fetch_add(1, Ordering::Relaxed);
        }
    }
    let mut again: Vec<Vec<String>> = Vec::new();
    let (mut settled, mut queued) = (0usize, 0usize);
    let mut verdicts = verdicts.into_iter();
    for path in batch {
        let v = verdicts.next().unwrap_or(Verdict::Lost);
        let msg = match v {
            Verdict::Record(rec) => {
                let (f, children, bad) = parse_record(&path, &rec);
                st.discovered += children.len() + bad.len();
                for (p, f) in bad {
                    count(c, &f);
                    st.found.insert(p, f);
                }
                if path.is_empty() {
                    if let Some(Found::Error(m)) = &f {
                        st.fatal.get_or_insert(NixEvalError::Release(m.clone()));
                    }
                }
                for (child, i) in children {
                    st.index.insert(child.clone(), i);
                    st.pending.push_back(child);
                }
                if let Some(c) = c {
                    c.done.fetch_add(1, Ordering::Relaxed);
                }
                match f {
                    Some(f) => {
                        count(c, &f);
                        st.found.insert(path, f);
                    }
                    None => {
                        st.walked.insert(path);
                    }
                }
                settled += 1;
                continue;
            }
            Verdict::Error(e) => Some(e),
            Verdict::Lost => {
                let times = st.lost.entry(path.clone()).or_insert(0);
                *times += 1;
                (*times >= 2 && alone).then(|| {
                    let name = if path.is_empty() {
                        "the release".to_string()
                    } else {
                        format!("`{}`", path.join("."))
                    };
                    let mut m = format!(
                        "the evaluator gave no answer for {name} (asked twice, the second time \
                         alone); this is a fault of the evaluator, not necessarily of the job"
                    );
                    if !tail.is_empty() {
                        m.push_str("; its last stderr lines:\n");
                        m.push_str(tail);
                    }
                    m
                })
            }
            Verdict::InFlight => match &end {
                End::Memory(kib) => strike(&mut st, &path, || {
                    format!(
                        "evaluating this job took its evaluator past eval_max_memory_mb = {} MiB \
                         twice (killed at {} MiB); raise eval_max_memory_mb or make the job need \
                         less memory",
                        spec.max_memory_mb,
                        kib / 1024
                    )
                }),
                End::Died(msg) => strike(&mut st, &path, || {
                    format!("the evaluator died twice while evaluating this job: {msg}")
                }),
                _ => None,
            },
            Verdict::Unreached => None,
        };
        match msg {
            Some(m) if path.is_empty() => {
                st.fatal.get_or_insert(NixEvalError::Release(m));
                settled += 1;
            }
            Some(m) => {
                let f = Found::Error(cap_text(&m, spec.error_cap));
                count(c, &f);
                if let Some(c) = c {
                    c.done.fetch_add(1, Ordering::Relaxed);
                }
                st.found.insert(path, f);
                settled += 1;
            }
            None => {
                again.push(path);
                queued += 1;
            }
        }
    }
    debug_assert_eq!(
        settled + queued,
        n,
        "every path of a batch is accounted for"
    );
    for p in again.into_iter().rev() {
        st.pending.push_front(p);
    }
    st.busy -= n;
    if let Some(c) = c {
        c.queued.store(st.pending.len(), Ordering::Relaxed);
    }
    drop(st);
    sh.cv.notify_all();
}

fn count(c: Option<&Counters>, f: &Found) {
    if let Some(c) = c {
        match f {
            Found::Job(_) => c.jobs.fetch_add(1, Ordering::Relaxed),
            Found::Error(_) => c.errors.fetch_add(1, Ordering::Relaxed),
        };
    }
}

/// A path took its worker down: retried once (alone), an error the second time.
fn strike(st: &mut State, path: &[String], msg: impl FnOnce() -> String) -> Option<String> {
    let n = st.strikes.entry(path.to_vec()).or_insert(0);
    *n += 1;
    (*n >= 2).then(msg)
}

/// What one record of the wrapper says: what is at the path, the child paths to walk, and
/// children whose names are not job names (errors, never sent to a worker, so a hostile name
/// stays out of its stdin).
type Parsed = (
    Option<Found>,
    Vec<(Vec<String>, usize)>,
    Vec<(Vec<String>, Found)>,
);

fn parse_record(path: &[String], rec: &str) -> Parsed {
    #[derive(serde::Deserialize)]
    struct Shape {
        #[serde(default)]
        children: Option<Vec<String>>,
        #[serde(default)]
        unsupported: Option<String>,
        #[serde(default, rename = "drvPath")]
        drv_path: Option<String>,
    }
    let unexpected = |e: serde_json::Error| {
        Some(Found::Error(format!(
            "unexpected record from the evaluator: {e}"
        )))
    };
    let shape: Shape = match serde_json::from_str(rec) {
        Ok(s) => s,
        Err(e) => return (unexpected(e), Vec::new(), Vec::new()),
    };
    if let Some(names) = shape.children {
        let (mut paths, mut bad) = (Vec::new(), Vec::new());
        for (i, n) in names.into_iter().enumerate() {
            let mut p = path.to_vec();
            p.push(n);
            let name = p.join(".");
            if p[p.len() - 1].contains('.') {
                // Hydra's rule too (hydra-eval-jobs skips it with a log line): a job name's dots
                // separate attributes, so this one could only be confused with another job.
                let short: String = p[p.len() - 1].chars().take(200).collect();
                bad.push((
                    p,
                    Found::Error(format!(
                        "attribute {short:?} has a dot in its name, so it cannot be a job (in \
                         a job name, dots separate attributes): skipped"
                    )),
                ));
            } else if valid_job_name(&name) {
                paths.push((p, i));
            } else {
                let short: String = name.chars().take(200).collect();
                let msg = format!(
                    "invalid job name {short:?}: a job name is attribute names \
                     [A-Za-z_][A-Za-z0-9_'-]* joined by `.`"
                );
                bad.push((p, Found::Error(msg)));
            }
        }
        return (None, paths, bad);
    }
    if let Some(t) = shape.unsupported {
        let msg = format!(
            "unsupported value of type {t}: a job must be a derivation, an attribute set or null"
        );
        return (Some(Found::Error(msg)), Vec::new(), Vec::new());
    }
    if shape.drv_path.is_none() {
        return (None, Vec::new(), Vec::new());
    }
    match serde_json::from_str::<RawJob>(rec) {
        Ok(mut j) => {
            j.name = path.join(".");
            (Some(Found::Job(Box::new(j))), Vec::new(), Vec::new())
        }
        Err(e) => (unexpected(e), Vec::new(), Vec::new()),
    }
}

/// A batch's items for the wrapper: siblings queued one after the other (consecutive indices
/// in their parent's child names) as one `[ PARENT FROM COUNT ]` run, any other path spelled
/// out. `nix repl` reads its input a byte at a time (three system calls per byte), so with
/// every name spelled out the input alone made an eval whose derivations all exist 2x slower
/// than `nix-instantiate`.
fn batch_items(batch: &[Vec<String>], index: &[Option<usize>]) -> String {
    fn quoted(out: &mut String, p: &[String]) {
        out.push_str(" [");
        for c in p {
            out.push_str(" \"");
            out.push_str(c);
            out.push('"');
        }
        out.push_str(" ]");
    }
    let mut out = String::new();
    let mut k = 0;
    while k < batch.len() {
        let p = &batch[k];
        let mut len = 1;
        if let (Some(from), Some((_, parent))) = (index.get(k).copied().flatten(), p.split_last()) {
            while k + len < batch.len() {
                let q = &batch[k + len];
                let next = index.get(k + len).copied().flatten();
                if next != Some(from + len) || q.len() != p.len() || q[..q.len() - 1] != *parent {
                    break;
                }
                len += 1;
            }
            if len > 1 {
                out.push_str(" [");
                quoted(&mut out, parent);
                out.push_str(&format!(" {from} {len} ]"));
                k += len;
                continue;
            }
        }
        quoted(&mut out, p);
        k += 1;
    }
    out
}

/// A pipe reader that, while data is flowing in a big batch, waits a little before each read,
/// so the writer's lines gather in the pipe and are read many at a time. A reader blocked on an
/// empty pipe is woken by every write: for a worker's one line per job that doubled the system
/// time of the repl (0.6 s more for 50,000 records, measured against writing to /dev/null).
/// An idle pipe is read at once, so a batch's last line waits at most `GATHER`; small batches
/// (a jobset whose jobs fail goes one path a line) never wait.
struct Unhurried<R> {
    inner: R,
    flowing: bool,
    /// Set by the worker while its batch is big enough (`GATHER_MIN_BATCH`).
    gather: std::sync::Arc<AtomicBool>,
}

/// How long a flowing pipe gathers lines (the pipe's 64 KiB hold far more than a repl writes
/// meanwhile).
const GATHER: Duration = Duration::from_micros(300);

/// Batches of fewer paths are read line by line: each round trip would cost `GATHER`.
const GATHER_MIN_BATCH: usize = 32;

impl<R: std::io::Read> std::io::Read for Unhurried<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.flowing && self.gather.load(Ordering::Relaxed) {
            std::thread::sleep(GATHER);
        }
        let n = self.inner.read(buf)?;
        self.flowing = n > 0;
        Ok(n)
    }
}

/// One `nix repl` worker process.
struct Repl<'a> {
    counters: Option<&'a Counters>,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    /// Whether the stderr reader gathers lines (see `Unhurried`).
    gather: std::sync::Arc<AtomicBool>,
    pid: u32,
    seq: u64,
    /// The last stderr lines that were not records (for a path with no answer).
    tail: VecDeque<String>,
    _recorded: crate::children::Recorded,
}

impl<'a> Repl<'a> {
    fn start(sh: &Shared<'a>) -> Result<Repl<'a>, RunError> {
        let c = (sh.spec.command)();
        let program = c.get_program().to_string_lossy().into_owned();
        let mut c = crate::children::prepare(c);
        c.stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = c.spawn().map_err(|e| RunError::Spawn {
            program: program.clone(),
            error: e.to_string(),
        })?;
        let pid = child.id();
        let recorded = crate::children::record(pid);
        let stdin = child.stdin.take();
        let stderr = child.stderr.take().ok_or_else(|| RunError::Spawn {
            program,
            error: "no stderr pipe".into(),
        })?;
        let (tx, rx) = std::sync::mpsc::channel();
        let gather = std::sync::Arc::new(AtomicBool::new(false));
        let gather_flag = gather.clone();
        std::thread::spawn(move || {
            let reader = Unhurried {
                inner: stderr,
                flowing: false,
                gather: gather_flag,
            };
            let mut r = BufReader::with_capacity(64 * 1024, reader);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match std::io::Read::take(&mut r, MAX_LINE as u64).read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if buf.last() != Some(&b'\n') && buf.len() >= MAX_LINE {
                    // Skip the rest of an overlong line.
                    let mut skip = Vec::new();
                    if r.read_until(b'\n', &mut skip).is_err() {
                        return;
                    }
                }
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                    return;
                }
            }
        });
        Ok(Repl {
            counters: sh.spec.counters,
            child,
            stdin,
            lines: rx,
            gather,
            pid,
            seq: 0,
            tail: VecDeque::new(),
            _recorded: recorded,
        })
    }

    /// Sends one batch and reads its records up to the sync line. Every path holds job-name
    /// characters only (`parse_record` keeps the others out), so nothing needs escaping.
    fn run_batch(
        &mut self,
        sh: &Shared,
        batch: &[Vec<String>],
        index: &[Option<usize>],
    ) -> (Vec<Line>, End) {
        let nonce = &sh.nonce;
        let mut records = Vec::new();
        self.seq += 1;
        self.gather
            .store(batch.len() >= GATHER_MIN_BATCH, Ordering::Relaxed);
        let load = super::inputs::nix_string(&sh.spec.load_file.to_string_lossy());
        let mut line = format!("(import {load}).batch \"{nonce}\" [");
        line.push_str(&batch_items(batch, index));
        line.push_str(&format!(
            " ]\nbuiltins.trace \"{nonce} sync {}\" null\n",
            self.seq
        ));
        let written = self
            .stdin
            .as_mut()
            .map(|s| s.write_all(line.as_bytes()).and_then(|_| s.flush()));
        if !matches!(written, Some(Ok(()))) {
            return (records, End::Died(self.exit_message(String::new())));
        }
        let end = self.read_until_sync(sh, &mut records);
        (records, end)
    }

    /// The last stderr lines that were not records, joined.
    fn tail(&self) -> String {
        self.tail.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    fn read_until_sync(&mut self, sh: &Shared, records: &mut Vec<Line>) -> End {
        let spec = sh.spec;
        let rec_prefix = format!("trace: {} ", sh.nonce);
        let sync = format!("sync {}", self.seq);
        let mut error: Option<String> = None;
        self.tail.clear();
        let mut next_check = Instant::now() + POLL;
        loop {
            // Checked on time, not only when stderr is quiet: a worker streaming records
            // faster than POLL is watched too.
            if Instant::now() >= next_check {
                next_check = Instant::now() + POLL;
                if sh.stop.load(Ordering::SeqCst) {
                    self.kill();
                    return End::Stopped;
                }
                let rss = tree_kib(self.pid, "VmRSS:");
                if rss > spec.max_rss_kib {
                    self.note_peak(spec.counters);
                    self.kill();
                    return End::Memory(rss);
                }
            }
            match self.lines.recv_timeout(POLL) {
                Ok(mut line) => {
                    if line.contains('\x1b') {
                        line = clean_message(&line);
                    }
                    match parse_line(&line, &sh.nonce, &rec_prefix, &sync) {
                        Kind::Sync => {
                            return End::Synced {
                                error: error.map(|e| clean_message(&e)),
                            };
                        }
                        Kind::Line(l) => {
                            if let Line::Garbled(g) = &l {
                                self.keep(cap_text(g, 2000));
                            }
                            records.push(l);
                        }
                        Kind::Other if error.is_some() || line.starts_with("error:") => {
                            let e = error.get_or_insert_with(String::new);
                            if e.len() < spec.error_cap {
                                e.push_str(&line);
                                e.push('\n');
                            }
                        }
                        Kind::Other => self.keep(line),
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let mut text = error.unwrap_or_default();
                    if text.is_empty() {
                        text = self.tail();
                    }
                    return End::Died(self.exit_message(clean_message(&text)));
                }
            }
        }
    }

    fn keep(&mut self, line: String) {
        self.tail.push_back(line);
        if self.tail.len() > 20 {
            self.tail.pop_front();
        }
    }

    /// Records this worker's peak resident size (`VmHWM`) in the counters.
    fn note_peak(&self, counters: Option<&Counters>) {
        if let Some(c) = counters {
            c.peak_rss_kib
                .fetch_max(tree_kib(self.pid, "VmHWM:"), Ordering::Relaxed);
        }
    }

    fn exit_message(&mut self, stderr: String) -> String {
        self.stdin = None;
        let status = match self.child.wait() {
            Ok(s) => s.to_string(),
            Err(e) => e.to_string(),
        };
        if stderr.is_empty() {
            format!("`nix repl` exited ({status})")
        } else {
            format!("`nix repl` exited ({status}): {stderr}")
        }
    }

    /// Stops the worker at once. Under `hydrant serve` it runs below hydrant's supervisor:
    /// the `nix repl` below it is SIGKILLed (no grace for a process racing past its memory
    /// limit), and the supervisor then kills the rest of the tree (builders of
    /// import-from-derivation, in their own sessions) and exits. Otherwise the group is killed.
    fn kill(&mut self) {
        let Ok(pid) = i32::try_from(self.pid) else {
            return;
        };
        let supervised = std::fs::read_link(format!("/proc/{pid}/exe")).ok()
            == std::fs::read_link("/proc/self/exe").ok();
        if supervised {
            let kids = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            for k in kids
                .split_whitespace()
                .filter_map(|k| k.parse::<i32>().ok())
            {
                // SAFETY: kill(2) on a child of our own supervisor process.
                unsafe {
                    libc::kill(k, libc::SIGKILL);
                }
            }
            let t = Instant::now();
            while t.elapsed() < crate::children::GRACE + Duration::from_secs(1) {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        // SAFETY: kill(2) on the process group we created for this worker.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Repl<'_> {
    fn drop(&mut self) {
        // End of input ends the repl; the kill is for one stuck in an evaluation.
        self.note_peak(self.counters);
        self.stdin = None;
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(200) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.kill();
    }
}

/// A /proc status field in KiB (`VmRSS:`, `VmHWM:`) summed over a process and its descendants
/// (under `hydrant serve` the worker runs below a supervisor); children are read from
/// `/proc/PID/task/PID/children`. 0 for a process that is gone.
pub fn tree_kib(pid: u32, field: &str) -> u64 {
    fn one(pid: u32, field: &str) -> u64 {
        let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
            return 0;
        };
        s.lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
    fn walk(pid: u32, field: &str, depth: u32) -> u64 {
        let mut total = one(pid, field);
        if depth < 4 {
            let kids = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
                .unwrap_or_default();
            for k in kids.split_whitespace().filter_map(|k| k.parse().ok()) {
                total += walk(k, field, depth + 1);
            }
        }
        total
    }
    walk(pid, field, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse() {
        let (f, c, bad) = parse_record(&["a".into()], r#"{"children":["b","c d","e"]}"#);
        assert!(f.is_none());
        let names: Vec<String> = c.iter().map(|(p, _)| p.join(".")).collect();
        assert_eq!(names, ["a.b", "a.e"]);
        let at: Vec<usize> = c.iter().map(|(_, i)| *i).collect();
        assert_eq!(
            at,
            [0, 2],
            "indices in the wrapper's list, invalid names counted"
        );
        assert!(
            matches!(&bad[..], [(p, Found::Error(m))] if p[1] == "c d" && m.contains("invalid job name"))
        );
        let (f, c, _) = parse_record(&["x".into()], "{}");
        assert!(f.is_none() && c.is_empty());
        let (f, _, _) = parse_record(&["x".into()], r#"{"unsupported":"int"}"#);
        assert!(matches!(f, Some(Found::Error(m)) if m.contains("type int")));
        let (f, _, _) = parse_record(
            &["x".into(), "y".into()],
            r#"{"drvPath":"/nix/store/a.drv","outputs":{"out":"/nix/store/a"}}"#,
        );
        assert!(matches!(f, Some(Found::Job(j)) if j.name == "x.y"));
        let (f, _, _) = parse_record(&["x".into()], "not json");
        assert!(matches!(f, Some(Found::Error(_))));
    }

    const N: &str = "hydrant-00ff";

    /// Reads a fake stderr stream the way a worker does, up to its sync line.
    fn read(stream: &[&str]) -> (Vec<Line>, Option<String>) {
        let prefix = format!("trace: {N} ");
        let (mut lines, mut error) = (Vec::new(), None::<String>);
        for l in stream {
            match parse_line(l, N, &prefix, "sync 1") {
                Kind::Sync => return (lines, error),
                Kind::Line(x) => lines.push(x),
                Kind::Other if l.starts_with("error:") => error = Some(l.to_string()),
                Kind::Other => {}
            }
        }
        panic!("no sync line");
    }

    fn outcomes(v: &[Verdict]) -> usize {
        v.iter()
            .filter(|v| matches!(v, Verdict::Record(_) | Verdict::Error(_)))
            .count()
    }

    #[test]
    fn a_clean_batch_and_a_failing_path() {
        let (lines, error) = read(&[
            &format!("trace: {N} 0 {{}}"),
            "warning: SQLite database '/nix/var/nix/db/db.sqlite' is busy",
            &format!("trace: {N} 1 {{\"children\":[]}}"),
            "error: boom",
            &format!("trace: {N} sync 1"),
        ]);
        let v = classify(4, &lines, &End::Synced { error });
        assert_eq!(
            v,
            [
                Verdict::Record("{}".into()),
                Verdict::Record("{\"children\":[]}".into()),
                Verdict::Error("error: boom".into()),
                Verdict::Unreached,
            ]
        );
    }

    #[test]
    fn a_corrupted_or_split_record_is_never_skipped() {
        // The record of path 1 is split by a warning; path 2's is fine.
        let (lines, error) = read(&[
            &format!("trace: {N} 0 {{}}"),
            &format!("trace: {N} 1 {{\"drvPath\":\"/nix/st"),
            "warning: SQLite database '/nix/var/nix/db/db.sqlite' is busy",
            "ore/a.drv\"}",
            &format!("trace: {N} 2 {{}}"),
            &format!("trace: {N} sync 1"),
        ]);
        let v = classify(3, &lines, &End::Synced { error });
        assert_eq!(v[1], Verdict::Lost, "{v:?}");
        assert_eq!(v[2], Verdict::Record("{}".into()));
        // A warning printed into the middle of a record line: the nonce is not at the start.
        let (lines, error) = read(&[
            &format!("warning: SQLite database is busytrace: {N} 0 {{}}"),
            &format!("trace: {N} 1 {{}}"),
            &format!("trace: {N} sync 1"),
        ]);
        let v = classify(2, &lines, &End::Synced { error });
        assert_eq!(v, [Verdict::Lost, Verdict::Record("{}".into())]);
        // A record lost outright, then an error: the error is not pinned on the wrong path.
        let (lines, error) = read(&[
            &format!("trace: {N} 0 {{}}"),
            &format!("trace: {N} 2 {{}}"),
            "error: boom",
            &format!("trace: {N} sync 1"),
        ]);
        let v = classify(5, &lines, &End::Synced { error });
        assert_eq!(v[1], Verdict::Lost);
        assert_eq!(v[3], Verdict::Error("error: boom".into()));
        assert_eq!(v[4], Verdict::Unreached);
        // Garbled and then an error: the in-flight path is asked again, not blamed.
        let (lines, error) = read(&[
            &format!("trace: {N} 0 {{}}"),
            &format!("trace: {N} x"),
            "error: boom",
            &format!("trace: {N} sync 1"),
        ]);
        let v = classify(3, &lines, &End::Synced { error });
        assert_eq!(v[1], Verdict::Lost);
        // Conflicting duplicates and an index outside the batch.
        let lines = [
            Line::Record(0, "{}".into()),
            Line::Record(0, "{\"children\":[]}".into()),
            Line::Record(7, "{}".into()),
            Line::Record(1, "{}".into()),
        ];
        let v = classify(2, &lines, &End::Synced { error: None });
        assert_eq!(v, [Verdict::Lost, Verdict::Lost]);
        // Identical duplicates are one record.
        let lines = [Line::Record(0, "{}".into()), Line::Record(0, "{}".into())];
        let v = classify(1, &lines, &End::Synced { error: None });
        assert_eq!(v, [Verdict::Record("{}".into())]);
        // Synced, no error, a path without a record (the old inference's silent case).
        let v = classify(
            2,
            &[Line::Record(0, "{}".into())],
            &End::Synced { error: None },
        );
        assert_eq!(v[1], Verdict::Lost);
    }

    #[test]
    fn a_worker_dying_mid_batch_leaves_every_path_accounted_for() {
        let lines = [Line::Record(0, "{}".into()), Line::Record(1, "{}".into())];
        for end in [
            End::Died("killed".into()),
            End::Memory(1 << 20),
            End::Stopped,
        ] {
            let v = classify(5, &lines, &end);
            assert_eq!(v.len(), 5);
            assert_eq!(outcomes(&v), 2);
            let expect = if matches!(end, End::Stopped) {
                Verdict::Unreached
            } else {
                Verdict::InFlight
            };
            assert_eq!(v[2], expect);
            assert!(v[3..].iter().all(|x| *x == Verdict::Unreached));
        }
        // Nothing at all came (EOF at once).
        let v = classify(3, &[], &End::Died("eof".into()));
        assert_eq!(
            v,
            [Verdict::InFlight, Verdict::Unreached, Verdict::Unreached]
        );
    }

    #[test]
    fn siblings_go_as_runs() {
        let p = |s: &str| -> Vec<String> {
            s.split('.')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        };
        let batch = [
            p(""),
            p("a.x"),
            p("a.y"),
            p("a.z"),
            p("b.q"),
            p("c"),
            p("d"),
        ];
        let index = [None, Some(4), Some(5), Some(6), Some(7), Some(0), Some(2)];
        assert_eq!(
            batch_items(&batch, &index),
            r#" [ ] [ [ "a" ] 4 3 ] [ "b" "q" ] [ "c" ] [ "d" ]"#
        );
        let batch = [p("j1"), p("j2"), p("j3")];
        assert_eq!(
            batch_items(&batch, &[Some(1), Some(2), Some(3)]),
            " [ [ ] 1 3 ]"
        );
    }

    #[test]
    fn rss_of_this_process() {
        assert!(tree_kib(std::process::id(), "VmRSS:") > 0);
        assert!(tree_kib(std::process::id(), "VmHWM:") > 0);
        assert_eq!(tree_kib(u32::MAX, "VmRSS:"), 0);
    }
}
