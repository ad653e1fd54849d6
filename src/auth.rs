//! Every credential Claude Code could use, and where each came from.
//!
//! A pure function of the [`Context`]: the process environment, the `env` block
//! of every settings file, `apiKeyHelper`, `.credentials.json` and
//! `primaryApiKey` (FACTS §2). Checks that ask "is there a credential?" all
//! come here, so there is one list and one notion of "usable".

use crate::gather::Context;
use crate::gather::claude_state::SettingsScope;
use crate::gather::env::Env;
use crate::secret::{Secret, TokenKind};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The kinds of credential source, in the client's precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// `CLAUDE_CODE_USE_BEDROCK` and friends: a cloud provider's own auth.
    CloudProvider,
    /// `ANTHROPIC_AUTH_TOKEN`, sent as a Bearer token.
    AuthToken,
    /// `ANTHROPIC_API_KEY` (or its file-descriptor variant), sent as `x-api-key`.
    ApiKey,
    /// The output of an `apiKeyHelper` command.
    ApiKeyHelper,
    /// `CLAUDE_CODE_OAUTH_TOKEN` (or its file-descriptor variant).
    OauthTokenEnv,
    /// The `/login` credential in `.credentials.json`.
    StoredLogin,
    /// A Console-login key stored as `primaryApiKey` in `.claude.json`.
    PrimaryApiKey,
}

/// Where a credential was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
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
    /// "the process environment", "the env block of user settings (/h/.claude/settings.json)".
    pub fn describe(&self) -> String {
        match self {
            Origin::ProcessEnv => "the process environment".to_string(),
            Origin::SettingsEnv { scope, path } => {
                format!("the env block of {scope} ({})", path.display())
            }
            Origin::SettingsKey { scope, path } => format!("{scope} ({})", path.display()),
            Origin::File { path } => path.display().to_string(),
        }
    }

    fn settings_env(scope: SettingsScope, path: &Path) -> Self {
        Origin::SettingsEnv {
            scope: scope.label(),
            path: path.to_path_buf(),
        }
    }
}

/// One credential source that is present (possibly empty or unusable).
#[derive(Clone, Debug, Serialize)]
pub struct Credential {
    /// What kind of source this is.
    pub kind: SourceKind,
    /// The variable or key: `ANTHROPIC_API_KEY`, `apiKeyHelper`, `claudeAiOauth`.
    pub name: &'static str,
    /// Where it was found.
    pub origin: Origin,
    /// The value, masked whenever printed; `None` when it cannot be read here
    /// (a file descriptor, a cloud flag).
    pub value: Option<Secret>,
    /// Whether the client would use it.
    pub usable: bool,
    /// Why it is not usable, when it is not.
    pub problem: Option<String>,
}

impl Credential {
    /// "ANTHROPIC_API_KEY from the process environment".
    pub fn describe(&self) -> String {
        format!("{} from {}", self.name, self.origin.describe())
    }
}

/// Environment variables that carry a credential value.
const VALUE_VARS: &[(&str, SourceKind)] = &[
    ("ANTHROPIC_AUTH_TOKEN", SourceKind::AuthToken),
    ("ANTHROPIC_API_KEY", SourceKind::ApiKey),
    ("CLAUDE_CODE_OAUTH_TOKEN", SourceKind::OauthTokenEnv),
];

/// Variables that point the client at a file descriptor holding a credential.
const FD_VARS: &[(&str, SourceKind)] = &[
    ("CLAUDE_CODE_API_KEY_FILE_DESCRIPTOR", SourceKind::ApiKey),
    (
        "CLAUDE_CODE_OAUTH_TOKEN_FILE_DESCRIPTOR",
        SourceKind::OauthTokenEnv,
    ),
];

/// Flags that hand authentication to a cloud provider (CLIENT-FACTS fact 13).
pub const CLOUD_FLAGS: &[&str] = &[
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
    "CLAUDE_CODE_USE_FOUNDRY",
    "CLAUDE_CODE_USE_MANTLE",
    "CLAUDE_CODE_USE_ANTHROPIC_AWS",
    "CLAUDE_CODE_USE_ANTHROPIC_GOOGLE_CLOUD",
];

/// Every credential source found, in precedence order.
pub fn credentials(ctx: &Context) -> Vec<Credential> {
    let mut found = from_env(&ctx.env, &Origin::ProcessEnv);
    for layer in &ctx.settings {
        let Some(settings) = layer.file.ok() else {
            continue;
        };
        found.extend(from_env(
            &settings.env,
            &Origin::settings_env(layer.scope, &layer.file.path),
        ));
        if let Some(helper) = settings.api_key_helper.clone() {
            let blank = helper.expose().trim().is_empty();
            found.push(Credential {
                kind: SourceKind::ApiKeyHelper,
                name: "apiKeyHelper",
                origin: Origin::SettingsKey {
                    scope: layer.scope.label(),
                    path: layer.file.path.clone(),
                },
                value: Some(helper),
                usable: !blank,
                problem: blank.then(|| "the command is empty".to_string()),
            });
        }
    }
    found.extend(stored_login(ctx));
    if let Some(config) = ctx.effective_config()
        && let Some(key) = config.ok().and_then(|c| c.primary_api_key())
    {
        found.push(Credential {
            kind: SourceKind::PrimaryApiKey,
            name: "primaryApiKey",
            origin: Origin::File {
                path: config.path.clone(),
            },
            value: Some(key),
            usable: true,
            problem: None,
        });
    }
    found.sort_by_key(|c| c.kind);
    found
}

/// The credentials the client would actually use.
pub fn usable(ctx: &Context) -> Vec<Credential> {
    credentials(ctx).into_iter().filter(|c| c.usable).collect()
}

fn from_env(env: &Env, origin: &Origin) -> Vec<Credential> {
    let mut found = Vec::new();
    for &(name, kind) in VALUE_VARS {
        let Some(value) = env.secret(name) else {
            continue;
        };
        let problem = value_problem(&value);
        found.push(Credential {
            kind,
            name,
            origin: origin.clone(),
            usable: problem.is_none(),
            problem,
            value: Some(value),
        });
    }
    for &(name, kind) in FD_VARS {
        let Some(fd) = env.get(name) else { continue };
        let valid = fd.trim().parse::<u32>().is_ok();
        found.push(Credential {
            kind,
            name,
            origin: origin.clone(),
            value: None,
            usable: valid,
            problem: (!valid).then(|| "it is not a file descriptor number".to_string()),
        });
    }
    for &name in CLOUD_FLAGS {
        if env.is_truthy(name) {
            found.push(Credential {
                kind: SourceKind::CloudProvider,
                name,
                origin: origin.clone(),
                value: None,
                usable: true,
                problem: None,
            });
        }
    }
    found
}

/// Why a credential value cannot work, if it cannot.
fn value_problem(value: &Secret) -> Option<String> {
    if value.is_empty() {
        Some("it is empty".to_string())
    } else if value.kind() == TokenKind::SandboxPlaceholder {
        None
    } else if value.is_placeholder() {
        Some("it holds placeholder text from a template, not a real credential".to_string())
    } else {
        None
    }
}

fn stored_login(ctx: &Context) -> Option<Credential> {
    let file = ctx.credentials.as_ref()?;
    let login = file.ok()?;
    if !login.has_oauth_block {
        return None;
    }
    let token = login.access_token.clone();
    let blank = token.as_ref().is_none_or(Secret::is_empty);
    let problem = if blank {
        Some("its access token is empty (the file is blanked after a failed refresh)".to_string())
    } else if !login.is_usable() {
        Some("its scopes lack user:inference, so the client ignores it".to_string())
    } else {
        None
    };
    Some(Credential {
        kind: SourceKind::StoredLogin,
        name: "claudeAiOauth",
        origin: Origin::File {
            path: file.path.clone(),
        },
        value: token,
        usable: problem.is_none(),
        problem,
    })
}
