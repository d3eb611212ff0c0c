//! Shared helpers for integration tests: temp dirs, real Nix, a real s3s-fs server.
#![allow(dead_code)]
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
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

/// A made-up store hash part for `seed`: 32 Nix base32 characters spread like real ones (the
/// path indexes key a store path by its hash part, so counters padded with zeros would all
/// share one key).
pub fn fake_hash(seed: &str) -> String {
    let mut x = seed.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    (0..32)
        .map(|_| {
            // splitmix64
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            b"0123456789abcdfghijklmnpqrsvwxyz"[((z ^ (z >> 31)) % 32) as usize] as char
        })
        .collect()
}

/// A port that was free a moment ago: only for an address that must have nobody listening
/// (servers under test listen on port 0 and report the port they got; see `port_from_log`).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Waits for `marker` followed by `127.0.0.1:PORT` in a log file a server writes at start-up
/// (hydrant's "listening on http://ADDR", s3s-fs's "server is running at http://ADDR") and
/// returns the port: servers bind port 0, so no port is ever raced for.
pub fn port_from_log(log: &Path, marker: &str, within: Duration) -> u16 {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        // Only whole lines: stderr is unbuffered, so a line can be read while half written
        // ("…127.0.0.1:4" of port 43271).
        let whole = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        for line in whole.lines() {
            if let Some(rest) = line.split(marker).nth(1) {
                let port: String = rest
                    .trim_start_matches("http://")
                    .trim_start_matches("127.0.0.1:")
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                if let Ok(p) = port.parse() {
                    return p;
                }
            }
        }
        assert!(
            start.elapsed() < within,
            "no `{marker}` line in {} after {within:?}:\n{text}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
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
        let logs = TempDir::new("s3log");
        let log = logs.path().join("s3s-fs.log");
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
        let out = std::fs::File::create(&log).expect("s3s-fs log");
        let child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .args(["--access-key", &access_key, "--secret-key", &secret_key])
            .arg(root.path())
            // At info level s3s-fs says which port it got.
            .env("RUST_LOG", "s3s_fs=info")
            .env("NO_COLOR", "1")
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("start s3s-fs (make test-deps installs it)");
        let guard = Guard(child);
        let port = port_from_log(&log, "server is running at ", Duration::from_secs(10));
        wait_for_port(port, Duration::from_secs(10));
        drop(logs);
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

/// `name` of type `kind` with `value`, as a jobset input.
pub fn input(name: &str, kind: &str, value: &str) -> hydrant::db::JobsetInput {
    hydrant::db::JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

/// An `App` over a temporary state dir: the one set-up for in-process tests of the evaluator,
/// the runner and the db. `TestApp::new("tag").config("max_jobs = 2").jobset(js, inputs)`.
pub struct TestApp {
    /// Scratch space; the state dir is `dir/state`.
    pub dir: TempDir,
    pub app: std::sync::Arc<hydrant::app::App>,
}

pub struct TestAppBuilder {
    tag: String,
    config: String,
    jobsets: Vec<(hydrant::db::Jobset, Vec<hydrant::db::JobsetInput>)>,
}

impl TestApp {
    #[allow(clippy::new_ret_no_self)]
    pub fn new(tag: &str) -> TestAppBuilder {
        TestAppBuilder {
            tag: tag.to_string(),
            config: String::new(),
            jobsets: Vec::new(),
        }
    }

    /// Project `p` (enabled, visible) and jobset `j` with no inputs: enough to record evals.
    pub fn with_pj(tag: &str, config: &str) -> TestApp {
        TestApp::new(tag)
            .config(config)
            .jobset(hydrant::db::Jobset::new("p", "j"), &[])
            .build()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Records an eval of `jobs` in `project:jobset` (see `record_eval`).
    pub fn record(
        &self,
        project: &str,
        jobset: &str,
        jobs: Vec<hydrant::db::NewJob>,
    ) -> (hydrant::db::Eval, Vec<u64>) {
        record_eval(&self.app.db, project, jobset, jobs)
    }
}

/// Records an eval of `jobs` in `project:jobset` through the real recording function (every
/// index in one transaction); returns the eval and the build ids in job order.
pub fn record_eval(
    db: &hydrant::db::Db,
    project: &str,
    jobset: &str,
    jobs: Vec<hydrant::db::NewJob>,
) -> (hydrant::db::Eval, Vec<u64>) {
    let names: Vec<String> = jobs.iter().map(|j| j.job.clone()).collect();
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).expect("random");
    let ev = db
        .record_eval(
            hydrant::db::Eval {
                project: project.into(),
                jobset: jobset.into(),
                timestamp: hydrant::db::now(),
                inputs_hash: format!("{:x}", u64::from_le_bytes(b)),
                ..Default::default()
            },
            jobs,
        )
        .expect("record eval");
    let members = db.eval_builds(ev.id).expect("eval builds");
    let ids = names
        .iter()
        .map(|n| {
            members
                .iter()
                .find(|(b, _)| &b.job == n)
                .expect("member")
                .0
                .id
        })
        .collect();
    (ev, ids)
}

/// An `App` whose state dir is `state` (opened again after a crash test's restart), with
/// `config` lines after `state_dir`; children inherit the test Nix settings.
pub fn open_app(state: &Path, config: &str) -> std::sync::Arc<hydrant::app::App> {
    std::env::set_var("NIX_CONFIG", NIX_CONFIG);
    let text = format!("state_dir = {}\n{config}\n", state.display());
    let config = hydrant::config::Config::from_str(&text, "test.conf").expect("config");
    let db = hydrant::db::Db::open(&config.db_path()).expect("open db");
    std::sync::Arc::new(hydrant::app::App::new(config, db))
}

/// Project `p` with jobset `j` (no inputs), unless they exist.
pub fn ensure_pj(db: &hydrant::db::Db) {
    ensure_project(db, "p");
    if db.jobset("p", "j").expect("read jobset").is_none() {
        db.put_jobset(&hydrant::db::Jobset::new("p", "j"), &[])
            .expect("put jobset");
    }
}

impl TestAppBuilder {
    /// Adds config lines (hydra.conf syntax) after `state_dir`.
    pub fn config(mut self, text: &str) -> TestAppBuilder {
        self.config.push_str(text);
        self.config.push('\n');
        self
    }

    /// A jobset (its project is created, enabled and visible, if missing).
    pub fn jobset(
        mut self,
        js: hydrant::db::Jobset,
        inputs: &[hydrant::db::JobsetInput],
    ) -> TestAppBuilder {
        self.jobsets.push((js, inputs.to_vec()));
        self
    }

    /// `{dir}` in the config lines stands for the scratch directory.
    pub fn build(self) -> TestApp {
        let dir = TempDir::new(&self.tag);
        let config = self
            .config
            .replace("{dir}", &dir.path().display().to_string());
        let app = open_app(&dir.path().join("state"), &config);
        for (js, inputs) in &self.jobsets {
            ensure_project(&app.db, &js.project);
            app.db.put_jobset(js, inputs).expect("put jobset");
        }
        TestApp { dir, app }
    }
}

/// Creates project `name` (enabled, visible, no owner) unless it exists.
pub fn ensure_project(db: &hydrant::db::Db, name: &str) {
    if db.project(name).expect("read project").is_none() {
        db.put_project(&hydrant::db::Project {
            name: name.into(),
            enabled: true,
            visible: true,
            ..Default::default()
        })
        .expect("put project");
    }
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

/// Writes `text` to `dir/file`, creating `dir`.
pub fn write_file(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).expect("create dir");
    std::fs::write(dir.join(file), text).expect("write file");
}

/// Runs git in `dir` with a test identity; panics with git's stderr on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A real sshd on loopback for remote-builder tests, one per test process (the port reaches
/// Nix through `NIX_SSHOPTS`, which this sets). It runs from a thread that lives as long as
/// the process, with SIGKILL as its death signal, so it never outlives the tests.
pub struct Sshd {
    pub dir: PathBuf,
    pub port: u16,
    /// Private key whose public half is authorized (for root).
    pub key: PathBuf,
    /// `NIX_SSHOPTS` for this server.
    pub ssh_opts: String,
}

/// Starts the shared sshd on first use (`.ci/install-sshd` installs it; `/run/sshd` is made).
pub fn sshd() -> &'static Sshd {
    static SSHD: std::sync::OnceLock<Sshd> = std::sync::OnceLock::new();
    SSHD.get_or_init(start_sshd)
}

fn start_sshd() -> Sshd {
    assert!(
        Path::new("/usr/sbin/sshd").exists(),
        "/usr/sbin/sshd is missing: run `bash .ci/install-sshd` (make test-deps does)"
    );
    let _ = std::fs::create_dir_all("/run/sshd");
    // Earlier test processes' sshd dirs (the server died with its process) go.
    for e in std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let p = e.path();
        if !e.file_name().to_string_lossy().starts_with("hydrant-sshd-") {
            continue;
        }
        let pid = std::fs::read_to_string(p.join("sshd.pid")).unwrap_or_default();
        let alive = !pid.trim().is_empty() && Path::new("/proc").join(pid.trim()).exists();
        let old = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .map(|t| t.elapsed().unwrap_or_default() > Duration::from_secs(3600))
            .unwrap_or(false);
        if !alive && (old || !pid.trim().is_empty()) {
            let _ = std::fs::remove_dir_all(&p);
        }
    }
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).expect("random");
    let dir = std::env::temp_dir().join(format!("hydrant-sshd-{}", u64::from_le_bytes(b)));
    std::fs::create_dir_all(&dir).expect("sshd dir");
    for k in ["host_key", "user_key"] {
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(dir.join(k))
            .status()
            .expect("ssh-keygen");
        assert!(st.success(), "ssh-keygen failed");
    }
    std::fs::copy(dir.join("user_key.pub"), dir.join("authorized_keys")).expect("authorized");
    let (tx, rx) = std::sync::mpsc::channel();
    let d = dir.clone();
    // The spawning thread must outlive the sshd (the death signal follows the thread).
    std::thread::spawn(move || {
        for _ in 0..5 {
            let port = free_port();
            let conf = d.join("sshd_config");
            std::fs::write(
                &conf,
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {dir}/host_key\nAuthorizedKeysFile {dir}/authorized_keys\nPidFile {dir}/sshd.pid\nPermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\nMaxStartups 200\nMaxSessions 200\nLogLevel ERROR\n",
                    dir = d.display()
                ),
            )
            .expect("sshd config");
            let mut cmd = Command::new("/usr/sbin/sshd");
            cmd.arg("-D").arg("-e").arg("-f").arg(&conf);
            cmd.stderr(std::fs::File::create(d.join("sshd.log")).expect("sshd log"));
            // SAFETY: only prctl(2), async-signal-safe, between fork and exec.
            unsafe {
                use std::os::unix::process::CommandExt;
                cmd.pre_exec(|| {
                    libc::prctl(
                        libc::PR_SET_PDEATHSIG,
                        libc::SIGKILL as libc::c_ulong,
                        0,
                        0,
                        0,
                    );
                    Ok(())
                });
            }
            let mut child = cmd.spawn().expect("start sshd");
            let start = Instant::now();
            let mut up = false;
            while start.elapsed() < Duration::from_secs(5) {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    up = true;
                    break;
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if up {
                tx.send(port).expect("report port");
                let _ = child.wait();
                return;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "sshd did not start: {}",
            std::fs::read_to_string(d.join("sshd.log")).unwrap_or_default()
        );
    });
    let port = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("sshd started");
    let ssh_opts = format!(
        "-p {port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5"
    );
    std::env::set_var("NIX_SSHOPTS", &ssh_opts);
    Sshd {
        key: dir.join("user_key"),
        dir,
        port,
        ssh_opts,
    }
}

/// A "remote machine": Nix with its own store and database (`NIX_DIR` bound on /nix in a
/// private mount namespace by the `remote-program` wrapper), reached over the shared sshd.
pub struct RemoteStore {
    /// What the remote sees as /nix.
    pub nix_dir: PathBuf,
    pub wrapper: PathBuf,
    /// `ssh://root@127.0.0.1?remote-program=WRAPPER`.
    pub uri: String,
}

impl RemoteStore {
    /// A new remote store under `dir/NAME-nix`.
    pub fn new(dir: &Path, name: &str) -> RemoteStore {
        sshd();
        let nix_dir = dir.join(format!("{name}-nix"));
        std::fs::create_dir_all(&nix_dir).expect("remote nix dir");
        let wrapper = dir.join(format!("{name}-nix-store"));
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexport NIX_CONFIG='build-users-group =\nsandbox = false\nsubstituters =\nsystem-features = farm-remote farm-special benchmark big-parallel nixos-test'\nexec unshare -m --propagation private sh -c 'mount --bind {} /nix && exec nix-store \"$@\"' sh \"$@\"\n",
                nix_dir.display()
            ),
        )
        .expect("wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let uri = format!("ssh://root@127.0.0.1?remote-program={}", wrapper.display());
        RemoteStore {
            nix_dir,
            wrapper,
            uri,
        }
    }

    /// A machines-file line: `URI x86_64-linux KEY maxJobs speed features mandatory`.
    pub fn line(&self, max_jobs: usize, speed: f64, features: &str, mandatory: &str) -> String {
        format!(
            "{} x86_64-linux {} {max_jobs} {speed} {features} {mandatory}",
            self.uri,
            sshd().key.display()
        )
    }

    /// Whether the store path (e.g. an output) exists in this remote's store.
    pub fn has(&self, store_path: &str) -> bool {
        let base = Path::new(store_path).file_name().expect("store path");
        self.nix_dir.join("store").join(base).exists()
    }
}

impl RemoteStore {
    /// Kills (-9) this remote's `nix-store --serve` processes, as if the machine vanished
    /// mid-build: they are the processes whose /nix is this remote's directory. Returns how
    /// many were killed.
    pub fn kill_serve(&self) -> usize {
        let needle = format!(" {} /nix ", self.nix_dir.display());
        let mut n = 0;
        for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            if !cmd.starts_with(b"nix-store\0--serve") {
                continue;
            }
            let mounts = std::fs::read_to_string(e.path().join("mountinfo")).unwrap_or_default();
            if mounts.lines().any(|l| l.contains(&needle)) {
                // SAFETY: kill(2) on a pid read from /proc; no memory involved.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                n += 1;
            }
        }
        n
    }
}

/// A private CA and a certificate for 127.0.0.1 signed by it, made with `openssl`.
pub struct TestCa {
    pub dir: TempDir,
    /// The CA certificate (PEM): what a client must be told to trust.
    pub ca_pem: PathBuf,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
}

impl TestCa {
    pub fn new() -> TestCa {
        let dir = TempDir::new("ca");
        let d = dir.path();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .expect("run openssl");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        std::fs::write(
            d.join("ext.cnf"),
            "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"];
        run(&[
            &["req", "-x509"][..],
            &ec[..],
            &[
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3",
                "-subj",
                "/CN=hydrant test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ][..],
        ]
        .concat());
        run(&[
            &["req"][..],
            &ec[..],
            &[
                "-nodes",
                "-keyout",
                "srv.key",
                "-out",
                "srv.csr",
                "-subj",
                "/CN=127.0.0.1",
            ][..],
        ]
        .concat());
        run(&[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "srv.pem",
            "-days",
            "3",
            "-extfile",
            "ext.cnf",
        ]);
        TestCa {
            ca_pem: d.join("ca.pem"),
            cert_pem: d.join("srv.pem"),
            key_pem: d.join("srv.key"),
            dir,
        }
    }
}

/// A TLS front on loopback (rustls, one thread per connection) passing bytes to a plain
/// backend port: https for s3s-fs with a certificate from a private CA.
pub struct TlsFront {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl TlsFront {
    pub fn start(ca: &TestCa, backend: u16) -> TlsFront {
        use std::io::BufReader;
        let certs = rustls_pemfile::certs(&mut BufReader::new(
            std::fs::File::open(&ca.cert_pem).unwrap(),
        ))
        .unwrap()
        .into_iter()
        .map(rustls::Certificate)
        .collect();
        let mut r = BufReader::new(std::fs::File::open(&ca.key_pem).unwrap());
        let key = match rustls_pemfile::read_one(&mut r).unwrap() {
            Some(rustls_pemfile::Item::PKCS8Key(k))
            | Some(rustls_pemfile::Item::ECKey(k))
            | Some(rustls_pemfile::Item::RSAKey(k)) => rustls::PrivateKey(k),
            other => panic!("no key in {}: {other:?}", ca.key_pem.display()),
        };
        let cfg = std::sync::Arc::new(
            rustls::ServerConfig::builder()
                .with_safe_defaults()
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .unwrap(),
        );
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                if stop2.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Ok(c) = c else { continue };
                let cfg = cfg.clone();
                std::thread::spawn(move || {
                    let _ = tls_proxy(c, cfg, backend);
                });
            }
        });
        TlsFront { port, stop }
    }
    pub fn endpoint(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One proxied connection: TLS on `client`, plain on the backend, until either side is done.
fn tls_proxy(
    mut client: std::net::TcpStream,
    cfg: std::sync::Arc<rustls::ServerConfig>,
    backend: u16,
) -> std::io::Result<()> {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    let mut conn = rustls::ServerConnection::new(cfg).map_err(std::io::Error::other)?;
    conn.set_buffer_limit(None);
    while conn.is_handshaking() {
        conn.complete_io(&mut client)?;
    }
    let mut back = std::net::TcpStream::connect(("127.0.0.1", backend))?;
    let _ = back.set_nodelay(true);
    let _ = client.set_nodelay(true);
    let mut buf = vec![0u8; 256 * 1024];
    // The client's first request may have come in with its Finished message: pass on what the
    // handshake already decrypted before waiting for more.
    let st = conn.process_new_packets().map_err(std::io::Error::other)?;
    let mut left = st.plaintext_bytes_to_read();
    while left > 0 {
        let n = conn.reader().read(&mut buf[..left.min(256 * 1024)])?;
        back.write_all(&buf[..n])?;
        left -= n;
    }
    let (mut client_open, mut back_open) = (true, true);
    while client_open || back_open {
        let mut fds = [
            libc::pollfd {
                fd: client.as_raw_fd(),
                events: if client_open { libc::POLLIN } else { 0 },
                revents: 0,
            },
            libc::pollfd {
                fd: back.as_raw_fd(),
                events: if back_open { libc::POLLIN } else { 0 },
                revents: 0,
            },
        ];
        // SAFETY: two valid pollfds on sockets owned by this function.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, 60_000) };
        if r <= 0 {
            return Ok(());
        }
        if fds[0].revents != 0 && client_open {
            if conn.read_tls(&mut client)? == 0 {
                client_open = false;
                let _ = back.shutdown(std::net::Shutdown::Write);
            }
            let st = conn.process_new_packets().map_err(std::io::Error::other)?;
            let mut left = st.plaintext_bytes_to_read();
            while left > 0 {
                let n = conn.reader().read(&mut buf[..left.min(256 * 1024)])?;
                back.write_all(&buf[..n])?;
                left -= n;
            }
            if st.peer_has_closed() {
                client_open = false;
                let _ = back.shutdown(std::net::Shutdown::Write);
            }
        }
        if fds[1].revents != 0 && back_open {
            let n = back.read(&mut buf)?;
            if n == 0 {
                back_open = false;
                conn.send_close_notify();
            } else {
                conn.writer().write_all(&buf[..n])?;
            }
        }
        while conn.wants_write() {
            conn.write_tls(&mut client)?;
        }
        if !back_open {
            return Ok(());
        }
    }
    Ok(())
}

/// A real moto server on loopback (`.ci/install-moto`), the second S3 peer: it allows the first
/// three requests unauthenticated (`INITIAL_NO_AUTH_ACTION_COUNT`), which create an IAM user, its
/// access key and an `s3:*` policy; every later request is checked by botocore against that
/// key (the signature recomputed and compared, the key looked up in IAM).
pub struct MotoServer {
    pub port: u16,
    pub access_key: String,
    pub secret_key: String,
    _logs: TempDir,
    _child: Guard,
}

/// Requests moto serves before it starts checking signatures: the three IAM calls below.
const MOTO_NO_AUTH_ACTIONS: &str = "3";

impl MotoServer {
    pub fn start() -> MotoServer {
        let logs = TempDir::new("motolog");
        let log = logs.path().join("moto.log");
        // $MOTO_SERVER, else the venv .ci/install-moto makes, else PATH.
        let venv = std::env::var_os("MOTO_VENV")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/opt/moto-venv"));
        let bin = std::env::var_os("MOTO_SERVER")
            .map(PathBuf::from)
            .or_else(|| Some(venv.join("bin/moto_server")).filter(|p| p.exists()))
            .unwrap_or_else(|| PathBuf::from("moto_server"));
        let out = std::fs::File::create(&log).expect("moto log");
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .env("INITIAL_NO_AUTH_ACTION_COUNT", MOTO_NO_AUTH_ACTIONS)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("MOTO_PORT")
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "start {} (make test-deps installs it: .ci/install-moto): {e}",
                    bin.display()
                )
            });
        let guard = Guard(child);
        let port = port_from_log(&log, "Running on ", Duration::from_secs(60));
        wait_for_port(port, Duration::from_secs(10));
        // The unauthenticated window: any key signs these.
        let root = ("AKIDMOTOBOOTSTRAP", "bootstrap-secret");
        let user = "hydrant-test";
        let (status, body) = moto_iam(port, root, &[("Action", "CreateUser"), ("UserName", user)]);
        assert_eq!(status, 200, "CreateUser: {body}");
        let (status, body) = moto_iam(
            port,
            root,
            &[("Action", "CreateAccessKey"), ("UserName", user)],
        );
        assert_eq!(status, 200, "CreateAccessKey: {body}");
        let access_key = xml_text(&body, "AccessKeyId").expect("AccessKeyId");
        let secret_key = xml_text(&body, "SecretAccessKey").expect("SecretAccessKey");
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let (status, body) = moto_iam(
            port,
            root,
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", user),
                ("PolicyName", "s3-all"),
                ("PolicyDocument", policy),
            ],
        );
        assert_eq!(status, 200, "PutUserPolicy: {body}");
        MotoServer {
            port,
            access_key,
            secret_key,
            _logs: logs,
            _child: guard,
        }
    }
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    /// One IAM Query API call signed with `creds`: (status, body).
    pub fn iam(&self, creds: (&str, &str), params: &[(&str, &str)]) -> (u16, String) {
        moto_iam(self.port, creds, params)
    }
}

/// The text of the first `<tag>…</tag>` in `xml`.
pub fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].to_string())
}

/// POSTs an IAM Query request (Version 2010-05-08) to moto, SigV4-signed for `iam` with our
/// own signer; returns the status and the body.
fn moto_iam(port: u16, creds: (&str, &str), params: &[(&str, &str)]) -> (u16, String) {
    use hydrant::s3::sigv4;
    use std::io::{Read, Write};
    let mut body = String::from("Version=2010-05-08");
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", sigv4::uri_encode(v, false)));
    }
    let host = format!("127.0.0.1:{port}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let amz_date = sigv4::amz_date(now);
    let payload_hash = sigv4::hex_sha256(body.as_bytes());
    let ctype = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = vec![
        ("content-type".to_string(), ctype.to_string()),
        ("host".to_string(), host.clone()),
        ("x-amz-date".to_string(), amz_date.clone()),
    ];
    let signed = sigv4::sign(
        &sigv4::Request {
            method: "POST",
            path: "/",
            query: &[],
            headers: &headers,
            payload_hash: &payload_hash,
        },
        &sigv4::Scope {
            amz_date: &amz_date,
            region: "us-east-1",
            service: "iam",
        },
        creds.0,
        creds.1,
    );
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to moto");
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: {ctype}\r\nX-Amz-Date: {amz_date}\r\nAuthorization: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        signed.authorization,
        body.len()
    )
    .expect("send to moto");
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).expect("read moto's answer");
    let text = String::from_utf8_lossy(&resp).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
