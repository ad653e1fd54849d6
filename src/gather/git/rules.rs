//! Git's ignore rules, layered as gitignore(5) layers them: `core.excludesFile`
//! (or `$XDG_CONFIG_HOME/git/ignore`), then `info/exclude`, then every
//! `.gitignore` from the root down, each later layer overriding the earlier;
//! a directory that is excluded excludes everything under it.

use super::config::GitConfig;
use super::{Repo, fsread};
use crate::gather::env::Env;
use bstr::ByteSlice;
use gix_ignore::glob::pattern::Case;
use std::path::{Path, PathBuf};

/// Ignore files are small; a larger one is skipped rather than read whole.
const IGNORE_FILE_LIMIT: u64 = 4 << 20;

/// The ignore rules that apply to the paths asked about.
pub(super) struct IgnoreRules {
    search: gix_ignore::Search,
    case: Case,
}

impl IgnoreRules {
    /// Reads every rule file that can decide one of `rel_paths`.
    pub(super) fn load(repo: &Repo, config: &GitConfig, env: &Env, rel_paths: &[String]) -> Self {
        let mut search = gix_ignore::Search::default();
        let global = config
            .excludes_file(&repo.root)
            .or_else(|| default_excludes_file(env));
        let repo_wide = [global, Some(repo.common_dir.join("info/exclude"))];
        for file in repo_wide.into_iter().flatten() {
            add_file(&mut search, &file, None);
        }
        for dir in directories_to_read(rel_paths) {
            add_file(
                &mut search,
                &repo.root.join(dir).join(".gitignore"),
                Some(&repo.root),
            );
        }
        let case = if config.ignore_case() {
            Case::Fold
        } else {
            Case::Sensitive
        };
        IgnoreRules { search, case }
    }

    /// One `.gitignore` at the repository root and nothing else.
    pub(super) fn from_root_buffer(gitignore: &[u8]) -> Self {
        let mut search = gix_ignore::Search::default();
        let _ = search.add_patterns_buffer(gitignore, ".gitignore", None, Default::default());
        IgnoreRules {
            search,
            case: Case::Sensitive,
        }
    }

    /// Parents first: a file inside an ignored directory stays ignored even
    /// when a later rule re-includes it (gitignore(5)).
    pub(super) fn judge(&self, rel_path: &str) -> (bool, Option<Rule>) {
        let parts: Vec<&str> = rel_path.split('/').collect();
        for depth in 1..=parts.len() {
            let candidate = parts[..depth].join("/");
            let is_dir = depth < parts.len();
            let found = self.search.pattern_matching_relative_path(
                candidate.as_bytes().as_bstr(),
                Some(is_dir),
                self.case,
            );
            if let Some(m) = found {
                let rule = Rule {
                    source: m.source.map(Path::to_path_buf),
                    line: u32::try_from(m.sequence_number).unwrap_or(u32::MAX),
                    negated: m.pattern.is_negative(),
                    pattern: m.pattern.to_string(),
                };
                if !rule.negated && is_dir {
                    return (true, Some(rule));
                }
                if !is_dir {
                    return (!rule.negated, Some(rule));
                }
            }
        }
        (false, None)
    }
}

/// The rule that decided a path: where it is written, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rule {
    /// The file it is read from (`None` for a buffer given without a name).
    pub(crate) source: Option<PathBuf>,
    /// Its line in that file, from 1.
    pub(crate) line: u32,
    /// A `!pattern`: it re-includes what an earlier rule excluded.
    pub(crate) negated: bool,
    /// The pattern as written, `!` included.
    pub(crate) pattern: String,
}

impl std::fmt::Display for Rule {
    /// `source:line:pattern`, as `git check-ignore -v` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = self
            .source
            .as_deref()
            .map(|s| s.display().to_string())
            .unwrap_or_default();
        write!(f, "{source}:{}:{}", self.line, self.pattern)
    }
}

/// `$XDG_CONFIG_HOME/git/ignore`, else `~/.config/git/ignore`: git's default
/// when `core.excludesFile` is not set.
fn default_excludes_file(env: &Env) -> Option<PathBuf> {
    env.non_empty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env.non_empty("HOME").map(|h| Path::new(h).join(".config")))
        .map(|base| base.join("git/ignore"))
}

/// Adds one rule file, read bounded. A `.gitignore` in the work tree that is
/// a symlink is skipped, as git (2.32 and later) skips it.
fn add_file(search: &mut gix_ignore::Search, file: &Path, work_tree: Option<&Path>) {
    let is_symlink = std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink());
    if work_tree.is_some() && is_symlink {
        return;
    }
    if let Ok(bytes) = fsread::read_bounded(file, IGNORE_FILE_LIMIT) {
        let _ = search.add_patterns_buffer(&bytes, file, work_tree, Default::default());
    }
}

/// Every directory from the root down to each path's parent, root first.
fn directories_to_read(rel_paths: &[String]) -> Vec<String> {
    let mut dirs = std::collections::BTreeSet::from([String::new()]);
    for path in rel_paths {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash + 1;
            dirs.insert(path[..end - 1].to_string());
        }
    }
    let mut dirs: Vec<String> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| d.matches('/').count() + usize::from(!d.is_empty()));
    dirs
}
