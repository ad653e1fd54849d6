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
fn nothing_mounted_passes_when_the_credential_comes_back_with_each_container() {
    let f = World::new().docker().check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("nothing is signed in yet"), "{}", f.cause);
    let f = World::new()
        .docker()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", crate::common::OAUTH_TOKEN)
        .check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("CLAUDE_CODE_OAUTH_TOKEN"), "{}", f.cause);
}

/// The corpus's firewall-Feature world (tests/corpus): a stored login on the
/// container layer is lost when the container is created again; the check
/// once passed it "with an env credential" that was not there.
#[test]
fn a_stored_login_on_the_container_layer_warns_in_the_launchers_terms() {
    let w = World::new().docker();
    let path = crate::with_login(&w, &crate::fresh_login());
    let problems = w.problems(ID);
    assert_eq!(
        crate::common::codes(&problems),
        ["config-persistence/login-not-persisted"]
    );
    let f = w.check(ID);
    let fix = f.fix.unwrap();
    assert!(fix.contains("docker run -v claude-state"), "{fix}");
    assert!(f.cause.contains(&path.display().to_string()), "{}", f.cause);
    let compose = World::new()
        .docker()
        .launched_by(ccauth::gather::launcher::Launcher::Compose);
    crate::with_login(&compose, &crate::fresh_login());
    let fix = compose.check(ID).fix.unwrap();
    assert!(fix.contains("volumes:"), "{fix}");
}
