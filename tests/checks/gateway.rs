//! `gateway` against fixture worlds.

use crate::common;
use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;

const ID: &str = "gateway";

#[test]
fn skipped_without_a_base_url_and_passes_for_anthropic() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
    let f = World::new()
        .with_env("ANTHROPIC_BASE_URL", "https://api.anthropic.com/")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn a_gateway_with_its_token_passes() {
    let f = World::new()
        .with_env("ANTHROPIC_BASE_URL", "https://llm.example.com/v1")
        .with_env("ANTHROPIC_AUTH_TOKEN", "gw-token-1234567890")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("llm.example.com"));
}

#[test]
fn a_subscription_token_sent_to_a_gateway_warns() {
    let f = World::new()
        .with_env("ANTHROPIC_BASE_URL", "https://llm.example.com")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("subscription token"), "{}", f.cause);
}

#[test]
fn an_api_key_or_nothing_for_a_gateway_warns() {
    let f = World::new()
        .with_env("ANTHROPIC_BASE_URL", "http://localhost:4000")
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause
            .contains("ANTHROPIC_API_KEY from the process environment is sent there"),
        "{}",
        f.cause
    );
    let f = World::new()
        .with_env("ANTHROPIC_BASE_URL", "http://localhost:4000")
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    let f = World::new()
        .with_env("ANTHROPIC_BASE_URL", "llm.example.com")
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("not an http(s) URL"));
}

#[test]
fn a_cloud_provider_is_explained() {
    let f = World::new()
        .with_env("CLAUDE_CODE_USE_BEDROCK", "1")
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.cause.contains("Amazon Bedrock") && f.cause.contains("ANTHROPIC_API_KEY is not used"),
        "{}",
        f.cause
    );
}

#[test]
fn what_goes_to_the_gateway_is_a_code_at_the_base_url_setting() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    w.home_file(
        ".claude/settings.json",
        r#"{"env": {"ANTHROPIC_BASE_URL": "https://llm.example.com"}}"#,
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    let codes = |w: World| {
        common::codes(&w.problems(ID))
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(
            World::new()
                .with_env("ANTHROPIC_BASE_URL", "http://localhost:4000")
                .with_env("ANTHROPIC_API_KEY", API_KEY)
        ),
        ["gateway/no-gateway-token"]
    );
    assert_eq!(
        codes(World::new().with_env("ANTHROPIC_BASE_URL", "http://localhost:4000")),
        ["gateway/no-credential"]
    );
    assert_eq!(
        codes(World::new().with_env("ANTHROPIC_BASE_URL", "llm.example.com")),
        ["gateway/not-a-url"]
    );
}
