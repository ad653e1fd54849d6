//! `credential-missing` against fixture worlds: every source, empty values,
//! placeholders, blanked logins.

use crate::common;
use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "credential-missing";

#[test]
fn nothing_anywhere_fails() {
    let f = World::new().check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("No credential reaches Claude Code"));
    let fix = f.fix.unwrap();
    assert!(fix.contains("claude setup-token") && fix.contains("ANTHROPIC_API_KEY"));
    assert!(fix.contains("export CLAUDE_CODE_OAUTH_TOKEN=…"), "{fix}");
}

/// The fix hands the token over as the launcher takes a secret; it never
/// says containerEnv is for every launcher and remoteEnv for VS Code only.
#[test]
fn the_fix_is_worded_for_who_starts_claude() {
    let fix = |w: World| w.check(ID).fix.unwrap();
    let gha = fix(World::new().with_env("GITHUB_ACTIONS", "true"));
    assert!(
        gha.contains("${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}"),
        "{gha}"
    );
    let vscode = fix(World::new().docker().with_env("REMOTE_CONTAINERS", "true"));
    assert!(
        vscode.contains("\"remoteEnv\"") && vscode.contains("devcontainer exec"),
        "{vscode}"
    );
    let docker = fix(World::new().launched_by(Launcher::Docker));
    assert!(
        docker.contains("docker run -e CLAUDE_CODE_OAUTH_TOKEN"),
        "{docker}"
    );
    for text in [gha, vscode, docker] {
        assert!(!text.contains("containerEnv"), "{text}");
        assert!(!text.contains("only for VS Code"), "{text}");
    }
}

#[test]
fn each_env_variable_alone_passes() {
    for var in [
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "CLAUDE_CODE_OAUTH_TOKEN",
    ] {
        let f = World::new().with_env(var, OAUTH_TOKEN).check(ID);
        assert_eq!(f.status, Status::Pass, "{var}");
        assert!(f.cause.contains(var), "{}", f.cause);
    }
}

#[test]
fn file_descriptor_and_cloud_provider_variables_pass() {
    // Descriptor 2 is open in every process; the client reads the token from it.
    let f = World::new()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR", "2")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
    let f = World::new()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR", "987")
        .check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("file descriptor 987 is not open"),
        "{}",
        f.cause
    );
    let f = World::new()
        .with_env("CLAUDE_CODE_USE_BEDROCK", "1")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
    let f = World::new()
        .with_env("CLAUDE_CODE_USE_BEDROCK", "0")
        .check(ID);
    assert_eq!(f.status, Status::Fail, "0 is off");
}

#[test]
fn empty_variable_is_missing_and_named_with_the_localenv_line() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", "");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{ // comment
            "remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"},
        }"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains(
            "CLAUDE_CODE_OAUTH_TOKEN from the process environment is set, but it is empty"
        )
    );
    assert!(
        f.cause
            .contains(".devcontainer/devcontainer.json sets it in remoteEnv"),
        "{}",
        f.cause
    );
}

#[test]
fn empty_variable_without_devcontainer_still_explains_localenv() {
    let f = World::new().with_env("ANTHROPIC_API_KEY", "").check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("${localEnv:"), "{}", f.cause);
}

#[test]
fn placeholder_is_sent_by_the_client_so_it_is_not_missing() {
    // The client sends template text as a key (conformance); credential-format judges it.
    let f = World::new()
        .with_env("ANTHROPIC_API_KEY", "sk-ant-your-key-here")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn an_empty_settings_value_overrides_the_process_environment() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.home_file(
        ".claude/settings.json",
        r#"{"env": {"ANTHROPIC_API_KEY": ""}}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    let expected = "ANTHROPIC_API_KEY from the process environment is set, but a settings env block overrides it";
    assert!(f.cause.contains(expected), "{}", f.cause);
}

#[test]
fn bare_mode_counts_only_the_api_key() {
    let f = World::new()
        .with_env("CLAUDE_CODE_SIMPLE", "1")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
        .check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("CLAUDE_CODE_SIMPLE (--bare) is on"),
        "{}",
        f.cause
    );
}

#[test]
fn docker_sandbox_placeholder_is_a_credential() {
    let f = World::new()
        .with_env("ANTHROPIC_API_KEY", "proxy-managed")
        .check(ID);
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn settings_env_block_passes_and_names_the_file() {
    let w = World::new();
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_API_KEY": "{API_KEY}"}}}}"#),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.cause.contains("env block of user settings"),
        "{}",
        f.cause
    );
}

#[test]
fn project_env_blocks_do_not_count_but_managed_settings_do() {
    let w = World::new();
    w.workspace_file(
        ".claude/settings.local.json",
        &format!(r#"{{"env": {{"CLAUDE_CODE_OAUTH_TOKEN": "{OAUTH_TOKEN}"}}}}"#),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("not applied to authentication"),
        "{}",
        f.cause
    );
    let w = World::new();
    w.sys_file(
        "etc/claude-code/managed-settings.json",
        r#"{"apiKeyHelper": "/usr/local/bin/get-key"}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.cause.contains("apiKeyHelper from managed settings"),
        "{}",
        f.cause
    );
}

#[test]
fn stored_login_passes_and_blank_login_is_left_to_credentials_file() {
    let w = World::new();
    w.home_file(
        ".claude/.credentials.json",
        &format!(r#"{{"claudeAiOauth": {{"accessToken": "{OAUTH_TOKEN}", "refreshToken": "r", "expiresAt": 1, "scopes": ["user:inference"]}}}}"#),
    );
    assert_eq!(w.check(ID).status, Status::Pass);

    let w = World::new();
    w.home_file(
        ".claude/.credentials.json",
        r#"{"claudeAiOauth": {"accessToken": "", "refreshToken": "", "expiresAt": 0, "scopes": ["user:inference"]}}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip, "credentials-file owns this cause");
    assert!(f.cause.contains("credentials-file says why"), "{}", f.cause);
}

#[test]
fn stored_login_without_inference_scope_is_left_to_credentials_file() {
    let w = World::new();
    w.home_file(
        ".claude/.credentials.json",
        &format!(
            r#"{{"claudeAiOauth": {{"accessToken": "{OAUTH_TOKEN}", "scopes": ["user:profile"]}}}}"#
        ),
    );
    assert_eq!(
        w.check(ID).status,
        Status::Skip,
        "credentials-file owns this cause"
    );
}

#[test]
fn config_dir_moves_where_credentials_are_read() {
    let w = World::new();
    w.home_file(
        ".claude/.credentials.json",
        &format!(r#"{{"claudeAiOauth": {{"accessToken": "{OAUTH_TOKEN}", "scopes": ["user:inference"]}}}}"#),
    );
    let elsewhere = w.home().join("elsewhere");
    let w = w.with_env("CLAUDE_CONFIG_DIR", &elsewhere.display().to_string());
    assert_eq!(
        w.check(ID).status,
        Status::Fail,
        "~/.claude is ignored with CLAUDE_CONFIG_DIR"
    );
}

#[test]
fn primary_api_key_in_claude_json_passes() {
    let w = World::new();
    w.home_file(
        ".claude.json",
        &format!(r#"{{"primaryApiKey": "{API_KEY}"}}"#),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("primaryApiKey"));
}

#[test]
fn an_empty_helper_or_a_bad_descriptor_is_not_a_credential() {
    let w = World::new().with_env("CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR", "stdin");
    w.home_file(".claude/settings.json", r#"{"apiKeyHelper": "  "}"#);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("apiKeyHelper from user settings"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("the command is empty"), "{}", f.cause);
    assert!(
        f.cause.contains("not a file descriptor number"),
        "{}",
        f.cause
    );
}

#[test]
fn a_broken_settings_file_is_not_a_credential_source() {
    let w = World::new();
    w.home_file(
        ".claude/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_API_KEY": "{API_KEY}""#),
    );
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn the_json_report_names_each_cause_and_where_it_is_set() {
    let problems = World::new().problems(ID);
    assert_eq!(common::codes(&problems), ["credential-missing/none"]);

    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", "");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"}}"#,
    );
    w.home_file(
        ".claude/settings.json",
        r#"{"env": {"ANTHROPIC_API_KEY": ""}}"#,
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));

    let problems = World::new()
        .with_env("CLAUDE_CODE_SIMPLE", "1")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
        .problems(ID);
    assert!(
        common::codes(&problems).contains(&"credential-missing/bare-mode"),
        "{problems:?}"
    );
}

/// Issue 16 item 10: 2.1.332 says `loggedIn: false` for a bearer token of
/// only whitespace (tests/conformance.rs has the client's own verdict).
#[test]
fn a_whitespace_only_bearer_token_is_no_credential() {
    for var in ["CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"] {
        let f = World::new().with_env(var, "  \t ").check(ID);
        assert_eq!(f.status, Status::Fail, "{var}: {}", f.cause);
        assert!(f.cause.contains("holds only whitespace"), "{}", f.cause);
    }
    let f = World::new()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", "   ")
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(f.cause.contains("ANTHROPIC_API_KEY"), "{}", f.cause);
}

/// Three places a key is often put that 2.1.332 never reads: a config file
/// of another tool's shape, a workspace-root `.env` nothing names, and an
/// `export` in `postCreateCommand` (issue #17). Each is named, placed and
/// never shown; the cause says where the client does look.
#[test]
fn credentials_where_the_client_never_looks_are_named_not_shown() {
    let w = World::new();
    let config = w.home_file(
        ".config/claude/config.json",
        &format!("{{\n  \"apiKey\": \"{API_KEY}\"\n}}\n"),
    );
    let dot_env = w.workspace_file(".env", &format!("# local\nANTHROPIC_API_KEY={API_KEY}\n"));
    let devcontainer = w.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!("{{\n  \"image\": \"node:22\",\n  \"postCreateCommand\": \"npm ci && export ANTHROPIC_API_KEY={OAUTH_TOKEN}\"\n}}\n"),
    );
    assert_eq!(w.check(ID).status, Status::Fail);
    let found = w.problems(ID);
    let never: Vec<&serde_json::Value> = found
        .iter()
        .filter(|p| p["code"] == "credential-missing/never-read")
        .collect();
    assert_eq!(never.len(), 3, "{found:?}");
    let cause = |i: usize| never[i]["cause"].as_str().unwrap();
    for p in &never {
        assert_eq!(p["status"], "warn");
    }
    // Where the client does look, said once.
    assert!(
        cause(0).contains("The client looks only in its environment"),
        "{}",
        cause(0)
    );
    assert!(cause(0).contains(".credentials.json"), "{}", cause(0));
    assert!(!cause(1).contains("The client looks"), "{}", cause(1));
    assert!(cause(0).contains("never reads that file"), "{}", cause(0));
    assert!(
        cause(1).contains("nothing loads a workspace .env"),
        "{}",
        cause(1)
    );
    assert!(cause(2).contains("postCreateCommand"), "{}", cause(2));
    common::assert_place(
        &never[0]["places"][0],
        &config.display().to_string(),
        Some(2),
    );
    common::assert_place(
        &never[1]["places"][0],
        &dot_env.display().to_string(),
        Some(2),
    );
    common::assert_place(
        &never[2]["places"][0],
        &devcontainer.display().to_string(),
        Some(3),
    );

    let out = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("credential-missing/never-read"), "{text}");
    for secret in [API_KEY, OAUTH_TOKEN, &API_KEY[14..], &OAUTH_TOKEN[14..]] {
        assert!(!text.contains(secret), "a value leaked: {text}");
    }
}

/// A `.env` an `--env-file` names does reach the container, and a
/// lifecycle command that writes the export into a shell profile reaches
/// later shells: neither is called never read.
#[test]
fn a_named_env_file_and_a_profile_write_are_not_strays() {
    let w = World::new();
    w.workspace_file(".env", &format!("ANTHROPIC_API_KEY={API_KEY}\n"));
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!(
            r#"{{"image": "node:22", "runArgs": ["--env-file", ".env"],
               "postCreateCommand": "echo 'export ANTHROPIC_API_KEY={API_KEY}' >> ~/.bashrc"}}"#
        ),
    );
    let found = w.problems(ID);
    assert!(
        found
            .iter()
            .all(|p| p["code"] != "credential-missing/never-read"),
        "{found:?}"
    );
}

/// The scrubber knows a stray value that has no known shape, so no output
/// could print it even by accident.
#[test]
fn the_scrubber_knows_stray_values_without_a_known_shape() {
    let w = World::new();
    let plain = "Plain0Stray1Gateway2Value3Without4Prefix";
    w.home_file(
        ".config/claude-code/settings.json",
        &format!(r#"{{"env": {{"ANTHROPIC_AUTH_TOKEN": "{plain}"}}}}"#),
    );
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"image": "x", "postStartCommand": "export CLAUDE_CODE_OAUTH_TOKEN=Lifecycle0Value1Without2Prefix3xyz"}"#,
    );
    let scrubbed = w
        .context()
        .scrubber()
        .scrub(&format!("a {plain} b Lifecycle0Value1Without2Prefix3xyz c"));
    assert!(!scrubbed.contains(plain), "{scrubbed}");
    assert!(!scrubbed.contains("Lifecycle0Value1"), "{scrubbed}");
    let found = w.problems(ID);
    let never = found
        .iter()
        .filter(|p| p["code"] == "credential-missing/never-read")
        .count();
    assert_eq!(never, 2, "{found:?}");
}

/// `CLAUDE_CONFIG_DIR=~/.config/claude` makes its `settings.json` a file
/// the client reads: a broken credential there is no stray.
#[test]
fn the_config_dirs_own_settings_are_never_strays() {
    let w = World::new();
    let dir = w.home().join(".config/claude");
    w.home_file(
        ".config/claude/settings.json",
        r#"{"env": {"ANTHROPIC_API_KEY": ""}}"#,
    );
    w.home_file(
        ".config/claude/config.json",
        &format!(r#"{{"apiKey": "{API_KEY}"}}"#),
    );
    let w = w.with_env("CLAUDE_CONFIG_DIR", &dir.display().to_string());
    let found = w.problems(ID);
    let strays: Vec<&str> = found
        .iter()
        .filter(|p| p["code"] == "credential-missing/never-read")
        .filter_map(|p| p["places"][0]["file"].as_str())
        .collect();
    assert_eq!(strays.len(), 1, "{found:?}");
    assert!(strays[0].ends_with("config.json") && !strays[0].ends_with("settings.json"));
}
