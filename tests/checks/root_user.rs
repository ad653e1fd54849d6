//! `root-user` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;

const ID: &str = "root-user";

#[test]
fn root_warns_unless_sandboxed_and_others_pass() {
    let w = World::new().judged_as_uid(0);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("--dangerously-skip-permissions"));
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));
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
