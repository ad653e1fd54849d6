//! The registry and `checks/*.md` stay in step: every check has a doc with the
//! shared outline, and every doc belongs to a check.

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
