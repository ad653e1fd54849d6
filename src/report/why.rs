//! Renderers for `ccauth why`: the causes that hold first, with evidence and
//! fix; then, one line each, the causes checked that do not hold.

use super::escape;
use super::human::{Style, write_block};
use crate::checks::Status;
use crate::why::WhyReport;
use owo_colors::OwoColorize;
use std::fmt::Write;

/// Renders the answer as JSON with a trailing newline.
pub fn json(report: &WhyReport) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// Renders the answer for people.
pub fn human(report: &WhyReport, style: Style) -> String {
    let mut out = String::new();
    let bold = |t: &str| {
        if style.color {
            t.bold().to_string()
        } else {
            t.to_string()
        }
    };
    let first_line = report.input.lines().next().unwrap_or("");
    let _ = writeln!(
        out,
        "{} \"{}\"\n",
        bold("ccauth why"),
        escape::line(first_line)
    );
    if report.matches.is_empty() {
        let _ = writeln!(out, "No known cause matches this message.");
        if !report.closest.is_empty() {
            let _ = writeln!(out, "\nThe closest messages ccauth knows:");
            for message in &report.closest {
                let _ = writeln!(out, "  - {}", escape::line(message));
            }
        }
        let _ = writeln!(out, "\nRun `ccauth doctor` to check everything.");
        return out;
    }
    let holding: Vec<_> = report.matches.iter().filter(|m| m.holds).collect();
    let _ = writeln!(
        out,
        "This message has {} known cause(s); {} hold(s) here.\n",
        report.matches.len(),
        holding.len()
    );
    for m in &holding {
        let mark = if m.finding.status == Status::Fail {
            "[✗]"
        } else {
            "[!]"
        };
        let _ = writeln!(out, "  {mark} {} ({})", m.title, m.id);
        write_block(&mut out, ("", 0), &m.finding.cause);
        if let Some(fix) = &m.finding.fix {
            write_block(&mut out, (&bold("Fix: "), 5), fix);
        }
        let _ = writeln!(out, "      More: ccauth explain {}\n", m.id);
    }
    let others: Vec<_> = report.matches.iter().filter(|m| !m.holds).collect();
    if !others.is_empty() {
        let _ = writeln!(out, "{}", bold("Not the cause here:"));
        for m in others {
            let why = m.finding.cause.lines().next().unwrap_or("");
            let _ = writeln!(out, "  - {}: {}", m.id, escape::line(why));
        }
    }
    if report.needs_online {
        let _ = writeln!(
            out,
            "\nSome causes can only be told by trying the network: run `ccauth why --online …`."
        );
    }
    out
}
