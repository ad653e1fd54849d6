//! The one type that holds a credential value.
//!
//! Every token, key or password that `ccauth` reads lives in a [`Secret`]. Its
//! `Display`, `Debug` and `Serialize` implementations all print the masked form,
//! so a secret cannot reach stdout, stderr, a file or a panic message by
//! accident: the raw value is only reachable through [`Secret::expose`], which
//! the checks use for comparisons and never for output.
//!
//! Text that quotes what the user wrote (a finding, a diff, a pasted log, a
//! server's error) goes through the one masking rule, [`Scrubber`], at the
//! last step before its bytes leave: every value of a secret read this run,
//! matched exactly (also JSON-, XML- or workflow-escaped, or split by a line
//! break), then every shape a credential takes (`sk-ant-…`, `Bearer …`,
//! `NAME=value` with a secret-looking name, URL passwords, known token
//! prefixes, long high-entropy words).

mod scrubber;

pub(crate) use scrubber::{Scrubber, is_secret_name};
use serde::{Serialize, Serializer};
use std::fmt;

/// Fixed run of stars between the kept prefix and the last four characters,
/// so the masked form says nothing about the secret's length.
const STARS: &str = "********";

/// A value whose part after the prefix is shorter than this shows no tail at
/// all: four characters of a short secret are too large a share of it.
const MIN_BODY_FOR_TAIL: usize = 16;

/// A credential value that prints itself masked everywhere.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// What a credential looks like from its prefix alone.
///
/// The client validates no prefix (CLIENT-FACTS fact 5), so this is only a
/// hint for the checks and for `ccauth status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// `sk-ant-api03-…`: a Console API key, sent as `x-api-key`.
    ApiKey,
    /// `sk-ant-admin01-…`: an admin key, which cannot call the Messages API.
    AdminKey,
    /// `sk-ant-oat01-…`: an OAuth access token (`/login` or `setup-token`).
    OauthAccessToken,
    /// `sk-ant-ort01-…`: an OAuth refresh token.
    OauthRefreshToken,
    /// `proxy-managed`: Docker Sandboxes' placeholder for a key its proxy injects.
    SandboxPlaceholder,
    /// Anything else, e.g. a gateway token.
    Unknown,
}

impl Secret {
    /// Wraps a raw value.
    pub(crate) fn new(raw: impl Into<String>) -> Self {
        Secret(raw.into())
    }

    /// The raw value, for comparisons only: never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True for a value that is set but holds nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `sk-ant-<kind>-` prefix, when the value has one of the real
    /// kinds (`api03`, `oat01`, `ort01`, `admin01`, any version digits). An
    /// unknown segment is not shown: it may be part of the secret.
    pub(crate) fn known_prefix(&self) -> Option<&str> {
        let rest = self.0.strip_prefix("sk-ant-")?;
        let dash = rest.find('-')?;
        let segment = &rest[..dash];
        let letters = segment.trim_end_matches(|c: char| c.is_ascii_digit());
        let versioned = letters.len() < segment.len() && segment.len() <= 8;
        let known = matches!(letters, "api" | "oat" | "ort" | "admin");
        (versioned && known).then(|| &self.0[.."sk-ant-".len() + dash + 1])
    }

    /// The kind of credential the prefix suggests.
    pub fn kind(&self) -> TokenKind {
        if self.0 == "proxy-managed" {
            return TokenKind::SandboxPlaceholder;
        }
        let Some(prefix) = self.known_prefix() else {
            return TokenKind::Unknown;
        };
        match prefix["sk-ant-".len()..prefix.len() - 1]
            .trim_end_matches(|c: char| c.is_ascii_digit())
        {
            "api" => TokenKind::ApiKey,
            "admin" => TokenKind::AdminKey,
            "oat" => TokenKind::OauthAccessToken,
            _ => TokenKind::OauthRefreshToken,
        }
    }

    /// The masked form: known prefix kept, fixed-width stars, last four shown
    /// only for a long value whose tail is plain printable ASCII.
    pub(crate) fn masked(&self) -> String {
        if self.0.is_empty() {
            return "(empty)".to_string();
        }
        if self.kind() == TokenKind::SandboxPlaceholder {
            // Not a secret: the literal placeholder is the useful evidence.
            return self.0.clone();
        }
        let prefix = self.known_prefix().unwrap_or("");
        let body: Vec<char> = self.0[prefix.len()..].chars().collect();
        let tail: String = body[body.len().saturating_sub(4)..].iter().collect();
        let tail_is_safe = body.len() >= MIN_BODY_FOR_TAIL
            && tail
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if tail_is_safe {
            format!("{prefix}{STARS}{tail}")
        } else {
            format!("{prefix}{STARS}")
        }
    }

    /// True for template text from docs and examples: `sk-ant-your-key-here`,
    /// `<token>`, `xxxx`, `changeme`. Such a value is not a real credential.
    pub(crate) fn is_placeholder(&self) -> bool {
        let v = self.0.trim().trim_matches(|c| c == '"' || c == '\'');
        let lower = v.to_ascii_lowercase();
        let body = self
            .known_prefix()
            .map_or(lower.as_str(), |p| &lower[p.len()..]);
        let words = [
            "your",
            "here",
            "changeme",
            "example",
            "placeholder",
            "replace",
            "todo",
        ];
        (v.starts_with('<') && v.ends_with('>'))
            || (v.starts_with("${") && v.ends_with('}'))
            || body
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|word| words.contains(&word))
            || body.contains("...")
            || (body.len() >= 3 && body.chars().all(|c| c == 'x' || c == '*' || c == '-'))
    }

    /// The last `n` characters of the trimmed value, still a secret: the form
    /// in which the client remembers approved and rejected keys.
    pub(crate) fn trimmed_tail(&self, n: usize) -> Secret {
        let trimmed = self.0.trim();
        let start = trimmed
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        Secret(trimmed[start..].to_string())
    }

    /// True when the last `n` characters of the trimmed value equal `suffix`:
    /// how the client remembers approved and rejected API keys
    /// (`customApiKeyResponses`, CLIENT-FACTS fact 28).
    pub(crate) fn trimmed_tail_equals(&self, n: usize, suffix: &str) -> bool {
        self.trimmed_tail(n).0 == suffix
    }
}

/// Masks every secret shape found inside free text (the rule of
/// [`Scrubber`] without any known values): what renderers apply to data
/// before they format it, and what code without a snapshot at hand can use.
pub(crate) fn scrub(text: &str) -> String {
    Scrubber::default().scrub(text)
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OAT: &str = "sk-ant-oat01-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-wxyz";

    #[test]
    fn keeps_prefix_and_last_four_of_a_long_token() {
        assert_eq!(Secret::new(OAT).masked(), "sk-ant-oat01-********wxyz");
    }

    #[test]
    fn every_format_masks() {
        let s = Secret::new(OAT);
        for shown in [
            format!("{s}"),
            format!("{s:?}"),
            serde_json::to_string(&s).unwrap(),
        ] {
            assert!(!shown.contains("AbCdEfGh"), "{shown}");
        }
    }

    #[test]
    fn an_unknown_segment_is_not_shown() {
        let odd = Secret::new("sk-ant-OKENtna-s0meSecretMaterial1234567890");
        assert_eq!(odd.known_prefix(), None);
        assert!(!odd.masked().contains("OKENtna"), "{}", odd.masked());
        assert_eq!(Secret::new("sk-ant-api-nodigits").known_prefix(), None);
    }

    #[test]
    fn short_values_show_no_tail() {
        assert_eq!(Secret::new("hunter2hunter2").masked(), "********");
        assert_eq!(
            Secret::new("sk-ant-api03-short").masked(),
            "sk-ant-api03-********"
        );
    }

    #[test]
    fn a_tail_with_quotes_or_newlines_is_hidden() {
        let quoted = format!("\"{OAT}\"");
        assert_eq!(Secret::new(quoted).masked(), "********");
        let crlf = format!("{OAT}\r\n");
        assert_eq!(Secret::new(crlf).masked(), "sk-ant-oat01-********");
    }

    #[test]
    fn empty_and_placeholder_are_said_plainly() {
        assert_eq!(Secret::new("").masked(), "(empty)");
        assert_eq!(Secret::new("proxy-managed").masked(), "proxy-managed");
    }

    #[test]
    fn kinds_follow_the_prefix() {
        assert_eq!(Secret::new(OAT).kind(), TokenKind::OauthAccessToken);
        assert_eq!(Secret::new("sk-ant-api03-x").kind(), TokenKind::ApiKey);
        assert_eq!(
            Secret::new("sk-ant-ort01-x").kind(),
            TokenKind::OauthRefreshToken
        );
        assert_eq!(Secret::new("sk-ant-admin01-x").kind(), TokenKind::AdminKey);
        assert_eq!(Secret::new("gateway-token").kind(), TokenKind::Unknown);
        assert_eq!(Secret::new("sk-ant-").kind(), TokenKind::Unknown);
    }

    #[test]
    fn scrub_masks_tokens_in_text_and_leaves_masked_ones_alone() {
        let text = format!("run: echo {OAT} > x; sk-ant-api03-********abcd; sk-ant-");
        let clean = scrub(&text);
        assert!(!clean.contains("AbCdEfGh"), "{clean}");
        assert!(
            clean.contains("echo sk-ant-oat01-********wxyz > x"),
            "{clean}"
        );
        assert!(clean.contains("sk-ant-api03-********abcd;"), "{clean}");
        assert!(clean.ends_with("sk-ant-"), "{clean}");
    }

    #[test]
    fn placeholders_from_docs_are_recognised() {
        for p in [
            "sk-ant-your-key-here",
            "sk-ant-oat01-your-token-here",
            "<token>",
            "xxxxxxxx",
            "${API_KEY}",
            "sk-ant-api03-...",
        ] {
            assert!(Secret::new(p).is_placeholder(), "{p}");
        }
        assert!(!Secret::new(OAT).is_placeholder());
    }

    #[test]
    fn tail_comparison_trims_like_the_client() {
        let key = Secret::new("  sk-ant-api03-abcdefghijklmnopqrstuvwxyzBB\n");
        assert!(key.trimmed_tail_equals(20, "ghijklmnopqrstuvwxyzBB"[2..].as_ref()));
        assert!(!key.trimmed_tail_equals(20, "xxxxxxxxxxxxxxxxxxxx"));
        assert!(Secret::new("short").trimmed_tail_equals(20, "short"));
    }
}
