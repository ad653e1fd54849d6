//! The `.gitignore` line that ignores exactly one file, and adding it to a
//! `.gitignore` as bytes.
//!
//! A file name is not a pattern: `prod[1].env` is a bracket expression,
//! `a\b.env` an escape, a trailing space is dropped, and a leading `#` or
//! `!` changes the line's meaning (gitignore(5)). Every character the
//! pattern syntax gives a meaning is escaped with a backslash, and the line
//! is anchored at the repository root with `/`. A line break cannot be
//! written in a pattern at all: such a name is refused. The edit keeps every
//! other byte of the file (any encoding), and the new content is judged with
//! the same matcher the check uses before it is written. The check plans the
//! line and `--fix` writes it, so it lives with the checks, below `fix`.

use crate::gather::git;

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

/// `gitignore` (the root `.gitignore`'s bytes) with a line that ignores
/// `rel_path` appended; `None` when the rules already ignore it. Refused
/// when the name cannot be expressed, or when the matcher still does not
/// ignore the file with the line added.
pub fn append(gitignore: &[u8], rel_path: &str) -> Result<Option<Vec<u8>>, String> {
    if git::judge_with_root_rules(gitignore, rel_path).0 {
        return Ok(None);
    }
    let pattern = anchored_pattern(rel_path)?;
    let mut out = gitignore.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.extend_from_slice(pattern.as_bytes());
    out.push(b'\n');
    let (ignored, rule) = git::judge_with_root_rules(&out, rel_path);
    if !ignored {
        let why = rule.map_or(String::new(), |r| format!(" (the rule {r} decides)"));
        return Err(format!(
            "even with the line {pattern} the file {rel_path} would not be ignored{why}, so .gitignore was \
             left alone"
        ));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_literal_patterns() {
        for (name, line) in [
            ("a.env", "/a.env"),
            ("prod[1].env", "/prod\\[1\\].env"),
            ("a\\b.env", "/a\\\\b.env"),
            ("x*.env", "/x\\*.env"),
            ("#x.env", "/\\#x.env"),
            ("!x.env", "/\\!x.env"),
            ("x.env  ", "/x.env\\ \\ "),
            (".devcontainer/api.env", "/.devcontainer/api.env"),
        ] {
            assert_eq!(anchored_pattern(name).unwrap(), line, "{name}");
            let out = append(b"", name).unwrap().unwrap();
            assert_eq!(out, format!("{line}\n").into_bytes());
        }
        assert!(anchored_pattern("a\nb.env").is_err());
    }

    #[test]
    fn other_bytes_are_kept_and_a_present_rule_is_enough() {
        let original = b"caf\xe9\r\n*.log".to_vec();
        let out = append(&original, "a.env").unwrap().unwrap();
        assert_eq!(out, b"caf\xe9\r\n*.log\n/a.env\n".to_vec());
        assert_eq!(append(&out, "a.env").unwrap(), None);
        assert_eq!(append(b"*.env\n", "a.env").unwrap(), None);
    }
}
