//! `host-credentials-mount` against fake mount tables.

use crate::common;
use crate::common::{API_KEY, OAUTH_TOKEN, World};
use ccauth::checks::Status;
use std::path::Path;

const ID: &str = "host-credentials-mount";

fn login_file(w: &World) {
    w.home_file(
        ".claude/.credentials.json",
        &format!(r#"{{"claudeAiOauth": {{"accessToken": "{OAUTH_TOKEN}", "scopes": ["user:inference"]}}}}"#),
    );
}

#[test]
fn mac_home_bind_mount_without_login_fails() {
    let w = World::new().docker();
    w.mount_mac_claude_dir();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("/Users/ann/.claude"), "{}", f.cause);
    assert!(f.cause.contains("macOS keeps"), "{}", f.cause);
    assert!(f.fix.unwrap().contains("type=volume"));
    assert_eq!(f.evidence["host_mount"]["host_os_hint"], "macOS");
}

#[test]
fn linux_bind_mount_with_a_login_warns_about_shared_refresh_tokens() {
    let w = World::new().docker();
    login_file(&w);
    w.mount_claude_dir("/home/ann/.claude", "ext4", "/dev/sda1");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("refresh-token family"), "{}", f.cause);
}

#[test]
fn bind_mount_made_useless_by_another_credential_warns() {
    let w = World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.mount_claude_dir("/home/ann/.claude", "ext4", "/dev/sda1");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("ANTHROPIC_API_KEY"), "{}", f.cause);
}

#[test]
fn single_file_bind_mount_of_credentials_counts() {
    let w = World::new().docker();
    let creds = w.home().join(".claude/.credentials.json");
    w.mountinfo(&[(
        "/run/desktop/mnt/host/c/Users/ann/.claude/.credentials.json",
        &creds,
        "fakeowner",
        "grpcfuse",
    )]);
    let f = w.check(ID);
    // Nothing is stored yet: credential-missing owns that failure.
    assert_eq!(f.status, Status::Skip, "{}", f.cause);
    assert_eq!(f.evidence["host_mount"]["host_os_hint"], "Windows");
    assert!(
        f.cause.contains(r"C:\Users\ann\.claude\.credentials.json"),
        "{}",
        f.cause
    );
}

#[test]
fn named_volume_passes() {
    let w = World::new().docker();
    w.mount_claude_dir(
        "/var/lib/docker/volumes/claude-config/_data",
        "ext4",
        "/dev/sda1",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("named volume"), "{}", f.cause);
}

#[test]
fn tmpfs_and_no_mount_pass() {
    let w = World::new().docker();
    w.mount_claude_dir("/", "tmpfs", "tmpfs");
    assert!(w.check(ID).cause.contains("tmpfs"));
    let f = World::new().docker().check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("not bind-mounted"));
}

#[test]
fn whole_home_bind_mount_covers_the_config_dir() {
    let w = World::new().docker();
    w.mountinfo(&[("/Users/ann", &w.home(), "virtiofs", "virtiofs")]);
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn path_with_spaces_is_decoded() {
    let w = World::new().docker();
    let dir = w.home().join("my config");
    w.mountinfo(&[("/Users/ann/.claude", &dir, "virtiofs", "virtiofs")]);
    let w = w.with_env("CLAUDE_CONFIG_DIR", &dir.display().to_string());
    assert_eq!(w.check(ID).status, Status::Fail);
}

#[test]
fn unreadable_mount_table_skips() {
    let w = World::new();
    std::fs::remove_file(w.sysroot().join("proc/self/mountinfo")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip);
    assert!(f.cause.contains("mount table could not be read"));
}

#[test]
fn declared_host_mount_in_devcontainer_warns() {
    let w = World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"mounts": ["source=${localEnv:USERPROFILE}/.claude,target=/home/shiny/.claude,type=bind,consistency=cached"]}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause
            .contains("${localEnv:USERPROFILE}/.claude → /home/shiny/.claude"),
        "{}",
        f.cause
    );
}

#[test]
fn declared_volume_mount_is_fine() {
    let w = World::new().docker();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"mounts": [{"source": "claude-code-config", "target": "/home/node/.claude", "type": "volume"}]}"#,
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn skipped_when_no_config_dir_is_known() {
    let w = World::new().docker().without_env("HOME");
    w.sys_file("etc/passwd", "someone:x:4242:4242::/home/someone:/bin/sh\n");
    assert_eq!(w.check(ID).status, Status::Skip);
}

#[test]
fn a_whole_disk_mounted_at_home_is_not_a_bind_mount() {
    let w = World::new();
    w.mountinfo(&[("/", &w.home(), "ext4", "/dev/nvme0n1p3")]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(f.evidence["origin"], "not-a-bind-mount");
}

#[test]
fn a_mac_mount_is_coded_and_placed_in_the_mount_table_and_devcontainer() {
    let w = World::new().docker();
    w.mount_mac_claude_dir();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\n  \"mounts\": [\n    \"source=${localEnv:HOME}/.claude,target=/home/node/.claude,type=bind\"\n  ]\n}\n",
    );
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
}

#[test]
fn a_declared_mount_alone_is_placed_on_its_entry() {
    let w = World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\"mounts\": [\n  \"source=claude,target=/x,type=volume\",\n  \"source=~/.claude,target=/home/node/.claude\"\n]}",
    );
    let problems = w.problems(ID);
    assert_eq!(
        problems[0]["code"],
        "host-credentials-mount/declared-host-mount"
    );
    common::assert_place(
        &problems[0]["places"][0],
        ".devcontainer/devcontainer.json",
        Some(3),
    );
    assert_eq!(problems[0]["places"][0]["column"], 3);
}

#[test]
fn a_real_bind_mount_in_a_private_namespace_is_seen() {
    // unshare -m needs root (or user namespaces); elsewhere the reason is printed.
    if !common::can_unshare("-m") {
        return;
    }
    let w = World::new().docker();
    let host_claude = w.home().parent().unwrap().join("Users/ann/.claude");
    std::fs::create_dir_all(&host_claude).unwrap();
    std::fs::create_dir_all(w.home().join(".claude")).unwrap();
    let file_source = w.home().parent().unwrap().join("host.claude.json");
    std::fs::write(&file_source, "{}").unwrap();
    let config = w.home_file(".claude.json", "{}");
    // Real mounts, real mountinfo: only the container marker comes from the fake root.
    let script = format!(
        "mount --bind {src} {dst} && mount --bind {fsrc} {fdst} && exec {bin} doctor --format json --only host-credentials-mount,config-file",
        src = host_claude.display(),
        dst = w.home().join(".claude").display(),
        fsrc = file_source.display(),
        fdst = config.display(),
        bin = assert_cmd::cargo::cargo_bin("ccauth").display(),
    );
    let sysroot = w.sysroot();
    std::fs::remove_file(sysroot.join("proc/self/mountinfo")).unwrap();
    std::fs::create_dir_all(sysroot.join("proc")).unwrap();
    std::fs::remove_dir(sysroot.join("proc/self")).unwrap();
    std::os::unix::fs::symlink("/proc/self", sysroot.join("proc/self")).unwrap();
    let out = std::process::Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .env_clear()
        .env("HOME", w.home())
        .env("CCAUTH_SYSROOT", &sysroot)
        .current_dir(w.workspace())
        .output()
        .unwrap();
    let report: serde_json::Value = common::parse_output(&out.stdout);
    let finding = |id: &str| common::finding(&report, id).clone();
    let mount = finding("host-credentials-mount");
    // Nothing is stored in the mounted folder: credential-missing fails for that.
    assert_eq!(mount["status"], "skip", "{mount}");
    assert!(
        mount["evidence"]["host_mount"]["host_source"]
            .as_str()
            .unwrap()
            .ends_with("Users/ann/.claude"),
        "{mount}"
    );
    // 2.1.332 writes a single-file mount in place: a warning (issue #17).
    let file = finding("config-file");
    assert_eq!(file["status"], "warn", "{file}");
    assert!(file["cause"].as_str().unwrap().contains("EBUSY"), "{file}");
    assert!(Path::new("/proc/self/mountinfo").exists());
}

#[test]
fn a_first_run_with_nothing_signed_in_is_one_failure() {
    // A Linux host's ~/.claude mounted on purpose, before anyone signed in.
    let w = World::new().docker();
    std::fs::create_dir_all(w.home().join(".claude")).unwrap();
    w.mount_claude_dir("/home/ann/.claude", "ext4", "/dev/sda1");
    assert_eq!(w.failing(), ["credential-missing"]);
    assert_eq!(World::new().docker().failing(), ["credential-missing"]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip, "{}", f.cause);
    assert!(f.cause.contains("credential-missing"), "{}", f.cause);
}

/// The reference devcontainer keeps the login on a named volume with
/// CLAUDE_CONFIG_DIR (anthropics/claude-code `.devcontainer/devcontainer.json`,
/// as checks/host-credentials-mount.md cites it); issue #16 item 5's setup adds
/// the host's `~/.claude` read-only at a seed path to copy settings from. The
/// Mac share's line is Docker Desktop's (`fakeowner /run/host_mark/Users`,
/// root relative to the share).
#[test]
fn a_host_claude_dir_mounted_read_only_as_a_seed_is_not_judged() {
    let w = World::new().docker();
    let (config, seed) = (w.home().join(".claude"), w.home().join(".claude-host"));
    w.real_mountinfo(&[
            format!(
                "812 790 254:1 /var/lib/docker/volumes/claude-code-config-3f2a/_data {} rw,relatime - ext4 /dev/vda1 rw,discard",
                config.display()
            ),
            format!(
                "813 790 0:44 /ann/.claude {} ro,nosuid,nodev,relatime - fakeowner /run/host_mark/Users rw,fakeowner",
                seed.display()
            ),
        ],
    );
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"mounts": [
  "source=claude-code-config-${devcontainerId},target=/home/node/.claude,type=volume",
  "source=${localEnv:HOME}/.claude,target=/home/node/.claude-host,type=bind,readonly"
], "containerEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}}"#,
    );
    let f = w
        .with_env("CLAUDE_CONFIG_DIR", &config.display().to_string())
        .check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(f.cause.contains("named volume"), "{}", f.cause);
    assert_eq!(f.evidence["declared_host_mounts"], serde_json::json!([]));
}

/// A Linux host's `~/.claude` mounted on purpose (Docker Engine's bind line:
/// the root is the host path, the filesystem the host's).
#[test]
fn a_host_login_shadowed_by_an_env_token_shares_no_refresh_token() {
    let w = World::new()
        .docker()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    login_file(&w);
    let dir = w.home().join(".claude");
    w.real_mountinfo(&[format!(
        "734 712 259:2 /home/ann/.claude {} rw,relatime - ext4 /dev/nvme0n1p2 rw",
        dir.display()
    )]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(f.cause.contains("CLAUDE_CODE_OAUTH_TOKEN"), "{}", f.cause);
    assert!(!f.cause.contains("refresh-token family"), "{}", f.cause);
}

/// Docker Desktop 4.15+ on macOS: `… /ann/.claude /home/node/.claude … -
/// fakeowner /run/host_mark/Users …` (issue #16 item 6; fakeowner since 4.15,
/// my127/workspace#160). The root is relative to the share.
#[test]
fn docker_desktop_macos_share_gives_the_keychain_diagnosis() {
    let w = World::new().docker();
    let dir = w.home().join(".claude");
    std::fs::create_dir_all(&dir).unwrap();
    w.real_mountinfo(&[format!(
            "1511 1490 0:44 /ann/.claude {} rw,nosuid,nodev,relatime - fakeowner /run/host_mark/Users rw,fakeowner",
            dir.display()
        )],
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert_eq!(f.problems[0].code, "host-credentials-mount/macos-keychain");
    assert!(
        f.cause
            .contains("(/Users/ann/.claude, which looks like a macOS host)"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("Keychain"), "{}", f.cause);
    assert_eq!(
        f.evidence["host_mount"]["host_source"],
        "/Users/ann/.claude"
    );
    assert_eq!(f.evidence["host_mount"]["host_os_hint"], "macOS");
}

/// Docker Desktop on Windows (WSL 2 backend): the drive is a 9p share whose
/// source is `C:\134` (a backslash, escaped) with `aname=drvfs;path=C:\`, the
/// format WSL shows for `/mnt/c`; the root is the path on the drive.
#[test]
fn docker_desktop_windows_share_is_shown_as_windows_spells_it() {
    let w = World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY);
    let dir = w.home().join(".claude");
    w.real_mountinfo(&[format!(
            "1602 1580 0:61 /Users/ann/.claude {} rw,noatime - 9p C:\\134 rw,dirsync,aname=drvfs;path=C:\\;uid=0;gid=0;symlinkroot=/mnt/host/,mmap,access=client,msize=65536,trans=fd,rfd=3,wfd=3",
            dir.display()
        )],
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(
        f.cause
            .contains(r"(C:\Users\ann\.claude, which looks like a Windows host)"),
        "{}",
        f.cause
    );
    assert_eq!(f.evidence["host_mount"]["host_os_hint"], "Windows");
}

/// Inside WSL, a config dir on a Windows drive: WSL mounts the drive as `9p`
/// with source `C:\134` and `aname=drvfs;path=C:\` (the format WSL's
/// `/proc/self/mountinfo` shows for `/mnt/c`).
#[test]
fn a_config_dir_on_a_wsl_drive_is_the_windows_folder() {
    let w = World::new();
    let drive = w.home().join("mnt/c");
    let dir = drive.join("Users/ann/.claude");
    w.real_mountinfo(&[format!(
        "86 60 0:61 / {} rw,noatime - 9p C:\\134 rw,dirsync,aname=drvfs;path=C:\\;uid=1000;gid=1000;symlinkroot=/mnt/,mmap,access=client,msize=65536,trans=fd,rfd=5,wfd=5",
        drive.display()
    )]);
    let w = w
        .with_env("CLAUDE_CONFIG_DIR", &dir.display().to_string())
        .with_env("ANTHROPIC_API_KEY", API_KEY);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(
        f.evidence["host_mount"]["host_source"],
        r"C:\Users\ann\.claude"
    );
}
