//! A check's problem codes, as its doc declares them: the `## Problems`
//! section of `checks/<id>.md` lists each code with its status and when it
//! is found. The doc is the declaration: the registry refuses (in debug
//! builds, so in every test) a problem whose code its doc does not list,
//! and `ccauth explain <code>` finds a check by any of its codes.

/// One documented code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentedCode<'a> {
    /// `<check-id>/<kind>`.
    pub code: &'a str,
    /// What the bullet says after the code: the status, and when.
    pub says: &'a str,
}

/// The codes the `## Problems` section of `doc` lists, in order: one per
/// bullet that starts with a code in backticks.
pub fn documented(doc: &str) -> Vec<DocumentedCode<'_>> {
    let Some(start) = doc.find("\n## Problems\n") else {
        return Vec::new();
    };
    let section = &doc[start + "\n## Problems\n".len()..];
    let section = section.find("\n## ").map_or(section, |end| &section[..end]);
    section
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("- `")?;
            let (code, says) = rest.split_once('`')?;
            Some(DocumentedCode {
                code,
                says: says.trim_start_matches([':', ' ']),
            })
        })
        .collect()
}

/// True when `doc` lists `code`.
pub fn is_documented(doc: &str, code: &str) -> bool {
    documented(doc).iter().any(|d| d.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problems_section_is_read_and_nothing_else() {
        let doc = "# x\n\n## What you see\n- `x/seen` is not a code here\n\n## Problems\n\
                   - `x/a` (fail): when a.\n- `x/b-c` (warn): when b.\nprose\n\n## References\n- `x/z`\n";
        let codes: Vec<&str> = documented(doc).iter().map(|d| d.code).collect();
        assert_eq!(codes, ["x/a", "x/b-c"]);
        assert_eq!(documented(doc)[1].says, "(warn): when b.");
        assert!(is_documented(doc, "x/a"));
        assert!(!is_documented(doc, "x/z") && !is_documented(doc, "x/seen"));
        assert!(documented("# x\n").is_empty());
    }
}
