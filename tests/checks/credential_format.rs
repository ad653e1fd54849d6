//! `credential-format` against fixture worlds.

use crate::common::{API_KEY, OAUTH_TOKEN, World, login_json, now_ms};
use crate::with_login;
use ccauth::checks::Status;

const ID: &str = "credential-format";

#[test]
fn skipped_without_values_and_passes_clean_ones() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
    assert_eq!(
        World::new()
            .with_env("ANTHROPIC_API_KEY", "")
            .check(ID)
            .status,
        Status::Skip
    );
    let f = World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
}

#[test]
fn quotes_and_crlf_in_the_winning_value_fail() {
    let f = World::new()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", &format!("\"{OAUTH_TOKEN}\"\r\n"))
        .check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("double quotes") && f.cause.contains("carriage return"),
        "{}",
        f.cause
    );
    assert!(!f.cause.contains(OAUTH_TOKEN));
}

#[test]
fn an_oauth_token_in_the_api_key_slot_fails() {
    let f = World::new()
        .with_env("ANTHROPIC_API_KEY", OAUTH_TOKEN)
        .check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("put it in CLAUDE_CODE_OAUTH_TOKEN"),
        "{}",
        f.cause
    );
}

#[test]
fn a_malformed_value_that_loses_only_warns() {
    // ANTHROPIC_AUTH_TOKEN wins in both modes, so the token below is never sent.
    let f = World::new()
        .with_env("ANTHROPIC_AUTH_TOKEN", "gateway-token-1234567890")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-your-token-here")
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("template text"), "{}", f.cause);
}

#[test]
fn settings_values_and_stored_tokens_are_judged() {
    let w = World::new();
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_AUTH_TOKEN": "{API_KEY}"}}}}"#),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("env block of user settings"),
        "{}",
        f.cause
    );

    let w = World::new();
    with_login(
        &w,
        &login_json(
            API_KEY,
            OAUTH_TOKEN,
            now_ms() + 3_600_000,
            &["user:inference"],
        ),
    );
    let f = w.check(ID);
    assert_eq!(
        f.status,
        Status::Fail,
        "the stored login is what the client uses: {}",
        f.cause
    );
    assert!(f.cause.contains("claudeAiOauth from"), "{}", f.cause);
    assert!(
        f.cause.contains("claudeAiOauth.refreshToken in"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("is not a refresh token"), "{}", f.cause);
}

#[test]
fn the_sandbox_placeholder_is_explained_not_failed() {
    let f = World::new()
        .with_env("ANTHROPIC_API_KEY", "proxy-managed")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("Docker Sandboxes"), "{}", f.cause);
}

#[test]
fn a_refresh_token_variable_must_hold_a_refresh_token() {
    let f = World::new()
        .with_env("CLAUDE_CODE_OAUTH_REFRESH_TOKEN", OAUTH_TOKEN)
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("not a refresh token"), "{}", f.cause);
}

#[test]
fn each_flaw_of_each_value_is_its_own_problem_where_it_is_set() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", &format!("\"{OAUTH_TOKEN}\"\r\n"));
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_AUTH_TOKEN": "{API_KEY}"}}}}"#),
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    let text = serde_json::to_string(&problems).unwrap();
    assert!(!text.contains(&OAUTH_TOKEN[14..]) && !text.contains(&API_KEY[14..]));
}

/// Issue 16 item 10: a blank bearer token is ignored by the client, a blank
/// API key is sent; the wording says which.
#[test]
fn whitespace_only_values_say_what_the_client_does_with_them() {
    let f = World::new()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", "   ")
        .check(ID);
    assert!(
        f.cause.contains("ignores it as if it were unset"),
        "{}",
        f.cause
    );
    let f = World::new().with_env("ANTHROPIC_API_KEY", "   ").check(ID);
    assert!(f.cause.contains("sent as the key"), "{}", f.cause);
}
