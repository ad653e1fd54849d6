//! Data flows one way: every `crate::` path in `src/` names a module of the
//! same layer or of one below it, never one above.
//!
//! The layers, lowest first: the leaf parsers and the masking rule; `gather`
//! (the only code that reads the OS); `auth` (which credential is in use and
//! which hosts it needs); `probe` (the `--online` network step, run on the
//! finished snapshot); the pure judges (`checks`, and `status` and `callback`,
//! which judge for their own commands); `why`, which runs checks for a
//! symptom; `fix` and `report`, which act on and show what was judged; and
//! `cli` and `app` on top. A module missing from the table fails the test, so
//! a new one is placed on purpose.

use std::path::{Path, PathBuf};

/// The layers, lowest first; a module may use its own layer and those below.
const LAYERS: &[&[&str]] = &[
    &["secret", "devcontainer", "escape", "static_str", "place"],
    &["gather"],
    &["auth"],
    &["probe"],
    &["checks", "status", "callback"],
    &["why"],
    &["fix", "report"],
    &["cli", "app"],
];

/// The layer of a top-level module, `None` for one the table lacks.
fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/auth/hosts.rs` is `auth`);
/// `None` for the crate roots.
fn owner(src: &Path, file: &Path) -> Option<String> {
    let first = file.strip_prefix(src).ok()?.components().next()?;
    let name = first.as_os_str().to_str()?.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The top-level modules a line names through `crate::`, including each
/// member of a `crate::{a, b::c}` group. Comment lines name nothing.
fn named_modules(line: &str) -> Vec<String> {
    if line.trim_start().starts_with("//") {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        if line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == '$')
        {
            continue;
        }
        let rest = &line[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => found.extend(group_members(group)),
            None => found.push(rest.chars().take_while(|&c| is_ident(c)).collect()),
        }
    }
    found
}

/// The first name of each member of a `{…}` group, up to its closing brace.
fn group_members(group: &str) -> Vec<String> {
    let mut members = Vec::new();
    let mut depth = 0;
    let mut expecting = true;
    let mut chars = group.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expecting = true,
            c if expecting && depth == 0 && is_ident(c) => {
                let name: String = group[i..].chars().take_while(|&c| is_ident(c)).collect();
                for _ in 1..name.len() {
                    chars.next();
                }
                members.push(name);
                expecting = false;
            }
            _ => {}
        }
    }
    members
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = owner(&src, file) else {
            continue;
        };
        let Some(own) = layer(&module) else {
            wrong.push(format!(
                "{module} ({}) has no layer in LAYERS",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for used in named_modules(line) {
                match layer(&used) {
                    Some(theirs) if theirs <= own => {}
                    Some(_) => wrong.push(format!(
                        "{}:{}: {module} uses {used}, a layer above it",
                        file.display(),
                        n + 1
                    )),
                    None => wrong.push(format!(
                        "{}:{}: {module} uses crate::{used}, which has no layer",
                        file.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_parser_sees_plain_paths_groups_and_attributes() {
    assert_eq!(named_modules("use crate::gather::Context;"), ["gather"]);
    assert_eq!(
        named_modules("use crate::{auth::{self, Mode}, report, secret::Secret};"),
        ["auth", "report", "secret"]
    );
    assert_eq!(
        named_modules(r#"#[serde(deserialize_with = "crate::report::saved::static_str")]"#),
        ["report"]
    );
    assert_eq!(
        named_modules("let h = crate::checks::url_host(crate::auth::x());"),
        ["checks", "auth"]
    );
    assert!(named_modules("/// see [`crate::fix`]").is_empty());
    assert!(named_modules("$crate::gather::x!()").is_empty());
}
