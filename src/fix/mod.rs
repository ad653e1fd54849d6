//! `ccauth doctor --fix`: repairs that are safe to make, each owned by the
//! check that found the problem.
//!
//! Checks attach a [`Repair`] to the problem it repairs, planned from the
//! snapshot; nothing is written there. This module applies them, or with `--dry-run`
//! shows it as unified diffs. A fix that takes a user's decision runs only
//! when its check is named (`--fix=api-key-approval`). A file that does not
//! parse is never rewritten.

pub(crate) mod diff;
pub(crate) mod ignore_line;
pub mod json_edit;
pub mod write;

use crate::checks::CheckResult;
pub(crate) use crate::checks::repair::{Action, Repair};
use crate::gather::claude_state::CLAUDE_JSON_LIMIT;
use crate::gather::fsread;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use write::Written;

/// What became of one repair.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Outcome {
    /// The check whose problem it repairs.
    pub(crate) check: &'static str,
    /// The repair.
    #[serde(flatten)]
    pub(crate) repair: Repair,
    /// What happened.
    pub(crate) result: Applied,
    /// How it was written, or why it failed.
    pub(crate) detail: Option<String>,
    /// With `--dry-run`: the unified diff.
    pub(crate) diff: Option<String>,
}

/// What became of a repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(
    clippy::enum_variant_names,
    reason = "the variants are the `result` values of the JSON report, a contract"
)]
pub(crate) enum Applied {
    /// Written.
    Applied,
    /// Nothing to change: the file already says it.
    Unchanged,
    /// It takes a decision: run with `--fix=<check-id>`.
    NeedsNaming,
    /// Could not be made; the detail says why.
    Failed,
    /// `--dry-run`: shown as a diff, not written.
    Planned,
}

/// Applies (or previews, with `dry_run`) the repairs attached to every
/// problem found. With `named` non-empty, only those checks' repairs run,
/// including the ones that take a decision.
pub(crate) fn run(results: &[CheckResult], named: &[String], dry_run: bool) -> Vec<Outcome> {
    results
        .iter()
        .filter(|r| r.finding.status.is_problem())
        .filter(|r| named.is_empty() || named.iter().any(|n| n == r.id))
        .flat_map(|r| {
            let is_named = named.iter().any(|n| n == r.id);
            r.finding
                .problems
                .iter()
                .filter_map(|p| p.repair.as_ref())
                .map(move |repair| apply(r.id, repair, is_named, dry_run))
        })
        .collect()
}

/// Applies (or, with `dry_run`, previews) one repair of `check`'s.
pub(crate) fn apply(check: &'static str, repair: &Repair, named: bool, dry_run: bool) -> Outcome {
    let outcome = |result, detail: Option<String>, diff: Option<String>| Outcome {
        check,
        repair: repair.clone(),
        result,
        detail,
        diff,
    };
    if repair.needs_naming && !named {
        return outcome(
            Applied::NeedsNaming,
            Some(format!("run with --fix={check} to apply it")),
            None,
        );
    }
    if dry_run {
        return match preview(&repair.action) {
            Ok(None) => outcome(Applied::Unchanged, None, None),
            Ok(Some(diff)) => outcome(Applied::Planned, None, Some(diff)),
            Err(why) => outcome(Applied::Failed, Some(why), None),
        };
    }
    match execute(&repair.action) {
        Ok(Written::Unchanged) => outcome(Applied::Unchanged, None, None),
        Ok(written) => outcome(Applied::Applied, Some(describe(&written)), None),
        Err(why) => outcome(Applied::Failed, Some(why), None),
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

/// A `.gitignore` larger than this is not read (git's own are kilobytes).
const GITIGNORE_LIMIT: u64 = 4 << 20;

/// The file an action edits, the most of it that is read, and the edit.
fn edit_for(action: &Action) -> Option<(PathBuf, u64, Edit)> {
    match action {
        Action::SetConfigKeys { path, keys } => {
            let keys = keys.clone();
            Some((
                path.clone(),
                CLAUDE_JSON_LIMIT,
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
        Action::SetConfigPath { path, keys, value } => {
            let (keys, value) = (keys.clone(), value.clone());
            Some((
                path.clone(),
                CLAUDE_JSON_LIMIT,
                Box::new(move |bytes| {
                    let text = json_text(bytes)?;
                    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                    Ok(json_edit::set_in(&text, &keys, &value)?.map(String::into_bytes))
                }),
            ))
        }
        Action::ApproveApiKey { path, suffix } => {
            let suffix = suffix.expose().to_string();
            Some((
                path.clone(),
                CLAUDE_JSON_LIMIT,
                Box::new(move |bytes| {
                    let text = json_text(bytes)?;
                    Ok(json_edit::approve(&text, &suffix)?.map(String::into_bytes))
                }),
            ))
        }
        Action::AppendIgnoreLine {
            gitignore,
            rel_path,
        } => {
            let rel_path = rel_path.clone();
            Some((
                gitignore.clone(),
                GITIGNORE_LIMIT,
                Box::new(move |bytes| ignore_line::append(bytes, &rel_path)),
            ))
        }
        Action::RestoreBackup { path, backup } => {
            let backup = backup.clone();
            Some((
                path.clone(),
                CLAUDE_JSON_LIMIT,
                Box::new(move |bytes| {
                    let good = read(&backup, CLAUDE_JSON_LIMIT)?;
                    Ok((good != bytes).then_some(good))
                }),
            ))
        }
        Action::Chmod { .. } | Action::Saved => None,
    }
}

/// A bounded, non-blocking read of a regular file, with the path in the error.
fn read(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    fsread::read_bounded(path, limit).map_err(|p| format!("{} {}", path.display(), p.describe()))
}

/// True when nothing at all is at `path` (not even a dangling symlink, a
/// FIFO or a directory), so a new file may be created there.
fn is_absent(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
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
    pretty(&Value::Object(object))
}

/// A new config file holding one nested member.
fn new_nested_config(keys: &[String], value: &Value) -> Vec<u8> {
    let nested = keys
        .iter()
        .rev()
        .fold(value.clone(), |inner, k| serde_json::json!({ k: inner }));
    pretty(&nested)
}

/// A value as a new file holds it, with a trailing newline.
fn pretty(value: &Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text.into_bytes()
}

/// A file an action creates where nothing is.
struct NewFile {
    path: PathBuf,
    content: Vec<u8>,
    mode: u32,
}

/// What a new file gets, when the action creates one where nothing is.
fn created(action: &Action) -> Option<Result<NewFile, String>> {
    match action {
        Action::SetConfigKeys { path, keys } if is_absent(path) => Some(Ok(NewFile {
            path: path.clone(),
            content: new_config(keys),
            mode: 0o600,
        })),
        Action::SetConfigPath { path, keys, value } if is_absent(path) => Some(Ok(NewFile {
            path: path.clone(),
            content: new_nested_config(keys, value),
            mode: 0o600,
        })),
        Action::AppendIgnoreLine {
            gitignore,
            rel_path,
        } if is_absent(gitignore) => Some(ignore_line::append(b"", rel_path).map(|new| NewFile {
            path: gitignore.clone(),
            content: new.unwrap_or_default(),
            mode: 0o644,
        })),
        _ => None,
    }
}

fn execute(action: &Action) -> Result<Written, String> {
    if let Action::Chmod { path, mode } = action {
        return write::chmod(path, *mode);
    }
    if let Some(new) = created(action) {
        let new = new?;
        return write::create(&new.path, &new.content, new.mode);
    }
    let (path, limit, edit) = edit_for(action).ok_or("nothing to edit")?;
    write::rewrite(&path, limit, edit)
}

/// What `execute` would change, as a unified diff (or a sentence for a mode).
fn preview(action: &Action) -> Result<Option<String>, String> {
    use std::os::unix::fs::MetadataExt;
    if let Action::Chmod { path, mode } = action {
        let current = std::fs::metadata(path).map_err(|e| e.to_string())?.mode() & 0o7777;
        return Ok((current != *mode)
            .then(|| format!("chmod {:04o} → {mode:04o} {}\n", current, path.display())));
    }
    if let Some(new) = created(action) {
        let new = new?;
        let text = String::from_utf8_lossy(&new.content);
        return Ok(Some(diff::unified(
            &new.path.display().to_string(),
            "",
            &text,
        )));
    }
    let (path, limit, edit) = edit_for(action).ok_or("nothing to edit")?;
    let old = read(&path, limit)?;
    let Some(new) = edit(&old)? else {
        return Ok(None);
    };
    let (old, new) = (String::from_utf8_lossy(&old), String::from_utf8_lossy(&new));
    Ok(Some(diff::unified(&path.display().to_string(), &old, &new)))
}
