//! The reference devcontainer's compose form: anthropics/claude-code
//! `.devcontainer/compose.yml` and `devcontainer.json` at commit
//! 0c29ed984fa45a532d29b7ef26a4af85773f1908, entered with `docker compose
//! exec node zsh` (no VS Code): the service's `environment:` and volumes,
//! the compose project's volume `devcontainer_claude-code-config`.

use crate::claude_code_devcontainer::{DOCKER_HOSTS, INIT_FIREWALL_SH};
use crate::container::{Container, Expect, V};

const COMPOSE_YML: &str = r#"version: "3.8"

services:
  node:
    build:
      context: .
      dockerfile: Dockerfile
      args:
        - TZ=${TZ:-America/Los_Angeles}
    cap_add:
      - NET_ADMIN
      - NET_RAW
    volumes:
      - claude-code-bashhistory:/commandhistory
      - claude-code-config:/home/node/.claude
      - ../:/workspace:delegated
    environment:
      - NODE_OPTIONS=--max-old-space-size=4096
      - CLAUDE_CONFIG_DIR=/home/node/.claude
      - POWERLEVEL9K_DISABLE_GITSTATUS=true
    working_dir: /workspace
    tty: true
volumes:
  claude-code-bashhistory:
  claude-code-config:
"#;

const DEVCONTAINER_JSON: &str = r#"{
  "name": "Claude Code Sandbox",
  "dockerComposeFile": [
    "./compose.yml"
  ],
  "service": "node",
  "remoteUser": "node",
  "workspaceFolder": "/workspace",
  "postCreateCommand": "sudo /usr/local/bin/init-firewall.sh"
}
"#;

/// First `docker compose exec` after `docker compose up`: nobody signed in,
/// no token. One cause: no credential. The browser login cannot call back
/// through `docker compose exec`, and the firewall blocks its hosts.
#[test]
fn compose_exec_first_start() {
    let c = Container::image("node", 1000, "/home/node")
        .dockerenv()
        .workdir("/workspace")
        .env_paths(
            "PATH",
            "/usr/local/bin:/usr/bin:/bin:/usr/local/share/npm-global/bin",
        )
        .env("NODE_OPTIONS", "--max-old-space-size=4096")
        .env_path("CLAUDE_CONFIG_DIR", "/home/node/.claude")
        .env("POWERLEVEL9K_DISABLE_GITSTATUS", "true")
        .env("DEVCONTAINER", "true");
    c.npm_global_claude("/usr/local/share/npm-global", "2.1.332");
    c.root_file("/usr/local/bin/init-firewall.sh", INIT_FIREWALL_SH);
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(
        "
7001 6990 0:95 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/CMP0S3,upperdir=/var/lib/docker/overlay2/c0c0/diff,workdir=/var/lib/docker/overlay2/c0c0/work
7010 7001 259:2 /var/lib/docker/volumes/devcontainer_claude-code-bashhistory/_data /commandhistory rw,relatime - ext4 /dev/nvme0n1p2 rw
7011 7001 259:2 /var/lib/docker/volumes/devcontainer_claude-code-config/_data /home/node/.claude rw,relatime - ext4 /dev/nvme0n1p2 rw
7012 7001 259:2 /home/ann/src/app /workspace rw,relatime - ext4 /dev/nvme0n1p2 rw
7013 7001 259:2 /var/lib/docker/containers/c0mp05e0c0c0/hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p2 rw
",
    );
    c.file("/workspace/.devcontainer/compose.yml", COMPOSE_YML);
    c.file(
        "/workspace/.devcontainer/devcontainer.json",
        DEVCONTAINER_JSON,
    );
    c.file(
        "/workspace/.devcontainer/init-firewall.sh",
        INIT_FIREWALL_SH,
    );
    c.dir_of_user("/home/node/.claude");
    // From inside, `docker compose exec` and `devcontainer exec` into a
    // compose devcontainer look alike: detection picks one, allows the other.
    if let Some((report, _)) = c.doctor(&[]) {
        let launch = &report["runtime"]["launch"];
        assert_eq!(launch["launcher"], "devcontainer-cli", "{launch}");
        assert!(
            launch["or_else"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "compose"),
            "{launch}"
        );
    }
    c.assert_doctor(
        &["--launcher", "compose"],
        &Expect {
            launcher: "compose",
            exit: 1,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Fail, "no credential at all", None),
                ("credential-conflict", V::Pass, "nothing to conflict", None),
                (
                    "oauth-callback-port",
                    V::Warn,
                    "a warning beside credential-missing's one failure: nothing forwards the port, so a browser login here must paste the code",
                    None,
                ),
                ("claude-install", V::Pass, "npm 2.1.332", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                (
                    "firewall-allowlist",
                    V::Fail,
                    "an interactive login needs claude.ai and platform.claude.com, which the script blocks",
                    Some("#16 item 3"),
                ),
                ("host-credentials-mount", V::Pass, "named volume", None),
                ("config-file", V::Pass, "none yet", None),
                ("config-location", V::Pass, "CLAUDE_CONFIG_DIR is the volume", None),
                ("config-persistence", V::Pass, "the volume keeps it", None),
                ("file-ownership", V::Pass, "node owns the volume", None),
                ("root-user", V::Pass, "uid 1000", None),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                ("devcontainer-env", V::Pass, "environment: reaches docker compose exec", None),
                crate::container::TRUST_TO_ASK,
                crate::container::FIRST_RUN,
            ],
        },
    );
}
