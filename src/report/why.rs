//! Renderers for `ccauth why`: the causes that hold, with the lines that
//! showed them, evidence and fix; then, one line each, the causes only a
//! probe can tell (with the command that would) and the causes ruled out.

use super::escape;
use super::human::{Style, render_problems, write_block};
use crate::checks::Status;
use crate::why::{Source, Verdict, WhyMatch, WhyReport};
use std::fmt::Write;
use std::path::Path;

/// Renders the answer as JSON (`schema/why.schema.json`) with a trailing
/// newline.
pub(crate) fn json(report: &WhyReport) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// Renders the answer for people.
pub(crate) fn human(report: &WhyReport, style: Style) -> String {
    let mut out = String::new();
    write_heading(&mut out, report, style);
    if report.matches.is_empty() {
        write_no_match(&mut out, report);
        return out;
    }
    let holding = report.matches.iter().filter(|m| m.holds()).count();
    let _ = writeln!(
        out,
        "{} known cause(s) match; {holding} hold(s) here.\n",
        report.matches.len()
    );
    let show_lines = report.input.source == Source::Stdin || report.input.lines > 1;
    for m in report.matches.iter().filter(|m| m.holds()) {
        write_holding(&mut out, m, show_lines, style);
    }
    write_group(
        &mut out,
        report,
        (Verdict::NeedsOnline, "Cannot be told offline:"),
        style,
        |m| {
            let command = m
                .online_command
                .as_deref()
                .unwrap_or("ccauth doctor --online");
            format!("run `{command}` to tell.")
        },
    );
    write_group(
        &mut out,
        report,
        (Verdict::OutOfSight, "Cannot be seen from here:"),
        style,
        |m| m.out_of_sight.clone().unwrap_or_default(),
    );
    write_group(
        &mut out,
        report,
        (Verdict::RuledOut, "Not the cause here:"),
        style,
        |m| m.finding.cause.lines().next().unwrap_or("").to_string(),
    );
    out
}

/// The argument itself, or what was read from standard input.
fn write_heading(out: &mut String, report: &WhyReport, style: Style) {
    let input = &report.input;
    match &input.text {
        Some(text) if input.source == Source::Argument => {
            let first = text.lines().next().unwrap_or("");
            let more = if input.lines > 1 { " …" } else { "" };
            let _ = writeln!(
                out,
                "{} \"{}\"{more}\n",
                style.bold("ccauth why"),
                escape::line(first)
            );
        }
        _ => {
            let mib = input.bytes as f64 / (1024.0 * 1024.0);
            let _ = writeln!(
                out,
                "{}: {} line(s) of standard input ({mib:.1} MiB)\n",
                style.bold("ccauth why"),
                input.lines
            );
        }
    }
    if input.long_lines > 0 {
        let _ = writeln!(
            out,
            "{} line(s) longer than 64 KiB were matched on their first and last 32 KiB.\n",
            input.long_lines
        );
    }
}

fn write_no_match(out: &mut String, report: &WhyReport) {
    let _ = writeln!(out, "No known cause matches this message.");
    if !report.closest.is_empty() {
        let _ = writeln!(out, "\nThe closest messages ccauth knows:");
        for message in &report.closest {
            let _ = writeln!(out, "  - {}", escape::line(message));
        }
    }
    let _ = writeln!(out, "\nRun `ccauth doctor` to check everything.");
}

/// One cause that holds: the lines that showed it, the finding, the fix.
fn write_holding(out: &mut String, m: &WhyMatch, show_lines: bool, style: Style) {
    let mark = if m.finding.status == Status::Fail {
        "[✗]"
    } else {
        "[!]"
    };
    let _ = writeln!(out, "  {mark} {} ({})", m.title, m.id);
    if show_lines {
        for seen in &m.lines {
            let wrapped = if seen.wrapped { " (wrapped)" } else { "" };
            let label = format!("Line {}{wrapped}: ", seen.line);
            let width = label.chars().count();
            write_block(out, (&style.dim(&label), width), &seen.text);
        }
        let earlier = m.occurrences.saturating_sub(m.lines.len() as u64);
        if earlier > 0 {
            let _ = writeln!(
                out,
                "      …and {earlier} earlier line(s), from line {}.",
                m.first_line
            );
        }
    }
    // Each problem with its places (absolute: `why` names no workspace)
    // and its fix, as `doctor` shows them.
    render_problems(out, &m.finding.problems, (Path::new(""), style));
    let _ = writeln!(out, "      More: ccauth explain {}\n", m.id);
}

/// The causes of one verdict, one line each.
fn write_group(
    out: &mut String,
    report: &WhyReport,
    (verdict, heading): (Verdict, &str),
    style: Style,
    line: impl Fn(&WhyMatch) -> String,
) {
    let members: Vec<&WhyMatch> = report
        .matches
        .iter()
        .filter(|m| m.verdict == verdict)
        .collect();
    if members.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", style.bold(heading));
    for m in members {
        let _ = writeln!(out, "  - {}: {}", m.id, escape::line(&line(m)));
    }
    out.push('\n');
}
