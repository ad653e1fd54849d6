//! Adding the `.gitignore` line that ignores exactly one file
//! ([`anchored_pattern`], shared with the check that advises it) to a
//! `.gitignore`, as bytes.
//!
//! The edit keeps every other byte of the file (any encoding), and the new
//! content is judged with the same matcher the check uses before it is
//! written.

use crate::gather::git;
pub(crate) use crate::gather::git::anchored_pattern;

/// `gitignore` (the root `.gitignore`'s bytes) with a line that ignores
/// `rel_path` appended; `None` when the rules already ignore it. Refused
/// when the name cannot be expressed, or when the matcher still does not
/// ignore the file with the line added.
pub(crate) fn append(gitignore: &[u8], rel_path: &str) -> Result<Option<Vec<u8>>, String> {
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
