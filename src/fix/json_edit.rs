//! Changing one key of a JSON document and nothing else.
//!
//! The document is parsed with `serde_json`, borrowing each value as raw
//! text, so the byte span of every member and element is known. A new value
//! replaces exactly one span, or is inserted after the last member (or
//! element) in the file's own style (indentation, colon spacing, minified or
//! not); an element is removed with its comma. Every other byte stays as it
//! was: other keys, duplicates, their order, numbers as written, escapes,
//! whitespace. Where keys repeat, the last one is edited, as `JSON.parse`
//! lets the last one win.

use crate::gather::claude_state::JsonKey;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;

/// A byte range of the document.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// One member of an object: its key (raw bytes after unescaping, so a lone
/// surrogate escape or any other key `JSON.parse` takes is fine) and the span
/// of its value.
struct Member {
    key: Vec<u8>,
    value: Span,
}

/// The offset of a borrowed raw value inside `text`.
fn span_of(text: &str, raw: &RawValue) -> Span {
    let start = raw.get().as_ptr() as usize - text.as_ptr() as usize;
    Span {
        start,
        end: start + raw.get().len(),
    }
}

/// Parses `text[span]` with `visitor`, which must consume all of it.
fn parse_span<'a, V>(
    text: &'a str,
    span: Span,
    visitor: V,
    as_map: bool,
) -> Result<V::Value, String>
where
    V: Visitor<'a>,
{
    let mut de = serde_json::Deserializer::from_str(&text[span.start..span.end]);
    let found = if as_map {
        serde::Deserializer::deserialize_map(&mut de, visitor)
    } else {
        serde::Deserializer::deserialize_seq(&mut de, visitor)
    }
    .map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(found)
}

/// The members of the object at `span`.
fn members_at(text: &str, span: Span) -> Result<Vec<Member>, String> {
    struct Members<'a>(&'a str);
    impl<'de> Visitor<'de> for Members<'de> {
        type Value = Vec<Member>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = Vec::new();
            while let Some((JsonKey(key), raw)) = map.next_entry::<JsonKey, &'de RawValue>()? {
                found.push(Member {
                    key,
                    value: span_of(self.0, raw),
                });
            }
            Ok(found)
        }
    }
    parse_span(text, span, Members(text), true)
}

/// The element spans of the array at `span`.
fn elements_at(text: &str, span: Span) -> Result<Vec<Span>, String> {
    struct Elements<'a>(&'a str);
    impl<'de> Visitor<'de> for Elements<'de> {
        type Value = Vec<Span>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut found = Vec::new();
            while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                found.push(span_of(self.0, raw));
            }
            Ok(found)
        }
    }
    parse_span(text, span, Elements(text), false)
}

/// The whole document, after one leading byte order mark (the client
/// skips it; the edit keeps it).
fn whole(text: &str) -> Span {
    Span {
        start: text
            .strip_prefix('\u{FEFF}')
            .map_or(0, |_| '\u{FEFF}'.len_utf8()),
        end: text.len(),
    }
}

/// The value of the last member named `key`.
fn last_member<'m>(members: &'m [Member], key: &str) -> Option<&'m Member> {
    members.iter().rev().find(|m| m.key == key.as_bytes())
}

/// The current value of a top-level key (the last one, as `JSON.parse` does).
pub fn get(text: &str, key: &str) -> Result<Option<Value>, String> {
    let found = members_at(text, whole(text))?;
    let Some(member) = last_member(&found, key) else {
        return Ok(None);
    };
    serde_json::from_str(&text[member.value.start..member.value.end])
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The document with top-level `key` set to `value`; `None` when it already has it.
pub fn set(text: &str, key: &str, value: &Value) -> Result<Option<String>, String> {
    set_in(text, &[key], value)
}

/// The document with the member at `path` (keys from the top, as in
/// `projects` → `/work` → `hasTrustDialogAccepted`) set to `value`; `None`
/// when it already has it. Missing objects on the way are created; an
/// existing member on the way that is not an object is refused rather
/// than replaced.
pub fn set_in(text: &str, path: &[&str], value: &Value) -> Result<Option<String>, String> {
    let (key, parents) = path.split_last().ok_or("no key to set")?;
    let mut object = whole(text);
    for (depth, parent) in parents.iter().enumerate() {
        let found = members_at(text, object)?;
        let Some(member) = last_member(&found, parent) else {
            let nested = path[depth + 1..]
                .iter()
                .rev()
                .fold(value.clone(), |inner, k| serde_json::json!({ *k: inner }));
            return insert_member(text, object, &found, parent, &nested).map(Some);
        };
        if !text[member.value.start..].starts_with('{') {
            return Err(format!(
                "{} is not an object, so it was left alone",
                path[..=depth].join(".")
            ));
        }
        object = member.value;
    }
    let found = members_at(text, object)?;
    if let Some(member) = last_member(&found, key) {
        let span = member.value;
        let current: Result<Value, _> = serde_json::from_str(&text[span.start..span.end]);
        if current.is_ok_and(|c| &c == value) {
            return Ok(None);
        }
        let style = Style::of_object(text, object, &found);
        return Ok(Some(splice(text, span, &style.render(value))));
    }
    insert_member(text, object, &found, key, value).map(Some)
}

/// Moves `suffix` to `customApiKeyResponses.approved`: appended to that
/// list unless it is there, and removed from `.rejected`; `None` when
/// nothing changes. Lists and objects of another type are refused rather
/// than replaced.
pub fn approve(text: &str, suffix: &str) -> Result<Option<String>, String> {
    const RESPONSES: &str = "customApiKeyResponses";
    let top = members_at(text, whole(text))?;
    let Some(responses) = last_member(&top, RESPONSES) else {
        let fresh = serde_json::json!({"approved": [suffix], "rejected": []});
        return insert_member(text, whole(text), &top, RESPONSES, &fresh).map(Some);
    };
    let object = responses.value;
    if !text[object.start..].starts_with('{') {
        return Err(format!(
            "{RESPONSES} is not an object, so it was left alone"
        ));
    }
    let inner = members_at(text, object)?;
    let list = |name: &str| -> Result<Option<(Span, Vec<Span>)>, String> {
        let Some(member) = last_member(&inner, name) else {
            return Ok(None);
        };
        if !text[member.value.start..].starts_with('[') {
            return Err(format!(
                "{RESPONSES}.{name} is not a list, so it was left alone"
            ));
        }
        Ok(Some((member.value, elements_at(text, member.value)?)))
    };
    let is_suffix =
        |e: &Span| serde_json::from_str::<String>(&text[e.start..e.end]).is_ok_and(|s| s == suffix);
    // Both edits are planned on the original text, then applied from the end.
    let mut edits: Vec<(Span, String)> = Vec::new();
    match list("approved")? {
        Some((_, items)) if items.iter().any(is_suffix) => {}
        Some((array, items)) => edits.push(append_element(text, array, &items, suffix)?),
        None => {
            let value = serde_json::json!([suffix]);
            edits.push(member_insertion(text, object, &inner, "approved", &value)?);
        }
    }
    if let Some((array, items)) = list("rejected")?
        && items.iter().any(is_suffix)
    {
        let kept: Vec<Span> = items.iter().filter(|e| !is_suffix(e)).copied().collect();
        edits.push((array, without_items(text, array, &items, &kept)));
    }
    if edits.is_empty() {
        return Ok(None);
    }
    // From the end, so earlier spans keep their offsets; an insertion at
    // the very end of a removed element's span goes after it.
    edits.sort_by_key(|(span, _)| std::cmp::Reverse((span.start, span.end)));
    let mut out = text.to_string();
    let mut floor = usize::MAX;
    for (span, with) in edits {
        if span.end > floor {
            return Err("overlapping edits; the file was left alone".into());
        }
        out.replace_range(span.start..span.end, &with);
        floor = span.start;
    }
    Ok(Some(out))
}

/// `text` with `span` replaced.
fn splice(text: &str, span: Span, with: &str) -> String {
    format!("{}{with}{}", &text[..span.start], &text[span.end..])
}

/// The array at `array` holding only its `kept` items, each as written,
/// with the file's separator and the whitespace inside its brackets.
fn without_items(text: &str, array: Span, items: &[Span], kept: &[Span]) -> String {
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return text[array.start..array.end].to_string();
    };
    if kept.is_empty() {
        return "[]".to_string();
    }
    let sep = match items {
        [a, b, ..] => &text[a.end..b.start],
        _ => ", ",
    };
    let body: Vec<&str> = kept.iter().map(|k| &text[k.start..k.end]).collect();
    format!(
        "{}{}{}",
        &text[array.start..first.start],
        body.join(sep),
        &text[last.end..array.end]
    )
}

/// An edit that appends the string `item` to the array at `array`.
fn append_element(
    text: &str,
    array: Span,
    items: &[Span],
    item: &str,
) -> Result<(Span, String), String> {
    let rendered = serde_json::to_string(item).map_err(|e| e.to_string())?;
    let Some(last) = items.last() else {
        return Ok((array, format!("[{rendered}]")));
    };
    // The separator the file already uses between items, else after `[`.
    let sep = match items {
        [.., before, last] => text[before.end..last.start].to_string(),
        _ => format!(",{}", &text[array.start + 1..last.start]),
    };
    let at = Span {
        start: last.end,
        end: last.end,
    };
    Ok((at, format!("{sep}{rendered}")))
}

/// The document with a new member appended to the object at `object`.
fn insert_member(
    text: &str,
    object: Span,
    found: &[Member],
    key: &str,
    value: &Value,
) -> Result<String, String> {
    let (at, with) = member_insertion(text, object, found, key, value)?;
    Ok(splice(text, at, &with))
}

/// The edit that appends a member to the object at `object`: text inserted
/// after its last member, or (when it has none) between its braces.
fn member_insertion(
    text: &str,
    object: Span,
    found: &[Member],
    key: &str,
    value: &Value,
) -> Result<(Span, String), String> {
    let style = Style::of_object(text, object, found);
    let key_text = serde_json::to_string(key).map_err(|e| e.to_string())?;
    let entry = format!("{key_text}{}{}", style.colon, style.render(value));
    if let Some(last) = found.last() {
        let at = Span {
            start: last.value.end,
            end: last.value.end,
        };
        return Ok((at, format!(",{}{entry}", style.member_sep)));
    }
    let body = &text[object.start..object.end];
    let open = object.start + body.find('{').ok_or("no opening brace")?;
    let close = object.start + body.rfind('}').ok_or("no closing brace")?;
    let closing_ws = if style.pretty {
        format!("\n{}", style.outer_indent)
    } else {
        String::new()
    };
    let inside = Span {
        start: open + 1,
        end: close,
    };
    Ok((inside, format!("{}{entry}{closing_ws}", style.member_sep)))
}

/// How the file writes the members of one object.
struct Style {
    /// What precedes each member: "\n  ", "\n\t", or "" when minified.
    member_sep: String,
    /// What separates a key from its value: ": " or ":".
    colon: String,
    /// The indentation of the members' lines.
    indent: String,
    /// The indentation of the line the object's closing brace sits on.
    outer_indent: String,
    /// One level of indentation.
    unit: String,
    /// The file spans several lines.
    pretty: bool,
}

impl Style {
    fn of_object(text: &str, object: Span, found: &[Member]) -> Self {
        let pretty = text.trim_end().contains('\n');
        let open = object.start + text[object.start..object.end].find('{').unwrap_or(0);
        let outer_indent = line_indent(text, open);
        let Some(first) = found.first() else {
            let unit = "  ".to_string();
            let indent = format!("{outer_indent}{unit}");
            return Style {
                member_sep: if pretty {
                    format!("\n{indent}")
                } else {
                    String::new()
                },
                colon: if pretty { ": " } else { ":" }.to_string(),
                indent,
                outer_indent,
                unit,
                pretty,
            };
        };
        let before_value = &text[..first.value.start];
        let colon_at = before_value.rfind(':').unwrap_or(before_value.len());
        let colon = text[colon_at..first.value.start].to_string();
        let key_start = text[open + 1..colon_at]
            .find('"')
            .map_or(open + 1, |i| open + 1 + i);
        let member_sep = text[open + 1..key_start].to_string();
        let indent = member_sep.rsplit('\n').next().unwrap_or("").to_string();
        let unit = indent
            .strip_prefix(outer_indent.as_str())
            .filter(|u| !u.is_empty())
            .unwrap_or("  ")
            .to_string();
        Style {
            member_sep,
            colon,
            indent,
            outer_indent,
            unit,
            pretty,
        }
    }

    /// A value as this object would write it.
    fn render(&self, value: &Value) -> String {
        if !self.pretty || !(value.is_object() || value.is_array()) {
            return value.to_string();
        }
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(self.unit.as_bytes());
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        if serde::Serialize::serialize(value, &mut ser).is_err() {
            return value.to_string();
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        text.replace('\n', &format!("\n{}", self.indent))
    }
}

/// The leading whitespace of the line that holds byte `at`.
fn line_indent(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..at]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Parses just enough to say whether a document is a JSON object.
pub(crate) fn is_object(text: &str) -> bool {
    members_at(text, whole(text)).is_ok()
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
    fn a_nested_key_is_set_where_it_is_and_its_objects_made_when_missing() {
        let path = ["projects", "/work", "hasTrustDialogAccepted"];
        let entry = "{\n  \"projects\": {\n    \"/work\": {\n      \"allowedTools\": [],\n      \"hasTrustDialogAccepted\": false\n    }\n  }\n}\n";
        let out = set_in(entry, &path, &json!(true)).unwrap().unwrap();
        assert_eq!(out, entry.replace("false", "true"));
        assert_eq!(set_in(&out, &path, &json!(true)).unwrap(), None);
        let other = "{\"projects\":{\"/else\":{\"x\":1}},\"n\":2}";
        assert_eq!(
            set_in(other, &path, &json!(true)).unwrap().unwrap(),
            "{\"projects\":{\"/else\":{\"x\":1},\"/work\":{\"hasTrustDialogAccepted\":true}},\"n\":2}"
        );
        assert_eq!(
            set_in("{\"n\":2}", &path, &json!(true)).unwrap().unwrap(),
            "{\"n\":2,\"projects\":{\"/work\":{\"hasTrustDialogAccepted\":true}}}"
        );
        assert!(set_in("{\"projects\":[]}", &path, &json!(true)).is_err());
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
    fn approval_edits_only_the_list_items() {
        let s = "abcdefghijklmnopqrst";
        let text = "{\n  \"n\": 1.50,\n  \"customApiKeyResponses\": {\n    \"approved\": [\n      \"x\"\n    ],\n    \"rejected\": [\n      \"abcdefghijklmnopqrst\",\n      \"y\"\n    ],\n    \"big\": 12345678901234567890123\n  }\n}\n";
        let out = approve(text, s).unwrap().unwrap();
        assert_eq!(
            out,
            "{\n  \"n\": 1.50,\n  \"customApiKeyResponses\": {\n    \"approved\": [\n      \"x\",\n      \"abcdefghijklmnopqrst\"\n    ],\n    \"rejected\": [\n      \"y\"\n    ],\n    \"big\": 12345678901234567890123\n  }\n}\n"
        );
        assert_eq!(approve(&out, s).unwrap(), None);
        assert_eq!(
            approve(r#"{"customApiKeyResponses":{"approved":[],"rejected":["abcdefghijklmnopqrst"]},"a":1}"#, s).unwrap().unwrap(),
            r#"{"customApiKeyResponses":{"approved":["abcdefghijklmnopqrst"],"rejected":[]},"a":1}"#
        );
        assert_eq!(
            approve(r#"{"customApiKeyResponses":{"rejected":["q"]}}"#, s)
                .unwrap()
                .unwrap(),
            r#"{"customApiKeyResponses":{"rejected":["q"],"approved":["abcdefghijklmnopqrst"]}}"#
        );
        assert_eq!(
            approve("{\"a\": 1}", s).unwrap().unwrap(),
            "{\"a\": 1,\"customApiKeyResponses\": {\"approved\":[\"abcdefghijklmnopqrst\"],\"rejected\":[]}}"
        );
        assert!(approve(r#"{"customApiKeyResponses":{"approved":"x"}}"#, s).is_err());
        assert!(approve(r#"{"customApiKeyResponses":[]}"#, s).is_err());
    }

    #[test]
    fn a_byte_order_mark_is_kept() {
        let text = "\u{FEFF}{\"a\": 1}";
        assert_eq!(
            set(text, "b", &json!(true)).unwrap().unwrap(),
            "\u{FEFF}{\"a\": 1,\"b\": true}"
        );
    }

    #[test]
    fn keys_json_parse_takes_are_read() {
        let text = r#"{"\ud800": 1, "has\u0043ompletedOnboarding": false}"#;
        assert_eq!(
            set(text, "hasCompletedOnboarding", &json!(true))
                .unwrap()
                .unwrap(),
            r#"{"\ud800": 1, "has\u0043ompletedOnboarding": true}"#
        );
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
