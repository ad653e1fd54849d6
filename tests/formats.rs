//! CI formats: GitHub annotations and step summary, Markdown, JUnit, --output,
//! severity overrides.

mod common;

use common::{API_KEY, World, git_path};
use predicates::prelude::*;
use serde_json::Value;

/// A world whose findings carry `%`, `:`, `,` and line breaks.
fn awkward_world() -> World {
    let w = World::new()
        .docker()
        .with_env("PATH", &git_path())
        .git_init();
    w.workspace_file(
        ".devcontainer/50%,a:b.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w
}

#[test]
fn github_annotations_escape_data_and_properties() {
    let out = awkward_world()
        .ccauth(&["doctor", "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // One annotation per problem: each env file is its own.
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::error ") && l.contains("title=ccauth env-file-ignored/"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    for line in &lines {
        assert!(
            line.contains("%3A Env files with keys stay out of git::"),
            "{line}"
        );
    }
    let line = lines
        .iter()
        .find(|l| l.contains("50%25,a:b.env"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!line.contains('\n') && !line.contains('\r'));
    for l in text.lines() {
        assert!(
            l.starts_with("::error ") || l.starts_with("::warning "),
            "{l}"
        );
    }
}

#[test]
fn auto_in_github_actions_adds_annotations_and_a_step_summary() {
    let w = awkward_world();
    let summary = w.home().join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let w = w
        .with_env("GITHUB_ACTIONS", "true")
        .with_env("GITHUB_STEP_SUMMARY", &summary.display().to_string());
    w.ccauth(&["doctor"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "[✗] Env files with keys stay out of git",
        ))
        .stdout(predicate::str::is_match(
            r"(?m)^::error file=\.devcontainer/api\.env,title=ccauth env-file-ignored/not-ignored%3A ",
        ).unwrap());
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("previous step\n# ccauth doctor report"),
        "{text}"
    );
    // Outside Actions, auto is plain human output and the summary is left alone.
    let plain = World::new();
    plain
        .ccauth(&["doctor"])
        .assert()
        .stdout(predicate::str::contains("::").not());
}

#[test]
fn markdown_folds_passing_checks_and_keeps_secrets_masked() {
    let out = awkward_world()
        .ccauth(&["doctor", "--format", "markdown"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# ccauth doctor report\n"));
    assert!(text.contains("## Runtime\n\n| | |\n|---|---|"));
    assert!(text.contains("## ✗ `env-file-ignored`: Env files with keys stay out of git"));
    assert!(text.contains("<details><summary>"));
    assert!(!text.contains(API_KEY));
}

#[test]
fn junit_has_one_case_per_check_with_failures_and_skips() {
    let out = awkward_world()
        .ccauth(&["doctor", "--format", "junit", "--skip", "root-user"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert_eq!(
        text.matches("<testcase ").count(),
        ccauth::checks::CHECKS.len() - 1,
        "a check left out with --skip is not listed"
    );
    assert!(!text.contains("name=\"root-user\""));
    assert!(text.contains(
        "classname=\"ccauth.workspace\" name=\"env-file-ignored\"><failure type=\"fail\" message=\"env-file-ignored/"
    ));
    assert!(text.contains("<skipped message="));
    assert!(
        !text.contains("50%,a:b.env\"\n"),
        "attribute values stay on one line"
    );
}

/// The real report, awkward file names and all, is valid against the schema
/// Jenkins validates JUnit reports with (`tests/fixtures/junit-10.xsd`),
/// with and without `--strict`.
#[test]
fn junit_is_valid_against_the_jenkins_schema() {
    let w = awkward_world();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/junit-10.xsd");
    for strict in [&[][..], &["--strict"][..]] {
        let args = [&["doctor", "--format", "junit"][..], strict].concat();
        let out = w.ccauth(&args).output().unwrap();
        assert_cmd::Command::new("xmllint")
            .args(["--noout", "--schema", schema, "-"])
            .write_stdin(out.stdout)
            .assert()
            .success();
    }
}

#[test]
fn output_writes_any_format_to_a_file() {
    let w = World::new();
    let file = w.home().join("report.xml");
    w.ccauth(&[
        "doctor",
        "--format",
        "junit",
        "--output",
        &file.display().to_string(),
    ])
    .assert()
    .stdout(predicate::str::is_empty());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("<testsuites")
    );
    w.ccauth(&["doctor", "--output", "/nonexistent/dir/x"])
        .assert()
        .code(2);
}

#[test]
fn warn_allow_and_deny_change_severity_for_one_run() {
    let w = World::new().docker();
    let json = |args: &[&str]| -> (Value, i32) {
        let mut all = vec!["doctor", "--format", "json"];
        all.extend_from_slice(args);
        let out = w.ccauth(&all).output().unwrap();
        (
            common::parse_output(&out.stdout),
            out.status.code().unwrap(),
        )
    };
    let status = |r: &Value, id: &str| common::finding(r, id)["status"].clone();
    let (base, code) = json(&[]);
    assert_eq!(code, 1);
    assert_eq!(status(&base, "credential-missing"), "fail");

    let (lowered, code) = json(&["--warn", "credential-missing,oauth-callback-port"]);
    assert_eq!(status(&lowered, "credential-missing"), "warn");
    assert_eq!(code, 0);
    let finding = common::finding(&lowered, "credential-missing");
    assert_eq!(finding["overridden"]["from"], "fail");

    let (allowed, _) = json(&["--allow", "credential-missing"]);
    assert_eq!(status(&allowed, "credential-missing"), "skip");

    let (denied, code) = json(&[
        "--deny",
        "root-user",
        "--warn",
        "credential-missing,oauth-callback-port",
    ]);
    let root = rustix::process::geteuid().as_raw() == 0;
    if root {
        assert_eq!(status(&denied, "root-user"), "fail");
        assert_eq!(code, 1);
    }
    w.ccauth(&["doctor", "--deny", "nope"]).assert().code(2);
}
