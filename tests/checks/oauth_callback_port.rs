//! `oauth-callback-port` against fixture worlds.

use crate::common::{API_KEY, OAUTH_TOKEN, World, codes};
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

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
fn every_remote_marker_fires_with_the_severity_of_its_launcher() {
    let cases = [
        ("REMOTE_CONTAINERS", "true", "a devcontainer", Status::Warn),
        ("DEVCONTAINER", "true", "a devcontainer", Status::Warn),
        ("CODESPACES", "true", "a GitHub Codespace", Status::Warn),
        (
            "KUBERNETES_SERVICE_HOST",
            "10.0.0.1",
            "a Kubernetes pod",
            Status::Warn,
        ),
        ("WSL_DISTRO_NAME", "Ubuntu", "WSL", Status::Warn),
        (
            "SSH_CONNECTION",
            "1.2.3.4 5 6.7.8.9 22",
            "an SSH session",
            Status::Warn,
        ),
        ("container", "podman", "a container", Status::Warn),
    ];
    for (var, value, place, status) in cases {
        let f = World::new().with_env(var, value).check(ID);
        assert_eq!(f.status, status, "{var}: {}", f.cause);
        assert!(f.cause.contains(place), "{var}: {}", f.cause);
    }
    for ci in ["GITHUB_ACTIONS", "CI"] {
        let f = World::new().with_env(ci, "true").check(ID);
        assert_eq!(f.status, Status::Skip, "{ci}: {}", f.cause);
    }
}

#[test]
fn vscode_and_codespaces_may_forward_the_callback_and_say_what_to_do_if_not() {
    for launcher in [Launcher::VsCode, Launcher::Codespaces] {
        let w = World::new().docker().launched_by(launcher);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn, "{launcher:?}");
        let kinds: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(kinds, ["oauth-callback-port/may-not-arrive"]);
        assert!(
            f.cause.contains("forwards the port") && f.cause.contains("too late"),
            "{}",
            f.cause
        );
        let fix = f.fix.unwrap();
        assert!(
            fix.contains("If the redirect arrives") && fix.contains("Paste the code"),
            "{fix}"
        );
    }
}

#[test]
fn docker_exec_compose_podman_and_ssh_cannot_deliver_it() {
    for launcher in [Launcher::Docker, Launcher::Compose, Launcher::Podman] {
        let f = World::new().docker().launched_by(launcher).check(ID);
        assert_eq!(f.status, Status::Warn, "{launcher:?}");
        assert!(f.cause.contains("forward no port"), "{}", f.cause);
    }
    let f = World::new()
        .with_env("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")
        .check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("another machine"), "{}", f.cause);
}

#[test]
fn a_ci_job_is_never_failed_nor_told_to_paste_a_code() {
    let ci = || World::new().docker().with_env("GITHUB_ACTIONS", "true");
    let f = ci().check(ID);
    assert_eq!(f.status, Status::Skip, "{}", f.cause);
    assert!(
        f.cause.contains("claude -p never starts the browser login"),
        "{}",
        f.cause
    );
    let f = ci()
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
        .check(ID);
    assert_eq!(f.status, Status::Pass, "{}", f.cause);
    // A forwarded callback port still warns, with a secret as the way in.
    let w = ci();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"forwardPorts": [54545]}"#,
    );
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    let fix = f.fix.unwrap();
    assert!(!fix.to_lowercase().contains("paste"), "{fix}");
    assert!(fix.contains("secrets.CLAUDE_CODE_OAUTH_TOKEN"), "{fix}");
}

/// The reference devcontainer's firewall (anthropics/claude-code
/// `.devcontainer/init-firewall.sh` at 5cfc0a1905ce0c0a9bd81d8a90fe6b62ff614357)
/// allows api.anthropic.com only.
#[test]
fn the_fix_says_when_the_firewall_blocks_the_login() {
    let w = World::new().docker();
    w.sys_file(
        "usr/local/bin/init-firewall.sh",
        "for domain in \"registry.npmjs.org\" \"api.anthropic.com\" \"sentry.io\"; do\n",
    );
    let fix = w.check(ID).fix.unwrap();
    assert!(
        fix.contains("does not allow platform.claude.com") && fix.contains("firewall-allowlist"),
        "{fix}"
    );
    w.sys_file(
        "usr/local/bin/init-firewall.sh",
        "for domain in \"api.anthropic.com\" \"platform.claude.com\" \"claude.ai\"; do\n",
    );
    let fix = w.check(ID).fix.unwrap();
    assert!(!fix.contains("firewall"), "{fix}");
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
fn labelled_callback_port_is_named_inside_the_warning_and_outside_containers() {
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
