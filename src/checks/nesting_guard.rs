//! `nesting-guard`: `CLAUDECODE` marks a process that a Claude Code session
//! started. Clients from 2.1.39 refuse to start under it (`Error: Claude Code
//! cannot be launched inside another Claude Code session.`); a container
//! that sets it for everything (`containerEnv`) makes every launch exit.

use super::{Category, Check, Finding, Problem, places};
use crate::gather::Context;
use crate::gather::install::parse_version;

/// Judges whether the nesting marker reaches `claude`.
pub(crate) struct NestingGuard;

impl Check for NestingGuard {
    fn id(&self) -> &'static str {
        "nesting-guard"
    }

    fn title(&self) -> &'static str {
        "claude is not taken for a session started inside another one"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/nesting-guard.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let set_in_env = is_set(ctx);
        let set_at = places::of_devcontainer_env(ctx, VAR);
        if !set_in_env && set_at.is_empty() {
            return Finding::skip(format!(
                "{VAR} is not set here and no devcontainer.json sets it, so the guard does not fire."
            ));
        }
        let from = match (set_in_env, set_at.is_empty()) {
            (true, true) => format!("{VAR} is set in this process's environment"),
            (true, false) => {
                format!("{VAR} is set here, from devcontainer.json (containerEnv or remoteEnv)")
            }
            (false, _) => format!(
                "devcontainer.json sets {VAR} (containerEnv or remoteEnv), so the container's processes get it"
            ),
        };
        let version = ctx.installs.first().and_then(|i| i.version.clone());
        let problem = if Guard::of(ctx) == Guard::Absent {
            Problem::warn(
                "set",
                format!(
                    "{from}. The installed claude {} has no nesting guard and starts, but takes itself for a \
                     child of another session (without a terminal it behaves as one); clients from 2.1.39 on \
                     exit with \"{MESSAGE}\".",
                    version.as_deref().unwrap_or("")
                ),
                fix(ctx),
            )
        } else {
            Problem::fail(
                "set",
                format!(
                    "{from}. claude {} exits at once, in both modes: \"{MESSAGE}\" (the guard came in 2.1.39; \
                     2.1.197 and 2.1.332 no longer have it).",
                    version.as_deref().unwrap_or("(version unknown)")
                ),
                fix(ctx),
            )
        };
        Finding::problem(problem.at_all(set_at))
    }
}

/// The variable a Claude Code session sets in the shells it starts.
pub(crate) const VAR: &str = "CLAUDECODE";

/// What the guarded clients print.
pub(crate) const MESSAGE: &str =
    "Error: Claude Code cannot be launched inside another Claude Code session.";

/// Where the marker must go, with the launcher's way to apply the change.
fn fix(ctx: &Context) -> String {
    format!(
        "Remove {VAR} from devcontainer.json (containerEnv or remoteEnv), the compose file and the image's ENV, \
         then {}; in a shell that has it, `unset {VAR}` before running claude. A session sets it itself in the \
         shells it starts, so it never belongs in a container's definition.",
        super::launch::restart(&ctx.launch)
    )
}

/// True when the marker is in this process's environment.
pub(crate) fn is_set(ctx: &Context) -> bool {
    ctx.env.non_empty(VAR).is_some()
}

/// What the installed client does under the marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Guard {
    /// Known to exit: 2.1.39 (the changelog's guard) up to the bundles read
    /// without it.
    Present,
    /// Known to start: the 2.1.197 and 2.1.332 bundles have neither the
    /// message nor an exit on `CLAUDECODE` (both read here).
    Absent,
    /// No version, or one older than the guard's changelog entry, which was
    /// not verified: the check counts it as guarded, the gates do not list it.
    Unknown,
}

impl Guard {
    /// The guard of the first installed client.
    pub(crate) fn of(ctx: &Context) -> Self {
        let version = ctx.installs.first().and_then(|i| i.version.as_deref());
        match version.and_then(parse_version) {
            Some(v) if v >= (2, 1, 197) => Guard::Absent,
            Some(v) if v >= (2, 1, 39) => Guard::Present,
            _ => Guard::Unknown,
        }
    }
}
