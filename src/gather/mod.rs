//! Gather: the only code that touches the OS.
//!
//! [`gather`] reads the environment, Claude Code's files, the mount table,
//! container markers, the workspace and PATH into a [`Context`], a read-only
//! snapshot. Checks are pure functions of that snapshot. The network is not
//! part of it: `--online` probes run afterwards, in [`crate::probe`].

mod claude_json_fast;
pub mod claude_state;
pub mod compose;
pub(crate) mod devcontainer_file;
pub mod env;
pub(crate) mod firewall;
pub mod fsread;
pub mod git;
pub mod helper;
pub(crate) mod install;
mod known_secrets;
pub mod launcher;
pub(crate) mod legacy_config;
pub mod listeners;
pub mod mountinfo;
pub(crate) mod stray;
pub(crate) mod system;
pub mod workspace;

use claude_state::{
    ClaudeJson, ClaudePaths, LoadError, Loaded, SettingsLayer, SettingsScope, StoredLogin,
};
use env::Env;
use install::ClaudeInstall;
use mountinfo::MountTable;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use system::{Marker, OsInfo, User};
use workspace::Workspace;

/// The hosts file, under the sysroot; checks name it in places.
pub(crate) const HOSTS_FILE: &str = "/etc/hosts";

/// Mount tables are small; a huge one is read up to this size.
const MOUNTINFO_LIMIT: u64 = 64 << 20;

/// What the caller decides before gathering.
#[derive(Clone, Debug)]
pub struct GatherInput {
    /// The environment to judge (the process's own, or a test's).
    pub env: Env,
    /// The directory `ccauth` was started in.
    pub cwd: PathBuf,
    /// `--workspace`, when given.
    pub workspace: Option<PathBuf>,
    /// Where system files are read from (`/` unless `--sysroot`).
    pub sysroot: PathBuf,
    /// "Now", for expiry arithmetic.
    pub now: SystemTime,
    /// The uid to judge ownership for; `None` is the process's effective uid.
    /// Tests set it to see a non-root world from a root test run.
    pub uid: Option<u32>,
    /// `--launcher`: who starts `claude`, instead of deciding it from the
    /// evidence.
    pub launcher: Option<launcher::Launcher>,
}

/// The read-only snapshot every check reads.
#[derive(Clone, Debug)]
pub struct Context {
    /// Environment variables.
    pub(crate) env: Env,
    /// Gather time.
    pub(crate) now: SystemTime,
    /// The user the process runs as.
    pub(crate) user: User,
    /// Resolved locations of Claude Code's files.
    pub(crate) paths: ClaudePaths,
    /// `.claude.json` (or its `CLAUDE_CONFIG_DIR` / suffix variant).
    pub(crate) claude_json: Option<Loaded<ClaudeJson>>,
    /// The legacy `.config.json`, only when the client reads it instead of
    /// `.claude.json` ([`legacy_config::choose`]).
    pub(crate) legacy_config: Option<Loaded<ClaudeJson>>,
    /// The legacy file is read over a non-empty `.claude.json`, and the
    /// client says "Two Claude Code config files exist".
    pub(crate) legacy_shadows: bool,
    /// `.credentials.json`.
    pub(crate) credentials: Option<Loaded<StoredLogin>>,
    /// `stat` of the state files and directories: owner, mode, access.
    pub(crate) meta: StateMeta,
    /// Backups of `.claude.json` in `<config dir>/backups/`, newest first.
    pub(crate) backups: Vec<Backup>,
    /// The directory ccauth was started in.
    pub(crate) cwd: PathBuf,
    /// `/etc/hosts` under the sysroot, if readable.
    pub(crate) hosts: Option<String>,
    /// Firewall scripts of the kind the reference devcontainer runs, with
    /// the files and variables they take more domains from.
    pub(crate) firewall_scripts: Vec<firewall::FirewallScript>,
    /// The program of every `apiKeyHelper`, located without running it.
    pub(crate) helpers: Vec<helper::HelperProgram>,
    /// Settings files that exist, lowest precedence first.
    pub(crate) settings: Vec<SettingsLayer>,
    /// The mount table, or why it could not be read.
    pub(crate) mounts: Result<MountTable, String>,
    /// Container, remote-session and CI markers that fired.
    pub(crate) markers: Vec<Marker>,
    /// Who starts `claude` here, and so which mode matters.
    pub(crate) launch: launcher::Launch,
    /// The workspace's devcontainer and env files.
    pub(crate) workspace: Workspace,
    /// Credentials written where the client never looks (a config file of
    /// another tool's shape, an unnamed workspace `.env`, a lifecycle
    /// command's `export`).
    pub(crate) stray_credentials: Vec<stray::StrayCredential>,
    /// Every `claude` on PATH, first one first.
    pub(crate) installs: Vec<ClaudeInstall>,
    /// OS and kernel, for the runtime section.
    pub(crate) os: OsInfo,
    /// Where system files were read from.
    pub(crate) sysroot: PathBuf,
    /// File descriptors named by a `*_FILE_DESCRIPTOR` variable that are open
    /// in this process (the client reads its credential from them).
    pub(crate) open_fds: Vec<u32>,
    /// Every path an `ANTHROPIC_UNIX_SOCKET` (process or settings env) names,
    /// with what stands there (`None`: nothing), for the client's socket
    /// transport; not under the sysroot, like the descriptors.
    pub(crate) unix_sockets: Vec<(PathBuf, Option<fsread::FileKind>)>,
    /// Claude Code processes listening on a loopback port right now: a browser
    /// login waiting for its callback.
    pub(crate) waiting_logins: Vec<listeners::Listener>,
}

/// What `stat` says of each place Claude Code keeps state.
#[derive(Clone, Debug, Default)]
pub(crate) struct StateMeta {
    /// `$HOME` (or the passwd home).
    pub(crate) home: Option<fsread::FileMeta>,
    /// The config dir.
    pub(crate) config_dir: Option<fsread::FileMeta>,
    /// The effective config file.
    pub(crate) config_file: Option<fsread::FileMeta>,
    /// The directory holding the effective config file (the client writes a
    /// temp file there and renames it).
    pub(crate) config_file_dir: Option<fsread::FileMeta>,
    /// `.credentials.json`.
    pub(crate) credentials: Option<fsread::FileMeta>,
}

/// One `.claude.json.backup.<ms>` file.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Backup {
    /// Its path.
    pub(crate) path: PathBuf,
    /// It parses as a JSON object.
    pub(crate) parses: bool,
}

/// Backups are tried newest first; a few are enough to find a good one.
const BACKUPS_TO_TRY: usize = 5;
/// Entries of the backups directory looked at for those few.
const BACKUP_DIR_ENTRIES_LIMIT: usize = 10_000;

impl Context {
    /// The config file the client actually reads: a legacy `.config.json`
    /// replaces `.claude.json` when the client's rule says so (CLIENT-FACTS
    /// fact 16; an empty one with a write bit when `.claude.json` is missing).
    pub(crate) fn effective_config(&self) -> Option<&Loaded<ClaudeJson>> {
        self.legacy_config.as_ref().or(self.claude_json.as_ref())
    }

    /// Gather time in Unix milliseconds, as `.credentials.json` writes times.
    pub(crate) fn now_ms(&self) -> i64 {
        self.now
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64
    }

    /// True when some container marker fired.
    pub(crate) fn in_container(&self) -> bool {
        self.markers.iter().any(|m| m.place.is_container())
    }
}

/// Builds the snapshot.
pub fn gather(input: GatherInput) -> Context {
    let GatherInput {
        env,
        cwd,
        workspace,
        sysroot,
        now,
        uid,
        launcher,
    } = input;
    let user = User::detect(&sysroot, uid);
    let paths = ClaudePaths::resolve(&env, user.passwd_home.as_deref());
    let workspace_root = workspace
        .map(|w| cwd.join(w))
        .or_else(|| git::find_repo(&cwd).map(|r| r.root))
        .unwrap_or_else(|| cwd.clone());
    let settings = load_settings_layers(&paths, &workspace_root, &sysroot);
    let helpers = helper::resolve_helpers(&settings, &env, &workspace_root, paths.home.as_deref());
    let workspace = Workspace::gather(&workspace_root, &env, user.uid, &sysroot);
    let markers = system::detect_markers(&env, &sysroot);
    let launch = launcher::Launch::decide(
        &env,
        &markers,
        &workspace_root,
        workspace.launcher_hints(&env),
        launcher,
    );
    let claude_json = paths
        .claude_json
        .as_deref()
        .map(claude_state::load_claude_json);
    let choice = match (&paths.legacy_config, &paths.claude_json) {
        (Some(legacy), Some(normal)) => legacy_config::choose_at(legacy, normal),
        _ => legacy_config::Choice::Normal,
    };
    let legacy_config = paths
        .legacy_config
        .as_deref()
        .filter(|_| choice != legacy_config::Choice::Normal)
        .map(claude_state::load_claude_json);
    // Backups matter only when the config is broken; they can be as large as it.
    let broken = legacy_config
        .as_ref()
        .or(claude_json.as_ref())
        .is_some_and(|c| c.content.as_ref().is_err_and(LoadError::is_broken));
    Context {
        claude_json,
        legacy_config,
        credentials: paths
            .credentials
            .as_deref()
            .map(claude_state::load_credentials),
        meta: state_meta(&paths, choice != legacy_config::Choice::Normal),
        legacy_shadows: choice == legacy_config::Choice::Legacy { shadows: true },
        backups: paths
            .config_dir
            .as_deref()
            .filter(|_| broken)
            .map(find_backups)
            .unwrap_or_default(),
        hosts: fsread::read_text_bounded(&system::under(&sysroot, HOSTS_FILE), 1 << 20).ok(),
        firewall_scripts: firewall::read_scripts(
            firewall_script_paths(&sysroot, &workspace),
            &sysroot,
            &env,
        ),
        cwd: cwd.clone(),
        helpers,
        mounts: read_mounts(&sysroot),
        markers,
        launch,
        stray_credentials: stray::find(
            &env,
            paths.home.as_deref(),
            paths
                .config_dir
                .as_ref()
                .map(|d| d.join("settings.json"))
                .as_deref(),
            &workspace,
        ),
        workspace,
        installs: install::find_claude(&env, &cwd),
        os: OsInfo::detect(),
        open_fds: open_descriptors(&env, &settings),
        unix_sockets: unix_sockets(&env, &settings, &cwd),
        waiting_logins: listeners::waiting_logins(&sysroot),
        settings,
        paths,
        user,
        env,
        now,
        sysroot,
    }
}

fn load_settings_layers(
    paths: &ClaudePaths,
    workspace: &Path,
    sysroot: &Path,
) -> Vec<SettingsLayer> {
    let mut candidates = Vec::new();
    if let Some(dir) = &paths.config_dir {
        candidates.push((SettingsScope::User, dir.join("settings.json")));
    }
    candidates.push((
        SettingsScope::Project,
        workspace.join(".claude/settings.json"),
    ));
    candidates.push((
        SettingsScope::Local,
        workspace.join(".claude/settings.local.json"),
    ));
    candidates.push((
        SettingsScope::Managed,
        system::under(sysroot, MANAGED_SETTINGS),
    ));
    candidates.extend(
        managed_drop_ins(&system::under(sysroot, MANAGED_DROP_INS))
            .into_iter()
            .map(|path| (SettingsScope::Managed, path)),
    );
    candidates
        .into_iter()
        .map(|(scope, path)| claude_state::load_settings(scope, &path))
        .filter(|layer| !matches!(&layer.file.content, Err(e) if e.is_missing()))
        .collect()
}

/// The managed settings file of Linux and WSL.
const MANAGED_SETTINGS: &str = "/etc/claude-code/managed-settings.json";

/// Its drop-in folder: each `*.json` (not hidden) is merged over the file,
/// in name order, a later one winning (2.1.332: a drop-in's
/// `forceLoginOrgUUID` beat the file's, seen in `claude -p`).
const MANAGED_DROP_INS: &str = "/etc/claude-code/managed-settings.d";

/// The most drop-ins read; a policy folder holds a handful.
const MANAGED_DROP_INS_LIMIT: usize = 256;

/// The drop-ins the client reads, in the order it merges them: entries
/// whose names end in `.json` and do not start with a dot, sorted by name.
fn managed_drop_ins(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<_> = fsread::dir_entries(dir, MANAGED_DROP_INS_LIMIT)
        .filter(|entry| {
            entry
                .file_type()
                .is_ok_and(|t| t.is_file() || t.is_symlink())
        })
        .map(|entry| entry.file_name())
        .filter(|name| {
            let name = name.as_encoded_bytes();
            name.ends_with(b".json") && !name.starts_with(b".")
        })
        .collect();
    names.sort();
    names.into_iter().map(|name| dir.join(name)).collect()
}

fn read_mounts(sysroot: &Path) -> Result<MountTable, String> {
    let path = system::under(sysroot, "/proc/self/mountinfo");
    fsread::read_text_bounded(&path, MOUNTINFO_LIMIT)
        .map(MountTable::from_text)
        .map_err(|problem| format!("{} {}", path.display(), problem.describe()))
}

/// Which descriptors named by `*_FILE_DESCRIPTOR` variables are open here
/// (which of those carry a credential is `crate::auth`'s to say). Only their
/// existence is checked: reading would consume a pipe.
fn open_descriptors(env: &Env, settings: &[SettingsLayer]) -> Vec<u32> {
    let mut fds: Vec<u32> = every_env(env, settings)
        .flat_map(|e| e.iter())
        .filter(|(name, _)| name.ends_with("_FILE_DESCRIPTOR"))
        .filter_map(|(_, value)| value.trim().parse::<u32>().ok())
        .filter(|fd| Path::new(&format!("/proc/self/fd/{fd}")).exists())
        .collect();
    fds.sort_unstable();
    fds.dedup();
    fds
}

/// The process environment and every settings `env` block: where a
/// variable the client reads may be set, before deciding which one wins.
fn every_env<'a>(env: &'a Env, settings: &'a [SettingsLayer]) -> impl Iterator<Item = &'a Env> {
    std::iter::once(env).chain(settings.iter().filter_map(|l| l.file.ok().map(|s| &s.env)))
}

/// The variable that sends the client's requests through a local socket.
pub(crate) const UNIX_SOCKET_VAR: &str = "ANTHROPIC_UNIX_SOCKET";

/// What stands at each path `ANTHROPIC_UNIX_SOCKET` names, relative ones
/// taken from the working directory. Only `stat`: nothing is connected to.
fn unix_sockets(
    env: &Env,
    settings: &[SettingsLayer],
    cwd: &Path,
) -> Vec<(PathBuf, Option<fsread::FileKind>)> {
    let mut paths: Vec<PathBuf> = every_env(env, settings)
        .filter_map(|e| e.non_empty(UNIX_SOCKET_VAR))
        .map(|value| cwd.join(value))
        .collect();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            let kind = fsread::file_meta(&path).map(|m| m.kind);
            (path, kind)
        })
        .collect()
}

fn state_meta(paths: &ClaudePaths, legacy_in_use: bool) -> StateMeta {
    let meta = |p: &Option<PathBuf>| p.as_deref().and_then(fsread::file_meta);
    let config_file = if legacy_in_use {
        &paths.legacy_config
    } else {
        &paths.claude_json
    };
    StateMeta {
        home: meta(&paths.home),
        config_dir: meta(&paths.config_dir),
        config_file: meta(config_file),
        config_file_dir: config_file
            .as_deref()
            .and_then(Path::parent)
            .and_then(fsread::file_meta),
        credentials: meta(&paths.credentials),
    }
}

/// `<config dir>/backups/.claude.json.backup.<ms>`, newest first; the newest
/// few are parsed to find one that could be restored.
fn find_backups(config_dir: &Path) -> Vec<Backup> {
    let entries = fsread::dir_entries(&config_dir.join("backups"), BACKUP_DIR_ENTRIES_LIMIT);
    let mut found: Vec<(u64, PathBuf)> = entries
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stamp = name.strip_prefix(".claude.json.backup.")?.parse().ok()?;
            Some((stamp, e.path()))
        })
        .collect();
    found.sort_by_key(|(stamp, _)| std::cmp::Reverse(*stamp));
    found
        .into_iter()
        .take(BACKUPS_TO_TRY)
        .map(|(_, path)| Backup {
            parses: claude_state::load_claude_json(&path).content.is_ok(),
            path,
        })
        .collect()
}

/// The reference devcontainer's `init-firewall.sh`, and any shell script a
/// lifecycle command runs (absolute paths under the sysroot, others in the
/// workspace). The check keeps those that allow api.anthropic.com.
fn firewall_script_paths(sysroot: &Path, workspace: &Workspace) -> Vec<PathBuf> {
    let mut paths = vec![
        system::under(sysroot, "/usr/local/bin/init-firewall.sh"),
        workspace.root.join(".devcontainer/init-firewall.sh"),
    ];
    for (_, config) in workspace.parsed_devcontainers() {
        for (_, command) in crate::devcontainer::lifecycle_commands(config) {
            for word in command.split_whitespace().filter(|w| w.ends_with(".sh")) {
                let word = word.trim_matches(|c| c == '"' || c == '\'');
                let path = if word.starts_with('/') {
                    system::under(sysroot, word)
                } else {
                    workspace.root.join(word)
                };
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
    }
    paths
}
