//! `ccauth why`: every symptom in the catalogue leads to its own check in a
//! world where that check's cause holds; real messages inside log noise find
//! their cause; a message nobody knows gets the closest ones.

mod common;

use ccauth::checks::CHECKS;
use ccauth::gather::online::{HostProbe, OnlineFacts, Reach, TokenProbe, TokenVerdict};
use ccauth::why;
use common::{API_KEY, OAUTH_TOKEN, World};
use predicates::prelude::*;

/// A world in which the check's cause holds, and whether it needs online facts.
fn world_where_it_holds(id: &str) -> Option<(World, Option<OnlineFacts>)> {
    let suffix = &API_KEY[API_KEY.len() - 20..];
    let w = match id {
        "credential-missing" => World::new(),
        "credential-format" => World::new().with_env("ANTHROPIC_API_KEY", OAUTH_TOKEN),
        "credential-conflict" => World::new()
            .with_env("ANTHROPIC_API_KEY", API_KEY)
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "api-key-approval" => {
            let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
            w.home_file(
                ".claude.json",
                &format!(
                    r#"{{"customApiKeyResponses": {{"approved": [], "rejected": ["{suffix}"]}}}}"#
                ),
            );
            w
        }
        "credentials-file" => {
            let w = World::new();
            w.home_file(
                ".claude/.credentials.json",
                r#"{"claudeAiOauth": {"accessToken": "", "refreshToken": "", "expiresAt": 0, "scopes": ["user:inference"]}}"#,
            );
            w
        }
        "api-key-helper" => {
            let w = World::new().with_env("PATH", "/nonexistent");
            w.home_file(
                ".claude/settings.json",
                r#"{"apiKeyHelper": "op read op://vault/key"}"#,
            );
            w
        }
        "gateway" => World::new()
            .with_env("ANTHROPIC_BASE_URL", "https://llm.example.com")
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "token-accepted" => {
            let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
            w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
            return Some((w, Some(online(Reach::Ok, Some(TokenVerdict::Expired)))));
        }
        "onboarding-flag" => World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "oauth-callback-port" => World::new().docker(),
        "claude-install" => World::new()
            .with_env("PATH", "/nonexistent")
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "localhost-resolution" => {
            let w = World::new();
            w.sys_file("etc/hosts", "::1 localhost\n127.0.0.1 localhost\n");
            w
        }
        "firewall-allowlist" => {
            let w = World::new();
            w.sys_file(
                "usr/local/bin/init-firewall.sh",
                "for d in api.anthropic.com; do :; done\n",
            );
            w
        }
        "network-reachability" => {
            let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
            w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
            return Some((
                w,
                Some(online(Reach::Refused, Some(TokenVerdict::NoAnswer))),
            ));
        }
        "host-credentials-mount" => {
            let w = World::new().docker();
            w.mount_mac_claude_dir();
            w
        }
        "config-file" => {
            let w = World::new();
            std::fs::create_dir_all(w.home().join(".claude.json")).unwrap();
            w
        }
        "config-location" => World::new()
            .with_env("HOME", "/")
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "config-persistence" => {
            let w = World::new()
                .docker()
                .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
            w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
            w.mount_claude_dir("/var/lib/docker/volumes/c/_data", "ext4", "/dev/sda1");
            w
        }
        "root-user" => World::new().judged_as_uid(0),
        "devcontainer-config" => {
            let w = World::new();
            w.workspace_file(".devcontainer/devcontainer.json", "{\"a\": 1 \"b\": 2}");
            w
        }
        "devcontainer-env" => {
            let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
            w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
            w.workspace_file(
                ".devcontainer/devcontainer.json",
                r#"{"remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "x"}, "runArgs": ["--env-file", ".devcontainer/api.env"]}"#,
            );
            w
        }
        // Ownership needs a process that cannot write; env-file-ignored names no message.
        _ => return None,
    };
    Some((w, None))
}

/// Probe results as --online would have found them.
fn online(reach: Reach, verdict: Option<TokenVerdict>) -> OnlineFacts {
    let host = |name: &str| HostProbe {
        host: name.to_string(),
        required: true,
        role: "the API".to_string(),
        reach,
        detail: "test".to_string(),
        via_proxy: false,
        elapsed_ms: 1,
        clock_skew_s: None,
    };
    OnlineFacts {
        timeout_ms: 1000,
        hosts: vec![host("api.anthropic.com"), host("platform.claude.com")],
        token: verdict.map(|verdict| TokenProbe {
            credential: "CLAUDE_CODE_OAUTH_TOKEN from the process environment".to_string(),
            header: "Authorization: Bearer",
            host: "api.anthropic.com".to_string(),
            status: Some(401),
            verdict,
            message: Some("OAuth token has expired.".to_string()),
        }),
        token_skipped: None,
        extra_ca: None,
        proxy: None,
    }
}

#[test]
fn every_symptom_leads_to_its_own_check_where_it_holds() {
    let mut covered = 0;
    for check in CHECKS {
        let Some((w, facts)) = world_where_it_holds(check.id()) else {
            continue;
        };
        let mut ctx = w.context();
        ctx.online = facts;
        let symptoms = why::symptoms(*check);
        for symptom in &symptoms {
            let report = why::diagnose(&ctx, symptom);
            let first = report
                .matches
                .first()
                .unwrap_or_else(|| panic!("{}: {symptom:?} matched nothing", check.id()));
            assert_eq!(
                first.id,
                check.id(),
                "{symptom:?} ranked {} first: {:#?}",
                first.id,
                report.matches
            );
            assert!(
                first.holds,
                "{}: the cause should hold in its world",
                check.id()
            );
            covered += 1;
        }
    }
    eprintln!("{covered} symptoms tried");
    assert!(covered >= 60, "only {covered} symptoms were tried");
}

#[test]
fn real_messages_inside_log_noise_find_their_cause() {
    let cases: Vec<(&str, World, &str)> = vec![
        (
            "2026-11-29T01:02:03Z [info] session start\n  Not logged in · Please run /login\n[debug] exit code 1",
            World::new(),
            "credential-missing",
        ),
        (
            "Error: API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}",
            World::new().with_env(
                "ANTHROPIC_API_KEY",
                "\"sk-ant-api03-quoted1234567890abcdefghij\"",
            ),
            "credential-format",
        ),
        (
            "node:internal Error: EACCES: permission denied, open '/workspaces/app/home/.claude.json'\n    at Object.openSync",
            World::new().with_env("HOME", "/"),
            "config-location",
        ),
        (
            "This site can't be reached\nlocalhost refused to connect.\nTry: checking the connection\nERR_CONNECTION_REFUSED",
            World::new().docker(),
            "oauth-callback-port",
        ),
        (
            "> claude --dangerously-skip-permissions\n--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n",
            World::new().judged_as_uid(0),
            "root-user",
        ),
        (
            "✗ Unable to connect to Anthropic services\nFailed to connect to api.anthropic.com: ENOTFOUND",
            World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            "onboarding-flag",
        ),
    ];
    for (log, w, expected) in cases {
        let report = why::diagnose(&w.context(), log);
        let first = report
            .matches
            .first()
            .unwrap_or_else(|| panic!("{log:?} matched nothing"));
        assert_eq!(first.id, expected, "{log:?}: {:#?}", report.matches);
    }
}

#[test]
fn causes_that_do_not_hold_are_listed_in_one_line_each() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.ccauth(&[
        "why",
        "Not logged in · Please run /login",
        "--color",
        "never",
    ])
    .assert()
    .stdout(predicate::str::contains("Not the cause here:"))
    .stdout(predicate::str::contains(
        "  - credential-missing: Claude Code uses ANTHROPIC_API_KEY",
    ));
}

#[test]
fn a_message_read_from_stdin_and_json_output() {
    let out = World::new()
        .ccauth(&["why", "--format", "json"])
        .write_stdin("some noise\nNot logged in · Please run /login\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a cause holds");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["matches"][0]["id"], "credential-missing");
    assert_eq!(report["matches"][0]["holds"], true);
}

#[test]
fn an_unknown_message_gets_the_closest_known_ones() {
    let w = World::new();
    w.ccauth(&["why", "the login button is broken and the api key thing"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No known cause matches this message.",
        ))
        .stdout(predicate::str::contains(
            "The closest messages ccauth knows:",
        ))
        .stdout(predicate::str::contains("Run `ccauth doctor`"));
    w.ccauth(&["why", "  "]).assert().code(2);
}

#[test]
fn a_token_in_the_message_is_never_echoed() {
    let out = World::new()
        .ccauth(&[
            "why",
            "--format",
            "json",
            &format!("Invalid API key {API_KEY}"),
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(API_KEY));
}

#[test]
fn probes_are_suggested_when_only_they_could_tell() {
    World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .ccauth(&["why", "Login failed: Socket is closed"])
        .assert()
        .stdout(predicate::str::contains("run `ccauth why --online"));
}
