//! `token-accepted` offline; the answers it judges are in tests/online.rs.

use crate::common::World;
use ccauth::checks::Status;

const ID: &str = "token-accepted";

#[test]
fn offline_it_is_skipped() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}
