//! `workspace-trust` against fixture worlds.

use crate::common::{self, OAUTH_TOKEN, World};
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "workspace-trust";

/// A config that has finished onboarding and trusts `folders`, written as
/// the client writes it (`JSON.stringify(config, null, 2)`).
fn trusting(w: World, folders: &[&str]) -> World {
    let projects: serde_json::Map<String, serde_json::Value> = folders
        .iter()
        .map(|f| {
            let entry = serde_json::json!({"allowedTools": [], "hasTrustDialogAccepted": true});
            ((*f).to_string(), entry)
        })
        .collect();
    let config = serde_json::json!({"hasCompletedOnboarding": true, "projects": projects});
    w.home_file(
        ".claude.json",
        &serde_json::to_string_pretty(&config).unwrap(),
    );
    w
}

fn signed_in() -> World {
    World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
}

#[test]
fn an_untrusted_workspace_warns_with_a_repair_asked_by_name() {
    // Issue #17: the onboarding flag alone, then the dialog.
    let w = trusting(signed_in(), &[]);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("Quick safety check"), "{}", f.cause);
    assert!(f.cause.contains("No, exit"), "{}", f.cause);
    let problems = w.problems(ID);
    insta::assert_json_snapshot!(crate::problems(&w, &problems));
    assert_eq!(problems[0]["repair"]["needs_naming"], true, "{problems:?}");
    assert!(
        problems[0]["fix"]
            .as_str()
            .unwrap()
            .contains("security decision")
    );
}

#[test]
fn a_stored_yes_for_the_folder_or_one_above_passes_outside_git() {
    let w = signed_in();
    let ws = w.workspace().display().to_string();
    assert_eq!(trusting(w, &[&ws]).check(ID).status, Status::Pass);
    let w = signed_in();
    let above = w.workspace().parent().unwrap().display().to_string();
    let f = trusting(w, &[&above]).check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
}

#[test]
fn in_a_repository_only_the_roots_record_counts() {
    let w = signed_in().git_init();
    let above = w.workspace().parent().unwrap().display().to_string();
    let f = trusting(w, &[&above]).check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(f.cause.contains("repository's root"), "{}", f.cause);
    let w = signed_in().git_init();
    let ws = w.workspace().display().to_string();
    assert_eq!(trusting(w, &[&ws]).check(ID).status, Status::Pass);
}

#[test]
fn ci_and_sandboxed_runs_never_meet_the_dialog() {
    let ci = trusting(signed_in(), &[]).launched_by(Launcher::Ci);
    assert_eq!(ci.check(ID).status, Status::Skip);
    let sandboxed = trusting(signed_in(), &[]).with_env("CLAUDE_CODE_SANDBOXED", "1");
    assert_eq!(sandboxed.check(ID).status, Status::Skip);
}

#[test]
fn ignoring_persisted_trust_warns_even_when_trusted() {
    let w = signed_in();
    let ws = w.workspace().display().to_string();
    let w = trusting(w, &[&ws]).with_env("CLAUDE_CODE_IGNORE_PERSISTED_TRUST", "1");
    assert_eq!(common::codes(&w.problems(ID)), ["workspace-trust/ignored"]);
}

#[test]
fn the_fix_runs_only_when_named_and_changes_only_the_record() {
    let w = trusting(signed_in(), &["/elsewhere"]);
    let path = w.home().join(".claude.json");
    let before = std::fs::read_to_string(&path).unwrap();
    w.ccauth(&["doctor", "--fix"]).output().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    w.ccauth(&["doctor", "--fix=workspace-trust"])
        .output()
        .unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    let ws = w.workspace().display().to_string();
    let expected = before.replace(
        "true\n    }\n  }",
        &format!(
            "true\n    }},\n    \"{ws}\": {{\n      \"hasTrustDialogAccepted\": true\n    }}\n  }}"
        ),
    );
    assert_eq!(after, expected);
    assert_eq!(w.check(ID).status, Status::Pass);
}
