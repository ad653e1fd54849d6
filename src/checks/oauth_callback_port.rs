//! `oauth-callback-port`: the browser login's localhost callback cannot reach
//! a container, a Codespace, WSL, an SSH session or a CI runner.

use super::{Category, Check, Finding, Place, Problem, firewall_allowlist, join_words, launch};
use crate::auth::{self, hosts};
use crate::devcontainer::{self, ForwardedPort};
use crate::gather::Context;
use crate::gather::install::parse_version;
use crate::gather::listeners::{Listener, Owner};
use crate::gather::system::{Marker, Place as Where};

/// Fails in a remote place with no credential, where `/login` is the only way.
pub(crate) struct OauthCallbackPort;

/// The folklore port people forward for the login callback.
const FOLKLORE_PORT: u16 = 54545;
/// `claude auth login` accepts a pasted code from this version on.
const PASTE_IN_AUTH_LOGIN: (u32, u32, u32) = (2, 1, 126);

impl Check for OauthCallbackPort {
    fn id(&self) -> &'static str {
        "oauth-callback-port"
    }

    fn title(&self) -> &'static str {
        "Sign-in does not depend on the browser's localhost callback"
    }

    fn category(&self) -> Category {
        Category::SignIn
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/oauth-callback-port.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let remote: Vec<&Marker> = ctx.markers.iter().filter(|m| is_remote(m.place)).collect();
        let forwards = callback_forwards(ctx);
        let person = ctx.launch.launcher.has_a_person();
        let finding = if let Some(first) = auth::present(ctx).first() {
            Finding::pass(format!(
                "{} is available, so no browser login and no callback are needed.",
                first.describe()
            ))
        } else if !person {
            Finding::skip(
                "This is a CI job: claude -p never starts the browser login, so its callback does not matter. \
                 Without a credential it stops at \"Not logged in\"; credential-missing says which secret to set.",
            )
        } else if remote.is_empty() {
            Finding::skip(
                "No container, Codespace, WSL, SSH or CI marker fired: a browser login calls back to this machine.",
            )
        } else {
            Finding::problem(callback_problem(ctx, &remote))
        };
        let waiting = person.then(|| waiting_problem(ctx, &ctx.waiting_logins));
        let finding = [forward_problem(ctx, &forwards), waiting.flatten()]
            .into_iter()
            .flatten()
            .fold(finding, Finding::and);
        let forwards: Vec<&str> = forwards.iter().map(|f| f.described.as_str()).collect();
        finding
            .with("markers", &remote)
            .with("callback_port_forwards", &forwards)
            .with("waiting_logins", &ctx.waiting_logins)
    }
}

/// The browser login's callback in this place: it may arrive where the
/// launcher forwards ports on its own (a warning, with what to do if it
/// does not), and cannot anywhere else (a failure).
fn callback_problem(ctx: &Context, remote: &[&Marker]) -> Problem {
    let signals: Vec<&str> = remote.iter().map(|m| m.signal.as_str()).collect();
    let cause = format!(
        "This is {} ({}) and no credential is present, so `claude` will start the browser login. Its callback \
         server listens on a random port bound to 127.0.0.1 inside this environment, while the browser runs \
         elsewhere: {} (started by {}).",
        describe_places(remote),
        join_words(&signals),
        launch::callback_route(&ctx.launch),
        ctx.launch.describe(),
    );
    if ctx.launch.launcher.forwards_ports() {
        let fix = sign_in_fix(
            ctx,
            "If the redirect arrives, the login completes on its own. If the browser says \"localhost refused to \
             connect\" (the forward came too late), sign in without the callback, in one of the supported ways:",
        );
        Problem::warn("may-not-arrive", cause, fix)
    } else {
        let fix = sign_in_fix(
            ctx,
            "Sign in without the callback, in one of the supported ways:",
        );
        // A warning, not a failure: the paste-code box works where the
        // callback cannot arrive, and credential-missing fails for the
        // missing credential itself (one cause, one failure).
        Problem::warn("unreachable", cause, fix)
    }
}

/// When a firewall here blocks platform.claude.com, where every login flow
/// exchanges its code, a sentence saying so, to end a fix that offers one.
fn firewall_note(ctx: &Context) -> Option<String> {
    let script = firewall_allowlist::blocking(ctx, hosts::PLATFORM)?;
    Some(format!(
        "\nBehind this firewall a login cannot finish: {script} does not allow platform.claude.com, where the \
         code is exchanged (/v1/oauth/token). Allow it first (ccauth explain firewall-allowlist), or use a \
         setup-token token or an API key, which need only api.anthropic.com."
    ))
}

fn is_remote(place: Where) -> bool {
    place.is_container() || matches!(place, Where::Wsl | Where::Ssh | Where::Ci)
}

fn describe_places(markers: &[&Marker]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for m in markers {
        let name = match m.place {
            Where::Docker => "a Docker container",
            Where::Podman => "a Podman container",
            Where::Container => "a container",
            Where::Devcontainer => "a devcontainer",
            Where::Codespaces => "a GitHub Codespace",
            Where::Kubernetes => "a Kubernetes pod",
            Where::Wsl => "WSL",
            Where::Ssh => "an SSH session",
            Where::Ci => "a CI runner",
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    join_words(&names)
}

/// The ways to sign in without the callback, after `lead`.
fn sign_in_fix(ctx: &Context, lead: &str) -> String {
    let version = ctx.installs.first().and_then(|i| i.version.as_deref());
    let old = version
        .and_then(parse_version)
        .is_some_and(|v| v < PASTE_IN_AUTH_LOGIN);
    let login = if old {
        format!(
            "start `claude` and type /login (your claude {} is older than 2.1.126, whose `claude auth login` \
             cannot take a pasted code)",
            version.unwrap_or("?")
        )
    } else {
        "run `claude auth login` (or /login inside claude)".to_string()
    };
    format!(
        "{lead}\n  \
         1. Paste the code: {login}, press c to copy the URL, open it in any browser, sign in, and paste the \
         code#state string at \"Paste code here if prompted\".\n  \
         2. Deliver the callback by hand: authorize in the browser, and when it says \"localhost refused to \
         connect\", copy the whole URL from its address bar and run `ccauth callback '<url>'` here while claude \
         still waits.\n  \
         3. Use a token: run `claude setup-token` on a machine with a browser and pass CLAUDE_CODE_OAUTH_TOKEN \
         to claude: {token}.\n  \
         4. Use an API key: set ANTHROPIC_API_KEY.\n\
         Forwarding a fixed port (such as {FOLKLORE_PORT}) does not help: the port is chosen at random on every \
         login.{note}",
        token = launch::set_env(&ctx.launch, "CLAUDE_CODE_OAUTH_TOKEN"),
        note = firewall_note(ctx).unwrap_or_default(),
    )
}

/// A forwarded port that looks meant for the login callback.
struct CallbackForward {
    /// The port, the setting and the file, in words.
    described: String,
    /// The devcontainer.json and the setting that forwards it.
    place: Place,
}

/// Ports forwarded in devcontainer.json that look meant for the login callback.
fn callback_forwards(ctx: &Context) -> Vec<CallbackForward> {
    ctx.workspace
        .parsed_devcontainers()
        .flat_map(|(path, config)| {
            devcontainer::forwarded_ports(config)
                .into_iter()
                .filter(looks_like_callback)
                .map(move |p| CallbackForward {
                    described: format!(
                        "port {} in {} of {}",
                        p.port,
                        p.via,
                        ctx.workspace.display(path)
                    ),
                    place: ctx
                        .workspace
                        .devcontainer_place(path, &[setting_key(p.via)]),
                })
        })
        .collect()
}

/// The devcontainer.json key a forwarding setting lives under (`runArgs -p`
/// is an entry of `runArgs`).
fn setting_key(via: &str) -> &str {
    via.split_whitespace().next().unwrap_or(via)
}

fn looks_like_callback(port: &ForwardedPort) -> bool {
    let label = port.label.as_deref().unwrap_or("").to_ascii_lowercase();
    port.port == FOLKLORE_PORT
        || ["oauth", "claude", "callback", "login"]
            .iter()
            .any(|w| label.contains(w))
}

/// A warning that forwarding a fixed port cannot help, placed at each setting.
fn forward_problem(ctx: &Context, forwards: &[CallbackForward]) -> Option<Problem> {
    if forwards.is_empty() {
        return None;
    }
    let described: Vec<&str> = forwards.iter().map(|f| f.described.as_str()).collect();
    let cause = format!(
        "The devcontainer forwards {} for the login callback; that has no effect, because the client picks a \
         new random port on every login and binds it to 127.0.0.1 only.",
        join_words(&described)
    );
    let fix = if ctx.launch.launcher.has_a_person() {
        format!(
            "Remove the forwarded callback port from devcontainer.json and sign in with the paste-code flow, \
             `ccauth callback`, `claude setup-token`, or an API key.{}",
            firewall_note(ctx).unwrap_or_default()
        )
    } else {
        format!(
            "Remove the forwarded callback port from devcontainer.json: a CI job never logs in through a \
             browser. Give it a credential instead: CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token` (or \
             ANTHROPIC_API_KEY) through {}.",
            launch::set_env(&ctx.launch, "CLAUDE_CODE_OAUTH_TOKEN")
        )
    };
    Some(
        Problem::warn("forwarded-port", cause, fix)
            .at_all(forwards.iter().map(|f| f.place.clone())),
    )
}

/// A Claude Code process listening on a loopback port is a browser login
/// waiting for its callback right now: a warning with the exact next step.
fn waiting_problem(ctx: &Context, waiting: &[Listener]) -> Option<Problem> {
    let first = waiting.first()?;
    let described: Vec<String> = waiting.iter().map(describe_waiting).collect();
    let note = format!(
        "A browser login is waiting right now: {} (the client's callback server).",
        join_words(&described)
    );
    let port = first.socket.port;
    let fix = format!(
        "Finish the login that is waiting: authorize in the browser it opened (or open the URL claude printed); \
         when the browser says it cannot connect (\"localhost refused to connect\"), copy the whole URL from its \
         address bar, http://localhost:{port}/callback?code=…&state=…, and run here:\n  \
         ccauth callback 'http://localhost:{port}/callback?code=…&state=…'\n\
         (or run `ccauth callback` and paste it). Then `claude auth status` confirms.{}",
        firewall_note(ctx).unwrap_or_default()
    );
    Some(Problem::warn("login-waiting", note, fix))
}

fn describe_waiting(listener: &Listener) -> String {
    let pid = match &listener.owner {
        Owner::Process(p) => format!(" (pid {})", p.pid),
        Owner::NotVisible => String::new(),
    };
    format!(
        "claude{pid} listens on {}",
        std::net::SocketAddr::new(listener.socket.address, listener.socket.port)
    )
}
