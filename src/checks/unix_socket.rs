//! `unix-socket`: `ANTHROPIC_UNIX_SOCKET` sends the client's requests
//! through a local socket, as a `claude ssh` session does: the remote side
//! holds a placeholder credential (`ssh-placeholder`) and the machine at the
//! socket's other end signs the requests. 2.1.332 uses the socket only then
//! (`dnd()`: the socket is set, `ANTHROPIC_AUTH_TOKEN` is not, and one of
//! `CLAUDE_CODE_OAUTH_TOKEN` / `ANTHROPIC_API_KEY` is `ssh-placeholder`
//! with the other unset). A socket that is gone leaves every request
//! waiting.

use super::{Category, Check, Finding, Place, Problem, places};
use crate::auth;
use crate::gather::Context;
use crate::gather::UNIX_SOCKET_VAR as VAR;
use crate::gather::fsread::FileKind;

/// Judges the socket the client would send its requests through.
pub(crate) struct UnixSocket;

impl Check for UnixSocket {
    fn id(&self) -> &'static str {
        "unix-socket"
    }

    fn title(&self) -> &'static str {
        "The socket ANTHROPIC_UNIX_SOCKET names is there to carry the requests"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/unix-socket.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let Some(value) = auth::effective_var(ctx, VAR).filter(|v| !v.is_empty()) else {
            return Finding::skip(format!("{VAR} is not set."));
        };
        let path = ctx.cwd.join(&value);
        if !socket_in_use(ctx) {
            return Finding::pass(format!(
                "{VAR} is set ({}), but without a claude ssh placeholder credential the client does not send \
                 its requests through it.",
                path.display()
            ));
        }
        let kind = ctx
            .unix_sockets
            .iter()
            .find(|(p, _)| *p == path)
            .and_then(|(_, kind)| *kind);
        if kind == Some(FileKind::Socket) {
            return Finding::pass(format!(
                "The client sends its requests through {}, a socket; the machine at its other end signs them.",
                path.display()
            ));
        }
        let there = kind.map_or("nothing", FileKind::describe);
        let origin = auth::effective_origin(ctx, VAR).unwrap_or(auth::Origin::ProcessEnv);
        Finding::problem(
            Problem::fail(
                "missing",
                format!(
                    "{VAR} (from {}) sends every request through {}, with the claude ssh placeholder credential \
                     ({PLACEHOLDER}), but {there} is there, not a socket: nothing signs the requests and they \
                     wait (2.1.332: claude -p printed nothing for 40 s).",
                    origin.describe(),
                    path.display()
                ),
                format!(
                    "Start the session again with `claude ssh` (its forwarder makes the socket), or, to sign in \
                     here instead, unset {VAR} and the {PLACEHOLDER} credential and give claude a real one."
                ),
            )
            .at(Place::file(&path))
            .at_all(places::of_origin(ctx, &origin, VAR)),
        )
    }
}

/// The credential a `claude ssh` remote holds in place of a real one.
const PLACEHOLDER: &str = "ssh-placeholder";

/// 2.1.332's `dnd()`: the socket carries the requests only for a claude ssh
/// placeholder credential, and never beside a gateway token.
fn socket_in_use(ctx: &Context) -> bool {
    let var = |name| auth::effective_var(ctx, name).filter(|v| !v.is_empty());
    let (token, key) = (var("CLAUDE_CODE_OAUTH_TOKEN"), var("ANTHROPIC_API_KEY"));
    var("ANTHROPIC_AUTH_TOKEN").is_none()
        && matches!(
            (token.as_deref(), key.as_deref()),
            (Some(PLACEHOLDER), None) | (None, Some(PLACEHOLDER))
        )
}
