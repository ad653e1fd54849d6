//! `host-credentials-mount`: a host's `~/.claude` bind-mounted into the
//! container carries no usable login (macOS keeps it in the Keychain), or
//! shares one refresh-token family with the host.

use super::{Category, Check, Finding, Place, Problem, join_words, mount_place};
use crate::auth::{self, SourceKind};
use crate::devcontainer;
use crate::gather::Context;
use crate::gather::mountinfo::{HostOs, HostPath, Mount, MountOrigin, MountTable};
use serde_json::json;
use std::path::Path;

/// Judges how the config dir and credential files are mounted.
pub(crate) struct HostCredentialsMount;

impl Check for HostCredentialsMount {
    fn id(&self) -> &'static str {
        "host-credentials-mount"
    }

    fn title(&self) -> &'static str {
        "Credentials are not borrowed from the host through a bind mount"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/host-credentials-mount.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let declared = declared_host_mounts(ctx);
        let finding = judge_mounts(ctx, &declared);
        // A problem the mount table shows already carries the declared mounts' places.
        let finding = if declared.is_empty() || finding.status.is_problem() {
            finding
        } else {
            let shown: Vec<&str> = declared.iter().map(|(shown, _)| shown.as_str()).collect();
            let note = format!(
                "devcontainer.json mounts the host's Claude state: {}. A host's ~/.claude brings no login a \
                 Linux container can use when the host is a Mac (the Keychain holds it), and shares one \
                 refresh token with the host otherwise.",
                join_words(&shown)
            );
            let places = declared.iter().map(|(_, place)| place.clone());
            finding.and(Problem::warn("declared-host-mount", note, volume_fix(ctx)).at_all(places))
        };
        let shown: Vec<&String> = declared.iter().map(|(shown, _)| shown).collect();
        finding.with("declared_host_mounts", shown)
    }
}

fn judge_mounts(ctx: &Context, declared: &[(String, Place)]) -> Finding {
    let table = match &ctx.mounts {
        Ok(table) => table,
        Err(why) => return Finding::skip(format!("The mount table could not be read: {why}.")),
    };
    let Some(config_dir) = ctx.paths.config_dir.as_deref() else {
        return Finding::skip(
            "Neither HOME nor CLAUDE_CONFIG_DIR is known, so there is no config dir to look at.",
        );
    };
    let host_bound = host_bound_paths(ctx, table, config_dir);
    let Some((path, mount)) = host_bound.first() else {
        return not_host_bound(table, config_dir);
    };
    let host = mount.host_path(path);
    let origin = describe_mount(&host);
    let stored = ctx.credentials.as_ref().and_then(|c| c.ok());
    let stored_usable = stored.is_some_and(crate::gather::claude_state::StoredLogin::is_usable);
    let winner = auth::launch_winner(ctx);
    let others: Vec<String> = auth::present(ctx)
        .iter()
        .filter(|c| c.kind != SourceKind::StoredLogin)
        .map(crate::auth::Credential::describe)
        .collect();
    let evidence = json!({
        "path": path,
        "mount_point": mount.mount_point,
        "host_source": host.shown,
        "fstype": mount.fstype,
        "host_os_hint": host.os,
        "read_only": mount.read_only,
    });
    let shown = path.display();
    let problem = match (&winner, stored_usable) {
        (Some(w), true)
            if w.kind == SourceKind::StoredLogin && !host.is_a_users_own_claude_dir() =>
        {
            let cause = format!(
                "{shown} is {origin}, a directory kept for containers rather than a user's own ~/.claude, so \
                 the host's claude does not refresh this login. (Containers that mount it at the same time \
                 still share it.)"
            );
            return Finding::pass(cause).with("host_mount", evidence);
        }
        (Some(w), true) if w.kind == SourceKind::StoredLogin => Problem::warn(
            "shared-refresh-token",
            format!(
                "{shown} is {origin} and holds the login this container uses. Host and container now share one \
                 refresh-token family: refresh tokens are single-use, so whichever side refreshes first logs the \
                 other out (\"OAuth token has expired\", \"Login expired · Please run /login\")."
            ),
            volume_fix(ctx),
        ),
        (Some(w), true) => {
            let cause = format!(
                "{shown} is {origin} and holds a login, but {} wins over it here, so this container does not \
                 refresh the host's token.",
                w.describe()
            );
            return Finding::pass(cause).with("host_mount", evidence);
        }
        (_, false) if !others.is_empty() => Problem::warn(
            "unused-host-mount",
            format!(
                "{shown} is {origin} but holds no usable login; sign-in works through {} instead, so the mount \
                 only shares the host's state for nothing.",
                others[0]
            ),
            volume_fix(ctx),
        ),
        _ if host.os == Some(HostOs::MacOs) => Problem::fail(
            "macos-keychain",
            format!(
                "{shown} is {origin}, and has no usable .credentials.json: macOS keeps Claude Code's login in \
                 its Keychain, not in {}, and the Mac client deletes a plaintext .credentials.json it finds. A \
                 Linux container can only read the file, and nothing else provides a credential.",
                host.shown
            ),
            volume_fix(ctx),
        ),
        _ if nothing_stored(ctx) => {
            return Finding::skip(format!(
                "Nothing is signed in yet ({shown} is {origin} and holds no .credentials.json): \
                 credential-missing says what to do. Once a login is stored there, the host and this container \
                 share it."
            ))
            .with("host_mount", evidence);
        }
        _ => Problem::fail(
            "no-usable-login",
            format!(
                "{shown} is {origin} and holds no usable .credentials.json, and nothing else provides a \
                 credential. The host either signed in another way (an environment variable, a Keychain) or its \
                 login there is no longer usable, so the folder carries no login the container can use."
            ),
            volume_fix(ctx),
        ),
    };
    let in_table = mount_place(ctx, mount);
    let places = declared.iter().map(|(_, place)| place.clone());
    Finding::problem(problem.at(in_table).at_all(places)).with("host_mount", evidence)
}

/// No `.credentials.json` at all: a first run, before any sign-in.
fn nothing_stored(ctx: &Context) -> bool {
    ctx.credentials
        .as_ref()
        .is_none_or(|file| matches!(&file.content, Err(e) if e.is_missing()))
}

/// The credential-bearing paths that sit on a host bind mount, in the order
/// that matters for a login: the credentials file, the config dir that holds
/// it, then the config file.
fn host_bound_paths<'a>(
    ctx: &'a Context,
    table: &'a MountTable,
    config_dir: &'a Path,
) -> Vec<(&'a Path, Mount)> {
    let exact = |path: Option<&'a Path>| path.and_then(|p| table.at(p).map(|m| (p, m)));
    [
        exact(ctx.paths.credentials.as_deref()),
        table.covering(config_dir).map(|m| (config_dir, m)),
        exact(ctx.paths.claude_json.as_deref()),
    ]
    .into_iter()
    .flatten()
    .filter(|(_, m)| m.origin() == MountOrigin::HostBind)
    .collect()
}

fn not_host_bound(table: &MountTable, config_dir: &Path) -> Finding {
    let covering = table.covering(config_dir);
    let (cause, origin) = match covering.as_ref().map(|m| (m, m.origin())) {
        Some((m, MountOrigin::NamedVolume)) => (
            format!(
                "{} is on a named volume ({}): the recommended setup.",
                config_dir.display(),
                if m.root != "/" { &m.root } else { &m.source }
            ),
            "named-volume",
        ),
        Some((_, MountOrigin::Memory)) => (
            format!(
                "{} is on a tmpfs, not borrowed from the host.",
                config_dir.display()
            ),
            "memory",
        ),
        _ => (
            format!(
                "{} is not bind-mounted from a host directory.",
                config_dir.display()
            ),
            "not-a-bind-mount",
        ),
    };
    Finding::pass(cause)
        .with("config_dir", config_dir)
        .with("origin", origin)
        .with("mount_point", covering.as_ref().map(|m| &m.mount_point))
}

fn describe_mount(host: &HostPath) -> String {
    let os = host.os.map_or(String::new(), |os| {
        format!(", which looks like a {os} host")
    });
    format!("bind-mounted from the host ({}{os})", host.shown)
}

fn volume_fix(ctx: &Context) -> String {
    let target = ctx
        .paths
        .config_dir
        .as_deref()
        .map_or("/home/node/.claude".to_string(), |p| {
            p.display().to_string()
        });
    format!(
        "Give the container its own login instead of the host's. In devcontainer.json, replace the bind mount \
         with a named volume and point CLAUDE_CONFIG_DIR at it:\n  \
         \"mounts\": [\"source=claude-code-config-${{devcontainerId}},target={target},type=volume\"],\n  \
         \"containerEnv\": {{ \"CLAUDE_CONFIG_DIR\": \"{target}\" }}\n\
         then sign in once inside the container (`claude auth login`, paste the code), or set \
         CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`."
    )
}

/// `mounts` entries in devcontainer.json whose source is the host's
/// `.claude`, each shown and with its place.
fn declared_host_mounts(ctx: &Context) -> Vec<(String, Place)> {
    ctx.workspace
        .parsed_devcontainers()
        .flat_map(|(path, config)| {
            let mut config_dirs: Vec<String> =
                devcontainer::env_settings(config, "CLAUDE_CONFIG_DIR")
                    .into_iter()
                    .map(|(_, dir)| dir.to_string())
                    .collect();
            config_dirs.extend(ctx.paths.config_dir.iter().map(|d| d.display().to_string()));
            devcontainer::mounts(config)
                .into_iter()
                .filter(move |m| {
                    !m.is_volume()
                        && devcontainer::is_host_claude_source(&m.source)
                        && m.targets_claude_state(&config_dirs)
                })
                .map(move |m| {
                    let shown = format!(
                        "{} → {} in {}",
                        m.source,
                        m.target,
                        ctx.workspace.display(path)
                    );
                    let place = ctx
                        .workspace
                        .devcontainer_place(path, &["mounts", &m.index.to_string()]);
                    (shown, place)
                })
        })
        .collect()
}
