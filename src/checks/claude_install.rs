//! `claude-install`: the client is installed, in a version that can sign in,
//! the way its config says.

use super::{Category, Check, Finding, Place, Problem, join_words};
use crate::gather::Context;
use crate::gather::install::{InstallMethod, parse_version};
use crate::gather::mountinfo::MountOrigin;
use serde_json::Value;

/// Judges the `claude` found on PATH, without running it.
pub(crate) struct ClaudeInstall;

/// A client version, as `parse_version` gives it.
type Version = (u32, u32, u32);

/// Versions whose sign-in is known to be broken (first, last), and how.
const BROKEN: &[(Version, Version, &str)] = &[
    (
        (2, 1, 105),
        (2, 1, 107),
        "pasting the login code is broken (fixed in 2.1.108)",
    ),
    (
        (2, 1, 240),
        (2, 1, 240),
        "the server rejects its login (\"Redirect URI … is not supported by client\", #88877)",
    ),
];

impl Check for ClaudeInstall {
    fn id(&self) -> &'static str {
        "claude-install"
    }

    fn title(&self) -> &'static str {
        "claude is installed in a version that can sign in"
    }

    fn category(&self) -> Category {
        Category::SignIn
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/claude-install.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let Some(first) = ctx.installs.first() else {
            if ctx.launch.is_ci() {
                // A workflow installs claude in a later step than its preflight.
                let finding = Finding::skip(format!(
                    "claude is not on PATH yet, which in a CI job ({}) means a later step installs it; run \
                     ccauth after that step to have its version judged.",
                    ctx.launch.describe()
                ));
                return with_ignored_path_entries(finding, ctx);
            }
            let finding = Finding::problem(Problem::warn(
                "not-on-path",
                "claude is not on PATH, so nothing here can sign in (or the PATH of this shell differs from the \
                 one claude runs with).",
                "Install it in the image: npm install -g @anthropic-ai/claude-code (the latest needs Node.js 22 or \
                 newer; on Node 20 npm silently picks 2.1.197), or the native installer: \
                 curl -fsSL https://claude.ai/install.sh | bash",
            ));
            return with_ignored_path_entries(finding, ctx);
        };
        let mut problems: Vec<Problem> = Vec::new();
        let version = first.version.as_deref();
        if let Some(v) = version.and_then(parse_version) {
            for (from, to, what) in BROKEN {
                if (*from..=*to).contains(&v) {
                    problems.push(
                        Problem::warn(
                            "broken-version",
                            format!(
                                "claude {} is installed, and in that version {what}.",
                                version.unwrap_or("?")
                            ),
                            "Update: npm install -g @anthropic-ai/claude-code@latest, or `claude update` for \
                             the native install.",
                        )
                        .at(Place::file(&first.path)),
                    );
                }
            }
        }
        let recorded = ctx
            .effective_config()
            .and_then(|c| c.ok())
            .and_then(|c| c.install_method.as_ref())
            .and_then(Value::as_str)
            .map(String::from);
        let differs = recorded.as_ref().filter(|recorded| {
            first.method != InstallMethod::Unknown
                && !recorded.starts_with(first.method.as_str())
                && !(recorded.as_str() == "global" && first.method == InstallMethod::Npm)
        });
        let from_host = differs.and_then(|recorded| recorded_on_host(ctx, recorded));
        if let Some(recorded) = differs
            && from_host.is_none()
        {
            let config = ctx.effective_config().map(|c| c.path.clone());
            problems.push(
                Problem::warn(
                    "install-method-mismatch",
                    format!(
                        "The config says installMethod \"{recorded}\", but the claude found first on PATH is a {} \
                         install ({}): updates go to one copy while the other runs.",
                        first.method,
                        first.path.display()
                    ),
                    "Keep one installation: remove the other, or put the one you update first on PATH.",
                )
                .at_all(config.map(|path| Place::file(path).key("installMethod")))
                .at(Place::file(&first.path)),
            );
        }
        let versions: Vec<String> = ctx
            .installs
            .iter()
            .map(|i| {
                format!(
                    "{} ({})",
                    i.path.display(),
                    i.version.as_deref().unwrap_or("version unknown")
                )
            })
            .collect();
        let Some(finding) = Finding::from_problems(problems) else {
            let also = if versions.len() > 1 {
                format!(" Also on PATH, unused: {}.", join_words(&versions[1..]))
            } else {
                String::new()
            };
            let host_note = from_host
                .as_deref()
                .map_or(String::new(), |n| format!(" {n}"));
            let finding = Finding::pass(format!(
                "claude {} ({} install) at {}.{also}{host_note}",
                version.unwrap_or("of unknown version"),
                first.method,
                first.path.display()
            ))
            .with("installs", &ctx.installs);
            return with_ignored_path_entries(finding, ctx);
        };
        let finding = finding
            .with("installs", &ctx.installs)
            .with("install_method", recorded);
        with_ignored_path_entries(finding, ctx)
    }
}

/// When the config file comes from the host through a bind mount, its
/// `installMethod` is the host's claude's: the other install is on the host,
/// not in here. The words saying so, for the pass.
fn recorded_on_host(ctx: &Context, recorded: &str) -> Option<String> {
    let config = ctx.effective_config()?;
    let mount = ctx.mounts.as_ref().ok()?.covering(&config.path)?;
    if mount.origin() != MountOrigin::HostBind {
        return None;
    }
    let host = mount.host_path(&config.path);
    let os = host.os.map_or(String::new(), |os| format!(", a {os} host"));
    Some(format!(
        "The config's installMethod \"{recorded}\" is the host's: {} is bind-mounted from {}{os}, where that \
         install lives.",
        config.path.display(),
        host.shown
    ))
}

/// Names the relative PATH entries that were not searched: a `claude` in
/// `node_modules/.bin` belongs to whatever directory a shell starts in, not
/// to this machine's installation.
fn with_ignored_path_entries(finding: Finding, ctx: &Context) -> Finding {
    match ctx.env.relative_path_entries() {
        ignored if ignored.is_empty() => finding,
        ignored => finding.with("relative_path_entries_ignored", ignored),
    }
}
