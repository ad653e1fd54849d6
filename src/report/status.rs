//! Renderers for `ccauth status`: a table for people, JSON for scripts.

use super::escape;
use super::human::Style;
use crate::status::{Gate, SourceRow, SourceState, StatusReport, Verdict};
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use owo_colors::OwoColorize;
use std::fmt::Write;

/// The table never grows wider than this.
const TABLE_WIDTH: u16 = 110;

/// Renders the status as JSON with a trailing newline.
pub fn json(report: &StatusReport) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// Renders the status as a table and two verdicts.
pub fn human(report: &StatusReport, style: Style) -> String {
    let mut out = String::new();
    let title = "Credentials, in the order Claude Code tries them";
    let _ = writeln!(
        out,
        "{}",
        if style.color {
            title.bold().to_string()
        } else {
            title.to_string()
        }
    );
    let _ = writeln!(out, "{}", table(&report.sources));
    out.push('\n');
    write_verdict(&mut out, "claude -p", &report.verdicts.print, style);
    write_verdict(&mut out, "claude", &report.verdicts.interactive, style);
    out.push('\n');
    let title = "Before the prompt, in the order the client meets it";
    let _ = writeln!(out, "{}", style.bold(title));
    let launched = super::launch_line(Some(&report.launch));
    let _ = writeln!(out, "launched by {}", escape::line(&launched));
    write_gates(&mut out, "claude", &report.gates.interactive, style);
    write_gates(&mut out, "claude -p", &report.gates.print, style);
    out
}

/// One mode's gates, numbered, each with its way through and its check.
fn write_gates(out: &mut String, mode: &str, gates: &[Gate], style: Style) {
    let _ = writeln!(out, "{}", style.bold(mode));
    for (n, gate) in gates.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}. {}: {}",
            n + 1,
            gate.id.name(),
            escape::line(&gate.title)
        );
        if let Some(check) = gate.check {
            let _ = writeln!(out, "     way through: {}", escape::line(&gate.way_through));
            let _ = writeln!(out, "     check: ccauth explain {check}");
        }
    }
}

fn table(rows: &[SourceRow]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(TABLE_WIDTH)
        .set_header(["Source", "State", "Value", "Kind", "From", "Used by"]);
    for row in rows {
        let used: Vec<&str> = [
            (row.wins_print, "claude -p"),
            (row.wins_interactive, "claude"),
        ]
        .into_iter()
        .filter_map(|(wins, name)| wins.then_some(name))
        .collect();
        let state = match &row.problem {
            Some(problem) if row.state != SourceState::Empty => format!("{}: {problem}", row.state),
            _ => row.state.to_string(),
        };
        table.add_row([
            escape::line(&row.source),
            escape::line(&state),
            escape::line(&row.value.clone().unwrap_or_default()),
            row.kind.unwrap_or("").to_string(),
            escape::line(&row.origin_short.clone().unwrap_or_default()),
            used.join(", "),
        ]);
    }
    // Variable names and masked values ("sk-ant-admin01-********abcd") are never split.
    // Widths include the two padding spaces.
    for (index, width) in [(0, 25), (2, 29)] {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(width)));
        }
    }
    table
}

fn write_verdict(out: &mut String, mode: &str, verdict: &Verdict, style: Style) {
    let outcome = match &verdict.winner {
        Some(winner) => format!("uses {winner} (authMethod {})", verdict.auth_method),
        None => "has no credential: not logged in".to_string(),
    };
    let label = format!("{mode:<10}");
    let label = if style.color {
        label.bold().to_string()
    } else {
        label
    };
    let _ = writeln!(out, "{label} {}", escape::line(&outcome));
    for line in verdict.losers.iter().chain(&verdict.notes) {
        let _ = writeln!(out, "           {}", escape::line(line));
    }
}
