//! `anthropic-profile`: `ANTHROPIC_PROFILE` names an Anthropic CLI profile
//! for the client to sign in with. 2.1.332 reads it only where Anthropic
//! turns profile sign-in on for the account (a server-side flag,
//! `tengu_sorted_waterfall`, off by default and offline: with a bogus or
//! invalid name, `auth status`, `claude -p` and a stored login were
//! unchanged). Where it is on, a name the client cannot use means a sign-in
//! made here is not used, and a valid name sets a Claude account sign-in
//! aside; so each is a warning, never a failure.

use super::{Category, Check, Finding, Problem, places};
use crate::auth::{self, SourceKind};
use crate::gather::Context;

/// Judges the profile `ANTHROPIC_PROFILE` names.
pub(crate) struct AnthropicProfile;

impl Check for AnthropicProfile {
    fn id(&self) -> &'static str {
        "anthropic-profile"
    }

    fn title(&self) -> &'static str {
        "ANTHROPIC_PROFILE does not set a sign-in aside"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/anthropic-profile.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let name = auth::effective_var(ctx, VAR).map(|v| v.trim().to_string());
        let (Some(name), Some(origin)) = (
            name.filter(|v| !v.is_empty()),
            auth::effective_origin(ctx, VAR),
        ) else {
            return Finding::skip(format!("{VAR} is not set."));
        };
        let at = places::of_origin(ctx, &origin, VAR);
        let from = origin.describe();
        if !is_valid_name(&name) {
            return Finding::problem(
                Problem::warn(
                    "invalid-name",
                    format!(
                        "{VAR} (from {from}) isn't a valid profile name (letters, digits, '_', '.', '-'). Where \
                         profile sign-in is on for the account, the client says \"{INVALID}\""
                    ),
                    format!("Correct {VAR} to the name of a profile, or unset it, then restart claude."),
                )
                .at_all(at),
            );
        }
        let claude_ai = auth::session_winner(ctx)
            .is_none_or(|w| matches!(w.kind, SourceKind::StoredLogin | SourceKind::OauthTokenEnv));
        if !claude_ai {
            return Finding::pass(format!(
                "{VAR} names the profile \"{name}\" and the session signs in without a Claude account, which \
                 the profile does not set aside."
            ));
        }
        Finding::problem(
            Problem::warn(
                "claude-sign-in-set-aside",
                format!(
                    "{VAR} (from {from}) names the profile \"{name}\". Where profile sign-in is on for the \
                     account, the client says \"{SET}, so Claude Code won't use a Claude account sign-in until \
                     you unset that variable and restart.\""
                ),
                format!(
                    "Unset {VAR} to sign in with a Claude account, or sign the profile in (`ant auth login \
                     --profile {name}`) and use it."
                ),
            )
            .at_all(at),
        )
    }
}

/// The variable.
const VAR: &str = "ANTHROPIC_PROFILE";

/// The client's notice for a name it cannot use (2.1.332).
const INVALID: &str = "ANTHROPIC_PROFILE is set and isn't a valid profile name. Claude Code won't use a \
                       sign-in made here until you correct or unset that variable and restart.";

/// The start of the client's notice for a valid name.
const SET: &str = "ANTHROPIC_PROFILE is set";

/// A profile name as 2.1.332 accepts it: `/^[A-Za-z0-9_.-]+$/`, not `.` or `..`.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::is_valid_name;

    #[test]
    fn names_are_judged_as_the_clients_pattern() {
        for good in ["work", "team.prod", "a_b-c", "x..y"] {
            assert!(is_valid_name(good), "{good}");
        }
        for bad in ["", ".", "..", "bad name!", "a/b", "é"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
