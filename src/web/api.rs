//! Hydra's JSON shapes: records out (`*_json`) and request parameters in (`Params`), where a
//! JSON body and an HTML form are read through the same typed accessors so both paths apply
//! the same validation. Pure: values in, values out.

use super::{HttpError, Request};
use crate::db::{self, Build, Eval, Jobset, JobsetInput, Project};
use serde_json::{json, Map, Value};

/// Request parameters from a JSON object body or a urlencoded form.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub map: Map<String, Value>,
    /// From an HTML form: an absent checkbox means false.
    pub form: bool,
}

/// The longest string field taken (a description, an input value, a URL).
pub const MAX_FIELD: usize = 64 * 1024;
/// The longest display name, in characters.
pub const MAX_LABEL: usize = 255;

/// A text field as taken: at most `MAX_FIELD` bytes and no NUL (which no name, text or URL
/// here has a use for, and which C strings downstream would cut). `what` names the field.
fn text(what: &str, s: &str) -> Result<String, HttpError> {
    if s.len() > MAX_FIELD {
        return Err(HttpError::bad_request(format!(
            "{what} is {} bytes long; at most {MAX_FIELD} are taken",
            s.len()
        )));
    }
    if s.contains('\0') {
        return Err(HttpError::bad_request(format!(
            "{what} must not contain a NUL character"
        )));
    }
    Ok(s.to_string())
}

impl Params {
    /// Parses the body: JSON when the content type says so (or it looks like an object), a form
    /// otherwise. Form rows `input-N-{name,type,value,remove}` become the `inputs` object.
    pub fn from_request(
        req: &Request,
        form: Option<&[(String, String)]>,
    ) -> Result<Params, HttpError> {
        if let Some(pairs) = form {
            return Ok(Params::from_form(pairs));
        }
        let body = std::str::from_utf8(&req.body)
            .map_err(|_| HttpError::bad_request("the request body is not UTF-8"))?;
        if body.trim().is_empty() {
            return Err(HttpError::bad_request(
                "the request body is empty (expected a JSON object)",
            ));
        }
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Params { map, form: false }),
            Ok(_) => Err(HttpError::bad_request("malformed JSON: expected an object")),
            Err(e) => Err(HttpError::bad_request(format!("malformed JSON: {e}"))),
        }
    }

    pub fn from_form(pairs: &[(String, String)]) -> Params {
        let mut map = Map::new();
        // row number → (name, type, value, remove)
        let mut rows: std::collections::BTreeMap<u32, [String; 4]> = Default::default();
        for (k, v) in pairs {
            if let Some(rest) = k.strip_prefix("input-") {
                if let Some((n, field)) = rest.split_once('-') {
                    if let Ok(n) = n.parse::<u32>() {
                        let row = rows.entry(n).or_default();
                        let i = match field {
                            "name" => 0,
                            "type" => 1,
                            "value" => 2,
                            "remove" => 3,
                            _ => continue,
                        };
                        row[i] = v.clone();
                        continue;
                    }
                }
            }
            map.insert(k.clone(), Value::String(v.clone()));
        }
        if !rows.is_empty() || map.contains_key("nixexprinput") {
            let mut inputs = Map::new();
            for [name, kind, value, remove] in rows.into_values() {
                let name = name.trim().to_string();
                if name.is_empty() || !remove.is_empty() {
                    continue;
                }
                inputs.insert(name, json!({"type": kind, "value": value}));
            }
            map.insert("inputs".into(), Value::Object(inputs));
        }
        Params { map, form: true }
    }

    /// A string field, checked by `text`.
    pub fn str(&self, key: &str) -> Result<Option<String>, HttpError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => text(&format!("`{key}`"), s).map(Some),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(HttpError::bad_request(format!("`{key}` must be a string"))),
        }
    }

    /// A required one-line label (a display name): at most `MAX_LABEL` characters.
    pub fn required_label(&self, key: &str) -> Result<String, HttpError> {
        let s = self.required_str(key)?;
        if s.chars().count() > MAX_LABEL || s.contains(['\n', '\r']) {
            return Err(HttpError::bad_request(format!(
                "`{key}` must be one line of at most {MAX_LABEL} characters"
            )));
        }
        Ok(s)
    }

    pub fn required_str(&self, key: &str) -> Result<String, HttpError> {
        match self.str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            _ => Err(HttpError::bad_request(format!("missing field `{key}`"))),
        }
    }

    pub fn bool(&self, key: &str, default: bool) -> Result<bool, HttpError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(if self.form { false } else { default }),
            Some(v) => parse_bool(v).ok_or_else(|| {
                HttpError::bad_request(format!("`{key}` must be a boolean, not {v}"))
            }),
        }
    }

    /// A non-negative integer (JSON number or numeric string).
    pub fn int(&self, key: &str, default: i64) -> Result<i64, HttpError> {
        let bad =
            |v: &Value| HttpError::bad_request(format!("`{key}` must be an integer, not {v}"));
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(default),
            Some(v @ Value::Number(n)) => n.as_i64().ok_or_else(|| bad(v)),
            Some(v @ Value::String(s)) => s.trim().parse().map_err(|_| bad(v)),
            Some(v) => Err(bad(v)),
        }
    }
}

/// Hydra's boolean spellings: JSON booleans, 0/1, and form values.
pub fn parse_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "on" | "yes" => Some(true),
            "0" | "false" | "off" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn check_name(what: &str, name: &str) -> Result<(), HttpError> {
    if db::valid_name(name) {
        Ok(())
    } else {
        Err(HttpError::bad_request(format!(
            "invalid {what} name `{name}`: names start with a letter or `_` and contain only letters, digits, `_` and `-`"
        )))
    }
}

/// The project a PUT/form describes. Bookkeeping fields come from `existing`.
pub fn project_from_params(
    name: &str,
    p: &Params,
    existing: Option<&Project>,
    creator: &str,
) -> Result<Project, HttpError> {
    check_name("project", name)?;
    let owner = match p.str("owner")? {
        Some(o) if !o.trim().is_empty() => o.trim().to_string(),
        _ => existing
            .map(|e| e.owner.clone())
            .unwrap_or_else(|| creator.to_string()),
    };
    let homepage = p.str("homepage")?.unwrap_or_default().trim().to_string();
    if !homepage.is_empty() && !super::is_web_url(&homepage) {
        return Err(HttpError::bad_request(format!(
            "`homepage` must be an http:// or https:// URL, not {homepage:?}"
        )));
    }
    let (declfile, decltype, declvalue) = declarative_from_params(p, existing)?;
    Ok(Project {
        declfile,
        decltype,
        declvalue,
        declerror: existing.and_then(|e| e.declerror.clone()),
        name: name.to_string(),
        displayname: p.required_label("displayname")?,
        description: p.str("description")?.unwrap_or_default(),
        homepage,
        owner,
        enabled: p.bool("enabled", true)?,
        visible: match p.map.get("hidden") {
            Some(h) if !p.map.contains_key("visible") => !parse_bool(h)
                .ok_or_else(|| HttpError::bad_request("`hidden` must be a boolean"))?,
            _ => p.bool("visible", true)?,
        },
        created: existing.map(|e| e.created).unwrap_or_else(db::now),
        allowed_uris: match p.map.get("allowed_uris") {
            None | Some(Value::Null) => {
                existing.map(|e| e.allowed_uris.clone()).unwrap_or_default()
            }
            Some(v) => parse_uris(v)?,
        },
        // Absent means unchanged (an owner's form does not show it); the admin's form sends a
        // hidden `0` before the checkbox, so unchecking it arrives as false.
        unrestricted: match p.map.get("unrestricted") {
            None | Some(Value::Null) => existing.is_some_and(|e| e.unrestricted),
            Some(v) => parse_bool(v)
                .ok_or_else(|| HttpError::bad_request("`unrestricted` must be a boolean"))?,
        },
    })
}

/// A declarative project's input: Hydra's `declarative: {file, type, value}` (JSON), or the
/// form's `declfile`, `decltype`, `declvalue`. Absent means unchanged; an empty file makes the
/// project an ordinary one again (Hydra then clears type and value too).
fn declarative_from_params(
    p: &Params,
    existing: Option<&Project>,
) -> Result<(String, String, String), HttpError> {
    let field = |obj: Option<&Map<String, Value>>, k: &str, flat: &str| {
        let v = match obj {
            Some(o) => o.get(k),
            None => p.map.get(flat),
        };
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(HttpError::bad_request(format!(
                "`declarative.{k}` must be a string"
            ))),
        }
    };
    let obj = match p.map.get("declarative") {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some(o),
        Some(_) => {
            return Err(HttpError::bad_request(
                "`declarative` must be an object {file, type, value}",
            ))
        }
    };
    let file = field(obj, "file", "declfile")?;
    let kind = field(obj, "type", "decltype")?;
    let value = field(obj, "value", "declvalue")?;
    let Some(file) = file else {
        return Ok(existing
            .map(|e| (e.declfile.clone(), e.decltype.clone(), e.declvalue.clone()))
            .unwrap_or_default());
    };
    if file.is_empty() {
        return Ok(Default::default());
    }
    if file.starts_with('/')
        || file
            .split('/')
            .any(|c| c == ".." || c.chars().any(char::is_control))
    {
        return Err(HttpError::bad_request(format!(
            "`declfile`: the spec file must be a relative path inside the input, not {file:?}"
        )));
    }
    let kind = kind.unwrap_or_default();
    if !matches!(kind.as_str(), "git" | "path") {
        return Err(HttpError::bad_request(format!(
            "`decltype`: the declarative input must be of type git or path, not {kind:?}"
        )));
    }
    let value = value.unwrap_or_default();
    if value.is_empty() {
        return Err(HttpError::bad_request(
            "`declvalue`: the declarative input needs a value (a git URL [branch] or a path)",
        ));
    }
    Ok((file, kind, value))
}

/// `allowed_uris`: a JSON list of URI prefixes, or one string of them separated by spaces.
fn parse_uris(v: &Value) -> Result<Vec<String>, HttpError> {
    let bad = || {
        HttpError::bad_request(
            "`allowed_uris` must be a list of URI prefixes (or one string of them, space-separated)",
        )
    };
    let items: Vec<String> = match v {
        Value::String(s) => s.split_whitespace().map(String::from).collect(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().map(|s| s.trim().to_string()).ok_or_else(bad))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad()),
    };
    for u in &items {
        if u.is_empty() || u.contains(char::is_whitespace) || !u.contains(':') {
            return Err(HttpError::bad_request(format!(
                "`allowed_uris`: `{u}` is not a URI prefix (such as https://github.com/org/)"
            )));
        }
    }
    Ok(items)
}

fn input_value(name: &str, v: &Value) -> Result<String, HttpError> {
    match v {
        Value::String(s) => text(&format!("input `{name}`: `value`"), s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err(HttpError::bad_request(format!(
            "input `{name}`: `value` must be a string"
        ))),
    }
}

/// The jobset and its complete new input list from a PUT/form. Everything is validated here,
/// before any write, so a bad request changes nothing.
pub fn jobset_from_params(
    project: &str,
    name: &str,
    p: &Params,
    existing: Option<&Jobset>,
) -> Result<(Jobset, Vec<JobsetInput>), HttpError> {
    check_name("jobset", name)?;
    let mut js = existing
        .cloned()
        .unwrap_or_else(|| Jobset::new(project, name));
    js.project = project.to_string();
    js.name = name.to_string();
    js.description = p.str("description")?.unwrap_or_default();
    // Hydra's `type`: 0 legacy (a release expression in an input), 1 flake.
    js.jobset_type = match p.map.get("type") {
        None | Some(Value::Null) => db::JOBSET_LEGACY,
        Some(v) => {
            let n = match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => match s.trim() {
                    "legacy" => Some(0),
                    "flake" => Some(1),
                    s => s.parse().ok(),
                },
                _ => None,
            };
            match n {
                Some(0) => db::JOBSET_LEGACY,
                Some(1) => db::JOBSET_FLAKE,
                _ => {
                    return Err(HttpError::bad_request(format!(
                    "`type` must be 0 (legacy: a Nix expression in an input) or 1 (flake), not {v}"
                )))
                }
            }
        }
    };
    if js.jobset_type == db::JOBSET_FLAKE {
        let flake = p.str("flake")?.unwrap_or_default().trim().to_string();
        crate::eval::flake::check_flake_ref(&flake).map_err(HttpError::bad_request)?;
        js.flake = flake;
        js.nixexprinput = String::new();
        js.nixexprpath = String::new();
    } else {
        js.flake = String::new();
        js.nixexprinput = p.required_str("nixexprinput")?;
        js.nixexprpath = p.required_str("nixexprpath")?;
    }
    if js.nixexprpath.starts_with('/') || js.nixexprpath.split('/').any(|c| c == "..") {
        return Err(HttpError::bad_request(format!(
            "`nixexprpath` must be a relative path inside the input, not `{}`",
            js.nixexprpath
        )));
    }
    js.enabled = match p.map.get("enabled") {
        None | Some(Value::Null) => db::JOBSET_ENABLED,
        Some(Value::Bool(b)) => u8::from(*b),
        Some(v) => {
            let n = match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            match n {
                Some(n @ 0..=3) => n as u8,
                _ => {
                    return Err(HttpError::bad_request(format!(
                        "`enabled` must be 0 (disabled), 1 (enabled), 2 (one-shot) or 3 (one-at-a-time), not {v}"
                    )))
                }
            }
        }
    };
    js.visible = match p.map.get("hidden") {
        Some(h) if !p.map.contains_key("visible") => {
            !parse_bool(h).ok_or_else(|| HttpError::bad_request("`hidden` must be a boolean"))?
        }
        _ => p.bool("visible", true)?,
    };
    let checkinterval = p.int("checkinterval", 300)?;
    if checkinterval < 0 {
        return Err(HttpError::bad_request(
            "`checkinterval` must not be negative",
        ));
    }
    js.checkinterval = checkinterval as u64;
    let shares = p.int("schedulingshares", 100)?;
    if shares <= 0 || shares > u32::MAX as i64 {
        return Err(HttpError::bad_request(format!(
            "`schedulingshares` must be a positive number, not {shares}"
        )));
    }
    js.schedulingshares = shares as u32;
    let keepnr = p.int("keepnr", 3)?;
    if keepnr < 0 || keepnr > u32::MAX as i64 {
        return Err(HttpError::bad_request("`keepnr` must not be negative"));
    }
    js.keepnr = keepnr as u32;
    js.enableemail = p.bool("enableemail", false)?;
    js.emailoverride = p.str("emailoverride")?.unwrap_or_default();

    let mut inputs = Vec::new();
    match p.map.get("inputs") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (iname, spec) in m {
                let Value::Object(spec) = spec else {
                    return Err(HttpError::bad_request(format!(
                        "input `{iname}` must be an object with `type` and `value`"
                    )));
                };
                let kind = match spec.get("type") {
                    Some(Value::String(s)) => s.clone(),
                    _ => {
                        return Err(HttpError::bad_request(format!(
                            "input `{iname}` is missing field `type`"
                        )))
                    }
                };
                let mut value = input_value(iname, spec.get("value").unwrap_or(&Value::Null))?;
                if kind == "boolean" {
                    value = match parse_bool(&Value::String(value.clone())) {
                        Some(b) => b.to_string(),
                        None => value,
                    };
                }
                let emailresponsible = match spec.get("emailresponsible") {
                    None | Some(Value::Null) => false,
                    Some(v) => parse_bool(v).ok_or_else(|| {
                        HttpError::bad_request(format!(
                            "input `{iname}`: `emailresponsible` must be a boolean"
                        ))
                    })?,
                };
                let input = JobsetInput {
                    name: iname.clone(),
                    kind,
                    value,
                    emailresponsible,
                };
                input.validate()?;
                inputs.push(input);
            }
        }
        Some(_) => {
            return Err(HttpError::bad_request(
                "`inputs` must be an object {NAME: {type, value}}",
            ))
        }
    }
    if js.jobset_type == db::JOBSET_FLAKE {
        return Ok((js, inputs));
    }
    check_name("input", &js.nixexprinput)?;
    if !inputs.iter().any(|i| i.name == js.nixexprinput) {
        return Err(HttpError::bad_request(format!(
            "`nixexprinput` names `{}`, which is not one of the jobset's inputs",
            js.nixexprinput
        )));
    }
    Ok((js, inputs))
}

pub fn project_json(p: &Project, jobsets: &[String]) -> Value {
    let mut v = json!({
        "name": p.name,
        "displayname": p.displayname,
        "description": p.description,
        "homepage": p.homepage,
        "owner": p.owner,
        "enabled": p.enabled,
        "visible": p.visible,
        "hidden": !p.visible,
        "jobsets": jobsets,
        "unrestricted": p.unrestricted,
        "allowed_uris": p.allowed_uris,
        // hydrant has no dynamic RunCommand: always false, as Hydra's default.
        "enable_dynamic_run_command": false,
    });
    // As Hydra: `declarative` only on declarative projects; hydrant adds why the spec was
    // last refused ("" when it applied).
    if p.is_declarative() {
        v["declarative"] = json!({"file": p.declfile, "type": p.decltype, "value": p.declvalue});
        v["declerror"] = json!(p.declerror.clone().unwrap_or_default());
    }
    v
}

pub fn inputs_json(inputs: &[JobsetInput]) -> Value {
    let mut m = Map::new();
    for i in inputs {
        m.insert(
            i.name.clone(),
            json!({"name": i.name, "type": i.kind, "value": i.value, "emailresponsible": i.emailresponsible}),
        );
    }
    Value::Object(m)
}

pub fn jobset_json(js: &Jobset, inputs: &[JobsetInput]) -> Value {
    json!({
        "name": js.name,
        "project": js.project,
        "description": js.description,
        "nixexprinput": js.nixexprinput,
        "nixexprpath": js.nixexprpath,
        "enabled": js.enabled,
        "visible": js.visible,
        "hidden": !js.visible,
        "checkinterval": js.checkinterval,
        "schedulingshares": js.schedulingshares,
        "keepnr": js.keepnr,
        "enableemail": js.enableemail,
        "emailoverride": js.emailoverride,
        "lastcheckedtime": js.lastcheckedtime,
        "triggertime": js.triggertime,
        "errormsg": js.errormsg.clone().unwrap_or_default(),
        "errortime": js.errortime,
        "fetcherrormsg": js.fetcherrormsg.clone().unwrap_or_default(),
        "type": js.jobset_type,
        "flake": js.flake,
        "inputs": inputs_json(inputs),
        "enable_dynamic_run_command": false,
        // Hydra's `starttime` is set while an evaluation of the jobset runs.
        "starttime": null,
    })
}

/// An input's revision as Hydra's API shows it: a git commit, or for a path input (which has
/// none) the SHA-256 of its contents, so it changes exactly when the contents do. (Hydra uses
/// the time it first saw those contents; a hash says the same and is reproducible.)
pub fn input_revision(i: &crate::db::EvalInput) -> &str {
    if i.revision.is_empty() && i.kind == "path" {
        &i.sha256hash
    } else {
        &i.revision
    }
}

pub fn eval_json(e: &Eval, builds: &[u64]) -> Value {
    let mut inputs = Map::new();
    for i in &e.inputs {
        inputs.insert(
            i.name.clone(),
            json!({"type": i.kind, "uri": i.uri, "value": i.value, "revision": input_revision(i), "dependency": null}),
        );
    }
    json!({
        "id": e.id,
        "project": e.project,
        "jobset": e.jobset,
        "timestamp": e.timestamp,
        "checkouttime": e.checkouttime,
        "evaltime": e.evaltime,
        "hasnewbuilds": u8::from(e.hasnewbuilds),
        "builds": builds,
        "jobsetevalinputs": inputs,
        "flake": e.flake,
        "errormsg": e.errormsg,
    })
}

pub fn build_json(b: &Build) -> Value {
    let outputs: Map<String, Value> = b
        .outputs
        .iter()
        .map(|(k, v)| (k.clone(), json!({"path": v})))
        .collect();
    json!({
        "id": b.id,
        "project": b.project,
        "jobset": b.jobset,
        "job": b.job,
        "nixname": b.nixname,
        "system": b.system,
        "drvpath": b.drvpath,
        "timestamp": b.timestamp,
        "starttime": b.starttime,
        "stoptime": b.stoptime,
        "finished": u8::from(b.finished),
        "buildstatus": b.buildstatus,
        "priority": b.priority,
        "globalpriority": b.globalpriority,
        "buildoutputs": outputs,
        "buildproducts": {},
        "buildmetrics": {},
        "jobsetevals": [b.eval],
        "releasename": null,
        "size": b.size,
        "closuresize": b.closuresize,
        "iscachedbuild": u8::from(b.iscachedbuild),
        "cachedfrom": b.cached_from,
    })
}

/// `buildproducts`: product number → product, as Hydra's JSON has it.
pub fn products_json(products: &[crate::nix::products::BuildProduct]) -> Value {
    let mut m = Map::new();
    for p in products {
        m.insert(p.productnr.to_string(), json!(p));
    }
    Value::Object(m)
}

pub fn error_json(message: &str) -> Value {
    json!({ "error": message })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(v: Value) -> Params {
        match v {
            Value::Object(map) => Params { map, form: false },
            _ => unreachable!(),
        }
    }

    #[test]
    fn bools() {
        for t in [
            json!(true),
            json!(1),
            json!("on"),
            json!("true"),
            json!("1"),
        ] {
            assert_eq!(parse_bool(&t), Some(true), "{t}");
        }
        for f in [json!(false), json!(0), json!("off"), json!("0"), json!("")] {
            assert_eq!(parse_bool(&f), Some(false), "{f}");
        }
        assert_eq!(parse_bool(&json!("maybe")), None);
    }

    #[test]
    fn jobset_validation() {
        let good = json!({"nixexprinput": "src", "nixexprpath": "release.nix",
            "enabled": 2, "schedulingshares": "7",
            "inputs": {"src": {"type": "path", "value": "/x"}, "b": {"type": "boolean", "value": true}}});
        let (js, inputs) = jobset_from_params("p", "j", &params(good.clone()), None).unwrap();
        assert_eq!((js.enabled, js.schedulingshares), (2, 7));
        assert_eq!(inputs.iter().find(|i| i.name == "b").unwrap().value, "true");
        let cases = [
            ("schedulingshares", json!(0)),
            ("schedulingshares", json!(-3)),
            ("enabled", json!(4)),
            ("inputs", json!({"src": {"type": "svn", "value": "x"}})),
            ("inputs", json!({"other": {"type": "path", "value": "x"}})),
            ("nixexprpath", json!("../x.nix")),
            ("checkinterval", json!("soon")),
        ];
        for (k, v) in cases {
            let mut b = good.clone();
            b[k] = v.clone();
            let e = jobset_from_params("p", "j", &params(b), None).unwrap_err();
            assert_eq!(e.status, 400, "{k}={v}: {e}");
        }
        let mut b = good.clone();
        b.as_object_mut().unwrap().remove("nixexprpath");
        let e = jobset_from_params("p", "j", &params(b), None).unwrap_err();
        assert!(e.message.contains("missing field `nixexprpath`"), "{e}");
        assert!(jobset_from_params("p", "9j", &params(good), None).is_err());
    }

    #[test]
    fn eval_policy_fields_keep_their_value_when_absent() {
        let base = json!({"displayname": "P"});
        let mut old = project_from_params("p", &params(base.clone()), None, "u").unwrap();
        assert!(!old.unrestricted && old.allowed_uris.is_empty());
        old.unrestricted = true;
        old.allowed_uris = vec!["https://a/".into()];
        let kept = project_from_params("p", &params(base.clone()), Some(&old), "u").unwrap();
        assert!(kept.unrestricted);
        assert_eq!(kept.allowed_uris, ["https://a/"]);
        let mut b = base.clone();
        b["unrestricted"] = json!(false);
        b["allowed_uris"] = json!("https://x/ github:org/");
        let p = project_from_params("p", &params(b), Some(&old), "u").unwrap();
        assert!(!p.unrestricted);
        assert_eq!(p.allowed_uris, ["https://x/", "github:org/"]);
        // The admin form: a hidden 0, then the checkbox when it is ticked (the last one wins).
        let form = |pairs: &[(&str, &str)]| {
            let v: Vec<(String, String)> = pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            Params::from_form(&v)
        };
        let on = form(&[
            ("displayname", "P"),
            ("unrestricted", "0"),
            ("unrestricted", "on"),
        ]);
        assert!(
            project_from_params("p", &on, None, "u")
                .unwrap()
                .unrestricted
        );
        let off = form(&[("displayname", "P"), ("unrestricted", "0")]);
        assert!(
            !project_from_params("p", &off, Some(&old), "u")
                .unwrap()
                .unrestricted
        );
        for bad in [json!("nocolon"), json!(5), json!(["ok:", 3])] {
            let mut b = base.clone();
            b["allowed_uris"] = bad.clone();
            let e = project_from_params("p", &params(b), None, "u").unwrap_err();
            assert_eq!(e.status, 400, "{bad}");
        }
    }

    #[test]
    fn declarative_fields_as_hydra_and_as_the_form() {
        let mut b = json!({"displayname": "P",
            "declarative": {"file": " spec.json ", "type": "git", "value": "https://x/r.git main"}});
        let p = project_from_params("p", &params(b.clone()), None, "u").unwrap();
        assert_eq!(
            (
                p.declfile.as_str(),
                p.decltype.as_str(),
                p.declvalue.as_str()
            ),
            ("spec.json", "git", "https://x/r.git main")
        );
        let v = project_json(&p, &[]);
        assert_eq!(
            v["declarative"],
            json!({"file": "spec.json", "type": "git", "value": "https://x/r.git main"})
        );
        // Absent: unchanged. The form's flat fields. An empty file: ordinary again.
        let kept = project_from_params("p", &params(json!({"displayname": "P"})), Some(&p), "u");
        assert_eq!(kept.unwrap().declfile, "spec.json");
        let flat = json!({"displayname": "P", "declfile": "d.json", "decltype": "path", "declvalue": "/d"});
        assert_eq!(
            project_from_params("p", &params(flat), Some(&p), "u")
                .unwrap()
                .decltype,
            "path"
        );
        b["declarative"] = json!({"file": "", "type": "git", "value": "x"});
        let off = project_from_params("p", &params(b.clone()), Some(&p), "u").unwrap();
        assert!(!off.is_declarative() && off.declvalue.is_empty());
        assert!(project_json(&off, &[]).get("declarative").is_none());
        for bad in [
            json!({"file": "/etc/spec.json", "type": "git", "value": "x"}),
            json!({"file": "a/../../b", "type": "git", "value": "x"}),
            json!({"file": "s.json", "type": "boolean", "value": "x"}),
            json!({"file": "s.json", "type": "git"}),
            json!({"file": 3}),
            json!("spec.json"),
        ] {
            b["declarative"] = bad.clone();
            let e = project_from_params("p", &params(b.clone()), None, "u").unwrap_err();
            assert_eq!(e.status, 400, "{bad}");
        }
    }

    #[test]
    fn form_rows_become_inputs() {
        let pairs: Vec<(String, String)> = [
            ("nixexprinput", "src"),
            ("input-0-name", "src"),
            ("input-0-type", "path"),
            ("input-0-value", "/p"),
            ("input-1-name", "old"),
            ("input-1-type", "string"),
            ("input-1-remove", "on"),
            ("input-2-name", ""),
            ("input-2-type", "string"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let p = Params::from_form(&pairs);
        assert_eq!(
            p.map["inputs"],
            json!({"src": {"type": "path", "value": "/p"}})
        );
        assert!(!p.bool("visible", true).unwrap());
    }
}
