//! The Docker Compose file a devcontainer names (`dockerComposeFile` and
//! `service`): the service's `environment` and `env_file`, which decide what
//! reaches the container.

use super::claude_state::{LoadError, Loaded};
use super::fsread;
use super::workspace::nesting_depth;
use serde_json::Value;
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

/// Compose files are small; a larger one is reported, not parsed.
const COMPOSE_LIMIT: u64 = 1 << 20;
/// Deeper flow nesting than this is refused before the parser sees it.
const MAX_DEPTH: usize = 256;

/// What a compose service passes into its container.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ComposeService {
    /// The service's name.
    pub service: String,
    /// `environment` entries: name and the value as written (`None` for a
    /// bare name, which passes the host's value through).
    pub environment: Vec<(String, Option<String>)>,
    /// `env_file` entries: the resolved path and whether it is required.
    pub env_files: Vec<(PathBuf, bool)>,
}

/// The service of every compose file named by a parsed devcontainer.json.
pub fn load(devcontainer: &Path, config: &Value) -> Vec<Loaded<ComposeService>> {
    let Some(service) = config.get("service").and_then(Value::as_str) else {
        return Vec::new();
    };
    let base = devcontainer.parent().unwrap_or(Path::new("."));
    let files: Vec<&str> = match config.get("dockerComposeFile") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    files
        .into_iter()
        .map(|file| {
            let path = base.join(file);
            Loaded {
                content: read_service(&path, service),
                path,
            }
        })
        .collect()
}

fn read_service(path: &Path, service: &str) -> Result<ComposeService, LoadError> {
    let text = fsread::read_text_bounded(path, COMPOSE_LIMIT).map_err(LoadError::File)?;
    parse_service(&text, service, path.parent().unwrap_or(Path::new(".")))
}

/// A compose file's text: the named service's environment and env files
/// (relative paths resolved against `dir`).
pub fn parse_service(text: &str, service: &str, dir: &Path) -> Result<ComposeService, LoadError> {
    if nesting_depth(text) > MAX_DEPTH {
        return Err(LoadError::Parse(format!(
            "nested deeper than {MAX_DEPTH} levels"
        )));
    }
    let docs = YamlLoader::load_from_str(text).map_err(|e| LoadError::Parse(e.to_string()))?;
    let doc = docs.first().ok_or(LoadError::Empty)?;
    let found = &doc["services"][service];
    if found.is_badvalue() {
        return Ok(ComposeService {
            service: service.to_string(),
            ..ComposeService::default()
        });
    }
    Ok(ComposeService {
        service: service.to_string(),
        environment: environment(&found["environment"]),
        env_files: env_files(&found["env_file"], dir),
    })
}

/// `environment:` as a map (`KEY: value`) or a list (`KEY=value`, `KEY`).
fn environment(node: &Yaml) -> Vec<(String, Option<String>)> {
    match node {
        Yaml::Hash(map) => map
            .iter()
            .filter_map(|(k, v)| Some((scalar(k)?, scalar(v))))
            .collect(),
        Yaml::Array(items) => items
            .iter()
            .filter_map(scalar)
            .map(|entry| match entry.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (entry, None),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `env_file:` as a string, a list of strings, or a list of `{path, required}`.
fn env_files(node: &Yaml, dir: &Path) -> Vec<(PathBuf, bool)> {
    let entry = |item: &Yaml| -> Option<(PathBuf, bool)> {
        match item {
            Yaml::String(s) => Some((dir.join(s), true)),
            Yaml::Hash(_) => {
                let path = item["path"].as_str()?;
                Some((dir.join(path), item["required"].as_bool().unwrap_or(true)))
            }
            _ => None,
        }
    };
    match node {
        Yaml::Array(items) => items.iter().filter_map(entry).collect(),
        other => entry(other).into_iter().collect(),
    }
}

fn scalar(node: &Yaml) -> Option<String> {
    match node {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_environment_and_env_files_in_every_shape() {
        let dir = tempfile::tempdir().unwrap();
        let compose = dir.path().join("compose.yml");
        std::fs::write(
            &compose,
            "services:\n  app:\n    environment:\n      - ANTHROPIC_API_KEY\n      - CLAUDE_CONFIG_DIR=/cfg\n    env_file:\n      - a.env\n      - path: b.env\n        required: false\n  db:\n    environment:\n      X: 1\n",
        )
        .unwrap();
        let app = read_service(&compose, "app").unwrap();
        assert_eq!(app.environment[0], ("ANTHROPIC_API_KEY".to_string(), None));
        assert_eq!(app.environment[1].1.as_deref(), Some("/cfg"));
        assert_eq!(
            app.env_files,
            [
                (dir.path().join("a.env"), true),
                (dir.path().join("b.env"), false)
            ]
        );
        let db = read_service(&compose, "db").unwrap();
        assert_eq!(db.environment, [("X".to_string(), Some("1".to_string()))]);
        std::fs::write(&compose, "services: [").unwrap();
        assert!(matches!(
            read_service(&compose, "app"),
            Err(LoadError::Parse(_))
        ));
        std::fs::write(&compose, "[".repeat(100_000)).unwrap();
        assert!(
            read_service(&compose, "app")
                .unwrap_err()
                .describe()
                .contains("nested")
        );
    }
}
