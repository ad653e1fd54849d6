//! The default path spawns no process at all: not without an env file, and
//! not when env files must be judged (the ignore rules and the index are read
//! in-process). `strace -f` sees every `execve` of ccauth and its children.

mod common;

use common::{API_KEY, World, git_path};

/// Every `execve` the binary and any child made while running `args`, or
/// `None` (with the reason printed) when strace cannot trace here.
fn execs_of(w: &World, args: &[&str]) -> Option<Vec<String>> {
    let log = w.home().join("strace.log");
    let binary = assert_cmd::cargo::cargo_bin("ccauth");
    let out = std::process::Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=execve,execveat", "-o"])
        .arg(&log)
        .arg(&binary)
        .args(args)
        .env_clear()
        .envs(w.env_pairs())
        .env("CCAUTH_SYSROOT", w.sysroot())
        .current_dir(w.workspace())
        .output();
    let traced = out.is_ok_and(|o| o.status.code().is_some_and(|c| c < 64)) && log.exists();
    if !traced {
        eprintln!("skipped: strace is not installed or may not trace here");
        return None;
    }
    let text = std::fs::read_to_string(&log).unwrap();
    Some(
        text.lines()
            .filter(|l| l.contains("execve"))
            .map(String::from)
            .collect(),
    )
}

/// Only the binary itself was executed.
fn assert_only_ccauth(w: &World, args: &[&str]) {
    let Some(execs) = execs_of(w, args) else {
        return;
    };
    assert_eq!(execs.len(), 1, "{args:?} started a process: {execs:#?}");
    assert!(execs[0].contains("ccauth"), "{execs:?}");
}

const COMMANDS: &[&[&str]] = &[
    &["doctor"],
    &["doctor", "--format", "json"],
    &["status"],
    &["doctor", "--fix", "--dry-run"],
];

#[test]
fn nothing_is_spawned_without_an_env_file() {
    let w = World::new().docker().git_init();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"forwardPorts": [54545]}"#,
    );
    w.home_file(".claude.json", "{}");
    let w = w.with_env("PATH", &git_path());
    for args in COMMANDS {
        assert_only_ccauth(&w, args);
    }
}

#[test]
fn nothing_is_spawned_when_env_files_are_judged() {
    let w = World::new().git_init();
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w.workspace_file(".gitignore", "*.env\n");
    w.git(&["add", ".gitignore"]);
    let w = w.with_env("PATH", &git_path());
    for args in COMMANDS {
        assert_only_ccauth(&w, args);
    }
}
