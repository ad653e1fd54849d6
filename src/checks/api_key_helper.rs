//! `api-key-helper`: the `apiKeyHelper` command must be there to run, and a
//! project's helper waits for the folder's trust dialog.

use super::{Category, Check, Finding, Status, shell_quote};
use crate::auth::{self, SourceKind};
use crate::gather::Context;
use crate::gather::helper::HelperProgram;

/// Judges every `apiKeyHelper` without running it.
pub struct ApiKeyHelper;

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
        let mut problems: Vec<(Status, String, String)> = Vec::new();
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
            match program {
                None => problems.push((
                    Status::Warn,
                    format!("apiKeyHelper in {from} is empty, so the client ignores it."),
                    "Set it to the command that prints the key, or remove it.".to_string(),
                )),
                Some(p) if !p.executable => {
                    problems.push((severity, missing(p, &from), fix_for(p)))
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
                problems.push((
                    Status::Warn,
                    format!(
                        "apiKeyHelper comes from {from}, and the trust dialog for {} was never accepted: \
                         interactive claude asks whether you trust this folder before it runs anything from it.",
                        ctx.workspace.root.display()
                    ),
                    "Start claude in this folder once and accept \"Yes, I trust this folder\", or move the helper \
                     to your user settings (~/.claude/settings.json)."
                        .to_string(),
                ));
            }
        }
        let evidence = serde_json::to_value(&ctx.helpers).unwrap_or_default();
        let Some(finding) = Finding::from_tuples(&problems) else {
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

fn missing(p: &HelperProgram, from: &str) -> String {
    let what = match &p.resolved {
        None => format!("{} is not on PATH", p.program),
        Some(path) if !path.exists() => format!("{} does not exist", path.display()),
        Some(path) if !path.is_file() => format!("{} is not a file", path.display()),
        Some(path) => format!("{} is not executable by this user", path.display()),
    };
    format!(
        "apiKeyHelper in {from} runs {}, but {what}: the client gets no key (\"Your apiKeyHelper script is failing\").",
        p.program
    )
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
