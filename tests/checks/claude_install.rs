//! `claude-install` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;
use std::os::unix::fs::PermissionsExt;

const ID: &str = "claude-install";

fn with_claude(w: World, version: &str, native: bool) -> World {
    let bin = w.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let target = if native {
        w.home_file(
            &format!(".local/share/claude/versions/{version}"),
            "#!/bin/sh\n",
        )
    } else {
        w.npm_claude(version)
    };
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink(&target, bin.join("claude")).unwrap();
    let path = bin.display().to_string();
    w.with_env("PATH", &path)
}

#[test]
fn missing_claude_warns_with_install_commands() {
    let f = World::new().with_env("PATH", "/nonexistent").check(ID);
    assert_eq!(f.status, Status::Warn);
    assert_eq!(f.problems[0].code, "claude-install/not-on-path");
    assert!(
        f.fix
            .unwrap()
            .contains("npm install -g @anthropic-ai/claude-code")
    );
}

/// A workflow's preflight runs before the step that installs claude: no
/// warning there, and the reason says so.
#[test]
fn not_yet_on_path_in_a_ci_job_is_skipped() {
    let f = World::new()
        .with_env("PATH", "/nonexistent")
        .with_env("GITHUB_ACTIONS", "true")
        .check(ID);
    assert_eq!(f.status, Status::Skip, "{}", f.cause);
    assert!(f.cause.contains("a later step installs it"), "{}", f.cause);
    let given = World::new()
        .with_env("PATH", "/nonexistent")
        .launched_by(Launcher::Ci)
        .check(ID);
    assert_eq!(given.status, Status::Skip);
}

#[test]
fn a_good_version_passes_and_broken_ones_warn() {
    let f = with_claude(World::new(), "2.1.332", false).check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(
        f.cause.contains("claude 2.1.332 (npm install)"),
        "{}",
        f.cause
    );
    for version in ["2.1.105", "2.1.107", "2.1.240"] {
        let f = with_claude(World::new(), version, true).check(ID);
        assert_eq!(f.status, Status::Warn, "{version}");
        let kinds: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(kinds, ["claude-install/broken-version"], "{version}");
    }
    assert_eq!(
        with_claude(World::new(), "2.1.108", true).check(ID).status,
        Status::Pass
    );
}

#[test]
fn an_install_method_mismatch_warns() {
    let w = with_claude(World::new(), "2.1.332", false);
    w.home_file(".claude.json", r#"{"installMethod": "native"}"#);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("installMethod \"native\""), "{}", f.cause);
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
    w.home_file(".claude.json", r#"{"installMethod": "npm-global"}"#);
    assert_eq!(w.check(ID).status, Status::Pass);
}

/// `.claude.json` from a Mac through Docker Desktop's share (`… /ann/.claude.json
/// <home>/.claude.json … - fakeowner /run/host_mark/Users …`, the format of
/// issue #16 item 6; fakeowner since 4.15, my127/workspace#160): the host's
/// claude wrote installMethod "native"; the container's npm install is not
/// a second copy of it.
#[test]
fn an_install_method_from_a_host_config_is_not_a_mismatch() {
    let w = with_claude(World::new().docker(), "2.1.332", false);
    let config = w.home_file(".claude.json", r#"{"installMethod": "native"}"#);
    w.real_mountinfo(&[format!(
        "1512 1490 0:44 /ann/.claude.json {} rw,nosuid,nodev,relatime - fakeowner /run/host_mark/Users rw,fakeowner",
        config.display()
    )]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(
        f.cause
            .contains("bind-mounted from /Users/ann/.claude.json, a macOS host"),
        "{}",
        f.cause
    );
}
