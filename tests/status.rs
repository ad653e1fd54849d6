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
