//! `env-file-ignored` against real git repositories, with git and with the
//! `gix-ignore` fallback, which must agree with `git check-ignore`.

mod common;

use ccauth::checks::Status;
use common::{API_KEY, OAUTH_TOKEN, World, git_path};

const ID: &str = "env-file-ignored";

fn repo() -> World {
    World::new().with_env("PATH", &git_path()).git_init()
}

fn api_env(w: &World) {
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
}

#[test]
fn skipped_outside_a_repository() {
    let w = World::new().with_env("PATH", &git_path());
    api_env(&w);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip);
    assert!(f.cause.contains("not in a git repository"));
}

#[test]
fn skipped_when_there_is_no_env_file() {
    let w = repo();
    w.workspace_file(
        ".devcontainer/example_api.env",
        "ANTHROPIC_API_KEY=sk-ant-your-key-here\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip);
    assert!(f.cause.contains("No env file"));
}

#[test]
fn not_ignored_fails_with_the_exact_line() {
    let w = repo();
    api_env(&w);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause
            .contains(".devcontainer/api.env (sets ANTHROPIC_API_KEY) is not git-ignored"),
        "{}",
        f.cause
    );
    assert!(
        f.fix
            .unwrap()
            .contains("echo /.devcontainer/api.env >> .gitignore")
    );
}

#[test]
fn ignored_and_untracked_passes() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", "*.env\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert_eq!(f.evidence["env_files"][0]["git"]["judged_by"], "git");
}

#[test]
fn tracked_fails_even_when_ignored_and_asks_for_rotation() {
    let w = repo();
    api_env(&w);
    w.git(&["add", "."]);
    w.git(&["commit", "-qm", "oops"]);
    w.workspace_file(".gitignore", ".devcontainer/api.env\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("is committed"), "{}", f.cause);
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("git rm --cached .devcontainer/api.env") && fix.contains("rotate"),
        "{fix}"
    );
}

#[test]
fn env_file_named_in_run_args_is_judged_whatever_it_holds() {
    let w = repo();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": ["--env-file", "config/claude.env"]}"#,
    );
    w.workspace_file("config/claude.env", "SOMETHING=1\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause
            .contains("config/claude.env (named by --env-file in .devcontainer/devcontainer.json)"),
        "{}",
        f.cause
    );
}

#[test]
fn missing_env_file_is_evidence_not_a_failure() {
    let w = repo();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": ["--env-file=.devcontainer/gone.env"]}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip);
    assert_eq!(
        f.evidence["missing_env_files"][0]["path"],
        ".devcontainer/gone.env"
    );
}

#[test]
fn any_env_file_under_devcontainer_that_sets_a_token_is_judged() {
    let w = repo();
    w.workspace_file(
        ".devcontainer/local/.env",
        &format!("export CLAUDE_CODE_OAUTH_TOKEN={OAUTH_TOKEN}\n"),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause
            .contains(".devcontainer/local/.env (sets CLAUDE_CODE_OAUTH_TOKEN)"),
        "{}",
        f.cause
    );
}

#[test]
fn nested_reinclude_is_named() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", "*.env\n");
    w.workspace_file(".devcontainer/.gitignore", "!api.env\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.fix
            .unwrap()
            .contains(".devcontainer/.gitignore:1:!api.env")
    );
}

#[test]
fn workspace_in_a_subdirectory_uses_repository_paths() {
    let w = repo();
    w.workspace_file(
        "app/.devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    let out = w
        .ccauth(&[
            "doctor",
            "--only",
            ID,
            "--format",
            "json",
            "--workspace",
            "app",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = common::parse_output(&out.stdout);
    let finding = common::finding(&report, ID);
    assert_eq!(finding["status"], "fail");
    assert_eq!(
        finding["evidence"]["env_files"][0]["path"],
        "app/.devcontainer/api.env"
    );
}

#[test]
fn without_git_the_fallback_judges_rules_and_warns_about_tracking() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", ".devcontainer/*.env\n");
    let w = w.with_env("PATH", "");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(f.cause.contains("git is not on PATH"), "{}", f.cause);
    assert_eq!(f.evidence["env_files"][0]["git"]["judged_by"], "gix-ignore");

    std::fs::remove_file(w.workspace().join(".gitignore")).unwrap();
    assert_eq!(w.check(ID).status, Status::Fail);
}

/// Rule sets where gitignore semantics are subtle; the fallback must give
/// git's answer for each.
#[test]
fn fallback_agrees_with_git_check_ignore() {
    let cases: &[&[(&str, &str)]] = &[
        &[(".gitignore", "*.env\n")],
        &[(".gitignore", "api.env\n")],
        &[(".gitignore", "/api.env\n")],
        &[(".gitignore", ".devcontainer/\n!.devcontainer/api.env\n")],
        &[(".gitignore", ".devcontainer/*\n!.devcontainer/api.env\n")],
        &[
            (".gitignore", "*.env\n"),
            (".devcontainer/.gitignore", "!api.env\n"),
        ],
        &[(".devcontainer/.gitignore", "*\n")],
        &[(".gitignore", "**/api.env\n")],
        &[(".gitignore", "*.env\n!*.env\n")],
        &[(".git/info/exclude", "api.env\n")],
        &[(".gitignore", "#api.env\n")],
        &[(".gitignore", "api.env/\n")],
        &[(".gitignore", ".devcontainer/**\n")],
    ];
    for rules in cases {
        let w = repo();
        api_env(&w);
        for (file, content) in *rules {
            w.workspace_file(file, content);
        }
        let git = w.check(ID).evidence["env_files"][0]["git"].clone();
        assert_eq!(git["judged_by"], "git", "{git}");
        let with_git = git["ignored"].clone();
        let w = w.with_env("PATH", "");
        let fallback = w.check(ID).evidence["env_files"][0]["git"].clone();
        assert_eq!(fallback["judged_by"], "gix-ignore");
        assert_eq!(fallback["ignored"], with_git, "rules {rules:?}");
    }
}

#[test]
fn global_excludes_file_is_honoured() {
    let w = repo();
    api_env(&w);
    w.home_file(".config/git/ignore", "api.env\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    let w = w.with_env("PATH", "");
    assert_eq!(w.check(ID).evidence["env_files"][0]["git"]["ignored"], true);
}
