//! A GitHub Actions job that runs `claude -p` with a token secret, on a
//! GitHub-hosted runner (user `runner`, uid 1001, HOME=/home/runner, the
//! checkout under /home/runner/work/<repo>/<repo>, no container). The step's
//! env is the one anthropics/claude-code-action's `action.yml` (commit
//! 008284398f9706427970c06a406d9ebd6a1cecfa) gives the client:
//! `CLAUDE_CODE_OAUTH_TOKEN: ${{ inputs.claude_code_oauth_token }}` and
//! `ANTHROPIC_API_KEY: ${{ inputs.anthropic_api_key }}`, the unset input an
//! empty variable. ccauth runs as the README's preflight step, before the
//! workflow installs claude.

use crate::container::{Container, Expect, V};

#[test]
fn hosted_runner_preflight_with_the_readme_arguments() {
    let c = Container::image("runner", 1001, "/home/runner")
        .workdir("/home/runner/work/app/app")
        .env_paths(
            "PATH",
            "/home/runner/.local/bin:/opt/pipx_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ENVIRONMENT", "github-hosted")
        .env_path("GITHUB_WORKSPACE", "/home/runner/work/app/app")
        .env_path("RUNNER_TEMP", "/home/runner/work/_temp")
        .env("CLAUDE_CODE_OAUTH_TOKEN", crate::common::OAUTH_TOKEN)
        .env("ANTHROPIC_API_KEY", "");
    c.root_file(
        "/etc/hosts",
        "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n",
    );
    c.mounts(
        "
26 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw,discard,errors=remount-ro
27 26 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=8126780k,nr_inodes=2031695,mode=755,inode64
30 26 0:25 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=1631496k,mode=755,inode64
52 26 8:15 / /boot/efi rw,relatime shared:30 - vfat /dev/sda15 rw
",
    );
    c.file(
        "/home/runner/work/app/app/.github/workflows/claude.yml",
        "on: [pull_request]\njobs:\n  review:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm install -g @anthropic-ai/claude-code\n      - run: claude -p \"review this\"\n        env:\n          CLAUDE_CODE_OAUTH_TOKEN: ${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}\n",
    );
    c.assert_doctor(
        &["--strict", "--allow", "root-user"],
        &Expect {
            launcher: "ci",
            exit: 0,
            exit_item: Some("#16 item 1"),
            verdicts: &[
                (
                    "credential-missing",
                    V::Pass,
                    "the token secret reaches claude -p",
                    None,
                ),
                ("credential-format", V::Pass, "well formed", None),
                (
                    "credential-conflict",
                    V::Pass,
                    "the empty ANTHROPIC_API_KEY is ignored by the client",
                    None,
                ),
                (
                    "onboarding-flag",
                    V::Skip,
                    "claude -p does not run the first-run wizard",
                    Some("#16 item 1"),
                ),
                (
                    "oauth-callback-port",
                    V::Pass,
                    "a credential is set: no browser login",
                    None,
                ),
                (
                    "claude-install",
                    V::Skip,
                    "the workflow installs claude in a later step",
                    Some("#16 item 1"),
                ),
                ("localhost-resolution", V::Pass, "localhost first", None),
                ("host-credentials-mount", V::Pass, "not a container", None),
                ("config-file", V::Pass, "none, and -p needs none", None),
                ("config-location", V::Pass, "default", None),
                (
                    "config-persistence",
                    V::Skip,
                    "not a container: nothing to lose on a rebuild",
                    None,
                ),
                ("file-ownership", V::Pass, "runner owns its home", None),
                ("root-user", V::Pass, "uid 1001", None),
            ],
        },
    );
}
