//! Listening TCP sockets, and the process that owns each one.
//!
//! A browser login waits on a loopback port (CLIENT-FACTS §5: the client
//! listens on `127.0.0.1`, port 0). Which ports listen is read from
//! `/proc/net/tcp` and `/proc/net/tcp6` of this network namespace, parsed by
//! [`parse_proc_net_tcp`], a pure function over bytes. Who owns a socket is
//! found the way `ss -p` does it: a `/proc/<pid>/fd/*` link reads
//! `socket:[<inode>]`. That scan is bounded and only done for the sockets
//! asked about; a process of another user stays invisible to a non-root user,
//! and the answer says so instead of guessing.

use super::fsread;
use super::system::under;
use serde::Serialize;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// `/proc/net/tcp*` of a busy host is a few MiB at most.
const PROC_NET_LIMIT: u64 = 32 << 20;
/// At most this many processes are looked into.
const MAX_PROCESSES: usize = 8192;
/// At most this many descriptors are read, over all processes.
const MAX_DESCRIPTORS: usize = 200_000;
/// `cmdline` is read up to this many bytes: enough for the program and script.
const CMDLINE_PREFIX: u64 = 4096;
/// The TCP state `LISTEN` in `/proc/net/tcp` (`TCP_LISTEN` in the kernel).
const TCP_LISTEN: &str = "0A";
/// The kernel's default ephemeral range, when `ip_local_port_range` is unreadable.
const DEFAULT_EPHEMERAL: (u16, u16) = (32768, 60999);

/// One socket in state LISTEN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListenSocket {
    /// The local address it is bound to (`127.0.0.1`, `::1`, `0.0.0.0`, …).
    pub address: IpAddr,
    /// The local port.
    pub(crate) port: u16,
    /// The uid that created it.
    pub(crate) uid: u32,
    /// The socket's inode, which `/proc/<pid>/fd` links name.
    pub(crate) inode: u64,
}

impl ListenSocket {
    /// Bound to a loopback address only (what the client does).
    pub fn is_loopback(&self) -> bool {
        self.address.is_loopback()
    }

    /// A connection to `to` on this socket's port reaches it: same address,
    /// or a wildcard of the same family.
    pub fn accepts(&self, to: IpAddr) -> bool {
        self.address == to
            || (self.address.is_unspecified() && self.address.is_ipv4() == to.is_ipv4())
    }
}

/// The process behind a socket, as far as this user can see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Owner {
    /// Found by its descriptor.
    Process(Process),
    /// No readable `/proc/<pid>/fd` holds it: another user's process, seen
    /// from a non-root user, or a scan cut at its bound.
    NotVisible,
}

/// A process that owns a listening socket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Process {
    /// Its pid.
    pub(crate) pid: u32,
    /// `/proc/<pid>/comm`: the name `ps` shows.
    pub(crate) name: String,
    /// Where `/proc/<pid>/exe` points, when readable.
    pub(crate) exe: Option<PathBuf>,
    /// It looks like Claude Code (see [`looks_like_claude`]).
    pub(crate) is_claude: bool,
}

/// A listening socket and its owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Listener {
    /// The socket.
    #[serde(flatten)]
    pub(crate) socket: ListenSocket,
    /// Who holds it.
    pub(crate) owner: Owner,
}

impl Listener {
    /// Owned by a process that looks like Claude Code.
    pub(crate) fn is_claude(&self) -> bool {
        matches!(&self.owner, Owner::Process(p) if p.is_claude)
    }
}

/// Every LISTEN socket in `/proc/net/tcp` or `/proc/net/tcp6` text; lines that
/// do not parse are skipped. Addresses are printed by the kernel as 32-bit
/// words in host byte order.
pub fn parse_proc_net_tcp(bytes: &[u8]) -> Vec<ListenSocket> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(parse_line)
        .collect()
}

fn parse_line(line: &str) -> Option<ListenSocket> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    // sl local rem st queues timer retrnsmt uid timeout inode …
    let [_, local, _, state, _, _, _, uid, _, inode, ..] = fields.as_slice() else {
        return None;
    };
    if *state != TCP_LISTEN {
        return None;
    }
    let (address, port) = local.split_once(':')?;
    Some(ListenSocket {
        address: parse_address(address)?,
        port: u16::from_str_radix(port, 16).ok()?,
        uid: uid.parse().ok()?,
        inode: inode.parse().ok()?,
    })
}

fn parse_address(hex: &str) -> Option<IpAddr> {
    let word = |i: usize| {
        let chunk = hex.get(i * 8..i * 8 + 8)?;
        u32::from_str_radix(chunk, 16).ok().map(u32::to_ne_bytes)
    };
    match hex.len() {
        8 => Some(IpAddr::V4(Ipv4Addr::from(word(0)?))),
        32 => {
            let mut octets = [0u8; 16];
            for i in 0..4 {
                octets[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            Some(IpAddr::V6(Ipv6Addr::from(octets)))
        }
        _ => None,
    }
}

/// Every LISTEN socket of this network namespace, IPv4 and IPv6, or why
/// neither table could be read.
pub(crate) fn listen_sockets(sysroot: &Path) -> Result<Vec<ListenSocket>, String> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let path = under(sysroot, table);
        match fsread::read_bounded(&path, PROC_NET_LIMIT) {
            Ok(bytes) => found.extend(parse_proc_net_tcp(&bytes)),
            Err(problem) => problems.push(format!("{} {}", path.display(), problem.describe())),
        }
    }
    if problems.len() == 2 {
        return Err(problems.join("; "));
    }
    Ok(found)
}

/// The ports the kernel hands out for port 0, from `ip_local_port_range`.
pub(crate) fn ephemeral_range(sysroot: &Path) -> (u16, u16) {
    let path = under(sysroot, "/proc/sys/net/ipv4/ip_local_port_range");
    fsread::read_text_bounded(&path, 256)
        .ok()
        .and_then(|text| {
            let mut ports = text.split_whitespace().map(|p| p.parse::<u16>().ok());
            Some((ports.next()??, ports.next()??))
        })
        .unwrap_or(DEFAULT_EPHEMERAL)
}

/// Finds the owner of each socket with one bounded pass over `/proc/*/fd`.
pub(crate) fn with_owners(sysroot: &Path, sockets: Vec<ListenSocket>) -> Vec<Listener> {
    let wanted: Vec<u64> = sockets.iter().map(|s| s.inode).collect();
    let owners = find_owners(sysroot, &wanted);
    sockets
        .into_iter()
        .map(|socket| {
            let owner = owners
                .iter()
                .find(|(inode, _)| *inode == socket.inode)
                .map_or(Owner::NotVisible, |(_, p)| Owner::Process(p.clone()));
            Listener { socket, owner }
        })
        .collect()
}

/// Listeners a browser login of Claude Code could be waiting on: loopback
/// sockets on an ephemeral port owned by a Claude Code process. The fd scan
/// only runs when such a socket exists, so the common case costs two reads.
pub(crate) fn waiting_logins(sysroot: &Path) -> Vec<Listener> {
    let (low, high) = ephemeral_range(sysroot);
    let candidates: Vec<ListenSocket> = listen_sockets(sysroot)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.is_loopback() && (low..=high).contains(&s.port))
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    with_owners(sysroot, candidates)
        .into_iter()
        .filter(Listener::is_claude)
        .collect()
}

fn find_owners(sysroot: &Path, inodes: &[u64]) -> Vec<(u64, Process)> {
    let Ok(entries) = std::fs::read_dir(under(sysroot, "/proc")) else {
        return Vec::new();
    };
    let mut budget = MAX_DESCRIPTORS;
    let mut found = Vec::new();
    let pids = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .take(MAX_PROCESSES);
    for pid in pids {
        let dir = under(sysroot, &format!("/proc/{pid}"));
        for inode in socket_inodes(&dir.join("fd"), &mut budget) {
            if inodes.contains(&inode) && !found.iter().any(|(i, _)| *i == inode) {
                found.push((inode, describe_process(&dir, pid)));
            }
        }
        if budget == 0 || found.len() == inodes.len() {
            break;
        }
    }
    found
}

/// The inodes of the sockets among a process's descriptors.
fn socket_inodes(fd_dir: &Path, budget: &mut usize) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(fd_dir) else {
        return Vec::new();
    };
    let mut inodes = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        let Ok(target) = std::fs::read_link(entry.path()) else {
            continue;
        };
        let inode = target
            .to_str()
            .and_then(|t| t.strip_prefix("socket:["))
            .and_then(|t| t.strip_suffix(']'))
            .and_then(|t| t.parse::<u64>().ok());
        inodes.extend(inode);
    }
    inodes
}

fn describe_process(dir: &Path, pid: u32) -> Process {
    let name = fsread::read_text_bounded(&dir.join("comm"), 256)
        .map(|n| n.trim_end().to_string())
        .unwrap_or_default();
    let exe = std::fs::read_link(dir.join("exe")).ok();
    let argv = read_argv_prefix(&dir.join("cmdline"));
    let is_claude = looks_like_claude(&name, exe.as_deref(), &argv);
    Process {
        pid,
        name,
        exe,
        is_claude,
    }
}

/// The first two words of `/proc/<pid>/cmdline` (program and script): only
/// for recognising the client, never shown, since later words may be secrets.
fn read_argv_prefix(path: &Path) -> Vec<String> {
    let Ok((file, _)) = fsread::open_bounded(path, u64::MAX) else {
        return Vec::new();
    };
    let mut bytes = Vec::new();
    if file.take(CMDLINE_PREFIX).read_to_end(&mut bytes).is_err() {
        return Vec::new();
    }
    bytes
        .split(|b| *b == 0)
        .take(2)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}

/// Claude Code as it runs: the native binary (`comm` `claude`, `exe`
/// `…/claude/versions/<v>` or `…/claude-code/bin/claude.exe`) or the old npm
/// package under node (`node …/@anthropic-ai/claude-code/cli.js`). A path
/// that merely passes through a directory named `claude` (the remote
/// sandbox's `/home/claude`) does not count.
pub(crate) fn looks_like_claude(name: &str, exe: Option<&Path>, argv: &[String]) -> bool {
    let program_named_claude = |path: &str| {
        Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == "claude" || n.starts_with("claude."))
    };
    let in_claude_package = |path: &str| {
        path.contains("/@anthropic-ai/claude-code")
            || path.contains("/claude/versions/")
            || path.contains("/claude-code/bin/")
    };
    let exe = exe.and_then(Path::to_str).unwrap_or("");
    name == "claude"
        || program_named_claude(exe)
        || in_claude_package(exe)
        || argv
            .iter()
            .any(|w| program_named_claude(w) || in_claude_package(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as the kernel prints them (`ss -ltn` agreed: 127.0.0.1:37763
    /// listening, and a connection that is not LISTEN).
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9383 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 48211 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0
   2: 0100007F:9383 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 999 1 0000000000000000 20 4 30 10 -1
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:A5F1 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5150 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn reads_listening_ipv4_and_ipv6_sockets_only() {
        let v4 = parse_proc_net_tcp(TCP.as_bytes());
        assert_eq!(v4.len(), 2);
        assert_eq!(v4[0].address, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!((v4[0].port, v4[0].inode, v4[0].uid), (37763, 48211, 0));
        assert!(v4[0].is_loopback() && !v4[1].is_loopback());
        let v6 = parse_proc_net_tcp(TCP6.as_bytes());
        assert_eq!(v6[0].address, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!((v6[0].port, v6[0].uid), (42481, 1000));
    }

    #[test]
    fn garbage_is_skipped() {
        for text in [
            "",
            "0: zz:zz 0 0A",
            "0: 0100007F:FFFFF 0:0 0A a b c 0 0 1",
            "\u{0}\u{ff}",
        ] {
            assert!(parse_proc_net_tcp(text.as_bytes()).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn a_wildcard_socket_accepts_its_family() {
        let any = ListenSocket {
            address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 1,
            uid: 0,
            inode: 1,
        };
        assert!(any.accepts(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        assert!(!any.accepts(IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn recognises_the_client_and_not_a_home_named_claude() {
        let exe = |p: &str| Some(PathBuf::from(p));
        let none: &[String] = &[];
        let cases = [
            ("claude", None, none.to_vec(), true),
            (
                "2.1.332",
                exe("/root/.local/share/claude/versions/2.1.332"),
                vec![],
                true,
            ),
            (
                "node",
                exe("/usr/bin/node"),
                vec![
                    "node".into(),
                    "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js".into(),
                ],
                true,
            ),
            (
                "python3",
                exe("/usr/bin/python3"),
                vec!["python3".into(), "/home/claude/server.py".into()],
                false,
            ),
        ];
        for (name, exe, argv, expected) in cases {
            assert_eq!(
                looks_like_claude(name, exe.as_deref(), &argv),
                expected,
                "{name}"
            );
        }
    }
}
