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
