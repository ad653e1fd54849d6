//! JUnit XML: one test case per check, the category as its class name, so
//! GitLab and Jenkins dashboards show doctor results as tests.

use super::Report;
use crate::checks::Status;
use crate::escape::xml;
use std::fmt::Write;

/// Renders the report as a JUnit `testsuites` document.
pub fn render(report: &Report) -> String {
    let s = report.summary;
    let total = report.checks.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ccauth doctor\" tests=\"{total}\" failures=\"{}\" skipped=\"{}\">",
        s.fail, s.skip
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"ccauth doctor\" tests=\"{total}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
        s.fail, s.skip
    );
    for result in &report.checks {
        let f = &result.finding;
        let classname = format!(
            "ccauth.{}",
            serde_json::to_value(result.category)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        );
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\">",
            xml(&classname),
            xml(&format!("{}: {}", result.id, result.title))
        );
        let details = match &f.fix {
            Some(fix) => format!(
                "{}\n\nFix: {fix}\n\nMore: ccauth explain {}",
                f.cause, result.id
            ),
            None => f.cause.clone(),
        };
        match f.status {
            Status::Fail => {
                let _ = write!(
                    out,
                    "<failure message=\"{}\">{}</failure>",
                    xml(first_line(&f.cause)),
                    xml(&details)
                );
            }
            Status::Skip => {
                let _ = write!(out, "<skipped message=\"{}\"/>", xml(&f.cause));
            }
            Status::Warn => {
                let _ = write!(out, "<system-out>warning: {}</system-out>", xml(&details));
            }
            Status::Pass => {
                let _ = write!(out, "<system-out>{}</system-out>", xml(&f.cause));
            }
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml("a<b>&\"c\"\u{1}'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;"
        );
        assert_eq!(xml("l1\nl2"), "l1&#10;l2");
    }
}
