//! `ccauth why`: every symptom in the catalogue leads to its own check in a
//! world where that check's cause holds; real messages inside log noise find
//! their cause; a message nobody knows gets the closest ones.

mod common;

use ccauth::checks::CHECKS;
use ccauth::gather::launcher::Launcher;
use ccauth::probe::{AuthHeader, HostProbe, OnlineFacts, Reach, TokenProbe, TokenVerdict};
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
        "login-policy" => {
            let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
            w.sys_file(
                "etc/claude-code/managed-settings.json",
                r#"{"forceLoginOrgUUID": "00000000-0000-4000-8000-000000000001"}"#,
            );
            w
        }
        "claude-install" => World::new()
            .with_env("PATH", "/nonexistent")
            .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "localhost-resolution" => {
            // It holds where ports are forwarded to 127.0.0.1 (VS Code);
            // with no container marker the callback itself is not judged
            // unreachable, so this cause alone holds.
            let w = World::new().launched_by(Launcher::VsCode);
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
        "workspace-trust" => {
            let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
            w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
            w
        }
        "nesting-guard" => World::new().with_env("CLAUDECODE", "1"),
        "bypass-permissions" => {
            // Bypass mode from the project's settings, as a user who is not root.
            let w = World::new().judged_as_uid(1000);
            w.workspace_file(
                ".claude/settings.json",
                r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#,
            );
            w
        }
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
            header: AuthHeader::Bearer,
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
        let ctx = w.context();
        let symptoms = why::symptoms(*check);
        for symptom in &symptoms {
            let report = why::diagnose(&ctx, facts.as_ref(), symptom);
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
                first.holds(),
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
        let report = why::diagnose(&w.context(), None, log);
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

/// `ccauth why MESSAGE --format json` in `world`, parsed.
fn why_json(world: &World, message: &str) -> serde_json::Value {
    let out = world
        .ccauth(&["why", message, "--format", "json"])
        .output()
        .unwrap();
    common::parse_output(&out.stdout)
}

/// The match of check `id` in a `why --format json` report.
fn match_of<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no match for {id}: {report}"))
}

/// `claude --bare -p hi` with a valid-looking CLAUDE_CODE_OAUTH_TOKEN and
/// nothing else said "Not logged in · Please run /login" and exited 1
/// (2.1.332, offline, a throwaway home, 2026-12-02). ccauth cannot see the
/// command line, so with an OAuth credential winning it names `--bare`
/// rather than ruling the cause out; with an API key it does not (bare mode
/// reads the key).
#[test]
fn bare_mode_on_the_command_line_is_named_when_an_oauth_credential_wins() {
    let message = "Not logged in · Please run /login";
    let oauth = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let out = oauth
        .ccauth(&["why", message, "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let unseen = text.find("Cannot be seen from here:").expect(&text);
    assert!(
        text[unseen..].contains("  - credential-missing: if claude is started with --bare"),
        "{text}"
    );
    assert!(text[unseen..].contains("CLAUDE_CODE_OAUTH_TOKEN"), "{text}");
    assert!(!text.contains(OAUTH_TOKEN), "{text}");
    let report = why_json(&oauth, message);
    let missing = match_of(&report, "credential-missing");
    assert_eq!(missing["verdict"], "out-of-sight");
    assert_eq!(missing["status"], "pass");
    assert!(
        missing["out_of_sight"]
            .as_str()
            .unwrap()
            .contains("drop --bare")
    );

    let key = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    let report = why_json(&key, message);
    let missing = match_of(&report, "credential-missing");
    assert_eq!(missing["verdict"], "ruled-out");
    assert!(missing["out_of_sight"].is_null());
}

#[test]
fn a_message_read_from_stdin_and_json_output() {
    let out = World::new()
        .ccauth(&["why", "--format", "json"])
        .write_stdin("some noise\nNot logged in · Please run /login\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a cause holds");
    let report = common::parse_output(&out.stdout);
    assert_eq!(report["input"]["source"], "stdin");
    assert_eq!(report["matches"][0]["id"], "credential-missing");
    assert_eq!(report["matches"][0]["verdict"], "holds");
    assert_eq!(report["matches"][0]["lines"][0]["line"], 2);
}

/// A CI log as the issue describes it: megabytes of build output, the
/// client's error near the end.
fn long_log(lines: usize, message_at: usize, message: &str) -> Vec<u8> {
    let mut log = Vec::with_capacity(lines * 64);
    for n in 1..=lines {
        if n == message_at {
            log.extend_from_slice(message.as_bytes());
        } else {
            log.extend_from_slice(
                format!("2026-11-29T01:02:03Z [build] step {n} compiled ok\n").as_bytes(),
            );
            continue;
        }
        log.push(b'\n');
    }
    log
}

#[test]
fn a_whole_log_is_read_past_the_first_mebibyte_and_the_matched_line_is_shown() {
    let log = long_log(
        60_000,
        59_990,
        "Error: Invalid API key · Fix external API key",
    );
    assert!(log.len() > 2 << 20, "the log is {} bytes", log.len());
    let w = World::new().with_env("ANTHROPIC_API_KEY", OAUTH_TOKEN);
    let out = w
        .ccauth(&["why", "--color", "never"])
        .write_stdin(log)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Line 59990: Error: Invalid API key · Fix external API key"),
        "{text}"
    );
    assert!(text.contains("60000 line(s) of standard input"), "{text}");
    assert!(
        !text.contains("ccauth why \"2026"),
        "headed by the first line: {text}"
    );
}

#[test]
fn a_bad_byte_does_not_refuse_the_log() {
    let mut log = b"build \xff\xfe output\n".to_vec();
    log.extend_from_slice("Not logged in · Please run /login\n".as_bytes());
    let out = World::new()
        .ccauth(&["why", "--format", "json"])
        .write_stdin(log)
        .output()
        .unwrap();
    let report = common::parse_output(&out.stdout);
    assert_eq!(report["matches"][0]["id"], "credential-missing");
    assert_eq!(report["input"]["lines"], 2);
}

#[test]
fn a_stream_of_any_size_is_read_in_bounded_pieces() {
    // 40 MB without a single newline, then the message on the next line.
    let message = "\nNot logged in · Please run /login\n";
    let endless = std::io::Read::chain(
        std::io::Read::take(std::io::repeat(b'x'), 40 << 20),
        message.as_bytes(),
    );
    let report = why::diagnose_stream(&World::new().context(), None, endless).unwrap();
    assert_eq!(report.input.lines, 2);
    assert_eq!(report.input.long_lines, 1);
    assert_eq!(report.input.bytes, (40 << 20) + message.len() as u64);
    assert_eq!(report.matches[0].id, "credential-missing");
    assert_eq!(report.matches[0].last_line, 2);
}

#[test]
fn a_message_wrapped_at_80_columns_still_matches() {
    // A terminal copy cuts the line in the middle of a word.
    let message = "[12:00:01] claude -p: --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons";
    let (first, second) = message.split_at(80);
    let log = format!("start\n{first}\n{second}\nend\n");
    let report = why::diagnose(&World::new().judged_as_uid(0).context(), None, &log);
    let root = report
        .matches
        .iter()
        .find(|m| m.id == "root-user")
        .expect("matched");
    assert_eq!(root.lines[0].line, 2);
    assert!(root.lines[0].wrapped);
    assert!(root.holds());
}

#[test]
fn later_and_more_frequent_messages_rank_higher() {
    let ctx = World::new().docker().context();
    let callback = "localhost refused to connect";
    let login = "Not logged in · Please run /login";
    let rank = |log: &str| -> Vec<&'static str> {
        let report = why::diagnose(&ctx, None, log);
        assert!(
            report.matches.iter().take(2).all(|m| m.holds()),
            "{:#?}",
            report.matches
        );
        report.matches.iter().map(|m| m.id).take(2).collect()
    };
    let early_callback = format!("{callback}\nnoise\nnoise\n{login}\n");
    assert_eq!(
        rank(&early_callback),
        ["credential-missing", "oauth-callback-port"]
    );
    let late_callback = format!("{login}\nnoise\nnoise\n{callback}\n");
    assert_eq!(
        rank(&late_callback),
        ["oauth-callback-port", "credential-missing"]
    );
    // Seen three times around the middle outweighs once at the end.
    let often = format!("noise\n{callback}\n{callback}\n{callback}\nnoise\n{login}\n");
    assert_eq!(rank(&often), ["oauth-callback-port", "credential-missing"]);
}

#[test]
fn a_message_that_starts_with_two_dashes_is_text() {
    let message = "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons";
    let w = World::new();
    for args in [
        vec!["why", message, "--format", "json"],
        vec!["why", "--format", "json", message],
        vec!["why", "--format", "json", "--", message],
    ] {
        let out = w.ccauth(&args).output().unwrap();
        assert_ne!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = common::parse_output(&out.stdout);
        assert_eq!(report["matches"][0]["id"], "root-user", "{args:?}");
        assert_eq!(report["input"]["text"], message);
    }
    // An unknown option is text too, not a usage error.
    w.ccauth(&["why", "--no-such-option"]).assert().code(0);
}

#[test]
fn causes_only_a_probe_can_tell_are_a_group_of_their_own() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    let message =
        "OAuth token has expired. Please obtain a new token or refresh your existing token.";
    let out = w
        .ccauth(&["why", message, "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let offline = text.find("Cannot be told offline:").expect(&text);
    let ruled_out = text.find("Not the cause here:").expect(&text);
    assert!(offline < ruled_out, "{text}");
    assert!(
        text[offline..ruled_out].contains(
            "  - token-accepted: run `ccauth doctor --online --only token-accepted` to tell."
        ),
        "{text}"
    );
    assert!(!text[ruled_out..].contains("token-accepted"), "{text}");
    let report = why_json(&w, message);
    let token = match_of(&report, "token-accepted");
    assert_eq!(token["verdict"], "needs-online");
    assert_eq!(
        token["online_command"],
        "ccauth doctor --online --only token-accepted"
    );
}

#[test]
fn close_messages_are_suggested_and_far_ones_are_not() {
    let w = World::new();
    w.ccauth(&["why", "Error: Invalid API key"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No known cause matches this message.",
        ))
        .stdout(predicate::str::contains(
            "The closest messages ccauth knows:",
        ))
        .stdout(predicate::str::contains(
            "  - Invalid API key · Please run /login",
        ));
    w.ccauth(&["why", "the login button is broken and the api key thing"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "No known cause matches this message.",
        ))
        .stdout(predicate::str::contains("closest").not())
        .stdout(predicate::str::contains("Run `ccauth doctor`"));
}

#[test]
fn no_message_at_all_is_a_usage_error() {
    let w = World::new();
    w.ccauth(&["why", "  "]).assert().code(2);
    w.ccauth(&["why"]).write_stdin("").assert().code(2);
    w.ccauth(&["why", "-"])
        .write_stdin("\n  \n")
        .assert()
        .code(2);
}

#[test]
fn why_help_describes_why() {
    let out = World::new().ccauth(&["why", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Ranking:"), "{help}");
    assert!(
        help.contains("Cannot be told") || help.contains("only `--online` can tell"),
        "{help}"
    );
    assert!(!help.contains("claude auth status"), "{help}");
    assert!(!help.contains("two verdicts"), "{help}");
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
        .stdout(predicate::str::contains("Cannot be told offline:"))
        .stdout(predicate::str::contains(
            "run `ccauth doctor --online --only network-reachability`",
        ));
}

/// Programs a fix tells people to run: text in a fix that starts with one
/// of them is a command to paste into a shell.
const PROGRAMS: &[&str] = &[
    "jq",
    "echo",
    "printf",
    "git",
    "mkdir",
    "rm",
    "rmdir",
    "cat",
    "sed",
    "grep",
    "cp",
    "mv",
    "chown",
    "chmod",
    "touch",
    "export",
    "unset",
    "sudo",
    "docker",
    "claude",
    "ccauth",
    "npm",
    "test",
    "cd",
    "ln",
    "ls",
    "id",
    "curl",
    "usermod",
    "devcontainer",
    "sh",
    "umask",
];

/// The devcontainer.json keys whose string values run in `/bin/sh`.
const LIFECYCLE_KEYS: &[&str] = &[
    "\"initializeCommand\"",
    "\"onCreateCommand\"",
    "\"postCreateCommand\"",
    "\"postStartCommand\"",
    "\"postAttachCommand\"",
];

fn starts_with_program(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    PROGRAMS.contains(&first.trim_start_matches('('))
}

/// Illustrations, not paste-ready commands: `<the token>`, `…`.
fn has_placeholder(text: &str) -> bool {
    text.contains('…')
        || text.split('<').skip(1).any(|rest| {
            rest.split_once('>')
                .is_some_and(|(name, _)| name.chars().all(|c| c.is_alphanumeric() || c == ' '))
        })
}

/// The shell commands in one fix text: indented lines, `code` spans, text
/// after a colon or an opening parenthesis, when they start with a program;
/// and the lifecycle commands of devcontainer.json snippets.
fn commands_in(fix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in fix.lines() {
        let body = line.trim_start();
        if let Some(value) = lifecycle_command(body) {
            found.push(value);
            continue;
        }
        let body = body
            .strip_prefix("(or: ")
            .map_or(body, |b| b.strip_suffix(')').unwrap_or(b));
        if line.len() > body.len() && starts_with_program(body) {
            found.push(body.to_string());
            continue;
        }
        found.extend(
            line.split('`')
                .skip(1)
                .step_by(2)
                .filter(|span| starts_with_program(span))
                .map(str::to_string),
        );
        for (at, _) in line.match_indices([':', '(']) {
            let rest = line[at + 1..].trim_start();
            let cut = [" (", ")", "; ", ". ", " rather than"]
                .iter()
                .filter_map(|end| rest.find(end))
                .min()
                .unwrap_or(rest.len());
            let command = rest[..cut].trim_end_matches('.');
            if !command.contains('`') && starts_with_program(command) {
                found.push(command.to_string());
            }
        }
    }
    found
}

/// `"postCreateCommand": "…"` in a JSON snippet: the command, unescaped.
fn lifecycle_command(line: &str) -> Option<String> {
    let key = LIFECYCLE_KEYS.iter().find(|k| line.starts_with(**k))?;
    let object = format!("{{{}}}", line.trim_end_matches(','));
    let value: serde_json::Value = serde_json::from_str(&object).ok()?;
    value[key.trim_matches('"')].as_str().map(str::to_string)
}

/// Worlds for fixes the catalogue above does not reach: an env file that
/// is not ignored, and one that is committed.
fn env_file_worlds() -> Vec<World> {
    let with_env_file = || {
        let w = World::new()
            .with_env("PATH", &std::env::var("PATH").unwrap_or_default())
            .git_init();
        w.workspace_file(
            ".devcontainer/api.env",
            &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
        );
        w
    };
    let committed = with_env_file();
    committed.git(&["add", "."]);
    committed.git(&["commit", "-qm", "oops"]);
    vec![with_env_file(), committed]
}

/// The fenced `sh` blocks of a check's doc.
fn sh_blocks(doc: &str) -> Vec<String> {
    doc.split("```sh\n")
        .skip(1)
        .filter_map(|rest| rest.split("\n```").next())
        .map(str::to_string)
        .collect()
}

/// Shell complaints about one command: dash's own parse (`dash -n`), then
/// shellcheck in dash mode for what dash parses but rejects when it runs
/// (`${VAR: -20}`, `[[`, `$'…'`, `source`; shellcheck's SC3xxx codes).
fn not_portable(command: &str, shellcheck: bool) -> Option<String> {
    let parse = std::process::Command::new("dash")
        .args(["-n", "-c", command])
        .output()
        .expect("dash runs");
    if !parse.status.success() {
        return Some(String::from_utf8_lossy(&parse.stderr).into_owned());
    }
    if !shellcheck {
        return None;
    }
    let mut script = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut script, command.as_bytes()).unwrap();
    let lint = std::process::Command::new("shellcheck")
        .args(["--shell=dash", "--format=gcc"])
        .arg(script.path())
        .output()
        .expect("shellcheck runs");
    let complaints: Vec<String> = String::from_utf8_lossy(&lint.stdout)
        .lines()
        .filter(|l| l.contains(" error: ") || l.contains("[SC3"))
        .map(str::to_string)
        .collect();
    (!complaints.is_empty()).then(|| complaints.join("\n"))
}

/// Runs a program harmlessly (`dash -c ''`, `shellcheck --version`), to see
/// whether it is installed.
fn installed(program: &str, probe: &str) -> bool {
    let ok = std::process::Command::new(program)
        .args(
            [probe, ""]
                .into_iter()
                .take(if probe == "-c" { 2 } else { 1 }),
        )
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: {program} is not installed");
    }
    ok
}

#[test]
fn every_fix_command_ccauth_prints_runs_in_dash() {
    if !installed("dash", "-c") {
        return;
    }
    let shellcheck = installed("shellcheck", "--version");
    let mut worlds: Vec<(World, Option<OnlineFacts>)> = CHECKS
        .iter()
        .filter_map(|check| world_where_it_holds(check.id()))
        .collect();
    worlds.extend(env_file_worlds().into_iter().map(|w| (w, None)));
    let everything = ccauth::checks::Selection {
        only: Vec::new(),
        skip: Vec::new(),
    };
    let mut commands = std::collections::BTreeSet::new();
    for (w, facts) in worlds {
        let ctx = w.context();
        for result in ccauth::checks::run_all(&ctx, facts.as_ref(), &everything) {
            commands.extend(
                result
                    .finding
                    .fix
                    .as_deref()
                    .map(commands_in)
                    .unwrap_or_default(),
            );
        }
    }
    commands.extend(CHECKS.iter().flat_map(|c| sh_blocks(c.doc())));
    commands.retain(|c| !has_placeholder(c));
    eprintln!("{} commands: {commands:#?}", commands.len());
    assert!(
        commands.len() >= 25,
        "only {} commands found",
        commands.len()
    );
    let broken: Vec<String> = commands
        .iter()
        .filter_map(|c| not_portable(c, shellcheck).map(|why| format!("{c}\n  {why}")))
        .collect();
    assert!(broken.is_empty(), "not portable sh:\n{}", broken.join("\n"));
}

#[test]
fn force_color_colours_a_pipe_and_no_color_wins() {
    let forced = World::new().with_env("FORCE_COLOR", "1");
    forced
        .ccauth(&["why", "Not logged in · Please run /login"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    forced
        .with_env("NO_COLOR", "1")
        .ccauth(&["why", "Not logged in · Please run /login"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

/// The sign-in messages of the pinned client, as it prints them, each with
/// the checks that can cause it. Every one was found in the 2.1.332 binary
/// (`grep -a -F` on `@anthropic-ai/claude-code-linux-x64/claude`, where the
/// bundle writes `·` as `\xB7`): the error table (`var Jyr="Not logged in
/// \xB7 Please run /login",…,V$n="Invalid API key \xB7 Fix external API
/// key",…,Mqn="Login expired \xB7 Please run /login"`), the status bar
/// (`"Not logged in \xB7 run /login"`), the wizard, the gates and the
/// organization check (`Unable to verify organization for the current
/// authentication token.\nThis machine requires …`).
const CLIENT_SIGN_IN_MESSAGES: &[(&str, &[&str])] = &[
    ("Not logged in · Please run /login", NOT_LOGGED_IN),
    ("Not logged in · run /login", NOT_LOGGED_IN),
    (
        "Invalid API key · Fix external API key",
        &["credential-format", "token-accepted"],
    ),
    (
        "Login expired · Please run /login",
        &["credentials-file", "host-credentials-mount"],
    ),
    (
        "Failed to authenticate: OAuth session expired and could not be refreshed",
        &["credentials-file"],
    ),
    ("Your apiKeyHelper script is failing", &["api-key-helper"]),
    (
        "Your ANTHROPIC_API_KEY belongs to a disabled organization · Unset the environment variable to use your subscription instead",
        &["credential-conflict"],
    ),
    (
        "Credit balance is too low",
        &["credential-conflict", "token-accepted"],
    ),
    ("Invalid bearer token", &["credential-format", "gateway"]),
    (
        "Detected a custom API key in your environment",
        &["api-key-approval"],
    ),
    ("Select login method:", &["credential-missing"]),
    ("Welcome to Claude Code", &["onboarding-flag"]),
    (
        "Choose the text style that looks best with your terminal",
        &["config-persistence"],
    ),
    (
        "Unable to connect to Anthropic services",
        &[
            "onboarding-flag",
            "firewall-allowlist",
            "network-reachability",
        ],
    ),
    (
        "Failed to connect to api.anthropic.com: ENOTFOUND",
        &["onboarding-flag", "network-reachability"],
    ),
    (
        "Quick safety check: Is this a project you created or one you trust?",
        &["workspace-trust"],
    ),
    (
        "Claude Code didn't start because this folder isn't trusted.",
        &["workspace-trust"],
    ),
    (
        "WARNING: Claude Code running in Bypass Permissions mode",
        &["bypass-permissions"],
    ),
    (
        "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons",
        &["bypass-permissions", "root-user"],
    ),
    (
        "Unable to verify organization for the current authentication token.",
        &["token-accepted", "network-reachability", "login-policy"],
    ),
    (
        "This machine's managed settings require a first-party login",
        &["login-policy"],
    ),
    (
        "Two Claude Code config files exist: this run uses /home/node/.claude/.config.json, not /home/node/.claude.json.",
        &["config-file"],
    ),
    (
        "EISDIR: illegal operation on a directory, read",
        &["credentials-file", "config-file"],
    ),
];

/// Every check that can make the client say it is not logged in.
const NOT_LOGGED_IN: &[&str] = &[
    "credential-missing",
    "api-key-approval",
    "credentials-file",
    "config-location",
    "devcontainer-env",
    "login-policy",
];

/// Documented messages that the 2.1.332 binary does not hold, and who
/// prints them instead; anything else a doc quotes must be in the client.
const OTHERS_WORDS: &[(&str, &str)] = &[
    (
        "API Error: 401 Invalid authentication credentials",
        "the API's answer, echoed",
    ),
    (
        r#"API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#,
        "the API's answer, echoed",
    ),
    (
        "OAuth token has expired. Please obtain a new token or refresh your existing token.",
        "the API's answer, echoed (CLIENT-FACTS §3)",
    ),
    (
        "OAuth authentication is currently not supported.",
        "the API's answer, before 1.0.88",
    ),
    ("This organization has been disabled.", "the API's answer"),
    (
        "OAuth error: Request failed with status code 403",
        "`OAuth error: ${message}` around the HTTP client's text",
    ),
    (
        "Redirect URI … is not supported by client",
        "the sign-in page (2.1.240)",
    ),
    (
        "Auth conflict: Using ANTHROPIC_API_KEY instead of Anthropic Console key. Either unset ANTHROPIC_API_KEY, or run claude /logout.",
        "older clients (#34141; FACTS: not in 2.1.332)",
    ),
    (
        "Auth conflict: Both a token (claude.ai) and an API key (ANTHROPIC_API_KEY) are set.",
        "older clients (FACTS: not in 2.1.332)",
    ),
    (
        "Error: Claude Code cannot be launched inside another Claude Code session.",
        "clients before 2.1.197 (FACTS §10)",
    ),
    (
        "Do you trust the files in this folder?",
        "older clients' trust dialog",
    ),
    (
        "The configuration file at …/.claude.json contains invalid JSON.",
        "older clients (#18543)",
    ),
    (
        "Login failed: Socket is closed",
        "older clients (FAILURE-MODES: docker/sbx-releases)",
    ),
    (
        "Connection refused — a firewall or proxy may be blocking it (ConnectionRefused)",
        "the docs' error page",
    ),
    (
        "No internet route — check your connection or VPN (EHOSTUNREACH)",
        "the docs' error page",
    ),
    (
        "apiKeyHelper failed: /bin/sh: 1: op: not found",
        "older clients around the shell's words",
    ),
    (
        "EACCES: permission denied, open '…/.claude.json'",
        "the runtime, with the path",
    ),
    (
        "EACCES: permission denied, open '/.claude.json'",
        "the runtime, with the path",
    ),
    (
        "EACCES: permission denied, open '/home/node/.claude.json'",
        "the runtime, with the path",
    ),
    (
        "EACCES: permission denied, mkdir '/home/node/.claude/debug'",
        "the runtime, with the path",
    ),
    (
        "EACCES: permission denied, open '…/.credentials.json'",
        "the runtime, with the path",
    ),
    ("This site can't be reached", "the browser"),
    ("localhost refused to connect", "the browser"),
    ("ERR_CONNECTION_REFUSED", "the browser"),
    ("Waiting for localhost…", "the browser"),
    ("claude: command not found", "the shell"),
    (
        "docker: open .devcontainer/api.env: no such file or directory.",
        "Docker",
    ),
    (
        "Dev container configuration '…/devcontainer.json' file is not valid",
        "VS Code",
    ),
    ("Reopen in Container", "VS Code"),
    (
        "Failed to retrieve auth status after login",
        "the VS Code extension",
    ),
];

/// The literal runs of a message that the client's binary must hold: the
/// pieces between `…`, cut again at values the client fills in (paths, host
/// names), each long enough to tell.
fn literal_runs(message: &str) -> Vec<String> {
    let is_value = |word: &str| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '.');
        word.contains("/.") || (word.contains('.') && !word.ends_with('.') && !word.contains(' '))
    };
    let mut runs = Vec::new();
    for piece in message.split('…') {
        let mut run: Vec<&str> = Vec::new();
        for word in piece.split(' ').chain([""]) {
            if word.is_empty() || is_value(word) {
                let text = run.join(" ");
                let text = text.trim_matches(|c: char| c == ' ' || c == '\'' || c == ',');
                if text.chars().filter(|c| c.is_alphanumeric()).count() >= 4 {
                    runs.push(text.to_string());
                }
                run.clear();
            } else {
                run.push(word);
            }
        }
    }
    runs
}

/// The forms a literal takes in the bundle's JavaScript: as is, with
/// non-ASCII letters escaped (`\xB7`, `\u2014`), and with quotes escaped.
fn bundle_forms(literal: &str) -> Vec<String> {
    let escape = |upper: bool| -> String {
        literal
            .chars()
            .map(|c| match (c as u32, upper) {
                (0..=127, _) => c.to_string(),
                (n @ 128..=255, true) => format!("\\x{n:02X}"),
                (n @ 128..=255, false) => format!("\\x{n:02x}"),
                (n, true) => format!("\\u{n:04X}"),
                (n, false) => format!("\\u{n:04x}"),
            })
            .collect()
    };
    let wide = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if (c as u32) > 127 {
                    format!("\\u{:04X}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let mut forms = vec![
        literal.to_string(),
        escape(true),
        escape(false),
        wide(literal),
    ];
    for form in forms.clone() {
        forms.push(form.replace('\'', "\\'"));
        forms.push(form.replace('"', "\\\""));
    }
    forms.sort();
    forms.dedup();
    forms
}

/// Which of the patterns occur in the file, read in pieces (the binary is
/// about 400 MB) with an overlap as long as the longest pattern.
fn found_in(file: &std::path::Path, patterns: &[String]) -> Vec<bool> {
    use std::io::Read;
    let matcher = aho_corasick::AhoCorasick::new(patterns).unwrap();
    let overlap = patterns.iter().map(String::len).max().unwrap_or(0);
    let mut found = vec![false; patterns.len()];
    let mut input = std::fs::File::open(file).unwrap();
    let mut buffer: Vec<u8> = Vec::new();
    let mut piece = vec![0u8; 16 << 20];
    loop {
        let n = input.read(&mut piece).unwrap();
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&piece[..n]);
        for m in matcher.find_overlapping_iter(&buffer) {
            found[m.pattern().as_usize()] = true;
        }
        let keep = buffer.len().saturating_sub(overlap);
        buffer.drain(..keep);
    }
    found
}

/// For each message, whether every literal run of it is in the binary.
fn in_the_client(binary: &std::path::Path, messages: &[&str]) -> Vec<bool> {
    let runs: Vec<Vec<String>> = messages.iter().map(|m| literal_runs(m)).collect();
    let mut patterns: Vec<String> = Vec::new();
    let mut owner: Vec<(usize, usize)> = Vec::new();
    for (message, message_runs) in runs.iter().enumerate() {
        for (run, literal) in message_runs.iter().enumerate() {
            for form in bundle_forms(literal) {
                patterns.push(form);
                owner.push((message, run));
            }
        }
    }
    let found = found_in(binary, &patterns);
    let mut run_found: Vec<Vec<bool>> = runs.iter().map(|r| vec![false; r.len()]).collect();
    for (at, hit) in found.iter().enumerate() {
        if *hit {
            run_found[owner[at].0][owner[at].1] = true;
        }
    }
    run_found
        .iter()
        .map(|r| !r.is_empty() && r.iter().all(|f| *f))
        .collect()
}

#[test]
fn literal_runs_leave_out_what_the_client_fills_in() {
    assert_eq!(
        literal_runs("Failed to connect to api.anthropic.com: ENOTFOUND"),
        ["Failed to connect to", "ENOTFOUND"]
    );
    assert_eq!(
        literal_runs(
            "Two Claude Code config files exist: this run uses …/.config.json, not …/.claude.json."
        ),
        ["Two Claude Code config files exist: this run uses"]
    );
    assert_eq!(
        literal_runs("Not logged in · Please run /login"),
        ["Not logged in · Please run /login"]
    );
    assert!(
        bundle_forms("Not logged in · run /login")
            .contains(&"Not logged in \\xB7 run /login".to_string())
    );
}

#[test]
fn the_documented_messages_are_the_words_of_the_pinned_client() {
    let bin = match common::client::client("why") {
        Ok(bin) => bin,
        Err(why) => {
            common::client::say("why", &format!("skipped: the pinned client: {why}"));
            return;
        }
    };
    // `.bin/claude` leads to the native binary that npm linked in place.
    let binary = std::fs::canonicalize(&bin).unwrap();
    let documented: Vec<String> = CHECKS.iter().flat_map(|c| why::symptoms(*c)).collect();
    let mut messages: Vec<&str> = documented.iter().map(String::as_str).collect();
    messages.extend(CLIENT_SIGN_IN_MESSAGES.iter().map(|(m, _)| *m));
    messages.extend(OTHERS_WORDS.iter().map(|(m, _)| *m));
    messages.sort_unstable();
    messages.dedup();
    let held = in_the_client(&binary, &messages);
    let held = |message: &str| held[messages.iter().position(|m| *m == message).unwrap()];
    let others = |message: &str| OTHERS_WORDS.iter().any(|(m, _)| *m == message);
    let gone: Vec<&String> = documented
        .iter()
        .filter(|m| !held(m) && !others(m))
        .collect();
    assert!(
        gone.is_empty(),
        "documented as the client's words, not in {}: {gone:#?}",
        binary.display()
    );
    let stale: Vec<String> = OTHERS_WORDS
        .iter()
        .filter_map(|(message, by)| {
            if !documented.iter().any(|d| d == message) {
                Some(format!("{message:?} is documented nowhere"))
            } else if held(message) {
                Some(format!("{message:?} is in the client now, not only {by}'s"))
            } else {
                None
            }
        })
        .collect();
    assert!(stale.is_empty(), "{stale:#?}");
    let missing: Vec<&str> = CLIENT_SIGN_IN_MESSAGES
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| !held(m))
        .collect();
    assert!(
        missing.is_empty(),
        "not in {}: {missing:#?}",
        binary.display()
    );
}

#[test]
fn every_sign_in_message_of_the_client_leads_to_the_checks_that_cause_it() {
    let ctx = World::new().context();
    for (message, causes) in CLIENT_SIGN_IN_MESSAGES {
        let report = why::diagnose(&ctx, None, message);
        let named: Vec<&str> = report.matches.iter().map(|m| m.id).collect();
        assert!(!named.is_empty(), "{message:?} leads to no check");
        for cause in *causes {
            assert!(
                named.contains(cause),
                "{message:?} names {named:?}, not {cause}"
            );
        }
    }
    // The bare words, as the prompt and `claude auth status --text` start them.
    let report = why::diagnose(&ctx, None, "Not logged in");
    let named: Vec<&str> = report.matches.iter().map(|m| m.id).collect();
    for cause in NOT_LOGGED_IN {
        assert!(
            named.contains(cause),
            "Not logged in names {named:?}, not {cause}"
        );
    }
}

/// The client's words that issue #17 found leading nowhere, each in the
/// world of a cause: `ccauth why` names that check, and it holds there.
#[test]
fn the_clients_words_name_their_check_where_its_cause_holds() {
    let cases: &[(&str, &str)] = &[
        (
            "Quick safety check: Is this a project you created or one you trust?",
            "workspace-trust",
        ),
        (
            "Claude Code didn't start because this folder isn't trusted.",
            "workspace-trust",
        ),
        (
            "WARNING: Claude Code running in Bypass Permissions mode",
            "bypass-permissions",
        ),
        (
            "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons",
            "root-user",
        ),
        (
            "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons",
            "bypass-permissions",
        ),
        // Not in 2.1.332 (see OTHERS_WORDS): the guard of older clients.
        (
            "Error: Claude Code cannot be launched inside another Claude Code session.",
            "nesting-guard",
        ),
        (
            "Unable to verify organization for the current authentication token.",
            "network-reachability",
        ),
        (
            "Unable to verify organization for the current authentication token.",
            "token-accepted",
        ),
        (
            "Unable to verify organization for the current authentication token.",
            "login-policy",
        ),
        (
            "This machine's managed settings require a first-party login",
            "login-policy",
        ),
        (
            "Detected a custom API key in your environment",
            "api-key-approval",
        ),
        ("Not logged in", "credentials-file"),
        ("Not logged in · Please run /login", "credentials-file"),
    ];
    let not_logged_in = NOT_LOGGED_IN.iter().flat_map(|id| {
        [
            ("Not logged in · run /login", *id),
            ("Not logged in · Please run /login", *id),
        ]
    });
    for (message, id) in cases.iter().copied().chain(not_logged_in) {
        let (w, facts) = world_where_it_holds(id).unwrap_or_else(|| panic!("no world for {id}"));
        let (named, verdict) = match facts {
            // The binary, as a person runs it.
            None => {
                let report = why_json(&w, message);
                let found = report["matches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|m| m["id"] == id)
                    .cloned();
                (found.is_some(), found.map(|m| m["verdict"].to_string()))
            }
            // Probe results cannot be handed to the binary: the library.
            Some(facts) => {
                let report = why::diagnose(&w.context(), Some(&facts), message);
                let found = report.matches.iter().find(|m| m.id == id);
                (found.is_some(), found.map(|m| format!("{:?}", m.holds())))
            }
        };
        assert!(named, "{message:?} does not name {id}");
        assert!(
            matches!(verdict.as_deref(), Some("\"holds\"") | Some("true")),
            "{message:?}: {id} does not hold in its world ({verdict:?})"
        );
    }
}
