//! Where a credential is set, as report [`Place`]s: the settings file and its
//! `env.<NAME>` or `apiKeyHelper` key, the state file and its key, or the
//! devcontainer.json entries that put a variable in the process environment.
//!
//! Shared by the credential checks, so each names the same place for the
//! same source.

use super::Place;
use crate::auth::{Credential, Origin, SourceKind};
use crate::devcontainer;
use crate::gather::Context;

/// The places a credential is set: its file and key, or for a process
/// variable the devcontainer.json entries that set it (none when nothing
/// in the workspace does).
pub(crate) fn of_credential(ctx: &Context, credential: &Credential) -> Vec<Place> {
    let key = match credential.kind {
        SourceKind::StoredLogin => "claudeAiOauth.accessToken",
        _ => credential.name,
    };
    of_origin(ctx, &credential.origin, key)
}

/// The places `name` is set from `origin`: `env.<name>` in a settings file,
/// `<name>` in a settings or state file, the devcontainer.json entries for a
/// process variable.
pub(crate) fn of_origin(ctx: &Context, origin: &Origin, name: &str) -> Vec<Place> {
    match origin {
        Origin::ProcessEnv => of_devcontainer_env(ctx, name),
        Origin::SettingsEnv { path, .. } => vec![Place::file(path).key(format!("env.{name}"))],
        Origin::SettingsKey { path, .. } | Origin::File { path } => {
            vec![Place::file(path).key(name)]
        }
    }
}

/// The `containerEnv`/`remoteEnv` entries of the workspace's devcontainer.json
/// files that set `var`, at their lines.
pub(crate) fn of_devcontainer_env(ctx: &Context, var: &str) -> Vec<Place> {
    ctx.workspace
        .parsed_devcontainers()
        .flat_map(|(path, config)| {
            devcontainer::env_settings(config, var)
                .into_iter()
                .map(move |(block, _)| ctx.workspace.devcontainer_place(path, &[block, var]))
        })
        .collect()
}
