//! The human report, in the manner of `flutter doctor`: the runtime, then one
//! line per check with a status mark, each problem's cause indented under
//! it with its places (`--> path:line:col`, as rustc writes them) and its
//! fix, and one summary line.

use super::{Report, Runtime, escape, shown_place};
use crate::checks::{CheckResult, Problem, Status};
use crate::fix::Applied;
use owo_colors::OwoColorize;
use std::fmt::Write;
use std::path::Path;

/// Paragraphs are wrapped to this many columns.
const WIDTH: usize = 100;
/// Indentation of the text under a check's line.
const INDENT: &str = "      ";

/// How to render: colour and detail.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Emit ANSI colours.
    pub color: bool,
    /// Show passing details and evidence.
    pub verbose: bool,
}

impl Style {
    fn paint(&self, text: &str, status: Status) -> String {
        if !self.color {
            return text.to_string();
        }
        match status {
            Status::Pass => text.green().to_string(),
            Status::Warn => text.yellow().to_string(),
            Status::Fail => text.red().to_string(),
            Status::Skip => text.dimmed().to_string(),
        }
    }

    /// Bold, when colouring.
    pub(crate) fn bold(&self, text: &str) -> String {
        if self.color {
            text.bold().to_string()
        } else {
            text.to_string()
        }
    }

    /// Dimmed, when colouring.
    pub(crate) fn dim(&self, text: &str) -> String {
        if self.color {
            text.dimmed().to_string()
        } else {
            text.to_string()
        }
    }
}

/// Renders the whole report.
pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!("ccauth doctor {}", report.tool.version))
    );
    out.push('\n');
    render_runtime(&mut out, &report.runtime, style);
    out.push('\n');
    if let Some(outcomes) = &report.fixes {
        render_fixes(&mut out, outcomes, style);
        out.push('\n');
    }
    let mut heading = None;
    let not_selected = |r: &&CheckResult| r.not_selected.is_some();
    let hidden = report.checks.iter().filter(not_selected).count();
    for result in report.checks.iter().filter(|r| !not_selected(r)) {
        if heading != Some(result.category) {
            if heading.is_some() {
                out.push('\n');
            }
            heading = Some(result.category);
            let _ = writeln!(out, "{}", style.bold(result.category.heading()));
        }
        let was = report
            .before
            .as_ref()
            .and_then(|b| b.iter().find(|(id, _)| *id == result.id))
            .map(|(_, status)| *status)
            .filter(|status| *status != result.finding.status);
        render_check(&mut out, result, was, (&report.runtime.workspace, style));
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            style.dim(&format!(
                "({} not run: --only/--skip)",
                super::checks_word(hidden)
            ))
        );
    }
    out.push('\n');
    let _ = writeln!(out, "{}", summary_line(report, style));
    out
}

fn render_runtime(out: &mut String, rt: &Runtime, style: Style) {
    let _ = writeln!(out, "{}", style.bold("Runtime"));
    let place = if rt.markers.is_empty() {
        "no container or remote-session marker".to_string()
    } else {
        rt.markers
            .iter()
            .map(|m| m.signal.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let user = format!(
        "uid {}{}, HOME={}",
        rt.uid,
        rt.user
            .as_deref()
            .map_or(String::new(), |n| format!(" ({n})")),
        rt.home_env.as_deref().unwrap_or("(unset)")
    );
    let show = |p: &Option<std::path::PathBuf>| {
        p.as_ref()
            .map_or("(unknown)".to_string(), |p| p.display().to_string())
    };
    let claude = match rt.claude.first() {
        None => "not found on PATH".to_string(),
        Some(install) => format!(
            "{} {} ({}){}",
            install.path.display(),
            install.version.as_deref().unwrap_or("version unknown"),
            install.method,
            if rt.claude.len() > 1 {
                format!(", and {} more on PATH", rt.claude.len() - 1)
            } else {
                String::new()
            }
        ),
    };
    let system = format!(
        "{}, kernel {}",
        rt.os.as_deref().unwrap_or("unknown OS"),
        rt.kernel.as_deref().unwrap_or("unknown")
    );
    let rows = [
        ("sign-in", rt.sign_in.clone()),
        ("gates", rt.gates.clone()),
        ("launched by", super::launch_line(rt.launch.as_ref())),
        ("place", place),
        ("user", user),
        ("config dir", show(&rt.config_dir)),
        ("config file", show(&rt.config_file)),
        ("credentials", show(&rt.credentials_file)),
        ("claude", claude),
        ("workspace", rt.workspace.display().to_string()),
        ("system", system),
    ];
    for (label, value) in rows {
        if value.is_empty() {
            continue; // a saved report from before ccauth showed gates
        }
        let _ = writeln!(out, "  {:<12} {}", style.dim(label), escape::line(&value));
    }
}

fn render_fixes(out: &mut String, outcomes: &[crate::fix::Outcome], style: Style) {
    let _ = writeln!(out, "{}", style.bold("Fixes"));
    if outcomes.is_empty() {
        let _ = writeln!(out, "  nothing to repair automatically");
    }
    for outcome in outcomes {
        let (mark, status) = match outcome.result {
            Applied::Applied => ("fixed", Status::Pass),
            Applied::Planned => ("would fix", Status::Warn),
            Applied::Unchanged => ("already fine", Status::Skip),
            Applied::NeedsNaming => ("needs naming", Status::Skip),
            Applied::Failed => ("could not fix", Status::Fail),
        };
        let _ = writeln!(
            out,
            "  {} {} {}",
            style.paint(&format!("[{mark}]"), status),
            escape::line(&outcome.repair.summary),
            style.dim(&format!("({})", outcome.check))
        );
        if let Some(detail) = &outcome.detail {
            write_block(out, ("", 0), detail);
        }
        if let Some(diff) = &outcome.diff {
            for line in diff.lines() {
                let _ = writeln!(out, "{INDENT}{}", escape::line(line));
            }
        }
    }
}

fn render_check(
    out: &mut String,
    result: &CheckResult,
    was: Option<Status>,
    (workspace, style): (&Path, Style),
) {
    let finding = &result.finding;
    let mark = match finding.status {
        Status::Pass => "[✓]",
        Status::Warn => "[!]",
        Status::Fail => "[✗]",
        Status::Skip => "[-]",
    };
    let change = was.map_or(String::new(), |before| {
        format!(
            " {}",
            style.bold(&format!(
                "{} → {}",
                before.as_str(),
                finding.status.as_str()
            ))
        )
    });
    let _ = writeln!(
        out,
        "  {} {} {}{change}",
        style.paint(mark, finding.status),
        result.title,
        style.dim(&format!("({})", result.id))
    );
    if finding.status.is_problem() {
        render_problems(out, &result.finding.problems, (workspace, style));
        let _ = writeln!(
            out,
            "{INDENT}{}",
            style.dim(&format!("More: ccauth explain {}", result.id))
        );
    } else if finding.status == Status::Skip || style.verbose {
        write_block(out, ("", 0), &finding.cause);
        if let Some(fix) = finding.fix.as_deref().filter(|_| style.verbose) {
            write_block(out, (&style.bold("Fix: "), 5), fix);
        }
    }
    if style.verbose && !finding.evidence.is_empty() {
        let evidence = serde_json::to_string(&finding.evidence).unwrap_or_default();
        write_block(out, (&style.dim("Evidence: "), 10), &evidence);
    }
}

/// A check's problems, each with its places and fix; a fix the next
/// problem shares is said once, under the last of them.
pub(crate) fn render_problems(out: &mut String, problems: &[Problem], layout: (&Path, Style)) {
    for (i, problem) in problems.iter().enumerate() {
        let shared = problems
            .get(i + 1)
            .is_some_and(|next| next.fix == problem.fix);
        render_problem(out, problem, layout, !shared);
    }
}

/// One problem: its cause, a `--> path:line:col` line per place (relative
/// to the workspace inside it, the key after it), and its fix under it
/// unless `with_fix` is false.
fn render_problem(
    out: &mut String,
    problem: &Problem,
    (workspace, style): (&Path, Style),
    with_fix: bool,
) {
    write_block(out, ("", 0), &problem.cause);
    for place in &problem.places {
        let key = place
            .key
            .as_deref()
            .map_or(String::new(), |key| format!(" ({key})"));
        let shown = format!("{}{key}", shown_place(place, workspace));
        let _ = writeln!(out, "{INDENT}{} {}", style.dim("-->"), escape::line(&shown));
    }
    if with_fix && !problem.fix.is_empty() {
        write_block(out, (&style.bold("Fix: "), 5), &problem.fix);
    }
}

/// Writes text under a check, after an optional label ("Fix: ") whose
/// visible width every following line is indented by. Prose and list items
/// are wrapped (list items with a hanging indent); other indented lines are
/// commands or snippets and stay whole so they can be copied. The text is
/// data: it is made inert ([`escape::text`]) before it is laid out.
pub(crate) fn write_block(out: &mut String, label: (&str, usize), text: &str) {
    let text = escape::text(text);
    let (painted, label_width) = label;
    let mut first = true;
    let mut lead = || {
        if std::mem::take(&mut first) {
            painted.to_string()
        } else {
            " ".repeat(label_width)
        }
    };
    for line in text.lines() {
        let body = line.trim_start();
        let margin = &line[..line.len() - body.len()];
        let hang = match list_marker_width(body) {
            Some(width) => width,
            None if margin.is_empty() => 0,
            None => {
                let _ = writeln!(out, "{INDENT}{}{line}", lead());
                continue;
            }
        };
        let width = WIDTH
            .saturating_sub(INDENT.len() + label_width + margin.len() + hang)
            .max(20);
        for (i, piece) in wrap(body, width).iter().enumerate() {
            let hang = if i == 0 { 0 } else { hang };
            let _ = writeln!(out, "{INDENT}{}{margin}{:hang$}{piece}", lead(), "");
        }
    }
}

/// The width of a leading "• ", "- " or "12. " list marker.
fn list_marker_width(body: &str) -> Option<usize> {
    if body.starts_with("• ") || body.starts_with("- ") {
        return Some(2);
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && body[digits..].starts_with(". ")).then_some(digits + 2)
}

fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in line.split(' ') {
        let current = lines.last_mut().expect("never empty");
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    lines
}

fn summary_line(report: &Report, style: Style) -> String {
    let s = report.summary;
    let counts = format!(
        "{} failed, {} warned, {} passed, {} skipped.",
        s.fail, s.warn, s.pass, s.skip
    );
    let verdict = if s.fail > 0 {
        style.paint("ccauth found problems that break sign-in:", Status::Fail)
    } else if s.warn > 0 {
        style.paint("Sign-in should work, with warnings:", Status::Warn)
    } else {
        style.paint("No problems found:", Status::Pass)
    };
    format!("{verdict} {counts}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn each_cause_has_its_places_and_its_fix_under_it() {
        let text = render(&sample::report(), Style::default());
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("(devcontainer-env)"))
            .unwrap();
        assert_eq!(
            lines[at + 1..at + 7],
            [
                format!("{INDENT}TOKEN is set in remoteEnv only."),
                format!("{INDENT}--> .devcontainer/devcontainer.json:12:5 (remoteEnv.TOKEN)"),
                format!("{INDENT}Fix: Use containerEnv."),
                format!("{INDENT}HOST_VAR is not set on the host."),
                format!("{INDENT}Fix: Export HOST_VAR."),
                format!("{INDENT}More: ccauth explain devcontainer-env"),
            ]
        );
        assert!(text.contains(&format!("\n{INDENT}--> /home/dev/.claude.json\n")));
        assert!(!text.contains("root-user"));
        assert!(text.contains("(1 check not run: --only/--skip)"));
    }

    #[test]
    fn a_fix_two_problems_share_is_said_once_under_the_last() {
        let mut report = sample::report();
        report.checks[0].finding.problems[1].fix = "Use containerEnv.".into();
        let text = render(&report, Style::default());
        assert_eq!(text.matches("Fix: Use containerEnv.").count(), 1);
        let cause = text.find("HOST_VAR is not set").unwrap();
        assert!(text.find("Fix: Use containerEnv.").unwrap() > cause);
    }

    #[test]
    fn places_are_data_made_inert() {
        let mut report = sample::report();
        report.checks[0].finding.problems[0].places[0].file =
            format!("{}/\u{1b}[31m.env", sample::WORKSPACE).into();
        let text = render(&report, Style::default());
        assert!(text.contains(&format!("{INDENT}--> \\x1b[31m.env:12:5")));
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn list_items_wrap_with_a_hanging_indent_and_snippets_stay_whole() {
        let mut out = String::new();
        let long = "word ".repeat(40);
        write_block(
            &mut out,
            ("", 0),
            &format!("  1. {long}\n  \"containerEnv\": {{ {long} }}"),
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(&format!("{INDENT}  1. word")));
        assert!(lines[1].starts_with(&format!("{INDENT}     word")));
        assert!(
            lines
                .last()
                .unwrap()
                .starts_with(&format!("{INDENT}  \"containerEnv\""))
        );
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= WIDTH || l.contains("containerEnv"))
        );
    }

    #[test]
    fn lines_after_a_label_hang_under_it() {
        let mut out = String::new();
        write_block(
            &mut out,
            ("Fix: ", 5),
            &format!("{}\n  cmd --flag", "word ".repeat(30)),
        );
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(&format!("{INDENT}Fix: word")));
        assert!(lines[1].starts_with(&format!("{INDENT}     word")));
        assert_eq!(*lines.last().unwrap(), format!("{INDENT}       cmd --flag"));
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
    }

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("short", 80), ["short"]);
    }
}
