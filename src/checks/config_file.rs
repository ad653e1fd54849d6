//! `config-file`: the client must be able to read and rewrite its config file.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Status, shell_quote};
use crate::gather::Context;
use crate::gather::claude_state::LoadError;
use crate::gather::fsread::FileKind;
use crate::gather::fsread::FileProblem;

/// Judges the effective `.claude.json`: type, syntax, access, mounts.
pub struct ConfigFile;

impl Check for ConfigFile {
    fn id(&self) -> &'static str {
        "config-file"
    }

    fn title(&self) -> &'static str {
        "The config file can be read and rewritten"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/config-file.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let finding = self.judge(ctx);
        let repairs = self.repairs(ctx, &finding);
        finding.with_repairs(repairs)
    }
}

impl ConfigFile {
    fn judge(&self, ctx: &Context) -> Finding {
        let Some(config) = ctx.effective_config() else {
            return Finding::skip(
                "Neither HOME nor CLAUDE_CONFIG_DIR is known, so there is no config file to look at.",
            );
        };
        let path = &config.path;
        let shown = path.display().to_string();
        let q = shell_quote(&shown);
        let uid = ctx.user.uid;
        let mut problems: Vec<(Status, String, String)> = Vec::new();
        let mut add = |status, cause: String, fix: String| problems.push((status, cause, fix));

        if ctx.legacy_config.is_some()
            && let Some(normal) = &ctx.claude_json
            && !matches!(&normal.content, Err(e) if e.is_missing())
        {
            add(
                Status::Warn,
                format!(
                    "Two config files exist: the client reads the legacy {shown} and ignores {}, so changes to \
                     the latter have no effect (claude 2.1.332 prints \"Two Claude Code config files exist\").",
                    normal.path.display()
                ),
                format!(
                    "Merge what you need into one file and remove the other (usually: rm {q})."
                ),
            );
        }
        let own = ctx.meta.config_file.as_ref().is_none_or(|m| m.uid == uid);
        match &config.content {
            Err(LoadError::File(FileProblem::Missing)) => {}
            Err(LoadError::File(FileProblem::NotAFile(FileKind::Directory))) => add(
                Status::Fail,
                format!(
                    "{shown} is a directory (EISDIR): Docker creates one when a bind-mount source file is \
                     missing on the host. The client cannot read or save its config."
                ),
                format!(
                    "Remove it and mount the config directory, not the single file: rmdir {q} (then set \
                     CLAUDE_CONFIG_DIR to a mounted directory; ccauth explain config-persistence)."
                ),
            ),
            Err(LoadError::File(FileProblem::Unreadable(_))) if !own => {}
            Err(LoadError::Parse(why)) => add(
                Status::Fail,
                format!(
                    "{shown} does not parse ({why}). The client stops with \"Configuration Error … contains \
                     invalid JSON\" or starts over with a fresh config, losing onboarding, account and trust."
                ),
                restore_fix(ctx, &q),
            ),
            Err(LoadError::NotAnObject(kind)) => add(
                Status::Warn,
                format!(
                    "{shown} is valid JSON, but its top level is a{} {kind}, not an object: the client finds no \
                     onboarding flag, account, trusted folders or approved keys in it.",
                    if kind.starts_with('a') { "n" } else { "" }
                ),
                format!(
                    "Look at it before anything else replaces it: less {q}. If it should hold Claude Code's \
                     settings, restore a backup from the config dir's backups/ folder."
                ),
            ),
            Err(LoadError::Unjudged(why)) => add(
                Status::Warn,
                format!(
                    "ccauth could not judge {shown} ({why}); it is not called broken, and nothing rewrites it."
                ),
                format!(
                    "Check that the client reads it (claude -p hi), and keep a copy before editing it: cp {q} {q}.kept"
                ),
            ),
            Err(LoadError::Empty) => add(
                Status::Warn,
                format!(
                    "{shown} is empty: the client treats it as new, so onboarding and approvals start over."
                ),
                restore_fix(ctx, &q),
            ),
            Err(other) => add(
                Status::Fail,
                format!("{shown} {}.", other.describe()),
                format!("Make it a readable regular file again, or remove it: rm {q}"),
            ),
            Ok(_) => {}
        }
        if own
            && ctx
                .meta
                .config_file
                .as_ref()
                .is_some_and(|m| m.kind == FileKind::Regular && !m.writable)
        {
            add(
                Status::Fail,
                format!(
                    "{shown} is not writable by uid {uid} (mode {:04o}).",
                    ctx.meta.config_file.as_ref().map_or(0, |m| m.mode)
                ),
                format!("chmod u+rw {q}"),
            );
        }
        if let Some(dir) = &ctx.meta.config_file_dir
            && dir.uid == uid
            && !dir.writable
        {
            let parent = path
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            add(
                Status::Fail,
                format!(
                    "{parent} is not writable: the client writes its config to a temporary file there and renames \
                     it over {shown}, so every save fails."
                ),
                format!("chmod u+w {}", shell_quote(&parent)),
            );
        }
        if let Ok(table) = &ctx.mounts {
            if table.at(path).is_some() {
                add(
                    Status::Fail,
                    format!(
                        "{shown} is itself a mount point (a single-file bind mount): the client's rename onto it \
                         fails with EBUSY (\"resource busy or locked\"), and host-side rewrites leave the container \
                         holding a stale copy."
                    ),
                    "Mount the directory instead (a named volume with CLAUDE_CONFIG_DIR pointing at it), or copy \
                     the file in at start from a read-only staging path."
                        .to_string(),
                );
            }
            if let Some(mount) = table.covering(path).filter(|m| m.read_only) {
                add(
                    Status::Fail,
                    format!(
                        "{shown} is on a read-only mount ({}): every save fails with EROFS.",
                        mount.mount_point.display()
                    ),
                    "Mount it read-write, or point CLAUDE_CONFIG_DIR at a writable volume."
                        .to_string(),
                );
            }
        }
        let evidence = (&ctx.meta.config_file, &ctx.backups);
        let Some(finding) = Finding::from_tuples(&problems) else {
            let state = if matches!(&config.content, Err(e) if e.is_missing()) {
                "does not exist yet; the client will create it"
            } else {
                "parses and can be rewritten"
            };
            return Finding::pass(format!("{shown} {state}.")).with("file", evidence.0);
        };
        finding.with("file", evidence.0).with("backups", evidence.1)
    }

    fn repairs(&self, ctx: &Context, _finding: &Finding) -> Vec<Repair> {
        let Some(config) = ctx.effective_config() else {
            return Vec::new();
        };
        // Only a file the client itself cannot read is replaced: a duplicate
        // key, an odd value or a top level that is not an object is valid JSON.
        let broken = config.content.as_ref().is_err_and(LoadError::is_broken);
        let Some(backup) = ctx.backups.iter().find(|b| b.parses).filter(|_| broken) else {
            return Vec::new();
        };
        vec![Repair {
            summary: format!(
                "restore {} over the broken {}",
                backup.path.display(),
                config.path.display()
            ),
            needs_naming: true,
            action: Action::RestoreBackup {
                path: config.path.clone(),
                backup: backup.path.clone(),
            },
        }]
    }
}

/// Restore the newest backup that parses, or start afresh.
fn restore_fix(ctx: &Context, quoted_path: &str) -> String {
    match ctx.backups.iter().find(|b| b.parses) {
        Some(backup) => format!(
            "Restore the newest backup that parses (keep the broken file aside):\n  \
             cp {quoted_path} {quoted_path}.broken && cp {} {quoted_path}",
            shell_quote(&backup.path.display().to_string())
        ),
        None => format!(
            "No backup that parses was found. Fix the file by hand at the line and column shown, or move it aside \
             and start afresh: mv {quoted_path} {quoted_path}.broken"
        ),
    }
}
