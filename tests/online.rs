//! `--online` against loopback servers only: a trusted TLS server, a
//! self-signed one (interception), a closed port, a silent server (timeout),
//! proxies that refuse or tunnel, API error bodies; DNS failure and "no
//! route" inside a private network namespace. Nothing leaves the machine:
//! the probes run through the library, every host redirected with
//! `Probing::redirect` to 127.0.0.1 or `localhost` (resolved by /etc/hosts).
//! The binary has no such redirect: no variable, flag or file can change
//! where it sends a credential (tests/attack/bounded.rs holds that).
#![cfg(feature = "online")]

mod common;

use ccauth::checks::{self, Selection};
use ccauth::gather::{self, GatherInput};
use ccauth::probe::{self, OnlineFacts, Probing};
use ccauth::report::{self, Report, Runtime};
use common::{API_KEY, OAUTH_TOKEN, World};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Servers stop by themselves after this long, or this many connections.
const SERVER_LIFETIME: Duration = Duration::from_secs(30);
const SERVER_CONNECTIONS: usize = 32;

/// A certificate authority and a server configuration it signed for localhost.
struct Pki {
    ca_pem: String,
    trusted: Arc<rustls::ServerConfig>,
    self_signed: Arc<rustls::ServerConfig>,
}

fn pki() -> Pki {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(names.clone())
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let lonely_key = rcgen::KeyPair::generate().unwrap();
    let lonely = rcgen::CertificateParams::new(names)
        .unwrap()
        .self_signed(&lonely_key)
        .unwrap();
    let config = |cert: &rcgen::Certificate, key: &rcgen::KeyPair| {
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        Arc::new(
            rustls::ServerConfig::builder()
                .with_no_client_auth()
                .with_single_cert(chain, der)
                .unwrap(),
        )
    };
    Pki {
        ca_pem: ca_cert.pem(),
        trusted: config(&leaf, &leaf_key),
        self_signed: config(&lonely, &lonely_key),
    }
}

/// What an HTTPS fixture answers: status, extra headers, body, by path.
type Answer = fn(&str) -> (u16, String);

/// Answers `/` with 200 and `/v1/models` with a list: the healthy API.
fn healthy(path: &str) -> (u16, String) {
    if path.starts_with("/v1/models") {
        (200, r#"{"data": []}"#.into())
    } else {
        (200, "ok".into())
    }
}

fn listener() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Accepts connections for a bounded time and count, handing each to `handle`.
fn serve_loop(listener: TcpListener, handle: impl Fn(TcpStream) + Send + 'static) {
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut served = 0;
        while started.elapsed() < SERVER_LIFETIME && served < SERVER_CONNECTIONS {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(5)))
                        .unwrap();
                    served += 1;
                    handle(stream);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
}

/// An HTTPS server; `date` shifts the Date header (clock-skew tests).
fn https(config: Arc<rustls::ServerConfig>, answer: Answer, date: SystemTime) -> u16 {
    let (listener, port) = listener();
    serve_loop(listener, move |tcp| {
        let connection = rustls::ServerConnection::new(config.clone()).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        let Some(path) = read_request_path(&mut tls) else {
            return;
        };
        let (status, body) = answer(&path);
        let response = format!(
            "HTTP/1.1 {status} X\r\nDate: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            httpdate::fmt_http_date(date),
            body.len()
        );
        let _ = tls.write_all(response.as_bytes());
        let _ = tls.flush();
        tls.conn.send_close_notify();
        let _ = tls.flush();
    });
    port
}

fn read_request_path(stream: &mut impl Read) -> Option<String> {
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") && request.len() < 16 << 10 {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        request.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&request);
    text.split_whitespace().nth(1).map(String::from)
}

/// A server that accepts and never says a word: every probe times out.
fn silent() -> u16 {
    let (listener, port) = listener();
    serve_loop(listener, |stream| {
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(8));
            drop(stream);
        });
    });
    port
}

/// An HTTP proxy that answers every CONNECT with 403.
fn refusing_proxy() -> u16 {
    let (listener, port) = listener();
    serve_loop(listener, |mut stream| {
        let _ = read_request_path(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    port
}

/// An HTTP proxy that tunnels CONNECT to the target it names (loopback only).
fn tunnelling_proxy() -> u16 {
    let (listener, port) = listener();
    serve_loop(listener, |mut client| {
        std::thread::spawn(move || {
            let Some(target) = read_request_path(&mut client) else {
                return;
            };
            let port = target
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u16>().ok())
                .unwrap_or(0);
            let Ok(upstream) = TcpStream::connect(("127.0.0.1", port)) else {
                return;
            };
            let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            let (mut a, mut b) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let (mut c, mut d) = (upstream, client);
            let one = std::thread::spawn(move || std::io::copy(&mut a, &mut c));
            let _ = std::io::copy(&mut b, &mut d);
            let _ = one.join();
        });
    });
    port
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let (listener, port) = listener();
    drop(listener);
    port
}

/// A world with the CA trusted through NODE_EXTRA_CA_CERTS, and the
/// loopback servers that stand in for its three sign-in hosts.
struct Net {
    world: World,
    hosts: [(&'static str, String); 3],
}

impl Net {
    fn with_env(mut self, name: &str, value: &str) -> Self {
        self.world = self.world.with_env(name, value);
        self
    }

    fn without_env(mut self, name: &str) -> Self {
        self.world = self.world.without_env(name);
        self
    }

    fn home_file(&self, rel: &str, content: &str) -> std::path::PathBuf {
        self.world.home_file(rel, content)
    }

    /// The world gathered, then probed with every host sent to its stand-in.
    fn context(&self, timeout: Duration) -> (gather::Context, OnlineFacts) {
        let probing = self
            .hosts
            .iter()
            .fold(Probing::new(timeout), |p, (host, url)| {
                p.redirect(host, url)
            });
        let ctx = gather::gather(GatherInput {
            env: self.world.env(),
            cwd: self.world.workspace(),
            workspace: None,
            sysroot: self.world.sysroot(),
            now: SystemTime::now(),
            uid: None,
            launcher: None,
        });
        let facts = probe::run(&ctx, &probing).expect("built with the online feature");
        (ctx, facts)
    }

    /// The report `doctor --online --only <only>` makes (all checks when empty).
    fn report(&self, timeout: Duration, only: &[&str]) -> Report {
        let (ctx, facts) = self.context(timeout);
        let selection = Selection {
            only: only.iter().map(|id| id.to_string()).collect(),
            skip: Vec::new(),
        };
        // Masked with the snapshot's values, as the binary masks before it renders.
        Report::new(
            Runtime::from_context(
                &ctx,
                ccauth::status::one_line(&ctx),
                ccauth::status::gates_line(&ctx),
            ),
            checks::run_all(&ctx, Some(&facts), &selection),
        )
        .masked(&ctx.scrubber())
    }
}

fn world(pki: &Pki, api: &str, platform: &str, claude: &str) -> Net {
    let w = World::new();
    let ca = w.home_file("ca.pem", &pki.ca_pem);
    Net {
        world: w.with_env("NODE_EXTRA_CA_CERTS", &ca.display().to_string()),
        hosts: [
            ("api.anthropic.com", api.to_string()),
            ("platform.claude.com", platform.to_string()),
            ("claude.ai", claude.to_string()),
        ],
    }
}

/// `doctor --format json --online --timeout 2`, validated against the schema.
fn online(net: &Net) -> Value {
    online_within(net, Duration::from_secs(2))
}

fn online_within(net: &Net, timeout: Duration) -> Value {
    common::parse_output(report::json::render(&net.report(timeout, &[])).as_bytes())
}

/// The human report of `doctor --online --only <only> --color never`.
fn online_human(net: &Net, only: &[&str]) -> String {
    report::human::render(
        &net.report(Duration::from_secs(3), only),
        report::human::Style::default(),
    )
}

fn https_url(port: u16) -> String {
    format!("https://localhost:{port}")
}

#[test]
fn without_online_nothing_is_probed() {
    let report = common::parse_output(
        &World::new()
            .ccauth(&["doctor", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(
        common::finding(&report, "network-reachability")["status"],
        "skip"
    );
    assert_eq!(common::finding(&report, "token-accepted")["status"], "skip");
}

#[test]
fn a_healthy_network_and_an_accepted_key_pass() {
    let pki = pki();
    let api = https_url(https(pki.trusted.clone(), healthy, SystemTime::now()));
    let other = https_url(https(pki.trusted.clone(), healthy, SystemTime::now()));
    let w = world(&pki, &api, &other, &other).with_env("ANTHROPIC_API_KEY", API_KEY);
    let text = online_human(&w, &["network-reachability", "token-accepted"]);
    eprintln!("{text}");
    assert!(!text.contains(API_KEY));
    let report = online(&w);
    let reach = common::finding(&report, "network-reachability");
    assert_eq!(reach["status"], "pass", "{reach}");
    let token = common::finding(&report, "token-accepted");
    assert_eq!(token["status"], "pass", "{token}");
    assert_eq!(token["evidence"]["token"]["header"], "x-api-key");
}

#[test]
fn a_refused_port_fails_for_a_needed_host_and_warns_for_another() {
    let pki = pki();
    let ok = https_url(https(pki.trusted.clone(), healthy, SystemTime::now()));
    let closed = format!("https://127.0.0.1:{}", closed_port());
    let w = world(&pki, &closed, &ok, &closed).with_env("ANTHROPIC_API_KEY", API_KEY);
    let reach = common::finding(&online(&w), "network-reachability").clone();
    assert_eq!(reach["status"], "fail");
    let cause = reach["cause"].as_str().unwrap();
    assert!(
        cause.contains("api.anthropic.com refused the connection"),
        "{cause}"
    );
    assert!(cause.contains("it is needed for the API"), "{cause}");
    assert!(
        cause.contains("claude.ai refused the connection"),
        "{cause}"
    );
    let problems = reach["problems"].as_array().unwrap();
    let coded: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["status"].as_str().unwrap()))
        .collect();
    assert!(
        coded.contains(&("network-reachability/connection-refused", "fail"))
            && coded.contains(&("network-reachability/connection-refused", "warn")),
        "{reach}"
    );
}

#[test]
fn a_silent_server_times_out_within_the_bound() {
    let pki = pki();
    let quiet = format!("https://127.0.0.1:{}", silent());
    let w = world(&pki, &quiet, &quiet, &quiet).with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let started = Instant::now();
    let report = online_within(&w, Duration::from_secs(1));
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(4),
        "probes run side by side, bounded: {elapsed:?}"
    );
    let reach = common::finding(&report, "network-reachability");
    assert!(
        reach["cause"]
            .as_str()
            .unwrap()
            .contains("did not answer in time"),
        "{reach}"
    );
    let problems = reach["problems"].as_array().unwrap();
    assert!(
        common::codes(problems).contains(&"network-reachability/timed-out"),
        "{reach}"
    );
}

#[test]
fn an_intercepting_proxy_certificate_fails_verification_and_names_node_extra_ca_certs() {
    let pki = pki();
    let intercepted = https_url(https(pki.self_signed.clone(), healthy, SystemTime::now()));
    let w = world(&pki, &intercepted, &intercepted, &intercepted)
        .with_env("ANTHROPIC_API_KEY", API_KEY);
    let reach = common::finding(&online(&w), "network-reachability").clone();
    assert_eq!(reach["status"], "fail");
    assert!(
        reach["cause"].as_str().unwrap().contains("does not verify"),
        "{reach}"
    );
    assert!(
        reach["fix"]
            .as_str()
            .unwrap()
            .contains("none of which signed this one"),
        "{reach}"
    );
    let problems = reach["problems"].as_array().unwrap();
    assert!(
        common::codes(problems)
            .iter()
            .all(|c| *c == "network-reachability/tls-untrusted"),
        "{reach}"
    );

    let not_pem = w.home_file("not.pem", "hello");
    let w = w.with_env("NODE_EXTRA_CA_CERTS", &not_pem.display().to_string());
    let reach = common::finding(&online(&w), "network-reachability").clone();
    assert!(
        reach["fix"]
            .as_str()
            .unwrap()
            .contains("holds no PEM certificate"),
        "{reach}"
    );
    let w = w.without_env("NODE_EXTRA_CA_CERTS");
    let reach = common::finding(&online(&w), "network-reachability").clone();
    assert!(
        reach["fix"]
            .as_str()
            .unwrap()
            .contains("set NODE_EXTRA_CA_CERTS"),
        "{reach}"
    );
}

#[test]
fn a_refusing_proxy_is_named_and_no_proxy_goes_around_it() {
    let pki = pki();
    let api = https_url(https(pki.trusted.clone(), healthy, SystemTime::now()));
    let proxy = format!("http://user:secret@127.0.0.1:{}", refusing_proxy());
    let w = world(&pki, &api, &api, &api)
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .with_env("HTTPS_PROXY", &proxy);
    let report = online(&w);
    let reach = common::finding(&report, "network-reachability");
    assert_eq!(reach["status"], "fail");
    assert!(
        reach["cause"]
            .as_str()
            .unwrap()
            .contains("through the proxy was refused by the proxy"),
        "{reach}"
    );
    assert!(
        common::codes(reach["problems"].as_array().unwrap())
            .contains(&"network-reachability/proxy-refused"),
        "{reach}"
    );
    assert!(
        !serde_json::to_string(&report).unwrap().contains("secret"),
        "proxy credentials are not shown"
    );

    let w = w.with_env("NO_PROXY", "localhost");
    assert_eq!(
        common::finding(&online(&w), "network-reachability")["status"],
        "pass"
    );
}

#[test]
fn a_tunnelling_proxy_works() {
    let pki = pki();
    let api = https_url(https(pki.trusted.clone(), healthy, SystemTime::now()));
    let proxy = format!("http://127.0.0.1:{}", tunnelling_proxy());
    let w = world(&pki, &api, &api, &api)
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .with_env("HTTPS_PROXY", &proxy);
    let report = online(&w);
    let reach = common::finding(&report, "network-reachability");
    assert_eq!(reach["status"], "pass", "{reach}");
    assert!(
        reach["cause"]
            .as_str()
            .unwrap()
            .contains(&format!("through {proxy}")),
        "{reach}"
    );
    assert_eq!(common::finding(&report, "token-accepted")["status"], "pass");
}

#[test]
fn a_skewed_clock_warns() {
    let pki = pki();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let api = https_url(https(pki.trusted.clone(), healthy, an_hour_ago));
    let w = world(&pki, &api, &api, &api).with_env("ANTHROPIC_API_KEY", API_KEY);
    let reach = common::finding(&online(&w), "network-reachability").clone();
    assert_eq!(reach["status"], "warn", "{reach}");
    assert!(
        reach["cause"]
            .as_str()
            .unwrap()
            .contains("ahead of api.anthropic.com"),
        "{reach}"
    );
    assert_eq!(
        common::codes(reach["problems"].as_array().unwrap()),
        ["network-reachability/clock-skew"]
    );
}

fn expired(path: &str) -> (u16, String) {
    if path.starts_with("/v1/models") {
        (401, r#"{"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new token or refresh your existing token."}}"#.into())
    } else {
        healthy(path)
    }
}

fn invalid_key(path: &str) -> (u16, String) {
    if path.starts_with("/v1/models") {
        (401, r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#.into())
    } else {
        healthy(path)
    }
}

fn disabled(path: &str) -> (u16, String) {
    if path.starts_with("/v1/models") {
        (400, r#"{"type":"error","error":{"type":"invalid_request_error","message":"This organization has been disabled."}}"#.into())
    } else {
        healthy(path)
    }
}

fn no_credit(path: &str) -> (u16, String) {
    if path.starts_with("/v1/models") {
        (400, r#"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}"#.into())
    } else {
        healthy(path)
    }
}

#[test]
fn api_answers_map_to_causes_and_the_token_never_shows() {
    let pki = pki();
    let cases: [(Answer, &str, &str, &str, &str); 5] = [
        (
            expired,
            "CLAUDE_CODE_OAUTH_TOKEN",
            OAUTH_TOKEN,
            "has expired",
            "token-accepted/expired",
        ),
        (
            invalid_key,
            "ANTHROPIC_API_KEY",
            API_KEY,
            "rejected as invalid or revoked",
            "token-accepted/invalid",
        ),
        (
            invalid_key,
            "ANTHROPIC_API_KEY",
            OAUTH_TOKEN,
            "is the wrong kind for that header",
            "token-accepted/wrong-kind",
        ),
        (
            disabled,
            "ANTHROPIC_API_KEY",
            API_KEY,
            "disabled organization",
            "token-accepted/org-disabled",
        ),
        (
            no_credit,
            "ANTHROPIC_API_KEY",
            API_KEY,
            "no credit left",
            "token-accepted/no-credit",
        ),
    ];
    for (answer, var, value, expected, code) in cases {
        let api = https_url(https(pki.trusted.clone(), answer, SystemTime::now()));
        let w = world(&pki, &api, &api, &api).with_env(var, value);
        let report = online(&w);
        let token = common::finding(&report, "token-accepted");
        assert_eq!(token["status"], "fail", "{expected}: {token}");
        assert!(
            token["cause"].as_str().unwrap().contains(expected),
            "{expected}: {token}"
        );
        assert_eq!(token["problems"][0]["code"], code, "{token}");
        assert!(
            !serde_json::to_string(&report).unwrap().contains(value),
            "the credential leaked"
        );
    }
}

#[test]
fn the_token_goes_only_to_the_users_gateway_when_one_is_set() {
    let pki = pki();
    let gateway = https_url(https(pki.trusted.clone(), healthy, SystemTime::now()));
    let closed = format!("https://127.0.0.1:{}", closed_port());
    let w = world(&pki, &closed, &closed, &closed)
        .with_env("ANTHROPIC_AUTH_TOKEN", "gateway-token-1234567890")
        .with_env("ANTHROPIC_BASE_URL", &gateway);
    let report = online(&w);
    let token = common::finding(&report, "token-accepted");
    assert_eq!(token["status"], "pass", "{token}");
    assert_eq!(token["evidence"]["token"]["host"], "localhost");
}

/// Names the case `netns_case` runs, inside the namespace.
const NETNS_CASE: &str = "ONLINE_TEST_NETNS_CASE";

/// Runs `netns_case` of this test binary inside a fresh network namespace:
/// `lo_up` decides whether even loopback works there. False when the machine
/// cannot make one.
fn in_empty_netns(case: &str, lo_up: bool) -> bool {
    if !common::can_unshare("-n") {
        return false;
    }
    let up = if lo_up {
        "ip link set lo up 2>/dev/null; "
    } else {
        ""
    };
    let script = format!(
        "{up}exec {} --exact netns_case --ignored --nocapture --test-threads 1",
        std::env::current_exe().unwrap().display()
    );
    let out = std::process::Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .env(NETNS_CASE, case)
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "{case}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

/// One case of the test below, run by it inside the namespace (and a
/// no-op anywhere else).
#[test]
#[ignore = "run inside a network namespace by no_route_and_dns_failure_inside_an_empty_network_namespace"]
fn netns_case() {
    let (target, expected) = match std::env::var(NETNS_CASE).as_deref() {
        // Loopback is down: connecting to 127.0.0.1 has no route.
        Ok("unreachable") => ("https://127.0.0.1:9", "is unreachable"),
        // No interface but loopback, so no resolver can be asked: DNS fails.
        Ok("dns") => (
            "https://dns-failure.invalid",
            "does not resolve (DNS failure)",
        ),
        _ => return,
    };
    let pki = pki();
    let w = world(&pki, target, target, target).with_env("ANTHROPIC_API_KEY", API_KEY);
    let report = online(&w);
    let reach = common::finding(&report, "network-reachability");
    assert!(
        reach["cause"].as_str().unwrap().contains(expected),
        "{reach}"
    );
}

#[test]
fn no_route_and_dns_failure_inside_an_empty_network_namespace() {
    if in_empty_netns("unreachable", false) {
        in_empty_netns("dns", true);
    }
}

/// The mixed report shown in the README: an intercepting proxy in front of
/// platform.claude.com, claude.ai refused, and an expired token.
#[test]
fn readme_example() {
    let pki = pki();
    let api = https_url(https(pki.trusted.clone(), expired, SystemTime::now()));
    let intercepted = https_url(https(pki.self_signed.clone(), healthy, SystemTime::now()));
    let closed = format!("https://127.0.0.1:{}", closed_port());
    let w =
        world(&pki, &api, &intercepted, &closed).with_env("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
    let text = online_human(&w, &["network-reachability", "token-accepted"]);
    eprintln!("{text}");
    assert!(text.contains("[✗] The hosts sign-in needs can be reached"));
    assert!(text.contains("[✗] The API accepts the credential in use"));
}

/// An HTTP proxy that refuses every CONNECT and keeps the targets asked for.
fn recording_proxy() -> (u16, Arc<std::sync::Mutex<Vec<String>>>) {
    let (listener, port) = listener();
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = asked.clone();
    serve_loop(listener, move |mut stream| {
        if let Some(target) = read_request_path(&mut stream) {
            log.lock().unwrap().push(target);
        }
        let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    });
    (port, asked)
}

/// Issue 14: "`CCAUTH_ONLINE_ENDPOINTS` (a test hook) is honoured by the
/// release binary and sends the real key, in clear text, to any URL it
/// names." The binary now ignores it: behind a proxy that records and
/// refuses every CONNECT (so nothing leaves the machine), it asks only for
/// the real hosts, and the URL the variable names hears nothing.
#[test]
fn no_environment_variable_redirects_where_the_binary_sends_a_credential() {
    let (proxy, asked) = recording_proxy();
    let (decoy, decoy_port) = listener();
    decoy.set_nonblocking(true).unwrap();
    let decoy_url = format!("http://127.0.0.1:{decoy_port}");
    let endpoints = format!(
        "api.anthropic.com={decoy_url},platform.claude.com={decoy_url},claude.ai={decoy_url}"
    );
    let w = World::new()
        .with_env("ANTHROPIC_API_KEY", API_KEY)
        .with_env("CCAUTH_ONLINE_ENDPOINTS", &endpoints)
        .with_env("HTTPS_PROXY", &format!("http://127.0.0.1:{proxy}"));
    let out = w
        .ccauth(&["doctor", "--online", "--timeout", "2", "--format", "json"])
        .output()
        .unwrap();
    common::parse_output(&out.stdout);
    assert!(decoy.accept().is_err(), "the decoy was contacted");
    let asked = asked.lock().unwrap().clone();
    assert!(!asked.is_empty(), "the probes went through the proxy");
    for target in &asked {
        assert!(
            [
                "api.anthropic.com:443",
                "platform.claude.com:443",
                "claude.ai:443"
            ]
            .contains(&target.as_str()),
            "CONNECT {target}"
        );
    }
}

/// A world whose workspace's own settings name an apiKeyHelper that leaves
/// a mark when it runs, trusted or not, every host a closed port.
fn project_helper_world(trusted: bool) -> (Net, std::path::PathBuf) {
    let pki = pki();
    let closed = format!("https://127.0.0.1:{}", closed_port());
    let w = world(&pki, &closed, &closed, &closed).with_env("PATH", "/usr/bin:/bin");
    let mark = w.world.home().join("helper-ran");
    let helper = format!(
        "touch {}; echo sk-ant-api03-HELPERkey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-CCCC",
        mark.display()
    );
    w.world.workspace_file(
        ".claude/settings.json",
        &serde_json::json!({ "apiKeyHelper": helper }).to_string(),
    );
    let workspace = w.world.workspace().display().to_string();
    w.home_file(
        ".claude.json",
        &serde_json::json!({ "projects": { workspace: { "hasTrustDialogAccepted": trusted } } })
            .to_string(),
    );
    (w, mark)
}

/// Issue 14: "`--online` ran a project-level `apiKeyHelper` from the
/// workspace's `.claude/settings.json` although the folder's trust dialog
/// was never accepted". Not run, and the report says why; once the folder
/// is trusted, it runs.
#[test]
fn a_project_helper_runs_only_in_a_trusted_folder() {
    let (w, mark) = project_helper_world(false);
    let facts = serde_json::to_value(w.context(Duration::from_secs(2)).1).unwrap();
    assert!(!mark.exists(), "the untrusted helper ran");
    let skipped = facts["token_skipped"].as_str().unwrap_or_default();
    assert!(
        skipped.contains("was not run") && skipped.contains("trust dialog was never accepted"),
        "{facts}"
    );
    let (w, mark) = project_helper_world(true);
    let facts = serde_json::to_value(w.context(Duration::from_secs(2)).1).unwrap();
    assert!(mark.exists(), "the trusted helper did not run: {facts}");
    assert!(facts["token"].is_object(), "{facts}");
}

/// The key an `apiKeyHelper` printed (known only once it was sent), quoted
/// back by the server in its error.
const QUOTED_KEY: &str = "gwHelperQuotedTok3n99";

fn quotes_the_key(path: &str) -> (u16, String) {
    if path.starts_with("/v1/models") {
        let message = format!("invalid x-api-key {QUOTED_KEY}: not recognised");
        (
            401,
            serde_json::json!({"type": "error", "error": {"type": "authentication_error", "message": message}})
                .to_string(),
        )
    } else {
        (200, "ok".into())
    }
}

/// An error body that quotes the credential sent is masked by that exact
/// value, in every format (issue 14: "mask the exact values sent").
#[test]
fn an_error_quoting_the_sent_key_is_masked() {
    let pki = pki();
    let api = https_url(https(
        pki.trusted.clone(),
        quotes_the_key,
        SystemTime::now(),
    ));
    let w = world(&pki, &api, &api, &api).with_env("PATH", "/usr/bin:/bin");
    w.home_file(
        ".claude/settings.json",
        &serde_json::json!({"apiKeyHelper": format!("echo {QUOTED_KEY}")}).to_string(),
    );
    let report = online(&w);
    let token = common::finding(&report, "token-accepted");
    assert_eq!(token["status"], "fail", "{token}");
    let verbose = report::human::Style {
        color: false,
        verbose: true,
    };
    let shown = w.report(Duration::from_secs(2), &[]);
    for (format, text) in [
        ("json", report::json::render(&shown)),
        ("human", report::human::render(&shown, verbose)),
        ("github", report::github::render(&shown)),
        ("sarif", report::sarif::render(&shown)),
    ] {
        assert!(!text.contains("QuotedTok3n"), "{format}: {text}");
    }
}
