//! A Markdown document to paste into a bug report: the runtime as a table,
//! one section per problem with its cause and fix, passing and skipped
//! checks folded away. Secrets are masked like everywhere else.

use super::{Report, escape};
use crate::checks::{CheckResult, Status};
use std::fmt::Write;

/// Renders the whole report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let s = report.summary;
    let _ = writeln!(out, "# ccauth doctor report\n");
    let _ = writeln!(
        out,
        "ccauth {} · **{} failed**, {} warned, {} passed, {} skipped\n",
        report.tool.version, s.fail, s.warn, s.pass, s.skip
    );
    runtime_table(&mut out, report);
    let problems: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|r| matches!(r.finding.status, Status::Fail | Status::Warn))
        .collect();
    if problems.is_empty() {
        let _ = writeln!(out, "## No problems found\n");
    }
    for result in problems {
        section(&mut out, result);
    }
    let rest: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|r| matches!(r.finding.status, Status::Pass | Status::Skip))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} passed, {} skipped</summary>\n",
            s.pass, s.skip
        );
        for result in rest {
            let mark = if result.finding.status == Status::Pass {
                "✓"
            } else {
                "–"
            };
            let _ = writeln!(
                out,
                "- {mark} `{}` {}: {}",
                result.id,
                result.title,
                one_line(&result.finding.cause)
            );
        }
        let _ = writeln!(out, "\n</details>");
    }
    // Every line of the document, data included, made inert at once: Markdown
    // has no escape sequences of its own to keep.
    escape::text(&out)
}

fn runtime_table(out: &mut String, report: &Report) {
    let rt = &report.runtime;
    let show = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .map_or("(unknown)".to_string(), |p| p.display().to_string())
    };
    let markers: Vec<&str> = rt.markers.iter().map(|m| m.signal.as_str()).collect();
    let claude = rt
        .claude
        .first()
        .map_or("not found on PATH".to_string(), |c| {
            format!(
                "{} {} ({})",
                c.path.display(),
                c.version.as_deref().unwrap_or("?"),
                c.method
            )
        });
    let rows = [
        ("sign-in", rt.sign_in.clone()),
        (
            "place",
            if markers.is_empty() {
                "no marker".to_string()
            } else {
                markers.join(", ")
            },
        ),
        (
            "user",
            format!(
                "uid {}, HOME={}",
                rt.uid,
                rt.home_env.as_deref().unwrap_or("(unset)")
            ),
        ),
        ("config dir", show(&rt.config_dir)),
        ("config file", show(&rt.config_file)),
        ("claude", claude),
        (
            "system",
            format!(
                "{} (kernel {})",
                rt.os.as_deref().unwrap_or("?"),
                rt.kernel.as_deref().unwrap_or("?")
            ),
        ),
    ];
    let _ = writeln!(out, "## Runtime\n\n| | |\n|---|---|");
    for (label, value) in rows {
        let _ = writeln!(out, "| {label} | {} |", cell(&value));
    }
    out.push('\n');
}

fn section(out: &mut String, result: &CheckResult) {
    let mark = if result.finding.status == Status::Fail {
        "✗"
    } else {
        "!"
    };
    let _ = writeln!(out, "## {mark} `{}`: {}\n", result.id, result.title);
    let _ = writeln!(out, "{}\n", result.finding.cause.replace('\n', "\n\n"));
    if let Some(fix) = &result.finding.fix {
        let _ = writeln!(
            out,
            "**Fix**\n\n```text\n{}\n```\n",
            fix.replace("```", "ʼʼʼ")
        );
    }
    let _ = writeln!(out, "More: `ccauth explain {}`\n", result.id);
}

fn one_line(text: &str) -> String {
    text.lines().next().unwrap_or("").to_string()
}

/// Keeps a value inside one table cell, its line breaks shown as `\n`.
fn cell(text: &str) -> String {
    escape::line(text).replace('|', "\\|")
}
