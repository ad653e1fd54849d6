//! Devcontainer Features that install Claude Code or a firewall:
//! anthropics/devcontainer-features `src/claude-code` (README's "Example
//! Usage" at commit 0b37aedf413e37b5fa00f66e54347c83b9800474: the node
//! Feature plus `ghcr.io/anthropics/devcontainer-features/claude-code:1`)
//! on `mcr.microsoft.com/devcontainers/base` (user vscode, uid 1000), with
//! and without a token in containerEnv; and w3cj/devcontainer-features
//! `src/firewall` (install.sh, scripts/init-firewall.sh and hosts.json at
//! commit 1e68b038ca51c0e7ca737e47e527103911106b79), whose `hosts` option
//! lands in `/usr/local/bin/firewall-config.sh` as ALLOWED_HOSTS.

use crate::claude_code_devcontainer::DOCKER_HOSTS;
use crate::container::{Container, Expect, V, stored_login};

/// The feature's example, and the token passed the way the README of this
/// project's field report does (`${localEnv:…}` in containerEnv).
const FEATURE_JSON: &str = r#"{
  "name": "app",
  "image": "mcr.microsoft.com/devcontainers/base:bookworm",
  "features": {
    "ghcr.io/devcontainers/features/node:1": {},
    "ghcr.io/anthropics/devcontainer-features/claude-code:1": {}
  },
  "containerEnv": {
    "CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"
  }
}
"#;

/// Where the node Feature's nvm puts global npm packages.
const NODE_PREFIX: &str = "/usr/local/share/nvm/versions/node/v22.12.0";

/// A VS Code window on that image (no volume: state is on the container
/// layer); the workspace is bound from a Linux host.
fn feature_image(token: &str) -> Container {
    let c = Container::image("vscode", 1000, "/home/vscode")
        .dockerenv()
        .workdir("/workspaces/app")
        .env_paths(
            "PATH",
            "/usr/local/share/nvm/versions/node/v22.12.0/bin:/usr/local/bin:/usr/bin:/bin",
        )
        .env("REMOTE_CONTAINERS", "true")
        .env(
            "REMOTE_CONTAINERS_IPC",
            "/tmp/vscode-remote-containers-ipc-7c1d2e3f-0a9b-4c8d-b6e5-f4a3b2c1d0e9.sock",
        )
        .env("CLAUDE_CODE_OAUTH_TOKEN", token);
    c.npm_global_claude(NODE_PREFIX, "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(
        "
3001 2990 0:70 / / rw,relatime master:700 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/AB12CD,upperdir=/var/lib/docker/overlay2/77aa/diff,workdir=/var/lib/docker/overlay2/77aa/work
3010 3001 259:2 /home/ann/src/app /workspaces/app rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw
3011 3001 259:2 /var/lib/docker/containers/1a2b3c4d5e6f/hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p2 rw
",
    );
    c.file(
        "/workspaces/app/.devcontainer/devcontainer.json",
        FEATURE_JSON,
    );
    c
}

/// The host had the token: it is in the container's environment.
#[test]
fn claude_code_feature_with_a_token_in_container_env() {
    let c = feature_image(crate::common::OAUTH_TOKEN);
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 1,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Pass, "the token is set", None),
                ("credential-format", V::Pass, "well formed", None),
                ("credential-conflict", V::Pass, "one credential", None),
                ("onboarding-flag", V::Fail, "interactive claude, a token and no .claude.json: the wizard runs", None),
                ("oauth-callback-port", V::Pass, "a token: no browser login", None),
                ("claude-install", V::Pass, "the Feature's npm install is on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                ("host-credentials-mount", V::Pass, "nothing of the host's is mounted", None),
                ("config-file", V::Pass, "none yet", None),
                ("config-location", V::Pass, "the default place", None),
                (
                    "config-persistence",
                    V::Pass,
                    "state on the container layer is fine while the credential comes from the environment",
                    None,
                ),
                ("file-ownership", V::Pass, "vscode owns its home", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                ("devcontainer-env", V::Pass, "containerEnv, and the value arrived", None),
                crate::container::TRUST_TO_ASK,
            ],
        },
    );
}

/// The host lacked the variable: `${localEnv:…}` gave an empty string.
#[test]
fn claude_code_feature_without_a_token_on_the_host() {
    let c = feature_image("");
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 1,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Fail, "CLAUDE_CODE_OAUTH_TOKEN is empty: ${localEnv:…} of an unset host variable", None),
                ("credential-conflict", V::Pass, "nothing to conflict", None),
                (
                    "oauth-callback-port",
                    V::Warn,
                    "a browser login is needed; VS Code forwards ports, so it may arrive, else paste the code",
                    Some("#16 item 4"),
                ),
                ("claude-install", V::Pass, "on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                ("host-credentials-mount", V::Pass, "nothing mounted", None),
                ("config-file", V::Pass, "none yet", None),
                ("config-location", V::Pass, "default", None),
                (
                    "config-persistence",
                    V::Pass,
                    "nothing is signed in yet; the token, once set on the host, comes from the environment",
                    None,
                ),
                ("file-ownership", V::Pass, "vscode owns its home", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                ("devcontainer-env", V::Pass, "containerEnv reaches every launcher; the empty value is credential-missing's", None),
                crate::container::TRUST_TO_ASK,
                crate::container::FIRST_RUN,
            ],
        },
    );
}

/// `/usr/local/bin/firewall-config.sh` as w3cj's install.sh writes it for
/// `"claudeCode": true, "hosts": "platform.claude.com,claude.ai"`
/// (anthropicApi, sentry, npmRegistry, vscodeMarketplace from hosts.json).
const FIREWALL_CONFIG_SH: &str = "# Firewall configuration - generated at install time
ALLOWED_HOSTS=\"api.anthropic.com,docs.claude.com,statsig.anthropic.com,statsig.com,sentry.io,registry.npmjs.org,marketplace.visualstudio.com,vscode.blob.core.windows.net,update.code.visualstudio.com,platform.claude.com,claude.ai\"
INCLUDE_GITHUB_IPS=\"false\"
INCLUDE_DOCKER_NETWORKS=\"true\"
INCLUDE_GOOGLE_CLOUD_IPS=\"false\"
INCLUDE_CLOUDFLARE_IPS=\"false\"
INCLUDE_AWS_IPS=\"false\"
ANTHROPIC_IPS=\"160.79.104.0/23,34.162.46.92,34.162.102.82,34.162.136.91,34.162.142.92,34.162.183.95\"
VERBOSE_MODE=\"false\"
";

/// The feature's `scripts/init-firewall.sh`, the parts that read the
/// allowed hosts.
const W3CJ_INIT_FIREWALL_SH: &str = r#"#!/bin/bash
set -euo pipefail
IFS=$'\n\t'

# Source configuration (generated at install time)
source /usr/local/bin/firewall-config.sh

# 7. Add static IP ranges
add_list_to_ipset "$ANTHROPIC_IPS" "Anthropic IPs"

# 8. Resolve and add configured hosts
if [ -n "$ALLOWED_HOSTS" ]; then
    IFS=',' read -ra HOST_ARRAY <<< "$ALLOWED_HOSTS"
    for host in "${HOST_ARRAY[@]}"; do
        host=$(echo "$host" | xargs)
        [ -z "$host" ] && continue
        resolve_and_add "$host"
    done
fi

# 10. Set restrictive default policies
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -P OUTPUT DROP
iptables -A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
"#;

/// The firewall Feature with the OAuth hosts added through its `hosts`
/// option, and a stored login that needs refreshing now: allowed.
#[test]
fn firewall_feature_with_the_oauth_hosts_in_its_hosts_option() {
    let c = feature_image("");
    c.root_file("/usr/local/bin/init-firewall.sh", W3CJ_INIT_FIREWALL_SH);
    c.root_file("/usr/local/bin/firewall-config.sh", FIREWALL_CONFIG_SH);
    c.file(
        "/workspaces/app/.devcontainer/devcontainer.json",
        r#"{
  "name": "app",
  "image": "mcr.microsoft.com/devcontainers/base:bookworm",
  "features": {
    "ghcr.io/devcontainers/features/node:1": {},
    "ghcr.io/anthropics/devcontainer-features/claude-code:1": {},
    "ghcr.io/w3cj/devcontainer-features/firewall:0": {
      "claudeCode": true,
      "hosts": "platform.claude.com,claude.ai"
    }
  },
  "runArgs": ["--cap-add=NET_ADMIN", "--cap-add=NET_RAW"],
  "postStartCommand": "sudo /usr/local/bin/init-firewall.sh"
}
"#,
    );
    c.file("/home/vscode/.claude/.credentials.json", &stored_login(-2));
    c.file(
        "/home/vscode/.claude.json",
        r#"{"hasCompletedOnboarding": true, "installMethod": "npm"}"#,
    );
    let c = c.without("CLAUDE_CODE_OAUTH_TOKEN");
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 0,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Pass, "the stored login", None),
                ("credential-format", V::Pass, "well formed", None),
                ("credential-conflict", V::Pass, "one credential", None),
                ("credentials-file", V::Pass, "expired, refreshed at start", None),
                ("oauth-callback-port", V::Pass, "signed in", None),
                ("claude-install", V::Pass, "on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "firewall-allowlist",
                    V::Pass,
                    "the refresh host platform.claude.com is in the Feature's ALLOWED_HOSTS",
                    Some("#16 item 3, extra domains"),
                ),
                ("host-credentials-mount", V::Pass, "nothing mounted", None),
                ("config-file", V::Pass, "parses", None),
                ("config-location", V::Pass, "default", None),
                (
                    "config-persistence",
                    V::Warn,
                    "the stored login and .claude.json are on the container layer: a rebuild signs the user out",
                    Some("config-persistence's login-not-persisted (it once read an env credential that was not there)"),
                ),
                ("file-ownership", V::Pass, "vscode's", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                ("devcontainer-env", V::Pass, "no credential variable passed", None),
                crate::container::TRUST_TO_ASK,
                crate::container::ONBOARDED,
            ],
        },
    );
}
