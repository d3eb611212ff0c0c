//! Cross-checks against real Nix: our NAR bytes and hashes equal `nix-store --dump` and
//! `nix-store -q --hash`, and a hand-written file:// cache with our narinfos and signatures is
//! accepted by `nix-store -r`, while a wrong key is refused.
mod common;

use common::{hydrant_bin, nix_cmd, nix_run, TempDir, NIX_CONFIG};
use hydrant::nix::cli::{CliError, NixCli};
use hydrant::nix::signing::{PublicKey, SecretKey};
use hydrant::nix::{nar, StorePath};
use std::fs;
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/nix/fixtures.nix");

fn build(attr: &str, nonce: &str) -> StorePath {
    let out = nix_run(
        "nix-build",
        &[
            "--no-out-link",
            FIXTURES,
            "-A",
            attr,
            "--argstr",
            "nonce",
            nonce,
        ],
    );
    StorePath::parse(&out).unwrap()
}

fn nix_cli() -> NixCli {
    NixCli {
        env: vec![("NIX_CONFIG".into(), NIX_CONFIG.into())],
        ..NixCli::default()
    }
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:016x}", u64::from_le_bytes(b))
}

/// A `Write` that checks each byte against the next byte of another stream.
struct SameAs<R: Read> {
    other: R,
    pos: u64,
    buf: Vec<u8>,
}

impl<R: Read> Write for SameAs<R> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.resize(data.len(), 0);
        self.other.read_exact(&mut self.buf)?;
        if let Some(i) = self.buf.iter().zip(data).position(|(a, b)| a != b) {
            return Err(io::Error::other(format!(
                "NARs differ at byte {}",
                self.pos + i as u64
            )));
        }
        self.pos += data.len() as u64;
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Our NAR equals `nix-store --dump` byte for byte (streamed, so 100 MiB needs no memory), and
/// our hash and size equal what the store recorded.
fn check_against_nix(p: &StorePath) {
    let mut child = nix_cmd("nix-store")
        .args(["--dump", &p.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut cmp = SameAs {
        other: io::BufReader::with_capacity(1 << 20, stdout),
        pos: 0,
        buf: Vec::new(),
    };
    let ours =
        nar::dump_path(p.to_string().as_ref(), &mut cmp).unwrap_or_else(|e| panic!("{p}: {e}"));
    let mut rest = Vec::new();
    cmp.other.read_to_end(&mut rest).unwrap();
    assert!(
        rest.is_empty(),
        "{p}: nix-store --dump has {} more bytes",
        rest.len()
    );
    assert!(child.wait().unwrap().success());
    let info = nix_cli().path_info(p).unwrap();
    assert_eq!(ours.nar_hash, info.nar_hash, "{p}");
    assert_eq!(ours.nar_size, info.nar_size, "{p}");
    assert_eq!(
        ours.nar_hash.to_string(),
        nix_run("nix-store", &["-q", "--hash", &p.to_string()])
    );
}

#[test]
fn nar_matches_nix_for_fixtures() {
    for attr in ["tree", "link", "file", "withref"] {
        check_against_nix(&build(attr, ""));
    }
}

#[test]
fn nar_matches_nix_for_100_mib_file() {
    check_against_nix(&build("big", ""));
}

#[test]
fn nar_subcommands_match_nix() {
    let p = build("tree", "").to_string();
    let ours = Command::new(hydrant_bin())
        .args(["nar", "dump", &p])
        .output()
        .unwrap();
    assert!(ours.status.success());
    let theirs = nix_cmd("nix-store").args(["--dump", &p]).output().unwrap();
    assert!(
        ours.stdout == theirs.stdout,
        "hydrant nar dump differs from nix-store --dump"
    );
    let hash = Command::new(hydrant_bin())
        .args(["nar", "hash", &p])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(hash.stdout).unwrap().trim(),
        nix_run("nix-store", &["-q", "--hash", &p])
    );
    // Unpack our NAR with `hydrant nar unpack`, and Nix's dump of the copy is identical.
    let t = TempDir::new("unpack");
    let target = t.path().join("tree");
    let mut child = Command::new(hydrant_bin())
        .args(["nar", "unpack", target.to_str().unwrap()])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&ours.stdout).unwrap();
    assert!(child.wait().unwrap().success());
    let copy = nix_cmd("nix-store")
        .args(["--dump", target.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        copy.stdout == theirs.stdout,
        "unpacked tree dumps differently"
    );
    // Errors are one line naming the path, exit code 1.
    let bad = Command::new(hydrant_bin())
        .args(["nar", "hash", "/nonexistent/x"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8(bad.stderr).unwrap();
    assert!(
        err.starts_with("hydrant: ") && err.contains("/nonexistent/x") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn cli_queries_the_store() {
    let cli = nix_cli();
    let tree = build("tree", "");
    let withref = build("withref", "");
    let closure = cli.closure(std::slice::from_ref(&withref)).unwrap();
    assert!(
        closure.contains(&tree) && closure.contains(&withref) && closure.len() == 2,
        "{closure:?}"
    );
    assert_eq!(cli.references(&withref).unwrap(), vec![tree.clone()]);
    let drv = cli.deriver(&withref).unwrap().unwrap();
    assert!(drv.is_derivation());
    assert_eq!(cli.outputs(&drv).unwrap(), vec![withref.clone()]);
    assert_eq!(
        cli.realise(std::slice::from_ref(&drv)).unwrap(),
        vec![withref.clone()]
    );
    assert!(cli.is_valid(&withref).unwrap());
    let missing = StorePath::parse("/nix/store/00000000000000000000000000000000-missing").unwrap();
    assert!(!cli.is_valid(&missing).unwrap());
    let info = cli.path_info(&withref).unwrap();
    assert_eq!(info.references, vec![tree.clone()]);
    assert_eq!(info.deriver, Some(drv));
    let infos = cli.path_infos(&closure).unwrap();
    assert_eq!(infos.len(), 2);
    for i in &infos {
        assert_eq!(
            i.nar_hash.to_string(),
            nix_run("nix-store", &["-q", "--hash", &i.path.to_string()])
        );
        assert_eq!(
            i.nar_size.to_string(),
            nix_run("nix-store", &["-q", "--size", &i.path.to_string()])
        );
    }
    // Failures carry the command and Nix's complaint.
    let err = cli.references(&missing).unwrap_err();
    assert!(matches!(err, CliError::Failed { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("nix-store -q --references") && msg.contains("missing"),
        "{msg}"
    );
    let nobin = NixCli {
        bin_dir: Some("/nonexistent".into()),
        ..nix_cli()
    };
    assert!(matches!(nobin.is_valid(&tree), Err(CliError::Spawn { .. })));
}

/// Writes a file:// binary cache for the closure of `top` by hand: nix-cache-info, one
/// uncompressed NAR and one signed narinfo per path.
fn write_cache(dir: &std::path::Path, top: &StorePath, key: &SecretKey) {
    let cli = nix_cli();
    fs::create_dir_all(dir.join("nar")).unwrap();
    fs::write(
        dir.join("nix-cache-info"),
        "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n",
    )
    .unwrap();
    for p in cli.closure(std::slice::from_ref(top)).unwrap() {
        let info = cli.path_info(&p).unwrap();
        let mut ni = info.to_narinfo();
        let f = fs::File::create(dir.join(&ni.url)).unwrap();
        let sum = nar::dump_path(p.to_string().as_ref(), f).unwrap();
        assert_eq!(
            (sum.nar_hash, sum.nar_size),
            (info.nar_hash.clone(), info.nar_size)
        );
        ni.sign(key);
        assert!(ni.verify(&[key.public_key()]));
        fs::write(dir.join(p.narinfo_name()), ni.render()).unwrap();
    }
}

fn substitute(dir: &std::path::Path, path: &StorePath, trusted: &str) -> std::process::Output {
    let url = format!("file://{}", dir.display());
    nix_cmd("nix-store")
        .args(["-r", &path.to_string(), "--option", "substituters", &url])
        .args(["--option", "trusted-public-keys", trusted])
        .output()
        .unwrap()
}

/// Builds fresh paths, publishes them signed by `key`, deletes them, checks that `wrong` is
/// refused and that `right` lets Nix substitute them back.
fn cache_round_trip(key: &SecretKey, right: &str, wrong: &str) {
    let cli = nix_cli();
    let top = build("withref", &nonce());
    let closure = cli.closure(std::slice::from_ref(&top)).unwrap();
    assert_eq!(closure.len(), 2);
    let hashes: Vec<_> = closure
        .iter()
        .map(|p| cli.path_info(p).unwrap().nar_hash)
        .collect();
    let cache = TempDir::new("filecache");
    write_cache(cache.path(), &top, key);
    let mut args = vec!["--delete".to_string()];
    args.extend(closure.iter().map(|p| p.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    nix_run("nix-store", &args);
    for p in &closure {
        assert!(!cli.is_valid(p).unwrap(), "{p} still valid after delete");
    }

    let refused = substitute(cache.path(), &top, wrong);
    assert!(
        !refused.status.success(),
        "Nix accepted a narinfo signed by another key"
    );
    assert!(!cli.is_valid(&top).unwrap());

    let ok = substitute(cache.path(), &top, right);
    assert!(
        ok.status.success(),
        "nix-store -r failed: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for (p, h) in closure.iter().zip(&hashes) {
        assert!(cli.is_valid(p).unwrap(), "{p} not substituted");
        assert_eq!(&cli.path_info(p).unwrap().nar_hash, h);
    }
}

#[test]
fn file_cache_with_nix_generated_key() {
    let t = TempDir::new("nixkey");
    let (sk, pk) = (t.path().join("sk"), t.path().join("pk"));
    nix_run(
        "nix-store",
        &[
            "--generate-binary-cache-key",
            "hydrant-test-1",
            sk.to_str().unwrap(),
            pk.to_str().unwrap(),
        ],
    );
    let key = SecretKey::parse(&fs::read_to_string(&sk).unwrap()).unwrap();
    let public = fs::read_to_string(&pk).unwrap();
    assert_eq!(PublicKey::parse(&public).unwrap(), key.public_key());
    let wrong = SecretKey::generate("hydrant-test-1")
        .unwrap()
        .public_key()
        .to_string();
    cache_round_trip(&key, public.trim(), &wrong);
}

#[test]
fn file_cache_with_hydrant_generated_key() {
    let t = TempDir::new("hydkey");
    let (sk, pk) = (t.path().join("sk"), t.path().join("pk"));
    let st = Command::new(hydrant_bin())
        .args([
            "key",
            "generate",
            "hydrant-gen-1",
            "--secret-key-file",
            sk.to_str().unwrap(),
        ])
        .args(["--public-key-file", pk.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(st.success());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        fs::metadata(&sk).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The secret key file is never overwritten.
    let again = Command::new(hydrant_bin())
        .args([
            "key",
            "generate",
            "hydrant-gen-1",
            "--secret-key-file",
            sk.to_str().unwrap(),
        ])
        .args(["--public-key-file", pk.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let secret = fs::read_to_string(&sk).unwrap();
    let public = fs::read_to_string(&pk).unwrap();
    let key = SecretKey::parse(&secret).unwrap();
    cache_round_trip(
        &key,
        public.trim(),
        "hydrant-gen-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=",
    );
    // Nix itself must accept our secret key file: it signs with it in `nix copy`.
    let p = build("file", "").to_string();
    let t2 = TempDir::new("nixsign");
    let url = format!("file://{}", t2.path().display());
    let out = nix_cmd("nix")
        .args([
            "--extra-experimental-features",
            "nix-command",
            "copy",
            "--to",
        ])
        .arg(format!(
            "{url}?secret-key={}&compression=none",
            sk.display()
        ))
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nix copy with our key failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sp = StorePath::parse(&p).unwrap();
    let text = fs::read_to_string(t2.path().join(sp.narinfo_name())).unwrap();
    let ni = hydrant::nix::NarInfo::parse(&text).unwrap();
    assert!(
        ni.verify(&[key.public_key()]),
        "Nix's signature with our key does not verify: {text}"
    );
}
