//! `file-ownership` against fixture worlds.

use crate::common;
use crate::common::{World, codes};
use crate::is_root;
use ccauth::checks::Status;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const ID: &str = "file-ownership";

#[test]
fn own_files_pass() {
    let w = World::new();
    w.home_file(".claude.json", "{}");
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn files_of_another_uid_fail_in_words() {
    let w = World::new().judged_as_uid(1000);
    w.home_file(".claude.json", "{}");
    std::fs::set_permissions(w.home(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let f = w.check(ID);
    // The files belong to the test's own uid, not 1000.
    let own = rustix::process::geteuid().as_raw();
    if own == 1000 {
        return;
    }
    if is_root() {
        // The process (root) can still write them: reported, not failed.
        assert_eq!(f.status, Status::Pass);
        assert!(
            f.cause
                .contains(&format!("owned by uid {own}, you are uid 1000")),
            "{}",
            f.cause
        );
    }
}

#[test]
fn an_unwritable_foreign_file_fails() {
    if !is_root() {
        eprintln!("skipped: handing a file to another uid needs root");
        return;
    }
    let w = World::new();
    let file = w.home_file(".claude/.credentials.json", "{}");
    std::os::unix::fs::chown(&file, Some(501), Some(20)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    // Judge as uid 1000 with a real non-root process: drop privileges for the binary.
    let Some(out) = w.ccauth_as_uid_1000(
        &["doctor", "--format", "json", "--only", ID],
        Path::new("/"),
    ) else {
        return;
    };
    let report: serde_json::Value = common::parse_output(&out.stdout);
    let finding = common::finding(&report, ID).clone();
    // HOME itself belongs to root and is 0700: uid 1000 cannot even look inside.
    assert_eq!(finding["status"], "fail", "{finding}");
    assert!(
        finding["cause"]
            .as_str()
            .unwrap()
            .contains("you are uid 1000"),
        "{finding}"
    );
    let found = finding["problems"].as_array().unwrap();
    assert_eq!(codes(found), ["file-ownership/foreign-owner"]);
    assert!(
        found[0]["places"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == &json!({"file": w.home()})),
        "{finding}"
    );
}

#[test]
fn the_problems_are_coded_and_placed() {
    if !is_root() {
        eprintln!("skipped: handing a file to another uid needs root");
        return;
    }
    let w = World::new();
    let file = w.home_file(".claude/.credentials.json", "{}");
    std::os::unix::fs::chown(&file, Some(501), Some(20)).unwrap();
    let Some(out) = w.ccauth_as_uid_1000(
        &["doctor", "--format", "json", "--only", ID],
        Path::new("/"),
    ) else {
        return;
    };
    let report: serde_json::Value = common::parse_output(&out.stdout);
    let found = common::finding(&report, ID)["problems"].clone();
    let found = found.as_array().map(Vec::as_slice).unwrap_or_default();
    insta::assert_json_snapshot!(crate::problems(&w, found));
}

/// A `~/.claude.json` of another uid that uid 1000 can neither read nor
/// write, in uid 1000's own HOME: 2.1.332 replaced it with a new file and
/// the old content was lost (tmux, throwaway home, issue #17). A warning
/// that says so, not "cannot save" (the rename works).
#[test]
fn a_foreign_config_file_in_a_writable_home_is_said_to_be_replaced() {
    let w = World::new();
    let file = w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
    std::os::unix::fs::chown(&file, Some(501), Some(20)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let Some(f) = crate::finding_as_uid_1000(&w, ID) else {
        return;
    };
    assert_eq!(f["status"], "warn", "{f}");
    let found = f["problems"].as_array().unwrap();
    assert_eq!(codes(found), ["file-ownership/config-replaced"], "{f}");
    let cause = f["cause"].as_str().unwrap();
    assert!(
        cause.contains("owned by uid 501, you are uid 1000"),
        "{cause}"
    );
    assert!(
        cause.contains("replaces the file with a new one"),
        "{cause}"
    );
    assert!(cause.contains("is lost"), "{cause}");
    assert!(!cause.contains("EACCES"), "{cause}");
    assert!(
        !cause.contains(".config.json"),
        "no legacy file exists: {cause}"
    );
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains(".claude.json.kept"), "{fix}");
    assert!(fix.contains("run claude as the owner"), "{fix}");

    // Readable by uid 1000: the content survives, the owner changes.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let f = crate::finding_as_uid_1000(&w, ID).unwrap();
    assert_eq!(f["status"], "warn", "{f}");
    let cause = f["cause"].as_str().unwrap();
    assert!(cause.contains("the content stays"), "{cause}");

    // HOME not writable either: nothing replaces it, and nothing is saved.
    std::fs::set_permissions(w.home(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let f = crate::finding_as_uid_1000(&w, ID).unwrap();
    assert_eq!(f["status"], "fail", "{f}");
    assert_eq!(
        codes(f["problems"].as_array().unwrap()),
        ["file-ownership/foreign-owner"]
    );
}
