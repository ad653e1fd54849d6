//! A Markdown document to paste into a bug report: the runtime as a table,
//! one section per failing or warning check with one bullet per problem (its
//! code, a link to its place, its cause and fix), passing and skipped checks
//! folded away, checks left out with `--only`/`--skip` not listed. Secrets
//! are masked like everywhere else.

use super::{Report, escape, shown_file};
use crate::checks::{CheckResult, Place, Problem, Status};
use std::fmt::Write;
use std::path::Path;

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
    let selected = || report.checks.iter().filter(|r| r.not_selected.is_none());
    let problems: Vec<&CheckResult> = selected()
        .filter(|r| r.finding.status.is_problem())
        .collect();
    if problems.is_empty() {
        let _ = writeln!(out, "## No problems found\n");
    }
    for result in problems {
        section(&mut out, result, &report.runtime.workspace);
    }
    let rest: Vec<&CheckResult> = selected()
        .filter(|r| !r.finding.status.is_problem())
        .collect();
    if !rest.is_empty() {
        let passed = rest
            .iter()
            .filter(|r| r.finding.status == Status::Pass)
            .count();
        let _ = writeln!(
            out,
            "<details><summary>{passed} passed, {} skipped</summary>\n",
            rest.len() - passed
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
    let hidden = report.checks.len() - selected().count();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "\n_{} not run: --only/--skip_",
            super::checks_word(hidden)
        );
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
        ("launched by", super::launch_line(rt.launch.as_ref())),
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

fn section(out: &mut String, result: &CheckResult, workspace: &Path) {
    let _ = writeln!(
        out,
        "## {} `{}`: {}\n",
        mark(result.finding.status),
        result.id,
        result.title
    );
    for problem in &result.finding.problems {
        bullet(out, problem, workspace);
    }
    let _ = writeln!(out, "More: `ccauth explain {}`\n", result.id);
}

/// One problem as a list item: its mark and code, links to its places, its
/// cause, and its fix as a block to copy, all indented into the item.
fn bullet(out: &mut String, problem: &Problem, workspace: &Path) {
    let places: Vec<String> = problem.places.iter().map(|p| place(p, workspace)).collect();
    let at = if places.is_empty() {
        String::new()
    } else {
        format!(" · {}", places.join(", "))
    };
    let cause = problem.cause.replace('\n', "\n\n  ");
    let _ = writeln!(
        out,
        "- {} `{}`{at}: {cause}\n",
        mark(problem.status),
        problem.code
    );
    if !problem.fix.is_empty() {
        let fix = problem.fix.replace("```", "ʼʼʼ").replace('\n', "\n  ");
        let _ = writeln!(out, "  **Fix**\n\n  ```text\n  {fix}\n  ```\n");
    }
}

/// A place as a link relative to the workspace, which GitHub resolves
/// against the repository (`[devcontainer.json:12](.devcontainer/devcontainer.json#L12)`);
/// a file outside the workspace has nothing to link to and is shown as code.
/// The key inside the file, if any, follows as code.
fn place(place: &Place, workspace: &Path) -> String {
    let file = shown_file(place, workspace);
    let line = place.line.map_or(String::new(), |l| format!(":{l}"));
    let mut shown = if file.is_relative() {
        let name = file
            .file_name()
            .map_or_else(|| file.to_string_lossy(), |n| n.to_string_lossy());
        let anchor = place.line.map_or(String::new(), |l| format!("#L{l}"));
        format!(
            "[{}{line}]({}{anchor})",
            link_text(&name),
            link_target(&file.to_string_lossy())
        )
    } else {
        code(&format!("{}{line}", file.display()))
    };
    if let Some(key) = &place.key {
        shown.push(' ');
        shown.push_str(&code(key));
    }
    shown
}

/// A check's or problem's mark: `✗` for a failure, `!` for a warning.
fn mark(status: Status) -> &'static str {
    if status == Status::Fail { "✗" } else { "!" }
}

/// Text inside a link's brackets, its Markdown punctuation escaped.
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>()!#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A relative path as a link target: everything but unreserved characters
/// and `/` percent-encoded, so spaces, parentheses and `#` cannot end it.
fn link_target(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A code span that holds any text: fenced with more backticks than the
/// text's longest run, padded when the text touches a backtick.
fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn one_line(text: &str) -> String {
    text.lines().next().unwrap_or("").to_string()
}

/// Keeps a value inside one table cell, its line breaks shown as `\n`.
fn cell(text: &str) -> String {
    escape::line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn each_problem_is_a_bullet_with_its_code_and_a_link_to_its_place() {
        let text = render(&sample::report());
        assert!(text.contains(
            "- ✗ `devcontainer-env/remote-env-only` · [devcontainer.json:12](.devcontainer/devcontainer.json#L12) `remoteEnv.TOKEN`: TOKEN is set in remoteEnv only.\n\n  **Fix**\n\n  ```text\n  Use containerEnv.\n  ```\n"
        ));
        assert!(text.contains(
            "- ! `devcontainer-env/host-variable-missing`: HOST_VAR is not set on the host."
        ));
        assert!(text.contains(
            "- ! `config-persistence/file-not-persisted` · `/home/dev/.claude.json`: <.claude.json> is on"
        ));
    }

    #[test]
    fn checks_not_run_are_not_listed() {
        let text = render(&sample::report());
        assert!(!text.contains("root-user"));
        assert!(text.contains("<details><summary>1 passed, 1 skipped</summary>"));
        assert!(text.contains("_1 check not run: --only/--skip_"));
    }

    #[test]
    fn links_and_code_spans_hold_any_path() {
        assert_eq!(link_target(".dc/a b(1)#.env"), ".dc/a%20b%281%29%23.env");
        assert_eq!(link_target("é"), "%C3%A9");
        assert_eq!(link_text("a]b[c"), "a\\]b\\[c");
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
