//! Hydra's aggregate jobs, resolved once an eval's jobs are all known. An aggregate job
//! (`_hydraAggregate = true`) lists constituents: derivations (in its closure already, so Nix
//! builds them first) and names of other jobs of the eval (with `_hydraGlobConstituents = true`,
//! `fnmatch` patterns over the job names, never matching the aggregate itself). Each
//! constituent becomes a job name here; `record_eval` records them between the builds, and the
//! queue runner starts an aggregate only when its constituent builds are finished, failing it
//! as Hydra does (dependency failed) when one of them failed. Hydra rewrites the aggregate's
//! derivation to depend on the named jobs instead; the outcome is the same.
//!
//! As in nix-eval-jobs, an aggregate is a per-job eval error, not a build, when a name is no
//! job of the eval (`NAME: does not exist`), names a job that failed to evaluate
//! (`NAME: ERROR`), a pattern matches nothing, or aggregates name each other in a cycle.

use super::{valid_job_name, RawJob};
use crate::db::NewJob;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Longest constituent name or pattern considered (a job name is at most 1024 bytes).
const MAX_NAME: usize = 1024;

/// A name as shown in an error: itself when it is a job name, else quoted and shortened.
fn shown(name: &str) -> String {
    if valid_job_name(name) {
        return name.to_string();
    }
    let short: String = name.chars().take(200).collect();
    format!("{short:?}")
}

/// A glob pattern as shown: itself when it is job-name characters and `*?`, else quoted.
fn shown_pattern(p: &str) -> String {
    let plain = p
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_'-.*?".contains(c));
    if plain && p.len() <= 200 {
        return p.to_string();
    }
    shown(p)
}

/// `fnmatch(pattern, name, 0)` for `*` and `?` (`*` matches dots too, as in Hydra).
#[cfg(test)]
fn glob_match(pattern: &str, name: &str) -> bool {
    let mut unlimited = u64::MAX;
    glob_within(pattern.as_bytes(), name.as_bytes(), &mut unlimited).unwrap_or(false)
}

/// Matching steps all the glob patterns of one eval may take (a step is a few instructions):
/// backtracking over the last `*` costs O(pattern × name) for a hostile pattern, and this runs
/// after the eval's own timeout.
const GLOB_BUDGET: u64 = 200_000_000;

/// `glob_match` on bytes (job names are ASCII, so a byte is a character of theirs), counting
/// each step against `budget`; None once it is spent.
fn glob_within(p: &[u8], n: &[u8], budget: &mut u64) -> Option<bool> {
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        *budget = budget.checked_sub(1)?;
        if i < p.len() && (p[i] == b'?' || (p[i] != b'*' && p[i] == n[j])) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == b'*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return Some(false);
        }
    }
    Some(p[i..].iter().all(|&c| c == b'*'))
}

/// Resolves the constituents of every aggregate among `jobs` (checked already); `errors` are
/// the eval's per-job errors so far. Returns the jobs that become builds, and the aggregates
/// that failed: (job name, message).
pub(super) fn resolve(
    jobs: Vec<RawJob>,
    errors: &BTreeMap<String, String>,
) -> (Vec<NewJob>, Vec<(String, String)>) {
    if !jobs.iter().any(|j| j.aggregate) {
        return (
            jobs.into_iter()
                .map(|j| j.into_new_job(Vec::new()))
                .collect(),
            Vec::new(),
        );
    }
    // A derivation that several jobs alias is the job with the shortest name, then the first
    // in order (Hydra's `drvPathToId`).
    let mut by_drv: HashMap<&str, &str> = HashMap::new();
    for j in &jobs {
        let e = by_drv.entry(j.drv_path.as_str()).or_insert(j.name.as_str());
        if (j.name.len(), j.name.as_str()) < (e.len(), *e) {
            *e = j.name.as_str();
        }
    }
    let names: BTreeSet<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    // aggregate → its constituents, or its first error
    let mut resolved: BTreeMap<&str, Result<BTreeSet<&str>, String>> = BTreeMap::new();
    let mut budget = GLOB_BUDGET;
    for j in jobs.iter().filter(|j| j.aggregate) {
        let mut set = BTreeSet::new();
        let mut errs = Vec::new();
        for d in &j.constituents {
            if let Some(&n) = by_drv.get(d.as_str()) {
                if n != j.name {
                    set.insert(n);
                }
            }
        }
        for c in &j.named_constituents {
            if c.len() > MAX_NAME {
                errs.push(format!("{}: constituent name too long", shown(c)));
            } else if j.glob_constituents && (c.contains('*') || c.contains('?')) {
                let (mut matched, mut spent) = (false, false);
                for &n in names.iter().filter(|&&n| n != j.name) {
                    match glob_within(c.as_bytes(), n.as_bytes(), &mut budget) {
                        Some(true) => {
                            set.insert(n);
                            matched = true;
                        }
                        Some(false) => {}
                        None => {
                            spent = true;
                            break;
                        }
                    }
                }
                for (n, e) in errors {
                    match glob_within(c.as_bytes(), n.as_bytes(), &mut budget) {
                        Some(true) => {
                            errs.push(format!("{}: {e}", shown(n)));
                            matched = true;
                        }
                        Some(false) => {}
                        None => {
                            spent = true;
                            break;
                        }
                    }
                }
                if spent {
                    errs.push(format!(
                        "{}: the eval's constituent glob patterns need too much matching work",
                        shown_pattern(c)
                    ));
                } else if !matched {
                    errs.push(format!(
                        "{}: constituent glob pattern had no matches",
                        shown_pattern(c)
                    ));
                }
            } else if let Some(&n) = names.get(c.as_str()) {
                if n == j.name {
                    errs.push(format!(
                        "{}: an aggregate cannot be its own constituent",
                        shown(c)
                    ));
                } else {
                    set.insert(n);
                }
            } else if let Some(e) = errors.get(c.as_str()) {
                errs.push(format!("{}: {e}", shown(c)));
            } else {
                errs.push(format!("{}: does not exist", shown(c)));
            }
        }
        let r = if errs.is_empty() {
            Ok(set)
        } else {
            Err(errs.join("\n"))
        };
        resolved.insert(j.name.as_str(), r);
    }
    // Aggregates naming each other in a cycle could never start: each is an error.
    for cycle in cycles(&resolved) {
        let msg = format!("Dependency cycle: {}", cycle.join(" <-> "));
        for n in cycle {
            resolved.insert(n, Err(msg.clone()));
        }
    }
    // An aggregate of a failed aggregate fails too, until nothing changes.
    loop {
        let mut changed = Vec::new();
        for (&a, r) in &resolved {
            if let Ok(set) = r {
                if let Some((&c, e)) = set.iter().find_map(|c| match resolved.get(c) {
                    Some(Err(e)) => Some((c, e)),
                    _ => None,
                }) {
                    changed.push((a, format!("{c}: {e}")));
                }
            }
        }
        if changed.is_empty() {
            break;
        }
        for (a, e) in changed {
            resolved.insert(a, Err(e));
        }
    }
    let resolved: BTreeMap<String, Result<Vec<String>, String>> = resolved
        .into_iter()
        .map(|(a, r)| {
            (
                a.to_string(),
                r.map(|s| s.into_iter().map(str::to_string).collect()),
            )
        })
        .collect();
    let mut out = Vec::with_capacity(jobs.len());
    let mut failed = Vec::new();
    for j in jobs {
        match resolved.get(&j.name) {
            None => out.push(j.into_new_job(Vec::new())),
            Some(Ok(cs)) => {
                let cs = cs.clone();
                out.push(j.into_new_job(cs));
            }
            Some(Err(e)) => failed.push((j.name.clone(), e.clone())),
        }
    }
    (out, failed)
}

/// The strongly connected components of more than one aggregate (Tarjan's algorithm, iterative
/// so a long chain of aggregates cannot overflow the stack), each sorted.
fn cycles<'a>(graph: &BTreeMap<&'a str, Result<BTreeSet<&'a str>, String>>) -> Vec<Vec<&'a str>> {
    let nodes: Vec<&str> = graph.keys().copied().collect();
    let pos: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| match &graph[n] {
            Ok(s) => s.iter().filter_map(|c| pos.get(c).copied()).collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut next, mut stack, mut out) = (0, Vec::new(), Vec::new());
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on[root] = true;
        while let Some(&mut (v, ref mut k)) = call.last_mut() {
            if let Some(&w) = edges[v].get(*k) {
                *k += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on[w] = true;
                    call.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(u, _)) = call.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                let mut scc = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    scc.push(nodes[w]);
                    if w == v {
                        break;
                    }
                }
                if scc.len() > 1 {
                    scc.sort_unstable();
                    out.push(scc);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(name: &str, drv: &str) -> RawJob {
        serde_json::from_value(serde_json::json!({"drvPath": drv, "name": name})).unwrap()
    }

    fn agg(name: &str, drvs: &[&str], named: &[&str], glob: bool) -> RawJob {
        let mut j = job(name, &format!("/nix/store/{name}.drv"));
        j.aggregate = true;
        j.constituents = drvs.iter().map(|s| s.to_string()).collect();
        j.named_constituents = named.iter().map(|s| s.to_string()).collect();
        j.glob_constituents = glob;
        j
    }

    fn run(
        jobs: Vec<RawJob>,
        errors: &[(&str, &str)],
    ) -> (BTreeMap<String, Vec<String>>, BTreeMap<String, String>) {
        let errors = errors
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let (ok, failed) = resolve(jobs, &errors);
        (
            ok.into_iter().map(|j| (j.job, j.constituents)).collect(),
            failed.into_iter().collect(),
        )
    }

    #[test]
    fn globs_are_fnmatch() {
        assert!(glob_match("packages.*", "packages.a"));
        assert!(glob_match("*", "a.b.c"));
        assert!(glob_match("*_aggregate", "ok_aggregate"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(!glob_match("tests.*", "dummy"));
        assert!(glob_match("*a*b*", "xxaxxbxx"));
        assert!(!glob_match("*a*b", "xxaxxbxx"));
        // A `*` then a long literal retried at every position: the costly case.
        let hostile = format!("*{}b", "a".repeat(300));
        assert!(!glob_match(&hostile, &"a".repeat(400)));
        let mut budget = 1000;
        assert_eq!(
            glob_within(hostile.as_bytes(), &b"a".repeat(400), &mut budget),
            None
        );
    }

    /// A hostile pattern over many names stops at the budget with an error, quickly.
    #[test]
    fn glob_work_is_bounded() {
        let mut jobs: Vec<RawJob> = (0..3000)
            .map(|i| {
                job(
                    &format!("{}{i}", "a".repeat(1000)),
                    &format!("/nix/store/{i}.drv"),
                )
            })
            .collect();
        jobs.push(agg("g", &[], &[&format!("*{}b", "a".repeat(500))], true));
        let t = std::time::Instant::now();
        let (ok, failed) = run(jobs, &[]);
        assert!(t.elapsed() < std::time::Duration::from_secs(60));
        assert_eq!(ok.len(), 3000);
        assert!(failed["g"].contains("too much matching work"), "{failed:?}");
    }

    /// Hydra's `jobs/constituents.nix`: direct, named and mixed (an alias resolves to the
    /// shorter name).
    #[test]
    fn constituents_nix() {
        let (ok, failed) = run(
            vec![
                job("constituentA", "/nix/store/a.drv"),
                job("constituentA_alias", "/nix/store/a.drv"),
                job("constituentB", "/nix/store/b.drv"),
                agg("direct_aggregate", &["/nix/store/a.drv"], &[], false),
                agg("indirect_aggregate", &[], &["constituentA"], false),
                agg(
                    "mixed_aggregate",
                    &["/nix/store/b.drv"],
                    &["constituentA_alias"],
                    false,
                ),
            ],
            &[],
        );
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(ok["direct_aggregate"], ["constituentA"]);
        assert_eq!(ok["indirect_aggregate"], ["constituentA"]);
        // Named by its alias: the alias is a job of its own, so it is that build.
        assert_eq!(
            ok["mixed_aggregate"],
            ["constituentA_alias", "constituentB"]
        );
        assert!(ok["constituentA"].is_empty());
    }

    /// `broken-constituent.nix`, `constituents-broken.nix`, `constituents-no-matches.nix`.
    #[test]
    fn broken_constituents_are_errors_of_the_aggregate() {
        let (ok, failed) = run(
            vec![
                agg(
                    "broken",
                    &[],
                    &["does-not-exist", "does-not-evaluate"],
                    false,
                ),
                job("dummy", "/nix/store/d.drv"),
                agg("non_match_aggregate", &[], &["tests.*"], true),
                agg("upper", &[], &["broken"], false),
            ],
            &[("does-not-evaluate", "error: assertion 'false' failed")],
        );
        assert_eq!(ok.keys().collect::<Vec<_>>(), ["dummy"]);
        assert_eq!(
            failed["broken"],
            "does-not-exist: does not exist\ndoes-not-evaluate: error: assertion 'false' failed"
        );
        assert_eq!(
            failed["non_match_aggregate"],
            "tests.*: constituent glob pattern had no matches"
        );
        assert!(
            failed["upper"].starts_with("broken: does-not-exist"),
            "{failed:?}"
        );
        let (_, failed) = run(vec![agg("a", &[], &["x\n<b>"], false)], &[]);
        assert_eq!(failed["a"], "\"x\\n<b>\": does not exist");
    }

    /// `constituents-glob.nix`, `constituents-glob-all.nix`, `constituents-cycle*.nix`.
    #[test]
    fn globs_and_cycles() {
        let (ok, failed) = run(
            vec![
                job("packages.constituentA", "/nix/store/a.drv"),
                job("packages.constituentB", "/nix/store/b.drv"),
                agg("ok_aggregate", &[], &["packages.*"], true),
                agg("indirect_aggregate", &[], &["ok_aggregate"], false),
                agg("all", &[], &["*"], true),
            ],
            &[],
        );
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(
            ok["ok_aggregate"],
            ["packages.constituentA", "packages.constituentB"]
        );
        assert_eq!(ok["indirect_aggregate"], ["ok_aggregate"]);
        assert!(!ok["all"].contains(&"all".to_string()));
        assert_eq!(ok["all"].len(), 4);

        let (ok, failed) = run(
            vec![
                agg("ok_aggregate", &[], &["indirect_aggregate"], true),
                agg("indirect_aggregate", &[], &["ok_aggregate"], false),
            ],
            &[],
        );
        assert!(ok.is_empty());
        assert_eq!(
            failed["ok_aggregate"],
            "Dependency cycle: indirect_aggregate <-> ok_aggregate"
        );
        assert_eq!(failed["indirect_aggregate"], failed["ok_aggregate"]);

        // A cycle through a derivation constituent, and a job outside it that names it.
        let (ok, failed) = run(
            vec![
                agg("packages.constituentA", &[], &["*_aggregate"], true),
                job("packages.constituentB", "/nix/store/b.drv"),
                agg("ok_aggregate", &[], &["packages.*"], true),
                agg(
                    "indirect_aggregate",
                    &["/nix/store/ok_aggregate.drv"],
                    &[],
                    false,
                ),
            ],
            &[],
        );
        assert_eq!(ok.keys().collect::<Vec<_>>(), ["packages.constituentB"]);
        assert!(
            failed["indirect_aggregate"].contains("Dependency cycle"),
            "{failed:?}"
        );
        assert_eq!(failed.len(), 3);
    }
}
