//! Hostile inputs: every file ccauth reads, replaced by a FIFO, a symlink to
//! /dev/zero, a symlink loop, a directory, non-UTF-8 bytes, a 2 GB sparse
//! file or JSON nested 100,000 levels deep. Each run must finish quickly,
//! exit 0 or 1 with a valid report on stdout, and print nothing on stderr
//! (no panic, no hang).

mod common;

use common::{API_KEY, World, git_path};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A run that takes longer than this counts as a hang.
const HANG: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug)]
enum Kind {
    Fifo,
    DevZero,
    SymlinkLoop,
    Directory,
    NonUtf8,
    Sparse2G,
    DeepJson,
}

const KINDS: [Kind; 7] = [
    Kind::Fifo,
    Kind::DevZero,
    Kind::SymlinkLoop,
    Kind::Directory,
    Kind::NonUtf8,
    Kind::Sparse2G,
    Kind::DeepJson,
];

#[derive(Clone, Copy, Debug)]
enum Root {
    Home,
    Workspace,
    Sysroot,
}

/// Every file ccauth reads, by where it lives.
const SLOTS: &[(Root, &str)] = &[
    (Root::Home, ".claude.json"),
    (Root::Home, ".claude/.config.json"),
    (Root::Home, ".claude/.credentials.json"),
    (Root::Home, ".claude/settings.json"),
    (Root::Home, ".claude/backups/.claude.json.backup.1"),
    (
        Root::Home,
        "npm/lib/node_modules/@anthropic-ai/claude-code/package.json",
    ),
    (Root::Workspace, ".devcontainer/devcontainer.json"),
    (Root::Workspace, ".devcontainer/api.env"),
    (Root::Workspace, "compose.yml"),
    (Root::Workspace, ".gitignore"),
    (Root::Workspace, ".git/index"),
    (Root::Workspace, ".git/config"),
    (Root::Workspace, ".git/info/exclude"),
    (Root::Home, ".gitconfig"),
    (Root::Home, ".config/git/ignore"),
    (Root::Workspace, ".claude/settings.json"),
    (Root::Workspace, ".claude/settings.local.json"),
    (Root::Workspace, ".devcontainer/init-firewall.sh"),
    (Root::Sysroot, "proc/self/mountinfo"),
    (Root::Sysroot, "proc/version"),
    (Root::Sysroot, "proc/1/cgroup"),
    (Root::Sysroot, "etc/passwd"),
    (Root::Sysroot, "etc/hosts"),
    (Root::Sysroot, "etc/claude-code/managed-settings.json"),
    (
        Root::Sysroot,
        "etc/claude-code/managed-settings.d/50-policy.json",
    ),
    (Root::Sysroot, "usr/local/bin/init-firewall.sh"),
];

/// A world where every slot would be read: a repository with an env file,
/// a devcontainer naming a compose file and a firewall script, a broken
/// config (so backups are read) and `claude` installed by npm.
fn world() -> World {
    let w = World::new()
        .docker()
        .with_env("PATH", &git_path())
        .git_init();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"dockerComposeFile": "../compose.yml", "service": "app", "postStartCommand": "sudo .devcontainer/init-firewall.sh"}"#,
    );
    w.workspace_file(
        "compose.yml",
        "services:\n  app:\n    environment:\n      - ANTHROPIC_API_KEY\n",
    );
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w.home_file(".claude.json", "{\"broken\": ");
    let exe = w.npm_claude("2.1.332");
    std::fs::create_dir_all(w.home().join("npm/bin")).unwrap();
    std::os::unix::fs::symlink(&exe, w.home().join("npm/bin/claude")).unwrap();
    let path = format!("{}:{}", w.home().join("npm/bin").display(), git_path());
    w.with_env("PATH", &path)
}

fn base(w: &World, root: Root) -> PathBuf {
    match root {
        Root::Home => w.home(),
        Root::Workspace => w.workspace(),
        Root::Sysroot => w.sysroot(),
    }
}

/// Puts trouble of `kind` at `path`, replacing whatever was there.
fn plant(path: &Path, kind: Kind) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir_all(path);
    match kind {
        Kind::Fifo => rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap(),
        Kind::DevZero => std::os::unix::fs::symlink("/dev/zero", path).unwrap(),
        Kind::SymlinkLoop => {
            let other = path.with_extension("loop");
            let _ = std::fs::remove_file(&other);
            std::os::unix::fs::symlink(&other, path).unwrap();
            std::os::unix::fs::symlink(path, &other).unwrap();
        }
        Kind::Directory => std::fs::create_dir_all(path).unwrap(),
        Kind::NonUtf8 => {
            std::fs::write(path, b"{\"a\": \"\xff\xfe\xfd\", \xc3\x28 }\n\xff").unwrap()
        }
        Kind::Sparse2G => std::fs::File::create(path)
            .unwrap()
            .set_len(2 << 30)
            .unwrap(),
        Kind::DeepJson => {
            let depth = 100_000;
            let text = format!(
                "{{\"customApiKeyResponses\": {}{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            std::fs::write(path, text).unwrap();
        }
    }
}

fn run_and_judge(w: &World, what: &str, args: &[&str]) {
    let started = Instant::now();
    let out = w.ccauth(args).timeout(HANG).output().unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < HANG, "{what}: hung ({elapsed:?})");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{what}: stderr: {stderr}");
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{what}: exit {code:?}");
    common::parse_output(&out.stdout);
}

#[test]
fn every_slot_survives_every_kind_of_trouble() {
    for &(root, rel) in SLOTS {
        for kind in KINDS {
            let w = world();
            plant(&base(&w, root).join(rel), kind);
            let what = format!("{kind:?} at {root:?}/{rel}");
            run_and_judge(&w, &what, &["doctor", "--format", "json"]);
            run_and_judge(&w, &what, &["status", "--format", "json"]);
        }
    }
}

#[test]
fn trouble_in_a_state_file_is_reported_in_words() {
    let cases = [
        (Kind::Fifo, "is a FIFO, not a regular file"),
        (Kind::DevZero, "is a character device, not a regular file"),
        (Kind::SymlinkLoop, "ELOOP"),
        (Kind::Directory, "is a directory"),
        (Kind::NonUtf8, "does not parse"),
        (Kind::Sparse2G, "is too large to read"),
        // Deep nesting is valid JSON (JSON.parse reads it): the attack
        // suite's differential test holds ccauth to that.
    ];
    for (kind, expected) in cases {
        let w = World::new();
        plant(&w.home().join(".claude.json"), kind);
        let out = w.ccauth(&["doctor", "--format", "json"]).output().unwrap();
        let report = common::parse_output(&out.stdout);
        let finding = common::finding(&report, "config-file").clone();
        assert_eq!(finding["status"], "fail", "{kind:?}: {finding}");
        assert!(
            finding["cause"].as_str().unwrap().contains(expected),
            "{kind:?}: {finding}"
        );
    }
}

#[test]
fn an_unreadable_file_is_reported_as_such() {
    if rustix::process::geteuid().as_raw() != 0 {
        eprintln!("skipped: dropping to another uid needs root");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let w = World::new();
    for dir in [
        w.home().parent().unwrap().to_path_buf(),
        w.home(),
        w.home().join(".claude"),
        w.workspace(),
    ] {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let creds = w.home_file(".claude/.credentials.json", "{}");
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o000)).unwrap();
    let Some(out) = w.ccauth_as_uid_1000(&["doctor", "--format", "json"], &w.workspace()) else {
        return;
    };
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = common::parse_output(&out.stdout);
    let finding = common::finding(&report, "credentials-file").clone();
    assert!(
        finding["cause"].as_str().unwrap().contains("EACCES"),
        "{finding}"
    );
}
