//! Shared helpers for integration tests: temp dirs, real Nix, a real s3s-fs server.
#![allow(dead_code)]
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Nix settings for root without a daemon and without network substituters.
pub const NIX_CONFIG: &str = "build-users-group =\nsandbox = false\nsubstituters =\n";

/// A directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let mut buf = [0u8; 8];
        getrandom::getrandom(&mut buf).expect("random");
        let name = format!("hydrant-test-{tag}-{}", u64::from_le_bytes(buf));
        let p = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Waits until something listens on the port.
pub fn wait_for_port(port: u16, within: Duration) {
    let start = Instant::now();
    while start.elapsed() < within {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("nothing listens on port {port} after {within:?}");
}

/// A `Command` for a Nix tool with the test settings applied.
pub fn nix_cmd(tool: &str) -> Command {
    let mut c = Command::new(tool);
    c.env("NIX_CONFIG", NIX_CONFIG);
    c
}

/// Runs a Nix tool and returns its trimmed stdout; panics with stderr on failure.
pub fn nix_run(tool: &str, args: &[&str]) -> String {
    let out = nix_cmd(tool).args(args).output().expect("run nix");
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Path of the hydrant binary built for these tests.
pub fn hydrant_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hydrant"))
}

/// A child process killed on drop.
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A real s3s-fs server on loopback, checking signatures with the given keys.
pub struct S3Server {
    pub port: u16,
    pub root: TempDir,
    pub access_key: String,
    pub secret_key: String,
    _child: Guard,
}

impl S3Server {
    pub fn start() -> S3Server {
        let root = TempDir::new("s3root");
        let port = free_port();
        let access_key = "AKIDHYDRANTTEST".to_string();
        let secret_key = "hydrant/test+secret".to_string();
        // $S3S_FS (set by .ci/run in CI), else ~/.cargo/bin, else PATH.
        let bin = std::env::var_os("S3S_FS")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var("HOME")
                    .map(|h| PathBuf::from(h).join(".cargo/bin/s3s-fs"))
                    .ok()
                    .filter(|p| p.exists())
            })
            .unwrap_or_else(|| PathBuf::from("s3s-fs"));
        let child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", &access_key, "--secret-key", &secret_key])
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs (make test-deps installs it)");
        let guard = Guard(child);
        wait_for_port(port, Duration::from_secs(10));
        S3Server {
            port,
            root,
            access_key,
            secret_key,
            _child: guard,
        }
    }
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    /// Creates a bucket: s3s-fs maps buckets to directories.
    pub fn create_bucket(&self, name: &str) -> PathBuf {
        let p = self.root.path().join(name);
        std::fs::create_dir_all(&p).expect("bucket dir");
        p
    }
}

/// Finishes a build with `status` the way the queue runner records it (start, then finish in
/// one transaction with every index), without running anything.
pub fn finish_build(db: &hydrant::db::Db, id: u64, status: i32) {
    let t = hydrant::db::now();
    db.queue_mark_started(id, t)
        .expect("mark started")
        .unwrap_or_else(|| panic!("build {id} is not queued"));
    db.queue_record_finish(&hydrant::queue::store::Finish {
        id,
        status,
        starttime: t,
        stoptime: t,
        errormsg: None,
        outputs: Default::default(),
        charge: 0.0,
        cached_from: None,
    })
    .expect("record finish");
}

/// How many processes have `VAR=VALUE` (`needle`) in their environment, e.g. the `nonce` of a
/// test derivation: its builder has it. Waits up to 3 s for the count to reach 0 (a killed
/// process may need a moment to be reaped).
pub fn processes_with_env(needle: &str) -> usize {
    let start = Instant::now();
    loop {
        let mut n = 0;
        for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
            if let Ok(env) = std::fs::read(e.path().join("environ")) {
                if env.split(|&c| c == 0).any(|v| v == needle.as_bytes()) {
                    n += 1;
                }
            }
        }
        if n == 0 || start.elapsed() > Duration::from_secs(3) {
            return n;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
