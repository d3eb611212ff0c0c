//! Hostile values from evaluation and jobset settings: the reproduce scripts run by a real
//! `/bin/sh` (with harmless stubs for nix-store, nix-build and git) run no injected command;
//! evaluation with real Nix turns bad job names, drv paths and output paths into per-job
//! errors; the queue runner never roots a path outside the store.
mod common;

use common::TempDir;
use hydrant::app::App;
use hydrant::db::{self, Build, Jobset, JobsetInput, NewJob};
use hydrant::eval::{self, EvalOutcome};
use hydrant::nix::cli::NixCli;
use hydrant::queue;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A sandbox for running a generated script: stubs on PATH that record their argv (one file
/// per call, arguments NUL-separated), a marks dir that injected commands would write into,
/// and an empty working directory.
struct Sandbox {
    _dir: TempDir,
    bin: PathBuf,
    calls: PathBuf,
    marks: PathBuf,
    cwd: PathBuf,
    tmp: PathBuf,
}

impl Sandbox {
    fn new(tag: &str) -> Sandbox {
        let dir = TempDir::new(tag);
        let p = |n: &str| {
            let d = dir.path().join(n);
            std::fs::create_dir_all(&d).unwrap();
            d
        };
        let (bin, calls, marks, cwd, tmp) = (p("bin"), p("calls"), p("marks"), p("cwd"), p("tmp"));
        for tool in ["nix-store", "nix-build", "nix-instantiate", "git"] {
            let f = bin.join(tool);
            std::fs::write(
                &f,
                "#!/bin/sh\nf=\"$CALLS/${0##*/}.$$\"\n: > \"$f\"\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$f\"; done\nexit 0\n",
            )
            .unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        Sandbox {
            _dir: dir,
            bin,
            calls,
            marks,
            cwd,
            tmp,
        }
    }

    /// A command that creates a mark file if it ever runs.
    fn payload(&self, n: u32) -> String {
        format!("touch {}/PWNED-{n}", self.marks.display())
    }

    /// The same without spaces (for values that are split into words, like `URL BRANCH`).
    fn payload_word(&self, n: u32) -> String {
        format!("touch${{IFS}}{}/PWNED-{n}", self.marks.display())
    }

    /// Runs the script with `/bin/sh` (at most 20 s); returns (exit ok, stderr).
    fn run(&self, script: &str) -> (bool, String) {
        let path = self.tmp.join("script.sh");
        std::fs::write(&path, script).unwrap();
        let mut child = Command::new("/bin/sh")
            .arg(&path)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", self.bin.display()))
            .env("CALLS", &self.calls)
            .env("HOME", &self.tmp)
            .env("TMPDIR", &self.tmp)
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                panic!("the script did not finish in 20 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut err = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status.success(), err)
    }

    /// Files an injected command made: marks, and anything new in the working directory.
    fn injected(&self) -> Vec<String> {
        let mut v = Vec::new();
        for d in [&self.marks, &self.cwd] {
            for e in std::fs::read_dir(d).unwrap() {
                v.push(e.unwrap().path().display().to_string());
            }
        }
        v
    }

    /// The argv of each call of `tool`.
    fn calls(&self, tool: &str) -> Vec<Vec<String>> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(&self.calls).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.rsplit_once('.').map(|(t, _)| t) == Some(tool) {
                let raw = std::fs::read(&p).unwrap();
                let args = raw
                    .split(|&c| c == 0)
                    .filter(|a| !a.is_empty())
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                v.push(args);
            }
        }
        v
    }
}

const HASH: &str = "xcp9cav49dmsjbwdjlmkjxj10gkpx553";

fn build(job: &str) -> Build {
    Build {
        id: 7,
        project: "p".into(),
        jobset: "j".into(),
        job: job.into(),
        system: "x86_64-linux".into(),
        drvpath: format!("/nix/store/{HASH}-x.drv"),
        timeout: 10,
        maxsilent: 5,
        ..Default::default()
    }
}

#[test]
fn the_harness_catches_an_unquoted_value() {
    // The old script put the job name into a comment: a newline in it started a command.
    let sb = Sandbox::new("sh-control");
    let job = format!("a\n{}\ntouch PWNED\n", sb.payload(0));
    let script =
        format!("#!/bin/sh\n# Reproduce build 7 (p:j:{job}, x86_64-linux) locally.\nset -eu\n");
    sb.run(&script);
    assert_eq!(sb.injected().len(), 2, "{:?}", sb.injected());
}

#[test]
fn build_script_runs_no_injected_command() {
    let nix = NixCli::default();
    let sb = Sandbox::new("sh-build");
    // A job name that is not one is refused outright (the web answers 409).
    let hostile = format!("a\n{}\ntouch PWNED\n", sb.payload(1));
    let e = queue::reproduce_script(&build(&hostile), &nix).unwrap_err();
    assert!(e.contains("invalid job name"), "{e}");
    let mut b = build("x");
    b.drvpath = "--help".into();
    assert!(queue::reproduce_script(&b, &nix).is_err());
    b.drvpath = format!("/nix/store/{HASH}-x");
    assert!(queue::reproduce_script(&b, &nix)
        .unwrap_err()
        .contains("not a derivation"));

    // Every other value is quoted: a valid job name with a quote, and hostile project,
    // jobset and system strings (older records, or fields evaluation does not name-check).
    let mut b = build("it's.a-job");
    b.project = format!("$({})", sb.payload(2));
    b.jobset = format!("`{}`\n{}\n", sb.payload(3), sb.payload(4));
    b.system = format!("x'; {}; '\ntouch PWNED", sb.payload(5));
    let script = queue::reproduce_script(&b, &nix).unwrap();
    let (ok, err) = sb.run(&script);
    assert!(ok, "{err}");
    assert!(sb.injected().is_empty(), "{:?}\n{script}", sb.injected());
    let realise: Vec<_> = sb
        .calls("nix-store")
        .into_iter()
        .filter(|a| a[0] == "--realise")
        .collect();
    assert_eq!(realise, vec![vec!["--realise", "--", &b.drvpath]]);
    assert!(err.contains(&b.system), "values arrive intact: {err}");
    assert!(err.contains("it's.a-job"), "{err}");
}

fn input(name: &str, kind: &str, value: &str) -> JobsetInput {
    JobsetInput {
        name: name.into(),
        kind: kind.into(),
        value: value.into(),
        emailresponsible: false,
    }
}

#[test]
fn jobset_script_runs_no_injected_command() {
    use hydrant::web::pages::reproduce_script;
    let sb = Sandbox::new("sh-jobset");
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.nixexprpath = format!("ci/'$({})'.nix", sb.payload(1));
    let s_value = format!(
        "$({})\n`{}`\n'; {}; '",
        sb.payload(2),
        sb.payload(3),
        sb.payload(4)
    );
    let inputs = vec![
        input("src", "path", &format!("/tmp/x'$({})'", sb.payload(5))),
        input(
            "repo",
            "git",
            &format!(
                "--upload-pack={} x'$({})'",
                sb.payload_word(6),
                sb.payload_word(7)
            ),
        ),
        input("s", "string", &s_value),
        input("n", "nix", &format!("\"'; {}; '\"", sb.payload(8))),
        input("b", "boolean", "true"),
    ];
    let script = reproduce_script(&js, &inputs).unwrap();
    let (ok, err) = sb.run(&script);
    assert!(ok, "{err}\n{script}");
    assert!(sb.injected().is_empty(), "{:?}\n{script}", sb.injected());
    // git: the URL comes after `--`, so it can never be an option.
    let git = sb.calls("git");
    assert_eq!(git.len(), 1);
    let url_at = git[0]
        .iter()
        .position(|a| a.starts_with("--upload-pack"))
        .unwrap();
    assert_eq!(git[0][url_at - 1], "--", "{:?}", git[0]);
    assert_eq!(
        git[0][url_at - 2],
        format!("x'$({})'", sb.payload_word(7)),
        "the branch"
    );
    // nix-build gets every value as one intact argument.
    let nb = sb.calls("nix-build");
    assert_eq!(nb.len(), 1);
    let a = &nb[0];
    assert!(a[0].ends_with(&js.nixexprpath), "{a:?}");
    assert!(
        a.windows(3)
            .any(|w| w == ["--argstr", "s", s_value.as_str()]),
        "{a:?}"
    );
    assert!(a.windows(3).any(|w| w == ["--arg", "b", "true"]), "{a:?}");
    // Path inputs reach Nix through the environment, never as Nix code.
    assert!(
        a.windows(3).any(|w| w[0] == "--arg"
            && w[1] == "src"
            && w[2].contains("builtins.getEnv")
            && !w[2].contains("PWNED")),
        "{a:?}"
    );

    // Names that are not names (an old record) get no script at all.
    let mut bad = inputs.clone();
    bad[4].name = "b; touch PWNED".into();
    assert!(reproduce_script(&js, &bad).is_err());
    let mut nul = inputs.clone();
    nul[2].value = "a\0b".into();
    assert!(reproduce_script(&js, &nul).is_err());
}

// ---------- evaluation with real Nix ----------

fn app(dir: &Path) -> Arc<App> {
    let app = common::open_app(&dir.join("state"), "max_jobs = 1");
    common::ensure_project(&app.db, "p");
    app
}

fn nonce() -> String {
    let mut b = [0u8; 8];
    getrandom::getrandom(&mut b).unwrap();
    format!("{:x}", u64::from_le_bytes(b))
}

#[test]
fn hostile_jobs_become_eval_errors() {
    let dir = TempDir::new("sec-eval");
    let app = app(dir.path());
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let n = nonce();
    std::fs::write(
        src.join("release.nix"),
        format!(
            r#"let good = derivation {{ name = "good-{n}"; builder = "/bin/sh";
    args = [ "-c" "echo > $out" ]; system = builtins.currentSystem; }};
in {{
  inherit good;
  "a\ntouch PWNED\n" = good;
  "bad name" = good;
  "dot.ted" = good;
  nest = {{ "x.y" = good; }};
  help = {{ type = "derivation"; name = "x"; system = "x86_64-linux"; drvPath = "--help"; outPath = "/etc"; }};
  etc = {{ type = "derivation"; name = "x"; system = builtins.currentSystem; drvPath = good.drvPath; outPath = "/etc"; }};
  outside = {{ type = "derivation"; name = "x"; system = "x86_64-linux"; drvPath = "/tmp/{HASH}-x.drv"; outPath = good.outPath; }};
  sys = good // {{ system = "x86_64-linux\n; rm -rf /"; }};
}}"#
        ),
    )
    .unwrap();
    let mut js = Jobset::new("p", "j");
    js.nixexprinput = "src".into();
    js.checkinterval = 0;
    app.db
        .put_jobset(&js, &[input("src", "path", src.to_str().unwrap())])
        .unwrap();
    let ev = match eval::evaluate_jobset(&app, "p", "j", false).unwrap() {
        EvalOutcome::Evaluated(e) => e,
        other => panic!("expected an eval: {other:?}"),
    };
    let builds = app.db.eval_builds(ev.id).unwrap();
    let jobs: Vec<_> = builds.iter().map(|(b, _)| b.job.as_str()).collect();
    assert_eq!(jobs, ["good"], "{:?}", ev.job_errors);
    let e = &ev.job_errors;
    assert_eq!(e.len(), 8, "{e:?}");
    // A dot in an attribute name: skipped as Hydra skips it, but as an error one can see.
    for k in [r#""dot.ted""#, r#"nest."x.y""#] {
        assert!(e[k].contains("has a dot in its name"), "{k}: {e:?}");
    }
    assert!(
        e[r#""a\ntouch PWNED\n""#].contains("invalid job name"),
        "{e:?}"
    );
    assert!(e[r#""bad name""#].contains("invalid job name"), "{e:?}");
    assert!(e["help"].contains("invalid drvPath"), "{e:?}");
    assert!(e["etc"].contains("invalid path of output `out`"), "{e:?}");
    assert!(e["outside"].contains("invalid drvPath"), "{e:?}");
    assert!(e["sys"].contains("invalid system"), "{e:?}");
    assert_eq!(app.db.queued_build_ids().unwrap().len(), 1);
}

/// The runner's second line of defence, for records that never went through evaluation's
/// checks (older databases): a drv path that is not a store path is not run, and an output
/// outside the store gets no GC root.
#[test]
fn runner_roots_and_runs_only_store_paths() {
    let dir = TempDir::new("sec-runner");
    let app = app(dir.path());
    app.db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
    let n = nonce();
    let file = dir.path().join("one.nix");
    std::fs::write(
        &file,
        format!(
            r#"derivation {{ name = "sec-{n}"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ];
  system = builtins.currentSystem; }}"#
        ),
    )
    .unwrap();
    let drv = common::nix_run("nix-instantiate", &[file.to_str().unwrap()]);
    let sys = hydrant::config::local_system().to_string();
    let job = |name: &str, drvpath: &str, out: &str| NewJob {
        job: name.into(),
        drvpath: drvpath.into(),
        system: sys.clone(),
        nixname: name.into(),
        outputs: [("out".to_string(), out.to_string())].into_iter().collect(),
        priority: 100,
        ..Default::default()
    };
    let names = ["etc", "help"];
    let (_, ids) = common::record_eval(
        &app.db,
        "p",
        "j",
        vec![job("etc", &drv, "/etc"), job("help", "--help", "/tmp")],
    );
    let ids: Vec<(String, u64)> = names.iter().map(|n| n.to_string()).zip(ids).collect();
    let h = queue::spawn(app.clone());
    app.queue_wake.notify();
    let start = Instant::now();
    let done = loop {
        let bs: Vec<Build> = ids
            .iter()
            .map(|(_, id)| app.db.build(*id).unwrap().unwrap())
            .collect();
        if bs.iter().all(|b| b.finished) {
            break bs;
        }
        assert!(start.elapsed() < Duration::from_secs(90), "{bs:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    app.shutdown();
    h.join().unwrap();
    let by_job = |j: &str| done.iter().find(|b| b.job == j).unwrap();
    assert_eq!(by_job("etc").buildstatus, Some(db::status::SUCCEEDED));
    let help = by_job("help");
    assert_eq!(help.buildstatus, Some(db::status::ABORTED), "{help:?}");
    assert!(
        help.errormsg.as_deref().unwrap_or("").contains("drvPath"),
        "{help:?}"
    );
    let roots = app.config.gcroots_dir().join("p").join("j");
    let links: Vec<_> = std::fs::read_dir(&roots)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(links.is_empty(), "no root outside the store: {links:?}");
}

/// Through the web: a build record with a name that is not a job name (an older database)
/// gets a 409 naming the problem, not a script; a good one gets the script.
#[test]
fn web_refuses_scripts_for_hostile_records() {
    use hydrant::web::{server::respond_to, Request};
    let dir = TempDir::new("sec-web-script");
    let app = app(dir.path());
    app.db.put_jobset(&Jobset::new("p", "j"), &[]).unwrap();
    let job = |name: &str| NewJob {
        job: name.into(),
        drvpath: format!("/nix/store/{HASH}-{}.drv", name.len()),
        system: "mips64-plan9".into(),
        priority: 100,
        ..Default::default()
    };
    let (ev, _) = common::record_eval(
        &app.db,
        "p",
        "j",
        vec![job("a\ntouch PWNED\n"), job("fine")],
    );
    for (b, _) in app.db.eval_builds(ev.id).unwrap() {
        let req = Request {
            method: "GET".into(),
            path: format!("/build/{}/reproduce", b.id),
            headers: vec![("host".into(), "x".into())],
            ..Default::default()
        };
        let r = respond_to(&app, &req);
        let body = String::from_utf8_lossy(&r.body).into_owned();
        if b.job == "fine" {
            assert_eq!(r.status, 200, "{body}");
            assert!(body.starts_with("#!/bin/sh"), "{body}");
        } else {
            assert_eq!(r.status, 409, "{body}");
            assert!(body.contains("invalid job name"), "{body}");
            assert!(!body.contains("#!/bin/sh"), "{body}");
        }
    }
}
