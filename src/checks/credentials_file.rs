//! `credentials-file`: the `/login` credential in `.credentials.json` can be
//! read, is not blank or expired beyond refresh, and is stored safely.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Status, shell_quote};
use crate::auth::{self, Mode, SourceKind};
use crate::gather::Context;
use crate::gather::claude_state::{LoadError, StoredLogin};
use crate::gather::fsread::FileKind;
use crate::gather::fsread::FileMeta;
use std::time::{Duration, UNIX_EPOCH};

/// Judges `.credentials.json`.
pub struct CredentialsFile;

/// The client treats a token as expired this long before `expiresAt`.
const EXPIRY_MARGIN_MS: i64 = 5 * 60 * 1000;

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
        let finding = self.judge(ctx);
        let repairs = self.repairs(ctx, &finding);
        finding.with_repairs(repairs)
    }
}

impl CredentialsFile {
    fn judge(&self, ctx: &Context) -> Finding {
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
        // Problems matter fully only when the file is what the client would use.
        let other = auth::resolve(ctx, Mode::Print)
            .winner
            .filter(|w| w.kind != SourceKind::StoredLogin);
        let relied_on = if other.is_none() {
            Status::Fail
        } else {
            Status::Warn
        };
        let mut problems: Vec<(Status, String)> = Vec::new();
        let now_ms = ctx
            .now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        match &file.content {
            Err(e) => problems.push((
                relied_on,
                format!("{path} {}, so the client cannot use it", e.describe()),
            )),
            Ok(login) => problems.extend(
                login_problems(login, now_ms)
                    .into_iter()
                    .map(|p| (relied_on, p)),
            ),
        }
        if let Some(meta) = &ctx.meta.credentials {
            problems.extend(storage_problems(meta, &path));
        }
        let evidence = file.ok().map(|l| login_evidence(l, now_ms));
        let Some(worst) = problems.iter().map(|(s, _)| *s).max() else {
            let state = file.ok().map_or(String::new(), |l| expiry_words(l, now_ms));
            return Finding::pass(format!("{path} holds a usable /login credential{state}."))
                .with("login", evidence)
                .with("file", &ctx.meta.credentials);
        };
        let mut cause: Vec<String> = problems.into_iter().map(|(_, p)| p).collect();
        if let Some(winner) = &other {
            cause.push(format!(
                "It is not in use now ({} wins), but would be without it.",
                winner.describe()
            ));
        }
        let finding = Finding::fail(cause.join("\n"), fix(&file.content, &path));
        Finding {
            status: worst,
            ..finding
        }
        .with("login", evidence)
        .with("file", &ctx.meta.credentials)
    }

    fn repairs(&self, ctx: &Context, _finding: &Finding) -> Vec<Repair> {
        let (Some(file), Some(meta)) = (&ctx.credentials, &ctx.meta.credentials) else {
            return Vec::new();
        };
        let too_open = meta.kind == FileKind::Regular && meta.mode & 0o077 != 0 && meta.writable;
        if !too_open {
            return Vec::new();
        }
        vec![Repair {
            summary: format!("chmod 600 {}", file.path.display()),
            needs_naming: false,
            action: Action::Chmod {
                path: file.path.clone(),
                mode: 0o600,
            },
        }]
    }
}

/// Problems with the login itself.
fn login_problems(login: &StoredLogin, now_ms: i64) -> Vec<String> {
    if !login.has_oauth_block {
        return vec![
            "has no claudeAiOauth entry: no /login credential is stored in it".to_string(),
        ];
    }
    let empty =
        |t: &Option<crate::secret::Secret>| t.as_ref().is_none_or(crate::secret::Secret::is_empty);
    if login.access_token.is_none() {
        return vec!["lacks claudeAiOauth.accessToken".to_string()];
    }
    if empty(&login.access_token) && empty(&login.refresh_token) {
        return vec![
            "was blanked after a failed refresh (empty access and refresh tokens): the refresh token had already \
             been used elsewhere, by the host or another container sharing this login"
                .to_string(),
        ];
    }
    let mut found = Vec::new();
    if let Some(problem) = auth::stored_login_problem(login) {
        found.push(format!("{problem}, so the client ignores it"));
    }
    let expired = login
        .expires_at_ms
        .is_some_and(|at| now_ms + EXPIRY_MARGIN_MS >= at);
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
        found.push(format!(
            "holds an access token that expired{when}, and {why}: the next request fails"
        ));
    }
    found
}

/// Problems with how the file is stored: mode and symlink (its owner is
/// `file-ownership`'s concern).
fn storage_problems(meta: &FileMeta, path: &str) -> Vec<(Status, String)> {
    let mut found = Vec::new();
    if meta.is_symlink {
        let target = meta
            .link_target
            .as_ref()
            .map_or(String::new(), |t| format!(" to {}", t.display()));
        found.push((
            Status::Warn,
            format!("{path} is a symlink{target}: the client replaces it with a regular file on its next write, cutting the link"),
        ));
    }
    if meta.kind == FileKind::Regular && meta.mode & 0o077 != 0 {
        found.push((
            Status::Warn,
            format!(
                "{path} has mode {:04o}: other users can read your login (the client writes 0600)",
                meta.mode
            ),
        ));
    }
    found
}

fn fix(content: &Result<StoredLogin, LoadError>, path: &str) -> String {
    let p = shell_quote(path);
    let relogin = format!(
        "Sign in again inside this container: `claude auth logout` (or rm {p}), then `claude auth login` and paste \
         the code. Give each container its own login (a named volume, not the host's ~/.claude), or use \
         CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`, which needs no refresh."
    );
    match content {
        Err(LoadError::File(crate::gather::fsread::FileProblem::NotAFile(FileKind::Directory))) => {
            format!(
                "Docker created a directory because a bind-mount source was missing: remove it (rmdir {p}) and mount \
             the config directory instead of the single file.\n{relogin}"
            )
        }
        _ => format!("{relogin}\nFor the mode: chmod 600 {p}"),
    }
}

fn expiry_words(login: &StoredLogin, now_ms: i64) -> String {
    match login.expires_at_ms {
        Some(at) if at > now_ms + EXPIRY_MARGIN_MS => {
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
