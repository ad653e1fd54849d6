//! `network-reachability` against a loopback port nothing listens on; the
//! servers that answer (TLS, proxies, timeouts) are in tests/online.rs.

use crate::common::{API_KEY, World};
use ccauth::checks::Status;

const ID: &str = "network-reachability";

#[test]
fn offline_it_is_skipped() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn the_problems_are_coded_and_placed() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!(
            "https://127.0.0.1:{}",
            listener.local_addr().unwrap().port()
        )
    };
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    insta::assert_json_snapshot!(crate::problems(&w, &crate::probed(&w, ID, &closed)));
}
