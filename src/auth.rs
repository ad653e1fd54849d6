//! Every credential Claude Code could use, where each came from, and which
//! one wins.
//!
//! A pure function of the [`Context`]. The rules are those the real client
//! 2.1.332 was seen to follow (`claude auth status`, offline, in throwaway
//! homes; see `tests/conformance.rs`):
//!
//! - The `env` blocks of user and managed settings override the process
//!   environment, even with an empty value. Project and local settings `env`
//!   blocks are not applied to authentication.
//! - A cloud-provider flag makes the method `third_party`.
//! - Otherwise the first of these wins: `ANTHROPIC_AUTH_TOKEN`, `apiKeyHelper`,
//!   `ANTHROPIC_API_KEY` (interactive mode: only once approved),
//!   `CLAUDE_CODE_OAUTH_TOKEN` (or a readable file descriptor), the `/login`
//!   credential in `.credentials.json`, `primaryApiKey`.
//! - `CLAUDE_CODE_SIMPLE` (`--bare`) counts `ANTHROPIC_API_KEY` alone.
//! - Empty values are ignored; nothing checks a prefix.
//!
//! Checks and `ccauth status` all come here, so there is one notion of
//! "present" and one order of precedence.

pub(crate) mod hosts;

use crate::gather::Context;
use crate::gather::claude_state::{SettingsScope, StoredLogin};
use crate::gather::env::is_truthy;
use crate::secret::Secret;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The kinds of credential source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum SourceKind {
    /// `CLAUDE_CODE_USE_BEDROCK` and friends: a cloud provider's own auth.
    CloudProvider,
    /// `ANTHROPIC_AUTH_TOKEN`, sent as a Bearer token.
    AuthToken,
    /// The output of an `apiKeyHelper` command.
    ApiKeyHelper,
    /// `ANTHROPIC_API_KEY` (or its file-descriptor variant), sent as `x-api-key`.
    ApiKey,
    /// `CLAUDE_CODE_OAUTH_TOKEN` (or its file-descriptor variant).
    OauthTokenEnv,
    /// The `/login` credential in `.credentials.json`.
    StoredLogin,
    /// A Console-login key stored as `primaryApiKey` in `.claude.json`.
    PrimaryApiKey,
}

impl SourceKind {
    /// True for the credentials of a Claude subscription.
    pub(crate) fn is_subscription(self) -> bool {
        matches!(self, SourceKind::OauthTokenEnv | SourceKind::StoredLogin)
    }
}

/// `claude auth status`'s `authMethod`: how the winning credential signs in.
/// JSON spells each as the client does (`oauth_token`, `claude.ai`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    /// No credential.
    None,
    /// A cloud provider's own authentication.
    ThirdParty,
    /// `ANTHROPIC_AUTH_TOKEN` or `CLAUDE_CODE_OAUTH_TOKEN`.
    OauthToken,
    /// An `apiKeyHelper`'s output.
    ApiKeyHelper,
    /// `ANTHROPIC_API_KEY` or the `/login` managed key.
    ApiKey,
    /// The `/login` subscription credential.
    ClaudeAi,
}

impl AuthMethod {
    /// The method of the credential the client sends, `None` without one.
    fn of(winner: Option<SourceKind>) -> Self {
        match winner {
            None => AuthMethod::None,
            Some(SourceKind::CloudProvider) => AuthMethod::ThirdParty,
            Some(SourceKind::AuthToken | SourceKind::OauthTokenEnv) => AuthMethod::OauthToken,
            Some(SourceKind::ApiKeyHelper) => AuthMethod::ApiKeyHelper,
            Some(SourceKind::ApiKey | SourceKind::PrimaryApiKey) => AuthMethod::ApiKey,
            Some(SourceKind::StoredLogin) => AuthMethod::ClaudeAi,
        }
    }

    /// The client's word for it, as `authMethod` shows it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AuthMethod::None => "none",
            AuthMethod::ThirdParty => "third_party",
            AuthMethod::OauthToken => "oauth_token",
            AuthMethod::ApiKeyHelper => "api_key_helper",
            AuthMethod::ApiKey => "api_key",
            AuthMethod::ClaudeAi => "claude.ai",
        }
    }
}

impl std::fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AuthMethod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Where a credential was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Origin {
    /// The process environment.
    ProcessEnv,
    /// The `env` block of a settings file.
    SettingsEnv {
        /// Which layer.
        scope: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// A key of a settings file (`apiKeyHelper`).
    SettingsKey {
        /// Which layer.
        scope: &'static str,
        /// The file.
        path: PathBuf,
    },
    /// A Claude Code state file (`.credentials.json`, `.claude.json`).
    File {
        /// The file.
        path: PathBuf,
    },
}

impl Origin {
    /// A short label for tables: "process env", "user settings", ".credentials.json".
    pub(crate) fn short(&self) -> String {
        match self {
            Origin::ProcessEnv => "process env".to_string(),
            Origin::SettingsEnv { scope, .. } => format!("{scope} env"),
            Origin::SettingsKey { scope, .. } => (*scope).to_string(),
            Origin::File { path } => path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
        }
    }

    /// "the process environment", "the env block of user settings (/h/.claude/settings.json)".
    pub(crate) fn describe(&self) -> String {
        match self {
            Origin::ProcessEnv => "the process environment".to_string(),
            Origin::SettingsEnv { scope, path } => {
                format!("the env block of {scope} ({})", path.display())
            }
            Origin::SettingsKey { scope, path } => format!("{scope} ({})", path.display()),
            Origin::File { path } => path.display().to_string(),
        }
    }
}

/// One credential source found (possibly empty, shadowed or unusable).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Credential {
    /// What kind of source this is.
    pub(crate) kind: SourceKind,
    /// The variable or key: `ANTHROPIC_API_KEY`, `apiKeyHelper`, `claudeAiOauth`.
    pub(crate) name: &'static str,
    /// Where it was found.
    pub(crate) origin: Origin,
    /// The value, masked whenever printed; `None` when it cannot be read here
    /// (a file descriptor, a cloud flag).
    pub(crate) value: Option<Secret>,
    /// The client picks this source up: set, non-empty, applied, not overridden.
    pub(crate) present: bool,
    /// Why it is not picked up, when it is not.
    pub(crate) problem: Option<String>,
}

impl Credential {
    /// "ANTHROPIC_API_KEY from the process environment".
    pub(crate) fn describe(&self) -> String {
        format!("{} from {}", self.name, self.origin.describe())
    }
}

/// How a credential variable hands its credential to the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Carries {
    /// The value is the credential.
    Value,
    /// The value is the number of an open file descriptor to read it from.
    FileDescriptor,
}

/// One environment variable that carries a credential, and what it means.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CredentialVar {
    /// The variable's name.
    pub(crate) name: &'static str,
    /// The source it makes, `None` for one the client never signs in with
    /// by itself (the refresh token).
    pub(crate) kind: Option<SourceKind>,
    /// How it carries the credential.
    pub(crate) carries: Carries,
}

/// Every credential variable, those that make a source in the client's
/// precedence order: the one table auth, `status`, the checks and the
/// masking rule read.
pub(crate) const CREDENTIAL_VARS: &[CredentialVar] = &[
    CredentialVar {
        name: "ANTHROPIC_AUTH_TOKEN",
        kind: Some(SourceKind::AuthToken),
        carries: Carries::Value,
    },
    CredentialVar {
        name: "ANTHROPIC_API_KEY",
        kind: Some(SourceKind::ApiKey),
        carries: Carries::Value,
    },
    CredentialVar {
        name: "CLAUDE_CODE_OAUTH_TOKEN",
        kind: Some(SourceKind::OauthTokenEnv),
        carries: Carries::Value,
    },
    CredentialVar {
        name: "CLAUDE_CODE_OAUTH_REFRESH_TOKEN",
        kind: None,
        carries: Carries::Value,
    },
    CredentialVar {
        name: "CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR",
        kind: Some(SourceKind::ApiKey),
        carries: Carries::FileDescriptor,
    },
    CredentialVar {
        name: "CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR",
        kind: Some(SourceKind::OauthTokenEnv),
        carries: Carries::FileDescriptor,
    },
];

/// The table's entry for `name`, if it is a credential variable.
pub(crate) fn credential_var(name: &str) -> Option<&'static CredentialVar> {
    CREDENTIAL_VARS.iter().find(|v| v.name == name)
}

/// True for a variable whose value is itself a credential.
pub(crate) fn holds_credential(name: &str) -> bool {
    credential_var(name).is_some_and(|v| v.carries == Carries::Value)
}

/// The variable whose value makes a source of `kind`, for the kinds one does.
pub(crate) fn value_var(kind: SourceKind) -> Option<&'static str> {
    CREDENTIAL_VARS
        .iter()
        .find(|v| v.kind == Some(kind) && v.carries == Carries::Value)
        .map(|v| v.name)
}

fn is_fd_var(name: &str) -> bool {
    credential_var(name).is_some_and(|v| v.carries == Carries::FileDescriptor)
}

/// Cloud-provider flags in the client's order, with its `apiProvider` names
/// (CLIENT-FACTS fact 13, confirmed with `claude auth status`).
pub(crate) const CLOUD_FLAGS: &[(&str, &str)] = &[
    ("CLAUDE_CODE_USE_BEDROCK", "bedrock"),
    ("CLAUDE_CODE_USE_FOUNDRY", "foundry"),
    ("CLAUDE_CODE_USE_ANTHROPIC_AWS", "anthropicAws"),
    (
        "CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD",
        "anthropicGoogleCloud",
    ),
    ("CLAUDE_CODE_USE_MANTLE", "mantle"),
    ("CLAUDE_CODE_USE_VERTEX", "vertex"),
];

/// Why project and local `env` blocks do not count.
const NOT_APPLIED: &str = "project and local settings env blocks are not applied to authentication";

/// One environment layer: where it is, and whether the client applies it.
struct Layer<'a> {
    origin: Origin,
    env: &'a crate::gather::env::Env,
    applied: bool,
    rank: u8,
}

/// The environment layers, lowest precedence first.
fn layers(ctx: &Context) -> Vec<Layer<'_>> {
    let mut layers = vec![Layer {
        origin: Origin::ProcessEnv,
        env: &ctx.env,
        applied: true,
        rank: 0,
    }];
    for layer in &ctx.settings {
        let Some(settings) = layer.file.ok() else {
            continue;
        };
        let (applied, rank) = match layer.scope {
            SettingsScope::User => (true, 1),
            SettingsScope::Project | SettingsScope::Local => (false, 2),
            SettingsScope::Managed => (true, 3),
        };
        layers.push(Layer {
            origin: Origin::SettingsEnv {
                scope: layer.scope.label(),
                path: layer.file.path.clone(),
            },
            env: &settings.env,
            applied,
            rank,
        });
    }
    layers.sort_by_key(|l| l.rank);
    layers
}

/// The value a variable has for the client, after the settings overlay.
pub(crate) fn effective_var(ctx: &Context, name: &str) -> Option<String> {
    layers(ctx)
        .iter()
        .rev()
        .filter(|l| l.applied)
        .find_map(|l| l.env.get(name).map(String::from))
}

/// Where the value [`effective_var`] gives comes from.
pub(crate) fn effective_origin(ctx: &Context, name: &str) -> Option<Origin> {
    layers(ctx)
        .into_iter()
        .rev()
        .filter(|l| l.applied)
        .find(|l| l.env.get(name).is_some())
        .map(|l| l.origin)
}

/// Every credential source found, in precedence order.
pub(crate) fn credentials(ctx: &Context) -> Vec<Credential> {
    let layers = layers(ctx);
    let mut found = Vec::new();
    for var in CREDENTIAL_VARS {
        if let Some(kind) = var.kind {
            found.extend(variable_sources(ctx, &layers, var.name, kind));
        }
    }
    for &(name, _) in CLOUD_FLAGS {
        found.extend(variable_sources(
            ctx,
            &layers,
            name,
            SourceKind::CloudProvider,
        ));
    }
    found.extend(helper_sources(ctx));
    found.extend(stored_login(ctx));
    found.extend(primary_api_key(ctx));
    found.sort_by_key(|c| c.kind);
    found
}

/// The credentials the client picks up.
pub(crate) fn present(ctx: &Context) -> Vec<Credential> {
    credentials(ctx).into_iter().filter(|c| c.present).collect()
}

/// One entry per layer that defines `name`; only the top applied one counts.
fn variable_sources(
    ctx: &Context,
    layers: &[Layer<'_>],
    name: &'static str,
    kind: SourceKind,
) -> Vec<Credential> {
    let effective_rank = layers
        .iter()
        .rev()
        .find(|l| l.applied && l.env.get(name).is_some())
        .map(|l| l.rank);
    layers
        .iter()
        .filter_map(|layer| {
            let raw = layer.env.get(name)?;
            let problem = if !layer.applied {
                Some(NOT_APPLIED.to_string())
            } else if Some(layer.rank) != effective_rank {
                Some("a settings env block overrides it".to_string())
            } else {
                value_problem(ctx, name, kind, raw)
            };
            let readable = kind != SourceKind::CloudProvider && !is_fd_var(name);
            Some(Credential {
                kind,
                name,
                origin: layer.origin.clone(),
                value: readable.then(|| Secret::new(raw)),
                present: problem.is_none(),
                problem,
            })
        })
        .collect()
}

/// Why the client ignores a variable's value, if it does.
fn value_problem(ctx: &Context, name: &str, kind: SourceKind, raw: &str) -> Option<String> {
    if kind == SourceKind::CloudProvider {
        return (!is_truthy(raw))
            .then(|| format!("{name}={raw} is off (only 1, true, yes or on enable it)"));
    }
    if raw.is_empty() {
        return Some("it is empty".to_string());
    }
    if raw.trim().is_empty() && kind != SourceKind::ApiKey {
        // 2.1.332 trims bearer tokens: `claude auth status` says
        // `loggedIn: false` for a CLAUDE_CODE_OAUTH_TOKEN or
        // ANTHROPIC_AUTH_TOKEN of only spaces (tests/conformance.rs).
        return Some("it holds only whitespace".to_string());
    }
    if is_fd_var(name) {
        return match raw.trim().parse::<u32>() {
            Err(_) => Some("it is not a file descriptor number".to_string()),
            Ok(fd) if !ctx.open_fds.contains(&fd) => {
                Some(format!("file descriptor {fd} is not open in this process"))
            }
            Ok(_) => None,
        };
    }
    None
}

fn helper_sources(ctx: &Context) -> Vec<Credential> {
    let mut helpers: Vec<(u8, Credential)> = ctx
        .settings
        .iter()
        .filter_map(|layer| {
            let helper = layer.file.ok()?.api_key_helper.clone()?;
            let rank = match layer.scope {
                SettingsScope::User => 0,
                SettingsScope::Project => 1,
                SettingsScope::Local => 2,
                SettingsScope::Managed => 3,
            };
            let credential = Credential {
                kind: SourceKind::ApiKeyHelper,
                name: "apiKeyHelper",
                origin: Origin::SettingsKey {
                    scope: layer.scope.label(),
                    path: layer.file.path.clone(),
                },
                present: false,
                problem: None,
                value: Some(helper),
            };
            Some((rank, credential))
        })
        .collect();
    helpers.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
    helpers
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut helper))| {
            let empty = helper
                .value
                .as_ref()
                .is_none_or(|v| v.expose().trim().is_empty());
            helper.problem = if i > 0 {
                Some("a higher settings layer sets its own apiKeyHelper".to_string())
            } else if empty {
                Some("the command is empty".to_string())
            } else {
                None
            };
            helper.present = helper.problem.is_none();
            helper
        })
        .collect()
}

fn stored_login(ctx: &Context) -> Option<Credential> {
    let file = ctx.credentials.as_ref()?;
    let login = file.ok()?;
    if !login.has_oauth_block {
        return None;
    }
    let problem = stored_login_problem(login);
    Some(Credential {
        kind: SourceKind::StoredLogin,
        name: "claudeAiOauth",
        origin: Origin::File {
            path: file.path.clone(),
        },
        value: login.access_token.clone(),
        present: problem.is_none(),
        problem,
    })
}

/// Why the client ignores a stored login, if it does.
pub fn stored_login_problem(login: &StoredLogin) -> Option<String> {
    let blank = login.access_token.as_ref().is_none_or(Secret::is_empty);
    if blank {
        Some("its access token is empty".to_string())
    } else if !login.is_usable() {
        Some("its scopes lack user:inference".to_string())
    } else {
        None
    }
}

fn primary_api_key(ctx: &Context) -> Option<Credential> {
    let config = ctx.effective_config()?;
    let key = config.ok()?.primary_api_key()?;
    Some(Credential {
        kind: SourceKind::PrimaryApiKey,
        name: "primaryApiKey",
        origin: Origin::File {
            path: config.path.clone(),
        },
        value: Some(key),
        present: true,
        problem: None,
    })
}

/// How the client is run, the launcher's own mode: the approval of
/// `ANTHROPIC_API_KEY` applies only to the interactive TUI.
pub(crate) use crate::gather::launcher::Mode;

/// Whether the interactive client will use `ANTHROPIC_API_KEY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Approval {
    /// Its last 20 characters are in `customApiKeyResponses.approved`.
    Approved,
    /// They are in `rejected`: the interactive client ignores the key.
    Rejected,
    /// In neither list: the first interactive run asks (default No).
    Unanswered,
}

/// The approval state of a key, from the effective config's
/// `customApiKeyResponses` (last 20 characters of the trimmed key).
pub(crate) fn approval(ctx: &Context, key: &Secret) -> Approval {
    let lists = ctx
        .effective_config()
        .and_then(|c| c.ok())
        .map(super::gather::claude_state::ClaudeJson::api_key_responses);
    let (approved, rejected) = lists.unwrap_or_default();
    let matches = |list: &[String]| {
        list.iter()
            .any(|suffix| key.trimmed_tail_equals(20, suffix))
    };
    if matches(&rejected) {
        Approval::Rejected
    } else if matches(&approved) {
        Approval::Approved
    } else {
        Approval::Unanswered
    }
}

/// Which credential the client uses, in its own vocabulary.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Resolution {
    /// The mode this was resolved for.
    pub(crate) mode: Mode,
    /// `claude auth status`'s `loggedIn`.
    pub(crate) logged_in: bool,
    /// `authMethod`.
    pub(crate) auth_method: AuthMethod,
    /// `apiKeySource`: `ANTHROPIC_API_KEY`, `apiKeyHelper`, `/login managed key`, or none.
    pub(crate) api_key_source: Option<&'static str>,
    /// `apiProvider`: `firstParty`, `bedrock`, `vertex`, …
    pub(crate) api_provider: &'static str,
    /// The credential that is sent.
    pub(crate) winner: Option<Credential>,
    /// Every other present credential, with why it loses.
    pub(crate) losers: Vec<(Credential, String)>,
    /// A caveat about the outcome (an API key awaiting approval).
    pub(crate) note: Option<String>,
}

/// The credential a session sends: the interactive winner, else the one
/// `claude -p` sends. For what depends on the credential but not the mode
/// (which hosts are needed, which token to probe with).
pub(crate) fn session_winner(ctx: &Context) -> Option<Credential> {
    resolve(ctx, Mode::Interactive)
        .winner
        .or_else(|| resolve(ctx, Mode::Print).winner)
}

/// The credential `claude` sends as this launch runs it: a person's
/// interactive session, or a job's `claude -p`. For findings that hold only
/// when one credential is the one in use (a shared refresh token).
pub(crate) fn launch_winner(ctx: &Context) -> Option<Credential> {
    resolve(ctx, ctx.launch.mode).winner
}

/// The client's precedence, first wins (2.1.332, `claude auth status`): a
/// cloud provider flag, ANTHROPIC_AUTH_TOKEN, apiKeyHelper,
/// ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN, the /login credential, then
/// `primaryApiKey`. `status` lists its rows in this order too.
pub(crate) const PRECEDENCE: &[SourceKind] = &[
    SourceKind::CloudProvider,
    SourceKind::AuthToken,
    SourceKind::ApiKeyHelper,
    SourceKind::ApiKey,
    SourceKind::OauthTokenEnv,
    SourceKind::StoredLogin,
    SourceKind::PrimaryApiKey,
];

/// Resolves the winner for one mode.
pub(crate) fn resolve(ctx: &Context, mode: Mode) -> Resolution {
    let present = present(ctx);
    let bare = effective_var(ctx, "CLAUDE_CODE_SIMPLE").is_some_and(|v| is_truthy(&v));
    let find = |kind: SourceKind| present.iter().find(|c| c.kind == kind);
    let provider = present
        .iter()
        .find(|c| c.kind == SourceKind::CloudProvider)
        .map(|c| {
            CLOUD_FLAGS
                .iter()
                .find(|(flag, _)| *flag == c.name)
                .map_or("thirdParty", |(_, name)| *name)
        });
    let key = find(SourceKind::ApiKey);
    // A key of only whitespace does not keep OAuth out and comes after
    // every other source, primaryApiKey included (2.1.332, conformance).
    let blank_key = key.filter(|k| is_blank(k));
    let api_key = key.filter(|k| !is_blank(k));
    let mut note = None;
    let api_key_counts = match (mode, key) {
        (_, None) => false,
        (Mode::Print, Some(_)) => true,
        (Mode::Interactive, Some(key)) => match key.value.as_ref().map(|v| approval(ctx, v)) {
            Some(Approval::Rejected) => {
                note = Some(
                    "ANTHROPIC_API_KEY was declined once, so interactive claude ignores it"
                        .to_string(),
                );
                false
            }
            Some(Approval::Unanswered) => {
                note = Some(
                    "ANTHROPIC_API_KEY is not approved yet: interactive claude asks once, and the default \
                     answer (No) makes it ignore the key"
                        .to_string(),
                );
                false
            }
            Some(Approval::Approved) | None => true,
        },
    };
    let order: &[SourceKind] = if bare {
        &[SourceKind::ApiKey]
    } else {
        PRECEDENCE
    };
    let winner = order
        .iter()
        .filter(|k| **k != SourceKind::ApiKey || api_key_counts)
        .find_map(|k| match k {
            SourceKind::ApiKey => api_key,
            _ => find(*k),
        })
        .or(blank_key.filter(|_| api_key_counts))
        .cloned();
    let auth_method = AuthMethod::of(winner.as_ref().map(|w| w.kind));
    let api_key_source = if bare {
        key.map(|_| "ANTHROPIC_API_KEY")
    } else if api_key.is_some() {
        Some("ANTHROPIC_API_KEY")
    } else if find(SourceKind::ApiKeyHelper).is_some() {
        Some("apiKeyHelper")
    } else if find(SourceKind::PrimaryApiKey).is_some() {
        Some("/login managed key")
    } else {
        blank_key.map(|_| "ANTHROPIC_API_KEY")
    };
    let losers = present
        .iter()
        .filter(|c| winner.as_ref().is_none_or(|w| !same_source(w, c)))
        .map(|c| {
            (
                c.clone(),
                why_it_loses(c, winner.as_ref(), bare, api_key_counts),
            )
        })
        .collect();
    Resolution {
        mode,
        logged_in: winner.is_some(),
        auth_method,
        api_key_source,
        api_provider: provider.unwrap_or("firstParty"),
        winner,
        losers,
        note,
    }
}

/// True for a credential whose value is only whitespace.
fn is_blank(c: &Credential) -> bool {
    c.value
        .as_ref()
        .is_some_and(|v| v.expose().trim().is_empty())
}

fn same_source(a: &Credential, b: &Credential) -> bool {
    a.kind == b.kind && a.name == b.name && a.origin == b.origin
}

fn why_it_loses(
    c: &Credential,
    winner: Option<&Credential>,
    bare: bool,
    api_key_counts: bool,
) -> String {
    if bare && c.kind != SourceKind::ApiKey {
        return "CLAUDE_CODE_SIMPLE (--bare) reads ANTHROPIC_API_KEY alone".to_string();
    }
    if c.kind == SourceKind::ApiKey && !api_key_counts {
        return "interactive claude uses the key only once it is approved".to_string();
    }
    match winner {
        Some(w) if w.kind == c.kind => format!("{} comes first", w.describe()),
        Some(w) => format!("{} takes precedence", w.name),
        None => "it is not used".to_string(),
    }
}

/// Why `--online` did not run a project's helper.
#[cfg(feature = "online")]
pub(crate) const UNTRUSTED_NOT_RUN: &str = "the apiKeyHelper was not run: it comes from this folder's \
     project settings and the folder's trust dialog was never accepted, so interactive claude \
     would not run it either (claude -p skips that dialog); ccauth runs nothing from a folder \
     you have not trusted";

/// True when `helper` comes from the workspace's own settings (project or
/// local) and the trust dialog for the workspace was never accepted
/// (`projects[<dir>].hasTrustDialogAccepted` in `.claude.json`): interactive
/// claude asks before it runs anything from such a folder (CLIENT-FACTS 32).
pub(crate) fn awaits_trust(ctx: &Context, helper: &Credential) -> bool {
    let workspace_scopes = [SettingsScope::Project, SettingsScope::Local];
    let project_level = matches!(
        &helper.origin,
        Origin::SettingsKey { scope, .. } if workspace_scopes.iter().any(|s| s.label() == *scope)
    );
    project_level && trusted_by(ctx).is_none()
}

/// Where the client files the workspace's trust answer, and which records
/// count for it (2.1.332, `hSe`/`Oh`/`xh` in the bundle): in a git
/// repository the repository's root alone; elsewhere the folder and every
/// folder above it.
#[derive(Clone, Debug)]
pub(crate) struct TrustRecord {
    /// `projects[<this>]` is what the dialog's Yes writes.
    pub(crate) key: PathBuf,
    /// The folders whose `hasTrustDialogAccepted: true` trusts the workspace.
    pub(crate) counting: Vec<PathBuf>,
}

/// The trust record of the workspace `claude` starts in.
pub(crate) fn trust_record(ctx: &Context) -> TrustRecord {
    match &ctx.workspace.repo {
        Some(repo) => TrustRecord {
            key: repo.root.clone(),
            counting: vec![repo.root.clone()],
        },
        None => TrustRecord {
            key: ctx.workspace.root.clone(),
            counting: ctx
                .workspace
                .root
                .ancestors()
                .map(Path::to_path_buf)
                .collect(),
        },
    }
}

/// The folder whose stored answer trusts the workspace, when one does in
/// the effective config.
pub(crate) fn trusted_by(ctx: &Context) -> Option<PathBuf> {
    let config = ctx.effective_config()?.ok()?;
    trust_record(ctx)
        .counting
        .into_iter()
        .find(|folder| config.trust_accepted(folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_are_read_for_the_credential_variables_of_the_table() {
        let mut table: Vec<&str> = CREDENTIAL_VARS
            .iter()
            .filter(|v| v.carries == Carries::Value)
            .map(|v| v.name)
            .collect();
        let mut gathered = crate::gather::workspace::CREDENTIAL_VARS.to_vec();
        table.sort_unstable();
        gathered.sort_unstable();
        assert_eq!(gathered, table);
    }

    #[test]
    fn every_source_a_variable_makes_has_its_value_variable() {
        for var in CREDENTIAL_VARS {
            if let Some(kind) = var.kind {
                assert!(value_var(kind).is_some(), "{}", var.name);
            }
        }
        assert_eq!(value_var(SourceKind::ApiKey), Some("ANTHROPIC_API_KEY"));
        assert!(holds_credential("CLAUDE_CODE_OAUTH_REFRESH_TOKEN"));
        assert!(!holds_credential("CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR"));
    }
}
