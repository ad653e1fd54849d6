//! `bypass-permissions` against fixture worlds.

use crate::common::World;
use ccauth::checks::Status;
use ccauth::gather::launcher::Launcher;

const ID: &str = "bypass-permissions";

const BYPASS: &str = r#"{"permissions": {"defaultMode": "bypassPermissions"}}"#;

#[test]
fn bypass_mode_from_settings_meets_the_dialog_unless_user_settings_skip_it() {
    let w = World::new().judged_as_uid(1000);
    w.workspace_file(".claude/settings.json", BYPASS);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Warn);
    assert!(f.cause.contains("Bypass Permissions mode"), "{}", f.cause);
    insta::assert_json_snapshot!(crate::problems(&w, &crate::json_problems(&f)));

    // The project's own settings cannot skip it; the user's can.
    let w = World::new().judged_as_uid(1000);
    w.workspace_file(
        ".claude/settings.json",
        r#"{"permissions": {"defaultMode": "bypassPermissions"}, "skipDangerousModePermissionPrompt": true}"#,
    );
    assert_eq!(w.check(ID).status, Status::Warn);
    w.home_file(
        ".claude/settings.json",
        r#"{"skipDangerousModePermissionPrompt": true}"#,
    );
    assert_eq!(w.check(ID).status, Status::Pass);
}

#[test]
fn as_root_bypass_mode_is_refused_unless_the_client_sees_a_sandbox() {
    let w = World::new().judged_as_uid(0);
    w.home_file(".claude/settings.json", BYPASS);
    let f = w.check(ID);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.problems[0].code, "bypass-permissions/root-refused");
    for (var, value) in [("IS_SANDBOX", "1"), ("CLAUDE_CODE_BUBBLEWRAP", "1")] {
        let w = World::new().judged_as_uid(0).with_env(var, value);
        w.home_file(".claude/settings.json", BYPASS);
        assert_eq!(w.check(ID).status, Status::Warn, "{var}");
    }
}

#[test]
fn no_bypass_setting_or_a_ci_job_has_no_dialog() {
    assert_eq!(World::new().check(ID).status, Status::Skip);
    let w = World::new().judged_as_uid(1000).launched_by(Launcher::Ci);
    w.home_file(".claude/settings.json", BYPASS);
    assert_eq!(w.check(ID).status, Status::Skip);
    // A higher layer that sets another mode wins.
    let w = World::new().judged_as_uid(1000);
    w.home_file(".claude/settings.json", BYPASS);
    w.workspace_file(
        ".claude/settings.local.json",
        r#"{"permissions": {"defaultMode": "default"}}"#,
    );
    assert_eq!(w.check(ID).status, Status::Skip);
}
