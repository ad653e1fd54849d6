//! `ccauth status`: which credential Claude Code will use, from where, and why.
//!
//! Built from the same [`Context`] and the same resolver as the doctor, so the
//! two never disagree. The top-level fields mirror `claude auth status --json`
//! value for value (`tests/conformance.rs` holds the proof).

use crate::auth::{self, AuthMethod, Credential, Mode, Resolution, SourceKind};
pub(crate) use crate::checks::gates::{Gate, Gates};
use crate::gather::Context;
use crate::secret::TokenKind;
use serde::Serialize;

/// Bumped on any incompatible change to the JSON shape.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Everything `ccauth status` shows.
#[derive(Clone, Debug, Serialize)]
pub struct StatusReport {
    /// The JSON contract's version.
    pub(crate) schema_version: u32,
    /// `claude auth status`'s `loggedIn` (non-interactive rules).
    pub(crate) logged_in: bool,
    /// `authMethod`.
    pub(crate) auth_method: AuthMethod,
    /// `apiKeySource`.
    pub(crate) api_key_source: Option<&'static str>,
    /// `apiProvider`.
    pub(crate) api_provider: &'static str,
    /// One row per credential source, in precedence order; absent ones too.
    pub(crate) sources: Vec<SourceRow>,
    /// The outcome for each way of running the client.
    pub(crate) verdicts: Verdicts,
    /// What stands between each way of running the client and its prompt,
    /// in the order the client meets it.
    pub(crate) gates: Gates,
    /// Who starts `claude` here, and so which mode matters.
    pub(crate) launch: crate::gather::launcher::Launch,
}

/// The outcome for `claude -p` and for interactive `claude`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Verdicts {
    /// `claude -p`, the SDK, `claude auth status`.
    pub(crate) print: Verdict,
    /// `claude` in a terminal.
    pub(crate) interactive: Verdict,
}

/// One mode's outcome in words and data.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Verdict {
    /// `authMethod` for this mode.
    pub(crate) auth_method: AuthMethod,
    /// "ANTHROPIC_API_KEY from the process environment", or none.
    pub(crate) winner: Option<String>,
    /// One line per other present credential: why it loses.
    pub(crate) losers: Vec<String>,
    /// A caveat: an API key awaiting approval, the onboarding wizard.
    pub(crate) notes: Vec<String>,
}

/// One credential source.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct SourceRow {
    /// `ANTHROPIC_API_KEY`, `apiKeyHelper`, `claudeAiOauth`, …
    pub(crate) source: String,
    /// Whether the source holds a credential the client may use.
    pub(crate) state: SourceState,
    /// The masked value, when there is one to show.
    pub(crate) value: Option<String>,
    /// What the value looks like: `API key`, `OAuth token`, …
    pub(crate) kind: Option<&'static str>,
    /// Where it came from, in words.
    pub(crate) origin: Option<String>,
    /// Where it came from, briefly, for the table.
    pub(crate) origin_short: Option<String>,
    /// Why the client ignores it, when it does.
    pub(crate) problem: Option<String>,
    /// Wins under `claude -p`.
    pub(crate) wins_print: bool,
    /// Wins in interactive `claude`.
    pub(crate) wins_interactive: bool,
}

/// The rows of the table, in the client's precedence order.
const ROWS: &[SourceKind] = crate::auth::PRECEDENCE;

/// A row's name: the variable for the kinds one carries (from the one
/// table, [`auth::CREDENTIAL_VARS`]), else the source's own name.
fn row_label(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::CloudProvider => "cloud provider flag",
        SourceKind::ApiKeyHelper => "apiKeyHelper",
        SourceKind::StoredLogin => "/login credential",
        SourceKind::PrimaryApiKey => "primaryApiKey",
        SourceKind::AuthToken | SourceKind::ApiKey | SourceKind::OauthTokenEnv => {
            auth::value_var(kind).unwrap_or("environment variable")
        }
    }
}

impl StatusReport {
    /// Builds the report from the snapshot.
    pub fn from_context(ctx: &Context) -> Self {
        let print = auth::resolve(ctx, Mode::Print);
        let interactive = auth::resolve(ctx, Mode::Interactive);
        let found = auth::credentials(ctx);
        let mut sources = Vec::new();
        for &kind in ROWS {
            let of_kind: Vec<&Credential> = found.iter().filter(|c| c.kind == kind).collect();
            if of_kind.is_empty() {
                sources.push(absent_row(row_label(kind)));
            }
            for credential in of_kind {
                sources.push(row(credential, &print, &interactive));
            }
        }
        StatusReport {
            schema_version: SCHEMA_VERSION,
            logged_in: print.logged_in,
            auth_method: print.auth_method,
            api_key_source: print.api_key_source,
            api_provider: print.api_provider,
            sources,
            verdicts: Verdicts {
                print: verdict(&print, None),
                interactive: verdict(&interactive, onboarding_note(ctx, &interactive)),
            },
            gates: Gates::of(ctx),
            launch: ctx.launch.clone(),
        }
    }
}

/// The gates line of the doctor's runtime section.
pub fn gates_line(ctx: &Context) -> String {
    crate::checks::gates::one_line(ctx)
}

/// One line for the doctor's runtime section.
pub fn one_line(ctx: &Context) -> String {
    let print = auth::resolve(ctx, Mode::Print);
    let interactive = auth::resolve(ctx, Mode::Interactive);
    let name = |r: &Resolution| {
        r.winner
            .as_ref()
            .map_or("nothing".to_string(), |w| w.name.to_string())
    };
    if !print.logged_in && !interactive.logged_in {
        "not logged in: neither claude nor claude -p has a credential".to_string()
    } else if print.auth_method == interactive.auth_method && name(&print) == name(&interactive) {
        format!(
            "claude and claude -p use {} ({})",
            name(&print),
            print.auth_method
        )
    } else {
        format!(
            "claude -p uses {} ({}); interactive claude uses {} ({})",
            name(&print),
            print.auth_method,
            name(&interactive),
            interactive.auth_method
        )
    }
}

/// What a credential source holds. JSON spells it `present`, `empty`,
/// `absent` or `ignored` (`schema/status.schema.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SourceState {
    /// Set, and taken into account by the client.
    Present,
    /// Set to nothing: the client treats it as unset.
    Empty,
    /// Not set anywhere.
    Absent,
    /// Set, but the client does not read it here (the problem says why).
    Ignored,
}

impl SourceState {
    /// The word the table and JSON show.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SourceState::Present => "present",
            SourceState::Empty => "empty",
            SourceState::Absent => "absent",
            SourceState::Ignored => "ignored",
        }
    }
}

impl std::fmt::Display for SourceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn absent_row(label: &str) -> SourceRow {
    SourceRow {
        source: label.to_string(),
        state: SourceState::Absent,
        value: None,
        kind: None,
        origin: None,
        origin_short: None,
        problem: None,
        wins_print: false,
        wins_interactive: false,
    }
}

fn row(c: &Credential, print: &Resolution, interactive: &Resolution) -> SourceRow {
    let wins = |r: &Resolution| {
        r.winner
            .as_ref()
            .is_some_and(|w| w.kind == c.kind && w.name == c.name && w.origin == c.origin)
    };
    let empty = c
        .value
        .as_ref()
        .is_some_and(super::secret::Secret::is_empty);
    SourceRow {
        source: c.name.to_string(),
        state: match (c.present, empty) {
            (true, _) => SourceState::Present,
            (false, true) => SourceState::Empty,
            (false, false) => SourceState::Ignored,
        },
        value: c
            .value
            .as_ref()
            .filter(|v| !v.is_empty())
            .map(super::secret::Secret::masked),
        kind: (!empty).then(|| kind_of(c)),
        origin: Some(c.origin.describe()),
        origin_short: Some(c.origin.short()),
        problem: c.problem.clone(),
        wins_print: wins(print),
        wins_interactive: wins(interactive),
    }
}

/// What a credential looks like, from its slot and prefix.
fn kind_of(c: &Credential) -> &'static str {
    match c.kind {
        SourceKind::CloudProvider => "provider flag",
        SourceKind::ApiKeyHelper => "command",
        _ if c.value.is_none() => "file descriptor",
        _ => match c.value.as_ref().map(super::secret::Secret::kind) {
            Some(TokenKind::ApiKey) => "API key",
            Some(TokenKind::AdminKey) => "admin key",
            Some(TokenKind::OauthAccessToken) => "OAuth token",
            Some(TokenKind::OauthRefreshToken) => "refresh token",
            Some(TokenKind::SandboxPlaceholder) => "sandbox proxy placeholder",
            _ if c.kind == SourceKind::AuthToken => "gateway token",
            _ => "unrecognised",
        },
    }
}

fn verdict(r: &Resolution, extra: Option<String>) -> Verdict {
    Verdict {
        auth_method: r.auth_method,
        winner: r.winner.as_ref().map(Credential::describe),
        losers: r
            .losers
            .iter()
            .map(|(c, why)| format!("{} loses: {why}", c.describe()))
            .collect(),
        notes: r.note.iter().cloned().chain(extra).collect(),
    }
}

/// The interactive client runs its wizard before using an env token when the
/// effective config lacks the onboarding flag (FACTS §3).
fn onboarding_note(ctx: &Context, r: &Resolution) -> Option<String> {
    let env_token = r
        .winner
        .as_ref()
        .is_some_and(|w| matches!(w.kind, SourceKind::OauthTokenEnv | SourceKind::AuthToken));
    let done = ctx
        .effective_config()
        .and_then(|c| c.ok())
        .is_some_and(super::gather::claude_state::ClaudeJson::onboarding_done);
    (env_token && !done).then(|| {
        "the first-run wizard runs before the token is used: hasCompletedOnboarding is not true \
         (ccauth explain onboarding-flag)"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::SourceState;

    #[test]
    fn a_source_state_serializes_as_the_word_the_table_shows() {
        for state in [
            SourceState::Present,
            SourceState::Empty,
            SourceState::Absent,
            SourceState::Ignored,
        ] {
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
    }
}
