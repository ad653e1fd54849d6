//! Rootless Podman: con/catenate `ai/claude-code-container.md` (commit
//! 617beceaffd385f1e65908ab26060424f12e8113): `podman run -it --rm
//! --userns=keep-id -v ~/.claude:/claude:Z -v "$(pwd):/workspace:Z" -w
//! /workspace -e CLAUDE_CONFIG_DIR=/claude claude-code`, on a Linux host
//! whose user (uid 1000) logged in there: the host's own `~/.claude`,
//! refresh token and all, is the container's config dir.

use crate::claude_code_devcontainer::DOCKER_HOSTS;
use crate::container::{Container, Expect, V, stored_login};

#[test]
fn rootless_podman_sharing_the_hosts_claude_dir() {
    let c = Container::image("node", 1000, "/home/node")
        .containerenv()
        .workdir("/workspace")
        .env_path("CLAUDE_CONFIG_DIR", "/claude")
        .env_paths(
            "PATH",
            "/usr/local/bin:/usr/bin:/bin:/usr/local/share/npm-global/bin",
        );
    c.npm_global_claude("/usr/local/share/npm-global", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    // Rootless Podman: fuse-overlayfs root, binds from the host's ext4.
    c.mounts(
        "
601 600 0:45 / / rw,nodev,relatime - fuse.fuse-overlayfs fuse-overlayfs rw,user_id=0,group_id=0,default_permissions,allow_other
610 601 259:2 /home/ann/.claude /claude rw,relatime - ext4 /dev/nvme0n1p2 rw
611 601 259:2 /home/ann/src/app /workspace rw,relatime - ext4 /dev/nvme0n1p2 rw
612 601 0:52 /containers/overlay-containers/9d8c7b6a/userdata/hosts /etc/hosts rw,nosuid,nodev,relatime - tmpfs tmpfs rw,size=3263272k,mode=700,uid=1000,gid=1000
",
    );
    c.file("/claude/.credentials.json", &stored_login(4));
    c.file(
        "/claude/.claude.json",
        r#"{"hasCompletedOnboarding": true, "installMethod": "npm"}"#,
    );
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "podman",
            exit: 0,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Pass, "the host's stored login", None),
                ("credential-format", V::Pass, "well formed", None),
                ("credential-conflict", V::Pass, "one credential", None),
                ("credentials-file", V::Pass, "0600, valid", None),
                ("oauth-callback-port", V::Pass, "signed in", None),
                ("claude-install", V::Pass, "npm 2.1.332", None),
                ("localhost-resolution", V::Pass, "localhost first", None),
                (
                    "host-credentials-mount",
                    V::Warn,
                    "the host's ~/.claude is the config dir and its login is in use: host and container share one rotating refresh token",
                    None,
                ),
                ("config-file", V::Pass, "parses", None),
                ("config-location", V::Pass, "CLAUDE_CONFIG_DIR holds .claude.json", None),
                ("config-persistence", V::Pass, "the host keeps it", None),
                ("file-ownership", V::Pass, "keep-id maps the host user to uid 1000", None),
                ("root-user", V::Pass, "uid 1000", None),
                crate::container::TRUST_TO_ASK,
                crate::container::ONBOARDED,
            ],
        },
    );
}
