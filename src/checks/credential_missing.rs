//! `credential-missing`: does any credential reach Claude Code at all?

use super::{Category, Check, Finding, Problem, join_words, launch, places};
use crate::auth::{self, Credential, Mode, SourceKind};
use crate::devcontainer;
use crate::gather::Context;
use crate::gather::stray::{StrayCredential, StrayKind};

/// Fails when no source of FACTS §2 provides a usable credential.
pub(crate) struct CredentialMissing;

impl Check for CredentialMissing {
    fn id(&self) -> &'static str {
        "credential-missing"
    }

    fn title(&self) -> &'static str {
        "A credential reaches Claude Code"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/credential-missing.md")
    }

    /// `claude --bare` reads `ANTHROPIC_API_KEY` alone (2.1.332 says "Not
    /// logged in · Please run /login" with a valid CLAUDE_CODE_OAUTH_TOKEN),
    /// and a flag on the command line is not in the snapshot.
    fn out_of_sight(&self, ctx: &Context) -> Option<String> {
        let winner = auth::resolve(ctx, Mode::Print).winner?;
        (winner.kind != SourceKind::ApiKey).then(|| {
            format!(
                "if claude is started with --bare, it reads ANTHROPIC_API_KEY alone and ignores {}, then says \
                 \"Not logged in\" (ccauth cannot see the command line): drop --bare, or give it ANTHROPIC_API_KEY.",
                winner.describe()
            )
        })
    }

    fn run(&self, ctx: &Context) -> Finding {
        let all = auth::credentials(ctx);
        let resolution = auth::resolve(ctx, Mode::Print);
        if let Some(winner) = &resolution.winner {
            return Finding::pass(format!(
                "Claude Code uses {} (authMethod {}).",
                winner.describe(),
                resolution.auth_method
            ))
            .with("credentials", &all)
            .with("auth_method", resolution.auth_method);
        }
        if stored_login_exists(ctx) {
            return Finding::skip(
                "The only candidate is the /login credential file, which gives no usable credential: \
                 credentials-file says why.",
            )
            .with("credentials", &all);
        }
        let none = Problem::fail(
            "none",
            "No credential reaches Claude Code: nothing usable in the environment, the settings files' env \
             blocks, apiKeyHelper, .credentials.json or primaryApiKey.",
            fix(ctx),
        );
        let mut problems: Vec<Problem> = all
            .iter()
            .filter(|c| !c.present)
            .map(|c| unusable(ctx, c))
            .collect();
        let bare_only: Vec<&Credential> = all
            .iter()
            .filter(|c| c.present && c.kind != SourceKind::ApiKey)
            .collect();
        if !bare_only.is_empty() {
            problems.push(bare_mode(ctx, &bare_only));
        }
        problems.extend(
            ctx.stray_credentials
                .iter()
                .enumerate()
                .map(|(i, c)| never_read(ctx, c, i == 0)),
        );
        problems
            .into_iter()
            .fold(Finding::problem(none), Finding::and)
            .with("credentials", &all)
            .with("credentials_file", ctx.paths.credentials.as_ref())
    }
}

/// A credential that is set but not picked up, and why.
fn unusable(ctx: &Context, credential: &Credential) -> Problem {
    let why = credential.problem.as_deref().unwrap_or("it cannot be used");
    let cause = format!("{} is set, but {why}.", credential.describe());
    let places = places::of_credential(ctx, credential);
    let empty = credential
        .value
        .as_ref()
        .is_some_and(crate::secret::Secret::is_empty);
    // Either way the fix is the one fix, said once: give the container one
    // credential, set on the host.
    let (kind, cause) = if empty {
        let hint = local_env_hint(ctx, credential.name);
        ("empty-variable", format!("{cause}{hint}"))
    } else {
        ("unusable", cause)
    };
    Problem::fail(kind, cause, fix(ctx)).at_all(places)
}

/// A credential written where the client never looks; the first one also
/// says where it does look. The value is never shown.
fn never_read(ctx: &Context, stray: &StrayCredential, first: bool) -> Problem {
    let name = &stray.name;
    let file = match &stray.kind {
        StrayKind::UnreadFile => stray.place.file.display().to_string(),
        _ => ctx.workspace.display(&stray.place.file),
    };
    let why = match &stray.kind {
        StrayKind::UnreadFile => {
            format!("{file} holds {name}, but Claude Code never reads that file")
        }
        StrayKind::WorkspaceDotEnv => format!(
            "{file} sets {name}, but nothing loads a workspace .env into claude's environment: no shell reads \
             it, and Docker Compose uses it only to fill in ${{…}} in the compose file"
        ),
        StrayKind::LifecycleExport { hook } => format!(
            "{hook} in {file} exports {name}, but an export lives only in the shell that runs the command, \
             which exits before claude starts"
        ),
    };
    let looks = format!(
        " The client looks only in its environment, the env block of its settings files ({}/settings.json, \
         .claude/settings.json, .claude/settings.local.json, managed-settings.json), apiKeyHelper, {} and \
         primaryApiKey in .claude.json.",
        config_dir(ctx),
        ctx.paths
            .credentials
            .as_ref()
            .map_or("<config dir>/.credentials.json".to_string(), |p| p
                .display()
                .to_string()),
    );
    Problem::warn(
        "never-read",
        format!("{why}.{}", if first { looks.as_str() } else { "" }),
        fix(ctx),
    )
    .at(stray.place.clone())
}

/// The config dir as the client resolves it, for the settings file's path.
fn config_dir(ctx: &Context) -> String {
    ctx.paths
        .config_dir
        .as_ref()
        .map_or("~/.claude".to_string(), |d| d.display().to_string())
}

/// `CLAUDE_CODE_SIMPLE` (`--bare`) ignores every credential but the API key.
fn bare_mode(ctx: &Context, ignored: &[&Credential]) -> Problem {
    let names: Vec<String> = ignored.iter().map(|c| c.describe()).collect();
    let mut places = places::of_origin(
        ctx,
        &auth::effective_origin(ctx, "CLAUDE_CODE_SIMPLE").unwrap_or(auth::Origin::ProcessEnv),
        "CLAUDE_CODE_SIMPLE",
    );
    places.extend(ignored.iter().flat_map(|c| places::of_credential(ctx, c)));
    Problem::fail(
        "bare-mode",
        format!(
            "CLAUDE_CODE_SIMPLE (--bare) is on, so only ANTHROPIC_API_KEY counts; {} is ignored.",
            join_words(&names)
        ),
        "Unset CLAUDE_CODE_SIMPLE (or drop --bare), or give the container ANTHROPIC_API_KEY.",
    )
    .at_all(places)
}

/// A `.credentials.json` is there, whatever its state.
fn stored_login_exists(ctx: &Context) -> bool {
    ctx.credentials
        .as_ref()
        .is_some_and(|c| !matches!(&c.content, Err(e) if e.is_missing()))
}

/// Names the `${localEnv:…}` line that explains an empty variable.
fn local_env_hint(ctx: &Context, var: &str) -> String {
    for (path, config) in ctx.workspace.parsed_devcontainers() {
        for (block, value) in devcontainer::env_settings(config, var) {
            if value.contains("${localEnv:") {
                return format!(
                    " {} sets it in {block} to \"{value}\", which is an empty string when that variable is \
                     not set on the host where the container was built.",
                    ctx.workspace.display(path)
                );
            }
        }
    }
    " A devcontainer.json \"${localEnv:…}\" of a variable the host does not have gives exactly this.".to_string()
}

/// The one fix for a missing credential: make one, and hand it to claude
/// the way its launcher takes a secret.
fn fix(ctx: &Context) -> String {
    format!(
        "Give claude one credential:\n  \
         • Claude subscription (Pro/Max): run `claude setup-token` on a machine with a browser; it prints the \
         value for CLAUDE_CODE_OAUTH_TOKEN.\n  \
         • API key (billed per use): create one at https://console.anthropic.com, for ANTHROPIC_API_KEY.\n\
         How {} hands it to claude: {} (ANTHROPIC_API_KEY the same way).",
        ctx.launch.describe(),
        launch::set_env(&ctx.launch, "CLAUDE_CODE_OAUTH_TOKEN")
    )
}
