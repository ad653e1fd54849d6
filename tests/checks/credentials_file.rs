//! `credentials-file` against fixture worlds.

use crate::common;
use crate::common::{OAUTH_TOKEN, World, login_json, now_ms};
use crate::{REFRESH, fresh_login, with_login};
use ccauth::checks::Status;
use std::os::unix::fs::PermissionsExt;

const ID: &str = "credentials-file";

#[test]
fn absent_file_is_skipped() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn a_fresh_login_passes_with_its_expiry_in_words() {
    let w = World::new();
    with_login(
        &w,
        &login_json(
            OAUTH_TOKEN,
            REFRESH,
            now_ms() + 5 * 3_600_000,
            &["user:inference"],
        ),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(
        f.cause.contains("expires in 4 hours") || f.cause.contains("expires in 5 hours"),
        "{}",
        f.cause
    );
}

#[test]
fn an_expired_token_with_a_refresh_token_passes() {
    let w = World::new();
    with_login(
        &w,
        &login_json(
            OAUTH_TOKEN,
            REFRESH,
            now_ms() - 3 * 3_600_000,
            &["user:inference"],
        ),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.cause.contains("expired 3 hours ago and is refreshed"),
        "{}",
        f.cause
    );
}

#[test]
fn blank_missing_token_and_narrow_scopes_fail() {
    let cases = [
        (
            login_json("", "", 0, &["user:inference"]),
            "blanked after a failed refresh",
        ),
        (
            r#"{"claudeAiOauth": {"refreshToken": "x"}}"#.to_string(),
            "lacks claudeAiOauth.accessToken",
        ),
        (r#"{"mcpOAuth": {}}"#.to_string(), "no claudeAiOauth entry"),
        (
            login_json(
                OAUTH_TOKEN,
                REFRESH,
                now_ms() + 3_600_000,
                &["user:profile"],
            ),
            "user:inference",
        ),
        (
            login_json(OAUTH_TOKEN, "", now_ms() - 86_400_000, &["user:inference"]),
            "expired 24 hours ago, and there is no refresh token",
        ),
        ("{\"claudeAiOauth\": {".to_string(), "not valid JSON"),
    ];
    for (json, expected) in cases {
        let w = World::new();
        with_login(&w, &json);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail, "{expected}: {}", f.cause);
        assert!(f.cause.contains(expected), "{expected}: {}", f.cause);
    }
}

#[test]
fn an_expired_refresh_token_fails() {
    let w = World::new();
    with_login(
        &w,
        &format!(
            r#"{{"claudeAiOauth": {{"accessToken": "{OAUTH_TOKEN}", "refreshToken": "{REFRESH}", "expiresAt": {}, "refreshTokenExpiresAt": {}, "scopes": ["user:inference"]}}}}"#,
            now_ms() - 1000,
            now_ms() - 1000
        ),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("the refresh token expired too"),
        "{}",
        f.cause
    );
}

#[test]
fn problems_only_warn_when_another_credential_wins() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    with_login(&w, &login_json("", "", 0, &["user:inference"]));
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("not in use now"), "{}", f.cause);
}

#[test]
fn a_directory_fails_with_the_rmdir_fix() {
    let w = World::new();
    std::fs::create_dir_all(w.home().join(".claude/.credentials.json")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("is a directory"), "{}", f.cause);
    assert!(f.fix.unwrap().contains("rmdir"));
}

#[test]
fn wide_mode_and_symlinks_warn() {
    let w = World::new();
    let path = with_login(&w, &fresh_login());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("mode 0644"), "{}", f.cause);

    let w = World::new();
    let real = w.home_file("shared/creds.json", &fresh_login());
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::create_dir_all(w.home().join(".claude")).unwrap();
    std::os::unix::fs::symlink(&real, w.home().join(".claude/.credentials.json")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("is a symlink to"), "{}", f.cause);
}

#[test]
fn each_problem_has_its_code_key_and_only_the_mode_its_repair() {
    let w = World::new();
    let path = with_login(&w, &login_json("", "", 0, &["user:inference"]));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    assert!(problems[0].get("repair").is_none(), "{problems:?}");
    assert!(
        problems[1]["repair"]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("chmod 600")),
        "{problems:?}"
    );

    let w = World::new();
    std::fs::create_dir_all(w.home().join(".claude/.credentials.json")).unwrap();
    assert_eq!(
        common::codes(&w.problems(ID)),
        ["credentials-file/directory"]
    );
}

/// Signing in again means pasting a code: a person can, a CI job cannot,
/// and is told to use the long-lived token from its secret store instead.
#[test]
fn the_relogin_fix_needs_a_person_and_a_ci_job_gets_the_token() {
    let w = World::new().docker();
    with_login(&w, &login_json("", "", 0, &["user:inference"]));
    let fix = w.check(ID).fix.unwrap();
    assert!(
        fix.contains("inside this container") && fix.contains("paste the code"),
        "{fix}"
    );
    let ci = w.with_env("GITHUB_ACTIONS", "true");
    let fix = ci.check(ID).fix.unwrap();
    assert!(!fix.contains("paste the code"), "{fix}");
    assert!(
        fix.contains("claude setup-token") && fix.contains("secrets.CLAUDE_CODE_OAUTH_TOKEN"),
        "{fix}"
    );
}

/// Issue #16 item 11: a file at 0600 was told to `chmod 600`. The check's
/// fixes never say it unless the mode is wider (the mode's fix belongs to
/// `too-open` alone, since commit 3778577), but the explain page every
/// finding points to ("More: ccauth explain credentials-file", and the
/// SARIF rule's help) said "For the mode: chmod 600 ~/.claude/…" beside
/// the sign-in fix, for any problem. It now ties chmod to `too-open`.
#[test]
fn a_private_file_is_never_told_to_chmod() {
    let logins = [
        login_json("", "", 0, &["user:inference"]),
        r#"{"mcpOAuth": {}}"#.to_string(),
        login_json(OAUTH_TOKEN, "", now_ms() - 86_400_000, &["user:inference"]),
        "{not json".to_string(),
    ];
    for login in logins {
        let w = World::new();
        let path = with_login(&w, &login);
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let problems = w.problems(ID);
        assert!(!problems.is_empty(), "{login}");
        for problem in &problems {
            let fix = problem["fix"].as_str().unwrap_or_default();
            assert!(!fix.contains("chmod"), "{}: {fix}", problem["code"]);
        }
    }
    let out = World::new().ccauth(&["explain", ID]).output().unwrap();
    let page = String::from_utf8_lossy(&out.stdout);
    let how = &page[page.find("## How to fix").unwrap()..page.find("## Problems").unwrap()];
    for paragraph in how.split("\n\n").filter(|p| p.contains("chmod")) {
        assert!(
            paragraph.contains("too-open"),
            "chmod without its condition: {paragraph}"
        );
    }
}

/// The directory Docker left is replaced by a mount of the whole config
/// directory, said the way the launcher mounts.
#[test]
fn the_directory_fix_mounts_in_the_launchers_terms() {
    let fix = |w: World| {
        std::fs::create_dir_all(w.home().join(".claude/.credentials.json")).unwrap();
        w.check(ID).fix.unwrap()
    };
    let docker = fix(World::new().docker());
    assert!(docker.contains("docker run -v ~/.claude:"), "{docker}");
    let vscode = fix(World::new().docker().with_env("REMOTE_CONTAINERS", "true"));
    assert!(
        vscode.contains("\"mounts\": [\"source=${localEnv:HOME}/.claude"),
        "{vscode}"
    );
}
