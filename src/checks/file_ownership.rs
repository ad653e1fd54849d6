//! `file-ownership`: Claude Code's files and folders belong to another uid and
//! this process cannot write them.

use super::{Category, Check, Finding, Place, Problem, launch};
use crate::gather::Context;
use crate::gather::fsread::FileMeta;
use std::path::PathBuf;

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
                "the config file",
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
        if blocked.is_empty() {
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
        Finding::problem(problem).with("paths", evidence)
    }
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
