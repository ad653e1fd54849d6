//! `onboarding-flag`: with an env token, the interactive client still runs its
//! first-run wizard until the effective config says `hasCompletedOnboarding`.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Place, Problem, launch, shell_quote};
use crate::auth::{self, SourceKind};
use crate::devcontainer;
use crate::gather::Context;
use crate::gather::claude_state::{ClaudeJson, LoadError, Loaded};
use crate::gather::fsread::FileKind;
use crate::gather::launcher::Mode;
use serde_json::Value;
use std::path::Path;

/// Fails when an env token is set and the onboarding flag is not `true`.
pub(crate) struct OnboardingFlag;

impl Check for OnboardingFlag {
    fn id(&self) -> &'static str {
        "onboarding-flag"
    }

    fn title(&self) -> &'static str {
        "The first-run wizard will not stop claude"
    }

    fn category(&self) -> Category {
        Category::SignIn
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/onboarding-flag.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        if ctx.launch.mode == Mode::Print {
            // CLIENT-FACTS §6: `-p` never runs onboarding; a person who later
            // runs interactive claude there is not this job's concern.
            return Finding::skip(format!(
                "claude -p does not run the first-run wizard, and {} runs claude -p.",
                ctx.launch.describe()
            ));
        }
        let overwriting = overwriting_commands(ctx);
        let finding = judge_flag(ctx);
        let finding = match overwrite_problem(&overwriting) {
            Some(problem) => finding.and(problem),
            None => finding,
        };
        let described: Vec<&str> = overwriting.iter().map(|c| c.described.as_str()).collect();
        finding.with("overwriting_commands", described)
    }
}

fn judge_flag(ctx: &Context) -> Finding {
    let tokens: Vec<String> = auth::credentials(ctx)
        .into_iter()
        .filter(|c| {
            c.present && matches!(c.kind, SourceKind::OauthTokenEnv | SourceKind::AuthToken)
        })
        .map(|c| c.describe())
        .collect();
    let Some(config) = ctx.effective_config() else {
        return Finding::skip(
            "Neither HOME nor CLAUDE_CONFIG_DIR is known, so there is no config file to read.",
        );
    };
    let Some(first) = tokens.first() else {
        return first_run(ctx, config);
    };
    let finding = match flag_problem(ctx, config, first) {
        Some(problem) => Finding::problem(problem),
        None => Finding::pass(format!(
            "hasCompletedOnboarding is true in {}{}.",
            config.path.display(),
            shadow_note(ctx)
        )),
    };
    finding
        .with("tokens", &tokens)
        .with("config_file", &config.path)
}

/// The problem with the flag in the effective config, `None` when it is
/// `true`; a missing or flagless file carries the repair that sets it.
fn flag_problem(ctx: &Context, config: &Loaded<ClaudeJson>, token: &str) -> Option<Problem> {
    let shadow = shadow_note(ctx);
    let path = config.path.display();
    let place = Place::file(&config.path).key(FLAG);
    let problem = match &config.content {
        Ok(json) if json.onboarding_done() => return None,
        Ok(json) => Problem::fail(
            "not-set",
            format!(
                "{token} is set, but {path}{shadow} has hasCompletedOnboarding {}. {GATE}",
                describe_flag(json)
            ),
            merge_fix(&config.path),
        )
        .repaired_by(set_flag(ctx, &config.path)),
        Err(e) if e.is_missing() => Problem::fail(
            "config-missing",
            format!("{token} is set, but {path} does not exist{shadow}. {GATE}"),
            create_fix(ctx, &config.path),
        )
        .repaired_by(set_flag(ctx, &config.path)),
        Err(e) => Problem::fail(
            "config-unreadable",
            format!(
                "{token} is set, but {path}{shadow} {}, so the client cannot read the flag. {GATE}",
                e.describe()
            ),
            unreadable_fix(ctx, config),
        ),
    };
    Some(problem.at(place))
}

/// Without an env token the wizard still runs on a first start, for a
/// stored login, an API key or nothing (seen in tmux with 2.1.332: its
/// network check comes first and exits 1 offline). A person online gets
/// through it, so this is a warning with the same safe repair.
fn first_run(ctx: &Context, config: &Loaded<ClaudeJson>) -> Finding {
    let path = config.path.display();
    let state = match &config.content {
        Ok(json) if json.onboarding_done() => {
            return Finding::pass(format!(
                "hasCompletedOnboarding is set in {path}{}: no first-run wizard.",
                shadow_note(ctx)
            ));
        }
        Ok(json) => format!("has hasCompletedOnboarding {}", describe_flag(json)),
        Err(e) if e.is_missing() => "does not exist".to_string(),
        Err(_) => {
            return Finding::skip(format!(
                "{path} cannot be read (config-file says why), so the flag cannot be judged."
            ));
        }
    };
    let fix = match &config.content {
        Ok(_) => merge_fix(&config.path),
        Err(_) => create_fix(ctx, &config.path),
    };
    let problem = Problem::warn(
        "first-run",
        format!(
            "{path}{} {state}, so interactive claude starts with the first-run wizard. Unless the credential is \
             ANTHROPIC_AUTH_TOKEN or a cloud provider, the wizard first checks the network and exits 1 with \
             \"Unable to connect to Anthropic services\" when api.anthropic.com or platform.claude.com does \
             not answer; online, a person picks a theme and goes on.",
            shadow_note(ctx)
        ),
        fix,
    )
    .at(Place::file(&config.path).key(FLAG))
    .repaired_by(set_flag(ctx, &config.path));
    Finding::problem(problem)
}

/// The key the wizard's gate reads.
const FLAG: &str = "hasCompletedOnboarding";

/// Says that the legacy config replaces `.claude.json`, when it does.
fn shadow_note(ctx: &Context) -> String {
    ctx.legacy_config.as_ref().map_or(String::new(), |legacy| {
        format!(
            " (the legacy {} exists and replaces .claude.json, so the flag must be there)",
            legacy.path.display()
        )
    })
}

/// The repair: merge the flag (and the installed version) into the config,
/// creating it when it is missing.
fn set_flag(ctx: &Context, path: &Path) -> Repair {
    let mut keys = vec![(FLAG.to_string(), Value::Bool(true))];
    if let Some(version) = ctx.installs.first().and_then(|i| i.version.clone()) {
        keys.push(("lastOnboardingVersion".to_string(), Value::String(version)));
    }
    Repair::new(
        format!("merge \"{FLAG}\": true into {}", path.display()),
        Action::SetConfigKeys {
            path: path.to_path_buf(),
            keys,
        },
    )
}

const GATE: &str = "Interactive `claude` will run the first-run wizard (and its network preflight, which exits \
                    when api.anthropic.com or platform.claude.com is unreachable) before using the token. \
                    `claude -p` is not affected.";

fn describe_flag(json: &ClaudeJson) -> String {
    match &json.has_completed_onboarding {
        None => "missing".to_string(),
        Some(value) => format!("set to {value}, which the client reads as false"),
    }
}

fn create_fix(ctx: &Context, path: &Path) -> String {
    let p = shell_quote(&path.display().to_string());
    let once = format!("test -e {p} || echo '{{\"hasCompletedOnboarding\": true}}' > {p}");
    let now = format!(
        "Create the file with the flag (it does not exist, so nothing is lost):\n  \
         (umask 077 && echo '{{\"hasCompletedOnboarding\": true}}' > {p})"
    );
    match launch::on_creation(&ctx.launch, &once) {
        Some(later) => format!("{now}\n{later}"),
        None => now,
    }
}

fn merge_fix(path: &Path) -> String {
    let p = shell_quote(&path.display().to_string());
    format!(
        "Merge the flag into the existing file, keeping every other key:\n  \
         jq '.hasCompletedOnboarding = true' {p} > {p}.new && cat {p}.new > {p} && rm {p}.new\n\
         or, without jq:\n  \
         node -e 'const f=process.argv[1],fs=require(\"fs\"),c=JSON.parse(fs.readFileSync(f,\"utf8\"));\
         c.hasCompletedOnboarding=true;fs.writeFileSync(f,JSON.stringify(c,null,2))' {p}\n\
         Do not use `echo '{{\"hasCompletedOnboarding\": true}}' > {p}` here: it wipes the account, trusted folders \
         and approved keys stored in the file."
    )
}

fn unreadable_fix(ctx: &Context, config: &Loaded<ClaudeJson>) -> String {
    let p = shell_quote(&config.path.display().to_string());
    match &config.content {
        Err(LoadError::File(crate::gather::fsread::FileProblem::NotAFile(FileKind::Directory))) => {
            super::bind_dir::fix(
                ctx,
                &config.path,
                Some(r#"{"hasCompletedOnboarding": true}"#),
            )
        }
        _ => format!(
            "Repair or restore the file (the newest copy is in the config dir's backups/ folder), then merge the \
             flag in:\n  jq '.hasCompletedOnboarding = true' {p} > {p}.new && cat {p}.new > {p} && rm {p}.new"
        ),
    }
}

/// A lifecycle command that truncates `.claude.json`.
struct Overwrite {
    /// Hook, file and the redirection alone (the rest of a command may
    /// hold secrets).
    described: String,
    /// The devcontainer.json and the hook's key.
    place: Place,
}

/// Lifecycle commands that truncate `.claude.json`, in every parsed
/// devcontainer.json.
fn overwriting_commands(ctx: &Context) -> Vec<Overwrite> {
    ctx.workspace
        .parsed_devcontainers()
        .flat_map(|(path, config)| {
            devcontainer::lifecycle_commands(config)
                .into_iter()
                .filter_map(|(hook, command)| {
                    let write = devcontainer::truncating_write(&command, ".claude.json")?;
                    Some(Overwrite {
                        described: format!("{hook} in {} (`{write}`)", ctx.workspace.display(path)),
                        place: ctx.workspace.devcontainer_place(path, &[hook]),
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One warning for every overwriting command, placed at each hook.
fn overwrite_problem(commands: &[Overwrite]) -> Option<Problem> {
    if commands.is_empty() {
        return None;
    }
    let described: Vec<&str> = commands.iter().map(|c| c.described.as_str()).collect();
    let cause = format!(
        "A lifecycle command overwrites .claude.json with `>`, wiping the account, trusted folders and \
         approved keys whenever it runs on an existing file: {}.",
        described.join("; ")
    );
    Some(
        Problem::warn("overwritten-by-lifecycle", cause, OVERWRITE_FIX)
            .at_all(commands.iter().map(|c| c.place.clone())),
    )
}

const OVERWRITE_FIX: &str = "\
Only create the file when it is missing, or merge the flag into it:
  \"postCreateCommand\": \"test -e ~/.claude.json || echo '{\\\"hasCompletedOnboarding\\\": true}' > ~/.claude.json\"
  (or merge it from a shell: t=$(mktemp ~/.claude.json.XXXXXX) && jq '.hasCompletedOnboarding = true' ~/.claude.json > \"$t\" && cat \"$t\" > ~/.claude.json; rm -f \"$t\")";
