//! Distribution: the devcontainer Feature's installer in a throwaway root,
//! completions and the man page from the clap definitions.

mod common;

use common::World;
use std::path::Path;

#[test]
fn the_feature_installs_the_binary_and_a_start_hook_that_never_fails() {
    let w = World::new().docker();
    let prefix = w.home().join("root/usr/local");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("sh")
        .arg(manifest.join("features/src/ccauth/install.sh"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("CCAUTH_PREFIX", &prefix)
        .env("CCAUTH_BINARY", assert_cmd::cargo::cargo_bin("ccauth"))
        .env("RUNDOCTORONSTART", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ccauth "));
    let hook = prefix.join("share/ccauth/post-start.sh");
    let run = std::process::Command::new(&hook)
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
    assert!(String::from_utf8_lossy(&run.stdout).contains("ccauth doctor"));

    let feature: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(manifest.join("features/src/ccauth/devcontainer-feature.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(feature["id"], "ccauth");
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
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::process::Command::new("sh")
        .arg(manifest.join("features/src/ccauth/install.sh"))
        .env("CCAUTH_PREFIX", &prefix)
        .env("CCAUTH_BINARY", assert_cmd::cargo::cargo_bin("ccauth"))
        .env("RUNDOCTORONSTART", "false")
        .output()
        .unwrap();
    let run = std::process::Command::new(prefix.join("share/ccauth/post-start.sh"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(run.stdout.is_empty());
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let w = World::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = w.ccauth(&["completions", shell]).output().unwrap();
        assert!(out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("doctor"),
            "{shell}"
        );
    }
    let man = w.ccauth(&["man"]).output().unwrap();
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(text.contains(".TH ccauth 1") && text.contains("doctor"));
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

#[test]
fn the_action_runs_the_doctor_with_github_annotations() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    assert!(text.contains("using: composite"));
    assert!(text.contains("cargo install --locked --quiet --path \"$GITHUB_ACTION_PATH\""));
    assert!(text.contains("ccauth doctor --format \"$CCAUTH_FORMAT\""));
}
