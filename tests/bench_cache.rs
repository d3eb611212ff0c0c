//! Numbers for issue 7, printed side by side (never asserted):
//! `hydrant cache push` vs `nix copy --to file://` (xz and bzip2) over a ~300 MiB closure,
//! peak RSS pushing one 1 GiB path, and s3-gc speed over 100,000 objects.
mod cache_util;
mod common;

use cache_util::*;
use common::{nix_cmd, nix_run, S3Server, TempDir};
use std::path::Path;
use std::time::Instant;

/// Dead objects planted for the GC bench (HYDRANT_BENCH_GC_OBJECTS overrides, for quick runs).
const OBJECTS: u64 = 100_000;

/// A closure of 4 paths, ~300 MiB in all: generated text (compressible) and random chunks.
fn build_big_closure(dir: &Path) -> String {
    let n = nonce();
    let expr = format!(
        r#"
let
  mk = name: script: derivation {{
    inherit name; builder = "/bin/sh"; args = [ "-c" script ];
    PATH = "/usr/bin:/bin"; system = builtins.currentSystem;
  }};
  part = i: mk "bench-part-${{toString i}}" ''
    mkdir $out; echo {n} ${{toString i}} > $out/nonce
    seq ${{toString (i * 1000000)}} ${{toString (i * 1000000 + 6500000)}} | sed 's/$/ hydrant bench line/' | head -c 50000000 > $out/text
    head -c 25000000 /dev/urandom > $out/random
    mkdir $out/small; for f in $(seq 1 200); do echo "file $f {n}" > $out/small/$f; done
  '';
  a = part 1; b = part 2; c = part 3;
in mk "bench-top" "mkdir $out; echo ${{a}} ${{b}} ${{c}} > $out/refs; seq 1 3000000 > $out/text"
"#
    );
    let f = dir.join("big.nix");
    std::fs::write(&f, expr).unwrap();
    nix_run("nix-build", &["--no-out-link", f.to_str().unwrap()])
}

fn closure_bytes(top: &str) -> u64 {
    closure(top)
        .iter()
        .map(|p| {
            nix_run("nix-store", &["-q", "--size", p])
                .parse::<u64>()
                .unwrap()
        })
        .sum()
}

fn time_push(s3: &S3Server, bucket: &str, compression: &str, top: &str, state: &Path) -> f64 {
    let to = format!(
        "s3://{bucket}/c?endpoint={}&compression={compression}",
        s3.endpoint()
    );
    let t = Instant::now();
    let out = hydrant(s3)
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(state)
        .arg(top)
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    secs
}

fn time_nix_copy(compression: &str, top: &str, dir: &Path) -> f64 {
    let dest = dir.join(format!("nixcopy-{compression}"));
    let t = Instant::now();
    let out = nix_cmd("nix")
        .args([
            "--extra-experimental-features",
            "nix-command",
            "copy",
            "--to",
        ])
        .arg(format!(
            "file://{}?compression={compression}",
            dest.display()
        ))
        .arg(top)
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    secs
}

fn dir_bytes(d: &Path) -> u64 {
    let mut n = 0;
    let mut stack = vec![d.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                n += m.len();
            }
        }
    }
    n
}

#[test]
#[ignore]
fn bench_push_vs_nix_copy() {
    let s3 = S3Server::start();
    let dir = TempDir::new("bench-cache");
    let top = build_big_closure(dir.path());
    let bytes = closure_bytes(&top) as f64 / 1048576.0;
    println!(
        "closure: {} paths, {bytes:.0} MiB of NAR",
        closure(&top).len()
    );
    for comp in ["xz", "bzip2"] {
        let bucket = format!("bench-{comp}");
        let b = s3.create_bucket(&bucket);
        let ours = time_push(&s3, &bucket, comp, &top, &dir.path().join("state"));
        let nix = time_nix_copy(comp, &top, dir.path());
        println!(
            "{comp:>6}: hydrant cache push (to s3s-fs) {ours:6.1}s ({:5.1} MiB/s, {:.0} MiB stored) | \
             nix copy --to file:// {nix:6.1}s ({:5.1} MiB/s, {:.0} MiB stored) | speed-up {:.2}x",
            bytes / ours,
            dir_bytes(&b) as f64 / 1048576.0,
            bytes / nix,
            dir_bytes(&dir.path().join(format!("nixcopy-{comp}"))) as f64 / 1048576.0,
            nix / ours
        );
    }
}

/// Runs a push and returns (seconds, peak RSS in KiB) of exactly that process (wait4).
fn push_with_rss(s3: &S3Server, bucket: &str, comp: &str, path: &str, state: &Path) -> (f64, i64) {
    let to = format!(
        "s3://{bucket}/c?endpoint={}&compression={comp}",
        s3.endpoint()
    );
    let t = Instant::now();
    // Reaped by wait4 below, which also reports its peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = hydrant(s3)
        .args(["cache", "push", "--to", &to, "--state-dir"])
        .arg(state)
        .arg(path)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: wait4 on our own child fills `status` and the rusage struct we pass.
    let rss = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        let r = libc::wait4(child.id() as i32, &mut status, 0, &mut ru);
        assert_eq!(r, child.id() as i32);
        ru.ru_maxrss
    };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "push failed"
    );
    (t.elapsed().as_secs_f64(), rss)
}

#[test]
#[ignore]
fn bench_rss_pushing_one_gib_path() {
    let s3 = S3Server::start();
    let dir = TempDir::new("bench-rss");
    let n = nonce();
    let f = dir.path().join("gib.nix");
    std::fs::write(
        &f,
        format!(
            r#"derivation {{ name = "bench-gib"; builder = "/bin/sh"; PATH = "/usr/bin:/bin";
  system = builtins.currentSystem;
  args = [ "-c" "mkdir $out; echo {n} > $out/n; head -c 268435456 /dev/urandom > $out/random; seq 1 120000000 | head -c 805306368 > $out/text" ]; }}"#
        ),
    )
    .unwrap();
    let path = nix_run("nix-build", &["--no-out-link", f.to_str().unwrap()]);
    // xz over 1 GiB takes minutes (one encoder thread per path by default: ~100 MiB peak RSS,
    // about 6 minutes on 2 cores): opt in with HYDRANT_BENCH_RSS_XZ=1.
    let mut comps = vec!["bzip2", "none"];
    if std::env::var("HYDRANT_BENCH_RSS_XZ").is_ok() {
        comps.push("xz");
    }
    for comp in comps {
        let bucket = format!("rss-{comp}");
        s3.create_bucket(&bucket);
        let (secs, rss) = push_with_rss(&s3, &bucket, comp, &path, &dir.path().join("state"));
        println!(
            "1 GiB path, {comp:>5}: {secs:6.1}s ({:5.1} MiB/s), peak RSS of hydrant cache push {:.1} MiB (target < 128 MiB)",
            1024.0 / secs,
            rss as f64 / 1024.0
        );
    }
}

#[test]
#[ignore]
fn bench_s3_gc_100k_objects() {
    let s3 = S3Server::start();
    let bucket = s3.create_bucket("gc100k");
    let dir = TempDir::new("bench-gc");
    let state = dir.path().join("state");
    let live = build_fixture(dir.path(), "gclive", 4);
    let conf = dir.path().join("h.conf");
    std::fs::write(
        &conf,
        format!(
            "state_dir = {}\n<s3config>\nname = gc100k\njobs = .*\nprefix = c/\ncompression_type = xz\n\
             endpoint = {}\npath_style = true\n</s3config>\n",
            state.display(),
            s3.endpoint()
        ),
    )
    .unwrap();
    let out = hydrant(&s3)
        .args(["cache", "push", "--to", "gc100k", "--config"])
        .arg(&conf)
        .arg(&live)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::create_dir_all(state.join("gcroots")).unwrap();
    std::os::unix::fs::symlink(&live, state.join("gcroots/live")).unwrap();
    // 100,000 dead objects written straight into s3s-fs's directory.
    let alphabet = b"0123456789abcdfghijklmnpqrsvwxyz";
    std::fs::create_dir_all(bucket.join("c/nar")).unwrap();
    let objects: u64 = std::env::var("HYDRANT_BENCH_GC_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(OBJECTS);
    for i in 0..objects / 2 {
        let h: String = (0..32)
            .map(|j| alphabet[((i >> ((j % 12) * 2)) as usize + j) % 32] as char)
            .collect();
        std::fs::write(bucket.join(format!("c/{h}.narinfo")), "URL: nar/x.nar.xz\n").unwrap();
        std::fs::write(bucket.join(format!("c/nar/{h}{i}.nar.xz")), "x").unwrap();
    }
    let total = keys(&bucket).len();
    for (label, args) in [("--dry-run", vec!["--dry-run"]), ("delete", vec![])] {
        let t = Instant::now();
        let out = hydrant(&s3)
            .args(["s3-gc", "--config"])
            .arg(&conf)
            .args(&args)
            .output()
            .unwrap();
        let secs = t.elapsed().as_secs_f64();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        println!(
            "s3-gc {label:>9} over {total} objects: {secs:.2}s wall = {:.0} objects/s (target >= 5000) | {} | {}",
            total as f64 / secs,
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
}
