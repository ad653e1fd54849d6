//! `oauth-callback-port` against fixture worlds.

use crate::common::{API_KEY, World, codes};
use ccauth::checks::Status;

const ID: &str = "oauth-callback-port";

#[test]
fn skipped_outside_containers_and_remote_sessions() {
    let f = World::new().check(ID);
    assert_eq!(f.status, Status::Skip);
}

#[test]
fn warns_in_a_container_without_credential_and_names_the_marker() {
    let f = World::new().docker().check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains("a Docker container (/.dockerenv exists)"),
        "{}",
        f.cause
    );
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("claude auth login") && fix.contains("setup-token"),
        "{fix}"
    );
}

#[test]
fn every_remote_marker_fires() {
    let cases = [
        ("REMOTE_CONTAINERS", "true", "a devcontainer"),
        ("DEVCONTAINER", "true", "a devcontainer"),
        ("CODESPACES", "true", "a GitHub Codespace"),
        ("KUBERNETES_SERVICE_HOST", "10.0.0.1", "a Kubernetes pod"),
        ("WSL_DISTRO_NAME", "Ubuntu", "WSL"),
        ("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22", "an SSH session"),
        ("GITHUB_ACTIONS", "true", "a CI runner"),
        ("CI", "true", "a CI runner"),
        ("container", "podman", "a container"),
    ];
    for (var, value, place) in cases {
        let f = World::new().with_env(var, value).check(ID);
        assert_eq!(f.status, Status::Warn, "{var}");
        assert!(f.cause.contains(place), "{var}: {}", f.cause);
    }
}

#[test]
fn file_markers_fire() {
    let w = World::new();
    w.sys_file("run/.containerenv", "");
    assert!(w.check(ID).cause.contains("a Podman container"));
    let w = World::new();
    w.sys_file("proc/1/cgroup", "12:pids:/kubepods/besteffort/pod1\n");
    assert!(
        w.check(ID)
            .cause
            .contains("/proc/1/cgroup mentions kubepods")
    );
    let w = World::new();
    w.sys_file(
        "proc/version",
        "Linux version 5.15.90.1-microsoft-standard-WSL2",
    );
    assert!(w.check(ID).cause.contains("WSL"));
}

#[test]
fn a_credential_means_no_callback_is_needed() {
    let f = World::new()
        .docker()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .check(ID);
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn old_client_is_told_to_use_slash_login() {
    let w = World::new().docker();
    let bin = w.home().join("versions");
    w.file(&bin.join("2.1.100"), "#!/bin/sh\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("2.1.100"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(w.home().join("bin")).unwrap();
    std::os::unix::fs::symlink(bin.join("2.1.100"), w.home().join("bin/claude")).unwrap();
    let path = w.home().join("bin").display().to_string();
    let w = w.with_env("PATH", &path);
    let fix = w.check(ID).fix.unwrap();
    assert!(fix.contains("older than 2.1.126"), "{fix}");
}

#[test]
fn forwarded_callback_port_warns_even_with_a_credential() {
    let w = World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{
          "forwardPorts": [3838, 54545],
          "portsAttributes": {"54545": {"label": "Claude OAuth", "onAutoForward": "silent"}},
        }"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause
            .contains("port 54545 in forwardPorts of .devcontainer/devcontainer.json"),
        "{}",
        f.cause
    );
}

#[test]
fn labelled_callback_port_is_named_inside_a_failure_and_outside_containers() {
    let config = r#"{"appPort": [8123], "portsAttributes": {"8123": {"label": "oauth callback"}}}"#;
    let w = World::new().docker();
    w.workspace_file(".devcontainer/devcontainer.json", config);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("port 8123 in appPort"), "{}", f.cause);

    let w = World::new();
    w.workspace_file(".devcontainer/devcontainer.json", config);
    assert_eq!(w.check(ID).status, Status::Warn);
}

#[test]
fn ordinary_forwarded_ports_are_not_reported() {
    let w = World::new().docker().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"forwardPorts": [3000, 8080]}"#,
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

/// The client's login screen listens on 127.0.0.1, port 0 (CLIENT-FACTS §5;
/// `ss -ltnp` showed `claude` on `127.0.0.1:37763`).
const WAITING_PORT: u16 = 37763;

#[test]
fn a_login_waiting_now_gets_the_exact_next_step() {
    let w = World::new().docker();
    w.listening(WAITING_PORT, 48211, 0);
    w.process_with_socket(
        1404,
        48211,
        "claude",
        "/root/.local/share/claude/versions/2.1.332",
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(
        f.cause.contains(
            "A browser login is waiting right now: claude (pid 1404) listens on 127.0.0.1:37763"
        ),
        "{}",
        f.cause
    );
    let fix = f.fix.unwrap();
    assert!(
        fix.contains("ccauth callback 'http://localhost:37763/callback?code=…&state=…'")
            && fix.contains("address bar"),
        "{fix}"
    );
    assert_eq!(f.evidence["waiting_logins"][0]["port"], WAITING_PORT);
}

#[test]
fn a_waiting_login_warns_even_where_a_credential_exists() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    w.listening(WAITING_PORT, 48211, 0);
    w.process_with_socket(1404, 48211, "claude", "/usr/bin/claude");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.fix.unwrap().contains("ccauth callback"));
}

#[test]
fn other_loopback_listeners_are_not_a_waiting_login() {
    let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
    // A dev server on an ephemeral port, and claude on a fixed low port
    // (not where port 0 lands).
    w.listening(WAITING_PORT, 1, 0);
    w.process_with_socket(10, 1, "python3", "/usr/bin/python3");
    w.listening(3000, 2, 0);
    w.process_with_socket(11, 2, "claude", "/usr/bin/claude");
    let f = w.check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    assert_eq!(f.evidence["waiting_logins"], serde_json::json!([]));
}

#[test]
fn the_fix_lists_ccauth_callback_beside_the_other_ways() {
    let fix = World::new().docker().check(ID).fix.unwrap();
    for way in [
        "Paste the code",
        "ccauth callback '<url>'",
        "setup-token",
        "ANTHROPIC_API_KEY",
    ] {
        assert!(fix.contains(way), "{way}: {fix}");
    }
}

#[test]
fn why_localhost_refused_to_connect_names_ccauth_callback() {
    let w = World::new().docker();
    let out = w
        .ccauth(&["why", "localhost refused to connect"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(oauth-callback-port)"), "{text}");
    assert!(text.contains("ccauth callback"), "{text}");
}

#[test]
fn codes_name_each_cause_and_forwards_are_placed_at_their_setting() {
    let w = World::new().docker();
    assert_eq!(codes(&w.problems(ID)), ["oauth-callback-port/unreachable"]);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"forwardPorts": [54545], "runArgs": ["-p", "54545:54545"]}"#,
    );
    w.listening(WAITING_PORT, 48211, 0);
    w.process_with_socket(1404, 48211, "claude", "/usr/bin/claude");
    // Each forward is placed at its setting's line in devcontainer.json.
    insta::assert_json_snapshot!(crate::problems(&w, &w.problems(ID)));
}
