//! GitHub Actions workflow commands: one `::error` or `::warning` per
//! problem, titled with its code, on the file, line and column of its first
//! place inside the workspace (paths relative to the workspace root, as
//! `GITHUB_WORKSPACE` has them), escaped exactly as the runner requires.

use super::{Report, Shown, escape, shown_problems, workspace_relative};
use crate::checks::Status;
use crate::escape::escape_data;

/// One annotation per problem of a failing or warning check.
pub fn render(report: &Report) -> String {
    shown_problems(report)
        .map(|shown| annotation(report, &shown))
        .collect()
}

fn annotation(report: &Report, shown: &Shown) -> String {
    let command = match shown.problem.status {
        Status::Fail => "error",
        _ => "warning",
    };
    let problem = &shown.problem;
    let message = format!(
        "{}\nFix: {}\nMore: ccauth explain {}",
        problem.cause, problem.fix, problem.code
    );
    let title = format!("ccauth {}: {}", problem.code, shown.result.title);
    let mut properties = location(report, shown);
    properties.push(format!("title={}", escape_property(&escape::line(&title))));
    format!(
        "::{command} {}::{}\n",
        properties.join(","),
        escape_data(&escape::text(&message))
    )
}

/// `file=`, `line=` and `col=` of the problem's first place inside the
/// workspace (the only files an annotation can mark); none without one.
fn location(report: &Report, shown: &Shown) -> Vec<String> {
    let Some((place, file)) = shown
        .problem
        .places
        .iter()
        .find_map(|place| Some((place, workspace_relative(report, &place.file)?)))
    else {
        return Vec::new();
    };
    let file = file.to_string_lossy();
    let mut properties = vec![format!("file={}", escape_property(&escape::line(&file)))];
    if let Some(line) = place.line {
        properties.push(format!("line={line}"));
        if let Some(column) = place.column {
            properties.push(format!("col={column}"));
        }
    }
    properties
}

/// Escapes a property value: the message escapes plus `:` and `,`.
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::report;

    #[test]
    fn one_annotation_per_problem_on_its_file_line_and_column() {
        let text = render(&report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(
            lines[0].starts_with(
                "::error title=ccauth credential-missing/none%3A A credential reaches Claude Code::No credential.%0AFix: Set one.%0AMore: ccauth explain credential-missing/none"
            ),
            "no place, no file: {}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("::warning title=ccauth onboarding-flag/overwritten-by-lifecycle"),
            "a file outside the workspace is not annotated: {}",
            lines[1]
        );
        assert!(
            lines[2].starts_with(
                "::error file=.devcontainer/api.env,line=1,col=1,title=ccauth env-file-ignored/tracked%3A "
            ),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].starts_with(
                "::warning file=.devcontainer/my keys.env,title=ccauth env-file-ignored/not-ignored%3A "
            ),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].starts_with("::error title=ccauth devcontainer-env/remote-env-only"),
            "--deny raised it: {}",
            lines[4]
        );
    }

    #[test]
    fn the_first_place_inside_the_workspace_is_annotated() {
        let mut report = report();
        let inside = std::path::Path::new(crate::report::fixture::WORKSPACE)
            .join(".devcontainer/devcontainer.json");
        report.checks[1].finding.problems[0]
            .places
            .push(crate::checks::Place::line(inside, 7, None));
        let text = render(&report);
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.starts_with("::warning file=.devcontainer/devcontainer.json,line=7,title="),
            "{line}"
        );
    }

    #[test]
    fn file_names_are_escaped_as_properties() {
        let mut report = report();
        let place = &mut report.checks[3].finding.problems[1].places[0];
        place.file = std::path::Path::new(crate::report::fixture::WORKSPACE).join("a,b:c%d\nx.env");
        let text = render(&report);
        assert!(text.contains("file=a%2Cb%3Ac%25d\\nx.env,title="), "{text}");
    }

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a: b, c%"), "a%3A b%2C c%25");
    }
}
