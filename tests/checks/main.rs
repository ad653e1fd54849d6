//! The checks' tests, one module per check (`tests/checks/<check_id>.rs`),
//! in one binary, as ripgrep keeps its tests. Each module holds one snapshot
//! of its check's problems (code, status, places; `tests/checks/snapshots/`)
//! for a world that has them; the prose is left to the tests about wording.
//! Helpers shared by several checks' modules live here.

#[path = "../common/mod.rs"]
mod common;

mod anthropic_profile;
mod api_key_approval;
mod api_key_helper;
mod bypass_permissions;
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
mod login_policy;
mod nesting_guard;
#[cfg(feature = "online")]
mod network_reachability;
mod oauth_callback_port;
mod onboarding_flag;
mod root_user;
#[cfg(feature = "online")]
mod token_accepted;
mod unix_socket;
mod workspace_trust;

use ccauth::checks::Finding;
#[cfg(feature = "online")]
use ccauth::checks::{self, Selection};
use common::World;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;

/// A refresh token of the right shape, for stored logins.
const REFRESH: &str = "sk-ant-ort01-RefreshTokenValue0123456789abcdefghijklmnopqrstuvwxyz";

/// A sound stored login: a subscription token that is valid for an hour,
/// with its refresh token and the inference scope.
fn fresh_login() -> String {
    common::login_json(
        common::OAUTH_TOKEN,
        REFRESH,
        common::now_ms() + 3_600_000,
        &["user:inference"],
    )
}

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

/// Problems as the JSON contract carries them, without their prose: code,
/// status and places, each path relative to the world's root (so the
/// snapshot holds on any machine). A place's key is `entry` in JSON.
fn problems(w: &World, problems: &[Value]) -> Value {
    let root = format!("{}/", w.home().parent().expect("world root").display());
    let relative = |v: &Value| match v.as_str() {
        Some(s) => Value::from(s.replace(&root, "")),
        None => Value::Null,
    };
    problems
        .iter()
        .map(|p| {
            let places: Vec<Value> = p["places"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|place| {
                    json!({
                        "file": relative(&place["file"]),
                        "line": place["line"],
                        "column": place["column"],
                        "entry": relative(&place["entry"]),
                    })
                })
                .collect();
            json!({"code": p["code"], "status": p["status"], "places": places})
        })
        .collect()
}

/// Runs one check on the world probed `--online` with every sign-in host
/// sent to `url` on the loopback: nothing leaves the machine. Its problems,
/// as JSON.
#[cfg(feature = "online")]
fn probed(w: &World, id: &str, url: &str) -> Vec<Value> {
    use ccauth::probe::{self, Probing};
    let probing = ["api.anthropic.com", "platform.claude.com", "claude.ai"]
        .iter()
        .fold(
            Probing::new(std::time::Duration::from_secs(2)),
            |p, host| p.redirect(host, url),
        );
    let ctx = w.context();
    let facts = probe::run(&ctx, &probing).expect("built with the online feature");
    let selection = Selection {
        only: vec![id.to_string()],
        skip: Vec::new(),
    };
    let finding = checks::run_all(&ctx, Some(&facts), &selection)
        .into_iter()
        .find(|r| r.id == id)
        .expect("registered check")
        .finding;
    json_problems(&finding)
}

/// A finding's problems as JSON, for checks run through the library (a
/// judged uid, probes) rather than the binary.
fn json_problems(finding: &Finding) -> Vec<Value> {
    let finding = serde_json::to_value(finding).expect("a finding serializes");
    finding["problems"].as_array().cloned().unwrap_or_default()
}

/// The world's home handed to uid 1000 (and its root opened so uid 1000 can
/// reach it), then one check run by the binary as uid 1000: what modes and
/// owners mean for a real unprivileged process. `None` where that cannot be
/// arranged (not root, or no `setpriv`).
fn finding_as_uid_1000(w: &World, id: &str) -> Option<Value> {
    if !is_root() {
        eprintln!("skipped: handing a home to uid 1000 needs root");
        return None;
    }
    let root = w.home().parent().expect("world root").to_path_buf();
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
    for entry in walk(&w.home()) {
        let owned_by_test = std::fs::symlink_metadata(&entry)
            .is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
        if owned_by_test {
            std::os::unix::fs::lchown(&entry, Some(1000), Some(1000)).unwrap();
        }
    }
    let out = w.ccauth_as_uid_1000(
        &["doctor", "--format", "json", "--only", id],
        std::path::Path::new("/"),
    )?;
    let report = common::parse_output(&out.stdout);
    Some(common::finding(&report, id).clone())
}

/// A directory and everything under it (the world's few files).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
