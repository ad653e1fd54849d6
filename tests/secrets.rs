//! No secret reaches any output: distinctive tokens are planted in every slot
//! `ccauth` reads, and every format, status and verbosity is searched for them.

mod common;

use common::{World, git_path};

/// Every planted value contains this marker; no output may.
const MARK: &str = "PLANTED";

fn token(prefix: &str, slot: &str) -> String {
    format!("{prefix}{MARK}{slot}x0123456789abcdefghijklmnopqrstuvwxyz-ZZZZ")
}

/// A world with a secret in every slot, the given way.
fn planted(usable: bool) -> World {
    let oat = |slot: &str| token("sk-ant-oat01-", slot);
    let api = |slot: &str| token("sk-ant-api03-", slot);
    let quote = |v: String| if usable { v } else { format!("\"{v}\"\r\n") };
    let w = World::new()
        .docker()
        .with_env("PATH", &git_path())
        .with_env("ANTHROPIC_API_KEY", &quote(api("envkey")))
        .with_env("ANTHROPIC_AUTH_TOKEN", &quote(oat("envauth")))
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", &quote(oat("envoauth")))
        .with_env(
            "CLAUDE_CODE_OAUTH_REFRESH_TOKEN",
            &token("sk-ant-ort01-", "envrefresh"),
        )
        .git_init();
    let scopes = if usable {
        r#"["user:inference"]"#
    } else {
        r#"["user:profile"]"#
    };
    w.home_file(
        ".claude/.credentials.json",
        &format!(
            r#"{{"claudeAiOauth": {{"accessToken": "{}", "refreshToken": "{}", "expiresAt": 1, "scopes": {scopes}}}}}"#,
            oat("fileaccess"),
            token("sk-ant-ort01-", "filerefresh")
        ),
    );
    w.home_file(
        ".claude.json",
        &format!(r#"{{"primaryApiKey": "{}"}}"#, api("primary")),
    );
    let settings = |slot: &str| {
        format!(
            r#"{{"env": {{"ANTHROPIC_API_KEY": "{}", "CLAUDE_CODE_OAUTH_TOKEN": "{}"}}, "apiKeyHelper": "echo {}"}}"#,
            api(slot),
            oat(slot),
            api(&format!("{slot}helper"))
        )
    };
    w.home_file(".claude/settings.json", &settings("usersettings"));
    w.workspace_file(".claude/settings.json", &settings("projectsettings"));
    w.workspace_file(".claude/settings.local.json", &settings("localsettings"));
    w.sys_file(
        "etc/claude-code/managed-settings.json",
        &settings("managedsettings"),
    );
    w.workspace_file(
        ".devcontainer/api.env",
        &format!(
            "ANTHROPIC_API_KEY={}\nCLAUDE_CODE_OAUTH_TOKEN={}\n",
            api("apienv"),
            oat("apienv")
        ),
    );
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!(
            r#"{{"containerEnv": {{"ANTHROPIC_API_KEY": "{}"}}, "runArgs": ["--env-file", ".devcontainer/api.env"],
               "postStartCommand": "echo {} > ~/.claude.json", "forwardPorts": [54545]}}"#,
            api("devcontainer"),
            oat("lifecycle")
        ),
    );
    w
}

fn assert_clean(w: &World, args: &[&str]) {
    let out = w.ccauth(args).output().unwrap();
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(MARK),
            "{args:?} leaked a secret on {stream}:\n{text}"
        );
    }
    assert!(!out.stdout.is_empty(), "{args:?} printed nothing");
}

#[test]
fn no_format_leaks_a_planted_secret() {
    for usable in [true, false] {
        let w = planted(usable);
        for args in [
            &["doctor"][..],
            &["doctor", "-v", "--color", "always"],
            &["doctor", "--format", "json"],
            &["doctor", "--format", "json", "-v", "--strict"],
            &["status"],
            &["status", "--format", "json"],
            &["doctor", "--fix", "--dry-run"],
            &[
                "doctor",
                "--fix=api-key-approval,config-file,onboarding-flag",
                "--dry-run",
                "--format",
                "json",
            ],
            &[
                "doctor",
                "--fix=api-key-approval,onboarding-flag,credentials-file,env-file-ignored",
                "-v",
            ],
        ] {
            assert_clean(&w, args);
        }
    }
}

#[test]
fn masked_values_still_identify_the_token() {
    let w = planted(true);
    let out = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("sk-ant-api03-********ZZZZ"), "{text}");
}
