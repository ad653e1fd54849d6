//! `ccauth status`: the table, the two verdicts, the JSON shape, exit codes.

mod common;

use common::{API_KEY, OAUTH_TOKEN, World};
use predicates::prelude::*;
use serde_json::Value;

fn status_json(w: &World) -> (Value, i32) {
    let out = w.ccauth(&["status", "--format", "json"]).output().unwrap();
    (
        common::parse_output(&out.stdout),
        out.status.code().unwrap(),
    )
}

#[test]
fn not_logged_in_exits_1_and_lists_every_source_as_absent() {
    let (report, code) = status_json(&World::new());
    assert_eq!(code, 1);
    assert_eq!(report["logged_in"], false);
    assert_eq!(report["auth_method"], "none");
    assert_eq!(report["api_key_source"], Value::Null);
    let sources: Vec<&str> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "cloud provider flag",
            "ANTHROPIC_AUTH_TOKEN",
            "apiKeyHelper",
            "ANTHROPIC_API_KEY",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "/login credential",
            "primaryApiKey"
        ]
    );
    assert!(
        report["sources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "absent")
    );
}

#[test]
fn every_layer_gets_a_row_with_its_origin_and_the_winner_is_marked() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"CLAUDE_CODE_OAUTH_TOKEN": "{OAUTH_TOKEN}"}}}}"#),
    );
    w.workspace_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_AUTH_TOKEN": "{OAUTH_TOKEN}"}}}}"#),
    );
    let (report, code) = status_json(&w);
    assert_eq!(code, 0);
    let rows = report["sources"].as_array().unwrap();
    let row = |name: &str| rows.iter().find(|r| r["source"] == name).unwrap().clone();
    let key = row("ANTHROPIC_API_KEY");
    assert_eq!(key["state"], "present");
    assert_eq!(key["kind"], "API key");
    assert_eq!(key["origin_short"], "process env");
    assert_eq!(key["wins_print"], true);
    assert_eq!(key["wins_interactive"], false);
    let token = row("CLAUDE_CODE_OAUTH_TOKEN");
    assert_eq!(token["origin_short"], "user settings env");
    assert_eq!(token["wins_interactive"], true);
    let gateway = row("ANTHROPIC_AUTH_TOKEN");
    assert_eq!(gateway["state"], "ignored");
    assert!(gateway["problem"].as_str().unwrap().contains("not applied"));
    let interactive = &report["verdicts"]["interactive"];
    assert_eq!(interactive["auth_method"], "oauth_token");
    let notes = interactive["notes"].to_string();
    assert!(notes.contains("not approved yet"), "{notes}");
    assert!(notes.contains("first-run wizard"), "{notes}");
}

#[test]
fn a_declined_key_changes_only_the_interactive_verdict() {
    let w = World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let suffix = &API_KEY[API_KEY.len() - 20..];
    w.home_file(
        ".claude.json",
        &format!(r#"{{"hasCompletedOnboarding": true, "customApiKeyResponses": {{"approved": [], "rejected": ["{suffix}"]}}}}"#),
    );
    let (report, _) = status_json(&w);
    assert_eq!(report["verdicts"]["print"]["auth_method"], "api_key");
    assert_eq!(
        report["verdicts"]["interactive"]["auth_method"],
        "oauth_token"
    );
    assert!(
        report["verdicts"]["interactive"]["notes"]
            .to_string()
            .contains("declined")
    );
}

#[test]
fn human_table_shows_masked_values_and_both_verdicts() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.ccauth(&["status"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Credentials, in the order Claude Code tries them",
        ))
        .stdout(predicate::str::contains("sk-ant-api03-********BBBB"))
        .stdout(predicate::str::contains(
            "claude -p  uses ANTHROPIC_API_KEY from the process environment (authMethod api_key)",
        ))
        .stdout(predicate::str::contains(
            "claude     has no credential: not logged in",
        ));
}

#[test]
fn doctor_runtime_carries_the_same_verdict() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let out = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let report: Value = common::parse_output(&out.stdout);
    assert_eq!(
        report["runtime"]["sign_in"],
        "claude and claude -p use CLAUDE_CODE_OAUTH_TOKEN (oauth_token)"
    );
}

/// The gate ids of one mode, in order.
fn gate_ids(report: &Value, mode: &str) -> Vec<String> {
    report["gates"][mode]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_onboarding_flag_alone_still_leaves_the_folder_trust_dialog() {
    // Issue #17: `doctor --fix` set hasCompletedOnboarding, and interactive
    // claude stopped at "Quick safety check".
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    let (report, _) = status_json(&w);
    assert_eq!(gate_ids(&report, "interactive"), ["folder-trust", "prompt"]);
    assert_eq!(gate_ids(&report, "print"), ["prompt"]);
    let trust = &report["gates"]["interactive"][0];
    assert_eq!(trust["check"], "workspace-trust");
    assert!(
        trust["way_through"]
            .as_str()
            .unwrap()
            .contains("hasTrustDialogAccepted"),
        "{trust}"
    );
    assert_eq!(report["gates"]["interactive"][1]["check"], Value::Null);
    let human = w.ccauth(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("1. folder trust: \"Quick safety check"),
        "{text}"
    );
}

#[test]
fn a_first_run_meets_the_wizard_for_every_credential_and_its_network_check_off_the_gateway() {
    let fresh = |var: &str, value: &str| {
        let (report, _) = status_json(&World::new().with_env(var, value));
        gate_ids(&report, "interactive")
    };
    assert_eq!(
        fresh("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        [
            "network-check",
            "first-run-wizard",
            "folder-trust",
            "prompt"
        ]
    );
    assert_eq!(
        fresh("ANTHROPIC_AUTH_TOKEN", "gateway-token-0123456789"),
        ["first-run-wizard", "folder-trust", "prompt"]
    );
    assert_eq!(
        fresh("ANTHROPIC_API_KEY", API_KEY),
        [
            "network-check",
            "first-run-wizard",
            "folder-trust",
            "api-key-approval",
            "prompt"
        ]
    );
    let (nothing, _) = status_json(&World::new());
    assert_eq!(
        gate_ids(&nothing, "interactive"),
        // No login gate: without a credential interactive claude reaches its
        // prompt, which says "Not logged in · run /login" (tmux, 2.1.332).
        [
            "network-check",
            "first-run-wizard",
            "folder-trust",
            "prompt"
        ]
    );
    assert_eq!(gate_ids(&nothing, "print"), ["login", "prompt"]);
}

/// The exits come first: a client with the nesting guard (2.1.39 up to
/// 2.1.197), then bypass mode refused for root; the bypass dialog comes
/// last before the prompt. Without a known guarded version no nesting gate
/// is listed (2.1.197 and 2.1.332 have none).
#[test]
fn guards_that_exit_in_both_modes_come_first_and_last() {
    let world = |version: Option<&str>| {
        let w = World::new()
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
            .with_env("CLAUDECODE", "1")
            .with_env("IS_SANDBOX", "1");
        w.home_file(
            ".claude/settings.json",
            r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#,
        );
        match version {
            Some(v) => w.with_native_claude(v),
            None => w,
        }
    };
    let (report, _) = status_json(&world(Some("2.1.100")));
    let print = gate_ids(&report, "print");
    assert_eq!(print, ["nesting-guard", "prompt"]);
    let interactive = gate_ids(&report, "interactive");
    let n = interactive.len();
    assert_eq!(interactive[0], "nesting-guard");
    assert_eq!(interactive[n - 2], "bypass-permissions");
    let (unguarded, _) = status_json(&world(Some("2.1.332")));
    assert!(!gate_ids(&unguarded, "print").contains(&"nesting-guard".to_string()));
    let doctor = world(Some("2.1.100")).ccauth(&["doctor"]).output().unwrap();
    let text = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        text.contains("gates        claude: nesting guard → network check → first-run wizard"),
        "{text}"
    );
    if rustix::process::geteuid().is_root() {
        let w = world(None).without_env("IS_SANDBOX");
        let (report, _) = status_json(&w);
        assert_eq!(gate_ids(&report, "print"), ["root-refusal", "prompt"]);
        assert_eq!(gate_ids(&report, "interactive")[0], "root-refusal");
    }
}

/// An onboarded world with one credential variable, on a machine whose
/// managed settings say `managed`.
fn managed_world(var: &str, value: &str, managed: &str) -> World {
    let w = World::new().with_env(var, value);
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    w.sys_file("etc/claude-code/managed-settings.json", managed);
    w
}

/// 2.1.332 in tmux with the pin, an OAuth token and an untrusted folder
/// (2026-12-02): "Quick safety check" after 20 s; after Yes, "Unable to
/// verify organization for the current authentication token." and exit 1.
#[test]
fn a_managed_organization_pin_is_a_gate_of_both_modes() {
    let w = managed_world(
        "CLAUDE_CODE_OAUTH_TOKEN",
        OAUTH_TOKEN,
        r#"{"forceLoginOrgUUID": "00000000-0000-4000-8000-000000000001"}"#,
    );
    let (report, _) = status_json(&w);
    assert_eq!(gate_ids(&report, "print"), ["organization", "prompt"]);
    assert_eq!(
        gate_ids(&report, "interactive"),
        ["folder-trust", "organization", "prompt"]
    );
    let title = report["gates"]["print"][0]["title"].as_str().unwrap();
    assert!(title.contains("Unable to verify organization"), "{title}");
}

/// 2.1.332 with `{"forceLoginOrgUUID": …}` in /etc/claude-code and only
/// ANTHROPIC_API_KEY (offline, a throwaway home, 2026-12-02): `claude -p hi`
/// exits 1 with "This machine's managed settings require a first-party
/// login: they pin Anthropic sign-ins to your organization
/// (forceLoginOrgUUID), and this session is configured with an API key from
/// ANTHROPIC_API_KEY"; interactive `claude` first shows "Detected a custom
/// API key in your environment".
#[test]
fn a_managed_organization_pin_refuses_an_api_key_after_its_approval() {
    let w = managed_world(
        "ANTHROPIC_API_KEY",
        API_KEY,
        r#"{"forceLoginOrgUUID": "00000000-0000-4000-8000-000000000001"}"#,
    );
    let (report, _) = status_json(&w);
    assert_eq!(gate_ids(&report, "print"), ["organization", "prompt"]);
    assert_eq!(
        gate_ids(&report, "interactive"),
        ["folder-trust", "api-key-approval", "organization", "prompt"]
    );
    let title = report["gates"]["print"][0]["title"].as_str().unwrap();
    assert!(title.contains("require a first-party login"), "{title}");
    let way = report["gates"]["print"][0]["way_through"].as_str().unwrap();
    assert!(way.starts_with("unset ANTHROPIC_API_KEY"), "{way}");
}

/// 2.1.332 with `{"forceLoginMethod": "claudeai"}` in /etc/claude-code
/// (offline, 2026-12-02): with ANTHROPIC_API_KEY, `claude -p hi` exits 1
/// with "This machine's managed settings require a first-party login: they
/// require a claude.ai or Console sign-in (forceLoginMethod), and this
/// session is configured with an API key from ANTHROPIC_API_KEY"; with a
/// stored claude.ai login (or, under "console", a CLAUDE_CODE_OAUTH_TOKEN)
/// interactive claude reached its prompt.
#[test]
fn a_managed_login_method_refuses_an_api_key_and_lets_a_login_through() {
    let key = managed_world(
        "ANTHROPIC_API_KEY",
        API_KEY,
        r#"{"forceLoginMethod": "claudeai"}"#,
    );
    let (report, _) = status_json(&key);
    assert_eq!(gate_ids(&report, "print"), ["organization", "prompt"]);
    let title = report["gates"]["print"][0]["title"].as_str().unwrap();
    assert!(
        title.contains("a claudeai sign-in (forceLoginMethod)"),
        "{title}"
    );

    let token = managed_world(
        "CLAUDE_CODE_OAUTH_TOKEN",
        OAUTH_TOKEN,
        r#"{"forceLoginMethod": "console"}"#,
    );
    let (report, _) = status_json(&token);
    assert_eq!(gate_ids(&report, "print"), ["prompt"]);
}
