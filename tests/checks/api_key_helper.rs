//! `api-key-helper` against fixture worlds.

use crate::common;
use crate::common::World;
use ccauth::checks::Status;
use std::os::unix::fs::PermissionsExt;

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
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    let w = World::new();
    w.home_file(".claude/settings.json", r#"{"apiKeyHelper": ""}"#);
    assert_eq!(common::codes(&w.problems(ID)), ["api-key-helper/empty"]);
}
