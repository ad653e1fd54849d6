//! `config-persistence`: a volume on `~/.claude` alone does not keep you
//! signed in, because `~/.claude.json` sits next to it, on the container layer.

use super::{Category, Check, Finding, Place, Problem, launch, mount_place};
use crate::gather::Context;
use crate::gather::mountinfo::{Mount, MountOrigin};

/// Warns when the config dir persists but the config file does not.
pub(crate) struct ConfigPersistence;

impl Check for ConfigPersistence {
    fn id(&self) -> &'static str {
        "config-persistence"
    }

    fn title(&self) -> &'static str {
        "Login state survives a container rebuild"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/config-persistence.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        if !ctx.in_container() {
            return Finding::skip("Not in a container: nothing is lost on a rebuild.");
        }
        if ctx.launch.is_ci() {
            return Finding::skip(format!(
                "{} starts from a fresh container each run and signs in with its own credential: nothing \
                 is kept from one run to the next, by design.",
                ctx.launch.describe()
            ));
        }
        let table = match &ctx.mounts {
            Ok(table) => table,
            Err(why) => return Finding::skip(format!("The mount table could not be read: {why}.")),
        };
        let (Some(dir), Some(config)) = (ctx.paths.config_dir.as_deref(), ctx.effective_config())
        else {
            return Finding::skip("Neither HOME nor CLAUDE_CONFIG_DIR is known.");
        };
        let persists = |origin: Option<MountOrigin>| {
            matches!(
                origin,
                Some(MountOrigin::NamedVolume | MountOrigin::HostBind | MountOrigin::Filesystem)
            )
        };
        let dir_mount = table.covering(dir);
        let file_mount = table.covering(&config.path);
        let dir_persists = persists(dir_mount.as_ref().map(Mount::origin));
        let file_persists = persists(file_mount.as_ref().map(Mount::origin));
        let finding = match (dir_persists, file_persists) {
            (true, false) => Finding::problem(
                Problem::warn(
                "file-not-persisted",
                format!(
                    "{} is on a volume ({}), but {} is on the container's own layer: the next rebuild loses \
                     onboarding, the account, trusted folders and approved keys, and you sign in again although \
                     .credentials.json survived.",
                    dir.display(),
                    dir_mount
                        .as_ref()
                        .map_or(String::new(), |m| m.mount_point.display().to_string()),
                    config.path.display()
                ),
                format!(
                    "Point CLAUDE_CONFIG_DIR at the mounted directory, so .claude.json lives inside it: {}.",
                    launch::set_env_value(&ctx.launch, "CLAUDE_CONFIG_DIR", &dir.display().to_string())
                ),
            )
                .at(Place::file(&config.path))
                .at_all(dir_mount.as_ref().map(|m| mount_place(ctx, m))),
            ),
            (true, true) => Finding::pass(format!(
                "{} and {} are both on mounted storage.",
                dir.display(),
                config.path.display()
            )),
            (false, true) => Finding::pass(format!(
                "{} is on mounted storage; the config dir {} is not, so settings and any /login there are lost on \
                 a rebuild.",
                config.path.display(),
                dir.display()
            )),
            (false, false) => nothing_persists(ctx, dir),
        };
        finding
            .with(
                "config_dir_mount",
                dir_mount.as_ref().map(|m| &m.mount_point),
            )
            .with(
                "config_file_mount",
                file_mount.as_ref().map(|m| &m.mount_point),
            )
    }
}

/// Neither the config dir nor `.claude.json` is on mounted storage: fine
/// when the credential comes back with every new container (a variable, a
/// helper), a warning when it is a login stored on the container's layer.
fn nothing_persists(ctx: &Context, dir: &std::path::Path) -> Finding {
    let winner = crate::auth::launch_winner(ctx);
    match winner {
        Some(w) if w.kind == crate::auth::SourceKind::StoredLogin => {
            let credentials = ctx.paths.credentials.as_deref().unwrap_or(dir);
            Finding::problem(
                Problem::warn(
                    "login-not-persisted",
                    format!(
                        "The login this container uses is in {}, on the container's own layer like the rest of \
                         Claude Code's state: the next time the container is created you sign in again.",
                        credentials.display()
                    ),
                    format!(
                        "Keep the state on a volume and Claude Code's files inside it: {}; and point \
                         CLAUDE_CONFIG_DIR at it, {}.",
                        launch::mount(&ctx.launch, "claude-state (a named volume)", &dir.display().to_string()),
                        launch::set_env_value(&ctx.launch, "CLAUDE_CONFIG_DIR", &dir.display().to_string())
                    ),
                )
                .at(Place::file(credentials)),
            )
        }
        Some(w) => Finding::pass(format!(
            "Nothing of Claude Code's state is on a volume, and the credential comes from {}, which a new \
             container gets again: only settings and history start from scratch.",
            w.describe()
        )),
        None => Finding::pass(
            "Nothing of Claude Code's state is on a volume and nothing is signed in yet (credential-missing \
             says what to do); a login stored here would be lost when the container is created again.",
        ),
    }
}
