//! `firewall-allowlist`: the reference devcontainer's firewall allows
//! `api.anthropic.com` but not the hosts that sign-in and token refresh use.

use super::{Category, Check, Finding, Place, Problem, join_words, line_column};
use crate::auth::hosts::{self, API as API_HOST};
use crate::gather::Context;
use std::path::Path;

/// Warns when a firewall script omits the OAuth hosts while OAuth is in use.
pub(crate) struct FirewallAllowlist;

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
        let Some(need) = hosts::oauth_reason(ctx) else {
            return Finding::pass(
                "The credential in use is an API key, gateway token or long-lived env token with onboarding \
                 done: only api.anthropic.com is needed, and the firewall allows it.",
            );
        };
        let oauth_hosts: Vec<String> = hosts::needed(ctx)
            .into_iter()
            .filter(|n| n.required && n.host != API_HOST)
            .map(|n| n.host)
            .collect();
        let gaps: Vec<(String, Place)> = scripts
            .iter()
            .filter_map(|(path, text)| gap(path, text, &oauth_hosts))
            .collect();
        if gaps.is_empty() {
            let allowed: Vec<&str> = std::iter::once(API_HOST)
                .chain(oauth_hosts.iter().map(String::as_str))
                .collect();
            return Finding::pass(format!(
                "The firewall script allows {}.",
                join_words(&allowed)
            ));
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
fn gap(path: &Path, text: &str, oauth_hosts: &[String]) -> Option<(String, Place)> {
    let missing: Vec<&str> = oauth_hosts
        .iter()
        .map(String::as_str)
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
