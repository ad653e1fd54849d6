//! Reports built by hand for the renderers' unit tests: problems with
//! places, which the checks do not all give yet, and severity overrides.

use crate::checks::{CheckResult, Finding, Overrides, Place, Problem, find};
use crate::report::{Report, Runtime};
use std::path::{Path, PathBuf};

/// The workspace root: a space in it, so paths and URIs must encode it.
pub(crate) const WORKSPACE: &str = "/work/my project";

/// A runtime with nothing but the workspace.
pub(crate) fn runtime() -> Runtime {
    Runtime {
        container: None,
        markers: Vec::new(),
        launch: None,
        uid: 1000,
        user: None,
        home_env: None,
        passwd_home: None,
        config_dir: None,
        config_file: None,
        credentials_file: None,
        claude: Vec::new(),
        workspace: PathBuf::from(WORKSPACE),
        os: None,
        kernel: None,
        sign_in: String::new(),
        gates: String::new(),
    }
}

/// The result of a registered check, as the registry makes it.
pub(crate) fn result(id: &str, finding: Finding) -> CheckResult {
    CheckResult::of(find(id).unwrap(), finding)
}

/// Problems at a line and column with a key, in a file with a space in
/// its name, outside the workspace, without a place, and in a check
/// `--deny` raised; a pass and an `--allow`ed check show nothing.
pub(crate) fn report() -> Report {
    let ws = Path::new(WORKSPACE);
    let env_files =
        Finding::from_problems([
            Problem::fail("tracked", "api.env is committed.", "git rm --cached it.")
                .at(Place::line(ws.join(".devcontainer/api.env"), 1, Some(1))
                    .key("ANTHROPIC_API_KEY")),
            Problem::warn("not-ignored", "my keys.env is not ignored.", "Ignore it.")
                .at(Place::file(ws.join(".devcontainer/my keys.env"))),
        ])
        .unwrap();
    let onboarding = Finding::problem(
        Problem::warn(
            "overwritten-by-lifecycle",
            "postCreateCommand overwrites it.",
            "Merge instead.",
        )
        .at(Place::line("/home/u/.claude.json", 3, None)),
    );
    let missing = Finding::problem(Problem::fail("none", "No credential.", "Set one."));
    let denied = result(
        "devcontainer-env",
        Finding::problem(Problem::warn(
            "remote-env-only",
            "remoteEnv only.",
            "Use containerEnv.",
        )),
    );
    let allowed = result(
        "root-user",
        Finding::problem(Problem::warn("root-without-sandbox", "root.", "Do not.")),
    );
    let mut results = vec![
        result("credential-missing", missing),
        result("onboarding-flag", onboarding),
        result(
            "claude-install",
            Finding::pass("claude 2.1.332 is on PATH."),
        ),
        result("env-file-ignored", env_files),
        denied,
        allowed,
    ];
    Overrides {
        warn: Vec::new(),
        allow: vec!["root-user".into()],
        deny: vec!["devcontainer-env".into()],
    }
    .apply(&mut results);
    Report::new(runtime(), results)
}
