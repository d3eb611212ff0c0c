//! Declarative projects on the real binary, with real git repositories made here and real Nix:
//! a static spec creates its jobsets, an edited spec (one changed, one removed, one added)
//! updates them in one go, a malformed or hostile spec (bad JSON, path escaping, bad names, a
//! huge file, a local path outside `allowed_path_inputs`) changes nothing and is shown on the
//! project page and in its JSON, and jobsets of a declarative project refuse every edit. The
//! generated case: `.jobsets` evaluates a generator whose `jobsets` build writes the spec.
mod common;
mod web_support;

use common::{git, write_file};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use web_support::*;

const WAIT: Duration = Duration::from_secs(90);

fn jobset_names(c: &Client, p: &str) -> Vec<String> {
    let v = c.get(&format!("/project/{p}")).json();
    let mut names: Vec<String> = v["jobsets"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn commit(repo: &Path, file: &str, text: &str, msg: &str) {
    write_file(repo, file, text);
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", msg]);
}

fn spec_jobset(desc: &str, src: &Path) -> Value {
    json!({
        "enabled": 1, "hidden": false, "description": desc,
        "nixexprinput": "src", "nixexprpath": "release.nix",
        "checkinterval": 0, "schedulingshares": 100, "enableemail": false,
        "emailoverride": "", "keepnr": 3,
        "inputs": {"src": {"type": "path", "value": src.display().to_string(), "emailresponsible": false}}
    })
}

/// Pushes the repository (as a webhook would) and waits until the project shows `pred`.
fn push_and_wait(
    c: &Client,
    srv: &Server,
    repo: &Path,
    what: &str,
    pred: impl Fn(&Value, &[String]) -> bool,
) -> Value {
    let r = c.post_json(
        &format!("/api/push?repos={}", enc(&repo.display().to_string())),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.json()["jobsetsTriggered"]
            .as_array()
            .unwrap()
            .contains(&json!("decl:.jobsets")),
        "{}",
        r.body
    );
    wait_for(what, WAIT, srv, || {
        let v = c.get("/project/decl").json();
        let names = jobset_names(c, "decl");
        pred(&v, &names).then_some(v)
    })
}

#[test]
fn static_spec_creates_updates_and_refuses_bad_specs() {
    let (state, admin) = admin_state("decl-static");
    let base = state.path().join("repos");
    let (repo, src) = (base.join("spec"), base.join("src"));
    write_file(&src, "release.nix", "{ ... }: { }\n");
    git(&base, &["init", "-q", "spec"]);
    let spec1 =
        json!({"alpha": spec_jobset("first alpha", &src), "beta": spec_jobset("beta", &src)});
    commit(&repo, "spec.json", &spec1.to_string(), "two jobsets");
    let srv = Server::builder(state.path())
        .config(&format!("allowed_path_inputs = {}\n", base.display()))
        .start();
    let c = srv.client().with_bearer(&admin);

    // A declarative file must stay inside its input, and the input be git or path.
    for (decl, says) in [
        (
            json!({"file": "../x.json", "type": "git", "value": "/r"}),
            "relative path",
        ),
        (
            json!({"file": "spec.json", "type": "svn", "value": "/r"}),
            "git or path",
        ),
        (
            json!({"file": "spec.json", "type": "git", "value": ""}),
            "needs a value",
        ),
    ] {
        let mut b = project_body("Decl");
        b["declarative"] = decl;
        let r = c.put_json("/project/decl", &b);
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.error().contains(says), "{}", r.error());
    }

    let mut body = project_body("Decl");
    body["declarative"] =
        json!({"file": "spec.json", "type": "git", "value": repo.display().to_string()});
    let r = c.put_json("/project/decl", &body);
    assert_eq!(r.status, 201, "{}", r.body);
    wait_for("the spec's two jobsets", WAIT, &srv, || {
        (jobset_names(&c, "decl") == [".jobsets", "alpha", "beta"]).then_some(())
    });
    let p = c.get("/project/decl").json();
    assert_eq!(
        p["declarative"],
        json!({"file": "spec.json", "type": "git", "value": repo.display().to_string()})
    );
    assert_eq!(p["declerror"], "");
    let a = c.get("/jobset/decl/alpha").json();
    assert_eq!(a["description"], "first alpha");
    assert_eq!(a["inputs"]["src"]["value"], src.display().to_string());
    assert_eq!(a["checkinterval"], 0);

    // Jobsets of a declarative project refuse every edit, naming the spec and its input.
    let js = jobset_body(&src.display().to_string());
    for (method, path) in [
        ("PUT", "/jobset/decl/alpha"),
        ("PUT", "/jobset/decl/.jobsets"),
        ("DELETE", "/jobset/decl/beta"),
        ("GET", "/jobset/decl/alpha/edit"),
        ("GET", "/jobset/decl/alpha/clone"),
        ("GET", "/jobset/decl/alpha/delete"),
        ("GET", "/project/decl/create-jobset"),
    ] {
        let r = match method {
            "PUT" => c.put_json(path, &js),
            "DELETE" => c.delete(path),
            _ => c.get(path),
        };
        assert_eq!(r.status, 409, "{method} {path}: {}", r.body);
        assert!(
            r.body.contains("spec.json") && r.body.contains("declarative"),
            "{method} {path}: {}",
            r.body
        );
    }
    let mut new = js.clone();
    new["name"] = json!("gamma");
    assert_eq!(c.put_json("/jobset/decl/.new", &new).status, 409);
    let page = c.html().get("/jobset/decl/alpha").body;
    let notice = texts(&page, "#declared-by").join(" ");
    assert!(
        notice.contains("defined by spec.json in the git input"),
        "{page}"
    );
    assert!(!page.contains("/jobset/decl/alpha/edit"), "{page}");

    // One changed, one removed, one added: applied together.
    // (gamma is a flake jobset: a spec takes Hydra's `type`/`flake` as the API does.)
    let flake = format!("git+file://{}?ref=main", src.display());
    let mut gamma = spec_jobset("gamma", &src);
    gamma["type"] = json!(1);
    gamma["flake"] = json!(flake);
    let spec2 = json!({"alpha": spec_jobset("second alpha", &src), "gamma": gamma});
    commit(&repo, "spec.json", &spec2.to_string(), "edit");
    push_and_wait(&c, &srv, &repo, "the edited spec", |_, n| {
        n == [".jobsets", "alpha", "beta", "gamma"]
    });
    assert_eq!(
        c.get("/jobset/decl/alpha").json()["description"],
        "second alpha"
    );
    let g = c.get("/jobset/decl/gamma").json();
    assert_eq!(
        (g["type"].clone(), g["flake"].clone()),
        (json!(1), json!(flake))
    );
    // beta, no longer in the spec, is disabled and hidden with its history, as in Hydra.
    let beta = c.get("/jobset/decl/beta").json();
    assert_eq!(
        (beta["enabled"].clone(), beta["hidden"].clone()),
        (json!(0), json!(true))
    );

    // Malformed and hostile specs: each leaves the jobsets as they were and says why.
    let outside = state.path().join("outside.json");
    std::fs::write(&outside, spec1.to_string()).unwrap();
    let bad_name = json!({"ok": spec_jobset("x", &src), "bad name!": spec_jobset("y", &src)});
    let bad_input = json!({"ok": spec_jobset("x", Path::new("/etc"))});
    let mut outside_flake = spec_jobset("x", &src);
    outside_flake["type"] = json!(1);
    outside_flake["flake"] = json!("git+file:///etc");
    let bad_flake = json!({ "ok": outside_flake });
    let unknown = json!({"ok": {"nixexprinput": "src", "nixexprpath": "r.nix", "colour": "red",
        "inputs": {"src": {"type": "path", "value": src.display().to_string()}}}});
    let bad_shares = json!({"ok": {"nixexprinput": "src", "nixexprpath": "r.nix", "schedulingshares": 0,
        "inputs": {"src": {"type": "path", "value": src.display().to_string()}}}});
    let huge = format!(
        "{{\"a\": {{}}, \"pad\": {{\"x\": \"{}\"}}}}",
        "x".repeat(1 << 20)
    );
    let cases: Vec<(&str, String, &str)> = vec![
        ("malformed", "{ \"alpha\": ".into(), "not valid JSON"),
        ("bad name", bad_name.to_string(), "invalid jobset name"),
        (
            "outside input",
            bad_input.to_string(),
            "allowed_path_inputs",
        ),
        (
            "outside flake",
            bad_flake.to_string(),
            "allowed_path_inputs",
        ),
        ("unknown key", unknown.to_string(), "unknown keys colour"),
        ("bad shares", bad_shares.to_string(), "schedulingshares"),
        ("huge", huge, "more than the 1048576 bytes"),
    ];
    for (what, text, says) in cases {
        commit(&repo, "spec.json", &text, what);
        push_and_wait(&c, &srv, &repo, what, |v, _| {
            v["declerror"].as_str().is_some_and(|e| e.contains(says))
        });
        assert_eq!(
            jobset_names(&c, "decl"),
            [".jobsets", "alpha", "beta", "gamma"],
            "{what}"
        );
        assert_eq!(
            c.get("/jobset/decl/alpha").json()["description"],
            "second alpha"
        );
        let html = c.html().get("/project/decl").body;
        let shown = texts(&html, "#decl-error").join(" ");
        assert!(shown.contains(says), "{what}: {html}");
        // Fixed again: the error goes; the next bad one is seen fresh.
        commit(&repo, "spec.json", &spec2.to_string(), "fix");
        push_and_wait(&c, &srv, &repo, "the fixed spec", |v, _| {
            v["declerror"] == ""
        });
    }
    // A symlink out of the repository.
    std::fs::remove_file(repo.join("spec.json")).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("spec.json")).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "escape"]);
    push_and_wait(&c, &srv, &repo, "the escaping spec", |v, _| {
        v["declerror"]
            .as_str()
            .is_some_and(|e| e.contains("leads outside the input"))
    });
    assert_eq!(
        jobset_names(&c, "decl"),
        [".jobsets", "alpha", "beta", "gamma"]
    );

    // The project form shows the declarative fields and says which one is wrong.
    let browser = srv.client().login("admin", "adminpw").html();
    let csrf = browser.csrf();
    let form = browser.get("/project/decl/edit").body;
    assert_eq!(attrs(&form, "input[name=declfile]", "value"), ["spec.json"]);
    let repo_s = repo.display().to_string();
    let r = browser.post_form(
        "/project/decl",
        &[
            ("csrf", &csrf),
            ("displayname", "Decl"),
            ("enabled", "on"),
            ("visible", "on"),
            ("declfile", "../up.json"),
            ("decltype", "git"),
            ("declvalue", &repo_s),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        texts(&r.body, "#error-declfile")
            .join(" ")
            .contains("relative path"),
        "{}",
        r.body
    );

    // No longer declarative: `.jobsets` goes, the jobsets stay and are editable again.
    let mut body = project_body("Decl");
    body["declarative"] = json!({"file": "", "type": "", "value": ""});
    assert_eq!(c.put_json("/project/decl", &body).status, 200);
    assert_eq!(jobset_names(&c, "decl"), ["alpha", "beta", "gamma"]);
    assert!(c.get("/project/decl").json().get("declarative").is_none());
    let r = c.put_json("/jobset/decl/alpha", &js);
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn generated_spec_is_built_by_nix_and_applied() {
    let (state, admin) = admin_state("decl-generated");
    let base = state.path().join("repos");
    let (repo, src) = (base.join("decl"), base.join("src"));
    write_file(&src, "release.nix", "{ ... }: { }\n");
    git(&base, &["init", "-q", "decl"]);
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    let nonce = format!("{:x}", u64::from_le_bytes(b));
    // Hydra's generated case: the spec is `.jobsets`' own configuration...
    let project_json = json!({
        "enabled": 1, "hidden": false, "description": "generator",
        "nixexprinput": "declInput", "nixexprpath": "generator.nix",
        "checkinterval": 0, "schedulingshares": 100, "keepnr": 3,
        "inputs": {"nonce": {"type": "string", "value": nonce}}
    });
    write_file(&repo, "project.json", &project_json.to_string());
    // ...and its job `jobsets` writes the jobsets' spec into $out.
    let generator = |desc: &str| {
        format!(
            r#"{{ declInput, projectName, nonce, ... }}:
{{
  jobsets = derivation {{
    name = "jobsets";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "printf '%s' \"$spec\" > $out" ];
    inherit nonce;
    spec = builtins.toJSON {{
      gen-a = {{
        description = "{desc} of ${{projectName}}";
        nixexprinput = "src"; nixexprpath = "release.nix"; checkinterval = 0;
        inputs.src = {{ type = "path"; value = "{src}"; }};
      }};
    }};
  }};
}}
"#,
            src = src.display()
        )
    };
    commit(&repo, "generator.nix", &generator("generated"), "generator");
    let srv = Server::builder(state.path())
        .config(&format!("allowed_path_inputs = {}\n", base.display()))
        .start();
    let c = srv.client().with_bearer(&admin);
    let mut body = project_body("Gen");
    body["declarative"] =
        json!({"file": "project.json", "type": "git", "value": repo.display().to_string()});
    let r = c.put_json("/project/gen", &body);
    assert_eq!(r.status, 201, "{}", r.body);
    wait_for("the generated jobset", WAIT, &srv, || {
        (jobset_names(&c, "gen") == [".jobsets", "gen-a"]).then_some(())
    });
    assert_eq!(
        c.get("/jobset/gen/gen-a").json()["description"],
        "generated of gen"
    );
    let meta = c.get("/jobset/gen/.jobsets").json();
    assert_eq!(meta["nixexprpath"], "generator.nix");
    assert_eq!(meta["inputs"]["projectName"]["value"], "gen");
    assert_eq!(
        meta["inputs"]["declInput"]["value"],
        repo.display().to_string()
    );
    assert_eq!(c.get("/project/gen").json()["declerror"], "");

    // A new generator: a new `jobsets` build, whose output replaces the spec.
    commit(&repo, "generator.nix", &generator("regenerated"), "again");
    let r = c.post_json("/api/push?jobsets=gen:.jobsets", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    wait_for("the regenerated jobset", WAIT, &srv, || {
        let d = c.get("/jobset/gen/gen-a").json();
        (d["description"] == "regenerated of gen").then_some(())
    });

    // A generator whose output is no spec: refused, shown, the jobsets kept.
    let broken = generator("broken").replace("printf '%s' \\\"$spec\\\"", "echo not-json");
    assert!(broken.contains("echo not-json"), "{broken}");
    commit(&repo, "generator.nix", &broken, "broken");
    let r = c.post_json("/api/push?jobsets=gen:.jobsets", &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let p = wait_for("the refused output", WAIT, &srv, || {
        let v = c.get("/project/gen").json();
        v["declerror"]
            .as_str()
            .is_some_and(|e| e.contains("build") && e.contains("not valid JSON"))
            .then_some(v)
    });
    assert!(p["declerror"]
        .as_str()
        .unwrap()
        .contains("the output of the `jobsets` build"));
    assert_eq!(jobset_names(&c, "gen"), [".jobsets", "gen-a"]);
    assert_eq!(
        c.get("/jobset/gen/gen-a").json()["description"],
        "regenerated of gen"
    );
}
