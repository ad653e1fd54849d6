//! `file-ownership`: Claude Code's files and folders belong to another uid and
//! this process cannot write them.

use super::{Category, Check, Finding, Place, Problem, launch, shell_quote};
use crate::gather::Context;
use crate::gather::fsread::FileMeta;
use std::path::{Path, PathBuf};

/// Fails when a state path is owned by another uid and not writable here.
pub(crate) struct FileOwnership;

impl Check for FileOwnership {
    fn id(&self) -> &'static str {
        "file-ownership"
    }

    fn title(&self) -> &'static str {
        "Claude Code's files belong to this user"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/file-ownership.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let uid = ctx.user.uid;
        let places: Vec<(&str, Option<&PathBuf>, Option<&FileMeta>)> = vec![
            ("HOME", ctx.paths.home.as_ref(), ctx.meta.home.as_ref()),
            (
                "the config dir",
                ctx.paths.config_dir.as_ref(),
                ctx.meta.config_dir.as_ref(),
            ),
            (
                CONFIG_FILE,
                ctx.effective_config().map(|c| &c.path),
                ctx.meta.config_file.as_ref(),
            ),
            (
                "the credentials file",
                ctx.paths.credentials.as_ref(),
                ctx.meta.credentials.as_ref(),
            ),
        ];
        let mut blocked = Vec::new();
        let mut replaced = None;
        let mut foreign_but_writable = Vec::new();
        for (what, path, meta) in &places {
            let (Some(path), Some(meta)) = (path, meta) else {
                continue;
            };
            if meta.uid == uid {
                continue;
            }
            let line = format!(
                "{what} {} is owned by uid {}, you are uid {uid}",
                path.display(),
                meta.uid
            );
            if meta.writable {
                foreign_but_writable.push(line);
            } else if *what == CONFIG_FILE && config_dir_writable(ctx) {
                replaced = Some(replaced_config(ctx, path, meta, line));
            } else {
                blocked.push((line, Place::file(path)));
            }
        }
        let evidence: Vec<_> = places
            .iter()
            .filter_map(|(what, path, meta)| {
                let (path, meta) = ((*path)?, (*meta)?);
                Some(serde_json::json!({"what": what, "path": path, "uid": meta.uid, "writable": meta.writable}))
            })
            .collect();
        if blocked.is_empty() && replaced.is_none() {
            let cause = if foreign_but_writable.is_empty() {
                format!("Everything that exists is owned by uid {uid}.")
            } else {
                format!(
                    "{}, but this process can write there.",
                    foreign_but_writable.join("; ")
                )
            };
            return Finding::pass(cause).with("paths", evidence);
        }
        let problems = blocked_problem(ctx, blocked).into_iter().chain(replaced);
        Finding::from_problems(problems)
            .unwrap_or_else(|| Finding::skip("no place was judged"))
            .with("paths", evidence)
    }
}

/// How the places name the config file.
const CONFIG_FILE: &str = "the config file";

/// The directory the config file is renamed into can be written here.
fn config_dir_writable(ctx: &Context) -> bool {
    ctx.meta
        .config_file_dir
        .as_ref()
        .is_some_and(|d| d.writable)
}

/// A config file of another uid in a directory this process can write:
/// 2.1.332 was seen (tmux, throwaway home; and `claude auth status` as uid
/// 1000, 2026-12-02: a new inode of uid 1000 for both a 0600 and a 0644
/// file of uid 501) to replace it with a new file of its own, so what it held is lost when the client could not read it, and
/// the owner loses the file when it could.
fn replaced_config(ctx: &Context, path: &Path, meta: &FileMeta, line: String) -> Problem {
    let uid = ctx.user.uid;
    let q = shell_quote(&path.display().to_string());
    let cause = if meta.readable {
        format!(
            "{line}, and you cannot write it, but you can write its directory: the client renames a new file \
             over it at its first save (seen on 2.1.332), so the content stays but the file becomes uid {uid}'s (uid {} may no \
             longer read it, e.g. through a bind mount from the host).",
            meta.uid
        )
    } else {
        format!(
            "{line}, and you can neither read nor write it, but you can write its directory: the client \
             starts as on a first run and replaces the file with a new one of uid {uid}'s at its first save \
             (seen on 2.1.332): what it held (onboarding, trusted folders, approved keys, the account) is lost."
        )
    };
    Problem::warn(
        "config-replaced",
        cause,
        format!(
            "Before claude runs, keep a copy as its owner (cp {q} {q}.kept) and make the uids agree:\n  • {}",
            fix(ctx).trim_start_matches("Make the uids agree:\n  • ")
        ),
    )
    .at(Place::file(path))
}

/// The places this process can neither write nor work around.
fn blocked_problem(ctx: &Context, blocked: Vec<(String, Place)>) -> Option<Problem> {
    if blocked.is_empty() {
        return None;
    }
    let described: Vec<&str> = blocked.iter().map(|(d, _)| d.as_str()).collect();
    let problem = Problem::fail(
            "foreign-owner",
            format!(
                "{}, and you cannot write there: the client cannot save its config or refreshed tokens (EACCES: \
                 permission denied), or cannot even create ~/.claude/debug.",
                described.join("; ")
            ),
            fix(ctx),
        )
        .at_all(blocked.into_iter().map(|(_, place)| place));
    Some(problem)
}

/// Making the uids agree, the first way in the launcher's own terms.
fn fix(ctx: &Context) -> String {
    format!(
        "Make the uids agree:\n  \
         • run claude as the owner: {};\n  \
         • or chown in the image: RUN mkdir -p /home/node/.claude && chown -R node:node /home/node/.claude;\n  \
         • with rootless Podman: --userns=keep-id;\n  \
         • prefer a named volume over a bind mount of the host's ~/.claude (macOS users are uid 501, image users \
         1000).",
        launch::run_as_user(&ctx.launch, "<owner>")
    )
}
