//! `env-file-ignored`: an env file full of keys must be git-ignored and untracked.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Place, Problem, join_words, shell_quote};
use crate::gather::Context;
use crate::gather::git::{GitStatus, Ownership, Repo, anchored_pattern};
use crate::gather::workspace::EnvFile;
use serde_json::json;

/// Fails for each credential env file that git would commit or already has.
pub(crate) struct EnvFileIgnored;

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
        let ws = &ctx.workspace;
        let Some(repo) = &ws.repo else {
            return Finding::skip(format!(
                "{} is not in a git repository, so nothing can be committed by mistake.",
                ws.root.display()
            ));
        };
        if ws.env_files.is_empty() {
            return Finding::skip(
                "No env file that can carry credentials: no .devcontainer/api.env, no --env-file in runArgs, \
                 no .env file under .devcontainer/ that sets a key.",
            )
            .with("missing_env_files", &ws.missing_env_files);
        }
        let problems = ws.env_files.iter().filter_map(|f| judge(repo, f));
        let evidence: Vec<_> = ws.env_files.iter().map(evidence_of).collect();
        let finding = Finding::from_problems(problems).unwrap_or_else(|| {
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
            Some(ownership) => finding
                .and(refused_by_git(ownership))
                .with("repository_ownership", ownership_evidence(ownership)),
            None => finding,
        }
    }
}

/// Where an env file's problem lives: the file, and the `runArgs` entries
/// that name it.
fn places_of(repo: &Repo, file: &EnvFile) -> Vec<Place> {
    let mut places = vec![Place::file(repo.root.join(&file.rel_path))];
    places.extend(file.named_at.iter().cloned());
    places
}

/// The line `--fix` adds to the root `.gitignore` for an untracked file no
/// rule re-includes.
fn ignore_repair(repo: &Repo, file: &EnvFile) -> Repair {
    let gitignore = repo.root.join(".gitignore");
    Repair::new(
        format!(
            "add the line that ignores {} to {}",
            file.rel_path,
            gitignore.display()
        ),
        Action::AppendIgnoreLine {
            gitignore,
            rel_path: file.rel_path.clone(),
        },
    )
}

fn describe_files(names: &[&str]) -> String {
    match names {
        [one] => format!("{one} is"),
        many => format!("{} are", join_words(many)),
    }
}

/// The problem with one file, if any, with its places and its repair.
fn judge(repo: &Repo, file: &EnvFile) -> Option<Problem> {
    let git = file.git.as_ref()?;
    let path = &file.rel_path;
    let carries = carried(file);
    let places = places_of(repo, file);
    if git.tracked == Some(true) {
        let problem = Problem::fail(
            "tracked",
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
        );
        return Some(problem.at_all(places));
    }
    if !git.ignored {
        return Some(not_ignored(repo, file, git, &carries, places));
    }
    if git.tracked.is_none() {
        let why = git
            .tracked_unknown_because
            .as_deref()
            .unwrap_or("the index could not tell");
        let problem = Problem::warn(
            "tracked-unknown",
            format!(
                "{path} ({carries}) is git-ignored, but whether it is already tracked is unknown ({why})."
            ),
            format!(
                "Where git works, run: git ls-files -- {}",
                shell_quote(path)
            ),
        );
        return Some(problem.at_all(places));
    }
    None
}

/// A file no rule ignores, or that a `!pattern` re-includes: the rule's
/// line is a place, and only a file without one gets the `.gitignore` line.
fn not_ignored(
    repo: &Repo,
    file: &EnvFile,
    git: &GitStatus,
    carries: &str,
    places: Vec<Place>,
) -> Problem {
    let path = &file.rel_path;
    let reincluding = git.deciding_rule.as_ref().filter(|r| r.negated);
    let reinclude = git.rule.as_deref().map_or(String::new(), |r| {
        format!(" The rule {r} re-includes it: remove that line.")
    });
    let problem = Problem::fail(
        "not-ignored",
        format!("{path} ({carries}) is not git-ignored: one `git add .` commits its keys."),
        format!("Ignore it:\n  {}{reinclude}", ignore_command(path)),
    )
    .at_all(places);
    match reincluding {
        Some(rule) => {
            let rule_file = rule
                .source
                .clone()
                .unwrap_or_else(|| repo.root.join(".gitignore"));
            problem.at(Place::line(rule_file, rule.line, None).key(rule.pattern.clone()))
        }
        None => problem.repaired_by(ignore_repair(repo, file)),
    }
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

/// The verdicts hold, but the user's own git refuses the repository.
fn refused_by_git(ownership: &Ownership) -> Problem {
    Problem::warn(
        "foreign-owner",
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
    .at(Place::file(&ownership.path))
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
    match anchored_pattern(rel_path) {
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
