//! Unified diffs for `--dry-run`, computed on the changed window only, so a
//! one-key change to a 100 MB file costs what a small diff costs.

use regex::{Captures, Regex};
use similar::TextDiff;
use std::sync::LazyLock;

/// Lines of context around a change.
const CONTEXT: usize = 3;

/// A unified diff of `old` → `new` labelled with `path`.
pub(crate) fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    // Widen the window to whole lines plus context.
    let start = line_start_before(old, prefix, CONTEXT);
    let old_end = line_end_after(old, old.len() - suffix, CONTEXT);
    let new_end = line_end_after(new, new.len() - suffix, CONTEXT);
    let first_line = old[..start].matches('\n').count();
    let diff = TextDiff::from_lines(&old[start..old_end], &new[start..new_end]);
    let body = diff
        .unified_diff()
        .context_radius(CONTEXT)
        .header(path, path)
        .to_string();
    renumber(&body, first_line)
        .lines()
        .map(|l| redact_line(l) + "\n")
        .collect()
}

/// Strings this long made only of token characters are treated as secrets.
const TOKEN_LIKE: usize = 16;

/// A JSON string literal, escapes included, and whether a colon follows it
/// (then it is an object key).
static JSON_STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""((?:[^"\\]|\\.)*)"(\s*:)?"#).expect("valid"));

/// Masks every JSON string value (not a key) that looks like key material: a config
/// file's context lines may hold `customApiKeyResponses` suffixes (twenty
/// characters of a real key) or a `primaryApiKey`. Strings are found by
/// their escapes, not by counting quotes, so an escaped quote earlier on a
/// minified line shifts nothing. The masking rule itself runs on the whole
/// report (`Report::masked`), known values first, so no shape is masked
/// here that could split a known value before it is matched.
fn redact_line(line: &str) -> String {
    let redacted = JSON_STRING.replace_all(line, |caps: &Captures<'_>| {
        let content = &caps[1];
        let is_key = caps.get(2).is_some();
        let token_like = !is_key
            && content.len() >= TOKEN_LIKE
            && content
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if token_like {
            "\"********\"".to_string()
        } else {
            caps[0].to_string()
        }
    });
    redacted.into_owned()
}

fn line_start_before(text: &str, at: usize, lines: usize) -> usize {
    let mut pos = text[..at].rfind('\n').map_or(0, |i| i + 1);
    for _ in 0..lines {
        if pos == 0 {
            break;
        }
        pos = text[..pos - 1].rfind('\n').map_or(0, |i| i + 1);
    }
    pos
}

fn line_end_after(text: &str, at: usize, lines: usize) -> usize {
    let mut pos = at;
    for _ in 0..=lines {
        match text[pos..].find('\n') {
            Some(i) => pos += i + 1,
            None => return text.len(),
        }
    }
    pos
}

/// Shifts the `@@ -a,b +c,d @@` line numbers by the lines cut off above.
fn renumber(diff: &str, offset: usize) -> String {
    diff.lines()
        .map(
            |line| match line.strip_prefix("@@ -").and_then(|r| r.split_once(" @@")) {
                Some((ranges, rest)) => {
                    let shifted: Vec<String> = ranges
                        .split(' ')
                        .map(|range| {
                            let sign = if range.starts_with('+') { "+" } else { "" };
                            let range = range.trim_start_matches('+');
                            let (first, count) = range.split_once(',').unwrap_or((range, ""));
                            let first = first.parse::<usize>().unwrap_or(0) + offset;
                            let count = if count.is_empty() {
                                String::new()
                            } else {
                                format!(",{count}")
                            };
                            format!("{sign}{first}{count}")
                        })
                        .collect();
                    format!("@@ -{} @@{rest}\n", shifted.join(" "))
                }
                None => format!("{line}\n"),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_deep_in_a_file_keeps_its_line_numbers() {
        let old: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 50\n", "line fifty\n");
        let diff = unified("f.json", &old, &new);
        assert!(diff.starts_with("--- f.json\n+++ f.json\n"), "{diff}");
        assert!(diff.contains("@@ -47,7 +47,7 @@"), "{diff}");
        assert!(diff.contains("-line 50\n+line fifty\n"), "{diff}");
        assert_eq!(unified("f", "same", "same"), "");
    }

    #[test]
    fn an_escaped_quote_on_a_minified_line_shifts_no_mask() {
        let old = r#"{"tip":"a 5\" screen","customApiKeyResponses":{"approved":["abcdefghijklmnopqrst"]},"primaryApiKey":"PLANTEDnoPrefixKey0123456789"}"#;
        let new = format!("{old}\n");
        let diff = unified("c.json", old, &new);
        assert!(!diff.contains("abcdefghijklmnopqrst"), "{diff}");
        assert!(!diff.contains("PLANTEDnoPrefixKey"), "{diff}");
        assert!(diff.contains(r#""tip":"a 5\" screen""#), "{diff}");
    }

    #[test]
    fn key_material_in_context_lines_is_masked() {
        let old = "{\n  \"rejected\": [\"abcdefghijklmnopqrst\"],\n  \"theme\": \"dark\"\n}\n";
        let new = old.replace("\n}", ",\n  \"x\": 1\n}");
        let diff = unified("c.json", old, &new);
        assert!(!diff.contains("abcdefghijklmnopqrst"), "{diff}");
        assert!(
            diff.contains("[\"********\"]") && diff.contains("\"dark\""),
            "{diff}"
        );
    }
}
