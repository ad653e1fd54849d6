//! `localhost-resolution`: `/etc/hosts` that maps `localhost` to `::1` first
//! can leave the login callback on an address VS Code (or Codespaces) does
//! not forward; under a launcher that forwards no port it decides nothing.

use super::{Category, Check, Finding, Place, Problem};
use crate::auth;
use crate::gather::{Context, HOSTS_FILE, system};

/// Warns when `::1 localhost` comes before `127.0.0.1 localhost` while a
/// browser login is still needed.
pub(crate) struct LocalhostResolution;

impl Check for LocalhostResolution {
    fn id(&self) -> &'static str {
        "localhost-resolution"
    }

    fn title(&self) -> &'static str {
        "localhost resolves to 127.0.0.1 first"
    }

    fn category(&self) -> Category {
        Category::Network
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/localhost-resolution.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let Some(hosts) = &ctx.hosts else {
            return Finding::skip("/etc/hosts could not be read.");
        };
        let Some((first_ip, line)) = first_localhost(hosts) else {
            return Finding::skip(
                "/etc/hosts does not list localhost; the resolver's default (127.0.0.1) applies.",
            );
        };
        if !first_ip.contains(':') {
            return Finding::pass(format!(
                "localhost resolves to {first_ip} first (line {line} of /etc/hosts)."
            ));
        }
        if !ctx.launch.launcher.has_a_person() {
            return Finding::skip(format!(
                "{} signs in with a credential from its environment, never through a browser, so no login \
                 callback arrives here.",
                ctx.launch.describe()
            ));
        }
        if !ctx.launch.launcher.forwards_ports() {
            return Finding::skip(format!(
                "/etc/hosts maps localhost to {first_ip} first (line {line}), but {} forwards no port to \
                 127.0.0.1, the tunnel this order breaks (whether the callback arrives at all is \
                 oauth-callback-port's question).",
                ctx.launch.describe()
            ));
        }
        if let Some(credential) = auth::present(ctx).first() {
            return Finding::pass(format!(
                "/etc/hosts maps localhost to {first_ip} first (line {line}), but {} is set, so no browser login \
                 and no callback are needed.",
                credential.describe()
            ));
        }
        let place = Place::line(
            system::under(&ctx.sysroot, HOSTS_FILE),
            u32::try_from(line).unwrap_or(u32::MAX),
            Some(1),
        )
        .key("localhost");
        Finding::problem(ipv6_problem(hosts, &first_ip, line).at(place))
    }
}

/// The warning for a localhost that resolves to IPv6 first: `ipv6-first`
/// when a later line maps it to IPv4 too, `ipv6-only` when none does.
fn ipv6_problem(hosts: &str, first_ip: &str, line: usize) -> Problem {
    let (kind, mapping) = if has_ipv4_localhost(hosts) {
        (
            "ipv6-first",
            format!("maps localhost to {first_ip} before 127.0.0.1"),
        )
    } else {
        (
            "ipv6-only",
            format!("maps localhost to {first_ip} and never to 127.0.0.1"),
        )
    };
    Problem::warn(
        kind,
        format!(
            "/etc/hosts {mapping} (line {line}), and a browser login is still needed. VS Code forwards ports to \
             127.0.0.1; a callback server that resolved localhost to ::1 listens where the tunnel never arrives \
             (\"localhost refused to connect\")."
        ),
        "Sign in with the paste-code flow (`claude auth login`) or a token, which need no callback. If you must \
         use the callback, put `127.0.0.1 localhost` first; /etc/hosts is bind-mounted by Docker, so rewrite it \
         in place (grep -v '^::1' /etc/hosts > /tmp/h && cat /tmp/h > /etc/hosts) rather than with sed -i.",
    )
}

/// True when some line maps `localhost` to an IPv4 address.
fn has_ipv4_localhost(hosts: &str) -> bool {
    localhost_lines(hosts).any(|(ip, _)| !ip.contains(':'))
}

/// The address of the first line that names `localhost`, and its line number.
pub fn first_localhost(hosts: &str) -> Option<(String, usize)> {
    localhost_lines(hosts)
        .next()
        .map(|(ip, line)| (ip.to_string(), line))
}

/// The address and line number of every line that names `localhost`.
fn localhost_lines(hosts: &str) -> impl Iterator<Item = (&str, usize)> {
    hosts.lines().enumerate().filter_map(|(i, line)| {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let ip = fields.next()?;
        fields
            .any(|name| name == "localhost")
            .then_some((ip, i + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_localhost_line() {
        let hosts = "# c\n::1 ip6-localhost\n::1\tlocalhost ip6-localhost\n127.0.0.1 localhost\n";
        assert_eq!(first_localhost(hosts), Some(("::1".to_string(), 3)));
        assert_eq!(
            first_localhost("127.0.0.1 localhost # ::1 localhost"),
            Some(("127.0.0.1".to_string(), 1))
        );
        assert_eq!(first_localhost("10.0.0.1 box"), None);
        assert!(has_ipv4_localhost(hosts));
        assert!(!has_ipv4_localhost("::1 localhost\n127.0.0.1 box\n"));
    }
}
