//! `localhost-resolution` against fixture worlds.

use crate::common::{API_KEY, World, codes};
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "localhost-resolution";

/// A VS Code devcontainer: its port forwarding connects to 127.0.0.1.
fn vscode() -> World {
    World::new().docker().with_env("REMOTE_CONTAINERS", "true")
}

#[test]
fn ipv6_first_warns_only_when_a_browser_login_is_needed() {
    let hosts = "::1\tlocalhost ip6-localhost\n127.0.0.1\tlocalhost\n";
    let w = vscode();
    w.sys_file("etc/hosts", hosts);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("line 1"), "{}", f.cause);
    let w = w.with_env("ANTHROPIC_API_KEY", API_KEY);
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn the_problem_is_placed_at_the_hosts_line() {
    let w = vscode();
    w.sys_file(
        "etc/hosts",
        "# static\n127.0.0.1 box\n::1 localhost\n127.0.0.1 localhost\n",
    );
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
    w.sys_file("etc/hosts", "::1 localhost ip6-localhost\n");
    let found = w.problems(ID);
    assert_eq!(codes(&found), ["localhost-resolution/ipv6-only"]);
    assert!(
        found[0]["cause"]
            .as_str()
            .unwrap()
            .contains("never to 127.0.0.1"),
        "{}",
        found[0]
    );
}

#[test]
fn ipv4_first_passes_and_no_file_skips() {
    let w = World::new();
    w.sys_file("etc/hosts", "127.0.0.1 localhost\n::1 localhost\n");
    assert_eq!(w.check(ID).status, Status::Pass);
    assert_eq!(World::new().check(ID).status, Status::Skip);
    let w = World::new();
    w.sys_file("etc/hosts", "10.1.1.1 box\n");
    assert_eq!(w.check(ID).status, Status::Skip);
}

/// Nobody signs in through a browser in a CI job: no callback, no warning.
#[test]
fn a_ci_job_has_no_browser_login_to_break() {
    let w = World::new().launched_by(Launcher::Ci);
    w.sys_file(
        "etc/hosts",
        "::1\tlocalhost ip6-localhost\n127.0.0.1\tlocalhost\n",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Skip, "{}", f.cause);
    assert!(f.cause.contains("never through a browser"), "{}", f.cause);
}

/// Only a launcher that forwards ports to 127.0.0.1 is broken by ::1 first:
/// `docker exec` forwards nothing, and a host shell needs no tunnel.
#[test]
fn a_launcher_that_forwards_no_port_is_not_warned() {
    for w in [
        World::new().docker().launched_by(Launcher::Docker),
        World::new(),
    ] {
        w.sys_file("etc/hosts", "::1 localhost\n127.0.0.1 localhost\n");
        let f = w.check(ID);
        assert_eq!(f.status, Status::Skip, "{}", f.cause);
        assert!(f.cause.contains("forwards no port"), "{}", f.cause);
    }
    let codespace = World::new().with_env("CODESPACES", "true");
    codespace.sys_file("etc/hosts", "::1 localhost\n127.0.0.1 localhost\n");
    assert_eq!(codespace.check(ID).status, Status::Warn);
}
