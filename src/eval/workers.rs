//! Parallel evaluation, nix-eval-jobs' way on Nix 2.8's CLI: `eval_workers` long-lived
//! `nix repl` processes load the wrapper once and are fed batches of attribute paths on stdin;
//! each path answers one record on stderr as soon as it is evaluated (a job, the children of an
//! attribute set, which go back to the shared queue, or Nix's own error message, after which
//! the repl simply reads the next line). Nothing that grows with the jobset is on a command
//! line. A worker whose resident size passes the limit is killed and restarted, and the path it
//! was on is retried alone in a fresh process; a path that takes a worker down twice is
//! recorded as an error. Results are keyed by path, so the merge does not depend on timing.

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

/// Paths sent to a worker in one line, at most. Small enough that the queue is shared fairly at
/// the end of an eval; large enough that the per-line cost of the repl is amortised.
const MAX_BATCH: usize = 100;

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
        None => Ok(st.found),
    }
}

fn lock<'a>(m: &'a Mutex<State>) -> std::sync::MutexGuard<'a, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The next batch for a worker, or None when the evaluation is over. A path that already took
/// a worker down goes alone, so a second time is its own fault.
fn take(sh: &Shared, limit: usize) -> Option<Vec<Vec<String>>> {
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
            .is_some_and(|p| st.strikes.contains_key(p));
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
    Some(batch)
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

fn worker(sh: &Shared) {
    let mut repl: Option<Repl> = None;
    // A failure costs the rest of its batch a resend, so batches shrink while paths fail (a
    // jobset where every job throws runs one path per line) and grow back while they do not.
    let mut limit = MAX_BATCH;
    while let Some(batch) = take(sh, limit) {
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
        let (records, end) = r.run_batch(sh, &batch);
        limit = if records.len() < batch.len() {
            (limit / 4).max(1)
        } else {
            (limit * 2).min(MAX_BATCH)
        };
        let lost = !matches!(end, End::Synced { .. });
        if lost {
            repl = None;
        }
        resolve(sh, batch, records, end);
    }
}

/// Records what a batch produced and puts back what it did not reach.
fn resolve(sh: &Shared, batch: Vec<Vec<String>>, records: Vec<String>, end: End) {
    let spec = sh.spec;
    let n = batch.len();
    let reached = records.len().min(n);
    let mut found: Vec<(Vec<String>, Parsed)> = Vec::new();
    let mut rest = batch.into_iter();
    for rec in records.into_iter().take(n) {
        let Some(path) = rest.next() else { break };
        let parsed = parse_record(&path, &rec);
        found.push((path, parsed));
    }
    let mut rest: Vec<Vec<String>> = rest.collect();
    let mut st = lock(&sh.state);
    let c = spec.counters;
    for (path, (f, children, bad)) in found {
        for (p, f) in bad {
            count(c, &f);
            st.found.insert(p, f);
        }
        if path.is_empty() {
            if let Some(Found::Error(m)) = &f {
                st.fatal.get_or_insert(NixEvalError::Release(m.clone()));
            }
        }
        st.pending.extend(children);
        if let Some(f) = f {
            count(c, &f);
            st.found.insert(path, f);
        }
        if let Some(c) = c {
            c.done.fetch_add(1, Ordering::Relaxed);
        }
    }
    if !rest.is_empty() {
        let failed = rest.remove(0);
        if !matches!(end, End::Synced { .. } | End::Stopped) {
            if let Some(c) = c {
                c.restarts.fetch_add(1, Ordering::Relaxed);
            }
        }
        let verdict =
            match end {
                End::Synced { error } => Some(error.unwrap_or_else(|| {
                    "evaluation failed (the evaluator printed no result)".into()
                })),
                End::Memory(kib) => strike(&mut st, &failed, || {
                    format!(
                    "evaluating this job took its evaluator past eval_max_memory_mb = {} MiB twice \
                     (killed at {} MiB); raise eval_max_memory_mb or make the job need less memory",
                    spec.max_memory_mb,
                    kib / 1024
                )
                }),
                End::Died(msg) => strike(&mut st, &failed, || {
                    cap_text(
                        &format!("the evaluator died twice while evaluating this job: {msg}"),
                        spec.error_cap,
                    )
                }),
                End::Stopped => None,
            };
        match verdict {
            Some(msg) if failed.is_empty() => {
                st.fatal.get_or_insert(NixEvalError::Release(msg));
            }
            Some(msg) => {
                let f = Found::Error(cap_text(&msg, spec.error_cap));
                count(c, &f);
                if let Some(c) = c {
                    c.done.fetch_add(1, Ordering::Relaxed);
                }
                st.found.insert(failed, f);
            }
            None => rest.insert(0, failed),
        }
        for p in rest.into_iter().rev() {
            st.pending.push_front(p);
        }
    }
    st.busy -= reached + (n - reached);
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
type Parsed = (Option<Found>, Vec<Vec<String>>, Vec<(Vec<String>, Found)>);

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
        for n in names {
            let mut p = path.to_vec();
            p.push(n);
            let name = p.join(".");
            if valid_job_name(&name) {
                paths.push(p);
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

/// One `nix repl` worker process.
struct Repl<'a> {
    counters: Option<&'a Counters>,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    pid: u32,
    seq: u64,
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
        std::thread::spawn(move || {
            let mut r = BufReader::with_capacity(64 * 1024, stderr);
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
            pid,
            seq: 0,
            _recorded: recorded,
        })
    }

    /// Sends one batch and reads its records up to the sync line. Every path holds job-name
    /// characters only (`parse_record` keeps the others out), so nothing needs escaping.
    fn run_batch(&mut self, sh: &Shared, batch: &[Vec<String>]) -> (Vec<String>, End) {
        let nonce = &sh.nonce;
        let mut records = Vec::new();
        self.seq += 1;
        let load = super::inputs::nix_string(&sh.spec.load_file.to_string_lossy());
        let mut line = format!("(import {load}).batch \"{nonce}\" [");
        for p in batch {
            line.push_str(" [");
            for c in p {
                line.push_str(" \"");
                line.push_str(c);
                line.push('"');
            }
            line.push_str(" ]");
        }
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

    fn read_until_sync(&mut self, sh: &Shared, records: &mut Vec<String>) -> End {
        let spec = sh.spec;
        let rec_prefix = format!("trace: {} ", sh.nonce);
        let sync = format!("sync {}", self.seq);
        let mut error: Option<String> = None;
        let mut other: VecDeque<String> = VecDeque::new();
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
                    if let Some(rest) = line.strip_prefix(&rec_prefix) {
                        if rest == sync {
                            return End::Synced {
                                error: error.map(|e| clean_message(&e)),
                            };
                        }
                        records.push(rest.to_string());
                    } else if error.is_some() || line.starts_with("error:") {
                        let e = error.get_or_insert_with(String::new);
                        if e.len() < spec.error_cap {
                            e.push_str(&line);
                            e.push('\n');
                        }
                    } else {
                        other.push_back(line);
                        if other.len() > 20 {
                            other.pop_front();
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let mut text = error.unwrap_or_default();
                    if text.is_empty() {
                        text = other.into_iter().collect::<Vec<_>>().join("\n");
                    }
                    return End::Died(self.exit_message(clean_message(&text)));
                }
            }
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
        let names: Vec<String> = c.iter().map(|p| p.join(".")).collect();
        assert_eq!(names, ["a.b", "a.e"]);
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

    #[test]
    fn rss_of_this_process() {
        assert!(tree_kib(std::process::id(), "VmRSS:") > 0);
        assert!(tree_kib(std::process::id(), "VmHWM:") > 0);
        assert_eq!(tree_kib(u32::MAX, "VmRSS:"), 0);
    }
}
