//! The one masking rule every output passes: known values, then shapes.
//!
//! A [`Scrubber`] holds the exact values of the secrets read this run (see
//! `gather::known_secrets`) and applies, in this order:
//!
//! 1. every known value, also in the escaped forms the renderers produce
//!    (JSON, XML, GitHub workflow commands, Markdown cells) and when a line
//!    break (raw, `\n` in JSON, `%0A`, `&#10;`) plus indentation splits it;
//! 2. every shape: `sk-ant-…` (a key wrapped onto the next line included),
//!    PEM private keys, URL passwords (`scheme://user:pass@`),
//!    `Authorization: <scheme> <x>`, `Bearer <x>`, `NAME=value`,
//!    `"name": "value"` and `NAME: value` where the name looks secret
//!    (query parameters included), `${localEnv:NAME:default}` defaults,
//!    well-known token prefixes (GitHub, GitLab, Slack, AWS, Vault, npm,
//!    Google, OpenAI), JWTs, and long words of mixed case and digits.
//!
//! Every value is replaced by [`Secret::masked`] of itself, so the masked
//! form is the same wherever it shows, and a second pass changes nothing.

use super::{STARS, Secret};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Captures, Regex};
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};

/// Known values shorter than this are not matched: a short password would
/// mask every word it happens to spell. Shapes still catch them in context.
const MIN_KNOWN_CHARS: usize = 6;

/// How many trailing characters of an API key the client keeps in
/// `customApiKeyResponses` (CLIENT-FACTS fact 28).
const REMEMBERED_TAIL: usize = 20;

/// A word of token characters this long, with upper and lower case letters
/// and a digit, is taken for key material even without a known prefix.
const HIGH_ENTROPY_CHARS: usize = 24;

/// A line break as the renderers write it, with the next line's indentation:
/// the places a wrapped secret may be split.
static LINE_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\r?\n|\\r\\n|\\n|%0D%0A|%0A|&#10;)[ \t]*").expect("valid"));

/// Masks secrets in text that is about to leave the process.
#[derive(Clone, Debug, Default)]
pub struct Scrubber {
    known: Option<KnownValues>,
}

/// The known values as one automaton, with each pattern's masked form.
#[derive(Clone, Debug)]
struct KnownValues {
    matcher: AhoCorasick,
    masked: Vec<Replacement>,
}

/// What one known pattern is replaced by.
#[derive(Clone, Debug)]
struct Replacement {
    masked: String,
    /// The pattern is only the remembered tail of a value: it counts only
    /// where a token starts, not inside another one (whose own shape must
    /// stay whole for the shape rules to see it).
    tail: bool,
}

impl Scrubber {
    /// A scrubber that also masks these exact values wherever they occur.
    /// Values too short, empty, placeholders, numbers, switches and paths
    /// are left to the shape rules.
    pub(crate) fn with_values<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut patterns: Vec<(String, Replacement)> = Vec::new();
        for value in values {
            let value = value.as_ref().trim();
            if !worth_matching(value) {
                continue;
            }
            // The client remembers a key by its last 20 characters, and
            // `--fix` writes them: that tail is masked wherever it shows alone.
            let tail = Secret::new(value).trimmed_tail(REMEMBERED_TAIL);
            for (part, is_tail) in [(value, false), (tail.expose(), true)] {
                let masked = Secret::new(part).masked();
                for form in escaped_forms(part) {
                    if !patterns.iter().any(|(p, _)| *p == form) {
                        let tail = is_tail && part != value;
                        let masked = masked.clone();
                        patterns.push((form, Replacement { masked, tail }));
                    }
                }
            }
        }
        let known = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    // A handful of values over a few kilobytes of output: a
                    // DFA would take longer to build than to use.
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(patterns.iter().map(|(p, _)| p))
                    .ok()
            })
            .flatten()
            .map(|matcher| KnownValues {
                matcher,
                masked: patterns.into_iter().map(|(_, m)| m).collect(),
            });
        Scrubber { known }
    }

    /// The text with every known value and every secret shape masked.
    pub fn scrub(&self, text: &str) -> String {
        let text = match &self.known {
            Some(known) => known.mask(text),
            None => text.to_string(),
        };
        let text = mask_anthropic_tokens(&text).into_owned();
        SHAPES.iter().fold(text, |text, shape| shape.mask(&text))
    }
}

impl KnownValues {
    /// Replaces every known value, looking through line breaks: the search
    /// runs on the text with its breaks removed, and each match is mapped
    /// back to the span of the original text it covers.
    fn mask(&self, text: &str) -> String {
        let mut joined = String::with_capacity(text.len());
        let mut origin: Vec<usize> = Vec::with_capacity(text.len());
        let mut last = 0;
        for brk in LINE_BREAK.find_iter(text) {
            joined.push_str(&text[last..brk.start()]);
            origin.extend(last..brk.start());
            last = brk.end();
        }
        joined.push_str(&text[last..]);
        origin.extend(last..text.len());
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for found in self.matcher.find_iter(&joined) {
            let replacement = &self.masked[found.pattern().as_usize()];
            let inside_a_token = joined[..found.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || "-_.+/".contains(c));
            if replacement.tail && inside_a_token {
                continue;
            }
            let start = origin[found.start()];
            let end = origin[found.end() - 1] + 1;
            out.push_str(&text[copied..start]);
            out.push_str(&replacement.masked);
            copied = end;
        }
        out.push_str(&text[copied..]);
        out
    }
}

/// True for a value whose exact occurrences should be masked.
fn worth_matching(value: &str) -> bool {
    let secret = Secret::new(value);
    value.chars().count() >= MIN_KNOWN_CHARS
        && !secret.is_placeholder()
        && secret.kind() != super::TokenKind::SandboxPlaceholder
        && !is_switch_or_number(value)
        && !is_plain_path(value)
}

/// The value as each renderer may have escaped it.
fn escaped_forms(value: &str) -> Vec<String> {
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json[1..json.len().saturating_sub(1).max(1)].to_string();
    let xml = crate::escape::xml(value);
    let workflow = crate::escape::escape_data(value);
    let cell = value.replace('|', "\\|");
    let mut forms = vec![value.to_string()];
    for form in [json, xml, workflow, cell] {
        if !form.is_empty() && !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

fn is_switch_or_number(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "none"
    ) || value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// An absolute or home path without spaces: what `*_FILE` and `*_DIR`
/// variables hold, never the secret itself.
fn is_plain_path(value: &str) -> bool {
    (value.starts_with('/') || value.starts_with("~/")) && !value.contains(char::is_whitespace)
}

/// True for a name whose value is a secret: in `UPPER_SNAKE` any name with
/// a secret word in it (`GH_TOKEN`, `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`)
/// that does not merely point at one (`…_FILE`, `…_DIR`, `…_DESCRIPTOR`);
/// in any other case the usual names of keys, query parameters and headers
/// (`password`, `access_token`, `sig`, `x-api-key`, `Authorization`).
pub(crate) fn is_secret_name(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "TOKEN",
        "KEY",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "PASS",
        "PWD",
        "CREDENTIAL",
        "AUTH",
        "APIKEY",
        "PRIVATE",
        "SIGNATURE",
    ];
    const POINTERS: &[&str] = &[
        "_FILE",
        "_PATH",
        "_DIR",
        "_DESCRIPTOR",
        "_SOCK",
        "_HELPER",
        "_URL",
    ];
    const NAMES: &[&str] = &[
        "password",
        "passwd",
        "pass",
        "pwd",
        "secret",
        "token",
        "key",
        "apikey",
        "xapikey",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "authtoken",
        "sessiontoken",
        "clientsecret",
        "privatekey",
        "secretkey",
        "primaryapikey",
        "sig",
        "signature",
        "auth",
        "authorization",
        "proxyauthorization",
        "xauthtoken",
        "privatetoken",
        "xgoogapikey",
        "xamzsignature",
        "xamzsecuritytoken",
        "xamzcredential",
        "cookie",
        "credential",
        "credentials",
    ];
    if is_upper_snake(name) {
        let points = POINTERS.iter().any(|p| name.ends_with(p));
        // A word is a whole segment, or ends one (`APIKEY`, `DBPASS`), so
        // `KEYBOARD` and `CCAUTH_…` are not secret names.
        let has_word = name.split('_').any(|segment| {
            WORDS
                .iter()
                .any(|w| segment == *w || (segment.ends_with(w) && *w != "AUTH"))
        });
        return has_word && !points && !matches!(name, "PWD" | "OLDPWD");
    }
    let normalized: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    NAMES.contains(&normalized.as_str())
}

/// `GH_TOKEN`, `A1`: how environment variables are named.
fn is_upper_snake(name: &str) -> bool {
    name.len() > 1
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && name.bytes().any(|b| b.is_ascii_uppercase())
}

/// True for a value next to a secret name that is not itself a secret: a
/// reference (`$X`, `${…}`, `<token>`), a path, a switch, a number, a
/// variable name, or something already masked.
fn is_not_a_value(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'');
    let variable_name = v.contains('_')
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    v.is_empty()
        || v.contains(STARS)
        || v.starts_with(['$', '<', '{', '(', '*'])
        || v.starts_with("./")
        || v.starts_with("../")
        || is_plain_path(v)
        || is_switch_or_number(v)
        || variable_name
        || Secret::new(v).is_placeholder()
        || matches!(v, "(empty)" | "(unset)" | "(unknown)")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "bearer" | "basic" | "digest" | "token" | "negotiate" | "value" | "secret" | "password"
        )
}

/// An ordinary word of prose ("the", "expired"): not taken for a secret
/// where only a weak hint (a header name before a colon) says it is one.
fn is_prose_word(value: &str) -> bool {
    value.len() <= 12 && value.bytes().all(|b| b.is_ascii_lowercase())
}

/// Long, mixed-case, with digits: how generated key material looks.
fn is_high_entropy(word: &str) -> bool {
    let word = word.trim_end_matches('=');
    word.len() >= HIGH_ENTROPY_CHARS
        && word.bytes().any(|b| b.is_ascii_uppercase())
        && word.bytes().any(|b| b.is_ascii_lowercase())
        && word.bytes().any(|b| b.is_ascii_digit())
}

/// The masked form of one value found in text.
fn masked(value: &str) -> String {
    Secret::new(value).masked()
}

/// How one shape rewrites a match.
#[derive(Clone, Copy)]
enum Masking {
    /// Mask the whole match.
    Whole,
    /// Mask capture group 2 when group 1 is a secret name; keep the rest.
    ValueOfSecretName,
    /// As [`Masking::ValueOfSecretName`], but ordinary words are not taken
    /// for values (the colon form, which prose also uses).
    ValueOfSecretNameNotProse,
    /// Mask the capture group named `v`; keep the rest.
    Value,
    /// Mask the capture group named `v` unless it is an ordinary word.
    ValueNotProse,
    /// Mask the whole match when it looks like generated key material.
    HighEntropyWord,
}

/// One shape of secret. Its regex is compiled the first time a text could
/// hold it: compiling every shape costs more than the rest of a `doctor` run.
struct Shape {
    source: &'static str,
    pattern: OnceLock<Regex>,
    masking: Masking,
    /// A word every match contains (ASCII, any case), when there is one: a
    /// text without it is left alone without compiling the regex.
    needs: Option<&'static str>,
}

impl Shape {
    fn new(source: &'static str, masking: Masking) -> Self {
        Shape {
            source,
            pattern: OnceLock::new(),
            masking,
            needs: None,
        }
    }

    /// Only texts that contain `word` (ASCII, any case) can match.
    fn needing(mut self, word: &'static str) -> Self {
        self.needs = Some(word);
        self
    }

    fn mask(&self, text: &str) -> String {
        if let Some(word) = self.needs
            && !contains_ignoring_ascii_case(text, word)
        {
            return text.to_string();
        }
        self.pattern
            .get_or_init(|| Regex::new(self.source).expect("the shape patterns are valid"))
            .replace_all(text, |caps: &Captures<'_>| self.rewrite(text, caps))
            .into_owned()
    }

    /// The replacement for one match: the match itself when it is no secret.
    fn rewrite(&self, text: &str, caps: &Captures<'_>) -> String {
        let whole = caps.get(0).expect("group 0 always matches");
        let name = caps.get(1).map_or("", |m| m.as_str());
        // `${NAME:-default}`, `${NAME: -20}`: a shell expansion, not a value.
        let expansion = caps
            .get(1)
            .is_some_and(|m| text[..m.start()].ends_with("${"));
        let (value, prose_excluded) = match self.masking {
            Masking::Whole => (Some(whole), false),
            Masking::HighEntropyWord => {
                (Some(whole).filter(|w| is_high_entropy(w.as_str())), false)
            }
            Masking::ValueOfSecretName => (caps.get(2).filter(|_| is_secret_name(name)), false),
            Masking::ValueOfSecretNameNotProse => (
                caps.get(2).filter(|_| is_secret_name(name)),
                !is_upper_snake(name),
            ),
            Masking::Value => (caps.name("v"), false),
            Masking::ValueNotProse => (caps.name("v"), true),
        };
        let Some(value) = value.filter(|_| !expansion).filter(|v| {
            let v = v.as_str();
            !(is_not_a_value(v) || (prose_excluded && is_prose_word(v)))
        }) else {
            return whole.as_str().to_string();
        };
        // After a backslash the first character is an escape's letter (`\n`).
        let escaped = text[..value.start()].ends_with('\\');
        let start = value.start() + usize::from(escaped);
        format!(
            "{}{}{}",
            &text[whole.start()..start],
            masked(&text[start..value.end()]),
            &text[value.end()..whole.end()]
        )
    }
}

/// Every shape, in the order they apply. Value character classes stop at
/// quotes, backslashes and markup, so masking never breaks the JSON, XML or
/// Markdown around a value.
static SHAPES: LazyLock<Vec<Shape>> = LazyLock::new(|| {
    use Masking::*;
    vec![
        Shape::new(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)",
            Whole,
        )
        .needing("PRIVATE KEY-----"),
        Shape::new(
            r#"(?i)\b[a-z][a-z0-9+.-]{0,30}://[^\s/?#@:"'<>\\]*:(?P<v>[^\s/?#@"'<>\\]+)@"#,
            Value,
        )
        .needing("://"),
        Shape::new(
            r#"(?i)\b(?:proxy-)?authorization\\?"?\s*[:=]\s*\\?"?\s*(?:bearer|basic|digest|token|negotiate)\s+(?P<v>[^\s"'\\,;<>]+)"#,
            ValueNotProse,
        )
        .needing("authorization"),
        Shape::new(
            r"(?i)\bbearer\s+(?P<v>[A-Za-z0-9._~+/=-]{5,}[A-Za-z0-9_~+/=-])",
            ValueNotProse,
        )
        .needing("bearer"),
        Shape::new(
            r#""([A-Za-z_][A-Za-z0-9_.-]*)"\s*:\s*"((?:[^"\\]|\\.)+)""#,
            ValueOfSecretName,
        ),
        Shape::new(
            r#"(?i)\\"([a-z_][a-z0-9_.-]*)\\"\s*:\s*\\"((?:[^"\\]|\\[^"])+)\\""#,
            ValueOfSecretName,
        ),
        Shape::new(
            r#"\b([A-Za-z_][A-Za-z0-9_.-]*)=["']?([^\s"'\\&;,|<>(){}\[\]`]+)"#,
            ValueOfSecretName,
        ),
        Shape::new(
            r#"\b([A-Za-z_][A-Za-z0-9_-]*):[ \t]+["']?([^\s"'\\,;<>`()]+)"#,
            ValueOfSecretNameNotProse,
        ),
        Shape::new(
            r#"\$\{(?:localEnv|containerEnv|env):([A-Za-z_][A-Za-z0-9_]*):([^}\s"'\\]+)\}"#,
            ValueOfSecretName,
        ),
        Shape::new(
            r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposre]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|hv[sbr]\.[A-Za-z0-9_-]{20,}|s\.[A-Za-z0-9]{24}|npm_[A-Za-z0-9]{36}|AIza[0-9A-Za-z_-]{35}|sk-(?:proj-)?[A-Za-z0-9_-]{32,})\b",
            Whole,
        ),
        Shape::new(
            r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
            Whole,
        ),
        Shape::new(r"[A-Za-z0-9_+=-]{24,}", HighEntropyWord),
    ]
});

/// True when `text` contains `word`, ASCII letters compared in any case.
fn contains_ignoring_ascii_case(text: &str, word: &str) -> bool {
    let word = word.as_bytes();
    text.as_bytes()
        .windows(word.len())
        .any(|window| window.eq_ignore_ascii_case(word))
}

/// Masks every `sk-ant-…` token, keeping a real kind's prefix; a token that
/// ends a line and goes on at the start of the next (a wrapped paste) is
/// masked with its continuation.
pub(super) fn mask_anthropic_tokens(text: &str) -> Cow<'_, str> {
    const MARK: &str = "sk-ant-";
    if !text.contains(MARK) {
        return Cow::Borrowed(text);
    }
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        let len = candidate
            .find(|c: char| !is_token_char(c))
            .unwrap_or(candidate.len());
        let token = Secret::new(&candidate[..len]);
        let body_len = len - token.known_prefix().map_or(MARK.len(), str::len);
        if body_len == 0 || token.is_placeholder() {
            out.push_str(&candidate[..len]);
            rest = &candidate[len..];
            continue;
        }
        let (brk, more) = wrapped_continuation(&candidate[len..]);
        let whole = format!("{}{}", &candidate[..len], &candidate[len + brk..len + more]);
        out.push_str(&Secret::new(whole).masked());
        rest = &candidate[len + more..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// When a line break and token characters follow that read as the rest of
/// a wrapped token (a digit in them, or sixteen of them): the length of the
/// break, and of the break plus those characters; `(0, 0)` otherwise.
fn wrapped_continuation(rest: &str) -> (usize, usize) {
    let Some(brk) = LINE_BREAK.find(rest).filter(|m| m.start() == 0) else {
        return (0, 0);
    };
    let after = &rest[brk.end()..];
    let run = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(after.len());
    let word = &after[..run];
    let ends_word = after[run..]
        .chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || "\"'\\,;)".contains(c));
    let looks_wrapped = word.len() >= 6
        && ends_word
        && (word.bytes().any(|b| b.is_ascii_digit()) || word.len() >= 16);
    if looks_wrapped {
        (brk.end(), brk.end() + run)
    } else {
        (0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gated_shape_still_masks_in_any_case() {
        assert!(contains_ignoring_ascii_case(
            "x AUTHORIZATION: y",
            "authorization"
        ));
        assert!(!contains_ignoring_ascii_case(
            "authorisation",
            "authorization"
        ));
        assert!(!contains_ignoring_ascii_case("ab", "abc"));
        for text in [
            "AUTHORIZATION: BEARER q1w2e3r4t5y6u7i8",
            "curl -H 'authorization: Bearer q1w2e3r4t5y6u7i8'",
            "BeArEr q1w2e3r4t5y6u7i8",
            "https://user:q1w2e3r4t5y6u7i8@proxy.example",
        ] {
            assert!(!scrub(text).contains("q1w2e3r4t5y6u7i8"), "{text}");
        }
    }

    fn scrub(text: &str) -> String {
        Scrubber::default().scrub(text)
    }

    #[test]
    fn known_values_are_masked_raw_escaped_and_wrapped() {
        let s = Scrubber::with_values(["PLANTEDvalue\"with|quote", "hunter2hunter2", "ab"]);
        assert_eq!(s.scrub("x PLANTEDvalue\"with|quote y"), "x ********uote y");
        assert_eq!(
            s.scrub(r#""PLANTEDvalue\"with|quote""#),
            r#""********uote""#
        );
        assert_eq!(s.scrub("PLANTEDvalue&quot;with|quote"), "********uote");
        assert_eq!(s.scrub("PLANTEDvalue\"with\\|quote"), "********uote");
        assert_eq!(s.scrub("pw hunter2\n      hunter2 end"), "pw ******** end");
        assert_eq!(s.scrub("pw hunter2\\nhunter2 end"), "pw ******** end");
        assert_eq!(s.scrub("ab stays"), "ab stays", "too short to match alone");
    }

    #[test]
    fn shapes_are_masked_and_their_context_kept() {
        let cases = [
            ("GH_TOKEN=ghp_x1", "GH_TOKEN=********"),
            (
                "VAULT_TOKEN=s.abc /usr/bin/get-key",
                "VAULT_TOKEN=******** /usr/bin/get-key",
            ),
            (
                "Authorization: Bearer abc.def-123",
                "Authorization: Bearer ********",
            ),
            ("x-api-key: 0123456789abcdef", "x-api-key: ********cdef"),
            (
                r#""Authorization": "Basic dXNlcjpwYXNz""#,
                r#""Authorization": "Basic ********""#,
            ),
            (
                "https://u:pa55word@proxy:3128",
                "https://u:********@proxy:3128",
            ),
            (
                "postgres://app:s3cr3t@db/x?token=abc123&a=1",
                "postgres://app:********@db/x?token=********&a=1",
            ),
            (
                r#""DB_PASSWORD": "correct horse""#,
                r#""DB_PASSWORD": "********""#,
            ),
            ("API_KEY: abcdef", "API_KEY: ********"),
            (
                "${localEnv:API_KEY:fallback1}",
                "${localEnv:API_KEY:********}",
            ),
            ("AKIAABCDEFGHIJKLMNOP", "********MNOP"),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig", "********"),
            ("x Ab3dEfGhIjKlMnOpQrStUvWx y", "x ********UvWx y"),
        ];
        for (text, want) in cases {
            assert_eq!(scrub(text), want, "{text}");
        }
    }

    #[test]
    fn what_is_not_a_secret_stays_readable() {
        for text in [
            "ANTHROPIC_API_KEY=<your key>",
            "export CLAUDE_CODE_OAUTH_TOKEN=$(cat /run/secrets/t)",
            "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR=3",
            "GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp/key.json",
            r#""api_key_source": "ANTHROPIC_API_KEY""#,
            r#""header": "Authorization: Bearer""#,
            "  - api-key-approval: Claude Code uses ANTHROPIC_API_KEY",
            "the token expired; sent as x-api-key: the server said no",
            "/home/dev/.claude/projects/-workspace-my-project/abc.jsonl",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "sk-ant-api03-********abcd and Bearer ********wxyz",
            "${localEnv:ANTHROPIC_API_KEY}",
            "Template text such as `sk-ant-your-key-here` counts as missing",
            "a Docker `--env-file` line `KEY=\"value\"` keeps them; write `KEY=value`",
            "jq --arg k \"${ANTHROPIC_API_KEY: -20}\" '.x'",
            "(`x-api-key` for an API key, `Authorization: Bearer`) or from",
            "A gateway's access log showing `sk-ant-oat01-…` Bearer tokens.",
            "(sent as Authorization: Bearer to api.anthropic.com)",
            "CCAUTH_ONLINE_ENDPOINTS=host=url KEYBOARD=us",
        ] {
            assert_eq!(scrub(text), text);
        }
    }

    #[test]
    fn a_wrapped_anthropic_key_is_masked_whole() {
        let text = "key sk-ant-api03-AAAAbbbbCCCC\n  DDDD1111eeee\nNext line";
        assert_eq!(scrub(text), "key sk-ant-api03-********eeee\nNext line");
        let json = r#""sk-ant-api03-AAAAbbbbCCCCdddd\nEEEE2222ffff""#;
        assert_eq!(scrub(json), r#""sk-ant-api03-********ffff""#);
        assert_eq!(
            scrub("sk-ant-api03-x1\nPlease run"),
            "sk-ant-api03-********\nPlease run"
        );
    }

    #[test]
    fn scrubbing_twice_changes_nothing() {
        let text =
            "A_TOKEN=abc123xyz Bearer t0kenValue123 https://u:p4ss@h ghp_0123456789abcdefghijABCD";
        let once = scrub(text);
        assert_eq!(scrub(&once), once);
    }
}
