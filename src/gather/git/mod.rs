//! Is a workspace file git-ignored, and is it tracked? Answered without running git.
//!
//! A repository can make `git` run anything (`core.fsmonitor`, hooks, filters,
//! `diff.external`, an `include.path` that sets them, a `git` shipped on a
//! relative PATH entry), so ccauth never starts it. The ignore rules are read
//! and layered as git layers them ([`rules`]), tracked status is read from
//! `.git/index` ([`index`]), and the few configuration values that matter are
//! read from git's own files ([`config`]); nothing in them is acted on.
//! A repository owned by another user, which git itself refuses, is judged the
//! same way and reported ([`Ownership`]).

mod config;
mod index;
mod pattern;
mod rules;

pub use pattern::anchored_pattern;
pub(crate) use rules::Rule;

use super::env::Env;
use super::fsread;
use config::GitConfig;
use serde::Serialize;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Who answered: the same in-process reader every time.
pub const JUDGED_BY: &str = "ccauth, reading the rules and .git/index without running git";

/// What the rules and the index say of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct GitStatus {
    /// The ignore rules exclude the file.
    pub(crate) ignored: bool,
    /// The deciding rule as `source:line:pattern`, when one matched.
    pub(crate) rule: Option<String>,
    /// The same rule, with its file and line for places.
    #[serde(skip)]
    pub(crate) deciding_rule: Option<Rule>,
    /// The file is in the index; `None` when the index could not tell.
    pub(crate) tracked: Option<bool>,
    /// [`JUDGED_BY`].
    pub(crate) judged_by: &'static str,
    /// Why the tracked status is unknown, when it is.
    pub(crate) tracked_unknown_because: Option<String>,
}

/// The repository that holds the workspace.
#[derive(Clone, Debug)]
pub(crate) struct Repo {
    /// The work tree's top directory.
    pub(crate) root: PathBuf,
    /// The `.git` directory (resolved from a `gitdir:` file for worktrees).
    pub(crate) git_dir: PathBuf,
    /// Where `config` and `info/exclude` live: the main repository's `.git`
    /// for a linked worktree (its `commondir` file), else `git_dir`.
    pub(crate) common_dir: PathBuf,
}

/// Walks up from `start` to the directory holding `.git`.
pub(crate) fn find_repo(start: &Path) -> Option<Repo> {
    start.ancestors().find_map(|dir| {
        let dot_git = dir.join(".git");
        let meta = std::fs::metadata(&dot_git).ok()?;
        let git_dir = if meta.is_dir() {
            dot_git
        } else {
            let text = fsread::read_text_bounded(&dot_git, 4096).ok()?;
            let target = text.trim().strip_prefix("gitdir:")?.trim();
            dir.join(target)
        };
        let common_dir = fsread::read_text_bounded(&git_dir.join("commondir"), 4096)
            .ok()
            .map_or_else(|| git_dir.clone(), |c| git_dir.join(c.trim()));
        Some(Repo {
            root: dir.to_path_buf(),
            git_dir,
            common_dir,
        })
    })
}

/// The facts git would check before it agrees to work in the repository.
#[derive(Clone, Debug, Default)]
pub(crate) struct GitFacts {
    /// One verdict per path asked about, in order.
    pub(crate) statuses: Vec<GitStatus>,
    /// Set when git itself would refuse the repository.
    pub(crate) ownership: Option<Ownership>,
}

/// A repository owned by someone else: git answers "detected dubious
/// ownership" to every command there until it is listed in `safe.directory`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Ownership {
    /// The directory git names in its refusal.
    pub(crate) path: PathBuf,
    /// Its owner.
    pub(crate) owner_uid: u32,
    /// The uid ccauth judged for.
    pub(crate) user_uid: u32,
}

/// Judges each path (relative to the repository root, `/`-separated), as
/// `uid` would see the repository; `sysroot` holds `/etc/gitconfig`.
pub(crate) fn judge(
    repo: &Repo,
    rel_paths: &[String],
    env: &Env,
    uid: u32,
    sysroot: &Path,
) -> GitFacts {
    if rel_paths.is_empty() {
        return GitFacts::default();
    }
    let config = GitConfig::load(repo, env, sysroot);
    let rules = rules::IgnoreRules::load(repo, &config, env, rel_paths);
    let index = index::Index::load(repo, &config);
    let statuses = rel_paths
        .iter()
        .map(|path| {
            let (ignored, rule) = rules.judge(path);
            let tracked = index.tracked(path);
            GitStatus {
                ignored,
                rule: rule.as_ref().map(Rule::to_string),
                deciding_rule: rule,
                tracked: tracked.as_ref().ok().copied(),
                judged_by: JUDGED_BY,
                tracked_unknown_because: tracked.err(),
            }
        })
        .collect();
    GitFacts {
        statuses,
        ownership: foreign_owner(repo, &config, env, uid),
    }
}

/// Judges one path against one `.gitignore` at the repository root, the
/// way [`judge`] does (for fuzzing and tests of the matcher).
pub fn judge_with_root_rules(gitignore: &[u8], rel_path: &str) -> (bool, Option<String>) {
    let (ignored, rule) = rules::IgnoreRules::from_root_buffer(gitignore).judge(rel_path);
    (ignored, rule.as_ref().map(Rule::to_string))
}

/// Git's ownership rule (git-config(1), `safe.directory`): the work tree and
/// the git directory must belong to the user, or to `SUDO_UID` when root runs
/// git through sudo, unless a system or global `safe.directory` lists the
/// work tree (or is `*`).
fn foreign_owner(repo: &Repo, config: &GitConfig, env: &Env, uid: u32) -> Option<Ownership> {
    let sudo_uid = env
        .get("SUDO_UID")
        .and_then(|u| u.trim().parse::<u32>().ok());
    let accepted = |owner: u32| owner == uid || (uid == 0 && sudo_uid == Some(owner));
    let owner_uid = [&repo.root, &repo.git_dir]
        .into_iter()
        .filter_map(|p| std::fs::symlink_metadata(p).ok())
        .map(|m| m.uid())
        .find(|owner| !accepted(*owner))?;
    if config.is_safe_directory(&repo.root) {
        return None;
    }
    Some(Ownership {
        path: repo.root.clone(),
        owner_uid,
        user_uid: uid,
    })
}
