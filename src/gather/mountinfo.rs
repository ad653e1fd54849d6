//! `/proc/self/mountinfo`: which mount a path lives on, and where it came from.
//!
//! Each line is `id parent major:minor root mount-point options [optional…] -
//! fstype source super-options` (proc(5)). Paths escape space, tab, newline
//! and backslash as octal (`\040`); the parser decodes them, which `procfs`
//! does not. Malformed lines are skipped and counted, never fatal.

use std::path::{Path, PathBuf};

/// One mount, as far as the checks need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// Field 4: the directory of the source filesystem that is mounted.
    pub root: String,
    /// Field 5: where it is mounted.
    pub mount_point: PathBuf,
    /// Field 6 says `ro`.
    pub read_only: bool,
    /// After the separator: `overlay`, `ext4`, `tmpfs`, `virtiofs`, …
    pub fstype: String,
    /// After the separator: the device or share.
    pub source: String,
}

/// The parsed mount table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountTable {
    /// Mounts in file order; a later mount on the same point hides an earlier one.
    pub mounts: Vec<Mount>,
    /// Lines that could not be parsed.
    pub skipped_lines: usize,
}

/// Where a mount's content comes from, judged from its fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountOrigin {
    /// The container's own root filesystem (overlay at `/`).
    ContainerLayer,
    /// A Docker or Podman named volume (`…/volumes/<name>/_data`).
    NamedVolume,
    /// A tmpfs or other memory-backed filesystem.
    Memory,
    /// A directory of the host bind-mounted in (root is a subdirectory, or a
    /// host-sharing filesystem such as virtiofs).
    HostBind,
    /// A whole filesystem mounted at its root (an ordinary disk or partition).
    Filesystem,
}

/// Host-sharing filesystems used by Docker Desktop, WSL, VMs and Codespaces.
const HOST_SHARE_FSTYPES: &[&str] = &[
    "virtiofs",
    "fakeowner",
    "grpcfuse",
    "fuse.grpcfuse",
    "osxfs",
    "9p",
    "drvfs",
    "vboxsf",
    "fuse.sshfs",
];

const MEMORY_FSTYPES: &[&str] = &["tmpfs", "ramfs"];

impl Mount {
    /// Classifies where this mount's content lives.
    pub fn origin(&self) -> MountOrigin {
        if MEMORY_FSTYPES.contains(&self.fstype.as_str()) {
            MountOrigin::Memory
        } else if is_named_volume_path(&self.root) || is_named_volume_path(&self.source) {
            MountOrigin::NamedVolume
        } else if self.mount_point == Path::new("/") {
            MountOrigin::ContainerLayer
        } else if HOST_SHARE_FSTYPES.contains(&self.fstype.as_str()) || self.root != "/" {
            MountOrigin::HostBind
        } else {
            MountOrigin::Filesystem
        }
    }

    /// A guess at the host's OS from the bind source: `/Users/…` is macOS,
    /// `…/mnt/host/c/…` or a drive letter is Windows.
    pub fn host_os_hint(&self) -> Option<&'static str> {
        let path = if self.root != "/" {
            &self.root
        } else {
            &self.source
        };
        let lower = path.to_ascii_lowercase();
        let windows = ["/mnt/host/", "/mnt/c/", ":\\"];
        if windows.iter().any(|w| lower.contains(w)) {
            Some("Windows")
        } else if path.contains("/Users/") {
            Some("macOS")
        } else if path.starts_with("/home/") || path.starts_with("/root") {
            Some("Linux")
        } else {
            None
        }
    }
}

fn is_named_volume_path(path: &str) -> bool {
    let Some(at) = path.find("/volumes/") else {
        return false;
    };
    let rest = &path[at + "/volumes/".len()..];
    rest.split('/').nth(1) == Some("_data")
}

impl MountTable {
    /// Parses mountinfo text.
    pub fn parse(text: &str) -> Self {
        let mut table = MountTable::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match parse_line(line) {
                Some(mount) => table.mounts.push(mount),
                None => table.skipped_lines += 1,
            }
        }
        table
    }

    /// The mount that holds `path`: the longest mount point that is a prefix
    /// of it, the last one listed when several share a point.
    pub fn covering(&self, path: &Path) -> Option<&Mount> {
        self.mounts
            .iter()
            .enumerate()
            .filter(|(_, m)| path.starts_with(&m.mount_point))
            .max_by_key(|(index, m)| (m.mount_point.components().count(), *index))
            .map(|(_, m)| m)
    }

    /// The mount whose mount point is exactly `path` (a dedicated mount).
    pub fn at(&self, path: &Path) -> Option<&Mount> {
        self.mounts.iter().rev().find(|m| m.mount_point == path)
    }
}

fn parse_line(line: &str) -> Option<Mount> {
    let (before, after) = line.split_once(" - ")?;
    let fields: Vec<&str> = before.split(' ').collect();
    if fields.len() < 6 {
        return None;
    }
    let mut tail = after.split(' ');
    let fstype = tail.next()?.to_string();
    let source = unescape(tail.next().unwrap_or(""));
    let root = unescape(fields[3]);
    let mount_point = PathBuf::from(unescape(fields[4]));
    if !mount_point.is_absolute() {
        return None;
    }
    let read_only = fields[5].split(',').any(|o| o == "ro");
    Some(Mount {
        root,
        mount_point,
        read_only,
        fstype,
        source,
    })
}

/// Decodes the kernel's `\ooo` octal escapes.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
        match octal {
            Some(d) => {
                let value = d.iter().fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
1 0 0:31 / / rw,relatime - overlay overlay rw,lowerdir=/a
2 1 8:1 /var/lib/docker/volumes/claude-config/_data /home/node/.claude rw,relatime - ext4 /dev/sda1 rw
3 1 0:40 /Users/ann/.claude /home/ann/my\\040dir rw,relatime - virtiofs virtiofs rw
4 1 0:41 / /tmp rw - tmpfs tmpfs rw
5 1 8:1 /home/ann/.claude.json /root/.claude.json ro,relatime shared:1 - ext4 /dev/sda1 rw
garbage line
";

    #[test]
    fn parses_fields_and_escapes() {
        let table = MountTable::parse(SAMPLE);
        assert_eq!(table.mounts.len(), 5);
        assert_eq!(table.skipped_lines, 1);
        assert_eq!(table.mounts[2].mount_point, Path::new("/home/ann/my dir"));
        assert!(table.mounts[4].read_only);
        assert_eq!(table.mounts[4].fstype, "ext4");
    }

    #[test]
    fn classifies_origins() {
        let table = MountTable::parse(SAMPLE);
        let origins: Vec<_> = table.mounts.iter().map(Mount::origin).collect();
        assert_eq!(
            origins,
            [
                MountOrigin::ContainerLayer,
                MountOrigin::NamedVolume,
                MountOrigin::HostBind,
                MountOrigin::Memory,
                MountOrigin::HostBind,
            ]
        );
        assert_eq!(table.mounts[2].host_os_hint(), Some("macOS"));
        assert_eq!(table.mounts[4].host_os_hint(), Some("Linux"));
    }

    #[test]
    fn finds_the_covering_mount() {
        let table = MountTable::parse(SAMPLE);
        let m = table
            .covering(Path::new("/home/node/.claude/.credentials.json"))
            .unwrap();
        assert_eq!(m.mount_point, Path::new("/home/node/.claude"));
        let m = table
            .covering(Path::new("/home/node/.claude.json"))
            .unwrap();
        assert_eq!(m.mount_point, Path::new("/"));
        assert!(table.at(Path::new("/root/.claude.json")).is_some());
    }

    #[test]
    fn unescape_leaves_odd_backslashes_alone() {
        assert_eq!(unescape("a\\040b\\9\\"), "a b\\9\\");
        assert_eq!(unescape("\\134"), "\\");
    }
}
