//! `api-key-approval` against fixture worlds.

use crate::common;
use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "api-key-approval";

/// The last characters of the key, as Claude Code records an answer.
fn suffix() -> &'static str {
    &API_KEY[API_KEY.len() - 20..]
}

fn with_responses(w: World, approved: &[&str], rejected: &[&str]) -> World {
    let list = |l: &[&str]| {
        l.iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    w.home_file(
        ".claude.json",
        &format!(
            r#"{{"customApiKeyResponses": {{"approved": [{}], "rejected": [{}]}}}}"#,
            list(approved),
            list(rejected)
        ),
    );
    w
}

#[test]
fn skipped_without_a_key_or_in_ci() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
    let f = World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .with_env("CI", "true")
        .check(ID);
    assert_eq!(f.status, Status::Skip);
    assert!(f.cause.contains("without asking"));
    let given = World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .launched_by(Launcher::Ci)
        .check(ID);
    assert_eq!(given.status, Status::Skip, "--launcher ci is a job too");
}

#[test]
fn rejected_fails_approved_passes_unanswered_warns() {
    let w = with_responses(
        World::new().with_env("ANTHROPIC_API_KEY", API_KEY),
        &[],
        &[suffix()],
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("declined"), "{}", f.cause);
    assert!(f.cause.contains("Not logged in"), "{}", f.cause);
    assert!(f.fix.unwrap().contains("env.ANTHROPIC_API_KEY | .[-20:]"));

    let w = with_responses(
        World::new().with_env("ANTHROPIC_API_KEY", API_KEY),
        &[suffix()],
        &[],
    );
    assert_eq!(w.check(ID).status, Status::Pass);

    let w = with_responses(
        World::new().with_env("ANTHROPIC_API_KEY", API_KEY),
        &["someotherkeysuffix00"],
        &[],
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains("claude -p and the SDK never ask"),
        "{}",
        f.cause
    );
}

#[test]
fn a_rejected_key_names_what_interactive_claude_uses_instead() {
    let w = with_responses(
        World::new()
            .with_env("ANTHROPIC_API_KEY", API_KEY)
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        &[],
        &[suffix()],
    );
    let f = w.check(ID);
    assert!(
        f.cause
            .contains("uses CLAUDE_CODE_OAUTH_TOKEN from the process environment instead"),
        "{}",
        f.cause
    );
}

#[test]
fn the_trimmed_key_is_compared() {
    let w = with_responses(
        World::new().with_env("ANTHROPIC_API_KEY", &format!("{API_KEY}\n")),
        &[suffix()],
        &[],
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn the_answer_is_a_code_at_the_config_key_with_its_repair() {
    let w = with_responses(
        World::new().with_env("ANTHROPIC_API_KEY", API_KEY),
        &[],
        &[suffix()],
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    assert_eq!(problems[0]["repair"]["needs_naming"], true, "{problems:?}");

    let w = with_responses(
        World::new().with_env("ANTHROPIC_API_KEY", API_KEY),
        &[],
        &[],
    );
    assert_eq!(
        common::codes(&w.problems(ID)),
        ["api-key-approval/unanswered"]
    );
}
