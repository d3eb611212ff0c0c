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
    let live = live_path(logs_dir, id);
    let dst = bz2_path(logs_dir, id);
    let tmp = logs_dir.join(format!("{id}.log.bz2.tmp"));
    let mut src = std::fs::File::open(&live).map_err(err(&live))?;
    let out = std::fs::File::create(&tmp).map_err(err(&tmp))?;
    let mut enc = bzip2::write::BzEncoder::new(out, bzip2::Compression::new(6));
    std::io::copy(&mut src, &mut enc).map_err(err(&tmp))?;
    enc.finish().map_err(err(&tmp))?;
    std::fs::rename(&tmp, &dst).map_err(err(&dst))?;
    std::fs::remove_file(&live).map_err(err(&live))?;
    Ok(())
}

/// Removes any log of a build (before it runs again).
pub fn remove(logs_dir: &Path, id: u64) {
    let _ = std::fs::remove_file(live_path(logs_dir, id));
    let _ = std::fs::remove_file(bz2_path(logs_dir, id));
}

/// The whole log, or None when the build has none (yet).
pub fn read(logs_dir: &Path, id: u64) -> Result<Option<Vec<u8>>, LogError> {
    let live = live_path(logs_dir, id);
    match std::fs::read(&live) {
        Ok(b) => return Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(err(&live)(e)),
    }
    let bz = bz2_path(logs_dir, id);
    let f = match std::fs::File::open(&bz) {
        Ok(f) => f,
        // The runner may have renamed the live log between our two opens: look once more.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match std::fs::read(&live) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(err(&live)(e)),
            }
        }
        Err(e) => return Err(err(&bz)(e)),
    };
    let mut out = Vec::new();
    bzip2::read::MultiBzDecoder::new(f)
        .read_to_end(&mut out)
        .map_err(err(&bz))?;
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
    let bz = bz2_path(logs_dir, id);
    let f = match std::fs::File::open(&bz) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(&bz)(e)),
    };
    let mut dec = bzip2::read::MultiBzDecoder::new(f);
    let mut ring: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut cut_any = false;
    loop {
        let n = dec.read(&mut chunk).map_err(err(&bz))?;
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

/// Removes every log of a build, earlier attempts included (the build is deleted).
pub fn remove_all(logs_dir: &Path, id: u64) {
    remove(logs_dir, id);
    for n in 1..=MAX_ATTEMPTS {
        let meta = attempt_meta_path(logs_dir, id, n);
        if std::fs::remove_file(&meta).is_err() {
            break;
        }
        let _ = std::fs::remove_file(attempt_path(logs_dir, id, n));
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
}
