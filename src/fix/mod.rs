//! `ccauth doctor --fix`: repairs that are safe to make, each owned by the
//! check that found the problem.
//!
//! Checks plan fixes from the snapshot ([`crate::checks::Check::fixes`]);
//! nothing is written there. This module applies a plan, or with `--dry-run`
//! shows it as unified diffs. A fix that takes a user's decision runs only
//! when its check is named (`--fix=api-key-approval`). A file that does not
//! parse is never rewritten.

pub mod diff;
pub mod json_edit;
pub mod write;

use crate::secret::Secret;
use serde::Serialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use write::Written;

/// One repair, planned by a check.
#[derive(Clone, Debug, Serialize)]
pub struct Fix {
    /// The check that owns it.
    pub check: &'static str,
    /// What it does, in words.
    pub summary: String,
    /// It takes a decision from the user, so it runs only when its check is
    /// named in `--fix=<id>`.
    pub needs_naming: bool,
    /// The change itself.
    #[serde(skip)]
    pub action: Action,
}

/// The changes fixes can make.
#[derive(Clone, Debug)]
pub enum Action {
    /// Set top-level keys of the config file, creating it (mode 0600) when absent.
    SetConfigKeys {
        /// The effective config file.
        path: PathBuf,
        /// Keys and values to set.
        keys: Vec<(String, Value)>,
    },
    /// Move an API key's last 20 characters to `customApiKeyResponses.approved`.
    ApproveApiKey {
        /// The effective config file.
        path: PathBuf,
        /// The suffix the client stores.
        suffix: Secret,
    },
    /// Add a line to a `.gitignore`, creating it when absent.
    AppendIgnoreLine {
        /// The `.gitignore` file.
        gitignore: PathBuf,
        /// The exact line.
        line: String,
    },
    /// Narrow a file's permission bits.
    Chmod {
        /// The file.
        path: PathBuf,
        /// The new mode.
        mode: u32,
    },
    /// Replace a broken file with a backup that parses.
    RestoreBackup {
        /// The broken file.
        path: PathBuf,
        /// The backup to restore.
        backup: PathBuf,
    },
}

/// What became of one fix.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The fix.
    #[serde(flatten)]
    pub fix: Fix,
    /// `applied`, `unchanged`, `needs-naming`, `failed` or `planned` (dry run).
    pub result: &'static str,
    /// How it was written, or why it failed.
    pub detail: Option<String>,
    /// With `--dry-run`: the unified diff.
    pub diff: Option<String>,
}

/// Plans the fixes for every check that warned or failed and applies them
/// (or previews them, with `dry_run`). With `named` non-empty, only those
/// checks' fixes run, including the ones that take a decision.
pub fn run(
    ctx: &crate::gather::Context,
    results: &[crate::checks::CheckResult],
    named: &[String],
    dry_run: bool,
) -> Vec<Outcome> {
    use crate::checks::{self, Status};
    results
        .iter()
        .filter(|r| matches!(r.finding.status, Status::Warn | Status::Fail))
        .filter(|r| named.is_empty() || named.iter().any(|n| n == r.id))
        .filter_map(|r| Some((checks::find(r.id)?, r)))
        .flat_map(|(check, r)| check.fixes(ctx, &r.finding))
        .map(|fix| {
            let is_named = named.iter().any(|n| n == fix.check);
            apply(&fix, is_named, dry_run)
        })
        .collect()
}

/// Applies (or, with `dry_run`, previews) one fix.
pub fn apply(fix: &Fix, named: bool, dry_run: bool) -> Outcome {
    let outcome = |result, detail: Option<String>, diff: Option<String>| Outcome {
        fix: fix.clone(),
        result,
        detail,
        diff,
    };
    if fix.needs_naming && !named {
        return outcome(
            "needs-naming",
            Some(format!("run with --fix={} to apply it", fix.check)),
            None,
        );
    }
    if dry_run {
        return match preview(&fix.action) {
            Ok(None) => outcome("unchanged", None, None),
            Ok(Some(diff)) => outcome("planned", None, Some(diff)),
            Err(why) => outcome("failed", Some(why), None),
        };
    }
    match execute(&fix.action) {
        Ok(Written::Unchanged) => outcome("unchanged", None, None),
        Ok(written) => outcome("applied", Some(describe(&written)), None),
        Err(why) => outcome("failed", Some(why), None),
    }
}

fn describe(written: &Written) -> String {
    let backup = |b: &Option<PathBuf>| {
        b.as_ref()
            .map_or(String::new(), |b| format!("; backup at {}", b.display()))
    };
    match written {
        Written::Unchanged => "unchanged".to_string(),
        Written::Atomic { backup: b } => format!("written atomically{}", backup(b)),
        Written::InPlace { reason, backup: b } => {
            format!("written in place, because {reason}{}", backup(b))
        }
        Written::Created { mode } => format!("created with mode {mode:04o}"),
        Written::ModeChanged { from, to } => format!("mode {from:04o} → {to:04o}"),
    }
}

/// The text edit behind an action on a file's bytes; `Ok(None)` when there is
/// nothing to change.
type Edit = Box<dyn Fn(&[u8]) -> Result<Option<Vec<u8>>, String>>;

fn edit_for(action: &Action) -> Option<(PathBuf, Edit)> {
    match action {
        Action::SetConfigKeys { path, keys } => {
            let keys = keys.clone();
            Some((
                path.clone(),
                Box::new(move |bytes| {
                    let mut text = json_text(bytes)?;
                    let mut changed = false;
                    for (key, value) in &keys {
                        if let Some(next) = json_edit::set(&text, key, value)? {
                            text = next;
                            changed = true;
                        }
                    }
                    Ok(changed.then(|| text.into_bytes()))
                }),
            ))
        }
        Action::ApproveApiKey { path, suffix } => {
            let suffix = suffix.expose().to_string();
            Some((
                path.clone(),
                Box::new(move |bytes| {
                    let text = json_text(bytes)?;
                    let current = json_edit::get(&text, "customApiKeyResponses")?
                        .unwrap_or_else(|| json!({}));
                    let list = |name: &str| -> Vec<Value> {
                        current
                            .get(name)
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default()
                    };
                    let mut approved = list("approved");
                    let rejected: Vec<Value> = list("rejected")
                        .into_iter()
                        .filter(|v| v != &suffix)
                        .collect();
                    if !approved.iter().any(|v| v == &suffix) {
                        approved.push(Value::String(suffix.clone()));
                    }
                    let mut updated = current.as_object().cloned().unwrap_or_default();
                    updated.insert("approved".into(), Value::Array(approved));
                    updated.insert("rejected".into(), Value::Array(rejected));
                    Ok(
                        json_edit::set(&text, "customApiKeyResponses", &Value::Object(updated))?
                            .map(String::into_bytes),
                    )
                }),
            ))
        }
        Action::AppendIgnoreLine { gitignore, line } => {
            let line = line.clone();
            Some((
                gitignore.clone(),
                Box::new(move |bytes| {
                    let text = String::from_utf8_lossy(bytes);
                    if text.lines().any(|l| l.trim() == line) {
                        return Ok(None);
                    }
                    let glue = if text.is_empty() || text.ends_with('\n') {
                        ""
                    } else {
                        "\n"
                    };
                    Ok(Some(format!("{text}{glue}{line}\n").into_bytes()))
                }),
            ))
        }
        Action::RestoreBackup { path, backup } => {
            let backup = backup.clone();
            Some((
                path.clone(),
                Box::new(move |bytes| {
                    let good =
                        std::fs::read(&backup).map_err(|e| format!("{}: {e}", backup.display()))?;
                    Ok((good != bytes).then_some(good))
                }),
            ))
        }
        Action::Chmod { .. } => None,
    }
}

/// A config file's text; a file that does not parse as a JSON object is
/// never rewritten.
fn json_text(bytes: &[u8]) -> Result<String, String> {
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| "it is not UTF-8 text, so it was left alone".to_string())?;
    if !json_edit::is_object(&text) {
        return Err("it does not parse as a JSON object, so it was left alone".to_string());
    }
    Ok(text)
}

/// The content a new config file gets.
fn new_config(keys: &[(String, Value)]) -> Vec<u8> {
    let object: serde_json::Map<String, Value> = keys.iter().cloned().collect();
    let mut text =
        serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text.into_bytes()
}

fn execute(action: &Action) -> Result<Written, String> {
    match action {
        Action::Chmod { path, mode } => write::chmod(path, *mode),
        Action::SetConfigKeys { path, keys } if !path.exists() => {
            write::create(path, &new_config(keys), 0o600)
        }
        Action::AppendIgnoreLine { gitignore, line } if !gitignore.exists() => {
            write::create(gitignore, format!("{line}\n").as_bytes(), 0o644)
        }
        other => {
            let (path, edit) = edit_for(other).ok_or("nothing to edit")?;
            write::rewrite(&path, edit)
        }
    }
}

/// What `execute` would change, as a unified diff (or a sentence for a mode).
fn preview(action: &Action) -> Result<Option<String>, String> {
    use std::os::unix::fs::MetadataExt;
    match action {
        Action::Chmod { path, mode } => {
            let current = std::fs::metadata(path).map_err(|e| e.to_string())?.mode() & 0o7777;
            Ok((current != *mode)
                .then(|| format!("chmod {:04o} → {mode:04o} {}\n", current, path.display())))
        }
        Action::SetConfigKeys { path, keys } if !path.exists() => {
            let new = String::from_utf8_lossy(&new_config(keys)).into_owned();
            Ok(Some(diff::unified(&path.display().to_string(), "", &new)))
        }
        Action::AppendIgnoreLine { gitignore, line } if !gitignore.exists() => Ok(Some(
            diff::unified(&gitignore.display().to_string(), "", &format!("{line}\n")),
        )),
        other => {
            let (path, edit) = edit_for(other).ok_or("nothing to edit")?;
            let old = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let Some(new) = edit(&old)? else {
                return Ok(None);
            };
            let (old, new) = (String::from_utf8_lossy(&old), String::from_utf8_lossy(&new));
            Ok(Some(diff::unified(&path.display().to_string(), &old, &new)))
        }
    }
}
