//! `config-persistence` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;

const ID: &str = "config-persistence";

#[test]
fn skipped_outside_containers() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn a_volume_on_the_dir_alone_warns() {
    let w = World::new().docker();
    w.mount_claude_dir("/var/lib/docker/volumes/cfg/_data", "ext4", "/dev/sda1");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.fix.unwrap().contains("CLAUDE_CONFIG_DIR"));
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
}

/// The fix is worded for who starts claude: `docker run -e` for a bare
/// container, never a devcontainer.json there is none of; and a CI job's
/// container keeps nothing between runs, by design.
#[test]
fn the_fix_follows_the_launcher_and_a_ci_job_is_skipped() {
    let w = World::new().docker();
    w.mount_claude_dir("/var/lib/docker/volumes/cfg/_data", "ext4", "/dev/sda1");
    let fix = w.check(ID).fix.unwrap();
    assert!(fix.contains("docker run -e CLAUDE_CONFIG_DIR="), "{fix}");
    assert!(!fix.contains("containerEnv"), "{fix}");
    let vscode = w.with_env("REMOTE_CONTAINERS", "true");
    let fix = vscode.check(ID).fix.unwrap();
    assert!(
        fix.contains("\"containerEnv\"") && fix.contains("Rebuild"),
        "{fix}"
    );
    let ci = vscode.with_env("GITHUB_ACTIONS", "true").check(ID);
    assert_eq!(ci.status, Status::Skip, "{}", ci.cause);
}

#[test]
fn config_dir_pointing_into_the_volume_passes() {
    let w = World::new().docker();
    let dir = w.home().join("volume");
    std::fs::create_dir_all(&dir).unwrap();
    w.mountinfo(&[(
        "/var/lib/docker/volumes/cfg/_data",
        &dir,
        "ext4",
        "/dev/sda1",
    )]);
    let w = w.with_env("CLAUDE_CONFIG_DIR", &dir.display().to_string());
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(f.cause.contains("both on mounted storage"));
}

#[test]
fn nothing_mounted_passes_with_a_note() {
    let f = World::new().docker().check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("starts from scratch"));
}
