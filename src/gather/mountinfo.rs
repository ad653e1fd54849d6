//! `/proc/self/mountinfo`: which mount a path lives on, and where it came from.
//!
//! Each line is `id parent major:minor root mount-point options [optional…] -
//! fstype source super-options` (proc(5)). Paths escape space, tab, newline
//! and backslash as octal (`\040`); the parser decodes them, which `procfs`
//! does not. Malformed lines are skipped and counted, never fatal.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// One mount, as far as the checks need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// Field 4: the directory of the source filesystem that is mounted.
    pub(crate) root: String,
    /// Field 5: where it is mounted.
    pub mount_point: PathBuf,
    /// Field 6 says `ro`.
    pub(crate) read_only: bool,
    /// After the separator: `overlay`, `ext4`, `tmpfs`, `virtiofs`, …
    pub(crate) fstype: FsType,
    /// After the separator: the device or share.
    pub(crate) source: String,
    /// The Windows drive a `9p`/`drvfs` share serves, from its source
    /// (`C:\134`, decoded `C:\`) or its `path=C:\` super-option.
    pub(crate) drive: Option<char>,
    /// Its line in the table, from 1, for places.
    pub(crate) line: u32,
}

/// The parsed mount table.
///
/// Mount tables can have tens of thousands of lines, and lookups touch only a
/// few of them: the text is kept once, each line's mount point is indexed
/// without allocating, and a line is parsed into a [`Mount`] only when a
/// lookup returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountTable {
    text: String,
    entries: Vec<Entry>,
    /// The mount points that have escapes, decoded, by entry index (rare).
    decoded: Vec<(usize, Box<[u8]>)>,
    /// Lines that could not be parsed.
    pub(crate) skipped_lines: usize,
}

/// One line of the table: where it is, and its mount point, as byte offsets
/// into the text. `u32` keeps ten thousand entries at 160 KiB; the table is
/// read with a 64 MiB limit, and a line past 4 GiB would be skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    line: (u32, u32),
    point: (u32, u32),
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
    "fuse.osxfs",
    "9p",
    "drvfs",
    "vboxsf",
    "fuse.sshfs",
];

const MEMORY_FSTYPES: &[&str] = &["tmpfs", "ramfs"];

/// A mount's filesystem type, sorted into the families [`Mount::origin`]
/// tells apart; each keeps the kernel's name, which reports and JSON show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FsType {
    /// Memory-backed: `tmpfs`, `ramfs`.
    Memory(String),
    /// A host directory shared into a VM or container: `virtiofs`, `9p`, …
    HostShare(String),
    /// Any other filesystem: `overlay`, `ext4`, `btrfs`, …
    Other(String),
}

impl FsType {
    /// Sorts a kernel filesystem name into its family.
    pub(crate) fn parse(name: &str) -> Self {
        let family = if MEMORY_FSTYPES.contains(&name) {
            FsType::Memory
        } else if HOST_SHARE_FSTYPES.contains(&name) {
            FsType::HostShare
        } else {
            FsType::Other
        };
        family(name.to_string())
    }

    /// The kernel's name for it, as mountinfo spells it.
    pub(crate) fn name(&self) -> &str {
        match self {
            FsType::Memory(name) | FsType::HostShare(name) | FsType::Other(name) => name,
        }
    }
}

impl std::fmt::Display for FsType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// JSON evidence shows the kernel's name (`"fstype": "virtiofs"`).
impl serde::Serialize for FsType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl Mount {
    /// Classifies where this mount's content lives.
    pub fn origin(&self) -> MountOrigin {
        if matches!(self.fstype, FsType::Memory(_)) {
            MountOrigin::Memory
        } else if is_named_volume_path(&self.root) || is_named_volume_path(&self.source) {
            MountOrigin::NamedVolume
        } else if self.mount_point == Path::new("/") {
            MountOrigin::ContainerLayer
        } else if matches!(self.fstype, FsType::HostShare(_)) || self.root != "/" {
            MountOrigin::HostBind
        } else {
            MountOrigin::Filesystem
        }
    }

    /// Where `path` (on this mount) lives on the host, spelled as the host
    /// spells it: `/Users/ann/.claude` for Docker Desktop's macOS share
    /// (`/ann/.claude` on `fakeowner /run/host_mark/Users`), `C:\Users\ann`
    /// for a Windows drive (`9p C:\134`, `/run/desktop/mnt/host/c/…`).
    pub fn host_path(&self, path: &Path) -> HostPath {
        let rel = path
            .strip_prefix(&self.mount_point)
            .unwrap_or(Path::new(""));
        let inside = join(&self.root, &rel.to_string_lossy());
        if let Some(drive) = self.drive {
            return HostPath::windows(drive, &inside);
        }
        let unix = match self.source.strip_prefix(HOST_MARK) {
            Some(share) if share.starts_with('/') => join(share, inside.trim_start_matches('/')),
            _ => inside,
        };
        HostPath::parse(&unix)
    }

    /// The host's OS, as far as the mount's host path tells.
    #[cfg(test)]
    pub(crate) fn host_os(&self) -> Option<HostOs> {
        self.host_path(&self.mount_point).os
    }
}

/// Where Docker Desktop (4.15 and later) shares host directories into its
/// VM: `/run/host_mark/Users` on a Mac; a bind mount's root is relative to it.
const HOST_MARK: &str = "/run/host_mark";

/// Prefixes under which Docker Desktop and WSL show a Windows drive
/// (`/run/desktop/mnt/host/c/…`, `/mnt/host/c/…`, `/host_mnt/c/…`, `/mnt/c/…`).
const WINDOWS_DRIVE_PREFIXES: &[&str] = &[
    "/run/desktop/mnt/host/",
    "/mnt/host/",
    "/host_mnt/",
    "/mnt/",
];

/// Older Docker Desktop for Mac shows the Mac's paths under `/host_mnt`.
const MAC_VM_PREFIX: &str = "/host_mnt/";

/// The host OS a shared directory comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HostOs {
    /// `/Users/…`, `/Volumes/…`, `/private/…`.
    MacOs,
    /// A drive letter.
    Windows,
    /// `/home/…`, `/root`.
    Linux,
}

impl HostOs {
    /// Its usual name, as reports and JSON show it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            HostOs::MacOs => "macOS",
            HostOs::Windows => "Windows",
            HostOs::Linux => "Linux",
        }
    }
}

impl std::fmt::Display for HostOs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// JSON evidence shows the usual name (`"host_os_hint": "macOS"`).
impl serde::Serialize for HostOs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A path on the host, as the host spells it, and the OS that spelling
/// points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPath {
    /// `macOS` for `/Users/…`, `Windows` for `C:\…`; `None` when the path
    /// does not tell.
    pub(crate) os: Option<HostOs>,
    /// `/Users/ann/.claude`, `C:\Users\ann\.claude`.
    pub(crate) shown: String,
}

impl HostPath {
    /// A path on drive `drive`, from its Unix spelling in the VM.
    fn windows(drive: char, unix: &str) -> Self {
        let rest = unix.trim_start_matches('/').replace('/', "\\");
        HostPath {
            os: Some(HostOs::Windows),
            shown: format!("{}:\\{rest}", drive.to_ascii_uppercase()),
        }
    }

    /// Reads the host's OS from a Unix spelling of a host path.
    fn parse(unix: &str) -> Self {
        if let Some((drive, rest)) = windows_drive_path(unix) {
            return HostPath::windows(drive, rest);
        }
        let unix = unix
            .strip_prefix(MAC_VM_PREFIX)
            .filter(|rest| is_mac_path(&format!("/{rest}")))
            .map_or(unix.to_string(), |rest| format!("/{rest}"));
        let os = if is_mac_path(&unix) {
            Some(HostOs::MacOs)
        } else if unix.starts_with("/home/") || unix == "/root" || unix.starts_with("/root/") {
            Some(HostOs::Linux)
        } else {
            None
        };
        HostPath { os, shown: unix }
    }
}

impl HostPath {
    /// True when the path is a user's own `~/.claude` on the host
    /// (`/home/ann/.claude`, `/Users/ann/.claude`, `/root/.claude`,
    /// `C:\Users\ann\.claude`): the one the host's `claude` signs in to.
    /// A directory kept for containers (`~/.ai-container/.claude`) is not.
    pub(crate) fn is_a_users_own_claude_dir(&self) -> bool {
        let unix = self.shown.replace('\\', "/");
        let parts: Vec<&str> = unix.trim_end_matches('/').split('/').collect();
        match parts.as_slice() {
            ["", "root", ".claude"] => true,
            ["", "home" | "Users", user, ".claude"] => !user.is_empty(),
            [drive, "Users", user, ".claude"] => drive.ends_with(':') && !user.is_empty(),
            _ => false,
        }
    }
}

fn is_mac_path(path: &str) -> bool {
    ["/Users/", "/Volumes/", "/private/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// `/run/desktop/mnt/host/c/Users/ann` → (`c`, `/Users/ann`).
fn windows_drive_path(unix: &str) -> Option<(char, &str)> {
    WINDOWS_DRIVE_PREFIXES.iter().find_map(|prefix| {
        let rest = unix.strip_prefix(prefix)?;
        let mut chars = rest.chars();
        let drive = chars.next().filter(char::is_ascii_alphabetic)?;
        let after = chars.as_str();
        (after.is_empty() || after.starts_with('/')).then_some((drive, after))
    })
}

/// The drive a share's source names: `C:\` (mountinfo's `C:\134`), `C:`.
fn drive_of(spec: &str) -> Option<char> {
    let mut chars = spec.chars();
    let drive = chars.next().filter(char::is_ascii_alphabetic)?;
    matches!(chars.as_str(), ":" | ":\\" | ":/").then_some(drive)
}

/// A 9p or drvfs share's drive: its source, else its `path=C:\` option.
fn share_drive(fstype: &FsType, source: &str, options: &str) -> Option<char> {
    if !matches!(fstype.name(), "9p" | "drvfs" | "virtiofs") {
        return None;
    }
    drive_of(source).or_else(|| {
        options
            .split([';', ','])
            .find_map(|o| o.strip_prefix("path=").and_then(|p| drive_of(&unescape(p))))
    })
}

/// `root` and a relative path below it, as one absolute path.
fn join(root: &str, rel: &str) -> String {
    match (root.trim_end_matches('/'), rel) {
        ("", "") => "/".to_string(),
        (base, "") => base.to_string(),
        (base, rel) => format!("{base}/{rel}"),
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
        Self::from_text(text.to_string())
    }

    /// Parses mountinfo text, keeping it.
    pub(crate) fn from_text(text: String) -> Self {
        let bytes = text.as_bytes();
        let mut entries = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        let mut decoded = Vec::new();
        let mut skipped_lines = 0;
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let line = &text[start..end];
            let line_start = start;
            start = end + 1;
            if line.trim().is_empty() {
                continue;
            }
            // Offsets are kept as u32: a line ending past 4 GiB is skipped.
            let indexed = index_line(line).filter(|_| u32::try_from(end).is_ok());
            let Some((point, escaped)) = indexed else {
                skipped_lines += 1;
                continue;
            };
            if escaped {
                let unescaped = unescape(&line[point.clone()]).into_bytes();
                decoded.push((entries.len(), unescaped.into_boxed_slice()));
            }
            let offset = |at: usize| u32::try_from(line_start + at).unwrap_or(u32::MAX);
            entries.push(Entry {
                line: (offset(0), offset(line.len())),
                point: (offset(point.start), offset(point.end)),
            });
        }
        MountTable {
            text,
            entries,
            decoded,
            skipped_lines,
        }
    }

    /// The number of mounts.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// True for a table with no mount.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every mount, in file order (parses them all).
    pub fn mounts(&self) -> impl Iterator<Item = Mount> + '_ {
        (0..self.entries.len()).filter_map(|i| self.mount(i))
    }

    /// Entry `index`'s mount point, decoded.
    fn point(&self, index: usize) -> &[u8] {
        if let Ok(at) = self.decoded.binary_search_by_key(&index, |(i, _)| *i) {
            return &self.decoded[at].1;
        }
        let (start, end) = self.entries[index].point;
        &self.text.as_bytes()[start as usize..end as usize]
    }

    /// Entry `index` parsed, with its line number (counted here: lookups
    /// return a few mounts of tables that can have tens of thousands).
    fn mount(&self, index: usize) -> Option<Mount> {
        let (start, end) = self.entries.get(index)?.line;
        let before = &self.text.as_bytes()[..start as usize];
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let mount = parse_line(&self.text[start as usize..end as usize])?;
        Some(Mount {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            ..mount
        })
    }

    /// The mount that holds `path`: the longest mount point that is a prefix
    /// of it, the last one listed when several share a point.
    pub fn covering(&self, path: &Path) -> Option<Mount> {
        let path = path.as_os_str().as_bytes();
        let best = (0..self.entries.len())
            .filter(|&index| is_under(path, self.point(index)))
            .max_by_key(|&index| (self.point(index).len(), index))?;
        self.mount(best)
    }

    /// The mount whose mount point is exactly `path` (a dedicated mount).
    pub fn at(&self, path: &Path) -> Option<Mount> {
        let path = path.as_os_str().as_bytes();
        let index = (0..self.entries.len()).rposition(|index| self.point(index) == path)?;
        self.mount(index)
    }
}

/// The byte range of a line's mount point, and whether it has escapes, when
/// the line has every field: id, parent, major:minor, root, mount point,
/// options, optional fields, a lone "-", then fstype. This runs once per line
/// of tables that can have tens of thousands; one `memchr` iterator over the
/// line measured faster than a byte loop or a `memchr` call per field.
fn index_line(line: &str) -> Option<(std::ops::Range<usize>, bool)> {
    let bytes = line.as_bytes();
    let mut spaces = memchr::memchr_iter(b' ', bytes);
    // ends[3] closes the root, ends[4] the mount point, ends[5] the options.
    let mut ends = [0usize; 6];
    for end in &mut ends {
        *end = spaces.next()?;
    }
    let mut at = ends[5];
    if !(bytes.get(at + 1) == Some(&b'-') && bytes.get(at + 2) == Some(&b' ')) {
        at = ends[5] + memchr::memmem::find(&bytes[ends[5]..], b" - ")?;
    }
    bytes.get(at + 3).filter(|&&c| c != b' ')?;
    let point = ends[3] + 1..ends[4];
    let escaped = memchr::memchr(b'\\', &bytes[point.clone()]).is_some();
    Some((point, escaped))
}

/// `path` is `mount_point` or below it. Byte comparison: mount tables can
/// have tens of thousands of entries, and component-wise comparison of each
/// costs milliseconds there.
fn is_under(path: &[u8], mount_point: &[u8]) -> bool {
    let mount_point = if mount_point.len() > 1 {
        mount_point.strip_suffix(b"/").unwrap_or(mount_point)
    } else {
        mount_point
    };
    path.starts_with(mount_point)
        && (path.len() == mount_point.len()
            || mount_point == b"/"
            || path[mount_point.len()] == b'/')
}

fn parse_line(line: &str) -> Option<Mount> {
    // id, parent, major:minor, root, mount point, options, optional fields
    // up to a lone "-", then fstype and source. One pass over the spaces.
    let mut parts = line.split(' ').skip(3);
    let (root, point, options) = (parts.next()?, parts.next()?, parts.next()?);
    parts.by_ref().find(|p| *p == "-")?;
    let fstype = FsType::parse(parts.next()?);
    let source = unescape(parts.next().unwrap_or(""));
    let drive = share_drive(&fstype, &source, parts.next().unwrap_or(""));
    let mount_point = PathBuf::from(unescape(point));
    if !mount_point.is_absolute() {
        return None;
    }
    Some(Mount {
        root: unescape(root),
        mount_point,
        read_only: options.split(',').any(|o| o == "ro"),
        fstype,
        source,
        drive,
        line: 0,
    })
}

/// Decodes the kernel's `\ooo` octal escapes.
fn unescape(field: &str) -> String {
    if !field.contains('\\') {
        return field.to_string();
    }
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
        let mounts: Vec<Mount> = table.mounts().collect();
        assert_eq!(mounts.len(), 5);
        assert_eq!(table.skipped_lines, 1);
        assert_eq!(mounts[2].mount_point, Path::new("/home/ann/my dir"));
        assert!(mounts[4].read_only);
        assert_eq!(mounts[4].fstype, FsType::Other("ext4".to_string()));
        assert_eq!(mounts[4].line, 5);
        assert_eq!(FsType::parse("tmpfs"), FsType::Memory("tmpfs".to_string()));
        assert_eq!(serde_json::to_value(FsType::parse("9p")).unwrap(), "9p");
        let at = table.at(Path::new("/home/ann/my dir"));
        assert_eq!(at.map(|m| m.line), Some(3));
        assert!(
            MountTable::parse("1 2 3 / /x rw\n").is_empty(),
            "no separator"
        );
        assert!(
            MountTable::parse("1 2 3 / /x rw - \n").is_empty(),
            "no fstype"
        );
        assert_eq!(
            MountTable::parse("1 2 3 / /x rw shared:1 master:2 - ext4 /dev/a rw\n").len(),
            1
        );
    }

    #[test]
    fn classifies_origins() {
        let table = MountTable::parse(SAMPLE);
        let origins: Vec<_> = table.mounts().map(|m| m.origin()).collect();
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
        let mounts: Vec<Mount> = table.mounts().collect();
        assert_eq!(mounts[2].host_os(), Some(HostOs::MacOs));
        assert_eq!(mounts[4].host_os(), Some(HostOs::Linux));
    }

    /// Docker Desktop's shares as its containers show them. macOS (4.15 and
    /// later): the root is relative to the share named by the source
    /// (`fakeowner /run/host_mark/Users`, the format of issue #16 and of the
    /// Docker Desktop line my127/workspace#160 handles). Windows (WSL 2
    /// backend): a drive is a `9p` share whose source is `C:\134` and whose
    /// options say `aname=drvfs;path=C:\`, as `/proc/mounts` shows `/mnt/c`
    /// in WSL; older versions name `/run/desktop/mnt/host/c` in the root
    /// (docker/for-win#5066).
    const DESKTOP: &str = "\
1 0 0:31 / / rw,relatime - overlay overlay rw
2 1 0:44 /ann/.claude /home/node/.claude rw,nosuid,nodev,relatime - fakeowner /run/host_mark/Users rw,fakeowner
3 1 0:44 /var/folders/x /tmp/x rw,nosuid,nodev,relatime - fakeowner /run/host_mark/private rw,fakeowner
4 1 0:61 /Users/ann/.claude /home/node/.claude rw,noatime - 9p C:\\134 rw,dirsync,aname=drvfs;path=C:\\;uid=0;gid=0;symlinkroot=/mnt/host/,mmap,access=client,msize=65536,trans=fd,rfd=3,wfd=3
5 1 0:61 / /mnt/d rw,noatime - 9p drvfs rw,dirsync,aname=drvfs;path=D:\\;uid=1000
6 1 0:90 /run/desktop/mnt/host/c/Users/ann/.claude /home/node/.claude rw - ext4 /dev/sdd rw
7 1 0:45 /Users/ann/.claude /home/node/.claude rw,relatime - fuse.grpcfuse grpcfuse rw
8 1 0:46 /host_mnt/Users/ann/.claude /home/node/.claude rw,relatime - virtiofs virtiofs rw
";

    #[test]
    fn only_a_users_own_claude_dir_is_the_hosts_login() {
        let own = |shown: &str| {
            HostPath {
                os: None,
                shown: shown.into(),
            }
            .is_a_users_own_claude_dir()
        };
        for path in [
            "/home/ann/.claude",
            "/Users/ann/.claude/",
            "/root/.claude",
            "C:\\Users\\ann\\.claude",
        ] {
            assert!(own(path), "{path}");
        }
        for path in [
            "/home/ann/.ai-container/.claude",
            "/srv/claude",
            "/home/.claude",
            "/Users/ann",
        ] {
            assert!(!own(path), "{path}");
        }
    }

    #[test]
    fn docker_desktop_shares_show_the_host_spelling() {
        let table = MountTable::parse(DESKTOP);
        let shown = |m: &Mount, path: &str| m.host_path(Path::new(path));
        let mounts: Vec<Mount> = table.mounts().collect();
        let mac = shown(&mounts[1], "/home/node/.claude/.credentials.json");
        assert_eq!(mac.shown, "/Users/ann/.claude/.credentials.json");
        assert_eq!(mac.os, Some(HostOs::MacOs));
        assert_eq!(shown(&mounts[2], "/tmp/x").shown, "/private/var/folders/x");
        let win = shown(&mounts[3], "/home/node/.claude");
        assert_eq!(
            (win.shown.as_str(), win.os),
            ("C:\\Users\\ann\\.claude", Some(HostOs::Windows))
        );
        let wsl = shown(&mounts[4], "/mnt/d/work/.claude");
        assert_eq!(wsl.shown, "D:\\work\\.claude");
        assert_eq!(
            shown(&mounts[5], "/home/node/.claude").shown,
            "C:\\Users\\ann\\.claude"
        );
        for old in &mounts[6..] {
            assert_eq!(old.host_path(&old.mount_point).shown, "/Users/ann/.claude");
            assert_eq!(old.host_os(), Some(HostOs::MacOs));
        }
        assert!(
            mounts[1..]
                .iter()
                .all(|m| m.origin() == MountOrigin::HostBind)
        );
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
    fn prefixes_respect_component_boundaries() {
        assert!(is_under(b"/home/a/.claude", b"/home/a"));
        assert!(is_under(b"/home/a", b"/home/a"));
        assert!(is_under(b"/x", b"/"));
        assert!(!is_under(b"/home/ab", b"/home/a"));
        assert!(is_under(b"/home/a/b", b"/home/a/"));
    }

    #[test]
    fn unescape_leaves_odd_backslashes_alone() {
        assert_eq!(unescape("a\\040b\\9\\"), "a b\\9\\");
        assert_eq!(unescape("\\134"), "\\");
    }
}
