//! `config-file`: the client must be able to read and rewrite its config file.

use super::repair::{Action, Repair};
use super::{Category, Check, Finding, Place, Problem, Status, bind_dir, mount_place, shell_quote};
use crate::gather::Context;
use crate::gather::claude_state::LoadError;
use crate::gather::fsread::FileKind;
use crate::gather::fsread::FileProblem;
use crate::gather::mountinfo::MountTable;
use std::path::Path;

/// Judges the effective `.claude.json`: type, syntax, access, mounts.
pub(crate) struct ConfigFile;

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
        self.judge(ctx)
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
        let mut problems: Vec<Problem> = Vec::new();
        if ctx.legacy_shadows
            && let Some(normal) = &ctx.claude_json
        {
            let problem = Problem::warn(
                "two-config-files",
                format!(
                    "Two config files exist: the client reads the legacy {shown} and ignores {}, so changes to \
                     the latter have no effect (claude 2.1.332 prints \"Two Claude Code config files exist\").",
                    normal.path.display()
                ),
                format!(
                    "Merge what you need into one file and remove the other (usually: rm {q})."
                ),
            );
            problems.push(problem.at(Place::file(path)).at(Place::file(&normal.path)));
        }
        let mut add = |status, kind: &str, cause: String, fix: String| {
            problems.push(Problem::of(status, kind, cause, fix).at(Place::file(path)));
        };
        let own = ctx.meta.config_file.as_ref().is_none_or(|m| m.uid == uid);
        match &config.content {
            Err(LoadError::File(FileProblem::Missing)) => {}
            Err(LoadError::File(FileProblem::NotAFile(FileKind::Directory))) => add(
                Status::Fail,
                "is-a-directory",
                format!(
                    "{shown} is a directory (EISDIR): {} The client cannot read or save its config.",
                    bind_dir::why(ctx, path)
                ),
                bind_dir::fix(ctx, path, Some("{}")),
            ),
            Err(LoadError::File(FileProblem::Unreadable(_))) if !own => {}
            Err(LoadError::Parse(why)) => add(
                Status::Fail,
                "parse-error",
                format!(
                    "{shown} does not parse ({why}). The client stops with \"Configuration Error … contains \
                     invalid JSON\" or starts over with a fresh config, losing onboarding, account and trust."
                ),
                restore_fix(ctx, &q),
            ),
            Err(LoadError::NotAnObject(kind)) => add(
                Status::Warn,
                "not-an-object",
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
                "unjudged",
                format!(
                    "ccauth could not judge {shown} ({why}); it is not called broken, and nothing rewrites it."
                ),
                format!(
                    "Check that the client reads it (claude -p hi), and keep a copy before editing it: cp {q} {q}.kept"
                ),
            ),
            Err(LoadError::Empty) if ctx.legacy_config.is_some() => add(
                Status::Warn,
                "empty-legacy",
                format!(
                    "{shown} is an empty legacy config file that claude 2.1.332 reads instead of .claude.json \
                     (which is missing): its first save goes there, and from then on a .claude.json made \
                     by hand or by a tool is ignored (\"Two Claude Code config files exist\")."
                ),
                format!("It holds nothing: remove it, so the client uses .claude.json: rm {q}"),
            ),
            Err(LoadError::Empty) => add(
                Status::Warn,
                "empty",
                format!(
                    "{shown} is empty: the client treats it as new, so onboarding and approvals start over."
                ),
                restore_fix(ctx, &q),
            ),
            Err(other) => add(
                Status::Fail,
                "unreadable",
                format!("{shown} {}.", other.describe()),
                format!("Make it a readable regular file again, or remove it: rm {q}"),
            ),
            Ok(_) => {}
        }
        // On a read-only mount nothing is writable: read-only-mount says it once.
        let read_only = ctx
            .mounts
            .as_ref()
            .is_ok_and(|t| t.covering(path).is_some_and(|m| m.read_only));
        if own && !read_only {
            problems.extend(write_problems(ctx, path));
        }
        if let Ok(table) = &ctx.mounts {
            problems = problems
                .into_iter()
                .map(|p| match (p.kind(), table.at(path)) {
                    ("is-a-directory", Some(mount)) => p.at(mount_place(ctx, &mount)),
                    _ => p,
                })
                .collect();
            let directory = matches!(&config.content, Err(e) if e.is_directory());
            problems.extend(mount_problems(ctx, table, path, directory));
        }
        let evidence = (&ctx.meta.config_file, &ctx.backups);
        let Some(finding) = Finding::from_problems(problems.into_iter().map(|p| repaired(ctx, p)))
        else {
            let state = if matches!(&config.content, Err(e) if e.is_missing()) {
                "does not exist yet; the client will create it"
            } else {
                "parses and can be rewritten"
            };
            return Finding::pass(format!("{shown} {state}.")).with("file", evidence.0);
        };
        finding.with("file", evidence.0).with("backups", evidence.1)
    }
}

/// The restore `--fix=config-file` makes for a file the client itself
/// cannot read (it does not parse, or it is empty): a duplicate key, an odd
/// value or a top level that is not an object is valid JSON, and left alone.
fn repaired(ctx: &Context, problem: Problem) -> Problem {
    let broken = matches!(problem.kind(), "parse-error" | "empty");
    let config = ctx.effective_config();
    let backup = ctx.backups.iter().find(|b| b.parses);
    match (config, backup) {
        (Some(config), Some(backup)) if broken => {
            let repair = Repair::new(
                format!(
                    "restore {} over the broken {}",
                    backup.path.display(),
                    config.path.display()
                ),
                Action::RestoreBackup {
                    path: config.path.clone(),
                    backup: backup.path.clone(),
                },
            )
            .on_request();
            problem.repaired_by(repair)
        }
        _ => problem,
    }
}

/// A config file that is itself a mount point (unless it is a directory,
/// which is-a-directory covers), or on a read-only mount: the file and the
/// mount table's line are the places.
fn mount_problems(ctx: &Context, table: &MountTable, path: &Path, directory: bool) -> Vec<Problem> {
    let shown = path.display();
    let mut problems = Vec::new();
    // A directory mounted there is is-a-directory's cause, said once.
    if let Some(mount) = table.at(path).filter(|_| !directory) {
        problems.push(
            Problem::warn(
                "single-file-mount",
                format!(
                    "{shown} is itself a mount point (a single-file bind mount): the client's rename onto it \
                     fails with EBUSY, and claude 2.1.332 then rewrites the file in place, so saves still land \
                     (on the host too) and sign-in works. What is lost: the save is no longer atomic (a crash \
                     mid-write can cut the file short), and a host-side program that replaces the file (an \
                     editor, a host claude renaming its own copy over it) leaves the container on the old copy."
                ),
                "Mount the directory instead (a named volume with CLAUDE_CONFIG_DIR pointing at it), or copy \
                 the file in at start from a read-only staging path.",
            )
            .at(Place::file(path))
            .at(mount_place(ctx, &mount)),
        );
    }
    if let Some(mount) = table.covering(path).filter(|m| m.read_only) {
        problems.push(
            Problem::warn(
                "read-only-mount",
                format!(
                    "{shown} is on a read-only mount ({}): every save fails with EROFS, and claude 2.1.332 says \
                     nothing and carries on, so sign-in works, but what it would save is lost when it exits (the \
                     onboarding flag after a first run, a folder trusted, a key approved); only what the file \
                     already holds counts.",
                    mount.mount_point.display()
                ),
                "If a read-only, pre-seeded config is meant, make sure it already holds hasCompletedOnboarding and \
                 the trusted project; otherwise mount it read-write, or point CLAUDE_CONFIG_DIR at a writable \
                 volume.",
            )
            .at(Place::file(path))
            .at(mount_place(ctx, &mount)),
        );
    }
    problems
}

/// What a file or directory of this user's that cannot be written costs,
/// as 2.1.332 was seen to write (`claude auth status` as uid 1000 in
/// throwaway homes, 2026-12-02): a read-only file of its own in a writable
/// directory is still rewritten (mode kept), a writable file in a read-only
/// directory is rewritten in place (same inode), and with both read-only,
/// or no file in a read-only directory, nothing is saved and it carries on.
/// Each is a warning: sign-in works, state may not persist.
fn write_problems(ctx: &Context, path: &Path) -> Vec<Problem> {
    let shown = path.display();
    let q = shell_quote(&shown.to_string());
    let uid = ctx.user.uid;
    let file = ctx
        .meta
        .config_file
        .as_ref()
        .filter(|m| m.kind == FileKind::Regular);
    let file_writable = file.is_none_or(|m| m.writable);
    let parent = path.parent();
    let shown_parent = parent.map(|p| p.display().to_string()).unwrap_or_default();
    let dir_writable = ctx
        .meta
        .config_file_dir
        .as_ref()
        .is_none_or(|d| d.uid != uid || d.writable);
    let mode = file.map_or(0, |m| m.mode);
    let exists = ctx.meta.config_file.is_some();
    let problem = match (file.is_some(), file_writable, dir_writable) {
        (_, true, true) => return Vec::new(),
        // Not a regular file: is-a-directory or unreadable says it.
        (false, _, _) if exists => return Vec::new(),
        (true, false, true) => Problem::warn(
            "not-writable",
            format!(
                "{shown} is not writable by uid {uid} (mode {mode:04o}), but it is this user's and its directory \
                 is writable: claude 2.1.332 still rewrote such a file at its first save (keeping the mode), so \
                 the mode protects nothing and saves still land."
            ),
            format!(
                "If the file is meant to stay as it is, mount it read-only instead; else: chmod u+rw {q}"
            ),
        ),
        (true, false, false) => Problem::warn(
            "not-writable",
            format!(
                "{shown} is not writable by uid {uid} (mode {mode:04o}), and neither is {shown_parent}: every \
                 save fails, and the client carries on without saying so (as with a read-only mount, seen on \
                 2.1.332), so sign-in works but nothing it would save is kept."
            ),
            format!("chmod u+rw {q} {}", shell_quote(&shown_parent)),
        ),
        (true, true, false) => Problem::warn(
            "directory-not-writable",
            format!(
                "{shown_parent} is not writable: the client cannot put its temporary file beside {shown}, so \
                 claude 2.1.332 rewrites the file in place; saves still land and sign-in works, but not \
                 atomically (a crash mid-write can cut the file short)."
            ),
            format!(
                "chmod u+w {} (ccauth's own --fix keeps a backup beside the file, so it refuses until then)",
                shell_quote(&shown_parent)
            ),
        ),
        (false, _, _) => Problem::warn(
            "directory-not-writable",
            format!(
                "{shown_parent} is not writable and {shown} does not exist: the client cannot create it, so \
                 every save fails; as on a read-only mount (seen on 2.1.332) it carries on, so sign-in works, \
                 but the onboarding flag, trusted folders and approved keys are never kept."
            ),
            format!("chmod u+w {}", shell_quote(&shown_parent)),
        ),
    };
    let dir_place = parent.filter(|_| !dir_writable).map(Place::file);
    vec![problem.at(Place::file(path)).at_all(dir_place)]
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
