//! Build machines: `localhost` from the config (`systems`, `max_jobs`, `system_features`) plus the
//! machines of a Nix machines file (`URI systems sshKey maxJobs speedFactor supportedFeatures
//! mandatoryFeatures publicHostKey`). Parsing and machine choice are pure; `Farm` is the shared,
//! live state of every machine (slots, failures, back-off) that the runner owns and the web reads.

use crate::config::Config;
use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// `localhost` or e.g. `ssh://builder@host` / `ssh-ng://host`.
    pub uri: String,
    pub systems: Vec<String>,
    pub ssh_key: Option<String>,
    pub max_jobs: usize,
    pub speed_factor: f64,
    pub supported_features: Vec<String>,
    pub mandatory_features: Vec<String>,
    /// Base64 of the host's public key (Nix's 8th field).
    pub public_host_key: Option<String>,
    /// Line of the machines file (0: from the config).
    pub line: usize,
}

impl Machine {
    /// The local machine as configured.
    pub fn localhost(config: &Config) -> Machine {
        Machine {
            uri: "localhost".into(),
            systems: config.systems.clone(),
            ssh_key: None,
            max_jobs: config.max_jobs.max(1),
            speed_factor: 1.0,
            supported_features: config.system_features.clone(),
            mandatory_features: Vec::new(),
            public_host_key: None,
            line: 0,
        }
    }

    /// Whether builds run in the local store (no build hook).
    pub fn is_local(&self) -> bool {
        matches!(self.uri.as_str(), "localhost" | "local" | "auto")
    }

    pub fn supports(&self, system: &str) -> bool {
        self.systems.iter().any(|s| s == system)
    }

    /// Nix's rule (and Hydra's): the system matches, every required feature is supported (or
    /// mandatory), and every mandatory feature is required: a machine with mandatory features
    /// takes nothing else.
    pub fn accepts(&self, system: &str, required: &[String]) -> bool {
        self.supports(system)
            && required
                .iter()
                .all(|f| self.supported_features.contains(f) || self.mandatory_features.contains(f))
            && self.mandatory_features.iter().all(|f| required.contains(f))
    }

    /// The machine as one `--builders` entry for Nix (`-` for empty fields).
    pub fn builders_line(&self) -> String {
        fn or_dash(v: &[String]) -> String {
            if v.is_empty() {
                "-".into()
            } else {
                v.join(",")
            }
        }
        // Nix 2.8 reads an integer speed factor; it only orders machines, and we pass one.
        let speed = (self.speed_factor.round() as u64).max(1);
        format!(
            "{} {} {} {} {} {} {} {}",
            self.uri,
            or_dash(&self.systems),
            self.ssh_key.as_deref().unwrap_or("-"),
            self.max_jobs.max(1),
            speed,
            or_dash(&self.supported_features),
            or_dash(&self.mandatory_features),
            self.public_host_key.as_deref().unwrap_or("-"),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MachinesError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MachinesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "machines file: {}", self.message)
        } else {
            write!(f, "machines file line {}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for MachinesError {}

fn list(field: Option<&str>) -> Vec<String> {
    match field {
        None | Some("-") | Some("") => Vec::new(),
        Some(f) => f
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    }
}

fn word_ok(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'+'))
}

/// Characters of a store URI: what `ssh://user@host:port?remote-program=/path&…` needs and no
/// shell or machines-file syntax (`;`, quotes, spaces, control characters).
fn uri_ok(s: &str) -> bool {
    s.bytes().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'@' | b'.'
                    | b'_'
                    | b':'
                    | b'/'
                    | b'?'
                    | b'='
                    | b'&'
                    | b'%'
                    | b'+'
                    | b'~'
                    | b'-'
                    | b'['
                    | b']'
                    | b','
            )
    })
}

fn parse_line(f: &[&str], line: usize) -> Result<Machine, String> {
    if f.len() > 8 {
        return Err(format!(
            "{} fields, at most 8 (URI systems sshKey maxJobs speedFactor supportedFeatures mandatoryFeatures publicHostKey)",
            f.len()
        ));
    }
    let mut uri = f[0].to_string();
    let local = matches!(uri.as_str(), "localhost" | "local" | "auto");
    if !local && !uri.contains("://") {
        // Nix's rule: a bare host means ssh.
        uri = format!("ssh://{uri}");
    }
    if !(local || uri.starts_with("ssh://") || uri.starts_with("ssh-ng://")) {
        return Err(format!(
            "machine `{uri}`: only ssh:// and ssh-ng:// machines (or localhost) can build"
        ));
    }
    if !uri_ok(&uri) || uri.ends_with("://") {
        return Err(format!("machine URI `{uri}` is not a valid store URI"));
    }
    let systems = list(f.get(1).copied());
    if let Some(bad) = systems.iter().find(|s| !word_ok(s)) {
        return Err(format!("system type `{bad}` is not valid"));
    }
    let ssh_key = f.get(2).filter(|k| **k != "-").map(|k| k.to_string());
    if let Some(k) = &ssh_key {
        if k.bytes().any(|c| c.is_ascii_control()) || !k.starts_with('/') {
            return Err(format!("sshKey `{k}` must be an absolute path"));
        }
    }
    let max_jobs = match f.get(3) {
        None | Some(&"-") => 1,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= 4096)
            .ok_or_else(|| format!("maxJobs must be a whole number 0..4096, not `{v}`"))?,
    };
    let speed_factor = match f.get(4) {
        None | Some(&"-") => 1.0,
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|x| *x > 0.0 && x.is_finite())
            .ok_or_else(|| format!("speedFactor must be a positive number, not `{v}`"))?,
    };
    let supported_features = list(f.get(5).copied());
    let mandatory_features = list(f.get(6).copied());
    for feat in supported_features.iter().chain(&mandatory_features) {
        if !word_ok(feat) {
            return Err(format!("feature `{feat}` is not valid"));
        }
    }
    let public_host_key = f.get(7).filter(|k| **k != "-").map(|k| k.to_string());
    if let Some(k) = &public_host_key {
        if !k
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
        {
            return Err("publicHostKey must be base64".into());
        }
    }
    let mut systems = systems;
    if systems.is_empty() {
        systems.push(crate::config::local_system().to_string());
    }
    Ok(Machine {
        uri,
        systems,
        ssh_key,
        max_jobs,
        speed_factor,
        supported_features,
        mandatory_features,
        public_host_key,
        line,
    })
}

/// Parses a Nix machines file: one machine per line, `#` comments, `-` for an empty field.
/// A bad line is an error naming it; the good lines are returned all the same.
pub fn parse_machines(text: &str) -> (Vec<Machine>, Vec<MachinesError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let s = raw.split('#').next().unwrap_or("").trim();
        if s.is_empty() {
            continue;
        }
        let f: Vec<&str> = s.split_whitespace().collect();
        match parse_line(&f, line) {
            Ok(m) => {
                if out.iter().any(|o: &Machine| o.uri == m.uri) {
                    errors.push(MachinesError {
                        line,
                        message: format!("machine `{}` is listed twice", m.uri),
                    });
                } else {
                    out.push(m);
                }
            }
            Err(message) => errors.push(MachinesError { line, message }),
        }
    }
    (out, errors)
}

/// Localhost first, then the good lines of the machines file text. A machines-file entry for
/// localhost replaces the config's localhost.
pub fn with_localhost(config: &Config, parsed: Vec<Machine>) -> Vec<Machine> {
    let mut out = vec![Machine::localhost(config)];
    for m in parsed {
        if m.is_local() {
            out[0] = Machine {
                uri: "localhost".into(),
                ..m
            };
        } else {
            out.push(m);
        }
    }
    out
}

/// Reads the machines file (if configured): the machines plus the errors of bad lines (or of
/// a file that cannot be read, then only localhost).
pub fn load(config: &Config) -> (Vec<Machine>, Vec<MachinesError>) {
    let Some(path) = &config.machines_file else {
        return (vec![Machine::localhost(config)], Vec::new());
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let (ms, errs) = parse_machines(&text);
            (with_localhost(config, ms), errs)
        }
        Err(e) => (
            vec![Machine::localhost(config)],
            vec![MachinesError {
                line: 0,
                message: format!("cannot read {}: {e}", path.display()),
            }],
        ),
    }
}

/// The machines hydrant knows: localhost first, then the good lines of the machines file.
pub fn machines(config: &Config) -> Result<Vec<Machine>, MachinesError> {
    Ok(load(config).0)
}

/// Whether any known machine (local or remote) supports the system.
pub fn supported(machines: &[Machine], system: &str) -> bool {
    machines.iter().any(|m| m.supports(system))
}

/// What identifies the file's version: (modified, length, inode).
pub type FileStamp = Option<(std::time::SystemTime, u64, u64)>;

pub fn stamp(path: &Path) -> FileStamp {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len(), m.ino()))
}

/// Hydra's back-off for a failing machine: `interval × 3^(failures−1)`, failures capped at 4.
pub fn backoff_secs(interval: u64, consecutive_failures: u32) -> u64 {
    let n = consecutive_failures.clamp(1, 4) - 1;
    interval.saturating_mul(3u64.pow(n))
}

/// One machine's live state.
#[derive(Debug, Clone)]
pub struct MachineState {
    pub machine: Machine,
    /// Build ids running on it now.
    pub current: BTreeSet<u64>,
    /// Stop times (unix seconds) of the builds it finished in the last 24 h.
    pub done: VecDeque<i64>,
    pub consecutive_failures: u32,
    /// (time, message) of the last infrastructure failure.
    pub last_failure: Option<(i64, String)>,
    /// Takes no builds before this time (unix seconds; 0: not disabled).
    pub disabled_until: i64,
    /// Disabled by an admin (kept in the database).
    pub admin_disabled: bool,
    /// Removed from the machines file but still running builds.
    pub gone: bool,
    /// Runner-private: the policy's platform types this machine accepts.
    pub types: Vec<u32>,
}

impl MachineState {
    pub fn new(machine: Machine) -> MachineState {
        MachineState {
            machine,
            current: BTreeSet::new(),
            done: VecDeque::new(),
            consecutive_failures: 0,
            last_failure: None,
            disabled_until: 0,
            admin_disabled: false,
            gone: false,
            types: Vec::new(),
        }
    }

    /// Whether it may take a build now (a slot free is checked separately).
    pub fn usable(&self, now: i64) -> bool {
        !self.gone && !self.admin_disabled && self.disabled_until <= now
    }

    pub fn has_free_slot(&self) -> bool {
        self.current.len() < self.machine.max_jobs
    }

    /// Builds finished since `since`.
    pub fn done_since(&self, since: i64) -> usize {
        self.done.iter().filter(|&&t| t >= since).count()
    }

    pub fn record_done(&mut self, stop: i64) {
        self.done.push_back(stop);
        while self.done.front().is_some_and(|&t| t < stop - 86_400) {
            self.done.pop_front();
        }
    }

    /// An infrastructure failure: disabled for the back-off time.
    pub fn record_failure(&mut self, now: i64, msg: &str, interval: u64) {
        self.consecutive_failures = (self.consecutive_failures + 1).min(4);
        self.last_failure = Some((now, msg.chars().take(2000).collect()));
        self.disabled_until = now + backoff_secs(interval, self.consecutive_failures) as i64;
    }

    /// Hydra's order for the next build: lowest `currentJobs / speedFactor`, then the fastest.
    fn load_key(&self) -> (f64, f64) {
        (
            self.current.len() as f64 / self.machine.speed_factor,
            -self.machine.speed_factor,
        )
    }
}

/// The machine that should take the next build among `candidates` (indexes into `ms`): usable,
/// a free slot, least loaded relative to its speed, then the fastest, then file order.
pub fn choose(ms: &[MachineState], candidates: &[usize], now: i64) -> Option<usize> {
    candidates
        .iter()
        .copied()
        .filter(|&i| ms[i].usable(now) && ms[i].has_free_slot())
        .min_by(|&a, &b| {
            let (ka, kb) = (ms[a].load_key(), ms[b].load_key());
            ka.0.total_cmp(&kb.0)
                .then(ka.1.total_cmp(&kb.1))
                .then(a.cmp(&b))
        })
}

/// Every machine's live state plus the machines file's errors, shared by the runner (the only
/// writer of slots and failures) and the web (reads, admin enable/disable).
#[derive(Debug, Default)]
pub struct Farm {
    inner: Mutex<FarmState>,
}

#[derive(Debug, Default, Clone)]
pub struct FarmState {
    pub machines: Vec<MachineState>,
    pub errors: Vec<MachinesError>,
    /// Whether the runner has loaded the machines yet.
    pub loaded: bool,
}

impl Farm {
    pub fn lock(&self) -> MutexGuard<'_, FarmState> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy for pages.
    pub fn snapshot(&self) -> FarmState {
        self.lock().clone()
    }
}

impl FarmState {
    pub fn find(&self, uri: &str) -> Option<usize> {
        self.machines.iter().position(|m| m.machine.uri == uri)
    }

    /// Replaces the machine list with a newly read one: machines that stay keep their state,
    /// machines that go but still run builds stay (marked gone) until those finish.
    pub fn reload(&mut self, new: Vec<Machine>, errors: Vec<MachinesError>) {
        let mut old = std::mem::take(&mut self.machines);
        let mut out = Vec::new();
        for m in new {
            match old.iter().position(|o| o.machine.uri == m.uri) {
                Some(i) => {
                    let mut s = old.remove(i);
                    s.machine = m;
                    s.gone = false;
                    out.push(s);
                }
                None => out.push(MachineState::new(m)),
            }
        }
        for mut s in old {
            if !s.current.is_empty() {
                s.gone = true;
                out.push(s);
            }
        }
        self.machines = out;
        self.errors = errors;
        self.loaded = true;
    }

    /// Drops gone machines with nothing running.
    pub fn drop_idle_gone(&mut self) {
        self.machines.retain(|m| !m.gone || !m.current.is_empty());
    }

    /// Whether any listed machine accepts the platform (disabled ones count: they come back).
    pub fn accepts(&self, system: &str, features: &[String]) -> bool {
        self.machines
            .iter()
            .any(|m| !m.gone && m.machine.accepts(system, features))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(t: &str) -> Vec<Machine> {
        let (m, e) = parse_machines(t);
        assert!(e.is_empty(), "{e:?}");
        m
    }

    #[test]
    fn parses_nix_machines_file() {
        let m = parse_ok(
            "# builders\nssh://root@big x86_64-linux,i686-linux /k 8 2 kvm,big-parallel kvm\n\nssh-ng://small aarch64-linux - 2\nlocalhost x86_64-linux - 3 1 - -\nbuilder@host - - - 1.5 - - c3NoLWVkMjU1MTkgQUFBQQ==\n",
        );
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].systems, vec!["x86_64-linux", "i686-linux"]);
        assert_eq!(m[0].ssh_key.as_deref(), Some("/k"));
        assert_eq!((m[0].max_jobs, m[0].speed_factor), (8, 2.0));
        assert_eq!(m[0].supported_features, vec!["kvm", "big-parallel"]);
        assert_eq!(m[0].mandatory_features, vec!["kvm"]);
        assert_eq!((m[1].ssh_key.clone(), m[1].max_jobs), (None, 2));
        assert_eq!(m[1].uri, "ssh-ng://small");
        assert!(m[2].is_local() && !m[0].is_local());
        assert_eq!(m[3].uri, "ssh://builder@host");
        assert_eq!(m[3].speed_factor, 1.5);
        assert_eq!(
            m[3].public_host_key.as_deref(),
            Some("c3NoLWVkMjU1MTkgQUFBQQ==")
        );
        assert_eq!(
            m[0].builders_line(),
            "ssh://root@big x86_64-linux,i686-linux /k 8 2 kvm,big-parallel kvm -"
        );
        assert_eq!(
            m[3].builders_line(),
            "ssh://builder@host x86_64-linux - 1 2 - - c3NoLWVkMjU1MTkgQUFBQQ=="
        );
    }

    #[test]
    fn bad_lines_are_named_and_the_others_kept() {
        let (m, e) = parse_machines(
            "ssh://a x86_64-linux\nssh://x x86_64-linux - many\nhttp://c x86_64-linux\nssh://d x86_64-linux - 1 0\nssh://e;rm x86_64-linux\nssh://f x86_64-linux k\nssh://a\nssh://g x86_64-linux - 1 1 - - - extra\nssh://h x86_64-linux - 1 1 'bad\n",
        );
        assert_eq!(m.len(), 1);
        let lines: Vec<usize> = e.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8, 9]);
        assert!(
            e[0].to_string()
                .starts_with("machines file line 2: maxJobs"),
            "{}",
            e[0]
        );
        assert!(e[1].message.contains("ssh://"), "{}", e[1]);
        assert!(e[2].message.contains("speedFactor"), "{}", e[2]);
        assert!(e[5].message.contains("twice"), "{}", e[5]);
    }

    #[test]
    fn features_and_mandatory_features() {
        let m = parse_ok(
            "ssh://a x86_64-linux - 1 1 kvm,big-parallel\nssh://b x86_64-linux - 1 1 - benchmark\n",
        );
        let none: Vec<String> = vec![];
        let kvm = vec!["kvm".to_string()];
        let bench = vec!["benchmark".to_string()];
        assert!(m[0].accepts("x86_64-linux", &none));
        assert!(m[0].accepts("x86_64-linux", &kvm));
        assert!(!m[0].accepts("aarch64-linux", &kvm));
        assert!(!m[0].accepts("x86_64-linux", &bench));
        // A machine with a mandatory feature takes only builds that require it.
        assert!(!m[1].accepts("x86_64-linux", &none));
        assert!(m[1].accepts("x86_64-linux", &bench));
        assert!(!m[1].accepts("x86_64-linux", &[bench[0].clone(), kvm[0].clone()]));
    }

    #[test]
    fn choice_follows_load_per_speed_then_speed() {
        let (ms, _) =
            parse_machines("ssh://slow x86_64-linux - 4 1\nssh://fast x86_64-linux - 4 3\n");
        let mut st: Vec<MachineState> = ms.into_iter().map(MachineState::new).collect();
        let mut order = Vec::new();
        for id in 0..8 {
            let i = choose(&st, &[0, 1], 0).unwrap();
            st[i].current.insert(id);
            order.push(i);
        }
        // fast, slow, fast, fast, fast(1.0 vs 1.0: the faster), slow, slow, slow
        assert_eq!(order, vec![1, 0, 1, 1, 1, 0, 0, 0]);
        assert_eq!(choose(&st, &[0, 1], 0), None);
        st[1].current.clear();
        st[1].record_failure(100, "cannot connect", 60);
        assert_eq!(st[1].disabled_until, 160);
        assert_eq!(choose(&st, &[0, 1], 100), None);
        assert_eq!(choose(&st, &[0, 1], 160), Some(1));
        st[1].record_failure(200, "again", 60);
        assert_eq!(st[1].disabled_until, 200 + 180);
        assert_eq!(backoff_secs(60, 9), 60 * 27);
    }

    #[test]
    fn reload_keeps_state_and_running_machines() {
        let c = Config::from_str("max_jobs = 3\nsystems = x86_64-linux i686-linux\n", "c").unwrap();
        let (a, _) = parse_machines("ssh://a x86_64-linux\nssh://b x86_64-linux\n");
        let mut f = FarmState::default();
        f.reload(with_localhost(&c, a), vec![]);
        assert_eq!(f.machines.len(), 3);
        assert_eq!(f.machines[0].machine.max_jobs, 3);
        f.machines[1].consecutive_failures = 2;
        f.machines[2].current.insert(7);
        let (b, e) = parse_machines("ssh://a x86_64-linux - 5\nbad line here - x\n");
        f.reload(with_localhost(&c, b), e);
        assert_eq!(f.machines.len(), 3);
        assert_eq!(f.machines[1].machine.max_jobs, 5);
        assert_eq!(f.machines[1].consecutive_failures, 2);
        assert!(f.machines[2].gone);
        assert_eq!(f.errors.len(), 1);
        f.machines[2].current.clear();
        f.drop_idle_gone();
        assert_eq!(f.machines.len(), 2);
    }

    #[test]
    fn localhost_from_config() {
        let c = Config::from_str("max_jobs = 3\nsystems = x86_64-linux i686-linux\n", "c").unwrap();
        let m = machines(&c).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].max_jobs, 3);
        assert!(supported(&m, "i686-linux"));
        assert!(!supported(&m, "aarch64-darwin"));
    }
}
