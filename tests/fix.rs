//! `ccauth doctor --fix`: safe repairs, named repairs, dry runs, and writes
//! that keep every other byte, the mode, the owner and a symlink.

mod common;

use ccauth::fix::json_edit;
use common::{API_KEY, OAUTH_TOKEN, World, git_path};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

fn fix_json(w: &World, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["doctor", "--format", "json"];
    all.extend_from_slice(args);
    let out = w.ccauth(&all).output().unwrap();
    let report = common::parse_output(&out.stdout);
    (report, out.status.code().unwrap())
}

fn status_of(report: &Value, id: &str) -> String {
    common::finding(report, id)["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The fix outcome for this check, if the report lists one.
fn fix_for<'a>(report: &'a Value, check: &str) -> Option<&'a Value> {
    report["fixes"]
        .as_array()
        .expect("a fixes array")
        .iter()
        .find(|f| f["check"] == check)
}

fn outcome<'a>(report: &'a Value, check: &str) -> &'a Value {
    fix_for(report, check).expect("a fix for the check")
}

fn offers_fix(report: &Value, check: &str) -> bool {
    fix_for(report, check).is_some()
}

#[test]
fn onboarding_is_merged_keeping_every_other_byte_then_nothing_is_left_to_do() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let original = "{\n    \"numStartups\": 12,\n    \"tipsHistory\": {\"x\": 1.50},\n    \"hasCompletedOnboarding\": false\n}\n";
    let path = w.home_file(".claude.json", original);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (report, code) = fix_json(&w, &["--fix"]);
    assert_eq!(code, 0, "the exit code follows the report after the fix");
    assert_eq!(outcome(&report, "onboarding-flag")["result"], "applied");
    assert_eq!(status_of(&report, "onboarding-flag"), "pass");
    let before = report["before"].as_array().unwrap();
    assert!(
        before
            .iter()
            .any(|p| p[0] == "onboarding-flag" && p[1] == "fail")
    );
    let now = std::fs::read_to_string(&path).unwrap();
    assert_eq!(now, original.replace("false", "true"));
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o640);

    let (again, _) = fix_json(&w, &["--fix"]);
    assert!(!offers_fix(&again, "onboarding-flag"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), now);
}

#[test]
fn a_missing_config_is_created_with_mode_0600_and_the_client_version() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let native = w.home_file(".local/share/claude/versions/2.1.332", "#!/bin/sh\n");
    std::fs::set_permissions(&native, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(w.home().join("bin")).unwrap();
    std::os::unix::fs::symlink(&native, w.home().join("bin/claude")).unwrap();
    let path = w.home().join("bin").display().to_string();
    let w = w.with_env("PATH", &path);
    let (report, _) = fix_json(&w, &["--fix=onboarding-flag"]);
    assert_eq!(outcome(&report, "onboarding-flag")["result"], "applied");
    let file = w.home().join(".claude.json");
    assert_eq!(std::fs::metadata(&file).unwrap().mode() & 0o777, 0o600);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        value,
        json!({"hasCompletedOnboarding": true, "lastOnboardingVersion": "2.1.332"})
    );
}

#[test]
fn a_config_that_does_not_parse_is_never_rewritten() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let path = w.home_file(".claude.json", "{\"numStartups\": 3,");
    let (report, _) = fix_json(&w, &["--fix"]);
    assert!(!offers_fix(&report, "onboarding-flag"));
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        "{\"numStartups\": 3,"
    );
}

#[test]
fn the_merge_is_the_repair_of_the_missing_flag_not_of_the_overwriting_command() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let path = w.home_file(".claude.json", "{}");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"postStartCommand": "echo '{}' > ~/.claude.json"}"#,
    );
    let (report, _) = fix_json(&w, &["--fix", "--dry-run"]);
    let problems = common::finding(&report, "onboarding-flag")["problems"]
        .as_array()
        .unwrap();
    assert_eq!(
        common::codes(problems),
        [
            "onboarding-flag/not-set",
            "onboarding-flag/overwritten-by-lifecycle"
        ]
    );
    assert_eq!(
        problems[0]["repair"]["summary"],
        outcome(&report, "onboarding-flag")["summary"]
    );
    assert!(problems[1].get("repair").is_none(), "{}", problems[1]);

    let (report, _) = fix_json(&w, &["--fix"]);
    assert_eq!(outcome(&report, "onboarding-flag")["result"], "applied");
    let problems = common::finding(&report, "onboarding-flag")["problems"]
        .as_array()
        .unwrap();
    assert_eq!(
        common::codes(problems),
        ["onboarding-flag/overwritten-by-lifecycle"]
    );
    assert_eq!(status_of(&report, "onboarding-flag"), "warn");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(value, json!({"hasCompletedOnboarding": true}));
}

#[test]
fn dry_run_shows_a_diff_and_changes_nothing() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let path = w.home_file(".claude.json", "{\n  \"numStartups\": 1\n}\n");
    let (report, _) = fix_json(&w, &["--fix", "--dry-run"]);
    let fix = outcome(&report, "onboarding-flag");
    assert_eq!(fix["result"], "planned");
    let diff = fix["diff"].as_str().unwrap();
    assert!(
        diff.contains("+  \"hasCompletedOnboarding\": true"),
        "{diff}"
    );
    assert!(
        diff.contains("-  \"numStartups\": 1\n+  \"numStartups\": 1,"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(path).unwrap(),
        "{\n  \"numStartups\": 1\n}\n"
    );
    assert!(report.get("before").is_none());
    w.ccauth(&["doctor", "--dry-run"]).assert().code(2);
    w.ccauth(&["doctor", "--fix=nope"]).assert().code(2);
}

#[test]
fn an_untracked_env_file_gets_its_gitignore_line_but_a_tracked_one_only_advice() {
    let w = World::new().with_env("PATH", &git_path()).git_init();
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w.workspace_file(".gitignore", "target/");
    let (report, _) = fix_json(&w, &["--fix=env-file-ignored"]);
    assert_eq!(outcome(&report, "env-file-ignored")["result"], "applied");
    assert_eq!(status_of(&report, "env-file-ignored"), "pass");
    assert_eq!(
        std::fs::read_to_string(w.workspace().join(".gitignore")).unwrap(),
        "target/\n/.devcontainer/api.env\n"
    );

    let w = World::new().with_env("PATH", &git_path()).git_init();
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w.git(&["add", "."]);
    w.git(&["commit", "-qm", "oops"]);
    let (report, _) = fix_json(&w, &["--fix"]);
    assert!(!offers_fix(&report, "env-file-ignored"));
    assert_eq!(status_of(&report, "env-file-ignored"), "fail");
}

#[test]
fn each_env_file_carries_its_own_repair_and_both_are_applied() {
    let w = World::new().with_env("PATH", &git_path()).git_init();
    for name in [".devcontainer/api.env", ".devcontainer/prod.env"] {
        w.workspace_file(name, &format!("ANTHROPIC_API_KEY={API_KEY}\n"));
    }
    let problems = w.problems("env-file-ignored");
    assert_eq!(problems.len(), 2, "{problems:?}");
    for (problem, name) in problems.iter().zip(["api.env", "prod.env"]) {
        assert_eq!(problem["code"], "env-file-ignored/not-ignored");
        common::assert_place(&problem["places"][0], name, None);
        let summary = problem["repair"]["summary"].as_str().unwrap();
        assert!(
            summary.contains(&format!(".devcontainer/{name}")),
            "{summary}"
        );
    }
    let (report, _) = fix_json(&w, &["--fix=env-file-ignored"]);
    assert_eq!(status_of(&report, "env-file-ignored"), "pass");
    assert_eq!(
        std::fs::read_to_string(w.workspace().join(".gitignore")).unwrap(),
        "/.devcontainer/api.env\n/.devcontainer/prod.env\n"
    );
}

#[test]
fn a_wide_credentials_file_is_narrowed_to_0600() {
    let w = World::new();
    let path = w.home_file(
        ".claude/.credentials.json",
        &format!(r#"{{"claudeAiOauth": {{"accessToken": "{OAUTH_TOKEN}", "refreshToken": "r", "expiresAt": 99999999999999, "scopes": ["user:inference"]}}}}"#),
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let problems = w.problems("credentials-file");
    assert_eq!(common::codes(&problems), ["credentials-file/too-open"]);
    assert!(problems[0]["repair"].is_object(), "{problems:?}");
    let (report, _) = fix_json(&w, &["--fix"]);
    assert_eq!(
        outcome(&report, "credentials-file")["detail"],
        "mode 0644 → 0600"
    );
    assert_eq!(std::fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
}

#[test]
fn approving_a_declined_key_needs_naming() {
    let suffix = &API_KEY[API_KEY.len() - 20..];
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    let path = w.home_file(
        ".claude.json",
        &format!("{{\n  \"customApiKeyResponses\": {{\n    \"approved\": [\"aaaaaaaaaaaaaaaaaaaa\"],\n    \"rejected\": [\"{suffix}\"]\n  }},\n  \"n\": 1\n}}\n"),
    );
    let (report, _) = fix_json(&w, &["--fix"]);
    assert_eq!(
        outcome(&report, "api-key-approval")["result"],
        "needs-naming"
    );
    let (preview, _) = fix_json(&w, &["--fix=api-key-approval", "--dry-run"]);
    let diff = outcome(&preview, "api-key-approval")["diff"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        diff.contains("\"approved\"") && !diff.contains(suffix),
        "{diff}"
    );
    assert_eq!(status_of(&report, "api-key-approval"), "fail");

    let (report, _) = fix_json(&w, &["--fix=api-key-approval"]);
    assert_eq!(outcome(&report, "api-key-approval")["result"], "applied");
    assert_eq!(status_of(&report, "api-key-approval"), "pass");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        value["customApiKeyResponses"],
        json!({"approved": ["aaaaaaaaaaaaaaaaaaaa", suffix], "rejected": []})
    );
    assert_eq!(value["n"], 1);
    let text = serde_json::to_string(&report).unwrap();
    assert!(
        !text.contains(suffix),
        "the suffix is part of the key and never printed"
    );
}

#[test]
fn restoring_a_backup_needs_naming() {
    let w = World::new();
    let path = w.home_file(".claude.json", "{\"broken\": ");
    w.home_file(
        ".claude/backups/.claude.json.backup.1700000000000",
        "{\"hasCompletedOnboarding\": true}",
    );
    let (report, _) = fix_json(&w, &["--fix"]);
    assert_eq!(outcome(&report, "config-file")["result"], "needs-naming");
    let (report, _) = fix_json(&w, &["--fix=config-file"]);
    assert_eq!(outcome(&report, "config-file")["result"], "applied");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\"hasCompletedOnboarding\": true}"
    );
    assert_eq!(status_of(&report, "config-file"), "pass");
    let detail = outcome(&report, "config-file")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    let backup = detail.split("backup at ").nth(1).unwrap();
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        "{\"broken\": ",
        "the broken file is kept"
    );
}

#[test]
fn a_symlinked_config_stays_a_link_and_owner_is_kept() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let real = w.home_file("dotfiles/claude.json", "{\"a\": 1}");
    std::os::unix::fs::symlink(&real, w.home().join(".claude.json")).unwrap();
    let root = rustix::process::geteuid().as_raw() == 0;
    if root {
        std::os::unix::fs::chown(&real, Some(1234), Some(1234)).unwrap();
    }
    fix_json(&w, &["--fix=onboarding-flag"]);
    assert!(
        std::fs::symlink_metadata(w.home().join(".claude.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap(),
        "{\"a\": 1,\"hasCompletedOnboarding\": true}"
    );
    if root {
        assert_eq!(
            std::fs::metadata(&real).unwrap().uid(),
            1234,
            "the owner is kept"
        );
    }
}

#[test]
fn a_single_file_bind_mount_is_written_in_place() {
    if !common::can_unshare("-m") {
        return;
    }
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let source = w.home().parent().unwrap().join("host-claude.json");
    std::fs::write(&source, "{\"fromHost\": true}").unwrap();
    let target = w.home_file(".claude.json", "{}");
    let script = format!(
        "mount --bind {} {} && exec \"$1\" doctor --format json --fix=onboarding-flag",
        source.display(),
        target.display(),
    );
    let out = w.in_mount_namespace(&script);
    let report: Value = common::parse_output(&out.stdout);
    let fix = outcome(&report, "onboarding-flag");
    assert_eq!(fix["result"], "applied", "{fix}");
    let detail = fix["detail"].as_str().unwrap();
    assert!(
        detail.contains("written in place") && detail.contains("EBUSY"),
        "{detail}"
    );
    let host_side = std::fs::read_to_string(&source).unwrap();
    assert_eq!(
        host_side, "{\"fromHost\": true,\"hasCompletedOnboarding\": true}",
        "the host's file was updated"
    );
}

#[test]
fn a_hundred_megabyte_config_is_edited_exactly() {
    let mut text = String::from("{\n  \"projects\": {\n");
    let history = format!(
        "[{}]",
        vec!["\"a line of history that takes some room\""; 400].join(", ")
    );
    let mut n = 0;
    while text.len() < 100 << 20 {
        text.push_str(&format!("    \"/work/project-{n}\": {{\"history\": {history}, \"hasTrustDialogAccepted\": true}},\n"));
        n += 1;
    }
    text.push_str("    \"/last\": {}\n  },\n  \"numStartups\": 3\n}\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".claude.json");
    std::fs::write(&path, &text).unwrap();
    let written = ccauth::fix::write::rewrite(&path, 1 << 30, |bytes| {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        Ok(json_edit::set(&text, "hasCompletedOnboarding", &json!(true))?.map(String::into_bytes))
    })
    .unwrap();
    assert!(matches!(
        written,
        ccauth::fix::write::Written::Atomic { .. }
    ));
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = text.replace(
        "\"numStartups\": 3\n}",
        "\"numStartups\": 3,\n  \"hasCompletedOnboarding\": true\n}",
    );
    assert!(after == expected, "only the new key was added");
}

/// Random JSON values: every kind, unicode strings, nesting.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("\\PC{0,8}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A top-level object serialized in one of the styles real files use.
fn document() -> impl Strategy<Value = (String, BTreeMap<String, Value>)> {
    let members = prop::collection::vec(
        (
            "[a-zA-Z]{1,6}|hasCompletedOnboarding|\\PC{1,6}",
            json_value(),
        ),
        0..8,
    );
    (members, 0..4usize).prop_map(|(members, style)| {
        let object: serde_json::Map<String, Value> = members.into_iter().collect();
        let value = Value::Object(object.clone());
        let text = match style {
            0 => serde_json::to_string(&value).unwrap(),
            1 => serde_json::to_string_pretty(&value).unwrap(),
            _ => {
                let indent = if style == 2 {
                    b"    ".as_slice()
                } else {
                    b"\t".as_slice()
                };
                let mut out = Vec::new();
                let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
                let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
                serde::Serialize::serialize(&value, &mut ser).unwrap();
                String::from_utf8(out).unwrap() + "\n"
            }
        };
        (text, object.into_iter().collect())
    })
}

/// Every top-level value's exact text, by key (the last duplicate wins).
fn raw_members(text: &str) -> BTreeMap<String, String> {
    let raw: BTreeMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(text).unwrap();
    raw.into_iter()
        .map(|(k, v)| (k, v.get().to_string()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn only_the_target_key_changes((text, _) in document(), flag in any::<bool>()) {
        let target = "hasCompletedOnboarding";
        let before = raw_members(&text);
        let result = json_edit::set(&text, target, &json!(flag)).unwrap();
        let after_text = result.clone().unwrap_or_else(|| text.clone());
        let after = raw_members(&after_text);
        let parsed: Value = serde_json::from_str(&after_text).unwrap();
        prop_assert_eq!(&parsed[target], &json!(flag));
        for (key, raw) in &before {
            if key != target {
                prop_assert_eq!(Some(raw), after.get(key), "{} changed", key);
            }
        }
        prop_assert_eq!(after.len(), before.len() + usize::from(!before.contains_key(target)));
        if result.is_none() {
            prop_assert_eq!(before.get(target).map(String::as_str), Some(if flag { "true" } else { "false" }));
        }
        // A second edit finds nothing to do.
        prop_assert_eq!(json_edit::set(&after_text, target, &json!(flag)).unwrap(), None);
    }

    #[test]
    fn numbers_keep_their_exact_text(number in "-?(0|[1-9][0-9]{0,40})(\\.[0-9]{1,40})?([eE][+-]?[0-9]{1,3})?") {
        let text = format!("{{\"n\": {number}, \"m\": [{number}]}}");
        let out = json_edit::set(&text, "hasCompletedOnboarding", &json!(true)).unwrap().unwrap();
        prop_assert_eq!(out, format!("{{\"n\": {number}, \"m\": [{number}],\"hasCompletedOnboarding\": true}}"));
    }
}
