//! A fixture world for tests: a temporary home, workspace and system root,
//! plus an explicit environment. Nothing of the developer's own machine leaks
//! in: the binary runs with a cleared environment, and library-level tests
//! hand the same environment to `gather` directly.

#![allow(dead_code)]

pub mod client;

use ccauth::checks::{self, Finding, Selection};
use ccauth::gather::{self, Context, GatherInput, env::Env, launcher::Launcher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tempfile::TempDir;

/// A distinctive OAuth token no output may ever contain.
pub const OAUTH_TOKEN: &str =
    "sk-ant-oat01-PLANTEDoauthTOKENvalue0123456789abcdefghijklmnopqrstuvwxyz-AAAA";
/// A distinctive API key no output may ever contain.
pub const API_KEY: &str =
    "sk-ant-api03-PLANTEDapiKEYvalue0123456789abcdefghijklmnopqrstuvwxyzABCDEFG-BBBB";

/// One isolated world.
pub struct World {
    dir: TempDir,
    env: Vec<(String, String)>,
    uid: Option<u32>,
    launcher: Option<Launcher>,
}

impl World {
    /// An empty world: a home, a workspace, and a system root with a passwd
    /// entry for this uid and a mount table with only the root overlay.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let world = World {
            dir,
            env: Vec::new(),
            uid: None,
            launcher: None,
        };
        std::fs::create_dir_all(world.home()).unwrap();
        std::fs::create_dir_all(world.workspace()).unwrap();
        let uid = rustix::process::geteuid().as_raw();
        world.sys_file(
            "etc/passwd",
            &format!(
                "tester:x:{uid}:{uid}:Tester:{}:/bin/sh\n",
                world.home().display()
            ),
        );
        world.mountinfo(&[]);
        let home = world.home().display().to_string();
        world.with_env("HOME", &home)
    }

    /// The fake `$HOME`.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The workspace directory.
    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("workspace")
    }

    /// The fake system root.
    pub fn sysroot(&self) -> PathBuf {
        self.dir.path().join("sysroot")
    }

    /// A temp dir of the world's own, for the real client's `TMPDIR`: it
    /// writes `claude-<uid>/…` and `cc-socks/` there, which would otherwise
    /// outlive the test in `/tmp`.
    pub fn tmpdir(&self) -> PathBuf {
        let tmp = self.dir.path().join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        tmp
    }

    /// Sets an environment variable of the world.
    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// Judges the world as this uid instead of the test process's own
    /// (library-level checks only; the binary always uses its real uid).
    pub fn judged_as_uid(mut self, uid: u32) -> Self {
        self.uid = Some(uid);
        self
    }

    /// Says who starts `claude`, as `--launcher` does (library-level checks
    /// only; for the binary pass `--launcher`).
    pub fn launched_by(mut self, launcher: Launcher) -> Self {
        self.launcher = Some(launcher);
        self
    }

    /// A native `claude` of this version first on PATH (a symlink into
    /// `~/.local/share/claude/versions/`, as the installer makes it).
    pub fn with_native_claude(self, version: &str) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let target = self.home_file(
            &format!(".local/share/claude/versions/{version}"),
            "#!/bin/sh\n",
        );
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = self.home().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(&target, bin.join("claude")).unwrap();
        let path = bin.display().to_string();
        self.with_env("PATH", &path)
    }

    /// Removes an environment variable of the world.
    pub fn without_env(mut self, name: &str) -> Self {
        self.env.retain(|(k, _)| k != name);
        self
    }

    /// Writes a file under the world's directory, creating parents.
    pub fn file(&self, path: &Path, content: &str) -> PathBuf {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        path.to_path_buf()
    }

    /// Writes a file under the home.
    pub fn home_file(&self, rel: &str, content: &str) -> PathBuf {
        self.file(&self.home().join(rel), content)
    }

    /// Writes a file under the workspace.
    pub fn workspace_file(&self, rel: &str, content: &str) -> PathBuf {
        self.file(&self.workspace().join(rel), content)
    }

    /// Writes a file under the system root.
    pub fn sys_file(&self, rel: &str, content: &str) -> PathBuf {
        self.file(&self.sysroot().join(rel), content)
    }

    /// Marks the world as a Docker container.
    pub fn docker(self) -> Self {
        self.sys_file(".dockerenv", "");
        self
    }

    /// Replaces the mount table: the root overlay plus these
    /// `(root, mount point, fstype, source)` mounts.
    pub fn mountinfo(&self, mounts: &[(&str, &Path, &str, &str)]) {
        let mut text = String::from("1 0 0:31 / / rw,relatime - overlay overlay rw,lowerdir=/l\n");
        for (i, (root, point, fstype, source)) in mounts.iter().enumerate() {
            let point = point.display().to_string().replace(' ', "\\040");
            text.push_str(&format!(
                "{} 1 8:1 {root} {point} rw,relatime - {fstype} {source} rw\n",
                i + 2
            ));
        }
        self.sys_file("proc/self/mountinfo", &text);
    }

    /// Replaces the mount table with the root overlay and these lines, written
    /// as a container shows them (`id parent major:minor root mount-point
    /// options - fstype source super-options`, proc(5)).
    pub fn real_mountinfo(&self, lines: &[String]) {
        let mut text = String::from("1 0 0:31 / / rw,relatime - overlay overlay rw,lowerdir=/l\n");
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        self.sys_file("proc/self/mountinfo", &text);
    }

    /// Mounts a Mac's `~/.claude` over this home's `.claude`, the way Docker
    /// Desktop shares it (virtiofs): the field report's third failure.
    pub fn mount_mac_claude_dir(&self) {
        self.mount_claude_dir("/Users/ann/.claude", "virtiofs", "virtiofs");
    }

    /// Makes this home's `.claude` the only mount besides `/`, with this
    /// mount root, filesystem type and source.
    pub fn mount_claude_dir(&self, root: &str, fstype: &str, source: &str) {
        self.mountinfo(&[(root, &self.home().join(".claude"), fstype, source)]);
    }

    /// Runs `git init` in the workspace.
    pub fn git_init(self) -> Self {
        self.git(&["init", "-q"]);
        self
    }

    /// Runs git in the workspace.
    pub fn git(&self, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(args)
            .current_dir(self.workspace())
            .env_clear()
            .env("HOME", self.home())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// The world's environment variables, as pairs.
    pub fn env_pairs(&self) -> Vec<(String, String)> {
        self.env.clone()
    }

    /// The environment the world hands to ccauth.
    pub fn env(&self) -> Env {
        self.env.iter().cloned().collect()
    }

    /// Gathers the world into a Context.
    pub fn context(&self) -> Context {
        gather::gather(GatherInput {
            env: self.env(),
            cwd: self.workspace(),
            workspace: None,
            sysroot: self.sysroot(),
            now: SystemTime::now(),
            uid: self.uid,
            launcher: self.launcher,
        })
    }

    /// Runs one check on the world.
    pub fn check(&self, id: &str) -> Finding {
        let ctx = self.context();
        let selection = Selection {
            only: vec![id.to_string()],
            skip: Vec::new(),
        };
        checks::run_all(&ctx, None, &selection)
            .into_iter()
            .find(|r| r.id == id)
            .expect("registered check")
            .finding
    }

    /// The ids of the checks that fail when every check runs on the world:
    /// one cause should fail once.
    pub fn failing(&self) -> Vec<String> {
        let ctx = self.context();
        let every = Selection {
            only: Vec::new(),
            skip: Vec::new(),
        };
        checks::run_all(&ctx, None, &every)
            .into_iter()
            .filter(|r| r.finding.status == ccauth::checks::Status::Fail)
            .map(|r| r.id.to_string())
            .collect()
    }

    /// The built binary, in the workspace, with only the world's environment.
    pub fn ccauth(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("ccauth").expect("binary built");
        cmd.env_clear()
            .envs(self.env.iter().cloned())
            .env("CCAUTH_SYSROOT", self.sysroot())
            .current_dir(self.workspace())
            .args(args);
        cmd
    }

    /// The built binary run as uid/gid 1000 through `setpriv`, from `cwd`, with
    /// only the world's environment: a real unprivileged process, for what a
    /// uid override cannot show. `None` when `setpriv` is not installed.
    pub fn ccauth_as_uid_1000(&self, args: &[&str], cwd: &Path) -> Option<std::process::Output> {
        let out = std::process::Command::new("setpriv")
            .args(["--reuid=1000", "--regid=1000", "--clear-groups"])
            .arg(assert_cmd::cargo::cargo_bin("ccauth"))
            .args(args)
            .env_clear()
            .envs(self.env.iter().cloned())
            .env("CCAUTH_SYSROOT", self.sysroot())
            .current_dir(cwd)
            .output();
        if out.is_err() {
            eprintln!("skipped: setpriv is not installed");
        }
        out.ok()
    }

    /// Adds a LISTEN socket on 127.0.0.1:`port` to the world's
    /// `/proc/net/tcp`, as the kernel prints it (address in host byte order).
    pub fn listening(&self, port: u16, inode: u64, uid: u32) {
        let path = self.sysroot().join("proc/net/tcp");
        let mut table = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n".into()
        });
        let address = u32::from_ne_bytes([127, 0, 0, 1]);
        table.push_str(&format!(
            "   0: {address:08X}:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000 {uid:>5}        0 {inode} 1 0000000000000000 100 0 0 10 0\n"
        ));
        self.file(&path, &table);
    }

    /// Adds a process to the world's `/proc` that holds socket `inode` as fd
    /// 9, with this `comm` and `exe` (both as the kernel shows them).
    pub fn process_with_socket(&self, pid: u32, inode: u64, comm: &str, exe: &str) {
        let dir = self.sysroot().join(format!("proc/{pid}"));
        self.file(&dir.join("comm"), &format!("{comm}\n"));
        self.file(&dir.join("cmdline"), &format!("{exe}\0auth\0login\0"));
        std::fs::create_dir_all(dir.join("fd")).unwrap();
        std::os::unix::fs::symlink(format!("socket:[{inode}]"), dir.join("fd/9")).unwrap();
        std::os::unix::fs::symlink(exe, dir.join("exe")).unwrap();
    }

    /// Runs `sh -c <script>` in a private mount namespace (`unshare -m`), in
    /// the workspace, with only the world's environment: for mounts only
    /// that run sees. The built binary is the script's `$1`.
    pub fn in_mount_namespace(&self, script: &str) -> std::process::Output {
        std::process::Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", script, "sh"])
            .arg(assert_cmd::cargo::cargo_bin("ccauth"))
            .env_clear()
            .envs(self.env.iter().cloned())
            .env("CCAUTH_SYSROOT", self.sysroot())
            .current_dir(self.workspace())
            .output()
            .expect("unshare runs")
    }

    /// Installs a fake npm package of the client at this version under
    /// `~/npm`, and returns its executable `bin/claude.exe`.
    pub fn npm_claude(&self, version: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let pkg = self
            .home()
            .join("npm/lib/node_modules/@anthropic-ai/claude-code");
        self.file(
            &pkg.join("package.json"),
            &format!(r#"{{"name": "@anthropic-ai/claude-code", "version": "{version}"}}"#),
        );
        let exe = self.file(&pkg.join("bin/claude.exe"), "#!/bin/sh\n");
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        exe
    }
}

/// Parses a `--format json` output of `doctor`, `status` or `why` and validates it
/// against the published schema (`schema/*.schema.json`), so every JSON the
/// suite sees is held to the contract.
pub fn parse_output(stdout: &[u8]) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(stdout)));
    let schema = if value.get("checks").is_some() {
        "report"
    } else if value.get("matches").is_some() {
        "why"
    } else {
        "status"
    };
    validate(&value, schema);
    value
}

/// Validates a value against `schema/<name>.schema.json`.
pub fn validate(value: &serde_json::Value, name: &str) {
    validate_against(value, &format!("schema/{name}.schema.json"), name);
}

/// Validates a `--format sarif` output against the official SARIF 2.1.0
/// schema (OASIS, vendored in tests/fixtures, see its README) and returns it.
pub fn parse_sarif(stdout: &[u8]) -> serde_json::Value {
    let value: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(stdout)));
    validate_against(&value, "tests/fixtures/sarif-schema-2.1.0.json", "SARIF");
    value
}

/// Validates a value against the JSON schema at `path` (from the crate root).
fn validate_against(value: &serde_json::Value, path: &str, name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} schema violations:\n{}",
        errors.join("\n")
    );
}

/// Now, in Unix milliseconds, as `.credentials.json` writes times.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A `.credentials.json` holding a `/login` credential.
pub fn login_json(access: &str, refresh: &str, expires_at_ms: i64, scopes: &[&str]) -> String {
    serde_json::json!({"claudeAiOauth": {"accessToken": access, "refreshToken": refresh,
        "expiresAt": expires_at_ms, "scopes": scopes, "subscriptionType": "max"}})
    .to_string()
}

/// True when this machine lets the tests create a namespace with
/// `unshare <flag>` (`-m` mounts, `-n` network); prints why not otherwise.
pub fn can_unshare(flag: &str) -> bool {
    let probe = std::process::Command::new("unshare")
        .args([flag, "true"])
        .output();
    let ok = probe.as_ref().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: this machine cannot create a namespace with unshare {flag}");
    }
    ok
}

/// The directory holding the real `git`, for a PATH that finds it.
pub fn git_path() -> String {
    std::env::var("PATH").unwrap_or_default()
}

/// The finding with this id in a `doctor --format json` report.
pub fn finding<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no finding {id} in {report}"))
}

impl World {
    /// The problems `doctor --only <id> --format json` reports for one
    /// check, as the JSON contract carries them (codes, places).
    pub fn problems(&self, id: &str) -> Vec<serde_json::Value> {
        let out = self
            .ccauth(&["doctor", "--only", id, "--format", "json"])
            .output()
            .unwrap();
        let report = parse_output(&out.stdout);
        finding(&report, id)["problems"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// The codes of reported problems, in report order.
pub fn codes(problems: &[serde_json::Value]) -> Vec<&str> {
    problems
        .iter()
        .map(|p| p["code"].as_str().unwrap_or_default())
        .collect()
}

/// The places of the problem with this code, as (file, key) pairs, from
/// the finding itself.
pub fn places_of(finding: &Finding, code: &str) -> Vec<(String, String)> {
    let problem = finding
        .problems
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("no problem {code} in {:?}", finding.problems));
    problem
        .places
        .iter()
        .map(|p| {
            (
                p.file.display().to_string(),
                p.key.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Asserts that `place` is line `line` of a file whose path ends with `file`.
pub fn assert_place(place: &serde_json::Value, file: &str, line: Option<u64>) {
    let path = place["file"].as_str().unwrap_or_default();
    assert!(path.ends_with(file), "{place} is not in {file}");
    assert_eq!(place["line"].as_u64(), line, "{place}");
}
