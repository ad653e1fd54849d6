//! "--fix loses nothing, ever": what the client's parser reads is valid,
//! repairs edit bytes (never re-serialized values), `.gitignore` lines are
//! escaped and re-judged, owners are kept, and backups stay beside the file,
//! private, unique, and gone when the write failed.
//!
//! Cases: 18 tests: 16 `#[test]` functions (one slow, ignored unless
//! `--include-ignored`) and 2 proptests of 1,000 generated configs each;
//! the differential test judges a corpus of 42 documents.

use crate::common::{self, API_KEY, OAUTH_TOKEN, World};
use ccauth::fix::json_edit;
use ccauth::gather::claude_state::{JsonKey, LoadError, parse_claude_json};
use proptest::prelude::*;
use serde_json::Value;
use serde_json::value::RawValue;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `doctor --format json` with these extra arguments, killed after 20 s.
fn doctor(w: &World, args: &[&str]) -> Value {
    let mut all = vec!["doctor", "--format", "json"];
    all.extend_from_slice(args);
    let out = w
        .ccauth(&all)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    common::parse_output(&out.stdout)
}

/// The outcome of this check's fix, if the report has one.
fn fix_of<'a>(report: &'a Value, check: &str) -> Option<&'a Value> {
    report["fixes"]
        .as_array()?
        .iter()
        .find(|f| f["check"] == check)
}

/// Files in `dir` whose name contains `part`.
fn files_named(dir: &Path, part: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(part))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Files directly in /tmp that contain `needle`.
fn tmp_files_holding(needle: &str) -> Vec<PathBuf> {
    std::fs::read_dir("/tmp")
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            ccauth::gather::fsread::read_bounded(p, 1 << 20)
                .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
        })
        .collect()
}

/// Nothing went to the private temporary directory, and /tmp holds no more
/// files with the planted key than `before`.
fn assert_no_copy_outside(tmp: &Path, before: &[PathBuf]) {
    assert!(files_named(tmp, "").is_empty(), "the temp dir got a file");
    assert_eq!(
        tmp_files_holding(API_KEY),
        before,
        "/tmp gained a file with the key"
    );
}

/// A world whose fixes write only where it says: TMPDIR is a private,
/// empty directory, returned to be checked afterwards.
fn world_with_private_tmp() -> (World, PathBuf) {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let tmp = w.home().parent().unwrap().join("private-tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let shown = tmp.display().to_string();
    (w.with_env("TMPDIR", &shown), tmp)
}

// --- What the client's parser accepts is valid --------------------------

/// One document per line of the corpus: what it is, and its bytes.
fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let deep = |key: &str| {
        let n = 100_000;
        format!("{{\"{key}\":{}{}}}", "[".repeat(n), "]".repeat(n)).into_bytes()
    };
    let deep_entry = format!(
        "{{\"projects\":{{\"/w\":{{\"h\":{}{},\"hasTrustDialogAccepted\":true}}}},\"hasCompletedOnboarding\":true}}",
        "{\"a\":".repeat(50_000),
        "1".to_string() + &"}".repeat(50_000)
    );
    let text = |s: &str| s.as_bytes().to_vec();
    vec![
        ("duplicate, last false", text(r#"{"hasCompletedOnboarding": true, "hasCompletedOnboarding": false}"#)),
        ("duplicate, last true", text(r#"{"hasCompletedOnboarding": false, "hasCompletedOnboarding": true}"#)),
        ("duplicate projects", text(r#"{"projects": {}, "projects": {"/a": {"hasTrustDialogAccepted": true, "hasTrustDialogAccepted": 1}}}"#)),
        ("duplicate responses", text(r#"{"customApiKeyResponses": 1, "customApiKeyResponses": {"approved": ["x", "x"], "approved": []}}"#)),
        ("a string flag", text(r#"{"hasCompletedOnboarding": "yes"}"#)),
        ("a number flag", text(r#"{"hasCompletedOnboarding": 1}"#)),
        ("an escaped key", text(r#"{"has\u0043ompletedOnboarding": true}"#)),
        ("projects an array", text(r#"{"projects": [], "hasCompletedOnboarding": true}"#)),
        ("a project entry a number", text(r#"{"projects": {"/a": 5, "/b": [1], "/c": null}}"#)),
        ("projects null", text(r#"{"projects": null, "oauthAccount": null}"#)),
        ("numbers as written", text(r#"{"n": 1.50, "big": 123456789012345678901234567890, "e": 1e400, "z": -0, "x": 1E+2}"#)),
        ("a huge number kept", text(r#"{"customApiKeyResponses": {"approved": [1e400]}, "hasCompletedOnboarding": 1e400}"#)),
        ("NUL and lone surrogates", text(r#"{"s": "\u0000", "k\ud800": "\udc00x", "primaryApiKey": "\ud800", "projects": {"/\udfff": {}}}"#)),
        ("bytes that are not UTF-8", b"{\"a\": \"\xff\xfe\", \"\xc3\": 1, \"primaryApiKey\": \"\xe9\", \"hasCompletedOnboarding\": true}".to_vec()),
        ("U+2028 and escapes", "{\"a\": \"\u{2028}\\/\\b\\f\\n\\r\\t\\\"\", \"hasCompletedOnboarding\": true}".as_bytes().to_vec()),
        ("__proto__", text(r#"{"__proto__": 1, "hasCompletedOnboarding": true}"#)),
        ("whitespace around", text("\t\r\n {\"hasCompletedOnboarding\": true} \n\n")),
        ("deep in a skipped key", deep("cachedStatsigGates")),
        ("deep in a kept key", deep("customApiKeyResponses")),
        ("deep in the flag", deep("hasCompletedOnboarding")),
        ("deep in a project entry", deep_entry.into_bytes()),
        ("a top-level array", text("[1, {\"hasCompletedOnboarding\": true}]")),
        ("a top-level string", text("\"{}\"")),
        ("a top-level null", text("null")),
        ("a top-level number", text("12")),
        ("a leading BOM", b"\xef\xbb\xbf{\"hasCompletedOnboarding\": true}".to_vec()),
        ("two leading BOMs", b"\xef\xbb\xbf\xef\xbb\xbf{}".to_vec()),
        ("empty", Vec::new()),
        ("only whitespace", text("  \n")),
        ("a missing value", text(r#"{"a": }"#)),
        ("a trailing comma", text(r#"{"a": 1,}"#)),
        ("single quotes", text("{'a': 1}")),
        ("a leading zero", text(r#"{"a": 01}"#)),
        ("a raw control character", b"{\"a\": \"\x01\"}".to_vec()),
        ("a short unicode escape", text(r#"{"a": "\u12"}"#)),
        ("an unknown escape", text(r#"{"a": "\a"}"#)),
        ("NaN", text(r#"{"a": NaN}"#)),
        ("two documents", text("{} {}")),
        ("trailing garbage", text(r#"{"a": 1} x"#)),
        ("truncated", text(r#"{"a": [1, 2"#)),
        ("a form feed before", b"\x0c{}".to_vec()),
        ("a comment", text("{/* c */}")),
    ]
}

/// node's verdict per file: `Some(onboarded)` when `JSON.parse` reads it
/// the way claude 2.1.332 reads its config (decoded as UTF-8, one leading
/// byte order mark skipped: a config starting with one logs in with its
/// `primaryApiKey` under `claude auth status`, one with two is "corrupted:
/// Unrecognized token"), `None` when it throws; `Err` when node cannot be
/// run.
fn node_verdicts(files: &[PathBuf]) -> Result<Vec<Option<bool>>, String> {
    let script = "const fs=require('fs');for(const f of process.argv.slice(1)){let r;\
        try{const v=JSON.parse(fs.readFileSync(f,'utf8').replace(/^\\uFEFF/,''));r=v!==null&&typeof v==='object'&&!Array.isArray(v)&&!!v.hasCompletedOnboarding}\
        catch(e){r=null}console.log(JSON.stringify(r))}";
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .args(files)
        .env_clear()
        .output()
        .map_err(|e| format!("node could not be run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| e.to_string()))
        .collect()
}

/// The differential test: 42 documents (duplicates, odd types, big and
/// huge numbers, NUL, lone surrogates, bytes that are not UTF-8, nesting
/// 100,000 deep, top levels that are not objects, one BOM, and 16 that are
/// broken, two BOMs among them) are judged by node's `JSON.parse` and by ccauth; ccauth calls a
/// file broken exactly when `JSON.parse` throws, and reads the onboarding
/// flag as the client does, for truthiness (`!o.hasCompletedOnboarding` in
/// 2.1.332).
#[test]
fn ccauth_calls_broken_exactly_what_json_parse_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let docs = corpus();
    let files: Vec<PathBuf> = docs
        .iter()
        .enumerate()
        .map(|(i, (_, bytes))| {
            let path = dir.path().join(format!("{i}.json"));
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let node = match node_verdicts(&files) {
        Ok(verdicts) => verdicts,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let mut wrong = Vec::new();
    for (((name, _), path), node) in docs.iter().zip(&files).zip(node) {
        let ours = ccauth::gather::claude_state::load_claude_json(path).content;
        let broken = ours.as_ref().is_err_and(LoadError::is_broken);
        let onboarded = ours.as_ref().is_ok_and(|c| c.onboarding_done());
        let unjudged = matches!(ours, Err(LoadError::Unjudged(_)));
        let agrees = match node {
            None => broken,
            Some(flag) => !broken && !unjudged && flag == onboarded,
        };
        if !agrees {
            wrong.push(format!("{name}: node {node:?}, ccauth {ours:?}"));
        }
    }
    assert!(wrong.is_empty(), "disagreements:\n{}", wrong.join("\n"));
}

/// The issue's case: a duplicate key and a backup that parses. The file is
/// valid, so `--fix=config-file` offers nothing and the file stays.
#[test]
fn a_config_with_a_duplicate_key_is_never_replaced_by_a_backup() {
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let original = "{\"hasCompletedOnboarding\": false, \"numStartups\": 3, \"hasCompletedOnboarding\": true}\n";
    let path = w.home_file(".claude.json", original);
    w.home_file(
        ".claude/backups/.claude.json.backup.1700000000000",
        "{\"hasCompletedOnboarding\": true}",
    );
    let report = doctor(&w, &["--fix=config-file"]);
    assert_eq!(common::finding(&report, "config-file")["status"], "pass");
    assert_eq!(
        common::finding(&report, "onboarding-flag")["status"],
        "pass"
    );
    assert!(fix_of(&report, "config-file").is_none(), "{report}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
}

/// A value of an unexpected type is read as the client reads it, for
/// truthiness: `"yes"` skips the wizard (as `"true"` and `"false"` did in
/// tmux with 2.1.332), `0` does not; the file is not called broken.
#[test]
fn a_flag_of_another_type_is_read_as_the_client_reads_it() {
    for (value, status) in [(r#""yes""#, "pass"), ("0", "fail")] {
        let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
        w.home_file(
            ".claude.json",
            &format!(r#"{{"hasCompletedOnboarding": {value}, "projects": {{"/w": 5}}}}"#),
        );
        let report = doctor(&w, &[]);
        assert_eq!(common::finding(&report, "config-file")["status"], "pass");
        let onboarding = common::finding(&report, "onboarding-flag");
        assert_eq!(onboarding["status"], status, "{value}");
    }
}

// --- Repairs are byte edits -----------------------------------------------

/// Top-level members with their raw text, duplicates and order kept.
fn raw_members(text: &str) -> Vec<(Vec<u8>, String)> {
    struct Members;
    impl<'de> serde::de::Visitor<'de> for Members {
        type Value = Vec<(Vec<u8>, &'de RawValue)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((JsonKey(k), v)) = map.next_entry()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let members = serde::Deserializer::deserialize_map(&mut de, Members).unwrap();
    members
        .into_iter()
        .map(|(k, v)| (k, v.get().to_string()))
        .collect()
}

/// Raw JSON values the client writes and people hand-edit: numbers as
/// written (`1.50`, big integers), escapes, nesting.
fn raw_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("1.50".to_string()),
        Just("123456789012345678901234567890".to_string()),
        Just("-0.0e+00".to_string()),
        Just("\"\\u00e9\\ud83d\\ude00\\n\"".to_string()),
        Just("\"caf\u{e9}\"".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        "[a-z]{0,6}".prop_map(|s| format!("\"{s}\"")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(("[a-z]{1,3}", inner), 0..4).prop_map(|kv| {
                let members: Vec<String> =
                    kv.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
                format!("{{{}}}", members.join(", "))
            }),
        ]
    })
}

/// A config as text: members that may repeat (the target key too), in one
/// of the layouts real files have.
fn config_text(target: &'static str) -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just(target.to_string()),
        Just("numStartups".to_string()),
        Just("k\\ud800".to_string()),
        "[a-z]{1,4}",
    ];
    let members = prop::collection::vec((key, raw_value()), 0..7);
    (members, 0..3usize).prop_map(|(members, layout)| {
        let (sep, colon, close) = match layout {
            0 => ("", ":", "}"),
            1 => ("\n  ", ": ", "\n}\n"),
            _ => ("\r\n\t", ": ", "\r\n}"),
        };
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{sep}\"{k}\"{colon}{v}"))
            .collect();
        format!(
            "{{{}{}",
            body.join(","),
            if body.is_empty() { "}" } else { close }
        )
    })
}

/// An approval list as text, with the suffix in either list, repeated.
fn responses_text(suffix: &'static str) -> impl Strategy<Value = String> {
    let item = prop_oneof![
        Just(format!("\"{suffix}\"")),
        Just("\"aaaaaaaaaaaaaaaaaaaa\"".to_string()),
        Just("1.50".to_string()),
        raw_value(),
    ];
    let list = prop::collection::vec(item, 0..5).prop_map(|v| format!("[{}]", v.join(", ")));
    let member = prop_oneof![
        list.clone().prop_map(|l| format!("\"approved\": {l}")),
        list.prop_map(|l| format!("\"rejected\": {l}")),
        raw_value().prop_map(|v| format!("\"other\": {v}")),
    ];
    (prop::collection::vec(member, 0..5), config_text("x")).prop_map(|(members, rest)| {
        let responses = format!("{{{}}}", members.join(",\n    "));
        rest.replacen(
            '{',
            &format!("{{\"customApiKeyResponses\": {responses},"),
            1,
        )
        .replace(",}", "}")
    })
}

/// The elements of an array's raw text.
fn raw_elements(raw: &str) -> Vec<String> {
    let items: Vec<&RawValue> = serde_json::from_str(raw).unwrap();
    items.into_iter().map(|i| i.get().to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The onboarding fix (1000 generated configs): the result equals the
    /// original with only the last `hasCompletedOnboarding` changed (or
    /// one appended), every other member, duplicate and byte outside the
    /// edit kept.
    #[test]
    fn the_onboarding_fix_changes_only_its_key(text in config_text("hasCompletedOnboarding")) {
        let target = "hasCompletedOnboarding";
        let before = raw_members(&text);
        let result = json_edit::set(&text, target, &Value::Bool(true)).unwrap();
        let after_text = result.clone().unwrap_or_else(|| text.clone());
        let after = raw_members(&after_text);
        let last = before.iter().rposition(|(k, _)| k == target.as_bytes());
        let mut expected = before.clone();
        match last {
            Some(i) => expected[i].1 = "true".to_string(),
            None => expected.push((target.as_bytes().to_vec(), "true".to_string())),
        }
        prop_assert_eq!(&after, &expected);
        if let Some(out) = &result {
            // Outside one window (the old value, or the insertion point), the bytes are the original's.
            let prefix = text.bytes().zip(out.bytes()).take_while(|(a, b)| a == b).count();
            let suffix = text.bytes().rev().zip(out.bytes().rev()).take_while(|(a, b)| a == b).count();
            let changed = text.len().saturating_sub(prefix + suffix.min(text.len() - prefix));
            let allowed = last.map_or(0, |i| before[i].1.len());
            prop_assert!(changed <= allowed, "{} bytes of the original changed", changed);
        }
        let (Some(close_before), Some(close_after)) = (text.rfind('}'), after_text.rfind('}')) else {
            return Err(TestCaseError::fail("no closing brace"));
        };
        prop_assert_eq!(&text[close_before..], &after_text[close_after..], "the ending is kept");
    }

    /// The approval fix (1000 generated configs): only the last
    /// `approved` gains the suffix (unless it holds it) and the last
    /// `rejected` loses it; every other member of the object, every other
    /// list item and every top-level member keeps its exact text.
    #[test]
    fn the_approval_fix_changes_only_the_list_items(text in responses_text("abcdefghijklmnopqrst")) {
        let suffix = "abcdefghijklmnopqrst";
        let quoted = format!("\"{suffix}\"");
        let result = match json_edit::approve(&text, suffix) {
            Ok(result) => result,
            // Refused only for a list or object of another type: the file is left alone.
            Err(why) => {
                prop_assert!(why.contains("is not"), "{}", why);
                return Ok(());
            }
        };
        let after_text = result.unwrap_or_else(|| text.clone());
        let (before, after) = (raw_members(&text), raw_members(&after_text));
        prop_assert_eq!(before.len(), after.len());
        let responses_at = before.iter().rposition(|(k, _)| k == b"customApiKeyResponses").unwrap();
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            if i != responses_at {
                prop_assert_eq!(b, a);
            }
        }
        let inner_before = raw_members(&before[responses_at].1);
        let inner_after = raw_members(&after[responses_at].1);
        let last = |members: &[(Vec<u8>, String)], name: &str| members.iter().rposition(|(k, _)| k == name.as_bytes());
        let approved = last(&inner_before, "approved");
        let rejected = last(&inner_before, "rejected");
        let mut expected = inner_before.clone();
        if let Some(i) = rejected {
            let kept: Vec<String> = raw_elements(&inner_before[i].1).into_iter().filter(|e| *e != quoted).collect();
            let now = raw_elements(&inner_after[i].1);
            prop_assert_eq!(&now, &kept);
            expected[i].1 = inner_after[i].1.clone();
        }
        match approved {
            Some(i) => {
                let mut items = raw_elements(&inner_before[i].1);
                if !items.contains(&quoted) {
                    items.push(quoted.clone());
                }
                prop_assert_eq!(raw_elements(&inner_after[i].1), items);
                expected[i].1 = inner_after[i].1.clone();
            }
            None => {
                let (key, raw) = inner_after.last().unwrap();
                prop_assert_eq!(key.as_slice(), b"approved");
                prop_assert_eq!(raw_elements(raw), vec![quoted.clone()]);
                expected.push(inner_after.last().unwrap().clone());
            }
        }
        prop_assert_eq!(inner_after, expected);
        prop_assert_eq!(json_edit::approve(&after_text, suffix).unwrap(), None, "a second run changes nothing");
    }
}

/// Through the binary: an approval keeps `1.50`, a big integer, a
/// duplicate and CRLF line ends exactly.
#[test]
fn the_approval_fix_keeps_siblings_as_written() {
    let suffix = &API_KEY[API_KEY.len() - 20..];
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    let original = format!(
        "{{\r\n  \"customApiKeyResponses\": {{\r\n    \"approved\": [\"aaaaaaaaaaaaaaaaaaaa\", \"aaaaaaaaaaaaaaaaaaaa\"],\r\n    \"rejected\": [\"{suffix}\"],\r\n    \"weight\": 1.50,\r\n    \"id\": 123456789012345678901234567890\r\n  }},\r\n  \"n\": 1.50,\r\n  \"n\": 2\r\n}}\r\n"
    );
    let path = w.home_file(".claude.json", &original);
    let report = doctor(&w, &["--fix=api-key-approval"]);
    assert_eq!(
        fix_of(&report, "api-key-approval").unwrap()["result"],
        "applied"
    );
    let expected = original
        .replace(
            "\"aaaaaaaaaaaaaaaaaaaa\"],",
            &format!("\"aaaaaaaaaaaaaaaaaaaa\", \"{suffix}\"],"),
        )
        .replace(&format!("[\"{suffix}\"]"), "[]");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}

// --- .gitignore ----------------------------------------------------------

/// A repository with one env file that sets a key, and no git on PATH (the
/// in-process matcher judges, so nothing waits for git).
fn repo_with_env_file(rel: &str) -> World {
    let w = World::new().git_init();
    w.workspace_file(rel, &format!("ANTHROPIC_API_KEY={API_KEY}\n"));
    w
}

/// Bytes that are not UTF-8 stay what they were when the line is appended.
#[test]
fn the_gitignore_append_keeps_bytes_that_are_not_utf8() {
    let w = repo_with_env_file(".devcontainer/api.env");
    let gitignore = w.workspace().join(".gitignore");
    std::fs::write(&gitignore, b"# caf\xe9\r\n*.log").unwrap();
    let report = doctor(&w, &["--fix=env-file-ignored"]);
    assert_eq!(
        fix_of(&report, "env-file-ignored").unwrap()["result"],
        "applied"
    );
    assert_eq!(
        std::fs::read(&gitignore).unwrap(),
        b"# caf\xe9\r\n*.log\n/.devcontainer/api.env\n".to_vec()
    );
}

/// Names with pattern characters get escaped lines: after the fix, real git
/// (run by the test, never by ccauth) ignores the file, and not its
/// look-alike (`prod1.env` for `prod[1].env`).
#[test]
fn gitignore_lines_are_escaped_so_git_ignores_exactly_the_file() {
    if !git_installed() {
        return;
    }
    for (name, look_alike) in [
        ("prod[1].env", Some("prod1.env")),
        ("a\\b.env", Some("ab.env")),
        ("x*.env", Some("xy.env")),
        ("q?.env", Some("qq.env")),
    ] {
        let rel = format!(".devcontainer/{name}");
        let w = repo_with_env_file(&rel);
        let report = doctor(&w, &["--fix=env-file-ignored"]);
        let fix = fix_of(&report, "env-file-ignored").unwrap();
        assert_eq!(fix["result"], "applied", "{name}: {fix}");
        let ignored = |path: &str| git_ignores(&w, path);
        assert!(
            ignored(&rel),
            "{name}: git does not ignore it after the fix"
        );
        if let Some(other) = look_alike {
            assert!(
                !ignored(&format!(".devcontainer/{other}")),
                "{name}: the rule also ignores {other}"
            );
        }
        assert_ne!(
            common::finding(&report, "env-file-ignored")["status"],
            "fail",
            "{name}"
        );
    }
}

/// Every escaped line, written to a real repository's `.gitignore`, makes
/// git ignore exactly its file: 10 names with each character the pattern
/// syntax gives a meaning, each against a look-alike.
#[test]
fn escaped_lines_mean_to_git_what_they_say() {
    if !git_installed() {
        return;
    }
    let w = World::new().git_init();
    let names = [
        ("prod[1].env", "prod1.env"),
        ("a\\b.env", "ab.env"),
        ("x*.env", "xy.env"),
        ("q?.env", "qq.env"),
        ("#x.env", "x.env"),
        ("!y.env", "y.env"),
        ("t.env ", "t.env"),
        ("u.env  ", "u.env "),
        ("sp ace.env", "sp"),
        ("[!a].env", "b.env"),
    ];
    let mut lines = String::new();
    for (name, look_alike) in names {
        w.workspace_file(name, "");
        w.workspace_file(look_alike, "");
        lines.push_str(&ccauth::gather::git::anchored_pattern(name).unwrap());
        lines.push('\n');
    }
    std::fs::write(w.workspace().join(".gitignore"), &lines).unwrap();
    let ignored = |path: &str| git_ignores(&w, path);
    for (name, look_alike) in names {
        assert!(ignored(name), "git does not ignore {name:?} with {lines:?}");
        assert!(
            !ignored(look_alike),
            "the line for {name:?} also ignores {look_alike:?}"
        );
    }
}

/// True when the test can run real git; says so when it cannot.
fn git_installed() -> bool {
    let found = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("skipped: git is not installed");
    }
    found
}

/// Real git's verdict (run by the test, never by ccauth): is `path` ignored?
fn git_ignores(w: &World, path: &str) -> bool {
    std::process::Command::new("git")
        .args(["check-ignore", "-q", "--no-index", "--"])
        .arg(path)
        .current_dir(w.workspace())
        .env_clear()
        .env("HOME", w.home())
        .status()
        .unwrap()
        .success()
}

/// A name with a line break cannot be written as a pattern: the fix is
/// refused with the reason, and `.gitignore` is untouched.
#[test]
fn a_name_with_a_line_break_is_refused() {
    let w = repo_with_env_file(".devcontainer/a\nb.env");
    let gitignore = w.workspace_file(".gitignore", "*.log\n");
    let report = doctor(&w, &["--fix=env-file-ignored"]);
    let fix = fix_of(&report, "env-file-ignored").unwrap();
    assert_eq!(fix["result"], "failed", "{fix}");
    assert!(
        fix["detail"].as_str().unwrap().contains("line break"),
        "{fix}"
    );
    assert_eq!(std::fs::read_to_string(gitignore).unwrap(), "*.log\n");
}

/// `--fix --dry-run` with a FIFO, or a link to `/dev/zero`, as `.gitignore`
/// says what is there, at once (it used to block, or read without end).
#[test]
fn a_fifo_or_dev_zero_as_gitignore_neither_blocks_nor_reads_forever() {
    for kind in ["fifo", "zero"] {
        let w = repo_with_env_file(".devcontainer/api.env");
        let gitignore = w.workspace().join(".gitignore");
        if kind == "fifo" {
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &gitignore,
                rustix::fs::FileType::Fifo,
                rustix::fs::Mode::from_raw_mode(0o644),
                0,
            )
            .unwrap();
        } else {
            std::os::unix::fs::symlink("/dev/zero", &gitignore).unwrap();
        }
        let started = std::time::Instant::now();
        let report = doctor(&w, &["--fix", "--dry-run"]);
        assert!(started.elapsed() < Duration::from_secs(10), "{kind}");
        let fix = fix_of(&report, "env-file-ignored").unwrap();
        assert_eq!(fix["result"], "failed", "{kind}: {fix}");
        let detail = fix["detail"].as_str().unwrap();
        assert!(detail.contains("not a regular file"), "{kind}: {detail}");
    }
}

// --- Owners ---------------------------------------------------------------

/// Makes the world's directories traversable by uid 1000 and gives it the
/// home, as a user's own home is theirs.
fn home_for_uid_1000(w: &World) {
    for dir in [w.home().parent().unwrap().to_path_buf(), w.workspace()] {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::os::unix::fs::chown(w.home(), Some(1000), Some(1000)).unwrap();
}

/// The onboarding fix's outcome when uid 1000 runs `doctor --fix`; `None`
/// without `setpriv`.
fn onboarding_fix_as_uid_1000(w: &World) -> Option<Value> {
    let out = w.ccauth_as_uid_1000(
        &["doctor", "--format", "json", "--fix=onboarding-flag"],
        Path::new("/"),
    )?;
    let report = common::parse_output(&out.stdout);
    fix_of(&report, "onboarding-flag").cloned()
}

/// A non-root user's fix would replace a root-owned file with one of its
/// own: it is refused, with the reason, and the file keeps owner and bytes.
#[test]
fn a_non_root_fix_never_takes_over_a_root_owned_file() {
    if rustix::process::geteuid().as_raw() != 0 {
        eprintln!("skipped: making a root-owned file for another uid needs root");
        return;
    }
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    home_for_uid_1000(&w);
    let file = w.home_file(".claude.json", "{\"numStartups\": 1}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let Some(fix) = onboarding_fix_as_uid_1000(&w) else {
        return;
    };
    assert_eq!(fix["result"], "failed", "{fix}");
    assert!(
        fix["detail"].as_str().unwrap().contains("belongs to uid 0"),
        "{fix}"
    );
    assert_eq!(std::fs::metadata(&file).unwrap().uid(), 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{\"numStartups\": 1}"
    );
    assert!(files_named(&w.home(), "ccauth-backup").is_empty());
}

/// Root keeps the owner of the file it rewrites, and of the backup.
#[test]
fn a_root_fix_keeps_the_owner() {
    if rustix::process::geteuid().as_raw() != 0 {
        eprintln!("skipped: giving a file to another uid needs root");
        return;
    }
    let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let file = w.home_file(".claude.json", "{}");
    std::os::unix::fs::chown(&file, Some(1234), Some(1234)).unwrap();
    let report = doctor(&w, &["--fix=onboarding-flag"]);
    assert_eq!(
        fix_of(&report, "onboarding-flag").unwrap()["result"],
        "applied"
    );
    assert_eq!(std::fs::metadata(&file).unwrap().uid(), 1234);
    let backups = files_named(&w.home(), ".claude.json.ccauth-backup-");
    assert_eq!(backups.len(), 1);
    assert_eq!(std::fs::metadata(&backups[0]).unwrap().uid(), 1234);
}

// --- Backups --------------------------------------------------------------

/// Two fixes on one file in the same second: two backups beside it, each
/// unique and mode 0600 (the original is 0644 and holds a key), and the
/// temporary directory stays empty.
#[test]
fn two_fixes_in_one_second_leave_two_private_backups_beside_the_file() {
    let (w, tmp) = world_with_private_tmp();
    let w = w.with_env("ANTHROPIC_API_KEY", API_KEY);
    let suffix = &API_KEY[API_KEY.len() - 20..];
    let original = format!(
        "{{\"primaryApiKey\": \"{API_KEY}\", \"customApiKeyResponses\": {{\"rejected\": [\"{suffix}\"]}}}}"
    );
    let file = w.home_file(".claude.json", &original);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let tmp_before = tmp_files_holding(API_KEY);
    let report = doctor(&w, &["--fix=onboarding-flag,api-key-approval"]);
    for check in ["onboarding-flag", "api-key-approval"] {
        assert_eq!(
            fix_of(&report, check).unwrap()["result"],
            "applied",
            "{check}"
        );
    }
    let backups = files_named(&w.home(), ".claude.json.ccauth-backup-");
    assert_eq!(backups.len(), 2, "{backups:?}");
    for backup in &backups {
        assert_eq!(std::fs::metadata(backup).unwrap().mode() & 0o777, 0o600);
    }
    let kept: Vec<String> = backups
        .iter()
        .map(|b| std::fs::read_to_string(b).unwrap())
        .collect();
    assert!(kept.contains(&original), "a backup holds the original");
    assert_no_copy_outside(&tmp, &tmp_before);
}

/// A directory that takes no backup refuses the fix: nothing goes to the
/// (private) temporary directory, and /tmp gains no file with the key.
#[test]
fn an_unwritable_directory_refuses_rather_than_backing_up_elsewhere() {
    if rustix::process::geteuid().as_raw() != 0 {
        eprintln!("skipped: dropping to another uid needs root");
        return;
    }
    let (w, tmp) = world_with_private_tmp();
    // The home is root's and closed to uid 1000; the file and the temp dir are open to it.
    std::fs::set_permissions(
        w.home().parent().unwrap(),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::set_permissions(w.home(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o777)).unwrap();
    let original = format!("{{\"primaryApiKey\": \"{API_KEY}\"}}");
    let file = w.home_file(".claude.json", &original);
    std::os::unix::fs::chown(&file, Some(1000), Some(1000)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let tmp_before = tmp_files_holding(API_KEY);
    let Some(fix) = onboarding_fix_as_uid_1000(&w) else {
        return;
    };
    assert_eq!(fix["result"], "failed", "{fix}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    assert_no_copy_outside(&tmp, &tmp_before);
}

/// A write that fails (the file is a read-only single-file bind mount: the
/// rename gives EBUSY, the in-place write EROFS) leaves no backup behind.
#[test]
fn a_failed_write_removes_its_backup() {
    if !common::can_unshare("-m") {
        return;
    }
    let (w, tmp) = world_with_private_tmp();
    let source = w.home().parent().unwrap().join("host-claude.json");
    let original = format!("{{\"primaryApiKey\": \"{API_KEY}\"}}");
    std::fs::write(&source, &original).unwrap();
    let target = w.home_file(".claude.json", "{}");
    let script = format!(
        "mount --bind {src} {dst} && mount -o remount,bind,ro {dst} && exec \"$1\" doctor --format json --fix=onboarding-flag",
        src = source.display(),
        dst = target.display(),
    );
    let out = w.in_mount_namespace(&script);
    let report = common::parse_output(&out.stdout);
    let fix = fix_of(&report, "onboarding-flag").unwrap();
    assert_eq!(fix["result"], "failed", "{fix}");
    assert!(
        files_named(&w.home(), "ccauth-backup").is_empty(),
        "a backup was left behind"
    );
    assert!(files_named(&tmp, "").is_empty(), "the temp dir got a file");
    assert_eq!(std::fs::read_to_string(&source).unwrap(), original);
}

/// Reading big kept values costs bounded memory: a 10,000-item cap on the
/// approved list and 4 KiB strings (`parse_claude_json` on a config with
/// 200,000 approvals and a 20 MB `primaryApiKey`).
#[test]
fn kept_values_are_cut_to_a_bounded_size() {
    let approvals: Vec<String> = (0..200_000).map(|i| format!("\"{i:020}\"")).collect();
    let doc = format!(
        "{{\"customApiKeyResponses\": {{\"approved\": [{}]}}, \"primaryApiKey\": \"{}\"}}",
        approvals.join(","),
        "k".repeat(20 << 20)
    );
    let config = parse_claude_json(std::io::Cursor::new(doc.as_bytes())).unwrap();
    let (approved, _) = config.api_key_responses();
    assert_eq!(approved.len(), 10_000);
    assert_eq!(config.primary_api_key().unwrap().expose().len(), 4096);
}

/// The most memory `ccauth doctor` held, in KiB: the child's `VmHWM`,
/// polled until it exits (the peak comes while it reads the config).
fn peak_rss_kib(mut cmd: std::process::Command) -> u64 {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let hwm = text
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
        peak = peak.max(hwm.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(2));
    }
    peak
}

/// A 200 MB value under a key ccauth keeps (`primaryApiKey`) costs little
/// memory: the old reader held it whole, twice (1.8 GB peak measured).
#[test]
#[ignore = "slow: writes and reads a 200 MB config"]
fn a_200_mb_kept_value_costs_little_memory() {
    let w = World::new();
    let mut doc = b"{\"hasCompletedOnboarding\": true, \"primaryApiKey\": \"sk-ant-api03-".to_vec();
    doc.resize(doc.len() + (200 << 20), b'k');
    doc.extend_from_slice(b"\"}");
    std::fs::write(w.home().join(".claude.json"), &doc).unwrap();
    drop(doc);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("ccauth"));
    cmd.arg("doctor")
        .env_clear()
        .envs(w.env_pairs())
        .env("CCAUTH_SYSROOT", w.sysroot())
        .current_dir(w.workspace());
    let peak = peak_rss_kib(cmd);
    assert!(peak < 64 << 10, "peak RSS {peak} KiB");
}
