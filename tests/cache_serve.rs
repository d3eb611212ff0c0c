//! The S3 backup end to end through the real binary: `hydrant serve` with an `<s3config>`
//! evaluates and builds a jobset, uploads the job's closure to s3s-fs (xz, signed), the build
//! page says "Cached in bucket", `/cache` counts the uploads, and after the closure leaves the
//! local store real Nix substitutes it back from the bucket (and refuses a wrong key).
mod cache_util;
mod common;
mod web_support;

use cache_util::*;
use common::S3Server;
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use web_support::{admin_state, jobset_body, project_body, texts, wait_for, Server};

/// A release.nix whose `top` job has a 3-path closure (top → mid → leaf, top → leaf).
fn write_release(dir: &Path, nonce: &str) {
    let s = format!(
        r#"{{ src ? ./., officialRelease ? false }}:
let
  mk = name: script: derivation {{
    inherit name; builder = "/bin/sh"; args = [ "-c" script ];
    PATH = "/usr/bin:/bin"; system = builtins.currentSystem;
  }};
  leaf = mk "e2e-leaf" "mkdir $out; echo {nonce} > $out/nonce; seq 1 50000 > $out/text; head -c 65536 /dev/urandom > $out/rand";
  mid = mk "e2e-mid" "mkdir -p $out/sub; echo ${{leaf}} > $out/sub/ref; echo {nonce} > $out/nonce";
in {{
  top = mk "e2e-top" "mkdir $out; echo ${{mid}} ${{leaf}} > $out/refs; ln -s ${{mid}}/sub $out/link; echo {nonce} > $out/nonce";
}}
"#
    );
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("release.nix"), s).unwrap();
}

/// `hydrant serve --config F` with the S3 credentials and Nix settings of the tests.
fn serve(s3: &S3Server, config: &Path, state: &Path) -> Server {
    Server::builder(state)
        .arg("--config")
        .arg(config.to_str().unwrap())
        .env("AWS_ACCESS_KEY_ID", &s3.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &s3.secret_key)
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .start()
}

#[test]
fn serve_backs_up_a_build_that_nix_substitutes_back() {
    let s3 = S3Server::start();
    let bucket_dir = s3.create_bucket("e2e");
    let (state, tok) = admin_state("cache-serve");
    let (sk, pk) = keypair(state.path(), "e2e-cache-1");
    let (_, wrong) = keypair(state.path(), "e2e-wrong-1");
    let src = state.path().join("src");
    write_release(&src, &nonce());
    let conf = state.path().join("hydrant.conf");
    std::fs::write(
        &conf,
        format!(
            "<s3config>\n  name = e2e\n  jobs = p:j:.*\n  endpoint = {}\n  path_style = true\n  \
             prefix = cache/\n  compression_type = xz\n  secret_key_file = {}\n</s3config>\n",
            s3.endpoint(),
            sk.display()
        ),
    )
    .unwrap();
    let mut srv = serve(&s3, &conf, state.path());
    let c = srv.client().with_bearer(&tok);

    assert_eq!(c.put_json("/project/p", &project_body("P")).status, 201);
    let r = c.put_json("/jobset/p/j", &jobset_body(src.to_str().unwrap()));
    assert_eq!(r.status, 201, "{}", r.body);
    let r = c.post_json("/api/push?jobsets=p:j", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let eval = wait_for("an evaluation", Duration::from_secs(60), &srv, || {
        c.get("/jobset/p/j/evals").json()["evals"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|e| e["id"].as_u64())
    });
    let builds = c.get(&format!("/eval/{eval}/builds")).json();
    let id = builds.as_array().unwrap()[0]["id"].as_u64().unwrap();
    let b: Value = wait_for("the build finishing", Duration::from_secs(90), &srv, || {
        let b = c.get(&format!("/build/{id}")).json();
        (b["finished"] == 1).then_some(b)
    });
    assert_eq!(b["buildstatus"], 0, "{b}");
    let top = b["buildoutputs"]["out"]["path"]
        .as_str()
        .unwrap_or_else(|| panic!("no out path: {b}"))
        .to_string();
    let all = closure(&top);
    assert_eq!(all.len(), 3, "{all:?}");

    // The build page tells when its closure is in the bucket.
    let html = srv.client().html();
    wait_for("Cached in bucket", Duration::from_secs(120), &srv, || {
        let page = html.get(&format!("/build/{id}")).body;
        let items = texts(&page, "#build-cache li");
        assert!(
            items.iter().all(|t| !t.contains("failed")),
            "upload failed: {items:?}"
        );
        items
            .iter()
            .any(|t| t == "Cached in bucket e2e/cache/")
            .then_some(())
    });

    // The cache status page counts what was uploaded.
    let st = c.get("/cache").json();
    let t = &st["targets"][0];
    assert_eq!(t["bucket"], "e2e", "{st}");
    assert_eq!(t["prefix"], "cache/", "{st}");
    assert_eq!(t["compression"], "xz", "{st}");
    assert_eq!(t["queued"], 0, "{st}");
    assert_eq!(t["buildswaiting"], 0, "{st}");
    assert_eq!(t["uploaded"], 3, "{st}");
    assert!(t["narbytes"].as_u64().unwrap() > 50_000, "{st}");
    assert!(t["throughput"].as_f64().unwrap() > 0.0, "{st}");
    let page = html.get("/cache").body;
    assert_eq!(texts(&page, "td.bucket"), vec!["e2e"]);
    assert_eq!(texts(&page, "td.uploaded"), vec!["3"]);
    assert_eq!(texts(&page, "td.queued"), vec!["0"]);
    assert_eq!(texts(&page, "#nav-cache"), vec!["Cache"]);

    // Every narinfo points at an existing NAR, and each closure path has one.
    assert!(srv.stop(), "serve did not stop cleanly:\n{}", srv.log());
    assert_no_dangling(&bucket_dir, "cache/");
    let hashes = narinfo_hashes(&bucket_dir, "cache/");
    for p in &all {
        assert!(hashes.contains(&hash_part(p)), "no narinfo for {p}");
    }
    assert!(bucket_dir.join("cache/nix-cache-info").exists());
    let _ = std::fs::remove_dir_all(state.path().join("gcroots"));

    // Gone from the local store, the closure comes back from the bucket with the right key.
    assert_substitutes(&top, &bucket_dir.join("cache"), &pk, &wrong);
}
