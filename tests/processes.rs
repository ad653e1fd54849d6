//! The default path spawns no process: a `git` on PATH that records every
//! call is never started unless an env file must be judged.

mod common;

use common::{API_KEY, World};
use std::os::unix::fs::PermissionsExt;

/// A PATH holding only a `git` that writes its arguments to `calls` and then
/// hands over to the real git.
fn recording_git(w: &World) -> (String, std::path::PathBuf) {
    let dir = w.home().join("spy-bin");
    let calls = w.home().join("git-calls");
    let real = which::which("git").expect("git is installed");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> {}\nexec {} \"$@\"\n",
        calls.display(),
        real.display()
    );
    let git = w.file(&dir.join("git"), &script);
    std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir.display().to_string(), calls)
}

#[test]
fn nothing_is_spawned_without_an_env_file() {
    let w = World::new().docker().git_init();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"forwardPorts": [54545]}"#,
    );
    w.home_file(".claude.json", "{}");
    let (path, calls) = recording_git(&w);
    let w = w.with_env("PATH", &path);
    for args in [
        &["doctor"][..],
        &["doctor", "--format", "json"],
        &["status"],
        &["doctor", "--fix", "--dry-run"],
    ] {
        w.ccauth(args).output().unwrap();
    }
    assert!(
        !calls.exists(),
        "git was started: {}",
        std::fs::read_to_string(&calls).unwrap_or_default()
    );
}

#[test]
fn git_is_asked_only_when_an_env_file_must_be_judged() {
    let w = World::new().git_init();
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    let (path, calls) = recording_git(&w);
    let w = w.with_env("PATH", &path);
    w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let log = std::fs::read_to_string(&calls).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        log.contains("check-ignore") && log.contains("ls-files"),
        "{log}"
    );
}
