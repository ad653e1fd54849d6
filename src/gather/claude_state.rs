//! Claude Code's own files: where they are and the few keys the checks read.
//!
//! Paths follow FACTS §1 and CLIENT-FACTS facts 15–17: the config dir is
//! `$CLAUDE_CONFIG_DIR` or `~/.claude`; `.claude.json` sits next to `~/.claude`
//! unless `CLAUDE_CONFIG_DIR` moves it inside; a non-empty legacy
//! `<config dir>/.config.json` replaces it; credentials live in
//! `$CLAUDE_SECURESTORAGE_CONFIG_DIR` or the config dir. `.claude.json` can be
//! hundreds of megabytes, so it is read in bounded memory (a fast pass that
//! reduces each project entry to its trust bit, else a streaming parse) and
//! only named keys are kept, each cut to a bounded size.
//!
//! What the client's parser (`JSON.parse`) reads is valid, and read its way:
//! a repeated key's last value wins, keys and strings may hold lone
//! surrogate escapes or bytes that are not UTF-8 (the client decodes the file
//! lossily), and a value of an unexpected type is a fact about that value,
//! not a broken file. Where serde_json cannot follow (a number beyond `f64`
//! in a kept key), the file is "not judged", never "broken".

use super::claude_json_fast;
use super::env::Env;
use super::fsread::{self, FileProblem};
use crate::secret::Secret;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use std::fmt;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// `.claude.json` may be very large; beyond this it is reported, not read.
pub(crate) const CLAUDE_JSON_LIMIT: u64 = 1 << 30;
/// Credentials and settings files are small; anything bigger is suspect.
pub(crate) const SMALL_FILE_LIMIT: u64 = 4 << 20;

/// Why a file's content is not available to the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The file could not be read as a regular file.
    File(FileProblem),
    /// The file exists but is zero bytes long.
    Empty,
    /// `JSON.parse` would reject the content; the message carries line and column.
    Parse(String),
    /// Valid JSON whose top level is not an object (`array`, `string`, …):
    /// the client finds none of its keys in it.
    NotAnObject(&'static str),
    /// Valid as far as ccauth can tell, but a part of it could not be read
    /// within ccauth's bounds; the message says which.
    Unjudged(String),
}

impl LoadError {
    /// A phrase for findings: "does not exist", "is not valid JSON: …".
    pub(crate) fn describe(&self) -> String {
        match self {
            LoadError::File(problem) => problem.describe(),
            LoadError::Empty => "is empty".to_string(),
            LoadError::Parse(why) => format!("is not valid JSON ({why})"),
            LoadError::NotAnObject(kind) => {
                format!("holds a JSON {kind}, not an object, so none of its keys can be read")
            }
            LoadError::Unjudged(why) => format!("could not be judged by ccauth ({why})"),
        }
    }

    /// True when the client itself cannot read the file: it does not parse,
    /// or it is empty.
    pub fn is_broken(&self) -> bool {
        matches!(self, LoadError::Parse(_) | LoadError::Empty)
    }

    /// True when nothing is at the path.
    pub(crate) fn is_missing(&self) -> bool {
        matches!(self, LoadError::File(FileProblem::Missing))
    }

    /// True when a directory is at the path (a bind mount whose source file
    /// was missing on the host): no edit of "the file" can work.
    pub(crate) fn is_directory(&self) -> bool {
        matches!(
            self,
            LoadError::File(FileProblem::NotAFile(
                crate::gather::fsread::FileKind::Directory
            ))
        )
    }
}

/// A file's path together with what loading it gave.
#[derive(Clone, Debug)]
pub struct Loaded<T> {
    /// Where the file is (or would be).
    pub(crate) path: PathBuf,
    /// Its parsed content or why there is none.
    pub content: Result<T, LoadError>,
}

impl<T> Loaded<T> {
    /// The parsed content, if any.
    pub(crate) fn ok(&self) -> Option<&T> {
        self.content.as_ref().ok()
    }
}

/// Where Claude Code keeps its state for this user.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClaudePaths {
    /// `$HOME`, or the passwd home when `HOME` is unset or empty.
    pub(crate) home: Option<PathBuf>,
    /// The config dir: `$CLAUDE_CONFIG_DIR` or `<home>/.claude`.
    pub(crate) config_dir: Option<PathBuf>,
    /// The global config the client reads when no legacy file replaces it.
    pub(crate) claude_json: Option<PathBuf>,
    /// The legacy `<config dir>/.config.json`.
    pub(crate) legacy_config: Option<PathBuf>,
    /// `.credentials.json`.
    pub(crate) credentials: Option<PathBuf>,
}

impl ClaudePaths {
    /// Resolves the paths from the environment and the passwd home.
    pub(crate) fn resolve(env: &Env, passwd_home: Option<&Path>) -> Self {
        let home = env
            .non_empty("HOME")
            .map(PathBuf::from)
            .or_else(|| passwd_home.map(Path::to_path_buf));
        let from_env = env.non_empty("CLAUDE_CONFIG_DIR").map(PathBuf::from);
        let default_dir = home.as_ref().map(|h| h.join(".claude"));
        let config_dir = from_env.clone().or_else(|| default_dir.clone());
        let suffix = config_file_suffix(env);
        let claude_json = match &from_env {
            Some(dir) => Some(dir.join(format!(".claude{suffix}.json"))),
            None => home
                .as_ref()
                .map(|h| h.join(format!(".claude{suffix}.json"))),
        };
        let credentials_dir = match env.get("CLAUDE_SECURESTORAGE_CONFIG_DIR") {
            Some("") => default_dir,
            Some(dir) => Some(PathBuf::from(dir)),
            None => config_dir.clone(),
        };
        ClaudePaths {
            legacy_config: config_dir.as_ref().map(|d| d.join(".config.json")),
            credentials: credentials_dir.map(|d| d.join(".credentials.json")),
            home,
            config_dir,
            claude_json,
        }
    }
}

/// Non-production OAuth settings rename the config file (CLIENT-FACTS fact 15).
fn config_file_suffix(env: &Env) -> &'static str {
    if env.non_empty("CLAUDE_CODE_CUSTOM_OAUTH_URL").is_some() {
        "-custom-oauth"
    } else {
        ""
    }
}

/// The keys of `.claude.json` that matter for sign-in, each the last of its
/// name (as `JSON.parse` keeps it) and cut to a bounded size ([`bounded`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaudeJson {
    /// Must be `true` or the interactive wizard runs (FACTS §3).
    pub(crate) has_completed_onboarding: Option<Value>,
    /// The client version that completed onboarding.
    pub(crate) last_onboarding_version: Option<Value>,
    /// Set once the "Make auto mode your default permission mode?" offer
    /// was answered.
    pub(crate) has_seen_auto_default_nudge: Option<Value>,
    /// Present after a `/login` whose profile fetch worked.
    pub(crate) oauth_account: Option<IgnoredAny>,
    /// Last 20 characters of approved and rejected API keys.
    pub(crate) custom_api_key_responses: Option<Value>,
    /// A Console-login API key stored in plain text.
    pub(crate) primary_api_key: Option<Value>,
    /// How the client was installed (`npm`, `native`, …).
    pub(crate) install_method: Option<Value>,
    /// Per-folder state; only whether the trust dialog was accepted is kept.
    /// A `projects` value that is not an object holds no folder.
    pub(crate) projects: Option<std::collections::BTreeMap<String, ProjectState>>,
}

/// A JSON key as the client compares it: after unescaping, as bytes, so a
/// lone surrogate escape or a byte that is not UTF-8 is just another key
/// (the `--fix` editor finds members by it too).
pub struct JsonKey(pub Vec<u8>);

impl<'de> Deserialize<'de> for JsonKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_bytes(BytesVisitor).map(JsonKey)
    }
}

/// Reads a JSON string as its bytes: serde_json's byte strings skip UTF-8
/// and surrogate validation, which `JSON.parse` does not do either.
struct BytesVisitor;

impl Visitor<'_> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }

    fn visit_str<E>(self, v: &str) -> Result<Vec<u8>, E> {
        Ok(v.as_bytes().to_vec())
    }
}

impl<'de> Deserialize<'de> for ClaudeJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ClaudeJsonVisitor)
    }
}

/// Walks the top-level members once; a repeated key overwrites, the rest
/// are skipped without being kept.
struct ClaudeJsonVisitor;

impl<'de> Visitor<'de> for ClaudeJsonVisitor {
    type Value = ClaudeJson;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ClaudeJson, A::Error> {
        let mut config = ClaudeJson::default();
        while let Some(JsonKey(key)) = map.next_key()? {
            match key.as_slice() {
                b"hasCompletedOnboarding" => config.has_completed_onboarding = kept(&mut map)?,
                b"lastOnboardingVersion" => config.last_onboarding_version = kept(&mut map)?,
                b"hasSeenAutoDefaultNudge" => config.has_seen_auto_default_nudge = kept(&mut map)?,
                b"customApiKeyResponses" => config.custom_api_key_responses = kept(&mut map)?,
                b"primaryApiKey" => config.primary_api_key = kept(&mut map)?,
                b"installMethod" => config.install_method = kept(&mut map)?,
                b"oauthAccount" => config.oauth_account = map.next_value()?,
                b"projects" => config.projects = map.next_value_seed(ObjectOrDefault::new())?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(config)
    }
}

/// Strings kept from `.claude.json` are cut to this many bytes (API keys
/// and versions are far shorter).
const KEPT_STRING: usize = 4096;
/// Arrays and objects kept from `.claude.json` keep this many items (the
/// client's approved and rejected lists hold one per key ever seen).
const KEPT_ITEMS: usize = 10_000;
/// Below this depth a kept value is replaced by `null`.
const KEPT_DEPTH: usize = 4;

/// The raw text of one kept value, read bounded by [`bounded`].
fn kept<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Value>, A::Error> {
    let raw: Box<RawValue> = map.next_value()?;
    Ok(bounded(raw.get(), 0))
}

/// A kept value, read the way `JSON.parse` reads it and bounded: strings
/// decoded lossily (a lone surrogate or a byte that is not UTF-8 becomes
/// U+FFFD) and cut to [`KEPT_STRING`] bytes, at most [`KEPT_ITEMS`] items per
/// array or object (a repeated key's last value wins), `null` below
/// [`KEPT_DEPTH`], a number beyond `f64` kept as its text. `null` is `None`,
/// as for an absent key.
fn bounded(raw: &str, depth: usize) -> Option<Value> {
    if depth >= KEPT_DEPTH {
        return Some(Value::Null);
    }
    let mut de = serde_json::Deserializer::from_str(raw);
    match raw.as_bytes().first()? {
        b'"' => serde::Deserializer::deserialize_bytes(&mut de, BytesVisitor)
            .ok()
            .map(|bytes| Value::String(kept_text(&bytes))),
        b'[' => serde::Deserializer::deserialize_seq(&mut de, RawItems)
            .ok()
            .map(|items| {
                let items = items.iter().map(|i| bounded(i.get(), depth + 1));
                Value::Array(items.map(|i| i.unwrap_or(Value::Null)).collect())
            }),
        b'{' => serde::Deserializer::deserialize_map(&mut de, RawMembers)
            .ok()
            .map(|members| {
                let members = members.into_iter().map(|(key, value)| {
                    let value = bounded(value.get(), depth + 1).unwrap_or(Value::Null);
                    (kept_text(&key), value)
                });
                Value::Object(members.collect())
            }),
        b'n' => None,
        _ => Some(
            serde_json::from_str(raw).unwrap_or_else(|_| Value::String(kept_text(raw.as_bytes()))),
        ),
    }
}

/// The first [`KEPT_ITEMS`] items of an array, as raw text; the rest skipped.
struct RawItems;

impl<'de> Visitor<'de> for RawItems {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut items: A,
    ) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        while kept.len() < KEPT_ITEMS {
            match items.next_element()? {
                Some(item) => kept.push(item),
                None => return Ok(kept),
            }
        }
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(kept)
    }
}

/// The first [`KEPT_ITEMS`] distinct keys of an object with their last raw
/// values; the rest skipped.
struct RawMembers;

impl<'de> Visitor<'de> for RawMembers {
    type Value = Vec<(Vec<u8>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let mut kept: Vec<(Vec<u8>, &'de RawValue)> = Vec::new();
        while let Some(JsonKey(key)) = entries.next_key()? {
            let at = kept.iter().position(|(k, _)| *k == key);
            if at.is_none() && kept.len() >= KEPT_ITEMS {
                entries.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = entries.next_value()?;
            match at {
                Some(i) => kept[i].1 = value,
                None => kept.push((key, value)),
            }
        }
        Ok(kept)
    }
}

/// Kept string bytes as text: decoded as the client decodes the file
/// (invalid UTF-8 and surrogates become U+FFFD), cut to [`KEPT_STRING`].
fn kept_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(KEPT_STRING)]).into_owned()
}

/// A value read from a JSON object; any other JSON value gives the default
/// (as the client's property lookups on it find nothing), skipped without
/// recursion.
trait FromObject: Default {
    fn from_object<'de, A: MapAccess<'de>>(entries: A) -> Result<Self, A::Error>;
}

/// Reads a [`FromObject`] from any JSON value.
struct ObjectOrDefault<T>(std::marker::PhantomData<T>);

impl<T> ObjectOrDefault<T> {
    fn new() -> Self {
        ObjectOrDefault(std::marker::PhantomData)
    }
}

impl<'de, T: FromObject> serde::de::DeserializeSeed<'de> for ObjectOrDefault<T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: FromObject> Visitor<'de> for ObjectOrDefault<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, entries: A) -> Result<T, A::Error> {
        T::from_object(entries)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, items: A) -> Result<T, A::Error> {
        IsTrue.visit_seq(items).map(|_| T::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_bytes<E>(self, _: &[u8]) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }
}

/// `projects`: an object of folder entries, or (any other value) none.
impl FromObject for Option<std::collections::BTreeMap<String, ProjectState>> {
    fn from_object<'de, A: MapAccess<'de>>(mut entries: A) -> Result<Self, A::Error> {
        let mut projects = std::collections::BTreeMap::new();
        while let Some(JsonKey(path)) = entries.next_key()? {
            let entry: ProjectState = entries.next_value()?;
            projects.insert(String::from_utf8_lossy(&path).into_owned(), entry);
        }
        Ok(Some(projects))
    }
}

/// The part of a `projects[<path>]` entry that matters here.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ProjectState {
    /// The "Do you trust the files in this folder?" dialog was accepted:
    /// the (last) value is JSON `true`, as the client tests it.
    pub(crate) has_trust_dialog_accepted: bool,
}

/// A folder entry of any type: only an object can carry the trust bit;
/// everything else is skipped without recursion, so nesting inside an entry
/// counts the same wherever the entry is parsed from (the fast path parses
/// entries alone).
impl<'de> Deserialize<'de> for ProjectState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ObjectOrDefault::new())
    }
}

impl FromObject for ProjectState {
    fn from_object<'de, A: MapAccess<'de>>(mut entries: A) -> Result<Self, A::Error> {
        let mut state = ProjectState::default();
        while let Some(JsonKey(key)) = entries.next_key()? {
            if key == b"hasTrustDialogAccepted" {
                state.has_trust_dialog_accepted = entries.next_value_seed(IsTrue)?;
            } else {
                entries.next_value::<IgnoredAny>()?;
            }
        }
        Ok(state)
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for IsTrue {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

/// True for the JSON value `true`; any other value is skipped without
/// recursion.
struct IsTrue;

impl<'de> Visitor<'de> for IsTrue {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bytes<E>(self, _: &[u8]) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<bool, A::Error> {
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<bool, A::Error> {
        while entries.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// JavaScript's truthiness of a JSON value (`!!` in the client, which
/// tests `hasCompletedOnboarding` and `skipDangerousModePermissionPrompt`
/// so): `false`, `0`, `""` and `null` are false, everything else (`"false"`
/// included) is true.
pub(crate) fn js_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

impl ClaudeJson {
    /// True when the flag is truthy the way JavaScript reads it, as the
    /// client tests it (2.1.332: `!o.hasCompletedOnboarding`; the strings
    /// `"true"` and even `"false"` skip the wizard, seen in tmux).
    pub fn onboarding_done(&self) -> bool {
        self.has_completed_onboarding
            .as_ref()
            .is_some_and(js_truthy)
    }

    /// `hasSeenAutoDefaultNudge`: the auto-mode offer was answered once.
    pub(crate) fn auto_mode_offer_seen(&self) -> bool {
        self.has_seen_auto_default_nudge
            .as_ref()
            .is_some_and(js_truthy)
    }

    /// `customApiKeyResponses.approved` and `.rejected`: the last 20
    /// characters of keys the user accepted or declined.
    pub fn api_key_responses(&self) -> (Vec<String>, Vec<String>) {
        let list = |name: &str| -> Vec<String> {
            self.custom_api_key_responses
                .as_ref()
                .and_then(|r| r.get(name))
                .and_then(string_array)
                .unwrap_or_default()
        };
        (list("approved"), list("rejected"))
    }

    /// True when `projects[<folder>].hasTrustDialogAccepted` is `true`.
    pub fn trust_accepted(&self, folder: &Path) -> bool {
        self.projects.as_ref().is_some_and(|projects| {
            projects
                .get(folder.to_string_lossy().as_ref())
                .is_some_and(|p| p.has_trust_dialog_accepted)
        })
    }

    /// The stored Console key, when it is a non-empty string.
    pub fn primary_api_key(&self) -> Option<Secret> {
        match &self.primary_api_key {
            Some(Value::String(key)) if !key.is_empty() => Some(Secret::new(key.clone())),
            _ => None,
        }
    }
}

/// Reads `.claude.json`, keeping only [`ClaudeJson`]'s keys.
pub fn load_claude_json(path: &Path) -> Loaded<ClaudeJson> {
    let content = fsread::open_bounded(path, CLAUDE_JSON_LIMIT)
        .map_err(LoadError::File)
        .and_then(|(file, meta)| {
            if meta.len() == 0 {
                return Err(LoadError::Empty);
            }
            parse_claude_json(file)
        });
    Loaded {
        path: path.to_path_buf(),
        content,
    }
}

/// The keys that matter out of `.claude.json` content: the fast path of
/// [`super::claude_json_fast`] when it is sure, else
/// [`stream_claude_json`] from the start. Either reads the bytes as the
/// client does, decoded as UTF-8 with U+FFFD for what is not ([`LossyUtf8`]).
pub fn parse_claude_json(mut reader: impl Read + Seek) -> Result<ClaudeJson, LoadError> {
    // The fast path bounds its own memory (it gives up past 4 MiB of
    // anything) and is too quick for a second lexer; the stream cuts strings.
    let fast = claude_json_fast::reduce(LossyUtf8::new(&mut reader, false))
        .and_then(|small| parse_object(serde_json::Deserializer::from_slice(&small)).ok());
    if let Some(config) = fast {
        return config;
    }
    reader
        .rewind()
        .map_err(|e| LoadError::File(FileProblem::Unreadable(fsread::describe_io(&e))))?;
    stream_claude_json(reader)
}

/// Streams the keys that matter out of `.claude.json` content: the reference
/// answer, in bounded memory at about 200 MB/s, with exact error positions.
pub fn stream_claude_json(reader: impl Read) -> Result<ClaudeJson, LoadError> {
    let reader = BufReader::with_capacity(1 << 16, LossyUtf8::new(reader, true));
    parse_object(serde_json::Deserializer::from_reader(reader))
        .unwrap_or_else(|e| Err(json_error(&e)))
}

/// A reader that decodes its input as UTF-8 the way Node's `readFileSync(f,
/// "utf8")` does: each ill-formed sequence becomes U+FFFD, so bytes that are
/// not UTF-8 inside a string are just characters, as they are to the client.
/// Valid input passes through unchanged, except that one leading byte order
/// mark is dropped (claude 2.1.332 reads a config that starts with one, and
/// calls a second "Unrecognized token"; seen with `claude auth status`), and
/// that strings are cut short ([`LongStrings`]), so no value costs more
/// memory than that.
struct LossyUtf8<R> {
    inner: R,
    /// Nothing has been decoded yet: a byte order mark may come.
    at_start: bool,
    /// The string state carried between chunks; `None` leaves strings whole.
    strings: Option<LongStrings>,
    /// The bytes read last, and the chunk they decode to, before strings are cut.
    raw: Vec<u8>,
    decoded: Vec<u8>,
    /// Decoded bytes not yet handed out are `out[given..]`.
    out: Vec<u8>,
    given: usize,
    /// The start of a sequence cut by the end of the last read.
    carry: Vec<u8>,
    at_end: bool,
}

impl<R: Read> LossyUtf8<R> {
    fn new(inner: R, cut_long_strings: bool) -> Self {
        LossyUtf8 {
            inner,
            at_start: true,
            strings: cut_long_strings.then(LongStrings::default),
            raw: Vec::new(),
            decoded: Vec::new(),
            out: Vec::new(),
            given: 0,
            carry: Vec::new(),
            at_end: false,
        }
    }

    /// Reads and decodes the next chunk into `out`.
    fn refill(&mut self) -> std::io::Result<()> {
        const CHUNK: usize = 1 << 18;
        self.raw.clear();
        self.raw.append(&mut self.carry);
        let had = self.raw.len();
        self.raw.resize(had + CHUNK, 0);
        let read = self.inner.read(&mut self.raw[had..])?;
        self.raw.truncate(had + read);
        self.at_end = read == 0;
        self.decoded.clear();
        self.carry = decode_lossy(&self.raw, self.at_end, &mut self.decoded);
        let mut skip = 0;
        if self.at_start && !self.decoded.is_empty() {
            self.at_start = false;
            if self.decoded.starts_with("\u{FEFF}".as_bytes()) {
                skip = '\u{FEFF}'.len_utf8();
            }
        }
        match &mut self.strings {
            Some(strings) => {
                self.out.clear();
                self.given = 0;
                strings.shorten(&self.decoded[skip..], &mut self.out);
            }
            None => {
                std::mem::swap(&mut self.out, &mut self.decoded);
                self.given = skip;
            }
        }
        Ok(())
    }
}

/// Appends `data` decoded as UTF-8 (U+FFFD for each ill-formed sequence)
/// to `out`; returns the start of a sequence cut by the chunk's end, to be
/// decoded with the next chunk (unless `at_end`).
fn decode_lossy(data: &[u8], at_end: bool, out: &mut Vec<u8>) -> Vec<u8> {
    let mut rest = data;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) => {
                out.extend_from_slice(rest);
                return Vec::new();
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.extend_from_slice(valid);
                match e.error_len() {
                    Some(bad) => {
                        out.extend_from_slice("\u{FFFD}".as_bytes());
                        rest = &after[bad..];
                    }
                    None if at_end => {
                        out.extend_from_slice("\u{FFFD}".as_bytes());
                        return Vec::new();
                    }
                    None => return after.to_vec(),
                }
            }
        }
    }
}

/// Strings (keys and values) are kept to this many bytes of their text.
const LONG_STRING: usize = 64 << 10;

/// Cuts every JSON string longer than [`LONG_STRING`] bytes to its first
/// [`LONG_STRING`] (at a character and escape boundary), so a 200 MB value
/// costs no more than a short one. The dropped part is still checked as the
/// JSON grammar checks strings (no raw control character, only valid
/// escapes); a fault there is passed on as a control character, so the
/// parse fails as `JSON.parse` would. No key ccauth reads, and no path a
/// folder can have, is that long. Line numbers are kept (a string holds no
/// raw line break); columns after a cut string shift.
#[derive(Default)]
struct LongStrings {
    in_string: bool,
    /// Bytes of the current string's text so far.
    len: usize,
    /// Past the limit: the rest of the string is checked, not kept.
    dropping: bool,
    /// Just after a backslash.
    after_backslash: bool,
    /// Hex digits still due in a `\u` escape.
    hex_left: u8,
}

impl LongStrings {
    /// Appends `data`, with long strings cut, to `out`.
    fn shorten(&mut self, data: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while i < data.len() {
            if !self.in_string {
                let Some(at) = memchr::memchr(b'"', &data[i..]) else {
                    out.extend_from_slice(&data[i..]);
                    return;
                };
                out.extend_from_slice(&data[i..=i + at]);
                i += at + 1;
                *self = LongStrings {
                    in_string: true,
                    ..LongStrings::default()
                };
            } else if self.after_backslash || self.hex_left > 0 {
                let valid = self.escape_byte(data[i]);
                if !self.dropping {
                    out.push(data[i]);
                    self.len += 1;
                } else if !valid {
                    out.push(0x01);
                }
                i += 1;
            } else if self.dropping {
                i = self.drop_text(data, i, out);
            } else {
                i = self.keep_text(data, i, out);
            }
        }
    }

    /// Takes one byte of an escape; false when the escape is not valid JSON.
    fn escape_byte(&mut self, b: u8) -> bool {
        if self.after_backslash {
            self.after_backslash = false;
            if b == b'u' {
                self.hex_left = 4;
            }
            return matches!(
                b,
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u'
            );
        }
        self.hex_left -= 1;
        b.is_ascii_hexdigit()
    }

    /// Copies string text from `i` up to the closing quote, a backslash or
    /// the limit; returns where it stopped.
    fn keep_text(&mut self, data: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
        if self.len >= LONG_STRING {
            // Cut at a character boundary: a continuation byte is kept first.
            if data[i] & 0xC0 == 0x80 {
                out.push(data[i]);
                self.len += 1;
                return i + 1;
            }
            self.dropping = true;
            return i;
        }
        let window = &data[i..data.len().min(i + LONG_STRING - self.len)];
        match memchr::memchr2(b'"', b'\\', window) {
            Some(at) => {
                out.extend_from_slice(&window[..=at]);
                self.len += at + 1;
                if window[at] == b'"' {
                    self.in_string = false;
                } else {
                    self.after_backslash = true;
                }
                i + at + 1
            }
            None => {
                out.extend_from_slice(window);
                self.len += window.len();
                i + window.len()
            }
        }
    }

    /// Checks dropped string text from `i` up to the closing quote (which is
    /// kept) or a backslash; returns where it stopped.
    fn drop_text(&mut self, data: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
        while i < data.len() {
            match data[i] {
                b'"' => {
                    out.push(b'"');
                    self.in_string = false;
                    return i + 1;
                }
                b'\\' => {
                    self.after_backslash = true;
                    return i + 1;
                }
                control if control < 0x20 => out.push(control),
                _ => {}
            }
            i += 1;
        }
        i
    }
}

impl<R: Read> Read for LossyUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.given == self.out.len() {
            if self.at_end {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.given);
        buf[..n].copy_from_slice(&self.out[self.given..self.given + n]);
        self.given += n;
        Ok(n)
    }
}

/// One JSON value, and nothing after it: [`ClaudeJson`] from an object, or
/// the kind of value the top level is instead.
fn parse_object<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> serde_json::Result<Result<ClaudeJson, LoadError>> {
    let config = serde::Deserializer::deserialize_any(&mut de, TopLevel)?;
    de.end()?;
    Ok(config.map_err(LoadError::NotAnObject))
}

/// The top level: an object is read as [`ClaudeJson`]; any other value is
/// valid JSON (`JSON.parse` takes it) that holds no keys, and is skipped.
struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Result<ClaudeJson, &'static str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ClaudeJsonVisitor.visit_map(map).map(Ok)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut items: A,
    ) -> Result<Self::Value, A::Error> {
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err("array"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Err("string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Err("boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Err("number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Err("number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Err("number"))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err("null"))
    }
}

/// The `/login` credential in `.credentials.json`.
#[derive(Clone, Debug, Default)]
pub struct StoredLogin {
    /// True when the file has a `claudeAiOauth` object at all.
    pub(crate) has_oauth_block: bool,
    /// `claudeAiOauth.accessToken`.
    pub(crate) access_token: Option<Secret>,
    /// `claudeAiOauth.refreshToken`.
    pub(crate) refresh_token: Option<Secret>,
    /// `claudeAiOauth.expiresAt`, Unix milliseconds.
    pub(crate) expires_at_ms: Option<i64>,
    /// `claudeAiOauth.refreshTokenExpiresAt`, Unix milliseconds.
    pub(crate) refresh_expires_at_ms: Option<i64>,
    /// `claudeAiOauth.scopes`, when it is an array of strings.
    pub(crate) scopes: Option<Vec<String>>,
    /// `claudeAiOauth.subscriptionType`.
    pub(crate) subscription_type: Option<String>,
}

impl StoredLogin {
    /// What the client would use: a non-empty access token whose scopes
    /// include `user:inference` (CLIENT-FACTS fact 20).
    pub fn is_usable(&self) -> bool {
        let has_token = self.access_token.as_ref().is_some_and(|t| !t.is_empty());
        let inference = self
            .scopes
            .as_ref()
            .is_some_and(|s| s.iter().any(|x| x == "user:inference"));
        has_token && inference
    }

    /// True when the client refreshes the access token before its next
    /// request: it counts a token as expired [`REFRESH_MARGIN_MS`] before
    /// `expiresAt` (CLIENT-FACTS fact 21). `false` without an `expiresAt`.
    pub(crate) fn refresh_due(&self, now_ms: i64) -> bool {
        self.expires_at_ms
            .is_some_and(|at| now_ms + REFRESH_MARGIN_MS >= at)
    }
}

/// The client treats an access token as expired this long before
/// `expiresAt` and refreshes it (`now + 300000 >= expiresAt`).
pub(crate) const REFRESH_MARGIN_MS: i64 = 5 * 60 * 1000;

/// Reads `.credentials.json`.
pub(crate) fn load_credentials(path: &Path) -> Loaded<StoredLogin> {
    let content = read_small(path).and_then(|bytes| parse_credentials(&bytes));
    Loaded {
        path: path.to_path_buf(),
        content,
    }
}

/// Reads `.credentials.json` content.
pub fn parse_credentials(bytes: &[u8]) -> Result<StoredLogin, LoadError> {
    parse_small_json(bytes).map(|value| {
        let oauth = value.get("claudeAiOauth");
        let text = |key: &str| {
            oauth
                .and_then(|o| o.get(key))
                .and_then(Value::as_str)
                .map(|s| Secret::new(s.to_string()))
        };
        let number = |key: &str| oauth.and_then(|o| o.get(key)).and_then(Value::as_i64);
        StoredLogin {
            has_oauth_block: oauth.is_some_and(Value::is_object),
            access_token: text("accessToken"),
            refresh_token: text("refreshToken"),
            expires_at_ms: number("expiresAt"),
            refresh_expires_at_ms: number("refreshTokenExpiresAt"),
            scopes: oauth.and_then(|o| o.get("scopes")).and_then(string_array),
            subscription_type: oauth
                .and_then(|o| o.get("subscriptionType"))
                .and_then(Value::as_str)
                .map(String::from),
        }
    })
}

/// Which settings file a layer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SettingsScope {
    /// `<config dir>/settings.json`.
    User,
    /// `<workspace>/.claude/settings.json`.
    Project,
    /// `<workspace>/.claude/settings.local.json`.
    Local,
    /// `/etc/claude-code/managed-settings.json` and its `managed-settings.d/`
    /// drop-ins, highest precedence.
    Managed,
}

impl SettingsScope {
    /// A short name for evidence and messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            SettingsScope::User => "user settings",
            SettingsScope::Project => "project settings",
            SettingsScope::Local => "local project settings",
            SettingsScope::Managed => "managed settings",
        }
    }
}

/// The parts of a settings file that can carry a credential.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The `env` block: variables the client injects into its own environment.
    pub env: Env,
    /// The `apiKeyHelper` command, kept masked: it may embed a key.
    pub api_key_helper: Option<Secret>,
    /// `skipDangerousModePermissionPrompt: true`: the bypass-mode warning
    /// dialog is not shown (the client reads it from user, local, flag and
    /// managed settings, not from project settings).
    pub skip_bypass_prompt: bool,
    /// `permissions.defaultMode`, when it is a string (`bypassPermissions`
    /// starts every session in bypass mode).
    pub default_mode: Option<String>,
    /// `forceLoginOrgUUID`: the organization(s) a managed machine requires,
    /// joined with ", " when it is a list.
    pub force_login_org: Option<String>,
    /// `forceLoginMethod` (`claudeai`, `console`, `gateway`): the sign-in a
    /// managed machine requires; with it, as with `forceLoginOrgUUID`,
    /// 2.1.332 refuses an API key ("require a first-party login").
    pub force_login_method: Option<String>,
}

/// One settings file, with its scope.
#[derive(Clone, Debug)]
pub(crate) struct SettingsLayer {
    /// Which layer this is.
    pub(crate) scope: SettingsScope,
    /// The file and its content.
    pub(crate) file: Loaded<Settings>,
}

/// Reads one settings layer.
pub(crate) fn load_settings(scope: SettingsScope, path: &Path) -> SettingsLayer {
    let content = read_small(path).and_then(|bytes| parse_settings(&bytes));
    SettingsLayer {
        scope,
        file: Loaded {
            path: path.to_path_buf(),
            content,
        },
    }
}

/// Reads a settings file's content.
pub fn parse_settings(bytes: &[u8]) -> Result<Settings, LoadError> {
    parse_small_json(bytes).map(|value| {
        let env = value
            .get("env")
            .and_then(Value::as_object)
            .map(|block| {
                block
                    .iter()
                    .map(|(k, v)| (k.clone(), scalar_to_string(v)))
                    .collect()
            })
            .unwrap_or_default();
        let api_key_helper = value
            .get("apiKeyHelper")
            .and_then(Value::as_str)
            .map(|s| Secret::new(s.to_string()));
        Settings {
            env,
            api_key_helper,
            skip_bypass_prompt: value
                .get("skipDangerousModePermissionPrompt")
                .is_some_and(js_truthy),
            default_mode: value
                .pointer("/permissions/defaultMode")
                .and_then(Value::as_str)
                .map(String::from),
            force_login_org: value.get("forceLoginOrgUUID").and_then(org_ids),
            force_login_method: value
                .get("forceLoginMethod")
                .and_then(Value::as_str)
                .map(String::from),
        }
    })
}

/// `forceLoginOrgUUID` as a string or a list of strings; `None` for
/// anything else or nothing.
fn org_ids(value: &Value) -> Option<String> {
    let ids = match value {
        Value::String(id) => vec![id.clone()],
        other => string_array(other)?,
    };
    (!ids.is_empty()).then(|| ids.join(", "))
}

/// The strings of a JSON array, skipping other items; `None` when `value`
/// is not an array (the difference matters for `scopes`).
fn string_array(value: &Value) -> Option<Vec<String>> {
    value.as_array().map(|items| {
        items
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    })
}

fn scalar_to_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn read_small(path: &Path) -> Result<Vec<u8>, LoadError> {
    fsread::read_bounded(path, SMALL_FILE_LIMIT).map_err(LoadError::File)
}

fn parse_small_json(bytes: &[u8]) -> Result<Value, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    serde_json::from_slice::<Value>(bytes)
        .map_err(|e| LoadError::Parse(describe_json_error(&e)))
        .and_then(|v| {
            if v.is_object() {
                Ok(v)
            } else {
                Err(LoadError::Parse(
                    "the top level is not a JSON object".into(),
                ))
            }
        })
}

/// What a serde_json error on `.claude.json` means: a file `JSON.parse`
/// rejects, or (for the limits serde_json has and `JSON.parse` has not) one
/// ccauth could not judge.
fn json_error(e: &serde_json::Error) -> LoadError {
    let message = e.to_string();
    let beyond = ["recursion limit", "number out of range"];
    match beyond.iter().find(|b| message.contains(*b)) {
        Some(limit) => LoadError::Unjudged(format!(
            "{limit} at line {} column {}; JSON.parse may still read it",
            e.line(),
            e.column()
        )),
        None => LoadError::Parse(describe_json_error(e)),
    }
}

/// A serde_json error in words, without echoing file content.
fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "the file ends too early, it looks truncated",
        Category::Syntax => "a syntax error",
        Category::Data => "a value of the wrong type",
        Category::Io => "a read error",
    };
    if e.to_string().contains("recursion limit") {
        return format!(
            "nested too deeply, at line {} column {}",
            e.line(),
            e.column()
        );
    }
    format!("{what} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::gather::env::of as env;

    #[test]
    fn default_paths_put_claude_json_next_to_the_dir() {
        let p = ClaudePaths::resolve(&env(&[("HOME", "/h")]), None);
        assert_eq!(p.config_dir.unwrap(), Path::new("/h/.claude"));
        assert_eq!(p.claude_json.unwrap(), Path::new("/h/.claude.json"));
        assert_eq!(
            p.credentials.unwrap(),
            Path::new("/h/.claude/.credentials.json")
        );
    }

    #[test]
    fn config_dir_moves_everything_inside() {
        let p = ClaudePaths::resolve(&env(&[("HOME", "/h"), ("CLAUDE_CONFIG_DIR", "/c")]), None);
        assert_eq!(p.claude_json.unwrap(), Path::new("/c/.claude.json"));
        assert_eq!(p.credentials.unwrap(), Path::new("/c/.credentials.json"));
        assert_eq!(p.legacy_config.unwrap(), Path::new("/c/.config.json"));
    }

    #[test]
    fn secure_storage_dir_and_passwd_fallback() {
        let p = ClaudePaths::resolve(
            &env(&[("CLAUDE_SECURESTORAGE_CONFIG_DIR", "/s")]),
            Some(Path::new("/pw")),
        );
        assert_eq!(p.home.unwrap(), Path::new("/pw"));
        assert_eq!(p.credentials.unwrap(), Path::new("/s/.credentials.json"));
        let p = ClaudePaths::resolve(
            &env(&[("HOME", "/h"), ("CLAUDE_CODE_CUSTOM_OAUTH_URL", "x")]),
            None,
        );
        assert_eq!(
            p.claude_json.unwrap(),
            Path::new("/h/.claude-custom-oauth.json")
        );
    }

    #[test]
    fn claude_json_keys_stream_and_non_objects_hold_no_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude.json");
        std::fs::write(
            &path,
            r#"{"projects":{"/a":{"x":[1,2]}},"hasCompletedOnboarding":true}"#,
        )
        .unwrap();
        assert!(load_claude_json(&path).ok().unwrap().onboarding_done());
        std::fs::write(&path, "[true]").unwrap();
        assert_eq!(
            load_claude_json(&path).content,
            Err(LoadError::NotAnObject("array"))
        );
        std::fs::write(&path, r#"{"hasCompletedOnboarding": tr"#).unwrap();
        let err = load_claude_json(&path).content.unwrap_err();
        assert!(err.describe().contains("line 1"), "{err:?}");
        std::fs::write(&path, "").unwrap();
        assert_eq!(
            load_claude_json(&path).content.unwrap_err(),
            LoadError::Empty
        );
    }

    #[test]
    fn deep_nesting_never_overflows_the_stack() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude.json");
        let nested = |key: &str| {
            format!(
                "{{\"{key}\":{}{}}}",
                "[".repeat(100_000),
                "]".repeat(100_000)
            )
        };
        // Skipped keys are walked without recursion, and so are kept keys
        // below the depth they are kept to: JSON.parse reads both.
        for key in ["cachedStatsigGates", "customApiKeyResponses"] {
            std::fs::write(&path, nested(key)).unwrap();
            assert!(load_claude_json(&path).ok().is_some(), "{key}");
        }
    }

    #[test]
    fn long_strings_are_cut_and_still_checked() {
        let cut = |doc: &[u8], chunk: usize| {
            let mut strings = LongStrings::default();
            let mut out = Vec::new();
            for part in doc.chunks(chunk) {
                strings.shorten(part, &mut out);
            }
            out
        };
        let long = format!(
            "{{\"k\": \"{}\\n{}\", \"s\": \"é\"}}",
            "é".repeat(LONG_STRING),
            "x".repeat(10)
        );
        for chunk in [1, 7, 1 << 16] {
            let out = cut(long.as_bytes(), chunk);
            let text = String::from_utf8(out).expect("cut at a character boundary");
            assert!(text.len() < LONG_STRING + 100, "{chunk}");
            assert!(text.ends_with(", \"s\": \"é\"}"), "{chunk}");
            assert!(serde_json::from_str::<Value>(&text).is_ok());
        }
        // A fault in the dropped part still fails the parse.
        for fault in ["\x01", "\\q", "\\u12x4"] {
            let doc = format!("{{\"k\": \"{}{fault}\"}}", "x".repeat(LONG_STRING + 5));
            let out = cut(doc.as_bytes(), 4096);
            assert!(
                serde_json::from_slice::<IgnoredAny>(&out).is_err(),
                "{fault:?}"
            );
        }
        let fine = format!("{{\"k\": \"{}\\u12a4\\/\"}}", "x".repeat(LONG_STRING + 5));
        assert!(serde_json::from_slice::<IgnoredAny>(&cut(fine.as_bytes(), 4096)).is_ok());
    }

    #[test]
    fn stored_login_needs_the_inference_scope() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".credentials.json");
        std::fs::write(
            &path,
            r#"{"claudeAiOauth":{"accessToken":"sk-ant-oat01-x","scopes":["user:profile"]}}"#,
        )
        .unwrap();
        assert!(!load_credentials(&path).ok().unwrap().is_usable());
        std::fs::write(
            &path,
            r#"{"claudeAiOauth":{"accessToken":"sk-ant-oat01-x","scopes":["user:inference"]}}"#,
        )
        .unwrap();
        assert!(load_credentials(&path).ok().unwrap().is_usable());
    }
}
