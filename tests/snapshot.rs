//! The JSON report is the public contract: snapshot it for the field report's
//! world, where every one of the five checks has something to say.

mod common;

use common::{World, git_path};

/// The seed's devcontainer: a Mac's ~/.claude bind-mounted, an empty token
/// from `${localEnv:…}`, a forwarded 54545, an api.env not ignored, and the
/// seed's `echo … > ~/.claude.json`.
fn field_report_world() -> World {
    let w = World::new()
        .docker()
        .with_env("REMOTE_CONTAINERS", "true")
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", "")
        .with_env("PATH", &git_path())
        .git_init();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{
          // Mount Claude credentials from host
          "mounts": ["source=${localEnv:HOME}/.claude,target=/home/shiny/.claude,type=bind,consistency=cached"],
          "forwardPorts": [3838, 54545],
          "portsAttributes": {"54545": {"label": "Claude OAuth", "onAutoForward": "silent"}},
          "remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"},
          "postCreateCommand": "echo '{\"hasCompletedOnboarding\": true}' > ~/.claude.json",
          "runArgs": ["--env-file", ".devcontainer/api.env"],
        }"#,
    );
    w.workspace_file(
        ".devcontainer/api.env",
        "ANTHROPIC_API_KEY=sk-ant-api03-Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4-AbCd\n",
    );
    w.mount_mac_claude_dir();
    w
}

/// A format's output with everything machine-specific replaced by placeholders.
fn normalized(w: &World, format: &str) -> String {
    let json = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let report: serde_json::Value = common::parse_output(&json.stdout);
    // root-user depends on who runs the tests; everything else is fixed by the world.
    let args = [
        "doctor",
        "--format",
        format,
        "--color",
        "never",
        "--skip",
        "root-user",
    ];
    let out = w.ccauth(&args).output().unwrap();
    let mut text = String::from_utf8(out.stdout).unwrap();
    let root = w.home().parent().unwrap().display().to_string();
    text = text.replace(&root, "[WORLD]");
    for (key, placeholder) in [("os", "[os]"), ("kernel", "[kernel]")] {
        if let Some(value) = report["runtime"][key].as_str() {
            text = text.replace(value, placeholder);
        }
    }
    let uid = report["runtime"]["uid"].to_string();
    text.replace(&format!("uid {uid}"), "uid [uid]")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn field_report_in_every_text_format() {
    let w = field_report_world();
    for format in ["human", "markdown", "github", "junit"] {
        insta::assert_snapshot!(format!("field_report_{format}"), normalized(&w, format));
    }
}

#[test]
fn field_report_json() {
    let w = field_report_world();
    let out = w
        .ccauth(&["doctor", "--format", "json", "--skip", "root-user"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = normalized(&w, "json");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!(report, {
        ".runtime.uid" => "[uid]",
        ".checks[].evidence.paths[].uid" => "[uid]",
    });
}

/// The field report as SARIF: valid against the official schema, one result
/// per problem, and snapshotted with the machine-specific parts replaced.
#[test]
fn field_report_sarif() {
    let w = field_report_world();
    let text = normalized(&w, "sarif");
    let out = w
        .ccauth(&["doctor", "--format", "sarif", "--skip", "root-user"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let log = common::parse_sarif(&out.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let json = w
        .ccauth(&["doctor", "--format", "json", "--skip", "root-user"])
        .output()
        .unwrap();
    let report = common::parse_output(&json.stdout);
    let problems: usize = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["problems"].as_array().unwrap().len())
        .sum();
    assert_eq!(results.len(), problems);
    assert!(
        results
            .iter()
            .all(|r| r["locations"].as_array().is_some_and(|l| !l.is_empty()))
    );
    // The docs are embedded whole; `explain`'s tests cover them, not this one.
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!("field_report_sarif", log, {
        ".runs[].tool.driver.rules[].help.markdown" => "[checks/<id>.md]",
    });
}

/// A world with nothing to report: a valid log with every rule and no result.
#[test]
fn clean_world_sarif_has_no_results() {
    let w = World::new()
        .docker()
        .with_env("ANTHROPIC_API_KEY", common::API_KEY);
    let out = w
        .ccauth(&[
            "doctor",
            "--format",
            "sarif",
            "--only",
            "credential-missing,credential-format",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let log = common::parse_sarif(&out.stdout);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), ccauth::checks::CHECKS.len());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(common::API_KEY));
}

/// `ccauth report --from` a saved report whose problems have places (the
/// checks are gaining them): SARIF and annotations point at the file, line
/// and column, relative to the workspace, and absolute outside it.
#[test]
fn saved_report_places_become_locations_and_annotations() {
    let w = field_report_world();
    let json = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
    let mut report = common::parse_output(&json.stdout);
    let workspace = w.workspace();
    let checks = report["checks"].as_array_mut().unwrap();
    let env_file = checks
        .iter_mut()
        .find(|c| c["id"] == "env-file-ignored")
        .unwrap();
    env_file["problems"][0]["places"] = serde_json::json!([
        {"file": workspace.join(".devcontainer/api.env"), "line": 1, "column": 1, "entry": "ANTHROPIC_API_KEY"}
    ]);
    let config = checks
        .iter_mut()
        .find(|c| c["id"] == "config-persistence")
        .unwrap();
    config["problems"][0]["places"] = serde_json::json!([{"file": w.home().join(".claude.json")}]);
    let saved = w.home().join("report.json");
    std::fs::write(&saved, report.to_string()).unwrap();
    let from = saved.to_str().unwrap();

    let out = w
        .ccauth(&["report", "--from", from, "--format", "sarif"])
        .output()
        .unwrap();
    let log = common::parse_sarif(&out.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let at =
        |rule: &str| results.iter().find(|r| r["ruleId"] == rule).unwrap()["locations"][0].clone();
    assert_eq!(
        at("env-file-ignored")["physicalLocation"],
        serde_json::json!({"artifactLocation": {"uri": ".devcontainer/api.env", "uriBaseId": "%SRCROOT%"},
                           "region": {"startLine": 1, "startColumn": 1}})
    );
    let outside = at("config-persistence")["physicalLocation"]["artifactLocation"]["uri"].clone();
    let outside = outside.as_str().unwrap();
    assert!(
        outside.starts_with("file:///") && outside.ends_with("/.claude.json"),
        "{outside}"
    );

    let out = w
        .ccauth(&["report", "--from", from, "--format", "github"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with(
            "::error file=.devcontainer/api.env,line=1,col=1,title=ccauth env-file-ignored/"
        )),
        "{text}"
    );
    let persistence = text
        .lines()
        .find(|l| l.contains("title=ccauth config-persistence/"))
        .unwrap();
    assert!(
        !persistence.contains("file="),
        "outside the workspace: {persistence}"
    );
}

/// The issue's test of places: every problem the field report finds in its
/// devcontainer.json is annotated on the line and column where the entry
/// starts, and SARIF points at the same places.
#[test]
fn field_report_annotations_land_on_the_entries_of_devcontainer_json() {
    let w = field_report_world();
    let file = w.workspace().join(".devcontainer/devcontainer.json");
    let lines: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let out = w
        .ccauth(&["doctor", "--format", "github", "--skip", "root-user"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let at = |code: &str| -> (usize, usize) {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("title=ccauth {code}%3A")))
            .unwrap_or_else(|| panic!("no annotation for {code} in\n{text}"));
        let field = |name: &str| -> usize {
            let start = line.find(&format!("{name}=")).unwrap() + name.len() + 1;
            line[start..]
                .split([',', ':'])
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(
            line.contains("file=.devcontainer/devcontainer.json,"),
            "{line}"
        );
        (field("line"), field("col"))
    };
    // The text each entry starts with, on the line the annotation names.
    // (VS Code applied the remoteEnv here, empty: credential-missing's
    // empty-variable, not a remote-env-only, which is placed in
    // tests/checks/devcontainer_env.rs.)
    for (code, starts_with) in [
        (
            "credential-missing/empty-variable",
            "\"CLAUDE_CODE_OAUTH_TOKEN\"",
        ),
        (
            "onboarding-flag/overwritten-by-lifecycle",
            "\"postCreateCommand\"",
        ),
        ("oauth-callback-port/forwarded-port", "\"forwardPorts\""),
        (
            "host-credentials-mount/macos-keychain",
            "\"source=${localEnv:HOME}/.claude",
        ),
    ] {
        let (line, col) = at(code);
        let shown = &lines[line - 1];
        let rest: String = shown.chars().skip(col - 1).collect();
        assert!(
            rest.starts_with(starts_with),
            "{code}: line {line} col {col} is {rest:?}"
        );
    }

    let out = w
        .ccauth(&["doctor", "--format", "sarif", "--skip", "root-user"])
        .output()
        .unwrap();
    let log = common::parse_sarif(&out.stdout);
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let code = result["properties"]["code"].as_str().unwrap();
        let location = &result["locations"][0]["physicalLocation"];
        if location["artifactLocation"]["uri"] == ".devcontainer/devcontainer.json"
            && let Some(line) = location["region"]["startLine"].as_u64()
        {
            let column = location["region"]["startColumn"].as_u64().unwrap();
            assert_eq!(at(code), (line as usize, column as usize), "{code}");
        }
    }
}
