//! Property test: no generated secret survives any renderer, whatever slot it
//! is planted in and whatever it looks like. Renderings pass the snapshot's
//! masking rule the way the binary passes them (`Report::masked`, then the
//! same rule on the rendered text as it leaves).

mod common;

use ccauth::checks::{self, Selection};
use ccauth::gather::{self, GatherInput};
use ccauth::report::{self, Report, Runtime};
use common::World;
use proptest::prelude::*;
use std::time::SystemTime;

/// Renders a world in every format the doctor and status have.
fn every_rendering(w: &World) -> Vec<String> {
    let ctx = gather::gather(GatherInput {
        env: w.env(),
        cwd: w.workspace(),
        workspace: None,
        sysroot: w.sysroot(),
        now: SystemTime::now(),
        uid: None,
        launcher: None,
    });
    let results = checks::run_all(&ctx, None, &Selection::default());
    let scrubber = ctx.scrubber();
    let report = Report::new(
        Runtime::from_context(
            &ctx,
            ccauth::status::one_line(&ctx),
            ccauth::status::gates_line(&ctx),
        ),
        results,
    )
    .masked(&scrubber);
    let status = ccauth::status::StatusReport::from_context(&ctx);
    let verbose = report::human::Style {
        color: false,
        verbose: true,
    };
    vec![
        report::human::render(&report, verbose),
        report::json::render(&report),
        report::github::render(&report),
        report::markdown::render(&report),
        report::junit::render(&report, false),
        report::status::json(&status),
        report::status::human(&status, verbose),
    ]
    .into_iter()
    .map(|text| scrubber.scrub(&text))
    .collect()
}

/// Secrets as they come: known prefixes or none, and bodies of any length
/// with the characters tokens use (plus some they should not).
fn secret() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(""),
        Just("sk-ant-api03-"),
        Just("sk-ant-oat01-"),
        Just("sk-ant-ort01-"),
        Just("sk-ant-admin01-"),
    ];
    (prefix, "[A-Za-z0-9_-]{24,100}", "[ \"'\\r\\n]{0,2}")
        .prop_map(|(p, body, junk)| format!("{junk}{p}{body}{junk}"))
}

/// A window of the secret's body long enough that seeing it would be a leak.
fn leaked(text: &str, secret: &str) -> bool {
    let body: String = secret
        .trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string();
    let start = body.find("01-").or(body.find("03-")).map_or(0, |i| i + 3);
    let body = &body[start..];
    body.len() >= 12 && (0..body.len() - 11).any(|i| text.contains(&body[i..i + 12]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn no_secret_survives_any_renderer(a in secret(), b in secret(), c in secret(), slot in 0..5usize) {
        let w = match slot {
            0 => World::new().docker().with_env("ANTHROPIC_API_KEY", &a).with_env("CLAUDE_CODE_OAUTH_TOKEN", &b).with_env("ANTHROPIC_AUTH_TOKEN", &c),
            1 => {
                let w = World::new();
                w.home_file(".claude/settings.json", &serde_json::json!({"env": {"ANTHROPIC_API_KEY": a, "CLAUDE_CODE_OAUTH_TOKEN": b}, "apiKeyHelper": format!("echo {c}")}).to_string());
                w
            }
            2 => {
                let w = World::new();
                w.home_file(".claude/.credentials.json", &serde_json::json!({"claudeAiOauth": {"accessToken": a, "refreshToken": b, "expiresAt": 1, "scopes": ["user:inference"]}}).to_string());
                w.home_file(".claude.json", &serde_json::json!({"primaryApiKey": c}).to_string());
                w
            }
            3 => {
                // Slots without a credential variable's name: a helper's
                // first word, a gateway URL's password, a devcontainer default.
                let (a, b, c) = (a.trim(), b.trim(), c.trim());
                let w = World::new().with_env("ANTHROPIC_BASE_URL", &format!("ftp://gw:{}@gw.example", b.trim_matches(|ch| ch == '"' || ch == '\'')));
                w.home_file(".claude/settings.json", &serde_json::json!({"apiKeyHelper": format!("VAULT_TOKEN={a} /usr/local/bin/get-key")}).to_string());
                w.workspace_file(".devcontainer/devcontainer.json", &serde_json::json!({"containerEnv": {"ANTHROPIC_API_KEY": format!("${{localEnv:ANTHROPIC_API_KEY:{c}}}")}}).to_string());
                w
            }
            _ => {
                let w = World::new().with_env("PATH", "");
                w.git(&["init", "-q"]);
                w.workspace_file(".devcontainer/api.env", &format!("ANTHROPIC_API_KEY={a}\nCLAUDE_CODE_OAUTH_TOKEN={b}\n"));
                w.workspace_file(".devcontainer/devcontainer.json", &serde_json::json!({"postStartCommand": format!("echo {c} > ~/.claude.json")}).to_string());
                w
            }
        };
        for text in every_rendering(&w) {
            for s in [&a, &b, &c] {
                prop_assert!(!leaked(&text, s), "a secret leaked:\n{}", text);
            }
        }
    }
}
