//! Who may do what: the one place the permission rules live. Pure functions over the user and
//! the project a thing belongs to; the web layer asks them and never re-derives a rule.
//!
//! As in Hydra: admins may do everything; a project's owner may edit it, evaluate its jobsets
//! and act on its builds; the roles `cancel-build`, `restart-jobs`, `bump-to-front` and
//! `eval-jobset` grant those actions on every project.

use crate::db::{Project, User};

/// The actions on a build (and, build by build, on an eval's builds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildAction {
    Cancel,
    Restart,
    Bump,
}

impl BuildAction {
    /// The role that grants the action on any project's builds.
    pub fn role(self) -> &'static str {
        match self {
            BuildAction::Cancel => "cancel-build",
            BuildAction::Restart => "restart-jobs",
            BuildAction::Bump => "bump-to-front",
        }
    }
}

/// Admins and the project's owner may change a project and its jobsets.
pub fn can_edit_project(u: &User, p: &Project) -> bool {
    u.has_role("admin") || (!p.owner.is_empty() && p.owner == u.name)
}

/// Only admins may relax how a project is evaluated (`unrestricted`, `allowed_uris`): either
/// lets its release expressions read or fetch what the server can.
pub fn can_set_eval_policy(u: &User) -> bool {
    u.has_role("admin")
}

/// Only admins may point an input at any file of this machine (a `path` input, a local git
/// repository); others are limited to the config's `allowed_path_inputs`.
pub fn can_use_any_local_path(u: &User) -> bool {
    u.has_role("admin")
}

/// Whether `u` may trigger evaluations of the project's jobsets.
pub fn can_eval(u: Option<&User>, p: &Project) -> bool {
    u.is_some_and(|u| u.has_role("eval-jobset") || can_edit_project(u, p))
}

/// May user `u` do `a` on a build of `project` (None: the project is gone, so only the role
/// counts)? Every build route and every eval action asks this, build by build.
pub fn may_act(u: Option<&User>, a: BuildAction, project: Option<&Project>) -> bool {
    let Some(u) = u else { return false };
    u.has_role(a.role()) || project.is_some_and(|p| can_edit_project(u, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, roles: &[&str]) -> User {
        User {
            name: name.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            ..Default::default()
        }
    }

    fn project(owner: &str) -> Project {
        Project {
            name: "p".into(),
            owner: owner.into(),
            ..Default::default()
        }
    }

    #[test]
    fn owners_roles_and_admins() {
        let mine = project("alice");
        let theirs = project("bob");
        let alice = user("alice", &["create-projects"]);
        for a in [BuildAction::Cancel, BuildAction::Restart, BuildAction::Bump] {
            assert!(may_act(Some(&alice), a, Some(&mine)));
            assert!(!may_act(Some(&alice), a, Some(&theirs)), "{a:?}");
            assert!(!may_act(None, a, Some(&mine)));
            assert!(may_act(Some(&user("root", &["admin"])), a, Some(&theirs)));
            assert!(may_act(Some(&user("r", &[a.role()])), a, None));
        }
        let canceller = user("c", &["cancel-build"]);
        assert!(may_act(
            Some(&canceller),
            BuildAction::Cancel,
            Some(&theirs)
        ));
        assert!(!may_act(Some(&canceller), BuildAction::Bump, Some(&theirs)));
        // A project without an owner is nobody's.
        assert!(!can_edit_project(&user("", &[]), &project("")));
        assert!(can_eval(Some(&user("e", &["eval-jobset"])), &theirs));
        assert!(!can_eval(Some(&alice), &theirs));
        // Relaxing evaluation and local paths are for admins only, owners included.
        assert!(!can_set_eval_policy(&alice) && !can_use_any_local_path(&alice));
        let root = user("root", &["admin"]);
        assert!(can_set_eval_policy(&root) && can_use_any_local_path(&root));
    }
}
