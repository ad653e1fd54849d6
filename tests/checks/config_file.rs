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

#[test]
fn a_single_file_mount_and_a_read_only_mount_fail() {
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    w.mountinfo(&[("/home/ann/.claude.json", &file, "ext4", "/dev/sda1")]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("EBUSY"), "{}", f.cause);

    let w = World::new();
    w.home_file(".claude.json", "{}");
    let table = format!(
        "1 0 0:31 / / rw - overlay overlay rw\n2 1 8:1 /home/ann {} ro,relatime - ext4 /dev/sda1 rw\n",
        w.home().display()
    );
    w.sys_file("proc/self/mountinfo", &table);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert!(f.cause.contains("EROFS"), "{}", f.cause);
}

#[test]
fn an_unwritable_file_and_directory_fail_for_their_owner() {
    if !is_root() {
        // As a normal user the same branch is reached with chmod alone; root ignores modes.
    }
    let w = World::new();
    let file = w.home_file(".claude.json", "{}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
    let f = w.check(ID);
    if is_root() {
        assert_eq!(
            f.status,
            Status::Pass,
            "root may write anything: {}",
            f.cause
        );
    } else {
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("not writable"), "{}", f.cause);
    }
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
