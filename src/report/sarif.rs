//! SARIF 2.1.0: one run whose rules are the registry's checks and whose
//! results are the report's problems, for GitHub code scanning and any other
//! SARIF viewer.
//!
//! Paths inside the workspace are relative to `%SRCROOT%` (the workspace
//! root), so code scanning can place an alert on the repository's file;
//! files elsewhere (the home's `.claude.json`) are absolute `file:` URIs.
//! GitHub code scanning refuses a whole upload when a result has no location
//! ("locationFromSarifResult: expected at least one location",
//! github/codeql-action#1738 and #2459), so a problem without a place
//! is located at the workspace's `.devcontainer/devcontainer.json`, the
//! file that sets up the environment, with a location message saying so.

use super::{Report, Shown, shown_problems, workspace_relative};
use crate::checks::{CHECKS, Check, Place, Status};
use serde_json::{Value, json};
use std::path::Path;

/// The schema the document declares: the OASIS errata 01 schema, the one
/// tests/fixtures/sarif-schema-2.1.0.json vendors.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id results' relative paths are resolved against.
const SRCROOT: &str = "%SRCROOT%";

/// Where a problem without a place is located (see the module docs).
const FALLBACK_FILE: &str = ".devcontainer/devcontainer.json";

/// Code scanning's limits ("About code scanning limits on SARIF results"):
/// a file with more than 25,000 results in a run, or 1,000 locations in a
/// result, is rejected whole, and only 100 locations of a result are shown.
/// What is left out is counted in the run's or the result's properties.
const MAX_RESULTS: usize = 25_000;
/// The locations of one result code scanning shows (see [`MAX_RESULTS`]).
const MAX_LOCATIONS: usize = 100;

/// Renders the report as one SARIF 2.1.0 log, pretty-printed, with a
/// trailing newline.
pub fn render(report: &Report) -> String {
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run(report)],
    });
    let text = serde_json::to_string_pretty(&log).unwrap_or_default();
    // The Actions runner takes `##[` anywhere in a line as a command; inside
    // a JSON string `\u0023` is the same `#`.
    format!("{}\n", text.replace("##[", "#\\u0023["))
}

fn run(report: &Report) -> Value {
    let mut run = json!({
        "tool": {"driver": {
            "name": report.tool.name,
            "version": report.tool.version,
            "semanticVersion": report.tool.version,
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": CHECKS.iter().map(|&check| rule(check)).collect::<Vec<_>>(),
        }},
        "columnKind": "unicodeCodePoints",
        "results": [],
    });
    if let Some(root) = directory_uri(&report.runtime.workspace) {
        run["originalUriBaseIds"] = json!({ SRCROOT: {"uri": root} });
    }
    let (results, left_out) = results(report, MAX_RESULTS);
    run["results"] = Value::Array(results);
    if left_out > 0 {
        run["properties"] = json!({"problemsNotShown": left_out});
    }
    run
}

/// The first `limit` problems as results, and how many were left out.
fn results(report: &Report, limit: usize) -> (Vec<Value>, usize) {
    let mut shown = shown_problems(report);
    let results = shown
        .by_ref()
        .take(limit)
        .map(|shown| result(report, &shown))
        .collect();
    (results, shown.count())
}

/// A check as a SARIF rule: its id, title and documentation.
fn rule(check: &dyn Check) -> Value {
    let doc = check.doc();
    let summary = summary(doc);
    json!({
        "id": check.id(),
        "name": pascal_case(check.id()),
        "shortDescription": {"text": check.title()},
        "fullDescription": {"text": summary},
        "help": {
            "text": format!("{summary}\nMore: ccauth explain {}", check.id()),
            "markdown": doc,
        },
        "helpUri": format!("{}/blob/main/checks/{}.md", env!("CARGO_PKG_REPOSITORY"), check.id()),
    })
}

/// The doc's first paragraph after its title (the bold one-line summary),
/// without Markdown emphasis and line breaks.
fn summary(doc: &str) -> String {
    let paragraph = doc
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or_default();
    paragraph
        .replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `env-file-ignored` → `EnvFileIgnored`, SARIF's readable rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn result(report: &Report, shown: &Shown) -> Value {
    let problem = &shown.problem;
    let level = match problem.status {
        Status::Fail => "error",
        _ => "warning",
    };
    let locations: Vec<Value> = match problem.places.is_empty() {
        true => vec![fallback_location()],
        false => problem
            .places
            .iter()
            .take(MAX_LOCATIONS)
            .map(|p| location(report, p))
            .collect(),
    };
    let first_uri = locations[0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut result = json!({"ruleId": shown.result.id});
    // A saved report may name a check this build does not have.
    if let Some(index) = CHECKS.iter().position(|c| c.id() == shown.result.id) {
        result["ruleIndex"] = json!(index);
    }
    let rest = json!({
        "level": level,
        "message": {"text": format!("{}\nFix: {}", problem.cause, problem.fix)},
        "locations": locations,
        "partialFingerprints": {"ccauthProblem/v1": format!("{}:{first_uri}", problem.code)},
        "properties": properties(problem),
    });
    if let (Some(result), Value::Object(rest)) = (result.as_object_mut(), rest) {
        result.extend(rest);
    }
    result
}

/// The problem's code, and how many of its places the limit left out.
fn properties(problem: &crate::checks::Problem) -> Value {
    let mut properties = json!({"code": problem.code});
    let left_out = problem.places.len().saturating_sub(MAX_LOCATIONS);
    if left_out > 0 {
        properties["placesNotShown"] = json!(left_out);
    }
    properties
}

/// A place as a SARIF location: the file, the line and column when known,
/// and the key as a logical location.
fn location(report: &Report, place: &Place) -> Value {
    let artifact = match workspace_relative(report, &place.file) {
        Some(relative) => json!({"uri": relative_uri(relative), "uriBaseId": SRCROOT}),
        None => json!({"uri": file_uri(&place.file)}),
    };
    let mut physical = json!({"artifactLocation": artifact});
    if let Some(line) = place.line {
        physical["region"] = json!({"startLine": line});
        if let Some(column) = place.column {
            physical["region"]["startColumn"] = json!(column);
        }
    }
    let mut location = json!({"physicalLocation": physical});
    if let Some(key) = &place.key {
        location["logicalLocations"] = json!([{"fullyQualifiedName": key}]);
    }
    location
}

fn fallback_location() -> Value {
    json!({
        "physicalLocation": {"artifactLocation": {"uri": FALLBACK_FILE, "uriBaseId": SRCROOT}},
        "message": {"text": "This problem has no file of its own; it is shown on the devcontainer configuration."},
    })
}

/// A relative path as a URI reference: each segment percent-encoded, `/`
/// between them.
fn relative_uri(path: &Path) -> String {
    path.components()
        .map(|c| encode_segment(&c.as_os_str().to_string_lossy()))
        .collect::<Vec<_>>()
        .join("/")
}

/// An absolute path as a `file:` URI; the lossy text when it is not one.
fn file_uri(path: &Path) -> String {
    url::Url::from_file_path(path).map_or_else(|()| relative_uri(path), String::from)
}

/// The workspace root as a `file:` URI ending in `/`, as a base id must.
fn directory_uri(path: &Path) -> Option<String> {
    url::Url::from_directory_path(path).ok().map(String::from)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Finding, Problem, find};
    use crate::report::fixture::{report, result, runtime};

    fn sarif(report: &Report) -> Value {
        serde_json::from_str(&render(report)).unwrap()
    }

    /// Validates against the official OASIS schema vendored in tests/fixtures.
    fn assert_valid(log: &Value) {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sarif-schema-2.1.0.json"
        );
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF schema violations:\n{}",
            errors.join("\n")
        );
    }

    #[test]
    #[should_panic(expected = "SARIF schema violations")]
    fn the_schema_refuses_what_sarif_does_not_allow() {
        let mut log = sarif(&report());
        log["runs"][0]["results"][0]["level"] = json!("fatal");
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] =
            json!({"startLine": 0});
        assert_valid(&log);
    }

    #[test]
    fn is_valid_sarif_with_every_check_as_a_rule() {
        let log = sarif(&report());
        assert_valid(&log);
        let driver = &log["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "ccauth");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().unwrap();
        assert_eq!(rules.len(), CHECKS.len());
        let rule = &rules[CHECKS
            .iter()
            .position(|c| c.id() == "env-file-ignored")
            .unwrap()];
        assert_eq!(rule["name"], "EnvFileIgnored");
        assert_eq!(
            rule["shortDescription"]["text"],
            find("env-file-ignored").unwrap().title()
        );
        assert!(
            rule["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .starts_with("An env file")
        );
        assert!(
            !rule["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .contains("**")
        );
        assert_eq!(
            rule["helpUri"],
            "https://github.com/ccauth/ccauth/blob/main/checks/env-file-ignored.md"
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## What it means")
        );
    }

    #[test]
    fn one_result_per_problem_at_its_places() {
        let log = sarif(&report());
        let run = &log["runs"][0];
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///work/my%20project/"
        );
        let results = run["results"].as_array().unwrap();
        let codes: Vec<&str> = results
            .iter()
            .map(|r| r["properties"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            [
                "credential-missing/none",
                "onboarding-flag/overwritten-by-lifecycle",
                "env-file-ignored/tracked",
                "env-file-ignored/not-ignored",
                "devcontainer-env/remote-env-only",
            ]
        );
        let tracked = &results[2];
        assert_eq!(tracked["ruleId"], "env-file-ignored");
        assert_eq!(tracked["level"], "error");
        assert_eq!(
            tracked["message"]["text"],
            "api.env is committed.\nFix: git rm --cached it."
        );
        let location = &tracked["locations"][0];
        assert_eq!(
            location["physicalLocation"],
            json!({"artifactLocation": {"uri": ".devcontainer/api.env", "uriBaseId": "%SRCROOT%"},
                   "region": {"startLine": 1, "startColumn": 1}})
        );
        assert_eq!(
            location["logicalLocations"][0]["fullyQualifiedName"],
            "ANTHROPIC_API_KEY"
        );
        let spaced = &results[3]["locations"][0]["physicalLocation"];
        assert_eq!(
            spaced["artifactLocation"]["uri"],
            ".devcontainer/my%20keys.env"
        );
        assert!(spaced.get("region").is_none());
        assert_eq!(results[3]["level"], "warning");
        let outside = &results[1]["locations"][0]["physicalLocation"];
        assert_eq!(
            outside,
            &json!({"artifactLocation": {"uri": "file:///home/u/.claude.json"},
                    "region": {"startLine": 3}})
        );
    }

    #[test]
    fn a_problem_without_a_place_is_shown_on_the_devcontainer_json() {
        let log = sarif(&report());
        let location = &log["runs"][0]["results"][0]["locations"][0];
        assert_eq!(
            location["physicalLocation"]["artifactLocation"],
            json!({"uri": ".devcontainer/devcontainer.json", "uriBaseId": "%SRCROOT%"})
        );
        assert!(
            location["message"]["text"]
                .as_str()
                .unwrap()
                .contains("no file of its own")
        );
    }

    #[test]
    fn severity_overrides_hold_for_each_problem() {
        let log = sarif(&report());
        let denied = &log["runs"][0]["results"][4];
        assert_eq!(denied["ruleId"], "devcontainer-env");
        assert_eq!(denied["level"], "error", "--deny raised the warning");
    }

    #[test]
    fn a_check_this_build_lacks_has_no_rule_index() {
        let mut report = report();
        report.checks[0].id = "from-a-newer-ccauth";
        let log = sarif(&report);
        assert_valid(&log);
        let first = &log["runs"][0]["results"][0];
        assert_eq!(first["ruleId"], "from-a-newer-ccauth");
        assert!(first.get("ruleIndex").is_none());
        let second = &log["runs"][0]["results"][1];
        let rule = &log["runs"][0]["tool"]["driver"]["rules"]
            [second["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(
            rule["id"], second["ruleId"],
            "the index points at its own rule"
        );
    }

    #[test]
    fn places_past_code_scannings_limit_are_counted_not_listed() {
        let mut report = report();
        let problem = &mut report.checks[3].finding.problems[1];
        let file = problem.places[0].file.clone();
        problem.places = (1..=150).map(|n| Place::line(&file, n, None)).collect();
        let log = sarif(&report);
        assert_valid(&log);
        let result = &log["runs"][0]["results"][3];
        assert_eq!(result["locations"].as_array().unwrap().len(), MAX_LOCATIONS);
        assert_eq!(result["properties"]["placesNotShown"], 50);
        assert!(log["runs"][0].get("properties").is_none());
    }

    #[test]
    fn problems_past_the_limit_are_counted_not_listed() {
        let (results, left_out) = results(&report(), 2);
        assert_eq!(results.len(), 2);
        assert_eq!(left_out, 3);
        assert_eq!(
            results[1]["properties"]["code"],
            "onboarding-flag/overwritten-by-lifecycle"
        );
        assert!(sarif(&report())["runs"][0].get("properties").is_none());
    }

    #[test]
    fn a_clean_report_is_valid_with_no_results() {
        let report = Report::new(
            runtime(),
            vec![result("claude-install", Finding::pass("fine"))],
        );
        let log = sarif(&report);
        assert_valid(&log);
        assert_eq!(log["runs"][0]["results"], json!([]));
    }

    #[test]
    fn actions_commands_in_data_stay_inert() {
        let report = Report::new(
            runtime(),
            vec![result(
                "credential-missing",
                Finding::problem(Problem::fail("none", "##[error]forged", "::warning::x")),
            )],
        );
        let text = render(&report);
        assert!(!text.contains("##["), "{text}");
        let log: Value = serde_json::from_str(&text).unwrap();
        assert!(
            log["runs"][0]["results"][0]["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("##[error]forged")
        );
        assert!(text.lines().all(|l| !l.trim_start().starts_with("::")));
    }
}
