//! `token-accepted` (with `--online`): the credential in use is accepted by
//! the API, asked once with a cheap request.

use super::{Category, Check, Finding, Place, Problem, Status, places};
use crate::auth;
use crate::gather::Context;
use crate::probe::{OnlineFacts, TokenVerdict};

/// Judges the `--online` authenticated request.
pub(crate) struct TokenAccepted;

impl Check for TokenAccepted {
    fn id(&self) -> &'static str {
        "token-accepted"
    }

    fn title(&self) -> &'static str {
        "The API accepts the credential in use"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/token-accepted.md")
    }

    fn needs_online(&self) -> bool {
        true
    }

    fn run(&self, ctx: &Context) -> Finding {
        self.run_probed(ctx, None)
    }

    fn run_probed(&self, ctx: &Context, online: Option<&OnlineFacts>) -> Finding {
        let Some(online) = online else {
            return Finding::skip(
                "Not probed: run `ccauth doctor --online` to try the credential once.",
            );
        };
        let Some(probe) = &online.token else {
            let why = online
                .token_skipped
                .as_deref()
                .unwrap_or("there was nothing to send");
            return Finding::skip(format!("No request was made: {why}."));
        };
        let said = probe.message.as_deref().map_or(String::new(), |m| {
            format!(" The server said: \"{}\"", m.trim_end_matches('.'))
        });
        let status = probe
            .status
            .map_or("no answer".to_string(), |s| format!("HTTP {s}"));
        let who = format!(
            "{} (sent as {} to {})",
            probe.credential, probe.header, probe.host
        );
        let (kind, cause, fix) = match probe.verdict {
            TokenVerdict::Accepted => {
                return Finding::pass(format!("{who} was accepted ({status})."))
                    .with("token", probe);
            }
            TokenVerdict::NoAnswer => {
                return Finding::skip(format!(
                    "{who} could not be tried: {}. network-reachability says why.",
                    probe.message.as_deref().unwrap_or("no answer")
                ))
                .with("token", probe);
            }
            TokenVerdict::Expired => (
                "expired",
                format!("{who} has expired ({status}).{said}"),
                "Get a new one: `claude setup-token` for CLAUDE_CODE_OAUTH_TOKEN (one year), or sign in again \
                 for a /login credential (`claude auth login`).",
            ),
            TokenVerdict::Invalid => (
                "invalid",
                format!("{who} was rejected as invalid or revoked ({status}).{said}"),
                "Create a new key or token and set it again; check it was copied whole (ccauth explain \
                 credential-format).",
            ),
            TokenVerdict::WrongKind => (
                "wrong-kind",
                format!(
                    "{who} is the wrong kind for that header ({status}): an OAuth token sent as an API key, or \
                     the reverse.{said}"
                ),
                "Put sk-ant-oat01- tokens in CLAUDE_CODE_OAUTH_TOKEN and sk-ant-api03- keys in ANTHROPIC_API_KEY.",
            ),
            TokenVerdict::OrgDisabled => (
                "org-disabled",
                format!("{who} belongs to a disabled organization ({status}).{said}"),
                "Use a key from an active organization, or unset ANTHROPIC_API_KEY to use your subscription.",
            ),
            TokenVerdict::NoCredit => (
                "no-credit",
                format!("{who} is valid, but its API account has no credit left ({status}).{said}"),
                "Add credit in the Console, or unset the key to use your Claude subscription instead.",
            ),
            TokenVerdict::Unexpected => (
                "unexpected-answer",
                format!("{who} got an unexpected answer ({status}).{said}"),
                "Try again later; if it persists, check status.anthropic.com or your gateway.",
            ),
        };
        // Only a verdict the server gave for this credential fails it.
        let severity = if probe.verdict == TokenVerdict::Unexpected {
            Status::Warn
        } else {
            Status::Fail
        };
        let problem =
            Problem::of(severity, kind, cause, fix).at_all(places_of_sent(ctx, &probe.credential));
        Finding::problem(problem).with("token", probe)
    }
}

/// Where the credential that was sent is set: the probe sends the session's
/// winner, named as it describes itself.
fn places_of_sent(ctx: &Context, sent: &str) -> Vec<Place> {
    auth::session_winner(ctx)
        .filter(|w| w.describe() == sent)
        .map(|w| places::of_credential(ctx, &w))
        .unwrap_or_default()
}
