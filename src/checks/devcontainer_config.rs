//! `devcontainer-config`: every devcontainer.json in the workspace can be read.
//!
//! The other checks read forwarded ports, mounts, lifecycle commands and env
//! blocks from these files; one that cannot be parsed is reported here, once,
//! with line and column, and is invisible to them.

use super::{Category, Check, Finding, join_words};
use crate::gather::Context;

/// Fails when a devcontainer.json does not parse as JSONC.
pub struct DevcontainerConfig;

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
        let configs = ws
            .devcontainers
            .iter()
            .map(|d| (&d.path, d.content.as_ref().err()));
        let composes = ws
            .compose
            .iter()
            .map(|c| (&c.path, c.content.as_ref().err()));
        let problems: Vec<String> = configs
            .chain(composes)
            .filter_map(|(path, error)| Some(format!("{} {}", ws.display(path), error?.describe())))
            .collect();
        let files: Vec<String> = ws
            .devcontainers
            .iter()
            .map(|d| ws.display(&d.path))
            .collect();
        let finding = if problems.is_empty() {
            Finding::pass(format!("{} parsed.", join_words(&files)))
        } else {
            Finding::fail(
                format!(
                    "{}. The devcontainer tools refuse such a file, so the container that should carry your \
                     credential cannot be built, and ccauth cannot read its settings either.",
                    problems.join("; ")
                ),
                "Fix the file at the line and column shown. devcontainer.json allows comments and trailing \
                 commas, nothing looser: no single quotes, no missing commas, no unquoted keys.",
            )
        };
        finding.with("files", &files).with("problems", &problems)
    }
}
