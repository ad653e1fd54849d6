//! The checks' tests, one module per check (`tests/checks/<check_id>.rs`),
//! in one binary.

#[path = "../common/mod.rs"]
mod common;

mod api_key_approval;
mod api_key_helper;
mod claude_install;
mod config_file;
mod config_location;
mod config_persistence;
mod credential_conflict;
mod credential_format;
mod credential_missing;
mod credentials_file;
mod devcontainer_config;
mod devcontainer_env;
mod env_file_ignored;
mod file_ownership;
mod firewall_allowlist;
mod gateway;
mod host_credentials_mount;
mod localhost_resolution;
#[cfg(feature = "online")]
mod network_reachability;
mod oauth_callback_port;
mod onboarding_flag;
mod root_user;
#[cfg(feature = "online")]
mod token_accepted;

use common::World;
use std::os::unix::fs::PermissionsExt;

/// A refresh token of the right shape, for stored logins.
const REFRESH: &str = "sk-ant-ort01-RefreshTokenValue0123456789abcdefghijklmnopqrstuvwxyz";

/// Writes a stored login with the mode Claude Code gives it.
fn with_login(w: &World, json: &str) -> std::path::PathBuf {
    let path = w.home_file(".claude/.credentials.json", json);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Root can write anything: permission tests expect other verdicts.
fn is_root() -> bool {
    rustix::process::geteuid().as_raw() == 0
}

/// A devcontainer that names a compose file, and that compose file.
fn with_compose(w: &World, compose: &str) {
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"dockerComposeFile": ["../docker-compose.yml"], "service": "app"}"#,
    );
    w.workspace_file("docker-compose.yml", compose);
}
