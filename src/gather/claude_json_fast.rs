//! The fast path for big `.claude.json` files.
//!
//! serde_json's streaming reader walks 200–300 MB/s, so a 100 MiB config
//! (thousands of `projects` entries, each with its prompt history) took half
//! a second. This pass reads the file into a buffer and lexes its outer
//! levels (strings, brackets, the top-level keys), copying them into a small
//! document; each `projects` entry is handed to `serde_json::from_slice`,
//! which is several times faster than the streaming reader and exactly as
//! strict, parses it as a [`ProjectState`] and says where it ends. In the
//! small document the entry becomes the one thing kept from it: whether the
//! trust dialog was accepted. The small document is then parsed as usual.
//!
//! Why the answer cannot differ from the streaming parse: the lexer follows
//! strings and escapes exactly as the JSON lexer does, so an entry starts
//! with a `{` outside any string, serde parsed it as one whole object, and
//! replacing one valid object by another changes neither the document's
//! validity nor, since the trust bit is carried over, the result. Whatever
//! the pass is unsure of (an entry or remainder over its limit, deep nesting
//! in the lexed levels, a read error, a document that does not parse) gives
//! `None`, and the caller streams the file as before, which also reports the
//! exact line and column of an error. A property test below and the
//! `claude_json` fuzz target hold the two paths to the same answer.

use super::claude_state::ProjectState;
use std::io::Read;

/// How much of the file is read at a time. An entry that starts with less
/// than a quarter of this unread is read further first, so that serde seldom
/// meets the end of the buffer in the middle of one; a longer entry makes
/// the buffer grow, up to [`ENTRY_LIMIT`].
const READ_AHEAD: usize = 1 << 20;
/// The document without its project entries; a bigger one is streamed.
const REMAINDER_LIMIT: usize = 4 << 20;
/// One project entry; a bigger one is streamed.
const ENTRY_LIMIT: usize = 4 << 20;
/// Deeper nesting in the lexed levels is left to the streaming parse and
/// its recursion limit.
const DEPTH_LIMIT: usize = 64;

/// `reader`'s JSON with every `projects` entry reduced to its trust bit, or
/// `None` when the file must be streamed instead.
pub(super) fn reduce(reader: impl Read) -> Option<Vec<u8>> {
    reduce_reading_ahead(reader, READ_AHEAD)
}

/// [`reduce`], reading `ahead` bytes at a time (tests make it small, so
/// that entries, strings and escapes straddle the buffer's end).
fn reduce_reading_ahead(reader: impl Read, ahead: usize) -> Option<Vec<u8>> {
    let mut input = Input::new(reader, ahead);
    let mut lexer = Lexer::default();
    loop {
        if input.unread().is_empty() {
            input.fill(ahead)?;
            if input.unread().is_empty() {
                return Some(lexer.out);
            }
        }
        let available = input.unread().len();
        let lexed = lexer.lex(input.unread())?;
        input.consume(lexed);
        if lexed < available {
            // The lexer stopped at the `{` of a project entry.
            let (trusted, len) = read_entry(&mut input)?;
            lexer.put_entry(trusted)?;
            input.consume(len);
        }
    }
}

/// Parses the project entry at the start of the unread bytes, reading
/// further while it does not parse: its trust bit and length.
fn read_entry(input: &mut Input<impl Read>) -> Option<(bool, usize)> {
    if input.unread().len() < input.ahead / 4 {
        input.fill(input.ahead)?;
    }
    loop {
        let mut values = serde_json::Deserializer::from_slice(input.unread()).into_iter();
        match values.next() {
            Some(Ok(ProjectState {
                has_trust_dialog_accepted,
            })) => {
                return Some((has_trust_dialog_accepted, values.byte_offset()));
            }
            // A number cut by the buffer's end is "invalid", not an early
            // end, so any error is retried with more bytes while there are.
            Some(Err(_)) if !input.at_end && input.unread().len() < ENTRY_LIMIT => {
                let want = (input.unread().len() * 2).min(ENTRY_LIMIT);
                input.fill(want)?;
            }
            _ => return None,
        }
    }
}

/// The file, read ahead into a buffer that is reused.
struct Input<R> {
    reader: R,
    /// Bytes read ahead at a time.
    ahead: usize,
    /// The unread bytes are `buffer[start..]`.
    buffer: Vec<u8>,
    start: usize,
    at_end: bool,
}

impl<R: Read> Input<R> {
    fn new(reader: R, ahead: usize) -> Self {
        Input {
            reader,
            ahead,
            buffer: Vec::new(),
            start: 0,
            at_end: false,
        }
    }

    fn unread(&self) -> &[u8] {
        &self.buffer[self.start..]
    }

    fn consume(&mut self, len: usize) {
        self.start += len;
    }

    /// Moves the unread bytes to the front and reads until `want` are
    /// unread or the file ends; `None` on a read error. `read_to_end` fills
    /// spare capacity without zeroing it first, so a small file costs only
    /// its own size.
    fn fill(&mut self, want: usize) -> Option<()> {
        // Nothing more to read, or enough unread: moving the unread bytes
        // would only copy them (once per project entry, for a file smaller
        // than the read-ahead).
        if self.at_end || self.unread().len() >= want {
            return Some(());
        }
        self.buffer.drain(..self.start);
        self.start = 0;
        let missing = want.saturating_sub(self.buffer.len());
        if missing > 0 && !self.at_end {
            let wanted = u64::try_from(missing).ok()?;
            let read = (&mut self.reader)
                .take(wanted)
                .read_to_end(&mut self.buffer);
            self.at_end = read.ok()? < missing;
        }
        Some(())
    }
}

/// The lexer state carried from one buffer's worth to the next.
#[derive(Default)]
struct Lexer {
    /// The document so far, entries replaced.
    out: Vec<u8>,
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

impl Lexer {
    /// Lexes `data`, copying it to `out`, until it ends or a project entry
    /// starts; returns the bytes consumed (fewer only at an entry's `{`).
    fn lex(&mut self, data: &[u8]) -> Option<usize> {
        let mut run = 0;
        let mut i = 0;
        while i < data.len() {
            if self.in_string {
                i = self.skip_string(data, i);
                if !self.in_string && self.key_start.is_some() {
                    self.copy(&data[run..i])?;
                    run = i;
                    self.end_key();
                }
                continue;
            }
            match data[i] {
                b'"' => {
                    if self.depth == 1 && !self.after_colon {
                        self.copy(&data[run..i])?;
                        run = i;
                        self.key_start = Some(self.out.len());
                    }
                    self.in_string = true;
                }
                open @ (b'{' | b'[') => {
                    if open == b'{' && self.depth == 2 && self.in_projects && self.after_colon {
                        self.copy(&data[run..i])?;
                        return Some(i);
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
                }
                b':' => self.after_colon = true,
                b',' => self.after_colon = false,
                _ => {}
            }
            i += 1;
        }
        self.copy(&data[run..])?;
        Some(data.len())
    }

    /// Moves past string content from `i`; clears `in_string` at the closing quote.
    fn skip_string(&mut self, data: &[u8], mut i: usize) -> usize {
        while i < data.len() {
            if self.escaped {
                self.escaped = false;
                i += 1;
                continue;
            }
            let Some(at) = memchr::memchr2(b'"', b'\\', &data[i..]) else {
                return data.len();
            };
            i += at + 1;
            if data[i - 1] == b'"' {
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

    /// Writes a parsed entry's trust bit in its place.
    fn put_entry(&mut self, trusted: bool) -> Option<()> {
        self.after_colon = true;
        self.copy(if trusted {
            br#"{"hasTrustDialogAccepted":true}"#
        } else {
            b"{}"
        })
    }

    /// Appends to the small document, within its limit.
    fn copy(&mut self, bytes: &[u8]) -> Option<()> {
        (self.out.len() + bytes.len() <= REMAINDER_LIMIT).then(|| self.out.extend_from_slice(bytes))
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
    fn the_buffer_may_end_anywhere() {
        let json =
            r#"{"projects" : {"/x\"" : {"h":"a\\\"b","hasTrustDialogAccepted":true} , "/y":{}} }"#;
        let whole = reduced(json).unwrap();
        assert!(
            whole.contains(r#""/x\"" : {"hasTrustDialogAccepted":true}"#),
            "{whole}"
        );
        for ahead in 1..=json.len() {
            let small = reduce_reading_ahead(json.as_bytes(), ahead).unwrap();
            assert_eq!(
                String::from_utf8(small).unwrap(),
                whole,
                "reading {ahead} ahead"
            );
        }
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
        use super::super::{reduce, reduce_reading_ahead};
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
            fn whole_documents_take_the_fast_path(doc in config(), ahead in 1..64usize) {
                let whole = stream_claude_json(doc.as_bytes());
                prop_assert!(whole.is_ok());
                for small in [reduce(doc.as_bytes()), reduce_reading_ahead(doc.as_bytes(), ahead)] {
                    let small = small.unwrap();
                    prop_assert!(small.len() <= doc.len());
                    prop_assert_eq!(stream_claude_json(&small[..]), whole.clone());
                }
            }

            #[test]
            fn fast_path_agrees_with_streaming(bytes in damaged(), ahead in 1..64usize) {
                let whole = stream_claude_json(&bytes[..]);
                prop_assert_eq!(parse_claude_json(std::io::Cursor::new(&bytes)), whole.clone());
                // What the fast path would take with a small read-ahead agrees too.
                let small = reduce_reading_ahead(&bytes[..], ahead).map(|s| stream_claude_json(&s[..]));
                if let Some(Ok(config)) = small {
                    prop_assert_eq!(Ok(config), whole);
                }
            }
        }
    }
}
