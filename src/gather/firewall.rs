//! Firewall scripts of the kind the reference devcontainer runs, with the
//! allow-list sources they read besides their own text.
//!
//! The reference `init-firewall.sh` keeps its domains inline, but copies and
//! devcontainer Features take more from elsewhere: a config file the script
//! sources (w3cj/devcontainer-features' `firewall` Feature writes its
//! `hosts` option into `/usr/local/bin/firewall-config.sh` as
//! `ALLOWED_HOSTS=…`), a domains file it reads line by line, or a variable
//! it expands (`${EXTRA_ALLOWED_DOMAINS:-}`) whose value a Feature or the
//! image put in `/etc/environment`, which `sudo` passes on through
//! `pam_env`. Gathering finds those by their names only, reads them bounded,
//! and never runs the script.

use super::claude_state::{LoadError, Loaded};
use super::env::Env;
use super::fsread;
use super::system;
use std::path::{Path, PathBuf};

/// A script, and its allow-list texts are read this far.
const TEXT_LIMIT: u64 = 1 << 20;
/// At most this many extra files per script.
const MAX_EXTRA_FILES: usize = 8;
/// Words in a file or variable name that mark it as part of an allow list.
const LIST_WORDS: &[&str] = &["DOMAIN", "ALLOW", "WHITELIST", "FIREWALL", "HOSTS"];
/// Extensions a file holding domains may have (none is fine too); logs and
/// hashes are not lists.
const LIST_EXTENSIONS: &[&str] = &[
    "txt", "conf", "cfg", "list", "sh", "env", "json", "yaml", "yml",
];
/// Where a Feature or image leaves variables for every login and `sudo`.
pub(crate) const ETC_ENVIRONMENT: &str = "/etc/environment";

/// One firewall script and the allow-list sources it reads.
#[derive(Clone, Debug)]
pub(crate) struct FirewallScript {
    /// The script itself.
    pub(crate) script: Loaded<String>,
    /// Files it reads and variables it expands, with their text.
    pub(crate) extras: Vec<Extra>,
}

/// One allow-list source a script reads besides its own text.
#[derive(Clone, Debug)]
pub(crate) struct Extra {
    /// Where it comes from.
    pub(crate) source: ExtraSource,
    /// Its text: the file's content or the variable's value.
    pub(crate) text: String,
}

/// Where an extra allow-list text comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum ExtraSource {
    /// A file the script names (an absolute path, or a name next to it).
    File {
        /// The file.
        path: PathBuf,
    },
    /// A variable the script expands, set in this process's environment
    /// (the container's `containerEnv`, say).
    ProcessEnv {
        /// The variable.
        name: String,
    },
    /// A variable the script expands, set in `/etc/environment`.
    EtcEnvironment {
        /// The variable.
        name: String,
        /// The file.
        path: PathBuf,
    },
}

/// Reads each script that exists, with its extras.
pub(crate) fn read_scripts(paths: Vec<PathBuf>, sysroot: &Path, env: &Env) -> Vec<FirewallScript> {
    let etc_environment = system::under(sysroot, ETC_ENVIRONMENT);
    let etc_vars = fsread::read_text_bounded(&etc_environment, TEXT_LIMIT)
        .map(|t| parse_environment(&t))
        .unwrap_or_default();
    paths
        .into_iter()
        .filter(|p| p.is_file())
        .map(|path| {
            let content = fsread::read_text_bounded(&path, TEXT_LIMIT).map_err(LoadError::File);
            let extras = content.as_ref().map_or_else(
                |_| Vec::new(),
                |text| {
                    let mut extras = extra_files(text, &path, sysroot);
                    extras.extend(extra_variables(text, env, &etc_vars, &etc_environment));
                    extras
                },
            );
            FirewallScript {
                script: Loaded { path, content },
                extras,
            }
        })
        .collect()
}

/// True for a name that reads like part of an allow list.
fn names_a_list(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    LIST_WORDS.iter().any(|w| upper.contains(w))
}

/// The files a script names whose file name reads like an allow list: an
/// absolute path (under the sysroot), or a name after `$VAR/` or
/// `$(dirname …)/`, looked for next to the script.
fn extra_files(text: &str, script: &Path, sysroot: &Path) -> Vec<Extra> {
    let mut found: Vec<PathBuf> = Vec::new();
    let words = text.split(|c: char| c.is_whitespace() || "\"'=<>;()`|&".contains(c));
    for word in words.filter(|w| w.contains('/')) {
        let name = word.rsplit('/').next().unwrap_or_default();
        let extension = Path::new(name).extension().and_then(|e| e.to_str());
        let listed = extension.is_none_or(|e| LIST_EXTENSIONS.contains(&e));
        let own = script.file_name().is_some_and(|n| n == name);
        let odd = name.is_empty() || name == "hosts" || name.contains(['$', '*', '{', '}']);
        if odd || own || !names_a_list(name) || !listed {
            continue;
        }
        let path = if word.starts_with('/') && !word.contains('$') {
            system::under(sysroot, word)
        } else {
            script.with_file_name(name)
        };
        if !found.contains(&path) && path.is_file() {
            found.push(path);
        }
    }
    found
        .into_iter()
        .take(MAX_EXTRA_FILES)
        .filter_map(|path| {
            let text = fsread::read_text_bounded(&path, TEXT_LIMIT).ok()?;
            Some(Extra {
                source: ExtraSource::File { path },
                text,
            })
        })
        .collect()
}

/// The variables a script expands (`$NAME`, `${NAME…}`) whose name reads
/// like an allow list, with their value here or in `/etc/environment`.
fn extra_variables(
    text: &str,
    env: &Env,
    etc_vars: &[(String, String)],
    etc_environment: &Path,
) -> Vec<Extra> {
    let mut extras = Vec::new();
    for name in expanded_names(text).into_iter().filter(|n| names_a_list(n)) {
        if let Some(value) = env.get(&name).filter(|v| !v.trim().is_empty()) {
            extras.push(Extra {
                text: value.to_string(),
                source: ExtraSource::ProcessEnv { name: name.clone() },
            });
        }
        if let Some((_, value)) = etc_vars.iter().find(|(n, _)| *n == name) {
            extras.push(Extra {
                text: value.clone(),
                source: ExtraSource::EtcEnvironment {
                    name,
                    path: etc_environment.to_path_buf(),
                },
            });
        }
    }
    extras
}

/// The names of the variables a shell text expands, once each, in order.
fn expanded_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for piece in text.split('$').skip(1) {
        let piece = piece.strip_prefix('{').unwrap_or(piece);
        let name: String = piece
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if valid && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// `NAME=value` lines of `/etc/environment` (pam_env's simple form), with
/// one pair of surrounding quotes removed; comments and other lines skipped.
fn parse_environment(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (name, value) = line.split_once('=')?;
            let name = name.trim();
            let simple =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let value = value.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q)?.strip_suffix(*q))
                .unwrap_or(value);
            (simple && !line.starts_with('#')).then(|| (name.to_string(), unquoted.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expanded_names_are_found_once() {
        let text = "a=${EXTRA_DOMAINS:-x} $HOME \"$EXTRA_DOMAINS\" $1 ${#arr[@]} $(dirname \"$0\")";
        assert_eq!(expanded_names(text), ["EXTRA_DOMAINS", "HOME"]);
    }

    #[test]
    fn etc_environment_lines_are_unquoted() {
        let vars = parse_environment(
            "# c\nPATH=\"/usr/bin\"\nFIREWALL_ALLOWED_DOMAINS='claude.ai platform.claude.com'\nbad line\n",
        );
        assert_eq!(
            vars,
            [
                ("PATH".to_string(), "/usr/bin".to_string()),
                (
                    "FIREWALL_ALLOWED_DOMAINS".to_string(),
                    "claude.ai platform.claude.com".to_string()
                ),
            ]
        );
    }

    #[test]
    fn list_files_are_told_by_their_names() {
        assert!(names_a_list("firewall-config.sh"));
        assert!(names_a_list("allowed-domains.txt"));
        assert!(!names_a_list("resolv.conf"));
    }
}
