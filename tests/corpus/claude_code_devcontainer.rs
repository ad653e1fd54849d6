//! The reference devcontainer: anthropics/claude-code `.devcontainer/`
//! (devcontainer.json and Dockerfile at commit
//! 220b400f74104040f4a0671f592b1a3903812211, init-firewall.sh at
//! 0279221b2e2b8a0a7d7548ec0d472ca7c732f371), opened by VS Code.

use crate::container::{Container, Expect, V, stored_login};

/// `.devcontainer/devcontainer.json` (220b400f), trimmed to what matters.
pub(crate) const DEVCONTAINER_JSON: &str = r#"{
  "name": "Claude Code Sandbox",
  "build": {
    "dockerfile": "Dockerfile",
    "args": {
      "TZ": "${localEnv:TZ:America/Los_Angeles}",
      "GIT_DELTA_VERSION": "0.18.2",
      "ZSH_IN_DOCKER_VERSION": "1.2.0"
    }
  },
  "runArgs": [
    "--cap-add=NET_ADMIN",
    "--cap-add=NET_RAW"
  ],
  "remoteUser": "node",
  "mounts": [
    "source=claude-code-bashhistory-${devcontainerId},target=/commandhistory,type=volume",
    "source=claude-code-config-${devcontainerId},target=/home/node/.claude,type=volume"
  ],
  "containerEnv": {
    "NODE_OPTIONS": "--max-old-space-size=4096",
    "CLAUDE_CONFIG_DIR": "/home/node/.claude",
    "POWERLEVEL9K_DISABLE_GITSTATUS": "true"
  },
  "workspaceMount": "source=${localWorkspaceFolder},target=/workspace,type=bind,consistency=delegated",
  "workspaceFolder": "/workspace",
  "postStartCommand": "sudo /usr/local/bin/init-firewall.sh",
  "waitFor": "postStartCommand"
}
"#;

/// `.devcontainer/init-firewall.sh` (0279221b), the allow-list part: the
/// script allows api.anthropic.com, not platform.claude.com or claude.ai.
pub(crate) const INIT_FIREWALL_SH: &str = r#"#!/bin/bash
set -euo pipefail  # Exit on error, undefined vars, and pipeline failures
IFS=$'\n\t'       # Stricter word splitting

# Configuration - Domain list as shell array for easy maintenance
declare -a DYNAMIC_DOMAINS=(
    "registry.npmjs.org"
    "api.anthropic.com"
    "sentry.io"
    "statsig.anthropic.com"
    "statsig.com"
)

# Resolve and add other allowed domains with TTL
for domain in "${DYNAMIC_DOMAINS[@]}"; do
    echo "Resolving $domain..."
    ips=$(dig +noall +answer A "$domain" | awk '$4 == "A" {print $5}')
done

# Set default policies to DROP first
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -P OUTPUT DROP
iptables -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
"#;

/// The `/etc/hosts` Docker writes into every container.
pub(crate) const DOCKER_HOSTS: &str = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n172.17.0.2\t4f2a9c1d7e3b\n";

/// The mount table of that devcontainer on a Linux host (Docker Engine):
/// the overlay root, the two named volumes under
/// `/var/lib/docker/volumes/<name>/_data`, the workspace bind mount and the
/// files Docker binds in; the format of `proc(5)`'s mountinfo.
const LINUX_DOCKER_MOUNTS: &str = "
1021 980 0:52 / / rw,relatime master:529 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/7TQ3XKJ2:/var/lib/docker/overlay2/l/Q4N6ZP2D,upperdir=/var/lib/docker/overlay2/5c1e/diff,workdir=/var/lib/docker/overlay2/5c1e/work
1022 1021 0:55 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
1023 1021 0:56 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755,inode64
1031 1021 259:2 /var/lib/docker/volumes/claude-code-bashhistory-0d1c4b3a/_data /commandhistory rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
1032 1021 259:2 /var/lib/docker/volumes/claude-code-config-0d1c4b3a/_data /home/node/.claude rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
1033 1021 259:2 /home/ann/src/app /workspace rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
1034 1021 259:2 /var/lib/docker/containers/4f2a9c1d7e3b/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
1035 1021 259:2 /var/lib/docker/containers/4f2a9c1d7e3b/hostname /etc/hostname rw,relatime - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
1036 1021 259:2 /var/lib/docker/containers/4f2a9c1d7e3b/hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
";

/// The image the Dockerfile builds (`FROM node:20`, `USER node`,
/// `ENV NPM_CONFIG_PREFIX=/usr/local/share/npm-global`, `ENV DEVCONTAINER=true`,
/// the firewall script copied to `/usr/local/bin`) with the workspace's
/// `.devcontainer/` files.
pub(crate) fn reference_image() -> Container {
    let c = Container::image("node", 1000, "/home/node")
        .dockerenv()
        .workdir("/workspace")
        .env_paths(
            "PATH",
            "/usr/local/bin:/usr/bin:/bin:/usr/local/share/npm-global/bin",
        )
        .env_path("NPM_CONFIG_PREFIX", "/usr/local/share/npm-global")
        .env("DEVCONTAINER", "true")
        .env("SHELL", "/bin/zsh");
    c.npm_global_claude("/usr/local/share/npm-global", "2.1.332");
    c.root_file("/usr/local/bin/init-firewall.sh", INIT_FIREWALL_SH);
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.file(
        "/workspace/.devcontainer/devcontainer.json",
        DEVCONTAINER_JSON,
    );
    c.file(
        "/workspace/.devcontainer/init-firewall.sh",
        INIT_FIREWALL_SH,
    );
    c
}

/// The environment VS Code's Dev Containers extension gives a terminal,
/// plus the containerEnv above.
pub(crate) fn in_vscode(c: Container) -> Container {
    c.env("REMOTE_CONTAINERS", "true")
        .env(
            "REMOTE_CONTAINERS_IPC",
            "/tmp/vscode-remote-containers-ipc-3b9e5a0c-8f4e-4f7e-9a51-2d1c0b6e7f10.sock",
        )
        .env("NODE_OPTIONS", "--max-old-space-size=4096")
        .env_path("CLAUDE_CONFIG_DIR", "/home/node/.claude")
        .env("POWERLEVEL9K_DISABLE_GITSTATUS", "true")
}

/// A signed-in user's `.claude.json` in the config dir (CLAUDE_CONFIG_DIR).
pub(crate) fn signed_in_state(c: &Container, config_dir: &str, workspace: &str) {
    let trusted = c.at(workspace).display().to_string();
    c.file(
        &format!("{config_dir}/.claude.json"),
        &serde_json::json!({
            "hasCompletedOnboarding": true,
            "lastOnboardingVersion": "2.1.332",
            "installMethod": "npm",
            "projects": {trusted: {"hasTrustDialogAccepted": true}}
        })
        .to_string(),
    );
}

/// The reference setup after `/login` inside the container: the login is in
/// the config volume and valid for hours yet.
#[test]
fn vscode_with_a_valid_stored_login() {
    let c = in_vscode(reference_image());
    c.mounts(LINUX_DOCKER_MOUNTS);
    signed_in_state(&c, "/home/node/.claude", "/workspace");
    c.file("/home/node/.claude/.credentials.json", &stored_login(6));
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 0,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Pass, "the stored login reaches claude", None),
                ("credential-format", V::Pass, "the access token is well formed", None),
                ("credential-conflict", V::Pass, "one credential only", None),
                ("credentials-file", V::Pass, "0600, the user's, valid for 6 h", None),
                ("oauth-callback-port", V::Pass, "signed in: no browser login is needed", None),
                ("claude-install", V::Pass, "npm 2.1.332 on PATH, installMethod npm", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts lists 127.0.0.1 localhost first", None),
                (
                    "firewall-allowlist",
                    V::Warn,
                    "the login is valid now, but its refresh needs platform.claude.com, which the script blocks; one finding for both copies",
                    Some("#16 item 3"),
                ),
                ("host-credentials-mount", V::Pass, "the config dir is a named volume", None),
                ("config-file", V::Pass, "the config parses", None),
                ("config-location", V::Pass, "CLAUDE_CONFIG_DIR holds .claude.json", None),
                ("config-persistence", V::Pass, "the config dir is a volume and holds .claude.json", None),
                ("file-ownership", V::Pass, "node owns its state", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing in devcontainer.json breaks sign-in", None),
                ("devcontainer-env", V::Pass, "CLAUDE_CONFIG_DIR is in containerEnv", None),
                crate::container::TRUSTED,
                crate::container::ONBOARDED,
            ],
        },
    );
}

/// The same container a day later: the access token expired and the client
/// must refresh it at start, on platform.claude.com, which the firewall
/// blocks ("OAuth token has expired" although the login is in the volume).
#[test]
fn vscode_with_an_expired_stored_login_behind_the_firewall() {
    let c = in_vscode(reference_image());
    c.mounts(LINUX_DOCKER_MOUNTS);
    signed_in_state(&c, "/home/node/.claude", "/workspace");
    c.file("/home/node/.claude/.credentials.json", &stored_login(-20));
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 1,
            exit_item: Some("#16 item 3"),
            verdicts: &[
                (
                    "credential-missing",
                    V::Pass,
                    "the stored login is the credential",
                    None,
                ),
                ("credential-format", V::Pass, "well-formed tokens", None),
                ("credential-conflict", V::Pass, "one credential only", None),
                (
                    "credentials-file",
                    V::Pass,
                    "usable: the client refreshes the expired access token at start",
                    None,
                ),
                (
                    "oauth-callback-port",
                    V::Pass,
                    "a refresh needs no browser login",
                    None,
                ),
                ("claude-install", V::Pass, "npm 2.1.332 on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "firewall-allowlist",
                    V::Fail,
                    "the refresh is due now and platform.claude.com is blocked",
                    Some("#16 item 3"),
                ),
                ("host-credentials-mount", V::Pass, "named volume", None),
                ("config-file", V::Pass, "parses", None),
                (
                    "config-location",
                    V::Pass,
                    "CLAUDE_CONFIG_DIR holds .claude.json",
                    None,
                ),
                ("config-persistence", V::Pass, "on the volume", None),
                ("file-ownership", V::Pass, "node owns its state", None),
                ("root-user", V::Pass, "uid 1000", None),
                (
                    "devcontainer-config",
                    V::Pass,
                    "nothing breaks sign-in",
                    None,
                ),
                ("devcontainer-env", V::Pass, "containerEnv only", None),
                crate::container::TRUSTED,
                crate::container::ONBOARDED,
            ],
        },
    );
}

/// The reference devcontainer on Docker Desktop for macOS, first start:
/// the workspace comes through the `fakeowner` share of `/Users`, the
/// config volume is empty, nobody has signed in yet.
#[test]
fn docker_desktop_macos_first_start() {
    let c = in_vscode(reference_image());
    c.mounts(
        "
1021 980 0:52 / / rw,relatime master:529 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/7TQ3XKJ2,upperdir=/var/lib/docker/overlay2/5c1e/diff,workdir=/var/lib/docker/overlay2/5c1e/work
1031 1021 254:1 /docker/volumes/claude-code-bashhistory-0d1c4b3a/_data /commandhistory rw,relatime master:30 - ext4 /dev/vda1 rw,discard
1032 1021 254:1 /docker/volumes/claude-code-config-0d1c4b3a/_data /home/node/.claude rw,relatime master:30 - ext4 /dev/vda1 rw,discard
1033 1021 0:104 /ann/src/app /workspace rw,relatime - fakeowner /run/host_mark/Users rw,fakeowner
1036 1021 254:1 /docker/containers/4f2a9c1d7e3b/hosts /etc/hosts rw,relatime - ext4 /dev/vda1 rw,discard
",
    );
    c.dir_of_user("/home/node/.claude");
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 1,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Fail, "nobody has signed in and no token is set", None),
                ("credential-conflict", V::Pass, "nothing to conflict", None),
                (
                    "oauth-callback-port",
                    V::Warn,
                    "a browser login is needed; VS Code's port forwarding often delivers the callback, else paste the code",
                    Some("#16 item 4"),
                ),
                ("claude-install", V::Pass, "npm 2.1.332 on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "firewall-allowlist",
                    V::Fail,
                    "the login needs claude.ai and platform.claude.com, which the script blocks",
                    Some("#16 item 3"),
                ),
                ("host-credentials-mount", V::Pass, "the config dir is a named volume, not the Mac's ~/.claude", None),
                ("config-file", V::Pass, "no config yet is normal", None),
                ("config-location", V::Pass, "CLAUDE_CONFIG_DIR is the volume", None),
                ("config-persistence", V::Pass, "the client will write .claude.json into the volume", None),
                ("file-ownership", V::Pass, "node owns the volume", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                ("devcontainer-env", V::Pass, "containerEnv only", None),
                crate::container::TRUST_TO_ASK,
                crate::container::FIRST_RUN,
            ],
        },
    );
}
