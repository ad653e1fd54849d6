//! `nesting-guard` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;

fn with_claude(w: World, version: &str) -> World {
    w.with_native_claude(version)
}

const ID: &str = "nesting-guard";

#[test]
fn claudecode_in_containerenv_fails_at_its_entry() {
    // FACTS §10: a public devcontainer sets CLAUDECODE in containerEnv; the
    // world keeps that shape (the variable is also in the process, as the
    // container gives it to every process).
    let w = World::new().with_env("CLAUDECODE", "1");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        "{\n  \"image\": \"node:22\",\n  \"containerEnv\": {\n    \"CLAUDECODE\": \"1\"\n  }\n}\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(f.cause.contains("cannot be launched inside another"));
    assert!(f.cause.contains("from devcontainer.json"), "{}", f.cause);
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));
}

#[test]
fn unset_it_skips_and_a_client_without_the_guard_warns() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
    assert_eq!(
        World::new().with_env("CLAUDECODE", "").check(ID).status,
        Status::Skip
    );
    let w = with_claude(World::new().with_env("CLAUDECODE", "1"), "2.1.332");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn, "{}", f.cause);
    assert!(f.cause.contains("no nesting guard"), "{}", f.cause);
    // 2.1.197's bundle has no guard either (read for this check).
    let w = with_claude(World::new().with_env("CLAUDECODE", "1"), "2.1.197");
    assert_eq!(w.check(ID).status, Status::Warn);
    let w = with_claude(World::new().with_env("CLAUDECODE", "1"), "2.1.100");
    assert_eq!(w.check(ID).status, Status::Fail);
}
