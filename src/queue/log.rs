//! Build logs: `logs/<id>.log` while the build runs (stdout and stderr interleaved), then
//! `logs/<id>.log.bz2`. Readers get the whole log or a tail, from whichever file exists.

use std::fmt;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct LogError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "build log {}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for LogError {}

fn err(path: &Path) -> impl FnOnce(std::io::Error) -> LogError + '_ {
    move |error| LogError {
        path: path.to_path_buf(),
        error,
    }
}

pub fn live_path(logs_dir: &Path, id: u64) -> PathBuf {
    logs_dir.join(format!("{id}.log"))
}

pub fn bz2_path(logs_dir: &Path, id: u64) -> PathBuf {
    logs_dir.join(format!("{id}.log.bz2"))
}

/// Compresses the live log to `.log.bz2` (via a temporary file and rename) and removes it.
pub fn compress(logs_dir: &Path, id: u64) -> Result<(), LogError> {
    compress_at(&live_path(logs_dir, id), &bz2_path(logs_dir, id))
}

fn compress_at(live: &Path, dst: &Path) -> Result<(), LogError> {
    let mut tmp = dst.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut src = std::fs::File::open(live).map_err(err(live))?;
    let out = std::fs::File::create(&tmp).map_err(err(&tmp))?;
    let mut enc = bzip2::write::BzEncoder::new(out, bzip2::Compression::new(6));
    std::io::copy(&mut src, &mut enc).map_err(err(&tmp))?;
    enc.finish().map_err(err(&tmp))?;
    std::fs::rename(&tmp, dst).map_err(err(dst))?;
    std::fs::remove_file(live).map_err(err(live))?;
    Ok(())
}

/// The folder of a build's step logs: `logs/steps/<id>/<nr>.log[.bz2]`.
pub fn steps_dir(logs_dir: &Path, id: u64) -> PathBuf {
    logs_dir.join("steps").join(id.to_string())
}

pub fn step_live_path(logs_dir: &Path, id: u64, nr: u32) -> PathBuf {
    steps_dir(logs_dir, id).join(format!("{nr}.log"))
}

fn step_bz2_path(logs_dir: &Path, id: u64, nr: u32) -> PathBuf {
    steps_dir(logs_dir, id).join(format!("{nr}.log.bz2"))
}

/// Compresses a finished step's log (a step without output has no log).
pub fn compress_step(logs_dir: &Path, id: u64, nr: u32) -> Result<(), LogError> {
    let live = step_live_path(logs_dir, id, nr);
    if !live.exists() {
        return Ok(());
    }
    compress_at(&live, &step_bz2_path(logs_dir, id, nr))
}

/// A step's whole log (live or compressed), or None.
pub fn read_step(logs_dir: &Path, id: u64, nr: u32) -> Result<Option<Vec<u8>>, LogError> {
    read_at(
        &step_live_path(logs_dir, id, nr),
        &step_bz2_path(logs_dir, id, nr),
    )
}

/// Removes any log of a build (before it runs again).
pub fn remove(logs_dir: &Path, id: u64) {
    let _ = std::fs::remove_file(live_path(logs_dir, id));
    let _ = std::fs::remove_file(bz2_path(logs_dir, id));
}

/// The whole log, or None when the build has none (yet).
pub fn read(logs_dir: &Path, id: u64) -> Result<Option<Vec<u8>>, LogError> {
    read_at(&live_path(logs_dir, id), &bz2_path(logs_dir, id))
}

fn read_at(live: &Path, bz: &Path) -> Result<Option<Vec<u8>>, LogError> {
    match std::fs::read(live) {
        Ok(b) => return Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(live)(e)),
    }
    let f = match std::fs::File::open(bz) {
        Ok(f) => f,
        // The runner may have renamed the live log between our two opens: look once more.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match std::fs::read(live) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(err(live)(e)),
            }
        }
        Err(e) => return Err(err(bz)(e)),
    };
    let mut out = Vec::new();
    bzip2::read::MultiBzDecoder::new(f)
        .read_to_end(&mut out)
        .map_err(err(bz))?;
    Ok(Some(out))
}

/// The last `max_bytes` of the log (starting at a line boundary when possible), or None.
/// The live log is read from its end without reading the rest; a compressed one is streamed.
pub fn tail(logs_dir: &Path, id: u64, max_bytes: usize) -> Result<Option<String>, LogError> {
    let live = live_path(logs_dir, id);
    match std::fs::File::open(&live) {
        Ok(mut f) => {
            let len = f.metadata().map_err(err(&live))?.len();
            let from = len.saturating_sub(max_bytes as u64);
            f.seek(SeekFrom::Start(from)).map_err(err(&live))?;
            let mut buf = Vec::new();
            f.take(max_bytes as u64)
                .read_to_end(&mut buf)
                .map_err(err(&live))?;
            return Ok(Some(cut(buf, from > 0)));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(&live)(e)),
    }
    bz2_tail(&bz2_path(logs_dir, id), max_bytes)
}

/// The last `max_bytes` of earlier attempt `n`'s log, as [`tail`] cuts it, or None.
pub fn tail_attempt(
    logs_dir: &Path,
    id: u64,
    n: u32,
    max_bytes: usize,
) -> Result<Option<String>, LogError> {
    bz2_tail(&attempt_path(logs_dir, id, n), max_bytes)
}

/// The end of a compressed log, streamed through a ring of twice `max_bytes`.
fn bz2_tail(bz: &Path, max_bytes: usize) -> Result<Option<String>, LogError> {
    let f = match std::fs::File::open(bz) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(bz)(e)),
    };
    let mut dec = bzip2::read::MultiBzDecoder::new(f);
    let mut ring: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut cut_any = false;
    loop {
        let n = dec.read(&mut chunk).map_err(err(bz))?;
        if n == 0 {
            break;
        }
        ring.extend_from_slice(&chunk[..n]);
        if ring.len() > 2 * max_bytes.max(1) {
            let drop = ring.len() - max_bytes;
            ring.drain(..drop);
            cut_any = true;
        }
    }
    if ring.len() > max_bytes {
        let drop = ring.len() - max_bytes;
        ring.drain(..drop);
        cut_any = true;
    }
    Ok(Some(cut(ring, cut_any)))
}

fn cut(mut buf: Vec<u8>, truncated: bool) -> String {
    if truncated {
        if let Some(p) = buf.iter().position(|&c| c == b'\n') {
            buf.drain(..=p);
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// Appends a line to a live log (runner notes such as "killed: timed out").
pub fn note(logs_dir: &Path, id: u64, line: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(live_path(logs_dir, id))
    {
        let _ = writeln!(f, "{line}");
    }
}

// ---- earlier attempts: a restart moves the log aside, so every attempt keeps its own ----

/// `logs/<id>.attempt-<n>.log.bz2`: the log of attempt `n` (1 = the first run) of a restarted
/// build, with its outcome beside it in `logs/<id>.attempt-<n>.json`.
pub fn attempt_path(logs_dir: &Path, id: u64, n: u32) -> PathBuf {
    logs_dir.join(format!("{id}.attempt-{n}.log.bz2"))
}

fn attempt_meta_path(logs_dir: &Path, id: u64, n: u32) -> PathBuf {
    logs_dir.join(format!("{id}.attempt-{n}.json"))
}

/// What an earlier attempt ended with, as recorded when the build was restarted.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attempt {
    pub nr: u32,
    pub status: Option<i32>,
    pub starttime: Option<i64>,
    pub stoptime: Option<i64>,
    #[serde(default)]
    pub has_log: bool,
}

/// Earlier attempts are numbered from 1 without gaps; this many are looked for at most.
const MAX_ATTEMPTS: u32 = 1000;

/// The earlier attempts of a build, oldest first (a few `stat`s, no directory listing).
pub fn attempts(logs_dir: &Path, id: u64) -> Vec<Attempt> {
    let mut out = Vec::new();
    for n in 1..=MAX_ATTEMPTS {
        let meta = attempt_meta_path(logs_dir, id, n);
        let Ok(text) = std::fs::read(&meta) else {
            break;
        };
        let mut a: Attempt = serde_json::from_slice(&text).unwrap_or_default();
        a.nr = n;
        a.has_log = attempt_path(logs_dir, id, n).exists();
        out.push(a);
    }
    out
}

/// Moves the build's current log aside as its next attempt, with `outcome` (before a restart
/// queues it again). Returns the attempt's number; a build without a log still gets one.
pub fn archive_attempt(logs_dir: &Path, id: u64, outcome: &Attempt) -> Result<u32, LogError> {
    let n = attempts(logs_dir, id).len() as u32 + 1;
    if live_path(logs_dir, id).exists() {
        compress(logs_dir, id)?;
    }
    let bz = bz2_path(logs_dir, id);
    if bz.exists() {
        let dst = attempt_path(logs_dir, id, n);
        std::fs::rename(&bz, &dst).map_err(err(&dst))?;
    }
    std::fs::create_dir_all(logs_dir).map_err(err(logs_dir))?;
    let meta = attempt_meta_path(logs_dir, id, n);
    let a = Attempt {
        nr: n,
        ..outcome.clone()
    };
    std::fs::write(&meta, serde_json::to_vec(&a).unwrap_or_default()).map_err(err(&meta))?;
    Ok(n)
}

/// The whole log of attempt `n`, or None.
pub fn read_attempt(logs_dir: &Path, id: u64, n: u32) -> Result<Option<Vec<u8>>, LogError> {
    let p = attempt_path(logs_dir, id, n);
    let f = match std::fs::File::open(&p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(&p)(e)),
    };
    let mut out = Vec::new();
    bzip2::read::MultiBzDecoder::new(f)
        .read_to_end(&mut out)
        .map_err(err(&p))?;
    Ok(Some(out))
}

/// Removes every log of a build: its own, its steps' and its earlier attempts' (the build is
/// deleted).
pub fn remove_all(logs_dir: &Path, id: u64) {
    remove(logs_dir, id);
    let _ = std::fs::remove_dir_all(steps_dir(logs_dir, id));
    for n in 1..=MAX_ATTEMPTS {
        let meta = attempt_meta_path(logs_dir, id, n);
        if std::fs::remove_file(&meta).is_err() {
            break;
        }
        let _ = std::fs::remove_file(attempt_path(logs_dir, id, n));
    }
}

/// One thing Nix's structured log (`--log-format internal-json`) said, as the runner uses it.
#[derive(Debug, Clone, PartialEq)]
pub enum NixEvent {
    /// A line for the build's own log (what Nix would print to a terminal).
    Text(String),
    /// A derivation started building (`machine` empty: locally), or a path is substituted.
    StepStart {
        act: u64,
        drv: String,
        machine: String,
        substitution: bool,
    },
    /// A line of a step's own log.
    StepLine {
        act: u64,
        line: String,
    },
    StepStop {
        act: u64,
    },
    /// An error message named this derivation's builder as failed; `remote` when the message
    /// is the build hook's report from the machine (`build of 'X' on 'M' failed: …`). Over a
    /// lost connection Nix also says `builder for 'X' failed`, which then is not the build's
    /// fault.
    StepFailed {
        drv: String,
        remote: bool,
    },
    /// An error message that says the machine, not the build, failed (ssh, connection, disk).
    Infra(String),
}

/// Activity and result types of Nix's logger (`libutil/logging.hh`).
const ACT_BUILD: u64 = 105;
const ACT_SUBSTITUTE: u64 = 108;
const RES_BUILD_LOG_LINE: u64 = 101;

/// Splits Nix's stderr (internal-json, mixed with plain lines) into events. Pure: bytes in,
/// events out; partial lines wait for the rest.
#[derive(Debug, Default)]
pub struct NixLogParser {
    buf: Vec<u8>,
}

impl NixLogParser {
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<NixEvent>) {
        self.buf.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(p) = self.buf[start..].iter().position(|&c| c == b'\n') {
            let line = String::from_utf8_lossy(&self.buf[start..start + p]).into_owned();
            parse_line(&line, out);
            start += p + 1;
        }
        self.buf.drain(..start);
        // A runaway line without newline is cut rather than kept growing.
        if self.buf.len() > 1 << 20 {
            let line = String::from_utf8_lossy(&self.buf).into_owned();
            self.buf.clear();
            parse_line(&line, out);
        }
    }

    pub fn finish(&mut self, out: &mut Vec<NixEvent>) {
        if !self.buf.is_empty() {
            let line = String::from_utf8_lossy(&self.buf).into_owned();
            self.buf.clear();
            parse_line(&line, out);
        }
    }
}

/// Removes terminal escapes (`ESC [ … letter`) Nix puts into messages.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\u{1b}' {
            if it.peek() == Some(&'[') {
                it.next();
                for d in it.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Messages of Nix's build hook and SSH store that blame the machine.
pub fn infra_failure(msg: &str) -> bool {
    const SIGNS: &[&str] = &[
        "cannot build on '",
        "cannot connect to '",
        "Connection refused",
        "Connection reset",
        "Connection timed out",
        "Could not resolve hostname",
        "Host key verification failed",
        "Permission denied (publickey",
        "No space left on device",
        "unexpected end-of-file",
        "failed to start SSH",
        "cannot open connection to remote store",
    ];
    SIGNS.iter().any(|s| msg.contains(s))
}

/// The derivation a failure message names, and whether the remote reported it:
/// `build of 'X' on 'M' failed: …` (remote) or `builder for 'X' failed …`.
fn failed_drv(msg: &str) -> Option<(String, bool)> {
    for (pat, remote) in [("build of '", true), ("builder for '", false)] {
        if let Some(rest) = msg.split(pat).nth(1) {
            if let Some(d) = rest.split('\'').next() {
                if rest.contains("failed") {
                    return Some((d.to_string(), remote));
                }
            }
        }
    }
    None
}

fn parse_line(line: &str, out: &mut Vec<NixEvent>) {
    let Some(json) = line.strip_prefix("@nix ") else {
        out.push(NixEvent::Text(line.to_string()));
        return;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else {
        out.push(NixEvent::Text(line.to_string()));
        return;
    };
    let num = |k: &str| v.get(k).and_then(|x| x.as_u64());
    let field = |i: usize| {
        v.get("fields")
            .and_then(|f| f.get(i))
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string()
    };
    let level = num("level").unwrap_or(0);
    match v.get("action").and_then(|a| a.as_str()).unwrap_or("") {
        "msg" => {
            let msg = strip_ansi(v.get("msg").and_then(|m| m.as_str()).unwrap_or(""));
            if level == 0 {
                if let Some((drv, remote)) = failed_drv(&msg) {
                    out.push(NixEvent::StepFailed { drv, remote });
                }
                if infra_failure(&msg) {
                    out.push(NixEvent::Infra(msg.clone()));
                }
            }
            if level <= 3 {
                for l in msg.lines() {
                    out.push(NixEvent::Text(l.to_string()));
                }
            }
        }
        "start" => {
            let act = num("id").unwrap_or(0);
            let text = strip_ansi(v.get("text").and_then(|t| t.as_str()).unwrap_or(""));
            match num("type").unwrap_or(0) {
                ACT_BUILD => out.push(NixEvent::StepStart {
                    act,
                    drv: field(0),
                    machine: field(1),
                    substitution: false,
                }),
                ACT_SUBSTITUTE => out.push(NixEvent::StepStart {
                    act,
                    drv: field(0),
                    machine: String::new(),
                    substitution: true,
                }),
                _ => {}
            }
            if level <= 3 && !text.is_empty() {
                out.push(NixEvent::Text(text));
            }
        }
        "result" if num("type") == Some(RES_BUILD_LOG_LINE) => {
            let line = strip_ansi(&field(0));
            let act = num("id").unwrap_or(0);
            out.push(NixEvent::Text(line.clone()));
            out.push(NixEvent::StepLine { act, line });
        }
        "stop" => out.push(NixEvent::StepStop {
            act: num("id").unwrap_or(0),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_of_live_and_compressed_logs() {
        let mut b = [0u8; 8];
        let _ = getrandom::getrandom(&mut b);
        let dir = std::env::temp_dir().join(format!("hydrant-log-{}", u64::from_le_bytes(b)));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(tail(&dir, 1, 10).unwrap().is_none());
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        std::fs::write(live_path(&dir, 1), &text).unwrap();
        let t = tail(&dir, 1, 30).unwrap().unwrap();
        assert!(t.ends_with("line 999\n") && t.starts_with("line 99"), "{t}");
        compress(&dir, 1).unwrap();
        assert!(!live_path(&dir, 1).exists());
        assert_eq!(tail(&dir, 1, 30).unwrap().unwrap(), t);
        assert_eq!(read(&dir, 1).unwrap().unwrap(), text.as_bytes());
        // A restart keeps it as attempt 1; the next run writes a new log.
        let outcome = Attempt {
            status: Some(1),
            ..Default::default()
        };
        assert_eq!(archive_attempt(&dir, 1, &outcome).unwrap(), 1);
        assert!(read(&dir, 1).unwrap().is_none());
        std::fs::write(live_path(&dir, 1), "second run\n").unwrap();
        assert_eq!(archive_attempt(&dir, 1, &outcome).unwrap(), 2);
        let a = attempts(&dir, 1);
        assert_eq!(
            a.iter().map(|a| (a.nr, a.has_log)).collect::<Vec<_>>(),
            [(1, true), (2, true)]
        );
        assert_eq!(read_attempt(&dir, 1, 1).unwrap().unwrap(), text.as_bytes());
        assert_eq!(read_attempt(&dir, 1, 2).unwrap().unwrap(), b"second run\n");
        remove_all(&dir, 1);
        assert!(attempts(&dir, 1).is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn parses_nix_internal_json() {
        let mut p = NixLogParser::default();
        let mut ev = Vec::new();
        let text = concat!(
            "@nix {\"action\":\"msg\",\"level\":3,\"msg\":\"this derivation will be built:\"}\n",
            "@nix {\"action\":\"start\",\"fields\":[\"/nix/store/a-x.drv\",\"ssh://b\",1,1],\"id\":7,\"level\":3,\"text\":\"building 'x' on 'ssh://b'\",\"type\":105}\n",
            "@nix {\"action\":\"result\",\"fields\":[\"hello \\u001b[1mworld\\u001b[0m\"],\"id\":7,\"type\":101}\n",
            "@nix {\"action\":\"msg\",\"level\":0,\"msg\":\"\\u001b[31;1merror:\\u001b[0m build of '/nix/store/a-x.drv' on 'ssh://b' failed: builder for '/nix/store/a-x.drv' failed with exit code 3\"}\n",
            "@nix {\"action\":\"stop\",\"id\":7}\n",
            "@nix {\"action\":\"msg\",\"level\":0,\"msg\":\"cannot build on 'ssh://c': error: cannot connect to 'c': ssh: Connection refused\"}\n",
            "plain line\n@nix {\"action\":\"start\",\"fields\":[\"/nix/store/p\",\"https://cache\"],\"id\":9,\"level\":4,\"text\":\"\",\"type\":108}\n",
            "partial"
        );
        // Fed in two pieces, cut inside a line.
        let (a, b) = text.split_at(100);
        p.feed(a.as_bytes(), &mut ev);
        p.feed(b.as_bytes(), &mut ev);
        assert!(!ev.contains(&NixEvent::Text("partial".into())));
        p.finish(&mut ev);
        use NixEvent::*;
        assert_eq!(ev[0], Text("this derivation will be built:".into()));
        assert_eq!(
            ev[1],
            StepStart {
                act: 7,
                drv: "/nix/store/a-x.drv".into(),
                machine: "ssh://b".into(),
                substitution: false
            }
        );
        assert_eq!(ev[2], Text("building 'x' on 'ssh://b'".into()));
        assert_eq!(ev[3], Text("hello world".into()));
        assert_eq!(
            ev[4],
            StepLine {
                act: 7,
                line: "hello world".into()
            }
        );
        assert_eq!(
            ev[5],
            StepFailed {
                drv: "/nix/store/a-x.drv".into(),
                remote: true
            }
        );
        assert!(matches!(&ev[6], Text(t) if t.starts_with("error: build of")));
        assert_eq!(ev[7], StepStop { act: 7 });
        assert!(matches!(&ev[8], Infra(m) if m.contains("Connection refused")));
        assert!(ev.contains(&Text("plain line".into())));
        assert!(ev.contains(&StepStart {
            act: 9,
            drv: "/nix/store/p".into(),
            machine: String::new(),
            substitution: true
        }));
        assert_eq!(ev.last(), Some(&Text("partial".into())));
    }
}
