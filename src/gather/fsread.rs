//! Bounded, non-blocking file reads.
//!
//! Every file `ccauth` reads goes through [`read_bounded`] or [`open_bounded`],
//! and every file it writes outside `--fix` (`--output`, the GitHub step
//! summary) through [`write_regular`]. A FIFO, a device such as `/dev/zero`,
//! a directory or a symlink loop in place of a file becomes a [`FileProblem`]
//! the checks can report, never a hang or a panic; a file larger than the
//! caller's limit is never read whole.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Why a path could not be read as a regular file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileProblem {
    /// Nothing exists at the path (or a dangling symlink).
    Missing,
    /// Something other than a regular file is there: a directory, a FIFO, …
    NotAFile(FileKind),
    /// It exists but could not be opened or read; the OS error in words.
    Unreadable(String),
    /// Larger than the limit the caller set, in bytes.
    TooLarge(u64),
}

impl FileProblem {
    /// A short phrase for a finding: "is a directory", "could not be read: …".
    pub(crate) fn describe(&self) -> String {
        match self {
            FileProblem::Missing => "does not exist".to_string(),
            FileProblem::NotAFile(kind) => format!("is {kind}, not a regular file"),
            FileProblem::Unreadable(why) => format!("could not be read: {why}"),
            FileProblem::TooLarge(size) => format!("is too large to read ({size} bytes)"),
        }
    }
}

/// Reads a whole regular file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FileProblem> {
    let (file, meta) = open_bounded(path, limit)?;
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileProblem::Unreadable(describe_io(&e)))?;
    if bytes.len() as u64 > limit {
        // /proc files report size 0, so the limit is enforced on what was read.
        return Err(FileProblem::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a regular file as text, replacing invalid UTF-8 sequences.
pub(crate) fn read_text_bounded(path: &Path, limit: u64) -> Result<String, FileProblem> {
    read_bounded(path, limit).map(|bytes| {
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    })
}

/// Opens a regular file of at most `limit` bytes for a streaming reader.
///
/// The type is checked before opening, and the open itself is non-blocking,
/// so a FIFO swapped in between cannot stall the process either.
pub(crate) fn open_bounded(path: &Path, limit: u64) -> Result<(File, Metadata), FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| classify_stat_error(&e))?;
    check_is_regular(&meta)?;
    if meta.len() > limit {
        return Err(FileProblem::TooLarge(meta.len()));
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|e| FileProblem::Unreadable(describe_io(&e)))?;
    let opened = file
        .metadata()
        .map_err(|e| FileProblem::Unreadable(describe_io(&e)))?;
    check_is_regular(&opened)?;
    Ok((file, opened))
}

/// How [`write_regular`] treats what is already in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WriteMode {
    /// Replace the content (`--output`).
    Replace,
    /// Add after the content (`GITHUB_STEP_SUMMARY`, which other steps share).
    Append,
}

/// Writes `bytes` to a regular file, creating it (0666 minus the umask) when
/// nothing is there. A FIFO, device, socket or directory is refused before
/// anything is written: the open is non-blocking (a FIFO without a reader
/// fails at once instead of waiting for one) and the opened file is checked
/// again, so a FIFO swapped in between is refused too. The error is a phrase
/// to follow the path: "is a FIFO, not a regular file".
pub(crate) fn write_regular(path: &Path, bytes: &[u8], mode: WriteMode) -> Result<(), String> {
    let not_regular = |problem: FileProblem| problem.describe();
    match std::fs::metadata(path) {
        Ok(meta) => check_is_regular(&meta).map_err(not_regular)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("could not be written: {}", describe_io(&e))),
    }
    let unwritable = |e: io::Error| format!("could not be written: {}", describe_io(&e));
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .append(mode == WriteMode::Append)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(unwritable)?;
    check_is_regular(&file.metadata().map_err(unwritable)?).map_err(not_regular)?;
    if mode == WriteMode::Replace {
        file.set_len(0).map_err(unwritable)?;
    }
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .map_err(unwritable)
}

/// The first `limit` entries of a directory that can be read, in the order
/// the file system gives them; nothing when it cannot be listed. A workspace
/// directory of a million entries costs `limit`, not a million.
pub(crate) fn dir_entries(
    dir: &Path,
    limit: usize,
) -> impl Iterator<Item = std::fs::DirEntry> + use<> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .take(limit)
        .filter_map(Result::ok)
}

/// What kind of thing stands at a path, following symlinks. Checks compare
/// kinds; people and JSON read the phrase ([`FileKind::describe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file, the only kind ccauth reads or writes.
    Regular,
    /// A directory.
    Directory,
    /// A named pipe: reading it would wait for a writer.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device such as `/dev/zero`.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Anything else the file system reports.
    Special,
}

impl FileKind {
    /// The kind of what `meta` describes.
    pub(crate) fn of(meta: &Metadata) -> Self {
        let t = meta.file_type();
        if t.is_dir() {
            FileKind::Directory
        } else if t.is_fifo() {
            FileKind::Fifo
        } else if t.is_socket() {
            FileKind::Socket
        } else if t.is_char_device() {
            FileKind::CharDevice
        } else if t.is_block_device() {
            FileKind::BlockDevice
        } else if t.is_file() {
            FileKind::Regular
        } else {
            FileKind::Special
        }
    }

    /// The kind as a phrase: "a directory", "a FIFO", …; also its JSON form.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            FileKind::Regular => "a regular file",
            FileKind::Directory => "a directory",
            FileKind::Fifo => "a FIFO",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Special => "a special file",
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// JSON evidence has always carried the phrase (`"kind": "a regular file"`).
impl serde::Serialize for FileKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.describe())
    }
}

fn check_is_regular(meta: &Metadata) -> Result<(), FileProblem> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(FileProblem::NotAFile(FileKind::of(meta)))
    }
}

fn classify_stat_error(e: &io::Error) -> FileProblem {
    if e.kind() == io::ErrorKind::NotFound {
        FileProblem::Missing
    } else {
        FileProblem::Unreadable(describe_io(e))
    }
}

/// An I/O error in words, with the errno name users search for (`EACCES`).
pub(crate) fn describe_io(e: &io::Error) -> String {
    let name = match e.raw_os_error() {
        Some(1) => "EPERM",
        Some(2) => "ENOENT",
        Some(13) => "EACCES",
        Some(16) => "EBUSY",
        Some(20) => "ENOTDIR",
        Some(6) => "ENXIO",
        Some(21) => "EISDIR",
        Some(28) => "ENOSPC",
        Some(30) => "EROFS",
        Some(32) => "EPIPE",
        Some(40) => "ELOOP: a symlink loop",
        _ => return e.to_string(),
    };
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    format!("{name} ({text})")
}

/// What `stat` and `access` say about a path, for ownership and mode checks.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct FileMeta {
    /// The path itself is a symlink.
    pub(crate) is_symlink: bool,
    /// Where the symlink points, when it is one.
    pub(crate) link_target: Option<std::path::PathBuf>,
    /// What the path resolves to.
    pub(crate) kind: FileKind,
    /// Permission bits (`0o600`).
    pub(crate) mode: u32,
    /// Owner uid.
    pub(crate) uid: u32,
    /// Size in bytes.
    pub(crate) size: u64,
    /// This process may read it (effective ids).
    pub(crate) readable: bool,
    /// This process may write it (effective ids).
    pub(crate) writable: bool,
}

/// Stats a path without opening it; `None` when nothing is there.
pub(crate) fn file_meta(path: &Path) -> Option<FileMeta> {
    use std::os::unix::fs::MetadataExt;
    let link = std::fs::symlink_metadata(path).ok()?;
    let is_symlink = link.file_type().is_symlink();
    let meta = std::fs::metadata(path).unwrap_or(link);
    Some(FileMeta {
        is_symlink,
        link_target: is_symlink.then(|| std::fs::read_link(path).ok()).flatten(),
        kind: FileKind::of(&meta),
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        size: meta.len(),
        readable: may(path, rustix::fs::Access::READ_OK),
        writable: may(path, rustix::fs::Access::WRITE_OK),
    })
}

/// `faccessat` with the effective ids: what this process can really do.
pub(crate) fn may(path: &Path, access: rustix::fs::Access) -> bool {
    rustix::fs::accessat(rustix::fs::CWD, path, access, rustix::fs::AtFlags::EACCESS).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_and_refuses_a_large_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read_bounded(&path, 5).unwrap(), b"hello");
        assert_eq!(read_bounded(&path, 4), Err(FileProblem::TooLarge(5)));
    }

    #[test]
    fn a_directory_missing_file_and_fifo_are_problems_not_hangs() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_bounded(dir.path(), 10),
            Err(FileProblem::NotAFile(FileKind::Directory))
        );
        assert_eq!(
            read_bounded(&dir.path().join("nope"), 10),
            Err(FileProblem::Missing)
        );
        let fifo = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert_eq!(
            read_bounded(&fifo, 10),
            Err(FileProblem::NotAFile(FileKind::Fifo))
        );
    }

    #[test]
    fn a_kind_reads_and_serializes_as_its_phrase() {
        let meta = file_meta(Path::new("/dev/null")).unwrap();
        assert_eq!(meta.kind, FileKind::CharDevice);
        assert_eq!(
            serde_json::to_value(&meta).unwrap()["kind"],
            "a character device"
        );
        assert_eq!(
            FileProblem::NotAFile(FileKind::Fifo).describe(),
            "is a FIFO, not a regular file"
        );
    }

    #[test]
    fn dev_zero_and_symlink_loops_are_problems() {
        assert_eq!(
            read_bounded(Path::new("/dev/zero"), 10),
            Err(FileProblem::NotAFile(FileKind::CharDevice))
        );
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let err = read_bounded(&a, 10).unwrap_err();
        assert!(
            matches!(&err, FileProblem::Unreadable(m) if m.contains("ELOOP")),
            "{err:?}"
        );
    }
}
