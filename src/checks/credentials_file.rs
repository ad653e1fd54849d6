//! `credentials-file`: the `/login` credential in `.credentials.json` can be
//! read, is not blank or expired beyond refresh, and is stored safely.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Place, Problem, Status, launch, shell_quote};
use crate::auth::{self, Mode, SourceKind};
use crate::gather::Context;
use crate::gather::claude_state::{LoadError, StoredLogin};
use crate::gather::fsread::{FileKind, FileMeta, FileProblem};
use crate::secret::Secret;
use std::path::Path;
use std::time::Duration;

/// Judges `.credentials.json`.
pub(crate) struct CredentialsFile;

impl Check for CredentialsFile {
    fn id(&self) -> &'static str {
        "credentials-file"
    }

    fn title(&self) -> &'static str {
        "The /login credential file is sound"
    }

    fn category(&self) -> Category {
        Category::Credentials
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/credentials-file.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let Some(file) = &ctx.credentials else {
            return Finding::skip(
                "Neither HOME nor CLAUDE_CONFIG_DIR is known, so there is no credentials file.",
            );
        };
        let path = file.path.display().to_string();
        if matches!(&file.content, Err(e) if e.is_missing()) && ctx.meta.credentials.is_none() {
            return Finding::skip(format!(
                "{path} does not exist: no /login credential is stored here."
            ));
        }
        let now_ms = ctx.now_ms();
        let mut problems = content_problems(ctx, &file.path, &file.content, now_ms);
        if let Some(meta) = &ctx.meta.credentials {
            problems.extend(storage_problems(meta, &file.path));
        }
        let evidence = file.ok().map(|l| login_evidence(l, now_ms));
        let Some(finding) = Finding::from_problems(problems) else {
            let state = file.ok().map_or(String::new(), |l| expiry_words(l, now_ms));
            return Finding::pass(format!("{path} holds a usable /login credential{state}."))
                .with("login", evidence)
                .with("file", &ctx.meta.credentials);
        };
        finding
            .with("login", evidence)
            .with("file", &ctx.meta.credentials)
    }
}

/// Problems with what the file holds: a fail when the client would use it,
/// a warn (saying so) when another credential wins anyway.
fn content_problems(
    ctx: &Context,
    path: &Path,
    content: &Result<StoredLogin, LoadError>,
    now_ms: i64,
) -> Vec<Problem> {
    let other = auth::resolve(ctx, Mode::Print)
        .winner
        .filter(|w| w.kind != SourceKind::StoredLogin);
    let (status, aside) = match &other {
        None => (Status::Fail, String::new()),
        Some(winner) => (
            Status::Warn,
            format!(
                " It is not in use now ({} wins), but would be without it.",
                winner.describe()
            ),
        ),
    };
    let shown = path.display();
    let relogin = relogin_fix(ctx, path);
    let found = match content {
        Err(e) => {
            let directory = matches!(
                e,
                LoadError::File(FileProblem::NotAFile(FileKind::Directory))
            );
            let (kind, fix) = if directory {
                ("directory", directory_fix(ctx, path, &relogin))
            } else {
                ("unreadable", relogin.clone())
            };
            let cause = format!("{shown} {}, so the client cannot use it.", e.describe());
            vec![(kind, None, cause, fix)]
        }
        Ok(login) => login_problems(login, now_ms)
            .into_iter()
            .map(|flaw| {
                let cause = format!("{shown} {}.", flaw.words);
                (flaw.kind, Some(flaw.key), cause, relogin.clone())
            })
            .collect(),
    };
    found
        .into_iter()
        .map(|(kind, key, cause, fix)| {
            let place = Place::file(path);
            let place = key.map_or(place.clone(), |k| place.key(k));
            Problem::of(status, kind, format!("{cause}{aside}"), fix).at(place)
        })
        .collect()
}

/// One thing wrong with the stored login: its kind, the key it is about,
/// and the words after the file's name.
struct LoginFlaw {
    kind: &'static str,
    key: &'static str,
    words: String,
}

impl LoginFlaw {
    fn new(kind: &'static str, key: &'static str, words: impl Into<String>) -> Self {
        LoginFlaw {
            kind,
            key,
            words: words.into(),
        }
    }
}

/// Problems with the login itself.
fn login_problems(login: &StoredLogin, now_ms: i64) -> Vec<LoginFlaw> {
    if !login.has_oauth_block {
        return vec![LoginFlaw::new(
            "no-login",
            "claudeAiOauth",
            "has no claudeAiOauth entry: no /login credential is stored in it",
        )];
    }
    let empty = |t: &Option<Secret>| t.as_ref().is_none_or(Secret::is_empty);
    if login.access_token.is_none() {
        return vec![LoginFlaw::new(
            "no-access-token",
            "claudeAiOauth.accessToken",
            "lacks claudeAiOauth.accessToken",
        )];
    }
    if empty(&login.access_token) && empty(&login.refresh_token) {
        return vec![LoginFlaw::new(
            "blanked",
            "claudeAiOauth",
            "was blanked after a failed refresh (empty access and refresh tokens): the refresh token had already \
             been used elsewhere, by the host or another container sharing this login",
        )];
    }
    let mut found = Vec::new();
    if let Some(problem) = auth::stored_login_problem(login) {
        let (kind, key) = if empty(&login.access_token) {
            ("empty-access-token", "claudeAiOauth.accessToken")
        } else {
            ("no-inference-scope", "claudeAiOauth.scopes")
        };
        found.push(LoginFlaw::new(
            kind,
            key,
            format!("holds a login the client ignores: {problem}"),
        ));
    }
    let expired = login.refresh_due(now_ms);
    let refresh_dead =
        empty(&login.refresh_token) || login.refresh_expires_at_ms.is_some_and(|at| now_ms >= at);
    if expired && refresh_dead {
        let when = login
            .expires_at_ms
            .map_or(String::new(), |at| format!(" {}", ago(now_ms - at)));
        let why = if empty(&login.refresh_token) {
            "there is no refresh token"
        } else {
            "the refresh token expired too"
        };
        found.push(LoginFlaw::new(
            "expired",
            "claudeAiOauth.expiresAt",
            format!("holds an access token that expired{when}, and {why}: the next request fails"),
        ));
    }
    found
}

/// Problems with how the file is stored: mode and symlink (its owner is
/// `file-ownership`'s concern). A mode wider than 0600 is repaired with
/// chmod when this user may change it.
fn storage_problems(meta: &FileMeta, path: &Path) -> Vec<Problem> {
    let shown = path.display();
    let mut found = Vec::new();
    if meta.is_symlink {
        let target = meta
            .link_target
            .as_ref()
            .map_or(String::new(), |t| format!(" to {}", t.display()));
        found.push(
            Problem::warn(
                "symlink",
                format!(
                    "{shown} is a symlink{target}: the client replaces it with a regular file on its next write, \
                     cutting the link."
                ),
                "Keep a regular file there: mount the config directory (a named volume, say) instead of linking \
                 the single file.",
            )
            .at(Place::file(path)),
        );
    }
    if meta.kind == FileKind::Regular && meta.mode & 0o077 != 0 {
        let p = shell_quote(&shown.to_string());
        let problem = Problem::warn(
            "too-open",
            format!(
                "{shown} has mode {:04o}: other users can read your login (the client writes 0600).",
                meta.mode
            ),
            format!("Make it private again, as the client writes it: chmod 600 {p}"),
        )
        .at(Place::file(path));
        found.push(if meta.writable {
            problem.repaired_by(Repair::new(
                format!("chmod 600 {shown}"),
                Action::Chmod {
                    path: path.to_path_buf(),
                    mode: 0o600,
                },
            ))
        } else {
            problem
        });
    }
    found
}

/// Signing in again, the way out of every problem with the login itself;
/// where nobody can paste a code (CI), the long-lived token instead.
fn relogin_fix(ctx: &Context, path: &Path) -> String {
    let again = launch::sign_in_again(&ctx.launch);
    if !ctx.launch.launcher.has_a_person() {
        return format!("{again}.");
    }
    let p = shell_quote(&path.display().to_string());
    format!(
        "{again} (rm {p} does what the logout does). Give each container its own login (a named volume, not the \
         host's ~/.claude), or use CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`, which needs no refresh."
    )
}

/// Docker made a directory where the file belongs.
fn directory_fix(ctx: &Context, path: &Path, relogin: &str) -> String {
    format!("{}\n{relogin}", super::bind_dir::fix(ctx, path, None))
}

fn expiry_words(login: &StoredLogin, now_ms: i64) -> String {
    match login.expires_at_ms {
        Some(at) if !login.refresh_due(now_ms) => {
            format!("; the access token expires {}", from_now(at - now_ms))
        }
        Some(at) => format!(
            "; the access token expired {} and is refreshed on the next start",
            ago(now_ms - at)
        ),
        None => String::new(),
    }
}

fn login_evidence(login: &StoredLogin, now_ms: i64) -> serde_json::Value {
    serde_json::json!({
        "access_token": login.access_token,
        "refresh_token": login.refresh_token,
        "expires_in_seconds": login.expires_at_ms.map(|at| (at - now_ms) / 1000),
        "refresh_expires_in_seconds": login.refresh_expires_at_ms.map(|at| (at - now_ms) / 1000),
        "scopes": login.scopes,
        "subscription_type": login.subscription_type,
    })
}

/// "3 hours ago".
fn ago(ms: i64) -> String {
    format!("{} ago", span(ms.max(0)))
}

/// "in 5 hours".
fn from_now(ms: i64) -> String {
    format!("in {}", span(ms.max(0)))
}

/// A duration in the largest whole unit: "3 hours", "2 days".
fn span(ms: i64) -> String {
    let secs = Duration::from_millis(ms as u64).as_secs();
    let (n, unit) = match secs {
        s if s < 120 => (s, "second"),
        s if s < 7200 => (s / 60, "minute"),
        s if s < 172_800 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(90_000), "90 seconds");
        assert_eq!(span(3 * 3_600_000), "3 hours");
        assert_eq!(span(5 * 86_400_000), "5 days");
        assert_eq!(ago(60 * 60_000), "60 minutes ago");
    }
}
