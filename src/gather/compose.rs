//! The Docker Compose file a devcontainer names (`dockerComposeFile` and
//! `service`): the service's `environment` and `env_file`, which decide what
//! reaches the container.
//!
//! A compose file is bounded before a tree is built from it: its size
//! ([`COMPOSE_LIMIT`]), its nesting, block or flow ([`MAX_DEPTH`]), and the
//! size of the tree once every alias is expanded ([`MAX_EXPANDED`]), measured
//! on the parser's event stream, which holds no tree and does not recurse. A
//! file named many times (by one devcontainer or several) is read and parsed
//! once.

use super::claude_state::{LoadError, Loaded};
use super::fsread;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::{Yaml, YamlLoader};

/// Compose files are small; a larger one is reported, not parsed.
const COMPOSE_LIMIT: u64 = 1 << 20;
/// Deeper nesting than this is refused before a tree is built: the tree's
/// drop recurses, and 50,000 nested block sequences overflow the stack
/// (the scanner stops flow nesting at 255 by itself; block nesting it does not).
const MAX_DEPTH: usize = 128;
/// What the tree may cost with aliases expanded, each node counted as
/// [`NODE_COST`] plus its scalar's bytes: a few times any real compose file,
/// and far below the gigabytes a 450-byte alias bomb asks for.
const MAX_EXPANDED: usize = 32 << 20;
/// The cost of one node, about the size of a `Yaml` value.
const NODE_COST: usize = 64;

/// What a compose service passes into its container.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ComposeService {
    /// The service's name.
    pub(crate) service: String,
    /// `environment` entries: name and the value as written (`None` for a
    /// bare name, which passes the host's value through).
    pub(crate) environment: Vec<(String, Option<String>)>,
    /// `env_file` entries: the resolved path and whether it is required.
    pub(crate) env_files: Vec<(PathBuf, bool)>,
}

/// Compose files already parsed, by canonical path, so that a file named
/// again (8,000 times in one hostile devcontainer.json) costs nothing more.
#[derive(Default)]
pub(crate) struct ComposeCache {
    parsed: HashMap<PathBuf, Result<Yaml, LoadError>>,
}

impl ComposeCache {
    /// The first document of the file at `path`, parsed once.
    fn document(&mut self, path: &Path) -> &Result<Yaml, LoadError> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.parsed.entry(key).or_insert_with(|| {
            let text = fsread::read_text_bounded(path, COMPOSE_LIMIT).map_err(LoadError::File)?;
            parse_document(&text)
        })
    }
}

/// The service of every compose file named by a parsed devcontainer.json,
/// each file once.
pub(crate) fn load(
    devcontainer: &Path,
    config: &Value,
    cache: &mut ComposeCache,
) -> Vec<Loaded<ComposeService>> {
    let Some(service) = config.get("service").and_then(Value::as_str) else {
        return Vec::new();
    };
    let base = devcontainer.parent().unwrap_or(Path::new("."));
    let mut files: Vec<&str> = match config.get("dockerComposeFile") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(*file));
    files
        .into_iter()
        .map(|file| {
            let path = base.join(file);
            let dir = path.parent().unwrap_or(Path::new("."));
            Loaded {
                content: cache
                    .document(&path)
                    .clone()
                    .map(|doc| service_of(&doc, service, dir)),
                path,
            }
        })
        .collect()
}

/// A compose file's text: the named service's environment and env files
/// (relative paths resolved against `dir`).
pub fn parse_service(text: &str, service: &str, dir: &Path) -> Result<ComposeService, LoadError> {
    parse_document(text).map(|doc| service_of(&doc, service, dir))
}

/// The first document, once the text is known to be bounded.
fn parse_document(text: &str) -> Result<Yaml, LoadError> {
    check_bounds(text)?;
    let docs = YamlLoader::load_from_str(text).map_err(|e| LoadError::Parse(e.to_string()))?;
    docs.into_iter().next().ok_or(LoadError::Empty)
}

/// Walks the parser's events, without building anything, and refuses text
/// nested deeper than [`MAX_DEPTH`] or whose aliases would expand past
/// [`MAX_EXPANDED`]. An anchored node's cost is remembered, so each alias
/// adds what the loader would copy for it.
fn check_bounds(text: &str) -> Result<(), LoadError> {
    let mut parser = Parser::new_from_str(text);
    // Per open collection: its anchor id (0 for none) and the cost before it.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut anchored: HashMap<usize, usize> = HashMap::new();
    let mut expanded = 0usize;
    loop {
        let (event, _) = parser
            .next_token()
            .map_err(|e| LoadError::Parse(e.to_string()))?;
        let cost = match event {
            Event::StreamEnd => return Ok(()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() == MAX_DEPTH {
                    return Err(LoadError::Parse(format!(
                        "nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                open.push((anchor, expanded));
                NODE_COST
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, before)) = open.pop().filter(|(anchor, _)| *anchor > 0) {
                    anchored.insert(anchor, expanded - before);
                }
                0
            }
            Event::Scalar(value, _, anchor, _) => {
                let cost = NODE_COST + value.len();
                if anchor > 0 {
                    anchored.insert(anchor, cost);
                }
                cost
            }
            Event::Alias(anchor) => anchored.get(&anchor).copied().unwrap_or(NODE_COST),
            _ => 0,
        };
        expanded = expanded.saturating_add(cost);
        if expanded > MAX_EXPANDED {
            return Err(LoadError::Parse(format!(
                "its aliases expand to more than {} MiB (an alias bomb?)",
                MAX_EXPANDED >> 20
            )));
        }
    }
}

/// The named service of a parsed compose document.
fn service_of(doc: &Yaml, service: &str, dir: &Path) -> ComposeService {
    let found = &doc["services"][service];
    if found.is_badvalue() {
        return ComposeService {
            service: service.to_string(),
            ..ComposeService::default()
        };
    }
    ComposeService {
        service: service.to_string(),
        environment: environment(&found["environment"]),
        env_files: env_files(&found["env_file"], dir),
    }
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

    fn read_service(path: &Path, service: &str) -> Result<ComposeService, LoadError> {
        let text = fsread::read_text_bounded(path, COMPOSE_LIMIT).map_err(LoadError::File)?;
        parse_service(&text, service, path.parent().unwrap())
    }

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
        // Flow nesting the scanner itself stops at 255 levels.
        std::fs::write(&compose, "[".repeat(100_000)).unwrap();
        let deep = read_service(&compose, "app").unwrap_err().describe();
        assert!(deep.contains("recursion limit"), "{deep}");
    }

    #[test]
    fn block_nesting_and_alias_bombs_are_refused_before_a_tree_is_built() {
        let nested = format!("{}x\n", "- ".repeat(50_000));
        let err = parse_service(&nested, "app", Path::new("/")).unwrap_err();
        assert!(err.describe().contains("nested deeper than 128"), "{err:?}");
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let err = parse_service(&bomb, "app", Path::new("/")).unwrap_err();
        assert!(err.describe().contains("alias"), "{err:?}");
        let shared = "x: &x {A: 1}\nservices:\n  app:\n    environment: *x\n";
        let app = parse_service(shared, "app", Path::new("/")).unwrap();
        assert_eq!(app.environment, [("A".to_string(), Some("1".to_string()))]);
    }
}
