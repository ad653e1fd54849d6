//! `env-file-ignored` against real git repositories. ccauth reads the rules
//! and the index itself; where `git` is installed, the TEST asks it (never
//! ccauth) and the answers must agree.

use crate::common;
use crate::common::{API_KEY, OAUTH_TOKEN, World, git_path};
use crate::with_compose;
use ccauth::checks::Status;

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
    let git = &f.evidence["env_files"][0]["git"];
    assert_eq!(git["judged_by"], ccauth::gather::git::JUDGED_BY);
    assert_eq!(git["tracked"], false);
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
fn without_git_on_path_the_verdict_is_the_same_and_tracking_is_known() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", ".devcontainer/*.env\n");
    let w = w.with_env("PATH", "");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert_eq!(f.evidence["env_files"][0]["git"]["tracked"], false);

    std::fs::remove_file(w.workspace().join(".gitignore")).unwrap();
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn global_excludes_file_is_honoured() {
    let w = repo();
    api_env(&w);
    w.home_file(".config/git/ignore", "api.env\n");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
}

#[test]
fn a_global_safe_directory_accepts_a_foreign_repository() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", "*.env\n");
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(w.workspace()).unwrap());
    w.home_file(
        ".gitconfig",
        &format!("[safe]\n\tdirectory = {}\n", w.workspace().display()),
    );
    let f = w.judged_as_uid(owner + 4242).check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(f.evidence.get("repository_ownership").is_none());
}

#[test]
fn a_safe_directory_in_the_repository_itself_does_not_count() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", "*.env\n");
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(w.workspace()).unwrap());
    let config = w.workspace().join(".git/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[safe]\n\tdirectory = *\n");
    std::fs::write(&config, text).unwrap();
    let f = w.judged_as_uid(owner + 4242).check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
}

/// Every env file each corpus case judges, named by `--env-file`.
const CORPUS_PATHS: &[&str] = &[
    ".devcontainer/api.env",
    ".devcontainer/local/.env",
    "config/claude.env",
    "config/deep/x/y.env",
    "config/Upper.ENV",
    "#hash.env",
    "!bang.env",
    "a[b].env",
    "space name.env",
];

/// One rule set: files to write (`~/` under the home), then git commands.
struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    git: &'static [&'static [&'static str]],
}

const fn case(
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    git: &'static [&'static [&'static str]],
) -> Case {
    Case { name, files, git }
}

/// Rule sets where gitignore semantics are subtle (gitignore(5),
/// git-check-ignore(1), git-ls-files(1), git-update-index(1)).
const CORPUS: &[Case] = &[
    case("glob", &[(".gitignore", "*.env\n")], &[]),
    case("basename", &[(".gitignore", "api.env\n")], &[]),
    case(
        "anchored",
        &[(".gitignore", "/api.env\n/config/claude.env\n")],
        &[],
    ),
    case(
        "dir excluded, no re-include",
        &[(".gitignore", ".devcontainer/\n!.devcontainer/api.env\n")],
        &[],
    ),
    case(
        "dir contents, re-include",
        &[(".gitignore", ".devcontainer/*\n!.devcontainer/api.env\n")],
        &[],
    ),
    case(
        "nested negation",
        &[
            (".gitignore", "*.env\n"),
            (".devcontainer/.gitignore", "!api.env\n"),
        ],
        &[],
    ),
    case("nested star", &[(".devcontainer/.gitignore", "*\n")], &[]),
    case(
        "deeper file wins",
        &[
            (".gitignore", "*.env\n"),
            ("config/.gitignore", "!deep/x/y.env\n"),
        ],
        &[],
    ),
    case(
        "double star prefix",
        &[(".gitignore", "**/api.env\n**/x/\n")],
        &[],
    ),
    case("last rule wins", &[(".gitignore", "*.env\n!*.env\n")], &[]),
    case(
        "info/exclude",
        &[(".git/info/exclude", "api.env\n*.ENV\n")],
        &[],
    ),
    case("comment", &[(".gitignore", "#api.env\n# *.env\n")], &[]),
    case(
        "dir-only on a file",
        &[(".gitignore", "api.env/\nclaude.env/\n")],
        &[],
    ),
    case(
        "dir/ vs dir/**",
        &[(".gitignore", "config/**\n!config/deep/\n!config/deep/**\n")],
        &[],
    ),
    case(
        "dir/** then file",
        &[(
            ".gitignore",
            ".devcontainer/**\n!.devcontainer/local/\n!.devcontainer/local/.env\n",
        )],
        &[],
    ),
    case(
        "dir rule, file re-include",
        &[(".gitignore", "config/\n!config/claude.env\n")],
        &[],
    ),
    case(
        "escaped characters",
        &[(
            ".gitignore",
            "\\#hash.env\n\\!bang.env\na\\[b\\].env\nspace\\ name.env\n",
        )],
        &[],
    ),
    case(
        "unescaped specials",
        &[(".gitignore", "a[b].env\n!bang.env\nspace name.env   \n")],
        &[],
    ),
    case(
        "character class",
        &[(".gitignore", "config/[A-Z]*\n[#!]*.env\n")],
        &[],
    ),
    case(
        "default global excludes",
        &[("~/.config/git/ignore", "claude.env\n.env\n")],
        &[],
    ),
    case(
        "core.excludesFile",
        &[
            ("~/.gitconfig", "[core]\n\texcludesFile = ~/my-ignore\n"),
            ("~/my-ignore", "y.env\n"),
            ("~/.config/git/ignore", "*\n"),
        ],
        &[],
    ),
    case(
        "excludesFile in the repository's config",
        &[("~/repo-ignore", "api.env\n")],
        &[&["config", "core.excludesFile", "~/repo-ignore"]],
    ),
    case(
        "include.path in the global config",
        &[
            ("~/.gitconfig", "[include]\n\tpath = more.gitconfig\n"),
            (
                "~/more.gitconfig",
                "[core]\n\texcludesFile = ~/inc-ignore\n",
            ),
            ("~/inc-ignore", "*.env\n"),
        ],
        &[],
    ),
    case(
        "core.ignoreCase",
        &[(".gitignore", "config/upper.env\nAPI.ENV\n")],
        &[&["config", "core.ignoreCase", "true"]],
    ),
    case(
        "tracked but ignored",
        &[(".gitignore", "*.env\n")],
        &[&["add", "-f", ".devcontainer/api.env", "config/claude.env"]],
    ),
    case(
        "committed, then ignored",
        &[],
        &[
            &["add", "-A"],
            &["commit", "-qm", "keys"],
            &["rm", "-q", "--cached", "config/claude.env"],
        ],
    ),
    case(
        "index version 4",
        &[(".gitignore", "*.env\n")],
        &[
            &["add", "-f", "config/deep/x/y.env", "#hash.env"],
            &["update-index", "--index-version", "4"],
        ],
    ),
    case(
        "split index",
        &[],
        &[
            &["add", "config"],
            &["update-index", "--split-index"],
            &["add", "space name.env"],
            &["rm", "-q", "--cached", "config/claude.env"],
        ],
    ),
];

/// The test's own git, in `dir`, with the world's home and no system config.
fn git_in(w: &World, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("HOME", w.home())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("PATH", git_path())
        .output()
        .expect("git runs");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "git {args:?}: {out:?}"
    );
    out
}

/// git's answers for one path: ignored by the rules alone, and in the index.
fn git_says(w: &World, path: &str) -> (bool, bool) {
    let ws = w.workspace();
    let ignored = git_in(w, &ws, &["check-ignore", "--no-index", "-q", "--", path])
        .status
        .success();
    let listed = git_in(
        w,
        &ws,
        &[
            "--literal-pathspecs",
            "ls-files",
            "--cached",
            "-z",
            "--",
            path,
        ],
    )
    .stdout;
    (ignored, !listed.is_empty())
}

/// Writes the corpus's env files and a devcontainer naming each of them.
fn corpus_world(w: &World) {
    for path in CORPUS_PATHS {
        w.workspace_file(path, "SOMETHING=1\n");
    }
    let named: Vec<String> = CORPUS_PATHS
        .iter()
        .map(|p| format!("\"--env-file\", \"{p}\""))
        .collect();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!("{{\"runArgs\": [{}]}}", named.join(", ")),
    );
}

/// Compares ccauth's evidence, judged with no `git` on PATH, with git's
/// answers for every corpus path.
fn assert_agrees(w: World, name: &str) {
    let w = w.with_env("PATH", "");
    let f = w.check(ID);
    let files = f.evidence["env_files"]
        .as_array()
        .expect("env files judged")
        .clone();
    assert_eq!(files.len(), CORPUS_PATHS.len(), "{name}: {files:?}");
    for path in CORPUS_PATHS {
        let ours = files
            .iter()
            .find(|e| e["path"] == *path)
            .unwrap_or_else(|| panic!("{name}: {path} not judged"));
        let (ignored, tracked) = git_says(&w, path);
        assert_eq!(
            ours["git"]["ignored"], ignored,
            "{name}: ignored {path}: {ours}"
        );
        assert_eq!(
            ours["git"]["tracked"], tracked,
            "{name}: tracked {path}: {ours}"
        );
    }
}

#[test]
fn agrees_with_git_on_a_corpus_of_tricky_cases() {
    for case in CORPUS {
        let w = repo().with_env("GIT_CONFIG_NOSYSTEM", "1");
        corpus_world(&w);
        for (file, content) in case.files {
            match file.strip_prefix("~/") {
                Some(rel) => w.home_file(rel, content),
                None => w.workspace_file(file, content),
            };
        }
        for args in case.git {
            git_in(&w, &w.workspace(), args);
        }
        assert_agrees(w, case.name);
    }
}

/// A linked worktree: `.git` is a `gitdir:` file, `info/exclude` lives in the
/// main repository's common directory, the index in the worktree's own.
#[test]
fn agrees_with_git_in_a_linked_worktree() {
    let w = World::new()
        .with_env("PATH", &git_path())
        .with_env("GIT_CONFIG_NOSYSTEM", "1");
    let main = w.home().join("main");
    std::fs::create_dir_all(&main).unwrap();
    git_in(&w, &main, &["init", "-q"]);
    git_in(&w, &main, &["commit", "-q", "--allow-empty", "-m", "root"]);
    std::fs::remove_dir(w.workspace()).unwrap();
    git_in(
        &w,
        &main,
        &[
            "worktree",
            "add",
            "-q",
            &w.workspace().display().to_string(),
        ],
    );
    assert!(w.workspace().join(".git").is_file());
    w.file(&main.join(".git/info/exclude"), "api.env\n");
    corpus_world(&w);
    git_in(&w, &w.workspace(), &["add", "config/claude.env"]);
    assert_agrees(w, "linked worktree");
}

/// git (2.32 and later) does not follow a `.gitignore` that is a symlink.
#[test]
fn agrees_with_git_on_a_symlinked_gitignore() {
    let w = repo().with_env("GIT_CONFIG_NOSYSTEM", "1");
    corpus_world(&w);
    let rules = w.home_file("rules", "*.env\n");
    std::os::unix::fs::symlink(rules, w.workspace().join(".gitignore")).unwrap();
    assert_agrees(w, "symlinked .gitignore");
}

/// A sparse index collapses directories outside the cone; what lies under one
/// is reported as unknown, with the reason, instead of guessed.
#[test]
fn a_collapsed_sparse_directory_is_unknown_not_guessed() {
    let w = repo();
    w.workspace_file("config/claude.env", "SOMETHING=1\n");
    w.workspace_file("app/main.txt", "x\n");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": ["--env-file", "config/claude.env"]}"#,
    );
    w.git(&["add", "-A"]);
    w.git(&["commit", "-qm", "x"]);
    w.git(&[
        "sparse-checkout",
        "set",
        "--cone",
        "--sparse-index",
        "app",
        ".devcontainer",
    ]);
    w.workspace_file("config/claude.env", "SOMETHING=1\n");
    let f = w.check(ID);
    let git = &f.evidence["env_files"][0]["git"];
    assert_eq!(git["tracked"], serde_json::Value::Null, "{git}");
    assert!(
        git["tracked_unknown_because"]
            .as_str()
            .unwrap()
            .contains("sparse index collapses config/"),
        "{git}"
    );
}

#[test]
fn each_env_file_is_its_own_problem_with_its_places_and_repair() {
    let w = repo();
    api_env(&w);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\n  \"runArgs\": [\n    \"--env-file\", \"config/claude.env\"\n  ]\n}\n",
    );
    w.workspace_file("config/claude.env", "SOMETHING=1\n");
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    for problem in &problems {
        assert!(problem["repair"]["summary"].is_string(), "{problem}");
    }
}

#[test]
fn a_reincluding_rule_is_a_place_and_gets_no_repair() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", "*.env\n");
    w.workspace_file(".devcontainer/.gitignore", "# keep it\n!api.env\n");
    let problems = w.problems(ID);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["code"], "env-file-ignored/not-ignored");
    common::assert_place(
        &problems[0]["places"][1],
        ".devcontainer/.gitignore",
        Some(2),
    );
    assert!(problems[0]["repair"].is_null(), "{}", problems[0]);
}

#[test]
fn a_tracked_file_is_coded_tracked() {
    let w = repo();
    api_env(&w);
    w.workspace_file(".gitignore", "*.env\n");
    w.git(&["add", "-f", ".devcontainer/api.env"]);
    let problems = w.problems(ID);
    assert_eq!(problems[0]["code"], "env-file-ignored/tracked");
    common::assert_place(&problems[0]["places"][0], ".devcontainer/api.env", None);
    assert!(problems[0]["repair"].is_null());
}

#[test]
fn compose_env_files_are_judged_for_git_and_missing_ones_reported() {
    let w = World::new()
        .with_env("PATH", &common::git_path())
        .git_init();
    with_compose(
        &w,
        "services:\n  app:\n    env_file:\n      - secrets.env\n      - gone.env\n",
    );
    w.workspace_file("secrets.env", &format!("ANTHROPIC_API_KEY={API_KEY}\n"));
    let f = w.check("env-file-ignored");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause
            .contains("secrets.env (sets ANTHROPIC_API_KEY) is not git-ignored"),
        "{}",
        f.cause
    );
    let f = w.check("devcontainer-env");
    assert!(
        f.cause.contains("gone.env, which does not exist"),
        "{}",
        f.cause
    );
}

/// Issue 16 item 9: `${localWorkspaceFolder}` in an `--env-file` path is the
/// host's folder, mounted here as the workspace, so the file is judged. The
/// runArgs line is the one public setups write (e.g. the Dev Containers
/// guide text `"runArgs": ["--env-file",
/// "${localWorkspaceFolder}/.devcontainer/devcontainer.env"]`, seen
/// 2026-12-02 in the code search).
#[test]
fn an_env_file_named_through_local_workspace_folder_is_judged() {
    let w = repo();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": ["--env-file", "${localWorkspaceFolder}/.devcontainer/devcontainer.env"]}"#,
    );
    w.workspace_file(
        ".devcontainer/devcontainer.env",
        &format!("CLAUDE_CODE_OAUTH_TOKEN={OAUTH_TOKEN}\n"),
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(
        f.cause.contains(".devcontainer/devcontainer.env"),
        "{}",
        f.cause
    );
    w.workspace_file(".gitignore", ".devcontainer/devcontainer.env\n");
    assert_eq!(w.check(ID).status, Status::Pass);
}
