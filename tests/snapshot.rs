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
    w.mount_mac_claude_dir();
    w
}

/// A format's output with everything machine-specific replaced by placeholders.
fn normalized(w: &World, format: &str) -> String {
    let json = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = common::parse_output(&json.stdout);
    // root-user depends on who runs the tests; everything else is fixed by the world.
    let args = [
        "doctor",
        "--format",
        format,
        "--color",
        "never",
        "--skip",
        "root-user",
    ];
    let out = w.ccauth(&args).output().unwrap();
    let mut text = String::from_utf8(out.stdout).unwrap();
    let root = w.home().parent().unwrap().display().to_string();
    text = text.replace(&root, "[WORLD]");
    for (key, placeholder) in [("os", "[os]"), ("kernel", "[kernel]")] {
        if let Some(value) = report["runtime"][key].as_str() {
            text = text.replace(value, placeholder);
        }
    }
    let uid = report["runtime"]["uid"].to_string();
    text.replace(&format!("uid {uid}"), "uid [uid]")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn field_report_in_every_text_format() {
    let w = field_report_world();
    for format in ["human", "markdown", "github", "junit"] {
        insta::assert_snapshot!(format!("field_report_{format}"), normalized(&w, format));
    }
}

#[test]
fn field_report_json() {
    let w = field_report_world();
    let out = w
        .ccauth(&["doctor", "--format", "json", "--skip", "root-user"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = normalized(&w, "json");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!(report, {
        ".runtime.uid" => "[uid]",
        ".checks[].evidence.paths[].uid" => "[uid]",
    });
}
