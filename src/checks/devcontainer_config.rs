//! `devcontainer-config`: every devcontainer.json in the workspace can be read.
//!
//! The other checks read forwarded ports, mounts, lifecycle commands and env
//! blocks from these files; one that cannot be parsed is reported here, once,
//! with line and column, and is invisible to them.

use super::{Category, Check, Finding, Place, Problem, join_words};
use crate::gather::Context;
use crate::gather::claude_state::LoadError;
use crate::gather::workspace::Workspace;

/// Fails when a devcontainer.json does not parse as JSONC.
pub(crate) struct DevcontainerConfig;

impl Check for DevcontainerConfig {
    fn id(&self) -> &'static str {
        "devcontainer-config"
    }

    fn title(&self) -> &'static str {
        "devcontainer.json (and its compose file) can be read"
    }

    fn category(&self) -> Category {
        Category::Workspace
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/devcontainer-config.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let ws = &ctx.workspace;
        if ws.devcontainers.is_empty() {
            return Finding::skip(format!(
                "No devcontainer.json in {} (looked in .devcontainer/, .devcontainer/*/ and .devcontainer.json).",
                ws.root.display()
            ));
        }
        let configs = ws.devcontainers.iter().filter_map(|d| {
            Some(unreadable(
                ws,
                "",
                d.content.as_ref().err()?,
                d.error_place(),
            ))
        });
        let composes = ws.compose.iter().filter_map(|c| {
            let error = c.content.as_ref().err()?;
            Some(unreadable(ws, "compose-", error, Place::file(&c.path)))
        });
        let found: Vec<Problem> = configs.chain(composes).collect();
        let problems: Vec<&str> = found.iter().map(|p| p.cause.as_str()).collect();
        let problems = serde_json::to_value(problems).unwrap_or_default();
        let files: Vec<String> = ws
            .devcontainers
            .iter()
            .map(|d| ws.display(&d.path))
            .collect();
        let finding = Finding::from_problems(found)
            .unwrap_or_else(|| Finding::pass(format!("{} parsed.", join_words(&files))));
        finding.with("files", &files).with("problems", &problems)
    }
}

/// One file the tools cannot read: `parse-error` (or `unreadable` when it
/// could not be read at all), prefixed `compose-` for a compose file.
fn unreadable(ws: &Workspace, prefix: &str, error: &LoadError, place: Place) -> Problem {
    let kind = match error {
        LoadError::File(_) | LoadError::Unjudged(_) => "unreadable",
        LoadError::Empty | LoadError::Parse(_) | LoadError::NotAnObject(_) => "parse-error",
    };
    Problem::fail(
        &format!("{prefix}{kind}"),
        format!(
            "{} {}. The devcontainer tools refuse such a file, so the container that should carry your \
             credential cannot be built, and ccauth cannot read its settings either.",
            ws.display(&place.file),
            error.describe()
        ),
        "Fix the file at the line and column shown. devcontainer.json allows comments and trailing \
         commas, nothing looser: no single quotes, no missing commas, no unquoted keys.",
    )
    .at(place)
}
