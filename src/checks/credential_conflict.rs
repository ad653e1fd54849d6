//! `credential-conflict`: an API key or gateway token next to a subscription
//! credential silently takes over.

use super::{Category, Check, Finding, Problem, join_words, places};
use crate::auth::{self, Credential, Mode, Resolution, SourceKind};
use crate::gather::Context;

/// Warns when a key-like credential and a subscription credential are both set.
pub(crate) struct CredentialConflict;

impl Check for CredentialConflict {
    fn id(&self) -> &'static str {
        "credential-conflict"
    }

    fn title(&self) -> &'static str {
        "No API key silently overrides your subscription"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/credential-conflict.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let present = auth::present(ctx);
        let keys: Vec<&Credential> = present
            .iter()
            .filter(|c| {
                matches!(
                    c.kind,
                    SourceKind::ApiKey | SourceKind::AuthToken | SourceKind::ApiKeyHelper
                )
            })
            .collect();
        let subscriptions: Vec<&Credential> = present
            .iter()
            .filter(|c| c.kind.is_subscription())
            .collect();
        let describe = |list: &[&Credential]| {
            join_words(&list.iter().map(|c| c.describe()).collect::<Vec<_>>())
        };
        if keys.is_empty() || subscriptions.is_empty() {
            let cause = match (keys.is_empty(), subscriptions.is_empty()) {
                (true, true) => {
                    "Neither an API key nor a subscription credential is set.".to_string()
                }
                (false, true) => {
                    format!("Only key-style credentials are set ({}).", describe(&keys))
                }
                _ => format!(
                    "Only subscription credentials are set ({}).",
                    describe(&subscriptions)
                ),
            };
            return Finding::pass(cause);
        }
        let print = auth::resolve(ctx, Mode::Print);
        let interactive = auth::resolve(ctx, Mode::Interactive);
        let cause = format!(
            "{} and {} are both set. {} {} When a key or gateway token wins, usage is billed to that API \
             account (\"Credit balance is too low\" on a Max plan), and Remote Control, /schedule and claude.ai \
             connectors are off.",
            describe(&keys),
            describe(&subscriptions),
            outcome("claude -p", &print),
            outcome("Interactive claude", &interactive),
        );
        let fix = format!(
            "Keep one. To use the subscription, unset {} where it is set ({}), and check with `ccauth status`. \
             If the key is intended, remove the subscription credential instead ({}), so nothing changes \
             behind your back.",
            join_words(&keys.iter().map(|c| c.name).collect::<Vec<_>>()),
            join_words(&keys.iter().map(|c| c.origin.describe()).collect::<Vec<_>>()),
            join_words(
                &subscriptions
                    .iter()
                    .map(|c| c.origin.describe())
                    .collect::<Vec<_>>()
            ),
        );
        let places = keys
            .iter()
            .chain(&subscriptions)
            .flat_map(|c| places::of_credential(ctx, c));
        Finding::problem(Problem::warn("key-and-subscription", cause, fix).at_all(places))
            .with("keys", &keys)
            .with("subscriptions", &subscriptions)
            .with(
                "print_winner",
                print.winner.as_ref().map(Credential::describe),
            )
            .with(
                "interactive_winner",
                interactive.winner.as_ref().map(Credential::describe),
            )
    }
}

fn outcome(mode: &str, r: &Resolution) -> String {
    let winner = r
        .winner
        .as_ref()
        .map_or("nothing".to_string(), |w| w.name.to_string());
    let note = r.note.as_ref().map_or(String::new(), |n| format!(" ({n})"));
    format!("{mode} uses {winner}{note}.")
}
