//! Promise: "A repository never runs code as the user" (issue 14).
//!
//! Every way a repository can make `git` run a program of its choosing
//! (git-config(1): `core.fsmonitor`, `core.hooksPath`, `filter.<driver>.clean`,
//! `diff.external`, `include.path`, `credential.helper`, `core.sshCommand`), a
//! `git` or `claude` shipped on a relative PATH entry, and a repository owned by
//! another user (git's "dubious ownership", CVE-2022-24765). Each case plants a
//! program that leaves a marker file if anything starts it, puts a `git` first
//! on PATH that records every call, runs `doctor` (human, JSON, `--fix
//! --dry-run`) and `status`, and asserts that neither marker nor record
//! appears, while the env file is still judged. The tests run as root here,
//! as the report did. Two more cases hold the old pipe deadlock
//! (many long paths) to a time bound: 13 cases in all.

use crate::common::{API_KEY, World, git_path};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ID: &str = "env-file-ignored";

/// Long enough for any case on a loaded 2-core machine; the old code never finished.
const TIME_BOUND: Duration = Duration::from_secs(30);

/// A repository with a key-carrying, unignored env file, a marker any of its
/// programs would create, and a recording `git` first on PATH.
struct Hostile {
    world: World,
    marker: PathBuf,
    git_calls: PathBuf,
}

impl Hostile {
    fn new() -> Self {
        let world = World::new().with_env("PATH", &git_path()).git_init();
        world.workspace_file(
            ".devcontainer/api.env",
            &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
        );
        let marker = world.home().join("a-repository-program-ran");
        let git_calls = world.home().join("git-calls");
        let real_git = which::which("git").expect("git is installed");
        let spy = world.home().join("spy-bin/git");
        executable(
            &world,
            &spy,
            &format!(
                "#!/bin/sh\necho \"$@\" >> '{}'\nexec '{}' \"$@\"\n",
                git_calls.display(),
                real_git.display()
            ),
        );
        let path = format!("{}:{}", spy.parent().unwrap().display(), git_path());
        Hostile {
            world: world.with_env("PATH", &path),
            marker,
            git_calls,
        }
    }

    /// An executable that records that it ran, at `path`.
    fn program_at(&self, path: &Path) -> String {
        let script = format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\n", self.marker.display());
        executable(&self.world, path, &script);
        path.display().to_string()
    }

    /// An executable that records that it ran, outside the workspace.
    fn program(&self, name: &str) -> String {
        self.program_at(&self.world.home().join("evil").join(name))
    }

    /// Appends to the repository's own `.git/config`.
    fn git_config(&self, text: &str) {
        let path = self.world.workspace().join(".git/config");
        let mut config = std::fs::read_to_string(&path).unwrap();
        config.push_str(text);
        std::fs::write(path, config).unwrap();
    }

    /// Runs every command, asserts that nothing ran, and returns the
    /// `env-file-ignored` finding of the JSON report.
    fn assert_nothing_runs(&self) -> serde_json::Value {
        let mut report = None;
        for args in [
            &["doctor", "--format", "json"][..],
            &["doctor"],
            &["doctor", "--fix", "--dry-run"],
            &["status"],
        ] {
            let out = bounded(self.world.ccauth(args));
            if args.contains(&"json") {
                report = Some(crate::common::parse_output(&out.stdout));
            }
        }
        let ran = std::fs::read_to_string(&self.marker).unwrap_or_default();
        assert!(ran.is_empty(), "a repository program ran: {ran}");
        let calls = std::fs::read_to_string(&self.git_calls).unwrap_or_default();
        assert!(calls.is_empty(), "git was started: {calls}");
        crate::common::finding(&report.unwrap(), ID).clone()
    }
}

fn executable(w: &World, path: &Path, script: &str) {
    w.file(path, script);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs the binary, failing the test instead of hanging when it does not
/// finish within [`TIME_BOUND`].
fn bounded(mut cmd: assert_cmd::Command) -> std::process::Output {
    let started = Instant::now();
    let out = cmd.timeout(TIME_BOUND).output().unwrap();
    assert!(
        out.status.code().is_some(),
        "ccauth did not finish within {TIME_BOUND:?} (killed after {:?})",
        started.elapsed()
    );
    out
}

/// The env file was still judged, by the rules and the index.
fn assert_judged_unignored_untracked(finding: &serde_json::Value) {
    let git = &finding["evidence"]["env_files"][0]["git"];
    assert_eq!(finding["status"], "fail", "{finding}");
    assert_eq!(git["ignored"], false, "{git}");
    assert_eq!(git["tracked"], false, "{git}");
}

#[test]
fn fsmonitor_in_git_config_never_runs() {
    let h = Hostile::new();
    h.git_config(&format!(
        "[core]\n\tfsmonitor = {}\n",
        h.program("fsmonitor")
    ));
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn hooks_path_never_runs() {
    let h = Hostile::new();
    let hooks = h.world.home().join("evil-hooks");
    for hook in [
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "fsmonitor-watchman",
        "pre-auto-gc",
    ] {
        h.program_at(&hooks.join(hook));
    }
    h.git_config(&format!("[core]\n\thooksPath = {}\n", hooks.display()));
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn clean_filter_of_gitattributes_never_runs() {
    let h = Hostile::new();
    h.world
        .workspace_file(".gitattributes", "*.env filter=evil diff=evil\n");
    let program = h.program("filter");
    h.git_config(&format!(
        "[filter \"evil\"]\n\tclean = {program}\n\tsmudge = {program}\n\tprocess = {program}\n\
         [diff \"evil\"]\n\ttextconv = {program}\n"
    ));
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn diff_external_never_runs() {
    let h = Hostile::new();
    h.git_config(&format!("[diff]\n\texternal = {}\n", h.program("diff")));
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn include_path_to_a_file_setting_fsmonitor_never_runs() {
    let h = Hostile::new();
    let program = h.program("fsmonitor");
    h.world.workspace_file(
        "tools/evil.gitconfig",
        &format!("[core]\n\tfsmonitor = {program}\n"),
    );
    h.git_config("[include]\n\tpath = ../tools/evil.gitconfig\n");
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn credential_helper_never_runs() {
    let h = Hostile::new();
    h.git_config(&format!(
        "[credential]\n\thelper = !{}\n[remote \"origin\"]\n\turl = https://example.invalid/r.git\n",
        h.program("credential")
    ));
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn ssh_command_never_runs() {
    let h = Hostile::new();
    h.git_config(&format!(
        "[core]\n\tsshCommand = {}\n[remote \"origin\"]\n\turl = ssh://example.invalid/r.git\n",
        h.program("ssh")
    ));
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

/// PATH=node_modules/.bin:… was resolved against the repository root, so the
/// workspace's own `git` ran (issue 14).
#[test]
fn git_in_a_relative_path_entry_never_runs() {
    let h = Hostile::new();
    h.program_at(&h.world.workspace().join("node_modules/.bin/git"));
    let h = Hostile {
        world: h
            .world
            .with_env("PATH", &format!("node_modules/.bin:{}", git_path())),
        ..h
    };
    assert_judged_unignored_untracked(&h.assert_nothing_runs());
}

#[test]
fn claude_in_a_relative_path_entry_is_not_the_install() {
    let h = Hostile::new();
    let planted = h.program_at(&h.world.workspace().join("node_modules/.bin/claude"));
    let w = h.world.with_env("PATH", "node_modules/.bin:/usr/bin:/bin");
    let out = bounded(w.ccauth(&["doctor", "--format", "json"]));
    let report = crate::common::parse_output(&out.stdout);
    let finding = crate::common::finding(&report, "claude-install");
    let installs = finding["evidence"]["installs"].to_string();
    assert!(
        !installs.contains("node_modules"),
        "{planted} reported: {finding}"
    );
    assert_eq!(
        finding["evidence"]["relative_path_entries_ignored"][0], "node_modules/.bin",
        "{finding}"
    );
    assert!(!h.marker.exists());
}

/// As root, a repository owned by uid 1000: git refuses it ("detected dubious
/// ownership"), so ccauth must not bypass that with `safe.directory=*`; it
/// judges the rules itself and says what git will say.
#[test]
fn foreign_owned_repository_is_reported_not_bypassed() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: only root can give the repository to another uid");
        return;
    }
    let h = Hostile::new();
    h.git_config(&format!(
        "[core]\n\tfsmonitor = {}\n",
        h.program("fsmonitor")
    ));
    let workspace = h.world.workspace();
    let status = std::process::Command::new("chown")
        .args(["-R", "1000:1000"])
        .arg(&workspace)
        .status()
        .unwrap();
    assert!(status.success());
    let finding = h.assert_nothing_runs();
    let ownership = &finding["evidence"]["repository_ownership"];
    assert_eq!(ownership["owner_uid"], 1000, "{finding}");
    assert_eq!(
        ownership["safe_directory_command"],
        format!(
            "git config --global --add safe.directory {}",
            workspace.display()
        )
    );
    let cause = finding["cause"].as_str().unwrap();
    assert!(
        cause.contains("detected dubious ownership") && cause.contains("without running git"),
        "{cause}"
    );
    assert_eq!(finding["evidence"]["env_files"][0]["git"]["ignored"], false);
}

/// The same rule for any user: judged as a uid that does not own the repository.
#[test]
fn foreign_owner_is_judged_for_the_uid_that_runs_ccauth() {
    let w = World::new().git_init();
    w.workspace_file(
        ".devcontainer/api.env",
        &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
    );
    w.workspace_file(".gitignore", "*.env\n");
    let owner = std::fs::metadata(w.workspace()).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    let w = w.judged_as_uid(owner.unwrap() + 4242);
    let f = w.check(ID);
    assert_eq!(f.status, ccauth::checks::Status::Warn, "{}", f.cause);
    assert!(
        f.cause.contains("is git-ignored") || f.cause.contains("git-ignored and not tracked"),
        "{}",
        f.cause
    );
    assert!(
        f.fix
            .unwrap()
            .contains("git config --global --add safe.directory")
    );
}

/// Deep directories of long names, each named by `--env-file`.
fn long_env_paths(w: &World, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let dirs: Vec<String> = (0..14)
                .map(|d| format!("{i:02}{d:02}{}", "d".repeat(240)))
                .collect();
            let path = format!("{}/claude-{i}.env", dirs.join("/"));
            w.workspace_file(&path, "SOMETHING=1\n");
            path
        })
        .collect()
}

/// 40 env files of 3.4 KB paths filled both pipes of `git check-ignore --stdin`
/// and hung ccauth forever (issue 14).
#[test]
fn forty_env_files_with_long_paths_finish() {
    let h = Hostile::new();
    let args: Vec<String> = long_env_paths(&h.world, 40)
        .iter()
        .map(|p| format!("\"--env-file\", \"{p}\""))
        .collect();
    h.world.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!("{{\"runArgs\": [{}]}}", args.join(", ")),
    );
    let finding = h.assert_nothing_runs();
    assert_eq!(
        finding["evidence"]["env_files"].as_array().unwrap().len(),
        41
    );
}

/// 20,000 env files under `.devcontainer/`, each setting a key.
#[test]
#[ignore = "slow: writes 20,000 files and runs every command on them"]
fn twenty_thousand_env_files_finish() {
    let h = Hostile::new();
    for i in 0..20_000 {
        h.world.workspace_file(
            &format!(".devcontainer/many/k{i:05}.env"),
            &format!("ANTHROPIC_API_KEY={API_KEY}\n"),
        );
    }
    let started = Instant::now();
    let finding = h.assert_nothing_runs();
    eprintln!("4 commands on 20,001 env files: {:?}", started.elapsed());
    // Directory listings are bounded (1,000 entries of `many/`, plus the
    // file outside it), so the answer stays bounded too.
    assert_eq!(
        finding["evidence"]["env_files"].as_array().unwrap().len(),
        1_001
    );
}
