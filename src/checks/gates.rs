//! The gates: what stands between `claude` and its prompt in this workspace,
//! in the order the client meets them, each predicted from the snapshot.
//!
//! A doctor that finds no problem can still leave a person at a dialog
//! (issue #17: the folder trust dialog after `--fix`). This module lists the
//! screens and exits the client will show first, for interactive `claude`
//! and for `claude -p`, each with its way through and the check that covers
//! it. It judges, so it sits beside the checks and reuses their rules;
//! `ccauth status` and the doctor's runtime lines show what it says.

use super::{bypass_permissions, login_policy, nesting_guard, workspace_trust};
use crate::auth::{self, Approval, Credential, Mode, Resolution, SourceKind};
use crate::gather::Context;
use serde::Serialize;

/// A gate's stable id, as `status --format json` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum GateId {
    /// Bypass mode as root without a sandbox: refused, exit 1.
    RootRefusal,
    /// `CLAUDECODE` is set: guarded clients exit at once.
    NestingGuard,
    /// `hasCompletedOnboarding` is not `true`: theme, security notes.
    FirstRunWizard,
    /// The wizard's connectivity preflight, which exits 1 offline.
    NetworkCheck,
    /// "Detected a custom API key in your environment", default No.
    ApiKeyApproval,
    /// No credential: the login chooser, or "Not logged in".
    Login,
    /// Managed settings require an organization (`forceLoginOrgUUID`) or,
    /// for an API key, any first-party sign-in (`forceLoginMethod` too).
    Organization,
    /// "Quick safety check", default "No, exit".
    FolderTrust,
    /// The bypass-mode warning, default "No, exit".
    BypassPermissions,
    /// "Make auto mode your default permission mode?", shown instead of the
    /// bypass warning once `skipDangerousModePermissionPrompt` skips it.
    AutoModeOffer,
    /// Nothing left: the prompt.
    Prompt,
}

/// One gate.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Gate {
    /// Its id.
    pub(crate) id: GateId,
    /// What the client shows, in its own words where they are known.
    pub(crate) title: String,
    /// What gets past it: a flag in `.claude.json`, a setting, a variable, a command.
    pub(crate) way_through: String,
    /// The check that covers it, when one does.
    pub(crate) check: Option<&'static str>,
}

/// The gates of both ways of running the client, each list ending with the prompt.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Gates {
    /// `claude` in a terminal.
    pub(crate) interactive: Vec<Gate>,
    /// `claude -p`, the SDK.
    pub(crate) print: Vec<Gate>,
}

impl Gates {
    /// The gates of this snapshot.
    pub(crate) fn of(ctx: &Context) -> Self {
        Gates {
            interactive: gates(ctx, Mode::Interactive),
            print: gates(ctx, Mode::Print),
        }
    }
}

/// One line for the doctor's runtime section: the gates of each mode by
/// name, the mode `claude` is launched in first.
pub(crate) fn one_line(ctx: &Context) -> String {
    let gates = Gates::of(ctx);
    let names = |list: &[Gate]| {
        list.iter()
            .map(|g| g.id.name())
            .collect::<Vec<_>>()
            .join(" → ")
    };
    let interactive = format!("claude: {}", names(&gates.interactive));
    let print = format!("claude -p: {}", names(&gates.print));
    match ctx.launch.mode {
        Mode::Interactive => format!("{interactive}; {print}"),
        Mode::Print => format!("{print}; {interactive}"),
    }
}

impl GateId {
    /// The gate in words, for the runtime line and the table.
    pub(crate) fn name(self) -> &'static str {
        match self {
            GateId::RootRefusal => "root refusal",
            GateId::NestingGuard => "nesting guard",
            GateId::FirstRunWizard => "first-run wizard",
            GateId::NetworkCheck => "network check",
            GateId::ApiKeyApproval => "API key approval",
            GateId::Login => "login",
            GateId::Organization => "organization",
            GateId::FolderTrust => "folder trust",
            GateId::BypassPermissions => "bypass-permissions dialog",
            GateId::AutoModeOffer => "auto-mode offer",
            GateId::Prompt => "prompt",
        }
    }
}

/// The gates of one mode, in the order 2.1.332 was seen to meet them in
/// tmux (tests/interactive.rs): the startup refusals, the wizard's network
/// check (it comes before the wizard's first screen and exits offline),
/// the wizard, the trust dialog, the API-key approval, the managed sign-in
/// policy (after the trust dialog for every credential: an OAuth token's
/// "Unable to verify organization" came once the folder was trusted), then
/// the bypass-mode dialog or the auto-mode offer. Interactive claude meets no login gate:
/// without a credential its prompt says "Not logged in · run /login" (the
/// wizard's login step is part of the wizard).
fn gates(ctx: &Context, mode: Mode) -> Vec<Gate> {
    let resolution = auth::resolve(ctx, mode);
    let interactive = mode == Mode::Interactive;
    let wizard = interactive && wizard(ctx);
    let print_login = !interactive && !resolution.logged_in;
    let unanswered = interactive.then(|| unanswered_key(ctx)).flatten();
    let approval = unanswered.as_ref().map(|_| api_key_approval(ctx));
    // The policy refuses a key, a gateway token or a helper once it is in
    // use: interactive claude asks to approve a key first (2.1.332), so a
    // key waiting for its answer counts as in use, and is refused after it.
    // An OAuth credential's organization is verified at the same point.
    let refused = resolution
        .winner
        .clone()
        .filter(|w| login_policy::refused(w.kind))
        .or(unanswered);
    let policy = organization(ctx, refused.as_ref());
    [
        root_refusal(ctx),
        nesting(ctx),
        (wizard && oauth_path(&resolution)).then(network_check),
        wizard.then(|| first_run(ctx)),
        print_login.then(|| login(mode)),
        interactive.then(|| folder_trust(ctx)).flatten(),
        approval,
        policy,
        interactive.then(|| bypass(ctx)).flatten(),
        Some(prompt(mode, &resolution)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn gate(id: GateId, title: String, way_through: String, check: Option<&'static str>) -> Gate {
    Gate {
        id,
        title,
        way_through,
        check,
    }
}

fn nesting(ctx: &Context) -> Option<Gate> {
    (nesting_guard::is_set(ctx) && nesting_guard::Guard::of(ctx) == nesting_guard::Guard::Present)
        .then(|| {
            gate(
                GateId::NestingGuard,
                format!("{} (exit 1)", nesting_guard::MESSAGE),
                format!(
                    "unset {0}, and remove it from devcontainer.json's containerEnv/remoteEnv",
                    nesting_guard::VAR
                ),
                Some("nesting-guard"),
            )
        })
}

/// True when the effective config's `hasCompletedOnboarding` is not truthy,
/// whatever the credential (a stored login, an API key or nothing meet the
/// wizard too).
fn wizard(ctx: &Context) -> bool {
    !ctx.effective_config()
        .and_then(|c| c.ok())
        .is_some_and(crate::gather::claude_state::ClaudeJson::onboarding_done)
}

fn config_name(ctx: &Context) -> String {
    ctx.effective_config()
        .map_or(".claude.json".to_string(), |c| c.path.display().to_string())
}

fn first_run(ctx: &Context) -> Gate {
    gate(
        GateId::FirstRunWizard,
        "Welcome to Claude Code: the theme picker, then the security notes".to_string(),
        format!(
            "\"hasCompletedOnboarding\": true in {} (ccauth doctor --fix)",
            config_name(ctx)
        ),
        Some("onboarding-flag"),
    )
}

/// The wizard's preflight runs on the OAuth path: not for a gateway token,
/// an apiKeyHelper, an approved key or a cloud provider.
fn oauth_path(resolution: &Resolution) -> bool {
    !resolution.winner.as_ref().is_some_and(|w| {
        matches!(
            w.kind,
            SourceKind::AuthToken
                | SourceKind::ApiKeyHelper
                | SourceKind::ApiKey
                | SourceKind::CloudProvider
                | SourceKind::PrimaryApiKey
        )
    })
}

fn network_check() -> Gate {
    gate(
        GateId::NetworkCheck,
        "Checking connectivity: \"Unable to connect to Anthropic services\" and exit 1 when api.anthropic.com \
         or platform.claude.com does not answer"
            .to_string(),
        "reach both hosts (HTTPS_PROXY is honoured), or skip the wizard with \"hasCompletedOnboarding\": true"
            .to_string(),
        Some("network-reachability"),
    )
}

/// `ANTHROPIC_API_KEY` when interactive claude will ask to approve it.
fn unanswered_key(ctx: &Context) -> Option<Credential> {
    let key = auth::present(ctx)
        .into_iter()
        .find(|c| c.kind == SourceKind::ApiKey)?;
    let answer = auth::approval(ctx, key.value.as_ref()?);
    (answer == Approval::Unanswered).then_some(key)
}

fn api_key_approval(ctx: &Context) -> Gate {
    gate(
        GateId::ApiKeyApproval,
        "\"Detected a custom API key in your environment\", default \"No (recommended)\""
            .to_string(),
        format!(
            "answer Yes, or approve its last 20 characters in customApiKeyResponses.approved of {} \
             (ccauth doctor --fix=api-key-approval)",
            config_name(ctx)
        ),
        Some("api-key-approval"),
    )
}

fn login(mode: Mode) -> Gate {
    let title = match mode {
        Mode::Interactive => {
            "No credential: the login method chooser (Claude subscription, Console, 3rd-party)"
        }
        Mode::Print => "No credential: \"Not logged in · Please run /login\" and exit 1",
    };
    gate(
        GateId::Login,
        title.to_string(),
        "claude auth login (paste the code), or CLAUDE_CODE_OAUTH_TOKEN from claude setup-token, or \
         ANTHROPIC_API_KEY"
            .to_string(),
        Some("credential-missing"),
    )
}

/// Managed settings that require a sign-in ([`login_policy`]). Under
/// `forceLoginOrgUUID` both modes verify the token's organization and exit
/// 1 when they cannot (FACTS §9). An API key, a gateway token or an
/// apiKeyHelper is refused outright under it or under `forceLoginMethod`,
/// since only a first-party login can be checked against the policy
/// (2.1.332, `claude -p` with each); a login under `forceLoginMethod` alone
/// met no gate offline.
fn organization(ctx: &Context, refused: Option<&Credential>) -> Option<Gate> {
    let policy = login_policy::Policy::of(ctx);
    if let Some(credential) = refused {
        let wanted = policy.describe()?;
        return Some(gate(
            GateId::Organization,
            format!(
                "This machine requires {wanted}: \"{}\" and exit 1, since this session uses {}",
                login_policy::REFUSAL,
                credential.name
            ),
            format!(
                "{}, then claude auth login with an account the policy allows",
                login_policy::first_step(credential)
            ),
            Some("login-policy"),
        ));
    }
    let org = policy.pinned()?;
    Some(gate(
        GateId::Organization,
        format!(
            "This machine requires {org}: \"{}\" and exit 1 when the token's organization cannot be \
             verified",
            login_policy::UNVERIFIED
        ),
        "sign in with an account of that organization (claude auth login), with the network to verify it"
            .to_string(),
        Some("login-policy"),
    ))
}

fn folder_trust(ctx: &Context) -> Option<Gate> {
    if ctx.env.is_truthy("CLAUDE_CODE_SANDBOXED") {
        return None;
    }
    let ignored = workspace_trust::ignores_stored_trust(ctx);
    if !ignored && auth::trusted_by(ctx).is_some() {
        return None;
    }
    let key = auth::trust_record(ctx).key;
    let way = if ignored {
        "unset CLAUDE_CODE_IGNORE_PERSISTED_TRUST, or CLAUDE_CODE_SANDBOXED=1 in a disposable sandbox".to_string()
    } else if ctx.paths.home.as_deref() == Some(key.as_path()) {
        "start claude from a project folder: the home folder's Yes lasts one session".to_string()
    } else {
        format!(
            "answer Yes, or projects[{}].{} true in {} (your security decision: ccauth doctor \
             --fix=workspace-trust), or CLAUDE_CODE_SANDBOXED=1",
            key.display(),
            workspace_trust::FLAG,
            config_name(ctx)
        )
    };
    Some(gate(
        GateId::FolderTrust,
        "\"Quick safety check: Is this a project you created or one you trust?\", default \"No, exit\"".to_string(),
        way,
        Some("workspace-trust"),
    ))
}

/// Bypass mode from settings as root without a sandbox: refused at start,
/// in both modes, like the command-line flag.
fn root_refusal(ctx: &Context) -> Option<Gate> {
    bypass_permissions::bypass_setting(ctx)?;
    bypass_permissions::root_refused(ctx).then(|| {
        gate(
            GateId::RootRefusal,
            "\"--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\" \
             and exit 1"
                .to_string(),
            "run as a normal user, or IS_SANDBOX=1 in a disposable sandbox".to_string(),
            Some("bypass-permissions"),
        )
    })
}

/// The bypass-mode warning, or, once `skipDangerousModePermissionPrompt`
/// skips it, the offer to make auto mode the default (until answered).
fn bypass(ctx: &Context) -> Option<Gate> {
    bypass_permissions::bypass_setting(ctx)?;
    if bypass_permissions::root_refused(ctx) {
        return None;
    }
    if bypass_permissions::skip_setting(ctx).is_none() {
        return Some(gate(
            GateId::BypassPermissions,
            "\"WARNING: Claude Code running in Bypass Permissions mode\", default \"No, exit\"".to_string(),
            "answer \"Yes, I accept\", or \"skipDangerousModePermissionPrompt\": true in ~/.claude/settings.json"
                .to_string(),
            Some("bypass-permissions"),
        ));
    }
    let seen = ctx
        .effective_config()
        .and_then(|c| c.ok())
        .is_some_and(crate::gather::claude_state::ClaudeJson::auto_mode_offer_seen);
    (!seen).then(|| {
        gate(
            GateId::AutoModeOffer,
            "\"Make auto mode your default permission mode?\" (\"No, keep bypass permissions\" keeps it)"
                .to_string(),
            format!(
                "answer it once (it records hasSeenAutoDefaultNudge in {})",
                config_name(ctx)
            ),
            Some("bypass-permissions"),
        )
    })
}

fn prompt(mode: Mode, resolution: &Resolution) -> Gate {
    let who = resolution
        .winner
        .as_ref()
        .map_or("without a credential".to_string(), |w| {
            format!("using {}", w.describe())
        });
    let title = match mode {
        Mode::Interactive => format!("The prompt, {who}"),
        Mode::Print => format!("The answer, {who}"),
    };
    gate(
        GateId::Prompt,
        title,
        "nothing left to pass".to_string(),
        None,
    )
}
