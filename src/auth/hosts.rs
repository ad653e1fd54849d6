//! The hosts sign-in reaches, and which of them the credential in use needs.
//!
//! One table for every reader: the firewall check asks which hosts a script
//! must allow, the `--online` probes which hosts to try, and
//! `network-reachability` how much an unreachable one matters. The rule is
//! the client's: an API key needs only the API (or its gateway); the browser
//! login needs `platform.claude.com` and `claude.ai`; the `/login` credential
//! is refreshed through `platform.claude.com`; an env OAuth token needs it
//! for the first-run preflight until onboarding is done.

use super::{SourceKind, effective_var, session_winner};
use crate::gather::Context;
use crate::gather::claude_state::ClaudeJson;

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
    let mut hosts = vec![
        Need {
            host: API.to_string(),
            required: !third_party && gateway.is_none(),
            role: "the API and the first-run check",
        },
        Need {
            host: PLATFORM.to_string(),
            required: oauth_reason(ctx).is_some(),
            role: "OAuth token exchange and refresh, and the first-run check",
        },
        Need {
            host: CLAUDE_AI.to_string(),
            required: winner.is_none(),
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

/// Why the OAuth hosts are needed here, as a clause, if they are.
pub(crate) fn oauth_reason(ctx: &Context) -> Option<&'static str> {
    let onboarded = ctx
        .effective_config()
        .and_then(|c| c.ok())
        .is_some_and(ClaudeJson::onboarding_done);
    match session_winner(ctx).map(|w| w.kind) {
        None => Some("no credential is set, so the browser login (which needs both) is the way in"),
        Some(SourceKind::StoredLogin) => {
            Some("the /login credential is refreshed through platform.claude.com")
        }
        Some(SourceKind::OauthTokenEnv) if !onboarded => Some(
            "the first-run preflight checks platform.claude.com and exits when it is unreachable",
        ),
        Some(_) => None,
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
