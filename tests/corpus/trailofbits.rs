//! Trail of Bits' sandbox: trailofbits/claude-code-devcontainer
//! `devcontainer.json` at commit 0cde0a9f155dae78e3eadea824c7f6751a014cec,
//! installed into a project's `.devcontainer/` and entered with the
//! devcontainer CLI (`devcontainer exec`, which applies `remoteEnv`; the
//! README's `devc shell`). User `vscode` (uid 1000), the config dir a
//! named volume, the token passed from the host through `remoteEnv`.

use crate::claude_code_devcontainer::DOCKER_HOSTS;
use crate::container::{Container, Expect, V};

/// The entries of that devcontainer.json that matter here.
const DEVCONTAINER_JSON: &str = r#"{
  "name": "Claude Code Sandbox",
  "build": { "dockerfile": "Dockerfile" },
  "runArgs": ["--cap-add=NET_ADMIN", "--cap-add=NET_RAW"],
  "init": true,
  "updateRemoteUserUID": true,
  "remoteUser": "vscode",
  "mounts": [
    "source=devc-${localWorkspaceFolderBasename}-bashhistory-${devcontainerId},target=/commandhistory,type=volume",
    "source=devc-${localWorkspaceFolderBasename}-config-${devcontainerId},target=/home/vscode/.claude,type=volume",
    "source=${localEnv:HOME}/.gitconfig,target=/home/vscode/.gitconfig,type=bind,readonly",
    "source=${localWorkspaceFolder}/.devcontainer,target=/workspace/.devcontainer,type=bind,readonly"
  ],
  "containerEnv": {
    "NODE_OPTIONS": "--max-old-space-size=4096",
    "CLAUDE_CONFIG_DIR": "/home/vscode/.claude",
    "POWERLEVEL9K_DISABLE_GITSTATUS": "true",
    "NPM_CONFIG_IGNORE_SCRIPTS": "true"
  },
  "remoteEnv": {
    "CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN:}",
    "ANTHROPIC_API_KEY": "${localEnv:ANTHROPIC_API_KEY:}",
    "OPENAI_API_KEY": "${localEnv:OPENAI_API_KEY:}"
  },
  "workspaceMount": "source=${localWorkspaceFolder},target=/workspace,type=bind,consistency=delegated",
  "workspaceFolder": "/workspace"
}
"#;

/// The container on a Linux host: volumes, the workspace and the
/// read-only `.devcontainer` and `.gitconfig` binds.
const MOUNTS: &str = "
2101 2080 0:61 / / rw,relatime master:610 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/JX2M4Q,upperdir=/var/lib/docker/overlay2/9e3f/diff,workdir=/var/lib/docker/overlay2/9e3f/work
2110 2101 259:2 /var/lib/docker/volumes/devc-app-bashhistory-1f0e9d2c/_data /commandhistory rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw
2111 2101 259:2 /var/lib/docker/volumes/devc-app-config-1f0e9d2c/_data /home/vscode/.claude rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw
2112 2101 259:2 /home/ann/.gitconfig /home/vscode/.gitconfig ro,relatime master:1 - ext4 /dev/nvme0n1p2 rw
2113 2101 259:2 /home/ann/src/app /workspace rw,relatime master:1 - ext4 /dev/nvme0n1p2 rw
2114 2113 259:2 /home/ann/src/app/.devcontainer /workspace/.devcontainer ro,relatime master:1 - ext4 /dev/nvme0n1p2 rw
2115 2101 259:2 /var/lib/docker/containers/8c0d2e6f1a4b/hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p2 rw
";

/// The image (`USER vscode`, claude installed with npm) as `devcontainer
/// exec` enters it: containerEnv plus remoteEnv, which the CLI resolves on
/// the host (`${localEnv:X:}` is empty when the host lacks X).
fn exec_with(token: &str, key: &str) -> Container {
    let c = Container::image("vscode", 1000, "/home/vscode")
        .dockerenv()
        .workdir("/workspace")
        .env_paths(
            "PATH",
            "/usr/local/bin:/usr/bin:/bin:/home/vscode/.npm-global/bin",
        )
        .env("NODE_OPTIONS", "--max-old-space-size=4096")
        .env_path("CLAUDE_CONFIG_DIR", "/home/vscode/.claude")
        .env("POWERLEVEL9K_DISABLE_GITSTATUS", "true")
        .env("NPM_CONFIG_IGNORE_SCRIPTS", "true")
        .env("CLAUDE_CODE_OAUTH_TOKEN", token)
        .env("ANTHROPIC_API_KEY", key)
        .env("OPENAI_API_KEY", "");
    c.npm_global_claude("/home/vscode/.npm-global", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(MOUNTS);
    c.dir_of_user("/home/vscode/.claude");
    c.file(
        "/workspace/.devcontainer/devcontainer.json",
        DEVCONTAINER_JSON,
    );
    c
}

/// The host exported CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`),
/// the volume is fresh: the token arrives through remoteEnv.
#[test]
fn devcontainer_exec_with_the_hosts_token() {
    let c = exec_with(crate::common::OAUTH_TOKEN, "");
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "devcontainer-cli",
            exit: 1,
            exit_item: None,
            verdicts: &[
                (
                    "credential-missing",
                    V::Pass,
                    "the token arrived through remoteEnv",
                    None,
                ),
                ("credential-format", V::Pass, "a well-formed token", None),
                (
                    "credential-conflict",
                    V::Pass,
                    "the empty ANTHROPIC_API_KEY is harmless",
                    None,
                ),
                (
                    "onboarding-flag",
                    V::Fail,
                    "interactive claude with a token and no .claude.json runs the first-run wizard",
                    None,
                ),
                (
                    "oauth-callback-port",
                    V::Pass,
                    "a token is in effect: no browser login",
                    None,
                ),
                ("claude-install", V::Pass, "npm 2.1.332 on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "host-credentials-mount",
                    V::Pass,
                    "the config dir is a named volume",
                    None,
                ),
                ("config-file", V::Pass, "none yet", None),
                (
                    "config-location",
                    V::Pass,
                    "CLAUDE_CONFIG_DIR is the volume",
                    None,
                ),
                (
                    "config-persistence",
                    V::Pass,
                    "the volume keeps .claude.json",
                    None,
                ),
                ("file-ownership", V::Pass, "vscode owns the volume", None),
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
                    "the token is in remoteEnv, which devcontainer exec applies, and it is here",
                    Some("#16 item 2"),
                ),
                crate::container::TRUST_TO_ASK,
            ],
        },
    );
}

/// The host had no token: `${localEnv:CLAUDE_CODE_OAUTH_TOKEN:}` made the
/// variable empty. One cause, one failure.
#[test]
fn devcontainer_exec_without_a_token_on_the_host() {
    let c = exec_with("", "");
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "devcontainer-cli",
            exit: 1,
            exit_item: None,
            verdicts: &[
                (
                    "credential-missing",
                    V::Fail,
                    "empty CLAUDE_CODE_OAUTH_TOKEN from remoteEnv's ${localEnv:…:}",
                    None,
                ),
                ("credential-conflict", V::Pass, "nothing to conflict", None),
                (
                    "oauth-callback-port",
                    V::Warn,
                    "a warning beside credential-missing's one failure: nothing forwards the port, so a browser login here must paste the code",
                    None,
                ),
                ("claude-install", V::Pass, "npm 2.1.332 on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                ("host-credentials-mount", V::Pass, "named volume", None),
                ("config-file", V::Pass, "none yet", None),
                ("config-location", V::Pass, "CLAUDE_CONFIG_DIR is the volume", None),
                ("config-persistence", V::Pass, "the volume keeps .claude.json", None),
                ("file-ownership", V::Pass, "vscode owns the volume", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                (
                    "devcontainer-env",
                    V::Pass,
                    "remoteEnv is applied here and delivers what it names (an empty default); the empty value is credential-missing's",
                    None,
                ),
                crate::container::TRUST_TO_ASK,
                crate::container::FIRST_RUN,
            ],
        },
    );
}
