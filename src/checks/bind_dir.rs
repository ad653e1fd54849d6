//! A state file (`.claude.json`, `.credentials.json`) that is a directory
//! because a bind mount's source file was missing on the host: Docker then
//! creates a directory there and mounts it.
//!
//! The fix is on the host. Inside the container the directory is a mount
//! point, and `rmdir` fails with "Device or resource busy". Every check that
//! meets such a file words it here, so none suggests removing it from inside
//! or editing it with `jq`.

use super::{launch, shell_quote};
use crate::gather::Context;
use crate::gather::mountinfo::{HostOs, HostPath};
use std::path::Path;

/// The host side of a bind mount placed exactly at `path`, when there is one.
fn mounted_from(ctx: &Context, path: &Path) -> Option<HostPath> {
    let table = ctx.mounts.as_ref().ok()?;
    table.at(path).map(|m| m.host_path(path))
}

/// A backslash in a Unix host's path: a Windows path (`.\.claude.json`) in a
/// compose file or `docker run -v` used on a Unix host, where `\` is part of
/// the name, not a separator (the mount table shows it as `\134`).
fn windows_path_on_unix(host: &HostPath) -> bool {
    host.os != Some(HostOs::Windows) && host.shown.contains('\\')
}

/// Why `path` is a directory, after "… is a directory (EISDIR):".
pub(crate) fn why(ctx: &Context, path: &Path) -> String {
    let Some(host) = mounted_from(ctx, path) else {
        return "Docker creates one when a bind-mount source file is missing on the host."
            .to_string();
    };
    let windows = if windows_path_on_unix(&host) {
        " The source has a backslash: a Windows path (like .\\.claude.json) used on a Unix host, where \\ is a \
         character of the name, so Docker looked for a file of that odd name, found none and made the directory."
    } else {
        ""
    };
    format!(
        "it is a bind mount of {}, a directory Docker created on the host because the source file was \
         missing.{windows}",
        host.shown
    )
}

/// What to do about `path` being a directory; `content` is what a new file
/// should hold (`{}`), `None` for a file only a sign-in writes.
pub(crate) fn fix(ctx: &Context, path: &Path, content: Option<&str>) -> String {
    let name = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let config_dir = ctx
        .paths
        .config_dir
        .as_deref()
        .map_or("/home/node/.claude".to_string(), |d| {
            d.display().to_string()
        });
    let instead = format!(
        "mount a directory instead of the single file and set CLAUDE_CONFIG_DIR={config_dir} for the \
         container, so the client keeps {name} inside it: {}",
        launch::mount(
            &ctx.launch,
            &launch::host_home(&ctx.launch, ".claude"),
            &config_dir
        )
    );
    let Some(host) = mounted_from(ctx, path) else {
        let p = shell_quote(&path.display().to_string());
        let create = content.map_or(String::new(), |c| {
            format!(" && (umask 077 && echo '{c}' > {p})")
        });
        return format!(
            "Remove the directory and create the file:\n  rmdir {p}{create}\nBetter, {instead}."
        );
    };
    let shown = shell_quote(&host.shown);
    let create = if windows_path_on_unix(&host) {
        format!(
            "write the mount's source with forward slashes (./{name}, not .\\{name}), remove the directory \
             Docker made ({shown}), and create the file there"
        )
    } else if host.os == Some(HostOs::Windows) {
        format!(
            "remove the folder {} Docker made and create {name} there as a file",
            host.shown
        )
    } else {
        match content {
            Some(c) => format!(
                "remove the directory Docker made and create the file before the container starts:\n  \
                 rmdir {shown} && (umask 077 && echo '{c}' > {shown})\n"
            ),
            None => format!("remove the directory Docker made:\n  rmdir {shown}\n"),
        }
    };
    format!(
        "On the host, not in here: {} is a mount point, where rmdir fails with \"Device or resource busy\". \
         Either {create}, then {}; or {instead}.",
        path.display(),
        launch::restart(&ctx.launch)
    )
}
