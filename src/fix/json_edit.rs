//! Changing one top-level key of a JSON document and nothing else.
//!
//! The document is parsed with `serde_json`, borrowing each top-level value as
//! raw text, so the byte span of every member is known. The new value replaces
//! exactly that span, or is appended after the last member in the file's own
//! style (indentation, colon spacing, minified or not). Every other byte stays
//! as it was: other keys, their order, numbers, escapes, whitespace.

use serde::de::{MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;

/// One top-level member: its key and the byte range of its value.
struct Member {
    key: String,
    start: usize,
    end: usize,
}

/// Reads the top-level members of an object, with their value spans.
fn members(text: &str) -> Result<Vec<Member>, String> {
    struct Members<'a>(&'a str);
    impl<'de> Visitor<'de> for Members<'de> {
        type Value = Vec<Member>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = Vec::new();
            while let Some((key, raw)) = map.next_entry::<String, &'de RawValue>()? {
                let start = raw.get().as_ptr() as usize - self.0.as_ptr() as usize;
                found.push(Member {
                    key,
                    start,
                    end: start + raw.get().len(),
                });
            }
            Ok(found)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let found =
        serde::Deserializer::deserialize_map(&mut de, Members(text)).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(found)
}

/// The current value of a top-level key (the last one, as `JSON.parse` does).
pub fn get(text: &str, key: &str) -> Result<Option<Value>, String> {
    let found = members(text)?;
    let Some(member) = found.iter().rev().find(|m| m.key == key) else {
        return Ok(None);
    };
    serde_json::from_str(&text[member.start..member.end])
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The document with `key` set to `value`; `None` when it already has it.
pub fn set(text: &str, key: &str, value: &Value) -> Result<Option<String>, String> {
    let found = members(text)?;
    let style = Style::detect(text, &found);
    let rendered = style.render(value);
    if let Some(member) = found.iter().rev().find(|m| m.key == key) {
        let current: Value =
            serde_json::from_str(&text[member.start..member.end]).map_err(|e| e.to_string())?;
        if &current == value {
            return Ok(None);
        }
        return Ok(Some(format!(
            "{}{rendered}{}",
            &text[..member.start],
            &text[member.end..]
        )));
    }
    let key_text = serde_json::to_string(key).map_err(|e| e.to_string())?;
    let entry = format!("{key_text}{}{rendered}", style.colon);
    let out = match found.last() {
        Some(last) => format!(
            "{},{}{entry}{}",
            &text[..last.end],
            style.member_sep,
            &text[last.end..]
        ),
        None => {
            let open = text.find('{').ok_or("no opening brace")?;
            let close = text.rfind('}').ok_or("no closing brace")?;
            let closing_ws = if style.pretty { "\n" } else { "" };
            format!(
                "{}{}{entry}{closing_ws}{}",
                &text[..=open],
                style.member_sep,
                &text[close..]
            )
        }
    };
    Ok(Some(out))
}

/// How the file writes its top level.
struct Style {
    /// What precedes each member: "\n  ", "\n\t", or "" when minified.
    member_sep: String,
    /// What separates a key from its value: ": " or ":".
    colon: String,
    /// One level of indentation, for nested values.
    indent: String,
    /// The file spans several lines.
    pretty: bool,
}

impl Style {
    fn detect(text: &str, found: &[Member]) -> Self {
        let pretty = text.trim_end().contains('\n');
        let default_indent = "  ".to_string();
        let Some(first) = found.first() else {
            let sep = if pretty {
                format!("\n{default_indent}")
            } else {
                String::new()
            };
            return Style {
                member_sep: sep,
                colon: if pretty { ": " } else { ":" }.to_string(),
                indent: default_indent,
                pretty,
            };
        };
        let before_value = &text[..first.start];
        let colon_at = before_value.rfind(':').unwrap_or(before_value.len());
        let colon = text[colon_at..first.start].to_string();
        let open = text.find('{').unwrap_or(0);
        let key_start = text[open + 1..colon_at]
            .find('"')
            .map_or(open + 1, |i| open + 1 + i);
        let member_sep = text[open + 1..key_start].to_string();
        let indent = member_sep
            .rsplit('\n')
            .next()
            .filter(|i| !i.is_empty())
            .unwrap_or("  ")
            .to_string();
        Style {
            member_sep,
            colon,
            indent,
            pretty,
        }
    }

    /// A value as this file would write it at the top level.
    fn render(&self, value: &Value) -> String {
        if !self.pretty || !(value.is_object() || value.is_array()) {
            return value.to_string();
        }
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(self.indent.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        if serde::Serialize::serialize(value, &mut ser).is_err() {
            return value.to_string();
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        text.replace('\n', &format!("\n{}", self.indent))
    }
}

/// Parses just enough to say whether a document is a JSON object.
pub fn is_object(text: &str) -> bool {
    members(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replaces_only_the_value_span() {
        let text =
            "{\n  \"a\": 1.50,\n  \"hasCompletedOnboarding\": false,\n  \"z\": \"\\u00e9\"\n}\n";
        let out = set(text, "hasCompletedOnboarding", &json!(true))
            .unwrap()
            .unwrap();
        assert_eq!(out, text.replace("false", "true"));
        assert_eq!(
            set(&out, "hasCompletedOnboarding", &json!(true)).unwrap(),
            None
        );
    }

    #[test]
    fn appends_in_the_files_style() {
        let pretty = "{\n    \"a\": 1,\n    \"b\": [1, 2]\n}\n";
        let out = set(pretty, "k", &json!(true)).unwrap().unwrap();
        assert_eq!(
            out,
            "{\n    \"a\": 1,\n    \"b\": [1, 2],\n    \"k\": true\n}\n"
        );
        let minified = "{\"a\":1}";
        assert_eq!(
            set(minified, "k", &json!(true)).unwrap().unwrap(),
            "{\"a\":1,\"k\":true}"
        );
        assert_eq!(set("{}", "k", &json!(1)).unwrap().unwrap(), "{\"k\":1}");
        assert_eq!(
            set("{\n}\n", "k", &json!(1)).unwrap().unwrap(),
            "{\n  \"k\": 1\n}\n"
        );
    }

    #[test]
    fn nested_values_follow_the_indentation() {
        let text = "{\n\t\"a\": 1\n}";
        let out = set(text, "r", &json!({"approved": ["x"]}))
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "{\n\t\"a\": 1,\n\t\"r\": {\n\t\t\"approved\": [\n\t\t\t\"x\"\n\t\t]\n\t}\n}"
        );
        assert_eq!(get(&out, "r").unwrap().unwrap()["approved"][0], "x");
    }

    #[test]
    fn the_last_duplicate_wins_and_non_objects_are_refused() {
        let text = r#"{"a": 1, "a": 2}"#;
        assert_eq!(get(text, "a").unwrap(), Some(json!(2)));
        assert_eq!(
            set(text, "a", &json!(3)).unwrap().unwrap(),
            r#"{"a": 1, "a": 3}"#
        );
        assert!(set("[1]", "a", &json!(1)).is_err());
        assert!(set("{\"a\": ", "a", &json!(1)).is_err());
        assert!(set("{} x", "a", &json!(1)).is_err());
    }
}
