//! `login-policy` against worlds with managed settings, each shaped after
//! what 2.1.332 was seen to do (offline, throwaway homes, `/etc/claude-code`
//! bind-mounted in a private mount namespace, 2026-12-02).

use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;

const ID: &str = "login-policy";

const PIN: &str = r#"{"forceLoginOrgUUID": "00000000-0000-4000-8000-000000000001"}"#;

fn managed(w: World, file: &str, content: &str) -> World {
    w.sys_file(&format!("etc/claude-code/{file}"), content);
    w
}

#[test]
fn no_policy_and_no_disabled_login_skips() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip, "{}", f.cause);
    // A user's own settings cannot pin sign-ins: only the managed layer counts.
    w.home_file(".claude/settings.json", PIN);
    assert_eq!(w.check(ID).status, Status::Skip);
}

/// `claude -p hi` with each credential under the pin: "This machine's
/// managed settings require a first-party login: … configured with an API
/// key from ANTHROPIC_API_KEY" (and "a bearer token from
/// ANTHROPIC_AUTH_TOKEN", "an API key from the apiKeyHelper in …"), exit 1.
#[test]
fn a_key_a_gateway_token_and_a_helper_are_refused_under_the_pin() {
    for (var, value) in [
        ("ANTHROPIC_API_KEY", API_KEY),
        ("ANTHROPIC_AUTH_TOKEN", "PLANTED-gateway-token-0123456789"),
    ] {
        let w = managed(
            World::new().with_env(var, value),
            "managed-settings.json",
            PIN,
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail, "{var}: {}", f.cause);
        assert!(
            f.cause.contains("require a first-party login"),
            "{}",
            f.cause
        );
        assert!(
            f.fix
                .as_deref()
                .unwrap_or("")
                .starts_with(&format!("Unset {var}")),
            "{:?}",
            f.fix
        );
    }
    let w = managed(World::new(), "managed-settings.json", PIN);
    let settings = w.home_file(
        ".claude/settings.json",
        r#"{"apiKeyHelper": "echo PLANTED-helper-key"}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(
        f.fix
            .as_deref()
            .unwrap_or("")
            .starts_with(&format!("Remove apiKeyHelper from {}", settings.display())),
        "{:?}",
        f.fix
    );
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));
}

/// `{"forceLoginMethod": "console"}` with ANTHROPIC_API_KEY: refused the
/// same way; with CLAUDE_CODE_OAUTH_TOKEN: the prompt. Bedrock under the
/// pin met no refusal (its own "Could not load AWS credentials").
#[test]
fn a_login_method_refuses_a_key_and_lets_a_token_or_a_cloud_provider_through() {
    let method = r#"{"forceLoginMethod": "console"}"#;
    let key = managed(
        World::new().with_env("ANTHROPIC_API_KEY", API_KEY),
        "managed-settings.json",
        method,
    );
    let f = key.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(
        f.cause.contains("a console sign-in (forceLoginMethod)"),
        "{}",
        f.cause
    );

    let token = managed(
        World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "managed-settings.json",
        method,
    );
    assert_eq!(token.check(ID).status, Status::Pass);

    let bedrock = managed(
        World::new().with_env("CLAUDE_CODE_USE_BEDROCK", "1"),
        "managed-settings.json",
        PIN,
    );
    assert_eq!(bedrock.check(ID).status, Status::Pass);
}

/// A stored login whose `.claude.json` records the pinned organization still
/// got "Unable to verify organization for the current authentication
/// token." offline: the pin is verified online at each start.
#[test]
fn a_login_under_the_pin_warns_that_it_is_verified_online() {
    let w = managed(World::new(), "managed-settings.json", PIN);
    crate::with_login(&w, &crate::fresh_login());
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(
        f.cause.contains("Unable to verify organization"),
        "{}",
        f.cause
    );
    assert_eq!(f.problems[0].code, "login-policy/organization-unverified");
}

/// A drop-in in managed-settings.d pinned the organization alone, and one
/// beside the file won over it ("This machine requires organization bbbb…",
/// the drop-in's). Hidden files and other names are not read.
#[test]
fn drop_ins_are_merged_over_the_file_in_name_order() {
    let w = managed(
        World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "managed-settings.d/10-org.json",
        r#"{"forceLoginOrgUUID": "bbbbbbbb-0000-0000-0000-000000000000"}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(f.cause.contains("bbbbbbbb-"), "{}", f.cause);

    let w = managed(
        w,
        "managed-settings.json",
        r#"{"forceLoginOrgUUID": "aaaaaaaa-0000-0000-0000-000000000000"}"#,
    );
    let w = managed(
        w,
        "managed-settings.d/.20-hidden.json",
        r#"{"forceLoginOrgUUID": "cccccccc-0000-0000-0000-000000000000"}"#,
    );
    let w = managed(
        w,
        "managed-settings.d/30-notes.txt",
        r#"{"forceLoginOrgUUID": "dddddddd-0000-0000-0000-000000000000"}"#,
    );
    let f = w.check(ID);
    assert!(f.cause.contains("bbbbbbbb-"), "{}", f.cause);

    let w = managed(
        w,
        "managed-settings.d/20-later.json",
        r#"{"forceLoginOrgUUID": "eeeeeeee-0000-0000-0000-000000000000"}"#,
    );
    let f = w.check(ID);
    assert!(f.cause.contains("eeeeeeee-"), "{}", f.cause);
}

/// `DISABLE_LOGIN_COMMAND=1` and nothing else: `claude -p hi` said "Not
/// logged in · Please run /login" while /login is disabled; `claude auth
/// login` still opened the sign-in.
#[test]
fn a_disabled_login_command_warns_only_without_a_credential() {
    let w = World::new().with_env("DISABLE_LOGIN_COMMAND", "1");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(f.problems[0].code, "login-policy/login-command-disabled");
    assert!(
        f.fix.as_deref().unwrap_or("").contains("claude auth login"),
        "{:?}",
        f.fix
    );

    let w = w.with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);

    let off = World::new().with_env("DISABLE_LOGIN_COMMAND", "0");
    assert_eq!(off.check(ID).status, Status::Skip);
}

/// Bad managed files hold no policy ccauth can judge, and the skip says so;
/// a directory named like a drop-in is not read at all (the client reads
/// files and symlinks only).
#[test]
fn unreadable_managed_settings_are_named_and_judged_as_no_policy() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    std::fs::create_dir_all(
        w.sysroot()
            .join("etc/claude-code/managed-settings.d/00-dir.json"),
    )
    .unwrap();
    let w = managed(w, "managed-settings.json", r#"{"forceLoginOrgUUID": "#);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip);
    assert!(f.cause.contains("managed-settings.json"), "{}", f.cause);
    assert!(!f.cause.contains("00-dir.json"), "{}", f.cause);
}

/// `forceLoginOrgUUID` may be a list (the client reads a string or an
/// array): the finding names each organization.
#[test]
fn a_list_of_organizations_is_named_as_one_of_them() {
    let w = managed(
        World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "managed-settings.json",
        r#"{"forceLoginOrgUUID": ["aaaaaaaa-0000-0000-0000-000000000000", "bbbbbbbb-0000-0000-0000-000000000000"]}"#,
    );
    let f = w.check(ID);
    assert!(
        f.cause
            .contains("one of the organizations aaaaaaaa-0000-0000-0000-000000000000, bbbbbbbb-"),
        "{}",
        f.cause
    );
}
