//! `api-key-approval`: interactive claude uses `ANTHROPIC_API_KEY` only after
//! the user approved it once; a declined key is ignored without a word.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Problem, places, shell_quote};
use crate::auth::{self, Approval, Credential, Mode, SourceKind};
use crate::gather::Context;
use crate::gather::launcher::Mode as LaunchMode;
use crate::secret::Secret;

/// Judges the remembered answer to "Do you want to use this API key?".
pub(crate) struct ApiKeyApproval;

impl Check for ApiKeyApproval {
    fn id(&self) -> &'static str {
        "api-key-approval"
    }

    fn title(&self) -> &'static str {
        "Interactive claude will use ANTHROPIC_API_KEY"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/api-key-approval.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let present = auth::present(ctx);
        let Some(key) = present.iter().find(|c| c.kind == SourceKind::ApiKey) else {
            return Finding::skip("ANTHROPIC_API_KEY is not set, so there is no key to approve.");
        };
        let Some(value) = key.value.as_ref() else {
            return Finding::skip(
                "ANTHROPIC_API_KEY comes from a file descriptor, so its last characters cannot be compared here.",
            );
        };
        if ctx.launch.mode == LaunchMode::Print {
            return Finding::skip(format!(
                "claude -p, which {} runs, uses the key without asking, as the SDK does.",
                ctx.launch.describe()
            ));
        }
        if let Some(dir) = ctx
            .effective_config()
            .filter(|c| matches!(&c.content, Err(e) if e.is_directory()))
        {
            return Finding::skip(format!(
                "{} is a directory, so no answer can be stored in it: config-file says how to make it a file.",
                dir.path.display()
            ));
        }
        let config = ctx.effective_config().map(|c| c.path.display().to_string());
        let config = config.as_deref().unwrap_or(".claude.json");
        let finding = match auth::approval(ctx, value) {
            Approval::Approved => Finding::pass(format!(
                "{} is approved in {config} (customApiKeyResponses.approved).",
                key.describe()
            )),
            answer => {
                let problem = unapproved(ctx, key, config, answer);
                Finding::problem(match repair(ctx, value) {
                    Some(repair) => problem.repaired_by(repair),
                    None => problem,
                })
            }
        };
        finding.with("key", key).with("config_file", config)
    }
}

/// A key the interactive client will not use as it stands: declined once
/// (`rejected`), or never answered (`unanswered`), at the list's key in the
/// config file and where the key is set.
fn unapproved(ctx: &Context, key: &Credential, config: &str, answer: Approval) -> Problem {
    // The commands below run in any POSIX sh (dash included): jq takes the
    // key's last 20 characters from its own environment, so no shell
    // expansion is needed and the key never appears on a command line.
    let q = shell_quote(config);
    let problem = if answer == Approval::Rejected {
        let interactive = auth::resolve(ctx, Mode::Interactive);
        let instead = interactive.winner.as_ref().map_or(
            "shows \"Not logged in · Please run /login\"".to_string(),
            |w| format!("uses {} instead", w.describe()),
        );
        Problem::fail(
            "rejected",
            format!(
                "{} was declined once: its last 20 characters are in customApiKeyResponses.rejected in \
                 {config}. Interactive claude ignores it without a word and {instead}; claude -p still uses \
                 it.",
                key.describe()
            ),
            format!(
                "In claude, open /config and turn \"Use custom API key\" on. Or move it to the approved list \
                 from a shell that has the key set (the key itself is never printed):\n  {}",
                super::jq_in_place(
                    "'(env.ANTHROPIC_API_KEY | .[-20:]) as $k | .customApiKeyResponses.rejected -= [$k] | \
                     .customApiKeyResponses.approved += [$k]'",
                    &q
                )
            ),
        )
    } else {
        Problem::warn(
            "unanswered",
            format!(
                "{} is in neither list of customApiKeyResponses in {config}. The first interactive claude asks \
                 \"Do you want to use this API key?\" with No as the default: one Enter and the key is ignored \
                 from then on. claude -p and the SDK never ask; if that is all you run, this does not apply.",
                key.describe()
            ),
            format!(
                "Answer Yes when claude asks, or approve it ahead of time from a shell that has the key set:\n  {}",
                super::jq_in_place(
                    "'(env.ANTHROPIC_API_KEY | .[-20:]) as $k | .customApiKeyResponses.approved += [$k]'",
                    &q
                )
            ),
        )
    };
    let list = if answer == Approval::Rejected {
        "customApiKeyResponses.rejected"
    } else {
        "customApiKeyResponses"
    };
    let config_place = ctx
        .effective_config()
        .map(|c| super::Place::file(&c.path).key(list));
    problem
        .at_all(config_place)
        .at_all(places::of_credential(ctx, key))
}

/// Approving the key in the effective config, when that file parses; it
/// runs only with `--fix=api-key-approval`, being the user's decision.
fn repair(ctx: &Context, key: &Secret) -> Option<Repair> {
    let config = ctx.effective_config().filter(|c| c.ok().is_some())?;
    let repair = Repair::new(
        format!(
            "approve ANTHROPIC_API_KEY ({}) in customApiKeyResponses of {}",
            key.masked(),
            config.path.display()
        ),
        Action::ApproveApiKey {
            path: config.path.clone(),
            suffix: key.trimmed_tail(20),
        },
    );
    Some(repair.on_request())
}
