//! The one world builder of the corpus: a container's filesystem under a
//! temp directory that stands for its `/`, and the verdicts a world expects.
//!
//! Every path a world names is the path the container sees (`/home/node`,
//! `/workspace`, `/home/runner/work/app/app`); [`Container::at`] puts it under
//! the temp root, and so do the mount points of the mount table, `HOME`,
//! `PATH` and the passwd home. The temp root is also ccauth's sysroot, so
//! `/etc/passwd`, `/proc/self/mountinfo`, `/.dockerenv` and
//! `/usr/local/bin/init-firewall.sh` sit where they would. Files belong to
//! the image's user, and the binary runs as that uid (through `setpriv`
//! when the test runs as root), as `docker exec -u` or `remoteUser` would.

use crate::common;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A refresh token of the real length.
const REFRESH_TOKEN: &str =
    "sk-ant-ort01-PLANTEDrefreshTOKENvalue0123456789abcdefghijklmnopqrstuvwxyz0123456789-CCCC";

/// A `/login` credential whose access token expires `hours` from now (a
/// negative number: that long ago), as `.credentials.json` holds it.
pub(crate) fn stored_login(hours: i64) -> String {
    common::login_json(
        common::OAUTH_TOKEN,
        REFRESH_TOKEN,
        common::now_ms() + hours * 3_600_000,
        &[
            "user:inference",
            "user:profile",
            "user:sessions:claude_code",
        ],
    )
}

/// A check's verdict, as `doctor --format json` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum V {
    Pass,
    Warn,
    Fail,
    /// Listed only to say why.
    Skip,
}

impl V {
    fn as_str(self) -> &'static str {
        match self {
            V::Pass => "pass",
            V::Warn => "warn",
            V::Fail => "fail",
            V::Skip => "skip",
        }
    }
}

/// One expected verdict: the check, what is right, why, and the issue #16
/// item that made ccauth say it (a failure there is a regression of it).
pub(crate) type Verdict = (&'static str, V, &'static str, Option<&'static str>);

/// The folder trust dialog a person meets on a world's first interactive
/// start (2.1.332 in tmux, tests/interactive.rs).
pub(crate) const TRUST_TO_ASK: Verdict = (
    "workspace-trust",
    V::Warn,
    "interactive claude meets the folder trust dialog: no hasTrustDialogAccepted record for the workspace yet (a person answers it once)",
    Some("#17 workspace-trust"),
);
/// A world whose config already trusts the workspace.
pub(crate) const TRUSTED: Verdict = (
    "workspace-trust",
    V::Pass,
    "the workspace's trust record is in the config: no dialog",
    Some("#17 workspace-trust"),
);
/// A first interactive start: the wizard and its network check, for every
/// credential kind.
pub(crate) const FIRST_RUN: Verdict = (
    "onboarding-flag",
    V::Warn,
    "a first start: interactive claude meets the wizard and its network check for every credential kind (2.1.332 in tmux)",
    Some("#17 onboarding-flag first-run"),
);
/// A config that says onboarding is done.
pub(crate) const ONBOARDED: Verdict = (
    "onboarding-flag",
    V::Pass,
    "hasCompletedOnboarding is set: no wizard",
    Some("#17 onboarding-flag first-run"),
);

/// What a world expects of `ccauth doctor`: the launcher it detects, the
/// exit code, and the verdict of every check that is not skipped (any check
/// not listed must skip).
pub(crate) struct Expect<'a> {
    pub(crate) launcher: &'static str,
    pub(crate) exit: i32,
    pub(crate) exit_item: Option<&'static str>,
    pub(crate) verdicts: &'a [Verdict],
}

/// A container's filesystem and the environment its launcher gives.
pub(crate) struct Container {
    dir: TempDir,
    uid: u32,
    env: Vec<(String, String)>,
    workdir: String,
}

impl Container {
    /// An image whose user `user` has `uid` and `home` (container paths),
    /// with `HOME` set, as `USER` in a Dockerfile and `remoteUser` give it.
    pub(crate) fn image(user: &str, uid: u32, home: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let c = Container {
            dir,
            uid,
            env: Vec::new(),
            workdir: home.to_string(),
        };
        let passwd = format!(
            "root:x:0:0:root:{}:/bin/bash\n{user}:x:{uid}:{uid}::{}:/bin/bash\n",
            c.at("/root").display(),
            c.at(home).display()
        );
        c.root_file("/etc/passwd", &passwd);
        c.dir_of_user(home);
        c.mounts("1 0 0:31 / / rw,relatime - overlay overlay rw\n");
        c.env_path("HOME", home)
            .env_paths("PATH", "/usr/local/bin:/usr/bin:/bin")
    }

    /// The temp path of a container path.
    pub(crate) fn at(&self, path: &str) -> PathBuf {
        self.dir.path().join(path.trim_start_matches('/'))
    }

    /// Sets a variable to a value, as given.
    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Removes a variable.
    pub(crate) fn without(mut self, name: &str) -> Self {
        self.env.retain(|(k, _)| k != name);
        self
    }

    /// Sets a variable to a container path.
    pub(crate) fn env_path(self, name: &str, path: &str) -> Self {
        let value = self.at(path).display().to_string();
        self.env(name, &value)
    }

    /// Sets a variable to a `:`-separated list of container paths.
    pub(crate) fn env_paths(self, name: &str, paths: &str) -> Self {
        let value: Vec<String> = paths
            .split(':')
            .map(|p| self.at(p).display().to_string())
            .collect();
        self.env(name, &value.join(":"))
    }

    /// The directory `ccauth` is started in (the workspace folder), made
    /// and owned by the user.
    pub(crate) fn workdir(mut self, path: &str) -> Self {
        self.dir_of_user(path);
        self.workdir = path.to_string();
        self
    }

    /// Creates a directory (and its parents) owned by the user.
    pub(crate) fn dir_of_user(&self, path: &str) -> PathBuf {
        let dir = self.at(path);
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::chown(&dir, Some(self.uid), Some(self.uid)).unwrap();
        dir
    }

    /// Writes a file owned by the user, mode 0600 as the client writes its
    /// state; its missing parents are the user's too.
    pub(crate) fn file(&self, path: &str, content: &str) -> &Self {
        let full = self.at(path);
        let parent = Path::new(path).parent().unwrap().to_str().unwrap();
        self.dir_of_user(parent);
        std::fs::write(&full, content).unwrap();
        std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::chown(&full, Some(self.uid), Some(self.uid)).unwrap();
        self
    }

    /// Writes a file owned by root, readable by all (image files).
    pub(crate) fn root_file(&self, path: &str, content: &str) -> &Self {
        let full = self.at(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, content).unwrap();
        std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o755)).unwrap();
        self
    }

    /// `/.dockerenv`, which Docker (and Docker Desktop) creates.
    pub(crate) fn dockerenv(self) -> Self {
        self.root_file("/.dockerenv", "");
        self
    }

    /// `/run/.containerenv` and `container=podman`, which Podman creates.
    pub(crate) fn containerenv(self) -> Self {
        self.root_file(
            "/run/.containerenv",
            "engine=\"podman-4.9.3\"\nrootless=1\n",
        );
        self.env("container", "podman")
    }

    /// The mount table, in `/proc/self/mountinfo` lines as the kernel
    /// prints them for the container; each mount point but `/` is moved
    /// under the temp root.
    pub(crate) fn mounts(&self, table: &str) {
        let root = self.dir.path().display().to_string();
        let lines: Vec<String> = table
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                let mut fields: Vec<String> = line.split(' ').map(str::to_string).collect();
                if fields[4] != "/" {
                    fields[4] = format!("{root}{}", fields[4]);
                }
                fields.join(" ")
            })
            .collect();
        self.root_file("/proc/self/mountinfo", &(lines.join("\n") + "\n"));
    }

    /// Installs the client with npm under `prefix` (`npm install -g` with
    /// `NPM_CONFIG_PREFIX`), with its `bin/claude` link, as the images do.
    pub(crate) fn npm_global_claude(&self, prefix: &str, version: &str) {
        let pkg = format!("{prefix}/lib/node_modules/@anthropic-ai/claude-code");
        self.root_file(
            &format!("{pkg}/package.json"),
            &format!(r#"{{"name": "@anthropic-ai/claude-code", "version": "{version}"}}"#),
        );
        self.root_file(&format!("{pkg}/bin/claude.exe"), "#!/bin/sh\n");
        std::fs::create_dir_all(self.at(&format!("{prefix}/bin"))).unwrap();
        std::os::unix::fs::symlink(
            "../lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe",
            self.at(&format!("{prefix}/bin/claude")),
        )
        .unwrap();
    }

    /// Runs `ccauth doctor --format json` with `args` as the image's user,
    /// in the workdir, with only this environment. `None` (said on stderr)
    /// when this test process can neither be nor become that uid.
    pub(crate) fn doctor(&self, args: &[&str]) -> Option<(serde_json::Value, i32)> {
        let me = rustix::process::geteuid().as_raw();
        let binary = assert_cmd::cargo::cargo_bin("ccauth");
        let mut cmd = if me == self.uid {
            std::process::Command::new(&binary)
        } else if me == 0 {
            let Some(setpriv) = on_path("setpriv") else {
                eprintln!(
                    "skipped: uid {} is needed and setpriv is not installed",
                    self.uid
                );
                return None;
            };
            let mut c = std::process::Command::new(setpriv);
            c.arg(format!("--reuid={}", self.uid))
                .arg(format!("--regid={}", self.uid))
                .arg("--clear-groups")
                .arg(&binary);
            c
        } else {
            eprintln!(
                "skipped: uid {} is needed and this test runs as {me}",
                self.uid
            );
            return None;
        };
        let out = cmd
            .args(["doctor", "--format", "json"])
            .args(args)
            .env_clear()
            .envs(self.env.iter().cloned())
            .env("CCAUTH_SYSROOT", self.dir.path())
            .current_dir(self.at(&self.workdir))
            .output()
            .expect("ccauth runs");
        let report = common::parse_output(&out.stdout);
        Some((report, out.status.code().unwrap_or(-1)))
    }

    /// Runs doctor and holds its report to `expect`: the launcher, the exit
    /// code and every check's verdict. All mismatches are listed at once,
    /// each with the item it regresses.
    pub(crate) fn assert_doctor(&self, args: &[&str], expect: &Expect<'_>) {
        let Some((report, code)) = self.doctor(args) else {
            return;
        };
        let mut wrong = Vec::new();
        let launcher = &report["runtime"]["launch"]["launcher"];
        if launcher != expect.launcher {
            wrong.push(format!(
                "launcher is {launcher}, expected {:?}",
                expect.launcher
            ));
        }
        if code != expect.exit {
            wrong.push(format!(
                "doctor exits {code}, expected {}{}",
                expect.exit,
                regresses(expect.exit_item)
            ));
        }
        for check in report["checks"].as_array().expect("checks") {
            let id = check["id"].as_str().unwrap_or_default();
            let status = check["status"].as_str().unwrap_or_default();
            let expected = expect.verdicts.iter().find(|v| v.0 == id);
            let (want, why, item) = expected.map_or(("skip", "not judged here", None), |v| {
                (v.1.as_str(), v.2, v.3)
            });
            if status != want {
                wrong.push(format!(
                    "{id} is {status} ({}), expected {want}: {why}{}",
                    check["cause"].as_str().unwrap_or_default(),
                    regresses(item)
                ));
            }
        }
        for (id, ..) in expect.verdicts {
            assert!(
                report["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["id"] == *id),
                "{id} is not a check"
            );
        }
        assert!(wrong.is_empty(), "\n{}\n", wrong.join("\n"));
    }
}

/// `program` in this test process's PATH (the child's PATH is the world's).
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

fn regresses(item: Option<&str>) -> String {
    item.map(|i| format!(" [a regression of {i}]"))
        .unwrap_or_default()
}
