//! `login-policy`: a managed machine's sign-in policy and
//! `DISABLE_LOGIN_COMMAND`. Managed settings (`/etc/claude-code/
//! managed-settings.json` and its `managed-settings.d/` drop-ins) may pin
//! sign-ins to an organization (`forceLoginOrgUUID`) or a method
//! (`forceLoginMethod`); under either, 2.1.332 refuses an API key, and under
//! the pin it verifies the token's organization online at every start.
//! `DISABLE_LOGIN_COMMAND` removes `/login`, the command the client's own
//! "Not logged in" message names.

use super::{Category, Check, Finding, Place, Problem, places};
use crate::auth::{self, Credential, Mode, Origin, SourceKind};
use crate::gather::Context;
use crate::gather::claude_state::{Settings, SettingsScope};
use crate::gather::env::is_truthy;
use std::path::Path;

/// Judges whether the machine's sign-in policy lets this credential through.
pub(crate) struct LoginPolicy;

impl Check for LoginPolicy {
    fn id(&self) -> &'static str {
        "login-policy"
    }

    fn title(&self) -> &'static str {
        "The machine's sign-in policy lets this credential through"
    }

    fn category(&self) -> Category {
        Category::SignIn
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/login-policy.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let policy = Policy::of(ctx);
        let disabled = login_command_disabled(ctx);
        if policy.is_empty() && !disabled {
            return Finding::skip(format!(
                "No managed settings set forceLoginOrgUUID or forceLoginMethod, and DISABLE_LOGIN_COMMAND is \
                 not set: no sign-in policy applies.{}",
                unread_managed(ctx)
            ));
        }
        let problems = [
            credential_refused(ctx, &policy),
            organization_unverified(ctx, &policy),
            disabled.then(|| login_command(ctx)).flatten(),
        ];
        let finding = Finding::from_problems(problems.into_iter().flatten())
            .unwrap_or_else(|| allowed(ctx, &policy, disabled));
        finding
            .with("force_login_org", policy.org.map(|r| r.value))
            .with("force_login_method", policy.method.map(|r| r.value))
    }
}

/// One policy key and the managed file it comes from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rule<'a> {
    /// Its value (organizations joined with ", ").
    pub(crate) value: &'a str,
    /// The settings key.
    pub(crate) key: &'static str,
    /// The managed file that sets it, the last one the client merges.
    pub(crate) file: &'a Path,
}

impl Rule<'_> {
    fn place(&self) -> Place {
        Place::file(self.file).key(self.key)
    }
}

/// The managed sign-in policy in force: for each key, the last managed
/// layer that sets it (drop-ins are merged over the file in name order).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Policy<'a> {
    /// `forceLoginOrgUUID`.
    pub(crate) org: Option<Rule<'a>>,
    /// `forceLoginMethod`.
    pub(crate) method: Option<Rule<'a>>,
}

impl<'a> Policy<'a> {
    /// The policy of this snapshot's managed settings.
    pub(crate) fn of(ctx: &'a Context) -> Self {
        Policy {
            org: rule(ctx, "forceLoginOrgUUID", |s| s.force_login_org.as_deref()),
            method: rule(ctx, "forceLoginMethod", |s| s.force_login_method.as_deref()),
        }
    }

    fn is_empty(&self) -> bool {
        self.org.is_none() && self.method.is_none()
    }

    /// The policy in words, the pin first: the client names the pin when both are set.
    pub(crate) fn describe(&self) -> Option<String> {
        match (self.pinned(), self.method) {
            (Some(org), _) => Some(format!("{org} (forceLoginOrgUUID)")),
            (None, Some(method)) => Some(format!("a {} sign-in (forceLoginMethod)", method.value)),
            (None, None) => None,
        }
    }

    /// The pinned organization in words, for the gate and the findings.
    pub(crate) fn pinned(&self) -> Option<String> {
        self.org.map(|org| organizations(org.value))
    }

    fn places(&self) -> Vec<Place> {
        [self.org, self.method]
            .into_iter()
            .flatten()
            .map(|r| r.place())
            .collect()
    }
}

/// The managed files that exist but could not be read, in words: a policy
/// they hold is not judged.
fn unread_managed(ctx: &Context) -> String {
    ctx.settings
        .iter()
        .filter(|l| l.scope == SettingsScope::Managed)
        .filter_map(|l| {
            let problem = l.file.content.as_ref().err()?;
            Some(format!(
                " {} {}, so a policy in it is not judged.",
                l.file.path.display(),
                problem.describe()
            ))
        })
        .collect()
}

/// "organization <id>", or "one of the organizations <id>, <id>" for a list.
fn organizations(value: &str) -> String {
    if value.contains(", ") {
        format!("one of the organizations {value}")
    } else {
        format!("organization {value}")
    }
}

fn rule<'a>(
    ctx: &'a Context,
    key: &'static str,
    value: impl Fn(&'a Settings) -> Option<&'a str>,
) -> Option<Rule<'a>> {
    ctx.settings
        .iter()
        .rev()
        .filter(|l| l.scope == SettingsScope::Managed)
        .find_map(|l| {
            let settings = l.file.ok()?;
            value(settings).map(|value| Rule {
                value,
                key,
                file: &l.file.path,
            })
        })
}

/// What the refusal says, as 2.1.332 printed it (`claude -p` with
/// ANTHROPIC_API_KEY under either key).
pub(crate) const REFUSAL: &str = "This machine's managed settings require a first-party login";

/// What both modes print under the pin when the organization cannot be verified.
pub(crate) const UNVERIFIED: &str =
    "Unable to verify organization for the current authentication token.";

/// The variable that removes `/login`.
const DISABLE_LOGIN: &str = "DISABLE_LOGIN_COMMAND";

/// The credential kinds the policy refuses: those an Anthropic sign-in
/// cannot vouch for (2.1.332, `claude -p` under `forceLoginOrgUUID`: "an API
/// key from ANTHROPIC_API_KEY", "a bearer token from ANTHROPIC_AUTH_TOKEN",
/// "an API key from the apiKeyHelper in …"). A cloud provider is not an
/// Anthropic sign-in and passes; `primaryApiKey` was not refused either.
pub(crate) fn refused(kind: SourceKind) -> bool {
    matches!(
        kind,
        SourceKind::ApiKey | SourceKind::AuthToken | SourceKind::ApiKeyHelper
    )
}

/// The refused credential a session of either mode sends, when one does.
fn refused_winner(ctx: &Context) -> Option<Credential> {
    [Mode::Print, Mode::Interactive]
        .into_iter()
        .filter_map(|mode| auth::resolve(ctx, mode).winner)
        .find(|w| refused(w.kind))
}

fn credential_refused(ctx: &Context, policy: &Policy) -> Option<Problem> {
    let wanted = policy.describe()?;
    let credential = refused_winner(ctx)?;
    let approval = if credential.kind == SourceKind::ApiKey {
        " (interactive claude asks to approve the key first, then refuses it the same way)"
    } else {
        ""
    };
    Some(
        Problem::fail(
            "credential-refused",
            format!(
                "This machine's managed settings require {wanted}, and this session sends {}, which cannot be \
                 checked against that policy: claude exits 1 with \"{REFUSAL}\"{approval}.",
                credential.describe()
            ),
            format!(
                "{} (and wherever the container's definition sets it: devcontainer.json, the compose file, the \
                 image), then sign in with `claude auth login` using an account the policy allows, or give the \
                 container CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`.",
                capitalized(&first_step(&credential))
            ),
        )
        .at_all(policy.places())
        .at_all(places::of_credential(ctx, &credential)),
    )
}

/// The first step out of a refusal, as the client words it: "unset
/// ANTHROPIC_API_KEY", "remove apiKeyHelper from <file>".
pub(crate) fn first_step(credential: &Credential) -> String {
    match &credential.origin {
        Origin::ProcessEnv => format!("unset {}", credential.name),
        Origin::SettingsEnv { path, .. } => format!(
            "remove {} from the env block of {}",
            credential.name,
            path.display()
        ),
        Origin::SettingsKey { path, .. } | Origin::File { path } => {
            format!("remove {} from {}", credential.name, path.display())
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A claude.ai credential under the pin: verified online at each start.
fn organization_unverified(ctx: &Context, policy: &Policy) -> Option<Problem> {
    let org = policy.org?;
    let winner = auth::session_winner(ctx)?;
    if !matches!(
        winner.kind,
        SourceKind::OauthTokenEnv | SourceKind::StoredLogin
    ) {
        return None;
    }
    Some(
        Problem::warn(
            "organization-unverified",
            format!(
                "This machine requires {} (forceLoginOrgUUID), so every start of claude, in both \
                 modes, asks Anthropic which organization {} belongs to. Where api.anthropic.com cannot be reached \
                 (offline, a firewall, a proxy that refuses it) or the token was revoked, it exits 1 with \
                 \"{UNVERIFIED}\", while `claude auth status` still says logged in. The organization a login \
                 records in .claude.json does not count: 2.1.332 verified online even when it matched.",
                organizations(org.value),
                winner.describe()
            ),
            "Let claude reach api.anthropic.com (ccauth doctor --online tells whether it can), and sign in with \
             an account of that organization (`claude auth login`). If this machine should not be pinned, the \
             managed settings are its administrator's to change.",
        )
        .at(org.place()),
    )
}

fn login_command_disabled(ctx: &Context) -> bool {
    auth::effective_var(ctx, DISABLE_LOGIN).is_some_and(|v| is_truthy(&v))
}

/// `/login` is gone and nothing else signs claude in.
fn login_command(ctx: &Context) -> Option<Problem> {
    if auth::session_winner(ctx).is_some() {
        return None;
    }
    let origin = auth::effective_origin(ctx, DISABLE_LOGIN)?;
    Some(
        Problem::warn(
            "login-command-disabled",
            format!(
                "{DISABLE_LOGIN} is set ({}) and no credential reaches claude: it says \"Not logged in · Please \
                 run /login\", but /login is disabled, so the command it names does not exist here.",
                origin.describe()
            ),
            format!(
                "Sign in from a shell with `claude auth login` (it still works under {DISABLE_LOGIN}: open the \
                 link, paste the code), or give the container CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token` \
                 or ANTHROPIC_API_KEY; or unset {DISABLE_LOGIN}."
            ),
        )
        .at_all(places::of_origin(ctx, &origin, DISABLE_LOGIN)),
    )
}

/// The verdict when no problem was found: a pass naming what the policy
/// lets through, or a skip when there is no credential to judge.
fn allowed(ctx: &Context, policy: &Policy, disabled: bool) -> Finding {
    let Some(winner) = auth::session_winner(ctx) else {
        return Finding::skip(
            "No credential reaches claude, so there is none to judge against the managed sign-in policy \
             (credential-missing says more).",
        );
    };
    let who = winner.describe();
    let mut parts = Vec::new();
    if let Some(wanted) = policy.describe() {
        parts.push(format!(
            "Managed settings require {wanted}; this session uses {who}, which the policy does not refuse."
        ));
    }
    if disabled {
        parts.push(format!(
            "{DISABLE_LOGIN} disables /login; `claude auth login` still signs in when {who} stops working."
        ));
    }
    Finding::pass(parts.join(" "))
}
