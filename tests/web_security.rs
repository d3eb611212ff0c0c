//! The security rules on the real binary: only admins relax a project's evaluation
//! (`unrestricted`, `allowed_uris`) or name local paths outside `allowed_path_inputs`, and the
//! anonymous pages show Nix's "forbidden in restricted mode" instead of files outside the inputs.
mod common;
mod web_support;

use common::{TempDir, NIX_CONFIG};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};
use web_support::*;

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

fn write(dir: &Path, file: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
}

/// `hydrant serve` with a config file (and Nix set up for root without a daemon).
fn serve_with_config(state: &Path, config: &str) -> Server {
    let cfg = state.join("hydrant.conf");
    write(state, "hydrant.conf", config);
    std::env::set_var("NIX_CONFIG", NIX_CONFIG);
    Server::start_with(state, &["--config", cfg.to_str().unwrap()], None)
}

#[test]
fn only_admins_relax_evaluation_or_use_local_paths_outside_the_allowed_dirs() {
    let (state, admin_tok) = admin_state("websec-perm");
    add_user(state.path(), "creator", &["create-projects"], "pw");
    let creator_tok = token(state.path(), "creator");
    let files = TempDir::new("websec-files");
    let allowed = files.path().join("allowed");
    write(&allowed.join("src"), "release.nix", "{ }");
    write(&files.path().join("outside"), "release.nix", "{ }");
    let srv = serve_with_config(
        state.path(),
        &format!("allowed_path_inputs = {}\n", allowed.display()),
    );
    let c = srv.client();
    let admin = c.with_bearer(&admin_tok);
    let cr = c.with_bearer(&creator_tok);

    let mut body = project_body("Mine");
    body["unrestricted"] = json!(true);
    let r = cr.put_json("/project/mine", &body);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("only admins"), "{}", r.body);
    let mut body = project_body("Mine");
    body["allowed_uris"] = json!(["https://example.org/"]);
    assert_eq!(cr.put_json("/project/mine", &body).status, 403);
    assert!(c.get("/project/mine").status == 404, "nothing was created");
    assert_eq!(
        cr.put_json("/project/mine", &project_body("Mine")).status,
        201
    );
    let p = c.get("/project/mine").json();
    assert_eq!(
        (p["unrestricted"].clone(), p["allowed_uris"].clone()),
        (json!(false), json!([]))
    );

    // An admin may, and it is logged; the owner's later edits keep it.
    let mut body = project_body("Mine");
    body["unrestricted"] = json!(true);
    body["allowed_uris"] = json!("https://example.org/ github:org/");
    let r = admin.put_json("/project/mine", &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(srv
        .log()
        .contains("admin `admin` enabled unrestricted evaluation for project `mine`"));
    let r = cr.put_json("/project/mine", &project_body("Mine again"));
    assert_eq!(r.status, 200, "{}", r.body);
    let p = c.get("/project/mine").json();
    assert_eq!(p["unrestricted"], json!(true));
    assert_eq!(
        p["allowed_uris"],
        json!(["https://example.org/", "github:org/"])
    );
    let mut body = project_body("Mine");
    body["unrestricted"] = json!(false);
    assert_eq!(
        cr.put_json("/project/mine", &body).status,
        403,
        "nor clear it"
    );
    // Only the admin's form shows the fields.
    let form = |cl: &Client| cl.html().get("/project/mine/edit").body;
    assert!(select(&form(&cr), "input[name=unrestricted]").is_empty());
    assert_eq!(select(&form(&admin), "input[name=unrestricted]").len(), 2);

    // Local paths: inside allowed_path_inputs only, resolved; anything else needs an admin.
    let js = |src: &str| jobset_body(src);
    let inside = allowed.join("src").display().to_string();
    let r = cr.put_json("/jobset/mine/ok", &js(&inside));
    assert_eq!(r.status, 201, "{}", r.body);
    for bad in [
        "/etc".to_string(),
        files.path().join("outside").display().to_string(),
        format!("{}/../outside", allowed.display()),
    ] {
        let r = cr.put_json("/jobset/mine/bad", &js(&bad));
        assert_eq!(r.status, 403, "{bad}: {}", r.body);
        assert!(r.error().contains("allowed_path_inputs"), "{}", r.body);
    }
    let r = cr.put_json(
        "/jobset/mine/bad",
        &js(&allowed.join("missing").display().to_string()),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.error().contains("cannot resolve"), "{}", r.body);
    let mut g = js(&inside);
    g["inputs"]["src"] = json!({"type": "git", "value": "file:///etc main"});
    let r = cr.put_json("/jobset/mine/bad", &g);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("local repository"), "{}", r.body);
    g["inputs"]["src"] = json!({"type": "git", "value": "https://example.org/repo.git main"});
    assert_eq!(cr.put_json("/jobset/mine/remote", &g).status, 201);
    assert_eq!(
        c.get("/jobset/mine/bad").status,
        404,
        "no bad jobset was created"
    );

    // An admin's path input stays editable by the owner, as long as it is left as it is.
    let outside = files.path().join("outside").display().to_string();
    assert_eq!(
        admin.put_json("/jobset/mine/adm", &js(&outside)).status,
        201
    );
    let mut edit = js(&outside);
    edit["description"] = json!("edited by the owner");
    assert_eq!(cr.put_json("/jobset/mine/adm", &edit).status, 200);
    edit["inputs"]["src"]["value"] = json!("/etc");
    assert_eq!(cr.put_json("/jobset/mine/adm", &edit).status, 403);
    assert_eq!(
        c.get("/jobset/mine/adm").json()["inputs"]["src"]["value"],
        outside
    );
}

#[test]
fn anonymous_pages_show_the_restricted_error_not_the_file() {
    let (state, admin_tok) = admin_state("websec-leak");
    let secret = format!("SECRET-{}", nonce());
    let private = state.path().join("private");
    write(&private, "key", &secret);
    let key = private.join("key").display().to_string();
    let src = state.path().join("src");
    write(
        &src,
        "release.nix",
        &format!(
            "{{ extra ? null }}: {{ leak = throw (builtins.readFile {key}); \
             ok = derivation {{ name = \"ok\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo > $out\" ]; \
             system = builtins.currentSystem; }}; }}"
        ),
    );
    write(&src, "whole.nix", "{ extra }: builtins.seq extra { }");
    let srv = serve_with_config(state.path(), "");
    let admin = srv.client().with_bearer(&admin_tok);
    let anon = srv.client().anonymous().html();
    assert_eq!(admin.put_json("/project/p", &project_body("P")).status, 201);
    let r = admin.put_json("/jobset/p/j", &jobset_body(src.to_str().unwrap()));
    assert_eq!(r.status, 201, "{}", r.body);
    let mut k = jobset_body(src.to_str().unwrap());
    k["nixexprpath"] = json!("whole.nix");
    k["inputs"]["extra"] =
        json!({"type": "nix", "value": format!("throw (builtins.readFile {key})")});
    assert_eq!(admin.put_json("/jobset/p/k", &k).status, 201);
    let r = admin.post_json("/api/push?jobsets=p:j,p:k", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);

    let t = Instant::now();
    let eval = loop {
        let evals = admin.get("/jobset/p/j/evals").json();
        if let Some(id) = evals["evals"][0]["id"].as_u64() {
            break id;
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "no eval: {}",
            srv.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let page = anon.get(&format!("/eval/{eval}")).body;
    assert!(page.contains("forbidden in restricted mode"), "{page}");
    assert!(!page.contains(&secret), "the eval page leaks the file");
    let t = Instant::now();
    let page = loop {
        let page = anon.get("/jobset/p/k").body;
        if page.contains("forbidden") {
            break page;
        }
        assert!(t.elapsed() < Duration::from_secs(60), "{page}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(page.contains("forbidden in restricted mode"), "{page}");
    assert!(!page.contains(&secret), "the jobset page leaks the file");
    let json = srv.client().anonymous().get("/jobset/p/k").body;
    assert!(!json.contains(&secret));
}
