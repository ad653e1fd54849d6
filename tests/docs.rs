//! The registry and `checks/*.md` stay in step: every check has a doc with the
//! shared outline, and every doc belongs to a check. Check ids are a
//! contract: every id in `checks/SHIPPED` keeps working.

use ccauth::checks::CHECKS;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_check_has_its_doc_and_every_doc_its_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
    let docs: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| n.trim_end_matches(".md").to_string())
        .collect();
    let ids: BTreeSet<String> = CHECKS.iter().map(|c| c.id().to_string()).collect();
    assert_eq!(docs, ids, "checks/*.md and the registry differ");
    for check in CHECKS {
        let on_disk = std::fs::read_to_string(dir.join(format!("{}.md", check.id()))).unwrap();
        assert_eq!(check.doc(), on_disk, "{} embeds another file", check.id());
    }
}

#[test]
fn every_doc_follows_the_outline() {
    for check in CHECKS {
        let doc = check.doc();
        assert!(
            doc.starts_with(&format!("# {}\n", check.id())),
            "{} title",
            check.id()
        );
        for section in [
            "## What it means",
            "## What you see",
            "## How to fix",
            "## References",
        ] {
            assert!(doc.contains(section), "{} lacks {section}", check.id());
        }
    }
}

/// The ids of `checks/SHIPPED`, comments and blank lines left out.
fn shipped() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks/SHIPPED");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim().to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

#[test]
fn every_shipped_id_is_a_current_id_or_an_alias() {
    for id in shipped() {
        assert!(
            ccauth::checks::resolve(&id).is_some(),
            "'{id}' shipped: keep the check, or add an alias in src/checks/aliases.rs"
        );
    }
}

#[test]
fn every_current_id_is_listed_as_shipped() {
    let shipped = shipped();
    for check in CHECKS {
        assert!(
            shipped.iter().any(|id| id == check.id()),
            "add {} to checks/SHIPPED",
            check.id()
        );
    }
}

/// Every check that can warn or fail lists its codes under `## Problems`:
/// each `<id>/<kind>`, kebab-case, once, with the status it carries.
#[test]
fn every_doc_lists_its_problem_codes() {
    use ccauth::checks::codes::documented;
    for check in CHECKS {
        let codes = documented(check.doc());
        assert!(!codes.is_empty(), "{} lists no problem codes", check.id());
        let mut seen = BTreeSet::new();
        for code in &codes {
            let kind = code
                .code
                .strip_prefix(&format!("{}/", check.id()))
                .unwrap_or_else(|| panic!("{} is not a code of {}", code.code, check.id()));
            assert!(
                !kind.is_empty()
                    && kind.split('-').all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{}: kind {kind:?} is not kebab-case",
                check.id()
            );
            assert!(seen.insert(code.code), "{} listed twice", code.code);
            assert!(
                code.says.starts_with("(fail)")
                    || code.says.starts_with("(warn)")
                    || code.says.starts_with("(fail or warn)")
                    || code.says.starts_with("(warn or fail)"),
                "{}: say its status first: {:?}",
                code.code,
                code.says
            );
        }
    }
}
