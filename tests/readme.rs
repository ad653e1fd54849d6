//! The README's commands, run, so the README cannot drift from what works.
//!
//! Marker convention:
//! - A fenced block marked `sh` holds commands a user types. Every one is run
//!   here, in README order, in one hermetic world (a home, a project, a
//!   container's system root), one shell per block so variables carry from
//!   line to line. A line ending in a ccauth run may exit 1 (a finding);
//!   every other line must exit 0.
//! - `<!-- not run: REASON -->` on the line before a `sh` block excludes it,
//!   visibly, with the reason; the test prints each exclusion.
//! - Blocks marked `text`, `json`, `markdown`, `xml` are output, not commands.
//!   The `yaml` block that uses the Action and the `jsonc` block that adds the
//!   Feature are checked against action.yml and devcontainer-feature.json.
//!
//! What cannot run here has a stand-in on PATH, each doing what the real
//! program does for that command, and nothing else (anything else fails):
//! - `npx -y ccauth ARGS`: runs the npm package's shim (npm/ccauth/bin/ccauth.js)
//!   with CCAUTH_BINARY set to the built binary; installing the packages from
//!   their tarballs is tests/distribution.rs's and .ci/run's part.
//! - `curl -fsSLO URL…`: serves the release's assets (the built binary as
//!   `ccauth-<target>`, and its SHA256SUMS) for URLs under the declared
//!   home's `releases/download/v<crate version>/`, and fails (exit 22, as
//!   curl does on a 404) for any other URL.
//! - `docker cp FILE NAME:PATH` and `docker exec [-i] [-t] NAME CMD…`: a
//!   container is a directory (its root, with /.dockerenv); `cp` copies into
//!   it, and `exec` runs CMD with that root's /tmp mounted over /tmp in a
//!   private mount namespace, with standard input passed on, and ccauth
//!   pointed at the container's root (CCAUTH_SYSROOT).
//! - `claude -p …`: prints what the real client prints without a credential
//!   ("Not logged in · Please run /login", FAILURE-MODES.md) and exits 1.

mod common;

use common::World;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// One fenced block: its language, its lines, and the exclusion reason, if any.
#[derive(Debug)]
struct Block {
    language: String,
    lines: Vec<String>,
    not_run: Option<String>,
    line_number: usize,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut lines = text.lines().enumerate();
    let mut previous = "";
    while let Some((number, line)) = lines.next() {
        if let Some(language) = line.strip_prefix("```") {
            let body: Vec<String> = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| !l.starts_with("```"))
                .map(String::from)
                .collect();
            let not_run = previous
                .trim()
                .strip_prefix("<!-- not run:")
                .and_then(|r| r.strip_suffix("-->"))
                .map(|r| r.trim().to_string());
            found.push(Block {
                language: language.trim().to_string(),
                lines: body,
                not_run,
                line_number: number + 1,
            });
            previous = "";
        } else if !line.trim().is_empty() {
            previous = line;
        }
    }
    found
}

/// The block's logical lines: comments dropped, `\` continuations joined.
fn commands(block: &Block) -> Vec<String> {
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in &block.lines {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && pending.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(start) => pending.push_str(start),
            None => {
                pending.push_str(line);
                commands.push(std::mem::take(&mut pending));
            }
        }
    }
    commands
}

/// True when the command's last step runs ccauth, so exit 1 is a finding.
fn ends_in_ccauth(command: &str) -> bool {
    let last = command.rsplit(['|', ';', '&']).next().unwrap_or(command);
    last.split_whitespace()
        .any(|word| word.ends_with("ccauth") || word.ends_with("ccauth\""))
}

/// The script one block runs as: each command followed by its exit check.
fn script(block: &Block) -> String {
    let mut script = String::new();
    for command in commands(block) {
        let allowed = if ends_in_ccauth(&command) { 1 } else { 0 };
        let quoted = command.replace('\'', r"'\''");
        script.push_str(&format!(
            "{command}\nrc=$?; if [ $rc -gt {allowed} ]; then echo 'README command failed (exit '$rc'): {quoted}' >&2; exit 90; fi\n"
        ));
    }
    script
}

fn write_executable(path: &Path, content: &str) {
    std::fs::write(path, content).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The stand-ins described in the module documentation, in `dir`.
fn stand_ins(dir: &Path, release: &Path, containers: &Path) {
    let ccauth = assert_cmd::cargo::cargo_bin("ccauth");
    let shim = Path::new(env!("CARGO_MANIFEST_DIR")).join("npm/ccauth/bin/ccauth.js");
    std::os::unix::fs::symlink(&ccauth, dir.join("ccauth")).unwrap();
    write_executable(
        &dir.join("npx"),
        &format!(
            "#!/bin/sh\n[ \"$1\" = -y ] && [ \"$2\" = ccauth ] || {{ echo \"npx stand-in: only npx -y ccauth\" >&2; exit 127; }}\n\
             shift 2\nCCAUTH_BINARY='{}' exec node '{}' \"$@\"\n",
            ccauth.display(),
            shim.display()
        ),
    );
    let releases = format!(
        "{}/releases/download/v{}/",
        env!("CARGO_PKG_REPOSITORY"),
        env!("CARGO_PKG_VERSION")
    );
    write_executable(
        &dir.join("curl"),
        &format!(
            "#!/bin/sh\nfor arg; do\n  case \"$arg\" in\n    -*) ;;\n    '{releases}'*) cp '{}'/\"${{arg#'{releases}'}}\" . || exit 22 ;;\n    *) echo \"curl stand-in: $arg is not a release asset\" >&2; exit 22 ;;\n  esac\ndone\n",
            release.display()
        ),
    );
    write_executable(
        &dir.join("docker"),
        &format!(
            "#!/bin/sh\nroot='{}'\ncase \"$1\" in\n\
             cp) name=${{3%%:*}}; cp \"$2\" \"$root/$name/${{3#*:}}\" ;;\n\
             exec) shift; while case \"$1\" in -*) true;; *) false;; esac; do shift; done\n\
             name=$1; shift\n\
             cd / && CCAUTH_SYSROOT=\"$root/$name\" HOME=\"$root/$name/root\" exec unshare -m --propagation private \\\n\
               sh -c 'mount --bind \"$0\" /tmp && exec \"$@\"' \"$root/$name/tmp\" \"$@\" ;;\n\
             *) echo \"docker stand-in: only cp and exec\" >&2; exit 127 ;;\n\
             esac\n",
            containers.display()
        ),
    );
    write_executable(
        &dir.join("claude"),
        "#!/bin/sh\necho 'Not logged in · Please run /login'\nexit 1\n",
    );
}

#[test]
fn every_shell_block_of_the_readme_runs() {
    if !common::can_unshare("-m") {
        return;
    }
    let w = World::new().docker();
    // `ccauth why < ci.log`: a CI log with the message near its end.
    let mut log: String = (1..=2000)
        .map(|n| format!("2026-12-01T10:00:{:02}Z step {n}: npm ci\n", n % 60))
        .collect();
    log.push_str("Error: Invalid API key · Fix external API key\n");
    w.workspace_file("ci.log", &log);
    // Not under /tmp: the docker stand-in mounts a container's /tmp there.
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let release = tmp.path().join("release");
    std::fs::create_dir_all(&release).unwrap();
    let asset = format!("ccauth-{}-unknown-linux-musl", std::env::consts::ARCH);
    std::fs::copy(assert_cmd::cargo::cargo_bin("ccauth"), release.join(&asset)).unwrap();
    let sums = Command::new("sh")
        .args(["-c", &format!("sha256sum {asset} > SHA256SUMS")])
        .current_dir(&release)
        .status()
        .unwrap();
    assert!(sums.success());
    // The running container the host commands reach, named `app`.
    let containers = tmp.path().join("containers");
    for dir in ["app/tmp", "app/root", "app/etc", "app/proc/self"] {
        std::fs::create_dir_all(containers.join(dir)).unwrap();
    }
    std::fs::write(containers.join("app/.dockerenv"), "").unwrap();
    let bin = tmp.path().join("stand-ins");
    std::fs::create_dir_all(&bin).unwrap();
    stand_ins(&bin, &release, &containers);

    let mut ran = 0;
    for block in blocks(&readme()).iter().filter(|b| b.language == "sh") {
        if let Some(reason) = &block.not_run {
            eprintln!(
                "README line {}: not run ({reason}): {:?}",
                block.line_number,
                commands(block)
            );
            continue;
        }
        let out = Command::new("sh")
            .args(["-c", &script(block)])
            .env_clear()
            .envs(w.env_pairs())
            .env("CCAUTH_SYSROOT", w.sysroot())
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .current_dir(w.workspace())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README block at line {}:\n{}\nstdout:\n{}\nstderr:\n{}",
            block.line_number,
            block.lines.join("\n"),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 4, "the quick start's blocks ran ({ran})");
}

#[test]
fn the_quick_start_opens_with_the_container_one_liners() {
    let text = readme();
    let quick_start = text
        .split("\n## ")
        .find(|s| s.starts_with("Quick start"))
        .expect("a Quick start section");
    let first: Vec<Block> = blocks(quick_start);
    let languages: Vec<&str> = first.iter().map(|b| b.language.as_str()).collect();
    assert_eq!(languages[..4], ["sh", "jsonc", "yaml", "sh"]);
    assert_eq!(commands(&first[0]), ["npx -y ccauth doctor"]);
}

/// Parses the README's `yaml` blocks that use this Action.
fn action_uses(text: &str) -> Vec<serde_json::Value> {
    let home = env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/");
    let mut found = Vec::new();
    for block in blocks(text).iter().filter(|b| b.language == "yaml") {
        let docs = yaml_rust2::YamlLoader::load_from_str(&block.lines.join("\n")).unwrap();
        collect_uses(&docs[0], home, &mut found);
    }
    found
}

fn collect_uses(yaml: &yaml_rust2::Yaml, home: &str, found: &mut Vec<serde_json::Value>) {
    use yaml_rust2::Yaml;
    match yaml {
        Yaml::Array(items) => items.iter().for_each(|i| collect_uses(i, home, found)),
        Yaml::Hash(map) => {
            let uses = map.get(&Yaml::String("uses".into())).and_then(Yaml::as_str);
            if let Some(uses) = uses.filter(|u| u.starts_with(&format!("{home}@"))) {
                let with: Vec<String> = map
                    .get(&Yaml::String("with".into()))
                    .and_then(Yaml::as_hash)
                    .map(|w| {
                        w.keys()
                            .filter_map(Yaml::as_str)
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                let args = map
                    .get(&Yaml::String("with".into()))
                    .and_then(|w| w["args"].as_str())
                    .map(String::from);
                found.push(serde_json::json!({"uses": uses, "with": with, "args": args}));
            }
            map.values().for_each(|v| collect_uses(v, home, found));
        }
        _ => {}
    }
}

#[test]
fn the_readme_action_steps_pin_this_release_and_use_real_inputs() {
    let action =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let action = &yaml_rust2::YamlLoader::load_from_str(&action).unwrap()[0];
    let steps = action_uses(&readme());
    assert!(!steps.is_empty(), "the README shows the Action step");
    let pinned = format!(
        "{}@v{}",
        env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/"),
        env!("CARGO_PKG_VERSION")
    );
    for step in steps {
        assert_eq!(step["uses"], pinned.as_str());
        for input in step["with"].as_array().unwrap() {
            let input = input.as_str().unwrap();
            assert!(!action["inputs"][input].is_badvalue(), "input {input}");
        }
    }
}

/// The preflight the README shows for a CI job, the one tested below.
const CI_EXAMPLE_ARGS: &str = "--strict --allow root-user";

/// A GitHub-hosted runner's job before the step that installs claude: the
/// runner's variables, a checkout, no `/.dockerenv`, an ext4 root, no
/// `~/.claude.json`, and the subscription token from a secret in the step's
/// env. Modelled on anthropics/claude-code-action `action.yml` (commit
/// 103450edd930c700b0f2776f5466ca0d890ba3ee): its "Run Claude Code Action"
/// step maps `CLAUDE_CODE_OAUTH_TOKEN: ${{ inputs.claude_code_oauth_token }}`
/// (a `${{ secrets.CLAUDE_CODE_OAUTH_TOKEN }}` in the workflow) into the env
/// of the step that installs claude and runs it headless (`-p`), and on the
/// README's own example. HOME stands in for /home/runner; the binary runs
/// with the test's own uid (1001 on a hosted runner), and `root-user` is
/// allowed by the example anyway.
fn github_hosted_job() -> World {
    let w = World::new().git_init();
    w.sys_file(
        "proc/self/mountinfo",
        "1 0 8:1 / / rw,relatime - ext4 /dev/root rw,discard\n",
    );
    let workspace = w.workspace().display().to_string();
    let empty_bin = w.home().join(".local/bin");
    std::fs::create_dir_all(&empty_bin).unwrap();
    let temp = w.home().join("work/_temp");
    std::fs::create_dir_all(&temp).unwrap();
    w.with_env("CI", "true")
        .with_env("GITHUB_ACTIONS", "true")
        .with_env("RUNNER_OS", "Linux")
        .with_env("RUNNER_ARCH", "X64")
        .with_env("RUNNER_ENVIRONMENT", "github-hosted")
        .with_env("RUNNER_TEMP", &temp.display().to_string())
        .with_env("GITHUB_WORKSPACE", &workspace)
        .with_env(
            "GITHUB_STEP_SUMMARY",
            &temp.join("summary.md").display().to_string(),
        )
        .with_env("PATH", &empty_bin.display().to_string())
        .with_env("CLAUDE_CODE_OAUTH_TOKEN", common::OAUTH_TOKEN)
}

#[test]
fn the_readme_ci_preflight_passes_a_correctly_configured_github_job() {
    let shown: Vec<String> = action_uses(&readme())
        .iter()
        .filter_map(|step| step["args"].as_str().map(String::from))
        .collect();
    assert!(!shown.is_empty(), "the README shows the Action with args");
    for args in &shown {
        assert_eq!(
            args, CI_EXAMPLE_ARGS,
            "the README's CI example is the one tested"
        );
    }
    let w = github_hosted_job();
    let report = w.home().join("work/_temp/ccauth-report.json");
    let report = report.display().to_string();
    let example: Vec<&str> = CI_EXAMPLE_ARGS.split_whitespace().collect();
    // As a step runs it, and as action.yml runs it (dist/action doctor).
    let direct: Vec<&str> = ["doctor"]
        .into_iter()
        .chain(example.iter().copied())
        .collect();
    let action: Vec<&str> = ["doctor", "--format", "json", "--output", &report]
        .into_iter()
        .chain(example.iter().copied())
        .collect();
    for args in [direct, action] {
        let out = w.ccauth(&args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "ccauth {args:?} in a sound GitHub job:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!stdout.contains(common::OAUTH_TOKEN));
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    for id in ["onboarding-flag", "claude-install"] {
        assert_eq!(common::finding(&json, id)["status"], "skip", "{id}");
    }
}

#[test]
fn the_readme_feature_line_names_the_published_feature_and_its_options() {
    let feature: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("features/src/ccauth/devcontainer-feature.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let home = env!("CARGO_PKG_REPOSITORY").trim_start_matches("https://github.com/");
    let major = env!("CARGO_PKG_VERSION").split('.').next().unwrap();
    let reference = format!("ghcr.io/{home}/ccauth:{major}");
    let mut seen = 0;
    for block in blocks(&readme()).iter().filter(|b| b.language == "jsonc") {
        let text = format!("{{{}}}", block.lines.join("\n"));
        let value =
            jsonc_parser::parse_to_serde_value::<serde_json::Value>(&text, &Default::default())
                .unwrap();
        let Some(features) = value.get("features").and_then(|f| f.as_object()) else {
            continue;
        };
        for (name, options) in features {
            assert_eq!(name, &reference);
            for option in options.as_object().unwrap().keys() {
                assert!(feature["options"].get(option).is_some(), "option {option}");
            }
            seen += 1;
        }
    }
    assert!(seen > 0, "the README shows the Feature line");
}

#[test]
fn the_block_reader_sees_exclusions_continuations_and_comments() {
    let sample = "intro\n<!-- not run: needs a browser -->\n\n```sh\nopen \\\n  it\n```\n\n```sh\n# a comment\ntrue\nfalse\n```\n";
    let found = blocks(sample);
    assert_eq!(found[0].not_run.as_deref(), Some("needs a browser"));
    assert_eq!(commands(&found[0]), ["open it"]);
    assert_eq!(found[1].not_run, None);
    assert_eq!(commands(&found[1]), ["true", "false"]);
    assert!(ends_in_ccauth("claude -p hi 2>&1 | ccauth why"));
    assert!(ends_in_ccauth("chmod +x $a && ./ccauth doctor"));
    assert!(!ends_in_ccauth("sha256sum --check SHA256SUMS"));
    // A failing command fails the block even when an earlier one passed.
    let out = Command::new("sh")
        .args(["-c", &script(&found[1])])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(90));
}
