//! `firewall-allowlist`: the reference devcontainer's firewall allows
//! `api.anthropic.com` but not the hosts that sign-in and token refresh use.
//!
//! A firewall here is one script as it runs: the installed copy
//! (`/usr/local/bin/init-firewall.sh`) and its workspace source
//! (`.devcontainer/init-firewall.sh`) are one firewall, judged by the copy
//! that runs. Its allow list is the script's text plus the files and
//! variables it takes more domains from (gathered in
//! [`crate::gather::firewall`]). The severity follows when the credential
//! in use needs the OAuth hosts ([`hosts::oauth_need`]): now fails, later
//! (a valid login that will need refreshing) warns.

use super::{Category, Check, Finding, Place, Problem, Status, join_words, launch, line_column};
use crate::auth::hosts::{self, API as API_HOST, OauthNeed, OauthUse, When};
use crate::gather::Context;
use crate::gather::firewall::{ExtraSource, FirewallScript};

/// Fails when a firewall blocks an OAuth host the credential needs now,
/// warns when it will need one later.
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
        let firewalls = firewalls(ctx);
        if firewalls.is_empty() {
            return Finding::skip(
                "No firewall script that allows api.anthropic.com (init-firewall.sh) was found.",
            );
        }
        let evidence = evidence(&firewalls);
        let Some(need) = hosts::oauth_need(ctx) else {
            return Finding::pass(
                "The credential in use is an API key, gateway token or long-lived env token with onboarding \
                 done (or claude -p, which neither logs in nor runs the first-run check): only \
                 api.anthropic.com is needed, and the firewall allows it.",
            )
            .with("firewalls", evidence);
        };
        let gaps: Vec<Gap> = firewalls
            .iter()
            .filter_map(|f| f.gap(need.hosts()))
            .collect();
        let finding = if gaps.is_empty() {
            let allowed: Vec<&str> = std::iter::once(API_HOST)
                .chain(need.hosts().iter().copied())
                .collect();
            Finding::pass(format!("The firewall allows {}.", join_words(&allowed)))
        } else {
            Finding::problem(problem(ctx, need, gaps))
        };
        finding.with("firewalls", evidence)
    }
}

/// The problem for the firewalls that block what `need` reaches.
fn problem(ctx: &Context, need: OauthNeed, gaps: Vec<Gap>) -> Problem {
    let status = if need.when == When::Now {
        Status::Fail
    } else {
        Status::Warn
    };
    let described: Vec<&str> = gaps.iter().map(|g| g.described.as_str()).collect();
    let missing = gaps[0].missing.clone();
    let symptom = symptom(need);
    let cause = format!("{}, and {}. {symptom}", described.join("; "), need.reason());
    let quoted: Vec<String> = std::iter::once(API_HOST)
        .chain(missing.iter().copied())
        .map(|h| format!("\"{h}\""))
        .collect();
    let fix = format!(
        "Add {} next to api.anthropic.com in the script's domain list (or its extra domains):\n  \
         for domain in {} …\n\
         and {} (or re-run the script). Or use a credential that needs only api.anthropic.com: an API key, or \
         a `claude setup-token` token, which is never refreshed, in CLAUDE_CODE_OAUTH_TOKEN; to pass it to \
         claude: {}.",
        join_words(&missing),
        quoted.join(" "),
        launch::restart(&ctx.launch),
        launch::set_env(&ctx.launch, "CLAUDE_CODE_OAUTH_TOKEN"),
    );
    Problem::of(status, "missing-oauth-hosts", cause, fix)
        .at_all(gaps.into_iter().flat_map(|g| g.places))
}

/// What the user sees when the firewall drops what `need` reaches, as a
/// sentence quoting the client.
fn symptom(need: OauthNeed) -> &'static str {
    match (need.why, need.when) {
        (OauthUse::Refresh, When::Now) => {
            "The refresh is dropped, so the client sends the expired token and the API answers \"OAuth token has \
             expired. Please obtain a new token or refresh your existing token.\""
        }
        (OauthUse::Refresh, When::Later) => {
            "When that refresh is dropped, the session ends with \"OAuth token has expired. Please obtain a new \
             token or refresh your existing token.\""
        }
        (OauthUse::Login, _) => {
            "Expect \"Login failed: Socket is closed\" or \"OAuth error: Request failed with status code 403\"."
        }
        (OauthUse::Preflight, _) => {
            "Expect \"Unable to connect to Anthropic services\", and claude exits."
        }
    }
}

/// The script of a firewall here that blocks `host`, for other checks'
/// fixes (a login flow behind it).
pub(crate) fn blocking(ctx: &Context, host: &str) -> Option<String> {
    firewalls(ctx)
        .into_iter()
        .find(|f| !allows(f.running(), host))
        .map(|f| f.running().script.path.display().to_string())
}

/// One firewall: the copies of one script, the one that runs first.
struct Firewall<'a> {
    copies: Vec<&'a FirewallScript>,
}

/// What a firewall blocks, in words, and where its allow list is.
struct Gap {
    described: String,
    missing: Vec<&'static str>,
    places: Vec<Place>,
}

/// The firewalls here that allow api.anthropic.com: scripts grouped by file
/// name (an installed copy and its workspace source are one), the installed
/// copy first, since it is what runs.
fn firewalls(ctx: &Context) -> Vec<Firewall<'_>> {
    let mut found: Vec<Firewall<'_>> = Vec::new();
    for script in ctx
        .firewall_scripts
        .iter()
        .filter(|s| s.script.ok().is_some())
    {
        let name = script.script.path.file_name();
        match found
            .iter_mut()
            .find(|f| f.copies[0].script.path.file_name() == name)
        {
            Some(firewall) => firewall.copies.push(script),
            None => found.push(Firewall {
                copies: vec![script],
            }),
        }
    }
    for firewall in &mut found {
        firewall
            .copies
            .sort_by_key(|s| s.script.path.starts_with(&ctx.workspace.root));
    }
    found.retain(|f| allows(f.running(), API_HOST));
    found
}

impl Firewall<'_> {
    fn running(&self) -> &FirewallScript {
        self.copies[0]
    }

    /// The hosts of `wanted` the running copy does not allow.
    fn missing<'h>(&self, wanted: &[&'h str]) -> Vec<&'h str> {
        wanted
            .iter()
            .copied()
            .filter(|h| !allows(self.running(), h))
            .collect()
    }

    /// "<script> allows api.anthropic.com but not <missing>", with the extra
    /// sources counted and what each other copy allows.
    fn describe(&self, missing: &[&str]) -> String {
        let running = self.running();
        let mut described = format!(
            "{} allows {API_HOST} but not {}",
            running.script.path.display(),
            join_words(missing)
        );
        let sources = extra_names(running);
        if !sources.is_empty() {
            described.push_str(&format!(
                " (counting the domains from {})",
                join_words(&sources)
            ));
        }
        for copy in &self.copies[1..] {
            let shown = copy.script.path.display();
            described.push_str(&if missing.iter().all(|h| allows(copy, h)) {
                format!("; its source {shown} allows them, but the installed copy runs until the container is rebuilt")
            } else {
                format!(" (nor does its source {shown})")
            });
        }
        described
    }

    /// What it blocks of `wanted`, if anything, placed at the line allowing
    /// api.anthropic.com in every copy that blocks it too.
    fn gap(&self, wanted: &[&'static str]) -> Option<Gap> {
        let missing = self.missing(wanted);
        if missing.is_empty() {
            return None;
        }
        let described = self.describe(&missing);
        let places = self
            .copies
            .iter()
            .filter(|c| missing.iter().any(|h| !allows(c, h)))
            .map(|c| api_place(c))
            .collect();
        Some(Gap {
            described,
            missing,
            places,
        })
    }
}

/// True when the script or one of its extras names `host`.
fn allows(script: &FirewallScript, host: &str) -> bool {
    script.script.ok().is_some_and(|t| t.contains(host))
        || script.extras.iter().any(|e| e.text.contains(host))
}

/// Where the script allows api.anthropic.com: the line in the script, or in
/// a file it takes its domains from; else the script itself.
fn api_place(script: &FirewallScript) -> Place {
    let files = script.extras.iter().filter_map(|e| match &e.source {
        ExtraSource::File { path } => Some((path.as_path(), e.text.as_str())),
        _ => None,
    });
    let own = script
        .script
        .ok()
        .map(|t| (script.script.path.as_path(), t.as_str()));
    match own
        .into_iter()
        .chain(files)
        .find(|(_, t)| t.contains(API_HOST))
    {
        Some((file, text)) => {
            let (line, column) = line_column(text, text.find(API_HOST).unwrap_or(0));
            Place::line(file, line, Some(column)).key(API_HOST)
        }
        None => Place::file(&script.script.path),
    }
}

/// The extras of a script, in words: "/etc/environment's FIREWALL_ALLOWED_DOMAINS".
fn extra_names(script: &FirewallScript) -> Vec<String> {
    script
        .extras
        .iter()
        .map(|e| match &e.source {
            ExtraSource::File { path } => path.display().to_string(),
            ExtraSource::ProcessEnv { name } => format!("${name} in this environment"),
            ExtraSource::EtcEnvironment { name, path } => format!("${name} in {}", path.display()),
        })
        .collect()
}

/// Every firewall's copies and extra sources, for the evidence.
fn evidence(firewalls: &[Firewall<'_>]) -> serde_json::Value {
    firewalls
        .iter()
        .map(|f| {
            serde_json::json!({
                "copies": f.copies.iter().map(|c| &c.script.path).collect::<Vec<_>>(),
                "extras": f.running().extras.iter().map(|e| &e.source).collect::<Vec<_>>(),
            })
        })
        .collect()
}
