//! The few git configuration values that decide an ignore or tracked answer,
//! read from the files git reads (system, global, the repository's own, and
//! the `include.path` files they name). Values are read, never acted on: a
//! `core.fsmonitor` or a credential helper here is text, not a program.

use super::{Repo, fsread};
use crate::gather::env::Env;
use crate::gather::system;
use gix_config::{File, Source};
use std::path::{Path, PathBuf};

/// Config files are small; a larger one is skipped.
const CONFIG_FILE_LIMIT: u64 = 1 << 20;
/// How deep `include.path` chains are followed (git stops at 10 as well).
const MAX_INCLUDE_DEPTH: usize = 10;

/// Where a configuration file sits in git's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// `/etc/gitconfig`, `$GIT_CONFIG_SYSTEM`.
    System,
    /// `~/.config/git/config`, `~/.gitconfig`, `$GIT_CONFIG_GLOBAL`.
    Global,
    /// The repository's `config`, which the repository's owner controls.
    Local,
}

impl Scope {
    /// Only system and global files may allow a foreign repository
    /// (git-config(1), `safe.directory`).
    fn is_protected(self) -> bool {
        self != Scope::Local
    }
}

/// One parsed file.
struct Layer {
    scope: Scope,
    file: File,
}

/// Every configuration layer, lowest precedence first.
pub(super) struct GitConfig {
    layers: Vec<Layer>,
    home: Option<PathBuf>,
}

impl GitConfig {
    /// Reads the layers git would read for `repo`.
    pub(super) fn load(repo: &Repo, env: &Env, sysroot: &Path) -> Self {
        let home = env.non_empty("HOME").map(PathBuf::from);
        let mut config = GitConfig {
            layers: Vec::new(),
            home,
        };
        for (scope, path) in config_files(repo, env, sysroot, config.home.as_deref()) {
            config.add(scope, &path, 0);
        }
        config
    }

    fn add(&mut self, scope: Scope, path: &Path, depth: usize) {
        let Ok(bytes) = fsread::read_bounded(path, CONFIG_FILE_LIMIT) else {
            return;
        };
        let meta = gix_config::file::Metadata::from(source_of(scope)).at(path);
        let Ok(file) = File::from_bytes_no_includes(&bytes, meta, Default::default()) else {
            return;
        };
        let includes: Vec<PathBuf> = file
            .strings("include.path")
            .unwrap_or_default()
            .iter()
            .filter_map(|p| self.expand(&p.to_string(), path.parent()?))
            .collect();
        self.layers.push(Layer { scope, file });
        if depth < MAX_INCLUDE_DEPTH {
            for include in includes {
                self.add(scope, &include, depth + 1);
            }
        }
    }

    /// The last value of `key` in any layer.
    fn last(&self, key: &str) -> Option<String> {
        self.layers
            .iter()
            .rev()
            .find_map(|l| l.file.string(key))
            .map(|v| v.to_string())
    }

    /// `core.excludesFile`, resolved as git resolves it when run at `work_tree`.
    pub(super) fn excludes_file(&self, work_tree: &Path) -> Option<PathBuf> {
        self.expand(&self.last("core.excludesFile")?, work_tree)
    }

    /// `core.ignoreCase`: rules then match regardless of case.
    pub(super) fn ignore_case(&self) -> bool {
        self.layers
            .iter()
            .rev()
            .find_map(|l| l.file.boolean("core.ignoreCase").ok().flatten())
            .unwrap_or(false)
    }

    /// `extensions.objectFormat`: `sha1` unless the repository says otherwise.
    pub(super) fn object_format(&self) -> String {
        self.last("extensions.objectFormat")
            .unwrap_or_else(|| "sha1".to_string())
    }

    /// A system or global `safe.directory` lists `work_tree`, or is `*`; an
    /// empty value clears the list.
    pub(super) fn is_safe_directory(&self, work_tree: &Path) -> bool {
        let mut listed: Vec<String> = Vec::new();
        let values = self
            .layers
            .iter()
            .filter(|l| l.scope.is_protected())
            .flat_map(|l| l.file.strings("safe.directory").unwrap_or_default());
        for value in values {
            match value.to_string().as_str() {
                "" => listed.clear(),
                other => listed.push(other.to_string()),
            }
        }
        let target = work_tree.to_string_lossy();
        let target = target.trim_end_matches('/');
        listed.iter().any(|entry| {
            let entry = entry.trim_end_matches('/');
            entry == "*"
                || entry == target
                || entry
                    .strip_suffix("/*")
                    .is_some_and(|prefix| target.starts_with(&format!("{prefix}/")))
        })
    }

    /// `~/x` under HOME, absolute paths as they are, others under `base`.
    fn expand(&self, value: &str, base: &Path) -> Option<PathBuf> {
        if value.is_empty() {
            return None;
        }
        if let Some(rest) = value.strip_prefix("~/") {
            return self.home.as_ref().map(|h| h.join(rest));
        }
        if value.starts_with('~') {
            return None;
        }
        Some(base.join(value))
    }
}

/// gix-config's name for a scope (kept for its own diagnostics only).
fn source_of(scope: Scope) -> Source {
    match scope {
        Scope::System => Source::System,
        Scope::Global => Source::User,
        Scope::Local => Source::Local,
    }
}

/// The files git reads, in its order.
fn config_files(
    repo: &Repo,
    env: &Env,
    sysroot: &Path,
    home: Option<&Path>,
) -> Vec<(Scope, PathBuf)> {
    let mut files = Vec::new();
    if !env.is_truthy("GIT_CONFIG_NOSYSTEM") {
        let system = env
            .non_empty("GIT_CONFIG_SYSTEM")
            .map_or_else(|| system::under(sysroot, "/etc/gitconfig"), PathBuf::from);
        files.push((Scope::System, system));
    }
    match env.non_empty("GIT_CONFIG_GLOBAL") {
        Some(global) => files.push((Scope::Global, PathBuf::from(global))),
        None => {
            let xdg = env
                .non_empty("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| home.map(|h| h.join(".config")));
            files.extend(xdg.map(|x| (Scope::Global, x.join("git/config"))));
            files.extend(home.map(|h| (Scope::Global, h.join(".gitconfig"))));
        }
    }
    files.push((Scope::Local, repo.common_dir.join("config")));
    files
}
