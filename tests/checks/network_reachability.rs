//! `network-reachability` offline; the servers that answer (TLS, proxies,
//! timeouts) are in tests/online.rs.

use crate::common::World;
use ccauth::checks::Status;

const ID: &str = "network-reachability";

#[test]
fn offline_it_is_skipped() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}
