//! The `claude` binary on PATH and its version, read without running it.
//!
//! npm installs link `<prefix>/bin/claude` into
//! `…/node_modules/@anthropic-ai/claude-code/`, whose `package.json` names the
//! version; the native installer links `~/.local/bin/claude` to
//! `~/.local/share/claude/versions/<version>`.

use super::env::Env;
use super::fsread;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The npm package of the client.
const PACKAGE_NAME: &str = "@anthropic-ai/claude-code";

/// One `claude` found on PATH.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ClaudeInstall {
    /// The PATH entry that was found.
    pub(crate) path: PathBuf,
    /// The file it resolves to.
    pub(crate) resolved: Option<PathBuf>,
    /// The version, when a package.json or versions directory names it.
    pub(crate) version: Option<String>,
    /// How it was installed, as far as its path tells.
    pub(crate) method: InstallMethod,
}

/// How a `claude` binary was installed. JSON spells it `npm`, `native` or
/// `unknown` (the report schema lists them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum InstallMethod {
    /// `npm install -g @anthropic-ai/claude-code`.
    Npm,
    /// The native installer (`~/.local/share/claude/versions/<version>`).
    Native,
    /// Neither layout: a copy, a wrapper script, a distribution package.
    Unknown,
}

impl InstallMethod {
    /// The word reports and JSON use: "npm", "native", "unknown".
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            InstallMethod::Npm => "npm",
            InstallMethod::Native => "native",
            InstallMethod::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for InstallMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every `claude` in the absolute entries of the snapshot's PATH, first one
/// first (see [`Env::absolute_path`] for why relative entries are left out).
pub(crate) fn find_claude(env: &Env, cwd: &Path) -> Vec<ClaudeInstall> {
    let Some(path_var) = env.absolute_path() else {
        return Vec::new();
    };
    let Ok(found) = which::which_in_all("claude", Some(path_var), cwd) else {
        return Vec::new();
    };
    found.map(|path| describe(&path)).collect()
}

fn describe(path: &Path) -> ClaudeInstall {
    let resolved = std::fs::canonicalize(path).ok();
    let (version, method) = resolved
        .as_deref()
        .map_or((None, InstallMethod::Unknown), version_of);
    ClaudeInstall {
        path: path.to_path_buf(),
        resolved,
        version,
        method,
    }
}

fn version_of(binary: &Path) -> (Option<String>, InstallMethod) {
    if let Some(version) = npm_package_version(binary) {
        return (Some(version), InstallMethod::Npm);
    }
    let parent_is_versions = binary
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "versions");
    let name = binary.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if parent_is_versions && looks_like_version(name) {
        return (Some(name.to_string()), InstallMethod::Native);
    }
    (None, InstallMethod::Unknown)
}

/// Walks up from the binary to the client's own `package.json`.
fn npm_package_version(binary: &Path) -> Option<String> {
    binary.ancestors().skip(1).take(4).find_map(|dir| {
        let text = fsread::read_text_bounded(&dir.join("package.json"), 1 << 20).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        let name = json.get("name")?.as_str()?;
        if name != PACKAGE_NAME {
            return None;
        }
        json.get("version")?.as_str().map(String::from)
    })
}

fn looks_like_version(name: &str) -> bool {
    parse_version(name).is_some()
}

/// `"2.1.332"` → `(2, 1, 332)`; anything else → `None`.
pub(crate) fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u32>().ok());
    let version = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn executable(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn reads_npm_and_native_versions() {
        let root = tempfile::tempdir().unwrap();
        let pkg = root
            .path()
            .join("lib/node_modules/@anthropic-ai/claude-code");
        executable(&pkg.join("bin/claude.exe"));
        std::fs::write(
            pkg.join("package.json"),
            r#"{"name":"@anthropic-ai/claude-code","version":"2.1.332"}"#,
        )
        .unwrap();
        std::fs::create_dir_all(root.path().join("npm-bin")).unwrap();
        std::os::unix::fs::symlink(
            pkg.join("bin/claude.exe"),
            root.path().join("npm-bin/claude"),
        )
        .unwrap();
        let native = root.path().join("share/claude/versions/2.1.240");
        executable(&native);
        std::fs::create_dir_all(root.path().join("local-bin")).unwrap();
        std::os::unix::fs::symlink(&native, root.path().join("local-bin/claude")).unwrap();

        let path = format!(
            "{}:{}",
            root.path().join("npm-bin").display(),
            root.path().join("local-bin").display()
        );
        let env: Env = [("PATH".to_string(), path)].into_iter().collect();
        let found = find_claude(&env, root.path());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].version.as_deref(), Some("2.1.332"));
        assert_eq!(found[0].method, InstallMethod::Npm);
        assert_eq!(found[1].version.as_deref(), Some("2.1.240"));
        assert_eq!(found[1].method, InstallMethod::Native);
        let json = serde_json::to_value(&found[0]).unwrap();
        assert_eq!(json["method"], "npm");
        let back: ClaudeInstall = serde_json::from_value(json).unwrap();
        assert_eq!(back, found[0]);
    }
}
