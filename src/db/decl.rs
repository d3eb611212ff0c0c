//! Declarative projects' writes: a spec's jobsets applied in one write transaction, the
//! project's `.jobsets` jobset, and the spec error shown on the project.

use super::*;

/// What applying a spec changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    /// The jobsets the spec no longer has, disabled and hidden with their history kept, as
    /// Hydra does (a spec naming one again brings it back).
    pub disabled: Vec<String>,
}

impl Applied {
    pub fn changed(&self) -> bool {
        !(self.created.is_empty() && self.updated.is_empty() && self.disabled.is_empty())
    }
}

/// What the `.jobsets` jobset of a declarative project becomes.
#[derive(Debug, Clone)]
pub enum DeclJobset {
    /// Created if missing, its `declInput` set to the project's declarative input; otherwise
    /// unchanged (a project save: whether the spec is static is not known yet).
    Keep,
    /// The spec is static: `.jobsets` only reads it (no expression, only `declInput`).
    Static,
    /// The spec describes `.jobsets` itself (generated case): its configuration and inputs,
    /// plus `declInput` and `projectName` as Hydra passes them.
    Generated(Box<(Jobset, Vec<JobsetInput>)>),
}

fn read_jobset(tx: &redb::WriteTransaction, p: &str, j: &str) -> Result<Option<Jobset>> {
    let t = tx.open_table(JOBSETS)?;
    let v = t.get((p, j))?;
    v.map(|v| decode(&format!("jobset {p}:{j}"), v.value()))
        .transpose()
}

fn read_inputs(tx: &redb::WriteTransaction, p: &str, j: &str) -> Result<Vec<JobsetInput>> {
    let t = tx.open_table(JOBSET_INPUTS)?;
    let mut out = Vec::new();
    for r in t.range((p, j, "")..=(p, j, "\u{10FFFF}"))? {
        out.push(decode("jobset input", r?.1.value())?);
    }
    Ok(out)
}

/// The declarative project `name`, read inside the transaction: a project that stopped being
/// declarative meanwhile is not changed.
fn decl_project(tx: &redb::WriteTransaction, name: &str) -> Result<Project> {
    let t = tx.open_table(PROJECTS)?;
    let p: Project = match t.get(name)? {
        Some(v) => decode(&format!("project {name}"), v.value())?,
        None => return Err(DbError::NotFound(format!("project `{name}`"))),
    };
    if !p.is_declarative() {
        return Err(DbError::Invalid(format!(
            "project `{name}` is no longer declarative"
        )));
    }
    Ok(p)
}

/// Writes one jobset's configuration and inputs when they differ from what is stored (its
/// bookkeeping is kept). Returns None when unchanged, Some(created) otherwise.
fn write_config(
    tx: &redb::WriteTransaction,
    js: &Jobset,
    inputs: &[JobsetInput],
) -> Result<Option<bool>> {
    let (p, n) = (js.project.as_str(), js.name.as_str());
    let cur = read_jobset(tx, p, n)?;
    let mut new = js.clone();
    if let Some(c) = &cur {
        new.keep_bookkeeping(c);
        let mut old_inputs = read_inputs(tx, p, n)?;
        let mut new_inputs = inputs.to_vec();
        old_inputs.sort_by(|a, b| a.name.cmp(&b.name));
        new_inputs.sort_by(|a, b| a.name.cmp(&b.name));
        if *c == new && old_inputs == new_inputs {
            return Ok(None);
        }
    }
    tx.open_table(JOBSETS)?
        .insert((p, n), encode(&new).as_slice())?;
    replace_inputs(tx, p, n, inputs)?;
    Ok(Some(cur.is_none()))
}

/// The `declInput` input: the project's declarative input.
pub fn decl_input(p: &Project) -> JobsetInput {
    JobsetInput {
        name: "declInput".into(),
        kind: p.decltype.clone(),
        value: p.declvalue.clone(),
        emailresponsible: false,
    }
}

/// Writes `.jobsets` of declarative project `p` inside `tx` (see [`DeclJobset`]); true when it
/// changed.
fn decl_jobset_in(tx: &redb::WriteTransaction, p: &Project, what: &DeclJobset) -> Result<bool> {
    let project = p.name.as_str();
    let cur = read_jobset(tx, project, DECL_JOBSET)?;
    let blank = || {
        let mut js = Jobset::new(project, DECL_JOBSET);
        js.nixexprinput = String::new();
        js.nixexprpath = String::new();
        js.description = format!("Reads the declarative spec {}", p.declfile);
        js
    };
    let (js, mut inputs) = match what {
        DeclJobset::Keep => match &cur {
            Some(c) => (c.clone(), read_inputs(tx, project, DECL_JOBSET)?),
            None => (blank(), Vec::new()),
        },
        DeclJobset::Static => (blank(), Vec::new()),
        DeclJobset::Generated(g) => {
            let (js, inputs) = g.as_ref();
            let mut js = js.clone();
            js.project = project.to_string();
            js.name = DECL_JOBSET.to_string();
            check_jobset_fields(&js)?;
            let mut inputs = inputs.clone();
            if !inputs.iter().any(|i| i.name == "projectName") {
                inputs.push(JobsetInput {
                    name: "projectName".into(),
                    kind: "string".into(),
                    value: project.to_string(),
                    emailresponsible: false,
                });
            }
            (js, inputs)
        }
    };
    inputs.retain(|i| i.name != "declInput");
    inputs.push(decl_input(p));
    Ok(write_config(tx, &js, &inputs)?.is_some())
}

impl Db {
    /// Makes the jobsets of declarative project `project` exactly `spec` (besides `.jobsets`),
    /// in one write transaction: new ones are created, changed ones updated (their evaluation
    /// bookkeeping kept), and those the spec no longer names disabled and hidden (Hydra's
    /// `enabled => 0, hidden => 1`), so a spec that drops or renames a jobset by mistake loses
    /// no history. The project's spec error is cleared. Any invalid jobset or input drops the
    /// transaction, so nothing changes.
    pub fn apply_declarative(
        &self,
        project: &str,
        spec: &[(Jobset, Vec<JobsetInput>)],
    ) -> Result<Applied> {
        let tx = self.inner.begin_write()?;
        let mut out = Applied::default();
        let mut p = decl_project(&tx, project)?;
        let mut names = std::collections::BTreeSet::new();
        for (js, inputs) in spec {
            if js.project != project || !valid_name(&js.name) {
                return Err(DbError::Invalid(format!(
                    "invalid jobset name `{}`",
                    js.name
                )));
            }
            if !names.insert(js.name.as_str()) {
                return Err(DbError::Invalid(format!(
                    "jobset `{}` is given twice",
                    js.name
                )));
            }
            check_jobset_fields(js)?;
            match write_config(&tx, js, inputs)? {
                Some(true) => out.created.push(js.name.clone()),
                Some(false) => out.updated.push(js.name.clone()),
                None => {}
            }
        }
        let gone: Vec<Jobset> = {
            let t = tx.open_table(JOBSETS)?;
            let mut v = Vec::new();
            for r in t.range((project, "")..=(project, "\u{10FFFF}"))? {
                let (k, val) = r?;
                let name = k.value().1;
                if name != DECL_JOBSET && !names.contains(name) {
                    let js: Jobset = decode(&format!("jobset {project}:{name}"), val.value())?;
                    if js.enabled != JOBSET_DISABLED || js.visible {
                        v.push(js);
                    }
                }
            }
            v
        };
        if !gone.is_empty() {
            let mut t = tx.open_table(JOBSETS)?;
            for mut js in gone {
                js.enabled = JOBSET_DISABLED;
                js.visible = false;
                t.insert((project, js.name.as_str()), encode(&js).as_slice())?;
                out.disabled.push(js.name);
            }
        }
        if p.declerror.is_some() {
            p.declerror = None;
            tx.open_table(PROJECTS)?
                .insert(project, encode(&p).as_slice())?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Creates or updates the `.jobsets` jobset of declarative project `project` (see
    /// [`DeclJobset`]), in one write transaction. True when it changed.
    pub fn put_decl_jobset(&self, project: &str, what: &DeclJobset) -> Result<bool> {
        let tx = self.inner.begin_write()?;
        let p = decl_project(&tx, project)?;
        let changed = decl_jobset_in(&tx, &p, what)?;
        tx.commit()?;
        Ok(changed)
    }

    /// Saves a project as `put_project` does and, in the same write transaction, gives a
    /// declarative one its `.jobsets` jobset (`DeclJobset::Keep`) or takes it from one that is
    /// no longer declarative (with everything of it, as `delete_jobset`; its spec error goes
    /// too). Returns whether the project was created, and what was deleted.
    pub fn put_project_decl(&self, p: &Project) -> Result<(bool, Deleted)> {
        self.put_project_decl_over(p, None)
    }

    /// As [`Db::put_project_decl`], but only over the record the caller read and checked its
    /// permissions against (`expected`: `Some(None)` when there was none): if another request
    /// created, changed or deleted the project meanwhile, nothing is written and the answer
    /// is [`DbError::Conflict`]. (Without it, two creates of one name both "create" it, the
    /// second over the first's, with the first's owner's rights checked against nothing.)
    pub fn put_project_decl_over(
        &self,
        p: &Project,
        expected: Option<Option<&Project>>,
    ) -> Result<(bool, Deleted)> {
        if !valid_name(&p.name) {
            return Err(DbError::Invalid(format!(
                "invalid project name `{}`",
                p.name
            )));
        }
        let mut p = p.clone();
        if !p.is_declarative() {
            p.declerror = None;
        }
        let tx = self.inner.begin_write()?;
        if let Some(expected) = expected {
            let now: Option<Project> = match tx.open_table(PROJECTS)?.get(p.name.as_str())? {
                Some(v) => Some(decode(&format!("project {}", p.name), v.value())?),
                None => None,
            };
            // `declerror` is the evaluator's to write (the spec's last error): a change of it
            // is no conflict, and the saved record keeps the current one.
            let masked = |p: Option<&Project>| {
                p.map(|p| Project {
                    declerror: None,
                    ..p.clone()
                })
            };
            if masked(now.as_ref()) != masked(expected) {
                return Err(DbError::Conflict(format!(
                    "project `{}` was {} by another request meanwhile; nothing was saved (load \
                     it again and retry)",
                    p.name,
                    match (expected, &now) {
                        (None, _) => "created",
                        (Some(_), None) => "deleted",
                        (Some(_), Some(_)) => "changed",
                    }
                )));
            }
            // The same spec as now: its current error stays with it.
            if let Some(n) = now.filter(|n| {
                p.is_declarative() && (&n.decltype, &n.declvalue) == (&p.decltype, &p.declvalue)
            }) {
                p.declerror = n.declerror;
            }
        }
        let created = tx
            .open_table(PROJECTS)?
            .insert(p.name.as_str(), encode(&p).as_slice())?
            .is_none();
        let mut gone = Deleted::default();
        if p.is_declarative() {
            decl_jobset_in(&tx, &p, &DeclJobset::Keep)?;
        } else if read_jobset(&tx, &p.name, DECL_JOBSET)?.is_some() {
            delete_jobset_in(&tx, &p.name, DECL_JOBSET, &mut gone)?;
        }
        tx.commit()?;
        Ok((created, gone))
    }

    /// Records why the project's spec was refused (None clears it). Nothing else changes.
    pub fn set_decl_error(&self, project: &str, error: Option<String>) -> Result<()> {
        let tx = self.inner.begin_write()?;
        {
            let mut t = tx.open_table(PROJECTS)?;
            let mut p: Project = match t.get(project)? {
                Some(v) => decode(&format!("project {project}"), v.value())?,
                None => return Err(DbError::NotFound(format!("project `{project}`"))),
            };
            if p.declerror == error {
                return Ok(());
            }
            p.declerror = error;
            t.insert(project, encode(&p).as_slice())?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (std::path::PathBuf, Db) {
        let dir = std::env::temp_dir().join(format!(
            "hydrant-decl-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open(&dir.join("db")).unwrap();
        (dir, db)
    }

    fn js(name: &str, desc: &str) -> (Jobset, Vec<JobsetInput>) {
        let mut j = Jobset::new("p", name);
        j.description = desc.into();
        j.nixexprinput = "src".into();
        let i = JobsetInput {
            name: "src".into(),
            kind: "path".into(),
            value: "/x".into(),
            emailresponsible: false,
        };
        (j, vec![i])
    }

    #[test]
    fn a_save_over_a_stale_read_writes_nothing() {
        let (dir, db) = db();
        let mut p = Project {
            name: "p".into(),
            owner: "a".into(),
            ..Default::default()
        };
        // Created by another request after this one read "no project".
        db.put_project_decl(&p).unwrap();
        let mut mine = p.clone();
        mine.owner = "b".into();
        let e = db.put_project_decl_over(&mine, Some(None)).unwrap_err();
        assert!(
            matches!(&e, DbError::Conflict(m) if m.contains("created")),
            "{e}"
        );
        // Changed after this one read it.
        let read = db.project("p").unwrap().unwrap();
        p.description = "changed".into();
        db.put_project_decl(&p).unwrap();
        let e = db
            .put_project_decl_over(&mine, Some(Some(&read)))
            .unwrap_err();
        assert!(
            matches!(&e, DbError::Conflict(m) if m.contains("changed")),
            "{e}"
        );
        assert_eq!(db.project("p").unwrap().unwrap(), p);
        // The evaluator recording a spec error meanwhile is no conflict.
        let read = db.project("p").unwrap().unwrap();
        db.set_decl_error("p", Some("spec refused".into())).unwrap();
        db.put_project_decl_over(&read, Some(Some(&read))).unwrap();
        // Over what is there: saved.
        let p = db.project("p").unwrap().unwrap();
        let (created, _) = db.put_project_decl_over(&mine, Some(Some(&p))).unwrap();
        assert!(!created);
        assert_eq!(db.project("p").unwrap().unwrap().owner, "b");
        // Jobsets: a create over an existing one, an edit of a deleted one.
        let (j, inputs) = js("j", "x");
        assert!(db.put_jobset_over(&j, &inputs, Some(false)).unwrap());
        let e = db.put_jobset_over(&j, &inputs, Some(false)).unwrap_err();
        assert!(
            matches!(&e, DbError::Conflict(m) if m.contains("created")),
            "{e}"
        );
        let (k, inputs) = js("k", "x");
        let e = db.put_jobset_over(&k, &inputs, Some(true)).unwrap_err();
        assert!(
            matches!(&e, DbError::Conflict(m) if m.contains("deleted")),
            "{e}"
        );
        assert!(db.jobset("p", "k").unwrap().is_none());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn applies_creates_updates_deletes_and_refuses_atomically() {
        let (dir, db) = db();
        let mut p = Project {
            name: "p".into(),
            declfile: "spec.json".into(),
            decltype: "path".into(),
            declvalue: "/d".into(),
            declerror: Some("old".into()),
            ..Default::default()
        };
        let (created, _) = db.put_project_decl(&p).unwrap();
        assert!(created);
        assert_eq!(db.jobset_inputs("p", DECL_JOBSET).unwrap()[0].value, "/d");
        let a = db
            .apply_declarative("p", &[js("a", "A"), js("b", "B")])
            .unwrap();
        assert_eq!(a.created, ["a", "b"]);
        assert_eq!(db.project("p").unwrap().unwrap().declerror, None);
        db.update_jobset("p", "a", |j| j.lastcheckedtime = Some(7))
            .unwrap();
        let a = db
            .apply_declarative("p", &[js("a", "A2"), js("c", "C")])
            .unwrap();
        assert_eq!((a.created, a.updated), (vec!["c".into()], vec!["a".into()]));
        assert_eq!(a.disabled, ["b"]);
        let b_js = db.jobset("p", "b").unwrap().unwrap();
        assert_eq!((b_js.enabled, b_js.visible), (JOBSET_DISABLED, false));
        let a_js = db.jobset("p", "a").unwrap().unwrap();
        assert_eq!(
            (a_js.description.as_str(), a_js.lastcheckedtime),
            ("A2", Some(7))
        );
        let names = || -> Vec<String> {
            db.jobsets("p")
                .unwrap()
                .into_iter()
                .map(|j| j.name)
                .collect()
        };
        assert_eq!(names(), [".jobsets", "a", "b", "c"]);
        // Unchanged (b stays disabled): nothing written.
        assert!(!db
            .apply_declarative("p", &[js("a", "A2"), js("c", "C")])
            .unwrap()
            .changed());
        // Named again, b comes back as the spec has it, with its history.
        db.update_jobset("p", "b", |j| j.lastcheckedtime = Some(9))
            .unwrap();
        let a = db
            .apply_declarative("p", &[js("a", "A2"), js("b", "B"), js("c", "C")])
            .unwrap();
        assert_eq!((a.updated, a.disabled), (vec!["b".to_string()], vec![]));
        let b_js = db.jobset("p", "b").unwrap().unwrap();
        assert_eq!(
            (b_js.enabled, b_js.visible, b_js.lastcheckedtime),
            (js("b", "B").0.enabled, true, Some(9))
        );
        assert_ne!(b_js.enabled, JOBSET_DISABLED);
        // A bad jobset anywhere: nothing changes.
        let mut bad = js("d", "D");
        bad.0.schedulingshares = 0;
        assert!(db.apply_declarative("p", &[js("a", "A3"), bad]).is_err());
        assert_eq!(names(), [".jobsets", "a", "b", "c"]);
        assert_eq!(db.jobset("p", "a").unwrap().unwrap().description, "A2");
        // No longer declarative: `.jobsets` goes in the same transaction; a spec is refused.
        p.declfile.clear();
        let (_, gone) = db.put_project_decl(&p).unwrap();
        assert_eq!(gone.jobsets, [("p".to_string(), DECL_JOBSET.to_string())]);
        assert!(db.apply_declarative("p", &[]).is_err());
        assert_eq!(db.jobsets("p").unwrap().len(), 3);
        let _ = std::fs::remove_dir_all(dir);
    }
}
