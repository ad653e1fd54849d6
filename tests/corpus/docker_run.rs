//! `docker run` sandboxes that mount the host's Claude state:
//! adaptivekind/claude-sandbox README (commit
//! 144bfa58a0945a4b72bd9b03acd32e7a06190743): `docker run -it -v
//! $(pwd):/workspace -v ~/.ai-container/.claude:/root/.claude -v
//! ~/.ai-container/.claude.json:/root/.claude.json claude-sandbox --
//! /usr/local/bin/claude`, as root, with a store kept for the container;
//! and gander-tools/ultimate-claude-code-sandbox README (seen 2026-12-02):
//! `docker run --rm -it -v "$(pwd):/sandbox:rw" -v
//! "~/.claude:/home/claude/.claude:ro" … claude-sandbox-personal
//! claude-safe`, the Mac's own `~/.claude` read-only on Docker Desktop.

use crate::claude_code_devcontainer::DOCKER_HOSTS;
use crate::container::{Container, Expect, V, stored_login};

/// Root in the container, the dedicated store bound from a Linux host:
/// the directory and the single file `.claude.json`.
#[test]
fn docker_run_as_root_with_a_dedicated_store() {
    let c = Container::image("root", 0, "/root")
        .dockerenv()
        .workdir("/workspace");
    c.npm_global_claude("/usr/local", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(
        "
4001 3990 0:80 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ZZ9Y8X,upperdir=/var/lib/docker/overlay2/4d4d/diff,workdir=/var/lib/docker/overlay2/4d4d/work
4010 4001 259:2 /home/ann/src/app /workspace rw,relatime - ext4 /dev/nvme0n1p2 rw
4011 4001 259:2 /home/ann/.ai-container/.claude /root/.claude rw,relatime - ext4 /dev/nvme0n1p2 rw
4012 4001 259:2 /home/ann/.ai-container/.claude.json /root/.claude.json rw,relatime - ext4 /dev/nvme0n1p2 rw
4013 4001 259:2 /var/lib/docker/containers/5e5e5e5e5e5e/hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p2 rw
",
    );
    c.file(
        "/root/.claude.json",
        r#"{"hasCompletedOnboarding": true, "installMethod": "npm"}"#,
    );
    c.file("/root/.claude/.credentials.json", &stored_login(5));
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "docker",
            exit: 0,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Pass, "the login in the store", None),
                ("credential-format", V::Pass, "well formed", None),
                ("credential-conflict", V::Pass, "one credential", None),
                ("credentials-file", V::Pass, "0600, valid", None),
                ("oauth-callback-port", V::Pass, "signed in", None),
                ("claude-install", V::Pass, "/usr/local/bin/claude, npm 2.1.332", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "host-credentials-mount",
                    V::Pass,
                    "a store kept for the container (~/.ai-container), not the host's own ~/.claude: no refresh token is shared",
                    Some("#16 item 5"),
                ),
                (
                    "config-file",
                    V::Warn,
                    ".claude.json is a single-file bind mount: the rename fails with EBUSY and 2.1.332 writes the file in place, so saves land (not atomically) and sign-in works",
                    Some("#17 config-file"),
                ),
                ("config-location", V::Pass, "default", None),
                ("config-persistence", V::Pass, "both are on mounted storage", None),
                ("file-ownership", V::Pass, "root owns root's state", None),
                ("root-user", V::Warn, "root: --dangerously-skip-permissions is refused without IS_SANDBOX=1", None),
                crate::container::TRUST_TO_ASK,
                crate::container::ONBOARDED,
            ],
        },
    );
}

/// A Mac's `~/.claude` on Docker Desktop, read-only, in the format Docker
/// Desktop's share gives it (`fakeowner`, rooted in `/run/host_mark/Users`).
/// macOS keeps the login in the Keychain: the directory holds no
/// `.credentials.json`, so nothing signs in.
#[test]
fn docker_run_with_the_macs_claude_dir_read_only() {
    let c = Container::image("claude", 1000, "/home/claude")
        .dockerenv()
        .workdir("/sandbox");
    c.npm_global_claude("/usr/local", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(
        "
5001 4990 0:90 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/QQ1W2E,upperdir=/var/lib/docker/overlay2/6f6f/diff,workdir=/var/lib/docker/overlay2/6f6f/work
5010 5001 0:104 /ann/src/app /sandbox rw,relatime - fakeowner /run/host_mark/Users rw,fakeowner
5011 5001 0:104 /ann/.claude /home/claude/.claude ro,relatime - fakeowner /run/host_mark/Users rw,fakeowner
5013 5001 254:1 /docker/containers/7a7a7a7a7a7a/hosts /etc/hosts rw,relatime - ext4 /dev/vda1 rw,discard
",
    );
    c.file(
        "/home/claude/.claude/settings.json",
        r#"{"model": "sonnet"}"#,
    );
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "docker",
            exit: 1,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Fail, "nothing signs in: the Mac's login is in its Keychain", None),
                ("credential-conflict", V::Pass, "nothing to conflict", None),
                (
                    "oauth-callback-port",
                    V::Warn,
                    "a warning beside credential-missing's one failure: nothing forwards the port, so a browser login here must paste the code",
                    None,
                ),
                ("claude-install", V::Pass, "on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "host-credentials-mount",
                    V::Fail,
                    "the Mac's ~/.claude (/Users/ann/.claude) carries no credentials: macOS keeps them in the Keychain",
                    Some("#16 item 6"),
                ),
                ("config-file", V::Pass, "none", None),
                ("config-location", V::Pass, "default", None),
                (
                    "config-persistence",
                    V::Warn,
                    "~/.claude.json is on the container layer (and the mounted ~/.claude is read-only)",
                    None,
                ),
                ("file-ownership", V::Pass, "fakeowner shows the files as the user's", None),
                ("root-user", V::Pass, "uid 1000", None),
                crate::container::TRUST_TO_ASK,
                crate::container::FIRST_RUN,
            ],
        },
    );
}

/// `docker run -it -v <host ~/.claude>:/home/node/.claude …` on the image
/// of the reference Dockerfile, the host's login (plaintext on Linux and,
/// by default, on Windows) inside: this mount table line for the config dir.
fn hosts_claude_dir(line: &str) -> Container {
    let c = Container::image("node", 1000, "/home/node")
        .dockerenv()
        .workdir("/workspace");
    c.npm_global_claude("/usr/local", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(&format!(
        "1 0 0:31 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/WSLWIN,upperdir=/var/lib/docker/overlay2/a1a1/diff,workdir=/var/lib/docker/overlay2/a1a1/work\n{line}\n"
    ));
    c.file("/home/node/.claude/.credentials.json", &stored_login(5));
    c.file(
        "/home/node/.claude.json",
        r#"{"hasCompletedOnboarding": true}"#,
    );
    c
}

/// What both hosts' worlds expect but the host-credentials-mount verdict.
fn shared_login_expect(mount: crate::container::Verdict) -> Vec<crate::container::Verdict> {
    vec![
        (
            "credential-missing",
            V::Pass,
            "the host's stored login",
            None,
        ),
        ("credential-format", V::Pass, "well formed", None),
        ("credential-conflict", V::Pass, "one credential", None),
        ("credentials-file", V::Pass, "valid", None),
        ("oauth-callback-port", V::Pass, "signed in", None),
        ("claude-install", V::Pass, "on PATH", None),
        ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
        mount,
        ("config-file", V::Pass, "parses", None),
        ("config-location", V::Pass, "default", None),
        (
            "config-persistence",
            V::Warn,
            "~/.claude is mounted but ~/.claude.json is on the container layer",
            None,
        ),
        ("file-ownership", V::Pass, "node's", None),
        ("root-user", V::Pass, "uid 1000", None),
        crate::container::TRUST_TO_ASK,
        crate::container::ONBOARDED,
    ]
}

/// From a WSL 2 distribution: the bind's root is the distribution's own
/// path on its ext4 disk (line format as in podman-container-tools/podman
/// issue #21813, 2025-05-19: `1677 1654 8:32 /home/computator/tmptst/b
/// /test3 rw,relatime - ext4 /dev/sdc rw,discard,errors=remount-ro,data=ordered`).
#[test]
fn docker_run_from_wsl_with_the_hosts_claude_dir() {
    let c = hosts_claude_dir(
        "1677 1 8:32 /home/ann/.claude /home/node/.claude rw,relatime - ext4 /dev/sdc rw,discard,errors=remount-ro,data=ordered",
    );
    let verdicts = shared_login_expect((
        "host-credentials-mount",
        V::Warn,
        "the WSL host's own ~/.claude and its login: one rotating refresh token for host and container",
        None,
    ));
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "docker",
            exit: 0,
            exit_item: None,
            verdicts: &verdicts,
        },
    );
}

/// From Windows (Docker Desktop, WSL 2 backend): `C:\Users\ann\.claude`
/// arrives over drvfs (9p, `aname=drvfs;path=C:\`, the backslash escaped
/// as `\134` in mountinfo; Docker Desktop binds it from
/// `/run/desktop/mnt/host/c`, docker/for-win issue #14271). Windows keeps
/// the login in that plaintext file by default, so it is shared.
#[test]
fn docker_desktop_windows_with_the_hosts_claude_dir() {
    let c = hosts_claude_dir(
        "1790 1 0:160 /Users/ann/.claude /home/node/.claude rw,noatime - 9p C:\\134 rw,dirsync,aname=drvfs;path=C:\\;uid=0;gid=0;metadata;symlinkroot=/mnt/,mmap,access=client,msize=65536,trans=fd,rfd=3,wfd=3",
    );
    let verdicts = shared_login_expect((
        "host-credentials-mount",
        V::Warn,
        "the Windows host's C:\\Users\\ann\\.claude, named as Windows spells it: one rotating refresh token",
        Some("#16 item 6"),
    ));
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "docker",
            exit: 0,
            exit_item: None,
            verdicts: &verdicts,
        },
    );
    let (report, _) = c
        .doctor(&["--only", "host-credentials-mount"])
        .unwrap_or_default();
    let text = report.to_string();
    assert!(
        report.is_null() || text.contains(r"C:\\Users\\ann\\.claude"),
        "the host path as Windows spells it [waits for item 6 (branch mounts)]: {text}"
    );
}
