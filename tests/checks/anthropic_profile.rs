//! `anthropic-profile` against worlds shaped after what 2.1.332 was seen to
//! do with `ANTHROPIC_PROFILE` (offline, throwaway homes, 2026-12-02): no
//! change offline, the notices of its bundle where profile sign-in is on.

use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;

const ID: &str = "anthropic-profile";

#[test]
fn unset_or_blank_skips() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
    // The client trims the value (`process.env.ANTHROPIC_PROFILE?.trim()`).
    let blank = World::new().with_env("ANTHROPIC_PROFILE", "  ");
    assert_eq!(blank.check(ID).status, Status::Skip);
}

/// `ANTHROPIC_PROFILE='bad name!'`: the bundle's notice "isn't a valid
/// profile name" (offline, the stored login was still used).
#[test]
fn an_invalid_name_warns_in_the_clients_words_whatever_the_credential() {
    let w = World::new()
        .with_env("ANTHROPIC_PROFILE", "bad name!")
        .with_env("ANTHROPIC_API_KEY", API_KEY);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(f.problems[0].code, "anthropic-profile/invalid-name");
    assert!(
        f.cause.contains("isn't a valid profile name"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("the process environment"), "{}", f.cause);
}

/// A valid name sets a Claude account sign-in aside where the flag is on:
/// a warning with a stored login, an OAuth token or nothing; a pass for an
/// API key, which the profile does not replace.
#[test]
fn a_valid_name_warns_only_beside_a_claude_account_sign_in() {
    let login = World::new().with_env("ANTHROPIC_PROFILE", "work");
    crate::with_login(&login, &crate::fresh_login());
    let f = login.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(
        f.problems[0].code,
        "anthropic-profile/claude-sign-in-set-aside"
    );

    let token = World::new()
        .with_env("ANTHROPIC_PROFILE", "work")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    assert_eq!(token.check(ID).status, Status::Warn);
    assert_eq!(
        World::new()
            .with_env("ANTHROPIC_PROFILE", "work")
            .check(ID)
            .status,
        Status::Warn
    );

    let key = World::new()
        .with_env("ANTHROPIC_PROFILE", "work")
        .with_env("ANTHROPIC_API_KEY", API_KEY);
    assert_eq!(key.check(ID).status, Status::Pass);
}

/// Set in a settings `env` block, the place is that file's key.
#[test]
fn a_profile_from_settings_names_its_file() {
    let w = World::new();
    w.home_file(
        ".claude/settings.json",
        r#"{"env": {"ANTHROPIC_PROFILE": "a/b"}}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));
}
