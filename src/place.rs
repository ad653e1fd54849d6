//! Places: where a cause lives, as a file and, when known, its line,
//! column and key. Gather records them (devcontainer.json positions, mount
//! table lines, ignore rules), checks attach them to problems, renderers
//! show them; so the type sits below all three.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where a cause lives: a file, and when known the line, column and key.
///
/// Lines and columns count from 1, as editors, GitHub annotations and SARIF
/// do. The path is as gathered (absolute, usually); renderers make it
/// relative to the workspace where they need to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The file.
    pub file: PathBuf,
    /// The line, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The column, from 1, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) column: Option<u32>,
    /// The key or entry inside the file (`remoteEnv.ANTHROPIC_API_KEY`,
    /// `hasCompletedOnboarding`), when the cause is one. Serialized as
    /// `entry`: a JSON member named `key` reads as a secret to the output's
    /// masking rule, which then hides the name.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "entry")]
    pub key: Option<String>,
}

impl Place {
    /// A whole file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Place {
            file: file.into(),
            ..Place::default()
        }
    }

    /// A line (and column) of a file.
    pub fn line(file: impl Into<PathBuf>, line: u32, column: Option<u32>) -> Self {
        Place {
            file: file.into(),
            line: Some(line),
            column,
            key: None,
        }
    }

    /// Names the key or entry at this place.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }
}

/// The 1-based line and column of a byte offset in a text, for places.
/// Columns count characters; an offset past the end is clamped to it.
pub(crate) fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (saturate(line), saturate(column))
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "{\n  \"a\": 1,\n  \"é\": 2\n}";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 3));
        let e = text.find("\"é\"").unwrap();
        assert_eq!(line_column(text, e + 4), (3, 6));
        assert_eq!(line_column(text, 10_000), (4, 2));
        // Inside a multi-byte character: the character's start.
        assert_eq!(line_column(text, e + 2), (3, 4));
    }
}
