//! Credentials written where Claude Code never looks for one: a config file
//! of another tool's shape (`~/.config/claude/config.json`; the 2.1.332
//! bundle has no `config/claude` path), a workspace-root `.env` that nothing
//! names (no shell reads it; Docker Compose uses it only to fill in `${…}`),
//! and an `export` inside a devcontainer lifecycle command, which dies with
//! the shell that ran it. Each file is read bounded; the values are kept
//! only for the scrubber.

use super::env::Env;
use super::fsread;
use super::workspace::{CREDENTIAL_VARS, Workspace, parse_env_file};
use crate::place::Place;
use crate::secret::Secret;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Files this small are all a hand-written config or env file needs.
const LIMIT: u64 = 1 << 20;

/// Keys of a JSON config that hold a credential, besides the variables'
/// own names.
const JSON_KEYS: &[&str] = &["apiKey", "api_key", "primaryApiKey", "oauthToken", "token"];

/// Where a stray credential sits, which says why the client misses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StrayKind {
    /// A config file Claude Code does not read.
    UnreadFile,
    /// A workspace-root `.env` that no configuration names.
    WorkspaceDotEnv,
    /// `export NAME=…` in a devcontainer lifecycle command.
    LifecycleExport {
        /// The hook: `postCreateCommand`, …
        hook: &'static str,
    },
}

/// One credential the client never sees.
#[derive(Clone, Debug)]
pub(crate) struct StrayCredential {
    /// The variable or key that holds it.
    pub(crate) name: String,
    /// Its value, for the scrubber only.
    pub(crate) value: Secret,
    /// The file (and line, or entry) it is in.
    pub(crate) place: Place,
    /// Why it does not reach the client.
    pub(crate) kind: StrayKind,
}

/// Every stray credential of the snapshot. `read_settings` is the user
/// settings file the client does read (`CLAUDE_CONFIG_DIR` may point at
/// `~/.config/claude`), which is never called stray.
pub(crate) fn find(
    env: &Env,
    home: Option<&Path>,
    read_settings: Option<&Path>,
    workspace: &Workspace,
) -> Vec<StrayCredential> {
    let mut found = Vec::new();
    for path in unread_files(env, home) {
        if Some(path.as_path()) != read_settings {
            found.extend(in_json_file(&path));
        }
    }
    found.extend(in_workspace_dot_env(workspace));
    found.extend(in_lifecycle_commands(workspace));
    found
}

/// Config files of names a user might guess, none of which the client reads.
fn unread_files(env: &Env, home: Option<&Path>) -> Vec<PathBuf> {
    let Some(home) = home else {
        return Vec::new();
    };
    let config = env
        .non_empty("XDG_CONFIG_HOME")
        .map_or_else(|| home.join(".config"), PathBuf::from);
    let mut paths: Vec<PathBuf> = ["claude", "claude-code"]
        .iter()
        .flat_map(|dir| {
            ["config.json", "settings.json", "credentials.json"].map(|f| config.join(dir).join(f))
        })
        .collect();
    paths.push(home.join(".claude/config.json"));
    paths.push(home.join(".claude/credentials.json"));
    paths
}

/// The credentials a JSON file holds, under a variable's name or a key
/// such as `apiKey`, at any depth.
fn in_json_file(path: &Path) -> Vec<StrayCredential> {
    let Ok(text) = fsread::read_text_bounded(path, LIMIT) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_str::<Value>(&text) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    json_credentials(&value, &mut |name, value| {
        let secret = Secret::new(value);
        if secret.is_empty() || secret.is_placeholder() {
            return;
        }
        let quoted = format!("\"{name}\"");
        let place = match text.find(&quoted) {
            Some(at) => {
                let (line, column) = crate::place::line_column(&text, at);
                Place::line(path, line, Some(column)).key(name)
            }
            None => Place::file(path).key(name),
        };
        found.push(StrayCredential {
            name: name.to_string(),
            value: secret,
            place,
            kind: StrayKind::UnreadFile,
        });
    });
    found
}

/// Calls `each` with every (key, string) whose key names a credential.
fn json_credentials(value: &Value, each: &mut impl FnMut(&str, &str)) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let named =
                    CREDENTIAL_VARS.contains(&key.as_str()) || JSON_KEYS.contains(&key.as_str());
                match value {
                    Value::String(s) if named => each(key, s),
                    other => json_credentials(other, each),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| json_credentials(v, each)),
        _ => {}
    }
}

/// `<workspace>/.env`, when no `--env-file` or compose `env_file` names it.
fn in_workspace_dot_env(workspace: &Workspace) -> Vec<StrayCredential> {
    let path = workspace.root.join(".env");
    let named = workspace.env_files.iter().any(|f| {
        let base = workspace.repo.as_ref().map_or(&workspace.root, |r| &r.root);
        base.join(&f.rel_path) == path
    });
    if named {
        return Vec::new();
    }
    let Ok(text) = fsread::read_text_bounded(&path, LIMIT) else {
        return Vec::new();
    };
    parse_env_file(&text)
        .into_iter()
        .map(|(name, value)| {
            let line = text
                .lines()
                .position(|l| {
                    let l = l.trim_start();
                    let l = l.strip_prefix("export ").unwrap_or(l);
                    l.split_once('=').is_some_and(|(n, _)| n.trim() == name)
                })
                .map_or(1, |i| i as u32 + 1);
            StrayCredential {
                place: Place::line(&path, line, None).key(name.clone()),
                name,
                value,
                kind: StrayKind::WorkspaceDotEnv,
            }
        })
        .collect()
}

/// `export NAME=value` of a credential in a lifecycle command that does not
/// write anything anywhere (`>> ~/.bashrc` would reach later shells).
fn in_lifecycle_commands(workspace: &Workspace) -> Vec<StrayCredential> {
    let mut found = Vec::new();
    for (path, config) in workspace.parsed_devcontainers() {
        for (hook, command) in crate::devcontainer::lifecycle_commands(config) {
            if command.contains('>') || command.contains("tee ") {
                continue;
            }
            for (name, value) in exports(&command) {
                let place = workspace
                    .devcontainer(path)
                    .and_then(|d| d.place_of(&[hook]))
                    .unwrap_or_else(|| Place::file(path).key(hook));
                found.push(StrayCredential {
                    name,
                    value,
                    place,
                    kind: StrayKind::LifecycleExport { hook },
                });
            }
        }
    }
    found
}

/// The credentials a shell command exports: `export A=1 B=2; …`.
fn exports(command: &str) -> Vec<(String, Secret)> {
    let mut found = Vec::new();
    for segment in command.split([';', '&', '|', '\n']) {
        let mut words = segment.split_whitespace();
        if words.next() != Some("export") {
            continue;
        }
        for word in words {
            let Some((name, value)) = word.split_once('=') else {
                continue;
            };
            let value = Secret::new(value.trim_matches(|c| c == '"' || c == '\''));
            if CREDENTIAL_VARS.contains(&name) && !value.is_empty() {
                found.push((name.to_string(), value));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_are_read_from_each_segment() {
        let found = exports(
            "npm ci && export ANTHROPIC_API_KEY='sk-ant-x' FOO=1; export CLAUDE_CODE_OAUTH_TOKEN=",
        );
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ANTHROPIC_API_KEY"]);
        assert_eq!(found[0].1.expose(), "sk-ant-x");
    }
}
