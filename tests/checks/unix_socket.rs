//! `unix-socket` against worlds shaped after a `claude ssh` remote: the
//! placeholder credential and `ANTHROPIC_UNIX_SOCKET` (2.1.332's `dnd()`,
//! and a run offline with the socket missing, 2026-12-02).

use crate::common::{API_KEY, World};
use ccauth::checks::Status;
use std::os::unix::net::UnixListener;

const ID: &str = "unix-socket";

fn remote(w: World, socket: &std::path::Path) -> World {
    w.with_env("ANTHROPIC_UNIX_SOCKET", socket.to_str().unwrap())
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", "ssh-placeholder")
}

#[test]
fn unset_skips() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
}

/// The placeholder with nothing at the socket's path: `claude -p hi`
/// printed nothing for 40 s. A directory there is no socket either.
#[test]
fn a_missing_socket_under_the_placeholder_fails() {
    let w = World::new();
    let path = w.home().join("gone.sock");
    let w = remote(w, &path);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(f.cause.contains("nothing is there"), "{}", f.cause);
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));

    std::fs::create_dir_all(&path).unwrap();
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail, "{}", f.cause);
    assert!(f.cause.contains("a directory is there"), "{}", f.cause);
}

#[test]
fn a_listening_socket_passes() {
    let w = World::new();
    let path = w.home().join("forwarder.sock");
    let _listener = UnixListener::bind(&path).unwrap();
    let w = remote(w, &path);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
}

/// `dnd()`: a real credential, both placeholders, or a gateway token beside
/// them, and the socket carries nothing: the variable is inert.
#[test]
fn without_the_placeholder_alone_the_socket_is_not_used() {
    let w = World::new();
    let path = w.home().join("gone.sock");
    let key = w
        .with_env("ANTHROPIC_UNIX_SOCKET", path.to_str().unwrap())
        .with_env("ANTHROPIC_API_KEY", API_KEY);
    assert_eq!(key.check(ID).status, Status::Pass);
    let both = remote(World::new(), &path).with_env("ANTHROPIC_API_KEY", "ssh-placeholder");
    assert_eq!(both.check(ID).status, Status::Pass);
    let gateway = remote(World::new(), &path).with_env("ANTHROPIC_AUTH_TOKEN", "PLANTED-gw-token");
    assert_eq!(gateway.check(ID).status, Status::Pass);
    let key_placeholder = World::new()
        .with_env("ANTHROPIC_UNIX_SOCKET", path.to_str().unwrap())
        .with_env("ANTHROPIC_API_KEY", "ssh-placeholder");
    assert_eq!(key_placeholder.check(ID).status, Status::Fail);
}
