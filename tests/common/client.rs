//! The real client (npm `@anthropic-ai/claude-code`, pinned), installed once
//! into a cache (`$CCAUTH_CLIENT_CACHE`, else `~/.cache/ccauth/`) for the
//! suites that run it offline in throwaway homes (`tests/conformance.rs`,
//! `tests/interactive.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The client version the rules were read from.
pub const CLIENT_VERSION: &str = "2.1.332";

/// Writes a line past the test harness's capture on purpose: a skip must be
/// seen.
pub fn say(suite: &str, line: &str) {
    let _ = writeln!(std::io::stderr(), "{suite}: {line}");
}

/// The pinned client, installed on first use; why not, when it cannot be.
pub fn client(suite: &str) -> Result<PathBuf, String> {
    let cache = std::env::var_os("CCAUTH_CLIENT_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/ccauth")))
        .ok_or("no HOME and no CCAUTH_CLIENT_CACHE to cache the client in")?
        .join(format!("claude-code-{CLIENT_VERSION}"));
    let bin = cache.join("node_modules/.bin/claude");
    if !bin.exists() {
        say(
            suite,
            &format!(
                "installing @anthropic-ai/claude-code@{CLIENT_VERSION} into {}",
                cache.display()
            ),
        );
        install(&cache)?;
    }
    let version = Command::new(&bin)
        .arg("--version")
        .env_clear()
        .output()
        .map_err(|e| format!("{} does not run: {e}", bin.display()))?;
    let shown = String::from_utf8_lossy(&version.stdout);
    if !shown.contains(CLIENT_VERSION) {
        return Err(format!("{} reports version {shown:?}", bin.display()));
    }
    Ok(bin)
}

/// `npm install` of the pinned version into `cache`.
fn install(cache: &Path) -> Result<(), String> {
    std::fs::create_dir_all(cache).map_err(|e| e.to_string())?;
    let out = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(cache)
        .arg(format!("@anthropic-ai/claude-code@{CLIENT_VERSION}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("npm could not be started: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    Err(format!(
        "npm install failed: {}",
        err.lines().last().unwrap_or("")
    ))
}
