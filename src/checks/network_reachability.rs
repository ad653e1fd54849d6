//! `network-reachability` (with `--online`): the hosts sign-in needs answer,
//! through the proxy if there is one, over TLS that verifies.

use super::{Category, Check, Finding, Problem, Status, join_words};
use crate::gather::Context;
use crate::probe::{HostProbe, OnlineFacts, Reach};

/// Judges the `--online` host probes.
pub(crate) struct NetworkReachability;

/// Beyond this the client's TLS and token times go wrong.
const MAX_SKEW_S: i64 = 60;

impl Check for NetworkReachability {
    fn id(&self) -> &'static str {
        "network-reachability"
    }

    fn title(&self) -> &'static str {
        "The hosts sign-in needs can be reached"
    }

    fn category(&self) -> Category {
        Category::Network
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/network-reachability.md")
    }

    fn needs_online(&self) -> bool {
        true
    }

    fn run(&self, ctx: &Context) -> Finding {
        self.run_probed(ctx, None)
    }

    fn run_probed(&self, _ctx: &Context, online: Option<&OnlineFacts>) -> Finding {
        let Some(online) = online else {
            return Finding::skip("Not probed: run `ccauth doctor --online` to try the network.");
        };
        let mut problems: Vec<Problem> = online
            .hosts
            .iter()
            .filter(|p| p.reach != Reach::Ok)
            .map(|probe| {
                let status = if probe.required {
                    Status::Fail
                } else {
                    Status::Warn
                };
                Problem::of(
                    status,
                    kind(probe.reach),
                    describe(probe),
                    fix_for(probe, online),
                )
            })
            .collect();
        problems.extend(skew_problem(online));
        let reached: Vec<String> = online
            .hosts
            .iter()
            .filter(|p| p.reach == Reach::Ok)
            .map(|p| format!("{} ({} ms)", p.host, p.elapsed_ms))
            .collect();
        let Some(finding) = Finding::from_problems(problems) else {
            let proxy = online
                .proxy
                .as_ref()
                .map_or(String::new(), |p| format!(" through {p}"));
            return Finding::pass(format!("Reached {}{proxy}.", join_words(&reached)))
                .with("online", online);
        };
        finding.with("online", online)
    }
}

/// A warning when this machine's clock is off by more than [`MAX_SKEW_S`]
/// from a host's.
fn skew_problem(online: &OnlineFacts) -> Option<Problem> {
    let (host, skew) = online.hosts.iter().find_map(|p| {
        p.clock_skew_s
            .filter(|s| s.abs() > MAX_SKEW_S)
            .map(|s| (&p.host, s))
    })?;
    let direction = if skew > 0 { "ahead of" } else { "behind" };
    Some(Problem::warn(
        "clock-skew",
        format!(
            "This machine's clock is {}s {direction} {host}'s: tokens look expired or not yet valid, and TLS may fail.",
            skew.abs()
        ),
        "Sync the clock (a paused VM or WSL2 after sleep drifts: `sudo hwclock -s` or restart the VM).",
    ))
}

/// The stable kind of a failed probe: how it failed.
fn kind(reach: Reach) -> &'static str {
    match reach {
        Reach::DnsFailure => "dns-failure",
        Reach::Refused => "connection-refused",
        Reach::Unreachable => "no-route",
        Reach::TimedOut => "timed-out",
        Reach::TlsVerification => "tls-untrusted",
        Reach::Tls => "tls-handshake",
        Reach::ProxyRefused => "proxy-refused",
        Reach::Other | Reach::Ok => "unreachable",
    }
}

fn describe(probe: &HostProbe) -> String {
    let need = if probe.required {
        format!("needed for {}", probe.role)
    } else {
        format!("only needed for {}", probe.role)
    };
    let what = match probe.reach {
        Reach::DnsFailure => "does not resolve (DNS failure)",
        Reach::Refused => "refused the connection (nothing listens, or a REJECT rule)",
        Reach::Unreachable => "is unreachable (no route: a firewall's ICMP reject, or no network)",
        Reach::TimedOut => "did not answer in time (a DROP rule, or a slow link)",
        Reach::TlsVerification => {
            "presented a certificate that does not verify (a TLS-intercepting proxy?)"
        }
        Reach::Tls => "failed the TLS handshake",
        Reach::ProxyRefused => "was refused by the proxy",
        Reach::Other | Reach::Ok => "could not be reached",
    };
    let proxy = if probe.via_proxy {
        " through the proxy"
    } else {
        ""
    };
    format!(
        "{}{proxy} {what}; it is {need}. ({})",
        probe.host, probe.detail
    )
}

fn fix_for(probe: &HostProbe, online: &OnlineFacts) -> String {
    match probe.reach {
        Reach::TlsVerification => match &online.extra_ca {
            Some(ca) if ca.problem.is_some() => format!(
                "NODE_EXTRA_CA_CERTS is {}, but {}. Point it at your proxy's CA certificate in PEM form.",
                ca.path,
                ca.problem.as_deref().unwrap_or("")
            ),
            Some(ca) => format!(
                "NODE_EXTRA_CA_CERTS ({}) holds {} certificate(s), none of which signed this one: add the \
                 intercepting proxy's CA certificate to it.",
                ca.path, ca.certificates
            ),
            None => "A proxy intercepts TLS: export its CA certificate as PEM and set NODE_EXTRA_CA_CERTS to \
                     that file (Claude Code honours it too)."
                .to_string(),
        },
        Reach::ProxyRefused => format!(
            "The proxy refuses {}: allow it there, or add it to NO_PROXY if it is reachable directly.",
            probe.host
        ),
        Reach::DnsFailure => "Check the container's DNS (/etc/resolv.conf) and that the network is up.".to_string(),
        Reach::Refused | Reach::Unreachable | Reach::TimedOut => format!(
            "Allow {} (port 443) in the firewall or sandbox allowlist (init-firewall.sh, the proxy's rules), or \
             set HTTPS_PROXY if the network requires one.",
            probe.host
        ),
        Reach::Tls | Reach::Other | Reach::Ok => "Retry; if it persists, check the proxy and firewall in between.".to_string(),
    }
}
