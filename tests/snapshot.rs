//! The JSON report is the public contract: snapshot it for the field report's
//! world, where every one of the five checks has something to say.

mod common;

use common::{World, git_path};

/// The seed's devcontainer: a Mac's ~/.claude bind-mounted, an empty token
/// from `${localEnv:…}`, a forwarded 54545, an api.env not ignored, and the
/// seed's `echo … > ~/.claude.json`.
fn field_report_world() -> World {
    let w = World::new()
        .docker()
        .with_env("REMOTE_CONTAINERS", "true")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", "")
        .with_env("PATH", &git_path())
        .git_init();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{
          // Mount Claude credentials from host
          "mounts": ["source=${localEnv:HOME}/.claude,target=/home/shiny/.claude,type=bind,consistency=cached"],
          "forwardPorts": [3838, 54545],
          "portsAttributes": {"54545": {"label": "Claude OAuth", "onAutoForward": "silent"}},
          "remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"},
          "postCreateCommand": "echo '{\"hasCompletedOnboarding\": true}' > ~/.claude.json",
          "runArgs": ["--env-file", ".devcontainer/api.env"],
        }"#,
    );
    w.workspace_file(
        ".devcontainer/api.env",
        "ANTHROPIC_API_KEY=sk-ant-api03-Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4-AbCd\n",
    );
    w.mountinfo(&[(
        "/Users/ann/.claude",
        &w.home().join(".claude"),
        "virtiofs",
        "virtiofs",
    )]);
    w
}

#[test]
fn field_report_json() {
    let w = field_report_world();
    let out = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let root = w.home().parent().unwrap().display().to_string();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace(&root, "[WORLD]");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!(report, {
        ".tool.version" => "[version]",
        ".runtime.uid" => "[uid]",
        ".runtime.os" => "[os]",
        ".runtime.kernel" => "[kernel]",
    });
}
