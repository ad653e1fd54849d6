//! `--online`: what the network says, probed only when the user asks, as its
//! own step after gathering: [`run`] reads the finished snapshot and returns
//! typed [`OnlineFacts`], which the network checks judge like any other input.
//!
//! For each host sign-in needs ([`crate::auth::hosts`]), one HTTPS request
//! (DNS, TCP, TLS, and through `HTTPS_PROXY` unless `NO_PROXY` says
//! otherwise), classified in words; and one cheap authenticated request
//! (`GET /v1/models`) with the credential in use, sent only to the API host or
//! the user's own `ANTHROPIC_BASE_URL`. Trust is the platform's CA bundle plus
//! `NODE_EXTRA_CA_CERTS`, as for the client. Every probe has a timeout and
//! they run side by side.
//!
//! Where the probes go is fixed by the caller through [`Probing`], never by
//! the environment or the workspace: the binary always probes the real hosts,
//! and only a program linking the library (the test suite, with loopback
//! servers) can redirect a host, with [`Probing::redirect`].

use crate::gather::Context;
use serde::Serialize;
use std::time::Duration;

/// How to probe: the time each probe (and an `apiKeyHelper`) may take, and
/// where each host is reached.
#[derive(Clone, Debug)]
pub struct Probing {
    /// The per-probe timeout.
    #[cfg_attr(not(feature = "online"), allow(dead_code))]
    pub(crate) timeout: Duration,
    /// Stand-in URLs by host name; empty in the binary.
    redirects: Vec<(String, String)>,
}

impl Probing {
    /// Probes of the real hosts, each within `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Probing {
            timeout,
            redirects: Vec::new(),
        }
    }

    /// Sends every request meant for `host` (credential included) to `url`
    /// instead. For tests that stand loopback servers in for the real hosts;
    /// nothing in the binary calls it, so no variable, flag or file can
    /// redirect where a credential goes.
    pub fn redirect(mut self, host: &str, url: &str) -> Self {
        self.redirects.retain(|(h, _)| h != host);
        self.redirects.push((host.to_string(), url.to_string()));
        self
    }

    /// The redirect for `host`, if the caller set one.
    #[cfg_attr(not(feature = "online"), allow(dead_code))]
    fn redirected(&self, host: &str) -> Option<&str> {
        self.redirects
            .iter()
            .find(|(h, _)| h == host)
            .map(|(_, url)| url.as_str())
    }
}

/// Everything the probes found.
#[derive(Clone, Debug, Serialize)]
pub struct OnlineFacts {
    /// The per-probe timeout.
    pub timeout_ms: u64,
    /// One probe per host.
    pub hosts: Vec<HostProbe>,
    /// The authenticated request, when there was a credential to send.
    pub token: Option<TokenProbe>,
    /// Why no authenticated request was made, when none was.
    pub token_skipped: Option<String>,
    /// `NODE_EXTRA_CA_CERTS`, when set.
    pub extra_ca: Option<ExtraCa>,
    /// The proxy in use (user info removed), when one is.
    pub proxy: Option<String>,
}

/// How reaching a host went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// An HTTP answer came back over verified TLS.
    Ok,
    /// The name did not resolve.
    DnsFailure,
    /// The connection was refused (a REJECT rule, nothing listening).
    Refused,
    /// No route (a DROP/REJECT with ICMP unreachable, no network).
    Unreachable,
    /// No answer within the timeout.
    TimedOut,
    /// The certificate did not verify: often a TLS-intercepting proxy.
    TlsVerification,
    /// Another TLS failure.
    Tls,
    /// The proxy refused the CONNECT.
    ProxyRefused,
    /// Anything else.
    Other,
}

/// One host's probe.
#[derive(Clone, Debug, Serialize)]
pub struct HostProbe {
    /// The host name.
    pub host: String,
    /// Whether sign-in needs it with the credential in use.
    pub required: bool,
    /// Why it is (or is not) needed.
    pub role: String,
    /// The outcome.
    pub reach: Reach,
    /// The error in words, or the HTTP status.
    pub detail: String,
    /// It went through the proxy.
    pub via_proxy: bool,
    /// How long it took.
    pub elapsed_ms: u64,
    /// Local clock minus the server's `Date`, in seconds.
    pub clock_skew_s: Option<i64>,
}

/// What the server said of the credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenVerdict {
    /// Authenticated.
    Accepted,
    /// The token expired.
    Expired,
    /// Revoked, invalid, or unknown to the server.
    Invalid,
    /// An OAuth token sent as an API key, or the reverse.
    WrongKind,
    /// The organisation is disabled.
    OrgDisabled,
    /// No credit left on the API account.
    NoCredit,
    /// The request did not get an answer.
    NoAnswer,
    /// Another answer.
    Unexpected,
}

/// The authenticated request.
#[derive(Clone, Debug, Serialize)]
pub struct TokenProbe {
    /// Which credential was sent ("ANTHROPIC_API_KEY from the process environment").
    pub credential: String,
    /// How it was sent.
    pub header: AuthHeader,
    /// The host it went to.
    pub host: String,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// The classification.
    pub verdict: TokenVerdict,
    /// The server's error message, or the transport error.
    pub message: Option<String>,
}

/// How the authenticated request carries the credential, as the client
/// sends that kind of credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthHeader {
    /// An API key, in `x-api-key`.
    ApiKey,
    /// An OAuth or gateway token, in `Authorization: Bearer`.
    Bearer,
}

impl AuthHeader {
    /// The header as people (and the JSON evidence) name it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            AuthHeader::ApiKey => "x-api-key",
            AuthHeader::Bearer => "Authorization: Bearer",
        }
    }
}

impl std::fmt::Display for AuthHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// The JSON evidence has always carried the phrase (`"header": "x-api-key"`).
impl Serialize for AuthHeader {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.describe())
    }
}

/// `NODE_EXTRA_CA_CERTS` as found.
#[derive(Clone, Debug, Serialize)]
pub struct ExtraCa {
    /// The path it names.
    pub(crate) path: String,
    /// Certificates read from it.
    pub(crate) certificates: usize,
    /// Why it could not be used, when it could not.
    pub(crate) problem: Option<String>,
}

/// Probes the network for this snapshot; `None` in a build without the
/// `online` feature, which has no HTTP client.
pub fn run(ctx: &Context, probing: &Probing) -> Option<OnlineFacts> {
    #[cfg(feature = "online")]
    return Some(net::probe(ctx, probing));
    #[cfg(not(feature = "online"))]
    {
        let _ = (ctx, probing);
        None
    }
}

#[cfg(feature = "online")]
mod net {
    use super::*;
    use crate::auth::hosts::{self, API};
    use crate::auth::{self, Credential, Mode, SourceKind};
    use crate::gather::{helper, system};
    use crate::secret::{Secret, TokenKind};
    use std::sync::Arc;
    use std::time::{Instant, SystemTime};
    use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

    /// The platform CA bundles, first found wins.
    const BUNDLES: &[&str] = &[
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/cert.pem",
    ];
    /// Bodies are read only this far.
    const BODY_LIMIT: u64 = 64 << 10;

    /// Runs every probe, side by side, each within the timeout.
    pub(crate) fn probe(ctx: &Context, probing: &Probing) -> OnlineFacts {
        let timeout = probing.timeout;
        let (roots, extra_ca) = trust(ctx);
        let proxy = proxy_url(ctx);
        let hosts = hosts::needed(ctx);
        let token_plan = token_plan(ctx, probing);
        let (host_probes, token) = std::thread::scope(|scope| {
            let handles: Vec<_> = hosts
                .iter()
                .map(|need| {
                    let url = endpoint(probing, &need.host);
                    let agent = agent(&url, &proxy, &roots, timeout);
                    scope.spawn(move || probe_host(&agent, need, &url))
                })
                .collect();
            let token = token_plan.as_ref().ok().map(|plan| {
                let agent = agent(&plan.url, &proxy, &roots, timeout);
                scope.spawn(move || probe_token(&agent, plan))
            });
            // A probe that panicked is ccauth's own bug: it surfaces as one
            // (exit 101), never as a host silently missing from the report.
            let hosts: Vec<HostProbe> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect();
            let token = token.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            (hosts, token)
        });
        OnlineFacts {
            timeout_ms: timeout.as_millis() as u64,
            hosts: host_probes,
            token,
            token_skipped: token_plan.err(),
            extra_ca,
            proxy: proxy.map(|(url, _)| without_userinfo(&url)),
        }
    }

    /// The URL to use for a host: the caller's redirect, or https://host.
    fn endpoint(probing: &Probing, host: &str) -> String {
        probing
            .redirected(host)
            .map_or(format!("https://{host}"), |url| {
                url.trim_end_matches('/').to_string()
            })
    }

    /// Platform bundle (under the sysroot) plus NODE_EXTRA_CA_CERTS.
    fn trust(ctx: &Context) -> (RootCerts, Option<ExtraCa>) {
        let mut certs: Vec<Certificate<'static>> = Vec::new();
        let bundle = ctx
            .env
            .non_empty("SSL_CERT_FILE")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain(BUNDLES.iter().map(|b| system::under(&ctx.sysroot, b)))
            .find(|p| p.is_file());
        if let Some(bundle) = bundle {
            certs.extend(read_pem(&bundle).unwrap_or_default());
        }
        let platform = !certs.is_empty();
        let extra_ca = ctx.env.non_empty("NODE_EXTRA_CA_CERTS").map(|path| {
            let found = read_pem(std::path::Path::new(path));
            let (count, problem) = match found {
                Ok(list) if list.is_empty() => (0, Some("it holds no PEM certificate".to_string())),
                Ok(list) => {
                    let n = list.len();
                    certs.extend(list);
                    (n, None)
                }
                Err(why) => (0, Some(why)),
            };
            ExtraCa {
                path: path.to_string(),
                certificates: count,
                problem,
            }
        });
        let roots = if certs.is_empty() || (!platform && extra_ca.is_none()) {
            RootCerts::WebPki
        } else {
            RootCerts::Specific(Arc::new(certs))
        };
        (roots, extra_ca)
    }

    fn read_pem(path: &std::path::Path) -> Result<Vec<Certificate<'static>>, String> {
        let bytes =
            crate::gather::fsread::read_bounded(path, 16 << 20).map_err(|p| p.describe())?;
        Ok(ureq::tls::parse_pem(&bytes)
            .filter_map(Result::ok)
            .filter_map(|item| match item {
                PemItem::Certificate(cert) => Some(cert),
                _ => None,
            })
            .collect())
    }

    /// HTTPS_PROXY (or https_proxy, ALL_PROXY) from the snapshot, with its NO_PROXY.
    fn proxy_url(ctx: &Context) -> Option<(String, String)> {
        let url = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
            .iter()
            .find_map(|v| ctx.env.non_empty(v))?;
        let no_proxy = ["NO_PROXY", "no_proxy"]
            .iter()
            .find_map(|v| ctx.env.non_empty(v))
            .unwrap_or("");
        Some((url.to_string(), no_proxy.to_string()))
    }

    /// True when NO_PROXY exempts the host.
    pub(crate) fn bypasses_proxy(no_proxy: &str, host: &str) -> bool {
        no_proxy
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .any(|entry| {
                let entry = entry.trim_start_matches('*').trim_start_matches('.');
                entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
            })
            || no_proxy.trim() == "*"
    }

    /// An agent for one URL: the proxy unless NO_PROXY exempts the URL's host.
    fn agent(
        url: &str,
        proxy: &Option<(String, String)>,
        roots: &RootCerts,
        timeout: Duration,
    ) -> ureq::Agent {
        let host = hosts::url_host(url).unwrap_or_default();
        let proxy = proxy
            .as_ref()
            .filter(|(_, no)| !bypasses_proxy(no, &host))
            .and_then(|(url, _)| ureq::Proxy::new(url).ok());
        ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(proxy)
            .tls_config(TlsConfig::builder().root_certs(roots.clone()).build())
            .user_agent(concat!("ccauth/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent()
    }

    fn probe_host(agent: &ureq::Agent, need: &hosts::Need, url: &str) -> HostProbe {
        let started = Instant::now();
        let via_proxy = agent.config().proxy().is_some();
        let result = agent.get(&format!("{url}/")).call();
        let (reach, detail, skew) = match result {
            Ok(response) => {
                let skew = response
                    .headers()
                    .get("date")
                    .and_then(|d| d.to_str().ok())
                    .and_then(|d| httpdate::parse_http_date(d).ok())
                    .map(|server| skew_seconds(SystemTime::now(), server));
                (
                    Reach::Ok,
                    format!("HTTP {}", response.status().as_u16()),
                    skew,
                )
            }
            Err(e) => {
                let (reach, detail) = classify(&e);
                (reach, detail, None)
            }
        };
        HostProbe {
            host: need.host.clone(),
            required: need.required,
            role: need.role.to_string(),
            reach,
            detail,
            via_proxy,
            elapsed_ms: started.elapsed().as_millis() as u64,
            clock_skew_s: skew,
        }
    }

    /// Local minus server time, in whole seconds.
    fn skew_seconds(local: SystemTime, server: SystemTime) -> i64 {
        match local.duration_since(server) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        }
    }

    /// A transport error in the words of the classification.
    pub(crate) fn classify(e: &ureq::Error) -> (Reach, String) {
        use std::io::ErrorKind;
        let text = crate::secret::scrub(&e.to_string());
        if text.contains("invalid peer certificate") {
            return (Reach::TlsVerification, text);
        }
        let reach = match e {
            ureq::Error::HostNotFound => Reach::DnsFailure,
            ureq::Error::Timeout(_) => Reach::TimedOut,
            ureq::Error::ConnectProxyFailed(_) => Reach::ProxyRefused,
            ureq::Error::Rustls(_) | ureq::Error::Tls(_) => Reach::Tls,
            ureq::Error::Io(io) => match io.kind() {
                ErrorKind::ConnectionRefused => Reach::Refused,
                ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => Reach::Unreachable,
                ErrorKind::TimedOut | ErrorKind::WouldBlock => Reach::TimedOut,
                _ if io.raw_os_error() == Some(113) || io.raw_os_error() == Some(101) => {
                    Reach::Unreachable
                }
                _ if text.contains("failed to lookup") || text.contains("Name or service") => {
                    Reach::DnsFailure
                }
                _ => Reach::Other,
            },
            ureq::Error::ConnectionFailed => Reach::Refused,
            _ => Reach::Other,
        };
        (reach, text)
    }

    /// What the authenticated request will send, and where.
    struct TokenPlan {
        credential: Credential,
        secret: Secret,
        header: AuthHeader,
        oauth_beta: bool,
        host: String,
        url: String,
    }

    fn token_plan(ctx: &Context, probing: &Probing) -> Result<TokenPlan, String> {
        let winner = auth::resolve(ctx, Mode::Print)
            .winner
            .ok_or("no credential is in effect, so there is nothing to send")?;
        let base = auth::effective_var(ctx, "ANTHROPIC_BASE_URL").filter(|b| !b.trim().is_empty());
        let (host, url) = match &base {
            Some(base) => {
                let host =
                    hosts::url_host(base).ok_or("ANTHROPIC_BASE_URL is not an http(s) URL")?;
                let url = probing
                    .redirected(&host)
                    .map_or(base.trim_end_matches('/').to_string(), String::from);
                (host, url)
            }
            None => (API.to_string(), endpoint(probing, API)),
        };
        let (secret, header, oauth_beta) = match winner.kind {
            SourceKind::CloudProvider => {
                return Err("a cloud provider authenticates these requests".into());
            }
            SourceKind::ApiKeyHelper => (
                helper_key(ctx, &winner, probing)?,
                AuthHeader::ApiKey,
                false,
            ),
            SourceKind::ApiKey | SourceKind::PrimaryApiKey => {
                (value(&winner)?, AuthHeader::ApiKey, false)
            }
            SourceKind::AuthToken => (value(&winner)?, AuthHeader::Bearer, false),
            SourceKind::OauthTokenEnv | SourceKind::StoredLogin => {
                (value(&winner)?, AuthHeader::Bearer, true)
            }
        };
        Ok(TokenPlan {
            credential: winner,
            secret,
            header,
            oauth_beta,
            host,
            url,
        })
    }

    /// The key an `apiKeyHelper` prints, unless the folder it comes from was
    /// never trusted: then it is not run at all.
    fn helper_key(ctx: &Context, c: &Credential, probing: &Probing) -> Result<Secret, String> {
        if auth::awaits_trust(ctx, c) {
            return Err(auth::UNTRUSTED_NOT_RUN.to_string());
        }
        let command = c
            .value
            .as_ref()
            .ok_or("the apiKeyHelper command is empty")?;
        helper::run(command, probing.timeout)
    }

    fn value(c: &Credential) -> Result<Secret, String> {
        c.value.clone().filter(|v| !v.is_empty()).ok_or_else(|| {
            format!(
                "{} comes from a file descriptor, which ccauth cannot read",
                c.name
            )
        })
    }

    fn probe_token(agent: &ureq::Agent, plan: &TokenPlan) -> TokenProbe {
        let mut request = agent
            .get(&format!("{}/v1/models", plan.url))
            .header("anthropic-version", "2023-06-01");
        request = match plan.header {
            AuthHeader::ApiKey => request.header("x-api-key", plan.secret.expose()),
            AuthHeader::Bearer => {
                request.header("authorization", format!("Bearer {}", plan.secret.expose()))
            }
        };
        if plan.oauth_beta {
            request = request.header("anthropic-beta", "oauth-2025-04-20");
        }
        let header = plan.header;
        // A server's error may quote what it was sent: mask that exact value.
        let sent = crate::secret::Scrubber::with_values([plan.secret.expose()]);
        let (status, body) = match request.call() {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let body = response
                    .body_mut()
                    .with_config()
                    .limit(BODY_LIMIT)
                    .read_to_string()
                    .unwrap_or_default();
                (Some(status), body)
            }
            Err(e) => {
                return TokenProbe {
                    credential: plan.credential.describe(),
                    header,
                    host: plan.host.clone(),
                    status: None,
                    verdict: TokenVerdict::NoAnswer,
                    message: Some(sent.scrub(&classify(&e).1)),
                };
            }
        };
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(String::from))
            .map(|m| sent.scrub(&m));
        let sent_kind = plan.secret.kind();
        TokenProbe {
            credential: plan.credential.describe(),
            header,
            host: plan.host.clone(),
            verdict: verdict(
                status.unwrap_or(0),
                message.as_deref().unwrap_or(""),
                header,
                sent_kind,
            ),
            status,
            message,
        }
    }

    /// Maps the API's answer to a cause.
    pub(crate) fn verdict(
        status: u16,
        message: &str,
        header: AuthHeader,
        sent: TokenKind,
    ) -> TokenVerdict {
        let m = message.to_ascii_lowercase();
        let as_api_key = header == AuthHeader::ApiKey;
        match status {
            200..=299 | 429 => TokenVerdict::Accepted,
            _ if m.contains("credit balance") => TokenVerdict::NoCredit,
            _ if m.contains("disabled") => TokenVerdict::OrgDisabled,
            _ if m.contains("expired") => TokenVerdict::Expired,
            401 if as_api_key && sent == TokenKind::OauthAccessToken => TokenVerdict::WrongKind,
            401 if !as_api_key && sent == TokenKind::ApiKey => TokenVerdict::WrongKind,
            401 | 403 if m.contains("oauth authentication is currently not supported") => {
                TokenVerdict::WrongKind
            }
            401 | 403 => TokenVerdict::Invalid,
            _ => TokenVerdict::Unexpected,
        }
    }

    fn without_userinfo(url: &str) -> String {
        match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!("{}{}", &url[..scheme + 3], &url[at + 1..])
            }
            _ => url.to_string(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn no_proxy_matches_hosts_and_suffixes() {
            assert!(bypasses_proxy(
                "localhost,.anthropic.com",
                "api.anthropic.com"
            ));
            assert!(bypasses_proxy("*", "claude.ai"));
            assert!(!bypasses_proxy("example.com", "claude.ai"));
            assert!(!bypasses_proxy("", "claude.ai"));
        }

        #[test]
        fn answers_map_to_causes() {
            use TokenVerdict::*;
            let oat = TokenKind::OauthAccessToken;
            assert_eq!(
                verdict(200, "", AuthHeader::ApiKey, TokenKind::ApiKey),
                Accepted
            );
            assert_eq!(
                verdict(
                    401,
                    "OAuth token has expired. Please obtain a new token",
                    AuthHeader::Bearer,
                    oat
                ),
                Expired
            );
            assert_eq!(
                verdict(401, "invalid x-api-key", AuthHeader::ApiKey, oat),
                WrongKind
            );
            assert_eq!(
                verdict(
                    401,
                    "invalid x-api-key",
                    AuthHeader::ApiKey,
                    TokenKind::ApiKey
                ),
                Invalid
            );
            assert_eq!(
                verdict(
                    400,
                    "This organization has been disabled.",
                    AuthHeader::ApiKey,
                    TokenKind::ApiKey
                ),
                OrgDisabled
            );
            assert_eq!(
                verdict(
                    400,
                    "Your credit balance is too low to access the Anthropic API.",
                    AuthHeader::ApiKey,
                    TokenKind::ApiKey
                ),
                NoCredit
            );
            assert_eq!(
                verdict(500, "Overloaded", AuthHeader::ApiKey, TokenKind::ApiKey),
                Unexpected
            );
            assert_eq!(
                serde_json::to_value(AuthHeader::Bearer).unwrap(),
                "Authorization: Bearer"
            );
        }

        #[test]
        fn proxy_credentials_are_not_shown() {
            assert_eq!(
                without_userinfo("http://user:pw@proxy:3128"),
                "http://proxy:3128"
            );
            assert_eq!(without_userinfo("http://proxy:3128"), "http://proxy:3128");
        }
    }
}
