//! `firewall-allowlist` against fixture worlds.
//!
//! The reference worlds are modelled on anthropics/claude-code
//! `.devcontainer/` at commit 5cfc0a1905ce0c0a9bd81d8a90fe6b62ff614357
//! (2026-08-22): `devcontainer.json` runs `sudo /usr/local/bin/init-firewall.sh`
//! as its `postStartCommand`, the Dockerfile copies `init-firewall.sh` to
//! `/usr/local/bin/`, and the script resolves a `for domain in …` list that
//! holds `api.anthropic.com` but neither `platform.claude.com` nor
//! `claude.ai`.

use crate::common::{API_KEY, OAUTH_TOKEN, World, login_json, now_ms};
use crate::{REFRESH, fresh_login, with_login};
use ccauth::checks::Status;

const ID: &str = "firewall-allowlist";
const REFERENCE: &str =
    "for domain in \"registry.npmjs.org\" \"api.anthropic.com\" \"sentry.io\"; do\n";
/// The allow-list shape of the reference `init-firewall.sh` (the commit
/// above): one quoted domain per continued line of a `for` loop.
const REFERENCE_SCRIPT: &str = "#!/bin/bash\nset -euo pipefail\nIFS=$'\\n\\t'\n\
# Resolve and add other allowed domains\n\
for domain in \\\n    \"registry.npmjs.org\" \\\n    \"api.anthropic.com\" \\\n    \"sentry.io\" \\\n    \
\"statsig.com\" \\\n    \"marketplace.visualstudio.com\" \\\n    \"vscode.blob.core.windows.net\" \\\n    \
\"update.code.visualstudio.com\"; do\n    echo \"Resolving $domain...\"\ndone\n";
/// The reference `devcontainer.json`'s firewall and config settings.
const REFERENCE_DEVCONTAINER: &str = r#"{
  "name": "Claude Code Sandbox",
  "build": {"dockerfile": "Dockerfile"},
  "runArgs": ["--cap-add=NET_ADMIN", "--cap-add=NET_RAW"],
  "remoteUser": "node",
  "postStartCommand": "sudo /usr/local/bin/init-firewall.sh",
  "waitFor": "postStartCommand"
}"#;
const EXPIRED: &str =
    "OAuth token has expired. Please obtain a new token or refresh your existing token.";

/// The reference devcontainer, running: a Docker container whose image holds
/// the installed firewall script, with the workspace's devcontainer.json.
fn reference_container() -> World {
    let w = World::new().docker();
    w.workspace_file(".devcontainer/devcontainer.json", REFERENCE_DEVCONTAINER);
    w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE_SCRIPT);
    w
}

/// A stored login whose access token expired an hour ago; its refresh token
/// is still good, so only the refresh stands between it and working.
fn expired_login() -> String {
    login_json(
        OAUTH_TOKEN,
        REFRESH,
        now_ms() - 3_600_000,
        &["user:inference"],
    )
}

#[test]
fn skipped_without_a_script() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn an_expired_stored_login_behind_the_reference_firewall_fails_and_why_names_it() {
    let w = reference_container();
    with_login(&w, &expired_login());
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(
        f.cause
            .contains("init-firewall.sh allows api.anthropic.com but not platform.claude.com")
            && f.cause.contains("has expired")
            && f.cause.contains("/v1/oauth/token"),
        "{}",
        f.cause
    );
    let out = w.ccauth(&["why", EXPIRED]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(firewall-allowlist)"), "{text}");
    let doctor = w.ccauth(&["doctor"]).output().unwrap();
    let text = String::from_utf8_lossy(&doctor.stdout);
    assert!(!text.contains("Sign-in should work"), "{text}");
}

#[test]
fn a_valid_stored_login_warns_that_its_refresh_will_be_dropped() {
    let w = reference_container();
    with_login(&w, &fresh_login());
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(f.cause.contains("is valid now"), "{}", f.cause);
    assert!(
        f.cause.contains("but not platform.claude.com,"),
        "{}",
        f.cause
    );
}

#[test]
fn no_credential_in_interactive_mode_fails_for_the_login() {
    let w = World::new();
    w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("not platform.claude.com and claude.ai"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("browser login"), "{}", f.cause);
}

#[test]
fn an_env_token_or_an_api_key_needs_only_the_api_host() {
    let w = reference_container().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    // The env token wins over the expired stored login, which is never refreshed.
    with_login(&w, &expired_login());
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    let w = reference_container().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.home_file(
        ".claude.json",
        &format!(
            r#"{{"customApiKeyResponses": {{"approved": ["{}"]}}}}"#,
            &API_KEY[API_KEY.len() - 20..]
        ),
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn an_env_token_before_onboarding_needs_the_preflight_host_but_not_in_ci() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    w.workspace_file(".devcontainer/init-firewall.sh", REFERENCE);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("preflight"), "{}", f.cause);
    // claude -p runs no onboarding, so no preflight.
    let ci = w.with_env("GITHUB_ACTIONS", "true");
    assert_eq!(ci.check(ID).status, Status::Pass, "{}", ci.check(ID).cause);
}

#[test]
fn extra_domains_from_etc_environment_or_the_process_count() {
    // A script that adds whatever the image or a Feature put in a variable.
    let script = "#!/bin/bash\nfor domain in \"api.anthropic.com\" ${EXTRA_ALLOWED_DOMAINS:-}; do\n  :\ndone\n";
    let w = World::new().docker();
    w.sys_file("usr/local/bin/init-firewall.sh", script);
    assert_eq!(w.check(ID).status, Status::Fail);
    w.sys_file(
        "etc/environment",
        "PATH=\"/usr/local/sbin:/usr/bin\"\nEXTRA_ALLOWED_DOMAINS=\"platform.claude.com claude.ai\"\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert_eq!(
        f.evidence["firewalls"][0]["extras"][0]["name"],
        "EXTRA_ALLOWED_DOMAINS"
    );
    let w = World::new()
        .docker()
        .with_env("EXTRA_ALLOWED_DOMAINS", "platform.claude.com,claude.ai");
    w.sys_file("usr/local/bin/init-firewall.sh", script);
    assert_eq!(w.check(ID).status, Status::Pass);
}

/// w3cj/devcontainer-features `src/firewall/` (commit
/// 1e68b038ca51c0e7ca737e47e527103911106b79): `install.sh` writes the
/// Feature's hosts into `/usr/local/bin/firewall-config.sh` as
/// `ALLOWED_HOSTS="…"`, and the installed `init-firewall.sh` sources it; its
/// `anthropicApi` set is api.anthropic.com, docs.claude.com and statsig.
const FEATURE_SCRIPT: &str = "#!/bin/bash\nset -euo pipefail\n\
source /usr/local/bin/firewall-config.sh\n\
IFS=',' read -ra HOST_ARRAY <<< \"$ALLOWED_HOSTS\"\n";

#[test]
fn extra_domains_from_a_file_the_script_sources_count() {
    let w = World::new().docker();
    w.sys_file("usr/local/bin/init-firewall.sh", FEATURE_SCRIPT);
    w.sys_file(
        "usr/local/bin/firewall-config.sh",
        "# Firewall configuration - generated at install time\n\
         ALLOWED_HOSTS=\"api.anthropic.com,docs.claude.com,statsig.anthropic.com,statsig.com\"\n",
    );
    let problems = w.problems(ID);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["status"], "fail");
    // Placed where api.anthropic.com is allowed: the config file.
    crate::common::assert_place(
        &problems[0]["places"][0],
        "usr/local/bin/firewall-config.sh",
        Some(2),
    );
    w.sys_file(
        "usr/local/bin/firewall-config.sh",
        "ALLOWED_HOSTS=\"api.anthropic.com,docs.claude.com,platform.claude.com,claude.ai\"\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
}

#[test]
fn the_installed_copy_and_its_workspace_source_are_one_finding() {
    let w = reference_container();
    w.workspace_file(".devcontainer/init-firewall.sh", REFERENCE_SCRIPT);
    let f = w.check(ID);
    assert_eq!(f.problems.len(), 1);
    assert_eq!(
        f.cause.matches("allows api.anthropic.com").count(),
        1,
        "{}",
        f.cause
    );
    assert!(f.cause.contains("(nor does its source"), "{}", f.cause);
    // The source was fixed but the container not rebuilt: the old copy runs.
    w.workspace_file(
        ".devcontainer/init-firewall.sh",
        &REFERENCE_SCRIPT.replace(
            "\"sentry.io\"",
            "\"platform.claude.com\" \"claude.ai\" \"sentry.io\"",
        ),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("runs until the container is rebuilt"),
        "{}",
        f.cause
    );
    assert_eq!(
        f.problems[0].places.len(),
        1,
        "only the installed copy lacks them"
    );
}

#[test]
fn a_script_run_by_a_lifecycle_command_is_read_and_a_full_list_passes() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"postStartCommand": "sudo scripts/fw.sh"}"#,
    );
    w.workspace_file(
        "scripts/fw.sh",
        "api.anthropic.com platform.claude.com claude.ai\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    w.workspace_file("scripts/fw.sh", "api.anthropic.com platform.claude.com\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("but not claude.ai"), "{}", f.cause);
}

#[test]
fn the_problem_is_placed_at_each_scripts_allow_line() {
    let w = World::new();
    w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
    w.workspace_file(
        ".devcontainer/init-firewall.sh",
        "#!/bin/sh\nset -e\n  allow api.anthropic.com platform.claude.com\n",
    );
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
}
