//! JUnit XML: one test case per check that ran, the category as its class
//! name and the check id as its name, so GitLab and Jenkins dashboards show
//! doctor results as tests.
//!
//! The shape follows the schema Jenkins' xUnit plugin validates against
//! (`junit-10.xsd`, vendored in `tests/fixtures/`), which GitLab and the
//! JUnit 5 reports keep to as well: `skipped` is counted on a `testsuite`
//! only (`testsuites` has no such attribute), and a `testcase` holds no
//! `properties`, so warnings are listed in the suite's. A check's problems
//! share one `<failure>`: Jenkins and GitLab show only the first failure of
//! a test case, and every problem must be seen.

use super::{Report, shown_place};
use crate::checks::{CheckResult, Problem, Status};
use crate::escape::xml;
use std::fmt::Write;
use std::path::Path;

/// What a check becomes in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The check crashed: a bug in ccauth, a JUnit `<error>`.
    Crashed,
    /// It failed, or warned under `--strict`: a `<failure>`.
    Failed,
    /// It warned: `<system-out>` and the suite's properties.
    Warned,
    /// It could not decide: `<skipped>`.
    Skipped,
    /// It passed.
    Passed,
}

impl Outcome {
    fn of(result: &CheckResult, strict: bool) -> Self {
        match result.finding.status {
            _ if result.crashed => Outcome::Crashed,
            Status::Fail => Outcome::Failed,
            Status::Warn if strict => Outcome::Failed,
            Status::Warn => Outcome::Warned,
            Status::Skip => Outcome::Skipped,
            Status::Pass => Outcome::Passed,
        }
    }
}

/// Renders the report as a JUnit `testsuites` document. With `strict`
/// (`--strict`), warnings are failures, as they are for the exit code.
/// Checks left out with `--only`/`--skip` are not listed.
pub fn render(report: &Report, strict: bool) -> String {
    let cases: Vec<(&CheckResult, Outcome)> = report
        .checks
        .iter()
        .filter(|r| r.not_selected.is_none())
        .map(|r| (r, Outcome::of(r, strict)))
        .collect();
    let count = |o: Outcome| cases.iter().filter(|(_, outcome)| *outcome == o).count();
    let (tests, failures, errors) = (cases.len(), count(Outcome::Failed), count(Outcome::Crashed));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\"");
    let _ = writeln!(out, "<testsuites name=\"ccauth doctor\" {counts}>");
    let _ = writeln!(
        out,
        "  <testsuite name=\"ccauth doctor\" {counts} skipped=\"{}\">",
        count(Outcome::Skipped)
    );
    properties(&mut out, &cases);
    let workspace = &report.runtime.workspace;
    for (result, outcome) in &cases {
        testcase(&mut out, result, *outcome, workspace);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The suite's properties: one per warning that is not a failure, named by
/// its code, its cause the value.
fn properties(out: &mut String, cases: &[(&CheckResult, Outcome)]) {
    let warnings: Vec<Problem> = cases
        .iter()
        .filter(|(_, outcome)| *outcome == Outcome::Warned)
        .flat_map(|(result, _)| result.finding.problems.iter().cloned())
        .collect();
    if warnings.is_empty() {
        return;
    }
    out.push_str("    <properties>\n");
    for problem in warnings {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            xml(&problem.code),
            xml(&problem.cause)
        );
    }
    out.push_str("    </properties>\n");
}

fn testcase(out: &mut String, result: &CheckResult, outcome: Outcome, workspace: &Path) {
    let category = serde_json::to_value(result.category)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\">",
        xml(&format!("ccauth.{category}")),
        xml(result.id)
    );
    let problems = &result.finding.problems;
    let codes = problems
        .iter()
        .map(|p| p.code.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let details = || xml(&details(result, problems, workspace));
    let cause = xml(&result.finding.cause);
    let _ = match outcome {
        Outcome::Crashed => write!(
            out,
            "<error type=\"crashed\" message=\"{}\">{}</error>",
            xml(&codes),
            details()
        ),
        Outcome::Failed => write!(
            out,
            "<failure type=\"{}\" message=\"{}\">{}</failure>",
            word(result.finding.status),
            xml(&codes),
            details()
        ),
        Outcome::Warned => write!(out, "<system-out>warning: {}</system-out>", details()),
        Outcome::Skipped => write!(out, "<skipped message=\"{cause}\"/>"),
        Outcome::Passed => write!(out, "<system-out>{cause}</system-out>"),
    };
    out.push_str("</testcase>\n");
}

/// A failure's or warning's text: each problem's code and cause, its
/// places, and its fix under it; then where to read more.
fn details(result: &CheckResult, problems: &[Problem], workspace: &Path) -> String {
    let mut text = String::new();
    for problem in problems {
        let _ = writeln!(text, "[{}] {}", problem.code, problem.cause);
        for place in &problem.places {
            let _ = writeln!(text, "  at {}", shown_place(place, workspace));
        }
        if !problem.fix.is_empty() {
            let _ = writeln!(text, "Fix: {}", problem.fix);
        }
        text.push('\n');
    }
    let _ = write!(text, "More: ccauth explain {}", result.id);
    text
}

/// The failure type: what the check found, `warn` only under `--strict`.
fn word(status: Status) -> &'static str {
    match status {
        Status::Warn => "warn",
        _ => "fail",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    /// Validates a document against the vendored Jenkins schema with
    /// `xmllint --schema` (libxml2-utils; `.ci/run` installs it): its
    /// complaints, if any.
    fn validate(document: &str) -> Result<(), String> {
        let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/junit-10.xsd");
        let mut child = Command::new("xmllint")
            .args(["--noout", "--schema", schema, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("xmllint runs (apt-get install libxml2-utils)");
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(document.as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        match out.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        }
    }

    #[test]
    fn the_document_is_valid_against_the_jenkins_schema() {
        let report = sample::report();
        for strict in [false, true] {
            let document = render(&report, strict);
            if let Err(why) = validate(&document) {
                panic!("{why}\n{document}");
            }
        }
    }

    #[test]
    fn the_schema_check_rejects_what_the_schema_forbids() {
        let forbidden =
            render(&sample::report(), false).replace("<testsuites ", "<testsuites skipped=\"1\" ");
        let why = validate(&forbidden).unwrap_err();
        assert!(why.contains("skipped"), "{why}");
    }

    #[test]
    fn every_problem_of_a_failure_is_in_it_with_its_code_and_place() {
        let text = render(&sample::report(), false);
        assert!(text.contains("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""));
        assert!(!text.contains("root-user"), "a check not run is not listed");
        let case = text
            .lines()
            .find(|l| l.contains("name=\"devcontainer-env\""))
            .unwrap();
        assert!(case.contains("classname=\"ccauth.workspace\""));
        assert!(case.contains(
            "<failure type=\"fail\" message=\"devcontainer-env/remote-env-only, devcontainer-env/host-variable-missing\">"
        ));
        assert!(case.contains(
            "[devcontainer-env/remote-env-only] TOKEN is set in remoteEnv only.&#10;  at .devcontainer/devcontainer.json:12:5&#10;Fix: Use containerEnv.&#10;&#10;[devcontainer-env/host-variable-missing]"
        ));
        assert_eq!(text.matches("<skipped ").count(), 1);
    }

    #[test]
    fn warnings_fail_only_under_strict() {
        let report = sample::report();
        let relaxed = render(&report, false);
        assert!(relaxed.contains(
            "<property name=\"config-persistence/file-not-persisted\" value=\"&lt;.claude.json&gt; is on the container&apos;s layer &amp; lost.\"/>"
        ));
        assert!(relaxed.contains("<system-out>warning: [config-persistence/file-not-persisted]"));
        assert!(relaxed.contains("at /home/dev/.claude.json&#10;"));
        let strict = render(&report, true);
        assert!(strict.contains("failures=\"2\""));
        assert!(
            strict.contains(
                "<failure type=\"warn\" message=\"config-persistence/file-not-persisted\">"
            )
        );
        assert!(!strict.contains("<properties>"));
    }

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml("a<b>&\"c\"\u{1}'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;"
        );
        assert_eq!(xml("l1\nl2"), "l1&#10;l2");
    }
}
