//! The workspace: its devcontainer configuration and the env files that can
//! carry credentials into a container.
//!
//! `devcontainer.json` is JSONC (comments and trailing commas, nothing looser),
//! parsed with `jsonc-parser`; a broken file is kept as a parse error with line
//! and column. Env files are found where devcontainers put them and judged
//! against the repository's ignore rules and index, without running git.

use super::claude_state::Loaded;
pub(crate) use super::devcontainer_file::Devcontainer;
pub use super::devcontainer_file::parse_jsonc;
use super::env::Env;
use super::fsread;
use super::git::{self, GitStatus, Ownership, Repo};
use crate::place::Place;
use crate::secret::Secret;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Devcontainer files are small; a larger one is reported, not parsed.
const DEVCONTAINER_LIMIT: u64 = 1 << 20;
/// Env files are small too.
const ENV_FILE_LIMIT: u64 = 1 << 20;
/// `.devcontainer/*/` entries looked at for more configurations, each up to
/// [`DEVCONTAINER_LIMIT`]; real repositories have a handful.
const NESTED_DEVCONTAINERS_LIMIT: usize = 64;
/// Entries of `.devcontainer/` and each subdirectory looked at for env files.
const ENV_DIR_ENTRIES_LIMIT: usize = 1_000;

/// Variables whose presence in an env file makes it a credential carrier:
/// those of `crate::auth::CREDENTIAL_VARS` whose value is the credential.
/// Gathering cannot read `auth` (it is a layer above, `tests/layers.rs`), so
/// a unit test in `auth` holds this list to that table.
pub(crate) const CREDENTIAL_VARS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_REFRESH_TOKEN",
];

/// What the workspace holds.
#[derive(Clone, Debug)]
pub(crate) struct Workspace {
    /// The directory inspected.
    pub(crate) root: PathBuf,
    /// The git repository holding it, if any.
    pub(crate) repo: Option<Repo>,
    /// Set when git itself would refuse that repository as another user's.
    pub(crate) repo_ownership: Option<Ownership>,
    /// Every `devcontainer.json` found, parsed, with its entries' places.
    pub(crate) devcontainers: Vec<Devcontainer>,
    /// The compose service of every devcontainer that names one.
    pub(crate) compose: Vec<Loaded<super::compose::ComposeService>>,
    /// Env files that can carry credentials, with git's verdict on each.
    pub(crate) env_files: Vec<EnvFile>,
    /// Files named by `--env-file` that do not exist.
    pub(crate) missing_env_files: Vec<MissingEnvFile>,
}

/// An env file that a configuration names but that does not exist.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct MissingEnvFile {
    /// The path as named (relative to the workspace when it is inside it).
    pub(crate) path: String,
    /// "--env-file in .devcontainer/devcontainer.json", "env_file in compose.yml".
    pub(crate) named_by: String,
    /// Where it is named: the `runArgs` entry, or the compose file.
    #[serde(skip)]
    pub(crate) named_at: Place,
}

/// One env file that can carry credentials into the container.
#[derive(Clone, Debug)]
pub(crate) struct EnvFile {
    /// Path relative to the repository root (or the workspace), `/`-separated.
    pub(crate) rel_path: String,
    /// Why it was picked up: "named by --env-file in …", "sets ANTHROPIC_API_KEY".
    pub(crate) reasons: Vec<String>,
    /// Credential variables it assigns a real-looking value, masked.
    pub(crate) credentials: Vec<(String, Secret)>,
    /// The ignore rules' and the index's verdict; `None` outside a repository.
    pub(crate) git: Option<GitStatus>,
    /// The `--env-file` entries of `runArgs` that name it, in devcontainer.json.
    pub(crate) named_at: Vec<Place>,
}

impl Workspace {
    /// Inspects `root` as `uid` sees it; `sysroot` holds `/etc/gitconfig`.
    pub(crate) fn gather(root: &Path, env: &Env, uid: u32, sysroot: &Path) -> Self {
        let repo = git::find_repo(root);
        let devcontainers = find_devcontainers(root);
        let mut parsed = super::compose::ComposeCache::default();
        let compose: Vec<_> = devcontainers
            .iter()
            .filter_map(|d| Some((d.path.as_path(), d.ok()?)))
            .flat_map(|(path, config)| super::compose::load(path, config, &mut parsed))
            .collect();
        let mut missing = Vec::new();
        let mut env_files = find_env_files(root, env, &devcontainers, &compose, &mut missing);
        let base = repo.as_ref().map_or(root, |r| r.root.as_path());
        for file in &mut env_files {
            file.rel_path = relative(base, &root.join(&file.rel_path));
        }
        let mut repo_ownership = None;
        if let Some(repo) = &repo {
            let paths: Vec<String> = env_files.iter().map(|f| f.rel_path.clone()).collect();
            let facts = git::judge(repo, &paths, env, uid, sysroot);
            for (file, status) in env_files.iter_mut().zip(facts.statuses) {
                file.git = Some(status);
            }
            repo_ownership = facts.ownership;
        }
        Workspace {
            root: root.to_path_buf(),
            repo,
            repo_ownership,
            devcontainers,
            compose,
            env_files,
            missing_env_files: missing,
        }
    }

    /// Every parsed devcontainer configuration with its path.
    pub(crate) fn parsed_devcontainers(&self) -> impl Iterator<Item = (&Path, &Value)> {
        self.devcontainers
            .iter()
            .filter_map(|d| d.ok().map(|v| (d.path.as_path(), v)))
    }

    /// The gathered `devcontainer.json` at `path`, for the places of its
    /// entries ([`Devcontainer::place_of`]).
    pub(crate) fn devcontainer(&self, path: &Path) -> Option<&Devcontainer> {
        self.devcontainers.iter().find(|d| d.is_at(path))
    }

    /// Where an entry of the devcontainer.json at `path` is
    /// ([`Devcontainer::place_of`]); the file and the entry's name when its
    /// line is not known.
    pub(crate) fn devcontainer_place(&self, path: &Path, keys: &[&str]) -> Place {
        self.devcontainer(path)
            .and_then(|d| d.place_of(keys))
            .unwrap_or_else(|| Place::file(path).key(super::devcontainer_file::key_name(keys)))
    }

    /// What the workspace tells about who starts `claude`: a devcontainer
    /// is here, it names a compose file, and its literal `remoteEnv` values
    /// are in this very process (so its launcher applied them).
    pub(crate) fn launcher_hints(&self, env: &Env) -> super::launcher::WorkspaceHints {
        let configs: Vec<&Value> = self.parsed_devcontainers().map(|(_, v)| v).collect();
        let remote_env_applied = configs.iter().any(|config| {
            config
                .get("remoteEnv")
                .and_then(Value::as_object)
                .is_some_and(|vars| {
                    vars.iter().any(|(name, value)| {
                        value.as_str().is_some_and(|literal| {
                            !literal.is_empty()
                                && !literal.contains("${")
                                && env.get(name) == Some(literal)
                        })
                    })
                })
        });
        super::launcher::WorkspaceHints {
            devcontainer: !self.devcontainers.is_empty(),
            devcontainer_compose: configs.iter().any(|c| c.get("dockerComposeFile").is_some()),
            remote_env_applied,
        }
    }

    /// A path shown relative to the workspace when it is inside it.
    pub(crate) fn display(&self, path: &Path) -> String {
        relative(&self.root, path)
    }
}

/// The places devcontainer tooling looks for a configuration.
fn find_devcontainers(root: &Path) -> Vec<Devcontainer> {
    let mut paths = vec![
        root.join(".devcontainer/devcontainer.json"),
        root.join(".devcontainer.json"),
    ];
    let mut nested: Vec<PathBuf> =
        fsread::dir_entries(&root.join(".devcontainer"), NESTED_DEVCONTAINERS_LIMIT)
            .map(|e| e.path().join("devcontainer.json"))
            .collect();
    nested.sort();
    paths.extend(nested);
    paths
        .into_iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|path| Devcontainer::load(path, DEVCONTAINER_LIMIT))
        .collect()
}

/// Env files named by `runArgs` or a compose `env_file`, the conventional
/// `.devcontainer/api.env`, and any `.env`/`*.env` under `.devcontainer/`
/// that sets a credential.
fn find_env_files(
    root: &Path,
    env: &Env,
    devcontainers: &[Devcontainer],
    compose: &[Loaded<super::compose::ComposeService>],
    missing: &mut Vec<MissingEnvFile>,
) -> Vec<EnvFile> {
    let mut found: Vec<EnvFile> = Vec::new();
    // Where each path sits in `found`: tens of thousands of files stay linear.
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut add = |path: &Path, reason: String, named_at: Option<Place>| {
        let rel = relative(root, path);
        let at = *position.entry(rel.clone()).or_insert_with(|| {
            found.push(EnvFile {
                credentials: read_credentials(path),
                rel_path: rel,
                reasons: Vec::new(),
                git: None,
                named_at: Vec::new(),
            });
            found.len() - 1
        });
        found[at].reasons.push(reason);
        found[at].named_at.extend(named_at);
    };
    for config in devcontainers {
        let Some(value) = config.ok() else { continue };
        let config_dir = config.path.parent().unwrap_or(root);
        let named_by = format!("--env-file in {}", relative(root, &config.path));
        for (index, named) in env_file_arg_indices(value) {
            // A path the container cannot resolve (the host's own
            // environment, the container id) can be judged neither way.
            let Some(named) = substitute(&named, root, env) else {
                continue;
            };
            let candidates = [root.join(&named), config_dir.join(&named)];
            let place = config.place_of(&["runArgs", &index.to_string()]);
            match candidates.iter().find(|p| p.is_file()) {
                Some(path) => add(path, format!("named by {named_by}"), place),
                None => missing.push(MissingEnvFile {
                    path: relative(root, &root.join(&named)),
                    named_by: named_by.clone(),
                    named_at: place.unwrap_or_else(|| Place::file(&config.path)),
                }),
            }
        }
    }
    for file in compose {
        let Some(service) = file.ok() else { continue };
        let named_by = format!("env_file in {}", relative(root, &file.path));
        for (path, required) in &service.env_files {
            if path.is_file() {
                add(path, format!("named by {named_by}"), None);
            } else if *required {
                missing.push(MissingEnvFile {
                    path: relative(root, path),
                    named_by: named_by.clone(),
                    named_at: Place::file(&file.path),
                });
            }
        }
    }
    let conventional = root.join(".devcontainer/api.env");
    if conventional.is_file() {
        add(
            &conventional,
            "the conventional .devcontainer/api.env".to_string(),
            None,
        );
    }
    for path in env_like_files(&root.join(".devcontainer")) {
        let credentials = read_credentials(&path);
        if let Some((name, _)) = credentials.first() {
            add(&path, format!("sets {name}"), None);
        }
    }
    found
}

/// `named` with the devcontainer variables (spec: "Variables in
/// devcontainer.json") replaced as this container sees them:
/// `${localWorkspaceFolder}` is the host's folder, which is mounted here as
/// the workspace root (so is `${containerWorkspaceFolder}`), its basename
/// for `${localWorkspaceFolderBasename}`, and `${containerEnv:X}` from this
/// environment. `None` when a variable remains that only the host knows
/// (`${localEnv:X}`, `${devcontainerId}`) or that this environment lacks.
fn substitute(named: &str, root: &Path, env: &Env) -> Option<String> {
    let mut out = String::with_capacity(named.len());
    let mut rest = named;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('}')?;
        let variable = &rest[start + 2..end];
        let (name, default) = match variable.split_once(':') {
            Some((kind, arg)) if kind == "containerEnv" => (kind, Some(arg)),
            _ => (variable, None),
        };
        let value = match (name, default) {
            ("localWorkspaceFolder" | "containerWorkspaceFolder", _) => root.display().to_string(),
            ("localWorkspaceFolderBasename" | "containerWorkspaceFolderBasename", _) => {
                root.file_name()?.to_string_lossy().into_owned()
            }
            ("containerEnv", Some(arg)) => {
                let (var, fallback) = arg.split_once(':').unwrap_or((arg, ""));
                env.get(var)
                    .map(str::to_string)
                    .or_else(|| (!fallback.is_empty()).then(|| fallback.to_string()))?
            }
            _ => return None,
        };
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `--env-file X` and `--env-file=X` in every `runArgs`.
pub fn env_file_args(config: &Value) -> Vec<String> {
    env_file_arg_indices(config)
        .into_iter()
        .map(|(_, named)| named)
        .collect()
}

/// The same, each with the index in `runArgs` of the flag that names it.
fn env_file_arg_indices(config: &Value) -> Vec<(usize, String)> {
    let Some(args) = config.get("runArgs").and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut named = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let Some(arg) = arg.as_str() else { continue };
        if let Some(value) = arg.strip_prefix("--env-file=") {
            named.push((i, value.to_string()));
        } else if arg == "--env-file"
            && let Some(value) = args.get(i + 1).and_then(Value::as_str)
        {
            named.push((i, value.to_string()));
        }
    }
    named
}

/// `.env` and `*.env` files in a directory and its direct subdirectories.
fn env_like_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![(dir.to_path_buf(), 0)];
    while let Some((current, depth)) = dirs.pop() {
        for entry in fsread::dir_entries(&current, ENV_DIR_ENTRIES_LIMIT) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() && depth == 0 {
                dirs.push((path, depth + 1));
            } else if kind.is_file() && (name == ".env" || name.ends_with(".env")) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The credential variables an env file assigns a real-looking value.
fn read_credentials(path: &Path) -> Vec<(String, Secret)> {
    fsread::read_text_bounded(path, ENV_FILE_LIMIT)
        .map(|text| parse_env_file(&text))
        .unwrap_or_default()
}

/// The credential variables an env file's text assigns a real-looking value.
pub fn parse_env_file(text: &str) -> Vec<(String, Secret)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (name, value) = line.split_once('=')?;
            let name = name.trim();
            let value = Secret::new(value.trim_end_matches('\r').to_string());
            let real =
                CREDENTIAL_VARS.contains(&name) && !value.is_empty() && !value.is_placeholder();
            real.then(|| (name.to_string(), value))
        })
        .collect()
}

/// `path` relative to `base`, or the full path when outside. A backslash
/// is a character of a Linux file name (`a\b.env`), not a separator.
fn relative(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_allows_comments_and_trailing_commas_only() {
        let ok = parse_jsonc("{\n // c\n \"a\": [1,2,],\n}").unwrap();
        assert_eq!(ok["a"][1], 2);
        let err = parse_jsonc("{\n \"a\": 1\n \"b\": 2\n}").unwrap_err();
        assert!(err.describe().contains("comma on line 2"), "{err:?}");
        assert!(parse_jsonc("{'a': 1}").is_err());
        let deep = "[".repeat(100_000);
        assert!(
            parse_jsonc(&deep)
                .unwrap_err()
                .describe()
                .contains("nested")
        );
    }

    #[test]
    fn devcontainer_variables_resolve_to_the_mounted_workspace() {
        let root = Path::new("/workspaces/app");
        let env: Env = [("ENV_DIR".to_string(), "/run/env".to_string())]
            .into_iter()
            .collect();
        let cases = [
            (
                "${localWorkspaceFolder}/.devcontainer/.env",
                Some("/workspaces/app/.devcontainer/.env"),
            ),
            (
                "${containerWorkspaceFolder}/a.env",
                Some("/workspaces/app/a.env"),
            ),
            ("../${localWorkspaceFolderBasename}.env", Some("../app.env")),
            ("${containerEnv:ENV_DIR}/x.env", Some("/run/env/x.env")),
            ("${containerEnv:NOPE:/etc}/x.env", Some("/etc/x.env")),
            ("${containerEnv:NOPE}/x.env", None),
            ("${localEnv:HOME}/.claude.env", None),
            ("${devcontainerId}.env", None),
            ("${localWorkspaceFolder", None),
            ("plain.env", Some("plain.env")),
        ];
        for (named, expected) in cases {
            assert_eq!(
                substitute(named, root, &env).as_deref(),
                expected,
                "{named}"
            );
        }
    }

    #[test]
    fn finds_env_file_arguments() {
        let config =
            parse_jsonc(r#"{"runArgs": ["--env-file", "a.env", "--env-file=b.env", "-p"]}"#)
                .unwrap();
        assert_eq!(env_file_args(&config), ["a.env", "b.env"]);
    }
}
