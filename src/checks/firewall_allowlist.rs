//! `firewall-allowlist`: the reference devcontainer's firewall allows
//! `api.anthropic.com` but not the hosts that sign-in and token refresh use.

use super::{Category, Check, Finding, Place, Problem, join_words, line_column};
use crate::auth::{self, SourceKind};
use crate::gather::Context;
use std::path::Path;

/// Warns when a firewall script omits the OAuth hosts while OAuth is in use.
pub struct FirewallAllowlist;

const API_HOST: &str = "api.anthropic.com";
const OAUTH_HOSTS: &[&str] = &["platform.claude.com", "claude.ai"];

impl Check for FirewallAllowlist {
    fn id(&self) -> &'static str {
        "firewall-allowlist"
    }

    fn title(&self) -> &'static str {
        "The firewall lets sign-in and token refresh through"
    }

    fn category(&self) -> Category {
        Category::Network
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/firewall-allowlist.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let scripts: Vec<(&Path, &str)> = ctx
            .firewall_scripts
            .iter()
            .filter_map(|s| Some((s.path.as_path(), s.ok()?.as_str())))
            .filter(|(_, text)| text.contains(API_HOST))
            .collect();
        if scripts.is_empty() {
            return Finding::skip(
                "No firewall script that allows api.anthropic.com (init-firewall.sh) was found.",
            );
        }
        let Some(need) = oauth_need(ctx) else {
            return Finding::pass(
                "The credential in use is an API key, gateway token or long-lived env token with onboarding \
                 done: only api.anthropic.com is needed, and the firewall allows it.",
            );
        };
        let gaps: Vec<(String, Place)> = scripts
            .iter()
            .filter_map(|(path, text)| gap(path, text))
            .collect();
        if gaps.is_empty() {
            return Finding::pass(
                "The firewall script allows api.anthropic.com, platform.claude.com and claude.ai.",
            );
        }
        let described: Vec<&str> = gaps.iter().map(|(d, _)| d.as_str()).collect();
        let problem = Problem::warn(
            "missing-oauth-hosts",
            format!(
                "{}, and {need}. Since 2.1.7 OAuth login and token refresh go to platform.claude.com: expect \"Login \
                 failed: Socket is closed\", \"OAuth error: Request failed with status code 403\", or \"Unable to \
                 connect to Anthropic services\".",
                described.join("; ")
            ),
            "Add the OAuth hosts next to api.anthropic.com in the script's domain list:\n  \
             for domain in \"api.anthropic.com\" \"platform.claude.com\" \"claude.ai\" …\n\
             and rebuild or re-run it. Or sign in with an API key, which needs only api.anthropic.com.",
        )
        .at_all(gaps.into_iter().map(|(_, place)| place));
        Finding::problem(problem).with(
            "scripts",
            scripts.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        )
    }
}

/// The OAuth hosts a script omits, in words, and the line that allows
/// api.anthropic.com, where they belong. `None` when it omits none.
fn gap(path: &Path, text: &str) -> Option<(String, Place)> {
    let missing: Vec<&str> = OAUTH_HOSTS
        .iter()
        .copied()
        .filter(|h| !text.contains(h))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let described = format!(
        "{} allows {API_HOST} but not {}",
        path.display(),
        join_words(&missing)
    );
    let (line, column) = line_column(text, text.find(API_HOST).unwrap_or(0));
    Some((
        described,
        Place::line(path, line, Some(column)).key(API_HOST),
    ))
}

/// Why OAuth hosts are needed here, if they are.
fn oauth_need(ctx: &Context) -> Option<&'static str> {
    let winner = auth::session_winner(ctx);
    let onboarded = ctx
        .effective_config()
        .and_then(|c| c.ok())
        .is_some_and(crate::gather::claude_state::ClaudeJson::onboarding_done);
    match winner.map(|w| w.kind) {
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
