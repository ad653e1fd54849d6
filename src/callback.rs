//! `ccauth callback '<url>'`: finishes a browser login whose redirect to
//! `http://localhost:<port>/callback` could not reach the container.
//!
//! Three steps, in this order, and each can stop the next:
//! 1. [`validate`] the pasted URL, a pure function: only an `http` URL to
//!    `localhost` (path `/callback`, the client's only path) or to
//!    `127.0.0.1` / `[::1]` (any path, as the issue allows), with a port, one
//!    `code` and one `state`, and nothing else (no user info, no fragment).
//!    A refusal happens before any socket is opened.
//! 2. Look at the listening sockets (`gather::listeners`): something must
//!    listen on that port on this machine's loopback; its owner is named when
//!    visible, and said to be Claude Code or not.
//! 3. Send exactly one `GET` of that path and query straight to the loopback
//!    port: no proxy, no redirect followed, a bounded answer read within a
//!    short timeout, and the answer put in words ([`Answer`]).
//!
//! The code and state are secrets: they live in [`Secret`], and every text
//! shown passes through [`CallbackUrl::mask`].

use crate::gather::listeners::{self, Listener};
use crate::secret::Secret;
use serde::Serialize;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// The path the client's callback server answers on (2.1.332:
/// `constructor(e="/callback")`; any other path gets a 404).
pub(crate) const CALLBACK_PATH: &str = "/callback";
/// A pasted URL longer than this is not a callback URL.
const MAX_URL_LEN: usize = 16 * 1024;
/// Connecting and writing to a loopback port take microseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The answer is read up to this many bytes.
const MAX_ANSWER: u64 = 64 * 1024;
/// The body is shown up to this many characters.
const BODY_SHOWN: usize = 200;

/// Which loopback name the URL used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum LoopbackHost {
    /// `localhost`: the client's own redirect URI.
    Localhost,
    /// `127.0.0.1`.
    Ipv4,
    /// `[::1]`.
    Ipv6,
}

impl LoopbackHost {
    /// The addresses a connection may go to, in the order tried.
    fn addresses(self) -> &'static [IpAddr] {
        const V4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
        const V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);
        match self {
            LoopbackHost::Localhost => &[V4, V6],
            LoopbackHost::Ipv4 => &[V4],
            LoopbackHost::Ipv6 => &[V6],
        }
    }

    /// As written in a URL and a `Host` header.
    fn as_str(self) -> &'static str {
        match self {
            LoopbackHost::Localhost => "localhost",
            LoopbackHost::Ipv4 => "127.0.0.1",
            LoopbackHost::Ipv6 => "[::1]",
        }
    }
}

/// A callback URL that passed [`validate`].
#[derive(Clone, Debug)]
pub struct CallbackUrl {
    /// The loopback host it names.
    pub(crate) host: LoopbackHost,
    /// Its port, 1 to 65535.
    pub port: u16,
    /// The path, percent-encoded as the URL parser serialises it.
    pub(crate) path: String,
    /// The serialised query, code and state included: a secret.
    query: Secret,
    /// The `code` parameter.
    pub code: Secret,
    /// The `state` parameter.
    pub state: Secret,
}

impl CallbackUrl {
    /// Replaces the code, the state and the whole query wherever they occur
    /// in `text` (an answer's body or `Location` may echo them).
    pub(crate) fn mask(&self, text: &str) -> String {
        let masked = [&self.query, &self.code, &self.state]
            .into_iter()
            .filter(|s| !s.is_empty())
            .fold(text.to_string(), |t, s| t.replace(s.expose(), &s.masked()));
        crate::secret::scrub(&masked)
    }

    /// The URL as it may be shown: code and state masked.
    pub fn shown(&self) -> String {
        format!(
            "http://{}:{}{}?code={}&state={}",
            self.host.as_str(),
            self.port,
            self.path,
            self.code,
            self.state
        )
    }

    /// The one request sent. HTTP/1.0, so the answer is not chunked and the
    /// connection closes after it; the `Host` is what the browser would send.
    fn request(&self) -> Secret {
        Secret::new(format!(
            "GET {}?{} HTTP/1.0\r\nHost: {}:{}\r\nUser-Agent: ccauth/{}\r\nAccept: text/html, text/plain\r\nConnection: close\r\n\r\n",
            self.path,
            self.query.expose(),
            self.host.as_str(),
            self.port,
            env!("CARGO_PKG_VERSION"),
        ))
    }
}

/// Why a pasted text is not a callback URL this command will deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing was given.
    Empty,
    /// More than one word: not one URL.
    NotOneUrl,
    /// Longer than any callback URL.
    TooLong,
    /// It is `code#state`, the paste-code flow's string, not a URL.
    PasteCode,
    /// Not a URL at all; the parser's words.
    NotAUrl(String),
    /// A scheme other than `http` (the callback server speaks plain HTTP).
    Scheme(String),
    /// The sign-in page's own address, `https://…/oauth/code/callback`.
    ManualRedirectPage,
    /// A user name or password before the host.
    Userinfo,
    /// A host other than localhost, 127.0.0.1 or `[::1]`.
    Host(String),
    /// No port, or port 0.
    Port,
    /// A `localhost` URL whose path is not `/callback`.
    Path(String),
    /// A `#fragment`, which a browser never sends to a server.
    Fragment,
    /// No (or an empty) `code` or `state` parameter.
    Missing(&'static str),
    /// The parameter appears more than once: which one the client reads is
    /// not something to guess.
    Duplicate(&'static str),
}

impl Refusal {
    /// The message, which never quotes the pasted text (it may hold the code).
    pub fn message(&self) -> String {
        let copy = "Copy the whole address from the browser's address bar after it says \
                    \"localhost refused to connect\": http://localhost:<port>/callback?code=…&state=…";
        let why = match self {
            Refusal::Empty => {
                "no URL was given (as an argument, or on standard input).".to_string()
            }
            Refusal::NotOneUrl => "that is more than one word; give exactly one URL.".to_string(),
            Refusal::TooLong => format!("that is longer than {MAX_URL_LEN} characters."),
            Refusal::PasteCode => {
                return "this looks like the code#state string of the paste-code flow, not a URL: paste it at \
                        claude's \"Paste code here if prompted\" prompt instead."
                    .to_string();
            }
            Refusal::NotAUrl(why) => format!("that is not a URL ({why})."),
            Refusal::Scheme(scheme) => format!(
                "the scheme is {scheme}:, but the callback is plain http:// to this machine's loopback."
            ),
            Refusal::ManualRedirectPage => {
                return "this is the sign-in page's own address (https://…/oauth/code/callback): that page shows a \
                        code#state string; paste it at claude's \"Paste code here if prompted\" prompt instead."
                    .to_string();
            }
            Refusal::Userinfo => "it carries a user name or password before the host.".to_string(),
            Refusal::Host(host) => format!(
                "the host is {host}; only localhost, 127.0.0.1 and [::1] are delivered to, never another machine."
            ),
            Refusal::Port => {
                "it names no port (1 to 65535); the callback URL always has one.".to_string()
            }
            Refusal::Path(path) => {
                format!("the path is {path}; Claude Code's callback path is {CALLBACK_PATH}.")
            }
            Refusal::Fragment => "it has a #fragment, which a browser never sends.".to_string(),
            Refusal::Missing(name) => format!("it has no {name}= parameter."),
            Refusal::Duplicate(name) => format!("it has more than one {name}= parameter."),
        };
        format!("not delivered: {why}\n{copy}")
    }
}

/// Checks a pasted URL; nothing here touches the network or the system.
pub fn validate(text: &str) -> Result<CallbackUrl, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::Empty);
    }
    if text.len() > MAX_URL_LEN {
        return Err(Refusal::TooLong);
    }
    if text.split_whitespace().nth(1).is_some() {
        return Err(Refusal::NotOneUrl);
    }
    if !plain_authority(text) {
        return Err(Refusal::Host(PERCENT_OR_NON_ASCII.to_string()));
    }
    let url = url::Url::parse(text).map_err(|e| {
        if e == url::ParseError::InvalidPort {
            Refusal::Port
        } else if !text.contains("://") && text.contains('#') {
            Refusal::PasteCode
        } else {
            Refusal::NotAUrl(e.to_string())
        }
    })?;
    if url.scheme() == "https" && url.path().ends_with("/oauth/code/callback") {
        return Err(Refusal::ManualRedirectPage);
    }
    if url.scheme() != "http" {
        return Err(Refusal::Scheme(url.scheme().to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Userinfo);
    }
    let host = loopback_host(&url)?;
    let port = url.port().filter(|p| *p != 0).ok_or(Refusal::Port)?;
    if host == LoopbackHost::Localhost && url.path() != CALLBACK_PATH {
        return Err(Refusal::Path(url.path().to_string()));
    }
    if url.fragment().is_some() {
        return Err(Refusal::Fragment);
    }
    Ok(CallbackUrl {
        host,
        port,
        path: url.path().to_string(),
        code: single_parameter(&url, "code")?,
        state: single_parameter(&url, "state")?,
        query: Secret::new(url.query().unwrap_or_default()),
    })
}

/// How a host that is no loopback spelling at all is described.
const PERCENT_OR_NON_ASCII: &str =
    "spelled with percent-escapes, punycode or characters other than printable ASCII";

/// The text is printable ASCII and its host part (between the scheme and the
/// path, query or fragment) has no percent-escape or punycode label, as every
/// loopback spelling is and every real callback URL (its code and state are
/// base64url). The URL parser's IDNA step is then never reached: it asserts
/// on some other hosts in debug builds (fuzzing found `ws:O%b1`).
fn plain_authority(text: &str) -> bool {
    if !text.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let after_scheme = match text.split_once(':') {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) =>
        {
            rest
        }
        _ => text,
    };
    let authority = after_scheme
        .trim_start_matches(['/', '\\'])
        .split(['/', '\\', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !authority.contains('%') && !authority.contains("xn--")
}

fn loopback_host(url: &url::Url) -> Result<LoopbackHost, Refusal> {
    match url.host() {
        Some(url::Host::Domain("localhost")) => Ok(LoopbackHost::Localhost),
        Some(url::Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => Ok(LoopbackHost::Ipv4),
        Some(url::Host::Ipv6(ip)) if ip == Ipv6Addr::LOCALHOST => Ok(LoopbackHost::Ipv6),
        Some(other) => Err(Refusal::Host(other.to_string())),
        None => Err(Refusal::Host("missing".to_string())),
    }
}

fn single_parameter(url: &url::Url, name: &'static str) -> Result<Secret, Refusal> {
    let mut values = url.query_pairs().filter(|(k, _)| k == name).map(|(_, v)| v);
    let first = values.next().filter(|v| !v.is_empty());
    if values.next().is_some() {
        return Err(Refusal::Duplicate(name));
    }
    first
        .map(|v| Secret::new(v.into_owned()))
        .ok_or(Refusal::Missing(name))
}

/// What the listening sockets say about the URL's port.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Listening {
    /// Sockets on that port that a loopback connection reaches.
    Found {
        /// The first one is where the request goes.
        listeners: Vec<Listener>,
    },
    /// Nothing on that port is reachable through loopback.
    Nothing {
        /// Sockets on that port bound to other addresses only.
        elsewhere: Vec<IpAddr>,
    },
    /// `/proc/net/tcp*` could not be read; the request is sent unconfirmed.
    Unknown {
        /// Why.
        why: String,
    },
}

/// How the client answered, in the terms of its callback handler (2.1.332,
/// `class AuthCodeListener`): the texts matched are the client's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Answer {
    /// 302 to the success page: the code was exchanged, sign-in is done.
    Redirect {
        /// Where it sends the browser.
        location: Option<String>,
    },
    /// 200 "Sign-in is already finishing": this login already got a code.
    AlreadyFinishing,
    /// 200 "Sign-in was canceled or failed": the client took the code, but
    /// exchanging it failed (network, or an expired or used code).
    ExchangeFailed,
    /// 200 "Your account is on hold".
    AccountOnHold,
    /// 400 "Invalid state parameter": the URL belongs to another (older)
    /// login attempt; the client ends the waiting login when it sees it.
    StateMismatch,
    /// 400 "Authorization code not found".
    CodeNotFound,
    /// 404: not the client's callback path.
    NotFound,
    /// Some other success status.
    OtherSuccess {
        /// The HTTP status.
        status: u16,
        /// The start of the body, masked.
        body: String,
    },
    /// Some other error status.
    OtherError {
        /// The HTTP status.
        status: u16,
        /// The start of the body, masked.
        body: String,
    },
    /// Not an HTTP answer.
    NotHttp,
}

impl Answer {
    /// True when the client took the code for the login that waits.
    pub(crate) fn accepted(&self) -> bool {
        matches!(
            self,
            Answer::Redirect { .. } | Answer::AlreadyFinishing | Answer::OtherSuccess { .. }
        )
    }
}

/// What happened to the one request.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Delivery {
    /// Not sent: nothing listens.
    NotSent,
    /// No connection could be made.
    ConnectFailed {
        /// Where it was tried.
        address: SocketAddr,
        /// The error in words.
        why: String,
    },
    /// Sent; the answer.
    Answered {
        /// Where it went.
        address: SocketAddr,
        /// The answer, classified.
        answer: Answer,
    },
    /// Sent; no answer within the timeout. The client holds its answer while
    /// it exchanges the code, so the code was most likely taken.
    NoAnswer {
        /// Where it went.
        address: SocketAddr,
        /// How long it waited.
        waited_ms: u128,
    },
}

/// The whole outcome of one `ccauth callback`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct CallbackReport {
    /// The URL, masked.
    pub(crate) url: String,
    /// Its port.
    pub(crate) port: u16,
    /// The uid looking at the sockets (owners of other uids may be invisible).
    pub(crate) uid: u32,
    /// This looks like a container.
    pub(crate) in_container: bool,
    /// What listens on the port.
    pub(crate) listening: Listening,
    /// What happened to the request.
    pub(crate) delivery: Delivery,
}

impl CallbackReport {
    /// 0 delivered and taken, 1 otherwise (a finding).
    pub(crate) fn exit_code(&self) -> u8 {
        match &self.delivery {
            Delivery::Answered { answer, .. } if answer.accepted() => 0,
            Delivery::NoAnswer { .. } => 0,
            _ => 1,
        }
    }
}

/// Looks at the listeners, then sends the request if something listens.
pub(crate) fn deliver(
    url: &CallbackUrl,
    sysroot: &Path,
    in_container: bool,
    answer_timeout: Duration,
) -> CallbackReport {
    let listening = listening_on(sysroot, url);
    let target = match &listening {
        Listening::Found { listeners } => {
            let first = &listeners[0].socket;
            let to = url
                .host
                .addresses()
                .iter()
                .copied()
                .find(|a| first.accepts(*a))
                .unwrap_or(url.host.addresses()[0]);
            Some(SocketAddr::new(to, url.port))
        }
        Listening::Nothing { .. } => None,
        Listening::Unknown { .. } => Some(SocketAddr::new(url.host.addresses()[0], url.port)),
    };
    let delivery = target.map_or(Delivery::NotSent, |address| {
        send(url, address, answer_timeout)
    });
    CallbackReport {
        url: url.shown(),
        port: url.port,
        uid: rustix::process::geteuid().as_raw(),
        in_container,
        listening,
        delivery,
    }
}

fn listening_on(sysroot: &Path, url: &CallbackUrl) -> Listening {
    let sockets = match listeners::listen_sockets(sysroot) {
        Ok(sockets) => sockets,
        Err(why) => return Listening::Unknown { why },
    };
    let (reachable, elsewhere): (Vec<_>, Vec<_>) = sockets
        .into_iter()
        .filter(|s| s.port == url.port)
        .partition(|s| url.host.addresses().iter().any(|a| s.accepts(*a)));
    if reachable.is_empty() {
        let elsewhere = elsewhere.into_iter().map(|s| s.address).collect();
        return Listening::Nothing { elsewhere };
    }
    Listening::Found {
        listeners: listeners::with_owners(sysroot, reachable),
    }
}

/// One GET, straight to the socket: never through a proxy, never followed.
fn send(url: &CallbackUrl, address: SocketAddr, answer_timeout: Duration) -> Delivery {
    let started = Instant::now();
    let failed = |e: std::io::Error| Delivery::ConnectFailed {
        address,
        why: crate::gather::fsread::describe_io(&e),
    };
    let mut stream = match TcpStream::connect_timeout(&address, CONNECT_TIMEOUT) {
        Ok(stream) => stream,
        Err(e) => return failed(e),
    };
    let request = url.request();
    let written = stream
        .set_write_timeout(Some(CONNECT_TIMEOUT))
        .and_then(|()| stream.write_all(request.expose().as_bytes()));
    if let Err(e) = written {
        return failed(e);
    }
    match read_answer(&mut stream, started + answer_timeout) {
        Ok(bytes) => Delivery::Answered {
            address,
            answer: classify(&bytes, url),
        },
        Err(Silence) => Delivery::NoAnswer {
            address,
            waited_ms: started.elapsed().as_millis(),
        },
    }
}

/// The deadline passed before the first byte of an answer.
struct Silence;

/// Reads until the peer closes, the bound is reached, or the deadline passes.
fn read_answer(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, Silence> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    while (bytes.len() as u64) < MAX_ANSWER {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => {
                let room = MAX_ANSWER as usize - bytes.len();
                bytes.extend_from_slice(&chunk[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break;
            }
            Err(_) => return Ok(bytes),
        }
    }
    if bytes.is_empty() {
        Err(Silence)
    } else {
        Ok(bytes)
    }
}

/// Puts an HTTP answer in the client's terms.
pub(crate) fn classify(bytes: &[u8], url: &CallbackUrl) -> Answer {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .filter(|l| l.starts_with("HTTP/"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok());
    let Some(status) = status else {
        return Answer::NotHttp;
    };
    let location = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("location"))
        .map(|(_, value)| url.mask(value.trim()));
    let says = |phrase: &str| body.contains(phrase);
    let shown = || {
        let first: String = body
            .trim()
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(BODY_SHOWN)
            .collect();
        url.mask(&first)
    };
    match status {
        300..=399 => Answer::Redirect { location },
        200..=299 if says("Sign-in is already finishing") => Answer::AlreadyFinishing,
        200..=299 if says("Sign-in was canceled or failed") => Answer::ExchangeFailed,
        200..=299 if says("Your account is on hold") => Answer::AccountOnHold,
        200..=299 => Answer::OtherSuccess {
            status,
            body: shown(),
        },
        400 if says("Invalid state parameter") => Answer::StateMismatch,
        400 if says("Authorization code not found") => Answer::CodeNotFound,
        404 => Answer::NotFound,
        _ => Answer::OtherError {
            status,
            body: shown(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "PLANTEDcodeVALUE0123456789abcdef";
    const STATE: &str = "PLANTEDstateVALUE0123456789abcdef";

    fn url(host_port_path: &str) -> String {
        format!("http://{host_port_path}?code={CODE}&state={STATE}")
    }

    #[test]
    fn accepts_the_three_loopback_spellings() {
        let ok = validate(&url("localhost:43627/callback")).unwrap();
        assert_eq!(
            (ok.host, ok.port, ok.path.as_str()),
            (LoopbackHost::Localhost, 43627, "/callback")
        );
        assert_eq!((ok.code.expose(), ok.state.expose()), (CODE, STATE));
        assert_eq!(
            validate(&url("127.0.0.1:1/any/path")).unwrap().host,
            LoopbackHost::Ipv4
        );
        assert_eq!(
            validate(&url("[::1]:65535/callback")).unwrap().host,
            LoopbackHost::Ipv6
        );
        let pasted = format!("  {}\n", url("LOCALHOST:43627/callback"));
        assert_eq!(validate(&pasted).unwrap().port, 43627);
    }

    #[test]
    fn refuses_everything_else_with_its_reason() {
        let cases: &[(String, Refusal)] = &[
            (String::new(), Refusal::Empty),
            (
                url("evil.example:43627/callback"),
                Refusal::Host("evil.example".into()),
            ),
            (
                url("localhost.evil.example:43627/callback"),
                Refusal::Host("localhost.evil.example".into()),
            ),
            (
                url("10.0.0.1:43627/callback"),
                Refusal::Host("10.0.0.1".into()),
            ),
            (
                url("[::ffff:127.0.0.1]:43627/callback"),
                Refusal::Host("[::ffff:7f00:1]".into()),
            ),
            (
                url("[fe80::1]:43627/callback"),
                Refusal::Host("[fe80::1]".into()),
            ),
            (url("user:pw@localhost:43627/callback"), Refusal::Userinfo),
            ("ws:O%b1".into(), Refusal::Host(PERCENT_OR_NON_ASCII.into())),
            (
                url("LOCALHOST%b1:43627/callback"),
                Refusal::Host(PERCENT_OR_NON_ASCII.into()),
            ),
            (
                url("l\u{f6}calhost:43627/callback"),
                Refusal::Host(PERCENT_OR_NON_ASCII.into()),
            ),
            (
                "\u{4}ws:/s$2E\u{2c1f}".into(),
                Refusal::Host(PERCENT_OR_NON_ASCII.into()),
            ),
            (
                url("xn--Zca:43627/callback"),
                Refusal::Host(PERCENT_OR_NON_ASCII.into()),
            ),
            (url("localhost/callback"), Refusal::Port),
            (url("localhost:0/callback"), Refusal::Port),
            (url("localhost:43627/other"), Refusal::Path("/other".into())),
            (
                format!("{}#frag", url("localhost:1/callback")),
                Refusal::Fragment,
            ),
            (
                format!("https://localhost:1/callback?code={CODE}&state={STATE}"),
                Refusal::Scheme("https".into()),
            ),
            (
                format!("ftp://localhost:1/callback?code={CODE}&state={STATE}"),
                Refusal::Scheme("ftp".into()),
            ),
            (
                format!(
                    "https://platform.claude.com/oauth/code/callback?code={CODE}&state={STATE}"
                ),
                Refusal::ManualRedirectPage,
            ),
            (
                "http://localhost:1/callback?state=s".into(),
                Refusal::Missing("code"),
            ),
            (
                "http://localhost:1/callback?code=&state=s".into(),
                Refusal::Missing("code"),
            ),
            (
                "http://localhost:1/callback?code=c".into(),
                Refusal::Missing("state"),
            ),
            (
                "http://localhost:1/callback?code=c&code=d&state=s".into(),
                Refusal::Duplicate("code"),
            ),
            (
                "http://localhost:1/callback?code=c&state=s&state=t".into(),
                Refusal::Duplicate("state"),
            ),
            (format!("{CODE}#{STATE}"), Refusal::PasteCode),
            (
                format!(
                    "{} {}",
                    url("localhost:1/callback"),
                    url("localhost:2/callback")
                ),
                Refusal::NotOneUrl,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(validate(text).err().as_ref(), Some(expected), "{text}");
        }
        assert_eq!(
            validate(&url("localhost:65536/callback")).err(),
            Some(Refusal::Port)
        );
        assert!(matches!(
            validate("http//localhost"),
            Err(Refusal::NotAUrl(_))
        ));
        assert_eq!(
            validate(&"x".repeat(MAX_URL_LEN + 1)).err(),
            Some(Refusal::TooLong)
        );
    }

    #[test]
    fn refusal_messages_never_quote_the_code() {
        for text in [
            url("evil.example:1/callback"),
            url("localhost:1/x"),
            format!("{CODE}#{STATE}"),
        ] {
            let message = validate(&text).unwrap_err().message();
            assert!(
                !message.contains(CODE) && !message.contains(STATE),
                "{message}"
            );
        }
    }

    #[test]
    fn answers_are_read_in_the_clients_words() {
        let ok = validate(&url("localhost:1/callback")).unwrap();
        let answer = |raw: &str| classify(raw.as_bytes(), &ok);
        assert_eq!(
            answer(
                "HTTP/1.1 302 Found\r\nLocation: https://platform.claude.com/oauth/code/success?app=claude-code\r\n\r\n"
            ),
            Answer::Redirect {
                location: Some(
                    "https://platform.claude.com/oauth/code/success?app=claude-code".into()
                )
            }
        );
        assert_eq!(
            answer("HTTP/1.1 400 Bad Request\r\n\r\nInvalid state parameter"),
            Answer::StateMismatch
        );
        assert_eq!(
            answer(
                "HTTP/1.1 200 OK\r\n\r\nSign-in was canceled or failed. You can close this window."
            ),
            Answer::ExchangeFailed
        );
        assert_eq!(answer("HTTP/1.1 404 Not Found\r\n\r\n"), Answer::NotFound);
        assert_eq!(answer("garbage"), Answer::NotHttp);
        let echoed = answer(&format!(
            "HTTP/1.1 500 Oops\r\n\r\nbad code {CODE} for {STATE}\n"
        ));
        let Answer::OtherError { status: 500, body } = echoed else {
            panic!("{echoed:?}")
        };
        assert!(!body.contains(CODE) && !body.contains(STATE), "{body}");
    }
}
