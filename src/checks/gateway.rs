//! `gateway`: `ANTHROPIC_BASE_URL` and cloud-provider switches change where
//! requests go and which credential they carry.

use super::{Category, Check, Finding, Problem, join_words, places};
use crate::auth::hosts::{API as ANTHROPIC_API, url_host};
use crate::auth::{self, Credential, Mode, SourceKind};
use crate::gather::Context;

/// Judges the API endpoint and the credential sent to it.
pub(crate) struct Gateway;

impl Check for Gateway {
    fn id(&self) -> &'static str {
        "gateway"
    }

    fn title(&self) -> &'static str {
        "Requests go where their credential belongs"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/gateway.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let present = auth::present(ctx);
        if let Some(flag) = present.iter().find(|c| c.kind == SourceKind::CloudProvider) {
            return cloud_provider(flag, &present);
        }
        let Some(base) =
            auth::effective_var(ctx, "ANTHROPIC_BASE_URL").filter(|v| !v.trim().is_empty())
        else {
            return Finding::skip(
                "ANTHROPIC_BASE_URL is not set: requests go to api.anthropic.com.",
            );
        };
        let base_places = auth::effective_origin(ctx, "ANTHROPIC_BASE_URL")
            .map(|origin| places::of_origin(ctx, &origin, "ANTHROPIC_BASE_URL"))
            .unwrap_or_default();
        let Some(host) = url_host(&base) else {
            return Finding::problem(
                Problem::warn(
                    "not-a-url",
                    format!(
                        "ANTHROPIC_BASE_URL is {base:?}, which is not an http(s) URL: requests cannot be sent."
                    ),
                    "Set it to the gateway's full URL, such as https://llm-gateway.example.com, or unset it.",
                )
                .at_all(base_places),
            );
        };
        if host == ANTHROPIC_API {
            return Finding::pass(format!("ANTHROPIC_BASE_URL points to {ANTHROPIC_API}."));
        }
        let winner = auth::resolve(ctx, Mode::Print).winner;
        let gateway_credential = present
            .iter()
            .find(|c| matches!(c.kind, SourceKind::AuthToken | SourceKind::ApiKeyHelper));
        let problem = match (&winner, gateway_credential) {
            (Some(w), _) if w.kind.is_subscription() => Problem::warn(
                "subscription-sent",
                format!(
                    "ANTHROPIC_BASE_URL points to {host}, and your Claude subscription token ({}) is what gets \
                     sent there, as a Bearer token: the gateway receives your personal login.",
                    w.describe()
                ),
                GATEWAY_FIX,
            ),
            (_, Some(token)) => {
                return Finding::pass(format!(
                    "ANTHROPIC_BASE_URL points to {host}, which receives {}.",
                    token.describe()
                ))
                .with("base_url_host", &host);
            }
            (Some(w), None) => Problem::warn(
                "no-gateway-token",
                format!(
                    "ANTHROPIC_BASE_URL points to {host} without ANTHROPIC_AUTH_TOKEN or apiKeyHelper, so {} is \
                     sent there instead of a gateway token.",
                    w.describe()
                ),
                GATEWAY_FIX,
            ),
            (None, None) => Problem::warn(
                "no-credential",
                format!(
                    "ANTHROPIC_BASE_URL points to {host}, but no credential is set for it (neither \
                     ANTHROPIC_AUTH_TOKEN nor apiKeyHelper)."
                ),
                GATEWAY_FIX,
            ),
        };
        let sent = winner.iter().flat_map(|w| places::of_credential(ctx, w));
        Finding::problem(problem.at_all(base_places).at_all(sent)).with("base_url_host", &host)
    }
}

const GATEWAY_FIX: &str = "Give the gateway its own token: set ANTHROPIC_AUTH_TOKEN (sent as a Bearer token) or an \
                           apiKeyHelper that prints it. If you did not mean to use a gateway, unset \
                           ANTHROPIC_BASE_URL.";

fn cloud_provider(flag: &Credential, present: &[Credential]) -> Finding {
    let provider = match flag.name {
        "CLAUDE_CODE_USE_BEDROCK" => "Amazon Bedrock, with AWS credentials",
        "CLAUDE_CODE_USE_VERTEX" => "Google Vertex AI, with Google Cloud credentials",
        "CLAUDE_CODE_USE_FOUNDRY" => "Microsoft Foundry, with Azure credentials",
        _ => "a cloud provider, with that provider's credentials",
    };
    let unused: Vec<&str> = present
        .iter()
        .filter(|c| c.kind != SourceKind::CloudProvider)
        .map(|c| c.name)
        .collect();
    let unused = if unused.is_empty() {
        String::new()
    } else {
        format!(
            " {} {} not used for requests.",
            join_words(&unused),
            if unused.len() == 1 { "is" } else { "are" }
        )
    };
    Finding::pass(format!(
        "{} is on: Claude Code talks to {provider}; no Anthropic login is involved.{unused}",
        flag.describe()
    ))
}
