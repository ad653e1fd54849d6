//! Issue 16 item 9 in a whole world: a devcontainer whose runArgs pass a
//! git-ignored env file through `${localWorkspaceFolder}`, the line public
//! setups write (e.g. a Dev Containers guide seen 2026-12-02 in the code
//! search: `"runArgs": ["--env-file",
//! "${localWorkspaceFolder}/.devcontainer/devcontainer.env"]`, with the file
//! in `.gitignore`). Docker read the file on the host, so its key is in the
//! container's environment; inside, the file is found under the mounted
//! workspace and judged.

use crate::claude_code_devcontainer::DOCKER_HOSTS;
use crate::container::{Container, Expect, V};

#[test]
fn env_file_through_local_workspace_folder() {
    let key = crate::common::API_KEY;
    let suffix = &key[key.len() - 20..];
    let c = Container::image("vscode", 1000, "/home/vscode")
        .dockerenv()
        .workdir("/workspaces/app")
        .env("REMOTE_CONTAINERS", "true")
        .env(
            "REMOTE_CONTAINERS_IPC",
            "/tmp/vscode-remote-containers-ipc-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0.sock",
        )
        .env("ANTHROPIC_API_KEY", key);
    c.npm_global_claude("/usr/local", "2.1.332");
    c.root_file("/etc/hosts", DOCKER_HOSTS);
    c.mounts(
        "
9001 8990 0:110 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/EF01EF,upperdir=/var/lib/docker/overlay2/e0e0/diff,workdir=/var/lib/docker/overlay2/e0e0/work
9010 9001 259:2 /home/ann/src/app /workspaces/app rw,relatime - ext4 /dev/nvme0n1p2 rw
9011 9001 259:2 /var/lib/docker/containers/e0e0e0e0e0e0/hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p2 rw
",
    );
    c.file(
        "/workspaces/app/.devcontainer/devcontainer.json",
        r#"{
  "name": "My Project",
  "image": "mcr.microsoft.com/devcontainers/python:3.12",
  "runArgs": ["--env-file", "${localWorkspaceFolder}/.devcontainer/devcontainer.env"]
}
"#,
    );
    c.file(
        "/workspaces/app/.devcontainer/devcontainer.env",
        &format!("ANTHROPIC_API_KEY={key}\n"),
    );
    c.file(
        "/workspaces/app/.gitignore",
        ".devcontainer/devcontainer.env\n",
    );
    c.file("/workspaces/app/.git/HEAD", "ref: refs/heads/main\n");
    c.file(
        "/workspaces/app/.git/config",
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n",
    );
    c.dir_of_user("/workspaces/app/.git/objects");
    c.dir_of_user("/workspaces/app/.git/refs/heads");
    c.file(
        "/home/vscode/.claude.json",
        &serde_json::json!({
            "hasCompletedOnboarding": true,
            "customApiKeyResponses": {"approved": [suffix], "rejected": []},
            "projects": {c.at("/workspaces/app").display().to_string(): {"hasTrustDialogAccepted": true}}
        })
        .to_string(),
    );
    c.assert_doctor(
        &[],
        &Expect {
            launcher: "vscode",
            exit: 0,
            exit_item: None,
            verdicts: &[
                ("credential-missing", V::Pass, "the key from the env file", None),
                ("credential-format", V::Pass, "well formed", None),
                ("credential-conflict", V::Pass, "one credential", None),
                ("api-key-approval", V::Pass, "its last 20 characters are approved", None),
                ("oauth-callback-port", V::Pass, "an API key: no browser login", None),
                ("claude-install", V::Pass, "on PATH", None),
                ("localhost-resolution", V::Pass, "Docker's /etc/hosts", None),
                ("host-credentials-mount", V::Pass, "nothing mounted", None),
                ("config-file", V::Pass, "parses", None),
                ("config-location", V::Pass, "default", None),
                ("config-persistence", V::Pass, "state on the layer is fine with an env credential", None),
                ("file-ownership", V::Pass, "vscode's", None),
                ("root-user", V::Pass, "uid 1000", None),
                (
                    "env-file-ignored",
                    V::Pass,
                    "${localWorkspaceFolder}/.devcontainer/devcontainer.env is found in the workspace, ignored and untracked",
                    None,
                ),
                ("devcontainer-config", V::Pass, "nothing breaks sign-in", None),
                (
                    "devcontainer-env",
                    V::Pass,
                    "the env file exists once ${localWorkspaceFolder} is read as the workspace",
                    None,
                ),
                crate::container::TRUSTED,
                crate::container::ONBOARDED,
            ],
        },
    );
}
