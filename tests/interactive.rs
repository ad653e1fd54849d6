//! The first gate interactive `claude` shows, world by world: the real client
//! (`tests/common/client.rs`) driven in tmux, offline, in throwaway homes; and
//! ccauth's prediction of that gate (`ccauth status --format json`,
//! `gates.interactive[0].id`).
//!
//! [`CASES`] is the ground truth: per world the gate the client was seen to
//! show first (a comment quotes the screen's distinctive line), and the gate
//! it shows after `ccauth doctor --fix` where that repairs something. One test
//! re-observes the table with the client; the other holds ccauth's prediction
//! to it and needs no client.
//!
//! Offline means a dead proxy (`HTTPS_PROXY=http://127.0.0.1:9`), so nothing
//! leaves the machine; the credentials are fake ones shaped like real ones.
//! The worlds also set `DISABLE_AUTOUPDATER=1` and
//! `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1`; the `loud:` worlds leave them
//! out and show that they do not change the gate. Every world runs as the
//! test's own user (root in the lead's container: the bypass worlds need it).
//!
//! `CCAUTH_INTERACTIVE_SCREENS=1` prints every captured screen;
//! `CCAUTH_INTERACTIVE_ONLY=<words>` runs the worlds whose name has them.

mod common;

use common::client::{self, CLIENT_VERSION};
use common::{API_KEY, OAUTH_TOKEN, World, login_json, now_ms};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Each gate's id and the strings that together identify it on screen, the
/// most specific first (a dialog over the REPL also shows the prompt's frame;
/// the network check follows the wizard's welcome banner).
const GATES: &[(&str, &[&str])] = &[
    (
        "nesting-guard",
        &["cannot be launched inside another Claude Code session"],
    ),
    (
        "root-refusal",
        &["cannot be used with root/sudo privileges"],
    ),
    (
        "organization",
        &["Unable to verify organization for the current authentication token"],
    ),
    (
        "organization",
        &["managed settings require a first-party login"],
    ),
    (
        "network-check",
        &["Unable to connect to Anthropic services"],
    ),
    (
        "api-key-approval",
        &["Detected a custom API key in your environment"],
    ),
    (
        "bypass-permissions",
        &["running in Bypass Permissions mode"],
    ),
    ("folder-trust", &["Quick safety check"]),
    (
        "auto-mode-offer",
        &["Make auto mode your default permission mode?"],
    ),
    ("login", &["Select login method"]),
    ("first-run-wizard", &["Choose the text style"]),
    ("prompt", &["❯", " mode on"]),
];

/// Longest wait for a world's first gate (an OAuth credential takes ~20 s
/// offline before the REPL shows).
const TIMEOUT: Duration = Duration::from_secs(50);
/// How long a gate must stay on screen to count as the one the user meets.
const SETTLE: Duration = Duration::from_millis(2500);
/// Worlds run at once (the client is heavy to start; the machine is shared).
const PARALLEL: usize = 4;

/// One world and what the client showed in it.
struct Case {
    name: &'static str,
    world: fn() -> World,
    /// The gate the client showed first.
    first: &'static str,
    /// The gate after `ccauth doctor --fix` in the world the first run left;
    /// `None` where doctor fixes nothing (the client is not run again).
    after_fix: Option<&'static str>,
    /// Needs root: observed as root (the bypass guard refuses root, so
    /// another user would meet other gates, not observed), or shown managed
    /// settings through a mount namespace. Another user skips the case.
    root: bool,
}

const fn case(
    name: &'static str,
    world: fn() -> World,
    first: &'static str,
    after_fix: Option<&'static str>,
) -> Case {
    Case {
        name,
        world,
        first,
        after_fix,
        root: false,
    }
}

/// A case whose gate depends on running as root.
const fn as_root(
    name: &'static str,
    world: fn() -> World,
    first: &'static str,
    after_fix: Option<&'static str>,
) -> Case {
    Case {
        root: true,
        ..case(name, world, first, after_fix)
    }
}

/// The quiet variables the brief asks for, on top of the dead proxy.
const QUIET: &[(&str, &str)] = &[
    ("DISABLE_AUTOUPDATER", "1"),
    ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
];

/// An offline world without the quiet variables.
fn loud() -> World {
    World::new()
        .with_env("HTTPS_PROXY", "http://127.0.0.1:9")
        .with_env("HTTP_PROXY", "http://127.0.0.1:9")
}

/// An offline world with the quiet variables.
fn base() -> World {
    QUIET.iter().fold(loud(), |w, (k, v)| w.with_env(k, v))
}

fn oauth() -> World {
    base().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)
}

fn api_key() -> World {
    base().with_env("ANTHROPIC_API_KEY", API_KEY)
}

/// A gateway token: the one credential whose wizard has no network check.
fn auth_token() -> World {
    base().with_env("ANTHROPIC_AUTH_TOKEN", "gateway-token-0123456789")
}

fn write(w: World, rel: &str, content: &Value) -> World {
    w.home_file(rel, &content.to_string());
    w
}

/// `~/.claude.json` with these keys.
fn config(w: World, keys: Value) -> World {
    write(w, ".claude.json", &keys)
}

/// Onboarding done, the workspace not trusted.
fn onboarded(w: World) -> World {
    config(w, json!({"hasCompletedOnboarding": true}))
}

/// The keys of a config with onboarding done and this folder trusted.
fn trust_keys(folder: &Path) -> Value {
    json!({"hasCompletedOnboarding": true,
           "projects": {folder.display().to_string(): {"hasTrustDialogAccepted": true}}})
}

/// Onboarding done and the workspace trusted.
fn trusted(w: World) -> World {
    let keys = trust_keys(&w.workspace());
    config(w, keys)
}

/// `~/.claude/settings.json` with these keys.
fn settings(w: World, keys: Value) -> World {
    write(w, ".claude/settings.json", &keys)
}

/// User settings that start every session in bypass-permissions mode.
fn bypass(w: World) -> World {
    settings(
        w,
        json!({"permissions": {"defaultMode": "bypassPermissions"}}),
    )
}

/// A sound hour-long `/login` in `~/.claude/.credentials.json`.
fn stored_login(w: World) -> World {
    let login = login_json(
        OAUTH_TOKEN,
        "sk-ant-ort01-PLANTEDrefreshTOKEN0123456789abcdefghijklmnop-AAAA",
        now_ms() + 3_600_000,
        &["user:inference", "user:profile"],
    );
    w.home_file(".claude/.credentials.json", &login);
    w
}

/// The pinned organization of the managed worlds.
const ORG: &str = "00000000-0000-4000-8000-000000000001";

/// Managed settings with these keys, in the world's system root; the client
/// reads them at the real `/etc/claude-code`, so [`start`] shows it that
/// folder in a private mount namespace.
fn managed(w: World, keys: Value) -> World {
    w.sys_file("etc/claude-code/managed-settings.json", &keys.to_string());
    w
}

/// The API key's answer in `customApiKeyResponses` (`approved` or `rejected`).
fn key_answer(w: World, list: &str) -> World {
    let mut keys = trust_keys(&w.workspace());
    keys["customApiKeyResponses"] = json!({list: [&API_KEY[API_KEY.len() - 20..]]});
    config(w, keys)
}

/// The ground truth, observed with claude 2.1.332 in tmux (120×40) on
/// 2026-12-02. Each comment quotes the line that identified the gate.
const CASES: &[Case] = &[
    // "Unable to connect to Anthropic services" / "Failed to connect to
    // api.anthropic.com: ECONNREFUSED", then exit 1: with no credential at
    // all the wizard's network check runs too, before any login chooser.
    // After the fix (hasCompletedOnboarding merged in, for every credential
    // kind): "Quick safety check".
    case(
        "nothing, no .claude.json",
        base,
        "network-check",
        Some("folder-trust"),
    ),
    // "Unable to connect to Anthropic services", exit 1. After the fix
    // (hasCompletedOnboarding merged in): "Quick safety check: Is this a
    // project you created or one you trust?"
    case(
        "oauth token, no .claude.json",
        oauth,
        "network-check",
        Some("folder-trust"),
    ),
    // "Unable to connect to Anthropic services", exit 1: the network check
    // comes before the wizard's API-key step. After the fix (the flag is
    // set for a key too): "Quick safety check".
    case(
        "api key, no .claude.json",
        api_key,
        "network-check",
        Some("folder-trust"),
    ),
    // "Choose the text style that looks best with your terminal": no network
    // check for a gateway token. After the fix: "Quick safety check".
    case(
        "auth token, no .claude.json",
        auth_token,
        "first-run-wizard",
        Some("folder-trust"),
    ),
    // "Unable to connect to Anthropic services", exit 1. doctor --fix
    // narrows the credentials file to 0600 (the world writes it 0644) and
    // sets the flag: "Quick safety check".
    case(
        "stored /login, no .claude.json",
        || stored_login(base()),
        "network-check",
        Some("folder-trust"),
    ),
    // "Unable to connect to Anthropic services", exit 1: a token from the
    // settings env block is an env token too.
    case(
        "oauth token in settings env, no .claude.json",
        || {
            settings(
                base(),
                json!({"env": {"CLAUDE_CODE_OAUTH_TOKEN": OAUTH_TOKEN}}),
            )
        },
        "network-check",
        Some("folder-trust"),
    ),
    // "Quick safety check: Is this a project you created or one you trust?"
    case(
        "oauth token, onboarded, untrusted",
        || onboarded(oauth()),
        "folder-trust",
        None,
    ),
    // "⏸ manual mode on · ? for shortcuts", after "⚠ Remote managed settings
    // failed to load (network error)" (~20 s).
    case(
        "oauth token, onboarded, trusted",
        || trusted(oauth()),
        "prompt",
        None,
    ),
    // "Quick safety check".
    case(
        "nothing, onboarded, untrusted",
        || onboarded(base()),
        "folder-trust",
        None,
    ),
    // "⏵⏵ auto mode on (shift+tab to cycle)" with "Not logged in · run
    // /login" in the status bar: no login chooser once onboarding is done.
    case(
        "nothing, onboarded, trusted",
        || trusted(base()),
        "prompt",
        None,
    ),
    // "manual mode on", within 2 s (an env token takes ~18 s). The same
    // after doctor's chmod 600 of the credentials file.
    case(
        "stored /login, onboarded, trusted",
        || trusted(stored_login(base())),
        "prompt",
        Some("prompt"),
    ),
    // "Quick safety check": trust comes before the key's approval.
    case(
        "unapproved api key, onboarded, untrusted",
        || onboarded(api_key()),
        "folder-trust",
        None,
    ),
    // "Detected a custom API key in your environment" / "❯ No (recommended)".
    case(
        "unapproved api key, onboarded, trusted",
        || trusted(api_key()),
        "api-key-approval",
        None,
    ),
    // "auto mode on" and "Not logged in · run /login": the rejected key is
    // silently ignored.
    case(
        "rejected api key, trusted",
        || key_answer(api_key(), "rejected"),
        "prompt",
        None,
    ),
    // "mode on", after ~19 s (an approved key waits as an OAuth token does).
    case(
        "approved api key, trusted",
        || key_answer(api_key(), "approved"),
        "prompt",
        None,
    ),
    // "Detected a custom API key in your environment": the key outranks the
    // token, so its approval is asked.
    case(
        "unapproved api key and oauth token, trusted",
        || trusted(api_key().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)),
        "api-key-approval",
        None,
    ),
    // "auto mode on": 2.1.332 has no nesting guard (the string "cannot be
    // launched inside another Claude Code session" is not in its bundle).
    case(
        "CLAUDECODE=1, trusted",
        || trusted(auth_token().with_env("CLAUDECODE", "1")),
        "prompt",
        None,
    ),
    // "Choose the text style": CLAUDECODE changes nothing here either.
    case(
        "CLAUDECODE=1, no .claude.json",
        || auth_token().with_env("CLAUDECODE", "1"),
        "first-run-wizard",
        Some("folder-trust"),
    ),
    // "WARNING: Claude Code running in Bypass Permissions mode" / "❯ No, exit".
    as_root(
        "root, IS_SANDBOX=1, settings bypass mode, trusted",
        || trusted(bypass(auth_token().with_env("IS_SANDBOX", "1"))),
        "bypass-permissions",
        None,
    ),
    // "--dangerously-skip-permissions cannot be used with root/sudo
    // privileges for security reasons", exit 1 (the settings' mode counts as
    // the flag).
    as_root(
        "root, settings bypass mode, trusted",
        || trusted(bypass(auth_token())),
        "root-refusal",
        None,
    ),
    // "Make auto mode your default permission mode?" / "No, keep bypass
    // permissions": the warning is skipped, an offer takes its place.
    as_root(
        "root, IS_SANDBOX=1, bypass mode, skipDangerousModePermissionPrompt",
        || {
            let w = trusted(auth_token().with_env("IS_SANDBOX", "1"));
            settings(
                w,
                json!({"permissions": {"defaultMode": "bypassPermissions"},
                       "skipDangerousModePermissionPrompt": true}),
            )
        },
        "auto-mode-offer",
        None,
    ),
    // "Quick safety check": trust comes before the bypass warning.
    as_root(
        "root, IS_SANDBOX=1, settings bypass mode, untrusted",
        || onboarded(bypass(auth_token().with_env("IS_SANDBOX", "1"))),
        "folder-trust",
        None,
    ),
    // "Detected a custom API key in your environment": the key's approval
    // comes before the bypass warning.
    as_root(
        "root, IS_SANDBOX=1, bypass mode, unapproved api key, trusted",
        || trusted(bypass(api_key().with_env("IS_SANDBOX", "1"))),
        "api-key-approval",
        None,
    ),
    // "auto mode on": CLAUDE_CODE_SANDBOXED skips the trust dialog.
    case(
        "CLAUDE_CODE_SANDBOXED=1, onboarded, untrusted",
        || onboarded(auth_token().with_env("CLAUDE_CODE_SANDBOXED", "1")),
        "prompt",
        None,
    ),
    // "Quick safety check": the stored trust is not read.
    case(
        "CLAUDE_CODE_IGNORE_PERSISTED_TRUST=1, trusted",
        || trusted(auth_token().with_env("CLAUDE_CODE_IGNORE_PERSISTED_TRUST", "1")),
        "folder-trust",
        None,
    ),
    // "auto mode on": trust of a parent folder covers the workspace (no git
    // repository bounds the walk here).
    case(
        "trusted parent folder",
        || {
            let w = auth_token();
            let keys = trust_keys(w.workspace().parent().unwrap());
            config(w, keys)
        },
        "prompt",
        None,
    ),
    // "Choose the text style": the legacy file replaces .claude.json.
    case(
        "legacy .config.json without the flag over a trusted .claude.json",
        || {
            write(
                trusted(auth_token()),
                ".claude/.config.json",
                &json!({"numStartups": 1}),
            )
        },
        "first-run-wizard",
        Some("folder-trust"),
    ),
    // "mode on": onboarding and trust read from the legacy file.
    case(
        "legacy .config.json with the flag and trust, no .claude.json",
        || {
            let w = auth_token();
            let keys = trust_keys(&w.workspace());
            write(w, ".claude/.config.json", &keys)
        },
        "prompt",
        None,
    ),
    // "Choose the text style" (after ~10 s): a directory reads as no config.
    // doctor repairs nothing (it says how to replace the directory).
    case(
        ".claude.json is a directory",
        || {
            let w = auth_token();
            std::fs::create_dir_all(w.home().join(".claude.json")).unwrap();
            w
        },
        "first-run-wizard",
        None,
    ),
    // "Choose the text style": ~/.claude.json is not read under
    // CLAUDE_CONFIG_DIR. After the fix (the flag in $CLAUDE_CONFIG_DIR):
    // "Quick safety check".
    case(
        "CLAUDE_CONFIG_DIR elsewhere, flag in ~/.claude.json",
        || {
            let w = trusted(auth_token());
            let dir = w.home().join("cfg").display().to_string();
            w.with_env("CLAUDE_CONFIG_DIR", &dir)
        },
        "first-run-wizard",
        Some("folder-trust"),
    ),
    // "Quick safety check": the client tests the flag for truthiness
    // (`!o.hasCompletedOnboarding&&…` in the bundle), so a string passes,
    // and onboarding-flag reads it the same way: nothing to repair.
    case(
        "hasCompletedOnboarding \"true\" (a string)",
        || config(auth_token(), json!({"hasCompletedOnboarding": "true"})),
        "folder-trust",
        None,
    ),
    // "Quick safety check": even the string "false" is truthy.
    case(
        "hasCompletedOnboarding \"false\" (a string)",
        || config(auth_token(), json!({"hasCompletedOnboarding": "false"})),
        "folder-trust",
        None,
    ),
    // "Choose the text style": a third-party provider has no network check.
    // After the fix (the flag set for every credential kind): "Quick safety
    // check".
    case(
        "bedrock, no .claude.json",
        || base().with_env("CLAUDE_CODE_USE_BEDROCK", "1"),
        "first-run-wizard",
        Some("folder-trust"),
    ),
    // "mode on": a gateway that does not answer does not gate the REPL.
    case(
        "gateway ANTHROPIC_BASE_URL, trusted",
        || trusted(auth_token().with_env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")),
        "prompt",
        None,
    ),
    // "Unable to connect to Anthropic services": the quiet variables do not
    // skip the network check.
    case(
        "loud: oauth token, no .claude.json",
        || loud().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
        "network-check",
        Some("folder-trust"),
    ),
    // "manual mode on".
    case(
        "loud: oauth token, trusted",
        || trusted(loud().with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)),
        "prompt",
        None,
    ),
    // "Choose the text style".
    case(
        "loud: auth token, no .claude.json",
        || loud().with_env("ANTHROPIC_AUTH_TOKEN", "gateway-token-0123456789"),
        "first-run-wizard",
        Some("folder-trust"),
    ),
    // "Unable to verify organization for the current authentication
    // token." and exit 1: the pin is verified online at each start.
    as_root(
        "managed forceLoginOrgUUID, oauth token, trusted",
        || managed(trusted(oauth()), json!({"forceLoginOrgUUID": ORG})),
        "organization",
        None,
    ),
    // "Quick safety check" first (after ~20 s), then, once trusted,
    // "Unable to verify organization": the pin comes after the trust dialog.
    as_root(
        "managed forceLoginOrgUUID, oauth token, untrusted",
        || managed(onboarded(oauth()), json!({"forceLoginOrgUUID": ORG})),
        "folder-trust",
        None,
    ),
    // "This machine's managed settings require a first-party login": an
    // approved key is refused, with no dialog before.
    as_root(
        "managed forceLoginOrgUUID, approved api key, trusted",
        || {
            managed(
                key_answer(api_key(), "approved"),
                json!({"forceLoginOrgUUID": ORG}),
            )
        },
        "organization",
        None,
    ),
    // The same refusal for a gateway token.
    as_root(
        "managed forceLoginOrgUUID, auth token, trusted",
        || managed(trusted(auth_token()), json!({"forceLoginOrgUUID": ORG})),
        "organization",
        None,
    ),
    // "Detected a custom API key in your environment" comes before the
    // refusal.
    as_root(
        "managed forceLoginMethod, unanswered api key, trusted",
        || managed(trusted(api_key()), json!({"forceLoginMethod": "claudeai"})),
        "api-key-approval",
        None,
    ),
    // The prompt, with "Not logged in · run /login" although
    // DISABLE_LOGIN_COMMAND removes /login (login-policy warns).
    case(
        "DISABLE_LOGIN_COMMAND=1, nothing, trusted",
        || trusted(base().with_env("DISABLE_LOGIN_COMMAND", "1")),
        "prompt",
        None,
    ),
    // The prompt: a login is not refused under forceLoginMethod alone.
    as_root(
        "managed forceLoginMethod console, oauth token, trusted",
        || managed(trusted(oauth()), json!({"forceLoginMethod": "console"})),
        "prompt",
        None,
    ),
];

fn say(line: &str) {
    client::say("interactive", line);
}

/// The cases this user can reproduce: all of them as root, else those that
/// do not depend on it (said on stderr).
fn runnable() -> Vec<&'static Case> {
    let root = rustix::process::geteuid().is_root();
    if !root {
        say("not root: the cases observed as root are skipped");
    }
    let only = std::env::var("CCAUTH_INTERACTIVE_ONLY").unwrap_or_default();
    CASES
        .iter()
        .filter(|c| root || !c.root)
        .filter(|c| c.name.contains(only.as_str()))
        .collect()
}

/// The gate this screen shows, if any.
fn classify(screen: &str) -> Option<&'static str> {
    GATES
        .iter()
        .find(|(_, needles)| needles.iter().all(|n| screen.contains(n)))
        .map(|(id, _)| *id)
}

/// A private tmux server (its socket in a temp dir), killed when dropped.
struct Tmux {
    dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts the server with one idle session, so that parallel worlds do
    /// not race to create it.
    fn start() -> Result<Tmux, String> {
        let tmux = Tmux {
            dir: tempfile::tempdir().map_err(|e| e.to_string())?,
        };
        let out = tmux
            .cmd(&["new-session", "-d", "-s", "idle", "sleep", "600"])
            .output()
            .map_err(|e| format!("tmux could not be started: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "tmux new-session failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(tmux)
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.arg("-S")
            .arg(self.dir.path().join("socket"))
            .args(["-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    fn text(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).output();
    }
}

/// What one run of the client showed.
struct Seen {
    gate: Option<&'static str>,
    /// Every gate seen, in order (a screen may pass before the one that stays).
    path: Vec<&'static str>,
    screen: String,
    /// Seconds until the gate first showed.
    secs: f64,
}

/// Starts `claude` in a new session of `tmux`, in the world's workspace with
/// only the world's environment, and watches its screen until a gate has
/// stayed for [`SETTLE`] (or [`TIMEOUT`]); then ends the session and waits
/// for its processes to be gone.
fn observe(tmux: &Tmux, session: &str, world: &World, claude: &Path) -> Seen {
    start(tmux, session, world, claude);
    let pid: u32 = tmux
        .text(&["display-message", "-p", "-t", session, "#{pane_pid}"])
        .trim()
        .parse()
        .unwrap_or(0);
    let seen = watch(tmux, session);
    let _ = tmux.cmd(&["kill-session", "-t", session]).output();
    reap(pid);
    seen
}

/// Starts the client; its temp dir (`/tmp/claude-<uid>/…` otherwise) is in
/// the world's, so nothing of it outlives the world.
fn start(tmux: &Tmux, session: &str, world: &World, claude: &Path) {
    let workspace = world.workspace().display().to_string();
    let tmp = world.tmpdir();
    let tmpdir = format!("TMPDIR={}", tmp.display());
    let mut args: Vec<String> = [
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "120",
        "-y",
        "40",
        "-c",
        &workspace,
        "env",
        "-i",
        "PATH=/usr/bin:/bin",
        "TERM=xterm-256color",
        &tmpdir,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let policy = world.sysroot().join("etc/claude-code");
    if policy.is_dir() {
        let at = args.iter().position(|a| a == "env").unwrap();
        let wrap = [
            "unshare",
            "-m",
            "--propagation",
            "private",
            "/bin/sh",
            "-c",
            WITH_MANAGED_SETTINGS,
            "sh",
        ];
        let folders = [policy, tmp.join("etc")].map(|p| p.display().to_string());
        args.splice(at..at, wrap.iter().map(|s| s.to_string()).chain(folders));
    }
    args.extend(world.env_pairs().iter().map(|(k, v)| format!("{k}={v}")));
    args.extend(
        [
            "/bin/sh",
            "-c",
            "\"$0\"; echo \"[claude exited with $?]\"; exec sleep 120",
        ]
        .map(String::from),
    );
    args.push(claude.display().to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tmux.cmd(&refs).output().expect("tmux runs");
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `$3…` with `$1` as `/etc/claude-code`, changing nothing outside the
/// mount namespace: the real `/etc` is bound at `$2/real`, a new folder of
/// links to its entries plus `claude-code` (one per run: a world is run
/// again after a fix) is bound over `/etc`.
const WITH_MANAGED_SETTINGS: &str = r#"set -e
policy=$1 real=$2/real
mkdir -p "$real"
shown=$(mktemp -d "$2/shown.XXXXXX")
shift 2
mount --bind /etc "$real"
for entry in "$real"/* "$real"/.[!.]*; do
  if [ -e "$entry" ] || [ -L "$entry" ]; then ln -s "$entry" "$shown/"; fi
done
rm -f "$shown/claude-code"
ln -s "$policy" "$shown/claude-code"
mount --bind "$shown" /etc
exec "$@""#;

/// Captures the pane every 250 ms until a gate settles.
fn watch(tmux: &Tmux, session: &str) -> Seen {
    let begin = Instant::now();
    let mut seen = Seen {
        gate: None,
        path: Vec::new(),
        screen: String::new(),
        secs: 0.0,
    };
    let mut since = begin;
    while begin.elapsed() < TIMEOUT {
        std::thread::sleep(Duration::from_millis(250));
        seen.screen = tmux.text(&["capture-pane", "-p", "-t", session]);
        let gate = classify(&seen.screen);
        if gate != seen.gate {
            seen.gate = gate;
            since = Instant::now();
            if let Some(id) = gate {
                seen.path.push(id);
                seen.secs = begin.elapsed().as_secs_f64();
            }
        } else if gate.is_some() && since.elapsed() >= SETTLE {
            break;
        }
    }
    seen
}

/// Waits up to 10 s for every process of the pane's session (`sid`) to exit,
/// then kills what is left of it, by pid.
fn reap(sid: u32) {
    let begin = Instant::now();
    loop {
        let left = session_members(sid);
        if left.is_empty() {
            return;
        }
        if begin.elapsed() > Duration::from_secs(10) {
            for pid in left {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The pids whose session id is `sid`, from `/proc/<pid>/stat`.
fn session_members(sid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // After the command's ")": state, ppid, pgrp, session.
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map_or("", |(_, rest)| rest)
                .split_whitespace()
                .collect();
            sid != 0 && fields.get(3) == Some(&sid.to_string().as_str())
        })
        .collect()
}

/// The outcome of one case: the first run, and the run after the fix when
/// doctor fixed something.
struct Outcome {
    first: Seen,
    fixed: Option<Seen>,
    doctor: String,
    /// Where the folder trust dialog is what is left, the gate after the
    /// user also names the trust repair (`--fix=workspace-trust`, their
    /// security decision), and ccauth's prediction at that point.
    trusted: Option<(Seen, Result<String, String>)>,
}

fn run_case(tmux: &Tmux, index: usize, case: &Case, claude: &Path) -> Outcome {
    let world = (case.world)();
    let first = observe(tmux, &format!("w{index}"), &world, claude);
    let out = world.ccauth(&["doctor", "--fix"]).output().unwrap();
    let doctor = String::from_utf8_lossy(&out.stdout).into_owned();
    let fixed = doctor
        .contains("[fixed]")
        .then(|| observe(tmux, &format!("w{index}-fixed"), &world, claude));
    let left = fixed.as_ref().unwrap_or(&first).gate;
    let trusted = (left == Some("folder-trust")).then(|| {
        world
            .ccauth(&["doctor", "--fix=workspace-trust"])
            .output()
            .unwrap();
        let seen = observe(tmux, &format!("w{index}-trusted"), &world, claude);
        (seen, predicted(&world))
    });
    Outcome {
        first,
        fixed,
        doctor,
        trusted,
    }
}

/// Runs these cases, [`PARALLEL`] at a time.
fn run_all(tmux: &Tmux, claude: &Path, cases: &[&Case]) -> Vec<Outcome> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(case) = cases.get(i) else {
                        break;
                    };
                    let outcome = run_case(tmux, i, case, claude);
                    done.lock().unwrap().insert(i, outcome);
                }
            });
        }
    });
    done.into_inner().unwrap().into_values().collect()
}

fn shown(seen: Option<&Seen>) -> String {
    match seen {
        None => "(no repair, not run)".to_string(),
        Some(s) => format!(
            "{} after {:.1}s (seen: {})",
            s.gate.unwrap_or("(none)"),
            s.secs,
            s.path.join(" → ")
        ),
    }
}

/// The differences between one outcome and its case.
fn differences(case: &Case, outcome: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    if outcome.first.gate != Some(case.first) {
        out.push(format!(
            "{}: expected {} first, the client showed {}:\n{}",
            case.name,
            case.first,
            shown(Some(&outcome.first)),
            outcome.first.screen.trim_end()
        ));
    }
    if let Some((seen, prediction)) = &outcome.trusted
        && prediction.as_deref().ok() != seen.gate
    {
        out.push(format!(
            "{}: after --fix=workspace-trust ccauth predicts {prediction:?}, the client showed {}",
            case.name,
            shown(Some(seen))
        ));
    }
    let after = outcome.fixed.as_ref().map(|s| s.gate.unwrap_or("(none)"));
    if after != case.after_fix {
        out.push(format!(
            "{}: expected {:?} after doctor --fix, got {}; doctor said:\n{}",
            case.name,
            case.after_fix,
            shown(outcome.fixed.as_ref()),
            outcome.doctor.trim_end()
        ));
    }
    out
}

#[test]
fn the_client_shows_the_recorded_first_gate() {
    let claude = match client::client("interactive") {
        Ok(bin) => bin,
        Err(why) => return say(&format!("SKIPPED, the real client is not available: {why}")),
    };
    let tmux = match Tmux::start() {
        Ok(t) => t,
        Err(why) => return say(&format!("SKIPPED, tmux is not available: {why}")),
    };
    let screens = std::env::var_os("CCAUTH_INTERACTIVE_SCREENS").is_some();
    let begin = Instant::now();
    let cases = runnable();
    let outcomes = run_all(&tmux, &claude, &cases);
    let mut wrong = Vec::new();
    for (case, outcome) in cases.iter().zip(&outcomes) {
        let fixes: Vec<&str> = outcome
            .doctor
            .lines()
            .filter(|l| l.contains("[fixed]"))
            .map(str::trim)
            .collect();
        say(&format!(
            "{}: {} | after doctor --fix: {} {fixes:?}",
            case.name,
            shown(Some(&outcome.first)),
            shown(outcome.fixed.as_ref())
        ));
        if screens {
            say(&format!("screen:\n{}", outcome.first.screen.trim_end()));
        }
        wrong.extend(differences(case, outcome));
    }
    say(&format!(
        "{} worlds with claude {CLIENT_VERSION} in {:.0}s",
        cases.len(),
        begin.elapsed().as_secs_f64()
    ));
    // Issue #17: where the repairs are safe (and the trust is the user's
    // named decision), doctor --fix leads interactive claude to its prompt.
    let prompt: Vec<&str> = cases
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| {
            o.trusted
                .as_ref()
                .map_or(o.fixed.as_ref(), |(seen, _)| Some(seen))
                .is_some_and(|s| s.gate == Some("prompt"))
        })
        .map(|(c, _)| c.name)
        .collect();
    say(&format!(
        "{} worlds reach the prompt after doctor --fix (and --fix=workspace-trust where the trust dialog was left): {}",
        prompt.len(),
        prompt.join("; ")
    ));
    if cases.len() == CASES.len() {
        assert!(
            prompt.len() >= 10,
            "too few worlds reach the prompt after the repairs"
        );
    }
    assert!(CASES.len() >= 25);
    assert!(
        wrong.is_empty(),
        "the client no longer shows the recorded gates:\n{}",
        wrong.join("\n\n")
    );
}

/// ccauth's predicted first gate, `gates.interactive[0].id` of `status`.
fn predicted(world: &World) -> Result<String, String> {
    let out = world
        .ccauth(&["status", "--format", "json"])
        .output()
        .unwrap();
    let status: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("status printed no JSON ({e})"))?;
    status
        .pointer("/gates/interactive/0/id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| "no gates.interactive[0].id".to_string())
}

#[test]
fn ccauth_predicts_the_first_gate_the_client_shows() {
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    let cases = runnable();
    for case in &cases {
        match predicted(&(case.world)()) {
            Err(why) => missing.push(format!("{}: {why}", case.name)),
            Ok(id) if id != case.first => wrong.push(format!(
                "{}: ccauth predicts {id}, the client shows {}",
                case.name, case.first
            )),
            Ok(_) => {}
        }
    }
    assert!(
        missing.is_empty(),
        "`ccauth status --format json` does not predict the first interactive gate \
         (`gates.interactive[0].id`, added by the `gates` branch) for {} of {} worlds:\n{}",
        missing.len(),
        cases.len(),
        missing.join("\n")
    );
    assert!(
        wrong.is_empty(),
        "ccauth's predicted first gate differs from the client's:\n{}",
        wrong.join("\n")
    );
}
