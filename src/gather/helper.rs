//! The program an `apiKeyHelper` command would start, found without running it.
//!
//! The client runs the helper through a shell; what can be judged without
//! running it is the first word: does that program exist, and may this user
//! execute it?

use super::claude_state::SettingsLayer;
use super::env::Env;
use super::fsread;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One `apiKeyHelper`'s program.
#[derive(Clone, Debug, Serialize)]
pub struct HelperProgram {
    /// The settings file that names it.
    pub settings: PathBuf,
    /// The first word of the command, as written.
    pub program: String,
    /// Where it was found, if it was.
    pub resolved: Option<PathBuf>,
    /// It exists and this user may execute it.
    pub executable: bool,
}

/// Resolves the program of every `apiKeyHelper` in the settings layers.
pub fn resolve_helpers(
    settings: &[SettingsLayer],
    env: &Env,
    workspace: &Path,
    home: Option<&Path>,
) -> Vec<HelperProgram> {
    settings
        .iter()
        .filter_map(|layer| {
            let command = layer.file.ok()?.api_key_helper.as_ref()?;
            let program = first_word(command.expose())?;
            let resolved = locate(&program, env, workspace, home);
            let executable = resolved
                .as_deref()
                .is_some_and(|p| p.is_file() && fsread::may(p, rustix::fs::Access::EXEC_OK));
            Some(HelperProgram {
                settings: layer.file.path.clone(),
                program,
                resolved,
                executable,
            })
        })
        .collect()
}

/// The first shell word, with simple quotes removed; `None` for an empty command.
pub fn first_word(command: &str) -> Option<String> {
    let trimmed = command.trim_start();
    let word = match trimmed.chars().next()? {
        quote @ ('"' | '\'') => trimmed[1..].split(quote).next().unwrap_or(""),
        _ => trimmed
            .split(|c: char| c.is_whitespace() || ";|&<>()".contains(c))
            .next()
            .unwrap_or(""),
    };
    (!word.is_empty()).then(|| word.to_string())
}

fn locate(program: &str, env: &Env, workspace: &Path, home: Option<&Path>) -> Option<PathBuf> {
    if let Some(rest) = program.strip_prefix("~/") {
        return home.map(|h| h.join(rest));
    }
    if program.contains('/') {
        let path = Path::new(program);
        return Some(if path.is_absolute() {
            path.to_path_buf()
        } else {
            workspace.join(path)
        });
    }
    let path_var = env.absolute_path()?;
    which::which_in(program, Some(path_var), workspace).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_word_handles_quotes_and_operators() {
        assert_eq!(
            first_word("  /usr/bin/get-key --vault x").as_deref(),
            Some("/usr/bin/get-key")
        );
        assert_eq!(
            first_word("'/opt/my tools/key' a").as_deref(),
            Some("/opt/my tools/key")
        );
        assert_eq!(first_word("op read x|tr -d").as_deref(), Some("op"));
        assert_eq!(first_word("   "), None);
    }
}
