//! Declarative projects (Hydra's `declfile`/`decltype`/`declvalue`): the project's jobsets are
//! those of a JSON spec in a git or path input, not the UI's.
//!
//! A declarative project has a jobset `.jobsets`, created when the project is saved, with the
//! declarative input as its input `declInput` (so its check interval, Evaluate and
//! `/api/push?repos=URL` work as for any jobset). Evaluating it fetches that input and reads
//! the spec file:
//! - an object of objects is the **static** case: `{"NAME": {jobset fields…}}`, applied at once;
//! - any other object is the **generated** case: the configuration of `.jobsets` itself, which
//!   is then evaluated as a jobset (with `declInput` and `projectName` as inputs); its job
//!   `jobsets` builds the spec, applied when that build succeeds (`build_finished`).
//!
//! Every jobset of a spec is parsed by the web's `jobset_from_params` (one parser for the API,
//! the forms and specs), its local-path inputs checked against `allowed_path_inputs` (a spec is
//! repository content, so no admin stands behind it), and the whole spec applied in one
//! transaction (`Db::apply_declarative`). Any error is stored on the project, shown on its page
//! and in its JSON, and changes nothing. A jobset the spec no longer names is disabled and
//! hidden with its history, as in Hydra; naming it again brings it back.

use super::inputs::{self, FetchCtx};
use super::run::cap_text;
use super::{EvalError, EvalOutcome};
use crate::app::App;
use crate::db::{self, decl::DeclJobset, DbError, Jobset, JobsetInput, Project, DECL_JOBSET};
use crate::web::api::{jobset_from_params, Params};
use serde_json::{Map, Value};
use std::io::Read;
use std::path::{Component, Path};

/// Largest spec file (or `jobsets` build output) read.
pub const MAX_SPEC_BYTES: u64 = 1 << 20;

/// The keys a jobset spec may have (Hydra's, plus hydrant's `visible`); anything else is an
/// error, as in Hydra, so a typo does not pass silently.
const SPEC_KEYS: &[&str] = &[
    "enabled",
    "hidden",
    "visible",
    "type",
    "flake",
    "description",
    "nixexprinput",
    "nixexprpath",
    "checkinterval",
    "schedulingshares",
    "enableemail",
    "enable_dynamic_run_command",
    "emailoverride",
    "keepnr",
    "inputs",
];

/// Reads `rel` inside directory `dir`, refusing paths that climb out (`..`, absolute, or a
/// symlink leading outside), anything but a regular file, and more than `MAX_SPEC_BYTES`.
pub fn read_inside(dir: &Path, rel: &str) -> Result<String, String> {
    let relp = Path::new(rel);
    if rel.is_empty()
        || relp
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "the spec file `{rel}` must be a relative path inside the input"
        ));
    }
    let root = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = std::fs::canonicalize(root.join(relp))
        .map_err(|e| format!("cannot read the spec file `{rel}`: {e}"))?;
    if !file.starts_with(&root) {
        return Err(format!(
            "the spec file `{rel}` leads outside the input (a symlink to {})",
            file.display()
        ));
    }
    read_capped(&file).map_err(|e| format!("the spec file `{rel}` {e}"))
}

/// A regular file's text, at most `MAX_SPEC_BYTES`.
/// A symlink is refused, never followed: a `jobsets` build's `$out` may be a link to any
/// file hydrant can read.
fn read_capped(file: &Path) -> Result<String, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let meta = std::fs::symlink_metadata(file).map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.len() > MAX_SPEC_BYTES {
        return Err(format!(
            "is {} bytes, more than the {MAX_SPEC_BYTES} bytes a spec may have",
            meta.len()
        ));
    }
    let mut buf = Vec::new();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(file)
        .and_then(|f| f.take(MAX_SPEC_BYTES + 1).read_to_end(&mut buf))
        .map_err(|e| format!("cannot be read: {e}"))?;
    if buf.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!(
            "is more than the {MAX_SPEC_BYTES} bytes a spec may have"
        ));
    }
    String::from_utf8(buf).map_err(|_| "is not UTF-8".into())
}

/// A spec's text as a JSON object.
fn parse_object(text: &str, what: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(format!("{what} is not a JSON object")),
        Err(e) => Err(format!("{what} is not valid JSON: {e}")),
    }
}

/// Whether a spec is static (Hydra: an object whose values are all objects).
fn is_static(spec: &Map<String, Value>) -> bool {
    spec.values().all(Value::is_object)
}

/// One jobset of a spec through the API's parser, with Hydra's key check and the local-path
/// rule for its inputs (`skip_input` names an input exempt from it: the project's own).
fn parse_jobset(
    app: &App,
    project: &str,
    name: &str,
    spec: &Map<String, Value>,
    skip_input: Option<&str>,
) -> Result<(Jobset, Vec<JobsetInput>), String> {
    let what = if name == DECL_JOBSET {
        format!("jobset `{DECL_JOBSET}`")
    } else {
        format!("jobset `{name}`")
    };
    let mut unknown: Vec<&str> = spec
        .keys()
        .map(String::as_str)
        .filter(|k| !SPEC_KEYS.contains(k))
        .collect();
    if !unknown.is_empty() {
        unknown.sort_unstable();
        return Err(format!(
            "{what}: unknown keys {} (expected some of: {})",
            unknown.join(", "),
            SPEC_KEYS.join(", ")
        ));
    }
    let params = Params {
        map: spec.clone(),
        form: false,
    };
    // `.jobsets` is no name a user may give; it is parsed under a stand-in and renamed.
    let parse_name = if name == DECL_JOBSET {
        "_jobsets"
    } else {
        name
    };
    let (mut js, inputs) = jobset_from_params(project, parse_name, &params, None)
        .map_err(|e| format!("{what}: {}", e.message))?;
    js.name = name.to_string();
    // A flake in a local repository or directory is a local path like a path input's.
    let flake = crate::eval::flake::local_input(&js.flake);
    for i in inputs.iter().chain(flake.as_ref()) {
        if Some(i.name.as_str()) == skip_input {
            continue;
        }
        inputs::check_local_path(i, &app.config.allowed_path_inputs)
            .map_err(|e| format!("{what}: {e}"))?;
    }
    Ok((js, inputs))
}

/// Every jobset of a static spec, all validated before anything is written.
pub fn parse_static(
    app: &App,
    project: &str,
    spec: &Map<String, Value>,
) -> Result<Vec<(Jobset, Vec<JobsetInput>)>, String> {
    let mut out = Vec::with_capacity(spec.len());
    for (name, v) in spec {
        if !db::valid_name(name) {
            return Err(format!(
                "invalid jobset name {:?}: names start with a letter or `_` and contain only \
                 letters, digits, `_` and `-`",
                cap_text(name, 100)
            ));
        }
        let Value::Object(m) = v else {
            return Err(format!("jobset `{name}` is not an object"));
        };
        out.push(parse_jobset(app, project, name, m, None)?);
    }
    Ok(out)
}

/// Applies parsed jobsets (one transaction; those the spec no longer names are disabled and
/// hidden), then wakes the evaluator and the queue for the new and changed ones.
fn apply(
    app: &App,
    project: &str,
    jobsets: &[(Jobset, Vec<JobsetInput>)],
) -> Result<Result<(), String>, EvalError> {
    match app.db.apply_declarative(project, jobsets) {
        Ok(a) => {
            if a.changed() {
                eprintln!(
                    "hydrant: declarative project `{project}`: created [{}], updated [{}], disabled and hidden [{}]",
                    a.created.join(" "),
                    a.updated.join(" "),
                    a.disabled.join(" ")
                );
                if let Err(e) = crate::queue::jobsets_changed(app) {
                    eprintln!("hydrant: declarative project `{project}`: {e}");
                }
                app.eval_wake.notify();
            }
            Ok(Ok(()))
        }
        Err(DbError::Invalid(m)) => Ok(Err(m)),
        Err(e) => Err(e.into()),
    }
}

/// Records a refused spec on the project (and, when it came from evaluating `.jobsets`, on
/// that jobset too, so its page says it as well).
fn refuse(app: &App, project: &str, msg: &str) -> Result<(), EvalError> {
    let msg = cap_text(msg, app.config.max_eval_error_bytes.max(256));
    eprintln!("hydrant: declarative project `{project}`: spec refused: {msg}");
    app.db.set_decl_error(project, Some(msg))?;
    Ok(())
}

/// The evaluation of `.jobsets` of declarative project `proj`: fetch the declarative input,
/// read the spec, apply it (static) or configure `.jobsets` from it (generated). Some: done (the
/// spec applied, or the error recorded); None: generated, so `.jobsets` is evaluated next.
/// `timestamp` and `seen`: when the eval started, and the jobset's trigger count then.
pub fn refresh(
    app: &App,
    proj: &Project,
    ctx: &FetchCtx,
    timestamp: i64,
    seen: u64,
) -> Result<Option<EvalOutcome>, EvalError> {
    let pn = proj.name.as_str();
    let done = |fetch_error: Option<String>, error: Option<String>| {
        app.db.update_jobset(pn, DECL_JOBSET, move |j| {
            j.lastcheckedtime = Some(timestamp);
            j.end_trigger(seen);
            j.fetcherrormsg = fetch_error;
            if error.is_some() {
                j.errortime = Some(timestamp);
            }
            j.errormsg = error;
        })
    };
    let input = db::decl::decl_input(proj);
    let fetched = match inputs::fetch(&input, ctx) {
        Ok(f) => f,
        Err(e) if e.is_cancelled() => {
            return Ok(Some(EvalOutcome::Skipped(
                "the check of the declarative spec was cancelled".into(),
            )))
        }
        Err(e) => {
            let msg = format!("cannot fetch the declarative input: {e}");
            refuse(app, pn, &msg)?;
            done(Some(cap_text(&msg, ctx.error_cap)), None)?;
            return Ok(Some(EvalOutcome::FetchFailed(msg)));
        }
    };
    let fail = |msg: String| -> Result<Option<EvalOutcome>, EvalError> {
        refuse(app, pn, &msg)?;
        done(None, Some(cap_text(&msg, ctx.error_cap)))?;
        Ok(Some(EvalOutcome::Failed(msg)))
    };
    let Some(root) = fetched.path.as_deref().filter(|p| p.is_dir()) else {
        return fail(format!(
            "the declarative input ({} {}) is not a directory holding the spec file",
            proj.decltype, proj.declvalue
        ));
    };
    let text = match read_inside(root, &proj.declfile) {
        Ok(t) => t,
        Err(m) => return fail(m),
    };
    let spec = match parse_object(&text, &format!("the spec file `{}`", proj.declfile)) {
        Ok(s) => s,
        Err(m) => return fail(m),
    };
    if is_static(&spec) {
        let jobsets = match parse_static(app, pn, &spec) {
            Ok(j) => j,
            Err(m) => return fail(format!("{}: {m}", proj.declfile)),
        };
        if let Err(m) = apply(app, pn, &jobsets)? {
            return fail(format!("{}: {m}", proj.declfile));
        }
        app.db.put_decl_jobset(pn, &DeclJobset::Static)?;
        done(None, None)?;
        return Ok(Some(EvalOutcome::Unchanged));
    }
    // Generated: the spec configures `.jobsets`; `declInput` is its input even if not named.
    let mut spec = spec;
    if let Value::Object(inputs) = spec
        .entry("inputs")
        .or_insert_with(|| Value::Object(Map::new()))
    {
        inputs
            .entry("declInput")
            .or_insert_with(|| serde_json::json!({"type": proj.decltype, "value": proj.declvalue}));
    }
    let parsed = match parse_jobset(app, pn, DECL_JOBSET, &spec, Some("declInput")) {
        Ok(j) => j,
        Err(m) => return fail(format!("{}: {m}", proj.declfile)),
    };
    match app
        .db
        .put_decl_jobset(pn, &DeclJobset::Generated(Box::new(parsed)))
    {
        Ok(_) => Ok(None),
        Err(DbError::Invalid(m)) => fail(format!("{}: {m}", proj.declfile)),
        Err(e) => Err(e.into()),
    }
}

/// A finished build: when it is the `jobsets` job of the newest evaluation of a declarative
/// project's `.jobsets` (generated case) and succeeded, its output is the spec to apply.
pub fn build_finished(app: &App, id: u64) {
    if let Err(e) = apply_build(app, id) {
        eprintln!("hydrant: build {id}: applying its declarative spec: {e}");
    }
}

fn apply_build(app: &App, id: u64) -> Result<(), EvalError> {
    let Some(b) = app.db.build(id)? else {
        return Ok(());
    };
    if b.jobset != DECL_JOBSET || b.job != "jobsets" || !b.finished {
        return Ok(());
    }
    let Some(proj) = app.db.project(&b.project)? else {
        return Ok(());
    };
    if !proj.is_declarative() {
        return Ok(());
    }
    // Only a build of the newest evaluation (its own, or one it reuses) is applied, as Hydra
    // applies only the current one.
    let Some(newest) = app.db.jobset_evals(&b.project, DECL_JOBSET, 0, 1)?.0.pop() else {
        return Ok(());
    };
    if newest.id != b.eval
        && !app
            .db
            .eval_builds(newest.id)?
            .iter()
            .any(|(m, _)| m.id == id)
    {
        return Ok(());
    }
    let pn = proj.name.as_str();
    if b.buildstatus != Some(db::status::SUCCEEDED) {
        return refuse(
            app,
            pn,
            &format!("the `jobsets` build {id} failed, so its spec was not applied"),
        );
    }
    let what = format!("the output of the `jobsets` build {id}");
    let text = match b.outputs.get("out").map(|o| (o, app.nix.parse_path(o))) {
        Some((o, Ok(_))) => match read_capped(Path::new(o)) {
            Ok(t) => t,
            Err(m) => return refuse(app, pn, &format!("{what} {m}")),
        },
        _ => {
            return refuse(
                app,
                pn,
                &format!("{what}: it has no `out` output in the store"),
            )
        }
    };
    let spec = match parse_object(&text, &what) {
        Ok(s) => s,
        Err(m) => return refuse(app, pn, &m),
    };
    let jobsets = match parse_static(app, pn, &spec) {
        Ok(j) => j,
        Err(m) => return refuse(app, pn, &format!("{what}: {m}")),
    };
    if let Err(m) = apply(app, pn, &jobsets)? {
        return refuse(app, pn, &format!("{what}: {m}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_files_stay_inside_their_input() {
        let d = std::env::temp_dir().join(format!("hydrant-declread-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("in/sub")).unwrap();
        std::fs::write(d.join("in/sub/spec.json"), "{}").unwrap();
        std::fs::write(d.join("outside.json"), "{}").unwrap();
        std::os::unix::fs::symlink(d.join("outside.json"), d.join("in/link.json")).unwrap();
        std::fs::write(
            d.join("in/big.json"),
            vec![b' '; MAX_SPEC_BYTES as usize + 1],
        )
        .unwrap();
        let root = d.join("in");
        assert_eq!(read_inside(&root, "sub/spec.json").unwrap(), "{}");
        assert_eq!(read_inside(&root, "./sub/spec.json").unwrap(), "{}");
        for (rel, says) in [
            ("../outside.json", "relative path inside"),
            ("/etc/passwd", "relative path inside"),
            ("", "relative path inside"),
            ("link.json", "leads outside"),
            ("big.json", "more than"),
            ("sub", "not a regular file"),
            ("missing.json", "cannot read"),
        ] {
            let e = read_inside(&root, rel).unwrap_err();
            assert!(e.contains(says), "{rel}: {e}");
        }
        // A build output that is a symlink is not followed.
        let e = read_capped(&d.join("in/link.json")).unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn static_means_an_object_of_objects() {
        let o = |s: &str| parse_object(s, "x").unwrap();
        assert!(is_static(&o(r#"{"a": {}, "b": {}}"#)));
        assert!(is_static(&o("{}")));
        assert!(!is_static(&o(r#"{"enabled": 1, "inputs": {}}"#)));
        assert!(parse_object("[1]", "x")
            .unwrap_err()
            .contains("not a JSON object"));
        assert!(parse_object("{", "x")
            .unwrap_err()
            .contains("not valid JSON"));
    }
}
