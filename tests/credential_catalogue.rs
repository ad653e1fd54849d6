//! The credential catalogue: credential-format, credential-conflict,
//! api-key-approval, credentials-file, api-key-helper and gateway, branch by
//! branch, against fixture worlds.

mod common;

use ccauth::checks::Status;
use common::{API_KEY, OAUTH_TOKEN, World, login_json, now_ms};
use std::os::unix::fs::PermissionsExt;

const REFRESH: &str = "sk-ant-ort01-RefreshTokenValue0123456789abcdefghijklmnopqrstuvwxyz";

fn with_login(w: &World, json: &str) -> std::path::PathBuf {
    let path = w.home_file(".claude/.credentials.json", json);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

fn suffix() -> &'static str {
    &API_KEY[API_KEY.len() - 20..]
}

mod credential_format {
    use super::*;
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
        let codes = common::codes(&problems);
        for code in [
            "credential-format/line-ending",
            "credential-format/quoted",
            "credential-format/wrong-variable",
        ] {
            assert!(codes.contains(&code), "{code}: {codes:?}");
        }
        let places = common::places_of(&w.check(ID), "credential-format/wrong-variable");
        assert!(
            places
                .iter()
                .any(|(f, k)| f.ends_with(".claude/settings.json")
                    && *k == "env.ANTHROPIC_AUTH_TOKEN"),
            "{places:?}"
        );
        let text = serde_json::to_string(&problems).unwrap();
        assert!(!text.contains(&OAUTH_TOKEN[14..]) && !text.contains(&API_KEY[14..]));
    }
}

mod credential_conflict {
    use super::*;
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
        with_login(
            &w,
            &login_json(
                OAUTH_TOKEN,
                REFRESH,
                now_ms() + 3_600_000,
                &["user:inference"],
            ),
        );
        assert_eq!(w.check(ID).status, Status::Warn);
        let w = World::new();
        w.home_file(".claude/settings.json", r#"{"apiKeyHelper": "/bin/true"}"#);
        with_login(
            &w,
            &login_json(
                OAUTH_TOKEN,
                REFRESH,
                now_ms() + 3_600_000,
                &["user:inference"],
            ),
        );
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
        assert_eq!(
            common::codes(&problems),
            ["credential-conflict/key-and-subscription"]
        );
        let places = common::places_of(&w.check(ID), "credential-conflict/key-and-subscription");
        assert!(
            places
                .iter()
                .any(|(f, k)| f.ends_with(".claude/settings.json")
                    && *k == "env.CLAUDE_CODE_OAUTH_TOKEN"),
            "{places:?}"
        );
    }
}

mod api_key_approval {
    use super::*;
    const ID: &str = "api-key-approval";

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
        assert_eq!(common::codes(&problems), ["api-key-approval/rejected"]);
        let places = common::places_of(&w.check(ID), "api-key-approval/rejected");
        assert!(
            places
                .iter()
                .any(|(f, k)| f.ends_with(".claude.json") && *k == "customApiKeyResponses.rejected"),
            "{places:?}"
        );
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
}

mod credentials_file {
    use super::*;
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
        let path = with_login(
            &w,
            &login_json(
                OAUTH_TOKEN,
                REFRESH,
                now_ms() + 3_600_000,
                &["user:inference"],
            ),
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("mode 0644"), "{}", f.cause);

        let w = World::new();
        let real = w.home_file(
            "shared/creds.json",
            &login_json(
                OAUTH_TOKEN,
                REFRESH,
                now_ms() + 3_600_000,
                &["user:inference"],
            ),
        );
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
        assert_eq!(
            common::codes(&problems),
            ["credentials-file/blanked", "credentials-file/too-open"]
        );
        let places = common::places_of(&w.check(ID), "credentials-file/blanked");
        assert!(
            places
                .iter()
                .any(|(f, k)| f.ends_with(".claude/.credentials.json") && *k == "claudeAiOauth"),
            "{places:?}"
        );
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
}

mod api_key_helper {
    use super::*;
    const ID: &str = "api-key-helper";

    fn helper_script(w: &World, mode: u32) -> std::path::PathBuf {
        let path = w.home_file("bin/get-key", "#!/bin/sh\necho key\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn skipped_without_a_helper() {
        assert_eq!(World::new().check(ID).status, Status::Skip);
    }

    #[test]
    fn an_executable_helper_passes_and_is_not_run() {
        let w = World::new();
        let script = helper_script(&w, 0o755);
        w.home_file(
            ".claude/settings.json",
            &format!(r#"{{"apiKeyHelper": "{} --vault x"}}"#, script.display()),
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Pass, "{}", f.cause);
        assert!(f.cause.contains("does not run it"));
    }

    #[test]
    fn a_missing_or_non_executable_program_fails() {
        let w = World::new();
        w.home_file(
            ".claude/settings.json",
            r#"{"apiKeyHelper": "op read op://vault/anthropic"}"#,
        );
        let f = w.with_env("PATH", "/nonexistent").check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("op is not on PATH"), "{}", f.cause);

        let w = World::new();
        let script = helper_script(&w, 0o644);
        w.home_file(
            ".claude/settings.json",
            &format!(r#"{{"apiKeyHelper": "{}"}}"#, script.display()),
        );
        let f = w.check(ID);
        if rustix::process::geteuid().as_raw() == 0 {
            // root may execute a file only when some execute bit is set: 0644 has none.
            assert_eq!(f.status, Status::Fail, "{}", f.cause);
        }
        assert!(f.fix.unwrap_or_default().contains("chmod +x") || f.status == Status::Pass);
    }

    #[test]
    fn a_home_relative_helper_is_found() {
        let w = World::new();
        helper_script(&w, 0o755);
        w.home_file(
            ".claude/settings.json",
            r#"{"apiKeyHelper": "~/bin/get-key"}"#,
        );
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn an_overridden_helper_only_warns() {
        let w = World::new();
        let script = helper_script(&w, 0o755);
        w.home_file(
            ".claude/settings.json",
            r#"{"apiKeyHelper": "/missing/helper"}"#,
        );
        w.sys_file(
            "etc/claude-code/managed-settings.json",
            &format!(r#"{{"apiKeyHelper": "{}"}}"#, script.display()),
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn, "{}", f.cause);
    }

    #[test]
    fn a_project_helper_in_an_untrusted_folder_warns_until_trusted() {
        let w = World::new();
        let script = helper_script(&w, 0o755);
        w.workspace_file(
            ".claude/settings.json",
            &format!(r#"{{"apiKeyHelper": "{}"}}"#, script.display()),
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("trust dialog"), "{}", f.cause);
        w.home_file(
            ".claude.json",
            &format!(
                r#"{{"projects": {{"{}": {{"hasTrustDialogAccepted": true}}}}}}"#,
                w.workspace().display()
            ),
        );
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn an_empty_helper_warns() {
        let w = World::new();
        w.home_file(".claude/settings.json", r#"{"apiKeyHelper": ""}"#);
        assert_eq!(w.check(ID).status, Status::Warn);
    }

    #[test]
    fn a_missing_program_is_a_code_at_the_settings_key() {
        let w = World::new().with_env("PATH", "/nonexistent");
        w.home_file(
            ".claude/settings.json",
            r#"{"apiKeyHelper": "op read op://vault/anthropic"}"#,
        );
        let problems = w.problems(ID);
        assert_eq!(common::codes(&problems), ["api-key-helper/not-found"]);
        let places = common::places_of(&w.check(ID), "api-key-helper/not-found");
        assert!(
            places
                .iter()
                .any(|(f, k)| f.ends_with(".claude/settings.json") && *k == "apiKeyHelper"),
            "{places:?}"
        );
        let w = World::new();
        w.home_file(".claude/settings.json", r#"{"apiKeyHelper": ""}"#);
        assert_eq!(common::codes(&w.problems(ID)), ["api-key-helper/empty"]);
    }
}

mod gateway {
    use super::*;
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
        assert_eq!(common::codes(&problems), ["gateway/subscription-sent"]);
        let places = common::places_of(&w.check(ID), "gateway/subscription-sent");
        assert!(
            places.iter().any(
                |(f, k)| f.ends_with(".claude/settings.json") && *k == "env.ANTHROPIC_BASE_URL"
            ),
            "{places:?}"
        );
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
}
