//! `api-key-helper`: the `apiKeyHelper` command must be there to run, and a
//! project's helper waits for the folder's trust dialog.

use super::{Category, Check, Finding, Problem, Status, places, shell_quote};
use crate::auth::{self, SourceKind};
use crate::gather::Context;
use crate::gather::helper::HelperProgram;

/// Judges every `apiKeyHelper` without running it.
pub(crate) struct ApiKeyHelper;

impl Check for ApiKeyHelper {
    fn id(&self) -> &'static str {
        "api-key-helper"
    }

    fn title(&self) -> &'static str {
        "The apiKeyHelper command can run"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/api-key-helper.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let helpers: Vec<_> = auth::credentials(ctx)
            .into_iter()
            .filter(|c| c.kind == SourceKind::ApiKeyHelper)
            .collect();
        if helpers.is_empty() {
            return Finding::skip("No settings file sets apiKeyHelper.");
        }
        let mut problems = Vec::new();
        let mut fine = Vec::new();
        for helper in &helpers {
            let settings = helper_settings_path(&helper.origin);
            let program = ctx
                .helpers
                .iter()
                .find(|p| Some(p.settings.as_path()) == settings);
            let in_use = helper.present;
            let severity = if in_use { Status::Fail } else { Status::Warn };
            let from = helper.origin.describe();
            let places = places::of_credential(ctx, helper);
            match program {
                None => problems.push(
                    Problem::warn(
                        "empty",
                        format!("apiKeyHelper in {from} is empty, so the client ignores it."),
                        "Set it to the command that prints the key, or remove it.",
                    )
                    .at_all(places.clone()),
                ),
                Some(p) if !p.executable => {
                    problems.push(cannot_run(p, &from, severity).at_all(places.clone()));
                }
                Some(p) => fine.push(format!(
                    "apiKeyHelper in {from} starts {} ({}).",
                    p.program,
                    p.resolved
                        .as_ref()
                        .map_or("found".to_string(), |r| r.display().to_string())
                )),
            }
            if in_use && crate::auth::awaits_trust(ctx, helper) {
                problems.push(
                    Problem::warn(
                        "untrusted-folder",
                        format!(
                            "apiKeyHelper comes from {from}, and the trust dialog for {} was never accepted: \
                             interactive claude asks whether you trust this folder before it runs anything from \
                             it.",
                            ctx.workspace.root.display()
                        ),
                        "Start claude in this folder once and accept \"Yes, I trust this folder\", or move the \
                         helper to your user settings (~/.claude/settings.json).",
                    )
                    .at_all(places),
                );
            }
        }
        let evidence = serde_json::to_value(&ctx.helpers).unwrap_or_default();
        let Some(finding) = Finding::from_problems(problems) else {
            let mut cause = fine.join(" ");
            cause.push_str(" ccauth does not run it; --online will.");
            return Finding::pass(cause).with("helpers", evidence);
        };
        finding.with("helpers", evidence)
    }
}

fn helper_settings_path(origin: &auth::Origin) -> Option<&std::path::Path> {
    match origin {
        auth::Origin::SettingsKey { path, .. } => Some(path),
        _ => None,
    }
}

/// A helper whose program is not there to run (`not-found`) or cannot be
/// run by this user (`not-executable`).
fn cannot_run(p: &HelperProgram, from: &str, status: Status) -> Problem {
    let (kind, what) = match &p.resolved {
        None => ("not-found", format!("{} is not on PATH", p.program)),
        Some(path) if !path.exists() => ("not-found", format!("{} does not exist", path.display())),
        Some(path) if !path.is_file() => (
            "not-executable",
            format!("{} is not a file", path.display()),
        ),
        Some(path) => (
            "not-executable",
            format!("{} is not executable by this user", path.display()),
        ),
    };
    let cause = format!(
        "apiKeyHelper in {from} runs {}, but {what}: the client gets no key (\"Your apiKeyHelper script is failing\").",
        p.program
    );
    Problem::of(status, kind, cause, fix_for(p))
}

fn fix_for(p: &HelperProgram) -> String {
    match &p.resolved {
        Some(path) if path.exists() => format!(
            "Make it executable: chmod +x {}",
            shell_quote(&path.display().to_string())
        ),
        _ => format!(
            "Install {} in the container (the image, not only the host), or point apiKeyHelper at a path that exists here.",
            p.program
        ),
    }
}
