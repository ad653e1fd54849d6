//! Promise: "No secret leaves, in any command, format or file".
//!
//! A table of secret shapes is planted in a table of slots (every place
//! ccauth reads a value from, each written the way users write it), and
//! every command × format × `--output` × step summary is run on the world;
//! stdout, stderr and every file written are searched for each secret's
//! distinctive middle part (a marker no masked form keeps: masking keeps at
//! most an `sk-ant-` kind prefix and the last four characters).
//!
//! Cases: 7 tests. Four fast ones run every invocation of one command
//! family on the world where shape `i` sits in slot `i` (every slot and
//! every shape once); `why_pastes` holds the pasted shapes; one
//! checks the masked forms still identify a token; the slow one
//! (`every_shape_in_every_slot`, ignored) rotates the shapes through the
//! slots until each shape has been in each slot ([`SLOTS`] × [`SHAPES`]
//! plantings, each run through every invocation).

use crate::common::{World, git_path};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// One shape of secret: how a value of that kind looks, around a marker.
struct Shape {
    name: &'static str,
    /// The value, with the marker inside it (never in its last four characters).
    make: fn(&str) -> String,
    /// Only characters a token uses (no quotes, no backslash, no space): the
    /// shapes that fit every slot, also those no value registry knows.
    token_chars: bool,
}

/// Secret shapes, from the issue and the lead's list.
const SHAPES: &[Shape] = &[
    Shape {
        name: "sk-ant api key",
        make: |m| format!("sk-ant-api03-{m}AbCdEfGh0123456789xyz-wxyz"),
        token_chars: true,
    },
    Shape {
        name: "sk-ant oauth token",
        make: |m| format!("sk-ant-oat01-{m}Zz9Yy8Xx7Ww6Vv5Uu4-abcd"),
        token_chars: true,
    },
    Shape {
        name: "no prefix, mixed case",
        make: |m| format!("gw{m}Lm2Xp7Rt4Vb8Nc3Qd5"),
        token_chars: true,
    },
    Shape {
        name: "no prefix, short lowercase password",
        make: |m| format!("pw{}xyzzy9", m.to_ascii_lowercase()),
        token_chars: true,
    },
    Shape {
        name: "GitHub ghp_",
        make: |m| format!("ghp_{m}0123456789abcdefXYZW"),
        token_chars: true,
    },
    Shape {
        name: "Vault s.",
        make: |m| format!("s.{m}aBcDeFgHiJkLmNoPqR"),
        token_chars: true,
    },
    Shape {
        name: "Vault hvs.",
        make: |m| format!("hvs.{m}CAESIJ0123456789abcdefgh"),
        token_chars: true,
    },
    Shape {
        name: "JWT",
        make: |m| format!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIi{m}OiIxMjM0In0.c2lnbmF0dXJlc2ln"),
        token_chars: true,
    },
    Shape {
        name: "AWS access key id",
        make: |m| format!("AKIA{}QRSTUVW", m.to_ascii_uppercase()),
        token_chars: true,
    },
    Shape {
        name: "AWS secret access key",
        make: |m| format!("wJalrXUtnFEMI/K7MDENG/{m}bPxRfiCYEXAMPLEKEY"),
        token_chars: true,
    },
    Shape {
        name: "JSON-escaped quote and backslash",
        make: |m| format!("pa\"ss\\{m}word-9876"),
        token_chars: false,
    },
    Shape {
        name: "with a space",
        make: |m| format!("correct horse {m} battery"),
        token_chars: false,
    },
];

/// What a world is made of, filled in by the slots.
#[derive(Default)]
struct Plan {
    env: Vec<(String, String)>,
    user_env: Map<String, Value>,
    project_env: Map<String, Value>,
    managed_env: Map<String, Value>,
    helper: Option<String>,
    credentials: Map<String, Value>,
    claude_json: Map<String, Value>,
    mcp_headers: Map<String, Value>,
    mcp_env: Map<String, Value>,
    container_env: Map<String, Value>,
    remote_env: Map<String, Value>,
    run_args: Vec<Value>,
    compose_env: Vec<String>,
    env_file: Vec<String>,
    why: Vec<String>,
}

/// One place a secret can sit.
struct Slot {
    name: &'static str,
    /// The value sits where ccauth knows it is a secret (a credential or
    /// secret-named variable, a token field), so any shape fits it.
    known: bool,
    plant: fn(&mut Plan, &str),
}

fn env(plan: &mut Plan, name: &str, value: String) {
    plan.env.push((name.to_string(), value));
}

/// Every slot ccauth reads a value from.
const SLOTS: &[Slot] = &[
    Slot {
        name: "process ANTHROPIC_API_KEY",
        known: true,
        plant: |p, v| env(p, "ANTHROPIC_API_KEY", v.into()),
    },
    Slot {
        name: "process CLAUDE_CODE_OAUTH_TOKEN",
        known: true,
        plant: |p, v| env(p, "CLAUDE_CODE_OAUTH_TOKEN", v.into()),
    },
    Slot {
        name: "process GH_TOKEN",
        known: true,
        plant: |p, v| env(p, "GH_TOKEN", v.into()),
    },
    Slot {
        name: "ANTHROPIC_BASE_URL password (not http)",
        known: true,
        plant: |p, v| {
            env(
                p,
                "ANTHROPIC_BASE_URL",
                format!("ftp://gw:{}@gw.example", url(v)),
            )
        },
    },
    Slot {
        name: "HTTPS_PROXY password",
        known: true,
        plant: |p, v| env(p, "HTTPS_PROXY", format!("http://me:{}@proxy:3128", url(v))),
    },
    Slot {
        name: "runtime: the container variable",
        known: false,
        plant: |p, v| env(p, "container", format!("docker GH_TOKEN={v}")),
    },
    Slot {
        name: "user settings env ANTHROPIC_AUTH_TOKEN",
        known: true,
        plant: |p, v| {
            p.user_env.insert("ANTHROPIC_AUTH_TOKEN".into(), v.into());
        },
    },
    Slot {
        name: "project settings env ANTHROPIC_API_KEY",
        known: true,
        plant: |p, v| {
            p.project_env.insert("ANTHROPIC_API_KEY".into(), v.into());
        },
    },
    Slot {
        name: "managed settings env DB_PASSWORD",
        known: true,
        plant: |p, v| {
            p.managed_env.insert("DB_PASSWORD".into(), v.into());
        },
    },
    Slot {
        name: "apiKeyHelper first word",
        known: true,
        plant: |p, v| p.helper = Some(format!("VAULT_TOKEN='{v}' /usr/local/bin/get-key --quiet")),
    },
    Slot {
        name: ".credentials.json accessToken",
        known: true,
        plant: |p, v| {
            p.credentials.insert("accessToken".into(), v.into());
        },
    },
    Slot {
        name: ".credentials.json refreshToken",
        known: true,
        plant: |p, v| {
            p.credentials.insert("refreshToken".into(), v.into());
        },
    },
    Slot {
        name: ".claude.json primaryApiKey",
        known: true,
        plant: |p, v| {
            p.claude_json.insert("primaryApiKey".into(), v.into());
        },
    },
    Slot {
        name: ".claude.json MCP Authorization header",
        known: false,
        plant: |p, v| {
            p.mcp_headers
                .insert("Authorization".into(), format!("Bearer {v}").into());
        },
    },
    Slot {
        name: ".claude.json MCP env API_TOKEN",
        known: false,
        plant: |p, v| {
            p.mcp_env.insert("API_TOKEN".into(), v.into());
        },
    },
    Slot {
        name: ".claude.json MCP DATABASE_URL password",
        known: false,
        plant: |p, v| {
            p.mcp_env.insert(
                "DATABASE_URL".into(),
                format!("postgres://app:{}@db:5432/x", url(v)).into(),
            );
        },
    },
    Slot {
        name: ".claude.json MCP url ?token=",
        known: false,
        plant: |p, v| {
            p.mcp_env.insert(
                "HOOK".into(),
                format!("https://hooks.example/x?token={}&b=1", url(v)).into(),
            );
        },
    },
    Slot {
        name: "containerEnv ${localEnv:…:default}",
        known: true,
        plant: |p, v| {
            p.container_env.insert(
                "ANTHROPIC_API_KEY".into(),
                format!("${{localEnv:ANTHROPIC_API_KEY:{v}}}").into(),
            );
        },
    },
    Slot {
        name: "remoteEnv DATABASE_URL password",
        known: true,
        plant: |p, v| {
            p.remote_env.insert(
                "DATABASE_URL".into(),
                format!("postgres://app:{}@db/x", url(v)).into(),
            );
        },
    },
    Slot {
        name: "remoteEnv GH_TOKEN",
        known: true,
        plant: |p, v| {
            p.remote_env.insert("GH_TOKEN".into(), v.into());
        },
    },
    Slot {
        name: "runArgs -e",
        known: true,
        plant: |p, v| {
            p.run_args
                .extend([json!("-e"), json!(format!("ANTHROPIC_AUTH_TOKEN={v}"))])
        },
    },
    Slot {
        name: "compose environment",
        known: true,
        plant: |p, v| p.compose_env.push(format!("ANTHROPIC_API_KEY={v}")),
    },
    Slot {
        name: "env file",
        known: true,
        plant: |p, v| p.env_file.push(format!("CLAUDE_CODE_OAUTH_TOKEN={v}")),
    },
    Slot {
        name: "why: Authorization Bearer",
        known: false,
        plant: |p, v| {
            p.why
                .push(format!("> GET /v1/models Authorization: Bearer {v}"))
        },
    },
    Slot {
        name: "why: x-api-key header",
        known: false,
        plant: |p, v| p.why.push(format!("x-api-key: {v}")),
    },
    Slot {
        name: "why: proxy password",
        known: false,
        plant: |p, v| {
            p.why
                .push(format!("HTTPS_PROXY=http://me:{}@proxy:3128", url(v)))
        },
    },
    Slot {
        name: "why: NAME=value env dump",
        known: false,
        plant: |p, v| p.why.push(format!("SERVICE_TOKEN={v}")),
    },
    Slot {
        name: "why: a known key split by a line wrap",
        known: true,
        plant: |p, v| {
            env(p, "ANTHROPIC_AUTH_TOKEN", v.into());
            // Late enough that the marker is whole in the first part.
            let cut = v.len() - 5;
            p.why.push(format!("token {}\n{}", &v[..cut], &v[cut..]));
        },
    },
];

/// Percent-encodes what a URL's userinfo or query cannot carry as is.
fn url(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' => c.to_string(),
            c => format!("%{:02X}", c as u32),
        })
        .collect()
}

/// The marker of slot `slot` holding shape `shape`: distinctive, alphanumeric.
fn marker(slot: usize, shape: usize) -> String {
    format!("Qz{slot:02}k{shape:02}Jw")
}

/// Planted worlds and the markers no output may show.
struct Planted {
    world: World,
    markers: Vec<(String, String)>,
    why: String,
}

/// The world where slot `i` holds shape `(i + offset) % SHAPES.len()`;
/// a slot that needs token characters skips a shape without them.
fn planted(offset: usize) -> Planted {
    let mut plan = Plan::default();
    let mut markers = Vec::new();
    for (i, slot) in SLOTS.iter().enumerate() {
        let j = (i + offset) % SHAPES.len();
        let shape = &SHAPES[j];
        if !slot.known && !shape.token_chars {
            continue;
        }
        let m = marker(i, j);
        let value = (shape.make)(&m);
        (slot.plant)(&mut plan, &value);
        let placed = [m.clone(), m.to_ascii_lowercase(), m.to_ascii_uppercase()]
            .into_iter()
            .find(|form| value.contains(form.as_str()))
            .expect("every shape holds its marker");
        markers.push((placed, format!("{} in {}", shape.name, slot.name)));
    }
    let why = format!("Not logged in · Please run /login\n{}", plan.why.join("\n"));
    Planted {
        world: build(plan),
        markers,
        why,
    }
}

/// Writes the plan's files; the world is a Docker container with git.
fn build(plan: Plan) -> World {
    let mut w = World::new().docker().with_env("PATH", &git_path());
    for (name, value) in &plan.env {
        w = w.with_env(name, value);
    }
    let w = w.git_init();
    let mut user = json!({"env": plan.user_env});
    if let Some(helper) = &plan.helper {
        user["apiKeyHelper"] = json!(helper);
    }
    w.home_file(".claude/settings.json", &user.to_string());
    w.workspace_file(
        ".claude/settings.json",
        &json!({"env": plan.project_env}).to_string(),
    );
    w.sys_file(
        "etc/claude-code/managed-settings.json",
        &json!({"env": plan.managed_env}).to_string(),
    );
    let mut login = plan.credentials.clone();
    login.insert("expiresAt".into(), json!(1));
    login.insert("scopes".into(), json!(["user:inference"]));
    w.home_file(
        ".claude/.credentials.json",
        &json!({"claudeAiOauth": login}).to_string(),
    );
    // Minified, as a hand-edited or tool-written config may be, with an
    // escaped quote before the secrets: the diff's context is this one line.
    let mut config = plan.claude_json.clone();
    config.insert("tip".into(), json!("a 5\" screen"));
    config.insert(
        "mcpServers".into(),
        json!({"db": {"command": "db-mcp", "env": plan.mcp_env,
                      "headers": plan.mcp_headers}}),
    );
    w.home_file(".claude.json", &Value::Object(config).to_string());
    w.workspace_file(".devcontainer/api.env", &(plan.env_file.join("\n") + "\n"));
    w.workspace_file(
        ".devcontainer/compose.yaml",
        &format!(
            "services:\n  dev:\n    image: x\n    environment:\n{}",
            plan.compose_env
                .iter()
                .map(|e| format!("      - {}\n", serde_json::to_string(e).unwrap()))
                .collect::<String>()
        ),
    );
    let mut run_args = vec![json!("--env-file"), json!(".devcontainer/api.env")];
    run_args.extend(plan.run_args);
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        &json!({"dockerComposeFile": "compose.yaml", "service": "dev",
                "containerEnv": plan.container_env, "remoteEnv": plan.remote_env,
                "runArgs": run_args, "forwardPorts": [54545]})
        .to_string(),
    );
    w
}

/// One invocation: the arguments, what it reads on stdin, and the extra
/// environment (the step summary).
struct Run {
    args: Vec<String>,
    stdin: Option<String>,
    actions: bool,
}

fn run(args: &[&str]) -> Run {
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: None,
        actions: false,
    }
}

/// Every format of `doctor`, the default included.
fn doctor_runs() -> Vec<Run> {
    let mut runs = vec![
        run(&["doctor"]),
        run(&["doctor", "-v", "--color", "always"]),
    ];
    for format in ["human", "json", "github", "markdown", "junit", "sarif"] {
        runs.push(run(&["doctor", "-v", "--format", format]));
    }
    runs
}

/// `--output FILE` in two formats, and the step summary in GitHub Actions.
fn file_runs() -> Vec<Run> {
    let mut actions = run(&["doctor", "-v"]);
    actions.actions = true;
    let mut github = run(&["doctor", "--format", "github"]);
    github.actions = true;
    vec![
        run(&["doctor", "-v", "--format", "json", "--output", "OUT"]),
        run(&["doctor", "-v", "--format", "markdown", "--output", "OUT"]),
        actions,
        github,
    ]
}

fn status_runs() -> Vec<Run> {
    vec![run(&["status"]), run(&["status", "--format", "json"])]
}

/// `why` with the paste as its argument and on standard input.
fn why_runs(paste: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    for format in ["human", "json"] {
        runs.push(run(&["why", "--format", format, paste]));
        let mut piped = run(&["why", "--format", format]);
        piped.stdin = Some(paste.to_string());
        runs.push(piped);
    }
    runs
}

fn dry_run_runs() -> Vec<Run> {
    let named =
        "--fix=api-key-approval,config-file,onboarding-flag,credentials-file,env-file-ignored";
    vec![
        run(&["doctor", "--fix", "--dry-run"]),
        run(&["doctor", named, "--dry-run", "-v"]),
        run(&["doctor", named, "--dry-run", "--format", "json"]),
        run(&["doctor", named, "--dry-run", "--format", "markdown"]),
    ]
}

/// Every file under `dir`, with its content.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with(".git") {
                dirs.push(path);
            } else if path.is_file() {
                let content = std::fs::read(&path).unwrap_or_default();
                found.push((path, content));
            }
        }
    }
    found.sort();
    found
}

/// Runs each invocation on the planted world and returns every leak found:
/// a marker on stdout, on stderr, in `--output`, in the step summary, or in
/// any file of the world the run changed or created.
fn leaks(p: &Planted, runs: &[Run]) -> Vec<String> {
    let out_dir = tempfile::tempdir().unwrap();
    let out_file = out_dir.path().join("report.out");
    let summary = out_dir.path().join("summary.md");
    let root = p.world.home().parent().unwrap().to_path_buf();
    let mut found = Vec::new();
    for r in runs {
        let before = files(&root);
        let args: Vec<&str> = r
            .args
            .iter()
            .map(|a| {
                if a == "OUT" {
                    out_file.to_str().unwrap()
                } else {
                    a
                }
            })
            .collect();
        let mut cmd = p.world.ccauth(&args);
        if r.actions {
            cmd.env("GITHUB_ACTIONS", "true")
                .env("GITHUB_STEP_SUMMARY", &summary);
        }
        if let Some(stdin) = &r.stdin {
            cmd.write_stdin(stdin.as_bytes());
        }
        let out = cmd
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let mut outputs = vec![
            ("stdout".to_string(), out.stdout),
            ("stderr".to_string(), out.stderr),
        ];
        for (path, content) in files(out_dir.path()) {
            outputs.push((path.display().to_string(), content));
        }
        for (path, content) in files(&root) {
            if !before.iter().any(|(p, c)| *p == path && *c == content) {
                outputs.push((format!("written: {}", path.display()), content));
            }
        }
        for (place, bytes) in outputs {
            let text = String::from_utf8_lossy(&bytes);
            for (m, what) in &p.markers {
                if text.contains(m.as_str()) {
                    let line = text.lines().find(|l| l.contains(m.as_str())).unwrap_or("");
                    found.push(format!("{what}: ccauth {:?} -> {place}: {line}", r.args));
                }
            }
        }
        let _ = std::fs::remove_file(&out_file);
        let _ = std::fs::remove_file(&summary);
    }
    found
}

fn assert_no_leak(p: &Planted, runs: &[Run]) {
    let found = leaks(p, runs);
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn doctor_and_status_every_format() {
    let p = planted(0);
    let mut runs = doctor_runs();
    runs.extend(status_runs());
    assert_no_leak(&p, &runs);
}

#[test]
fn doctor_output_file_and_step_summary() {
    let p = planted(0);
    assert_no_leak(&p, &file_runs());
}

#[test]
fn why_argument_and_stdin() {
    let p = planted(0);
    assert_no_leak(&p, &why_runs(&p.why.clone()));
}

#[test]
fn dry_run_diffs() {
    let p = planted(0);
    assert_no_leak(&p, &dry_run_runs());
}

/// The pastes, each alone, with nothing known about them: a Bearer
/// token, an `x-api-key:` header, a proxy password, a `NAME=value` env dump
/// and an `sk-ant-` key split by a wrap.
#[test]
fn why_pastes() {
    let w = World::new();
    let pastes = [
        "Authorization: Bearer gwQzBearerMk0123456789abcdEF",
        "x-api-key: QzHeaderMk0123456789abcdEF",
        "HTTPS_PROXY=http://me:QzProxyPwMk@proxy:3128",
        "GH_TOKEN=QzDumpMk12 VAULT_TOKEN=s.QzVaultMk0123456789abcd",
        "sk-ant-api03-AbCdEfGhQzSplitMk\n  QzSplitMk0123456789-wxyz",
    ];
    let mut found = Vec::new();
    for paste in pastes {
        let message = format!("Not logged in · Please run /login\n{paste}");
        for format in ["human", "json"] {
            let out = w
                .ccauth(&["why", "--format", format, &message])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            if text.contains("Mk") && text.contains("Qz") {
                found.push(format!("{paste:?} in {format}:\n{text}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Masking keeps what identifies a token, the same way everywhere: the
/// kind of an `sk-ant-` key and the last four of a long value, the name
/// before it and the words around it.
#[test]
fn masked_forms_still_identify_the_token() {
    let w = World::new();
    let paste = "Not logged in · Please run /login\nGH_TOKEN=ghp_QzMk0123456789abcdefXYZW sk-ant-api03-QzMkAbCdEfGh0123456789-wxyz";
    let out = w
        .ccauth(&["why", "--format", "json", paste])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["input"]["text"],
        "Not logged in · Please run /login\nGH_TOKEN=********XYZW sk-ant-api03-********wxyz"
    );
}

/// Every shape in every slot: the worlds for every rotation, each run
/// through every invocation.
#[test]
#[ignore = "slow: every rotation of the shapes through the slots, each through every command and format"]
fn every_shape_in_every_slot() {
    let mut found = Vec::new();
    for offset in 0..SHAPES.len() {
        let p = planted(offset);
        let mut runs = doctor_runs();
        runs.extend(file_runs());
        runs.extend(status_runs());
        runs.extend(why_runs(&p.why.clone()));
        runs.extend(dry_run_runs());
        found.extend(leaks(&p, &runs));
    }
    assert!(
        found.is_empty(),
        "{} leak(s):\n{}",
        found.len(),
        found.join("\n")
    );
}
