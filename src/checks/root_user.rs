//! `root-user`: as root, `--dangerously-skip-permissions` is refused unless
//! `IS_SANDBOX=1` or `CLAUDE_CODE_BUBBLEWRAP` says the client is sandboxed.

use super::{Category, Check, Finding, Problem, launch};
use crate::gather::Context;

/// Warns when running as uid 0 without a sandbox flag the client accepts.
pub(crate) struct RootUser;

impl Check for RootUser {
    fn id(&self) -> &'static str {
        "root-user"
    }

    fn title(&self) -> &'static str {
        "claude runs as a normal user"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/root-user.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let uid = ctx.user.uid;
        if uid != 0 {
            return Finding::pass(format!("Running as uid {uid}, not root."));
        }
        if super::bypass_permissions::sandbox_allows_root(ctx) {
            return Finding::pass(
                "Running as root with IS_SANDBOX=1 or CLAUDE_CODE_BUBBLEWRAP: bypass mode is allowed.",
            );
        }
        let fix = format!(
            "Run as a normal user (node, or your image's user): {}. In a disposable sandbox that must run \
             as root, set IS_SANDBOX=1: {}.",
            launch::run_as_user(&ctx.launch, "node"),
            launch::set_env_value(&ctx.launch, "IS_SANDBOX", "1")
        );
        Finding::problem(Problem::warn(
            "root-without-sandbox",
            "Running as root (uid 0) without IS_SANDBOX=1 or CLAUDE_CODE_BUBBLEWRAP: `claude --dangerously-skip-permissions` refuses to start \
             (\"--dangerously-skip-permissions cannot be used with root/sudo privileges\"). Files the client \
             creates also end up owned by root, which breaks a later non-root user.",
            fix,
        ))
    }
}
