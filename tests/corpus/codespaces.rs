//! A GitHub Codespace built from a devcontainer.json with the Claude Code
//! Feature (anthropics/devcontainer-features `src/claude-code/README.md`,
//! commit 0b37aedf413e37b5fa00f66e54347c83b9800474), the token given as a
//! Codespaces secret (which arrives as an environment variable). The
//! codespace's environment: `CODESPACES=true`, `CODESPACE_NAME`,
//! `GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN`; user `codespace` (uid 1000),
//! the repository under `/workspaces/<repo>` on the codespace's data disk.

use crate::claude_code_devcontainer::DOCKER_HOSTS;
use crate::container::{Container, Expect, V};

const DEVCONTAINER_JSON: &str = r#"{
  "image": "mcr.microsoft.com/devcontainers/universal:2",
  "features": {
    "ghcr.io/devcontainers/features/node:1": {},
    "ghcr.io/anthropics/devcontainer-features/claude-code:1": {}
  }
}
"#;

#[test]
fn codespace_with_a_codespaces_secret() {
    let c = Container::image("codespace", 1000, "/home/codespace")
        .dockerenv()
        .workdir("/workspaces/app")
        .env_paths(
            "PATH",
            "/usr/local/share/nvm/current/bin:/usr/local/bin:/usr/bin:/bin",
        )
        .env("CODESPACES", "true")
        .env("CODESPACE_NAME", "ann-app-5g4r7q9wxj2f9pq6")
        .env("GITHUB_CODESPACES_PORT_FORWARDING_DOMAIN", "app.github.dev")
        .env("GITHUB_USER", "ann")
        .env("CLAUDE_CODE_OAUTH_TOKEN", crate::common::OAUTH_TOKEN);
    c.npm_global_claude("/usr/local/share/nvm/current", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(
        "
8001 7990 0:100 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/CS1CS2,upperdir=/var/lib/docker/overlay2/c5c5/diff,workdir=/var/lib/docker/overlay2/c5c5/work
8010 8001 8:17 /workspaces /workspaces rw,relatime - ext4 /dev/sdb1 rw
8011 8001 8:1 /containers/c5c5/hosts /etc/hosts rw,relatime - ext4 /dev/sda1 rw,discard
",
    );
    c.file(
        "/workspaces/app/.devcontainer/devcontainer.json",
        DEVCONTAINER_JSON,
    );
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "codespaces",
            exit: 1,
            exit_item: None,
            verdicts: &[
                (
                    "credential-missing",
                    V::Pass,
                    "the Codespaces secret is in the environment",
                    None,
                ),
                ("credential-format", V::Pass, "well formed", None),
                ("credential-conflict", V::Pass, "one credential", None),
                (
                    "onboarding-flag",
                    V::Fail,
                    "interactive claude with a token and no .claude.json runs the first-run wizard",
                    None,
                ),
                (
                    "oauth-callback-port",
                    V::Pass,
                    "a token: no browser login",
                    None,
                ),
                ("claude-install", V::Pass, "the Feature's npm install", None),
                ("localhost-resolution", V::Pass, "localhost first", None),
                (
                    "host-credentials-mount",
                    V::Pass,
                    "nothing of a host's is mounted",
                    None,
                ),
                ("config-file", V::Pass, "none yet", None),
                ("config-location", V::Pass, "default", None),
                (
                    "config-persistence",
                    V::Pass,
                    "the credential is a secret, nothing to keep",
                    None,
                ),
                ("file-ownership", V::Pass, "codespace owns its home", None),
                ("root-user", V::Pass, "uid 1000", None),
                (
                    "devcontainer-config",
                    V::Pass,
                    "nothing breaks sign-in",
                    None,
                ),
                (
                    "devcontainer-env",
                    V::Pass,
                    "no credential passed through the file",
                    None,
                ),
                crate::container::TRUST_TO_ASK,
            ],
        },
    );
}
