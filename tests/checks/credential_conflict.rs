//! `credential-conflict` against fixture worlds.

use crate::common::{API_KEY, OAUTH_TOKEN, World};
use crate::{fresh_login, with_login};
use ccauth::checks::Status;

const ID: &str = "credential-conflict";

#[test]
fn a_single_kind_passes() {
    assert_eq!(World::new().check(ID).status, Status::Pass);
    assert_eq!(
        World::new()
            .with_env("ANTHROPIC_API_KEY", API_KEY)
            .check(ID)
            .status,
        Status::Pass
    );
    assert_eq!(
        World::new()
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
            .check(ID)
            .status,
        Status::Pass
    );
}

#[test]
fn a_key_next_to_an_env_token_warns_and_names_both_origins() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"CLAUDE_CODE_OAUTH_TOKEN": "{OAUTH_TOKEN}"}}}}"#),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause
            .contains("ANTHROPIC_API_KEY from the process environment"),
        "{}",
        f.cause
    );
    assert!(
        f.cause.contains("env block of user settings"),
        "{}",
        f.cause
    );
    assert!(
        f.cause.contains("claude -p uses ANTHROPIC_API_KEY"),
        "{}",
        f.cause
    );
    assert!(
        f.cause
            .contains("Interactive claude uses CLAUDE_CODE_OAUTH_TOKEN"),
        "{}",
        f.cause
    );
    assert!(f.fix.unwrap().contains("unset ANTHROPIC_API_KEY"));
}

#[test]
fn a_gateway_token_or_helper_next_to_a_stored_login_warns() {
    let w = World::new().with_env("ANTHROPIC_AUTH_TOKEN", "gateway-token-123456789");
    with_login(&w, &fresh_login());
    assert_eq!(w.check(ID).status, Status::Warn);
    let w = World::new();
    w.home_file(".claude/settings.json", r#"{"apiKeyHelper": "/bin/true"}"#);
    with_login(&w, &fresh_login());
    assert_eq!(w.check(ID).status, Status::Warn);
}

#[test]
fn the_conflict_names_the_key_and_the_subscription_where_they_are_set() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"CLAUDE_CODE_OAUTH_TOKEN": "{OAUTH_TOKEN}"}}}}"#),
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
}
