//! Renders a [`CallbackReport`]: the facts, one line each, then the verdict
//! and the next step. Every decision was made in `crate::callback`; this only
//! puts it in words. The URL arrives masked; bodies and locations too.

use crate::callback::{Answer, CallbackReport, Delivery, Listening};
use crate::gather::listeners::{Listener, Owner};

/// What to run to see whether the login landed.
const CONFIRM: &str = "Run `claude auth status` to confirm (or `ccauth status`).";
/// How to start a login again.
const AGAIN: &str = "Start again: run `claude auth login` (or /login inside claude), authorize in the \
                     browser, and when it says \"localhost refused to connect\", copy the address bar \
                     and run `ccauth callback '<url>'` here while claude still waits.";

/// The human report.
pub(crate) fn human(report: &CallbackReport) -> String {
    let mut out = format!(
        "ccauth callback\n\n  url        {}\n  listening  {}\n  sent       {}\n\n",
        report.url,
        listening_line(report),
        sent_line(&report.delivery)
    );
    let (ok, verdict, next) = verdict(report);
    let mark = if ok { "[✓]" } else { "[✗]" };
    out.push_str(&format!("{mark} {verdict}\n    Next: {next}\n"));
    // Process names, paths and the client's answer come from the world.
    super::escape::text(&out)
}

/// The JSON report (the same facts, for bug reports and scripts).
pub(crate) fn json(report: &CallbackReport) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

fn listening_line(report: &CallbackReport) -> String {
    match &report.listening {
        Listening::Found { listeners } => listeners
            .iter()
            .map(|l| describe_listener(l, report.uid))
            .collect::<Vec<_>>()
            .join("; "),
        Listening::Nothing { elsewhere } if elsewhere.is_empty() => {
            "nothing on that port".to_string()
        }
        Listening::Nothing { elsewhere } => {
            let addresses: Vec<String> = elsewhere.iter().map(ToString::to_string).collect();
            format!(
                "nothing on loopback; that port listens only on {}",
                addresses.join(", ")
            )
        }
        Listening::Unknown { why } => {
            format!("could not be confirmed ({why}); the request was sent unconfirmed")
        }
    }
}

fn describe_listener(listener: &Listener, uid: u32) -> String {
    let socket = &listener.socket;
    let place = std::net::SocketAddr::new(socket.address, socket.port);
    match &listener.owner {
        Owner::Process(p) => {
            let exe = p.exe.as_ref().map_or(String::new(), |e| {
                format!(", {}", super::escape::line(&e.display().to_string()))
            });
            let what = if p.is_claude {
                "Claude Code".to_string()
            } else {
                "not recognisably Claude Code (sent anyway: a code is useless without the \
                 verifier held by the client that asked for it)"
                    .to_string()
            };
            let name = super::escape::line(&p.name);
            format!("{place}, process {} ({name}{exe}): {what}", p.pid)
        }
        Owner::NotVisible => format!(
            "{place}, owned by uid {}; its process is not visible to uid {uid}, so it could not \
             be confirmed to be Claude Code",
            socket.uid
        ),
    }
}

fn sent_line(delivery: &Delivery) -> String {
    match delivery {
        Delivery::NotSent => "nothing (no connection was made)".to_string(),
        Delivery::ConnectFailed { address, why } => {
            format!("nothing: connecting to {address} failed: {why}")
        }
        Delivery::Answered { address, answer } => {
            format!("one GET to {address}; it answered {}", answer_words(answer))
        }
        Delivery::NoAnswer { address, waited_ms } => {
            format!("one GET to {address}; no answer within {waited_ms} ms")
        }
    }
}

fn answer_words(answer: &Answer) -> String {
    match answer {
        Answer::Redirect { location } => format!(
            "a redirect to {}",
            location.as_deref().unwrap_or("(no Location)")
        ),
        Answer::AlreadyFinishing => "\"Sign-in is already finishing\"".to_string(),
        Answer::ExchangeFailed => "\"Sign-in was canceled or failed\"".to_string(),
        Answer::AccountOnHold => "\"Your account is on hold\"".to_string(),
        Answer::StateMismatch => "400 \"Invalid state parameter\"".to_string(),
        Answer::CodeNotFound => "400 \"Authorization code not found\"".to_string(),
        Answer::NotFound => "404".to_string(),
        Answer::OtherSuccess { status, body } | Answer::OtherError { status, body } => {
            format!("{status} {body:?}")
        }
        Answer::NotHttp => "something that is not HTTP".to_string(),
    }
}

/// Whether it worked, what happened, and what to do next.
fn verdict(report: &CallbackReport) -> (bool, String, String) {
    let ok = report.exit_code() == 0;
    let (said, next) = match &report.delivery {
        Delivery::NotSent => (nothing_listens(report), AGAIN.to_string()),
        Delivery::ConnectFailed { .. } => (
            "The listener was gone by the time of the request: the login ended.".to_string(),
            AGAIN.to_string(),
        ),
        Delivery::NoAnswer { .. } => (
            "Delivered. Claude Code holds its answer while it exchanges the code with the \
             sign-in server, so it most likely took the code."
                .to_string(),
            format!("Watch the claude terminal. {CONFIRM}"),
        ),
        Delivery::Answered { answer, .. } => answered(answer),
    };
    (ok, said, next)
}

fn nothing_listens(report: &CallbackReport) -> String {
    let port = report.port;
    let elsewhere = if report.in_container {
        "This looks like a container: if claude runs on the host or in another container, run \
         ccauth callback there."
    } else {
        "If claude runs in a container, run this inside it: `docker exec -it <container> ccauth \
         callback` and paste the URL (`docker ps` lists the containers; in a devcontainer, use its \
         terminal)."
    };
    format!(
        "Nothing listens on port {port} on this machine's loopback, so nothing was sent. Either \
         the login was cancelled or timed out (claude stops listening when its login screen \
         closes), or this is not where claude runs. {elsewhere}"
    )
}

fn answered(answer: &Answer) -> (String, String) {
    let said = match answer {
        Answer::Redirect { .. } => {
            "Claude Code took the code and finished the sign-in (it redirected to its success page)."
        }
        Answer::AlreadyFinishing => "This login had already received a code and is finishing.",
        Answer::OtherSuccess { .. } => {
            "The listener accepted the request, with an answer Claude Code 2.1.332 does not give."
        }
        Answer::ExchangeFailed => {
            "Claude Code took the code, but exchanging it for a token failed: its terminal says \
             why (no route to platform.claude.com, a firewall, or a code that expired or was \
             already used)."
        }
        Answer::AccountOnHold => "The sign-in server says this account is on hold.",
        Answer::StateMismatch => {
            "Claude Code refused the state: this URL belongs to another (older) login attempt than \
             the one waiting, and the client ends the waiting login when it sees it."
        }
        Answer::CodeNotFound => "Claude Code found no code in the request.",
        Answer::NotFound => {
            "The listener answered 404: this port is not Claude Code's callback (its path is /callback)."
        }
        Answer::OtherError { .. } => "The listener refused the request.",
        Answer::NotHttp => {
            "The listener did not answer in HTTP: it is not Claude Code's callback server."
        }
    };
    let next = match answer {
        Answer::Redirect { .. } | Answer::AlreadyFinishing | Answer::OtherSuccess { .. } => {
            CONFIRM.to_string()
        }
        Answer::ExchangeFailed => format!(
            "Read the error in the claude terminal; `ccauth doctor --online` checks the sign-in \
             hosts. {AGAIN}"
        ),
        Answer::AccountOnHold => {
            "Sign in with another account, or contact Anthropic support.".to_string()
        }
        Answer::StateMismatch => format!("Use the URL of the login that is waiting. {AGAIN}"),
        _ => AGAIN.to_string(),
    };
    (said.to_string(), next)
}
