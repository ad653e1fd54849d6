//! The program an `apiKeyHelper` command would start, found without running it,
//! and (under `--online` only) the run itself.
//!
//! The client runs the helper through a shell; what can be judged without
//! running it is the first word: does that program exist, and may this user
//! execute it? A helper from a folder whose trust dialog was never accepted
//! is never run; any other runs in its own process group, within the probe
//! timeout, and the whole group is killed when it is over.

use super::claude_state::SettingsLayer;
use super::env::Env;
use super::fsread;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One `apiKeyHelper`'s program.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct HelperProgram {
    /// The settings file that names it.
    pub(crate) settings: PathBuf,
    /// The first word of the command, as written.
    pub(crate) program: String,
    /// Where it was found, if it was.
    pub(crate) resolved: Option<PathBuf>,
    /// It exists and this user may execute it.
    pub(crate) executable: bool,
}

/// Resolves the program of every `apiKeyHelper` in the settings layers.
pub(crate) fn resolve_helpers(
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

#[cfg(feature = "online")]
pub(crate) use running::run;

#[cfg(feature = "online")]
mod running {
    use crate::secret::Secret;
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// A key is one line; output past this is never read.
    const OUTPUT_LIMIT: u64 = 64 << 10;
    /// How long the output may take to arrive once the helper has exited.
    const GRACE: Duration = Duration::from_millis(200);

    /// Runs the command through `sh -c` in a new process group and takes the
    /// first line it prints as the key. Its output is read on a thread, up to
    /// [`OUTPUT_LIMIT`], so neither an endless printer nor a grandchild that
    /// keeps the pipe open can hold ccauth past `timeout`; when the helper is
    /// done, or out of time, the whole group is killed, grandchildren too.
    pub(crate) fn run(command: &Secret, timeout: Duration) -> Result<Secret, String> {
        let deadline = Instant::now() + timeout;
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command.expose())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("the apiKeyHelper could not start: {e}"))?;
        let output = read_on_a_thread(&mut child);
        let status = wait_until(&mut child, deadline);
        // Killing the group first closes the pipe a grandchild may still hold.
        kill_group(&mut child);
        let printed = status
            .as_ref()
            .and_then(|_| output.recv_timeout(remaining(deadline).max(GRACE)).ok());
        let waited = format!("{:.1} s", timeout.as_secs_f64());
        let (Some(status), Some(printed)) = (status, printed) else {
            return Err(format!(
                "the apiKeyHelper did not finish within {waited} (--timeout); it and everything it started were stopped"
            ));
        };
        let key = String::from_utf8_lossy(&printed)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        match (status.success(), key.is_empty()) {
            (true, false) => Ok(Secret::new(key)),
            (true, true) => Err("the apiKeyHelper printed nothing".into()),
            (false, _) => Err(format!("the apiKeyHelper failed ({status})")),
        }
    }

    /// The child's stdout, read to its end or [`OUTPUT_LIMIT`] on a thread.
    fn read_on_a_thread(child: &mut Child) -> mpsc::Receiver<Vec<u8>> {
        let (send, receive) = mpsc::channel();
        if let Some(pipe) = child.stdout.take() {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.take(OUTPUT_LIMIT).read_to_end(&mut bytes);
                let _ = send.send(bytes);
            });
        }
        receive
    }

    /// The child's exit status, or `None` at the deadline.
    fn wait_until(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => return None,
            }
        }
    }

    fn remaining(deadline: Instant) -> Duration {
        deadline.saturating_duration_since(Instant::now())
    }

    /// SIGKILL to the helper's whole process group, then reaps the helper.
    fn kill_group(child: &mut Child) {
        let group = rustix::process::Pid::from_child(child);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = child.wait();
    }
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
