//! Helpers shared by the cache tests: fixture closures built by real Nix, bucket invariants,
//! deleting closures from the store and substituting them back from a `file://` view of s3s-fs.
#![allow(dead_code)]
use crate::common::{nix_cmd, nix_run, S3Server, TempDir};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:016x}", u64::from_le_bytes(b))
}

/// Builds a 3-path closure (leaf ← mid ← top, top also refers to leaf), unique per `tag`.
/// `rand_kib` KiB of random bytes go into the leaf (incompressible) next to text.
pub fn build_fixture(dir: &Path, tag: &str, rand_kib: usize) -> String {
    let n = nonce();
    let expr = format!(
        r#"
let
  mk = name: script: derivation {{
    inherit name; builder = "/bin/sh"; args = [ "-c" script ];
    PATH = "/usr/bin:/bin"; system = builtins.currentSystem;
  }};
  leaf = mk "{tag}-leaf" "mkdir $out; echo {n} > $out/nonce; seq 1 20000 > $out/text; head -c {bytes} /dev/urandom > $out/rand";
  mid = mk "{tag}-mid" "mkdir -p $out/sub; echo ${{leaf}} > $out/sub/ref; echo {n} > $out/nonce";
in mk "{tag}-top" "mkdir $out; echo ${{mid}} ${{leaf}} > $out/refs; ln -s ${{mid}}/sub $out/link; printf '#!/bin/sh\necho hi\n' > $out/run; chmod +x $out/run"
"#,
        bytes = rand_kib * 1024
    );
    let f = dir.join(format!("{tag}-{n}.nix"));
    std::fs::write(&f, expr).unwrap();
    nix_run("nix-build", &["--no-out-link", f.to_str().unwrap()])
}

pub fn closure(path: &str) -> Vec<String> {
    nix_run("nix-store", &["-qR", path])
        .lines()
        .map(String::from)
        .collect()
}

pub fn hash_part(p: &str) -> String {
    p.trim_start_matches("/nix/store/")[..32].to_string()
}

/// Every object key in a bucket dir of s3s-fs.
pub fn keys(bucket_dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![bucket_dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let k = p
                    .strip_prefix(bucket_dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                // s3s-fs keeps metadata and in-progress uploads in dot files.
                if !k.split('/').any(|c| c.starts_with('.')) {
                    out.insert(k);
                }
            }
        }
    }
    out
}

/// The invariant that must hold at every instant: each narinfo's URL object exists.
pub fn assert_no_dangling(bucket_dir: &Path, prefix: &str) {
    for k in keys(bucket_dir) {
        if !k.ends_with(".narinfo") || !k.starts_with(prefix) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(bucket_dir.join(&k)) else {
            continue; // vanished between listing and reading
        };
        if text.is_empty() {
            continue; // being written right now
        }
        let url = text
            .lines()
            .find_map(|l| l.strip_prefix("URL: "))
            .unwrap_or_else(|| panic!("{k} has no URL: {text:?}"));
        let nar = bucket_dir.join(format!("{prefix}{url}"));
        assert!(nar.exists(), "{k} points at missing {nar:?}");
    }
}

/// Hash parts with a narinfo under `prefix`.
pub fn narinfo_hashes(bucket_dir: &Path, prefix: &str) -> BTreeSet<String> {
    keys(bucket_dir)
        .into_iter()
        .filter_map(|k| {
            k.strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(".narinfo"))
                .filter(|r| !r.contains('/'))
                .map(String::from)
        })
        .collect()
}

/// Deletes a closure from the local store, referrers first.
pub fn delete_closure(top: &str) {
    let mut paths = closure(top);
    // Order referrers first: a path's referrers within the set must go before it.
    let mut ordered = Vec::new();
    while !paths.is_empty() {
        let idx = paths
            .iter()
            .position(|p| {
                let referrers = nix_run("nix-store", &["-q", "--referrers", p]);
                referrers
                    .lines()
                    .all(|r| r == p || !paths.contains(&r.to_string()))
            })
            .expect("a path without referrers");
        ordered.push(paths.remove(idx));
    }
    for p in ordered {
        nix_run("nix-store", &["--delete", &p]);
    }
    assert!(closure_paths_valid(top).is_empty(), "{top} still valid");
}

fn closure_paths_valid(top: &str) -> Vec<String> {
    let out = nix_cmd("nix-store")
        .args(["--check-validity", top])
        .output()
        .unwrap();
    if out.status.success() {
        vec![top.to_string()]
    } else {
        vec![]
    }
}

/// `nix-store -r` from the bucket as a file:// cache; returns whether it succeeded.
pub fn substitute(top: &str, cache_dir: &Path, public_key: &str) -> (bool, String) {
    let out = nix_cmd("nix-store")
        .args(["-r", top])
        .args([
            "--option",
            "substituters",
            &format!("file://{}", cache_dir.display()),
        ])
        .args(["--option", "trusted-public-keys", public_key])
        .args(["--option", "require-sigs", "true"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// A Nix signing key pair: (secret key file, public key string).
pub fn keypair(dir: &Path, name: &str) -> (PathBuf, String) {
    let sk = dir.join(format!("{name}.sec"));
    let pk = dir.join(format!("{name}.pub"));
    nix_run(
        "nix-store",
        &[
            "--generate-binary-cache-key",
            name,
            sk.to_str().unwrap(),
            pk.to_str().unwrap(),
        ],
    );
    (sk, std::fs::read_to_string(pk).unwrap().trim().to_string())
}

/// Deletes the closure, checks a wrong key is refused, then substitutes the whole closure.
pub fn assert_substitutes(top: &str, cache_dir: &Path, key: &str, wrong_key: &str) {
    let all = closure(top);
    delete_closure(top);
    let (ok, err) = substitute(top, cache_dir, wrong_key);
    assert!(!ok, "Nix accepted a cache signed with another key");
    assert!(
        nix_cmd("nix-store")
            .args(["--check-validity", top])
            .output()
            .unwrap()
            .status
            .code()
            != Some(0)
    );
    let _ = err;
    let (ok, err) = substitute(top, cache_dir, key);
    assert!(ok, "substitution failed: {err}");
    assert_eq!(closure(top).len(), all.len());
    for p in &all {
        assert!(Path::new(p).exists(), "{p} not substituted");
    }
}

/// A hydrant command with the test S3 credentials and Nix settings.
pub fn hydrant(s3: &S3Server) -> Command {
    let mut c = nix_cmd(crate::common::hydrant_bin().to_str().unwrap());
    c.env("AWS_ACCESS_KEY_ID", &s3.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &s3.secret_key)
        .env_remove("AWS_PROFILE")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

pub fn tmp(tag: &str) -> TempDir {
    TempDir::new(tag)
}
