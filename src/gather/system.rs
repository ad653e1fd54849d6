//! The machine around the process: container markers, the user, the OS.
//!
//! System files are read under the sysroot (`--sysroot`, default `/`), the way
//! node_exporter's `--path.rootfs` works, so tests can build a whole fake system.

use super::env::Env;
use super::fsread;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What kind of remote or isolated place a marker says this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Place {
    /// A Docker container.
    Docker,
    /// A Podman container.
    Podman,
    /// Some container, kind unknown (cgroup or `container=` variable).
    Container,
    /// A VS Code or reference devcontainer.
    Devcontainer,
    /// A GitHub Codespace.
    Codespaces,
    /// A Kubernetes pod.
    Kubernetes,
    /// Windows Subsystem for Linux.
    Wsl,
    /// A shell reached over SSH.
    Ssh,
    /// A CI runner.
    Ci,
}

impl Place {
    /// True for the places where a browser on this machine cannot be assumed.
    pub(crate) fn is_container(self) -> bool {
        matches!(
            self,
            Place::Docker
                | Place::Podman
                | Place::Container
                | Place::Devcontainer
                | Place::Codespaces
                | Place::Kubernetes
        )
    }
}

/// One signal that fired, with the evidence for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Marker {
    /// The place it points to.
    pub(crate) place: Place,
    /// What was seen: `/.dockerenv exists`, `REMOTE_CONTAINERS=true`, …
    pub(crate) signal: String,
}

/// Reads every container, remote-session and CI marker of FACTS §5.
pub(crate) fn detect_markers(env: &Env, sysroot: &Path) -> Vec<Marker> {
    let mut found = Vec::new();
    let mut add = |place, signal: String| found.push(Marker { place, signal });
    for (file, place) in [
        ("/.dockerenv", Place::Docker),
        ("/run/.containerenv", Place::Podman),
    ] {
        if under(sysroot, file).exists() {
            add(place, format!("{file} exists"));
        }
    }
    if let Some(kind) = env.non_empty("container") {
        add(Place::Container, format!("container={kind}"));
    }
    if let Ok(cgroup) = fsread::read_text_bounded(&under(sysroot, "/proc/1/cgroup"), 1 << 20) {
        let hit = ["docker", "kubepods", "containerd", "libpod"]
            .into_iter()
            .find(|word| cgroup.contains(word));
        if let Some(word) = hit {
            add(Place::Container, format!("/proc/1/cgroup mentions {word}"));
        }
    }
    for (var, value, place) in [
        ("REMOTE_CONTAINERS", Some("true"), Place::Devcontainer),
        ("DEVCONTAINER", Some("true"), Place::Devcontainer),
        ("CODESPACES", Some("true"), Place::Codespaces),
        ("KUBERNETES_SERVICE_HOST", None, Place::Kubernetes),
        ("WSL_DISTRO_NAME", None, Place::Wsl),
        ("SSH_CONNECTION", None, Place::Ssh),
        ("SSH_TTY", None, Place::Ssh),
        ("GITHUB_ACTIONS", Some("true"), Place::Ci),
    ] {
        let fired = match value {
            Some(expected) => env.equals(var, expected),
            None => env.non_empty(var).is_some(),
        };
        if fired {
            let shown = value.map_or(format!("{var} is set"), |v| format!("{var}={v}"));
            add(place, shown);
        }
    }
    if env.is_truthy("CI") {
        add(Place::Ci, "CI=true".to_string());
    }
    let version = fsread::read_text_bounded(&under(sysroot, "/proc/version"), 1 << 16);
    if version.is_ok_and(|v| v.to_ascii_lowercase().contains("microsoft")) {
        let signal = "/proc/version names a Microsoft kernel".to_string();
        add(Place::Wsl, signal);
    }
    found
}

/// Joins an absolute system path onto the sysroot.
pub(crate) fn under(sysroot: &Path, absolute: &str) -> PathBuf {
    sysroot.join(absolute.trim_start_matches('/'))
}

/// The user the process runs as.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct User {
    /// Effective uid.
    pub(crate) uid: u32,
    /// The user's name in `/etc/passwd`, when listed.
    pub(crate) name: Option<String>,
    /// The home directory in `/etc/passwd`, when listed.
    pub(crate) passwd_home: Option<PathBuf>,
}

impl User {
    /// The uid (the process's effective one unless given) and its
    /// `/etc/passwd` entry under the sysroot.
    pub(crate) fn detect(sysroot: &Path, uid: Option<u32>) -> Self {
        let uid = uid.unwrap_or_else(|| rustix::process::geteuid().as_raw());
        let passwd =
            fsread::read_text_bounded(&under(sysroot, "/etc/passwd"), 16 << 20).unwrap_or_default();
        let entry = passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let matches = fields.len() >= 6 && fields[2].parse::<u32>() == Ok(uid);
            matches.then(|| (fields[0].to_string(), PathBuf::from(fields[5])))
        });
        User {
            uid,
            name: entry.as_ref().map(|(name, _)| name.clone()),
            passwd_home: entry.map(|(_, home)| home),
        }
    }
}

/// OS name, version and kernel, for the runtime section only.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct OsInfo {
    /// e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub(crate) os: Option<String>,
    /// e.g. `6.1.0-18-amd64`.
    pub(crate) kernel: Option<String>,
}

impl OsInfo {
    /// Asks sysinfo without scanning processes (a few microseconds).
    pub(crate) fn detect() -> Self {
        OsInfo {
            os: sysinfo::System::long_os_version().ok(),
            kernel: sysinfo::System::kernel_version().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_their_signals() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(".dockerenv"), "").unwrap();
        std::fs::create_dir_all(root.path().join("proc")).unwrap();
        std::fs::write(
            root.path().join("proc/version"),
            "Linux 5.15 microsoft-standard-WSL2",
        )
        .unwrap();
        let env: Env = [("REMOTE_CONTAINERS", "true"), ("CI", "1"), ("SSH_TTY", "")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let markers = detect_markers(&env, root.path());
        let places: Vec<Place> = markers.iter().map(|m| m.place).collect();
        assert_eq!(
            places,
            [Place::Docker, Place::Devcontainer, Place::Ci, Place::Wsl]
        );
        assert_eq!(markers[0].signal, "/.dockerenv exists");
    }
}
