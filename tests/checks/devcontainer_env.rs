//! `devcontainer-env` against fixture worlds.

use crate::common;
use crate::common::{API_KEY, OAUTH_TOKEN, World};
use crate::with_compose;
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "devcontainer-env";

#[test]
fn skipped_without_a_devcontainer() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

/// A devcontainer.json with CLAUDE_CONFIG_DIR in remoteEnv only, in a
/// container with no VS Code marker.
fn remote_env_world(json: &str) -> World {
    let w = World::new().docker();
    w.workspace_file(".devcontainer/devcontainer.json", json);
    w
}

const CONFIG_DIR_IN_REMOTE_ENV: &str =
    r#"{"remoteEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}}"#;

#[test]
fn remote_env_that_reached_this_process_is_no_problem() {
    let w = remote_env_world(CONFIG_DIR_IN_REMOTE_ENV)
        .with_env("CLAUDE_CONFIG_DIR", "/home/node/.claude");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    // Neither where no devcontainer starts claude: a CI job, a host shell.
    for launcher in [Launcher::Ci, Launcher::Host] {
        let w = remote_env_world(CONFIG_DIR_IN_REMOTE_ENV).launched_by(launcher);
        assert_eq!(w.check(ID).status, Status::Pass, "{launcher:?}");
    }
}

#[test]
fn remote_env_that_did_not_arrive_warns_naming_the_launchers_that_skip_it() {
    // The devcontainer CLI is a guess here (docker exec looks the same).
    let f = remote_env_world(CONFIG_DIR_IN_REMOTE_ENV).check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(
        f.cause
            .contains("passes CLAUDE_CONFIG_DIR through remoteEnv only")
            && f.cause.contains("the devcontainer CLI applies remoteEnv")
            && f.cause.contains("docker exec, docker compose exec"),
        "{}",
        f.cause
    );
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("devcontainer exec") && !fix.contains("containerEnv"),
        "{fix}"
    );
}

/// `docker compose exec` never applies remoteEnv: a secret set only there
/// and missing here is the cause, and the fix keeps it out of containerEnv
/// (stored in the container's configuration, shown by `docker inspect`).
#[test]
fn remote_env_under_a_launcher_that_skips_it_is_the_cause() {
    let w = World::new().docker().launched_by(Launcher::Compose);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"}}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(f.cause.contains("does not apply remoteEnv"), "{}", f.cause);
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("environment: [CLAUDE_CODE_OAUTH_TOKEN]"),
        "{fix}"
    );
    assert!(!fix.contains("containerEnv"), "{fix}");
}

#[test]
fn remote_env_only_is_placed_on_the_entry() {
    let w = remote_env_world(
        "{\n  \"remoteEnv\": {\n    \"CLAUDE_CONFIG_DIR\": \"/home/node/.claude\"\n  }\n}",
    );
    let problems = w.problems(ID);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["code"], "devcontainer-env/remote-env-only");
    let place = &problems[0]["places"][0];
    common::assert_place(place, ".devcontainer/devcontainer.json", Some(3));
    assert_eq!(place["column"], 5);
}

#[test]
fn a_missing_env_file_is_placed_on_its_run_arg() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\"runArgs\": [\"-it\",\n  \"--env-file=.devcontainer/gone.env\"]}",
    );
    let problems = w.problems(ID);
    assert_eq!(problems[0]["code"], "devcontainer-env/missing-env-file");
    common::assert_place(
        &problems[0]["places"][0],
        ".devcontainer/devcontainer.json",
        Some(2),
    );
}

#[test]
fn container_env_passes() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"containerEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}, "remoteEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}}"#,
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn an_empty_local_env_value_warns_unless_credential_missing_owns_it() {
    let config = r#"{"containerEnv": {"ANTHROPIC_API_KEY": "${localEnv:ANTHROPIC_API_KEY}", "CLAUDE_CONFIG_DIR": "${localEnv:CFG}"}}"#;
    let w = World::new()
        .with_env("ANTHROPIC_API_KEY", "")
        .with_env("CLAUDE_CONFIG_DIR", "");
    w.workspace_file(".devcontainer/devcontainer.json", config);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("the host had no CFG"), "{}", f.cause);
    assert!(
        !f.cause.contains("the host had no ANTHROPIC_API_KEY"),
        "credential-missing owns it: {}",
        f.cause
    );

    let w = w.with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let f = w.check(ID);
    assert!(
        f.cause.contains("the host had no ANTHROPIC_API_KEY"),
        "{}",
        f.cause
    );
}

#[test]
fn a_missing_env_file_warns() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": ["--env-file", ".devcontainer/api.env"]}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("does not exist"), "{}", f.cause);
}

#[test]
fn an_interpolated_variable_the_host_lacked_warns() {
    let w = World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .with_env("CLAUDE_CONFIG_DIR", "");
    with_compose(
        &w,
        "services:\n  app:\n    environment:\n      CLAUDE_CONFIG_DIR: ${CFG_DIR}\n",
    );
    let f = w.check("devcontainer-env");
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("from the host's CFG_DIR"), "{}", f.cause);
}

#[test]
fn a_passthrough_that_arrived_passes() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    with_compose(
        &w,
        "services:\n  app:\n    environment:\n      - ANTHROPIC_API_KEY\n",
    );
    assert_eq!(w.check("devcontainer-env").status, Status::Pass);
}

#[test]
fn the_problems_are_coded_and_placed() {
    let w = World::new().docker();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\n  \"remoteEnv\": {\"CLAUDE_CONFIG_DIR\": \"/home/node/.claude\"},\n  \"runArgs\": [\"--env-file=.devcontainer/gone.env\"]\n}",
    );
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
}

/// Issue 16 item 9: the devcontainer variables in an `--env-file` path are
/// substituted before the file is looked for; one only the host knows
/// (`${localEnv:HOME}`) is not reported missing, since it cannot be seen.
#[test]
fn env_file_paths_with_devcontainer_variables_are_substituted() {
    let w = World::new().with_env("ENV_DIR", "/nonexistent");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": [
            "--env-file", "${localWorkspaceFolder}/.devcontainer/api.env",
            "--env-file=${containerWorkspaceFolder}/local.env",
            "--env-file", "${localEnv:HOME}/.config/claude.env"
        ]}"#,
    );
    w.workspace_file(".devcontainer/api.env", "X=1\n");
    w.workspace_file("local.env", "Y=1\n");
    let f = w.check(ID);
    assert!(!f.cause.contains("does not exist"), "{}", f.cause);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"runArgs": ["--env-file", "${localWorkspaceFolder}/.devcontainer/gone.env"]}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains("gone.env") && f.cause.contains("does not exist"),
        "{}",
        f.cause
    );
}
