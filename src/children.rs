//! Child processes never outlive hydrant. Builders (`nix-store --realise`) and evaluator
//! children (`nix-instantiate`, `git`) are started through [`prepare`]:
//!
//! - Always: `PR_SET_PDEATHSIG`, so the kernel signals the child when hydrant dies.
//! - Under `hydrant serve` ([`start`]): the child runs below a small supervisor, hydrant's own
//!   binary re-executed as `hydrant __supervise -- PROGRAM ARGS…`. It is a child subreaper, so
//!   every process of the child's tree stays its descendant even when it leaves for its own
//!   session (Nix runs builders with `setsid`, out of reach of a group kill, and a builder's own
//!   children survive the builder's death). Its death signal is SIGTERM: when hydrant dies (or
//!   asks the group to stop), it passes SIGTERM on, gives the child [`GRACE`] to stop and then
//!   SIGKILLs whatever is left of the tree. It exits as the child did.
//! - Under `hydrant serve` too: each child's process group is recorded under
//!   `state_dir/children/` while it runs, and the next start kills groups that survived a crash
//!   (checked by start time, so a reused pid is left alone).
//!
//! Linux sends the death signal when the *thread* that forked the child exits, not the process:
//! spawn only from a thread that waits for the child (`eval::run::run` does) or lives as long as
//! hydrant (the queue runner's scheduling thread).

use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long the supervisor waits, after SIGTERM, for the child to stop on its own.
pub const GRACE: Duration = Duration::from_secs(2);

/// The hidden first argument that makes the binary a supervisor (see [`supervise`]).
pub const SUPERVISE_ARG: &str = "__supervise";

/// Makes the kernel send `sig` to the child when the spawning thread (see the module docs) dies.
fn set_death_signal(cmd: &mut Command, sig: libc::c_int) {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure runs in the forked child before exec; it only calls prctl(2) and
    // getppid(2), which are async-signal-safe, and builds an io::Error without allocating.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, sig as libc::c_ulong, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Hydrant died between the fork and the prctl: nobody would send the signal.
            if libc::getppid() != parent {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            Ok(())
        });
    }
}

/// SIGKILL for the child when the spawning thread dies.
pub fn die_with_parent(cmd: &mut Command) {
    set_death_signal(cmd, libc::SIGKILL);
}

/// Whether children run below a supervisor (set by [`start`]; the binary is then hydrant's).
static SUPERVISED: AtomicBool = AtomicBool::new(false);

/// The command to spawn for `cmd` (program, arguments, environment changes and directory are
/// kept; set stdio and the process group on the result). Under `hydrant serve` it runs `cmd`
/// below the supervisor; otherwise (tests, other subcommands) directly, with SIGKILL as its
/// death signal.
pub fn prepare(cmd: Command) -> Command {
    if !SUPERVISED.load(Ordering::SeqCst) {
        let mut cmd = cmd;
        die_with_parent(&mut cmd);
        return cmd;
    }
    // /proc/self/exe still runs this binary after it was replaced on disk.
    let mut w = Command::new("/proc/self/exe");
    w.arg(SUPERVISE_ARG).arg("--").arg(cmd.get_program());
    w.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => w.env(k, v),
            None => w.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        w.current_dir(d);
    }
    set_death_signal(&mut w, libc::SIGTERM);
    w
}

fn signal_set(sigs: &[libc::c_int]) -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a stack-local sigset_t.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &s in sigs {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// `hydrant __supervise -- PROGRAM ARGS…`: runs PROGRAM as described in the module docs and
/// returns its exit code (or dies by its signal). Single-threaded, started by [`prepare`].
pub fn supervise(argv: &[OsString]) -> i32 {
    let argv = match argv.first() {
        Some(a) if a == "--" => &argv[1..],
        _ => argv,
    };
    let Some((prog, args)) = argv.split_first() else {
        eprintln!("hydrant: {SUPERVISE_ARG} needs a program to run");
        return 2;
    };
    let waited = signal_set(&[libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGCHLD]);
    // SAFETY: prctl and pthread_sigmask on this (only) thread; `waited` is initialised.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        // Blocked before the child exists, so no SIGCHLD or SIGTERM is missed; the child gets
        // an empty mask (std resets it).
        libc::pthread_sigmask(libc::SIG_BLOCK, &waited, std::ptr::null_mut());
    }
    let mut cmd = Command::new(prog);
    cmd.args(args);
    die_with_parent(&mut cmd);
    let pid = match cmd.spawn() {
        Ok(c) => c.id() as libc::pid_t,
        Err(e) => {
            eprintln!("hydrant: cannot run {}: {e}", prog.to_string_lossy());
            return 127;
        }
    };
    let mut status: Option<libc::c_int> = None;
    let mut term_at: Option<Instant> = None;
    while status.is_none() {
        reap(pid, &mut status);
        if status.is_some() {
            break;
        }
        let left = match term_at {
            Some(t) => GRACE.saturating_sub(t.elapsed()),
            None => Duration::from_secs(3600),
        };
        if left.is_zero() {
            break;
        }
        let ts = libc::timespec {
            tv_sec: left.as_secs() as libc::time_t,
            tv_nsec: left.subsec_nanos() as libc::c_long,
        };
        // SAFETY: waits for one of the blocked signals; `waited` and `ts` are initialised.
        let sig = unsafe { libc::sigtimedwait(&waited, std::ptr::null_mut(), &ts) };
        if matches!(sig, libc::SIGTERM | libc::SIGINT | libc::SIGHUP) && term_at.is_none() {
            term_at = Some(Instant::now());
            // SAFETY: kill(2) on our own child.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
    }
    // The child is gone or did not stop in time: nothing of its tree may stay.
    kill_descendants(pid, &mut status);
    match status {
        Some(st) if libc::WIFEXITED(st) => libc::WEXITSTATUS(st),
        Some(st) if libc::WIFSIGNALED(st) => {
            let sig = libc::WTERMSIG(st);
            // SAFETY: default disposition, unblocked, then the same signal to ourselves, so
            // our parent sees the child's death as ours.
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                let one = signal_set(&[sig]);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &one, std::ptr::null_mut());
                libc::kill(libc::getpid(), sig);
            }
            128 + sig
        }
        _ => 128 + libc::SIGKILL,
    }
}

/// Reaps every exited descendant (orphans come to us); notes the child's status.
fn reap(child: libc::pid_t, status: &mut Option<libc::c_int>) {
    loop {
        let mut st: libc::c_int = 0;
        // SAFETY: waitpid(2) with a valid out pointer.
        let r = unsafe { libc::waitpid(-1, &mut st, libc::WNOHANG) };
        if r <= 0 {
            return;
        }
        if r == child {
            *status = Some(st);
        }
    }
}

/// SIGKILLs every process below us until none is left (bounded: a fork bomb is not our
/// problem for longer than a few seconds), reaping them.
fn kill_descendants(child: libc::pid_t, status: &mut Option<libc::c_int>) {
    let me = std::process::id();
    for _ in 0..300 {
        let below = descendants(me);
        if below.is_empty() {
            break;
        }
        for p in below {
            if let Ok(p) = i32::try_from(p) {
                // SAFETY: kill(2) on a process of our own tree.
                unsafe { libc::kill(p, libc::SIGKILL) };
            }
        }
        std::thread::sleep(Duration::from_millis(10));
        reap(child, status);
    }
    reap(child, status);
}

/// When process `pid` started (clock ticks since boot): with the pid it names one process, so
/// [`kill_tree`] can tell a child from a later process that got its pid.
pub fn start_time(pid: u32) -> Option<u64> {
    ProcStat::read(pid).map(|s| s.start)
}

/// SIGKILLs the process group led by `leader` and, while `leader` is still the process that
/// started at `start` (see [`start_time`]), every process below it, also those that left for
/// their own session (Nix runs builders with `setsid`, and a SIGTERM that reaches nix-store
/// while it is starting one can leave the builder behind). The group is stopped first, and so
/// is each descendant as it is found, so nothing forks while the tree is collected; stopped
/// processes still die of SIGKILL, deepest first. A leader that is gone or not ours any more
/// gets the plain group kill (a pid is not reused while it names a live group).
pub fn kill_tree(leader: u32, start: u64) {
    let Ok(gid) = i32::try_from(leader) else {
        return;
    };
    if gid <= 1 {
        return;
    }
    let ours = ProcStat::read(leader).is_some_and(|s| s.start == start && s.pgrp == gid);
    let mut found: Vec<u32> = Vec::new();
    if ours {
        // SAFETY: kill(2) on the process group of our own child; no memory involved.
        unsafe { libc::kill(-gid, libc::SIGSTOP) };
        // Each round stops what it finds, so the tree stops growing within a few rounds.
        for _ in 0..8 {
            let new: Vec<u32> = descendants(leader)
                .into_iter()
                .filter(|p| !found.contains(p))
                .collect();
            if new.is_empty() {
                break;
            }
            for &p in &new {
                if let Ok(p) = i32::try_from(p) {
                    // SAFETY: kill(2) on a process below our own child.
                    unsafe { libc::kill(p, libc::SIGSTOP) };
                }
            }
            found.extend(new);
        }
    }
    for &p in found.iter().rev() {
        if let Ok(p) = i32::try_from(p) {
            // SAFETY: as above.
            unsafe { libc::kill(p, libc::SIGKILL) };
        }
    }
    // SAFETY: as above.
    unsafe { libc::kill(-gid, libc::SIGKILL) };
}

/// Pids whose parent chain leads to `root` (zombies included: they are reaped, not killed).
fn descendants(root: u32) -> Vec<u32> {
    let mut parent: Vec<(u32, u32)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if let Some(st) = ProcStat::read(pid) {
                if st.state != 'Z' {
                    parent.push((pid, st.ppid));
                }
            }
        }
    }
    let mut out = vec![root];
    let mut seen: std::collections::HashSet<u32> = out.iter().copied().collect();
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        // A pid reused while /proc was read could close a loop: each pid is taken once.
        let children: Vec<u32> = parent
            .iter()
            .filter(|(c, pp)| *pp == p && seen.insert(*c))
            .map(|(c, _)| *c)
            .collect();
        out.extend(children);
        i += 1;
    }
    out.remove(0);
    out
}

/// Whether `arg` is the supervisor's marker (for `main`).
pub fn is_supervise(arg: Option<&OsStr>) -> bool {
    arg == Some(OsStr::new(SUPERVISE_ARG))
}

/// Where running children are recorded; set once by `hydrant serve` (other commands and tests
/// record nothing).
static REGISTRY: OnceLock<PathBuf> = OnceLock::new();

/// A child's record; removed when dropped (drop it after the child was reaped).
#[must_use]
pub struct Recorded(Option<PathBuf>);

impl Drop for Recorded {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Records a child that leads its own process group (spawned with `process_group(0)`).
pub fn record(pid: u32) -> Recorded {
    let Some(dir) = REGISTRY.get() else {
        return Recorded(None);
    };
    let Some(start) = ProcStat::read(pid).map(|s| s.start) else {
        return Recorded(None);
    };
    let path = dir.join(pid.to_string());
    match std::fs::write(&path, format!("{start}\n")) {
        Ok(()) => Recorded(Some(path)),
        Err(e) => {
            eprintln!(
                "hydrant: cannot record child {pid} in {}: {e}",
                dir.display()
            );
            Recorded(None)
        }
    }
}

/// For `hydrant serve`: kills the process groups recorded in `dir` by an earlier run that
/// still exist, then records new children there and runs them supervised. Call once, while
/// holding the database lock (so no other server uses this state dir). Returns one line per
/// group killed, for the log.
pub fn start(dir: &Path) -> Vec<String> {
    SUPERVISED.store(true, Ordering::SeqCst);
    let killed = kill_leftovers(dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("hydrant: cannot create {}: {e}", dir.display());
        return killed;
    }
    let _ = REGISTRY.set(dir.to_path_buf());
    killed
}

/// The fields of `/proc/PID/stat` this module needs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ProcStat {
    state: char,
    ppid: u32,
    pgrp: i32,
    /// Clock ticks since boot: with the pid, it names one process for the life of the machine.
    start: u64,
}

impl ProcStat {
    fn read(pid: u32) -> Option<ProcStat> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        ProcStat::parse(&text)
    }

    /// `pid (comm) state ppid pgrp …`, starttime is field 22; comm may hold spaces and `)`.
    fn parse(text: &str) -> Option<ProcStat> {
        let rest = &text[text.rfind(')')? + 1..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        // f[0] is field 3 (state): field n is f[n - 3].
        Some(ProcStat {
            state: f.first()?.chars().next()?,
            ppid: f.get(1)?.parse().ok()?,
            pgrp: f.get(2)?.parse().ok()?,
            start: f.get(19)?.parse().ok()?,
        })
    }
}

fn owned_by_us(pid: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid(2) cannot fail and touches no memory.
    let me = unsafe { libc::geteuid() };
    std::fs::metadata(format!("/proc/{pid}"))
        .map(|m| m.uid() == me)
        .unwrap_or(false)
}

fn kill_leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let path = e.path();
        let pid = e.file_name().to_string_lossy().parse::<u32>().ok();
        let start = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok());
        if let (Some(pid), Some(start)) = (pid, start) {
            if let Some(line) = kill_group_if_ours(pid, start) {
                out.push(line);
            }
        }
        let _ = std::fs::remove_file(&path);
    }
    out
}

/// Kills the group `pgid` if it is the one recorded: its leader alive with the recorded start
/// time, or (leader gone) the members that started no earlier than it. A pid is not reused
/// while any process still has it as its group id, so members of a leaderless group are ours
/// unless the number was reused, led a new group and that leader died too.
fn kill_group_if_ours(pgid: u32, start: u64) -> Option<String> {
    let gid = i32::try_from(pgid).ok().filter(|&g| g > 1)?;
    match ProcStat::read(pgid) {
        Some(leader) if leader.start == start && leader.pgrp == gid && owned_by_us(pgid) => {
            // SAFETY: kill(2) on a process group we started; no memory involved.
            unsafe { libc::kill(-gid, libc::SIGKILL) };
            Some(format!(
                "killed process group {pgid} left by an earlier run"
            ))
        }
        Some(_) => None, // the pid now belongs to another process
        None => {
            let mut n = 0;
            for e in std::fs::read_dir("/proc").ok()?.flatten() {
                let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                    continue;
                };
                let Some(st) = ProcStat::read(pid) else {
                    continue;
                };
                if st.pgrp == gid && st.start >= start && owned_by_us(pid) {
                    if let Ok(p) = i32::try_from(pid) {
                        // SAFETY: kill(2) on one member of our recorded group.
                        unsafe { libc::kill(p, libc::SIGKILL) };
                        n += 1;
                    }
                }
            }
            (n > 0)
                .then(|| format!("killed {n} process(es) of group {pgid} left by an earlier run"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_stat_with_odd_names() {
        let s = "42 (a) b (c)) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1 2\n";
        assert_eq!(
            ProcStat::parse(s),
            Some(ProcStat {
                state: 'S',
                ppid: 1,
                pgrp: 4242,
                start: 987654
            })
        );
        assert_eq!(ProcStat::parse("garbage"), None);
        let me = ProcStat::read(std::process::id()).unwrap();
        assert!(me.start > 0);
    }

    fn gone(pid: u32) -> bool {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            // A killed child of ours stays a zombie until reaped; that counts as gone.
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(s) if s[s.rfind(')').unwrap() + 1..].trim_start().starts_with('Z') => {
                    return true
                }
                Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        false
    }

    #[test]
    fn leftover_groups_are_killed_only_when_they_are_ours() {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-children-{}", u64::from_le_bytes(b)));
        std::fs::create_dir_all(&dir).unwrap();
        let spawn = || {
            Command::new("/bin/sh")
                .args(["-c", "sleep 30 & sleep 30"])
                .process_group(0)
                .spawn()
                .unwrap()
        };
        let mut ours = spawn();
        let mut other = spawn();
        let start = ProcStat::read(ours.id()).unwrap().start;
        std::fs::write(dir.join(ours.id().to_string()), format!("{start}\n")).unwrap();
        // A record whose start time does not match: the pid was reused, leave it alone.
        let o_start = ProcStat::read(other.id()).unwrap().start;
        std::fs::write(
            dir.join(other.id().to_string()),
            format!("{}\n", o_start + 1),
        )
        .unwrap();
        std::fs::write(dir.join("not-a-pid"), "1\n").unwrap();
        let killed = kill_leftovers(&dir);
        assert_eq!(killed.len(), 1, "{killed:?}");
        assert!(gone(ours.id()), "the recorded group was killed");
        assert!(!gone_quickly(other.id()), "the reused pid was left alone");
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "records removed"
        );
        let _ = ours.wait();
        let _ = other.kill();
        let _ = other.wait();
        // SAFETY: cleanup of the other group's backgrounded sleep.
        unsafe { libc::kill(-(other.id() as i32), libc::SIGKILL) };
        let _ = std::fs::remove_dir_all(dir);
    }

    fn gone_quickly(pid: u32) -> bool {
        std::thread::sleep(Duration::from_millis(200));
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s[s.rfind(')').unwrap() + 1..].trim_start().starts_with('Z'))
            .unwrap_or(true)
    }

    #[test]
    fn death_signal_reaches_the_child_when_its_thread_exits() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut c = Command::new("sleep");
            c.arg("30");
            die_with_parent(&mut c);
            let child = c.spawn().unwrap();
            tx.send(child.id()).unwrap();
            // The thread ends without waiting: the kernel kills the child.
            std::mem::forget(child);
        })
        .join()
        .unwrap();
        let pid = rx.recv().unwrap();
        assert!(gone(pid), "the child outlived its spawning thread");
        // SAFETY: reap the zombie so the test leaves nothing behind.
        unsafe { libc::waitpid(pid as i32, std::ptr::null_mut(), 0) };
    }
    #[test]
    fn kill_tree_reaches_a_grandchild_in_its_own_session() {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt as _;
        // Like nix-store and its builder: the grandchild leaves the group with setsid.
        let mut c = Command::new("/bin/sh");
        c.args(["-c", "setsid sleep 60 & echo $!; wait"])
            .stdout(std::process::Stdio::piped())
            .process_group(0);
        die_with_parent(&mut c);
        let mut child = c.spawn().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let grandchild: u32 = line.trim().parse().unwrap();
        // setsid has run once the grandchild leads its own session.
        let t = Instant::now();
        while ProcStat::read(grandchild).map(|s| s.pgrp) != Some(grandchild as i32) {
            assert!(t.elapsed() < Duration::from_secs(5), "setsid did not run");
            std::thread::sleep(Duration::from_millis(10));
        }
        kill_tree(child.id(), start_time(child.id()).unwrap());
        let st = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&st),
            Some(libc::SIGKILL)
        );
        assert!(
            gone(grandchild),
            "the grandchild in its own session survived"
        );
    }
}
