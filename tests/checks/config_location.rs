//! `config-location` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "config-location";

#[test]
fn a_normal_home_passes() {
    assert_eq!(World::new().check(ID).status, Status::Pass);
}

#[test]
fn home_unset_falls_back_or_fails() {
    let f = World::new().without_env("HOME").check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains("falls back to the passwd home"),
        "{}",
        f.cause
    );
    let w = World::new().without_env("HOME");
    w.sys_file("etc/passwd", "x:x:4242:4242::/h:/bin/sh\n");
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn home_slash_and_home_cwd_and_passwd_mismatch() {
    let f = World::new().with_env("HOME", "/").check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("HOME is /"), "{}", f.cause);

    let w = World::new();
    let ws = w.workspace().display().to_string();
    let f = w.with_env("HOME", &ws).check(ID);
    assert!(
        f.cause.contains("HOME is the working directory"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("/etc/passwd gives uid"), "{}", f.cause);
}

#[test]
fn a_missing_home_fails() {
    let f = World::new().with_env("HOME", "/nonexistent/home").check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("does not exist"), "{}", f.cause);
}

#[test]
fn config_dir_empty_tilde_relative_missing() {
    let cases = [
        ("", Status::Warn, "set but empty"),
        ("~/.claude", Status::Fail, "no shell expands ~"),
        ("cfg/claude", Status::Fail, "relative path"),
        ("/nonexistent/claude", Status::Warn, "does not exist"),
    ];
    for (value, status, text) in cases {
        let f = World::new().with_env("CLAUDE_CONFIG_DIR", value).check(ID);
        assert_eq!(f.status, status, "{value}: {}", f.cause);
        assert!(f.cause.contains(text), "{value}: {}", f.cause);
    }
}

#[test]
fn a_literal_tilde_directory_warns() {
    let w = World::new();
    std::fs::create_dir_all(w.workspace().join("~/.claude")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("literally named ~"), "{}", f.cause);
}

#[test]
fn the_problems_are_coded_and_placed() {
    let w = World::new().with_env("CLAUDE_CONFIG_DIR", "~/.claude");
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
}

/// CLAUDE_CONFIG_DIR is set where the launcher sets variables, not in a
/// devcontainer.json that a bare container does not have.
#[test]
fn the_config_dir_fix_is_worded_for_who_starts_claude() {
    let fix = |w: World| {
        w.with_env("CLAUDE_CONFIG_DIR", "~/.claude")
            .check(ID)
            .fix
            .unwrap()
    };
    let docker = fix(World::new().docker());
    assert!(
        docker.contains("docker run -e CLAUDE_CONFIG_DIR=/absolute/path"),
        "{docker}"
    );
    assert!(!docker.contains("containerEnv"), "{docker}");
    let compose = fix(World::new().docker().launched_by(Launcher::Compose));
    assert!(
        compose.contains("environment: [CLAUDE_CONFIG_DIR=/absolute/path]"),
        "{compose}"
    );
    let host = fix(World::new());
    assert!(
        host.contains("export CLAUDE_CONFIG_DIR=/absolute/path"),
        "{host}"
    );
}

/// A GitHub Actions container job (`container:`) runs every step as root
/// with HOME=/github/home, a bind mount of the runner's
/// `_temp/_github_home` (actions/runner#863), while /etc/passwd gives root
/// /root: every step has that HOME, so nothing looks elsewhere. The same
/// mismatch in a container a person `docker exec`s into still warns.
#[test]
fn a_ci_container_jobs_home_is_not_a_mismatch() {
    let w = World::new().docker().judged_as_uid(0);
    w.sys_file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    let home = w.sysroot().join("github/home");
    std::fs::create_dir_all(&home).unwrap();
    let w = w
        .with_env("HOME", &home.display().to_string())
        .with_env("GITHUB_ACTIONS", "true")
        .with_env("CI", "true");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    let f = w.launched_by(Launcher::Docker).check(ID);
    assert_eq!(
        f.problems[0].code,
        "config-location/home-differs-from-passwd"
    );
}
