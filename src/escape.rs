//! Making data safe to print: file names, paths, workspace strings and
//! anything else read from the world, before it reaches a terminal, a
//! Markdown document or a GitHub Actions log.
//!
//! Three things in data could act instead of being shown: control characters
//! (an ESC starts a terminal escape sequence, a CR rewrites the line, a
//! newline starts a new one), a line that begins with `::` (the Actions
//! runner takes it as a workflow command: it trims leading whitespace and
//! tests `StartsWith("::")`, see `ActionCommand.TryParseV2` in
//! actions/runner), and the legacy `##[command]` form, which the runner finds
//! anywhere in a line (`ActionCommand.TryParse`). Every renderer for people
//! passes data through [`line()`] or [`text`]; the JSON report keeps data exact,
//! since JSON escapes control characters itself and is not read by the runner
//! as commands.
//!
//! The escapes the JUnit and GitHub renderers apply ([`xml`],
//! [`escape_data`]) live here too, below every layer: the masking rule
//! (`crate::secret`) masks a secret in each escaped form a renderer can give it.

/// One line of data made inert: every control character, the newline
/// included, is shown as an escape (`\n`, `\r`, `\t`, `\x1b`, `\u{85}`), a
/// leading `::` becomes `\::`, and `##[` becomes `#\#[`.
pub(crate) fn line(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    // The runner trims what .NET calls white space, Unicode's set like Rust's.
    let body = data.trim_start_matches(char::is_whitespace);
    if body.starts_with("::") {
        push_escaped(&mut out, &data[..data.len() - body.len()]);
        out.push('\\');
        push_escaped(&mut out, body);
    } else {
        push_escaped(&mut out, data);
    }
    out.replace("##[", "#\\#[")
}

/// Text made inert line by line: its own line breaks stay, every line goes
/// through [`line()`], so no line of it can start a workflow command or carry
/// a terminal escape.
pub(crate) fn text(data: &str) -> String {
    data.split('\n').map(line).collect::<Vec<_>>().join("\n")
}

fn push_escaped(out: &mut String, data: &str) {
    for c in data.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0
/// cannot carry at all.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command's message (`%`, CR, LF), as @actions/core does.
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(line("x\n::error::pwned"), "x\\n::error::pwned");
        assert_eq!(line("\u{1b}[31mred"), "\\x1b[31mred");
        assert_eq!(line("a\rb\u{85}c\u{7f}"), "a\\rb\\u{85}c\\x7f");
        assert_eq!(line("plain /path/é"), "plain /path/é");
    }

    #[test]
    fn no_line_starts_a_workflow_command() {
        assert_eq!(line("::error::pwned"), "\\::error::pwned");
        assert_eq!(line("   ::warning::x"), "   \\::warning::x");
        assert_eq!(line("\u{a0}::warning::x"), "\u{a0}\\::warning::x");
        assert_eq!(line("a ::b"), "a ::b");
        assert_eq!(line("x ##[error]y"), "x #\\#[error]y");
        assert_eq!(text("ok\n  ::error::x\nfine"), "ok\n  \\::error::x\nfine");
        assert!(
            text("a\n::x::y\r\n\t::z::w")
                .lines()
                .all(|l| !l.trim_start().starts_with("::"))
        );
    }
}
