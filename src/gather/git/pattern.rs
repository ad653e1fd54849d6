//! The `.gitignore` line that ignores exactly one file: pure pattern logic,
//! shared by the check that advises the line and by `--fix`, which adds it.
//!
//! A file name is not a pattern: `prod[1].env` is a bracket expression,
//! `a\b.env` an escape, a trailing space is dropped, and a leading `#` or
//! `!` changes the line's meaning (gitignore(5)). Every character the
//! pattern syntax gives a meaning is escaped with a backslash, and the line
//! is anchored at the repository root with `/`. A line break cannot be
//! written in a pattern at all: such a name is refused.

/// The pattern that matches exactly `rel_path` (relative to the repository
/// root, `/`-separated) and nothing else, or why there is none.
pub fn anchored_pattern(rel_path: &str) -> Result<String, String> {
    if rel_path.contains(['\n', '\r']) {
        return Err(format!(
            "{rel_path:?} holds a line break, which no .gitignore line can express; \
             rename the file (or move it out of the repository)"
        ));
    }
    let mut pattern = String::with_capacity(rel_path.len() + 8);
    pattern.push('/');
    for c in rel_path.chars() {
        if matches!(c, '\\' | '*' | '?' | '[' | ']' | '!' | '#') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    // Trailing spaces are dropped unless escaped; escape each of them.
    let kept = pattern.trim_end_matches(' ').len();
    let spaces = pattern.len() - kept;
    pattern.truncate(kept);
    pattern.push_str(&"\\ ".repeat(spaces));
    Ok(pattern)
}
