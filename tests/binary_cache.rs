//! `hydrant serve` as a binary cache (`binary_cache = true`) against real Nix: a 3-path closure
//! substituted over HTTP into a fresh store root with the signature checked (and refused with
//! a wrong key), 404 for paths not in the store or outside hydrant's GC roots, HEAD, `.ls`,
//! the NAR in each compression, `/log/<drv>`, and a client that stops reading a NAR.
mod cache_util;
mod common;
mod web_support;

use cache_util::*;
use common::{nix_cmd, nix_run, TempDir};
use hydrant::db;
use web_support::Server;

fn narinfo_field<'a>(ni: &'a str, k: &str) -> &'a str {
    ni.lines()
        .find_map(|l| l.strip_prefix(&format!("{k}: ")))
        .unwrap_or_else(|| panic!("no {k} in {ni}"))
}

fn fresh_substitute(root: &std::path::Path, path: &str, port: u16, key: &str) -> (bool, String) {
    let out = nix_cmd("nix-store")
        .args(["-r", path, "--store"])
        .arg(root)
        .args([
            "--option",
            "substituters",
            &format!("http://127.0.0.1:{port}"),
        ])
        .args(["--option", "trusted-public-keys", key])
        .args(["--option", "require-sigs", "true"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// `hydrant serve` as a binary cache signing with `sk`, `top` under a GC root as the queue
/// runner makes them (for jobset p:j): only that closure is served.
fn serve_with_root(
    state: &std::path::Path,
    top: &str,
    sk: &std::path::Path,
    extra: &str,
) -> Server {
    common::ensure_pj(&common::open_app(state, "").db);
    let roots = state.join("gcroots/p/j");
    std::fs::create_dir_all(&roots).unwrap();
    std::os::unix::fs::symlink(top, roots.join("top")).unwrap();
    Server::builder(state)
        .config(&format!(
            "binary_cache = true\nbinary_cache_secret_key_file = {}\n{extra}",
            sk.display()
        ))
        .start()
}

#[test]
fn nix_substitutes_a_closure_from_hydrant_serve() {
    let dir = TempDir::new("bincache");
    let state = dir.path().join("state");
    let (sk, pk) = keypair(dir.path(), "hydrant-serve-1");
    let (_, wrong) = keypair(dir.path(), "not-hydrant-1");
    let top = build_fixture(dir.path(), "bctop", 256);
    let outside = build_fixture(dir.path(), "bcoutside", 4);
    let srv = serve_with_root(&state, &top, &sk, "");
    let c = srv.client().anonymous();
    let info = c.get("/nix-cache-info");
    assert_eq!(info.status, 200);
    assert_eq!(
        info.body,
        "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n"
    );

    let closure = closure(&top);
    assert_eq!(closure.len(), 3);
    for p in &closure {
        let r = c.get(&format!("/{}.narinfo", hash_part(p)));
        assert_eq!(r.status, 200, "{p}: {}", r.body);
        assert_eq!(narinfo_field(&r.body, "StorePath"), p);
        assert_eq!(narinfo_field(&r.body, "Compression"), "none");
        assert!(narinfo_field(&r.body, "Sig").starts_with("hydrant-serve-1:"));
        // HEAD answers like GET, without the body.
        let h = c.request(
            minreq::Method::Head,
            &format!("/{}.narinfo", hash_part(p)),
            None,
            &[],
        );
        assert_eq!((h.status, h.body.as_str()), (200, ""));
    }

    // Fresh store roots: one refuses our signature under another key, one takes everything.
    let wrong_root = dir.path().join("wrong-root");
    let (ok, _) = fresh_substitute(&wrong_root, &top, srv.port, &wrong);
    assert!(!ok, "Nix accepted narinfos signed with another key");
    let root = dir.path().join("fresh-root");
    let (ok, err) = fresh_substitute(&root, &top, srv.port, &pk);
    assert!(ok, "substitution failed: {err}");
    for p in &closure {
        let inside = root.join(p.trim_start_matches('/'));
        assert!(
            inside.exists(),
            "{p} not substituted into {}",
            root.display()
        );
    }
    let fresh_hash = nix_cmd("nix-store")
        .args(["--store"])
        .arg(&root)
        .args(["-q", "--hash", &top])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&fresh_hash.stdout).trim(),
        nix_run("nix-store", &["-q", "--hash", &top])
    );

    // Not in the store at all; in the store but outside the GC roots' closure.
    assert_eq!(c.get(&format!("/{}.narinfo", "0".repeat(32))).status, 404);
    assert_eq!(c.get("/not-a-hash.narinfo").status, 404);
    assert_eq!(
        c.get(&format!("/{}.narinfo", hash_part(&outside))).status,
        404
    );
    let outside_nar = nix_run("nix-store", &["-q", "--hash", &outside]);
    let outside_nar = outside_nar.trim_start_matches("sha256:");
    let r = c.get(&format!(
        "/nar/{outside_nar}.nar?hash={}",
        hash_part(&outside)
    ));
    assert_eq!(r.status, 404, "a NAR outside the allowed set was served");
    assert_eq!(c.get(&format!("/nar/{outside_nar}.nar")).status, 404);

    // The NAR in each compression Nix reads, and the listing.
    let top_ni = c.get(&format!("/{}.narinfo", hash_part(&top))).body;
    let url = narinfo_field(&top_ni, "URL");
    let nar_size: usize = narinfo_field(&top_ni, "NarSize").parse().unwrap();
    let plain = minreq::get(format!("http://127.0.0.1:{}/{url}", srv.port))
        .send()
        .unwrap();
    assert_eq!(plain.status_code, 200);
    assert_eq!(plain.as_bytes().len(), nar_size);
    let dump = nix_cmd("nix-store")
        .args(["--dump", &top])
        .output()
        .unwrap();
    assert_eq!(
        plain.as_bytes(),
        &dump.stdout[..],
        "NAR differs from nix-store --dump"
    );
    // Every NAR byte for byte, the leaf's 256 KiB file included (sent with sendfile).
    for p in &closure {
        let ni = c.get(&format!("/{}.narinfo", hash_part(p))).body;
        let got = minreq::get(format!(
            "http://127.0.0.1:{}/{}",
            srv.port,
            narinfo_field(&ni, "URL")
        ))
        .send()
        .unwrap();
        let want = nix_cmd("nix-store").args(["--dump", p]).output().unwrap();
        assert_eq!(got.as_bytes(), &want.stdout[..], "NAR of {p} differs");
    }
    let (stem, query) = url.split_once('?').unwrap();
    let zst = minreq::get(format!("http://127.0.0.1:{}/{stem}.zst?{query}", srv.port))
        .send()
        .unwrap();
    assert_eq!(zst.status_code, 200);
    assert_eq!(zstd_decode(zst.as_bytes()), dump.stdout);
    let ls = c.get(&format!("/{}.ls", hash_part(&top)));
    assert_eq!(ls.status, 200);
    let v = ls.json();
    assert_eq!(v["root"]["type"], "directory");
    assert_eq!(v["root"]["entries"]["run"]["executable"], true);
    assert_eq!(v["root"]["entries"]["link"]["type"], "symlink");
    assert_eq!(c.get(&format!("/{}.ls", hash_part(&outside))).status, 404);
}

/// A second opinion next to Nix's own (which decompresses in the substitution above).
fn zstd_decode(b: &[u8]) -> Vec<u8> {
    zstd::stream::decode_all(b).unwrap()
}

#[test]
fn off_by_default_and_logs_by_derivation() {
    let dir = TempDir::new("bincache-off");
    let state = dir.path().join("state");
    {
        let srv = Server::builder(&state).start();
        let c = srv.client().anonymous();
        assert_eq!(c.get("/nix-cache-info").status, 404);
        assert_eq!(c.get(&format!("/{}.narinfo", "1".repeat(32))).status, 404);
        // Ordinary pages are not shadowed by the narinfo pattern.
        assert_eq!(c.get("/login").status, 200);
    }
    // A build with a log: `nix log` asks for log/<drv base name>.
    let drv = format!("/nix/store/{}-logged.drv", "2".repeat(32));
    {
        let app = common::open_app(&state, "");
        common::ensure_pj(&app.db);
        let (_, ids) = common::record_eval(
            &app.db,
            "p",
            "j",
            vec![db::NewJob {
                job: "logged".into(),
                drvpath: drv.clone(),
                outputs: [(
                    "out".to_string(),
                    format!("/nix/store/{}-logged", "3".repeat(32)),
                )]
                .into(),
                ..Default::default()
            }],
        );
        std::fs::create_dir_all(app.config.logs_dir()).unwrap();
        std::fs::write(
            hydrant::queue::log::live_path(&app.config.logs_dir(), ids[0]),
            "building logged\n",
        )
        .unwrap();
    }
    let srv = Server::builder(&state)
        .config("binary_cache = true\n")
        .start();
    let c = srv.client().anonymous();
    let base = drv.trim_start_matches("/nix/store/");
    let r = c.get(&format!("/log/{base}"));
    assert_eq!((r.status, r.body.as_str()), (200, "building logged\n"));
    assert_eq!(
        c.get(&format!("/log/{}-other.drv", "4".repeat(32))).status,
        404
    );
    assert_eq!(c.get("/log/..%2F..%2Fetc%2Fpasswd").status, 404);
}

/// A client that stops reading a big NAR (sent with sendfile) is cut off at its deadline: the
/// body stays short, and the server answers others meanwhile.
#[test]
fn a_nar_reader_that_stalls_is_cut_off_at_the_deadline() {
    use std::io::{Read, Write};
    let dir = TempDir::new("bincache-stall");
    let state = dir.path().join("state");
    let (sk, _) = keypair(dir.path(), "hydrant-stall-1");
    let top = build_fixture(dir.path(), "bcstall", 48 << 10);
    // 1 s of silence, and 48 MiB at 100 MB/s: the deadline is about 1.5 s away.
    let srv = serve_with_root(
        &state,
        &top,
        &sk,
        "web_timeout = 1\nweb_min_rate = 100000000\n",
    );
    let c = srv.client().anonymous();
    let leaf = closure(&top)
        .into_iter()
        .find(|p| p.ends_with("-bcstall-leaf"))
        .unwrap();
    let ni = c.get(&format!("/{}.narinfo", hash_part(&leaf))).body;
    let size: usize = narinfo_field(&ni, "NarSize").parse().unwrap();
    assert!(size > 48 << 20);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    write!(
        s,
        "GET /{} HTTP/1.1\r\nHost: x\r\n\r\n",
        narinfo_field(&ni, "URL")
    )
    .unwrap();
    let t = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_secs(4));
    // Meanwhile the server answers others.
    assert_eq!(c.get("/nix-cache-info").status, 200);
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    let body = got.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(got.starts_with(b"HTTP/1.1 200"));
    assert!(
        got.len() - body < size,
        "the whole NAR went to a client that stopped reading"
    );
    assert!(t.elapsed() < std::time::Duration::from_secs(15));
}
