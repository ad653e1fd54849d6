//! The environment catalogue, branch by branch, against fake homes, mount
//! tables and system roots.

mod common;

use ccauth::checks::{Place, Status};
use common::{API_KEY, OAUTH_TOKEN, World, codes};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn is_root() -> bool {
    rustix::process::geteuid().as_raw() == 0
}

mod config_file {
    use super::*;
    const ID: &str = "config-file";

    #[test]
    fn a_missing_file_passes_and_a_good_one_passes() {
        let f = World::new().check(ID);
        assert_eq!(f.status, Status::Pass);
        assert!(f.cause.contains("does not exist yet"));
        let w = World::new();
        w.home_file(".claude.json", "{}");
        assert!(w.check(ID).cause.contains("parses and can be rewritten"));
    }

    #[test]
    fn a_directory_fails_with_eisdir() {
        let w = World::new();
        std::fs::create_dir_all(w.home().join(".claude.json")).unwrap();
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("EISDIR"), "{}", f.cause);
    }

    #[test]
    fn broken_json_names_the_newest_backup_that_parses() {
        let w = World::new();
        w.home_file(".claude.json", "{\"numStartups\": 3,\n \"projects\": {");
        w.home_file(
            ".claude/backups/.claude.json.backup.1000",
            "{\"good\": true}",
        );
        w.home_file(".claude/backups/.claude.json.backup.2000", "{broken");
        w.home_file(
            ".claude/backups/.claude.json.backup.500",
            "{\"older\": true}",
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("line 2"), "{}", f.cause);
        let fix = f.fix.unwrap();
        assert!(fix.contains(".claude.json.backup.1000"), "{fix}");
        assert!(!fix.contains("backup.2000"), "{fix}");
        let problems = w.problems(ID);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0]["code"], "config-file/parse-error");
        common::assert_place(&problems[0]["places"][0], "home/.claude.json", None);
        let repair = problems[0]["repair"]["summary"].as_str().unwrap();
        assert!(repair.contains(".claude.json.backup.1000"), "{repair}");
        assert_eq!(problems[0]["repair"]["needs_naming"], true);
    }

    #[test]
    fn broken_json_without_backups_says_so() {
        let w = World::new();
        w.home_file(".claude.json", "{");
        assert!(w.check(ID).fix.unwrap().contains("No backup that parses"));
    }

    #[test]
    fn an_empty_file_warns() {
        let w = World::new();
        w.home_file(".claude.json", "");
        assert_eq!(w.check(ID).status, Status::Warn);
    }

    #[test]
    fn a_single_file_mount_and_a_read_only_mount_fail() {
        let w = World::new();
        let file = w.home_file(".claude.json", "{}");
        w.mountinfo(&[("/home/ann/.claude.json", &file, "ext4", "/dev/sda1")]);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("EBUSY"), "{}", f.cause);

        let w = World::new();
        w.home_file(".claude.json", "{}");
        let table = format!(
            "1 0 0:31 / / rw - overlay overlay rw\n2 1 8:1 /home/ann {} ro,relatime - ext4 /dev/sda1 rw\n",
            w.home().display()
        );
        w.sys_file("proc/self/mountinfo", &table);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("EROFS"), "{}", f.cause);
    }

    #[test]
    fn an_unwritable_file_and_directory_fail_for_their_owner() {
        if !is_root() {
            // As a normal user the same branch is reached with chmod alone; root ignores modes.
        }
        let w = World::new();
        let file = w.home_file(".claude.json", "{}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
        let f = w.check(ID);
        if is_root() {
            assert_eq!(
                f.status,
                Status::Pass,
                "root may write anything: {}",
                f.cause
            );
        } else {
            assert_eq!(f.status, Status::Fail);
            assert!(f.cause.contains("not writable"), "{}", f.cause);
        }
    }

    #[test]
    fn two_config_files_warn() {
        let w = World::new();
        w.home_file(".claude.json", "{\"hasCompletedOnboarding\": true}");
        w.home_file(".claude/.config.json", "{}");
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("Two config files exist"), "{}", f.cause);
    }
}

mod config_location {
    use super::*;
    const ID: &str = "config-location";

    #[test]
    fn a_normal_home_passes() {
        assert_eq!(World::new().check(ID).status, Status::Pass);
    }

    #[test]
    fn home_unset_falls_back_or_fails() {
        let f = World::new().without_env("HOME").check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(
            f.cause.contains("falls back to the passwd home"),
            "{}",
            f.cause
        );
        let w = World::new().without_env("HOME");
        w.sys_file("etc/passwd", "x:x:4242:4242::/h:/bin/sh\n");
        assert_eq!(w.check(ID).status, Status::Fail);
    }

    #[test]
    fn home_slash_and_home_cwd_and_passwd_mismatch() {
        let f = World::new().with_env("HOME", "/").check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("HOME is /"), "{}", f.cause);

        let w = World::new();
        let ws = w.workspace().display().to_string();
        let f = w.with_env("HOME", &ws).check(ID);
        assert!(
            f.cause.contains("HOME is the working directory"),
            "{}",
            f.cause
        );
        assert!(f.cause.contains("/etc/passwd gives uid"), "{}", f.cause);
    }

    #[test]
    fn a_missing_home_fails() {
        let f = World::new().with_env("HOME", "/nonexistent/home").check(ID);
        assert_eq!(f.status, Status::Fail);
        assert!(f.cause.contains("does not exist"), "{}", f.cause);
    }

    #[test]
    fn config_dir_empty_tilde_relative_missing() {
        let cases = [
            ("", Status::Warn, "set but empty"),
            ("~/.claude", Status::Fail, "no shell expands ~"),
            ("cfg/claude", Status::Fail, "relative path"),
            ("/nonexistent/claude", Status::Warn, "does not exist"),
        ];
        for (value, status, text) in cases {
            let f = World::new().with_env("CLAUDE_CONFIG_DIR", value).check(ID);
            assert_eq!(f.status, status, "{value}: {}", f.cause);
            assert!(f.cause.contains(text), "{value}: {}", f.cause);
        }
    }

    #[test]
    fn a_literal_tilde_directory_warns() {
        let w = World::new();
        std::fs::create_dir_all(w.workspace().join("~/.claude")).unwrap();
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("literally named ~"), "{}", f.cause);
    }
}

mod config_persistence {
    use super::*;
    const ID: &str = "config-persistence";

    #[test]
    fn skipped_outside_containers() {
        assert_eq!(World::new().check(ID).status, Status::Skip);
    }

    #[test]
    fn a_volume_on_the_dir_alone_warns() {
        let w = World::new().docker();
        w.mount_claude_dir("/var/lib/docker/volumes/cfg/_data", "ext4", "/dev/sda1");
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.fix.unwrap().contains("CLAUDE_CONFIG_DIR"));
        let problems = w.problems(ID);
        assert_eq!(problems[0]["code"], "config-persistence/file-not-persisted");
        common::assert_place(&problems[0]["places"][0], "home/.claude.json", None);
        common::assert_place(&problems[0]["places"][1], "proc/self/mountinfo", Some(2));
    }

    #[test]
    fn config_dir_pointing_into_the_volume_passes() {
        let w = World::new().docker();
        let dir = w.home().join("volume");
        std::fs::create_dir_all(&dir).unwrap();
        w.mountinfo(&[(
            "/var/lib/docker/volumes/cfg/_data",
            &dir,
            "ext4",
            "/dev/sda1",
        )]);
        let w = w.with_env("CLAUDE_CONFIG_DIR", &dir.display().to_string());
        let f = w.check(ID);
        assert_eq!(f.status, Status::Pass, "{}", f.cause);
        assert!(f.cause.contains("both on mounted storage"));
    }

    #[test]
    fn nothing_mounted_passes_with_a_note() {
        let f = World::new().docker().check(ID);
        assert_eq!(f.status, Status::Pass);
        assert!(f.cause.contains("starts from scratch"));
    }
}

mod file_ownership {
    use super::*;
    const ID: &str = "file-ownership";

    #[test]
    fn own_files_pass() {
        let w = World::new();
        w.home_file(".claude.json", "{}");
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn files_of_another_uid_fail_in_words() {
        let w = World::new().judged_as_uid(1000);
        w.home_file(".claude.json", "{}");
        std::fs::set_permissions(w.home(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let f = w.check(ID);
        // The files belong to the test's own uid, not 1000.
        let own = rustix::process::geteuid().as_raw();
        if own == 1000 {
            return;
        }
        if is_root() {
            // The process (root) can still write them: reported, not failed.
            assert_eq!(f.status, Status::Pass);
            assert!(
                f.cause
                    .contains(&format!("owned by uid {own}, you are uid 1000")),
                "{}",
                f.cause
            );
        }
    }

    #[test]
    fn an_unwritable_foreign_file_fails() {
        if !is_root() {
            eprintln!("skipped: handing a file to another uid needs root");
            return;
        }
        let w = World::new();
        let file = w.home_file(".claude/.credentials.json", "{}");
        std::os::unix::fs::chown(&file, Some(501), Some(20)).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        // Judge as uid 1000 with a real non-root process: drop privileges for the binary.
        let Some(out) = w.ccauth_as_uid_1000(
            &["doctor", "--format", "json", "--only", ID],
            Path::new("/"),
        ) else {
            return;
        };
        let report: serde_json::Value = common::parse_output(&out.stdout);
        let finding = common::finding(&report, ID).clone();
        // HOME itself belongs to root and is 0700: uid 1000 cannot even look inside.
        assert_eq!(finding["status"], "fail", "{finding}");
        assert!(
            finding["cause"]
                .as_str()
                .unwrap()
                .contains("you are uid 1000"),
            "{finding}"
        );
        let found = finding["problems"].as_array().unwrap();
        assert_eq!(codes(found), ["file-ownership/foreign-owner"]);
        assert!(
            found[0]["places"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == &json!({"file": w.home()})),
            "{finding}"
        );
    }
}

mod root_user {
    use super::*;
    const ID: &str = "root-user";

    #[test]
    fn root_warns_unless_sandboxed_and_others_pass() {
        let f = World::new().judged_as_uid(0).check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("--dangerously-skip-permissions"));
        let kinds: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(kinds, ["root-user/root-without-sandbox"]);
        assert_eq!(
            World::new()
                .judged_as_uid(0)
                .with_env("IS_SANDBOX", "1")
                .check(ID)
                .status,
            Status::Pass
        );
        assert_eq!(
            World::new().judged_as_uid(1000).check(ID).status,
            Status::Pass
        );
    }
}

mod localhost_resolution {
    use super::*;
    const ID: &str = "localhost-resolution";

    #[test]
    fn ipv6_first_warns_only_when_a_browser_login_is_needed() {
        let hosts = "::1\tlocalhost ip6-localhost\n127.0.0.1\tlocalhost\n";
        let w = World::new();
        w.sys_file("etc/hosts", hosts);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("line 1"), "{}", f.cause);
        let w = w.with_env("ANTHROPIC_API_KEY", API_KEY);
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn the_problem_is_placed_at_the_hosts_line() {
        let w = World::new();
        let file = w.sys_file(
            "etc/hosts",
            "# static\n127.0.0.1 box\n::1 localhost\n127.0.0.1 localhost\n",
        );
        assert_eq!(codes(&w.problems(ID)), ["localhost-resolution/ipv6-first"]);
        assert_eq!(
            w.check(ID).problems[0].places,
            [Place::line(&file, 3, Some(1)).key("localhost")]
        );
        w.sys_file("etc/hosts", "::1 localhost ip6-localhost\n");
        let found = w.problems(ID);
        assert_eq!(codes(&found), ["localhost-resolution/ipv6-only"]);
        assert!(
            found[0]["cause"]
                .as_str()
                .unwrap()
                .contains("never to 127.0.0.1"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn ipv4_first_passes_and_no_file_skips() {
        let w = World::new();
        w.sys_file("etc/hosts", "127.0.0.1 localhost\n::1 localhost\n");
        assert_eq!(w.check(ID).status, Status::Pass);
        assert_eq!(World::new().check(ID).status, Status::Skip);
        let w = World::new();
        w.sys_file("etc/hosts", "10.1.1.1 box\n");
        assert_eq!(w.check(ID).status, Status::Skip);
    }
}

mod firewall_allowlist {
    use super::*;
    const ID: &str = "firewall-allowlist";
    const REFERENCE: &str =
        "for domain in \"registry.npmjs.org\" \"api.anthropic.com\" \"sentry.io\"; do\n";

    #[test]
    fn skipped_without_a_script() {
        assert_eq!(World::new().check(ID).status, Status::Skip);
    }

    #[test]
    fn the_reference_script_warns_while_oauth_is_needed() {
        let w = World::new();
        w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(
            f.cause.contains("not platform.claude.com and claude.ai"),
            "{}",
            f.cause
        );
        assert!(f.cause.contains("browser login"), "{}", f.cause);
    }

    #[test]
    fn an_api_key_needs_only_the_api_host() {
        let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
        w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn an_env_token_before_onboarding_needs_the_preflight_hosts() {
        let w = World::new().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
        w.workspace_file(".devcontainer/init-firewall.sh", REFERENCE);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("preflight"), "{}", f.cause);
        w.home_file(".claude.json", r#"{"hasCompletedOnboarding": true}"#);
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn a_script_run_by_a_lifecycle_command_is_read_and_a_full_list_passes() {
        let w = World::new();
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            r#"{"postStartCommand": "sudo scripts/fw.sh"}"#,
        );
        w.workspace_file(
            "scripts/fw.sh",
            "api.anthropic.com platform.claude.com claude.ai\n",
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Pass, "{}", f.cause);
        w.workspace_file("scripts/fw.sh", "api.anthropic.com platform.claude.com\n");
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("but not claude.ai"), "{}", f.cause);
    }

    #[test]
    fn the_problem_is_placed_at_each_scripts_allow_line() {
        let w = World::new();
        let reference = w.sys_file("usr/local/bin/init-firewall.sh", REFERENCE);
        let local = w.workspace_file(
            ".devcontainer/init-firewall.sh",
            "#!/bin/sh\nset -e\n  allow api.anthropic.com platform.claude.com\n",
        );
        assert_eq!(
            codes(&w.problems(ID)),
            ["firewall-allowlist/missing-oauth-hosts"]
        );
        assert_eq!(
            w.check(ID).problems[0].places,
            [
                Place::line(&reference, 1, Some(37)).key("api.anthropic.com"),
                Place::line(&local, 3, Some(9)).key("api.anthropic.com")
            ]
        );
    }
}

mod claude_install {
    use super::*;
    const ID: &str = "claude-install";

    fn with_claude(w: World, version: &str, native: bool) -> World {
        let bin = w.home().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let target = if native {
            w.home_file(
                &format!(".local/share/claude/versions/{version}"),
                "#!/bin/sh\n",
            )
        } else {
            w.npm_claude(version)
        };
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink(&target, bin.join("claude")).unwrap();
        let path = bin.display().to_string();
        w.with_env("PATH", &path)
    }

    #[test]
    fn missing_claude_warns_with_install_commands() {
        let f = World::new().with_env("PATH", "/nonexistent").check(ID);
        assert_eq!(f.status, Status::Warn);
        assert_eq!(f.problems[0].code, "claude-install/not-on-path");
        assert!(
            f.fix
                .unwrap()
                .contains("npm install -g @anthropic-ai/claude-code")
        );
    }

    #[test]
    fn a_good_version_passes_and_broken_ones_warn() {
        let f = with_claude(World::new(), "2.1.332", false).check(ID);
        assert_eq!(f.status, Status::Pass, "{}", f.cause);
        assert!(
            f.cause.contains("claude 2.1.332 (npm install)"),
            "{}",
            f.cause
        );
        for version in ["2.1.105", "2.1.107", "2.1.240"] {
            let f = with_claude(World::new(), version, true).check(ID);
            assert_eq!(f.status, Status::Warn, "{version}");
            let kinds: Vec<&str> = f.problems.iter().map(|p| p.code.as_str()).collect();
            assert_eq!(kinds, ["claude-install/broken-version"], "{version}");
        }
        assert_eq!(
            with_claude(World::new(), "2.1.108", true).check(ID).status,
            Status::Pass
        );
    }

    #[test]
    fn an_install_method_mismatch_warns() {
        let w = with_claude(World::new(), "2.1.332", false);
        let config = w.home_file(".claude.json", r#"{"installMethod": "native"}"#);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("installMethod \"native\""), "{}", f.cause);
        assert_eq!(
            codes(&w.problems(ID)),
            ["claude-install/install-method-mismatch"]
        );
        assert_eq!(
            f.problems[0].places,
            [
                Place::file(&config).key("installMethod"),
                Place::file(w.home().join("bin/claude"))
            ]
        );
        w.home_file(".claude.json", r#"{"installMethod": "npm-global"}"#);
        assert_eq!(w.check(ID).status, Status::Pass);
    }
}

mod devcontainer_env {
    use super::*;
    const ID: &str = "devcontainer-env";

    #[test]
    fn skipped_without_a_devcontainer() {
        assert_eq!(World::new().check(ID).status, Status::Skip);
    }

    #[test]
    fn remote_env_only_warns() {
        let w = World::new().with_env("CLAUDE_CONFIG_DIR", "/x");
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            r#"{"remoteEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}}"#,
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(
            f.cause
                .contains("passes CLAUDE_CONFIG_DIR through remoteEnv only"),
            "{}",
            f.cause
        );
    }

    #[test]
    fn remote_env_only_is_placed_on_the_entry() {
        let w = World::new().with_env("CLAUDE_CONFIG_DIR", "/x");
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            "{\n  \"remoteEnv\": {\n    \"CLAUDE_CONFIG_DIR\": \"/home/node/.claude\"\n  }\n}",
        );
        let problems = w.problems(ID);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0]["code"], "devcontainer-env/remote-env-only");
        let place = &problems[0]["places"][0];
        common::assert_place(place, ".devcontainer/devcontainer.json", Some(3));
        assert_eq!(place["column"], 5);
    }

    #[test]
    fn a_missing_env_file_is_placed_on_its_run_arg() {
        let w = World::new();
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            "{\"runArgs\": [\"-it\",\n  \"--env-file=.devcontainer/gone.env\"]}",
        );
        let problems = w.problems(ID);
        assert_eq!(problems[0]["code"], "devcontainer-env/missing-env-file");
        common::assert_place(
            &problems[0]["places"][0],
            ".devcontainer/devcontainer.json",
            Some(2),
        );
    }

    #[test]
    fn container_env_passes() {
        let w = World::new();
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            r#"{"containerEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}, "remoteEnv": {"CLAUDE_CONFIG_DIR": "/home/node/.claude"}}"#,
        );
        assert_eq!(w.check(ID).status, Status::Pass);
    }

    #[test]
    fn an_empty_local_env_value_warns_unless_credential_missing_owns_it() {
        let config = r#"{"containerEnv": {"ANTHROPIC_API_KEY": "${localEnv:ANTHROPIC_API_KEY}", "CLAUDE_CONFIG_DIR": "${localEnv:CFG}"}}"#;
        let w = World::new()
            .with_env("ANTHROPIC_API_KEY", "")
            .with_env("CLAUDE_CONFIG_DIR", "");
        w.workspace_file(".devcontainer/devcontainer.json", config);
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("the host had no CFG"), "{}", f.cause);
        assert!(
            !f.cause.contains("the host had no ANTHROPIC_API_KEY"),
            "credential-missing owns it: {}",
            f.cause
        );

        let w = w.with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
        let f = w.check(ID);
        assert!(
            f.cause.contains("the host had no ANTHROPIC_API_KEY"),
            "{}",
            f.cause
        );
    }

    #[test]
    fn a_missing_env_file_warns() {
        let w = World::new();
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            r#"{"runArgs": ["--env-file", ".devcontainer/api.env"]}"#,
        );
        let f = w.check(ID);
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("does not exist"), "{}", f.cause);
    }
}

#[test]
fn a_real_bind_mount_in_a_private_namespace_is_seen() {
    // unshare -m needs root (or user namespaces); elsewhere the reason is printed.
    if !common::can_unshare("-m") {
        return;
    }
    let w = World::new().docker();
    let host_claude = w.home().parent().unwrap().join("Users/ann/.claude");
    std::fs::create_dir_all(&host_claude).unwrap();
    std::fs::create_dir_all(w.home().join(".claude")).unwrap();
    let file_source = w.home().parent().unwrap().join("host.claude.json");
    std::fs::write(&file_source, "{}").unwrap();
    let config = w.home_file(".claude.json", "{}");
    // Real mounts, real mountinfo: only the container marker comes from the fake root.
    let script = format!(
        "mount --bind {src} {dst} && mount --bind {fsrc} {fdst} && exec {bin} doctor --format json --only host-credentials-mount,config-file",
        src = host_claude.display(),
        dst = w.home().join(".claude").display(),
        fsrc = file_source.display(),
        fdst = config.display(),
        bin = assert_cmd::cargo::cargo_bin("ccauth").display(),
    );
    let sysroot = w.sysroot();
    std::fs::remove_file(sysroot.join("proc/self/mountinfo")).unwrap();
    std::fs::create_dir_all(sysroot.join("proc")).unwrap();
    std::fs::remove_dir(sysroot.join("proc/self")).unwrap();
    std::os::unix::fs::symlink("/proc/self", sysroot.join("proc/self")).unwrap();
    let out = std::process::Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c", &script])
        .env_clear()
        .env("HOME", w.home())
        .env("CCAUTH_SYSROOT", &sysroot)
        .current_dir(w.workspace())
        .output()
        .unwrap();
    let report: serde_json::Value = common::parse_output(&out.stdout);
    let finding = |id: &str| common::finding(&report, id).clone();
    let mount = finding("host-credentials-mount");
    assert_eq!(mount["status"], "fail", "{mount}");
    assert!(
        mount["evidence"]["host_mount"]["host_source"]
            .as_str()
            .unwrap()
            .ends_with("Users/ann/.claude"),
        "{mount}"
    );
    let file = finding("config-file");
    assert_eq!(file["status"], "fail", "{file}");
    assert!(file["cause"].as_str().unwrap().contains("EBUSY"), "{file}");
    assert!(Path::new("/proc/self/mountinfo").exists());
}

mod compose {
    use super::*;

    fn with_compose(w: &World, compose: &str) {
        w.workspace_file(
            ".devcontainer/devcontainer.json",
            r#"{"dockerComposeFile": ["../docker-compose.yml"], "service": "app"}"#,
        );
        w.workspace_file("docker-compose.yml", compose);
    }

    #[test]
    fn an_interpolated_variable_the_host_lacked_warns() {
        let w = World::new()
            .with_env("ANTHROPIC_API_KEY", API_KEY)
            .with_env("CLAUDE_CONFIG_DIR", "");
        with_compose(
            &w,
            "services:\n  app:\n    environment:\n      CLAUDE_CONFIG_DIR: ${CFG_DIR}\n",
        );
        let f = w.check("devcontainer-env");
        assert_eq!(f.status, Status::Warn);
        assert!(f.cause.contains("from the host's CFG_DIR"), "{}", f.cause);
    }

    #[test]
    fn a_passthrough_that_arrived_passes() {
        let w = World::new().with_env("ANTHROPIC_API_KEY", API_KEY);
        with_compose(
            &w,
            "services:\n  app:\n    environment:\n      - ANTHROPIC_API_KEY\n",
        );
        assert_eq!(w.check("devcontainer-env").status, Status::Pass);
    }

    #[test]
    fn compose_env_files_are_judged_for_git_and_missing_ones_reported() {
        let w = World::new()
            .with_env("PATH", &common::git_path())
            .git_init();
        with_compose(
            &w,
            "services:\n  app:\n    env_file:\n      - secrets.env\n      - gone.env\n",
        );
        w.workspace_file("secrets.env", &format!("ANTHROPIC_API_KEY={API_KEY}\n"));
        let f = w.check("env-file-ignored");
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.cause
                .contains("secrets.env (sets ANTHROPIC_API_KEY) is not git-ignored"),
            "{}",
            f.cause
        );
        let f = w.check("devcontainer-env");
        assert!(
            f.cause.contains("gone.env, which does not exist"),
            "{}",
            f.cause
        );
    }

    #[test]
    fn a_broken_compose_file_is_a_devcontainer_config_failure() {
        let w = World::new();
        with_compose(&w, "services:\n  app: [\n");
        let f = w.check("devcontainer-config");
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.cause.contains("docker-compose.yml is not valid"),
            "{}",
            f.cause
        );
    }
}
