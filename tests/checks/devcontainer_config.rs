//! `devcontainer-config` against fixture workspaces.

use crate::common::World;
use crate::with_compose;
use ccauth::checks::Status;

const ID: &str = "devcontainer-config";

#[test]
fn skipped_without_a_devcontainer() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn jsonc_with_comments_and_trailing_commas_passes() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\n  // c\n  /* d */ \"name\": \"x\",\n}\n",
    );
    w.workspace_file(".devcontainer/python/devcontainer.json", "{}");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(
        f.cause
            .contains(".devcontainer/devcontainer.json and .devcontainer/python/devcontainer.json")
    );
}

#[test]
fn a_missing_comma_fails_with_line_and_column() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer.json",
        "{\n  \"name\": \"x\"\n  \"image\": \"y\"\n}\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause
            .contains(".devcontainer.json is not valid JSON (Expected comma on line 2 column"),
        "{}",
        f.cause
    );
}

#[test]
fn looser_json5_is_refused() {
    let w = World::new();
    w.workspace_file(".devcontainer/devcontainer.json", "{name: 'x'}");
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn a_directory_or_an_empty_file_fails() {
    let w = World::new();
    std::fs::create_dir_all(w.workspace().join(".devcontainer/devcontainer.json")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("is a directory"), "{}", f.cause);
    let w = World::new();
    w.workspace_file(".devcontainer/devcontainer.json", "  \n");
    assert!(w.check(ID).cause.contains("is empty"));
}

#[test]
fn a_broken_file_does_not_hide_other_findings() {
    let w = World::new().docker();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\"forwardPorts\": [54545}",
    );
    let f = w.check("oauth-callback-port");
    assert_eq!(f.status, Status::Warn);
}

#[test]
fn the_parse_error_is_placed_at_its_line_and_column() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\n  \"name\": \"x\"\n  \"image\": \"y\"\n}\n",
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
}

#[test]
fn a_broken_compose_file_is_a_devcontainer_config_failure() {
    let w = World::new();
    with_compose(&w, "services:\n  app: [\n");
    let f = w.check("devcontainer-config");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.cause.contains("docker-compose.yml is not valid"),
        "{}",
        f.cause
    );
}
