//! `token-accepted` against a loopback server that rejects every key; the
//! other answers it judges, over TLS, are in tests/online.rs.

use crate::common::{API_KEY, World};
use ccauth::checks::Status;
use std::io::{Read, Write};

const ID: &str = "token-accepted";

/// A loopback HTTP server answering each of a few requests with the API's
/// 401 for an invalid key; its URL.
fn rejecting_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        let body = r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn offline_it_is_skipped() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

#[test]
fn the_problems_are_coded_and_placed() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    insta::assert_json_snapshot!(crate::problems(
        &w,
        &crate::probed(&w, ID, &rejecting_server())
    ));
}
