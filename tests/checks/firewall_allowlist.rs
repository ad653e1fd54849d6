//! `firewall-allowlist` against fixture worlds.

use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;

const ID: &str = "firewall-allowlist";
const REFERENCE: &str =
    "for domain in \"registry.npmjs.org\" \"api.anthropic.com\" \"sentry.io\"; do\n";

#[test]
fn skipped_without_a_script() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn the_reference_script_warns_while_oauth_is_needed() {
    let w = World::new();
    w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains("not platform.claude.com and claude.ai"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("browser login"), "{}", f.cause);
}

#[test]
fn an_api_key_needs_only_the_api_host() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn an_env_token_before_onboarding_needs_the_preflight_hosts() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    w.workspace_file(".devcontainer/init-firewall.sh", REFERENCE);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("preflight"), "{}", f.cause);
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    assert_eq!(w.check(ID).status, Status::Pass);
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
    assert_eq!(f.status, Status::Warn);
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
