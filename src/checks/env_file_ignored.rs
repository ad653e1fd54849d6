//! `env-file-ignored`: an env file full of keys must be git-ignored and untracked.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Status, join_words, shell_quote};
use crate::gather::Context;
use crate::gather::git::Ownership;
use crate::gather::workspace::EnvFile;
use serde_json::json;

/// Fails for each credential env file that git would commit or already has.
pub struct EnvFileIgnored;

impl Check for EnvFileIgnored {
    fn id(&self) -> &'static str {
        "env-file-ignored"
    }

    fn title(&self) -> &'static str {
        "Env files with keys stay out of git"
    }

    fn category(&self) -> Category {
        Category::Workspace
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/env-file-ignored.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let finding = self.judge(ctx);
        let repairs = self.repairs(ctx, &finding);
        finding.with_repairs(repairs)
    }
}

impl EnvFileIgnored {
    fn judge(&self, ctx: &Context) -> Finding {
        let ws = &ctx.workspace;
        if ws.repo.is_none() {
            return Finding::skip(format!(
                "{} is not in a git repository, so nothing can be committed by mistake.",
                ws.root.display()
            ));
        }
        if ws.env_files.is_empty() {
            return Finding::skip(
                "No env file that can carry credentials: no .devcontainer/api.env, no --env-file in runArgs, \
                 no .env file under .devcontainer/ that sets a key.",
            )
            .with("missing_env_files", &ws.missing_env_files);
        }
        let verdicts: Vec<(Status, String, String)> =
            ws.env_files.iter().filter_map(judge).collect();
        let evidence: Vec<_> = ws.env_files.iter().map(evidence_of).collect();
        let finding = Finding::from_tuples(&verdicts).unwrap_or_else(|| {
            let names: Vec<&str> = ws.env_files.iter().map(|f| f.rel_path.as_str()).collect();
            Finding::pass(format!(
                "{} git-ignored and not tracked.",
                describe_files(&names)
            ))
        });
        let finding = finding
            .with("env_files", evidence)
            .with("missing_env_files", &ws.missing_env_files);
        match &ws.repo_ownership {
            Some(ownership) => {
                let (note, fix) = refused_by_git(ownership);
                finding
                    .at_least_warn(&note, &fix)
                    .with("repository_ownership", ownership_evidence(ownership))
            }
            None => finding,
        }
    }

    fn repairs(&self, ctx: &Context, _finding: &Finding) -> Vec<Repair> {
        let Some(repo) = &ctx.workspace.repo else {
            return Vec::new();
        };
        ctx.workspace
            .env_files
            .iter()
            .filter(|f| {
                f.git.as_ref().is_some_and(|g| {
                    let reincluded = g.rule.as_deref().is_some_and(|r| r.contains(":!"));
                    !g.ignored && g.tracked != Some(true) && !reincluded
                })
            })
            .map(|f| Repair {
                summary: format!(
                    "add the line that ignores {} to {}",
                    f.rel_path,
                    repo.root.join(".gitignore").display()
                ),
                needs_naming: false,
                action: Action::AppendIgnoreLine {
                    gitignore: repo.root.join(".gitignore"),
                    rel_path: f.rel_path.clone(),
                },
            })
            .collect()
    }
}

fn describe_files(names: &[&str]) -> String {
    match names {
        [one] => format!("{one} is"),
        many => format!("{} are", join_words(many)),
    }
}

/// The problem with one file, if any: status, cause, fix.
fn judge(file: &EnvFile) -> Option<(Status, String, String)> {
    let git = file.git.as_ref()?;
    let path = &file.rel_path;
    let carries = carried(file);
    if git.tracked == Some(true) {
        return Some((
            Status::Fail,
            format!("{path} ({carries}) is committed: its content is in the git history."),
            format!(
                "Stop tracking it and ignore it:\n  \
                 git rm --cached {q} && {line} && git commit -m 'Stop tracking an env file'\n\
                 Then rotate every key it held (a new API key at console.anthropic.com, or a new \
                 `claude setup-token` and revoke the old one at claude.ai/settings/claude-code): removing the \
                 file does not remove it from history.",
                q = shell_quote(path),
                line = ignore_command(path),
            ),
        ));
    }
    if !git.ignored {
        let reinclude = git.rule.as_deref().map_or(String::new(), |r| {
            format!(" The rule {r} re-includes it: remove that line.")
        });
        return Some((
            Status::Fail,
            format!("{path} ({carries}) is not git-ignored: one `git add .` commits its keys."),
            format!("Ignore it:\n  {}{reinclude}", ignore_command(path)),
        ));
    }
    if git.tracked.is_none() {
        let why = git
            .tracked_unknown_because
            .as_deref()
            .unwrap_or("the index could not tell");
        return Some((
            Status::Warn,
            format!(
                "{path} ({carries}) is git-ignored, but whether it is already tracked is unknown ({why})."
            ),
            format!(
                "Where git works, run: git ls-files -- {}",
                shell_quote(path)
            ),
        ));
    }
    None
}

/// What git says in a repository owned by someone else.
fn git_refusal(ownership: &Ownership) -> String {
    format!(
        "fatal: detected dubious ownership in repository at '{}'",
        ownership.path.display()
    )
}

/// The line that makes git accept the repository.
fn safe_directory_command(ownership: &Ownership) -> String {
    format!(
        "git config --global --add safe.directory {}",
        shell_quote(&ownership.path.display().to_string())
    )
}

/// A note and a fix: the verdicts hold, but the user's own git refuses the repository.
fn refused_by_git(ownership: &Ownership) -> (String, String) {
    (
        format!(
            "{} is owned by uid {}, not by uid {} who runs this: git refuses it (\"{}\"), so `git status` and \
             `git add` fail there. ccauth judged the ignore rules and the index itself, without running git.",
            ownership.path.display(),
            ownership.owner_uid,
            ownership.user_uid,
            git_refusal(ownership),
        ),
        format!(
            "If you trust this repository, let git work in it:\n  {}\nor give it to this user: chown -R {} {}",
            safe_directory_command(ownership),
            ownership.user_uid,
            shell_quote(&ownership.path.display().to_string()),
        ),
    )
}

fn ownership_evidence(ownership: &Ownership) -> serde_json::Value {
    json!({
        "path": ownership.path,
        "owner_uid": ownership.owner_uid,
        "user_uid": ownership.user_uid,
        "git_says": git_refusal(ownership),
        "safe_directory_command": safe_directory_command(ownership),
        "judged_without_git": true,
    })
}

/// The command that adds the line ignoring exactly this file (anchored at
/// the repository root, escaped); for a name no line can express, why not.
fn ignore_command(rel_path: &str) -> String {
    match super::ignore_line::anchored_pattern(rel_path) {
        Ok(line) => format!("echo {} >> .gitignore", shell_quote(&line)),
        Err(why) => format!("(no .gitignore line can: {why})"),
    }
}

/// "sets ANTHROPIC_API_KEY", or why the file was picked up.
fn carried(file: &EnvFile) -> String {
    if file.credentials.is_empty() {
        file.reasons.join("; ")
    } else {
        let names: Vec<&str> = file.credentials.iter().map(|(n, _)| n.as_str()).collect();
        format!("sets {}", join_words(&names))
    }
}

fn evidence_of(file: &EnvFile) -> serde_json::Value {
    json!({
        "path": file.rel_path,
        "reasons": file.reasons,
        "credentials": file.credentials.iter().map(|(name, value)| json!({"name": name, "value": value})).collect::<Vec<_>>(),
        "git": file.git,
    })
}
