//! `config-file` against fixture worlds.

use crate::common::World;
use crate::is_root;
use ccauth::checks::Status;
use std::os::unix::fs::PermissionsExt;

const ID: &str = "config-file";

#[test]
fn a_missing_file_passes_and_a_good_one_passes() {
    let f = World::new().check(ID);
    assert_eq!(f.status, Status::Pass);
    assert!(f.cause.contains("does not exist yet"));
    let w = World::new();
    w.home_file(".claude.json", "{}");
    assert!(w.check(ID).cause.contains("parses and can be rewritten"));
}

#[test]
fn a_directory_fails_with_eisdir() {
    let w = World::new();
    std::fs::create_dir_all(w.home().join(".claude.json")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("EISDIR"), "{}", f.cause);
}

#[test]
fn broken_json_names_the_newest_backup_that_parses() {
    let w = World::new();
    w.home_file(".claude.json", "{\"numStartups\": 3,\n \"projects\": {");
    w.home_file(
        ".claude/backups/.claude.json.backup.1000",
        "{\"good\": true}",
    );
    w.home_file(".claude/backups/.claude.json.backup.2000", "{broken");
    w.home_file(
        ".claude/backups/.claude.json.backup.500",
        "{\"older\": true}",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("line 2"), "{}", f.cause);
    let fix = f.fix.unwrap();
    assert!(fix.contains(".claude.json.backup.1000"), "{fix}");
    assert!(!fix.contains("backup.2000"), "{fix}");
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    let repair = problems[0]["repair"]["summary"].as_str().unwrap();
    assert!(repair.contains(".claude.json.backup.1000"), "{repair}");
    assert_eq!(problems[0]["repair"]["needs_naming"], true);
}

#[test]
fn broken_json_without_backups_says_so() {
    let w = World::new();
    w.home_file(".claude.json", "{");
    assert!(w.check(ID).fix.unwrap().contains("No backup that parses"));
}

#[test]
fn an_empty_file_warns() {
    let w = World::new();
    w.home_file(".claude.json", "");
    assert_eq!(w.check(ID).status, Status::Warn);
}

/// Seen on 2.1.332 in tmux (throwaway homes, issue #17): a single-file
/// bind mount was rewritten in place and the prompt reached; on a
/// read-only mount saves failed silently and sign-in still worked.
#[test]
fn a_single_file_mount_and_a_read_only_mount_warn_that_state_may_not_persist() {
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    w.mountinfo(&[("/home/ann/.claude.json", &file, "ext4", "/dev/sda1")]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(codes_of(&f), ["config-file/single-file-mount"]);
    assert!(f.cause.contains("EBUSY"), "{}", f.cause);
    assert!(
        f.cause.contains("rewrites the file in place"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("sign-in works"), "{}", f.cause);

    let w = World::new();
    w.home_file(".claude.json", "{}");
    let table = format!(
        "1 0 0:31 / / rw - overlay overlay rw\n2 1 8:1 /home/ann {} ro,relatime - ext4 /dev/sda1 rw\n",
        w.home().display()
    );
    w.sys_file("proc/self/mountinfo", &table);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(codes_of(&f), ["config-file/read-only-mount"]);
    assert!(f.cause.contains("EROFS"), "{}", f.cause);
    assert!(f.cause.contains("sign-in works"), "{}", f.cause);
    assert!(f.cause.contains("is lost when it exits"), "{}", f.cause);
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
}

fn codes_of(f: &ccauth::checks::Finding) -> Vec<&str> {
    f.problems.iter().map(|p| p.code.as_str()).collect()
}

fn codes_in(f: &serde_json::Value) -> Vec<&str> {
    f["problems"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect()
}

#[test]
fn root_may_write_a_read_only_file() {
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
    let f = w.check(ID);
    if is_root() {
        assert_eq!(f.status, Status::Pass, "{}", f.cause);
    } else {
        assert_eq!(f.status, Status::Warn, "{}", f.cause);
    }
}

/// A read-only file of this user's, as uid 1000: 2.1.332 (`claude auth
/// status` as uid 1000, throwaway home, 2026-12-02) still rewrote a 0444
/// file of its own and kept the mode, so saves land.
#[test]
fn a_read_only_file_in_a_writable_home_is_replaced_not_a_failure() {
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let Some(f) = crate::finding_as_uid_1000(&w, ID) else {
        return;
    };
    assert_eq!(f["status"], "warn", "{f}");
    assert_eq!(codes_in(&f), ["config-file/not-writable"], "{f}");
    let cause = f["cause"].as_str().unwrap();
    assert!(cause.contains("still rewrote such a file"), "{cause}");
    assert!(cause.contains("saves still land"), "{cause}");
}

/// A read-only HOME with a writable `.claude.json`, as uid 1000: 2.1.332
/// rewrote the file in place (same inode) and reached the prompt (tmux,
/// issue #17).
#[test]
fn a_read_only_home_with_a_writable_file_is_written_in_place() {
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    // Handed to uid 1000 first, then HOME made read-only.
    if crate::finding_as_uid_1000(&w, ID).is_none() {
        return;
    }
    std::fs::set_permissions(w.home(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let f = crate::finding_as_uid_1000(&w, ID).unwrap();
    assert_eq!(f["status"], "warn", "{f}");
    assert_eq!(codes_in(&f), ["config-file/directory-not-writable"], "{f}");
    let cause = f["cause"].as_str().unwrap();
    assert!(cause.contains("rewrites the file in place"), "{cause}");
    assert!(cause.contains("sign-in works"), "{cause}");

    // The file read-only too: nothing can be saved, still a warning, said once.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let f = crate::finding_as_uid_1000(&w, ID).unwrap();
    assert_eq!(f["status"], "warn", "{f}");
    assert_eq!(codes_in(&f), ["config-file/not-writable"], "{f}");
    let cause = f["cause"].as_str().unwrap();
    assert!(cause.contains("every save fails"), "{cause}");
}

#[test]
fn two_config_files_warn() {
    let w = World::new();
    w.home_file(".claude.json", "{\"hasCompletedOnboarding\": true}");
    w.home_file(".claude/.config.json", "{}");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("Two config files exist"), "{}", f.cause);
}

/// 2.1.332's choice between the files (its `sE()`), run in throwaway homes
/// with `claude auth status` on 2026-12-02: an empty legacy file whose mode
/// has a write bit is what it wrote when `.claude.json` was missing, and an
/// empty `.claude.json` beside a non-empty legacy file gave no warning.
#[test]
fn an_empty_legacy_file_is_read_when_claude_json_is_missing() {
    let w = World::new();
    let legacy = w.home_file(".claude/.config.json", "");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert_eq!(codes_of(&f), ["config-file/empty-legacy"]);
    assert!(
        f.cause.contains(&legacy.display().to_string()),
        "{}",
        f.cause
    );
    assert!(f.fix.unwrap().contains("rm "));

    // With no write bit the client ignores it, and .claude.json is new.
    std::fs::set_permissions(&legacy, std::fs::Permissions::from_mode(0o444)).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(
        f.cause.contains(".claude.json does not exist yet"),
        "{}",
        f.cause
    );

    // Beside a .claude.json, an empty legacy file is ignored.
    std::fs::set_permissions(&legacy, std::fs::Permissions::from_mode(0o644)).unwrap();
    w.home_file(".claude.json", "{}");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(!f.cause.contains(".config.json"), "{}", f.cause);
}

#[test]
fn a_legacy_file_over_an_empty_claude_json_is_read_without_the_warning() {
    let w = World::new();
    w.home_file(".claude.json", "");
    let legacy = w.home_file(".claude/.config.json", "{}");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(
        f.cause.contains(&legacy.display().to_string()),
        "{}",
        f.cause
    );

    // A directory named .config.json is no config file to the client.
    let w = World::new();
    std::fs::create_dir_all(w.home().join(".claude/.config.json")).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert!(
        f.cause.contains(".claude.json does not exist yet"),
        "{}",
        f.cause
    );
}

/// A compose service mounting `./.claude.json` from a project folder where
/// the file does not exist: Docker makes a directory on the host and mounts
/// it. The line is Docker Engine's on a Linux host (the root is the host
/// path on the host's filesystem; proc(5)).
fn a_missing_file_bind_mounted(root: &str) -> World {
    let w = World::new()
        .docker()
        .launched_by(ccauth::gather::launcher::Launcher::Compose);
    let config = w.home().join(".claude.json");
    std::fs::create_dir_all(&config).unwrap();
    w.real_mountinfo(&[format!(
        "903 880 259:2 {root} {} rw,relatime - ext4 /dev/nvme0n1p2 rw",
        config.display()
    )]);
    w
}

#[test]
fn a_directory_made_by_a_bind_mount_is_fixed_on_the_host() {
    let w = a_missing_file_bind_mounted("/home/ann/proj/.claude.json");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    let codes: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        ["config-file/is-a-directory"],
        "said once, not also as a single-file mount"
    );
    assert!(
        f.cause
            .contains("a bind mount of /home/ann/proj/.claude.json"),
        "{}",
        f.cause
    );
    let fix = f.fix.unwrap();
    assert!(fix.starts_with("On the host, not in here"), "{fix}");
    assert!(fix.contains("Device or resource busy"), "{fix}");
    assert!(
        fix.contains("rmdir /home/ann/proj/.claude.json && "),
        "{fix}"
    );
    assert!(
        fix.contains("docker compose up -d --force-recreate"),
        "{fix}"
    );
    assert!(fix.contains("volumes: [\"~/.claude:"), "{fix}");
    assert!(fix.contains("CLAUDE_CONFIG_DIR="), "{fix}");
    let home = w.home().join(".claude.json").display().to_string();
    assert!(!fix.contains(&format!("rmdir {home}")), "{fix}");
    assert_eq!(
        f.problems[0].places.len(),
        2,
        "the file and the mount table's line"
    );
}

/// `.\.claude.json` in a compose file written on Windows, used on a Unix
/// host: the mount table escapes the backslash as `\134` (proc(5)).
#[test]
fn a_backslash_in_the_mount_source_is_named_a_windows_path() {
    let w = a_missing_file_bind_mounted("/home/ann/proj/.\\134.claude.json");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(
        f.cause.contains("/home/ann/proj/.\\.claude.json"),
        "{}",
        f.cause
    );
    assert!(f.cause.contains("a Windows path"), "{}", f.cause);
    let fix = f.fix.unwrap();
    assert!(fix.contains("./.claude.json, not .\\.claude.json"), "{fix}");
}

#[test]
fn other_checks_do_not_edit_that_directory_with_jq() {
    let w = a_missing_file_bind_mounted("/home/ann/proj/.claude.json")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", crate::common::OAUTH_TOKEN)
        .with_env("ANTHROPIC_API_KEY", crate::common::API_KEY);
    let onboarding = w.check("onboarding-flag");
    let fix = onboarding.fix.unwrap_or_default();
    assert!(!fix.contains("jq"), "{fix}");
    assert!(fix.contains("Device or resource busy"), "{fix}");
    let approval = w.check("api-key-approval");
    assert_eq!(approval.status, Status::Skip, "{}", approval.cause);
    assert!(approval.fix.unwrap_or_default().is_empty());
}

/// No check names a legacy `.config.json` that is not there (issue #17):
/// every check's output, in worlds whose `.claude.json` is broken, missing,
/// a directory, read-only, or another uid's.
#[test]
fn no_output_names_a_legacy_file_that_does_not_exist() {
    let worlds: Vec<World> = vec![
        World::new(),
        {
            let w = World::new();
            w.home_file(".claude.json", "{\"projects\": {");
            w
        },
        {
            let w = World::new();
            std::fs::create_dir_all(w.home().join(".claude.json")).unwrap();
            w
        },
        {
            let w = World::new().with_env("ANTHROPIC_API_KEY", crate::common::API_KEY);
            w.home_file(".claude.json", "{}");
            w
        },
    ];
    for w in &worlds {
        let out = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(".config.json"), "{text}");
    }
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    std::os::unix::fs::chown(&file, Some(501), Some(20)).ok();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    if crate::finding_as_uid_1000(&w, "file-ownership").is_some() {
        let out = w
            .ccauth_as_uid_1000(&["doctor", "--format", "json"], std::path::Path::new("/"))
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("config-replaced"), "{text}");
        assert!(!text.contains(".config.json"), "{text}");
    }
}

/// A real read-only bind mount of HOME (in a private mount namespace), so
/// the kernel also says "not writable": read-only-mount is said once, not
/// again as not-writable and directory-not-writable.
#[test]
fn a_real_read_only_mount_is_said_once() {
    if !crate::common::can_unshare("-m") {
        return;
    }
    let w = World::new();
    w.home_file(".claude.json", "{}");
    let home = w.home().display().to_string();
    w.sys_file(
        "proc/self/mountinfo",
        &format!(
            "1 0 0:31 / / rw - overlay overlay rw\n2 1 8:1 /home/ann {home} ro,relatime - ext4 /dev/sda1 rw\n"
        ),
    );
    let script = format!(
        "mount --bind {home} {home} && mount -o remount,bind,ro {home} && exec \"$1\" doctor --format json --only {ID}"
    );
    let out = w.in_mount_namespace(&script);
    let report = crate::common::parse_output(&out.stdout);
    let f = crate::common::finding(&report, ID);
    assert_eq!(f["status"], "warn", "{f}");
    assert_eq!(codes_in(f), ["config-file/read-only-mount"], "{f}");
}
