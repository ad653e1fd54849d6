//! `bypass-permissions`: a session in bypass mode meets the client's
//! warning dialog (`WARNING: Claude Code running in Bypass Permissions mode`,
//! default `No, exit`) unless settings say `skipDangerousModePermissionPrompt`;
//! as root it is refused outright unless the client sees a sandbox.

use super::{Category, Check, Finding, Place, Problem};
use crate::gather::Context;
use crate::gather::claude_state::{SettingsLayer, SettingsScope};
use crate::gather::launcher::Mode;

/// Judges what bypass mode meets before the prompt.
pub(crate) struct BypassPermissions;

impl Check for BypassPermissions {
    fn id(&self) -> &'static str {
        "bypass-permissions"
    }

    fn title(&self) -> &'static str {
        "Bypass mode will not stop at its warning dialog"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/bypass-permissions.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let Some(mode_from) = bypass_setting(ctx) else {
            return Finding::skip(
                "No settings file sets permissions.defaultMode to bypassPermissions (a \
                 --dangerously-skip-permissions flag on the command line cannot be seen from here).",
            );
        };
        let path = mode_from.file.path.display().to_string();
        let place = Place::file(&mode_from.file.path).key("permissions.defaultMode");
        if root_refused(ctx) {
            return Finding::problem(
                Problem::fail(
                    "root-refused",
                    format!(
                        "{path} ({}) starts every session in bypass mode, and this runs as root without \
                         IS_SANDBOX=1 or CLAUDE_CODE_BUBBLEWRAP: claude exits at once with \
                         \"--dangerously-skip-permissions cannot be used with root/sudo privileges for security \
                         reasons\".",
                        mode_from.scope.label()
                    ),
                    "Run as a normal user (root-user says how), or, in a disposable sandbox, set IS_SANDBOX=1.",
                )
                .at(place),
            );
        }
        if let Some(skip) = skip_setting(ctx) {
            return Finding::pass(format!(
                "{path} turns bypass mode on and {} ({}) sets skipDangerousModePermissionPrompt, so no dialog \
                 is shown.",
                skip.file.path.display(),
                skip.scope.label()
            ));
        }
        if ctx.launch.mode == Mode::Print {
            return Finding::skip(format!(
                "{path} turns bypass mode on; claude -p ({}) shows no dialog.",
                ctx.launch.describe()
            ));
        }
        Finding::problem(
            Problem::warn(
                "dialog",
                format!(
                    "{path} ({}) starts every session in bypass mode, and no user, local or managed settings \
                     file sets skipDangerousModePermissionPrompt: interactive claude first shows \"WARNING: \
                     Claude Code running in Bypass Permissions mode\" with \"No, exit\" as the default.",
                    mode_from.scope.label()
                ),
                "Answer \"Yes, I accept\" once (the client then records it), or, if this container is the \
                 sandbox the warning asks for, add \"skipDangerousModePermissionPrompt\": true to \
                 ~/.claude/settings.json. Project settings (.claude/settings.json) cannot skip it.",
            )
            .at(place),
        )
    }
}

/// The settings layer whose `permissions.defaultMode` is in force, when it
/// is `bypassPermissions` (the highest layer that sets a mode wins).
pub(crate) fn bypass_setting(ctx: &Context) -> Option<&SettingsLayer> {
    ctx.settings
        .iter()
        .rev()
        .find(|l| l.file.ok().is_some_and(|s| s.default_mode.is_some()))
        .filter(|l| {
            l.file
                .ok()
                .is_some_and(|s| s.default_mode.as_deref() == Some("bypassPermissions"))
        })
}

/// The layer that removes the dialog: the client reads
/// `skipDangerousModePermissionPrompt` from user, local, flag and managed
/// settings (`Vpe` in 2.1.332), never from project settings.
pub(crate) fn skip_setting(ctx: &Context) -> Option<&SettingsLayer> {
    ctx.settings.iter().find(|l| {
        l.scope != SettingsScope::Project && l.file.ok().is_some_and(|s| s.skip_bypass_prompt)
    })
}

/// True when the client refuses bypass mode outright: uid 0 with neither
/// `IS_SANDBOX=1` nor `CLAUDE_CODE_BUBBLEWRAP` (2.1.332:
/// `getuid()===0&&IS_SANDBOX!=="1"&&!CLAUDE_CODE_BUBBLEWRAP`).
pub(crate) fn root_refused(ctx: &Context) -> bool {
    ctx.user.uid == 0 && !sandbox_allows_root(ctx)
}

/// The client's exceptions to its root refusal.
pub(crate) fn sandbox_allows_root(ctx: &Context) -> bool {
    ctx.env.equals("IS_SANDBOX", "1") || ctx.env.non_empty("CLAUDE_CODE_BUBBLEWRAP").is_some()
}
