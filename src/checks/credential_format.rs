//! `credential-format`: a credential the client will send is malformed.
//!
//! The client validates nothing (CLIENT-FACTS facts 5 and 7): quotes from a
//! Docker `--env-file`, a Windows line ending, a zero-width space pasted from
//! a web page, template text or a token in the wrong variable all go out as
//! they are and come back as "Invalid API key". Empty values are not judged
//! here: the client ignores them, and `credential-missing` reports them when
//! nothing else is left.

use super::{Category, Check, Finding, Place, Problem, Status, join_words, places};
use crate::auth::{self, Credential, Mode, SourceKind};
use crate::gather::Context;
use crate::secret::{Secret, TokenKind};
use serde_json::json;

/// Judges the shape of every credential value found.
pub(crate) struct CredentialFormat;

/// Real keys and tokens are far longer; a value shorter than this after its
/// prefix was cut short.
const MIN_BODY: usize = 20;

impl Check for CredentialFormat {
    fn id(&self) -> &'static str {
        "credential-format"
    }

    fn title(&self) -> &'static str {
        "Credential values are well-formed"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/credential-format.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let values = values_to_judge(ctx);
        if values.is_empty() {
            return Finding::skip(
                "No credential value to judge (empty values are credential-missing's concern).",
            );
        }
        let winners: Vec<Credential> = [Mode::Print, Mode::Interactive]
            .into_iter()
            .filter_map(|m| auth::resolve(ctx, m).winner)
            .collect();
        let mut notes = Vec::new();
        let mut found = Vec::new();
        for v in &values {
            if v.value.kind() == TokenKind::SandboxPlaceholder && v.slot == "ANTHROPIC_API_KEY" {
                notes.push(format!(
                    "{} is Docker Sandboxes' placeholder `proxy-managed`: the sandbox's proxy injects the real \
                     key on the way out, so this is expected there.",
                    v.label
                ));
                continue;
            }
            let used = v.credential.as_ref().is_some_and(|c| {
                winners
                    .iter()
                    .any(|w| w.kind == c.kind && w.name == c.name && w.origin == c.origin)
            });
            let status = if used { Status::Fail } else { Status::Warn };
            found.extend(problems_of(ctx, v, status));
        }
        let evidence: Vec<_> = values
            .iter()
            .map(|v| json!({"slot": v.slot, "from": v.label, "value": v.value, "kind": v.value.kind()}))
            .collect();
        let notes = notes.join(" ");
        if found.is_empty() {
            let names: Vec<&str> = values.iter().map(|v| v.slot).collect();
            let cause = format!("{} look well-formed.", join_words(&names));
            let cause = [cause, notes].join(" ");
            return Finding::pass(cause.trim_end()).with("values", evidence);
        }
        found
            .into_iter()
            .fold(Finding::pass(notes), Finding::and)
            .with("values", evidence)
    }
}

/// One problem per kind of flaw a value has, at the place it is set.
fn problems_of(ctx: &Context, v: &Judged, status: Status) -> Vec<Problem> {
    let flaws = flaws(v.slot, &v.value);
    let mut kinds: Vec<Flaw> = Vec::new();
    for (flaw, _) in &flaws {
        if !kinds.contains(flaw) {
            kinds.push(*flaw);
        }
    }
    kinds
        .into_iter()
        .map(|kind| {
            let words: Vec<&str> = flaws
                .iter()
                .filter(|(f, _)| *f == kind)
                .map(|(_, w)| w.as_str())
                .collect();
            Problem::of(
                status,
                kind.kind(),
                format!("{} {}.", v.label, join_words(&words)),
                FIX,
            )
            .at_all(v.places(ctx))
        })
        .collect()
}

const FIX: &str = "\
Set the value again, exactly as issued, in the variable meant for it:
  • API keys (sk-ant-api03-…) go in ANTHROPIC_API_KEY; tokens from `claude setup-token` (sk-ant-oat01-…) in CLAUDE_CODE_OAUTH_TOKEN; ANTHROPIC_AUTH_TOKEN is for an LLM gateway's own token.
  • In a Docker --env-file or compose env_file, write KEY=value with no quotes and no spaces: quotes are kept literally.
  • Save .env files with Unix line endings (LF), and paste tokens from the terminal that printed them, not from a web page or chat.
A warning means the value is set but not the one in use; it bites as soon as the credential in use goes away.";

/// One value and where it came from.
struct Judged {
    slot: &'static str,
    label: String,
    value: Secret,
    credential: Option<Credential>,
}

impl Judged {
    /// Where the value is set: the credential's place, else the refresh
    /// token's key in `.credentials.json` or its variable.
    fn places(&self, ctx: &Context) -> Vec<Place> {
        if let Some(credential) = &self.credential {
            return places::of_credential(ctx, credential);
        }
        match (self.slot, &ctx.credentials) {
            ("refreshToken", Some(file)) => {
                vec![Place::file(&file.path).key("claudeAiOauth.refreshToken")]
            }
            _ => auth::effective_origin(ctx, self.slot)
                .map(|origin| places::of_origin(ctx, &origin, self.slot))
                .unwrap_or_default(),
        }
    }
}

/// What can be wrong with a value; each is its own problem kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flaw {
    /// Spaces or tabs around it, or nothing but whitespace.
    Whitespace,
    /// A trailing carriage return or line feed.
    LineEnding,
    /// Quotes around it, sent as part of it.
    Quoted,
    /// NUL, zero-width, control or non-ASCII characters inside it.
    HiddenCharacter,
    /// Template text from an example.
    Placeholder,
    /// A key or token in a variable not meant for it (or an Admin key).
    WrongVariable,
    /// Too short to be real.
    Truncated,
}

impl Flaw {
    /// The problem kind.
    fn kind(self) -> &'static str {
        match self {
            Flaw::Whitespace => "whitespace",
            Flaw::LineEnding => "line-ending",
            Flaw::Quoted => "quoted",
            Flaw::HiddenCharacter => "hidden-character",
            Flaw::Placeholder => "placeholder",
            Flaw::WrongVariable => "wrong-variable",
            Flaw::Truncated => "truncated",
        }
    }
}

fn values_to_judge(ctx: &Context) -> Vec<Judged> {
    let mut values: Vec<Judged> = auth::credentials(ctx)
        .into_iter()
        .filter(|c| !matches!(c.kind, SourceKind::ApiKeyHelper | SourceKind::CloudProvider))
        .filter_map(|c| {
            let value = c.value.clone().filter(|v| !v.is_empty())?;
            let slot = if c.kind == SourceKind::StoredLogin {
                "accessToken"
            } else {
                c.name
            };
            Some(Judged {
                slot,
                label: c.describe(),
                value,
                credential: Some(c),
            })
        })
        .collect();
    if let Some(file) = &ctx.credentials
        && let Some(refresh) = file
            .ok()
            .and_then(|l| l.refresh_token.clone())
            .filter(|v| !v.is_empty())
    {
        values.push(Judged {
            slot: "refreshToken",
            label: format!("claudeAiOauth.refreshToken in {}", file.path.display()),
            value: refresh,
            credential: None,
        });
    }
    if let Some(refresh) =
        auth::effective_var(ctx, "CLAUDE_CODE_OAUTH_REFRESH_TOKEN").filter(|v| !v.is_empty())
    {
        values.push(Judged {
            slot: "CLAUDE_CODE_OAUTH_REFRESH_TOKEN",
            label: "CLAUDE_CODE_OAUTH_REFRESH_TOKEN".to_string(),
            value: Secret::new(refresh),
            credential: None,
        });
    }
    values
}

/// Everything wrong with a value, in words that never contain the value.
fn flaws(slot: &str, value: &Secret) -> Vec<(Flaw, String)> {
    let raw = value.expose();
    if raw.trim().is_empty() {
        // 2.1.332 trims the bearer slots, so a blank one counts as unset; a
        // blank ANTHROPIC_API_KEY is still sent when nothing else signs in.
        let effect = if slot == "ANTHROPIC_API_KEY" {
            "which is sent as the key when nothing else signs in"
        } else {
            "so the client ignores it as if it were unset"
        };
        return vec![(Flaw::Whitespace, format!("holds only whitespace, {effect}"))];
    }
    let mut found = character_problems(raw);
    let core = Secret::new(raw.trim().trim_matches(|c| c == '"' || c == '\''));
    if core.is_placeholder() {
        found.push((
            Flaw::Placeholder,
            "is template text from an example, not a real credential".to_string(),
        ));
        return found;
    }
    found.extend(slot_problem(slot, &core).map(|w| (Flaw::WrongVariable, w)));
    let body = core.expose().len() - core.known_prefix().map_or(0, str::len);
    let gateway = slot == "ANTHROPIC_AUTH_TOKEN" && core.kind() == TokenKind::Unknown;
    if body < MIN_BODY && !gateway {
        found.push((
            Flaw::Truncated,
            format!(
                "is only {} characters long, far shorter than a real key or token: it looks cut off",
                core.expose().chars().count()
            ),
        ));
    }
    found
}

/// Whitespace, line endings, quotes and invisible characters, by position.
fn character_problems(raw: &str) -> Vec<(Flaw, String)> {
    let mut found = Vec::new();
    if raw.ends_with("\r\n") || raw.ends_with('\r') {
        found.push((
            Flaw::LineEnding,
            "ends with a carriage return (a Windows line ending from an .env file)".to_string(),
        ));
    } else if raw.ends_with('\n') {
        found.push((Flaw::LineEnding, "ends with a line feed".to_string()));
    }
    let inner = raw.trim_end_matches(['\r', '\n']);
    let leading = inner.len() - inner.trim_start().len();
    let trailing = inner.len() - inner.trim_end().len();
    if leading > 0 {
        found.push((
            Flaw::Whitespace,
            format!("starts with {leading} whitespace character(s)"),
        ));
    }
    if trailing > 0 {
        found.push((
            Flaw::Whitespace,
            format!("ends with {trailing} whitespace character(s)"),
        ));
    }
    let t = inner.trim();
    for quote in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(quote) && t.ends_with(quote) {
            let name = if quote == '"' { "double" } else { "single" };
            found.push((
                Flaw::Quoted,
                format!(
                    "is wrapped in {name} quotes, which are sent as part of it (a Docker --env-file keeps them)"
                ),
            ));
        }
    }
    for (position, c) in t.chars().enumerate().map(|(i, c)| (i + 1, c)) {
        let what = match c {
            '\0' => "a NUL byte".to_string(),
            '\u{200B}' => "a zero-width space (U+200B)".to_string(),
            '\u{200C}' | '\u{200D}' | '\u{2060}' => {
                format!("a zero-width joiner (U+{:04X})", c as u32)
            }
            '\u{FEFF}' => "a byte-order mark (U+FEFF)".to_string(),
            '\r' | '\n' => "a line break".to_string(),
            c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
            c if !c.is_ascii() => format!("a non-ASCII character (U+{:04X})", c as u32),
            _ => continue,
        };
        found.push((
            Flaw::HiddenCharacter,
            format!("contains {what} at character {position}"),
        ));
        if found.len() > 6 {
            break;
        }
    }
    found
}

/// A prefix that does not belong in the slot.
fn slot_problem(slot: &str, value: &Secret) -> Option<String> {
    let kind = value.kind();
    let message = match (slot, kind) {
        (_, TokenKind::AdminKey) => {
            "is an Admin API key (sk-ant-admin01-), which cannot call the Messages API"
        }
        ("CLAUDE_CODE_OAUTH_REFRESH_TOKEN" | "refreshToken", TokenKind::OauthRefreshToken) => {
            return None;
        }
        ("CLAUDE_CODE_OAUTH_REFRESH_TOKEN" | "refreshToken", TokenKind::Unknown) => return None,
        ("CLAUDE_CODE_OAUTH_REFRESH_TOKEN" | "refreshToken", _) => {
            "is not a refresh token (those start with sk-ant-ort01-)"
        }
        (_, TokenKind::OauthRefreshToken) => {
            "is a refresh token (sk-ant-ort01-), which cannot authenticate a request; use the access token or a \
             `claude setup-token` token"
        }
        ("ANTHROPIC_API_KEY", TokenKind::OauthAccessToken) => {
            "holds an OAuth token (sk-ant-oat01-), which is sent as x-api-key and rejected (\"Invalid API key · \
             Fix external API key\"); put it in CLAUDE_CODE_OAUTH_TOKEN"
        }
        ("ANTHROPIC_AUTH_TOKEN", TokenKind::OauthAccessToken) => {
            "holds a Claude OAuth token (sk-ant-oat01-); ANTHROPIC_AUTH_TOKEN is for a gateway's own token, \
             subscription tokens belong in CLAUDE_CODE_OAUTH_TOKEN"
        }
        ("ANTHROPIC_AUTH_TOKEN", TokenKind::ApiKey) => {
            "holds an API key (sk-ant-api03-), which is sent as a Bearer token; put it in ANTHROPIC_API_KEY"
        }
        ("CLAUDE_CODE_OAUTH_TOKEN" | "accessToken", TokenKind::ApiKey) => {
            "holds an API key (sk-ant-api03-), which is sent as an OAuth Bearer token and rejected; put it in \
             ANTHROPIC_API_KEY"
        }
        _ => return None,
    };
    Some(message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-AA";

    fn judge(slot: &str, raw: &str) -> String {
        let words: Vec<String> = flaws(slot, &Secret::new(raw))
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        words.join("; ")
    }

    #[test]
    fn a_clean_key_has_no_problem() {
        assert_eq!(judge("ANTHROPIC_API_KEY", KEY), "");
        assert_eq!(judge("ANTHROPIC_AUTH_TOKEN", "gw-123"), "");
    }

    #[test]
    fn characters_are_reported_by_position_never_by_value() {
        let text = judge("ANTHROPIC_API_KEY", &format!("\"{KEY}\"\r\n"));
        assert!(
            text.contains("carriage return") && text.contains("double quotes"),
            "{text}"
        );
        let text = judge(
            "ANTHROPIC_API_KEY",
            &format!("{}\u{200B}{}", &KEY[..20], &KEY[20..]),
        );
        assert!(
            text.contains("zero-width space (U+200B) at character 21"),
            "{text}"
        );
        let text = judge("ANTHROPIC_API_KEY", &format!(" {KEY}\t"));
        assert!(
            text.contains("starts with 1") && text.contains("ends with 1"),
            "{text}"
        );
        assert!(!text.contains("AbCdEf"));
    }

    #[test]
    fn prefixes_must_fit_the_slot() {
        let oat = KEY.replace("api03", "oat01");
        assert!(judge("ANTHROPIC_API_KEY", &oat).contains("CLAUDE_CODE_OAUTH_TOKEN"));
        assert!(judge("CLAUDE_CODE_OAUTH_TOKEN", KEY).contains("ANTHROPIC_API_KEY"));
        assert!(judge("ANTHROPIC_AUTH_TOKEN", KEY).contains("Bearer"));
        assert!(
            judge("CLAUDE_CODE_OAUTH_TOKEN", &KEY.replace("api03", "ort01"))
                .contains("refresh token")
        );
        assert_eq!(
            judge(
                "CLAUDE_CODE_OAUTH_REFRESH_TOKEN",
                &KEY.replace("api03", "ort01")
            ),
            ""
        );
        assert!(judge("ANTHROPIC_API_KEY", &KEY.replace("api03", "admin01")).contains("Admin"));
    }

    #[test]
    fn placeholders_and_short_values() {
        assert!(judge("ANTHROPIC_API_KEY", "sk-ant-your-key-here").contains("template text"));
        assert!(judge("ANTHROPIC_API_KEY", "sk-ant-api03-abc").contains("cut off"));
        assert!(judge("CLAUDE_CODE_OAUTH_TOKEN", "abc").contains("cut off"));
    }
}
