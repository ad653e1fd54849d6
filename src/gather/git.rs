//! Is a workspace file git-ignored, and is it tracked?
//!
//! `git check-ignore` is the ground truth (FACTS §6), so it is asked first, with
//! `--no-index` so the rules are judged apart from the index, and `git ls-files`
//! says separately whether the file is tracked. Without a usable `git` the
//! rules are evaluated with `gix-ignore`, layered as git layers them (global
//! excludes, `info/exclude`, then each `.gitignore` from the root down, parents
//! before children), and tracked status is reported as unknown.

use super::env::Env;
use super::fsread;
use bstr::ByteSlice;
use gix_ignore::glob::pattern::Case;
use serde::Serialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one git query may take before it is abandoned.
const GIT_DEADLINE: Duration = Duration::from_secs(3);

/// What git (or the fallback) says of one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GitStatus {
    /// The ignore rules exclude the file.
    pub ignored: bool,
    /// The deciding rule as `source:line:pattern`, when one matched.
    pub rule: Option<String>,
    /// The file is in the index; `None` when that could not be asked.
    pub tracked: Option<bool>,
    /// `git` or `gix-ignore`.
    pub judged_by: &'static str,
    /// Why git itself was not used, when it was not.
    pub fallback_reason: Option<String>,
}

/// The repository that holds the workspace.
#[derive(Clone, Debug)]
pub struct Repo {
    /// The work tree's top directory.
    pub root: PathBuf,
    /// The `.git` directory (resolved from a `gitdir:` file for worktrees).
    pub git_dir: PathBuf,
}

/// Walks up from `start` to the directory holding `.git`.
pub fn find_repo(start: &Path) -> Option<Repo> {
    start.ancestors().find_map(|dir| {
        let dot_git = dir.join(".git");
        let meta = std::fs::metadata(&dot_git).ok()?;
        let git_dir = if meta.is_dir() {
            dot_git
        } else {
            let text = fsread::read_text_bounded(&dot_git, 4096).ok()?;
            let target = text.trim().strip_prefix("gitdir:")?.trim();
            dir.join(target)
        };
        Some(Repo {
            root: dir.to_path_buf(),
            git_dir,
        })
    })
}

/// Judges each path (relative to the repository root, `/`-separated).
pub fn judge(repo: &Repo, rel_paths: &[String], env: &Env) -> Vec<GitStatus> {
    if rel_paths.is_empty() {
        return Vec::new();
    }
    let git = env
        .non_empty("PATH")
        .and_then(|p| which::which_in("git", Some(p), &repo.root).ok());
    let why_not = match git {
        Some(git) => match ask_git(&git, repo, rel_paths, env) {
            Ok(statuses) => return statuses,
            Err(e) => format!("git failed: {e}"),
        },
        None => "git is not on PATH".to_string(),
    };
    let rules = IgnoreRules::load(repo, env, rel_paths);
    rel_paths
        .iter()
        .map(|p| {
            let (ignored, rule) = rules.judge(p);
            GitStatus {
                ignored,
                rule,
                tracked: None,
                judged_by: "gix-ignore",
                fallback_reason: Some(why_not.clone()),
            }
        })
        .collect()
}

fn ask_git(
    git: &Path,
    repo: &Repo,
    rel_paths: &[String],
    env: &Env,
) -> Result<Vec<GitStatus>, String> {
    let mut input = Vec::new();
    for p in rel_paths {
        input.extend_from_slice(p.as_bytes());
        input.push(0);
    }
    // Both queries run at once: each git start costs milliseconds.
    let started = Instant::now();
    let ignore_args = ["check-ignore", "--no-index", "-v", "-n", "-z", "--stdin"];
    let ignore_query = start_git(git, repo, env, &ignore_args, &input)?;
    let mut tracked_args = vec!["--literal-pathspecs", "ls-files", "-z", "--cached", "--"];
    tracked_args.extend(rel_paths.iter().map(String::as_str));
    let tracked_query = start_git(git, repo, env, &tracked_args, &[]);
    let ignore_out = finish_git(ignore_query, started);
    let tracked_out = finish_git(tracked_query?, started)?;
    let ignore_out = ignore_out?;
    let tracked: Vec<&[u8]> = tracked_out.split(|b| *b == 0).collect();

    let fields: Vec<&[u8]> = ignore_out.split(|b| *b == 0).collect();
    let mut statuses = Vec::new();
    for record in fields.chunks(4).filter(|c| c.len() == 4) {
        let (source, line, pattern, path) = (record[0], record[1], record[2], record[3]);
        let negated = pattern.starts_with(b"!");
        let matched = !pattern.is_empty();
        statuses.push(GitStatus {
            ignored: matched && !negated,
            rule: matched.then(|| {
                format!(
                    "{}:{}:{}",
                    source.to_str_lossy(),
                    line.to_str_lossy(),
                    pattern.to_str_lossy()
                )
            }),
            tracked: Some(tracked.contains(&path)),
            judged_by: "git",
            fallback_reason: None,
        });
    }
    if statuses.len() == rel_paths.len() {
        Ok(statuses)
    } else {
        Err("git check-ignore answered for fewer paths than asked".to_string())
    }
}

/// Starts git in the repository with the snapshot's environment, writes its
/// standard input and closes it.
fn start_git(
    git: &Path,
    repo: &Repo,
    env: &Env,
    args: &[&str],
    stdin: &[u8],
) -> Result<Child, String> {
    let mut command = Command::new(git);
    command
        .arg("-c")
        .arg("safe.directory=*")
        .arg("-C")
        .arg(&repo.root)
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["HOME", "XDG_CONFIG_HOME", "PATH", "LANG", "LC_ALL"] {
        if let Some(value) = env.get(var) {
            command.env(var, value);
        }
    }
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin).map_err(|e| e.to_string())?;
    }
    Ok(child)
}

/// Waits for a started git until the deadline and returns its output.
fn finish_git(mut child: Child, started: Instant) -> Result<Vec<u8>, String> {
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > GIT_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {}s", GIT_DEADLINE.as_secs()));
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let mut out = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut out).map_err(|e| e.to_string())?;
    }
    // check-ignore exits 1 when nothing is ignored; that is an answer too.
    if status.success() || status.code() == Some(1) {
        Ok(out)
    } else {
        let mut err = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.read_to_string(&mut err);
        }
        Err(err
            .lines()
            .next()
            .unwrap_or("git exited with an error")
            .to_string())
    }
}

/// Judges one path against one `.gitignore` at the repository root, the
/// way the fallback does (for fuzzing and tests of the matcher).
pub fn judge_with_root_rules(gitignore: &[u8], rel_path: &str) -> (bool, Option<String>) {
    let parse = gix_ignore::search::Ignore::default();
    let mut search = gix_ignore::Search::default();
    let _ = search.add_patterns_buffer(gitignore, ".gitignore", None, parse);
    IgnoreRules { search }.judge(rel_path)
}

/// The ignore rules that apply to the paths asked about, layered like git's.
struct IgnoreRules {
    search: gix_ignore::Search,
}

impl IgnoreRules {
    fn load(repo: &Repo, env: &Env, rel_paths: &[String]) -> Self {
        let excludes_file = env
            .non_empty("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| env.non_empty("HOME").map(|h| Path::new(h).join(".config")))
            .map(|base| base.join("git/ignore"));
        let mut buf = Vec::new();
        let parse = gix_ignore::search::Ignore::default();
        let mut search =
            gix_ignore::Search::from_git_dir(&repo.git_dir, excludes_file, &mut buf, parse)
                .unwrap_or_default();
        for dir in directories_to_read(rel_paths) {
            let base = repo.root.join(&dir);
            let file = base.join(".gitignore");
            if let Ok(bytes) = fsread::read_bounded(&file, 4 << 20) {
                let _ = search.add_patterns_buffer(&bytes, file, Some(&repo.root), parse);
            }
        }
        IgnoreRules { search }
    }

    /// Parents first: a file inside an ignored directory stays ignored even
    /// when a later rule re-includes it (gitignore(5)).
    fn judge(&self, rel_path: &str) -> (bool, Option<String>) {
        let parts: Vec<&str> = rel_path.split('/').collect();
        for depth in 1..=parts.len() {
            let candidate = parts[..depth].join("/");
            let is_dir = depth < parts.len();
            let found = self.search.pattern_matching_relative_path(
                candidate.as_bytes().as_bstr(),
                Some(is_dir),
                Case::Sensitive,
            );
            if let Some(m) = found {
                let negated = m.pattern.is_negative();
                let rule = format!(
                    "{}:{}:{}",
                    m.source
                        .map(|s| s.display().to_string())
                        .unwrap_or_default(),
                    m.sequence_number,
                    m.pattern
                );
                if !negated && is_dir {
                    return (true, Some(rule));
                }
                if !is_dir {
                    return (!negated, Some(rule));
                }
            }
        }
        (false, None)
    }
}

/// Every directory from the root down to each path's parent, root first.
fn directories_to_read(rel_paths: &[String]) -> Vec<String> {
    let mut dirs = vec![String::new()];
    for path in rel_paths {
        let parts: Vec<&str> = path.split('/').collect();
        for depth in 1..parts.len() {
            let dir = parts[..depth].join("/");
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs.sort_by_key(|d| d.matches('/').count() + usize::from(!d.is_empty()));
    dirs
}
