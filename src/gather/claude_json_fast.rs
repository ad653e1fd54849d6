//! The fast path for big `.claude.json` files.
//!
//! serde_json's streaming reader walks about 200 MB/s, so a 100 MiB config
//! (thousands of `projects` entries, each with its prompt history) took half
//! a second. This pass reads the file in blocks and copies it into a small
//! buffer, except that each `projects` entry is parsed alone with
//! `serde_json::from_slice` (several times faster, and exactly as strict) and
//! replaced by the one thing kept from it: whether the trust dialog was
//! accepted. The small document is then parsed as usual.
//!
//! Why the answer cannot differ from the streaming parse: the pass tracks
//! strings and escapes exactly as the JSON lexer does, so an object it
//! diverts is a whole object in the real parse too, and replacing one valid
//! object by another changes neither the document's validity nor, since the
//! trust bit is carried over, the result. Whatever the pass is unsure of (an
//! entry or remainder over its limit, deep nesting, a read error, a document
//! that does not parse) gives `None`, and the caller streams the file as
//! before, which also reports the exact line and column of an error. The
//! `claude_json` fuzz target holds the two paths to the same answer.

use super::claude_state::ProjectState;
use std::io::{ErrorKind, Read};

/// Bytes read per `read` call.
const BLOCK: usize = 64 << 10;
/// The document without its project entries; a bigger one is streamed.
const REMAINDER_LIMIT: usize = 4 << 20;
/// One project entry; a bigger one is streamed.
const ENTRY_LIMIT: usize = 4 << 20;
/// Deeper nesting is left to the streaming parse and its recursion limit.
const DEPTH_LIMIT: usize = 64;

/// `reader`'s JSON with every `projects` entry reduced to its trust bit, or
/// `None` when the file must be streamed instead.
pub(super) fn reduce(mut reader: impl Read) -> Option<Vec<u8>> {
    let mut reducer = Reducer::default();
    let mut block = vec![0; BLOCK];
    loop {
        match reader.read(&mut block) {
            Ok(0) => return Some(reducer.out),
            Ok(n) => reducer.feed(&block[..n])?,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// The lexer state carried from one block to the next.
#[derive(Default)]
struct Reducer {
    /// The document so far, entries replaced.
    out: Vec<u8>,
    /// The project entry being read, while `in_entry`.
    entry: Vec<u8>,
    in_entry: bool,
    /// Open objects and arrays.
    depth: usize,
    in_string: bool,
    /// The previous byte was a backslash inside a string.
    escaped: bool,
    /// A `:` came since the last `,` or opening bracket: a value, not a key, is next.
    after_colon: bool,
    /// Where in `out` the top-level key being read starts.
    key_start: Option<usize>,
    /// The last top-level key was exactly `"projects"`.
    key_is_projects: bool,
    /// The open depth-2 container is the `projects` object.
    in_projects: bool,
}

impl Reducer {
    /// Lexes one block, copying runs of bytes to `out` or `entry`.
    fn feed(&mut self, block: &[u8]) -> Option<()> {
        let mut run = 0;
        let mut i = 0;
        while i < block.len() {
            if self.in_string {
                i = self.skip_string(block, i);
                if !self.in_string && self.key_start.is_some() {
                    self.copy(&block[run..i])?;
                    run = i;
                    self.end_key();
                }
                continue;
            }
            match block[i] {
                b'"' => {
                    if self.depth == 1 && !self.after_colon {
                        self.copy(&block[run..i])?;
                        run = i;
                        self.key_start = Some(self.out.len());
                    }
                    self.in_string = true;
                }
                open @ (b'{' | b'[') => {
                    if open == b'{' && self.depth == 2 && self.in_projects && self.after_colon {
                        self.copy(&block[run..i])?;
                        run = i;
                        self.in_entry = true;
                    }
                    if self.depth == 1 {
                        self.in_projects = open == b'{' && self.after_colon && self.key_is_projects;
                    }
                    self.depth += 1;
                    if self.depth > DEPTH_LIMIT {
                        return None;
                    }
                    self.after_colon = false;
                }
                b'}' | b']' => {
                    self.depth = self.depth.checked_sub(1)?;
                    self.after_colon = true;
                    if self.in_entry && self.depth == 2 {
                        self.copy(&block[run..=i])?;
                        run = i + 1;
                        self.end_entry()?;
                    }
                }
                b':' => self.after_colon = true,
                b',' => self.after_colon = false,
                _ => {}
            }
            i += 1;
        }
        self.copy(&block[run..])
    }

    /// Moves past string content from `i`; clears `in_string` at the closing quote.
    fn skip_string(&mut self, block: &[u8], mut i: usize) -> usize {
        while i < block.len() {
            if self.escaped {
                self.escaped = false;
                i += 1;
                continue;
            }
            let Some(at) = memchr::memchr2(b'"', b'\\', &block[i..]) else {
                return block.len();
            };
            i += at + 1;
            if block[i - 1] == b'"' {
                self.in_string = false;
                return i;
            }
            self.escaped = true;
        }
        i
    }

    /// Notes whether the top-level key just read is `projects`, spelled plainly.
    fn end_key(&mut self) {
        let start = self.key_start.take().unwrap_or(self.out.len());
        self.key_is_projects = &self.out[start..] == b"\"projects\"";
    }

    /// Parses the finished entry and writes its trust bit in its place.
    fn end_entry(&mut self) -> Option<()> {
        let state: ProjectState = serde_json::from_slice(&self.entry).ok()?;
        self.entry.clear();
        self.in_entry = false;
        let reduced: &[u8] = if state.has_trust_dialog_accepted {
            br#"{"hasTrustDialogAccepted":true}"#
        } else {
            b"{}"
        };
        self.copy(reduced)
    }

    /// Appends to the entry or the document, within their limits.
    fn copy(&mut self, bytes: &[u8]) -> Option<()> {
        let (to, limit) = if self.in_entry {
            (&mut self.entry, ENTRY_LIMIT)
        } else {
            (&mut self.out, REMAINDER_LIMIT)
        };
        (to.len() + bytes.len() <= limit).then(|| to.extend_from_slice(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduced(json: &str) -> Option<String> {
        reduce(json.as_bytes()).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn project_entries_shrink_to_their_trust_bit() {
        let json = r#"{"a":[{"b":1}],"projects":{"/x":{"history":[{"d":"}\"{"}],"hasTrustDialogAccepted":true},"/y":{"hasTrustDialogAccepted":1}},"z":"projects"}"#;
        assert_eq!(
            reduced(json).unwrap(),
            r#"{"a":[{"b":1}],"projects":{"/x":{"hasTrustDialogAccepted":true},"/y":{}},"z":"projects"}"#
        );
    }

    #[test]
    fn blocks_may_split_anything() {
        let json = r#"{"projects" : {"/x\"" : {"h":"a\\\"b","hasTrustDialogAccepted":true} } }"#;
        let whole = reduced(json).unwrap();
        for cut in 0..json.len() {
            let chunks = std::io::Read::chain(&json.as_bytes()[..cut], &json.as_bytes()[cut..]);
            assert_eq!(
                reduce(chunks).map(String::from_utf8).unwrap().unwrap(),
                whole
            );
        }
        assert!(
            whole.contains(r#""/x\"" : {"hasTrustDialogAccepted":true}"#),
            "{whole}"
        );
    }

    #[test]
    fn other_spellings_and_places_are_copied_as_they_are() {
        for json in [
            r#"{"proj\u0065cts":{"/x":{"h":1}}}"#,
            r#"{"a":{"projects":{"/x":{"h":1}}}}"#,
            r#"{"projects":[{"h":1}]}"#,
        ] {
            assert_eq!(reduced(json).unwrap(), json);
        }
    }

    #[test]
    fn doubt_falls_back_to_streaming() {
        let bad_entry = r#"{"projects":{"/x":{"h":tru}}}"#;
        let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(100), "]".repeat(100));
        let huge = format!(
            r#"{{"projects":{{"/x":{{"h":"{}"}}}}}}"#,
            "y".repeat(ENTRY_LIMIT)
        );
        for json in [bad_entry, "]", &deep, &huge] {
            assert_eq!(reduced(json), None, "{}", &json[..json.len().min(40)]);
        }
    }

    mod agreement {
        //! The fast path and the streaming parse give the same answer on
        //! config-shaped documents, whole and damaged.
        use crate::gather::claude_state::{parse_claude_json, stream_claude_json};
        use proptest::prelude::*;
        use serde_json::{Map, Value, json};

        fn leaf() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Bool(true)),
                Just(Value::Null),
                any::<i32>().prop_map(Value::from),
                r#"[a-z\\"{}\[\]:,é\x01]{0,8}"#.prop_map(Value::from),
            ]
        }

        fn value() -> impl Strategy<Value = Value> {
            leaf().prop_recursive(4, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                    prop::collection::vec((r#"[a-zH\\"]{0,4}"#, inner), 0..4)
                        .prop_map(|kv| Value::Object(kv.into_iter().collect())),
                ]
            })
        }

        fn entry() -> impl Strategy<Value = Value> {
            (value(), prop::option::of(leaf())).prop_map(|(history, trusted)| {
                let mut entry = Map::new();
                entry.insert("history".into(), history);
                if let Some(t) = trusted {
                    entry.insert("hasTrustDialogAccepted".into(), t);
                }
                Value::Object(entry)
            })
        }

        fn config() -> impl Strategy<Value = String> {
            let projects = prop::collection::vec((r#"/[a-z\\"]{0,6}"#, entry()), 0..6);
            (projects, value(), value(), any::<bool>()).prop_map(
                |(projects, other, kept, pretty)| {
                    let projects: Map<String, Value> = projects.into_iter().collect();
                    let doc = json!({"numStartups": 3, "projects": projects, "other": other,
                    "customApiKeyResponses": kept, "hasCompletedOnboarding": true});
                    if pretty {
                        serde_json::to_string_pretty(&doc)
                    } else {
                        serde_json::to_string(&doc)
                    }
                    .unwrap()
                },
            )
        }

        /// A damage to a document: none, truncation, a byte dropped, a byte inserted.
        fn damaged() -> impl Strategy<Value = Vec<u8>> {
            (
                config(),
                any::<prop::sample::Index>(),
                0..4u8,
                prop::sample::select(b"{}[]\":,\\ 1".to_vec()),
            )
                .prop_map(|(doc, at, how, byte)| {
                    let mut bytes = doc.into_bytes();
                    let at = at.index(bytes.len());
                    match how {
                        0 => {}
                        1 => bytes.truncate(at),
                        2 => {
                            bytes.remove(at);
                        }
                        _ => bytes.insert(at, byte),
                    }
                    bytes
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn whole_documents_take_the_fast_path(doc in config()) {
                let small = super::super::reduce(doc.as_bytes()).unwrap();
                prop_assert!(small.len() <= doc.len());
                let whole = stream_claude_json(doc.as_bytes());
                prop_assert!(whole.is_ok());
                prop_assert_eq!(stream_claude_json(&small[..]), whole);
            }

            #[test]
            fn fast_path_agrees_with_streaming(bytes in damaged()) {
                prop_assert_eq!(parse_claude_json(std::io::Cursor::new(&bytes)), stream_claude_json(&bytes[..]));
            }
        }
    }
}
