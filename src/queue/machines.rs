//! Build machines: `localhost` from the config (`systems`, `max_jobs`) plus the machines of a Nix
//! machines file (`ssh://host systems key maxJobs speedFactor features mandatory`). Parsing is pure.
//! Only local machines run builds for now; remote entries are parsed and shown, not used.

use crate::config::Config;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// `localhost` or e.g. `ssh://builder@host`.
    pub uri: String,
    pub systems: Vec<String>,
    pub ssh_key: Option<String>,
    pub max_jobs: usize,
    pub speed_factor: f64,
    pub supported_features: Vec<String>,
    pub mandatory_features: Vec<String>,
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
            supported_features: Vec::new(),
            mandatory_features: Vec::new(),
        }
    }

    /// Whether hydrant can run builds on it today (remote building is a later feature).
    pub fn is_local(&self) -> bool {
        matches!(self.uri.as_str(), "localhost" | "local" | "auto")
    }

    pub fn supports(&self, system: &str) -> bool {
        self.systems.iter().any(|s| s == system)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MachinesError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MachinesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "machines file line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for MachinesError {}

fn list(field: Option<&str>, sep: char) -> Vec<String> {
    match field {
        None | Some("-") | Some("") => Vec::new(),
        Some(f) => f
            .split(sep)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    }
}

/// Parses a Nix machines file: one machine per line, `#` comments, `-` for an empty field.
pub fn parse_machines(text: &str) -> Result<Vec<Machine>, MachinesError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let s = raw.split('#').next().unwrap_or("").trim();
        if s.is_empty() {
            continue;
        }
        let f: Vec<&str> = s.split_whitespace().collect();
        let err = |message: String| MachinesError { line, message };
        let num = |idx: usize, name: &str, default: f64| -> Result<f64, MachinesError> {
            match f.get(idx) {
                None | Some(&"-") => Ok(default),
                Some(v) => v
                    .parse::<f64>()
                    .ok()
                    .filter(|x| *x >= 0.0 && x.is_finite())
                    .ok_or_else(|| err(format!("{name} must be a non-negative number, not `{v}`"))),
            }
        };
        let uri = f[0].to_string();
        let mut systems = list(f.get(1).copied(), ',');
        if systems.is_empty() {
            systems.push(crate::config::local_system().to_string());
        }
        out.push(Machine {
            uri,
            systems,
            ssh_key: f.get(2).filter(|k| **k != "-").map(|k| k.to_string()),
            max_jobs: num(3, "maxJobs", 1.0)? as usize,
            speed_factor: num(4, "speedFactor", 1.0)?,
            supported_features: list(f.get(5).copied(), ','),
            mandatory_features: list(f.get(6).copied(), ','),
        });
    }
    Ok(out)
}

/// The machines hydrant knows: localhost first, then the machines file (if configured).
/// A machines-file entry for localhost replaces the config's localhost.
pub fn machines(config: &Config) -> Result<Vec<Machine>, MachinesError> {
    let mut out = vec![Machine::localhost(config)];
    if let Some(path) = &config.machines_file {
        let text = std::fs::read_to_string(path).map_err(|e| MachinesError {
            line: 0,
            message: format!("cannot read {}: {e}", path.display()),
        })?;
        for m in parse_machines(&text)? {
            if m.is_local() {
                out[0] = Machine {
                    uri: "localhost".into(),
                    ..m
                };
            } else {
                out.push(m);
            }
        }
    }
    Ok(out)
}

/// Whether any known machine (local or remote) supports the system.
pub fn supported(machines: &[Machine], system: &str) -> bool {
    machines.iter().any(|m| m.supports(system))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nix_machines_file() {
        let m = parse_machines(
            "# builders\nssh://root@big x86_64-linux,i686-linux /k 8 2 kvm,big-parallel kvm\n\nssh://small aarch64-linux - 2\nlocalhost x86_64-linux - 3 1 - -\n",
        )
        .unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].systems, vec!["x86_64-linux", "i686-linux"]);
        assert_eq!(m[0].ssh_key.as_deref(), Some("/k"));
        assert_eq!((m[0].max_jobs, m[0].speed_factor), (8, 2.0));
        assert_eq!(m[0].supported_features, vec!["kvm", "big-parallel"]);
        assert_eq!(m[0].mandatory_features, vec!["kvm"]);
        assert_eq!((m[1].ssh_key.clone(), m[1].max_jobs), (None, 2));
        assert!(m[2].is_local() && !m[0].is_local());
        let e = parse_machines("a\nssh://x x86_64-linux - many\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.to_string().contains("maxJobs"), "{e}");
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
