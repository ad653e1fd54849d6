//! `ccauth status --format json` agrees with the real client's
//! `claude auth status --json` on `loggedIn`, `authMethod`, `apiKeySource` and
//! `apiProvider`, world by world.
//!
//! The client (npm `@anthropic-ai/claude-code`, pinned) is installed once into
//! a cache (`$CCAUTH_CLIENT_CACHE`, else `~/.cache/ccauth/`), and run offline in
//! each world's throwaway HOME. Where it cannot be installed, the suite says
//! so on stderr and skips.

mod common;

use common::client::{self, CLIENT_VERSION};
use common::{API_KEY, OAUTH_TOKEN, World, login_json, now_ms};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const FIELDS: &[(&str, &str)] = &[
    ("loggedIn", "logged_in"),
    ("authMethod", "auth_method"),
    ("apiKeySource", "api_key_source"),
    ("apiProvider", "api_provider"),
];

fn say(line: &str) {
    client::say("conformance", line);
}

fn client() -> Result<PathBuf, String> {
    client::client("conformance")
}

fn valid_login() -> String {
    login_json(
        OAUTH_TOKEN,
        "sk-ant-ort01-refresh",
        now_ms() + 3_600_000,
        &["user:inference", "user:profile"],
    )
}

fn api_suffix() -> &'static str {
    &API_KEY[API_KEY.len() - 20..]
}

type Scenario = (&'static str, Box<dyn Fn() -> World>);

fn scenario(name: &'static str, build: impl Fn() -> World + 'static) -> Scenario {
    (name, Box::new(build))
}

fn env(pairs: &[(&str, &str)]) -> World {
    pairs
        .iter()
        .fold(World::new(), |w, (k, v)| w.with_env(k, v))
}

fn with_file(w: World, rel: &str, content: &str) -> World {
    w.home_file(rel, content);
    w
}

fn scenarios() -> Vec<Scenario> {
    let settings_env = |pairs: Value| json!({"env": pairs}).to_string();
    let responses = |approved: bool| {
        let list = json!([api_suffix()]);
        let (a, r) = if approved {
            (list, json!([]))
        } else {
            (json!([]), list)
        };
        json!({"customApiKeyResponses": {"approved": a, "rejected": r}}).to_string()
    };
    vec![
        scenario("nothing at all", World::new),
        scenario("ANTHROPIC_API_KEY alone", || {
            env(&[("ANTHROPIC_API_KEY", API_KEY)])
        }),
        scenario("ANTHROPIC_AUTH_TOKEN alone", || {
            env(&[("ANTHROPIC_AUTH_TOKEN", "gateway-token-123")])
        }),
        scenario("CLAUDE_CODE_OAUTH_TOKEN alone", || {
            env(&[("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)])
        }),
        scenario("empty ANTHROPIC_API_KEY", || {
            env(&[("ANTHROPIC_API_KEY", "")])
        }),
        scenario("empty CLAUDE_CODE_OAUTH_TOKEN", || {
            env(&[("CLAUDE_CODE_OAUTH_TOKEN", "")])
        }),
        scenario("empty ANTHROPIC_AUTH_TOKEN", || {
            env(&[("ANTHROPIC_AUTH_TOKEN", "")])
        }),
        scenario("whitespace ANTHROPIC_API_KEY", || {
            env(&[("ANTHROPIC_API_KEY", "  ")])
        }),
        // Whitespace-only values, slot by slot (issue 16 item 10): 2.1.332
        // trims the bearer tokens (a blank one is no credential) but keeps a
        // blank ANTHROPIC_API_KEY as the very last resort, behind OAuth and
        // primaryApiKey.
        scenario("whitespace CLAUDE_CODE_OAUTH_TOKEN", || {
            env(&[("CLAUDE_CODE_OAUTH_TOKEN", "   ")])
        }),
        scenario("newline-only CLAUDE_CODE_OAUTH_TOKEN", || {
            env(&[("CLAUDE_CODE_OAUTH_TOKEN", "\n")])
        }),
        scenario("whitespace ANTHROPIC_AUTH_TOKEN", || {
            env(&[("ANTHROPIC_AUTH_TOKEN", " \t ")])
        }),
        scenario("whitespace auth token and oauth token", || {
            env(&[
                ("ANTHROPIC_AUTH_TOKEN", "   "),
                ("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            ])
        }),
        scenario("whitespace auth token and api key", || {
            env(&[
                ("ANTHROPIC_AUTH_TOKEN", "   "),
                ("ANTHROPIC_API_KEY", API_KEY),
            ])
        }),
        scenario("whitespace oauth token and stored /login", || {
            let w = env(&[("CLAUDE_CODE_OAUTH_TOKEN", "   ")]);
            with_file(w, ".claude/.credentials.json", &valid_login())
        }),
        scenario("whitespace oauth token in user settings env", move || {
            let env_block = settings_env(json!({"CLAUDE_CODE_OAUTH_TOKEN": "   "}));
            with_file(World::new(), ".claude/settings.json", &env_block)
        }),
        scenario("whitespace api key and oauth token", || {
            env(&[
                ("ANTHROPIC_API_KEY", "   "),
                ("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            ])
        }),
        scenario("whitespace api key and stored /login", || {
            let w = env(&[("ANTHROPIC_API_KEY", "   ")]);
            with_file(w, ".claude/.credentials.json", &valid_login())
        }),
        scenario("whitespace api key and primaryApiKey", || {
            let w = env(&[("ANTHROPIC_API_KEY", "   ")]);
            let config = json!({"primaryApiKey": API_KEY}).to_string();
            with_file(w, ".claude.json", &config)
        }),
        scenario("whitespace api key and whitespace oauth token", || {
            env(&[
                ("ANTHROPIC_API_KEY", "   "),
                ("CLAUDE_CODE_OAUTH_TOKEN", "   "),
            ])
        }),
        scenario("whitespace api key and apiKeyHelper", || {
            let w = env(&[("ANTHROPIC_API_KEY", "   ")]);
            with_file(w, ".claude/settings.json", r#"{"apiKeyHelper": "echo x"}"#)
        }),
        scenario("apiKeyHelper printing only whitespace", || {
            let settings = json!({"apiKeyHelper": "printf '   '"}).to_string();
            with_file(World::new(), ".claude/settings.json", &settings)
        }),
        scenario("stored /login with a whitespace access token", || {
            let login = login_json(
                "   ",
                "sk-ant-ort01-refresh",
                now_ms() + 3_600_000,
                &["user:inference"],
            );
            with_file(World::new(), ".claude/.credentials.json", &login)
        }),
        scenario("auth token and oauth token", || {
            env(&[
                ("ANTHROPIC_AUTH_TOKEN", "gw"),
                ("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            ])
        }),
        scenario("api key and oauth token", || {
            env(&[
                ("ANTHROPIC_API_KEY", API_KEY),
                ("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            ])
        }),
        scenario("api key and auth token", || {
            env(&[
                ("ANTHROPIC_API_KEY", API_KEY),
                ("ANTHROPIC_AUTH_TOKEN", "gw"),
            ])
        }),
        scenario("declined api key", move || {
            with_file(
                env(&[("ANTHROPIC_API_KEY", API_KEY)]),
                ".claude.json",
                &responses(false),
            )
        }),
        scenario("approved api key", move || {
            with_file(
                env(&[("ANTHROPIC_API_KEY", API_KEY)]),
                ".claude.json",
                &responses(true),
            )
        }),
        scenario("declined api key next to an oauth token", move || {
            let w = env(&[
                ("ANTHROPIC_API_KEY", API_KEY),
                ("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            ]);
            with_file(w, ".claude.json", &responses(false))
        }),
        scenario("apiKeyHelper alone", || {
            with_file(
                World::new(),
                ".claude/settings.json",
                r#"{"apiKeyHelper": "echo x"}"#,
            )
        }),
        scenario("apiKeyHelper and oauth token", || {
            let w = env(&[("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)]);
            with_file(w, ".claude/settings.json", r#"{"apiKeyHelper": "echo x"}"#)
        }),
        scenario("apiKeyHelper and api key", || {
            with_file(
                env(&[("ANTHROPIC_API_KEY", API_KEY)]),
                ".claude/settings.json",
                r#"{"apiKeyHelper": "echo x"}"#,
            )
        }),
        scenario("apiKeyHelper and auth token", || {
            with_file(
                env(&[("ANTHROPIC_AUTH_TOKEN", "gw")]),
                ".claude/settings.json",
                r#"{"apiKeyHelper": "echo x"}"#,
            )
        }),
        scenario("empty apiKeyHelper", || {
            with_file(
                World::new(),
                ".claude/settings.json",
                r#"{"apiKeyHelper": ""}"#,
            )
        }),
        scenario("project apiKeyHelper, untrusted folder", || {
            let w = World::new();
            w.workspace_file(".claude/settings.json", r#"{"apiKeyHelper": "echo x"}"#);
            w
        }),
        scenario("api key in user settings env", move || {
            with_file(
                World::new(),
                ".claude/settings.json",
                &settings_env(json!({"ANTHROPIC_API_KEY": API_KEY})),
            )
        }),
        scenario("oauth token in user settings env", move || {
            with_file(
                World::new(),
                ".claude/settings.json",
                &settings_env(json!({"CLAUDE_CODE_OAUTH_TOKEN": OAUTH_TOKEN})),
            )
        }),
        scenario("empty settings value over a process api key", move || {
            let w = env(&[("ANTHROPIC_API_KEY", API_KEY)]);
            with_file(
                w,
                ".claude/settings.json",
                &settings_env(json!({"ANTHROPIC_API_KEY": ""})),
            )
        }),
        scenario(
            "settings oauth token next to a process api key",
            move || {
                let w = env(&[("ANTHROPIC_API_KEY", API_KEY)]);
                with_file(
                    w,
                    ".claude/settings.json",
                    &settings_env(json!({"CLAUDE_CODE_OAUTH_TOKEN": OAUTH_TOKEN})),
                )
            },
        ),
        scenario("api key in project settings env", move || {
            let w = World::new();
            w.workspace_file(
                ".claude/settings.json",
                &settings_env(json!({"ANTHROPIC_API_KEY": API_KEY})),
            );
            w
        }),
        scenario("api key in local settings env", move || {
            let w = World::new();
            w.workspace_file(
                ".claude/settings.local.json",
                &settings_env(json!({"ANTHROPIC_API_KEY": API_KEY})),
            );
            w
        }),
        scenario("broken user settings file", || {
            with_file(
                World::new(),
                ".claude/settings.json",
                r#"{"env": {"ANTHROPIC_API_KEY": "x"}"#,
            )
        }),
        scenario("bedrock flag in user settings env", move || {
            with_file(
                World::new(),
                ".claude/settings.json",
                &settings_env(json!({"CLAUDE_CODE_USE_BEDROCK": 1})),
            )
        }),
        scenario("stored /login", || {
            with_file(World::new(), ".claude/.credentials.json", &valid_login())
        }),
        scenario("blank stored /login after a failed refresh", || {
            let blank = login_json("", "", 0, &["user:inference"]);
            with_file(World::new(), ".claude/.credentials.json", &blank)
        }),
        scenario("expired stored /login with a refresh token", || {
            let expired = login_json(
                OAUTH_TOKEN,
                "sk-ant-ort01-r",
                now_ms() - 3_600_000,
                &["user:inference"],
            );
            with_file(World::new(), ".claude/.credentials.json", &expired)
        }),
        scenario("expired stored /login without a refresh token", || {
            let expired = login_json(OAUTH_TOKEN, "", now_ms() - 3_600_000, &["user:inference"]);
            with_file(World::new(), ".claude/.credentials.json", &expired)
        }),
        scenario("stored /login without user:inference", || {
            let narrow = login_json(OAUTH_TOKEN, "r", now_ms() + 3_600_000, &["user:profile"]);
            with_file(World::new(), ".claude/.credentials.json", &narrow)
        }),
        scenario("stored /login without scopes", || {
            with_file(
                World::new(),
                ".claude/.credentials.json",
                &json!({"claudeAiOauth": {"accessToken": OAUTH_TOKEN}}).to_string(),
            )
        }),
        scenario(".credentials.json that is not JSON", || {
            with_file(World::new(), ".claude/.credentials.json", "{not json")
        }),
        scenario("stored /login ignored under CLAUDE_CONFIG_DIR", || {
            let w = with_file(World::new(), ".claude/.credentials.json", &valid_login());
            let dir = w.home().join("cfg").display().to_string();
            w.with_env("CLAUDE_CONFIG_DIR", &dir)
        }),
        scenario("stored /login in CLAUDE_SECURESTORAGE_CONFIG_DIR", || {
            let w = with_file(World::new(), "secure/.credentials.json", &valid_login());
            let dir = w.home().join("secure").display().to_string();
            w.with_env("CLAUDE_SECURESTORAGE_CONFIG_DIR", &dir)
        }),
        scenario("stored /login and oauth token", || {
            with_file(
                env(&[("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)]),
                ".claude/.credentials.json",
                &valid_login(),
            )
        }),
        scenario("stored /login and api key", || {
            with_file(
                env(&[("ANTHROPIC_API_KEY", API_KEY)]),
                ".claude/.credentials.json",
                &valid_login(),
            )
        }),
        scenario("stored /login and auth token", || {
            with_file(
                env(&[("ANTHROPIC_AUTH_TOKEN", "gw")]),
                ".claude/.credentials.json",
                &valid_login(),
            )
        }),
        scenario("bedrock", || env(&[("CLAUDE_CODE_USE_BEDROCK", "1")])),
        scenario("bedrock and api key", || {
            env(&[
                ("CLAUDE_CODE_USE_BEDROCK", "1"),
                ("ANTHROPIC_API_KEY", API_KEY),
            ])
        }),
        scenario("bedrock=0", || env(&[("CLAUDE_CODE_USE_BEDROCK", "0")])),
        scenario("vertex=true and bedrock=1", || {
            env(&[
                ("CLAUDE_CODE_USE_VERTEX", "true"),
                ("CLAUDE_CODE_USE_BEDROCK", "1"),
            ])
        }),
        scenario("foundry=YES", || env(&[("CLAUDE_CODE_USE_FOUNDRY", "YES")])),
        scenario("anthropic aws", || {
            env(&[("CLAUDE_CODE_USE_ANTHROPIC_AWS", "on")])
        }),
        scenario("primaryApiKey", || {
            with_file(
                World::new(),
                ".claude.json",
                &json!({"primaryApiKey": API_KEY}).to_string(),
            )
        }),
        scenario("primaryApiKey and stored /login", || {
            let w = with_file(
                World::new(),
                ".claude.json",
                &json!({"primaryApiKey": API_KEY}).to_string(),
            );
            with_file(w, ".claude/.credentials.json", &valid_login())
        }),
        scenario("primaryApiKey and oauth token", || {
            let w = env(&[("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN)]);
            with_file(
                w,
                ".claude.json",
                &json!({"primaryApiKey": API_KEY}).to_string(),
            )
        }),
        scenario("primaryApiKey in a legacy .config.json", || {
            with_file(
                World::new(),
                ".claude/.config.json",
                &json!({"primaryApiKey": API_KEY}).to_string(),
            )
        }),
        scenario("legacy {} .config.json hides primaryApiKey", || {
            let w = with_file(
                World::new(),
                ".claude.json",
                &json!({"primaryApiKey": API_KEY}).to_string(),
            );
            with_file(w, ".claude/.config.json", "{}")
        }),
        // 2.1.332 ignores a legacy .config.json that is no regular file
        // (its sE(), run 2026-12-02), so .claude.json's key counts.
        scenario(
            "a directory named .config.json beside primaryApiKey",
            || {
                let w = with_file(
                    World::new(),
                    ".claude.json",
                    &json!({"primaryApiKey": API_KEY}).to_string(),
                );
                std::fs::create_dir_all(w.home().join(".claude/.config.json")).unwrap();
                w
            },
        ),
        scenario("bare mode with an oauth token", || {
            env(&[
                ("CLAUDE_CODE_SIMPLE", "1"),
                ("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
            ])
        }),
        scenario("bare mode with an api key", || {
            env(&[("CLAUDE_CODE_SIMPLE", "1"), ("ANTHROPIC_API_KEY", API_KEY)])
        }),
        scenario("bare mode with a helper", || {
            let w = env(&[("CLAUDE_CODE_SIMPLE", "1")]);
            with_file(w, ".claude/settings.json", r#"{"apiKeyHelper": "echo x"}"#)
        }),
        scenario("oauth token from a closed file descriptor", || {
            env(&[("CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR", "987")])
        }),
        scenario("Docker Sandboxes proxy-managed key", || {
            env(&[("ANTHROPIC_API_KEY", "proxy-managed")])
        }),
        scenario("placeholder api key", || {
            env(&[("ANTHROPIC_API_KEY", "sk-ant-your-key-here")])
        }),
        scenario("quoted oauth token", || {
            env(&[("CLAUDE_CODE_OAUTH_TOKEN", &format!("\"{OAUTH_TOKEN}\""))])
        }),
    ]
}

fn parse(out: std::process::Output) -> (Value, String) {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (
        value,
        format!("{text}{}", String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn status_agrees_with_claude_auth_status() {
    let client = match client() {
        Ok(bin) => bin,
        Err(why) => {
            say(&format!("SKIPPED, the real client is not available: {why}"));
            return;
        }
    };
    let mut disagreements = Vec::new();
    let all = scenarios();
    for (name, build) in &all {
        let w = build();
        let (ours, our_text) = parse(w.ccauth(&["status", "--format", "json"]).output().unwrap());
        let mut theirs_cmd = Command::new(&client);
        theirs_cmd
            .args(["auth", "status", "--json"])
            .env_clear()
            .envs(w.env_pairs())
            .env("PATH", "/usr/bin:/bin")
            .env("TMPDIR", w.tmpdir())
            .current_dir(w.workspace());
        let (theirs, their_text) = parse(theirs_cmd.stdin(Stdio::null()).output().unwrap());
        assert!(
            theirs.is_object(),
            "{name}: the client printed no JSON: {their_text}"
        );
        assert!(
            ours.is_object(),
            "{name}: ccauth printed no JSON: {our_text}"
        );
        for (client_key, our_key) in FIELDS {
            let expected = theirs.get(*client_key).cloned().unwrap_or(Value::Null);
            let got = ours.get(*our_key).cloned().unwrap_or(Value::Null);
            if expected != got {
                disagreements.push(format!(
                    "{name}: {client_key} is {expected} for claude, {got} for ccauth"
                ));
            }
        }
    }
    say(&format!(
        "{} worlds compared with claude {CLIENT_VERSION}",
        all.len()
    ));
    assert!(all.len() >= 25);
    assert!(
        disagreements.is_empty(),
        "ccauth disagrees with the client:\n{}",
        disagreements.join("\n")
    );
}

/// Polls for a file's content, up to `limit`.
fn wait_for_file(path: &Path, limit: std::time::Duration) -> Option<String> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.trim().is_empty()
        {
            return Some(text);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

/// The real client's login screen listens on its callback port before any
/// network call (CLIENT-FACTS §5), so `claude auth login` waits offline with
/// a `BROWSER` that only records the authorize URL it is given. `ccauth
/// callback` delivers that login's own state to it, and records the answer:
/// the client takes the code, fails to exchange it (offline, or a made-up
/// code online) and answers "Sign-in was canceled or failed".
#[test]
fn callback_reaches_the_real_clients_waiting_login() {
    let client = match client() {
        Ok(bin) => bin,
        Err(why) => {
            say(&format!(
                "SKIPPED callback, the real client is not available: {why}"
            ));
            return;
        }
    };
    let w = World::new();
    let urls = w.home().join("browser-urls");
    let browser = w.home_file(
        "browser.sh",
        &format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
    );
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = w.home().join("claude-output");
    let output = std::fs::File::create(&log).unwrap();
    let mut login = Command::new(&client)
        .args(["auth", "login"])
        .env_clear()
        .envs(w.env_pairs())
        .env("PATH", "/usr/bin:/bin")
        .env("TMPDIR", w.tmpdir())
        .env("BROWSER", &browser)
        .current_dir(w.workspace())
        .stdin(Stdio::piped())
        .stdout(output.try_clone().unwrap())
        .stderr(output)
        .spawn()
        .unwrap();
    let opened = wait_for_file(&urls, std::time::Duration::from_secs(30));
    let Some(opened) = opened else {
        let _ = login.kill();
        let _ = login.wait();
        panic!(
            "the client opened no browser: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    };
    let authorize = url::Url::parse(opened.lines().next().unwrap()).unwrap();
    let param = |name: &str| {
        authorize
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no {name} in {authorize}"))
    };
    let redirect = url::Url::parse(&param("redirect_uri")).unwrap();
    assert_eq!(
        (redirect.host_str(), redirect.path()),
        (Some("localhost"), "/callback")
    );
    let state = param("state");
    let code = "ccauth-conformance-code-not-real";
    let callback = format!(
        "http://localhost:{}/callback?code={code}&state={state}",
        redirect.port().unwrap()
    );
    let out = w
        .ccauth(&["callback", "--sysroot", "/", &callback])
        .output()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let _ = login.kill();
    let _ = login.wait();
    let ours = String::from_utf8_lossy(&out.stdout).into_owned();
    let theirs = std::fs::read_to_string(&log).unwrap_or_default();
    say(&format!(
        "ccauth callback against claude {CLIENT_VERSION}:\n{ours}"
    ));
    say(&format!("claude printed:\n{theirs}"));
    assert!(!ours.contains(code) && !ours.contains(&state), "{ours}");
    assert!(ours.contains(&format!("process {}", login.id())), "{ours}");
    assert!(ours.contains("): Claude Code"), "{ours}");
    assert!(
        ours.contains("it answered \"Sign-in was canceled or failed\""),
        "{ours}"
    );
    assert_eq!(out.status.code(), Some(1), "{ours}");
    assert!(theirs.contains("Couldn't log in"), "{theirs}");
}
