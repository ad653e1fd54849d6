//! `root-user` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;

const ID: &str = "root-user";

#[test]
fn root_warns_unless_sandboxed_and_others_pass() {
    let f = World::new().judged_as_uid(0).check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("--dangerously-skip-permissions"));
    let kinds: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(kinds, ["root-user/root-without-sandbox"]);
    assert_eq!(
        World::new()
            .judged_as_uid(0)
            .with_env("IS_SANDBOX", "1")
            .check(ID)
            .status,
        Status::Pass
    );
    assert_eq!(
        World::new().judged_as_uid(1000).check(ID).status,
        Status::Pass
    );
}

#[test]
fn the_problems_are_coded_and_placed() {
    let w = World::new().judged_as_uid(0);
    let found = crate::json_problems(&w.check(ID));
    insta::assert_json_snapshot!(crate::problems(&w, &found));
}
