//! End-to-end: the built binary, its exit codes, formats and subcommands.

mod common;

use ccauth::checks::CHECKS;
use common::{API_KEY, OAUTH_TOKEN, World};
use predicates::prelude::*;
use serde_json::Value;

fn json_report(w: &World, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["doctor", "--format", "json"];
    args.extend_from_slice(extra);
    let out = w.ccauth(&args).output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = common::parse_output(&out.stdout);
    (report, out.status.code().unwrap())
}

/// A healthy world: an API key in a container, onboarding irrelevant.
fn healthy() -> World {
    World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY)
}

#[test]
fn exit_0_when_nothing_fails() {
    healthy().ccauth(&["doctor"]).assert().code(0);
}

#[test]
fn exit_1_when_a_check_fails() {
    World::new()
        .docker()
        .ccauth(&["doctor"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "  [✗] A credential reaches Claude Code (credential-missing)",
        ))
        .stdout(predicate::str::contains(
            "ccauth explain credential-missing",
        ));
}

#[test]
fn strict_turns_warnings_into_exit_1() {
    let w = healthy();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"forwardPorts": [54545]}"#,
    );
    w.ccauth(&["doctor"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("[!]"));
    w.ccauth(&["doctor", "--strict"]).assert().code(1);
}

#[test]
fn unknown_ids_are_usage_errors_listing_valid_ids() {
    for flag in ["--only", "--skip"] {
        World::new()
            .ccauth(&["doctor", flag, "credential-missing,no-such-check"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unknown check id 'no-such-check'"))
            .stderr(predicate::str::contains("oauth-callback-port"));
    }
    World::new().ccauth(&["explain", "nope"]).assert().code(2);
    World::new()
        .ccauth(&["doctor", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn json_lists_every_check_once_in_registry_order() {
    let (report, code) = json_report(&World::new().docker(), &["--only", "credential-missing"]);
    assert_eq!(code, 1);
    assert_eq!(report["schema_version"], 2);
    assert_eq!(report["tool"]["name"], "ccauth");
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let registry: Vec<&str> = CHECKS.iter().map(|c| c.id()).collect();
    assert_eq!(ids, registry);
    for check in report["checks"].as_array().unwrap() {
        for key in ["id", "title", "status", "cause", "fix", "evidence"] {
            assert!(check.get(key).is_some(), "{key} missing in {check}");
        }
        assert!(["pass", "warn", "fail", "skip"].contains(&check["status"].as_str().unwrap()));
    }
    assert_eq!(report["checks"][1]["status"], "skip");
    assert_eq!(report["checks"][1]["cause"], "not run: not named in --only");
    let s = &report["summary"];
    let total: u64 = ["pass", "warn", "fail", "skip"]
        .iter()
        .map(|k| s[k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, CHECKS.len());
}

#[test]
fn json_runtime_names_markers_paths_and_the_claude_binary() {
    let w = World::new().docker().with_env("REMOTE_CONTAINERS", "true");
    let exe = w.npm_claude("2.1.332");
    std::fs::create_dir_all(w.home().join("npm/bin")).unwrap();
    std::os::unix::fs::symlink(exe, w.home().join("npm/bin/claude")).unwrap();
    let path = w.home().join("npm/bin").display().to_string();
    let w = w.with_env("PATH", &path);
    let (report, _) = json_report(&w, &[]);
    let rt = &report["runtime"];
    assert_eq!(rt["container"], "docker");
    assert_eq!(rt["markers"][1]["signal"], "REMOTE_CONTAINERS=true");
    assert_eq!(rt["claude"][0]["version"], "2.1.332");
    assert_eq!(rt["claude"][0]["method"], "npm");
    assert_eq!(rt["user"], "tester");
    assert_eq!(
        rt["config_file"],
        w.home().join(".claude.json").display().to_string()
    );
}

#[test]
fn human_output_has_no_colour_unless_asked() {
    let w = World::new();
    w.ccauth(&["doctor"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
    w.ccauth(&["doctor", "--color", "always"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    let forced = World::new().with_env("CLICOLOR_FORCE", "1");
    forced
        .ccauth(&["doctor"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}["));
    let both = forced.with_env("NO_COLOR", "1");
    both.ccauth(&["doctor"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn verbose_shows_passing_details_and_evidence() {
    healthy()
        .ccauth(&["doctor", "-v"])
        .assert()
        .stdout(predicate::str::contains(
            "Claude Code uses ANTHROPIC_API_KEY from the process environment (authMethod api_key).",
        ))
        .stdout(predicate::str::contains("Evidence: "));
}

#[test]
fn checks_lists_ids_and_explain_prints_the_doc() {
    let out = World::new().ccauth(&["checks"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for check in CHECKS {
        assert!(text.contains(check.id()) && text.contains(check.title()));
    }
    World::new()
        .ccauth(&["explain", "onboarding-flag"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# onboarding-flag"));
}

#[test]
fn help_documents_exit_codes() {
    World::new()
        .ccauth(&["doctor", "--help"])
        .assert()
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("CCAUTH_SYSROOT"));
}

#[test]
fn sysroot_flag_and_variable_are_the_same_input() {
    let w = World::new();
    w.sys_file(".dockerenv", "");
    let flag = w
        .ccauth(&[
            "doctor",
            "--format",
            "json",
            "--sysroot",
            &w.sysroot().display().to_string(),
        ])
        .env_remove("CCAUTH_SYSROOT")
        .output()
        .unwrap();
    let report: Value = common::parse_output(&flag.stdout);
    assert_eq!(report["runtime"]["container"], "docker");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ccauth"))
        .args(["doctor", "-v"])
        .env_clear()
        .env("HOME", w.home())
        .env("CCAUTH_SYSROOT", w.sysroot())
        .current_dir(w.workspace())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reports name problems by code; `explain` takes a code as well as an id,
/// and says what the code means before the check's doc.
#[test]
fn explain_takes_a_problem_code() {
    let out = World::new()
        .ccauth(&["explain", "env-file-ignored/tracked"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("env-file-ignored/tracked (fail): "),
        "{text}"
    );
    assert!(text.contains("\n# env-file-ignored\n"), "{text}");
    let out = World::new()
        .ccauth(&["explain", "env-file-ignored/nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("env-file-ignored/not-ignored"));
}
