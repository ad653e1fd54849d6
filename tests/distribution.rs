//! Distribution: the npm packages and their shim, the devcontainer Feature's
//! installer, the GitHub Action, `ccauth report --from`, the one declared
//! home, completions and the man page.
//!
//! The dist/ scripts run here on a local release made in a temporary
//! directory (a stand-in binary, or the debug build, with its SHA256SUMS);
//! .ci/run runs the same scripts on the real static binaries.

mod common;

use common::World;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn target() -> String {
    format!("{}-unknown-linux-musl", std::env::consts::ARCH)
}

fn npm_platform() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "linux-arm64",
        _ => "linux-x64",
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write_executable(path: &Path, content: &[u8]) -> PathBuf {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

/// A release directory as dist/build-binaries leaves it: `ccauth-<target>`
/// for both targets (the same `binary` twice) and their SHA256SUMS.
fn release(dir: &Path, binary: &[u8]) -> PathBuf {
    for target in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
        write_executable(&dir.join(format!("ccauth-{target}")), binary);
    }
    let sums = Command::new("sh")
        .args(["-c", "sha256sum ccauth-*-unknown-linux-musl > SHA256SUMS"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(sums.success());
    dir.to_path_buf()
}

/// Runs one dist/ script on the release in `dist`.
fn dist(script: &str, dist: &Path) -> Output {
    let out = Command::new("bash")
        .arg(repo().join("dist").join(script))
        .env("DIST", dist)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "dist/{script}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// True when node and npm can run; prints why not otherwise.
fn have_npm() -> bool {
    let ok = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: npm is not installed");
    }
    ok
}

// ---- the devcontainer Feature ----

#[test]
fn the_feature_installs_the_binary_and_a_start_hook_that_never_fails() {
    let w = World::new().docker();
    let prefix = w.home().join("root/usr/local");
    let out = Command::new("sh")
        .arg(repo().join("features/src/ccauth/install.sh"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("CCAUTH_PREFIX", &prefix)
        .env("CCAUTH_BINARY", assert_cmd::cargo::cargo_bin("ccauth"))
        .env("RUNDOCTORONSTART", "true")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ccauth "));
    let hook = prefix.join("share/ccauth/post-start.sh");
    let run = Command::new(&hook)
        .env_clear()
        .envs(w.env_pairs())
        .env("CCAUTH_SYSROOT", w.sysroot())
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "the start hook never blocks the container"
    );
    assert!(text(&run.stdout).contains("ccauth doctor"));

    let feature: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("features/src/ccauth/devcontainer-feature.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(feature["id"], "ccauth");
    assert_eq!(feature["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        feature["postStartCommand"],
        "/usr/local/share/ccauth/post-start.sh"
    );
    assert_eq!(feature["options"]["runDoctorOnStart"]["type"], "boolean");
}

#[test]
fn the_start_hook_can_be_turned_off() {
    let w = World::new();
    let prefix = w.home().join("usr");
    Command::new("sh")
        .arg(repo().join("features/src/ccauth/install.sh"))
        .env("CCAUTH_PREFIX", &prefix)
        .env("CCAUTH_BINARY", assert_cmd::cargo::cargo_bin("ccauth"))
        .env("RUNDOCTORONSTART", "false")
        .output()
        .unwrap();
    let run = Command::new(prefix.join("share/ccauth/post-start.sh"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(run.stdout.is_empty());
}

/// The Feature as dist/feature-pack packages it, unpacked.
fn packaged_feature(release: &Path) -> PathBuf {
    dist("feature-pack", release);
    let unpacked = release.join("unpacked-feature");
    std::fs::create_dir_all(&unpacked).unwrap();
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(release.join("devcontainer-feature-ccauth.tgz"))
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(tar.success());
    unpacked
}

/// Runs the packaged installer with only these programs on PATH (as
/// symlinks), the way a minimal image has them.
fn install_with_only(
    feature: &Path,
    programs: &[&str],
    prefix: &Path,
    extra: &[(&str, &Path)],
) -> Output {
    let bin = prefix.with_extension("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for program in programs {
        if let Ok(found) = which::which(program) {
            let _ = std::os::unix::fs::symlink(found, bin.join(program));
        }
    }
    Command::new(bin.join("sh"))
        .arg(feature.join("install.sh"))
        .env_clear()
        .env("PATH", &bin)
        .env("CCAUTH_PREFIX", prefix)
        .envs(extra.iter().map(|(k, v)| (k, v.as_os_str())))
        .output()
        .unwrap()
}

/// What a slim image has, without any downloader.
const BASE_TOOLS: &[&str] = &[
    "sh",
    "cat",
    "cp",
    "mv",
    "mkdir",
    "rm",
    "mktemp",
    "uname",
    "awk",
    "sha256sum",
    "tar",
    "gzip",
    "install",
    "chmod",
    "dirname",
];

#[test]
fn the_packaged_feature_verifies_the_sha256_of_the_release() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = std::fs::read(assert_cmd::cargo::cargo_bin("ccauth")).unwrap();
    let release = release(&tmp.path().join("release"), &binary);
    let feature = packaged_feature(&release);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(feature.join("devcontainer-feature.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        manifest["documentationURL"],
        format!("{}#install", env!("CARGO_PKG_REPOSITORY"))
    );

    let install_into = |name: &str| {
        let prefix = tmp.path().join(name);
        let out = install_with_only(
            &feature,
            BASE_TOOLS,
            &prefix,
            &[("CCAUTH_ARTIFACTS", &release)],
        );
        (prefix, out)
    };
    let (prefix, out) = install_into("good");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!(
        "ccauth-{} {} verified",
        target(),
        env!("CARGO_PKG_VERSION")
    )));
    assert_eq!(std::fs::read(prefix.join("bin/ccauth")).unwrap(), binary);

    // One byte more, and nothing is installed.
    let mut tampered = binary.clone();
    tampered.push(0);
    std::fs::write(release.join(format!("ccauth-{}", target())), &tampered).unwrap();
    let (prefix, out) = install_into("bad");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("SHA-256 mismatch"),
        "{}",
        text(&out.stderr)
    );
    assert!(!prefix.join("bin/ccauth").exists());
}

#[test]
fn without_curl_or_wget_the_feature_fetches_with_npm_and_still_verifies() {
    if !have_npm() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let binary = b"#!/bin/sh\necho 'ccauth 0.0.0-stand-in'\n";
    let release = release(&tmp.path().join("release"), binary);
    dist("npm-pack", &release);
    let feature = packaged_feature(&release);
    // `npm pack <tarball>` is what `npm pack ccauth-linux-x64@VERSION` does
    // once the registry has answered.
    let tarball = release.join(format!(
        "ccauth-{}-{}.tgz",
        npm_platform(),
        env!("CARGO_PKG_VERSION")
    ));
    let mut tools = BASE_TOOLS.to_vec();
    tools.extend(["node", "npm", "env"]);
    let prefix = tmp.path().join("npm");
    let cache = tmp.path().join("npm-cache");
    let out = install_with_only(
        &feature,
        &tools,
        &prefix,
        &[("CCAUTH_NPM_SPEC", &tarball), ("npm_config_cache", &cache)],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("verified"));
    assert_eq!(std::fs::read(prefix.join("bin/ccauth")).unwrap(), binary);

    let out = install_with_only(&feature, BASE_TOOLS, &tmp.path().join("none"), &[]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("needs curl, wget or npm, and none is installed"),
        "{}",
        text(&out.stderr)
    );
}

// ---- npm ----

/// A stand-in for the binary, to see what the shim passes through.
const PROBE: &[u8] = b"#!/bin/sh
case \"$1\" in
  exit) exit \"$2\" ;;
  signal) kill -\"$2\" $$ ;;
  stdin) cat ;;
  *) printf '<%s>\\n' \"$@\"; printf 'to stderr\\n' >&2 ;;
esac
";

/// `npm pack --dry-run --json` of a staged package: its file paths.
fn packed_files(dir: &Path) -> Vec<String> {
    let out = Command::new("npm")
        .args(["pack", "--dry-run", "--json"])
        .arg(dir)
        .env("npm_config_update_notifier", "false")
        .output()
        .unwrap();
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut files: Vec<String> = listing[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    files.sort();
    files
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap()
}

#[test]
fn the_npm_packages_hold_only_the_shim_the_readme_and_the_binary() {
    if !have_npm() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let release = release(tmp.path(), PROBE);
    dist("npm-pack", &release);
    let stage = release.join("npm");
    assert_eq!(
        packed_files(&stage.join("ccauth")),
        ["README.md", "bin/ccauth.js", "package.json"]
    );
    let main = manifest(&stage.join("ccauth"));
    assert_eq!(main["bin"]["ccauth"], "bin/ccauth.js");
    assert!(main.get("scripts").is_none(), "no install script: {main}");
    assert!(main.get("dependencies").is_none());
    for (platform, os, cpu) in [
        ("linux-x64", "linux", "x64"),
        ("linux-arm64", "linux", "arm64"),
    ] {
        let name = format!("ccauth-{platform}");
        assert_eq!(
            main["optionalDependencies"][&name],
            env!("CARGO_PKG_VERSION")
        );
        let dir = stage.join(&name);
        assert_eq!(packed_files(&dir), ["README.md", "ccauth", "package.json"]);
        let package = manifest(&dir);
        assert_eq!(package["os"], serde_json::json!([os]));
        assert_eq!(package["cpu"], serde_json::json!([cpu]));
        assert!(package.get("scripts").is_none());
        assert_eq!(package["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(
            package["repository"]["url"],
            format!("git+{}.git", env!("CARGO_PKG_REPOSITORY"))
        );
    }
}

/// The packages installed from the local tarballs into a throwaway prefix:
/// its `bin/ccauth`, the shim.
fn installed_shim(tmp: &Path) -> PathBuf {
    let release = release(&tmp.join("release"), PROBE);
    dist("npm-pack", &release);
    let version = env!("CARGO_PKG_VERSION");
    let prefix = tmp.join("prefix");
    let out = Command::new("npm")
        .args([
            "install",
            "--global",
            "--offline",
            "--no-audit",
            "--no-fund",
        ])
        .arg("--prefix")
        .arg(&prefix)
        .arg(release.join(format!("ccauth-{}-{version}.tgz", npm_platform())))
        .arg(release.join(format!("ccauth-{version}.tgz")))
        .env("npm_config_cache", tmp.join("npm-cache"))
        .env("npm_config_update_notifier", "false")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    prefix.join("bin/ccauth")
}

fn shim(shim: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(shim);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

#[test]
fn the_shim_passes_arguments_streams_exit_codes_and_signals_through() {
    if !have_npm() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let bin = installed_shim(tmp.path());

    let out = shim(&bin, &["doctor", "two words", ""]).output().unwrap();
    assert_eq!(text(&out.stdout), "<doctor>\n<two words>\n<>\n");
    assert_eq!(text(&out.stderr), "to stderr\n");
    assert_eq!(out.status.code(), Some(0));
    for code in ["1", "2", "101"] {
        let out = shim(&bin, &["exit", code]).output().unwrap();
        assert_eq!(out.status.code(), Some(code.parse().unwrap()));
    }
    use std::os::unix::process::ExitStatusExt;
    let out = shim(&bin, &["signal", "TERM"]).output().unwrap();
    assert_eq!(out.status.signal(), Some(15), "dies of the same signal");

    let mut child = shim(&bin, &["stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"a log\n").unwrap();
    assert_eq!(text(&child.wait_with_output().unwrap().stdout), "a log\n");

    let other = write_executable(&tmp.path().join("other"), b"#!/bin/sh\necho other\n");
    let out = shim(&bin, &[])
        .env("CCAUTH_BINARY", &other)
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout), "other\n");
}

#[test]
fn the_shim_says_clearly_when_no_platform_package_matches() {
    if !have_npm() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pretend = tmp.path().join("s390x.js");
    std::fs::write(
        &pretend,
        "Object.defineProperty(process, 'arch', { value: 's390x' });\n",
    )
    .unwrap();
    let out = Command::new("node")
        .arg("--require")
        .arg(&pretend)
        .arg(repo().join("npm/ccauth/bin/ccauth.js"))
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    let message = text(&out.stderr);
    assert!(
        message.contains("no build for linux s390x")
            && message.contains("glibc or musl")
            && message.contains("CCAUTH_BINARY"),
        "{message}"
    );

    // The right platform, but npm left the optional package out.
    let out = Command::new("node")
        .arg(repo().join("npm/ccauth/bin/ccauth.js"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(text(&out.stderr).contains("--omit=optional"));
}

// ---- the GitHub Action ----

/// Runs `dist/action <step>` as the runner would, with GITHUB_OUTPUT in `runner`.
fn action(step: &str, runner: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let outputs = runner.join("output");
    let _ = std::fs::remove_file(&outputs);
    let out = Command::new("bash")
        .arg(repo().join("dist/action"))
        .arg(step)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GITHUB_OUTPUT", &outputs)
        .env("RUNNER_TEMP", runner)
        .env("RUNNER_TOOL_CACHE", runner.join("tool-cache"))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (out, std::fs::read_to_string(&outputs).unwrap_or_default())
}

fn output_value<'a>(outputs: &'a str, name: &str) -> &'a str {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no output {name} in {outputs}"))
}

#[test]
fn the_action_installs_once_runs_the_doctor_once_and_renders_from_its_json() {
    let w = World::new().docker();
    let tmp = tempfile::tempdir().unwrap();
    // The release binary logs each run, then is ccauth.
    let log = tmp.path().join("runs.log");
    let binary = format!(
        "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
        log.display(),
        assert_cmd::cargo::cargo_bin("ccauth").display()
    );
    let release = release(&tmp.path().join("release"), binary.as_bytes());
    let runner = tmp.path().join("runner");
    std::fs::create_dir_all(&runner).unwrap();
    let (out, located) = action(
        "locate",
        &runner,
        &[("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "X64")],
    );
    assert!(out.status.success());
    assert_eq!(
        output_value(&located, "target"),
        "x86_64-unknown-linux-musl"
    );
    assert_eq!(output_value(&located, "version"), env!("CARGO_PKG_VERSION"));
    let dir = output_value(&located, "dir").to_string();

    let sysroot = w.sysroot().display().to_string();
    let home = w.home().display().to_string();
    let workspace = w.workspace().display().to_string();
    let step = |cold: bool| {
        let _ = std::fs::remove_file(&log);
        let (out, outputs) = action(
            "doctor",
            &runner,
            &[
                ("CCAUTH_DIR", &dir),
                ("CCAUTH_TARGET", "x86_64-unknown-linux-musl"),
                ("CCAUTH_VERSION", env!("CARGO_PKG_VERSION")),
                ("CCAUTH_ARTIFACTS", release.to_str().unwrap()),
                ("CCAUTH_FORMAT", "github"),
                ("CCAUTH_ARGS", &format!("--workspace {workspace}")),
                ("CCAUTH_SYSROOT", &sysroot),
                ("HOME", &home),
            ],
        );
        let stderr = text(&out.stderr);
        assert_eq!(stderr.contains("verified"), cold, "{stderr}");
        (out, outputs, std::fs::read_to_string(&log).unwrap())
    };
    let (out, outputs, runs) = step(true);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report_path = output_value(&outputs, "report");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report_path).unwrap()).unwrap();
    assert_eq!(
        output_value(&outputs, "failed"),
        report["summary"]["fail"].to_string()
    );
    assert_eq!(
        output_value(&outputs, "warned"),
        report["summary"]["warn"].to_string()
    );
    let doctors = runs.lines().filter(|l| l.starts_with("doctor")).count();
    assert_eq!(doctors, 1, "the doctor runs once: {runs}");
    assert!(runs.contains(&format!("report --from {report_path} --format github")));
    assert!(text(&out.stdout).contains("::error title=ccauth credential-missing"));

    // Warm: the cached binary is checked against its SHA256SUMS, not fetched.
    let (out, _, _) = step(false);
    assert_eq!(out.status.code(), Some(1));
    // A cached binary that differs is replaced.
    std::fs::write(Path::new(&dir).join("bin/ccauth"), "#!/bin/sh\nexit 0\n").unwrap();
    step(true);
}

#[test]
fn the_action_says_it_does_not_apply_off_linux() {
    let tmp = tempfile::tempdir().unwrap();
    for (os, arch) in [("macOS", "ARM64"), ("Windows", "X64"), ("Linux", "ARM")] {
        let (out, outputs) = action(
            "locate",
            tmp.path(),
            &[("RUNNER_OS", os), ("RUNNER_ARCH", arch)],
        );
        assert!(out.status.success());
        assert_eq!(output_value(&outputs, "target"), "");
        assert!(text(&out.stdout).contains(&format!(
            "::warning title=ccauth::The ccauth action applies to Linux x64 and arm64 runners only (Claude Code's containers); this runner is {os} {arch}"
        )));
    }
    let (_, outputs) = action(
        "locate",
        tmp.path(),
        &[("RUNNER_OS", "Linux"), ("RUNNER_ARCH", "ARM64")],
    );
    assert_eq!(
        output_value(&outputs, "target"),
        "aarch64-unknown-linux-musl"
    );
}

#[test]
fn the_action_yml_calls_the_tested_steps_with_its_inputs() {
    let action: serde_json::Value = {
        let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
        yaml_to_json(&docs[0])
    };
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["version", "args", "format"] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    for output in ["report", "failed", "warned"] {
        assert_eq!(
            action["outputs"][output]["value"],
            format!("${{{{ steps.doctor.outputs.{output} }}}}")
        );
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert_eq!(
        runs,
        [
            "\"$GITHUB_ACTION_PATH/dist/action\" locate",
            "\"$GITHUB_ACTION_PATH/dist/action\" doctor"
        ],
        "no step compiles or runs anything but the tested script"
    );
    assert!(steps.iter().any(|s| s["uses"] == "actions/cache@v4"));
}

fn yaml_to_json(yaml: &yaml_rust2::Yaml) -> serde_json::Value {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Hash(map) => map
            .iter()
            .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), yaml_to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Yaml::Array(items) => items.iter().map(yaml_to_json).collect(),
        Yaml::String(s) => s.clone().into(),
        Yaml::Boolean(b) => (*b).into(),
        Yaml::Integer(i) => (*i).into(),
        _ => serde_json::Value::Null,
    }
}

#[test]
fn the_action_reads_the_version_and_home_from_cargo_toml_as_cargo_does() {
    for (field, expected) in [
        ("version", env!("CARGO_PKG_VERSION")),
        ("repository", env!("CARGO_PKG_REPOSITORY")),
    ] {
        let out = Command::new("bash")
            .arg(repo().join("dist/action"))
            .args(["package_field", field])
            .output()
            .unwrap();
        assert_eq!(text(&out.stdout).trim(), expected);
    }
}

// ---- ccauth report --from ----

#[test]
fn report_from_renders_every_format_as_the_doctor_that_wrote_it() {
    let w = World::new().docker();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"remoteEnv": {"CLAUDE_CODE_OAUTH_TOKEN": "${localEnv:CLAUDE_CODE_OAUTH_TOKEN}"}}"#,
    );
    let saved = w.home().join("report.json");
    let doctor = w
        .ccauth(&["doctor", "--format", "json", "--output"])
        .arg(&saved)
        .output()
        .unwrap();
    for format in ["human", "json", "github", "markdown", "junit", "sarif"] {
        let direct = w
            .ccauth(&["doctor", "--format", format, "--color", "never"])
            .output()
            .unwrap();
        let again = w
            .ccauth(&["report", "--format", format, "--color", "never", "--from"])
            .arg(&saved)
            .output()
            .unwrap();
        assert_eq!(text(&again.stdout), text(&direct.stdout), "{format}");
        assert_eq!(again.status.code(), doctor.status.code(), "{format}");
    }
    let strict = w
        .ccauth(&["report", "--strict", "--format", "json", "--from"])
        .arg(&saved)
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn report_from_refuses_what_is_not_a_report_it_reads() {
    let w = World::new();
    let cases = [
        (
            "other.json",
            r#"{"schema_version": 3, "checks": []}"#,
            "has schema_version 3, and this ccauth",
        ),
        (
            "none.json",
            r#"{"checks": []}"#,
            "has no numeric schema_version",
        ),
        (
            "broken.json",
            r#"{"schema_version": 2, "checks": [}"#,
            "is not a ccauth doctor JSON report",
        ),
        (
            "short.json",
            r#"{"schema_version": 2}"#,
            "is not a ccauth doctor JSON report: missing field",
        ),
    ];
    for (name, content, expected) in cases {
        let path = w.home_file(name, content);
        let out = w.ccauth(&["report", "--from"]).arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            text(&out.stderr).contains(expected),
            "{name}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    for path in ["/dev/zero", "/nonexistent/report.json"] {
        let out = w.ccauth(&["report", "--from", path]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}");
    }
}

// ---- the one declared home ----

/// Third parties the repository names on purpose.
const THIRD_PARTIES: &[&str] = &[
    "actions/",
    "anthropics/",
    "devcontainers/",
    "rhysd/",
    "biomejs/",
    "rust-lang/",
    "github/codeql-action",
    "oasis-tcs/",
    "jenkinsci/",
    // GitHub's own settings pages (github.com/settings/codespaces), not a repository.
    "settings/",
    // A firewall Feature a corpus world installs (tests/corpus).
    "w3cj/devcontainer-features",
];

/// Every GitHub repository, GHCR package and `uses:` action a text names, as
/// owner/name.
fn addresses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["github.com/", "ghcr.io/", "uses: "] {
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_./".contains(c)))
                .unwrap_or(rest.len());
            let mut segments = rest[..end].split('/');
            if let (Some(owner), Some(name)) = (segments.next(), segments.next())
                && !owner.is_empty()
                && !name.is_empty()
            {
                found.push(format!("{owner}/{}", name.trim_end_matches(".git")));
            }
        }
    }
    found
}

#[test]
fn every_public_address_is_the_declared_home() {
    let home = env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .expect("the home is a GitHub repository");
    assert_eq!(env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY"));
    let listed = Command::new("git")
        .args(["ls-files", "-co", "--exclude-standard"])
        .current_dir(repo())
        .output()
        .unwrap();
    let files = text(&listed.stdout);
    assert!(files.lines().any(|f| f == "README.md"));
    let mut strays = Vec::new();
    for file in files.lines() {
        let Ok(content) = std::fs::read_to_string(repo().join(file)) else {
            continue;
        };
        for address in addresses(&content) {
            let ours = address == home || address.starts_with(&format!("{home}/"));
            let theirs = THIRD_PARTIES.iter().any(|p| address.starts_with(p));
            if !ours && !theirs && !address.contains('$') {
                strays.push(format!("{file}: {address}"));
            }
        }
    }
    assert!(
        strays.is_empty(),
        "addresses that are not the declared home ({home}, Cargo.toml `repository`):\n{}",
        strays.join("\n")
    );
}

#[test]
fn the_address_scanner_finds_every_spelling() {
    // Spelled in pieces, so this file names no address itself.
    let sample = [
        "see https://github",
        ".com/a/b#x, ghcr",
        ".io/c/d/e:0 and\n - uses",
        ": f/g@v1",
    ];
    assert_eq!(addresses(&sample.concat()), ["a/b", "c/d", "f/g"]);
}

// ---- completions and the man page ----

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let w = World::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = w.ccauth(&["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("doctor"), "{shell}");
    }
    let man = w.ccauth(&["man"]).output().unwrap();
    let page = text(&man.stdout);
    assert!(page.contains(".TH ccauth 1") && page.contains("doctor"));
}

#[test]
fn every_page_the_man_page_cites_can_be_generated() {
    let w = World::new();
    let top = w.ccauth(&["man"]).output().unwrap();
    let top = String::from_utf8_lossy(&top.stdout);
    let cited: Vec<&str> = top
        .split("ccauth\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert!(cited.contains(&"doctor") && cited.contains(&"why"), "{top}");
    assert!(!cited.contains(&"help"), "a page nobody generates: {top}");
    for name in cited {
        let out = w.ccauth(&["man", name]).output().unwrap();
        assert!(out.status.success(), "ccauth man {name}");
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(page.contains(&format!(".TH ccauth-{name} 1")), "{page}");
    }
    let doctor = w.ccauth(&["man", "doctor"]).output().unwrap();
    let doctor = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        doctor.contains("\\-\\-only") && doctor.contains("Exit codes"),
        "{doctor}"
    );
    w.ccauth(&["man", "nope"]).assert().code(2);
}

#[test]
fn completions_offer_check_ids() {
    let w = World::new();
    let out = w.ccauth(&["completions", "bash"]).output().unwrap();
    let bash = String::from_utf8_lossy(&out.stdout);
    for flag in ["--only", "--skip", "--allow", "--warn", "--deny"] {
        let case = bash
            .split(&format!("{flag})"))
            .nth(1)
            .unwrap_or_else(|| panic!("no case for {flag}"));
        let case = case.split(";;").next().unwrap();
        assert!(
            case.contains("credential-missing") && case.contains("root-user"),
            "{flag}: {case}"
        );
    }
    let explain = bash
        .split("ccauth__subcmd__explain)")
        .nth(1)
        .expect("explain");
    let explain = explain.split(";;").next().unwrap();
    assert!(explain.contains("onboarding-flag"), "{explain}");
    let out = w.ccauth(&["completions", "zsh"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("credential-missing"));
    // Unknown ids are still the app's usage error, with the list of valid ones.
    w.ccauth(&["doctor", "--only", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown check id 'nope'"));
}
