//! Benchmarks for the NAR writer (`make bench`): NAR + sha256 throughput against `sha256sum`
//! over the same bytes, and peak RSS of `hydrant nar dump|hash` on a 1 GiB file. Prints figures,
//! never asserts on timing.
use hydrant::nix::nar;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;

struct Scratch(PathBuf);
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn scratch(tag: &str) -> Scratch {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    let p = PathBuf::from(format!(
        "/tmp/hydrant-bench-{tag}-{:x}",
        u64::from_le_bytes(b)
    ));
    fs::create_dir_all(&p).unwrap();
    Scratch(p)
}

/// Fills a file with `len` pseudo-random bytes (xorshift: fast, incompressible enough).
fn write_random(path: &Path, len: u64, seed: &mut u64) {
    let mut f = std::io::BufWriter::with_capacity(MIB as usize, fs::File::create(path).unwrap());
    let mut block = vec![0u8; MIB as usize];
    let mut left = len;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let bytes = seed.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        let n = left.min(block.len() as u64) as usize;
        f.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
    f.flush().unwrap();
}

/// ~1 GiB: three 300 MiB files and 20,000 small files (0-8 KiB) in 100 directories.
fn make_tree(root: &Path) -> (u64, Vec<PathBuf>) {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut total = 0;
    let mut files = Vec::new();
    fs::create_dir_all(root.join("big")).unwrap();
    for i in 0..3 {
        let p = root.join(format!("big/file{i}"));
        write_random(&p, 300 * MIB, &mut seed);
        total += 300 * MIB;
        files.push(p);
    }
    for d in 0..100 {
        let dir = root.join(format!("small/d{d:03}"));
        fs::create_dir_all(&dir).unwrap();
        for i in 0..200 {
            let len = seed % 8192;
            let p = dir.join(format!("f{i}"));
            write_random(&p, len, &mut seed);
            total += len;
            files.push(p);
        }
    }
    (total, files)
}

fn best_of<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn mbs(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

#[test]
#[ignore]
fn nar_sha256_throughput_vs_sha256sum() {
    let s = scratch("tree");
    let tree = s.0.join("tree");
    let (bytes, files) = make_tree(&tree);
    let list = s.0.join("files");
    let mut nul = Vec::new();
    for f in &files {
        nul.extend_from_slice(f.to_str().unwrap().as_bytes());
        nul.push(0);
    }
    fs::write(&list, nul).unwrap();
    let sha256sum = || {
        let st = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "xargs -0 sha256sum < {} > /dev/null",
                list.display()
            ))
            .status()
            .unwrap();
        assert!(st.success());
    };
    sha256sum(); // warm the page cache for both contestants
    let mut summary = None;
    let t_ours = best_of(3, || summary = Some(nar::hash_path(&tree).unwrap()));
    let t_peer = best_of(3, sha256sum);
    let bin = env!("CARGO_BIN_EXE_hydrant");
    let t_cli = best_of(3, || {
        let out = Command::new(bin)
            .args(["nar", "hash"])
            .arg(&tree)
            .output()
            .unwrap();
        assert!(out.status.success());
    });
    let t_nix = best_of(1, || {
        let st = Command::new("nix-hash")
            .args(["--type", "sha256"])
            .arg(&tree)
            .stdout(Stdio::null())
            .status();
        assert!(st.map(|s| s.success()).unwrap_or(false));
    });
    let nar_size = summary.map(|s| s.nar_size).unwrap_or(0);
    println!(
        "tree: {} files, {:.0} MiB of file data, NAR {:.0} MiB",
        files.len(),
        bytes as f64 / MIB as f64,
        nar_size as f64 / MIB as f64
    );
    println!(
        "hydrant nar::hash_path    {:>8.1} MB/s  ({:.2}s)",
        mbs(bytes, t_ours),
        t_ours.as_secs_f64()
    );
    println!(
        "hydrant nar hash (binary) {:>8.1} MB/s  ({:.2}s)",
        mbs(bytes, t_cli),
        t_cli.as_secs_f64()
    );
    println!(
        "sha256sum (same files)    {:>8.1} MB/s  ({:.2}s)",
        mbs(bytes, t_peer),
        t_peer.as_secs_f64()
    );
    println!(
        "nix-hash --type sha256    {:>8.1} MB/s  ({:.2}s)",
        mbs(bytes, t_nix),
        t_nix.as_secs_f64()
    );
    println!(
        "ratio hydrant/sha256sum   {:>8.2} (target >= 0.90)",
        t_peer.as_secs_f64() / t_ours.as_secs_f64()
    );
}

/// Runs a command to completion and returns its peak RSS in KiB (ru_maxrss from wait4).
// The child is reaped by wait4 itself, which std's Child cannot see.
#[allow(clippy::zombie_processes)]
fn peak_rss_kib(cmd: &mut Command) -> i64 {
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "command failed"
    );
    ru.ru_maxrss
}

#[test]
#[ignore]
fn peak_rss_dumping_1_gib_file() {
    let s = scratch("rss");
    let f = s.0.join("one-gib");
    let mut seed = 42u64;
    write_random(&f, 1024 * MIB, &mut seed);
    let bin = env!("CARGO_BIN_EXE_hydrant");
    let dump = peak_rss_kib(
        Command::new(bin)
            .args(["nar", "dump"])
            .arg(&f)
            .stdout(Stdio::null()),
    );
    let pipe = peak_rss_kib(
        Command::new("sh")
            .arg("-c")
            .arg(format!("{bin} nar dump {} | cat > /dev/null", f.display())),
    );
    let hash = peak_rss_kib(
        Command::new(bin)
            .args(["nar", "hash"])
            .arg(&f)
            .stdout(Stdio::null()),
    );
    let nix = peak_rss_kib(
        Command::new("nix-store")
            .args(["--dump"])
            .arg(&f)
            .stdout(Stdio::null()),
    );
    println!("peak RSS, 1 GiB file (target < 32 MB):");
    println!(
        "  hydrant nar dump > /dev/null  {:>6.1} MB",
        dump as f64 / 1024.0
    );
    println!(
        "  hydrant nar dump | cat        {:>6.1} MB (max of sh, hydrant, cat)",
        pipe as f64 / 1024.0
    );
    println!(
        "  hydrant nar hash              {:>6.1} MB",
        hash as f64 / 1024.0
    );
    println!(
        "  nix-store --dump > /dev/null  {:>6.1} MB",
        nix as f64 / 1024.0
    );
}
