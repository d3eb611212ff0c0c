//! Nix channels as Hydra serves them: a `default.nix` of fake derivations (one per job, with
//! its outputs' store paths, per system) and the `nixexprs.tar.*` that carries it. Pure: the
//! expression and the tar archive are built from values. Job names and metadata come from
//! repositories, so every string is escaped as a Nix string and attribute paths are checked.

use std::collections::{BTreeMap, BTreeSet};

/// One package of a channel: a successful build's job, names and outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPkg {
    pub build: u64,
    pub job: String,
    pub name: String,
    pub system: String,
    pub description: String,
    pub license: String,
    pub maintainers: String,
    pub outputs: BTreeMap<String, String>,
}

/// A Nix string literal (`"…"` with `\`, `"`, `${` and control characters escaped).
pub fn nix_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An attribute path (`a.b.c`), each name bare when Nix allows it, quoted otherwise.
pub fn attr_path(job: &str) -> String {
    job.split('.')
        .map(|part| {
            let bare = part
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
                && !matches!(
                    part,
                    "if" | "then"
                        | "else"
                        | "assert"
                        | "with"
                        | "let"
                        | "in"
                        | "rec"
                        | "inherit"
                        | "or"
                );
            if bare {
                part.to_string()
            } else {
                nix_string(part)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

const PRELUDE: &str = r#"{ system ? builtins.currentSystem }:

let

  maybeStorePath = if builtins ? langVersion && builtins.lessThan 1 builtins.langVersion
    then builtins.storePath
    else x: x;

  mkFakeDerivation = attrs: outputs:
    let
      outputNames = builtins.attrNames outputs;
      common = attrs // outputsSet //
        { type = "derivation";
          outputs = outputNames;
          all = outputsList;
        };
      outputToAttrListElement = outputName:
        { name = outputName;
          value = common // {
            inherit outputName;
            outPath = maybeStorePath (builtins.getAttr outputName outputs);
          };
        };
      outputsList = map outputToAttrListElement outputNames;
      outputsSet = builtins.listToAttrs outputsList;
    in outputsSet;

in

"#;

/// The channel's `default.nix`, as Hydra's `View::NixExprs` writes it: per system, each job
/// an attribute (nested for dotted names, with `recurseForDerivations` on the sets between).
pub fn default_nix(pkgs: &[ChannelPkg]) -> String {
    let mut per_system: BTreeMap<&str, BTreeMap<&str, &ChannelPkg>> = BTreeMap::new();
    for p in pkgs {
        if p.job.split('.').any(str::is_empty) || p.outputs.is_empty() {
            continue;
        }
        per_system.entry(&p.system).or_default().insert(&p.job, p);
    }
    let mut res = String::from(PRELUDE);
    for (i, (system, jobs)) in per_system.iter().enumerate() {
        if i > 0 {
            res.push_str("else ");
        }
        res.push_str(&format!("if system == {} then {{\n\n", nix_string(system)));
        let mut sets = BTreeSet::new();
        for (job, p) in jobs {
            let parts: Vec<&str> = job.split('.').collect();
            for n in 1..parts.len() {
                sets.insert(parts[..n].join("."));
            }
            res.push_str(&format!("  # hydrant build {}\n", p.build));
            res.push_str(&format!("  {} = (mkFakeDerivation {{\n", attr_path(job)));
            res.push_str("    type = \"derivation\";\n");
            res.push_str(&format!("    name = {};\n", nix_string(&p.name)));
            res.push_str(&format!("    system = {};\n", nix_string(&p.system)));
            res.push_str("    meta = {\n");
            for (k, v) in [
                ("description", &p.description),
                ("license", &p.license),
                ("maintainers", &p.maintainers),
            ] {
                if !v.is_empty() {
                    res.push_str(&format!("      {k} = {};\n", nix_string(v)));
                }
            }
            res.push_str("    };\n  } {\n");
            for (name, path) in &p.outputs {
                res.push_str(&format!(
                    "    {} = {};\n",
                    nix_string(name),
                    nix_string(path)
                ));
            }
            let out = if p.outputs.contains_key("out") {
                "out".to_string()
            } else {
                p.outputs.keys().next().cloned().unwrap_or_default()
            };
            res.push_str(&format!("  }}).{};\n\n", attr_path(&out)));
        }
        for set in &sets {
            // A set that is also a job cannot get an attribute (Nix would refuse the file).
            if !jobs.contains_key(set.as_str()) && !sets_shadowed(set, jobs) {
                res.push_str(&format!(
                    "  {}.recurseForDerivations = true;\n\n",
                    attr_path(set)
                ));
            }
        }
        res.push_str("}\n\n");
    }
    if !per_system.is_empty() {
        res.push_str("else ");
    }
    res.push_str("{}\n");
    res
}

/// Whether a prefix of `set` is itself a job (then `set` lies inside a derivation).
fn sets_shadowed(set: &str, jobs: &BTreeMap<&str, &ChannelPkg>) -> bool {
    let parts: Vec<&str> = set.split('.').collect();
    (1..parts.len()).any(|n| jobs.contains_key(parts[..n].join(".").as_str()))
}

/// A ustar archive of regular files (mode 0644, mtime 1, as Hydra's), ending in two zero blocks.
pub fn tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in files {
        let mut h = [0u8; 512];
        let name = name.as_bytes();
        h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
        let octal = |h: &mut [u8; 512], at: usize, width: usize, v: u64| {
            let s = format!("{v:0w$o}\0", w = width - 1);
            h[at..at + width].copy_from_slice(s.as_bytes());
        };
        octal(&mut h, 100, 8, 0o644);
        octal(&mut h, 108, 8, 0);
        octal(&mut h, 116, 8, 0);
        octal(&mut h, 124, 12, data.len() as u64);
        octal(&mut h, 136, 12, 1);
        h[148..156].copy_from_slice(b"        ");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
        let s = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(s.as_bytes());
        out.extend_from_slice(&h);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_paths() {
        assert_eq!(nix_string("a\"b\\c${x}$y\n"), r#""a\"b\\c\${x}$y\n""#);
        assert_eq!(attr_path("a.b-c.d'"), "a.b-c.d'");
        assert_eq!(attr_path("x.1st.with.a b"), r#"x."1st"."with"."a b""#);
    }

    #[test]
    fn tar_headers_checksum() {
        let t = tar(&[("channel/default.nix", b"{}\n")]);
        assert_eq!(t.len(), 512 + 512 + 1024);
        let stored = std::str::from_utf8(&t[148..154]).unwrap();
        let mut h = t[..512].to_vec();
        h[148..156].copy_from_slice(b"        ");
        let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
        assert_eq!(u64::from_str_radix(stored, 8).unwrap(), sum);
        assert_eq!(&t[512..515], b"{}\n");
    }

    #[test]
    fn nested_jobs_recurse() {
        let pkg = |job: &str| ChannelPkg {
            build: 1,
            job: job.into(),
            name: "n".into(),
            system: "x86_64-linux".into(),
            description: String::new(),
            license: String::new(),
            maintainers: String::new(),
            outputs: [("out".to_string(), "/nix/store/x-n".to_string())].into(),
        };
        let e = default_nix(&[pkg("a.b.c"), pkg("top"), pkg("bad..name")]);
        assert!(e.contains("  a.b.c = (mkFakeDerivation {"), "{e}");
        assert!(e.contains("  a.recurseForDerivations = true;"));
        assert!(e.contains("  a.b.recurseForDerivations = true;"));
        assert!(!e.contains("bad"));
        assert!(e.ends_with("else {}\n"));
    }
}
