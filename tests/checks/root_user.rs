//! `root-user` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;

const ID: &str = "root-user";

#[test]
fn root_warns_unless_sandboxed_and_others_pass() {
    let w = World::new().judged_as_uid(0);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("--dangerously-skip-permissions"));
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));
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

/// The way out is said in the launcher's terms: no devcontainer.json for a
/// bare container, the job's own knobs in CI.
#[test]
fn the_fix_is_worded_for_who_starts_claude() {
    let fix = |w: World| w.judged_as_uid(0).check(ID).fix.unwrap();
    let docker = fix(World::new().docker());
    assert!(docker.contains("docker exec -u node"), "{docker}");
    assert!(docker.contains("docker run -e IS_SANDBOX=1"), "{docker}");
    assert!(!docker.contains("devcontainer.json"), "{docker}");
    let vscode = fix(World::new().docker().with_env("REMOTE_CONTAINERS", "true"));
    assert!(
        vscode.contains("\"remoteUser\": \"node\"") && vscode.contains("Rebuild"),
        "{vscode}"
    );
    let gha = fix(World::new().with_env("GITHUB_ACTIONS", "true"));
    assert!(gha.contains("options: --user node"), "{gha}");
    assert!(gha.contains("env: { IS_SANDBOX: \"1\" }"), "{gha}");
    assert!(
        !gha.contains("rebuild") && !gha.contains("devcontainer.json"),
        "{gha}"
    );
}
