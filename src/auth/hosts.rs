//! The hosts sign-in reaches, and which of them the credential in use needs.
//!
//! One table for every reader: the firewall check asks which hosts a script
//! must allow, the `--online` probes which hosts to try, and
//! `network-reachability` how much an unreachable one matters. The rule is
//! the client's: an API key needs only the API (or its gateway); the browser
//! login needs `platform.claude.com` and `claude.ai`; the `/login` credential
//! is refreshed through `platform.claude.com` (now when its access token is
//! within 5 minutes of `expiresAt`, later otherwise); an env OAuth token
//! needs it for the interactive first-run preflight until onboarding is
//! done. `claude -p` (a CI job) never logs in and runs no preflight.

use super::{Mode as AuthMode, SourceKind, effective_var, resolve, session_winner};
use crate::gather::Context;
use crate::gather::claude_state::ClaudeJson;
use crate::gather::launcher::Mode;

/// The API, and the first-run check.
pub(crate) const API: &str = "api.anthropic.com";
/// Token exchange and refresh since 2.1.7.
pub(crate) const PLATFORM: &str = "platform.claude.com";
/// Account sign-in.
pub(crate) const CLAUDE_AI: &str = "claude.ai";

/// One host sign-in can reach, and whether it is needed here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Need {
    /// The host name.
    pub(crate) host: String,
    /// Sign-in needs it with the credential in use.
    pub(crate) required: bool,
    /// What the host is for, as a noun phrase ("the browser sign-in").
    pub(crate) role: &'static str,
}

/// Every host sign-in can reach from this snapshot, the API first, each with
/// whether the credential in use needs it; the `ANTHROPIC_BASE_URL` gateway
/// last, when one is set.
pub(crate) fn needed(ctx: &Context) -> Vec<Need> {
    let winner = session_winner(ctx).map(|w| w.kind);
    let third_party = winner == Some(SourceKind::CloudProvider);
    let gateway = gateway_host(ctx);
    let oauth = oauth_need(ctx);
    let mut hosts = vec![
        Need {
            host: API.to_string(),
            required: !third_party && gateway.is_none(),
            role: "the API and the first-run check",
        },
        Need {
            host: PLATFORM.to_string(),
            required: oauth.is_some(),
            role: "OAuth token exchange and refresh, and the first-run check",
        },
        Need {
            host: CLAUDE_AI.to_string(),
            required: oauth.is_some_and(|n| n.why == OauthUse::Login),
            role: "the browser sign-in",
        },
    ];
    if let Some(host) = gateway {
        hosts.push(Need {
            host,
            required: !third_party,
            role: "your ANTHROPIC_BASE_URL gateway",
        });
    }
    hosts
}

/// What the credential in use reaches the OAuth hosts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OauthUse {
    /// No credential, and a person runs `claude`: the browser login, whose
    /// code is exchanged at `platform.claude.com/v1/oauth/token`.
    Login,
    /// The `/login` credential, refreshed at `platform.claude.com/v1/oauth/token`.
    Refresh,
    /// An env OAuth token before onboarding: the interactive first-run
    /// preflight checks `platform.claude.com` and exits when it cannot.
    Preflight,
}

/// When the OAuth hosts are needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum When {
    /// At the next start or request: a login, a refresh that is due, the
    /// first-run preflight.
    Now,
    /// Once the stored access token nears its expiry (hours away).
    Later,
}

/// Why and when the credential in use needs the OAuth hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OauthNeed {
    /// What for.
    pub(crate) why: OauthUse,
    /// When.
    pub(crate) when: When,
}

impl OauthNeed {
    /// The OAuth hosts it needs: the login both, a refresh or the preflight
    /// only `platform.claude.com`.
    pub(crate) fn hosts(self) -> &'static [&'static str] {
        match self.why {
            OauthUse::Login => &[PLATFORM, CLAUDE_AI],
            OauthUse::Refresh | OauthUse::Preflight => &[PLATFORM],
        }
    }

    /// Why, as a clause.
    pub(crate) fn reason(self) -> &'static str {
        match (self.why, self.when) {
            (OauthUse::Login, _) => {
                "no credential is set, so interactive claude starts the browser login, whose code is exchanged \
                 at platform.claude.com/v1/oauth/token"
            }
            (OauthUse::Refresh, When::Now) => {
                "the stored /login access token has expired (or expires within 5 minutes), so the client \
                 refreshes it at platform.claude.com/v1/oauth/token before its next request"
            }
            (OauthUse::Refresh, When::Later) => {
                "the stored /login access token is valid now, but the client refreshes it at \
                 platform.claude.com/v1/oauth/token when it nears its expiry (a /login token lasts about 8 hours)"
            }
            (OauthUse::Preflight, _) => {
                "the first-run preflight checks platform.claude.com and exits when it is unreachable"
            }
        }
    }
}

/// Why and when the OAuth hosts are needed here, if they are. The
/// credential is the one the client sends ([`session_winner`]; in a CI job
/// the one `claude -p` sends, [`resolve`]): `claude -p` neither logs in nor
/// runs the preflight.
pub(crate) fn oauth_need(ctx: &Context) -> Option<OauthNeed> {
    let interactive = ctx.launch.mode == Mode::Interactive;
    let winner = if interactive {
        session_winner(ctx)
    } else {
        resolve(ctx, AuthMode::Print).winner
    };
    let onboarded = ctx
        .effective_config()
        .and_then(|c| c.ok())
        .is_some_and(ClaudeJson::onboarding_done);
    let now = |why| {
        Some(OauthNeed {
            why,
            when: When::Now,
        })
    };
    match winner.map(|w| w.kind) {
        None if interactive => now(OauthUse::Login),
        Some(SourceKind::StoredLogin) => {
            let due = ctx
                .credentials
                .as_ref()
                .and_then(|c| c.ok())
                .is_some_and(|login| login.refresh_due(ctx.now_ms()));
            Some(OauthNeed {
                why: OauthUse::Refresh,
                when: if due { When::Now } else { When::Later },
            })
        }
        Some(SourceKind::OauthTokenEnv) if interactive && !onboarded => now(OauthUse::Preflight),
        _ => None,
    }
}

/// The host of the `ANTHROPIC_BASE_URL` in effect, unless it is the API's own.
pub(crate) fn gateway_host(ctx: &Context) -> Option<String> {
    effective_var(ctx, "ANTHROPIC_BASE_URL")
        .and_then(|b| url_host(&b))
        .filter(|h| h != API)
}

/// The host of an http(s) URL, lowercased, without user info or port.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_extracted() {
        assert_eq!(url_host("https://api.anthropic.com").as_deref(), Some(API));
        assert_eq!(
            url_host("HTTPS://GW.Example.com:8443/v1?x").as_deref(),
            Some("gw.example.com")
        );
        assert_eq!(
            url_host("http://user:pw@proxy.local/").as_deref(),
            Some("proxy.local")
        );
        assert_eq!(url_host("http://[::1]:4000").as_deref(), Some("::1"));
        assert_eq!(url_host("api.anthropic.com"), None);
        assert_eq!(url_host("ftp://x"), None);
        assert_eq!(url_host("https://"), None);
    }
}
