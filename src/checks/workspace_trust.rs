//! `workspace-trust`: interactive `claude` stops at the folder trust dialog
//! ("Quick safety check", default `No, exit`) until the effective config
//! records `projects[<folder>].hasTrustDialogAccepted: true`.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Place, Problem};
use crate::auth::{self, TrustRecord};
use crate::gather::Context;
use crate::gather::launcher::Mode;
use serde_json::Value;
use std::path::Path;

/// Judges the stored answer to the folder trust dialog.
pub(crate) struct WorkspaceTrust;

impl Check for WorkspaceTrust {
    fn id(&self) -> &'static str {
        "workspace-trust"
    }

    fn title(&self) -> &'static str {
        "Interactive claude will not stop at the folder trust dialog"
    }

    fn category(&self) -> Category {
        Category::SignIn
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/workspace-trust.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let record = auth::trust_record(ctx);
        let finding = judge(ctx, &record);
        finding.with("trust_key", &record.key)
    }
}

/// The key the dialog's Yes writes under `projects[<folder>]`.
pub(crate) const FLAG: &str = "hasTrustDialogAccepted";

/// Why the dialog is not met at all, when it is not: `claude -p`, or
/// `CLAUDE_CODE_SANDBOXED`.
pub(crate) fn not_met(ctx: &Context) -> Option<&'static str> {
    if ctx.launch.mode == Mode::Print {
        return Some("claude -p never shows the folder trust dialog");
    }
    ctx.env
        .is_truthy("CLAUDE_CODE_SANDBOXED")
        .then_some("CLAUDE_CODE_SANDBOXED is set, so the client skips the folder trust dialog")
}

/// True when `CLAUDE_CODE_IGNORE_PERSISTED_TRUST` makes the client ignore
/// every stored answer.
pub(crate) fn ignores_stored_trust(ctx: &Context) -> bool {
    ctx.env.is_truthy("CLAUDE_CODE_IGNORE_PERSISTED_TRUST")
}

fn judge(ctx: &Context, record: &TrustRecord) -> Finding {
    if let Some(reason) = not_met(ctx) {
        return Finding::skip(format!("{reason} ({}).", ctx.launch.describe()));
    }
    let Some(config) = ctx.effective_config() else {
        return Finding::skip(
            "Neither HOME nor CLAUDE_CONFIG_DIR is known, so there is no config file to read.",
        );
    };
    let folder = record.key.display();
    if ignores_stored_trust(ctx) {
        return Finding::problem(Problem::warn(
            "ignored",
            format!(
                "CLAUDE_CODE_IGNORE_PERSISTED_TRUST is set, so the client ignores every stored trust answer and \
                 asks \"Quick safety check: Is this a project you created or one you trust?\" for {folder} on \
                 each start; the default answer, No, exits."
            ),
            "Unset CLAUDE_CODE_IGNORE_PERSISTED_TRUST, or set CLAUDE_CODE_SANDBOXED=1 in a disposable sandbox \
             where the dialog should not be shown.",
        ));
    }
    if let Err(e) = &config.content
        && !e.is_missing()
    {
        return Finding::skip(format!(
            "{} {}, so the stored answer cannot be read (config-file says more).",
            config.path.display(),
            e.describe()
        ));
    }
    if let Some(by) = auth::trusted_by(ctx) {
        return Finding::pass(format!(
            "projects[{}].{FLAG} is true in {}.",
            by.display(),
            config.path.display()
        ));
    }
    if is_home(ctx, &record.key) {
        return Finding::problem(Problem::warn(
            "home-folder",
            format!(
                "claude starts in the home folder {folder}: its trust dialog's Yes lasts for the session only \
                 and is never stored, so every start asks again."
            ),
            "Start claude from a project folder (cd into it first), and trust that folder once.",
        ));
    }
    Finding::problem(untrusted(ctx, &config.path, record))
}

/// The dialog will be shown: the answer is not stored.
fn untrusted(ctx: &Context, config: &Path, record: &TrustRecord) -> Problem {
    let folder = record.key.display().to_string();
    let repo_note = if ctx.workspace.repo.is_some() {
        " (the repository's root: a record for a subfolder does not count)"
    } else {
        ""
    };
    let cause = format!(
        "{} has no projects[{folder}].{FLAG}: true{repo_note}. Interactive claude stops at \"Quick safety \
         check: Is this a project you created or one you trust?\" with \"No, exit\" as the default; Enter \
         gives \"Claude Code didn't start because this folder isn't trusted.\" and exit 1. claude -p is not \
         affected.",
        config.display()
    );
    let fix = format!(
        "Trusting a folder is a security decision: it lets the project's settings, hooks and MCP servers run. \
         If you trust it, run claude here once and answer Yes, or record it ahead of time:\n  {jq}\n\
         (ccauth doctor --fix=workspace-trust does the same; it runs only when named.) In a disposable \
         sandbox, CLAUDE_CODE_SANDBOXED=1 skips the dialog.",
        jq = super::jq_in_place(
            &format!(
                "--arg p {} '.projects[$p].{FLAG} = true'",
                super::shell_quote(&folder)
            ),
            &super::shell_quote(&config.display().to_string())
        ),
    );
    Problem::warn("not-trusted", cause, fix)
        .at(Place::file(config).key(format!("projects.{folder}.{FLAG}")))
        .repaired_by(trust(config, &folder))
}

/// Recording the answer for this folder alone; only with
/// `--fix=workspace-trust`, being the user's security decision.
fn trust(config: &Path, folder: &str) -> Repair {
    Repair::new(
        format!(
            "set projects[{folder}].{FLAG} to true in {} (trusting this folder is your security decision)",
            config.display()
        ),
        Action::SetConfigPath {
            path: config.to_path_buf(),
            keys: vec!["projects".to_string(), folder.to_string(), FLAG.to_string()],
            value: Value::Bool(true),
        },
    )
    .on_request()
}

/// True when `folder` is the user's home, whose trust is never stored.
fn is_home(ctx: &Context, folder: &Path) -> bool {
    ctx.paths.home.as_deref() == Some(folder)
}
