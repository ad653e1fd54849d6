//! One `devcontainer.json` as gathered: its parsed value, or why there is
//! none and where the parse stopped, and the line and column of the entries
//! checks talk about, so a problem can point at `remoteEnv.ANTHROPIC_API_KEY`
//! on line 12 rather than at the whole file.
//!
//! The file is JSONC (comments and trailing commas, nothing looser), parsed
//! once with `jsonc-parser` into its AST, whose ranges give the positions.
//! Positions are kept for the top-level keys and for the direct entries of
//! each (`remoteEnv.<NAME>`, `mounts[i]`, `runArgs[i]`, named lifecycle
//! commands): two levels, so their number is bounded by the file's size.

use super::claude_state::LoadError;
use crate::place::{Place, line_column};
use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Deeper nesting than this is refused before the recursive parser sees it.
const MAX_JSONC_DEPTH: usize = 256;

/// A `devcontainer.json` found in the workspace.
#[derive(Clone, Debug)]
pub(crate) struct Devcontainer {
    /// Where the file is.
    pub(crate) path: PathBuf,
    /// Its parsed content or why there is none.
    pub(crate) content: Result<Value, LoadError>,
    /// The 1-based line and column where parsing stopped, when it failed
    /// on the text (not on reading the file).
    pub(crate) error_at: Option<(u32, u32)>,
    /// Where its entries are.
    positions: Positions,
}

impl Devcontainer {
    /// Reads and parses the file at `path`, up to `limit` bytes.
    pub(crate) fn load(path: PathBuf, limit: u64) -> Self {
        match super::fsread::read_text_bounded(&path, limit) {
            Ok(text) => Self::parse(path, &text),
            Err(problem) => Devcontainer {
                path,
                content: Err(LoadError::File(problem)),
                error_at: None,
                positions: Positions::default(),
            },
        }
    }

    /// Parses `text` as the content of the file at `path`.
    pub(crate) fn parse(path: PathBuf, text: &str) -> Self {
        let (content, error_at, positions) = match parse_with_positions(text) {
            Ok((value, positions)) => (Ok(value), None, positions),
            Err((error, at)) => (Err(error), at, Positions::default()),
        };
        Devcontainer {
            path,
            content,
            error_at,
            positions,
        }
    }

    /// The parsed content, if any.
    pub(crate) fn ok(&self) -> Option<&Value> {
        self.content.as_ref().ok()
    }

    /// Where an entry is, by its path from the top: `["remoteEnv",
    /// "ANTHROPIC_API_KEY"]`, `["mounts", "0"]` (an array index in decimal),
    /// `["postCreateCommand"]`. The place names the entry as its key
    /// (`remoteEnv.ANTHROPIC_API_KEY`, `mounts[0]`). `None` for an entry the
    /// file does not have, or one deeper than two levels.
    pub(crate) fn place_of(&self, keys: &[&str]) -> Option<Place> {
        let (line, column) = self.positions.get(keys)?;
        Some(Place::line(&self.path, line, Some(column)).key(key_name(keys)))
    }

    /// The place of the parse error, or the whole file when the error has
    /// no position (unreadable, empty).
    pub(crate) fn error_place(&self) -> Place {
        match self.error_at {
            Some((line, column)) => Place::line(&self.path, line, Some(column)),
            None => Place::file(&self.path),
        }
    }

    /// True when this is the file at `path`.
    pub(crate) fn is_at(&self, path: &Path) -> bool {
        self.path == path
    }
}

/// `remoteEnv.NAME`, `mounts[0]`, `postAttachCommand.server`.
pub(crate) fn key_name(keys: &[&str]) -> String {
    let mut name = String::new();
    for (i, key) in keys.iter().enumerate() {
        match key.parse::<usize>() {
            Ok(index) if i > 0 => name.push_str(&format!("[{index}]")),
            _ if i > 0 => {
                name.push('.');
                name.push_str(key);
            }
            _ => name.push_str(key),
        }
    }
    name
}

/// Line and column of the top-level keys and of their direct entries.
#[derive(Clone, Debug, Default)]
struct Positions {
    top: HashMap<String, Entry>,
}

#[derive(Clone, Debug)]
struct Entry {
    at: (u32, u32),
    children: Children,
}

/// An object's keys, or an array's items in order.
#[derive(Clone, Debug)]
enum Children {
    None,
    Keys(HashMap<String, (u32, u32)>),
    Items(Vec<(u32, u32)>),
}

impl Positions {
    fn get(&self, keys: &[&str]) -> Option<(u32, u32)> {
        match keys {
            [top] => Some(self.top.get(*top)?.at),
            [top, child] => match &self.top.get(*top)?.children {
                Children::Keys(keys) => keys.get(*child).copied(),
                Children::Items(items) => items.get(child.parse::<usize>().ok()?).copied(),
                Children::None => None,
            },
            _ => None,
        }
    }

    /// Walks the top object in document order, so each offset is at or
    /// after the previous one and the whole walk reads the text once.
    fn of(text: &str, root: &ast::Value<'_>) -> Self {
        let mut cursor = Cursor::new(text);
        let mut top = HashMap::new();
        let Some(object) = root.as_object() else {
            return Positions::default();
        };
        for prop in &object.properties {
            let at = cursor.at(prop.name.start());
            let children = match &prop.value {
                ast::Value::Object(inner) => Children::Keys(
                    inner
                        .properties
                        .iter()
                        .map(|p| (p.name.as_str().to_string(), cursor.at(p.name.start())))
                        .collect(),
                ),
                ast::Value::Array(items) => Children::Items(
                    items
                        .elements
                        .iter()
                        .map(|item| cursor.at(item.start()))
                        .collect(),
                ),
                _ => Children::None,
            };
            top.insert(prop.name.as_str().to_string(), Entry { at, children });
        }
        Positions { top }
    }
}

/// Turns increasing byte offsets into lines and columns in one pass.
struct Cursor<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
    column: u32,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    fn at(&mut self, offset: usize) -> (u32, u32) {
        if offset < self.offset {
            // Out of order (never, for a parsed tree): count from the start.
            return line_column(self.text, offset);
        }
        let end = offset.min(self.text.len());
        let Some(skipped) = self.text.get(self.offset..end) else {
            return line_column(self.text, offset);
        };
        for c in skipped.chars() {
            if c == '\n' {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            } else {
                self.column = self.column.saturating_add(1);
            }
        }
        self.offset = end;
        (self.line, self.column)
    }
}

/// The options devcontainer tooling accepts: comments and trailing commas.
fn options() -> jsonc_parser::ParseOptions {
    jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

type ParseFailure = (LoadError, Option<(u32, u32)>);

/// Parses JSONC text into its value and the positions of its entries; on
/// failure, the error and where it is.
fn parse_with_positions(text: &str) -> Result<(Value, Positions), ParseFailure> {
    if text.trim().is_empty() {
        return Err((LoadError::Empty, None));
    }
    if nesting_depth(text) > MAX_JSONC_DEPTH {
        let why = format!("nested deeper than {MAX_JSONC_DEPTH} levels");
        return Err((LoadError::Parse(why), None));
    }
    let parsed =
        jsonc_parser::parse_to_ast(text, &Default::default(), &options()).map_err(|e| {
            let at = (saturate(e.line_display()), saturate(e.column_display()));
            (LoadError::Parse(e.to_string()), Some(at))
        })?;
    let Some(root) = parsed.value else {
        return Err((LoadError::Empty, None));
    };
    let positions = Positions::of(text, &root);
    Ok((Value::from(root), positions))
}

/// Parses JSONC text, allowing only comments and trailing commas.
pub fn parse_jsonc(text: &str) -> Result<Value, LoadError> {
    parse_with_positions(text)
        .map(|(value, _)| value)
        .map_err(|(error, _)| error)
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The deepest bracket nesting outside strings: a cheap guard for the parser.
pub(crate) fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"{
  // a comment
  "name": "x",
  "remoteEnv": {
    "ANTHROPIC_API_KEY": "${localEnv:ANTHROPIC_API_KEY}",
    "é": "1", "B": "2"
  },
  "mounts": [
    "source=a,target=b",
    {"source": "c", "target": "d"},
  ],
  "postAttachCommand": {"server": "npm start"},
}"#;

    fn config() -> Devcontainer {
        Devcontainer::parse(PathBuf::from("/w/.devcontainer/devcontainer.json"), TEXT)
    }

    fn at(keys: &[&str]) -> Option<(u32, u32)> {
        let place = config().place_of(keys)?;
        Some((place.line?, place.column?))
    }

    #[test]
    fn finds_keys_and_items_by_path() {
        assert_eq!(at(&["name"]), Some((3, 3)));
        assert_eq!(at(&["remoteEnv"]), Some((4, 3)));
        assert_eq!(at(&["remoteEnv", "ANTHROPIC_API_KEY"]), Some((5, 5)));
        assert_eq!(at(&["remoteEnv", "B"]), Some((6, 15)));
        assert_eq!(at(&["mounts", "0"]), Some((9, 5)));
        assert_eq!(at(&["mounts", "1"]), Some((10, 5)));
        assert_eq!(at(&["postAttachCommand", "server"]), Some((12, 25)));
        assert_eq!(at(&["mounts", "2"]), None);
        assert_eq!(at(&["remoteEnv", "MISSING"]), None);
        assert_eq!(at(&["mounts", "0", "x"]), None);
        let place = config().place_of(&["mounts", "1"]).unwrap();
        assert_eq!(place.key.as_deref(), Some("mounts[1]"));
        let place = config().place_of(&["remoteEnv", "B"]).unwrap();
        assert_eq!(place.key.as_deref(), Some("remoteEnv.B"));
    }

    #[test]
    fn parse_errors_keep_their_position() {
        let broken = Devcontainer::parse(PathBuf::from("d.json"), "{\n \"a\": 1\n \"b\": 2\n}");
        assert!(broken.ok().is_none());
        let place = broken.error_place();
        assert_eq!(place.line, Some(2));
        assert!(place.column.is_some());
        let empty = Devcontainer::parse(PathBuf::from("d.json"), "  ");
        assert_eq!(empty.error_place(), Place::file("d.json"));
    }

    #[test]
    fn a_long_line_of_entries_is_read_in_one_pass() {
        // 150,000 items on one line of about 1 MiB: counting each column
        // from the line's start would take minutes.
        let items = vec!["\"-e\""; 150_000].join(",");
        let text = format!("{{\"runArgs\": [{items}]}}");
        let config = Devcontainer::parse(PathBuf::from("d.json"), &text);
        let last = config.place_of(&["runArgs", "149999"]).unwrap();
        assert_eq!(last.line, Some(1));
        assert_eq!(last.column, Some(14 + 149_999 * 5));
    }

    #[test]
    fn the_value_is_the_json_value() {
        let value = config().content.unwrap();
        assert_eq!(value["mounts"][1]["target"], "d");
        assert_eq!(value["remoteEnv"]["B"], "2");
    }
}
