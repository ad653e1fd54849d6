//! `ccauth callback`: a loopback listener stands in for the client's callback
//! server (2.1.332 `AuthCodeListener`: 127.0.0.1, port 0, path `/callback`)
//! and records what it receives; the world's `/proc` says who owns it.
//! Modelled on the field report of issue 20: the browser's address bar shows
//! `http://localhost:43627/callback?code=…&state=…` after "Authorize".

mod common;

use common::{World, can_unshare};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

const CODE: &str = "PLANTEDcallbackCODE0123456789abcdefghijklmnop";
const STATE: &str = "PLANTEDcallbackSTATE9876543210zyxwvutsrqpo";
const INODE: u64 = 770_001;
const CLAUDE_EXE: &str = "/usr/local/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe";

/// The client's answer after a successful exchange (CLAUDEAI_SUCCESS_URL).
const SUCCESS: &str = "HTTP/1.1 302 Found\r\nLocation: https://platform.claude.com/oauth/code/success?app=claude-code\r\nContent-Length: 0\r\n\r\n";
/// The client's answer to a state it did not issue.
const MISMATCH: &str =
    "HTTP/1.1 400 Bad Request\r\nContent-Length: 23\r\n\r\nInvalid state parameter";

fn url(port: u16) -> String {
    format!("http://localhost:{port}/callback?code={CODE}&state={STATE}")
}

/// A listener that answers each connection with `answer` (after `delay`) and
/// sends what it read, one request per connection.
fn stand_in(answer: &'static str, delay: Duration) -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.ends_with(b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = tx.send(String::from_utf8_lossy(&request).into_owned());
            std::thread::sleep(delay);
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (port, rx)
}

/// A listener nobody serves: connections to it stay in its backlog, so
/// `connected` can tell afterwards whether anything connected at all.
fn silent_listener() -> TcpListener {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    listener
}

fn connected(listener: &TcpListener) -> bool {
    match listener.accept() {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(e) => panic!("{e}"),
    }
}

/// A world whose `/proc` shows Claude Code (pid 4242) listening on `port`.
fn claude_waiting_on(port: u16) -> World {
    let w = World::new();
    w.listening(port, INODE, 0);
    w.process_with_socket(4242, INODE, "claude", CLAUDE_EXE);
    w
}

fn run(w: &World, args: &[&str]) -> (i32, String) {
    let out = w.ccauth(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret(&text);
    (out.status.code().unwrap_or(-1), text)
}

/// Runs `ccauth callback` against a stand-in answering `answer`, in a world
/// where Claude Code owns its port: the exit code, the output, the requests.
fn deliver_to_claude(answer: &'static str) -> (i32, String, mpsc::Receiver<String>) {
    let (port, received) = stand_in(answer, Duration::ZERO);
    let (code, text) = run(&claude_waiting_on(port), &["callback", &url(port)]);
    (code, text, received)
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(CODE) && !text.contains(STATE), "{text}");
}

#[test]
fn delivers_one_get_of_the_path_and_query_and_says_the_login_finished() {
    let (code, text, received) = deliver_to_claude(SUCCESS);
    assert_eq!(code, 0, "{text}");
    let port: u16 = text
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|p| p.parse().ok())
        .expect("the port is shown");
    assert!(
        text.contains("process 4242 (claude") && text.contains("): Claude Code"),
        "{text}"
    );
    assert!(text.contains("finished the sign-in"), "{text}");
    assert!(text.contains("claude auth status"), "{text}");
    let request = received.recv_timeout(Duration::from_secs(5)).unwrap();
    assert!(
        request.starts_with(&format!(
            "GET /callback?code={CODE}&state={STATE} HTTP/1.0\r\n"
        )),
        "{request}"
    );
    assert!(
        request.contains(&format!("\r\nHost: localhost:{port}\r\n")),
        "{request}"
    );
    assert!(received.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn a_proxy_in_the_environment_is_never_used() {
    let (port, received) = stand_in(SUCCESS, Duration::ZERO);
    let proxy = silent_listener();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let mut w = claude_waiting_on(port);
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"] {
        w = w.with_env(var, &proxy_url);
    }
    let (code, text) = run(&w, &["callback", &url(port)]);
    assert_eq!(code, 0, "{text}");
    assert!(received.recv_timeout(Duration::from_secs(5)).is_ok());
    assert!(!connected(&proxy), "the proxy was contacted");
}

#[test]
fn the_url_can_come_on_standard_input() {
    let (port, received) = stand_in(SUCCESS, Duration::ZERO);
    let w = claude_waiting_on(port);
    let out = w
        .ccauth(&["callback"])
        .write_stdin(format!("{}\n", url(port)))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_no_secret(&String::from_utf8_lossy(&out.stdout));
    assert!(received.recv_timeout(Duration::from_secs(5)).is_ok());
}

#[test]
fn a_state_mismatch_is_an_older_login_attempt() {
    let (code, text, _received) = deliver_to_claude(MISMATCH);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("Invalid state parameter"), "{text}");
    assert!(text.contains("older) login attempt"), "{text}");
    assert!(text.contains("claude auth login"), "{text}");
}

#[test]
fn a_client_busy_exchanging_the_code_counts_as_delivered() {
    let (port, received) = stand_in(SUCCESS, Duration::from_secs(3));
    let w = claude_waiting_on(port);
    let (code, text) = run(&w, &["callback", "--timeout", "0.5", &url(port)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("no answer within"), "{text}");
    assert!(received.recv_timeout(Duration::from_secs(5)).is_ok());
}

#[test]
fn nothing_listening_sends_nothing_and_says_where_to_run_it() {
    // A real socket is there, but this world's /proc/net/tcp does not list
    // it: ccauth believes /proc and must not connect.
    let listener = silent_listener();
    let port = listener.local_addr().unwrap().port();
    let w = World::new();
    w.listening(port + 1, INODE, 0);
    let (code, text) = run(&w, &["callback", &url(port)]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!("Nothing listens on port {port}")),
        "{text}"
    );
    assert!(text.contains("cancelled or timed out"), "{text}");
    assert!(
        text.contains("docker exec -it <container> ccauth callback"),
        "{text}"
    );
    assert!(text.contains("claude auth login"), "{text}");
    assert!(!connected(&listener), "something connected");
}

#[test]
fn an_owner_that_cannot_be_seen_is_said_so_and_the_request_still_goes() {
    let (port, received) = stand_in(SUCCESS, Duration::ZERO);
    let w = World::new();
    w.listening(port, INODE, 1000);
    let (code, text) = run(&w, &["callback", &url(port)]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("owned by uid 1000")
            && text.contains("could not be confirmed to be Claude Code"),
        "{text}"
    );
    assert!(received.recv_timeout(Duration::from_secs(5)).is_ok());
}

#[test]
fn another_program_on_the_port_is_named() {
    let (port, _received) = stand_in(SUCCESS, Duration::ZERO);
    let w = World::new();
    w.listening(port, INODE, 0);
    w.process_with_socket(77, INODE, "python3", "/usr/bin/python3.11");
    let (_, text) = run(&w, &["callback", &url(port)]);
    assert!(
        text.contains("process 77 (python3, /usr/bin/python3.11): not recognisably Claude Code"),
        "{text}"
    );
}

/// A process can name itself anything (`prctl(PR_SET_NAME)`): its name and
/// path are shown, never obeyed by the terminal or the Actions runner.
#[test]
fn a_process_name_with_escapes_is_shown_not_obeyed() {
    let (port, _received) = stand_in(SUCCESS, Duration::ZERO);
    let w = World::new();
    w.listening(port, INODE, 0);
    w.process_with_socket(78, INODE, "\u{1b}[31mred\n::error::x", "/tmp/\u{7}bell");
    let (_, text) = run(&w, &["callback", &url(port)]);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("::")),
        "{text}"
    );
    assert!(
        text.contains("process 78 (\\x1b[31mred\\n::error::x"),
        "{text}"
    );
}

#[test]
fn json_output_masks_the_code_too() {
    let (port, _received) = stand_in(SUCCESS, Duration::ZERO);
    let w = claude_waiting_on(port);
    let out = w
        .ccauth(&["callback", "--format", "json", &url(port)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_no_secret(&stdout);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["delivery"]["answer"]["kind"], "redirect", "{stdout}");
    assert_eq!(
        value["listening"]["listeners"][0]["owner"]["is_claude"],
        true
    );
}

/// Every URL that must be refused, for a port something really listens on.
fn refused(port: u16) -> Vec<String> {
    let q = format!("?code={CODE}&state={STATE}");
    vec![
        format!("http://evil.example:{port}/callback{q}"),
        format!("http://localhost.evil.example:{port}/callback{q}"),
        format!("http://192.168.1.10:{port}/callback{q}"),
        format!("https://localhost:{port}/callback{q}"),
        format!("ftp://localhost:{port}/callback{q}"),
        format!("http://localhost:{port}/callback?state={STATE}"),
        format!("http://localhost:{port}/callback?code={CODE}"),
        format!("http://localhost:{port}/callback?code={CODE}&code=x&state={STATE}"),
        format!("http://user:pw@localhost:{port}/callback{q}"),
        format!("http://{CODE}@localhost:{port}/callback{q}"),
        format!("http://[::ffff:127.0.0.1]:{port}/callback{q}"),
        format!("http://[fe80::1]:{port}/callback{q}"),
        format!("http://[2001:db8::1]:{port}/callback{q}"),
        format!("http://localhost:0/callback{q}"),
        format!("http://localhost:65536/callback{q}"),
        format!("http://localhost:99999999/callback{q}"),
        format!("http://localhost/callback{q}"),
        format!("http://localhost:{port}/elsewhere{q}"),
        format!("http://localhost:{port}/callback{q}#fragment"),
        format!("{CODE}#{STATE}"),
    ]
}

#[test]
fn refused_urls_exit_2_before_any_connection() {
    let listener = silent_listener();
    let port = listener.local_addr().unwrap().port();
    let w = claude_waiting_on(port);
    for bad in refused(port) {
        let (code, text) = run(&w, &["callback", &bad]);
        assert_eq!(code, 2, "{bad}: {text}");
        assert!(
            text.contains("not delivered") || text.contains("paste-code flow"),
            "{bad}: {text}"
        );
        assert!(!connected(&listener), "{bad} made a connection");
    }
}

#[test]
fn refusals_do_not_depend_on_the_network() {
    if !can_unshare("-n") {
        return;
    }
    let bin = assert_cmd::cargo::cargo_bin("ccauth");
    for bad in refused(43627) {
        let out = std::process::Command::new("unshare")
            .arg("-n")
            .arg(&bin)
            .args(["callback", &bad])
            .env_clear()
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains("not delivered") || stderr.contains("paste-code flow"),
            "{bad}: {stderr}"
        );
        assert_no_secret(&stderr);
        assert_no_secret(&String::from_utf8_lossy(&out.stdout));
    }
}
