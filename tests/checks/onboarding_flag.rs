//! `onboarding-flag` against fixture worlds.

use crate::common::{OAUTH_TOKEN, World, codes};
use ccauth::checks::{Place, Status};
use ccauth::gather::launcher::Launcher;

const ID: &str = "onboarding-flag";

fn with_token() -> World {
    World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
}

/// A CI job runs `claude -p`, which never runs the wizard (CLIENT-FACTS §6):
/// no `.claude.json` is no problem there, whoever decided it is CI.
#[test]
fn a_ci_job_runs_claude_p_which_the_wizard_does_not_gate() {
    let detected = with_token()
        .with_env("GITHUB_ACTIONS", "true")
        .with_env("CI", "true")
        .check(ID);
    assert_eq!(detected.status, Status::Skip, "{}", detected.cause);
    assert!(
        detected
            .cause
            .contains("claude -p does not run the first-run wizard"),
        "{}",
        detected.cause
    );
    assert!(
        detected.cause.contains("GitHub Actions"),
        "{}",
        detected.cause
    );
    let given = with_token().launched_by(Launcher::Ci).check(ID);
    assert_eq!(given.status, Status::Skip);
    let interactive = with_token().launched_by(Launcher::Docker).check(ID);
    assert_eq!(
        interactive.problems[0].code,
        "onboarding-flag/config-missing"
    );
}

/// Without an env token the first run still meets the wizard and its
/// network check (2.1.332 in tmux, tests/interactive.rs: an API key, a
/// stored login or nothing): a warning, with the same safe repair.
#[test]
fn without_an_env_token_a_first_run_warns_with_the_repair() {
    let w = World::new().with_env(
        "ANTHROPIC_API_KEY",
        "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
    );
    let problems = w.problems(ID);
    assert_eq!(
        crate::common::codes(&problems),
        ["onboarding-flag/first-run"]
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains("Unable to connect to Anthropic services"),
        "{}",
        f.cause
    );
    assert!(f.problems[0].repair.is_some(), "the flag is set by --fix");
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn missing_file_fails_and_offers_a_safe_create() {
    let w = with_token();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains(".claude.json does not exist"),
        "{}",
        f.cause
    );
    let fix = f.fix.unwrap();
    assert!(fix.contains("umask 077"), "{fix}");
    // A shell on a host creates nothing: no lifecycle hook, no image.
    assert!(
        !fix.contains("postCreateCommand") && !fix.contains("RUN "),
        "{fix}"
    );
    let vscode = w
        .with_env("REMOTE_CONTAINERS", "true")
        .check(ID)
        .fix
        .unwrap();
    assert!(
        vscode.contains("\"postCreateCommand\": \"test -e"),
        "{vscode}"
    );
    let docker = with_token()
        .launched_by(Launcher::Docker)
        .check(ID)
        .fix
        .unwrap();
    assert!(
        docker.contains("RUN test -e") && !docker.contains("devcontainer.json"),
        "{docker}"
    );
}

#[test]
fn file_without_flag_fails_with_a_merge_that_keeps_keys() {
    let w = with_token();
    w.home_file(
        ".claude.json",
        r#"{"oauthAccount": {"emailAddress": "a@b"}, "numStartups": 3}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("hasCompletedOnboarding missing"),
        "{}",
        f.cause
    );
    let fix = f.fix.unwrap();
    assert!(fix.contains("jq '.hasCompletedOnboarding = true'"), "{fix}");
    assert!(fix.contains("wipes the account"), "{fix}");
}

/// The client tests the flag for truthiness (`!o.hasCompletedOnboarding` in
/// the 2.1.332 bundle; "true" and "false" as strings skipped the wizard in
/// tmux), so only JavaScript's false values fail.
#[test]
fn only_a_falsy_flag_fails() {
    for value in ["false", "0", "\"\"", "null"] {
        let w = with_token();
        w.home_file(
            ".claude.json",
            &format!(r#"{{"hasCompletedOnboarding": {value}}}"#),
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail, "{value}");
        // A JSON null is kept as no value: "missing".
        let said = f.cause.contains("reads as false") || f.cause.contains("missing");
        assert!(said, "{}", f.cause);
    }
    for value in ["\"true\"", "\"false\"", "1"] {
        let w = with_token();
        w.home_file(
            ".claude.json",
            &format!(r#"{{"hasCompletedOnboarding": {value}}}"#),
        );
        assert_eq!(w.check(ID).status, Status::Pass, "{value}");
    }
}

#[test]
fn flag_true_passes_for_either_variable() {
    for var in ["CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"] {
        let w = World::new().with_env(var, OAUTH_TOKEN);
        w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
        assert_eq!(w.check(ID).status, Status::Pass, "{var}");
    }
}

#[test]
fn token_from_a_settings_env_block_counts() {
    let w = World::new();
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_AUTH_TOKEN": "{OAUTH_TOKEN}"}}}}"#),
    );
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn config_dir_moves_the_file_inside() {
    let w = with_token();
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    let dir = w.home().join("cfg");
    let w = w.with_env("CLAUDE_CONFIG_DIR", &dir.display().to_string());
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("cfg/.claude.json does not exist"),
        "{}",
        f.cause
    );
    w.file(
        &dir.join(".claude.json"),
        r#"{"hasCompletedOnboarding": true}"#,
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn legacy_config_shadows_claude_json() {
    let w = with_token();
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    w.home_file(".claude/.config.json", r#"{"theme": "dark"}"#);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("legacy"), "{}", f.cause);
    // An empty legacy file does not replace anything.
    w.home_file(".claude/.config.json", "");
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn unreadable_configs_fail_with_the_reason() {
    let w = with_token();
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": tr"#);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("truncated"), "{}", f.cause);

    let w = with_token();
    std::fs::create_dir_all(w.home().join(".claude.json")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("is a directory"), "{}", f.cause);
    assert!(f.fix.unwrap().contains("rmdir"));
}

#[test]
fn overwriting_lifecycle_command_warns_even_when_the_flag_is_set() {
    let w = with_token();
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"postStartCommand": "echo '{\"hasCompletedOnboarding\": true}' > ~/.claude.json"}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause
            .contains("postStartCommand in .devcontainer/devcontainer.json"),
        "{}",
        f.cause
    );
    assert!(f.fix.unwrap().contains("test -e ~/.claude.json"));
}

#[test]
fn overwriting_command_is_reported_inside_a_failure_and_without_a_token() {
    let config = r#"{"postCreateCommand": {"seed": "echo '{}' > $HOME/.claude.json"}}"#;
    let w = with_token();
    w.workspace_file(".devcontainer/devcontainer.json", config);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("overwrites .claude.json"));

    let w = World::new();
    w.workspace_file(".devcontainer/devcontainer.json", config);
    assert_eq!(w.check(ID).status, Status::Warn);
}

#[test]
fn a_guarded_create_is_not_an_overwrite() {
    let w = with_token();
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"postCreateCommand": "jq '.a=1' ~/.claude.json > /tmp/x && cat /tmp/x >> ~/.claude.json.log"}"#,
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn skipped_when_no_home_can_be_found() {
    let w = with_token().without_env("HOME");
    w.sys_file("etc/passwd", "someone:x:4242:4242::/home/someone:/bin/sh\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip);
    assert!(
        f.cause.contains("Neither HOME nor CLAUDE_CONFIG_DIR"),
        "{}",
        f.cause
    );
}

#[test]
fn without_home_the_passwd_home_is_used() {
    let w = with_token().without_env("HOME");
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn each_cause_is_its_own_code_placed_at_the_flag() {
    let w = with_token();
    let file = w.home_file(".claude.json", r#"{"numStartups": 3}"#);
    let found = w.problems(ID);
    assert_eq!(codes(&found), ["onboarding-flag/not-set"]);
    assert_eq!(found[0]["status"], "fail");
    assert_eq!(found[0]["places"][0]["file"], file.display().to_string());
    assert_eq!(
        w.check(ID).problems[0].places,
        [Place::file(&file).key("hasCompletedOnboarding")]
    );

    let w = with_token();
    assert_eq!(codes(&w.problems(ID)), ["onboarding-flag/config-missing"]);
    w.home_file(".claude.json", "{");
    assert_eq!(
        codes(&w.problems(ID)),
        ["onboarding-flag/config-unreadable"]
    );
}

#[test]
fn the_repair_belongs_to_the_flag_problem_not_to_the_overwrite() {
    let w = with_token();
    w.home_file(".claude.json", "{}");
    let devcontainer = w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"postCreateCommand": "echo '{}' > ~/.claude.json"}"#,
    );
    let f = w.check(ID);
    let kinds: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "onboarding-flag/not-set",
            "onboarding-flag/overwritten-by-lifecycle"
        ]
    );
    assert!(f.problems[0].repair.is_some());
    assert!(f.problems[1].repair.is_none());
    let place = &f.problems[1].places[..];
    assert!(
        matches!(place, [p] if p.file == devcontainer && p.key.as_deref() == Some("postCreateCommand") && p.line.is_some()),
        "the hook, on its line: {place:?}"
    );
    let found = w.problems(ID);
    assert_eq!(codes(&found), kinds);
    assert_eq!(found[1]["status"], "warn");
}

#[test]
fn an_unreadable_config_offers_no_repair() {
    let w = with_token();
    w.home_file(".claude.json", "{");
    let f = w.check(ID);
    assert_eq!(f.problems.len(), 1);
    assert!(f.problems[0].repair.is_none());
}

#[test]
fn the_problems_are_coded_and_placed() {
    let w = with_token();
    w.home_file(".claude.json", r#"{"numStartups": 3}"#);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"postCreateCommand": "echo '{}' > ~/.claude.json"}"#,
    );
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
}
