//! Runs the evaluator's child processes (`nix-instantiate`, `git`): a deadline that kills the
//! whole process group, stdout read in full, stderr capped, and a cancel check for shutdown.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished child left behind.
#[derive(Debug)]
pub struct Output {
    pub success: bool,
    pub stdout: Vec<u8>,
    /// At most the cap given to [`run`], with a note when bytes were dropped.
    pub stderr: String,
}

#[derive(Debug)]
pub enum RunError {
    /// The program could not be started (not installed, bad cwd).
    Spawn { program: String, error: String },
    /// The deadline passed; the child was killed.
    TimedOut { program: String, after: Duration },
    /// Shutdown was requested; the child was killed.
    Cancelled { program: String },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Spawn { program, error } => write!(f, "cannot run `{program}`: {error}"),
            RunError::TimedOut { program, after } => {
                write!(
                    f,
                    "`{program}` timed out after {}s and was killed",
                    after.as_secs()
                )
            }
            RunError::Cancelled { program } => {
                write!(
                    f,
                    "`{program}` was stopped because hydrant is shutting down"
                )
            }
        }
    }
}

impl std::error::Error for RunError {}

/// Keeps the first `cap` bytes of `s` (on a char boundary) and says how much was cut.
pub fn cap_text(s: &str, cap: usize) -> String {
    if s.len() <= cap {
        return s.to_string();
    }
    let mut end = cap;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}\n… ({} more bytes cut; see max_eval_error_bytes)",
        &s[..end],
        s.len() - end
    )
}

/// Reads all of `r` but keeps only the first `cap` bytes, so a chatty child never blocks on a
/// full pipe and never fills our memory.
fn drain_capped<R: Read>(mut r: R, cap: usize) -> (Vec<u8>, usize) {
    let mut kept = Vec::new();
    let mut dropped = 0usize;
    let mut buf = [0u8; 16 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                let take = room.min(n);
                kept.extend_from_slice(&buf[..take]);
                dropped += n - take;
            }
        }
    }
    (kept, dropped)
}

/// Runs `cmd` to completion, killing its process group at `deadline` or when `cancelled()`
/// turns true. Stdout is kept whole (it carries the eval's JSON); stderr is capped.
pub fn run(
    cmd: Command,
    deadline: Instant,
    stderr_cap: usize,
    cancelled: &dyn Fn() -> bool,
) -> Result<Output, RunError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    // This thread waits for the child below, so its death signal only fires if hydrant dies.
    let mut cmd = crate::children::prepare(cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so a kill reaches builders Nix may start (import-from-derivation).
        .process_group(0);
    let started = Instant::now();
    let mut child = cmd.spawn().map_err(|e| RunError::Spawn {
        program: program.clone(),
        error: e.to_string(),
    })?;
    let _recorded = crate::children::record(child.id());
    let out_reader = child
        .stdout
        .take()
        .map(|o| std::thread::spawn(move || drain_capped(o, usize::MAX)));
    let err_reader = child
        .stderr
        .take()
        .map(|e| std::thread::spawn(move || drain_capped(e, stderr_cap)));
    // A waiter thread reports the exit at once; this thread only wakes to check the deadline
    // and the cancel flag, so a short child costs no polling latency.
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = loop {
        let now = Instant::now();
        let stop = if now >= deadline {
            Some(RunError::TimedOut {
                program: program.clone(),
                after: now - started,
            })
        } else if cancelled() {
            Some(RunError::Cancelled {
                program: program.clone(),
            })
        } else {
            None
        };
        if let Some(e) = stop {
            // SIGTERM first: a supervised child's supervisor then kills its whole tree (builders
            // in their own sessions too); SIGKILL if the group is still there after its grace.
            signal_group(pid, libc::SIGTERM);
            let grace = crate::children::GRACE + Duration::from_secs(1);
            if rx.recv_timeout(grace).is_err() {
                signal_group(pid, libc::SIGKILL);
                // The waiter reaps the child; wait for it so no zombie is left behind.
                let _ = rx.recv_timeout(Duration::from_secs(5));
            }
            break Err(e);
        }
        let slice = deadline
            .saturating_duration_since(now)
            .min(Duration::from_millis(100));
        match rx.recv_timeout(slice) {
            Ok(Ok(st)) => break Ok(st),
            Ok(Err(e)) => {
                break Err(RunError::Spawn {
                    program: program.clone(),
                    error: e.to_string(),
                })
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                break Err(RunError::Spawn {
                    program: program.clone(),
                    error: "lost track of the child process".into(),
                })
            }
        }
    };
    let stdout = out_reader
        .and_then(|h| h.join().ok())
        .map(|(v, _)| v)
        .unwrap_or_default();
    let (err_bytes, dropped) = err_reader.and_then(|h| h.join().ok()).unwrap_or_default();
    let status = status?;
    let mut stderr = String::from_utf8_lossy(&err_bytes).into_owned();
    if dropped > 0 {
        stderr.push_str(&format!(
            "\n… ({dropped} more bytes cut; see max_eval_error_bytes)"
        ));
    }
    Ok(Output {
        success: status.success(),
        stdout,
        stderr,
    })
}

fn signal_group(pid: u32, sig: libc::c_int) {
    if let Ok(pid) = i32::try_from(pid) {
        // SAFETY: kill(2) on the group we created for this child; no memory is involved.
        unsafe {
            libc::kill(-pid, sig);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> bool {
        false
    }

    #[test]
    fn caps_stderr_and_keeps_stdout() {
        let mut c = Command::new("/bin/sh");
        c.args(["-c", "head -c 100000 /dev/zero | tr '\\0' x >&2; echo out"]);
        let o = run(c, Instant::now() + Duration::from_secs(20), 1000, &never).unwrap();
        assert!(o.success);
        assert_eq!(o.stdout, b"out\n");
        assert!(o.stderr.starts_with(&"x".repeat(1000)));
        assert!(
            o.stderr.contains("99000 more bytes cut"),
            "{}",
            &o.stderr[1000..]
        );
    }

    #[test]
    fn kills_at_deadline() {
        let mut c = Command::new("/bin/sh");
        c.args(["-c", "sleep 30 & sleep 30"]);
        let t = Instant::now();
        let e = run(c, Instant::now() + Duration::from_millis(300), 1000, &never).unwrap_err();
        assert!(matches!(e, RunError::TimedOut { .. }), "{e}");
        // The readers returned, so the backgrounded grandchild (holding the pipes) died too.
        assert!(t.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn cap_text_respects_char_boundaries() {
        let s = "ééé";
        let c = cap_text(s, 3);
        assert!(c.starts_with('é') && !c.starts_with("éé"), "{c}");
        assert_eq!(cap_text("abc", 10), "abc");
    }
}
